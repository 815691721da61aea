//! Demands.

use super::*;

pub(super) fn demand_view(
    row: DemandRow,
    station: FacilityRef,
    assigned_days: i64,
) -> Result<RotationDemand, ApiError> {
    let span = row.span();
    let needed = i64::from(span.day_count()) * i64::from(row.count);
    Ok(RotationDemand {
        id: row.id,
        plan_id: row.plan_id,
        station,
        profession: row.profession.0,
        specialty: row.specialty,
        count: row.count,
        pattern: row.pattern.0,
        start_date: row.start_date,
        end_date: row.end_date,
        weekdays: span.weekdays,
        plan_activity_id: row.plan_activity_id,
        note: row.note,
        unfilled_days: (needed - assigned_days).max(0),
        version: row.version,
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
    })
}

/// Demands with their stations and the days already covered.
pub(super) fn demand_views(
    conn: &mut AnyConn,
    rows: Vec<DemandRow>,
) -> Result<Vec<RotationDemand>, ApiError> {
    let stations: Vec<i64> = rows.iter().map(|r| r.station_id).collect();
    let refs = registry_repo::facility_refs(conn, &stations)?;
    let plan_ids: Vec<i64> = rows.iter().map(|r| r.plan_id).collect();
    let assignments = repo::list_assignments(
        conn,
        &AssignmentFilter {
            plan_ids: Some(plan_ids),
            booking_only: true,
            ..AssignmentFilter::default()
        },
        None,
    )?;
    let mut covered: HashMap<i64, i64> = HashMap::new();
    for a in &assignments {
        let Some(demand_id) = a.demand_id else {
            continue;
        };
        let Some(demand) = rows.iter().find(|d| d.id == demand_id) else {
            continue;
        };
        let demand_span = demand.span();
        let days = a
            .span()
            .days()
            .filter(|day| demand_span.contains(*day))
            .count() as i64;
        *covered.entry(demand_id).or_default() += days;
    }
    rows.into_iter()
        .map(|row| {
            let station = refs
                .get(&row.station_id)
                .cloned()
                .ok_or_else(|| ApiError::internal("demand without station"))?;
            let days = covered.get(&row.id).copied().unwrap_or(0);
            demand_view(row, station, days)
        })
        .collect()
}

/// Demands of plans the principal may see.
pub fn list_demands(
    conn: &mut AnyConn,
    by: &Principal,
    query: &DemandQuery,
) -> Result<Page<RotationDemand>, ApiError> {
    may_read_rotations(by)?;
    let limit = clamp_limit(query.limit);
    let after = parse_cursor(query.cursor.as_deref())?;
    let plan_ids = match query.plan_id {
        Some(id) => vec![visible_plan(conn, by, id)?.id],
        None => repo::list_plans(conn, by.scope.ids().as_deref(), None, None, 10_000)?
            .iter()
            .map(|p| p.id)
            .collect(),
    };
    let rows = repo::list_demands(conn, Some(&plan_ids), query.station_id, after, Some(limit))?;
    let page = page_of(rows, limit, |row| row.id);
    Ok(Page {
        items: demand_views(conn, page.items)?,
        next_cursor: page.next_cursor,
    })
}

/// One demand.
pub fn get_demand(conn: &mut AnyConn, by: &Principal, id: i64) -> Result<RotationDemand, ApiError> {
    let row = repo::find_demand(conn, id)?.ok_or_else(demand_not_found)?;
    visible_plan(conn, by, row.plan_id)?;
    demand_views(conn, vec![row])?
        .pop()
        .ok_or_else(demand_not_found)
}

pub(super) fn demand_changes(
    input: &DemandInput,
    version: i64,
    at: NaiveDateTime,
) -> DemandChanges {
    DemandChanges {
        station_id: input.station_id,
        profession: DbEnum(input.profession),
        specialty: input.specialty.clone().filter(|s| !s.trim().is_empty()),
        count: input.count,
        pattern: DbEnum(input.pattern),
        start_date: input.start_date,
        end_date: input.end_date,
        weekdays: i32::from(input.weekdays.0),
        plan_activity_id: input.plan_activity_id,
        note: input.note.clone(),
        version,
        updated_at: at,
    }
}

/// The demand must lie in its plan's period at a station that exists.
pub(super) fn check_demand(
    conn: &mut AnyConn,
    plan: &PlanRow,
    input: &DemandInput,
) -> Result<(), ApiError> {
    if input.start_date < plan.start_date || input.end_date > plan.end_date {
        return Err(ApiError::field(
            "start_date",
            Message::OutsideSchedule(plan.start_date, plan.end_date),
        ));
    }
    match registry_repo::find_facility_row(conn, input.station_id)? {
        Some(facility) if facility.active => Ok(()),
        _ => Err(ApiError::field("station_id", Record::Station)),
    }
}

/// Adds a demand to a plan. Accepts an idempotency key.
pub fn create_demand(
    conn: &mut AnyConn,
    by: &Principal,
    key: Option<&str>,
    input: &DemandInput,
) -> Result<RotationDemand, ApiError> {
    let plan = plannable(conn, by, input.plan_id)?;
    check_demand(conn, &plan, input)?;
    idempotency::once(conn, by, key, "POST /rotation-demands", input, |conn| {
        let id = repo::insert_demand(conn, plan.id, now(), &demand_changes(input, 1, now()))?;
        audit::change(
            conn,
            by,
            "rotation_demand",
            id,
            "create",
            plan.facility_id,
            audit::snapshot(input),
        )?;
        let row = repo::find_demand(conn, id)?.ok_or_else(demand_not_found)?;
        demand_views(conn, vec![row])?
            .pop()
            .ok_or_else(demand_not_found)
    })
}

/// Changes a demand at the version read.
pub fn update_demand(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    version: i64,
    input: &DemandInput,
) -> Result<RotationDemand, ApiError> {
    write_tx(conn, |conn| {
        let row = repo::find_demand(conn, id)?.ok_or_else(demand_not_found)?;
        let plan = plannable(conn, by, row.plan_id)?;
        if input.plan_id != row.plan_id {
            return Err(ApiError::field("plan_id", Message::MovedToOtherSchedule));
        }
        check_demand(conn, &plan, input)?;
        if repo::update_demand(
            conn,
            id,
            version,
            &demand_changes(input, version + 1, now()),
        )? == 0
        {
            return Err(ApiError::precondition_failed());
        }
        audit::change(
            conn,
            by,
            "rotation_demand",
            id,
            "update",
            plan.facility_id,
            json!({ "after": input }),
        )?;
        let row = repo::find_demand(conn, id)?.ok_or_else(demand_not_found)?;
        demand_views(conn, vec![row])?
            .pop()
            .ok_or_else(demand_not_found)
    })
}
