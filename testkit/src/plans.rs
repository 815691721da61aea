//! Support plans (kế hoạch hỗ trợ chuyên môn): versions and their diff, indicator values and
//! their approval, evaluations, the report and the Word and Excel files, activities, and
//! stations' requests for support.

use serde_json::Value;
use shared::plan::{
    Activity, Evaluation, EvaluationCreate, EvaluationUpdate, IndicatorBoard, PeriodApprovalInput,
    Plan, PlanDiff, PlanInput, PlanReport, PlanSummary, SupportRequest, SupportRequestInput,
    ValueEntry, ValuesInput,
};

use crate::client::with_query;
use crate::{Answer, Client, Resource};

impl Client {
    /// Annual plans, their approval and their indicators.
    pub fn plans(&self) -> Resource<'_, Plan, PlanInput, PlanSummary> {
        Resource::new(self, "plans")
    }

    /// Activities of plans (progress and feedback).
    pub fn plan_activities(&self) -> Resource<'_, Activity, Value> {
        Resource::new(self, "plan-activities")
    }

    /// Evaluations of plans (created under a plan: [`Resource::create_evaluation`]).
    pub fn evaluations(&self) -> Resource<'_, Evaluation, EvaluationUpdate> {
        Resource::new(self, "evaluations")
    }

    /// Stations' requests for support.
    pub fn support_requests(&self) -> Resource<'_, SupportRequest, SupportRequestInput> {
        Resource::new(self, "support-requests")
    }
}

/// The paths under one plan version, `/plans/{id}/…`.
impl Resource<'_, Plan, PlanInput, PlanSummary> {
    /// `GET /plans/{id}/versions`: every version of the plan's series.
    pub async fn versions(&self, id: i64) -> Answer<Vec<PlanSummary>> {
        self.sub(id, "versions").await
    }

    /// `GET /plans/{id}/diff`: what this version changed from the one it revises.
    pub async fn diff(&self, id: i64) -> Answer<PlanDiff> {
        self.sub(id, "diff").await
    }

    /// `GET /plans/{id}/indicator-board?period=…`.
    pub async fn board(&self, id: i64, period: &str) -> Answer<IndicatorBoard> {
        self.sub(id, &format!("indicator-board?period={period}"))
            .await
    }

    /// `POST /plans/{id}/indicator-values`: a station's figures; answers its board.
    pub async fn enter_values(&self, id: i64, values: &ValuesInput) -> Answer<IndicatorBoard> {
        self.sub_post(id, "indicator-values", values).await
    }

    /// `POST /plans/{id}/indicator-values/{decision}` with `approve` or `unapprove`.
    pub async fn decide_values(
        &self,
        id: i64,
        decision: &str,
        input: &PeriodApprovalInput,
    ) -> Answer<IndicatorBoard> {
        self.sub_post(id, &format!("indicator-values/{decision}"), input)
            .await
    }

    /// `GET /plans/{id}/indicator-values/history?query`: every value reported, oldest first.
    pub async fn value_history(&self, id: i64, query: &str) -> Answer<Vec<ValueEntry>> {
        self.sub(id, &with_query("indicator-values/history", query))
            .await
    }

    /// `GET /plans/{id}/evaluations`.
    pub async fn evaluations(&self, id: i64) -> Answer<Vec<Evaluation>> {
        self.sub(id, "evaluations").await
    }

    /// `POST /plans/{id}/evaluations`: generates one from the data.
    pub async fn create_evaluation(&self, id: i64, input: &EvaluationCreate) -> Answer<Evaluation> {
        self.sub_post(id, "evaluations", input).await
    }

    /// `GET /plans/{id}/report?period=…`.
    pub async fn report(&self, id: i64, period: &str) -> Answer<PlanReport> {
        self.sub(id, &format!("report?period={period}")).await
    }

    /// `GET /plans/{id}/report.xlsx?period=…`: the workbook ([`Answer::bytes`]).
    pub async fn report_xlsx(&self, id: i64, period: &str) -> Answer<()> {
        self.sub(id, &format!("report.xlsx?period={period}")).await
    }

    /// `GET /plans/{id}/document.docx`: the plan's Word file ([`Answer::bytes`]).
    pub async fn document_docx(&self, id: i64) -> Answer<()> {
        self.sub(id, "document.docx").await
    }
}
