//! The API types of `/plans`, `/plan-activities`, `/evaluations` and
//! `/support-requests`: the plan as its document is written (seed 004: căn cứ, sections
//! I–V, nơi nhận, signer), its activities and indicators, indicator values and their
//! approval, evaluations, the periodic report and the stations' support requests.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use validator::{Validate, ValidationError};

use super::indicator::{Direction, IndicatorKind, TrafficLight};
use super::period::{Period, PlanPhase, period_format};
use super::state::{PlanAction, PlanStatus};
use crate::registry::FacilityRef;
use crate::validation;

labelled_enum! {
    /// What kind of support an activity is.
    pub enum ActivityKind {
        Rotation = "rotation", "Luân phiên nhân sự", "Staff rotation";
        Training = "training", "Đào tạo, tập huấn", "Training";
        TechniqueTransfer = "technique_transfer", "Chuyển giao kỹ thuật", "Technique transfer";
        Consultation = "consultation", "Hội chẩn", "Case conference";
        Telemedicine = "telemedicine", "Tư vấn khám, chữa bệnh từ xa", "Telemedicine";
        Supervision = "supervision", "Kiểm tra, giám sát", "Supervision";
        Other = "other", "Hoạt động khác", "Other";
    }
}

labelled_enum! {
    /// How far an activity has got.
    pub enum ActivityStatus {
        Planned = "planned", "Chưa triển khai", "Planned";
        InProgress = "in_progress", "Đang triển khai", "In progress";
        Done = "done", "Đã hoàn thành", "Done";
        Cancelled = "cancelled", "Đã hủy", "Cancelled";
    }
}

labelled_enum! {
    /// Where an indicator's values come from.
    pub enum IndicatorSource {
        Entered = "entered", "Trạm nhập số liệu", "Entered by the station";
        Computed = "computed", "Tự tính từ hệ thống", "Computed from the system";
    }
}

labelled_enum! {
    /// What a computed indicator counts, from the system's own data, per station and
    /// period.
    pub enum IndicatorMetric {
        RotationDays = "rotation_days", "Số ngày luân phiên đã thực hiện tại trạm", "Rotation days delivered at the station";
        ConsultationsHeld = "consultations_held", "Số ca hội chẩn đã có kết luận", "Consultation cases concluded";
        ReferralsUp = "referrals_up", "Số ca chuyển tuyến lên", "Referrals sent up";
        BackReferrals = "back_referrals", "Số ca chuyển về (chuyển tuyến ngược)", "Back-referrals received";
        ReferralsAvoided = "referrals_avoided", "Số ca tránh chuyển tuyến nhờ hội chẩn", "Referrals avoided by consultation";
        FollowUpsOnTime = "follow_ups_on_time", "Tỷ lệ theo dõi sau chuyển tuyến đúng hạn (%)", "Follow-ups completed on time (%)";
        ShareOfFacilities = "share_of_facilities", "Tỷ lệ cơ sở đạt điều kiện (%)", "Share of facilities meeting a condition (%)";
        CatalogueCoverage = "catalogue_coverage", "Tỷ lệ kỹ thuật trong danh mục của tuyến đang thực hiện (%)", "Share of the level's technique catalogue performed (%)";
        // Supervision and quality criteria: per facility; the share of facilities passing
        // a checklist is `share_of_facilities` over `supervision_passed` (target 1).
        SupervisionScore = "supervision_score", "Điểm giám sát chất lượng trung bình (%)", "Mean supervision score (%)";
        SupervisionPassed = "supervision_passed", "Đạt bảng kiểm ở đợt giám sát gần nhất (1: đạt, 0: không đạt)", "Passed the latest checklist (1 yes, 0 no)";
        OverdueCorrectiveActions = "overdue_corrective_actions", "Số việc khắc phục quá hạn chưa đóng", "Corrective actions past due and not closed";
        // Technique transfer: per receiving facility.
        TechniquesTransferred = "techniques_transferred", "Số kỹ thuật được chuyển giao và nghiệm thu", "Techniques transferred and signed off";
        TraineesRetained12Months = "trainees_retained_12_months", "Tỷ lệ học viên còn công tác sau 12 tháng kể từ nghiệm thu (%)", "Trainees retained 12 months after the sign-off (%)";
        TraineesRetained24Months = "trainees_retained_24_months", "Tỷ lệ học viên còn công tác sau 24 tháng kể từ nghiệm thu (%)", "Trainees retained 24 months after the sign-off (%)";
    }
}

impl IndicatorMetric {
    /// Whether the metric is one figure for the whole plan (a share of its facilities)
    /// rather than one per facility.
    pub fn is_network_wide(self) -> bool {
        self == IndicatorMetric::ShareOfFacilities
    }
}

labelled_enum! {
    /// Kind of an evaluation.
    pub enum EvaluationKind {
        MidYear = "mid_year", "Sơ kết 6 tháng", "Mid-year review";
        YearEnd = "year_end", "Tổng kết năm", "Year-end review";
    }
}

impl EvaluationKind {
    /// The period an evaluation of a year covers: the first half, or the year.
    pub fn period(self, year: i32) -> Period {
        match self {
            EvaluationKind::MidYear => Period::Half(year, 1),
            EvaluationKind::YearEnd => Period::Year(year),
        }
    }
}

labelled_enum! {
    /// Where an evaluation stands.
    pub enum EvaluationStatus {
        Draft = "draft", "Dự thảo", "Draft";
        Approved = "approved", "Đã phê duyệt", "Approved";
    }
}

labelled_enum! {
    /// How soon a station needs the support it asks for.
    pub enum SupportUrgency {
        Routine = "routine", "Bình thường", "Routine";
        Soon = "soon", "Trong tháng", "Within the month";
        Urgent = "urgent", "Khẩn", "Urgent";
    }
}

labelled_enum! {
    /// Where a support request stands.
    pub enum SupportRequestStatus {
        Open = "open", "Chờ xử lý", "Open";
        Accepted = "accepted", "Đã đưa vào kế hoạch", "Accepted into a plan";
        Declined = "declined", "Từ chối", "Declined";
    }
}

// ---------------------------------------------------------------------------------
// The plan document

/// A legal basis (căn cứ): "Quyết định số 1816/QĐ-BYT ngày 26/5/2008 của Bộ Y tế về …".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LegalBasis {
    /// Kind of instrument, e.g. "Quyết định", "Kế hoạch", "Thông tư".
    #[validate(
        length(min = 1, max = 100),
        custom(function = "crate::text::single_line")
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 100,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"
        )
    )]
    pub kind: String,
    /// Number and symbol, e.g. "1816/QĐ-BYT".
    #[validate(
        length(min = 1, max = 100),
        custom(function = "crate::text::single_line")
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 100,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"
        )
    )]
    pub number: String,
    /// Date of issue.
    #[serde(default)]
    pub issued_on: Option<NaiveDate>,
    /// Issuer, e.g. "Bộ Y tế".
    #[validate(
        length(min = 1, max = 200),
        custom(function = "crate::text::single_line")
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"
        )
    )]
    pub issuer: String,
    /// Subject ("về việc …").
    #[validate(
        length(min = 1, max = 1000),
        custom(function = "crate::text::single_line")
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 1000,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"
        )
    )]
    pub title: String,
}

/// A numbered section with its bullet points (e.g. II.2 "Nội dung hỗ trợ").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Section {
    /// Heading.
    #[validate(
        length(min = 1, max = 300),
        custom(function = "crate::text::single_line")
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 300,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"
        )
    )]
    pub heading: String,
    /// Bullet points.
    #[validate(length(max = 50), custom(function = "short_lines"))]
    #[cfg_attr(feature = "openapi", schema(max_items = 50))]
    pub items: Vec<String>,
}

/// A milestone of the roadmap (lộ trình): a period and what happens in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Milestone {
    /// Period, e.g. `2026-Q3`.
    #[validate(custom(function = "period_format"))]
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"^((20[0-9]{2}|2100)(-H[12]|-Q[1-4])?|P[1-9])$")
    )]
    pub period: String,
    /// What is done.
    #[validate(length(min = 1, max = 30), custom(function = "short_lines"))]
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 30))]
    pub items: Vec<String>,
}

/// A budget line (kinh phí).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BudgetLine {
    /// What it pays for.
    #[validate(
        length(min = 1, max = 500),
        custom(function = "crate::text::single_line")
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 500,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"
        )
    )]
    pub item: String,
    /// Amount in đồng, when known.
    #[serde(default)]
    #[validate(range(min = 0))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub amount_vnd: Option<i64>,
    /// Source, e.g. "Ngân sách nhà nước", "Theo quy định của pháp luật".
    #[validate(length(max = 300), custom(function = "crate::text::single_line"))]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 300, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$")
    )]
    #[serde(default)]
    pub source: String,
}

/// Who signs the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Signer {
    /// Position, e.g. "GIÁM ĐỐC".
    #[validate(length(max = 100), custom(function = "crate::text::single_line"))]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 100, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$")
    )]
    pub title: String,
    /// Full name.
    #[validate(length(max = 100), custom(function = "crate::text::single_line"))]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 100, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$")
    )]
    pub name: String,
}

/// The text of the plan as issued: what the official document (seed 004) says beyond
/// its activities and indicators.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanDocument {
    /// Governing body above the issuer, for the header (e.g. "SỞ Y TẾ TP. HỒ CHÍ MINH").
    #[validate(length(max = 200), custom(function = "crate::text::single_line"))]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 200, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$")
    )]
    #[serde(default)]
    pub governing_body: String,
    /// Place of issue, e.g. "Lái Thiêu".
    #[validate(length(max = 100), custom(function = "crate::text::single_line"))]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 100, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$")
    )]
    #[serde(default)]
    pub place: String,
    /// Number and symbol, e.g. "125/KH-TTYT" (given when issued).
    #[validate(length(max = 100), custom(function = "crate::text::single_line"))]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 100, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$")
    )]
    #[serde(default)]
    pub number: Option<String>,
    /// Date of issue.
    #[serde(default)]
    pub issued_on: Option<NaiveDate>,
    /// Legal bases (căn cứ), in order.
    #[validate(length(max = 30), nested)]
    #[cfg_attr(feature = "openapi", schema(max_items = 30))]
    #[serde(default)]
    pub legal_bases: Vec<LegalBasis>,
    /// The sentence after the căn cứ list.
    #[validate(length(max = 2000), custom(function = "crate::text::multi_line"))]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 2000,
            pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
        )
    )]
    #[serde(default)]
    pub preamble: String,
    /// I.1 Mục đích.
    #[validate(length(max = 30), custom(function = "short_lines"))]
    #[cfg_attr(feature = "openapi", schema(max_items = 30))]
    #[serde(default)]
    pub purposes: Vec<String>,
    /// I.2 Yêu cầu.
    #[validate(length(max = 30), custom(function = "short_lines"))]
    #[cfg_attr(feature = "openapi", schema(max_items = 30))]
    #[serde(default)]
    pub requirements: Vec<String>,
    /// II. Nội dung thực hiện (the activities follow in the plan's activity groups).
    #[validate(length(max = 30), nested)]
    #[cfg_attr(feature = "openapi", schema(max_items = 30))]
    #[serde(default)]
    pub contents: Vec<Section>,
    /// III. Tổ chức thực hiện: one section per unit.
    #[validate(length(max = 30), nested)]
    #[cfg_attr(feature = "openapi", schema(max_items = 30))]
    #[serde(default)]
    pub responsibilities: Vec<Section>,
    /// IV. Lộ trình thực hiện.
    #[validate(length(max = 40), nested)]
    #[cfg_attr(feature = "openapi", schema(max_items = 40))]
    #[serde(default)]
    pub roadmap: Vec<Milestone>,
    /// V. Kinh phí thực hiện.
    #[validate(length(max = 50), nested)]
    #[cfg_attr(feature = "openapi", schema(max_items = 50))]
    #[serde(default)]
    pub budget_lines: Vec<BudgetLine>,
    /// The closing paragraph.
    #[validate(length(max = 2000), custom(function = "crate::text::multi_line"))]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 2000,
            pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
        )
    )]
    #[serde(default)]
    pub closing: String,
    /// Nơi nhận.
    #[validate(length(max = 30), custom(function = "short_lines"))]
    #[cfg_attr(feature = "openapi", schema(max_items = 30))]
    #[serde(default)]
    pub recipients: Vec<String>,
    /// Signer.
    #[validate(nested)]
    #[serde(default)]
    pub signer: Signer,
}

fn short_lines(lines: &[String]) -> Result<(), ValidationError> {
    crate::text::single_lines(lines)?;
    if lines
        .iter()
        .all(|line| !line.trim().is_empty() && line.chars().count() <= 2000)
    {
        Ok(())
    } else {
        Err(ValidationError::new("lines"))
    }
}

// ---------------------------------------------------------------------------------
// Activities and indicators

/// An activity of a plan, as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[validate(schema(function = "activity_dates", skip_on_field_errors = false))]
pub struct ActivityInput {
    /// What is done.
    #[validate(
        length(max = 500),
        custom(function = "crate::text::single_line_not_blank")
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 500,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$",
            min_length = 1
        )
    )]
    pub title: String,
    /// Kind.
    pub kind: ActivityKind,
    /// Department of the issuing facility responsible for it.
    #[serde(default)]
    #[validate(range(min = 1))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub responsible_department_id: Option<i64>,
    /// Responsible unit in words, e.g. "Phòng Điều dưỡng".
    #[serde(default)]
    #[validate(length(max = 200), custom(function = "crate::text::single_line"))]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 200, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$")
    )]
    pub responsible_unit: String,
    /// Facilities it serves (a subset of the plan's supported facilities).
    #[serde(default)]
    #[validate(length(max = 200))]
    #[cfg_attr(feature = "openapi", schema(max_items = 200))]
    pub facility_ids: Vec<i64>,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day.
    pub end_date: NaiveDate,
    /// Details.
    #[serde(default)]
    #[validate(length(max = 4000), custom(function = "crate::text::multi_line"))]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 4000,
            pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
        )
    )]
    pub description: String,
}

fn activity_dates(input: &ActivityInput) -> Result<(), ValidationError> {
    if input.end_date < input.start_date {
        Err(validation::date_order_error("end_date"))
    } else {
        Ok(())
    }
}

/// A group of activities (nhóm hoạt động / nhóm nhiệm vụ).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityGroupInput {
    /// Title.
    #[validate(
        length(max = 300),
        custom(function = "crate::text::single_line_not_blank")
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 300,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$",
            min_length = 1
        )
    )]
    pub title: String,
    /// Activities.
    #[validate(length(max = 100), nested)]
    #[cfg_attr(feature = "openapi", schema(max_items = 100))]
    pub activities: Vec<ActivityInput>,
}

/// A target of an indicator for a facility (or every facility of the plan, or the
/// network as a whole) and a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TargetInput {
    /// The facility; none: every supported facility (or, for a network-wide indicator,
    /// the network).
    #[serde(default)]
    #[validate(range(min = 1))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub facility_id: Option<i64>,
    /// Period, e.g. `2026-Q2`, `2026`, `P2`.
    #[validate(custom(function = "period_format"))]
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"^((20[0-9]{2}|2100)(-H[12]|-Q[1-4])?|P[1-9])$")
    )]
    pub period: String,
    /// The target value (for yes/no: 1 = yes).
    #[validate(range(min = 0.0, max = 1e12))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0.0, maximum = 1000000000000.0))]
    pub value: f64,
}

/// An indicator (chỉ tiêu) of a plan, as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[validate(schema(function = "indicator_rules", skip_on_field_errors = false))]
pub struct IndicatorInput {
    /// Code, unique in the plan, e.g. "CT01".
    #[validate(custom(function = "validation::code_format"))]
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[A-Za-z0-9._-]{1,32}$"))]
    pub code: String,
    /// Name.
    #[validate(
        length(max = 500),
        custom(function = "crate::text::single_line_not_blank")
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 500,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$",
            min_length = 1
        )
    )]
    pub name: String,
    /// Unit, e.g. "ngày", "ca", "%".
    #[validate(length(max = 50), custom(function = "crate::text::single_line"))]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 50, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$")
    )]
    #[serde(default)]
    pub unit: String,
    /// Count, percentage or yes/no.
    pub kind: IndicatorKind,
    /// Which way is better.
    pub direction: Direction,
    /// Entered by stations, or computed from the system.
    pub source: IndicatorSource,
    /// What a computed indicator counts (needed when computed).
    #[serde(default)]
    pub metric: Option<IndicatorMetric>,
    /// For `share_of_facilities`: the indicator whose value decides whether a facility
    /// meets the condition.
    #[serde(default)]
    #[validate(length(max = 30), custom(function = "crate::text::single_line"))]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 30, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$")
    )]
    pub basis_code: Option<String>,
    /// For `share_of_facilities`: a facility meets the condition when its value of the
    /// basis indicator is at least this (1 for a yes/no indicator).
    #[serde(default)]
    pub threshold: Option<f64>,
    /// Targets.
    #[validate(length(max = 500), nested)]
    #[cfg_attr(feature = "openapi", schema(max_items = 500))]
    #[serde(default)]
    pub targets: Vec<TargetInput>,
}

fn indicator_rules(input: &IndicatorInput) -> Result<(), ValidationError> {
    let on = |code: &'static str, field: &'static str| {
        Err(validation::on_field(ValidationError::new(code), field))
    };
    match (input.source, input.metric) {
        (IndicatorSource::Computed, None) => return on("metric_required", "metric"),
        (IndicatorSource::Entered, Some(_)) => return on("metric_for_computed_only", "metric"),
        _ => {}
    }
    if input.metric == Some(IndicatorMetric::ShareOfFacilities) {
        if input
            .basis_code
            .as_deref()
            .is_none_or(|code| code.trim().is_empty())
        {
            return on("basis_required", "basis_code");
        }
        if input.threshold.is_none_or(|t| !t.is_finite()) {
            return on("threshold_required", "threshold");
        }
    }
    let mut seen = BTreeSet::new();
    if !input
        .targets
        .iter()
        .all(|target| seen.insert((target.facility_id, target.period.as_str())))
    {
        return on("duplicate_target", "targets");
    }
    Ok(())
}

/// Everything of a plan a planner writes: `POST /plans` (accepts `Idempotency-Key`) and
/// `PUT /plans/{id}` (a draft only, with `If-Match`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[validate(schema(function = "plan_rules", skip_on_field_errors = false))]
pub struct PlanInput {
    /// Code, e.g. "KH-HTCM-2026".
    #[validate(custom(function = "validation::code_format"))]
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[A-Za-z0-9._-]{1,32}$"))]
    pub code: String,
    /// Title, e.g. "Hỗ trợ chuyên môn trạm y tế phường trên địa bàn năm 2026".
    #[validate(
        length(max = 500),
        custom(function = "crate::text::single_line_not_blank")
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 500,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$",
            min_length = 1
        )
    )]
    pub title: String,
    /// The facility issuing the plan.
    #[validate(range(min = 1))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub issuing_facility_id: i64,
    /// A network plan is approved by the Department of Health, not the director.
    #[serde(default)]
    pub network: bool,
    /// First day of the plan.
    pub start_date: NaiveDate,
    /// Last day.
    pub end_date: NaiveDate,
    /// Phases of a multi-year plan.
    #[validate(length(max = 9), nested)]
    #[cfg_attr(feature = "openapi", schema(max_items = 9))]
    #[serde(default)]
    pub phases: Vec<PlanPhase>,
    /// The facilities supported (for whom targets and values are kept).
    #[validate(length(max = 500))]
    #[cfg_attr(feature = "openapi", schema(max_items = 500))]
    #[serde(default)]
    pub supported_facility_ids: Vec<i64>,
    /// The document's text.
    #[validate(nested)]
    #[serde(default)]
    pub document: PlanDocument,
    /// Activity groups → activities.
    #[validate(length(max = 30), nested)]
    #[cfg_attr(feature = "openapi", schema(max_items = 30))]
    #[serde(default)]
    pub activity_groups: Vec<ActivityGroupInput>,
    /// Indicators.
    #[validate(length(max = 100), nested)]
    #[cfg_attr(feature = "openapi", schema(max_items = 100))]
    #[serde(default)]
    pub indicators: Vec<IndicatorInput>,
}

fn plan_rules(input: &PlanInput) -> Result<(), ValidationError> {
    let on = |code: &'static str, field: &'static str| {
        Err(validation::on_field(ValidationError::new(code), field))
    };
    if input.end_date < input.start_date {
        return Err(validation::date_order_error("end_date"));
    }
    let mut facilities = BTreeSet::new();
    if !input
        .supported_facility_ids
        .iter()
        .all(|id| *id > 0 && facilities.insert(*id))
    {
        return on("duplicate", "supported_facility_ids");
    }
    let outside = input
        .activity_groups
        .iter()
        .flat_map(|group| &group.activities)
        .flat_map(|activity| &activity.facility_ids)
        .any(|id| !facilities.contains(id));
    if outside {
        return on("activity_facility_not_supported", "activity_groups");
    }
    let mut phases = BTreeSet::new();
    if !input
        .phases
        .iter()
        .all(|phase| phases.insert(phase.code.as_str()))
    {
        return on("duplicate", "phases");
    }
    let mut codes = BTreeSet::new();
    if !input
        .indicators
        .iter()
        .all(|indicator| codes.insert(indicator.code.as_str()))
    {
        return on("duplicate_code", "indicators");
    }
    for indicator in &input.indicators {
        if let Some(basis) = &indicator.basis_code {
            let base = input.indicators.iter().find(|other| &other.code == basis);
            if base.is_none_or(|base| {
                base.code == indicator.code
                    || base.metric == Some(IndicatorMetric::ShareOfFacilities)
            }) {
                return on("basis_unknown", "indicators");
            }
        }
        for target in &indicator.targets {
            if target
                .facility_id
                .is_some_and(|id| !facilities.contains(&id))
            {
                return on("target_facility_not_supported", "indicators");
            }
            if let Ok(Period::Phase(_)) = target.period.parse::<Period>()
                && !phases.contains(target.period.as_str())
            {
                return on("phase_unknown", "indicators");
            }
        }
    }
    Ok(())
}

/// An activity of a plan, with its progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Activity {
    /// Id (changes when a draft is saved or a new version made).
    pub id: i64,
    /// What is done.
    pub title: String,
    /// Kind.
    pub kind: ActivityKind,
    /// Responsible department.
    pub responsible_department_id: Option<i64>,
    /// Responsible unit in words.
    pub responsible_unit: String,
    /// Facilities served.
    pub facilities: Vec<FacilityRef>,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day.
    pub end_date: NaiveDate,
    /// Details.
    pub description: String,
    /// Progress.
    pub status: ActivityStatus,
    /// The last progress note.
    pub progress_note: Option<String>,
    /// When it was done.
    pub delivered_on: Option<NaiveDate>,
    /// The stations' ratings (1–5), one per facility.
    pub feedback: Vec<ActivityFeedback>,
    /// Row version (`If-Match` on progress).
    pub version: i64,
}

/// A group of activities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityGroup {
    /// Title.
    pub title: String,
    /// Activities.
    pub activities: Vec<Activity>,
}

/// An indicator of a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Indicator {
    /// Id.
    pub id: i64,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Unit.
    pub unit: String,
    /// Kind.
    pub kind: IndicatorKind,
    /// Direction.
    pub direction: Direction,
    /// Source.
    pub source: IndicatorSource,
    /// What a computed indicator counts.
    pub metric: Option<IndicatorMetric>,
    /// Basis of a share.
    pub basis_code: Option<String>,
    /// Threshold of a share.
    pub threshold: Option<f64>,
    /// Targets.
    pub targets: Vec<TargetInput>,
}

/// A plan in lists and in the version history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanSummary {
    /// Id of this version.
    pub id: i64,
    /// The same for every version of the plan.
    pub series_id: String,
    /// 1 for the first version.
    pub version_number: i32,
    /// Code.
    pub code: String,
    /// Title.
    pub title: String,
    /// Issuer.
    pub issuing_facility: FacilityRef,
    /// Approved by the Department of Health.
    pub network: bool,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day.
    pub end_date: NaiveDate,
    /// Status.
    pub status: PlanStatus,
    /// The version that replaced this one, once approved.
    pub superseded_by_id: Option<i64>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// A plan, as `GET /plans/{id}` returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Plan {
    /// Id of this version.
    pub id: i64,
    /// The same for every version.
    pub series_id: String,
    /// 1 for the first version.
    pub version_number: i32,
    /// The version this one revises.
    pub previous_version_id: Option<i64>,
    /// The version that replaced this one, once approved.
    pub superseded_by_id: Option<i64>,
    /// Code.
    pub code: String,
    /// Title.
    pub title: String,
    /// Issuer.
    pub issuing_facility: FacilityRef,
    /// Approved by the Department of Health.
    pub network: bool,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day.
    pub end_date: NaiveDate,
    /// Phases.
    pub phases: Vec<PlanPhase>,
    /// Supported facilities.
    pub supported_facilities: Vec<FacilityRef>,
    /// The document's text.
    pub document: PlanDocument,
    /// Activity groups.
    pub activity_groups: Vec<ActivityGroup>,
    /// Indicators.
    pub indicators: Vec<Indicator>,
    /// Status.
    pub status: PlanStatus,
    /// Why it was returned for changes, or why this version was made.
    pub status_reason: Option<String>,
    /// Submitted at.
    pub submitted_at: Option<DateTime<Utc>>,
    /// Approved at.
    pub approved_at: Option<DateTime<Utc>>,
    /// Approved by.
    pub approved_by: Option<String>,
    /// Written by.
    pub created_by: String,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Row version (ETag).
    pub version: i64,
    /// What the caller may do to it now: the buttons.
    pub allowed_actions: Vec<PlanAction>,
}

impl Plan {
    /// The plan as its author would write it again: the body of a `PUT`, and the base of
    /// a diff between versions.
    pub fn to_input(&self) -> PlanInput {
        PlanInput {
            code: self.code.clone(),
            title: self.title.clone(),
            issuing_facility_id: self.issuing_facility.id,
            network: self.network,
            start_date: self.start_date,
            end_date: self.end_date,
            phases: self.phases.clone(),
            supported_facility_ids: self.supported_facilities.iter().map(|f| f.id).collect(),
            document: self.document.clone(),
            activity_groups: self
                .activity_groups
                .iter()
                .map(|group| ActivityGroupInput {
                    title: group.title.clone(),
                    activities: group
                        .activities
                        .iter()
                        .map(|a| ActivityInput {
                            title: a.title.clone(),
                            kind: a.kind,
                            responsible_department_id: a.responsible_department_id,
                            responsible_unit: a.responsible_unit.clone(),
                            facility_ids: a.facilities.iter().map(|f| f.id).collect(),
                            start_date: a.start_date,
                            end_date: a.end_date,
                            description: a.description.clone(),
                        })
                        .collect(),
                })
                .collect(),
            indicators: self
                .indicators
                .iter()
                .map(|i| IndicatorInput {
                    code: i.code.clone(),
                    name: i.name.clone(),
                    unit: i.unit.clone(),
                    kind: i.kind,
                    direction: i.direction,
                    source: i.source,
                    metric: i.metric,
                    basis_code: i.basis_code.clone(),
                    threshold: i.threshold,
                    targets: i.targets.clone(),
                })
                .collect(),
        }
    }
}

/// Filters of `GET /plans`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct PlanQuery {
    /// Plans issued by this facility, or supporting it.
    pub facility_id: Option<i64>,
    /// Only in this status.
    pub status: Option<PlanStatus>,
    /// Also versions replaced by a later approved one.
    #[serde(default)]
    pub include_superseded: bool,
    /// Page size.
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<i64>,
    /// Cursor from the previous page.
    #[cfg_attr(feature = "openapi", param(pattern = r"^[0-9]{1,18}$"))]
    pub cursor: Option<String>,
}

/// A reason, for rejecting or revising a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanReasonInput {
    /// Why.
    #[validate(
        length(max = 2000),
        custom(function = "crate::text::multi_line_not_blank")
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 2000,
            pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$",
            min_length = 1
        )
    )]
    pub reason: String,
}

/// One difference between two versions of a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanChange {
    /// Section of the plan, e.g. "Chỉ tiêu".
    pub section: String,
    /// What changed in it, e.g. "CT01 – chỉ tiêu 2026-Q3, Trạm Y tế phường An Phú".
    pub item: String,
    /// The old text, absent when added.
    pub before: Option<String>,
    /// The new text, absent when removed.
    pub after: Option<String>,
}

/// `GET /plans/{id}/diff`: what a version changed against another (by default the one
/// it revises).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanDiff {
    /// The older version.
    pub from: PlanSummary,
    /// The newer version.
    pub to: PlanSummary,
    /// The differences, in document order.
    pub changes: Vec<PlanChange>,
}

/// Query of `GET /plans/{id}/diff`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct DiffQuery {
    /// Compare with this version of the same plan (default: the previous one).
    pub against: Option<i64>,
}

/// `POST /plan-activities/{id}/progress`: how far an activity has got.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityProgressInput {
    /// New progress.
    pub status: ActivityStatus,
    /// When it was done (for `done`; default today).
    #[serde(default)]
    pub delivered_on: Option<NaiveDate>,
    /// What happened.
    #[serde(default)]
    #[validate(length(max = 2000), custom(function = "crate::text::multi_line"))]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 2000,
            pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
        )
    )]
    pub note: Option<String>,
}

/// `POST /plan-activities/{id}/feedback`: a station rates the support it received.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityFeedbackInput {
    /// The rating facility (one of the activity's).
    #[validate(range(min = 1))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub facility_id: i64,
    /// 1 (poor) to 5 (excellent).
    #[validate(range(min = 1, max = 5))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    pub rating: i32,
    /// Comment.
    #[serde(default)]
    #[validate(length(max = 2000), custom(function = "crate::text::multi_line"))]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 2000,
            pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
        )
    )]
    pub comment: Option<String>,
}

/// A station's rating of an activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityFeedback {
    /// The rating facility.
    pub facility_id: i64,
    /// 1–5.
    pub rating: i32,
    /// Comment.
    pub comment: Option<String>,
    /// Who rated.
    pub rated_by: String,
    /// When.
    pub rated_at: DateTime<Utc>,
}

// ---------------------------------------------------------------------------------
// Indicator values, approval, evaluations

/// One value a station reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ValueInput {
    /// The indicator (an entered one).
    #[validate(
        length(min = 1, max = 30),
        custom(function = "crate::text::single_line")
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 30, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$")
    )]
    pub indicator_code: String,
    /// The value (for yes/no: 1 = yes, 0 = no; percentages 0–100).
    #[validate(range(min = 0.0, max = 1e12))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0.0, maximum = 1000000000000.0))]
    pub value: f64,
    /// Note, e.g. the source of the figure.
    #[serde(default)]
    #[validate(length(max = 1000), custom(function = "crate::text::multi_line"))]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 1000,
            pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
        )
    )]
    pub note: Option<String>,
}

/// `POST /plans/{id}/indicator-values`: a station's values for a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ValuesInput {
    /// The reporting facility.
    #[validate(range(min = 1))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub facility_id: i64,
    /// Period.
    #[validate(custom(function = "period_format"))]
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"^((20[0-9]{2}|2100)(-H[12]|-Q[1-4])?|P[1-9])$")
    )]
    pub period: String,
    /// Values.
    #[validate(length(min = 1, max = 100), nested)]
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 100))]
    pub values: Vec<ValueInput>,
}

/// `POST /plans/{id}/indicator-values/approve|unapprove`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PeriodApprovalInput {
    /// The facility whose values.
    #[validate(range(min = 1))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub facility_id: i64,
    /// Period.
    #[validate(custom(function = "period_format"))]
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"^((20[0-9]{2}|2100)(-H[12]|-Q[1-4])?|P[1-9])$")
    )]
    pub period: String,
    /// Why (required to un-approve).
    #[serde(default)]
    #[validate(length(max = 2000), custom(function = "crate::text::multi_line"))]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 2000,
            pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
        )
    )]
    pub reason: Option<String>,
}

/// Query of the indicator board and the report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct PeriodQuery {
    /// Period, e.g. `2026-Q1` (default: the quarter of today, within the plan).
    #[validate(custom(function = "period_format"))]
    #[cfg_attr(
        feature = "openapi",
        param(pattern = r"^((20[0-9]{2}|2100)(-H[12]|-Q[1-4])?|P[1-9])$")
    )]
    pub period: Option<String>,
    /// Only this facility.
    pub facility_id: Option<i64>,
}

/// One indicator for one facility (or the network) in a period: target against actual.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BoardRow {
    /// Indicator code.
    pub indicator_code: String,
    /// Indicator name.
    pub indicator_name: String,
    /// Unit.
    pub unit: String,
    /// Kind.
    pub kind: IndicatorKind,
    /// Which way is better (public): a lower-is-better target is a ceiling, met at or
    /// under it; readers show it next to the name.
    pub direction: Direction,
    /// Source.
    pub source: IndicatorSource,
    /// The facility; none for a network-wide indicator.
    pub facility: Option<FacilityRef>,
    /// Target for the period (a ceiling when lower is better).
    pub target: Option<f64>,
    /// Actual value (computed now, or entered, or as locked at approval): the raw figure
    /// shown beside the attainment.
    pub actual: Option<f64>,
    /// Attainment in percent, 0–100: 100 means met, never more (see
    /// [`crate::plan::attainment`]).
    #[cfg_attr(feature = "openapi", schema(minimum = 0.0, maximum = 100.0))]
    pub attainment: Option<f64>,
    /// Traffic light.
    pub light: Option<TrafficLight>,
    /// Whether the centre has approved this facility's values for the period.
    pub approved: bool,
    /// Who reported the value (entered ones).
    pub reported_by: Option<String>,
    /// When.
    pub reported_at: Option<DateTime<Utc>>,
    /// The note given with it.
    pub note: Option<String>,
}

/// The approval state of one facility's values for a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PeriodApproval {
    /// The facility.
    pub facility: FacilityRef,
    /// Approved (values locked).
    pub approved: bool,
    /// Who approved or un-approved last.
    pub by: Option<String>,
    /// When.
    pub at: Option<DateTime<Utc>>,
    /// Why it was un-approved.
    pub reason: Option<String>,
}

/// `GET /plans/{id}/indicator-board`: every indicator per facility for a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IndicatorBoard {
    /// The plan.
    pub plan_id: i64,
    /// Period.
    pub period: String,
    /// "Quý 1/2026".
    pub period_label: String,
    /// Rows, by indicator then facility.
    pub rows: Vec<BoardRow>,
    /// Approval per facility.
    pub approvals: Vec<PeriodApproval>,
}

/// Query of a value's history.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct ValueHistoryQuery {
    /// Indicator code.
    pub indicator_code: String,
    /// Facility.
    pub facility_id: i64,
    /// Period.
    #[validate(custom(function = "period_format"))]
    #[cfg_attr(
        feature = "openapi",
        param(pattern = r"^((20[0-9]{2}|2100)(-H[12]|-Q[1-4])?|P[1-9])$")
    )]
    pub period: String,
}

/// One entry in a value's history (every value ever reported is kept).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ValueEntry {
    /// Value.
    pub value: f64,
    /// Note.
    pub note: Option<String>,
    /// Reported by.
    pub reported_by: String,
    /// Reported at.
    pub reported_at: DateTime<Utc>,
}

/// `POST /plans/{id}/evaluations`: generate an evaluation from the data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvaluationCreate {
    /// Mid-year or year-end.
    pub kind: EvaluationKind,
    /// The year evaluated.
    #[validate(range(min = 2000, max = 2100))]
    #[cfg_attr(feature = "openapi", schema(minimum = 2000, maximum = 2100))]
    pub year: i32,
}

/// One line of an evaluation: an indicator for a facility.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvaluationRow {
    /// Indicator code.
    pub indicator_code: String,
    /// Indicator name.
    pub indicator_name: String,
    /// Unit.
    pub unit: String,
    /// Which way is better (public); evaluations generated before it was recorded read
    /// as higher-is-better.
    #[serde(default)]
    pub direction: Direction,
    /// The facility; none for a network-wide indicator.
    pub facility: Option<FacilityRef>,
    /// Target.
    pub target: Option<f64>,
    /// Actual, as generated.
    pub actual: Option<f64>,
    /// Attainment %, 0–100 (100 = met).
    pub attainment: Option<f64>,
    /// Traffic light.
    pub light: Option<TrafficLight>,
    /// Assessment in words.
    pub narrative: String,
    /// Adjustment proposed (e.g. a new target for the rest of the year).
    pub adjustment: String,
}

/// An evaluation (sơ kết / tổng kết).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Evaluation {
    /// Id.
    pub id: i64,
    /// The plan.
    pub plan_id: i64,
    /// Kind.
    pub kind: EvaluationKind,
    /// Period covered.
    pub period: String,
    /// "6 tháng đầu năm 2026".
    pub period_label: String,
    /// Status.
    pub status: EvaluationStatus,
    /// Overall assessment.
    pub summary: String,
    /// Lines.
    pub rows: Vec<EvaluationRow>,
    /// Generated by.
    pub created_by: String,
    /// Generated at.
    pub created_at: DateTime<Utc>,
    /// Approved by.
    pub approved_by: Option<String>,
    /// Approved at.
    pub approved_at: Option<DateTime<Utc>>,
    /// Row version (ETag).
    pub version: i64,
    /// Whether the caller may edit it.
    pub may_edit: bool,
    /// Whether the caller may approve it.
    pub may_approve: bool,
}

/// An edit of one evaluation line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvaluationRowEdit {
    /// Indicator code.
    #[validate(
        length(min = 1, max = 30),
        custom(function = "crate::text::single_line")
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 30, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$")
    )]
    pub indicator_code: String,
    /// The facility (none for a network-wide line).
    #[serde(default)]
    pub facility_id: Option<i64>,
    /// Assessment.
    #[validate(length(max = 4000), custom(function = "crate::text::multi_line"))]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 4000,
            pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
        )
    )]
    #[serde(default)]
    pub narrative: String,
    /// Adjustment.
    #[validate(length(max = 4000), custom(function = "crate::text::multi_line"))]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 4000,
            pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
        )
    )]
    #[serde(default)]
    pub adjustment: String,
}

/// `PUT /evaluations/{id}` (a draft, with `If-Match`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvaluationUpdate {
    /// Overall assessment.
    #[validate(length(max = 10000), custom(function = "crate::text::multi_line"))]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 10000,
            pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
        )
    )]
    #[serde(default)]
    pub summary: String,
    /// Lines to change (others stay).
    #[validate(length(max = 2000), nested)]
    #[cfg_attr(feature = "openapi", schema(max_items = 2000))]
    #[serde(default)]
    pub rows: Vec<EvaluationRowEdit>,
}

// ---------------------------------------------------------------------------------
// The periodic report

/// What happened at one station in the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StationFigures {
    /// The station.
    pub facility: FacilityRef,
    /// Rotation days delivered (done assignments).
    pub rotation_days: f64,
    /// Rotation assignments missed (absent).
    pub rotation_absences: i64,
    /// Consultation cases concluded.
    pub consultations_held: i64,
    /// Referrals sent up.
    pub referrals_up: i64,
    /// Back-referrals received.
    pub back_referrals: i64,
    /// Referrals avoided by consultation.
    pub referrals_avoided: i64,
    /// Follow-ups due in the period.
    pub follow_ups_due: i64,
    /// Of which completed on time.
    pub follow_ups_on_time: i64,
    /// Support activities done for it in the period.
    pub activities_done: i64,
}

/// An activity as the report lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportActivity {
    /// Group.
    pub group: String,
    /// Title.
    pub title: String,
    /// Kind.
    pub kind: ActivityKind,
    /// Responsible unit.
    pub responsible_unit: String,
    /// Facilities, by name.
    pub facilities: Vec<String>,
    /// Status.
    pub status: ActivityStatus,
    /// Done on.
    pub delivered_on: Option<NaiveDate>,
    /// Average rating by the stations.
    pub average_rating: Option<f64>,
}

/// `GET /plans/{id}/report`: the periodic report to the Department of Health.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanReport {
    /// The plan.
    pub plan: PlanSummary,
    /// Period.
    pub period: String,
    /// "Quý 1/2026".
    pub period_label: String,
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// Made at.
    pub generated_at: DateTime<Utc>,
    /// Activities that overlap the period.
    pub activities: Vec<ReportActivity>,
    /// Figures per station.
    pub stations: Vec<StationFigures>,
    /// Indicator attainment per station.
    pub indicators: Vec<BoardRow>,
}

// ---------------------------------------------------------------------------------
// Support requests

/// `POST /support-requests`: a station asks for support.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupportRequestInput {
    /// The asking station (the caller's own).
    #[validate(range(min = 1))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub station_id: i64,
    /// Topic, e.g. "Hướng dẫn quy trình tiêm truyền an toàn".
    #[validate(
        length(max = 300),
        custom(function = "crate::text::single_line_not_blank")
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 300,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$",
            min_length = 1
        )
    )]
    pub topic: String,
    /// Specialty code.
    #[serde(default)]
    #[validate(custom(function = "validation::specialty_code"))]
    pub specialty: Option<String>,
    /// How soon.
    pub urgency: SupportUrgency,
    /// Details.
    #[serde(default)]
    #[validate(length(max = 4000), custom(function = "crate::text::multi_line"))]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 4000,
            pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
        )
    )]
    pub details: String,
}

/// `POST /support-requests/{id}/accept`: into which plan activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupportAcceptInput {
    /// The activity that will deliver it.
    #[validate(range(min = 1))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub activity_id: i64,
}

/// A reference to an activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityRef {
    /// Id.
    pub id: i64,
    /// Its plan.
    pub plan_id: i64,
    /// Title.
    pub title: String,
}

/// A support request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupportRequest {
    /// Id.
    pub id: i64,
    /// The asking station.
    pub station: FacilityRef,
    /// Topic.
    pub topic: String,
    /// Specialty code.
    pub specialty: Option<String>,
    /// How soon.
    pub urgency: SupportUrgency,
    /// Details.
    pub details: String,
    /// Status.
    pub status: SupportRequestStatus,
    /// The activity it was accepted into.
    pub activity: Option<ActivityRef>,
    /// Why it was declined.
    pub decline_reason: Option<String>,
    /// Asked by.
    pub created_by: String,
    /// Asked at.
    pub created_at: DateTime<Utc>,
    /// Answered by.
    pub answered_by: Option<String>,
    /// Row version.
    pub version: i64,
}

/// Filters of `GET /support-requests`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct SupportRequestQuery {
    /// Only of this station.
    pub station_id: Option<i64>,
    /// Only in this status.
    pub status: Option<SupportRequestStatus>,
    /// Page size.
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<i64>,
    /// Cursor.
    #[cfg_attr(feature = "openapi", param(pattern = r"^[0-9]{1,18}$"))]
    pub cursor: Option<String>,
}
