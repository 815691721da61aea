//! Demo rotation of the Thuận An centre (seed 004): the 2026 demands of its five
//! stations, a first quarter generated and published (January's visits done, with
//! the stations' feedback), and a second quarter waiting to be generated.

use std::collections::BTreeMap;

use chrono::{NaiveDate, Weekday};
use serde_json::json;
use shared::registry::Profession;
use shared::rotation::{AssignmentStatus, DemandPattern, Feedback, Months, RuleSettings, Weekdays};

use super::generator;
use super::repo::{self, AssignmentChange, AssignmentFilter, DemandChanges, PlanChanges};
use crate::audit::{self, Entry};
use crate::db::{AnyConn, DbEnum, now, utc};
use crate::error::ApiError;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// (station code, profession, specialty, pattern, weekdays, count, note).
type DemandSeed = (
    &'static str,
    Profession,
    Option<&'static str>,
    DemandPattern,
    &'static [Weekday],
    i32,
    &'static str,
);

/// The stations' needs each quarter of 2026.
const DEMANDS: &[DemandSeed] = &[
    (
        "74-TYT-ANPHU",
        Profession::Doctor,
        Some("noi_khoa"),
        DemandPattern::Weekdays,
        &[Weekday::Tue],
        1,
        "Khám, quản lý bệnh không lây nhiễm (tăng huyết áp, đái tháo đường)",
    ),
    (
        "74-TYT-BINHHOA",
        Profession::Doctor,
        Some("noi_khoa"),
        DemandPattern::Weekdays,
        &[Weekday::Wed],
        1,
        "Khám bệnh BHYT tại trạm, hội chẩn ca khó",
    ),
    (
        "74-TYT-LAITHIEU",
        Profession::Doctor,
        None,
        DemandPattern::Weekdays,
        &[Weekday::Thu],
        1,
        "Khám bệnh và hướng dẫn chuyên môn",
    ),
    (
        "74-TYT-THUANAN",
        Profession::Doctor,
        Some("noi_khoa"),
        DemandPattern::Weekdays,
        &[Weekday::Fri],
        1,
        "Khám bệnh, chuyển giao quy trình quản lý bệnh mạn tính",
    ),
    (
        "74-TYT-THUANAN",
        Profession::Nurse,
        None,
        DemandPattern::Weekdays,
        &[Weekday::Fri],
        1,
        "Hỗ trợ điều dưỡng, chăm sóc người bệnh tại nhà",
    ),
    (
        "74-TYT-THUANGIAO",
        Profession::Nurse,
        None,
        DemandPattern::Continuous,
        &[
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
        ],
        1,
        "Luân phiên liên tục 3 tháng theo Quyết định 1816/QĐ-BYT",
    ),
    (
        "74-TYT-ANPHU",
        Profession::Doctor,
        Some("nhi_khoa"),
        DemandPattern::Weekdays,
        &[Weekday::Thu],
        1,
        "Khám nhi, tư vấn dinh dưỡng trẻ em",
    ),
];

/// Weekdays and months some doctors asked to avoid: (name, weekdays, months).
const AVOIDANCES: &[(&str, &[Weekday], &[u8])] = &[
    // The clinician of the demo (`bacsi`): his own clinic on Fridays, family in August.
    ("Lê Văn Phúc", &[Weekday::Fri], &[8]),
    ("Phạm Thị Ngọc Ánh", &[Weekday::Wed], &[]),
    ("Võ Minh Tuấn", &[], &[6, 12]),
];

/// A quarter of 2026: title, first and last month, whether it is generated and published.
struct Quarter {
    title: &'static str,
    months: (u32, u32),
    published: bool,
}

const QUARTERS: &[Quarter] = &[
    Quarter {
        title: "Lịch luân phiên hỗ trợ trạm y tế quý I/2026",
        months: (1, 3),
        published: true,
    },
    Quarter {
        title: "Lịch luân phiên hỗ trợ trạm y tế quý II/2026",
        months: (4, 6),
        published: false,
    },
];

/// Loads the demo rotation; returns the number of assignments made.
pub fn load(
    conn: &mut AnyConn,
    centre: i64,
    facilities: &BTreeMap<&str, i64>,
    staff: &BTreeMap<&str, i64>,
) -> Result<usize, ApiError> {
    let at = now();
    if let (Some(person), Some(station)) =
        (staff.get("Lê Văn Phúc"), facilities.get("74-TYT-ANPHU"))
    {
        repo::replace_preferences(conn, *person, &[*station])?;
    }
    let mut made = 0;
    let mut draft = None;
    for quarter in QUARTERS {
        let start = date(2026, quarter.months.0, 1);
        let end = date(2026, quarter.months.1 + 1, 1) - chrono::Duration::days(1);
        let plan_id = repo::insert_plan(
            conn,
            centre,
            "kehoach",
            at,
            &PlanChanges {
                title: quarter.title.into(),
                start_date: start,
                end_date: end,
                settings: serde_json::to_string(&RuleSettings::default())
                    .map_err(ApiError::internal)?,
                version: 1,
                updated_at: at,
            },
        )?;
        for (code, profession, specialty, pattern, weekdays, count, note) in DEMANDS {
            let Some(station) = facilities.get(code) else {
                continue;
            };
            repo::insert_demand(
                conn,
                plan_id,
                at,
                &DemandChanges {
                    station_id: *station,
                    profession: DbEnum(*profession),
                    specialty: specialty.map(Into::into),
                    count: *count,
                    pattern: DbEnum(*pattern),
                    start_date: start,
                    end_date: end,
                    weekdays: i32::from(Weekdays::of(weekdays).0),
                    plan_activity_id: None,
                    note: Some((*note).into()),
                    version: 1,
                    updated_at: at,
                },
            )?;
        }
        if !quarter.published {
            draft = Some(plan_id);
        }
        if quarter.published {
            let heads: BTreeMap<i64, String> = facilities
                .iter()
                .filter_map(|(code, id)| {
                    code.strip_prefix("74-TYT-")
                        .map(|ward| (*id, format!("tram.{}", ward.to_lowercase())))
                })
                .collect();
            made += publish_with_history(conn, plan_id, at, &heads)?;
        }
    }
    // An Phú's head asks for a midwife on Mondays in May, waiting for planning's answer.
    if let (Some(plan_id), Some(station)) = (draft, facilities.get("74-TYT-ANPHU")) {
        repo::insert_proposed_demand(
            conn,
            plan_id,
            at,
            "tram.anphu",
            &DemandChanges {
                station_id: *station,
                profession: DbEnum(Profession::Midwife),
                specialty: None,
                count: 1,
                pattern: DbEnum(DemandPattern::Weekdays),
                start_date: date(2026, 5, 4),
                end_date: date(2026, 5, 25),
                weekdays: i32::from(Weekdays::of(&[Weekday::Mon]).0),
                plan_activity_id: None,
                note: Some("Khám thai, tư vấn chăm sóc sau sinh tại trạm".into()),
                version: 1,
                updated_at: at,
            },
        )?;
    }
    // Stated after the first quarter was generated (it stays as published); the
    // second quarter's run honours them.
    for (name, weekdays, months) in AVOIDANCES {
        if let Some(person) = staff.get(name) {
            repo::replace_avoidance(
                conn,
                *person,
                i32::from(Weekdays::of(weekdays).0),
                i32::from(Months::of(months).0),
            )?;
        }
    }
    audit::record_as_user(
        conn,
        None,
        audit::SYSTEM,
        None,
        Entry {
            entity: "demo",
            entity_id: "rotation-2026".into(),
            action: "load",
            facility_id: Some(centre),
            changes: json!({ "assignments": made }),
        },
    )?;
    Ok(made)
}

/// Generates the quarter, publishes it, and records January as it went: visits done
/// with the stations' feedback, one absence, February confirmed.
fn publish_with_history(
    conn: &mut AnyConn,
    plan_id: i64,
    at: chrono::NaiveDateTime,
    station_heads: &BTreeMap<i64, String>,
) -> Result<usize, ApiError> {
    generator::generate_now(conn, plan_id, 2026)?;
    let rows = repo::list_assignments(
        conn,
        &AssignmentFilter {
            plan_ids: Some(vec![plan_id]),
            ..AssignmentFilter::default()
        },
        None,
    )?;
    for (i, row) in rows.iter().enumerate() {
        let (status, feedback) = if row.end_date < date(2026, 2, 1) {
            if i == 3 {
                (AssignmentStatus::Absent, None)
            } else {
                let feedback = Feedback {
                    rating: if i % 4 == 0 { 4 } else { 5 },
                    comment: Some(
                        if i % 2 == 0 {
                            "Bác sĩ hướng dẫn tận tình, trạm tiếp nhận được quy trình quản lý tăng huyết áp"
                        } else {
                            "Hỗ trợ khám đúng lịch, người dân hài lòng"
                        }
                        .into(),
                    ),
                    by: station_heads
                        .get(&row.station_id)
                        .cloned()
                        .unwrap_or_else(|| audit::SYSTEM.into()),
                    at: utc(at),
                };
                (AssignmentStatus::Done, Some(feedback))
            }
        } else if row.start_date < date(2026, 3, 1) {
            (AssignmentStatus::Confirmed, None)
        } else {
            (AssignmentStatus::Published, None)
        };
        let change = AssignmentChange {
            status: Some(DbEnum(status)),
            feedback: feedback
                .map(|f| serde_json::to_string(&f))
                .transpose()
                .map_err(ApiError::internal)?,
            version: Some(row.version + 1),
            updated_at: Some(at),
            ..AssignmentChange::default()
        };
        repo::update_assignment(conn, row.id, row.version, &change)?;
    }
    repo::mark_published(conn, plan_id, at)?;
    Ok(rows.len())
}
