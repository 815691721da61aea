//! The training sessions of an agreement with who attended, and the form that records
//! one with its attendance (ticking the trainees present).

use std::collections::BTreeSet;

use chrono::{NaiveDate, Utc};
use leptos::prelude::*;
use shared::Labelled;
use shared::time::vietnam_date;
use shared::transfer::{Agreement, AgreementAction, SessionInput, TrainingSession};
use validator::Validate;

use super::{person, step_form};
use crate::api::transfers::AgreementStep;
use crate::components::filters::bind;
use crate::components::form::{FieldMessages, FormText, InputKind, SubmitButton, rule_messages};
use crate::components::list::{DataTable, Heading};
use crate::components::{FieldErrors, ProblemView};
use crate::contexts::use_lang;
use crate::i18n::{Key, format_date, t};

/// The sessions and, when the reader may record one, the form (`#sessions`).
#[component]
pub(super) fn SessionsSection(
    agreement: Agreement,
    current: RwSignal<Option<Agreement>>,
) -> impl IntoView {
    let lang = use_lang();
    let names: Vec<(i64, String)> = agreement
        .trainees
        .iter()
        .map(|trainee| {
            (
                trainee.staff_id,
                person(trainee.title.as_deref(), &trainee.full_name),
            )
        })
        .collect();
    let list = if agreement.sessions.is_empty() {
        view! { <p class="muted" id="no-sessions">{move || lang.t(Key::NoSessions)}</p> }.into_any()
    } else {
        view! { <SessionTable sessions=agreement.sessions.clone() names=names.clone() /> }
            .into_any()
    };
    let form = (agreement.allowed_actions.contains(&AgreementAction::Train)
        && !agreement.trainees.is_empty())
    .then(|| view! { <SessionForm names current /> });
    view! {
        <section class="agreement-sessions" id="sessions">
            <h2>{move || lang.t(Key::TrainingSessions)}</h2>
            {list}
            {form}
        </section>
    }
}

/// The sessions as a table (cards on a phone).
#[component]
fn SessionTable(sessions: Vec<TrainingSession>, names: Vec<(i64, String)>) -> impl IntoView {
    let lang = use_lang();
    let rows = sessions
        .into_iter()
        .map(|session| {
            let day = session.held_on;
            let present = session
                .attended
                .iter()
                .map(|id| {
                    names
                        .iter()
                        .find(|(staff_id, _)| staff_id == id)
                        .map_or_else(|| format!("#{id}"), |(_, name)| name.clone())
                })
                .collect::<Vec<_>>()
                .join(", ");
            view! {
                <tr id=format!("session-{}", session.id)>
                    <td>{move || format_date(lang.get(), day)}</td>
                    <td>{session.topic.clone()}</td>
                    <td class="number">{session.hours}</td>
                    <td>{present}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable class="sessions" id="session-list" headings=vec![
            Heading::Label(Key::HeldOn),
            Heading::Label(Key::SessionTopic),
            Heading::Number(Key::Hours),
            Heading::Label(Key::Attendance),
        ]>
            {rows}
        </DataTable>
    }
}

/// The session form's fields as typed.
#[derive(Debug, Clone, PartialEq)]
struct SessionForm {
    held_on: String,
    topic: String,
    hours: String,
    attended: BTreeSet<i64>,
}

impl SessionForm {
    fn to_input(&self, lang: shared::Lang) -> (SessionInput, FieldMessages) {
        let mut unreadable = FieldMessages::new();
        let held_on =
            NaiveDate::parse_from_str(self.held_on.trim(), "%Y-%m-%d").unwrap_or_else(|_| {
                unreadable.insert("held_on".into(), vec![t(lang, Key::DateRequired).into()]);
                NaiveDate::default()
            });
        let input = SessionInput {
            held_on,
            topic: self.topic.trim().to_string(),
            hours: self.hours.trim().parse().unwrap_or(0),
            attended: self.attended.iter().copied().collect(),
        };
        (input, unreadable)
    }
}

/// Records a session and ticks who was there.
#[component]
fn SessionForm(names: Vec<(i64, String)>, current: RwSignal<Option<Agreement>>) -> impl IntoView {
    let lang = use_lang();
    let fields = RwSignal::new(SessionForm {
        held_on: vietnam_date(Utc::now()).to_string(),
        topic: String::new(),
        hours: "4".to_string(),
        attended: BTreeSet::new(),
    });
    let input = Memo::new(move |_| fields.with(|fields| fields.to_input(lang.get())));
    let problems = Memo::new(move |_| {
        let lang = lang.get();
        input.with(|(input, unreadable)| {
            let mut messages = rule_messages(input.validate(), lang);
            messages.extend(unreadable.clone());
            messages
        })
    });
    let form = step_form(current, problems, AgreementStep::Session);
    let attendance = names
        .into_iter()
        .map(|(staff_id, name)| {
            let id = format!("attended-{staff_id}");
            let label_for = id.clone();
            view! {
                <label class="checkbox" for=label_for>
                    <input
                        type="checkbox"
                        id=id
                        prop:checked=move || fields.with(|f| f.attended.contains(&staff_id))
                        on:change=move |event| {
                            let on = event_target_checked(&event);
                            fields.update(|f| {
                                if on {
                                    f.attended.insert(staff_id);
                                } else {
                                    f.attended.remove(&staff_id);
                                }
                            });
                        }
                    />
                    {name}
                </label>
            }
        })
        .collect_view();
    view! {
        <form
            class="form-section session-form"
            id="session-form"
            novalidate=true
            on:submit=move |event: leptos::ev::SubmitEvent| {
                event.prevent_default();
                form.submit(|| input.get_untracked().0);
            }
        >
            <h3>{move || AgreementAction::Train.label(lang.get())}</h3>
            <div class="form-grid">
                <FormText
                    form
                    path="held_on"
                    id="session-held_on"
                    label=Key::HeldOn
                    field=bind(fields, |f| &f.held_on, |f| &mut f.held_on)
                    kind=InputKind::Date
                    required=true
                />
                <FormText
                    form
                    path="topic"
                    id="session-topic"
                    label=Key::SessionTopic
                    field=bind(fields, |f| &f.topic, |f| &mut f.topic)
                    required=true
                />
                <FormText
                    form
                    path="hours"
                    id="session-hours"
                    label=Key::Hours
                    field=bind(fields, |f| &f.hours, |f| &mut f.hours)
                    kind=InputKind::Number
                    required=true
                />
            </div>
            <fieldset class="field attendance" id="session-attended">
                <legend class="field-label">{move || lang.t(Key::Attendance)}</legend>
                <div class="participant-list">{attendance}</div>
                <FieldErrors id="session-attended-errors" messages=form.messages("attended") />
            </fieldset>
            {move || form.failure().map(|error| view! { <ProblemView error inline_fields=&["held_on", "topic", "hours", "attended"] /> })}
            <SubmitButton id="record-session" label=Key::RecordSession pending=form.pending() />
        </form>
    }
}
