//! `/plans`: the plans the person may see — code, title, issuer, period, status and
//! version — filtered by status, a page at a time; "new plan" for those who write plans.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::params::ParamsMap;
use shared::plan::{PlanQuery, PlanStatus, PlanSummary};

use super::{BASE, ModuleTab, PlanStatusBadge, PlansHeader, format_span, plan_href};
use crate::api::{self, use_api};
use crate::components::{Loading, NoResults, Pager, enum_options, loaded};
use crate::contexts::use_lang;
use crate::i18n::Key;
use crate::pages::query::{href_with, parse_param, text_param};

fn query_from(params: &ParamsMap) -> PlanQuery {
    PlanQuery {
        facility_id: parse_param(params, "facility_id"),
        status: parse_param(params, "status"),
        include_superseded: parse_param(params, "superseded").unwrap_or(false),
        limit: None,
        cursor: text_param(params, "cursor"),
    }
}

fn href(query: &PlanQuery) -> String {
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

/// `/plans`.
#[component]
pub fn PlanListPage() -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let params = use_query_map();
    let navigate = use_navigate();
    let query = Memo::new(move |_| params.with(query_from));
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
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        let wanted = PlanQuery {
            status: status.get_untracked().parse().ok(),
            include_superseded: superseded.get_untracked(),
            facility_id: query.with_untracked(|query| query.facility_id),
            ..PlanQuery::default()
        };
        navigate(&href(&wanted), Default::default());
    };

    view! {
        <section class="page">
            <PlansHeader current=ModuleTab::Plans />
            <form
                class="filters"
                role="search"
                aria-label=move || lang.t(Key::Filters)
                on:submit=on_submit
            >
                <div class="field">
                    <label for="plan-filter-status">{move || lang.t(Key::Status)}</label>
                    <select
                        id="plan-filter-status"
                        on:change=move |event| status.set(event_target_value(&event))
                    >
                        <option value="" prop:selected=move || status.with(String::is_empty)>
                            {move || lang.t(Key::Any)}
                        </option>
                        {enum_options(PlanStatus::all(), PlanStatus::as_str, status.into(), lang)}
                    </select>
                </div>
                <div class="field checkbox">
                    <input
                        id="plan-filter-superseded"
                        type="checkbox"
                        prop:checked=move || superseded.get()
                        on:change=move |event| superseded.set(event_target_checked(&event))
                    />
                    <label for="plan-filter-superseded">
                        {move || lang.t(Key::IncludeSuperseded)}
                    </label>
                </div>
                <div class="filter-actions">
                    <button type="submit" class="button primary" id="plan-filter-apply">
                        {move || lang.t(Key::Apply)}
                    </button>
                    <A href=BASE>{move || lang.t(Key::ClearFilters)}</A>
                </div>
            </form>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    loaded(
                        plans.await,
                        move |page| {
                            let current = query.get_untracked();
                            let first = current
                                .cursor
                                .is_some()
                                .then(|| href(&PlanQuery { cursor: None, ..current.clone() }));
                            let next = page
                                .next_cursor
                                .map(|cursor| href(&PlanQuery { cursor: Some(cursor), ..current }));
                            view! {
                                <PlanTable plans=page.items />
                                <Pager first next />
                            }
                        },
                    )
                })}
            </Transition>
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
        <div class="table-wrap">
            <table class="data plans" id="plan-list">
                <thead>
                    <tr>
                        <th scope="col">{move || lang.t(Key::Code)}</th>
                        <th scope="col">{move || lang.t(Key::PlanName)}</th>
                        <th scope="col">{move || lang.t(Key::IssuingFacility)}</th>
                        <th scope="col">{move || lang.t(Key::Period)}</th>
                        <th scope="col">{move || lang.t(Key::Status)}</th>
                        <th scope="col">{move || lang.t(Key::VersionNumber)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
