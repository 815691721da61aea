//! Demo plans, made through the service calls of the API by the demo users:
//!
//! - the Thuận An centre's 2026 plan to support its five ward stations (seed 004) as
//!   structured data — its legal bases, sections I–V, activities, a Q1–Q4 roadmap and
//!   indicators, most computed from the rotation, consultation and referral records —
//!   approved and active, with the stations' values (some approved, some waiting),
//!   activity progress and ratings, a mid-year evaluation and support requests; and a
//!   second version, adjusted after the mid-year review, waiting for the director;
//! - a phased network plan of the Department of Health in the style of Hanoi's plan
//!   02/KH-UBND (seed 001): two phases, percentage targets over the stations.

use chrono::NaiveDate;
use shared::Lang;
use shared::plan::{
    ActivityFeedbackInput, ActivityGroupInput, ActivityInput, ActivityKind, ActivityProgressInput,
    ActivityStatus, BudgetLine, Direction, EvaluationCreate, EvaluationKind, IndicatorInput,
    IndicatorKind, IndicatorMetric, IndicatorSource, LegalBasis, Milestone, PeriodApprovalInput,
    Plan, PlanAction, PlanDocument, PlanInput, PlanPhase, Section, Signer, SupportAcceptInput,
    SupportRequestInput, SupportUrgency, TargetInput, ValueInput, ValuesInput,
};

use super::service;
use crate::db::AnyConn;
use crate::error::ApiError;
use crate::referrals::demo::{facility_id, principal};

const STATIONS: &[(&str, &str)] = &[
    ("74-TYT-ANPHU", "tram.anphu"),
    ("74-TYT-BINHHOA", "tram.binhhoa"),
    ("74-TYT-LAITHIEU", "tram.laithieu"),
    ("74-TYT-THUANGIAO", "tram.thuangiao"),
    ("74-TYT-THUANAN", "tram.thuanan"),
];

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn lines(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_string()).collect()
}

fn section(heading: &str, items: &[&str]) -> Section {
    Section {
        heading: heading.to_string(),
        items: lines(items),
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

fn target(facility_id: Option<i64>, period: &str, value: f64) -> TargetInput {
    TargetInput {
        facility_id,
        period: period.into(),
        value,
    }
}

/// Targets for every facility per quarter, half and year.
fn yearly(quarter: f64, half: f64, year: f64) -> Vec<TargetInput> {
    let mut targets: Vec<TargetInput> = (1..=4)
        .map(|q| target(None, &format!("2026-Q{q}"), quarter))
        .collect();
    targets.push(target(None, "2026-H1", half));
    targets.push(target(None, "2026-H2", half));
    targets.push(target(None, "2026", year));
    targets
}

#[allow(clippy::too_many_arguments)]
fn indicator(
    code: &str,
    name: &str,
    unit: &str,
    kind: IndicatorKind,
    direction: Direction,
    metric: Option<IndicatorMetric>,
    basis: Option<(&str, f64)>,
    targets: Vec<TargetInput>,
) -> IndicatorInput {
    IndicatorInput {
        code: code.into(),
        name: name.into(),
        unit: unit.into(),
        kind,
        direction,
        source: if metric.is_some() {
            IndicatorSource::Computed
        } else {
            IndicatorSource::Entered
        },
        metric,
        basis_code: basis.map(|(code, _)| code.to_string()),
        threshold: basis.map(|(_, threshold)| threshold),
        targets,
    }
}

fn activity(
    title: &str,
    kind: ActivityKind,
    unit: &str,
    facilities: &[i64],
    from: NaiveDate,
    to: NaiveDate,
    description: &str,
) -> ActivityInput {
    ActivityInput {
        title: title.into(),
        kind,
        responsible_department_id: None,
        responsible_unit: unit.into(),
        facility_ids: facilities.to_vec(),
        start_date: from,
        end_date: to,
        description: description.into(),
    }
}

/// The Thuận An 2026 support plan of seed 004.
fn thuan_an_2026(centre: i64, stations: &[i64]) -> PlanInput {
    use Direction::*;
    use IndicatorKind::*;
    use IndicatorMetric::*;
    let document = PlanDocument {
        governing_body: "SỞ Y TẾ THÀNH PHỐ HỒ CHÍ MINH".into(),
        place: "Lái Thiêu".into(),
        number: None,
        issued_on: Some(day(2026, 3, 2)),
        legal_bases: vec![
            basis("Quyết định", "1816/QĐ-BYT", day(2008, 5, 26), "Bộ Y tế", "về việc phê duyệt Đề án “Cử cán bộ chuyên môn luân phiên từ bệnh viện tuyến trên về hỗ trợ các bệnh viện tuyến dưới nhằm nâng cao chất lượng khám bệnh, chữa bệnh”"),
            basis("Quyết định", "4026/QĐ-BYT", day(2010, 10, 20), "Bộ Y tế", "ban hành quy định phân công công tác chỉ đạo tuyến trong lĩnh vực khám bệnh, chữa bệnh"),
            basis("Quyết định", "4438/QĐ-SYT", day(2025, 11, 28), "Sở Y tế Thành phố Hồ Chí Minh", "về việc ban hành Quy định chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức của Trung tâm Y tế khu vực Thuận An trực thuộc Sở Y tế Thành phố Hồ Chí Minh"),
            basis("Kế hoạch", "660/KH-SYT", day(2026, 1, 21), "Sở Y tế Thành phố Hồ Chí Minh", "về việc hỗ trợ chuyên môn trạm y tế xã, phường, đặc khu trên địa bàn Thành phố năm 2026"),
        ],
        preamble: "Trung tâm Y tế khu vực Thuận An xây dựng kế hoạch hỗ trợ chuyên môn trạm y tế phường trên địa bàn năm 2026 tại đơn vị, cụ thể như sau:".into(),
        purposes: lines(&[
            "Xây dựng hệ thống hỗ trợ chuyên môn liên tục giữa bệnh viện cấp cơ bản và trạm y tế, đảm bảo người dân tiếp cận dịch vụ y tế chất lượng, nhanh chóng và gần nhất.",
            "Góp phần nâng cao năng lực chuyên môn đối với trạm y tế phường.",
        ]),
        requirements: lines(&[
            "Có sự phối hợp chặt chẽ, liên tục giữa Trung tâm Y tế khu vực Thuận An và trạm y tế trên địa bàn trong khám chữa bệnh, chuyển viện, định kỳ báo cáo Sở Y tế kết quả thực hiện hỗ trợ chuyên môn. Kịp thời đề xuất các giải pháp, mô hình hay để thực hiện hiệu quả công tác hỗ trợ chuyên môn.",
            "Quá trình hỗ trợ chuyên môn, chuyển giao kỹ thuật về trạm y tế phải tuân theo các quy định pháp luật.",
        ]),
        contents: vec![section(
            "Nội dung hỗ trợ",
            &[
                "Thực hiện hỗ trợ toàn diện về chuyên môn đối với các trạm y tế phường. Đảm bảo các điều kiện về khám chữa bệnh bảo hiểm y tế cho người dân trên địa bàn, chuyển viện.",
                "Tổ chức luân phiên nhân sự tham gia khám chữa bệnh tại các trạm y tế và ngược lại nhằm tiếp nhận, chuyển giao các quy trình chuyên môn kỹ thuật.",
                "Tăng cường hội chẩn chuyên môn, tư vấn, khám chữa bệnh từ xa.",
                "Triển khai nền tảng tư vấn khám bệnh từ xa, kết nối bệnh viện cấp cơ bản với trạm y tế để hỗ trợ chẩn đoán và điều trị kịp thời.",
                "Thực hiện hội chẩn trực tuyến cho các ca bệnh cần ý kiến chuyên môn, giảm tải chuyển viện không cần thiết.",
            ],
        )],
        responsibilities: vec![
            section("Phòng Kế hoạch – Nghiệp vụ", &[
                "Chủ trì tham mưu Ban Giám đốc xây dựng kế hoạch triển khai chi tiết theo quý/tháng, xác định mục tiêu, nội dung hoạt động, chỉ tiêu theo dõi và phương thức đánh giá đối với từng trạm y tế phường.",
                "Làm đầu mối điều phối, phối hợp giữa các khoa/phòng chuyên môn thuộc Trung tâm với các trạm y tế phường; tiếp nhận đề xuất, tổng hợp nhu cầu hỗ trợ chuyên môn của trạm để kịp thời tham mưu phương án triển khai phù hợp.",
                "Tổ chức xây dựng và ban hành lịch luân phiên nhân sự, lịch hội chẩn (trực tiếp/trực tuyến) theo kế hoạch; theo dõi tiến độ thực hiện, giám sát các chỉ số chuyên môn; tổng hợp và thực hiện báo cáo định kỳ/đột xuất theo yêu cầu.",
            ]),
            section("Phòng Điều dưỡng", &[
                "Phối hợp với các khoa/phòng liên quan xây dựng kế hoạch và phân công điều dưỡng tham gia hỗ trợ trạm y tế theo lịch luân phiên; đảm bảo bố trí phù hợp năng lực và nhiệm vụ chuyên môn.",
                "Hướng dẫn, kiểm tra việc chuẩn hóa quy trình chăm sóc người bệnh, an toàn người bệnh, kiểm soát nhiễm khuẩn, vệ sinh tay, quản lý chất thải y tế, quy trình tiêm truyền và các kỹ thuật điều dưỡng cơ bản tại trạm.",
            ]),
            section("Các khoa lâm sàng/cận lâm sàng liên quan", &[
                "Chủ động cử bác sĩ, điều dưỡng/kỹ thuật viên có năng lực, kinh nghiệm tham gia luân phiên hỗ trợ chuyên môn tại trạm y tế khi có yêu cầu; bảo đảm nhân sự được phân công phù hợp phạm vi hành nghề.",
                "Tham gia hội chẩn chuyên môn định kỳ hoặc theo yêu cầu (trực tiếp/trực tuyến); hướng dẫn chỉ định chuyển tuyến kịp thời, đúng tuyến; phối hợp theo dõi sau chuyển tuyến khi cần thiết.",
            ]),
            section("Trạm y tế phường được hỗ trợ (An Phú, Bình Hòa, Lái Thiêu, Thuận Giao, Thuận An)", &[
                "Phân công đầu mối phụ trách để phối hợp với Trung tâm Y tế trong công tác điều phối.",
                "Chuẩn bị đầy đủ điều kiện cơ sở vật chất, phòng làm việc, hồ sơ – sổ sách, danh mục ca bệnh/nhu cầu cần hỗ trợ; bố trí lịch làm việc phù hợp để tiếp nhận đoàn công tác luân phiên.",
                "Thực hiện ghi nhận, tổng hợp số liệu; báo cáo định kỳ, đột xuất, phản hồi chất lượng hỗ trợ và đề xuất nhu cầu bổ sung.",
                "Lập dự trù kinh phí cho đoàn hỗ trợ chuyên môn.",
            ]),
        ],
        roadmap: vec![
            Milestone { period: "2026-Q1".into(), items: lines(&["Lập kế hoạch triển khai các nội dung chương trình hỗ trợ chuyên môn năm 2026."]) },
            Milestone { period: "2026-Q2".into(), items: lines(&["Thực hiện triển khai các nội dung trạm y tế cần hỗ trợ chuyên môn."]) },
            Milestone { period: "2026-Q3".into(), items: lines(&[
                "Đánh giá giữa năm về các hoạt động y tế.",
                "Điều chỉnh các kế hoạch theo thực tế triển khai.",
                "Tiếp tục thực hiện triển khai các nội dung trạm y tế cần hỗ trợ chuyên môn.",
            ]) },
            Milestone { period: "2026-Q4".into(), items: lines(&[
                "Tổng kết đánh giá cuối năm.",
                "Xây dựng kế hoạch y tế cho năm tiếp theo.",
                "Đề xuất các giải pháp cải thiện hoạt động y tế tuyến cơ sở.",
            ]) },
        ],
        budget_lines: vec![BudgetLine {
            item: "Kinh phí triển khai thực hiện".into(),
            amount_vnd: None,
            source: "Theo quy định của pháp luật".into(),
        }],
        closing: "Trên đây là kế hoạch hỗ trợ chuyên môn trạm y tế phường trên địa bàn năm 2026 của Trung tâm Y tế khu vực Thuận An. Đề nghị các khoa, phòng, Trạm y tế nghiêm túc triển khai và phối hợp thực hiện. Trong quá trình thực hiện nếu có khó khăn, vướng mắc, báo cáo Ban Giám đốc để xem xét chỉ đạo.".into(),
        recipients: lines(&["Sở Y tế (để b/c)", "Ban Giám đốc", "Các khoa, phòng", "Các TYT", "Lưu VT, KHN(N)"]),
        signer: Signer { title: "GIÁM ĐỐC".into(), name: "Phan Quang Toàn".into() },
    };
    let all = stations;
    let year = (day(2026, 1, 1), day(2026, 12, 31));
    let from_april = day(2026, 4, 1);
    PlanInput {
        code: "KH-HTCM-2026".into(),
        title: "Hỗ trợ chuyên môn trạm y tế phường trên địa bàn năm 2026".into(),
        issuing_facility_id: centre,
        network: false,
        start_date: year.0,
        end_date: year.1,
        phases: vec![],
        supported_facility_ids: stations.to_vec(),
        document,
        activity_groups: vec![
            ActivityGroupInput {
                title: "Luân phiên nhân sự về trạm".into(),
                activities: vec![
                    activity(
                        "Bác sĩ khám, chữa bệnh định kỳ hằng tuần tại trạm",
                        ActivityKind::Rotation,
                        "Khoa Khám bệnh, Khoa Nội tổng hợp",
                        all,
                        year.0,
                        year.1,
                        "Theo lịch luân phiên do Phòng Kế hoạch – Nghiệp vụ ban hành từng quý.",
                    ),
                    activity(
                        "Điều dưỡng hỗ trợ chăm sóc và tiêm chủng",
                        ActivityKind::Rotation,
                        "Phòng Điều dưỡng",
                        all,
                        year.0,
                        year.1,
                        "",
                    ),
                ],
            },
            ActivityGroupInput {
                title: "Hội chẩn và tư vấn khám, chữa bệnh từ xa".into(),
                activities: vec![
                    activity(
                        "Hội chẩn trực tuyến Nội khoa chiều thứ Năm hằng tuần",
                        ActivityKind::Consultation,
                        "Phòng Kế hoạch – Nghiệp vụ",
                        all,
                        year.0,
                        year.1,
                        "Trạm gửi danh mục ca bệnh trước 12 giờ thứ Năm.",
                    ),
                    activity(
                        "Triển khai nền tảng tư vấn khám bệnh từ xa tại 5 trạm",
                        ActivityKind::Telemedicine,
                        "Phòng Kế hoạch – Nghiệp vụ",
                        all,
                        from_april,
                        day(2026, 9, 30),
                        "",
                    ),
                ],
            },
            ActivityGroupInput {
                title: "Đào tạo, chuyển giao kỹ thuật và giám sát".into(),
                activities: vec![
                    activity(
                        "Tập huấn quy trình tiêm truyền an toàn và xử trí phản vệ",
                        ActivityKind::Training,
                        "Phòng Điều dưỡng",
                        all,
                        day(2026, 3, 1),
                        day(2026, 3, 31),
                        "",
                    ),
                    activity(
                        "Kiểm tra, giám sát kiểm soát nhiễm khuẩn và quản lý chất thải y tế",
                        ActivityKind::Supervision,
                        "Phòng Điều dưỡng",
                        all,
                        from_april,
                        day(2026, 6, 30),
                        "",
                    ),
                    activity(
                        "Chuyển giao kỹ thuật đo điện tim và đọc kết quả cơ bản",
                        ActivityKind::TechniqueTransfer,
                        "Khoa Nội tổng hợp",
                        &all[..2],
                        day(2026, 7, 1),
                        day(2026, 12, 31),
                        "",
                    ),
                ],
            },
            ActivityGroupInput {
                title: "Chuyển tuyến và theo dõi sau chuyển tuyến".into(),
                activities: vec![activity(
                    "Hướng dẫn chỉ định chuyển tuyến đúng tuyến, theo dõi người bệnh chuyển về",
                    ActivityKind::Training,
                    "Khoa Khám bệnh",
                    all,
                    from_april,
                    year.1,
                    "",
                )],
            },
        ],
        indicators: vec![
            indicator(
                "CT01",
                "Số ngày nhân sự luân phiên hỗ trợ tại trạm",
                "ngày",
                Count,
                HigherIsBetter,
                Some(RotationDays),
                None,
                yearly(12.0, 25.0, 50.0),
            ),
            indicator(
                "CT02",
                "Số ca bệnh của trạm được hội chẩn",
                "ca",
                Count,
                HigherIsBetter,
                Some(ConsultationsHeld),
                None,
                yearly(2.0, 4.0, 8.0),
            ),
            indicator(
                "CT03",
                "Số ca tránh chuyển tuyến nhờ hội chẩn",
                "ca",
                Count,
                HigherIsBetter,
                Some(ReferralsAvoided),
                None,
                yearly(1.0, 2.0, 4.0),
            ),
            indicator(
                "CT04",
                "Số ca chuyển tuyến lên",
                "ca",
                Count,
                LowerIsBetter,
                Some(ReferralsUp),
                None,
                yearly(10.0, 20.0, 40.0),
            ),
            indicator(
                "CT05",
                "Số ca chuyển về trạm theo dõi",
                "ca",
                Count,
                HigherIsBetter,
                Some(BackReferrals),
                None,
                yearly(1.0, 2.0, 4.0),
            ),
            indicator(
                "CT06",
                "Tỷ lệ theo dõi sau chuyển tuyến đúng hạn",
                "%",
                Percentage,
                HigherIsBetter,
                Some(FollowUpsOnTime),
                None,
                yearly(80.0, 80.0, 80.0),
            ),
            indicator(
                "CT07",
                "Số lượt khám, chữa bệnh BHYT tại trạm",
                "lượt",
                Count,
                HigherIsBetter,
                None,
                None,
                yearly(1500.0, 3000.0, 6000.0),
            ),
            indicator(
                "CT08",
                "Trạm thực hiện đúng quy trình kiểm soát nhiễm khuẩn",
                "",
                YesNo,
                HigherIsBetter,
                None,
                None,
                yearly(1.0, 1.0, 1.0),
            ),
            indicator(
                "CT09",
                "Tỷ lệ trạm thực hiện đúng quy trình kiểm soát nhiễm khuẩn",
                "%",
                Percentage,
                HigherIsBetter,
                Some(ShareOfFacilities),
                Some(("CT08", 1.0)),
                yearly(80.0, 80.0, 100.0),
            ),
        ],
    }
}

/// A phased network plan of the Department of Health in the style of Hanoi's
/// 02/KH-UBND (seed 001): percentage targets over the stations, per phase.
fn network_plan(department: i64, stations: &[i64]) -> PlanInput {
    use Direction::*;
    use IndicatorKind::*;
    let phases = vec![
        PlanPhase {
            code: "P1".into(),
            name: "Giai đoạn 2021–2025".into(),
            start_date: day(2021, 1, 1),
            end_date: day(2025, 12, 31),
        },
        PlanPhase {
            code: "P2".into(),
            name: "Giai đoạn 2026–2030".into(),
            start_date: day(2026, 1, 1),
            end_date: day(2030, 12, 31),
        },
    ];
    let by_phase = |p1: f64, p2: f64| vec![target(None, "P1", p1), target(None, "P2", p2)];
    let task = |title: &str, unit: &str| {
        activity(
            title,
            ActivityKind::Other,
            unit,
            stations,
            day(2021, 1, 1),
            day(2030, 12, 31),
            "",
        )
    };
    PlanInput {
        code: "KH-YTCS-2021-2030".into(),
        title: "Nâng cao năng lực y tế cơ sở giai đoạn 2021–2025, định hướng đến năm 2030".into(),
        issuing_facility_id: department,
        network: true,
        start_date: day(2021, 1, 1),
        end_date: day(2030, 12, 31),
        phases,
        supported_facility_ids: stations.to_vec(),
        document: PlanDocument {
            governing_body: "ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH".into(),
            place: "Thành phố Hồ Chí Minh".into(),
            number: None,
            issued_on: Some(day(2021, 1, 15)),
            legal_bases: vec![basis(
                "Quyết định",
                "2348/QĐ-TTg",
                day(2016, 12, 5),
                "Thủ tướng Chính phủ",
                "về việc phê duyệt Đề án Xây dựng và phát triển mạng lưới y tế cơ sở trong tình hình mới",
            )],
            preamble: "Sở Y tế xây dựng kế hoạch nâng cao năng lực y tế cơ sở như sau:".into(),
            purposes: lines(&[
                "Nâng cao chất lượng chăm sóc sức khỏe ban đầu tại trạm y tế, quản lý sức khỏe toàn diện người dân.",
            ]),
            requirements: lines(&[
                "Các đơn vị báo cáo kết quả thực hiện hằng năm và đột xuất theo yêu cầu.",
            ]),
            contents: vec![section(
                "Mục tiêu cụ thể",
                &[
                    "Giai đoạn 2021–2025: ít nhất 70% trạm y tế đạt điều kiện chăm sóc sức khỏe ban đầu; ít nhất 10% trạm thực hiện được 80% kỹ thuật tuyến xã.",
                    "Giai đoạn 2026–2030: 100% trạm y tế đạt điều kiện; ít nhất 30% trạm thực hiện được 80% kỹ thuật; 100% người dân được quản lý hồ sơ sức khỏe.",
                ],
            )],
            responsibilities: vec![
                section(
                    "Sở Y tế",
                    &["Chủ trì, hướng dẫn, kiểm tra, tổng hợp báo cáo Ủy ban nhân dân Thành phố."],
                ),
                section(
                    "Trung tâm Y tế khu vực",
                    &[
                        "Hỗ trợ chuyên môn, đào tạo, chuyển giao kỹ thuật cho trạm y tế trên địa bàn.",
                    ],
                ),
            ],
            roadmap: vec![],
            budget_lines: vec![BudgetLine {
                item: "Kinh phí thực hiện".into(),
                amount_vnd: None,
                source: "Ngân sách nhà nước và các nguồn hợp pháp khác".into(),
            }],
            closing: "Đề nghị các đơn vị nghiêm túc triển khai thực hiện.".into(),
            recipients: lines(&[
                "Ủy ban nhân dân Thành phố (để b/c)",
                "Các Trung tâm Y tế khu vực",
                "Lưu VT",
            ]),
            signer: Signer {
                title: "GIÁM ĐỐC".into(),
                name: "".into(),
            },
        },
        activity_groups: vec![ActivityGroupInput {
            title: "Nhóm nhiệm vụ".into(),
            activities: vec![
                task("Củng cố tổ chức, mạng lưới y tế cơ sở", "Sở Y tế"),
                task(
                    "Nâng cao năng lực chuyên môn, danh mục kỹ thuật của trạm y tế",
                    "Trung tâm Y tế khu vực",
                ),
                task(
                    "Quản lý sức khỏe người dân bằng hồ sơ sức khỏe điện tử",
                    "Sở Y tế",
                ),
            ],
        }],
        indicators: vec![
            indicator(
                "YT01",
                "Trạm y tế đạt điều kiện chăm sóc sức khỏe ban đầu",
                "",
                YesNo,
                HigherIsBetter,
                None,
                None,
                by_phase(1.0, 1.0),
            ),
            indicator(
                "YT02",
                "Tỷ lệ trạm y tế đạt điều kiện chăm sóc sức khỏe ban đầu",
                "%",
                Percentage,
                HigherIsBetter,
                Some(IndicatorMetric::ShareOfFacilities),
                Some(("YT01", 1.0)),
                by_phase(70.0, 100.0),
            ),
            indicator(
                "YT03",
                "Tỷ lệ kỹ thuật tuyến xã trạm thực hiện được",
                "%",
                Percentage,
                HigherIsBetter,
                None,
                None,
                by_phase(80.0, 80.0),
            ),
            indicator(
                "YT04",
                "Tỷ lệ trạm thực hiện được từ 80% kỹ thuật tuyến xã",
                "%",
                Percentage,
                HigherIsBetter,
                Some(IndicatorMetric::ShareOfFacilities),
                Some(("YT03", 80.0)),
                by_phase(10.0, 30.0),
            ),
            indicator(
                "YT06",
                "Tỷ lệ kỹ thuật tuyến xã trạm đang thực hiện (tính từ danh mục kỹ thuật)",
                "%",
                Percentage,
                HigherIsBetter,
                Some(IndicatorMetric::CatalogueCoverage),
                None,
                by_phase(80.0, 80.0),
            ),
            indicator(
                "YT07",
                "Tỷ lệ trạm đang thực hiện từ 80% danh mục kỹ thuật tuyến xã",
                "%",
                Percentage,
                HigherIsBetter,
                Some(IndicatorMetric::ShareOfFacilities),
                Some(("YT06", 80.0)),
                by_phase(10.0, 30.0),
            ),
            indicator(
                "YT08",
                "Số kỹ thuật được chuyển giao và nghiệm thu tại trạm",
                "kỹ thuật",
                Count,
                HigherIsBetter,
                Some(IndicatorMetric::TechniquesTransferred),
                None,
                by_phase(1.0, 2.0),
            ),
            indicator(
                "YT09",
                "Tỷ lệ học viên được chuyển giao còn công tác tại trạm sau 12 tháng",
                "%",
                Percentage,
                HigherIsBetter,
                Some(IndicatorMetric::TraineesRetained12Months),
                None,
                by_phase(90.0, 90.0),
            ),
            indicator(
                "YT10",
                "Tỷ lệ học viên được chuyển giao còn công tác tại trạm sau 24 tháng",
                "%",
                Percentage,
                HigherIsBetter,
                Some(IndicatorMetric::TraineesRetained24Months),
                None,
                by_phase(80.0, 80.0),
            ),
            indicator(
                "YT05",
                "Tỷ lệ người dân được quản lý hồ sơ sức khỏe",
                "%",
                Percentage,
                HigherIsBetter,
                None,
                None,
                by_phase(90.0, 100.0),
            ),
        ],
    }
}

fn steps(
    conn: &mut AnyConn,
    username: &str,
    plan: &Plan,
    actions: &[PlanAction],
) -> Result<Plan, ApiError> {
    let by = principal(conn, username)?;
    let mut plan = plan.clone();
    for action in actions {
        plan = service::step(conn, &by, plan.id, None, *action, None, Lang::Vi)?;
    }
    Ok(plan)
}

fn enter(
    conn: &mut AnyConn,
    username: &str,
    plan: i64,
    station: i64,
    period: &str,
    values: &[(&str, f64)],
) -> Result<(), ApiError> {
    let by = principal(conn, username)?;
    let input = ValuesInput {
        facility_id: station,
        period: period.into(),
        values: values
            .iter()
            .map(|(code, value)| ValueInput {
                indicator_code: (*code).into(),
                value: *value,
                note: None,
            })
            .collect(),
    };
    service::enter_values(conn, &by, plan, &input).map(|_| ())
}

fn approve(
    conn: &mut AnyConn,
    username: &str,
    plan: i64,
    station: i64,
    period: &str,
) -> Result<(), ApiError> {
    let by = principal(conn, username)?;
    let input = PeriodApprovalInput {
        facility_id: station,
        period: period.into(),
        reason: None,
    };
    service::decide_values(conn, &by, plan, &input, true).map(|_| ())
}

/// Loads the demo plans; returns how many plan versions were made.
pub fn load(conn: &mut AnyConn) -> Result<usize, ApiError> {
    let centre = facility_id(conn, "74-TTYTTA")?;
    let department = facility_id(conn, "SYT-HCM")?;
    let stations: Vec<i64> = STATIONS
        .iter()
        .map(|(code, _)| facility_id(conn, code))
        .collect::<Result<_, _>>()?;

    // The centre's plan: written, submitted, approved by the director, started.
    let planner = principal(conn, "kehoach")?;
    let plan = service::create_plan(conn, &planner, None, &thuan_an_2026(centre, &stations))?;
    let plan = steps(conn, "kehoach", &plan, &[PlanAction::Submit])?;
    let plan = steps(conn, "giamdoc", &plan, &[PlanAction::Approve])?;
    let plan = steps(conn, "kehoach", &plan, &[PlanAction::Activate])?;

    // Stations report what the system cannot count; the centre approves some quarters.
    let visits: [f64; 5] = [1620.0, 1410.0, 1755.0, 1380.0, 1540.0];
    let infection_control = [1.0, 1.0, 0.0, 1.0, 1.0];
    for (i, ((_, head), station)) in STATIONS.iter().zip(&stations).enumerate() {
        for (q, factor) in [("2026-Q1", 1.0), ("2026-Q2", 1.05), ("2026-Q3", 0.97)] {
            let ok = if q == "2026-Q1" {
                1.0
            } else {
                infection_control[i]
            };
            enter(
                conn,
                head,
                plan.id,
                *station,
                q,
                &[("CT07", (visits[i] * factor).round()), ("CT08", ok)],
            )?;
        }
        approve(conn, "kehoach", plan.id, *station, "2026-Q1")?;
        if i < 3 {
            approve(conn, "kehoach", plan.id, *station, "2026-Q2")?;
        }
    }

    // Activities under way, one done and rated by two stations.
    let activity_id = |plan: &Plan, group: usize, index: usize| {
        plan.activity_groups
            .get(group)
            .and_then(|g| g.activities.get(index))
            .map(|a| a.id)
            .ok_or_else(|| ApiError::internal("demo activity missing"))
    };
    for (group, index, status, on) in [
        (0, 0, ActivityStatus::InProgress, None),
        (1, 0, ActivityStatus::InProgress, None),
        (2, 0, ActivityStatus::Done, Some(day(2026, 3, 27))),
        (2, 1, ActivityStatus::Done, Some(day(2026, 6, 19))),
    ] {
        let input = ActivityProgressInput {
            status,
            delivered_on: on,
            note: (status == ActivityStatus::Done).then(|| "Đã hoàn thành tại 5 trạm".to_string()),
        };
        service::activity_progress(
            conn,
            &planner,
            activity_id(&plan, group, index)?,
            None,
            &input,
        )?;
    }
    let training = activity_id(&plan, 2, 0)?;
    for (k, (rating, comment)) in [
        (5, "Nội dung thiết thực, nhân viên trạm áp dụng được ngay"),
        (4, "Đề nghị thêm buổi thực hành xử trí phản vệ"),
    ]
    .iter()
    .enumerate()
    {
        let (_, head) = STATIONS[k];
        let by = principal(conn, head)?;
        let input = ActivityFeedbackInput {
            facility_id: stations[k],
            rating: *rating,
            comment: Some((*comment).into()),
        };
        service::activity_feedback(conn, &by, training, &input)?;
    }

    // Support requests: one accepted into the ECG transfer, one declined, one open.
    let ecg = activity_id(&plan, 2, 2)?;
    let requests = [
        (
            0,
            "Hướng dẫn đo và đọc điện tim cơ bản",
            Some("noi_khoa"),
            SupportUrgency::Soon,
        ),
        (
            2,
            "Cử bác sĩ Sản khám thai định kỳ tại trạm",
            Some("san_phu_khoa"),
            SupportUrgency::Routine,
        ),
        (
            3,
            "Hỗ trợ xử trí sốt xuất huyết mùa mưa",
            Some("truyen_nhiem"),
            SupportUrgency::Urgent,
        ),
    ];
    let mut ids = Vec::new();
    for (station, topic, specialty, urgency) in requests {
        let (_, head) = STATIONS[station];
        let by = principal(conn, head)?;
        let input = SupportRequestInput {
            station_id: stations[station],
            topic: topic.into(),
            specialty: specialty.map(str::to_string),
            urgency,
            details: String::new(),
        };
        ids.push(service::create_support(conn, &by, None, &input)?.id);
    }
    if let [first, second, _] = ids[..] {
        service::answer_support(
            conn,
            &planner,
            first,
            None,
            Some(&SupportAcceptInput { activity_id: ecg }),
            None,
        )?;
        service::answer_support(
            conn,
            &planner,
            second,
            None,
            None,
            Some(
                "Khoa Sản chưa đủ nhân lực trong quý này; trạm gửi ca cần khám qua hội chẩn trực tuyến",
            ),
        )?;
    }

    // The mid-year review, approved; then a second version adjusting the plan after it,
    // waiting for the director.
    let review = service::create_evaluation(
        conn,
        &planner,
        plan.id,
        &EvaluationCreate {
            kind: EvaluationKind::MidYear,
            year: 2026,
        },
    )?;
    let director = principal(conn, "giamdoc")?;
    service::approve_evaluation(conn, &director, review.id, None)?;
    let revised = service::revise(
        conn,
        &planner,
        plan.id,
        "Điều chỉnh sau sơ kết 6 tháng đầu năm",
    )?;
    let mut input = revised.to_input();
    if let Some(rotation_days) = input.indicators.iter_mut().find(|i| i.code == "CT01") {
        for t in rotation_days
            .targets
            .iter_mut()
            .filter(|t| t.period == "2026-Q4")
        {
            t.value = 10.0;
        }
    }
    input.document.roadmap.push(Milestone {
        period: "2026-Q4".into(),
        items: lines(&[
            "Bổ sung hội chẩn Nhi khoa trực tuyến cho các trạm chưa được luân phiên bác sĩ Nhi.",
        ]),
    });
    if let Some(group) = input.activity_groups.get_mut(1) {
        group.activities.push(activity(
            "Hội chẩn Nhi khoa trực tuyến hằng tháng",
            ActivityKind::Consultation,
            "Khoa Nhi",
            &stations,
            day(2026, 10, 1),
            day(2026, 12, 31),
            "Thay cho lượt luân phiên bác sĩ Nhi không bố trí được.",
        ));
    }
    let revised = service::update_plan(conn, &planner, revised.id, revised.version, &input)?;
    steps(conn, "kehoach", &revised, &[PlanAction::Submit])?;

    // The network plan of the Department of Health, phase 1 reported and approved.
    let health = principal(conn, "soyte")?;
    let network = service::create_plan(conn, &health, None, &network_plan(department, &stations))?;
    let network = steps(
        conn,
        "soyte",
        &network,
        &[
            PlanAction::Submit,
            PlanAction::Approve,
            PlanAction::Activate,
        ],
    )?;
    let phase_one = [
        (1.0, 82.0, 76.0),
        (1.0, 74.0, 81.5),
        (0.0, 65.0, 70.0),
        (1.0, 86.0, 92.0),
        (1.0, 78.0, 88.0),
    ];
    for (i, (met, techniques, records)) in phase_one.iter().enumerate() {
        let (_, head) = STATIONS[i];
        enter(
            conn,
            head,
            network.id,
            stations[i],
            "P1",
            &[("YT01", *met), ("YT03", *techniques), ("YT05", *records)],
        )?;
        approve(conn, "soyte", network.id, stations[i], "P1")?;
    }
    Ok(3)
}
