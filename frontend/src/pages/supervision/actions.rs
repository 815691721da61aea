//! `/supervision/actions`: the corrective actions of the reader's facility (a station
//! answers them here) and those it raised (late ones flagged), filtered by status and
//! lateness.

use leptos::prelude::*;
use shared::supervision::{CorrectiveAction, CorrectiveQuery, CorrectiveStatus};

use super::visit::ActionCard;
use super::{SupervisionTabs, Tab};
use crate::api::{self, use_api};
use crate::components::NoResults;
use crate::components::filters::{
    CheckFilter, EnumFilter, FilterActions, FilterForm, PagedList, UrlQuery, apply_filters,
    cursor_field, use_url_query,
};
use crate::i18n::Key;
use crate::pages::query::{QueryParams, href_with, parse_param, text_param};

const PATH: &str = "/supervision/actions";

impl UrlQuery for CorrectiveQuery {
    fn from_params(params: &dyn QueryParams) -> Self {
        CorrectiveQuery {
            facility_id: parse_param(params, "facility_id"),
            visit_id: parse_param(params, "visit_id"),
            status: parse_param(params, "status"),
            overdue: parse_param(params, "overdue"),
            unresolved: parse_param(params, "unresolved"),
            cursor: text_param(params, "cursor"),
            ..CorrectiveQuery::default()
        }
    }

    fn href(&self) -> String {
        href_with(
            PATH,
            &[
                ("facility_id", self.facility_id.map(|id| id.to_string())),
                ("visit_id", self.visit_id.map(|id| id.to_string())),
                ("status", self.status.map(|s| s.as_str().to_string())),
                ("overdue", self.overdue.map(|o| o.to_string())),
                ("unresolved", self.unresolved.map(|u| u.to_string())),
                ("cursor", self.cursor.clone()),
            ],
        )
    }

    cursor_field!();
}

/// The corrective actions, with their filters and steps.
#[component]
pub fn ActionListPage() -> impl IntoView {
    let api = use_api();
    let query = use_url_query::<CorrectiveQuery>();
    let status = RwSignal::new(String::new());
    let late = RwSignal::new(false);
    Effect::new(move |_| {
        let current = query.get();
        status.set(
            current
                .status
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
        );
        late.set(current.overdue == Some(true));
    });
    let actions = LocalResource::new(move || {
        let query = query.get();
        async move { api::supervision::actions(api, &query).await }
    });
    let on_apply = apply_filters(move || CorrectiveQuery {
        status: status.get_untracked().parse().ok(),
        overdue: late.get_untracked().then_some(true),
        ..CorrectiveQuery::default()
    });
    let changed = Callback::new(move |()| actions.refetch());
    view! {
        <section class="page supervision">
            <SupervisionTabs current=Tab::Actions />
            <FilterForm on_apply>
                <EnumFilter
                    id="filter-status"
                    label=Key::Status
                    values=CorrectiveStatus::all()
                    code=CorrectiveStatus::as_str
                    field=status
                />
                <CheckFilter id="filter-overdue" label=Key::OnlyOverdue field=late />
                <FilterActions clear=Signal::derive(move || PATH.to_string()) />
            </FilterForm>
            <PagedList
                query
                page=actions
                show=move |items| view! { <ActionCards items changed /> }
            />
        </section>
    }
}

#[component]
fn ActionCards(items: Vec<CorrectiveAction>, changed: Callback<()>) -> impl IntoView {
    if items.is_empty() {
        return view! { <NoResults /> }.into_any();
    }
    let cards = items
        .into_iter()
        .map(|action| view! { <ActionCard action follow_up=None changed /> })
        .collect_view();
    view! { <div class="corrective-actions" id="action-list">{cards}</div> }.into_any()
}
