//! Supervision use cases: checklist templates (drafted, published, revised), visits
//! stepped through the shared visit workflow and scored by the shared score function,
//! answers and photos of findings, and corrective actions stepped through their own
//! workflow. Every write runs in one transaction with its audit entry.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use serde_json::json;
use shared::Lang;
use shared::message::{Message, Record};
use shared::page::{Page, clamp_limit};
use shared::registry::FacilityRef;
use shared::supervision::{
    self, ActionOwner, ChecklistSection, CorrectiveAction, CorrectiveActions, Mark, Score,
    SupervisionVisits, TemplateRef, VisitAction,
};
use shared::workflow::{Refusal, Workflow};

use super::repo::{self, ActionRow, AnswerRow, TemplateRow, VisitRow};
use crate::audit::{self, Entry};
use crate::auth::policy::{allowed, corrective_side, supervision_side};
use crate::auth::{Action, Principal, authorize};
use crate::db::{AnyConn, DbEnum, from_json, now, utc, write_tx};
use crate::error::ApiError;
use crate::http::{page_of, parse_cursor};
use crate::registry::repo as registry_repo;

mod actions;
mod templates;
mod visits;
pub use actions::*;
pub use templates::*;
pub use visits::*;

impl crate::idempotency::Created for shared::supervision::SupervisionTemplate {
    fn record_id(&self) -> i64 {
        self.id
    }
}

impl crate::idempotency::Created for shared::supervision::Visit {
    fn record_id(&self) -> i64 {
        self.id
    }
}

impl crate::idempotency::Created for CorrectiveAction {
    fn record_id(&self) -> i64 {
        self.id
    }
}

/// Today in Vietnam: the day lateness is judged on.
pub fn today() -> NaiveDate {
    shared::time::vietnam_date(chrono::Utc::now())
}

fn facility(refs: &HashMap<i64, FacilityRef>, id: i64) -> Result<FacilityRef, ApiError> {
    refs.get(&id)
        .cloned()
        .ok_or_else(|| ApiError::internal(format!("facility {id} missing")))
}

/// The problem a workflow's refusal is answered with, in the caller's language.
fn refused<W: Workflow>(refusal: Refusal<W>, lang: Lang) -> ApiError {
    ApiError::new(refusal.code(), Message::Verbatim(refusal.message(lang)))
}

/// The checklist stored on a template row.
fn sections_of(row: &TemplateRow) -> Result<Vec<ChecklistSection>, ApiError> {
    from_json(&row.sections, "checklist")
}

fn template_ref(row: &TemplateRow) -> TemplateRef {
    TemplateRef {
        id: row.id,
        code: row.code.clone(),
        revision: row.revision,
        title: row.title.clone(),
        area: row.area.0,
        pass_threshold: row.pass_threshold,
    }
}

fn audit_entry(
    conn: &mut AnyConn,
    by: &Principal,
    entity: &'static str,
    id: i64,
    facility_id: i64,
    action: &str,
    changes: serde_json::Value,
) -> Result<(), ApiError> {
    audit::record(
        conn,
        by,
        Entry {
            entity,
            entity_id: id.to_string(),
            action,
            facility_id: Some(facility_id),
            changes,
        },
    )?;
    Ok(())
}

/// The score of a visit's answers against its checklist.
fn score_of(sections: &[ChecklistSection], threshold: i32, answers: &[AnswerRow]) -> Score {
    let marks: BTreeMap<String, Mark> = answers
        .iter()
        .map(|answer| {
            (
                answer.item_code.clone(),
                Mark {
                    choice: answer.choice.map(|choice| choice.0),
                    points: answer.points,
                },
            )
        })
        .collect();
    supervision::score(sections, threshold, &marks)
}

/// A visit the principal may read; 404 both when there is none and when the principal
/// may not know of it.
pub(crate) fn visible_visit(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
) -> Result<VisitRow, ApiError> {
    let row =
        repo::find_visit(conn, id)?.ok_or_else(|| ApiError::not_found(Record::SupervisionVisit))?;
    if !allowed(by, read_visit(&row)) {
        return Err(ApiError::not_found(Record::SupervisionVisit));
    }
    Ok(row)
}

fn read_visit(row: &VisitRow) -> Action {
    Action::ReadSupervision {
        facility_id: row.facility_id,
        supervising_facility_id: row.supervising_facility_id,
    }
}

/// Whether the principal may take a visit step that is not an endpoint of its own
/// (reschedule, record, correct) on `row` now.
fn check_visit_step(
    by: &Principal,
    row: &VisitRow,
    action: VisitAction,
    lang: Lang,
) -> Result<(), ApiError> {
    let side = supervision_side(by, row.supervising_facility_id, row.facility_id);
    SupervisionVisits::check(row.status.0, action, &side)
        .map(|_| ())
        .map_err(|refusal| refused(refusal, lang))
}

/// Owners of actions by user id: `(name, facility)`.
fn owners(conn: &mut AnyConn, ids: &[i64]) -> Result<HashMap<i64, ActionOwner>, ApiError> {
    Ok(repo::users_by_id(conn, ids)?
        .into_iter()
        .map(|(id, full_name, _, _, _)| {
            (
                id,
                ActionOwner {
                    user_id: id,
                    full_name,
                },
            )
        })
        .collect())
}

/// The corrective actions `rows` as `by` sees them, with their facilities, owners and
/// the text of the item each is about.
fn action_views(
    conn: &mut AnyConn,
    by: &Principal,
    rows: &[ActionRow],
) -> Result<Vec<CorrectiveAction>, ApiError> {
    let mut facility_ids = BTreeSet::new();
    let mut owner_ids = BTreeSet::new();
    let mut visit_ids = BTreeSet::new();
    for row in rows {
        facility_ids.extend([row.facility_id, row.supervising_facility_id]);
        owner_ids.insert(row.owner_user_id);
        visit_ids.insert(row.visit_id);
    }
    let refs = registry_repo::facility_refs(conn, &facility_ids.into_iter().collect::<Vec<_>>())?;
    let owners = owners(conn, &owner_ids.into_iter().collect::<Vec<_>>())?;
    // The item texts, through each visit's template revision.
    let mut templates_of_visits = HashMap::new();
    for visit_id in visit_ids {
        if let Some(visit) = repo::find_visit(conn, visit_id)? {
            templates_of_visits.insert(visit_id, visit.template_id);
        }
    }
    let template_ids: Vec<i64> = templates_of_visits.values().copied().collect();
    let mut checklists = HashMap::new();
    for template in repo::find_templates(conn, &template_ids)? {
        checklists.insert(template.id, sections_of(&template)?);
    }
    let today = today();
    rows.iter()
        .map(|row| {
            let status = row.status.0;
            let item_text = row.item_code.as_deref().and_then(|code| {
                let sections = checklists.get(templates_of_visits.get(&row.visit_id)?)?;
                supervision::find_item(sections, code).map(|item| item.text.clone())
            });
            let side = corrective_side(by, row.supervising_facility_id, row.facility_id);
            Ok(CorrectiveAction {
                id: row.id,
                status,
                visit_id: row.visit_id,
                item_code: row.item_code.clone(),
                item_text,
                description: row.description.clone(),
                facility: facility(&refs, row.facility_id)?,
                supervising_facility: facility(&refs, row.supervising_facility_id)?,
                owner: owners
                    .get(&row.owner_user_id)
                    .cloned()
                    .unwrap_or(ActionOwner {
                        user_id: row.owner_user_id,
                        full_name: String::new(),
                    }),
                due_on: row.due_on,
                overdue: supervision::is_overdue(status, row.due_on, today),
                response: row.response.clone(),
                answered_by: row.answered_by.clone(),
                answered_at: row.answered_at.map(utc),
                closed_in_visit_id: row.closed_in_visit_id,
                close_note: row.close_note.clone(),
                closed_by: row.closed_by.clone(),
                closed_at: row.closed_at.map(utc),
                reopen_reason: row.reopen_reason.clone(),
                allowed_actions: CorrectiveActions::allowed(status, &side),
                created_by: row.created_by.clone(),
                created_at: utc(row.created_at),
                updated_at: utc(row.updated_at),
                version: row.version,
            })
        })
        .collect()
}

/// A list filter on one facility: it must be in the reader's scope (403 otherwise).
fn scoped(by: &Principal, facility_id: Option<i64>) -> Result<Option<i64>, ApiError> {
    match facility_id {
        Some(id) if !by.scope.contains(id) => Err(ApiError::forbidden()),
        other => Ok(other),
    }
}
