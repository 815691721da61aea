//! Tuyến backend: the API server, its services and the `tuyen` command line.
#![forbid(unsafe_code)]

pub mod app;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod code_lists;
pub mod config;
pub mod consultations;
pub mod db;
pub mod demo;
pub mod error;
pub mod http;
pub mod idempotency;
pub mod openapi;
pub mod plans;
pub mod referrals;
pub mod registry;
pub mod request_log;
pub mod rotations;
pub mod schema;
pub mod search;
pub mod static_files;
pub mod system;
pub mod techniques;
pub mod work_queue;
pub mod workflow;
// Supervision and quality criteria (issue 18, part 3).
pub mod supervision;
pub mod transfers;
