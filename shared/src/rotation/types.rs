//! Request and response bodies of `/rotation-plans`, `/rotation-demands`,
//! `/rotation-assignments`, the generator and the calendar feeds.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use validator::{Validate, ValidationError};

use super::calendar::{Span, Weekdays};
use super::rules::{Breach, Need, RuleSettings};
use super::state::{AssignmentAction, AssignmentStatus};
use crate::registry::{FacilityRef, Profession};
use crate::validation;

labelled_enum! {
    /// How a demand is to be covered.
    pub enum DemandPattern {
        Continuous = "continuous", "Luân phiên liên tục", "Continuous posting";
        Weekdays = "weekdays", "Theo ngày trong tuần", "On given weekdays";
    }
}

labelled_enum! {
    /// Where an assignment came from.
    pub enum AssignmentSource {
        Generated = "generated", "Tự động xếp lịch", "Generated";
        Manual = "manual", "Xếp tay", "Manual";
    }
}

labelled_enum! {
    /// State of a generator run: queued until a worker of some server takes it.
    pub enum GenerationStatus {
        Queued = "queued", "Đang chờ xếp lịch", "Queued";
        Running = "running", "Đang xếp lịch", "Running";
        Done = "done", "Hoàn tất", "Done";
        Cancelled = "cancelled", "Đã dừng", "Cancelled";
        Failed = "failed", "Lỗi", "Failed";
    }
}

impl GenerationStatus {
    /// Not ended yet (queued or running): progress still moves, a cancel still works.
    pub fn is_active(self) -> bool {
        matches!(self, GenerationStatus::Queued | GenerationStatus::Running)
    }
}

labelled_enum! {
    /// Whose calendar a feed publishes.
    pub enum FeedSubject {
        Staff = "staff", "Lịch cá nhân", "Personal calendar";
        Station = "station", "Lịch của trạm", "Station calendar";
    }
}

fn weekdays_rule(weekdays: &Weekdays) -> Result<(), ValidationError> {
    if weekdays.is_valid() {
        Ok(())
    } else {
        Err(ValidationError::new("weekdays"))
    }
}

/// A rotation plan: the demands of a period and the assignments that fill them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RotationPlan {
    /// Id.
    pub id: i64,
    /// The sending facility (the centre).
    pub facility: FacilityRef,
    /// Title, e.g. "Lịch luân phiên quý I/2026".
    pub title: String,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day (inclusive).
    pub end_date: NaiveDate,
    /// The limits the rules apply.
    pub settings: RuleSettings,
    /// When it was last published.
    pub published_at: Option<DateTime<Utc>>,
    /// Number of demands.
    pub demand_count: i64,
    /// Number of assignments per status.
    pub assignment_counts: Vec<StatusCount>,
    /// Whether the reader plans this plan's rotations: writes its demands and
    /// assignments, generates, publishes (the server's policy, for the buttons).
    #[serde(default)]
    pub may_plan: bool,
    /// Version for `If-Match`.
    pub version: i64,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Last changed at.
    pub updated_at: DateTime<Utc>,
}

/// A number of assignments in a status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusCount {
    /// Status.
    pub status: AssignmentStatus,
    /// How many.
    pub count: i64,
}

fn plan_rules(input: &RotationPlanInput) -> Result<(), ValidationError> {
    if input.end_date < input.start_date {
        return Err(validation::date_order_error("end_date"));
    }
    if (input.end_date - input.start_date).num_days() > 731 {
        return Err(validation::on_field(
            ValidationError::new("period_too_long"),
            "end_date",
        ));
    }
    Ok(())
}

/// Body to create (`POST /rotation-plans`) or change (`PUT /rotation-plans/{id}`) a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[validate(schema(function = "plan_rules", skip_on_field_errors = false))]
pub struct RotationPlanInput {
    /// The sending facility (cannot change after creation).
    pub facility_id: i64,
    /// Title.
    #[validate(
        length(max = 200),
        custom(function = "crate::text::single_line_not_blank")
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 200,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$",
            min_length = 1
        )
    )]
    pub title: String,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day (inclusive), at most two years after the first.
    pub end_date: NaiveDate,
    /// Limits (default: 20 % away at most, postings of at least 3 months).
    #[serde(default)]
    #[validate(nested)]
    pub settings: RuleSettings,
}

/// Filters of `GET /rotation-plans`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct RotationPlanQuery {
    /// Sending facility.
    pub facility_id: Option<i64>,
    /// Plans of the facilities that support this station (a station head finds the
    /// plans to propose demands in).
    pub station_id: Option<i64>,
    /// Plans covering this day.
    pub on: Option<NaiveDate>,
    /// Page size (1–200, default 50).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<i64>,
    /// Cursor from the previous page.
    #[cfg_attr(feature = "openapi", param(pattern = r"^[0-9]{1,18}$"))]
    pub cursor: Option<String>,
}

/// A station's need for people over a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RotationDemand {
    /// Id.
    pub id: i64,
    /// Plan.
    pub plan_id: i64,
    /// The station that needs the people.
    pub station: FacilityRef,
    /// Profession.
    pub profession: Profession,
    /// Specialty required in the scope of practice.
    pub specialty: Option<String>,
    /// How many people at once.
    pub count: i32,
    /// Continuous posting or given weekdays.
    pub pattern: DemandPattern,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day (inclusive).
    pub end_date: NaiveDate,
    /// Days of the week (a continuous posting covers its working days).
    pub weekdays: Weekdays,
    /// The plan activity it delivers, when there is one.
    pub plan_activity_id: Option<i64>,
    /// Note.
    pub note: Option<String>,
    /// Days still without anyone (count × days, minus the days assigned).
    pub unfilled_days: i64,
    /// Proposed by a station, accepted (the generator fills only these) or declined.
    pub status: super::DemandStatus,
    /// Who proposed it, when a station did (public).
    pub proposed_by: Option<String>,
    /// When it was proposed.
    pub proposed_at: Option<DateTime<Utc>>,
    /// Who accepted or declined the proposal.
    pub decided_by: Option<String>,
    /// Why it was declined (public).
    pub decline_reason: Option<String>,
    /// The steps the reader may take on it (`accept`, `decline`).
    pub allowed_actions: Vec<super::DemandAction>,
    /// Version for `If-Match`.
    pub version: i64,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Last changed at.
    pub updated_at: DateTime<Utc>,
}

impl RotationDemand {
    /// The span of days the demand covers.
    pub fn span(&self) -> Span {
        Span::new(self.start_date, self.end_date, self.weekdays)
    }

    /// What the demand asks of each person.
    pub fn need(&self) -> Need {
        Need {
            profession: self.profession,
            specialty: self.specialty.clone(),
            continuous: self.pattern == DemandPattern::Continuous,
        }
    }
}

fn demand_rules(input: &DemandInput) -> Result<(), ValidationError> {
    if input.end_date < input.start_date {
        return Err(validation::date_order_error("end_date"));
    }
    // No weekday at all is the field's own error; here: weekdays that miss the range.
    if input.weekdays.is_valid()
        && Span::new(input.start_date, input.end_date, input.weekdays).day_count() == 0
    {
        return Err(validation::on_field(
            ValidationError::new("no_days"),
            "weekdays",
        ));
    }
    Ok(())
}

/// Body to create (`POST /rotation-demands`) or change (`PUT /rotation-demands/{id}`) a
/// demand. A continuous posting shorter than the plan's minimum is accepted as a demand
/// but cannot be filled; the generator says so.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[validate(schema(function = "demand_rules", skip_on_field_errors = false))]
pub struct DemandInput {
    /// Plan (cannot change after creation).
    pub plan_id: i64,
    /// Station.
    pub station_id: i64,
    /// Profession.
    pub profession: Profession,
    /// Specialty required.
    #[serde(default)]
    #[validate(custom(function = "validation::specialty_code"))]
    pub specialty: Option<String>,
    /// How many people at once (1–20).
    #[validate(range(min = 1, max = 20))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 20))]
    pub count: i32,
    /// Pattern.
    pub pattern: DemandPattern,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day (inclusive).
    pub end_date: NaiveDate,
    /// Days of the week: bit 0 Monday … bit 6 Sunday (default Monday–Friday).
    #[serde(default = "working_days")]
    #[validate(custom(function = "weekdays_rule"))]
    pub weekdays: Weekdays,
    /// Plan activity delivered.
    #[serde(default)]
    pub plan_activity_id: Option<i64>,
    /// Note.
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

fn working_days() -> Weekdays {
    Weekdays::WORKING
}

/// Filters of `GET /rotation-demands`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct DemandQuery {
    /// Plan.
    pub plan_id: Option<i64>,
    /// Station (a station head reads the demands of their own station in every plan).
    pub station_id: Option<i64>,
    /// Only demands in this status.
    pub status: Option<super::DemandStatus>,
    /// Page size (1–200, default 50).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<i64>,
    /// Cursor from the previous page.
    #[cfg_attr(feature = "openapi", param(pattern = r"^[0-9]{1,18}$"))]
    pub cursor: Option<String>,
}

/// A short reference to a member of staff.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffRef {
    /// Id.
    pub id: i64,
    /// Full name.
    pub full_name: String,
    /// Profession.
    pub profession: Profession,
    /// Home facility.
    pub facility_id: i64,
}

/// The station's feedback on a visit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Feedback {
    /// 1 (poor) to 5 (excellent).
    pub rating: i32,
    /// Comment.
    pub comment: Option<String>,
    /// Who gave it.
    pub by: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// A recorded change of person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Swap {
    /// Who was assigned before.
    pub from: StaffRef,
    /// Who is assigned now.
    pub to: StaffRef,
    /// Why.
    pub reason: String,
    /// Who made the change.
    pub by: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// One person at one station over a span of days.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RotationAssignment {
    /// Id.
    pub id: i64,
    /// Plan.
    pub plan_id: i64,
    /// Demand it fills, if any.
    pub demand_id: Option<i64>,
    /// Who.
    pub staff: StaffRef,
    /// Where.
    pub station: FacilityRef,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day (inclusive).
    pub end_date: NaiveDate,
    /// Days of the week.
    pub weekdays: Weekdays,
    /// Number of days.
    pub day_count: i64,
    /// Status.
    pub status: AssignmentStatus,
    /// Generated or by hand.
    pub source: AssignmentSource,
    /// Changes of person.
    pub swaps: Vec<Swap>,
    /// The station's feedback after the visit.
    pub feedback: Option<Feedback>,
    /// Note from the station on attendance.
    pub attendance_note: Option<String>,
    /// What the caller may do now.
    pub allowed_actions: Vec<AssignmentAction>,
    /// Version for `If-Match`.
    pub version: i64,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Last changed at.
    pub updated_at: DateTime<Utc>,
}

impl RotationAssignment {
    /// The span of days.
    pub fn span(&self) -> Span {
        Span::new(self.start_date, self.end_date, self.weekdays)
    }
}

fn assignment_rules(input: &AssignmentInput) -> Result<(), ValidationError> {
    if input.end_date < input.start_date {
        return Err(validation::date_order_error("end_date"));
    }
    Ok(())
}

/// Body to create (`POST /rotation-assignments`, by hand) or change
/// (`PUT /rotation-assignments/{id}`) an assignment. Refused with the broken rules
/// (`rotation_rules_broken`) when it breaks any.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[validate(schema(function = "assignment_rules", skip_on_field_errors = false))]
pub struct AssignmentInput {
    /// Plan (cannot change after creation).
    pub plan_id: i64,
    /// Demand filled, if any (its profession, specialty and pattern apply).
    #[serde(default)]
    pub demand_id: Option<i64>,
    /// Who.
    pub staff_id: i64,
    /// Station.
    pub station_id: i64,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day (inclusive).
    pub end_date: NaiveDate,
    /// Days of the week (default Monday–Friday).
    #[serde(default = "working_days")]
    #[validate(custom(function = "weekdays_rule"))]
    pub weekdays: Weekdays,
}

/// Filters of `GET /rotation-assignments` (the calendar).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct AssignmentQuery {
    /// Plan.
    pub plan_id: Option<i64>,
    /// Station.
    pub station_id: Option<i64>,
    /// Member of staff.
    pub staff_id: Option<i64>,
    /// Only the caller's own assignments ("my rotations").
    pub mine: Option<bool>,
    /// Status.
    pub status: Option<AssignmentStatus>,
    /// Assignments ending on or after this day.
    pub from: Option<NaiveDate>,
    /// Assignments starting on or before this day.
    pub to: Option<NaiveDate>,
    /// Page size (1–200, default 50).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<i64>,
    /// Cursor from the previous page.
    #[cfg_attr(feature = "openapi", param(pattern = r"^[0-9]{1,18}$"))]
    pub cursor: Option<String>,
}

/// Body of `POST /rotation-assignments/{id}/swap`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SwapInput {
    /// The new person.
    pub staff_id: i64,
    /// Why.
    #[validate(
        length(max = 500),
        custom(function = "crate::text::multi_line_not_blank")
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 500,
            pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$",
            min_length = 1
        )
    )]
    pub reason: String,
}

/// Body of `POST /rotation-assignments/{id}/attend` and `/mark-absent`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttendanceInput {
    /// Note.
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

/// Body of `POST /rotation-assignments/confirm-month` ("Xác nhận cả tháng"): confirm
/// every published visit of the signed-in person starting in this month, today or later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConfirmMonthInput {
    /// Year.
    #[validate(range(min = 2000, max = 2100))]
    #[cfg_attr(feature = "openapi", schema(minimum = 2000, maximum = 2100))]
    pub year: i32,
    /// Month, 1–12.
    #[validate(range(min = 1, max = 12))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 12))]
    pub month: u32,
}

impl ConfirmMonthInput {
    /// The month of `day`.
    pub fn of(day: NaiveDate) -> Self {
        use chrono::Datelike;
        ConfirmMonthInput {
            year: day.year(),
            month: day.month(),
        }
    }

    /// The first and last day of the month, `None` outside the calendar.
    pub fn days(&self) -> Option<(NaiveDate, NaiveDate)> {
        let first = NaiveDate::from_ymd_opt(self.year, self.month, 1)?;
        let next = first.checked_add_months(chrono::Months::new(1))?;
        Some((first, next.pred_opt()?))
    }
}

/// Body of `POST /rotation-assignments/{id}/feedback`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeedbackInput {
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

/// Body of `POST /rotation-assignments/check`: the rules a would-be assignment breaks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckResult {
    /// Broken rules; empty when the assignment may be made.
    pub breaches: Vec<Breach>,
}

/// A member of staff's stated preferences: stations they would rather go to, weekdays
/// and months they would rather not be away (soft: see [`super::avoidance`]). Every field
/// is public (not patient or clinical data).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[validate(schema(function = "super::avoidance::avoidance_rules"))]
pub struct RotationPreferences {
    /// Stations the person would rather go to.
    #[validate(length(max = 50))]
    #[cfg_attr(feature = "openapi", schema(max_items = 50))]
    pub preferred_station_ids: Vec<i64>,
    /// Days of the week to avoid, as a demand's weekdays (bit 0 Monday … bit 6 Sunday;
    /// 0 = none). Never all five working days.
    #[serde(default)]
    pub avoided_weekdays: Weekdays,
    /// Months to avoid (1 = January … 12), each once, at most six.
    #[serde(default)]
    pub avoided_months: Vec<u8>,
}

/// Body of `POST /rotation-plans/{id}/generate`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GenerateInput {
    /// Seed: the same seed on the same data gives the same calendar (default 1).
    /// Stored as a signed 64-bit number, hence the bound.
    #[serde(default)]
    #[validate(range(max = 9_223_372_036_854_775_807u64))]
    pub seed: Option<u64>,
    /// Also re-plan published and confirmed assignments (with as few changes as
    /// possible); by default they are kept as they are.
    #[serde(default)]
    pub replan_published: bool,
}

/// How good a generated calendar is, goal by goal (lower is better everywhere).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScoreBreakdown {
    /// Days of demand left without anyone.
    pub unfilled_days: i64,
    /// Fair load: the sum over people of their rotation days squared.
    pub load_sum_of_squares: i64,
    /// Fewest and most rotation days of a person, per profession.
    pub load_by_profession: Vec<LoadSpread>,
    /// Continuity: how many times someone starts at a station they were not at the week
    /// before.
    pub stint_starts: i64,
    /// Travel: kilometres from home facility to station, summed over assignments' days.
    pub travel_km: i64,
    /// Stated preferences met (days at a preferred station).
    pub preferred_days: i64,
    /// Days given to people who asked to avoid them (a weekday or month).
    #[serde(default)]
    pub avoided_days: i64,
    /// Assignments changed from the calendar before this run.
    pub changes: i64,
    /// The weighted total the generator minimised.
    pub objective: i64,
}

/// Load spread of one profession.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoadSpread {
    /// Profession.
    pub profession: Profession,
    /// People of it who could take at least one of the demands.
    pub people: i64,
    /// Fewest days.
    pub min_days: i64,
    /// Most days.
    pub max_days: i64,
}

/// Why some candidates could not fill a demand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Exclusion {
    /// Rule code (a [`super::RotationRule`]).
    pub rule: super::RotationRule,
    /// The rule in words.
    pub label: String,
    /// How many people it excluded.
    pub people: i64,
    /// Some of their names.
    pub examples: Vec<String>,
}

/// A demand the generator could not fill completely, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnmetDemand {
    /// Demand.
    pub demand_id: i64,
    /// Station.
    pub station: FacilityRef,
    /// Profession.
    pub profession: Profession,
    /// Specialty.
    pub specialty: Option<String>,
    /// Days without anyone.
    pub unfilled_days: i64,
    /// First day without anyone.
    pub first_unfilled_day: Option<NaiveDate>,
    /// People of the profession considered.
    pub considered: i64,
    /// Why they were excluded, most frequent reason first.
    pub reasons: Vec<Exclusion>,
    /// One sentence for the planner.
    pub explanation: String,
}

/// The outcome of a generator run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GenerationResult {
    /// Assignments proposed by this run.
    pub proposed: i64,
    /// Published or confirmed assignments kept as they were.
    pub kept: i64,
    /// Score per goal.
    pub score: ScoreBreakdown,
    /// Demands not fully met, with the reasons.
    pub unmet: Vec<UnmetDemand>,
    /// People placed on weekdays or months they asked to avoid, because no one else could
    /// take those days.
    #[serde(default)]
    pub avoidances_broken: Vec<super::avoidance::AvoidanceBroken>,
    /// Solver time in milliseconds.
    pub solve_ms: i64,
}

/// A generator run: progress while it runs, the result when done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Generation {
    /// Id.
    pub id: i64,
    /// Plan.
    pub plan_id: i64,
    /// State.
    pub status: GenerationStatus,
    /// 0 to 100.
    pub progress: i32,
    /// Seed used.
    pub seed: i64,
    /// Whether published work could change.
    pub replan_published: bool,
    /// Result, once done.
    pub result: Option<GenerationResult>,
    /// Error, when failed.
    pub error: Option<String>,
    /// Who started it.
    pub started_by: String,
    /// Started at.
    pub started_at: DateTime<Utc>,
    /// Finished at.
    pub finished_at: Option<DateTime<Utc>>,
}

/// Body of `POST /calendar-feeds`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeedInput {
    /// Whose calendar.
    pub subject: FeedSubject,
    /// Staff id or station (facility) id.
    pub subject_id: i64,
}

/// A calendar subscription address. The secret is shown once; asking again replaces it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarFeed {
    /// Whose calendar.
    pub subject: FeedSubject,
    /// Staff or station id.
    pub subject_id: i64,
    /// Path to subscribe to (append to the server's address), e.g.
    /// `/api/v1/calendar-feeds/…/calendar.ics`.
    pub path: String,
}

#[cfg(test)]
mod tests {
    use validator::Validate;

    use super::*;
    use crate::Lang;
    use crate::validation::field_messages;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    fn demand() -> DemandInput {
        DemandInput {
            plan_id: 1,
            station_id: 2,
            profession: Profession::Doctor,
            specialty: Some("noi_khoa".into()),
            count: 1,
            pattern: DemandPattern::Weekdays,
            start_date: d(2026, 4, 1),
            end_date: d(2026, 6, 30),
            weekdays: Weekdays(0b10),
            plan_activity_id: None,
            note: None,
        }
    }

    fn messages(input: &impl Validate) -> std::collections::BTreeMap<String, Vec<String>> {
        input
            .validate()
            .map(|_| Default::default())
            .unwrap_or_else(|errors| field_messages(&errors, Lang::Vi))
    }

    #[test]
    fn a_demand_needs_days_in_its_range() {
        assert!(messages(&demand()).is_empty());
        let mut none = demand();
        none.weekdays = Weekdays(0);
        assert_eq!(
            messages(&none)["weekdays"],
            vec!["Chọn ít nhất một ngày trong tuần".to_string()]
        );
        // A Tuesday demand over a Wednesday-to-Monday week has no day.
        let mut empty = demand();
        empty.start_date = d(2026, 4, 1);
        empty.end_date = d(2026, 4, 6);
        assert!(messages(&empty)["weekdays"][0].starts_with("Không có ngày nào"));
        let mut count = demand();
        count.count = 0;
        assert!(messages(&count).contains_key("count"));
    }

    #[test]
    fn a_plan_runs_forwards_for_at_most_two_years() {
        let plan = RotationPlanInput {
            facility_id: 1,
            title: "Quý II".into(),
            start_date: d(2026, 4, 1),
            end_date: d(2026, 6, 30),
            settings: RuleSettings::default(),
        };
        assert!(messages(&plan).is_empty());
        let backwards = RotationPlanInput {
            end_date: d(2026, 3, 1),
            ..plan.clone()
        };
        assert!(messages(&backwards).contains_key("end_date"));
        let long = RotationPlanInput {
            end_date: d(2029, 1, 1),
            ..plan
        };
        assert_eq!(
            messages(&long)["end_date"],
            vec!["Kỳ lập lịch dài tối đa hai năm".to_string()]
        );
    }
}
