//! Pieces of a record's page: the id in its address, what shows when that is not one,
//! the record's facts, and where it stands as a badge.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use shared::Labelled;

use crate::contexts::use_lang;
use crate::i18n::Key;

/// The record id in the address (`/plans/:id…`), `None` when it is not a number.
pub fn use_id_param() -> Memo<Option<i64>> {
    let params = use_params_map();
    Memo::new(move |_| params.with(|params| params.get("id")?.parse::<i64>().ok()))
}

/// What a record's page shows for an id that is not one, with the way back.
#[component]
pub fn InvalidId(
    /// Where the way back goes: the module's list.
    back: &'static str,
    /// What the way back says.
    back_label: Key,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <section class="page">
            <div class="alert alert-error" role="alert">
                <p class="alert-title">{move || lang.t(Key::InvalidId)}</p>
            </div>
            <A href=back>{move || lang.t(back_label)}</A>
        </section>
    }
}

/// A label/value pair in a `<dl class="facts">`; "—" for an empty value.
#[component]
pub fn Fact(label: Key, #[prop(into)] value: String) -> impl IntoView {
    let lang = use_lang();
    let value = if value.trim().is_empty() {
        "—".to_string()
    } else {
        value
    };
    view! {
        <div>
            <dt>{move || lang.t(label)}</dt>
            <dd>{value}</dd>
        </div>
    }
}

/// Where a record stands, as a badge coloured by its class (`{class}{code}`) and its
/// code in `data-status`.
#[component]
pub fn StateBadge<T>(
    state: T,
    /// The state's code.
    code: fn(&T) -> &'static str,
    /// The start of the badge's classes (`badge case-`).
    class: &'static str,
    /// Element id, where tests look for it (empty: none).
    #[prop(optional)]
    id: &'static str,
) -> impl IntoView
where
    T: Labelled + Copy + Send + Sync + 'static,
{
    let lang = use_lang();
    let code = code(&state);
    let id = (!id.is_empty()).then_some(id);
    view! {
        <span class=format!("{class}{code}") id=id data-status=code>
            {move || state.label(lang.get())}
        </span>
    }
}

/// A facility's name from a page's look-up, or its id when the look-up lacks it.
pub fn facility_name(names: &std::collections::BTreeMap<i64, String>, id: i64) -> String {
    names.get(&id).cloned().unwrap_or_else(|| format!("#{id}"))
}
