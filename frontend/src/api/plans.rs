//! Support plans (kế hoạch hỗ trợ chuyên môn): the plans and their versions, the steps of
//! their approval, indicator values and their approval, evaluations, the periodic report,
//! the stations' ratings of activities, support requests, and the files the server
//! renders (the plan as DOCX, the report as XLSX).

use reqwest::Method;
use reqwest::header::CONTENT_DISPOSITION;
use shared::page::Page;
use shared::plan::{
    Activity, ActivityFeedbackInput, ActivityProgressInput, DiffQuery, Evaluation,
    EvaluationCreate, EvaluationUpdate, IndicatorBoard, PeriodApprovalInput, PeriodQuery, Plan,
    PlanAction, PlanDiff, PlanInput, PlanQuery, PlanReasonInput, PlanReport, PlanSummary,
    SupportAcceptInput, SupportRequest, SupportRequestInput, SupportRequestQuery, ValueEntry,
    ValueHistoryQuery, ValuesInput,
};
use shared::registry::import::ImportKind;

use super::{Api, ApiError, Auth, Write};

/// `GET /plans`.
pub async fn list(api: Api, query: &PlanQuery) -> Result<Page<PlanSummary>, ApiError> {
    api.get_json("/plans", |request| request.query(query)).await
}

/// `GET /plans/{id}`.
pub async fn get(api: Api, id: i64) -> Result<Plan, ApiError> {
    api.get_json(&format!("/plans/{id}"), |request| request)
        .await
}

/// `POST /plans`: a new draft. The same key with the same body gives back the plan a
/// lost answer already created.
pub async fn create(api: Api, input: &PlanInput, idempotency_key: &str) -> Result<Plan, ApiError> {
    api.post_json(
        "/plans",
        Write::json(input).idempotency_key(idempotency_key),
    )
    .await
}

/// `PUT /plans/{id}`: replaces a draft read at `version`.
pub async fn update(api: Api, id: i64, version: i64, input: &PlanInput) -> Result<Plan, ApiError> {
    api.put_json(
        &format!("/plans/{id}"),
        Write::json(input).if_match(version),
    )
    .await
}

/// One step of a plan's approval, with the body its endpoint takes.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// `POST /plans/{id}/submit`.
    Submit,
    /// `POST /plans/{id}/approve`.
    Approve,
    /// `POST /plans/{id}/reject`: back to draft, with the reason.
    Reject(PlanReasonInput),
    /// `POST /plans/{id}/activate`.
    Activate,
    /// `POST /plans/{id}/close`.
    Close,
    /// `POST /plans/{id}/revise`: a new draft version, with the reason.
    Revise(PlanReasonInput),
}

impl Step {
    /// The action this step takes.
    pub fn action(&self) -> PlanAction {
        match self {
            Step::Submit => PlanAction::Submit,
            Step::Approve => PlanAction::Approve,
            Step::Reject(_) => PlanAction::Reject,
            Step::Activate => PlanAction::Activate,
            Step::Close => PlanAction::Close,
            Step::Revise(_) => PlanAction::Revise,
        }
    }
}

/// `POST /plans/{id}/<step>` on the plan read at `version`. For `revise` the answer is
/// the new draft version.
pub async fn step(api: Api, id: i64, version: i64, step: &Step) -> Result<Plan, ApiError> {
    let path = format!("/plans/{id}/{}", step.action().as_str());
    let version = Some(version);
    match step {
        Step::Submit | Step::Approve | Step::Activate | Step::Close => {
            api.post_json(&path, Write::empty().if_match(version)).await
        }
        Step::Reject(body) | Step::Revise(body) => {
            api.post_json(&path, Write::json(body).if_match(version))
                .await
        }
    }
}

/// `GET /plans/{id}/versions`: every version of the plan, oldest first.
pub async fn versions(api: Api, id: i64) -> Result<Vec<PlanSummary>, ApiError> {
    api.get_json(&format!("/plans/{id}/versions"), |request| request)
        .await
}

/// `GET /plans/{id}/diff`: what the version changed against `against` (default: the
/// version it revises).
pub async fn diff(api: Api, id: i64, against: Option<i64>) -> Result<PlanDiff, ApiError> {
    let query = DiffQuery { against };
    api.get_json(&format!("/plans/{id}/diff"), |request| {
        request.query(&query)
    })
    .await
}

/// `GET /plans/{id}/indicator-board`: every indicator per facility for a period.
pub async fn board(api: Api, id: i64, query: &PeriodQuery) -> Result<IndicatorBoard, ApiError> {
    api.get_json(&format!("/plans/{id}/indicator-board"), |request| {
        request.query(query)
    })
    .await
}

/// `POST /plans/{id}/indicator-values`: a station's values for a period (409 once the
/// period is approved).
pub async fn submit_values(
    api: Api,
    id: i64,
    input: &ValuesInput,
) -> Result<IndicatorBoard, ApiError> {
    api.post_json(&format!("/plans/{id}/indicator-values"), Write::json(input))
        .await
}

/// `GET /plans/{id}/indicator-values/history`: every value reported, newest last.
pub async fn value_history(
    api: Api,
    id: i64,
    query: &ValueHistoryQuery,
) -> Result<Vec<ValueEntry>, ApiError> {
    api.get_json(
        &format!("/plans/{id}/indicator-values/history"),
        |request| request.query(query),
    )
    .await
}

/// Approving a facility's values for a period locks them; un-approving (with a reason)
/// opens them again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Approval {
    /// `POST /plans/{id}/indicator-values/approve`.
    Approve,
    /// `POST /plans/{id}/indicator-values/unapprove`.
    Unapprove,
}

/// `POST /plans/{id}/indicator-values/approve|unapprove`.
pub async fn approve_values(
    api: Api,
    id: i64,
    approval: Approval,
    input: &PeriodApprovalInput,
) -> Result<IndicatorBoard, ApiError> {
    let segment = match approval {
        Approval::Approve => "approve",
        Approval::Unapprove => "unapprove",
    };
    api.post_json(
        &format!("/plans/{id}/indicator-values/{segment}"),
        Write::json(input),
    )
    .await
}

/// `GET /plans/{id}/evaluations`.
pub async fn evaluations(api: Api, plan_id: i64) -> Result<Vec<Evaluation>, ApiError> {
    api.get_json(&format!("/plans/{plan_id}/evaluations"), |request| request)
        .await
}

/// `POST /plans/{id}/evaluations`: an evaluation generated from the data.
pub async fn create_evaluation(
    api: Api,
    plan_id: i64,
    input: &EvaluationCreate,
) -> Result<Evaluation, ApiError> {
    api.post_json(&format!("/plans/{plan_id}/evaluations"), Write::json(input))
        .await
}

/// `GET /evaluations/{id}`.
pub async fn evaluation(api: Api, id: i64) -> Result<Evaluation, ApiError> {
    api.get_json(&format!("/evaluations/{id}"), |request| request)
        .await
}

/// `PUT /evaluations/{id}`: a draft's summary and lines, read at `version`.
pub async fn update_evaluation(
    api: Api,
    id: i64,
    version: i64,
    input: &EvaluationUpdate,
) -> Result<Evaluation, ApiError> {
    api.put_json(
        &format!("/evaluations/{id}"),
        Write::json(input).if_match(version),
    )
    .await
}

/// `POST /evaluations/{id}/approve`, on the evaluation read at `version`.
pub async fn approve_evaluation(api: Api, id: i64, version: i64) -> Result<Evaluation, ApiError> {
    api.post_json(
        &format!("/evaluations/{id}/approve"),
        Write::empty().if_match(version),
    )
    .await
}

/// `GET /plans/{id}/report`: the report of a period (default: the current quarter).
pub async fn report(api: Api, id: i64, period: Option<String>) -> Result<PlanReport, ApiError> {
    let query = PeriodQuery {
        period,
        facility_id: None,
    };
    api.get_json(&format!("/plans/{id}/report"), |request| {
        request.query(&query)
    })
    .await
}

/// `POST /plan-activities/{id}/progress`, on the activity read at `version`.
pub async fn activity_progress(
    api: Api,
    id: i64,
    version: i64,
    input: &ActivityProgressInput,
) -> Result<Activity, ApiError> {
    api.post_json(
        &format!("/plan-activities/{id}/progress"),
        Write::json(input).if_match(version),
    )
    .await
}

/// `POST /plan-activities/{id}/feedback`: a station's rating of the support.
pub async fn activity_feedback(
    api: Api,
    id: i64,
    input: &ActivityFeedbackInput,
) -> Result<Activity, ApiError> {
    api.post_json(
        &format!("/plan-activities/{id}/feedback"),
        Write::json(input),
    )
    .await
}

/// `GET /support-requests`.
pub async fn support_requests(
    api: Api,
    query: &SupportRequestQuery,
) -> Result<Page<SupportRequest>, ApiError> {
    api.get_json("/support-requests", |request| request.query(query))
        .await
}

/// `POST /support-requests`: a station asks for support.
pub async fn create_support_request(
    api: Api,
    input: &SupportRequestInput,
    idempotency_key: &str,
) -> Result<SupportRequest, ApiError> {
    api.post_json(
        "/support-requests",
        Write::json(input).idempotency_key(idempotency_key),
    )
    .await
}

/// The answer to a support request.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// `POST /support-requests/{id}/accept`: into an activity of a plan.
    Accept(SupportAcceptInput),
    /// `POST /support-requests/{id}/decline`: with the reason.
    Decline(PlanReasonInput),
}

/// `POST /support-requests/{id}/accept|decline`, on the request read at `version`.
pub async fn answer_support_request(
    api: Api,
    id: i64,
    version: i64,
    answer: &Answer,
) -> Result<SupportRequest, ApiError> {
    let version = Some(version);
    match answer {
        Answer::Accept(body) => {
            let path = format!("/support-requests/{id}/accept");
            api.post_json(&path, Write::json(body).if_match(version))
                .await
        }
        Answer::Decline(body) => {
            let path = format!("/support-requests/{id}/decline");
            api.post_json(&path, Write::json(body).if_match(version))
                .await
        }
    }
}

/// A file the server rendered, as received.
#[derive(Debug, Clone, PartialEq)]
pub struct Download {
    /// The file's name: the server's (`Content-Disposition`) or the fallback asked for.
    pub file_name: String,
    /// Its media type.
    pub content_type: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// The files the server renders.
#[derive(Debug, Clone, PartialEq)]
pub enum FileKind {
    /// `GET /plans/{id}/document.docx`: the plan in the official layout.
    PlanDocx(i64),
    /// `GET /plans/{id}/report.xlsx?period=`: the periodic report.
    ReportXlsx(i64, Option<String>),
    /// `GET /registry/templates/{kind}.{format}`: an import template.
    RegistryTemplate(ImportKind, SheetFormat),
    /// `GET /registry/{kind}.{format}`: an export of the registry.
    RegistryExport(ImportKind, SheetFormat),
    /// `GET /audit-events.csv?filters`: the audit trail.
    AuditCsv(shared::audit::AuditQuery),
    /// `GET /supervision-visits.xlsx?filters`: a period's supervision visits.
    SupervisionVisits(shared::supervision::VisitQuery),
}

/// The formats of the registry's sheets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetFormat {
    /// Excel workbook.
    Xlsx,
    /// CSV in UTF-8.
    Csv,
}

impl SheetFormat {
    fn extension(self) -> &'static str {
        match self {
            SheetFormat::Xlsx => "xlsx",
            SheetFormat::Csv => "csv",
        }
    }
}

impl FileKind {
    fn path(&self) -> String {
        match self {
            FileKind::PlanDocx(id) => format!("/plans/{id}/document.docx"),
            FileKind::ReportXlsx(id, _) => format!("/plans/{id}/report.xlsx"),
            FileKind::RegistryTemplate(kind, format) => {
                format!(
                    "/registry/templates/{}.{}",
                    kind.as_str(),
                    format.extension()
                )
            }
            FileKind::RegistryExport(kind, format) => {
                format!("/registry/{}.{}", kind.as_str(), format.extension())
            }
            FileKind::AuditCsv(_) => "/audit-events.csv".to_string(),
            FileKind::SupervisionVisits(_) => "/supervision-visits.xlsx".to_string(),
        }
    }

    fn fallback_name(&self) -> String {
        match self {
            FileKind::PlanDocx(id) => format!("ke-hoach-{id}.docx"),
            FileKind::ReportXlsx(id, Some(period)) => format!("bao-cao-{id}-{period}.xlsx"),
            FileKind::ReportXlsx(id, None) => format!("bao-cao-{id}.xlsx"),
            FileKind::RegistryTemplate(kind, format) => {
                format!("mau-{}.{}", kind.file_stem(), format.extension())
            }
            FileKind::RegistryExport(kind, format) => {
                format!("{}.{}", kind.file_stem(), format.extension())
            }
            FileKind::AuditCsv(_) => "nhat-ky-he-thong.csv".to_string(),
            FileKind::SupervisionVisits(_) => "giam-sat.xlsx".to_string(),
        }
    }

    fn fallback_type(&self) -> &'static str {
        match self {
            FileKind::PlanDocx(_) => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            FileKind::ReportXlsx(..)
            | FileKind::SupervisionVisits(_)
            | FileKind::RegistryTemplate(_, SheetFormat::Xlsx)
            | FileKind::RegistryExport(_, SheetFormat::Xlsx) => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
            FileKind::RegistryTemplate(_, SheetFormat::Csv)
            | FileKind::RegistryExport(_, SheetFormat::Csv) => "text/csv",
            FileKind::AuditCsv(_) => "text/csv",
        }
    }
}

/// The file name a `Content-Disposition` value gives (`filename*=UTF-8''…` preferred,
/// then `filename="…"`).
fn disposition_name(value: &str) -> Option<String> {
    let parts = value.split(';').map(str::trim);
    let mut plain = None;
    for part in parts {
        if let Some(encoded) = part.strip_prefix("filename*=") {
            let encoded = encoded.trim_matches('"');
            let encoded = encoded.split_once("''").map_or(encoded, |(_, rest)| rest);
            if let Ok(name) = js_sys::decode_uri_component(encoded) {
                return Some(String::from(name)).filter(|name| !name.is_empty());
            }
        } else if let Some(name) = part.strip_prefix("filename=") {
            plain = Some(name.trim_matches('"').to_string()).filter(|name| !name.is_empty());
        }
    }
    plain
}

/// Fetches a rendered file with the session's token (a plain link could not carry it).
pub async fn download(api: Api, file: &FileKind) -> Result<Download, ApiError> {
    let query = match file {
        FileKind::ReportXlsx(_, period) => PeriodQuery {
            period: period.clone(),
            facility_id: None,
        },
        _ => PeriodQuery::default(),
    };
    let response = api
        .execute(
            Method::GET,
            &file.path(),
            Auth::Session,
            |request| match file {
                FileKind::AuditCsv(filters) => request.query(filters),
                FileKind::SupervisionVisits(filters) => request.query(filters),
                _ => request.query(&query),
            },
        )
        .await?;
    let header = |name| {
        response
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_string)
    };
    let file_name = header(CONTENT_DISPOSITION)
        .and_then(|value| disposition_name(&value))
        .unwrap_or_else(|| file.fallback_name());
    let content_type =
        header(reqwest::header::CONTENT_TYPE).unwrap_or_else(|| file.fallback_type().to_string());
    let bytes = response
        .bytes()
        .await
        .map_err(|error| ApiError::Network(error.to_string()))?;
    Ok(Download {
        file_name,
        content_type,
        bytes: bytes.to_vec(),
    })
}
