//! What shows while data is on its way.

use leptos::prelude::*;

use crate::contexts::use_lang;
use crate::i18n::Key;

/// A polite "loading" line for `<Transition fallback>`.
#[component]
pub fn Loading() -> impl IntoView {
    let lang = use_lang();
    view! {
        <p class="loading" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            {move || lang.t(Key::Loading)}
        </p>
    }
}
