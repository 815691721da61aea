//! Rotation use cases: plans, demands and assignments with the shared rules checked on
//! every write, the assignment state machine, feedback, preferences and calendar feeds.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDateTime;
use serde::Serialize;
use serde_json::json;
use shared::Lang;
use shared::message::{Message, Record};
use shared::page::{Page, clamp_limit};
use shared::registry::{DepartmentQuery, FacilityRef, Profession, StaffQuery};
use shared::rotation::{
    AssignmentAction, AssignmentInput, AssignmentQuery, AssignmentSide, AssignmentSource,
    AssignmentStatus, AttendanceInput, Avoidance, Booking, Breach, CalendarFeed, CheckResult,
    DeclineDemandInput, DemandAction, DemandInput, DemandParty, DemandPattern, DemandProposals,
    DemandQuery, DemandStatus, DepartmentFacts, FeedInput, FeedSubject, Feedback, FeedbackInput,
    LeavePeriod, Months, Need, Proposal, Roster, RotationAssignment, RotationDemand, RotationPlan,
    RotationPlanInput, RotationPlanQuery, RotationPreferences, RuleSettings, Span, StaffFacts,
    StaffRef, StatusCount, Swap, SwapInput, Weekdays, check, transition,
};

use super::repo::{
    self, AssignmentChange, AssignmentFilter, AssignmentRow, DemandChanges, DemandRow,
    NewAssignment, PlanChanges, PlanRow,
};
use crate::audit::{self, Entry};
use crate::auth::{Action, Principal, authorize, policy, tokens};
use crate::db::{AnyConn, DbEnum, from_json, json_text, now, utc, write_tx};
use crate::error::ApiError;
use crate::http::{page_of, parse_cursor};
use crate::idempotency;
use crate::registry::repo as registry_repo;
use crate::schema::{staff, users};
use diesel::prelude::*;

mod assignments;
mod demands;
mod feeds;
mod plans;
mod preferences;
mod roster;
pub use assignments::*;
pub use demands::*;
pub use feeds::*;
pub use plans::*;
pub use preferences::*;
pub use roster::*;

fn plan_not_found() -> ApiError {
    ApiError::not_found(Record::RotationPlan)
}

fn demand_not_found() -> ApiError {
    ApiError::not_found(Record::Demand)
}

fn assignment_not_found() -> ApiError {
    ApiError::not_found(Record::Assignment)
}

fn weekdays_of(stored: i32) -> Weekdays {
    Weekdays(u8::try_from(stored).unwrap_or(0))
}

/// The staff record of the signed-in person, if their account is linked to one.
pub fn own_staff_id(conn: &mut AnyConn, by: &Principal) -> Result<Option<i64>, ApiError> {
    let Some(user_id) = by.user_id() else {
        return Ok(None);
    };
    Ok(users::table
        .find(user_id)
        .select(users::staff_id)
        .first::<Option<i64>>(conn)
        .optional()?
        .flatten())
}
