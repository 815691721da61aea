//! `GET /code-lists/icd10`: the ICD-10 list for the SPA's lookup and for integrators.

use actix_web::{HttpResponse, get, web};
use shared::code_list::{CodeEntry, CodeListQuery};
use shared::page::Page;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Principal;
use crate::error::ApiError;
use crate::openapi::problems::{BadQuery, Problems};

/// Registers this module's routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_icd10);
}

/// The Ministry of Health's Vietnamese ICD-10 list (3- and 4-character codes), by code
/// prefix (`J18`, `j189`) or by words of the name in any order, with or without accents
/// (`viem phoi`), in code order. Public reference data: any signed-in user or
/// integration client.
#[utoipa::path(
    tag = "code-lists",
    params(CodeListQuery),
    responses(
        (status = 200, description = "A page of codes", body = Page<CodeEntry>),
        Problems<BadQuery>,
    )
)]
#[get("/code-lists/icd10")]
async fn list_icd10(
    _by: Principal,
    query: web::Query<CodeListQuery>,
) -> Result<HttpResponse, ApiError> {
    // In memory, no database: answered on the worker thread.
    Ok(HttpResponse::Ok().json(super::icd10::search(&query)?))
}
