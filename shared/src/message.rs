//! The sentences the API answers with when it refuses a request (a problem's `detail`
//! and its field messages), and the few sentences it writes into records, each in
//! Vietnamese and English. Services raise a [`Message`]; the backend renders it in the
//! language the request asked for, so no sentence is written twice or only once.

use chrono::NaiveDate;

use crate::consultation::SessionStatus;
use crate::plan::{ActivityStatus, Period, PlanStatus, TrafficLight};
use crate::{Labelled, Lang};

/// A kind of record a message names ("Không tìm thấy kế hoạch" / "Plan not found").
/// The Vietnamese names are the ones the screens use, so a variant exists per wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::VariantArray)]
pub enum Record {
    /// Any row (a database lookup that found nothing).
    Record,
    /// An API resource (an unknown URL under `/api`).
    ApiResource,
    /// A user account.
    Account,
    /// An integration client.
    ApiClient,
    /// A facility, by its short name.
    Facility,
    /// A health facility (the registry's own word).
    HealthFacility,
    /// The facility that supervises another.
    SupervisingFacility,
    /// The facility a referral is sent to.
    ReceivingFacility,
    /// The facility that issues a plan.
    IssuingFacility,
    /// A commune health station.
    Station,
    /// A department.
    Department,
    /// A staff member (registry wording).
    Staff,
    /// A staff member (rotation wording).
    Employee,
    /// A support link between two facilities.
    SupportLink,
    /// A leave of a staff member.
    Leave,
    /// A referral slip.
    Referral,
    /// A follow-up schedule of a referral.
    FollowUp,
    /// A consultation session.
    ConsultationSession,
    /// A consultation case request.
    ConsultationCase,
    /// A rotation plan (schedule).
    RotationPlan,
    /// A calendar feed.
    Calendar,
    /// A rotation demand.
    Demand,
    /// A rotation assignment.
    Assignment,
    /// A run of the rotation generator.
    Generation,
    /// A support plan.
    Plan,
    /// An activity of a support plan.
    PlanActivity,
    /// An evaluation of a support plan.
    Evaluation,
    /// A station's request for support.
    SupportRequest,
    /// A technique of the catalogue.
    Technique,
    /// A regional specialty network.
    SpecialtyNetwork,
    // Supervision and quality criteria.
    /// A checklist template (revision).
    SupervisionTemplate,
    /// A supervision visit.
    SupervisionVisit,
    /// An item of a visit's checklist.
    ChecklistItem,
    /// The photo of a finding.
    SupervisionPhoto,
    /// A corrective action.
    CorrectiveAction,
    /// A user account that may own a corrective action.
    ActionOwner,
    /// A technique-transfer agreement.
    TransferAgreement,
    /// A trainee of a transfer agreement.
    Trainee,
}

impl Record {
    /// The record's name in `lang`, lower case, as it reads inside a sentence.
    pub fn name(self, lang: Lang) -> &'static str {
        let (vi, en) = match self {
            Record::Record => ("bản ghi", "record"),
            Record::ApiResource => ("tài nguyên API", "API resource"),
            Record::Account => ("tài khoản", "account"),
            Record::ApiClient => ("ứng dụng tích hợp", "integration client"),
            Record::Facility => ("cơ sở", "facility"),
            Record::HealthFacility => ("cơ sở y tế", "health facility"),
            Record::SupervisingFacility => ("cơ sở giám sát", "supervising facility"),
            Record::ReceivingFacility => ("cơ sở tiếp nhận", "receiving facility"),
            Record::IssuingFacility => ("cơ sở ban hành", "issuing facility"),
            Record::Station => ("trạm y tế", "health station"),
            Record::Department => ("khoa/phòng", "department"),
            Record::Staff => ("nhân sự", "staff member"),
            Record::Employee => ("nhân viên", "employee"),
            Record::SupportLink => ("liên kết hỗ trợ", "support link"),
            Record::Leave => ("đợt nghỉ", "leave"),
            Record::Referral => ("phiếu chuyển", "referral"),
            Record::FollowUp => ("lịch theo dõi", "follow-up schedule"),
            Record::ConsultationSession => ("buổi hội chẩn", "consultation session"),
            Record::ConsultationCase => ("yêu cầu hội chẩn", "consultation request"),
            Record::RotationPlan => ("lịch luân phiên", "rotation schedule"),
            Record::Calendar => ("lịch", "calendar"),
            Record::Demand => ("nhu cầu luân phiên", "rotation demand"),
            Record::Assignment => ("phân công", "assignment"),
            Record::Generation => ("lượt xếp lịch", "scheduling run"),
            Record::Plan => ("kế hoạch", "plan"),
            Record::PlanActivity => ("hoạt động", "activity"),
            Record::Evaluation => ("bản đánh giá", "evaluation"),
            Record::SupportRequest => ("đề xuất hỗ trợ", "support request"),
            Record::Technique => ("kỹ thuật", "technique"),
            Record::SpecialtyNetwork => ("mạng lưới chuyên khoa", "specialty network"),
            Record::SupervisionTemplate => ("bảng kiểm", "checklist template"),
            Record::SupervisionVisit => ("đợt giám sát", "supervision visit"),
            Record::ChecklistItem => ("tiêu chí", "checklist item"),
            Record::SupervisionPhoto => ("ảnh minh chứng", "finding photo"),
            Record::CorrectiveAction => ("việc khắc phục", "corrective action"),
            Record::ActionOwner => ("người chịu trách nhiệm", "owner"),
            Record::TransferAgreement => ("hợp đồng chuyển giao kỹ thuật", "transfer agreement"),
            Record::Trainee => ("học viên", "trainee"),
        };
        pick(lang, vi, en)
    }
}

/// The JSON type a body field expects, named in [`Message::BodyWrongType`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonKind {
    /// A number.
    Number,
    /// A string (a text, a date, a code).
    Text,
    /// `true` or `false`.
    Boolean,
    /// An array.
    List,
    /// An object.
    Object,
    /// Another value.
    Value,
}

impl JsonKind {
    /// The type's name in `lang`.
    pub fn name(self, lang: Lang) -> &'static str {
        let (vi, en) = match self {
            JsonKind::Number => ("số", "a number"),
            JsonKind::Text => ("chuỗi văn bản", "a string"),
            JsonKind::Boolean => ("true hoặc false", "true or false"),
            JsonKind::List => ("danh sách (mảng)", "an array"),
            JsonKind::Object => ("đối tượng", "an object"),
            JsonKind::Value => ("giá trị khác", "another value"),
        };
        if lang == Lang::Vi { vi } else { en }
    }
}

/// A message a service raises or writes, with the values it names. [`Message::text`]
/// gives it in a language; the backend calls it with the request's language.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// "Không tìm thấy …": the record does not exist or is not visible.
    NotFound(Record),
    /// "Không tìm thấy … này": the record a field names does not exist.
    NoSuch(Record),
    /// A text both languages carry already (a shared rule's message rendered in each).
    Localised {
        /// The Vietnamese text.
        vi: String,
        /// The English text.
        en: String,
    },
    /// A text used as it is: a parser's report, which has no language of its own, or a
    /// sentence a shared rule already wrote in the request's language.
    Verbatim(String),

    // Requests and HTTP conventions.
    /// A unique value is taken.
    RecordExists,
    /// A foreign key names a missing row.
    MissingReference,
    /// Two writes collided; the client may retry.
    ConcurrentWrite,
    /// The body is not declared as JSON.
    JsonContentTypeRequired,
    /// The body could not be read; carries the reason.
    UnreadableBody(String),
    /// The query string does not parse; carries the parameter when it is known (or
    /// nothing).
    InvalidQuery(String),
    /// The path does not parse (a record id that is not a number); carries the path.
    InvalidPath(String),
    /// The query string is longer than the limit, in bytes.
    QueryTooLong(usize),
    /// The query string is not UTF-8 once decoded.
    QueryNotUtf8,
    /// `If-Match` is not an ETag.
    InvalidIfMatch,
    /// `Idempotency-Key` has the wrong length or characters.
    InvalidIdempotencyKey,
    /// A page cursor does not parse.
    InvalidCursor,
    /// A body field the operation needs is missing.
    BodyFieldRequired,
    /// A body field has the wrong JSON type; carries the type expected.
    BodyWrongType(JsonKind),
    /// A body field holds a value outside its list; carries the values allowed.
    BodyUnknownValue(Vec<String>),
    /// A body field the operation does not know.
    BodyUnknownField,
    /// A body field's value cannot be read (a malformed date, a number out of range).
    BodyInvalidValue,
    /// The body is not well-formed JSON; carries the line and column.
    MalformedJson {
        /// Line of the fault, from 1.
        line: usize,
        /// Column of the fault, from 1.
        column: usize,
    },
    /// The body nests arrays and objects deeper than the limit; carries the limit.
    JsonTooDeep(usize),
    /// The method is not one the resource answers; carries the methods it does.
    MethodNotAllowed(String),
    /// The body is larger than the limit; carries the limit in bytes.
    BodyTooLarge(usize),
    /// An end date before its start date.
    EndBeforeStart,
    /// A search text over the limit.
    SearchTextTooLong,
    /// An export would hold more rows than its limit; carries the limit.
    ExportTooLarge(usize),

    // Sign-in and accounts.
    /// The access token has expired.
    SessionExpired,
    /// The access token does not verify.
    InvalidAccessToken,
    /// No `Authorization` header.
    SignInRequired,
    /// The `Authorization` header is not text.
    InvalidAuthorizationHeader,
    /// The `Authorization` header is not `Bearer <token>`.
    BearerRequired,
    /// The token's account is disabled or gone.
    AccountNoLongerActive,
    /// An API token that matches no active client.
    InvalidApiToken,
    /// A refresh token that cannot be used.
    InvalidRefreshToken,
    /// An integration client asked for a user's profile.
    ClientHasNoProfile,
    /// A user's staff record belongs to another facility.
    StaffOfOtherFacility,
    /// The username is taken.
    UsernameTaken,
    /// An admin tried to disable or demote themselves.
    CannotChangeOwnAccess,
    /// The current password given to change one's own password is wrong.
    WrongCurrentPassword,
    /// The new password is the one being replaced.
    PasswordUnchanged,
    /// The account's password was set by someone else and must be changed first.
    PasswordChangeFirst,

    // Registry.
    /// A facility named as its own supervisor.
    SupervisesItself,
    /// The support link exists already.
    SupportLinkExists,
    /// A department moved to another facility.
    DepartmentMoved,
    /// A staff member's department belongs to another facility.
    DepartmentOfOtherFacility,
    /// A leave overlaps another of the same person.
    LeaveOverlaps,
    /// A facility that no longer operates.
    FacilityInactive,

    // Import of the registry from spreadsheets.
    /// A required cell is empty.
    ImportCellRequired,
    /// A cell that names none of the allowed values; carries the cell.
    ImportUnknownValue(String),
    /// A cell that is not yes or no; carries the cell.
    ImportNotYesNo(String),
    /// A cell that is not a date; carries the cell.
    ImportNotADate(String),
    /// A cell that is not a number; carries the cell.
    ImportNotANumber(String),
    /// A staff row with neither licence number nor citizen id.
    ImportStaffKeyRequired,
    /// A citizen id another member of staff (or an earlier row) has; carries that
    /// member's key as the preview shows it.
    ImportCitizenIdTaken(String),
    /// A facility code that names no facility; carries the code.
    ImportUnknownFacility(String),
    /// A department code that names no department of the row's facility.
    ImportUnknownDepartment(String),
    /// A member of staff no row or record has; carries the key.
    ImportUnknownStaff(String),
    /// The row repeats the key of an earlier row; carries that row's number.
    ImportDuplicateRow(u32),
    /// The row is about a facility the importer may not manage.
    ImportFacilityNotPermitted,
    /// The header row lacks a required column; carries its header.
    ImportMissingColumn(String),
    /// The file cannot be read as a spreadsheet; carries the reader's report.
    ImportUnreadable(String),
    /// The file has a header but no data rows.
    ImportNoRows,
    /// A commit of a file that still has rows with errors; carries their number.
    ImportHasErrors(u32),
    /// A commit of another file than the one previewed.
    ImportFileChanged,
    /// The body is neither CSV nor XLSX.
    ImportUnsupportedType,

    // Referrals.
    /// Only a draft may be edited.
    OnlyDraftEditable,
    /// A redirect to the sender or the current receiver.
    RedirectToSameFacility,
    /// An arrival time in the future.
    ArrivalInFuture,
    /// The follow-up schedule is closed.
    FollowUpClosed,
    /// A follow-up visit in the future.
    VisitInFuture,

    // Consultations.
    /// Participants that are not staff, by id.
    UnknownStaff(String),
    /// A weekly series with no session in its dates.
    NoSessionsInRange,
    /// The session's status does not allow a change.
    SessionClosed(SessionStatus),
    /// A session's host facility changed.
    HostFacilityFixed,
    /// A case scheduled into a session another facility hosts.
    SessionOfOtherHost,
    /// A case scheduled into a cancelled session.
    SessionCancelled,
    /// A case referred back to the facility that asked.
    ReferToRequester,
    /// The reason a referral opened from a case carries: the conclusion, case and advice.
    ConsultationReferralReason {
        /// The case number.
        case_id: i64,
        /// The consultants' advice.
        advice: String,
    },
    /// The timeline note of a referral opened from a case.
    FromConsultation(i64),

    // Rotations.
    /// A rotation plan's unit changed.
    PlanningUnitFixed,
    /// Dates outside the schedule's period, which is named.
    OutsideSchedule(NaiveDate, NaiveDate),
    /// Dates outside the rotation schedule's period.
    OutsideRotationPeriod,
    /// A record moved to another schedule.
    MovedToOtherSchedule,
    /// A date range and weekdays with no day in common.
    NoDaysInRange,
    /// An employee of another unit.
    EmployeeOutsideUnit,
    /// A demand of another schedule.
    DemandNotInSchedule,
    /// The station differs from the demand's.
    StationDiffersFromDemand,
    /// A swap to the same person.
    SameSubstitute,
    /// A month outside the calendar (`confirm-month`).
    MonthOutOfRange,
    /// Feedback before attendance was confirmed.
    FeedbackBeforeAttendance,
    /// A station id that names nothing.
    UnknownStation(i64),
    /// The schedule is being generated already.
    ScheduleBusy,
    /// A station proposes a demand in a plan already published.
    ProposalOnPublishedPlan,
    /// The generation run has ended.
    GenerationNotRunning,
    /// The name of a calendar feed, after whom or where it is.
    CalendarName(String),
    /// A calendar event of a rotation assignment: who goes where.
    CalendarRotation {
        /// The person.
        staff: String,
        /// The station.
        station: String,
    },
    /// A calendar event of a consultation session, with its title.
    CalendarConsultation(String),
    /// A generator run cut short by a restart of the server.
    GenerationInterrupted,
    /// A generator run that stopped on an error (the server's log has the details).
    GenerationFailed,
    /// A plan whose solver model would take more memory than the server allows.
    GenerationTooLarge {
        /// Estimated size of the model, in MiB.
        needed_mb: u64,
        /// The configured budget, in MiB.
        budget_mb: u64,
    },
    // Plans.
    /// Facility ids that name nothing.
    UnknownFacilities(String),
    /// Supported facilities outside the author's own scope (a plan may support only
    /// facilities its author sees).
    FacilitiesOutsideScope(String),
    /// A responsible department of another facility.
    DepartmentOutsideIssuer,
    /// A plan's issuing facility changed.
    IssuerFixed,
    /// The reason a superseded version closed: the approved newer version.
    SupersededBy(i32),
    /// A newer version is open already.
    OpenVersionExists(i32),
    /// A diff asked of the first version.
    FirstVersion,
    /// A diff across two plans.
    VersionsOfDifferentPlans,
    /// Progress recorded on a plan in this status.
    ProgressNeedsApprovedPlan(PlanStatus),
    /// An activity rated by a facility it does not serve.
    ActivityNotForYourFacility,
    /// An activity rated in this status.
    ActivityNotStarted(ActivityStatus),
    /// A period that does not parse.
    InvalidPeriod,
    /// A period outside the plan's dates.
    PeriodOutsidePlan,
    /// A phase the plan does not have.
    NoSuchPhase,
    /// A facility the plan does not support.
    FacilityNotInPlan,
    /// Figures reported on a plan in this status.
    FiguresNeedApprovedPlan(PlanStatus),
    /// Figures of this period are approved and locked.
    FiguresLocked(Period),
    /// An indicator the plan does not have.
    NoSuchIndicator,
    /// A computed indicator entered by hand.
    ComputedIndicator,
    /// A yes/no indicator given another value.
    YesNoValue,
    /// A percentage outside 0–100.
    PercentValue,
    /// Withdrawing an approval needs a reason.
    WithdrawalReasonRequired,
    /// The figures are approved already.
    FiguresAlreadyApproved,
    /// The figures are not approved.
    FiguresNotApproved,
    /// Narrative of an indicator without a target.
    NoTarget,
    /// Narrative of an indicator without figures.
    NoFigures,
    /// Narrative of an indicator: its light and attainment in percent.
    Attained(TrafficLight, f64),
    /// Narrative of a lower-is-better indicator kept at or under its ceiling: the actual
    /// value and the ceiling.
    CeilingKept(f64, f64),
    /// Narrative of a lower-is-better indicator over its ceiling: its light, the actual
    /// value and the ceiling.
    CeilingExceeded(TrafficLight, f64, f64),
    /// Narrative of an indicator whose attainment cannot be computed.
    NoAttainment,
    /// A plan evaluated before its approval.
    EvaluateApprovedOnly,
    /// An evaluation year outside the plan.
    EvaluationYearOutsidePlan,
    /// An approved evaluation edited.
    EvaluationReadOnly,
    /// An evaluation row that does not exist.
    NoSuchEvaluationRow,
    /// An evaluation approved twice.
    EvaluationApproved,
    /// A support request handled twice.
    SupportRequestHandled,
    /// An activity that does not serve the requesting station.
    ActivityNotForStation,
    /// A plan that has ended.
    PlanClosed,
}

impl Message {
    /// A message from a rule that already knows how to say itself in each language.
    pub fn localised(text: impl Fn(Lang) -> String) -> Message {
        Message::Localised {
            vi: text(Lang::Vi),
            en: text(Lang::En),
        }
    }

    /// The message in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        let (vi, en): (String, String) = match self {
            Message::NotFound(Record::ApiResource) => {
                both("Không có tài nguyên API này", "No such API resource")
            }
            Message::NotFound(record) => (
                format!("Không tìm thấy {}", record.name(Lang::Vi)),
                capitalised(&format!("{} not found", record.name(Lang::En))),
            ),
            Message::NoSuch(record) => (
                format!("Không tìm thấy {} này", record.name(Lang::Vi)),
                format!("No such {}", record.name(Lang::En)),
            ),
            Message::Localised { vi, en } => (vi.clone(), en.clone()),
            Message::Verbatim(text) => (text.clone(), text.clone()),

            Message::RecordExists => both(
                "Bản ghi với giá trị này đã tồn tại",
                "A record with this value exists already",
            ),
            Message::MissingReference => both(
                "Tham chiếu tới bản ghi không tồn tại",
                "Refers to a record that does not exist",
            ),
            Message::ConcurrentWrite => both(
                "Xung đột khi ghi đồng thời, hãy thử lại",
                "Another write got in the way; try again",
            ),
            Message::JsonContentTypeRequired => both(
                "Cần Content-Type: application/json",
                "Content-Type: application/json is required",
            ),
            Message::UnreadableBody(why) => (
                format!("Không đọc được dữ liệu gửi lên: {why}"),
                format!("Could not read the request body: {why}"),
            ),
            Message::InvalidQuery(field) if field.is_empty() => both(
                "Tham số truy vấn không hợp lệ; xem các tham số của thao tác trong tài liệu API",
                "Invalid query parameters; see the operation's parameters in the API contract",
            ),
            Message::InvalidQuery(field) => (
                format!("Tham số truy vấn không hợp lệ: {field}"),
                format!("Invalid query parameter: {field}"),
            ),
            Message::InvalidPath(path) => (
                format!("Đường dẫn không hợp lệ: {path} (mã bản ghi là số nguyên)"),
                format!("Invalid path: {path} (record ids are whole numbers)"),
            ),
            Message::BodyFieldRequired => both("Bắt buộc nhập", "Required"),
            Message::BodyWrongType(kind) => (
                format!("Sai kiểu dữ liệu: cần {}", kind.name(Lang::Vi)),
                format!("Wrong type: expected {}", kind.name(Lang::En)),
            ),
            Message::BodyUnknownValue(allowed) => (
                format!(
                    "Giá trị không hợp lệ; chọn một trong: {}",
                    allowed.join(", ")
                ),
                format!("Unknown value; one of: {}", allowed.join(", ")),
            ),
            Message::BodyUnknownField => both("Trường không được hỗ trợ", "Unknown field"),
            Message::BodyInvalidValue => both("Giá trị không hợp lệ", "Invalid value"),
            Message::MalformedJson { line, column } => (
                format!("JSON không đúng cú pháp (dòng {line}, cột {column})"),
                format!("Malformed JSON (line {line}, column {column})"),
            ),
            Message::JsonTooDeep(max) => (
                format!("JSON lồng nhau quá {max} tầng"),
                format!("JSON nested deeper than {max} levels"),
            ),
            Message::BodyTooLarge(max) => (
                format!("Dữ liệu gửi lên vượt quá {max} byte"),
                format!("The body is larger than {max} bytes"),
            ),
            Message::MethodNotAllowed(allowed) => (
                format!("Địa chỉ này chỉ nhận: {allowed}"),
                format!("This resource answers only: {allowed}"),
            ),
            Message::QueryTooLong(max) => (
                format!("Tham số truy vấn quá dài (tối đa {max} byte)"),
                format!("Query string too long (at most {max} bytes)"),
            ),
            Message::QueryNotUtf8 => both(
                "Tham số truy vấn không phải văn bản UTF-8 hợp lệ",
                "The query string is not valid UTF-8",
            ),
            Message::InvalidIfMatch => both(
                "If-Match phải là ETag nhận được, ví dụ \"3\"",
                "If-Match must be an ETag you received, e.g. \"3\"",
            ),
            Message::InvalidIdempotencyKey => both(
                "Idempotency-Key phải gồm 1–200 ký tự ASCII",
                "Idempotency-Key must be 1–200 ASCII characters",
            ),
            Message::InvalidCursor => {
                both("Con trỏ phân trang không hợp lệ", "Invalid page cursor")
            }
            Message::EndBeforeStart => both(
                "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu",
                "End date must not be before start date",
            ),
            Message::ExportTooLarge(max) => (
                format!("Quá nhiều dòng để xuất (tối đa {max}); hãy thu hẹp bộ lọc"),
                format!("Too many rows to export (at most {max}); narrow the filters"),
            ),
            Message::SearchTextTooLong => both("Từ khóa tìm kiếm quá dài", "Search text too long"),

            Message::SessionExpired => both("Phiên đăng nhập đã hết hạn", "Session expired"),
            Message::InvalidAccessToken => both("Mã truy cập không hợp lệ", "Invalid access token"),
            Message::SignInRequired => both(
                "Cần đăng nhập (Authorization: Bearer …)",
                "Sign in first (Authorization: Bearer …)",
            ),
            Message::InvalidAuthorizationHeader => both(
                "Header Authorization không hợp lệ",
                "Invalid Authorization header",
            ),
            Message::BearerRequired => both(
                "Cần dạng Authorization: Bearer <token>",
                "Expected Authorization: Bearer <token>",
            ),
            Message::AccountNoLongerActive => both(
                "Tài khoản không còn hiệu lực",
                "The account is no longer active",
            ),
            Message::InvalidApiToken => both("API token không hợp lệ", "Invalid API token"),
            Message::InvalidRefreshToken => both(
                "Phiên làm mới không hợp lệ, hãy đăng nhập lại",
                "Invalid refresh session; sign in again",
            ),
            Message::ClientHasNoProfile => both(
                "Tài khoản tích hợp không có hồ sơ người dùng",
                "An integration client has no user profile",
            ),
            Message::StaffOfOtherFacility => both(
                "Nhân sự phải thuộc cùng cơ sở với tài khoản",
                "The staff member must belong to the account's facility",
            ),
            Message::UsernameTaken => both("Tên đăng nhập đã được dùng", "This username is taken"),
            Message::CannotChangeOwnAccess => both(
                "Không thể tự khóa hoặc đổi vai trò của chính mình",
                "You cannot disable your own account or change your own role",
            ),
            Message::WrongCurrentPassword => both(
                "Mật khẩu hiện tại không đúng",
                "The current password is wrong",
            ),
            Message::PasswordUnchanged => both(
                "Mật khẩu mới phải khác mật khẩu hiện tại",
                "The new password must differ from the current one",
            ),
            Message::PasswordChangeFirst => both(
                "Mật khẩu này do người khác đặt: hãy đổi mật khẩu (POST /me/password) trước khi làm việc khác",
                "This password was set by someone else: change it (POST /me/password) before anything else",
            ),

            Message::SupervisesItself => both(
                "Cơ sở không thể tự giám sát chính mình",
                "A facility cannot supervise itself",
            ),
            Message::SupportLinkExists => both(
                "Liên kết hỗ trợ này đã tồn tại",
                "This support link exists already",
            ),
            Message::DepartmentMoved => both(
                "Không thể chuyển khoa/phòng sang cơ sở khác",
                "A department cannot move to another facility",
            ),
            Message::DepartmentOfOtherFacility => both(
                "Khoa/phòng phải thuộc cùng cơ sở với nhân sự",
                "The department must belong to the staff member's facility",
            ),
            Message::LeaveOverlaps => both(
                "Trùng với một đợt nghỉ đã có của nhân sự này",
                "Overlaps a leave this staff member has already",
            ),
            Message::FacilityInactive => both(
                "Cơ sở này đã ngừng hoạt động",
                "This facility no longer operates",
            ),
            Message::ImportCellRequired => both("Không được để trống", "Must not be empty"),
            Message::ImportUnknownValue(cell) => (
                format!("“{cell}” không phải giá trị hợp lệ"),
                format!("“{cell}” is not an allowed value"),
            ),
            Message::ImportNotYesNo(cell) => (
                format!("“{cell}” không phải Có/Không"),
                format!("“{cell}” is not yes/no"),
            ),
            Message::ImportNotADate(cell) => (
                format!("“{cell}” không phải ngày hợp lệ (dd/mm/yyyy)"),
                format!("“{cell}” is not a valid date (dd/mm/yyyy)"),
            ),
            Message::ImportNotANumber(cell) => (
                format!("“{cell}” không phải số"),
                format!("“{cell}” is not a number"),
            ),
            Message::ImportStaffKeyRequired => both(
                "Cần số chứng chỉ hành nghề hoặc số CCCD để nhận diện nhân sự",
                "A licence number or a citizen ID is needed to identify the staff member",
            ),
            Message::ImportUnknownFacility(code) => (
                format!("Không có cơ sở mã “{code}”"),
                format!("No facility has the code “{code}”"),
            ),
            Message::ImportUnknownDepartment(code) => (
                format!("Cơ sở không có khoa/phòng mã “{code}”"),
                format!("The facility has no department “{code}”"),
            ),
            Message::ImportUnknownStaff(key) => (
                format!("Không tìm thấy nhân sự “{key}”"),
                format!("No staff member “{key}”"),
            ),
            Message::ImportCitizenIdTaken(key) => (
                format!("Số CCCD này đã thuộc về nhân sự “{key}”"),
                format!("This citizen ID belongs to staff member “{key}”"),
            ),
            Message::ImportDuplicateRow(row) => (
                format!("Trùng khóa với dòng {row}"),
                format!("Same key as row {row}"),
            ),
            Message::ImportFacilityNotPermitted => both(
                "Bạn không có quyền cập nhật dữ liệu của cơ sở này",
                "You may not change the records of this facility",
            ),
            Message::ImportMissingColumn(header) => (
                format!("Tệp thiếu cột “{header}”"),
                format!("The file lacks the column “{header}”"),
            ),
            Message::ImportUnreadable(reason) => (
                format!("Không đọc được tệp: {reason}"),
                format!("The file cannot be read: {reason}"),
            ),
            Message::ImportNoRows => {
                both("Tệp không có dòng dữ liệu nào", "The file has no data rows")
            }
            Message::ImportHasErrors(rows) => (
                format!("Tệp còn {rows} dòng lỗi; chưa nhập dòng nào"),
                format!("The file still has {rows} rows with errors; nothing was imported"),
            ),
            Message::ImportFileChanged => both(
                "Tệp khác với tệp đã xem trước; hãy xem trước lại",
                "The file differs from the previewed one; preview it again",
            ),
            Message::ImportUnsupportedType => both(
                "Chỉ nhận tệp CSV (UTF-8) hoặc Excel (.xlsx)",
                "Only CSV (UTF-8) or Excel (.xlsx) files are accepted",
            ),

            Message::OnlyDraftEditable => both(
                "Chỉ sửa được phiếu chuyển đang là bản nháp",
                "Only a draft referral can be edited",
            ),
            Message::RedirectToSameFacility => both(
                "Chọn một cơ sở khác nơi chuyển đi và nơi đang nhận",
                "Choose a facility other than the sender and the current receiver",
            ),
            Message::ArrivalInFuture => both(
                "Thời điểm đến không thể ở tương lai",
                "The arrival time cannot be in the future",
            ),
            Message::FollowUpClosed => both(
                "Lịch theo dõi này đã kết thúc",
                "This follow-up schedule has ended",
            ),
            Message::VisitInFuture => both(
                "Ngày khám theo dõi không thể ở tương lai",
                "The follow-up visit cannot be in the future",
            ),

            Message::UnknownStaff(ids) => (
                format!("Không tìm thấy nhân sự: {ids}"),
                format!("Unknown staff: {ids}"),
            ),
            Message::NoSessionsInRange => both(
                "Không có buổi nào trong khoảng thời gian này",
                "No session falls in this period",
            ),
            Message::SessionClosed(status) => (
                format!(
                    "Buổi hội chẩn đang ở trạng thái “{}”, không thay đổi được",
                    status.label(Lang::Vi)
                ),
                format!(
                    "The session is “{}” and cannot change",
                    status.label(Lang::En)
                ),
            ),
            Message::HostFacilityFixed => both(
                "Không đổi được cơ sở tổ chức của buổi hội chẩn",
                "A session's host facility cannot change",
            ),
            Message::SessionOfOtherHost => both(
                "Buổi hội chẩn này không do cơ sở hội chẩn tổ chức",
                "The consulting facility does not host this session",
            ),
            Message::SessionCancelled => {
                both("Buổi hội chẩn này đã bị hủy", "This session was cancelled")
            }
            Message::ReferToRequester => both(
                "Nơi chuyển đến phải khác cơ sở đề nghị hội chẩn",
                "The destination must differ from the facility that asked",
            ),
            Message::ConsultationReferralReason { case_id, advice } => {
                let conclusion = crate::consultation::Conclusion::Refer;
                (
                    format!(
                        "{} (hội chẩn số {case_id}): {advice}",
                        conclusion.label(Lang::Vi)
                    ),
                    format!(
                        "{} (consultation no. {case_id}): {advice}",
                        conclusion.label(Lang::En)
                    ),
                )
            }
            Message::FromConsultation(case_id) => (
                format!("Theo kết luận hội chẩn số {case_id}"),
                format!("As concluded by consultation no. {case_id}"),
            ),

            Message::PlanningUnitFixed => both(
                "Không đổi được đơn vị lập lịch",
                "The planning unit cannot change",
            ),
            Message::OutsideSchedule(from, to) => {
                let (from, to) = (from.format("%d/%m/%Y"), to.format("%d/%m/%Y"));
                (
                    format!("Thời gian phải nằm trong kỳ của lịch ({from} – {to})"),
                    format!("Dates must fall within the schedule's period ({from} – {to})"),
                )
            }
            Message::OutsideRotationPeriod => both(
                "Thời gian phải nằm trong kỳ của lịch luân phiên",
                "Dates must fall within the rotation schedule's period",
            ),
            Message::MovedToOtherSchedule => both(
                "Không chuyển được sang lịch khác",
                "Cannot move to another schedule",
            ),
            Message::NoDaysInRange => both(
                "Không có ngày nào trong khoảng đã chọn",
                "No day falls in the chosen range",
            ),
            Message::EmployeeOutsideUnit => both(
                "Nhân viên không thuộc đơn vị lập lịch luân phiên",
                "The employee is not in the planning unit",
            ),
            Message::DemandNotInSchedule => both(
                "Không tìm thấy nhu cầu trong lịch này",
                "No such demand in this schedule",
            ),
            Message::StationDiffersFromDemand => both(
                "Trạm khác với trạm của nhu cầu",
                "The station differs from the demand's station",
            ),
            Message::SameSubstitute => both(
                "Người thay phải khác người hiện tại",
                "The substitute must be someone else",
            ),
            Message::MonthOutOfRange => both(
                "Tháng phải từ 1 đến 12, năm từ 2000 đến 2100",
                "The month must be 1 to 12 of a year from 2000 to 2100",
            ),
            Message::FeedbackBeforeAttendance => both(
                "Chỉ đánh giá được sau khi đã xác nhận có mặt",
                "Feedback is possible only after attendance is confirmed",
            ),
            Message::UnknownStation(id) => (
                format!("Không tìm thấy trạm {id}"),
                format!("Unknown station {id}"),
            ),
            Message::ScheduleBusy => both(
                "Lịch này đang được xếp, hãy đợi hoặc dừng lượt đang chạy",
                "This schedule is being generated; wait or stop the running generation",
            ),
            Message::ProposalOnPublishedPlan => both(
                "Lịch luân phiên này đã công bố; chỉ đề xuất nhu cầu vào lịch chưa công bố",
                "This rotation plan is published; propose demands only in an unpublished plan",
            ),
            Message::GenerationNotRunning => both(
                "Lượt xếp lịch này không còn chạy",
                "This scheduling run is no longer running",
            ),
            Message::CalendarName(whose) => (
                format!("Lịch luân phiên – {whose}"),
                format!("Rotation schedule – {whose}"),
            ),
            Message::CalendarRotation { staff, station } => (
                format!("Luân phiên: {staff} tại {station}"),
                format!("Rotation: {staff} at {station}"),
            ),
            Message::CalendarConsultation(title) => (
                format!("Hội chẩn: {title}"),
                format!("Consultation: {title}"),
            ),
            Message::GenerationInterrupted => both(
                "Máy chủ khởi động lại trong khi xếp lịch",
                "The server restarted while the schedule was being generated",
            ),
            Message::GenerationFailed => both(
                "Lượt xếp lịch gặp lỗi và đã dừng; hãy thử lại hoặc báo quản trị viên",
                "The scheduling run stopped on an error; try again or tell the administrator",
            ),
            Message::GenerationTooLarge {
                needed_mb,
                budget_mb,
            } => (
                format!(
                    "Lịch này quá lớn để xếp tự động một lần (cần khoảng {needed_mb} MB, máy chủ cho phép {budget_mb} MB); hãy chia thời gian thành các lịch ngắn hơn hoặc thu hẹp số trạm, số nhu cầu"
                ),
                format!(
                    "This schedule is too large to generate in one run (about {needed_mb} MB needed, the server allows {budget_mb} MB); split the period into shorter plans or narrow the stations and demands"
                ),
            ),

            Message::UnknownFacilities(ids) => (
                format!("Không tìm thấy cơ sở: {ids}"),
                format!("Unknown facilities: {ids}"),
            ),
            Message::FacilitiesOutsideScope(ids) => (
                format!("Cơ sở không thuộc phạm vi của đơn vị bạn: {ids}"),
                format!("Facilities outside your facility's scope: {ids}"),
            ),
            Message::DepartmentOutsideIssuer => both(
                "Khoa/phòng không thuộc cơ sở ban hành",
                "The department is not part of the issuing facility",
            ),
            Message::IssuerFixed => both(
                "Không đổi được cơ sở ban hành của kế hoạch",
                "A plan's issuing facility cannot change",
            ),
            Message::SupersededBy(version) => (
                format!("Được thay thế bởi phiên bản {version} đã phê duyệt"),
                format!("Superseded by approved version {version}"),
            ),
            Message::OpenVersionExists(version) => (
                format!("Đã có phiên bản {version} đang soạn thảo hoặc chờ duyệt"),
                format!("Version {version} is already being drafted or awaiting approval"),
            ),
            Message::FirstVersion => both(
                "Đây là phiên bản đầu tiên, không có gì để so sánh",
                "This is the first version; there is nothing to compare",
            ),
            Message::VersionsOfDifferentPlans => both(
                "Hai phiên bản không cùng một kế hoạch",
                "The two versions belong to different plans",
            ),
            Message::ProgressNeedsApprovedPlan(status) => (
                format!(
                    "Chỉ ghi nhận tiến độ khi kế hoạch đã phê duyệt hoặc đang thực hiện (hiện: “{}”)",
                    status.label(Lang::Vi)
                ),
                format!(
                    "Progress is recorded only on an approved or active plan (now: “{}”)",
                    status.label(Lang::En)
                ),
            ),
            Message::ActivityNotForYourFacility => both(
                "Hoạt động này không dành cho cơ sở của bạn",
                "This activity is not for your facility",
            ),
            Message::ActivityNotStarted(status) => (
                format!(
                    "Chỉ đánh giá hoạt động đang hoặc đã triển khai (hiện: “{}”)",
                    status.label(Lang::Vi)
                ),
                format!(
                    "Only an activity in progress or done can be rated (now: “{}”)",
                    status.label(Lang::En)
                ),
            ),
            Message::InvalidPeriod => both(
                "Kỳ không hợp lệ (ví dụ 2026, 2026-H1, 2026-Q3, P1)",
                "Invalid period (e.g. 2026, 2026-H1, 2026-Q3, P1)",
            ),
            Message::PeriodOutsidePlan => both(
                "Kỳ nằm ngoài thời gian của kế hoạch",
                "The period lies outside the plan's dates",
            ),
            Message::NoSuchPhase => both(
                "Kế hoạch không có giai đoạn này",
                "The plan has no such phase",
            ),
            Message::FacilityNotInPlan => both(
                "Cơ sở không thuộc kế hoạch",
                "The facility is not part of the plan",
            ),
            Message::FiguresNeedApprovedPlan(status) => (
                format!(
                    "Chỉ báo cáo số liệu khi kế hoạch đã phê duyệt hoặc đang thực hiện (hiện: “{}”)",
                    status.label(Lang::Vi)
                ),
                format!(
                    "Figures are reported only on an approved or active plan (now: “{}”)",
                    status.label(Lang::En)
                ),
            ),
            Message::FiguresLocked(period) => (
                format!(
                    "Số liệu {} đã được duyệt và khóa; đề nghị Trung tâm hủy duyệt trước khi sửa",
                    period.label(Lang::Vi).to_lowercase()
                ),
                format!(
                    "The figures of {} are approved and locked; ask the centre to withdraw the approval first",
                    period.label(Lang::En)
                ),
            ),
            Message::NoSuchIndicator => both(
                "Kế hoạch không có chỉ tiêu này",
                "The plan has no such indicator",
            ),
            Message::ComputedIndicator => both(
                "Chỉ tiêu này được tính tự động từ dữ liệu hệ thống, không nhập tay",
                "This indicator is computed from the system's data, not entered by hand",
            ),
            Message::YesNoValue => both("Chỉ nhận 1 (có) hoặc 0 (không)", "Only 1 (yes) or 0 (no)"),
            Message::PercentValue => {
                both("Tỷ lệ phần trăm từ 0 đến 100", "A percentage from 0 to 100")
            }
            Message::WithdrawalReasonRequired => both(
                "Cần nêu lý do hủy duyệt",
                "Give a reason for withdrawing the approval",
            ),
            Message::FiguresAlreadyApproved => both(
                "Số liệu kỳ này đã được duyệt",
                "The figures of this period are approved already",
            ),
            Message::FiguresNotApproved => both(
                "Số liệu kỳ này chưa được duyệt",
                "The figures of this period are not approved",
            ),
            Message::NoTarget => both(
                "Chưa giao chỉ tiêu cho kỳ này.",
                "No target set for this period.",
            ),
            Message::NoFigures => both("Chưa có số liệu.", "No figures yet."),
            Message::Attained(light, percent) => (
                format!("{}: đạt {percent}% chỉ tiêu.", light.label(Lang::Vi)),
                format!("{}: {percent}% of target.", light.label(Lang::En)),
            ),
            Message::CeilingKept(actual, ceiling) => (
                format!("Đạt: {actual}, không vượt mức tối đa {ceiling}."),
                format!("Met: {actual}, within the ceiling of {ceiling}."),
            ),
            Message::CeilingExceeded(light, actual, ceiling) => (
                format!(
                    "{}: {actual}, vượt mức tối đa {ceiling}.",
                    light.label(Lang::Vi)
                ),
                format!(
                    "{}: {actual}, over the ceiling of {ceiling}.",
                    light.label(Lang::En)
                ),
            ),
            Message::NoAttainment => {
                both("Không tính được mức đạt.", "Attainment cannot be computed.")
            }
            Message::EvaluateApprovedOnly => both(
                "Chỉ đánh giá kế hoạch đã được phê duyệt",
                "Only an approved plan can be evaluated",
            ),
            Message::EvaluationYearOutsidePlan => both(
                "Năm đánh giá nằm ngoài thời gian của kế hoạch",
                "The evaluation year lies outside the plan's dates",
            ),
            Message::EvaluationReadOnly => both(
                "Bản đánh giá đã được phê duyệt, không sửa được",
                "The evaluation is approved and cannot be edited",
            ),
            Message::NoSuchEvaluationRow => both(
                "Bản đánh giá không có dòng này",
                "The evaluation has no such row",
            ),
            Message::EvaluationApproved => both(
                "Bản đánh giá đã được phê duyệt",
                "The evaluation is approved already",
            ),
            Message::SupportRequestHandled => both(
                "Đề xuất này đã được xử lý",
                "This request has been handled already",
            ),
            Message::ActivityNotForStation => both(
                "Hoạt động này không dành cho trạm đề xuất",
                "This activity is not for the requesting station",
            ),
            Message::PlanClosed => both("Kế hoạch này đã kết thúc", "This plan has ended"),
        };
        match lang {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }
}

impl From<Record> for Message {
    /// A record alone means it was not found.
    fn from(record: Record) -> Message {
        Message::NotFound(record)
    }
}

fn both(vi: &str, en: &str) -> (String, String) {
    (vi.to_string(), en.to_string())
}

fn pick(lang: Lang, vi: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Vi => vi,
        Lang::En => en,
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::VariantArray;

    #[test]
    fn every_record_reads_in_both_languages() {
        for record in Record::VARIANTS {
            let message = Message::NotFound(*record);
            let (vi, en) = (message.text(Lang::Vi), message.text(Lang::En));
            assert!(!vi.is_empty() && !en.is_empty() && vi != en, "{record:?}");
            assert_ne!(
                Message::NoSuch(*record).text(Lang::Vi),
                Message::NoSuch(*record).text(Lang::En)
            );
        }
        assert_eq!(
            Message::NotFound(Record::Plan).text(Lang::Vi),
            "Không tìm thấy kế hoạch"
        );
        assert_eq!(
            Message::NotFound(Record::Plan).text(Lang::En),
            "Plan not found"
        );
        assert_eq!(
            Message::NoSuch(Record::Facility).text(Lang::Vi),
            "Không tìm thấy cơ sở này"
        );
    }

    #[test]
    fn parameters_appear_in_both_languages() {
        let from = NaiveDate::from_ymd_opt(2026, 3, 5).unwrap_or_default();
        let to = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap_or_default();
        for message in [
            Message::OutsideSchedule(from, to),
            Message::QueryTooLong(2048),
            Message::OpenVersionExists(3),
            Message::UnknownStation(42),
        ] {
            let (vi, en) = (message.text(Lang::Vi), message.text(Lang::En));
            assert_ne!(vi, en);
            for value in ["05/03/2026", "2048", "3", "42"] {
                assert_eq!(vi.contains(value), en.contains(value), "{message:?}");
            }
        }
        let status = Message::SessionClosed(SessionStatus::Cancelled);
        assert!(
            status
                .text(Lang::Vi)
                .contains(SessionStatus::Cancelled.label(Lang::Vi))
        );
        assert!(
            status
                .text(Lang::En)
                .contains(SessionStatus::Cancelled.label(Lang::En))
        );
    }

    #[test]
    fn calendar_and_generator_sentences_read_in_both_languages() {
        let cases = [
            (
                Message::CalendarRotation {
                    staff: "Lê Văn Phúc".into(),
                    station: "Trạm Y tế An Phú".into(),
                },
                "Luân phiên: Lê Văn Phúc tại Trạm Y tế An Phú",
                "Rotation: Lê Văn Phúc at Trạm Y tế An Phú",
            ),
            (
                Message::CalendarConsultation("Ca khó".into()),
                "Hội chẩn: Ca khó",
                "Consultation: Ca khó",
            ),
            (
                Message::GenerationInterrupted,
                "Máy chủ khởi động lại trong khi xếp lịch",
                "The server restarted while the schedule was being generated",
            ),
            (
                Message::GenerationFailed,
                "Lượt xếp lịch gặp lỗi và đã dừng; hãy thử lại hoặc báo quản trị viên",
                "The scheduling run stopped on an error; try again or tell the administrator",
            ),
            (
                Message::GenerationTooLarge {
                    needed_mb: 900,
                    budget_mb: 512,
                },
                "Lịch này quá lớn để xếp tự động một lần (cần khoảng 900 MB, máy chủ cho phép 512 MB); hãy chia thời gian thành các lịch ngắn hơn hoặc thu hẹp số trạm, số nhu cầu",
                "This schedule is too large to generate in one run (about 900 MB needed, the server allows 512 MB); split the period into shorter plans or narrow the stations and demands",
            ),
        ];
        for (message, vi, en) in cases {
            assert_eq!(message.text(Lang::Vi), vi);
            assert_eq!(message.text(Lang::En), en);
        }
    }

    #[test]
    fn localised_text_keeps_each_language() {
        let message = Message::localised(|lang| lang.code().to_string());
        assert_eq!(message.text(Lang::Vi), "vi");
        assert_eq!(message.text(Lang::En), "en");
        assert_eq!(Message::Verbatim("x".into()).text(Lang::En), "x");
    }
}
