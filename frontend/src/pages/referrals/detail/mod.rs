//! `/referrals/:id`: one referral — its header, the patient and the clinical summary
//! (for the two facilities concerned), the outcome and follow-ups, the linked
//! referrals, the timeline, and the buttons of `allowed_actions`, each with a small
//! dialog asking for what its endpoint needs.

mod body;
mod dialog;
mod inputs;
mod lists;

use leptos::prelude::*;
use leptos_router::components::A;
use shared::Labelled;
use shared::referral::{Referral, ReferralAction};

use self::body::ReferralBody;
use self::dialog::ReferralActionDialog;
use self::lists::Timeline;
use super::{
    BASE, FlagBadges, InvalidReferralId, StatusBadge, UrgencyBadge, referral_href, use_id_param,
};
use crate::api::{self, use_api};
use crate::components::{ActionBar, Loading, loaded};
use crate::contexts::use_lang;
use crate::i18n::{Key, format_date, format_datetime, t};

/// `/referrals/:id`.
#[component]
pub fn ReferralDetailPage() -> impl IntoView {
    let id = use_id_param();
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
    // `?sent=1`: the form just sent this slip.
    let query = leptos_router::hooks::use_query_map();
    let just_sent = move || query.with(|q| q.get("sent").is_some_and(|v| v == "1"));
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
                            let number = referral.slip_number.clone();
                            view! {
                                {just_sent()
                                    .then(|| {
                                        view! {
                                            <div class="alert alert-success" role="status" id="sent-confirmation">
                                                {lang.t(Key::SentWithNumber)} " " <strong>{number}</strong>
                                            </div>
                                        }
                                    })}
                                <ReferralHeader referral=referral.clone() />
                                <ReferralActions referral=referral.clone() open changed />
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
fn ReferralActions(
    referral: Referral,
    open: RwSignal<Option<ReferralAction>>,
    changed: Callback<()>,
) -> impl IntoView {
    let class = |action: ReferralAction| match action {
        ReferralAction::Decline | ReferralAction::Cancel => "button danger",
        ReferralAction::Redirect => "button secondary",
        _ => "button primary",
    };
    view! {
        <ActionBar
            actions=referral.allowed_actions.clone()
            open
            code=ReferralAction::as_str
            class
            dialog=move |action| {
                view! { <ReferralActionDialog action referral=referral.clone() open changed /> }
            }
        />
    }
}
