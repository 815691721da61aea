//! `/consultations`: not built yet; the page says so.

use leptos::prelude::*;

use crate::components::ModulePlaceholder;
use crate::i18n::Key;

/// The consultations module's place in the app.
#[component]
pub fn ConsultationsPage() -> impl IntoView {
    view! { <ModulePlaceholder title=Key::NavConsultations summary=Key::ConsultationsSummary /> }
}
