//! Rotation use cases: plans, demands and assignments with the shared rules checked on
//! every write, the assignment state machine, feedback, preferences and calendar feeds.

use shared::message::{Message, Record};
use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDateTime;
use serde::Serialize;
use serde_json::json;
use shared::Lang;
use shared::page::{Page, clamp_limit};
use shared::registry::{DepartmentQuery, FacilityRef, Profession, StaffQuery};
use shared::rotation::{
    AssignmentAction, AssignmentInput, AssignmentQuery, AssignmentSide, AssignmentSource,
    AssignmentStatus, AttendanceInput, Booking, Breach, CalendarFeed, CheckResult, DemandInput,
    DemandPattern, DemandQuery, DepartmentFacts, FeedInput, FeedSubject, Feedback, FeedbackInput,
    LeavePeriod, Need, Proposal, Roster, RotationAssignment, RotationDemand, RotationPlan,
    RotationPlanInput, RotationPlanQuery, RotationPreferences, RuleSettings, Span, StaffFacts,
    StaffRef, StatusCount, Swap, SwapInput, Weekdays, check, transition,
};

use super::repo::{
    self, AssignmentChange, AssignmentFilter, AssignmentRow, DemandChanges, DemandRow,
    NewAssignment, PlanChanges, PlanRow,
};
use crate::audit::{self, Entry};
use crate::auth::{Action, Principal, authorize, tokens};
use crate::db::{AnyConn, from_json, json_text, now, utc, write_tx};
use crate::error::ApiError;
use crate::http::{page_of, parse_cursor};
use crate::idempotency;
use crate::registry::repo::{self as registry_repo, parse};
use crate::schema::{staff, users};
use diesel::prelude::*;

fn plan_not_found() -> ApiError {
    ApiError::not_found(Record::RotationPlan)
}

fn demand_not_found() -> ApiError {
    ApiError::not_found(Record::Demand)
}

fn assignment_not_found() -> ApiError {
    ApiError::not_found(Record::Assignment)
}

fn weekdays_of(stored: i32) -> Weekdays {
    Weekdays(u8::try_from(stored).unwrap_or(0))
}

/// The staff record of the signed-in person, if their account is linked to one.
pub fn own_staff_id(conn: &mut AnyConn, by: &Principal) -> Result<Option<i64>, ApiError> {
    let Some(user_id) = by.user_id() else {
        return Ok(None);
    };
    Ok(users::table
        .find(user_id)
        .select(users::staff_id)
        .first::<Option<i64>>(conn)
        .optional()?
        .flatten())
}

// ---------------------------------------------------------------- plans

fn plan_settings(row: &PlanRow) -> Result<RuleSettings, ApiError> {
    from_json(&row.settings, "rotation settings")
}

fn plan_view(conn: &mut AnyConn, row: PlanRow) -> Result<RotationPlan, ApiError> {
    let facility = registry_repo::facility_ref(conn, row.facility_id)?;
    let assignment_counts = repo::status_counts(conn, row.id)?
        .into_iter()
        .map(|(status, count)| {
            Ok(StatusCount {
                status: parse(&status, "assignment status")?,
                count,
            })
        })
        .collect::<Result<_, ApiError>>()?;
    Ok(RotationPlan {
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
fn plannable(conn: &mut AnyConn, by: &Principal, id: i64) -> Result<PlanRow, ApiError> {
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
fn may_read_rotations(by: &Principal) -> Result<(), ApiError> {
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
    let rows = repo::list_plans(conn, facilities.as_deref(), query.on, after, limit)?;
    let page = page_of(rows, limit, |row| row.id);
    Ok(Page {
        items: page
            .items
            .into_iter()
            .map(|row| plan_view(conn, row))
            .collect::<Result<_, _>>()?,
        next_cursor: page.next_cursor,
    })
}

/// One plan.
pub fn get_plan(conn: &mut AnyConn, by: &Principal, id: i64) -> Result<RotationPlan, ApiError> {
    let row = visible_plan(conn, by, id)?;
    plan_view(conn, row)
}

fn plan_changes(
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
    idempotency::once(conn, by, key, "POST /rotation-plans", input, |conn| {
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
        plan_view(conn, row)
    })
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
        plan_view(conn, row)
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
                status: Some(AssignmentStatus::Proposed.as_str().to_string()),
                ..AssignmentFilter::default()
            },
            None,
        )?;
        for assignment in &proposed {
            let change = AssignmentChange {
                status: Some(AssignmentStatus::Published.as_str().to_string()),
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
        plan_view(conn, row)
    })
}

// ---------------------------------------------------------------- roster

/// What the rules need for a plan: its settings, the sending facility's staff and
/// departments, and every booking of those staff over the plan's period (any plan).
pub fn roster_of(conn: &mut AnyConn, plan: &PlanRow) -> Result<Roster, ApiError> {
    let staff_list = registry_repo::list_staff(
        conn,
        &StaffQuery {
            facility_id: Some(plan.facility_id),
            ..StaffQuery::default()
        },
        None,
        None,
        100_000,
    )?;
    let departments = registry_repo::list_departments(
        conn,
        &DepartmentQuery {
            facility_id: Some(plan.facility_id),
            ..DepartmentQuery::default()
        },
        None,
        10_000,
    )?;
    let staff_ids: Vec<i64> = staff_list.iter().map(|s| s.id).collect();
    let bookings = repo::list_assignments(
        conn,
        &AssignmentFilter {
            staff_ids: Some(staff_ids),
            booking_only: true,
            from: Some(plan.start_date),
            to: Some(plan.end_date),
            ..AssignmentFilter::default()
        },
        None,
    )?
    .iter()
    .map(booking_of)
    .collect();
    Ok(Roster {
        settings: plan_settings(plan)?,
        staff: staff_list
            .into_iter()
            .map(|s| StaffFacts {
                id: s.id,
                full_name: s.full_name,
                department_id: s.department_id,
                profession: s.profession,
                specialties: s.specialties,
                licence_number: s.licence_number,
                licence_valid_from: s.licence_valid_from,
                licence_valid_until: s.licence_valid_until,
                leaves: s
                    .leaves
                    .iter()
                    .map(|l| LeavePeriod {
                        start: l.start_date,
                        end: l.end_date,
                    })
                    .collect(),
                exemption: s.rotation_exemption,
                active: s.active,
                monthly_limit: u32::try_from(s.monthly_rotation_day_limit).unwrap_or(0),
            })
            .collect(),
        departments: departments
            .into_iter()
            .filter(|d| d.active)
            .map(|d| DepartmentFacts {
                id: d.id,
                name: d.name,
                min_on_site: d.min_on_site,
            })
            .collect(),
        bookings,
    })
}

fn booking_of(row: &AssignmentRow) -> Booking {
    Booking {
        assignment_id: row.id,
        staff_id: row.staff_id,
        station_id: row.station_id,
        span: row.span(),
    }
}

/// The roster of a plan, for the SPA's live checks (planners only).
pub fn roster(conn: &mut AnyConn, by: &Principal, plan_id: i64) -> Result<Roster, ApiError> {
    let plan = plannable(conn, by, plan_id)?;
    roster_of(conn, &plan)
}

// ---------------------------------------------------------------- demands

fn demand_view(
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
        profession: parse(&row.profession, "profession")?,
        specialty: row.specialty,
        count: row.count,
        pattern: parse(&row.pattern, "demand pattern")?,
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
fn demand_views(conn: &mut AnyConn, rows: Vec<DemandRow>) -> Result<Vec<RotationDemand>, ApiError> {
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

fn demand_changes(input: &DemandInput, version: i64, at: NaiveDateTime) -> DemandChanges {
    DemandChanges {
        station_id: input.station_id,
        profession: input.profession.as_str().to_string(),
        specialty: input.specialty.clone().filter(|s| !s.trim().is_empty()),
        count: input.count,
        pattern: input.pattern.as_str().to_string(),
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
fn check_demand(conn: &mut AnyConn, plan: &PlanRow, input: &DemandInput) -> Result<(), ApiError> {
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

// ---------------------------------------------------------------- assignments

/// The acting user's own staff record and its department.
#[derive(Debug, Clone, Copy, Default)]
struct Own {
    staff_id: Option<i64>,
    department_id: Option<i64>,
}

fn own_record(conn: &mut AnyConn, by: &Principal) -> Result<Own, ApiError> {
    let staff_id = own_staff_id(conn, by)?;
    let department_id = match staff_id {
        Some(id) => departments_of(conn, &[id])?.remove(&id).flatten(),
        None => None,
    };
    Ok(Own {
        staff_id,
        department_id,
    })
}

/// The department of each of these members of staff.
fn departments_of(conn: &mut AnyConn, ids: &[i64]) -> Result<HashMap<i64, Option<i64>>, ApiError> {
    Ok(staff::table
        .filter(staff::id.eq_any(ids))
        .select((staff::id, staff::department_id))
        .load::<(i64, Option<i64>)>(conn)?
        .into_iter()
        .collect())
}

/// Who the principal is to an assignment of a person working at `home` (facility,
/// department). A department head speaks for the people of their own department only.
fn side_of(
    by: &Principal,
    own: Own,
    home: (i64, Option<i64>),
    row: &AssignmentRow,
) -> AssignmentSide {
    let (facility_id, department_id) = home;
    match by.role() {
        Some(shared::auth::Role::Admin) => AssignmentSide::Planner,
        Some(role) => {
            let same_facility = by.facility_id == facility_id;
            let sends = match role {
                shared::auth::Role::DepartmentHead => {
                    same_facility
                        && own.department_id.is_some()
                        && own.department_id == department_id
                }
                _ => same_facility,
            };
            AssignmentSide::of(
                role,
                sends,
                by.facility_id == row.station_id,
                own.staff_id == Some(row.staff_id),
            )
        }
        None => AssignmentSide::Other,
    }
}

/// Turns rows into API records, with the actions open to the principal.
fn assignment_views(
    conn: &mut AnyConn,
    by: &Principal,
    rows: Vec<AssignmentRow>,
) -> Result<Vec<RotationAssignment>, ApiError> {
    let own = own_record(conn, by)?;
    let assigned: Vec<i64> = rows.iter().map(|r| r.staff_id).collect();
    let departments = departments_of(conn, &assigned)?;
    let mut staff_ids = assigned;
    for row in &rows {
        for swap in from_json::<Vec<StoredSwap>>(&row.swaps, "swaps")? {
            staff_ids.extend([swap.from, swap.to]);
        }
    }
    let people = staff_refs(conn, &staff_ids)?;
    let stations: Vec<i64> = rows.iter().map(|r| r.station_id).collect();
    let refs = registry_repo::facility_refs(conn, &stations)?;
    let person = |id: i64| {
        people
            .get(&id)
            .cloned()
            .ok_or_else(|| ApiError::internal("assignment of unknown staff"))
    };
    rows.into_iter()
        .map(|row| {
            let staff = person(row.staff_id)?;
            let status: AssignmentStatus = parse(&row.status, "assignment status")?;
            let department = departments.get(&row.staff_id).copied().flatten();
            let side = side_of(by, own, (staff.facility_id, department), &row);
            let span = row.span();
            let swaps = from_json::<Vec<StoredSwap>>(&row.swaps, "swaps")?
                .into_iter()
                .map(|s| {
                    Ok(Swap {
                        from: person(s.from)?,
                        to: person(s.to)?,
                        reason: s.reason,
                        by: s.by,
                        at: utc(s.at),
                    })
                })
                .collect::<Result<_, ApiError>>()?;
            Ok(RotationAssignment {
                id: row.id,
                plan_id: row.plan_id,
                demand_id: row.demand_id,
                station: refs
                    .get(&row.station_id)
                    .cloned()
                    .ok_or_else(|| ApiError::internal("assignment without station"))?,
                staff,
                start_date: row.start_date,
                end_date: row.end_date,
                weekdays: span.weekdays,
                day_count: i64::from(span.day_count()),
                status,
                source: parse(&row.source, "assignment source")?,
                swaps,
                feedback: row
                    .feedback
                    .as_deref()
                    .map(|text| from_json::<Feedback>(text, "feedback"))
                    .transpose()?,
                attendance_note: row.attendance_note,
                allowed_actions: shared::rotation::allowed_actions(status, side),
                version: row.version,
                created_at: utc(row.created_at),
                updated_at: utc(row.updated_at),
            })
        })
        .collect()
}

/// A swap as stored in `rotation_assignments.swaps`.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
struct StoredSwap {
    from: i64,
    to: i64,
    reason: String,
    by: String,
    at: NaiveDateTime,
}

/// Short references to staff, by id.
pub fn staff_refs(conn: &mut AnyConn, ids: &[i64]) -> Result<HashMap<i64, StaffRef>, ApiError> {
    staff::table
        .filter(staff::id.eq_any(ids))
        .select((
            staff::id,
            staff::full_name,
            staff::profession,
            staff::facility_id,
        ))
        .load::<(i64, String, String, i64)>(conn)?
        .into_iter()
        .map(|(id, full_name, profession, facility_id)| {
            Ok((
                id,
                StaffRef {
                    id,
                    full_name,
                    profession: parse::<Profession>(&profession, "profession")?,
                    facility_id,
                },
            ))
        })
        .collect()
}

/// The calendar: assignments the principal may see, by id.
pub fn list_assignments(
    conn: &mut AnyConn,
    by: &Principal,
    query: &AssignmentQuery,
) -> Result<Page<RotationAssignment>, ApiError> {
    may_read_rotations(by)?;
    let limit = clamp_limit(query.limit);
    let mut filter = AssignmentFilter {
        within: by.scope.ids(),
        station_id: query.station_id,
        status: query.status.map(|s| s.as_str().to_string()),
        from: query.from,
        to: query.to,
        after_id: parse_cursor(query.cursor.as_deref())?,
        ..AssignmentFilter::default()
    };
    if let Some(plan_id) = query.plan_id {
        visible_plan(conn, by, plan_id)?;
        filter.plan_ids = Some(vec![plan_id]);
    }
    if let Some(station_id) = query.station_id {
        authorize(
            by,
            Action::ReadRotations {
                facility_id: station_id,
                station_id: Some(station_id),
            },
        )?;
    }
    let mut staff_ids = Vec::new();
    if query.mine == Some(true) {
        staff_ids.push(own_staff_id(conn, by)?.unwrap_or(0));
        // Your own rotations are yours to see wherever they are.
        filter.within = None;
    }
    if let Some(id) = query.staff_id {
        let facility = registry_repo::staff_facility(conn, id)?
            .ok_or_else(|| ApiError::not_found(Record::Employee))?;
        authorize(
            by,
            Action::ReadRotations {
                facility_id: facility,
                station_id: None,
            },
        )?;
        staff_ids.push(id);
    }
    if !staff_ids.is_empty() {
        filter.staff_ids = Some(staff_ids);
    }
    // Proposals are the planners' working draft until published: in the query, so that
    // pages stay full.
    filter.proposals_of_facilities = if matches!(by.scope, crate::auth::FacilityScope::All)
        && crate::auth::policy::allowed(by, Action::PlanRotations { facility_id: 0 })
    {
        None
    } else if crate::auth::policy::allowed(
        by,
        Action::PlanRotations {
            facility_id: by.facility_id,
        },
    ) {
        Some(vec![by.facility_id])
    } else {
        Some(Vec::new())
    };
    let rows: Vec<AssignmentRow> = repo::list_assignments(conn, &filter, Some(limit))?;
    let page = page_of(rows, limit, |row| row.id);
    Ok(Page {
        items: assignment_views(conn, by, page.items)?,
        next_cursor: page.next_cursor,
    })
}

/// An assignment the principal may see (proposals only to the planners).
fn visible_assignment(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
) -> Result<(AssignmentRow, PlanRow), ApiError> {
    let row = repo::find_assignment(conn, id)?.ok_or_else(assignment_not_found)?;
    let plan = repo::find_plan(conn, row.plan_id)?.ok_or_else(plan_not_found)?;
    let own = own_staff_id(conn, by)? == Some(row.staff_id);
    if !own {
        authorize(
            by,
            Action::ReadRotations {
                facility_id: plan.facility_id,
                station_id: Some(row.station_id),
            },
        )?;
    }
    if row.status == AssignmentStatus::Proposed.as_str()
        && !crate::auth::policy::allowed(
            by,
            Action::PlanRotations {
                facility_id: plan.facility_id,
            },
        )
    {
        return Err(assignment_not_found());
    }
    Ok((row, plan))
}

/// One assignment.
pub fn get_assignment(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
) -> Result<RotationAssignment, ApiError> {
    let (row, _) = visible_assignment(conn, by, id)?;
    assignment_views(conn, by, vec![row])?
        .pop()
        .ok_or_else(assignment_not_found)
}

/// The proposal an input describes, with the need of its demand (or of the person's
/// own profession for an assignment without demand).
fn proposal_of(
    conn: &mut AnyConn,
    plan: &PlanRow,
    input: &AssignmentInput,
    assignment_id: Option<i64>,
) -> Result<Proposal, ApiError> {
    let span = Span::new(input.start_date, input.end_date, input.weekdays);
    if input.start_date < plan.start_date || input.end_date > plan.end_date {
        return Err(ApiError::field(
            "start_date",
            Message::OutsideRotationPeriod,
        ));
    }
    if span.day_count() == 0 {
        return Err(ApiError::field("weekdays", Message::NoDaysInRange));
    }
    let staff_facility = registry_repo::staff_facility(conn, input.staff_id)?
        .ok_or_else(|| ApiError::field("staff_id", Record::Employee))?;
    if staff_facility != plan.facility_id {
        return Err(ApiError::field("staff_id", Message::EmployeeOutsideUnit));
    }
    let need = match input.demand_id {
        Some(demand_id) => {
            let demand = repo::find_demand(conn, demand_id)?
                .filter(|d| d.plan_id == plan.id)
                .ok_or_else(|| ApiError::field("demand_id", Message::DemandNotInSchedule))?;
            if demand.station_id != input.station_id {
                return Err(ApiError::field(
                    "station_id",
                    Message::StationDiffersFromDemand,
                ));
            }
            Need {
                profession: parse(&demand.profession, "profession")?,
                specialty: demand.specialty,
                continuous: demand.pattern == DemandPattern::Continuous.as_str(),
            }
        }
        None => {
            let profession = staff::table
                .find(input.staff_id)
                .select(staff::profession)
                .first::<String>(conn)?;
            Need {
                profession: parse(&profession, "profession")?,
                specialty: None,
                continuous: false,
            }
        }
    };
    if registry_repo::find_facility_row(conn, input.station_id)?.is_none() {
        return Err(ApiError::field("station_id", Record::Station));
    }
    Ok(Proposal {
        assignment_id,
        staff_id: input.staff_id,
        station_id: input.station_id,
        span,
        need,
    })
}

/// 422 listing the broken rules by code, when any.
fn refuse_breaches(breaches: Vec<Breach>) -> Result<(), ApiError> {
    if breaches.is_empty() {
        return Ok(());
    }
    let mut errors: BTreeMap<String, Vec<Message>> = BTreeMap::new();
    for breach in breaches {
        // The rule checks wrote the sentence in the request's language already.
        errors
            .entry(breach.rule.as_str().to_string())
            .or_default()
            .push(Message::Verbatim(breach.message));
    }
    Err(ApiError::rotation_rules_broken(errors))
}

/// The rules an assignment would break, without saving anything.
pub fn check_assignment(
    conn: &mut AnyConn,
    by: &Principal,
    input: &AssignmentInput,
    assignment_id: Option<i64>,
    lang: Lang,
) -> Result<CheckResult, ApiError> {
    let plan = plannable(conn, by, input.plan_id)?;
    let proposal = proposal_of(conn, &plan, input, assignment_id)?;
    let roster = roster_of(conn, &plan)?;
    Ok(CheckResult {
        breaches: check(&roster, &proposal, lang),
    })
}

/// Creates an assignment by hand (proposed), refused when it breaks a rule. Accepts an
/// idempotency key.
pub fn create_assignment(
    conn: &mut AnyConn,
    by: &Principal,
    key: Option<&str>,
    input: &AssignmentInput,
    lang: Lang,
) -> Result<RotationAssignment, ApiError> {
    idempotency::once(conn, by, key, "POST /rotation-assignments", input, |conn| {
        let plan = plannable(conn, by, input.plan_id)?;
        let proposal = proposal_of(conn, &plan, input, None)?;
        refuse_breaches(check(&roster_of(conn, &plan)?, &proposal, lang))?;
        let at = now();
        let id = repo::insert_assignment(
            conn,
            &NewAssignment {
                plan_id: plan.id,
                demand_id: input.demand_id,
                staff_id: input.staff_id,
                station_id: input.station_id,
                start_date: input.start_date,
                end_date: input.end_date,
                weekdays: i32::from(input.weekdays.0),
                status: AssignmentStatus::Proposed.as_str().to_string(),
                source: AssignmentSource::Manual.as_str().to_string(),
                swaps: "[]".to_string(),
                created_by: by.label(),
                version: 1,
                created_at: at,
                updated_at: at,
            },
        )?;
        audit::change(
            conn,
            by,
            "rotation_assignment",
            id,
            "create",
            plan.facility_id,
            audit::snapshot(input),
        )?;
        get_assignment(conn, by, id)
    })
}

/// Changes who, where or when of a proposed or published assignment, refused when it
/// breaks a rule.
pub fn update_assignment(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    version: i64,
    input: &AssignmentInput,
    lang: Lang,
) -> Result<RotationAssignment, ApiError> {
    write_tx(conn, |conn| {
        let (row, plan) = visible_assignment(conn, by, id)?;
        if input.plan_id != row.plan_id {
            return Err(ApiError::field("plan_id", Message::MovedToOtherSchedule));
        }
        let side = acting_side(conn, by, &row)?;
        let status: AssignmentStatus = parse(&row.status, "assignment status")?;
        transition(status, AssignmentAction::Edit, side).map_err(transition_error)?;
        let proposal = proposal_of(conn, &plan, input, Some(id))?;
        refuse_breaches(check(&roster_of(conn, &plan)?, &proposal, lang))?;
        let change = AssignmentChange {
            demand_id: Some(input.demand_id),
            staff_id: Some(input.staff_id),
            station_id: Some(input.station_id),
            start_date: Some(input.start_date),
            end_date: Some(input.end_date),
            weekdays: Some(i32::from(input.weekdays.0)),
            version: Some(version + 1),
            updated_at: Some(now()),
            ..AssignmentChange::default()
        };
        if repo::update_assignment(conn, id, version, &change)? == 0 {
            return Err(ApiError::precondition_failed());
        }
        audit::change(
            conn,
            by,
            "rotation_assignment",
            id,
            "update",
            plan.facility_id,
            json!({
                "staff_id": [row.staff_id, input.staff_id],
                "station_id": [row.station_id, input.station_id],
                "start_date": [row.start_date, input.start_date],
                "end_date": [row.end_date, input.end_date],
                "weekdays": [row.weekdays, input.weekdays.0],
            }),
        )?;
        get_assignment(conn, by, id)
    })
}

fn acting_side(
    conn: &mut AnyConn,
    by: &Principal,
    row: &AssignmentRow,
) -> Result<AssignmentSide, ApiError> {
    let own = own_record(conn, by)?;
    let facility = registry_repo::staff_facility(conn, row.staff_id)?.unwrap_or(0);
    let department = departments_of(conn, &[row.staff_id])?
        .remove(&row.staff_id)
        .flatten();
    Ok(side_of(by, own, (facility, department), row))
}

fn transition_error(error: shared::rotation::AssignmentError) -> ApiError {
    match error {
        shared::rotation::AssignmentError::WrongSide(_) => ApiError::forbidden(),
        shared::rotation::AssignmentError::WrongStatus(..) => ApiError::new(
            shared::error::ErrorCode::InvalidTransition,
            Message::localised(|lang| error.message(lang)),
        ),
    }
}

/// A step on an assignment.
#[derive(Debug, Clone)]
pub enum Step {
    /// The person (or their department, or planning) confirms they will go.
    Confirm,
    /// The station confirms the person came.
    Attend(AttendanceInput),
    /// The station records the person did not come.
    MarkAbsent(AttendanceInput),
    /// Planning cancels.
    Cancel,
    /// Planning puts someone else in.
    Swap(SwapInput),
}

impl Step {
    fn action(&self) -> AssignmentAction {
        match self {
            Step::Confirm => AssignmentAction::Confirm,
            Step::Attend(_) => AssignmentAction::Attend,
            Step::MarkAbsent(_) => AssignmentAction::MarkAbsent,
            Step::Cancel => AssignmentAction::Cancel,
            Step::Swap(_) => AssignmentAction::Swap,
        }
    }
}

/// Moves an assignment along its state machine, at the version read when given.
pub fn step(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    version: Option<i64>,
    step: &Step,
    lang: Lang,
) -> Result<RotationAssignment, ApiError> {
    write_tx(conn, |conn| {
        let (row, plan) = visible_assignment(conn, by, id)?;
        if version.is_some_and(|v| v != row.version) {
            return Err(ApiError::precondition_failed());
        }
        let side = acting_side(conn, by, &row)?;
        let status: AssignmentStatus = parse(&row.status, "assignment status")?;
        let target = transition(status, step.action(), side).map_err(transition_error)?;
        let at = now();
        let mut change = AssignmentChange {
            status: Some(target.as_str().to_string()),
            version: Some(row.version + 1),
            updated_at: Some(at),
            ..AssignmentChange::default()
        };
        let mut details = json!({ "status": [row.status, target.as_str()] });
        match step {
            Step::Attend(note) | Step::MarkAbsent(note) => {
                change.attendance_note = note.note.clone();
            }
            Step::Swap(swap) => {
                let input = AssignmentInput {
                    plan_id: row.plan_id,
                    demand_id: row.demand_id,
                    staff_id: swap.staff_id,
                    station_id: row.station_id,
                    start_date: row.start_date,
                    end_date: row.end_date,
                    weekdays: weekdays_of(row.weekdays),
                };
                if swap.staff_id == row.staff_id {
                    return Err(ApiError::field("staff_id", Message::SameSubstitute));
                }
                let proposal = proposal_of(conn, &plan, &input, Some(id))?;
                refuse_breaches(check(&roster_of(conn, &plan)?, &proposal, lang))?;
                let mut swaps: Vec<StoredSwap> = from_json(&row.swaps, "swaps")?;
                swaps.push(StoredSwap {
                    from: row.staff_id,
                    to: swap.staff_id,
                    reason: swap.reason.trim().to_string(),
                    by: by.label(),
                    at,
                });
                change.staff_id = Some(swap.staff_id);
                change.swaps = Some(json_text(&swaps)?);
                details = json!({
                    "status": [row.status, target.as_str()],
                    "staff_id": [row.staff_id, swap.staff_id],
                    "reason": swap.reason,
                });
            }
            Step::Confirm | Step::Cancel => {}
        }
        if repo::update_assignment(conn, id, row.version, &change)? == 0 {
            return Err(ApiError::precondition_failed());
        }
        audit::change(
            conn,
            by,
            "rotation_assignment",
            id,
            step.action().as_str(),
            plan.facility_id,
            details,
        )?;
        get_assignment(conn, by, id)
    })
}

/// The station's rating of a visit that took place.
pub fn give_feedback(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    input: &FeedbackInput,
) -> Result<RotationAssignment, ApiError> {
    write_tx(conn, |conn| {
        let (row, plan) = visible_assignment(conn, by, id)?;
        if acting_side(conn, by, &row)? != AssignmentSide::Station {
            return Err(ApiError::forbidden());
        }
        if row.status != AssignmentStatus::Done.as_str() {
            return Err(ApiError::new(
                shared::error::ErrorCode::InvalidTransition,
                Message::FeedbackBeforeAttendance,
            ));
        }
        let feedback = Feedback {
            rating: input.rating,
            comment: input.comment.clone().filter(|c| !c.trim().is_empty()),
            by: by.label(),
            at: utc(now()),
        };
        let change = AssignmentChange {
            feedback: Some(json_text(&feedback)?),
            version: Some(row.version + 1),
            updated_at: Some(now()),
            ..AssignmentChange::default()
        };
        if repo::update_assignment(conn, id, row.version, &change)? == 0 {
            return Err(ApiError::precondition_failed());
        }
        audit::change(
            conn,
            by,
            "rotation_assignment",
            id,
            "feedback",
            plan.facility_id,
            json!({ "rating": input.rating, "comment": input.comment }),
        )?;
        get_assignment(conn, by, id)
    })
}

// ---------------------------------------------------------------- preferences

fn may_state_preferences(
    conn: &mut AnyConn,
    by: &Principal,
    staff_id: i64,
) -> Result<(), ApiError> {
    let facility = registry_repo::staff_facility(conn, staff_id)?
        .ok_or_else(|| ApiError::not_found(Record::Employee))?;
    if own_staff_id(conn, by)? == Some(staff_id) {
        return Ok(());
    }
    authorize(
        by,
        Action::PlanRotations {
            facility_id: facility,
        },
    )
}

/// A person's preferred stations.
pub fn preferences(
    conn: &mut AnyConn,
    by: &Principal,
    staff_id: i64,
) -> Result<RotationPreferences, ApiError> {
    may_state_preferences(conn, by, staff_id)?;
    Ok(RotationPreferences {
        preferred_station_ids: repo::preferences(conn, &[staff_id])?
            .into_iter()
            .map(|(_, station)| station)
            .collect(),
    })
}

/// Replaces a person's preferred stations (the person, or planning).
pub fn set_preferences(
    conn: &mut AnyConn,
    by: &Principal,
    staff_id: i64,
    input: &RotationPreferences,
) -> Result<RotationPreferences, ApiError> {
    write_tx(conn, |conn| {
        may_state_preferences(conn, by, staff_id)?;
        let mut stations = input.preferred_station_ids.clone();
        stations.sort_unstable();
        stations.dedup();
        let known = registry_repo::facility_refs(conn, &stations)?;
        if let Some(missing) = stations.iter().find(|id| !known.contains_key(id)) {
            return Err(ApiError::field(
                "preferred_station_ids",
                Message::UnknownStation(*missing),
            ));
        }
        let before = preferences(conn, by, staff_id)?;
        repo::replace_preferences(conn, staff_id, &stations)?;
        let facility = registry_repo::staff_facility(conn, staff_id)?.unwrap_or(0);
        audit::change(
            conn,
            by,
            "rotation_preferences",
            staff_id,
            "update",
            facility,
            json!({ "preferred_station_ids": [before.preferred_station_ids, stations] }),
        )?;
        preferences(conn, by, staff_id)
    })
}

// ---------------------------------------------------------------- calendar feeds

/// A new subscription address for a person's or a station's calendar; earlier ones
/// stop working. The person themselves, planning of their facility, or the station's
/// head (for a station).
pub fn create_feed(
    conn: &mut AnyConn,
    by: &Principal,
    input: &FeedInput,
) -> Result<CalendarFeed, ApiError> {
    match input.subject {
        FeedSubject::Staff => {
            let facility = registry_repo::staff_facility(conn, input.subject_id)?
                .ok_or_else(|| ApiError::field("subject_id", Record::Employee))?;
            if own_staff_id(conn, by)? != Some(input.subject_id) {
                authorize(
                    by,
                    Action::PlanRotations {
                        facility_id: facility,
                    },
                )?;
            }
        }
        FeedSubject::Station => {
            registry_repo::find_facility_row(conn, input.subject_id)?
                .ok_or_else(|| ApiError::field("subject_id", Record::Station))?;
            authorize(
                by,
                Action::ReadRotations {
                    facility_id: input.subject_id,
                    station_id: Some(input.subject_id),
                },
            )?;
        }
    }
    let secret = tokens::random_token();
    write_tx(conn, |conn| {
        repo::replace_feed(
            conn,
            input.subject.as_str(),
            input.subject_id,
            &tokens::sha256_hex(secret.as_bytes()),
            &by.label(),
            now(),
        )?;
        audit::record(
            conn,
            by,
            Entry {
                entity: "calendar_feed",
                entity_id: format!("{}:{}", input.subject.as_str(), input.subject_id),
                action: "issue",
                facility_id: Some(by.facility_id),
                changes: json!({}),
            },
        )?;
        Ok::<_, ApiError>(())
    })?;
    Ok(CalendarFeed {
        subject: input.subject,
        subject_id: input.subject_id,
        path: format!("/api/v1/calendar-feeds/{secret}/calendar.ics"),
    })
}

/// What a feed shows: whose calendar, and their assignments that book them.
pub struct FeedContent {
    /// Calendar name.
    pub name: String,
    /// Assignments (published onwards) with their staff and station.
    pub assignments: Vec<RotationAssignmentLite>,
    /// Consultation sessions of the subject.
    pub sessions: Vec<crate::consultations::repo::SessionRow>,
}

/// An assignment as a feed shows it.
pub struct RotationAssignmentLite {
    /// Id.
    pub id: i64,
    /// Person.
    pub staff_name: String,
    /// Station.
    pub station_name: String,
    /// Days.
    pub span: Span,
    /// Status.
    pub status: AssignmentStatus,
    /// Last change.
    pub updated_at: NaiveDateTime,
}

/// The content of the feed behind a secret, or 404.
pub fn feed_content(conn: &mut AnyConn, secret: &str) -> Result<FeedContent, ApiError> {
    let not_found = || ApiError::not_found(Record::Calendar);
    let (subject, subject_id) =
        repo::feed_subject(conn, &tokens::sha256_hex(secret.as_bytes()))?.ok_or_else(not_found)?;
    let subject: FeedSubject = parse(&subject, "feed subject")?;
    let today = shared::referral::vn_date(utc(now()));
    let from = today - chrono::Duration::days(366);
    let to = today + chrono::Duration::days(400);
    let mut filter = AssignmentFilter {
        booking_only: true,
        from: Some(from),
        to: Some(to),
        ..AssignmentFilter::default()
    };
    let name = match subject {
        FeedSubject::Staff => {
            filter.staff_ids = Some(vec![subject_id]);
            let refs = staff_refs(conn, &[subject_id])?;
            let person = refs.get(&subject_id).ok_or_else(not_found)?;
            Message::CalendarName(person.full_name.clone()).text(Lang::Vi)
        }
        FeedSubject::Station => {
            filter.station_id = Some(subject_id);
            let station = registry_repo::facility_ref(conn, subject_id)?;
            Message::CalendarName(station.name.clone()).text(Lang::Vi)
        }
    };
    let rows: Vec<AssignmentRow> = repo::list_assignments(conn, &filter, None)?
        .into_iter()
        .filter(|r| r.status != AssignmentStatus::Proposed.as_str())
        .collect();
    let people = staff_refs(conn, &rows.iter().map(|r| r.staff_id).collect::<Vec<_>>())?;
    let stations =
        registry_repo::facility_refs(conn, &rows.iter().map(|r| r.station_id).collect::<Vec<_>>())?;
    let assignments = rows
        .into_iter()
        .map(|row| {
            Ok(RotationAssignmentLite {
                id: row.id,
                staff_name: people
                    .get(&row.staff_id)
                    .map(|p| p.full_name.clone())
                    .unwrap_or_default(),
                station_name: stations
                    .get(&row.station_id)
                    .map(|s| s.name.clone())
                    .unwrap_or_default(),
                span: row.span(),
                status: parse(&row.status, "assignment status")?,
                updated_at: row.updated_at,
            })
        })
        .collect::<Result<_, ApiError>>()?;
    let (from_at, to_at) = (
        from.and_hms_opt(0, 0, 0).unwrap_or_default(),
        to.and_hms_opt(0, 0, 0).unwrap_or_default(),
    );
    let sessions = match subject {
        FeedSubject::Staff => crate::consultations::repo::sessions_between(
            conn,
            None,
            Some(subject_id),
            from_at,
            to_at,
        )?,
        FeedSubject::Station => crate::consultations::repo::sessions_between(
            conn,
            Some(&[subject_id]),
            None,
            from_at,
            to_at,
        )?,
    };
    Ok(FeedContent {
        name,
        assignments,
        sessions,
    })
}
