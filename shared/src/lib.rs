//! Tuyến's shared vocabulary: domain enums with Vietnamese/English labels, the API's
//! request and response types, error codes, the messages problems carry, validation messages and the pure rules that
//! both the backend and the single-page app apply.
//!
//! This crate stays client-safe: no database or web-server types, so it compiles to
//! `wasm32-unknown-unknown`. OpenAPI schemas are derived only behind the `openapi`
//! feature, which the backend turns on.
#![forbid(unsafe_code)]

#[macro_use]
mod labels;

pub mod assets;
pub mod audit;
pub mod auth;
pub mod code_list;
pub mod consultation;
pub mod error;
pub mod i18n;
pub mod message;
pub mod page;
pub mod plan;
pub mod privacy;
pub mod referral;
pub mod registry;
pub mod rotation;
pub mod search;
pub mod technique;
pub mod text;
pub mod time;
pub mod transfer;
pub mod validation;
pub mod work_queue;
pub mod workflow;
// Supervision and quality criteria (issue 18, part 3).
pub mod supervision;

pub use i18n::{Labelled, Lang};
