//! Administration: user accounts, integration clients, the audit trail, the referral
//! rules. Each tab shows only when the capabilities of `GET /me` allow it; the server
//! decides with the same policy.

mod audit;
mod clients;
mod rules;
mod users;

pub use audit::AuditPage;
pub use clients::ApiClientsPage;
pub use rules::{HolidayGaps, ReferralRulesPage};
pub use users::UsersPage;

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos_router::components::A;
use shared::auth::Capability;
use shared::registry::{Facility, FacilityQuery};

use crate::api::{self, ApiError, use_api};
use crate::components::FieldErrors;
use crate::contexts::{use_lang, use_session};
use crate::i18n::Key;

/// The tabs of the administration, each as the capability it needs, its address
/// and its name.
const TABS: &[(Capability, &str, Key)] = &[
    (Capability::ManageUsers, "/admin/users", Key::AdminUsers),
    (
        Capability::ManageApiClients,
        "/admin/api-clients",
        Key::AdminApiClients,
    ),
    (Capability::ReadAudit, "/admin/audit", Key::AdminAudit),
    (
        Capability::ManageReferralRules,
        rules::PATH,
        Key::AdminReferralRules,
    ),
];

/// Where the administration starts for this person: its first tab they may open.
pub fn admin_home(me: &shared::auth::Me) -> Option<&'static str> {
    TABS.iter()
        .find(|(capability, _, _)| me.can(*capability))
        .map(|(_, href, _)| *href)
}

/// Whether the signed-in person may use the page behind `capability` (tracked).
fn may(capability: Capability) -> impl Fn() -> bool + Copy + Send + Sync + 'static {
    let session = use_session();
    move || session.me().is_some_and(|me| me.can(capability))
}

/// The administration's heading and the tabs the person may open.
#[component]
fn AdminTabs() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let tabs = move || {
        let me = session.me()?;
        Some(
            TABS.iter()
                .filter(|(capability, _, _)| me.can(*capability))
                .map(|(_, href, key)| {
                    let key = *key;
                    view! { <A href=*href>{move || lang.t(key)}</A> }
                })
                .collect_view(),
        )
    };
    view! {
        <header class="page-header">
            <h1>{move || lang.t(Key::NavAdmin)}</h1>
        </header>
        <div class="tabs">{tabs}</div>
    }
}

/// The page behind `capability`, or a notice for those without it.
#[component]
fn Guarded(capability: Capability, children: ChildrenFn) -> impl IntoView {
    let lang = use_lang();
    // A memo: a profile read again (same rights) must not rebuild the page and lose
    // what is typed in it.
    let may = Memo::new({
        let may = may(capability);
        move |_| may()
    });
    move || {
        if may.get() {
            children().into_any()
        } else {
            view! {
                <section class="page">
                    <div class="notice" role="status">
                        <p>{move || lang.t(Key::AdminOnlyNotice)}</p>
                    </div>
                </section>
            }
            .into_any()
        }
    }
}

/// Every facility, for choosing one and naming them in tables.
fn all_facilities() -> LocalResource<Result<Vec<Facility>, ApiError>> {
    let api = use_api();
    LocalResource::new(move || async move {
        let query = FacilityQuery {
            limit: Some(shared::page::MAX_LIMIT),
            ..Default::default()
        };
        api::registry::facilities(api, &query)
            .await
            .map(|page| page.items)
    })
}

/// Facility names by id (empty when the list could not be read: ids show instead).
fn facility_names(facilities: &Result<Vec<Facility>, ApiError>) -> BTreeMap<i64, String> {
    facilities
        .as_ref()
        .map(|items| {
            items
                .iter()
                .map(|facility| (facility.id, facility.name.clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// A labelled choice of one facility, "choose one" (or "any") first, with its messages.
#[component]
fn FacilityChoice(
    /// Element id of the select.
    id: &'static str,
    /// The facilities to choose from.
    facilities: Vec<Facility>,
    /// The chosen id as text (empty: none).
    #[prop(into)]
    value: Signal<String>,
    /// Called with the new id as text.
    on_change: Callback<String>,
    /// Messages to show under it.
    #[prop(into, optional)]
    messages: Signal<Vec<String>>,
    /// The first option says "any" (a filter) rather than "choose one".
    #[prop(optional)]
    any: bool,
) -> impl IntoView {
    let lang = use_lang();
    let errors_id = format!("{id}-errors");
    let options = facilities
        .into_iter()
        .map(|facility| {
            let code = facility.id.to_string();
            let current = code.clone();
            view! {
                <option value=code prop:selected=move || value.with(|value| *value == current)>
                    {facility.name}
                </option>
            }
        })
        .collect_view();
    view! {
        <div class="field">
            <label for=id>{move || lang.t(Key::Facility)}</label>
            <select
                id=id
                aria-describedby=errors_id.clone()
                aria-invalid=move || (!messages.with(Vec::is_empty)).to_string()
                on:change=move |event| on_change.run(event_target_value(&event))
            >
                <option value="" prop:selected=move || value.with(String::is_empty)>
                    {move || lang.t(if any { Key::Any } else { Key::ChooseOne })}
                </option>
                {options}
            </select>
            <FieldErrors id=errors_id messages />
        </div>
    }
}
