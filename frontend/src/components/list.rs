//! Pieces of list pages: paging links, the empty-list message and `<option>`s for
//! labelled enums.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::Labelled;
use shared::registry::SPECIALTIES;

use crate::contexts::{LangContext, use_lang};
use crate::i18n::Key;

/// `<option>`s for every value of a labelled enum, marking the current one.
pub fn enum_options<T>(
    values: &'static [T],
    code: fn(&T) -> &'static str,
    current: Signal<String>,
    lang: LangContext,
) -> impl IntoView
where
    T: Labelled + Copy + Send + Sync + 'static,
{
    values
        .iter()
        .map(move |value| {
            let value = *value;
            let code = code(&value);
            view! {
                <option value=code prop:selected=move || current.with(|current| current == code)>
                    {move || value.label(lang.get())}
                </option>
            }
        })
        .collect_view()
}

/// `<option>`s for the specialty catalogue, marking the current one.
pub fn specialty_options(current: Signal<String>, lang: LangContext) -> impl IntoView {
    SPECIALTIES
        .iter()
        .map(move |(code, _, _)| {
            let code: &'static str = code;
            view! {
                <option value=code prop:selected=move || current.with(|current| current == code)>
                    {move || shared::registry::specialty_label(code, lang.get())}
                </option>
            }
        })
        .collect_view()
}

/// Links to the first and the next page of a list.
#[component]
pub fn Pager(
    /// The first page, when this is not it.
    first: Option<String>,
    /// The next page, when there is one.
    next: Option<String>,
) -> impl IntoView {
    let lang = use_lang();
    (first.is_some() || next.is_some()).then(|| {
        view! {
            <div class="pager">
                {first.map(|href| view! { <A href=href>{move || lang.t(Key::FirstPage)}</A> })}
                {next.map(|href| view! { <A href=href>{move || lang.t(Key::NextPage)}</A> })}
            </div>
        }
    })
}

/// The message for an empty list.
#[component]
pub fn NoResults() -> impl IntoView {
    let lang = use_lang();
    view! { <p class="empty">{move || lang.t(Key::NoResults)}</p> }
}
