//! `/referrals`: not built yet; the page says so.

use leptos::prelude::*;

use crate::components::ModulePlaceholder;
use crate::i18n::Key;

/// The referrals module's place in the app.
#[component]
pub fn ReferralsPage() -> impl IntoView {
    view! { <ModulePlaceholder title=Key::NavReferrals summary=Key::ReferralsSummary /> }
}
