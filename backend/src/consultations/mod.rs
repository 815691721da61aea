//! Consultations (hội chẩn / tư vấn từ xa): the calendar of sessions a facility holds,
//! case requests from stations, their conclusion (a referral avoided, a referral draft
//! opened, or more tests) and the outcome reported back.

pub mod demo;
pub mod repo;
pub mod routes;
pub mod service;
