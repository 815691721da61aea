//! Consultations (hội chẩn): the calendar of sessions by week, the form that schedules
//! sessions, the case requests a facility sent or received, the request form for
//! stations, and one case with the steps the state machine allows.
//!
//! Rules come from `shared::consultation`: the forms check their body with the same
//! validators the server runs, and a case shows only the `allowed_actions` the server
//! computed for this reader.

mod calendar;
mod case_detail;
mod case_form;
mod case_list;
mod session_form;

pub use calendar::CalendarPage;
pub use case_detail::CaseDetailPage;
pub use case_form::NewCasePage;
pub use case_list::CaseListPage;
pub use session_form::NewSessionPage;

use leptos::prelude::*;
use leptos_router::components::A;
use shared::Labelled;
use shared::auth::Capability;
use shared::consultation::{CaseBox, CaseStatus, ConsultationMode, SessionStatus};

use crate::components::{ModuleHeader, StateBadge, TabLink};
use crate::contexts::{use_capability, use_lang};
use crate::i18n::Key;

/// Where the consultation pages live.
const BASE: &str = "/consultations";

/// The page of one case.
fn case_href(id: i64) -> String {
    format!("{BASE}/cases/{id}")
}

/// Which of the module's pages is shown, for the tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Calendar,
    Inbox,
    Outbox,
}

/// Whether the signed-in person asks for consultations about patients (tracked).
fn may_request() -> impl Fn() -> bool + Copy {
    use_capability(Capability::RequestConsultation)
}

/// Whether the signed-in person schedules the sessions of their facility (tracked).
fn may_plan() -> impl Fn() -> bool + Copy {
    use_capability(Capability::ManageConsultationSessions)
}

/// A form page's content when the reader may use it (`allowed`, tracked), otherwise
/// why not and the way back.
#[component]
fn AllowedOr(
    allowed: impl Fn() -> bool + Send + Sync + 'static,
    /// Why the reader may not.
    refusal: Key,
    children: ChildrenFn,
) -> impl IntoView {
    let lang = use_lang();
    move || {
        if allowed() {
            children().into_any()
        } else {
            view! {
                <section class="page">
                    <p class="breadcrumb">
                        <A href=BASE>{move || lang.t(Key::BackToConsultations)}</A>
                    </p>
                    <div class="notice" role="status">
                        <p>{move || lang.t(refusal)}</p>
                    </div>
                </section>
            }
            .into_any()
        }
    }
}

/// The module's heading, its tabs, and the buttons of what the reader may start.
#[component]
fn ConsultationTabs(current: Tab) -> impl IntoView {
    let lang = use_lang();
    let may_request = may_request();
    let may_plan = may_plan();
    let actions = move || {
        let new_session = may_plan().then(|| {
            view! {
                <A href="/consultations/sessions/new" attr:class="button secondary" attr:id="new-session">
                    {move || lang.t(Key::NewSession)}
                </A>
            }
        });
        let new_case = may_request().then(|| {
            view! {
                <A href="/consultations/cases/new" attr:class="button primary" attr:id="new-case">
                    {move || lang.t(Key::NewCaseRequest)}
                </A>
            }
        });
        view! { <div class="header-links">{new_session} {new_case}</div> }
    };
    view! {
        <ModuleHeader title=Key::NavConsultations subtitle=Key::ConsultationsSubtitle actions>
            <TabLink
                href="/consultations"
                current=current == Tab::Calendar
                label=move || lang.t(Key::ConsultationCalendar)
            />
            <TabLink
                href="/consultations/cases?box=inbox"
                current=current == Tab::Inbox
                label=move || CaseBox::Inbox.label(lang.get())
            />
            <TabLink
                href="/consultations/cases?box=outbox"
                current=current == Tab::Outbox
                label=move || CaseBox::Outbox.label(lang.get())
            />
        </ModuleHeader>
    }
}

/// Online or in person.
#[component]
fn ModeBadge(mode: ConsultationMode) -> impl IntoView {
    let lang = use_lang();
    let class = format!("badge mode-{}", mode.as_str());
    view! { <span class=class>{move || mode.label(lang.get())}</span> }
}

/// Where a session stands.
#[component]
fn SessionStatusBadge(status: SessionStatus) -> impl IntoView {
    view! { <StateBadge state=status code=SessionStatus::as_str class="badge session-" /> }
}

/// Where a case stands.
#[component]
fn CaseStatusBadge(status: CaseStatus) -> impl IntoView {
    view! { <StateBadge state=status code=CaseStatus::as_str class="badge case-" /> }
}
