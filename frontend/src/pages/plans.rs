//! `/plans`: not built yet; the page says so.

use leptos::prelude::*;

use crate::components::ModulePlaceholder;
use crate::i18n::Key;

/// The plans module's place in the app.
#[component]
pub fn PlansPage() -> impl IntoView {
    view! { <ModulePlaceholder title=Key::NavPlans summary=Key::PlansSummary /> }
}
