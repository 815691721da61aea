//! `/registry/staff`: members of staff, filtered by facility, department, profession,
//! specialty, employment and text; departments by name, and expired or soon-expiring
//! practice licences flagged ("Hết hạn", "Sắp hết hạn (dd/mm/yyyy)").

use std::collections::{BTreeMap, BTreeSet};

use leptos::prelude::*;
use leptos_router::components::A;
use shared::Labelled;
use shared::auth::Capability;
use shared::registry::{
    DepartmentQuery, FacilityQuery, LicenceStanding, Profession, Staff, StaffQuery,
};

use super::{NoResults, Pager, RegistryTabs, href_with, non_blank, parse_param, text_param};
use crate::api::{self, use_api};
use crate::components::filters::{
    EnumFilter, FilterActions, FilterForm, SearchFilter, SpecialtyFilter, UrlQuery, apply_filters,
    bind, cursor_field, pager_links, use_filter_draft, use_url_query,
};
use crate::components::list::CardTable;
use crate::components::record::facility_name;
use crate::components::{Loading, loaded};
use crate::contexts::{use_lang, use_session};
use crate::i18n::{Key, format_date};
use crate::pages::query::QueryParams;

const PATH: &str = "/registry/staff";

impl UrlQuery for StaffQuery {
    fn from_params(params: &dyn QueryParams) -> Self {
        StaffQuery {
            facility_id: parse_param(params, "facility_id"),
            department_id: parse_param(params, "department_id"),
            profession: parse_param(params, "profession"),
            specialty: text_param(params, "specialty"),
            licence_valid_on: parse_param(params, "licence_valid_on"),
            active: parse_param(params, "active"),
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
                ("facility_id", query.facility_id.map(|id| id.to_string())),
                (
                    "department_id",
                    query.department_id.map(|id| id.to_string()),
                ),
                (
                    "profession",
                    query.profession.map(|p| p.as_str().to_string()),
                ),
                ("specialty", query.specialty.clone()),
                (
                    "licence_valid_on",
                    query.licence_valid_on.map(|d| d.to_string()),
                ),
                ("active", query.active.map(|active| active.to_string())),
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
    facility_id: String,
    department_id: String,
    profession: String,
    specialty: String,
    active: String,
}

impl Draft {
    fn from_query(query: &StaffQuery) -> Self {
        let text = |id: Option<i64>| id.map(|id| id.to_string()).unwrap_or_default();
        Draft {
            q: query.q.clone().unwrap_or_default(),
            facility_id: text(query.facility_id),
            department_id: text(query.department_id),
            profession: query
                .profession
                .map(|p| p.as_str().to_string())
                .unwrap_or_default(),
            specialty: query.specialty.clone().unwrap_or_default(),
            active: query
                .active
                .map(|active| active.to_string())
                .unwrap_or_default(),
        }
    }

    /// The query these fields ask for, from its first page. A department only counts
    /// for the facility it was listed for.
    fn to_query(&self, current: &StaffQuery) -> StaffQuery {
        let facility_id = self.facility_id.parse().ok();
        StaffQuery {
            facility_id,
            department_id: if facility_id == current.facility_id {
                self.department_id.parse().ok()
            } else {
                None
            },
            profession: self.profession.parse().ok(),
            specialty: non_blank(&self.specialty),
            licence_valid_on: current.licence_valid_on,
            active: self.active.parse().ok(),
            q: non_blank(&self.q),
            limit: None,
            cursor: None,
        }
    }
}

/// The list of staff with its filters.
#[component]
pub fn StaffPage() -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let session = use_session();
    let query = use_url_query::<StaffQuery>();
    let facility_id = Memo::new(move |_| query.with(|query| query.facility_id));
    let draft = use_filter_draft(query, Draft::from_query);

    let staff = LocalResource::new(move || {
        let query = query.get();
        async move { api::registry::staff(api, &query).await }
    });
    // Facilities to choose from, and to name in the table.
    let facilities = LocalResource::new(move || async move {
        let query = FacilityQuery {
            limit: Some(shared::page::MAX_LIMIT),
            ..Default::default()
        };
        api::registry::facilities(api, &query)
            .await
            .map(|page| page.items)
    });
    // Departments of the chosen facility, to choose from and to name in the table.
    let departments = LocalResource::new(move || {
        let facility_id = facility_id.get();
        async move {
            let Some(facility_id) = facility_id else {
                return Ok(Vec::new());
            };
            let query = DepartmentQuery {
                facility_id: Some(facility_id),
                limit: Some(shared::page::MAX_LIMIT),
                ..Default::default()
            };
            api::registry::departments(api, &query)
                .await
                .map(|page| page.items)
        }
    });

    // Before a facility is chosen, the departments of the facilities listed: the table
    // names them rather than showing their ids.
    let other_departments = LocalResource::new(move || async move {
        if facility_id.get().is_some() {
            return BTreeMap::new();
        }
        match staff.await {
            Ok(page) => department_names_of(api, &page.items).await,
            Err(_) => BTreeMap::new(),
        }
    });

    let on_apply =
        apply_filters(move || draft.with_untracked(|draft| draft.to_query(&query.get_untracked())));

    let field =
        move |read: fn(&Draft) -> &String| Signal::derive(move || draft.with(|d| read(d).clone()));
    let facility = field(|d| &d.facility_id);
    let department = field(|d| &d.department_id);
    let active = field(|d| &d.active);

    let facility_select = move || {
        Suspend::new(async move {
            loaded(facilities.await, |items| {
                let options = items
                    .into_iter()
                    .map(|item| {
                        let value = item.id.to_string();
                        let selected = value.clone();
                        view! {
                            <option
                                value=value
                                prop:selected=move || facility.with(|current| *current == selected)
                            >
                                {item.name}
                            </option>
                        }
                    })
                    .collect_view();
                view! {
                    <select
                        id="filter-facility"
                        on:change=move |event| {
                            draft.update(|d| d.facility_id = event_target_value(&event))
                        }
                    >
                        <option value="" prop:selected=move || facility.with(String::is_empty)>
                            {move || lang.t(Key::Any)}
                        </option>
                        {options}
                    </select>
                }
            })
        })
    };

    let department_select = move || {
        Suspend::new(async move {
            loaded(departments.await, |items| {
                (!items.is_empty()).then(|| {
                    let options = items
                        .into_iter()
                        .map(|item| {
                            let value = item.id.to_string();
                            let selected = value.clone();
                            view! {
                                <option
                                    value=value
                                    prop:selected=move || {
                                        department.with(|current| *current == selected)
                                    }
                                >
                                    {item.name}
                                </option>
                            }
                        })
                        .collect_view();
                    view! {
                        <div class="field">
                            <label for="filter-department">
                                {move || lang.t(Key::Department)}
                            </label>
                            <select
                                id="filter-department"
                                on:change=move |event| {
                                    draft.update(|d| d.department_id = event_target_value(&event))
                                }
                            >
                                <option
                                    value=""
                                    prop:selected=move || department.with(String::is_empty)
                                >
                                    {move || lang.t(Key::Any)}
                                </option>
                                {options}
                            </select>
                        </div>
                    }
                })
            })
        })
    };

    view! {
        <section class="page">
            <RegistryTabs />
            {move || {
                (session.can(Capability::ManageStaff) || session.can(Capability::ManageFacilities))
                    .then(|| {
                        let href = match facility_id.get() {
                            Some(id) => format!("{PATH}/new?facility_id={id}"),
                            None => format!("{PATH}/new"),
                        };
                        view! {
                            <div class="page-actions">
                                <A href=href attr:class="button primary" attr:id="new-staff">
                                    {move || lang.t(Key::NewStaff)}
                                </A>
                            </div>
                        }
                    })
            }}
            <FilterForm on_apply>
                <SearchFilter placeholder=Key::StaffSearchHint field=bind(draft, |d| &d.q, |d| &mut d.q) />
                <div class="field">
                    <label for="filter-facility">{move || lang.t(Key::Facility)}</label>
                    <Transition fallback=|| view! { <Loading /> }>{facility_select}</Transition>
                </div>
                <Transition fallback=|| ()>{department_select}</Transition>
                <EnumFilter
                    id="filter-profession"
                    label=Key::Profession
                    values=Profession::all()
                    code=Profession::as_str
                    field=bind(draft, |d| &d.profession, |d| &mut d.profession)
                />
                <SpecialtyFilter
                    id="filter-specialty"
                    label=Key::ScopeOfPractice
                    field=bind(draft, |d| &d.specialty, |d| &mut d.specialty)
                />
                <div class="field">
                    <label for="filter-active">{move || lang.t(Key::Status)}</label>
                    <select
                        id="filter-active"
                        on:change=move |event| draft.update(|d| d.active = event_target_value(&event))
                    >
                        <option value="" prop:selected=move || active.with(String::is_empty)>
                            {move || lang.t(Key::Any)}
                        </option>
                        <option value="true" prop:selected=move || active.with(|a| a == "true")>
                            {move || lang.t(Key::Employed)}
                        </option>
                        <option value="false" prop:selected=move || active.with(|a| a == "false")>
                            {move || lang.t(Key::NotEmployed)}
                        </option>
                    </select>
                </div>
                <FilterActions clear=PATH.to_string() />
            </FilterForm>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    let page = staff.await;
                    // Names only; when these lists fail, the filters above show why and
                    // the table falls back to ids.
                    let facility_names: BTreeMap<i64, String> = facilities
                        .await
                        .unwrap_or_default()
                        .into_iter()
                        .map(|facility| (facility.id, facility.name))
                        .collect();
                    let mut department_names: BTreeMap<i64, String> = departments
                        .await
                        .unwrap_or_default()
                        .into_iter()
                        .map(|department| (department.id, department.name))
                        .collect();
                    department_names.extend(other_departments.await);
                    loaded(
                        page,
                        |page| {
                            let (first, next) =
                                query.with_untracked(|query| pager_links(query, page.next_cursor));
                            view! {
                                <StaffTable items=page.items facility_names department_names />
                                <Pager first next />
                            }
                        },
                    )
                })}
            </Transition>
        </section>
    }
}

/// The names of the departments of `staff`, read per facility (a list over several
/// facilities, before one is chosen); a facility whose departments cannot be read leaves
/// its ids unnamed.
async fn department_names_of(api: crate::api::Api, staff: &[Staff]) -> BTreeMap<i64, String> {
    let facilities: BTreeSet<i64> = staff
        .iter()
        .filter(|person| person.department_id.is_some())
        .map(|person| person.facility_id)
        .collect();
    let pages = futures::future::join_all(facilities.into_iter().map(|facility_id| {
        let query = DepartmentQuery {
            facility_id: Some(facility_id),
            limit: Some(shared::page::MAX_LIMIT),
            ..Default::default()
        };
        async move { api::registry::departments(api, &query).await }
    }))
    .await;
    pages
        .into_iter()
        .filter_map(Result::ok)
        .flat_map(|page| page.items)
        .map(|department| (department.id, department.name))
        .collect()
}

/// "Hết hạn" or "Sắp hết hạn (dd/mm/yyyy)" beside a licence that needs renewing.
#[component]
fn LicenceFlag(valid_until: Option<chrono::NaiveDate>) -> impl IntoView {
    let lang = use_lang();
    let today = shared::time::vietnam_date(chrono::Utc::now());
    match shared::registry::licence_standing(valid_until, today) {
        LicenceStanding::Valid => ().into_any(),
        LicenceStanding::Expired(_) => view! {
            <span class="badge licence-flag licence-expired" data-licence="expired">
                {move || lang.t(Key::LicenceExpired)}
            </span>
        }
        .into_any(),
        LicenceStanding::ExpiresSoon(until) => view! {
            <span class="badge licence-flag licence-expiring" data-licence="expiring">
                {move || format!("{} ({})", lang.t(Key::LicenceExpiringOn), format_date(lang.get(), until))}
            </span>
        }
        .into_any(),
    }
}

/// Staff as a table.
#[component]
pub(super) fn StaffTable(
    items: Vec<Staff>,
    /// Facility names by id; a facility not in it shows its id.
    #[prop(optional)]
    facility_names: BTreeMap<i64, String>,
    /// Department names by id.
    #[prop(optional)]
    department_names: BTreeMap<i64, String>,
    /// Leave out the facility column (the page is about one facility).
    #[prop(optional)]
    hide_facility: bool,
) -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    if items.is_empty() {
        return view! { <NoResults /> }.into_any();
    }
    let rows = items
        .into_iter()
        .map(|person| {
            let profession = person.profession;
            let facility = facility_name(&facility_names, person.facility_id);
            let department = person
                .department_id
                .map(|id| {
                    department_names
                        .get(&id)
                        .cloned()
                        .unwrap_or_else(|| format!("#{id}"))
                })
                .unwrap_or_else(|| "—".to_string());
            let specialties = person.specialties.clone();
            let scope = move || {
                let lang = lang.get();
                specialties
                    .iter()
                    .map(|code| shared::registry::specialty_label(code, lang))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let licence_number = person.licence_number.clone();
            let licence_number_given = licence_number.is_some();
            let valid_until = person.licence_valid_until;
            let licence = move || match &licence_number {
                None => "—".to_string(),
                Some(number) => {
                    let lang = lang.get();
                    let until = match valid_until {
                        Some(date) => {
                            format!("{} {}", crate::i18n::t(lang, Key::ValidUntil), format_date(lang, date))
                        }
                        None => crate::i18n::t(lang, Key::NoExpiry).to_string(),
                    };
                    format!("{number} ({until})")
                }
            };
            let exempt = person.rotation_exemption;
            view! {
                <tr>
                    <td>
                        {if super::may_manage(session, Capability::ManageStaff, person.facility_id) {
                            view! {
                                <A href=format!("{PATH}/{}", person.id) attr:class="edit-staff">
                                    {person.full_name}
                                </A>
                            }
                                .into_any()
                        } else {
                            person.full_name.into_any()
                        }}
                        {person.title.map(|title| view! { <span class="muted">", " {title}</span> })}
                    </td>
                    <td>{person.code.unwrap_or_default()}</td>
                    <td>{move || profession.label(lang.get())}</td>
                    {(!hide_facility).then(|| view! { <td>{facility}</td> })}
                    <td>{department}</td>
                    <td>{scope}</td>
                    <td>
                        {licence}
                        " "
                        {licence_number_given.then(|| view! { <LicenceFlag valid_until /> })}
                    </td>
                    <td>
                        <super::StatusBadge active=person.active yes=Key::Employed no=Key::NotEmployed />
                        {exempt
                            .map(|reason| {
                                view! {
                                    <span class="badge note" title=move || reason.label(lang.get())>
                                        {move || lang.t(Key::RotationExempt)}
                                    </span>
                                }
                            })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <CardTable>
                <thead>
                    <tr>
                        <th scope="col">{move || lang.t(Key::Name)}</th>
                        <th scope="col">{move || lang.t(Key::Code)}</th>
                        <th scope="col">{move || lang.t(Key::Profession)}</th>
                        {(!hide_facility)
                            .then(|| view! { <th scope="col">{move || lang.t(Key::Facility)}</th> })}
                        <th scope="col">{move || lang.t(Key::Department)}</th>
                        <th scope="col">{move || lang.t(Key::ScopeOfPractice)}</th>
                        <th scope="col">{move || lang.t(Key::Licence)}</th>
                        <th scope="col">{move || lang.t(Key::Status)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </CardTable>
        </div>
    }
        .into_any()
}
