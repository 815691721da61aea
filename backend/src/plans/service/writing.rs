//! Writing plans: create, edit, step through the state machine, new versions.

use super::*;
use crate::workflow::{self, StepRecord, Stepped, Stepping};
use chrono::NaiveDateTime;
use shared::Lang;
use shared::plan::{PlanSide, Plans};

/// Checks what the derive cannot: facilities and departments exist and belong, and the
/// supported facilities are within the author's scope (a plan that names a facility
/// makes its computed indicators readable to the plan's readers).
pub(super) fn check_input(
    conn: &mut AnyConn,
    by: &Principal,
    input: &PlanInput,
) -> Result<(), ApiError> {
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
    let listed = |keep: &dyn Fn(i64) -> bool| -> Vec<String> {
        let ids = input.supported_facility_ids.iter().copied();
        ids.filter(|id| keep(*id))
            .map(|id| id.to_string())
            .collect()
    };
    let unknown = listed(&|id| !refs.contains_key(&id));
    if !unknown.is_empty() {
        return Err(ApiError::field(
            "supported_facility_ids",
            Message::UnknownFacilities(unknown.join(", ")),
        ));
    }
    let outside = listed(&|id| !by.scope.contains(id));
    if !outside.is_empty() {
        return Err(ApiError::field_reference(
            "supported_facility_ids",
            Message::FacilitiesOutsideScope(outside.join(", ")),
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

pub(super) fn changes(input: &PlanInput, version: i64) -> Result<PlanChanges, ApiError> {
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
pub(super) fn activity_rows(
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
                kind: DbEnum(activity.kind),
                responsible_department_id: activity.responsible_department_id,
                responsible_unit: activity.responsible_unit.trim().to_string(),
                facility_ids: json_text(&activity.facility_ids)?,
                start_date: activity.start_date,
                end_date: activity.end_date,
                description: activity.description.trim().to_string(),
                status: earlier.map_or(DbEnum(ActivityStatus::Planned), |row| row.status),
                progress_note: earlier.and_then(|row| row.progress_note.clone()),
                delivered_on: earlier.and_then(|row| row.delivered_on),
                updated_at: at,
            });
        }
    }
    Ok(rows)
}

pub(super) fn indicator_rows(
    plan_id: i64,
    input: &PlanInput,
) -> Result<Vec<NewIndicator>, ApiError> {
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
                kind: DbEnum(indicator.kind),
                direction: DbEnum(indicator.direction),
                source: DbEnum(indicator.source),
                metric: indicator.metric.map(DbEnum),
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
    let create = |conn: &mut AnyConn| {
        check_input(conn, by, input)?;
        let new = NewPlan {
            series_id: uuid::Uuid::new_v4().to_string(),
            version_number: 1,
            previous_version_id: None,
            status: DbEnum(PlanStatus::Draft),
            status_reason: None,
            created_by: by.label(),
            created_at: now(),
        };
        let id = repo::insert_plan(conn, &new, &changes(input, 1)?)?;
        repo::replace_plan_facilities(conn, id, &input.supported_facility_ids)?;
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
    };
    crate::idempotency::once_record(
        conn,
        by,
        key,
        ("POST /plans", "/api/v1/plans"),
        input,
        create,
        |conn, id| get_plan(conn, by, id),
    )
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
    let filter = repo::PlanFilter {
        status: query.status,
        include_superseded: query.include_superseded,
        before: parse_cursor(query.cursor.as_deref())?,
        facility_id: query.facility_id,
        within: by.scope.ids(),
    };
    // The reader's scope is what `may_read` checks: issuer or a supported facility in it.
    let visible = repo::list_plans(conn, &filter, limit + 1)?;
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
        check_input(conn, by, input)?;
        let issuing_facility_id = plan.row.issuing_facility_id;
        let before = view(conn, by, plan)?.to_input();
        if repo::update_plan(conn, id, version, &changes(input, version + 1)?)? == 0 {
            return Err(ApiError::precondition_failed());
        }
        repo::replace_plan_facilities(conn, id, &input.supported_facility_ids)?;
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

pub(super) fn progress_by_title(rows: Vec<ActivityRow>) -> HashMap<(String, String), ActivityRow> {
    rows.into_iter()
        .map(|row| ((row.group_title.clone(), row.title.clone()), row))
        .collect()
}

/// A plan as the step helper sees it: the version the caller may read, and the sides
/// they take on it (author, approver, or both).
pub(super) struct PlanSteps;

/// What a plan step records besides its status: a reason, when it was submitted, who
/// approved it and when (`Some(None)` empties a column).
#[derive(Debug, Clone, Default)]
pub(super) struct PlanMarks {
    status_reason: Option<Option<String>>,
    submitted_at: Option<Option<NaiveDateTime>>,
    approved_at: Option<Option<NaiveDateTime>>,
    approved_by: Option<Option<String>>,
}

impl StepRecord for PlanSteps {
    type Flow = Plans;
    type Row = Loaded;
    type Actor = PlanSide;
    /// The action and, for a rejection, its reason.
    type Input = (PlanAction, Option<String>);
    type Change = PlanMarks;
    type Answer = Plan;

    fn load(conn: &mut AnyConn, by: &Principal, id: i64) -> Result<Loaded, ApiError> {
        readable(conn, by, id)
    }

    fn status(plan: &Loaded) -> PlanStatus {
        plan.status
    }

    fn version(plan: &Loaded) -> i64 {
        plan.row.version
    }

    fn sides(_: &mut AnyConn, by: &Principal, plan: &Loaded) -> Result<Vec<PlanSide>, ApiError> {
        Ok(sides(by, &plan.row))
    }

    // Who may not act learns only that (403); a wrong status says which.
    fn refused(refusal: PlanError, _: Lang) -> ApiError {
        match refusal {
            PlanError::NotFromStatus { .. } => {
                invalid_transition(Message::localised(move |lang| refusal.message(lang)))
            }
            _ => ApiError::forbidden(),
        }
    }

    fn action((action, _): &Self::Input) -> PlanAction {
        *action
    }

    // A submission or an approval clears the last rejection's reason.
    fn rules(_: &mut AnyConn, s: &Stepping<'_, Self>) -> Result<PlanMarks, ApiError> {
        let (_, reason) = s.input;
        Ok(match s.action {
            PlanAction::Submit => PlanMarks {
                submitted_at: Some(Some(s.at)),
                status_reason: Some(None),
                ..PlanMarks::default()
            },
            PlanAction::Reject => PlanMarks {
                status_reason: Some(reason.clone()),
                ..PlanMarks::default()
            },
            PlanAction::Approve => PlanMarks {
                approved_at: Some(Some(s.at)),
                approved_by: Some(Some(s.by.label())),
                status_reason: Some(None),
                ..PlanMarks::default()
            },
            _ => PlanMarks::default(),
        })
    }

    fn apply(
        conn: &mut AnyConn,
        s: &Stepping<'_, Self>,
        marks: &PlanMarks,
    ) -> Result<usize, ApiError> {
        let marks = marks.clone();
        let step = PlanStep {
            status: DbEnum(s.to),
            status_reason: marks.status_reason,
            submitted_at: marks.submitted_at,
            approved_at: marks.approved_at,
            approved_by: marks.approved_by,
            superseded_by_id: None,
            version: s.before.row.version + 1,
            updated_at: s.at,
        };
        Ok(repo::step_plan(conn, s.id, s.before.row.version, &step)?)
    }

    fn audit(conn: &mut AnyConn, done: &Stepped<'_, Self>) -> Result<(), ApiError> {
        let s = &done.step;
        let (_, reason) = s.input;
        audit::change(
            conn,
            s.by,
            "plan",
            s.id,
            s.action.as_str(),
            s.before.row.issuing_facility_id,
            json!({ "status": [s.from.as_str(), s.to.as_str()], "reason": reason }),
        )?;
        Ok(())
    }

    // Approving a new version closes the version it revises.
    fn follow_on(conn: &mut AnyConn, done: &Stepped<'_, Self>) -> Result<(), ApiError> {
        let s = &done.step;
        if s.action == PlanAction::Approve
            && let Some(previous) = s.before.row.previous_version_id
        {
            supersede(conn, s.by, previous, &s.before.row)?;
        }
        Ok(())
    }

    fn answer(conn: &mut AnyConn, done: &Stepped<'_, Self>) -> Result<Plan, ApiError> {
        view(conn, done.step.by, done.after.clone())
    }
}

/// Submit, approve, reject (with a reason), activate or close a plan
/// ([`workflow::step`]). Approving a new version closes the version it revises, which
/// stays readable with a link forward.
pub fn step(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    version: Option<i64>,
    action: PlanAction,
    reason: Option<&str>,
    lang: Lang,
) -> Result<Plan, ApiError> {
    let input = (action, reason.map(str::to_string));
    workflow::step::<PlanSteps>(conn, by, id, version, &input, lang)
}

/// Closes the version a newly approved one replaces.
pub(super) fn supersede(
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
        status: DbEnum(PlanStatus::Closed),
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
            status: DbEnum(PlanStatus::Draft),
            status_reason: Some(reason.trim().to_string()),
            created_by: by.label(),
            created_at: now(),
        };
        let new_id = repo::insert_plan(conn, &new, &changes(&input, 1)?)?;
        repo::replace_plan_facilities(conn, new_id, &input.supported_facility_ids)?;
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
