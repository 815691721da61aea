//! Diesel queries of the registry.

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use shared::registry::{
    Capability, CapabilityKind, Department, DepartmentKind, DepartmentQuery, Facility,
    FacilityKind, FacilityQuery, FacilityRef, Leave, LeaveKind, Profession, RotationExemption,
    Staff, StaffQuery, SupportLink, TechnicalLevel,
};
use shared::search::fold;
use shared::technique::{CapabilitySource, TechniqueStatus};

use crate::db::{AnyConn, DbEnum, escape_like, utc};
use crate::error::ApiError;
use crate::schema::{
    departments, facilities, facility_capabilities, staff, staff_leaves, support_links,
};

/// A `facilities` row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = facilities)]
pub struct FacilityRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: DbEnum<FacilityKind>,
    pub level: Option<DbEnum<TechnicalLevel>>,
    pub supervising_id: Option<i64>,
    pub province: String,
    pub ward: Option<String>,
    pub address: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub phone: Option<String>,
    pub active: bool,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The columns a facility input writes.
#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = facilities, treat_none_as_null = true)]
pub struct FacilityChanges<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub kind: DbEnum<FacilityKind>,
    pub level: Option<DbEnum<TechnicalLevel>>,
    pub supervising_id: Option<i64>,
    pub province: &'a str,
    pub ward: Option<&'a str>,
    pub address: Option<&'a str>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub phone: Option<&'a str>,
    pub active: bool,
    pub version: i64,
    pub updated_at: NaiveDateTime,
    /// The name folded for accent-insensitive search (public, like the name).
    pub name_search: String,
}

impl<'a> FacilityChanges<'a> {
    /// From an API input, trimmed.
    pub fn from_input(
        input: &'a shared::registry::FacilityInput,
        version: i64,
        at: NaiveDateTime,
    ) -> FacilityChanges<'a> {
        let text = |value: &'a Option<String>| {
            value
                .as_deref()
                .map(str::trim)
                .filter(|value| !value.is_empty())
        };
        FacilityChanges {
            code: input.code.trim(),
            name: input.name.trim(),
            name_search: fold(&input.name),
            kind: DbEnum(input.kind),
            level: input.level.map(DbEnum),
            supervising_id: input.supervising_id,
            province: input.province.trim(),
            ward: text(&input.ward),
            address: text(&input.address),
            latitude: input.latitude,
            longitude: input.longitude,
            phone: text(&input.phone),
            active: input.active,
            version,
            updated_at: at,
        }
    }
}

/// The insert and the versioned update of a registry table whose input writes one set of
/// columns (`$changes`): the same two statements for facilities, departments and staff.
macro_rules! writes {
    ($table:ident, $changes:ident, $insert:ident, $update:ident, $what:literal) => {
        #[doc = concat!("Inserts ", $what, ", returning its id.")]
        pub fn $insert(
            conn: &mut AnyConn,
            changes: &$changes<'_>,
            at: NaiveDateTime,
        ) -> QueryResult<i64> {
            diesel::insert_into($table::table)
                .values((changes, $table::created_at.eq(at)))
                .returning($table::id)
                .get_result(conn)
        }

        #[doc = concat!("Replaces ", $what, " when the version matches; returns rows changed.")]
        pub fn $update(
            conn: &mut AnyConn,
            id: i64,
            expected_version: i64,
            changes: &$changes<'_>,
        ) -> QueryResult<usize> {
            diesel::update(
                $table::table.filter($table::id.eq(id).and($table::version.eq(expected_version))),
            )
            .set(changes)
            .execute(conn)
        }
    };
}

writes!(
    facilities,
    FacilityChanges,
    insert_facility,
    update_facility,
    "a facility"
);

/// Replaces a facility's capabilities.
pub fn replace_capabilities(
    conn: &mut AnyConn,
    facility_id: i64,
    capabilities: &[Capability],
) -> QueryResult<()> {
    diesel::delete(
        facility_capabilities::table.filter(facility_capabilities::facility_id.eq(facility_id)),
    )
    .execute(conn)?;
    // Row by row: batch inserts do not compile through the multi-backend connection.
    for capability in capabilities {
        diesel::insert_into(facility_capabilities::table)
            .values((
                facility_capabilities::facility_id.eq(facility_id),
                facility_capabilities::kind.eq(DbEnum(capability.kind)),
                facility_capabilities::code.eq(capability.code.trim()),
                facility_capabilities::name.eq(capability.name.trim()),
                facility_capabilities::status.eq(DbEnum(capability.status)),
                facility_capabilities::source.eq(DbEnum(capability.source)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Finds a facility row.
pub fn find_facility_row(conn: &mut AnyConn, id: i64) -> QueryResult<Option<FacilityRow>> {
    facilities::table
        .find(id)
        .select(FacilityRow::as_select())
        .first(conn)
        .optional()
}

/// A short reference to a facility (404 when it does not exist).
pub fn facility_ref(conn: &mut AnyConn, id: i64) -> Result<FacilityRef, ApiError> {
    let (id, code, name, kind) = facilities::table
        .find(id)
        .select((
            facilities::id,
            facilities::code,
            facilities::name,
            facilities::kind,
        ))
        .first::<(i64, String, String, DbEnum<FacilityKind>)>(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found(shared::message::Record::Facility))?;
    Ok(FacilityRef {
        id,
        code,
        name,
        kind: kind.0,
    })
}

pub fn facility_refs(
    conn: &mut AnyConn,
    ids: &[i64],
) -> Result<HashMap<i64, FacilityRef>, ApiError> {
    let rows = facilities::table
        .filter(facilities::id.eq_any(ids))
        .select((
            facilities::id,
            facilities::code,
            facilities::name,
            facilities::kind,
        ))
        .load::<(i64, String, String, DbEnum<FacilityKind>)>(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, code, name, kind)| {
            (
                id,
                FacilityRef {
                    id,
                    code,
                    name,
                    kind: kind.0,
                },
            )
        })
        .collect())
}

/// Renames (or recodes) a catalogue technique on every facility that has it.
pub fn rename_technique(
    conn: &mut AnyConn,
    old_code: &str,
    code: &str,
    name: &str,
) -> QueryResult<usize> {
    diesel::update(
        facility_capabilities::table
            .filter(facility_capabilities::kind.eq(DbEnum(CapabilityKind::Technique)))
            .filter(facility_capabilities::code.eq(old_code)),
    )
    .set((
        facility_capabilities::code.eq(code),
        facility_capabilities::name.eq(name),
    ))
    .execute(conn)
}

/// A `facility_capabilities` row as the loader reads it.
type CapabilityColumns = (
    i64,
    DbEnum<CapabilityKind>,
    String,
    String,
    DbEnum<TechniqueStatus>,
    DbEnum<CapabilitySource>,
);

/// Loads facilities with their capabilities and support links, in the given order.
pub fn hydrate_facilities(
    conn: &mut AnyConn,
    rows: Vec<FacilityRow>,
) -> Result<Vec<Facility>, ApiError> {
    let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    let mut capabilities: HashMap<i64, Vec<Capability>> = HashMap::new();
    for (facility_id, kind, code, name, status, source) in facility_capabilities::table
        .filter(facility_capabilities::facility_id.eq_any(&ids))
        .order((
            facility_capabilities::facility_id,
            facility_capabilities::id,
        ))
        .select((
            facility_capabilities::facility_id,
            facility_capabilities::kind,
            facility_capabilities::code,
            facility_capabilities::name,
            facility_capabilities::status,
            facility_capabilities::source,
        ))
        .load::<CapabilityColumns>(conn)?
    {
        capabilities
            .entry(facility_id)
            .or_default()
            .push(Capability {
                kind: kind.0,
                code,
                name,
                status: status.0,
                source: source.0,
            });
    }
    let links = support_links::table
        .filter(
            support_links::supporter_id
                .eq_any(&ids)
                .or(support_links::supported_id.eq_any(&ids)),
        )
        .order(support_links::id)
        .select((support_links::supporter_id, support_links::supported_id))
        .load::<(i64, i64)>(conn)?;
    let mut linked: Vec<i64> = links.iter().flat_map(|(a, b)| [*a, *b]).collect();
    linked.sort_unstable();
    linked.dedup();
    let refs = facility_refs(conn, &linked)?;
    rows.into_iter()
        .map(|row| {
            let supports = links
                .iter()
                .filter(|(supporter, _)| *supporter == row.id)
                .filter_map(|(_, supported)| refs.get(supported).cloned())
                .collect();
            let supported_by = links
                .iter()
                .filter(|(_, supported)| *supported == row.id)
                .filter_map(|(supporter, _)| refs.get(supporter).cloned())
                .collect();
            Ok(Facility {
                kind: row.kind.0,
                level: row.level.map(|level| level.0),
                capabilities: capabilities.remove(&row.id).unwrap_or_default(),
                supports,
                supported_by,
                id: row.id,
                code: row.code,
                name: row.name,
                supervising_id: row.supervising_id,
                province: row.province,
                ward: row.ward,
                address: row.address,
                latitude: row.latitude,
                longitude: row.longitude,
                phone: row.phone,
                active: row.active,
                version: row.version,
                created_at: utc(row.created_at),
                updated_at: utc(row.updated_at),
            })
        })
        .collect()
}

/// One facility with everything it carries.
pub fn find_facility(conn: &mut AnyConn, id: i64) -> Result<Option<Facility>, ApiError> {
    match find_facility_row(conn, id)? {
        Some(row) => Ok(hydrate_facilities(conn, vec![row])?.pop()),
        None => Ok(None),
    }
}

/// Facilities matching the filters, by id after the cursor.
pub fn list_facilities(
    conn: &mut AnyConn,
    query: &FacilityQuery,
    after: Option<i64>,
    limit: i64,
) -> Result<Vec<Facility>, ApiError> {
    let mut rows = facilities::table
        .select(FacilityRow::as_select())
        .into_boxed();
    if let Some(kind) = query.kind {
        rows = rows.filter(facilities::kind.eq(DbEnum(kind)));
    }
    if let Some(level) = query.level {
        rows = rows.filter(facilities::level.eq(DbEnum(level)));
    }
    if let Some(province) = &query.province {
        rows = rows.filter(facilities::province.eq(province.clone()));
    }
    if let Some(supervising) = query.supervising_id {
        rows = rows.filter(facilities::supervising_id.eq(supervising));
    }
    if let Some(supporter) = query.supported_by {
        rows = rows.filter(
            facilities::id.eq_any(
                support_links::table
                    .filter(support_links::supporter_id.eq(supporter))
                    .select(support_links::supported_id),
            ),
        );
    }
    if let Some(code) = &query.capability {
        rows = rows.filter(
            facilities::id.eq_any(
                facility_capabilities::table
                    .filter(facility_capabilities::code.eq(code.clone()))
                    .select(facility_capabilities::facility_id),
            ),
        );
    }
    if let Some(q) = query.q.as_deref().filter(|q| !q.trim().is_empty()) {
        let pattern = format!("%{}%", escape_like(q));
        let folded = format!("%{}%", escape_like(&fold(q)));
        rows = rows.filter(
            facilities::code
                .like(pattern)
                .escape('\\')
                .or(facilities::name_search.like(folded).escape('\\')),
        );
    }
    if let Some(after) = after {
        rows = rows.filter(facilities::id.gt(after));
    }
    let rows = rows
        .order(facilities::id.asc())
        .limit(limit)
        .load::<FacilityRow>(conn)?;
    hydrate_facilities(conn, rows)
}

/// Support links matching the filters, by id.
pub fn list_support_links(
    conn: &mut AnyConn,
    supporter_id: Option<i64>,
    supported_id: Option<i64>,
    id: Option<i64>,
) -> Result<Vec<SupportLink>, ApiError> {
    page_support_links(conn, (supporter_id, supported_id, id), None, i64::MAX)
}

/// Up to `limit` support links matching the filters (supporter, supported, id) with an
/// id after `after`, by id.
pub fn page_support_links(
    conn: &mut AnyConn,
    (supporter_id, supported_id, id): (Option<i64>, Option<i64>, Option<i64>),
    after: Option<i64>,
    limit: i64,
) -> Result<Vec<SupportLink>, ApiError> {
    let mut query = support_links::table
        .select((
            support_links::id,
            support_links::supporter_id,
            support_links::supported_id,
            support_links::since,
            support_links::note,
            support_links::created_at,
        ))
        .into_boxed();
    if let Some(supporter) = supporter_id {
        query = query.filter(support_links::supporter_id.eq(supporter));
    }
    if let Some(supported) = supported_id {
        query = query.filter(support_links::supported_id.eq(supported));
    }
    if let Some(id) = id {
        query = query.filter(support_links::id.eq(id));
    }
    if let Some(after) = after {
        query = query.filter(support_links::id.gt(after));
    }
    let rows = query.order(support_links::id.asc()).limit(limit).load::<(
        i64,
        i64,
        i64,
        Option<NaiveDate>,
        Option<String>,
        NaiveDateTime,
    )>(conn)?;
    let mut ids: Vec<i64> = rows.iter().flat_map(|row| [row.1, row.2]).collect();
    ids.sort_unstable();
    ids.dedup();
    let refs = facility_refs(conn, &ids)?;
    rows.into_iter()
        .map(|(id, supporter, supported, since, note, created_at)| {
            let get = |facility: i64| {
                refs.get(&facility)
                    .cloned()
                    .ok_or_else(|| ApiError::internal("support link to missing facility"))
            };
            Ok(SupportLink {
                id,
                supporter: get(supporter)?,
                supported: get(supported)?,
                since,
                note,
                created_at: utc(created_at),
            })
        })
        .collect()
}

/// Inserts a support link, returning its id.
pub fn insert_support_link(
    conn: &mut AnyConn,
    input: &shared::registry::SupportLinkInput,
    at: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(support_links::table)
        .values((
            support_links::supporter_id.eq(input.supporter_id),
            support_links::supported_id.eq(input.supported_id),
            support_links::since.eq(input.since),
            support_links::note.eq(input.note.as_deref()),
            support_links::created_at.eq(at),
        ))
        .returning(support_links::id)
        .get_result(conn)
}

/// Deletes a support link; returns rows removed.
pub fn delete_support_link(conn: &mut AnyConn, id: i64) -> QueryResult<usize> {
    diesel::delete(support_links::table.find(id)).execute(conn)
}

/// A `departments` row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = departments)]
pub struct DepartmentRow {
    pub id: i64,
    pub facility_id: i64,
    pub code: String,
    pub name: String,
    pub kind: DbEnum<DepartmentKind>,
    pub min_on_site: String,
    pub active: bool,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The columns a department input writes.
#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = departments)]
pub struct DepartmentChanges<'a> {
    pub facility_id: i64,
    pub code: &'a str,
    pub name: &'a str,
    pub kind: DbEnum<DepartmentKind>,
    pub min_on_site: String,
    pub active: bool,
    pub version: i64,
    pub updated_at: NaiveDateTime,
}

impl<'a> DepartmentChanges<'a> {
    /// From an API input.
    pub fn from_input(
        input: &'a shared::registry::DepartmentInput,
        version: i64,
        at: NaiveDateTime,
    ) -> DepartmentChanges<'a> {
        DepartmentChanges {
            facility_id: input.facility_id,
            code: input.code.trim(),
            name: input.name.trim(),
            kind: DbEnum(input.kind),
            min_on_site: serde_json::to_string(&input.min_on_site).unwrap_or_else(|_| "{}".into()),
            active: input.active,
            version,
            updated_at: at,
        }
    }
}

fn hydrate_departments(
    conn: &mut AnyConn,
    rows: Vec<DepartmentRow>,
) -> Result<Vec<Department>, ApiError> {
    let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    let counts: HashMap<i64, i64> = staff::table
        .filter(
            staff::department_id
                .eq_any(&ids)
                .and(staff::active.eq(true)),
        )
        .group_by(staff::department_id)
        .select((staff::department_id, diesel::dsl::count_star()))
        .load::<(Option<i64>, i64)>(conn)?
        .into_iter()
        .filter_map(|(id, count)| id.map(|id| (id, count)))
        .collect();
    rows.into_iter()
        .map(|row| {
            Ok(Department {
                kind: row.kind.0,
                min_on_site: serde_json::from_str::<BTreeMap<_, _>>(&row.min_on_site)
                    .map_err(ApiError::internal)?,
                staff_count: counts.get(&row.id).copied().unwrap_or(0),
                id: row.id,
                facility_id: row.facility_id,
                code: row.code,
                name: row.name,
                active: row.active,
                version: row.version,
                created_at: utc(row.created_at),
                updated_at: utc(row.updated_at),
            })
        })
        .collect()
}

/// One department.
pub fn find_department(conn: &mut AnyConn, id: i64) -> Result<Option<Department>, ApiError> {
    let row = departments::table
        .find(id)
        .select(DepartmentRow::as_select())
        .first(conn)
        .optional()?;
    match row {
        Some(row) => Ok(hydrate_departments(conn, vec![row])?.pop()),
        None => Ok(None),
    }
}

/// Departments matching the filters.
pub fn list_departments(
    conn: &mut AnyConn,
    query: &DepartmentQuery,
    after: Option<i64>,
    limit: i64,
) -> Result<Vec<Department>, ApiError> {
    let mut rows = departments::table
        .select(DepartmentRow::as_select())
        .into_boxed();
    if let Some(facility) = query.facility_id {
        rows = rows.filter(departments::facility_id.eq(facility));
    }
    if let Some(kind) = query.kind {
        rows = rows.filter(departments::kind.eq(DbEnum(kind)));
    }
    if let Some(after) = after {
        rows = rows.filter(departments::id.gt(after));
    }
    let rows = rows
        .order(departments::id.asc())
        .limit(limit)
        .load::<DepartmentRow>(conn)?;
    hydrate_departments(conn, rows)
}

writes!(
    departments,
    DepartmentChanges,
    insert_department,
    update_department,
    "a department"
);

/// The facility of a department, if it exists.
pub fn department_facility(conn: &mut AnyConn, id: i64) -> QueryResult<Option<i64>> {
    departments::table
        .find(id)
        .select(departments::facility_id)
        .first(conn)
        .optional()
}

/// A `staff` row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = staff)]
pub struct StaffRow {
    pub id: i64,
    pub facility_id: i64,
    pub department_id: Option<i64>,
    pub code: Option<String>,
    pub full_name: String,
    pub profession: DbEnum<Profession>,
    pub title: Option<String>,
    pub licence_number: Option<String>,
    pub licence_valid_from: Option<NaiveDate>,
    pub licence_valid_until: Option<NaiveDate>,
    pub specialties: String,
    pub monthly_rotation_day_limit: i32,
    pub rotation_exemption: Option<DbEnum<RotationExemption>>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub active: bool,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Personal data of the staff member (see `shared::registry::Staff::citizen_id`).
    pub citizen_id: Option<String>,
}

/// The columns a staff input writes.
#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = staff, treat_none_as_null = true)]
pub struct StaffChanges<'a> {
    pub facility_id: i64,
    pub department_id: Option<i64>,
    pub code: Option<&'a str>,
    pub full_name: &'a str,
    pub profession: DbEnum<Profession>,
    pub title: Option<&'a str>,
    pub licence_number: Option<&'a str>,
    pub licence_valid_from: Option<NaiveDate>,
    pub licence_valid_until: Option<NaiveDate>,
    pub specialties: String,
    pub monthly_rotation_day_limit: i32,
    pub rotation_exemption: Option<DbEnum<RotationExemption>>,
    pub phone: Option<&'a str>,
    pub email: Option<&'a str>,
    pub active: bool,
    pub version: i64,
    pub updated_at: NaiveDateTime,
    pub citizen_id: Option<&'a str>,
    /// The name folded for accent-insensitive search (public, like the name).
    pub name_search: String,
}

impl<'a> StaffChanges<'a> {
    /// From an API input, trimmed.
    pub fn from_input(
        input: &'a shared::registry::StaffInput,
        version: i64,
        at: NaiveDateTime,
    ) -> StaffChanges<'a> {
        let text = |value: &'a Option<String>| {
            value
                .as_deref()
                .map(str::trim)
                .filter(|value| !value.is_empty())
        };
        StaffChanges {
            facility_id: input.facility_id,
            department_id: input.department_id,
            code: text(&input.code),
            full_name: input.full_name.trim(),
            profession: DbEnum(input.profession),
            title: text(&input.title),
            licence_number: text(&input.licence_number),
            licence_valid_from: input.licence_valid_from,
            licence_valid_until: input.licence_valid_until,
            specialties: serde_json::to_string(&input.specialties).unwrap_or_else(|_| "[]".into()),
            monthly_rotation_day_limit: input.monthly_rotation_day_limit,
            rotation_exemption: input.rotation_exemption.map(DbEnum),
            phone: text(&input.phone),
            email: text(&input.email),
            active: input.active,
            version,
            updated_at: at,
            citizen_id: text(&input.citizen_id),
            name_search: fold(&input.full_name),
        }
    }
}

fn leave_from_row(
    (id, staff_id, kind, start_date, end_date, note): (
        i64,
        i64,
        DbEnum<LeaveKind>,
        NaiveDate,
        NaiveDate,
        Option<String>,
    ),
) -> Leave {
    Leave {
        id,
        staff_id,
        kind: kind.0,
        start_date,
        end_date,
        note,
    }
}

type LeaveTuple = (
    i64,
    i64,
    DbEnum<LeaveKind>,
    NaiveDate,
    NaiveDate,
    Option<String>,
);

const LEAVE_COLUMNS: (
    staff_leaves::id,
    staff_leaves::staff_id,
    staff_leaves::kind,
    staff_leaves::start_date,
    staff_leaves::end_date,
    staff_leaves::note,
) = (
    staff_leaves::id,
    staff_leaves::staff_id,
    staff_leaves::kind,
    staff_leaves::start_date,
    staff_leaves::end_date,
    staff_leaves::note,
);

fn hydrate_staff(conn: &mut AnyConn, rows: Vec<StaffRow>) -> Result<Vec<Staff>, ApiError> {
    let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    let mut leaves: HashMap<i64, Vec<Leave>> = HashMap::new();
    for row in staff_leaves::table
        .filter(staff_leaves::staff_id.eq_any(&ids))
        .order((
            staff_leaves::staff_id,
            staff_leaves::start_date,
            staff_leaves::id,
        ))
        .select(LEAVE_COLUMNS)
        .load::<LeaveTuple>(conn)?
    {
        let leave = leave_from_row(row);
        leaves.entry(leave.staff_id).or_default().push(leave);
    }
    rows.into_iter()
        .map(|row| {
            Ok(Staff {
                profession: row.profession.0,
                specialties: serde_json::from_str(&row.specialties).map_err(ApiError::internal)?,
                rotation_exemption: row.rotation_exemption.map(|reason| reason.0),
                leaves: leaves.remove(&row.id).unwrap_or_default(),
                id: row.id,
                facility_id: row.facility_id,
                department_id: row.department_id,
                code: row.code,
                full_name: row.full_name,
                title: row.title,
                licence_number: row.licence_number,
                citizen_id: row.citizen_id,
                licence_valid_from: row.licence_valid_from,
                licence_valid_until: row.licence_valid_until,
                monthly_rotation_day_limit: row.monthly_rotation_day_limit,
                phone: row.phone,
                email: row.email,
                active: row.active,
                version: row.version,
                created_at: utc(row.created_at),
                updated_at: utc(row.updated_at),
            })
        })
        .collect()
}

/// One member of staff with leave.
pub fn find_staff(conn: &mut AnyConn, id: i64) -> Result<Option<Staff>, ApiError> {
    let row = staff::table
        .find(id)
        .select(StaffRow::as_select())
        .first(conn)
        .optional()?;
    match row {
        Some(row) => Ok(hydrate_staff(conn, vec![row])?.pop()),
        None => Ok(None),
    }
}

/// The facility of a member of staff, if they exist.
pub fn staff_facility(conn: &mut AnyConn, id: i64) -> QueryResult<Option<i64>> {
    staff::table
        .find(id)
        .select(staff::facility_id)
        .first(conn)
        .optional()
}

/// Staff matching the filters within the given facilities (`None`: all).
pub fn list_staff(
    conn: &mut AnyConn,
    query: &StaffQuery,
    within: Option<Vec<i64>>,
    after: Option<i64>,
    limit: i64,
) -> Result<Vec<Staff>, ApiError> {
    let mut rows = staff::table.select(StaffRow::as_select()).into_boxed();
    if let Some(within) = within {
        rows = rows.filter(staff::facility_id.eq_any(within));
    }
    if let Some(facility) = query.facility_id {
        rows = rows.filter(staff::facility_id.eq(facility));
    }
    if let Some(department) = query.department_id {
        rows = rows.filter(staff::department_id.eq(department));
    }
    if let Some(profession) = query.profession {
        rows = rows.filter(staff::profession.eq(DbEnum(profession)));
    }
    if let Some(specialty) = query.specialty.as_deref().filter(|s| !s.is_empty()) {
        // Specialties are a JSON array of codes: match the quoted code.
        let pattern = format!("%\"{}\"%", escape_like(specialty));
        rows = rows.filter(staff::specialties.like(pattern).escape('\\'));
    }
    if let Some(day) = query.licence_valid_on {
        rows = rows.filter(
            staff::licence_number
                .is_not_null()
                .and(
                    staff::licence_valid_from
                        .is_null()
                        .or(staff::licence_valid_from.le(day)),
                )
                .and(
                    staff::licence_valid_until
                        .is_null()
                        .or(staff::licence_valid_until.ge(day)),
                ),
        );
    }
    if let Some(active) = query.active {
        rows = rows.filter(staff::active.eq(active));
    }
    if let Some(q) = query.q.as_deref().filter(|q| !q.trim().is_empty()) {
        let pattern = format!("%{}%", escape_like(q));
        let folded = format!("%{}%", escape_like(&fold(q)));
        rows = rows.filter(
            staff::name_search
                .like(folded)
                .escape('\\')
                .or(staff::code.like(pattern.clone()).escape('\\'))
                .or(staff::licence_number.like(pattern).escape('\\')),
        );
    }
    if let Some(after) = after {
        rows = rows.filter(staff::id.gt(after));
    }
    let rows = rows
        .order(staff::id.asc())
        .limit(limit)
        .load::<StaffRow>(conn)?;
    hydrate_staff(conn, rows)
}

writes!(
    staff,
    StaffChanges,
    insert_staff,
    update_staff,
    "a member of staff"
);

/// Bumps a staff record's version (its leave changed).
pub fn bump_staff_version(conn: &mut AnyConn, id: i64, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(staff::table.find(id))
        .set((
            staff::version.eq(staff::version + 1),
            staff::updated_at.eq(at),
        ))
        .execute(conn)
}

/// Inserts a leave period.
pub fn insert_leave(
    conn: &mut AnyConn,
    staff_id: i64,
    input: &shared::registry::LeaveInput,
    at: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(staff_leaves::table)
        .values((
            staff_leaves::staff_id.eq(staff_id),
            staff_leaves::kind.eq(DbEnum(input.kind)),
            staff_leaves::start_date.eq(input.start_date),
            staff_leaves::end_date.eq(input.end_date),
            staff_leaves::note.eq(input.note.as_deref()),
            staff_leaves::created_at.eq(at),
        ))
        .returning(staff_leaves::id)
        .get_result(conn)
}

/// One leave period.
pub fn find_leave(conn: &mut AnyConn, id: i64) -> Result<Option<Leave>, ApiError> {
    Ok(staff_leaves::table
        .find(id)
        .select(LEAVE_COLUMNS)
        .first::<LeaveTuple>(conn)
        .optional()?
        .map(leave_from_row))
}

/// Deletes a leave period.
pub fn delete_leave(conn: &mut AnyConn, id: i64) -> QueryResult<usize> {
    diesel::delete(staff_leaves::table.find(id)).execute(conn)
}
