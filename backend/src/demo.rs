//! The demo network, loaded into an empty database when asked (`tuyen serve --demo`): the Thuận An
//! regional health centre of seed 004 with its departments and staff, the five ward
//! stations of its 2026 support plan, the hospitals above it, the Department of Health,
//! and one demo account per role.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde_json::json;
use shared::auth::Role;
use shared::registry::{
    Capability, CapabilityKind, DepartmentInput, DepartmentKind, FacilityInput, FacilityKind,
    LeaveInput, LeaveKind, Profession, RotationExemption, StaffInput, SupportLinkInput,
    TechnicalLevel,
};

use crate::audit::{self, Entry};
use crate::auth::password;
use crate::auth::repo::{self as auth_repo, NewUserRow};
use crate::db::{AnyConn, Db, DbEnum, now, write_tx};
use crate::error::ApiError;
use crate::registry::repo::{self, DepartmentChanges, FacilityChanges, StaffChanges};

/// The password of every demo account (demo data only; printed at start).
pub const DEMO_PASSWORD: &str = "thuanan2026";

/// The centre's name, as the SPA shows it after sign-in.
pub const CENTRE_NAME: &str = "Trung tâm Y tế khu vực Thuận An";

const PROVINCE: &str = "TP. Hồ Chí Minh";

struct FacilitySeed {
    code: &'static str,
    name: &'static str,
    kind: FacilityKind,
    level: Option<TechnicalLevel>,
    ward: &'static str,
    address: &'static str,
    coordinates: (f64, f64),
    phone: &'static str,
    capabilities: &'static [(CapabilityKind, &'static str, &'static str)],
}

use CapabilityKind::{Specialty as S, Technique as T};

const DEPARTMENT_OF_HEALTH: FacilitySeed = FacilitySeed {
    code: "SYT-HCM",
    name: "Sở Y tế Thành phố Hồ Chí Minh",
    kind: FacilityKind::HealthDepartment,
    level: None,
    ward: "Phường Sài Gòn",
    address: "59 Nguyễn Thị Minh Khai",
    coordinates: (10.7769, 106.6953),
    phone: "028 3930 9912",
    capabilities: &[],
};

const HOSPITALS: &[FacilitySeed] = &[
    FacilitySeed {
        code: "79-BVNHI1",
        name: "Bệnh viện Nhi Đồng 1",
        kind: FacilityKind::SpecializedHospital,
        level: Some(TechnicalLevel::Specialized),
        ward: "Phường Hòa Hưng",
        address: "341 Sư Vạn Hạnh",
        coordinates: (10.7680, 106.6700),
        phone: "028 3927 1119",
        capabilities: &[
            (S, "nhi_khoa", "Nhi khoa"),
            (S, "hoi_suc_cap_cuu", "Hồi sức cấp cứu nhi"),
            (T, "loc_mau_lien_tuc", "Lọc máu liên tục ở trẻ em"),
            (T, "tho_may_so_sinh", "Thở máy sơ sinh"),
        ],
    },
    FacilitySeed {
        code: "74-BVDKBD",
        name: "Bệnh viện Đa khoa Bình Dương",
        kind: FacilityKind::GeneralHospital,
        level: Some(TechnicalLevel::Specialized),
        ward: "Phường Thủ Dầu Một",
        address: "5 Phạm Ngọc Thạch",
        coordinates: (10.9804, 106.6519),
        phone: "0274 3822 920",
        capabilities: &[
            (S, "noi_khoa", "Nội khoa"),
            (S, "ngoai_khoa", "Ngoại khoa"),
            (S, "tim_mach", "Tim mạch"),
            (S, "dot_quy", "Đột quỵ"),
            (S, "san_phu_khoa", "Sản phụ khoa"),
            (S, "ung_buou", "Ung bướu"),
            (T, "can_thiep_mach_vanh", "Can thiệp mạch vành qua da"),
            (
                T,
                "tieu_soi_huyet_dot_quy",
                "Tiêu sợi huyết điều trị đột quỵ",
            ),
        ],
    },
    FacilitySeed {
        code: "CC115-HCM",
        name: "Trung tâm Cấp cứu 115 Thành phố Hồ Chí Minh",
        kind: FacilityKind::EmergencyCenter,
        level: None,
        ward: "Phường Chợ Quán",
        address: "2 Nguyễn Thông",
        coordinates: (10.7797, 106.6857),
        phone: "115",
        capabilities: &[(T, "van_chuyen_cap_cuu", "Vận chuyển cấp cứu ngoại viện")],
    },
];

const CENTRE: FacilitySeed = FacilitySeed {
    code: "74-TTYTTA",
    name: CENTRE_NAME,
    kind: FacilityKind::RegionalHealthCenter,
    level: Some(TechnicalLevel::Basic),
    ward: "Phường Lái Thiêu",
    address: "Đường Nguyễn Văn Tiết, khu phố Bình Hòa",
    coordinates: (10.9056, 106.7006),
    phone: "0274 3755 123",
    capabilities: &[
        (S, "noi_khoa", "Nội khoa"),
        (S, "nhi_khoa", "Nhi khoa"),
        (S, "san_phu_khoa", "Sản phụ khoa"),
        (S, "hoi_suc_cap_cuu", "Hồi sức cấp cứu"),
        (S, "y_hoc_co_truyen", "Y học cổ truyền"),
        (S, "noi_tiet", "Nội tiết – Đái tháo đường"),
        (T, "sieu_am_tong_quat", "Siêu âm tổng quát"),
        (T, "noi_soi_da_day", "Nội soi dạ dày"),
    ],
};

const STATIONS: &[FacilitySeed] = &[
    FacilitySeed {
        code: "74-TYT-ANPHU",
        name: "Trạm Y tế phường An Phú",
        kind: FacilityKind::HealthStation,
        level: Some(TechnicalLevel::Initial),
        ward: "Phường An Phú",
        address: "Khu phố 1B, phường An Phú",
        coordinates: (10.9478, 106.7493),
        phone: "0274 3710 101",
        capabilities: &[
            (S, "gia_dinh", "Y học gia đình"),
            (S, "y_te_du_phong", "Y tế dự phòng"),
        ],
    },
    FacilitySeed {
        code: "74-TYT-BINHHOA",
        name: "Trạm Y tế phường Bình Hòa",
        kind: FacilityKind::HealthStation,
        level: Some(TechnicalLevel::Initial),
        ward: "Phường Bình Hòa",
        address: "Khu phố Bình Đức 1, phường Bình Hòa",
        coordinates: (10.9102, 106.7298),
        phone: "0274 3710 102",
        capabilities: &[(S, "gia_dinh", "Y học gia đình")],
    },
    FacilitySeed {
        code: "74-TYT-LAITHIEU",
        name: "Trạm Y tế phường Lái Thiêu",
        kind: FacilityKind::HealthStation,
        level: Some(TechnicalLevel::Initial),
        ward: "Phường Lái Thiêu",
        address: "Đường Phan Đình Phùng, phường Lái Thiêu",
        coordinates: (10.9030, 106.6975),
        phone: "0274 3710 103",
        capabilities: &[
            (S, "gia_dinh", "Y học gia đình"),
            (S, "y_hoc_co_truyen", "Y học cổ truyền"),
        ],
    },
    FacilitySeed {
        code: "74-TYT-THUANGIAO",
        name: "Trạm Y tế phường Thuận Giao",
        kind: FacilityKind::HealthStation,
        level: Some(TechnicalLevel::Initial),
        ward: "Phường Thuận Giao",
        address: "Khu phố Hòa Lân, phường Thuận Giao",
        coordinates: (10.9584, 106.7127),
        phone: "0274 3710 104",
        capabilities: &[(S, "gia_dinh", "Y học gia đình")],
    },
    FacilitySeed {
        code: "74-TYT-THUANAN",
        name: "Trạm Y tế phường Thuận An",
        kind: FacilityKind::HealthStation,
        level: Some(TechnicalLevel::Initial),
        ward: "Phường Thuận An",
        address: "Khu phố Bình Thuận, phường Thuận An",
        coordinates: (10.9235, 106.6889),
        phone: "0274 3710 105",
        capabilities: &[(S, "gia_dinh", "Y học gia đình")],
    },
];

/// (code, name, kind, minimum on site per profession)
type DepartmentSeed = (
    &'static str,
    &'static str,
    DepartmentKind,
    &'static [(Profession, i32)],
);

const DEPARTMENTS: &[DepartmentSeed] = &[
    (
        "KHNV",
        "Phòng Kế hoạch – Nghiệp vụ",
        DepartmentKind::Functional,
        &[],
    ),
    ("DD", "Phòng Điều dưỡng", DepartmentKind::Functional, &[]),
    (
        "KB",
        "Khoa Khám bệnh",
        DepartmentKind::Clinical,
        &[(Profession::Doctor, 2), (Profession::Nurse, 2)],
    ),
    (
        "NOI",
        "Khoa Nội tổng hợp",
        DepartmentKind::Clinical,
        &[(Profession::Doctor, 1), (Profession::Nurse, 2)],
    ),
    (
        "NHI",
        "Khoa Nhi",
        DepartmentKind::Clinical,
        &[(Profession::Doctor, 1), (Profession::Nurse, 1)],
    ),
    (
        "SAN",
        "Khoa Chăm sóc sức khỏe sinh sản",
        DepartmentKind::Clinical,
        &[(Profession::Doctor, 1), (Profession::Midwife, 1)],
    ),
    (
        "HSCC",
        "Khoa Hồi sức cấp cứu",
        DepartmentKind::Clinical,
        &[(Profession::Doctor, 1), (Profession::Nurse, 2)],
    ),
    (
        "YHCT",
        "Khoa Y học cổ truyền – Phục hồi chức năng",
        DepartmentKind::Clinical,
        &[(Profession::PhysicianAssistant, 1)],
    ),
    (
        "XN",
        "Khoa Xét nghiệm – Chẩn đoán hình ảnh",
        DepartmentKind::Paraclinical,
        &[(Profession::Technician, 1)],
    ),
    (
        "DUOC",
        "Khoa Dược – Vật tư y tế",
        DepartmentKind::Paraclinical,
        &[(Profession::Pharmacist, 1)],
    ),
];

/// Centre staff: (department code, full name, profession, title, specialties).
const CENTRE_STAFF: &[(&str, &str, Profession, &str, &[&str])] = &[
    (
        "KHNV",
        "Nguyễn Thị Thu Hà",
        Profession::Doctor,
        "BSCKI",
        &["y_te_du_phong"],
    ),
    (
        "DD",
        "Trần Thị Mỹ Linh",
        Profession::Nurse,
        "CNĐD",
        &["dieu_duong"],
    ),
    (
        "KB",
        "Lê Văn Phúc",
        Profession::Doctor,
        "BSCKI",
        &["noi_khoa", "gia_dinh"],
    ),
    (
        "KB",
        "Phạm Thị Ngọc Ánh",
        Profession::Doctor,
        "BS",
        &["noi_khoa"],
    ),
    (
        "KB",
        "Võ Minh Tuấn",
        Profession::Doctor,
        "ThS.BS",
        &["noi_tiet", "noi_khoa"],
    ),
    (
        "KB",
        "Đặng Thị Hồng Nhung",
        Profession::Nurse,
        "ĐD",
        &["dieu_duong"],
    ),
    (
        "KB",
        "Bùi Thị Kim Oanh",
        Profession::Nurse,
        "ĐD",
        &["dieu_duong"],
    ),
    (
        "KB",
        "Huỳnh Văn Lộc",
        Profession::Nurse,
        "CNĐD",
        &["dieu_duong"],
    ),
    (
        "NOI",
        "Ngô Quang Huy",
        Profession::Doctor,
        "BSCKII",
        &["noi_khoa", "tim_mach"],
    ),
    (
        "NOI",
        "Đỗ Thị Thanh Tâm",
        Profession::Doctor,
        "BS",
        &["noi_khoa", "ho_hap"],
    ),
    (
        "NOI",
        "Trương Văn Hải",
        Profession::Nurse,
        "ĐD",
        &["dieu_duong"],
    ),
    (
        "NOI",
        "Lý Thị Bích Trâm",
        Profession::Nurse,
        "ĐD",
        &["dieu_duong"],
    ),
    (
        "NOI",
        "Phan Thị Diễm My",
        Profession::Nurse,
        "CNĐD",
        &["dieu_duong"],
    ),
    (
        "NHI",
        "Hồ Thị Thanh Vân",
        Profession::Doctor,
        "BSCKI",
        &["nhi_khoa"],
    ),
    (
        "NHI",
        "Dương Minh Khoa",
        Profession::Doctor,
        "BS",
        &["nhi_khoa"],
    ),
    (
        "NHI",
        "Tạ Thị Ngọc Hân",
        Profession::Nurse,
        "ĐD",
        &["dieu_duong", "nhi_khoa"],
    ),
    (
        "NHI",
        "Mai Thị Cẩm Tú",
        Profession::Nurse,
        "ĐD",
        &["dieu_duong"],
    ),
    (
        "SAN",
        "Châu Thị Mỹ Duyên",
        Profession::Doctor,
        "BSCKI",
        &["san_phu_khoa"],
    ),
    (
        "SAN",
        "Lâm Thị Kiều Trang",
        Profession::Midwife,
        "NHS",
        &["ho_sinh"],
    ),
    (
        "SAN",
        "Nguyễn Thị Hoài Thương",
        Profession::Midwife,
        "NHS",
        &["ho_sinh"],
    ),
    (
        "HSCC",
        "Trần Quốc Bảo",
        Profession::Doctor,
        "BSCKI",
        &["hoi_suc_cap_cuu"],
    ),
    (
        "HSCC",
        "Lê Thị Phương Thảo",
        Profession::Doctor,
        "BS",
        &["hoi_suc_cap_cuu", "noi_khoa"],
    ),
    (
        "HSCC",
        "Nguyễn Văn Thành",
        Profession::Nurse,
        "CNĐD",
        &["dieu_duong", "hoi_suc_cap_cuu"],
    ),
    (
        "HSCC",
        "Phạm Văn Tài",
        Profession::Nurse,
        "ĐD",
        &["dieu_duong"],
    ),
    (
        "HSCC",
        "Võ Thị Yến Nhi",
        Profession::Nurse,
        "ĐD",
        &["dieu_duong"],
    ),
    (
        "YHCT",
        "Đinh Văn Nam",
        Profession::PhysicianAssistant,
        "YS YHCT",
        &["y_hoc_co_truyen"],
    ),
    (
        "YHCT",
        "Kiều Thị Lan",
        Profession::Technician,
        "KTV PHCN",
        &["phuc_hoi_chuc_nang"],
    ),
    (
        "XN",
        "Hà Văn Sơn",
        Profession::Technician,
        "KTV",
        &["xet_nghiem"],
    ),
    (
        "XN",
        "Quách Thị Mai",
        Profession::Technician,
        "KTV",
        &["chan_doan_hinh_anh"],
    ),
    (
        "DUOC",
        "Tôn Nữ Bảo Ngọc",
        Profession::Pharmacist,
        "DSĐH",
        &["duoc"],
    ),
];

/// Station staff: (station index, full name, profession, title, specialties).
const STATION_STAFF: &[(usize, &str, Profession, &str, &[&str])] = &[
    (
        0,
        "Nguyễn Văn Minh",
        Profession::Doctor,
        "BS",
        &["gia_dinh"],
    ),
    (
        0,
        "Lê Thị Thu Trang",
        Profession::Nurse,
        "ĐD",
        &["dieu_duong"],
    ),
    (
        1,
        "Trần Văn Hùng",
        Profession::PhysicianAssistant,
        "YS",
        &["gia_dinh"],
    ),
    (1, "Phạm Thị Hạnh", Profession::Midwife, "NHS", &["ho_sinh"]),
    (
        2,
        "Võ Thị Ngọc Bích",
        Profession::Doctor,
        "BS",
        &["gia_dinh", "y_hoc_co_truyen"],
    ),
    (
        2,
        "Đoàn Văn Khánh",
        Profession::Nurse,
        "ĐD",
        &["dieu_duong"],
    ),
    (
        3,
        "Huỳnh Thị Kim Loan",
        Profession::Doctor,
        "BS",
        &["gia_dinh"],
    ),
    (
        3,
        "Nguyễn Thị Thùy Dung",
        Profession::Nurse,
        "ĐD",
        &["dieu_duong"],
    ),
    (
        4,
        "Lê Hoàng Phong",
        Profession::PhysicianAssistant,
        "YS",
        &["gia_dinh"],
    ),
    (
        4,
        "Trần Thị Ái Vy",
        Profession::Midwife,
        "NHS",
        &["ho_sinh"],
    ),
];

/// Hospital staff named on technique-transfer agreements: (facility code, full name,
/// profession, title, specialties).
const HOSPITAL_STAFF: &[(&str, &str, Profession, &str, &[&str])] = &[
    (
        "74-BVDKBD",
        "Phạm Minh Quân",
        Profession::Doctor,
        "TS.BS",
        &["noi_khoa", "tieu_hoa"],
    ),
    (
        "74-BVDKBD",
        "Đặng Thị Thanh Tâm",
        Profession::Doctor,
        "BSCKII",
        &["chan_doan_hinh_anh"],
    ),
    (
        "79-BVNHI1",
        "Trương Hữu Khanh",
        Profession::Doctor,
        "BSCKII",
        &["nhi_khoa", "hoi_suc_so_sinh"],
    ),
];

/// Demo accounts: (username, full name, role, facility code, linked staff name).
const USERS: &[(&str, &str, Role, &str, Option<&str>)] = &[
    ("admin", "Quản trị hệ thống", Role::Admin, "74-TTYTTA", None),
    (
        "soyte",
        "Chuyên viên Sở Y tế",
        Role::HealthDepartment,
        "SYT-HCM",
        None,
    ),
    (
        "giamdoc",
        "Giám đốc Trung tâm",
        Role::Director,
        "74-TTYTTA",
        None,
    ),
    (
        "kehoach",
        "Nguyễn Thị Thu Hà",
        Role::Planner,
        "74-TTYTTA",
        Some("Nguyễn Thị Thu Hà"),
    ),
    (
        "dieuduong",
        "Trần Thị Mỹ Linh",
        Role::NursingHead,
        "74-TTYTTA",
        Some("Trần Thị Mỹ Linh"),
    ),
    (
        "truongkhoa",
        "Ngô Quang Huy",
        Role::DepartmentHead,
        "74-TTYTTA",
        Some("Ngô Quang Huy"),
    ),
    (
        "bacsi",
        "Lê Văn Phúc",
        Role::Clinician,
        "74-TTYTTA",
        Some("Lê Văn Phúc"),
    ),
    (
        "tram.anphu",
        "Nguyễn Văn Minh",
        Role::StationHead,
        "74-TYT-ANPHU",
        Some("Nguyễn Văn Minh"),
    ),
    (
        "tram.binhhoa",
        "Trần Văn Hùng",
        Role::StationHead,
        "74-TYT-BINHHOA",
        Some("Trần Văn Hùng"),
    ),
    (
        "tram.laithieu",
        "Võ Thị Ngọc Bích",
        Role::StationHead,
        "74-TYT-LAITHIEU",
        Some("Võ Thị Ngọc Bích"),
    ),
    (
        "tram.thuangiao",
        "Huỳnh Thị Kim Loan",
        Role::StationHead,
        "74-TYT-THUANGIAO",
        Some("Huỳnh Thị Kim Loan"),
    ),
    (
        "tram.thuanan",
        "Lê Hoàng Phong",
        Role::StationHead,
        "74-TYT-THUANAN",
        Some("Lê Hoàng Phong"),
    ),
    (
        "bv.nhidong1",
        "Bác sĩ trực Nhi Đồng 1",
        Role::Clinician,
        "79-BVNHI1",
        None,
    ),
    (
        "bv.tinh",
        "Phạm Minh Quân",
        Role::DepartmentHead,
        "74-BVDKBD",
        Some("Phạm Minh Quân"),
    ),
];

/// The demo accounts as printed at start: (username, role label, facility name).
pub fn demo_logins() -> Vec<(&'static str, &'static str, &'static str)> {
    use shared::{Labelled, Lang};
    let name_of = |code: &str| {
        std::iter::once(&DEPARTMENT_OF_HEALTH)
            .chain(HOSPITALS)
            .chain(std::iter::once(&CENTRE))
            .chain(STATIONS)
            .find(|seed| seed.code == code)
            .map(|seed| seed.name)
            .unwrap_or("")
    };
    USERS
        .iter()
        .map(|(username, _, role, facility, _)| {
            (*username, role.label(Lang::Vi), name_of(facility))
        })
        .collect()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn insert_facility(
    conn: &mut AnyConn,
    seed: &FacilitySeed,
    supervising_id: Option<i64>,
) -> Result<i64, ApiError> {
    let input = FacilityInput {
        code: seed.code.into(),
        name: seed.name.into(),
        kind: seed.kind,
        level: seed.level,
        supervising_id,
        province: PROVINCE.into(),
        ward: Some(seed.ward.into()),
        address: Some(seed.address.into()),
        latitude: Some(seed.coordinates.0),
        longitude: Some(seed.coordinates.1),
        phone: Some(seed.phone.into()),
        active: true,
        capabilities: seed
            .capabilities
            .iter()
            .map(|(kind, code, name)| Capability::declared(*kind, code, name))
            .collect(),
    };
    let at = now();
    let id = repo::insert_facility(conn, &FacilityChanges::from_input(&input, 1, at), at)?;
    repo::replace_capabilities(conn, id, &input.capabilities)?;
    Ok(id)
}

fn link(
    conn: &mut AnyConn,
    supporter_id: i64,
    supported_id: i64,
    note: &str,
) -> Result<(), ApiError> {
    repo::insert_support_link(
        conn,
        &SupportLinkInput {
            supporter_id,
            supported_id,
            since: Some(date(2026, 1, 1)),
            note: Some(note.into()),
        },
        now(),
    )?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn insert_staff(
    conn: &mut AnyConn,
    number: usize,
    facility_id: i64,
    department_id: Option<i64>,
    name: &str,
    profession: Profession,
    title: &str,
    specialties: &[&str],
) -> Result<i64, ApiError> {
    // A few licences tell a story: one expired, one expiring within the plan year.
    let valid_until = match number {
        7 => Some(date(2025, 12, 31)),
        12 => Some(date(2026, 6, 30)),
        _ => Some(date(
            2029 + (number % 3) as i32,
            1 + (number % 12) as u32,
            15,
        )),
    };
    let exemption = match number {
        17 => Some(RotationExemption::Pregnant),
        24 => Some(RotationExemption::ChildUnder36Months),
        _ => None,
    };
    let input = StaffInput {
        facility_id,
        department_id,
        code: Some(format!("NV{number:03}")),
        full_name: name.into(),
        profession,
        title: Some(title.into()),
        licence_number: Some(format!("{:06}/HCM-CCHN", 3100 + number * 37)),
        citizen_id: None,
        licence_valid_from: Some(date(2021 + (number % 4) as i32, 3, 1)),
        licence_valid_until: valid_until,
        specialties: specialties.iter().map(|s| (*s).to_string()).collect(),
        // Doctors and nurses visit stations a day or two a week; one nurse has signed up
        // for a continuous posting and may be away every working day.
        monthly_rotation_day_limit: match (number, profession) {
            (25, _) => 23,
            (_, Profession::Doctor) => 8,
            _ => 10,
        },
        rotation_exemption: exemption,
        phone: Some(format!("09{:08}", 12_345_000 + number * 7919)),
        email: None,
        active: true,
    };
    let at = now();
    Ok(repo::insert_staff(
        conn,
        &StaffChanges::from_input(&input, 1, at),
        at,
    )?)
}

fn load(conn: &mut AnyConn) -> Result<(), ApiError> {
    let department_of_health = insert_facility(conn, &DEPARTMENT_OF_HEALTH, None)?;
    let mut codes: BTreeMap<&str, i64> =
        BTreeMap::from([(DEPARTMENT_OF_HEALTH.code, department_of_health)]);
    for seed in HOSPITALS {
        codes.insert(
            seed.code,
            insert_facility(conn, seed, Some(department_of_health))?,
        );
    }
    let centre = insert_facility(conn, &CENTRE, Some(department_of_health))?;
    codes.insert(CENTRE.code, centre);
    let mut stations = Vec::new();
    for seed in STATIONS {
        let station = insert_facility(conn, seed, Some(centre))?;
        link(
            conn,
            centre,
            station,
            "Kế hoạch hỗ trợ chuyên môn trạm y tế phường năm 2026",
        )?;
        codes.insert(seed.code, station);
        stations.push(station);
    }
    link(
        conn,
        codes["74-BVDKBD"],
        centre,
        "Chỉ đạo tuyến, Quyết định 4026/QĐ-BYT",
    )?;
    link(
        conn,
        codes["79-BVNHI1"],
        centre,
        "Mạng lưới chuyên khoa Nhi",
    )?;

    let at = now();
    let mut departments = BTreeMap::new();
    for (code, name, kind, minimums) in DEPARTMENTS {
        let input = DepartmentInput {
            facility_id: centre,
            code: (*code).into(),
            name: (*name).into(),
            kind: *kind,
            min_on_site: minimums.iter().copied().collect(),
            active: true,
        };
        let id = repo::insert_department(conn, &DepartmentChanges::from_input(&input, 1, at), at)?;
        departments.insert(*code, id);
    }

    let mut staff_ids = BTreeMap::new();
    for (number, (department, name, profession, title, specialties)) in
        CENTRE_STAFF.iter().enumerate()
    {
        let id = insert_staff(
            conn,
            number + 1,
            centre,
            departments.get(department).copied(),
            name,
            *profession,
            title,
            specialties,
        )?;
        staff_ids.insert(*name, id);
    }
    for (offset, (station, name, profession, title, specialties)) in
        STATION_STAFF.iter().enumerate()
    {
        let id = insert_staff(
            conn,
            CENTRE_STAFF.len() + offset + 1,
            stations[*station],
            None,
            name,
            *profession,
            title,
            specialties,
        )?;
        staff_ids.insert(*name, id);
    }
    for (offset, (facility, name, profession, title, specialties)) in
        HOSPITAL_STAFF.iter().enumerate()
    {
        let id = insert_staff(
            conn,
            CENTRE_STAFF.len() + STATION_STAFF.len() + offset + 1,
            codes[facility],
            None,
            name,
            *profession,
            title,
            specialties,
        )?;
        staff_ids.insert(*name, id);
    }
    for (name, kind, start, end) in [
        (
            "Võ Minh Tuấn",
            LeaveKind::Annual,
            date(2026, 4, 27),
            date(2026, 5, 8),
        ),
        (
            "Tạ Thị Ngọc Hân",
            LeaveKind::Training,
            date(2026, 3, 2),
            date(2026, 3, 27),
        ),
        (
            "Lý Thị Bích Trâm",
            LeaveKind::Maternity,
            date(2026, 1, 5),
            date(2026, 7, 4),
        ),
    ] {
        if let Some(staff_id) = staff_ids.get(name) {
            repo::insert_leave(
                conn,
                *staff_id,
                &LeaveInput {
                    kind,
                    start_date: start,
                    end_date: end,
                    note: None,
                },
                at,
            )?;
        }
    }

    // One hash for every demo account: they share the demo password, and hashing once
    // keeps the first start (and every test database) fast.
    let hash = password::hash(DEMO_PASSWORD)?;
    for (username, full_name, role, facility, staff_name) in USERS {
        auth_repo::insert_user(
            conn,
            &NewUserRow {
                username,
                password_hash: &hash,
                full_name,
                role: DbEnum(*role),
                facility_id: codes[facility],
                staff_id: staff_name.and_then(|name| staff_ids.get(name).copied()),
                active: true,
                version: 1,
                created_at: at,
                updated_at: at,
                // The demo's passwords are printed and public, never temporary.
                must_change_password: false,
            },
        )?;
    }
    let techniques = crate::techniques::demo::load(conn, &codes)?;
    let referrals = crate::referrals::demo::load(conn)?;
    let consultations = crate::consultations::demo::load(conn)?;
    let rotations = crate::rotations::demo::load(conn, centre, &codes, &staff_ids)?;
    let plans = crate::plans::demo::load(conn)?;
    let supervision_visits = crate::supervision::demo::load(conn)?;
    let agreements = crate::transfers::demo::load(conn, &codes, &staff_ids)?;
    // The mark that makes the server and the sign-in page say this is the demo.
    let marked = crate::db::settings::store(
        conn,
        DEMO_SETTING,
        &json!({ "network": "thuan-an-2026", "loaded_at": crate::db::utc(at) }).to_string(),
        0,
        at,
    )?;
    if marked == 0 {
        return Err(ApiError::internal("demo mark stored twice"));
    }
    audit::record_as_user(
        conn,
        None,
        audit::SYSTEM,
        None,
        Entry {
            entity: "demo",
            entity_id: "thuan-an-2026".into(),
            action: "load",
            facility_id: Some(centre),
            changes: json!({
                "facilities": codes.len(),
                "departments": departments.len(),
                "staff": staff_ids.len(),
                "users": USERS.len(),
                "facility_techniques": techniques,
                "referrals": referrals,
                "consultation_cases": consultations,
                "rotation_assignments": rotations,
                "plan_versions": plans,
                "supervision_visits": supervision_visits,
                "transfer_agreements": agreements,
            }),
        },
    )?;
    Ok(())
}

/// The `app_settings` key present when the database holds the demo network.
pub const DEMO_SETTING: &str = "demo";

/// Whether the database holds the demo network (its accounts' passwords are public).
pub fn is_loaded(conn: &mut AnyConn) -> Result<bool, ApiError> {
    Ok(crate::db::settings::find(conn, DEMO_SETTING)?.is_some())
}

/// Loads the demo network when the database has no facility yet (only when asked:
/// `tuyen serve --demo`, the test harness, `tuyen seed-referrals`).
pub fn load_if_empty(db: &Db) -> anyhow::Result<()> {
    use diesel::prelude::*;
    let mut conn = db.conn().map_err(|e| anyhow::anyhow!("{e}"))?;
    let loaded = write_tx(&mut conn, |conn| -> Result<bool, ApiError> {
        // Servers started together on an empty PostgreSQL: one loads, the others wait
        // and then find the network there.
        crate::db::advisory_xact_lock(conn, crate::db::DEMO_LOCK)?;
        let count: i64 = crate::schema::facilities::table.count().get_result(conn)?;
        if count > 0 {
            return Ok(false);
        }
        load(conn)?;
        Ok(true)
    })
    .map_err(|e| anyhow::anyhow!("demo data: {e}"))?;
    if loaded {
        tracing::info!("loaded the demo network (Thuận An 2026)");
    }
    Ok(())
}
