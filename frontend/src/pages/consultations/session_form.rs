//! `/consultations/sessions/new`: the host's planners schedule a session of their
//! facility, online with a meeting link or in person at a station, once or every week
//! up to a day. The form checks itself with the shared `SessionInput` rules.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use shared::consultation::{ConsultationMode, SessionInput};
use shared::registry::{FacilityQuery, Profession, StaffQuery};
use shared::time::{from_vietnam, vietnam_date};
use shared::validation::field_messages;
use validator::Validate;

use super::{BASE, may_plan};
use crate::api::{self, new_idempotency_key, use_api};
use crate::components::form::{
    FieldMessages, InputKind, TextField, merge_messages, messages_at, server_messages,
};
use crate::components::{
    FieldErrors, Loading, ProblemView, enum_options, loaded, specialty_options,
};
use crate::contexts::{use_lang, use_session};
use crate::i18n::{Key, t};

/// The form's fields as typed.
#[derive(Debug, Clone, PartialEq)]
struct SessionForm {
    title: String,
    specialty: String,
    mode: String,
    meeting_url: String,
    location: String,
    date: String,
    time: String,
    duration: String,
    repeat_until: String,
    note: String,
    participants: BTreeSet<i64>,
}

impl Default for SessionForm {
    fn default() -> Self {
        SessionForm {
            title: String::new(),
            specialty: String::new(),
            mode: ConsultationMode::Online.as_str().to_string(),
            meeting_url: String::new(),
            location: String::new(),
            date: String::new(),
            time: "14:00".to_string(),
            duration: "90".to_string(),
            repeat_until: String::new(),
            note: String::new(),
            participants: BTreeSet::new(),
        }
    }
}

fn optional(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// A day and a wall-clock time in Vietnam, as an instant.
fn vn_instant(date: &str, time: &str) -> Option<DateTime<Utc>> {
    let date = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").ok()?;
    let time = NaiveTime::parse_from_str(time.trim(), "%H:%M").ok()?;
    Some(from_vietnam(NaiveDateTime::new(date, time)))
}

/// The request body the form describes for `host`, and what could not be read.
fn to_input(form: &SessionForm, host: i64, lang: shared::Lang) -> (SessionInput, FieldMessages) {
    let mut unreadable = FieldMessages::new();
    let starts_at = vn_instant(&form.date, &form.time);
    if starts_at.is_none() {
        // Shown under the day: it is what is missing or malformed.
        unreadable.insert("date".into(), vec![t(lang, Key::DateRequired).into()]);
    }
    let duration = form.duration.trim().parse::<i32>().unwrap_or_else(|_| {
        unreadable.insert(
            "duration_minutes".into(),
            vec![t(lang, Key::ChoiceRequired).into()],
        );
        0
    });
    let input = SessionInput {
        host_facility_id: host,
        title: form.title.trim().to_string(),
        specialty: optional(&form.specialty),
        mode: form.mode.parse().unwrap_or(ConsultationMode::Online),
        meeting_url: optional(&form.meeting_url),
        location_facility_id: form.location.parse().ok(),
        starts_at: starts_at.unwrap_or_default(),
        duration_minutes: duration,
        participants: form.participants.iter().copied().collect(),
        note: optional(&form.note),
        repeat_weekly_until: NaiveDate::parse_from_str(form.repeat_until.trim(), "%Y-%m-%d").ok(),
    };
    (input, unreadable)
}

/// `/consultations/sessions/new`.
#[component]
pub fn NewSessionPage() -> impl IntoView {
    let lang = use_lang();
    let may_plan = may_plan();
    move || {
        if may_plan() {
            view! { <SessionFormView /> }.into_any()
        } else {
            view! {
                <section class="page">
                    <p class="breadcrumb">
                        <A href=BASE>{move || lang.t(Key::BackToConsultations)}</A>
                    </p>
                    <div class="notice" role="status">
                        <p>{move || lang.t(Key::CannotPlanSessions)}</p>
                    </div>
                </section>
            }
            .into_any()
        }
    }
}

#[component]
fn SessionFormView() -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let session = use_session();
    let navigate = use_navigate();
    let host = move || session.me().map(|me| me.facility.id).unwrap_or_default();

    let form = RwSignal::new(SessionForm::default());
    let tried = RwSignal::new(false);
    let touched = RwSignal::new(BTreeSet::<String>::new());
    let input = Memo::new(move |_| form.with(|form| to_input(form, host(), lang.get())));
    let problems = Memo::new(move |_| {
        input.with(|(input, unreadable)| {
            let mut messages = input
                .validate()
                .err()
                .map(|errors| field_messages(&errors, lang.get()))
                .unwrap_or_default();
            messages.extend(unreadable.clone());
            messages
        })
    });

    let save = Action::new_local(move |body: &SessionInput| {
        let body = body.clone();
        let key = new_idempotency_key();
        async move { api::consultations::create_sessions(api, &body, &key).await }
    });
    let failure = move || save.value().get().and_then(Result::err);
    let shown = Signal::derive(move || {
        let mut shown: FieldMessages = problems.with(|problems| {
            problems
                .iter()
                .filter(|(path, _)| tried.get() || touched.with(|t| t.contains(*path)))
                .map(|(path, list)| (path.clone(), list.clone()))
                .collect()
        });
        merge_messages(&mut shown, &server_messages(failure().as_ref()));
        shown
    });
    Effect::new(move |_| {
        if let Some(Ok(created)) = save.value().get()
            && let Some(first) = created.sessions.first()
        {
            let day = vietnam_date(first.starts_at);
            let monday = day
                - TimeDelta::days(i64::from(
                    chrono::Datelike::weekday(&day).num_days_from_monday(),
                ));
            navigate(&format!("{BASE}?week={monday}"), Default::default());
        }
    });
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        tried.set(true);
        if problems.with_untracked(|problems| problems.is_empty()) {
            save.dispatch_local(input.get_untracked().0);
        }
    };

    // Stations the facility supports (where a session in person takes place), and its
    // doctors who may sit on the session.
    let places = LocalResource::new(move || {
        let query = FacilityQuery {
            supported_by: Some(host()),
            limit: Some(200),
            ..FacilityQuery::default()
        };
        async move { api::registry::facilities(api, &query).await }
    });
    let doctors = LocalResource::new(move || {
        let query = StaffQuery {
            facility_id: Some(host()),
            profession: Some(Profession::Doctor),
            active: Some(true),
            limit: Some(200),
            ..StaffQuery::default()
        };
        async move { api::registry::staff(api, &query).await }
    });

    let text = move |path: &'static str,
                     label: Key,
                     get: fn(&SessionForm) -> String,
                     set: fn(&mut SessionForm, String),
                     kind: InputKind,
                     required: bool| {
        view! {
            <TextField
                id=format!("f-{path}")
                label
                value=Signal::derive(move || form.with(get))
                on_input=Callback::new(move |value| form.update(|form| set(form, value)))
                on_blur=Callback::new(move |()| touched.update(|t| {
                    t.insert(path.to_string());
                }))
                messages=messages_at(shown, move || path.to_string())
                kind
                required
            />
        }
    };
    let mode = Signal::derive(move || form.with(|form| form.mode.clone()));
    let specialty = Signal::derive(move || form.with(|form| form.specialty.clone()));
    let online = move || mode.with(|mode| mode == ConsultationMode::Online.as_str());

    view! {
        <section class="page session-form">
            <p class="breadcrumb">
                <A href=BASE>{move || lang.t(Key::BackToConsultations)}</A>
            </p>
            <header class="page-header">
                <h1>{move || lang.t(Key::NewSession)}</h1>
                <p class="muted">
                    {move || lang.t(Key::HostFacility)} ": "
                    {move || session.me().map(|me| me.facility.name).unwrap_or_default()}
                </p>
            </header>
            <form class="slip-form" on:submit=on_submit novalidate=true>
                <fieldset class="form-section">
                    <div class="form-grid">
                        {text(
                            "title",
                            Key::SessionTitle,
                            |f| f.title.clone(),
                            |f, v| f.title = v,
                            InputKind::Text,
                            true,
                        )}
                        <div class="field">
                            <label for="f-specialty">{move || lang.t(Key::Specialty)}</label>
                            <select
                                id="f-specialty"
                                on:change=move |event| form.update(|f| f.specialty = event_target_value(&event))
                            >
                                <option value="" prop:selected=move || specialty.with(String::is_empty)>
                                    {move || lang.t(Key::AnySpecialty)}
                                </option>
                                {specialty_options(specialty, lang)}
                            </select>
                            <FieldErrors id="f-specialty-errors" messages=messages_at(shown, || "specialty".to_string()) />
                        </div>
                        <div class="field">
                            <label for="f-mode">{move || lang.t(Key::ConsultationMode)}</label>
                            <select
                                id="f-mode"
                                on:change=move |event| form.update(|f| f.mode = event_target_value(&event))
                            >
                                {enum_options(ConsultationMode::all(), ConsultationMode::as_str, mode, lang)}
                            </select>
                        </div>
                        {text(
                            "date",
                            Key::SessionDate,
                            |f| f.date.clone(),
                            |f, v| f.date = v,
                            InputKind::Date,
                            true,
                        )}
                        {text(
                            "time",
                            Key::SessionTime,
                            |f| f.time.clone(),
                            |f, v| f.time = v,
                            InputKind::Text,
                            true,
                        )}
                        {text(
                            "duration_minutes",
                            Key::DurationMinutes,
                            |f| f.duration.clone(),
                            |f, v| f.duration = v,
                            InputKind::Number,
                            true,
                        )}
                    </div>
                    <Show
                        when=online
                        fallback=move || {
                            view! {
                                <div class="field">
                                    <label for="f-location_facility_id">{move || lang.t(Key::Place)}</label>
                                    <Transition fallback=|| view! { <Loading /> }>
                                        {move || Suspend::new(async move {
                                            loaded(
                                                places.await,
                                                move |page| {
                                                    view! {
                                                        <select
                                                            id="f-location_facility_id"
                                                            on:change=move |event| form.update(|f| f.location = event_target_value(&event))
                                                        >
                                                            <option value="">{move || lang.t(Key::ChooseOne)}</option>
                                                            {page
                                                                .items
                                                                .into_iter()
                                                                .map(|place| {
                                                                    let id = place.id.to_string();
                                                                    let selected = id.clone();
                                                                    view! {
                                                                        <option
                                                                            value=id
                                                                            prop:selected=move || form.with(|f| f.location == selected)
                                                                        >
                                                                            {place.name}
                                                                        </option>
                                                                    }
                                                                })
                                                                .collect_view()}
                                                        </select>
                                                    }
                                                },
                                            )
                                        })}
                                    </Transition>
                                    <FieldErrors
                                        id="f-location_facility_id-errors"
                                        messages=messages_at(shown, || "location_facility_id".to_string())
                                    />
                                </div>
                            }
                        }
                    >
                        {text(
                            "meeting_url",
                            Key::MeetingUrl,
                            |f| f.meeting_url.clone(),
                            |f, v| f.meeting_url = v,
                            InputKind::Text,
                            true,
                        )}
                    </Show>
                    {text(
                        "repeat_weekly_until",
                        Key::RepeatWeeklyUntil,
                        |f| f.repeat_until.clone(),
                        |f, v| f.repeat_until = v,
                        InputKind::Date,
                        false,
                    )}
                    <p class="field-hint">{move || lang.t(Key::RepeatWeeklyHint)}</p>
                    {text(
                        "note",
                        Key::SessionNote,
                        |f| f.note.clone(),
                        |f, v| f.note = v,
                        InputKind::Multiline,
                        false,
                    )}
                </fieldset>
                <fieldset class="form-section" id="f-participants">
                    <legend>{move || lang.t(Key::ChooseParticipants)}</legend>
                    <div class="participant-list">
                        <Transition fallback=|| view! { <Loading /> }>
                            {move || Suspend::new(async move {
                                loaded(
                                    doctors.await,
                                    move |page| {
                                        page.items
                                            .into_iter()
                                            .map(|person| {
                                                let staff_id = person.id;
                                                let id = format!("participant-{staff_id}");
                                                let label_for = id.clone();
                                                let title = person.title.clone().unwrap_or_default();
                                                view! {
                                                    <label class="checkbox" for=label_for>
                                                        <input
                                                            type="checkbox"
                                                            id=id
                                                            prop:checked=move || form.with(|f| f.participants.contains(&staff_id))
                                                            on:change=move |event| {
                                                                let on = event_target_checked(&event);
                                                                form.update(|f| {
                                                                    if on {
                                                                        f.participants.insert(staff_id);
                                                                    } else {
                                                                        f.participants.remove(&staff_id);
                                                                    }
                                                                });
                                                            }
                                                        />
                                                        {format!("{title} {}", person.full_name).trim().to_string()}
                                                    </label>
                                                }
                                            })
                                            .collect_view()
                                    },
                                )
                            })}
                        </Transition>
                    </div>
                    <FieldErrors id="f-participants-errors" messages=messages_at(shown, || "participants".to_string()) />
                </fieldset>
                {move || {
                    failure()
                        .map(|error| {
                            view! {
                                <ProblemView
                                    error
                                    inline_fields=&[
                                        "title",
                                        "specialty",
                                        "meeting_url",
                                        "location_facility_id",
                                        "date",
                                        "starts_at",
                                        "duration_minutes",
                                        "repeat_weekly_until",
                                        "note",
                                        "participants",
                                    ]
                                />
                            }
                        })
                }}
                <div class="form-actions">
                    <button
                        type="submit"
                        id="create-sessions"
                        class="button primary"
                        disabled=move || save.pending().get()
                    >
                        {move || {
                            if save.pending().get() { lang.t(Key::Saving) } else { lang.t(Key::CreateSessions) }
                        }}
                    </button>
                </div>
            </form>
        </section>
    }
}
