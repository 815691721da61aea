//! A typed HTTP client for Tuyến's API, for tests: the backend's integration tests and the
//! end-to-end tests drive the server through it. Requests and answers are the `shared`
//! types the server and the SPA use, and every path of the API is written here once.
//!
//! ```no_run
//! # async fn demo(base: &str) {
//! use testkit::Client;
//! let station = Client::new(base).sign_in("tram.anphu", "thuanan2026").await;
//! let referral = station.referrals().get(1).await.ok();
//! let sent = station
//!     .referrals()
//!     .step(referral.id, "send", &testkit::no_body(), None)
//!     .await
//!     .ok();
//! # let _ = sent;
//! # }
//! ```
//!
//! A test that checks how the server answers bad input keeps its raw body: [`Client::request`]
//! is the escape hatch (any method, path, headers and body), and [`Answer::json`] reads
//! any answer as plain JSON.
//!
//! Failures panic with the status and body of the answer: this crate is for tests, where a
//! loud, located panic is how a check fails.
#![forbid(unsafe_code)]

use std::fmt;
use std::marker::PhantomData;

use reqwest::header::{CONTENT_TYPE, ETAG, HeaderMap, IF_MATCH};
use reqwest::{Method, RequestBuilder, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use shared::audit::AuditEvent;
use shared::auth::{ApiClient, ApiClientCreated, LoginRequest, Me, NewApiClient, TokenPair};
use shared::consultation::{
    CaseInput, CaseSummary, ConsultationCase, ConsultationSession, SessionInput,
};
use shared::error::Problem;
use shared::page::Page;
use shared::plan::{Activity, Evaluation, EvaluationUpdate, Plan, PlanInput, PlanSummary};
use shared::plan::{SupportRequest, SupportRequestInput};
use shared::referral::{FollowUp, Referral, ReferralInput, ReferralSummary};
use shared::registry::{
    Department, DepartmentInput, Facility, FacilityInput, NewUser, Staff, StaffInput, User,
};
use shared::rotation::{
    AssignmentInput, DemandInput, Generation, RotationAssignment, RotationDemand, RotationPlan,
    RotationPlanInput,
};

/// The root of the versioned API.
pub const API: &str = "/api/v1";

/// The body of an action that takes none: `{}`.
pub fn no_body() -> Value {
    Value::Object(serde_json::Map::new())
}

/// A client of one running server, signed in as one user or anonymous. Cheap to clone:
/// the connection pool is shared.
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

    /// `POST /auth/login`.
    pub async fn login(&self, username: &str, password: &str) -> Answer<TokenPair> {
        let body = LoginRequest {
            username: username.to_string(),
            password: password.to_string(),
        };
        self.post(&format!("{API}/auth/login"), &body).await
    }

    /// Signs in (failing the test on anything but 200) and returns the client of that user.
    pub async fn sign_in(&self, username: &str, password: &str) -> Client {
        let answer = self.login(username, password).await;
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "login as {username}: {}",
            answer.text
        );
        let tokens = answer.body();
        assert!(!tokens.access_token.is_empty(), "empty access_token");
        self.as_user(tokens.access_token)
    }

    /// `GET /me`: who this client is.
    pub async fn me(&self) -> Answer<Me> {
        self.get(&format!("{API}/me")).await
    }

    /// The id of the facility with `code`, as this client finds it (fails when none).
    pub async fn facility_id(&self, code: &str) -> i64 {
        let page = self.facilities().list(&format!("q={code}")).await.ok();
        page.items
            .iter()
            .find(|f| f.code == code)
            .unwrap_or_else(|| panic!("facility {code} not listed"))
            .id
    }

    /// `GET /audit-events?query`.
    pub async fn audit_events(&self, query: &str) -> Answer<Page<AuditEvent>> {
        self.get(&with_query(&format!("{API}/audit-events"), query))
            .await
    }

    /// Referrals: slips, their state machine and lists.
    pub fn referrals(&self) -> Resource<'_, Referral, ReferralInput, ReferralSummary> {
        Resource::new(self, "referrals")
    }

    /// A referral's follow-up visits at the station.
    pub fn follow_ups(&self) -> Resource<'_, FollowUp, Value> {
        Resource::new(self, "follow-ups")
    }

    /// Facilities of the registry.
    pub fn facilities(&self) -> Resource<'_, Facility, FacilityInput> {
        Resource::new(self, "facilities")
    }

    /// Departments of facilities.
    pub fn departments(&self) -> Resource<'_, Department, DepartmentInput> {
        Resource::new(self, "departments")
    }

    /// Staff of facilities.
    pub fn staff(&self) -> Resource<'_, Staff, StaffInput> {
        Resource::new(self, "staff")
    }

    /// User accounts.
    pub fn users(&self) -> Resource<'_, User, NewUser> {
        Resource::new(self, "users")
    }

    /// Integration clients (`GET` answers a plain array: use [`Client::get`]).
    pub fn api_clients(&self) -> Resource<'_, ApiClientCreated, NewApiClient, ApiClient> {
        Resource::new(self, "api-clients")
    }

    /// Annual plans, their approval and their indicators.
    pub fn plans(&self) -> Resource<'_, Plan, PlanInput, PlanSummary> {
        Resource::new(self, "plans")
    }

    /// Activities of plans (progress and feedback).
    pub fn plan_activities(&self) -> Resource<'_, Activity, Value> {
        Resource::new(self, "plan-activities")
    }

    /// Evaluations of plans (created under a plan: `plans().sub_post(id, "evaluations")`).
    pub fn evaluations(&self) -> Resource<'_, Evaluation, EvaluationUpdate> {
        Resource::new(self, "evaluations")
    }

    /// Stations' requests for support.
    pub fn support_requests(&self) -> Resource<'_, SupportRequest, SupportRequestInput> {
        Resource::new(self, "support-requests")
    }

    /// Rotation plans (a quarter of postings), generation and publication.
    pub fn rotation_plans(&self) -> Resource<'_, RotationPlan, RotationPlanInput> {
        Resource::new(self, "rotation-plans")
    }

    /// What stations need from a rotation plan.
    pub fn rotation_demands(&self) -> Resource<'_, RotationDemand, DemandInput> {
        Resource::new(self, "rotation-demands")
    }

    /// Postings of staff to stations.
    pub fn rotation_assignments(&self) -> Resource<'_, RotationAssignment, AssignmentInput> {
        Resource::new(self, "rotation-assignments")
    }

    /// Runs of the rotation generator.
    pub fn rotation_generations(&self) -> Resource<'_, Generation, Value> {
        Resource::new(self, "rotation-generations")
    }

    /// Consultation sessions (`create` answers `SessionsCreated`: use `create_as`).
    pub fn consultation_sessions(&self) -> Resource<'_, ConsultationSession, SessionInput> {
        Resource::new(self, "consultation-sessions")
    }

    /// Cases put to consultation sessions.
    pub fn consultation_cases(&self) -> Resource<'_, ConsultationCase, CaseInput, CaseSummary> {
        Resource::new(self, "consultation-cases")
    }
}

/// Adds `If-Match: etag` when one is given.
fn if_match(request: RequestBuilder, etag: Option<&str>) -> RequestBuilder {
    match etag {
        Some(etag) => request.header(IF_MATCH, etag),
        None => request,
    }
}

/// `path?query`, or `path` when the query is empty.
fn with_query(path: &str, query: &str) -> String {
    match query.trim_start_matches('?') {
        "" => path.to_string(),
        query => format!("{path}?{query}"),
    }
}

/// The record, input and summary types of a [`Resource`], which holds no value of them.
type Types<T, I, S> = PhantomData<fn() -> (T, I, S)>;

/// One collection of the API, `/api/v1/<name>`: its records read as `T`, created from
/// `I`, listed as pages of `S`.
pub struct Resource<'c, T, I, S = T> {
    client: &'c Client,
    path: String,
    types: Types<T, I, S>,
}

impl<'c, T, I, S> Resource<'c, T, I, S>
where
    T: DeserializeOwned,
    I: Serialize,
    S: DeserializeOwned,
{
    fn new(client: &'c Client, name: &str) -> Self {
        Resource {
            client,
            path: format!("{API}/{name}"),
            types: PhantomData,
        }
    }

    /// The collection's path, e.g. `/api/v1/referrals`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// One record's path, e.g. `/api/v1/referrals/7`.
    pub fn item_path(&self, id: i64) -> String {
        format!("{}/{id}", self.path)
    }

    /// `GET` the collection with a query string (`"box=inbox&limit=5"`, or `""`).
    pub async fn list(&self, query: &str) -> Answer<Page<S>> {
        self.client.get(&with_query(&self.path, query)).await
    }

    /// `POST` a new record.
    pub async fn create(&self, input: &I) -> Answer<T> {
        self.client.post(&self.path, input).await
    }

    /// `POST` a new record whose answer is not the record itself.
    pub async fn create_as<R>(&self, input: &I) -> Answer<R> {
        self.client.post(&self.path, input).await
    }

    /// `GET` one record.
    pub async fn get(&self, id: i64) -> Answer<T> {
        self.client.get(&self.item_path(id)).await
    }

    /// `PUT` a record, with `If-Match` when an ETag is given.
    pub async fn update(&self, id: i64, input: &I, etag: Option<&str>) -> Answer<T> {
        self.client.put(&self.item_path(id), input, etag).await
    }

    /// `POST .../{id}/{action}`: one step of the record's workflow (`send`, `accept`,
    /// `approve`...), with `If-Match` when an ETag is given. Actions without a body take
    /// [`no_body`].
    pub async fn step(
        &self,
        id: i64,
        action: &str,
        body: &(impl Serialize + ?Sized),
        etag: Option<&str>,
    ) -> Answer<T> {
        let path = format!("{}/{action}", self.item_path(id));
        let request = self.client.request(Method::POST, &path).json(body);
        self.client.send(if_match(request, etag)).await
    }

    /// `GET .../{id}/{tail}` (e.g. `events`, `diff?against=3`), read as `R`.
    pub async fn sub<R>(&self, id: i64, tail: &str) -> Answer<R> {
        self.client
            .get(&format!("{}/{tail}", self.item_path(id)))
            .await
    }

    /// `POST .../{id}/{tail}` with a JSON body, read as `R` (e.g. a plan's evaluations).
    pub async fn sub_post<R>(
        &self,
        id: i64,
        tail: &str,
        body: &(impl Serialize + ?Sized),
    ) -> Answer<R> {
        self.client
            .post(&format!("{}/{tail}", self.item_path(id)), body)
            .await
    }
}

/// A whole answer: status, headers and body, with the body read as `T` on demand.
pub struct Answer<T> {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body as text.
    pub text: String,
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
        let text = response
            .text()
            .await
            .unwrap_or_else(|e| panic!("reading the HTTP {status} answer: {e}"));
        Answer {
            status,
            headers,
            text,
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
