//! Corrective actions: raised from a visit's findings with an owner at the visited
//! facility and a due date, answered by that facility, closed at a follow-up visit.

use shared::supervision::{
    CorrectiveAnswerInput, CorrectiveCloseInput, CorrectiveInput, CorrectiveQuery, CorrectiveSide,
    CorrectiveStatus, CorrectiveStep, ReasonInput,
};

use super::visits::clean;
use super::*;
use crate::supervision::repo::{ActionChange, ActionFilter, NewAction};
use crate::workflow::{self, StepRecord, Stepped, Stepping};

fn not_found() -> ApiError {
    ApiError::not_found(Record::CorrectiveAction)
}

fn audit_action(
    conn: &mut AnyConn,
    by: &Principal,
    row: &ActionRow,
    action: &str,
    changes: serde_json::Value,
) -> Result<(), ApiError> {
    audit_entry(
        conn,
        by,
        "corrective_action",
        row.id,
        row.facility_id,
        action,
        changes,
    )
}

/// An action the principal may read (404 otherwise).
fn visible_action(conn: &mut AnyConn, by: &Principal, id: i64) -> Result<ActionRow, ApiError> {
    let row = repo::find_action(conn, id)?.ok_or_else(not_found)?;
    let read = Action::ReadSupervision {
        facility_id: row.facility_id,
        supervising_facility_id: row.supervising_facility_id,
    };
    if !allowed(by, read) {
        return Err(not_found());
    }
    Ok(row)
}

fn view(conn: &mut AnyConn, by: &Principal, row: &ActionRow) -> Result<CorrectiveAction, ApiError> {
    action_views(conn, by, std::slice::from_ref(row))?
        .pop()
        .ok_or_else(|| ApiError::internal("no view of the action"))
}

/// One corrective action.
pub fn get_action(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
) -> Result<CorrectiveAction, ApiError> {
    let row = visible_action(conn, by, id)?;
    view(conn, by, &row)
}

/// Raises a corrective action from a visit in progress or scored (the supervising
/// facility): its owner is an active user of the visited facility, its due date not
/// before the visit. Accepts an idempotency key.
pub fn create_action(
    conn: &mut AnyConn,
    by: &Principal,
    key: Option<&str>,
    input: &CorrectiveInput,
    lang: Lang,
) -> Result<CorrectiveAction, ApiError> {
    let create = |conn: &mut AnyConn| {
        // A visit the caller may not know of is a 404, as for any of its records.
        let visit = visible_visit(conn, by, input.visit_id)?;
        check_visit_step(by, &visit, VisitAction::Correct, lang)?;
        if let Some(code) = &input.item_code {
            let template = repo::find_template(conn, visit.template_id)?
                .ok_or_else(|| ApiError::internal("visit without its template"))?;
            if supervision::find_item(&sections_of(&template)?, code).is_none() {
                return Err(ApiError::field(
                    "item_code",
                    Message::NoSuch(Record::ChecklistItem),
                ));
            }
        }
        let owner_ok = repo::users_by_id(conn, &[input.owner_user_id])?.iter().any(
            |(_, _, role, facility_id, active)| {
                *active
                    && *facility_id == visit.facility_id
                    && supervision::role_answers_actions(role.0)
            },
        );
        if !owner_ok {
            return Err(ApiError::field(
                "owner_user_id",
                Message::NoSuch(Record::ActionOwner),
            ));
        }
        if input.due_on < visit.planned_on {
            return Err(ApiError::field(
                "due_on",
                Message::localised(|lang| match lang {
                    Lang::Vi => "Hạn khắc phục không trước ngày giám sát".into(),
                    Lang::En => "The due date is not before the visit".into(),
                }),
            ));
        }
        let at = now();
        let id = repo::insert_action(
            conn,
            &NewAction {
                visit_id: visit.id,
                facility_id: visit.facility_id,
                supervising_facility_id: visit.supervising_facility_id,
                item_code: input.item_code.clone(),
                description: input.description.trim().to_string(),
                owner_user_id: input.owner_user_id,
                due_on: input.due_on,
                status: DbEnum(CorrectiveStatus::Open),
                version: 1,
                created_by: by.label(),
                created_at: at,
                updated_at: at,
            },
        )?;
        let row = repo::find_action(conn, id)?.ok_or_else(not_found)?;
        audit_action(
            conn,
            by,
            &row,
            "create",
            json!({ "visit_id": row.visit_id, "item_code": row.item_code,
                    "owner_user_id": row.owner_user_id, "due_on": row.due_on,
                    "status": row.status }),
        )?;
        view(conn, by, &row)
    };
    crate::idempotency::once_record(
        conn,
        by,
        key,
        ("POST /corrective-actions", "/api/v1/corrective-actions"),
        input,
        create,
        |conn, id| get_action(conn, by, id),
    )
}

/// The corrective actions the principal may see, newest first.
pub fn list_actions(
    conn: &mut AnyConn,
    by: &Principal,
    query: &CorrectiveQuery,
) -> Result<Page<CorrectiveAction>, ApiError> {
    if by.role().is_none() {
        return Err(ApiError::forbidden());
    }
    let limit = clamp_limit(query.limit);
    let filter = ActionFilter {
        within: by.scope.ids(),
        facility_id: scoped(by, query.facility_id)?,
        supervising_facility_id: query.supervising_facility_id,
        visit_id: query.visit_id,
        status: query.status,
        overdue: query.overdue.map(|late| (late, today())),
        unresolved: query.unresolved,
        before_id: parse_cursor(query.cursor.as_deref())?,
    };
    let rows = repo::list_actions(conn, &filter, limit + 1)?;
    let views = action_views(conn, by, &rows)?;
    Ok(page_of(views, limit, |a: &CorrectiveAction| a.id))
}

/// The body of a step on a corrective action.
#[derive(Debug, Clone)]
pub enum ActionStep {
    Answer(CorrectiveAnswerInput),
    Close(CorrectiveCloseInput),
    Reopen(ReasonInput),
}

/// A corrective action as the step frame sees it.
pub struct ActionSteps;

impl StepRecord for ActionSteps {
    type Flow = CorrectiveActions;
    type Row = ActionRow;
    type Actor = CorrectiveSide;
    type Input = ActionStep;
    type Change = ActionChange;
    type Answer = CorrectiveAction;

    fn load(conn: &mut AnyConn, by: &Principal, id: i64) -> Result<ActionRow, ApiError> {
        visible_action(conn, by, id)
    }

    fn status(row: &ActionRow) -> CorrectiveStatus {
        row.status.0
    }

    fn version(row: &ActionRow) -> i64 {
        row.version
    }

    fn sides(
        _: &mut AnyConn,
        by: &Principal,
        row: &ActionRow,
    ) -> Result<Vec<CorrectiveSide>, ApiError> {
        Ok(vec![corrective_side(
            by,
            row.supervising_facility_id,
            row.facility_id,
        )])
    }

    fn action(step: &ActionStep) -> CorrectiveStep {
        match step {
            ActionStep::Answer(_) => CorrectiveStep::Answer,
            ActionStep::Close(_) => CorrectiveStep::Close,
            ActionStep::Reopen(_) => CorrectiveStep::Reopen,
        }
    }

    // Closing names the follow-up visit: a later visit of the same supervising facility
    // to the same facility, in progress or scored.
    fn rules(conn: &mut AnyConn, s: &Stepping<'_, Self>) -> Result<ActionChange, ApiError> {
        let by = s.by.label();
        let mut change = ActionChange::default();
        match s.input {
            ActionStep::Answer(input) => {
                change.response = Some(Some(input.response.trim().to_string()));
                change.answered_by = Some(Some(by));
                change.answered_at = Some(Some(s.at));
            }
            ActionStep::Close(input) => {
                let follow_up = repo::find_visit(conn, input.follow_up_visit_id)?.filter(|visit| {
                    visit.id != s.before.visit_id
                        && visit.facility_id == s.before.facility_id
                        && visit.supervising_facility_id == s.before.supervising_facility_id
                        && matches!(
                            visit.status.0,
                            supervision::VisitStatus::InProgress
                                | supervision::VisitStatus::Submitted
                        )
                });
                let Some(follow_up) = follow_up else {
                    return Err(ApiError::field(
                        "follow_up_visit_id",
                        Message::localised(|lang| match lang {
                            Lang::Vi => {
                                "Cần một đợt giám sát lại đang tiến hành tại cùng cơ sở".into()
                            }
                            Lang::En => {
                                "Needs a follow-up visit in progress at the same facility".into()
                            }
                        }),
                    ));
                };
                change.closed_in_visit_id = Some(Some(follow_up.id));
                change.close_note = Some(clean(input.note.as_deref()));
                change.closed_by = Some(Some(by));
                change.closed_at = Some(Some(s.at));
            }
            ActionStep::Reopen(input) => {
                change.reopen_reason = Some(Some(input.reason.trim().to_string()));
                change.closed_in_visit_id = Some(None);
                change.close_note = Some(None);
                change.closed_by = Some(None);
                change.closed_at = Some(None);
            }
        }
        Ok(change)
    }

    fn apply(
        conn: &mut AnyConn,
        s: &Stepping<'_, Self>,
        change: &ActionChange,
    ) -> Result<usize, ApiError> {
        let change = ActionChange {
            status: Some(DbEnum(s.to)),
            version: Some(s.before.version + 1),
            updated_at: Some(s.at),
            ..change.clone()
        };
        Ok(repo::update_action(conn, s.id, s.before.version, &change)?)
    }

    fn audit(conn: &mut AnyConn, done: &Stepped<'_, Self>) -> Result<(), ApiError> {
        let (s, change) = (&done.step, &done.change);
        let mut changes = json!({ "status": [s.before.status, s.to] });
        if let Some(Some(visit_id)) = change.closed_in_visit_id {
            changes["closed_in_visit_id"] = json!(visit_id);
        }
        if let Some(reason) = &change.reopen_reason {
            changes["reason"] = json!(reason);
        }
        audit_action(conn, s.by, &done.after, s.action.as_str(), changes)
    }

    fn answer(conn: &mut AnyConn, done: &Stepped<'_, Self>) -> Result<CorrectiveAction, ApiError> {
        view(conn, done.step.by, &done.after)
    }
}

/// Takes a step on a corrective action ([`workflow::step`]).
pub fn step_action(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    expected_version: Option<i64>,
    step: &ActionStep,
    lang: Lang,
) -> Result<CorrectiveAction, ApiError> {
    workflow::step::<ActionSteps>(conn, by, id, expected_version, step, lang)
}
