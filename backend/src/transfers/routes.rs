//! `/transfer-agreements`: the agreements, their drafts and every step on them.

use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use shared::page::Page;
use shared::transfer::{
    Agreement, AgreementInput, AgreementQuery, AgreementSummary, DepartureInput, ReadinessInput,
    ReviewInput, SessionInput, SignOffInput, SuspendInput, TraineesInput,
};
use utoipa_actix_web::service_config::ServiceConfig;

use super::service::{self, AgreementStep};
use crate::app::AppState;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::http::{IdempotencyKey, IfMatch, ValidJson, ok_versioned, request_lang, versioned};
use crate::openapi::problems::{
    BadQuery, Conflict, Forbidden, IfMatchMissing, Invalid, KeyReused, NotFound, Problems, Stale,
};
use crate::workflow::step_routes;

versioned!(Agreement);

/// Registers this module's routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_agreements)
        .service(create_agreement)
        .service(get_agreement)
        .service(update_agreement)
        .service(sign_agreement)
        .service(start_training)
        .service(check_readiness)
        .service(sign_off_agreement)
        .service(close_agreement)
        .service(suspend_agreement)
        .service(resume_agreement)
        .service(enrol_trainees)
        .service(record_session)
        .service(confirm_readiness)
        .service(record_review)
        .service(record_departure);
}

/// Technique-transfer agreements you may see (those of your facility and of the
/// facilities you see), newest first, with their trainees, unready items and the next
/// six-monthly review.
#[utoipa::path(
    tag = "transfers",
    params(AgreementQuery),
    responses(
        (status = 200, description = "A page of agreements", body = Page<AgreementSummary>),
        Problems<(BadQuery, Forbidden)>,
    )
)]
#[get("/transfer-agreements")]
async fn list_agreements(
    state: web::Data<AppState>,
    by: Principal,
    query: web::Query<AgreementQuery>,
) -> Result<HttpResponse, ApiError> {
    state
        .json(move |conn| service::list_agreements(conn, &by, &query))
        .await
}

/// Draft an agreement between your facility and another (planning office, director,
/// heads of department, nursing office, station head), with its readiness checklist.
/// Accepts `Idempotency-Key`.
#[utoipa::path(
    tag = "transfers",
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe create")),
    request_body = AgreementInput,
    responses(
        (status = 201, description = "Drafted", body = Agreement),
        Problems<(Invalid, Forbidden, KeyReused)>,
    )
)]
#[post("/transfer-agreements")]
async fn create_agreement(
    state: web::Data<AppState>,
    by: Principal,
    key: IdempotencyKey,
    body: ValidJson<AgreementInput>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    state
        .created("transfer-agreements", move |conn| {
            service::create_agreement(conn, &by, key.0.as_deref(), &body)
        })
        .await
}

/// One agreement: techniques, people, signatures, trainees, sessions, readiness,
/// reviews and retention. An agreement you may not know of answers 404.
#[utoipa::path(
    tag = "transfers",
    params(("id" = i64, Path, description = "Agreement id")),
    responses(
        (status = 200, description = "The agreement; ETag carries the version", body = Agreement),
        Problems<(Forbidden, NotFound)>,
    )
)]
#[get("/transfer-agreements/{id}")]
async fn get_agreement(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    state
        .versioned(move |conn| service::get_agreement(conn, &by, *id))
        .await
}

/// Edit a draft (either side). Signatures already given are withdrawn. Needs
/// `If-Match`.
#[utoipa::path(
    tag = "transfers",
    params(
        ("id" = i64, Path, description = "Agreement id"),
        ("If-Match" = String, Header, description = "ETag of the version read"),
    ),
    request_body = AgreementInput,
    responses(
        (status = 200, description = "Updated", body = Agreement),
        Problems<(Invalid, Forbidden, NotFound, Conflict, Stale, IfMatchMissing)>,
    )
)]
#[put("/transfer-agreements/{id}")]
async fn update_agreement(
    req: HttpRequest,
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
    if_match: IfMatch,
    body: ValidJson<AgreementInput>,
) -> Result<HttpResponse, ApiError> {
    let (id, version, body) = (id.into_inner(), if_match.required()?, body.0);
    let lang = request_lang(&req);
    state
        .versioned(move |conn| service::update_agreement(conn, &by, id, version, &body, lang))
        .await
}

async fn take_step(
    req: &HttpRequest,
    state: web::Data<AppState>,
    by: Principal,
    id: i64,
    if_match: IfMatch,
    step: AgreementStep,
) -> Result<HttpResponse, ApiError> {
    let lang = request_lang(req);
    let agreement = state
        .db
        .run(move |conn| service::step_agreement(conn, &by, id, if_match.0, &step, lang))
        .await?;
    Ok(ok_versioned(agreement.version, &agreement))
}

step_routes! {
    tag: "transfers", id: "Agreement id", answer: Agreement,
    problems: (Invalid, Forbidden, NotFound, Conflict, Stale), take: take_step;
    /// Sign the responsibility agreement for your side; it is signed when both sides have. The receiving facility's techniques become `in_transfer`.
    sign_agreement: "/transfer-agreements/{id}/sign", () => AgreementStep::Sign, "Signed for your side";
    /// Start training (the transferring side), once trainees are named.
    start_training: "/transfer-agreements/{id}/start_training", () => AgreementStep::StartTraining, "Training";
    /// Move on to the readiness check (either side), once a session is recorded.
    check_readiness: "/transfer-agreements/{id}/check_readiness", () => AgreementStep::CheckReadiness, "Readiness check";
    /// Sign off for your side: every readiness item must be ready (409 otherwise); the transferring side certifies trainees. When both sides have, the technique is `performing` at the receiving facility (source `transfer_agreement`) and joins the certified trainees' scope of practice.
    sign_off_agreement: "/transfer-agreements/{id}/sign_off", (input: SignOffInput) => AgreementStep::SignOff(input), "Signed off for your side";
    /// Close a signed-off agreement (either side).
    close_agreement: "/transfer-agreements/{id}/close", () => AgreementStep::Close, "Closed";
    /// Suspend, with a reason (either side). A signed-off technique becomes `suspended`.
    suspend_agreement: "/transfer-agreements/{id}/suspend", (input: SuspendInput) => AgreementStep::Suspend(input), "Suspended";
    /// Resume a suspended agreement: back to training, a new sign-off is needed.
    resume_agreement: "/transfer-agreements/{id}/resume", () => AgreementStep::Resume, "Back to training";
    /// Name the trainees (the receiving side; its active staff), replacing the list.
    enrol_trainees: "/transfer-agreements/{id}/trainees", (input: TraineesInput) => AgreementStep::Enrol(input), "Trainees updated";
    /// Record a training session and who attended (either side).
    record_session: "/transfer-agreements/{id}/sessions", (input: SessionInput) => AgreementStep::Train(input), "Session recorded";
    /// Record one readiness item's state with its evidence (either side; who confirmed it is kept).
    confirm_readiness: "/transfer-agreements/{id}/readiness", (input: ReadinessInput) => AgreementStep::ConfirmReadiness(input), "Readiness recorded";
    /// Record a six-monthly review with the cases performed (either side).
    record_review: "/transfer-agreements/{id}/reviews", (input: ReviewInput) => AgreementStep::Review(input), "Review recorded";
    /// Record that a trainee left the receiving facility (its side); within 24 months of the sign-off they are flagged.
    record_departure: "/transfer-agreements/{id}/departures", (input: DepartureInput) => AgreementStep::RecordDeparture(input), "Departure recorded";
}
