//! Registry use cases: authorization, transaction, rule checks, audit.

use serde_json::json;
use shared::page::{Page, clamp_limit};
use shared::registry::{
    Department, DepartmentInput, DepartmentQuery, Facility, FacilityInput, FacilityQuery, Leave,
    LeaveInput, Staff, StaffInput, StaffQuery, SupportLink, SupportLinkInput, SupportLinkQuery,
};

use super::repo::{self, DepartmentChanges, FacilityChanges, StaffChanges};
use crate::audit::{self, Entry};
use crate::auth::{Action, FacilityScope, Principal, authorize};
use crate::db::{AnyConn, now, write_tx};
use crate::error::ApiError;
use crate::http::{page_of, parse_cursor};
use crate::idempotency;
use shared::message::{Message, Record};

fn facility_not_found() -> ApiError {
    ApiError::not_found(Record::HealthFacility)
}

fn staff_not_found() -> ApiError {
    ApiError::not_found(Record::Staff)
}

/// Whether `by` may see this member of staff's citizen id (personal data).
pub fn may_see_citizen_id(by: &Principal, facility_id: i64, staff_id: i64) -> bool {
    crate::auth::policy::allowed(
        by,
        Action::SeeStaffCitizenId {
            facility_id,
            staff_id,
        },
    )
}

/// A member of staff as `by` may see them: the citizen id only for those allowed.
fn shown_to(by: &Principal, mut member: Staff) -> Staff {
    if !may_see_citizen_id(by, member.facility_id, member.id) {
        member.citizen_id = None;
    }
    member
}

fn department_not_found() -> ApiError {
    ApiError::not_found(Record::Department)
}

/// Lists facilities (everyone signed in: the registry is the network's shared map).
pub fn list_facilities(
    conn: &mut AnyConn,
    by: &Principal,
    query: &FacilityQuery,
) -> Result<Page<Facility>, ApiError> {
    authorize(by, Action::ReadRegistry)?;
    let limit = clamp_limit(query.limit);
    let after = parse_cursor(query.cursor.as_deref())?;
    let rows = repo::list_facilities(conn, query, after, limit + 1)?;
    Ok(page_of(rows, limit, |facility: &Facility| facility.id))
}

/// One facility.
pub fn get_facility(conn: &mut AnyConn, by: &Principal, id: i64) -> Result<Facility, ApiError> {
    authorize(by, Action::ReadRegistry)?;
    repo::find_facility(conn, id)?.ok_or_else(facility_not_found)
}

fn check_facility_refs(
    conn: &mut AnyConn,
    input: &FacilityInput,
    id: Option<i64>,
) -> Result<(), ApiError> {
    if let Some(supervising) = input.supervising_id {
        if Some(supervising) == id {
            return Err(ApiError::field("supervising_id", Message::SupervisesItself));
        }
        repo::find_facility_row(conn, supervising)?
            .ok_or_else(|| ApiError::field("supervising_id", Record::SupervisingFacility))?;
    }
    Ok(())
}

/// Creates a facility (admins), once per `Idempotency-Key`.
pub fn create_facility(
    conn: &mut AnyConn,
    by: &Principal,
    key: Option<&str>,
    input: &FacilityInput,
) -> Result<Facility, ApiError> {
    authorize(by, Action::ManageFacilities)?;
    idempotency::once_record(
        conn,
        by,
        key,
        ("POST /facilities", "/api/v1/facilities"),
        input,
        |conn| {
            check_facility_refs(conn, input, None)?;
            let at = now();
            let id = repo::insert_facility(conn, &FacilityChanges::from_input(input, 1, at), at)?;
            repo::replace_capabilities(conn, id, &input.capabilities)?;
            let facility = repo::find_facility(conn, id)?.ok_or_else(facility_not_found)?;
            audit::record(
                conn,
                by,
                Entry {
                    entity: "facility",
                    entity_id: id.to_string(),
                    action: "create",
                    facility_id: Some(id),
                    changes: audit::snapshot(&facility),
                },
            )?;
            Ok(facility)
        },
        |conn, id| get_facility(conn, by, id),
    )
}

/// Replaces a facility (admins) at the version the client read.
pub fn update_facility(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    version: i64,
    input: &FacilityInput,
) -> Result<Facility, ApiError> {
    authorize(by, Action::ManageFacilities)?;
    write_tx(conn, |conn| {
        let before = repo::find_facility(conn, id)?.ok_or_else(facility_not_found)?;
        if before.version != version {
            return Err(ApiError::precondition_failed());
        }
        check_facility_refs(conn, input, Some(id))?;
        let changes = FacilityChanges::from_input(input, version + 1, now());
        if repo::update_facility(conn, id, version, &changes)? == 0 {
            return Err(ApiError::precondition_failed());
        }
        repo::replace_capabilities(conn, id, &input.capabilities)?;
        let after = repo::find_facility(conn, id)?.ok_or_else(facility_not_found)?;
        audit::record(
            conn,
            by,
            Entry {
                entity: "facility",
                entity_id: id.to_string(),
                action: "update",
                facility_id: Some(id),
                changes: audit::diff(&before, &after),
            },
        )?;
        Ok(after)
    })
}

/// Lists support links.
pub fn list_support_links(
    conn: &mut AnyConn,
    by: &Principal,
    query: &SupportLinkQuery,
) -> Result<Page<SupportLink>, ApiError> {
    authorize(by, Action::ReadRegistry)?;
    let limit = clamp_limit(query.limit);
    let links = repo::page_support_links(
        conn,
        (query.supporter_id, query.supported_id, None),
        parse_cursor(query.cursor.as_deref())?,
        limit + 1,
    )?;
    Ok(page_of(links, limit, |link: &SupportLink| link.id))
}

/// Links a supporting facility to a supported one (admins).
pub fn create_support_link(
    conn: &mut AnyConn,
    by: &Principal,
    key: Option<&str>,
    input: &SupportLinkInput,
) -> Result<SupportLink, ApiError> {
    authorize(by, Action::ManageSupportLinks)?;
    idempotency::once_record(
        conn,
        by,
        key,
        ("POST /support-links", "/api/v1/support-links"),
        input,
        |conn| {
            for (field, id) in [
                ("supporter_id", input.supporter_id),
                ("supported_id", input.supported_id),
            ] {
                repo::find_facility_row(conn, id)?
                    .ok_or_else(|| ApiError::field(field, Message::NoSuch(Record::Facility)))?;
            }
            if !repo::list_support_links(
                conn,
                Some(input.supporter_id),
                Some(input.supported_id),
                None,
            )?
            .is_empty()
            {
                return Err(ApiError::conflict(Message::SupportLinkExists));
            }
            let id = repo::insert_support_link(conn, input, now())?;
            let link = repo::list_support_links(conn, None, None, Some(id))?
                .pop()
                .ok_or_else(|| ApiError::internal("support link vanished"))?;
            audit::record(
                conn,
                by,
                Entry {
                    entity: "support_link",
                    entity_id: id.to_string(),
                    action: "create",
                    facility_id: Some(input.supported_id),
                    changes: audit::snapshot(&link),
                },
            )?;
            Ok(link)
        },
        |conn, id| {
            repo::list_support_links(conn, None, None, Some(id))?
                .pop()
                .ok_or_else(|| ApiError::not_found(Message::NoSuch(Record::SupportLink)))
        },
    )
}

/// Removes a support link (admins).
pub fn delete_support_link(conn: &mut AnyConn, by: &Principal, id: i64) -> Result<(), ApiError> {
    authorize(by, Action::ManageSupportLinks)?;
    write_tx(conn, |conn| {
        let link = repo::list_support_links(conn, None, None, Some(id))?
            .pop()
            .ok_or_else(|| ApiError::not_found(Record::SupportLink))?;
        repo::delete_support_link(conn, id)?;
        audit::record(
            conn,
            by,
            Entry {
                entity: "support_link",
                entity_id: id.to_string(),
                action: "delete",
                facility_id: Some(link.supported.id),
                changes: audit::snapshot(&link),
            },
        )?;
        Ok(())
    })
}

/// Lists departments.
pub fn list_departments(
    conn: &mut AnyConn,
    by: &Principal,
    query: &DepartmentQuery,
) -> Result<Page<Department>, ApiError> {
    authorize(by, Action::ReadRegistry)?;
    let limit = clamp_limit(query.limit);
    let after = parse_cursor(query.cursor.as_deref())?;
    let rows = repo::list_departments(conn, query, after, limit + 1)?;
    Ok(page_of(rows, limit, |department: &Department| {
        department.id
    }))
}

/// One department.
pub fn get_department(conn: &mut AnyConn, by: &Principal, id: i64) -> Result<Department, ApiError> {
    authorize(by, Action::ReadRegistry)?;
    repo::find_department(conn, id)?.ok_or_else(department_not_found)
}

/// Creates a department of a facility.
pub fn create_department(
    conn: &mut AnyConn,
    by: &Principal,
    key: Option<&str>,
    input: &DepartmentInput,
) -> Result<Department, ApiError> {
    authorize(
        by,
        Action::ManageDepartments {
            facility_id: input.facility_id,
        },
    )?;
    idempotency::once_record(
        conn,
        by,
        key,
        ("POST /departments", "/api/v1/departments"),
        input,
        |conn| {
            repo::find_facility_row(conn, input.facility_id)?
                .ok_or_else(|| ApiError::field("facility_id", Message::NoSuch(Record::Facility)))?;
            let at = now();
            let id =
                repo::insert_department(conn, &DepartmentChanges::from_input(input, 1, at), at)?;
            let department = repo::find_department(conn, id)?.ok_or_else(department_not_found)?;
            audit::record(
                conn,
                by,
                Entry {
                    entity: "department",
                    entity_id: id.to_string(),
                    action: "create",
                    facility_id: Some(input.facility_id),
                    changes: audit::snapshot(&department),
                },
            )?;
            Ok(department)
        },
        |conn, id| get_department(conn, by, id),
    )
}

/// Replaces a department at the version the client read.
pub fn update_department(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    version: i64,
    input: &DepartmentInput,
) -> Result<Department, ApiError> {
    write_tx(conn, |conn| {
        let before = repo::find_department(conn, id)?.ok_or_else(department_not_found)?;
        authorize(
            by,
            Action::ManageDepartments {
                facility_id: before.facility_id,
            },
        )?;
        if before.version != version {
            return Err(ApiError::precondition_failed());
        }
        if input.facility_id != before.facility_id {
            return Err(ApiError::field("facility_id", Message::DepartmentMoved));
        }
        let changes = DepartmentChanges::from_input(input, version + 1, now());
        if repo::update_department(conn, id, version, &changes)? == 0 {
            return Err(ApiError::precondition_failed());
        }
        let after = repo::find_department(conn, id)?.ok_or_else(department_not_found)?;
        audit::record(
            conn,
            by,
            Entry {
                entity: "department",
                entity_id: id.to_string(),
                action: "update",
                facility_id: Some(after.facility_id),
                changes: audit::diff(&before, &after),
            },
        )?;
        Ok(after)
    })
}

/// Lists staff the principal may see: of one facility when asked (403 outside the
/// principal's scope), otherwise of every facility in scope.
pub fn list_staff(
    conn: &mut AnyConn,
    by: &Principal,
    query: &StaffQuery,
) -> Result<Page<Staff>, ApiError> {
    let within = match query.facility_id {
        Some(facility_id) => {
            authorize(by, Action::ReadStaff { facility_id })?;
            None
        }
        None => {
            authorize(
                by,
                Action::ReadStaff {
                    facility_id: by.facility_id,
                },
            )?;
            match &by.scope {
                FacilityScope::All => None,
                FacilityScope::Only(ids) => Some(
                    ids.iter()
                        .copied()
                        .filter(|&facility_id| {
                            crate::auth::policy::allowed(by, Action::ReadStaff { facility_id })
                        })
                        .collect(),
                ),
            }
        }
    };
    let limit = clamp_limit(query.limit);
    let after = parse_cursor(query.cursor.as_deref())?;
    let rows = repo::list_staff(conn, query, within, after, limit + 1)?
        .into_iter()
        .map(|member| shown_to(by, member))
        .collect();
    Ok(page_of(rows, limit, |member: &Staff| member.id))
}

/// One member of staff (403 outside the principal's scope).
pub fn get_staff(conn: &mut AnyConn, by: &Principal, id: i64) -> Result<Staff, ApiError> {
    let member = repo::find_staff(conn, id)?.ok_or_else(staff_not_found)?;
    authorize(
        by,
        Action::ReadStaff {
            facility_id: member.facility_id,
        },
    )?;
    Ok(shown_to(by, member))
}

fn check_staff_refs(conn: &mut AnyConn, input: &StaffInput) -> Result<(), ApiError> {
    repo::find_facility_row(conn, input.facility_id)?
        .ok_or_else(|| ApiError::field("facility_id", Message::NoSuch(Record::Facility)))?;
    if let Some(department) = input.department_id {
        let facility = repo::department_facility(conn, department)?
            .ok_or_else(|| ApiError::field("department_id", Record::Department))?;
        if facility != input.facility_id {
            return Err(ApiError::field(
                "department_id",
                Message::DepartmentOfOtherFacility,
            ));
        }
    }
    Ok(())
}

/// Creates a member of staff.
pub fn create_staff(
    conn: &mut AnyConn,
    by: &Principal,
    key: Option<&str>,
    input: &StaffInput,
) -> Result<Staff, ApiError> {
    authorize(
        by,
        Action::ManageStaff {
            facility_id: input.facility_id,
        },
    )?;
    // A staff record carries personal data (the citizen id): the key keeps its id only.
    let create = |conn: &mut AnyConn| {
        check_staff_refs(conn, input)?;
        let at = now();
        let id = repo::insert_staff(conn, &StaffChanges::from_input(input, 1, at), at)?;
        let member = repo::find_staff(conn, id)?.ok_or_else(staff_not_found)?;
        audit::record(
            conn,
            by,
            Entry {
                entity: "staff",
                entity_id: id.to_string(),
                action: "create",
                facility_id: Some(member.facility_id),
                changes: audit::snapshot(&member),
            },
        )?;
        Ok(member)
    };
    let member = idempotency::once_record(
        conn,
        by,
        key,
        ("POST /staff", "/api/v1/staff"),
        input,
        create,
        |conn, id| get_staff(conn, by, id),
    )?;
    Ok(shown_to(by, member))
}

/// Replaces a member of staff at the version the client read. Moving someone to
/// another facility needs the right to manage staff at both.
pub fn update_staff(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    version: i64,
    input: &StaffInput,
) -> Result<Staff, ApiError> {
    let after = write_tx(conn, |conn| {
        let before = repo::find_staff(conn, id)?.ok_or_else(staff_not_found)?;
        for facility_id in [before.facility_id, input.facility_id] {
            authorize(by, Action::ManageStaff { facility_id })?;
        }
        if before.version != version {
            return Err(ApiError::precondition_failed());
        }
        check_staff_refs(conn, input)?;
        // Someone who was shown no citizen id sends none back: the recorded one stays.
        let mut input = input.clone();
        if !may_see_citizen_id(by, before.facility_id, id) {
            input.citizen_id = before.citizen_id.clone();
        }
        let changes = StaffChanges::from_input(&input, version + 1, now());
        if repo::update_staff(conn, id, version, &changes)? == 0 {
            return Err(ApiError::precondition_failed());
        }
        let after = repo::find_staff(conn, id)?.ok_or_else(staff_not_found)?;
        audit::record(
            conn,
            by,
            Entry {
                entity: "staff",
                entity_id: id.to_string(),
                action: "update",
                facility_id: Some(after.facility_id),
                changes: audit::diff(&before, &after),
            },
        )?;
        Ok(after)
    })?;
    Ok(shown_to(by, after))
}

/// Records a leave period; overlapping leave of the same person is refused.
pub fn add_leave(
    conn: &mut AnyConn,
    by: &Principal,
    staff_id: i64,
    key: Option<&str>,
    input: &LeaveInput,
) -> Result<Leave, ApiError> {
    let member = repo::find_staff(conn, staff_id)?.ok_or_else(staff_not_found)?;
    authorize(
        by,
        Action::ManageStaff {
            facility_id: member.facility_id,
        },
    )?;
    let endpoint = format!("POST /staff/{staff_id}/leaves");
    idempotency::once_record(
        conn,
        by,
        key,
        (&endpoint, &format!("/api/v1/staff/{staff_id}/leaves")),
        input,
        |conn| {
            let member = repo::find_staff(conn, staff_id)?.ok_or_else(staff_not_found)?;
            if member.leaves.iter().any(|leave| {
                leave.start_date <= input.end_date && input.start_date <= leave.end_date
            }) {
                return Err(ApiError::field("start_date", Message::LeaveOverlaps));
            }
            let at = now();
            let id = repo::insert_leave(conn, staff_id, input, at)?;
            repo::bump_staff_version(conn, staff_id, at)?;
            let leave =
                repo::find_leave(conn, id)?.ok_or_else(|| ApiError::internal("leave vanished"))?;
            audit::record(
                conn,
                by,
                Entry {
                    entity: "staff_leave",
                    entity_id: id.to_string(),
                    action: "create",
                    facility_id: Some(member.facility_id),
                    changes: audit::snapshot(&leave),
                },
            )?;
            Ok(leave)
        },
        |conn, id| repo::find_leave(conn, id)?.ok_or_else(|| ApiError::internal("leave vanished")),
    )
}

/// Removes a leave period.
pub fn delete_leave(
    conn: &mut AnyConn,
    by: &Principal,
    staff_id: i64,
    leave_id: i64,
) -> Result<(), ApiError> {
    write_tx(conn, |conn| {
        let member = repo::find_staff(conn, staff_id)?.ok_or_else(staff_not_found)?;
        authorize(
            by,
            Action::ManageStaff {
                facility_id: member.facility_id,
            },
        )?;
        let leave = repo::find_leave(conn, leave_id)?
            .filter(|leave| leave.staff_id == staff_id)
            .ok_or_else(|| ApiError::not_found(Record::Leave))?;
        repo::delete_leave(conn, leave_id)?;
        repo::bump_staff_version(conn, staff_id, now())?;
        audit::record(
            conn,
            by,
            Entry {
                entity: "staff_leave",
                entity_id: leave_id.to_string(),
                action: "delete",
                facility_id: Some(member.facility_id),
                changes: json!({ "removed": audit::snapshot(&leave) }),
            },
        )?;
        Ok(())
    })
}
