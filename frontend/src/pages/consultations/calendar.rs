//! `/consultations?week=YYYY-MM-DD`: the sessions of one week (Monday to Sunday, in
//! Vietnam's calendar), day by day: time, mode, meeting link or place, participants and
//! how many cases are on them. The host's planners may call a session off.

use chrono::{Datelike, NaiveDate, TimeDelta, Utc};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use shared::Lang;
use shared::consultation::{
    ConsultationCancelInput, ConsultationMode, ConsultationSession, SessionQuery, SessionStatus,
};
use shared::registry::specialty_label;
use shared::time::{to_vietnam, vietnam_date};
use validator::Validate;

use super::{ConsultationTabs, ModeBadge, SessionStatusBadge, Tab};
use crate::api::{self, use_api};
use crate::components::{Loading, ProblemView, loaded};
use crate::contexts::use_lang;
use crate::i18n::{Key, format_date, t};
use crate::pages::query::parse_param;

/// The Monday of the week holding `day`.
fn monday_of(day: NaiveDate) -> NaiveDate {
    day - TimeDelta::days(i64::from(day.weekday().num_days_from_monday()))
}

fn week_href(monday: NaiveDate) -> String {
    format!("/consultations?week={monday}")
}

/// A weekday's name.
fn weekday_name(lang: Lang, day: NaiveDate) -> &'static str {
    shared::time::weekday_name(day.weekday(), lang)
}

/// The consultation calendar, a week at a time.
#[component]
pub fn CalendarPage() -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let params = use_query_map();
    let today = vietnam_date(Utc::now());
    let monday = Memo::new(move |_| {
        let day = params.with(|params| parse_param::<NaiveDate>(params, "week"));
        monday_of(day.unwrap_or(today))
    });
    let sessions = LocalResource::new(move || {
        let monday = monday.get();
        let query = SessionQuery {
            from: Some(monday),
            to: Some(monday + TimeDelta::days(6)),
            limit: Some(200),
            ..SessionQuery::default()
        };
        async move { api::consultations::sessions(api, &query).await }
    });
    let changed = Callback::new(move |()| sessions.refetch());

    view! {
        <section class="page consultations">
            <ConsultationTabs current=Tab::Calendar />
            <div class="week-nav" role="group" aria-label=move || lang.t(Key::ConsultationCalendar)>
                <A href=move || week_href(monday.get() - TimeDelta::days(7)) attr:id="previous-week">
                    "← "
                    {move || lang.t(Key::PreviousWeek)}
                </A>
                <strong class="week-label" id="week-label">
                    {move || {
                        let lang = lang.get();
                        let monday = monday.get();
                        format!(
                            "{} {} – {}",
                            t(lang, Key::WeekOf),
                            format_date(lang, monday),
                            format_date(lang, monday + TimeDelta::days(6)),
                        )
                    }}
                </strong>
                <A href=move || week_href(monday.get() + TimeDelta::days(7)) attr:id="next-week">
                    {move || lang.t(Key::NextWeek)}
                    " →"
                </A>
                <A href=move || week_href(monday_of(today))>{move || lang.t(Key::ThisWeek)}</A>
            </div>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    loaded(
                        sessions.await,
                        move |page| {
                            view! { <Week monday=monday.get_untracked() sessions=page.items changed /> }
                        },
                    )
                })}
            </Transition>
        </section>
    }
}

/// The days of a week that have sessions.
#[component]
fn Week(
    monday: NaiveDate,
    sessions: Vec<ConsultationSession>,
    changed: Callback<()>,
) -> impl IntoView {
    let lang = use_lang();
    if sessions.is_empty() {
        return view! { <p class="empty">{move || lang.t(Key::NoSessionsThisWeek)}</p> }.into_any();
    }
    let days = (0..7)
        .map(|offset| monday + TimeDelta::days(offset))
        .filter_map(|day| {
            let on_day: Vec<ConsultationSession> = sessions
                .iter()
                .filter(|session| vietnam_date(session.starts_at) == day)
                .cloned()
                .collect();
            (!on_day.is_empty()).then(|| {
                view! {
                    <section class="calendar-day" data-day=day.to_string()>
                        <h2>
                            {move || {
                                let lang = lang.get();
                                format!("{}, {}", weekday_name(lang, day), format_date(lang, day))
                            }}
                        </h2>
                        <ul class="plain-list sessions">
                            {on_day
                                .into_iter()
                                .map(|session| view! { <SessionCard session changed /> })
                                .collect_view()}
                        </ul>
                    </section>
                }
            })
        })
        .collect_view();
    view! { <div class="calendar-week">{days}</div> }.into_any()
}

/// One session: when, what, how to join, who takes part.
#[component]
fn SessionCard(session: ConsultationSession, changed: Callback<()>) -> impl IntoView {
    let lang = use_lang();
    let time = format!(
        "{} – {}",
        to_vietnam(session.starts_at).format("%H:%M"),
        to_vietnam(session.ends_at).format("%H:%M")
    );
    let cancelled = session.status == SessionStatus::Cancelled;
    let link = session
        .meeting_url
        .clone()
        .filter(|_| session.mode == ConsultationMode::Online && !cancelled)
        .map(|url| {
            view! {
                <a class="button secondary small meeting-link" href=url target="_blank" rel="noopener noreferrer">
                    {move || lang.t(Key::JoinMeeting)}
                </a>
            }
        });
    let place = session.location_facility.clone().map(|place| {
        view! {
            <p class="small">
                <span class="muted">{move || lang.t(Key::Place)} ": "</span>
                {place.name}
            </p>
        }
    });
    let specialty = session.specialty.clone();
    let participants = if session.participants.is_empty() {
        view! { <span class="muted">{move || lang.t(Key::NoParticipants)}</span> }.into_any()
    } else {
        session
            .participants
            .iter()
            .map(|person| match &person.title {
                Some(title) => format!("{title} {}", person.full_name),
                None => person.full_name.clone(),
            })
            .collect::<Vec<_>>()
            .join(", ")
            .into_any()
    };
    let case_count = session.case_count;
    let reason = session.status_reason.clone();
    let note = session.note.clone();
    let cancel = session
        .editable
        .then(|| view! { <CancelSession id=session.id version=session.version changed /> });
    view! {
        <li class="session-card" class:session-cancelled=cancelled data-session-id=session.id>
            <div class="session-when">
                <strong>{time}</strong>
            </div>
            <div class="session-body">
                <p class="session-title">
                    <strong>{session.title.clone()}</strong>
                    " "
                    <ModeBadge mode=session.mode />
                    <SessionStatusBadge status=session.status />
                </p>
                <p class="muted small">
                    {move || lang.t(Key::HostFacility)} ": " {session.host_facility.name.clone()}
                    {move || {
                        specialty
                            .as_deref()
                            .map(|code| format!(" · {}", specialty_label(code, lang.get())))
                    }}
                </p>
                {place}
                <p class="small participants">
                    <span class="muted">{move || lang.t(Key::Participants)} ": "</span>
                    {participants}
                </p>
                {(case_count > 0)
                    .then(|| {
                        view! {
                            <p class="small">
                                <span class="badge note">
                                    {case_count} " " {move || lang.t(Key::CasesInSession)}
                                </span>
                            </p>
                        }
                    })}
                {note.map(|note| view! { <p class="small">{note}</p> })}
                {reason.map(|reason| view! { <p class="small muted">{reason}</p> })}
                {link}
                {cancel}
            </div>
        </li>
    }
}

/// "Call the session off", with the reason asked first.
#[component]
fn CancelSession(id: i64, version: i64, changed: Callback<()>) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let open = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let tried = RwSignal::new(false);
    let body = move || ConsultationCancelInput {
        reason: reason.get().trim().to_string(),
    };
    let problems = Memo::new(move |_| {
        body()
            .validate()
            .err()
            .map(|errors| shared::validation::field_messages(&errors, lang.get()))
            .unwrap_or_default()
    });
    let run = Action::new_local(move |input: &ConsultationCancelInput| {
        let input = input.clone();
        async move { api::consultations::cancel_session(api, id, version, &input).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = run.value().get() {
            changed.run(());
        }
    });
    let messages = Signal::derive(move || {
        if tried.get() {
            problems.with(|p| p.get("reason").cloned().unwrap_or_default())
        } else {
            Vec::new()
        }
    });
    let confirm = move |_| {
        tried.set(true);
        if problems.with_untracked(|p| p.is_empty()) {
            run.dispatch_local(body());
        }
    };
    view! {
        <div class="session-cancel">
            <button
                type="button"
                class="button ghost small"
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|open| *open = !*open)
            >
                {move || lang.t(Key::CancelSession)}
            </button>
            <Show when=move || open.get()>
                <crate::components::form::TextField
                    id=format!("cancel-session-{id}")
                    label=Key::ReasonRequired
                    value=reason
                    on_input=Callback::new(move |text| reason.set(text))
                    messages
                    required=true
                />
                {move || run.value().get().and_then(Result::err).map(|error| view! { <ProblemView error /> })}
                <button
                    type="button"
                    class="button danger small"
                    disabled=move || run.pending().get()
                    on:click=confirm
                >
                    {move || lang.t(Key::Confirm)}
                </button>
            </Show>
        </div>
    }
}
