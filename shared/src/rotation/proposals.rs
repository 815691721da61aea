//! A station head proposes a demand for their own station in a draft plan; the planning
//! office accepts it (it becomes a demand like the planners' own, which the generator
//! fills) or declines it with a reason. Demands the planners write are accepted from
//! the start.

use serde::{Deserialize, Serialize};
use validator::Validate;

use crate::workflow::{Actor, Messages, Rule, Workflow};

labelled_enum! {
    /// Where a demand stands: proposed by a station, accepted (the generator fills it) or
    /// declined.
    pub enum DemandStatus {
        Proposed = "proposed", "Trạm đề xuất, chờ duyệt", "Proposed by the station";
        Accepted = "accepted", "Đã nhận", "Accepted";
        Declined = "declined", "Đã từ chối", "Declined";
    }
}

labelled_enum! {
    /// A step on a demand, each one an endpoint `POST /rotation-demands/{id}/<action>`.
    pub enum DemandAction {
        Accept = "accept", "Nhận nhu cầu", "Accept";
        Decline = "decline", "Từ chối đề xuất", "Decline";
    }
}

labelled_enum! {
    /// How an actor stands to a demand.
    pub enum DemandParty {
        /// Planning at the plan's facility.
        Planner = "planner", "Bộ phận lập lịch", "Planning office";
        /// Anyone else (the proposing station included: it waits for the answer).
        Other = "other", "Người khác", "Someone else";
    }
}

/// The demand proposal workflow.
#[derive(Debug, Clone, Copy)]
pub struct DemandProposals;

impl Workflow for DemandProposals {
    type Status = DemandStatus;
    type Action = DemandAction;
    type Party = DemandParty;

    const RULES: &'static [Rule<DemandStatus, DemandAction, DemandParty>] = {
        use DemandAction as A;
        use DemandParty::Planner;
        use DemandStatus as S;
        &[
            Rule {
                action: A::Accept,
                by: &[Planner],
                moves: &[(S::Proposed, S::Accepted)],
            },
            Rule {
                action: A::Decline,
                by: &[Planner],
                moves: &[(S::Proposed, S::Declined)],
            },
        ]
    };

    const MESSAGES: Messages = Messages {
        not_permitted: [
            "Vai trò của bạn không được “{action_lower}”",
            "Your role may not {verb} a demand",
        ],
        not_from_status: [
            "Không thể “{action}” khi nhu cầu đang ở trạng thái “{status}”",
            "Cannot {verb} a demand in status “{status}”",
        ],
        wrong_party: [
            "Chỉ {party} mới được “{action}”",
            "Only the {party} may {verb}",
        ],
    };
}

impl Actor<DemandProposals> for DemandParty {
    fn party(&self) -> DemandParty {
        *self
    }
}

/// Body of `POST /rotation-demands/{id}/decline`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeclineDemandInput {
    /// Why the station's proposal is declined (shown to the station; public data).
    #[validate(
        length(max = 1000),
        custom(function = "crate::text::multi_line_not_blank")
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 1000,
            pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$",
            min_length = 1
        )
    )]
    pub reason: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workflow::{Workflow, assert_follows_table};

    #[test]
    fn only_planning_answers_a_proposal_and_only_once() {
        let sides = [
            ("planner".to_string(), DemandParty::Planner),
            ("other".to_string(), DemandParty::Other),
        ];
        assert_eq!(assert_follows_table::<DemandProposals, _>(&sides), 2);
        assert_eq!(
            DemandProposals::allowed(DemandStatus::Proposed, &DemandParty::Planner),
            vec![DemandAction::Accept, DemandAction::Decline]
        );
        assert!(DemandProposals::allowed(DemandStatus::Accepted, &DemandParty::Planner).is_empty());
        assert!(DemandProposals::allowed(DemandStatus::Proposed, &DemandParty::Other).is_empty());
    }
}
