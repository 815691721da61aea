//! Import of the registry from a sheet: preview, then commit of the same file.

use reqwest::Method;
use reqwest::header::CONTENT_TYPE;
use shared::registry::import::{ImportKind, ImportQuery, ImportReport};

use super::{Api, ApiError, Auth, decode};

/// A file chosen for import, as read in the browser.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// The file's name.
    pub name: String,
    /// Its media type as the browser tells it (may be empty for CSV).
    pub content_type: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

async fn upload(
    api: Api,
    path: &str,
    query: &ImportQuery,
    sheet: &Sheet,
    idempotency_key: Option<&str>,
) -> Result<ImportReport, ApiError> {
    let content_type = if sheet.content_type.is_empty() {
        "application/octet-stream"
    } else {
        &sheet.content_type
    };
    let response = api
        .execute(Method::POST, path, Auth::Session, |request| {
            let request = request
                .query(query)
                .header(CONTENT_TYPE, content_type)
                .body(sheet.bytes.clone());
            match idempotency_key {
                Some(key) => request.header("Idempotency-Key", key),
                None => request,
            }
        })
        .await?;
    decode(response).await
}

/// `POST /registry/imports/preview?kind=`: what importing the file would do.
pub async fn preview(api: Api, kind: ImportKind, sheet: &Sheet) -> Result<ImportReport, ApiError> {
    let query = ImportQuery { kind, sha256: None };
    upload(api, "/registry/imports/preview", &query, sheet, None).await
}

/// `POST /registry/imports/commit?kind=&sha256=`: imports the previewed file (the
/// server refuses another file with 409), once per idempotency key.
pub async fn commit(
    api: Api,
    kind: ImportKind,
    sheet: &Sheet,
    sha256: String,
    idempotency_key: &str,
) -> Result<ImportReport, ApiError> {
    let query = ImportQuery {
        kind,
        sha256: Some(sha256),
    };
    upload(
        api,
        "/registry/imports/commit",
        &query,
        sheet,
        Some(idempotency_key),
    )
    .await
}
