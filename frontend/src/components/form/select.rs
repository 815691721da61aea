//! A labelled choice among the values of a labelled enum, with its messages.

use leptos::prelude::*;
use shared::Labelled;

use crate::components::{FieldErrors, enum_options};
use crate::contexts::use_lang;
use crate::i18n::Key;

/// A `<select>` over every value of a labelled enum, with "choose one" first.
#[component]
pub fn SelectField<T>(
    /// Element id of the select.
    #[prop(into)]
    id: String,
    /// Its label.
    label: Key,
    /// Every value, in the order shown.
    values: &'static [T],
    /// A value's code (what the select's value holds).
    code: fn(&T) -> &'static str,
    /// The code chosen now (empty: none).
    #[prop(into)]
    value: Signal<String>,
    /// Called with the new code.
    on_change: Callback<String>,
    /// Messages to show under it.
    #[prop(into)]
    messages: Signal<Vec<String>>,
    /// Marks the field as needed.
    #[prop(optional)]
    required: bool,
) -> impl IntoView
where
    T: Labelled + Copy + Send + Sync + 'static,
{
    let lang = use_lang();
    let label_for = id.clone();
    let errors_id = format!("{id}-errors");
    view! {
        <div class="field">
            <label for=label_for>
                {move || lang.t(label)}
                {required.then(|| view! { <span class="required" aria-hidden="true">" *"</span> })}
            </label>
            <select
                id=id
                aria-describedby=errors_id.clone()
                aria-invalid=move || (!messages.with(Vec::is_empty)).to_string()
                on:change=move |event| on_change.run(event_target_value(&event))
            >
                <option value="" prop:selected=move || value.with(String::is_empty)>
                    {move || lang.t(Key::ChooseOne)}
                </option>
                {enum_options(values, code, value, lang)}
            </select>
            <FieldErrors id=errors_id messages />
        </div>
    }
}
