//! Support plans (kế hoạch hỗ trợ chuyên môn) and their indicators (chỉ tiêu): the plan's
//! approval workflow and the arithmetic of targets, attainment and traffic lights, as pure
//! functions shared by the backend and the SPA.
//!
//! - [`state`]: statuses, actions and who may take them ([`transition`]).
//! - [`indicator`]: attainment of a target ([`attainment`]), its traffic light
//!   ([`TrafficLight`]) and shares of facilities meeting a condition.

pub mod indicator;
pub mod state;

pub use indicator::{Direction, IndicatorKind, TrafficLight, attainment, share_percent};
pub use state::{PlanAction, PlanError, PlanSide, PlanStatus, allowed_actions, transition};
