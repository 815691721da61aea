//! The form kit: field ids derived from the validators' field paths, the messages of a
//! field (the shared validators' and those of a `problem+json` answer), a labelled
//! input, a choice among a labelled enum, a rows editor, a form opened in place, and
//! focus on the first field with a problem.

mod inline;
mod read;
mod rows;
mod select;
mod send;
mod stale;
mod text;

use std::collections::{BTreeMap, BTreeSet};

use leptos::prelude::*;
use shared::Lang;
use shared::validation::field_messages;
use wasm_bindgen::JsCast;

pub use inline::InlineForm;
pub use read::{Unreadable, input_problems};
pub use rows::{Column, Row, RowsEditor, rows_from};
pub use select::{ChoiceField, RadioField, SelectField, SpecialtyField};
pub use send::CheckedSend;
pub use stale::{StaleNotice, is_stale};
pub use text::{FormText, SubmitButton, TextField};

use crate::api::ApiError;
use crate::contexts::use_lang;
use crate::i18n::Key;

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

/// The problems a form shows of its own: all once sending was tried, before that those
/// of the fields left once.
pub fn visible_problems(
    problems: &FieldMessages,
    tried: bool,
    touched: &BTreeSet<String>,
) -> FieldMessages {
    problems
        .iter()
        .filter(|(path, _)| tried || touched.contains(*path))
        .map(|(path, messages)| (path.clone(), messages.clone()))
        .collect()
}

/// What a form shows: its own problems and the field messages of the server's last
/// refusal, each message once.
pub fn shown_messages(mut own: FieldMessages, failure: Option<&ApiError>) -> FieldMessages {
    merge_messages(&mut own, &server_messages(failure));
    own
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
    /// A figure that may have decimals, typed with a decimal comma or point.
    Decimal,
    /// A new password (hidden as typed; browsers may offer to generate one).
    NewPassword,
    /// The password in use (browsers may fill it in).
    CurrentPassword,
    /// One of a labelled enum's values (its `CHOICES`: code, Vietnamese, English), as a
    /// drop-down.
    Choice(&'static [(&'static str, &'static str, &'static str)]),
}

impl InputKind {
    /// The `type` of the `<input>` (a multiline field is a `<textarea>` instead).
    pub fn html_type(self) -> &'static str {
        match self {
            InputKind::Text | InputKind::Multiline | InputKind::Choice(_) => "text",
            InputKind::Date => "date",
            InputKind::DateTime => "datetime-local",
            InputKind::Number => "number",
            // Text, so that a decimal comma can be typed; the form reads it.
            InputKind::Decimal => "text",
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

    /// The keyboard a phone shows for it, where that is not the input type's own.
    pub fn input_mode(self) -> Option<&'static str> {
        (self == InputKind::Decimal).then_some("decimal")
    }
}

/// What a field's label says, with a mark when the field is needed: a red star seen,
/// and "bắt buộc" heard (the star alone reads as "star", or not at all).
#[component]
pub fn LabelText(label: Key, required: bool) -> impl IntoView {
    let lang = use_lang();
    view! {
        {move || lang.t(label)}
        {required
            .then(|| {
                view! {
                    <span class="required" title=move || lang.t(Key::RequiredMark)>
                        <span aria-hidden="true">" *"</span>
                        <span class="visually-hidden">
                            " (" {move || lang.t(Key::RequiredMark)} ")"
                        </span>
                    </span>
                }
            })}
    }
}

/// `aria-required` for a control that must be filled (absent otherwise).
pub fn aria_required(required: bool) -> Option<&'static str> {
    required.then_some("true")
}

/// Moves the focus to the first control the page marks invalid (`aria-invalid`), once
/// the page has drawn its messages: after a refused "send", the person lands on what
/// needs them.
pub fn focus_first_invalid() {
    leptos::prelude::request_animation_frame(|| {
        let Some(document) = web_sys::window().and_then(|window| window.document()) else {
            return;
        };
        let Ok(Some(element)) = document.query_selector("[aria-invalid='true']") else {
            return;
        };
        // A group of radio buttons takes the focus on its first button.
        let target = match element.query_selector("input") {
            Ok(Some(input)) if element.tag_name().eq_ignore_ascii_case("fieldset") => input,
            _ => element,
        };
        focus_first([target.id()]);
    });
}

/// A section of a long form, under its heading.
#[component]
pub fn FormSection(
    /// The section's heading.
    legend: Key,
    /// Element id, where the form or the tests look for the section.
    #[prop(optional)]
    id: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <fieldset class="form-section" id=id>
            <legend>{move || lang.t(legend)}</legend>
            {children()}
        </fieldset>
    }
}

/// The messages of a request body's own `Validate` rules, by field path.
pub fn rule_messages(result: Result<(), validator::ValidationErrors>, lang: Lang) -> FieldMessages {
    result
        .err()
        .map(|errors| field_messages(&errors, lang))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use shared::Lang;
    use shared::referral::FollowUpMissedInput;
    use validator::Validate;

    use super::*;

    fn messages(pairs: &[(&str, &[&str])]) -> FieldMessages {
        pairs
            .iter()
            .map(|(path, messages)| {
                let messages = messages.iter().map(|m| m.to_string()).collect();
                (path.to_string(), messages)
            })
            .collect()
    }

    /// A `validation_failed` answer with these field messages.
    fn refused(errors: FieldMessages) -> ApiError {
        let problem = serde_json::json!({
            "type": "urn:tuyen:problem:validation_failed",
            "title": "Validation failed",
            "status": 422,
            "code": "validation_failed",
            "errors": errors,
        });
        match serde_json::from_value(problem) {
            Ok(problem) => ApiError::Problem(problem),
            Err(error) => panic!("the test's problem does not parse: {error}"),
        }
    }

    #[test]
    fn field_ids_follow_the_validators_paths() {
        assert_eq!(field_id("patient.full_name"), "f-patient-full_name");
        assert_eq!(
            field_id("clinical.diagnoses[1].code"),
            "f-clinical-diagnoses-1-code"
        );
        assert_eq!(prefixed_field_id("s-", "notes"), "s-notes");
    }

    #[test]
    fn the_servers_messages_join_without_repeating() {
        let mut shown = messages(&[("reason", &["Required"])]);
        merge_messages(
            &mut shown,
            &messages(&[
                ("reason", &["Required", "Too short"]),
                ("day", &["Bad day"]),
            ]),
        );
        assert_eq!(
            shown,
            messages(&[
                ("day", &["Bad day"]),
                ("reason", &["Required", "Too short"])
            ])
        );
    }

    #[test]
    fn only_a_validation_problem_has_field_messages() {
        let errors = messages(&[("reason", &["Required"])]);
        assert_eq!(server_messages(Some(&refused(errors.clone()))), errors);
        assert!(server_messages(None).is_empty());
        assert!(server_messages(Some(&ApiError::Network("offline".into()))).is_empty());
    }

    #[test]
    fn a_form_shows_its_own_problems_and_the_servers() {
        let own = messages(&[("notes", &["Required"])]);
        let server = refused(messages(&[
            ("notes", &["Required"]),
            ("day", &["In the future"]),
        ]));
        assert_eq!(
            shown_messages(own, Some(&server)),
            messages(&[("day", &["In the future"]), ("notes", &["Required"])])
        );
        assert!(shown_messages(FieldMessages::new(), None).is_empty());
    }

    #[test]
    fn a_fields_problems_show_once_it_was_left_all_once_sending_was_tried() {
        let problems = messages(&[("title", &["Required"]), ("date", &["Required"])]);
        let left = BTreeSet::from(["date".to_string()]);
        assert!(visible_problems(&problems, false, &BTreeSet::new()).is_empty());
        assert_eq!(
            visible_problems(&problems, false, &left),
            messages(&[("date", &["Required"])])
        );
        assert_eq!(
            visible_problems(&problems, true, &BTreeSet::new()),
            problems
        );
    }

    #[test]
    fn the_first_bad_field_is_the_first_in_the_forms_order() {
        let order = ["patient.full_name", "clinical.diagnoses", "reason"];
        assert_eq!(form_position(&order, "clinical.diagnoses[2].code"), 1);
        // A prefix of a name is another field.
        assert_eq!(form_position(&order, "reasonable"), 3);
        let shown = messages(&[
            ("zzz", &["?"]),
            ("reason", &["Required"]),
            ("clinical.diagnoses[0].code", &["Unknown code"]),
        ]);
        assert_eq!(
            first_in_order(&order, &shown).map(String::as_str),
            Some("clinical.diagnoses[0].code")
        );
        assert_eq!(first_in_order(&order, &FieldMessages::new()), None);
    }

    #[test]
    fn the_shared_rules_messages_are_keyed_by_field() {
        let missing = FollowUpMissedInput {
            reason: String::new(),
        };
        let found = rule_messages(missing.validate(), Lang::Vi);
        assert_eq!(found.keys().collect::<Vec<_>>(), ["reason"]);
        assert!(found["reason"].iter().all(|message| !message.is_empty()));
        let given = FollowUpMissedInput {
            reason: "Không liên lạc được".into(),
        };
        assert!(rule_messages(given.validate(), Lang::Vi).is_empty());
    }
}
