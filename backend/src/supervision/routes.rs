//! `/supervision-templates` (checklists), `/supervision-visits` (visits, their answers
//! and steps), `/supervision-photos` (photos of findings) and `/corrective-actions`.

use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use shared::error::ErrorCode;
use shared::message::Message;
use shared::page::Page;
use shared::supervision::{
    ActionOwner, AnswerInput, CorrectiveAction, CorrectiveAnswerInput, CorrectiveCloseInput,
    CorrectiveInput, CorrectiveQuery, PHOTO_LIMIT, ReasonInput, SubmitInput, SupervisionTemplate,
    TemplateInput, TemplateQuery, TemplateSummary, Visit, VisitEditInput, VisitInput, VisitQuery,
    VisitSummary,
};
use utoipa_actix_web::service_config::ServiceConfig;

use super::service::{self, ActionStep, VisitStep};
use crate::app::AppState;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::http::{
    IdempotencyKey, IfMatch, ValidJson, created, ok_versioned, request_lang, versioned,
};
use crate::openapi::problems::{
    BadQuery, Conflict, Forbidden, IfMatchMissing, Invalid, KeyReused, NotFound, Problems, Stale,
    TooLarge,
};
use crate::workflow::step_routes;

versioned!(SupervisionTemplate, Visit, CorrectiveAction);

/// Registers this module's routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_templates)
        .service(create_template)
        .service(get_template)
        .service(update_template)
        .service(publish_template)
        .service(revise_template)
        .service(list_visits)
        .service(visits_xlsx)
        .service(create_visit)
        .service(get_visit)
        .service(reschedule_visit)
        .service(start_visit)
        .service(submit_visit)
        .service(close_visit)
        .service(cancel_visit)
        .service(record_answer)
        .service(attach_photo)
        .service(visit_owners)
        .service(get_photo)
        .service(list_actions)
        .service(create_action)
        .service(get_action)
        .service(answer_action)
        .service(close_action)
        .service(reopen_action);
}

/// Checklist templates (quality criteria), newest revision first.
#[utoipa::path(
    tag = "supervision",
    params(TemplateQuery),
    responses(
        (status = 200, description = "A page of templates", body = Page<TemplateSummary>),
        Problems<(BadQuery, Forbidden)>,
    )
)]
#[get("/supervision-templates")]
async fn list_templates(
    state: web::Data<AppState>,
    by: Principal,
    query: web::Query<TemplateQuery>,
) -> Result<HttpResponse, ApiError> {
    state
        .json(move |conn| service::list_templates(conn, &by, &query))
        .await
}

/// Draft a new checklist (revision 1), kept by your facility (Nursing office, planning
/// office, director, head of department). Accepts `Idempotency-Key`.
#[utoipa::path(
    tag = "supervision",
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe create")),
    request_body = TemplateInput,
    responses(
        (status = 201, description = "Drafted", body = SupervisionTemplate),
        Problems<(Invalid, Forbidden, KeyReused)>,
    )
)]
#[post("/supervision-templates")]
async fn create_template(
    state: web::Data<AppState>,
    by: Principal,
    key: IdempotencyKey,
    body: ValidJson<TemplateInput>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    state
        .created("supervision-templates", move |conn| {
            service::create_template(conn, &by, key.0.as_deref(), &body)
        })
        .await
}

/// One template revision with its sections and items.
#[utoipa::path(
    tag = "supervision",
    params(("id" = i64, Path, description = "Template id")),
    responses(
        (status = 200, description = "The template; ETag carries the version", body = SupervisionTemplate),
        Problems<(Forbidden, NotFound)>,
    )
)]
#[get("/supervision-templates/{id}")]
async fn get_template(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    state
        .versioned(move |conn| service::get_template(conn, &by, *id))
        .await
}

/// Edit a draft (its keeper). Needs `If-Match`. 409 for a published or superseded
/// revision: draft a new revision instead.
#[utoipa::path(
    tag = "supervision",
    params(
        ("id" = i64, Path, description = "Template id"),
        ("If-Match" = String, Header, description = "ETag of the version read"),
    ),
    request_body = TemplateInput,
    responses(
        (status = 200, description = "Updated", body = SupervisionTemplate),
        Problems<(Invalid, Forbidden, NotFound, Conflict, Stale, IfMatchMissing)>,
    )
)]
#[put("/supervision-templates/{id}")]
async fn update_template(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
    if_match: IfMatch,
    body: ValidJson<TemplateInput>,
) -> Result<HttpResponse, ApiError> {
    let (id, version, body) = (id.into_inner(), if_match.required()?, body.0);
    state
        .versioned(move |conn| service::update_template(conn, &by, id, version, &body))
        .await
}

/// Publish a draft (its keeper): visits may use it, and the code's previous revision is
/// superseded (its visits keep it).
#[utoipa::path(
    tag = "supervision",
    params(
        ("id" = i64, Path, description = "Template id"),
        ("If-Match" = Option<String>, Header, description = "ETag of the version read (optional)"),
    ),
    responses(
        (status = 200, description = "Published", body = SupervisionTemplate),
        Problems<(Forbidden, NotFound, Conflict, Stale)>,
    )
)]
#[post("/supervision-templates/{id}/publish")]
async fn publish_template(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    state
        .versioned(move |conn| service::publish_template(conn, &by, *id, if_match.0))
        .await
}

/// Draft the next revision of a published checklist, as a copy to edit (its keeper).
/// Accepts `Idempotency-Key`.
#[utoipa::path(
    tag = "supervision",
    params(
        ("id" = i64, Path, description = "Id of the published revision"),
        ("Idempotency-Key" = Option<String>, Header, description = "Retry-safe create"),
    ),
    responses(
        (status = 201, description = "The new draft revision", body = SupervisionTemplate),
        Problems<(Forbidden, NotFound, Conflict)>,
    )
)]
#[post("/supervision-templates/{id}/revisions")]
async fn revise_template(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
    key: IdempotencyKey,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    state
        .created("supervision-templates", move |conn| {
            service::revise_template(conn, &by, key.0.as_deref(), id)
        })
        .await
}

/// Supervision visits you may see (your facility's, those it runs, those of the
/// facilities you see), newest first, with their score and open and late actions.
#[utoipa::path(
    tag = "supervision",
    params(VisitQuery),
    responses(
        (status = 200, description = "A page of visits", body = Page<VisitSummary>),
        Problems<(BadQuery, Forbidden)>,
    )
)]
#[get("/supervision-visits")]
async fn list_visits(
    state: web::Data<AppState>,
    by: Principal,
    query: web::Query<VisitQuery>,
) -> Result<HttpResponse, ApiError> {
    state
        .json(move |conn| service::list_visits(conn, &by, &query))
        .await
}

/// The visits a query lists (all of them, not a page) as a workbook (XLSX): one row per
/// visit with its day, facility, checklist, status, score, result and open and late
/// corrective actions. `from`/`to` pick a period.
#[utoipa::path(
    tag = "supervision",
    params(VisitQuery),
    responses(
        (status = 200, description = "The workbook", body = String, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        Problems<(BadQuery, Forbidden)>,
    )
)]
#[get("/supervision-visits.xlsx")]
async fn visits_xlsx(
    state: web::Data<AppState>,
    by: Principal,
    query: web::Query<VisitQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let day = |day: Option<chrono::NaiveDate>| day.map(|d| d.to_string()).unwrap_or_default();
    let (from, to) = (day(query.from), day(query.to));
    let rows = state
        .db
        .run(move |conn| service::export_visits(conn, &by, &query))
        .await?;
    let period = match (from.is_empty(), to.is_empty()) {
        (true, true) => "Toàn bộ".to_string(),
        _ => format!("Từ {from} đến {to}"),
    };
    let name = match (from.is_empty(), to.is_empty()) {
        (true, true) => "giam-sat.xlsx".to_string(),
        _ => format!("giam-sat-{from}-{to}.xlsx"),
    };
    let bytes = crate::db::off_workers(move || super::export::visits_xlsx(&rows, &period))
        .await?
        .map_err(ApiError::internal)?;
    Ok(crate::http::attachment(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &name,
        bytes,
    ))
}

/// Schedule a visit to a facility yours supports, with a published checklist. Accepts
/// `Idempotency-Key`.
#[utoipa::path(
    tag = "supervision",
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe create")),
    request_body = VisitInput,
    responses(
        (status = 201, description = "Scheduled", body = Visit),
        Problems<(Invalid, Forbidden, KeyReused)>,
    )
)]
#[post("/supervision-visits")]
async fn create_visit(
    state: web::Data<AppState>,
    by: Principal,
    key: IdempotencyKey,
    body: ValidJson<VisitInput>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    state
        .created("supervision-visits", move |conn| {
            service::create_visit(conn, &by, key.0.as_deref(), &body)
        })
        .await
}

/// One visit: its checklist, answers, score and corrective actions. A visit you may not
/// know of answers 404.
#[utoipa::path(
    tag = "supervision",
    params(("id" = i64, Path, description = "Visit id")),
    responses(
        (status = 200, description = "The visit; ETag carries the version", body = Visit),
        Problems<(Forbidden, NotFound)>,
    )
)]
#[get("/supervision-visits/{id}")]
async fn get_visit(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    state
        .versioned(move |conn| service::get_visit(conn, &by, *id))
        .await
}

/// Reschedule a scheduled visit (the supervising facility). Needs `If-Match`.
#[utoipa::path(
    tag = "supervision",
    params(
        ("id" = i64, Path, description = "Visit id"),
        ("If-Match" = String, Header, description = "ETag of the version read"),
    ),
    request_body = VisitEditInput,
    responses(
        (status = 200, description = "Rescheduled", body = Visit),
        Problems<(Invalid, Forbidden, NotFound, Conflict, Stale, IfMatchMissing)>,
    )
)]
#[put("/supervision-visits/{id}")]
async fn reschedule_visit(
    req: HttpRequest,
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
    if_match: IfMatch,
    body: ValidJson<VisitEditInput>,
) -> Result<HttpResponse, ApiError> {
    let (id, version, body, lang) = (
        id.into_inner(),
        if_match.required()?,
        body.0,
        request_lang(&req),
    );
    state
        .versioned(move |conn| service::reschedule_visit(conn, &by, id, version, &body, lang))
        .await
}

/// Record the answer to one item of a visit in progress, with a note (the supervising
/// facility). Needs `If-Match` of the visit; answers the visit with its new score.
#[utoipa::path(
    tag = "supervision",
    params(
        ("id" = i64, Path, description = "Visit id"),
        ("item_code" = String, Path, description = "The item's code"),
        ("If-Match" = String, Header, description = "ETag of the visit as read"),
    ),
    request_body = AnswerInput,
    responses(
        (status = 200, description = "Recorded; the visit", body = Visit),
        Problems<(Invalid, Forbidden, NotFound, Conflict, Stale, IfMatchMissing)>,
    )
)]
#[put("/supervision-visits/{id}/answers/{item_code}")]
async fn record_answer(
    req: HttpRequest,
    state: web::Data<AppState>,
    by: Principal,
    path: web::Path<(i64, String)>,
    if_match: IfMatch,
    body: ValidJson<AnswerInput>,
) -> Result<HttpResponse, ApiError> {
    let ((id, item_code), version, body) = (path.into_inner(), if_match.required()?, body.0);
    let lang = request_lang(&req);
    state
        .versioned(move |conn| {
            service::record_answer(conn, &by, id, version, &item_code, &body, lang)
        })
        .await
}

/// Attach the photo of a finding to an answered item (the supervising facility): the
/// image itself as the body, `image/jpeg` or `image/png`, at most 4 MiB; replaces an
/// earlier photo of the item. `If-Match` of the visit optional.
#[utoipa::path(
    tag = "supervision",
    params(
        ("id" = i64, Path, description = "Visit id"),
        ("item_code" = String, Path, description = "The item's code"),
        ("If-Match" = Option<String>, Header, description = "ETag of the visit as read (optional)"),
    ),
    request_body(content(
        (Vec<u8> = "image/jpeg"),
        (Vec<u8> = "image/png"),
    )),
    responses(
        (status = 200, description = "Attached; the visit", body = Visit),
        Problems<(Forbidden, NotFound, Conflict, Stale, TooLarge)>,
    )
)]
#[put("/supervision-visits/{id}/answers/{item_code}/photo")]
async fn attach_photo(
    req: HttpRequest,
    state: web::Data<AppState>,
    by: Principal,
    path: web::Path<(i64, String)>,
    if_match: IfMatch,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let bytes = match payload.to_bytes_limited(PHOTO_LIMIT).await {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(error)) => {
            return Err(ApiError::bad_request(Message::UnreadableBody(
                error.to_string(),
            )));
        }
        Err(_) => {
            return Err(ApiError::new(
                ErrorCode::PayloadTooLarge,
                Message::BodyTooLarge(PHOTO_LIMIT),
            ));
        }
    };
    let declared = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(|value| {
            value
                .split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        });
    let (id, item_code) = path.into_inner();
    let lang = request_lang(&req);
    state
        .versioned(move |conn| {
            service::attach_photo(
                conn,
                &by,
                id,
                if_match.0,
                &item_code,
                declared.as_deref(),
                &bytes,
                lang,
            )
        })
        .await
}

/// Who may own a corrective action of this visit: the users of the visited facility who
/// answer actions.
#[utoipa::path(
    tag = "supervision",
    params(("id" = i64, Path, description = "Visit id")),
    responses(
        (status = 200, description = "The candidates, by name", body = Vec<ActionOwner>),
        Problems<(Forbidden, NotFound)>,
    )
)]
#[get("/supervision-visits/{id}/owners")]
async fn visit_owners(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    state
        .json(move |conn| service::action_owners(conn, &by, *id))
        .await
}

/// The photo of a finding (JPEG or PNG), to those who may read its visit.
#[utoipa::path(
    tag = "supervision",
    params(("id" = i64, Path, description = "Photo id")),
    responses(
        (status = 200, description = "The image", content(
            (Vec<u8> = "image/jpeg"),
            (Vec<u8> = "image/png"),
        )),
        Problems<(Forbidden, NotFound)>,
    )
)]
#[get("/supervision-photos/{id}")]
async fn get_photo(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (content_type, bytes) = state
        .db
        .run(move |conn| service::get_photo(conn, &by, *id))
        .await?;
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            actix_web::http::header::CACHE_CONTROL,
            "private, max-age=86400",
        ))
        .body(bytes))
}

async fn take_visit_step(
    req: &HttpRequest,
    state: web::Data<AppState>,
    by: Principal,
    id: i64,
    if_match: IfMatch,
    step: VisitStep,
) -> Result<HttpResponse, ApiError> {
    let lang = request_lang(req);
    let visit = state
        .db
        .run(move |conn| service::step_visit(conn, &by, id, if_match.0, &step, lang))
        .await?;
    Ok(ok_versioned(visit.version, &visit))
}

step_routes! {
    tag: "supervision", id: "Visit id", answer: Visit,
    problems: (Invalid, Forbidden, NotFound, Conflict, Stale), take: take_visit_step;
    /// Start a scheduled visit on site (the supervising facility).
    start_visit: "/supervision-visits/{id}/start", () => VisitStep::Start, "Started";
    /// Submit the score of a visit whose every item is answered (the supervising facility): total, per section, pass or fail are fixed.
    submit_visit: "/supervision-visits/{id}/submit", (input: SubmitInput) => VisitStep::Submit(input), "Scored";
    /// Close a scored visit (the supervising facility); its corrective actions live on.
    close_visit: "/supervision-visits/{id}/close", () => VisitStep::Close, "Closed";
    /// Cancel a visit not yet scored, with a reason (the supervising facility).
    cancel_visit: "/supervision-visits/{id}/cancel", (input: ReasonInput) => VisitStep::Cancel(input), "Cancelled";
}

/// Corrective actions you may see (your facility's and those it raised), newest first;
/// `overdue=true` lists the late ones.
#[utoipa::path(
    tag = "supervision",
    params(CorrectiveQuery),
    responses(
        (status = 200, description = "A page of corrective actions", body = Page<CorrectiveAction>),
        Problems<(BadQuery, Forbidden)>,
    )
)]
#[get("/corrective-actions")]
async fn list_actions(
    state: web::Data<AppState>,
    by: Principal,
    query: web::Query<CorrectiveQuery>,
) -> Result<HttpResponse, ApiError> {
    state
        .json(move |conn| service::list_actions(conn, &by, &query))
        .await
}

/// Raise a corrective action from a finding of a visit in progress or scored (the
/// supervising facility), owned by a user of the visited facility. Accepts
/// `Idempotency-Key`.
#[utoipa::path(
    tag = "supervision",
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe create")),
    request_body = CorrectiveInput,
    responses(
        (status = 201, description = "Raised", body = CorrectiveAction),
        Problems<(Invalid, Forbidden, Conflict, KeyReused)>,
    )
)]
#[post("/corrective-actions")]
async fn create_action(
    req: HttpRequest,
    state: web::Data<AppState>,
    by: Principal,
    key: IdempotencyKey,
    body: ValidJson<CorrectiveInput>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let lang = request_lang(&req);
    let action = state
        .db
        .run(move |conn| service::create_action(conn, &by, key.0.as_deref(), &body, lang))
        .await?;
    Ok(created(
        format!("/api/v1/corrective-actions/{}", action.id),
        Some(action.version),
        &action,
    ))
}

/// One corrective action.
#[utoipa::path(
    tag = "supervision",
    params(("id" = i64, Path, description = "Corrective action id")),
    responses(
        (status = 200, description = "The action; ETag carries the version", body = CorrectiveAction),
        Problems<(Forbidden, NotFound)>,
    )
)]
#[get("/corrective-actions/{id}")]
async fn get_action(
    state: web::Data<AppState>,
    by: Principal,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    state
        .versioned(move |conn| service::get_action(conn, &by, *id))
        .await
}

async fn take_action_step(
    req: &HttpRequest,
    state: web::Data<AppState>,
    by: Principal,
    id: i64,
    if_match: IfMatch,
    step: ActionStep,
) -> Result<HttpResponse, ApiError> {
    let lang = request_lang(req);
    let action = state
        .db
        .run(move |conn| service::step_action(conn, &by, id, if_match.0, &step, lang))
        .await?;
    Ok(ok_versioned(action.version, &action))
}

step_routes! {
    tag: "supervision", id: "Corrective action id", answer: CorrectiveAction,
    problems: (Invalid, Forbidden, NotFound, Conflict, Stale), take: take_action_step;
    /// Report what was done (the visited facility); again to amend the answer.
    answer_action: "/corrective-actions/{id}/answer", (input: CorrectiveAnswerInput) => ActionStep::Answer(input), "Answered";
    /// Close an action found corrected at a follow-up visit (the supervising facility).
    close_action: "/corrective-actions/{id}/close", (input: CorrectiveCloseInput) => ActionStep::Close(input), "Closed";
    /// Reopen an answered or closed action, with a reason (the supervising facility).
    reopen_action: "/corrective-actions/{id}/reopen", (input: ReasonInput) => ActionStep::Reopen(input), "Reopened";
}
