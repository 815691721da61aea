//! Support plans (kế hoạch hỗ trợ chuyên môn) and their indicators (chỉ tiêu): the plan's
//! approval workflow, the arithmetic of targets, attainment and traffic lights, reporting
//! periods, the diff between versions, and the API types — pure code shared by the
//! backend and the SPA.
//!
//! - [`state`]: statuses, actions and who may take them ([`transition`]).
//! - [`indicator`]: attainment of a target ([`attainment`], never above 100 %, lower-is-
//!   better indicators met at or under their ceiling), its traffic light
//!   ([`TrafficLight`]), averages over stations and shares of facilities meeting a
//!   condition.
//! - [`period`]: `2026`, `2026-H1`, `2026-Q3`, `P1` and their dates.
//! - [`diff`]: what a new version changed.
//! - [`document`]: the plan's document, sentence by sentence, for the Word export and
//!   the print view.
//! - [`types`]: the request and response types.

pub mod diff;
pub mod document;
pub mod indicator;
pub mod period;
pub mod state;
pub mod types;

pub use document::{DocumentBlock, DocumentLayout};
pub use indicator::{
    Direction, IndicatorKind, MET_PERCENT, TrafficLight, attainment, average_attainment,
    share_percent,
};
pub use period::{PERIOD_PATTERN, Period, PlanPhase};
pub use state::{PlanAction, PlanError, PlanSide, PlanStatus, Plans, allowed_actions, transition};
pub use types::*;
