//! Steps through the state machine, with redirect, return and continuation.

use super::*;
use crate::workflow::{self, StepRecord, Stepped, Stepping};
use shared::referral::{Referrals, Side};

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

/// A referral as the step helper sees it: the row the caller may see, and the caller's
/// side (sender or receiver facility).
pub struct ReferralSteps;

/// What a referral step's own rules decide: the columns it writes, and the transfer
/// rules (signing, answer clock) its follow-on effects and answer use as well.
pub struct ReferralChange {
    set: StatusChange,
    rules: ReferralRules,
}

impl StepRecord for ReferralSteps {
    type Flow = Referrals;
    type Row = ReferralRow;
    type Actor = Side;
    type Input = Step;
    type Change = ReferralChange;
    type Answer = Referral;

    fn load(conn: &mut AnyConn, by: &Principal, id: i64) -> Result<ReferralRow, ApiError> {
        visible_row(conn, by, id)
    }

    fn status(row: &ReferralRow) -> ReferralStatus {
        row.status.0
    }

    fn version(row: &ReferralRow) -> i64 {
        row.version
    }

    fn sides(_: &mut AnyConn, by: &Principal, row: &ReferralRow) -> Result<Vec<Side>, ApiError> {
        Ok(vec![referral_side(
            by,
            row.from_facility_id,
            row.to_facility_id,
        )])
    }

    fn action(step: &Step) -> ReferralAction {
        match step {
            Step::Send(_) => ReferralAction::Send,
            Step::Accept(_) => ReferralAction::Accept,
            Step::Decline(_) => ReferralAction::Decline,
            Step::Redirect(_) => ReferralAction::Redirect,
            Step::Arrive(_) => ReferralAction::Arrive,
            Step::Complete(_) => ReferralAction::Complete,
            Step::Cancel(_) => ReferralAction::Cancel,
        }
    }

    // Signing a sent slip, the answers' times and reasons, a redirect's destination, the
    // arrival time, the outcome and discharge.
    fn rules(conn: &mut AnyConn, s: &Stepping<'_, Self>) -> Result<ReferralChange, ApiError> {
        let (before, at) = (&s.before, s.at);
        let (rules, _) = rules(conn)?;
        let mut set = StatusChange::default();
        match s.input {
            Step::Send(_) => {
                let slip = stored_input(before)?;
                slip.validate_send(before.from_facility_id)
                    .map_err(|errors| ApiError::invalid(&errors))?;
                set = sending(&rules, &slip, at);
            }
            Step::Accept(_) => set.answered_at = Some(at),
            Step::Decline(input) => {
                set.answered_at = Some(at);
                set.closed_at = Some(at);
                set.status_reason = Some(input.reason.trim().to_string());
            }
            Step::Cancel(input) => {
                set.closed_at = Some(at);
                set.status_reason = Some(input.reason.trim().to_string());
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
                set.answered_at = Some(at);
                set.closed_at = Some(at);
                set.status_reason = Some(input.reason.trim().to_string());
            }
            Step::Arrive(input) => {
                let arrived = input.arrived_at.map_or(at, |t| t.naive_utc());
                if arrived > at + TimeDelta::minutes(5) {
                    return Err(ApiError::field("arrived_at", Message::ArrivalInFuture));
                }
                set.arrived_at = Some(arrived);
            }
            Step::Complete(input) => {
                set.closed_at = Some(at);
                set.outcome = Some(DbEnum(input.outcome));
                set.discharge = Some(json_text(&Discharge {
                    summary: input.discharge_summary.trim().to_string(),
                    diagnoses: input.discharge_diagnoses.clone(),
                })?);
            }
        }
        Ok(ReferralChange { set, rules })
    }

    fn apply(
        conn: &mut AnyConn,
        s: &Stepping<'_, Self>,
        change: &ReferralChange,
    ) -> Result<usize, ApiError> {
        let set = StatusChange {
            status: Some(DbEnum(s.to)),
            version: Some(s.before.version + 1),
            updated_at: Some(s.at),
            ..change.set.clone()
        };
        Ok(repo::update_status(conn, s.id, s.before.version, &set)?)
    }

    fn record_event(conn: &mut AnyConn, done: &Stepped<'_, Self>) -> Result<(), ApiError> {
        let s = &done.step;
        record_event(
            conn,
            s.by,
            s.id,
            s.at,
            Happened {
                kind: s.action.into(),
                from_status: Some(s.from),
                to_status: s.to,
                note: s.input.note(),
            },
        )
    }

    fn audit(conn: &mut AnyConn, done: &Stepped<'_, Self>) -> Result<(), ApiError> {
        let s = &done.step;
        audit_referral(
            conn,
            s.by,
            &done.after,
            s.action.as_str(),
            transition_changes(&s.before, &done.after),
        )
    }

    fn follow_on(conn: &mut AnyConn, done: &Stepped<'_, Self>) -> Result<(), ApiError> {
        let (s, rules) = (&done.step, &done.change.rules);
        match s.input {
            Step::Redirect(input) => {
                redirect_onward(conn, s.by, &done.after, input, rules, s.at)?;
            }
            Step::Complete(input) if input.outcome == Outcome::ReturnedToReferrer => {
                return_to_referrer(conn, s.by, &done.after, input, rules, s.at)?;
            }
            _ => {}
        }
        Ok(())
    }

    fn answer(conn: &mut AnyConn, done: &Stepped<'_, Self>) -> Result<Referral, ApiError> {
        let s = &done.step;
        view(conn, s.by, &done.after, &done.change.rules, s.at)
    }
}

/// Takes a step of the state machine on a referral ([`workflow::step`]).
pub fn transition(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    expected_version: Option<i64>,
    step: &Step,
    lang: Lang,
) -> Result<Referral, ApiError> {
    workflow::step::<ReferralSteps>(conn, by, id, expected_version, step, lang)
}

/// The onward referral a redirect creates: from the redirecting facility to the new
/// destination, already sent, linked to the first.
pub(super) fn redirect_onward(
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
pub(super) fn return_to_referrer(
    conn: &mut AnyConn,
    by: &Principal,
    completed: &ReferralRow,
    input: &CompleteInput,
    rules: &ReferralRules,
    at: NaiveDateTime,
) -> Result<(), ApiError> {
    let original = stored_input(completed)?;
    let slip = ReferralInput {
        to_facility_id: completed.from_facility_id,
        direction: Direction::Down,
        urgency: Urgency::Routine,
        reason: ReferralReason::MeetsTransferRules,
        reason_text: Some(Outcome::ReturnedToReferrer.label(Lang::Vi).to_string()),
        patient: original.patient.clone(),
        clinical: input.back_referral_clinical(&original.clinical),
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
                status: DbEnum(FollowUpStatus::Open),
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
pub(super) fn continue_as(
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

pub(super) fn direction_between(
    conn: &mut AnyConn,
    from: i64,
    to: i64,
) -> Result<Option<Direction>, ApiError> {
    let level = |conn: &mut AnyConn, id| -> Result<_, ApiError> {
        Ok(registry_repo::find_facility_row(conn, id)?
            .and_then(|f| f.level)
            .map(|level| level.0))
    };
    let (from, to) = (level(conn, from)?, level(conn, to)?);
    Ok(Direction::between(from, to))
}

pub(super) fn link(
    row: &ReferralRow,
    kind: ReferralLinkKind,
    refs: &HashMap<i64, FacilityRef>,
) -> Result<ReferralLink, ApiError> {
    Ok(ReferralLink {
        id: row.id,
        slip_number: row.slip_number.clone(),
        kind,
        status: row.status.0,
        from_facility: facility(refs, row.from_facility_id)?,
        to_facility: facility(refs, row.to_facility_id)?,
    })
}

pub(super) fn facility(refs: &HashMap<i64, FacilityRef>, id: i64) -> Result<FacilityRef, ApiError> {
    refs.get(&id)
        .cloned()
        .ok_or_else(|| ApiError::internal(format!("facility {id} missing")))
}
