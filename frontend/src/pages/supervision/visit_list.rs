//! `/supervision`: the visits the reader's facility runs or receives (and, for the
//! Department of Health, its province's), filtered by status and area, newest first.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::Labelled;
use shared::supervision::{SupervisionArea, VisitQuery, VisitStatus, VisitSummary};

use super::{SupervisionTabs, Tab, VerdictBadge, VisitStatusBadge, percent_text, visit_href};
use crate::api::plans::FileKind;
use crate::api::{self, use_api};
use crate::components::filters::{
    EnumFilter, FilterActions, FilterForm, PagedList, UrlQuery, apply_filters, cursor_field,
    use_url_query,
};
use crate::components::list::{DataTable, Heading};
use crate::components::{DownloadButton, NoResults};
use crate::contexts::use_lang;
use crate::i18n::{Key, format_date};
use crate::pages::query::{QueryParams, href_with, parse_param, text_param};

const PATH: &str = "/supervision";

impl UrlQuery for VisitQuery {
    fn from_params(params: &dyn QueryParams) -> Self {
        VisitQuery {
            facility_id: parse_param(params, "facility_id"),
            status: parse_param(params, "status"),
            area: parse_param(params, "area"),
            passed: parse_param(params, "passed"),
            cursor: text_param(params, "cursor"),
            ..VisitQuery::default()
        }
    }

    fn href(&self) -> String {
        href_with(
            PATH,
            &[
                ("facility_id", self.facility_id.map(|id| id.to_string())),
                ("status", self.status.map(|s| s.as_str().to_string())),
                ("area", self.area.map(|a| a.as_str().to_string())),
                ("passed", self.passed.map(|p| p.to_string())),
                ("cursor", self.cursor.clone()),
            ],
        )
    }

    cursor_field!();
}

/// The visits with their filters.
#[component]
pub fn VisitListPage() -> impl IntoView {
    let api = use_api();
    let query = use_url_query::<VisitQuery>();
    let status = RwSignal::new(String::new());
    let area = RwSignal::new(String::new());
    Effect::new(move |_| {
        let current = query.get();
        status.set(
            current
                .status
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
        );
        area.set(
            current
                .area
                .map(|a| a.as_str().to_string())
                .unwrap_or_default(),
        );
    });
    let visits = LocalResource::new(move || {
        let query = query.get();
        async move { api::supervision::visits(api, &query).await }
    });
    let on_apply = apply_filters(move || VisitQuery {
        facility_id: query.get_untracked().facility_id,
        status: status.get_untracked().parse().ok(),
        area: area.get_untracked().parse().ok(),
        ..VisitQuery::default()
    });
    view! {
        <section class="page supervision">
            <SupervisionTabs current=Tab::Visits />
            <FilterForm on_apply>
                <EnumFilter
                    id="filter-status"
                    label=Key::Status
                    values=VisitStatus::all()
                    code=VisitStatus::as_str
                    field=status
                />
                <EnumFilter
                    id="filter-area"
                    label=Key::SupervisionArea
                    values=SupervisionArea::all()
                    code=SupervisionArea::as_str
                    field=area
                />
                <FilterActions clear=Signal::derive(move || PATH.to_string()) />
            </FilterForm>
            {move || {
                let filters = VisitQuery {
                    cursor: None,
                    ..query.get()
                };
                view! {
                    <div class="actions">
                        <DownloadButton id="visits-xlsx" label=Key::ExportXlsx file=FileKind::SupervisionVisits(filters) />
                    </div>
                }
            }}
            <PagedList query page=visits show=move |items| view! { <VisitTable items /> } />
        </section>
    }
}

/// Visits as a table (cards on a phone).
#[component]
pub(super) fn VisitTable(items: Vec<VisitSummary>) -> impl IntoView {
    let lang = use_lang();
    if items.is_empty() {
        return view! { <NoResults /> }.into_any();
    }
    let rows = items
        .into_iter()
        .map(|item| {
            let planned = item.planned_on;
            let area = item.template.area;
            let score = item.score_percent;
            let late = item.overdue_actions;
            let open = item.open_actions;
            view! {
                <tr data-visit-id=item.id>
                    <td>
                        <A href=visit_href(item.id) attr:class="visit-link">
                            {move || format_date(lang.get(), planned)}
                        </A>
                    </td>
                    <td>{item.facility.name.clone()}</td>
                    <td>
                        {item.template.title.clone()}
                        <span class="muted block">{move || area.label(lang.get())}</span>
                    </td>
                    <td>
                        <VisitStatusBadge status=item.status />
                    </td>
                    <td class="number">
                        {move || percent_text(lang.get(), score)}
                        " "
                        <VerdictBadge passed=item.passed />
                    </td>
                    <td class="number">
                        {open}
                        {(late > 0)
                            .then(|| {
                                view! {
                                    <span class="badge overdue">
                                        {late} " " {move || lang.t(Key::Overdue)}
                                    </span>
                                }
                            })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable class="supervision-visits" id="visit-list" headings=vec![
            Heading::Label(Key::PlannedOn),
            Heading::Label(Key::VisitedFacility),
            Heading::Label(Key::ChecklistTemplate),
            Heading::Label(Key::Status),
            Heading::Number(Key::QualityScore),
            Heading::Number(Key::OpenActions),
        ]>
            {rows}
        </DataTable>
    }
    .into_any()
}
