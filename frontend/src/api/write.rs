//! What every write sends besides its path, in one place: the JSON body, the version
//! the record was read at (`If-Match`) and an `Idempotency-Key` for creations.

use leptos::prelude::*;
use reqwest::{Method, RequestBuilder};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{Api, ApiError, Auth, decode};

/// `If-Match` value for a record at `version` (the server's `ETag` is the quoted version).
fn if_match(version: i64) -> String {
    format!("\"{version}\"")
}

/// A fresh `Idempotency-Key`: time and randomness, unique enough for one person's
/// retries.
pub fn new_idempotency_key() -> String {
    let random = (js_sys::Math::random() * 1e15) as u64;
    let now = js_sys::Date::now() as u64;
    format!("spa-{now:x}-{random:x}")
}

/// The key for creating one record from a form: the same body keeps its key, so a
/// retry after a lost answer finds what the first attempt created; a changed body is
/// a new request with a new key.
pub struct IdempotencyKeys<B: Send + Sync + 'static> {
    last: StoredValue<Option<(String, B)>>,
}

// By hand: a derive would ask `B: Copy`, but only the handle is copied.
impl<B: Send + Sync + 'static> Clone for IdempotencyKeys<B> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<B: Send + Sync + 'static> Copy for IdempotencyKeys<B> {}

impl<B: Clone + PartialEq + Send + Sync + 'static> IdempotencyKeys<B> {
    /// No key handed out yet.
    pub fn new() -> Self {
        IdempotencyKeys {
            last: StoredValue::new(None),
        }
    }

    /// The key to send `body` with: the last one when the body is unchanged.
    pub fn for_body(self, body: &B) -> String {
        let key = self.last.with_value(|last| match last {
            Some((key, last_body)) if last_body == body => key.clone(),
            _ => new_idempotency_key(),
        });
        self.last.set_value(Some((key.clone(), body.clone())));
        key
    }
}

impl<B: Clone + PartialEq + Send + Sync + 'static> Default for IdempotencyKeys<B> {
    fn default() -> Self {
        Self::new()
    }
}

/// A write's body and preconditions, each optional:
/// `Write::json(&input).if_match(version).idempotency_key(&key)`.
pub(crate) struct Write<'a, B: ?Sized = ()> {
    body: Option<&'a B>,
    version: Option<i64>,
    idempotency_key: Option<&'a str>,
}

impl<'a> Write<'a> {
    /// No body (the workflow steps that take none).
    pub(crate) fn empty() -> Self {
        Write {
            body: None,
            version: None,
            idempotency_key: None,
        }
    }
}

impl<'a, B: Serialize + ?Sized> Write<'a, B> {
    /// `body` as JSON.
    pub(crate) fn json(body: &'a B) -> Self {
        Write {
            body: Some(body),
            version: None,
            idempotency_key: None,
        }
    }

    /// Only if the record is still at `version` (none: unconditional).
    pub(crate) fn if_match(self, version: impl Into<Option<i64>>) -> Self {
        Write {
            version: version.into(),
            ..self
        }
    }

    /// With an `Idempotency-Key`.
    pub(crate) fn idempotency_key(self, key: &'a str) -> Self {
        Write {
            idempotency_key: Some(key),
            ..self
        }
    }

    fn apply(&self, mut request: RequestBuilder) -> RequestBuilder {
        if let Some(body) = self.body {
            request = request.json(body);
        }
        if let Some(version) = self.version {
            request = request.header("If-Match", if_match(version));
        }
        if let Some(key) = self.idempotency_key {
            request = request.header("Idempotency-Key", key);
        }
        request
    }
}

impl Api {
    /// Sends a write with the session's token and decodes the answer.
    pub(crate) async fn send_json<B: Serialize + ?Sized, T: DeserializeOwned>(
        self,
        method: Method,
        path: &str,
        write: Write<'_, B>,
    ) -> Result<T, ApiError> {
        let response = self
            .execute(method, path, Auth::Session, |request| write.apply(request))
            .await?;
        decode(response).await
    }

    /// `POST` a write.
    pub(crate) async fn post_json<B: Serialize + ?Sized, T: DeserializeOwned>(
        self,
        path: &str,
        write: Write<'_, B>,
    ) -> Result<T, ApiError> {
        self.send_json(Method::POST, path, write).await
    }

    /// `PUT` a write.
    pub(crate) async fn put_json<B: Serialize + ?Sized, T: DeserializeOwned>(
        self,
        path: &str,
        write: Write<'_, B>,
    ) -> Result<T, ApiError> {
        self.send_json(Method::PUT, path, write).await
    }
}

impl Api {
    /// Sends a write whose answer has no body (`204 No Content`).
    pub(crate) async fn send_empty<B: Serialize + ?Sized>(
        self,
        method: Method,
        path: &str,
        write: Write<'_, B>,
    ) -> Result<(), ApiError> {
        self.execute(method, path, Auth::Session, |request| write.apply(request))
            .await
            .map(drop)
    }
}
