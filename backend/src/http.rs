//! HTTP conventions shared by every resource: validated JSON bodies, `ETag`/`If-Match`
//! versions, `Idempotency-Key`, cursor pagination and the request language.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, HttpResponse, HttpResponseBuilder, web};
use futures_util::future::LocalBoxFuture;
use serde::Serialize;
use serde::de::DeserializeOwned;
use shared::Lang;
use shared::message::Message;
use validator::Validate;

use crate::app::AppState;
use crate::db::AnyConn;
use crate::error::ApiError;

/// The longest query string the API reads. Filters are short: anything longer is a
/// mistake or an attack, and is refused before it reaches a database query.
pub const MAX_QUERY_BYTES: usize = 2048;

/// Refuses a query string that is too long or whose percent-decoded bytes are not UTF-8
/// (actix would otherwise replace them silently and search for something else).
pub fn check_query_string(query: &str) -> Result<(), ApiError> {
    if query.len() > MAX_QUERY_BYTES {
        return Err(ApiError::bad_request(Message::QueryTooLong(
            MAX_QUERY_BYTES,
        )));
    }
    let decoded: Vec<u8> = percent_encoding::percent_decode_str(query).collect();
    if std::str::from_utf8(&decoded).is_err() {
        return Err(ApiError::bad_request(Message::QueryNotUtf8));
    }
    Ok(())
}

/// The language a person asked for with `Accept-Language` (Vietnamese by default).
pub fn request_lang(req: &HttpRequest) -> Lang {
    req.headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
        .map(Lang::from_accept_language)
        .unwrap_or_default()
}

/// A JSON body that has passed its `validator` rules; failures answer 400 with a
/// field → messages map in the request's language.
#[derive(Debug)]
pub struct ValidJson<T>(pub T);

impl<T> FromRequest for ValidJson<T>
where
    T: DeserializeOwned + Validate + 'static,
{
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = web::Json::<T>::from_request(req, payload);
        Box::pin(async move {
            let value = json.await?.into_inner();
            value
                .validate()
                .map_err(|errors| ApiError::invalid(&errors))?;
            Ok(ValidJson(value))
        })
    }
}

/// The version a client read, from `If-Match: "7"` (weak tags accepted).
#[derive(Debug, Clone, Copy)]
pub struct IfMatch(pub Option<i64>);

impl IfMatch {
    /// The version, or 428 when the header is missing.
    pub fn required(self) -> Result<i64, ApiError> {
        self.0.ok_or_else(ApiError::precondition_required)
    }
}

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let parsed = match req.headers().get(header::IF_MATCH) {
            None => Ok(IfMatch(None)),
            Some(value) => value
                .to_str()
                .ok()
                .map(|text| text.trim().trim_start_matches("W/").trim_matches('"'))
                .and_then(|text| text.parse::<i64>().ok())
                .map(|version| IfMatch(Some(version)))
                .ok_or_else(|| ApiError::bad_request(Message::InvalidIfMatch)),
        };
        ready(parsed)
    }
}

/// A file to download: its type, its name and its bytes.
pub fn attachment(content_type: &'static str, filename: &str, bytes: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .body(bytes)
}

/// The ETag of a record version.
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// `200 OK` with the record and its `ETag`.
pub fn ok_versioned<T: Serialize>(version: i64, body: &T) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::ETAG, etag(version)))
        .json(body)
}

/// `201 Created` with `Location`, `ETag` and the record.
pub fn created<T: Serialize>(location: String, version: Option<i64>, body: &T) -> HttpResponse {
    let mut response: HttpResponseBuilder = HttpResponse::Created();
    response.insert_header((header::LOCATION, location));
    if let Some(version) = version {
        response.insert_header((header::ETAG, etag(version)));
    }
    response.json(body)
}

/// A record answered with its version as `ETag`, and created at `…/{id}`.
pub trait Versioned {
    /// The record's id, the last segment of its address.
    fn id(&self) -> i64;
    /// The record's version.
    fn version(&self) -> i64;
}

/// Implements [`Versioned`] for records with `id` and `version` fields.
macro_rules! versioned {
    ($($record:ty),* $(,)?) => {$(
        impl $crate::http::Versioned for $record {
            fn id(&self) -> i64 {
                self.id
            }
            fn version(&self) -> i64 {
                self.version
            }
        }
    )*};
}
pub(crate) use versioned;

/// How a handler answers once its service has done the work: the work runs on a pooled
/// connection off the server's threads ([`crate::db::Db::run`]), so that a handler is
/// its extractors and one call.
impl AppState {
    /// `200 OK` with what `work` returns.
    pub async fn json<T, F>(&self, work: F) -> Result<HttpResponse, ApiError>
    where
        T: Serialize + Send + 'static,
        F: FnOnce(&mut AnyConn) -> Result<T, ApiError> + Send + 'static,
    {
        let body = self.db.run(work).await?;
        Ok(HttpResponse::Ok().json(body))
    }

    /// `200 OK` with the record `work` returns and its `ETag`.
    pub async fn versioned<T, F>(&self, work: F) -> Result<HttpResponse, ApiError>
    where
        T: Versioned + Serialize + Send + 'static,
        F: FnOnce(&mut AnyConn) -> Result<T, ApiError> + Send + 'static,
    {
        let record = self.db.run(work).await?;
        Ok(ok_versioned(record.version(), &record))
    }

    /// `201 Created` with the record `work` returns, its `ETag` and its `Location`
    /// `/api/v1/{collection}/{id}`.
    pub async fn created<T, F>(&self, collection: &str, work: F) -> Result<HttpResponse, ApiError>
    where
        T: Versioned + Serialize + Send + 'static,
        F: FnOnce(&mut AnyConn) -> Result<T, ApiError> + Send + 'static,
    {
        let record = self.db.run(work).await?;
        let location = format!("/api/v1/{collection}/{}", record.id());
        Ok(created(location, Some(record.version()), &record))
    }

    /// `204 No Content` once `work` is done.
    pub async fn no_content<F>(&self, work: F) -> Result<HttpResponse, ApiError>
    where
        F: FnOnce(&mut AnyConn) -> Result<(), ApiError> + Send + 'static,
    {
        self.db.run(work).await?;
        Ok(HttpResponse::NoContent().finish())
    }
}

/// The client's `Idempotency-Key`, if it sent one (1–200 visible ASCII characters).
#[derive(Debug, Clone)]
pub struct IdempotencyKey(pub Option<String>);

impl FromRequest for IdempotencyKey {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let parsed = match req.headers().get("Idempotency-Key") {
            None => Ok(IdempotencyKey(None)),
            Some(value) => match value.to_str() {
                Ok(text) if (1..=200).contains(&text.len()) => {
                    Ok(IdempotencyKey(Some(text.to_string())))
                }
                _ => Err(ApiError::bad_request(Message::InvalidIdempotencyKey)),
            },
        };
        ready(parsed)
    }
}

/// Reads a cursor (the last id of the previous page).
pub fn parse_cursor(cursor: Option<&str>) -> Result<Option<i64>, ApiError> {
    cursor
        .map(|text| {
            text.parse::<i64>()
                .map_err(|_| ApiError::field("cursor", Message::InvalidCursor))
        })
        .transpose()
}

/// Builds a page from `limit + 1` fetched rows ordered by id.
pub fn page_of<T>(mut rows: Vec<T>, limit: i64, id: impl Fn(&T) -> i64) -> shared::page::Page<T> {
    let limit = usize::try_from(limit).unwrap_or(0);
    let next_cursor = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|last| id(last).to_string())
    } else {
        None
    };
    shared::page::Page {
        items: rows,
        next_cursor,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_cut_at_limit_and_point_past_the_last_item() {
        let page = page_of(vec![1, 2, 3], 2, |n| *n);
        assert_eq!(page.items, vec![1, 2]);
        assert_eq!(page.next_cursor.as_deref(), Some("2"));
        let last = page_of(vec![1, 2], 2, |n| *n);
        assert_eq!(last.next_cursor, None);
        assert!(parse_cursor(Some("x")).is_err());
        assert_eq!(parse_cursor(Some("42")).ok().flatten(), Some(42));
    }
}
