//! The dialog of one action on a referral: what its endpoint needs, checked with its
//! shared rules before it is sent.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::Labelled;
use shared::referral::{ClinicalSummary, Outcome, Referral, ReferralAction};

use super::inputs::{DialogInputs, FOLLOW_UP_COLUMNS, body_problems, dialog_field, new_follow_up};
use crate::api::referrals::Transition;
use crate::api::{self, use_api};
use crate::components::form::{
    CheckedSend, FieldMessages, InputKind, Row, RowsEditor, SelectField, TextField, messages_at,
};
use crate::components::{ActionDialog, FieldErrors, ProblemView};
use crate::contexts::{use_lang, use_session};
use crate::i18n::Key;
use crate::pages::referrals::destinations::{DestinationPicker, Picked};
use crate::pages::referrals::{DIAGNOSIS_COLUMNS, referral_href};

/// A callback that stores typed text in `signal`.
fn set(signal: RwSignal<String>) -> Callback<String> {
    Callback::new(move |text: String| signal.set(text))
}

/// The dialog of `action` on `referral`.
#[component]
pub(super) fn ReferralActionDialog(
    action: ReferralAction,
    referral: Referral,
    open: RwSignal<Option<ReferralAction>>,
    changed: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let id = referral.id;
    let version = referral.version;
    let referral_editable = referral.editable;
    let inputs = DialogInputs::new();
    // Every problem with the body: unreadable parts first, then the shared rules.
    let problems = Memo::new(move |_| {
        let lang = lang.get();
        body_problems(inputs.body(action, lang), lang)
    });
    let form = CheckedSend::new(problems, move |transition: Transition| async move {
        api::referrals::transition(api, id, version, &transition).await
    })
    .on_success(changed);
    let shown = form.shown();
    let messages = move |path: &'static str| form.messages(path);
    let on_confirm = Callback::new(move |()| {
        form.submit(|| inputs.body(action, lang.get_untracked()).0);
    });
    let fields = match action {
        ReferralAction::Send | ReferralAction::Accept => view! {
            <TextField
                id="dialog-note"
                label=Key::Note
                value=inputs.note
                on_input=set(inputs.note)
                messages=messages("note")
                kind=InputKind::Multiline
            />
        }
        .into_any(),
        ReferralAction::Decline | ReferralAction::Cancel => view! {
            <TextField
                id="dialog-reason"
                label=Key::ReasonRequired
                value=inputs.reason
                on_input=set(inputs.reason)
                messages=messages("reason")
                kind=InputKind::Multiline
                required=true
            />
        }
        .into_any(),
        ReferralAction::Redirect => {
            view! { <RedirectFields inputs shown exclude=referral.from_facility.id /> }.into_any()
        }
        ReferralAction::Arrive => view! {
            <TextField
                id="dialog-arrived-at"
                label=Key::ArrivedAt
                value=inputs.arrived_at
                on_input=set(inputs.arrived_at)
                messages=messages("arrived_at")
                kind=InputKind::DateTime
            />
            <TextField
                id="dialog-note"
                label=Key::Note
                value=inputs.note
                on_input=set(inputs.note)
                messages=messages("note")
                kind=InputKind::Multiline
            />
        }
        .into_any(),
        ReferralAction::Complete => {
            let slip = referral.clinical.clone().unwrap_or_default();
            let to = referral.from_facility.name.clone();
            view! { <CompleteFields inputs shown slip to /> }.into_any()
        }
    };
    // Messages about this dialog's fields show next to them; the others (e.g. a slip
    // incomplete to send) show under them.
    let problem = move || {
        form.failure().map(|error| {
            let error = error.without_fields(|path| dialog_field(action, path));
            let edit = (action == ReferralAction::Send && referral_editable).then(|| {
                view! {
                    <p>
                        <A href=format!("{}/edit", referral_href(id))>{move || lang.t(Key::EditDraft)}</A>
                    </p>
                }
            });
            view! {
                <ProblemView error />
                {edit}
            }
        })
    };
    view! {
        <ActionDialog
            code=action.as_str()
            title=Signal::derive(move || action.label(lang.get()).to_string())
            pending=form.pending()
            on_confirm
            on_close=Callback::new(move |()| open.set(None))
            problem=problem
        >
            {fields}
        </ActionDialog>
    }
}

/// "Redirect": another destination, and why.
#[component]
fn RedirectFields(
    inputs: DialogInputs,
    shown: Signal<FieldMessages>,
    exclude: i64,
) -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let messages = move |path: &'static str| messages_at(shown, move || path.to_string());
    let my_facility = session.me().map(|me| me.facility.id);
    let exclude = Some(exclude);
    let chosen =
        Signal::derive(move || inputs.redirect_to.with(|to| to.as_ref().map(|(id, _)| *id)));
    let on_pick = Callback::new(move |picked: Picked| {
        inputs.redirect_to.set(Some((picked.id, picked.name)));
    });
    view! {
        <div class="field">
            <span class="field-label">
                {move || lang.t(Key::RedirectTo)} ": "
                <strong>
                    {move || {
                        inputs.redirect_to
                            .with(|to| to.as_ref().map(|(_, name)| name.clone()))
                            .unwrap_or_else(|| "—".to_string())
                    }}
                </strong>
            </span>
            <FieldErrors
                id="dialog-to-errors"
                messages=messages("to_facility_id")
            />
            <DestinationPicker
                id_prefix="redirect"
                from_facility=my_facility
                exclude
                chosen
                on_pick
            />
        </div>
        <TextField
            id="dialog-reason"
            label=Key::ReasonRequired
            value=inputs.reason
            on_input=set(inputs.reason)
            messages=messages("reason")
            kind=InputKind::Multiline
            required=true
        />
    }
}

/// "Complete": the outcome, the discharge summary and diagnoses, and the follow-ups
/// when the patient goes back.
#[component]
fn CompleteFields(
    inputs: DialogInputs,
    shown: Signal<FieldMessages>,
    /// The slip's clinical part (its diagnoses stand in when none are given at discharge).
    slip: ClinicalSummary,
    /// The referring facility, which the back-referral goes to.
    to: String,
) -> impl IntoView {
    let lang = use_lang();
    let messages = move |path: &'static str| messages_at(shown, move || path.to_string());
    let returning = move || inputs.returning();
    // Returning the patient needs at least one follow-up: offer a row.
    Effect::new(move |_| {
        if returning() && inputs.follow_ups.with_untracked(Vec::is_empty) {
            inputs.follow_ups.set(vec![Row {
                key: 1,
                values: new_follow_up(),
            }]);
        }
    });
    view! {
        <SelectField
            id="dialog-outcome"
            label=Key::Outcome
            values=Outcome::all()
            code=Outcome::as_str
            value=inputs.outcome
            on_change=set(inputs.outcome)
            messages=messages("outcome")
            required=true
        />
        <TextField
            id="dialog-summary"
            label=Key::DischargeSummary
            value=inputs.summary
            on_input=set(inputs.summary)
            messages=messages("discharge_summary")
            kind=InputKind::Multiline
            required=true
        />
        <div class="field">
            <span class="field-label">{move || lang.t(Key::DischargeDiagnoses)}</span>
            <RowsEditor
                rows=inputs.discharge
                columns=DIAGNOSIS_COLUMNS
                path="discharge_diagnoses"
                messages=shown
                add_label=Key::AddDiagnosis
            />
        </div>
        <Show when=returning>
            <TextField
                id="dialog-tests"
                label=Key::TestsSummary
                value=inputs.tests
                on_input=set(inputs.tests)
                messages=messages("tests_summary")
                kind=InputKind::Multiline
            />
            <TextField
                id="dialog-treatment"
                label=Key::TreatmentGiven
                value=inputs.treatment
                on_input=set(inputs.treatment)
                messages=messages("treatment_given")
                kind=InputKind::Multiline
            />
            <TextField
                id="dialog-condition"
                label=Key::ConditionAtDischarge
                value=inputs.condition
                on_input=set(inputs.condition)
                messages=messages("condition_at_discharge")
                kind=InputKind::Multiline
            />
            <div class="field">
                <span class="field-label">
                    {move || lang.t(Key::FollowUpPlan)}
                    <span class="required" aria-hidden="true">" *"</span>
                </span>
                <RowsEditor
                    rows=inputs.follow_ups
                    columns=FOLLOW_UP_COLUMNS
                    path="follow_ups"
                    messages=shown
                    add_label=Key::AddFollowUp
                    new_row=new_follow_up
                />
            </div>
            <BackReferralPreview inputs slip=slip.clone() to=to.clone() />
        </Show>
        {move || {
            (!returning())
                .then(|| {
                    view! {
                        <FieldErrors
                            id="dialog-follow-ups-errors"
                            messages=messages("follow_ups")
                        />
                    }
                })
        }}
    }
}

/// The back-referral as it will be sent, built by the same rule the server applies
/// ([`shared::referral::CompleteInput::back_referral_clinical`]), so the clinician
/// reviews each of its fields before confirming.
#[component]
fn BackReferralPreview(inputs: DialogInputs, slip: ClinicalSummary, to: String) -> impl IntoView {
    let lang = use_lang();
    let back = Memo::new(move |_| {
        let (transition, _) = inputs.body(ReferralAction::Complete, lang.get());
        match transition {
            Transition::Complete(completion) => completion.back_referral_clinical(&slip),
            _ => ClinicalSummary::default(),
        }
    });
    let dash = |text: String| {
        if text.trim().is_empty() {
            "—".to_string()
        } else {
            text
        }
    };
    let line = move |label: Key, id: &'static str, value: Signal<String>| {
        view! {
            <div>
                <dt>{move || lang.t(label)}</dt>
                <dd id=id class="preserve-lines">{move || dash(value.get())}</dd>
            </div>
        }
    };
    let field = move |pick: fn(&ClinicalSummary) -> String| Signal::derive(move || back.with(pick));
    view! {
        <section class="panel back-referral-preview" id="back-referral-preview" aria-live="polite">
            <h3>{move || lang.t(Key::BackReferralPreview)}</h3>
            <p class="muted">{move || lang.t(Key::BackReferralGoesTo)} " " <strong>{to}</strong></p>
            <dl class="facts facts-wide">
                {line(Key::Signs, "back-signs", field(|c| c.signs.clone()))}
                {line(Key::TestsSummary, "back-tests", field(|c| c.tests_summary.clone().unwrap_or_default()))}
                {line(
                    Key::Diagnoses,
                    "back-diagnoses",
                    field(|c| {
                        c.diagnoses
                            .iter()
                            .map(|d| format!("{} – {}", d.code, d.name))
                            .collect::<Vec<_>>()
                            .join("; ")
                    }),
                )}
                {line(Key::TreatmentGiven, "back-treatment", field(|c| c.treatment_given.clone().unwrap_or_default()))}
                {line(Key::ConditionAtTransfer, "back-condition", field(|c| c.condition_at_transfer.clone()))}
                {line(
                    Key::TreatmentDirection,
                    "back-direction",
                    field(|c| c.treatment_direction.clone().unwrap_or_default()),
                )}
            </dl>
        </section>
    }
}
