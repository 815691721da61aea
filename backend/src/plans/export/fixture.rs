//! The Thuận An plan of seed 004 and its first quarter's report, as the API returns
//! them: the input of the export tests.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use shared::plan::{
    Activity, ActivityGroup, ActivityKind, ActivityStatus, BoardRow, BudgetLine, Direction,
    Indicator, IndicatorKind, IndicatorMetric, IndicatorSource, LegalBasis, Milestone, Plan,
    PlanDocument, PlanReport, PlanStatus, PlanSummary, ReportActivity, Section, Signer,
    StationFigures, TargetInput, TrafficLight,
};
use shared::registry::{FacilityKind, FacilityRef};

pub(super) fn day(year: i32, month: u32, dd: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, dd).unwrap_or_default()
}

fn at(year: i32, month: u32, dd: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, dd, hour, minute, 0)
        .single()
        .unwrap_or_default()
}

fn centre() -> FacilityRef {
    FacilityRef {
        id: 10,
        code: "TTYT-THUANAN".into(),
        name: "Trung tâm Y tế khu vực Thuận An".into(),
        kind: FacilityKind::RegionalHealthCenter,
    }
}

/// The five ward stations of seed 004.
fn stations() -> Vec<FacilityRef> {
    ["An Phú", "Bình Hòa", "Lái Thiêu", "Thuận Giao", "Thuận An"]
        .into_iter()
        .zip(11..)
        .map(|(ward, id)| FacilityRef {
            id,
            code: format!("TYT-{id}"),
            name: format!("Trạm Y tế phường {ward}"),
            kind: FacilityKind::HealthStation,
        })
        .collect()
}

fn summary() -> PlanSummary {
    PlanSummary {
        id: 7,
        series_id: "kh-htcm-2026".into(),
        version_number: 1,
        code: "KH-HTCM-2026".into(),
        title: "Hỗ trợ chuyên môn trạm y tế phường trên địa bàn năm 2026".into(),
        issuing_facility: centre(),
        network: false,
        start_date: day(2026, 1, 1),
        end_date: day(2026, 12, 31),
        status: PlanStatus::Active,
        superseded_by_id: None,
        updated_at: at(2026, 3, 2, 1, 0),
    }
}

fn station_figures(facility: FacilityRef, seed: i64) -> StationFigures {
    StationFigures {
        facility,
        rotation_days: 10.0 + seed as f64 + 0.5 * (seed % 2) as f64,
        rotation_absences: seed % 2,
        consultations_held: 3 + seed,
        referrals_up: 2 * seed,
        back_referrals: seed,
        referrals_avoided: 1 + seed / 2,
        follow_ups_due: 4 + seed,
        follow_ups_on_time: 3 + seed,
        activities_done: 2,
    }
}

/// The first quarter's report of the Thuận An plan.
pub(super) fn report() -> PlanReport {
    let stations = stations();
    let board = |code: &str, facility: Option<FacilityRef>, approved: bool| BoardRow {
        indicator_code: code.into(),
        indicator_name: if code == "CT01" {
            "Số ngày luân phiên tại trạm".into()
        } else {
            "Tỷ lệ trạm y tế đạt số ngày luân phiên".into()
        },
        unit: if code == "CT01" { "ngày" } else { "%" }.into(),
        kind: if code == "CT01" {
            IndicatorKind::Count
        } else {
            IndicatorKind::Percentage
        },
        direction: Direction::HigherIsBetter,
        source: IndicatorSource::Computed,
        facility,
        target: Some(if code == "CT01" { 12.0 } else { 80.0 }),
        actual: Some(if code == "CT01" { 10.0 } else { 60.0 }),
        attainment: Some(if code == "CT01" { 83.3 } else { 75.0 }),
        light: Some(if code == "CT01" {
            TrafficLight::Amber
        } else {
            TrafficLight::Red
        }),
        approved,
        reported_by: None,
        reported_at: None,
        note: None,
    };
    PlanReport {
        plan: summary(),
        period: "2026-Q1".into(),
        period_label: "Quý 1/2026".into(),
        from: day(2026, 1, 1),
        to: day(2026, 3, 31),
        generated_at: at(2026, 4, 2, 2, 30),
        activities: vec![
            ReportActivity {
                group: "Luân phiên nhân sự".into(),
                title: "Cử bác sĩ luân phiên khám chữa bệnh tại trạm".into(),
                kind: ActivityKind::Rotation,
                responsible_unit: "Phòng Kế hoạch – Nghiệp vụ".into(),
                facilities: stations.iter().map(|f| f.name.clone()).collect(),
                status: ActivityStatus::InProgress,
                delivered_on: None,
                average_rating: None,
            },
            ReportActivity {
                group: "Đào tạo, chuyển giao kỹ thuật".into(),
                title: "Tập huấn quy trình tiêm truyền an toàn".into(),
                kind: ActivityKind::Training,
                responsible_unit: "Phòng Điều dưỡng".into(),
                facilities: vec![stations[0].name.clone(), stations[1].name.clone()],
                status: ActivityStatus::Done,
                delivered_on: Some(day(2026, 3, 20)),
                average_rating: Some(4.5),
            },
        ],
        stations: stations
            .iter()
            .cloned()
            .zip(0..)
            .map(|(facility, seed)| station_figures(facility, seed))
            .collect(),
        indicators: vec![
            board("CT01", Some(stations[0].clone()), true),
            board("CT02", None, false),
        ],
    }
}

fn basis(kind: &str, number: &str, on: NaiveDate, issuer: &str, title: &str) -> LegalBasis {
    LegalBasis {
        kind: kind.into(),
        number: number.into(),
        issued_on: Some(on),
        issuer: issuer.into(),
        title: title.into(),
    }
}

fn section(heading: &str, items: &[&str]) -> Section {
    Section {
        heading: heading.into(),
        items: items.iter().map(|item| (*item).into()).collect(),
    }
}

/// The Thuận An plan of seed 004, as the API returns it.
pub(super) fn plan() -> Plan {
    let stations = stations();
    let sở = "Sở Y tế Thành phố Hồ Chí Minh";
    let document = PlanDocument {
        governing_body: "Sở Y tế Thành phố Hồ Chí Minh".into(),
        place: "Lái Thiêu".into(),
        number: Some("125/KH-TTYT".into()),
        issued_on: Some(day(2026, 3, 2)),
        legal_bases: vec![
            basis(
                "Quyết định",
                "1816/QĐ-BYT",
                day(2008, 5, 26),
                "Bộ Y tế",
                "về việc phê duyệt Đề án “Cử cán bộ chuyên môn luân phiên từ bệnh viện tuyến trên về hỗ trợ các bệnh viện tuyến dưới nhằm nâng cao chất lượng khám, chữa bệnh”",
            ),
            basis(
                "Quyết định",
                "4026/QĐ-BYT",
                day(2010, 10, 20),
                "Bộ Y tế",
                "ban hành Quy định phân công công tác chỉ đạo tuyến trong lĩnh vực khám, chữa bệnh",
            ),
            basis(
                "Quyết định",
                "4438/QĐ-SYT",
                day(2025, 11, 28),
                sở,
                "về việc ban hành Quy định chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức của Trung tâm Y tế khu vực Thuận An trực thuộc Sở Y tế Thành phố Hồ Chí Minh.",
            ),
            basis(
                "Kế hoạch",
                "660/KH-SYT",
                day(2026, 1, 21),
                sở,
                "về việc hỗ trợ chuyên môn trạm y tế xã, phường, đặc khu trên địa bàn Thành phố năm 2026",
            ),
        ],
        preamble: "Trung tâm Y tế khu vực Thuận An xây dựng kế hoạch hỗ trợ chuyên môn trạm y tế phường trên địa bàn năm 2026 tại đơn vị, cụ thể như sau:".into(),
        purposes: vec![
            "Xây dựng hệ thống hỗ trợ chuyên môn liên tục giữa bệnh viện cấp cơ bản và trạm y tế, đảm bảo người dân tiếp cận dịch vụ y tế chất lượng, nhanh chóng và gần nhất.".into(),
            "Góp phần nâng cao năng lực chuyên môn đối với trạm y tế phường.".into(),
        ],
        requirements: vec![
            "Quá trình hỗ trợ chuyên môn, chuyển giao kỹ thuật về trạm y tế phải tuân theo các quy định pháp luật.".into(),
        ],
        contents: vec![section(
            "Nội dung hỗ trợ",
            &[
                "Tổ chức luân phiên nhân sự tham gia khám chữa bệnh tại các trạm y tế và ngược lại nhằm tiếp nhận, chuyển giao các quy trình chuyên môn kỹ thuật.",
                "Tăng cường hội chẩn chuyên môn, tư vấn, khám chữa bệnh từ xa.",
            ],
        )],
        responsibilities: vec![
            section(
                "Phòng Kế hoạch – Nghiệp vụ",
                &["Chủ trì tham mưu Ban Giám đốc xây dựng kế hoạch triển khai chi tiết theo quý/tháng."],
            ),
            section(
                "Phòng Điều dưỡng",
                &["Phân công điều dưỡng tham gia hỗ trợ trạm y tế theo lịch luân phiên."],
            ),
            section(
                "Các khoa lâm sàng/cận lâm sàng liên quan",
                &["Tham gia hội chẩn chuyên môn định kỳ hoặc theo yêu cầu (trực tiếp/trực tuyến)."],
            ),
            section(
                "Trạm y tế phường được hỗ trợ (An Phú, Bình Hòa, Lái Thiêu, Thuận Giao, Thuận An)",
                &["Đề nghị lập dự trù kinh phí cho đoàn hỗ trợ chuyên môn."],
            ),
        ],
        roadmap: [
            ("2026-Q1", "Lập kế hoạch triển khai các nội dung chương trình hỗ trợ chuyên môn năm 2026."),
            ("2026-Q2", "Thực hiện triển khai các nội dung trạm y tế cần hỗ trợ chuyên môn."),
            ("2026-Q3", "Đánh giá giữa năm về các hoạt động y tế."),
            ("2026-Q4", "Tổng kết đánh giá cuối năm."),
        ]
        .into_iter()
        .map(|(period, item)| Milestone {
            period: period.into(),
            items: vec![item.into()],
        })
        .collect(),
        budget_lines: vec![
            BudgetLine {
                item: "Công tác phí đoàn luân phiên".into(),
                amount_vnd: Some(120_000_000),
                source: "Ngân sách nhà nước".into(),
            },
            BudgetLine {
                item: "Kinh phí triển khai thực hiện".into(),
                amount_vnd: None,
                source: "theo quy định của pháp luật".into(),
            },
        ],
        closing: "Trên đây là kế hoạch hỗ trợ chuyên môn trạm y tế phường trên địa bàn năm 2026 của Trung tâm Y tế khu vực Thuận An.\nTrân trọng./.".into(),
        recipients: ["Sở Y tế (để b/c);", "Ban Giám đốc;", "Các khoa, phòng;", "Các TYT;", "Lưu: VT, KHNV."]
            .into_iter()
            .map(Into::into)
            .collect(),
        signer: Signer {
            title: "Giám đốc".into(),
            name: "Phan Quang Toàn".into(),
        },
    };
    let activity =
        |id: i64, title: &str, kind, unit: &str, facilities: Vec<FacilityRef>, from, to| Activity {
            id,
            title: title.into(),
            kind,
            responsible_department_id: None,
            responsible_unit: unit.into(),
            facilities,
            start_date: from,
            end_date: to,
            description: String::new(),
            status: ActivityStatus::Planned,
            progress_note: None,
            delivered_on: None,
            feedback: Vec::new(),
            version: 1,
        };
    Plan {
        id: 7,
        series_id: "kh-htcm-2026".into(),
        version_number: 1,
        previous_version_id: None,
        superseded_by_id: None,
        code: "KH-HTCM-2026".into(),
        title: "Hỗ trợ chuyên môn trạm y tế phường trên địa bàn năm 2026".into(),
        issuing_facility: centre(),
        network: false,
        start_date: day(2026, 1, 1),
        end_date: day(2026, 12, 31),
        phases: Vec::new(),
        supported_facilities: stations.clone(),
        document,
        activity_groups: vec![
            ActivityGroup {
                title: "Luân phiên nhân sự".into(),
                activities: vec![activity(
                    1,
                    "Cử bác sĩ luân phiên khám chữa bệnh tại trạm",
                    ActivityKind::Rotation,
                    "Phòng Kế hoạch – Nghiệp vụ",
                    stations.clone(),
                    day(2026, 4, 1),
                    day(2026, 12, 31),
                )],
            },
            ActivityGroup {
                title: "Đào tạo, chuyển giao kỹ thuật".into(),
                activities: vec![activity(
                    2,
                    "Tập huấn quy trình tiêm truyền an toàn",
                    ActivityKind::Training,
                    "Phòng Điều dưỡng",
                    stations[..2].to_vec(),
                    day(2026, 3, 20),
                    day(2026, 3, 20),
                )],
            },
        ],
        indicators: vec![
            Indicator {
                id: 1,
                code: "CT01".into(),
                name: "Số ngày luân phiên tại trạm".into(),
                unit: "ngày".into(),
                kind: IndicatorKind::Count,
                direction: Direction::HigherIsBetter,
                source: IndicatorSource::Computed,
                metric: Some(IndicatorMetric::RotationDays),
                basis_code: None,
                threshold: None,
                targets: vec![TargetInput {
                    facility_id: None,
                    period: "2026-Q2".into(),
                    value: 12.0,
                }],
            },
            Indicator {
                id: 2,
                code: "CT03".into(),
                name: "Số buổi sinh hoạt chuyên môn tại trạm".into(),
                unit: "buổi".into(),
                kind: IndicatorKind::Count,
                direction: Direction::HigherIsBetter,
                source: IndicatorSource::Entered,
                metric: None,
                basis_code: None,
                threshold: None,
                targets: Vec::new(),
            },
        ],
        status: PlanStatus::Active,
        status_reason: None,
        submitted_at: Some(at(2026, 2, 25, 3, 0)),
        approved_at: Some(at(2026, 3, 2, 1, 0)),
        approved_by: Some("Phan Quang Toàn".into()),
        created_by: "khnv".into(),
        created_at: at(2026, 2, 20, 3, 0),
        updated_at: at(2026, 3, 2, 1, 0),
        version: 3,
        allowed_actions: Vec::new(),
    }
}
