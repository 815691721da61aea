//! `GET /me/work-queue`.

use actix_web::{HttpResponse, get, web};
use shared::work_queue::WorkQueue;
use utoipa_actix_web::service_config::ServiceConfig;

use super::service;
use crate::app::AppState;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::openapi::problems::{NoProfile, Problems};

/// Registers this module's routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(work_queue);
}

/// What waits for the signed-in user, by kind: a count (and how many are late) and the
/// first items, each with the SPA route that opens it. Only the kinds the user's role
/// and facility act on; items name no patient (slip numbers and initials only).
#[utoipa::path(
    tag = "auth",
    responses(
        (status = 200, description = "The work queue", body = WorkQueue),
        Problems<NoProfile>,
    )
)]
#[get("/me/work-queue")]
async fn work_queue(state: web::Data<AppState>, by: Principal) -> Result<HttpResponse, ApiError> {
    state.json(move |conn| service::work_queue(conn, &by)).await
}
