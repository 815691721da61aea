//! Rotation plans.

use super::*;

pub(super) fn plan_settings(row: &PlanRow) -> Result<RuleSettings, ApiError> {
    from_json(&row.settings, "rotation settings")
}

pub(super) fn plan_view(
    conn: &mut AnyConn,
    by: &Principal,
    row: PlanRow,
) -> Result<RotationPlan, ApiError> {
    let facility = registry_repo::facility_ref(conn, row.facility_id)?;
    let assignment_counts = repo::status_counts(conn, row.id)?
        .into_iter()
        .map(|(status, count)| StatusCount {
            status: status.0,
            count,
        })
        .collect();
    Ok(RotationPlan {
        may_plan: policy::allowed(
            by,
            Action::PlanRotations {
                facility_id: row.facility_id,
            },
        ),
        id: row.id,
        settings: plan_settings(&row)?,
        demand_count: repo::demand_count(conn, row.id)?,
        facility,
        title: row.title,
        start_date: row.start_date,
        end_date: row.end_date,
        published_at: row.published_at.map(utc),
        assignment_counts,
        version: row.version,
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
    })
}

/// A plan the principal may see.
pub fn visible_plan(conn: &mut AnyConn, by: &Principal, id: i64) -> Result<PlanRow, ApiError> {
    let row = repo::find_plan(conn, id)?.ok_or_else(plan_not_found)?;
    authorize(
        by,
        Action::ReadRotations {
            facility_id: row.facility_id,
            station_id: None,
        },
    )?;
    Ok(row)
}

/// A plan the principal may change.
pub(super) fn plannable(conn: &mut AnyConn, by: &Principal, id: i64) -> Result<PlanRow, ApiError> {
    let row = repo::find_plan(conn, id)?.ok_or_else(plan_not_found)?;
    authorize(
        by,
        Action::PlanRotations {
            facility_id: row.facility_id,
        },
    )?;
    Ok(row)
}

/// Whether the principal reads rotations at all (an integration client needs the
/// scope): the lists filter by facility, but must not answer one who may read none.
pub(super) fn may_read_rotations(by: &Principal) -> Result<(), ApiError> {
    authorize(
        by,
        Action::ReadRotations {
            facility_id: by.facility_id,
            station_id: None,
        },
    )
}

/// Plans the principal may see.
pub fn list_plans(
    conn: &mut AnyConn,
    by: &Principal,
    query: &RotationPlanQuery,
) -> Result<Page<RotationPlan>, ApiError> {
    may_read_rotations(by)?;
    let limit = clamp_limit(query.limit);
    let after = parse_cursor(query.cursor.as_deref())?;
    let mut facilities = by.scope.ids();
    if let Some(id) = query.facility_id {
        authorize(
            by,
            Action::ReadRotations {
                facility_id: id,
                station_id: None,
            },
        )?;
        facilities = Some(vec![id]);
    }
    // A station sees the plans that may send people to it: those of its supporters.
    if let Some(station) = query.station_id {
        authorize(
            by,
            Action::ReadRotations {
                facility_id: station,
                station_id: Some(station),
            },
        )?;
        let supporters = repo::supporters_of(conn, station)?;
        facilities = Some(match (query.facility_id, facilities) {
            (Some(id), _) => supporters.into_iter().filter(|s| *s == id).collect(),
            _ => supporters,
        });
    }
    let rows = repo::list_plans(conn, facilities.as_deref(), query.on, after, limit)?;
    let page = page_of(rows, limit, |row| row.id);
    Ok(Page {
        items: page
            .items
            .into_iter()
            .map(|row| plan_view(conn, by, row))
            .collect::<Result<_, _>>()?,
        next_cursor: page.next_cursor,
    })
}

/// One plan.
pub fn get_plan(conn: &mut AnyConn, by: &Principal, id: i64) -> Result<RotationPlan, ApiError> {
    let row = visible_plan(conn, by, id)?;
    plan_view(conn, by, row)
}

pub(super) fn plan_changes(
    input: &RotationPlanInput,
    version: i64,
    at: NaiveDateTime,
) -> Result<PlanChanges, ApiError> {
    Ok(PlanChanges {
        title: input.title.trim().to_string(),
        start_date: input.start_date,
        end_date: input.end_date,
        settings: json_text(&input.settings)?,
        version,
        updated_at: at,
    })
}

/// Creates a plan for a facility the principal plans for. Accepts an idempotency key.
pub fn create_plan(
    conn: &mut AnyConn,
    by: &Principal,
    key: Option<&str>,
    input: &RotationPlanInput,
) -> Result<RotationPlan, ApiError> {
    authorize(
        by,
        Action::PlanRotations {
            facility_id: input.facility_id,
        },
    )?;
    idempotency::once_record(
        conn,
        by,
        key,
        ("POST /rotation-plans", "/api/v1/rotation-plans"),
        input,
        |conn| {
            let at = now();
            let id = repo::insert_plan(
                conn,
                input.facility_id,
                &by.label(),
                at,
                &plan_changes(input, 1, at)?,
            )?;
            audit::change(
                conn,
                by,
                "rotation_plan",
                id,
                "create",
                input.facility_id,
                audit::snapshot(input),
            )?;
            let row = repo::find_plan(conn, id)?.ok_or_else(plan_not_found)?;
            plan_view(conn, by, row)
        },
        |conn, id| get_plan(conn, by, id),
    )
}

/// Changes a plan's title, period or limits at the version read.
pub fn update_plan(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    version: i64,
    input: &RotationPlanInput,
) -> Result<RotationPlan, ApiError> {
    write_tx(conn, |conn| {
        let row = plannable(conn, by, id)?;
        if row.facility_id != input.facility_id {
            return Err(ApiError::field("facility_id", Message::PlanningUnitFixed));
        }
        let changes = plan_changes(input, version + 1, now())?;
        if repo::update_plan(conn, id, version, &changes)? == 0 {
            return Err(ApiError::precondition_failed());
        }
        let before = RotationPlanInput {
            facility_id: row.facility_id,
            title: row.title.clone(),
            start_date: row.start_date,
            end_date: row.end_date,
            settings: plan_settings(&row)?,
        };
        audit::change(
            conn,
            by,
            "rotation_plan",
            id,
            "update",
            row.facility_id,
            audit::diff(&before, input),
        )?;
        let row = repo::find_plan(conn, id)?.ok_or_else(plan_not_found)?;
        plan_view(conn, by, row)
    })
}

/// Publishes every proposed assignment of the plan: the staff and stations see them.
pub fn publish_plan(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    version: Option<i64>,
) -> Result<RotationPlan, ApiError> {
    write_tx(conn, |conn| {
        let row = plannable(conn, by, id)?;
        if version.is_some_and(|v| v != row.version) {
            return Err(ApiError::precondition_failed());
        }
        let at = now();
        let proposed = repo::list_assignments(
            conn,
            &AssignmentFilter {
                plan_ids: Some(vec![id]),
                status: Some(AssignmentStatus::Proposed),
                ..AssignmentFilter::default()
            },
            None,
        )?;
        for assignment in &proposed {
            let change = AssignmentChange {
                status: Some(DbEnum(AssignmentStatus::Published)),
                version: Some(assignment.version + 1),
                updated_at: Some(at),
                ..AssignmentChange::default()
            };
            if repo::update_assignment(conn, assignment.id, assignment.version, &change)? == 0 {
                return Err(ApiError::precondition_failed());
            }
        }
        repo::mark_published(conn, id, at)?;
        audit::change(
            conn,
            by,
            "rotation_plan",
            id,
            "publish",
            row.facility_id,
            json!({ "published_assignments": proposed.len() }),
        )?;
        let row = repo::find_plan(conn, id)?.ok_or_else(plan_not_found)?;
        plan_view(conn, by, row)
    })
}
