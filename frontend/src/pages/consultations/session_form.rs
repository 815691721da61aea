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
use shared::page::Page;
use shared::registry::{Facility, FacilityQuery, Profession, Staff, StaffQuery};
use shared::time::{from_vietnam, vietnam_date};
use validator::Validate;

use super::{AllowedOr, BASE, may_plan};
use crate::api::{self, new_idempotency_key, use_api};
use crate::components::filters::bind;
use crate::components::form::{
    CheckedSend, ChoiceField, FieldMessages, FormSection, FormText, InputKind, SpecialtyField,
    SubmitButton, rule_messages,
};
use crate::components::{FieldErrors, Loading, ProblemView, enum_options, loaded};
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
    view! {
        <AllowedOr allowed=may_plan() refusal=Key::CannotPlanSessions>
            <SessionFormView />
        </AllowedOr>
    }
}

/// The form of a host's planner.
#[component]
fn SessionFormView() -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let session = use_session();
    let navigate = use_navigate();
    let host = move || session.me().map(|me| me.facility.id).unwrap_or_default();

    let fields = RwSignal::new(SessionForm::default());
    let input = Memo::new(move |_| fields.with(|fields| to_input(fields, host(), lang.get())));
    let problems = Memo::new(move |_| {
        let lang = lang.get();
        input.with(|(input, unreadable)| {
            let mut messages = rule_messages(input.validate(), lang);
            messages.extend(unreadable.clone());
            messages
        })
    });
    let form = CheckedSend::new(problems, move |body: SessionInput| {
        let key = new_idempotency_key();
        async move { api::consultations::create_sessions(api, &body, &key).await }
    })
    .on_answer(move |created| {
        // The calendar's week of the first session.
        if let Some(first) = created.sessions.first() {
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
        form.submit(|| input.get_untracked().0);
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

    let text = move |path, label, field, kind, required| {
        view! { <FormText form path label field kind required /> }
    };
    let mode = bind(fields, |f| &f.mode, |f| &mut f.mode);
    let specialty = bind(fields, |f| &f.specialty, |f| &mut f.specialty);
    let location = bind(fields, |f| &f.location, |f| &mut f.location);
    let online = move || {
        mode.value
            .with(|mode| mode == ConsultationMode::Online.as_str())
    };

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
                        {text("title", Key::SessionTitle, bind(fields, |f| &f.title, |f| &mut f.title), InputKind::Text, true)}
                        <SpecialtyField
                            value=specialty.value
                            on_change=specialty.set
                            messages=form.messages("specialty")
                        />
                        <div class="field">
                            <label for="f-mode">{move || lang.t(Key::ConsultationMode)}</label>
                            <select id="f-mode" on:change=move |event| mode.set.run(event_target_value(&event))>
                                {enum_options(ConsultationMode::all(), ConsultationMode::as_str, mode.value, lang)}
                            </select>
                        </div>
                        {text("date", Key::SessionDate, bind(fields, |f| &f.date, |f| &mut f.date), InputKind::Date, true)}
                        {text("time", Key::SessionTime, bind(fields, |f| &f.time, |f| &mut f.time), InputKind::Text, true)}
                        {text("duration_minutes", Key::DurationMinutes, bind(fields, |f| &f.duration, |f| &mut f.duration), InputKind::Number, true)}
                    </div>
                    <Show
                        when=online
                        fallback=move || {
                            view! {
                                <ChoiceField
                                    id="f-location_facility_id"
                                    label=Key::Place
                                    source=places
                                    choices=places_of
                                    value=location.value
                                    on_change=location.set
                                    messages=form.messages("location_facility_id")
                                />
                            }
                        }
                    >
                        {text("meeting_url", Key::MeetingUrl, bind(fields, |f| &f.meeting_url, |f| &mut f.meeting_url), InputKind::Text, true)}
                    </Show>
                    {text("repeat_weekly_until", Key::RepeatWeeklyUntil, bind(fields, |f| &f.repeat_until, |f| &mut f.repeat_until), InputKind::Date, false)}
                    <p class="field-hint">{move || lang.t(Key::RepeatWeeklyHint)}</p>
                    {text("note", Key::SessionNote, bind(fields, |f| &f.note, |f| &mut f.note), InputKind::Multiline, false)}
                </fieldset>
                <FormSection legend=Key::ChooseParticipants id="f-participants">
                    <div class="participant-list">
                        <Transition fallback=|| view! { <Loading /> }>
                            {move || Suspend::new(async move {
                                loaded(
                                    doctors.await,
                                    move |page| {
                                        page.items
                                            .into_iter()
                                            .map(|person| view! { <ParticipantChoice person fields /> })
                                            .collect_view()
                                    },
                                )
                            })}
                        </Transition>
                    </div>
                    <FieldErrors id="f-participants-errors" messages=form.messages("participants") />
                </FormSection>
                {move || form.failure().map(|error| view! { <ProblemView error inline_fields=INLINE /> })}
                <div class="form-actions">
                    <SubmitButton id="create-sessions" label=Key::CreateSessions pending=form.pending() />
                </div>
            </form>
        </section>
    }
}

/// Fields whose messages show next to their inputs.
const INLINE: &[&str] = &[
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
];

/// The places to choose among: the stations the host supports.
fn places_of(page: Page<Facility>) -> Vec<(i64, String)> {
    page.items
        .into_iter()
        .map(|place| (place.id, place.name))
        .collect()
}

/// One doctor who may sit on the session, ticked or not.
#[component]
fn ParticipantChoice(person: Staff, fields: RwSignal<SessionForm>) -> impl IntoView {
    let staff_id = person.id;
    let id = format!("participant-{staff_id}");
    let label_for = id.clone();
    let title = person.title.clone().unwrap_or_default();
    view! {
        <label class="checkbox" for=label_for>
            <input
                type="checkbox"
                id=id
                prop:checked=move || fields.with(|f| f.participants.contains(&staff_id))
                on:change=move |event| {
                    let on = event_target_checked(&event);
                    fields.update(|f| {
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
}
