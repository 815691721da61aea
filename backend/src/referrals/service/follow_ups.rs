//! Follow-ups: the visits after a patient went back.

use super::*;

/// Follow-ups of the facilities the principal may see (by default all of them).
pub fn list_follow_ups(
    conn: &mut AnyConn,
    by: &Principal,
    query: &FollowUpQuery,
) -> Result<Page<FollowUp>, ApiError> {
    // `None`: every facility (admins).
    let facilities = match query.facility_id {
        Some(id) if by.scope.contains(id) => Some(vec![id]),
        Some(_) => return Err(ApiError::forbidden()),
        None => by.scope.ids(),
    };
    if let Actor::Client { .. } = by.actor
        && !allowed(
            by,
            Action::ReadReferral {
                from_facility_id: by.facility_id,
                to_facility_id: by.facility_id,
            },
        )
    {
        return Err(ApiError::forbidden());
    }
    let at = now();
    let today = vietnam_date(utc(at));
    let filter = FollowUpFilter {
        facilities,
        status: query.status,
        overdue_on: (query.overdue == Some(true)).then_some(today),
        due_from: query.due_from,
        due_to: query.due_to,
        after_id: parse_cursor(query.cursor.as_deref())?,
    };
    let limit = clamp_limit(query.limit);
    let rows = repo::list_follow_ups(conn, &filter, limit + 1)?;
    let referral_ids: Vec<i64> = rows.iter().map(|row| row.referral_id).collect();
    let patients = repo::find_many(conn, &referral_ids)?
        .into_iter()
        .map(|referral| {
            let seen = (referral.patient_name.clone(), sees_patient(by, &referral));
            (referral.id, seen)
        })
        .collect();
    let ids: BTreeSet<i64> = rows.iter().map(|row| row.facility_id).collect();
    let refs = registry_repo::facility_refs(conn, &ids.into_iter().collect::<Vec<_>>())?;
    let views = follow_up_views(conn, rows, &patients, &refs, today)?;
    Ok(page_of(views, limit, |f: &FollowUp| f.id))
}

pub(super) fn follow_up_for_update(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
) -> Result<(FollowUpRow, ReferralRow), ApiError> {
    let missing = || ApiError::not_found(Record::FollowUp);
    let row = repo::find_follow_up(conn, id)?.ok_or_else(missing)?;
    let referral = repo::find(conn, row.referral_id)?.ok_or_else(not_found)?;
    // A follow-up of a referral the principal may not know of does not exist for it.
    if !allowed(by, read_action(&referral)) {
        return Err(missing());
    }
    authorize(
        by,
        Action::ManageFollowUps {
            facility_id: row.facility_id,
        },
    )?;
    if row.status.0 != FollowUpStatus::Open {
        return Err(ApiError::new(
            shared::error::ErrorCode::InvalidTransition,
            Message::FollowUpClosed,
        ));
    }
    Ok((row, referral))
}

pub(super) fn follow_up_view(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    referral: &ReferralRow,
) -> Result<FollowUp, ApiError> {
    let row =
        repo::find_follow_up(conn, id)?.ok_or_else(|| ApiError::not_found(Record::FollowUp))?;
    let refs = registry_repo::facility_refs(conn, &[row.facility_id])?;
    let patients = HashMap::from([(
        referral.id,
        (referral.patient_name.clone(), sees_patient(by, referral)),
    )]);
    let today = vietnam_date(utc(now()));
    follow_up_views(conn, vec![row], &patients, &refs, today)?
        .pop()
        .ok_or_else(|| ApiError::internal("follow-up vanished"))
}

/// Records a visit of a returned patient; `close` ends the follow-up as done.
pub fn add_visit(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    input: &FollowUpVisitInput,
) -> Result<FollowUp, ApiError> {
    write_tx(conn, |conn| {
        let (row, referral) = follow_up_for_update(conn, by, id)?;
        let at = now();
        if input.visited_on > vietnam_date(utc(at)) {
            return Err(ApiError::field("visited_on", Message::VisitInFuture));
        }
        repo::insert_visit(
            conn,
            &VisitRow {
                id: 0,
                follow_up_id: id,
                visited_on: input.visited_on,
                notes: input.notes.trim().to_string(),
                recorded_by: by.label(),
                recorded_at: at,
            },
        )?;
        if input.close
            && repo::set_follow_up_status(
                conn,
                id,
                row.version,
                FollowUpStatus::Done,
                None,
                Some(at),
            )? == 0
        {
            return Err(ApiError::precondition_failed());
        }
        audit::record(
            conn,
            by,
            Entry {
                entity: "follow_up",
                entity_id: id.to_string(),
                action: if input.close { "visit_close" } else { "visit" },
                facility_id: Some(row.facility_id),
                changes: json!({ "visited_on": input.visited_on, "closed": input.close }),
            },
        )?;
        follow_up_view(conn, by, id, &referral)
    })
}

/// Closes a follow-up the patient did not come to.
pub fn mark_missed(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    input: &FollowUpMissedInput,
) -> Result<FollowUp, ApiError> {
    write_tx(conn, |conn| {
        let (row, referral) = follow_up_for_update(conn, by, id)?;
        let at = now();
        if repo::set_follow_up_status(
            conn,
            id,
            row.version,
            FollowUpStatus::Missed,
            Some(input.reason.trim()),
            Some(at),
        )? == 0
        {
            return Err(ApiError::precondition_failed());
        }
        audit::record(
            conn,
            by,
            Entry {
                entity: "follow_up",
                entity_id: id.to_string(),
                action: "missed",
                facility_id: Some(row.facility_id),
                changes: json!({ "reason": input.reason.trim() }),
            },
        )?;
        follow_up_view(conn, by, id, &referral)
    })
}
