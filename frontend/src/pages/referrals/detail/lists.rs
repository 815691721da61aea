//! The lists of a referral: diagnoses, linked referrals, follow-ups, the timeline.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::Labelled;
use shared::referral::{Diagnosis, FollowUp, ReferralEvent, ReferralLink};

use crate::contexts::use_lang;
use crate::i18n::{Key, format_date, format_datetime};
use crate::pages::referrals::{FlagBadges, StatusBadge, referral_href};
use shared::time::to_vietnam;

/// Diagnoses, main first.
#[component]
pub(super) fn DiagnosisList(diagnoses: Vec<Diagnosis>) -> impl IntoView {
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
pub(super) fn LinkList(links: Vec<ReferralLink>) -> impl IntoView {
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
pub(super) fn FollowUpList(items: Vec<FollowUp>) -> impl IntoView {
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
pub(super) fn Timeline(events: Vec<ReferralEvent>) -> impl IntoView {
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
                    // The person's name; the user name only for a machine or a removed
                    // account.
                    let actor = event.actor_name.unwrap_or(event.actor);
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
                                    <span class="actor">{actor}</span>
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
