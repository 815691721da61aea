//! `/plans` (support plans, their workflow, versions, indicators, evaluations, report and
//! document), `/plan-activities`, `/evaluations` and `/support-requests`.

use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use shared::page::Page;
use shared::plan::{
    Activity, ActivityFeedbackInput, ActivityProgressInput, DiffQuery, Evaluation,
    EvaluationCreate, EvaluationUpdate, IndicatorBoard, PeriodApprovalInput, PeriodQuery, Plan,
    PlanAction, PlanDiff, PlanInput, PlanQuery, PlanReasonInput, PlanReport, PlanSummary,
    SupportAcceptInput, SupportRequest, SupportRequestInput, SupportRequestQuery, ValueEntry,
    ValueHistoryQuery, ValuesInput,
};
use utoipa_actix_web::service_config::ServiceConfig;

use super::{export, service};
use crate::app::AppState;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::http::{
    IdempotencyKey, IfMatch, ValidJson, attachment, ok_versioned, request_lang, versioned,
};
use crate::openapi::problems::{
    BadQuery, Conflict, Forbidden, IfMatchMissing, Invalid, KeyReused, NotFound, Problems, Stale,
};
use crate::workflow::step_routes;

versioned!(Plan, Evaluation, Activity, SupportRequest);

/// Registers this module's routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_plans)
        .service(create_plan)
        .service(get_plan)
        .service(update_plan)
        .service(submit_plan)
        .service(approve_plan)
        .service(activate_plan)
        .service(close_plan)
        .service(reject_plan)
        .service(revise_plan)
        .service(plan_versions)
        .service(plan_diff)
        .service(plan_document)
        .service(indicator_board)
        .service(enter_values)
        .service(value_history)
        .service(approve_values)
        .service(unapprove_values)
        .service(list_evaluations)
        .service(create_evaluation)
        .service(get_evaluation)
        .service(update_evaluation)
        .service(approve_evaluation)
        .service(plan_report)
        .service(plan_report_xlsx)
        .service(activity_progress)
        .service(activity_feedback)
        .service(list_support_requests)
        .service(create_support_request)
        .service(accept_support_request)
        .service(decline_support_request);
}

/// Plans you may read (issued by or supporting a facility you see), newest first.
/// Versions replaced by a later approved one only with `include_superseded`.
#[utoipa::path(
    tag = "plans",
    params(PlanQuery),
    responses(
        (status = 200, description = "A page of plans", body = Page<PlanSummary>),
        Problems<BadQuery>,
    )
)]
#[get("/plans")]
async fn list_plans(
    state: web::Data<AppState>,
    by: Principal,
    query: web::Query<PlanQuery>,
) -> Result<HttpResponse, ApiError> {
    state
        .json(move |conn| service::list_plans(conn, &by, &query))
        .await
}

/// Write a new plan of your facility, as a draft (planning office). Accepts
/// `Idempotency-Key`.
#[utoipa::path(
    tag = "plans",
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe create")),
    request_body = PlanInput,
    responses(
        (status = 201, description = "Created", body = Plan),
        Problems<(Invalid, Forbidden, KeyReused)>,
    )
)]
#[post("/plans")]
async fn create_plan(
    state: web::Data<AppState>,
    by: Principal,
    key: IdempotencyKey,
    body: ValidJson<PlanInput>,
) -> Result<HttpResponse, ApiError> {
    state
        .created("plans", move |conn| {
            service::create_plan(conn, &by, key.0.as_deref(), &body.0)
        })
        .await
}

/// One version of a plan, with its document, activities, indicators and the actions
/// open to you.
#[utoipa::path(
    tag = "plans",
    params(("id" = i64, Path, description = "Plan version id")),
    responses(
        (status = 200, description = "The plan; ETag carries the version", body = Plan),
        Problems<NotFound>,
    )
)]
#[get("/plans/{id}")]
async fn get_plan(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    state
        .versioned(move |conn| service::get_plan(conn, &by, *id))
        .await
}

/// Rewrite a draft (its authors). An approved plan changes only through `revise`.
/// Needs `If-Match`.
///
/// 409 when the plan is not a draft.
#[utoipa::path(
    tag = "plans",
    params(
        ("id" = i64, Path, description = "Plan version id"),
        ("If-Match" = String, Header, description = "ETag of the version read"),
    ),
    request_body = PlanInput,
    responses(
        (status = 200, description = "Updated", body = Plan),
        Problems<(Invalid, Forbidden, NotFound, Conflict, Stale, IfMatchMissing)>,
    )
)]
#[put("/plans/{id}")]
async fn update_plan(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
    if_match: IfMatch,
    body: ValidJson<PlanInput>,
) -> Result<HttpResponse, ApiError> {
    let version = if_match.required()?;
    state
        .versioned(move |conn| service::update_plan(conn, &by, *id, version, &body.0))
        .await
}

async fn step(
    req: &HttpRequest,
    state: web::Data<AppState>,
    by: Principal,
    id: i64,
    if_match: IfMatch,
    (action, reason): (PlanAction, Option<String>),
) -> Result<HttpResponse, ApiError> {
    let lang = request_lang(req);
    let plan = state
        .db
        .run(move |conn| service::step(conn, &by, id, if_match.0, action, reason.as_deref(), lang))
        .await?;
    Ok(ok_versioned(plan.version, &plan))
}

step_routes! {
    tag: "plans", id: "Plan version id", answer: Plan,
    problems: (Forbidden, NotFound, Conflict, Stale), take: step;
    /// Submit a draft for approval (its authors).
    submit_plan: "/plans/{id}/submit", () => (PlanAction::Submit, None), "Submitted for approval";
    #[doc = "Approve a submitted plan: the issuing facility's director, or the Department of \
             Health for a network plan. Approving a new version closes the one it revises."]
    approve_plan: "/plans/{id}/approve", () => (PlanAction::Approve, None), "Approved";
    /// Start carrying out an approved plan (its authors).
    activate_plan: "/plans/{id}/activate", () => (PlanAction::Activate, None), "Started";
    /// Close an active plan at its end (its authors).
    close_plan: "/plans/{id}/close", () => (PlanAction::Close, None), "Closed";
}

step_routes! {
    tag: "plans", id: "Plan version id", answer: Plan,
    problems: (Invalid, Forbidden, NotFound, Conflict, Stale), take: step;
    /// Return a submitted plan to its authors with a reason (whoever approves it).
    ///
    /// 409 when the plan is not submitted.
    reject_plan: "/plans/{id}/reject", (input: PlanReasonInput)
        => (PlanAction::Reject, Some(input.reason.trim().to_string())), "Returned to draft";
}

/// Start a new version of an approved or active plan: a draft copy the authors edit and
/// submit; the old version stays readable and in force until the new one is approved.
///
/// 409 when the plan is not approved, or a newer version is already open.
#[utoipa::path(
    tag = "plans",
    params(("id" = i64, Path, description = "Plan version id")),
    request_body = PlanReasonInput,
    responses(
        (status = 201, description = "The new draft version", body = Plan),
        Problems<(Invalid, Forbidden, NotFound, Conflict)>,
    )
)]
#[post("/plans/{id}/revise")]
async fn revise_plan(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
    body: ValidJson<PlanReasonInput>,
) -> Result<HttpResponse, ApiError> {
    state
        .created("plans", move |conn| {
            service::revise(conn, &by, *id, &body.0.reason)
        })
        .await
}

/// Every version of the plan, oldest first.
#[utoipa::path(
    tag = "plans",
    params(("id" = i64, Path, description = "Plan version id")),
    responses(
        (status = 200, description = "The versions", body = Vec<PlanSummary>),
        Problems<NotFound>,
    )
)]
#[get("/plans/{id}/versions")]
async fn plan_versions(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    state
        .json(move |conn| service::versions(conn, &by, *id))
        .await
}

/// What this version changed against another of the same plan (default: the one it
/// revises), section by section.
///
/// 400 when there is nothing to compare with.
#[utoipa::path(
    tag = "plans",
    params(("id" = i64, Path, description = "Plan version id"), DiffQuery),
    responses(
        (status = 200, description = "The changes", body = PlanDiff),
        Problems<(BadQuery, NotFound)>,
    )
)]
#[get("/plans/{id}/diff")]
async fn plan_diff(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
    query: web::Query<DiffQuery>,
) -> Result<HttpResponse, ApiError> {
    state
        .json(move |conn| service::diff(conn, &by, *id, query.against))
        .await
}

/// A file name made of the plan code: letters, digits and dashes only.
fn file_stem(code: &str) -> String {
    code.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The plan as an official document (DOCX): national header, issuing body, number and
/// date, căn cứ, sections I–V, nơi nhận and signer.
#[utoipa::path(
    tag = "plans",
    params(("id" = i64, Path, description = "Plan version id")),
    responses(
        (status = 200, description = "The document", body = String, content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        Problems<NotFound>,
    )
)]
#[get("/plans/{id}/document.docx")]
async fn plan_document(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let plan = state
        .db
        .run(move |conn| service::get_plan(conn, &by, id))
        .await?;
    let name = format!("{}-v{}.docx", file_stem(&plan.code), plan.version_number);
    let bytes = crate::db::off_workers(move || export::plan_docx(&plan))
        .await?
        .map_err(ApiError::internal)?;
    Ok(attachment(DOCX, &name, bytes))
}

/// Every indicator of the plan per facility for a period: target, actual (computed from
/// the data, entered by the station, or as locked at approval), attainment, light.
///
/// 400 on a bad period or facility.
#[utoipa::path(
    tag = "plans",
    params(("id" = i64, Path, description = "Plan version id"), PeriodQuery),
    responses(
        (status = 200, description = "The board", body = IndicatorBoard),
        Problems<(BadQuery, NotFound)>,
    )
)]
#[get("/plans/{id}/indicator-board")]
async fn indicator_board(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, ApiError> {
    state
        .json(move |conn| service::board(conn, &by, *id, &query))
        .await
}

/// Report your station's values of the entered indicators for a period. Refused (409)
/// once the centre has approved the period; every report is kept in the history.
///
/// 409 when the period is approved and locked, or the plan is not in force.
#[utoipa::path(
    tag = "plans",
    params(("id" = i64, Path, description = "Plan version id")),
    request_body = ValuesInput,
    responses(
        (status = 200, description = "Recorded; the station's board", body = IndicatorBoard),
        Problems<(Invalid, Forbidden, NotFound, Conflict)>,
    )
)]
#[post("/plans/{id}/indicator-values")]
async fn enter_values(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
    body: ValidJson<ValuesInput>,
) -> Result<HttpResponse, ApiError> {
    state
        .json(move |conn| service::enter_values(conn, &by, *id, &body.0))
        .await
}

/// Every value reported for one indicator, facility and period, oldest first.
#[utoipa::path(
    tag = "plans",
    params(("id" = i64, Path, description = "Plan version id"), ValueHistoryQuery),
    responses(
        (status = 200, description = "The history", body = Vec<ValueEntry>),
        Problems<(BadQuery, Forbidden, NotFound)>,
    )
)]
#[get("/plans/{id}/indicator-values/history")]
async fn value_history(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
    query: web::Query<ValueHistoryQuery>,
) -> Result<HttpResponse, ApiError> {
    state
        .json(move |conn| service::value_history(conn, &by, *id, &query))
        .await
}

macro_rules! values_decision {
    ($name:ident, $path:literal, $approve:expr, $ok:literal, $doc:literal) => {
        #[doc = $doc]
        #[doc = ""]
        #[doc = "409 when it is already so, or the plan is not in force."]
        #[utoipa::path(
                                    tag = "plans",
                                    params(("id" = i64, Path, description = "Plan version id")),
                                    request_body = PeriodApprovalInput,
                                    responses(
                                        (status = 200, description = $ok, body = IndicatorBoard),
                                        Problems<(Invalid, Forbidden, NotFound, Conflict)>,
                                    )
                                )]
        #[post($path)]
        async fn $name(
            state: web::Data<AppState>,
            by: Principal,
            id: web::Path<i64>,
            body: ValidJson<PeriodApprovalInput>,
        ) -> Result<HttpResponse, ApiError> {
            state
                .json(move |conn| service::decide_values(conn, &by, *id, &body.0, $approve))
                .await
        }
    };
}

values_decision!(
    approve_values,
    "/plans/{id}/indicator-values/approve",
    true,
    "Approved and locked",
    "Approve a facility's values for a period (the issuing facility's planning office or \
     director): they are locked as they stand, computed ones included."
);

values_decision!(
    unapprove_values,
    "/plans/{id}/indicator-values/unapprove",
    false,
    "Unlocked",
    "Withdraw the approval of a facility's values for a period, with a reason; the \
     station may report again."
);

/// The evaluations of a plan.
#[utoipa::path(
    tag = "plans",
    params(("id" = i64, Path, description = "Plan version id")),
    responses(
        (status = 200, description = "The evaluations", body = Vec<Evaluation>),
        Problems<NotFound>,
    )
)]
#[get("/plans/{id}/evaluations")]
async fn list_evaluations(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    state
        .json(move |conn| service::list_evaluations(conn, &by, *id))
        .await
}

/// Generate a mid-year (first half) or year-end evaluation from the data, as a draft
/// the planning office then edits.
///
/// 409 when the plan is not approved.
#[utoipa::path(
    tag = "plans",
    params(("id" = i64, Path, description = "Plan version id")),
    request_body = EvaluationCreate,
    responses(
        (status = 201, description = "Generated", body = Evaluation),
        Problems<(Invalid, Forbidden, NotFound, Conflict)>,
    )
)]
#[post("/plans/{id}/evaluations")]
async fn create_evaluation(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
    body: ValidJson<EvaluationCreate>,
) -> Result<HttpResponse, ApiError> {
    state
        .created("evaluations", move |conn| {
            service::create_evaluation(conn, &by, *id, &body.0)
        })
        .await
}

/// One evaluation.
#[utoipa::path(
    tag = "plans",
    params(("id" = i64, Path, description = "Evaluation id")),
    responses(
        (status = 200, description = "The evaluation; ETag carries the version", body = Evaluation),
        Problems<NotFound>,
    )
)]
#[get("/evaluations/{id}")]
async fn get_evaluation(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    state
        .versioned(move |conn| service::get_evaluation(conn, &by, *id))
        .await
}

/// Edit a draft evaluation's summary, narratives and adjustments. Needs `If-Match`.
///
/// 409 once the evaluation is approved.
#[utoipa::path(
    tag = "plans",
    params(
        ("id" = i64, Path, description = "Evaluation id"),
        ("If-Match" = String, Header, description = "ETag of the version read"),
    ),
    request_body = EvaluationUpdate,
    responses(
        (status = 200, description = "Updated", body = Evaluation),
        Problems<(Invalid, Forbidden, NotFound, Conflict, Stale, IfMatchMissing)>,
    )
)]
#[put("/evaluations/{id}")]
async fn update_evaluation(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
    if_match: IfMatch,
    body: ValidJson<EvaluationUpdate>,
) -> Result<HttpResponse, ApiError> {
    let version = if_match.required()?;
    state
        .versioned(move |conn| service::update_evaluation(conn, &by, *id, version, &body.0))
        .await
}

/// Approve an evaluation (whoever approves the plan).
///
/// 409 when it is approved already.
#[utoipa::path(
    tag = "plans",
    params(
        ("id" = i64, Path, description = "Evaluation id"),
        ("If-Match" = Option<String>, Header, description = "ETag of the version read (optional)"),
    ),
    responses(
        (status = 200, description = "Approved", body = Evaluation),
        Problems<(Forbidden, NotFound, Conflict, Stale)>,
    )
)]
#[post("/evaluations/{id}/approve")]
async fn approve_evaluation(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    state
        .versioned(move |conn| service::approve_evaluation(conn, &by, *id, if_match.0))
        .await
}

/// The periodic report of the plan to the Department of Health for a quarter, half,
/// year or phase: activities, rotations, consultations, referrals up/back/avoided,
/// follow-ups and indicator attainment per station.
#[utoipa::path(
    tag = "plans",
    params(("id" = i64, Path, description = "Plan version id"), PeriodQuery),
    responses(
        (status = 200, description = "The report", body = PlanReport),
        Problems<(BadQuery, NotFound)>,
    )
)]
#[get("/plans/{id}/report")]
async fn plan_report(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, ApiError> {
    state
        .json(move |conn| service::report(conn, &by, *id, &query))
        .await
}

/// The periodic report as a spreadsheet (XLSX): a summary per station with totals, the
/// activities and the indicators.
#[utoipa::path(
    tag = "plans",
    params(("id" = i64, Path, description = "Plan version id"), PeriodQuery),
    responses(
        (status = 200, description = "The workbook", body = String, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        Problems<(BadQuery, NotFound)>,
    )
)]
#[get("/plans/{id}/report.xlsx")]
async fn plan_report_xlsx(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, ApiError> {
    let (id, query) = (id.into_inner(), query.into_inner());
    let report = state
        .db
        .run(move |conn| service::report(conn, &by, id, &query))
        .await?;
    let name = format!(
        "bao-cao-{}-{}.xlsx",
        file_stem(&report.plan.code),
        report.period
    );
    let bytes = crate::db::off_workers(move || export::report_xlsx(&report))
        .await?
        .map_err(ApiError::internal)?;
    Ok(attachment(XLSX, &name, bytes))
}

/// Record how far an activity has got (the plan's authors), on an approved or active
/// plan.
///
/// 409 when the plan is not in force.
#[utoipa::path(
    tag = "plans",
    params(
        ("id" = i64, Path, description = "Activity id"),
        ("If-Match" = Option<String>, Header, description = "ETag of the version read (optional)"),
    ),
    request_body = ActivityProgressInput,
    responses(
        (status = 200, description = "Recorded", body = Activity),
        Problems<(Invalid, Forbidden, NotFound, Conflict, Stale)>,
    )
)]
#[post("/plan-activities/{id}/progress")]
async fn activity_progress(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
    if_match: IfMatch,
    body: ValidJson<ActivityProgressInput>,
) -> Result<HttpResponse, ApiError> {
    state
        .versioned(move |conn| service::activity_progress(conn, &by, *id, if_match.0, &body.0))
        .await
}

/// Rate the support an activity brought your station (1–5, with a comment); a new
/// rating replaces your earlier one.
///
/// 409 before the activity has started.
#[utoipa::path(
    tag = "plans",
    params(("id" = i64, Path, description = "Activity id")),
    request_body = ActivityFeedbackInput,
    responses(
        (status = 200, description = "Recorded", body = Activity),
        Problems<(Invalid, Forbidden, NotFound, Conflict)>,
    )
)]
#[post("/plan-activities/{id}/feedback")]
async fn activity_feedback(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
    body: ValidJson<ActivityFeedbackInput>,
) -> Result<HttpResponse, ApiError> {
    state
        .versioned(move |conn| service::activity_feedback(conn, &by, *id, &body.0))
        .await
}

/// Support requests of the stations you see, newest first.
#[utoipa::path(
    tag = "plans",
    params(SupportRequestQuery),
    responses(
        (status = 200, description = "A page of requests", body = Page<SupportRequest>),
        Problems<(BadQuery, Forbidden)>,
    )
)]
#[get("/support-requests")]
async fn list_support_requests(
    state: web::Data<AppState>,
    by: Principal,
    query: web::Query<SupportRequestQuery>,
) -> Result<HttpResponse, ApiError> {
    state
        .json(move |conn| service::list_support(conn, &by, &query))
        .await
}

/// Ask the centre for support (your station). Accepts `Idempotency-Key`.
#[utoipa::path(
    tag = "plans",
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe create")),
    request_body = SupportRequestInput,
    responses(
        (status = 201, description = "Created", body = SupportRequest),
        Problems<(Invalid, Forbidden, KeyReused)>,
    )
)]
#[post("/support-requests")]
async fn create_support_request(
    state: web::Data<AppState>,
    by: Principal,
    key: IdempotencyKey,
    body: ValidJson<SupportRequestInput>,
) -> Result<HttpResponse, ApiError> {
    state
        .created("support-requests", move |conn| {
            service::create_support(conn, &by, key.0.as_deref(), &body.0)
        })
        .await
}

/// Accept a request into an activity of one of your plans that serves the station
/// (the planning office above it).
///
/// 409 when the request is answered already.
#[utoipa::path(
    tag = "plans",
    params(
        ("id" = i64, Path, description = "Request id"),
        ("If-Match" = Option<String>, Header, description = "ETag of the version read (optional)"),
    ),
    request_body = SupportAcceptInput,
    responses(
        (status = 200, description = "Accepted", body = SupportRequest),
        Problems<(Invalid, Forbidden, NotFound, Conflict, Stale)>,
    )
)]
#[post("/support-requests/{id}/accept")]
async fn accept_support_request(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
    if_match: IfMatch,
    body: ValidJson<SupportAcceptInput>,
) -> Result<HttpResponse, ApiError> {
    state
        .versioned(move |conn| {
            service::answer_support(conn, &by, *id, if_match.0, Some(&body.0), None)
        })
        .await
}

/// Decline a request with a reason (the planning office above the station).
///
/// 409 when the request is answered already.
#[utoipa::path(
    tag = "plans",
    params(
        ("id" = i64, Path, description = "Request id"),
        ("If-Match" = Option<String>, Header, description = "ETag of the version read (optional)"),
    ),
    request_body = PlanReasonInput,
    responses(
        (status = 200, description = "Declined", body = SupportRequest),
        Problems<(Invalid, Forbidden, NotFound, Conflict, Stale)>,
    )
)]
#[post("/support-requests/{id}/decline")]
async fn decline_support_request(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
    if_match: IfMatch,
    body: ValidJson<PlanReasonInput>,
) -> Result<HttpResponse, ApiError> {
    state
        .versioned(move |conn| {
            service::answer_support(conn, &by, *id, if_match.0, None, Some(body.0.reason.trim()))
        })
        .await
}
