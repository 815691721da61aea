//! `/techniques`, `/specialty-networks`, `/technique-coverage`.

use actix_web::{HttpResponse, get, post, put, web};
use shared::page::Page;
use shared::technique::{
    CoverageQuery, FacilityCoverage, NetworkInput, NetworkQuery, SpecialtyNetwork, Technique,
    TechniqueInput, TechniqueQuery,
};
use utoipa_actix_web::service_config::ServiceConfig;

use super::service;
use crate::app::AppState;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::http::{IdempotencyKey, IfMatch, ValidJson, versioned};
use crate::openapi::problems::{
    BadQuery, Conflict, Forbidden, IfMatchMissing, Invalid, NotFound, Problems, Stale,
    TakenOrKeyReused,
};

versioned!(Technique, SpecialtyNetwork);

/// Registers this module's routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_techniques)
        .service(create_technique)
        .service(get_technique)
        .service(update_technique)
        .service(list_networks)
        .service(create_network)
        .service(get_network)
        .service(update_network)
        .service(technique_coverage);
}

/// The technique catalogue (danh mục kỹ thuật), in the order techniques were added.
#[utoipa::path(
    tag = "techniques",
    params(TechniqueQuery),
    responses(
        (status = 200, description = "A page of techniques", body = Page<Technique>),
        Problems<(BadQuery, Forbidden)>,
    )
)]
#[get("/techniques")]
async fn list_techniques(
    state: web::Data<AppState>,
    by: Principal,
    query: web::Query<TechniqueQuery>,
) -> Result<HttpResponse, ApiError> {
    state
        .json(move |conn| service::list_techniques(conn, &by, &query))
        .await
}

/// Add a technique to the catalogue (Department of Health, admins). Accepts
/// `Idempotency-Key`.
///
/// 409 when the code is taken, or the key was reused with another body.
#[utoipa::path(
    tag = "techniques",
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe create")),
    request_body = TechniqueInput,
    responses(
        (status = 201, description = "Created", body = Technique),
        Problems<(Invalid, Forbidden, TakenOrKeyReused)>,
    )
)]
#[post("/techniques")]
async fn create_technique(
    state: web::Data<AppState>,
    by: Principal,
    key: IdempotencyKey,
    body: ValidJson<TechniqueInput>,
) -> Result<HttpResponse, ApiError> {
    state
        .created("techniques", move |conn| {
            service::create_technique(conn, &by, key.0.as_deref(), &body.0)
        })
        .await
}

/// One technique of the catalogue.
#[utoipa::path(
    tag = "techniques",
    params(("id" = i64, Path, description = "Technique id")),
    responses(
        (status = 200, description = "The technique; ETag carries its version", body = Technique),
        Problems<(Forbidden, NotFound)>,
    )
)]
#[get("/techniques/{id}")]
async fn get_technique(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    state
        .versioned(move |conn| service::get_technique(conn, &by, *id))
        .await
}

/// Replace a technique (Department of Health, admins). Needs `If-Match`. A new name or
/// code reaches every facility that performs the technique.
///
/// 409 when the code is taken.
#[utoipa::path(
    tag = "techniques",
    params(
        ("id" = i64, Path, description = "Technique id"),
        ("If-Match" = String, Header, description = "ETag of the version read"),
    ),
    request_body = TechniqueInput,
    responses(
        (status = 200, description = "Updated", body = Technique),
        Problems<(Invalid, Forbidden, NotFound, Conflict, Stale, IfMatchMissing)>,
    )
)]
#[put("/techniques/{id}")]
async fn update_technique(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
    if_match: IfMatch,
    body: ValidJson<TechniqueInput>,
) -> Result<HttpResponse, ApiError> {
    let version = if_match.required()?;
    state
        .versioned(move |conn| service::update_technique(conn, &by, *id, version, &body.0))
        .await
}

/// The regional specialty networks (mạng lưới chuyên khoa), in the order they were set
/// up, each with its members end-line first.
#[utoipa::path(
    tag = "techniques",
    params(NetworkQuery),
    responses(
        (status = 200, description = "A page of networks", body = Page<SpecialtyNetwork>),
        Problems<(BadQuery, Forbidden)>,
    )
)]
#[get("/specialty-networks")]
async fn list_networks(
    state: web::Data<AppState>,
    by: Principal,
    query: web::Query<NetworkQuery>,
) -> Result<HttpResponse, ApiError> {
    state
        .json(move |conn| service::list_networks(conn, &by, &query))
        .await
}

/// Set up a specialty network (Department of Health, admins). Accepts `Idempotency-Key`.
///
/// 422 when a member is not a facility of the registry; 409 when the key was reused with
/// another body.
#[utoipa::path(
    tag = "techniques",
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe create")),
    request_body = NetworkInput,
    responses(
        (status = 201, description = "Created", body = SpecialtyNetwork),
        Problems<(Invalid, Forbidden, TakenOrKeyReused)>,
    )
)]
#[post("/specialty-networks")]
async fn create_network(
    state: web::Data<AppState>,
    by: Principal,
    key: IdempotencyKey,
    body: ValidJson<NetworkInput>,
) -> Result<HttpResponse, ApiError> {
    state
        .created("specialty-networks", move |conn| {
            service::create_network(conn, &by, key.0.as_deref(), &body.0)
        })
        .await
}

/// One specialty network.
#[utoipa::path(
    tag = "techniques",
    params(("id" = i64, Path, description = "Network id")),
    responses(
        (status = 200, description = "The network; ETag carries its version", body = SpecialtyNetwork),
        Problems<(Forbidden, NotFound)>,
    )
)]
#[get("/specialty-networks/{id}")]
async fn get_network(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    state
        .versioned(move |conn| service::get_network(conn, &by, *id))
        .await
}

/// Replace a specialty network with its members (Department of Health, admins). Needs
/// `If-Match`.
#[utoipa::path(
    tag = "techniques",
    params(
        ("id" = i64, Path, description = "Network id"),
        ("If-Match" = String, Header, description = "ETag of the version read"),
    ),
    request_body = NetworkInput,
    responses(
        (status = 200, description = "Updated", body = SpecialtyNetwork),
        Problems<(Invalid, Forbidden, NotFound, Conflict, Stale, IfMatchMissing)>,
    )
)]
#[put("/specialty-networks/{id}")]
async fn update_network(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
    if_match: IfMatch,
    body: ValidJson<NetworkInput>,
) -> Result<HttpResponse, ApiError> {
    let version = if_match.required()?;
    state
        .versioned(move |conn| service::update_network(conn, &by, *id, version, &body.0))
        .await
}

/// What facilities perform of their technical level's catalogue now (only techniques
/// with the status `performing` count; seed 001's target is 80 %), with the techniques
/// each still lacks.
#[utoipa::path(
    tag = "techniques",
    params(CoverageQuery),
    responses(
        (status = 200, description = "One entry per facility with a technical level", body = Vec<FacilityCoverage>),
        Problems<(BadQuery, Forbidden)>,
    )
)]
#[get("/technique-coverage")]
async fn technique_coverage(
    state: web::Data<AppState>,
    by: Principal,
    query: web::Query<CoverageQuery>,
) -> Result<HttpResponse, ApiError> {
    state
        .json(move |conn| service::coverage(conn, &by, &query))
        .await
}
