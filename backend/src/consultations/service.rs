//! Consultation use cases: the calendar of sessions a facility holds, and the case
//! requests stations send, stepped through the shared state machine in one transaction
//! with the audit record. Concluding `refer` opens a referral draft at the station
//! through the referrals service.

use shared::message::{Message, Record};
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
use shared::page::{Page, clamp_limit};
use shared::referral::{
    self, ClinicalSummary, Direction, Patient, ReferralInput, ReferralReason, Transport,
};
use shared::registry::FacilityRef;

use super::repo::{
    self, CaseChange, CaseFilter, CaseRow, NewCase, NewSession, SessionChanges, SessionFilter,
    SessionRow,
};
use crate::audit::{self, Entry};
use crate::auth::policy::{allowed, consultation_side};
use crate::auth::{Action, Actor, FacilityScope, Principal, authorize};
use crate::db::{AnyConn, from_json, now, utc, write_tx};
use crate::error::ApiError;
use crate::http::{page_of, parse_cursor};
use crate::registry::repo::{self as registry_repo, parse};

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
fn vn_midnight(day: NaiveDate) -> Option<NaiveDateTime> {
    day.and_hms_opt(0, 0, 0)
        .map(|t| t - TimeDelta::hours(referral::slip::VN_UTC_OFFSET_HOURS))
}

/// An existing, active facility for `field` (400 otherwise).
fn check_facility(conn: &mut AnyConn, field: &str, id: i64) -> Result<(), ApiError> {
    match registry_repo::find_facility_row(conn, id)? {
        Some(facility) if facility.active => Ok(()),
        Some(_) => Err(ApiError::field(field, Message::FacilityInactive)),
        None => Err(ApiError::field(field, Record::Facility)),
    }
}

// ---------------------------------------------------------------------------------
// Sessions

/// Every participant is a member of staff (400 naming the unknown ids otherwise).
fn check_participants(conn: &mut AnyConn, ids: &[i64]) -> Result<(), ApiError> {
    let known: BTreeSet<i64> = repo::staff_names(conn, ids)?
        .into_iter()
        .map(|person| person.id)
        .collect();
    let unknown: Vec<String> = ids
        .iter()
        .filter(|id| !known.contains(id))
        .map(i64::to_string)
        .collect();
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(ApiError::field(
            "participants",
            Message::UnknownStaff(unknown.join(", ")),
        ))
    }
}

fn check_session_input(conn: &mut AnyConn, input: &SessionInput) -> Result<(), ApiError> {
    check_facility(conn, "host_facility_id", input.host_facility_id)?;
    if let Some(place) = input.location_facility_id {
        check_facility(conn, "location_facility_id", place)?;
    }
    check_participants(conn, &input.participants)
}

fn trimmed(text: &Option<String>) -> Option<String> {
    text.as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

/// The columns of a session input, for one start time.
fn session_changes(
    input: &SessionInput,
    starts_at: DateTime<Utc>,
    version: i64,
    at: NaiveDateTime,
) -> Result<SessionChanges, ApiError> {
    Ok(SessionChanges {
        title: input.title.trim().to_string(),
        specialty: input.specialty.clone(),
        mode: input.mode.as_str().to_string(),
        meeting_url: trimmed(&input.meeting_url),
        location_facility_id: input.location_facility_id,
        starts_at: starts_at.naive_utc(),
        duration_minutes: input.duration_minutes,
        participants: serde_json::to_string(&input.participants).map_err(ApiError::internal)?,
        note: trimmed(&input.note),
        version,
        updated_at: at,
    })
}

/// What the audit trail keeps of a session.
fn session_record(row: &SessionRow) -> serde_json::Value {
    json!({
        "series_id": row.series_id,
        "host_facility_id": row.host_facility_id,
        "title": row.title,
        "specialty": row.specialty,
        "mode": row.mode,
        "meeting_url": row.meeting_url,
        "location_facility_id": row.location_facility_id,
        "starts_at": utc(row.starts_at),
        "duration_minutes": row.duration_minutes,
        "participants": row.participants,
        "note": row.note,
        "status": row.status,
    })
}

fn audit_session(
    conn: &mut AnyConn,
    by: &Principal,
    row: &SessionRow,
    action: &str,
    changes: serde_json::Value,
) -> Result<(), ApiError> {
    audit::record(
        conn,
        by,
        Entry {
            entity: "consultation_session",
            entity_id: row.id.to_string(),
            action,
            facility_id: Some(row.host_facility_id),
            changes,
        },
    )?;
    Ok(())
}

/// Creates one session, or one per week up to `repeat_weekly_until` (one series).
/// Accepts an idempotency key.
pub fn create_sessions(
    conn: &mut AnyConn,
    by: &Principal,
    key: Option<&str>,
    input: &SessionInput,
) -> Result<SessionsCreated, ApiError> {
    authorize(
        by,
        Action::ManageConsultationSessions {
            facility_id: input.host_facility_id,
        },
    )?;
    crate::idempotency::once(
        conn,
        by,
        key,
        "POST /consultation-sessions",
        input,
        |conn| {
            check_session_input(conn, input)?;
            let starts = input.starts();
            if starts.is_empty() {
                return Err(ApiError::field(
                    "repeat_weekly_until",
                    Message::NoSessionsInRange,
                ));
            }
            let series_id = input
                .repeat_weekly_until
                .map(|_| uuid::Uuid::new_v4().to_string());
            let at = now();
            let new = NewSession {
                series_id: series_id.clone(),
                host_facility_id: input.host_facility_id,
                status: SessionStatus::Scheduled.as_str().to_string(),
                created_by: by.label(),
                created_at: at,
            };
            let mut rows = Vec::with_capacity(starts.len());
            for starts_at in starts {
                let id =
                    repo::insert_session(conn, &new, &session_changes(input, starts_at, 1, at)?)?;
                let row = repo::find_session(conn, id)?.ok_or_else(session_not_found)?;
                audit_session(conn, by, &row, "create", session_record(&row))?;
                rows.push(row);
            }
            Ok(SessionsCreated {
                series_id,
                sessions: session_views(conn, by, rows)?,
            })
        },
    )
}

/// One session.
pub fn get_session(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
) -> Result<ConsultationSession, ApiError> {
    authorize(by, Action::ReadConsultationSessions)?;
    let row = repo::find_session(conn, id)?.ok_or_else(session_not_found)?;
    session_view(conn, by, row)
}

/// A session its host may change: it exists (404), the principal manages the host's
/// sessions (403), it is still scheduled (409) and unchanged since read (412).
fn session_for_update(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    version: Option<i64>,
) -> Result<SessionRow, ApiError> {
    let row = repo::find_session(conn, id)?.ok_or_else(session_not_found)?;
    authorize(
        by,
        Action::ManageConsultationSessions {
            facility_id: row.host_facility_id,
        },
    )?;
    let status: SessionStatus = parse(&row.status, "session status")?;
    if !status.is_open() {
        return Err(ApiError::new(
            shared::error::ErrorCode::InvalidTransition,
            Message::SessionClosed(status),
        ));
    }
    if version.is_some_and(|v| v != row.version) {
        return Err(ApiError::precondition_failed());
    }
    Ok(row)
}

/// Edits one session (its host) at the version read.
pub fn update_session(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    version: i64,
    input: &SessionInput,
) -> Result<ConsultationSession, ApiError> {
    write_tx(conn, |conn| {
        let before = session_for_update(conn, by, id, Some(version))?;
        if input.host_facility_id != before.host_facility_id {
            return Err(ApiError::field(
                "host_facility_id",
                Message::HostFacilityFixed,
            ));
        }
        check_session_input(conn, input)?;
        let at = now();
        let changes = session_changes(input, input.starts_at, version + 1, at)?;
        if repo::update_session(conn, id, version, &changes)? == 0 {
            return Err(ApiError::precondition_failed());
        }
        let after = repo::find_session(conn, id)?.ok_or_else(session_not_found)?;
        audit_session(
            conn,
            by,
            &after,
            "update",
            audit::diff(&session_record(&before), &session_record(&after)),
        )?;
        session_view(conn, by, after)
    })
}

/// Cancels a session (its host); the cases scheduled in it go back to waiting for a
/// session.
pub fn cancel_session(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    version: Option<i64>,
    input: &ConsultationCancelInput,
) -> Result<ConsultationSession, ApiError> {
    write_tx(conn, |conn| {
        let before = session_for_update(conn, by, id, version)?;
        let at = now();
        let reason = input.reason.trim();
        if repo::set_session_status(
            conn,
            id,
            before.version,
            SessionStatus::Cancelled,
            Some(reason),
            at,
        )? == 0
        {
            return Err(ApiError::precondition_failed());
        }
        let after = repo::find_session(conn, id)?.ok_or_else(session_not_found)?;
        audit_session(
            conn,
            by,
            &after,
            "cancel",
            json!({ "status": [before.status, after.status], "reason": reason }),
        )?;
        for case in repo::scheduled_in(conn, id)? {
            let change = CaseChange {
                session_id: Some(None),
                status: Some(CaseStatus::Requested.as_str().to_string()),
                version: Some(case.version + 1),
                updated_at: Some(at),
                ..CaseChange::default()
            };
            if repo::update_case(conn, case.id, case.version, &change)? == 0 {
                return Err(ApiError::precondition_failed());
            }
            audit_case(
                conn,
                by,
                &case,
                "unschedule",
                json!({ "session_id": [id, null], "status": [case.status, CaseStatus::Requested] }),
            )?;
        }
        session_view(conn, by, after)
    })
}

/// The facilities whose sessions a principal's calendar shows by default: those it may
/// see, and those supporting its own (a station sees the centre's sessions). `None`:
/// every facility.
fn calendar_facilities(conn: &mut AnyConn, by: &Principal) -> Result<Option<Vec<i64>>, ApiError> {
    let mut ids: BTreeSet<i64> = match (&by.actor, &by.scope) {
        (Actor::User { .. }, FacilityScope::All) => return Ok(None),
        (Actor::User { .. }, FacilityScope::Only(ids)) => ids.clone(),
        (Actor::Client { .. }, _) => BTreeSet::from([by.facility_id]),
    };
    ids.extend(repo::supporters_of(conn, by.facility_id)?);
    Ok(Some(ids.into_iter().collect()))
}

/// A session list cursor: the last session's start (microseconds) and id.
fn session_cursor(session: &ConsultationSession) -> String {
    format!("{}.{}", session.starts_at.timestamp_micros(), session.id)
}

fn parse_session_cursor(cursor: Option<&str>) -> Result<Option<(NaiveDateTime, i64)>, ApiError> {
    let Some(text) = cursor else {
        return Ok(None);
    };
    text.split_once('.')
        .and_then(|(micros, id)| {
            let at = DateTime::from_timestamp_micros(micros.parse().ok()?)?;
            Some((at.naive_utc(), id.parse().ok()?))
        })
        .map(Some)
        .ok_or_else(|| ApiError::field("cursor", Message::InvalidCursor))
}

/// Sessions in start order, with filters (see [`SessionQuery`]).
pub fn list_sessions(
    conn: &mut AnyConn,
    by: &Principal,
    query: &SessionQuery,
) -> Result<Page<ConsultationSession>, ApiError> {
    authorize(by, Action::ReadConsultationSessions)?;
    if let (Some(from), Some(to)) = (query.from, query.to)
        && to < from
    {
        return Err(ApiError::field("to", Message::EndBeforeStart));
    }
    let facilities = match query.facility_id {
        Some(id) => Some(vec![id]),
        None => calendar_facilities(conn, by)?,
    };
    let filter = SessionFilter {
        facilities,
        from: query.from.and_then(vn_midnight),
        before: query.to.and_then(|d| d.succ_opt()).and_then(vn_midnight),
        status: query.status.map(|s| s.as_str().to_string()),
        after: parse_session_cursor(query.cursor.as_deref())?,
    };
    let limit = clamp_limit(query.limit);
    let mut rows = repo::list_sessions(conn, &filter, limit + 1)?;
    let more = rows.len() > usize::try_from(limit).unwrap_or(0);
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    let items = session_views(conn, by, rows)?;
    let next_cursor = if more {
        items.last().map(session_cursor)
    } else {
        None
    };
    Ok(Page { items, next_cursor })
}

fn session_view(
    conn: &mut AnyConn,
    by: &Principal,
    row: SessionRow,
) -> Result<ConsultationSession, ApiError> {
    session_views(conn, by, vec![row])?
        .pop()
        .ok_or_else(|| ApiError::internal("session vanished"))
}

/// Sessions as `by` sees them, with facilities, participants and case counts loaded
/// once for all.
fn session_views(
    conn: &mut AnyConn,
    by: &Principal,
    rows: Vec<SessionRow>,
) -> Result<Vec<ConsultationSession>, ApiError> {
    let mut facility_ids = BTreeSet::new();
    let mut staff_ids = BTreeSet::new();
    let mut participants_of = HashMap::new();
    for row in &rows {
        facility_ids.insert(row.host_facility_id);
        facility_ids.extend(row.location_facility_id);
        let ids: Vec<i64> = from_json(&row.participants, "participants")?;
        staff_ids.extend(ids.iter().copied());
        participants_of.insert(row.id, ids);
    }
    let refs = registry_repo::facility_refs(conn, &facility_ids.into_iter().collect::<Vec<_>>())?;
    let staff: HashMap<i64, Participant> =
        repo::staff_names(conn, &staff_ids.into_iter().collect::<Vec<_>>())?
            .into_iter()
            .map(|person| {
                (
                    person.id,
                    Participant {
                        staff_id: person.id,
                        full_name: person.full_name,
                        title: person.title,
                        facility_id: person.facility_id,
                    },
                )
            })
            .collect();
    let session_ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    let mut case_counts: HashMap<i64, i64> = HashMap::new();
    for session_id in repo::sessions_of_cases(conn, &session_ids)? {
        *case_counts.entry(session_id).or_default() += 1;
    }
    rows.into_iter()
        .map(|row| {
            let status: SessionStatus = parse(&row.status, "session status")?;
            let starts_at = utc(row.starts_at);
            let participants = participants_of
                .remove(&row.id)
                .unwrap_or_default()
                .iter()
                .filter_map(|id| staff.get(id).cloned())
                .collect();
            let editable = status.is_open()
                && allowed(
                    by,
                    Action::ManageConsultationSessions {
                        facility_id: row.host_facility_id,
                    },
                );
            Ok(ConsultationSession {
                id: row.id,
                series_id: row.series_id,
                host_facility: facility(&refs, row.host_facility_id)?,
                title: row.title,
                specialty: row.specialty,
                mode: parse(&row.mode, "session mode")?,
                meeting_url: row.meeting_url,
                location_facility: row
                    .location_facility_id
                    .map(|id| facility(&refs, id))
                    .transpose()?,
                starts_at,
                ends_at: starts_at + TimeDelta::minutes(i64::from(row.duration_minutes)),
                duration_minutes: row.duration_minutes,
                participants,
                note: row.note,
                status,
                status_reason: row.status_reason,
                case_count: case_counts.get(&row.id).copied().unwrap_or(0),
                editable,
                created_by: row.created_by,
                created_at: utc(row.created_at),
                updated_at: utc(row.updated_at),
                version: row.version,
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------------
// Cases

fn read_case_action(row: &CaseRow) -> Action {
    Action::ReadConsultationCase {
        requesting_facility_id: row.requesting_facility_id,
        consulting_facility_id: row.consulting_facility_id,
    }
}

fn sees_patient(by: &Principal, row: &CaseRow) -> bool {
    allowed(
        by,
        Action::SeeConsultationPatient {
            requesting_facility_id: row.requesting_facility_id,
            consulting_facility_id: row.consulting_facility_id,
        },
    )
}

/// A case the principal may see (403 otherwise, 404 when there is none).
fn visible_case(conn: &mut AnyConn, by: &Principal, id: i64) -> Result<CaseRow, ApiError> {
    let row = repo::find_case(conn, id)?.ok_or_else(case_not_found)?;
    authorize(by, read_case_action(&row))?;
    Ok(row)
}

fn status_of(row: &CaseRow) -> Result<CaseStatus, ApiError> {
    parse(&row.status, "case status")
}

fn audit_case(
    conn: &mut AnyConn,
    by: &Principal,
    row: &CaseRow,
    action: &str,
    changes: serde_json::Value,
) -> Result<(), ApiError> {
    audit::record(
        conn,
        by,
        Entry {
            entity: "consultation_case",
            entity_id: row.id.to_string(),
            action,
            facility_id: Some(row.requesting_facility_id),
            changes,
        },
    )?;
    Ok(())
}

/// A station asks another facility for advice about a patient. Accepts an idempotency
/// key.
pub fn create_case(
    conn: &mut AnyConn,
    by: &Principal,
    key: Option<&str>,
    input: &CaseInput,
) -> Result<ConsultationCase, ApiError> {
    authorize(by, Action::RequestConsultation)?;
    crate::idempotency::once(conn, by, key, "POST /consultation-cases", input, |conn| {
        check_facility(conn, "consulting_facility_id", input.consulting_facility_id)?;
        let at = now();
        let id = repo::insert_case(
            conn,
            &NewCase {
                requesting_facility_id: by.facility_id,
                consulting_facility_id: input.consulting_facility_id,
                patient: serde_json::to_string(&input.patient).map_err(ApiError::internal)?,
                summary: input.summary.trim().to_string(),
                question: input.question.trim().to_string(),
                specialty: input.specialty.clone(),
                urgency: input.urgency.as_str().to_string(),
                status: CaseStatus::Requested.as_str().to_string(),
                version: 1,
                created_by: by.label(),
                created_at: at,
                updated_at: at,
            },
        )?;
        let row = repo::find_case(conn, id)?.ok_or_else(case_not_found)?;
        // The patient's data is not copied into the trail, only that a request was made.
        audit_case(
            conn,
            by,
            &row,
            "create",
            json!({ "consulting_facility_id": row.consulting_facility_id,
                    "urgency": row.urgency, "specialty": row.specialty, "status": row.status }),
        )?;
        case_view(conn, by, &row)
    })
}

/// One case as the principal may see it; a read of patient data is audited.
pub fn get_case(conn: &mut AnyConn, by: &Principal, id: i64) -> Result<ConsultationCase, ApiError> {
    write_tx(conn, |conn| {
        let row = visible_case(conn, by, id)?;
        if sees_patient(by, &row) {
            audit_case(conn, by, &row, "read_patient", json!({}))?;
        }
        case_view(conn, by, &row)
    })
}

/// Facilities whose cases the principal may list (`None`: all).
fn visible_facilities(by: &Principal) -> Option<Vec<i64>> {
    match (&by.actor, &by.scope) {
        // A client sees its own facility's cases only.
        (Actor::Client { .. }, _) => Some(vec![by.facility_id]),
        (_, scope) => scope.ids(),
    }
}

/// Lists the cases the principal may see, newest first. Patient names appear only for
/// the two facilities (and admins), and such a list is audited.
pub fn list_cases(
    conn: &mut AnyConn,
    by: &Principal,
    query: &CaseQuery,
) -> Result<Page<CaseSummary>, ApiError> {
    let own = by.facility_id;
    // Anyone reading their own facility's cases may list; clients need their scope.
    authorize(
        by,
        Action::ReadConsultationCase {
            requesting_facility_id: own,
            consulting_facility_id: own,
        },
    )?;
    let mut filter = CaseFilter {
        within: visible_facilities(by),
        status: query.status.map(|s| s.as_str().to_string()),
        conclusion: query.conclusion.map(|c| c.as_str().to_string()),
        session_id: query.session_id,
        before_id: parse_cursor(query.cursor.as_deref())?,
        ..CaseFilter::default()
    };
    if let Some(facility_id) = query.facility_id {
        if !by.scope.contains(facility_id) {
            return Err(ApiError::forbidden());
        }
        filter.facility_id = Some(facility_id);
    }
    let anchor = query.facility_id.unwrap_or(own);
    match query.mailbox {
        Some(CaseBox::Inbox) => filter.consulting_facility_id = Some(anchor),
        Some(CaseBox::Outbox) => filter.requesting_facility_id = Some(anchor),
        None => {}
    }
    let limit = clamp_limit(query.limit);
    let rows = repo::list_cases(conn, &filter, limit + 1)?;
    let mut facility_ids = BTreeSet::new();
    let mut session_ids = BTreeSet::new();
    for row in &rows {
        facility_ids.extend([row.requesting_facility_id, row.consulting_facility_id]);
        session_ids.extend(row.session_id);
    }
    let refs = registry_repo::facility_refs(conn, &facility_ids.into_iter().collect::<Vec<_>>())?;
    let starts: HashMap<i64, NaiveDateTime> =
        repo::find_sessions(conn, &session_ids.into_iter().collect::<Vec<_>>())?
            .into_iter()
            .map(|session| (session.id, session.starts_at))
            .collect();
    let mut named = Vec::new();
    let summaries = rows
        .iter()
        .map(|row| {
            let patient: Patient = from_json(&row.patient, "patient")?;
            let visible = sees_patient(by, row);
            if visible {
                named.push(row.id);
            }
            Ok(CaseSummary {
                id: row.id,
                status: status_of(row)?,
                requesting_facility: facility(&refs, row.requesting_facility_id)?,
                consulting_facility: facility(&refs, row.consulting_facility_id)?,
                session_id: row.session_id,
                session_starts_at: row
                    .session_id
                    .and_then(|id| starts.get(&id))
                    .map(|at| utc(*at)),
                patient_initials: patient.initials(),
                patient_name: visible.then_some(patient.full_name),
                specialty: row.specialty.clone(),
                urgency: parse(&row.urgency, "urgency")?,
                conclusion: row
                    .conclusion
                    .as_deref()
                    .map(|c| parse(c, "conclusion"))
                    .transpose()?,
                referral_id: row.referral_id,
                created_at: utc(row.created_at),
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let page = page_of(summaries, limit, |s: &CaseSummary| s.id);
    named.retain(|id| page.items.iter().any(|s| s.id == *id));
    if !named.is_empty() {
        write_tx(conn, |conn| {
            audit::record(
                conn,
                by,
                Entry {
                    entity: "consultation_case",
                    entity_id: "list".to_string(),
                    action: "read_patient",
                    facility_id: Some(own),
                    changes: json!({ "case_ids": named }),
                },
            )
        })?;
    }
    Ok(page)
}

/// The body of a step on a case.
#[derive(Debug, Clone)]
pub enum CaseStep {
    Schedule(ScheduleInput),
    Conclude(ConclusionInput),
    Outcome(OutcomeInput),
    Cancel(ConsultationCancelInput),
}

impl CaseStep {
    fn action(&self) -> CaseAction {
        match self {
            CaseStep::Schedule(_) => CaseAction::Schedule,
            CaseStep::Conclude(_) => CaseAction::Conclude,
            CaseStep::Outcome(_) => CaseAction::RecordOutcome,
            CaseStep::Cancel(_) => CaseAction::Cancel,
        }
    }
}

/// Takes a step on a case: checks role, facility and status (shared rules), the version
/// when given, then applies the step's effects.
pub fn step(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    expected_version: Option<i64>,
    step: &CaseStep,
    lang: Lang,
) -> Result<ConsultationCase, ApiError> {
    write_tx(conn, |conn| {
        let before = visible_case(conn, by, id)?;
        let status = status_of(&before)?;
        let action = step.action();
        let side = consultation_side(
            by,
            before.requesting_facility_id,
            before.consulting_facility_id,
        );
        let next = consultation::transition(status, action, side)
            .map_err(|e| ApiError::new(e.code(), Message::Verbatim(e.message(lang))))?;
        if expected_version.is_some_and(|v| v != before.version) {
            return Err(ApiError::precondition_failed());
        }
        let at = now();
        let mut change = CaseChange {
            status: Some(next.as_str().to_string()),
            version: Some(before.version + 1),
            updated_at: Some(at),
            ..CaseChange::default()
        };
        let mut changes = json!({ "status": [before.status, next] });
        match step {
            CaseStep::Schedule(input) => {
                let session = repo::find_session(conn, input.session_id)?
                    .ok_or_else(|| ApiError::field("session_id", Record::ConsultationSession))?;
                if session.host_facility_id != before.consulting_facility_id {
                    return Err(ApiError::field("session_id", Message::SessionOfOtherHost));
                }
                if session.status == SessionStatus::Cancelled.as_str() {
                    return Err(ApiError::new(
                        shared::error::ErrorCode::InvalidTransition,
                        Message::SessionCancelled,
                    ));
                }
                change.session_id = Some(Some(session.id));
                changes["session_id"] = json!([before.session_id, session.id]);
            }
            CaseStep::Conclude(input) => {
                change.conclusion = Some(input.conclusion.as_str().to_string());
                change.conclusion_note = Some(input.note.trim().to_string());
                change.concluded_by = Some(by.label());
                change.concluded_at = Some(at);
                changes["conclusion"] = json!(input.conclusion);
                if input.conclusion.opens_referral() {
                    let referral_id = open_referral(conn, by, &before, input)?;
                    change.referral_id = Some(referral_id);
                    changes["referral_id"] = json!(referral_id);
                }
                if let Some(session_id) = before.session_id {
                    mark_held(conn, by, session_id, at)?;
                }
            }
            CaseStep::Outcome(input) => {
                change.outcome = Some(input.outcome.trim().to_string());
                change.outcome_at = Some(at);
            }
            CaseStep::Cancel(input) => {
                change.status_reason = Some(input.reason.trim().to_string());
            }
        }
        if repo::update_case(conn, id, before.version, &change)? == 0 {
            return Err(ApiError::precondition_failed());
        }
        let after = repo::find_case(conn, id)?.ok_or_else(case_not_found)?;
        audit_case(conn, by, &after, action.as_str(), changes)?;
        case_view(conn, by, &after)
    })
}

/// A session where a case was concluded has been held.
fn mark_held(
    conn: &mut AnyConn,
    by: &Principal,
    session_id: i64,
    at: NaiveDateTime,
) -> Result<(), ApiError> {
    let Some(session) = repo::find_session(conn, session_id)? else {
        return Ok(());
    };
    if session.status != SessionStatus::Scheduled.as_str() {
        return Ok(());
    }
    if repo::set_session_status(
        conn,
        session_id,
        session.version,
        SessionStatus::Held,
        None,
        at,
    )? == 0
    {
        return Err(ApiError::precondition_failed());
    }
    audit_session(
        conn,
        by,
        &session,
        "held",
        json!({ "status": [session.status, SessionStatus::Held] }),
    )
}

/// The referral draft a `refer` conclusion opens at the requesting facility: the
/// patient and case summary of the request, the consultants' advice as the treatment
/// direction, addressed to the consulting facility (or the one they named). The
/// station adds diagnoses, transport and signature, then sends it.
fn open_referral(
    conn: &mut AnyConn,
    by: &Principal,
    case: &CaseRow,
    input: &ConclusionInput,
) -> Result<i64, ApiError> {
    let destination = input
        .refer_to_facility_id
        .unwrap_or(case.consulting_facility_id);
    if destination == case.requesting_facility_id {
        return Err(ApiError::field(
            "refer_to_facility_id",
            Message::ReferToRequester,
        ));
    }
    check_facility(conn, "refer_to_facility_id", destination)?;
    let level = |conn: &mut AnyConn, id| -> Result<_, ApiError> {
        Ok(registry_repo::find_facility_row(conn, id)?
            .and_then(|f| f.level)
            .and_then(|l| l.parse().ok()))
    };
    let direction = Direction::between(
        level(conn, case.requesting_facility_id)?,
        level(conn, destination)?,
    )
    .unwrap_or(Direction::Up);
    let advice = input.note.trim().to_string();
    let slip = ReferralInput {
        to_facility_id: destination,
        direction,
        urgency: parse(&case.urgency, "urgency")?,
        reason: ReferralReason::BeyondCapability,
        reason_text: Some(
            Message::ConsultationReferralReason {
                case_id: case.id,
                advice: advice.clone(),
            }
            .text(Lang::Vi),
        ),
        patient: from_json(&case.patient, "patient")?,
        clinical: ClinicalSummary {
            signs: case.summary.clone(),
            treatment_direction: Some(advice),
            ..ClinicalSummary::default()
        },
        transport: Transport::default(),
        signed_by: None,
        physician: None,
        attachments: Vec::new(),
    };
    slip.validate_draft(case.requesting_facility_id)
        .map_err(|errors| ApiError::invalid(&errors))?;
    let note = Some(Message::FromConsultation(case.id).text(Lang::Vi));
    let row = crate::referrals::service::create_draft_at(
        conn,
        by,
        case.requesting_facility_id,
        &slip,
        note,
    )?;
    Ok(row.id)
}

/// The full view of one case for `by`.
fn case_view(
    conn: &mut AnyConn,
    by: &Principal,
    row: &CaseRow,
) -> Result<ConsultationCase, ApiError> {
    let status = status_of(row)?;
    let visible = sees_patient(by, row);
    let side = consultation_side(by, row.requesting_facility_id, row.consulting_facility_id);
    let refs = registry_repo::facility_refs(
        conn,
        &[row.requesting_facility_id, row.consulting_facility_id],
    )?;
    let session = match row.session_id {
        Some(id) => repo::find_session(conn, id)?
            .map(|session| {
                Ok::<_, ApiError>(SessionRef {
                    id: session.id,
                    title: session.title,
                    starts_at: utc(session.starts_at),
                    mode: parse(&session.mode, "session mode")?,
                    meeting_url: session.meeting_url,
                    status: parse(&session.status, "session status")?,
                })
            })
            .transpose()?,
        None => None,
    };
    let referral = match row.referral_id {
        Some(id) => crate::referrals::repo::find(conn, id)?
            .map(|referral| {
                Ok::<_, ApiError>(CaseReferral {
                    id: referral.id,
                    slip_number: referral.slip_number,
                    status: parse(&referral.status, "referral status")?,
                })
            })
            .transpose()?,
        None => None,
    };
    let patient: Patient = from_json(&row.patient, "patient")?;
    let conclusion: Option<Conclusion> = row
        .conclusion
        .as_deref()
        .map(|c| parse(c, "conclusion"))
        .transpose()?;
    let clinical = |text: &Option<String>| text.clone().filter(|_| visible);
    Ok(ConsultationCase {
        id: row.id,
        status,
        requesting_facility: facility(&refs, row.requesting_facility_id)?,
        consulting_facility: facility(&refs, row.consulting_facility_id)?,
        session,
        patient_initials: patient.initials(),
        patient: visible.then_some(patient),
        summary: visible.then(|| row.summary.clone()),
        question: visible.then(|| row.question.clone()),
        specialty: row.specialty.clone(),
        urgency: parse(&row.urgency, "urgency")?,
        conclusion,
        conclusion_note: clinical(&row.conclusion_note),
        concluded_by: row.concluded_by.clone(),
        concluded_at: row.concluded_at.map(utc),
        referral_avoided: conclusion.is_some_and(Conclusion::avoids_referral),
        referral,
        outcome: clinical(&row.outcome),
        outcome_at: row.outcome_at.map(utc),
        status_reason: row.status_reason.clone(),
        created_by: row.created_by.clone(),
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
        allowed_actions: consultation::allowed_actions(status, side),
        version: row.version,
    })
}
