//! Demo supervision of the Thuận An centre's Nursing office: five published checklists
//! (infection control, hand hygiene with the WHO five moments, medical waste, infusion
//! safety, and the social-protection centres' care criteria of seed 000), and visits to
//! the five stations across the year up to today — passed and failed, follow-ups that
//! close the earlier visits' corrective actions, actions open, answered, closed and
//! late, one visit in progress, two scheduled and one cancelled.
//!
//! Templates, visits, steps and actions go through the service calls of the API; the
//! answers are written with the repository (the service would re-read the whole visit
//! after each one), and the times of what happened on past days are set back to those
//! days at the end.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};
use diesel::prelude::*;
use shared::Lang;
use shared::supervision::{
    AnswerScale, ChecklistItem, ChecklistSection, Choice, CorrectiveAnswerInput,
    CorrectiveCloseInput, CorrectiveInput, ReasonInput, SubmitInput, SupervisionArea,
    TemplateInput, VisitInput,
};

use super::repo::{self, AnswerChanges};
use super::service::{self, ActionStep, VisitStep};
use crate::auth::Principal;
use crate::db::{AnyConn, DbEnum, now};
use crate::error::ApiError;
use crate::referrals::demo::{facility_id, principal};
use crate::schema::{corrective_actions, staff, supervision_visits};

/// An item: (code, text, scale, max points, weight, critical).
type Item = (
    &'static str,
    &'static str,
    AnswerScale,
    Option<i32>,
    i32,
    bool,
);

/// A checklist: code, title, area, threshold, description, sections of items.
struct Checklist {
    code: &'static str,
    title: &'static str,
    area: SupervisionArea,
    threshold: i32,
    description: &'static str,
    sections: &'static [(&'static str, &'static str, &'static [Item])],
}

use AnswerScale::{Points, YesNo, YesPartlyNo};

const CHECKLISTS: &[Checklist] = &[
    Checklist {
        code: "KSNK-TYT",
        title: "Bảng kiểm giám sát kiểm soát nhiễm khuẩn tại trạm y tế",
        area: SupervisionArea::InfectionControl,
        threshold: 80,
        description: "Phòng Điều dưỡng hướng dẫn, kiểm tra việc thực hiện quy định về kiểm soát \
                      nhiễm khuẩn tại trạm (Kế hoạch hỗ trợ trạm y tế năm 2026, mục III.2).",
        sections: &[
            (
                "KSNK-1",
                "Tổ chức và quy trình",
                &[
                    (
                        "KSNK-1.1",
                        "Trạm có người phụ trách kiểm soát nhiễm khuẩn được phân công bằng văn bản",
                        YesNo,
                        None,
                        1,
                        false,
                    ),
                    (
                        "KSNK-1.2",
                        "Quy trình kiểm soát nhiễm khuẩn (vệ sinh tay, khử khuẩn dụng cụ, xử trí phơi nhiễm) được niêm yết tại nơi làm việc",
                        YesPartlyNo,
                        None,
                        1,
                        false,
                    ),
                ],
            ),
            (
                "KSNK-2",
                "Khử khuẩn, tiệt khuẩn dụng cụ",
                &[
                    (
                        "KSNK-2.1",
                        "Dụng cụ dùng lại được làm sạch, khử khuẩn mức độ cao hoặc tiệt khuẩn đúng quy trình",
                        YesPartlyNo,
                        None,
                        3,
                        true,
                    ),
                    (
                        "KSNK-2.2",
                        "Dụng cụ đã tiệt khuẩn được đóng gói, ghi ngày, bảo quản trong tủ kín, còn hạn dùng",
                        YesPartlyNo,
                        None,
                        2,
                        false,
                    ),
                    (
                        "KSNK-2.3",
                        "Hóa chất khử khuẩn pha đúng nồng độ, có nhãn ghi ngày giờ pha",
                        YesNo,
                        None,
                        1,
                        false,
                    ),
                ],
            ),
            (
                "KSNK-3",
                "Vệ sinh môi trường và phòng hộ",
                &[
                    (
                        "KSNK-3.1",
                        "Bề mặt buồng tiêm, buồng thủ thuật được lau khử khuẩn hằng ngày, có sổ theo dõi",
                        Points,
                        Some(4),
                        2,
                        false,
                    ),
                    (
                        "KSNK-3.2",
                        "Đủ phương tiện phòng hộ cá nhân (găng, khẩu trang, áo choàng, kính) tại nơi cần dùng",
                        YesPartlyNo,
                        None,
                        2,
                        false,
                    ),
                    (
                        "KSNK-3.3",
                        "Có hộp kháng thủng đựng vật sắc nhọn tại mọi xe tiêm, không đầy quá 3/4",
                        YesNo,
                        None,
                        3,
                        true,
                    ),
                ],
            ),
        ],
    },
    Checklist {
        code: "VST-5TD",
        title: "Giám sát tuân thủ vệ sinh tay theo 5 thời điểm của WHO",
        area: SupervisionArea::HandHygiene,
        threshold: 80,
        description: "Quan sát trực tiếp nhân viên y tế của trạm trong buổi khám: mỗi thời điểm \
                      quan sát 10 cơ hội, chấm 0–5 điểm theo tỷ lệ tuân thủ (5 điểm: ≥ 90 %).",
        sections: &[
            (
                "VST-1",
                "Phương tiện vệ sinh tay",
                &[
                    (
                        "VST-1.1",
                        "Có dung dịch sát khuẩn tay nhanh tại mọi buồng khám, buồng tiêm và xe tiêm",
                        YesPartlyNo,
                        None,
                        2,
                        false,
                    ),
                    (
                        "VST-1.2",
                        "Bồn rửa tay có xà phòng, khăn lau tay dùng một lần và tranh hướng dẫn 6 bước",
                        YesPartlyNo,
                        None,
                        1,
                        false,
                    ),
                ],
            ),
            (
                "VST-2",
                "Tuân thủ 5 thời điểm vệ sinh tay",
                &[
                    (
                        "VST-2.1",
                        "Trước khi tiếp xúc với người bệnh",
                        Points,
                        Some(5),
                        2,
                        false,
                    ),
                    (
                        "VST-2.2",
                        "Trước khi làm thủ thuật sạch, vô khuẩn",
                        Points,
                        Some(5),
                        3,
                        false,
                    ),
                    (
                        "VST-2.3",
                        "Sau khi có nguy cơ tiếp xúc với máu, dịch cơ thể",
                        Points,
                        Some(5),
                        3,
                        false,
                    ),
                    (
                        "VST-2.4",
                        "Sau khi tiếp xúc với người bệnh",
                        Points,
                        Some(5),
                        2,
                        false,
                    ),
                    (
                        "VST-2.5",
                        "Sau khi chạm vào vật dụng xung quanh người bệnh",
                        Points,
                        Some(5),
                        1,
                        false,
                    ),
                ],
            ),
            (
                "VST-3",
                "Kỹ thuật vệ sinh tay",
                &[
                    (
                        "VST-3.1",
                        "Thực hiện đủ 6 bước, đủ thời gian (20–30 giây với dung dịch chứa cồn)",
                        YesPartlyNo,
                        None,
                        2,
                        false,
                    ),
                    (
                        "VST-3.2",
                        "Không đeo trang sức, móng tay cắt ngắn khi chăm sóc người bệnh",
                        YesNo,
                        None,
                        1,
                        false,
                    ),
                ],
            ),
        ],
    },
    Checklist {
        code: "CTYT-TYT",
        title: "Bảng kiểm quản lý chất thải y tế tại trạm y tế",
        area: SupervisionArea::MedicalWaste,
        threshold: 80,
        description: "Phân loại, thu gom, lưu giữ và chuyển giao chất thải y tế theo quy định \
                      về quản lý chất thải y tế trong phạm vi khuôn viên cơ sở y tế.",
        sections: &[
            (
                "CTYT-1",
                "Phân loại và thu gom",
                &[
                    (
                        "CTYT-1.1",
                        "Chất thải được phân loại ngay tại nơi phát sinh vào đúng túi, thùng theo màu quy định",
                        YesPartlyNo,
                        None,
                        3,
                        true,
                    ),
                    (
                        "CTYT-1.2",
                        "Thùng, túi đựng chất thải có nhãn, biểu tượng cảnh báo, nắp đậy kín",
                        YesPartlyNo,
                        None,
                        1,
                        false,
                    ),
                    (
                        "CTYT-1.3",
                        "Chất thải lây nhiễm sắc nhọn được đựng trong hộp kháng thủng",
                        YesNo,
                        None,
                        3,
                        true,
                    ),
                ],
            ),
            (
                "CTYT-2",
                "Lưu giữ và chuyển giao",
                &[
                    (
                        "CTYT-2.1",
                        "Khu lưu giữ có mái che, có khóa, cách xa khu khám bệnh, có biển cảnh báo",
                        YesPartlyNo,
                        None,
                        2,
                        false,
                    ),
                    (
                        "CTYT-2.2",
                        "Chất thải lây nhiễm được chuyển giao cho đơn vị xử lý theo hợp đồng, không lưu quá thời gian quy định",
                        YesNo,
                        None,
                        2,
                        false,
                    ),
                    (
                        "CTYT-2.3",
                        "Sổ giao nhận chất thải y tế ghi đầy đủ, có chữ ký hai bên",
                        Points,
                        Some(3),
                        1,
                        false,
                    ),
                ],
            ),
            (
                "CTYT-3",
                "An toàn người lao động",
                &[(
                    "CTYT-3.1",
                    "Nhân viên thu gom mang đủ phương tiện phòng hộ và đã được tập huấn quản lý chất thải y tế",
                    YesPartlyNo,
                    None,
                    1,
                    false,
                )],
            ),
        ],
    },
    Checklist {
        code: "ATTT-TYT",
        title: "Bảng kiểm an toàn tiêm truyền tại trạm y tế",
        area: SupervisionArea::InfusionSafety,
        threshold: 85,
        description: "Quy trình tiêm truyền an toàn và sẵn sàng xử trí phản vệ tại trạm.",
        sections: &[
            (
                "ATTT-1",
                "Chuẩn bị",
                &[
                    (
                        "ATTT-1.1",
                        "Có y lệnh; thực hiện 5 đúng (người bệnh, thuốc, liều, đường dùng, thời gian)",
                        YesNo,
                        None,
                        3,
                        true,
                    ),
                    (
                        "ATTT-1.2",
                        "Kiểm tra hạn dùng và chất lượng dịch truyền, thuốc trước khi dùng",
                        YesNo,
                        None,
                        2,
                        false,
                    ),
                    (
                        "ATTT-1.3",
                        "Hộp chống sốc phản vệ đủ cơ số, còn hạn, đặt tại nơi tiêm truyền, có phác đồ xử trí",
                        YesPartlyNo,
                        None,
                        3,
                        true,
                    ),
                ],
            ),
            (
                "ATTT-2",
                "Thực hiện",
                &[
                    (
                        "ATTT-2.1",
                        "Vệ sinh tay, sát khuẩn vị trí tiêm đúng kỹ thuật",
                        YesPartlyNo,
                        None,
                        2,
                        false,
                    ),
                    (
                        "ATTT-2.2",
                        "Bơm kim tiêm dùng một lần; không dùng hai tay đậy nắp kim sau tiêm",
                        YesNo,
                        None,
                        2,
                        false,
                    ),
                    (
                        "ATTT-2.3",
                        "Theo dõi người bệnh trong và sau truyền, ghi phiếu theo dõi truyền dịch",
                        Points,
                        Some(4),
                        2,
                        false,
                    ),
                ],
            ),
            (
                "ATTT-3",
                "Ghi chép",
                &[(
                    "ATTT-3.1",
                    "Hồ sơ ghi đủ thời gian, tốc độ truyền và người thực hiện",
                    YesPartlyNo,
                    None,
                    1,
                    false,
                )],
            ),
        ],
    },
    Checklist {
        code: "BTXH-CSSK",
        title: "Tiêu chí chất lượng chăm sóc sức khỏe tại trung tâm bảo trợ xã hội",
        area: SupervisionArea::SocialProtectionCare,
        threshold: 70,
        description: "Căn cứ đánh giá mức đạt của công tác chăm sóc sức khỏe cho người đang được \
                      chăm sóc tại các trung tâm bảo trợ xã hội, do bệnh viện được Sở Y tế phân \
                      công hỗ trợ thực hiện.",
        sections: &[
            (
                "BTXH-1",
                "Tổ chức chăm sóc sức khỏe",
                &[
                    (
                        "BTXH-1.1",
                        "Có bộ phận y tế và người phụ trách có chứng chỉ hành nghề",
                        YesNo,
                        None,
                        3,
                        true,
                    ),
                    (
                        "BTXH-1.2",
                        "Mỗi đối tượng có hồ sơ sức khỏe, được khám sức khỏe định kỳ ít nhất mỗi năm một lần",
                        Points,
                        Some(4),
                        2,
                        false,
                    ),
                    (
                        "BTXH-1.3",
                        "Có hợp đồng khám, chữa bệnh BHYT hoặc phối hợp với cơ sở y tế gần nhất",
                        YesPartlyNo,
                        None,
                        2,
                        false,
                    ),
                ],
            ),
            (
                "BTXH-2",
                "Phối hợp với bệnh viện hỗ trợ",
                &[
                    (
                        "BTXH-2.1",
                        "Có bệnh viện được phân công hỗ trợ và lịch khám chuyên khoa định kỳ tại trung tâm",
                        YesPartlyNo,
                        None,
                        2,
                        false,
                    ),
                    (
                        "BTXH-2.2",
                        "Sử dụng tư vấn từ xa, hội chẩn với bệnh viện hỗ trợ khi cần",
                        YesPartlyNo,
                        None,
                        1,
                        false,
                    ),
                    (
                        "BTXH-2.3",
                        "Có quy trình chuyển cấp cứu; nhân viên được Trung tâm Cấp cứu 115 huấn luyện sơ cấp cứu",
                        YesPartlyNo,
                        None,
                        2,
                        false,
                    ),
                ],
            ),
            (
                "BTXH-3",
                "Chăm sóc và an toàn",
                &[
                    (
                        "BTXH-3.1",
                        "Chế độ dinh dưỡng phù hợp lứa tuổi, bệnh lý; trẻ em được theo dõi cân nặng hằng tháng",
                        Points,
                        Some(4),
                        2,
                        false,
                    ),
                    (
                        "BTXH-3.2",
                        "Tủ thuốc có danh mục, sổ xuất nhập, thuốc còn hạn dùng",
                        YesPartlyNo,
                        None,
                        2,
                        false,
                    ),
                    (
                        "BTXH-3.3",
                        "Phòng chống lây nhiễm: cách ly khi có dịch, vệ sinh môi trường, quản lý chất thải y tế",
                        YesPartlyNo,
                        None,
                        2,
                        false,
                    ),
                    (
                        "BTXH-3.4",
                        "Phục hồi chức năng và chăm sóc sức khỏe tâm thần cho đối tượng có nhu cầu",
                        YesPartlyNo,
                        None,
                        1,
                        false,
                    ),
                ],
            ),
        ],
    },
];

fn template_input(checklist: &Checklist) -> TemplateInput {
    TemplateInput {
        code: checklist.code.to_string(),
        title: checklist.title.to_string(),
        area: checklist.area,
        description: Some(checklist.description.to_string()),
        pass_threshold: checklist.threshold,
        sections: checklist
            .sections
            .iter()
            .map(|(code, title, items)| ChecklistSection {
                code: (*code).to_string(),
                title: (*title).to_string(),
                items: items
                    .iter()
                    .map(
                        |(code, text, scale, max_points, weight, critical)| ChecklistItem {
                            code: (*code).to_string(),
                            text: (*text).to_string(),
                            scale: *scale,
                            max_points: *max_points,
                            weight: *weight,
                            critical: *critical,
                            guidance: None,
                        },
                    )
                    .collect(),
            })
            .collect(),
    }
}

/// A finding: (item, the answer — a choice or points —, the note).
type Finding = (&'static str, Result<Choice, i32>, &'static str);

/// A corrective action: (item, what to do, days after the visit it is due, what becomes
/// of it).
type Correction = (&'static str, &'static str, i64, Fate);

#[derive(Clone, Copy, PartialEq)]
enum Fate {
    Open,
    Answered(&'static str),
    /// Answered, then closed at the follow-up visit (by its index).
    Closed(&'static str, usize),
}

#[derive(Clone, Copy, PartialEq)]
enum Stage {
    Scheduled,
    InProgress,
    Submitted,
    Closed,
    Cancelled(&'static str),
}

/// A demo visit: station, checklist, days from today, stage, the visit it follows up
/// (index), findings (every other item fully met), conclusion, corrective actions.
struct DemoVisit {
    station: &'static str,
    checklist: &'static str,
    days: i64,
    stage: Stage,
    follow_up_of: Option<usize>,
    findings: &'static [Finding],
    conclusion: &'static str,
    corrections: &'static [Correction],
}

const VISITS: &[DemoVisit] = &[
    // 0: An Phú, infection control: passes, one action closed at visit 4.
    DemoVisit {
        station: "74-TYT-ANPHU",
        checklist: "KSNK-TYT",
        days: -290,
        stage: Stage::Closed,
        follow_up_of: None,
        findings: &[
            (
                "KSNK-2.2",
                Ok(Choice::Partly),
                "3 gói dụng cụ không ghi ngày tiệt khuẩn",
            ),
            (
                "KSNK-3.1",
                Err(3),
                "Sổ lau khử khuẩn bỏ trống 2 ngày trong tuần",
            ),
        ],
        conclusion: "Đạt. Nhắc nhở ghi ngày tiệt khuẩn trên mọi gói dụng cụ.",
        corrections: &[(
            "KSNK-2.2",
            "Ghi ngày tiệt khuẩn, hạn dùng trên mọi gói dụng cụ; loại bỏ gói không rõ ngày",
            30,
            Fate::Closed(
                "Đã dán nhãn ngày cho toàn bộ gói dụng cụ, lập sổ theo dõi tiệt khuẩn",
                4,
            ),
        )],
    },
    // 1: Bình Hòa, hand hygiene: fails; one action closed at visit 5, one answered and late.
    DemoVisit {
        station: "74-TYT-BINHHOA",
        checklist: "VST-5TD",
        days: -250,
        stage: Stage::Closed,
        follow_up_of: None,
        findings: &[
            (
                "VST-1.1",
                Ok(Choice::Partly),
                "Xe tiêm và buồng khám 2 không có dung dịch sát khuẩn tay",
            ),
            ("VST-2.1", Err(2), "Tuân thủ 4/10 cơ hội"),
            ("VST-2.4", Err(3), "Tuân thủ 6/10 cơ hội"),
            ("VST-2.5", Err(1), "Tuân thủ 2/10 cơ hội"),
            ("VST-3.1", Ok(Choice::Partly), "Chà tay dưới 20 giây"),
        ],
        conclusion: "Không đạt. Tuân thủ vệ sinh tay thấp ở thời điểm trước và sau tiếp xúc người bệnh.",
        corrections: &[
            (
                "VST-1.1",
                "Trang bị dung dịch sát khuẩn tay nhanh tại mọi buồng khám và xe tiêm",
                14,
                Fate::Closed("Đã cấp 12 chai dung dịch, gắn giá treo tại 4 buồng", 5),
            ),
            (
                "VST-2.1",
                "Tập huấn lại 5 thời điểm vệ sinh tay cho toàn bộ nhân viên trạm, tự giám sát hằng tháng",
                45,
                Fate::Answered("Đã tập huấn ngày 20/5; tự giám sát tháng 6 đạt 70 %"),
            ),
        ],
    },
    // 2: Lái Thiêu, medical waste: a critical item fails; actions late (one open, one answered).
    DemoVisit {
        station: "74-TYT-LAITHIEU",
        checklist: "CTYT-TYT",
        days: -200,
        stage: Stage::Closed,
        follow_up_of: None,
        findings: &[
            (
                "CTYT-1.3",
                Ok(Choice::No),
                "Kim tiêm bỏ chung túi vàng tại phòng tiêm chủng",
            ),
            ("CTYT-2.1", Ok(Choice::Partly), "Khu lưu giữ không có khóa"),
            ("CTYT-2.3", Err(1), "Sổ giao nhận thiếu chữ ký đơn vị xử lý"),
        ],
        conclusion: "Không đạt do tiêu chí bắt buộc về vật sắc nhọn. Chấn chỉnh ngay tại chỗ.",
        corrections: &[
            (
                "CTYT-1.3",
                "Trang bị hộp kháng thủng tại phòng tiêm chủng, phổ biến lại quy định phân loại vật sắc nhọn",
                7,
                Fate::Answered("Đã trang bị 3 hộp kháng thủng, họp giao ban nhắc nhở"),
            ),
            (
                "CTYT-2.1",
                "Lắp khóa và biển cảnh báo cho khu lưu giữ chất thải",
                30,
                Fate::Open,
            ),
        ],
    },
    // 3: Thuận Giao, infusion safety: passes.
    DemoVisit {
        station: "74-TYT-THUANGIAO",
        checklist: "ATTT-TYT",
        days: -150,
        stage: Stage::Closed,
        follow_up_of: None,
        findings: &[(
            "ATTT-2.3",
            Err(3),
            "Phiếu theo dõi thiếu mạch, huyết áp sau truyền 1 ca",
        )],
        conclusion: "Đạt. Duy trì.",
        corrections: &[],
    },
    // 4: An Phú again, follows up visit 0: passes.
    DemoVisit {
        station: "74-TYT-ANPHU",
        checklist: "KSNK-TYT",
        days: -120,
        stage: Stage::Submitted,
        follow_up_of: Some(0),
        findings: &[(
            "KSNK-1.2",
            Ok(Choice::Partly),
            "Quy trình xử trí phơi nhiễm chưa niêm yết ở phòng tiêm",
        )],
        conclusion: "Đạt. Đã khắc phục tồn tại của đợt trước.",
        corrections: &[],
    },
    // 5: Bình Hòa again, follows up visit 1: passes, closes one action.
    DemoVisit {
        station: "74-TYT-BINHHOA",
        checklist: "VST-5TD",
        days: -60,
        stage: Stage::Submitted,
        follow_up_of: Some(1),
        findings: &[
            ("VST-2.1", Err(4), "Tuân thủ 8/10 cơ hội"),
            ("VST-2.5", Err(3), "Tuân thủ 6/10 cơ hội"),
        ],
        conclusion: "Đạt. Tiến bộ rõ so với đợt trước; tiếp tục tự giám sát.",
        corrections: &[],
    },
    // 6: Thuận An, medical waste: fails; actions due soon.
    DemoVisit {
        station: "74-TYT-THUANAN",
        checklist: "CTYT-TYT",
        days: -30,
        stage: Stage::Submitted,
        follow_up_of: None,
        findings: &[
            (
                "CTYT-1.1",
                Ok(Choice::Partly),
                "Bông băng dính máu bỏ vào thùng chất thải thông thường",
            ),
            (
                "CTYT-1.2",
                Ok(Choice::Partly),
                "Thùng đựng chất thải lây nhiễm không có nắp",
            ),
            (
                "CTYT-2.2",
                Ok(Choice::No),
                "Chất thải lây nhiễm lưu quá 3 ngày, chưa có hợp đồng xử lý mới",
            ),
        ],
        conclusion: "Không đạt. Đề nghị trạm khẩn trương ký hợp đồng xử lý chất thải.",
        corrections: &[
            (
                "CTYT-1.1",
                "Tập huấn lại phân loại chất thải tại nguồn; dán hướng dẫn tại mọi điểm phát sinh",
                44,
                Fate::Answered("Đã tập huấn cho 9 nhân viên, dán hướng dẫn tại 6 điểm"),
            ),
            (
                "CTYT-1.2",
                "Thay thùng đựng chất thải lây nhiễm có nắp đạp chân",
                37,
                Fate::Open,
            ),
            (
                "CTYT-2.2",
                "Ký hợp đồng chuyển giao chất thải lây nhiễm, chuyển giao tối đa 2 ngày/lần",
                51,
                Fate::Open,
            ),
        ],
    },
    // 7: Thuận Giao, infection control: in progress, half answered.
    DemoVisit {
        station: "74-TYT-THUANGIAO",
        checklist: "KSNK-TYT",
        days: -1,
        stage: Stage::InProgress,
        follow_up_of: None,
        findings: &[(
            "KSNK-3.2",
            Ok(Choice::Partly),
            "Thiếu kính bảo hộ ở buồng thủ thuật",
        )],
        conclusion: "",
        corrections: &[],
    },
    // 8 and 9: coming visits.
    DemoVisit {
        station: "74-TYT-ANPHU",
        checklist: "ATTT-TYT",
        days: 7,
        stage: Stage::Scheduled,
        follow_up_of: None,
        findings: &[],
        conclusion: "",
        corrections: &[],
    },
    DemoVisit {
        station: "74-TYT-LAITHIEU",
        checklist: "CTYT-TYT",
        days: 21,
        stage: Stage::Scheduled,
        follow_up_of: Some(2),
        findings: &[],
        conclusion: "",
        corrections: &[],
    },
    // 10: cancelled.
    DemoVisit {
        station: "74-TYT-BINHHOA",
        checklist: "KSNK-TYT",
        days: -100,
        stage: Stage::Cancelled("Trạm phục vụ chiến dịch tiêm chủng sởi, hẹn lại sau"),
        follow_up_of: None,
        findings: &[],
        conclusion: "",
        corrections: &[],
    },
];

/// The Nursing office's people who visit.
const VISITORS: &[&str] = &["Trần Thị Mỹ Linh"];

fn staff_id(conn: &mut AnyConn, name: &str) -> Result<i64, ApiError> {
    Ok(staff::table
        .filter(staff::full_name.eq(name))
        .select(staff::id)
        .first(conn)?)
}

/// `day` at `hh:mm` in Vietnam, as a stored UTC time.
fn at(day: NaiveDate, hour: u32, minute: u32) -> NaiveDateTime {
    let local = day.and_time(NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or_default());
    local - TimeDelta::hours(7)
}

/// Loads the demo supervision; returns the number of visits.
pub fn load(conn: &mut AnyConn) -> Result<usize, ApiError> {
    let nurse = principal(conn, "dieuduong")?;
    let lang = Lang::Vi;
    let mut templates = BTreeMap::new();
    for checklist in CHECKLISTS {
        let draft = service::create_template(conn, &nurse, None, &template_input(checklist))?;
        let published = service::publish_template(conn, &nurse, draft.id, None)?;
        templates.insert(checklist.code, (published.id, template_input(checklist)));
    }
    let visitors = VISITORS
        .iter()
        .map(|name| staff_id(conn, name))
        .collect::<Result<Vec<_>, _>>()?;
    let today = service::today();
    let mut ids: Vec<i64> = Vec::new();
    // Actions to close at a later visit: (action id, index of the follow-up visit).
    let mut to_close = Vec::new();
    for visit in VISITS {
        let (template_id, checklist) = templates
            .get(visit.checklist)
            .ok_or_else(|| ApiError::internal("demo checklist missing"))?;
        let station = facility_id(conn, visit.station)?;
        let planned_on = today + TimeDelta::days(visit.days);
        let created = service::create_visit(
            conn,
            &nurse,
            None,
            &VisitInput {
                template_id: *template_id,
                facility_id: station,
                planned_on,
                visitors: visitors.clone(),
                follow_up_of: visit.follow_up_of.and_then(|index| ids.get(index).copied()),
                note: None,
            },
        )?;
        let id = created.id;
        ids.push(id);
        let step = |conn: &mut AnyConn, step: VisitStep| {
            service::step_visit(conn, &nurse, id, None, &step, lang).map(|_| ())
        };
        match visit.stage {
            Stage::Scheduled => continue,
            Stage::Cancelled(reason) => {
                step(
                    conn,
                    VisitStep::Cancel(ReasonInput {
                        reason: reason.to_string(),
                    }),
                )?;
                backdate(conn, id, planned_on)?;
                continue;
            }
            _ => step(conn, VisitStep::Start)?,
        }
        answer(conn, &nurse, id, checklist, visit, planned_on)?;
        // Follow-ups close the earlier visit's actions found corrected.
        let this = ids.len() - 1;
        for (action_id, _) in to_close.iter().filter(|(_, index)| *index == this) {
            service::step_action(
                conn,
                &nurse,
                *action_id,
                None,
                &ActionStep::Close(CorrectiveCloseInput {
                    follow_up_visit_id: id,
                    note: Some("Kiểm tra lại tại chỗ: đã khắc phục".into()),
                }),
                lang,
            )?;
        }
        if visit.stage == Stage::InProgress {
            backdate(conn, id, planned_on)?;
            continue;
        }
        step(
            conn,
            VisitStep::Submit(SubmitInput {
                conclusion: Some(visit.conclusion.to_string()),
            }),
        )?;
        let owner = owner_of(conn, station)?;
        for (item, text, due_in, fate) in visit.corrections {
            let action = service::create_action(
                conn,
                &nurse,
                None,
                &CorrectiveInput {
                    visit_id: id,
                    item_code: Some((*item).to_string()),
                    description: (*text).to_string(),
                    owner_user_id: owner.user_id().unwrap_or_default(),
                    due_on: planned_on + TimeDelta::days(*due_in),
                },
                lang,
            )?;
            let answer = match fate {
                Fate::Open => None,
                Fate::Answered(answer) => Some(*answer),
                Fate::Closed(answer, follow_up) => {
                    to_close.push((action.id, *follow_up));
                    Some(*answer)
                }
            };
            if let Some(answer) = answer {
                service::step_action(
                    conn,
                    &owner,
                    action.id,
                    None,
                    &ActionStep::Answer(CorrectiveAnswerInput {
                        response: answer.to_string(),
                    }),
                    lang,
                )?;
            }
        }
        if visit.stage == Stage::Closed {
            step(conn, VisitStep::Close)?;
        }
        backdate(conn, id, planned_on)?;
    }
    Ok(ids.len())
}

/// The head of the visited station, who owns its actions.
fn owner_of(conn: &mut AnyConn, station: i64) -> Result<Principal, ApiError> {
    let username: String = crate::schema::users::table
        .filter(crate::schema::users::facility_id.eq(station))
        .filter(crate::schema::users::role.eq(DbEnum(shared::auth::Role::StationHead)))
        .select(crate::schema::users::username)
        .first(conn)?;
    principal(conn, &username)
}

/// Answers every item of the checklist: fully met unless a finding says otherwise (a
/// visit in progress stops halfway).
fn answer(
    conn: &mut AnyConn,
    nurse: &Principal,
    visit_id: i64,
    checklist: &TemplateInput,
    visit: &DemoVisit,
    planned_on: NaiveDate,
) -> Result<(), ApiError> {
    let items: Vec<&ChecklistItem> = checklist
        .sections
        .iter()
        .flat_map(|section| section.items.iter())
        .collect();
    let answered = if visit.stage == Stage::InProgress {
        items.len() / 2
    } else {
        items.len()
    };
    for (n, item) in items.iter().take(answered).enumerate() {
        let finding = visit
            .findings
            .iter()
            .find(|(code, _, _)| *code == item.code);
        let (choice, points, note) = match finding {
            Some((_, Ok(choice), note)) => (Some(*choice), None, Some((*note).to_string())),
            Some((_, Err(points), note)) => (None, Some(*points), Some((*note).to_string())),
            None if item.scale == AnswerScale::Points => (None, item.max_points, None),
            None => (Some(Choice::Yes), None, None),
        };
        let minutes = u32::try_from(n * 4).unwrap_or(0);
        repo::save_answer(
            conn,
            visit_id,
            &item.code,
            &AnswerChanges {
                choice: choice.map(DbEnum),
                points,
                note,
                answered_by: nurse.label(),
                answered_at: at(planned_on, 8, 30) + TimeDelta::minutes(i64::from(minutes)),
            },
        )?;
    }
    Ok(())
}

/// Sets what happened at a past visit back to its day: scheduled two weeks before,
/// started at 08:30, scored at 10:30, closed two days later; actions raised at 10:45,
/// answered halfway to their due date, closed at the follow-up.
fn backdate(conn: &mut AnyConn, visit_id: i64, planned_on: NaiveDate) -> Result<(), ApiError> {
    use supervision_visits as v;
    let Some(row) = repo::find_visit(conn, visit_id)? else {
        return Ok(());
    };
    let scheduled = at(planned_on - TimeDelta::days(14), 9, 0).min(now());
    let started = row.started_at.map(|_| at(planned_on, 8, 30));
    let submitted = row.submitted_at.map(|_| at(planned_on, 10, 30));
    let closed = row
        .closed_at
        .map(|_| at(planned_on + TimeDelta::days(2), 14, 0));
    let last = [Some(scheduled), started, submitted, closed]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(scheduled);
    diesel::update(v::table.find(visit_id))
        .set((
            v::created_at.eq(scheduled),
            v::started_at.eq(started),
            v::submitted_at.eq(submitted),
            v::closed_at.eq(closed),
            v::updated_at.eq(last),
        ))
        .execute(conn)?;
    use corrective_actions as c;
    for action in repo::actions_of_visits(conn, &[visit_id])? {
        let raised = at(planned_on, 10, 45);
        let halfway = (action.due_on - planned_on).num_days() / 2;
        let answered = action
            .answered_at
            .map(|_| at(planned_on + TimeDelta::days(halfway.max(1)), 16, 0));
        diesel::update(c::table.find(action.id))
            .set((
                c::created_at.eq(raised),
                c::answered_at.eq(answered),
                c::updated_at.eq(answered.unwrap_or(raised)),
            ))
            .execute(conn)?;
    }
    // Actions closed at this visit were closed on its day.
    diesel::update(c::table.filter(c::closed_in_visit_id.eq(visit_id)))
        .set((
            c::closed_at.eq(Some(at(planned_on, 11, 0))),
            c::updated_at.eq(at(planned_on, 11, 0)),
        ))
        .execute(conn)?;
    Ok(())
}
