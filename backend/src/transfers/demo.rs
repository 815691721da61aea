//! The demo network's technique-transfer agreements, dated back from today so that each
//! stage has something to show: an agreement under six-monthly review (one trainee left
//! for a private hospital within a year), one waiting for its protocol at the readiness
//! check, one in training, one suspended when its midwife left, one closed after 24
//! months, one signed off this year, and a draft signed by one side.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDateTime, NaiveTime};
use diesel::prelude::*;
use shared::registry::CapabilityKind;
use shared::technique::{CapabilitySource, TechniqueStatus};
use shared::transfer::{
    AgreementParty, AgreementStatus, DepartureKind, ReadinessKind, ReadinessState,
};

use super::repo::{self, DraftChanges, NewAgreement, StepChange};
use crate::db::{AnyConn, DbEnum, json_text};
use crate::error::ApiError;
use crate::schema::{facility_capabilities, staff};

/// A trainee: name, certified, and (days ago, how, note) when they left.
type TraineeSeed = (
    &'static str,
    bool,
    Option<(u64, DepartureKind, &'static str)>,
);

struct Seed {
    title: &'static str,
    giving: &'static str,
    receiving: &'static str,
    techniques: &'static [&'static str],
    giving_lead: &'static str,
    receiving_lead: &'static str,
    /// Days ago: started, signed by both (none: the giving side only, a draft).
    started: u64,
    signed: Option<u64>,
    /// Days ago each session was held, with its topic and hours.
    sessions: &'static [(u64, &'static str, i32)],
    trainees: &'static [TraineeSeed],
    /// Readiness items not ready (the others are ready with evidence), when the
    /// agreement has reached its readiness check.
    unready: &'static [ReadinessKind],
    /// Days ago it was signed off by both.
    signed_off: Option<u64>,
    /// Days ago of each review, cases performed, issues.
    reviews: &'static [(u64, i32, &'static str)],
    status: AgreementStatus,
    /// Why it is suspended.
    reason: Option<&'static str>,
    note: &'static str,
}

const SEEDS: &[Seed] = &[
    Seed {
        title: "Chuyển giao kỹ thuật siêu âm tổng quát và nội soi dạ dày cho Trung tâm Y tế Thuận An",
        giving: "74-BVDKBD",
        receiving: "74-TTYTTA",
        techniques: &["sieu_am_tong_quat", "noi_soi_da_day"],
        giving_lead: "Phạm Minh Quân",
        receiving_lead: "Ngô Quang Huy",
        started: 560,
        signed: Some(550),
        sessions: &[
            (530, "Lý thuyết siêu âm ổ bụng, đọc kết quả", 8),
            (500, "Thực hành siêu âm có giám sát tại bệnh viện tỉnh", 8),
            (
                470,
                "Nội soi dạ dày: chuẩn bị người bệnh, kỹ thuật, xử trí tai biến",
                8,
            ),
        ],
        trainees: &[
            ("Lê Văn Phúc", true, None),
            ("Phạm Thị Ngọc Ánh", true, None),
            (
                "Huỳnh Văn Lộc",
                true,
                Some((
                    150,
                    DepartureKind::Resigned,
                    "Nghỉ việc, chuyển sang bệnh viện tư nhân",
                )),
            ),
        ],
        unready: &[],
        signed_off: Some(418),
        reviews: &[
            (235, 64, "Cần bổ sung đầu dò siêu âm thứ hai"),
            (
                52,
                118,
                "Máy nội soi hỏng 2 tuần, bệnh viện tỉnh hỗ trợ sửa chữa; một học viên đã nghỉ việc, đề nghị cử người thay thế",
            ),
        ],
        status: AgreementStatus::Reviewing,
        reason: None,
        note: "Theo kế hoạch chỉ đạo tuyến năm 2025 của Bệnh viện Đa khoa tỉnh (Quyết định 4026/QĐ-BYT)",
    },
    Seed {
        title: "Chuyển giao kỹ thuật ghi điện tim thường cho Trạm Y tế Bình Hòa",
        giving: "74-TTYTTA",
        receiving: "74-TYT-BINHHOA",
        techniques: &["dien_tim_thuong"],
        giving_lead: "Lê Văn Phúc",
        receiving_lead: "Trần Văn Hùng",
        started: 150,
        signed: Some(140),
        sessions: &[
            (115, "Lý thuyết điện tâm đồ cơ bản", 4),
            (90, "Thực hành mắc điện cực, ghi điện tim tại trung tâm", 4),
            (60, "Nhận định điện tim bất thường cần chuyển tuyến", 4),
        ],
        trainees: &[
            ("Trần Văn Hùng", false, None),
            ("Phạm Thị Hạnh", false, None),
        ],
        unready: &[ReadinessKind::Protocol],
        signed_off: None,
        reviews: &[],
        status: AgreementStatus::ReadyCheck,
        reason: None,
        note: "Kế hoạch hỗ trợ chuyên môn trạm y tế phường năm 2026",
    },
    Seed {
        title: "Chuyển giao kỹ thuật thở máy sơ sinh cho Trung tâm Y tế Thuận An",
        giving: "79-BVNHI1",
        receiving: "74-TTYTTA",
        techniques: &["tho_may_so_sinh"],
        giving_lead: "Trương Hữu Khanh",
        receiving_lead: "Ngô Quang Huy",
        started: 50,
        signed: Some(45),
        sessions: &[
            (30, "Sinh lý hô hấp sơ sinh, chỉ định thở máy", 8),
            (10, "Thực hành cài đặt máy thở tại khoa Hồi sức sơ sinh", 8),
        ],
        trainees: &[
            ("Đỗ Thị Thanh Tâm", false, None),
            ("Phan Thị Diễm My", false, None),
        ],
        unready: &[],
        signed_off: None,
        reviews: &[],
        status: AgreementStatus::Training,
        reason: None,
        note: "Mạng lưới chuyên khoa Nhi khu vực phía Nam",
    },
    Seed {
        title: "Chuyển giao kỹ thuật đỡ đẻ thường ngôi chỏm cho Trạm Y tế Thuận An",
        giving: "74-TTYTTA",
        receiving: "74-TYT-THUANAN",
        techniques: &["do_de_thuong"],
        giving_lead: "Trần Thị Mỹ Linh",
        receiving_lead: "Lê Hoàng Phong",
        started: 540,
        signed: Some(520),
        sessions: &[
            (505, "Theo dõi chuyển dạ bằng biểu đồ", 4),
            (490, "Thực hành đỡ đẻ tại khoa Sản trung tâm", 8),
        ],
        trainees: &[
            (
                "Trần Thị Ái Vy",
                true,
                Some((
                    120,
                    DepartureKind::Resigned,
                    "Nghỉ việc, làm việc tại phòng khám sản tư nhân",
                )),
            ),
            ("Lê Hoàng Phong", true, None),
        ],
        unready: &[],
        signed_off: Some(450),
        reviews: &[(
            270,
            12,
            "Số ca đẻ tại trạm ít, đa số sản phụ chọn bệnh viện",
        )],
        status: AgreementStatus::Suspended,
        reason: Some(
            "Nữ hộ sinh được đào tạo đã nghỉ việc; trạm tạm dừng đỡ đẻ chờ cử học viên mới",
        ),
        note: "Kế hoạch hỗ trợ chuyên môn trạm y tế năm 2025",
    },
    Seed {
        title: "Chuyển giao kỹ thuật ghi điện tim thường cho Trạm Y tế An Phú",
        giving: "74-TTYTTA",
        receiving: "74-TYT-ANPHU",
        techniques: &["dien_tim_thuong"],
        giving_lead: "Lê Văn Phúc",
        receiving_lead: "Nguyễn Văn Minh",
        started: 860,
        signed: Some(850),
        sessions: &[
            (835, "Lý thuyết điện tâm đồ cơ bản", 4),
            (820, "Thực hành ghi điện tim tại trung tâm", 4),
        ],
        trainees: &[
            ("Nguyễn Văn Minh", true, None),
            ("Lê Thị Thu Trang", true, None),
        ],
        unready: &[],
        signed_off: Some(790),
        reviews: &[
            (610, 41, ""),
            (430, 57, ""),
            (250, 66, "Trạm tự thực hiện ổn định"),
            (70, 73, "Đủ 24 tháng, các học viên vẫn công tác tại trạm"),
        ],
        status: AgreementStatus::Closed,
        reason: None,
        note: "Kế hoạch hỗ trợ chuyên môn trạm y tế năm 2024",
    },
    Seed {
        title: "Chuyển giao kỹ thuật ghi điện tim thường cho Trạm Y tế Lái Thiêu",
        giving: "74-TTYTTA",
        receiving: "74-TYT-LAITHIEU",
        techniques: &["dien_tim_thuong"],
        giving_lead: "Lê Văn Phúc",
        receiving_lead: "Võ Thị Ngọc Bích",
        started: 200,
        signed: Some(190),
        sessions: &[
            (170, "Lý thuyết điện tâm đồ cơ bản", 4),
            (140, "Thực hành ghi điện tim tại trung tâm", 4),
            (110, "Nhận định điện tim bất thường cần chuyển tuyến", 4),
        ],
        trainees: &[
            ("Võ Thị Ngọc Bích", true, None),
            ("Đoàn Văn Khánh", true, None),
        ],
        unready: &[],
        signed_off: Some(75),
        reviews: &[],
        status: AgreementStatus::SignedOff,
        reason: None,
        note: "Kế hoạch hỗ trợ chuyên môn trạm y tế phường năm 2026",
    },
    Seed {
        title: "Chuyển giao kỹ thuật sơ cứu, cố định gãy xương cho Trạm Y tế Thuận Giao",
        giving: "74-TTYTTA",
        receiving: "74-TYT-THUANGIAO",
        techniques: &["so_cuu_gay_xuong"],
        giving_lead: "Ngô Quang Huy",
        receiving_lead: "Huỳnh Thị Kim Loan",
        started: 3,
        signed: None,
        sessions: &[],
        trainees: &[("Huỳnh Thị Kim Loan", false, None)],
        unready: &[],
        signed_off: None,
        reviews: &[],
        status: AgreementStatus::Draft,
        reason: None,
        note: "Kế hoạch hỗ trợ chuyên môn trạm y tế phường năm 2026 (đang chờ trạm ký)",
    },
];

/// The account that acts for each side in the demo.
fn signer(facility: &str) -> &'static str {
    match facility {
        "74-TTYTTA" => "kehoach",
        "74-BVDKBD" => "bv.tinh",
        "79-BVNHI1" => "bv.nhidong1",
        "74-TYT-ANPHU" => "tram.anphu",
        "74-TYT-BINHHOA" => "tram.binhhoa",
        "74-TYT-LAITHIEU" => "tram.laithieu",
        "74-TYT-THUANGIAO" => "tram.thuangiao",
        _ => "tram.thuanan",
    }
}

fn evidence(kind: ReadinessKind) -> &'static str {
    match kind {
        ReadinessKind::Equipment => "Biên bản bàn giao, chạy thử thiết bị",
        ReadinessKind::Room => "Phòng thực hiện kỹ thuật đã bố trí, đạt yêu cầu vô khuẩn",
        ReadinessKind::Supplies => "Dự trù thuốc, vật tư tiêu hao đã được duyệt và cấp",
        ReadinessKind::Licence => "Phạm vi hành nghề của học viên đã được bổ sung",
        ReadinessKind::Protocol => "Quyết định ban hành quy trình kỹ thuật của đơn vị",
    }
}

/// Loads the agreements; how many.
pub fn load(
    conn: &mut AnyConn,
    codes: &BTreeMap<&str, i64>,
    staff_ids: &BTreeMap<&str, i64>,
) -> Result<usize, ApiError> {
    let today = shared::time::vietnam_date(chrono::Utc::now());
    let day = |ago: u64| today.checked_sub_days(Days::new(ago)).unwrap_or(today);
    // Nine in the morning, Vietnam time.
    let at = |ago: u64| -> NaiveDateTime {
        day(ago).and_time(NaiveTime::from_hms_opt(2, 0, 0).unwrap_or_default())
    };
    let mut loaded = 0;
    for seed in SEEDS {
        let (Some(&giving), Some(&receiving)) = (codes.get(seed.giving), codes.get(seed.receiving))
        else {
            continue;
        };
        let person = |name: &str| staff_ids.get(name).copied();
        let (Some(giving_lead), Some(receiving_lead)) =
            (person(seed.giving_lead), person(seed.receiving_lead))
        else {
            continue;
        };
        let last = [
            Some(seed.started),
            seed.signed,
            seed.signed_off,
            seed.sessions.last().map(|s| s.0),
            seed.reviews.last().map(|r| r.0),
        ]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(seed.started);
        let id = repo::insert_agreement(
            conn,
            &NewAgreement {
                status: DbEnum(AgreementStatus::Draft),
                created_by: signer(seed.giving).into(),
                created_at: at(seed.started),
            },
            &DraftChanges {
                title: seed.title.into(),
                giving_facility_id: giving,
                receiving_facility_id: receiving,
                techniques: json_text(&seed.techniques)?,
                giving_lead_id: giving_lead,
                receiving_lead_id: receiving_lead,
                starts_on: day(seed.started),
                ends_on: Some(shared::transfer::months_after(day(seed.started), 30)),
                note: Some(seed.note.into()),
                version: 1,
                updated_at: at(last),
            },
        )?;
        repo::insert_readiness(conn, id)?;
        let trainee_ids: Vec<i64> = seed.trainees.iter().filter_map(|t| person(t.0)).collect();
        repo::replace_trainees(conn, id, &trainee_ids)?;
        let certified: Vec<i64> = seed
            .trainees
            .iter()
            .filter(|t| t.1)
            .filter_map(|t| person(t.0))
            .collect();
        repo::certify(conn, id, &certified)?;
        for (name, _, left) in seed.trainees {
            if let (Some(staff_id), Some((ago, kind, note))) = (person(name), left) {
                repo::record_departure(
                    conn,
                    id,
                    staff_id,
                    day(*ago),
                    *kind,
                    Some(note),
                    signer(seed.receiving),
                )?;
            }
        }
        for (ago, topic, hours) in seed.sessions {
            repo::insert_session(
                conn,
                id,
                day(*ago),
                topic,
                *hours,
                &json_text(&trainee_ids)?,
                signer(seed.giving),
                at(*ago),
            )?;
        }
        let checked = !matches!(
            seed.status,
            AgreementStatus::Draft | AgreementStatus::Signed | AgreementStatus::Training
        );
        if checked {
            let on = seed.signed_off.unwrap_or(last + 1) + 5;
            for kind in <ReadinessKind as strum::VariantArray>::VARIANTS {
                let ready = !seed.unready.contains(kind);
                repo::set_readiness(
                    conn,
                    id,
                    *kind,
                    if ready {
                        ReadinessState::Ready
                    } else {
                        ReadinessState::NotReady
                    },
                    Some(if ready {
                        evidence(*kind)
                    } else {
                        "Chưa có quyết định ban hành quy trình; trạm đang trình ký"
                    }),
                    (signer(seed.receiving), AgreementParty::Receiving, at(on)),
                )?;
            }
        }
        for (ago, cases, issues) in seed.reviews {
            repo::insert_review(
                conn,
                id,
                day(*ago),
                *cases,
                (!issues.is_empty()).then_some(*issues),
                signer(seed.giving),
                at(*ago),
            )?;
        }
        let signed_at = |ago: Option<u64>| ago.map(at);
        let giving_signed = seed.signed.or(Some(seed.started));
        let change = StepChange {
            status: Some(DbEnum(seed.status)),
            status_reason: Some(seed.reason.map(str::to_string)),
            giving_signed_by: Some(giving_signed.map(|_| signer(seed.giving).to_string())),
            giving_signed_at: Some(signed_at(giving_signed)),
            receiving_signed_by: Some(seed.signed.map(|_| signer(seed.receiving).to_string())),
            receiving_signed_at: Some(signed_at(seed.signed)),
            giving_signed_off_by: Some(seed.signed_off.map(|_| signer(seed.giving).to_string())),
            giving_signed_off_at: Some(signed_at(seed.signed_off)),
            receiving_signed_off_by: Some(
                seed.signed_off.map(|_| signer(seed.receiving).to_string()),
            ),
            receiving_signed_off_at: Some(signed_at(seed.signed_off)),
            signed_off_on: Some(seed.signed_off.map(day)),
            version: Some(2),
            updated_at: Some(at(last)),
        };
        repo::update_step(conn, id, 1, &change)?;
        // What the agreement did at the receiving facility and to its trainees' scope.
        let status = match seed.status {
            AgreementStatus::SignedOff | AgreementStatus::Reviewing | AgreementStatus::Closed => {
                Some(TechniqueStatus::Performing)
            }
            AgreementStatus::Suspended => Some(TechniqueStatus::Suspended),
            AgreementStatus::Signed | AgreementStatus::Training | AgreementStatus::ReadyCheck => {
                Some(TechniqueStatus::InTransfer)
            }
            AgreementStatus::Draft => None,
        };
        if let Some(status) = status {
            for code in seed.techniques {
                set_capability(conn, receiving, code, status)?;
            }
        }
        if seed.signed_off.is_some() {
            for staff_id in &certified {
                widen_scope(conn, *staff_id, seed.techniques)?;
            }
        }
        loaded += 1;
    }
    Ok(loaded)
}

/// Sets a technique of a facility to `status` with source `transfer_agreement`, adding
/// it when missing.
fn set_capability(
    conn: &mut AnyConn,
    facility_id: i64,
    code: &str,
    status: TechniqueStatus,
) -> Result<(), ApiError> {
    use facility_capabilities as c;
    let mine = c::facility_id
        .eq(facility_id)
        .and(c::kind.eq(DbEnum(CapabilityKind::Technique)))
        .and(c::code.eq(code));
    let updated = diesel::update(c::table.filter(mine))
        .set((
            c::status.eq(DbEnum(status)),
            c::source.eq(DbEnum(CapabilitySource::TransferAgreement)),
        ))
        .execute(conn)?;
    if updated == 0 {
        let name: String = crate::schema::techniques::table
            .filter(crate::schema::techniques::code.eq(code))
            .select(crate::schema::techniques::name)
            .first(conn)
            .optional()?
            .unwrap_or_else(|| code.to_string());
        diesel::insert_into(c::table)
            .values((
                c::facility_id.eq(facility_id),
                c::kind.eq(DbEnum(CapabilityKind::Technique)),
                c::code.eq(code),
                c::name.eq(name),
                c::status.eq(DbEnum(status)),
                c::source.eq(DbEnum(CapabilitySource::TransferAgreement)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Adds techniques to a staff member's scope of practice.
fn widen_scope(conn: &mut AnyConn, staff_id: i64, codes: &[&str]) -> Result<(), ApiError> {
    let text: String = staff::table
        .find(staff_id)
        .select(staff::specialties)
        .first(conn)?;
    let mut scope: Vec<String> = crate::db::from_json(&text, "specialties")?;
    for code in codes {
        if !scope.iter().any(|held| held == code) {
            scope.push((*code).to_string());
        }
    }
    diesel::update(staff::table.find(staff_id))
        .set(staff::specialties.eq(json_text(&scope)?))
        .execute(conn)?;
    Ok(())
}
