//! Support plans (kế hoạch hỗ trợ chuyên môn): the list, the editor in the sections of the
//! official document, one plan with its approval steps and tabs (the document, the
//! activities, the indicator dashboard, value entry for stations, evaluations, versions),
//! the print view, the periodic report and the stations' support requests.
//!
//! Rules come from `shared::plan`: the editor checks the plan with the same `Validate`
//! derives the server runs, periods are `shared::plan::Period`, and the buttons are the
//! `allowed_actions` (plans) and `may_edit`/`may_approve` (evaluations) the server
//! computed for this reader.

mod activities;
mod board;
mod charts;
mod document;
mod editor;
mod evaluations;
mod frame;
mod list;
mod report;
mod support;
mod values;
mod versions;

pub use activities::PlanActivitiesPage;
pub use board::PlanIndicatorsPage;
pub use document::{PlanDocumentPage, PlanPrintPage};
pub use editor::{EditPlanPage, NewPlanPage};
pub use evaluations::{EvaluationPage, PlanEvaluationsPage};
pub use list::PlanListPage;
pub use report::PlanReportPage;
pub use support::SupportRequestsPage;
pub use values::PlanValuesPage;
pub use versions::PlanVersionsPage;

use chrono::{Datelike, NaiveDate, Utc};
use leptos::prelude::*;
use leptos_router::components::A;
use shared::Labelled;
use shared::Lang;
use shared::auth::{Capability, Me};
use shared::plan::{Direction, Period, Plan, PlanPhase, PlanStatus, TrafficLight};
use shared::time::vietnam_date;

use crate::components::{InvalidId, ModuleHeader, StateBadge, TabLink, use_id_param};
use crate::contexts::{use_lang, use_session};
use crate::i18n::{Key, format_date};

/// Where the plan pages live.
const BASE: &str = "/plans";

/// The support requests' page.
const SUPPORT_REQUESTS: &str = "/support-requests";

/// The page of one plan.
fn plan_href(id: i64) -> String {
    format!("{BASE}/{id}")
}

/// A sub-page of one plan: `/plans/{id}/{page}`.
fn plan_page_href(id: i64, page: &str) -> String {
    format!("{BASE}/{id}/{page}")
}

/// The page of one evaluation.
fn evaluation_href(id: i64) -> String {
    format!("/evaluations/{id}")
}

// Who may do what comes from the server's policy (`GET /me`'s capabilities, a plan's
// `allowed_actions`); these only choose the buttons to show.

/// Whether `me` writes plans: the planning office of a facility, or the Department of
/// Health for network plans.
fn writes_plans(me: &Me) -> bool {
    me.can(Capability::WritePlans)
}

/// Whether the signed-in person writes plans (tracked).
fn may_write_plans() -> impl Fn() -> bool + Copy {
    let session = use_session();
    move || session.me().is_some_and(|me| writes_plans(&me))
}

/// Whether `me` writes the plans of the issuing facility: records activity progress and
/// generates evaluations.
fn writes_plans_of(me: &Me, issuing_facility_id: i64) -> bool {
    writes_plans(me) && me.facility.id == issuing_facility_id
}

/// Whether `me` approves (locks) the values reported under the issuing facility's plans.
fn approves_values_of(me: &Me, issuing_facility_id: i64) -> bool {
    me.can(Capability::ApproveIndicatorValues) && me.facility.id == issuing_facility_id
}

/// The facility `me` reports for and rates support as (a station's head or director).
fn own_station(me: &Me) -> Option<i64> {
    me.can(Capability::EnterIndicatorValues)
        .then_some(me.facility.id)
}

/// The station `me` reports for among the plan's supported facilities, if any.
fn reporting_station(me: &Me, plan: &Plan) -> Option<i64> {
    own_station(me).filter(|station| {
        plan.supported_facilities
            .iter()
            .any(|facility| facility.id == *station)
    })
}

/// Whether `me` answers the support requests of the stations below.
fn answers_support_requests(me: &Me) -> bool {
    me.can(Capability::HandleSupportRequests)
}

/// What a page shows for an id that is not one.
#[component]
fn InvalidPlanId() -> impl IntoView {
    view! { <InvalidId back=BASE back_label=Key::BackToPlans /> }
}

/// A plan's status, coloured by where it stands.
#[component]
fn PlanStatusBadge(status: PlanStatus, #[prop(optional)] id: &'static str) -> impl IntoView {
    view! { <StateBadge state=status code=PlanStatus::as_str class="badge plan-status plan-status-" id /> }
}

/// The CSS class of a traffic light (`light-green`, `light-amber`, `light-red`), or
/// `light-none` when attainment cannot be said.
fn light_class(light: Option<TrafficLight>) -> String {
    match light {
        Some(light) => format!("light-{}", light.as_str()),
        None => "light-none".to_string(),
    }
}

/// A traffic light as a coloured chip with its word.
#[component]
fn LightChip(light: Option<TrafficLight>) -> impl IntoView {
    let lang = use_lang();
    let class = format!("light-chip {}", light_class(light));
    view! {
        <span class=class data-light=light.map(|light| light.as_str())>
            <span class="light-dot" aria-hidden="true"></span>
            {move || match light {
                Some(light) => light.label(lang.get()).to_string(),
                None => lang.t(Key::NoAttainment).to_string(),
            }}
        </span>
    }
}

/// Next to a lower-is-better indicator's name, "↓ Càng thấp càng tốt": its target is a
/// ceiling, met at or under it. Nothing for the usual higher-is-better ones.
#[component]
fn DirectionNote(direction: Direction) -> impl IntoView {
    let lang = use_lang();
    (direction == Direction::LowerIsBetter).then(|| {
        view! {
            <span class="direction-note" data-direction=direction.as_str()>
                {move || format!("{} {}", direction.arrow(), direction.label(lang.get()))}
            </span>
        }
    })
}

/// "Đã duyệt" or, clearly, "Chưa duyệt".
#[component]
fn ApprovedBadge(approved: bool) -> impl IntoView {
    let lang = use_lang();
    let (class, key) = if approved {
        ("badge values-approved", Key::ValuesApproved)
    } else {
        ("badge values-unapproved", Key::ValuesNotApproved)
    };
    view! { <span class=class data-approved=approved.to_string()>{move || lang.t(key)}</span> }
}

/// "01/01/2026 – 31/12/2026".
fn format_span(lang: Lang, start: NaiveDate, end: NaiveDate) -> String {
    format!("{} – {}", format_date(lang, start), format_date(lang, end))
}

/// A figure as people in each language write it: at most two decimals, trailing zeros
/// dropped, Vietnamese with a decimal comma.
fn format_number(lang: Lang, value: f64) -> String {
    let text = format!("{value:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.').to_string();
    match lang {
        Lang::Vi => text.replace('.', ","),
        Lang::En => text,
    }
}

/// An optional figure, "—" when absent.
fn format_optional(lang: Lang, value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_string(), |value| format_number(lang, value))
}

/// An attainment in percent, "—" when it cannot be said.
fn format_percent(lang: Lang, value: Option<f64>) -> String {
    value.map_or_else(
        || "—".to_string(),
        |value| format!("{} %", format_number(lang, value)),
    )
}

/// A figure typed by a person: a decimal comma or point, spaces ignored.
fn parse_number(text: &str) -> Option<f64> {
    let cleaned: String = text
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    cleaned
        .parse::<f64>()
        .ok()
        .filter(|value| value.is_finite())
}

/// A calendar date typed in a date input.
fn parse_date(value: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").ok()
}

/// Today in Vietnam.
fn today() -> NaiveDate {
    vietnam_date(Utc::now())
}

/// The periods a plan reports on: for each of its years the quarters, the halves and
/// the year, then its phases.
fn plan_periods(start: NaiveDate, end: NaiveDate, phases: &[PlanPhase]) -> Vec<Period> {
    let mut periods = Vec::new();
    for year in start.year()..=end.year().min(start.year() + 10) {
        periods.extend(Period::quarters(year));
        periods.push(Period::Half(year, 1));
        periods.push(Period::Half(year, 2));
        periods.push(Period::Year(year));
    }
    periods.extend(
        phases
            .iter()
            .filter_map(|phase| phase.code.parse::<Period>().ok()),
    );
    periods
}

/// The period a plan's pages open on: the quarter of today while the plan runs, else
/// its first (or, once over, its last) quarter.
fn default_period(start: NaiveDate, end: NaiveDate) -> Period {
    let today = today();
    let day = today.clamp(start, end.max(start));
    Period::quarter_of(day)
}

/// Which of the module's lists a page shows, for the tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ModuleTab {
    Plans,
    SupportRequests,
}

/// The module's heading and tabs: the plans, and the stations' support requests; "new
/// plan" for those who write plans.
#[component]
fn PlansHeader(current: ModuleTab) -> impl IntoView {
    let lang = use_lang();
    let may_create = may_write_plans();
    let actions = move || {
        may_create().then(|| {
            view! {
                <A href="/plans/new" attr:class="button primary" attr:id="new-plan">
                    {move || lang.t(Key::NewPlan)}
                </A>
            }
        })
    };
    view! {
        <ModuleHeader title=Key::NavPlans subtitle=Key::PlansSubtitle actions>
            <TabLink
                href=BASE
                id="tab-plans"
                current=current == ModuleTab::Plans
                label=move || lang.t(Key::PlanList)
            />
            <TabLink
                href=SUPPORT_REQUESTS
                id="tab-support-requests"
                current=current == ModuleTab::SupportRequests
                label=move || lang.t(Key::SupportRequests)
            />
        </ModuleHeader>
    }
}

/// Opens the browser's print dialog (the CSP allows no inline script, so not `onclick`).
fn print_page() {
    if let Some(window) = web_sys::window()
        && let Err(error) = window.print()
    {
        leptos::logging::warn!("could not open the print dialog: {error:?}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_and_print_in_both_languages() {
        assert_eq!(parse_number(" 12,5 "), Some(12.5));
        assert_eq!(parse_number("1 000"), Some(1000.0));
        assert_eq!(parse_number("x"), None);
        assert_eq!(format_number(Lang::Vi, 12.5), "12,5");
        assert_eq!(format_number(Lang::En, 12.0), "12");
        assert_eq!(format_percent(Lang::Vi, Some(90.94)), "90,94 %");
    }
}
