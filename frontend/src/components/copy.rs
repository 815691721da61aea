//! A read-only text to copy (a secret address, a token): selected whole on focus, with
//! a button that puts it on the clipboard.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::contexts::use_lang;
use crate::i18n::Key;

/// Copies text to the clipboard where the browser offers one (secure pages); elsewhere
/// the text stays selected for the person to copy.
fn copy_to_clipboard(text: &str) -> bool {
    let Some(navigator) = web_sys::window().map(|window| window.navigator()) else {
        return false;
    };
    let available = js_sys::Reflect::get(&navigator, &"clipboard".into())
        .is_ok_and(|clipboard| !clipboard.is_undefined() && !clipboard.is_null());
    if available {
        // The promise settles on its own; a refusal leaves the text on screen.
        let _ = navigator.clipboard().write_text(text);
    }
    available
}

/// Selects the whole text when the field gets the focus, ready to copy.
fn select_all(event: web_sys::FocusEvent) {
    if let Some(input) = event
        .target()
        .and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok())
    {
        input.select();
    }
}

/// A labelled read-only field and its "copy" button (`id` and `copy_id` are what the
/// browser tests use).
#[component]
pub fn CopyField(
    /// Element id of the input.
    id: &'static str,
    /// Element id of the copy button.
    copy_id: &'static str,
    /// The label.
    label: Key,
    /// The text.
    value: String,
) -> impl IntoView {
    let lang = use_lang();
    let copied = RwSignal::new(false);
    let copy_text = value.clone();
    view! {
        <label for=id>{move || lang.t(label)}</label>
        <div class="feed-row">
            <input id=id type="text" readonly value=value on:focus=select_all />
            <button
                type="button"
                id=copy_id
                class="button secondary small"
                on:click=move |_| copied.set(copy_to_clipboard(&copy_text))
            >
                {move || if copied.get() { lang.t(Key::Copied) } else { lang.t(Key::Copy) }}
            </button>
        </div>
    }
}
