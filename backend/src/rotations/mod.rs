//! Rotation (luân phiên, Decision 1816/QĐ-BYT): plans, demands and assignments checked
//! against the shared rules, the generator, and calendar feeds.

pub mod demo;
pub mod generator;
pub mod ics;
pub mod repo;
pub mod routes;
pub mod service;
