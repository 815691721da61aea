//! The life of an assignment: `proposed → published → confirmed → done`, or `absent`,
//! `cancelled`; and who may move it.

use crate::auth::Role;
use crate::workflow::{Actor, Messages, Refusal, Rule, Workflow};

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

labelled_enum! {
    /// The sides of an assignment an actor may stand on.
    pub enum AssignmentSide {
        /// Planning at the sending facility (planner, nursing head, director).
        Planner = "planner", "Bộ phận lập lịch", "Planning office";
        /// The head of the person's department at the sending facility.
        Department = "department", "Trưởng khoa", "Department head";
        /// The person assigned.
        Assignee = "assignee", "Người được phân công", "Assignee";
        /// The station receiving the person.
        Station = "station", "Trạm tiếp nhận", "Receiving station";
        /// Anyone else (health department, admin reads, other facilities).
        Other = "other", "Người khác", "Someone else";
    }
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

/// The assignment workflow.
#[derive(Debug, Clone, Copy)]
pub struct Assignments;

impl Workflow for Assignments {
    type Status = AssignmentStatus;
    type Action = AssignmentAction;
    type Party = AssignmentSide;

    const RULES: &'static [Rule<AssignmentStatus, AssignmentAction, AssignmentSide>] = {
        use AssignmentAction as A;
        use AssignmentSide::{Assignee, Department, Planner, Station};
        use AssignmentStatus as St;
        &[
            Rule {
                action: A::Publish,
                by: &[Planner],
                moves: &[(St::Proposed, St::Published)],
            },
            Rule {
                action: A::Confirm,
                by: &[Planner, Department, Assignee],
                moves: &[(St::Published, St::Confirmed)],
            },
            Rule {
                action: A::Attend,
                by: &[Station],
                moves: &[(St::Published, St::Done), (St::Confirmed, St::Done)],
            },
            Rule {
                action: A::MarkAbsent,
                by: &[Station],
                moves: &[(St::Published, St::Absent), (St::Confirmed, St::Absent)],
            },
            Rule {
                action: A::Cancel,
                by: &[Planner],
                moves: &[
                    (St::Proposed, St::Cancelled),
                    (St::Published, St::Cancelled),
                    (St::Confirmed, St::Cancelled),
                ],
            },
            // The new person of a confirmed assignment has to confirm again.
            Rule {
                action: A::Swap,
                by: &[Planner],
                moves: &[
                    (St::Proposed, St::Proposed),
                    (St::Published, St::Published),
                    (St::Confirmed, St::Published),
                ],
            },
            Rule {
                action: A::Edit,
                by: &[Planner],
                moves: &[(St::Proposed, St::Proposed), (St::Published, St::Published)],
            },
        ]
    };

    const MESSAGES: Messages = Messages {
        // Every role reads; the side decides.
        not_permitted: [
            "Bạn không có quyền “{action}” phân công này",
            "You may not “{action}” this assignment",
        ],
        not_from_status: [
            "Không thể “{action}” khi phân công đang ở trạng thái “{status}”",
            "Cannot “{action}” an assignment that is “{status}”",
        ],
        wrong_party: [
            "Bạn không có quyền “{action}” phân công này",
            "You may not “{action}” this assignment",
        ],
    };
}

impl Actor<Assignments> for AssignmentSide {
    fn party(&self) -> AssignmentSide {
        *self
    }
}

/// Why an action cannot be taken.
pub type AssignmentError = Refusal<Assignments>;

/// The status after the action, or why it cannot happen.
pub fn transition(
    status: AssignmentStatus,
    action: AssignmentAction,
    side: AssignmentSide,
) -> Result<AssignmentStatus, AssignmentError> {
    Assignments::check(status, action, &side)
}

/// The actions open to the side in the status, in display order.
pub fn allowed_actions(status: AssignmentStatus, side: AssignmentSide) -> Vec<AssignmentAction> {
    Assignments::allowed(status, &side)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Lang;
    use crate::workflow::assert_follows_table;
    use AssignmentAction as A;
    use AssignmentSide as S;
    use AssignmentStatus as St;

    #[test]
    fn the_state_machine_is_exactly_the_table() {
        let sides: Vec<_> = S::all()
            .iter()
            .map(|side| (side.to_string(), *side))
            .collect();
        // 14 (status, action) moves; confirming is open to three sides.
        assert_eq!(assert_follows_table::<Assignments, _>(&sides), 16);
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
            AssignmentError::NotFromStatus {
                status: St::Done,
                action: A::Cancel
            }
            .message(Lang::Vi),
            "Không thể “Hủy” khi phân công đang ở trạng thái “Đã thực hiện”"
        );
    }
}
