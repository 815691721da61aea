//! `/plans/:id/activities`: the activities by group with where each stands; planning at
//! the issuing facility records progress, and a supported station rates the support it
//! received (one to five stars and a comment).

use leptos::prelude::*;
use shared::Labelled;
use shared::plan::{
    Activity, ActivityFeedback, ActivityFeedbackInput, ActivityProgressInput, ActivityStatus, Plan,
    PlanStatus,
};
use shared::validation::field_messages;
use validator::Validate;

use super::frame::{PlanReload, PlanTab, plan_page};
use super::{format_number, format_span, own_station, parse_date, today, writes_plans_of};
use crate::api::{self, use_api};
use crate::components::{FieldErrors, NoResults, ProblemView, enum_options};
use crate::contexts::{use_lang, use_session};
use crate::i18n::{Key, format_date, format_datetime};

/// `/plans/:id/activities`.
#[component]
pub fn PlanActivitiesPage() -> impl IntoView {
    plan_page(PlanTab::Activities, |plan| {
        view! { <ActivitiesTab plan /> }.into_any()
    })
}

/// The groups and their activities.
#[component]
fn ActivitiesTab(plan: Plan) -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let issuing_id = plan.issuing_facility.id;
    let running = matches!(plan.status, PlanStatus::Approved | PlanStatus::Active);
    // Who the reader is, as far as these buttons go.
    let reader = Memo::new(move |_| {
        session.me().map(|me| {
            (
                running && writes_plans_of(&me, issuing_id),
                own_station(&me),
            )
        })
    });
    if plan
        .activity_groups
        .iter()
        .all(|group| group.activities.is_empty())
    {
        return view! { <NoResults /> }.into_any();
    }
    let groups = plan
        .activity_groups
        .into_iter()
        .map(|group| {
            let cards = group
                .activities
                .into_iter()
                .map(|activity| view! { <ActivityCard activity reader /> })
                .collect_view();
            view! {
                <section class="activity-group">
                    <h2>{group.title}</h2>
                    <div class="activity-cards">{cards}</div>
                </section>
            }
        })
        .collect_view();
    view! {
        <p class="muted">{move || lang.t(Key::ActivitiesIntro)}</p>
        {groups}
    }
    .into_any()
}

/// An activity's status, coloured by how far it got.
#[component]
fn ActivityStatusBadge(status: ActivityStatus) -> impl IntoView {
    let lang = use_lang();
    view! {
        <span class=format!("badge activity-status-{}", status.as_str()) data-status=status.as_str()>
            {move || status.label(lang.get())}
        </span>
    }
}

/// "★★★★☆".
fn stars(rating: i32) -> String {
    let rating = rating.clamp(0, 5) as usize;
    format!("{}{}", "★".repeat(rating), "☆".repeat(5 - rating))
}

/// One activity: what, who, where, when, progress, ratings, and the reader's forms.
#[component]
fn ActivityCard(
    activity: Activity,
    /// (records progress, the station the reader heads).
    reader: Memo<Option<(bool, Option<i64>)>>,
) -> impl IntoView {
    let lang = use_lang();
    let (start, end) = (activity.start_date, activity.end_date);
    let delivered = activity.delivered_on;
    let facilities = activity
        .facilities
        .iter()
        .map(|facility| facility.name.clone())
        .collect::<Vec<_>>()
        .join(", ");
    let average = (!activity.feedback.is_empty()).then(|| {
        activity
            .feedback
            .iter()
            .map(|feedback| f64::from(feedback.rating))
            .sum::<f64>()
            / activity.feedback.len() as f64
    });
    let served = StoredValue::new(
        activity
            .facilities
            .iter()
            .map(|facility| (facility.id, facility.name.clone()))
            .collect::<Vec<_>>(),
    );
    let rateable = matches!(
        activity.status,
        ActivityStatus::InProgress | ActivityStatus::Done
    );
    let (id, version, status) = (activity.id, activity.version, activity.status);
    let kind = activity.kind;
    let feedback = activity
        .feedback
        .into_iter()
        .map(|feedback| view! { <FeedbackLine feedback /> })
        .collect_view();
    let forms = move || {
        let (records, station) = reader.get()?;
        let rating_station = station.filter(|station| {
            rateable && served.with_value(|served| served.iter().any(|(id, _)| id == station))
        });
        Some(view! {
            {records.then(|| view! { <ProgressForm activity_id=id version status /> })}
            {rating_station.map(|station| view! { <RatingForm activity_id=id facility_id=station /> })}
        })
    };
    view! {
        <article class="activity-card" data-activity-id=id data-status=status.as_str()>
            <header class="activity-card-head">
                <h3>{activity.title}</h3>
                <ActivityStatusBadge status />
            </header>
            <p class="muted small">
                {move || kind.label(lang.get())} " · " {move || format_span(lang.get(), start, end)}
                {(!activity.responsible_unit.is_empty())
                    .then(|| format!(" · {}", activity.responsible_unit))}
            </p>
            {(!facilities.is_empty()).then(|| view! { <p class="small">{facilities}</p> })}
            {(!activity.description.is_empty())
                .then(|| view! { <p class="activity-description">{activity.description}</p> })}
            {delivered
                .map(|day| {
                    view! {
                        <p class="small">
                            {move || lang.t(Key::DeliveredOn)} ": " {move || format_date(lang.get(), day)}
                        </p>
                    }
                })}
            {activity
                .progress_note
                .map(|note| view! { <p class="timeline-note activity-progress-note">{note}</p> })}
            {average
                .map(|average| {
                    view! {
                        <p class="activity-rating small">
                            <span class="stars" aria-hidden="true">{stars(average.round() as i32)}</span>
                            " "
                            {move || {
                                format!("{} {}/5", lang.t(Key::AverageRating), format_number(lang.get(), average))
                            }}
                        </p>
                    }
                })}
            <div class="activity-feedback">{feedback}</div>
            {forms}
        </article>
    }
}

/// A station's rating of an activity.
#[component]
fn FeedbackLine(feedback: ActivityFeedback) -> impl IntoView {
    let lang = use_lang();
    let at = feedback.rated_at;
    view! {
        <div class="feedback" data-rating=feedback.rating data-facility-id=feedback.facility_id>
            <span class="stars" aria-label=format!("{}/5", feedback.rating)>{stars(feedback.rating)}</span>
            {feedback.comment.map(|comment| view! { " " <span class="feedback-comment">{comment}</span> })}
            <span class="muted small block">
                {feedback.rated_by} " · " {move || format_datetime(lang.get(), at)}
            </span>
        </div>
    }
}

/// Planning records how far the activity has got.
#[component]
fn ProgressForm(activity_id: i64, version: i64, status: ActivityStatus) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let reload = use_context::<PlanReload>();
    let open = RwSignal::new(false);
    let chosen = RwSignal::new(status.as_str().to_string());
    let delivered = RwSignal::new(today().to_string());
    let note = RwSignal::new(String::new());
    let input = move || {
        let status = chosen.get().parse().unwrap_or(status);
        let note = note.get().trim().to_string();
        ActivityProgressInput {
            status,
            delivered_on: (status == ActivityStatus::Done)
                .then(|| parse_date(&delivered.get()))
                .flatten(),
            note: (!note.is_empty()).then_some(note),
        }
    };
    let messages = Memo::new(move |_| {
        input()
            .validate()
            .err()
            .map(|errors| field_messages(&errors, lang.get()))
            .map(|messages| messages.into_values().flatten().collect::<Vec<_>>())
            .unwrap_or_default()
    });
    let send = Action::new_local(move |input: &ActivityProgressInput| {
        let input = input.clone();
        async move { api::plans::activity_progress(api, activity_id, version, &input).await }
    });
    let pending = send.pending();
    Effect::new(move |_| {
        if let Some(Ok(_)) = send.value().get() {
            open.set(false);
            if let Some(PlanReload(reload)) = reload {
                reload.run(());
            }
        }
    });
    let failure = move || send.value().get().and_then(Result::err);
    let done = move || chosen.get() == ActivityStatus::Done.as_str();
    let status_id = format!("activity-status-{activity_id}");
    let delivered_id = format!("activity-delivered-{activity_id}");
    let note_id = format!("activity-note-{activity_id}");
    let errors_id = format!("activity-progress-errors-{activity_id}");
    view! {
        <button
            type="button"
            class="button secondary small plan-activity-progress"
            data-activity-id=activity_id
            aria-expanded=move || open.get().to_string()
            on:click=move |_| open.update(|open| *open = !*open)
        >
            {move || lang.t(Key::RecordProgress)}
        </button>
        <div class="inline-form progress-form" hidden=move || !open.get()>
            <div class="form-grid">
                <div class="field">
                    <label for=status_id.clone()>{move || lang.t(Key::Status)}</label>
                    <select id=status_id on:change=move |event| chosen.set(event_target_value(&event))>
                        {enum_options(ActivityStatus::all(), ActivityStatus::as_str, chosen.into(), lang)}
                    </select>
                </div>
                <div class="field" hidden=move || !done()>
                    <label for=delivered_id.clone()>{move || lang.t(Key::DeliveredOn)}</label>
                    <input
                        id=delivered_id
                        type="date"
                        prop:value=move || delivered.get()
                        on:input=move |event| delivered.set(event_target_value(&event))
                    />
                </div>
            </div>
            <div class="field">
                <label for=note_id.clone()>{move || lang.t(Key::ProgressNote)}</label>
                <textarea
                    id=note_id
                    rows="2"
                    aria-describedby=errors_id.clone()
                    prop:value=move || note.get()
                    on:input=move |event| note.set(event_target_value(&event))
                ></textarea>
                <FieldErrors id=errors_id messages=messages />
            </div>
            <div class="dialog-actions">
                <button
                    type="button"
                    class="button primary small plan-progress-save"
                    data-activity-id=activity_id
                    disabled=move || pending.get() || !messages.with(Vec::is_empty)
                    on:click=move |_| {
                        send.dispatch_local(input());
                    }
                >
                    {move || lang.t(Key::Save)}
                </button>
            </div>
            {move || failure().map(|error| view! { <ProblemView error /> })}
        </div>
    }
}

/// A station rates the support it received: one to five stars and a comment.
#[component]
fn RatingForm(activity_id: i64, facility_id: i64) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let reload = use_context::<PlanReload>();
    let open = RwSignal::new(false);
    let rating = RwSignal::new(0);
    let comment = RwSignal::new(String::new());
    let input = move || {
        let text = comment.get().trim().to_string();
        ActivityFeedbackInput {
            facility_id,
            rating: rating.get(),
            comment: (!text.is_empty()).then_some(text),
        }
    };
    let valid = Memo::new(move |_| input().validate().is_ok());
    let send = Action::new_local(move |input: &ActivityFeedbackInput| {
        let input = input.clone();
        async move { api::plans::activity_feedback(api, activity_id, &input).await }
    });
    let pending = send.pending();
    Effect::new(move |_| {
        if let Some(Ok(_)) = send.value().get() {
            open.set(false);
            if let Some(PlanReload(reload)) = reload {
                reload.run(());
            }
        }
    });
    let failure = move || send.value().get().and_then(Result::err);
    let comment_id = format!("activity-comment-{activity_id}");
    let star_buttons = (1..=5)
        .map(|value| {
            view! {
                <button
                    type="button"
                    class=move || { if rating.get() >= value { "star on" } else { "star" } }
                    data-star=value
                    aria-pressed=move || (rating.get() == value).to_string()
                    aria-label=format!("{value}/5")
                    on:click=move |_| rating.set(value)
                >
                    "★"
                </button>
            }
        })
        .collect_view();
    view! {
        <button
            type="button"
            class="button secondary small plan-activity-rate"
            data-activity-id=activity_id
            aria-expanded=move || open.get().to_string()
            on:click=move |_| open.update(|open| *open = !*open)
        >
            {move || lang.t(Key::RateSupport)}
        </button>
        <div class="inline-form rating-form" hidden=move || !open.get()>
            <div class="field">
                <span class="field-label">{move || lang.t(Key::Rating)}</span>
                <div class="star-rating" role="group" aria-label=move || lang.t(Key::Rating)>
                    {star_buttons}
                </div>
            </div>
            <div class="field">
                <label for=comment_id.clone()>{move || lang.t(Key::FeedbackComment)}</label>
                <textarea
                    id=comment_id
                    rows="2"
                    prop:value=move || comment.get()
                    on:input=move |event| comment.set(event_target_value(&event))
                ></textarea>
            </div>
            <div class="dialog-actions">
                <button
                    type="button"
                    class="button primary small plan-feedback-save"
                    data-activity-id=activity_id
                    disabled=move || pending.get() || !valid.get()
                    on:click=move |_| {
                        send.dispatch_local(input());
                    }
                >
                    {move || lang.t(Key::Save)}
                </button>
            </div>
            {move || failure().map(|error| view! { <ProblemView error /> })}
        </div>
    }
}
