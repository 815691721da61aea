//! The queries an import needs beyond the registry's own: the whole registry of a kind
//! loaded in a few statements (a 3,000-row sheet is diffed in memory, not row by row
//! against the database), and the two writes the registry has no function for.

use chrono::NaiveDate;
use diesel::prelude::*;
use shared::registry::LeaveKind;

use crate::db::{AnyConn, DbEnum};
use crate::registry::repo::{DepartmentRow, FacilityRow, StaffRow};
use crate::schema::{departments, facilities, staff, staff_leaves};

/// A `staff_leaves` row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = staff_leaves)]
pub struct LeaveRow {
    pub id: i64,
    pub staff_id: i64,
    pub kind: DbEnum<LeaveKind>,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub note: Option<String>,
}

/// Every facility, in id order.
pub fn facilities(conn: &mut AnyConn) -> QueryResult<Vec<FacilityRow>> {
    facilities::table
        .order(facilities::id)
        .select(FacilityRow::as_select())
        .load(conn)
}

/// Every department, in id order.
pub fn departments(conn: &mut AnyConn) -> QueryResult<Vec<DepartmentRow>> {
    departments::table
        .order(departments::id)
        .select(DepartmentRow::as_select())
        .load(conn)
}

/// Every member of staff, in id order.
pub fn staff(conn: &mut AnyConn) -> QueryResult<Vec<StaffRow>> {
    staff::table
        .order(staff::id)
        .select(StaffRow::as_select())
        .load(conn)
}

/// Every leave period, in staff and date order.
pub fn leaves(conn: &mut AnyConn) -> QueryResult<Vec<LeaveRow>> {
    staff_leaves::table
        .order((staff_leaves::staff_id, staff_leaves::start_date))
        .select(LeaveRow::as_select())
        .load(conn)
}

/// Points a facility at its supervising facility (a second pass for supervisors that
/// the same file creates further down).
pub fn set_supervising(conn: &mut AnyConn, id: i64, supervising_id: i64) -> QueryResult<usize> {
    diesel::update(facilities::table.find(id))
        .set(facilities::supervising_id.eq(Some(supervising_id)))
        .execute(conn)
}
