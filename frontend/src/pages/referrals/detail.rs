//! `/referrals/:id`: one referral — its header, the patient and the clinical summary
//! (for the two facilities concerned), the outcome and follow-ups, the linked
//! referrals, the timeline, and the buttons of `allowed_actions`, each with a small
//! dialog asking for what its endpoint needs.

use chrono::{NaiveDateTime, TimeDelta, Utc};
use leptos::prelude::*;
use leptos_router::components::A;
use shared::Labelled;
use shared::referral::{
    ArriveInput, CancelInput, CompleteInput, DeclineInput, Diagnosis, FollowUp, FollowUpInput,
    Outcome, RedirectInput, Referral, ReferralAction, ReferralEvent, ReferralLink, TransitionNote,
};
use shared::time::{from_vietnam, to_vietnam, vietnam_date};
use shared::validation::field_messages;
use validator::{Validate, ValidationErrors};

use super::destinations::{DestinationPicker, Picked};
use super::fields::{Column, FieldMessages, InputKind, Row, RowsEditor, TextField, messages_at};
use super::{
    BASE, Fact, FlagBadges, InvalidReferralId, StatusBadge, UrgencyBadge, referral_href,
    use_referral_id,
};
use crate::api::referrals::Transition;
use crate::api::{self, ApiError, use_api};
use crate::components::{Loading, ProblemView, loaded};
use crate::contexts::{use_lang, use_session};
use crate::i18n::{Key, format_date, format_datetime, t};

/// `/referrals/:id`.
#[component]
pub fn ReferralDetailPage() -> impl IntoView {
    let id = use_referral_id();
    move || match id.get() {
        Some(id) => view! { <ReferralDetail id /> }.into_any(),
        None => view! { <InvalidReferralId /> }.into_any(),
    }
}

#[component]
fn ReferralDetail(id: i64) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let referral = LocalResource::new(move || api::referrals::get(api, id));
    let events = LocalResource::new(move || api::referrals::events(api, id));
    let open = RwSignal::new(None::<ReferralAction>);
    let changed = Callback::new(move |()| {
        open.set(None);
        referral.refetch();
        events.refetch();
    });

    view! {
        <section class="page referral-detail">
            <p class="breadcrumb">
                <A href=BASE>{move || lang.t(Key::BackToReferrals)}</A>
            </p>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    loaded(
                        referral.await,
                        move |referral| {
                            view! {
                                <ReferralHeader referral=referral.clone() />
                                <ActionBar referral=referral.clone() open changed />
                                <ReferralBody referral />
                            }
                        },
                    )
                })}
            </Transition>
            <h2>{move || lang.t(Key::Timeline)}</h2>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    loaded(events.await, |events| view! { <Timeline events /> })
                })}
            </Transition>
        </section>
    }
}

/// Slip number, status and flags, the two facilities, the slip's validity.
#[component]
fn ReferralHeader(referral: Referral) -> impl IntoView {
    let lang = use_lang();
    let id = referral.id;
    let direction = referral.direction;
    let valid_until = referral.valid_until;
    let long_validity = referral.long_validity;
    let answer_due = referral.answer_due.filter(|_| referral.sent_at.is_some());
    let editable = referral.editable;
    view! {
        <header class="page-header referral-header">
            <div class="referral-title">
                <h1>
                    {move || lang.t(Key::SlipNumber)} " " <code id="slip-number">{referral.slip_number.clone()}</code>
                </h1>
                <p class="badges">
                    <StatusBadge status=referral.status />
                    <UrgencyBadge urgency=referral.urgency />
                    <FlagBadges overdue=referral.overdue expired=referral.expired />
                </p>
                <p class="route">
                    <span class="route-from">{referral.from_facility.name.clone()}</span>
                    <span class="route-arrow" aria-hidden="true">" → "</span>
                    <span class="route-to">{referral.to_facility.name.clone()}</span>
                    <span class="muted">" · " {move || direction.label(lang.get())}</span>
                </p>
                <p class="muted small">
                    {move || {
                        let lang = lang.get();
                        valid_until
                            .map(|until| {
                                let mut text = format!(
                                    "{}: {}",
                                    t(lang, Key::ValidUntilLabel),
                                    format_date(lang, until),
                                );
                                if long_validity {
                                    text.push_str(&format!(" ({})", t(lang, Key::LongValidity)));
                                }
                                text
                            })
                    }}
                    {move || {
                        answer_due
                            .map(|due| {
                                let lang = lang.get();
                                format!(" · {}: {}", t(lang, Key::AnswerDue), format_datetime(lang, due))
                            })
                    }}
                </p>
            </div>
            <div class="header-links">
                {editable
                    .then(|| {
                        view! {
                            <A href=format!("{}/edit", referral_href(id)) attr:class="button secondary" attr:id="edit-draft">
                                {move || lang.t(Key::EditDraft)}
                            </A>
                        }
                    })}
                <A href=format!("{}/print", referral_href(id)) attr:class="button secondary" attr:id="print-view">
                    {move || lang.t(Key::PrintView)}
                </A>
            </div>
        </header>
    }
}

/// The buttons of `allowed_actions`, and the dialog of the one pressed.
#[component]
fn ActionBar(
    referral: Referral,
    open: RwSignal<Option<ReferralAction>>,
    changed: Callback<()>,
) -> impl IntoView {
    let lang = use_lang();
    let actions = referral.allowed_actions.clone();
    if actions.is_empty() {
        return view! {
            <div class="actions-bar">
                <p class="muted" id="no-actions">{move || lang.t(Key::NoActions)}</p>
            </div>
        }
        .into_any();
    }
    let buttons = actions
        .iter()
        .map(|action| {
            let action = *action;
            let class = match action {
                ReferralAction::Decline | ReferralAction::Cancel => "button danger",
                ReferralAction::Redirect => "button secondary",
                _ => "button primary",
            };
            view! {
                <button
                    type="button"
                    class=class
                    id=format!("action-{}", action.as_str())
                    data-action=action.as_str()
                    aria-expanded=move || (open.get() == Some(action)).to_string()
                    on:click=move |_| {
                        open.update(|open| {
                            *open = if *open == Some(action) { None } else { Some(action) }
                        })
                    }
                >
                    {move || action.label(lang.get())}
                </button>
            }
        })
        .collect_view();
    let dialog = move || {
        open.get()
            .filter(|action| actions.contains(action))
            .map(|action| {
                view! { <ActionDialog action referral=referral.clone() open changed /> }
            })
    };
    view! {
        <div class="actions-bar" role="group" aria-label=move || lang.t(Key::Actions)>
            {buttons}
        </div>
        {dialog}
    }
    .into_any()
}

/// Messages of a body's own `Validate` rules, by field.
fn rule_messages(result: Result<(), ValidationErrors>, lang: shared::Lang) -> FieldMessages {
    result
        .err()
        .map(|errors| field_messages(&errors, lang))
        .unwrap_or_default()
}

/// Columns of the follow-ups set at completion.
const FOLLOW_UP_COLUMNS: &[Column] = &[
    Column {
        label: Key::DueOn,
        field: "due_on",
        kind: InputKind::Date,
        upper: false,
    },
    Column {
        label: Key::Instructions,
        field: "instructions",
        kind: InputKind::Multiline,
        upper: false,
    },
];

/// Columns of the diagnoses at discharge.
const DISCHARGE_COLUMNS: &[Column] = &[
    Column {
        label: Key::DiagnosisCode,
        field: "code",
        kind: InputKind::Text,
        upper: true,
    },
    Column {
        label: Key::DiagnosisName,
        field: "name",
        kind: InputKind::Text,
        upper: false,
    },
];

/// A follow-up row due two weeks from today.
fn new_follow_up() -> Vec<String> {
    let due = vietnam_date(Utc::now()) + TimeDelta::days(14);
    vec![due.to_string(), String::new()]
}

/// A `datetime-local` value read as Vietnam's wall-clock time.
fn parse_vn_datetime(value: &str) -> Option<chrono::DateTime<Utc>> {
    let local = NaiveDateTime::parse_from_str(value.trim(), "%Y-%m-%dT%H:%M").ok()?;
    Some(from_vietnam(local))
}

/// Whether the dialog of `action` shows the messages of field `path` next to an input.
fn dialog_field(action: ReferralAction, path: &str) -> bool {
    let fields: &[&str] = match action {
        ReferralAction::Send | ReferralAction::Accept => &["note"],
        ReferralAction::Decline | ReferralAction::Cancel => &["reason"],
        ReferralAction::Redirect => &["to_facility_id", "reason"],
        ReferralAction::Arrive => &["arrived_at", "note"],
        ReferralAction::Complete => &[
            "outcome",
            "discharge_summary",
            "discharge_diagnoses",
            "follow_ups",
        ],
    };
    fields.iter().any(|field| {
        path.strip_prefix(field)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
    })
}

/// The dialog of one action: what its endpoint needs, checked with its shared rules.
#[component]
fn ActionDialog(
    action: ReferralAction,
    referral: Referral,
    open: RwSignal<Option<ReferralAction>>,
    changed: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let session = use_session();
    let id = referral.id;
    let version = referral.version;
    let referral_editable = referral.editable;

    let note = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let arrived_at = RwSignal::new(String::new());
    let redirect_to = RwSignal::new(None::<(i64, String)>);
    let outcome = RwSignal::new(String::new());
    let summary = RwSignal::new(String::new());
    let discharge = RwSignal::new(Vec::<Row>::new());
    let follow_ups = RwSignal::new(Vec::<Row>::new());
    let tried = RwSignal::new(false);

    // The body this dialog describes, and what in it cannot even be read.
    let body = move || -> (Transition, FieldMessages) {
        let lang = lang.get();
        let optional = |text: String| Some(text.trim().to_string()).filter(|t| !t.is_empty());
        let mut unreadable = FieldMessages::new();
        let transition = match action {
            ReferralAction::Send => Transition::Send(TransitionNote {
                note: optional(note.get()),
            }),
            ReferralAction::Accept => Transition::Accept(TransitionNote {
                note: optional(note.get()),
            }),
            ReferralAction::Decline => Transition::Decline(DeclineInput {
                reason: reason.get().trim().to_string(),
            }),
            ReferralAction::Cancel => Transition::Cancel(CancelInput {
                reason: reason.get().trim().to_string(),
            }),
            ReferralAction::Redirect => {
                if redirect_to.with(Option::is_none) {
                    unreadable.insert(
                        "to_facility_id".into(),
                        vec![t(lang, Key::DestinationRequired).into()],
                    );
                }
                Transition::Redirect(RedirectInput {
                    to_facility_id: redirect_to.with(|to| to.as_ref().map_or(0, |(id, _)| *id)),
                    reason: reason.get().trim().to_string(),
                })
            }
            ReferralAction::Arrive => {
                let text = arrived_at.get();
                let at = parse_vn_datetime(&text);
                if !text.trim().is_empty() && at.is_none() {
                    unreadable.insert("arrived_at".into(), vec![t(lang, Key::DateRequired).into()]);
                }
                Transition::Arrive(ArriveInput {
                    arrived_at: at,
                    note: optional(note.get()),
                })
            }
            ReferralAction::Complete => {
                let outcome = match outcome.get().parse::<Outcome>() {
                    Ok(outcome) => outcome,
                    Err(_) => {
                        unreadable
                            .insert("outcome".into(), vec![t(lang, Key::ChoiceRequired).into()]);
                        Outcome::Discharged
                    }
                };
                let follow_ups = if outcome.creates_back_referral() {
                    follow_ups.with(|rows| {
                        rows.iter()
                            .enumerate()
                            .map(|(index, row)| {
                                let due = row.value(0).parse().ok();
                                if due.is_none() {
                                    unreadable.insert(
                                        format!("follow_ups[{index}].due_on"),
                                        vec![t(lang, Key::DateRequired).into()],
                                    );
                                }
                                FollowUpInput {
                                    due_on: due.unwrap_or_default(),
                                    instructions: row.value(1).trim().to_string(),
                                }
                            })
                            .collect()
                    })
                } else {
                    Vec::new()
                };
                Transition::Complete(CompleteInput {
                    outcome,
                    discharge_summary: summary.get().trim().to_string(),
                    discharge_diagnoses: discharge.with(|rows| {
                        rows.iter()
                            .map(|row| Diagnosis {
                                code: row.value(0).trim().to_uppercase(),
                                name: row.value(1).trim().to_string(),
                            })
                            .collect()
                    }),
                    follow_ups,
                })
            }
        };
        (transition, unreadable)
    };
    // Every problem with the body: unreadable parts first, then the shared rules.
    let problems = Memo::new(move |_| {
        let (transition, unreadable) = body();
        let lang = lang.get();
        let mut messages = match &transition {
            Transition::Send(body) | Transition::Accept(body) => {
                rule_messages(body.validate(), lang)
            }
            Transition::Decline(body) => rule_messages(body.validate(), lang),
            Transition::Redirect(body) => rule_messages(body.validate(), lang),
            Transition::Arrive(body) => rule_messages(body.validate(), lang),
            Transition::Complete(body) => rule_messages(body.validate(), lang),
            Transition::Cancel(body) => rule_messages(body.validate(), lang),
        };
        for (path, list) in unreadable {
            messages.insert(path, list);
        }
        messages
    });

    let run = Action::new_local(move |transition: &Transition| {
        let transition = transition.clone();
        async move { api::referrals::transition(api, id, version, &transition).await }
    });
    let pending = run.pending();
    let failure = move || run.value().get().and_then(Result::err);
    Effect::new(move |_| {
        if let Some(Ok(_)) = run.value().get() {
            changed.run(());
        }
    });
    // Local problems once a confirm was tried, and the server's field messages.
    let shown = Signal::derive(move || {
        let mut shown = if tried.get() {
            problems.get()
        } else {
            FieldMessages::new()
        };
        if let Some(errors) = failure()
            .as_ref()
            .and_then(ApiError::problem)
            .and_then(|problem| problem.errors.clone())
        {
            for (path, list) in errors {
                shown.entry(path).or_default().extend(list);
            }
        }
        shown
    });
    let messages = move |path: &'static str| messages_at(shown, move || path.to_string());

    let confirm = move |_| {
        tried.set(true);
        if problems.with_untracked(|problems| problems.is_empty()) {
            run.dispatch_local(body().0);
        }
    };
    let set = |signal: RwSignal<String>| Callback::new(move |text: String| signal.set(text));

    let my_facility = session.me().map(|me| me.facility.id);
    let fields = match action {
        ReferralAction::Send | ReferralAction::Accept => view! {
            <TextField
                id="dialog-note"
                label=Key::Note
                value=note
                on_input=set(note)
                messages=messages("note")
                kind=InputKind::Multiline
            />
        }
        .into_any(),
        ReferralAction::Decline | ReferralAction::Cancel => view! {
            <TextField
                id="dialog-reason"
                label=Key::ReasonRequired
                value=reason
                on_input=set(reason)
                messages=messages("reason")
                kind=InputKind::Multiline
                required=true
            />
        }
        .into_any(),
        ReferralAction::Redirect => {
            let chosen =
                Signal::derive(move || redirect_to.with(|to| to.as_ref().map(|(id, _)| *id)));
            let on_pick = Callback::new(move |picked: Picked| {
                redirect_to.set(Some((picked.id, picked.name)));
            });
            let exclude = Some(referral.from_facility.id);
            view! {
                <div class="field">
                    <span class="field-label">
                        {move || lang.t(Key::RedirectTo)} ": "
                        <strong>
                            {move || {
                                redirect_to
                                    .with(|to| to.as_ref().map(|(_, name)| name.clone()))
                                    .unwrap_or_else(|| "—".to_string())
                            }}
                        </strong>
                    </span>
                    <crate::components::FieldErrors
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
                    value=reason
                    on_input=set(reason)
                    messages=messages("reason")
                    kind=InputKind::Multiline
                    required=true
                />
            }
            .into_any()
        }
        ReferralAction::Arrive => view! {
            <TextField
                id="dialog-arrived-at"
                label=Key::ArrivedAt
                value=arrived_at
                on_input=set(arrived_at)
                messages=messages("arrived_at")
                kind=InputKind::DateTime
            />
            <TextField
                id="dialog-note"
                label=Key::Note
                value=note
                on_input=set(note)
                messages=messages("note")
                kind=InputKind::Multiline
            />
        }
        .into_any(),
        ReferralAction::Complete => {
            let returning = move || {
                outcome
                    .get()
                    .parse::<Outcome>()
                    .is_ok_and(Outcome::creates_back_referral)
            };
            // Returning the patient needs at least one follow-up: offer a row.
            Effect::new(move |_| {
                if returning() && follow_ups.with_untracked(Vec::is_empty) {
                    follow_ups.set(vec![Row {
                        key: 1,
                        values: new_follow_up(),
                    }]);
                }
            });
            let outcome_messages = messages("outcome");
            view! {
                <div class="field">
                    <label for="dialog-outcome">
                        {move || lang.t(Key::Outcome)}
                        <span class="required" aria-hidden="true">" *"</span>
                    </label>
                    <select
                        id="dialog-outcome"
                        aria-describedby="dialog-outcome-errors"
                        on:change=move |event| outcome.set(event_target_value(&event))
                    >
                        <option value="" prop:selected=move || outcome.with(String::is_empty)>
                            {move || lang.t(Key::ChooseOne)}
                        </option>
                        {Outcome::all()
                            .iter()
                            .map(|value| {
                                let value = *value;
                                let code = value.as_str();
                                view! {
                                    <option
                                        value=code
                                        prop:selected=move || outcome.with(|o| o == code)
                                    >
                                        {move || value.label(lang.get())}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                    <crate::components::FieldErrors
                        id="dialog-outcome-errors"
                        messages=outcome_messages
                    />
                </div>
                <TextField
                    id="dialog-summary"
                    label=Key::DischargeSummary
                    value=summary
                    on_input=set(summary)
                    messages=messages("discharge_summary")
                    kind=InputKind::Multiline
                    required=true
                />
                <div class="field">
                    <span class="field-label">{move || lang.t(Key::DischargeDiagnoses)}</span>
                    <RowsEditor
                        rows=discharge
                        columns=DISCHARGE_COLUMNS
                        path="discharge_diagnoses"
                        messages=shown
                        add_label=Key::AddDiagnosis
                    />
                </div>
                <Show when=returning>
                    <div class="field">
                        <span class="field-label">
                            {move || lang.t(Key::FollowUpPlan)}
                            <span class="required" aria-hidden="true">" *"</span>
                        </span>
                        <RowsEditor
                            rows=follow_ups
                            columns=FOLLOW_UP_COLUMNS
                            path="follow_ups"
                            messages=shown
                            add_label=Key::AddFollowUp
                            new_row=new_follow_up
                        />
                    </div>
                </Show>
                {move || {
                    (!returning())
                        .then(|| {
                            view! {
                                <crate::components::FieldErrors
                                    id="dialog-follow-ups-errors"
                                    messages=messages("follow_ups")
                                />
                            }
                        })
                }}
            }
            .into_any()
        }
    };

    view! {
        <div
            class="dialog"
            role="dialog"
            aria-labelledby="dialog-title"
            id=format!("dialog-{}", action.as_str())
        >
            <h2 id="dialog-title">{move || action.label(lang.get())}</h2>
            {fields}
            {move || {
                failure()
                    .map(|error| {
                        // Messages about this dialog's fields show next to them; the
                        // others (e.g. a slip incomplete to send) show here.
                        let error = match error {
                            ApiError::Problem(mut problem) => {
                                if let Some(errors) = problem.errors.as_mut() {
                                    errors.retain(|path, _| !dialog_field(action, path));
                                }
                                ApiError::Problem(problem)
                            }
                            other => other,
                        };
                        let edit = (action == ReferralAction::Send && referral_editable)
                            .then(|| {
                                view! {
                                    <p>
                                        <A href=format!(
                                            "{}/edit",
                                            referral_href(id),
                                        )>{move || lang.t(Key::EditDraft)}</A>
                                    </p>
                                }
                            });
                        view! {
                            <ProblemView error />
                            {edit}
                        }
                    })
            }}
            <div class="dialog-actions">
                <button
                    type="button"
                    class="button primary"
                    id=format!("confirm-{}", action.as_str())
                    disabled=move || pending.get()
                    on:click=confirm
                >
                    {move || lang.t(Key::Confirm)}
                </button>
                <button type="button" class="button secondary" on:click=move |_| open.set(None)>
                    {move || lang.t(Key::Close)}
                </button>
            </div>
        </div>
    }
}

/// Patient, clinical summary, transport, signatures, outcome, links and follow-ups.
#[component]
fn ReferralBody(referral: Referral) -> impl IntoView {
    let lang = use_lang();
    let patient = referral.patient.clone().map(|patient| {
        let sex = patient.sex;
        let today = vietnam_date(Utc::now());
        let age = patient.age_on(today);
        let born = match (patient.birth_date, patient.birth_year) {
            (Some(date), _) => Some(date.to_string()),
            (None, Some(year)) => Some(year.to_string()),
            _ => None,
        };
        let birth_date = patient.birth_date;
        let insurance = patient.insurance_number.clone().map(|number| {
            let expiry = patient.insurance_expiry;
            (number, expiry)
        });
        view! {
            <section class="panel">
                <h2>{move || lang.t(Key::Patient)}</h2>
                <dl class="facts" id="patient-facts">
                    <Fact label=Key::FullName value=patient.full_name.clone() />
                    <div>
                        <dt>{move || lang.t(Key::Sex)}</dt>
                        <dd>{move || sex.label(lang.get())}</dd>
                    </div>
                    <div>
                        <dt>{move || lang.t(Key::BirthDate)}</dt>
                        <dd>
                            {move || {
                                let lang = lang.get();
                                let born = match birth_date {
                                    Some(date) => Some(format_date(lang, date)),
                                    None => born.clone(),
                                };
                                match (born, age) {
                                    (Some(born), Some(age)) => {
                                        format!("{born} ({age} {})", t(lang, Key::Age))
                                    }
                                    (Some(born), None) => born,
                                    _ => "—".to_string(),
                                }
                            }}
                        </dd>
                    </div>
                    <Fact label=Key::CitizenId value=patient.citizen_id.clone().unwrap_or_default() />
                    <div>
                        <dt>{move || lang.t(Key::InsuranceNumber)}</dt>
                        <dd>
                            {move || match &insurance {
                                Some((number, Some(expiry))) => {
                                    let lang = lang.get();
                                    format!(
                                        "{number} ({} {})",
                                        t(lang, Key::ValidUntil),
                                        format_date(lang, *expiry),
                                    )
                                }
                                Some((number, None)) => number.clone(),
                                None => "—".to_string(),
                            }}
                        </dd>
                    </div>
                    <Fact label=Key::Address value=patient.address.clone().unwrap_or_default() />
                    <Fact label=Key::Ethnicity value=patient.ethnicity.clone().unwrap_or_default() />
                    <Fact label=Key::Nationality value=patient.nationality.clone() />
                    <Fact label=Key::Occupation value=patient.occupation.clone().unwrap_or_default() />
                    <Fact label=Key::Workplace value=patient.workplace.clone().unwrap_or_default() />
                    <Fact
                        label=Key::ContactPhone
                        value=patient.contact_phone.clone().unwrap_or_default()
                    />
                </dl>
            </section>
        }
    });
    let hidden = referral.patient.is_none().then(|| {
        view! {
            <div class="notice" role="status" id="patient-hidden">
                <p>
                    {move || lang.t(Key::PatientHidden)} " (" {referral.patient_initials.clone()}
                    ")"
                </p>
            </div>
        }
    });
    let clinical = referral.clinical.clone().map(|clinical| {
        let diagnoses = clinical.diagnoses.clone();
        let prior = clinical.previously_treated_at.clone();
        view! {
            <section class="panel">
                <h2>{move || lang.t(Key::SectionClinical)}</h2>
                <dl class="facts facts-wide">
                    <Fact label=Key::Signs value=clinical.signs.clone() />
                    <Fact label=Key::TestsSummary value=clinical.tests_summary.clone().unwrap_or_default() />
                    <div>
                        <dt>{move || lang.t(Key::Diagnoses)}</dt>
                        <dd>
                            <DiagnosisList diagnoses />
                        </dd>
                    </div>
                    <Fact
                        label=Key::TreatmentGiven
                        value=clinical.treatment_given.clone().unwrap_or_default()
                    />
                    <Fact label=Key::ConditionAtTransfer value=clinical.condition_at_transfer.clone() />
                    <Fact
                        label=Key::TreatmentDirection
                        value=clinical.treatment_direction.clone().unwrap_or_default()
                    />
                    {(!prior.is_empty())
                        .then(|| {
                            let prior = prior
                                .into_iter()
                                .map(|stay| {
                                    let from = stay.from_date;
                                    let to = stay.to_date;
                                    view! {
                                        <li>
                                            {stay.facility_name} " "
                                            {move || {
                                                let lang = lang.get();
                                                match (from, to) {
                                                    (Some(from), Some(to)) => {
                                                        format!("({} – {})", format_date(lang, from), format_date(lang, to))
                                                    }
                                                    (Some(from), None) => format!("({} –)", format_date(lang, from)),
                                                    _ => String::new(),
                                                }
                                            }}
                                        </li>
                                    }
                                })
                                .collect_view();
                            view! {
                                <div>
                                    <dt>{move || lang.t(Key::PreviouslyTreated)}</dt>
                                    <dd>
                                        <ul class="plain-list">{prior}</ul>
                                    </dd>
                                </div>
                            }
                        })}
                </dl>
            </section>
        }
    });
    let reason = referral.reason;
    let means = referral.transport.means;
    let escort = [
        referral.transport.escort_name.clone(),
        referral.transport.escort_title.clone(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ");
    let emergency_centre = referral.transport.emergency_centre_requested;
    let signer = |signatory: &Option<shared::referral::Signatory>| {
        signatory
            .as_ref()
            .map(|s| match &s.title {
                Some(title) => format!("{}, {title}", s.full_name),
                None => s.full_name.clone(),
            })
            .unwrap_or_default()
    };
    let times = [
        (Key::CreatedAt, Some(referral.created_at)),
        (Key::SentAt, referral.sent_at),
        (Key::AnsweredAt, referral.answered_at),
        (Key::ArrivedAtLabel, referral.arrived_at),
        (Key::ClosedAt, referral.closed_at),
    ];
    let times = times
        .into_iter()
        .filter_map(|(key, at)| at.map(|at| (key, at)))
        .map(|(key, at)| {
            view! {
                <div>
                    <dt>{move || lang.t(key)}</dt>
                    <dd>{move || format_datetime(lang.get(), at)}</dd>
                </div>
            }
        })
        .collect_view();
    let outcome = referral.outcome.map(|outcome| {
        let summary = referral.discharge_summary.clone();
        let diagnoses = referral.discharge_diagnoses.clone();
        view! {
            <section class="panel">
                <h2>{move || lang.t(Key::Outcome)}</h2>
                <dl class="facts facts-wide">
                    <div>
                        <dt>{move || lang.t(Key::Outcome)}</dt>
                        <dd id="outcome">{move || outcome.label(lang.get())}</dd>
                    </div>
                    {summary
                        .map(|summary| view! { <Fact label=Key::DischargeSummary value=summary /> })}
                    {(!diagnoses.is_empty())
                        .then(|| {
                            view! {
                                <div>
                                    <dt>{move || lang.t(Key::DischargeDiagnoses)}</dt>
                                    <dd>
                                        <DiagnosisList diagnoses />
                                    </dd>
                                </div>
                            }
                        })}
                </dl>
            </section>
        }
    });
    let links = (referral.origin.is_some() || !referral.successors.is_empty()).then(|| {
        view! {
            <section class="panel">
                {referral
                    .origin
                    .clone()
                    .map(|origin| {
                        view! {
                            <h2>{move || lang.t(Key::Origin)}</h2>
                            <LinkList links=vec![origin] />
                        }
                    })}
                {(!referral.successors.is_empty())
                    .then(|| {
                        view! {
                            <h2>{move || lang.t(Key::Successors)}</h2>
                            <LinkList links=referral.successors.clone() />
                        }
                    })}
            </section>
        }
    });
    let follow_ups = (!referral.follow_ups.is_empty()).then(|| {
        view! {
            <section class="panel">
                <h2>{move || lang.t(Key::FollowUpPlan)}</h2>
                <FollowUpList items=referral.follow_ups.clone() />
            </section>
        }
    });

    view! {
        {referral
            .status_reason
            .clone()
            .map(|text| {
                view! {
                    <div class="alert alert-info" role="status">
                        <p class="alert-title">{move || lang.t(Key::StatusReason)}</p>
                        <p>{text}</p>
                    </div>
                }
            })}
        {outcome}
        {hidden}
        {patient}
        {clinical}
        <section class="panel">
            <h2>{move || lang.t(Key::SectionReason)}</h2>
            <dl class="facts">
                <div>
                    <dt>{move || lang.t(Key::Reason)}</dt>
                    <dd>{move || format!("{}. {}", reason.number(), reason.label(lang.get()))}</dd>
                </div>
                <Fact label=Key::ReasonText value=referral.reason_text.clone().unwrap_or_default() />
                <div>
                    <dt>{move || lang.t(Key::TransportMeans)}</dt>
                    <dd>
                        {move || means.map(|means| means.label(lang.get())).unwrap_or("—")}
                    </dd>
                </div>
                <Fact label=Key::EscortName value=escort />
                <div>
                    <dt>{move || lang.t(Key::EmergencyCentre)}</dt>
                    <dd>{move || lang.t(if emergency_centre { Key::Yes } else { Key::No })}</dd>
                </div>
                <Fact label=Key::Signatory value=signer(&referral.signed_by) />
                <Fact label=Key::Physician value=signer(&referral.physician) />
                <Fact label=Key::CreatedBy value=referral.created_by.clone() />
                {times}
            </dl>
            {(!referral.attachments.is_empty())
                .then(|| {
                    view! {
                        <h3>{move || lang.t(Key::Attachments)}</h3>
                        <ul class="plain-list">
                            {referral
                                .attachments
                                .iter()
                                .map(|name| view! { <li>{name.clone()}</li> })
                                .collect_view()}
                        </ul>
                    }
                })}
        </section>
        {links}
        {follow_ups}
    }
}

/// Diagnoses, main first.
#[component]
fn DiagnosisList(diagnoses: Vec<Diagnosis>) -> impl IntoView {
    if diagnoses.is_empty() {
        return view! { "—" }.into_any();
    }
    view! {
        <ul class="plain-list diagnoses">
            {diagnoses
                .into_iter()
                .map(|diagnosis| {
                    view! {
                        <li>
                            <code>{diagnosis.code}</code>
                            " – "
                            {diagnosis.name}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

/// Linked referrals.
#[component]
fn LinkList(links: Vec<ReferralLink>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <ul class="plain-list links">
            {links
                .into_iter()
                .map(|link| {
                    let kind = link.kind;
                    view! {
                        <li data-link-kind=kind.as_str()>
                            <A href=referral_href(link.id)>
                                <code>{link.slip_number}</code>
                            </A>
                            " "
                            <StatusBadge status=link.status />
                            <span class="muted">
                                " " {move || kind.label(lang.get())} " · "
                                {link.from_facility.name} " → " {link.to_facility.name}
                            </span>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

/// Follow-ups set at completion, with their visits.
#[component]
fn FollowUpList(items: Vec<FollowUp>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <ul class="plain-list follow-ups">
            {items
                .into_iter()
                .map(|item| {
                    let status = item.status;
                    let due = item.due_on;
                    let visits = item
                        .visits
                        .into_iter()
                        .map(|visit| {
                            let day = visit.visited_on;
                            view! {
                                <li>
                                    {move || format_date(lang.get(), day)} ": " {visit.notes}
                                    <span class="muted">" (" {visit.recorded_by} ")"</span>
                                </li>
                            }
                        })
                        .collect_view();
                    view! {
                        <li>
                            <strong>{move || format_date(lang.get(), due)}</strong>
                            " · "
                            {item.instructions}
                            " "
                            <span class="badge note">{move || status.label(lang.get())}</span>
                            <FlagBadges overdue=item.overdue expired=false />
                            <ul class="plain-list">{visits}</ul>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

/// The timeline, oldest first.
#[component]
fn Timeline(events: Vec<ReferralEvent>) -> impl IntoView {
    let lang = use_lang();
    if events.is_empty() {
        return view! { <p class="empty">{move || lang.t(Key::NoEvents)}</p> }.into_any();
    }
    view! {
        <ol class="timeline" id="timeline">
            {events
                .into_iter()
                .map(|event| {
                    let kind = event.kind;
                    let role = event.actor_role;
                    let at = event.at;
                    let local = to_vietnam(at);
                    view! {
                        <li class=format!("timeline-event event-{}", kind.as_str())>
                            <time datetime=local.format("%Y-%m-%dT%H:%M").to_string()>
                                {move || format_datetime(lang.get(), at)}
                            </time>
                            <div class="timeline-body">
                                <strong>{move || kind.label(lang.get())}</strong>
                                " "
                                <StatusBadge status=event.to_status />
                                <span class="muted block">
                                    {event.actor}
                                    {move || role.map(|role| format!(", {}", role.label(lang.get())))}
                                    " · "
                                    {event.facility.name}
                                </span>
                                {event.note.map(|note| view! { <p class="timeline-note">{note}</p> })}
                            </div>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
    .into_any()
}
