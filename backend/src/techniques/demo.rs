//! The demo network's technique catalogue, its facilities' techniques and the regional
//! specialty networks they belong to.
//!
//! The catalogue holds the commune-level techniques a station is expected to perform
//! (seed 001 counts the stations performing 80 % of them), and the basic and specialised
//! techniques the hospitals above perform. The stations cover different shares of it, so
//! the coverage indicator has something real to show: An Phú and Lái Thiêu reach 80 %, the
//! others not yet (Bình Hòa is being trained in one technique, Thuận An has suspended one).

use std::collections::BTreeMap;

use shared::registry::{Capability, CapabilityKind, TechnicalLevel};
use shared::technique::{
    CapabilitySource, NetworkInput, NetworkMemberInput, NetworkRole, TechniqueInput,
    TechniqueStatus,
};

use super::repo::{self, NetworkChanges, TechniqueChanges};
use crate::db::{AnyConn, now};
use crate::error::ApiError;
use crate::registry::repo as registry_repo;

use TechnicalLevel::{Basic, Initial, Specialized};

/// (code, name, specialty, level)
const CATALOGUE: &[(&str, &str, &str, TechnicalLevel)] = &[
    (
        "cap_cuu_ngung_tuan_hoan",
        "Cấp cứu ngừng tuần hoàn cơ bản",
        "hoi_suc_cap_cuu",
        Initial,
    ),
    (
        "khau_vet_thuong_phan_mem",
        "Khâu vết thương phần mềm",
        "ngoai_khoa",
        Initial,
    ),
    (
        "so_cuu_gay_xuong",
        "Sơ cứu, cố định gãy xương",
        "chan_thuong_chinh_hinh",
        Initial,
    ),
    (
        "do_duong_mau_mao_mach",
        "Đo đường máu mao mạch",
        "noi_tiet",
        Initial,
    ),
    (
        "dien_tim_thuong",
        "Ghi điện tim thường",
        "tim_mach",
        Initial,
    ),
    (
        "do_de_thuong",
        "Đỡ đẻ thường ngôi chỏm",
        "san_phu_khoa",
        Initial,
    ),
    (
        "tiem_chung_mo_rong",
        "Tiêm chủng mở rộng",
        "y_te_du_phong",
        Initial,
    ),
    ("khi_dung_mui_hong", "Khí dung mũi họng", "ho_hap", Initial),
    ("cham_cuu", "Châm cứu điều trị", "y_hoc_co_truyen", Initial),
    (
        "xoa_bop_bam_huyet",
        "Xoa bóp bấm huyệt",
        "y_hoc_co_truyen",
        Initial,
    ),
    (
        "sieu_am_tong_quat",
        "Siêu âm tổng quát",
        "chan_doan_hinh_anh",
        Basic,
    ),
    ("noi_soi_da_day", "Nội soi dạ dày", "noi_khoa", Basic),
    ("mo_lay_thai", "Phẫu thuật lấy thai", "san_phu_khoa", Basic),
    (
        "tieu_soi_huyet_dot_quy",
        "Tiêu sợi huyết điều trị đột quỵ",
        "dot_quy",
        Basic,
    ),
    (
        "tho_may_so_sinh",
        "Thở máy sơ sinh",
        "nhi_khoa",
        Specialized,
    ),
    (
        "loc_mau_lien_tuc",
        "Lọc máu liên tục ở trẻ em",
        "nhi_khoa",
        Specialized,
    ),
    (
        "can_thiep_mach_vanh",
        "Can thiệp mạch vành qua da",
        "tim_mach",
        Specialized,
    ),
    (
        "hoa_tri_ung_thu",
        "Hóa trị ung thư",
        "ung_buou",
        Specialized,
    ),
    (
        "tan_soi_niet_quan_noi_soi",
        "Tán sỏi niệu quản qua nội soi",
        "tiet_nieu",
        Specialized,
    ),
    (
        "phau_thuat_chan_thuong_so_nao",
        "Phẫu thuật chấn thương sọ não",
        "ngoai_khoa",
        Specialized,
    ),
];

/// A station's code, the commune-level techniques it performs, and those it does not
/// perform now (being transferred, or suspended).
type StationSeed = (
    &'static str,
    &'static [&'static str],
    &'static [(&'static str, TechniqueStatus)],
);

const STATION_TECHNIQUES: &[StationSeed] = &[
    (
        "74-TYT-ANPHU",
        &[
            "cap_cuu_ngung_tuan_hoan",
            "khau_vet_thuong_phan_mem",
            "so_cuu_gay_xuong",
            "do_duong_mau_mao_mach",
            "dien_tim_thuong",
            "do_de_thuong",
            "tiem_chung_mo_rong",
            "khi_dung_mui_hong",
            "xoa_bop_bam_huyet",
        ],
        &[],
    ),
    (
        "74-TYT-BINHHOA",
        &[
            "cap_cuu_ngung_tuan_hoan",
            "khau_vet_thuong_phan_mem",
            "do_duong_mau_mao_mach",
            "tiem_chung_mo_rong",
            "khi_dung_mui_hong",
            "xoa_bop_bam_huyet",
        ],
        &[("dien_tim_thuong", TechniqueStatus::InTransfer)],
    ),
    (
        "74-TYT-LAITHIEU",
        &[
            "cap_cuu_ngung_tuan_hoan",
            "khau_vet_thuong_phan_mem",
            "so_cuu_gay_xuong",
            "do_duong_mau_mao_mach",
            "tiem_chung_mo_rong",
            "khi_dung_mui_hong",
            "cham_cuu",
            "xoa_bop_bam_huyet",
        ],
        &[],
    ),
    (
        "74-TYT-THUANGIAO",
        &[
            "cap_cuu_ngung_tuan_hoan",
            "khau_vet_thuong_phan_mem",
            "do_duong_mau_mao_mach",
            "tiem_chung_mo_rong",
            "khi_dung_mui_hong",
        ],
        &[],
    ),
    (
        "74-TYT-THUANAN",
        &[
            "cap_cuu_ngung_tuan_hoan",
            "khau_vet_thuong_phan_mem",
            "so_cuu_gay_xuong",
            "do_duong_mau_mao_mach",
            "tiem_chung_mo_rong",
            "khi_dung_mui_hong",
            "xoa_bop_bam_huyet",
        ],
        &[("do_de_thuong", TechniqueStatus::Suspended)],
    ),
];

/// (name, specialty, basis, members by facility code with their part)
type NetworkSeed = (
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, NetworkRole)],
);

const NETWORKS: &[NetworkSeed] = &[
    (
        "Mạng lưới Nhi khoa khu vực phía Nam",
        "nhi_khoa",
        "Phân công chỉ đạo tuyến chuyên khoa Nhi của Sở Y tế",
        &[
            ("79-BVNHI1", NetworkRole::EndLine),
            ("74-TTYTTA", NetworkRole::Centre),
        ],
    ),
    (
        "Mạng lưới Sản khoa tỉnh Bình Dương",
        "san_phu_khoa",
        "Mạng lưới chuyên khoa sản – kế hoạch chuyển giao kỹ thuật 2026",
        // The centre joins once its obstetric techniques are signed off.
        &[("74-BVDKBD", NetworkRole::Provincial)],
    ),
    (
        "Mạng lưới Đột quỵ tỉnh Bình Dương",
        "dot_quy",
        "Mạng lưới điều trị đột quỵ – Sở Y tế",
        &[("74-BVDKBD", NetworkRole::Provincial)],
    ),
    (
        "Mạng lưới Tim mạch can thiệp",
        "tim_mach",
        "Mạng lưới tim mạch can thiệp – Sở Y tế",
        &[("74-BVDKBD", NetworkRole::Provincial)],
    ),
    (
        "Mạng lưới Ung bướu",
        "ung_buou",
        "Mạng lưới ung bướu – Sở Y tế",
        &[("74-BVDKBD", NetworkRole::Provincial)],
    ),
];

/// Loads the catalogue, the stations' techniques and the networks; the number of
/// techniques set at facilities.
pub fn load(conn: &mut AnyConn, codes: &BTreeMap<&str, i64>) -> Result<usize, ApiError> {
    let at = now();
    let mut names = BTreeMap::new();
    for (code, name, specialty, level) in CATALOGUE {
        let input = TechniqueInput {
            code: (*code).into(),
            name: (*name).into(),
            specialty: (*specialty).into(),
            level: *level,
            active: true,
        };
        repo::insert_technique(conn, &TechniqueChanges::from_input(&input, 1, at), at)?;
        names.insert(*code, *name);
    }
    let mut set = 0;
    for (station, performing, other) in STATION_TECHNIQUES {
        let Some(&id) = codes.get(station) else {
            continue;
        };
        let Some(facility) = registry_repo::find_facility(conn, id)? else {
            continue;
        };
        let technique = |code: &str, status: TechniqueStatus| Capability {
            status,
            source: CapabilitySource::Approval,
            ..Capability::declared(
                CapabilityKind::Technique,
                code,
                names.get(code).copied().unwrap_or(code),
            )
        };
        let mut capabilities = facility.capabilities;
        capabilities.extend(
            performing
                .iter()
                .map(|code| technique(code, TechniqueStatus::Performing)),
        );
        capabilities.extend(other.iter().map(|(code, status)| technique(code, *status)));
        set += performing.len() + other.len();
        registry_repo::replace_capabilities(conn, id, &capabilities)?;
    }
    for (name, specialty, basis, members) in NETWORKS {
        let input = NetworkInput {
            name: (*name).into(),
            specialty: (*specialty).into(),
            basis: Some((*basis).into()),
            members: members
                .iter()
                .filter_map(|(code, role)| {
                    codes.get(code).map(|&facility_id| NetworkMemberInput {
                        facility_id,
                        role: *role,
                    })
                })
                .collect(),
        };
        let id = repo::insert_network(conn, &NetworkChanges::from_input(&input, 1, at), at)?;
        let members: Vec<_> = input
            .members
            .iter()
            .map(|m| (m.facility_id, m.role))
            .collect();
        repo::replace_members(conn, id, &members)?;
    }
    Ok(set)
}
