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

/// A person's preferred stations and avoided weekdays and months.
pub fn preferences(
    conn: &mut AnyConn,
    by: &Principal,
    staff_id: i64,
) -> Result<RotationPreferences, ApiError> {
    may_state_preferences(conn, by, staff_id)?;
    let avoidance = avoidances_of(conn, &[staff_id])?
        .remove(&staff_id)
        .unwrap_or_default();
    Ok(RotationPreferences {
        preferred_station_ids: repo::preferences(conn, &[staff_id])?
            .into_iter()
            .map(|(_, station)| station)
            .collect(),
        avoided_weekdays: avoidance.weekdays,
        avoided_months: avoidance.months.list(),
    })
}

/// The avoided weekdays and months of some staff, by staff id (only those who stated any).
pub fn avoidances_of(
    conn: &mut AnyConn,
    staff_ids: &[i64],
) -> Result<HashMap<i64, Avoidance>, ApiError> {
    Ok(repo::avoidances(conn, staff_ids)?
        .into_iter()
        .map(|(staff_id, weekdays, months)| {
            let avoidance = Avoidance {
                weekdays: Weekdays(u8::try_from(weekdays).unwrap_or(0) & Weekdays::ALL.0),
                months: Months(u16::try_from(months).unwrap_or(0) & 0x0fff),
            };
            (staff_id, avoidance)
        })
        .collect())
}

/// Replaces a person's preferences (the person, or planning).
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
        let avoidance = Avoidance::of(input);
        repo::replace_avoidance(
            conn,
            staff_id,
            i32::from(avoidance.weekdays.0),
            i32::from(avoidance.months.0),
        )?;
        let facility = registry_repo::staff_facility(conn, staff_id)?.unwrap_or(0);
        audit::change(
            conn,
            by,
            "rotation_preferences",
            staff_id,
            "update",
            facility,
            json!({
                "preferred_station_ids": [before.preferred_station_ids, stations],
                "avoided_weekdays": [before.avoided_weekdays, avoidance.weekdays],
                "avoided_months": [before.avoided_months, avoidance.months.list()],
            }),
        )?;
        preferences(conn, by, staff_id)
    })
}
