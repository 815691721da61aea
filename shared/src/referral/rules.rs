//! The configurable parameters of the referral rules, in one value the backend loads
//! from its settings and may hand to the SPA.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use validator::{Validate, ValidationError, ValidationErrors, ValidationErrorsKind};

use super::holidays::{self, MAX_HOLIDAYS, MissingHolidayYear};
use super::slip::{self, SAMPLE_HOLIDAYS_2026, SAMPLE_LONG_VALIDITY_CODES};
use super::state::ReferralStatus;
use super::timeliness::{self, ResponseWindows};
use super::types::{Diagnosis, Urgency};
use crate::validation;

/// At most this many long-validity entries.
pub const MAX_LONG_VALIDITY_CODES: usize = 500;

/// A long-validity entry is an ICD-10 code or prefix (`E11`, `E11.9`, `C`, `C3`) or a
/// range of three-character categories (`C00-C97`); codes are checked by the shared
/// ICD-10 rule ([`validation::icd10_code`]).
pub fn long_validity_entry(entry: &str) -> Result<(), ValidationError> {
    let prefix = |entry: &str| {
        let mut chars = entry.chars();
        (1..=2).contains(&entry.len())
            && chars.next().is_some_and(|c| c.is_ascii_uppercase())
            && chars.all(|c| c.is_ascii_digit())
    };
    let category = |entry: &str| entry.len() == 3 && validation::icd10_code(entry).is_ok();
    let ok = match entry.split_once('-') {
        Some((low, high)) => category(low) && category(high) && low <= high,
        None => prefix(entry) || validation::icd10_code(entry).is_ok(),
    };
    if ok {
        Ok(())
    } else {
        Err(ValidationError::new("icd10_format"))
    }
}

/// Adds the errors of a list's entries under `field[i]`, and `too_many` under `field`
/// when it is longer than `max`.
fn list_errors(
    errors: &mut ValidationErrors,
    field: &'static str,
    len: usize,
    max: usize,
    problem: impl Fn(usize) -> Option<ValidationError>,
) {
    if len > max {
        errors.add(field, ValidationError::new("too_many"));
        return;
    }
    let entries: BTreeMap<usize, Box<ValidationErrors>> = (0..len)
        .filter_map(|index| {
            let error = problem(index)?;
            let mut entry = ValidationErrors::new();
            entry.add(validation::FORM_FIELD, error);
            Some((index, Box::new(entry)))
        })
        .collect();
    if !entries.is_empty() {
        errors
            .errors_mut()
            .insert(field.into(), ValidationErrorsKind::List(entries));
    }
}

/// The configurable referral rules: answer windows, public holidays (for slip validity)
/// and the ICD-10 codes whose slips are valid for a year. The default is the samples
/// ([`SAMPLE_HOLIDAYS_2026`], [`SAMPLE_LONG_VALIDITY_CODES`]) and the default windows.
///
/// Validation reports each bad entry at its own path (`holidays[3]`,
/// `long_validity_codes[1]`, `response_windows.urgent_minutes`), so a form shows it
/// beside that row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ReferralRules {
    /// Answer windows per urgency (each 1 to 43 200 minutes).
    pub response_windows: ResponseWindows,
    /// Public holidays (days off besides weekends), any years from 2000 to 2100, each
    /// once; at most 1 000.
    pub holidays: Vec<NaiveDate>,
    /// Long-validity ICD-10 entries: prefixes (`E11`) or category ranges (`C00-C97`);
    /// at most 500.
    pub long_validity_codes: Vec<String>,
}

impl Validate for ReferralRules {
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if let Err(windows) = self.response_windows.validate() {
            errors.errors_mut().insert(
                "response_windows".into(),
                ValidationErrorsKind::Struct(Box::new(windows)),
            );
        }
        list_errors(
            &mut errors,
            "holidays",
            self.holidays.len(),
            MAX_HOLIDAYS,
            |index| holidays::holiday_problem(&self.holidays, index),
        );
        list_errors(
            &mut errors,
            "long_validity_codes",
            self.long_validity_codes.len(),
            MAX_LONG_VALIDITY_CODES,
            |index| long_validity_entry(&self.long_validity_codes[index]).err(),
        );
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// The rules as `GET /referral-rules` answers them: the rules, the version to send back
/// in `If-Match`, and the years that matter but have no holiday list. Public (no
/// patient data): every signed-in reader gets the same answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReferralRulesSetting {
    /// The rules.
    #[serde(flatten)]
    pub rules: ReferralRules,
    /// Version of the stored rules (0: the built-in defaults, never stored), also the
    /// `ETag`.
    pub version: i64,
    /// Years that matter today (Vietnam time) without any holiday: the current year
    /// (`error`) and, from 1 October, the coming year (`warning`).
    pub holiday_years_missing: Vec<MissingHolidayYear>,
}

impl ReferralRulesSetting {
    /// The rules at `version`, read on `today` (a Vietnamese calendar day).
    pub fn new(rules: ReferralRules, version: i64, today: NaiveDate) -> Self {
        ReferralRulesSetting {
            holiday_years_missing: rules.holiday_years_missing(today),
            rules,
            version,
        }
    }
}

impl Default for ReferralRules {
    fn default() -> Self {
        ReferralRules {
            response_windows: ResponseWindows::default(),
            holidays: SAMPLE_HOLIDAYS_2026.to_vec(),
            long_validity_codes: SAMPLE_LONG_VALIDITY_CODES
                .iter()
                .map(|code| code.to_string())
                .collect(),
        }
    }
}

impl ReferralRules {
    /// The holidays grouped per year, sorted, each day once.
    pub fn holidays_by_year(&self) -> BTreeMap<i32, Vec<NaiveDate>> {
        holidays::holidays_by_year(&self.holidays)
    }

    /// The years that matter on `today` and have no holiday (see [`holidays`]).
    pub fn holiday_years_missing(&self, today: NaiveDate) -> Vec<MissingHolidayYear> {
        holidays::missing_holiday_years(&self.holidays, today)
    }

    /// Whether any of the diagnoses gives the slip one year of validity.
    pub fn long_validity(&self, diagnoses: &[Diagnosis]) -> bool {
        slip::has_long_validity(&codes(diagnoses), &self.long_validity_codes)
    }

    /// Last day a slip signed on `signed_on` with these diagnoses may be used.
    pub fn valid_until(&self, signed_on: NaiveDate, diagnoses: &[Diagnosis]) -> NaiveDate {
        slip::slip_valid_until(
            signed_on,
            &codes(diagnoses),
            &self.holidays,
            &self.long_validity_codes,
        )
    }

    /// When the answer to a referral sent at `sent_at` is due.
    pub fn answer_due(&self, sent_at: DateTime<Utc>, urgency: Urgency) -> DateTime<Utc> {
        timeliness::answer_due(sent_at, urgency, &self.response_windows)
    }

    /// Whether a referral is overdue at `now`.
    pub fn is_overdue(
        &self,
        status: ReferralStatus,
        urgency: Urgency,
        sent_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> bool {
        timeliness::is_overdue(status, urgency, sent_at, now, &self.response_windows)
    }
}

fn codes(diagnoses: &[Diagnosis]) -> Vec<&str> {
    diagnoses.iter().map(|d| d.code.as_str()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default()
    }

    fn diagnosis(code: &str) -> Diagnosis {
        Diagnosis {
            code: code.into(),
            name: "x".into(),
        }
    }

    #[test]
    fn defaults_are_the_samples_and_valid() {
        let rules = ReferralRules::default();
        assert!(rules.validate().is_ok());
        assert_eq!(rules.holidays.len(), SAMPLE_HOLIDAYS_2026.len());
        assert!(rules.long_validity(&[diagnosis("J18.9"), diagnosis("E11.9")]));
        assert!(!rules.long_validity(&[diagnosis("J18.9")]));
        // Thursday before Tết with the sample holidays.
        assert_eq!(
            rules.valid_until(d(2026, 2, 12), &[diagnosis("J18.9")]),
            d(2026, 3, 4)
        );
        assert_eq!(
            rules.valid_until(d(2026, 2, 12), &[diagnosis("I10")]),
            d(2027, 2, 11)
        );
        let sent = DateTime::<Utc>::UNIX_EPOCH;
        assert_eq!(
            rules.answer_due(sent, Urgency::Emergency) - sent,
            chrono::TimeDelta::minutes(30)
        );
        assert!(rules.is_overdue(
            ReferralStatus::Sent,
            Urgency::Emergency,
            Some(sent),
            sent + chrono::TimeDelta::minutes(31)
        ));
    }

    #[test]
    fn rules_load_from_partial_settings() {
        let rules: ReferralRules = serde_json::from_value(serde_json::json!({
            "holidays": ["2027-01-01"],
            "long_validity_codes": ["N18", "C00-C97"],
            "response_windows": {"routine_minutes": 1440}
        }))
        .unwrap_or_default();
        assert_eq!(rules.holidays, vec![d(2027, 1, 1)]);
        assert_eq!(rules.response_windows.routine_minutes, 1440);
        assert_eq!(rules.response_windows.emergency_minutes, 30);
        assert!(rules.validate().is_ok());
        assert!(!rules.long_validity(&[diagnosis("E11.9")]));
    }

    #[test]
    fn long_validity_entries_are_checked() {
        let ok = |entries: &[&str]| entries.iter().all(|e| long_validity_entry(e).is_ok());
        assert!(ok(&["E11", "E11.9", "C", "C3", "C00-C97", "E10-E14"]));
        assert!(!ok(&["e11"]));
        assert!(!ok(&["C97-C00"]));
        assert!(!ok(&["C00-C97.9"]));
        assert!(!ok(&[""]));
        assert!(!ok(&["E1A"]));
        assert!(!ok(&["E11-"]));
    }

    #[test]
    fn each_bad_entry_is_reported_at_its_path() {
        let rules = ReferralRules {
            response_windows: ResponseWindows {
                urgent_minutes: 0,
                ..ResponseWindows::default()
            },
            holidays: vec![d(2027, 1, 1), d(1990, 1, 1), d(2027, 1, 1)],
            long_validity_codes: vec!["E11".into(), "e11".into()],
        };
        let errors = rules.validate().err().unwrap_or_default();
        let fields = crate::validation::field_messages(&errors, crate::Lang::En);
        assert_eq!(
            fields.keys().map(String::as_str).collect::<Vec<_>>(),
            vec![
                "holidays[1]",
                "holidays[2]",
                "long_validity_codes[1]",
                "response_windows.urgent_minutes"
            ]
        );
        assert_eq!(fields["holidays[2]"], vec!["Duplicate value".to_string()]);
    }

    #[test]
    fn lists_too_long_are_refused_whole() {
        let rules = ReferralRules {
            holidays: vec![d(2027, 1, 1); MAX_HOLIDAYS + 1],
            ..ReferralRules::default()
        };
        let errors = rules.validate().err().unwrap_or_default();
        let fields = crate::validation::field_messages(&errors, crate::Lang::En);
        assert_eq!(fields.keys().collect::<Vec<_>>(), vec!["holidays"]);
    }

    #[test]
    fn the_answer_carries_version_and_missing_years_beside_the_rules() {
        let setting = ReferralRulesSetting::new(ReferralRules::default(), 0, d(2026, 12, 7));
        assert_eq!(
            setting.holiday_years_missing,
            vec![MissingHolidayYear {
                year: 2027,
                severity: holidays::GapSeverity::Warning
            }]
        );
        let json = serde_json::to_value(&setting).unwrap_or_default();
        assert_eq!(json["version"], 0);
        assert_eq!(json["holiday_years_missing"][0]["severity"], "warning");
        assert!(json["holidays"].is_array());
        // The answer, sent back as it is, reads as the rules.
        let back: ReferralRules = serde_json::from_value(json).unwrap_or_default();
        assert_eq!(back.holidays.len(), SAMPLE_HOLIDAYS_2026.len());
        assert_eq!(
            ReferralRules::default()
                .holidays_by_year()
                .keys()
                .collect::<Vec<_>>(),
            vec![&2026]
        );
    }
}
