//! `/registry/facilities`: the facilities of the network, filtered; and
//! `/registry/facilities/new`, where those who manage the registry add one.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use shared::Labelled;
use shared::auth::Capability;
use shared::registry::{Facility, FacilityKind, FacilityQuery, TechnicalLevel};

use super::facility_edit::NewFacilityForm;
use super::{NoResults, RegistryTabs, StatusBadge, href_with, non_blank, parse_param, text_param};
use crate::api::{self, use_api};
use crate::components::filters::{
    CheckFilter, EnumFilter, FilterActions, FilterForm, InputFilter, PagedList, SearchFilter,
    SpecialtyFilter, UrlQuery, apply_filters, bind, cursor_field, use_filter_draft, use_url_query,
};
use crate::components::list::{DataTable, Heading};
use crate::contexts::{use_lang, use_session};
use crate::i18n::Key;
use crate::pages::query::QueryParams;

const PATH: &str = "/registry/facilities";

impl UrlQuery for FacilityQuery {
    fn from_params(params: &dyn QueryParams) -> Self {
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

    fn href(&self) -> String {
        let query = self;
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

    cursor_field!();
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
    let query = use_url_query::<FacilityQuery>();
    let my_facility = move || session.me().map(|me| me.facility.id);
    let draft = use_filter_draft(query, move |query| {
        Draft::from_query(query, untrack(my_facility))
    });
    let facilities = LocalResource::new(move || {
        let query = query.get();
        async move { api::registry::facilities(api, &query).await }
    });
    let on_apply = apply_filters(move || {
        draft.with_untracked(|draft| draft.to_query(&query.get_untracked(), my_facility()))
    });

    view! {
        <section class="page">
            <RegistryTabs />
            {session.can(Capability::ManageFacilities).then(|| view! {
                <div class="page-actions">
                    <A href=format!("{PATH}/new") attr:class="button primary" attr:id="new-facility">
                        {move || lang.t(Key::NewFacility)}
                    </A>
                </div>
            })}
            <FilterForm on_apply>
                <SearchFilter placeholder=Key::FacilitySearchHint field=bind(draft, |d| &d.q, |d| &mut d.q) />
                <EnumFilter
                    id="filter-kind"
                    label=Key::Kind
                    values=FacilityKind::all()
                    code=FacilityKind::as_str
                    field=bind(draft, |d| &d.kind, |d| &mut d.kind)
                />
                <EnumFilter
                    id="filter-level"
                    label=Key::Level
                    values=TechnicalLevel::all()
                    code=TechnicalLevel::as_str
                    field=bind(draft, |d| &d.level, |d| &mut d.level)
                />
                <InputFilter
                    id="filter-province"
                    label=Key::Province
                    field=bind(draft, |d| &d.province, |d| &mut d.province)
                />
                <SpecialtyFilter
                    id="filter-capability"
                    label=Key::Specialty
                    field=bind(draft, |d| &d.capability, |d| &mut d.capability)
                />
                <CheckFilter
                    id="filter-mine"
                    label=Key::SupportedByMine
                    field=bind(draft, |d| &d.supported_by_mine, |d| &mut d.supported_by_mine)
                />
                <FilterActions clear=PATH.to_string() />
            </FilterForm>
            <PagedList query page=facilities show=|items| view! { <FacilityTable items /> } />
        </section>
    }
}

/// A new facility's form; once it is created, its page.
#[component]
pub fn NewFacilityPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let navigate = use_navigate();
    let to_list = navigate.clone();
    let on_created = Callback::new(move |facility: Facility| {
        navigate(&format!("{PATH}/{}", facility.id), Default::default())
    });
    let on_close = Callback::new(move |()| to_list(PATH, Default::default()));
    view! {
        <section class="page">
            <p class="breadcrumb">
                <A href=PATH>{move || lang.t(Key::BackToFacilities)}</A>
            </p>
            <header class="page-header">
                <h1>{move || lang.t(Key::NewFacility)}</h1>
            </header>
            {move || {
                if session.can(Capability::ManageFacilities) {
                    view! { <NewFacilityForm on_created on_close /> }.into_any()
                } else {
                    view! { <p class="muted" id="facility-read-only">{move || lang.t(Key::NotYoursToEdit)}</p> }
                        .into_any()
                }
            }}
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
        <DataTable headings=vec![
            Heading::Label(Key::Code),
            Heading::Label(Key::Name),
            Heading::Label(Key::Kind),
            Heading::Label(Key::Level),
            Heading::Label(Key::Province),
            Heading::Label(Key::Status),
        ]>
            {rows}
        </DataTable>
    }
    .into_any()
}
