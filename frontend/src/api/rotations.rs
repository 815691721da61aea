//! Rotation plans, their demands and assignments, the generator and calendar feeds.

use shared::page::{MAX_LIMIT, Page};
use shared::rotation::{
    AssignmentInput, AssignmentQuery, AttendanceInput, CalendarFeed, ConfirmMonthInput,
    DeclineDemandInput, DemandInput, DemandQuery, DemandStatus, FeedInput, FeedbackInput,
    GenerateInput, Generation, Roster, RotationAssignment, RotationDemand, RotationPlan,
    RotationPlanInput, RotationPlanQuery, RotationPreferences, SwapInput,
};

use super::{Api, ApiError, Write, all_pages};

/// `GET /rotation-plans`.
pub async fn plans(api: Api, query: &RotationPlanQuery) -> Result<Page<RotationPlan>, ApiError> {
    api.get_json("/rotation-plans", |request| request.query(query))
        .await
}

/// `GET /rotation-plans/{id}`.
pub async fn plan(api: Api, id: i64) -> Result<RotationPlan, ApiError> {
    api.get_json(&format!("/rotation-plans/{id}"), |request| request)
        .await
}

/// `POST /rotation-plans`.
pub async fn create_plan(
    api: Api,
    input: &RotationPlanInput,
    idempotency_key: &str,
) -> Result<RotationPlan, ApiError> {
    api.post_json(
        "/rotation-plans",
        Write::json(input).idempotency_key(idempotency_key),
    )
    .await
}

/// `POST /rotation-plans/{id}/publish`: every proposed assignment becomes published.
pub async fn publish(api: Api, id: i64, version: i64) -> Result<RotationPlan, ApiError> {
    api.post_json(
        &format!("/rotation-plans/{id}/publish"),
        Write::empty().if_match(version),
    )
    .await
}

/// `GET /rotation-plans/{id}/roster`: what the rules look at (planning only).
pub async fn roster(api: Api, plan_id: i64) -> Result<Roster, ApiError> {
    api.get_json(&format!("/rotation-plans/{plan_id}/roster"), |request| {
        request
    })
    .await
}

/// `POST /rotation-plans/{id}/generate`: starts a run (202).
pub async fn generate(
    api: Api,
    plan_id: i64,
    input: &GenerateInput,
) -> Result<Generation, ApiError> {
    api.post_json(
        &format!("/rotation-plans/{plan_id}/generate"),
        Write::json(input),
    )
    .await
}

/// `GET /rotation-plans/{id}/generation`: the latest run, `None` before the first (the
/// server's 204: asking is no error, and leaves none in the browser's console).
pub async fn latest_generation(api: Api, plan_id: i64) -> Result<Option<Generation>, ApiError> {
    api.get_optional_json(&format!("/rotation-plans/{plan_id}/generation"))
        .await
}

/// `GET /rotation-generations/{id}`.
pub async fn generation(api: Api, id: i64) -> Result<Generation, ApiError> {
    api.get_json(&format!("/rotation-generations/{id}"), |request| request)
        .await
}

/// `POST /rotation-generations/{id}/cancel`.
pub async fn cancel_generation(api: Api, id: i64) -> Result<Generation, ApiError> {
    api.post_json(
        &format!("/rotation-generations/{id}/cancel"),
        Write::empty(),
    )
    .await
}

/// Every demand of a plan, or only those in `status`.
pub async fn demands(
    api: Api,
    plan_id: i64,
    status: Option<DemandStatus>,
) -> Result<Vec<RotationDemand>, ApiError> {
    every_demand(
        api,
        DemandQuery {
            plan_id: Some(plan_id),
            status,
            ..DemandQuery::default()
        },
    )
    .await
}

/// Every demand at a station, in every plan (a station head's own proposals).
pub async fn station_demands(api: Api, station_id: i64) -> Result<Vec<RotationDemand>, ApiError> {
    let mut list = every_demand(
        api,
        DemandQuery {
            station_id: Some(station_id),
            ..DemandQuery::default()
        },
    )
    .await?;
    list.retain(|d| d.proposed_by.is_some());
    Ok(list)
}

/// Every demand `base` selects, page after page.
async fn every_demand(api: Api, base: DemandQuery) -> Result<Vec<RotationDemand>, ApiError> {
    all_pages(|cursor| {
        let query = DemandQuery {
            limit: Some(MAX_LIMIT),
            cursor,
            ..base.clone()
        };
        async move {
            api.get_json::<Page<RotationDemand>>("/rotation-demands", |request| {
                request.query(&query)
            })
            .await
        }
    })
    .await
}

/// `POST /rotation-demands`.
pub async fn create_demand(
    api: Api,
    input: &DemandInput,
    idempotency_key: &str,
) -> Result<RotationDemand, ApiError> {
    api.post_json(
        "/rotation-demands",
        Write::json(input).idempotency_key(idempotency_key),
    )
    .await
}

/// `POST /rotation-demands/{id}/accept` on the demand read at `version`.
pub async fn accept_demand(api: Api, id: i64, version: i64) -> Result<RotationDemand, ApiError> {
    api.post_json(
        &format!("/rotation-demands/{id}/accept"),
        Write::empty().if_match(version),
    )
    .await
}

/// `POST /rotation-demands/{id}/decline` on the demand read at `version`.
pub async fn decline_demand(
    api: Api,
    id: i64,
    version: i64,
    input: &DeclineDemandInput,
) -> Result<RotationDemand, ApiError> {
    api.post_json(
        &format!("/rotation-demands/{id}/decline"),
        Write::json(input).if_match(version),
    )
    .await
}

/// `PUT /rotation-demands/{id}` on the demand read at `version`.
pub async fn update_demand(
    api: Api,
    id: i64,
    version: i64,
    input: &DemandInput,
) -> Result<RotationDemand, ApiError> {
    api.put_json(
        &format!("/rotation-demands/{id}"),
        Write::json(input).if_match(version),
    )
    .await
}

/// `PUT /rotation-plans/{id}` on the plan read at `version`.
pub async fn update_plan(
    api: Api,
    id: i64,
    version: i64,
    input: &RotationPlanInput,
) -> Result<RotationPlan, ApiError> {
    api.put_json(
        &format!("/rotation-plans/{id}"),
        Write::json(input).if_match(version),
    )
    .await
}

/// Every assignment matching the filters (its `limit` and `cursor` are set here).
pub async fn assignments(
    api: Api,
    query: &AssignmentQuery,
) -> Result<Vec<RotationAssignment>, ApiError> {
    all_pages(|cursor| {
        let query = AssignmentQuery {
            limit: Some(MAX_LIMIT),
            cursor,
            ..query.clone()
        };
        async move {
            api.get_json::<Page<RotationAssignment>>("/rotation-assignments", |request| {
                request.query(&query)
            })
            .await
        }
    })
    .await
}

/// `POST /rotation-assignments`: an assignment by hand (proposed).
pub async fn create_assignment(
    api: Api,
    input: &AssignmentInput,
    idempotency_key: &str,
) -> Result<RotationAssignment, ApiError> {
    api.post_json(
        "/rotation-assignments",
        Write::json(input).idempotency_key(idempotency_key),
    )
    .await
}

/// `PUT /rotation-assignments/{id}` on the assignment read at `version`.
pub async fn update_assignment(
    api: Api,
    id: i64,
    version: i64,
    input: &AssignmentInput,
) -> Result<RotationAssignment, ApiError> {
    api.put_json(
        &format!("/rotation-assignments/{id}"),
        Write::json(input).if_match(version),
    )
    .await
}

/// One step of an assignment's life, with the body its endpoint takes.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// `POST /rotation-assignments/{id}/confirm`.
    Confirm(AttendanceInput),
    /// `POST /rotation-assignments/{id}/attend`.
    Attend(AttendanceInput),
    /// `POST /rotation-assignments/{id}/mark-absent`.
    MarkAbsent(AttendanceInput),
    /// `POST /rotation-assignments/{id}/cancel`.
    Cancel(AttendanceInput),
    /// `POST /rotation-assignments/{id}/swap`.
    Swap(SwapInput),
}

impl Step {
    fn path_segment(&self) -> &'static str {
        match self {
            Step::Confirm(_) => "confirm",
            Step::Attend(_) => "attend",
            Step::MarkAbsent(_) => "mark-absent",
            Step::Cancel(_) => "cancel",
            Step::Swap(_) => "swap",
        }
    }
}

/// `POST /rotation-assignments/{id}/<step>` on the assignment read at `version`.
pub async fn step(
    api: Api,
    id: i64,
    version: i64,
    step: &Step,
) -> Result<RotationAssignment, ApiError> {
    let path = format!("/rotation-assignments/{id}/{}", step.path_segment());
    let version = Some(version);
    match step {
        Step::Confirm(body) | Step::Attend(body) | Step::MarkAbsent(body) | Step::Cancel(body) => {
            api.post_json(&path, Write::json(body).if_match(version))
                .await
        }
        Step::Swap(body) => {
            api.post_json(&path, Write::json(body).if_match(version))
                .await
        }
    }
}

/// `POST /rotation-assignments/confirm-month`: confirms one's own published visits of
/// the month, today or later; answers those confirmed now.
pub async fn confirm_month(
    api: Api,
    input: &ConfirmMonthInput,
) -> Result<Vec<RotationAssignment>, ApiError> {
    api.post_json("/rotation-assignments/confirm-month", Write::json(input))
        .await
}

/// `POST /rotation-assignments/{id}/feedback`: the station's rating of a visit.
pub async fn feedback(
    api: Api,
    id: i64,
    input: &FeedbackInput,
) -> Result<RotationAssignment, ApiError> {
    api.post_json(
        &format!("/rotation-assignments/{id}/feedback"),
        Write::json(input),
    )
    .await
}

/// `POST /calendar-feeds`: a new secret subscription address (earlier ones stop working).
pub async fn create_feed(api: Api, input: &FeedInput) -> Result<CalendarFeed, ApiError> {
    api.post_json("/calendar-feeds", Write::json(input)).await
}

/// `GET /staff/{id}/rotation-preferences`.
pub async fn preferences(api: Api, staff_id: i64) -> Result<RotationPreferences, ApiError> {
    api.get_json(
        &format!("/staff/{staff_id}/rotation-preferences"),
        |request| request,
    )
    .await
}

/// `PUT /staff/{id}/rotation-preferences`.
pub async fn set_preferences(
    api: Api,
    staff_id: i64,
    input: &RotationPreferences,
) -> Result<RotationPreferences, ApiError> {
    api.put_json(
        &format!("/staff/{staff_id}/rotation-preferences"),
        Write::json(input),
    )
    .await
}
