//! The registry: facilities with their capabilities and support links, departments,
//! staff with licences and leave, and user accounts.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use validator::{Validate, ValidationError};

use crate::auth::Role;
use crate::technique::{CapabilitySource, TechniqueStatus};
use crate::validation;

pub mod import;

labelled_enum! {
    /// Kind of health facility.
    pub enum FacilityKind {
        HealthDepartment = "health_department", "Sở Y tế", "Department of Health";
        SpecializedHospital = "specialized_hospital", "Bệnh viện chuyên khoa", "Specialised hospital";
        GeneralHospital = "general_hospital", "Bệnh viện đa khoa", "General hospital";
        RegionalHealthCenter = "regional_health_center", "Trung tâm Y tế khu vực", "Regional health centre";
        HealthStation = "health_station", "Trạm Y tế", "Health station";
        SocialProtectionCenter = "social_protection_center", "Trung tâm bảo trợ xã hội", "Social protection centre";
        EmergencyCenter = "emergency_center", "Trung tâm cấp cứu 115", "Emergency centre (115)";
    }
}

labelled_enum! {
    /// Technical level under the 2023 Law on Medical Examination and Treatment.
    pub enum TechnicalLevel {
        Initial = "initial", "Cấp khám bệnh, chữa bệnh ban đầu", "Initial level";
        Basic = "basic", "Cấp khám bệnh, chữa bệnh cơ bản", "Basic level";
        Specialized = "specialized", "Cấp khám bệnh, chữa bệnh chuyên sâu", "Specialised level";
    }
}

impl TechnicalLevel {
    /// Rank for comparing levels: initial 1, basic 2, specialised 3.
    pub fn rank(self) -> u8 {
        match self {
            TechnicalLevel::Initial => 1,
            TechnicalLevel::Basic => 2,
            TechnicalLevel::Specialized => 3,
        }
    }
}

labelled_enum! {
    /// What a capability names.
    pub enum CapabilityKind {
        Specialty = "specialty", "Chuyên khoa", "Specialty";
        Technique = "technique", "Kỹ thuật", "Technique";
    }
}

labelled_enum! {
    /// Kind of department (khoa / phòng).
    pub enum DepartmentKind {
        Clinical = "clinical", "Khoa lâm sàng", "Clinical";
        Paraclinical = "paraclinical", "Khoa cận lâm sàng", "Paraclinical";
        Functional = "functional", "Phòng chức năng", "Functional office";
    }
}

labelled_enum! {
    /// Profession of a member of staff.
    pub enum Profession {
        Doctor = "doctor", "Bác sĩ", "Doctor";
        PhysicianAssistant = "physician_assistant", "Y sĩ", "Physician assistant";
        Nurse = "nurse", "Điều dưỡng", "Nurse";
        Midwife = "midwife", "Hộ sinh", "Midwife";
        Technician = "technician", "Kỹ thuật viên", "Technician";
        Pharmacist = "pharmacist", "Dược sĩ", "Pharmacist";
    }
}

labelled_enum! {
    /// Why a member of staff is never sent on rotation (Decision 1816/QĐ-BYT).
    pub enum RotationExemption {
        Pregnant = "pregnant", "Đang mang thai", "Pregnant";
        ChildUnder36Months = "child_under_36_months", "Nuôi con dưới 36 tháng tuổi", "Caring for a child under 36 months";
        Other = "other", "Lý do khác", "Other reason";
    }
}

labelled_enum! {
    /// Kind of leave period.
    pub enum LeaveKind {
        Annual = "annual", "Nghỉ phép năm", "Annual leave";
        Sick = "sick", "Nghỉ ốm", "Sick leave";
        Maternity = "maternity", "Nghỉ thai sản", "Maternity leave";
        Training = "training", "Đi học, tập huấn", "Training";
        Other = "other", "Nghỉ khác", "Other";
    }
}

/// Specialty codes the network uses, with their labels (code, Vietnamese, English).
/// Capabilities and scopes of practice use these codes; unknown codes are allowed for
/// named techniques but show without a label.
pub const SPECIALTIES: &[(&str, &str, &str)] = &[
    ("noi_khoa", "Nội khoa", "Internal medicine"),
    ("ngoai_khoa", "Ngoại khoa", "Surgery"),
    ("san_phu_khoa", "Sản phụ khoa", "Obstetrics and gynaecology"),
    ("nhi_khoa", "Nhi khoa", "Paediatrics"),
    ("tim_mach", "Tim mạch", "Cardiology"),
    ("than_kinh", "Thần kinh", "Neurology"),
    ("dot_quy", "Đột quỵ", "Stroke"),
    ("ung_buou", "Ung bướu", "Oncology"),
    (
        "chan_thuong_chinh_hinh",
        "Chấn thương chỉnh hình",
        "Orthopaedics and trauma",
    ),
    ("tiet_nieu", "Tiết niệu", "Urology"),
    (
        "noi_tiet",
        "Nội tiết – Đái tháo đường",
        "Endocrinology and diabetes",
    ),
    ("ho_hap", "Hô hấp", "Respiratory medicine"),
    ("truyen_nhiem", "Truyền nhiễm", "Infectious diseases"),
    (
        "hoi_suc_cap_cuu",
        "Hồi sức cấp cứu",
        "Emergency and intensive care",
    ),
    ("y_hoc_co_truyen", "Y học cổ truyền", "Traditional medicine"),
    ("phuc_hoi_chuc_nang", "Phục hồi chức năng", "Rehabilitation"),
    ("chan_doan_hinh_anh", "Chẩn đoán hình ảnh", "Imaging"),
    ("xet_nghiem", "Xét nghiệm", "Laboratory"),
    ("duoc", "Dược", "Pharmacy"),
    ("dieu_duong", "Điều dưỡng", "Nursing"),
    ("ho_sinh", "Hộ sinh", "Midwifery"),
    ("rang_ham_mat", "Răng hàm mặt", "Dentistry"),
    ("tai_mui_hong", "Tai mũi họng", "Ear, nose and throat"),
    ("mat", "Mắt", "Ophthalmology"),
    ("da_lieu", "Da liễu", "Dermatology"),
    ("tam_than", "Tâm thần", "Psychiatry"),
    ("y_te_du_phong", "Y tế dự phòng", "Preventive medicine"),
    ("dinh_duong", "Dinh dưỡng", "Nutrition"),
    ("gia_dinh", "Y học gia đình", "Family medicine"),
];

/// The label of a specialty code, or the code itself when it is not in the catalogue.
pub fn specialty_label(code: &str, lang: crate::Lang) -> &str {
    SPECIALTIES
        .iter()
        .find(|(known, _, _)| *known == code)
        .map(|(_, vi, en)| if lang == crate::Lang::Vi { *vi } else { *en })
        .unwrap_or(code)
}

/// A short reference to a facility, embedded in other records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FacilityRef {
    /// Id.
    pub id: i64,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: FacilityKind,
}

/// A specialty or named technique a facility performs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Capability {
    /// Specialty or technique.
    pub kind: CapabilityKind,
    /// Code (lowercase snake case), e.g. `tim_mach`, `loc_mau_lien_tuc`.
    #[validate(custom(function = "validation::specialty_code"))]
    pub code: String,
    /// Name shown to people, e.g. "Lọc máu liên tục".
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
    pub name: String,
    /// Whether the facility offers it now (default `performing`): routing and the
    /// catalogue coverage count only `performing`.
    #[serde(default)]
    pub status: TechniqueStatus,
    /// How the facility came to it (default `declared`).
    #[serde(default)]
    pub source: CapabilitySource,
}

impl Capability {
    /// A capability the facility performs, as it declared it.
    pub fn declared(kind: CapabilityKind, code: &str, name: &str) -> Capability {
        Capability {
            kind,
            code: code.into(),
            name: name.into(),
            status: TechniqueStatus::Performing,
            source: CapabilitySource::Declared,
        }
    }
}

/// A health facility.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Facility {
    /// Id.
    pub id: i64,
    /// Code (the insurance facility code where there is one).
    pub code: String,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: FacilityKind,
    /// Technical level (none for a department of health).
    pub level: Option<TechnicalLevel>,
    /// Supervising facility.
    pub supervising_id: Option<i64>,
    /// Province or city.
    pub province: String,
    /// Ward or commune.
    pub ward: Option<String>,
    /// Street address.
    pub address: Option<String>,
    /// Latitude (WGS 84).
    pub latitude: Option<f64>,
    /// Longitude (WGS 84).
    pub longitude: Option<f64>,
    /// Phone.
    pub phone: Option<String>,
    /// Whether it is in service.
    pub active: bool,
    /// Specialties and techniques it performs.
    pub capabilities: Vec<Capability>,
    /// Facilities this one supports.
    pub supports: Vec<FacilityRef>,
    /// Facilities that support this one.
    pub supported_by: Vec<FacilityRef>,
    /// Version for `If-Match`.
    pub version: i64,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Last changed at.
    pub updated_at: DateTime<Utc>,
}

impl Facility {
    /// The body that replaces this facility with what it is now: an edit form starts
    /// from it.
    pub fn to_input(&self) -> FacilityInput {
        FacilityInput {
            code: self.code.clone(),
            name: self.name.clone(),
            kind: self.kind,
            level: self.level,
            supervising_id: self.supervising_id,
            province: self.province.clone(),
            ward: self.ward.clone(),
            address: self.address.clone(),
            latitude: self.latitude,
            longitude: self.longitude,
            phone: self.phone.clone(),
            active: self.active,
            capabilities: self.capabilities.clone(),
        }
    }
}

fn facility_input_rules(input: &FacilityInput) -> Result<(), ValidationError> {
    validation::coordinates(input.latitude, input.longitude)
}

/// Body to create (`POST /facilities`) or replace (`PUT /facilities/{id}`) a facility.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[validate(schema(function = "facility_input_rules", skip_on_field_errors = false))]
pub struct FacilityInput {
    /// Code, unique.
    #[validate(custom(function = "validation::code_format"))]
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[A-Za-z0-9._-]{1,32}$"))]
    pub code: String,
    /// Name.
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
    pub name: String,
    /// Kind.
    pub kind: FacilityKind,
    /// Technical level.
    #[serde(default)]
    pub level: Option<TechnicalLevel>,
    /// Supervising facility.
    #[serde(default)]
    pub supervising_id: Option<i64>,
    /// Province or city.
    #[validate(
        length(max = 100),
        custom(function = "crate::text::single_line_not_blank")
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 100,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$",
            min_length = 1
        )
    )]
    pub province: String,
    /// Ward or commune.
    #[serde(default)]
    #[validate(length(max = 100), custom(function = "crate::text::single_line"))]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 100, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$")
    )]
    pub ward: Option<String>,
    /// Street address.
    #[serde(default)]
    #[validate(length(max = 300), custom(function = "crate::text::single_line"))]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 300, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$")
    )]
    pub address: Option<String>,
    /// Latitude (WGS 84).
    #[serde(default)]
    pub latitude: Option<f64>,
    /// Longitude (WGS 84).
    #[serde(default)]
    pub longitude: Option<f64>,
    /// Phone.
    #[serde(default)]
    #[validate(custom(function = "validation::phone"))]
    pub phone: Option<String>,
    /// Whether it is in service (default true).
    #[serde(default = "default_true")]
    pub active: bool,
    /// Specialties and techniques.
    #[serde(default)]
    #[validate(nested, length(max = 200))]
    pub capabilities: Vec<Capability>,
}

fn default_true() -> bool {
    true
}

/// Filters of `GET /facilities`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct FacilityQuery {
    /// Kind.
    pub kind: Option<FacilityKind>,
    /// Technical level.
    pub level: Option<TechnicalLevel>,
    /// Province (exact).
    pub province: Option<String>,
    /// Supervised by this facility.
    pub supervising_id: Option<i64>,
    /// Supported by this facility (through a support link).
    pub supported_by: Option<i64>,
    /// Has this capability code (specialty or technique).
    pub capability: Option<String>,
    /// Text in code or name.
    pub q: Option<String>,
    /// Page size (1–200, default 50).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<i64>,
    /// Cursor from the previous page.
    #[cfg_attr(feature = "openapi", param(pattern = r"^[0-9]{1,18}$"))]
    pub cursor: Option<String>,
}

/// A support link: `supporter` provides professional support to `supported`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupportLink {
    /// Id.
    pub id: i64,
    /// The supporting facility.
    pub supporter: FacilityRef,
    /// The supported facility.
    pub supported: FacilityRef,
    /// Since when.
    pub since: Option<NaiveDate>,
    /// Note, e.g. the decision that set it up.
    pub note: Option<String>,
    /// Created at.
    pub created_at: DateTime<Utc>,
}

fn support_link_rules(input: &SupportLinkInput) -> Result<(), ValidationError> {
    if input.supporter_id == input.supported_id {
        Err(ValidationError::new("self_reference"))
    } else {
        Ok(())
    }
}

/// Body of `POST /support-links`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[validate(schema(function = "support_link_rules", skip_on_field_errors = false))]
pub struct SupportLinkInput {
    /// The supporting facility.
    pub supporter_id: i64,
    /// The supported facility.
    pub supported_id: i64,
    /// Since when.
    #[serde(default)]
    pub since: Option<NaiveDate>,
    /// Note.
    #[serde(default)]
    #[validate(length(max = 500), custom(function = "crate::text::multi_line"))]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 500,
            pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
        )
    )]
    pub note: Option<String>,
}

/// Filters of `GET /support-links`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct SupportLinkQuery {
    /// Supporting facility.
    pub supporter_id: Option<i64>,
    /// Supported facility.
    pub supported_id: Option<i64>,
    /// Page size (1–200, default 50).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<i64>,
    /// Cursor from the previous page.
    #[cfg_attr(feature = "openapi", param(pattern = r"^[0-9]{1,18}$"))]
    pub cursor: Option<String>,
}

/// A department (khoa / phòng) of a facility.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Department {
    /// Id.
    pub id: i64,
    /// Facility.
    pub facility_id: i64,
    /// Code, unique within the facility.
    pub code: String,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: DepartmentKind,
    /// Minimum staff that must stay on site, per profession.
    pub min_on_site: BTreeMap<Profession, i32>,
    /// Whether it is in service.
    pub active: bool,
    /// Number of active staff.
    pub staff_count: i64,
    /// Version for `If-Match`.
    pub version: i64,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Last changed at.
    pub updated_at: DateTime<Utc>,
}

impl Department {
    /// The body that replaces this department with what it is now.
    pub fn to_input(&self) -> DepartmentInput {
        DepartmentInput {
            facility_id: self.facility_id,
            code: self.code.clone(),
            name: self.name.clone(),
            kind: self.kind,
            min_on_site: self.min_on_site.clone(),
            active: self.active,
        }
    }
}

fn min_on_site_rules(map: &BTreeMap<Profession, i32>) -> Result<(), ValidationError> {
    if map.values().all(|n| (0..=500).contains(n)) {
        Ok(())
    } else {
        let mut error = ValidationError::new("range");
        error.add_param("min".into(), &0);
        error.add_param("max".into(), &500);
        Err(error)
    }
}

/// Body to create (`POST /departments`) or replace (`PUT /departments/{id}`) a department.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DepartmentInput {
    /// Facility (cannot change after creation).
    pub facility_id: i64,
    /// Code, unique within the facility.
    #[validate(custom(function = "validation::code_format"))]
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[A-Za-z0-9._-]{1,32}$"))]
    pub code: String,
    /// Name.
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
    pub name: String,
    /// Kind.
    pub kind: DepartmentKind,
    /// Minimum staff on site per profession.
    #[serde(default)]
    #[validate(custom(function = "min_on_site_rules"))]
    pub min_on_site: BTreeMap<Profession, i32>,
    /// Whether it is in service (default true).
    #[serde(default = "default_true")]
    pub active: bool,
}

/// Filters of `GET /departments`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct DepartmentQuery {
    /// Facility.
    pub facility_id: Option<i64>,
    /// Kind.
    pub kind: Option<DepartmentKind>,
    /// Page size (1–200, default 50).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<i64>,
    /// Cursor from the previous page.
    #[cfg_attr(feature = "openapi", param(pattern = r"^[0-9]{1,18}$"))]
    pub cursor: Option<String>,
}

/// A leave period of a member of staff.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Leave {
    /// Id.
    pub id: i64,
    /// Member of staff.
    pub staff_id: i64,
    /// Kind.
    pub kind: LeaveKind,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day (inclusive).
    pub end_date: NaiveDate,
    /// Note.
    pub note: Option<String>,
}

fn leave_rules(input: &LeaveInput) -> Result<(), ValidationError> {
    if input.end_date < input.start_date {
        Err(validation::date_order_error("end_date"))
    } else {
        Ok(())
    }
}

/// Body of `POST /staff/{id}/leaves`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[validate(schema(function = "leave_rules", skip_on_field_errors = false))]
pub struct LeaveInput {
    /// Kind.
    pub kind: LeaveKind,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day (inclusive).
    pub end_date: NaiveDate,
    /// Note.
    #[serde(default)]
    #[validate(length(max = 500), custom(function = "crate::text::multi_line"))]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 500,
            pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
        )
    )]
    pub note: Option<String>,
}

/// A member of staff.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Staff {
    /// Id.
    pub id: i64,
    /// Facility.
    pub facility_id: i64,
    /// Department.
    pub department_id: Option<i64>,
    /// Employee code.
    pub code: Option<String>,
    /// Full name.
    pub full_name: String,
    /// Profession.
    pub profession: Profession,
    /// Title or degree, e.g. "BSCKI", "ThS.BS".
    pub title: Option<String>,
    /// Practice licence number.
    pub licence_number: Option<String>,
    /// Citizen id (số định danh cá nhân on the CCCD card, 12 digits). Personal data of
    /// the staff member, not patient data: shown to admins, planners, the head of the
    /// member's own station and the member themselves; `null` for everyone else.
    pub citizen_id: Option<String>,
    /// Licence valid from.
    pub licence_valid_from: Option<NaiveDate>,
    /// Licence valid until (none: no expiry recorded).
    pub licence_valid_until: Option<NaiveDate>,
    /// Scope of practice: specialty codes.
    pub specialties: Vec<String>,
    /// Most rotation days per month.
    pub monthly_rotation_day_limit: i32,
    /// Why this person is never rotated, if so.
    pub rotation_exemption: Option<RotationExemption>,
    /// Phone.
    pub phone: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// Whether employed.
    pub active: bool,
    /// Leave periods.
    pub leaves: Vec<Leave>,
    /// Version for `If-Match`.
    pub version: i64,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Last changed at.
    pub updated_at: DateTime<Utc>,
}

/// How many days before its end a practice licence is flagged as soon expiring (the
/// time a renewal takes; the managers' work queue uses the same window).
pub const LICENCE_WARNING_DAYS: i64 = 60;

/// Where a practice licence stands on a day, for the flags in the staff list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LicenceStanding {
    /// Valid, and not ending within [`LICENCE_WARNING_DAYS`] (or no end recorded).
    Valid,
    /// Valid today, ending on this day, within [`LICENCE_WARNING_DAYS`].
    ExpiresSoon(NaiveDate),
    /// Ended on this day: the rotation rules refuse assignments after it.
    Expired(NaiveDate),
}

/// The standing on `today` of a licence valid until `valid_until` (inclusive); a licence
/// without an end date is valid.
pub fn licence_standing(valid_until: Option<NaiveDate>, today: NaiveDate) -> LicenceStanding {
    match valid_until {
        Some(until) if until < today => LicenceStanding::Expired(until),
        Some(until) if (until - today).num_days() <= LICENCE_WARNING_DAYS => {
            LicenceStanding::ExpiresSoon(until)
        }
        _ => LicenceStanding::Valid,
    }
}

impl Staff {
    /// Where this person's licence stands on `today`.
    pub fn licence_standing(&self, today: NaiveDate) -> LicenceStanding {
        licence_standing(self.licence_valid_until, today)
    }

    /// The body that replaces this member of staff with what they are now (their leave
    /// is kept apart, under `/staff/{id}/leaves`).
    pub fn to_input(&self) -> StaffInput {
        StaffInput {
            facility_id: self.facility_id,
            department_id: self.department_id,
            code: self.code.clone(),
            full_name: self.full_name.clone(),
            profession: self.profession,
            title: self.title.clone(),
            licence_number: self.licence_number.clone(),
            citizen_id: self.citizen_id.clone(),
            licence_valid_from: self.licence_valid_from,
            licence_valid_until: self.licence_valid_until,
            specialties: self.specialties.clone(),
            monthly_rotation_day_limit: self.monthly_rotation_day_limit,
            rotation_exemption: self.rotation_exemption,
            phone: self.phone.clone(),
            email: self.email.clone(),
            active: self.active,
        }
    }
}

fn staff_input_rules(input: &StaffInput) -> Result<(), ValidationError> {
    match (input.licence_valid_from, input.licence_valid_until) {
        (Some(from), Some(until)) if until < from => {
            Err(validation::date_order_error("licence_valid_until"))
        }
        _ => Ok(()),
    }
}

/// Body to create (`POST /staff`) or replace (`PUT /staff/{id}`) a member of staff.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[validate(schema(function = "staff_input_rules", skip_on_field_errors = false))]
pub struct StaffInput {
    /// Facility.
    pub facility_id: i64,
    /// Department (of the same facility).
    #[serde(default)]
    pub department_id: Option<i64>,
    /// Employee code.
    #[serde(default)]
    #[validate(custom(function = "validation::code_format"))]
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[A-Za-z0-9._-]{1,32}$"))]
    pub code: Option<String>,
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
    /// Profession.
    pub profession: Profession,
    /// Title or degree.
    #[serde(default)]
    #[validate(length(max = 60), custom(function = "crate::text::single_line"))]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 60, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$")
    )]
    pub title: Option<String>,
    /// Practice licence number.
    #[serde(default)]
    #[validate(
        length(min = 1, max = 40),
        custom(function = "crate::text::single_line")
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 40, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$")
    )]
    pub licence_number: Option<String>,
    /// Citizen id (CCCD, 12 digits); personal data of the staff member (see
    /// [`Staff::citizen_id`] for who sees it). On a replace by someone who may not see
    /// it, the recorded one is kept.
    #[serde(default)]
    #[validate(custom(function = "validation::citizen_id"))]
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[0-9]{12}$"))]
    pub citizen_id: Option<String>,
    /// Licence valid from.
    #[serde(default)]
    pub licence_valid_from: Option<NaiveDate>,
    /// Licence valid until.
    #[serde(default)]
    pub licence_valid_until: Option<NaiveDate>,
    /// Scope of practice: specialty codes.
    #[serde(default)]
    #[validate(length(max = 30), custom(function = "validation::specialty_codes"))]
    #[cfg_attr(feature = "openapi", schema(max_items = 30))]
    pub specialties: Vec<String>,
    /// Most rotation days per month (0–31, default 10).
    #[serde(default = "default_rotation_limit")]
    #[validate(range(min = 0, max = 31))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 31))]
    pub monthly_rotation_day_limit: i32,
    /// Rotation exemption.
    #[serde(default)]
    pub rotation_exemption: Option<RotationExemption>,
    /// Phone.
    #[serde(default)]
    #[validate(custom(function = "validation::phone"))]
    pub phone: Option<String>,
    /// Email.
    #[serde(default)]
    #[validate(custom(function = "validation::email"), length(max = 200))]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub email: Option<String>,
    /// Whether employed (default true).
    #[serde(default = "default_true")]
    pub active: bool,
}

fn default_rotation_limit() -> i32 {
    10
}

/// Filters of `GET /staff`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct StaffQuery {
    /// Facility.
    pub facility_id: Option<i64>,
    /// Department.
    pub department_id: Option<i64>,
    /// Profession.
    pub profession: Option<Profession>,
    /// Has this specialty in scope of practice.
    pub specialty: Option<String>,
    /// Licence valid on this date.
    pub licence_valid_on: Option<NaiveDate>,
    /// Active or not.
    pub active: Option<bool>,
    /// Text in name, code or licence number.
    pub q: Option<String>,
    /// Page size (1–200, default 50).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<i64>,
    /// Cursor from the previous page.
    #[cfg_attr(feature = "openapi", param(pattern = r"^[0-9]{1,18}$"))]
    pub cursor: Option<String>,
}

/// A user account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    /// Id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Full name.
    pub full_name: String,
    /// Role.
    pub role: Role,
    /// Facility.
    pub facility_id: i64,
    /// Linked staff record.
    pub staff_id: Option<i64>,
    /// Whether the account may sign in.
    pub active: bool,
    /// Last sign-in.
    pub last_login_at: Option<DateTime<Utc>>,
    /// Version for `If-Match`.
    pub version: i64,
    /// Created at.
    pub created_at: DateTime<Utc>,
}

/// Body of `POST /users`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewUser {
    /// Login name.
    #[validate(custom(function = "validation::username_format"))]
    pub username: String,
    /// Initial password.
    #[validate(custom(function = "validation::password_strength"))]
    pub password: String,
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
    /// Role.
    pub role: Role,
    /// Facility.
    pub facility_id: i64,
    /// Linked staff record.
    #[serde(default)]
    pub staff_id: Option<i64>,
}

/// Body of `PUT /users/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserUpdate {
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
    /// Role.
    pub role: Role,
    /// Facility.
    pub facility_id: i64,
    /// Linked staff record.
    #[serde(default)]
    pub staff_id: Option<i64>,
    /// Whether the account may sign in.
    pub active: bool,
}

/// Body of `POST /users/{id}/password`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordReset {
    /// New password.
    #[validate(custom(function = "validation::password_strength"))]
    pub password: String,
}

/// Filters of `GET /users`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct UserQuery {
    /// Facility.
    pub facility_id: Option<i64>,
    /// Role.
    pub role: Option<Role>,
    /// Whether the account may sign in (false: the disabled ones).
    pub active: Option<bool>,
    /// Text in username or name.
    pub q: Option<String>,
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
    use crate::{Labelled, Lang};

    #[test]
    fn licences_are_flagged_when_expired_or_ending_within_sixty_days() {
        let day = |text: &str| text.parse::<NaiveDate>().unwrap_or_default();
        let today = day("2026-12-07");
        assert_eq!(licence_standing(None, today), LicenceStanding::Valid);
        assert_eq!(
            licence_standing(Some(day("2026-12-06")), today),
            LicenceStanding::Expired(day("2026-12-06"))
        );
        // Valid through its last day, flagged until then.
        for until in ["2026-12-07", "2027-02-05"] {
            assert_eq!(
                licence_standing(Some(day(until)), today),
                LicenceStanding::ExpiresSoon(day(until))
            );
        }
        assert_eq!(
            licence_standing(Some(day("2027-02-06")), today),
            LicenceStanding::Valid
        );
    }

    #[test]
    fn enums_have_codes_and_labels() {
        assert_eq!(FacilityKind::HealthStation.as_str(), "health_station");
        assert_eq!(FacilityKind::HealthStation.label(Lang::Vi), "Trạm Y tế");
        assert_eq!("nurse".parse::<Profession>().ok(), Some(Profession::Nurse));
        assert_eq!(Profession::all().len(), 6);
        assert!(TechnicalLevel::Specialized.rank() > TechnicalLevel::Basic.rank());
    }

    #[test]
    fn specialty_labels_fall_back_to_code() {
        assert_eq!(specialty_label("nhi_khoa", Lang::Vi), "Nhi khoa");
        assert_eq!(specialty_label("nhi_khoa", Lang::En), "Paediatrics");
        assert_eq!(specialty_label("loc_mau", Lang::Vi), "loc_mau");
    }

    #[test]
    fn inputs_check_cross_field_rules() {
        let leave = LeaveInput {
            kind: LeaveKind::Annual,
            start_date: NaiveDate::from_ymd_opt(2026, 3, 10).unwrap_or_default(),
            end_date: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap_or_default(),
            note: None,
        };
        let errors = leave.validate().err().unwrap_or_default();
        let messages = crate::validation::field_messages(&errors, Lang::Vi);
        assert_eq!(
            messages["end_date"],
            vec!["Ngày kết thúc phải sau hoặc bằng ngày bắt đầu"]
        );
        let link = SupportLinkInput {
            supporter_id: 3,
            supported_id: 3,
            since: None,
            note: None,
        };
        assert!(link.validate().is_err());
    }

    #[test]
    fn facility_input_validates_nested_capabilities() {
        let input: FacilityInput = serde_json::from_value(serde_json::json!({
            "code": "74-001",
            "name": "Trạm Y tế An Phú",
            "kind": "health_station",
            "province": "TP. Hồ Chí Minh",
            "latitude": 10.9,
            "capabilities": [{"kind": "specialty", "code": "Bad Code", "name": ""}]
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        let errors = input.validate().err().unwrap_or_default();
        let messages = crate::validation::field_messages(&errors, Lang::En);
        assert!(
            messages.contains_key("capabilities[0].code"),
            "{messages:?}"
        );
        assert!(
            messages.contains_key("capabilities[0].name"),
            "{messages:?}"
        );
        assert!(messages.contains_key("latitude"), "{messages:?}");
    }
}
