//! A typed HTTP client for Tuyến's API, for tests: the backend's integration tests and the
//! end-to-end tests drive the server through it. Requests and answers are the `shared`
//! types the server and the SPA use, and every path of the API is written here once.
//!
//! ```no_run
//! # async fn demo(base: &str) {
//! use testkit::Client;
//! let station = Client::new(base).sign_in("tram.anphu", "thuanan2026").await;
//! let referral = station.referrals().get(1).await.ok();
//! let sent = station
//!     .referrals()
//!     .step(referral.id, "send", &testkit::no_body(), None)
//!     .await
//!     .ok();
//! # let _ = sent;
//! # }
//! ```
//!
//! A test that checks how the server answers bad input keeps its raw body: [`Client::request`]
//! is the escape hatch (any method, path, headers and body), and [`Answer::json`] reads
//! any answer as plain JSON.
//!
//! The crate reads by domain: [`Client`] and [`Answer`] are the core, [`Resource`] the verbs
//! every collection shares, and the modules `auth`, `registry`, `referrals`, `plans`,
//! `rotations` and `consultations` add each domain's collections and its other paths, so
//! every path of the API is written once, in the module of its domain.
//!
//! Failures panic with the status and body of the answer: this crate is for tests, where a
//! loud, located panic is how a check fails.
#![forbid(unsafe_code)]

mod admin;
mod answer;
mod auth;
mod client;
mod consultations;
mod import;
mod plans;
mod referrals;
mod registry;
mod resource;
mod rotations;
mod techniques;
mod transfers;
// Supervision and quality criteria.
mod supervision;

use serde_json::Value;

pub use answer::Answer;
pub use client::Client;
pub use import::{CSV, Imports, XLSX};
pub use resource::Resource;

/// The root of the versioned API.
pub const API: &str = "/api/v1";

/// The body of an action that takes none: `{}`.
pub fn no_body() -> Value {
    Value::Object(serde_json::Map::new())
}
