//! The vocabulary of the slip and the request/response bodies of `/referrals`,
//! `/referrals/{id}/<action>`, `/referrals/{id}/events` and `/follow-ups`.
//!
//! Field names follow the official form (Circular 01/2025/TT-BYT, Appendix VI); the doc
//! comment of each field quotes the form's Vietnamese heading where there is one.
//!
//! Validation happens in two steps: the `Validate` derives check formats and lengths of
//! every draft ([`ReferralInput::validate_draft`]), and sending additionally needs a
//! complete slip ([`ReferralInput::validate_send`]). Error paths are dotted
//! (`patient.citizen_id`, `clinical.diagnoses[0].code`) and turn into messages with
//! [`crate::validation::field_messages`].

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use validator::{Validate, ValidationError, ValidationErrors};

use super::state::{ReferralAction, ReferralStatus};
use crate::auth::Role;
use crate::registry::{FacilityRef, TechnicalLevel};
use crate::validation;

labelled_enum! {
    /// Which way a referral goes between technical levels.
    pub enum Direction {
        Up = "up", "Chuyển lên tuyến trên", "Up to a higher level";
        Down = "down", "Chuyển về tuyến dưới", "Down (back-referral)";
        Lateral = "lateral", "Chuyển cùng tuyến", "Lateral, same level";
    }
}

impl Direction {
    /// The direction between two facilities' technical levels, `None` when either is
    /// unknown. A suggestion for the form; the sender chooses.
    pub fn between(from: Option<TechnicalLevel>, to: Option<TechnicalLevel>) -> Option<Direction> {
        let (from, to) = (from?.rank(), to?.rank());
        Some(match to.cmp(&from) {
            std::cmp::Ordering::Greater => Direction::Up,
            std::cmp::Ordering::Less => Direction::Down,
            std::cmp::Ordering::Equal => Direction::Lateral,
        })
    }
}

labelled_enum! {
    /// How soon the patient must be seen; decides the answer window.
    pub enum Urgency {
        Emergency = "emergency", "Cấp cứu", "Emergency";
        Urgent = "urgent", "Khẩn", "Urgent";
        Routine = "routine", "Thông thường", "Routine";
    }
}

labelled_enum! {
    /// "Lý do chuyển": the numbered reason circled on the slip.
    pub enum ReferralReason {
        MeetsTransferRules = "meets_transfer_rules", "Đủ điều kiện chuyển tuyến", "Meets the transfer criteria";
        BeyondCapability = "beyond_capability", "Vượt quá khả năng chuyên môn", "Beyond the facility's capability";
        PatientRequest = "patient_request", "Theo yêu cầu của người bệnh", "At the patient's request";
    }
}

impl ReferralReason {
    /// The number printed on the form (1, 2, 3).
    pub fn number(self) -> u8 {
        match self {
            ReferralReason::MeetsTransferRules => 1,
            ReferralReason::BeyondCapability => 2,
            ReferralReason::PatientRequest => 3,
        }
    }
}

labelled_enum! {
    /// "Nam/Nữ" on the slip.
    pub enum Sex {
        Male = "male", "Nam", "Male";
        Female = "female", "Nữ", "Female";
    }
}

labelled_enum! {
    /// "Phương tiện vận chuyển".
    pub enum TransportMeans {
        Ambulance = "ambulance", "Xe cứu thương", "Ambulance";
        PrivateVehicle = "private_vehicle", "Phương tiện của gia đình, cá nhân", "Private vehicle";
        PublicTransport = "public_transport", "Phương tiện công cộng", "Public transport";
        Other = "other", "Phương tiện khác", "Other";
    }
}

labelled_enum! {
    /// How the receiver's care ended, recorded at completion and always shown to the
    /// sender (feedback to the referrer).
    pub enum Outcome {
        Discharged = "discharged", "Ra viện", "Discharged";
        ReturnedToReferrer = "returned_to_referrer", "Chuyển về nơi chuyển đi tiếp tục điều trị, theo dõi", "Returned to the referring facility";
        TransferredOnward = "transferred_onward", "Chuyển tiếp đến cơ sở khác", "Transferred onward";
        Deceased = "deceased", "Tử vong", "Deceased";
        LeftAgainstAdvice = "left_against_advice", "Tự bỏ về hoặc xin về", "Left against medical advice";
    }
}

impl Outcome {
    /// Whether completing with this outcome creates a back-referral to the sender with
    /// follow-up tasks (only `returned_to_referrer`).
    pub fn creates_back_referral(self) -> bool {
        self == Outcome::ReturnedToReferrer
    }
}

labelled_enum! {
    /// Where a follow-up task at the station stands.
    pub enum FollowUpStatus {
        Open = "open", "Chờ theo dõi", "Open";
        Done = "done", "Đã theo dõi xong", "Done";
        Missed = "missed", "Người bệnh không đến", "Missed";
    }
}

labelled_enum! {
    /// A facility's view of its referrals in lists.
    pub enum ReferralBox {
        Inbox = "inbox", "Phiếu chuyển đến", "Referred to us";
        Outbox = "outbox", "Phiếu chuyển đi", "Referred by us";
    }
}

labelled_enum! {
    /// The order of a referral list.
    pub enum ReferralSort {
        Newest = "newest", "Mới nhất trước", "Newest first";
        Urgency = "urgency", "Khẩn nhất, hạn trả lời gần nhất trước", "Most urgent, nearest deadline first";
    }
}

labelled_enum! {
    /// Why one referral was created from another.
    pub enum ReferralLinkKind {
        Redirect = "redirect", "Chuyển hướng sang cơ sở khác", "Redirected";
        BackReferral = "back_referral", "Chuyển về nơi chuyển đi", "Back-referral";
        Onward = "onward", "Chuyển tiếp", "Onward transfer";
    }
}

labelled_enum! {
    /// What an event on a referral's timeline records.
    pub enum ReferralEventKind {
        Create = "create", "Tạo phiếu chuyển", "Created";
        Edit = "edit", "Sửa phiếu chuyển", "Edited";
        Send = "send", "Gửi phiếu chuyển", "Sent";
        Accept = "accept", "Đồng ý tiếp nhận", "Accepted";
        Decline = "decline", "Từ chối tiếp nhận", "Declined";
        Redirect = "redirect", "Chuyển sang cơ sở khác", "Redirected";
        Arrive = "arrive", "Người bệnh đã đến", "Patient arrived";
        Complete = "complete", "Kết thúc điều trị", "Completed";
        Cancel = "cancel", "Hủy chuyển", "Cancelled";
    }
}

impl From<ReferralAction> for ReferralEventKind {
    fn from(action: ReferralAction) -> Self {
        match action {
            ReferralAction::Send => ReferralEventKind::Send,
            ReferralAction::Accept => ReferralEventKind::Accept,
            ReferralAction::Decline => ReferralEventKind::Decline,
            ReferralAction::Redirect => ReferralEventKind::Redirect,
            ReferralAction::Arrive => ReferralEventKind::Arrive,
            ReferralAction::Complete => ReferralEventKind::Complete,
            ReferralAction::Cancel => ReferralEventKind::Cancel,
        }
    }
}

fn default_nationality() -> String {
    "Việt Nam".to_string()
}

fn patient_rules(patient: &Patient) -> Result<(), ValidationError> {
    let birth_year = |code| validation::on_field(ValidationError::new(code), "birth_year");
    match (patient.birth_date, patient.birth_year) {
        (None, None) => Err(birth_year("birth_required")),
        (Some(date), _) if !(1900..=2100).contains(&date.year()) => {
            let mut error = ValidationError::new("range");
            error.add_param("min".into(), &1900);
            error.add_param("max".into(), &2100);
            Err(validation::on_field(error, "birth_date"))
        }
        (Some(date), Some(year)) if date.year() != year => Err(birth_year("birth_mismatch")),
        // Today as the staff's calendar reads it: a baby born this morning in Hà Nội is
        // not refused while it is still yesterday in UTC.
        (Some(date), _) if date > crate::time::vietnam_date(chrono::Utc::now()) => Err(
            validation::on_field(ValidationError::new("birth_in_future"), "birth_date"),
        ),
        (None, Some(year)) if year > crate::time::vietnam_date(chrono::Utc::now()).year() => {
            Err(birth_year("birth_in_future"))
        }
        _ => Ok(()),
    }
}

/// The patient, as on the slip. A birth date or at least a birth year is required
/// (the form asks for "Ngày sinh" but older records only hold the year).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[validate(schema(function = "patient_rules", skip_on_field_errors = false))]
pub struct Patient {
    /// "Họ và tên người bệnh".
    #[validate(
        length(max = 120),
        custom(function = "crate::text::single_line_not_blank")
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 120,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$",
            min_length = 1
        )
    )]
    pub full_name: String,
    /// "Ngày sinh", when known.
    #[serde(default)]
    pub birth_date: Option<NaiveDate>,
    /// Year of birth, when only the year is known (must agree with `birth_date`).
    #[serde(default)]
    #[validate(range(min = 1900, max = 2100))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1900, maximum = 2100))]
    pub birth_year: Option<i32>,
    /// "Giới tính".
    pub sex: Sex,
    /// "Số định danh cá nhân" (citizen ID, 12 digits).
    #[serde(default)]
    #[validate(custom(function = "validation::citizen_id"))]
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[0-9]{12}$"))]
    pub citizen_id: Option<String>,
    /// "Số thẻ bảo hiểm y tế": 10 digits or the 15-character card number.
    #[serde(default)]
    #[validate(custom(function = "validation::insurance_number"))]
    pub insurance_number: Option<String>,
    /// "Hạn sử dụng" of the insurance card: last valid day.
    #[serde(default)]
    pub insurance_expiry: Option<NaiveDate>,
    /// "Địa chỉ".
    #[serde(default)]
    #[validate(length(max = 300), custom(function = "crate::text::single_line"))]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 300, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$")
    )]
    pub address: Option<String>,
    /// "Dân tộc", e.g. "Kinh".
    #[serde(default)]
    #[validate(length(max = 50), custom(function = "crate::text::single_line"))]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 50, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$")
    )]
    pub ethnicity: Option<String>,
    /// "Quốc tịch" (default "Việt Nam").
    #[serde(default = "default_nationality")]
    #[validate(
        length(min = 1, max = 60),
        custom(function = "crate::text::single_line")
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 60, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$")
    )]
    pub nationality: String,
    /// "Nghề nghiệp".
    #[serde(default)]
    #[validate(length(max = 100), custom(function = "crate::text::single_line"))]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 100, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$")
    )]
    pub occupation: Option<String>,
    /// "Nơi làm việc".
    #[serde(default)]
    #[validate(length(max = 200), custom(function = "crate::text::single_line"))]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 200, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$")
    )]
    pub workplace: Option<String>,
    /// A phone number to reach the patient or family.
    #[serde(default)]
    #[validate(custom(function = "validation::phone"))]
    pub contact_phone: Option<String>,
}

impl Patient {
    /// The patient's initials (`Nguyễn Văn An` → `N.V.A.`), the only trace of identity
    /// shown to those who may not see the patient.
    pub fn initials(&self) -> String {
        patient_initials(&self.full_name)
    }

    /// The year of birth, from the date when there is one.
    pub fn year_of_birth(&self) -> Option<i32> {
        self.birth_date.map(|date| date.year()).or(self.birth_year)
    }

    /// Age in whole years on `day`; from the year alone when only the year is known.
    pub fn age_on(&self, day: NaiveDate) -> Option<i32> {
        match self.birth_date {
            Some(born) => {
                let had_birthday = (day.month(), day.day()) >= (born.month(), born.day());
                Some(day.year() - born.year() - i32::from(!had_birthday))
            }
            None => self.birth_year.map(|year| day.year() - year),
        }
    }
}

/// Initials of a full name: the first letter of each word, uppercased, each followed by
/// a dot (`Nguyễn Văn An` → `N.V.A.`, `đặng thị bé` → `Đ.T.B.`).
pub fn patient_initials(full_name: &str) -> String {
    full_name
        .split_whitespace()
        .filter_map(|word| word.chars().next())
        .flat_map(|first| first.to_uppercase().chain(std::iter::once('.')))
        .collect()
}

/// One diagnosis: ICD-10 code and its name. The first diagnosis of a list is the main
/// one ("bệnh chính"), the others are co-morbidities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Diagnosis {
    /// ICD-10 code, e.g. `I21.0` (uppercase, see [`validation::icd10_code`]).
    #[validate(custom(function = "validation::icd10_code"))]
    pub code: String,
    /// Name of the disease as the clinician writes it.
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
    pub name: String,
}

fn prior_treatment_rules(prior: &PriorTreatment) -> Result<(), ValidationError> {
    match (prior.from_date, prior.to_date) {
        (Some(from), Some(to)) if to < from => Err(validation::date_order_error("to_date")),
        _ => Ok(()),
    }
}

/// "Đã được khám bệnh, điều trị tại": an earlier stay or visit for this illness.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[validate(schema(function = "prior_treatment_rules", skip_on_field_errors = false))]
pub struct PriorTreatment {
    /// Facility (free text: it may be outside the network).
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
    pub facility_name: String,
    /// "Từ ngày".
    #[serde(default)]
    pub from_date: Option<NaiveDate>,
    /// "Đến ngày".
    #[serde(default)]
    pub to_date: Option<NaiveDate>,
}

fn clinical_rules(clinical: &ClinicalSummary) -> Result<(), ValidationError> {
    let mut seen = std::collections::BTreeSet::new();
    if clinical
        .diagnoses
        .iter()
        .all(|d| seen.insert(d.code.as_str()))
    {
        Ok(())
    } else {
        Err(validation::on_field(
            ValidationError::new("duplicate"),
            "diagnoses",
        ))
    }
}

/// "Tóm tắt bệnh án" and the treatment direction: clinical data, shown only with the
/// patient. Drafts may leave parts empty; sending needs signs, at least one diagnosis
/// and the condition at transfer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[validate(schema(function = "clinical_rules", skip_on_field_errors = false))]
#[serde(default)]
pub struct ClinicalSummary {
    /// "Dấu hiệu lâm sàng".
    #[validate(length(max = 4000), custom(function = "crate::text::multi_line"))]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 4000,
            pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
        )
    )]
    pub signs: String,
    /// "Kết quả xét nghiệm, cận lâm sàng" (tests and imaging).
    #[validate(length(max = 4000), custom(function = "crate::text::multi_line"))]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 4000,
            pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
        )
    )]
    pub tests_summary: Option<String>,
    /// "Chẩn đoán", main diagnosis first (up to 20, each code once).
    #[validate(nested, length(max = 20))]
    pub diagnoses: Vec<Diagnosis>,
    /// "Phương pháp, thủ thuật, kỹ thuật, thuốc đã sử dụng trong điều trị".
    #[validate(length(max = 4000), custom(function = "crate::text::multi_line"))]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 4000,
            pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
        )
    )]
    pub treatment_given: Option<String>,
    /// "Tình trạng người bệnh lúc chuyển".
    #[validate(length(max = 2000), custom(function = "crate::text::multi_line"))]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 2000,
            pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
        )
    )]
    pub condition_at_transfer: String,
    /// "Hướng điều trị": what the sender recommends.
    #[validate(length(max = 2000), custom(function = "crate::text::multi_line"))]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 2000,
            pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
        )
    )]
    pub treatment_direction: Option<String>,
    /// "Đã được khám bệnh, điều trị tại": earlier care for this illness (up to 10).
    #[validate(nested, length(max = 10))]
    pub previously_treated_at: Vec<PriorTreatment>,
    /// The specialty the patient is sent for (a code of the registry's specialty list,
    /// e.g. `nhi_khoa`), as chosen when the destination was picked; printed on the slip.
    /// Clinical: it says what the patient suffers from.
    #[validate(custom(function = "crate::validation::specialty_code"))]
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[a-z0-9_]{2,48}$"))]
    pub specialty: Option<String>,
}

impl ClinicalSummary {
    /// The main diagnosis (the first one).
    pub fn main_diagnosis(&self) -> Option<&Diagnosis> {
        self.diagnoses.first()
    }

    /// The ICD-10 codes, main first: what [`super::slip_valid_until`] reads.
    pub fn codes(&self) -> Vec<&str> {
        self.diagnoses.iter().map(|d| d.code.as_str()).collect()
    }
}

/// How the patient travels: "Phương tiện vận chuyển" and "Họ tên, chức danh, trình độ
/// chuyên môn của người hộ tống".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct Transport {
    /// Means of transport (needed to send).
    pub means: Option<TransportMeans>,
    /// Escort's full name (needed to send an emergency).
    #[validate(length(max = 120), custom(function = "crate::text::single_line"))]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 120, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$")
    )]
    pub escort_name: Option<String>,
    /// Escort's title and qualification, e.g. "Điều dưỡng".
    #[validate(length(max = 120), custom(function = "crate::text::single_line"))]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 120, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$")
    )]
    pub escort_title: Option<String>,
    /// Whether the emergency centre (115) was asked for an ambulance.
    pub emergency_centre_requested: bool,
}

/// Someone who signs the slip.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Signatory {
    /// Full name.
    #[validate(
        length(max = 120),
        custom(function = "crate::text::single_line_not_blank")
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 120,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$",
            min_length = 1
        )
    )]
    pub full_name: String,
    /// Title, e.g. "Trạm trưởng", "Phó Giám đốc", "BSCKI".
    #[serde(default)]
    #[validate(length(max = 120), custom(function = "crate::text::single_line"))]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 120, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$")
    )]
    pub title: Option<String>,
}

/// Body to create (`POST /referrals`, accepts `Idempotency-Key`) or replace a draft
/// (`PUT /referrals/{id}` with `If-Match`). The sending facility is the user's own; the
/// server assigns the slip number at creation. A referral is created as a draft and
/// sent with `POST /referrals/{id}/send`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReferralInput {
    /// "Kính gửi": the receiving facility.
    #[validate(range(min = 1))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub to_facility_id: i64,
    /// Direction.
    pub direction: Direction,
    /// Urgency.
    pub urgency: Urgency,
    /// "Lý do chuyển": reason 1, 2 or 3.
    pub reason: ReferralReason,
    /// Details of the reason.
    #[serde(default)]
    #[validate(length(max = 1000), custom(function = "crate::text::multi_line"))]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 1000,
            pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
        )
    )]
    pub reason_text: Option<String>,
    /// The patient.
    #[validate(nested)]
    pub patient: Patient,
    /// Clinical summary and treatment direction.
    #[serde(default)]
    #[validate(nested)]
    pub clinical: ClinicalSummary,
    /// Transport and escort.
    #[serde(default)]
    #[validate(nested)]
    pub transport: Transport,
    /// "Người có thẩm quyền chuyển người bệnh": the authorised signatory (needed to send).
    #[serde(default)]
    #[validate(nested)]
    pub signed_by: Option<Signatory>,
    /// "Y, bác sĩ khám, điều trị": the treating clinician, when not the signatory.
    #[serde(default)]
    #[validate(nested)]
    pub physician: Option<Signatory>,
    /// Names of attached documents (test results, images), up to 20.
    #[serde(default)]
    #[validate(length(max = 20), custom(function = "validation::attachment_names"))]
    #[cfg_attr(feature = "openapi", schema(max_items = 20))]
    pub attachments: Vec<String>,
}

impl ReferralInput {
    /// Checks a draft on create and edit: formats and lengths, and a destination other
    /// than the sending facility `from_facility_id`.
    pub fn validate_draft(&self, from_facility_id: i64) -> Result<(), ValidationErrors> {
        let mut errors = match self.validate() {
            Ok(()) => ValidationErrors::new(),
            Err(errors) => errors,
        };
        if self.to_facility_id == from_facility_id {
            errors.add("to_facility_id", ValidationError::new("same_facility"));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Checks a draft before `send`: everything of [`Self::validate_draft`], and a
    /// complete slip — clinical signs, at least one diagnosis, the condition at
    /// transfer, the means of transport, the signatory, and an escort for an emergency.
    pub fn validate_send(&self, from_facility_id: i64) -> Result<(), ValidationErrors> {
        let mut errors = match self.validate_draft(from_facility_id) {
            Ok(()) => ValidationErrors::new(),
            Err(errors) => errors,
        };
        let blank = |text: Option<&str>| text.is_none_or(|text| text.trim().is_empty());
        let missing = || ValidationError::new("required_to_send");
        if blank(Some(&self.clinical.signs)) {
            errors.add("clinical.signs", missing());
        }
        if self.clinical.diagnoses.is_empty() {
            errors.add(
                "clinical.diagnoses",
                ValidationError::new("diagnosis_required"),
            );
        }
        if blank(Some(&self.clinical.condition_at_transfer)) {
            errors.add("clinical.condition_at_transfer", missing());
        }
        if self.transport.means.is_none() {
            errors.add("transport.means", missing());
        }
        if self.urgency == Urgency::Emergency && blank(self.transport.escort_name.as_deref()) {
            errors.add(
                "transport.escort_name",
                ValidationError::new("escort_required"),
            );
        }
        if self.signed_by.is_none() {
            errors.add("signed_by", missing());
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// A referral linked to another one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReferralLink {
    /// Id of the linked referral.
    pub id: i64,
    /// Its slip number.
    pub slip_number: String,
    /// Why it was created from the other one.
    pub kind: ReferralLinkKind,
    /// Its status.
    pub status: ReferralStatus,
    /// Its sending facility.
    pub from_facility: FacilityRef,
    /// Its receiving facility.
    pub to_facility: FacilityRef,
}

/// One referral as `GET /referrals/{id}` returns it (and every transition answers).
///
/// Patient identity and clinical data (`patient`, `clinical`, `reason_text`,
/// `status_reason`, `attachments`, `discharge_summary`, `discharge_diagnoses`, and the
/// follow-ups' instructions and visit notes) are present only for the sending and
/// receiving facility (their users and integration clients) and admins; every such read
/// is audited. Others see the referral, its status, timings and outcome, and
/// `patient_initials` (the table is `shared::privacy`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Referral {
    /// Id.
    pub id: i64,
    /// Slip number, assigned at creation: `<facility code>/<year>/<sequence>`.
    pub slip_number: String,
    /// Status.
    pub status: ReferralStatus,
    /// Sending facility ("Cơ sở khám bệnh, chữa bệnh … trân trọng giới thiệu").
    pub from_facility: FacilityRef,
    /// Receiving facility ("Kính gửi").
    pub to_facility: FacilityRef,
    /// Direction.
    pub direction: Direction,
    /// Urgency.
    pub urgency: Urgency,
    /// Reason 1, 2 or 3.
    pub reason: ReferralReason,
    /// Details of the reason. Clinical: `null` for a reader who is not a party.
    pub reason_text: Option<String>,
    /// The patient. Clinical: `null` for a reader who is not a party.
    pub patient: Option<Patient>,
    /// The patient's initials, for everyone who may see the referral.
    pub patient_initials: String,
    /// Clinical summary. Clinical: `null` for a reader who is not a party.
    pub clinical: Option<ClinicalSummary>,
    /// Transport and escort.
    pub transport: Transport,
    /// Authorised signatory.
    pub signed_by: Option<Signatory>,
    /// Treating clinician.
    pub physician: Option<Signatory>,
    /// Names of attached documents. Clinical: empty for a reader who is not a party.
    pub attachments: Vec<String>,
    /// Who created it (user name or integration client).
    pub created_by: String,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Last changed at.
    pub updated_at: DateTime<Utc>,
    /// When it was sent (the slip is signed then).
    pub sent_at: Option<DateTime<Utc>>,
    /// When the receiver answered (accepted, declined or redirected).
    pub answered_at: Option<DateTime<Utc>>,
    /// When the patient arrived.
    pub arrived_at: Option<DateTime<Utc>>,
    /// When it reached a final status.
    pub closed_at: Option<DateTime<Utc>>,
    /// Why it was declined, redirected or cancelled. Clinical: `null` for a reader who
    /// is not a party.
    pub status_reason: Option<String>,
    /// Day the slip was signed (Vietnam date of sending).
    pub signed_on: Option<NaiveDate>,
    /// Last day the slip may be used ([`super::slip_valid_until`]).
    pub valid_until: Option<NaiveDate>,
    /// Whether a diagnosis gives the slip one year of validity.
    pub long_validity: bool,
    /// The slip ran out before the patient arrived ([`super::slip_expired`]).
    pub expired: bool,
    /// When the answer is due ([`super::answer_due`]); set once sent.
    pub answer_due: Option<DateTime<Utc>>,
    /// Sent and still unanswered past `answer_due` ([`super::is_overdue`]).
    pub overdue: bool,
    /// Outcome, once completed; always shown to the sender.
    pub outcome: Option<Outcome>,
    /// Discharge summary, once completed. Clinical: `null` for a reader who is not a
    /// party.
    pub discharge_summary: Option<String>,
    /// Diagnoses at discharge, once completed. Clinical: empty for a reader who is not a
    /// party.
    pub discharge_diagnoses: Vec<Diagnosis>,
    /// The referral this one was created from (redirected from, back-referral of, or
    /// transferred onward from).
    pub origin: Option<ReferralLink>,
    /// Referrals created from this one (its redirect, its back-referral, onward transfers).
    pub successors: Vec<ReferralLink>,
    /// Follow-up tasks set at completion (on the original referral; the station works
    /// them from its back-referral). Their clinical fields follow [`FollowUp`].
    pub follow_ups: Vec<FollowUp>,
    /// Transitions the reader may take now ([`super::allowed_actions`]): the buttons.
    pub allowed_actions: Vec<ReferralAction>,
    /// Whether the reader may edit the draft ([`super::may_edit`]).
    pub editable: bool,
    /// Version for `If-Match`.
    pub version: i64,
}

/// One row of `GET /referrals`: no patient identity unless the reader may see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReferralSummary {
    /// Id.
    pub id: i64,
    /// Slip number.
    pub slip_number: String,
    /// Status.
    pub status: ReferralStatus,
    /// Sending facility.
    pub from_facility: FacilityRef,
    /// Receiving facility.
    pub to_facility: FacilityRef,
    /// Direction.
    pub direction: Direction,
    /// Urgency.
    pub urgency: Urgency,
    /// Reason.
    pub reason: ReferralReason,
    /// Patient's full name. Clinical: `null` for a reader who is not a party.
    pub patient_name: Option<String>,
    /// Patient's initials.
    pub patient_initials: String,
    /// Main diagnosis. Clinical: `null` for a reader who is not a party.
    pub main_diagnosis: Option<Diagnosis>,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Sent at.
    pub sent_at: Option<DateTime<Utc>>,
    /// Answer due at.
    pub answer_due: Option<DateTime<Utc>>,
    /// Overdue flag.
    pub overdue: bool,
    /// Last day the slip may be used.
    pub valid_until: Option<NaiveDate>,
    /// Expired flag.
    pub expired: bool,
    /// Outcome, once completed.
    pub outcome: Option<Outcome>,
    /// Open follow-ups of this referral.
    pub open_follow_ups: i64,
}

/// Filters of `GET /referrals`, always within the reader's scope. Ordered by creation,
/// newest first, with a stable cursor; or (`sort=urgency`) most urgent first, then the
/// nearest answer deadline, where the cursor counts the rows already read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ReferralQuery {
    /// `inbox`: referred to the reader's facility; `outbox`: referred by it.
    #[serde(default, rename = "box")]
    pub mailbox: Option<ReferralBox>,
    /// Direction.
    pub direction: Option<Direction>,
    /// Status.
    pub status: Option<ReferralStatus>,
    /// Urgency.
    pub urgency: Option<Urgency>,
    /// Only overdue (`true`) or only not overdue (`false`).
    pub overdue: Option<bool>,
    /// Sending or receiving facility.
    pub facility_id: Option<i64>,
    /// Created on or after this day (Vietnam date).
    pub date_from: Option<NaiveDate>,
    /// Created on or before this day (Vietnam date).
    pub date_to: Option<NaiveDate>,
    /// Text in the slip number, or in the patient's name where the reader may see it.
    pub q: Option<String>,
    /// Order: `newest` (default) or `urgency` (emergency, urgent, routine; then the
    /// nearest answer deadline, none last; then newest).
    pub sort: Option<ReferralSort>,
    /// Page size (1–200, default 50).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<i64>,
    /// Cursor from the previous page.
    #[cfg_attr(feature = "openapi", param(pattern = r"^[0-9]{1,18}$"))]
    pub cursor: Option<String>,
}

/// Optional note on `send`, `accept` (e.g. "Khoa Cấp cứu sẵn sàng tiếp nhận").
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransitionNote {
    /// Note shown on the timeline.
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

/// Body of `POST /referrals/{id}/arrive`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ArriveInput {
    /// When the patient arrived, if recorded afterwards (default: now; never in the
    /// future).
    #[serde(default)]
    pub arrived_at: Option<DateTime<Utc>>,
    /// Note shown on the timeline.
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

/// Body of `POST /referrals/{id}/decline`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeclineInput {
    /// Why the receiver cannot take the patient.
    #[validate(
        length(max = 1000),
        custom(function = "crate::text::multi_line_not_blank")
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 1000,
            pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$",
            min_length = 1
        )
    )]
    pub reason: String,
}

/// Body of `POST /referrals/{id}/redirect`: the receiver names another facility. The
/// server creates the onward referral (from the redirecting facility to
/// `to_facility_id`, already sent, same patient and clinical summary) and links it to
/// this one (`kind = redirect`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RedirectInput {
    /// The facility the patient should go to instead.
    #[validate(range(min = 1))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub to_facility_id: i64,
    /// Why.
    #[validate(
        length(max = 1000),
        custom(function = "crate::text::multi_line_not_blank")
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 1000,
            pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$",
            min_length = 1
        )
    )]
    pub reason: String,
}

/// Body of `POST /referrals/{id}/cancel`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CancelInput {
    /// Why the referral is cancelled.
    #[validate(
        length(max = 1000),
        custom(function = "crate::text::multi_line_not_blank")
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 1000,
            pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$",
            min_length = 1
        )
    )]
    pub reason: String,
}

/// One follow-up task to set at completion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUpInput {
    /// Day the station should see the patient by.
    pub due_on: NaiveDate,
    /// What to do (e.g. "Đo huyết áp, đường huyết; tái khám nếu ...").
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
    pub instructions: String,
}

fn complete_rules(input: &CompleteInput) -> Result<(), ValidationError> {
    match (
        input.outcome.creates_back_referral(),
        input.follow_ups.is_empty(),
    ) {
        (true, true) => Err(validation::on_field(
            ValidationError::new("follow_ups_required"),
            "follow_ups",
        )),
        (false, false) => Err(validation::on_field(
            ValidationError::new("follow_ups_not_allowed"),
            "follow_ups",
        )),
        _ => Ok(()),
    }
}

/// Body of `POST /referrals/{id}/complete`. With `returned_to_referrer` the server
/// creates a back-referral to the sending facility (`direction = down`,
/// `kind = back_referral`) carrying the follow-ups, which are required then and refused
/// for every other outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[validate(schema(function = "complete_rules", skip_on_field_errors = false))]
pub struct CompleteInput {
    /// How care ended.
    pub outcome: Outcome,
    /// Discharge summary for the referrer: course, results, treatment, advice.
    #[validate(
        length(max = 8000),
        custom(function = "crate::text::multi_line_not_blank")
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 8000,
            pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$",
            min_length = 1
        )
    )]
    pub discharge_summary: String,
    /// Diagnoses at discharge (ICD-10), main first.
    #[serde(default)]
    #[validate(nested, length(max = 20))]
    pub discharge_diagnoses: Vec<Diagnosis>,
    /// Follow-up tasks for the station (1–20 with `returned_to_referrer`).
    #[serde(default)]
    #[validate(nested, length(max = 20))]
    pub follow_ups: Vec<FollowUpInput>,
    /// Tests and imaging during the stay; the back-referral's "Kết quả xét nghiệm, cận
    /// lâm sàng".
    #[serde(default)]
    #[validate(length(max = 4000), custom(function = "crate::text::multi_line"))]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 4000,
            pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
        )
    )]
    pub tests_summary: Option<String>,
    /// Procedures and medicines given; the back-referral's "Phương pháp, thủ thuật, kỹ
    /// thuật, thuốc đã sử dụng trong điều trị".
    #[serde(default)]
    #[validate(length(max = 4000), custom(function = "crate::text::multi_line"))]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 4000,
            pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
        )
    )]
    pub treatment_given: Option<String>,
    /// The patient's condition on leaving; the back-referral's "Tình trạng người bệnh lúc
    /// chuyển" (when absent, the discharge summary stands in for it).
    #[serde(default)]
    #[validate(length(max = 2000), custom(function = "crate::text::multi_line"))]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 2000,
            pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
        )
    )]
    pub condition_at_discharge: Option<String>,
}

impl CompleteInput {
    /// The clinical part of the back-referral a completion with `returned_to_referrer`
    /// sends to the referrer, field by field: the discharge summary as the signs, the
    /// tests, the discharge diagnoses (the slip's when none are given), the treatment
    /// given, the condition on leaving, and the follow-ups (dated) as the treatment
    /// direction. The server sends exactly this; the SPA shows it for review first.
    pub fn back_referral_clinical(&self, slip: &ClinicalSummary) -> ClinicalSummary {
        let text = |value: &Option<String>| {
            value
                .as_deref()
                .map(str::trim)
                .filter(|text| !text.is_empty())
                .map(str::to_string)
        };
        let summary = self.discharge_summary.trim().to_string();
        let directions: Vec<String> = self
            .follow_ups
            .iter()
            .map(|f| format!("{}: {}", f.due_on.format("%d/%m/%Y"), f.instructions.trim()))
            .collect();
        ClinicalSummary {
            condition_at_transfer: text(&self.condition_at_discharge)
                .unwrap_or_else(|| summary.clone()),
            signs: summary,
            tests_summary: text(&self.tests_summary),
            diagnoses: if self.discharge_diagnoses.is_empty() {
                slip.diagnoses.clone()
            } else {
                self.discharge_diagnoses.clone()
            },
            treatment_given: text(&self.treatment_given),
            treatment_direction: Some(directions.join("\n")).filter(|text| !text.is_empty()),
            previously_treated_at: Vec::new(),
            specialty: None,
        }
    }
}

/// One visit recorded against a follow-up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUpVisit {
    /// Id.
    pub id: i64,
    /// Day of the visit.
    pub visited_on: NaiveDate,
    /// What was found and done. Clinical: `null` for a reader who is not a party.
    pub notes: Option<String>,
    /// Who recorded it.
    pub recorded_by: String,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
}

/// A follow-up task at the station after the patient came back (`GET /follow-ups`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUp {
    /// Id.
    pub id: i64,
    /// The completed referral that set it.
    pub referral_id: i64,
    /// The back-referral that carries it to the station.
    pub back_referral_id: Option<i64>,
    /// The facility that follows the patient up (the original sender).
    pub facility: FacilityRef,
    /// Patient's full name. Clinical: `null` for a reader who is not a party.
    pub patient_name: Option<String>,
    /// Patient's initials.
    pub patient_initials: String,
    /// Day due.
    pub due_on: NaiveDate,
    /// What to do. Clinical: `null` for a reader who is not a party.
    pub instructions: Option<String>,
    /// Status.
    pub status: FollowUpStatus,
    /// Open past its due day ([`super::follow_up_overdue`]).
    pub overdue: bool,
    /// Visits recorded.
    pub visits: Vec<FollowUpVisit>,
    /// When it was closed (done or missed).
    pub closed_at: Option<DateTime<Utc>>,
    /// Version for `If-Match`.
    pub version: i64,
}

/// Body of `POST /follow-ups/{id}/visits`: records a visit, and closes the task as done
/// when `close` is set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUpVisitInput {
    /// Day of the visit.
    pub visited_on: NaiveDate,
    /// What was found and done.
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
    pub notes: String,
    /// Close the follow-up as done.
    #[serde(default)]
    pub close: bool,
}

/// Body of `POST /follow-ups/{id}/missed`: the patient did not come and cannot be
/// reached; closes the task as missed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUpMissedInput {
    /// What was tried.
    #[validate(
        length(max = 1000),
        custom(function = "crate::text::multi_line_not_blank")
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 1000,
            pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$",
            min_length = 1
        )
    )]
    pub reason: String,
}

/// Filters of `GET /follow-ups`, within the reader's scope, ordered by due day.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct FollowUpQuery {
    /// Facility doing the follow-up.
    pub facility_id: Option<i64>,
    /// Status.
    pub status: Option<FollowUpStatus>,
    /// Only late (`true`) or only not late (`false`).
    pub overdue: Option<bool>,
    /// Due on or after.
    pub due_from: Option<NaiveDate>,
    /// Due on or before.
    pub due_to: Option<NaiveDate>,
    /// Page size (1–200, default 50).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<i64>,
    /// Cursor from the previous page.
    #[cfg_attr(feature = "openapi", param(pattern = r"^[0-9]{1,18}$"))]
    pub cursor: Option<String>,
}

/// One entry of a referral's timeline (`GET /referrals/{id}/events`), oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReferralEvent {
    /// Id.
    pub id: i64,
    /// Referral.
    pub referral_id: i64,
    /// What happened.
    pub kind: ReferralEventKind,
    /// Status before (none at creation).
    pub from_status: Option<ReferralStatus>,
    /// Status after.
    pub to_status: ReferralStatus,
    /// Who acted (person's user name, or `api:<client name>`).
    pub actor: String,
    /// The person's full name (e.g. "BS. Trần Văn Bình"), absent for an integration
    /// client or a removed account. Public: staff names are not patient data.
    #[serde(default)]
    pub actor_name: Option<String>,
    /// Their role, when a person.
    pub actor_role: Option<Role>,
    /// Their facility.
    pub facility: FacilityRef,
    /// When.
    pub at: DateTime<Utc>,
    /// Note or reason given. Clinical: `null` for a reader who is not a party.
    pub note: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Lang;
    use crate::validation::field_messages;

    fn d(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default()
    }

    fn messages(
        result: Result<(), ValidationErrors>,
    ) -> std::collections::BTreeMap<String, Vec<String>> {
        field_messages(&result.err().unwrap_or_default(), Lang::Vi)
    }

    fn patient() -> Patient {
        Patient {
            full_name: "Nguyễn Văn An".into(),
            birth_date: Some(d(1958, 7, 14)),
            birth_year: None,
            sex: Sex::Male,
            citizen_id: Some("074058001234".into()),
            insurance_number: Some("HT3747421234567".into()),
            insurance_expiry: Some(d(2026, 12, 31)),
            address: Some("Khu phố 3, phường An Phú, TP. Hồ Chí Minh".into()),
            ethnicity: Some("Kinh".into()),
            nationality: default_nationality(),
            occupation: Some("Hưu trí".into()),
            workplace: None,
            contact_phone: Some("0912 345 678".into()),
        }
    }

    #[test]
    fn a_birth_in_the_future_is_refused() {
        let tomorrow = crate::time::vietnam_date(chrono::Utc::now()) + chrono::Duration::days(1);
        let born_tomorrow = Patient {
            birth_date: Some(tomorrow),
            ..patient()
        };
        assert!(messages(born_tomorrow.validate()).contains_key("birth_date"));
        let next_year = Patient {
            birth_date: None,
            birth_year: Some(tomorrow.year() + 1),
            ..patient()
        };
        assert!(messages(next_year.validate()).contains_key("birth_year"));
        let today = Patient {
            birth_date: Some(tomorrow - chrono::Duration::days(1)),
            ..patient()
        };
        assert!(today.validate().is_ok());
    }

    #[test]
    fn single_line_fields_refuse_line_breaks_and_notes_keep_them() {
        let patient = Patient {
            full_name: "Nguyễn\r\nVăn An".into(),
            ..patient()
        };
        assert!(messages(patient.validate()).contains_key("full_name"));
        let mut draft = complete_draft();
        draft.reason_text = Some("Dòng 1\nDòng 2".into());
        assert!(draft.validate().is_ok());
        draft.reason_text = Some("Dòng 1\u{1b}[2J".into());
        assert!(messages(draft.validate()).contains_key("reason_text"));
    }

    fn complete_draft() -> ReferralInput {
        ReferralInput {
            to_facility_id: 2,
            direction: Direction::Up,
            urgency: Urgency::Emergency,
            reason: ReferralReason::BeyondCapability,
            reason_text: Some("Cần can thiệp mạch vành".into()),
            patient: patient(),
            clinical: ClinicalSummary {
                signs: "Đau ngực trái dữ dội 2 giờ, vã mồ hôi".into(),
                tests_summary: Some("ECG: ST chênh lên V1–V4".into()),
                diagnoses: vec![
                    Diagnosis {
                        code: "I21.0".into(),
                        name: "Nhồi máu cơ tim cấp thành trước".into(),
                    },
                    Diagnosis {
                        code: "E11.9".into(),
                        name: "Đái tháo đường típ 2".into(),
                    },
                ],
                treatment_given: Some("Aspirin 300 mg, thở oxy".into()),
                condition_at_transfer: "Tỉnh, HA 100/60 mmHg".into(),
                treatment_direction: Some("Can thiệp mạch vành cấp cứu".into()),
                previously_treated_at: vec![PriorTreatment {
                    facility_name: "Trạm Y tế An Phú".into(),
                    from_date: Some(d(2026, 3, 1)),
                    to_date: Some(d(2026, 3, 2)),
                }],
                specialty: Some("tim_mach".into()),
            },
            transport: Transport {
                means: Some(TransportMeans::Ambulance),
                escort_name: Some("Lê Thị Hoa".into()),
                escort_title: Some("Điều dưỡng".into()),
                emergency_centre_requested: true,
            },
            signed_by: Some(Signatory {
                full_name: "Trần Văn Bình".into(),
                title: Some("Trạm trưởng".into()),
            }),
            physician: None,
            attachments: vec!["ecg.jpg".into()],
        }
    }

    #[test]
    fn a_complete_slip_passes_both_checks() {
        let input = complete_draft();
        assert!(input.validate_draft(1).is_ok());
        assert!(
            input.validate_send(1).is_ok(),
            "{:?}",
            messages(input.validate_send(1))
        );
    }

    #[test]
    fn a_sparse_draft_may_be_saved_but_not_sent() {
        let json = serde_json::json!({
            "to_facility_id": 2,
            "direction": "up",
            "urgency": "emergency",
            "reason": "meets_transfer_rules",
            "patient": {"full_name": "Phạm Thị Cúc", "birth_year": 1990, "sex": "female"}
        });
        let input: ReferralInput = serde_json::from_value(json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(input.patient.nationality, "Việt Nam");
        assert!(input.validate_draft(1).is_ok());
        let found = messages(input.validate_send(1));
        let keys: Vec<&str> = found.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            vec![
                "clinical.condition_at_transfer",
                "clinical.diagnoses",
                "clinical.signs",
                "signed_by",
                "transport.escort_name",
                "transport.means",
            ]
        );
        assert_eq!(
            found["clinical.diagnoses"],
            vec!["Cần ít nhất một chẩn đoán có mã ICD-10 trước khi gửi phiếu chuyển"]
        );
        assert_eq!(
            found["transport.escort_name"],
            vec!["Chuyển cấp cứu phải có người hộ tống (họ tên, chức danh)"]
        );
        // A routine referral needs no escort.
        let routine = ReferralInput {
            urgency: Urgency::Routine,
            ..input
        };
        assert!(!messages(routine.validate_send(1)).contains_key("transport.escort_name"));
    }

    #[test]
    fn field_errors_have_dotted_paths() {
        let mut input = complete_draft();
        input.to_facility_id = 1;
        input.patient.citizen_id = Some("12345".into());
        input.patient.insurance_number = Some("XX".into());
        input.clinical.diagnoses[1].code = "e11.9".into();
        input.clinical.previously_treated_at[0].to_date = Some(d(2026, 2, 1));
        input.attachments.push("../x".into());
        let found = messages(input.validate_draft(1));
        for key in [
            "to_facility_id",
            "patient.citizen_id",
            "patient.insurance_number",
            "clinical.diagnoses[1].code",
            "clinical.previously_treated_at[0].to_date",
            "attachments",
        ] {
            assert!(found.contains_key(key), "{key} in {found:?}");
        }
        assert_eq!(
            found["to_facility_id"],
            vec!["Cơ sở nhận phải khác cơ sở chuyển"]
        );
        assert_eq!(found.len(), 6, "{found:?}");
    }

    #[test]
    fn birth_date_or_year_is_required_and_consistent() {
        let mut p = patient();
        assert!(p.validate().is_ok());
        p.birth_date = None;
        let found = messages(p.validate());
        assert_eq!(
            found["birth_year"],
            vec!["Cần nhập ngày sinh hoặc năm sinh"]
        );
        p.birth_year = Some(1958);
        assert!(p.validate().is_ok());
        p.birth_date = Some(d(1959, 1, 1));
        let found = messages(p.validate());
        assert_eq!(
            found["birth_year"],
            vec!["Năm sinh không khớp với ngày sinh"]
        );
        p.birth_year = None;
        p.birth_date = Some(d(1850, 1, 1));
        assert!(messages(p.validate()).contains_key("birth_date"));
        // Nested under the referral, the path carries the prefix.
        let mut input = complete_draft();
        input.patient.birth_date = None;
        let found = messages(input.validate_draft(1));
        assert!(found.contains_key("patient.birth_year"), "{found:?}");
    }

    #[test]
    fn duplicate_diagnoses_are_refused() {
        let mut input = complete_draft();
        input.clinical.diagnoses[1].code = "I21.0".into();
        let found = messages(input.validate_draft(1));
        assert_eq!(found["clinical.diagnoses"], vec!["Giá trị bị trùng lặp"]);
    }

    #[test]
    fn patient_helpers() {
        let p = patient();
        assert_eq!(p.initials(), "N.V.A.");
        assert_eq!(patient_initials("  đặng   thị bé "), "Đ.T.B.");
        assert_eq!(patient_initials(""), "");
        assert_eq!(p.year_of_birth(), Some(1958));
        assert_eq!(p.age_on(d(2026, 7, 13)), Some(67));
        assert_eq!(p.age_on(d(2026, 7, 14)), Some(68));
        let by_year = Patient {
            birth_date: None,
            birth_year: Some(1990),
            ..p
        };
        assert_eq!(by_year.age_on(d(2026, 1, 1)), Some(36));
        assert_eq!(by_year.year_of_birth(), Some(1990));
    }

    #[test]
    fn completion_requires_follow_ups_exactly_when_returning() {
        let follow_up = FollowUpInput {
            due_on: d(2026, 4, 1),
            instructions: "Đo huyết áp, tái khám sau 2 tuần".into(),
        };
        let complete = |outcome, follow_ups: Vec<FollowUpInput>| CompleteInput {
            outcome,
            discharge_summary: "Đặt stent LAD, ổn định".into(),
            discharge_diagnoses: vec![],
            follow_ups,
            tests_summary: None,
            treatment_given: None,
            condition_at_discharge: None,
        };
        assert!(
            complete(Outcome::ReturnedToReferrer, vec![follow_up.clone()])
                .validate()
                .is_ok()
        );
        let found = messages(complete(Outcome::ReturnedToReferrer, vec![]).validate());
        assert_eq!(
            found["follow_ups"],
            vec!["Chuyển người bệnh về nơi chuyển đi cần ít nhất một hẹn theo dõi"]
        );
        for outcome in Outcome::all() {
            let with = complete(*outcome, vec![follow_up.clone()])
                .validate()
                .is_ok();
            let without = complete(*outcome, vec![]).validate().is_ok();
            assert_eq!(with, outcome.creates_back_referral(), "{outcome}");
            assert_eq!(without, !outcome.creates_back_referral(), "{outcome}");
        }
        let blank = CompleteInput {
            discharge_summary: " ".into(),
            ..complete(Outcome::Discharged, vec![])
        };
        assert!(messages(blank.validate()).contains_key("discharge_summary"));
    }

    #[test]
    fn the_back_referral_takes_each_field_from_its_own_field_of_the_completion() {
        let slip = ClinicalSummary {
            diagnoses: vec![Diagnosis {
                code: "I21.0".into(),
                name: "Nhồi máu cơ tim".into(),
            }],
            specialty: Some("tim_mach".into()),
            ..ClinicalSummary::default()
        };
        let completion = CompleteInput {
            outcome: Outcome::ReturnedToReferrer,
            discharge_summary: " Đặt stent LAD, ổn định ".into(),
            discharge_diagnoses: vec![],
            follow_ups: vec![FollowUpInput {
                due_on: d(2026, 4, 1),
                instructions: "Đo huyết áp".into(),
            }],
            tests_summary: Some("Troponin về bình thường".into()),
            treatment_given: Some("Aspirin, Clopidogrel".into()),
            condition_at_discharge: Some("Tỉnh, đi lại được".into()),
        };
        let back = completion.back_referral_clinical(&slip);
        assert_eq!(back.signs, "Đặt stent LAD, ổn định");
        assert_eq!(
            back.tests_summary.as_deref(),
            Some("Troponin về bình thường")
        );
        assert_eq!(
            back.diagnoses, slip.diagnoses,
            "the slip's when none at discharge"
        );
        assert_eq!(
            back.treatment_given.as_deref(),
            Some("Aspirin, Clopidogrel")
        );
        assert_eq!(back.condition_at_transfer, "Tỉnh, đi lại được");
        assert_eq!(
            back.treatment_direction.as_deref(),
            Some("01/04/2026: Đo huyết áp")
        );
        assert_eq!(back.specialty, None);
        // Without a condition on leaving, the summary stands in for it.
        let short = CompleteInput {
            condition_at_discharge: Some("  ".into()),
            ..completion
        };
        assert_eq!(
            short.back_referral_clinical(&slip).condition_at_transfer,
            "Đặt stent LAD, ổn định"
        );
    }

    #[test]
    fn transition_bodies_validate() {
        assert!(
            DeclineInput {
                reason: "  ".into()
            }
            .validate()
            .is_err()
        );
        assert!(
            RedirectInput {
                to_facility_id: 0,
                reason: "Hết giường hồi sức".into()
            }
            .validate()
            .is_err()
        );
        assert!(
            CancelInput {
                reason: "Người bệnh từ chối chuyển".into()
            }
            .validate()
            .is_ok()
        );
        assert!(
            FollowUpVisitInput {
                visited_on: d(2026, 4, 1),
                notes: String::new(),
                close: true
            }
            .validate()
            .is_err()
        );
        let note: TransitionNote = serde_json::from_str("{}").unwrap_or_default();
        assert_eq!(note.note, None);
        let arrive: ArriveInput = serde_json::from_str("{}").unwrap_or_default();
        assert!(arrive.validate().is_ok());
    }

    #[test]
    fn enums_speak_the_form() {
        use crate::Labelled;
        assert_eq!(ReferralReason::MeetsTransferRules.number(), 1);
        assert_eq!(ReferralReason::BeyondCapability.number(), 2);
        assert_eq!(ReferralReason::PatientRequest.number(), 3);
        assert_eq!(
            ReferralReason::BeyondCapability.label(Lang::Vi),
            "Vượt quá khả năng chuyên môn"
        );
        assert_eq!(Sex::Female.label(Lang::Vi), "Nữ");
        assert_eq!(Urgency::Emergency.label(Lang::Vi), "Cấp cứu");
        assert_eq!(
            ReferralEventKind::from(ReferralAction::Arrive),
            ReferralEventKind::Arrive
        );
        for action in ReferralAction::all() {
            assert_eq!(
                ReferralEventKind::from(*action).as_str(),
                action.as_str(),
                "event kinds reuse the action codes"
            );
        }
        use TechnicalLevel::*;
        assert_eq!(
            Direction::between(Some(Initial), Some(Basic)),
            Some(Direction::Up)
        );
        assert_eq!(
            Direction::between(Some(Specialized), Some(Initial)),
            Some(Direction::Down)
        );
        assert_eq!(
            Direction::between(Some(Basic), Some(Basic)),
            Some(Direction::Lateral)
        );
        assert_eq!(Direction::between(None, Some(Basic)), None);
    }

    #[test]
    fn query_uses_box_on_the_wire() {
        let query: ReferralQuery =
            serde_json::from_value(serde_json::json!({"box": "inbox", "overdue": true}))
                .unwrap_or_default();
        assert_eq!(query.mailbox, Some(ReferralBox::Inbox));
        assert_eq!(query.overdue, Some(true));
        let json = serde_json::to_value(&query).unwrap_or_default();
        assert_eq!(json["box"], "inbox");
    }

    #[cfg(feature = "openapi")]
    #[test]
    fn openapi_names_follow_the_wire() {
        use utoipa::{IntoParams, PartialSchema};
        let names: Vec<String> = ReferralQuery::into_params(|| None)
            .into_iter()
            .map(|p| p.name)
            .collect();
        assert_eq!(names[0], "box", "{names:?}");
        assert!(!names.iter().any(|n| n == "mailbox"));
        let schema = serde_json::to_value(Referral::schema()).unwrap_or_default();
        for field in [
            "patient",
            "allowed_actions",
            "overdue",
            "valid_until",
            "version",
        ] {
            assert!(schema["properties"].get(field).is_some(), "{field}");
        }
    }

    #[test]
    fn referral_round_trips_through_json() {
        let input = complete_draft();
        let referral = Referral {
            id: 7,
            slip_number: "74-TYT-ANPHU/2026/000007".into(),
            status: ReferralStatus::Sent,
            from_facility: FacilityRef {
                id: 1,
                code: "74-TYT-ANPHU".into(),
                name: "Trạm Y tế An Phú".into(),
                kind: crate::registry::FacilityKind::HealthStation,
            },
            to_facility: FacilityRef {
                id: 2,
                code: "74-TTYT-TA".into(),
                name: "Trung tâm Y tế khu vực Thuận An".into(),
                kind: crate::registry::FacilityKind::RegionalHealthCenter,
            },
            direction: input.direction,
            urgency: input.urgency,
            reason: input.reason,
            reason_text: input.reason_text.clone(),
            patient: None,
            patient_initials: input.patient.initials(),
            clinical: None,
            transport: input.transport.clone(),
            signed_by: input.signed_by.clone(),
            physician: None,
            attachments: input.attachments.clone(),
            created_by: "tram.anphu".into(),
            created_at: DateTime::<Utc>::UNIX_EPOCH,
            updated_at: DateTime::<Utc>::UNIX_EPOCH,
            sent_at: Some(DateTime::<Utc>::UNIX_EPOCH),
            answered_at: None,
            arrived_at: None,
            closed_at: None,
            status_reason: None,
            signed_on: Some(d(1970, 1, 1)),
            valid_until: Some(d(1971, 12, 31)),
            long_validity: true,
            expired: false,
            answer_due: None,
            overdue: false,
            outcome: None,
            discharge_summary: None,
            discharge_diagnoses: vec![],
            origin: None,
            successors: vec![],
            follow_ups: vec![],
            allowed_actions: vec![ReferralAction::Cancel],
            editable: false,
            version: 3,
        };
        let json = serde_json::to_value(&referral).unwrap_or_default();
        assert_eq!(json["status"], "sent");
        assert_eq!(json["patient"], serde_json::Value::Null);
        assert_eq!(json["patient_initials"], "N.V.A.");
        assert_eq!(json["allowed_actions"][0], "cancel");
        let back: Option<Referral> = serde_json::from_value(json).ok();
        assert_eq!(back.as_ref(), Some(&referral));
    }
}
