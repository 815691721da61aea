//! `/`: what waits for the signed-in person (their work queue), then who they are and
//! the way into each module.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::Labelled;
use shared::work_queue::{WorkGroup, WorkItem, WorkQueue};

use crate::api::{self, use_api};
use crate::components::{Loading, loaded};
use crate::contexts::{use_lang, use_session};
use crate::i18n::{Key, format_date, format_datetime};
use crate::pages::admin::HolidayGaps;
use crate::pages::referrals::UrgencyBadge;

/// The modules, in the order the navigation shows them.
const MODULES: [(&str, Key, Key); 5] = [
    ("/plans", Key::NavPlans, Key::PlansSummary),
    ("/rotations", Key::NavRotations, Key::RotationsSummary),
    (
        "/consultations",
        Key::NavConsultations,
        Key::ConsultationsSummary,
    ),
    ("/referrals", Key::NavReferrals, Key::ReferralsSummary),
    ("/registry", Key::NavRegistry, Key::RegistrySummary),
];

/// The dashboard.
#[component]
pub fn HomePage() -> impl IntoView {
    let session = use_session();
    let lang = use_lang();

    let profile = move || {
        let Some(me) = session.me() else {
            return view! { <Loading /> }.into_any();
        };
        let role = me.role;
        let kind = me.facility.kind;
        view! {
            <header class="page-header">
                <h1>{move || lang.t(Key::Greeting)} ", " {me.full_name}</h1>
            </header>
            <dl class="facts">
                <div>
                    <dt>{move || lang.t(Key::Role)}</dt>
                    <dd>{move || role.label(lang.get())}</dd>
                </div>
                <div>
                    <dt>{move || lang.t(Key::Facility)}</dt>
                    <dd>
                        <A href=format!(
                            "/registry/facilities/{}",
                            me.facility.id,
                        )>{me.facility.name}</A>
                        <span class="muted">" · " {move || kind.label(lang.get())}</span>
                    </dd>
                </div>
            </dl>
        }
        .into_any()
    };

    // Told to admins and planners only (the server fills it for them).
    let gaps = Signal::derive(move || {
        session
            .me()
            .map(|me| me.holiday_years_missing)
            .unwrap_or_default()
    });

    view! {
        <section class="page">
            {profile}
            <HolidayGaps gaps link=true />
            <WorkQueueCards />
            <h2>{move || lang.t(Key::Modules)}</h2>
            <ul class="cards">
                {MODULES
                    .into_iter()
                    .map(|(href, name, summary)| {
                        view! {
                            <li class="card">
                                <A href=href>
                                    <span class="card-title">{move || lang.t(name)}</span>
                                    <span class="card-text">{move || lang.t(summary)}</span>
                                </A>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

/// The work queue: one card per kind of work the person acts on, with how many wait,
/// the first few as links, and the whole list ("Xem tất cả").
#[component]
fn WorkQueueCards() -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let queue = LocalResource::new(move || api::auth::work_queue(api));
    view! {
        <h2 id="work-queue-title">{move || lang.t(Key::WorkQueueTitle)}</h2>
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                loaded(queue.await, |queue: WorkQueue| {
                    view! {
                        <ul class="work-queue" id="work-queue" aria-labelledby="work-queue-title">
                            {queue
                                .groups
                                .into_iter()
                                .map(|group| view! { <WorkCard group /> })
                                .collect_view()}
                        </ul>
                    }
                })
            })}
        </Transition>
    }
}

/// One kind of work.
#[component]
fn WorkCard(group: WorkGroup) -> impl IntoView {
    let lang = use_lang();
    let kind = group.kind;
    let (count, overdue) = (group.count, group.overdue);
    let items = if group.items.is_empty() {
        view! { <p class="muted small">{move || lang.t(Key::NothingWaiting)}</p> }.into_any()
    } else {
        view! {
            <ul class="work-items">
                {group.items.into_iter().map(|item| view! { <WorkLine item /> }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <li class="work-card" class:work-empty=count == 0 data-kind=kind.as_str()>
            <h3 class="work-head">
                <span class="work-count">{count}</span>
                " "
                <span class="work-kind">{move || kind.label(lang.get())}</span>
            </h3>
            {(overdue > 0)
                .then(|| {
                    view! {
                        <span class="badge overdue">
                            {overdue} " " {move || lang.t(Key::Overdue)}
                        </span>
                    }
                })}
            {items}
            {(count > 0)
                .then(|| {
                    view! {
                        <A href=group.route attr:class="see-all">
                            {move || lang.t(Key::SeeAll)}
                        </A>
                    }
                })}
        </li>
    }
}

/// One item: its link, what it is about, when it is due and how urgent.
#[component]
fn WorkLine(item: WorkItem) -> impl IntoView {
    let lang = use_lang();
    let (due_at, due_on) = (item.due_at, item.due_on);
    let when = move || {
        let lang = lang.get();
        due_at
            .map(|at| format_datetime(lang, at))
            .or_else(|| due_on.map(|day| format_date(lang, day)))
    };
    view! {
        <li class="work-item" class:row-overdue=item.overdue>
            <A href=item.route attr:class="work-link">
                {item.title}
            </A>
            {item.urgency.map(|urgency| view! { <UrgencyBadge urgency /> })}
            <span class="muted small block">
                {item.detail.map(|detail| view! { <span>{detail}</span> " " })}
                {when}
            </span>
        </li>
    }
}
