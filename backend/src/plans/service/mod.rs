//! Plan use cases: writing a plan and stepping it through `draft → submitted → approved →
//! active → closed` (the shared state machine decides, per side), new versions with their
//! diff, activities' progress and the stations' ratings, indicator values with their
//! approval per facility and period, the indicator board (computed indicators counted
//! from the data on every read), evaluations, the periodic report and support requests.
//! Every change is audited in its transaction.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde_json::json;
use shared::Lang;
use shared::error::ErrorCode;
use shared::message::{Message, Record};
use shared::page::{Page, clamp_limit};
use shared::plan::{
    self, Activity, ActivityFeedback, ActivityFeedbackInput, ActivityGroup, ActivityProgressInput,
    ActivityRef, ActivityStatus, BoardRow, Direction, EvaluationCreate, EvaluationStatus,
    EvaluationUpdate, Indicator, IndicatorBoard, IndicatorKind, IndicatorMetric, IndicatorSource,
    Period, PeriodApproval, PeriodApprovalInput, PeriodQuery, Plan, PlanAction, PlanDiff,
    PlanError, PlanInput, PlanPhase, PlanQuery, PlanReport, PlanSide, PlanStatus, PlanSummary,
    ReportActivity, StationFigures, SupportAcceptInput, SupportRequest, SupportRequestInput,
    SupportRequestQuery, SupportRequestStatus, TargetInput, TrafficLight, ValueEntry,
    ValueHistoryQuery, ValuesInput,
};
use shared::registry::FacilityRef;

use super::metrics::{self, Figures};
use super::repo::{
    self, ActivityRow, ApprovalRow, FeedbackRow, IndicatorRow, NewActivity, NewEvaluation,
    NewIndicator, NewPlan, NewSupport, PlanChanges, PlanRow, PlanStep, SupportRow, ValueRow,
};
use crate::audit;
use crate::auth::policy::allowed;
use crate::auth::{Action, Principal, authorize};
use crate::db::{AnyConn, DbEnum, from_json, json_text, now, parse_stored, utc, write_tx};
use crate::error::ApiError;
use crate::http::{page_of, parse_cursor};
use crate::registry::repo as registry_repo;

mod activities;
mod evaluations;
mod indicators;
mod report;
mod row;
mod support;
mod writing;
pub use activities::*;
pub use evaluations::*;
pub use indicators::*;
pub use report::*;
use row::*;
pub use support::*;
pub use writing::*;

fn plan_not_found() -> ApiError {
    ApiError::not_found(Record::Plan)
}

fn activity_not_found() -> ApiError {
    ApiError::not_found(Record::PlanActivity)
}

fn evaluation_not_found() -> ApiError {
    ApiError::not_found(Record::Evaluation)
}

fn support_not_found() -> ApiError {
    ApiError::not_found(Record::SupportRequest)
}

fn invalid_transition(detail: impl Into<Message>) -> ApiError {
    ApiError::new(ErrorCode::InvalidTransition, detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_facility_target_wins_over_the_target_for_everyone() {
        let targets = vec![
            TargetInput {
                facility_id: None,
                period: "2026-Q1".into(),
                value: 10.0,
            },
            TargetInput {
                facility_id: Some(7),
                period: "2026-Q1".into(),
                value: 4.0,
            },
        ];
        assert_eq!(target_for(&targets, Some(7), "2026-Q1"), Some(4.0));
        assert_eq!(target_for(&targets, Some(8), "2026-Q1"), Some(10.0));
        assert_eq!(target_for(&targets, None, "2026-Q1"), Some(10.0));
        assert_eq!(target_for(&targets, Some(7), "2026-Q2"), None);
    }

    #[test]
    fn narratives_say_what_the_numbers_say() {
        let row = BoardRow {
            indicator_code: "CT01".into(),
            indicator_name: "Ngày luân phiên".into(),
            unit: "ngày".into(),
            kind: IndicatorKind::Count,
            direction: Direction::HigherIsBetter,
            source: IndicatorSource::Computed,
            facility: None,
            target: Some(24.0),
            actual: Some(18.0),
            attainment: Some(75.0),
            light: Some(TrafficLight::Red),
            approved: false,
            reported_by: None,
            reported_at: None,
            note: None,
        };
        assert_eq!(narrative(&row), "Chưa đạt: đạt 75% chỉ tiêu.");
        let no_target = BoardRow {
            target: None,
            ..row.clone()
        };
        assert_eq!(narrative(&no_target), "Chưa giao chỉ tiêu cho kỳ này.");
        // Referrals up under a ceiling of 10: kept, said as such (not "1000%").
        let ceiling = |actual: f64, light: TrafficLight| BoardRow {
            direction: Direction::LowerIsBetter,
            target: Some(10.0),
            actual: Some(actual),
            attainment: shared::plan::attainment(
                IndicatorKind::Count,
                Direction::LowerIsBetter,
                10.0,
                actual,
            ),
            light: Some(light),
            ..row.clone()
        };
        assert_eq!(
            narrative(&ceiling(1.0, TrafficLight::Green)),
            "Đạt: 1, không vượt mức tối đa 10."
        );
        assert_eq!(
            narrative(&ceiling(12.0, TrafficLight::Amber)),
            "Gần đạt: 12, vượt mức tối đa 10."
        );
    }
}
