//! Import and export of the registry: templates, exports, preview and commit of a sheet.

use reqwest::Method;
use shared::registry::import::{ImportKind, ImportReport};

use crate::client::with_query;
use crate::{API, Answer, Client};

/// The MIME type of an XLSX workbook.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
/// The MIME type of CSV.
pub const CSV: &str = "text/csv";

/// The import endpoints of one signed-in client.
pub struct Imports<'a> {
    client: &'a Client,
}

impl Client {
    /// Templates, exports and imports of the registry.
    pub fn imports(&self) -> Imports<'_> {
        Imports { client: self }
    }
}

impl Imports<'_> {
    /// `GET /registry/templates/{kind}.{format}` (`format`: `xlsx` or `csv`).
    pub async fn template(&self, kind: ImportKind, format: &str) -> Answer<()> {
        let path = format!("{API}/registry/templates/{}.{format}", kind.as_str());
        self.client.get(&path).await
    }

    /// `GET /registry/{kind}.{format}`: the export.
    pub async fn export(&self, kind: ImportKind, format: &str) -> Answer<()> {
        let path = format!("{API}/registry/{}.{format}", kind.as_str());
        self.client.get(&path).await
    }

    /// `POST /registry/imports/preview?kind=…` with the file as the body.
    pub async fn preview(
        &self,
        kind: ImportKind,
        content_type: &str,
        file: &[u8],
    ) -> Answer<ImportReport> {
        let path = with_query(
            &format!("{API}/registry/imports/preview"),
            &format!("kind={}", kind.as_str()),
        );
        let request = self
            .client
            .request(Method::POST, &path)
            .header("Content-Type", content_type)
            .body(file.to_vec());
        self.client.send(request).await
    }

    /// `POST /registry/imports/commit?kind=…&sha256=…` with the file as the body and,
    /// when given, an `Idempotency-Key`.
    pub async fn commit(
        &self,
        kind: ImportKind,
        content_type: &str,
        file: &[u8],
        sha256: Option<&str>,
        key: Option<&str>,
    ) -> Answer<ImportReport> {
        let mut query = format!("kind={}", kind.as_str());
        if let Some(sha256) = sha256 {
            query.push_str(&format!("&sha256={sha256}"));
        }
        let path = with_query(&format!("{API}/registry/imports/commit"), &query);
        let mut request = self
            .client
            .request(Method::POST, &path)
            .header("Content-Type", content_type)
            .body(file.to_vec());
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        self.client.send(request).await
    }
}
