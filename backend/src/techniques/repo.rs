//! Diesel queries of the technique catalogue and the specialty networks.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use shared::registry::{FacilityKind, FacilityRef, TechnicalLevel};
use shared::search::fold;
use shared::technique::{
    NetworkInput, NetworkMember, NetworkQuery, NetworkRole, SpecialtyNetwork, Technique,
    TechniqueInput, TechniqueQuery,
};

use crate::db::{AnyConn, DbEnum, escape_like, utc};
use crate::schema::{facilities, specialty_network_members, specialty_networks, techniques};

/// A `techniques` row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = techniques)]
pub struct TechniqueRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub specialty: String,
    pub level: DbEnum<TechnicalLevel>,
    pub active: bool,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl From<TechniqueRow> for Technique {
    fn from(row: TechniqueRow) -> Technique {
        Technique {
            id: row.id,
            code: row.code,
            name: row.name,
            specialty: row.specialty,
            level: row.level.0,
            active: row.active,
            version: row.version,
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
        }
    }
}

/// The columns a technique input writes.
#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = techniques)]
pub struct TechniqueChanges<'a> {
    pub code: &'a str,
    pub name: &'a str,
    /// The name folded for accent-insensitive search (public, like the name).
    pub name_search: String,
    pub specialty: &'a str,
    pub level: DbEnum<TechnicalLevel>,
    pub active: bool,
    pub version: i64,
    pub updated_at: NaiveDateTime,
}

impl<'a> TechniqueChanges<'a> {
    /// From an API input, trimmed.
    pub fn from_input(
        input: &'a TechniqueInput,
        version: i64,
        at: NaiveDateTime,
    ) -> TechniqueChanges<'a> {
        TechniqueChanges {
            code: input.code.trim(),
            name: input.name.trim(),
            name_search: fold(&input.name),
            specialty: input.specialty.trim(),
            level: DbEnum(input.level),
            active: input.active,
            version,
            updated_at: at,
        }
    }
}

/// Inserts a technique, returning its id.
pub fn insert_technique(
    conn: &mut AnyConn,
    changes: &TechniqueChanges<'_>,
    at: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(techniques::table)
        .values((changes, techniques::created_at.eq(at)))
        .returning(techniques::id)
        .get_result(conn)
}

/// Replaces a technique when the version matches; returns rows changed.
pub fn update_technique(
    conn: &mut AnyConn,
    id: i64,
    expected_version: i64,
    changes: &TechniqueChanges<'_>,
) -> QueryResult<usize> {
    diesel::update(
        techniques::table.filter(
            techniques::id
                .eq(id)
                .and(techniques::version.eq(expected_version)),
        ),
    )
    .set(changes)
    .execute(conn)
}

/// One technique.
pub fn find_technique(conn: &mut AnyConn, id: i64) -> QueryResult<Option<Technique>> {
    techniques::table
        .find(id)
        .select(TechniqueRow::as_select())
        .first(conn)
        .optional()
        .map(|row| row.map(Technique::from))
}

/// One technique by its code.
pub fn find_technique_by_code(conn: &mut AnyConn, code: &str) -> QueryResult<Option<Technique>> {
    techniques::table
        .filter(techniques::code.eq(code))
        .select(TechniqueRow::as_select())
        .first(conn)
        .optional()
        .map(|row| row.map(Technique::from))
}

/// Techniques matching `query`, in code order, after the code of `after`.
pub fn list_techniques(
    conn: &mut AnyConn,
    query: &TechniqueQuery,
    after: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<Technique>> {
    let mut rows = techniques::table.into_boxed();
    if let Some(specialty) = query.specialty.as_deref().filter(|s| !s.trim().is_empty()) {
        rows = rows.filter(techniques::specialty.eq(specialty.trim().to_string()));
    }
    if let Some(level) = query.level {
        rows = rows.filter(techniques::level.eq(DbEnum(level)));
    }
    if query.include_retired != Some(true) {
        rows = rows.filter(techniques::active.eq(true));
    }
    if let Some(q) = query.q.as_deref().filter(|q| !q.trim().is_empty()) {
        let pattern = format!("%{}%", escape_like(q));
        let folded = format!("%{}%", escape_like(&fold(q)));
        rows = rows.filter(
            techniques::code
                .like(pattern)
                .escape('\\')
                .or(techniques::name_search.like(folded).escape('\\')),
        );
    }
    if let Some(after) = after {
        rows = rows.filter(techniques::id.gt(after));
    }
    rows.order(techniques::id)
        .limit(limit)
        .select(TechniqueRow::as_select())
        .load(conn)
        .map(|rows| rows.into_iter().map(Technique::from).collect())
}

/// The whole catalogue (retired ones included), for coverage and names.
pub fn catalogue(conn: &mut AnyConn) -> QueryResult<Vec<Technique>> {
    techniques::table
        .order(techniques::code)
        .select(TechniqueRow::as_select())
        .load(conn)
        .map(|rows| rows.into_iter().map(Technique::from).collect())
}

/// A `specialty_networks` row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = specialty_networks)]
pub struct NetworkRow {
    pub id: i64,
    pub name: String,
    pub specialty: String,
    pub basis: Option<String>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The columns a network input writes.
#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = specialty_networks, treat_none_as_null = true)]
pub struct NetworkChanges<'a> {
    pub name: &'a str,
    pub specialty: &'a str,
    pub basis: Option<&'a str>,
    pub version: i64,
    pub updated_at: NaiveDateTime,
}

impl<'a> NetworkChanges<'a> {
    /// From an API input, trimmed.
    pub fn from_input(input: &'a NetworkInput, version: i64, at: NaiveDateTime) -> Self {
        NetworkChanges {
            name: input.name.trim(),
            specialty: input.specialty.trim(),
            basis: input
                .basis
                .as_deref()
                .map(str::trim)
                .filter(|b| !b.is_empty()),
            version,
            updated_at: at,
        }
    }
}

/// Inserts a network, returning its id.
pub fn insert_network(
    conn: &mut AnyConn,
    changes: &NetworkChanges<'_>,
    at: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(specialty_networks::table)
        .values((changes, specialty_networks::created_at.eq(at)))
        .returning(specialty_networks::id)
        .get_result(conn)
}

/// Replaces a network when the version matches; returns rows changed.
pub fn update_network(
    conn: &mut AnyConn,
    id: i64,
    expected_version: i64,
    changes: &NetworkChanges<'_>,
) -> QueryResult<usize> {
    diesel::update(
        specialty_networks::table.filter(
            specialty_networks::id
                .eq(id)
                .and(specialty_networks::version.eq(expected_version)),
        ),
    )
    .set(changes)
    .execute(conn)
}

/// Replaces a network's members.
pub fn replace_members(
    conn: &mut AnyConn,
    network_id: i64,
    members: &[(i64, NetworkRole)],
) -> QueryResult<()> {
    diesel::delete(
        specialty_network_members::table
            .filter(specialty_network_members::network_id.eq(network_id)),
    )
    .execute(conn)?;
    // Row by row: batch inserts do not compile through the multi-backend connection.
    for (facility_id, role) in members {
        diesel::insert_into(specialty_network_members::table)
            .values((
                specialty_network_members::network_id.eq(network_id),
                specialty_network_members::facility_id.eq(facility_id),
                specialty_network_members::role.eq(DbEnum(*role)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Networks matching `query`, in id order after `after`, with their members.
pub fn list_networks(
    conn: &mut AnyConn,
    query: &NetworkQuery,
    after: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<SpecialtyNetwork>> {
    let mut rows = specialty_networks::table.into_boxed();
    if let Some(specialty) = query.specialty.as_deref().filter(|s| !s.trim().is_empty()) {
        rows = rows.filter(specialty_networks::specialty.eq(specialty.trim().to_string()));
    }
    if let Some(facility_id) = query.facility_id {
        rows = rows.filter(
            specialty_networks::id.eq_any(
                specialty_network_members::table
                    .filter(specialty_network_members::facility_id.eq(facility_id))
                    .select(specialty_network_members::network_id),
            ),
        );
    }
    if let Some(after) = after {
        rows = rows.filter(specialty_networks::id.gt(after));
    }
    let rows = rows
        .order(specialty_networks::id)
        .limit(limit)
        .select(NetworkRow::as_select())
        .load(conn)?;
    hydrate_networks(conn, rows)
}

/// One network with its members.
pub fn find_network(conn: &mut AnyConn, id: i64) -> QueryResult<Option<SpecialtyNetwork>> {
    let row = specialty_networks::table
        .find(id)
        .select(NetworkRow::as_select())
        .first(conn)
        .optional()?;
    Ok(match row {
        Some(row) => hydrate_networks(conn, vec![row])?.pop(),
        None => None,
    })
}

type MemberColumns = (
    i64,
    DbEnum<NetworkRole>,
    i64,
    String,
    String,
    DbEnum<FacilityKind>,
);

fn hydrate_networks(
    conn: &mut AnyConn,
    rows: Vec<NetworkRow>,
) -> QueryResult<Vec<SpecialtyNetwork>> {
    let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    let mut members: HashMap<i64, Vec<NetworkMember>> = HashMap::new();
    for (network_id, role, id, code, name, kind) in specialty_network_members::table
        .inner_join(facilities::table)
        .filter(specialty_network_members::network_id.eq_any(&ids))
        .order((
            specialty_network_members::network_id,
            specialty_network_members::id,
        ))
        .select((
            specialty_network_members::network_id,
            specialty_network_members::role,
            facilities::id,
            facilities::code,
            facilities::name,
            facilities::kind,
        ))
        .load::<MemberColumns>(conn)?
    {
        members.entry(network_id).or_default().push(NetworkMember {
            facility: FacilityRef {
                id,
                code,
                name,
                kind: kind.0,
            },
            role: role.0,
        });
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let mut members = members.remove(&row.id).unwrap_or_default();
            // End-line first, then provincial, then centres; by name within a part.
            members.sort_by(|a, b| {
                a.role
                    .cmp(&b.role)
                    .then_with(|| a.facility.name.cmp(&b.facility.name))
            });
            SpecialtyNetwork {
                id: row.id,
                name: row.name,
                specialty: row.specialty,
                basis: row.basis,
                members,
                version: row.version,
                created_at: utc(row.created_at),
                updated_at: utc(row.updated_at),
            }
        })
        .collect())
}
