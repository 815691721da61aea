//! The registry: facilities (capabilities, support links), departments, staff, leave.

pub mod import;
pub mod repo;
pub mod routes;
pub mod service;
