//! Privacy by field: every field of a referral, a follow-up, a consultation case and
//! their events is either public metadata or patient/clinical data, and the latter is
//! shown only to the two parties (the sending and receiving, or requesting and
//! consulting, facility) and to admins, whose reads are audited.
//!
//! The classification is one table per answer type ([`Classified::FIELDS`]); the
//! backend applies it in one place ([`shown_to`]) when it builds an answer. A backend
//! test walks the OpenAPI response schemas of these types and fails for any field
//! missing here, and a test below checks that [`Classified::clear_clinical`] clears
//! exactly the fields the table calls clinical.
//!
//! For a reader who is not a party a clinical field is `null` (optional fields) or an
//! empty list (list fields); the schema description of each field says so.

use crate::consultation::{CaseSummary, ConsultationCase};
use crate::referral::{FollowUp, FollowUpVisit, Referral, ReferralEvent, ReferralSummary};

/// What a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldClass {
    /// Public metadata: who, where, when, status. Seen by every reader of the record.
    Public,
    /// Patient identity or clinical text: the two parties and admins only.
    Clinical,
    /// A public list or object whose own fields are classified by their type's table.
    Nested(&'static str),
}

/// An answer type whose fields are classified.
pub trait Classified {
    /// The type's name in the OpenAPI document.
    const SCHEMA: &'static str;
    /// Every field of the type with its class.
    const FIELDS: &'static [(&'static str, FieldClass)];
    /// Clears every clinical field (to `None` or an empty list), recursing into the
    /// nested classified parts.
    fn clear_clinical(&mut self);
}

/// The value as a reader sees it: whole for a party (`sees_patient`), without its
/// clinical fields for everyone else.
pub fn shown_to<T: Classified>(mut value: T, sees_patient: bool) -> T {
    if !sees_patient {
        value.clear_clinical();
    }
    value
}

/// Every classified schema with its table, for the tests that walk the contract.
pub fn tables() -> Vec<(&'static str, &'static [(&'static str, FieldClass)])> {
    fn entry<T: Classified>() -> (&'static str, &'static [(&'static str, FieldClass)]) {
        (T::SCHEMA, T::FIELDS)
    }
    vec![
        entry::<Referral>(),
        entry::<ReferralSummary>(),
        entry::<ReferralEvent>(),
        entry::<FollowUp>(),
        entry::<FollowUpVisit>(),
        entry::<ConsultationCase>(),
        entry::<CaseSummary>(),
    ]
}

use FieldClass::{Clinical, Nested, Public};

impl Classified for Referral {
    const SCHEMA: &'static str = "Referral";
    const FIELDS: &'static [(&'static str, FieldClass)] = &[
        ("id", Public),
        ("slip_number", Public),
        ("status", Public),
        ("from_facility", Public),
        ("to_facility", Public),
        ("direction", Public),
        ("urgency", Public),
        ("reason", Public),
        ("reason_text", Clinical),
        ("patient", Clinical),
        ("patient_initials", Public),
        ("clinical", Clinical),
        // Means, escort (a staff member) and the 115 request: logistics, no patient.
        ("transport", Public),
        ("signed_by", Public),
        ("physician", Public),
        ("attachments", Clinical),
        ("created_by", Public),
        ("created_at", Public),
        ("updated_at", Public),
        ("sent_at", Public),
        ("answered_at", Public),
        ("arrived_at", Public),
        ("closed_at", Public),
        ("status_reason", Clinical),
        ("signed_on", Public),
        ("valid_until", Public),
        ("long_validity", Public),
        ("expired", Public),
        ("answer_due", Public),
        ("overdue", Public),
        ("outcome", Public),
        ("discharge_summary", Clinical),
        ("discharge_diagnoses", Clinical),
        ("origin", Public),
        ("successors", Public),
        ("follow_ups", Nested("FollowUp")),
        ("allowed_actions", Public),
        ("editable", Public),
        ("version", Public),
    ];

    fn clear_clinical(&mut self) {
        self.reason_text = None;
        self.patient = None;
        self.clinical = None;
        self.attachments.clear();
        self.status_reason = None;
        self.discharge_summary = None;
        self.discharge_diagnoses.clear();
        self.follow_ups
            .iter_mut()
            .for_each(Classified::clear_clinical);
    }
}

impl Classified for ReferralSummary {
    const SCHEMA: &'static str = "ReferralSummary";
    const FIELDS: &'static [(&'static str, FieldClass)] = &[
        ("id", Public),
        ("slip_number", Public),
        ("status", Public),
        ("from_facility", Public),
        ("to_facility", Public),
        ("direction", Public),
        ("urgency", Public),
        ("reason", Public),
        ("patient_name", Clinical),
        ("patient_initials", Public),
        ("main_diagnosis", Clinical),
        ("created_at", Public),
        ("sent_at", Public),
        ("answer_due", Public),
        ("overdue", Public),
        ("valid_until", Public),
        ("expired", Public),
        ("outcome", Public),
        ("open_follow_ups", Public),
    ];

    fn clear_clinical(&mut self) {
        self.patient_name = None;
        self.main_diagnosis = None;
    }
}

impl Classified for ReferralEvent {
    const SCHEMA: &'static str = "ReferralEvent";
    const FIELDS: &'static [(&'static str, FieldClass)] = &[
        ("id", Public),
        ("referral_id", Public),
        ("kind", Public),
        ("from_status", Public),
        ("to_status", Public),
        ("actor", Public),
        ("actor_name", Public),
        ("actor_role", Public),
        ("facility", Public),
        ("at", Public),
        ("note", Clinical),
    ];

    fn clear_clinical(&mut self) {
        self.note = None;
    }
}

impl Classified for FollowUp {
    const SCHEMA: &'static str = "FollowUp";
    const FIELDS: &'static [(&'static str, FieldClass)] = &[
        ("id", Public),
        ("referral_id", Public),
        ("back_referral_id", Public),
        ("facility", Public),
        ("patient_name", Clinical),
        ("patient_initials", Public),
        ("due_on", Public),
        ("instructions", Clinical),
        ("status", Public),
        ("overdue", Public),
        ("visits", Nested("FollowUpVisit")),
        ("closed_at", Public),
        ("version", Public),
    ];

    fn clear_clinical(&mut self) {
        self.patient_name = None;
        self.instructions = None;
        self.visits.iter_mut().for_each(Classified::clear_clinical);
    }
}

impl Classified for FollowUpVisit {
    const SCHEMA: &'static str = "FollowUpVisit";
    const FIELDS: &'static [(&'static str, FieldClass)] = &[
        ("id", Public),
        ("visited_on", Public),
        ("notes", Clinical),
        ("recorded_by", Public),
        ("recorded_at", Public),
    ];

    fn clear_clinical(&mut self) {
        self.notes = None;
    }
}

impl Classified for ConsultationCase {
    const SCHEMA: &'static str = "ConsultationCase";
    const FIELDS: &'static [(&'static str, FieldClass)] = &[
        ("id", Public),
        ("status", Public),
        ("requesting_facility", Public),
        ("consulting_facility", Public),
        // The session calendar is the network's (title, time, place, link).
        ("session", Public),
        ("patient", Clinical),
        ("patient_initials", Public),
        ("summary", Clinical),
        ("question", Clinical),
        ("specialty", Public),
        ("urgency", Public),
        ("conclusion", Public),
        ("conclusion_note", Clinical),
        ("concluded_by", Public),
        ("concluded_at", Public),
        ("referral_avoided", Public),
        ("referral", Public),
        ("outcome", Clinical),
        ("outcome_at", Public),
        ("status_reason", Clinical),
        ("created_by", Public),
        ("created_at", Public),
        ("updated_at", Public),
        ("allowed_actions", Public),
        ("version", Public),
    ];

    fn clear_clinical(&mut self) {
        self.patient = None;
        self.summary = None;
        self.question = None;
        self.conclusion_note = None;
        self.outcome = None;
        self.status_reason = None;
    }
}

impl Classified for CaseSummary {
    const SCHEMA: &'static str = "CaseSummary";
    const FIELDS: &'static [(&'static str, FieldClass)] = &[
        ("id", Public),
        ("status", Public),
        ("requesting_facility", Public),
        ("consulting_facility", Public),
        ("session_id", Public),
        ("session_starts_at", Public),
        ("patient_name", Clinical),
        ("patient_initials", Public),
        ("specialty", Public),
        ("urgency", Public),
        ("conclusion", Public),
        ("referral_id", Public),
        ("created_at", Public),
    ];

    fn clear_clinical(&mut self) {
        self.patient_name = None;
    }
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone, Utc};
    use serde::Serialize;
    use serde_json::Value;

    use super::*;
    use crate::consultation::{CaseStatus, Conclusion};
    use crate::referral::{
        ClinicalSummary, Diagnosis, Direction, FollowUpStatus, Patient, ReferralEventKind,
        ReferralReason, ReferralStatus, Sex, Transport, Urgency,
    };
    use crate::registry::FacilityRef;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 2).unwrap_or_default()
    }

    fn at() -> chrono::DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0)
            .single()
            .unwrap_or_default()
    }

    fn facility(id: i64) -> FacilityRef {
        FacilityRef {
            id,
            code: format!("F{id}"),
            name: format!("Facility {id}"),
            kind: crate::registry::FacilityKind::HealthStation,
        }
    }

    fn patient() -> Patient {
        Patient {
            full_name: "Nguyễn Văn An".into(),
            birth_date: Some(day()),
            birth_year: None,
            sex: Sex::Male,
            citizen_id: None,
            insurance_number: None,
            insurance_expiry: None,
            address: None,
            ethnicity: None,
            nationality: "Việt Nam".into(),
            occupation: None,
            workplace: None,
            contact_phone: None,
        }
    }

    fn diagnosis() -> Diagnosis {
        Diagnosis {
            code: "I10".into(),
            name: "Tăng huyết áp".into(),
        }
    }

    fn visit() -> FollowUpVisit {
        FollowUpVisit {
            id: 1,
            visited_on: day(),
            notes: Some("huyết áp 150/90".into()),
            recorded_by: "tram".into(),
            recorded_at: at(),
        }
    }

    fn follow_up() -> FollowUp {
        FollowUp {
            id: 1,
            referral_id: 2,
            back_referral_id: Some(3),
            facility: facility(1),
            patient_name: Some("Nguyễn Văn An".into()),
            patient_initials: "N.V.A.".into(),
            due_on: day(),
            instructions: Some("đo huyết áp mỗi tuần".into()),
            status: FollowUpStatus::Open,
            overdue: false,
            visits: vec![visit()],
            closed_at: Some(at()),
            version: 1,
        }
    }

    fn referral() -> Referral {
        Referral {
            id: 1,
            slip_number: "F1/2026/1".into(),
            status: ReferralStatus::Completed,
            from_facility: facility(1),
            to_facility: facility(2),
            direction: Direction::Up,
            urgency: Urgency::Urgent,
            reason: ReferralReason::BeyondCapability,
            reason_text: Some("đau ngực".into()),
            patient: Some(patient()),
            patient_initials: "N.V.A.".into(),
            clinical: Some(ClinicalSummary::default()),
            transport: Transport::default(),
            signed_by: None,
            physician: None,
            attachments: vec!["xquang.pdf".into()],
            created_by: "tram".into(),
            created_at: at(),
            updated_at: at(),
            sent_at: Some(at()),
            answered_at: Some(at()),
            arrived_at: Some(at()),
            closed_at: Some(at()),
            status_reason: Some("người nhà xin về".into()),
            signed_on: Some(day()),
            valid_until: Some(day()),
            long_validity: true,
            expired: false,
            answer_due: Some(at()),
            overdue: false,
            outcome: None,
            discharge_summary: Some("ổn định".into()),
            discharge_diagnoses: vec![diagnosis()],
            origin: None,
            successors: Vec::new(),
            follow_ups: vec![follow_up()],
            allowed_actions: Vec::new(),
            editable: false,
            version: 3,
        }
    }

    fn summary() -> ReferralSummary {
        ReferralSummary {
            id: 1,
            slip_number: "F1/2026/1".into(),
            status: ReferralStatus::Sent,
            from_facility: facility(1),
            to_facility: facility(2),
            direction: Direction::Up,
            urgency: Urgency::Routine,
            reason: ReferralReason::PatientRequest,
            patient_name: Some("Nguyễn Văn An".into()),
            patient_initials: "N.V.A.".into(),
            main_diagnosis: Some(diagnosis()),
            created_at: at(),
            sent_at: None,
            answer_due: None,
            overdue: false,
            valid_until: None,
            expired: false,
            outcome: None,
            open_follow_ups: 0,
        }
    }

    fn event() -> ReferralEvent {
        ReferralEvent {
            id: 1,
            referral_id: 1,
            kind: ReferralEventKind::Decline,
            from_status: Some(ReferralStatus::Sent),
            to_status: ReferralStatus::Declined,
            actor: "bv".into(),
            actor_name: Some("BS. Lê Văn Cường".into()),
            actor_role: None,
            facility: facility(2),
            at: at(),
            note: Some("hết giường hồi sức".into()),
        }
    }

    fn case() -> ConsultationCase {
        ConsultationCase {
            id: 1,
            status: CaseStatus::Closed,
            requesting_facility: facility(1),
            consulting_facility: facility(2),
            session: None,
            patient: Some(patient()),
            patient_initials: "N.V.A.".into(),
            summary: Some("sốt ba ngày".into()),
            question: Some("có cần chuyển?".into()),
            specialty: Some("noi".into()),
            urgency: Urgency::Routine,
            conclusion: Some(Conclusion::ManageLocally),
            conclusion_note: Some("kháng sinh".into()),
            concluded_by: Some("bs".into()),
            concluded_at: Some(at()),
            referral_avoided: true,
            referral: None,
            outcome: Some("khỏi".into()),
            outcome_at: Some(at()),
            status_reason: Some("bệnh nhân tử vong".into()),
            created_by: "tram".into(),
            created_at: at(),
            updated_at: at(),
            allowed_actions: Vec::new(),
            version: 1,
        }
    }

    fn case_summary() -> CaseSummary {
        CaseSummary {
            id: 1,
            status: CaseStatus::Requested,
            requesting_facility: facility(1),
            consulting_facility: facility(2),
            session_id: None,
            session_starts_at: None,
            patient_name: Some("Nguyễn Văn An".into()),
            patient_initials: "N.V.A.".into(),
            specialty: None,
            urgency: Urgency::Routine,
            conclusion: None,
            referral_id: None,
            created_at: at(),
        }
    }

    fn empty(value: &Value) -> bool {
        value.is_null() || value.as_array().is_some_and(Vec::is_empty)
    }

    /// Clearing a sample whose every clinical field is filled: the table and the code
    /// agree field by field, and nothing public changes.
    fn check<T: Classified + Serialize + Clone>(sample: T) {
        let before = serde_json::to_value(sample.clone()).unwrap_or_default();
        let after = serde_json::to_value(shown_to(sample, false)).unwrap_or_default();
        let (Some(before), Some(after)) = (before.as_object(), after.as_object()) else {
            panic!("{} is not an object", T::SCHEMA);
        };
        let named: Vec<&str> = T::FIELDS.iter().map(|(name, _)| *name).collect();
        for key in before.keys() {
            assert!(
                named.contains(&key.as_str()),
                "{}.{key} unclassified",
                T::SCHEMA
            );
        }
        for (name, class) in T::FIELDS {
            let (b, a) = (&before[*name], &after[*name]);
            match class {
                Clinical => {
                    assert!(!empty(b), "{}.{name}: fill it in the sample", T::SCHEMA);
                    assert!(empty(a), "{}.{name} kept for a non-party", T::SCHEMA);
                }
                Public => assert_eq!(b, a, "{}.{name} changed", T::SCHEMA),
                Nested(_) => assert!(!empty(a), "{}.{name} dropped", T::SCHEMA),
            }
        }
    }

    #[test]
    fn clearing_matches_the_tables() {
        check(referral());
        check(summary());
        check(event());
        check(follow_up());
        check(visit());
        check(case());
        check(case_summary());
        let seen = shown_to(referral(), false);
        assert_eq!(seen.follow_ups[0].instructions, None);
        assert_eq!(seen.follow_ups[0].visits[0].notes, None);
        assert_eq!(shown_to(referral(), true), referral());
    }

    #[test]
    fn every_table_is_listed_once() {
        let names: Vec<&str> = tables().iter().map(|(name, _)| *name).collect();
        let mut unique = names.clone();
        unique.dedup();
        assert_eq!(names, unique);
        for (_, fields) in tables() {
            for (_, class) in fields {
                if let Nested(inner) = class {
                    assert!(names.contains(inner), "{inner} has no table");
                }
            }
        }
    }
}
