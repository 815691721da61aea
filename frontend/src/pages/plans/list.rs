//! `/plans`: the plans the person may see — code, title, issuer, period, status and
//! version — filtered by status, a page at a time; "new plan" for those who write plans.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::plan::{PlanQuery, PlanStatus, PlanSummary};

use super::{BASE, ModuleTab, PlanStatusBadge, PlansHeader, format_span, plan_href};
use crate::api::{self, use_api};
use crate::components::NoResults;
use crate::components::filters::{
    CheckFilter, EnumFilter, FilterActions, FilterForm, PagedList, UrlQuery, apply_filters,
    cursor_field, use_url_query,
};
use crate::components::list::{DataTable, Heading};
use crate::contexts::use_lang;
use crate::i18n::Key;
use crate::pages::query::{QueryParams, href_with, parse_param, text_param};

impl UrlQuery for PlanQuery {
    fn from_params(params: &dyn QueryParams) -> Self {
        PlanQuery {
            facility_id: parse_param(params, "facility_id"),
            status: parse_param(params, "status"),
            include_superseded: parse_param(params, "superseded").unwrap_or(false),
            limit: None,
            cursor: text_param(params, "cursor"),
        }
    }

    fn href(&self) -> String {
        let query = self;
        href_with(
            BASE,
            &[
                ("status", query.status.map(|s| s.as_str().to_string())),
                ("facility_id", query.facility_id.map(|id| id.to_string())),
                (
                    "superseded",
                    query.include_superseded.then(|| "true".to_string()),
                ),
                ("cursor", query.cursor.clone()),
            ],
        )
    }

    cursor_field!();
}

/// `/plans`.
#[component]
pub fn PlanListPage() -> impl IntoView {
    let api = use_api();
    let query = use_url_query::<PlanQuery>();
    let status = RwSignal::new(String::new());
    let superseded = RwSignal::new(false);
    // The form follows the address (a link, the back button).
    Effect::new(move |_| {
        let query = query.get();
        status.set(
            query
                .status
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
        );
        superseded.set(query.include_superseded);
    });
    let plans = LocalResource::new(move || {
        let query = query.get();
        async move { api::plans::list(api, &query).await }
    });
    let on_apply = apply_filters(move || PlanQuery {
        status: status.get_untracked().parse().ok(),
        include_superseded: superseded.get_untracked(),
        facility_id: query.with_untracked(|query| query.facility_id),
        ..PlanQuery::default()
    });

    view! {
        <section class="page">
            <PlansHeader current=ModuleTab::Plans />
            <FilterForm on_apply>
                <EnumFilter
                    id="plan-filter-status"
                    label=Key::Status
                    values=PlanStatus::all()
                    code=PlanStatus::as_str
                    field=status
                />
                <CheckFilter id="plan-filter-superseded" label=Key::IncludeSuperseded field=superseded />
                <FilterActions clear=BASE.to_string() apply_id="plan-filter-apply" />
            </FilterForm>
            <PagedList query page=plans show=|plans| view! { <PlanTable plans /> } />
        </section>
    }
}

/// The plans as a table.
#[component]
fn PlanTable(plans: Vec<PlanSummary>) -> impl IntoView {
    let lang = use_lang();
    if plans.is_empty() {
        return view! { <NoResults /> }.into_any();
    }
    let rows = plans
        .into_iter()
        .map(|plan| {
            let (start, end) = (plan.start_date, plan.end_date);
            let number = plan.version_number;
            view! {
                <tr class="plan-row" data-plan-id=plan.id data-status=plan.status.as_str()>
                    <td>
                        <code>{plan.code}</code>
                    </td>
                    <td>
                        <A href=plan_href(plan.id) attr:class="plan-link">
                            {plan.title}
                        </A>
                        {plan
                            .network
                            .then(|| {
                                view! {
                                    " "
                                    <span class="badge note">{move || lang.t(Key::NetworkPlan)}</span>
                                }
                            })}
                    </td>
                    <td>{plan.issuing_facility.name}</td>
                    <td class="when">{move || format_span(lang.get(), start, end)}</td>
                    <td>
                        <PlanStatusBadge status=plan.status />
                        {plan
                            .superseded_by_id
                            .map(|_| {
                                view! {
                                    " "
                                    <span class="badge off">{move || lang.t(Key::Superseded)}</span>
                                }
                            })}
                    </td>
                    <td class="number">{number}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable class="plans" id="plan-list" headings=vec![
            Heading::Label(Key::Code),
            Heading::Label(Key::PlanName),
            Heading::Label(Key::IssuingFacility),
            Heading::Label(Key::Period),
            Heading::Label(Key::Status),
            Heading::Label(Key::VersionNumber),
        ]>
            {rows}
        </DataTable>
    }
    .into_any()
}
