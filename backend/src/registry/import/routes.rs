//! `/registry/templates/{kind}.{format}`, `/registry/{kind}.{format}` (exports),
//! `/registry/imports/preview` and `/registry/imports/commit`.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use shared::message::Message;
use shared::registry::import::{ImportKind, ImportQuery, ImportReport};
use utoipa_actix_web::service_config::ServiceConfig;

use super::export::{self, FileFormat};
use super::service;
use crate::app::AppState;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::http::{IdempotencyKey, request_lang};
use crate::openapi::problems::{Conflict, Forbidden, Invalid, Problems, Stale, TooLarge};
use shared::error::ErrorCode;

/// The largest sheet accepted: far above 3,000 staff rows (about 1 MB as CSV), far
/// below what would let one upload hold a server's memory.
pub const UPLOAD_LIMIT: usize = 10 * 1024 * 1024;

/// Registers this module's routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(template)
        .service(export_file)
        .service(preview)
        .service(commit);
}

/// The uploaded file, read up to [`UPLOAD_LIMIT`] (this route's own limit; JSON
/// routes keep the small one).
async fn upload(payload: web::Payload) -> Result<web::Bytes, ApiError> {
    match payload.to_bytes_limited(UPLOAD_LIMIT).await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(error)) => Err(ApiError::bad_request(Message::UnreadableBody(
            error.to_string(),
        ))),
        Err(_) => Err(ApiError::new(
            ErrorCode::PayloadTooLarge,
            Message::Verbatim(format!("> {UPLOAD_LIMIT} bytes")),
        )),
    }
}

/// An empty template to fill in: the Vietnamese column headers (required ones in red
/// in the workbook) and one example row.
#[utoipa::path(
    tag = "registry import",
    params(
        ("kind" = ImportKind, Path, description = "facilities, departments, staff or leave"),
        ("format" = FileFormat, Path, description = "xlsx or csv"),
    ),
    responses(
        (status = 200, description = "The template: a workbook, or CSV in UTF-8", content(
            (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (String = "text/csv"),
        )),
        Problems<Forbidden>,
    )
)]
#[get("/registry/templates/{kind}.{format}")]
async fn template(
    _by: Principal,
    path: web::Path<(ImportKind, FileFormat)>,
) -> Result<HttpResponse, ApiError> {
    let (kind, format) = path.into_inner();
    let stem = format!("mau-{}", kind.file_stem());
    export::attachment(kind, format, &stem, export::template_rows(kind)).await
}

/// The registry's records of a kind in the template's columns (staff and leave only
/// of the facilities the caller may read); imports back as all unchanged.
#[utoipa::path(
    tag = "registry import",
    params(
        ("kind" = ImportKind, Path, description = "facilities, departments, staff or leave"),
        ("format" = FileFormat, Path, description = "xlsx or csv"),
    ),
    responses(
        (status = 200, description = "The export: a workbook, or CSV in UTF-8", content(
            (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (String = "text/csv"),
        )),
        Problems<Forbidden>,
    )
)]
#[get("/registry/{kind}.{format}")]
async fn export_file(
    state: web::Data<AppState>,
    by: Principal,
    path: web::Path<(ImportKind, FileFormat)>,
) -> Result<HttpResponse, ApiError> {
    let (kind, format) = path.into_inner();
    let rows = state
        .db
        .run(move |conn| export::export_rows(conn, &by, kind))
        .await?;
    export::attachment(kind, format, kind.file_stem(), rows).await
}

/// Check a filled-in sheet without writing anything: every row as new, changed (with
/// the changed columns), unchanged or error (row, column and reason in the request's
/// language). The body is the file itself (CSV in UTF-8 or XLSX), at most 10 MB.
#[utoipa::path(
    tag = "registry import",
    params(ImportQuery),
    request_body(content(
        (String = "text/csv"),
        (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )),
    responses(
        (status = 200, description = "What a commit would do", body = ImportReport),
        Problems<(Invalid, Forbidden, TooLarge)>,
    )
)]
#[post("/registry/imports/preview")]
async fn preview(
    state: web::Data<AppState>,
    by: Principal,
    req: HttpRequest,
    query: web::Query<ImportQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let bytes = upload(payload).await?;
    let lang = request_lang(&req);
    let kind = query.kind;
    state
        .json(move |conn| service::preview(conn, &by, lang, kind, &bytes))
        .await
}

/// Apply a sheet: all rows or none, matched by natural keys (facility code; department
/// code within its facility; licence number, else employee code), audited as one
/// import with the file's SHA-256 and counts. Send the same file as the preview and its
/// `sha256`; accepts `Idempotency-Key`.
///
/// 400 while any row has an error; 409 when the file is not the previewed one.
#[utoipa::path(
    tag = "registry import",
    params(
        ImportQuery,
        ("Idempotency-Key" = Option<String>, Header, description = "Retry-safe commit"),
    ),
    request_body(content(
        (String = "text/csv"),
        (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )),
    responses(
        (status = 200, description = "What was written", body = ImportReport),
        Problems<(Invalid, Forbidden, Conflict, Stale, TooLarge)>,
    )
)]
#[post("/registry/imports/commit")]
async fn commit(
    state: web::Data<AppState>,
    by: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    query: web::Query<ImportQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let bytes = upload(payload).await?;
    let lang = request_lang(&req);
    state
        .json(move |conn| service::commit(conn, &by, lang, key.0.as_deref(), &query, &bytes))
        .await
}
