//! Technique transfer (chuyển giao kỹ thuật): agreements, their workflow steps and the
//! records they keep (trainees, sessions, readiness, reviews, departures).

use shared::page::Page;
use shared::transfer::{
    Agreement, AgreementAction, AgreementInput, AgreementQuery, AgreementSummary, DepartureInput,
    ReadinessInput, ReviewInput, SessionInput, SignOffInput, SuspendInput, TraineesInput,
};

use super::{Api, ApiError, Write};

/// `GET /transfer-agreements`.
pub async fn agreements(
    api: Api,
    query: &AgreementQuery,
) -> Result<Page<AgreementSummary>, ApiError> {
    api.get_json("/transfer-agreements", |request| request.query(query))
        .await
}

/// `GET /transfer-agreements/{id}`.
pub async fn agreement(api: Api, id: i64) -> Result<Agreement, ApiError> {
    api.get_json(&format!("/transfer-agreements/{id}"), |request| request)
        .await
}

/// `POST /transfer-agreements`: a new draft.
pub async fn create_agreement(
    api: Api,
    input: &AgreementInput,
    idempotency_key: &str,
) -> Result<Agreement, ApiError> {
    api.post_json(
        "/transfer-agreements",
        Write::json(input).idempotency_key(idempotency_key),
    )
    .await
}

/// `PUT /transfer-agreements/{id}`: the draft read at `version`, replaced.
pub async fn update_agreement(
    api: Api,
    id: i64,
    version: i64,
    input: &AgreementInput,
) -> Result<Agreement, ApiError> {
    api.put_json(
        &format!("/transfer-agreements/{id}"),
        Write::json(input).if_match(version),
    )
    .await
}

/// The body of one step on an agreement.
#[derive(Debug, Clone, PartialEq)]
pub enum AgreementStep {
    Sign,
    StartTraining,
    CheckReadiness,
    Close,
    Resume,
    SignOff(SignOffInput),
    Suspend(SuspendInput),
    Trainees(TraineesInput),
    Session(SessionInput),
    Readiness(ReadinessInput),
    Review(ReviewInput),
    Departure(DepartureInput),
}

impl AgreementStep {
    /// The action this body is for.
    pub fn action(&self) -> AgreementAction {
        use AgreementAction as A;
        match self {
            AgreementStep::Sign => A::Sign,
            AgreementStep::StartTraining => A::StartTraining,
            AgreementStep::CheckReadiness => A::CheckReadiness,
            AgreementStep::Close => A::Close,
            AgreementStep::Resume => A::Resume,
            AgreementStep::SignOff(_) => A::SignOff,
            AgreementStep::Suspend(_) => A::Suspend,
            AgreementStep::Trainees(_) => A::Enrol,
            AgreementStep::Session(_) => A::Train,
            AgreementStep::Readiness(_) => A::ConfirmReadiness,
            AgreementStep::Review(_) => A::Review,
            AgreementStep::Departure(_) => A::RecordDeparture,
        }
    }

    /// The last segment of its path: the record it adds to, or the action's code.
    pub fn path(&self) -> &'static str {
        match self {
            AgreementStep::Trainees(_) => "trainees",
            AgreementStep::Session(_) => "sessions",
            AgreementStep::Readiness(_) => "readiness",
            AgreementStep::Review(_) => "reviews",
            AgreementStep::Departure(_) => "departures",
            other => other.action().as_str(),
        }
    }
}

/// `POST /transfer-agreements/{id}/<step>` on the agreement read at `version`; the
/// answer is the agreement as it is now.
pub async fn step(
    api: Api,
    id: i64,
    version: i64,
    step: &AgreementStep,
) -> Result<Agreement, ApiError> {
    let path = format!("/transfer-agreements/{id}/{}", step.path());
    match step {
        AgreementStep::Sign
        | AgreementStep::StartTraining
        | AgreementStep::CheckReadiness
        | AgreementStep::Close
        | AgreementStep::Resume => {
            api.post_json(&path, Write::<()>::empty().if_match(version))
                .await
        }
        AgreementStep::SignOff(body) => {
            api.post_json(&path, Write::json(body).if_match(version))
                .await
        }
        AgreementStep::Suspend(body) => {
            api.post_json(&path, Write::json(body).if_match(version))
                .await
        }
        AgreementStep::Trainees(body) => {
            api.post_json(&path, Write::json(body).if_match(version))
                .await
        }
        AgreementStep::Session(body) => {
            api.post_json(&path, Write::json(body).if_match(version))
                .await
        }
        AgreementStep::Readiness(body) => {
            api.post_json(&path, Write::json(body).if_match(version))
                .await
        }
        AgreementStep::Review(body) => {
            api.post_json(&path, Write::json(body).if_match(version))
                .await
        }
        AgreementStep::Departure(body) => {
            api.post_json(&path, Write::json(body).if_match(version))
                .await
        }
    }
}

#[cfg(test)]
mod tests {
    use shared::transfer::{ReadinessKind, ReadinessState};

    use super::*;

    #[test]
    fn each_step_posts_to_its_own_path() {
        assert_eq!(AgreementStep::Sign.path(), "sign");
        assert_eq!(AgreementStep::StartTraining.path(), "start_training");
        assert_eq!(AgreementStep::CheckReadiness.path(), "check_readiness");
        assert_eq!(
            AgreementStep::SignOff(SignOffInput::default()).path(),
            "sign_off"
        );
        let readiness = AgreementStep::Readiness(ReadinessInput {
            kind: ReadinessKind::Equipment,
            state: ReadinessState::Ready,
            evidence: None,
        });
        assert_eq!(readiness.path(), "readiness");
        assert_eq!(readiness.action(), AgreementAction::ConfirmReadiness);
        let trainees = AgreementStep::Trainees(TraineesInput { staff_ids: vec![] });
        assert_eq!(trainees.path(), "trainees");
        assert_eq!(trainees.action(), AgreementAction::Enrol);
    }
}
