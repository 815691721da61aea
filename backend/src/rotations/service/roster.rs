//! The roster the rules are checked against.

use super::*;

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

pub(super) fn booking_of(row: &AssignmentRow) -> Booking {
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
