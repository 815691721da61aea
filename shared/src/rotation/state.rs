//! The life of an assignment: `proposed → published → confirmed → done`, or `absent`,
//! `cancelled`; and who may move it.

use serde::{Deserialize, Serialize};

use crate::Lang;
use crate::auth::Role;

labelled_enum! {
    /// Status of a rotation assignment.
    pub enum AssignmentStatus {
        Proposed = "proposed", "Đề xuất", "Proposed";
        Published = "published", "Đã công bố", "Published";
        Confirmed = "confirmed", "Đã xác nhận", "Confirmed";
        Done = "done", "Đã thực hiện", "Done";
        Absent = "absent", "Vắng mặt", "Absent";
        Cancelled = "cancelled", "Đã hủy", "Cancelled";
    }
}

impl AssignmentStatus {
    /// Whether the person is (still) expected at the station: the assignment books them.
    pub fn books(self) -> bool {
        !matches!(self, AssignmentStatus::Absent | AssignmentStatus::Cancelled)
    }

    /// Whether the generator may replace it without being asked to re-plan published
    /// work.
    pub fn is_draft(self) -> bool {
        self == AssignmentStatus::Proposed
    }
}

labelled_enum! {
    /// What can be done to an assignment.
    pub enum AssignmentAction {
        Publish = "publish", "Công bố", "Publish";
        Confirm = "confirm", "Xác nhận tham gia", "Confirm";
        Attend = "attend", "Xác nhận có mặt", "Confirm attendance";
        MarkAbsent = "mark_absent", "Ghi nhận vắng mặt", "Mark absent";
        Cancel = "cancel", "Hủy", "Cancel";
        Swap = "swap", "Đổi người", "Swap";
        Edit = "edit", "Sửa", "Edit";
    }
}

/// The sides of an assignment an actor may stand on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AssignmentSide {
    /// Planning at the sending facility (planner, nursing head, director).
    Planner,
    /// The head of the person's department at the sending facility.
    Department,
    /// The person assigned.
    Assignee,
    /// The station receiving the person.
    Station,
    /// Anyone else (health department, admin reads, other facilities).
    Other,
}

impl AssignmentSide {
    /// The side a user of a role stands on, given whether their facility sends the person,
    /// receives them, and whether the user is the person.
    pub fn of(role: Role, sends: bool, receives: bool, is_assignee: bool) -> AssignmentSide {
        match role {
            Role::Planner | Role::NursingHead | Role::Director if sends => AssignmentSide::Planner,
            Role::DepartmentHead if sends => AssignmentSide::Department,
            Role::StationHead if receives => AssignmentSide::Station,
            _ if is_assignee => AssignmentSide::Assignee,
            _ => AssignmentSide::Other,
        }
    }
}

/// Why an action cannot be taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssignmentError {
    /// Not in this status.
    WrongStatus(AssignmentStatus, AssignmentAction),
    /// Not from this side.
    WrongSide(AssignmentAction),
}

impl AssignmentError {
    /// A sentence for the user.
    pub fn message(&self, lang: Lang) -> String {
        use crate::Labelled;
        match (self, lang) {
            (AssignmentError::WrongStatus(status, action), Lang::Vi) => format!(
                "Không thể “{}” khi phân công đang ở trạng thái “{}”",
                action.label(lang),
                status.label(lang)
            ),
            (AssignmentError::WrongStatus(status, action), Lang::En) => format!(
                "Cannot “{}” an assignment that is “{}”",
                action.label(lang),
                status.label(lang)
            ),
            (AssignmentError::WrongSide(action), Lang::Vi) => {
                format!("Bạn không có quyền “{}” phân công này", action.label(lang))
            }
            (AssignmentError::WrongSide(action), Lang::En) => {
                format!("You may not “{}” this assignment", action.label(lang))
            }
        }
    }
}

/// The status after the action, or why it cannot happen.
pub fn transition(
    status: AssignmentStatus,
    action: AssignmentAction,
    side: AssignmentSide,
) -> Result<AssignmentStatus, AssignmentError> {
    use AssignmentAction as A;
    use AssignmentSide as S;
    use AssignmentStatus as St;
    let target = match (action, status) {
        (A::Publish, St::Proposed) => St::Published,
        (A::Confirm, St::Published) => St::Confirmed,
        (A::Attend, St::Published | St::Confirmed) => St::Done,
        (A::MarkAbsent, St::Published | St::Confirmed) => St::Absent,
        (A::Cancel, St::Proposed | St::Published | St::Confirmed) => St::Cancelled,
        (A::Swap, St::Proposed) => St::Proposed,
        // The new person of a confirmed assignment has to confirm again.
        (A::Swap, St::Published | St::Confirmed) => St::Published,
        (A::Edit, St::Proposed | St::Published) => status,
        _ => return Err(AssignmentError::WrongStatus(status, action)),
    };
    let permitted = match action {
        A::Publish | A::Cancel | A::Swap | A::Edit => side == S::Planner,
        A::Confirm => matches!(side, S::Planner | S::Department | S::Assignee),
        A::Attend | A::MarkAbsent => side == S::Station,
    };
    if permitted {
        Ok(target)
    } else {
        Err(AssignmentError::WrongSide(action))
    }
}

/// The actions open to the side in the status, in display order.
pub fn allowed_actions(status: AssignmentStatus, side: AssignmentSide) -> Vec<AssignmentAction> {
    AssignmentAction::all()
        .iter()
        .copied()
        .filter(|action| transition(status, *action, side).is_ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use AssignmentAction as A;
    use AssignmentSide as S;
    use AssignmentStatus as St;

    /// Every permitted (status, action, side) and where it leads; everything else is
    /// refused.
    const PERMITTED: &[(St, A, S, St)] = &[
        (St::Proposed, A::Publish, S::Planner, St::Published),
        (St::Proposed, A::Cancel, S::Planner, St::Cancelled),
        (St::Proposed, A::Swap, S::Planner, St::Proposed),
        (St::Proposed, A::Edit, S::Planner, St::Proposed),
        (St::Published, A::Confirm, S::Planner, St::Confirmed),
        (St::Published, A::Confirm, S::Department, St::Confirmed),
        (St::Published, A::Confirm, S::Assignee, St::Confirmed),
        (St::Published, A::Attend, S::Station, St::Done),
        (St::Published, A::MarkAbsent, S::Station, St::Absent),
        (St::Published, A::Cancel, S::Planner, St::Cancelled),
        (St::Published, A::Swap, S::Planner, St::Published),
        (St::Published, A::Edit, S::Planner, St::Published),
        (St::Confirmed, A::Attend, S::Station, St::Done),
        (St::Confirmed, A::MarkAbsent, S::Station, St::Absent),
        (St::Confirmed, A::Cancel, S::Planner, St::Cancelled),
        (St::Confirmed, A::Swap, S::Planner, St::Published),
    ];

    #[test]
    fn the_state_machine_is_exactly_the_table() {
        let sides = [S::Planner, S::Department, S::Assignee, S::Station, S::Other];
        let mut checked = 0;
        for status in St::all() {
            for action in A::all() {
                for side in sides {
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
        assert_eq!(checked, 6 * 7 * 5);
    }

    #[test]
    fn final_statuses_allow_nothing() {
        for status in [St::Done, St::Absent, St::Cancelled] {
            for side in [S::Planner, S::Station, S::Assignee] {
                assert!(allowed_actions(status, side).is_empty());
            }
        }
    }

    #[test]
    fn sides_follow_role_and_facility() {
        assert_eq!(
            AssignmentSide::of(Role::Planner, true, false, false),
            S::Planner
        );
        assert_eq!(
            AssignmentSide::of(Role::Planner, false, true, false),
            S::Other
        );
        assert_eq!(
            AssignmentSide::of(Role::StationHead, false, true, false),
            S::Station
        );
        assert_eq!(
            AssignmentSide::of(Role::Clinician, true, false, true),
            S::Assignee
        );
        assert_eq!(
            AssignmentSide::of(Role::Clinician, true, false, false),
            S::Other
        );
        assert_eq!(
            AssignmentSide::of(Role::DepartmentHead, true, false, false),
            S::Department
        );
        assert!(transition(St::Published, A::Confirm, S::Station).is_err());
        assert_eq!(
            AssignmentError::WrongStatus(St::Done, A::Cancel).message(Lang::Vi),
            "Không thể “Hủy” khi phân công đang ở trạng thái “Đã thực hiện”"
        );
    }
}
