//! Liveness, readiness, the installation's setup status and the audit trail endpoint.

use actix_web::{HttpResponse, get, web};
use diesel::connection::SimpleConnection;
use serde::Serialize;
use shared::audit::{AuditEvent, AuditQuery};
use shared::auth::SetupStatus;
use shared::page::Page;
use utoipa::ToSchema;

use crate::app::AppState;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::http::attachment;
use crate::openapi::problems::{AdminOnly, BadQuery, Problems, Unavailable};

/// Health answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok`.
    pub status: &'static str,
}

/// Liveness: the process answers.
#[utoipa::path(
    tag = "system",
    security(()),
    responses((status = 200, description = "Alive", body = Health))
)]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok" })
}

/// Readiness: a pooled database connection answers a query.
#[utoipa::path(
    tag = "system",
    security(()),
    responses(
        (status = 200, description = "Ready", body = Health),
        Problems<Unavailable>,
    )
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    state
        .db
        .run(|conn| {
            conn.batch_execute("SELECT 1")
                .map_err(ApiError::unavailable)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Health { status: "ok" }))
}

/// What the sign-in page tells a visitor: whether the first admin is still to be created
/// on the server (`tuyen create-admin`), and whether this database is the demo.
#[utoipa::path(
    tag = "system",
    security(()),
    responses((status = 200, description = "Setup status", body = SetupStatus))
)]
#[get("/setup")]
pub async fn setup(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    state.json(crate::auth::setup::status).await
}

/// The audit trail (admins), oldest first.
#[utoipa::path(
    tag = "audit",
    params(AuditQuery),
    responses(
        (status = 200, description = "A page of audit events", body = Page<AuditEvent>),
        Problems<(BadQuery, AdminOnly)>,
    )
)]
#[get("/audit-events")]
pub async fn audit_events(
    state: web::Data<AppState>,
    by: Principal,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let page = state
        .db
        .run(move |conn| crate::audit::list(conn, &by, &query))
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// The audit trail as CSV (admins): the same filters as `GET /audit-events`, every
/// matching event oldest first (at most 50,000), UTF-8 with a byte-order mark.
///
/// 400 when more events match than one export holds.
#[utoipa::path(
    tag = "audit",
    params(AuditQuery),
    responses(
        (status = 200, description = "The events as CSV", content_type = "text/csv", body = String),
        Problems<(BadQuery, AdminOnly)>,
    )
)]
#[get("/audit-events.csv")]
pub async fn audit_events_csv(
    state: web::Data<AppState>,
    by: Principal,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let bytes = state
        .db
        .run(move |conn| crate::audit::export_csv(conn, &by, &query))
        .await?;
    Ok(attachment(
        "text/csv; charset=utf-8",
        "nhat-ky-he-thong.csv",
        bytes,
    ))
}

/// Prometheus metrics, for a scraper that sends `Authorization: Bearer
/// $TUYEN_METRICS_TOKEN`; not served at all (404) when no token is configured. Request
/// counts are labelled by route pattern (`/api/v1/referrals/{id}`), every path no route
/// matches under the one label `unmatched`, so the series stay few. An operators'
/// endpoint: not part of the API contract.
pub async fn metrics(
    state: web::Data<AppState>,
    registry: web::Data<prometheus::Registry>,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse, ApiError> {
    use crate::auth::tokens::sha256_hex;
    let Some(expected) = &state.settings.metrics_token else {
        return Err(ApiError::not_found(shared::message::Record::ApiResource));
    };
    let presented = crate::auth::principal::bearer(&req)?;
    // Digests compared, so the time taken says nothing about the token.
    if sha256_hex(presented.as_bytes()) != sha256_hex(expected.as_bytes()) {
        return Err(ApiError::unauthorized(
            shared::message::Message::InvalidAccessToken,
        ));
    }
    let mut text = String::new();
    prometheus::TextEncoder::new()
        .encode_utf8(&registry.gather(), &mut text)
        .map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .body(text))
}
