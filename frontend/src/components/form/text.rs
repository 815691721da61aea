//! A labelled text, date or number input with its messages.

use leptos::prelude::*;

use super::InputKind;
use crate::components::FieldErrors;
use crate::contexts::use_lang;
use crate::i18n::Key;

/// A labelled input and the messages about it.
#[component]
pub fn TextField(
    /// Element id of the input.
    #[prop(into)]
    id: String,
    /// Its label.
    label: Key,
    /// The current text.
    #[prop(into)]
    value: Signal<String>,
    /// Called with the new text on every keystroke.
    on_input: Callback<String>,
    /// Messages to show under it.
    #[prop(into)]
    messages: Signal<Vec<String>>,
    /// Kind of input.
    #[prop(optional)]
    kind: InputKind,
    /// A short explanation under the label.
    #[prop(optional_no_strip)]
    hint: Option<Key>,
    /// Called when the input loses focus.
    #[prop(optional)]
    on_blur: Option<Callback<()>>,
    /// Marks the field as needed (to send).
    #[prop(optional)]
    required: bool,
    /// Extra class on the field wrapper (`wide`, `narrow`).
    #[prop(optional)]
    class: &'static str,
) -> impl IntoView {
    let lang = use_lang();
    let errors_id = format!("{id}-errors");
    let invalid = move || (!messages.with(Vec::is_empty)).to_string();
    let input_event = move |event| on_input.run(event_target_value(&event));
    let blur = move |_| {
        if let Some(on_blur) = on_blur {
            on_blur.run(());
        }
    };
    let control = match kind {
        InputKind::Multiline => view! {
            <textarea
                id=id.clone()
                rows="3"
                aria-describedby=errors_id.clone()
                aria-invalid=invalid
                prop:value=move || value.get()
                on:input=input_event
                on:blur=blur
            ></textarea>
        }
        .into_any(),
        kind => view! {
            <input
                id=id.clone()
                type=kind.html_type()
                autocomplete=kind.autocomplete()
                aria-describedby=errors_id.clone()
                aria-invalid=invalid
                prop:value=move || value.get()
                on:input=input_event
                on:blur=blur
            />
        }
        .into_any(),
    };
    view! {
        <div class=format!("field {class}")>
            <label for=id>
                {move || lang.t(label)}
                {required.then(|| view! { <span class="required" aria-hidden="true">" *"</span> })}
            </label>
            {hint.map(|hint| view! { <span class="field-hint">{move || lang.t(hint)}</span> })}
            {control}
            <FieldErrors id=errors_id messages />
        </div>
    }
}
