//! A whole answer of the server, its body read as a shared type on demand.

use std::fmt;
use std::marker::PhantomData;

use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, ETAG, HeaderMap};
use serde::de::DeserializeOwned;
use serde_json::Value;
use shared::error::Problem;

/// A whole answer: status, headers and body, with the body read as `T` on demand.
pub struct Answer<T> {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body as text (binary bodies: see [`Answer::bytes`]).
    pub text: String,
    bytes: Vec<u8>,
    body: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for Answer<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}: {}", self.status, self.text)
    }
}

impl<T> Answer<T> {
    /// Reads a response to the end.
    pub async fn read(response: reqwest::Response) -> Answer<T> {
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .bytes()
            .await
            .unwrap_or_else(|e| panic!("reading the HTTP {status} answer: {e}"))
            .to_vec();
        Answer {
            status,
            headers,
            text: String::from_utf8_lossy(&bytes).into_owned(),
            bytes,
            body: PhantomData,
        }
    }

    /// The status as a number.
    pub fn code(&self) -> u16 {
        self.status.as_u16()
    }

    /// A header's value, when present and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The `ETag` header, to send back as `If-Match`.
    pub fn etag(&self) -> Option<&str> {
        self.headers.get(ETAG).and_then(|v| v.to_str().ok())
    }

    /// The `Content-Type` header, or `""`.
    pub fn content_type(&self) -> &str {
        self.headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    /// The body as it came, for files (XLSX, DOCX) read back.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The body as plain JSON, for checks on the wire shape itself.
    pub fn json(&self) -> Value {
        self.parse()
    }

    /// The body as an RFC 9457 problem document.
    pub fn problem(&self) -> Problem {
        self.parse()
    }

    /// Checks a problem+json answer with this status and code (`type`, `status` and
    /// `code` all agreeing) and returns its body.
    pub fn assert_problem(&self, status: u16, code: &str) -> Value {
        assert_eq!(self.status.as_u16(), status, "status: {}", self.text);
        assert_eq!(self.content_type(), "application/problem+json");
        let body = self.json();
        assert_eq!(body["code"], code, "{body}");
        assert_eq!(body["status"], status);
        assert_eq!(body["type"], format!("urn:tuyen:problem:{code}"));
        body
    }

    /// The same answer, its body read as `R` instead.
    pub fn cast<R>(self) -> Answer<R> {
        Answer {
            status: self.status,
            headers: self.headers,
            text: self.text,
            bytes: self.bytes,
            body: PhantomData,
        }
    }

    fn parse<R: DeserializeOwned>(&self) -> R {
        serde_json::from_str(&self.text).unwrap_or_else(|e| {
            panic!(
                "expected a {} body, got HTTP {}: {} ({e})",
                std::any::type_name::<R>(),
                self.status,
                self.text
            )
        })
    }
}

impl<T: DeserializeOwned> Answer<T> {
    /// The body as `T`, whatever the status.
    pub fn body(&self) -> T {
        self.parse()
    }

    /// The body, after checking the status is `status`.
    pub fn with_status(self, status: u16) -> T {
        assert_eq!(
            self.status.as_u16(),
            status,
            "expected HTTP {status}: {}",
            self.text
        );
        self.body()
    }

    /// The body of a 200 answer.
    pub fn ok(self) -> T {
        self.with_status(200)
    }

    /// The body of a 201 answer.
    pub fn created(self) -> T {
        self.with_status(201)
    }
}
