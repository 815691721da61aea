//! The client core: a connection pool, a server, a token, and the raw verbs every typed
//! method of the domain modules is built on.

use std::fmt;

use reqwest::header::IF_MATCH;
use reqwest::{Method, RequestBuilder};
use serde::Serialize;
use serde_json::Value;

use crate::Answer;

/// A client of one running server, signed in as one user or anonymous. Cheap to clone:
/// the connection pool is shared. The typed methods of each domain (`plans()`,
/// `staff()`, `login`...) live in the module of that domain.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    token: Option<String>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The token stays out of test output.
        f.debug_struct("Client")
            .field("base", &self.base)
            .field("signed_in", &self.token.is_some())
            .finish()
    }
}

impl Client {
    /// An anonymous client of the server at `base` (e.g. `http://127.0.0.1:8080`), never
    /// through a proxy.
    pub fn new(base: impl Into<String>) -> Client {
        let http = reqwest::Client::builder()
            .no_proxy()
            .build()
            .unwrap_or_else(|e| panic!("HTTP client: {e}"));
        Client::with_http(http, base)
    }

    /// An anonymous client on a given connection pool (e.g. one with a timeout).
    pub fn with_http(http: reqwest::Client, base: impl Into<String>) -> Client {
        Client {
            http,
            base: base.into(),
            token: None,
        }
    }

    /// The same server as the holder of `token`.
    pub fn as_user(&self, token: impl Into<String>) -> Client {
        Client {
            token: Some(token.into()),
            ..self.clone()
        }
    }

    /// The same server without a token.
    pub fn anonymous(&self) -> Client {
        Client {
            token: None,
            ..self.clone()
        }
    }

    /// The bearer token this client sends, if any.
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// The absolute URL of `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The raw escape hatch: a request to `path` with this client's token, to which a test
    /// adds any header and any body (bad JSON included); send it with [`Client::send`].
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let request = self.http.request(method, self.url(path));
        match &self.token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    /// Sends a request built by [`Client::request`] and reads the whole answer.
    pub async fn send<T>(&self, request: RequestBuilder) -> Answer<T> {
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("sending the request: {e}"));
        Answer::read(response).await
    }

    /// `GET path`.
    pub async fn get<T>(&self, path: &str) -> Answer<T> {
        self.send(self.request(Method::GET, path)).await
    }

    /// `POST path` with a JSON body.
    pub async fn post<T>(&self, path: &str, body: &(impl Serialize + ?Sized)) -> Answer<T> {
        self.send(self.request(Method::POST, path).json(body)).await
    }

    /// `PUT path` with a JSON body and, when given, `If-Match: etag`.
    pub async fn put<T>(
        &self,
        path: &str,
        body: &(impl Serialize + ?Sized),
        etag: Option<&str>,
    ) -> Answer<T> {
        self.send(if_match(self.request(Method::PUT, path).json(body), etag))
            .await
    }

    /// `DELETE path`.
    pub async fn delete(&self, path: &str) -> Answer<Value> {
        self.send(self.request(Method::DELETE, path)).await
    }
}

/// Adds `If-Match: etag` when one is given.
pub(crate) fn if_match(request: RequestBuilder, etag: Option<&str>) -> RequestBuilder {
    match etag {
        Some(etag) => request.header(IF_MATCH, etag),
        None => request,
    }
}

/// `path?query`, or `path` when the query is empty.
pub(crate) fn with_query(path: &str, query: &str) -> String {
    match query.trim_start_matches('?') {
        "" => path.to_string(),
        query => format!("{path}?{query}"),
    }
}
