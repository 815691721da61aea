//! The slip as typed (text per field, rows) and how it becomes a request body.

use chrono::NaiveDate;
use shared::referral::{
    ClinicalSummary, Diagnosis, Direction, Patient, PriorTreatment, Referral, ReferralInput,
    ReferralReason, Sex, Signatory, Transport, Urgency,
};

use crate::components::form::{Column, InputKind, Row, rows_from};
use crate::i18n::Key;

/// Columns of the earlier stays ("Đã được khám bệnh, điều trị tại").
pub(super) const PRIOR_COLUMNS: &[Column] = &[
    Column {
        label: Key::PriorFacility,
        field: "facility_name",
        kind: InputKind::Text,
        upper: false,
    },
    Column {
        label: Key::FromDate,
        field: "from_date",
        kind: InputKind::Date,
        upper: false,
    },
    Column {
        label: Key::ToDate,
        field: "to_date",
        kind: InputKind::Date,
        upper: false,
    },
];

/// The slip's single-value fields as typed.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub(super) struct SlipForm {
    pub(super) to: Option<(i64, String)>,
    /// The specialty the destination was picked for (a code; empty when none).
    #[serde(default)]
    pub(super) specialty: String,
    pub(super) direction: String,
    pub(super) urgency: String,
    pub(super) reason: String,
    pub(super) reason_text: String,
    pub(super) full_name: String,
    pub(super) birth_date: String,
    pub(super) birth_year: String,
    pub(super) sex: String,
    pub(super) citizen_id: String,
    pub(super) insurance_number: String,
    pub(super) insurance_expiry: String,
    pub(super) address: String,
    pub(super) ethnicity: String,
    pub(super) nationality: String,
    pub(super) occupation: String,
    pub(super) workplace: String,
    pub(super) contact_phone: String,
    pub(super) signs: String,
    pub(super) tests_summary: String,
    pub(super) treatment_given: String,
    pub(super) condition_at_transfer: String,
    pub(super) treatment_direction: String,
    pub(super) means: String,
    pub(super) escort_name: String,
    pub(super) escort_title: String,
    pub(super) emergency_centre: bool,
    pub(super) signer_name: String,
    pub(super) signer_title: String,
    pub(super) physician_name: String,
    pub(super) physician_title: String,
    pub(super) attachments: String,
}

impl Default for SlipForm {
    fn default() -> Self {
        SlipForm {
            to: None,
            specialty: String::new(),
            direction: Direction::Up.as_str().to_string(),
            urgency: String::new(),
            reason: String::new(),
            reason_text: String::new(),
            full_name: String::new(),
            birth_date: String::new(),
            birth_year: String::new(),
            sex: String::new(),
            citizen_id: String::new(),
            insurance_number: String::new(),
            insurance_expiry: String::new(),
            address: String::new(),
            ethnicity: String::new(),
            nationality: "Việt Nam".to_string(),
            occupation: String::new(),
            workplace: String::new(),
            contact_phone: String::new(),
            signs: String::new(),
            tests_summary: String::new(),
            treatment_given: String::new(),
            condition_at_transfer: String::new(),
            treatment_direction: String::new(),
            means: String::new(),
            escort_name: String::new(),
            escort_title: String::new(),
            emergency_centre: false,
            signer_name: String::new(),
            signer_title: String::new(),
            physician_name: String::new(),
            physician_title: String::new(),
            attachments: String::new(),
        }
    }
}

fn text(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

fn date_text(value: Option<NaiveDate>) -> String {
    value.map(|date| date.to_string()).unwrap_or_default()
}

/// The form filled from a draft: single fields, diagnosis rows, earlier stays.
pub(super) fn from_referral(referral: &Referral) -> (SlipForm, Vec<Row>, Vec<Row>) {
    let patient = referral.patient.as_ref();
    let clinical = referral.clinical.clone().unwrap_or_default();
    let form = SlipForm {
        to: Some((referral.to_facility.id, referral.to_facility.name.clone())),
        direction: referral.direction.as_str().to_string(),
        urgency: referral.urgency.as_str().to_string(),
        reason: referral.reason.as_str().to_string(),
        reason_text: text(&referral.reason_text),
        full_name: patient.map(|p| p.full_name.clone()).unwrap_or_default(),
        birth_date: date_text(patient.and_then(|p| p.birth_date)),
        birth_year: patient
            .and_then(|p| p.birth_year)
            .map(|year| year.to_string())
            .unwrap_or_default(),
        sex: patient
            .map(|p| p.sex.as_str().to_string())
            .unwrap_or_default(),
        citizen_id: patient.map(|p| text(&p.citizen_id)).unwrap_or_default(),
        insurance_number: patient
            .map(|p| text(&p.insurance_number))
            .unwrap_or_default(),
        insurance_expiry: date_text(patient.and_then(|p| p.insurance_expiry)),
        address: patient.map(|p| text(&p.address)).unwrap_or_default(),
        ethnicity: patient.map(|p| text(&p.ethnicity)).unwrap_or_default(),
        nationality: patient
            .map(|p| p.nationality.clone())
            .unwrap_or_else(|| "Việt Nam".to_string()),
        occupation: patient.map(|p| text(&p.occupation)).unwrap_or_default(),
        workplace: patient.map(|p| text(&p.workplace)).unwrap_or_default(),
        contact_phone: patient.map(|p| text(&p.contact_phone)).unwrap_or_default(),
        signs: clinical.signs.clone(),
        tests_summary: text(&clinical.tests_summary),
        treatment_given: text(&clinical.treatment_given),
        condition_at_transfer: clinical.condition_at_transfer.clone(),
        treatment_direction: text(&clinical.treatment_direction),
        specialty: text(&clinical.specialty),
        means: referral
            .transport
            .means
            .map(|means| means.as_str().to_string())
            .unwrap_or_default(),
        escort_name: text(&referral.transport.escort_name),
        escort_title: text(&referral.transport.escort_title),
        emergency_centre: referral.transport.emergency_centre_requested,
        signer_name: referral
            .signed_by
            .as_ref()
            .map(|s| s.full_name.clone())
            .unwrap_or_default(),
        signer_title: referral
            .signed_by
            .as_ref()
            .map(|s| text(&s.title))
            .unwrap_or_default(),
        physician_name: referral
            .physician
            .as_ref()
            .map(|s| s.full_name.clone())
            .unwrap_or_default(),
        physician_title: referral
            .physician
            .as_ref()
            .map(|s| text(&s.title))
            .unwrap_or_default(),
        attachments: referral.attachments.join("\n"),
    };
    let diagnoses = rows_from(
        clinical
            .diagnoses
            .iter()
            .map(|d| vec![d.code.clone(), d.name.clone()]),
    );
    let prior = rows_from(clinical.previously_treated_at.iter().map(|p| {
        vec![
            p.facility_name.clone(),
            date_text(p.from_date),
            date_text(p.to_date),
        ]
    }));
    (form, diagnoses, prior)
}

/// Something the typed text cannot even be turned into a slip for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Unreadable {
    /// No destination chosen.
    Destination,
    /// A required choice left empty.
    Choice,
    /// A birth year that is not a number.
    Year,
}

impl Unreadable {
    pub(super) fn key(self) -> Key {
        match self {
            Unreadable::Destination => Key::DestinationRequired,
            Unreadable::Choice => Key::ChoiceRequired,
            Unreadable::Year => Key::NotAYear,
        }
    }
}

fn optional(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_string())
}

fn parse_date(value: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").ok()
}

/// A required choice: the value, or the fallback and a note that it is missing.
fn choice<T: std::str::FromStr>(
    value: &str,
    fallback: T,
    path: &'static str,
    unreadable: &mut Vec<(String, Unreadable)>,
) -> T {
    value.parse().unwrap_or_else(|_| {
        unreadable.push((path.to_string(), Unreadable::Choice));
        fallback
    })
}

fn signatory(name: &str, title: &str) -> Option<Signatory> {
    (!name.trim().is_empty() || !title.trim().is_empty()).then(|| Signatory {
        full_name: name.trim().to_string(),
        title: optional(title),
    })
}

/// The request body the form describes, and what could not be read from it. Rows are
/// kept even when empty, so that error paths (`clinical.diagnoses[i]`) match the rows.
pub(super) fn to_input(
    form: &SlipForm,
    diagnoses: &[Row],
    prior: &[Row],
) -> (ReferralInput, Vec<(String, Unreadable)>) {
    let mut unreadable = Vec::new();
    if form.to.is_none() {
        unreadable.push(("to_facility_id".to_string(), Unreadable::Destination));
    }
    let birth_year = match form.birth_year.trim() {
        "" => None,
        year => match year.parse::<i32>() {
            Ok(year) => Some(year),
            Err(_) => {
                unreadable.push(("patient.birth_year".to_string(), Unreadable::Year));
                None
            }
        },
    };
    let input = ReferralInput {
        to_facility_id: form.to.as_ref().map_or(0, |(id, _)| *id),
        direction: choice(&form.direction, Direction::Up, "direction", &mut unreadable),
        urgency: choice(&form.urgency, Urgency::Routine, "urgency", &mut unreadable),
        reason: choice(
            &form.reason,
            ReferralReason::MeetsTransferRules,
            "reason",
            &mut unreadable,
        ),
        reason_text: optional(&form.reason_text),
        patient: Patient {
            full_name: form.full_name.trim().to_string(),
            birth_date: parse_date(&form.birth_date),
            birth_year,
            sex: choice(&form.sex, Sex::Male, "patient.sex", &mut unreadable),
            citizen_id: optional(&form.citizen_id),
            insurance_number: optional(&form.insurance_number),
            insurance_expiry: parse_date(&form.insurance_expiry),
            address: optional(&form.address),
            ethnicity: optional(&form.ethnicity),
            nationality: form.nationality.trim().to_string(),
            occupation: optional(&form.occupation),
            workplace: optional(&form.workplace),
            contact_phone: optional(&form.contact_phone),
        },
        clinical: ClinicalSummary {
            signs: form.signs.trim().to_string(),
            tests_summary: optional(&form.tests_summary),
            diagnoses: diagnoses
                .iter()
                .map(|row| Diagnosis {
                    code: row.value(0).trim().to_uppercase(),
                    name: row.value(1).trim().to_string(),
                })
                .collect(),
            treatment_given: optional(&form.treatment_given),
            condition_at_transfer: form.condition_at_transfer.trim().to_string(),
            treatment_direction: optional(&form.treatment_direction),
            previously_treated_at: prior
                .iter()
                .map(|row| PriorTreatment {
                    facility_name: row.value(0).trim().to_string(),
                    from_date: parse_date(row.value(1)),
                    to_date: parse_date(row.value(2)),
                })
                .collect(),
            specialty: optional(&form.specialty),
        },
        transport: Transport {
            means: form.means.parse().ok(),
            escort_name: optional(&form.escort_name),
            escort_title: optional(&form.escort_title),
            emergency_centre_requested: form.emergency_centre,
        },
        signed_by: signatory(&form.signer_name, &form.signer_title),
        physician: signatory(&form.physician_name, &form.physician_title),
        attachments: form.attachments.lines().filter_map(optional).collect(),
    };
    (input, unreadable)
}

/// A new slip as typed so far, kept in this browser (`localStorage`, per user) until it
/// is saved or sent: a closed tab or a lost connection loses nothing. Clinical data on
/// the user's own device, like the form on screen; removed on save.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub(super) struct LocalDraft {
    pub(super) form: SlipForm,
    pub(super) diagnoses: Vec<Vec<String>>,
    pub(super) prior: Vec<Vec<String>>,
}

impl LocalDraft {
    /// The `localStorage` key of a user's unsent slip.
    pub(super) fn key(user_id: i64) -> String {
        format!("tuyen.referral-draft.{user_id}")
    }

    /// Whether nothing was typed yet.
    pub(super) fn is_blank(&self) -> bool {
        self.form == SlipForm::default()
            && self
                .diagnoses
                .iter()
                .chain(&self.prior)
                .all(|row| row.iter().all(|v| v.trim().is_empty()))
    }
}
