//! `/consultations/cases/:id`: one case request — the two facilities, the session it is
//! on (with its meeting link), the patient and the question (for the two facilities
//! only), the conclusion with the referral draft it opened, the outcome reported back,
//! and the buttons of `allowed_actions`, each with a small dialog asking for what its
//! endpoint needs.

use chrono::Utc;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use shared::Labelled;
use shared::consultation::{
    CaseAction, Conclusion, ConclusionInput, ConsultationCancelInput, ConsultationCase,
    ConsultationMode, OutcomeInput, ScheduleInput, SessionQuery, SessionStatus,
};
use shared::registry::specialty_label;
use shared::time::vietnam_date;

use validator::Validate;

use super::{BASE, CaseStatusBadge, Fact, ModeBadge, SessionStatusBadge};
use crate::api::consultations::Step;
use crate::api::{self, use_api};
use crate::components::form::{CheckedSend, FieldMessages, InputKind, TextField, rule_messages};
use crate::components::{ActionBar, ActionDialog, FieldErrors, Loading, ProblemView, loaded};
use crate::contexts::{use_lang, use_session};
use crate::i18n::{Key, format_date, format_datetime, t};

/// `/consultations/cases/:id`.
#[component]
pub fn CaseDetailPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|params| params.get("id")?.parse::<i64>().ok()));
    move || match id.get() {
        Some(id) => view! { <CaseDetail id /> }.into_any(),
        None => view! {
            <section class="page">
                <div class="alert alert-error" role="alert">
                    <p class="alert-title">{move || lang.t(Key::InvalidId)}</p>
                </div>
                <A href=BASE>{move || lang.t(Key::BackToConsultations)}</A>
            </section>
        }
        .into_any(),
    }
}

#[component]
fn CaseDetail(id: i64) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let case = LocalResource::new(move || api::consultations::case(api, id));
    let open = RwSignal::new(None::<CaseAction>);
    let changed = Callback::new(move |()| {
        open.set(None);
        case.refetch();
    });
    view! {
        <section class="page case-detail">
            <p class="breadcrumb">
                <A href="/consultations/cases">{move || lang.t(Key::BackToConsultations)}</A>
            </p>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    loaded(
                        case.await,
                        move |case| {
                            view! {
                                <CaseHeader case=case.clone() />
                                <CaseActions case=case.clone() open changed />
                                <CaseBody case />
                            }
                        },
                    )
                })}
            </Transition>
        </section>
    }
}

/// Number, status, urgency, the two facilities and the session.
#[component]
fn CaseHeader(case: ConsultationCase) -> impl IntoView {
    let lang = use_lang();
    let urgency = case.urgency;
    let specialty = case.specialty.clone();
    let session = match case.session.clone() {
        Some(session) => {
            let starts = session.starts_at;
            let link = session
                .meeting_url
                .clone()
                .filter(|_| {
                    session.mode == ConsultationMode::Online
                        && session.status != SessionStatus::Cancelled
                })
                .map(|url| {
                    view! {
                        <a class="button secondary small meeting-link" href=url target="_blank" rel="noopener noreferrer">
                            {move || lang.t(Key::JoinMeeting)}
                        </a>
                    }
                });
            view! {
                <p class="case-session" id="case-session">
                    <span class="muted">{move || lang.t(Key::ConsultationSession)} ": "</span>
                    <strong>{session.title}</strong>
                    " · "
                    {move || format_datetime(lang.get(), starts)}
                    " "
                    <ModeBadge mode=session.mode />
                    <SessionStatusBadge status=session.status />
                    " "
                    {link}
                </p>
            }
            .into_any()
        }
        None => view! {
            <p class="case-session muted" id="case-session">
                {move || lang.t(Key::NotScheduledYet)}
            </p>
        }
        .into_any(),
    };
    view! {
        <header class="page-header case-header">
            <h1>{move || lang.t(Key::CaseNumber)} " " <code id="case-number">{case.id}</code></h1>
            <p class="badges">
                <CaseStatusBadge status=case.status />
                <span class=format!("badge urgency-{}", urgency.as_str())>
                    {move || urgency.label(lang.get())}
                </span>
                {move || {
                    specialty
                        .as_deref()
                        .map(|code| {
                            view! { <span class="badge note">{specialty_label(code, lang.get()).to_string()}</span> }
                        })
                }}
            </p>
            <p class="route">
                <span class="route-from">{case.requesting_facility.name.clone()}</span>
                <span class="route-arrow" aria-hidden="true">" → "</span>
                <span class="route-to">{case.consulting_facility.name.clone()}</span>
            </p>
            {session}
        </header>
    }
}

/// The buttons of `allowed_actions`, and the dialog of the one pressed.
#[component]
fn CaseActions(
    case: ConsultationCase,
    open: RwSignal<Option<CaseAction>>,
    changed: Callback<()>,
) -> impl IntoView {
    let class = |action: CaseAction| match action {
        CaseAction::Cancel => "button danger",
        CaseAction::Schedule => "button secondary",
        _ => "button primary",
    };
    view! {
        <ActionBar
            actions=case.allowed_actions.clone()
            open
            code=CaseAction::as_str
            class
            dialog=move |action| view! { <StepDialog action case=case.clone() open changed /> }
        />
    }
}

/// The dialog of one step: what its endpoint needs, checked with its shared rules.
#[component]
fn StepDialog(
    action: CaseAction,
    case: ConsultationCase,
    open: RwSignal<Option<CaseAction>>,
    changed: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let id = case.id;
    let version = case.version;
    let consulting = case.consulting_facility.id;
    let current_session = case.session.as_ref().map(|s| s.id);

    let session_id = RwSignal::new(String::new());
    let conclusion = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());

    // The body this dialog describes, and what in it cannot even be read.
    let body = move || -> (Step, FieldMessages) {
        let lang = lang.get();
        let mut unreadable = FieldMessages::new();
        let step = match action {
            CaseAction::Schedule => {
                let session = session_id.get().parse::<i64>().unwrap_or_else(|_| {
                    unreadable.insert(
                        "session_id".into(),
                        vec![t(lang, Key::ChooseSession).into()],
                    );
                    0
                });
                Step::Schedule(ScheduleInput {
                    session_id: session,
                })
            }
            CaseAction::Conclude => {
                let chosen = conclusion.get().parse::<Conclusion>().unwrap_or_else(|_| {
                    unreadable.insert(
                        "conclusion".into(),
                        vec![t(lang, Key::ChoiceRequired).into()],
                    );
                    Conclusion::MoreTests
                });
                Step::Conclude(ConclusionInput {
                    conclusion: chosen,
                    note: text.get().trim().to_string(),
                    refer_to_facility_id: None,
                })
            }
            CaseAction::RecordOutcome => Step::Outcome(OutcomeInput {
                outcome: text.get().trim().to_string(),
            }),
            CaseAction::Cancel => Step::Cancel(ConsultationCancelInput {
                reason: text.get().trim().to_string(),
            }),
        };
        (step, unreadable)
    };
    let problems = Memo::new(move |_| {
        let (step, unreadable) = body();
        let lang = lang.get();
        let mut messages = match &step {
            Step::Schedule(body) => rule_messages(body.validate(), lang),
            Step::Conclude(body) => rule_messages(body.validate(), lang),
            Step::Outcome(body) => rule_messages(body.validate(), lang),
            Step::Cancel(body) => rule_messages(body.validate(), lang),
        };
        messages.extend(unreadable);
        messages
    });
    let form = CheckedSend::new(problems, move |step: Step| async move {
        api::consultations::step(api, id, version, &step).await
    })
    .on_success(changed);
    let pending = form.pending();
    let messages = move |path: &'static str| form.messages(path);
    let on_confirm = Callback::new(move |()| form.submit(|| body().0));
    let set_text = Callback::new(move |value: String| text.set(value));

    let fields = match action {
        CaseAction::Schedule => {
            let today = vietnam_date(Utc::now());
            let sessions = LocalResource::new(move || {
                let query = SessionQuery {
                    facility_id: Some(consulting),
                    from: Some(today),
                    status: Some(SessionStatus::Scheduled),
                    limit: Some(50),
                    ..SessionQuery::default()
                };
                async move { api::consultations::sessions(api, &query).await }
            });
            view! {
                <div class="field">
                    <label for="dialog-session">{move || lang.t(Key::ChooseSession)}</label>
                    <Transition fallback=|| view! { <Loading /> }>
                        {move || Suspend::new(async move {
                            loaded(
                                sessions.await,
                                move |page| {
                                    let options: Vec<_> = page
                                        .items
                                        .into_iter()
                                        .filter(|session| Some(session.id) != current_session)
                                        .collect();
                                    if options.is_empty() {
                                        return view! {
                                            <p class="muted">{move || lang.t(Key::NoUpcomingSessions)}</p>
                                        }
                                            .into_any();
                                    }
                                    view! {
                                        <select
                                            id="dialog-session"
                                            on:change=move |event| session_id.set(event_target_value(&event))
                                        >
                                            <option value="">{move || lang.t(Key::ChooseOne)}</option>
                                            {options
                                                .into_iter()
                                                .map(|session| {
                                                    let value = session.id.to_string();
                                                    let starts = session.starts_at;
                                                    let mode = session.mode;
                                                    view! {
                                                        <option value=value>
                                                            {move || {
                                                                let lang = lang.get();
                                                                format!(
                                                                    "{} · {} ({})",
                                                                    format_datetime(lang, starts),
                                                                    session.title,
                                                                    mode.label(lang),
                                                                )
                                                            }}
                                                        </option>
                                                    }
                                                })
                                                .collect_view()}
                                        </select>
                                    }
                                        .into_any()
                                },
                            )
                        })}
                    </Transition>
                    <FieldErrors id="dialog-session-errors" messages=messages("session_id") />
                </div>
            }
            .into_any()
        }
        CaseAction::Conclude => view! {
            <fieldset class="field radio-group" id="dialog-conclusion">
                <legend class="field-label">
                    {move || lang.t(Key::ConclusionLabel)}
                    <span class="required" aria-hidden="true">" *"</span>
                </legend>
                {Conclusion::all()
                    .iter()
                    .map(|value| {
                        let value = *value;
                        let code = value.as_str();
                        let input_id = format!("dialog-conclusion-{code}");
                        let label_for = input_id.clone();
                        view! {
                            <label class="radio" for=label_for>
                                <input
                                    type="radio"
                                    id=input_id
                                    name="conclusion"
                                    value=code
                                    prop:checked=move || conclusion.with(|c| c == code)
                                    on:change=move |_| conclusion.set(code.to_string())
                                />
                                {move || value.label(lang.get())}
                            </label>
                        }
                    })
                    .collect_view()}
                <FieldErrors id="dialog-conclusion-errors" messages=messages("conclusion") />
            </fieldset>
            <TextField
                id="dialog-note"
                label=Key::ConsultantsAdvice
                value=text
                on_input=set_text
                messages=messages("note")
                kind=InputKind::Multiline
                required=true
            />
        }
        .into_any(),
        CaseAction::RecordOutcome => view! {
            <TextField
                id="dialog-outcome"
                label=Key::OutcomeReport
                value=text
                on_input=set_text
                messages=messages("outcome")
                kind=InputKind::Multiline
                hint=Some(Key::OutcomeReportHint)
                required=true
            />
        }
        .into_any(),
        CaseAction::Cancel => view! {
            <TextField
                id="dialog-reason"
                label=Key::ReasonRequired
                value=text
                on_input=set_text
                messages=messages("reason")
                kind=InputKind::Multiline
                required=true
            />
        }
        .into_any(),
    };

    let problem = move || {
        form.failure().map(|error| {
            view! {
                <ProblemView
                    error
                    inline_fields=&["session_id", "conclusion", "note", "outcome", "reason"]
                />
            }
        })
    };
    view! {
        <ActionDialog
            code=action.as_str()
            title=Signal::derive(move || action.label(lang.get()).to_string())
            pending
            on_confirm
            on_close=Callback::new(move |()| open.set(None))
            problem=problem
        >
            {fields}
        </ActionDialog>
    }
}

/// The patient and the question, the conclusion, the referral it opened, the outcome.
#[component]
fn CaseBody(case: ConsultationCase) -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let requester = session
        .me()
        .is_some_and(|me| me.facility.id == case.requesting_facility.id);
    let patient = case.patient.clone().map(|patient| {
        let born = patient.birth_date;
        let year = patient.birth_year;
        let sex = patient.sex;
        view! {
            <section class="panel">
                <h2>{move || lang.t(Key::SectionPatient)}</h2>
                <dl class="facts">
                    <Fact label=Key::FullName value=patient.full_name.clone() />
                    <div>
                        <dt>{move || lang.t(Key::BirthDate)}</dt>
                        <dd>
                            {move || {
                                let lang = lang.get();
                                born.map(|day| format_date(lang, day))
                                    .or_else(|| year.map(|y| y.to_string()))
                                    .unwrap_or_else(|| "—".to_string())
                            }}
                        </dd>
                    </div>
                    <div>
                        <dt>{move || lang.t(Key::Sex)}</dt>
                        <dd>{move || sex.label(lang.get())}</dd>
                    </div>
                    <Fact label=Key::CitizenId value=patient.citizen_id.clone().unwrap_or_default() />
                    <Fact
                        label=Key::InsuranceNumber
                        value=patient.insurance_number.clone().unwrap_or_default()
                    />
                    <Fact label=Key::Address value=patient.address.clone().unwrap_or_default() />
                </dl>
            </section>
        }
    });
    let hidden = case.patient.is_none().then(|| {
        view! {
            <div class="notice" role="status" id="patient-hidden">
                <p>
                    {move || lang.t(Key::PatientHiddenCase)} " (" {case.patient_initials.clone()} ")"
                </p>
            </div>
        }
    });
    let clinical = (case.summary.is_some() || case.question.is_some()).then(|| {
        view! {
            <section class="panel">
                <h2>{move || lang.t(Key::CaseSummaryLabel)}</h2>
                <dl class="facts facts-wide">
                    <Fact label=Key::CaseSummaryLabel value=case.summary.clone().unwrap_or_default() />
                    <Fact label=Key::CaseQuestion value=case.question.clone().unwrap_or_default() />
                </dl>
            </section>
        }
    });
    let conclusion = case.conclusion.map(|conclusion| {
        let at = case.concluded_at;
        let referral = case.referral.clone().map(|referral| {
            let status = referral.status;
            // A draft stays with the facility that sends it; others see that it exists.
            let link = requester.then(|| {
                view! {
                    <A href=format!("/referrals/{}", referral.id) attr:class="button primary small" attr:id="open-referral">
                        {move || lang.t(Key::OpenReferralDraft)}
                    </A>
                }
            });
            view! {
                <div class="referral-opened" id="case-referral">
                    <p>{move || lang.t(Key::ReferralDraftOpened)}</p>
                    <p>
                        <code>{referral.slip_number.clone()}</code>
                        " "
                        <span class="badge note">{move || status.label(lang.get())}</span>
                        " "
                        {link}
                    </p>
                </div>
            }
        });
        view! {
            <section class="panel">
                <h2>{move || lang.t(Key::ConclusionLabel)}</h2>
                <p>
                    <strong id="conclusion" data-conclusion=conclusion.as_str()>
                        {move || conclusion.label(lang.get())}
                    </strong>
                    {case
                        .referral_avoided
                        .then(|| {
                            view! {
                                " "
                                <span class="badge ok" id="referral-avoided">
                                    {move || lang.t(Key::ReferralAvoided)}
                                </span>
                            }
                        })}
                </p>
                <dl class="facts facts-wide">
                    {case
                        .conclusion_note
                        .clone()
                        .map(|note| view! { <Fact label=Key::ConsultantsAdvice value=note /> })}
                    <div>
                        <dt>{move || lang.t(Key::ConcludedBy)}</dt>
                        <dd>
                            {case.concluded_by.clone().unwrap_or_default()} " · "
                            {move || at.map(|at| format_datetime(lang.get(), at)).unwrap_or_default()}
                        </dd>
                    </div>
                </dl>
                {referral}
            </section>
        }
    });
    let outcome = case.outcome.clone().map(|outcome| {
        let at = case.outcome_at;
        view! {
            <section class="panel">
                <h2>{move || lang.t(Key::OutcomeReport)}</h2>
                <p id="case-outcome">{outcome}</p>
                <p class="muted small">
                    {move || at.map(|at| format_datetime(lang.get(), at)).unwrap_or_default()}
                </p>
            </section>
        }
    });
    let created = case.created_at;
    view! {
        {case
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
        {conclusion}
        {outcome}
        {hidden}
        {patient}
        {clinical}
        <p class="muted small">
            {move || lang.t(Key::CreatedBy)} ": " {case.created_by.clone()} " · "
            {move || format_datetime(lang.get(), created)}
        </p>
    }
}
