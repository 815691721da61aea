//! The referral state machine, as a pure function of (status, action, who acts).
//!
//! | status | the sender may | the receiver may | final |
//! | --- | --- | --- | --- |
//! | `draft` | send → `sent`, cancel → `cancelled` | — | no |
//! | `sent` | cancel → `cancelled` | accept → `accepted`, decline → `declined`, redirect → `redirected` | no |
//! | `accepted` | cancel → `cancelled` | redirect → `redirected`, arrive → `arrived` | no |
//! | `arrived` | — | complete → `completed` | no |
//! | `completed`, `declined`, `redirected`, `cancelled` | — | — | yes |
//!
//! - The **sending** facility sends and cancels; it may cancel until the patient has
//!   arrived (draft, sent or accepted).
//! - The **receiving** facility accepts, declines (only while the referral waits for an
//!   answer), redirects to another facility (while sent or accepted, i.e. before the
//!   patient is there; afterwards a move is a completion with outcome
//!   `transferred_onward`), records the arrival and completes.
//! - `completed`, `declined`, `redirected` and `cancelled` are final.
//! - Only people whose role handles patients ([`role_handles_referrals`]) and integration
//!   clients holding the `referrals_write` scope act at all; everybody else only reads.

use crate::auth::{ApiScope, Role};
use crate::workflow::{Actor, Messages, Refusal, Rule, Workflow};

labelled_enum! {
    /// Where a referral stands.
    pub enum ReferralStatus {
        Draft = "draft", "Nháp", "Draft";
        Sent = "sent", "Đã gửi, chờ tiếp nhận", "Sent, awaiting an answer";
        Accepted = "accepted", "Đã đồng ý tiếp nhận", "Accepted";
        Declined = "declined", "Từ chối tiếp nhận", "Declined";
        Redirected = "redirected", "Đã chuyển sang cơ sở khác", "Redirected";
        Arrived = "arrived", "Người bệnh đã đến", "Patient arrived";
        Completed = "completed", "Đã kết thúc điều trị", "Completed";
        Cancelled = "cancelled", "Đã hủy", "Cancelled";
    }
}

impl ReferralStatus {
    /// Whether nothing can happen to the referral any more.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            ReferralStatus::Completed
                | ReferralStatus::Declined
                | ReferralStatus::Redirected
                | ReferralStatus::Cancelled
        )
    }

    /// Whether the slip has left the sender and the patient is on the way, i.e. the
    /// slip's validity still matters (sent or accepted).
    pub fn before_arrival(self) -> bool {
        matches!(self, ReferralStatus::Sent | ReferralStatus::Accepted)
    }
}

labelled_enum! {
    /// A transition, each one an endpoint `POST /referrals/{id}/<action>`.
    pub enum ReferralAction {
        Send = "send", "Gửi phiếu chuyển", "Send";
        Accept = "accept", "Đồng ý tiếp nhận", "Accept";
        Decline = "decline", "Từ chối tiếp nhận", "Decline";
        Redirect = "redirect", "Chuyển sang cơ sở khác", "Redirect";
        Arrive = "arrive", "Xác nhận người bệnh đã đến", "Record arrival";
        Complete = "complete", "Kết thúc điều trị", "Complete";
        Cancel = "cancel", "Hủy chuyển", "Cancel";
    }
}

/// The referral workflow: the table of issue 3 and DESIGN.md.
#[derive(Debug, Clone, Copy)]
pub struct Referrals;

impl Workflow for Referrals {
    type Status = ReferralStatus;
    type Action = ReferralAction;
    type Party = Party;

    const RULES: &'static [Rule<ReferralStatus, ReferralAction, Party>] = {
        use Party::{Receiver, Sender};
        use ReferralAction as A;
        use ReferralStatus as S;
        &[
            Rule {
                action: A::Send,
                by: &[Sender],
                moves: &[(S::Draft, S::Sent)],
            },
            Rule {
                action: A::Accept,
                by: &[Receiver],
                moves: &[(S::Sent, S::Accepted)],
            },
            Rule {
                action: A::Decline,
                by: &[Receiver],
                moves: &[(S::Sent, S::Declined)],
            },
            Rule {
                action: A::Redirect,
                by: &[Receiver],
                moves: &[(S::Sent, S::Redirected), (S::Accepted, S::Redirected)],
            },
            Rule {
                action: A::Arrive,
                by: &[Receiver],
                moves: &[(S::Accepted, S::Arrived)],
            },
            Rule {
                action: A::Complete,
                by: &[Receiver],
                moves: &[(S::Arrived, S::Completed)],
            },
            // The sender may cancel until the patient has arrived.
            Rule {
                action: A::Cancel,
                by: &[Sender],
                moves: &[
                    (S::Draft, S::Cancelled),
                    (S::Sent, S::Cancelled),
                    (S::Accepted, S::Cancelled),
                ],
            },
        ]
    };

    const MESSAGES: Messages = Messages {
        not_permitted: [
            "Vai trò của bạn không được xử lý chuyển tuyến",
            "Your role does not handle referrals",
        ],
        not_from_status: [
            "Không thể “{action}” khi phiếu đang ở trạng thái “{status}”",
            "Cannot {verb} a referral in status “{status}”",
        ],
        wrong_party: [
            "Chỉ {party} mới được “{action}”",
            "Only the {party} may {verb}",
        ],
    };
}

labelled_enum! {
    /// How the acting user's facility stands to a referral.
    pub enum Party {
        Sender = "sender", "Cơ sở chuyển đi", "Referring facility";
        Receiver = "receiver", "Cơ sở tiếp nhận", "Receiving facility";
        Neither = "neither", "Cơ sở khác", "Another facility";
    }
}

impl Party {
    /// The party of someone from `facility_id` on a referral `from_facility_id` →
    /// `to_facility_id`. Referrals to the sender itself are refused when created, so the
    /// sender wins if the two ever coincide.
    pub fn of(facility_id: i64, from_facility_id: i64, to_facility_id: i64) -> Party {
        if facility_id == from_facility_id {
            Party::Sender
        } else if facility_id == to_facility_id {
            Party::Receiver
        } else {
            Party::Neither
        }
    }
}

/// Whether people with this role take part in referrals (create, send, answer, record
/// arrival and completion, follow up).
///
/// Clinical roles do: `station_head` (creates and follows up at the station),
/// `clinician`, `department_head` and `director` (the slip is signed by the head of the
/// facility or someone authorised). `admin` manages the system but is not a clinical
/// actor, `health_department` only reads, and `planner` and `nursing_head` are
/// administrative offices of the centre.
pub fn role_handles_referrals(role: Role) -> bool {
    match role {
        Role::StationHead | Role::Clinician | Role::DepartmentHead | Role::Director => true,
        Role::Admin | Role::HealthDepartment | Role::Planner | Role::NursingHead => false,
    }
}

/// Who is acting, as far as the state machine cares: the party of their facility and
/// whether they may act on referrals at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Side {
    /// How the actor's facility stands to the referral.
    pub party: Party,
    /// Whether the actor's role (or integration scopes) allows handling referrals.
    pub may_act: bool,
}

impl Side {
    /// A signed-in person with `role`, from a facility that is `party` to the referral.
    pub fn user(role: Role, party: Party) -> Side {
        Side {
            party,
            may_act: role_handles_referrals(role),
        }
    }

    /// An integration client (e.g. a hospital HIS) acting for a facility that is
    /// `party`; it acts when granted `referrals_write`.
    pub fn client(scopes: &[ApiScope], party: Party) -> Side {
        Side {
            party,
            may_act: scopes.contains(&ApiScope::ReferralsWrite),
        }
    }
}

impl Actor<Referrals> for Side {
    fn party(&self) -> Party {
        self.party
    }

    fn may(&self, _action: ReferralAction) -> bool {
        self.may_act
    }
}

/// Why a transition is refused.
pub type TransitionError = Refusal<Referrals>;

/// The status after `side` takes `action` on a referral in `status` ([`Workflow::check`]).
pub fn transition(
    status: ReferralStatus,
    action: ReferralAction,
    side: Side,
) -> Result<ReferralStatus, TransitionError> {
    Referrals::check(status, action, &side)
}

/// The actions `side` may take on a referral in `status`, in declaration order: the
/// buttons the SPA shows.
pub fn allowed_actions(status: ReferralStatus, side: Side) -> Vec<ReferralAction> {
    Referrals::allowed(status, &side)
}

/// Whether `side` may edit the slip (`PUT /referrals/{id}`): only the sender, only
/// while it is a draft. After sending, the slip is a signed document.
pub fn may_edit(status: ReferralStatus, side: Side) -> bool {
    side.may_act && side.party == Party::Sender && status == ReferralStatus::Draft
}

/// Whether someone sees the patient's identity and clinical data: any user (or client)
/// of the sending or receiving facility, and admins (every such read is audited).
/// Everyone else sees the referral without the patient.
pub fn may_see_patient(party: Party, is_admin: bool) -> bool {
    is_admin || matches!(party, Party::Sender | Party::Receiver)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Lang;
    use crate::error::ErrorCode;
    use crate::workflow::assert_follows_table;
    use ReferralAction as A;
    use ReferralStatus as S;

    /// The roles that act on referrals, written out by hand.
    const HANDLING_ROLES: &[Role] = &[
        Role::StationHead,
        Role::Clinician,
        Role::DepartmentHead,
        Role::Director,
    ];

    /// Every kind of actor: each role, and a client with and without the write scope.
    fn actors(party: Party) -> Vec<(String, Side, bool)> {
        let mut out: Vec<(String, Side, bool)> = Role::all()
            .iter()
            .map(|role| {
                (
                    format!("{role}"),
                    Side::user(*role, party),
                    HANDLING_ROLES.contains(role),
                )
            })
            .collect();
        out.push((
            "client:referrals_write".into(),
            Side::client(&[ApiScope::ReferralsRead, ApiScope::ReferralsWrite], party),
            true,
        ));
        out.push((
            "client:referrals_read".into(),
            Side::client(&[ApiScope::ReferralsRead, ApiScope::RegistryRead], party),
            false,
        ));
        out
    }

    #[test]
    fn every_status_action_actor_and_party_follows_the_table() {
        let mut every = Vec::new();
        for party in Party::all() {
            for (who, side, acts) in actors(*party) {
                assert_eq!(side.may_act, acts, "{who} acts on referrals");
                every.push((format!("{who} ({party})"), side));
            }
        }
        let permitted = assert_follows_table::<Referrals, _>(&every);
        // 10 (status, action) moves, each for the 4 handling roles and the writing client.
        assert_eq!(permitted, 10 * 5);
    }

    #[test]
    fn buttons_for_the_main_path() {
        let station = Side::user(Role::StationHead, Party::Sender);
        let hospital = Side::user(Role::Clinician, Party::Receiver);
        assert_eq!(allowed_actions(S::Draft, station), vec![A::Send, A::Cancel]);
        assert_eq!(allowed_actions(S::Draft, hospital), vec![]);
        assert_eq!(allowed_actions(S::Sent, station), vec![A::Cancel]);
        assert_eq!(
            allowed_actions(S::Sent, hospital),
            vec![A::Accept, A::Decline, A::Redirect]
        );
        assert_eq!(allowed_actions(S::Accepted, station), vec![A::Cancel]);
        assert_eq!(
            allowed_actions(S::Accepted, hospital),
            vec![A::Redirect, A::Arrive]
        );
        assert_eq!(allowed_actions(S::Arrived, station), vec![]);
        assert_eq!(allowed_actions(S::Arrived, hospital), vec![A::Complete]);
        for status in [S::Completed, S::Declined, S::Redirected, S::Cancelled] {
            assert!(status.is_terminal());
            assert_eq!(allowed_actions(status, station), vec![]);
            assert_eq!(allowed_actions(status, hospital), vec![]);
        }
        let admin = Side::user(Role::Admin, Party::Receiver);
        assert_eq!(allowed_actions(S::Sent, admin), vec![]);
        let department = Side::user(Role::HealthDepartment, Party::Neither);
        assert_eq!(
            transition(S::Sent, A::Accept, department),
            Err(TransitionError::NotPermitted { action: A::Accept })
        );
    }

    #[test]
    fn refusals_map_to_error_codes_and_read_well() {
        let station = Side::user(Role::StationHead, Party::Sender);
        let wrong = transition(S::Sent, A::Accept, station).err();
        assert_eq!(
            wrong,
            Some(TransitionError::WrongParty {
                action: A::Accept,
                required: Some(Party::Receiver)
            })
        );
        let wrong = wrong.unwrap_or(TransitionError::NotPermitted { action: A::Send });
        assert_eq!(wrong.code(), ErrorCode::Forbidden);
        assert_eq!(
            wrong.message(Lang::Vi),
            "Chỉ cơ sở tiếp nhận mới được “Đồng ý tiếp nhận”"
        );
        assert_eq!(
            wrong.message(Lang::En),
            "Only the receiving facility may accept"
        );
        let late = transition(S::Arrived, A::Cancel, station).err();
        let late = late.unwrap_or(TransitionError::NotPermitted { action: A::Send });
        assert_eq!(late.code(), ErrorCode::InvalidTransition);
        assert_eq!(
            late.message(Lang::Vi),
            "Không thể “Hủy chuyển” khi phiếu đang ở trạng thái “Người bệnh đã đến”"
        );
        assert_eq!(
            late.to_string(),
            "Cannot cancel a referral in status “Patient arrived”"
        );
        assert_eq!(
            TransitionError::NotPermitted { action: A::Send }.code(),
            ErrorCode::Forbidden
        );
    }

    #[test]
    fn editing_and_patient_visibility() {
        for status in S::all() {
            for party in Party::all() {
                for (who, side, acts) in actors(*party) {
                    let want = acts && *party == Party::Sender && *status == S::Draft;
                    assert_eq!(may_edit(*status, side), want, "{status} {who} {party}");
                }
            }
        }
        assert!(may_see_patient(Party::Sender, false));
        assert!(may_see_patient(Party::Receiver, false));
        assert!(!may_see_patient(Party::Neither, false));
        assert!(may_see_patient(Party::Neither, true));
    }

    #[test]
    fn parties_and_status_groups() {
        assert_eq!(Party::of(1, 1, 2), Party::Sender);
        assert_eq!(Party::of(2, 1, 2), Party::Receiver);
        assert_eq!(Party::of(3, 1, 2), Party::Neither);
        assert_eq!(Party::of(1, 1, 1), Party::Sender);
        let open: Vec<S> = S::all()
            .iter()
            .copied()
            .filter(|s| !s.is_terminal())
            .collect();
        assert_eq!(open, vec![S::Draft, S::Sent, S::Accepted, S::Arrived]);
        let travelling: Vec<S> = S::all()
            .iter()
            .copied()
            .filter(|s| s.before_arrival())
            .collect();
        assert_eq!(travelling, vec![S::Sent, S::Accepted]);
        assert_eq!(
            serde_json::to_string(&S::Redirected).unwrap_or_default(),
            "\"redirected\""
        );
        assert_eq!("arrive".parse::<A>().ok(), Some(A::Arrive));
    }
}
