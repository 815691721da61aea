//! What an edit form says when the record changed since it was read (412), with the
//! way to read it again.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::contexts::use_lang;
use crate::i18n::Key;

/// Whether a failed save was refused because the record changed meanwhile.
pub fn is_stale(error: &ApiError) -> bool {
    error.status() == Some(412)
}

/// "Someone else changed it", and a button that reloads it, when the last save met a
/// newer version; nothing otherwise.
#[component]
pub fn StaleNotice(
    /// Element id of the notice (its button is `{id}-reload`).
    id: &'static str,
    /// Why the last save failed (tracked).
    #[prop(into)]
    failure: Signal<Option<ApiError>>,
    /// Reads the record again.
    on_reload: Callback<()>,
) -> impl IntoView {
    let lang = use_lang();
    move || {
        failure
            .with(|failure| failure.as_ref().is_some_and(is_stale))
            .then(|| {
                view! {
                    <div class="alert alert-error" role="alert" id=id>
                        <p class="alert-title">{move || lang.t(Key::RecordChangedMeanwhile)}</p>
                        <button
                            type="button"
                            class="button secondary"
                            id=format!("{id}-reload")
                            on:click=move |_| on_reload.run(())
                        >
                            {move || lang.t(Key::ReloadRecord)}
                        </button>
                    </div>
                }
            })
    }
}
