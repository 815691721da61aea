//! The request and response bodies of `/transfer-agreements`.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use validator::{Validate, ValidationError};

use super::{AgreementAction, AgreementParty, AgreementStatus, RetentionFlag};
use crate::registry::FacilityRef;
use crate::validation;

/// The most techniques one agreement transfers.
pub const MAX_TECHNIQUES: usize = 20;
/// The most trainees of one agreement.
pub const MAX_TRAINEES: usize = 50;

labelled_enum! {
    /// What the receiving facility must have before it performs the technique.
    pub enum ReadinessKind {
        Equipment = "equipment", "Trang thiết bị", "Equipment";
        Room = "room", "Phòng / buồng thực hiện kỹ thuật", "Room";
        Supplies = "supplies", "Thuốc, vật tư tiêu hao", "Drugs and supplies";
        Licence = "licence", "Chứng chỉ, phạm vi hành nghề của học viên", "Trainees' licence and scope of practice";
        Protocol = "protocol", "Quy trình kỹ thuật được phê duyệt áp dụng", "Protocol adopted";
    }
}

labelled_enum! {
    /// Where one readiness item stands.
    pub enum ReadinessState {
        Pending = "pending", "Chưa kiểm tra", "Not checked";
        Ready = "ready", "Đạt", "Ready";
        NotReady = "not_ready", "Chưa đạt", "Not ready";
    }
}

labelled_enum! {
    /// How a trainee left the receiving facility.
    pub enum DepartureKind {
        Resigned = "resigned", "Nghỉ việc (chuyển sang cơ sở tư nhân…)", "Resigned";
        Moved = "moved", "Chuyển công tác", "Moved to another post";
        Retired = "retired", "Nghỉ hưu", "Retired";
    }
}

fn distinct_ids(values: &[i64]) -> Result<(), ValidationError> {
    let mut seen = BTreeSet::new();
    if values.iter().all(|id| *id > 0 && seen.insert(*id)) {
        Ok(())
    } else {
        Err(ValidationError::new("duplicate"))
    }
}

fn agreement_rules(input: &AgreementInput) -> Result<(), ValidationError> {
    if input.giving_facility_id == input.receiving_facility_id {
        return Err(validation::on_field(
            ValidationError::new("same_facility"),
            "receiving_facility_id",
        ));
    }
    if input.ends_on.is_some_and(|end| end < input.starts_on) {
        return Err(validation::date_order_error("ends_on"));
    }
    Ok(())
}

/// Body to draft an agreement (`POST /transfer-agreements`, accepts `Idempotency-Key`)
/// or replace a draft (`PUT /transfer-agreements/{id}` with `If-Match`). The caller's
/// facility is one of the two sides.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[validate(schema(function = "agreement_rules", skip_on_field_errors = false))]
pub struct AgreementInput {
    /// Title, e.g. "Chuyển giao kỹ thuật ghi điện tim cho Trạm Y tế Bình Hòa".
    #[validate(
        length(min = 1, max = 300),
        custom(function = "crate::text::single_line_not_blank")
    )]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 300))]
    pub title: String,
    /// The facility that transfers (an end-line or provincial hospital, a centre).
    #[validate(range(min = 1))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub giving_facility_id: i64,
    /// The facility that receives the techniques.
    #[validate(range(min = 1))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub receiving_facility_id: i64,
    /// Codes of active catalogue techniques, 1–20.
    #[validate(
        length(min = 1, max = 20),
        custom(function = "validation::specialty_codes")
    )]
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 20))]
    pub techniques: Vec<String>,
    /// The person responsible at the transferring facility (its staff).
    #[validate(range(min = 1))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub giving_lead_id: i64,
    /// The person responsible at the receiving facility (its staff).
    #[validate(range(min = 1))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub receiving_lead_id: i64,
    /// When the agreement starts.
    pub starts_on: NaiveDate,
    /// When it is due to end (optional).
    #[serde(default)]
    pub ends_on: Option<NaiveDate>,
    /// Basis (the plan, the decision) and terms.
    #[serde(default)]
    #[validate(length(max = 2000), custom(function = "crate::text::multi_line"))]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub note: Option<String>,
}

/// Body of `POST /transfer-agreements/{id}/trainees` (`If-Match`, the receiving side):
/// the staff of the receiving facility to be trained, replacing the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TraineesInput {
    /// Staff ids, 0–50, each once.
    #[validate(length(max = 50), custom(function = "distinct_ids"))]
    #[cfg_attr(feature = "openapi", schema(max_items = 50))]
    pub staff_ids: Vec<i64>,
}

/// Body of `POST /transfer-agreements/{id}/sessions`: a training session and who
/// attended it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInput {
    /// The day it was held.
    pub held_on: NaiveDate,
    /// What was taught (theory, supervised practice…).
    #[validate(
        length(min = 1, max = 300),
        custom(function = "crate::text::single_line_not_blank")
    )]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 300))]
    pub topic: String,
    /// Hours, 1–24.
    #[validate(range(min = 1, max = 24))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 24))]
    pub hours: i32,
    /// Staff ids of the trainees present.
    #[validate(length(max = 50), custom(function = "distinct_ids"))]
    #[cfg_attr(feature = "openapi", schema(max_items = 50))]
    pub attended: Vec<i64>,
}

/// Body of `POST /transfer-agreements/{id}/readiness`: the state of one readiness item
/// and its evidence (a ready item needs evidence).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReadinessInput {
    /// The item.
    pub kind: ReadinessKind,
    /// Ready or not.
    pub state: ReadinessState,
    /// The evidence: the equipment's hand-over record, the licence numbers, the
    /// decision adopting the protocol; or what is missing.
    #[serde(default)]
    #[validate(length(max = 1000), custom(function = "crate::text::multi_line"))]
    #[cfg_attr(feature = "openapi", schema(max_length = 1000))]
    pub evidence: Option<String>,
}

/// Body of `POST /transfer-agreements/{id}/sign_off`: the transferring side names the
/// trainees it certifies competent; the receiving side sends none.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignOffInput {
    /// Staff ids of the certified trainees (the transferring side, at least one).
    #[serde(default)]
    #[validate(length(max = 50), custom(function = "distinct_ids"))]
    #[cfg_attr(feature = "openapi", schema(max_items = 50))]
    pub certified: Vec<i64>,
}

/// Body of `POST /transfer-agreements/{id}/reviews`: a six-monthly review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewInput {
    /// The day of the review.
    pub reviewed_on: NaiveDate,
    /// Cases performed with the technique since the sign-off (or the last review).
    #[validate(range(min = 0, max = 100000))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 100000))]
    pub cases_performed: i32,
    /// Issues found and what the parties agreed.
    #[serde(default)]
    #[validate(length(max = 2000), custom(function = "crate::text::multi_line"))]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub issues: Option<String>,
}

/// Body of `POST /transfer-agreements/{id}/departures`: a trainee who left the
/// receiving facility.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DepartureInput {
    /// The trainee's staff id.
    #[validate(range(min = 1))]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub staff_id: i64,
    /// The day they left.
    pub left_on: NaiveDate,
    /// How.
    pub kind: DepartureKind,
    /// Where to, why.
    #[serde(default)]
    #[validate(length(max = 500), custom(function = "crate::text::multi_line"))]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub note: Option<String>,
}

/// Body of `POST /transfer-agreements/{id}/suspend`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SuspendInput {
    /// Why (trainees left, equipment not delivered…).
    #[validate(
        length(min = 1, max = 1000),
        custom(function = "crate::text::multi_line_not_blank")
    )]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 1000))]
    pub reason: String,
}

/// A person named on an agreement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgreementPerson {
    /// Staff id.
    pub staff_id: i64,
    /// Full name.
    pub full_name: String,
    /// Title (BS, ĐD…).
    pub title: Option<String>,
}

/// A technique an agreement transfers, with where it stands at the receiving facility.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgreementTechnique {
    /// Catalogue code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Its status at the receiving facility now, if it has it.
    pub status_at_receiver: Option<crate::technique::TechniqueStatus>,
}

/// A signature of one side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Signature {
    /// Who signed (their account).
    pub by: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// The signatures of an agreement: of the agreement itself, then of the acceptance.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Signatures {
    /// The transferring side signed the agreement.
    pub giving_signed: Option<Signature>,
    /// The receiving side signed the agreement.
    pub receiving_signed: Option<Signature>,
    /// The transferring side signed the acceptance (and certified the trainees).
    pub giving_signed_off: Option<Signature>,
    /// The receiving side signed the acceptance.
    pub receiving_signed_off: Option<Signature>,
}

/// A trainee who left.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Departure {
    /// The day they left.
    pub left_on: NaiveDate,
    /// How.
    pub kind: DepartureKind,
    /// Note.
    pub note: Option<String>,
    /// Who recorded it.
    pub recorded_by: String,
}

/// A trainee of an agreement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Trainee {
    /// Staff id.
    pub staff_id: i64,
    /// Full name.
    pub full_name: String,
    /// Title.
    pub title: Option<String>,
    /// Sessions attended.
    pub sessions_attended: u32,
    /// Certified competent at the sign-off.
    pub certified: bool,
    /// Recorded as having left.
    pub departure: Option<Departure>,
    /// No longer an active member of the receiving facility's staff in the registry
    /// (moved or deactivated), whether or not a departure was recorded.
    pub gone_from_registry: bool,
    /// Why the trainee is flagged, if they are ([`super::retention_flag`]).
    pub flag: Option<RetentionFlag>,
}

/// A training session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrainingSession {
    /// Id.
    pub id: i64,
    /// The day.
    pub held_on: NaiveDate,
    /// What was taught.
    pub topic: String,
    /// Hours.
    pub hours: i32,
    /// Staff ids of the trainees present.
    pub attended: Vec<i64>,
    /// Who recorded it.
    pub recorded_by: String,
}

/// One item of the readiness checklist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReadinessItem {
    /// The item.
    pub kind: ReadinessKind,
    /// Where it stands.
    pub state: ReadinessState,
    /// Evidence, or what is missing.
    pub evidence: Option<String>,
    /// Who confirmed it (their account), and their side.
    pub confirmed_by: Option<String>,
    /// The side that confirmed it.
    pub confirmed_side: Option<AgreementParty>,
    /// When.
    pub confirmed_at: Option<DateTime<Utc>>,
}

/// A six-monthly review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Review {
    /// Id.
    pub id: i64,
    /// The day.
    pub reviewed_on: NaiveDate,
    /// Cases performed with the technique in the period, as entered.
    pub cases_performed: i32,
    /// Referrals avoided by consultation at the receiving facility in the same period,
    /// counted from the system (all techniques).
    pub referrals_avoided: i64,
    /// Issues and what was agreed.
    pub issues: Option<String>,
    /// Who recorded it.
    pub recorded_by: String,
}

/// Counts of an agreement's certified trainees by what became of them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Retention {
    /// Trainees certified at the sign-off.
    pub certified: u32,
    /// Of which flagged: left within 24 months of the sign-off.
    pub flagged: u32,
    /// Of which still at the receiving facility.
    pub staying: u32,
}

/// A transfer agreement as one of its readers sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Agreement {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Status.
    pub status: AgreementStatus,
    /// Why it is suspended.
    pub status_reason: Option<String>,
    /// The transferring facility.
    pub giving_facility: FacilityRef,
    /// The receiving facility.
    pub receiving_facility: FacilityRef,
    /// Techniques.
    pub techniques: Vec<AgreementTechnique>,
    /// Responsible at the transferring facility.
    pub giving_lead: AgreementPerson,
    /// Responsible at the receiving facility.
    pub receiving_lead: AgreementPerson,
    /// Start.
    pub starts_on: NaiveDate,
    /// Planned end.
    pub ends_on: Option<NaiveDate>,
    /// Basis and terms.
    pub note: Option<String>,
    /// Signatures of both sides.
    pub signatures: Signatures,
    /// The day both sides signed off.
    pub signed_off_on: Option<NaiveDate>,
    /// When the next six-monthly review is due (signed off, not closed).
    pub next_review_due: Option<NaiveDate>,
    /// Trainees.
    pub trainees: Vec<Trainee>,
    /// Training sessions, oldest first.
    pub sessions: Vec<TrainingSession>,
    /// The readiness checklist, one item of each kind.
    pub readiness: Vec<ReadinessItem>,
    /// Six-monthly reviews, oldest first.
    pub reviews: Vec<Review>,
    /// What became of the certified trainees.
    pub retention: Retention,
    /// How the reader's facility stands to it.
    pub party: AgreementParty,
    /// What the reader may do now (the buttons).
    pub allowed_actions: Vec<AgreementAction>,
    /// Who drafted it.
    pub created_by: String,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Last changed at.
    pub updated_at: DateTime<Utc>,
    /// Version for `If-Match`.
    pub version: i64,
}

impl Agreement {
    /// The body that replaces this draft with what it is now.
    pub fn to_input(&self) -> AgreementInput {
        AgreementInput {
            title: self.title.clone(),
            giving_facility_id: self.giving_facility.id,
            receiving_facility_id: self.receiving_facility.id,
            techniques: self.techniques.iter().map(|t| t.code.clone()).collect(),
            giving_lead_id: self.giving_lead.staff_id,
            receiving_lead_id: self.receiving_lead.staff_id,
            starts_on: self.starts_on,
            ends_on: self.ends_on,
            note: self.note.clone(),
        }
    }

    /// The readiness items not ready yet.
    pub fn unready(&self) -> Vec<ReadinessKind> {
        self.readiness
            .iter()
            .filter(|item| item.state != ReadinessState::Ready)
            .map(|item| item.kind)
            .collect()
    }
}

/// An agreement as listed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgreementSummary {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Status.
    pub status: AgreementStatus,
    /// The transferring facility.
    pub giving_facility: FacilityRef,
    /// The receiving facility.
    pub receiving_facility: FacilityRef,
    /// Technique names.
    pub techniques: Vec<String>,
    /// Start.
    pub starts_on: NaiveDate,
    /// Signed off on.
    pub signed_off_on: Option<NaiveDate>,
    /// Trainees.
    pub trainees: u32,
    /// Readiness items not ready.
    pub unready: u32,
    /// Trainees flagged (left before or within 24 months of the sign-off).
    pub flagged_trainees: u32,
    /// Next review due (signed off, not closed).
    pub next_review_due: Option<NaiveDate>,
    /// Whether that review is late.
    pub review_late: bool,
}

/// Filters of `GET /transfer-agreements`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct AgreementQuery {
    /// A facility on either side.
    pub facility_id: Option<i64>,
    /// Status.
    pub status: Option<AgreementStatus>,
    /// A technique code.
    #[cfg_attr(feature = "openapi", param(pattern = r"^[a-z0-9_]{2,48}$"))]
    pub technique: Option<String>,
    /// Only those with flagged trainees.
    pub flagged: Option<bool>,
    /// Page size (1–200, default 50).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<i64>,
    /// Cursor from the previous page.
    #[cfg_attr(feature = "openapi", param(pattern = r"^[0-9]{1,18}$"))]
    pub cursor: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> AgreementInput {
        AgreementInput {
            title: "Chuyển giao kỹ thuật ghi điện tim".into(),
            giving_facility_id: 1,
            receiving_facility_id: 2,
            techniques: vec!["dien_tim_thuong".into()],
            giving_lead_id: 10,
            receiving_lead_id: 20,
            starts_on: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap_or_default(),
            ends_on: None,
            note: None,
        }
    }

    #[test]
    fn an_agreement_needs_two_facilities_a_technique_and_dates_in_order() {
        assert!(input().validate().is_ok());
        let same = AgreementInput {
            receiving_facility_id: 1,
            ..input()
        };
        assert!(same.validate().is_err());
        let none = AgreementInput {
            techniques: vec![],
            ..input()
        };
        assert!(none.validate().is_err());
        let twice = AgreementInput {
            techniques: vec!["dien_tim_thuong".into(), "dien_tim_thuong".into()],
            ..input()
        };
        assert!(twice.validate().is_err());
        let backwards = AgreementInput {
            ends_on: NaiveDate::from_ymd_opt(2026, 2, 1),
            ..input()
        };
        assert!(backwards.validate().is_err());
        let session = SessionInput {
            held_on: input().starts_on,
            topic: "Lý thuyết".into(),
            hours: 4,
            attended: vec![3, 3],
        };
        assert!(session.validate().is_err());
    }
}
