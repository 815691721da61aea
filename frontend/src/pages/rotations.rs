//! `/rotations`: not built yet; the page says so.

use leptos::prelude::*;

use crate::components::ModulePlaceholder;
use crate::i18n::Key;

/// The rotations module's place in the app.
#[component]
pub fn RotationsPage() -> impl IntoView {
    view! { <ModulePlaceholder title=Key::NavRotations summary=Key::RotationsSummary /> }
}
