//! The life of a plan: `draft → submitted → approved → active → closed`; a rejection
//! sends it back to `draft` with a reason; an approved or active plan changes only through
//! a new version (`revise`), which starts as a draft while the old one stays readable.

use crate::workflow::{Actor, Messages, Refusal, Rule, Workflow};

labelled_enum! {
    /// Status of a plan.
    pub enum PlanStatus {
        Draft = "draft", "Dự thảo", "Draft";
        Submitted = "submitted", "Đã trình duyệt", "Submitted";
        Approved = "approved", "Đã phê duyệt", "Approved";
        Active = "active", "Đang thực hiện", "Active";
        Closed = "closed", "Đã kết thúc", "Closed";
    }
}

labelled_enum! {
    /// What can be done to a plan.
    pub enum PlanAction {
        Edit = "edit", "Sửa", "Edit";
        Submit = "submit", "Trình duyệt", "Submit";
        Approve = "approve", "Phê duyệt", "Approve";
        Reject = "reject", "Trả lại", "Return for changes";
        Activate = "activate", "Triển khai", "Start";
        Close = "close", "Kết thúc", "Close";
        Revise = "revise", "Lập phiên bản điều chỉnh", "Revise as a new version";
    }
}

labelled_enum! {
    /// How an actor stands to a plan.
    pub enum PlanSide {
        /// Planning at the issuing facility: writes, submits, starts, closes, revises.
        Author = "author", "Bên lập kế hoạch", "Author";
        /// Who approves: the issuing facility's director, or the health department for a
        /// network plan.
        Approver = "approver", "Bên phê duyệt", "Approver";
        /// Anyone else who may read it.
        Reader = "reader", "Người xem", "Reader";
    }
}

/// The plan workflow. `revise` keeps the old version's status while the new version
/// starts as a draft.
#[derive(Debug, Clone, Copy)]
pub struct Plans;

impl Workflow for Plans {
    type Status = PlanStatus;
    type Action = PlanAction;
    type Party = PlanSide;

    const RULES: &'static [Rule<PlanStatus, PlanAction, PlanSide>] = {
        use PlanAction as A;
        use PlanSide::{Approver, Author};
        use PlanStatus as S;
        &[
            Rule {
                action: A::Edit,
                by: &[Author],
                moves: &[(S::Draft, S::Draft)],
            },
            Rule {
                action: A::Submit,
                by: &[Author],
                moves: &[(S::Draft, S::Submitted)],
            },
            Rule {
                action: A::Approve,
                by: &[Approver],
                moves: &[(S::Submitted, S::Approved)],
            },
            Rule {
                action: A::Reject,
                by: &[Approver],
                moves: &[(S::Submitted, S::Draft)],
            },
            Rule {
                action: A::Activate,
                by: &[Author],
                moves: &[(S::Approved, S::Active)],
            },
            Rule {
                action: A::Close,
                by: &[Author],
                moves: &[(S::Active, S::Closed)],
            },
            // An approved or active plan changes only through a new version.
            Rule {
                action: A::Revise,
                by: &[Author],
                moves: &[(S::Approved, S::Approved), (S::Active, S::Active)],
            },
        ]
    };

    const MESSAGES: Messages = Messages {
        // Every role reads; the side decides.
        not_permitted: [
            "Bạn không có quyền “{action}” kế hoạch này",
            "You may not “{action}” this plan",
        ],
        not_from_status: [
            "Không thể “{action}” kế hoạch đang ở trạng thái “{status}”",
            "Cannot “{action}” a plan that is “{status}”",
        ],
        wrong_party: [
            "Bạn không có quyền “{action}” kế hoạch này",
            "You may not “{action}” this plan",
        ],
    };
}

impl Actor<Plans> for PlanSide {
    fn party(&self) -> PlanSide {
        *self
    }
}

/// Why an action cannot be taken.
pub type PlanError = Refusal<Plans>;

/// The status after the action (for `revise`: the status of the old version, which
/// stays as it is while the new version starts as a draft), or why it cannot happen.
pub fn transition(
    status: PlanStatus,
    action: PlanAction,
    side: PlanSide,
) -> Result<PlanStatus, PlanError> {
    Plans::check(status, action, &side)
}

/// The actions open to the side in the status, in display order.
pub fn allowed_actions(status: PlanStatus, side: PlanSide) -> Vec<PlanAction> {
    Plans::allowed(status, &side)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Lang;
    use crate::workflow::assert_follows_table;
    use PlanAction as A;
    use PlanSide as D;
    use PlanStatus as S;

    #[test]
    fn the_workflow_is_exactly_the_table() {
        let sides: Vec<_> = D::all()
            .iter()
            .map(|side| (side.to_string(), *side))
            .collect();
        // 8 (status, action) moves, each for one side.
        assert_eq!(assert_follows_table::<Plans, _>(&sides), 8);
    }

    #[test]
    fn an_approved_plan_is_never_edited_in_place() {
        for status in [S::Submitted, S::Approved, S::Active, S::Closed] {
            assert!(transition(status, A::Edit, D::Author).is_err());
        }
        assert_eq!(
            allowed_actions(S::Approved, D::Author),
            vec![A::Activate, A::Revise]
        );
        assert!(allowed_actions(S::Closed, D::Author).is_empty());
        assert_eq!(
            PlanError::WrongParty {
                action: A::Approve,
                required: Some(D::Approver)
            }
            .message(Lang::Vi),
            "Bạn không có quyền “Phê duyệt” kế hoạch này"
        );
    }
}
