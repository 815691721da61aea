//! The slip form: its state, the checks on every keystroke, saving and sending.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Utc;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use shared::referral::{Direction, Referral, ReferralInput, TransitionNote};
use shared::registry::TechnicalLevel;
use shared::time::vietnam_date;
use shared::validation::field_messages;

use super::binder::{Binder, FORM_ORDER, Intent, SaveFailure, focus_field, shown_inline};
use super::sections::{
    ClinicalSection, DestinationSection, PatientSection, ReasonSection, SignatureSection,
    TransportSection,
};
use super::slip::{LocalDraft, SlipForm, from_referral, to_input};
use crate::api::referrals::Transition;
use crate::api::{self, ApiError, IdempotencyKeys, use_api};
use crate::components::ProblemView;
use crate::components::form::rows_from;
use crate::components::form::{FieldMessages, first_in_order};
use crate::contexts::storage;
use crate::contexts::{use_lang, use_session};
use crate::i18n::{Key, format_date, missing_to_send, t};
use crate::pages::referrals::destinations::Picked;
use crate::pages::referrals::{BASE, referral_href};

/// The slip form, empty or filled from a draft.
#[component]
pub(super) fn SlipFormView(initial: Option<Referral>) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let session = use_session();
    let navigate = use_navigate();

    let editing = initial.as_ref().map(|referral| referral.id);
    let (form, diagnoses, prior) = match &initial {
        Some(referral) => from_referral(referral),
        None => (SlipForm::default(), Vec::new(), Vec::new()),
    };
    // A new slip typed earlier on this device and never saved comes back.
    let draft_key = (initial.is_none())
        .then(|| session.me().map(|me| LocalDraft::key(me.id)))
        .flatten();
    let restored = draft_key
        .as_deref()
        .and_then(storage::read_json::<LocalDraft>)
        .filter(|draft| !draft.is_blank());
    let (form, diagnoses, prior) = match &restored {
        Some(draft) => (
            draft.form.clone(),
            rows_from(draft.diagnoses.clone()),
            rows_from(draft.prior.clone()),
        ),
        None => (form, diagnoses, prior),
    };
    let restored_notice = RwSignal::new(restored.is_some());
    let form = RwSignal::new(form);
    let diagnoses = RwSignal::new(diagnoses);
    let prior = RwSignal::new(prior);
    // Saved as the user types; forgotten once the server has the slip.
    let unsaved = RwSignal::new(false);
    if let Some(key) = draft_key.clone() {
        let key = StoredValue::new(key);
        Effect::new(move |first: Option<()>| {
            let draft = LocalDraft {
                form: form.get(),
                diagnoses: diagnoses.with(|rows| rows.iter().map(|r| r.values.clone()).collect()),
                prior: prior.with(|rows| rows.iter().map(|r| r.values.clone()).collect()),
            };
            if first.is_none() {
                return;
            }
            if draft.is_blank() {
                key.with_value(|key| storage::remove(key));
                unsaved.set(false);
            } else {
                key.with_value(|key| storage::write_json(key, &draft));
                unsaved.set(true);
            }
        });
        // Leaving the page with a half-filled slip asks first, once the person has typed
        // on this visit: a slip only pre-filled (the signer) or restored from its saved
        // copy loses nothing, and the browser refuses to ask without a gesture anyway.
        let typed = RwSignal::new(false);
        let typing = window_event_listener(leptos::ev::input, move |_| typed.set(true));
        let guard = window_event_listener(leptos::ev::beforeunload, move |event| {
            if unsaved.get_untracked() && typed.get_untracked() {
                event.prevent_default();
                event.set_return_value("");
            }
        });
        on_cleanup(move || {
            guard.remove();
            typing.remove();
        });
    }
    let discard_key = StoredValue::new(draft_key.clone());
    let discard_draft = move |_| {
        discard_key.with_value(|key| {
            if let Some(key) = key {
                storage::remove(key);
            }
        });
        form.set(SlipForm::default());
        diagnoses.set(Vec::new());
        prior.set(Vec::new());
        restored_notice.set(false);
        unsaved.set(false);
    };
    // The saved draft (id, version) once there is one: later saves replace it.
    let saved = RwSignal::new(
        initial
            .as_ref()
            .map(|referral| (referral.id, referral.version)),
    );
    let slip_number = initial
        .as_ref()
        .map(|referral| referral.slip_number.clone());
    let direction_chosen = RwSignal::new(initial.is_some());

    let my_facility = move || session.me().map(|me| me.facility.id).unwrap_or_default();
    let my_level = LocalResource::new(move || {
        let id = my_facility();
        async move {
            api::registry::facility(api, id)
                .await
                .ok()
                .and_then(|facility| facility.level)
        }
    });
    let rules = LocalResource::new(move || api::referrals::rules(api));
    // A new slip is signed by the signed-in member of staff unless they change it.
    let signer_prefilled = RwSignal::new(false);
    if initial.is_none() {
        Effect::new(move |done: Option<bool>| {
            if done == Some(true) {
                return true;
            }
            let Some(staff_id) = session.me().and_then(|me| me.staff_id) else {
                return false;
            };
            leptos::task::spawn_local(async move {
                let Ok(staff) = api::registry::staff_member(api, staff_id).await else {
                    return;
                };
                form.update(|form| {
                    if form.signer_name.trim().is_empty() {
                        form.signer_name = staff.full_name.clone();
                        form.signer_title = staff.title.clone().unwrap_or_default();
                        signer_prefilled.set(true);
                    }
                });
            });
            true
        });
    }

    let input = Memo::new(move |_| {
        let form = form.get();
        diagnoses.with(|diagnoses| prior.with(|prior| to_input(&form, diagnoses, prior)))
    });
    let intent = RwSignal::new(None::<Intent>);
    let touched = RwSignal::new(BTreeSet::<String>::new());
    let server = RwSignal::new(FieldMessages::new());

    // Everything wrong with the slip for the current intent, in the current language.
    let problems = move |send: bool| -> FieldMessages {
        let lang = lang.get();
        let from = my_facility();
        input.with(|(input, unreadable)| {
            let checked = if send {
                input.validate_send(from)
            } else {
                input.validate_draft(from)
            };
            let mut messages = checked
                .err()
                .map(|errors| field_messages(&errors, lang))
                .unwrap_or_default();
            for (path, problem) in unreadable {
                // "Choose a destination" says it better than "must be at least 1".
                messages.insert(path.clone(), vec![t(lang, problem.key()).to_string()]);
            }
            messages
        })
    };
    let missing = Memo::new(move |_| problems(true).len());
    let shown = Memo::new(move |_| {
        let current = intent.get();
        let all = problems(current == Some(Intent::Send));
        let mut shown: FieldMessages = touched.with(|touched| {
            all.into_iter()
                .filter(|(path, _)| current.is_some() || touched.contains(path))
                .collect()
        });
        server.with(|server| {
            for (path, messages) in server {
                let entry = shown.entry(path.clone()).or_default();
                for message in messages {
                    if !entry.contains(message) {
                        entry.push(message.clone());
                    }
                }
            }
        });
        shown
    });
    let b = Binder {
        form,
        touched,
        server,
        shown,
    };
    let on_row_edit = Callback::new(move |path: String| b.edited(&path));

    // One key per body: a retry of the same slip after a lost answer finds the draft the
    // first attempt created; a changed slip is a new request.
    let idempotency = IdempotencyKeys::<ReferralInput>::new();
    let forget_key = draft_key.clone();
    let save = Action::new_local(move |wanted: &Intent| {
        let wanted = *wanted;
        let forget = forget_key.clone();
        let body = input.get_untracked().0;
        async move {
            let failed = |saved: bool| move |error: ApiError| SaveFailure { error, saved };
            let referral = match saved.get_untracked() {
                Some((id, version)) => api::referrals::update(api, id, version, &body)
                    .await
                    .map_err(failed(false))?,
                None => {
                    let key = idempotency.for_body(&body);
                    api::referrals::create(api, &body, &key)
                        .await
                        .map_err(failed(false))?
                }
            };
            saved.set(Some((referral.id, referral.version)));
            // The server has it now: the copy on this device goes.
            unsaved.set(false);
            if let Some(key) = &forget {
                storage::remove(key);
            }
            if wanted == Intent::Draft {
                return Ok(referral);
            }
            let send = Transition::Send(TransitionNote::default());
            api::referrals::transition(api, referral.id, referral.version, &send)
                .await
                .map_err(failed(true))
        }
    });
    let pending = save.pending();
    let failure = Signal::derive(move || save.value().get().and_then(Result::err));

    Effect::new(move |_| match save.value().get() {
        Some(Ok(referral)) => {
            // After a send the detail page confirms it with the slip number.
            let href = if referral.status == shared::referral::ReferralStatus::Draft {
                referral_href(referral.id)
            } else {
                format!("{}?sent=1", referral_href(referral.id))
            };
            navigate(&href, Default::default())
        }
        Some(Err(failure)) => server.set(
            failure
                .error
                .problem()
                .and_then(|problem| problem.errors.clone())
                .unwrap_or_default(),
        ),
        None => {}
    });

    let submit = move |wanted: Intent| {
        intent.set(Some(wanted));
        server.set(BTreeMap::new());
        let blocking = problems(wanted == Intent::Send);
        if let Some(first) = first_in_order(FORM_ORDER, &blocking) {
            focus_field(first);
            return;
        }
        save.dispatch_local(wanted);
    };
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        submit(Intent::Send);
    };

    let on_pick = Callback::new(move |picked: Picked| {
        let level: Option<TechnicalLevel> = picked.level;
        form.update(|form| {
            form.to = Some((picked.id, picked.name.clone()));
            form.specialty = picked.specialty.clone().unwrap_or_default();
        });
        b.edited("to_facility_id");
        b.touch("to_facility_id");
        if !direction_chosen.get_untracked()
            && let Some(direction) = Direction::between(my_level.get_untracked().flatten(), level)
        {
            form.update(|form| form.direction = direction.as_str().to_string());
        }
    });

    // The validity the slip would have if sent today, from the configured rules.
    let validity = move || {
        let rules = rules.get()?.ok()?.rules;
        let today = vietnam_date(Utc::now());
        let diagnoses = input.with(|(input, _)| input.clinical.diagnoses.clone());
        let until = rules.valid_until(today, &diagnoses);
        let long = rules.long_validity(&diagnoses);
        let lang = lang.get();
        Some(view! {
            <p class="validity-preview" role="status">
                {t(lang, Key::ValidityIfSentToday)}
                " "
                <strong>{format_date(lang, until)}</strong>
                {long.then(|| format!(" ({})", t(lang, Key::LongValidity)))}
            </p>
        })
    };

    let title = move || {
        if editing.is_some() {
            lang.t(Key::EditDraftTitle)
        } else {
            lang.t(Key::NewReferralTitle)
        }
    };
    let back = editing.map_or_else(|| BASE.to_string(), referral_href);

    view! {
        <section class="page referral-form">
            <p class="breadcrumb">
                <A href=back>
                    {move || {
                        if editing.is_some() {
                            lang.t(Key::BackToReferral)
                        } else {
                            lang.t(Key::BackToReferrals)
                        }
                    }}
                </A>
            </p>
            <header class="page-header">
                <h1>{title}</h1>
                {slip_number
                    .map(|number| {
                        view! {
                            <p class="slip-number-line">
                                {move || lang.t(Key::SlipNumber)} ": " <code>{number}</code>
                            </p>
                        }
                    })}
                <p class="muted">{move || lang.t(Key::FormIntro)}</p>
            </header>
            {move || {
                restored_notice
                    .get()
                    .then(|| {
                        view! {
                            <div class="alert alert-info" role="status" id="draft-restored">
                                {lang.t(Key::DraftRestored)} " "
                                <button type="button" class="button secondary" on:click=discard_draft>
                                    {lang.t(Key::DiscardDraft)}
                                </button>
                            </div>
                        }
                    })
            }}
            <form class="slip-form" on:submit=on_submit novalidate=true>
                <DestinationSection b on_pick />
                <PatientSection b prior on_row_edit />
                <ReasonSection b direction_chosen />
                <ClinicalSection b diagnoses on_row_edit />
                <TransportSection b />
                <SignatureSection b>
                    {move || {
                        signer_prefilled
                            .get()
                            .then(|| {
                                view! {
                                    <p class="field-hint" id="signer-prefilled">
                                        {lang.t(Key::SignerFromStaff)}
                                    </p>
                                }
                            })
                    }}
                    {validity}
                </SignatureSection>
                <SaveBar failure missing pending submit=Callback::new(submit) />
            </form>
        </section>
    }
}

/// What went wrong with the last save, how far the slip is from sendable, and the
/// two buttons.
#[component]
fn SaveBar(
    failure: Signal<Option<SaveFailure>>,
    missing: Memo<usize>,
    pending: Memo<bool>,
    submit: Callback<Intent>,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        {move || {
            failure.get()
                .map(|failure| {
                    let saved_first = failure.saved;
                    let error = failure.error.without_fields(shown_inline);
                    view! {
                        {saved_first
                            .then(|| {
                                view! {
                                    <div class="alert alert-info" role="status">
                                        {move || lang.t(Key::SavedNotSent)}
                                    </div>
                                }
                            })}
                        <ProblemView error />
                    }
                })
        }}
        <div class="form-actions">
            <p class="readiness" role="status">
                {move || match missing.get() {
                    0 => lang.t(Key::ReadyToSend).to_string(),
                    count => missing_to_send(lang.get(), count),
                }}
            </p>
            <button
                type="button"
                id="save-draft"
                class="button secondary"
                disabled=move || pending.get()
                on:click=move |_| submit.run(Intent::Draft)
            >
                {move || lang.t(Key::SaveDraft)}
            </button>
            <button
                type="submit"
                id="save-send"
                class="button primary"
                disabled=move || pending.get()
            >
                {move || {
                    if pending.get() { lang.t(Key::Saving) } else { lang.t(Key::SaveAndSend) }
                }}
            </button>
        </div>
    }
}
