//! The form's state and how it reports on itself: which messages show for a field and
//! when, the slip's own inputs bound to it, and where the focus goes.

use std::collections::BTreeSet;

use leptos::prelude::*;
use shared::referral::ReferralReason;
use shared::{Labelled, Lang};

use super::slip::SlipForm;
use crate::api::ApiError;
use crate::components::form::{
    FieldMessages, InputKind, RadioField, SelectField, TextField, field_id, focus_first,
    messages_at,
};
use crate::i18n::Key;

/// What the person asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Intent {
    /// Save as a draft.
    Draft,
    /// Save, then send.
    Send,
}

/// Why saving (or sending) did not finish.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct SaveFailure {
    pub(super) error: ApiError,
    /// The draft was saved; only sending failed.
    pub(super) saved: bool,
}

/// Fields whose messages show next to their inputs (rows are matched by prefix).
pub(super) fn shown_inline(path: &str) -> bool {
    const INLINE: &[&str] = &[
        "to_facility_id",
        "direction",
        "urgency",
        "reason",
        "reason_text",
        "patient.",
        "clinical.",
        "transport.",
        "signed_by",
        "physician",
        "attachments",
    ];
    INLINE.iter().any(|prefix| path.starts_with(prefix))
}

/// Field paths in the order the form shows them, so the first problem on screen is the
/// one that gets the focus.
pub(super) const FORM_ORDER: &[&str] = &[
    "to_facility_id",
    "patient.full_name",
    "patient.sex",
    "patient.birth_date",
    "patient.birth_year",
    "patient.citizen_id",
    "patient.insurance_number",
    "patient.insurance_expiry",
    "patient.address",
    "patient.ethnicity",
    "patient.nationality",
    "patient.occupation",
    "patient.workplace",
    "patient.contact_phone",
    "clinical.previously_treated_at",
    "direction",
    "urgency",
    "reason",
    "reason_text",
    "clinical.signs",
    "clinical.tests_summary",
    "clinical.diagnoses",
    "clinical.treatment_given",
    "clinical.condition_at_transfer",
    "clinical.treatment_direction",
    "transport.means",
    "transport.escort_name",
    "transport.escort_title",
    "signed_by",
    "physician",
    "attachments",
];

/// The state of the form and how it reports on itself.
#[derive(Debug, Clone, Copy)]
pub(super) struct Binder {
    pub(super) form: RwSignal<SlipForm>,
    pub(super) touched: RwSignal<BTreeSet<String>>,
    pub(super) server: RwSignal<FieldMessages>,
    pub(super) shown: Memo<FieldMessages>,
}

impl Binder {
    /// The messages shown for `path` (tracked).
    pub(super) fn messages(self, path: &'static str) -> Signal<Vec<String>> {
        messages_at(self.shown.into(), move || path.to_string())
    }

    /// The person changed `path`: the server's complaint about it is stale.
    pub(super) fn edited(self, path: &str) {
        if self
            .server
            .with_untracked(|server| server.contains_key(path))
        {
            self.server.update(|server| {
                server.remove(path);
            });
        }
    }

    /// The person left `path`: its messages may show from now on.
    pub(super) fn touch(self, path: &str) {
        if !self
            .touched
            .with_untracked(|touched| touched.contains(path))
        {
            self.touched.update(|touched| {
                touched.insert(path.to_string());
            });
        }
    }
}

/// A text field of the slip.
#[component]
pub(super) fn SlipText(
    b: Binder,
    path: &'static str,
    label: Key,
    get: fn(&SlipForm) -> &String,
    set: fn(&mut SlipForm) -> &mut String,
    #[prop(optional)] kind: InputKind,
    #[prop(optional)] required: bool,
    #[prop(optional)] hint: Option<Key>,
    #[prop(optional)] class: &'static str,
) -> impl IntoView {
    let value = Signal::derive(move || b.form.with(|form| get(form).clone()));
    let on_input = Callback::new(move |text: String| {
        b.form.update(|form| *set(form) = text);
        b.edited(path);
    });
    let on_blur = Callback::new(move |()| b.touch(path));
    view! {
        <TextField
            id=field_id(path)
            label
            value
            on_input
            on_blur
            messages=b.messages(path)
            kind
            required
            hint
            class
        />
    }
}

/// A choice among a labelled enum's values.
#[component]
pub(super) fn SlipSelect<T>(
    b: Binder,
    path: &'static str,
    label: Key,
    values: &'static [T],
    code: fn(&T) -> &'static str,
    get: fn(&SlipForm) -> &String,
    set: fn(&mut SlipForm) -> &mut String,
    #[prop(optional)] required: bool,
    /// Called after a change, with the new code.
    #[prop(optional)]
    on_change: Option<Callback<String>>,
) -> impl IntoView
where
    T: Labelled + Copy + Send + Sync + 'static,
{
    let value = Signal::derive(move || b.form.with(|form| get(form).clone()));
    let changed = Callback::new(move |value: String| {
        b.form.update(|form| *set(form) = value.clone());
        b.edited(path);
        b.touch(path);
        if let Some(on_change) = on_change {
            on_change.run(value);
        }
    });
    view! {
        <SelectField
            id=field_id(path)
            label
            values
            code
            value
            on_change=changed
            messages=b.messages(path)
            required
        />
    }
}

/// "Lý do chuyển": the three numbered reasons of the form.
#[component]
pub(super) fn ReasonChoice(b: Binder) -> impl IntoView {
    let value = Signal::derive(move || b.form.with(|f| f.reason.clone()));
    let on_change = Callback::new(move |code: String| {
        b.form.update(|f| f.reason = code);
        b.edited("reason");
        b.touch("reason");
    });
    view! {
        <RadioField
            id=field_id("reason")
            name="reason"
            label=Key::Reason
            values=ReferralReason::all()
            code=ReferralReason::as_str
            option_label=numbered
            value
            on_change
            messages=b.messages("reason")
            required=true
        />
    }
}

/// A reason as the slip prints it: "1. …".
fn numbered(reason: &ReferralReason, lang: Lang) -> String {
    format!("{}. {}", reason.number(), reason.label(lang))
}

/// Moves the keyboard focus to the input of `path`, or to the nearest thing that has an
/// id for it (a row list, a section).
pub(super) fn focus_field(path: &str) {
    let mut candidates = vec![field_id(path)];
    // `clinical.diagnoses[0].code` → the row list `clinical.diagnoses`.
    if let Some((list, _)) = path.split_once('[') {
        candidates.push(field_id(list));
    }
    // `signed_by` → its first input.
    candidates.push(field_id(&format!("{path}.full_name")));
    focus_first(candidates);
}
