//! The technique-transfer agreement workflow, declared as a table for the workflow
//! engine, and the rules of time around it: the six-monthly reviews and the 24 months a
//! trainee is expected to stay.

use chrono::{Months, NaiveDate};

use crate::auth::Role;
use crate::workflow::{Actor, Messages, Refusal, Rule, Workflow};

labelled_enum! {
    /// Where a transfer agreement stands.
    ///
    /// `signed`: both sides signed the responsibility agreement; `training`: the
    /// receiving side's staff are being trained; `ready_check`: the trainees are back and
    /// the receiving facility checks that it can perform the technique; `signed_off`:
    /// both sides signed the acceptance, the technique is performed; `reviewing`: the
    /// six-monthly reviews have begun.
    pub enum AgreementStatus {
        Draft = "draft", "Dự thảo", "Draft";
        Signed = "signed", "Đã ký hợp đồng", "Signed";
        Training = "training", "Đang đào tạo", "Training";
        ReadyCheck = "ready_check", "Kiểm tra điều kiện triển khai", "Readiness check";
        SignedOff = "signed_off", "Đã nghiệm thu", "Signed off";
        Reviewing = "reviewing", "Đang đánh giá định kỳ", "Under review";
        Closed = "closed", "Đã kết thúc", "Closed";
        Suspended = "suspended", "Tạm dừng", "Suspended";
    }
}

impl AgreementStatus {
    /// Whether the technique has been signed off and is performed under the agreement.
    pub fn is_signed_off(self) -> bool {
        matches!(
            self,
            AgreementStatus::SignedOff | AgreementStatus::Reviewing
        )
    }
}

labelled_enum! {
    /// A step on an agreement. `edit` is `PUT /transfer-agreements/{id}`; the others are
    /// `POST /transfer-agreements/{id}/<path>`: `trainees`, `sessions`, `readiness`,
    /// `departures` and `reviews` for the steps that add to the record, the action's
    /// code for the others.
    pub enum AgreementAction {
        Edit = "edit", "Sửa dự thảo", "Edit the draft";
        Enrol = "enrol", "Cập nhật danh sách học viên", "Update the trainees";
        Sign = "sign", "Ký hợp đồng trách nhiệm", "Sign the agreement";
        StartTraining = "start_training", "Bắt đầu đào tạo", "Start training";
        Train = "train", "Ghi buổi đào tạo và điểm danh", "Record a training session";
        CheckReadiness = "check_readiness", "Chuyển sang kiểm tra điều kiện", "Check readiness";
        ConfirmReadiness = "confirm_readiness", "Xác nhận điều kiện triển khai", "Confirm a readiness item";
        SignOff = "sign_off", "Ký biên bản nghiệm thu", "Sign off";
        Review = "review", "Đánh giá định kỳ 6 tháng", "Six-monthly review";
        RecordDeparture = "record_departure", "Ghi nhận học viên nghỉ việc / chuyển công tác", "Record a trainee leaving";
        Close = "close", "Kết thúc hợp đồng", "Close the agreement";
        Suspend = "suspend", "Tạm dừng", "Suspend";
        Resume = "resume", "Tiếp tục (đào tạo lại)", "Resume (back to training)";
    }
}

labelled_enum! {
    /// How the acting user's facility stands to an agreement.
    pub enum AgreementParty {
        Giving = "giving", "Bên chuyển giao", "Transferring facility";
        Receiving = "receiving", "Bên nhận chuyển giao", "Receiving facility";
        Neither = "neither", "Đơn vị khác", "Another facility";
    }
}

impl AgreementParty {
    /// The party of someone from `facility_id` on an agreement from `giving` to
    /// `receiving`.
    pub fn of(facility_id: i64, giving: i64, receiving: i64) -> AgreementParty {
        if facility_id == giving {
            AgreementParty::Giving
        } else if facility_id == receiving {
            AgreementParty::Receiving
        } else {
            AgreementParty::Neither
        }
    }
}

/// Whether people with this role act on the agreements of their facility: the
/// planning office and the director (who sign), the heads of department and the
/// nursing office (the hospital's coordinators, the trainees' heads) and a station's
/// head.
pub fn role_coordinates_transfers(role: Role) -> bool {
    matches!(
        role,
        Role::Planner
            | Role::Director
            | Role::DepartmentHead
            | Role::NursingHead
            | Role::StationHead
    )
}

/// The technique-transfer agreement workflow.
#[derive(Debug, Clone, Copy)]
pub struct TransferAgreements;

impl Workflow for TransferAgreements {
    type Status = AgreementStatus;
    type Action = AgreementAction;
    type Party = AgreementParty;

    const RULES: &'static [Rule<AgreementStatus, AgreementAction, AgreementParty>] = {
        use AgreementAction as A;
        use AgreementParty::{Giving, Receiving};
        use AgreementStatus as S;
        const BOTH: &[AgreementParty] = &[Giving, Receiving];
        &[
            Rule {
                action: A::Edit,
                by: BOTH,
                moves: &[(S::Draft, S::Draft)],
            },
            // The receiving side chooses its trainees, until they are trained.
            Rule {
                action: A::Enrol,
                by: &[Receiving],
                moves: &[
                    (S::Draft, S::Draft),
                    (S::Signed, S::Signed),
                    (S::Training, S::Training),
                ],
            },
            // Each side signs; the agreement is signed when the second one does (the
            // first signature keeps it a draft).
            Rule {
                action: A::Sign,
                by: BOTH,
                moves: &[(S::Draft, S::Signed)],
            },
            Rule {
                action: A::StartTraining,
                by: &[Giving],
                moves: &[(S::Signed, S::Training)],
            },
            Rule {
                action: A::Train,
                by: BOTH,
                moves: &[(S::Training, S::Training), (S::ReadyCheck, S::ReadyCheck)],
            },
            Rule {
                action: A::CheckReadiness,
                by: BOTH,
                moves: &[(S::Training, S::ReadyCheck)],
            },
            // The receiving side records its readiness with evidence; the giving side
            // may confirm on site as well.
            Rule {
                action: A::ConfirmReadiness,
                by: BOTH,
                moves: &[(S::Training, S::Training), (S::ReadyCheck, S::ReadyCheck)],
            },
            // Both sides sign the acceptance; the first signature keeps the check open.
            Rule {
                action: A::SignOff,
                by: BOTH,
                moves: &[(S::ReadyCheck, S::SignedOff)],
            },
            Rule {
                action: A::Review,
                by: BOTH,
                moves: &[(S::SignedOff, S::Reviewing), (S::Reviewing, S::Reviewing)],
            },
            // The trainees' head records who left, whenever it happens.
            Rule {
                action: A::RecordDeparture,
                by: &[Receiving],
                moves: &[
                    (S::Signed, S::Signed),
                    (S::Training, S::Training),
                    (S::ReadyCheck, S::ReadyCheck),
                    (S::SignedOff, S::SignedOff),
                    (S::Reviewing, S::Reviewing),
                    (S::Suspended, S::Suspended),
                    (S::Closed, S::Closed),
                ],
            },
            Rule {
                action: A::Close,
                by: BOTH,
                moves: &[(S::SignedOff, S::Closed), (S::Reviewing, S::Closed)],
            },
            Rule {
                action: A::Suspend,
                by: BOTH,
                moves: &[
                    (S::Signed, S::Suspended),
                    (S::Training, S::Suspended),
                    (S::ReadyCheck, S::Suspended),
                    (S::SignedOff, S::Suspended),
                    (S::Reviewing, S::Suspended),
                ],
            },
            // Whatever stopped it, the trainees are trained again and the readiness is
            // checked again before a new sign-off.
            Rule {
                action: A::Resume,
                by: BOTH,
                moves: &[(S::Suspended, S::Training)],
            },
        ]
    };

    const MESSAGES: Messages = Messages {
        not_permitted: [
            "Vai trò của bạn không được “{action_lower}”",
            "Your role may not {verb} a transfer agreement",
        ],
        not_from_status: [
            "Không thể “{action}” khi hợp đồng chuyển giao đang ở trạng thái “{status}”",
            "Cannot {verb} a transfer agreement in status “{status}”",
        ],
        wrong_party: [
            "Chỉ {party} mới được “{action}”",
            "Only the {party} may {verb}",
        ],
    };
}

/// Who acts on an agreement, as far as its workflow cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AgreementSide {
    /// How the actor's facility stands to the agreement.
    pub party: AgreementParty,
    /// Whether the actor's role acts on agreements ([`role_coordinates_transfers`]).
    pub coordinates: bool,
}

impl AgreementSide {
    /// A signed-in person with `role`, from a facility that is `party`.
    pub fn user(role: Role, party: AgreementParty) -> AgreementSide {
        AgreementSide {
            party,
            coordinates: role_coordinates_transfers(role),
        }
    }

    /// An integration client: agreements are people's work, a client only reads.
    pub fn client(party: AgreementParty) -> AgreementSide {
        AgreementSide {
            party,
            coordinates: false,
        }
    }
}

impl Actor<TransferAgreements> for AgreementSide {
    fn party(&self) -> AgreementParty {
        self.party
    }

    fn may(&self, _: AgreementAction) -> bool {
        self.coordinates
    }
}

/// Why a step on an agreement is refused.
pub type AgreementRefusal = Refusal<TransferAgreements>;

/// How many months apart the parties review a signed-off transfer.
pub const REVIEW_EVERY_MONTHS: u32 = 6;

/// How long a certified trainee is expected to stay at the receiving facility.
pub const RETENTION_MONTHS: u32 = 24;

/// The day `months` after `day` (the month's last day when it is shorter).
pub fn months_after(day: NaiveDate, months: u32) -> NaiveDate {
    day.checked_add_months(Months::new(months)).unwrap_or(day)
}

/// When the next six-monthly review is due: six months after the latest review, or
/// after the sign-off when there is none.
pub fn next_review_due(signed_off_on: NaiveDate, last_review: Option<NaiveDate>) -> NaiveDate {
    months_after(
        last_review.map_or(signed_off_on, |last| last.max(signed_off_on)),
        REVIEW_EVERY_MONTHS,
    )
}

labelled_enum! {
    /// Why a trainee is flagged on an agreement.
    pub enum RetentionFlag {
        LeftBeforeSignOff = "left_before_sign_off", "Nghỉ / chuyển trước khi nghiệm thu", "Left before the sign-off";
        LeftWithin12Months = "left_within_12_months", "Nghỉ / chuyển trong 12 tháng sau nghiệm thu", "Left within 12 months of the sign-off";
        LeftWithin24Months = "left_within_24_months", "Nghỉ / chuyển trong 24 tháng sau nghiệm thu", "Left within 24 months of the sign-off";
    }
}

/// The flag of a trainee who left on `left_on`, for an agreement signed off on
/// `signed_off_on` (none yet: any departure is before it). A trainee who stayed 24
/// months, or has not left, is not flagged.
pub fn retention_flag(
    signed_off_on: Option<NaiveDate>,
    left_on: Option<NaiveDate>,
) -> Option<RetentionFlag> {
    let left_on = left_on?;
    let Some(signed_off_on) = signed_off_on else {
        return Some(RetentionFlag::LeftBeforeSignOff);
    };
    if left_on < signed_off_on {
        Some(RetentionFlag::LeftBeforeSignOff)
    } else if left_on < months_after(signed_off_on, 12) {
        Some(RetentionFlag::LeftWithin12Months)
    } else if left_on < months_after(signed_off_on, RETENTION_MONTHS) {
        Some(RetentionFlag::LeftWithin24Months)
    } else {
        None
    }
}

/// Whether a certified trainee was retained `months` after the sign-off, as known on
/// `today`: `None` while those months have not passed, else whether they had not left
/// by then.
pub fn retained_after(
    months: u32,
    signed_off_on: NaiveDate,
    left_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<bool> {
    let due = months_after(signed_off_on, months);
    (due <= today).then(|| left_on.is_none_or(|left| left >= due))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use crate::workflow::assert_follows_table;
    use crate::{Labelled, Lang};
    use AgreementAction as A;
    use AgreementStatus as S;

    const COORDINATING: &[Role] = &[
        Role::Planner,
        Role::Director,
        Role::DepartmentHead,
        Role::NursingHead,
        Role::StationHead,
    ];

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn every_agreement_step_follows_the_table() {
        let mut every = Vec::new();
        for party in AgreementParty::all() {
            for role in Role::all() {
                let side = AgreementSide::user(*role, *party);
                assert_eq!(side.coordinates, COORDINATING.contains(role), "{role}");
                every.push((format!("{role} ({party})"), side));
            }
            every.push((format!("client ({party})"), AgreementSide::client(*party)));
        }
        let permitted = assert_follows_table::<TransferAgreements, _>(&every);
        // Moves open to both sides: edit 1, sign 1, train 2, check 1, confirm 2,
        // sign off 1, review 2, close 2, suspend 5, resume 1 = 18, taken from 2 sides;
        // the receiving side's own: enrol 3, departures 7 = 10; the giving side's own:
        // start training 1. Each for the 5 coordinating roles.
        assert_eq!(permitted, (18 * 2 + 10 + 1) * 5);
    }

    #[test]
    fn the_main_path_of_an_agreement() {
        let giving = AgreementSide::user(Role::DepartmentHead, AgreementParty::Giving);
        let receiving = AgreementSide::user(Role::StationHead, AgreementParty::Receiving);
        let allowed = |status, side: &AgreementSide| TransferAgreements::allowed(status, side);
        assert_eq!(allowed(S::Draft, &giving), vec![A::Edit, A::Sign]);
        assert_eq!(
            allowed(S::Draft, &receiving),
            vec![A::Edit, A::Enrol, A::Sign]
        );
        assert_eq!(
            allowed(S::Signed, &giving),
            vec![A::StartTraining, A::Suspend]
        );
        assert_eq!(
            allowed(S::Training, &receiving),
            vec![
                A::Enrol,
                A::Train,
                A::CheckReadiness,
                A::ConfirmReadiness,
                A::RecordDeparture,
                A::Suspend
            ]
        );
        assert_eq!(
            allowed(S::ReadyCheck, &giving),
            vec![A::Train, A::ConfirmReadiness, A::SignOff, A::Suspend]
        );
        assert_eq!(
            allowed(S::SignedOff, &giving),
            vec![A::Review, A::Close, A::Suspend]
        );
        assert_eq!(allowed(S::Suspended, &giving), vec![A::Resume]);
        assert_eq!(allowed(S::Closed, &giving), Vec::<A>::new());
        assert_eq!(allowed(S::Closed, &receiving), vec![A::RecordDeparture]);
        let clinician = AgreementSide::user(Role::Clinician, AgreementParty::Receiving);
        assert!(allowed(S::Draft, &clinician).is_empty());
        let refused = TransferAgreements::check(S::Signed, A::StartTraining, &receiving)
            .err()
            .unwrap_or(AgreementRefusal::NotPermitted { action: A::Edit });
        assert_eq!(refused.code(), ErrorCode::Forbidden);
        assert_eq!(
            refused.message(Lang::Vi),
            "Chỉ bên chuyển giao mới được “Bắt đầu đào tạo”"
        );
        let late = TransferAgreements::check(S::Draft, A::SignOff, &giving)
            .err()
            .unwrap_or(AgreementRefusal::NotPermitted { action: A::Edit });
        assert_eq!(late.code(), ErrorCode::InvalidTransition);
        assert_eq!(
            late.to_string(),
            "Cannot sign_off a transfer agreement in status “Draft”"
        );
        assert!(S::SignedOff.is_signed_off() && S::Reviewing.is_signed_off());
        assert!(!S::ReadyCheck.is_signed_off() && !S::Closed.is_signed_off());
        assert_eq!(
            S::ReadyCheck.label(Lang::Vi),
            "Kiểm tra điều kiện triển khai"
        );
        assert_eq!(AgreementParty::of(1, 1, 2), AgreementParty::Giving);
        assert_eq!(AgreementParty::of(2, 1, 2), AgreementParty::Receiving);
        assert_eq!(AgreementParty::of(3, 1, 2), AgreementParty::Neither);
    }

    #[test]
    fn reviews_fall_due_every_six_months() {
        assert_eq!(next_review_due(day(2026, 1, 15), None), day(2026, 7, 15));
        assert_eq!(
            next_review_due(day(2026, 1, 15), Some(day(2026, 7, 20))),
            day(2027, 1, 20)
        );
        // A month's end stays within the shorter month.
        assert_eq!(next_review_due(day(2025, 8, 31), None), day(2026, 2, 28));
    }

    #[test]
    fn trainees_who_leave_within_24_months_are_flagged() {
        let signed = Some(day(2025, 3, 1));
        assert_eq!(retention_flag(signed, None), None);
        assert_eq!(
            retention_flag(None, Some(day(2025, 1, 1))),
            Some(RetentionFlag::LeftBeforeSignOff)
        );
        assert_eq!(
            retention_flag(signed, Some(day(2025, 2, 28))),
            Some(RetentionFlag::LeftBeforeSignOff)
        );
        assert_eq!(
            retention_flag(signed, Some(day(2026, 2, 28))),
            Some(RetentionFlag::LeftWithin12Months)
        );
        assert_eq!(
            retention_flag(signed, Some(day(2026, 3, 1))),
            Some(RetentionFlag::LeftWithin24Months)
        );
        assert_eq!(
            retention_flag(signed, Some(day(2027, 2, 28))),
            Some(RetentionFlag::LeftWithin24Months)
        );
        assert_eq!(retention_flag(signed, Some(day(2027, 3, 1))), None);
    }

    #[test]
    fn retention_is_known_once_the_months_have_passed() {
        let signed = day(2025, 3, 1);
        let today = day(2026, 6, 1);
        assert_eq!(retained_after(12, signed, None, today), Some(true));
        assert_eq!(retained_after(24, signed, None, today), None);
        assert_eq!(
            retained_after(12, signed, Some(day(2025, 12, 1)), today),
            Some(false)
        );
        assert_eq!(
            retained_after(12, signed, Some(day(2026, 3, 1)), today),
            Some(true)
        );
    }
}
