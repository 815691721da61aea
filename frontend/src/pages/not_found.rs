//! Any address the app does not know.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::contexts::use_lang;
use crate::i18n::Key;

/// Says the page does not exist and offers the way home.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    let lang = use_lang();
    view! {
        <main class="standalone">
            <section class="standalone-card">
                <h1>{move || lang.t(Key::NotFoundTitle)}</h1>
                <p class="muted">{move || lang.t(Key::NotFoundDetail)}</p>
                <p>
                    <A href="/">{move || lang.t(Key::BackHome)}</A>
                </p>
            </section>
        </main>
    }
}
