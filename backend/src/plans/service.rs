//! Plan use cases: writing a plan and stepping it through `draft → submitted → approved →
//! active → closed` (the shared state machine decides, per side), new versions with their
//! diff, activities' progress and the stations' ratings, indicator values with their
//! approval per facility and period, the indicator board (computed indicators counted
//! from the data on every read), evaluations, the periodic report and support requests.
//! Every change is audited in its transaction.

use shared::message::{Message, Record};
use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde_json::json;
use shared::Lang;
use shared::error::ErrorCode;
use shared::page::{Page, clamp_limit};
use shared::plan::{
    self, Activity, ActivityFeedback, ActivityFeedbackInput, ActivityGroup, ActivityKind,
    ActivityProgressInput, ActivityRef, ActivityStatus, BoardRow, EvaluationCreate,
    EvaluationStatus, EvaluationUpdate, Indicator, IndicatorBoard, IndicatorKind, IndicatorMetric,
    IndicatorSource, Period, PeriodApproval, PeriodApprovalInput, PeriodQuery, Plan, PlanAction,
    PlanDiff, PlanError, PlanInput, PlanPhase, PlanQuery, PlanReport, PlanSide, PlanStatus,
    PlanSummary, ReportActivity, StationFigures, SupportAcceptInput, SupportRequest,
    SupportRequestInput, SupportRequestQuery, SupportRequestStatus, SupportUrgency, TargetInput,
    TrafficLight, ValueEntry, ValueHistoryQuery, ValuesInput,
};
use shared::registry::FacilityRef;

use super::metrics::{self, Figures};
use super::repo::{
    self, ActivityRow, ApprovalRow, FeedbackRow, IndicatorRow, NewActivity, NewEvaluation,
    NewIndicator, NewPlan, NewSupport, PlanChanges, PlanRow, PlanStep, SupportRow, ValueRow,
};
use crate::audit;
use crate::auth::policy::allowed;
use crate::auth::{Action, Principal, authorize};
use crate::db::{AnyConn, from_json, json_text, now, utc, write_tx};
use crate::error::ApiError;
use crate::http::{page_of, parse_cursor};
use crate::registry::repo::{self as registry_repo, parse};

fn plan_not_found() -> ApiError {
    ApiError::not_found(Record::Plan)
}

fn activity_not_found() -> ApiError {
    ApiError::not_found(Record::PlanActivity)
}

fn evaluation_not_found() -> ApiError {
    ApiError::not_found(Record::Evaluation)
}

fn support_not_found() -> ApiError {
    ApiError::not_found(Record::SupportRequest)
}

fn invalid_transition(detail: impl Into<Message>) -> ApiError {
    ApiError::new(ErrorCode::InvalidTransition, detail)
}

// ---------------------------------------------------------------------------------
// A plan row, parsed

/// A plan version with its JSON columns read.
struct Loaded {
    row: PlanRow,
    status: PlanStatus,
    phases: Vec<PlanPhase>,
    supported: Vec<i64>,
}

fn load(conn: &mut AnyConn, id: i64) -> Result<Loaded, ApiError> {
    let row = repo::find_plan(conn, id)?.ok_or_else(plan_not_found)?;
    loaded(row)
}

fn loaded(row: PlanRow) -> Result<Loaded, ApiError> {
    Ok(Loaded {
        status: parse(&row.status, "plan status")?,
        phases: from_json(&row.phases, "plan phases")?,
        supported: from_json(&row.supported_facility_ids, "supported facilities")?,
        row,
    })
}

/// Whether the principal may read the plan: it concerns a facility it sees.
fn may_read(by: &Principal, row: &PlanRow, supported: &[i64]) -> bool {
    std::iter::once(row.issuing_facility_id)
        .chain(supported.iter().copied())
        .any(|facility_id| allowed(by, Action::ReadPlan { facility_id }))
}

/// A plan the principal may read (404 for one it may not: its existence is not told).
fn readable(conn: &mut AnyConn, by: &Principal, id: i64) -> Result<Loaded, ApiError> {
    let plan = load(conn, id)?;
    if may_read(by, &plan.row, &plan.supported) {
        Ok(plan)
    } else {
        Err(plan_not_found())
    }
}

/// The sides the principal takes on a plan: its author, its approver, both or neither.
fn sides(by: &Principal, row: &PlanRow) -> Vec<PlanSide> {
    let mut sides = Vec::new();
    if allowed(
        by,
        Action::WritePlans {
            facility_id: row.issuing_facility_id,
        },
    ) {
        sides.push(PlanSide::Author);
    }
    if allowed(
        by,
        Action::ApprovePlans {
            facility_id: row.issuing_facility_id,
            network: row.network,
        },
    ) {
        sides.push(PlanSide::Approver);
    }
    if sides.is_empty() {
        sides.push(PlanSide::Reader);
    }
    sides
}

fn allowed_actions(by: &Principal, plan: &Loaded) -> Vec<PlanAction> {
    let sides = sides(by, &plan.row);
    PlanAction::all()
        .iter()
        .copied()
        .filter(|action| {
            sides
                .iter()
                .any(|side| plan::transition(plan.status, *action, *side).is_ok())
        })
        .collect()
}

/// The status after the principal takes `action`: 403 when no side of theirs may, 409
/// when the plan's status does not allow it.
fn check(by: &Principal, plan: &Loaded, action: PlanAction) -> Result<PlanStatus, ApiError> {
    let mut refusal = None;
    for side in sides(by, &plan.row) {
        match plan::transition(plan.status, action, side) {
            Ok(next) => return Ok(next),
            Err(error) => refusal = Some(error),
        }
    }
    match refusal {
        Some(error @ PlanError::WrongStatus(..)) => {
            Err(invalid_transition(Message::localised(|lang| {
                error.message(lang)
            })))
        }
        _ => Err(ApiError::forbidden()),
    }
}

fn summary(row: &PlanRow, refs: &HashMap<i64, FacilityRef>) -> Result<PlanSummary, ApiError> {
    Ok(PlanSummary {
        id: row.id,
        series_id: row.series_id.clone(),
        version_number: row.version_number,
        code: row.code.clone(),
        title: row.title.clone(),
        issuing_facility: facility(refs, row.issuing_facility_id)?,
        network: row.network,
        start_date: row.start_date,
        end_date: row.end_date,
        status: parse(&row.status, "plan status")?,
        superseded_by_id: row.superseded_by_id,
        updated_at: utc(row.updated_at),
    })
}

fn facility(refs: &HashMap<i64, FacilityRef>, id: i64) -> Result<FacilityRef, ApiError> {
    refs.get(&id)
        .cloned()
        .ok_or_else(|| ApiError::internal(format!("facility {id} missing")))
}

fn activity_view(
    row: &ActivityRow,
    refs: &HashMap<i64, FacilityRef>,
    feedback: &[FeedbackRow],
) -> Result<Activity, ApiError> {
    let facility_ids: Vec<i64> = from_json(&row.facility_ids, "activity facilities")?;
    Ok(Activity {
        id: row.id,
        title: row.title.clone(),
        kind: parse(&row.kind, "activity kind")?,
        responsible_department_id: row.responsible_department_id,
        responsible_unit: row.responsible_unit.clone(),
        facilities: facility_ids
            .iter()
            .map(|id| facility(refs, *id))
            .collect::<Result<_, _>>()?,
        start_date: row.start_date,
        end_date: row.end_date,
        description: row.description.clone(),
        status: parse(&row.status, "activity status")?,
        progress_note: row.progress_note.clone(),
        delivered_on: row.delivered_on,
        feedback: feedback
            .iter()
            .filter(|f| f.activity_id == row.id)
            .map(|f| ActivityFeedback {
                facility_id: f.facility_id,
                rating: f.rating,
                comment: f.comment.clone(),
                rated_by: f.rated_by.clone(),
                rated_at: utc(f.rated_at),
            })
            .collect(),
        version: row.version,
    })
}

fn indicator_view(row: &IndicatorRow) -> Result<Indicator, ApiError> {
    Ok(Indicator {
        id: row.id,
        code: row.code.clone(),
        name: row.name.clone(),
        unit: row.unit.clone(),
        kind: parse(&row.kind, "indicator kind")?,
        direction: parse(&row.direction, "indicator direction")?,
        source: parse(&row.source, "indicator source")?,
        metric: row
            .metric
            .as_deref()
            .map(|m| parse(m, "indicator metric"))
            .transpose()?,
        basis_code: row.basis_code.clone(),
        threshold: row.threshold,
        targets: from_json(&row.targets, "indicator targets")?,
    })
}

fn view(conn: &mut AnyConn, by: &Principal, plan: Loaded) -> Result<Plan, ApiError> {
    let activities = repo::activities(conn, plan.row.id)?;
    let activity_ids: Vec<i64> = activities.iter().map(|a| a.id).collect();
    let feedback = repo::feedback(conn, &activity_ids)?;
    let indicators = repo::indicators(conn, plan.row.id)?;
    let mut ids = vec![plan.row.issuing_facility_id];
    ids.extend(&plan.supported);
    for activity in &activities {
        ids.extend(from_json::<Vec<i64>>(
            &activity.facility_ids,
            "activity facilities",
        )?);
    }
    let refs = registry_repo::facility_refs(conn, &ids)?;
    let mut groups: Vec<ActivityGroup> = Vec::new();
    let mut last_group = None;
    for activity in &activities {
        if last_group != Some(activity.group_position) {
            groups.push(ActivityGroup {
                title: activity.group_title.clone(),
                activities: Vec::new(),
            });
            last_group = Some(activity.group_position);
        }
        if let Some(group) = groups.last_mut() {
            group
                .activities
                .push(activity_view(activity, &refs, &feedback)?);
        }
    }
    Ok(Plan {
        id: plan.row.id,
        series_id: plan.row.series_id.clone(),
        version_number: plan.row.version_number,
        previous_version_id: plan.row.previous_version_id,
        superseded_by_id: plan.row.superseded_by_id,
        code: plan.row.code.clone(),
        title: plan.row.title.clone(),
        issuing_facility: facility(&refs, plan.row.issuing_facility_id)?,
        network: plan.row.network,
        start_date: plan.row.start_date,
        end_date: plan.row.end_date,
        phases: plan.phases.clone(),
        supported_facilities: plan
            .supported
            .iter()
            .map(|id| facility(&refs, *id))
            .collect::<Result<_, _>>()?,
        document: from_json(&plan.row.document, "plan document")?,
        activity_groups: groups,
        indicators: indicators
            .iter()
            .map(indicator_view)
            .collect::<Result<_, _>>()?,
        status: plan.status,
        status_reason: plan.row.status_reason.clone(),
        submitted_at: plan.row.submitted_at.map(utc),
        approved_at: plan.row.approved_at.map(utc),
        approved_by: plan.row.approved_by.clone(),
        created_by: plan.row.created_by.clone(),
        created_at: utc(plan.row.created_at),
        updated_at: utc(plan.row.updated_at),
        version: plan.row.version,
        allowed_actions: allowed_actions(by, &plan),
    })
}

// ---------------------------------------------------------------------------------
// Writing plans

/// Checks what the derive cannot: facilities and departments exist and belong.
fn check_input(conn: &mut AnyConn, input: &PlanInput) -> Result<(), ApiError> {
    match registry_repo::find_facility_row(conn, input.issuing_facility_id)? {
        Some(row) if row.active => {}
        _ => {
            return Err(ApiError::field(
                "issuing_facility_id",
                Record::IssuingFacility,
            ));
        }
    }
    let refs = registry_repo::facility_refs(conn, &input.supported_facility_ids)?;
    let unknown: Vec<String> = input
        .supported_facility_ids
        .iter()
        .filter(|id| !refs.contains_key(id))
        .map(i64::to_string)
        .collect();
    if !unknown.is_empty() {
        return Err(ApiError::field(
            "supported_facility_ids",
            Message::UnknownFacilities(unknown.join(", ")),
        ));
    }
    for (g, group) in input.activity_groups.iter().enumerate() {
        for (a, activity) in group.activities.iter().enumerate() {
            if let Some(department) = activity.responsible_department_id
                && registry_repo::department_facility(conn, department)?
                    != Some(input.issuing_facility_id)
            {
                return Err(ApiError::field(
                    &format!("activity_groups[{g}].activities[{a}].responsible_department_id"),
                    Message::DepartmentOutsideIssuer,
                ));
            }
        }
    }
    Ok(())
}

fn changes(input: &PlanInput, version: i64) -> Result<PlanChanges, ApiError> {
    Ok(PlanChanges {
        code: input.code.trim().to_string(),
        title: input.title.trim().to_string(),
        issuing_facility_id: input.issuing_facility_id,
        network: input.network,
        start_date: input.start_date,
        end_date: input.end_date,
        phases: json_text(&input.phases)?,
        supported_facility_ids: json_text(&input.supported_facility_ids)?,
        document: json_text(&input.document)?,
        version,
        updated_at: now(),
    })
}

/// The activity rows of an input; `progress` keeps the progress of a revised plan's
/// activities by group and title.
fn activity_rows(
    plan_id: i64,
    input: &PlanInput,
    progress: &HashMap<(String, String), ActivityRow>,
) -> Result<Vec<NewActivity>, ApiError> {
    let at = now();
    let mut rows = Vec::new();
    for (g, group) in input.activity_groups.iter().enumerate() {
        for (a, activity) in group.activities.iter().enumerate() {
            let earlier = progress.get(&(group.title.clone(), activity.title.clone()));
            rows.push(NewActivity {
                plan_id,
                group_position: i32::try_from(g).unwrap_or(i32::MAX),
                group_title: group.title.trim().to_string(),
                position: i32::try_from(a).unwrap_or(i32::MAX),
                title: activity.title.trim().to_string(),
                kind: activity.kind.as_str().to_string(),
                responsible_department_id: activity.responsible_department_id,
                responsible_unit: activity.responsible_unit.trim().to_string(),
                facility_ids: json_text(&activity.facility_ids)?,
                start_date: activity.start_date,
                end_date: activity.end_date,
                description: activity.description.trim().to_string(),
                status: earlier.map_or_else(
                    || ActivityStatus::Planned.as_str().to_string(),
                    |row| row.status.clone(),
                ),
                progress_note: earlier.and_then(|row| row.progress_note.clone()),
                delivered_on: earlier.and_then(|row| row.delivered_on),
                updated_at: at,
            });
        }
    }
    Ok(rows)
}

fn indicator_rows(plan_id: i64, input: &PlanInput) -> Result<Vec<NewIndicator>, ApiError> {
    input
        .indicators
        .iter()
        .enumerate()
        .map(|(i, indicator)| {
            Ok(NewIndicator {
                plan_id,
                position: i32::try_from(i).unwrap_or(i32::MAX),
                code: indicator.code.trim().to_string(),
                name: indicator.name.trim().to_string(),
                unit: indicator.unit.trim().to_string(),
                kind: indicator.kind.as_str().to_string(),
                direction: indicator.direction.as_str().to_string(),
                source: indicator.source.as_str().to_string(),
                metric: indicator.metric.map(|m| m.as_str().to_string()),
                basis_code: indicator.basis_code.clone(),
                threshold: indicator.threshold,
                targets: json_text(&indicator.targets)?,
            })
        })
        .collect()
}

/// Creates a draft plan (version 1). Accepts an idempotency key.
pub fn create_plan(
    conn: &mut AnyConn,
    by: &Principal,
    key: Option<&str>,
    input: &PlanInput,
) -> Result<Plan, ApiError> {
    authorize(
        by,
        Action::WritePlans {
            facility_id: input.issuing_facility_id,
        },
    )?;
    crate::idempotency::once(conn, by, key, "POST /plans", input, |conn| {
        check_input(conn, input)?;
        let new = NewPlan {
            series_id: uuid::Uuid::new_v4().to_string(),
            version_number: 1,
            previous_version_id: None,
            status: PlanStatus::Draft.as_str().to_string(),
            status_reason: None,
            created_by: by.label(),
            created_at: now(),
        };
        let id = repo::insert_plan(conn, &new, &changes(input, 1)?)?;
        repo::replace_children(
            conn,
            id,
            &activity_rows(id, input, &HashMap::new())?,
            &indicator_rows(id, input)?,
        )?;
        audit::change(
            conn,
            by,
            "plan",
            id,
            "create",
            input.issuing_facility_id,
            audit::snapshot(input),
        )?;
        let plan = load(conn, id)?;
        view(conn, by, plan)
    })
}

/// One plan version.
pub fn get_plan(conn: &mut AnyConn, by: &Principal, id: i64) -> Result<Plan, ApiError> {
    let plan = readable(conn, by, id)?;
    view(conn, by, plan)
}

/// The plans the principal may read, newest first.
pub fn list_plans(
    conn: &mut AnyConn,
    by: &Principal,
    query: &PlanQuery,
) -> Result<Page<PlanSummary>, ApiError> {
    // Whoever may read no plan at all (an integration client) is told so, not shown an
    // empty list.
    authorize(
        by,
        Action::ReadPlan {
            facility_id: by.facility_id,
        },
    )?;
    let limit = clamp_limit(query.limit);
    let before = parse_cursor(query.cursor.as_deref())?;
    let rows = repo::list_plans(
        conn,
        query.status.map(|s| s.as_str()),
        query.include_superseded,
        before,
    )?;
    let mut visible = Vec::new();
    for row in rows {
        let supported: Vec<i64> = from_json(&row.supported_facility_ids, "supported facilities")?;
        let concerns = query
            .facility_id
            .is_none_or(|id| row.issuing_facility_id == id || supported.contains(&id));
        if concerns && may_read(by, &row, &supported) {
            visible.push(row);
            if visible.len() > usize::try_from(limit).unwrap_or(0) {
                break;
            }
        }
    }
    let ids: Vec<i64> = visible.iter().map(|row| row.issuing_facility_id).collect();
    let refs = registry_repo::facility_refs(conn, &ids)?;
    let items = visible
        .iter()
        .map(|row| summary(row, &refs))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(page_of(items, limit, |plan| plan.id))
}

/// Replaces a draft's text, activities and indicators (its author, `If-Match`).
pub fn update_plan(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    version: i64,
    input: &PlanInput,
) -> Result<Plan, ApiError> {
    write_tx(conn, |conn| {
        let plan = readable(conn, by, id)?;
        check(by, &plan, PlanAction::Edit)?;
        if input.issuing_facility_id != plan.row.issuing_facility_id {
            return Err(ApiError::field("issuing_facility_id", Message::IssuerFixed));
        }
        if plan.row.version != version {
            return Err(ApiError::precondition_failed());
        }
        check_input(conn, input)?;
        let issuing_facility_id = plan.row.issuing_facility_id;
        let before = view(conn, by, plan)?.to_input();
        if repo::update_plan(conn, id, version, &changes(input, version + 1)?)? == 0 {
            return Err(ApiError::precondition_failed());
        }
        let earlier = progress_by_title(repo::activities(conn, id)?);
        repo::replace_children(
            conn,
            id,
            &activity_rows(id, input, &earlier)?,
            &indicator_rows(id, input)?,
        )?;
        audit::change(
            conn,
            by,
            "plan",
            id,
            "update",
            issuing_facility_id,
            audit::diff(&before, input),
        )?;
        let plan = load(conn, id)?;
        view(conn, by, plan)
    })
}

fn progress_by_title(rows: Vec<ActivityRow>) -> HashMap<(String, String), ActivityRow> {
    rows.into_iter()
        .map(|row| ((row.group_title.clone(), row.title.clone()), row))
        .collect()
}

/// Submit, approve, reject (with a reason), activate or close a plan. Approving a new
/// version closes the version it revises, which stays readable with a link forward.
pub fn step(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    version: Option<i64>,
    action: PlanAction,
    reason: Option<&str>,
) -> Result<Plan, ApiError> {
    write_tx(conn, |conn| {
        let plan = readable(conn, by, id)?;
        let next = check(by, &plan, action)?;
        if version.is_some_and(|v| v != plan.row.version) {
            return Err(ApiError::precondition_failed());
        }
        let at = now();
        let mut step = PlanStep {
            status: next.as_str().to_string(),
            status_reason: None,
            submitted_at: None,
            approved_at: None,
            approved_by: None,
            superseded_by_id: None,
            version: plan.row.version + 1,
            updated_at: at,
        };
        match action {
            PlanAction::Submit => {
                step.submitted_at = Some(Some(at));
                step.status_reason = Some(None);
            }
            PlanAction::Reject => {
                step.status_reason = Some(reason.map(str::to_string));
            }
            PlanAction::Approve => {
                step.approved_at = Some(Some(at));
                step.approved_by = Some(Some(by.label()));
                step.status_reason = Some(None);
            }
            _ => {}
        }
        if repo::step_plan(conn, id, plan.row.version, &step)? == 0 {
            return Err(ApiError::precondition_failed());
        }
        audit::change(
            conn,
            by,
            "plan",
            id,
            action.as_str(),
            plan.row.issuing_facility_id,
            json!({ "status": [plan.status.as_str(), next.as_str()], "reason": reason }),
        )?;
        if action == PlanAction::Approve
            && let Some(previous) = plan.row.previous_version_id
        {
            supersede(conn, by, previous, &plan.row)?;
        }
        let plan = load(conn, id)?;
        view(conn, by, plan)
    })
}

/// Closes the version a newly approved one replaces.
fn supersede(
    conn: &mut AnyConn,
    by: &Principal,
    previous: i64,
    newer: &PlanRow,
) -> Result<(), ApiError> {
    let old = load(conn, previous)?;
    if !matches!(old.status, PlanStatus::Approved | PlanStatus::Active) {
        return Ok(());
    }
    let at = now();
    let step = PlanStep {
        status: PlanStatus::Closed.as_str().to_string(),
        status_reason: Some(Some(
            Message::SupersededBy(newer.version_number).text(Lang::Vi),
        )),
        submitted_at: None,
        approved_at: None,
        approved_by: None,
        superseded_by_id: Some(Some(newer.id)),
        version: old.row.version + 1,
        updated_at: at,
    };
    if repo::step_plan(conn, previous, old.row.version, &step)? == 0 {
        return Err(ApiError::precondition_failed());
    }
    audit::change(
        conn,
        by,
        "plan",
        previous,
        "supersede",
        old.row.issuing_facility_id,
        json!({ "status": [old.status.as_str(), "closed"], "superseded_by_id": newer.id }),
    )?;
    Ok(())
}

/// Starts a new version of an approved or active plan as a draft copy; the old version
/// stays as it is until the new one is approved.
pub fn revise(conn: &mut AnyConn, by: &Principal, id: i64, reason: &str) -> Result<Plan, ApiError> {
    write_tx(conn, |conn| {
        let plan = readable(conn, by, id)?;
        check(by, &plan, PlanAction::Revise)?;
        let versions = repo::series(conn, &plan.row.series_id)?;
        if let Some(open) = versions
            .iter()
            .find(|v| v.version_number > plan.row.version_number && v.superseded_by_id.is_none())
        {
            return Err(ApiError::conflict(Message::OpenVersionExists(
                open.version_number,
            )));
        }
        let (series_id, version_number, issuing_facility_id) = (
            plan.row.series_id.clone(),
            plan.row.version_number,
            plan.row.issuing_facility_id,
        );
        let input = view(conn, by, plan)?.to_input();
        let new = NewPlan {
            series_id,
            version_number: versions
                .iter()
                .map(|v| v.version_number)
                .max()
                .unwrap_or(version_number)
                + 1,
            previous_version_id: Some(id),
            status: PlanStatus::Draft.as_str().to_string(),
            status_reason: Some(reason.trim().to_string()),
            created_by: by.label(),
            created_at: now(),
        };
        let new_id = repo::insert_plan(conn, &new, &changes(&input, 1)?)?;
        let earlier = progress_by_title(repo::activities(conn, id)?);
        repo::replace_children(
            conn,
            new_id,
            &activity_rows(new_id, &input, &earlier)?,
            &indicator_rows(new_id, &input)?,
        )?;
        audit::change(
            conn,
            by,
            "plan",
            new_id,
            "revise",
            issuing_facility_id,
            json!({ "revises": id, "version_number": new.version_number, "reason": reason }),
        )?;
        let plan = load(conn, new_id)?;
        view(conn, by, plan)
    })
}

/// Every version of the plan, oldest first.
pub fn versions(conn: &mut AnyConn, by: &Principal, id: i64) -> Result<Vec<PlanSummary>, ApiError> {
    let plan = readable(conn, by, id)?;
    let rows = repo::series(conn, &plan.row.series_id)?;
    let refs = registry_repo::facility_refs(conn, &[plan.row.issuing_facility_id])?;
    rows.iter().map(|row| summary(row, &refs)).collect()
}

/// What version `id` changed against `against` (default: the version it revises).
pub fn diff(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    against: Option<i64>,
) -> Result<PlanDiff, ApiError> {
    let newer = readable(conn, by, id)?;
    let other_id = against
        .or(newer.row.previous_version_id)
        .ok_or_else(|| ApiError::field("against", Message::FirstVersion))?;
    let older = readable(conn, by, other_id)?;
    if older.row.series_id != newer.row.series_id {
        return Err(ApiError::field(
            "against",
            Message::VersionsOfDifferentPlans,
        ));
    }
    let (older, newer) = if older.row.version_number <= newer.row.version_number {
        (older, newer)
    } else {
        (newer, older)
    };
    let issuer = registry_repo::facility_refs(conn, &[older.row.issuing_facility_id])?;
    let (from, to) = (summary(&older.row, &issuer)?, summary(&newer.row, &issuer)?);
    let old_plan = view(conn, by, older)?;
    let new_plan = view(conn, by, newer)?;
    // Activities and targets name only supported facilities, which the views carry.
    let names: HashMap<i64, String> = old_plan
        .supported_facilities
        .iter()
        .chain(&new_plan.supported_facilities)
        .map(|f| (f.id, f.name.clone()))
        .collect();
    let name = |id: i64| names.get(&id).cloned().unwrap_or_else(|| format!("#{id}"));
    let changes = plan::diff::diff(&old_plan.to_input(), &new_plan.to_input(), &name);
    Ok(PlanDiff { from, to, changes })
}

// ---------------------------------------------------------------------------------
// Activities

fn activity_plan(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
) -> Result<(ActivityRow, Loaded), ApiError> {
    let activity = repo::find_activity(conn, id)?.ok_or_else(activity_not_found)?;
    let plan = load(conn, activity.plan_id)?;
    if !may_read(by, &plan.row, &plan.supported) {
        return Err(activity_not_found());
    }
    Ok((activity, plan))
}

fn activity_out(conn: &mut AnyConn, id: i64) -> Result<Activity, ApiError> {
    let row = repo::find_activity(conn, id)?.ok_or_else(activity_not_found)?;
    let facility_ids: Vec<i64> = from_json(&row.facility_ids, "activity facilities")?;
    let refs = registry_repo::facility_refs(conn, &facility_ids)?;
    let feedback = repo::feedback(conn, &[id])?;
    activity_view(&row, &refs, &feedback)
}

/// Records how far an activity of an approved or active plan has got (its planners).
pub fn activity_progress(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    version: Option<i64>,
    input: &ActivityProgressInput,
) -> Result<Activity, ApiError> {
    write_tx(conn, |conn| {
        let (activity, plan) = activity_plan(conn, by, id)?;
        authorize(
            by,
            Action::WritePlans {
                facility_id: plan.row.issuing_facility_id,
            },
        )?;
        if !matches!(plan.status, PlanStatus::Approved | PlanStatus::Active) {
            return Err(invalid_transition(Message::ProgressNeedsApprovedPlan(
                plan.status,
            )));
        }
        if version.is_some_and(|v| v != activity.version) {
            return Err(ApiError::precondition_failed());
        }
        let delivered_on = match input.status {
            ActivityStatus::Done => Some(
                input
                    .delivered_on
                    .unwrap_or_else(|| crate::db::now().date()),
            ),
            _ => None,
        };
        let note = input
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty());
        if repo::set_activity_progress(
            conn,
            id,
            activity.version,
            input.status.as_str(),
            note,
            delivered_on,
            now(),
        )? == 0
        {
            return Err(ApiError::precondition_failed());
        }
        audit::change(
            conn,
            by,
            "plan_activity",
            id,
            "progress",
            plan.row.issuing_facility_id,
            json!({ "status": [activity.status, input.status.as_str()], "note": note, "delivered_on": delivered_on }),
        )?;
        activity_out(conn, id)
    })
}

/// A station rates an activity that served it (one rating per facility; a new one
/// replaces it). Only once the activity has started.
pub fn activity_feedback(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    input: &ActivityFeedbackInput,
) -> Result<Activity, ApiError> {
    write_tx(conn, |conn| {
        let (activity, plan) = activity_plan(conn, by, id)?;
        authorize(
            by,
            Action::RequestSupport {
                facility_id: input.facility_id,
            },
        )?;
        let served: Vec<i64> = from_json(&activity.facility_ids, "activity facilities")?;
        if !served.contains(&input.facility_id) {
            return Err(ApiError::field(
                "facility_id",
                Message::ActivityNotForYourFacility,
            ));
        }
        let status: ActivityStatus = parse(&activity.status, "activity status")?;
        if !matches!(status, ActivityStatus::InProgress | ActivityStatus::Done) {
            return Err(invalid_transition(Message::ActivityNotStarted(status)));
        }
        let row = FeedbackRow {
            id: 0,
            activity_id: id,
            facility_id: input.facility_id,
            rating: input.rating,
            comment: input
                .comment
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_string),
            rated_by: by.label(),
            rated_at: now(),
        };
        repo::upsert_feedback(conn, &row)?;
        audit::change(
            conn,
            by,
            "plan_activity",
            id,
            "feedback",
            plan.row.issuing_facility_id,
            json!({ "facility_id": input.facility_id, "rating": input.rating, "comment": row.comment }),
        )?;
        activity_out(conn, id)
    })
}

// ---------------------------------------------------------------------------------
// Indicator values and the board

fn plan_period(plan: &Loaded, text: Option<&str>) -> Result<Period, ApiError> {
    let period = match text {
        Some(text) => text
            .parse::<Period>()
            .map_err(|_| ApiError::field("period", Message::InvalidPeriod))?,
        None => {
            let today = now().date();
            Period::quarter_of(today.clamp(plan.row.start_date, plan.row.end_date))
        }
    };
    match period.span(&plan.phases) {
        Some((from, to)) if from <= plan.row.end_date && to >= plan.row.start_date => Ok(period),
        Some(_) => Err(ApiError::field("period", Message::PeriodOutsidePlan)),
        None => Err(ApiError::field("period", Message::NoSuchPhase)),
    }
}

fn span(plan: &Loaded, period: Period) -> Result<(NaiveDate, NaiveDate), ApiError> {
    period
        .span(&plan.phases)
        .ok_or_else(|| ApiError::field("period", Message::NoSuchPhase))
}

/// The target of an indicator for a facility (or the network) in a period: the
/// facility's own, else the one for every facility.
fn target_for(targets: &[TargetInput], facility_id: Option<i64>, period: &str) -> Option<f64> {
    let find = |who: Option<i64>| {
        targets
            .iter()
            .find(|t| t.facility_id == who && t.period == period)
            .map(|t| t.value)
    };
    facility_id
        .and_then(|id| find(Some(id)))
        .or_else(|| find(None))
}

fn metric_value(metric: IndicatorMetric, figures: &Figures) -> Option<f64> {
    let count = |n: i64| Some(n as f64);
    match metric {
        IndicatorMetric::RotationDays => Some(figures.rotation_days),
        IndicatorMetric::ConsultationsHeld => count(figures.consultations_held),
        IndicatorMetric::ReferralsUp => count(figures.referrals_up),
        IndicatorMetric::BackReferrals => count(figures.back_referrals),
        IndicatorMetric::ReferralsAvoided => count(figures.referrals_avoided),
        IndicatorMetric::FollowUpsOnTime => figures.follow_ups_on_time_percent(),
        IndicatorMetric::ShareOfFacilities => None,
    }
}

/// The state of one facility's values for a period: the latest decision.
struct Decision {
    approved: bool,
    row: Option<ApprovalRow>,
    snapshot: BTreeMap<String, f64>,
}

/// Everything the board of a period is made of, loaded once.
struct BoardData {
    indicators: Vec<Indicator>,
    facilities: Vec<FacilityRef>,
    entered: HashMap<(String, i64), ValueRow>,
    decisions: HashMap<i64, Decision>,
    figures: HashMap<i64, Figures>,
}

fn board_data(conn: &mut AnyConn, plan: &Loaded, period: Period) -> Result<BoardData, ApiError> {
    let indicators: Vec<Indicator> = repo::indicators(conn, plan.row.id)?
        .iter()
        .map(indicator_view)
        .collect::<Result<_, _>>()?;
    let refs = registry_repo::facility_refs(conn, &plan.supported)?;
    let facilities: Vec<FacilityRef> = plan
        .supported
        .iter()
        .map(|id| facility(&refs, *id))
        .collect::<Result<_, _>>()?;
    let key = period.to_string();
    let entered = repo::values(conn, &plan.row.series_id, &key)?
        .into_iter()
        .map(|row| ((row.indicator_code.clone(), row.facility_id), row))
        .collect();
    let mut decisions = HashMap::new();
    for row in repo::approvals(conn, &plan.row.series_id, &key)? {
        let snapshot = match (&row.snapshot, row.approved) {
            (Some(text), true) => from_json(text, "approval snapshot")?,
            _ => BTreeMap::new(),
        };
        decisions.insert(
            row.facility_id,
            Decision {
                approved: row.approved,
                snapshot,
                row: Some(row),
            },
        );
    }
    let figures = if indicators
        .iter()
        .any(|i| i.source == IndicatorSource::Computed)
    {
        let (from, to) = span(plan, period)?;
        metrics::figures(conn, &plan.supported, from, to)?
    } else {
        HashMap::new()
    };
    Ok(BoardData {
        indicators,
        facilities,
        entered,
        decisions,
        figures,
    })
}

impl BoardData {
    fn approved(&self, facility_id: i64) -> bool {
        self.decisions.get(&facility_id).is_some_and(|d| d.approved)
    }

    /// The actual of a per-facility indicator: as locked at approval, else computed
    /// from the data, else the latest value the station entered.
    fn actual(&self, indicator: &Indicator, facility_id: i64) -> Option<f64> {
        if let Some(decision) = self.decisions.get(&facility_id).filter(|d| d.approved)
            && let Some(value) = decision.snapshot.get(&indicator.code)
        {
            return Some(*value);
        }
        match (indicator.source, indicator.metric) {
            (IndicatorSource::Computed, Some(metric)) => self
                .figures
                .get(&facility_id)
                .and_then(|figures| metric_value(metric, figures)),
            _ => self
                .entered
                .get(&(indicator.code.clone(), facility_id))
                .map(|row| row.value),
        }
    }

    /// The share of the plan's facilities whose basis value reaches the threshold.
    fn share(&self, indicator: &Indicator) -> Option<f64> {
        let basis = self
            .indicators
            .iter()
            .find(|i| Some(&i.code) == indicator.basis_code.as_ref())?;
        let threshold = indicator.threshold?;
        let meeting = self
            .facilities
            .iter()
            .filter(|f| self.actual(basis, f.id).is_some_and(|v| v >= threshold))
            .count();
        plan::share_percent(meeting, self.facilities.len())
    }

    fn rows(&self, period: &str, only: Option<i64>) -> Vec<BoardRow> {
        let mut rows = Vec::new();
        for indicator in &self.indicators {
            let row = |facility: Option<&FacilityRef>, actual: Option<f64>, approved: bool| {
                let target = target_for(&indicator.targets, facility.map(|f| f.id), period);
                let attainment = target.zip(actual).and_then(|(target, actual)| {
                    plan::attainment(indicator.kind, indicator.direction, target, actual)
                });
                let entered =
                    facility.and_then(|f| self.entered.get(&(indicator.code.clone(), f.id)));
                let entered = entered.filter(|_| indicator.source == IndicatorSource::Entered);
                BoardRow {
                    indicator_code: indicator.code.clone(),
                    indicator_name: indicator.name.clone(),
                    unit: indicator.unit.clone(),
                    kind: indicator.kind,
                    source: indicator.source,
                    facility: facility.cloned(),
                    target,
                    actual,
                    attainment,
                    light: attainment.map(TrafficLight::of),
                    approved,
                    reported_by: entered.map(|r| r.reported_by.clone()),
                    reported_at: entered.map(|r| utc(r.reported_at)),
                    note: entered.and_then(|r| r.note.clone()),
                }
            };
            if indicator
                .metric
                .is_some_and(IndicatorMetric::is_network_wide)
            {
                if only.is_none() {
                    let approved = self.facilities.iter().all(|f| self.approved(f.id));
                    rows.push(row(None, self.share(indicator), approved));
                }
                continue;
            }
            for facility in self
                .facilities
                .iter()
                .filter(|f| only.is_none_or(|id| id == f.id))
            {
                rows.push(row(
                    Some(facility),
                    self.actual(indicator, facility.id),
                    self.approved(facility.id),
                ));
            }
        }
        rows
    }

    fn approvals(&self, only: Option<i64>) -> Vec<PeriodApproval> {
        self.facilities
            .iter()
            .filter(|f| only.is_none_or(|id| id == f.id))
            .map(|f| {
                let decision = self.decisions.get(&f.id).and_then(|d| d.row.as_ref());
                PeriodApproval {
                    facility: f.clone(),
                    approved: self.approved(f.id),
                    by: decision.map(|d| d.decided_by.clone()),
                    at: decision.map(|d| utc(d.decided_at)),
                    reason: decision.and_then(|d| d.reason.clone()),
                }
            })
            .collect()
    }
}

fn board_of(
    conn: &mut AnyConn,
    plan: &Loaded,
    period: Period,
    only: Option<i64>,
) -> Result<IndicatorBoard, ApiError> {
    let data = board_data(conn, plan, period)?;
    let key = period.to_string();
    Ok(IndicatorBoard {
        plan_id: plan.row.id,
        period: key.clone(),
        period_label: period.label(Lang::Vi),
        rows: data.rows(&key, only),
        approvals: data.approvals(only),
    })
}

/// The indicators of a plan per facility for a period: target, actual, attainment.
pub fn board(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    query: &PeriodQuery,
) -> Result<IndicatorBoard, ApiError> {
    let plan = readable(conn, by, id)?;
    let period = plan_period(&plan, query.period.as_deref())?;
    if let Some(facility_id) = query.facility_id
        && !plan.supported.contains(&facility_id)
    {
        return Err(ApiError::field("facility_id", Message::FacilityNotInPlan));
    }
    board_of(conn, &plan, period, query.facility_id)
}

/// A plan whose values may be reported or decided now: approved or active.
fn values_open(plan: &Loaded) -> Result<(), ApiError> {
    if matches!(plan.status, PlanStatus::Approved | PlanStatus::Active) {
        Ok(())
    } else {
        Err(invalid_transition(Message::FiguresNeedApprovedPlan(
            plan.status,
        )))
    }
}

/// A station reports its values of entered indicators for a period; refused once the
/// centre has approved (locked) them. Every report is kept.
pub fn enter_values(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    input: &ValuesInput,
) -> Result<IndicatorBoard, ApiError> {
    write_tx(conn, |conn| {
        let plan = readable(conn, by, id)?;
        authorize(
            by,
            Action::EnterIndicatorValues {
                facility_id: input.facility_id,
            },
        )?;
        if !plan.supported.contains(&input.facility_id) {
            return Err(ApiError::field("facility_id", Message::FacilityNotInPlan));
        }
        values_open(&plan)?;
        let period = plan_period(&plan, Some(&input.period))?;
        let data = board_data(conn, &plan, period)?;
        if data.approved(input.facility_id) {
            return Err(ApiError::conflict(Message::FiguresLocked(period)));
        }
        for (i, value) in input.values.iter().enumerate() {
            let indicator = data
                .indicators
                .iter()
                .find(|x| x.code == value.indicator_code);
            let field = format!("values[{i}].indicator_code");
            let Some(indicator) = indicator else {
                return Err(ApiError::field(&field, Message::NoSuchIndicator));
            };
            if indicator.source == IndicatorSource::Computed {
                return Err(ApiError::field(&field, Message::ComputedIndicator));
            }
            let valid = match indicator.kind {
                IndicatorKind::YesNo => value.value == 0.0 || value.value == 1.0,
                IndicatorKind::Percentage => value.value <= 100.0,
                IndicatorKind::Count => true,
            };
            if !valid {
                return Err(ApiError::field(
                    &format!("values[{i}].value"),
                    match indicator.kind {
                        IndicatorKind::YesNo => Message::YesNoValue,
                        _ => Message::PercentValue,
                    },
                ));
            }
        }
        let at = now();
        for value in &input.values {
            let row = ValueRow {
                id: 0,
                series_id: plan.row.series_id.clone(),
                indicator_code: value.indicator_code.clone(),
                facility_id: input.facility_id,
                period: period.to_string(),
                value: value.value,
                note: value
                    .note
                    .as_deref()
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map(str::to_string),
                reported_by: by.label(),
                reported_at: at,
            };
            repo::insert_value(conn, &row)?;
        }
        audit::change(
            conn,
            by,
            "indicator_value",
            id,
            "report",
            input.facility_id,
            audit::snapshot(input),
        )?;
        board_of(conn, &plan, period, Some(input.facility_id))
    })
}

/// Every value ever reported for an indicator, facility and period.
pub fn value_history(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    query: &ValueHistoryQuery,
) -> Result<Vec<ValueEntry>, ApiError> {
    let plan = readable(conn, by, id)?;
    if !allowed(
        by,
        Action::ReadPlan {
            facility_id: query.facility_id,
        },
    ) {
        return Err(ApiError::forbidden());
    }
    let period = plan_period(&plan, Some(&query.period))?;
    Ok(repo::value_history(
        conn,
        &plan.row.series_id,
        &query.indicator_code,
        query.facility_id,
        &period.to_string(),
    )?
    .into_iter()
    .map(|row| ValueEntry {
        value: row.value,
        note: row.note,
        reported_by: row.reported_by,
        reported_at: utc(row.reported_at),
    })
    .collect())
}

/// The centre approves a facility's values for a period (they are locked as they are
/// now, computed ones included), or un-approves them with a reason.
pub fn decide_values(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    input: &PeriodApprovalInput,
    approve: bool,
) -> Result<IndicatorBoard, ApiError> {
    write_tx(conn, |conn| {
        let plan = readable(conn, by, id)?;
        authorize(
            by,
            Action::ApproveIndicatorValues {
                facility_id: plan.row.issuing_facility_id,
            },
        )?;
        if !plan.supported.contains(&input.facility_id) {
            return Err(ApiError::field("facility_id", Message::FacilityNotInPlan));
        }
        values_open(&plan)?;
        let reason = input
            .reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty());
        if !approve && reason.is_none() {
            return Err(ApiError::field("reason", Message::WithdrawalReasonRequired));
        }
        let period = plan_period(&plan, Some(&input.period))?;
        let data = board_data(conn, &plan, period)?;
        if data.approved(input.facility_id) == approve {
            return Err(invalid_transition(if approve {
                Message::FiguresAlreadyApproved
            } else {
                Message::FiguresNotApproved
            }));
        }
        let snapshot = if approve {
            let values: BTreeMap<String, f64> = data
                .indicators
                .iter()
                .filter(|i| !i.metric.is_some_and(IndicatorMetric::is_network_wide))
                .filter_map(|i| {
                    data.actual(i, input.facility_id)
                        .map(|v| (i.code.clone(), v))
                })
                .collect();
            Some(json_text(&values)?)
        } else {
            None
        };
        let row = ApprovalRow {
            id: 0,
            series_id: plan.row.series_id.clone(),
            facility_id: input.facility_id,
            period: period.to_string(),
            approved: approve,
            reason: reason.map(str::to_string),
            snapshot: snapshot.clone(),
            decided_by: by.label(),
            decided_at: now(),
        };
        repo::insert_approval(conn, &row)?;
        audit::change(
            conn,
            by,
            "value_approval",
            id,
            if approve { "approve" } else { "unapprove" },
            input.facility_id,
            json!({ "period": row.period, "reason": reason, "values": snapshot }),
        )?;
        board_of(conn, &plan, period, None)
    })
}

// ---------------------------------------------------------------------------------
// Evaluations

fn evaluation_view(
    by: &Principal,
    plan: &Loaded,
    row: repo::EvaluationRow,
) -> Result<shared::plan::Evaluation, ApiError> {
    let status: EvaluationStatus = parse(&row.status, "evaluation status")?;
    let period: Period = parse(&row.period, "evaluation period")?;
    let draft = status == EvaluationStatus::Draft;
    Ok(shared::plan::Evaluation {
        id: row.id,
        plan_id: row.plan_id,
        kind: parse(&row.kind, "evaluation kind")?,
        period: row.period.clone(),
        period_label: period.label(Lang::Vi),
        status,
        summary: row.summary,
        rows: from_json(&row.rows, "evaluation rows")?,
        created_by: row.created_by,
        created_at: utc(row.created_at),
        approved_by: row.approved_by,
        approved_at: row.approved_at.map(utc),
        version: row.version,
        may_edit: draft
            && allowed(
                by,
                Action::WritePlans {
                    facility_id: plan.row.issuing_facility_id,
                },
            ),
        may_approve: draft
            && allowed(
                by,
                Action::ApprovePlans {
                    facility_id: plan.row.issuing_facility_id,
                    network: plan.row.network,
                },
            ),
    })
}

/// A first assessment in words of a line, edited by the planners afterwards.
fn narrative(row: &BoardRow) -> String {
    match (row.target, row.actual, row.attainment, row.light) {
        (None, _, _, _) => Message::NoTarget.text(Lang::Vi),
        (Some(_), None, _, _) => Message::NoFigures.text(Lang::Vi),
        (Some(_), Some(_), Some(percent), Some(light)) => {
            Message::Attained(light, percent).text(Lang::Vi)
        }
        _ => Message::NoAttainment.text(Lang::Vi),
    }
}

/// The evaluations of a plan.
pub fn list_evaluations(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
) -> Result<Vec<shared::plan::Evaluation>, ApiError> {
    let plan = readable(conn, by, id)?;
    repo::plan_evaluations(conn, id)?
        .into_iter()
        .map(|row| evaluation_view(by, &plan, row))
        .collect()
}

/// Generates a mid-year or year-end evaluation from the data, as a draft.
pub fn create_evaluation(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    input: &EvaluationCreate,
) -> Result<shared::plan::Evaluation, ApiError> {
    write_tx(conn, |conn| {
        let plan = readable(conn, by, id)?;
        authorize(
            by,
            Action::WritePlans {
                facility_id: plan.row.issuing_facility_id,
            },
        )?;
        if plan.status == PlanStatus::Draft || plan.status == PlanStatus::Submitted {
            return Err(invalid_transition(Message::EvaluateApprovedOnly));
        }
        let period = input.kind.period(input.year);
        let key = period.to_string();
        let period = plan_period(&plan, Some(&key))
            .map_err(|_| ApiError::field("year", Message::EvaluationYearOutsidePlan))?;
        let board = board_of(conn, &plan, period, None)?;
        let rows: Vec<shared::plan::EvaluationRow> = board
            .rows
            .iter()
            .map(|row| shared::plan::EvaluationRow {
                indicator_code: row.indicator_code.clone(),
                indicator_name: row.indicator_name.clone(),
                unit: row.unit.clone(),
                facility: row.facility.clone(),
                target: row.target,
                actual: row.actual,
                attainment: row.attainment,
                light: row.light,
                narrative: narrative(row),
                adjustment: String::new(),
            })
            .collect();
        let at = now();
        let new = NewEvaluation {
            plan_id: id,
            kind: input.kind.as_str().to_string(),
            period: key,
            status: EvaluationStatus::Draft.as_str().to_string(),
            summary: String::new(),
            rows: json_text(&rows)?,
            created_by: by.label(),
            created_at: at,
            updated_at: at,
        };
        let evaluation_id = repo::insert_evaluation(conn, &new)?;
        audit::change(
            conn,
            by,
            "evaluation",
            evaluation_id,
            "create",
            plan.row.issuing_facility_id,
            json!({ "plan_id": id, "kind": input.kind.as_str(), "period": new.period, "lines": rows.len() }),
        )?;
        let row = repo::find_evaluation(conn, evaluation_id)?.ok_or_else(evaluation_not_found)?;
        evaluation_view(by, &plan, row)
    })
}

fn evaluation_and_plan(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
) -> Result<(repo::EvaluationRow, Loaded), ApiError> {
    let row = repo::find_evaluation(conn, id)?.ok_or_else(evaluation_not_found)?;
    let plan = load(conn, row.plan_id)?;
    if !may_read(by, &plan.row, &plan.supported) {
        return Err(evaluation_not_found());
    }
    Ok((row, plan))
}

/// One evaluation.
pub fn get_evaluation(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
) -> Result<shared::plan::Evaluation, ApiError> {
    let (row, plan) = evaluation_and_plan(conn, by, id)?;
    evaluation_view(by, &plan, row)
}

/// Edits a draft evaluation's summary and lines (the planners, `If-Match`).
pub fn update_evaluation(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    version: i64,
    input: &EvaluationUpdate,
) -> Result<shared::plan::Evaluation, ApiError> {
    write_tx(conn, |conn| {
        let (row, plan) = evaluation_and_plan(conn, by, id)?;
        authorize(
            by,
            Action::WritePlans {
                facility_id: plan.row.issuing_facility_id,
            },
        )?;
        if row.status != EvaluationStatus::Draft.as_str() {
            return Err(invalid_transition(Message::EvaluationReadOnly));
        }
        if row.version != version {
            return Err(ApiError::precondition_failed());
        }
        let mut lines: Vec<shared::plan::EvaluationRow> = from_json(&row.rows, "evaluation rows")?;
        for (i, edit) in input.rows.iter().enumerate() {
            let line = lines.iter_mut().find(|line| {
                line.indicator_code == edit.indicator_code
                    && line.facility.as_ref().map(|f| f.id) == edit.facility_id
            });
            let Some(line) = line else {
                return Err(ApiError::field(
                    &format!("rows[{i}]"),
                    Message::NoSuchEvaluationRow,
                ));
            };
            line.narrative = edit.narrative.trim().to_string();
            line.adjustment = edit.adjustment.trim().to_string();
        }
        if repo::update_evaluation(
            conn,
            id,
            version,
            input.summary.trim(),
            &json_text(&lines)?,
            now(),
        )? == 0
        {
            return Err(ApiError::precondition_failed());
        }
        audit::change(
            conn,
            by,
            "evaluation",
            id,
            "update",
            plan.row.issuing_facility_id,
            audit::snapshot(input),
        )?;
        let row = repo::find_evaluation(conn, id)?.ok_or_else(evaluation_not_found)?;
        evaluation_view(by, &plan, row)
    })
}

/// Approves an evaluation (whoever approves the plan).
pub fn approve_evaluation(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    version: Option<i64>,
) -> Result<shared::plan::Evaluation, ApiError> {
    write_tx(conn, |conn| {
        let (row, plan) = evaluation_and_plan(conn, by, id)?;
        authorize(
            by,
            Action::ApprovePlans {
                facility_id: plan.row.issuing_facility_id,
                network: plan.row.network,
            },
        )?;
        if row.status != EvaluationStatus::Draft.as_str() {
            return Err(invalid_transition(Message::EvaluationApproved));
        }
        if version.is_some_and(|v| v != row.version) {
            return Err(ApiError::precondition_failed());
        }
        if repo::approve_evaluation(conn, id, row.version, &by.label(), now())? == 0 {
            return Err(ApiError::precondition_failed());
        }
        audit::change(
            conn,
            by,
            "evaluation",
            id,
            "approve",
            plan.row.issuing_facility_id,
            json!({ "status": ["draft", "approved"] }),
        )?;
        let row = repo::find_evaluation(conn, id)?.ok_or_else(evaluation_not_found)?;
        evaluation_view(by, &plan, row)
    })
}

// ---------------------------------------------------------------------------------
// The report

/// The periodic report of a plan to the Department of Health.
pub fn report(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    query: &PeriodQuery,
) -> Result<PlanReport, ApiError> {
    let plan = readable(conn, by, id)?;
    let period = plan_period(&plan, query.period.as_deref())?;
    let (from, to) = span(&plan, period)?;
    let activities = repo::activities(conn, id)?;
    let activity_ids: Vec<i64> = activities.iter().map(|a| a.id).collect();
    let feedback = repo::feedback(conn, &activity_ids)?;
    let mut ids = vec![plan.row.issuing_facility_id];
    ids.extend(&plan.supported);
    let refs = registry_repo::facility_refs(conn, &ids)?;
    let figures = metrics::figures(conn, &plan.supported, from, to)?;
    let mut report_activities = Vec::new();
    let mut done_per_station: HashMap<i64, i64> = HashMap::new();
    for activity in activities
        .iter()
        .filter(|a| a.start_date <= to && a.end_date >= from)
    {
        let status: ActivityStatus = parse(&activity.status, "activity status")?;
        let served: Vec<i64> = from_json(&activity.facility_ids, "activity facilities")?;
        if status == ActivityStatus::Done
            && activity.delivered_on.is_some_and(|d| d >= from && d <= to)
        {
            for station in &served {
                *done_per_station.entry(*station).or_default() += 1;
            }
        }
        let ratings: Vec<f64> = feedback
            .iter()
            .filter(|f| f.activity_id == activity.id)
            .map(|f| f64::from(f.rating))
            .collect();
        report_activities.push(ReportActivity {
            group: activity.group_title.clone(),
            title: activity.title.clone(),
            kind: parse::<ActivityKind>(&activity.kind, "activity kind")?,
            responsible_unit: activity.responsible_unit.clone(),
            facilities: served
                .iter()
                .filter_map(|id| refs.get(id).map(|f| f.name.clone()))
                .collect(),
            status,
            delivered_on: activity.delivered_on,
            average_rating: (!ratings.is_empty()).then(|| {
                (ratings.iter().sum::<f64>() / ratings.len() as f64 * 10.0).round() / 10.0
            }),
        });
    }
    let stations = plan
        .supported
        .iter()
        .map(|station| {
            let f = figures.get(station).copied().unwrap_or_default();
            Ok(StationFigures {
                facility: facility(&refs, *station)?,
                rotation_days: f.rotation_days,
                rotation_absences: f.rotation_absences,
                consultations_held: f.consultations_held,
                referrals_up: f.referrals_up,
                back_referrals: f.back_referrals,
                referrals_avoided: f.referrals_avoided,
                follow_ups_due: f.follow_ups_due,
                follow_ups_on_time: f.follow_ups_on_time,
                activities_done: done_per_station.get(station).copied().unwrap_or(0),
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let board = board_of(conn, &plan, period, None)?;
    Ok(PlanReport {
        plan: summary(&plan.row, &refs)?,
        period: period.to_string(),
        period_label: period.label(Lang::Vi),
        from,
        to,
        generated_at: chrono::Utc::now(),
        activities: report_activities,
        stations,
        indicators: board.rows,
    })
}

// ---------------------------------------------------------------------------------
// Support requests

fn support_view(conn: &mut AnyConn, row: SupportRow) -> Result<SupportRequest, ApiError> {
    let station = registry_repo::facility_ref(conn, row.station_id)?;
    let activity = match row.activity_id {
        Some(id) => repo::find_activity(conn, id)?.map(|a| ActivityRef {
            id: a.id,
            plan_id: a.plan_id,
            title: a.title,
        }),
        None => None,
    };
    Ok(SupportRequest {
        id: row.id,
        station,
        topic: row.topic,
        specialty: row.specialty,
        urgency: parse::<SupportUrgency>(&row.urgency, "support urgency")?,
        details: row.details,
        status: parse(&row.status, "support status")?,
        activity,
        decline_reason: row.decline_reason,
        created_by: row.created_by,
        created_at: utc(row.created_at),
        answered_by: row.answered_by,
        version: row.version,
    })
}

/// A station asks the centre above it for support. Accepts an idempotency key.
pub fn create_support(
    conn: &mut AnyConn,
    by: &Principal,
    key: Option<&str>,
    input: &SupportRequestInput,
) -> Result<SupportRequest, ApiError> {
    authorize(
        by,
        Action::RequestSupport {
            facility_id: input.station_id,
        },
    )?;
    crate::idempotency::once(conn, by, key, "POST /support-requests", input, |conn| {
        let new = NewSupport {
            station_id: input.station_id,
            topic: input.topic.trim().to_string(),
            specialty: input.specialty.clone(),
            urgency: input.urgency.as_str().to_string(),
            details: input.details.trim().to_string(),
            status: SupportRequestStatus::Open.as_str().to_string(),
            created_by: by.label(),
            created_at: now(),
        };
        let id = repo::insert_support(conn, &new)?;
        audit::change(
            conn,
            by,
            "support_request",
            id,
            "create",
            input.station_id,
            audit::snapshot(input),
        )?;
        let row = repo::find_support(conn, id)?.ok_or_else(support_not_found)?;
        support_view(conn, row)
    })
}

/// The support requests of the stations the principal sees, newest first.
pub fn list_support(
    conn: &mut AnyConn,
    by: &Principal,
    query: &SupportRequestQuery,
) -> Result<Page<SupportRequest>, ApiError> {
    authorize(
        by,
        Action::ReadPlan {
            facility_id: by.facility_id,
        },
    )?;
    let stations = match (query.station_id, by.scope.ids()) {
        (Some(id), _) if !allowed(by, Action::ReadPlan { facility_id: id }) => {
            return Err(ApiError::forbidden());
        }
        (Some(id), _) => Some(vec![id]),
        (None, ids) => ids,
    };
    let limit = clamp_limit(query.limit);
    let rows = repo::list_support(
        conn,
        stations.as_deref(),
        query.status.map(|s| s.as_str()),
        parse_cursor(query.cursor.as_deref())?,
        limit + 1,
    )?;
    let items = rows
        .into_iter()
        .map(|row| support_view(conn, row))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(page_of(items, limit, |r| r.id))
}

/// The planning office accepts a request into an activity of one of its plans that
/// serves the station, or declines it with a reason.
pub fn answer_support(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    version: Option<i64>,
    accept: Option<&SupportAcceptInput>,
    reason: Option<&str>,
) -> Result<SupportRequest, ApiError> {
    write_tx(conn, |conn| {
        let row = repo::find_support(conn, id)?.ok_or_else(support_not_found)?;
        if !allowed(
            by,
            Action::ReadPlan {
                facility_id: row.station_id,
            },
        ) {
            return Err(support_not_found());
        }
        authorize(
            by,
            Action::HandleSupportRequests {
                station_id: row.station_id,
            },
        )?;
        if row.status != SupportRequestStatus::Open.as_str() {
            return Err(invalid_transition(Message::SupportRequestHandled));
        }
        if version.is_some_and(|v| v != row.version) {
            return Err(ApiError::precondition_failed());
        }
        let activity_id = match accept {
            Some(input) => {
                let (activity, plan) = activity_plan(conn, by, input.activity_id)
                    .map_err(|_| ApiError::field("activity_id", Record::PlanActivity))?;
                authorize(
                    by,
                    Action::WritePlans {
                        facility_id: plan.row.issuing_facility_id,
                    },
                )?;
                let served: Vec<i64> = from_json(&activity.facility_ids, "activity facilities")?;
                if !served.contains(&row.station_id) {
                    return Err(ApiError::field(
                        "activity_id",
                        Message::ActivityNotForStation,
                    ));
                }
                if matches!(plan.status, PlanStatus::Closed) {
                    return Err(ApiError::field("activity_id", Message::PlanClosed));
                }
                Some(activity.id)
            }
            None => None,
        };
        let status = if accept.is_some() {
            SupportRequestStatus::Accepted
        } else {
            SupportRequestStatus::Declined
        };
        if repo::answer_support(
            conn,
            id,
            row.version,
            status.as_str(),
            activity_id,
            reason,
            &by.label(),
            now(),
        )? == 0
        {
            return Err(ApiError::precondition_failed());
        }
        audit::change(
            conn,
            by,
            "support_request",
            id,
            if accept.is_some() {
                "accept"
            } else {
                "decline"
            },
            row.station_id,
            json!({ "status": ["open", status.as_str()], "activity_id": activity_id, "reason": reason }),
        )?;
        let row = repo::find_support(conn, id)?.ok_or_else(support_not_found)?;
        support_view(conn, row)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_facility_target_wins_over_the_target_for_everyone() {
        let targets = vec![
            TargetInput {
                facility_id: None,
                period: "2026-Q1".into(),
                value: 10.0,
            },
            TargetInput {
                facility_id: Some(7),
                period: "2026-Q1".into(),
                value: 4.0,
            },
        ];
        assert_eq!(target_for(&targets, Some(7), "2026-Q1"), Some(4.0));
        assert_eq!(target_for(&targets, Some(8), "2026-Q1"), Some(10.0));
        assert_eq!(target_for(&targets, None, "2026-Q1"), Some(10.0));
        assert_eq!(target_for(&targets, Some(7), "2026-Q2"), None);
    }

    #[test]
    fn narratives_say_what_the_numbers_say() {
        let row = BoardRow {
            indicator_code: "CT01".into(),
            indicator_name: "Ngày luân phiên".into(),
            unit: "ngày".into(),
            kind: IndicatorKind::Count,
            source: IndicatorSource::Computed,
            facility: None,
            target: Some(24.0),
            actual: Some(18.0),
            attainment: Some(75.0),
            light: Some(TrafficLight::Red),
            approved: false,
            reported_by: None,
            reported_at: None,
            note: None,
        };
        assert_eq!(narrative(&row), "Chưa đạt: đạt 75% chỉ tiêu.");
        let no_target = BoardRow {
            target: None,
            ..row.clone()
        };
        assert_eq!(narrative(&no_target), "Chưa giao chỉ tiêu cho kỳ này.");
    }
}
