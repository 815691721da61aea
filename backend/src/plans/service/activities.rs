//! Activities: progress and the stations' ratings.

use super::*;

pub(super) fn activity_plan(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
) -> Result<(ActivityRow, Loaded), ApiError> {
    let activity = repo::find_activity(conn, id)?.ok_or_else(activity_not_found)?;
    let plan = load(conn, activity.plan_id)?;
    if !may_read(by, &plan.row, &plan.supported) {
        return Err(activity_not_found());
    }
    Ok((activity, plan))
}

pub(super) fn activity_out(conn: &mut AnyConn, id: i64) -> Result<Activity, ApiError> {
    let row = repo::find_activity(conn, id)?.ok_or_else(activity_not_found)?;
    let facility_ids: Vec<i64> = from_json(&row.facility_ids, "activity facilities")?;
    let refs = registry_repo::facility_refs(conn, &facility_ids)?;
    let feedback = repo::feedback(conn, &[id])?;
    activity_view(&row, &refs, &feedback)
}

/// Records how far an activity of an approved or active plan has got (its planners).
pub fn activity_progress(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    version: Option<i64>,
    input: &ActivityProgressInput,
) -> Result<Activity, ApiError> {
    write_tx(conn, |conn| {
        let (activity, plan) = activity_plan(conn, by, id)?;
        authorize(
            by,
            Action::WritePlans {
                facility_id: plan.row.issuing_facility_id,
            },
        )?;
        if !matches!(plan.status, PlanStatus::Approved | PlanStatus::Active) {
            return Err(invalid_transition(Message::ProgressNeedsApprovedPlan(
                plan.status,
            )));
        }
        if version.is_some_and(|v| v != activity.version) {
            return Err(ApiError::precondition_failed());
        }
        let delivered_on = match input.status {
            ActivityStatus::Done => Some(
                input
                    .delivered_on
                    .unwrap_or_else(|| shared::time::vietnam_date(crate::db::now().and_utc())),
            ),
            _ => None,
        };
        let note = input
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty());
        if repo::set_activity_progress(
            conn,
            id,
            activity.version,
            input.status,
            note,
            delivered_on,
            now(),
        )? == 0
        {
            return Err(ApiError::precondition_failed());
        }
        audit::change(
            conn,
            by,
            "plan_activity",
            id,
            "progress",
            plan.row.issuing_facility_id,
            json!({ "status": [activity.status.0.as_str(), input.status.as_str()], "note": note, "delivered_on": delivered_on }),
        )?;
        activity_out(conn, id)
    })
}

/// A station rates an activity that served it (one rating per facility; a new one
/// replaces it). Only once the activity has started.
pub fn activity_feedback(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    input: &ActivityFeedbackInput,
) -> Result<Activity, ApiError> {
    write_tx(conn, |conn| {
        let (activity, plan) = activity_plan(conn, by, id)?;
        authorize(
            by,
            Action::RequestSupport {
                facility_id: input.facility_id,
            },
        )?;
        let served: Vec<i64> = from_json(&activity.facility_ids, "activity facilities")?;
        if !served.contains(&input.facility_id) {
            return Err(ApiError::field(
                "facility_id",
                Message::ActivityNotForYourFacility,
            ));
        }
        let status = activity.status.0;
        if !matches!(status, ActivityStatus::InProgress | ActivityStatus::Done) {
            return Err(invalid_transition(Message::ActivityNotStarted(status)));
        }
        let row = FeedbackRow {
            id: 0,
            activity_id: id,
            facility_id: input.facility_id,
            rating: input.rating,
            comment: input
                .comment
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_string),
            rated_by: by.label(),
            rated_at: now(),
        };
        repo::upsert_feedback(conn, &row)?;
        audit::change(
            conn,
            by,
            "plan_activity",
            id,
            "feedback",
            plan.row.issuing_facility_id,
            json!({ "facility_id": input.facility_id, "rating": input.rating, "comment": row.comment }),
        )?;
        activity_out(conn, id)
    })
}
