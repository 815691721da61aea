//! `/rotation-plans` (with the generator), `/rotation-demands`, `/rotation-assignments`,
//! `/staff/{id}/rotation-preferences` and `/calendar-feeds`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use shared::page::Page;
use shared::rotation::{
    AssignmentInput, AssignmentQuery, AttendanceInput, CalendarFeed, CheckResult,
    ConfirmMonthInput, DeclineDemandInput, DemandInput, DemandQuery, FeedInput, FeedbackInput,
    GenerateInput, Generation, Roster, RotationAssignment, RotationDemand, RotationPlan,
    RotationPlanInput, RotationPlanQuery, RotationPreferences, SwapInput,
};
use utoipa_actix_web::service_config::ServiceConfig;

use super::service::{self, DemandStep, Step};
use super::{generator, ics};
use crate::app::AppState;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::http::{IdempotencyKey, IfMatch, ValidJson, ok_versioned, request_lang, versioned};
use crate::openapi::problems::{
    BadQuery, BreaksRules, Conflict, Forbidden, IfMatchMissing, Invalid, KeyReused, NotFound,
    Problems, Stale,
};
use crate::workflow::step_routes;

versioned!(RotationPlan, RotationDemand, RotationAssignment);

/// Registers this module's routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_plans)
        .service(create_plan)
        .service(get_plan)
        .service(update_plan)
        .service(publish_plan)
        .service(plan_roster)
        .service(generate)
        .service(latest_generation)
        .service(get_generation)
        .service(cancel_generation)
        .service(list_demands)
        .service(create_demand)
        .service(get_demand)
        .service(update_demand)
        .service(accept_demand)
        .service(decline_demand)
        .service(list_assignments)
        .service(create_assignment)
        .service(check_assignment)
        .service(confirm_month)
        .service(get_assignment)
        .service(update_assignment)
        .service(confirm_assignment)
        .service(attend_assignment)
        .service(mark_assignment_absent)
        .service(cancel_assignment)
        .service(swap_assignment)
        .service(assignment_feedback)
        .service(get_preferences)
        .service(set_preferences)
        .service(create_feed)
        .service(calendar_feed);
}

/// Rotation plans you may see.
#[utoipa::path(
    tag = "rotations",
    operation_id = "list_rotation_plans",
    params(RotationPlanQuery),
    responses(
        (status = 200, description = "A page of plans", body = Page<RotationPlan>),
        Problems<(BadQuery, Forbidden)>,
    )
)]
#[get("/rotation-plans")]
async fn list_plans(
    state: web::Data<AppState>,
    by: Principal,
    query: web::Query<RotationPlanQuery>,
) -> Result<HttpResponse, ApiError> {
    state
        .json(move |conn| service::list_plans(conn, &by, &query))
        .await
}

/// Create a rotation plan for a period (planning of the sending facility). Accepts
/// `Idempotency-Key`.
#[utoipa::path(
    tag = "rotations",
    operation_id = "create_rotation_plan",
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe create")),
    request_body = RotationPlanInput,
    responses(
        (status = 201, description = "Created", body = RotationPlan),
        Problems<(Invalid, Forbidden, KeyReused)>,
    )
)]
#[post("/rotation-plans")]
async fn create_plan(
    state: web::Data<AppState>,
    by: Principal,
    key: IdempotencyKey,
    body: ValidJson<RotationPlanInput>,
) -> Result<HttpResponse, ApiError> {
    state
        .created("rotation-plans", move |conn| {
            service::create_plan(conn, &by, key.0.as_deref(), &body.0)
        })
        .await
}

/// One rotation plan.
#[utoipa::path(
    tag = "rotations",
    operation_id = "get_rotation_plan",
    params(("id" = i64, Path, description = "Plan id")),
    responses(
        (status = 200, description = "The plan; ETag carries the version", body = RotationPlan),
        Problems<(Forbidden, NotFound)>,
    )
)]
#[get("/rotation-plans/{id}")]
async fn get_plan(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    state
        .versioned(move |conn| service::get_plan(conn, &by, *id))
        .await
}

/// Change a plan's title, period or limits. Needs `If-Match`.
#[utoipa::path(
    tag = "rotations",
    operation_id = "update_rotation_plan",
    params(
        ("id" = i64, Path, description = "Plan id"),
        ("If-Match" = String, Header, description = "ETag of the version read"),
    ),
    request_body = RotationPlanInput,
    responses(
        (status = 200, description = "Updated", body = RotationPlan),
        Problems<(Invalid, Forbidden, NotFound, Stale, IfMatchMissing)>,
    )
)]
#[put("/rotation-plans/{id}")]
async fn update_plan(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
    if_match: IfMatch,
    body: ValidJson<RotationPlanInput>,
) -> Result<HttpResponse, ApiError> {
    let version = if_match.required()?;
    state
        .versioned(move |conn| service::update_plan(conn, &by, *id, version, &body.0))
        .await
}

/// Publish every proposed assignment of the plan: staff, departments and stations see
/// them from now on.
#[utoipa::path(
    tag = "rotations",
    params(
        ("id" = i64, Path, description = "Plan id"),
        ("If-Match" = Option<String>, Header, description = "ETag of the plan version read (optional)"),
    ),
    responses(
        (status = 200, description = "Published", body = RotationPlan),
        Problems<(Forbidden, NotFound, Stale)>,
    )
)]
#[post("/rotation-plans/{id}/publish")]
async fn publish_plan(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    state
        .versioned(move |conn| service::publish_plan(conn, &by, *id, if_match.0))
        .await
}

/// What the rotation rules look at for this plan (staff, departments, bookings), so a
/// client can check an edit before saving it (planning only).
#[utoipa::path(
    tag = "rotations",
    params(("id" = i64, Path, description = "Plan id")),
    responses(
        (status = 200, description = "The roster", body = Roster),
        Problems<(Forbidden, NotFound)>,
    )
)]
#[get("/rotation-plans/{id}/roster")]
async fn plan_roster(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    state
        .json(move |conn| service::roster(conn, &by, *id))
        .await
}

/// Start the generator on the plan's open demands. The run is queued (`status:
/// queued`) and solved in the background by a worker of any server; follow it with
/// `GET /rotation-generations/{id}`. Published and confirmed assignments are kept
/// unless `replan_published` is set.
///
/// 409 while a run of the plan is queued or running, and when the plan is too large
/// to generate in one run (the problem says by how much: split the period into
/// shorter plans or narrow the stations and demands).
#[utoipa::path(
    tag = "rotations",
    params(("id" = i64, Path, description = "Plan id")),
    request_body = GenerateInput,
    responses(
        (status = 202, description = "Started", body = Generation),
        Problems<(Invalid, Forbidden, NotFound, Conflict)>,
    )
)]
#[post("/rotation-plans/{id}/generate")]
async fn generate(
    req: HttpRequest,
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
    body: ValidJson<GenerateInput>,
) -> Result<HttpResponse, ApiError> {
    let generation = generator::start(&state, by, *id, body.0, request_lang(&req)).await?;
    Ok(HttpResponse::build(StatusCode::ACCEPTED)
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/rotation-generations/{}", generation.id),
        ))
        .json(generation))
}

/// The plan's latest generator run.
///
/// 204 before the plan's first run (a plan never generated is no missing resource:
/// the page that shows it asks on every visit); 404 when there is no such plan.
#[utoipa::path(
    tag = "rotations",
    params(("id" = i64, Path, description = "Plan id")),
    responses(
        (status = 200, description = "The latest run", body = Generation),
        (status = 204, description = "No run yet"),
        Problems<(Forbidden, NotFound)>,
    )
)]
#[get("/rotation-plans/{id}/generation")]
async fn latest_generation(
    req: HttpRequest,
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    Ok(
        match generator::latest(&state, by, *id, request_lang(&req)).await? {
            Some(generation) => HttpResponse::Ok().json(generation),
            None => HttpResponse::NoContent().finish(),
        },
    )
}

/// A generator run: progress while it runs; score and unmet demand when done.
#[utoipa::path(
    tag = "rotations",
    params(("id" = i64, Path, description = "Run id")),
    responses(
        (status = 200, description = "The run", body = Generation),
        Problems<(Forbidden, NotFound)>,
    )
)]
#[get("/rotation-generations/{id}")]
async fn get_generation(
    req: HttpRequest,
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let generation = generator::get(&state, by, *id, request_lang(&req)).await?;
    Ok(HttpResponse::Ok().json(generation))
}

/// Stop a queued or running generator run; nothing it found is saved. A queued run
/// is cancelled at once; a running one stops within a few seconds (the answer still
/// says `running` until then).
///
/// 409 when the run has ended.
#[utoipa::path(
    tag = "rotations",
    params(("id" = i64, Path, description = "Run id")),
    responses(
        (status = 200, description = "Cancellation requested", body = Generation),
        Problems<(Forbidden, NotFound, Conflict)>,
    )
)]
#[post("/rotation-generations/{id}/cancel")]
async fn cancel_generation(
    req: HttpRequest,
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let generation = generator::cancel(&state, by, *id, request_lang(&req)).await?;
    Ok(HttpResponse::Ok().json(generation))
}

/// Rotation demands of plans you may see.
#[utoipa::path(
    tag = "rotations",
    params(DemandQuery),
    responses(
        (status = 200, description = "A page of demands", body = Page<RotationDemand>),
        Problems<(BadQuery, Forbidden, NotFound)>,
    )
)]
#[get("/rotation-demands")]
async fn list_demands(
    state: web::Data<AppState>,
    by: Principal,
    query: web::Query<DemandQuery>,
) -> Result<HttpResponse, ApiError> {
    state
        .json(move |conn| service::list_demands(conn, &by, &query))
        .await
}

/// Add a station's demand to a plan (planning), or propose one for one's own station in
/// an unpublished plan (its station head: status `proposed`, 409 on a published plan).
/// Accepts `Idempotency-Key`.
#[utoipa::path(
    tag = "rotations",
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe create")),
    request_body = DemandInput,
    responses(
        (status = 201, description = "Created", body = RotationDemand),
        Problems<(Invalid, Forbidden, NotFound, KeyReused)>,
    )
)]
#[post("/rotation-demands")]
async fn create_demand(
    state: web::Data<AppState>,
    by: Principal,
    key: IdempotencyKey,
    body: ValidJson<DemandInput>,
) -> Result<HttpResponse, ApiError> {
    state
        .created("rotation-demands", move |conn| {
            service::create_demand(conn, &by, key.0.as_deref(), &body.0)
        })
        .await
}

/// One demand, with the days still unfilled.
#[utoipa::path(
    tag = "rotations",
    params(("id" = i64, Path, description = "Demand id")),
    responses(
        (status = 200, description = "The demand", body = RotationDemand),
        Problems<(Forbidden, NotFound)>,
    )
)]
#[get("/rotation-demands/{id}")]
async fn get_demand(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    state
        .versioned(move |conn| service::get_demand(conn, &by, *id))
        .await
}

/// Change a demand. Needs `If-Match`.
#[utoipa::path(
    tag = "rotations",
    params(
        ("id" = i64, Path, description = "Demand id"),
        ("If-Match" = String, Header, description = "ETag of the version read"),
    ),
    request_body = DemandInput,
    responses(
        (status = 200, description = "Updated", body = RotationDemand),
        Problems<(Invalid, Forbidden, NotFound, Stale, IfMatchMissing)>,
    )
)]
#[put("/rotation-demands/{id}")]
async fn update_demand(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
    if_match: IfMatch,
    body: ValidJson<DemandInput>,
) -> Result<HttpResponse, ApiError> {
    let version = if_match.required()?;
    state
        .versioned(move |conn| service::update_demand(conn, &by, *id, version, &body.0))
        .await
}

/// The rotation calendar: assignments you may see (proposals only for planning), by
/// plan, station, person (`mine=true` for your own) and dates.
///
/// 404 when there is no such plan or person.
#[utoipa::path(
    tag = "rotations",
    params(AssignmentQuery),
    responses(
        (status = 200, description = "A page of assignments", body = Page<RotationAssignment>),
        Problems<(BadQuery, Forbidden, NotFound)>,
    )
)]
#[get("/rotation-assignments")]
async fn list_assignments(
    state: web::Data<AppState>,
    by: Principal,
    query: web::Query<AssignmentQuery>,
) -> Result<HttpResponse, ApiError> {
    state
        .json(move |conn| service::list_assignments(conn, &by, &query))
        .await
}

/// Assign someone by hand (proposed). Refused with `rotation_rules_broken` (422, the
/// broken rules by code) when it breaks a rotation rule. Accepts `Idempotency-Key`.
#[utoipa::path(
    tag = "rotations",
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe create")),
    request_body = AssignmentInput,
    responses(
        (status = 201, description = "Created", body = RotationAssignment),
        Problems<(Invalid, Forbidden, NotFound, KeyReused, BreaksRules)>,
    )
)]
#[post("/rotation-assignments")]
async fn create_assignment(
    req: HttpRequest,
    state: web::Data<AppState>,
    by: Principal,
    key: IdempotencyKey,
    body: ValidJson<AssignmentInput>,
) -> Result<HttpResponse, ApiError> {
    let lang = request_lang(&req);
    state
        .created("rotation-assignments", move |conn| {
            service::create_assignment(conn, &by, key.0.as_deref(), &body.0, lang)
        })
        .await
}

/// The rules an assignment would break, without saving it.
#[utoipa::path(
    tag = "rotations",
    params(("assignment_id" = Option<i64>, Query, description = "The assignment being edited, if any")),
    request_body = AssignmentInput,
    responses(
        (status = 200, description = "Broken rules (empty: fine)", body = CheckResult),
        Problems<(Invalid, Forbidden, NotFound)>,
    )
)]
#[post("/rotation-assignments/check")]
async fn check_assignment(
    req: HttpRequest,
    state: web::Data<AppState>,
    by: Principal,
    query: web::Query<CheckQuery>,
    body: ValidJson<AssignmentInput>,
) -> Result<HttpResponse, ApiError> {
    let (lang, id) = (request_lang(&req), query.assignment_id);
    state
        .json(move |conn| service::check_assignment(conn, &by, &body.0, id, lang))
        .await
}

/// "Xác nhận cả tháng": confirm every published visit of yours that starts in the month,
/// today or later, each one audited as its own `confirm` step. Idempotent: asking again
/// confirms nothing more and answers an empty list. Past visits are left as they are.
#[utoipa::path(
    tag = "rotations",
    request_body = ConfirmMonthInput,
    responses(
        (status = 200, description = "The visits confirmed now (empty when none was waiting)", body = Vec<RotationAssignment>),
        Problems<(Invalid, Forbidden, Conflict, Stale)>,
    )
)]
#[post("/rotation-assignments/confirm-month")]
async fn confirm_month(
    req: HttpRequest,
    state: web::Data<AppState>,
    by: Principal,
    body: ValidJson<ConfirmMonthInput>,
) -> Result<HttpResponse, ApiError> {
    let lang = request_lang(&req);
    state
        .json(move |conn| service::confirm_month(conn, &by, &body.0, lang))
        .await
}

/// Query of `POST /rotation-assignments/check`.
#[derive(Debug, serde::Deserialize)]
struct CheckQuery {
    assignment_id: Option<i64>,
}

/// One assignment.
#[utoipa::path(
    tag = "rotations",
    params(("id" = i64, Path, description = "Assignment id")),
    responses(
        (status = 200, description = "The assignment; ETag carries the version", body = RotationAssignment),
        Problems<(Forbidden, NotFound)>,
    )
)]
#[get("/rotation-assignments/{id}")]
async fn get_assignment(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    state
        .versioned(move |conn| service::get_assignment(conn, &by, *id))
        .await
}

/// Change who, where or when (planning; proposed or published). Needs `If-Match`;
/// refused with `rotation_rules_broken` when it breaks a rule.
///
/// 409 when the assignment is not editable in its status.
#[utoipa::path(
    tag = "rotations",
    params(
        ("id" = i64, Path, description = "Assignment id"),
        ("If-Match" = String, Header, description = "ETag of the version read"),
    ),
    request_body = AssignmentInput,
    responses(
        (status = 200, description = "Updated", body = RotationAssignment),
        Problems<(Invalid, Forbidden, NotFound, Conflict, Stale, BreaksRules, IfMatchMissing)>,
    )
)]
#[put("/rotation-assignments/{id}")]
async fn update_assignment(
    req: HttpRequest,
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
    if_match: IfMatch,
    body: ValidJson<AssignmentInput>,
) -> Result<HttpResponse, ApiError> {
    let (id, version, body, lang) = (
        id.into_inner(),
        if_match.required()?,
        body.0,
        request_lang(&req),
    );
    state
        .versioned(move |conn| service::update_assignment(conn, &by, id, version, &body, lang))
        .await
}

async fn step(
    req: &HttpRequest,
    state: web::Data<AppState>,
    by: Principal,
    id: i64,
    if_match: IfMatch,
    step: Step,
) -> Result<HttpResponse, ApiError> {
    let lang = request_lang(req);
    let assignment = state
        .db
        .run(move |conn| service::step(conn, &by, id, if_match.0, &step, lang))
        .await?;
    Ok(ok_versioned(assignment.version, &assignment))
}

async fn demand_step(
    req: &HttpRequest,
    state: web::Data<AppState>,
    by: Principal,
    id: i64,
    if_match: IfMatch,
    step: DemandStep,
) -> Result<HttpResponse, ApiError> {
    let lang = request_lang(req);
    let demand = state
        .db
        .run(move |conn| service::step_demand(conn, &by, id, if_match.0, &step, lang))
        .await?;
    Ok(ok_versioned(demand.version, &demand))
}

step_routes! {
    tag: "rotations", id: "Demand id", answer: RotationDemand,
    problems: (Invalid, Forbidden, NotFound, Conflict, Stale), take: demand_step;
    /// Accept a station's proposed demand (planning): the generator fills it from now on.
    accept_demand: "/rotation-demands/{id}/accept", () => DemandStep::Accept, "Accepted";
    /// Decline a station's proposed demand with a reason the station reads (planning).
    decline_demand: "/rotation-demands/{id}/decline", (input: DeclineDemandInput) => DemandStep::Decline(input), "Declined";
}

step_routes! {
    tag: "rotations", id: "Assignment id", answer: RotationAssignment,
    problems: (Invalid, Forbidden, NotFound, Conflict, Stale, BreaksRules), take: step;
    /// Confirm a published assignment (the person, their department head or planning).
    confirm_assignment: "/rotation-assignments/{id}/confirm", (_input: AttendanceInput) => Step::Confirm, "Confirmed";
    /// Confirm the person came (the receiving station).
    attend_assignment: "/rotation-assignments/{id}/attend", (input: AttendanceInput) => Step::Attend(input), "Attendance recorded; the assignment is done";
    /// Record that the person did not come (the receiving station).
    mark_assignment_absent: "/rotation-assignments/{id}/mark-absent", (input: AttendanceInput) => Step::MarkAbsent(input), "Absence recorded";
    /// Cancel an assignment that has not taken place (planning).
    cancel_assignment: "/rotation-assignments/{id}/cancel", (_input: AttendanceInput) => Step::Cancel, "Cancelled";
    /// Put someone else in (planning), checked against the rotation rules; a confirmed assignment goes back to published for the new person to confirm.
    swap_assignment: "/rotation-assignments/{id}/swap", (input: SwapInput) => Step::Swap(input), "Swapped; the swap is recorded with both people";
}

/// The station's rating of a visit that took place (1–5, with a comment).
///
/// 409 before the visit is done.
#[utoipa::path(
    tag = "rotations",
    params(("id" = i64, Path, description = "Assignment id")),
    request_body = FeedbackInput,
    responses(
        (status = 200, description = "Feedback stored", body = RotationAssignment),
        Problems<(Invalid, Forbidden, NotFound, Conflict)>,
    )
)]
#[post("/rotation-assignments/{id}/feedback")]
async fn assignment_feedback(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
    body: ValidJson<FeedbackInput>,
) -> Result<HttpResponse, ApiError> {
    state
        .versioned(move |conn| service::give_feedback(conn, &by, *id, &body.0))
        .await
}

/// A person's preferred stations (the person, or planning of their facility).
#[utoipa::path(
    tag = "rotations",
    params(("id" = i64, Path, description = "Staff id")),
    responses(
        (status = 200, description = "Preferences", body = RotationPreferences),
        Problems<(Forbidden, NotFound)>,
    )
)]
#[get("/staff/{id}/rotation-preferences")]
async fn get_preferences(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    state
        .json(move |conn| service::preferences(conn, &by, *id))
        .await
}

/// State a person's preferred stations; the generator favours them.
#[utoipa::path(
    tag = "rotations",
    params(("id" = i64, Path, description = "Staff id")),
    request_body = RotationPreferences,
    responses(
        (status = 200, description = "Stored", body = RotationPreferences),
        Problems<(Invalid, Forbidden, NotFound)>,
    )
)]
#[put("/staff/{id}/rotation-preferences")]
async fn set_preferences(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
    body: ValidJson<RotationPreferences>,
) -> Result<HttpResponse, ApiError> {
    state
        .json(move |conn| service::set_preferences(conn, &by, *id, &body.0))
        .await
}

/// A secret subscription address for a person's or a station's calendar (rotations and
/// consultation sessions), for a phone calendar. Shown once; asking again replaces it.
#[utoipa::path(
    tag = "rotations",
    request_body = FeedInput,
    responses(
        (status = 201, description = "The address", body = CalendarFeed),
        Problems<(Invalid, Forbidden)>,
    )
)]
#[post("/calendar-feeds")]
async fn create_feed(
    state: web::Data<AppState>,
    by: Principal,
    body: ValidJson<FeedInput>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let feed = state
        .db
        .run(move |conn| service::create_feed(conn, &by, &body))
        .await?;
    Ok(HttpResponse::Created().json(feed))
}

/// The iCalendar (RFC 5545) feed behind a secret address; no sign-in, the secret is
/// the key.
///
/// 404 when the address is unknown or has been replaced.
#[utoipa::path(
    tag = "rotations",
    security(()),
    params(("secret" = String, Path, description = "The feed's secret")),
    responses(
        (status = 200, description = "The calendar", body = String, content_type = "text/calendar"),
        Problems<NotFound>,
    )
)]
#[get("/calendar-feeds/{secret}/calendar.ics")]
async fn calendar_feed(
    req: HttpRequest,
    state: web::Data<AppState>,
    secret: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let secret = secret.into_inner();
    let content = state
        .db
        .run(move |conn| service::feed_content(conn, &secret))
        .await?;
    let lang = request_lang(&req);
    let calendar = crate::db::off_workers(move || ics::render(&content, lang)).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .body(calendar))
}
