//! Supervision and quality criteria (giám sát chất lượng): the visits a facility runs or
//! receives, the form that schedules one, the visit itself on a phone (item by item, a
//! note and a photo per finding, the score as it builds up, submit), the corrective
//! actions (answered by the visited station, closed at a follow-up), the scores per
//! facility, and the checklist templates the Nursing office keeps.
//!
//! Rules come from `shared::supervision`: the score shown while answering is the shared
//! score function's, and every button is one of the `allowed_actions` the server
//! computed for this reader.

mod actions;
mod print;
mod scores;
mod templates;
mod visit;
mod visit_form;
mod visit_list;

pub use actions::ActionListPage;
pub use print::VisitPrintPage;
pub use scores::ScoresPage;
pub use templates::{TemplateListPage, TemplatePage};
pub use visit::VisitPage;
pub use visit_form::NewVisitPage;
pub use visit_list::VisitListPage;

use leptos::prelude::*;
use leptos_router::components::A;
use shared::auth::Capability;
use shared::supervision::{CorrectiveStatus, TemplateStatus, VisitStatus};

use crate::components::{ModuleHeader, StateBadge, TabLink};
use crate::contexts::{use_capability, use_lang};
use crate::i18n::Key;

/// Where the supervision pages live.
const BASE: &str = "/supervision";

/// The page of one visit.
fn visit_href(id: i64) -> String {
    format!("{BASE}/visits/{id}")
}

/// Which of the module's pages is shown, for the tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Visits,
    Actions,
    Scores,
    Templates,
}

/// Whether the signed-in person runs visits and keeps checklists (tracked).
fn may_supervise() -> impl Fn() -> bool + Copy {
    use_capability(Capability::SuperviseFacilities)
}

/// The module's heading, its tabs and "schedule a visit" for supervisors.
#[component]
fn SupervisionTabs(current: Tab) -> impl IntoView {
    let lang = use_lang();
    let may_supervise = may_supervise();
    let actions = move || {
        may_supervise().then(|| {
            view! {
                <div class="header-links">
                    <A href="/supervision/visits/new" attr:class="button primary" attr:id="new-visit">
                        {move || lang.t(Key::ScheduleVisit)}
                    </A>
                </div>
            }
        })
    };
    view! {
        <ModuleHeader title=Key::NavSupervision subtitle=Key::SupervisionSubtitle actions>
            <TabLink
                href="/supervision"
                id="tab-visits"
                current=current == Tab::Visits
                label=move || lang.t(Key::SupervisionVisits)
            />
            <TabLink
                href="/supervision/actions"
                id="tab-actions"
                current=current == Tab::Actions
                label=move || lang.t(Key::CorrectiveActions)
            />
            <TabLink
                href="/supervision/scores"
                id="tab-scores"
                current=current == Tab::Scores
                label=move || lang.t(Key::QualityScores)
            />
            <TabLink
                href="/supervision/templates"
                id="tab-templates"
                current=current == Tab::Templates
                label=move || lang.t(Key::ChecklistTemplates)
            />
        </ModuleHeader>
    }
}

/// Where a visit stands.
#[component]
fn VisitStatusBadge(status: VisitStatus) -> impl IntoView {
    view! { <StateBadge state=status code=VisitStatus::as_str class="badge visit-" id="visit-status" /> }
}

/// Where a corrective action stands.
#[component]
fn ActionStatusBadge(status: CorrectiveStatus) -> impl IntoView {
    view! { <StateBadge state=status code=CorrectiveStatus::as_str class="badge corrective-" /> }
}

/// Where a template stands.
#[component]
fn TemplateStatusBadge(status: TemplateStatus) -> impl IntoView {
    view! { <StateBadge state=status code=TemplateStatus::as_str class="badge template-" /> }
}

/// A score in percent with one decimal, in the language's way; "—" without one.
fn percent_text(lang: shared::Lang, percent: Option<f64>) -> String {
    match percent {
        Some(value) => {
            let text = format!("{value:.1} %");
            match lang {
                shared::Lang::Vi => text.replace('.', ","),
                shared::Lang::En => text,
            }
        }
        None => "—".to_string(),
    }
}

/// "Đạt" / "Không đạt" as a badge; nothing before the verdict.
#[component]
fn VerdictBadge(passed: Option<bool>) -> impl IntoView {
    let lang = use_lang();
    passed.map(|passed| {
        let (class, key) = if passed {
            ("badge verdict-pass", Key::Passed)
        } else {
            ("badge verdict-fail", Key::Failed)
        };
        view! { <span class=class data-passed=passed.to_string()>{move || lang.t(key)}</span> }
    })
}
