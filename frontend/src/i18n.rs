//! Every piece of text the SPA shows that is not a domain label. Domain enums carry
//! their own labels in `shared` (`Labelled::label`); this file holds the rest, as
//! Vietnamese/English pairs, so a translation is reviewed in one place.

use chrono::NaiveDate;
use shared::Lang;

/// A piece of interface text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    // Shell
    AppName,
    AppTagline,
    MainNavigation,
    SkipToContent,
    NavPlans,
    NavRotations,
    NavConsultations,
    NavReferrals,
    NavRegistry,
    LangSwitch,
    LangSwitchHint,
    SignOut,
    SigningOut,
    MeReloadFailed,
    Loading,
    Retry,
    NotFoundTitle,
    NotFoundDetail,
    BackHome,
    // Sign-in
    LoginTitle,
    LoginIntro,
    Username,
    Password,
    SignIn,
    SigningIn,
    SessionExpired,
    // Home
    Greeting,
    Role,
    Facility,
    Modules,
    PlansSummary,
    RotationsSummary,
    ConsultationsSummary,
    ReferralsSummary,
    RegistrySummary,
    // Modules not built yet
    ModuleComing,
    ModuleComingDetail,
    // Registry
    Facilities,
    Departments,
    Staff,
    Filters,
    Search,
    FacilitySearchHint,
    StaffSearchHint,
    Kind,
    Level,
    Province,
    Specialty,
    SupportedByMine,
    Any,
    Apply,
    ClearFilters,
    NextPage,
    FirstPage,
    NoResults,
    Code,
    Name,
    Address,
    Ward,
    Phone,
    Coordinates,
    Status,
    Active,
    Inactive,
    Employed,
    NotEmployed,
    Capabilities,
    Techniques,
    Supports,
    SupportedBy,
    MinOnSite,
    StaffCount,
    Profession,
    Department,
    Licence,
    ValidUntil,
    NoExpiry,
    ScopeOfPractice,
    RotationExempt,
    SeeAllStaff,
    BackToFacilities,
    InvalidId,
    // Errors
    ErrorNetwork,
    ErrorHttp,
    ErrorDecode,
    ErrorSignedOut,
    RequestId,
}

impl Key {
    /// The (Vietnamese, English) pair.
    fn pair(self) -> (&'static str, &'static str) {
        use Key::*;
        match self {
            AppName => ("Tuyến", "Tuyến"),
            AppTagline => (
                "Điều phối mạng lưới y tế công",
                "Public health network coordination",
            ),
            MainNavigation => ("Điều hướng chính", "Main navigation"),
            SkipToContent => ("Bỏ qua, đến nội dung chính", "Skip to main content"),
            NavPlans => ("Kế hoạch", "Plans"),
            NavRotations => ("Luân phiên", "Rotations"),
            NavConsultations => ("Hội chẩn", "Consultations"),
            NavReferrals => ("Chuyển tuyến", "Referrals"),
            NavRegistry => ("Danh mục", "Registry"),
            // The switch names the language it switches to.
            LangSwitch => ("English", "Tiếng Việt"),
            LangSwitchHint => ("Chuyển giao diện sang tiếng Anh", "Switch to Vietnamese"),
            SignOut => ("Đăng xuất", "Sign out"),
            SigningOut => ("Đang đăng xuất…", "Signing out…"),
            MeReloadFailed => (
                "Không tải lại được thông tin tài khoản",
                "Could not reload your account details",
            ),
            Loading => ("Đang tải…", "Loading…"),
            Retry => ("Thử lại", "Retry"),
            NotFoundTitle => ("Không tìm thấy trang", "Page not found"),
            NotFoundDetail => (
                "Địa chỉ này không có trong hệ thống.",
                "There is no page at this address.",
            ),
            BackHome => ("Về trang chủ", "Back to home"),
            LoginTitle => ("Đăng nhập", "Sign in"),
            LoginIntro => (
                "Dùng tài khoản do quản trị viên đơn vị cấp.",
                "Use the account your administrator gave you.",
            ),
            Username => ("Tên đăng nhập", "Username"),
            Password => ("Mật khẩu", "Password"),
            SignIn => ("Đăng nhập", "Sign in"),
            SigningIn => ("Đang đăng nhập…", "Signing in…"),
            SessionExpired => (
                "Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.",
                "Your session has expired. Please sign in again.",
            ),
            Greeting => ("Xin chào", "Hello"),
            Role => ("Vai trò", "Role"),
            Facility => ("Cơ sở", "Facility"),
            Modules => ("Phân hệ", "Modules"),
            PlansSummary => (
                "Kế hoạch chỉ đạo tuyến, hoạt động và chỉ tiêu",
                "Network support plans, activities and indicators",
            ),
            RotationsSummary => (
                "Nhu cầu và lịch luân phiên cán bộ về tuyến dưới",
                "Staff rotation demands and schedules",
            ),
            ConsultationsSummary => (
                "Hội chẩn và tư vấn khám, chữa bệnh từ xa",
                "Case conferences and telemedicine",
            ),
            ReferralsSummary => (
                "Chuyển người bệnh giữa các tuyến và chuyển tuyến ngược",
                "Patient referrals up, down and across the network",
            ),
            RegistrySummary => (
                "Cơ sở y tế, khoa phòng và nhân sự",
                "Facilities, departments and staff",
            ),
            ModuleComing => ("Phân hệ đang được xây dựng", "This module is being built"),
            ModuleComingDetail => (
                "Chức năng này sẽ có trong phiên bản tới. Hiện có thể dùng phần Danh mục.",
                "It arrives in a coming release. The Registry is available now.",
            ),
            Facilities => ("Cơ sở y tế", "Facilities"),
            Departments => ("Khoa, phòng", "Departments"),
            Staff => ("Nhân sự", "Staff"),
            Filters => ("Bộ lọc", "Filters"),
            Search => ("Tìm kiếm", "Search"),
            FacilitySearchHint => ("Mã hoặc tên cơ sở", "Code or name"),
            StaffSearchHint => (
                "Họ tên, mã nhân viên hoặc số chứng chỉ hành nghề",
                "Name, employee code or licence number",
            ),
            Kind => ("Loại hình", "Kind"),
            Level => ("Cấp chuyên môn kỹ thuật", "Technical level"),
            Province => ("Tỉnh, thành phố", "Province"),
            Specialty => ("Chuyên khoa", "Specialty"),
            SupportedByMine => (
                "Chỉ các cơ sở do đơn vị tôi hỗ trợ",
                "Only facilities my facility supports",
            ),
            Any => ("Tất cả", "All"),
            Apply => ("Lọc", "Apply"),
            ClearFilters => ("Xóa bộ lọc", "Clear filters"),
            NextPage => ("Trang sau", "Next page"),
            FirstPage => ("Về trang đầu", "First page"),
            NoResults => ("Không có bản ghi phù hợp.", "No matching records."),
            Code => ("Mã", "Code"),
            Name => ("Tên", "Name"),
            Address => ("Địa chỉ", "Address"),
            Ward => ("Phường, xã", "Ward"),
            Phone => ("Điện thoại", "Phone"),
            Coordinates => ("Tọa độ", "Coordinates"),
            Status => ("Trạng thái", "Status"),
            Active => ("Đang hoạt động", "Active"),
            Inactive => ("Ngừng hoạt động", "Inactive"),
            Employed => ("Đang công tác", "Employed"),
            NotEmployed => ("Đã nghỉ việc", "No longer employed"),
            Capabilities => ("Năng lực chuyên môn", "Capabilities"),
            Techniques => ("Kỹ thuật", "Techniques"),
            Supports => ("Các cơ sở được hỗ trợ", "Facilities it supports"),
            SupportedBy => ("Được hỗ trợ bởi", "Supported by"),
            MinOnSite => ("Tối thiểu tại chỗ", "Minimum on site"),
            StaffCount => ("Số nhân sự", "Staff"),
            Profession => ("Chức danh nghề nghiệp", "Profession"),
            Department => ("Khoa, phòng", "Department"),
            Licence => ("Chứng chỉ hành nghề", "Practice licence"),
            ValidUntil => ("hiệu lực đến", "valid until"),
            NoExpiry => ("không ghi thời hạn", "no expiry recorded"),
            ScopeOfPractice => ("Phạm vi hành nghề", "Scope of practice"),
            RotationExempt => ("Miễn luân phiên", "Exempt from rotation"),
            SeeAllStaff => (
                "Xem toàn bộ nhân sự của cơ sở",
                "See all staff of this facility",
            ),
            BackToFacilities => ("Quay lại danh sách cơ sở", "Back to facilities"),
            InvalidId => ("Mã bản ghi không hợp lệ", "Invalid record id"),
            ErrorNetwork => ("Không kết nối được máy chủ", "Could not reach the server"),
            ErrorHttp => ("Máy chủ trả lời lỗi", "The server answered with an error"),
            ErrorDecode => (
                "Dữ liệu máy chủ trả về không đúng định dạng",
                "The server's answer has an unexpected shape",
            ),
            ErrorSignedOut => ("Vui lòng đăng nhập lại", "Please sign in again"),
            RequestId => ("Mã yêu cầu", "Request id"),
        }
    }
}

/// The text for `key` in `lang`.
pub fn t(lang: Lang, key: Key) -> &'static str {
    let (vi, en) = key.pair();
    match lang {
        Lang::Vi => vi,
        Lang::En => en,
    }
}

/// A calendar date as people in each language write it.
pub fn format_date(lang: Lang, date: NaiveDate) -> String {
    match lang {
        Lang::Vi => date.format("%d/%m/%Y").to_string(),
        Lang::En => date.format("%-d %b %Y").to_string(),
    }
}
