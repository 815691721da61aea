//! Demo consultations of the Thuận An centre: its weekly online session on Thursdays at
//! 14:00 through the first quarter of 2026, one session in person at a station, and
//! case requests from the stations in every status, made through the service calls of
//! the API.

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc, Weekday};
use diesel::prelude::*;
use shared::Lang;
use shared::consultation::{
    CaseInput, Conclusion, ConclusionInput, ConsultationCancelInput, ConsultationMode,
    OutcomeInput, ScheduleInput, SessionInput,
};
use shared::referral::{Patient, Sex, Urgency};
use shared::time::vietnam_date;

use super::service::{self, CaseStep};
use crate::auth::Principal;
use crate::db::{AnyConn, now, utc};
use crate::error::ApiError;
use crate::referrals::demo::{facility_id, principal};
use crate::schema::staff;

/// The centre's doctors who sit on its consultations.
const CONSULTANTS: &[&str] = &[
    "Ngô Quang Huy",
    "Lê Văn Phúc",
    "Võ Minh Tuấn",
    "Đỗ Thị Thanh Tâm",
];

fn staff_id(conn: &mut AnyConn, name: &str) -> Result<i64, ApiError> {
    Ok(staff::table
        .filter(staff::full_name.eq(name))
        .select(staff::id)
        .first(conn)?)
}

/// 14:00 in Vietnam on `day`.
fn two_pm(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(7, 0, 0).unwrap_or_default().and_utc()
}

/// A demo patient.
struct Person {
    name: &'static str,
    born: (i32, u32, u32),
    sex: Sex,
    citizen_id: &'static str,
    insurance: &'static str,
    address: &'static str,
}

fn patient(person: &Person) -> Patient {
    let (y, m, d) = person.born;
    Patient {
        full_name: person.name.to_string(),
        birth_date: NaiveDate::from_ymd_opt(y, m, d),
        birth_year: None,
        sex: person.sex,
        citizen_id: Some(person.citizen_id.to_string()),
        insurance_number: Some(person.insurance.to_string()),
        insurance_expiry: NaiveDate::from_ymd_opt(2026, 12, 31),
        address: Some(person.address.to_string()),
        ethnicity: Some("Kinh".to_string()),
        nationality: "Việt Nam".to_string(),
        occupation: None,
        workplace: None,
        contact_phone: None,
    }
}

/// A case request: who asks, about whom, what.
struct Request {
    station: &'static str,
    person: Person,
    summary: &'static str,
    question: &'static str,
    specialty: &'static str,
    urgency: Urgency,
}

const REQUESTS: &[Request] = &[
    Request {
        station: "tram.anphu",
        person: Person {
            name: "Trần Văn Lợi",
            born: (1961, 4, 2),
            sex: Sex::Male,
            citizen_id: "074061003311",
            insurance: "HT3747420003311",
            address: "Khu phố 1B, phường An Phú, TP. Hồ Chí Minh",
        },
        summary: "Tăng huyết áp 8 năm, đang dùng Amlodipin 5 mg. Hai tuần nay HA 150–160/90 mmHg, \
                  không đau ngực, không khó thở. Creatinin 85 µmol/L, điện tim nhịp xoang.",
        question: "Điều chỉnh thuốc tại trạm được không, hay cần chuyển khám chuyên khoa tim mạch?",
        specialty: "tim_mach",
        urgency: Urgency::Routine,
    },
    Request {
        station: "tram.binhhoa",
        person: Person {
            name: "Lê Thị Hồng",
            born: (1957, 11, 19),
            sex: Sex::Female,
            citizen_id: "074157004422",
            insurance: "HT3747420004422",
            address: "Khu phố Bình Đức 1, phường Bình Hòa, TP. Hồ Chí Minh",
        },
        summary: "Đau thắt ngực khi gắng sức 3 tuần, tăng dần; đái tháo đường típ 2. \
                  Điện tim tại trạm: ST chênh xuống nhẹ V4–V6.",
        question: "Có cần chuyển làm nghiệm pháp gắng sức hoặc chụp mạch vành không?",
        specialty: "tim_mach",
        urgency: Urgency::Urgent,
    },
    Request {
        station: "tram.laithieu",
        person: Person {
            name: "Phạm Văn Đức",
            born: (1970, 6, 8),
            sex: Sex::Male,
            citizen_id: "074070005533",
            insurance: "GD4747420005533",
            address: "Đường Phan Đình Phùng, phường Lái Thiêu, TP. Hồ Chí Minh",
        },
        summary: "Đái tháo đường típ 2 năm thứ 5, Metformin 1.000 mg/ngày. Đường huyết đói \
                  9–11 mmol/L, tê bì hai bàn chân, phù nhẹ mi mắt buổi sáng.",
        question: "Cần làm thêm xét nghiệm gì trước khi thêm thuốc thứ hai?",
        specialty: "noi_tiet",
        urgency: Urgency::Routine,
    },
    Request {
        station: "tram.thuangiao",
        person: Person {
            name: "Ngô Thị Lan",
            born: (1949, 2, 14),
            sex: Sex::Female,
            citizen_id: "074149006644",
            insurance: "HT3747420006644",
            address: "Khu phố Hòa Lân, phường Thuận Giao, TP. Hồ Chí Minh",
        },
        summary: "Bệnh phổi tắc nghẽn mạn tính, ho khạc đờm tăng 1 tuần, SpO2 93% khí trời, \
                  không sốt. Đang dùng Salbutamol xịt khi cần.",
        question: "Có thể điều trị đợt cấp nhẹ tại trạm với phác đồ nào?",
        specialty: "ho_hap",
        urgency: Urgency::Urgent,
    },
    Request {
        station: "tram.anphu",
        person: Person {
            name: "Huỳnh Thị Mai",
            born: (1985, 9, 30),
            sex: Sex::Female,
            citizen_id: "074185007755",
            insurance: "GD4747420007755",
            address: "Khu phố 3, phường An Phú, TP. Hồ Chí Minh",
        },
        summary: "Bướu giáp lan tỏa phát hiện khi khám sức khỏe, hồi hộp, sụt 3 kg trong 2 tháng.",
        question: "Đề nghị khám trực tiếp tại trạm và hướng dẫn xét nghiệm chức năng tuyến giáp.",
        specialty: "noi_tiet",
        urgency: Urgency::Routine,
    },
    Request {
        station: "tram.thuanan",
        person: Person {
            name: "Đặng Văn Hòa",
            born: (1978, 1, 25),
            sex: Sex::Male,
            citizen_id: "074078008866",
            insurance: "HT3747420008866",
            address: "Khu phố Bình Thuận, phường Thuận An, TP. Hồ Chí Minh",
        },
        summary: "Đau thượng vị tái diễn, đã điều trị Omeprazol 4 tuần không đỡ.",
        question: "Có cần nội soi dạ dày không?",
        specialty: "noi_khoa",
        urgency: Urgency::Routine,
    },
];

fn request(conn: &mut AnyConn, index: usize, centre: i64) -> Result<(Principal, i64), ApiError> {
    let request = &REQUESTS[index];
    let by = principal(conn, request.station)?;
    let input = CaseInput {
        consulting_facility_id: centre,
        patient: patient(&request.person),
        summary: request.summary.to_string(),
        question: request.question.to_string(),
        specialty: Some(request.specialty.to_string()),
        urgency: request.urgency,
    };
    let case = service::create_case(conn, &by, None, &input)?;
    Ok((by, case.id))
}

fn step(conn: &mut AnyConn, by: &Principal, id: i64, step: CaseStep) -> Result<(), ApiError> {
    service::step(conn, by, id, None, &step, Lang::Vi).map(|_| ())
}

fn conclude(conclusion: Conclusion, note: &str) -> CaseStep {
    CaseStep::Conclude(ConclusionInput {
        conclusion,
        note: note.to_string(),
        refer_to_facility_id: None,
    })
}

/// The working day (Monday to Friday) after `today`.
fn next_working_day(today: NaiveDate) -> NaiveDate {
    let mut day = today + TimeDelta::days(1);
    while matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
        day += TimeDelta::days(1);
    }
    day
}

/// Loads the demo consultations; returns how many cases exist afterwards.
pub fn load(conn: &mut AnyConn) -> Result<usize, ApiError> {
    let centre = facility_id(conn, "74-TTYTTA")?;
    let an_phu = facility_id(conn, "74-TYT-ANPHU")?;
    let planner = principal(conn, "kehoach")?;
    let doctor = principal(conn, "bacsi")?;
    let participants = CONSULTANTS
        .iter()
        .map(|name| staff_id(conn, name))
        .collect::<Result<Vec<_>, _>>()?;

    // Every Thursday at 14:00, online, through the first quarter.
    let weekly = service::create_sessions(
        conn,
        &planner,
        None,
        &SessionInput {
            host_facility_id: centre,
            title: "Hội chẩn chuyên môn trực tuyến với các trạm y tế".to_string(),
            specialty: Some("noi_khoa".to_string()),
            mode: ConsultationMode::Online,
            meeting_url: Some("https://meet.jit.si/ttyt-thuanan-hoi-chan-thu-nam".to_string()),
            location_facility_id: None,
            starts_at: two_pm(NaiveDate::from_ymd_opt(2026, 1, 8).unwrap_or_default()),
            duration_minutes: 90,
            participants: participants.clone(),
            note: Some(
                "Trạm gửi yêu cầu hội chẩn (tóm tắt bệnh án, câu hỏi) trước 10:00 thứ Năm."
                    .to_string(),
            ),
            repeat_weekly_until: NaiveDate::from_ymd_opt(2026, 3, 31),
        },
    )?;
    let on = |day: (i32, u32, u32)| {
        let wanted = NaiveDate::from_ymd_opt(day.0, day.1, day.2);
        weekly
            .sessions
            .iter()
            .find(|s| Some(vietnam_date(s.starts_at)) == wanted)
            .map(|s| s.id)
            .ok_or_else(|| ApiError::internal(format!("no demo session on {day:?}")))
    };
    // The Thursday of the Lunar New Year holiday is called off.
    service::cancel_session(
        conn,
        &planner,
        on((2026, 2, 19))?,
        None,
        &ConsultationCancelInput {
            reason: "Nghỉ Tết Nguyên Đán Bính Ngọ".to_string(),
        },
    )?;

    // In person at the An Phú station on the next working day, for a patient best seen
    // there: the calendar of the current week has something to show.
    let today = vietnam_date(utc(now()));
    let visit_day = next_working_day(today);
    let visit = service::create_sessions(
        conn,
        &planner,
        None,
        &SessionInput {
            host_facility_id: centre,
            title: "Hội chẩn trực tiếp tại Trạm Y tế phường An Phú".to_string(),
            specialty: Some("noi_tiet".to_string()),
            mode: ConsultationMode::InPerson,
            meeting_url: None,
            location_facility_id: Some(an_phu),
            starts_at: visit_day.and_hms_opt(1, 0, 0).unwrap_or_default().and_utc(),
            duration_minutes: 120,
            participants: participants[1..3].to_vec(),
            note: Some("Khám trực tiếp người bệnh do trạm mời đến.".to_string()),
            repeat_weekly_until: None,
        },
    )?;
    let visit_id = visit
        .sessions
        .first()
        .map(|s| s.id)
        .ok_or_else(|| ApiError::internal("demo visit not created"))?;

    let schedule = |session_id| CaseStep::Schedule(ScheduleInput { session_id });

    // Concluded `manage_locally`, and the station has reported back: closed.
    let (station, id) = request(conn, 0, centre)?;
    step(conn, &planner, id, schedule(on((2026, 1, 15))?))?;
    step(
        conn,
        &doctor,
        id,
        conclude(
            Conclusion::ManageLocally,
            "Tăng Amlodipin lên 10 mg/ngày, hạn chế muối; đo huyết áp tại trạm mỗi tuần, \
             hội chẩn lại nếu HA còn trên 140/90 mmHg sau 4 tuần.",
        ),
    )?;
    step(
        conn,
        &station,
        id,
        CaseStep::Outcome(OutcomeInput {
            outcome: "Sau 4 tuần HA 130–135/80 mmHg, người bệnh dung nạp thuốc tốt; tiếp tục \
                      quản lý tại trạm."
                .to_string(),
        }),
    )?;
    // Concluded `refer`: a referral draft waits at the Bình Hòa station.
    let (_, id) = request(conn, 1, centre)?;
    step(conn, &planner, id, schedule(on((2026, 1, 22))?))?;
    step(
        conn,
        &doctor,
        id,
        conclude(
            Conclusion::Refer,
            "Nghi cơn đau thắt ngực không ổn định: chuyển khám Tim mạch, làm nghiệm pháp \
             gắng sức; dùng Aspirin 81 mg trong khi chờ.",
        ),
    )?;
    // Concluded `more_tests`, the outcome not reported yet.
    let (_, id) = request(conn, 2, centre)?;
    step(conn, &planner, id, schedule(on((2026, 2, 5))?))?;
    step(
        conn,
        &doctor,
        id,
        conclude(
            Conclusion::MoreTests,
            "Xét nghiệm HbA1c, creatinin, protein niệu và soi đáy mắt; gửi kết quả để \
             quyết định thêm thuốc.",
        ),
    )?;
    // Requested, waiting for a session.
    request(conn, 3, centre)?;
    // Scheduled for the visit in person.
    let (_, id) = request(conn, 4, centre)?;
    step(conn, &planner, id, schedule(visit_id))?;
    // Withdrawn by the station.
    let (station, id) = request(conn, 5, centre)?;
    step(
        conn,
        &station,
        id,
        CaseStep::Cancel(ConsultationCancelInput {
            reason: "Người bệnh đã tự đi khám tại bệnh viện".to_string(),
        }),
    )?;
    Ok(REQUESTS.len())
}
