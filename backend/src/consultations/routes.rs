//! `/consultation-sessions` (the consultation calendar) and `/consultation-cases` (case
//! requests and their steps).

use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use shared::consultation::{
    CaseInput, CaseQuery, CaseSummary, ConclusionInput, ConsultationCancelInput, ConsultationCase,
    ConsultationSession, OutcomeInput, ScheduleInput, SessionInput, SessionQuery, SessionsCreated,
};
use shared::page::Page;
use utoipa_actix_web::service_config::ServiceConfig;

use super::service::{self, CaseStep};
use crate::app::AppState;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::http::{
    IdempotencyKey, IfMatch, ValidJson, created, ok_versioned, request_lang, versioned,
};
use crate::openapi::problems::{
    BadQuery, Conflict, Forbidden, IfMatchMissing, Invalid, KeyReused, NotFound, Problems, Stale,
};
use crate::workflow::step_routes;

versioned!(ConsultationSession, ConsultationCase);

/// Registers this module's routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_sessions)
        .service(create_sessions)
        .service(get_session)
        .service(update_session)
        .service(cancel_session)
        .service(list_cases)
        .service(create_case)
        .service(get_case)
        .service(schedule_case)
        .service(conclude_case)
        .service(record_case_outcome)
        .service(cancel_case);
}

/// The consultation calendar, in start order. Without `facility_id`: the sessions held
/// by or at the facilities you see, and those of the facilities supporting yours.
#[utoipa::path(
    tag = "consultations",
    params(SessionQuery),
    responses(
        (status = 200, description = "A page of sessions", body = Page<ConsultationSession>),
        Problems<(BadQuery, Forbidden)>,
    )
)]
#[get("/consultation-sessions")]
async fn list_sessions(
    state: web::Data<AppState>,
    by: Principal,
    query: web::Query<SessionQuery>,
) -> Result<HttpResponse, ApiError> {
    state
        .json(move |conn| service::list_sessions(conn, &by, &query))
        .await
}

/// Schedule a session of your facility (planner, director, department head), or a
/// weekly series with `repeat_weekly_until`. Accepts `Idempotency-Key`.
#[utoipa::path(
    tag = "consultations",
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe create")),
    request_body = SessionInput,
    responses(
        (status = 201, description = "Created: the session, or every session of the series", body = SessionsCreated),
        Problems<(Invalid, Forbidden, KeyReused)>,
    )
)]
#[post("/consultation-sessions")]
async fn create_sessions(
    state: web::Data<AppState>,
    by: Principal,
    key: IdempotencyKey,
    body: ValidJson<SessionInput>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let created_sessions = state
        .db
        .run(move |conn| service::create_sessions(conn, &by, key.0.as_deref(), &body))
        .await?;
    let first = created_sessions
        .sessions
        .first()
        .ok_or_else(|| ApiError::internal("no session created"))?;
    let single = created_sessions.sessions.len() == 1;
    Ok(created(
        format!("/api/v1/consultation-sessions/{}", first.id),
        single.then_some(first.version),
        &created_sessions,
    ))
}

/// One session.
#[utoipa::path(
    tag = "consultations",
    params(("id" = i64, Path, description = "Session id")),
    responses(
        (status = 200, description = "The session; ETag carries the version", body = ConsultationSession),
        Problems<(Forbidden, NotFound)>,
    )
)]
#[get("/consultation-sessions/{id}")]
async fn get_session(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    state
        .versioned(move |conn| service::get_session(conn, &by, *id))
        .await
}

/// Edit one scheduled session (its host). Needs `If-Match`.
///
/// 409 when the session is held or cancelled.
#[utoipa::path(
    tag = "consultations",
    params(
        ("id" = i64, Path, description = "Session id"),
        ("If-Match" = String, Header, description = "ETag of the version read"),
    ),
    request_body = SessionInput,
    responses(
        (status = 200, description = "Updated", body = ConsultationSession),
        Problems<(Invalid, Forbidden, NotFound, Conflict, Stale, IfMatchMissing)>,
    )
)]
#[put("/consultation-sessions/{id}")]
async fn update_session(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
    if_match: IfMatch,
    body: ValidJson<SessionInput>,
) -> Result<HttpResponse, ApiError> {
    let (id, version, body) = (id.into_inner(), if_match.required()?, body.0);
    body.validate_edit()
        .map_err(|errors| ApiError::invalid(&errors))?;
    state
        .versioned(move |conn| service::update_session(conn, &by, id, version, &body))
        .await
}

/// Cancel a scheduled session, with a reason (its host). Its cases wait for another
/// session again.
///
/// 409 when the session is held or cancelled already.
#[utoipa::path(
    tag = "consultations",
    params(
        ("id" = i64, Path, description = "Session id"),
        ("If-Match" = Option<String>, Header, description = "ETag of the version read (optional)"),
    ),
    request_body = ConsultationCancelInput,
    responses(
        (status = 200, description = "Cancelled", body = ConsultationSession),
        Problems<(Invalid, Forbidden, NotFound, Conflict, Stale)>,
    )
)]
#[post("/consultation-sessions/{id}/cancel")]
async fn cancel_session(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
    if_match: IfMatch,
    body: ValidJson<ConsultationCancelInput>,
) -> Result<HttpResponse, ApiError> {
    state
        .versioned(move |conn| service::cancel_session(conn, &by, *id, if_match.0, &body.0))
        .await
}

/// Consultation cases you may see, newest first. `box=inbox|outbox` is relative to
/// your facility (or `facility_id`). Patient names only for the two facilities.
#[utoipa::path(
    tag = "consultations",
    params(CaseQuery),
    responses(
        (status = 200, description = "A page of cases", body = Page<CaseSummary>),
        Problems<(BadQuery, Forbidden)>,
    )
)]
#[get("/consultation-cases")]
async fn list_cases(
    state: web::Data<AppState>,
    by: Principal,
    query: web::Query<CaseQuery>,
) -> Result<HttpResponse, ApiError> {
    state
        .json(move |conn| service::list_cases(conn, &by, &query))
        .await
}

/// Ask another facility for a consultation about a patient (clinical roles). Accepts
/// `Idempotency-Key`.
#[utoipa::path(
    tag = "consultations",
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe create")),
    request_body = CaseInput,
    responses(
        (status = 201, description = "Requested", body = ConsultationCase),
        Problems<(Invalid, Forbidden, KeyReused)>,
    )
)]
#[post("/consultation-cases")]
async fn create_case(
    state: web::Data<AppState>,
    by: Principal,
    key: IdempotencyKey,
    body: ValidJson<CaseInput>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    body.validate_from(by.facility_id)
        .map_err(|errors| ApiError::invalid(&errors))?;
    state
        .created("consultation-cases", move |conn| {
            service::create_case(conn, &by, key.0.as_deref(), &body)
        })
        .await
}

/// One case. Patient and clinical text only for the two facilities (and admins), `null`
/// for other readers; each such read is audited. A case the caller may not know of
/// answers 404, as one that does not exist.
#[utoipa::path(
    tag = "consultations",
    params(("id" = i64, Path, description = "Case id")),
    responses(
        (status = 200, description = "The case; ETag carries the version", body = ConsultationCase),
        Problems<(Forbidden, NotFound)>,
    )
)]
#[get("/consultation-cases/{id}")]
async fn get_case(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    state
        .versioned(move |conn| service::get_case(conn, &by, *id))
        .await
}

async fn take_step(
    req: &HttpRequest,
    state: web::Data<AppState>,
    by: Principal,
    id: i64,
    if_match: IfMatch,
    step: CaseStep,
) -> Result<HttpResponse, ApiError> {
    let lang = request_lang(req);
    let case = state
        .db
        .run(move |conn| service::step(conn, &by, id, if_match.0, &step, lang))
        .await?;
    Ok(ok_versioned(case.version, &case))
}

step_routes! {
    tag: "consultations", id: "Case id", answer: ConsultationCase,
    problems: (Invalid, Forbidden, NotFound, Conflict, Stale), take: take_step;
    /// Put a case on a session of the consulting facility, or move it to another (consulting facility).
    schedule_case: "/consultation-cases/{id}/schedule", (input: ScheduleInput) => CaseStep::Schedule(input), "Scheduled";
    /// Conclude a case (consulting facility): `manage_locally` (a referral avoided), `refer` (opens a referral draft at the requesting facility, pre-filled from the case) or `more_tests`.
    conclude_case: "/consultation-cases/{id}/conclude", (input: ConclusionInput) => CaseStep::Conclude(input), "Concluded; with `refer`, `referral` is the draft opened at the requesting facility";
    /// Report what happened to the patient after the conclusion (requesting facility).
    record_case_outcome: "/consultation-cases/{id}/outcome", (input: OutcomeInput) => CaseStep::Outcome(input), "Outcome recorded; the case is closed";
    /// Withdraw a request before it is concluded, with a reason (requesting facility).
    cancel_case: "/consultation-cases/{id}/cancel", (input: ConsultationCancelInput) => CaseStep::Cancel(input), "Cancelled";
}
