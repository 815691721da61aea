//! Support requests.

use super::*;

pub(super) fn support_view(
    conn: &mut AnyConn,
    row: SupportRow,
) -> Result<SupportRequest, ApiError> {
    let station = registry_repo::facility_ref(conn, row.station_id)?;
    let activity = match row.activity_id {
        Some(id) => repo::find_activity(conn, id)?.map(|a| ActivityRef {
            id: a.id,
            plan_id: a.plan_id,
            title: a.title,
        }),
        None => None,
    };
    Ok(SupportRequest {
        id: row.id,
        station,
        topic: row.topic,
        specialty: row.specialty,
        urgency: row.urgency.0,
        details: row.details,
        status: row.status.0,
        activity,
        decline_reason: row.decline_reason,
        created_by: row.created_by,
        created_at: utc(row.created_at),
        answered_by: row.answered_by,
        version: row.version,
    })
}

/// A station asks the centre above it for support. Accepts an idempotency key.
pub fn create_support(
    conn: &mut AnyConn,
    by: &Principal,
    key: Option<&str>,
    input: &SupportRequestInput,
) -> Result<SupportRequest, ApiError> {
    authorize(
        by,
        Action::RequestSupport {
            facility_id: input.station_id,
        },
    )?;
    crate::idempotency::once_record(
        conn,
        by,
        key,
        ("POST /support-requests", "/api/v1/support-requests"),
        input,
        |conn| {
            let new = NewSupport {
                station_id: input.station_id,
                topic: input.topic.trim().to_string(),
                specialty: input.specialty.clone(),
                urgency: DbEnum(input.urgency),
                details: input.details.trim().to_string(),
                status: DbEnum(SupportRequestStatus::Open),
                created_by: by.label(),
                created_at: now(),
            };
            let id = repo::insert_support(conn, &new)?;
            audit::change(
                conn,
                by,
                "support_request",
                id,
                "create",
                input.station_id,
                audit::snapshot(input),
            )?;
            let row = repo::find_support(conn, id)?.ok_or_else(support_not_found)?;
            support_view(conn, row)
        },
        |conn, id| {
            let row = repo::find_support(conn, id)?.ok_or_else(support_not_found)?;
            support_view(conn, row)
        },
    )
}

/// The support requests of the stations the principal sees, newest first.
pub fn list_support(
    conn: &mut AnyConn,
    by: &Principal,
    query: &SupportRequestQuery,
) -> Result<Page<SupportRequest>, ApiError> {
    // `plans_read` lets a machine read plans and indicators, not the stations' asks.
    if by.role().is_none() {
        return Err(ApiError::forbidden());
    }
    authorize(
        by,
        Action::ReadPlan {
            facility_id: by.facility_id,
        },
    )?;
    let stations = match (query.station_id, by.scope.ids()) {
        (Some(id), _) if !allowed(by, Action::ReadPlan { facility_id: id }) => {
            return Err(ApiError::forbidden());
        }
        (Some(id), _) => Some(vec![id]),
        (None, ids) => ids,
    };
    let limit = clamp_limit(query.limit);
    let rows = repo::list_support(
        conn,
        stations.as_deref(),
        query.status,
        parse_cursor(query.cursor.as_deref())?,
        limit + 1,
    )?;
    let items = rows
        .into_iter()
        .map(|row| support_view(conn, row))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(page_of(items, limit, |r| r.id))
}

/// The planning office accepts a request into an activity of one of its plans that
/// serves the station, or declines it with a reason.
pub fn answer_support(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    version: Option<i64>,
    accept: Option<&SupportAcceptInput>,
    reason: Option<&str>,
) -> Result<SupportRequest, ApiError> {
    write_tx(conn, |conn| {
        let row = repo::find_support(conn, id)?.ok_or_else(support_not_found)?;
        if !allowed(
            by,
            Action::ReadPlan {
                facility_id: row.station_id,
            },
        ) {
            return Err(support_not_found());
        }
        authorize(
            by,
            Action::HandleSupportRequests {
                station_id: row.station_id,
            },
        )?;
        if row.status.0 != SupportRequestStatus::Open {
            return Err(invalid_transition(Message::SupportRequestHandled));
        }
        if version.is_some_and(|v| v != row.version) {
            return Err(ApiError::precondition_failed());
        }
        let activity_id = match accept {
            Some(input) => {
                let (activity, plan) = activity_plan(conn, by, input.activity_id)
                    .map_err(|_| ApiError::field("activity_id", Record::PlanActivity))?;
                authorize(
                    by,
                    Action::WritePlans {
                        facility_id: plan.row.issuing_facility_id,
                    },
                )?;
                let served: Vec<i64> = from_json(&activity.facility_ids, "activity facilities")?;
                if !served.contains(&row.station_id) {
                    return Err(ApiError::field(
                        "activity_id",
                        Message::ActivityNotForStation,
                    ));
                }
                if matches!(plan.status, PlanStatus::Closed) {
                    return Err(ApiError::field("activity_id", Message::PlanClosed));
                }
                Some(activity.id)
            }
            None => None,
        };
        let status = if accept.is_some() {
            SupportRequestStatus::Accepted
        } else {
            SupportRequestStatus::Declined
        };
        if repo::answer_support(
            conn,
            id,
            row.version,
            status,
            activity_id,
            reason,
            &by.label(),
            now(),
        )? == 0
        {
            return Err(ApiError::precondition_failed());
        }
        audit::change(
            conn,
            by,
            "support_request",
            id,
            if accept.is_some() {
                "accept"
            } else {
                "decline"
            },
            row.station_id,
            json!({ "status": ["open", status.as_str()], "activity_id": activity_id, "reason": reason }),
        )?;
        let row = repo::find_support(conn, id)?.ok_or_else(support_not_found)?;
        support_view(conn, row)
    })
}
