//! Consultation use cases: the calendar of sessions a facility holds, and the case
//! requests stations send, stepped through the shared state machine in one transaction
//! with the audit record. Concluding `refer` opens a referral draft at the station
//! through the referrals service.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeDelta, Utc};
use serde_json::json;
use shared::Lang;
use shared::consultation::{
    self, CaseAction, CaseBox, CaseInput, CaseQuery, CaseReferral, CaseStatus, CaseSummary,
    Conclusion, ConclusionInput, ConsultationCancelInput, ConsultationCase, ConsultationSession,
    OutcomeInput, Participant, ScheduleInput, SessionInput, SessionQuery, SessionRef,
    SessionStatus, SessionsCreated,
};
use shared::message::{Message, Record};
use shared::page::{Page, clamp_limit};
use shared::referral::{
    ClinicalSummary, Direction, Patient, ReferralInput, ReferralReason, Transport,
};
use shared::registry::FacilityRef;

use super::repo::{
    self, CaseChange, CaseFilter, CaseRow, NewCase, NewSession, SessionChanges, SessionFilter,
    SessionRow,
};
use crate::audit::{self, Entry};
use crate::auth::policy::{allowed, consultation_side};
use crate::auth::{Action, Actor, FacilityScope, Principal, authorize};
use crate::db::{AnyConn, DbEnum, from_json, now, utc, write_tx};
use crate::error::ApiError;
use crate::http::{page_of, parse_cursor};
use crate::registry::repo as registry_repo;

mod cases;
mod sessions;
pub use cases::*;
pub use sessions::*;

fn session_not_found() -> ApiError {
    ApiError::not_found(Record::ConsultationSession)
}

fn case_not_found() -> ApiError {
    ApiError::not_found(Record::ConsultationCase)
}

fn facility(refs: &HashMap<i64, FacilityRef>, id: i64) -> Result<FacilityRef, ApiError> {
    refs.get(&id)
        .cloned()
        .ok_or_else(|| ApiError::internal(format!("facility {id} missing")))
}

/// Midnight of a Vietnamese calendar day, as a stored UTC timestamp.
fn vn_midnight(day: NaiveDate) -> NaiveDateTime {
    shared::time::start_of_vietnam_day(day).naive_utc()
}

/// An existing, active facility for `field` (400 otherwise).
fn check_facility(conn: &mut AnyConn, field: &str, id: i64) -> Result<(), ApiError> {
    match registry_repo::find_facility_row(conn, id)? {
        Some(facility) if facility.active => Ok(()),
        Some(_) => Err(ApiError::field(field, Message::FacilityInactive)),
        None => Err(ApiError::field(field, Record::Facility)),
    }
}
