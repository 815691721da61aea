//! Technique catalogue and specialty-network use cases: authorization, transaction,
//! checks, audit.

use shared::message::Record;
use shared::page::{Page, clamp_limit};
use shared::registry::{FacilityQuery, FacilityRef};
use shared::technique::{
    CoverageQuery, FacilityCoverage, NetworkInput, NetworkQuery, SpecialtyNetwork, Technique,
    TechniqueInput, TechniqueQuery,
};

use super::repo::{self, NetworkChanges, TechniqueChanges};
use crate::audit::{self, Entry};
use crate::auth::{Action, Principal, authorize};
use crate::db::{AnyConn, now, write_tx};
use crate::error::ApiError;
use crate::http::{page_of, parse_cursor};
use crate::idempotency;
use crate::registry::repo as registry_repo;

fn technique_not_found() -> ApiError {
    ApiError::not_found(Record::Technique)
}

fn network_not_found() -> ApiError {
    ApiError::not_found(Record::SpecialtyNetwork)
}

/// Lists the catalogue (everyone signed in: it is the network's shared list).
pub fn list_techniques(
    conn: &mut AnyConn,
    by: &Principal,
    query: &TechniqueQuery,
) -> Result<Page<Technique>, ApiError> {
    authorize(by, Action::ReadRegistry)?;
    let limit = clamp_limit(query.limit);
    let after = parse_cursor(query.cursor.as_deref())?;
    let rows = repo::list_techniques(conn, query, after, limit + 1)?;
    Ok(page_of(rows, limit, |technique: &Technique| technique.id))
}

/// One technique.
pub fn get_technique(conn: &mut AnyConn, by: &Principal, id: i64) -> Result<Technique, ApiError> {
    authorize(by, Action::ReadRegistry)?;
    repo::find_technique(conn, id)?.ok_or_else(technique_not_found)
}

/// Adds a technique to the catalogue (the Department of Health, admins), once per
/// `Idempotency-Key`.
pub fn create_technique(
    conn: &mut AnyConn,
    by: &Principal,
    key: Option<&str>,
    input: &TechniqueInput,
) -> Result<Technique, ApiError> {
    authorize(by, Action::ManageTechniques)?;
    idempotency::once_record(
        conn,
        by,
        key,
        ("POST /techniques", "/api/v1/techniques"),
        input,
        |conn| {
            let at = now();
            let id = repo::insert_technique(conn, &TechniqueChanges::from_input(input, 1, at), at)?;
            let technique = repo::find_technique(conn, id)?.ok_or_else(technique_not_found)?;
            audit::record(
                conn,
                by,
                Entry {
                    entity: "technique",
                    entity_id: id.to_string(),
                    action: "create",
                    facility_id: None,
                    changes: audit::snapshot(&technique),
                },
            )?;
            Ok(technique)
        },
        |conn, id| get_technique(conn, by, id),
    )
}

/// Replaces a technique at the version the client read. A renamed technique is renamed
/// on every facility that performs it, so that lists and routing say the same name.
pub fn update_technique(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    version: i64,
    input: &TechniqueInput,
) -> Result<Technique, ApiError> {
    authorize(by, Action::ManageTechniques)?;
    write_tx(conn, |conn| {
        let before = repo::find_technique(conn, id)?.ok_or_else(technique_not_found)?;
        if before.version != version {
            return Err(ApiError::precondition_failed());
        }
        let changes = TechniqueChanges::from_input(input, version + 1, now());
        if repo::update_technique(conn, id, version, &changes)? == 0 {
            return Err(ApiError::precondition_failed());
        }
        registry_repo::rename_technique(conn, &before.code, changes.code, changes.name)?;
        let after = repo::find_technique(conn, id)?.ok_or_else(technique_not_found)?;
        audit::record(
            conn,
            by,
            Entry {
                entity: "technique",
                entity_id: id.to_string(),
                action: "update",
                facility_id: None,
                changes: audit::diff(&before, &after),
            },
        )?;
        Ok(after)
    })
}

/// Lists the specialty networks (everyone signed in).
pub fn list_networks(
    conn: &mut AnyConn,
    by: &Principal,
    query: &NetworkQuery,
) -> Result<Page<SpecialtyNetwork>, ApiError> {
    authorize(by, Action::ReadRegistry)?;
    let limit = clamp_limit(query.limit);
    let after = parse_cursor(query.cursor.as_deref())?;
    let rows = repo::list_networks(conn, query, after, limit + 1)?;
    Ok(page_of(rows, limit, |network: &SpecialtyNetwork| {
        network.id
    }))
}

/// One specialty network.
pub fn get_network(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
) -> Result<SpecialtyNetwork, ApiError> {
    authorize(by, Action::ReadRegistry)?;
    repo::find_network(conn, id)?.ok_or_else(network_not_found)
}

/// Every member must be a facility of the registry: the first unknown one is named.
fn check_members(conn: &mut AnyConn, input: &NetworkInput) -> Result<(), ApiError> {
    for (index, member) in input.members.iter().enumerate() {
        if registry_repo::find_facility_row(conn, member.facility_id)?.is_none() {
            return Err(ApiError::field(
                &format!("members[{index}].facility_id"),
                Record::HealthFacility,
            ));
        }
    }
    Ok(())
}

fn members(input: &NetworkInput) -> Vec<(i64, shared::technique::NetworkRole)> {
    input
        .members
        .iter()
        .map(|member| (member.facility_id, member.role))
        .collect()
}

/// Sets up a specialty network (the Department of Health, admins), once per
/// `Idempotency-Key`.
pub fn create_network(
    conn: &mut AnyConn,
    by: &Principal,
    key: Option<&str>,
    input: &NetworkInput,
) -> Result<SpecialtyNetwork, ApiError> {
    authorize(by, Action::ManageSpecialtyNetworks)?;
    idempotency::once_record(
        conn,
        by,
        key,
        ("POST /specialty-networks", "/api/v1/specialty-networks"),
        input,
        |conn| {
            check_members(conn, input)?;
            let at = now();
            let id = repo::insert_network(conn, &NetworkChanges::from_input(input, 1, at), at)?;
            repo::replace_members(conn, id, &members(input))?;
            let network = repo::find_network(conn, id)?.ok_or_else(network_not_found)?;
            audit::record(
                conn,
                by,
                Entry {
                    entity: "specialty_network",
                    entity_id: id.to_string(),
                    action: "create",
                    facility_id: None,
                    changes: audit::snapshot(&network),
                },
            )?;
            Ok(network)
        },
        |conn, id| get_network(conn, by, id),
    )
}

/// Replaces a specialty network (name, specialty, members) at the version read.
pub fn update_network(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    version: i64,
    input: &NetworkInput,
) -> Result<SpecialtyNetwork, ApiError> {
    authorize(by, Action::ManageSpecialtyNetworks)?;
    write_tx(conn, |conn| {
        let before = repo::find_network(conn, id)?.ok_or_else(network_not_found)?;
        if before.version != version {
            return Err(ApiError::precondition_failed());
        }
        check_members(conn, input)?;
        let changes = NetworkChanges::from_input(input, version + 1, now());
        if repo::update_network(conn, id, version, &changes)? == 0 {
            return Err(ApiError::precondition_failed());
        }
        repo::replace_members(conn, id, &members(input))?;
        let after = repo::find_network(conn, id)?.ok_or_else(network_not_found)?;
        audit::record(
            conn,
            by,
            Entry {
                entity: "specialty_network",
                entity_id: id.to_string(),
                action: "update",
                facility_id: None,
                changes: audit::diff(&before, &after),
            },
        )?;
        Ok(after)
    })
}

/// What facilities perform of their level's catalogue (everyone signed in), in the
/// registry's order: every active facility with a technical level, or those `query`
/// names.
pub fn coverage(
    conn: &mut AnyConn,
    by: &Principal,
    query: &CoverageQuery,
) -> Result<Vec<FacilityCoverage>, ApiError> {
    authorize(by, Action::ReadRegistry)?;
    let catalogue = repo::catalogue(conn)?;
    let facilities = match query.facility_id {
        Some(id) => registry_repo::find_facility(conn, id)?
            .into_iter()
            .collect::<Vec<_>>(),
        None => registry_repo::list_facilities(
            conn,
            &FacilityQuery {
                kind: query.kind,
                ..FacilityQuery::default()
            },
            None,
            10_000,
        )?,
    };
    Ok(facilities
        .into_iter()
        .filter(|facility| facility.active && query.kind.is_none_or(|kind| facility.kind == kind))
        .filter_map(|facility| {
            let level = facility.level?;
            Some(FacilityCoverage::of(
                FacilityRef {
                    id: facility.id,
                    code: facility.code.clone(),
                    name: facility.name.clone(),
                    kind: facility.kind,
                },
                level,
                &catalogue,
                &facility.capabilities,
            ))
        })
        .collect())
}

/// The networks of the specialty a destination search needs: the one asked for, else
/// the catalogue specialty of the technique asked for; none when neither is known.
pub fn networks_for(
    conn: &mut AnyConn,
    query: &shared::referral::DestinationQuery,
) -> Result<Vec<SpecialtyNetwork>, ApiError> {
    let asked = |value: &Option<String>| {
        value
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let specialty = match (asked(&query.specialty), asked(&query.technique)) {
        (Some(specialty), _) => Some(specialty),
        (None, Some(technique)) => {
            repo::find_technique_by_code(conn, &technique)?.map(|technique| technique.specialty)
        }
        (None, None) => None,
    };
    match specialty {
        Some(specialty) => Ok(repo::list_networks(
            conn,
            &NetworkQuery {
                specialty: Some(specialty),
                ..NetworkQuery::default()
            },
            None,
            i64::from(u32::MAX),
        )?),
        None => Ok(Vec::new()),
    }
}
