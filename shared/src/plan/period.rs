//! Reporting periods of a plan: a year (`2026`), a half (`2026-H1`), a quarter
//! (`2026-Q3`) or a phase of a multi-year plan (`P1`, dated by the plan's phases).
//! Targets, values, approvals, evaluations and reports all name their period this way.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::Lang;

/// A phase of a multi-year plan (giai đoạn), e.g. `P1` 2021–2025.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, validator::Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanPhase {
    /// `P1`, `P2`, …
    #[validate(custom(function = "phase_code"))]
    #[cfg_attr(feature = "openapi", schema(pattern = r"^P[1-9]$"))]
    pub code: String,
    /// Name, e.g. "Giai đoạn 2021–2025".
    #[validate(
        length(min = 1, max = 200),
        custom(function = "crate::text::single_line")
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"
        )
    )]
    pub name: String,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day.
    pub end_date: NaiveDate,
}

fn phase_code(code: &str) -> Result<(), validator::ValidationError> {
    match code.parse::<Period>() {
        Ok(Period::Phase(_)) => Ok(()),
        _ => Err(validator::ValidationError::new("phase_code")),
    }
}

/// A reporting period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Period {
    /// A calendar year.
    Year(i32),
    /// Half 1 or 2 of a year.
    Half(i32, u8),
    /// Quarter 1–4 of a year.
    Quarter(i32, u8),
    /// Phase n of the plan (1-based).
    Phase(u8),
}

/// A period string that is none of the forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodError;

impl fmt::Display for PeriodError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a period is YYYY, YYYY-H1/H2, YYYY-Q1..Q4 or P1..P9")
    }
}

impl std::error::Error for PeriodError {}

impl FromStr for Period {
    type Err = PeriodError;

    fn from_str(text: &str) -> Result<Period, PeriodError> {
        let year = |digits: &str| -> Result<i32, PeriodError> {
            if digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_digit()) {
                digits
                    .parse()
                    .ok()
                    .filter(|y| (2000..=2100).contains(y))
                    .ok_or(PeriodError)
            } else {
                Err(PeriodError)
            }
        };
        let digit = |part: &str, max: u8| -> Result<u8, PeriodError> {
            part.parse::<u8>()
                .ok()
                .filter(|n| (1..=max).contains(n) && part.len() == 1)
                .ok_or(PeriodError)
        };
        if let Some(n) = text.strip_prefix('P') {
            return digit(n, 9).map(Period::Phase);
        }
        match text.split_once('-') {
            None => year(text).map(Period::Year),
            Some((y, rest)) => {
                let y = year(y)?;
                if let Some(h) = rest.strip_prefix('H') {
                    digit(h, 2).map(|h| Period::Half(y, h))
                } else if let Some(q) = rest.strip_prefix('Q') {
                    digit(q, 4).map(|q| Period::Quarter(y, q))
                } else {
                    Err(PeriodError)
                }
            }
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Year(y) => write!(f, "{y}"),
            Period::Half(y, h) => write!(f, "{y}-H{h}"),
            Period::Quarter(y, q) => write!(f, "{y}-Q{q}"),
            Period::Phase(n) => write!(f, "P{n}"),
        }
    }
}

fn day(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day)
}

/// The last day of a month.
fn month_end(year: i32, month: u32) -> Option<NaiveDate> {
    let (y, m) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    day(y, m, 1)?.pred_opt()
}

impl Period {
    /// First and last day, the phases dated by the plan's `phases`.
    pub fn span(&self, phases: &[PlanPhase]) -> Option<(NaiveDate, NaiveDate)> {
        let months =
            |year: i32, first: u32, last: u32| Some((day(year, first, 1)?, month_end(year, last)?));
        match *self {
            Period::Year(y) => months(y, 1, 12),
            Period::Half(y, h) => months(y, u32::from(h) * 6 - 5, u32::from(h) * 6),
            Period::Quarter(y, q) => months(y, u32::from(q) * 3 - 2, u32::from(q) * 3),
            Period::Phase(_) => {
                let code = self.to_string();
                phases
                    .iter()
                    .find(|phase| phase.code == code)
                    .map(|phase| (phase.start_date, phase.end_date))
            }
        }
    }

    /// The quarter a day falls in.
    pub fn quarter_of(day: NaiveDate) -> Period {
        Period::Quarter(day.year(), (day.month0() / 3 + 1) as u8)
    }

    /// The quarters of a year.
    pub fn quarters(year: i32) -> [Period; 4] {
        [1, 2, 3, 4].map(|q| Period::Quarter(year, q))
    }

    /// A label for people: "Quý 3/2026", "6 tháng đầu năm 2026", "Năm 2026", "Giai đoạn 1".
    pub fn label(&self, lang: Lang) -> String {
        match (self, lang) {
            (Period::Year(y), Lang::Vi) => format!("Năm {y}"),
            (Period::Year(y), Lang::En) => format!("Year {y}"),
            (Period::Half(y, 1), Lang::Vi) => format!("6 tháng đầu năm {y}"),
            (Period::Half(y, _), Lang::Vi) => format!("6 tháng cuối năm {y}"),
            (Period::Half(y, h), Lang::En) => format!("H{h} {y}"),
            (Period::Quarter(y, q), Lang::Vi) => format!("Quý {q}/{y}"),
            (Period::Quarter(y, q), Lang::En) => format!("Q{q} {y}"),
            (Period::Phase(n), Lang::Vi) => format!("Giai đoạn {n}"),
            (Period::Phase(n), Lang::En) => format!("Phase {n}"),
        }
    }
}

/// What a period looks like (`2026`, `2026-H1`, `2026-Q3`, `P1`), as the contract declares
/// it; [`Period`]'s parser is the rule, and a test keeps the two in step.
pub const PERIOD_PATTERN: &str = r"^((20[0-9]{2}|2100)(-H[12]|-Q[1-4])?|P[1-9])$";

/// Validator for a period string field.
pub fn period_format(text: &str) -> Result<(), validator::ValidationError> {
    text.parse::<Period>()
        .map(|_| ())
        .map_err(|_| validator::ValidationError::new("period"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap_or_default()
    }

    #[test]
    fn the_declared_pattern_accepts_what_the_parser_accepts() {
        let pattern = |text: &str| {
            // A small matcher for the pattern's shape, without a regex engine here.
            let year = |y: &str| {
                y.len() == 4 && y.parse::<i32>().is_ok_and(|y| (2000..=2100).contains(&y))
            };
            match text.split_once('-') {
                _ if text.len() == 2 && text.starts_with('P') => {
                    matches!(text.as_bytes()[1], b'1'..=b'9')
                }
                None => year(text),
                Some((y, rest)) => {
                    year(y) && matches!(rest, "H1" | "H2" | "Q1" | "Q2" | "Q3" | "Q4")
                }
            }
        };
        assert!(PERIOD_PATTERN.contains("2100") && PERIOD_PATTERN.contains("P[1-9]"));
        for text in [
            "2026", "2000", "2100", "1999", "2101", "2026-H1", "2026-H3", "2026-Q4", "2026-Q5",
            "P1", "P9", "P0", "P10", "", "2026-", "26", "2026-h1",
        ] {
            assert_eq!(pattern(text), text.parse::<Period>().is_ok(), "{text:?}");
        }
    }

    #[test]
    fn periods_round_trip_and_reject_other_text() {
        for text in [
            "2026", "2026-H1", "2026-H2", "2026-Q1", "2026-Q4", "P1", "P2",
        ] {
            let period: Period = text.parse().unwrap_or(Period::Year(0));
            assert_eq!(period.to_string(), text);
        }
        for bad in [
            "", "26", "2026-Q5", "2026-H3", "2026-Q", "P0", "P10", "2026-q1", "1999", "2026-Q01",
            "x2026",
        ] {
            assert!(bad.parse::<Period>().is_err(), "{bad}");
        }
    }

    #[test]
    fn spans_cover_the_calendar_and_the_plan_phases() {
        assert_eq!(
            Period::Year(2026).span(&[]),
            Some((d(2026, 1, 1), d(2026, 12, 31)))
        );
        assert_eq!(
            Period::Half(2026, 2).span(&[]),
            Some((d(2026, 7, 1), d(2026, 12, 31)))
        );
        assert_eq!(
            Period::Quarter(2024, 1).span(&[]),
            Some((d(2024, 1, 1), d(2024, 3, 31)))
        );
        assert_eq!(
            Period::Quarter(2026, 4).span(&[]),
            Some((d(2026, 10, 1), d(2026, 12, 31)))
        );
        let phases = [PlanPhase {
            code: "P2".into(),
            name: "Giai đoạn 2026–2030".into(),
            start_date: d(2026, 1, 1),
            end_date: d(2030, 12, 31),
        }];
        assert_eq!(
            Period::Phase(2).span(&phases),
            Some((d(2026, 1, 1), d(2030, 12, 31)))
        );
        assert_eq!(Period::Phase(1).span(&phases), None);
        assert_eq!(Period::quarter_of(d(2026, 8, 15)), Period::Quarter(2026, 3));
        assert_eq!(Period::Quarter(2026, 3).label(Lang::Vi), "Quý 3/2026");
        assert_eq!(
            Period::Half(2026, 1).label(Lang::Vi),
            "6 tháng đầu năm 2026"
        );
    }
}
