//! Techniques (kỹ thuật): the catalogue of named techniques with the specialty and the
//! technical level each belongs to, the status of a technique at a facility, the
//! regional specialty networks that decide which hospital does what (seed 003), and the
//! coverage rule of seed 001 ("facilities performing 80 % of their level's techniques").
//!
//! Everything here is public data of the network: no field is about a patient.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use validator::{Validate, ValidationError};

use crate::registry::{Capability, CapabilityKind, FacilityRef, TechnicalLevel};
use crate::validation;

labelled_enum! {
    /// Where a technique stands at a facility.
    #[derive(Default)]
    pub enum TechniqueStatus {
        #[default]
        Performing = "performing", "Đang thực hiện", "Performing";
        InTransfer = "in_transfer", "Đang nhận chuyển giao", "Being transferred";
        Suspended = "suspended", "Tạm ngừng", "Suspended";
    }
}

labelled_enum! {
    /// How a facility came to a capability.
    #[derive(Default)]
    pub enum CapabilitySource {
        #[default]
        Declared = "declared", "Cơ sở tự khai báo", "Declared by the facility";
        Approval = "approval", "Được phê duyệt danh mục kỹ thuật", "Approved technique list";
        TransferAgreement = "transfer_agreement", "Nhận chuyển giao kỹ thuật", "Technique transfer agreement";
    }
}

labelled_enum! {
    /// The part a facility plays in a regional specialty network.
    pub enum NetworkRole {
        EndLine = "end_line", "Bệnh viện tuyến cuối", "End-line hospital";
        Provincial = "provincial", "Bệnh viện tuyến tỉnh", "Provincial hospital";
        Centre = "centre", "Trung tâm Y tế khu vực", "Regional health centre";
    }
}

/// The pattern of a specialty or technique code, as the contract states it.
pub const CODE_PATTERN: &str = r"^[a-z0-9_]{2,48}$";

/// A technique of the catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Technique {
    /// Id.
    pub id: i64,
    /// Code (lowercase snake case), e.g. `khau_vet_thuong_phan_mem`.
    pub code: String,
    /// Name, e.g. "Khâu vết thương phần mềm".
    pub name: String,
    /// Specialty code (see `SPECIALTIES`).
    pub specialty: String,
    /// The technical level whose facilities are expected to perform it.
    pub level: TechnicalLevel,
    /// Whether it is still in the catalogue (a retired technique keeps its history).
    pub active: bool,
    /// Version for `If-Match`.
    pub version: i64,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Last changed at.
    pub updated_at: DateTime<Utc>,
}

fn known_specialty(code: &str) -> Result<(), ValidationError> {
    validation::specialty_code(code)?;
    if crate::registry::SPECIALTIES
        .iter()
        .any(|(known, _, _)| *known == code)
    {
        Ok(())
    } else {
        Err(ValidationError::new("unknown_specialty"))
    }
}

/// Body of `POST /techniques` and `PUT /techniques/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TechniqueInput {
    /// Code (lowercase snake case, unique).
    #[validate(custom(function = "validation::specialty_code"))]
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[a-z0-9_]{2,48}$"))]
    pub code: String,
    /// Name.
    #[validate(
        length(max = 200),
        custom(function = "crate::text::single_line_not_blank")
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 200,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$",
            min_length = 1
        )
    )]
    pub name: String,
    /// Specialty code (one of `SPECIALTIES`).
    #[validate(custom(function = "known_specialty"))]
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[a-z0-9_]{2,48}$"))]
    pub specialty: String,
    /// Technical level.
    pub level: TechnicalLevel,
    /// Whether it is in the catalogue (default true).
    #[serde(default = "default_true")]
    pub active: bool,
}

fn default_true() -> bool {
    true
}

impl Technique {
    /// The body that replaces this technique with what it is now.
    pub fn to_input(&self) -> TechniqueInput {
        TechniqueInput {
            code: self.code.clone(),
            name: self.name.clone(),
            specialty: self.specialty.clone(),
            level: self.level,
            active: self.active,
        }
    }
}

/// Filters of `GET /techniques`, in the order techniques were added.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct TechniqueQuery {
    /// Specialty code.
    pub specialty: Option<String>,
    /// Technical level.
    pub level: Option<TechnicalLevel>,
    /// Retired ones too (default: only those in the catalogue).
    pub include_retired: Option<bool>,
    /// Text in code or name.
    pub q: Option<String>,
    /// Page size (1–200, default 50).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<i64>,
    /// Cursor from the previous page.
    #[cfg_attr(feature = "openapi", param(pattern = r"^[0-9]{1,18}$"))]
    pub cursor: Option<String>,
}

/// A member of a regional specialty network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NetworkMember {
    /// The facility.
    pub facility: FacilityRef,
    /// Its part in the network.
    pub role: NetworkRole,
}

/// A regional specialty network (mạng lưới chuyên khoa): the facilities that share the
/// care of one specialty in a region, each with its part, so that a patient goes to the
/// nearest member able to treat them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SpecialtyNetwork {
    /// Id.
    pub id: i64,
    /// Name, e.g. "Mạng lưới đột quỵ khu vực phía Nam".
    pub name: String,
    /// Specialty code.
    pub specialty: String,
    /// The decision or document that set it up.
    pub basis: Option<String>,
    /// Members, end-line first.
    pub members: Vec<NetworkMember>,
    /// Version for `If-Match`.
    pub version: i64,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Last changed at.
    pub updated_at: DateTime<Utc>,
}

impl SpecialtyNetwork {
    /// The body that replaces this network with what it is now.
    pub fn to_input(&self) -> NetworkInput {
        NetworkInput {
            name: self.name.clone(),
            specialty: self.specialty.clone(),
            basis: self.basis.clone(),
            members: self
                .members
                .iter()
                .map(|m| NetworkMemberInput {
                    facility_id: m.facility.id,
                    role: m.role,
                })
                .collect(),
        }
    }

    /// The part `facility_id` plays in this network, if it is a member.
    pub fn role_of(&self, facility_id: i64) -> Option<NetworkRole> {
        self.members
            .iter()
            .find(|m| m.facility.id == facility_id)
            .map(|m| m.role)
    }
}

/// A member in [`NetworkInput`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NetworkMemberInput {
    /// The facility.
    pub facility_id: i64,
    /// Its part.
    pub role: NetworkRole,
}

fn distinct_members(members: &[NetworkMemberInput]) -> Result<(), ValidationError> {
    let mut seen = BTreeSet::new();
    if members.iter().all(|m| seen.insert(m.facility_id)) {
        Ok(())
    } else {
        Err(ValidationError::new("duplicate"))
    }
}

/// Body of `POST /specialty-networks` and `PUT /specialty-networks/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NetworkInput {
    /// Name.
    #[validate(
        length(max = 200),
        custom(function = "crate::text::single_line_not_blank")
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 200,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$",
            min_length = 1
        )
    )]
    pub name: String,
    /// Specialty code (one of `SPECIALTIES`).
    #[validate(custom(function = "known_specialty"))]
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[a-z0-9_]{2,48}$"))]
    pub specialty: String,
    /// The decision or document that set it up.
    #[serde(default)]
    #[validate(length(max = 300), custom(function = "crate::text::single_line"))]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 300, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$")
    )]
    pub basis: Option<String>,
    /// Members (each facility once).
    #[validate(
        nested,
        length(min = 1, max = 200),
        custom(function = "distinct_members")
    )]
    pub members: Vec<NetworkMemberInput>,
}

/// Filters of `GET /specialty-networks`, in the order networks were set up.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct NetworkQuery {
    /// Specialty code.
    pub specialty: Option<String>,
    /// Has this facility as a member.
    pub facility_id: Option<i64>,
    /// Page size (1–200, default 50).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<i64>,
    /// Cursor from the previous page.
    #[cfg_attr(feature = "openapi", param(pattern = r"^[0-9]{1,18}$"))]
    pub cursor: Option<String>,
}

/// Share of the catalogue a facility must perform to count as covering its level
/// (seed 001: "thực hiện được 80 % danh mục kỹ thuật của tuyến xã").
pub const COVERAGE_THRESHOLD_PERCENT: u32 = 80;

/// How much of its level's catalogue a facility performs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Coverage {
    /// Active techniques of the level in the catalogue.
    pub catalogue: u32,
    /// Of those, the ones the facility performs now.
    pub performing: u32,
}

impl Coverage {
    /// What `capabilities` cover of the active catalogue techniques at `level`: only
    /// techniques with the status `performing` count (one being transferred or
    /// suspended does not).
    pub fn of(catalogue: &[Technique], level: TechnicalLevel, capabilities: &[Capability]) -> Self {
        let performed: BTreeSet<&str> = capabilities
            .iter()
            .filter(|c| c.kind == CapabilityKind::Technique && c.status.counts())
            .map(|c| c.code.as_str())
            .collect();
        let of_level = catalogue
            .iter()
            .filter(|t| t.active && t.level == level)
            .collect::<Vec<_>>();
        let performing = of_level
            .iter()
            .filter(|t| performed.contains(t.code.as_str()))
            .count();
        Coverage {
            catalogue: u32::try_from(of_level.len()).unwrap_or(u32::MAX),
            performing: u32::try_from(performing).unwrap_or(u32::MAX),
        }
    }

    /// Whole per cent performed (0 when the level has no catalogue).
    pub fn percent(self) -> u32 {
        (self.performing * 100)
            .checked_div(self.catalogue)
            .unwrap_or(0)
    }

    /// Whether it reaches [`COVERAGE_THRESHOLD_PERCENT`] of a non-empty catalogue
    /// (compared exactly: 4 of 5 reaches 80 %, 79 of 99 does not).
    pub fn reaches_threshold(self) -> bool {
        self.catalogue > 0 && self.performing * 100 >= self.catalogue * COVERAGE_THRESHOLD_PERCENT
    }
}

/// What one facility performs of its level's catalogue (`GET /technique-coverage`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FacilityCoverage {
    /// The facility.
    pub facility: FacilityRef,
    /// Its technical level, whose catalogue is counted.
    pub level: TechnicalLevel,
    /// Active techniques of the level in the catalogue.
    pub catalogue: u32,
    /// Of those, the ones it performs now.
    pub performing: u32,
    /// Whole per cent performed.
    pub percent: u32,
    /// Whether it performs at least [`COVERAGE_THRESHOLD_PERCENT`] of them.
    pub reaches_threshold: bool,
    /// Catalogue techniques of the level it does not perform now (codes), for the plan
    /// of what to transfer next.
    pub missing: Vec<String>,
}

impl FacilityCoverage {
    /// The coverage of `facility` (at `level`) by its `capabilities`.
    pub fn of(
        facility: FacilityRef,
        level: TechnicalLevel,
        catalogue: &[Technique],
        capabilities: &[Capability],
    ) -> Self {
        let coverage = Coverage::of(catalogue, level, capabilities);
        let performed = |code: &str| {
            capabilities
                .iter()
                .any(|c| c.kind == CapabilityKind::Technique && c.code == code && c.status.counts())
        };
        FacilityCoverage {
            facility,
            level,
            catalogue: coverage.catalogue,
            performing: coverage.performing,
            percent: coverage.percent(),
            reaches_threshold: coverage.reaches_threshold(),
            missing: catalogue
                .iter()
                .filter(|t| t.active && t.level == level && !performed(&t.code))
                .map(|t| t.code.clone())
                .collect(),
        }
    }
}

/// Filters of `GET /technique-coverage`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct CoverageQuery {
    /// Facilities of this kind (default: every facility with a technical level).
    pub kind: Option<crate::registry::FacilityKind>,
    /// Only this facility.
    pub facility_id: Option<i64>,
}

impl TechniqueStatus {
    /// Whether a capability with this status is one the facility offers patients now:
    /// routing and coverage count only these.
    pub fn counts(self) -> bool {
        self == TechniqueStatus::Performing
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn technique(code: &str, level: TechnicalLevel, active: bool) -> Technique {
        Technique {
            id: 1,
            code: code.into(),
            name: code.into(),
            specialty: "gia_dinh".into(),
            level,
            active,
            version: 1,
            created_at: DateTime::<Utc>::UNIX_EPOCH,
            updated_at: DateTime::<Utc>::UNIX_EPOCH,
        }
    }

    fn capability(code: &str, status: TechniqueStatus) -> Capability {
        Capability {
            kind: CapabilityKind::Technique,
            code: code.into(),
            name: code.into(),
            status,
            source: CapabilitySource::Declared,
        }
    }

    #[test]
    fn coverage_counts_only_performed_active_techniques_of_the_level() {
        use TechnicalLevel::*;
        let catalogue = [
            technique("a", Initial, true),
            technique("b", Initial, true),
            technique("c", Initial, true),
            technique("d", Initial, true),
            technique("e", Initial, true),
            technique("retired", Initial, false),
            technique("higher", Basic, true),
        ];
        let mut caps = vec![
            capability("a", TechniqueStatus::Performing),
            capability("b", TechniqueStatus::Performing),
            capability("c", TechniqueStatus::Performing),
            capability("d", TechniqueStatus::InTransfer),
            capability("e", TechniqueStatus::Suspended),
            capability("retired", TechniqueStatus::Performing),
            capability("higher", TechniqueStatus::Performing),
        ];
        let coverage = Coverage::of(&catalogue, Initial, &caps);
        assert_eq!(
            coverage,
            Coverage {
                catalogue: 5,
                performing: 3
            }
        );
        assert_eq!(coverage.percent(), 60);
        assert!(!coverage.reaches_threshold());

        // The transfer signed off: 4 of 5 is exactly 80 %.
        caps[3].status = TechniqueStatus::Performing;
        let coverage = Coverage::of(&catalogue, Initial, &caps);
        assert_eq!(coverage.percent(), 80);
        assert!(coverage.reaches_threshold());

        // A specialty capability with a technique's code does not count.
        caps[3].kind = CapabilityKind::Specialty;
        assert!(!Coverage::of(&catalogue, Initial, &caps).reaches_threshold());
    }

    #[test]
    fn an_empty_catalogue_is_never_covered() {
        let coverage = Coverage::of(&[], TechnicalLevel::Initial, &[]);
        assert_eq!(coverage.percent(), 0);
        assert!(!coverage.reaches_threshold());
    }

    #[test]
    fn the_threshold_is_compared_without_rounding() {
        let just_under = Coverage {
            catalogue: 99,
            performing: 79,
        };
        assert_eq!(just_under.percent(), 79);
        assert!(!just_under.reaches_threshold());
        assert!(
            Coverage {
                catalogue: 10,
                performing: 8
            }
            .reaches_threshold()
        );
    }

    #[test]
    fn network_input_refuses_a_facility_twice_and_unknown_specialties() {
        let input = NetworkInput {
            name: "Mạng lưới đột quỵ".into(),
            specialty: "dot_quy".into(),
            basis: None,
            members: vec![
                NetworkMemberInput {
                    facility_id: 1,
                    role: NetworkRole::EndLine,
                },
                NetworkMemberInput {
                    facility_id: 1,
                    role: NetworkRole::Provincial,
                },
            ],
        };
        let errors = input.validate().err();
        assert!(errors.is_some_and(|e| e.field_errors().contains_key("members")));

        let unknown = NetworkInput {
            specialty: "khong_co".into(),
            members: vec![NetworkMemberInput {
                facility_id: 1,
                role: NetworkRole::EndLine,
            }],
            ..input
        };
        let errors = unknown.validate().err();
        assert!(errors.is_some_and(|e| e.field_errors().contains_key("specialty")));
    }

    #[test]
    fn statuses_and_roles_have_vietnamese_labels() {
        use crate::{Labelled, Lang};
        assert_eq!(
            TechniqueStatus::InTransfer.label(Lang::Vi),
            "Đang nhận chuyển giao"
        );
        assert_eq!(NetworkRole::EndLine.label(Lang::Vi), "Bệnh viện tuyến cuối");
        assert!(TechniqueStatus::Performing.counts());
        assert!(!TechniqueStatus::Suspended.counts());
        assert_eq!(TechniqueStatus::default(), TechniqueStatus::Performing);
    }
}
