//! Referrals, their timeline, routing suggestions and the follow-ups at the station.

use shared::page::Page;
use shared::referral::{
    ArriveInput, CancelInput, CompleteInput, DeclineInput, Destination, DestinationQuery, FollowUp,
    FollowUpMissedInput, FollowUpQuery, FollowUpVisitInput, RedirectInput, Referral,
    ReferralAction, ReferralEvent, ReferralInput, ReferralQuery, ReferralRules,
    ReferralRulesSetting, ReferralSummary, TransitionNote,
};

use super::{Api, ApiError, Write};

/// `GET /referrals`: one page of the inbox or outbox, newest first.
pub async fn list(api: Api, query: &ReferralQuery) -> Result<Page<ReferralSummary>, ApiError> {
    api.get_json("/referrals", |request| request.query(query))
        .await
}

/// `GET /code-lists/icd10`: a page of the ICD-10 list matching `query`.
pub async fn icd10(
    api: Api,
    query: &shared::code_list::CodeListQuery,
) -> Result<Page<shared::code_list::CodeEntry>, ApiError> {
    api.get_json("/code-lists/icd10", |request| request.query(query))
        .await
}

/// `GET /referrals/{id}`.
pub async fn get(api: Api, id: i64) -> Result<Referral, ApiError> {
    api.get_json(&format!("/referrals/{id}"), |request| request)
        .await
}

/// `POST /referrals`: a new draft from the user's facility. The same `idempotency_key`
/// with the same body gives back the referral a lost answer already created.
pub async fn create(
    api: Api,
    input: &ReferralInput,
    idempotency_key: &str,
) -> Result<Referral, ApiError> {
    api.post_json(
        "/referrals",
        Write::json(input).idempotency_key(idempotency_key),
    )
    .await
}

/// `PUT /referrals/{id}`: replaces a draft read at `version`.
pub async fn update(
    api: Api,
    id: i64,
    version: i64,
    input: &ReferralInput,
) -> Result<Referral, ApiError> {
    api.put_json(
        &format!("/referrals/{id}"),
        Write::json(input).if_match(version),
    )
    .await
}

/// The body of one transition, as its endpoint takes it.
#[derive(Debug, Clone, PartialEq)]
pub enum Transition {
    /// `POST /referrals/{id}/send`.
    Send(TransitionNote),
    /// `POST /referrals/{id}/accept`.
    Accept(TransitionNote),
    /// `POST /referrals/{id}/decline`.
    Decline(DeclineInput),
    /// `POST /referrals/{id}/redirect`.
    Redirect(RedirectInput),
    /// `POST /referrals/{id}/arrive`.
    Arrive(ArriveInput),
    /// `POST /referrals/{id}/complete`.
    Complete(CompleteInput),
    /// `POST /referrals/{id}/cancel`.
    Cancel(CancelInput),
}

impl Transition {
    /// The action this body is for.
    pub fn action(&self) -> ReferralAction {
        match self {
            Transition::Send(_) => ReferralAction::Send,
            Transition::Accept(_) => ReferralAction::Accept,
            Transition::Decline(_) => ReferralAction::Decline,
            Transition::Redirect(_) => ReferralAction::Redirect,
            Transition::Arrive(_) => ReferralAction::Arrive,
            Transition::Complete(_) => ReferralAction::Complete,
            Transition::Cancel(_) => ReferralAction::Cancel,
        }
    }
}

/// `POST /referrals/{id}/<action>` on the referral read at `version`.
pub async fn transition(
    api: Api,
    id: i64,
    version: i64,
    transition: &Transition,
) -> Result<Referral, ApiError> {
    let path = format!("/referrals/{id}/{}", transition.action().as_str());
    let version = Some(version);
    match transition {
        Transition::Send(body) | Transition::Accept(body) => {
            api.post_json(&path, Write::json(body).if_match(version))
                .await
        }
        Transition::Decline(body) => {
            api.post_json(&path, Write::json(body).if_match(version))
                .await
        }
        Transition::Redirect(body) => {
            api.post_json(&path, Write::json(body).if_match(version))
                .await
        }
        Transition::Arrive(body) => {
            api.post_json(&path, Write::json(body).if_match(version))
                .await
        }
        Transition::Complete(body) => {
            api.post_json(&path, Write::json(body).if_match(version))
                .await
        }
        Transition::Cancel(body) => {
            api.post_json(&path, Write::json(body).if_match(version))
                .await
        }
    }
}

/// `GET /referrals/{id}/events`: the timeline, oldest first.
pub async fn events(api: Api, id: i64) -> Result<Vec<ReferralEvent>, ApiError> {
    api.get_json(&format!("/referrals/{id}/events"), |request| request)
        .await
}

/// `GET /referral-destinations`: capable facilities, best first, with reasons.
pub async fn destinations(
    api: Api,
    query: &DestinationQuery,
) -> Result<Vec<Destination>, ApiError> {
    api.get_json("/referral-destinations", |request| request.query(query))
        .await
}

/// `GET /referral-rules`: answer windows, holidays and long-validity codes, their
/// version and the years missing a holiday list.
pub async fn rules(api: Api) -> Result<ReferralRulesSetting, ApiError> {
    api.get_json(RULES, |request| request).await
}

/// `PUT /referral-rules` at the version read.
pub async fn store_rules(
    api: Api,
    version: i64,
    rules: &ReferralRules,
) -> Result<ReferralRulesSetting, ApiError> {
    api.put_json(RULES, Write::json(rules).if_match(version))
        .await
}

const RULES: &str = "/referral-rules";

/// `GET /follow-ups`.
pub async fn follow_ups(api: Api, query: &FollowUpQuery) -> Result<Page<FollowUp>, ApiError> {
    api.get_json("/follow-ups", |request| request.query(query))
        .await
}

/// `POST /follow-ups/{id}/visits`: records a visit (and closes the task when asked).
pub async fn record_visit(
    api: Api,
    id: i64,
    input: &FollowUpVisitInput,
) -> Result<FollowUp, ApiError> {
    api.post_json(&format!("/follow-ups/{id}/visits"), Write::json(input))
        .await
}

/// `POST /follow-ups/{id}/missed`: the patient did not come.
pub async fn mark_missed(
    api: Api,
    id: i64,
    input: &FollowUpMissedInput,
) -> Result<FollowUp, ApiError> {
    api.post_json(&format!("/follow-ups/{id}/missed"), Write::json(input))
        .await
}
