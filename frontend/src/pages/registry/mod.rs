//! The registry: facilities, their departments and staff. Filters live in the URL, so
//! a filtered list can be bookmarked, shared and reached with the back button.

mod facilities;
mod facility_detail;
mod staff;

pub use facilities::FacilitiesPage;
pub use facility_detail::FacilityDetailPage;
pub use staff::StaffPage;

use std::str::FromStr;

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::location::Url;
use leptos_router::params::ParamsMap;
use shared::Labelled;
use shared::registry::SPECIALTIES;

use crate::contexts::{LangContext, use_lang};
use crate::i18n::Key;

/// A query parameter's text, trimmed; empty counts as absent.
fn text_param(params: &ParamsMap, key: &str) -> Option<String> {
    params
        .get_str(key)
        .map(str::trim)
        .filter(|value| !value.is_empty())
        .map(str::to_string)
}

/// A query parameter parsed; a value that does not parse counts as absent.
fn parse_param<T: FromStr>(params: &ParamsMap, key: &str) -> Option<T> {
    text_param(params, key).and_then(|value| value.parse().ok())
}

/// Text typed in a filter field, `None` when blank.
fn non_blank(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_string())
}

/// `path?key=value&…` with the pairs that have a value.
fn href_with(path: &str, pairs: &[(&str, Option<String>)]) -> String {
    let query = pairs
        .iter()
        .filter_map(|(key, value)| {
            value
                .as_ref()
                .map(|value| format!("{key}={}", Url::escape(value)))
        })
        .collect::<Vec<_>>()
        .join("&");
    if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{query}")
    }
}

/// `<option>`s for every value of a labelled enum, marking the current one.
fn enum_options<T>(
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
fn specialty_options(current: Signal<String>, lang: LangContext) -> impl IntoView {
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

/// Switches between the registry's lists.
#[component]
fn RegistryTabs() -> impl IntoView {
    let lang = use_lang();
    view! {
        <header class="page-header">
            <h1>{move || lang.t(Key::NavRegistry)}</h1>
            <p class="muted">{move || lang.t(Key::RegistrySummary)}</p>
        </header>
        <div class="tabs">
            <A href="/registry/facilities">{move || lang.t(Key::Facilities)}</A>
            <A href="/registry/staff">{move || lang.t(Key::Staff)}</A>
        </div>
    }
}

/// Links to the first and the next page of a list.
#[component]
fn Pager(
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

/// "Active" or "inactive", in words that suit the record.
#[component]
fn StatusBadge(active: bool, yes: Key, no: Key) -> impl IntoView {
    let lang = use_lang();
    let class = if active { "badge ok" } else { "badge off" };
    view! { <span class=class>{move || lang.t(if active { yes } else { no })}</span> }
}

/// The message for an empty list.
#[component]
fn NoResults() -> impl IntoView {
    let lang = use_lang();
    view! { <p class="empty">{move || lang.t(Key::NoResults)}</p> }
}
