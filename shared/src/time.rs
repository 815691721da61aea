//! Vietnam time and the administrative date: the one place that knows Vietnam keeps
//! UTC+7 and how official documents write a date.
//!
//! The server stores instants in UTC; people at the facilities read Vietnam's wall
//! clock, and "today", a slip's day of signing, a report's days and the filters' date
//! bounds are Vietnamese calendar days. Vietnam has kept UTC+7 all year since 1975 (no
//! daylight saving time), so a fixed offset is exact and no time-zone database is
//! needed, in the server or in the browser.
//!
//! The functions are total: an instant within seven hours of the ends of chrono's range
//! (hundreds of thousands of years away) keeps its UTC reading instead of panicking.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Utc, Weekday};

use crate::Lang;

/// Vietnam's offset from UTC, in seconds: seven hours.
const VIETNAM_OFFSET_SECONDS: i32 = 7 * 3600;

/// Vietnam's offset from UTC (UTC+7, the same all year).
pub const VIETNAM_OFFSET: FixedOffset = match FixedOffset::east_opt(VIETNAM_OFFSET_SECONDS) {
    Some(offset) => offset,
    // Seven hours is within a day; evaluated at compile time.
    None => panic!("Vietnam's offset is within a day"),
};

/// The wall-clock date and time in Vietnam at an instant.
pub fn to_vietnam(at: DateTime<Utc>) -> NaiveDateTime {
    let utc = at.naive_utc();
    utc.checked_add_offset(VIETNAM_OFFSET).unwrap_or(utc)
}

/// The calendar day in Vietnam at an instant: "today" for `now`, the day a slip is
/// signed on, the year of its number, the day a session falls on.
pub fn vietnam_date(at: DateTime<Utc>) -> NaiveDate {
    to_vietnam(at).date()
}

/// The instant at which Vietnam's wall clock reads `local` (e.g. a time typed in a
/// form).
pub fn from_vietnam(local: NaiveDateTime) -> DateTime<Utc> {
    local
        .checked_sub_offset(VIETNAM_OFFSET)
        .unwrap_or(local)
        .and_utc()
}

/// The instant a Vietnamese calendar day starts (its midnight, 17:00 UTC the day
/// before): the lower bound of "on or after `day`", and the upper bound of "before
/// `day`".
pub fn start_of_vietnam_day(day: NaiveDate) -> DateTime<Utc> {
    from_vietnam(day.and_time(NaiveTime::MIN))
}

/// A date as Vietnamese administrative documents write it: "ngày 05 tháng 3 năm 2026".
///
/// Decree 30/2020/NĐ-CP writes days below 10 and the months January and February with
/// a leading zero, so that no digit can be added by hand afterwards ("tháng 01" cannot
/// become "tháng 11"); the other months have no leading zero.
pub fn administrative_date(day: NaiveDate) -> String {
    let month = match day.month() {
        month @ 1..=2 => format!("{month:02}"),
        month => month.to_string(),
    };
    format!("ngày {:02} tháng {month} năm {}", day.day(), day.year())
}

/// The blank a clerk fills in by hand where a document is not dated yet: the words of
/// [`administrative_date`] with room for the numbers.
pub const BLANK_ADMINISTRATIVE_DATE: &str = "ngày      tháng      năm       ";

/// A date as numbers, day first: "20/03/2026".
pub fn short_date(day: NaiveDate) -> String {
    day.format("%d/%m/%Y").to_string()
}

/// A weekday's name, as calendars and the holiday list show it ("Thứ Hai", "Chủ Nhật").
pub fn weekday_name(day: Weekday, lang: Lang) -> &'static str {
    let (vi, en) = match day {
        Weekday::Mon => ("Thứ Hai", "Monday"),
        Weekday::Tue => ("Thứ Ba", "Tuesday"),
        Weekday::Wed => ("Thứ Tư", "Wednesday"),
        Weekday::Thu => ("Thứ Năm", "Thursday"),
        Weekday::Fri => ("Thứ Sáu", "Friday"),
        Weekday::Sat => ("Thứ Bảy", "Saturday"),
        Weekday::Sun => ("Chủ Nhật", "Sunday"),
    };
    if lang == Lang::Vi { vi } else { en }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    fn d(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default()
    }

    fn local(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap_or_default()
    }

    #[test]
    fn vietnam_is_utc_plus_seven_all_year() {
        assert_eq!(VIETNAM_OFFSET.local_minus_utc(), 25_200);
        // The day turns at 17:00 UTC, in winter as in summer.
        assert_eq!(vietnam_date(at("2026-03-01T16:59:59Z")), d(2026, 3, 1));
        assert_eq!(vietnam_date(at("2026-03-01T17:00:00Z")), d(2026, 3, 2));
        assert_eq!(vietnam_date(at("2026-07-01T17:00:00Z")), d(2026, 7, 2));
        // New Year's Eve in UTC is already the new year in Vietnam.
        assert_eq!(vietnam_date(at("2025-12-31T18:00:00Z")), d(2026, 1, 1));
        assert_eq!(
            to_vietnam(at("2026-04-02T02:30:00Z")),
            local("2026-04-02 09:30")
        );
    }

    #[test]
    fn wall_clock_times_go_back_to_the_same_instant() {
        let instant = at("2026-01-08T07:00:00Z");
        assert_eq!(to_vietnam(instant), local("2026-01-08 14:00"));
        assert_eq!(from_vietnam(local("2026-01-08 14:00")), instant);
        assert_eq!(from_vietnam(to_vietnam(instant)), instant);
        assert_eq!(
            start_of_vietnam_day(d(2026, 3, 2)),
            at("2026-03-01T17:00:00Z")
        );
        assert_eq!(
            vietnam_date(start_of_vietnam_day(d(2026, 3, 2))),
            d(2026, 3, 2)
        );
    }

    #[test]
    fn the_ends_of_the_calendar_do_not_panic() {
        let first = NaiveDateTime::MIN.and_utc();
        assert_eq!(
            to_vietnam(first),
            NaiveDateTime::MIN + chrono::TimeDelta::hours(7)
        );
        assert_eq!(from_vietnam(NaiveDateTime::MIN), first);
        let last = NaiveDateTime::MAX.and_utc();
        assert_eq!(to_vietnam(last), NaiveDateTime::MAX);
        assert_eq!(start_of_vietnam_day(NaiveDate::MIN), first);
    }

    #[test]
    fn administrative_dates_follow_decree_30() {
        assert_eq!(
            administrative_date(d(2026, 3, 5)),
            "ngày 05 tháng 3 năm 2026"
        );
        assert_eq!(
            administrative_date(d(2026, 3, 2)),
            "ngày 02 tháng 3 năm 2026"
        );
        assert_eq!(
            administrative_date(d(2026, 1, 21)),
            "ngày 21 tháng 01 năm 2026"
        );
        assert_eq!(
            administrative_date(d(2026, 2, 9)),
            "ngày 09 tháng 02 năm 2026"
        );
        assert_eq!(
            administrative_date(d(2010, 10, 20)),
            "ngày 20 tháng 10 năm 2010"
        );
        assert_eq!(
            administrative_date(d(2008, 5, 26)),
            "ngày 26 tháng 5 năm 2008"
        );
        assert_eq!(short_date(d(2026, 3, 20)), "20/03/2026");
    }

    #[test]
    fn weekdays_have_vietnamese_names() {
        assert_eq!(weekday_name(d(2027, 2, 6).weekday(), Lang::Vi), "Thứ Bảy");
        assert_eq!(weekday_name(Weekday::Sun, Lang::Vi), "Chủ Nhật");
        assert_eq!(weekday_name(Weekday::Mon, Lang::En), "Monday");
    }
}
