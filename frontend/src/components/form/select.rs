//! A labelled choice among the values of a labelled enum, among records read from the
//! server, or among the specialties, with its messages.

use leptos::prelude::*;
use shared::{Labelled, Lang};

use super::{LabelText, aria_required};
use crate::api::ApiError;
use crate::components::{FieldErrors, Loading, enum_options, loaded, specialty_options};
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
                <LabelText label required />
            </label>
            <select
                id=id
                aria-describedby=errors_id.clone()
                aria-invalid=move || (!messages.with(Vec::is_empty)).to_string()
                aria-required=aria_required(required)
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

/// A `<select>` over the specialty catalogue (`#f-specialty`), "any specialty" first.
#[component]
pub fn SpecialtyField(
    /// The code chosen now (empty: any).
    #[prop(into)]
    value: Signal<String>,
    /// Called with the new code.
    on_change: Callback<String>,
    /// Messages to show under it.
    #[prop(into)]
    messages: Signal<Vec<String>>,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="field">
            <label for="f-specialty">{move || lang.t(Key::Specialty)}</label>
            <select id="f-specialty" on:change=move |event| on_change.run(event_target_value(&event))>
                <option value="" prop:selected=move || value.with(String::is_empty)>
                    {move || lang.t(Key::AnySpecialty)}
                </option>
                {specialty_options(value, lang)}
            </select>
            <FieldErrors id="f-specialty-errors" messages />
        </div>
    }
}

/// A `<select>` among records read from the server (their ids and names), "choose
/// one" first; "loading" until they come, the problem if they do not.
#[component]
pub fn ChoiceField<R>(
    /// Element id of the select.
    #[prop(into)]
    id: String,
    /// Its label.
    label: Key,
    /// What the choices are read from.
    source: LocalResource<Result<R, ApiError>>,
    /// The choices in what was read: ids and names, in the order shown.
    choices: fn(R) -> Vec<(i64, String)>,
    /// The id chosen now, as text (empty: none).
    #[prop(into)]
    value: Signal<String>,
    /// Called with the new id.
    on_change: Callback<String>,
    /// Messages to show under it.
    #[prop(into)]
    messages: Signal<Vec<String>>,
    /// Marks the field as needed.
    #[prop(optional)]
    required: bool,
) -> impl IntoView
where
    R: Clone + Send + Sync + 'static,
{
    let lang = use_lang();
    let label_for = id.clone();
    let errors_id = format!("{id}-errors");
    let describedby = errors_id.clone();
    let options = move |read: R| {
        choices(read)
            .into_iter()
            .map(|(choice, name)| {
                let choice = choice.to_string();
                let selected = choice.clone();
                view! {
                    <option value=choice prop:selected=move || value.with(|value| *value == selected)>
                        {name}
                    </option>
                }
            })
            .collect_view()
    };
    view! {
        <div class="field">
            <label for=label_for>
                <LabelText label required />
            </label>
            <Transition fallback=|| view! { <Loading /> }>
                {
                    let id = id.clone();
                    let describedby = describedby.clone();
                    move || {
                        let id = id.clone();
                        let describedby = describedby.clone();
                        Suspend::new(async move {
                            loaded(
                                source.await,
                                move |read| {
                                    view! {
                                        <select
                                            id=id
                                            aria-describedby=describedby
                                            aria-invalid=move || (!messages.with(Vec::is_empty)).to_string()
                                            aria-required=aria_required(required)
                                            on:change=move |event| on_change.run(event_target_value(&event))
                                        >
                                            <option value="">{move || lang.t(Key::ChooseOne)}</option>
                                            {options(read)}
                                        </select>
                                    }
                                },
                            )
                        })
                    }
                }
            </Transition>
            <FieldErrors id=errors_id messages />
        </div>
    }
}

/// A labelled group of radio buttons over every value of a labelled enum: the group is
/// `#{id}`, each button `#{id}-{code}`, the messages `#{id}-errors`.
#[component]
pub fn RadioField<T>(
    /// Element id of the group.
    #[prop(into)]
    id: String,
    /// The buttons' `name`.
    name: &'static str,
    /// The group's label.
    label: Key,
    /// Every value, in the order shown.
    values: &'static [T],
    /// A value's code (what the group's value holds).
    code: fn(&T) -> &'static str,
    /// What a button says (default: the value's label).
    #[prop(optional)]
    option_label: Option<fn(&T, Lang) -> String>,
    /// The code chosen now (empty: none).
    #[prop(into)]
    value: Signal<String>,
    /// Called with the new code.
    on_change: Callback<String>,
    /// Messages to show under it.
    #[prop(into)]
    messages: Signal<Vec<String>>,
    /// Marks the choice as needed.
    #[prop(optional)]
    required: bool,
) -> impl IntoView
where
    T: Labelled + Copy + Send + Sync + 'static,
{
    let lang = use_lang();
    let errors_id = format!("{id}-errors");
    let describedby = errors_id.clone();
    let buttons = values
        .iter()
        .map(|choice| {
            let choice = *choice;
            let code = code(&choice);
            let input_id = format!("{id}-{code}");
            let label_for = input_id.clone();
            let text = move || match option_label {
                Some(option_label) => option_label(&choice, lang.get()),
                None => choice.label(lang.get()).to_string(),
            };
            view! {
                <label class="radio" for=label_for>
                    <input
                        type="radio"
                        id=input_id
                        name=name
                        value=code
                        prop:checked=move || value.with(|value| value == code)
                        on:change=move |_| on_change.run(code.to_string())
                    />
                    {text}
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset
            class="field radio-group"
            id=id
            role="radiogroup"
            aria-describedby=describedby
            aria-invalid=move || (!messages.with(Vec::is_empty)).to_string()
            aria-required=aria_required(required)
        >
            <legend class="field-label">
                <LabelText label required />
            </legend>
            {buttons}
            <FieldErrors id=errors_id messages />
        </fieldset>
    }
}
