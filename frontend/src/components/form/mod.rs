//! The form kit: field ids derived from the validators' field paths, the messages of a
//! field (the shared validators' and those of a `problem+json` answer), a labelled
//! input, a choice among a labelled enum, a rows editor, and focus on the first field
//! with a problem.

mod rows;
mod select;
mod send;
mod text;

use std::collections::BTreeMap;

use leptos::prelude::*;
use shared::Lang;
use shared::validation::field_messages;
use wasm_bindgen::JsCast;

pub use rows::{Column, Row, RowsEditor, rows_from};
pub use select::SelectField;
pub use send::CheckedSend;
pub use text::TextField;

use crate::api::ApiError;

/// Messages per dotted field path (`clinical.diagnoses[0].code`), as shown.
pub type FieldMessages = BTreeMap<String, Vec<String>>;

/// The element id of the input for a field path: `patient.full_name` →
/// `f-patient-full_name`, `clinical.diagnoses[1].code` → `f-clinical-diagnoses-1-code`.
pub fn field_id(path: &str) -> String {
    prefixed_field_id("f-", path)
}

/// [`field_id`] with another prefix, for a form whose ids must not meet the `f-` ones.
pub fn prefixed_field_id(prefix: &str, path: &str) -> String {
    let mut id = String::from(prefix);
    for c in path.chars() {
        match c {
            '.' | '[' => id.push('-'),
            ']' => {}
            c => id.push(c),
        }
    }
    id
}

/// The messages for one path out of a map of them (tracked).
pub fn messages_at(
    messages: Signal<FieldMessages>,
    path: impl Fn() -> String + Send + Sync + 'static,
) -> Signal<Vec<String>> {
    Signal::derive(move || {
        let path = path();
        messages.with(|messages| messages.get(&path).cloned().unwrap_or_default())
    })
}

/// Adds `more` to `shown`, leaving out a message a field already has (the server often
/// repeats what the shared validators said).
pub fn merge_messages(shown: &mut FieldMessages, more: &FieldMessages) {
    for (path, messages) in more {
        let entry = shown.entry(path.clone()).or_default();
        for message in messages {
            if !entry.contains(message) {
                entry.push(message.clone());
            }
        }
    }
}

/// The field messages of a refused write (`errors` of a `validation_failed` problem).
pub fn server_messages(error: Option<&ApiError>) -> FieldMessages {
    error
        .and_then(ApiError::problem)
        .and_then(|problem| problem.errors.clone())
        .unwrap_or_default()
}

/// Where `path` comes in a form's field order (`clinical.diagnoses[1].code` counts as
/// `clinical.diagnoses`); unknown paths come last.
pub fn form_position(order: &[&str], path: &str) -> usize {
    order
        .iter()
        .position(|field| {
            path.strip_prefix(field)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
        })
        .unwrap_or(order.len())
}

/// The path with a problem that the form shows first.
pub fn first_in_order<'a>(order: &[&str], messages: &'a FieldMessages) -> Option<&'a String> {
    messages
        .keys()
        .min_by_key(|path| form_position(order, path))
}

/// Moves the keyboard focus to the first element of `ids` that exists, and brings it
/// into view, so the person lands on the field that needs them.
pub fn focus_first(ids: impl IntoIterator<Item = String>) {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else {
        return;
    };
    for id in ids {
        if let Some(element) = document.get_element_by_id(&id)
            && let Ok(element) = element.dyn_into::<web_sys::HtmlElement>()
        {
            if let Err(error) = element.focus() {
                leptos::logging::warn!("could not focus {id}: {error:?}");
            }
            element.scroll_into_view();
            return;
        }
    }
}

/// What kind of input a field is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InputKind {
    /// One line of text.
    #[default]
    Text,
    /// Several lines.
    Multiline,
    /// A calendar day (`YYYY-MM-DD`).
    Date,
    /// A day and a time of day.
    DateTime,
    /// A whole number.
    Number,
    /// A new password (hidden as typed; browsers may offer to generate one).
    NewPassword,
    /// The password in use (browsers may fill it in).
    CurrentPassword,
}

impl InputKind {
    /// The `type` of the `<input>` (a multiline field is a `<textarea>` instead).
    fn html_type(self) -> &'static str {
        match self {
            InputKind::Text | InputKind::Multiline => "text",
            InputKind::Date => "date",
            InputKind::DateTime => "datetime-local",
            InputKind::Number => "number",
            InputKind::NewPassword | InputKind::CurrentPassword => "password",
        }
    }

    /// What the browser may fill in (`autocomplete`), for password inputs.
    fn autocomplete(self) -> Option<&'static str> {
        match self {
            InputKind::NewPassword => Some("new-password"),
            InputKind::CurrentPassword => Some("current-password"),
            _ => None,
        }
    }
}

/// The messages of a request body's own `Validate` rules, by field path.
pub fn rule_messages(result: Result<(), validator::ValidationErrors>, lang: Lang) -> FieldMessages {
    result
        .err()
        .map(|errors| field_messages(&errors, lang))
        .unwrap_or_default()
}
