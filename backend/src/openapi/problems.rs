//! The problem answers of the contract, one type each, so that an operation names all
//! of its problems in one entry of `#[utoipa::path(responses(...))]`:
//!
//! ```text
//! responses(
//!     (status = 200, description = "Updated", body = Referral),
//!     Problems<(Invalid, Forbidden, NotFound, Conflict, Stale, IfMatchMissing)>,
//! )
//! ```
//!
//! Every answer is an `application/problem+json` body with the `Problem` schema; its
//! description says what the status means for this API, and the problem's `code` (and
//! `detail`) say which case it was. The answers every operation of a kind gives (401,
//! a malformed parameter, the body's 400/413/415, 422 wherever input is checked) are added by
//! [`super::add_common_problems`] from the operation's shape, not named on each route.
//! What a status means for one operation in particular (the state that refuses it, a
//! taken code) goes in that operation's doc comment, after a blank line, where utoipa
//! makes it the operation's description.

use std::collections::BTreeMap;
use std::marker::PhantomData;

use utoipa::IntoResponses;
use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::{Ref, RefOr};

/// One problem answer: its HTTP status and what it means.
pub trait ProblemAnswer {
    /// The HTTP status code.
    const STATUS: u16;
    /// The response's description in the document.
    const DESCRIPTION: &'static str;

    /// The status as the document's key and the `application/problem+json` response.
    fn entry() -> (String, Response) {
        (Self::STATUS.to_string(), problem(Self::DESCRIPTION))
    }
}

/// One answer or a tuple of answers: the problems of one operation.
pub trait ProblemList {
    /// Adds each answer to an operation's responses.
    fn add_to(responses: &mut BTreeMap<String, RefOr<Response>>);
}

/// The responses of a [`ProblemList`], for `#[utoipa::path(responses(...))]`.
pub struct Problems<L>(PhantomData<L>);

impl<L: ProblemList> IntoResponses for Problems<L> {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let mut responses = BTreeMap::new();
        L::add_to(&mut responses);
        responses
    }
}

fn add<A: ProblemAnswer>(responses: &mut BTreeMap<String, RefOr<Response>>) {
    let (status, response) = A::entry();
    merge(responses, status, response);
}

/// Adds an answer; a second answer with the same status (a rule broken, a record
/// missing: both 422) joins the first one's description, so neither is lost.
pub(super) fn merge(
    responses: &mut BTreeMap<String, RefOr<Response>>,
    status: String,
    response: Response,
) {
    match responses.get_mut(&status) {
        Some(RefOr::T(existing)) => {
            if !existing.description.contains(&response.description) {
                existing.description =
                    format!("{}; or {}", existing.description, response.description);
            }
        }
        Some(RefOr::Ref(_)) => {}
        None => {
            responses.insert(status, response.into());
        }
    }
}

macro_rules! problem_lists {
    ($($answer:ident),+) => {
        impl<$($answer: ProblemAnswer),+> ProblemList for ($($answer,)+) {
            fn add_to(responses: &mut BTreeMap<String, RefOr<Response>>) {
                $(add::<$answer>(responses);)+
            }
        }
    };
}

problem_lists!(A, B);
problem_lists!(A, B, C);
problem_lists!(A, B, C, D);
problem_lists!(A, B, C, D, E);
problem_lists!(A, B, C, D, E, F);
problem_lists!(A, B, C, D, E, F, G);

/// Declares answer types: `Name = status, "description";`.
macro_rules! answers {
    ($($name:ident = $status:literal, $description:literal;)+) => {$(
        #[doc = concat!("`", stringify!($status), "` ", $description)]
        pub struct $name;

        impl ProblemAnswer for $name {
            const STATUS: u16 = $status;
            const DESCRIPTION: &'static str = $description;
        }

        impl ProblemList for $name {
            fn add_to(responses: &mut BTreeMap<String, RefOr<Response>>) {
                add::<$name>(responses);
            }
        }
    )+};
}

// Given by an operation's shape (see `add_common_problems`).
answers! {
    Unauthorized = 401, "Not signed in, or the token is invalid or expired";
    MalformedParameter = 400, "`bad_request`: a parameter or header that does not parse";
    MalformedBody = 400, "`bad_request`: the body is not well-formed JSON; `errors` names where";
    TooLarge = 413, "Body too large";
    NotJson = 415, "Body is not application/json";
    Unprocessable = 422, "`validation_failed`: a field or parameter is missing, of the wrong type or value, or breaks a rule; `invalid_reference`: it names a record that does not exist; `errors` maps each field path to its messages";
    IfMatchRequired = 428, "`precondition_required`: If-Match missing";
    Busy = 503, "`service_unavailable`: the database is busy or unreachable; retry after Retry-After seconds when given";
}

// Named by the routes.
answers! {
    BadQuery = 400, "A filter, period or other query value that does not parse";
    Invalid = 422, "`validation_failed`: a field or parameter is missing, of the wrong type or value, or breaks a rule; `invalid_reference`: it names a record that does not exist; `errors` maps each field path to its messages";
    Forbidden = 403, "Not allowed for your role or facility";
    AdminOnly = 403, "Not an admin";
    NotFound = 404, "No such record (or no such parent record)";
    Conflict = 409, "Not possible in the current state; the problem's `code` and `detail` say why";
    KeyReused = 409, "Idempotency-Key reused with another body";
    TakenOrKeyReused = 409, "Code or link already taken, or Idempotency-Key reused with another body";
    Stale = 412, "Changed since read: If-Match is not the current version (or not an entity tag)";
    IfMatchMissing = 428, "If-Match missing";
    BreaksRules = 422, "`rotation_rules_broken`: breaks rotation rules; `errors` maps each broken rule's code to its messages";
}

// Sign-in, tokens and readiness.
answers! {
    WrongCredentials = 401, "Wrong username or password";
    TokenRejected = 401, "Invalid, expired, revoked or reused token";
    AccountDisabled = 403, "Account disabled";
    PasswordChangeRequired = 403, "`password_change_required`: the password was set by someone else (temporary); change it first with POST /api/v1/me/password";
    NoProfile = 404, "An integration client has no user profile";
    LockedOut = 429, "Too many attempts: the rate limit, or a hold after repeated failures; see Retry-After";
    Unavailable = 503, "Database unreachable";
}

/// An `application/problem+json` response with the `Problem` schema.
fn problem(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/problem+json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn a_list_gives_one_problem_json_response_per_answer() {
        let responses = Problems::<(Invalid, Forbidden, NotFound)>::responses();
        assert_eq!(
            responses.keys().map(String::as_str).collect::<Vec<_>>(),
            ["403", "404", "422"]
        );
        for response in responses.values() {
            let RefOr::T(response) = response else {
                panic!("an inline response")
            };
            assert!(response.content.contains_key("application/problem+json"));
        }
        assert_eq!(Problems::<Unavailable>::responses().len(), 1);
    }

    #[test]
    fn two_answers_with_one_status_share_its_description() {
        let responses = Problems::<(Invalid, BreaksRules)>::responses();
        let RefOr::T(response) = &responses["422"] else {
            panic!("an inline response")
        };
        assert_eq!(responses.len(), 1);
        assert!(response.description.contains(Invalid::DESCRIPTION));
        assert!(response.description.contains(BreaksRules::DESCRIPTION));
    }

    /// Keeps the one-entry rule: a route that spells a problem response out by hand
    /// instead of naming answers from this module fails here.
    #[test]
    fn no_route_spells_out_a_problem_response() -> std::io::Result<()> {
        fn visit(dir: &Path, found: &mut Vec<String>) -> std::io::Result<()> {
            for entry in std::fs::read_dir(dir)? {
                let path = entry?.path();
                if path.is_dir() {
                    visit(&path, found)?;
                } else if path.extension().is_some_and(|e| e == "rs")
                    && std::fs::read_to_string(&path)?.contains(concat!("body = ", "Problem"))
                {
                    found.push(path.display().to_string());
                }
            }
            Ok(())
        }
        let mut found = Vec::new();
        visit(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut found,
        )?;
        assert!(found.is_empty(), "{found:#?}");
        Ok(())
    }
}
