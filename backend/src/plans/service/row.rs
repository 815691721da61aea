//! A plan row, parsed, and its view.

use super::*;

/// A plan version with its JSON columns read.
#[derive(Clone)]
pub(super) struct Loaded {
    pub(super) row: PlanRow,
    pub(super) status: PlanStatus,
    pub(super) phases: Vec<PlanPhase>,
    pub(super) supported: Vec<i64>,
}

pub(super) fn load(conn: &mut AnyConn, id: i64) -> Result<Loaded, ApiError> {
    let row = repo::find_plan(conn, id)?.ok_or_else(plan_not_found)?;
    loaded(row)
}

pub(super) fn loaded(row: PlanRow) -> Result<Loaded, ApiError> {
    Ok(Loaded {
        status: row.status.0,
        phases: from_json(&row.phases, "plan phases")?,
        supported: from_json(&row.supported_facility_ids, "supported facilities")?,
        row,
    })
}

/// Whether the principal may read the plan: it concerns a facility it sees.
pub(super) fn may_read(by: &Principal, row: &PlanRow, supported: &[i64]) -> bool {
    std::iter::once(row.issuing_facility_id)
        .chain(supported.iter().copied())
        .any(|facility_id| allowed(by, Action::ReadPlan { facility_id }))
}

/// A plan the principal may read (404 for one it may not: its existence is not told).
pub(super) fn readable(conn: &mut AnyConn, by: &Principal, id: i64) -> Result<Loaded, ApiError> {
    let plan = load(conn, id)?;
    if may_read(by, &plan.row, &plan.supported) {
        Ok(plan)
    } else {
        Err(plan_not_found())
    }
}

/// The sides the principal takes on a plan: its author, its approver, both or neither.
pub(super) fn sides(by: &Principal, row: &PlanRow) -> Vec<PlanSide> {
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

pub(super) fn allowed_actions(by: &Principal, plan: &Loaded) -> Vec<PlanAction> {
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
pub(super) fn check(
    by: &Principal,
    plan: &Loaded,
    action: PlanAction,
) -> Result<PlanStatus, ApiError> {
    let mut refusal = None;
    for side in sides(by, &plan.row) {
        match plan::transition(plan.status, action, side) {
            Ok(next) => return Ok(next),
            Err(error) => refusal = Some(error),
        }
    }
    match refusal {
        Some(error @ PlanError::NotFromStatus { .. }) => {
            Err(invalid_transition(Message::localised(|lang| {
                error.message(lang)
            })))
        }
        _ => Err(ApiError::forbidden()),
    }
}

pub(super) fn summary(
    row: &PlanRow,
    refs: &HashMap<i64, FacilityRef>,
) -> Result<PlanSummary, ApiError> {
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
        status: row.status.0,
        superseded_by_id: row.superseded_by_id,
        updated_at: utc(row.updated_at),
    })
}

pub(super) fn facility(refs: &HashMap<i64, FacilityRef>, id: i64) -> Result<FacilityRef, ApiError> {
    refs.get(&id)
        .cloned()
        .ok_or_else(|| ApiError::internal(format!("facility {id} missing")))
}

pub(super) fn activity_view(
    row: &ActivityRow,
    refs: &HashMap<i64, FacilityRef>,
    feedback: &[FeedbackRow],
) -> Result<Activity, ApiError> {
    let facility_ids: Vec<i64> = from_json(&row.facility_ids, "activity facilities")?;
    Ok(Activity {
        id: row.id,
        title: row.title.clone(),
        kind: row.kind.0,
        responsible_department_id: row.responsible_department_id,
        responsible_unit: row.responsible_unit.clone(),
        facilities: facility_ids
            .iter()
            .map(|id| facility(refs, *id))
            .collect::<Result<_, _>>()?,
        start_date: row.start_date,
        end_date: row.end_date,
        description: row.description.clone(),
        status: row.status.0,
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

pub(super) fn indicator_view(row: &IndicatorRow) -> Result<Indicator, ApiError> {
    Ok(Indicator {
        id: row.id,
        code: row.code.clone(),
        name: row.name.clone(),
        unit: row.unit.clone(),
        kind: row.kind.0,
        direction: row.direction.0,
        source: row.source.0,
        metric: row.metric.map(|metric| metric.0),
        basis_code: row.basis_code.clone(),
        threshold: row.threshold,
        targets: from_json(&row.targets, "indicator targets")?,
    })
}

pub(super) fn view(conn: &mut AnyConn, by: &Principal, plan: Loaded) -> Result<Plan, ApiError> {
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
