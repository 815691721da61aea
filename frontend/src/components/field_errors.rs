//! Messages about one form field, shown right under it.

use leptos::prelude::*;

/// The messages for one field; `id` is what the input's `aria-describedby` names.
#[component]
pub fn FieldErrors(
    /// Element id, referenced by the input's `aria-describedby` (it may follow a field
    /// path that moves, as rows above it go).
    #[prop(into)]
    id: Signal<String>,
    /// The messages to show (none: nothing shows).
    #[prop(into)]
    messages: Signal<Vec<String>>,
) -> impl IntoView {
    view! {
        <ul class="field-errors" id=move || id.get() aria-live="polite">
            {move || {
                messages
                    .get()
                    .into_iter()
                    .map(|message| view! { <li>{message}</li> })
                    .collect_view()
            }}
        </ul>
    }
}
