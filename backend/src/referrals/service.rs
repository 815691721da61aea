//! Referral use cases: who may do what (policy + the shared state machine), in one
//! transaction with the timeline event and the audit record.

use shared::message::{Message, Record};
use std::collections::{BTreeSet, HashMap};

use chrono::{Datelike, NaiveDateTime, TimeDelta};
use serde::{Deserialize, Serialize};
use serde_json::json;
use shared::page::{Page, clamp_limit};
use shared::referral::{
    self, ArriveInput, CancelInput, ClinicalSummary, CompleteInput, DeclineInput, Destination,
    DestinationQuery, Diagnosis, Direction, FollowUp, FollowUpMissedInput, FollowUpQuery,
    FollowUpStatus, FollowUpVisit, FollowUpVisitInput, Outcome, Party, RedirectInput, Referral,
    ReferralAction, ReferralEvent, ReferralEventKind, ReferralInput, ReferralLink,
    ReferralLinkKind, ReferralQuery, ReferralReason, ReferralRules, ReferralStatus,
    ReferralSummary, Signatory, TransitionNote, Transport, Urgency, format_slip_number, vn_date,
};
use shared::registry::{FacilityQuery, FacilityRef};
use shared::{Labelled, Lang};

use super::repo::{
    self, EventRow, FollowUpFilter, FollowUpRow, ListFilter, NewReferral, ReferralRow, SlipChanges,
    StatusChange, VisitRow,
};
use crate::audit::{self, Entry};
use crate::auth::policy::{allowed, referral_side};
use crate::auth::{Action, Actor, FacilityScope, Principal, authorize};
use crate::db::{AnyConn, from_json, json_text, now, utc, write_tx};
use crate::error::ApiError;
use crate::http::{page_of, parse_cursor};
use crate::registry::repo::{self as registry_repo, parse};

/// The key of the rules in `app_settings`.
const RULES_KEY: &str = "referral_rules";

fn not_found() -> ApiError {
    ApiError::not_found(Record::Referral)
}

/// The referral rules: the stored setting, or the built-in defaults.
pub fn rules(conn: &mut AnyConn) -> Result<(ReferralRules, i64), ApiError> {
    match repo::setting(conn, RULES_KEY)? {
        Some((value, version)) => Ok((from_json(&value, "referral rules")?, version)),
        None => Ok((ReferralRules::default(), 0)),
    }
}

/// Replaces the rules (admins), at the version read (0 when never stored).
pub fn store_rules(
    conn: &mut AnyConn,
    by: &Principal,
    version: i64,
    input: &ReferralRules,
) -> Result<(ReferralRules, i64), ApiError> {
    authorize(by, Action::ManageReferralRules)?;
    write_tx(conn, |conn| {
        let (before, current) = rules(conn)?;
        if current != version {
            return Err(ApiError::precondition_failed());
        }
        if repo::store_setting(conn, RULES_KEY, &json_text(input)?, version, now())? == 0 {
            return Err(ApiError::precondition_failed());
        }
        audit::record(
            conn,
            by,
            Entry {
                entity: "setting",
                entity_id: RULES_KEY.to_string(),
                action: "update",
                facility_id: None,
                changes: audit::diff(&before, input),
            },
        )?;
        Ok((input.clone(), version + 1))
    })
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
        direction: input.direction.as_str().to_string(),
        urgency: input.urgency.as_str().to_string(),
        reason: input.reason.as_str().to_string(),
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
        direction: parse(&row.direction, "direction")?,
        urgency: parse(&row.urgency, "urgency")?,
        reason: parse(&row.reason, "reason")?,
        reason_text: row.reason_text.clone(),
        patient: from_json(&row.patient, "patient")?,
        clinical: from_json(&row.clinical, "clinical summary")?,
        transport: details.transport,
        signed_by: details.signed_by,
        physician: details.physician,
        attachments: details.attachments,
    })
}

fn status_of(row: &ReferralRow) -> Result<ReferralStatus, ApiError> {
    parse(&row.status, "referral status")
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

/// A referral the principal may see (403 otherwise, 404 when there is none). A draft
/// is the sender's working paper: nobody else learns it exists until it is sent.
fn visible_row(conn: &mut AnyConn, by: &Principal, id: i64) -> Result<ReferralRow, ApiError> {
    let row = repo::find(conn, id)?.ok_or_else(not_found)?;
    authorize(by, read_action(&row))?;
    if row.status == ReferralStatus::Draft.as_str() && !sees_drafts_of(by, row.from_facility_id) {
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
            kind: event.kind.as_str().to_string(),
            from_status: event.from_status.map(|s| s.as_str().to_string()),
            to_status: event.to_status.as_str().to_string(),
            actor: by.label(),
            actor_user_id: by.user_id(),
            actor_role: by.role().map(|r| r.as_str().to_string()),
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
    let year = vn_date(utc(at)).year();
    let seq = repo::next_slip_seq(conn, from_facility_id, year)?;
    let mut new = NewReferral {
        slip_number: format_slip_number(&issuer.code, year, seq),
        slip_year: year,
        slip_seq: seq,
        status: status.as_str().to_string(),
        from_facility_id,
        created_by: by.label(),
        created_at: at,
        sent_at: None,
        answer_due_at: None,
        signed_on: None,
        valid_until: None,
        long_validity: false,
        origin_id: origin.map(|(id, _)| id),
        origin_kind: origin.map(|(_, kind)| kind.as_str().to_string()),
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
    let signed_on = vn_date(utc(at));
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

/// Creates a draft slip at the principal's facility. Accepts an idempotency key.
pub fn create(
    conn: &mut AnyConn,
    by: &Principal,
    key: Option<&str>,
    input: &ReferralInput,
) -> Result<Referral, ApiError> {
    authorize(by, Action::CreateReferral)?;
    crate::idempotency::once(conn, by, key, "POST /referrals", input, |conn| {
        let row = create_draft_at(conn, by, by.facility_id, input, None)?;
        let (rules, _) = rules(conn)?;
        view(conn, by, &row, &rules, row.created_at)
    })
}

/// Opens a draft slip issued by `from_facility_id`, written by `by`: the principal's own
/// drafts, and the draft a consultation concluding `refer` leaves at the requesting
/// station for it to complete and send. The caller has authorised `by` and validated
/// `input`; `note` goes on the creation event.
pub fn create_draft_at(
    conn: &mut AnyConn,
    by: &Principal,
    from_facility_id: i64,
    input: &ReferralInput,
    note: Option<String>,
) -> Result<ReferralRow, ApiError> {
    check_destination(conn, "to_facility_id", input.to_facility_id)?;
    let at = now();
    let slip = slip_changes(input, 1, at)?;
    let issue = Issue {
        from_facility_id,
        status: ReferralStatus::Draft,
        origin: None,
        sent: None,
    };
    let row = insert_referral(conn, by, issue, &slip, at)?;
    record_event(
        conn,
        by,
        row.id,
        at,
        Happened {
            kind: ReferralEventKind::Create,
            from_status: None,
            to_status: ReferralStatus::Draft,
            note,
        },
    )?;
    audit_referral(
        conn,
        by,
        &row,
        "create",
        json!({ "slip_number": row.slip_number, "to_facility_id": row.to_facility_id,
                "urgency": row.urgency, "status": row.status }),
    )?;
    Ok(row)
}

/// Inserts a referral as if it had reached `status` (load tests and demo volume only:
/// no principal acted, so no audit record; the timeline gets its creation event).
pub fn insert_synthetic(
    conn: &mut AnyConn,
    from_facility_id: i64,
    input: &ReferralInput,
    status: ReferralStatus,
    rules: &ReferralRules,
    at: NaiveDateTime,
) -> Result<i64, ApiError> {
    let issuer = registry_repo::facility_ref(conn, from_facility_id)?;
    let year = vn_date(utc(at)).year();
    let seq = repo::next_slip_seq(conn, from_facility_id, year)?;
    let sent = status != ReferralStatus::Draft;
    let signed = sending(rules, input, at);
    let new = NewReferral {
        slip_number: format_slip_number(&issuer.code, year, seq),
        slip_year: year,
        slip_seq: seq,
        status: status.as_str().to_string(),
        from_facility_id,
        created_by: crate::audit::SYSTEM.to_string(),
        created_at: at,
        sent_at: signed.sent_at.filter(|_| sent),
        answer_due_at: signed.answer_due_at.filter(|_| sent),
        signed_on: signed.signed_on.filter(|_| sent),
        valid_until: signed.valid_until.filter(|_| sent),
        long_validity: sent && signed.long_validity.unwrap_or(false),
        origin_id: None,
        origin_kind: None,
    };
    let id = repo::insert(conn, &new, &slip_changes(input, 1, at)?)?;
    repo::insert_event(
        conn,
        &EventRow {
            id: 0,
            referral_id: id,
            kind: ReferralEventKind::Create.as_str().to_string(),
            from_status: None,
            to_status: status.as_str().to_string(),
            actor: crate::audit::SYSTEM.to_string(),
            actor_user_id: None,
            actor_role: None,
            facility_id: from_facility_id,
            at,
            note: None,
        },
    )?;
    Ok(id)
}

/// One referral as the principal may see it; a read of patient data is audited.
pub fn get(conn: &mut AnyConn, by: &Principal, id: i64) -> Result<Referral, ApiError> {
    write_tx(conn, |conn| {
        let row = visible_row(conn, by, id)?;
        if sees_patient(by, &row) {
            audit_referral(conn, by, &row, "read_patient", json!({}))?;
        }
        let (rules, _) = rules(conn)?;
        view(conn, by, &row, &rules, now())
    })
}

/// Replaces a draft's slip (its sender only) at the version read.
pub fn update(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    version: i64,
    input: &ReferralInput,
) -> Result<Referral, ApiError> {
    write_tx(conn, |conn| {
        let before = visible_row(conn, by, id)?;
        let side = referral_side(by, before.from_facility_id, before.to_facility_id);
        if !side.may_act || side.party != Party::Sender {
            return Err(ApiError::forbidden());
        }
        if !referral::may_edit(status_of(&before)?, side) {
            return Err(ApiError::new(
                shared::error::ErrorCode::InvalidTransition,
                Message::OnlyDraftEditable,
            ));
        }
        if before.version != version {
            return Err(ApiError::precondition_failed());
        }
        check_destination(conn, "to_facility_id", input.to_facility_id)?;
        let at = now();
        if repo::update_slip(conn, id, version, &slip_changes(input, version + 1, at)?)? == 0 {
            return Err(ApiError::precondition_failed());
        }
        let after = repo::find(conn, id)?.ok_or_else(not_found)?;
        record_event(
            conn,
            by,
            id,
            at,
            Happened {
                kind: ReferralEventKind::Edit,
                from_status: Some(ReferralStatus::Draft),
                to_status: ReferralStatus::Draft,
                note: None,
            },
        )?;
        let mut changes = audit::diff(&stored_input(&before)?, &stored_input(&after)?);
        // Which fields changed is audited; the patient's data itself is not copied.
        if let Some(map) = changes.as_object_mut() {
            for key in ["patient", "clinical"] {
                if map.contains_key(key) {
                    map.insert(key.to_string(), json!("changed"));
                }
            }
        }
        audit_referral(conn, by, &after, "update", changes)?;
        let (rules, _) = rules(conn)?;
        view(conn, by, &after, &rules, at)
    })
}

/// The body of a transition.
#[derive(Debug, Clone)]
pub enum Step {
    Send(TransitionNote),
    Accept(TransitionNote),
    Decline(DeclineInput),
    Redirect(RedirectInput),
    Arrive(ArriveInput),
    Complete(CompleteInput),
    Cancel(CancelInput),
}

impl Step {
    fn action(&self) -> ReferralAction {
        match self {
            Step::Send(_) => ReferralAction::Send,
            Step::Accept(_) => ReferralAction::Accept,
            Step::Decline(_) => ReferralAction::Decline,
            Step::Redirect(_) => ReferralAction::Redirect,
            Step::Arrive(_) => ReferralAction::Arrive,
            Step::Complete(_) => ReferralAction::Complete,
            Step::Cancel(_) => ReferralAction::Cancel,
        }
    }

    fn note(&self) -> Option<String> {
        match self {
            Step::Send(n) | Step::Accept(n) => n.note.clone(),
            Step::Arrive(a) => a.note.clone(),
            Step::Decline(DeclineInput { reason })
            | Step::Redirect(RedirectInput { reason, .. })
            | Step::Cancel(CancelInput { reason }) => Some(reason.trim().to_string()),
            Step::Complete(c) => Some(c.outcome.label(Lang::Vi).to_string()),
        }
    }
}

/// Takes a step of the state machine on a referral: checks role, facility and status
/// (shared rules), the version when given, then applies the step's effects.
pub fn transition(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    expected_version: Option<i64>,
    step: &Step,
    lang: Lang,
) -> Result<Referral, ApiError> {
    write_tx(conn, |conn| {
        let before = visible_row(conn, by, id)?;
        let status = status_of(&before)?;
        let action = step.action();
        let side = referral_side(by, before.from_facility_id, before.to_facility_id);
        let next = referral::transition(status, action, side)
            .map_err(|e| ApiError::new(e.code(), Message::Verbatim(e.message(lang))))?;
        if expected_version.is_some_and(|v| v != before.version) {
            return Err(ApiError::precondition_failed());
        }
        let at = now();
        let (rules, _) = rules(conn)?;
        let mut change = StatusChange {
            status: Some(next.as_str().to_string()),
            version: Some(before.version + 1),
            updated_at: Some(at),
            ..StatusChange::default()
        };
        match step {
            Step::Send(_) => {
                let slip = stored_input(&before)?;
                slip.validate_send(before.from_facility_id)
                    .map_err(|errors| ApiError::invalid(&errors))?;
                let signed = sending(&rules, &slip, at);
                change = StatusChange {
                    status: change.status,
                    version: change.version,
                    updated_at: change.updated_at,
                    ..signed
                };
            }
            Step::Accept(_) => change.answered_at = Some(at),
            Step::Decline(input) => {
                change.answered_at = Some(at);
                change.closed_at = Some(at);
                change.status_reason = Some(input.reason.trim().to_string());
            }
            Step::Cancel(input) => {
                change.closed_at = Some(at);
                change.status_reason = Some(input.reason.trim().to_string());
            }
            Step::Redirect(input) => {
                if input.to_facility_id == before.to_facility_id
                    || input.to_facility_id == before.from_facility_id
                {
                    return Err(ApiError::field(
                        "to_facility_id",
                        Message::RedirectToSameFacility,
                    ));
                }
                check_destination(conn, "to_facility_id", input.to_facility_id)?;
                change.answered_at = Some(at);
                change.closed_at = Some(at);
                change.status_reason = Some(input.reason.trim().to_string());
            }
            Step::Arrive(input) => {
                let arrived = input.arrived_at.map_or(at, |t| t.naive_utc());
                if arrived > at + TimeDelta::minutes(5) {
                    return Err(ApiError::field("arrived_at", Message::ArrivalInFuture));
                }
                change.arrived_at = Some(arrived);
            }
            Step::Complete(input) => {
                change.closed_at = Some(at);
                change.outcome = Some(input.outcome.as_str().to_string());
                change.discharge = Some(json_text(&Discharge {
                    summary: input.discharge_summary.trim().to_string(),
                    diagnoses: input.discharge_diagnoses.clone(),
                })?);
            }
        }
        if repo::update_status(conn, id, before.version, &change)? == 0 {
            return Err(ApiError::precondition_failed());
        }
        let after = repo::find(conn, id)?.ok_or_else(not_found)?;
        record_event(
            conn,
            by,
            id,
            at,
            Happened {
                kind: action.into(),
                from_status: Some(status),
                to_status: next,
                note: step.note(),
            },
        )?;
        audit_referral(
            conn,
            by,
            &after,
            action.as_str(),
            transition_changes(&before, &after),
        )?;
        match step {
            Step::Redirect(input) => {
                redirect_onward(conn, by, &after, input, &rules, at)?;
            }
            Step::Complete(input) if input.outcome == Outcome::ReturnedToReferrer => {
                return_to_referrer(conn, by, &after, input, &rules, at)?;
            }
            _ => {}
        }
        view(conn, by, &after, &rules, at)
    })
}

/// The onward referral a redirect creates: from the redirecting facility to the new
/// destination, already sent, linked to the first.
fn redirect_onward(
    conn: &mut AnyConn,
    by: &Principal,
    first: &ReferralRow,
    input: &RedirectInput,
    rules: &ReferralRules,
    at: NaiveDateTime,
) -> Result<ReferralRow, ApiError> {
    let mut slip = stored_input(first)?;
    slip.to_facility_id = input.to_facility_id;
    slip.direction = direction_between(conn, first.to_facility_id, input.to_facility_id)?
        .unwrap_or(slip.direction);
    slip.reason_text = Some(input.reason.trim().to_string());
    continue_as(conn, by, first, slip, ReferralLinkKind::Redirect, rules, at)
}

/// A completion that returns the patient to the referrer: a back-referral (sent down to
/// the original facility) and the follow-up tasks the station will work through.
fn return_to_referrer(
    conn: &mut AnyConn,
    by: &Principal,
    completed: &ReferralRow,
    input: &CompleteInput,
    rules: &ReferralRules,
    at: NaiveDateTime,
) -> Result<(), ApiError> {
    let original = stored_input(completed)?;
    let instructions: Vec<String> = input
        .follow_ups
        .iter()
        .map(|f| format!("{}: {}", f.due_on.format("%d/%m/%Y"), f.instructions.trim()))
        .collect();
    let slip = ReferralInput {
        to_facility_id: completed.from_facility_id,
        direction: Direction::Down,
        urgency: Urgency::Routine,
        reason: ReferralReason::MeetsTransferRules,
        reason_text: Some(Outcome::ReturnedToReferrer.label(Lang::Vi).to_string()),
        patient: original.patient.clone(),
        clinical: ClinicalSummary {
            signs: input.discharge_summary.trim().to_string(),
            diagnoses: if input.discharge_diagnoses.is_empty() {
                original.clinical.diagnoses.clone()
            } else {
                input.discharge_diagnoses.clone()
            },
            condition_at_transfer: input.discharge_summary.trim().to_string(),
            treatment_direction: Some(instructions.join("\n")),
            ..ClinicalSummary::default()
        },
        transport: Transport::default(),
        signed_by: None,
        physician: None,
        attachments: Vec::new(),
    };
    let back = continue_as(
        conn,
        by,
        completed,
        slip,
        ReferralLinkKind::BackReferral,
        rules,
        at,
    )?;
    for follow_up in &input.follow_ups {
        repo::insert_follow_up(
            conn,
            &FollowUpRow {
                id: 0,
                referral_id: completed.id,
                back_referral_id: Some(back.id),
                facility_id: completed.from_facility_id,
                due_on: follow_up.due_on,
                instructions: follow_up.instructions.trim().to_string(),
                status: FollowUpStatus::Open.as_str().to_string(),
                status_reason: None,
                closed_at: None,
                version: 1,
                created_at: at,
            },
        )?;
    }
    Ok(())
}

/// Inserts a sent referral issued by the facility now holding `first`'s patient.
fn continue_as(
    conn: &mut AnyConn,
    by: &Principal,
    first: &ReferralRow,
    slip: ReferralInput,
    kind: ReferralLinkKind,
    rules: &ReferralRules,
    at: NaiveDateTime,
) -> Result<ReferralRow, ApiError> {
    let changes = slip_changes(&slip, 1, at)?;
    let issue = Issue {
        from_facility_id: first.to_facility_id,
        status: ReferralStatus::Sent,
        origin: Some((first.id, kind)),
        sent: Some((rules, &slip)),
    };
    let row = insert_referral(conn, by, issue, &changes, at)?;
    let note = Some(format!("{} {}", kind.label(Lang::Vi), first.slip_number));
    record_event(
        conn,
        by,
        row.id,
        at,
        Happened {
            kind: ReferralEventKind::Create,
            from_status: None,
            to_status: ReferralStatus::Draft,
            note: note.clone(),
        },
    )?;
    record_event(
        conn,
        by,
        row.id,
        at,
        Happened {
            kind: ReferralEventKind::Send,
            from_status: Some(ReferralStatus::Draft),
            to_status: ReferralStatus::Sent,
            note,
        },
    )?;
    audit_referral(
        conn,
        by,
        &row,
        "create",
        json!({ "slip_number": row.slip_number, "origin_id": first.id, "kind": kind.as_str() }),
    )?;
    Ok(row)
}

fn direction_between(
    conn: &mut AnyConn,
    from: i64,
    to: i64,
) -> Result<Option<Direction>, ApiError> {
    let level = |conn: &mut AnyConn, id| -> Result<_, ApiError> {
        Ok(registry_repo::find_facility_row(conn, id)?
            .and_then(|f| f.level)
            .and_then(|l| l.parse().ok()))
    };
    let (from, to) = (level(conn, from)?, level(conn, to)?);
    Ok(Direction::between(from, to))
}

fn link(
    row: &ReferralRow,
    kind: ReferralLinkKind,
    refs: &HashMap<i64, FacilityRef>,
) -> Result<ReferralLink, ApiError> {
    Ok(ReferralLink {
        id: row.id,
        slip_number: row.slip_number.clone(),
        kind,
        status: status_of(row)?,
        from_facility: facility(refs, row.from_facility_id)?,
        to_facility: facility(refs, row.to_facility_id)?,
    })
}

fn facility(refs: &HashMap<i64, FacilityRef>, id: i64) -> Result<FacilityRef, ApiError> {
    refs.get(&id)
        .cloned()
        .ok_or_else(|| ApiError::internal(format!("facility {id} missing")))
}

/// The follow-ups as a viewer sees them: names only for those who see the patient.
fn follow_up_views(
    conn: &mut AnyConn,
    rows: Vec<FollowUpRow>,
    patients: &HashMap<i64, (String, bool)>,
    refs: &HashMap<i64, FacilityRef>,
    today: chrono::NaiveDate,
) -> Result<Vec<FollowUp>, ApiError> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut visits: HashMap<i64, Vec<FollowUpVisit>> = HashMap::new();
    for visit in repo::visits_of(conn, &ids)? {
        visits
            .entry(visit.follow_up_id)
            .or_default()
            .push(FollowUpVisit {
                id: visit.id,
                visited_on: visit.visited_on,
                notes: visit.notes,
                recorded_by: visit.recorded_by,
                recorded_at: utc(visit.recorded_at),
            });
    }
    rows.into_iter()
        .map(|row| {
            let status: FollowUpStatus = parse(&row.status, "follow-up status")?;
            let (name, visible) = patients.get(&row.referral_id).cloned().unwrap_or_default();
            Ok(FollowUp {
                id: row.id,
                referral_id: row.referral_id,
                back_referral_id: row.back_referral_id,
                facility: facility(refs, row.facility_id)?,
                patient_name: visible.then(|| name.clone()),
                patient_initials: referral::patient_initials(&name),
                due_on: row.due_on,
                instructions: row.instructions,
                status,
                overdue: referral::follow_up_overdue(status, row.due_on, today),
                visits: visits.remove(&row.id).unwrap_or_default(),
                closed_at: row.closed_at.map(utc),
                version: row.version,
            })
        })
        .collect()
}

/// The full view of one referral for `by`.
fn view(
    conn: &mut AnyConn,
    by: &Principal,
    row: &ReferralRow,
    rules: &ReferralRules,
    at: NaiveDateTime,
) -> Result<Referral, ApiError> {
    let status = status_of(row)?;
    let visible = sees_patient(by, row);
    let side = referral_side(by, row.from_facility_id, row.to_facility_id);
    let origin = row
        .origin_id
        .map(|id| repo::find(conn, id))
        .transpose()?
        .flatten();
    let successors = repo::successors(conn, row.id)?;
    let follow_ups = repo::follow_ups_of(conn, row.id)?;
    let mut ids: BTreeSet<i64> = BTreeSet::from([row.from_facility_id, row.to_facility_id]);
    for other in origin.iter().chain(successors.iter()) {
        ids.extend([other.from_facility_id, other.to_facility_id]);
    }
    ids.extend(follow_ups.iter().map(|f| f.facility_id));
    let refs = registry_repo::facility_refs(conn, &ids.into_iter().collect::<Vec<_>>())?;
    let input = stored_input(row)?;
    let urgency = input.urgency;
    let origin_link = match &origin {
        Some(first) => {
            let kind = row
                .origin_kind
                .as_deref()
                .map(|k| parse(k, "link kind"))
                .transpose()?
                .unwrap_or(ReferralLinkKind::Onward);
            Some(link(first, kind, &refs)?)
        }
        None => None,
    };
    let successor_links = successors
        .iter()
        .map(|next| {
            let kind = next
                .origin_kind
                .as_deref()
                .map(|k| parse(k, "link kind"))
                .transpose()?
                .unwrap_or(ReferralLinkKind::Onward);
            link(next, kind, &refs)
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let today = vn_date(utc(at));
    let patients = HashMap::from([(row.id, (row.patient_name.clone(), visible))]);
    // Follow-ups hang off the original referral; on a back-referral they are shown too.
    let patients = follow_ups
        .iter()
        .map(|f| (f.referral_id, (row.patient_name.clone(), visible)))
        .chain(patients)
        .collect();
    let discharge = row
        .discharge
        .as_deref()
        .map(|text| from_json::<Discharge>(text, "discharge"))
        .transpose()?
        .filter(|_| visible);
    Ok(Referral {
        id: row.id,
        slip_number: row.slip_number.clone(),
        status,
        from_facility: facility(&refs, row.from_facility_id)?,
        to_facility: facility(&refs, row.to_facility_id)?,
        direction: input.direction,
        urgency,
        reason: input.reason,
        reason_text: row.reason_text.clone(),
        patient_initials: input.patient.initials(),
        patient: visible.then(|| input.patient.clone()),
        clinical: visible.then(|| input.clinical.clone()),
        transport: input.transport.clone(),
        signed_by: input.signed_by.clone(),
        physician: input.physician.clone(),
        attachments: input.attachments.clone(),
        created_by: row.created_by.clone(),
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
        sent_at: row.sent_at.map(utc),
        answered_at: row.answered_at.map(utc),
        arrived_at: row.arrived_at.map(utc),
        closed_at: row.closed_at.map(utc),
        status_reason: row.status_reason.clone(),
        signed_on: row.signed_on,
        valid_until: row.valid_until,
        long_validity: row.long_validity,
        expired: referral::slip_expired(status, row.valid_until, today),
        answer_due: row.answer_due_at.map(utc),
        overdue: rules.is_overdue(status, urgency, row.sent_at.map(utc), utc(at)),
        outcome: row
            .outcome
            .as_deref()
            .map(|o| parse(o, "outcome"))
            .transpose()?,
        discharge_summary: discharge.as_ref().map(|d| d.summary.clone()),
        discharge_diagnoses: discharge.map(|d| d.diagnoses).unwrap_or_default(),
        origin: origin_link,
        successors: successor_links,
        follow_ups: follow_up_views(conn, follow_ups, &patients, &refs, today)?,
        allowed_actions: referral::allowed_actions(status, side),
        editable: referral::may_edit(status, side),
        version: row.version,
    })
}

/// The timeline of a referral.
pub fn events(conn: &mut AnyConn, by: &Principal, id: i64) -> Result<Vec<ReferralEvent>, ApiError> {
    let row = visible_row(conn, by, id)?;
    let rows = repo::events(conn, row.id)?;
    let ids: Vec<i64> = rows
        .iter()
        .map(|e| e.facility_id)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let refs = registry_repo::facility_refs(conn, &ids)?;
    rows.into_iter()
        .map(|event| {
            Ok(ReferralEvent {
                id: event.id,
                referral_id: event.referral_id,
                kind: parse(&event.kind, "event kind")?,
                from_status: event
                    .from_status
                    .as_deref()
                    .map(|s| parse(s, "status"))
                    .transpose()?,
                to_status: parse(&event.to_status, "status")?,
                actor: event.actor,
                actor_role: event
                    .actor_role
                    .as_deref()
                    .map(|r| parse(r, "role"))
                    .transpose()?,
                facility: facility(&refs, event.facility_id)?,
                at: utc(event.at),
                note: event.note,
            })
        })
        .collect()
}

/// Lists referrals the principal may see, newest first, with filters. Patient names
/// appear only where the principal's facility is a party (and are audited).
pub fn list(
    conn: &mut AnyConn,
    by: &Principal,
    query: &ReferralQuery,
) -> Result<Page<ReferralSummary>, ApiError> {
    let own = by.facility_id;
    let mut filter = ListFilter {
        within: by.scope.ids(),
        direction: query.direction.map(|d| d.as_str().to_string()),
        status: query.status.map(|s| s.as_str().to_string()),
        urgency: query.urgency.map(|u| u.as_str().to_string()),
        before_id: parse_cursor(query.cursor.as_deref())?,
        drafts_only_of: (!matches!(by.scope, FacilityScope::All)).then_some(own),
        ..ListFilter::default()
    };
    if let Actor::Client { .. } = by.actor {
        // A client sees its own facility's referrals only.
        filter.within = Some(vec![own]);
        if !allowed(
            by,
            Action::ReadReferral {
                from_facility_id: own,
                to_facility_id: own,
            },
        ) {
            return Err(ApiError::forbidden());
        }
    }
    if let Some(facility_id) = query.facility_id {
        if !by.scope.contains(facility_id) {
            return Err(ApiError::forbidden());
        }
        filter.facility_id = Some(facility_id);
    }
    let anchor = query.facility_id.unwrap_or(own);
    match query.mailbox {
        Some(referral::ReferralBox::Inbox) => filter.to_facility_id = Some(anchor),
        Some(referral::ReferralBox::Outbox) => filter.from_facility_id = Some(anchor),
        None => {}
    }
    let at = now();
    if query.overdue == Some(true) {
        filter.overdue_at = Some(at);
    }
    if let (Some(from), Some(to)) = (query.date_from, query.date_to)
        && to < from
    {
        return Err(ApiError::field("date_to", Message::EndBeforeStart));
    }
    // Dates are Vietnamese calendar days.
    let vn_midnight = |day: chrono::NaiveDate| {
        day.and_hms_opt(0, 0, 0)
            .map(|t| t - TimeDelta::hours(shared::referral::slip::VN_UTC_OFFSET_HOURS))
    };
    filter.created_from = query.date_from.and_then(vn_midnight);
    filter.created_before = query
        .date_to
        .and_then(|d| d.succ_opt())
        .and_then(vn_midnight);
    if let Some(text) = query.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        if text.chars().count() > 100 {
            return Err(ApiError::field("q", Message::SearchTextTooLong));
        }
        filter.text = Some(text.to_string());
        // Names are searched only where the principal's facility is a party.
        if by.role() != Some(shared::auth::Role::Admin) {
            filter.name_within = vec![own];
        }
    }
    let limit = clamp_limit(query.limit);
    let rows = repo::list(conn, &filter, limit + 1)?;
    let (rules, _) = rules(conn)?;
    let mut ids: BTreeSet<i64> = BTreeSet::new();
    for row in &rows {
        ids.extend([row.from_facility_id, row.to_facility_id]);
    }
    let refs = registry_repo::facility_refs(conn, &ids.into_iter().collect::<Vec<_>>())?;
    let referral_ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut open: HashMap<i64, i64> = HashMap::new();
    for (referral_id, back_id) in repo::open_follow_up_counts(conn, &referral_ids)? {
        *open.entry(referral_id).or_default() += 1;
        if let Some(back_id) = back_id {
            *open.entry(back_id).or_default() += 1;
        }
    }
    let today = vn_date(utc(at));
    let mut named = Vec::new();
    let summaries = rows
        .iter()
        .map(|row| {
            let status = status_of(row)?;
            let urgency: Urgency = parse(&row.urgency, "urgency")?;
            let visible = sees_patient(by, row);
            let main_diagnosis = if visible {
                from_json::<ClinicalSummary>(&row.clinical, "clinical summary")?
                    .diagnoses
                    .into_iter()
                    .next()
            } else {
                None
            };
            if visible {
                named.push(row.id);
            }
            Ok(ReferralSummary {
                id: row.id,
                slip_number: row.slip_number.clone(),
                status,
                from_facility: facility(&refs, row.from_facility_id)?,
                to_facility: facility(&refs, row.to_facility_id)?,
                direction: parse(&row.direction, "direction")?,
                urgency,
                reason: parse(&row.reason, "reason")?,
                patient_name: visible.then(|| row.patient_name.clone()),
                patient_initials: referral::patient_initials(&row.patient_name),
                main_diagnosis,
                created_at: utc(row.created_at),
                sent_at: row.sent_at.map(utc),
                answer_due: row.answer_due_at.map(utc),
                overdue: rules.is_overdue(status, urgency, row.sent_at.map(utc), utc(at)),
                valid_until: row.valid_until,
                expired: referral::slip_expired(status, row.valid_until, today),
                outcome: row
                    .outcome
                    .as_deref()
                    .map(|o| parse(o, "outcome"))
                    .transpose()?,
                open_follow_ups: open.get(&row.id).copied().unwrap_or(0),
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let page = page_of(summaries, limit, |s: &ReferralSummary| s.id);
    named.retain(|id| page.items.iter().any(|s| s.id == *id));
    if !named.is_empty() {
        write_tx(conn, |conn| {
            audit::record(
                conn,
                by,
                Entry {
                    entity: "referral",
                    entity_id: "list".to_string(),
                    action: "read_patient",
                    facility_id: Some(own),
                    changes: json!({ "referral_ids": named }),
                },
            )
        })?;
    }
    Ok(page)
}

/// Capable destinations for a patient of `from_facility` (default: the principal's),
/// ranked by level fit, capability and distance, with the reasons.
pub fn destinations(
    conn: &mut AnyConn,
    by: &Principal,
    query: &DestinationQuery,
    lang: Lang,
) -> Result<Vec<Destination>, ApiError> {
    authorize(by, Action::ReadRegistry)?;
    let origin_id = query.from_facility.unwrap_or(by.facility_id);
    let origin = registry_repo::find_facility(conn, origin_id)?
        .ok_or_else(|| ApiError::field("from_facility", Record::Facility))?;
    let candidates = registry_repo::list_facilities(conn, &FacilityQuery::default(), None, 10_000)?;
    Ok(referral::rank_destinations(
        &origin,
        &candidates,
        query,
        lang,
    ))
}

/// Follow-ups of the facilities the principal may see (by default all of them).
pub fn list_follow_ups(
    conn: &mut AnyConn,
    by: &Principal,
    query: &FollowUpQuery,
) -> Result<Page<FollowUp>, ApiError> {
    // `None`: every facility (admins).
    let facilities = match query.facility_id {
        Some(id) if by.scope.contains(id) => Some(vec![id]),
        Some(_) => return Err(ApiError::forbidden()),
        None => by.scope.ids(),
    };
    if let Actor::Client { .. } = by.actor
        && !allowed(
            by,
            Action::ReadReferral {
                from_facility_id: by.facility_id,
                to_facility_id: by.facility_id,
            },
        )
    {
        return Err(ApiError::forbidden());
    }
    let at = now();
    let today = vn_date(utc(at));
    let filter = FollowUpFilter {
        facilities,
        status: query.status.map(|s| s.as_str().to_string()),
        overdue_on: (query.overdue == Some(true)).then_some(today),
        due_from: query.due_from,
        due_to: query.due_to,
        after_id: parse_cursor(query.cursor.as_deref())?,
    };
    let limit = clamp_limit(query.limit);
    let rows = repo::list_follow_ups(conn, &filter, limit + 1)?;
    let referral_ids: Vec<i64> = rows.iter().map(|row| row.referral_id).collect();
    let patients = repo::find_many(conn, &referral_ids)?
        .into_iter()
        .map(|referral| {
            let seen = (referral.patient_name.clone(), sees_patient(by, &referral));
            (referral.id, seen)
        })
        .collect();
    let ids: BTreeSet<i64> = rows.iter().map(|row| row.facility_id).collect();
    let refs = registry_repo::facility_refs(conn, &ids.into_iter().collect::<Vec<_>>())?;
    let views = follow_up_views(conn, rows, &patients, &refs, today)?;
    Ok(page_of(views, limit, |f: &FollowUp| f.id))
}

fn follow_up_for_update(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
) -> Result<(FollowUpRow, ReferralRow), ApiError> {
    let row =
        repo::find_follow_up(conn, id)?.ok_or_else(|| ApiError::not_found(Record::FollowUp))?;
    authorize(
        by,
        Action::ManageFollowUps {
            facility_id: row.facility_id,
        },
    )?;
    if row.status != FollowUpStatus::Open.as_str() {
        return Err(ApiError::new(
            shared::error::ErrorCode::InvalidTransition,
            Message::FollowUpClosed,
        ));
    }
    let referral = repo::find(conn, row.referral_id)?.ok_or_else(not_found)?;
    Ok((row, referral))
}

fn follow_up_view(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    referral: &ReferralRow,
) -> Result<FollowUp, ApiError> {
    let row =
        repo::find_follow_up(conn, id)?.ok_or_else(|| ApiError::not_found(Record::FollowUp))?;
    let refs = registry_repo::facility_refs(conn, &[row.facility_id])?;
    let patients = HashMap::from([(
        referral.id,
        (referral.patient_name.clone(), sees_patient(by, referral)),
    )]);
    let today = vn_date(utc(now()));
    follow_up_views(conn, vec![row], &patients, &refs, today)?
        .pop()
        .ok_or_else(|| ApiError::internal("follow-up vanished"))
}

/// Records a visit of a returned patient; `close` ends the follow-up as done.
pub fn add_visit(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    input: &FollowUpVisitInput,
) -> Result<FollowUp, ApiError> {
    write_tx(conn, |conn| {
        let (row, referral) = follow_up_for_update(conn, by, id)?;
        let at = now();
        if input.visited_on > vn_date(utc(at)) {
            return Err(ApiError::field("visited_on", Message::VisitInFuture));
        }
        repo::insert_visit(
            conn,
            &VisitRow {
                id: 0,
                follow_up_id: id,
                visited_on: input.visited_on,
                notes: input.notes.trim().to_string(),
                recorded_by: by.label(),
                recorded_at: at,
            },
        )?;
        if input.close
            && repo::set_follow_up_status(
                conn,
                id,
                row.version,
                FollowUpStatus::Done,
                None,
                Some(at),
            )? == 0
        {
            return Err(ApiError::precondition_failed());
        }
        audit::record(
            conn,
            by,
            Entry {
                entity: "follow_up",
                entity_id: id.to_string(),
                action: if input.close { "visit_close" } else { "visit" },
                facility_id: Some(row.facility_id),
                changes: json!({ "visited_on": input.visited_on, "closed": input.close }),
            },
        )?;
        follow_up_view(conn, by, id, &referral)
    })
}

/// Closes a follow-up the patient did not come to.
pub fn mark_missed(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    input: &FollowUpMissedInput,
) -> Result<FollowUp, ApiError> {
    write_tx(conn, |conn| {
        let (row, referral) = follow_up_for_update(conn, by, id)?;
        let at = now();
        if repo::set_follow_up_status(
            conn,
            id,
            row.version,
            FollowUpStatus::Missed,
            Some(input.reason.trim()),
            Some(at),
        )? == 0
        {
            return Err(ApiError::precondition_failed());
        }
        audit::record(
            conn,
            by,
            Entry {
                entity: "follow_up",
                entity_id: id.to_string(),
                action: "missed",
                facility_id: Some(row.facility_id),
                changes: json!({ "reason": input.reason.trim() }),
            },
        )?;
        follow_up_view(conn, by, id, &referral)
    })
}
