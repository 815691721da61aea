//! The registry: facilities, their departments and staff. Filters live in the URL, so
//! a filtered list can be bookmarked, shared and reached with the back button.

mod facilities;
mod facility_detail;
mod facility_edit;
mod import;
mod leave;
mod networks;
mod staff;
mod staff_edit;
mod support_links;
mod techniques;

pub use facilities::{FacilitiesPage, NewFacilityPage};
pub use facility_detail::FacilityDetailPage;
pub use import::ImportPage;
pub use networks::NetworksPage;
pub use staff::StaffPage;
pub use staff_edit::{NewStaffPage, StaffEditPage};
pub use techniques::TechniquesPage;

use leptos::prelude::*;
use leptos_router::components::A;
use shared::auth::Capability;

use crate::components::list::{NoResults, Pager};
use crate::contexts::{Session, use_lang};
use crate::i18n::Key;
use crate::pages::query::{href_with, non_blank, parse_param, text_param};

/// Switches between the registry's lists.
#[component]
fn RegistryTabs() -> impl IntoView {
    let lang = use_lang();
    view! {
        <header class="page-header">
            <h1>{move || lang.t(Key::NavRegistry)}</h1>
            <p class="muted">{move || lang.t(Key::RegistrySummary)}</p>
        </header>
        <div class="tabs">
            <A href="/registry/facilities">{move || lang.t(Key::Facilities)}</A>
            <A href="/registry/staff">{move || lang.t(Key::Staff)}</A>
            <A href="/registry/techniques">{move || lang.t(Key::TechniqueCatalogue)}</A>
            <A href="/registry/networks">{move || lang.t(Key::SpecialtyNetworks)}</A>
            <A href="/registry/import">{move || lang.t(Key::ImportTitle)}</A>
        </div>
    }
}

/// "Active" or "inactive", in words that suit the record.
#[component]
fn StatusBadge(active: bool, yes: Key, no: Key) -> impl IntoView {
    let lang = use_lang();
    let class = if active { "badge ok" } else { "badge off" };
    view! { <span class=class>{move || lang.t(if active { yes } else { no })}</span> }
}

/// Whether the signed-in person may edit a record of `facility_id` that `capability`
/// covers at their own facility (tracked); managing the facility registry covers every
/// facility. The server decides with the same policy.
fn may_manage(session: Session, capability: Capability, facility_id: i64) -> bool {
    session.can(Capability::ManageFacilities)
        || (session.can(capability) && session.me().is_some_and(|me| me.facility.id == facility_id))
}
