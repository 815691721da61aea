//! One way to take a step on a workflow's record, and one way to declare its routes.
//!
//! Every workflow step does the same frame in one write transaction: load the row the
//! caller may see, ask the shared table whether the caller may take the action from the
//! row's status ([`shared::workflow::Workflow::check`]), compare `If-Match`, let the
//! workflow's own rules decide the change (and, for a step two parties take in turn,
//! where it lands), write it only if nobody stepped first (412),
//! read the row back, write the timeline event and the audit entry, run the step's
//! follow-on effects and answer with the record as the caller now sees it (its version
//! is the `ETag`). [`step`] is that frame; [`StepRecord`] is what a workflow tells it;
//! `step_routes!` declares the `POST /<records>/{id}/<action>` endpoints with their
//! OpenAPI responses.

use chrono::NaiveDateTime;
use shared::Lang;
use shared::message::Message;
use shared::workflow::{Actor, Refusal, Workflow};

use crate::auth::Principal;
use crate::db::{AnyConn, now, write_tx};
use crate::error::ApiError;

/// Status of workflow `R`.
pub type StatusOf<R> = <<R as StepRecord>::Flow as Workflow>::Status;
/// Action of workflow `R`.
pub type ActionOf<R> = <<R as StepRecord>::Flow as Workflow>::Action;

/// A record a workflow steps: how to load it for the caller and how the caller stands to
/// it, then the parts of a step that are the workflow's own. [`step`] calls them in its
/// order; a workflow writes none of the frame.
pub trait StepRecord: Sized {
    /// The shared table the record follows.
    type Flow: Workflow;
    /// The record as loaded for a step (with whatever context its rules need).
    type Row;
    /// How the caller stands to the record.
    type Actor: Actor<Self::Flow>;
    /// What the caller asks: the action and its body.
    type Input;
    /// What the workflow's own rules decide for one step: the columns it writes besides
    /// the status, the version and the time (which the frame gives [`Self::apply`]), and
    /// whatever the later parts need to know.
    type Change;
    /// The record as the caller sees it after the step.
    type Answer;

    /// The row the caller may see (404 or 403 otherwise).
    fn load(conn: &mut AnyConn, by: &Principal, id: i64) -> Result<Self::Row, ApiError>;

    /// Where the record stands.
    fn status(row: &Self::Row) -> StatusOf<Self>;

    /// The version `If-Match` is compared with.
    fn version(row: &Self::Row) -> i64;

    /// The sides `by` stands on for the record: usually one; several when one person
    /// holds two parts (a plan's author who also approves it). None is 403.
    fn sides(
        conn: &mut AnyConn,
        by: &Principal,
        row: &Self::Row,
    ) -> Result<Vec<Self::Actor>, ApiError>;

    /// The problem a refusal is answered with: its code and its localised sentence.
    fn refused(refusal: Refusal<Self::Flow>, lang: Lang) -> ApiError {
        ApiError::new(refusal.code(), Message::Verbatim(refusal.message(lang)))
    }

    /// The action `input` asks for.
    fn action(input: &Self::Input) -> ActionOf<Self>;

    /// The workflow's own rules for a step the table allows: its checks (400, 409, 422)
    /// and the change they lead to.
    fn rules(conn: &mut AnyConn, step: &Stepping<'_, Self>) -> Result<Self::Change, ApiError>;

    /// Where the step really lands once the own rules have decided: the table's status
    /// by default. A step the table lets each of two parties take in turn (both sides
    /// sign) stays where it was until the second one takes it.
    fn lands(step: &Stepping<'_, Self>, change: &Self::Change) -> StatusOf<Self> {
        let _ = change;
        step.to
    }

    /// Writes `change` with `step.to`, the next version and `step.at`, only while the
    /// row still has the version read: the number of rows written (0 answers 412).
    fn apply(
        conn: &mut AnyConn,
        step: &Stepping<'_, Self>,
        change: &Self::Change,
    ) -> Result<usize, ApiError>;

    /// The row as the step left it: by default loaded as for the step (a step never
    /// hides a record from the one who took it).
    fn reload(conn: &mut AnyConn, by: &Principal, id: i64) -> Result<Self::Row, ApiError> {
        Self::load(conn, by, id)
    }

    /// The step's entry on the record's timeline; a workflow without one writes none.
    fn record_event(_: &mut AnyConn, _: &Stepped<'_, Self>) -> Result<(), ApiError> {
        Ok(())
    }

    /// The step's entry in the audit trail.
    fn audit(conn: &mut AnyConn, stepped: &Stepped<'_, Self>) -> Result<(), ApiError>;

    /// What the step sets off beyond its record (an onward referral, a superseded
    /// version); none by default.
    fn follow_on(_: &mut AnyConn, _: &Stepped<'_, Self>) -> Result<(), ApiError> {
        Ok(())
    }

    /// The record as the caller now sees it; its version is the answer's `ETag`.
    fn answer(conn: &mut AnyConn, stepped: &Stepped<'_, Self>) -> Result<Self::Answer, ApiError>;
}

/// A step the table allows, handed to the workflow's own rules.
pub struct Stepping<'a, R: StepRecord> {
    /// Who takes the step.
    pub by: &'a Principal,
    /// The record's id.
    pub id: i64,
    /// What the caller asked.
    pub input: &'a R::Input,
    /// The language the caller reads.
    pub lang: Lang,
    /// The row before the step.
    pub before: R::Row,
    /// The action taken.
    pub action: ActionOf<R>,
    /// The status before.
    pub from: StatusOf<R>,
    /// The status the table leads to.
    pub to: StatusOf<R>,
    /// When the step is taken.
    pub at: NaiveDateTime,
}

/// A step written: what was asked, what the own rules decided, and the row after.
pub struct Stepped<'a, R: StepRecord> {
    /// The step as it was allowed.
    pub step: Stepping<'a, R>,
    /// What the own rules decided.
    pub change: R::Change,
    /// The row after the step.
    pub after: R::Row,
}

/// Takes the step `input` asks for on record `id` in one write transaction: load →
/// refusal from the shared table → `If-Match` (412) → the workflow's own rules → the
/// write (412 when someone stepped first) → the row read back → timeline event → audit
/// entry → follow-on effects → the answer.
pub fn step<R: StepRecord>(
    conn: &mut AnyConn,
    by: &Principal,
    id: i64,
    if_match: Option<i64>,
    input: &R::Input,
    lang: Lang,
) -> Result<R::Answer, ApiError> {
    write_tx(conn, |conn| {
        let before = R::load(conn, by, id)?;
        let action = R::action(input);
        let from = R::status(&before);
        let to = allowed_to::<R>(R::sides(conn, by, &before)?, from, action, lang)?;
        if if_match.is_some_and(|version| version != R::version(&before)) {
            return Err(ApiError::precondition_failed());
        }
        let mut step = Stepping {
            by,
            id,
            input,
            lang,
            before,
            action,
            from,
            to,
            at: now(),
        };
        let change = R::rules(conn, &step)?;
        step.to = R::lands(&step, &change);
        if R::apply(conn, &step, &change)? == 0 {
            return Err(ApiError::precondition_failed());
        }
        let after = R::reload(conn, by, id)?;
        let stepped = Stepped {
            step,
            change,
            after,
        };
        R::record_event(conn, &stepped)?;
        R::audit(conn, &stepped)?;
        R::follow_on(conn, &stepped)?;
        R::answer(conn, &stepped)
    })
}

/// Where the first side that may take `action` leads; else the last side's refusal.
fn allowed_to<R: StepRecord>(
    sides: Vec<R::Actor>,
    from: StatusOf<R>,
    action: ActionOf<R>,
    lang: Lang,
) -> Result<StatusOf<R>, ApiError> {
    let mut refusal = None;
    for side in sides {
        match R::Flow::check(from, action, &side) {
            Ok(to) => return Ok(to),
            Err(refused) => refusal = Some(refused),
        }
    }
    Err(refusal.map_or_else(ApiError::forbidden, |refused| R::refused(refused, lang)))
}

/// Declares a workflow's step endpoints: `POST <path>` with an optional JSON body,
/// `If-Match` optional, answered with the record and its `ETag`, documented with the
/// workflow's problems. `take` is the handler body's call:
/// `take(&req, state, by, id, if_match, step)`.
///
/// ```ignore
/// step_routes! {
///     tag: "referrals", id: "Referral id", answer: Referral,
///     problems: (Invalid, Forbidden, NotFound, Conflict, Stale), take: step;
///     /// Accept a sent referral (receiver).
///     accept_referral: "/referrals/{id}/accept", (input: TransitionNote) => Step::Accept(input), "Accepted";
/// }
/// ```
macro_rules! step_routes {
    (
        tag: $tag:literal, id: $id_doc:literal, answer: $answer:ty,
        problems: $problems:tt, take: $take:path;
        $(
            $(#[$doc:meta])*
            $name:ident: $path:literal, ($($input:ident: $body:ty)?) => $step:expr, $ok:literal;
        )+
    ) => {
        $(
            $(#[$doc])*
            #[utoipa::path(
                tag = $tag,
                params(
                    ("id" = i64, Path, description = $id_doc),
                    ("If-Match" = Option<String>, Header, description = "ETag of the version read (optional)"),
                ),
                $(request_body = $body,)?
                responses(
                    (status = 200, description = $ok, body = $answer),
                    Problems<$problems>,
                )
            )]
            // utoipa finds the method by the attribute's bare name: `post` must be in scope.
            #[post($path)]
            async fn $name(
                req: ::actix_web::HttpRequest,
                state: ::actix_web::web::Data<$crate::app::AppState>,
                by: $crate::auth::Principal,
                id: ::actix_web::web::Path<i64>,
                if_match: $crate::http::IfMatch,
                $($input: $crate::http::ValidJson<$body>,)?
            ) -> Result<::actix_web::HttpResponse, $crate::error::ApiError> {
                $(let $input = $input.0;)?
                $take(&req, state, by, id.into_inner(), if_match, $step).await
            }
        )+
    };
}
pub(crate) use step_routes;
