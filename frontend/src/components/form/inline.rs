//! A small form opened in place, under a table row or beside its button.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::components::ProblemView;
use crate::components::dialog::{DialogButtons, focus_into};
use crate::contexts::use_lang;
use crate::i18n::Key;

/// The frame of such a form: its fields are the children; under them what went wrong
/// the last time, "save" and "close".
#[component]
pub fn InlineForm(
    /// What the form does, for assistive technology.
    label: Key,
    /// Whether saving is under way (the save button waits).
    #[prop(into)]
    pending: Signal<bool>,
    /// Why the last attempt failed, without the messages shown at the fields (tracked).
    #[prop(into)]
    problem: Signal<Option<ApiError>>,
    /// "Save" was pressed.
    on_save: Callback<()>,
    /// "Close" was pressed.
    on_close: Callback<()>,
    /// Element id of the save button, where the browser tests look for it.
    #[prop(optional)]
    save_id: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    let lang = use_lang();
    let panel = NodeRef::<leptos::html::Div>::new();
    focus_into(panel);
    view! {
        <div class="inline-form" role="group" aria-label=move || lang.t(label) node_ref=panel>
            {children()}
            {move || problem.get().map(|error| view! { <ProblemView error /> })}
            <DialogButtons
                confirm=Key::Save
                confirm_id=save_id.map(str::to_string)
                pending
                on_confirm=on_save
                on_close
            />
        </div>
    }
}
