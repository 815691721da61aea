//! The slip itself: how long it is valid and how it is numbered.
//!
//! Article 12 of Circular 01/2025/TT-BYT: a slip is valid for **10 working days from the
//! day it is signed**; for the diseases, disease groups and cases of its Appendix III it
//! is valid for **one year from the day it is signed**. If it runs out while the patient
//! is still in the episode of care it was issued for, that episode stays covered to its
//! end — so expiry only matters before the patient arrives ([`slip_expired`]).
//!
//! **Counting.** The day of signing is day 1 (the slip is usable the day it is issued):
//! signed on a working day, that day is the first of the 10; signed on a weekend or
//! public holiday (an emergency transfer at night or on Sunday), the first working day
//! after it is day 1. The slip is valid through the 10th working day. In the same way a
//! one-year slip is valid through the day before the same date next year (signed
//! 2026-03-10 → valid through 2027-03-09); one signed on 29 February is valid through
//! 28 February of the next year, the day before 1 March. Weekends are Saturday and
//! Sunday, the working week of public administration.
//!
//! **Configuration.** The holiday list and the long-validity list are parameters (see
//! [`crate::referral::ReferralRules`]); [`SAMPLE_HOLIDAYS_2026`] and
//! [`SAMPLE_LONG_VALIDITY_CODES`] seed them.

use chrono::{Datelike, NaiveDate, Weekday};

use super::state::ReferralStatus;

/// Working days a slip is valid for, counting the day of signing when it is a working day.
pub const SLIP_WORKING_DAYS: u32 = 10;

const fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(date) => date,
        // Only reachable from a typo in the constants below, and then at compile time.
        None => panic!("invalid date in a holiday constant"),
    }
}

/// Public holidays (days off for public administration) of 2026, a **sample** to seed
/// the configurable list; the government fixes the exact Tết and swap days each year.
///
/// - 1 January, New Year.
/// - 14–22 February, Tết Nguyên Đán (lunar new year on 17 February), nine days.
/// - 26 April, Hùng Kings' commemoration (10th of the 3rd lunar month), a Sunday, and
///   27 April, the compensatory Monday the Labour Code gives for it.
/// - 30 April, Reunification Day, and 1 May, Labour Day.
/// - 1 and 2 September, National Day.
pub const SAMPLE_HOLIDAYS_2026: &[NaiveDate] = &[
    ymd(2026, 1, 1),
    ymd(2026, 2, 14),
    ymd(2026, 2, 15),
    ymd(2026, 2, 16),
    ymd(2026, 2, 17),
    ymd(2026, 2, 18),
    ymd(2026, 2, 19),
    ymd(2026, 2, 20),
    ymd(2026, 2, 21),
    ymd(2026, 2, 22),
    ymd(2026, 4, 26),
    ymd(2026, 4, 27),
    ymd(2026, 4, 30),
    ymd(2026, 5, 1),
    ymd(2026, 9, 1),
    ymd(2026, 9, 2),
];

/// ICD-10 codes whose slips are valid for one year: a **sample** in the style of
/// Appendix III of Circular 01/2025/TT-BYT (long-term and chronic diseases), to seed the
/// configurable list.
///
/// Each entry is either a code prefix (`"E11"` matches `E11`, `E11.9`, `E11.65`;
/// `"B18"` matches every chronic viral hepatitis) or an inclusive range of three-
/// character categories (`"C00-C97"` matches every malignant neoplasm).
pub const SAMPLE_LONG_VALIDITY_CODES: &[&str] = &[
    "A15-A19", // tuberculosis
    "B18",     // chronic viral hepatitis
    "B20-B24", // HIV disease
    "C00-C97", // malignant neoplasms
    "D56",     // thalassaemia
    "D61",     // aplastic anaemia
    "D66",     // haemophilia A
    "E05",     // thyrotoxicosis
    "E10-E14", // diabetes mellitus
    "F20",     // schizophrenia
    "G20",     // Parkinson's disease
    "G35",     // multiple sclerosis
    "G40",     // epilepsy
    "I10-I15", // hypertensive diseases
    "I20-I25", // ischaemic heart diseases
    "I50",     // heart failure
    "I69",     // sequelae of cerebrovascular disease
    "J44",     // chronic obstructive pulmonary disease
    "J45",     // asthma
    "K74",     // fibrosis and cirrhosis of liver
    "M05-M06", // rheumatoid arthritis
    "M32",     // systemic lupus erythematosus
    "N18",     // chronic kidney disease
    "Z94",     // transplanted organ and tissue status
];

/// Whether `day` is a working day: Monday to Friday and not a listed public holiday.
pub fn is_working_day(day: NaiveDate, holidays: &[NaiveDate]) -> bool {
    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !holidays.contains(&day)
}

/// Whether one ICD-10 `code` is covered by one long-validity `entry` (a prefix or a
/// `"A00-B99"` range of categories). Case and surrounding spaces are ignored.
pub fn matches_long_validity(code: &str, entry: &str) -> bool {
    let code = code.trim().to_ascii_uppercase();
    let entry = entry.trim().to_ascii_uppercase();
    if entry.is_empty() || code.is_empty() {
        return false;
    }
    match entry.split_once('-') {
        Some((low, high)) => match (code.get(..3), low.trim().get(..3), high.trim().get(..3)) {
            (Some(category), Some(low), Some(high)) => low <= category && category <= high,
            _ => false,
        },
        None => code.starts_with(&entry),
    }
}

/// Whether any of the `diagnoses` (ICD-10 codes) is on the long-validity list.
pub fn has_long_validity<D: AsRef<str>, L: AsRef<str>>(
    diagnoses: &[D],
    long_validity: &[L],
) -> bool {
    diagnoses.iter().any(|code| {
        long_validity
            .iter()
            .any(|entry| matches_long_validity(code.as_ref(), entry.as_ref()))
    })
}

/// The last day (inclusive) a slip signed on `signed_on` may be used: one year when any
/// of the `diagnoses` is on `long_validity`, otherwise [`SLIP_WORKING_DAYS`] working days
/// (weekends and `holidays` excluded). See the module documentation for how days count.
pub fn slip_valid_until<D: AsRef<str>, L: AsRef<str>>(
    signed_on: NaiveDate,
    diagnoses: &[D],
    holidays: &[NaiveDate],
    long_validity: &[L],
) -> NaiveDate {
    if has_long_validity(diagnoses, long_validity) {
        one_year_from(signed_on)
    } else {
        nth_working_day(signed_on, SLIP_WORKING_DAYS, holidays)
    }
}

/// The `n`th working day counting `start` itself as the first when it is one.
fn nth_working_day(start: NaiveDate, n: u32, holidays: &[NaiveDate]) -> NaiveDate {
    let mut day = start;
    let mut counted = 0;
    loop {
        if is_working_day(day, holidays) {
            counted += 1;
            if counted >= n {
                return day;
            }
        }
        match day.succ_opt() {
            Some(next) => day = next,
            None => return day,
        }
    }
}

/// The day before the same date a year later; 29 February's anniversary in a common year
/// is 1 March, so such a slip runs through 28 February.
fn one_year_from(signed_on: NaiveDate) -> NaiveDate {
    let next_year = signed_on.year() + 1;
    let anniversary = signed_on
        .with_year(next_year)
        .or_else(|| NaiveDate::from_ymd_opt(next_year, 3, 1));
    anniversary
        .and_then(|day| day.pred_opt())
        .unwrap_or(NaiveDate::MAX)
}

/// Whether a slip valid through `valid_until` has run out on `today`.
pub fn is_expired(valid_until: NaiveDate, today: NaiveDate) -> bool {
    today > valid_until
}

/// The `expired` flag of a referral: its slip has run out while the patient has not yet
/// arrived (sent or accepted). Drafts have no signed slip; after arrival the episode of
/// care stays covered (Article 12), and closed referrals need no flag.
pub fn slip_expired(
    status: ReferralStatus,
    valid_until: Option<NaiveDate>,
    today: NaiveDate,
) -> bool {
    status.before_arrival() && valid_until.is_some_and(|until| is_expired(until, today))
}

/// A slip number: issuing facility code, year, and a sequence number that the server
/// assigns gap-free per facility and year.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SlipNumber {
    /// Code of the issuing (sending) facility.
    pub facility_code: String,
    /// Year of issue (in Vietnam).
    pub year: i32,
    /// Sequence within the facility and year, from 1.
    pub seq: i64,
}

impl std::fmt::Display for SlipNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&format_slip_number(
            &self.facility_code,
            self.year,
            self.seq,
        ))
    }
}

/// The printed slip number `<facility code>/<year>/<sequence, 6 digits>`, e.g.
/// `74-TYT-ANPHU/2026/000123` — the "Số: …/20…/GCT" line of the form, made unique across
/// the network by the facility code. Sequences past 999 999 print in full.
///
/// The number is assigned when the referral is created (a draft already has one), so a
/// cancelled draft keeps its number and the sequence has no holes.
pub fn format_slip_number(facility_code: &str, year: i32, seq: i64) -> String {
    format!("{facility_code}/{year}/{seq:06}")
}

/// Reads a slip number back (for searching by number); `None` when it is not of the
/// shape [`format_slip_number`] writes. Facility codes never contain `/`.
pub fn parse_slip_number(text: &str) -> Option<SlipNumber> {
    let mut parts = text.trim().rsplitn(3, '/');
    let seq = parts.next()?;
    let year = parts.next()?;
    let facility_code = parts.next()?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if facility_code.is_empty() || year.len() != 4 || !digits(year) || !digits(seq) {
        return None;
    }
    Some(SlipNumber {
        facility_code: facility_code.to_string(),
        year: year.parse().ok()?,
        seq: seq.parse().ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default()
    }

    const NONE: &[&str] = &[];

    fn ten_days(signed_on: NaiveDate, holidays: &[NaiveDate]) -> NaiveDate {
        slip_valid_until(signed_on, &["J18.9"], holidays, SAMPLE_LONG_VALIDITY_CODES)
    }

    #[test]
    fn ten_working_days_count_the_signing_day() {
        // Monday 2026-03-02: Mon..Fri, Mon..Fri → Friday 2026-03-13.
        assert_eq!(ten_days(d(2026, 3, 2), &[]), d(2026, 3, 13));
        // Wednesday 2026-03-04 → Tuesday 2026-03-17.
        assert_eq!(ten_days(d(2026, 3, 4), &[]), d(2026, 3, 17));
        // Friday 2026-03-06 → Thursday 2026-03-19.
        assert_eq!(ten_days(d(2026, 3, 6), &[]), d(2026, 3, 19));
    }

    #[test]
    fn signed_on_a_weekend_starts_on_monday() {
        // Saturday and Sunday both count from Monday 2026-03-09 → Friday 2026-03-20.
        assert_eq!(ten_days(d(2026, 3, 7), &[]), d(2026, 3, 20));
        assert_eq!(ten_days(d(2026, 3, 8), &[]), d(2026, 3, 20));
        assert_eq!(ten_days(d(2026, 3, 9), &[]), d(2026, 3, 20));
    }

    #[test]
    fn holidays_are_skipped() {
        let holidays = SAMPLE_HOLIDAYS_2026;
        // Thursday 2026-02-12: 12, 13, then Tết 14–22, then 23..27 (5), 2, 3, 4 March.
        assert_eq!(ten_days(d(2026, 2, 12), holidays), d(2026, 3, 4));
        // Same date without the holiday list: 12, 13, 16..20, 23, 24, 25.
        assert_eq!(ten_days(d(2026, 2, 12), &[]), d(2026, 2, 25));
        // Signed on a holiday (Tết), day 1 is Monday 23 February → Friday 6 March.
        assert_eq!(ten_days(d(2026, 2, 17), holidays), d(2026, 3, 6));
        // Friday 2026-04-24: 24, (25–26 weekend, 27 compensatory), 28, 29, (30 April,
        // 1 May, 2–3 weekend), 4..8 May → 8 days, then 11 and 12 May.
        assert_eq!(ten_days(d(2026, 4, 24), holidays), d(2026, 5, 12));
        // National Day: Monday 2026-08-31, (1–2 Sep), 3, 4, 7..11, 14, 15.
        assert_eq!(ten_days(d(2026, 8, 31), holidays), d(2026, 9, 15));
    }

    #[test]
    fn ten_days_cross_the_year_boundary() {
        let holidays = [d(2026, 1, 1), d(2027, 1, 1)];
        // Tuesday 2026-12-22: 22, 23, 24, 25, 28, 29, 30, 31, (1 Jan holiday), 4, 5.
        assert_eq!(ten_days(d(2026, 12, 22), &holidays), d(2027, 1, 5));
        assert_eq!(ten_days(d(2026, 12, 22), &[]), d(2027, 1, 4));
    }

    #[test]
    fn long_validity_lasts_a_year() {
        let list = SAMPLE_LONG_VALIDITY_CODES;
        let until = slip_valid_until(d(2026, 3, 10), &["J18.9", "E11.9"], &[], list);
        assert_eq!(until, d(2027, 3, 9));
        // Weekends and holidays do not matter for a year.
        let until = slip_valid_until(d(2026, 2, 14), &["I10"], SAMPLE_HOLIDAYS_2026, list);
        assert_eq!(until, d(2027, 2, 13));
        // New Year's Day → New Year's Eve.
        assert_eq!(
            slip_valid_until(d(2026, 1, 1), &["N18.5"], &[], list),
            d(2026, 12, 31)
        );
        // Across a leap day: 2027-03-10 → 2028-03-09 (366 days later minus one).
        assert_eq!(
            slip_valid_until(d(2027, 3, 10), &["C34.1"], &[], list),
            d(2028, 3, 9)
        );
    }

    #[test]
    fn long_validity_from_29_february() {
        let list = SAMPLE_LONG_VALIDITY_CODES;
        assert_eq!(
            slip_valid_until(d(2028, 2, 29), &["E10"], &[], list),
            d(2029, 2, 28)
        );
        assert_eq!(
            slip_valid_until(d(2028, 2, 28), &["E10"], &[], list),
            d(2029, 2, 27)
        );
        assert_eq!(
            slip_valid_until(d(2028, 3, 1), &["E10"], &[], list),
            d(2029, 2, 28)
        );
        // Into a leap year: 2027-03-01 → 2028-02-29.
        assert_eq!(
            slip_valid_until(d(2027, 3, 1), &["E10"], &[], list),
            d(2028, 2, 29)
        );
    }

    #[test]
    fn long_validity_matches_prefixes_and_ranges() {
        let list = SAMPLE_LONG_VALIDITY_CODES;
        for code in [
            "E11", "E11.9", "E14.65", "C00", "C97", "C50.9", "I10", "I15.0", "A15.0", "B18.1",
            "b20", " n18.5 ", "M06.9",
        ] {
            assert!(has_long_validity(&[code], list), "{code}");
        }
        for code in [
            "E15", "E09", "D00", "C98", "I16", "I26", "J18.9", "A20", "B19", "N17", "", "E1",
        ] {
            assert!(!has_long_validity(&[code], list), "{code:?}");
        }
        assert!(!has_long_validity(NONE, list));
        assert!(!has_long_validity(&["E11.9"], NONE));
        assert!(matches_long_validity("E11.9", "e11"));
        assert!(matches_long_validity("E11.9", "E11.9"));
        assert!(!matches_long_validity("E11.8", "E11.9"));
        assert!(!matches_long_validity("E11", ""));
        assert!(!matches_long_validity("E11", "E1-"));
        // The sample list is well formed.
        for entry in list {
            let ok = match entry.split_once('-') {
                Some((low, high)) => {
                    crate::validation::icd10_code(low).is_ok()
                        && crate::validation::icd10_code(high).is_ok()
                        && low < high
                }
                None => crate::validation::icd10_code(entry).is_ok(),
            };
            assert!(ok, "{entry}");
        }
        assert_eq!(list.len(), 24);
    }

    #[test]
    fn expiry_is_after_the_last_valid_day() {
        let until = d(2026, 3, 13);
        assert!(!is_expired(until, d(2026, 3, 12)));
        assert!(!is_expired(until, until));
        assert!(is_expired(until, d(2026, 3, 14)));
        assert!(slip_expired(
            ReferralStatus::Sent,
            Some(until),
            d(2026, 3, 14)
        ));
        assert!(slip_expired(
            ReferralStatus::Accepted,
            Some(until),
            d(2026, 3, 14)
        ));
        assert!(!slip_expired(ReferralStatus::Sent, Some(until), until));
        for status in [
            ReferralStatus::Draft,
            ReferralStatus::Arrived,
            ReferralStatus::Completed,
            ReferralStatus::Declined,
            ReferralStatus::Redirected,
            ReferralStatus::Cancelled,
        ] {
            assert!(
                !slip_expired(status, Some(until), d(2027, 1, 1)),
                "{status}"
            );
        }
        assert!(!slip_expired(ReferralStatus::Sent, None, d(2027, 1, 1)));
    }

    #[test]
    fn working_days_and_holiday_sample() {
        assert!(is_working_day(d(2026, 3, 2), &[]));
        assert!(!is_working_day(d(2026, 3, 7), &[]));
        assert!(!is_working_day(d(2026, 3, 8), &[]));
        assert!(!is_working_day(d(2026, 9, 2), SAMPLE_HOLIDAYS_2026));
        assert!(SAMPLE_HOLIDAYS_2026.iter().all(|day| day.year() == 2026));
        let mut sorted = SAMPLE_HOLIDAYS_2026.to_vec();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted, SAMPLE_HOLIDAYS_2026);
        assert_eq!(d(2026, 4, 26).weekday(), Weekday::Sun);
    }

    #[test]
    fn slip_numbers_format_and_parse() {
        assert_eq!(
            format_slip_number("74-TYT-ANPHU", 2026, 123),
            "74-TYT-ANPHU/2026/000123"
        );
        assert_eq!(
            format_slip_number("74001", 2027, 1_234_567),
            "74001/2027/1234567"
        );
        let parsed = parse_slip_number("74-TYT-ANPHU/2026/000123");
        assert_eq!(
            parsed,
            Some(SlipNumber {
                facility_code: "74-TYT-ANPHU".into(),
                year: 2026,
                seq: 123
            })
        );
        assert_eq!(
            parsed.map(|n| n.to_string()).as_deref(),
            Some("74-TYT-ANPHU/2026/000123")
        );
        for bad in [
            "",
            "000123",
            "2026/000123",
            "/2026/000123",
            "74/26/000123",
            "74/2026/",
            "74/2026/12a",
            "74/abcd/000123",
        ] {
            assert_eq!(parse_slip_number(bad), None, "{bad:?}");
        }
    }
}
