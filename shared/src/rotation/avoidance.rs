//! Days a member of staff would rather not be away on rotation: weekdays and months they
//! asked to avoid (e.g. a clinic they run on Mondays, a family month). These are *soft*:
//! the hard rules stay as they are; the generator pays [`AVOIDED_DAY_COST`] for each
//! avoided day it gives someone, so it avoids them whenever someone else can go, and when
//! it must place the person anyway it says so ([`AvoidanceBroken`]).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use validator::ValidationError;

use super::calendar::Weekdays;
use super::types::RotationPreferences;
use crate::Lang;
use crate::message::Message;
use crate::registry::FacilityRef;
use crate::validation;

/// The generator's cost of one avoided day given to someone: far above what a day weighs
/// in travel (2 per km), stated station preferences (20) or fairness (a few hundred at
/// the loads of a year's plan), far below a day left unfilled (100,000). So an avoided
/// day is given only when nobody else can take it.
pub const AVOIDED_DAY_COST: i64 = 5_000;

/// Most months a person may ask to avoid: half a year, so that the plan can still count
/// on them.
pub const MAX_AVOIDED_MONTHS: usize = 6;

/// A set of calendar months as a bit mask: bit 0 is January … bit 11 is December.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Months(pub u16);

impl Months {
    /// The set of the given months (1 = January … 12); others are ignored.
    pub fn of(months: &[u8]) -> Months {
        Months(
            months
                .iter()
                .filter(|m| (1..=12).contains(*m))
                .fold(0, |mask, m| mask | 1 << (m - 1)),
        )
    }

    /// Whether the month (1 = January … 12) is in the set.
    pub fn contains(self, month: u32) -> bool {
        (1..=12).contains(&month) && self.0 & (1 << (month - 1)) != 0
    }

    /// The months in the set, January first (1 = January … 12).
    pub fn list(self) -> Vec<u8> {
        (1..=12u8)
            .filter(|m| self.contains(u32::from(*m)))
            .collect()
    }

    /// "tháng 7, tháng 8" / "July, August".
    pub fn label(self, lang: Lang) -> String {
        self.list()
            .iter()
            .map(|m| match lang {
                Lang::Vi => format!("tháng {m}"),
                Lang::En => Months::name(*m, lang),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The name of one month (1 = January … 12) on its own: "Tháng 7" / "July".
    pub fn name(month: u8, lang: Lang) -> String {
        const EN: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        match lang {
            Lang::Vi => format!("Tháng {month}"),
            Lang::En => EN
                .get(usize::from(month).wrapping_sub(1))
                .copied()
                .unwrap_or_default()
                .to_string(),
        }
    }
}

/// The weekdays and months one person asked to avoid.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Avoidance {
    /// Days of the week to avoid.
    pub weekdays: Weekdays,
    /// Months to avoid.
    pub months: Months,
}

impl Avoidance {
    /// The avoidance stated in a person's preferences.
    pub fn of(preferences: &RotationPreferences) -> Avoidance {
        Avoidance {
            weekdays: Weekdays(preferences.avoided_weekdays.0 & Weekdays::ALL.0),
            months: Months::of(&preferences.avoided_months),
        }
    }

    /// Whether nothing is avoided.
    pub fn is_empty(self) -> bool {
        self.weekdays.0 == 0 && self.months.0 == 0
    }

    /// Whether the person asked not to be away on this day.
    pub fn avoids(self, day: NaiveDate) -> bool {
        self.weekdays.contains(day.weekday()) || self.months.contains(day.month())
    }

    /// The generator's cost of giving the person these days (see [`AVOIDED_DAY_COST`]).
    pub fn cost(self, days: &[NaiveDate]) -> i64 {
        AVOIDED_DAY_COST * days.iter().filter(|d| self.avoids(**d)).count() as i64
    }

    /// Which avoided days among `days`: how many, the first, and the avoided weekdays and
    /// months they fall on; `None` when none is avoided.
    pub fn hit(self, days: &[NaiveDate]) -> Option<AvoidedHit> {
        let avoided: Vec<NaiveDate> = days.iter().copied().filter(|d| self.avoids(*d)).collect();
        let first = *avoided.first()?;
        let mut weekdays = 0u8;
        let mut months = 0u16;
        for day in &avoided {
            if self.weekdays.contains(day.weekday()) {
                weekdays |= 1 << day.weekday().num_days_from_monday();
            }
            if self.months.contains(day.month()) {
                months |= 1 << (day.month() - 1);
            }
        }
        Some(AvoidedHit {
            days: avoided.len() as i64,
            first_day: first,
            weekdays: Weekdays(weekdays),
            months: Months(months),
        })
    }
}

/// Avoided days found among some days (see [`Avoidance::hit`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AvoidedHit {
    /// How many.
    pub days: i64,
    /// The first.
    pub first_day: NaiveDate,
    /// The avoided weekdays they fall on.
    pub weekdays: Weekdays,
    /// The avoided months they fall in.
    pub months: Months,
}

impl AvoidedHit {
    /// Adds the avoided days of another assignment of the same person and station.
    pub fn merge(&mut self, other: AvoidedHit) {
        self.days += other.days;
        self.first_day = self.first_day.min(other.first_day);
        self.weekdays = Weekdays(self.weekdays.0 | other.weekdays.0);
        self.months = Months(self.months.0 | other.months.0);
    }
}

/// Validates the avoided weekdays and months of [`RotationPreferences`]: days of the week
/// only, never all five working days (the person could not rotate at all); months 1–12,
/// each once, at most [`MAX_AVOIDED_MONTHS`].
pub(super) fn avoidance_rules(input: &RotationPreferences) -> Result<(), ValidationError> {
    let weekdays = input.avoided_weekdays;
    if weekdays.0 & !Weekdays::ALL.0 != 0 || weekdays.0 & Weekdays::WORKING.0 == Weekdays::WORKING.0
    {
        return Err(validation::on_field(
            ValidationError::new("avoided_weekdays"),
            "avoided_weekdays",
        ));
    }
    let months = &input.avoided_months;
    let distinct = Months::of(months).list();
    if distinct.len() != months.len() || months.len() > MAX_AVOIDED_MONTHS {
        return Err(validation::on_field(
            ValidationError::new("avoided_months"),
            "avoided_months",
        ));
    }
    Ok(())
}

/// Someone the generator placed on days they asked to avoid, because the demand could not
/// otherwise be filled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AvoidanceBroken {
    /// Staff member.
    pub staff_id: i64,
    /// Their name.
    pub staff_name: String,
    /// Station.
    pub station: FacilityRef,
    /// Avoided days they were given there.
    pub days: i64,
    /// The first of those days.
    pub first_day: NaiveDate,
    /// Avoided weekdays among those days (same mask as a demand's weekdays).
    pub weekdays: Weekdays,
    /// Avoided months among those days (1 = January … 12).
    pub months: Vec<u8>,
    /// One sentence for the planner, in the reader's language.
    pub explanation: String,
}

impl AvoidanceBroken {
    /// The record of avoided days `hit` given to a person at a station, with its sentence
    /// in `lang`.
    pub fn new(
        staff_id: i64,
        staff_name: String,
        station: FacilityRef,
        hit: AvoidedHit,
        lang: Lang,
    ) -> AvoidanceBroken {
        let mut broken = AvoidanceBroken {
            staff_id,
            staff_name,
            station,
            days: hit.days,
            first_day: hit.first_day,
            weekdays: hit.weekdays,
            months: hit.months.list(),
            explanation: String::new(),
        };
        broken.explanation = broken.explain().text(lang);
        broken
    }

    /// The planner's sentence ("Nguyễn Văn A được xếp 4 ngày đã xin tránh (T2; tháng 7)
    /// tại …: không bỏ trống nhu cầu được nếu thiếu người này.").
    pub fn explain(&self) -> Message {
        Message::localised(|lang| self.sentence(lang))
    }

    fn sentence(&self, lang: Lang) -> String {
        let which = [
            self.weekdays.label(lang),
            Months::of(&self.months).label(lang),
        ]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
        let (name, days, station) = (&self.staff_name, self.days, &self.station.name);
        match lang {
            Lang::Vi => format!(
                "{name} được xếp {days} ngày đã xin tránh ({which}) tại {station}: không còn ai khác nhận được những ngày này."
            ),
            Lang::En => format!(
                "{name} is placed at {station} on {days} days they asked to avoid ({which}): no one else could take those days."
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::Weekday;
    use validator::Validate;

    use super::*;
    use crate::registry::FacilityKind;
    use crate::validation::field_messages;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    fn prefs(weekdays: &[Weekday], months: &[u8]) -> RotationPreferences {
        RotationPreferences {
            preferred_station_ids: Vec::new(),
            avoided_weekdays: Weekdays::of(weekdays),
            avoided_months: months.to_vec(),
        }
    }

    fn errors(input: &RotationPreferences) -> Vec<String> {
        input
            .validate()
            .map(|_| Vec::new())
            .unwrap_or_else(|e| field_messages(&e, Lang::Vi).into_keys().collect())
    }

    #[test]
    fn sensible_avoidances_pass_and_the_rest_is_refused_on_its_field() {
        assert!(errors(&prefs(&[Weekday::Mon, Weekday::Sat], &[7, 8])).is_empty());
        assert!(errors(&RotationPreferences::default()).is_empty());
        let working = [
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
        ];
        assert_eq!(errors(&prefs(&working, &[])), ["avoided_weekdays"]);
        let mut stray = prefs(&[], &[]);
        stray.avoided_weekdays = Weekdays(0b1000_0001);
        assert_eq!(errors(&stray), ["avoided_weekdays"]);
        for months in [&[13][..], &[0], &[7, 7], &[1, 2, 3, 4, 5, 6, 7]] {
            assert_eq!(
                errors(&prefs(&[], months)),
                ["avoided_months"],
                "{months:?}"
            );
        }
        assert!(errors(&prefs(&[], &[1, 2, 3, 4, 5, 6])).is_empty());
    }

    #[test]
    fn a_day_is_avoided_by_its_weekday_or_its_month_and_costs_accordingly() {
        let avoid = Avoidance::of(&prefs(&[Weekday::Mon], &[7]));
        // 2026-06-29 is a Monday, 2026-06-30 a Tuesday, 2026-07-01 a Wednesday.
        let days = [d(2026, 6, 29), d(2026, 6, 30), d(2026, 7, 1)];
        assert!(avoid.avoids(days[0]) && !avoid.avoids(days[1]) && avoid.avoids(days[2]));
        assert_eq!(avoid.cost(&days), 2 * AVOIDED_DAY_COST);
        let hit = avoid.hit(&days);
        assert_eq!(
            hit,
            Some(AvoidedHit {
                days: 2,
                first_day: days[0],
                weekdays: Weekdays::of(&[Weekday::Mon]),
                months: Months::of(&[7]),
            })
        );
        assert_eq!(avoid.hit(&days[1..2]), None);
        assert!(Avoidance::default().is_empty());
        assert_eq!(Avoidance::default().cost(&days), 0);
    }

    #[test]
    fn a_broken_avoidance_reads_in_both_languages() {
        let station = FacilityRef {
            id: 2,
            code: "74-TYT-ANPHU".into(),
            name: "Trạm Y tế An Phú".into(),
            kind: FacilityKind::HealthStation,
        };
        let hit = AvoidedHit {
            days: 4,
            first_day: d(2026, 7, 6),
            weekdays: Weekdays::of(&[Weekday::Mon]),
            months: Months::of(&[7]),
        };
        let broken = AvoidanceBroken::new(5, "Nguyễn Văn An".into(), station, hit, Lang::Vi);
        assert_eq!(
            broken.explanation,
            "Nguyễn Văn An được xếp 4 ngày đã xin tránh (T2; tháng 7) tại Trạm Y tế An Phú: không còn ai khác nhận được những ngày này."
        );
        assert_eq!(
            broken.explain().text(Lang::En),
            "Nguyễn Văn An is placed at Trạm Y tế An Phú on 4 days they asked to avoid (Mon; July): no one else could take those days."
        );
    }

    /// The solver, fed the avoidance costs, gives an avoided day to someone else when it
    /// can, and to the person who avoids it only when the day would otherwise stay open.
    #[cfg(feature = "solver")]
    #[test]
    fn the_generator_avoids_avoided_days_when_it_can_and_breaks_them_only_when_it_must() {
        use crate::rotation::solver::{self, Candidate, Options, Person, Problem, Task, Weights};

        // One Monday at a station (2026-07-06, a Monday in July); An avoids Mondays,
        // Bình avoids nothing.
        let monday = [d(2026, 7, 6)];
        let avoid_monday = Avoidance::of(&prefs(&[Weekday::Mon], &[]));
        let people = [avoid_monday, Avoidance::default()];
        let problem = |eligible: &[usize]| Problem {
            weeks: 1,
            people: vec![
                Person {
                    window_caps: vec![10],
                    ..Person::default()
                };
                2
            ],
            tasks: vec![Task {
                station: 1,
                occupancy: vec![(0, 1)],
                load: 1,
                usage: vec![(0, 1)],
                candidates: eligible
                    .iter()
                    .map(|&person| Candidate {
                        person,
                        cost: people[person].cost(&monday),
                    })
                    .collect(),
                fixed: None,
                current: None,
            }],
            groups: Vec::new(),
            windows: 1,
            max_consecutive_weeks: None,
            weights: Weights {
                unfilled: 100_000,
                ..Weights::default()
            },
        };
        // Both could go: Bình goes, nothing is broken.
        let both = solver::solve(&problem(&[0, 1]), &Options::default());
        assert_eq!(both.assigned, vec![Some(1)]);
        // Only An can go: An goes rather than leave the station without anyone, and the
        // run can say so.
        let only_an = solver::solve(&problem(&[0]), &Options::default());
        assert_eq!(only_an.assigned, vec![Some(0)]);
        let hit = people[0].hit(&monday);
        assert_eq!(hit.map(|h| h.days), Some(1));
    }
}
