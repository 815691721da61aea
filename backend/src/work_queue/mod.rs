//! The work queue of the home page (`GET /me/work-queue`): what waits for the
//! signed-in user across referrals, follow-ups, rotations, consultations, plans,
//! support requests and staff licences.

pub mod repo;
pub mod routes;
pub mod service;
