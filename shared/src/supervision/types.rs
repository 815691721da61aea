//! The request and response bodies of `/supervision-templates`, `/supervision-visits`,
//! `/supervision-photos` and `/corrective-actions`.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use validator::{Validate, ValidationError};

use super::{CorrectiveStatus, CorrectiveStep, Score, VisitAction, VisitStatus};
use crate::registry::FacilityRef;
use crate::validation;

/// The most sections a checklist may have.
pub const MAX_SECTIONS: usize = 20;
/// The most items one section may have.
pub const MAX_ITEMS_PER_SECTION: usize = 60;
/// The highest maximum of a points item (a 0–N scale).
pub const MAX_POINTS: i32 = 10;
/// The highest weight of an item.
pub const MAX_WEIGHT: i32 = 10;
/// The largest photo accepted for a finding, in bytes (a phone picture, resized or not).
pub const PHOTO_LIMIT: usize = 4 * 1024 * 1024;

labelled_enum! {
    /// What a checklist is about.
    pub enum SupervisionArea {
        InfectionControl = "infection_control", "Kiểm soát nhiễm khuẩn", "Infection control";
        HandHygiene = "hand_hygiene", "Vệ sinh tay", "Hand hygiene";
        MedicalWaste = "medical_waste", "Quản lý chất thải y tế", "Medical waste";
        InfusionSafety = "infusion_safety", "An toàn tiêm truyền", "Infusion safety";
        SocialProtectionCare = "social_protection_care", "Chăm sóc sức khỏe tại cơ sở bảo trợ xã hội", "Care in social-protection centres";
        Other = "other", "Khác", "Other";
    }
}

labelled_enum! {
    /// How an item is answered.
    pub enum AnswerScale {
        YesNo = "yes_no", "Đạt / Không đạt", "Yes / no";
        YesPartlyNo = "yes_partly_no", "Đạt / Đạt một phần / Không đạt", "Yes / partly / no";
        Points = "points", "Chấm điểm 0–N", "Points 0–N";
    }
}

labelled_enum! {
    /// An answer on the yes/no scales, or "not applicable" on any scale.
    pub enum Choice {
        Yes = "yes", "Đạt", "Yes";
        Partly = "partly", "Đạt một phần", "Partly";
        No = "no", "Không đạt", "No";
        NotApplicable = "not_applicable", "Không áp dụng", "Not applicable";
    }
}

labelled_enum! {
    /// Where a checklist template stands. A published template is never edited: a new
    /// revision is drafted from it, and publishing that revision retires it.
    pub enum TemplateStatus {
        Draft = "draft", "Bản nháp", "Draft";
        Published = "published", "Đang áp dụng", "Published";
        Retired = "retired", "Đã thay thế", "Superseded";
    }
}

fn item_rules(item: &ChecklistItem) -> Result<(), ValidationError> {
    let fits = match item.scale {
        AnswerScale::Points => item
            .max_points
            .is_some_and(|max| (1..=MAX_POINTS).contains(&max)),
        AnswerScale::YesNo | AnswerScale::YesPartlyNo => item.max_points.is_none(),
    };
    if fits {
        Ok(())
    } else {
        let mut error = ValidationError::new("range");
        error.add_param("min".into(), &1);
        error.add_param("max".into(), &MAX_POINTS);
        Err(validation::on_field(error, "max_points"))
    }
}

/// One scored item of a checklist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[validate(schema(function = "item_rules", skip_on_field_errors = false))]
pub struct ChecklistItem {
    /// Code, unique in the template (answers refer to it), e.g. `KSNK-1.2`.
    #[validate(custom(function = "validation::code_format"))]
    #[cfg_attr(feature = "openapi", schema(max_length = 32))]
    pub code: String,
    /// What is checked, e.g. "Có đủ dung dịch sát khuẩn tay nhanh tại buồng tiêm".
    #[validate(
        length(max = 500),
        custom(function = "crate::text::single_line_not_blank")
    )]
    #[cfg_attr(feature = "openapi", schema(max_length = 500, min_length = 1))]
    pub text: String,
    /// How it is answered.
    pub scale: AnswerScale,
    /// The top of a points scale (1–10); none for the yes/no scales.
    #[serde(default)]
    pub max_points: Option<i32>,
    /// Weight in the score (1–10).
    #[validate(range(min = 1, max = 10))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 10))]
    pub weight: i32,
    /// A critical item fails the visit unless fully met, whatever the total.
    #[serde(default)]
    pub critical: bool,
    /// How to check it (what the supervisor looks at, asks, counts).
    #[serde(default)]
    #[validate(length(max = 1000), custom(function = "crate::text::multi_line"))]
    #[cfg_attr(feature = "openapi", schema(max_length = 1000))]
    pub guidance: Option<String>,
}

/// A section of a checklist: a titled group of items.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChecklistSection {
    /// Code, unique in the template, e.g. `KSNK-1`.
    #[validate(custom(function = "validation::code_format"))]
    #[cfg_attr(feature = "openapi", schema(max_length = 32))]
    pub code: String,
    /// Title, e.g. "Vệ sinh tay".
    #[validate(
        length(max = 200),
        custom(function = "crate::text::single_line_not_blank")
    )]
    #[cfg_attr(feature = "openapi", schema(max_length = 200, min_length = 1))]
    pub title: String,
    /// Its items, in order (1–60).
    #[validate(length(min = 1, max = 60), nested)]
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 60))]
    pub items: Vec<ChecklistItem>,
}

/// Every section and item code appears once in a checklist.
fn distinct_codes(sections: &[ChecklistSection]) -> Result<(), ValidationError> {
    let mut seen = BTreeSet::new();
    let unique = sections.iter().all(|section| {
        seen.insert(section.code.as_str())
            && section
                .items
                .iter()
                .all(|item| seen.insert(item.code.as_str()))
    });
    if unique {
        Ok(())
    } else {
        Err(ValidationError::new("duplicate"))
    }
}

/// Body to create a checklist template (`POST /supervision-templates`, accepts
/// `Idempotency-Key`) or edit a draft (`PUT /supervision-templates/{id}` with
/// `If-Match`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TemplateInput {
    /// Code shared by every revision, e.g. `KSNK-TYT`.
    #[validate(custom(function = "validation::code_format"))]
    #[cfg_attr(feature = "openapi", schema(max_length = 32))]
    pub code: String,
    /// Title, e.g. "Bảng kiểm giám sát kiểm soát nhiễm khuẩn tại trạm y tế".
    #[validate(
        length(max = 200),
        custom(function = "crate::text::single_line_not_blank")
    )]
    #[cfg_attr(feature = "openapi", schema(max_length = 200, min_length = 1))]
    pub title: String,
    /// What it is about.
    pub area: SupervisionArea,
    /// Purpose, legal basis, how to use it.
    #[serde(default)]
    #[validate(length(max = 2000), custom(function = "crate::text::multi_line"))]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub description: Option<String>,
    /// The total, in percent, a visit must reach to pass (1–100).
    #[validate(range(min = 1, max = 100))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100))]
    pub pass_threshold: i32,
    /// The sections, in order (1–20); section and item codes are unique together.
    #[validate(length(min = 1, max = 20), nested, custom(function = "distinct_codes"))]
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 20))]
    pub sections: Vec<ChecklistSection>,
}

impl TemplateInput {
    /// The item with `code`.
    pub fn item(&self, code: &str) -> Option<&ChecklistItem> {
        find_item(&self.sections, code)
    }
}

/// The item with `code` in `sections`.
pub fn find_item<'a>(sections: &'a [ChecklistSection], code: &str) -> Option<&'a ChecklistItem> {
    sections
        .iter()
        .flat_map(|section| section.items.iter())
        .find(|item| item.code == code)
}

/// A checklist template as `GET /supervision-templates/{id}` returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupervisionTemplate {
    /// Id of this revision.
    pub id: i64,
    /// Code shared by every revision.
    pub code: String,
    /// Revision number, 1 for the first.
    pub revision: i32,
    /// Title.
    pub title: String,
    /// What it is about.
    pub area: SupervisionArea,
    /// Purpose, legal basis, how to use it.
    pub description: Option<String>,
    /// Pass threshold in percent.
    pub pass_threshold: i32,
    /// The sections with their items.
    pub sections: Vec<ChecklistSection>,
    /// Number of items.
    pub item_count: u32,
    /// Draft, published or superseded.
    pub status: TemplateStatus,
    /// The facility that keeps it (its Nursing office).
    pub owner_facility: FacilityRef,
    /// When it was published.
    pub published_at: Option<DateTime<Utc>>,
    /// Whether the reader may edit (draft), publish or revise it.
    pub may_manage: bool,
    /// Who created it.
    pub created_by: String,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Version for `If-Match`.
    pub version: i64,
}

/// A template in a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TemplateSummary {
    /// Id of this revision.
    pub id: i64,
    /// Code shared by every revision.
    pub code: String,
    /// Revision number.
    pub revision: i32,
    /// Title.
    pub title: String,
    /// What it is about.
    pub area: SupervisionArea,
    /// Pass threshold in percent.
    pub pass_threshold: i32,
    /// Number of items.
    pub item_count: u32,
    /// Draft, published or superseded.
    pub status: TemplateStatus,
    /// The facility that keeps it.
    pub owner_facility: FacilityRef,
    /// When it was published.
    pub published_at: Option<DateTime<Utc>>,
}

/// Filters of `GET /supervision-templates`, by code then revision (newest first).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct TemplateQuery {
    /// Status.
    pub status: Option<TemplateStatus>,
    /// Area.
    pub area: Option<SupervisionArea>,
    /// Every revision of this code.
    pub code: Option<String>,
    /// Page size (1–200, default 50).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<i64>,
    /// Cursor from the previous page.
    #[cfg_attr(feature = "openapi", param(pattern = r"^[0-9]{1,18}$"))]
    pub cursor: Option<String>,
}

fn distinct_staff(values: &[i64]) -> Result<(), ValidationError> {
    let mut seen = BTreeSet::new();
    if values.iter().all(|id| *id > 0 && seen.insert(*id)) {
        Ok(())
    } else {
        Err(ValidationError::new("duplicate"))
    }
}

/// Body to schedule a visit (`POST /supervision-visits`, accepts `Idempotency-Key`):
/// the supervising facility is the caller's, which must support the visited one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitInput {
    /// A published template revision; the visit keeps it.
    #[validate(range(min = 1))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub template_id: i64,
    /// The visited facility (a station, a centre the caller's facility supports).
    #[validate(range(min = 1))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub facility_id: i64,
    /// The planned day.
    pub planned_on: NaiveDate,
    /// Staff ids of the supervisors (of the caller's facility), 1–10.
    #[validate(length(min = 1, max = 10), custom(function = "distinct_staff"))]
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 10))]
    pub visitors: Vec<i64>,
    /// The earlier visit this one follows up (its open corrective actions are closed
    /// here).
    #[serde(default)]
    #[validate(range(min = 1))]
    pub follow_up_of: Option<i64>,
    /// Purpose, practical notes.
    #[serde(default)]
    #[validate(length(max = 2000), custom(function = "crate::text::multi_line"))]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub note: Option<String>,
}

/// Body to reschedule a visit (`PUT /supervision-visits/{id}` with `If-Match`, while
/// scheduled).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitEditInput {
    /// The planned day.
    pub planned_on: NaiveDate,
    /// Staff ids of the supervisors, 1–10.
    #[validate(length(min = 1, max = 10), custom(function = "distinct_staff"))]
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 10))]
    pub visitors: Vec<i64>,
    /// Purpose, practical notes.
    #[serde(default)]
    #[validate(length(max = 2000), custom(function = "crate::text::multi_line"))]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub note: Option<String>,
}

/// The answer to one item (`PUT /supervision-visits/{id}/answers/{item_code}` with
/// `If-Match` of the visit): `choice` on the yes/no scales, `points` on a points scale,
/// or `choice: not_applicable` on any.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AnswerInput {
    /// Yes / partly / no / not applicable.
    #[serde(default)]
    pub choice: Option<super::Choice>,
    /// Points given (points scale).
    #[serde(default)]
    #[validate(range(min = 0, max = 10))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10))]
    pub points: Option<i32>,
    /// What was seen (the finding).
    #[serde(default)]
    #[validate(length(max = 2000), custom(function = "crate::text::multi_line"))]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub note: Option<String>,
}

/// The answer recorded for one item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemAnswer {
    /// The item's code.
    pub item_code: String,
    /// Yes / partly / no / not applicable.
    pub choice: Option<super::Choice>,
    /// Points given.
    pub points: Option<i32>,
    /// What was seen.
    pub note: Option<String>,
    /// The photo of the finding (`GET /supervision-photos/{id}`), if one was taken.
    pub photo_id: Option<i64>,
    /// Who answered.
    pub answered_by: String,
    /// When.
    pub answered_at: DateTime<Utc>,
}

/// Body to submit a visit's score (`POST /supervision-visits/{id}/submit`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubmitInput {
    /// The supervisors' conclusion, read with the facility's head.
    #[serde(default)]
    #[validate(length(max = 4000), custom(function = "crate::text::multi_line"))]
    #[cfg_attr(feature = "openapi", schema(max_length = 4000))]
    pub conclusion: Option<String>,
}

/// Body to cancel a visit, or to reopen a corrective action: the reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReasonInput {
    /// Why.
    #[validate(
        length(min = 1, max = 1000),
        custom(function = "crate::text::multi_line_not_blank")
    )]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 1000))]
    pub reason: String,
}

/// A supervisor on a visit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Visitor {
    /// Staff id.
    pub staff_id: i64,
    /// Full name.
    pub full_name: String,
    /// Title.
    pub title: Option<String>,
}

/// The template revision a visit uses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TemplateRef {
    /// Id of the revision.
    pub id: i64,
    /// Code.
    pub code: String,
    /// Revision number.
    pub revision: i32,
    /// Title.
    pub title: String,
    /// Area.
    pub area: SupervisionArea,
    /// Pass threshold in percent.
    pub pass_threshold: i32,
}

/// A supervision visit as `GET /supervision-visits/{id}` returns it: the checklist of
/// its template revision, the answers, the running (or final) score and its corrective
/// actions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Visit {
    /// Id.
    pub id: i64,
    /// Status.
    pub status: VisitStatus,
    /// The template revision used.
    pub template: TemplateRef,
    /// The visited facility.
    pub facility: FacilityRef,
    /// The facility that runs the visit.
    pub supervising_facility: FacilityRef,
    /// The planned day.
    pub planned_on: NaiveDate,
    /// The supervisors.
    pub visitors: Vec<Visitor>,
    /// The earlier visit this one follows up.
    pub follow_up_of: Option<i64>,
    /// Purpose, practical notes.
    pub note: Option<String>,
    /// The checklist.
    pub sections: Vec<super::ChecklistSection>,
    /// The answers, in checklist order.
    pub answers: Vec<ItemAnswer>,
    /// The score of the answers so far; final once submitted.
    pub score: Score,
    /// The supervisors' conclusion.
    pub conclusion: Option<String>,
    /// Why it was cancelled.
    pub status_reason: Option<String>,
    /// Started at.
    pub started_at: Option<DateTime<Utc>>,
    /// Submitted at.
    pub submitted_at: Option<DateTime<Utc>>,
    /// Closed at.
    pub closed_at: Option<DateTime<Utc>>,
    /// The corrective actions raised at this visit.
    pub actions: Vec<CorrectiveAction>,
    /// The steps the reader may take now (`record`: answer items; `correct`: add
    /// corrective actions).
    pub allowed_actions: Vec<VisitAction>,
    /// Who scheduled it.
    pub created_by: String,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Version for `If-Match`.
    pub version: i64,
}

/// A visit in a list (and a facility's score history).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitSummary {
    /// Id.
    pub id: i64,
    /// Status.
    pub status: VisitStatus,
    /// The template revision used.
    pub template: TemplateRef,
    /// The visited facility.
    pub facility: FacilityRef,
    /// The facility that runs the visit.
    pub supervising_facility: FacilityRef,
    /// The planned day.
    pub planned_on: NaiveDate,
    /// The earlier visit this one follows up.
    pub follow_up_of: Option<i64>,
    /// The final score in percent (once submitted).
    pub score_percent: Option<f64>,
    /// Pass or fail (once submitted).
    pub passed: Option<bool>,
    /// Corrective actions of this visit not closed yet.
    pub open_actions: u32,
    /// Of those, the ones past their due date.
    pub overdue_actions: u32,
    /// Submitted at.
    pub submitted_at: Option<DateTime<Utc>>,
}

/// Filters of `GET /supervision-visits` within the reader's scope, newest planned day
/// first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct VisitQuery {
    /// Visited facility.
    pub facility_id: Option<i64>,
    /// Supervising facility.
    pub supervising_facility_id: Option<i64>,
    /// Status.
    pub status: Option<VisitStatus>,
    /// Area of the template.
    pub area: Option<SupervisionArea>,
    /// Planned on or after this day.
    pub from: Option<NaiveDate>,
    /// Planned on or before this day.
    pub to: Option<NaiveDate>,
    /// Passed (`true`) or failed (`false`); scored visits only.
    pub passed: Option<bool>,
    /// Page size (1–200, default 50).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<i64>,
    /// Cursor from the previous page.
    #[cfg_attr(feature = "openapi", param(pattern = r"^[0-9]{1,18}$"))]
    pub cursor: Option<String>,
}

/// Someone who may own a corrective action: a user of the visited facility.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActionOwner {
    /// User id.
    pub user_id: i64,
    /// Full name.
    pub full_name: String,
}

/// Body to raise a corrective action from a finding (`POST /corrective-actions`,
/// accepts `Idempotency-Key`), on a visit in progress or scored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CorrectiveInput {
    /// The visit.
    #[validate(range(min = 1))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub visit_id: i64,
    /// The item the finding is about, if one.
    #[serde(default)]
    #[validate(custom(function = "validation::code_format"))]
    pub item_code: Option<String>,
    /// What must be corrected.
    #[validate(
        length(min = 1, max = 2000),
        custom(function = "crate::text::multi_line_not_blank")
    )]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 2000))]
    pub description: String,
    /// Who corrects it: a user of the visited facility.
    #[validate(range(min = 1))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub owner_user_id: i64,
    /// By when.
    pub due_on: NaiveDate,
}

/// Body of the visited facility's answer (`POST /corrective-actions/{id}/answer`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CorrectiveAnswerInput {
    /// What was done.
    #[validate(
        length(min = 1, max = 4000),
        custom(function = "crate::text::multi_line_not_blank")
    )]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 4000))]
    pub response: String,
}

/// Body to close a corrective action (`POST /corrective-actions/{id}/close`): the
/// follow-up visit that found it corrected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CorrectiveCloseInput {
    /// A later visit of the same supervising facility to the same facility, in progress
    /// or scored.
    #[validate(range(min = 1))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub follow_up_visit_id: i64,
    /// What the follow-up found.
    #[serde(default)]
    #[validate(length(max = 2000), custom(function = "crate::text::multi_line"))]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub note: Option<String>,
}

/// A corrective action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CorrectiveAction {
    /// Id.
    pub id: i64,
    /// Status.
    pub status: CorrectiveStatus,
    /// The visit it was raised at.
    pub visit_id: i64,
    /// The item the finding is about.
    pub item_code: Option<String>,
    /// The item's text.
    pub item_text: Option<String>,
    /// What must be corrected.
    pub description: String,
    /// The visited facility.
    pub facility: FacilityRef,
    /// The supervising facility.
    pub supervising_facility: FacilityRef,
    /// Who corrects it.
    pub owner: ActionOwner,
    /// By when.
    pub due_on: NaiveDate,
    /// Past its due date and not closed.
    pub overdue: bool,
    /// The facility's answer.
    pub response: Option<String>,
    /// Who answered.
    pub answered_by: Option<String>,
    /// When.
    pub answered_at: Option<DateTime<Utc>>,
    /// The follow-up visit that closed it.
    pub closed_in_visit_id: Option<i64>,
    /// What the follow-up found.
    pub close_note: Option<String>,
    /// Who closed it.
    pub closed_by: Option<String>,
    /// When.
    pub closed_at: Option<DateTime<Utc>>,
    /// Why it was reopened (last time).
    pub reopen_reason: Option<String>,
    /// The steps the reader may take now.
    pub allowed_actions: Vec<CorrectiveStep>,
    /// Who raised it.
    pub created_by: String,
    /// Raised at.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Version for `If-Match`.
    pub version: i64,
}

/// Filters of `GET /corrective-actions` within the reader's scope, due first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct CorrectiveQuery {
    /// Visited facility.
    pub facility_id: Option<i64>,
    /// Supervising facility.
    pub supervising_facility_id: Option<i64>,
    /// Raised at this visit.
    pub visit_id: Option<i64>,
    /// Status.
    pub status: Option<CorrectiveStatus>,
    /// `true`: only the late ones (past due, not closed); `false`: only the others.
    pub overdue: Option<bool>,
    /// `true`: not closed (open, answered, reopened).
    pub unresolved: Option<bool>,
    /// Page size (1–200, default 50).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<i64>,
    /// Cursor from the previous page.
    #[cfg_attr(feature = "openapi", param(pattern = r"^[0-9]{1,18}$"))]
    pub cursor: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Lang;
    use crate::validation::field_messages;

    fn template() -> TemplateInput {
        TemplateInput {
            code: "KSNK-TYT".into(),
            title: "Kiểm soát nhiễm khuẩn".into(),
            area: SupervisionArea::InfectionControl,
            description: None,
            pass_threshold: 80,
            sections: vec![ChecklistSection {
                code: "A".into(),
                title: "Vệ sinh tay".into(),
                items: vec![
                    ChecklistItem {
                        code: "A1".into(),
                        text: "Có dung dịch sát khuẩn tay".into(),
                        scale: AnswerScale::YesNo,
                        max_points: None,
                        weight: 2,
                        critical: true,
                        guidance: None,
                    },
                    ChecklistItem {
                        code: "A2".into(),
                        text: "Tuân thủ 5 thời điểm".into(),
                        scale: AnswerScale::Points,
                        max_points: Some(5),
                        weight: 1,
                        critical: false,
                        guidance: Some("Quan sát 10 cơ hội".into()),
                    },
                ],
            }],
        }
    }

    #[test]
    fn a_well_formed_template_validates() {
        assert!(template().validate().is_ok());
        assert_eq!(template().item("A2").map(|i| i.weight), Some(1));
        assert!(template().item("B1").is_none());
    }

    #[test]
    fn scales_codes_and_bounds_are_checked_where_they_are() {
        let mut bad = template();
        bad.sections[0].items[1].max_points = None;
        bad.sections[0].items[0].max_points = Some(3);
        bad.sections[0].items[0].weight = 0;
        bad.pass_threshold = 0;
        let errors = field_messages(&bad.validate().err().unwrap_or_default(), Lang::En);
        assert!(errors.contains_key("pass_threshold"), "{errors:?}");
        assert!(
            errors.contains_key("sections[0].items[0].weight"),
            "{errors:?}"
        );
        assert!(
            errors.contains_key("sections[0].items[0].max_points"),
            "{errors:?}"
        );
        assert!(
            errors.contains_key("sections[0].items[1].max_points"),
            "{errors:?}"
        );
        let mut twice = template();
        twice.sections[0].items[1].code = "A1".into();
        let errors = field_messages(&twice.validate().err().unwrap_or_default(), Lang::En);
        assert!(errors.contains_key("sections"), "{errors:?}");
        let mut empty = template();
        empty.sections[0].items.clear();
        assert!(empty.validate().is_err());
        empty.sections.clear();
        assert!(empty.validate().is_err());
    }
}
