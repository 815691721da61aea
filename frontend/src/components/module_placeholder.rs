//! The page of a module that is not built yet: it says so, and nothing more.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::contexts::use_lang;
use crate::i18n::Key;

/// Names the module, says what it will do and that it is being built.
#[component]
pub fn ModulePlaceholder(
    /// The module's name.
    title: Key,
    /// What the module will do.
    summary: Key,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <section class="page">
            <header class="page-header">
                <h1>{move || lang.t(title)}</h1>
                <p class="muted">{move || lang.t(summary)}</p>
            </header>
            <div class="notice" role="status">
                <p class="notice-title">{move || lang.t(Key::ModuleComing)}</p>
                <p>{move || lang.t(Key::ModuleComingDetail)}</p>
                <p>
                    <A href="/registry/facilities">{move || lang.t(Key::NavRegistry)}</A>
                </p>
            </div>
        </section>
    }
}
