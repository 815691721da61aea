//! The consultation calendar (sessions) and case requests with their steps.

use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;
use shared::consultation::{
    CaseAction, CaseInput, CaseQuery, CaseSummary, ConclusionInput, ConsultationCancelInput,
    ConsultationCase, ConsultationSession, OutcomeInput, ScheduleInput, SessionInput, SessionQuery,
    SessionsCreated,
};
use shared::page::Page;

use super::{Api, ApiError, Auth, decode};

/// `If-Match` value for a record at `version`.
fn if_match(version: i64) -> String {
    format!("\"{version}\"")
}

/// `POST` a JSON body, with `If-Match` when a version is given and an
/// `Idempotency-Key` when a key is.
async fn post_json<B: Serialize, T: DeserializeOwned>(
    api: Api,
    path: &str,
    body: &B,
    version: Option<i64>,
    idempotency_key: Option<&str>,
) -> Result<T, ApiError> {
    let response = api
        .execute(Method::POST, path, Auth::Session, |request| {
            let mut request = request.json(body);
            if let Some(version) = version {
                request = request.header("If-Match", if_match(version));
            }
            if let Some(key) = idempotency_key {
                request = request.header("Idempotency-Key", key);
            }
            request
        })
        .await?;
    decode(response).await
}

/// `GET /consultation-sessions`: the calendar, in start order.
pub async fn sessions(
    api: Api,
    query: &SessionQuery,
) -> Result<Page<ConsultationSession>, ApiError> {
    api.get_json("/consultation-sessions", |request| request.query(query))
        .await
}

/// `POST /consultation-sessions`: one session, or a weekly series. The same key with
/// the same body gives back what a lost answer already created.
pub async fn create_sessions(
    api: Api,
    input: &SessionInput,
    idempotency_key: &str,
) -> Result<SessionsCreated, ApiError> {
    post_json(
        api,
        "/consultation-sessions",
        input,
        None,
        Some(idempotency_key),
    )
    .await
}

/// `POST /consultation-sessions/{id}/cancel` on the session read at `version`.
pub async fn cancel_session(
    api: Api,
    id: i64,
    version: i64,
    input: &ConsultationCancelInput,
) -> Result<ConsultationSession, ApiError> {
    post_json(
        api,
        &format!("/consultation-sessions/{id}/cancel"),
        input,
        Some(version),
        None,
    )
    .await
}

/// `GET /consultation-cases`: one page, newest first.
pub async fn cases(api: Api, query: &CaseQuery) -> Result<Page<CaseSummary>, ApiError> {
    api.get_json("/consultation-cases", |request| request.query(query))
        .await
}

/// `GET /consultation-cases/{id}`.
pub async fn case(api: Api, id: i64) -> Result<ConsultationCase, ApiError> {
    api.get_json(&format!("/consultation-cases/{id}"), |request| request)
        .await
}

/// `POST /consultation-cases`: a request from the user's facility.
pub async fn create_case(
    api: Api,
    input: &CaseInput,
    idempotency_key: &str,
) -> Result<ConsultationCase, ApiError> {
    post_json(
        api,
        "/consultation-cases",
        input,
        None,
        Some(idempotency_key),
    )
    .await
}

/// The body of one step, as its endpoint takes it.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// `POST /consultation-cases/{id}/schedule`.
    Schedule(ScheduleInput),
    /// `POST /consultation-cases/{id}/conclude`.
    Conclude(ConclusionInput),
    /// `POST /consultation-cases/{id}/outcome`.
    Outcome(OutcomeInput),
    /// `POST /consultation-cases/{id}/cancel`.
    Cancel(ConsultationCancelInput),
}

impl Step {
    /// The action this body is for.
    pub fn action(&self) -> CaseAction {
        match self {
            Step::Schedule(_) => CaseAction::Schedule,
            Step::Conclude(_) => CaseAction::Conclude,
            Step::Outcome(_) => CaseAction::RecordOutcome,
            Step::Cancel(_) => CaseAction::Cancel,
        }
    }
}

/// `POST /consultation-cases/{id}/<action>` on the case read at `version`.
pub async fn step(
    api: Api,
    id: i64,
    version: i64,
    step: &Step,
) -> Result<ConsultationCase, ApiError> {
    let path = format!("/consultation-cases/{id}/{}", step.action().as_str());
    let version = Some(version);
    match step {
        Step::Schedule(body) => post_json(api, &path, body, version, None).await,
        Step::Conclude(body) => post_json(api, &path, body, version, None).await,
        Step::Outcome(body) => post_json(api, &path, body, version, None).await,
        Step::Cancel(body) => post_json(api, &path, body, version, None).await,
    }
}
