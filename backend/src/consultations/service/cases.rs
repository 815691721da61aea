//! Cases: requests stepped through the shared state machine.

use super::*;
use crate::workflow::{self, StepRecord, Stepped, Stepping};
use shared::consultation::{CaseSide, ConsultationCases};
use shared::privacy::shown_to;

pub(super) fn read_case_action(row: &CaseRow) -> Action {
    Action::ReadConsultationCase {
        requesting_facility_id: row.requesting_facility_id,
        consulting_facility_id: row.consulting_facility_id,
    }
}

pub(super) fn sees_patient(by: &Principal, row: &CaseRow) -> bool {
    allowed(
        by,
        Action::SeeConsultationPatient {
            requesting_facility_id: row.requesting_facility_id,
            consulting_facility_id: row.consulting_facility_id,
        },
    )
}

/// A case the principal may see; 404 both when there is none and when the principal
/// may not know of it (an action it may not take on a case it sees is a 403).
pub(super) fn visible_case(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
) -> Result<CaseRow, ApiError> {
    let row = repo::find_case(conn, id)?.ok_or_else(case_not_found)?;
    if !allowed(by, read_case_action(&row)) {
        return Err(case_not_found());
    }
    Ok(row)
}

pub(super) fn audit_case(
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
    let create = |conn: &mut AnyConn| {
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
                urgency: DbEnum(input.urgency),
                status: DbEnum(CaseStatus::Requested),
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
    };
    crate::idempotency::once_record(
        conn,
        by,
        key,
        ("POST /consultation-cases", "/api/v1/consultation-cases"),
        input,
        create,
        |conn, id| get_case(conn, by, id),
    )
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
        within: by.scope.ids(),
        status: query.status,
        conclusion: query.conclusion,
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
            let full = CaseSummary {
                id: row.id,
                status: row.status.0,
                requesting_facility: facility(&refs, row.requesting_facility_id)?,
                consulting_facility: facility(&refs, row.consulting_facility_id)?,
                session_id: row.session_id,
                session_starts_at: row
                    .session_id
                    .and_then(|id| starts.get(&id))
                    .map(|at| utc(*at)),
                patient_initials: patient.initials(),
                patient_name: Some(patient.full_name),
                specialty: row.specialty.clone(),
                urgency: row.urgency.0,
                conclusion: row.conclusion.map(|conclusion| conclusion.0),
                referral_id: row.referral_id,
                created_at: utc(row.created_at),
            };
            Ok(shown_to(full, visible))
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

/// A case as the step helper sees it: the row the caller may see, and the caller's side
/// (requesting or consulting facility).
pub struct CaseSteps;

impl StepRecord for CaseSteps {
    type Flow = ConsultationCases;
    type Row = CaseRow;
    type Actor = CaseSide;
    type Input = CaseStep;
    type Change = CaseChange;
    type Answer = ConsultationCase;

    fn load(conn: &mut AnyConn, by: &Principal, id: i64) -> Result<CaseRow, ApiError> {
        visible_case(conn, by, id)
    }

    fn status(row: &CaseRow) -> CaseStatus {
        row.status.0
    }

    fn version(row: &CaseRow) -> i64 {
        row.version
    }

    fn sides(_: &mut AnyConn, by: &Principal, row: &CaseRow) -> Result<Vec<CaseSide>, ApiError> {
        Ok(vec![consultation_side(
            by,
            row.requesting_facility_id,
            row.consulting_facility_id,
        )])
    }

    fn action(step: &CaseStep) -> CaseAction {
        match step {
            CaseStep::Schedule(_) => CaseAction::Schedule,
            CaseStep::Conclude(_) => CaseAction::Conclude,
            CaseStep::Outcome(_) => CaseAction::RecordOutcome,
            CaseStep::Cancel(_) => CaseAction::Cancel,
        }
    }

    // The session, the conclusion (and the referral it opens), the outcome.
    fn rules(conn: &mut AnyConn, s: &Stepping<'_, Self>) -> Result<CaseChange, ApiError> {
        let (before, by, at) = (&s.before, s.by, s.at);
        let mut change = CaseChange::default();
        match s.input {
            CaseStep::Schedule(input) => {
                let session = repo::find_session(conn, input.session_id)?
                    .ok_or_else(|| ApiError::field("session_id", Record::ConsultationSession))?;
                if session.host_facility_id != before.consulting_facility_id {
                    return Err(ApiError::field("session_id", Message::SessionOfOtherHost));
                }
                if session.status.0 == SessionStatus::Cancelled {
                    return Err(ApiError::new(
                        shared::error::ErrorCode::InvalidTransition,
                        Message::SessionCancelled,
                    ));
                }
                change.session_id = Some(Some(session.id));
            }
            CaseStep::Conclude(input) => {
                change.conclusion = Some(DbEnum(input.conclusion));
                change.conclusion_note = Some(input.note.trim().to_string());
                change.concluded_by = Some(by.label());
                change.concluded_at = Some(at);
                if input.conclusion.opens_referral() {
                    change.referral_id = Some(open_referral(conn, by, before, input)?);
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
        Ok(change)
    }

    fn apply(
        conn: &mut AnyConn,
        s: &Stepping<'_, Self>,
        change: &CaseChange,
    ) -> Result<usize, ApiError> {
        let change = CaseChange {
            status: Some(DbEnum(s.to)),
            version: Some(s.before.version + 1),
            updated_at: Some(s.at),
            ..change.clone()
        };
        Ok(repo::update_case(conn, s.id, s.before.version, &change)?)
    }

    // The trail keeps the status, the session, the conclusion and the referral it
    // opened; not the clinical text.
    fn audit(conn: &mut AnyConn, done: &Stepped<'_, Self>) -> Result<(), ApiError> {
        let (s, change) = (&done.step, &done.change);
        let mut changes = json!({ "status": [s.before.status, s.to] });
        if let Some(session_id) = change.session_id {
            changes["session_id"] = json!([s.before.session_id, session_id]);
        }
        if let Some(conclusion) = change.conclusion {
            changes["conclusion"] = json!(conclusion);
        }
        if let Some(referral_id) = change.referral_id {
            changes["referral_id"] = json!(referral_id);
        }
        audit_case(conn, s.by, &done.after, s.action.as_str(), changes)
    }

    fn answer(conn: &mut AnyConn, done: &Stepped<'_, Self>) -> Result<ConsultationCase, ApiError> {
        case_view(conn, done.step.by, &done.after)
    }
}

/// Takes a step on a case ([`workflow::step`]).
pub fn step(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    expected_version: Option<i64>,
    step: &CaseStep,
    lang: Lang,
) -> Result<ConsultationCase, ApiError> {
    workflow::step::<CaseSteps>(conn, by, id, expected_version, step, lang)
}

/// A session where a case was concluded has been held.
pub(super) fn mark_held(
    conn: &mut AnyConn,
    by: &Principal,
    session_id: i64,
    at: NaiveDateTime,
) -> Result<(), ApiError> {
    let Some(session) = repo::find_session(conn, session_id)? else {
        return Ok(());
    };
    if session.status.0 != SessionStatus::Scheduled {
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
pub(super) fn open_referral(
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
            .map(|level| level.0))
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
        urgency: case.urgency.0,
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
pub(super) fn case_view(
    conn: &mut AnyConn,
    by: &Principal,
    row: &CaseRow,
) -> Result<ConsultationCase, ApiError> {
    let status = row.status.0;
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
                    mode: session.mode.0,
                    meeting_url: session.meeting_url,
                    status: session.status.0,
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
                    status: referral.status.0,
                })
            })
            .transpose()?,
        None => None,
    };
    let patient: Patient = from_json(&row.patient, "patient")?;
    let conclusion = row.conclusion.map(|conclusion| conclusion.0);
    let full = ConsultationCase {
        id: row.id,
        status,
        requesting_facility: facility(&refs, row.requesting_facility_id)?,
        consulting_facility: facility(&refs, row.consulting_facility_id)?,
        session,
        patient_initials: patient.initials(),
        patient: Some(patient),
        summary: Some(row.summary.clone()),
        question: Some(row.question.clone()),
        specialty: row.specialty.clone(),
        urgency: row.urgency.0,
        conclusion,
        conclusion_note: row.conclusion_note.clone(),
        concluded_by: row.concluded_by.clone(),
        concluded_at: row.concluded_at.map(utc),
        referral_avoided: conclusion.is_some_and(Conclusion::avoids_referral),
        referral,
        outcome: row.outcome.clone(),
        outcome_at: row.outcome_at.map(utc),
        status_reason: row.status_reason.clone(),
        created_by: row.created_by.clone(),
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
        allowed_actions: consultation::allowed_actions(status, side),
        version: row.version,
    };
    Ok(shown_to(full, visible))
}
