//! Referral use cases: who may do what (policy + the shared state machine), in one
//! transaction with the timeline event and the audit record.

use std::collections::{BTreeSet, HashMap};

use chrono::{Datelike, NaiveDateTime, TimeDelta};
use serde::{Deserialize, Serialize};
use serde_json::json;
use shared::message::{Message, Record};
use shared::page::{Page, clamp_limit};
use shared::privacy::shown_to;
use shared::referral::{
    self, ArriveInput, CancelInput, ClinicalSummary, CompleteInput, DeclineInput, Destination,
    DestinationQuery, Diagnosis, Direction, FollowUp, FollowUpMissedInput, FollowUpQuery,
    FollowUpStatus, FollowUpVisit, FollowUpVisitInput, Outcome, Party, RedirectInput, Referral,
    ReferralAction, ReferralEvent, ReferralEventKind, ReferralInput, ReferralLink,
    ReferralLinkKind, ReferralQuery, ReferralReason, ReferralRules, ReferralStatus,
    ReferralSummary, Signatory, TransitionNote, Transport, Urgency, format_slip_number,
};
use shared::registry::{FacilityQuery, FacilityRef};
use shared::time::{start_of_vietnam_day, vietnam_date};
use shared::{Labelled, Lang};

use super::repo::{
    self, EventRow, FollowUpFilter, FollowUpRow, ListFilter, NewReferral, ReferralRow, SlipChanges,
    StatusChange, VisitRow,
};
use crate::audit::{self, Entry};
use crate::auth::policy::{allowed, referral_side};
use crate::auth::{Action, Actor, FacilityScope, Principal, authorize};
use crate::db::{AnyConn, DbEnum, from_json, json_text, now, utc, write_tx};
use crate::error::ApiError;
use crate::http::{page_of, parse_cursor};
use crate::registry::repo as registry_repo;

mod follow_ups;
mod reading;
mod rules;
mod steps;
mod writing;
pub use follow_ups::*;
pub use reading::*;
pub use rules::*;
pub use steps::*;
pub use writing::*;

/// The key of the rules in `app_settings`.
pub const RULES_KEY: &str = "referral_rules";

fn not_found() -> ApiError {
    ApiError::not_found(Record::Referral)
}

/// The part of the slip stored as one JSON document (`referrals.details`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct SlipDetails {
    transport: Transport,
    signed_by: Option<Signatory>,
    physician: Option<Signatory>,
    attachments: Vec<String>,
}

/// What completion writes (`referrals.discharge`).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Discharge {
    summary: String,
    diagnoses: Vec<Diagnosis>,
}

/// The slip columns of an input.
fn slip_changes(
    input: &ReferralInput,
    version: i64,
    at: NaiveDateTime,
) -> Result<SlipChanges, ApiError> {
    Ok(SlipChanges {
        to_facility_id: input.to_facility_id,
        direction: DbEnum(input.direction),
        urgency: DbEnum(input.urgency),
        reason: DbEnum(input.reason),
        reason_text: input.reason_text.clone(),
        patient_name: input.patient.full_name.trim().to_string(),
        patient: json_text(&input.patient)?,
        clinical: json_text(&input.clinical)?,
        details: json_text(&SlipDetails {
            transport: input.transport.clone(),
            signed_by: input.signed_by.clone(),
            physician: input.physician.clone(),
            attachments: input.attachments.clone(),
        })?,
        version,
        updated_at: at,
    })
}

/// The slip of a stored referral, as its sender wrote it.
fn stored_input(row: &ReferralRow) -> Result<ReferralInput, ApiError> {
    let details: SlipDetails = from_json(&row.details, "slip details")?;
    Ok(ReferralInput {
        to_facility_id: row.to_facility_id,
        direction: row.direction.0,
        urgency: row.urgency.0,
        reason: row.reason.0,
        reason_text: row.reason_text.clone(),
        patient: from_json(&row.patient, "patient")?,
        clinical: from_json(&row.clinical, "clinical summary")?,
        transport: details.transport,
        signed_by: details.signed_by,
        physician: details.physician,
        attachments: details.attachments,
    })
}

fn read_action(row: &ReferralRow) -> Action {
    Action::ReadReferral {
        from_facility_id: row.from_facility_id,
        to_facility_id: row.to_facility_id,
    }
}

fn sees_patient(by: &Principal, row: &ReferralRow) -> bool {
    allowed(
        by,
        Action::SeeReferralPatient {
            from_facility_id: row.from_facility_id,
            to_facility_id: row.to_facility_id,
        },
    )
}

/// A referral the principal may see; 404 both when there is none and when the
/// principal may not know of it, so ids do not tell who refers whom. A draft is the
/// sender's working paper: nobody else learns it exists until it is sent. (A reader who
/// may not take an action on the referral gets 403 from that action.)
fn visible_row(conn: &mut AnyConn, by: &Principal, id: i64) -> Result<ReferralRow, ApiError> {
    let row = repo::find(conn, id)?.ok_or_else(not_found)?;
    if !allowed(by, read_action(&row))
        || (row.status.0 == ReferralStatus::Draft && !sees_drafts_of(by, row.from_facility_id))
    {
        return Err(not_found());
    }
    Ok(row)
}

/// Whether the principal may see the drafts of a sending facility: its own people
/// (and clients), and admins.
fn sees_drafts_of(by: &Principal, from_facility_id: i64) -> bool {
    by.facility_id == from_facility_id || matches!(by.scope, FacilityScope::All)
}

/// One entry of a referral's timeline.
struct Happened {
    kind: ReferralEventKind,
    from_status: Option<ReferralStatus>,
    to_status: ReferralStatus,
    note: Option<String>,
}

/// Writes a timeline event for the principal's action.
fn record_event(
    conn: &mut AnyConn,
    by: &Principal,
    referral_id: i64,
    at: NaiveDateTime,
    event: Happened,
) -> Result<(), ApiError> {
    repo::insert_event(
        conn,
        &EventRow {
            id: 0,
            referral_id,
            kind: DbEnum(event.kind),
            from_status: event.from_status.map(DbEnum),
            to_status: DbEnum(event.to_status),
            actor: by.label(),
            actor_user_id: by.user_id(),
            actor_role: by.role().map(DbEnum),
            facility_id: by.facility_id,
            at,
            note: event.note,
        },
    )?;
    Ok(())
}

fn audit_referral(
    conn: &mut AnyConn,
    by: &Principal,
    row: &ReferralRow,
    action: &str,
    changes: serde_json::Value,
) -> Result<(), ApiError> {
    audit::record(
        conn,
        by,
        Entry {
            entity: "referral",
            entity_id: row.id.to_string(),
            action,
            facility_id: Some(row.from_facility_id),
            changes,
        },
    )?;
    Ok(())
}

/// What the audit trail keeps of a transition: the status and slip, no patient data.
fn transition_changes(before: &ReferralRow, after: &ReferralRow) -> serde_json::Value {
    json!({
        "slip_number": after.slip_number,
        "status": [before.status, after.status],
        "version": [before.version, after.version],
    })
}

/// How a new referral comes to be: who issues it, in which status, continuing which
/// referral, and (when it is sent at once) the rules and slip that date it.
struct Issue<'a> {
    from_facility_id: i64,
    status: ReferralStatus,
    origin: Option<(i64, ReferralLinkKind)>,
    sent: Option<(&'a ReferralRules, &'a ReferralInput)>,
}

/// Inserts a referral with the next slip number of its issuing facility.
fn insert_referral(
    conn: &mut AnyConn,
    by: &Principal,
    issue: Issue<'_>,
    slip: &SlipChanges,
    at: NaiveDateTime,
) -> Result<ReferralRow, ApiError> {
    let Issue {
        from_facility_id,
        status,
        origin,
        sent,
    } = issue;
    let issuer = registry_repo::facility_ref(conn, from_facility_id)?;
    let year = vietnam_date(utc(at)).year();
    let seq = repo::next_slip_seq(conn, from_facility_id, year)?;
    let mut new = NewReferral {
        slip_number: format_slip_number(&issuer.code, year, seq),
        slip_year: year,
        slip_seq: seq,
        status: DbEnum(status),
        from_facility_id,
        created_by: by.label(),
        created_at: at,
        sent_at: None,
        answer_due_at: None,
        signed_on: None,
        valid_until: None,
        long_validity: false,
        origin_id: origin.map(|(id, _)| id),
        origin_kind: origin.map(|(_, kind)| DbEnum(kind)),
    };
    if let Some((rules, input)) = sent {
        let signed = sending(rules, input, at);
        new.sent_at = signed.sent_at;
        new.answer_due_at = signed.answer_due_at;
        new.signed_on = signed.signed_on;
        new.valid_until = signed.valid_until;
        new.long_validity = signed.long_validity.unwrap_or(false);
    }
    let id = repo::insert(conn, &new, slip)?;
    repo::find(conn, id)?.ok_or_else(not_found)
}

/// The columns sending sets: the slip is signed today and valid for 10 working days
/// (or a year for long-validity diagnoses); the answer is due by urgency.
fn sending(rules: &ReferralRules, input: &ReferralInput, at: NaiveDateTime) -> StatusChange {
    let signed_on = vietnam_date(utc(at));
    StatusChange {
        sent_at: Some(at),
        answer_due_at: Some(rules.answer_due(utc(at), input.urgency).naive_utc()),
        signed_on: Some(signed_on),
        valid_until: Some(rules.valid_until(signed_on, &input.clinical.diagnoses)),
        long_validity: Some(rules.long_validity(&input.clinical.diagnoses)),
        ..StatusChange::default()
    }
}

fn check_destination(conn: &mut AnyConn, field: &str, to_facility_id: i64) -> Result<(), ApiError> {
    match registry_repo::find_facility_row(conn, to_facility_id)? {
        Some(facility) if facility.active => Ok(()),
        Some(_) => Err(ApiError::field(field, Message::FacilityInactive)),
        None => Err(ApiError::field(field, Record::ReceivingFacility)),
    }
}
