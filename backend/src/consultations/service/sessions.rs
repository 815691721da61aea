//! Sessions: the calendar a facility holds.

use super::*;

/// Every participant is a member of staff (400 naming the unknown ids otherwise).
pub(super) fn check_participants(conn: &mut AnyConn, ids: &[i64]) -> Result<(), ApiError> {
    let known: BTreeSet<i64> = repo::staff_names(conn, ids)?
        .into_iter()
        .map(|person| person.id)
        .collect();
    let unknown: Vec<String> = ids
        .iter()
        .filter(|id| !known.contains(id))
        .map(i64::to_string)
        .collect();
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(ApiError::field(
            "participants",
            Message::UnknownStaff(unknown.join(", ")),
        ))
    }
}

pub(super) fn check_session_input(
    conn: &mut AnyConn,
    input: &SessionInput,
) -> Result<(), ApiError> {
    check_facility(conn, "host_facility_id", input.host_facility_id)?;
    if let Some(place) = input.location_facility_id {
        check_facility(conn, "location_facility_id", place)?;
    }
    check_participants(conn, &input.participants)
}

pub(super) fn trimmed(text: &Option<String>) -> Option<String> {
    text.as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

/// The columns of a session input, for one start time.
pub(super) fn session_changes(
    input: &SessionInput,
    starts_at: DateTime<Utc>,
    version: i64,
    at: NaiveDateTime,
) -> Result<SessionChanges, ApiError> {
    Ok(SessionChanges {
        title: input.title.trim().to_string(),
        specialty: input.specialty.clone(),
        mode: DbEnum(input.mode),
        meeting_url: trimmed(&input.meeting_url),
        location_facility_id: input.location_facility_id,
        starts_at: starts_at.naive_utc(),
        duration_minutes: input.duration_minutes,
        participants: serde_json::to_string(&input.participants).map_err(ApiError::internal)?,
        note: trimmed(&input.note),
        version,
        updated_at: at,
    })
}

/// What the audit trail keeps of a session.
pub(super) fn session_record(row: &SessionRow) -> serde_json::Value {
    json!({
        "series_id": row.series_id,
        "host_facility_id": row.host_facility_id,
        "title": row.title,
        "specialty": row.specialty,
        "mode": row.mode,
        "meeting_url": row.meeting_url,
        "location_facility_id": row.location_facility_id,
        "starts_at": utc(row.starts_at),
        "duration_minutes": row.duration_minutes,
        "participants": row.participants,
        "note": row.note,
        "status": row.status,
    })
}

pub(super) fn audit_session(
    conn: &mut AnyConn,
    by: &Principal,
    row: &SessionRow,
    action: &str,
    changes: serde_json::Value,
) -> Result<(), ApiError> {
    audit::record(
        conn,
        by,
        Entry {
            entity: "consultation_session",
            entity_id: row.id.to_string(),
            action,
            facility_id: Some(row.host_facility_id),
            changes,
        },
    )?;
    Ok(())
}

/// Creates one session, or one per week up to `repeat_weekly_until` (one series).
/// Accepts an idempotency key.
pub fn create_sessions(
    conn: &mut AnyConn,
    by: &Principal,
    key: Option<&str>,
    input: &SessionInput,
) -> Result<SessionsCreated, ApiError> {
    authorize(
        by,
        Action::ManageConsultationSessions {
            facility_id: input.host_facility_id,
        },
    )?;
    crate::idempotency::once(
        conn,
        by,
        key,
        "POST /consultation-sessions",
        input,
        |conn| {
            check_session_input(conn, input)?;
            let starts = input.starts();
            if starts.is_empty() {
                return Err(ApiError::field(
                    "repeat_weekly_until",
                    Message::NoSessionsInRange,
                ));
            }
            let series_id = input
                .repeat_weekly_until
                .map(|_| uuid::Uuid::new_v4().to_string());
            let at = now();
            let new = NewSession {
                series_id: series_id.clone(),
                host_facility_id: input.host_facility_id,
                status: DbEnum(SessionStatus::Scheduled),
                created_by: by.label(),
                created_at: at,
            };
            let mut rows = Vec::with_capacity(starts.len());
            for starts_at in starts {
                let id =
                    repo::insert_session(conn, &new, &session_changes(input, starts_at, 1, at)?)?;
                let row = repo::find_session(conn, id)?.ok_or_else(session_not_found)?;
                audit_session(conn, by, &row, "create", session_record(&row))?;
                rows.push(row);
            }
            Ok(SessionsCreated {
                series_id,
                sessions: session_views(conn, by, rows)?,
            })
        },
    )
}

/// One session.
pub fn get_session(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
) -> Result<ConsultationSession, ApiError> {
    authorize(by, Action::ReadConsultationSessions)?;
    let row = repo::find_session(conn, id)?.ok_or_else(session_not_found)?;
    session_view(conn, by, row)
}

/// A session its host may change: it exists (404), the principal manages the host's
/// sessions (403), it is still scheduled (409) and unchanged since read (412).
pub(super) fn session_for_update(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    version: Option<i64>,
) -> Result<SessionRow, ApiError> {
    let row = repo::find_session(conn, id)?.ok_or_else(session_not_found)?;
    authorize(
        by,
        Action::ManageConsultationSessions {
            facility_id: row.host_facility_id,
        },
    )?;
    let status = row.status.0;
    if !status.is_open() {
        return Err(ApiError::new(
            shared::error::ErrorCode::InvalidTransition,
            Message::SessionClosed(status),
        ));
    }
    if version.is_some_and(|v| v != row.version) {
        return Err(ApiError::precondition_failed());
    }
    Ok(row)
}

/// Edits one session (its host) at the version read.
pub fn update_session(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    version: i64,
    input: &SessionInput,
) -> Result<ConsultationSession, ApiError> {
    write_tx(conn, |conn| {
        let before = session_for_update(conn, by, id, Some(version))?;
        if input.host_facility_id != before.host_facility_id {
            return Err(ApiError::field(
                "host_facility_id",
                Message::HostFacilityFixed,
            ));
        }
        check_session_input(conn, input)?;
        let at = now();
        let changes = session_changes(input, input.starts_at, version + 1, at)?;
        if repo::update_session(conn, id, version, &changes)? == 0 {
            return Err(ApiError::precondition_failed());
        }
        let after = repo::find_session(conn, id)?.ok_or_else(session_not_found)?;
        audit_session(
            conn,
            by,
            &after,
            "update",
            audit::diff(&session_record(&before), &session_record(&after)),
        )?;
        session_view(conn, by, after)
    })
}

/// Cancels a session (its host); the cases scheduled in it go back to waiting for a
/// session.
pub fn cancel_session(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    version: Option<i64>,
    input: &ConsultationCancelInput,
) -> Result<ConsultationSession, ApiError> {
    write_tx(conn, |conn| {
        let before = session_for_update(conn, by, id, version)?;
        let at = now();
        let reason = input.reason.trim();
        if repo::set_session_status(
            conn,
            id,
            before.version,
            SessionStatus::Cancelled,
            Some(reason),
            at,
        )? == 0
        {
            return Err(ApiError::precondition_failed());
        }
        let after = repo::find_session(conn, id)?.ok_or_else(session_not_found)?;
        audit_session(
            conn,
            by,
            &after,
            "cancel",
            json!({ "status": [before.status, after.status], "reason": reason }),
        )?;
        for case in repo::scheduled_in(conn, id)? {
            let change = CaseChange {
                session_id: Some(None),
                status: Some(DbEnum(CaseStatus::Requested)),
                version: Some(case.version + 1),
                updated_at: Some(at),
                ..CaseChange::default()
            };
            if repo::update_case(conn, case.id, case.version, &change)? == 0 {
                return Err(ApiError::precondition_failed());
            }
            audit_case(
                conn,
                by,
                &case,
                "unschedule",
                json!({ "session_id": [id, null], "status": [case.status, CaseStatus::Requested] }),
            )?;
        }
        session_view(conn, by, after)
    })
}

/// The facilities whose sessions a principal's calendar shows by default: those it may
/// see, and those supporting its own (a station sees the centre's sessions). `None`:
/// every facility.
pub(super) fn calendar_facilities(
    conn: &mut AnyConn,
    by: &Principal,
) -> Result<Option<Vec<i64>>, ApiError> {
    let mut ids: BTreeSet<i64> = match (&by.actor, &by.scope) {
        (Actor::User { .. }, FacilityScope::All) => return Ok(None),
        (Actor::User { .. }, FacilityScope::Only(ids)) => ids.clone(),
        (Actor::Client { .. }, _) => BTreeSet::from([by.facility_id]),
    };
    ids.extend(repo::supporters_of(conn, by.facility_id)?);
    Ok(Some(ids.into_iter().collect()))
}

/// A session list cursor: the last session's start (microseconds) and id.
pub(super) fn session_cursor(session: &ConsultationSession) -> String {
    format!("{}.{}", session.starts_at.timestamp_micros(), session.id)
}

pub(super) fn parse_session_cursor(
    cursor: Option<&str>,
) -> Result<Option<(NaiveDateTime, i64)>, ApiError> {
    let Some(text) = cursor else {
        return Ok(None);
    };
    text.split_once('.')
        .and_then(|(micros, id)| {
            let at = DateTime::from_timestamp_micros(micros.parse().ok()?)?;
            Some((at.naive_utc(), id.parse().ok()?))
        })
        .map(Some)
        .ok_or_else(|| ApiError::field("cursor", Message::InvalidCursor))
}

/// Sessions in start order, with filters (see [`SessionQuery`]).
pub fn list_sessions(
    conn: &mut AnyConn,
    by: &Principal,
    query: &SessionQuery,
) -> Result<Page<ConsultationSession>, ApiError> {
    authorize(by, Action::ReadConsultationSessions)?;
    if let (Some(from), Some(to)) = (query.from, query.to)
        && to < from
    {
        return Err(ApiError::field("to", Message::EndBeforeStart));
    }
    let facilities = match query.facility_id {
        Some(id) => Some(vec![id]),
        None => calendar_facilities(conn, by)?,
    };
    let filter = SessionFilter {
        facilities,
        from: query.from.map(vn_midnight),
        before: query.to.and_then(|d| d.succ_opt()).map(vn_midnight),
        status: query.status,
        after: parse_session_cursor(query.cursor.as_deref())?,
    };
    let limit = clamp_limit(query.limit);
    let mut rows = repo::list_sessions(conn, &filter, limit + 1)?;
    let more = rows.len() > usize::try_from(limit).unwrap_or(0);
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    let items = session_views(conn, by, rows)?;
    let next_cursor = if more {
        items.last().map(session_cursor)
    } else {
        None
    };
    Ok(Page { items, next_cursor })
}

pub(super) fn session_view(
    conn: &mut AnyConn,
    by: &Principal,
    row: SessionRow,
) -> Result<ConsultationSession, ApiError> {
    session_views(conn, by, vec![row])?
        .pop()
        .ok_or_else(|| ApiError::internal("session vanished"))
}

/// Sessions as `by` sees them, with facilities, participants and case counts loaded
/// once for all.
pub(super) fn session_views(
    conn: &mut AnyConn,
    by: &Principal,
    rows: Vec<SessionRow>,
) -> Result<Vec<ConsultationSession>, ApiError> {
    let mut facility_ids = BTreeSet::new();
    let mut staff_ids = BTreeSet::new();
    let mut participants_of = HashMap::new();
    for row in &rows {
        facility_ids.insert(row.host_facility_id);
        facility_ids.extend(row.location_facility_id);
        let ids: Vec<i64> = from_json(&row.participants, "participants")?;
        staff_ids.extend(ids.iter().copied());
        participants_of.insert(row.id, ids);
    }
    let refs = registry_repo::facility_refs(conn, &facility_ids.into_iter().collect::<Vec<_>>())?;
    let staff: HashMap<i64, Participant> =
        repo::staff_names(conn, &staff_ids.into_iter().collect::<Vec<_>>())?
            .into_iter()
            .map(|person| {
                (
                    person.id,
                    Participant {
                        staff_id: person.id,
                        full_name: person.full_name,
                        title: person.title,
                        facility_id: person.facility_id,
                    },
                )
            })
            .collect();
    let session_ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    let mut case_counts: HashMap<i64, i64> = HashMap::new();
    for session_id in repo::sessions_of_cases(conn, &session_ids)? {
        *case_counts.entry(session_id).or_default() += 1;
    }
    rows.into_iter()
        .map(|row| {
            let status = row.status.0;
            let starts_at = utc(row.starts_at);
            let participants = participants_of
                .remove(&row.id)
                .unwrap_or_default()
                .iter()
                .filter_map(|id| staff.get(id).cloned())
                .collect();
            let editable = status.is_open()
                && allowed(
                    by,
                    Action::ManageConsultationSessions {
                        facility_id: row.host_facility_id,
                    },
                );
            Ok(ConsultationSession {
                id: row.id,
                series_id: row.series_id,
                host_facility: facility(&refs, row.host_facility_id)?,
                title: row.title,
                specialty: row.specialty,
                mode: row.mode.0,
                meeting_url: row.meeting_url,
                location_facility: row
                    .location_facility_id
                    .map(|id| facility(&refs, id))
                    .transpose()?,
                starts_at,
                ends_at: starts_at + TimeDelta::minutes(i64::from(row.duration_minutes)),
                duration_minutes: row.duration_minutes,
                participants,
                note: row.note,
                status,
                status_reason: row.status_reason,
                case_count: case_counts.get(&row.id).copied().unwrap_or(0),
                editable,
                created_by: row.created_by,
                created_at: utc(row.created_at),
                updated_at: utc(row.updated_at),
                version: row.version,
            })
        })
        .collect()
}
