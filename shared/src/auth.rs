//! Roles, sign-in, tokens and integration clients.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use validator::Validate;

use crate::registry::FacilityRef;

labelled_enum! {
    /// What a signed-in person does in the network (see DESIGN.md, "Who uses it").
    pub enum Role {
        Admin = "admin", "Quản trị hệ thống", "Administrator";
        HealthDepartment = "health_department", "Sở Y tế", "Health department";
        Director = "director", "Giám đốc", "Director";
        Planner = "planner", "Phòng Kế hoạch – Nghiệp vụ", "Planning officer";
        NursingHead = "nursing_head", "Phòng Điều dưỡng", "Nursing head";
        DepartmentHead = "department_head", "Trưởng khoa", "Department head";
        Clinician = "clinician", "Nhân viên y tế", "Clinician";
        StationHead = "station_head", "Trưởng trạm y tế", "Station head";
    }
}

labelled_enum! {
    /// A permission an integration client (e.g. a hospital HIS) may be granted.
    pub enum ApiScope {
        RegistryRead = "registry_read", "Đọc danh mục cơ sở, khoa, nhân sự", "Read the registry";
        ReferralsRead = "referrals_read", "Đọc hồ sơ chuyển tuyến", "Read referrals";
        ReferralsWrite = "referrals_write", "Tạo và xử lý chuyển tuyến", "Create and handle referrals";
        RotationsRead = "rotations_read", "Đọc lịch luân phiên", "Read rotation schedules";
        ConsultationsRead = "consultations_read", "Đọc lịch hội chẩn", "Read consultations";
        PlansRead = "plans_read", "Đọc kế hoạch và chỉ tiêu", "Read plans and indicators";
    }
}

labelled_enum! {
    /// Something a signed-in person may start at their own facility, not tied to a
    /// record (`GET /me` lists them; a record's own steps come with the record). The SPA
    /// shows its buttons from these, the server decides with the same policy. Named
    /// `UserCapability` in the contract: `Capability` there is a facility's specialty or
    /// technique.
    #[cfg_attr(feature = "openapi", schema(as = UserCapability))]
    pub enum Capability {
        /// Issue referral slips, record follow-up visits.
        CreateReferral = "create_referral", "Tạo phiếu chuyển tuyến", "Create referrals";
        /// Ask another facility for a consultation about a patient.
        RequestConsultation = "request_consultation", "Đề nghị hội chẩn", "Request consultations";
        /// Create, edit and cancel the consultation sessions the facility holds.
        ManageConsultationSessions = "manage_consultation_sessions", "Lập lịch hội chẩn", "Schedule consultation sessions";
        /// Write rotation plans, demands and assignments; generate, publish, swap.
        PlanRotations = "plan_rotations", "Lập lịch luân phiên", "Plan rotations";
        /// Record the attendance of the people rotated to one's station.
        ReceiveRotations = "receive_rotations", "Tiếp nhận nhân lực luân phiên", "Receive rotated staff";
        /// Write, submit, start, close and revise plans; evaluations and progress.
        WritePlans = "write_plans", "Lập kế hoạch", "Write plans";
        /// Report the facility's indicator values.
        EnterIndicatorValues = "enter_indicator_values", "Báo cáo số liệu chỉ tiêu", "Report indicator values";
        /// Approve (lock) the values reported under the facility's plans.
        ApproveIndicatorValues = "approve_indicator_values", "Duyệt số liệu chỉ tiêu", "Approve indicator values";
        /// Ask for support, or rate the support received.
        RequestSupport = "request_support", "Đề xuất hỗ trợ", "Request support";
        /// Accept or decline the support requests of the stations below.
        HandleSupportRequests = "handle_support_requests", "Xử lý đề xuất hỗ trợ", "Handle support requests";
        /// Edit the staff records (licence, scope, department, limits, leave) of one's
        /// own facility.
        ManageStaff = "manage_staff", "Quản lý nhân sự của cơ sở", "Manage the facility's staff";
        /// Edit the departments (minimum on-site staff) of one's own facility.
        ManageDepartments = "manage_departments", "Quản lý khoa, phòng của cơ sở", "Manage the facility's departments";
        /// Register and edit facilities and support links; with it, the departments and
        /// staff of every facility.
        ManageFacilities = "manage_facilities", "Quản lý danh mục cơ sở y tế", "Manage the facility registry";
        /// Keep the technique catalogue and the regional specialty networks.
        ManageTechniques = "manage_techniques", "Quản lý danh mục kỹ thuật và mạng lưới chuyên khoa", "Manage the technique catalogue and specialty networks";
        /// Create, disable and reset the accounts of users.
        ManageUsers = "manage_users", "Quản lý tài khoản người dùng", "Manage user accounts";
        /// Create and revoke integration clients.
        ManageApiClients = "manage_api_clients", "Quản lý ứng dụng tích hợp", "Manage integration clients";
        /// Read and export the audit trail.
        ReadAudit = "read_audit", "Xem nhật ký hệ thống", "Read the audit trail";
        /// Change the referral rules and the holiday calendar.
        ManageReferralRules = "manage_referral_rules", "Sửa quy định chuyển tuyến và ngày nghỉ lễ", "Change the referral rules and holidays";
        /// Keep checklist templates and run supervision visits to the facilities one's own
        /// supports.
        SuperviseFacilities = "supervise_facilities", "Giám sát chất lượng, bảng kiểm", "Supervise quality, keep checklists";
        /// Answer the corrective actions raised at one's own facility.
        AnswerCorrectiveActions = "answer_corrective_actions", "Báo cáo khắc phục sau giám sát", "Answer corrective actions";
        /// Draft and take steps on the technique-transfer agreements of one's facility.
        CoordinateTransfers = "coordinate_transfers", "Điều phối chuyển giao kỹ thuật", "Coordinate technique transfers";
    }
}

/// Credentials for `POST /auth/login`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    /// Login name.
    #[validate(length(min = 1, max = 64))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub username: String,
    /// Password.
    #[validate(length(min = 1, max = 128))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 128))]
    pub password: String,
}

/// The tokens a sign-in or refresh gives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenPair {
    /// Short-lived JWT for the `Authorization: Bearer` header.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// Single-use token for `POST /auth/refresh`; each use gives a new one.
    pub refresh_token: String,
    /// Seconds until the refresh token expires (never past 30 days from sign-in).
    pub refresh_expires_in: i64,
    /// The password was set by someone else: until it is changed (`POST /me/password`)
    /// these tokens can do nothing else.
    #[serde(default)]
    pub must_change_password: bool,
}

/// Body of `POST /me/password`: a signed-in user changes their own password.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordChange {
    /// The password signed in with.
    #[validate(length(min = 1, max = 128))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 128))]
    pub current_password: String,
    /// The new password (at least 10 characters with letters and digits).
    #[validate(custom(function = "crate::validation::password_strength"))]
    pub new_password: String,
}

/// `GET /setup`: what the sign-in page tells a visitor about this installation. Public
/// (no patient data).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetupStatus {
    /// No active admin account exists yet: run `tuyen create-admin --username NAME` on
    /// the server.
    pub needs_admin: bool,
    /// The database holds the demo network, whose accounts' passwords are public.
    pub demo: bool,
}

/// The command that creates the first admin, as the server and the SPA print it.
pub const CREATE_ADMIN_COMMAND: &str = "tuyen create-admin --username TÊN";

/// Body of `POST /auth/refresh` and `POST /auth/logout`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefreshRequest {
    /// The refresh token received last.
    #[validate(length(min = 1, max = 256))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 256))]
    pub refresh_token: String,
}

/// The signed-in principal, as `GET /me` describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    /// User id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Full name.
    pub full_name: String,
    /// Role.
    pub role: Role,
    /// The facility the user belongs to.
    pub facility: FacilityRef,
    /// Linked staff record, if the user is a member of staff.
    pub staff_id: Option<i64>,
    /// What the user may start at their facility now (records carry their own steps).
    #[serde(default)]
    pub capabilities: Vec<Capability>,
    /// The password was set by someone else and must be changed before anything else.
    #[serde(default)]
    pub must_change_password: bool,
    /// For admins and planners: years that matter today and have no holiday list in
    /// the referral rules (slip validity ignores their holidays); empty for others.
    /// Public (no patient data).
    #[serde(default)]
    pub holiday_years_missing: Vec<crate::referral::MissingHolidayYear>,
}

impl Me {
    /// Whether the user may start this at their facility.
    pub fn can(&self, capability: Capability) -> bool {
        self.capabilities.contains(&capability)
    }
}

/// An integration client as listed to admins (its token is never shown again).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiClient {
    /// Id.
    pub id: i64,
    /// Name, e.g. the hospital system it belongs to.
    pub name: String,
    /// Facility the client acts for.
    pub facility_id: i64,
    /// Granted scopes.
    pub scopes: Vec<ApiScope>,
    /// First characters of the token, to recognise it.
    pub token_prefix: String,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Last successful use.
    pub last_used_at: Option<DateTime<Utc>>,
    /// Revoked at, when revoked.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Paging of `GET /api-clients`, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ApiClientQuery {
    /// Page size (1–200, default 50).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<i64>,
    /// Cursor from the previous page.
    #[cfg_attr(feature = "openapi", param(pattern = r"^[0-9]{1,18}$"))]
    pub cursor: Option<String>,
}

/// Body of `POST /api-clients`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewApiClient {
    /// Name of the integrating system.
    #[validate(
        length(min = 1, max = 200),
        custom(function = "crate::text::single_line_not_blank")
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
        )
    )]
    pub name: String,
    /// Facility the client acts for.
    pub facility_id: i64,
    /// Scopes to grant (at least one).
    #[validate(length(min = 1, max = 16))]
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 16))]
    pub scopes: Vec<ApiScope>,
}

/// The answer to creating an integration client: the only time the token is shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiClientCreated {
    /// The client.
    pub client: ApiClient,
    /// The bearer token; store it now, it cannot be shown again.
    pub token: String,
}
