//! The configurable parameters of the referral rules, in one value the backend loads
//! from its settings and may hand to the SPA.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use validator::{Validate, ValidationError};

use super::slip::{self, SAMPLE_HOLIDAYS_2026, SAMPLE_LONG_VALIDITY_CODES};
use super::state::ReferralStatus;
use super::timeliness::{self, ResponseWindows};
use super::types::{Diagnosis, Urgency};
use crate::validation;

/// Every long-validity entry is an ICD-10 code or prefix (`E11`, `E11.9`, `C`, `C3`) or
/// a range of three-character categories (`C00-C97`).
fn long_validity_entries(entries: &[String]) -> Result<(), ValidationError> {
    let prefix = |entry: &str| {
        let mut chars = entry.chars();
        (1..=2).contains(&entry.len())
            && chars.next().is_some_and(|c| c.is_ascii_uppercase())
            && chars.all(|c| c.is_ascii_digit())
    };
    let category = |entry: &str| entry.len() == 3 && validation::icd10_code(entry).is_ok();
    let ok = entries.iter().all(|entry| match entry.split_once('-') {
        Some((low, high)) => category(low) && category(high) && low <= high,
        None => prefix(entry) || validation::icd10_code(entry).is_ok(),
    });
    if ok {
        Ok(())
    } else {
        Err(ValidationError::new("icd10_format"))
    }
}

/// The configurable referral rules: answer windows, public holidays (for slip validity)
/// and the ICD-10 codes whose slips are valid for a year. The default is the samples
/// ([`SAMPLE_HOLIDAYS_2026`], [`SAMPLE_LONG_VALIDITY_CODES`]) and the default windows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ReferralRules {
    /// Answer windows per urgency.
    #[validate(nested)]
    pub response_windows: ResponseWindows,
    /// Public holidays (days off besides weekends), any years.
    pub holidays: Vec<NaiveDate>,
    /// Long-validity ICD-10 entries: prefixes (`E11`) or category ranges (`C00-C97`).
    #[validate(custom(function = "long_validity_entries"))]
    pub long_validity_codes: Vec<String>,
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
        let ok = |entries: &[&str]| {
            long_validity_entries(&entries.iter().map(|e| e.to_string()).collect::<Vec<_>>())
                .is_ok()
        };
        assert!(ok(&["E11", "E11.9", "C", "C3", "C00-C97", "E10-E14"]));
        assert!(!ok(&["e11"]));
        assert!(!ok(&["C97-C00"]));
        assert!(!ok(&["C00-C97.9"]));
        assert!(!ok(&[""]));
        assert!(!ok(&["E1A"]));
        assert!(!ok(&["E11-"]));
    }
}
