//! The whole role × facility authorization matrix, in one place. Services call
//! [`authorize`] before touching data; nothing else decides who may do what.

use shared::auth::{ApiScope, Role};
use shared::referral::{self, Party, Side};

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
    /// Create or change facilities and their capabilities.
    ManageFacilities,
    /// Create or remove support links.
    ManageSupportLinks,
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
    }
}

fn client_allowed(scopes: &[ApiScope], principal: &Principal, action: Action) -> bool {
    let has = |scope: ApiScope| scopes.contains(&scope);
    match action {
        Action::ReadRegistry => has(ApiScope::RegistryRead),
        Action::ReadStaff { facility_id } => {
            has(ApiScope::RegistryRead) && principal.facility_id == facility_id
        }
        Action::ReadReferral {
            from_facility_id,
            to_facility_id,
        }
        | Action::SeeReferralPatient {
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
        Action::ManageFacilities
        | Action::ManageSupportLinks
        | Action::ManageDepartments { .. }
        | Action::ManageStaff { .. }
        | Action::ManageUsers
        | Action::ManageApiClients
        | Action::ReadAudit
        | Action::ManageReferralRules => false,
    }
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
}
