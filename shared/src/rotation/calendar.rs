//! Days of a rotation: a date range and the weekdays worked in it.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// A set of weekdays as a bit mask: bit 0 is Monday … bit 6 is Sunday.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct Weekdays(pub u8);

impl Weekdays {
    /// Monday to Friday: the working days of a continuous posting.
    pub const WORKING: Weekdays = Weekdays(0b001_1111);
    /// Every day of the week.
    pub const ALL: Weekdays = Weekdays(0b111_1111);

    /// The set of the given days.
    pub fn of(days: &[Weekday]) -> Weekdays {
        Weekdays(days.iter().fold(0, |mask, day| mask | Self::bit(*day)))
    }

    fn bit(day: Weekday) -> u8 {
        1 << day.num_days_from_monday()
    }

    /// Whether the day of the week is in the set.
    pub fn contains(self, day: Weekday) -> bool {
        self.0 & Self::bit(day) != 0
    }

    /// Whether no day is set (or bits beyond Sunday are).
    pub fn is_valid(self) -> bool {
        self.0 != 0 && self.0 & 0b1000_0000 == 0
    }

    /// The days in the set, Monday first.
    pub fn days(self) -> Vec<Weekday> {
        (0..7u8)
            .filter(|bit| self.0 & (1 << bit) != 0)
            .filter_map(|bit| Weekday::try_from(bit).ok())
            .collect()
    }

    /// The full name of one day of the week ("Thứ Hai", "Chủ nhật" / "Monday").
    pub fn day_name(day: Weekday, lang: crate::Lang) -> &'static str {
        const VI: [&str; 7] = [
            "Thứ Hai",
            "Thứ Ba",
            "Thứ Tư",
            "Thứ Năm",
            "Thứ Sáu",
            "Thứ Bảy",
            "Chủ nhật",
        ];
        const EN: [&str; 7] = [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ];
        let names = if lang == crate::Lang::Vi { VI } else { EN };
        names[day.num_days_from_monday() as usize]
    }

    /// Short Vietnamese names ("T2, T5, CN") or English ("Mon, Thu, Sun").
    pub fn label(self, lang: crate::Lang) -> String {
        const VI: [&str; 7] = ["T2", "T3", "T4", "T5", "T6", "T7", "CN"];
        const EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
        let names = if lang == crate::Lang::Vi { VI } else { EN };
        self.days()
            .iter()
            .map(|day| names[day.num_days_from_monday() as usize])
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The days someone is away on rotation: every date from `start` to `end` (inclusive)
/// whose weekday is in `weekdays`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Span {
    /// First day of the range.
    pub start: NaiveDate,
    /// Last day of the range (inclusive).
    pub end: NaiveDate,
    /// Days of the week worked in the range.
    pub weekdays: Weekdays,
}

impl Span {
    /// The span of the given range and weekdays.
    pub fn new(start: NaiveDate, end: NaiveDate, weekdays: Weekdays) -> Span {
        Span {
            start,
            end,
            weekdays,
        }
    }

    /// Every day of the span, in order.
    pub fn days(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.start
            .iter_days()
            .take_while(move |day| *day <= self.end)
            .filter(move |day| self.weekdays.contains(day.weekday()))
    }

    /// Whether the day is one of the span's days.
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.start <= day && day <= self.end && self.weekdays.contains(day.weekday())
    }

    /// The first day both spans share, if any.
    pub fn first_common_day(&self, other: &Span) -> Option<NaiveDate> {
        if self.weekdays.0 & other.weekdays.0 == 0 {
            return None;
        }
        let start = self.start.max(other.start);
        let end = self.end.min(other.end);
        let common = Span::new(start, end, Weekdays(self.weekdays.0 & other.weekdays.0));
        common.days().next()
    }

    /// The first day of the span inside the inclusive range `from..=to`, if any.
    pub fn first_day_within(&self, from: NaiveDate, to: NaiveDate) -> Option<NaiveDate> {
        self.first_common_day(&Span::new(from, to, Weekdays::ALL))
    }

    /// Number of the span's days.
    pub fn day_count(&self) -> u32 {
        self.days().count() as u32
    }

    /// Whole calendar months from `start` to the day after `end`, e.g. 1 January to
    /// 31 March is 3 months, 15 January to 14 April is 3 months, to 13 April is 2.
    pub fn whole_months(&self) -> u32 {
        let Some(after) = self.end.succ_opt() else {
            return 0;
        };
        let mut months = (after.year() - self.start.year()) * 12 + after.month() as i32
            - self.start.month() as i32;
        if after.day() < self.start.day() {
            months -= 1;
        }
        months.max(0) as u32
    }
}

/// The Monday of the week holding `day`.
pub fn monday_of(day: NaiveDate) -> NaiveDate {
    day - chrono::Duration::days(day.weekday().num_days_from_monday() as i64)
}

/// (year, month) of every calendar month the span touches, in order.
pub fn months_of(start: NaiveDate, end: NaiveDate) -> Vec<(i32, u32)> {
    let mut months = Vec::new();
    let (mut year, mut month) = (start.year(), start.month());
    while (year, month) <= (end.year(), end.month()) {
        months.push((year, month));
        (year, month) = if month == 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
    }
    months
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn span_days_follow_the_weekdays() {
        // Tuesdays and Thursdays of the first two weeks of March 2026 (2 March is a Monday).
        let span = Span::new(
            d(2026, 3, 2),
            d(2026, 3, 15),
            Weekdays::of(&[Weekday::Tue, Weekday::Thu]),
        );
        let days: Vec<_> = span.days().collect();
        assert_eq!(
            days,
            vec![d(2026, 3, 3), d(2026, 3, 5), d(2026, 3, 10), d(2026, 3, 12)]
        );
        assert!(span.contains(d(2026, 3, 10)));
        assert!(!span.contains(d(2026, 3, 11)));
        assert_eq!(span.weekdays.label(crate::Lang::Vi), "T3, T5");
    }

    #[test]
    fn spans_overlap_only_on_a_common_day() {
        let tuesdays = Span::new(d(2026, 3, 2), d(2026, 3, 31), Weekdays::of(&[Weekday::Tue]));
        let thursdays = Span::new(d(2026, 3, 2), d(2026, 3, 31), Weekdays::of(&[Weekday::Thu]));
        let posting = Span::new(d(2026, 3, 20), d(2026, 6, 19), Weekdays::WORKING);
        assert_eq!(tuesdays.first_common_day(&thursdays), None);
        assert_eq!(tuesdays.first_common_day(&posting), Some(d(2026, 3, 24)));
        assert_eq!(posting.first_common_day(&thursdays), Some(d(2026, 3, 26)));
    }

    #[test]
    fn whole_months_count_calendar_months() {
        let months = |a, b| Span::new(a, b, Weekdays::WORKING).whole_months();
        assert_eq!(months(d(2026, 1, 1), d(2026, 3, 31)), 3);
        assert_eq!(months(d(2026, 1, 15), d(2026, 4, 14)), 3);
        assert_eq!(months(d(2026, 1, 15), d(2026, 4, 13)), 2);
        assert_eq!(months(d(2025, 11, 1), d(2026, 1, 31)), 3);
        assert_eq!(months_of(d(2025, 11, 20), d(2026, 2, 1)).len(), 4);
        assert_eq!(monday_of(d(2026, 3, 5)), d(2026, 3, 2));
    }
}
