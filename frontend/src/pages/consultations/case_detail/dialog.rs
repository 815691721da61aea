//! The dialog of one step on a case, asking for what its endpoint needs and checked
//! with its shared rules before it is sent.

use chrono::Utc;
use leptos::prelude::*;
use shared::Labelled;
use shared::consultation::{
    CaseAction, Conclusion, ConclusionInput, ConsultationCancelInput, ConsultationCase,
    ConsultationSession, OutcomeInput, ScheduleInput, SessionQuery, SessionStatus,
};
use shared::time::vietnam_date;
use validator::Validate;

use crate::api::consultations::Step;
use crate::api::{self, use_api};
use crate::components::form::{
    CheckedSend, FieldMessages, InputKind, RadioField, TextField, rule_messages,
};
use crate::components::{ActionDialog, FieldErrors, Loading, ProblemView, loaded};
use crate::contexts::use_lang;
use crate::i18n::{Key, format_datetime, t};

/// The dialog of one step: what its endpoint needs, checked with its shared rules.
#[component]
pub(super) fn StepDialog(
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
        CaseAction::Schedule => view! {
            <SessionChoice
                consulting
                current_session
                session_id
                messages=messages("session_id")
            />
        }
        .into_any(),
        CaseAction::Conclude => view! {
            <RadioField
                id="dialog-conclusion"
                name="conclusion"
                label=Key::ConclusionLabel
                values=Conclusion::all()
                code=Conclusion::as_str
                value=conclusion
                on_change=Callback::new(move |code| conclusion.set(code))
                messages=messages("conclusion")
                required=true
            />
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

/// "Schedule": the consulting facility's coming sessions, other than the case's own.
#[component]
fn SessionChoice(
    consulting: i64,
    current_session: Option<i64>,
    session_id: RwSignal<String>,
    messages: Signal<Vec<String>>,
) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
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
    let choices = move |sessions: Vec<ConsultationSession>| {
        if sessions.is_empty() {
            return view! { <p class="muted">{move || lang.t(Key::NoUpcomingSessions)}</p> }
                .into_any();
        }
        let options = sessions
            .into_iter()
            .map(|session| {
                let starts = session.starts_at;
                let mode = session.mode;
                view! {
                    <option value=session.id.to_string()>
                        {move || {
                            let lang = lang.get();
                            format!("{} · {} ({})", format_datetime(lang, starts), session.title, mode.label(lang))
                        }}
                    </option>
                }
            })
            .collect_view();
        view! {
            <select id="dialog-session" on:change=move |event| session_id.set(event_target_value(&event))>
                <option value="">{move || lang.t(Key::ChooseOne)}</option>
                {options}
            </select>
        }
        .into_any()
    };
    view! {
        <div class="field">
            <label for="dialog-session">{move || lang.t(Key::ChooseSession)}</label>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    loaded(
                        sessions.await,
                        move |page| {
                            choices(
                                page
                                    .items
                                    .into_iter()
                                    .filter(|session| Some(session.id) != current_session)
                                    .collect(),
                            )
                        },
                    )
                })}
            </Transition>
            <FieldErrors id="dialog-session-errors" messages />
        </div>
    }
}
