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
use crate::error::ErrorCode;
use crate::{Labelled, Lang};

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

impl ReferralAction {
    /// The party whose facility performs this action.
    pub fn performed_by(self) -> Party {
        match self {
            ReferralAction::Send | ReferralAction::Cancel => Party::Sender,
            ReferralAction::Accept
            | ReferralAction::Decline
            | ReferralAction::Redirect
            | ReferralAction::Arrive
            | ReferralAction::Complete => Party::Receiver,
        }
    }

    /// The status this action leads to from `from`, or `None` when nobody may take it
    /// there.
    pub fn target(self, from: ReferralStatus) -> Option<ReferralStatus> {
        use ReferralAction as A;
        use ReferralStatus as S;
        match (from, self) {
            (S::Draft, A::Send) => Some(S::Sent),
            (S::Sent, A::Accept) => Some(S::Accepted),
            (S::Sent, A::Decline) => Some(S::Declined),
            (S::Sent | S::Accepted, A::Redirect) => Some(S::Redirected),
            (S::Accepted, A::Arrive) => Some(S::Arrived),
            (S::Arrived, A::Complete) => Some(S::Completed),
            (S::Draft | S::Sent | S::Accepted, A::Cancel) => Some(S::Cancelled),
            _ => None,
        }
    }
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

/// Why a transition is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransitionError {
    /// The actor's role or scopes do not handle referrals (403).
    NotPermitted,
    /// Nobody may take this action from this status (409 `invalid_transition`).
    NotFromStatus {
        /// Current status.
        status: ReferralStatus,
        /// Attempted action.
        action: ReferralAction,
    },
    /// The action is possible now, but only for the other facility (403).
    WrongParty {
        /// Attempted action.
        action: ReferralAction,
        /// The party that may take it.
        required: Party,
    },
}

impl TransitionError {
    /// The API error code this refusal is answered with.
    pub fn code(&self) -> ErrorCode {
        match self {
            TransitionError::NotPermitted | TransitionError::WrongParty { .. } => {
                ErrorCode::Forbidden
            }
            TransitionError::NotFromStatus { .. } => ErrorCode::InvalidTransition,
        }
    }

    /// A sentence for the problem's `detail`, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (TransitionError::NotPermitted, Lang::Vi) => {
                "Vai trò của bạn không được xử lý chuyển tuyến".to_string()
            }
            (TransitionError::NotPermitted, Lang::En) => {
                "Your role does not handle referrals".to_string()
            }
            (TransitionError::NotFromStatus { status, action }, Lang::Vi) => format!(
                "Không thể “{}” khi phiếu đang ở trạng thái “{}”",
                action.label(lang),
                status.label(lang)
            ),
            (TransitionError::NotFromStatus { status, action }, Lang::En) => format!(
                "Cannot {} a referral in status “{}”",
                action.as_str(),
                status.label(lang)
            ),
            (TransitionError::WrongParty { action, required }, Lang::Vi) => format!(
                "Chỉ {} mới được “{}”",
                required.label(lang).to_lowercase(),
                action.label(lang)
            ),
            (TransitionError::WrongParty { action, required }, Lang::En) => format!(
                "Only the {} may {}",
                required.label(lang).to_lowercase(),
                action.as_str()
            ),
        }
    }
}

impl std::fmt::Display for TransitionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for TransitionError {}

/// The status after `side` takes `action` on a referral in `status`.
///
/// Checks, in order: the actor may handle referrals at all ([`TransitionError::NotPermitted`]),
/// the action is possible from this status for anyone ([`TransitionError::NotFromStatus`]),
/// and the actor's facility is the party that takes it ([`TransitionError::WrongParty`]).
pub fn transition(
    status: ReferralStatus,
    action: ReferralAction,
    side: Side,
) -> Result<ReferralStatus, TransitionError> {
    if !side.may_act {
        return Err(TransitionError::NotPermitted);
    }
    let next = action
        .target(status)
        .ok_or(TransitionError::NotFromStatus { status, action })?;
    let required = action.performed_by();
    if side.party == required {
        Ok(next)
    } else {
        Err(TransitionError::WrongParty { action, required })
    }
}

/// The actions `side` may take on a referral in `status`, in declaration order: the
/// buttons the SPA shows.
pub fn allowed_actions(status: ReferralStatus, side: Side) -> Vec<ReferralAction> {
    ReferralAction::all()
        .iter()
        .copied()
        .filter(|action| transition(status, *action, side).is_ok())
        .collect()
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
    use ReferralAction as A;
    use ReferralStatus as S;

    /// Every permitted transition, written out by hand from issue 3 and DESIGN.md:
    /// (from, action, the party that takes it, to). Anything not listed is refused.
    const PERMITTED: &[(S, A, Party, S)] = &[
        (S::Draft, A::Send, Party::Sender, S::Sent),
        (S::Draft, A::Cancel, Party::Sender, S::Cancelled),
        (S::Sent, A::Accept, Party::Receiver, S::Accepted),
        (S::Sent, A::Decline, Party::Receiver, S::Declined),
        (S::Sent, A::Redirect, Party::Receiver, S::Redirected),
        (S::Sent, A::Cancel, Party::Sender, S::Cancelled),
        (S::Accepted, A::Redirect, Party::Receiver, S::Redirected),
        (S::Accepted, A::Arrive, Party::Receiver, S::Arrived),
        (S::Accepted, A::Cancel, Party::Sender, S::Cancelled),
        (S::Arrived, A::Complete, Party::Receiver, S::Completed),
    ];

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

    fn expected(status: S, action: A, party: Party, acts: bool) -> Result<S, TransitionError> {
        if !acts {
            return Err(TransitionError::NotPermitted);
        }
        let rows: Vec<_> = PERMITTED
            .iter()
            .filter(|(from, act, _, _)| *from == status && *act == action)
            .collect();
        match rows.as_slice() {
            [] => Err(TransitionError::NotFromStatus { status, action }),
            [(_, _, by, to)] if *by == party => Ok(*to),
            [(_, _, by, _)] => Err(TransitionError::WrongParty {
                action,
                required: *by,
            }),
            _ => panic!("the table lists ({status}, {action}) twice"),
        }
    }

    #[test]
    fn every_status_action_actor_and_party_matches_the_table() {
        let mut checked = 0;
        let mut permitted = 0;
        for status in S::all() {
            for action in A::all() {
                for party in Party::all() {
                    for (who, side, acts) in actors(*party) {
                        let want = expected(*status, *action, *party, acts);
                        let got = transition(*status, *action, side);
                        assert_eq!(got, want, "{status} {action} by {who} ({party})");
                        checked += 1;
                        permitted += usize::from(got.is_ok());
                    }
                }
            }
        }
        // 8 statuses × 7 actions × 3 parties × (8 roles + 2 clients).
        assert_eq!(checked, 8 * 7 * 3 * 10);
        // Each of the 10 rows, for the 4 handling roles and the writing client.
        assert_eq!(permitted, PERMITTED.len() * 5);
    }

    #[test]
    fn allowed_actions_are_exactly_the_permitted_rows() {
        for status in S::all() {
            for party in Party::all() {
                for (who, side, acts) in actors(*party) {
                    let want: Vec<A> = A::all()
                        .iter()
                        .copied()
                        .filter(|action| {
                            acts && PERMITTED
                                .iter()
                                .any(|(f, a, by, _)| f == status && a == action && by == party)
                        })
                        .collect();
                    assert_eq!(
                        allowed_actions(*status, side),
                        want,
                        "{status} for {who} ({party})"
                    );
                }
            }
        }
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
            Err(TransitionError::NotPermitted)
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
                required: Party::Receiver
            })
        );
        let wrong = wrong.unwrap_or(TransitionError::NotPermitted);
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
        let late = late.unwrap_or(TransitionError::NotPermitted);
        assert_eq!(late.code(), ErrorCode::InvalidTransition);
        assert_eq!(
            late.message(Lang::Vi),
            "Không thể “Hủy chuyển” khi phiếu đang ở trạng thái “Người bệnh đã đến”"
        );
        assert_eq!(
            late.to_string(),
            "Cannot cancel a referral in status “Patient arrived”"
        );
        assert_eq!(TransitionError::NotPermitted.code(), ErrorCode::Forbidden);
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
