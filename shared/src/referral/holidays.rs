//! The holiday calendar of the referral rules, year by year, and the years that matter
//! but have no holiday list.
//!
//! Slip validity counts working days ([`super::slip_valid_until`]); a year without its
//! public holidays silently counts Tết and National Day as working days, so slips
//! issued before them look valid longer than Circular 01/2025/TT-BYT allows. The
//! government fixes each year's days off (Tết and the swapped days) during the year
//! before, so the list has to be completed every year by hand:
//!
//! - the **current** Vietnamese year without a list is an **error**: slips issued today
//!   are dated wrongly;
//! - the **coming** year without a list is a **warning** from
//!   [`COMING_YEAR_NOTICE_FROM`] (1 October) on: a quarter ahead, once the
//!   government's decision on next year's days off is usually out, and before the first
//!   slips signed in December run into January. Earlier it would be noise nobody can act
//!   on yet.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use validator::ValidationError;

/// First year a holiday may fall in (older dates cannot date a slip issued now).
pub const FIRST_HOLIDAY_YEAR: i32 = 2000;
/// Last year a holiday may fall in.
pub const LAST_HOLIDAY_YEAR: i32 = 2100;
/// At most this many holidays in the whole list (about forty years of days off), so a
/// stored setting stays small.
pub const MAX_HOLIDAYS: usize = 1_000;
/// The month and day from which the coming year's missing list is warned of.
pub const COMING_YEAR_NOTICE_FROM: (u32, u32) = (10, 1);

labelled_enum! {
    /// How much a year without a holiday list matters now.
    pub enum GapSeverity {
        /// The current year: slips issued today ignore its holidays.
        Error = "error", "Lỗi", "Error";
        /// The coming year: its list should be entered before it starts.
        Warning = "warning", "Cảnh báo", "Warning";
    }
}

/// A year that matters now and has no public holiday in the rules. Public (no patient
/// data): the same for every reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MissingHolidayYear {
    /// The year, e.g. 2027.
    pub year: i32,
    /// `error` for the current year, `warning` for the coming one.
    pub severity: GapSeverity,
}

/// The holidays grouped per year, each year's days sorted and without repeats.
pub fn holidays_by_year(holidays: &[NaiveDate]) -> BTreeMap<i32, Vec<NaiveDate>> {
    let mut years: BTreeMap<i32, Vec<NaiveDate>> = BTreeMap::new();
    for day in holidays {
        years.entry(day.year()).or_default().push(*day);
    }
    for days in years.values_mut() {
        days.sort_unstable();
        days.dedup();
    }
    years
}

/// The years that matter on `today` (a Vietnamese calendar day, see
/// [`crate::time::vietnam_date`]) and have no holiday: the current year (an error), and
/// from [`COMING_YEAR_NOTICE_FROM`] on the coming year (a warning). Current year first.
pub fn missing_holiday_years(holidays: &[NaiveDate], today: NaiveDate) -> Vec<MissingHolidayYear> {
    let has = |year: i32| holidays.iter().any(|day| day.year() == year);
    let (month, day) = COMING_YEAR_NOTICE_FROM;
    let coming_matters = (today.month(), today.day()) >= (month, day);
    let current = today.year();
    let mut missing = Vec::new();
    if !has(current) {
        missing.push(MissingHolidayYear {
            year: current,
            severity: GapSeverity::Error,
        });
    }
    if coming_matters && !has(current + 1) {
        missing.push(MissingHolidayYear {
            year: current + 1,
            severity: GapSeverity::Warning,
        });
    }
    missing
}

/// What is wrong with the holiday at `index` of `holidays`: a year outside
/// [`FIRST_HOLIDAY_YEAR`]..=[`LAST_HOLIDAY_YEAR`], or the same day listed earlier.
pub fn holiday_problem(holidays: &[NaiveDate], index: usize) -> Option<ValidationError> {
    let day = holidays.get(index)?;
    if !(FIRST_HOLIDAY_YEAR..=LAST_HOLIDAY_YEAR).contains(&day.year()) {
        return Some(ValidationError::new("holiday_year"));
    }
    holidays[..index]
        .contains(day)
        .then(|| ValidationError::new("duplicate"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default()
    }

    fn missing(year: i32, severity: GapSeverity) -> MissingHolidayYear {
        MissingHolidayYear { year, severity }
    }

    #[test]
    fn holidays_are_grouped_per_year_sorted_once() {
        let years = holidays_by_year(&[d(2027, 2, 6), d(2026, 9, 2), d(2027, 1, 1), d(2027, 2, 6)]);
        assert_eq!(
            years.into_iter().collect::<Vec<_>>(),
            vec![
                (2026, vec![d(2026, 9, 2)]),
                (2027, vec![d(2027, 1, 1), d(2027, 2, 6)]),
            ]
        );
        assert!(holidays_by_year(&[]).is_empty());
    }

    #[test]
    fn an_empty_current_year_is_an_error() {
        let only_2025 = [d(2025, 1, 1)];
        assert_eq!(
            missing_holiday_years(&only_2025, d(2026, 3, 15)),
            vec![missing(2026, GapSeverity::Error)]
        );
        assert_eq!(
            missing_holiday_years(&[], d(2026, 12, 7)),
            vec![
                missing(2026, GapSeverity::Error),
                missing(2027, GapSeverity::Warning)
            ]
        );
    }

    #[test]
    fn an_empty_coming_year_is_a_warning_from_october() {
        let only_2026 = [d(2026, 1, 1), d(2026, 9, 2)];
        // Today, 7 December 2026, with the 2026 sample only: 2027 is missing.
        assert_eq!(
            missing_holiday_years(&only_2026, d(2026, 12, 7)),
            vec![missing(2027, GapSeverity::Warning)]
        );
        assert_eq!(
            missing_holiday_years(&only_2026, d(2026, 10, 1)),
            vec![missing(2027, GapSeverity::Warning)]
        );
        // Before October the coming year is not asked for yet.
        assert!(missing_holiday_years(&only_2026, d(2026, 9, 30)).is_empty());
        // One day of the coming year is a list: nothing missing.
        let both = [d(2026, 1, 1), d(2027, 1, 1)];
        assert!(missing_holiday_years(&both, d(2026, 12, 31)).is_empty());
        // On New Year's Day the coming year has become the current one.
        assert_eq!(
            missing_holiday_years(&only_2026, d(2027, 1, 1)),
            vec![missing(2027, GapSeverity::Error)]
        );
    }

    #[test]
    fn the_sample_holidays_warn_of_2027_today() {
        assert_eq!(
            missing_holiday_years(super::super::SAMPLE_HOLIDAYS_2026, d(2026, 12, 7)),
            vec![missing(2027, GapSeverity::Warning)]
        );
    }

    #[test]
    fn holidays_out_of_range_or_repeated_are_refused() {
        let list = [d(2027, 1, 1), d(1999, 12, 31), d(2027, 1, 1), d(2101, 1, 1)];
        let code = |index| holiday_problem(&list, index).map(|error| error.code.to_string());
        assert_eq!(code(0), None);
        assert_eq!(code(1).as_deref(), Some("holiday_year"));
        assert_eq!(code(2).as_deref(), Some("duplicate"));
        assert_eq!(code(3).as_deref(), Some("holiday_year"));
        assert_eq!(code(4), None);
        assert!(holiday_problem(&[d(2000, 1, 1), d(2100, 12, 31)], 1).is_none());
    }
}
