//! `/referrals` (slips and their state machine), `/referral-destinations`,
//! `/follow-ups` and `/referral-rules`.

use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use shared::page::Page;
use shared::referral::{
    ArriveInput, CancelInput, CompleteInput, DeclineInput, Destination, DestinationQuery, FollowUp,
    FollowUpMissedInput, FollowUpQuery, FollowUpVisitInput, RedirectInput, Referral, ReferralEvent,
    ReferralInput, ReferralQuery, ReferralRules, ReferralRulesSetting, ReferralSummary,
    TransitionNote,
};
use utoipa_actix_web::service_config::ServiceConfig;

use super::service::{self, Step};
use crate::app::AppState;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::http::{IdempotencyKey, IfMatch, ValidJson, ok_versioned, request_lang, versioned};
use crate::openapi::problems::{
    BadQuery, Conflict, Forbidden, IfMatchMissing, Invalid, KeyReused, NotFound, Problems, Stale,
    Unprocessable,
};
use crate::workflow::step_routes;

versioned!(Referral);

/// Registers this module's routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_referrals)
        .service(create_referral)
        .service(get_referral)
        .service(update_referral)
        .service(send_referral)
        .service(accept_referral)
        .service(decline_referral)
        .service(redirect_referral)
        .service(arrive_referral)
        .service(complete_referral)
        .service(cancel_referral)
        .service(referral_events)
        .service(referral_destinations)
        .service(list_follow_ups)
        .service(add_follow_up_visit)
        .service(mark_follow_up_missed)
        .service(get_referral_rules)
        .service(update_referral_rules);
}

/// Referrals you may see, newest first. `box=inbox|outbox` is relative to your facility
/// (or `facility_id`). Patient names only where your facility is a party.
#[utoipa::path(
    tag = "referrals",
    params(ReferralQuery),
    responses(
        (status = 200, description = "A page of referrals", body = Page<ReferralSummary>),
        Problems<(BadQuery, Forbidden)>,
    )
)]
#[get("/referrals")]
async fn list_referrals(
    state: web::Data<AppState>,
    by: Principal,
    query: web::Query<ReferralQuery>,
) -> Result<HttpResponse, ApiError> {
    state
        .json(move |conn| service::list(conn, &by, &query))
        .await
}

/// Write a referral slip (a draft) at your facility. Accepts `Idempotency-Key`.
#[utoipa::path(
    tag = "referrals",
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe create")),
    request_body = ReferralInput,
    responses(
        (status = 201, description = "Created as a draft", body = Referral),
        Problems<(Invalid, Forbidden, KeyReused)>,
    )
)]
#[post("/referrals")]
async fn create_referral(
    state: web::Data<AppState>,
    by: Principal,
    key: IdempotencyKey,
    body: ValidJson<ReferralInput>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    body.validate_draft(by.facility_id)
        .map_err(|errors| ApiError::invalid(&errors))?;
    state
        .created("referrals", move |conn| {
            service::create(conn, &by, key.0.as_deref(), &body)
        })
        .await
}

/// One referral. Patient and clinical fields only for the two facilities (and admins),
/// `null` or empty for other readers; each such read is audited. A referral the caller
/// may not know of answers 404, as one that does not exist.
#[utoipa::path(
    tag = "referrals",
    params(("id" = i64, Path, description = "Referral id")),
    responses(
        (status = 200, description = "The referral; ETag carries the version", body = Referral),
        Problems<(Forbidden, NotFound)>,
    )
)]
#[get("/referrals/{id}")]
async fn get_referral(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    state
        .versioned(move |conn| service::get(conn, &by, *id))
        .await
}

/// Edit a draft slip (sender only). Needs `If-Match`.
///
/// 409 once the slip is no longer a draft.
#[utoipa::path(
    tag = "referrals",
    params(
        ("id" = i64, Path, description = "Referral id"),
        ("If-Match" = String, Header, description = "ETag of the version read"),
    ),
    request_body = ReferralInput,
    responses(
        (status = 200, description = "Updated", body = Referral),
        Problems<(Invalid, Forbidden, NotFound, Conflict, Stale, IfMatchMissing)>,
    )
)]
#[put("/referrals/{id}")]
async fn update_referral(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
    if_match: IfMatch,
    body: ValidJson<ReferralInput>,
) -> Result<HttpResponse, ApiError> {
    let (id, version, body) = (id.into_inner(), if_match.required()?, body.0);
    body.validate_draft(by.facility_id)
        .map_err(|errors| ApiError::invalid(&errors))?;
    state
        .versioned(move |conn| service::update(conn, &by, id, version, &body))
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
    let referral = state
        .db
        .run(move |conn| service::transition(conn, &by, id, if_match.0, &step, lang))
        .await?;
    Ok(ok_versioned(referral.version, &referral))
}

step_routes! {
    tag: "referrals", id: "Referral id", answer: Referral,
    problems: (Invalid, Forbidden, NotFound, Conflict, Stale), take: step;
    /// Send a draft slip to the receiving facility (sender). Checks the slip is complete, signs it today and starts the answer clock. The stored draft must be a `ReferralReadyToSend` (see the schemas): clinical signs, at least one diagnosis, the condition at transfer, the means of transport, the signatory and, for an emergency, the escort's name; a draft lacking any is refused with `validation_failed`, each missing field at its path.
    send_referral: "/referrals/{id}/send", (input: TransitionNote) => Step::Send(input), "Sent";
    /// Accept a sent referral (receiver).
    accept_referral: "/referrals/{id}/accept", (input: TransitionNote) => Step::Accept(input), "Accepted";
    /// Decline a sent referral with a reason (receiver).
    decline_referral: "/referrals/{id}/decline", (input: DeclineInput) => Step::Decline(input), "Declined";
    /// Redirect a referral to another facility (receiver): creates the onward referral, linked to this one.
    redirect_referral: "/referrals/{id}/redirect", (input: RedirectInput) => Step::Redirect(input), "Redirected; the onward referral is in `successors`";
    /// Record the patient's arrival (receiver).
    arrive_referral: "/referrals/{id}/arrive", (input: ArriveInput) => Step::Arrive(input), "Arrival recorded";
    /// Complete with the outcome and discharge summary (receiver). `returned_to_referrer` creates a back-referral and follow-up tasks at the referring facility.
    complete_referral: "/referrals/{id}/complete", (input: CompleteInput) => Step::Complete(input), "Completed";
    /// Cancel before arrival, with a reason (sender).
    cancel_referral: "/referrals/{id}/cancel", (input: CancelInput) => Step::Cancel(input), "Cancelled";
}

/// The referral's timeline: every transition with actor and time, oldest first. Notes
/// only for the two facilities (and admins); 404 for a referral the caller may not know
/// of.
#[utoipa::path(
    tag = "referrals",
    params(("id" = i64, Path, description = "Referral id")),
    responses(
        (status = 200, description = "Events", body = Vec<ReferralEvent>),
        Problems<(Forbidden, NotFound)>,
    )
)]
#[get("/referrals/{id}/events")]
async fn referral_events(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    state
        .json(move |conn| service::events(conn, &by, *id))
        .await
}

/// Where to send a patient: capable facilities ranked by technical level fit,
/// capability match and distance, each with the reasons for its rank.
#[utoipa::path(
    tag = "referrals",
    params(DestinationQuery),
    responses(
        (status = 200, description = "Ranked destinations", body = Vec<Destination>),
        Problems<(BadQuery, Forbidden, Unprocessable)>,
    )
)]
#[get("/referral-destinations")]
async fn referral_destinations(
    req: HttpRequest,
    state: web::Data<AppState>,
    by: Principal,
    query: web::Query<DestinationQuery>,
) -> Result<HttpResponse, ApiError> {
    let lang = request_lang(&req);
    state
        .json(move |conn| service::destinations(conn, &by, &query, lang))
        .await
}

/// Follow-up tasks of returned patients, at the facilities you may see.
#[utoipa::path(
    tag = "referrals",
    params(FollowUpQuery),
    responses(
        (status = 200, description = "A page of follow-ups", body = Page<FollowUp>),
        Problems<(BadQuery, Forbidden)>,
    )
)]
#[get("/follow-ups")]
async fn list_follow_ups(
    state: web::Data<AppState>,
    by: Principal,
    query: web::Query<FollowUpQuery>,
) -> Result<HttpResponse, ApiError> {
    state
        .json(move |conn| service::list_follow_ups(conn, &by, &query))
        .await
}

/// Record a follow-up visit (the station the patient returned to); `close` ends it.
///
/// 409 once the follow-up is closed.
#[utoipa::path(
    tag = "referrals",
    params(("id" = i64, Path, description = "Follow-up id")),
    request_body = FollowUpVisitInput,
    responses(
        (status = 200, description = "The follow-up with its visits", body = FollowUp),
        Problems<(Invalid, Forbidden, NotFound, Conflict)>,
    )
)]
#[post("/follow-ups/{id}/visits")]
async fn add_follow_up_visit(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
    body: ValidJson<FollowUpVisitInput>,
) -> Result<HttpResponse, ApiError> {
    state
        .json(move |conn| service::add_visit(conn, &by, *id, &body.0))
        .await
}

/// Close a follow-up the patient did not come to, with a reason.
///
/// 409 once the follow-up is closed.
#[utoipa::path(
    tag = "referrals",
    params(("id" = i64, Path, description = "Follow-up id")),
    request_body = FollowUpMissedInput,
    responses(
        (status = 200, description = "The follow-up, closed as missed", body = FollowUp),
        Problems<(Invalid, Forbidden, NotFound, Conflict)>,
    )
)]
#[post("/follow-ups/{id}/missed")]
async fn mark_follow_up_missed(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
    body: ValidJson<FollowUpMissedInput>,
) -> Result<HttpResponse, ApiError> {
    state
        .json(move |conn| service::mark_missed(conn, &by, *id, &body.0))
        .await
}

/// The referral rules: answer windows per urgency, public holidays, ICD-10 codes whose
/// slips are valid for a year; with their version (also the ETag; 0: the built-in
/// defaults) and the years that matter today without a holiday list (the current year
/// an `error`, the coming one a `warning` from 1 October).
#[utoipa::path(
    tag = "referrals",
    responses(
        (status = 200, description = "The rules", body = ReferralRulesSetting),
        Problems<Forbidden>,
    )
)]
#[get("/referral-rules")]
async fn get_referral_rules(
    state: web::Data<AppState>,
    _by: Principal,
) -> Result<HttpResponse, ApiError> {
    let setting = state.db.run(service::rules_setting).await?;
    Ok(ok_versioned(setting.version, &setting))
}

/// Replace the referral rules (admins). Needs `If-Match`; a bad holiday or code is
/// refused at its path (`holidays[3]`, `long_validity_codes[1]`).
#[utoipa::path(
    tag = "referrals",
    params(("If-Match" = String, Header, description = "ETag of the version read")),
    request_body = ReferralRules,
    responses(
        (status = 200, description = "Stored", body = ReferralRulesSetting),
        Problems<(Invalid, Forbidden, Stale, IfMatchMissing)>,
    )
)]
#[put("/referral-rules")]
async fn update_referral_rules(
    state: web::Data<AppState>,
    by: Principal,
    if_match: IfMatch,
    body: ValidJson<ReferralRules>,
) -> Result<HttpResponse, ApiError> {
    let version = if_match.required()?;
    let setting = state
        .db
        .run(move |conn| service::store_rules(conn, &by, version, &body.0))
        .await?;
    Ok(ok_versioned(setting.version, &setting))
}
