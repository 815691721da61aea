//! End-to-end tests: the real `tuyen` binary (from `TUYEN_BIN`) over HTTP, and the built SPA
//! (from `TUYEN_DIST`) in headless Chromium through chromedriver. `make test` sets both;
//! a plain `cargo test` without `TUYEN_BIN` skips them and says so.
//!
//! One test binary (linked once) with a module per flow; `support` starts the server and
//! the browser, `browser` holds the steps every browser flow is made of.
#![forbid(unsafe_code)]
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test states what must hold by unwrapping; a failure is a loud, located panic"
)]

mod admin;
mod browser;
mod first_network;
mod first_run;
mod hostile_text;
mod http;
mod indicators;
mod phone;
mod plan_approval;
mod referral_round_trip;
mod registry;
mod registry_forms;
mod resilience;
mod rotation;
mod rotation_entry;
mod sign_in;
mod spa_size;
mod support;
mod techniques;
// Supervision and quality criteria.
mod supervision;
// Technique transfer.
mod transfers;
mod two_servers;
mod work_queue;
