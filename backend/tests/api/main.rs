//! Integration tests: the real application (same builder as `main`) on port 0, driven
//! over HTTP. Each test gets its own database: a temp SQLite file, or — when
//! `TUYEN_TEST_PG_URL` names a PostgreSQL server — a fresh PostgreSQL database.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test states what must hold by unwrapping; a failure is a loud, located panic"
)]

mod actions;
mod admin;
mod auth;
mod code_lists;
mod consultations;
mod contract;
mod first_run;
mod forms;
mod generator_queue;
mod hostile;
mod http_rules;
mod idempotency;
mod import;
mod languages;
mod matrix;
mod plans;
mod plans_access;
mod privacy;
mod referrals;
mod registry;
mod request_log;
mod rotation_entry;
mod rotations;
mod rules;
mod schema;
mod search;
mod several_servers;
mod sign_in_abuse;
mod support;
// Supervision and quality criteria.
mod supervision;
mod system;
mod techniques;
mod transfers;
mod work_queue;
