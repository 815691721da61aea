//! Rotation of staff to the stations (Decision 1816/QĐ-BYT): demands, assignments, the
//! rules every assignment must keep, and the optimisation engine behind the generator.
//!
//! - [`avoidance`]: weekdays and months a person asked to avoid (soft preferences).
//! - [`calendar`]: the days of an assignment ([`Span`], [`Weekdays`]).
//! - [`proposals`]: a station's proposed demand, accepted or declined by planning.
//! - [`rules`]: the hard rules as pure functions ([`check`], [`personal_breaches`]).
//! - [`shortfall`]: why a demand stayed unfilled, and the planner's sentence for it.
//! - [`state`]: the assignment's statuses and who may move it.
//! - [`types`]: the request and response bodies.
//! - `solver` and `bench` (feature `solver`): the search behind the generator and the
//!   adapter for the benchmark format.

pub mod avoidance;
#[cfg(feature = "solver")]
pub mod bench;
pub mod calendar;
pub mod proposals;
pub mod rules;
pub mod shortfall;
#[cfg(feature = "solver")]
pub mod solver;
pub mod state;
pub mod types;

pub use avoidance::{Avoidance, AvoidanceBroken, Months};
pub use calendar::{Span, Weekdays, monday_of, months_of};
pub use proposals::{DeclineDemandInput, DemandAction, DemandParty, DemandProposals, DemandStatus};
pub use rules::{
    Booking, Breach, DepartmentFacts, LeavePeriod, Need, Proposal, Roster, RotationRule,
    RuleSettings, StaffFacts, check, personal_breaches,
};
pub use shortfall::Shortfall;
pub use state::{
    AssignmentAction, AssignmentError, AssignmentSide, AssignmentStatus, Assignments,
    allowed_actions, transition,
};
pub use types::*;
