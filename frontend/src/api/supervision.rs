//! Supervision: checklist templates, visits with their answers and photos, corrective
//! actions and their steps.

use reqwest::Method;
use reqwest::header::CONTENT_TYPE;
use shared::page::Page;
use shared::supervision::{
    ActionOwner, AnswerInput, CorrectiveAction, CorrectiveAnswerInput, CorrectiveCloseInput,
    CorrectiveInput, CorrectiveQuery, CorrectiveStep, ReasonInput, SubmitInput,
    SupervisionTemplate, TemplateInput, TemplateQuery, TemplateSummary, Visit, VisitAction,
    VisitInput, VisitQuery, VisitSummary,
};

use super::{Api, ApiError, Auth, Write, all_pages, decode};

/// `GET /supervision-templates`.
pub async fn templates(api: Api, query: &TemplateQuery) -> Result<Page<TemplateSummary>, ApiError> {
    api.get_json("/supervision-templates", |request| request.query(query))
        .await
}

/// The published templates (to schedule a visit with).
pub async fn published_templates(api: Api) -> Result<Vec<TemplateSummary>, ApiError> {
    all_pages(|cursor| {
        let query = TemplateQuery {
            status: Some(shared::supervision::TemplateStatus::Published),
            limit: Some(200),
            cursor,
            ..TemplateQuery::default()
        };
        async move { templates(api, &query).await }
    })
    .await
}

/// `GET /supervision-templates/{id}`.
pub async fn template(api: Api, id: i64) -> Result<SupervisionTemplate, ApiError> {
    api.get_json(&format!("/supervision-templates/{id}"), |request| request)
        .await
}

/// `PUT /supervision-templates/{id}`: a draft's content, read at `version`.
pub async fn update_template(
    api: Api,
    id: i64,
    version: i64,
    input: &TemplateInput,
) -> Result<SupervisionTemplate, ApiError> {
    api.put_json(
        &format!("/supervision-templates/{id}"),
        Write::json(input).if_match(version),
    )
    .await
}

/// `POST /supervision-templates/{id}/publish`.
pub async fn publish_template(
    api: Api,
    id: i64,
    version: i64,
) -> Result<SupervisionTemplate, ApiError> {
    api.post_json(
        &format!("/supervision-templates/{id}/publish"),
        Write::<()>::empty().if_match(version),
    )
    .await
}

/// `POST /supervision-templates/{id}/revisions`: a new draft revision.
pub async fn revise_template(
    api: Api,
    id: i64,
    idempotency_key: &str,
) -> Result<SupervisionTemplate, ApiError> {
    api.post_json(
        &format!("/supervision-templates/{id}/revisions"),
        Write::<()>::empty().idempotency_key(idempotency_key),
    )
    .await
}

/// `GET /supervision-visits`.
pub async fn visits(api: Api, query: &VisitQuery) -> Result<Page<VisitSummary>, ApiError> {
    api.get_json("/supervision-visits", |request| request.query(query))
        .await
}

/// Every visit a query lists (for the scores).
pub async fn all_visits(api: Api, query: VisitQuery) -> Result<Vec<VisitSummary>, ApiError> {
    all_pages(|cursor| {
        let query = VisitQuery {
            limit: Some(200),
            cursor,
            ..query.clone()
        };
        async move { visits(api, &query).await }
    })
    .await
}

/// `GET /supervision-visits/{id}`.
pub async fn visit(api: Api, id: i64) -> Result<Visit, ApiError> {
    api.get_json(&format!("/supervision-visits/{id}"), |request| request)
        .await
}

/// `POST /supervision-visits`.
pub async fn create_visit(
    api: Api,
    input: &VisitInput,
    idempotency_key: &str,
) -> Result<Visit, ApiError> {
    api.post_json(
        "/supervision-visits",
        Write::json(input).idempotency_key(idempotency_key),
    )
    .await
}

/// The body of a visit's step.
#[derive(Debug, Clone, PartialEq)]
pub enum VisitStep {
    Start,
    Submit(SubmitInput),
    Close,
    Cancel(ReasonInput),
}

impl VisitStep {
    /// The action this body is for.
    pub fn action(&self) -> VisitAction {
        match self {
            VisitStep::Start => VisitAction::Start,
            VisitStep::Submit(_) => VisitAction::Submit,
            VisitStep::Close => VisitAction::Close,
            VisitStep::Cancel(_) => VisitAction::Cancel,
        }
    }
}

/// `POST /supervision-visits/{id}/<action>` on the visit read at `version`.
pub async fn step_visit(
    api: Api,
    id: i64,
    version: i64,
    step: &VisitStep,
) -> Result<Visit, ApiError> {
    let path = format!("/supervision-visits/{id}/{}", step.action().as_str());
    match step {
        VisitStep::Start | VisitStep::Close => {
            api.post_json(&path, Write::<()>::empty().if_match(version))
                .await
        }
        VisitStep::Submit(body) => {
            api.post_json(&path, Write::json(body).if_match(version))
                .await
        }
        VisitStep::Cancel(body) => {
            api.post_json(&path, Write::json(body).if_match(version))
                .await
        }
    }
}

/// `PUT /supervision-visits/{id}/answers/{item}` on the visit read at `version`.
pub async fn answer(
    api: Api,
    id: i64,
    version: i64,
    item_code: &str,
    input: &AnswerInput,
) -> Result<Visit, ApiError> {
    api.put_json(
        &format!("/supervision-visits/{id}/answers/{item_code}"),
        Write::json(input).if_match(version),
    )
    .await
}

/// `PUT /supervision-visits/{id}/answers/{item}/photo` with the image's bytes.
pub async fn attach_photo(
    api: Api,
    id: i64,
    item_code: &str,
    content_type: &str,
    bytes: Vec<u8>,
) -> Result<Visit, ApiError> {
    let path = format!("/supervision-visits/{id}/answers/{item_code}/photo");
    let response = api
        .execute(Method::PUT, &path, Auth::Session, |request| {
            request
                .header(CONTENT_TYPE, content_type)
                .body(bytes.clone())
        })
        .await?;
    decode(response).await
}

/// `GET /supervision-photos/{id}`: the image's type and bytes.
pub async fn photo(api: Api, id: i64) -> Result<(String, Vec<u8>), ApiError> {
    let response = api
        .execute(
            Method::GET,
            &format!("/supervision-photos/{id}"),
            Auth::Session,
            |request| request,
        )
        .await?;
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("image/jpeg")
        .to_string();
    let bytes = response
        .bytes()
        .await
        .map_err(|error| ApiError::Network(error.to_string()))?;
    Ok((content_type, bytes.to_vec()))
}

/// `GET /supervision-visits/{id}/owners`.
pub async fn owners(api: Api, id: i64) -> Result<Vec<ActionOwner>, ApiError> {
    api.get_json(&format!("/supervision-visits/{id}/owners"), |request| {
        request
    })
    .await
}

/// `GET /corrective-actions`.
pub async fn actions(
    api: Api,
    query: &CorrectiveQuery,
) -> Result<Page<CorrectiveAction>, ApiError> {
    api.get_json("/corrective-actions", |request| request.query(query))
        .await
}

/// `POST /corrective-actions`.
pub async fn create_action(
    api: Api,
    input: &CorrectiveInput,
    idempotency_key: &str,
) -> Result<CorrectiveAction, ApiError> {
    api.post_json(
        "/corrective-actions",
        Write::json(input).idempotency_key(idempotency_key),
    )
    .await
}

/// The body of a corrective action's step.
#[derive(Debug, Clone, PartialEq)]
pub enum ActionStep {
    Answer(CorrectiveAnswerInput),
    Close(CorrectiveCloseInput),
    Reopen(ReasonInput),
}

impl ActionStep {
    /// The step this body is for.
    pub fn action(&self) -> CorrectiveStep {
        match self {
            ActionStep::Answer(_) => CorrectiveStep::Answer,
            ActionStep::Close(_) => CorrectiveStep::Close,
            ActionStep::Reopen(_) => CorrectiveStep::Reopen,
        }
    }
}

/// `POST /corrective-actions/{id}/<step>` on the action read at `version`.
pub async fn step_action(
    api: Api,
    id: i64,
    version: i64,
    step: &ActionStep,
) -> Result<CorrectiveAction, ApiError> {
    let path = format!("/corrective-actions/{id}/{}", step.action().as_str());
    match step {
        ActionStep::Answer(body) => {
            api.post_json(&path, Write::json(body).if_match(version))
                .await
        }
        ActionStep::Close(body) => {
            api.post_json(&path, Write::json(body).if_match(version))
                .await
        }
        ActionStep::Reopen(body) => {
            api.post_json(&path, Write::json(body).if_match(version))
                .await
        }
    }
}
