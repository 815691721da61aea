//! How a failed call reads to a person: the translated kind of problem, the server's
//! explanation, field messages not shown elsewhere, and the request id to quote.

use leptos::prelude::*;
use shared::Labelled;
use shared::validation::FORM_FIELD;

use crate::api::ApiError;
use crate::contexts::use_lang;
use crate::i18n::Key;

/// One API error.
#[component]
pub fn ProblemView(
    /// The error to explain.
    error: ApiError,
    /// Fields whose messages the form already shows next to the inputs.
    #[prop(optional)]
    inline_fields: &'static [&'static str],
) -> impl IntoView {
    let lang = use_lang();
    let heading = {
        let error = error.clone();
        move || match &error {
            ApiError::Problem(problem) => problem.code.label(lang.get()).to_string(),
            ApiError::Http { status, .. } => format!("{} ({status})", lang.t(Key::ErrorHttp)),
            ApiError::Network(_) => lang.t(Key::ErrorNetwork).to_string(),
            ApiError::Decode(_) => lang.t(Key::ErrorDecode).to_string(),
            ApiError::SignedOut => lang.t(Key::ErrorSignedOut).to_string(),
        }
    };
    // The server's own words: its detail, or its title when there is no detail.
    let explanation = match &error {
        ApiError::Problem(problem) => problem.detail.clone().or_else(|| {
            let generic = [
                problem.code.label(shared::Lang::Vi),
                problem.code.label(shared::Lang::En),
            ];
            (!generic.contains(&problem.title.as_str())).then(|| problem.title.clone())
        }),
        ApiError::Http { body, .. } => (!body.trim().is_empty()).then(|| body.clone()),
        ApiError::Network(message) | ApiError::Decode(message) => Some(message.clone()),
        ApiError::SignedOut => None,
    };
    let other_fields: Vec<(String, String)> = error
        .problem()
        .and_then(|problem| problem.errors.as_ref())
        .map(|errors| {
            errors
                .iter()
                .filter(|(field, _)| !inline_fields.contains(&field.as_str()))
                .flat_map(|(field, messages)| {
                    messages
                        .iter()
                        .map(move |message| (field.clone(), message.clone()))
                })
                .collect()
        })
        .unwrap_or_default();
    let request_id = error
        .problem()
        .and_then(|problem| problem.request_id.clone());

    view! {
        <div class="alert alert-error" role="alert">
            <p class="alert-title">{heading}</p>
            {explanation.map(|text| view! { <p class="alert-detail">{text}</p> })}
            {(!other_fields.is_empty())
                .then(|| {
                    view! {
                        <ul class="alert-fields">
                            {other_fields
                                .into_iter()
                                .map(|(field, message)| {
                                    let field = (field != FORM_FIELD)
                                        .then(|| view! { <code>{field}</code> ": " });
                                    view! { <li>{field} {message}</li> }
                                })
                                .collect_view()}
                        </ul>
                    }
                })}
            {request_id
                .map(|id| {
                    view! {
                        <p class="alert-meta">
                            {move || lang.t(Key::RequestId)} ": " <code>{id}</code>
                        </p>
                    }
                })}
        </div>
    }
}

/// What a `Suspend` shows for a result it awaited: the view of the value, or why the
/// value could not be loaded, in place.
///
/// Pages match results here rather than throwing them to an `<ErrorBoundary>`: a pending
/// `Suspend` (tachys 0.2.19, leptos 0.8.23) keeps the thread-wide error hook set across
/// its `.await`, so when several sections of a page load at once an error can land in a
/// sibling section's boundary (a refused staff list replaced a facility's details).
pub fn loaded<T, V>(result: Result<T, ApiError>, show: impl FnOnce(T) -> V) -> AnyView
where
    V: IntoView + 'static,
{
    match result {
        Ok(value) => show(value).into_any(),
        Err(error) => view! { <ProblemView error /> }.into_any(),
    }
}
