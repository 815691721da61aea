//! Supervision and quality criteria (giám sát chất lượng): checklist templates kept by
//! the Nursing office, visits to the facilities it supports scored item by item on
//! site, photos of findings, and the corrective actions the visited facility answers
//! and a follow-up visit closes.

pub mod demo;
pub mod export;
pub mod repo;
pub mod routes;
pub mod service;
