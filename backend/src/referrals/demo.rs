//! Demo referrals between the Thuận An stations, the centre and the hospitals above it,
//! one or more in every state, made through the same service calls as the API.

use chrono::{Duration, NaiveDate};
use shared::Lang;
use shared::referral::{
    ArriveInput, CancelInput, ClinicalSummary, CompleteInput, DeclineInput, Diagnosis, Direction,
    FollowUpInput, Outcome, Patient, RedirectInput, ReferralInput, ReferralReason, Sex, Signatory,
    TransitionNote, Transport, TransportMeans, Urgency,
};
use shared::time::vietnam_date;

use super::service::{self, Step};
use crate::auth::{Actor, Principal, repo as auth_repo};
use crate::db::{AnyConn, now, utc};
use crate::error::ApiError;

/// The demo user `username` as a principal, to load data through the services.
pub(crate) fn principal(conn: &mut AnyConn, username: &str) -> Result<Principal, ApiError> {
    let user = auth_repo::find_user_by_username(conn, username)?
        .ok_or_else(|| ApiError::internal(format!("demo user {username} missing")))?;
    let actor = Actor::User {
        id: user.id,
        username: user.username.clone(),
        role: user.role(),
        staff_id: user.staff_id,
    };
    let scope = auth_repo::facility_scope(conn, &actor, user.facility_id)?;
    Ok(Principal {
        actor,
        facility_id: user.facility_id,
        scope,
        request_id: None,
    })
}

/// The id of a demo facility by code.
pub(crate) fn facility_id(conn: &mut AnyConn, code: &str) -> Result<i64, ApiError> {
    use diesel::prelude::*;
    Ok(crate::schema::facilities::table
        .filter(crate::schema::facilities::code.eq(code))
        .select(crate::schema::facilities::id)
        .first(conn)?)
}

/// A patient of the demo: (name, birth date, sex, citizen id, insurance card, address).
struct Case {
    name: &'static str,
    born: (i32, u32, u32),
    sex: Sex,
    citizen_id: &'static str,
    insurance: &'static str,
    address: &'static str,
    signs: &'static str,
    tests: &'static str,
    diagnosis: (&'static str, &'static str),
    /// The specialty the patient is sent for.
    specialty: &'static str,
    treatment: &'static str,
    condition: &'static str,
    urgency: Urgency,
    reason: ReferralReason,
}

fn slip(case: &Case, to_facility_id: i64, signer: &str, title: &str) -> ReferralInput {
    let (y, m, d) = case.born;
    ReferralInput {
        to_facility_id,
        direction: Direction::Up,
        urgency: case.urgency,
        reason: case.reason,
        reason_text: None,
        patient: Patient {
            full_name: case.name.to_string(),
            birth_date: NaiveDate::from_ymd_opt(y, m, d),
            birth_year: None,
            sex: case.sex,
            citizen_id: Some(case.citizen_id.to_string()),
            insurance_number: Some(case.insurance.to_string()),
            insurance_expiry: NaiveDate::from_ymd_opt(2026, 12, 31),
            address: Some(case.address.to_string()),
            ethnicity: Some("Kinh".to_string()),
            nationality: "Việt Nam".to_string(),
            occupation: None,
            workplace: None,
            contact_phone: None,
        },
        clinical: ClinicalSummary {
            signs: case.signs.to_string(),
            tests_summary: Some(case.tests.to_string()),
            diagnoses: vec![Diagnosis {
                code: case.diagnosis.0.to_string(),
                name: case.diagnosis.1.to_string(),
            }],
            treatment_given: Some(case.treatment.to_string()),
            condition_at_transfer: case.condition.to_string(),
            treatment_direction: None,
            previously_treated_at: Vec::new(),
            specialty: Some(case.specialty.to_string()),
        },
        transport: Transport {
            means: Some(if case.urgency == Urgency::Routine {
                TransportMeans::PrivateVehicle
            } else {
                TransportMeans::Ambulance
            }),
            escort_name: (case.urgency != Urgency::Routine).then(|| "Phạm Thị Hạnh".to_string()),
            escort_title: (case.urgency != Urgency::Routine).then(|| "Điều dưỡng".to_string()),
            emergency_centre_requested: case.urgency == Urgency::Emergency,
        },
        signed_by: Some(Signatory {
            full_name: signer.to_string(),
            title: Some(title.to_string()),
        }),
        physician: None,
        attachments: Vec::new(),
    }
}

const CASES: &[Case] = &[
    Case {
        name: "Nguyễn Văn Tám",
        born: (1956, 3, 12),
        sex: Sex::Male,
        citizen_id: "074056001111",
        insurance: "HT3747420000111",
        address: "Khu phố 2, phường An Phú, TP. Hồ Chí Minh",
        signs: "Đau đầu, chóng mặt, huyết áp 180/100 mmHg không giảm sau điều trị",
        tests: "Đường huyết mao mạch 7,2 mmol/L",
        diagnosis: ("I10", "Bệnh lý tăng huyết áp"),
        specialty: "tim_mach",
        treatment: "Amlodipin 5 mg",
        condition: "Tỉnh, huyết áp 170/95 mmHg",
        urgency: Urgency::Routine,
        reason: ReferralReason::BeyondCapability,
    },
    Case {
        name: "Trần Thị Bích Ngọc",
        born: (1990, 8, 21),
        sex: Sex::Female,
        citizen_id: "074190002222",
        insurance: "GD4747420000222",
        address: "Khu phố Bình Hòa, phường Bình Hòa, TP. Hồ Chí Minh",
        signs: "Sốt cao ngày 4, chấm xuất huyết dưới da, đau bụng",
        tests: "Tiểu cầu 45.000/mm³, Hct 48%",
        diagnosis: ("A91", "Sốt xuất huyết Dengue"),
        specialty: "truyen_nhiem",
        treatment: "Bù dịch đường uống, Paracetamol",
        condition: "Tỉnh, mạch 100 lần/phút, huyết áp 100/70 mmHg",
        urgency: Urgency::Urgent,
        reason: ReferralReason::MeetsTransferRules,
    },
    Case {
        name: "Lê Văn Hùng",
        born: (1962, 11, 2),
        sex: Sex::Male,
        citizen_id: "074062003333",
        insurance: "HT3747420000333",
        address: "Khu phố 1, phường Lái Thiêu, TP. Hồ Chí Minh",
        signs: "Đau ngực trái dữ dội 1 giờ, vã mồ hôi",
        tests: "Điện tim: ST chênh lên V1–V4",
        diagnosis: (
            "I21.0",
            "Nhồi máu cơ tim trước vách cấp xuyên thành của thành trước",
        ),
        specialty: "tim_mach",
        treatment: "Aspirin 300 mg nhai, thở oxy",
        condition: "Tỉnh, huyết áp 100/60 mmHg",
        urgency: Urgency::Emergency,
        reason: ReferralReason::BeyondCapability,
    },
    Case {
        name: "Phạm Thị Hoa",
        born: (1975, 5, 30),
        sex: Sex::Female,
        citizen_id: "074175004444",
        insurance: "DN4747420000444",
        address: "Khu phố Thuận Giao, phường Thuận Giao, TP. Hồ Chí Minh",
        signs: "Khát nhiều, tiểu nhiều, sụt 4 kg trong 2 tháng",
        tests: "Đường huyết đói 14 mmol/L",
        diagnosis: ("E11.9", "Bệnh đái tháo đường type 2: chưa có biến chứng"),
        specialty: "noi_tiet",
        treatment: "Metformin 500 mg",
        condition: "Tỉnh, tiếp xúc tốt",
        urgency: Urgency::Routine,
        reason: ReferralReason::BeyondCapability,
    },
    Case {
        name: "Võ Thị Mai",
        born: (1995, 1, 17),
        sex: Sex::Female,
        citizen_id: "074195005555",
        insurance: "GD4747420000555",
        address: "Khu phố Bình Thuận, phường Thuận An, TP. Hồ Chí Minh",
        signs: "Thai 38 tuần, ra huyết âm đạo, cơn gò tử cung thưa",
        tests: "Tim thai 140 lần/phút",
        diagnosis: ("O47.1", "Chuyển dạ giả trong hay sau tuần thứ 37"),
        specialty: "san_phu_khoa",
        treatment: "Theo dõi tim thai, cơn gò",
        condition: "Tỉnh, sinh hiệu ổn định",
        urgency: Urgency::Urgent,
        reason: ReferralReason::PatientRequest,
    },
    Case {
        name: "Đặng Gia Bảo",
        born: (2022, 6, 9),
        sex: Sex::Male,
        citizen_id: "074222006666",
        insurance: "TE1747420000666",
        address: "Khu phố 4, phường An Phú, TP. Hồ Chí Minh",
        signs: "Sốt, ho, thở nhanh 50 lần/phút, co lõm lồng ngực",
        tests: "SpO2 92%",
        diagnosis: ("J18.9", "Viêm phổi, không đặc hiệu"),
        specialty: "nhi_khoa",
        treatment: "Hạ sốt, thở oxy qua gọng mũi",
        condition: "Tỉnh, SpO2 95% với oxy 2 L/phút",
        urgency: Urgency::Urgent,
        reason: ReferralReason::BeyondCapability,
    },
    Case {
        name: "Huỳnh Văn Lực",
        born: (1948, 9, 25),
        sex: Sex::Male,
        citizen_id: "074048007777",
        insurance: "HT3747420000777",
        address: "Khu phố Bình Hòa, phường Bình Hòa, TP. Hồ Chí Minh",
        signs: "Khó thở tăng dần, phù hai chân",
        tests: "X-quang: bóng tim to",
        diagnosis: ("I50.0", "Suy tim sung huyết"),
        specialty: "tim_mach",
        treatment: "Furosemide 40 mg",
        condition: "Tỉnh, khó thở nhẹ khi nằm",
        urgency: Urgency::Urgent,
        reason: ReferralReason::BeyondCapability,
    },
    Case {
        name: "Ngô Thị Lan",
        born: (1960, 12, 1),
        sex: Sex::Female,
        citizen_id: "074160008888",
        insurance: "HT3747420000888",
        address: "Khu phố 3, phường An Phú, TP. Hồ Chí Minh",
        signs: "Đường huyết dao động, loét ngón chân cái phải",
        tests: "HbA1c 9,8%",
        diagnosis: (
            "E11.5",
            "Bệnh đái tháo đường type 2: có biến chứng mạch máu ngoại biên",
        ),
        specialty: "noi_tiet",
        treatment: "Insulin nền 14 đơn vị, chăm sóc vết loét",
        condition: "Tỉnh, vết loét khô",
        urgency: Urgency::Routine,
        reason: ReferralReason::BeyondCapability,
    },
    Case {
        name: "Bùi Văn Sơn",
        born: (1983, 4, 14),
        sex: Sex::Male,
        citizen_id: "074083009999",
        insurance: "DN4747420000999",
        address: "Khu phố 2, phường Lái Thiêu, TP. Hồ Chí Minh",
        signs: "Đau hố chậu phải 12 giờ, sốt 38,5 °C",
        tests: "Bạch cầu 15.000/mm³",
        diagnosis: ("K35.8", "Viêm ruột thừa cấp tính, khác và không đặc hiệu"),
        specialty: "ngoai_khoa",
        treatment: "Nhịn ăn, truyền dịch",
        condition: "Tỉnh, đau bụng khu trú",
        urgency: Urgency::Urgent,
        reason: ReferralReason::BeyondCapability,
    },
    Case {
        name: "Lý Thị Thu",
        born: (1970, 7, 7),
        sex: Sex::Female,
        citizen_id: "074170001010",
        insurance: "GD4747420001010",
        address: "Khu phố Thuận Giao, phường Thuận Giao, TP. Hồ Chí Minh",
        signs: "Đau khớp gối hai bên, đi lại khó",
        tests: "X-quang: hẹp khe khớp gối",
        diagnosis: ("M17.0", "Thoái hóa khớp gối nguyên phát cả 2 bên"),
        specialty: "chan_thuong_chinh_hinh",
        treatment: "Paracetamol, chườm ấm",
        condition: "Tỉnh, đi lại được",
        urgency: Urgency::Routine,
        reason: ReferralReason::PatientRequest,
    },
];

fn note(text: &str) -> TransitionNote {
    TransitionNote {
        note: Some(text.to_string()),
    }
}

/// Loads the demo referrals; returns how many slips exist afterwards.
pub fn load(conn: &mut AnyConn) -> Result<usize, ApiError> {
    let centre = facility_id(conn, "74-TTYTTA")?;
    let general = facility_id(conn, "74-BVDKBD")?;
    let children = facility_id(conn, "79-BVNHI1")?;
    let stations = [
        ("tram.anphu", "Nguyễn Văn Minh"),
        ("tram.binhhoa", "Trần Văn Hùng"),
        ("tram.laithieu", "Võ Thị Ngọc Bích"),
        ("tram.thuangiao", "Huỳnh Thị Kim Loan"),
        ("tram.thuanan", "Lê Hoàng Phong"),
    ];
    let doctor = principal(conn, "bacsi")?;
    let today = vietnam_date(utc(now()));
    let mut count = 0;
    let mut create = |conn: &mut AnyConn, station: usize, case: usize, to: i64| {
        let (username, signer) = stations[station];
        let by = principal(conn, username)?;
        let input = slip(&CASES[case], to, signer, "Trạm trưởng");
        let referral = service::create(conn, &by, None, &input)?;
        count += 1;
        Ok::<_, ApiError>((by, referral.id))
    };
    let step = |conn: &mut AnyConn, by: &Principal, id: i64, step: Step| {
        service::transition(conn, by, id, None, &step, Lang::Vi).map(|_| ())
    };

    // Draft: written, not sent yet.
    create(conn, 0, 0, centre)?;
    // Sent, waiting for an answer (the emergency one turns overdue after 30 minutes).
    let (by, id) = create(conn, 1, 1, centre)?;
    step(
        conn,
        &by,
        id,
        Step::Send(note("Đề nghị tiếp nhận trong ngày")),
    )?;
    let (by, id) = create(conn, 2, 2, centre)?;
    step(conn, &by, id, Step::Send(TransitionNote::default()))?;
    // Accepted.
    let (by, id) = create(conn, 3, 3, centre)?;
    step(conn, &by, id, Step::Send(TransitionNote::default()))?;
    step(
        conn,
        &doctor,
        id,
        Step::Accept(note("Hẹn khám khoa Nội tiết sáng mai")),
    )?;
    // Declined by the children's hospital (no maternity ward), then sent to the general
    // hospital instead, where it waits.
    let hospital = principal(conn, "bv.nhidong1")?;
    let (by, id) = create(conn, 4, 4, children)?;
    step(conn, &by, id, Step::Send(TransitionNote::default()))?;
    step(
        conn,
        &hospital,
        id,
        Step::Decline(DeclineInput {
            reason: "Bệnh viện Nhi không có chuyên khoa sản; đề nghị chuyển Bệnh viện Đa khoa Bình Dương"
                .to_string(),
        }),
    )?;
    let (by, id) = create(conn, 4, 4, general)?;
    step(
        conn,
        &by,
        id,
        Step::Send(note("Chuyển lại theo hướng dẫn của BV Nhi Đồng 1")),
    )?;
    // Redirected by the centre to the children's hospital.
    let (by, id) = create(conn, 0, 5, centre)?;
    step(conn, &by, id, Step::Send(TransitionNote::default()))?;
    step(
        conn,
        &doctor,
        id,
        Step::Redirect(RedirectInput {
            to_facility_id: children,
            reason: "Trẻ dưới 5 tuổi suy hô hấp, cần hồi sức nhi".to_string(),
        }),
    )?;
    // Arrived.
    let (by, id) = create(conn, 1, 6, centre)?;
    step(conn, &by, id, Step::Send(TransitionNote::default()))?;
    step(conn, &doctor, id, Step::Accept(TransitionNote::default()))?;
    step(conn, &doctor, id, Step::Arrive(ArriveInput::default()))?;
    // Completed and returned to the station, with follow-ups (one already overdue).
    let (by, id) = create(conn, 0, 7, centre)?;
    step(conn, &by, id, Step::Send(TransitionNote::default()))?;
    step(conn, &doctor, id, Step::Accept(TransitionNote::default()))?;
    step(conn, &doctor, id, Step::Arrive(ArriveInput::default()))?;
    step(
        conn,
        &doctor,
        id,
        Step::Complete(CompleteInput {
            outcome: Outcome::ReturnedToReferrer,
            discharge_summary: "Đường huyết ổn định với insulin nền; vết loét đã khô. \
                                Tiếp tục điều trị và chăm sóc bàn chân tại trạm."
                .to_string(),
            discharge_diagnoses: vec![Diagnosis {
                code: "E11.5".to_string(),
                name: "Bệnh đái tháo đường type 2: có biến chứng mạch máu ngoại biên".to_string(),
            }],
            follow_ups: vec![
                FollowUpInput {
                    due_on: today - Duration::days(3),
                    instructions: "Đo đường huyết mao mạch, kiểm tra vết loét".to_string(),
                },
                FollowUpInput {
                    due_on: today + Duration::days(14),
                    instructions: "Tái khám, xét nghiệm HbA1c".to_string(),
                },
            ],
            tests_summary: Some(
                "HbA1c 8,1%; siêu âm Doppler động mạch chi dưới: hẹp nhẹ".to_string(),
            ),
            treatment_given: Some(
                "Insulin nền 16 đơn vị/ngày, thay băng vết loét hằng ngày".to_string(),
            ),
            condition_at_discharge: Some("Tỉnh, đi lại được, vết loét khô, không sốt".to_string()),
        }),
    )?;
    // Completed: discharged.
    let (by, id) = create(conn, 2, 8, centre)?;
    step(conn, &by, id, Step::Send(TransitionNote::default()))?;
    step(conn, &doctor, id, Step::Accept(TransitionNote::default()))?;
    step(conn, &doctor, id, Step::Arrive(ArriveInput::default()))?;
    step(
        conn,
        &doctor,
        id,
        Step::Complete(CompleteInput {
            outcome: Outcome::Discharged,
            discharge_summary: "Đã phẫu thuật nội soi cắt ruột thừa, hậu phẫu ổn định, ra viện."
                .to_string(),
            discharge_diagnoses: Vec::new(),
            follow_ups: Vec::new(),
            tests_summary: None,
            treatment_given: None,
            condition_at_discharge: None,
        }),
    )?;
    // Cancelled by the station.
    let (by, id) = create(conn, 3, 9, centre)?;
    step(
        conn,
        &by,
        id,
        Step::Cancel(CancelInput {
            reason: "Người bệnh xin khám tại cơ sở khác gần nhà".to_string(),
        }),
    )?;
    // The centre itself refers a patient on: its emergency slip to the general hospital.
    let mut input = slip(&CASES[2], general, "Lê Văn Phúc", "Bác sĩ điều trị");
    input.clinical.treatment_direction = Some("Can thiệp mạch vành cấp cứu".to_string());
    let referral = service::create(conn, &doctor, None, &input)?;
    step(
        conn,
        &doctor,
        referral.id,
        Step::Send(TransitionNote::default()),
    )?;
    Ok(count + 1)
}

/// Adds `count` synthetic referrals between the demo stations and the facilities above
/// them, in every status, for load tests (`tuyen seed-referrals`). Deterministic for a
/// seed; inserted in batches, each with its slip number and creation event.
pub fn load_synthetic(db: &crate::db::Db, count: usize, seed: u64) -> Result<usize, ApiError> {
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};
    use shared::referral::ReferralStatus;

    const FAMILY: &[&str] = &["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi"];
    const MIDDLE: &[&str] = &["Văn", "Thị", "Hữu", "Minh", "Ngọc", "Thanh", "Quốc"];
    const GIVEN: &[&str] = &["An", "Bình", "Cúc", "Dũng", "Hà", "Lan", "Nam", "Tâm", "Vy"];
    const STATUSES: &[ReferralStatus] = &[
        ReferralStatus::Draft,
        ReferralStatus::Sent,
        ReferralStatus::Accepted,
        ReferralStatus::Declined,
        ReferralStatus::Arrived,
        ReferralStatus::Completed,
        ReferralStatus::Completed,
        ReferralStatus::Cancelled,
    ];
    let mut conn = db.conn()?;
    let conn = &mut *conn;
    let stations: Vec<i64> = [
        "74-TYT-ANPHU",
        "74-TYT-BINHHOA",
        "74-TYT-LAITHIEU",
        "74-TYT-THUANGIAO",
        "74-TYT-THUANAN",
    ]
    .iter()
    .map(|code| facility_id(conn, code))
    .collect::<Result<_, _>>()?;
    let receivers = [
        facility_id(conn, "74-TTYTTA")?,
        facility_id(conn, "74-BVDKBD")?,
        facility_id(conn, "79-BVNHI1")?,
    ];
    let mut rng = StdRng::seed_from_u64(seed);
    let (rules, _) = service::rules(conn)?;
    let mut done = 0;
    while done < count {
        let batch = (count - done).min(2_000);
        crate::db::write_tx(conn, |conn| {
            for _ in 0..batch {
                let from = stations[rng.random_range(0..stations.len())];
                let to = receivers[rng.random_range(0..receivers.len())];
                let case = &CASES[rng.random_range(0..CASES.len())];
                let name = format!(
                    "{} {} {}",
                    FAMILY[rng.random_range(0..FAMILY.len())],
                    MIDDLE[rng.random_range(0..MIDDLE.len())],
                    GIVEN[rng.random_range(0..GIVEN.len())]
                );
                let mut input = slip(case, to, "Trạm trưởng", "Trạm trưởng");
                input.patient.full_name = name;
                let status = STATUSES[rng.random_range(0..STATUSES.len())];
                let at = now() - Duration::minutes(rng.random_range(0..525_600));
                service::insert_synthetic(conn, from, &input, status, &rules, at)?;
            }
            Ok::<_, ApiError>(())
        })?;
        done += batch;
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::CASES;

    #[test]
    fn the_demo_diagnoses_are_written_as_the_icd10_list_writes_them() {
        for case in CASES {
            let (code, name) = case.diagnosis;
            let listed = crate::code_lists::icd10::find(code).map(|entry| entry.name);
            assert_eq!(listed.as_deref(), Some(name), "{code}");
            assert!(
                shared::registry::SPECIALTIES
                    .iter()
                    .any(|(known, _, _)| *known == case.specialty),
                "{}",
                case.specialty
            );
        }
    }
}
