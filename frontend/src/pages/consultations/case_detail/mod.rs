//! `/consultations/cases/:id`: one case request — the two facilities, the session it is
//! on (with its meeting link), the patient and the question (for the two facilities
//! only), the conclusion with the referral draft it opened, the outcome reported back,
//! and the buttons of `allowed_actions`, each with a small dialog asking for what its
//! endpoint needs.

mod body;
mod dialog;

use leptos::prelude::*;
use leptos_router::components::A;
use shared::Labelled;
use shared::consultation::{CaseAction, ConsultationCase, ConsultationMode, SessionStatus};
use shared::registry::specialty_label;

use self::body::CaseBody;
use self::dialog::StepDialog;
use super::{BASE, CaseStatusBadge, ModeBadge, SessionStatusBadge};
use crate::api::{self, use_api};
use crate::components::{ActionBar, InvalidId, Loading, loaded, use_id_param};
use crate::contexts::use_lang;
use crate::i18n::{Key, format_datetime};

/// `/consultations/cases/:id`.
#[component]
pub fn CaseDetailPage() -> impl IntoView {
    let id = use_id_param();
    move || match id.get() {
        Some(id) => view! { <CaseDetail id /> }.into_any(),
        None => view! { <InvalidId back=BASE back_label=Key::BackToConsultations /> }.into_any(),
    }
}

/// The case, its actions and what it says.
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
