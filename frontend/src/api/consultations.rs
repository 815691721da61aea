//! The consultation calendar (sessions) and case requests with their steps.

use shared::consultation::{
    CaseAction, CaseInput, CaseQuery, CaseSummary, ConclusionInput, ConsultationCancelInput,
    ConsultationCase, ConsultationSession, OutcomeInput, ScheduleInput, SessionInput, SessionQuery,
    SessionsCreated,
};
use shared::page::Page;

use super::{Api, ApiError, Write};

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
    api.post_json(
        "/consultation-sessions",
        Write::json(input).idempotency_key(idempotency_key),
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
    api.post_json(
        &format!("/consultation-sessions/{id}/cancel"),
        Write::json(input).if_match(version),
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
    api.post_json(
        "/consultation-cases",
        Write::json(input).idempotency_key(idempotency_key),
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
        Step::Schedule(body) => {
            api.post_json(&path, Write::json(body).if_match(version))
                .await
        }
        Step::Conclude(body) => {
            api.post_json(&path, Write::json(body).if_match(version))
                .await
        }
        Step::Outcome(body) => {
            api.post_json(&path, Write::json(body).if_match(version))
                .await
        }
        Step::Cancel(body) => {
            api.post_json(&path, Write::json(body).if_match(version))
                .await
        }
    }
}
