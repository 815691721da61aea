//! The figures computed indicators and reports are made of, counted from the system's own
//! records for a set of facilities and a range of Vietnamese calendar days: rotation days
//! delivered, consultation cases concluded, referrals up and back, referrals avoided and
//! follow-ups completed on time, supervision scores, passes and late corrective actions.
//! Never typed in; recomputed on every read.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::count_star;
use diesel::prelude::*;
use shared::consultation::Conclusion;
use shared::referral::{Direction, FollowUpStatus};
use shared::rotation::{AssignmentStatus, Span, Weekdays};

use crate::db::{AnyConn, DbEnum};
use crate::schema::{consultation_cases, follow_ups, referrals, rotation_assignments};

/// What happened at one facility in the range.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Figures {
    /// Days of done rotation assignments at the station within the range.
    pub rotation_days: f64,
    /// Assignments in the range marked absent.
    pub rotation_absences: i64,
    /// Consultation cases it asked for that were concluded in the range.
    pub consultations_held: i64,
    /// Of which concluded `manage_locally`: referrals avoided.
    pub referrals_avoided: i64,
    /// Referrals it sent up in the range.
    pub referrals_up: i64,
    /// Back-referrals sent to it in the range.
    pub back_referrals: i64,
    /// Follow-ups due at it in the range.
    pub follow_ups_due: i64,
    /// Of which done by the due day.
    pub follow_ups_on_time: i64,
    /// Share of its level's technique catalogue it performs now, in percent (the
    /// catalogue and the capabilities keep no history: today's figure for any period).
    pub catalogue_coverage: Option<f64>,
    /// Mean score (percent) of its supervision visits scored in the range.
    pub supervision_score: Option<f64>,
    /// Whether its latest visit scored in the range passed.
    pub supervision_passed: Option<bool>,
    /// Corrective actions of it due in the range, before today, and not closed.
    pub overdue_actions: i64,
    /// Techniques of transfer agreements it received that were signed off in the range.
    pub techniques_transferred: i64,
    /// Of the trainees it had certified whose sign-off was 12 months before the range's
    /// end (or today) at the latest, the share still there 12 months after, in percent.
    pub trainees_retained_12_months: Option<f64>,
    /// The same at 24 months.
    pub trainees_retained_24_months: Option<f64>,
}

impl Figures {
    /// Follow-ups done on time, in percent of those due; `None` when none was due.
    pub fn follow_ups_on_time_percent(&self) -> Option<f64> {
        shared::plan::share_percent(
            usize::try_from(self.follow_ups_on_time).unwrap_or(0),
            usize::try_from(self.follow_ups_due).unwrap_or(0),
        )
    }
}

/// Midnight starting a Vietnamese calendar day, as a stored UTC timestamp.
fn vn_start(day: NaiveDate) -> NaiveDateTime {
    shared::time::start_of_vietnam_day(day).naive_utc()
}

/// The Vietnamese calendar day of a stored UTC timestamp.
fn vn_day(at: NaiveDateTime) -> NaiveDate {
    shared::time::vietnam_date(at.and_utc())
}

/// Counts per facility of a grouped query.
fn counts(rows: Vec<(i64, i64)>) -> HashMap<i64, i64> {
    rows.into_iter().collect()
}

/// The figures of each facility in `facility_ids` over `from..=to`.
pub fn figures(
    conn: &mut AnyConn,
    facility_ids: &[i64],
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<HashMap<i64, Figures>> {
    let start = vn_start(from);
    let end = vn_start(to.succ_opt().unwrap_or(to));
    let mut out: HashMap<i64, Figures> = facility_ids
        .iter()
        .map(|id| (*id, Figures::default()))
        .collect();

    let assignments: Vec<(i64, NaiveDate, NaiveDate, i32, DbEnum<AssignmentStatus>)> =
        rotation_assignments::table
            .filter(
                rotation_assignments::station_id
                    .eq_any(facility_ids)
                    .and(rotation_assignments::start_date.le(to))
                    .and(rotation_assignments::end_date.ge(from))
                    .and(rotation_assignments::status.eq_any([
                        DbEnum(AssignmentStatus::Done),
                        DbEnum(AssignmentStatus::Absent),
                    ])),
            )
            .select((
                rotation_assignments::station_id,
                rotation_assignments::start_date,
                rotation_assignments::end_date,
                rotation_assignments::weekdays,
                rotation_assignments::status,
            ))
            .load(conn)?;
    for (station, first, last, weekdays, status) in assignments {
        let figures = out.entry(station).or_default();
        if status.0 == AssignmentStatus::Done {
            let span = Span::new(
                first.max(from),
                last.min(to),
                Weekdays(u8::try_from(weekdays).unwrap_or(0)),
            );
            figures.rotation_days += f64::from(span.day_count());
        } else {
            figures.rotation_absences += 1;
        }
    }

    let concluded = |conn: &mut AnyConn, avoided_only: bool| -> QueryResult<HashMap<i64, i64>> {
        let mut query = consultation_cases::table
            .filter(
                consultation_cases::requesting_facility_id
                    .eq_any(facility_ids)
                    .and(consultation_cases::concluded_at.ge(start))
                    .and(consultation_cases::concluded_at.lt(end)),
            )
            .group_by(consultation_cases::requesting_facility_id)
            .select((consultation_cases::requesting_facility_id, count_star()))
            .into_boxed();
        if avoided_only {
            query =
                query.filter(consultation_cases::conclusion.eq(DbEnum(Conclusion::ManageLocally)));
        }
        query.load(conn).map(counts)
    };
    let held = concluded(conn, false)?;
    let avoided = concluded(conn, true)?;

    let up: HashMap<i64, i64> = referrals::table
        .filter(
            referrals::from_facility_id
                .eq_any(facility_ids)
                .and(referrals::direction.eq(DbEnum(Direction::Up)))
                .and(referrals::sent_at.ge(start))
                .and(referrals::sent_at.lt(end)),
        )
        .group_by(referrals::from_facility_id)
        .select((referrals::from_facility_id, count_star()))
        .load(conn)
        .map(counts)?;
    let back: HashMap<i64, i64> = referrals::table
        .filter(
            referrals::to_facility_id
                .eq_any(facility_ids)
                .and(referrals::direction.eq(DbEnum(Direction::Down)))
                .and(referrals::sent_at.ge(start))
                .and(referrals::sent_at.lt(end)),
        )
        .group_by(referrals::to_facility_id)
        .select((referrals::to_facility_id, count_star()))
        .load(conn)
        .map(counts)?;

    let due: Vec<(
        i64,
        NaiveDate,
        DbEnum<FollowUpStatus>,
        Option<NaiveDateTime>,
    )> = follow_ups::table
        .filter(
            follow_ups::facility_id
                .eq_any(facility_ids)
                .and(follow_ups::due_on.ge(from))
                .and(follow_ups::due_on.le(to)),
        )
        .select((
            follow_ups::facility_id,
            follow_ups::due_on,
            follow_ups::status,
            follow_ups::closed_at,
        ))
        .load(conn)?;
    for (facility, due_on, status, closed_at) in due {
        let figures = out.entry(facility).or_default();
        figures.follow_ups_due += 1;
        let on_time =
            status.0 == FollowUpStatus::Done && closed_at.is_some_and(|at| vn_day(at) <= due_on);
        if on_time {
            figures.follow_ups_on_time += 1;
        }
    }

    supervision(conn, facility_ids, from, to, &mut out)?;

    for (id, figures) in &mut out {
        figures.consultations_held = held.get(id).copied().unwrap_or(0);
        figures.referrals_avoided = avoided.get(id).copied().unwrap_or(0);
        figures.referrals_up = up.get(id).copied().unwrap_or(0);
        figures.back_referrals = back.get(id).copied().unwrap_or(0);
    }
    Ok(out)
}

/// Adds to each facility's figures the share of its level's catalogue it performs.
pub fn add_catalogue_coverage(
    conn: &mut AnyConn,
    figures: &mut HashMap<i64, Figures>,
) -> Result<(), crate::error::ApiError> {
    let catalogue = crate::techniques::repo::catalogue(conn)?;
    let ids: Vec<i64> = figures.keys().copied().collect();
    let rows = crate::schema::facilities::table
        .filter(crate::schema::facilities::id.eq_any(&ids))
        .select(crate::registry::repo::FacilityRow::as_select())
        .load(conn)?;
    for facility in crate::registry::repo::hydrate_facilities(conn, rows)? {
        if let (Some(level), Some(entry)) = (facility.level, figures.get_mut(&facility.id)) {
            let coverage =
                shared::technique::Coverage::of(&catalogue, level, &facility.capabilities);
            entry.catalogue_coverage =
                (coverage.catalogue > 0).then(|| f64::from(coverage.percent()));
        }
    }
    Ok(())
}

/// The supervision figures of each facility: the mean score of its visits scored in the
/// range, whether the latest of them passed, and its corrective actions due in the range
/// that are late today and not closed.
fn supervision(
    conn: &mut AnyConn,
    facility_ids: &[i64],
    from: NaiveDate,
    to: NaiveDate,
    out: &mut HashMap<i64, Figures>,
) -> QueryResult<()> {
    use crate::schema::{corrective_actions, supervision_visits};
    use shared::supervision::{CorrectiveStatus, VisitStatus};
    /// A scored visit: facility, day, id, score, passed.
    type Scored = (i64, NaiveDate, i64, Option<f64>, Option<bool>);
    let scored: Vec<Scored> = supervision_visits::table
        .filter(
            supervision_visits::facility_id
                .eq_any(facility_ids)
                .and(supervision_visits::planned_on.ge(from))
                .and(supervision_visits::planned_on.le(to))
                .and(
                    supervision_visits::status
                        .eq_any([DbEnum(VisitStatus::Submitted), DbEnum(VisitStatus::Closed)]),
                ),
        )
        .order((
            supervision_visits::planned_on.asc(),
            supervision_visits::id.asc(),
        ))
        .select((
            supervision_visits::facility_id,
            supervision_visits::planned_on,
            supervision_visits::id,
            supervision_visits::score_percent,
            supervision_visits::passed,
        ))
        .load(conn)?;
    let mut sums: HashMap<i64, (f64, u32)> = HashMap::new();
    for (facility, _, _, score, passed) in scored {
        let figures = out.entry(facility).or_default();
        // In day order: the last one seen is the latest.
        figures.supervision_passed = passed.or(figures.supervision_passed);
        if let Some(score) = score {
            let sum = sums.entry(facility).or_default();
            sum.0 += score;
            sum.1 += 1;
        }
    }
    for (facility, (sum, n)) in sums {
        if n > 0 {
            out.entry(facility).or_default().supervision_score =
                Some((sum / f64::from(n) * 10.0).round() / 10.0);
        }
    }
    let today = shared::time::vietnam_date(chrono::Utc::now());
    let late: HashMap<i64, i64> = corrective_actions::table
        .filter(
            corrective_actions::facility_id
                .eq_any(facility_ids)
                .and(corrective_actions::due_on.ge(from))
                .and(corrective_actions::due_on.le(to))
                .and(corrective_actions::due_on.lt(today))
                .and(corrective_actions::status.ne(DbEnum(CorrectiveStatus::Closed))),
        )
        .group_by(corrective_actions::facility_id)
        .select((corrective_actions::facility_id, count_star()))
        .load(conn)
        .map(counts)?;
    for (facility, count) in late {
        out.entry(facility).or_default().overdue_actions = count;
    }
    Ok(())
}

/// Adds to each facility's figures what the transfer agreements it received give: the
/// techniques signed off in `from..=to`, and the retention of the certified trainees
/// 12 and 24 months after the sign-off, as known at the range's end (or today).
pub fn add_transfers(
    conn: &mut AnyConn,
    figures: &mut HashMap<i64, Figures>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<(), crate::error::ApiError> {
    let ids: Vec<i64> = figures.keys().copied().collect();
    let known_on = to.min(shared::time::vietnam_date(chrono::Utc::now()));
    for (facility_id, retained) in crate::transfers::service::received_figures(conn, &ids)? {
        let Some(entry) = figures.get_mut(&facility_id) else {
            continue;
        };
        entry.techniques_transferred = retained
            .signed_off
            .iter()
            .filter(|(day, _)| (from..=to).contains(day))
            .map(|(_, techniques)| *techniques)
            .sum();
        let share = |months: u32| {
            let known: Vec<bool> = retained
                .trainees
                .iter()
                .filter_map(|(signed_off_on, left_on)| {
                    shared::transfer::retained_after(months, *signed_off_on, *left_on, known_on)
                })
                .collect();
            let kept = known.iter().filter(|kept| **kept).count();
            shared::plan::share_percent(kept, known.len())
        };
        entry.trainees_retained_12_months = share(12);
        entry.trainees_retained_24_months = share(24);
    }
    Ok(())
}
