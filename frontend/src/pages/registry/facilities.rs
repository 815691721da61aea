//! `/registry/facilities`: the facilities of the network, filtered.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::params::ParamsMap;
use shared::Labelled;
use shared::registry::{Facility, FacilityKind, FacilityQuery, TechnicalLevel};

use super::{
    NoResults, Pager, RegistryTabs, StatusBadge, enum_options, href_with, non_blank, parse_param,
    specialty_options, text_param,
};
use crate::api::{self, use_api};
use crate::components::{Loading, loaded};
use crate::contexts::{use_lang, use_session};
use crate::i18n::Key;

const PATH: &str = "/registry/facilities";

fn query_from(params: &ParamsMap) -> FacilityQuery {
    FacilityQuery {
        kind: parse_param(params, "kind"),
        level: parse_param(params, "level"),
        province: text_param(params, "province"),
        supervising_id: parse_param(params, "supervising_id"),
        supported_by: parse_param(params, "supported_by"),
        capability: text_param(params, "capability"),
        q: text_param(params, "q"),
        limit: None,
        cursor: text_param(params, "cursor"),
    }
}

fn href(query: &FacilityQuery) -> String {
    href_with(
        PATH,
        &[
            ("q", query.q.clone()),
            ("kind", query.kind.map(|kind| kind.as_str().to_string())),
            ("level", query.level.map(|level| level.as_str().to_string())),
            ("province", query.province.clone()),
            ("capability", query.capability.clone()),
            (
                "supervising_id",
                query.supervising_id.map(|id| id.to_string()),
            ),
            ("supported_by", query.supported_by.map(|id| id.to_string())),
            ("cursor", query.cursor.clone()),
        ],
    )
}

/// The filter form's fields as typed, before they are applied.
#[derive(Debug, Clone, Default, PartialEq)]
struct Draft {
    q: String,
    kind: String,
    level: String,
    province: String,
    capability: String,
    supported_by_mine: bool,
}

impl Draft {
    fn from_query(query: &FacilityQuery, my_facility: Option<i64>) -> Self {
        Draft {
            q: query.q.clone().unwrap_or_default(),
            kind: query
                .kind
                .map(|kind| kind.as_str().to_string())
                .unwrap_or_default(),
            level: query
                .level
                .map(|level| level.as_str().to_string())
                .unwrap_or_default(),
            province: query.province.clone().unwrap_or_default(),
            capability: query.capability.clone().unwrap_or_default(),
            supported_by_mine: my_facility.is_some() && query.supported_by == my_facility,
        }
    }

    /// The query these fields ask for, from its first page. Filters the form does not
    /// show (a supervising facility from a link) are kept.
    fn to_query(&self, current: &FacilityQuery, my_facility: Option<i64>) -> FacilityQuery {
        FacilityQuery {
            kind: self.kind.parse().ok(),
            level: self.level.parse().ok(),
            province: non_blank(&self.province),
            supervising_id: current.supervising_id,
            supported_by: if self.supported_by_mine {
                my_facility
            } else {
                None
            },
            capability: non_blank(&self.capability),
            q: non_blank(&self.q),
            limit: None,
            cursor: None,
        }
    }
}

/// The list of facilities with its filters.
#[component]
pub fn FacilitiesPage() -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let session = use_session();
    let params = use_query_map();
    let navigate = use_navigate();

    let query = Memo::new(move |_| params.with(query_from));
    let my_facility = move || session.me().map(|me| me.facility.id);
    let draft = RwSignal::new(Draft::default());
    // The form follows the URL (a link, the back button, "clear filters").
    Effect::new(move |_| {
        let query = query.get();
        draft.set(Draft::from_query(&query, untrack(my_facility)));
    });

    let facilities = LocalResource::new(move || {
        let query = query.get();
        async move { api::registry::facilities(api, &query).await }
    });

    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        let wanted =
            draft.with_untracked(|draft| draft.to_query(&query.get_untracked(), my_facility()));
        navigate(&href(&wanted), Default::default());
    };

    let field =
        move |read: fn(&Draft) -> &String| Signal::derive(move || draft.with(|d| read(d).clone()));
    let kind = field(|d| &d.kind);
    let level = field(|d| &d.level);
    let capability = field(|d| &d.capability);

    view! {
        <section class="page">
            <RegistryTabs />
            <form
                class="filters"
                role="search"
                aria-label=move || lang.t(Key::Filters)
                on:submit=on_submit
            >
                <div class="field grow">
                    <label for="filter-q">{move || lang.t(Key::Search)}</label>
                    <input
                        id="filter-q"
                        type="search"
                        placeholder=move || lang.t(Key::FacilitySearchHint)
                        prop:value=move || draft.with(|d| d.q.clone())
                        on:input=move |event| draft.update(|d| d.q = event_target_value(&event))
                    />
                </div>
                <div class="field">
                    <label for="filter-kind">{move || lang.t(Key::Kind)}</label>
                    <select
                        id="filter-kind"
                        on:change=move |event| draft.update(|d| d.kind = event_target_value(&event))
                    >
                        <option value="" prop:selected=move || kind.with(String::is_empty)>
                            {move || lang.t(Key::Any)}
                        </option>
                        {enum_options(FacilityKind::all(), FacilityKind::as_str, kind, lang)}
                    </select>
                </div>
                <div class="field">
                    <label for="filter-level">{move || lang.t(Key::Level)}</label>
                    <select
                        id="filter-level"
                        on:change=move |event| draft.update(|d| d.level = event_target_value(&event))
                    >
                        <option value="" prop:selected=move || level.with(String::is_empty)>
                            {move || lang.t(Key::Any)}
                        </option>
                        {enum_options(TechnicalLevel::all(), TechnicalLevel::as_str, level, lang)}
                    </select>
                </div>
                <div class="field">
                    <label for="filter-province">{move || lang.t(Key::Province)}</label>
                    <input
                        id="filter-province"
                        type="text"
                        prop:value=move || draft.with(|d| d.province.clone())
                        on:input=move |event| {
                            draft.update(|d| d.province = event_target_value(&event))
                        }
                    />
                </div>
                <div class="field">
                    <label for="filter-capability">{move || lang.t(Key::Specialty)}</label>
                    <select
                        id="filter-capability"
                        on:change=move |event| {
                            draft.update(|d| d.capability = event_target_value(&event))
                        }
                    >
                        <option value="" prop:selected=move || capability.with(String::is_empty)>
                            {move || lang.t(Key::Any)}
                        </option>
                        {specialty_options(capability, lang)}
                    </select>
                </div>
                <div class="field checkbox">
                    <input
                        id="filter-mine"
                        type="checkbox"
                        prop:checked=move || draft.with(|d| d.supported_by_mine)
                        on:change=move |event| {
                            draft.update(|d| d.supported_by_mine = event_target_checked(&event))
                        }
                    />
                    <label for="filter-mine">{move || lang.t(Key::SupportedByMine)}</label>
                </div>
                <div class="filter-actions">
                    <button type="submit" class="button primary">
                        {move || lang.t(Key::Apply)}
                    </button>
                    <A href=PATH>{move || lang.t(Key::ClearFilters)}</A>
                </div>
            </form>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    loaded(
                        facilities.await,
                        |page| {
                            let current = query.get_untracked();
                            let first = current
                                .cursor
                                .is_some()
                                .then(|| href(&FacilityQuery { cursor: None, ..current.clone() }));
                            let next = page
                                .next_cursor
                                .map(|cursor| href(&FacilityQuery { cursor: Some(cursor), ..current }));
                            view! {
                                <FacilityTable items=page.items />
                                <Pager first next />
                            }
                        },
                    )
                })}
            </Transition>
        </section>
    }
}

/// Facilities as a table.
#[component]
fn FacilityTable(items: Vec<Facility>) -> impl IntoView {
    let lang = use_lang();
    if items.is_empty() {
        return view! { <NoResults /> }.into_any();
    }
    let rows = items
        .into_iter()
        .map(|facility| {
            let kind = facility.kind;
            let level = facility.level;
            view! {
                <tr>
                    <td>
                        <code>{facility.code}</code>
                    </td>
                    <td>
                        <A href=format!("/registry/facilities/{}", facility.id)>{facility.name}</A>
                    </td>
                    <td>{move || kind.label(lang.get())}</td>
                    <td>{move || level.map(|level| level.label(lang.get())).unwrap_or("—")}</td>
                    <td>{facility.province}</td>
                    <td>
                        <StatusBadge active=facility.active yes=Key::Active no=Key::Inactive />
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="data">
                <thead>
                    <tr>
                        <th scope="col">{move || lang.t(Key::Code)}</th>
                        <th scope="col">{move || lang.t(Key::Name)}</th>
                        <th scope="col">{move || lang.t(Key::Kind)}</th>
                        <th scope="col">{move || lang.t(Key::Level)}</th>
                        <th scope="col">{move || lang.t(Key::Province)}</th>
                        <th scope="col">{move || lang.t(Key::Status)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
