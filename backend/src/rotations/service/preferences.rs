//! Preferences.

use super::*;

pub(super) fn may_state_preferences(
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
