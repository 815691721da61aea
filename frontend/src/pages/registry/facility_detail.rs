//! `/registry/facilities/:id`: one facility, its support links, its departments and its
//! staff; for those who may, the facility's edit form, the links' "add" and "remove",
//! a new department and a department's edit form, and a new member of staff.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use shared::Labelled;
use shared::auth::Capability;
use shared::registry::{
    CapabilityKind, Department, DepartmentQuery, Facility, StaffQuery, specialty_label,
};

use super::NoResults;
use super::StatusBadge;
use super::facility_edit::{DepartmentForm, FacilityForm};
use super::staff::StaffTable;
use super::support_links::SupportLinks;
use crate::api::{self, use_api};
use crate::components::list::CardTable;
use crate::components::{Loading, loaded};
use crate::contexts::{use_lang, use_session};
use crate::i18n::Key;

/// How many staff the facility page lists before pointing to the full list.
const STAFF_PREVIEW: i64 = 20;

/// Reads the id from the address; a malformed id is said so, not fetched.
#[component]
pub fn FacilityDetailPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|params| params.get("id")?.parse::<i64>().ok()));
    move || match id.get() {
        Some(id) => view! { <FacilityDetail id /> }.into_any(),
        None => view! {
            <section class="page">
                <div class="alert alert-error" role="alert">
                    <p class="alert-title">{move || lang.t(Key::InvalidId)}</p>
                </div>
                <A href="/registry/facilities">{move || lang.t(Key::BackToFacilities)}</A>
            </section>
        }
        .into_any(),
    }
}

/// The facility with the given id.
#[component]
fn FacilityDetail(id: i64) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();

    let session = use_session();
    let facility = LocalResource::new(move || api::registry::facility(api, id));
    let facility_resource = facility;
    let editing_facility = RwSignal::new(false);
    let editing_department = RwSignal::new(None::<i64>);
    let adding_department = RwSignal::new(false);
    let departments_editable = super::may_manage(session, Capability::ManageDepartments, id);
    let staff_editable = super::may_manage(session, Capability::ManageStaff, id);
    let departments = LocalResource::new(move || async move {
        let query = DepartmentQuery {
            facility_id: Some(id),
            limit: Some(shared::page::MAX_LIMIT),
            ..Default::default()
        };
        api::registry::departments(api, &query).await
    });
    let staff = LocalResource::new(move || async move {
        let query = StaffQuery {
            facility_id: Some(id),
            limit: Some(STAFF_PREVIEW),
            ..Default::default()
        };
        api::registry::staff(api, &query).await
    });

    view! {
        <section class="page">
            <p class="breadcrumb">
                <A href="/registry/facilities">{move || lang.t(Key::BackToFacilities)}</A>
            </p>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    loaded(
                        facility.await,
                        move |facility| {
                            let form = facility.clone();
                            view! {
                                <FacilitySummary facility />
                                {move || {
                                    let facility = form.clone();
                                    if editing_facility.get() {
                                        view! {
                                            <FacilityForm
                                                facility
                                                on_saved=Callback::new(move |()| {
                                                    editing_facility.set(false);
                                                    facility_resource.refetch();
                                                })
                                                on_close=Callback::new(move |()| editing_facility.set(false))
                                                on_reload=Callback::new(move |()| facility_resource.refetch())
                                            />
                                        }
                                            .into_any()
                                    } else {
                                        session
                                            .can(Capability::ManageFacilities)
                                            .then(|| {
                                                view! {
                                                    <button
                                                        type="button"
                                                        class="button secondary"
                                                        id="edit-facility"
                                                        on:click=move |_| editing_facility.set(true)
                                                    >
                                                        {move || lang.t(Key::EditFacility)}
                                                    </button>
                                                }
                                            })
                                            .into_any()
                                    }
                                }}
                            }
                        },
                    )
                })}
            </Transition>

            <SupportLinks facility_id=id editable=session.can(Capability::ManageFacilities) />

            <h2>{move || lang.t(Key::Departments)}</h2>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    loaded(
                        departments.await,
                        move |page| {
                            let items = page.items;
                            let items_for_form = StoredValue::new(items.clone());
                            let form = move || {
                                let chosen = editing_department.get()?;
                                let department = items_for_form
                                    .with_value(|items: &Vec<Department>| {
                                        items.iter().find(|d| d.id == chosen).cloned()
                                    })?;
                                Some(view! {
                                    <DepartmentForm
                                        department=Some(department)
                                        facility_id=id
                                        on_saved=Callback::new(move |()| {
                                            editing_department.set(None);
                                            departments.refetch();
                                        })
                                        on_close=Callback::new(move |()| editing_department.set(None))
                                    />
                                })
                            };
                            view! {
                                <DepartmentTable
                                    facility_id=id
                                    items
                                    on_edit=departments_editable.then_some(Callback::new(move |chosen| editing_department.set(Some(chosen))))
                                />
                                {form}
                            }
                        },
                    )
                })}
            </Transition>
            {departments_editable.then(|| view! {
                <button
                    type="button"
                    class="button secondary"
                    id="new-department"
                    aria-expanded=move || adding_department.get().to_string()
                    on:click=move |_| adding_department.update(|open| *open = !*open)
                >
                    {move || lang.t(Key::NewDepartment)}
                </button>
                <Show when=move || adding_department.get()>
                    <DepartmentForm
                        department=None
                        facility_id=id
                        on_saved=Callback::new(move |()| {
                            adding_department.set(false);
                            departments.refetch();
                        })
                        on_close=Callback::new(move |()| adding_department.set(false))
                    />
                </Show>
            })}

            <h2>{move || lang.t(Key::Staff)}</h2>
            {staff_editable.then(|| view! {
                <p>
                    <A href=format!("/registry/staff/new?facility_id={id}") attr:class="button secondary" attr:id="new-staff">
                        {move || lang.t(Key::NewStaff)}
                    </A>
                </p>
            })}
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    // Department names for the staff table; if they failed to load, the
                    // departments section above shows why.
                    let department_names: BTreeMap<i64, String> = departments
                        .await
                        .map(|page| page.items)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|department| (department.id, department.name))
                        .collect();
                    loaded(
                        staff.await,
                        |page| {
                            let more = page.next_cursor.is_some();
                            view! {
                                <StaffTable items=page.items department_names hide_facility=true />
                                {more
                                    .then(|| {
                                        view! {
                                            <p>
                                                <A href=format!(
                                                    "/registry/staff?facility_id={id}",
                                                )>{move || lang.t(Key::SeeAllStaff)}</A>
                                            </p>
                                        }
                                    })}
                            }
                        },
                    )
                })}
            </Transition>
        </section>
    }
}

/// Name, kind, level, where it is and what it can do.
#[component]
fn FacilitySummary(facility: Facility) -> impl IntoView {
    let lang = use_lang();
    let kind = facility.kind;
    let level = facility.level;
    let coordinates = match (facility.latitude, facility.longitude) {
        (Some(latitude), Some(longitude)) => Some(format!("{latitude:.5}, {longitude:.5}")),
        _ => None,
    };
    let (specialties, techniques): (Vec<_>, Vec<_>) = facility
        .capabilities
        .into_iter()
        .partition(|capability| capability.kind == CapabilityKind::Specialty);

    let fact = |label: Key, value: Option<String>| {
        value.map(|value| {
            view! {
                <div>
                    <dt>{move || lang.t(label)}</dt>
                    <dd>{value}</dd>
                </div>
            }
        })
    };

    view! {
        <header class="page-header">
            <h1>{facility.name}</h1>
            <p class="muted">
                <code>{facility.code}</code>
                " · "
                {move || kind.label(lang.get())}
                " · "
                <StatusBadge active=facility.active yes=Key::Active no=Key::Inactive />
            </p>
        </header>
        <dl class="facts">
            <div>
                <dt>{move || lang.t(Key::Level)}</dt>
                <dd>{move || level.map(|level| level.label(lang.get())).unwrap_or("—")}</dd>
            </div>
            {fact(Key::Province, Some(facility.province))}
            {fact(Key::Ward, facility.ward)}
            {fact(Key::Address, facility.address)}
            {fact(Key::Phone, facility.phone)}
            {fact(Key::Coordinates, coordinates)}
        </dl>
        <h2>{move || lang.t(Key::Capabilities)}</h2>
        {(specialties.is_empty() && techniques.is_empty()).then(|| view! { <NoResults /> })}
        {(!specialties.is_empty())
            .then(|| {
                view! {
                    <h3>{move || lang.t(Key::Specialty)}</h3>
                    <ul class="chips">
                        {specialties
                            .into_iter()
                            .map(|capability| {
                                let code = capability.code;
                                let name = capability.name;
                                // The catalogue's label in the chosen language; the
                                // recorded name for codes outside the catalogue.
                                let label = move || {
                                    let label = specialty_label(&code, lang.get());
                                    if label == code { name.clone() } else { label.to_string() }
                                };
                                view! { <li class="chip">{label}</li> }
                            })
                            .collect_view()}
                    </ul>
                }
            })}
        {(!techniques.is_empty())
            .then(|| {
                view! {
                    <h3>{move || lang.t(Key::Techniques)}</h3>
                    <ul class="plain-list" id="facility-techniques">
                        {techniques
                            .into_iter()
                            .map(|capability| {
                                let status = capability.status;
                                let source = capability.source;
                                let class = if status.counts() { "badge ok" } else { "badge off" };
                                view! {
                                    <li data-technique=capability.code>
                                        {capability.name}
                                        " "
                                        <span class=class>{move || status.label(lang.get())}</span>
                                        <span class="muted">" · " {move || source.label(lang.get())}</span>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
            })}
    }
}

/// Departments as a table, each linking to its staff.
#[component]
fn DepartmentTable(
    facility_id: i64,
    items: Vec<Department>,
    /// Called with the department whose "edit" was pressed (none: no such button).
    on_edit: Option<Callback<i64>>,
) -> impl IntoView {
    let lang = use_lang();
    if items.is_empty() {
        return view! { <NoResults /> }.into_any();
    }
    let rows = items
        .into_iter()
        .map(|department| {
            let kind = department.kind;
            let minimum = department.min_on_site;
            let minimum = move || {
                let lang = lang.get();
                minimum
                    .iter()
                    .filter(|(_, count)| **count > 0)
                    .map(|(profession, count)| format!("{}: {count}", profession.label(lang)))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let staff_href = format!(
                "/registry/staff?facility_id={facility_id}&department_id={}",
                department.id
            );
            view! {
                <tr>
                    <td>
                        <code>{department.code}</code>
                    </td>
                    <td>{department.name}</td>
                    <td>{move || kind.label(lang.get())}</td>
                    <td>{minimum}</td>
                    <td class="number">
                        <A href=staff_href>{department.staff_count}</A>
                    </td>
                    <td>
                        <StatusBadge active=department.active yes=Key::Active no=Key::Inactive />
                    </td>
                    {on_edit.map(|on_edit| {
                        let chosen = department.id;
                        view! {
                            <td>
                                <button
                                    type="button"
                                    class="button secondary small"
                                    id=format!("edit-department-{chosen}")
                                    on:click=move |_| on_edit.run(chosen)
                                >
                                    {move || lang.t(Key::EditRow)}
                                </button>
                            </td>
                        }
                    })}
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <CardTable>
                <thead>
                    <tr>
                        <th scope="col">{move || lang.t(Key::Code)}</th>
                        <th scope="col">{move || lang.t(Key::Name)}</th>
                        <th scope="col">{move || lang.t(Key::Kind)}</th>
                        <th scope="col">{move || lang.t(Key::MinOnSite)}</th>
                        <th scope="col" class="number">{move || lang.t(Key::StaffCount)}</th>
                        <th scope="col">{move || lang.t(Key::Status)}</th>
                        {on_edit.map(|_| view! { <th scope="col"></th> })}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </CardTable>
        </div>
    }
    .into_any()
}
