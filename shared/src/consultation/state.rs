//! The consultation case state machine, as a pure function of (status, action, who acts).

use crate::auth::Role;
use crate::workflow::{Actor, Messages, Refusal, Rule, Workflow};

labelled_enum! {
    /// Where a case request stands (`closed`: the station has reported the outcome).
    pub enum CaseStatus {
        Requested = "requested", "Chờ xếp lịch hội chẩn", "Requested";
        Scheduled = "scheduled", "Đã xếp lịch hội chẩn", "Scheduled";
        Concluded = "concluded", "Đã có kết luận, chờ phản hồi", "Concluded";
        Closed = "closed", "Đã phản hồi kết quả", "Outcome recorded";
        Cancelled = "cancelled", "Đã hủy", "Cancelled";
    }
}

impl CaseStatus {
    /// Whether nothing can happen to the case any more.
    pub fn is_terminal(self) -> bool {
        matches!(self, CaseStatus::Closed | CaseStatus::Cancelled)
    }

    /// Whether the case still waits for the consultants' conclusion.
    pub fn awaits_conclusion(self) -> bool {
        matches!(self, CaseStatus::Requested | CaseStatus::Scheduled)
    }
}

labelled_enum! {
    /// A step on a case, each one an endpoint `POST /consultation-cases/{id}/<action>`.
    pub enum CaseAction {
        Schedule = "schedule", "Xếp vào buổi hội chẩn", "Schedule";
        Conclude = "conclude", "Kết luận hội chẩn", "Conclude";
        RecordOutcome = "outcome", "Phản hồi kết quả điều trị", "Record the outcome";
        Cancel = "cancel", "Hủy yêu cầu hội chẩn", "Cancel the request";
    }
}

/// The consultation case workflow (the table in the module documentation of
/// [`crate::consultation`]).
#[derive(Debug, Clone, Copy)]
pub struct ConsultationCases;

impl Workflow for ConsultationCases {
    type Status = CaseStatus;
    type Action = CaseAction;
    type Party = CaseParty;

    const RULES: &'static [Rule<CaseStatus, CaseAction, CaseParty>] = {
        use CaseAction as A;
        use CaseParty::{Consultant, Requester};
        use CaseStatus as S;
        &[
            // Scheduling a scheduled case moves it to another session.
            Rule {
                action: A::Schedule,
                by: &[Consultant],
                moves: &[(S::Requested, S::Scheduled), (S::Scheduled, S::Scheduled)],
            },
            // A case may be concluded without a session: answered remotely, in writing.
            Rule {
                action: A::Conclude,
                by: &[Consultant],
                moves: &[(S::Requested, S::Concluded), (S::Scheduled, S::Concluded)],
            },
            Rule {
                action: A::RecordOutcome,
                by: &[Requester],
                moves: &[(S::Concluded, S::Closed)],
            },
            Rule {
                action: A::Cancel,
                by: &[Requester],
                moves: &[(S::Requested, S::Cancelled), (S::Scheduled, S::Cancelled)],
            },
        ]
    };

    const MESSAGES: Messages = Messages {
        not_permitted: [
            "Vai trò của bạn không được “{action_lower}”",
            "Your role may not {verb} a consultation case",
        ],
        not_from_status: [
            "Không thể “{action}” khi yêu cầu hội chẩn đang ở trạng thái “{status}”",
            "Cannot {verb} a consultation case in status “{status}”",
        ],
        wrong_party: [
            "Chỉ {party} mới được “{action}”",
            "Only the {party} may {verb}",
        ],
    };
}

labelled_enum! {
    /// How the acting user's facility stands to a case.
    pub enum CaseParty {
        Requester = "requester", "Cơ sở đề nghị hội chẩn", "Requesting facility";
        Consultant = "consultant", "Cơ sở hội chẩn", "Consulting facility";
        Neither = "neither", "Cơ sở khác", "Another facility";
    }
}

impl CaseParty {
    /// The party of someone from `facility_id` on a case `requesting` → `consulting`.
    /// A facility cannot consult itself (refused at creation), so the requester wins if
    /// the two ever coincide.
    pub fn of(facility_id: i64, requesting: i64, consulting: i64) -> CaseParty {
        if facility_id == requesting {
            CaseParty::Requester
        } else if facility_id == consulting {
            CaseParty::Consultant
        } else {
            CaseParty::Neither
        }
    }
}

/// Whether people with this role take part in consultations about patients: request,
/// conclude, report outcomes. The clinical roles do, as for referrals.
pub fn role_handles_consultations(role: Role) -> bool {
    crate::referral::role_handles_referrals(role)
}

/// Whether people with this role put cases on the consultation calendar: the clinical
/// roles and the planning office, which publishes the calendar.
pub fn role_schedules_consultations(role: Role) -> bool {
    role_handles_consultations(role) || role == Role::Planner
}

/// Who is acting on a case, as far as the state machine cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CaseSide {
    /// How the actor's facility stands to the case.
    pub party: CaseParty,
    /// Whether the actor's role handles patients ([`role_handles_consultations`]).
    pub clinical: bool,
    /// Whether the actor's role schedules cases ([`role_schedules_consultations`]).
    pub schedules: bool,
}

impl CaseSide {
    /// A signed-in person with `role`, from a facility that is `party` to the case.
    pub fn user(role: Role, party: CaseParty) -> CaseSide {
        CaseSide {
            party,
            clinical: role_handles_consultations(role),
            schedules: role_schedules_consultations(role),
        }
    }

    /// An integration client: there is no scope to act on consultations, it only reads.
    pub fn client(party: CaseParty) -> CaseSide {
        CaseSide {
            party,
            clinical: false,
            schedules: false,
        }
    }

    /// Whether the actor's role may take `action` at all (wherever it stands).
    pub fn may(self, action: CaseAction) -> bool {
        match action {
            CaseAction::Schedule => self.schedules,
            CaseAction::Conclude | CaseAction::RecordOutcome | CaseAction::Cancel => self.clinical,
        }
    }
}

impl Actor<ConsultationCases> for CaseSide {
    fn party(&self) -> CaseParty {
        self.party
    }

    fn may(&self, action: CaseAction) -> bool {
        CaseSide::may(*self, action)
    }
}

/// Why a step on a case is refused.
pub type CaseTransitionError = Refusal<ConsultationCases>;

/// The status after `side` takes `action` on a case in `status` ([`Workflow::check`]).
pub fn transition(
    status: CaseStatus,
    action: CaseAction,
    side: CaseSide,
) -> Result<CaseStatus, CaseTransitionError> {
    ConsultationCases::check(status, action, &side)
}

/// The steps `side` may take on a case in `status`, in declaration order: the buttons.
pub fn allowed_actions(status: CaseStatus, side: CaseSide) -> Vec<CaseAction> {
    ConsultationCases::allowed(status, &side)
}

/// Whether someone sees the patient and the clinical text of a case: anyone of the
/// requesting or consulting facility, and admins (every such read is audited).
pub fn may_see_patient(party: CaseParty, is_admin: bool) -> bool {
    is_admin || matches!(party, CaseParty::Requester | CaseParty::Consultant)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consultation::{Conclusion, ConsultationMode, SessionStatus};
    use crate::error::ErrorCode;
    use crate::workflow::assert_follows_table;
    use crate::{Labelled, Lang};
    use CaseAction as A;
    use CaseStatus as S;

    /// Roles that handle patients, written out by hand.
    const CLINICAL: &[Role] = &[
        Role::StationHead,
        Role::Clinician,
        Role::DepartmentHead,
        Role::Director,
    ];

    /// Whether someone with this role (or a client, `None`) takes `action` at all.
    fn role_takes(role: Option<Role>, action: A) -> bool {
        match role {
            None => false,
            Some(role) if action == A::Schedule => {
                CLINICAL.contains(&role) || role == Role::Planner
            }
            Some(role) => CLINICAL.contains(&role),
        }
    }

    fn actors(party: CaseParty) -> Vec<(String, CaseSide, Option<Role>)> {
        let mut out: Vec<_> = Role::all()
            .iter()
            .map(|role| (role.to_string(), CaseSide::user(*role, party), Some(*role)))
            .collect();
        out.push(("client".into(), CaseSide::client(party), None));
        out
    }

    #[test]
    fn every_status_action_actor_and_party_follows_the_table() {
        let mut every = Vec::new();
        for party in CaseParty::all() {
            for (who, side, role) in actors(*party) {
                for action in A::all() {
                    assert_eq!(
                        side.may(*action),
                        role_takes(role, *action),
                        "{who} {action}"
                    );
                }
                every.push((format!("{who} ({party})"), side));
            }
        }
        let permitted = assert_follows_table::<ConsultationCases, _>(&every);
        // 7 (status, action) moves: the 2 scheduling ones for the 4 clinical roles and the
        // planner, the 5 others for the 4 clinical roles.
        assert_eq!(permitted, 2 * 5 + 5 * 4);
    }

    #[test]
    fn buttons_for_the_main_path() {
        let station = CaseSide::user(Role::StationHead, CaseParty::Requester);
        let doctor = CaseSide::user(Role::Clinician, CaseParty::Consultant);
        let planner = CaseSide::user(Role::Planner, CaseParty::Consultant);
        assert_eq!(allowed_actions(S::Requested, station), vec![A::Cancel]);
        assert_eq!(
            allowed_actions(S::Requested, doctor),
            vec![A::Schedule, A::Conclude]
        );
        assert_eq!(allowed_actions(S::Requested, planner), vec![A::Schedule]);
        assert_eq!(allowed_actions(S::Scheduled, station), vec![A::Cancel]);
        assert_eq!(
            allowed_actions(S::Scheduled, doctor),
            vec![A::Schedule, A::Conclude]
        );
        assert_eq!(
            allowed_actions(S::Concluded, station),
            vec![A::RecordOutcome]
        );
        assert_eq!(allowed_actions(S::Concluded, doctor), vec![]);
        for status in [S::Closed, S::Cancelled] {
            assert!(status.is_terminal());
            assert_eq!(allowed_actions(status, station), vec![]);
            assert_eq!(allowed_actions(status, doctor), vec![]);
        }
        let department = CaseSide::user(Role::HealthDepartment, CaseParty::Neither);
        assert_eq!(
            transition(S::Requested, A::Conclude, department),
            Err(CaseTransitionError::NotPermitted {
                action: A::Conclude
            })
        );
        assert_eq!(
            transition(S::Requested, A::Conclude, planner),
            Err(CaseTransitionError::NotPermitted {
                action: A::Conclude
            })
        );
    }

    #[test]
    fn refusals_map_to_error_codes_and_read_well() {
        let station = CaseSide::user(Role::StationHead, CaseParty::Requester);
        let wrong = transition(S::Requested, A::Conclude, station)
            .err()
            .unwrap_or(CaseTransitionError::NotPermitted { action: A::Cancel });
        assert_eq!(
            wrong,
            CaseTransitionError::WrongParty {
                action: A::Conclude,
                required: Some(CaseParty::Consultant)
            }
        );
        assert_eq!(wrong.code(), ErrorCode::Forbidden);
        assert_eq!(
            wrong.message(Lang::Vi),
            "Chỉ cơ sở hội chẩn mới được “Kết luận hội chẩn”"
        );
        assert_eq!(
            wrong.message(Lang::En),
            "Only the consulting facility may conclude"
        );
        let late = transition(S::Closed, A::Cancel, station)
            .err()
            .unwrap_or(CaseTransitionError::NotPermitted { action: A::Cancel });
        assert_eq!(late.code(), ErrorCode::InvalidTransition);
        assert_eq!(
            late.message(Lang::Vi),
            "Không thể “Hủy yêu cầu hội chẩn” khi yêu cầu hội chẩn đang ở trạng thái “Đã phản hồi kết quả”"
        );
        assert_eq!(
            late.to_string(),
            "Cannot cancel a consultation case in status “Outcome recorded”"
        );
        let refused = CaseTransitionError::NotPermitted {
            action: A::Conclude,
        };
        assert_eq!(refused.code(), ErrorCode::Forbidden);
        assert_eq!(
            refused.message(Lang::Vi),
            "Vai trò của bạn không được “kết luận hội chẩn”"
        );
    }

    #[test]
    fn parties_visibility_and_status_groups() {
        assert_eq!(CaseParty::of(1, 1, 2), CaseParty::Requester);
        assert_eq!(CaseParty::of(2, 1, 2), CaseParty::Consultant);
        assert_eq!(CaseParty::of(3, 1, 2), CaseParty::Neither);
        assert_eq!(CaseParty::of(1, 1, 1), CaseParty::Requester);
        assert!(may_see_patient(CaseParty::Requester, false));
        assert!(may_see_patient(CaseParty::Consultant, false));
        assert!(!may_see_patient(CaseParty::Neither, false));
        assert!(may_see_patient(CaseParty::Neither, true));
        let waiting: Vec<S> = S::all()
            .iter()
            .copied()
            .filter(|s| s.awaits_conclusion())
            .collect();
        assert_eq!(waiting, vec![S::Requested, S::Scheduled]);
        assert!(SessionStatus::Scheduled.is_open());
        assert!(!SessionStatus::Held.is_open());
        assert!(!SessionStatus::Cancelled.is_open());
        assert!(Conclusion::ManageLocally.avoids_referral());
        assert!(!Conclusion::Refer.avoids_referral());
        assert!(Conclusion::Refer.opens_referral());
        assert!(!Conclusion::MoreTests.opens_referral());
        assert_eq!(
            Conclusion::ManageLocally.label(Lang::Vi),
            "Điều trị tại trạm"
        );
        assert_eq!(Conclusion::Refer.label(Lang::Vi), "Chuyển tuyến");
        assert_eq!(Conclusion::MoreTests.label(Lang::Vi), "Làm thêm xét nghiệm");
        assert_eq!(ConsultationMode::Online.label(Lang::Vi), "Trực tuyến");
        assert_eq!(ConsultationMode::InPerson.label(Lang::Vi), "Trực tiếp");
        assert_eq!("outcome".parse::<A>().ok(), Some(A::RecordOutcome));
        assert_eq!(
            serde_json::to_string(&ConsultationMode::InPerson).unwrap_or_default(),
            "\"in_person\""
        );
    }
}
