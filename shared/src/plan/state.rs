//! The life of a plan: `draft → submitted → approved → active → closed`; a rejection
//! sends it back to `draft` with a reason; an approved or active plan changes only through
//! a new version (`revise`), which starts as a draft while the old one stays readable.

use crate::Lang;

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

/// How an actor stands to a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanSide {
    /// Planning at the issuing facility: writes, submits, starts, closes, revises.
    Author,
    /// Who approves: the issuing facility's director, or the health department for a
    /// network plan.
    Approver,
    /// Anyone else who may read it.
    Reader,
}

/// Why an action cannot be taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanError {
    /// Not in this status.
    WrongStatus(PlanStatus, PlanAction),
    /// Not from this side.
    WrongSide(PlanAction),
}

impl PlanError {
    /// A sentence for the user.
    pub fn message(&self, lang: Lang) -> String {
        use crate::Labelled;
        match (self, lang) {
            (PlanError::WrongStatus(status, action), Lang::Vi) => format!(
                "Không thể “{}” kế hoạch đang ở trạng thái “{}”",
                action.label(lang),
                status.label(lang)
            ),
            (PlanError::WrongStatus(status, action), Lang::En) => format!(
                "Cannot “{}” a plan that is “{}”",
                action.label(lang),
                status.label(lang)
            ),
            (PlanError::WrongSide(action), Lang::Vi) => {
                format!("Bạn không có quyền “{}” kế hoạch này", action.label(lang))
            }
            (PlanError::WrongSide(action), Lang::En) => {
                format!("You may not “{}” this plan", action.label(lang))
            }
        }
    }
}

/// The status after the action (for `revise`: the status of the old version, which
/// stays as it is while the new version starts as a draft), or why it cannot happen.
pub fn transition(
    status: PlanStatus,
    action: PlanAction,
    side: PlanSide,
) -> Result<PlanStatus, PlanError> {
    use PlanAction as A;
    use PlanStatus as S;
    let target = match (action, status) {
        (A::Edit, S::Draft) => S::Draft,
        (A::Submit, S::Draft) => S::Submitted,
        (A::Approve, S::Submitted) => S::Approved,
        (A::Reject, S::Submitted) => S::Draft,
        (A::Activate, S::Approved) => S::Active,
        (A::Close, S::Active) => S::Closed,
        (A::Revise, S::Approved | S::Active) => status,
        _ => return Err(PlanError::WrongStatus(status, action)),
    };
    let permitted = match action {
        A::Approve | A::Reject => side == PlanSide::Approver,
        A::Edit | A::Submit | A::Activate | A::Close | A::Revise => side == PlanSide::Author,
    };
    if permitted {
        Ok(target)
    } else {
        Err(PlanError::WrongSide(action))
    }
}

/// The actions open to the side in the status, in display order.
pub fn allowed_actions(status: PlanStatus, side: PlanSide) -> Vec<PlanAction> {
    PlanAction::all()
        .iter()
        .copied()
        .filter(|action| transition(status, *action, side).is_ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use PlanAction as A;
    use PlanSide as D;
    use PlanStatus as S;

    /// Every permitted (status, action, side) and where it leads.
    const PERMITTED: &[(S, A, D, S)] = &[
        (S::Draft, A::Edit, D::Author, S::Draft),
        (S::Draft, A::Submit, D::Author, S::Submitted),
        (S::Submitted, A::Approve, D::Approver, S::Approved),
        (S::Submitted, A::Reject, D::Approver, S::Draft),
        (S::Approved, A::Activate, D::Author, S::Active),
        (S::Approved, A::Revise, D::Author, S::Approved),
        (S::Active, A::Close, D::Author, S::Closed),
        (S::Active, A::Revise, D::Author, S::Active),
    ];

    #[test]
    fn the_workflow_is_exactly_the_table() {
        let mut checked = 0;
        for status in S::all() {
            for action in A::all() {
                for side in [D::Author, D::Approver, D::Reader] {
                    let expected = PERMITTED
                        .iter()
                        .find(|(s, a, d, _)| s == status && a == action && *d == side)
                        .map(|(_, _, _, to)| *to);
                    assert_eq!(
                        transition(*status, *action, side).ok(),
                        expected,
                        "{status:?} {action:?} {side:?}"
                    );
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 5 * 7 * 3);
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
            PlanError::WrongSide(A::Approve).message(Lang::Vi),
            "Bạn không có quyền “Phê duyệt” kế hoạch này"
        );
    }
}
