//! The two supervision workflows, declared as tables for the workflow engine: the visit
//! (scheduled → in progress → submitted → closed, or cancelled) and the corrective
//! action (open → answered → closed, reopened when the answer or the fix falls short).

use crate::auth::Role;
use crate::workflow::{Actor, Messages, Refusal, Rule, Workflow};

labelled_enum! {
    /// Where a supervision visit stands. `submitted`: the checklist is complete and the
    /// score is fixed; `closed`: the supervisor has finished with it (its corrective
    /// actions live on until a follow-up visit closes them).
    pub enum VisitStatus {
        Scheduled = "scheduled", "Đã lên lịch", "Scheduled";
        InProgress = "in_progress", "Đang giám sát", "In progress";
        Submitted = "submitted", "Đã chấm điểm", "Scored";
        Closed = "closed", "Đã kết thúc", "Closed";
        Cancelled = "cancelled", "Đã hủy", "Cancelled";
    }
}

impl VisitStatus {
    /// Whether the visit is over (nothing but reading is left).
    pub fn is_terminal(self) -> bool {
        matches!(self, VisitStatus::Closed | VisitStatus::Cancelled)
    }

    /// Whether the visit has a final score.
    pub fn is_scored(self) -> bool {
        matches!(self, VisitStatus::Submitted | VisitStatus::Closed)
    }
}

labelled_enum! {
    /// A step on a visit. `start`, `submit`, `close` and `cancel` are endpoints
    /// `POST /supervision-visits/{id}/<action>`; `reschedule` is `PUT` on the visit,
    /// `record` an answer to an item, `correct` a new corrective action.
    pub enum VisitAction {
        Reschedule = "reschedule", "Đổi lịch giám sát", "Reschedule";
        Start = "start", "Bắt đầu giám sát", "Start the visit";
        Record = "record", "Ghi kết quả từng tiêu chí", "Record findings";
        Correct = "correct", "Giao việc khắc phục", "Assign a corrective action";
        Submit = "submit", "Nộp kết quả chấm điểm", "Submit the score";
        Close = "close", "Kết thúc đợt giám sát", "Close the visit";
        Cancel = "cancel", "Hủy đợt giám sát", "Cancel the visit";
    }
}

labelled_enum! {
    /// How the acting user's facility stands to a visit (and its corrective actions).
    pub enum VisitParty {
        Supervisor = "supervisor", "Đơn vị giám sát", "Supervising facility";
        Visited = "visited", "Đơn vị được giám sát", "Visited facility";
        Neither = "neither", "Đơn vị khác", "Another facility";
    }
}

impl VisitParty {
    /// The party of someone from `facility_id` on a visit of `supervising` to `visited`.
    pub fn of(facility_id: i64, supervising: i64, visited: i64) -> VisitParty {
        if facility_id == supervising {
            VisitParty::Supervisor
        } else if facility_id == visited {
            VisitParty::Visited
        } else {
            VisitParty::Neither
        }
    }
}

/// Whether people with this role run supervision visits and keep checklists: the
/// Nursing office (`nursing_head`), the planning office, the director, and heads of
/// department (a hospital's infection-control or nursing department).
pub fn role_supervises(role: Role) -> bool {
    matches!(
        role,
        Role::NursingHead | Role::Planner | Role::Director | Role::DepartmentHead
    )
}

/// Whether people with this role answer the corrective actions of their facility: its
/// head (`station_head`, `director`) and its managers.
pub fn role_answers_actions(role: Role) -> bool {
    matches!(
        role,
        Role::StationHead
            | Role::Director
            | Role::NursingHead
            | Role::DepartmentHead
            | Role::Planner
    )
}

/// The supervision visit workflow.
#[derive(Debug, Clone, Copy)]
pub struct SupervisionVisits;

impl Workflow for SupervisionVisits {
    type Status = VisitStatus;
    type Action = VisitAction;
    type Party = VisitParty;

    const RULES: &'static [Rule<VisitStatus, VisitAction, VisitParty>] = {
        use VisitAction as A;
        use VisitParty::Supervisor;
        use VisitStatus as S;
        &[
            Rule {
                action: A::Reschedule,
                by: &[Supervisor],
                moves: &[(S::Scheduled, S::Scheduled)],
            },
            Rule {
                action: A::Start,
                by: &[Supervisor],
                moves: &[(S::Scheduled, S::InProgress)],
            },
            Rule {
                action: A::Record,
                by: &[Supervisor],
                moves: &[(S::InProgress, S::InProgress)],
            },
            // Findings become actions on site, or once the score is in.
            Rule {
                action: A::Correct,
                by: &[Supervisor],
                moves: &[(S::InProgress, S::InProgress), (S::Submitted, S::Submitted)],
            },
            Rule {
                action: A::Submit,
                by: &[Supervisor],
                moves: &[(S::InProgress, S::Submitted)],
            },
            Rule {
                action: A::Close,
                by: &[Supervisor],
                moves: &[(S::Submitted, S::Closed)],
            },
            Rule {
                action: A::Cancel,
                by: &[Supervisor],
                moves: &[(S::Scheduled, S::Cancelled), (S::InProgress, S::Cancelled)],
            },
        ]
    };

    const MESSAGES: Messages = Messages {
        not_permitted: [
            "Vai trò của bạn không được “{action_lower}”",
            "Your role may not {verb} a supervision visit",
        ],
        not_from_status: [
            "Không thể “{action}” khi đợt giám sát đang ở trạng thái “{status}”",
            "Cannot {verb} a supervision visit in status “{status}”",
        ],
        wrong_party: [
            "Chỉ {party} mới được “{action}”",
            "Only the {party} may {verb}",
        ],
    };
}

/// Who acts on a visit, as far as its workflow cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct VisitSide {
    /// How the actor's facility stands to the visit.
    pub party: VisitParty,
    /// Whether the actor's role runs visits ([`role_supervises`]).
    pub supervises: bool,
}

impl VisitSide {
    /// A signed-in person with `role`, from a facility that is `party` to the visit.
    pub fn user(role: Role, party: VisitParty) -> VisitSide {
        VisitSide {
            party,
            supervises: role_supervises(role),
        }
    }

    /// An integration client: supervision is people's work, a client only reads.
    pub fn client(party: VisitParty) -> VisitSide {
        VisitSide {
            party,
            supervises: false,
        }
    }
}

impl Actor<SupervisionVisits> for VisitSide {
    fn party(&self) -> VisitParty {
        self.party
    }

    fn may(&self, _: VisitAction) -> bool {
        self.supervises
    }
}

labelled_enum! {
    /// Where a corrective action stands. Late when its due date has passed and it is not
    /// closed.
    pub enum CorrectiveStatus {
        Open = "open", "Chờ khắc phục", "Open";
        Answered = "answered", "Đã báo cáo khắc phục", "Answered";
        Closed = "closed", "Đã đóng", "Closed";
        Reopened = "reopened", "Mở lại", "Reopened";
    }
}

labelled_enum! {
    /// A step on a corrective action, each one an endpoint
    /// `POST /corrective-actions/{id}/<action>`.
    pub enum CorrectiveStep {
        Answer = "answer", "Báo cáo khắc phục", "Answer";
        Close = "close", "Đóng (đã khắc phục)", "Close";
        Reopen = "reopen", "Mở lại", "Reopen";
    }
}

/// The corrective action workflow: the visited facility answers, the supervising one
/// closes (at a follow-up visit) or reopens.
#[derive(Debug, Clone, Copy)]
pub struct CorrectiveActions;

impl Workflow for CorrectiveActions {
    type Status = CorrectiveStatus;
    type Action = CorrectiveStep;
    type Party = VisitParty;

    const RULES: &'static [Rule<CorrectiveStatus, CorrectiveStep, VisitParty>] = {
        use CorrectiveStatus as S;
        use CorrectiveStep as A;
        use VisitParty::{Supervisor, Visited};
        &[
            // Answering an answered action amends the answer.
            Rule {
                action: A::Answer,
                by: &[Visited],
                moves: &[
                    (S::Open, S::Answered),
                    (S::Answered, S::Answered),
                    (S::Reopened, S::Answered),
                ],
            },
            // A follow-up visit may find a fix nobody reported.
            Rule {
                action: A::Close,
                by: &[Supervisor],
                moves: &[
                    (S::Open, S::Closed),
                    (S::Answered, S::Closed),
                    (S::Reopened, S::Closed),
                ],
            },
            Rule {
                action: A::Reopen,
                by: &[Supervisor],
                moves: &[(S::Answered, S::Reopened), (S::Closed, S::Reopened)],
            },
        ]
    };

    const MESSAGES: Messages = Messages {
        not_permitted: [
            "Vai trò của bạn không được “{action_lower}”",
            "Your role may not {verb} a corrective action",
        ],
        not_from_status: [
            "Không thể “{action}” khi việc khắc phục đang ở trạng thái “{status}”",
            "Cannot {verb} a corrective action in status “{status}”",
        ],
        wrong_party: [
            "Chỉ {party} mới được “{action}”",
            "Only the {party} may {verb}",
        ],
    };
}

/// Who acts on a corrective action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CorrectiveSide {
    /// How the actor's facility stands to the visit the action came from.
    pub party: VisitParty,
    /// Whether the actor's role runs visits ([`role_supervises`]).
    pub supervises: bool,
    /// Whether the actor's role answers actions ([`role_answers_actions`]).
    pub answers: bool,
}

impl CorrectiveSide {
    /// A signed-in person with `role`, from a facility that is `party`.
    pub fn user(role: Role, party: VisitParty) -> CorrectiveSide {
        CorrectiveSide {
            party,
            supervises: role_supervises(role),
            answers: role_answers_actions(role),
        }
    }

    /// An integration client: it only reads.
    pub fn client(party: VisitParty) -> CorrectiveSide {
        CorrectiveSide {
            party,
            supervises: false,
            answers: false,
        }
    }
}

impl Actor<CorrectiveActions> for CorrectiveSide {
    fn party(&self) -> VisitParty {
        self.party
    }

    fn may(&self, action: CorrectiveStep) -> bool {
        match action {
            CorrectiveStep::Answer => self.answers,
            CorrectiveStep::Close | CorrectiveStep::Reopen => self.supervises,
        }
    }
}

/// Why a step on a visit is refused.
pub type VisitRefusal = Refusal<SupervisionVisits>;
/// Why a step on a corrective action is refused.
pub type CorrectiveRefusal = Refusal<CorrectiveActions>;

/// Whether a corrective action is late: due before `today` and not closed.
pub fn is_overdue(
    status: CorrectiveStatus,
    due_on: chrono::NaiveDate,
    today: chrono::NaiveDate,
) -> bool {
    status != CorrectiveStatus::Closed && due_on < today
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use crate::workflow::assert_follows_table;
    use crate::{Labelled, Lang};
    use CorrectiveStatus as C;
    use CorrectiveStep as CA;
    use VisitAction as A;
    use VisitStatus as S;
    use chrono::NaiveDate;

    const SUPERVISING: &[Role] = &[
        Role::NursingHead,
        Role::Planner,
        Role::Director,
        Role::DepartmentHead,
    ];

    #[test]
    fn every_visit_step_follows_the_table() {
        let mut every = Vec::new();
        for party in VisitParty::all() {
            for role in Role::all() {
                let side = VisitSide::user(*role, *party);
                assert_eq!(side.supervises, SUPERVISING.contains(role), "{role}");
                every.push((format!("{role} ({party})"), side));
            }
            every.push((format!("client ({party})"), VisitSide::client(*party)));
        }
        let permitted = assert_follows_table::<SupervisionVisits, _>(&every);
        // 9 moves, each for the 4 supervising roles on the supervising side.
        assert_eq!(permitted, 9 * 4);
    }

    #[test]
    fn every_corrective_step_follows_the_table() {
        let mut every = Vec::new();
        for party in VisitParty::all() {
            for role in Role::all() {
                every.push((
                    format!("{role} ({party})"),
                    CorrectiveSide::user(*role, *party),
                ));
            }
            every.push((format!("client ({party})"), CorrectiveSide::client(*party)));
        }
        let permitted = assert_follows_table::<CorrectiveActions, _>(&every);
        // 3 answer moves for the 5 answering roles on the visited side; 5 close or
        // reopen moves for the 4 supervising roles on the supervising side.
        assert_eq!(permitted, 3 * 5 + 5 * 4);
    }

    #[test]
    fn the_main_path_of_a_visit() {
        let nurse = VisitSide::user(Role::NursingHead, VisitParty::Supervisor);
        let station = VisitSide::user(Role::StationHead, VisitParty::Visited);
        let allowed = |status| SupervisionVisits::allowed(status, &nurse);
        assert_eq!(
            allowed(S::Scheduled),
            vec![A::Reschedule, A::Start, A::Cancel]
        );
        assert_eq!(
            allowed(S::InProgress),
            vec![A::Record, A::Correct, A::Submit, A::Cancel]
        );
        assert_eq!(allowed(S::Submitted), vec![A::Correct, A::Close]);
        assert!(allowed(S::Closed).is_empty() && allowed(S::Cancelled).is_empty());
        for status in S::all() {
            assert!(SupervisionVisits::allowed(*status, &station).is_empty());
        }
        assert_eq!(
            SupervisionVisits::check(S::Scheduled, A::Start, &station),
            Err(VisitRefusal::NotPermitted { action: A::Start })
        );
        let other_centre = VisitSide::user(Role::NursingHead, VisitParty::Neither);
        let refused = SupervisionVisits::check(S::InProgress, A::Submit, &other_centre)
            .err()
            .unwrap_or(VisitRefusal::NotPermitted { action: A::Start });
        assert_eq!(refused.code(), ErrorCode::Forbidden);
        assert_eq!(
            refused.message(Lang::Vi),
            "Chỉ đơn vị giám sát mới được “Nộp kết quả chấm điểm”"
        );
        let late = SupervisionVisits::check(S::Closed, A::Cancel, &nurse)
            .err()
            .unwrap_or(VisitRefusal::NotPermitted { action: A::Start });
        assert_eq!(late.code(), ErrorCode::InvalidTransition);
        assert_eq!(
            late.to_string(),
            "Cannot cancel a supervision visit in status “Closed”"
        );
        assert!(S::Closed.is_terminal() && S::Cancelled.is_terminal());
        assert!(!S::Submitted.is_terminal() && S::Submitted.is_scored());
        assert!(!S::InProgress.is_scored());
    }

    #[test]
    fn the_main_path_of_a_corrective_action() {
        let head = CorrectiveSide::user(Role::StationHead, VisitParty::Visited);
        let nurse = CorrectiveSide::user(Role::NursingHead, VisitParty::Supervisor);
        let clinician = CorrectiveSide::user(Role::Clinician, VisitParty::Visited);
        assert_eq!(CorrectiveActions::allowed(C::Open, &head), vec![CA::Answer]);
        assert_eq!(CorrectiveActions::allowed(C::Open, &nurse), vec![CA::Close]);
        assert_eq!(
            CorrectiveActions::allowed(C::Answered, &nurse),
            vec![CA::Close, CA::Reopen]
        );
        assert_eq!(
            CorrectiveActions::allowed(C::Answered, &head),
            vec![CA::Answer]
        );
        assert_eq!(
            CorrectiveActions::allowed(C::Reopened, &head),
            vec![CA::Answer]
        );
        assert_eq!(
            CorrectiveActions::allowed(C::Closed, &nurse),
            vec![CA::Reopen]
        );
        assert!(CorrectiveActions::allowed(C::Closed, &head).is_empty());
        assert!(CorrectiveActions::allowed(C::Open, &clinician).is_empty());
        // The station may not close its own action.
        let refused = CorrectiveActions::check(C::Answered, CA::Close, &head)
            .err()
            .unwrap_or(CorrectiveRefusal::NotPermitted { action: CA::Answer });
        assert_eq!(
            refused,
            CorrectiveRefusal::NotPermitted { action: CA::Close }
        );
        let wrong = CorrectiveActions::check(
            C::Open,
            CA::Answer,
            &CorrectiveSide::user(Role::Director, VisitParty::Supervisor),
        )
        .err()
        .unwrap_or(CorrectiveRefusal::NotPermitted { action: CA::Close });
        assert_eq!(
            wrong.message(Lang::En),
            "Only the visited facility may answer"
        );
    }

    #[test]
    fn parties_and_lateness() {
        assert_eq!(VisitParty::of(1, 1, 2), VisitParty::Supervisor);
        assert_eq!(VisitParty::of(2, 1, 2), VisitParty::Visited);
        assert_eq!(VisitParty::of(3, 1, 2), VisitParty::Neither);
        let day = |d| NaiveDate::from_ymd_opt(2026, 6, d).unwrap_or_default();
        assert!(is_overdue(C::Open, day(1), day(2)));
        assert!(is_overdue(C::Answered, day(1), day(2)));
        assert!(is_overdue(C::Reopened, day(1), day(2)));
        assert!(!is_overdue(C::Closed, day(1), day(2)));
        assert!(!is_overdue(C::Open, day(2), day(2)));
        assert_eq!(C::Open.label(Lang::Vi), "Chờ khắc phục");
        assert_eq!(S::Submitted.label(Lang::En), "Scored");
        assert_eq!("in_progress".parse::<S>().ok(), Some(S::InProgress));
    }
}
