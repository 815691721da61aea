//! The typed client of the Tuyến REST API (`/api/v1`), one module per area.
//!
//! Every call goes through [`Api::execute`]: it adds the bearer token and the
//! interface language, turns problem documents into [`ApiError::Problem`], and on a
//! `401` renews the tokens once (one refresh shared by all calls that failed
//! together, since a refresh token works only once) and retries once. When renewal
//! is refused the session ends and the route guard sends the person to sign in.

pub mod admin;
pub mod auth;
pub mod consultations;
pub mod import;
pub mod plans;
pub mod referrals;
pub mod registry;
pub mod rotations;
pub mod supervision;
pub mod transfers;
mod write;

use std::fmt;

use futures::FutureExt;
use futures::future::{LocalBoxFuture, Shared};
use leptos::prelude::*;
use reqwest::header::{ACCEPT, ACCEPT_LANGUAGE};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde::de::DeserializeOwned;
use shared::error::{ErrorCode, Problem};
use shared::page::Page;

use crate::contexts::{LangContext, Session};
pub(crate) use write::Write;
pub use write::{IdempotencyKeys, new_idempotency_key};

/// Path prefix of every endpoint.
const BASE_PATH: &str = "/api/v1";

/// Why a call did not give the expected answer.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The server refused and said why (RFC 9457 problem document).
    Problem(Problem),
    /// The server answered with an error status but no readable problem document.
    Http {
        /// HTTP status.
        status: u16,
        /// The start of the body, for the person reporting the problem.
        body: String,
    },
    /// No answer at all: offline, server down, request blocked.
    Network(String),
    /// A success answer in an unexpected shape.
    Decode(String),
    /// Not signed in, or the session expired and could not be renewed.
    SignedOut,
}

impl ApiError {
    /// The problem document, when the server sent one.
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            ApiError::Problem(problem) => Some(problem),
            _ => None,
        }
    }

    /// The HTTP status, when there was an answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Problem(problem) => Some(problem.status),
            ApiError::Http { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The same error without the field messages a form already shows next to its
    /// fields (`inline(path)`), so they do not show twice.
    pub fn without_fields(self, inline: impl Fn(&str) -> bool) -> ApiError {
        match self {
            ApiError::Problem(mut problem) => {
                if let Some(errors) = problem.errors.as_mut() {
                    errors.retain(|path, _| !inline(path));
                }
                ApiError::Problem(problem)
            }
            other => other,
        }
    }

    /// Messages the server gave for one input field.
    pub fn field_errors(&self, field: &str) -> Vec<String> {
        self.problem()
            .map(|problem| problem.field_errors(field).to_vec())
            .unwrap_or_default()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Problem(problem) => match &problem.detail {
                Some(detail) => write!(f, "{}: {detail}", problem.title),
                None => f.write_str(&problem.title),
            },
            ApiError::Http { status, .. } => write!(f, "HTTP {status}"),
            ApiError::Network(message) => write!(f, "network error: {message}"),
            ApiError::Decode(message) => write!(f, "unexpected response: {message}"),
            ApiError::SignedOut => f.write_str("not signed in"),
        }
    }
}

impl std::error::Error for ApiError {}

/// Whether a call carries the session's bearer token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Auth {
    /// Sign-in and refresh: no token.
    Anonymous,
    /// Everything else.
    Session,
}

type SharedRenewal = Shared<LocalBoxFuture<'static, Result<String, ApiError>>>;

/// The API client, provided at the root of the app.
#[derive(Debug, Clone, Copy)]
pub struct Api {
    session: Session,
    lang: LangContext,
    /// The token renewal in flight, if any, so concurrent `401`s share one refresh.
    renewal: StoredValue<Option<SharedRenewal>, LocalStorage>,
}

/// Provides the API client at the root of the app.
pub fn provide_api(session: Session, lang: LangContext) -> Api {
    let api = Api {
        session,
        lang,
        renewal: StoredValue::new_local(None),
    };
    provide_context(api);
    api
}

/// The API client provided by [`provide_api`].
pub fn use_api() -> Api {
    expect_context()
}

/// The page's origin (`http://host:port`); none outside a browser window.
fn origin() -> Option<String> {
    web_sys::window().and_then(|window| window.location().origin().ok())
}

/// Turns an error status into an [`ApiError`], keeping a success response.
async fn check(response: Response) -> Result<Response, ApiError> {
    if response.status().is_success() {
        return Ok(response);
    }
    let status = response.status().as_u16();
    let body = response
        .text()
        .await
        .map_err(|error| ApiError::Network(error.to_string()))?;
    Err(match serde_json::from_str::<Problem>(&body) {
        Ok(problem) => ApiError::Problem(problem),
        Err(_) => ApiError::Http {
            status,
            body: body.chars().take(300).collect(),
        },
    })
}

impl Api {
    /// Sends one request and returns the successful response.
    async fn execute(
        self,
        method: Method,
        path: &str,
        auth: Auth,
        build: impl Fn(RequestBuilder) -> RequestBuilder,
    ) -> Result<Response, ApiError> {
        if auth == Auth::Anonymous {
            return check(self.send(&method, path, None, &build).await?).await;
        }
        let token = self.session.access_token().ok_or(ApiError::SignedOut)?;
        let response = self.send(&method, path, Some(&token), &build).await?;
        if response.status() != StatusCode::UNAUTHORIZED {
            return self.signed_in_answer(response).await;
        }
        let token = self.renewed_token(&token).await?;
        let response = self.send(&method, path, Some(&token), &build).await?;
        if response.status() == StatusCode::UNAUTHORIZED {
            self.session.expire();
            return Err(ApiError::SignedOut);
        }
        self.signed_in_answer(response).await
    }

    /// The answer to a signed-in request. A 403 `password_change_required` (an
    /// administrator reset the password meanwhile, on any read or write) puts the
    /// session in the state that shows only the change-password page.
    async fn signed_in_answer(self, response: Response) -> Result<Response, ApiError> {
        let answer = check(response).await;
        if let Err(ApiError::Problem(problem)) = &answer
            && problem.code == ErrorCode::PasswordChangeRequired
        {
            self.session.require_password_change();
        }
        answer
    }

    async fn send(
        self,
        method: &Method,
        path: &str,
        token: Option<&str>,
        build: &impl Fn(RequestBuilder) -> RequestBuilder,
    ) -> Result<Response, ApiError> {
        let origin = origin().ok_or_else(|| ApiError::Network("no browser window".into()))?;
        let url = format!("{origin}{BASE_PATH}{path}");
        let mut request = reqwest::Client::new()
            .request(method.clone(), url)
            .header(ACCEPT, "application/json, application/problem+json")
            .header(ACCEPT_LANGUAGE, self.lang.get_untracked().code());
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        build(request)
            .send()
            .await
            .map_err(|error| ApiError::Network(error.to_string()))
    }

    /// An access token newer than `stale`: the one another call already renewed, the
    /// renewal in flight, or a new renewal.
    async fn renewed_token(self, stale: &str) -> Result<String, ApiError> {
        match self.session.access_token() {
            None => return Err(ApiError::SignedOut),
            Some(current) if current != stale => return Ok(current),
            Some(_) => {}
        }
        let renewal = match self.renewal.get_value() {
            Some(renewal) => renewal,
            None => {
                let renewal = async move {
                    let result = self.renew().await;
                    self.renewal.set_value(None);
                    result
                }
                .boxed_local()
                .shared();
                self.renewal.set_value(Some(renewal.clone()));
                renewal
            }
        };
        renewal.await
    }

    /// Trades the refresh token for a new pair. A refusal ends the session; a network
    /// failure keeps it, so the person can retry once the connection is back.
    async fn renew(self) -> Result<String, ApiError> {
        let refresh_token = self.session.refresh_token().ok_or(ApiError::SignedOut)?;
        match auth::refresh(self, refresh_token).await {
            Ok(tokens) => {
                self.session.renew(&tokens);
                Ok(tokens.access_token)
            }
            Err(error) if matches!(error.status(), Some(400 | 401 | 403 | 422)) => {
                self.session.expire();
                Err(ApiError::SignedOut)
            }
            Err(error) => Err(error),
        }
    }

    /// `GET` a JSON resource that may not exist yet (the server answers `204 No
    /// Content`, which is `None`), with the session's token.
    async fn get_optional_json<T: DeserializeOwned>(
        self,
        path: &str,
    ) -> Result<Option<T>, ApiError> {
        let response = self
            .execute(Method::GET, path, Auth::Session, |request| request)
            .await?;
        if response.status() == reqwest::StatusCode::NO_CONTENT {
            return Ok(None);
        }
        decode(response).await.map(Some)
    }

    /// `GET` a JSON resource with the session's token.
    async fn get_json<T: DeserializeOwned>(
        self,
        path: &str,
        build: impl Fn(RequestBuilder) -> RequestBuilder,
    ) -> Result<T, ApiError> {
        let response = self
            .execute(Method::GET, path, Auth::Session, build)
            .await?;
        decode(response).await
    }
}

async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    response
        .json::<T>()
        .await
        .map_err(|error| ApiError::Decode(error.to_string()))
}

/// The most pages a "whole list" read follows: 10 × 200 records is far beyond one plan
/// or the integration clients of a network.
const MAX_PAGES: usize = 10;

/// Every record of a list, following `next_cursor` (at most [`MAX_PAGES`] pages).
pub(crate) async fn all_pages<T, F, Fut>(mut page: F) -> Result<Vec<T>, ApiError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<Page<T>, ApiError>>,
{
    let mut items = Vec::new();
    let mut cursor = None;
    for _ in 0..MAX_PAGES {
        let next = page(cursor).await?;
        items.extend(next.items);
        match next.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    Ok(items)
}
