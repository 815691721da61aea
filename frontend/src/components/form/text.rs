//! A labelled text, date or number input with its messages, and a form's send button.

use leptos::prelude::*;

use super::{CheckedSend, InputKind, LabelText, aria_required, field_id};
use crate::components::FieldErrors;
use crate::components::filters::Bound;
use crate::contexts::use_lang;
use crate::i18n::Key;

/// A labelled input and the messages about it.
#[component]
pub fn TextField(
    /// Element id of the input (it may follow a field path that moves).
    #[prop(into)]
    id: Signal<String>,
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
    /// How many lines a multiline field shows.
    #[prop(default = 3)]
    lines: u8,
) -> impl IntoView {
    let lang = use_lang();
    let errors_id = Signal::derive(move || format!("{}-errors", id.get()));
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
                id=move || id.get()
                rows=lines
                aria-describedby=move || errors_id.get()
                aria-invalid=invalid
                aria-required=aria_required(required)
                prop:value=move || value.get()
                on:input=input_event
                on:blur=blur
            ></textarea>
        }
        .into_any(),
        kind => view! {
            <input
                id=move || id.get()
                type=kind.html_type()
                inputmode=kind.input_mode()
                autocomplete=kind.autocomplete()
                aria-describedby=move || errors_id.get()
                aria-invalid=invalid
                aria-required=aria_required(required)
                prop:value=move || value.get()
                on:input=input_event
                on:blur=blur
            />
        }
        .into_any(),
    };
    view! {
        <div class=format!("field {class}")>
            <label for=move || id.get()>
                <LabelText label required />
            </label>
            {hint.map(|hint| view! { <span class="field-hint">{move || lang.t(hint)}</span> })}
            {control}
            <FieldErrors id=errors_id messages />
        </div>
    }
}

/// A [`TextField`] of a checked form: its id comes from its field path, its messages
/// are the form's for that path, and leaving it shows its problems.
#[component]
pub fn FormText<B, T>(
    /// The form.
    form: CheckedSend<B, T>,
    /// The field path, as in the validators' messages.
    path: &'static str,
    /// Its label.
    label: Key,
    /// The text and what changes it.
    #[prop(into)]
    field: Bound<String>,
    /// Kind of input.
    #[prop(optional)]
    kind: InputKind,
    /// Marks the field as needed.
    #[prop(optional)]
    required: bool,
    /// Element id of the input (default: from the path).
    #[prop(optional)]
    id: Option<&'static str>,
    /// Its problems show as soon as it is typed in (default: once it is left).
    #[prop(optional)]
    eager: bool,
) -> impl IntoView
where
    B: Clone + 'static,
    T: Clone + 'static,
{
    let touch = form.touch(path);
    let on_input = Callback::new(move |text: String| {
        field.set.run(text);
        if eager {
            touch.run(());
        }
    });
    let on_blur = Callback::new(move |()| {
        if !eager {
            touch.run(());
        }
    });
    view! {
        <TextField
            id=id.map_or_else(|| field_id(path), str::to_string)
            label
            value=field.value
            on_input
            on_blur
            messages=form.messages(path)
            kind
            required
        />
    }
}

/// A form's submit button, "saving" while its request is under way.
#[component]
pub fn SubmitButton(
    /// Element id.
    id: &'static str,
    /// What it says.
    label: Key,
    /// Whether the request is under way.
    #[prop(into)]
    pending: Signal<bool>,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <button type="submit" id=id class="button primary" disabled=move || pending.get()>
            {move || if pending.get() { lang.t(Key::Saving) } else { lang.t(label) }}
        </button>
    }
}
