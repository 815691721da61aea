//! Referrals (chuyển tuyến): slips, their state machine and timeline, back-referrals with
//! follow-ups, routing to capable destinations, and the configurable rules.

pub mod demo;
pub mod repo;
pub mod routes;
pub mod service;
