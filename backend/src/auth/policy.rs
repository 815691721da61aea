//! The whole role × facility authorization matrix, in one place. Services call
//! [`authorize`] before touching data; nothing else decides who may do what.

use shared::auth::{ApiScope, Capability, Role};
use shared::consultation::{self, CaseParty, CaseSide};
use shared::referral::{self, Party, Side};
use shared::rotation::AssignmentSide;
use shared::supervision::{self, CorrectiveSide, VisitParty, VisitSide};
use shared::transfer::{self, AgreementParty, AgreementSide};

use super::principal::{Actor, Principal};
use crate::error::ApiError;

/// Something a principal wants to do, with the facility whose data it concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read the facility registry (facilities, capabilities, support links, departments).
    ReadRegistry,
    /// Read the staff of a facility.
    ReadStaff {
        /// Facility of the staff.
        facility_id: i64,
    },
    /// See a member of staff's personal identifiers (the citizen id).
    SeeStaffCitizenId {
        /// Facility of the staff member.
        facility_id: i64,
        /// The staff member.
        staff_id: i64,
    },
    /// Create or change facilities and their capabilities.
    ManageFacilities,
    /// Create or remove support links.
    ManageSupportLinks,
    /// Add to or change the technique catalogue.
    ManageTechniques,
    /// Set up or change the regional specialty networks.
    ManageSpecialtyNetworks,
    /// Create or change the departments of a facility.
    ManageDepartments {
        /// Facility of the department.
        facility_id: i64,
    },
    /// Create or change the staff records (and leave) of a facility.
    ManageStaff {
        /// Facility of the staff.
        facility_id: i64,
    },
    /// Manage user accounts.
    ManageUsers,
    /// Manage integration clients.
    ManageApiClients,
    /// Read the audit trail.
    ReadAudit,
    /// See that a referral between two facilities exists (no patient identity).
    ReadReferral {
        /// Sending facility.
        from_facility_id: i64,
        /// Receiving facility.
        to_facility_id: i64,
    },
    /// See the patient's identity and clinical data on a referral.
    SeeReferralPatient {
        /// Sending facility.
        from_facility_id: i64,
        /// Receiving facility.
        to_facility_id: i64,
    },
    /// Issue a referral slip from the principal's own facility.
    CreateReferral,
    /// Record follow-up visits of patients back at a facility.
    ManageFollowUps {
        /// Facility where the patient is followed up.
        facility_id: i64,
    },
    /// Change the referral rules (answer windows, holidays, long-validity codes).
    ManageReferralRules,
    /// Be told (on `GET /me`) of what the referral rules lack, e.g. the coming year's
    /// holidays: admins, who complete them, and planners, whose slips and plans count
    /// on them.
    HearOfRuleGaps,
    /// See the consultation calendar: sessions with their time, place, link, participants.
    ReadConsultationSessions,
    /// Create, edit and cancel the consultation sessions a facility holds.
    ManageConsultationSessions {
        /// The facility holding the sessions.
        facility_id: i64,
    },
    /// See that a consultation case between two facilities exists (no patient identity).
    ReadConsultationCase {
        /// The facility asking.
        requesting_facility_id: i64,
        /// The facility asked.
        consulting_facility_id: i64,
    },
    /// See the patient and the clinical text of a consultation case.
    SeeConsultationPatient {
        /// The facility asking.
        requesting_facility_id: i64,
        /// The facility asked.
        consulting_facility_id: i64,
    },
    /// Ask another facility for a consultation about a patient, from one's own.
    RequestConsultation,
    /// Read the rotation plans of a sending facility, or the assignments at a station.
    ReadRotations {
        /// The sending facility (or the station itself).
        facility_id: i64,
        /// The station concerned, if any.
        station_id: Option<i64>,
    },
    /// Issue (and so replace) the calendar feed of a station: its head, a planner who
    /// plans for it, admins.
    ReplaceStationFeed {
        /// The station.
        station_id: i64,
    },
    /// Write rotation plans, demands and assignments of a sending facility; generate,
    /// publish, swap and cancel.
    PlanRotations {
        /// The sending facility.
        facility_id: i64,
    },
    /// Read a plan that concerns this facility (its issuer or one it supports).
    ReadPlan {
        /// The issuing or a supported facility.
        facility_id: i64,
    },
    /// Write, submit, start, close and revise the plans of a facility, generate and edit
    /// their evaluations, record the progress of their activities.
    WritePlans {
        /// The issuing facility.
        facility_id: i64,
    },
    /// Approve or return a plan (and approve its evaluations).
    ApprovePlans {
        /// The issuing facility.
        facility_id: i64,
        /// A network plan, approved by the Department of Health.
        network: bool,
    },
    /// Report a facility's indicator values.
    EnterIndicatorValues {
        /// The reporting facility.
        facility_id: i64,
    },
    /// Approve (lock) or un-approve the values reported under a facility's plans.
    ApproveIndicatorValues {
        /// The issuing facility.
        facility_id: i64,
    },
    /// Ask for support, or rate the support received, for one's own facility.
    RequestSupport {
        /// The asking facility.
        facility_id: i64,
    },
    /// Accept or decline a station's support request (the planning office above it).
    HandleSupportRequests {
        /// The asking station.
        station_id: i64,
    },
    // Supervision and quality criteria.
    /// Read the checklist templates: the network's quality criteria, public to its
    /// people.
    ReadSupervisionTemplates,
    /// Draft, edit, publish and revise the checklist templates a facility keeps.
    ManageSupervisionTemplates {
        /// The facility that keeps them.
        facility_id: i64,
    },
    /// Read a supervision visit (its answers, score, photos) and its corrective actions.
    ReadSupervision {
        /// The visited facility.
        facility_id: i64,
        /// The facility that runs the visit.
        supervising_facility_id: i64,
    },
    /// Schedule a visit from one's own facility to a facility it supports.
    ScheduleSupervision {
        /// The facility to visit.
        facility_id: i64,
    },
    // Technique transfer.
    /// Read a transfer agreement (its trainees, sessions, readiness, reviews).
    ReadTransfer {
        /// The transferring facility.
        giving_facility_id: i64,
        /// The receiving facility.
        receiving_facility_id: i64,
    },
    /// Draft an agreement between one's own facility and another.
    DraftTransfer {
        /// The transferring facility.
        giving_facility_id: i64,
        /// The receiving facility.
        receiving_facility_id: i64,
    },
}

/// Allows or refuses an action (403).
pub fn authorize(principal: &Principal, action: Action) -> Result<(), ApiError> {
    if allowed(principal, action) {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

/// Whether the action is allowed; [`authorize`] turns a refusal into 403.
pub fn allowed(principal: &Principal, action: Action) -> bool {
    match &principal.actor {
        Actor::User { role, .. } => user_allowed(*role, principal, action),
        Actor::Client { scopes, .. } => client_allowed(scopes, principal, action),
    }
}

fn user_allowed(role: Role, principal: &Principal, action: Action) -> bool {
    use Role::*;
    let own = |facility_id: i64| principal.facility_id == facility_id;
    match action {
        Action::ReadRegistry => true,
        Action::ReadStaff { facility_id } => principal.scope.contains(facility_id),
        // Personal data of a staff member: those who plan and keep the registry, the
        // head of their own station, and the person themselves.
        Action::SeeStaffCitizenId {
            facility_id,
            staff_id,
        } => {
            role == Admin
                || principal.is_staff(staff_id)
                || (role == Planner && principal.scope.contains(facility_id))
                || (role == StationHead && own(facility_id))
        }
        Action::ManageDepartments { facility_id } | Action::ManageStaff { facility_id } => {
            role == Admin
                || (matches!(role, Director | Planner | NursingHead | StationHead)
                    && own(facility_id))
        }
        Action::ManageFacilities
        | Action::ManageSupportLinks
        | Action::ManageUsers
        | Action::ManageApiClients
        | Action::ReadAudit
        | Action::ManageReferralRules => role == Admin,
        Action::HearOfRuleGaps => matches!(role, Admin | Planner),
        // The catalogue and the networks are the province's: its Department of Health
        // keeps them (seed 003), admins on its behalf.
        Action::ManageTechniques | Action::ManageSpecialtyNetworks => {
            matches!(role, Admin | HealthDepartment)
        }
        Action::ReadReferral {
            from_facility_id,
            to_facility_id,
        } => principal.scope.contains(from_facility_id) || principal.scope.contains(to_facility_id),
        Action::SeeReferralPatient {
            from_facility_id,
            to_facility_id,
        } => referral::may_see_patient(
            Party::of(principal.facility_id, from_facility_id, to_facility_id),
            role == Admin,
        ),
        Action::CreateReferral => referral::role_handles_referrals(role),
        Action::ManageFollowUps { facility_id } => {
            referral::role_handles_referrals(role) && own(facility_id)
        }
        // The calendar is the network's: every station needs to know when the centre
        // above it holds its sessions. Patient data lives on cases, not sessions.
        Action::ReadConsultationSessions => true,
        Action::ManageConsultationSessions { facility_id } => {
            role == Admin
                || (matches!(role, Director | Planner | DepartmentHead) && own(facility_id))
        }
        Action::ReadConsultationCase {
            requesting_facility_id,
            consulting_facility_id,
        } => {
            principal.scope.contains(requesting_facility_id)
                || principal.scope.contains(consulting_facility_id)
        }
        Action::SeeConsultationPatient {
            requesting_facility_id,
            consulting_facility_id,
        } => consultation::may_see_patient(
            CaseParty::of(
                principal.facility_id,
                requesting_facility_id,
                consulting_facility_id,
            ),
            role == Admin,
        ),
        Action::RequestConsultation => consultation::role_handles_consultations(role),
        Action::ReadRotations {
            facility_id,
            station_id,
        } => {
            principal.scope.contains(facility_id)
                || station_id.is_some_and(|id| principal.scope.contains(id))
        }
        Action::PlanRotations { facility_id } => {
            role == Admin || (matches!(role, Director | Planner | NursingHead) && own(facility_id))
        }
        // Replacing a feed cuts off everyone subscribed to the old address.
        Action::ReplaceStationFeed { station_id } => {
            role == Admin
                || (role == StationHead && own(station_id))
                || (role == Planner && principal.scope.contains(station_id))
        }
        Action::ReadPlan { facility_id } => principal.scope.contains(facility_id),
        Action::WritePlans { facility_id } => {
            matches!(role, Planner | HealthDepartment) && own(facility_id)
        }
        // A facility's plan is approved by its director; a network plan by the
        // Department of Health of the province.
        Action::ApprovePlans {
            facility_id,
            network: false,
        } => role == Director && own(facility_id),
        Action::ApprovePlans {
            facility_id,
            network: true,
        } => role == HealthDepartment && principal.scope.contains(facility_id),
        Action::EnterIndicatorValues { facility_id } | Action::RequestSupport { facility_id } => {
            matches!(role, StationHead | Director) && own(facility_id)
        }
        Action::ApproveIndicatorValues { facility_id } => {
            matches!(role, Planner | Director | HealthDepartment) && own(facility_id)
        }
        Action::HandleSupportRequests { station_id } => {
            handles_support_requests(role)
                && !own(station_id)
                && principal.scope.contains(station_id)
        }
        // Quality data is not patient data: the criteria are everyone's, a visit is
        // read by the two facilities and those who see either (the Department of Health
        // its province, admins everything).
        Action::ReadSupervisionTemplates => true,
        Action::ManageSupervisionTemplates { facility_id } => {
            role == Admin || (supervision::role_supervises(role) && own(facility_id))
        }
        Action::ReadSupervision {
            facility_id,
            supervising_facility_id,
        } => {
            principal.scope.contains(facility_id)
                || principal.scope.contains(supervising_facility_id)
        }
        // Agreements are the network's: read by those who see either side (the
        // Department of Health its province), drafted by a coordinator of one side.
        Action::ReadTransfer {
            giving_facility_id,
            receiving_facility_id,
        } => {
            principal.scope.contains(giving_facility_id)
                || principal.scope.contains(receiving_facility_id)
        }
        Action::DraftTransfer {
            giving_facility_id,
            receiving_facility_id,
        } => {
            transfer::role_coordinates_transfers(role)
                && (own(giving_facility_id) || own(receiving_facility_id))
        }
        // A facility supervises those it supports (its scope beyond itself).
        Action::ScheduleSupervision { facility_id } => {
            supervision::role_supervises(role)
                && !own(facility_id)
                && principal.scope.contains(facility_id)
        }
    }
}

fn client_allowed(scopes: &[ApiScope], principal: &Principal, action: Action) -> bool {
    let has = |scope: ApiScope| scopes.contains(&scope);
    match action {
        Action::ReadRegistry => has(ApiScope::RegistryRead),
        Action::ReadStaff { facility_id } => {
            has(ApiScope::RegistryRead) && principal.facility_id == facility_id
        }
        // A client reads the referrals its facility's people read (its facility's scope),
        // and sees the patient only where its facility is a party.
        Action::ReadReferral {
            from_facility_id,
            to_facility_id,
        } => {
            (has(ApiScope::ReferralsRead) || has(ApiScope::ReferralsWrite))
                && (principal.scope.contains(from_facility_id)
                    || principal.scope.contains(to_facility_id))
        }
        Action::SeeReferralPatient {
            from_facility_id,
            to_facility_id,
        } => {
            (has(ApiScope::ReferralsRead) || has(ApiScope::ReferralsWrite))
                && Party::of(principal.facility_id, from_facility_id, to_facility_id)
                    != Party::Neither
        }
        Action::CreateReferral => has(ApiScope::ReferralsWrite),
        Action::ManageFollowUps { facility_id } => {
            has(ApiScope::ReferralsWrite) && principal.facility_id == facility_id
        }
        Action::ReadConsultationSessions => has(ApiScope::ConsultationsRead),
        Action::ReadConsultationCase {
            requesting_facility_id,
            consulting_facility_id,
        } => {
            has(ApiScope::ConsultationsRead)
                && (principal.scope.contains(requesting_facility_id)
                    || principal.scope.contains(consulting_facility_id))
        }
        Action::SeeConsultationPatient {
            requesting_facility_id,
            consulting_facility_id,
        } => {
            has(ApiScope::ConsultationsRead)
                && CaseParty::of(
                    principal.facility_id,
                    requesting_facility_id,
                    consulting_facility_id,
                ) != CaseParty::Neither
        }
        // No scope lets a machine act on consultations: they are people's work.
        Action::ManageConsultationSessions { .. } | Action::RequestConsultation => false,
        Action::ManageFacilities
        | Action::SeeStaffCitizenId { .. }
        | Action::ManageSupportLinks
        | Action::ManageTechniques
        | Action::ManageSpecialtyNetworks
        | Action::ManageDepartments { .. }
        | Action::ManageStaff { .. }
        | Action::ManageUsers
        | Action::ManageApiClients
        | Action::ReadAudit
        | Action::ManageReferralRules
        | Action::HearOfRuleGaps
        | Action::ReplaceStationFeed { .. }
        | Action::PlanRotations { .. } => false,
        // A machine reads plans and their indicators with `plans_read`, within its
        // facility's scope; writing and approving plans is people's work.
        Action::ReadPlan { facility_id } => {
            has(ApiScope::PlansRead) && principal.scope.contains(facility_id)
        }
        Action::WritePlans { .. }
        | Action::ApprovePlans { .. }
        | Action::EnterIndicatorValues { .. }
        | Action::ApproveIndicatorValues { .. }
        | Action::RequestSupport { .. }
        | Action::HandleSupportRequests { .. } => false,
        // Supervision is people's work; no scope reads it yet.
        Action::ReadSupervisionTemplates
        | Action::ManageSupervisionTemplates { .. }
        | Action::ReadSupervision { .. }
        | Action::ScheduleSupervision { .. }
        | Action::ReadTransfer { .. }
        | Action::DraftTransfer { .. } => false,
        Action::ReadRotations {
            facility_id,
            station_id,
        } => {
            has(ApiScope::RotationsRead)
                && (principal.scope.contains(facility_id)
                    || station_id.is_some_and(|id| principal.scope.contains(id)))
        }
    }
}

/// What the principal may start at its own facility, not tied to a record (`GET /me`):
/// each one is the answer of [`allowed`] for the action it starts, so the buttons the SPA
/// shows and the refusals the server gives come from the same rule.
pub fn capabilities(principal: &Principal) -> Vec<Capability> {
    let facility_id = principal.facility_id;
    Capability::all()
        .iter()
        .copied()
        .filter(|capability| match capability {
            Capability::CreateReferral => allowed(principal, Action::CreateReferral),
            Capability::RequestConsultation => allowed(principal, Action::RequestConsultation),
            Capability::ManageConsultationSessions => allowed(
                principal,
                Action::ManageConsultationSessions { facility_id },
            ),
            Capability::PlanRotations => allowed(principal, Action::PlanRotations { facility_id }),
            // The assignment table's `station` side: who records attendance there.
            Capability::ReceiveRotations => match &principal.actor {
                Actor::User { role, .. } => {
                    AssignmentSide::of(*role, false, true, false) == AssignmentSide::Station
                }
                Actor::Client { .. } => false,
            },
            Capability::WritePlans => allowed(principal, Action::WritePlans { facility_id }),
            Capability::EnterIndicatorValues => {
                allowed(principal, Action::EnterIndicatorValues { facility_id })
            }
            Capability::ApproveIndicatorValues => {
                allowed(principal, Action::ApproveIndicatorValues { facility_id })
            }
            Capability::RequestSupport => {
                allowed(principal, Action::RequestSupport { facility_id })
            }
            Capability::HandleSupportRequests => match &principal.actor {
                Actor::User { role, .. } => handles_support_requests(*role),
                Actor::Client { .. } => false,
            },
            Capability::ManageStaff => allowed(principal, Action::ManageStaff { facility_id }),
            Capability::ManageDepartments => {
                allowed(principal, Action::ManageDepartments { facility_id })
            }
            Capability::ManageFacilities => allowed(principal, Action::ManageFacilities),
            Capability::ManageUsers => allowed(principal, Action::ManageUsers),
            Capability::ManageApiClients => allowed(principal, Action::ManageApiClients),
            Capability::ReadAudit => allowed(principal, Action::ReadAudit),
            Capability::ManageReferralRules => allowed(principal, Action::ManageReferralRules),
            Capability::ManageTechniques => allowed(principal, Action::ManageTechniques),
            Capability::SuperviseFacilities => match &principal.actor {
                Actor::User { role, .. } => supervision::role_supervises(*role),
                Actor::Client { .. } => false,
            },
            Capability::AnswerCorrectiveActions => match &principal.actor {
                Actor::User { role, .. } => supervision::role_answers_actions(*role),
                Actor::Client { .. } => false,
            },
            Capability::CoordinateTransfers => match &principal.actor {
                Actor::User { role, .. } => transfer::role_coordinates_transfers(*role),
                Actor::Client { .. } => false,
            },
        })
        .collect()
}

/// Whether the role answers the support requests of the stations below its facility.
fn handles_support_requests(role: Role) -> bool {
    matches!(role, Role::Planner | Role::Director)
}

/// How the principal stands to a referral, for the shared state machine: the party of
/// its facility and whether its role (or scopes) may act on referrals at all.
pub fn referral_side(principal: &Principal, from_facility_id: i64, to_facility_id: i64) -> Side {
    let party = Party::of(principal.facility_id, from_facility_id, to_facility_id);
    match &principal.actor {
        Actor::User { role, .. } => Side::user(*role, party),
        Actor::Client { scopes, .. } => Side::client(scopes, party),
    }
}

/// How the principal stands to a consultation case, for the shared state machine.
pub fn consultation_side(
    principal: &Principal,
    requesting_facility_id: i64,
    consulting_facility_id: i64,
) -> CaseSide {
    let party = CaseParty::of(
        principal.facility_id,
        requesting_facility_id,
        consulting_facility_id,
    );
    match &principal.actor {
        Actor::User { role, .. } => CaseSide::user(*role, party),
        Actor::Client { .. } => CaseSide::client(party),
    }
}

/// How the principal stands to a supervision visit, for the shared visit workflow.
pub fn supervision_side(
    principal: &Principal,
    supervising_facility_id: i64,
    facility_id: i64,
) -> VisitSide {
    let party = VisitParty::of(principal.facility_id, supervising_facility_id, facility_id);
    match &principal.actor {
        Actor::User { role, .. } => VisitSide::user(*role, party),
        Actor::Client { .. } => VisitSide::client(party),
    }
}

/// How the principal stands to a transfer agreement, for the shared agreement workflow.
pub fn transfer_side(
    principal: &Principal,
    giving_facility_id: i64,
    receiving_facility_id: i64,
) -> AgreementSide {
    let party = AgreementParty::of(
        principal.facility_id,
        giving_facility_id,
        receiving_facility_id,
    );
    match &principal.actor {
        Actor::User { role, .. } => AgreementSide::user(*role, party),
        Actor::Client { .. } => AgreementSide::client(party),
    }
}

/// How the principal stands to a corrective action, for the shared action workflow.
pub fn corrective_side(
    principal: &Principal,
    supervising_facility_id: i64,
    facility_id: i64,
) -> CorrectiveSide {
    let party = VisitParty::of(principal.facility_id, supervising_facility_id, facility_id);
    match &principal.actor {
        Actor::User { role, .. } => CorrectiveSide::user(*role, party),
        Actor::Client { .. } => CorrectiveSide::client(party),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::auth::principal::FacilityScope;

    const CENTRE: i64 = 1;
    const STATION_A: i64 = 2;
    const STATION_B: i64 = 3;

    fn user(role: Role, facility_id: i64, visible: &[i64]) -> Principal {
        Principal {
            actor: Actor::User {
                id: 1,
                username: "u".into(),
                role,
                staff_id: None,
            },
            facility_id,
            scope: FacilityScope::Only(visible.iter().copied().collect::<BTreeSet<_>>()),
            request_id: None,
        }
    }

    fn client(scopes: Vec<ApiScope>) -> Principal {
        Principal {
            actor: Actor::Client {
                id: 9,
                name: "HIS".into(),
                scopes,
            },
            facility_id: CENTRE,
            scope: FacilityScope::Only(BTreeSet::from([CENTRE])),
            request_id: None,
        }
    }

    #[test]
    fn station_head_reads_and_manages_only_own_station_staff() {
        let head = user(Role::StationHead, STATION_A, &[STATION_A]);
        assert!(allowed(
            &head,
            Action::ReadStaff {
                facility_id: STATION_A
            }
        ));
        assert!(!allowed(
            &head,
            Action::ReadStaff {
                facility_id: STATION_B
            }
        ));
        assert!(allowed(
            &head,
            Action::ManageStaff {
                facility_id: STATION_A
            }
        ));
        assert!(!allowed(
            &head,
            Action::ManageStaff {
                facility_id: STATION_B
            }
        ));
        assert!(allowed(&head, Action::ReadRegistry));
        assert!(!allowed(&head, Action::ManageFacilities));
    }

    #[test]
    fn centre_planner_reads_supported_stations_but_manages_only_the_centre() {
        let planner = user(Role::Planner, CENTRE, &[CENTRE, STATION_A, STATION_B]);
        assert!(allowed(
            &planner,
            Action::ReadStaff {
                facility_id: STATION_B
            }
        ));
        assert!(allowed(
            &planner,
            Action::ManageStaff {
                facility_id: CENTRE
            }
        ));
        assert!(!allowed(
            &planner,
            Action::ManageStaff {
                facility_id: STATION_B
            }
        ));
        assert!(!allowed(&planner, Action::ManageUsers));
        assert!(!allowed(&planner, Action::ReadAudit));
    }

    #[test]
    fn clinician_reads_but_never_manages() {
        let clinician = user(Role::Clinician, CENTRE, &[CENTRE]);
        assert!(allowed(
            &clinician,
            Action::ReadStaff {
                facility_id: CENTRE
            }
        ));
        assert!(!allowed(
            &clinician,
            Action::ManageStaff {
                facility_id: CENTRE
            }
        ));
        assert!(!allowed(
            &clinician,
            Action::ManageDepartments {
                facility_id: CENTRE
            }
        ));
    }

    #[test]
    fn admin_does_everything() {
        let admin = Principal {
            scope: FacilityScope::All,
            ..user(Role::Admin, CENTRE, &[])
        };
        for action in [
            Action::ManageFacilities,
            Action::ManageSupportLinks,
            Action::ManageUsers,
            Action::ManageApiClients,
            Action::ReadAudit,
            Action::ManageStaff {
                facility_id: STATION_B,
            },
            Action::ReadStaff {
                facility_id: STATION_B,
            },
        ] {
            assert!(allowed(&admin, action), "{action:?}");
        }
    }

    #[test]
    fn clients_need_the_scope_and_stay_in_their_facility() {
        let reader = client(vec![ApiScope::RegistryRead]);
        assert!(allowed(&reader, Action::ReadRegistry));
        assert!(allowed(
            &reader,
            Action::ReadStaff {
                facility_id: CENTRE
            }
        ));
        assert!(!allowed(
            &reader,
            Action::ReadStaff {
                facility_id: STATION_A
            }
        ));
        assert!(!allowed(
            &reader,
            Action::ManageStaff {
                facility_id: CENTRE
            }
        ));
        let other = client(vec![ApiScope::ReferralsRead]);
        assert!(!allowed(&other, Action::ReadRegistry));
        assert!(authorize(&other, Action::ReadRegistry).is_err());
    }

    #[test]
    fn consultation_sessions_are_managed_by_the_host_and_read_by_everyone() {
        let manage = |facility_id| Action::ManageConsultationSessions { facility_id };
        for role in Role::all() {
            let person = user(*role, CENTRE, &[CENTRE, STATION_A]);
            let want = matches!(
                role,
                Role::Admin | Role::Director | Role::Planner | Role::DepartmentHead
            );
            assert_eq!(allowed(&person, manage(CENTRE)), want, "{role}");
            assert_eq!(
                allowed(&person, manage(STATION_A)),
                *role == Role::Admin,
                "{role} at a supported station"
            );
            assert!(allowed(&person, Action::ReadConsultationSessions));
        }
        let station = user(Role::StationHead, STATION_A, &[STATION_A]);
        assert!(!allowed(&station, manage(STATION_A)));
        assert!(allowed(&station, Action::ReadConsultationSessions));
        assert!(!allowed(
            &client(vec![ApiScope::ReferralsRead]),
            Action::ReadConsultationSessions
        ));
        let reader = client(vec![ApiScope::ConsultationsRead]);
        assert!(allowed(&reader, Action::ReadConsultationSessions));
        assert!(!allowed(&reader, manage(CENTRE)));
        assert!(!allowed(&reader, Action::RequestConsultation));
    }

    #[test]
    fn consultation_patients_stay_with_the_two_facilities() {
        let case = |action: fn(i64, i64) -> Action| action(STATION_A, CENTRE);
        let read = |r, c| Action::ReadConsultationCase {
            requesting_facility_id: r,
            consulting_facility_id: c,
        };
        let see = |r, c| Action::SeeConsultationPatient {
            requesting_facility_id: r,
            consulting_facility_id: c,
        };
        let station = user(Role::StationHead, STATION_A, &[STATION_A]);
        let other_station = user(Role::StationHead, STATION_B, &[STATION_B]);
        let centre = user(Role::Clinician, CENTRE, &[CENTRE, STATION_A, STATION_B]);
        let department = user(
            Role::HealthDepartment,
            99,
            &[99, CENTRE, STATION_A, STATION_B],
        );
        let admin = Principal {
            scope: FacilityScope::All,
            ..user(Role::Admin, 99, &[])
        };
        for (who, principal, reads, sees) in [
            ("station", &station, true, true),
            ("centre", &centre, true, true),
            ("other station", &other_station, false, false),
            ("department of health", &department, true, false),
            ("admin", &admin, true, true),
        ] {
            assert_eq!(allowed(principal, case(read)), reads, "{who} reads");
            assert_eq!(
                allowed(principal, case(see)),
                sees,
                "{who} sees the patient"
            );
        }
        let reader = client(vec![ApiScope::ConsultationsRead]);
        assert!(allowed(&reader, see(STATION_A, CENTRE)));
        assert!(!allowed(&reader, see(STATION_A, STATION_B)));
        assert!(!allowed(
            &client(vec![ApiScope::ReferralsRead]),
            see(STATION_A, CENTRE)
        ));
        assert!(allowed(&station, Action::RequestConsultation));
        assert!(!allowed(&department, Action::RequestConsultation));
        assert!(!allowed(
            &user(Role::Planner, CENTRE, &[CENTRE]),
            Action::RequestConsultation
        ));
        let side = consultation_side(&centre, STATION_A, CENTRE);
        assert_eq!(side.party, CaseParty::Consultant);
        assert!(side.clinical);
        let side = consultation_side(&reader, STATION_A, CENTRE);
        assert!(!side.clinical && !side.schedules);
    }

    #[test]
    fn a_client_reads_what_its_facility_reads_and_sees_patients_only_as_a_party() {
        let mut reader = client(vec![ApiScope::ReferralsRead, ApiScope::PlansRead]);
        reader.scope = FacilityScope::Only(BTreeSet::from([CENTRE, STATION_A]));
        let read = |from, to| Action::ReadReferral {
            from_facility_id: from,
            to_facility_id: to,
        };
        let see = |from, to| Action::SeeReferralPatient {
            from_facility_id: from,
            to_facility_id: to,
        };
        // A referral between a supported station and another: read, no patient.
        assert!(allowed(&reader, read(STATION_A, STATION_B)));
        assert!(!allowed(&reader, see(STATION_A, STATION_B)));
        assert!(allowed(&reader, see(STATION_A, CENTRE)));
        assert!(!allowed(&reader, read(STATION_B, 99)));
        assert!(allowed(
            &reader,
            Action::ReadPlan {
                facility_id: STATION_A
            }
        ));
        assert!(!allowed(
            &reader,
            Action::WritePlans {
                facility_id: CENTRE
            }
        ));
        let no_plans = client(vec![ApiScope::ReferralsRead]);
        assert!(!allowed(
            &no_plans,
            Action::ReadPlan {
                facility_id: CENTRE
            }
        ));
    }

    #[test]
    fn a_stations_feed_is_replaced_by_its_head_a_planner_above_it_or_an_admin() {
        let replace = Action::ReplaceStationFeed {
            station_id: STATION_A,
        };
        let everyone = &[CENTRE, STATION_A, STATION_B];
        for (who, principal, may) in [
            (
                "head",
                user(Role::StationHead, STATION_A, &[STATION_A]),
                true,
            ),
            ("planner", user(Role::Planner, CENTRE, everyone), true),
            (
                "nursing head",
                user(Role::NursingHead, CENTRE, everyone),
                false,
            ),
            ("director", user(Role::Director, CENTRE, everyone), false),
            (
                "other head",
                user(Role::StationHead, STATION_B, &[STATION_B]),
                false,
            ),
            ("client", client(vec![ApiScope::RotationsRead]), false),
        ] {
            assert_eq!(allowed(&principal, replace), may, "{who}");
        }
    }

    #[test]
    fn a_staff_citizen_id_is_seen_by_planners_their_station_head_and_themselves() {
        let of_station_a = Action::SeeStaffCitizenId {
            facility_id: STATION_A,
            staff_id: 42,
        };
        let everyone = &[CENTRE, STATION_A, STATION_B];
        let admin = Principal {
            scope: FacilityScope::All,
            ..user(Role::Admin, CENTRE, &[])
        };
        let mut themselves = user(Role::Clinician, STATION_A, &[STATION_A]);
        themselves.actor = Actor::User {
            id: 5,
            username: "self".into(),
            role: Role::Clinician,
            staff_id: Some(42),
        };
        for (who, principal, sees) in [
            ("admin", admin, true),
            ("planner", user(Role::Planner, CENTRE, everyone), true),
            (
                "own station head",
                user(Role::StationHead, STATION_A, &[STATION_A]),
                true,
            ),
            ("the person", themselves, true),
            (
                "other station head",
                user(Role::StationHead, STATION_B, &[STATION_B]),
                false,
            ),
            ("director", user(Role::Director, CENTRE, everyone), false),
            (
                "clinician",
                user(Role::Clinician, STATION_A, &[STATION_A]),
                false,
            ),
            ("client", client(vec![ApiScope::RegistryRead]), false),
        ] {
            assert_eq!(allowed(&principal, of_station_a), sees, "{who}");
        }
    }

    #[test]
    fn supervision_is_read_by_both_sides_and_run_by_the_supporting_facility() {
        let everyone = &[CENTRE, STATION_A, STATION_B];
        let read = |facility_id| Action::ReadSupervision {
            facility_id,
            supervising_facility_id: CENTRE,
        };
        let schedule = |facility_id| Action::ScheduleSupervision { facility_id };
        let nurse = user(Role::NursingHead, CENTRE, everyone);
        let station = user(Role::StationHead, STATION_A, &[STATION_A]);
        let other = user(Role::StationHead, STATION_B, &[STATION_B]);
        let department = user(
            Role::HealthDepartment,
            99,
            &[99, CENTRE, STATION_A, STATION_B],
        );
        assert!(allowed(&nurse, read(STATION_A)) && allowed(&nurse, schedule(STATION_A)));
        assert!(!allowed(&nurse, schedule(CENTRE)), "not its own facility");
        assert!(!allowed(&nurse, schedule(99)), "only those it supports");
        assert!(allowed(&station, read(STATION_A)));
        assert!(!allowed(&station, schedule(STATION_A)));
        assert!(!allowed(&other, read(STATION_A)), "another station's visit");
        assert!(allowed(&department, read(STATION_A)));
        assert!(!allowed(&department, schedule(STATION_A)));
        assert!(!allowed(
            &user(Role::Clinician, CENTRE, everyone),
            schedule(STATION_A)
        ));
        assert!(allowed(
            &nurse,
            Action::ManageSupervisionTemplates {
                facility_id: CENTRE
            }
        ));
        assert!(!allowed(
            &nurse,
            Action::ManageSupervisionTemplates {
                facility_id: STATION_A
            }
        ));
        assert!(!allowed(
            &station,
            Action::ManageSupervisionTemplates {
                facility_id: STATION_A
            }
        ));
        assert!(allowed(&station, Action::ReadSupervisionTemplates));
        assert!(!allowed(&client(vec![ApiScope::PlansRead]), read(CENTRE)));
        let side = supervision_side(&nurse, CENTRE, STATION_A);
        assert_eq!(side.party, VisitParty::Supervisor);
        assert!(side.supervises);
        let side = corrective_side(&station, CENTRE, STATION_A);
        assert_eq!(side.party, VisitParty::Visited);
        assert!(side.answers && !side.supervises);
        assert!(capabilities(&nurse).contains(&Capability::SuperviseFacilities));
        assert!(capabilities(&station).contains(&Capability::AnswerCorrectiveActions));
        assert!(!capabilities(&station).contains(&Capability::SuperviseFacilities));
    }
}
