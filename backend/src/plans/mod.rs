//! Support plans: the plan document and its workflow, versions and their diff,
//! activities, indicators and their values, evaluations, the periodic report and its
//! exports (XLSX, DOCX), and the stations' support requests.

pub mod demo;
pub mod export;
pub mod metrics;
pub mod repo;
pub mod routes;
pub mod service;
