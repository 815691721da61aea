//! Files the server renders (a plan as DOCX, a report as XLSX, the registry's templates
//! and exports, the audit trail as CSV). A plain link could not carry the bearer token,
//! so the bytes are fetched with the API client and handed to the browser as a Blob
//! behind a temporary `<a download>`.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::api::plans::{Download, FileKind};
use crate::api::{self, use_api};
use crate::components::ProblemView;
use crate::contexts::use_lang;
use crate::i18n::Key;

/// Hands the file to the browser's download.
fn save_file(file: &Download) -> Result<(), String> {
    let describe = |error: wasm_bindgen::JsValue| format!("{error:?}");
    let window = web_sys::window().ok_or("no browser window")?;
    let document = window.document().ok_or("no document")?;
    let bytes = js_sys::Uint8Array::from(file.bytes.as_slice());
    let parts = js_sys::Array::of1(&bytes);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(&file.content_type);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(describe)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(describe)?;
    let link = document
        .create_element("a")
        .map_err(describe)?
        .dyn_into::<web_sys::HtmlAnchorElement>()
        .map_err(|_| "not a link element".to_string())?;
    link.set_href(&url);
    link.set_download(&file.file_name);
    link.set_hidden(true);
    let body = document.body().ok_or("no document body")?;
    body.append_child(&link).map_err(describe)?;
    link.click();
    link.remove();
    // The browser has taken the file; the address is no longer needed.
    web_sys::Url::revoke_object_url(&url).map_err(describe)?;
    Ok(())
}

/// A button that fetches a rendered file and saves it.
#[component]
pub fn DownloadButton(
    /// Element id.
    id: &'static str,
    /// Its text.
    label: Key,
    /// Which file.
    file: FileKind,
    /// Button class.
    #[prop(default = "button secondary")]
    class: &'static str,
) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let file = StoredValue::new(file);
    let fetch = Action::new_local(move |_: &()| {
        let file = file.get_value();
        async move { api::plans::download(api, &file).await }
    });
    let pending = fetch.pending();
    let saving_failed = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(Ok(download)) = fetch.value().get() {
            saving_failed.set(save_file(&download).err());
        }
    });
    let failure = move || fetch.value().get().and_then(Result::err);
    view! {
        <span class="download">
            <button
                type="button"
                class=class
                id=id
                disabled=move || pending.get()
                on:click=move |_| {
                    fetch.dispatch_local(());
                }
            >
                {move || if pending.get() { lang.t(Key::Downloading) } else { lang.t(label) }}
            </button>
            {move || failure().map(|error| view! { <ProblemView error /> })}
            {move || {
                saving_failed
                    .get()
                    .map(|message| {
                        view! {
                            <p class="alert alert-error" role="alert">
                                {move || lang.t(Key::SaveFileFailed)} ": " {message.clone()}
                            </p>
                        }
                    })
            }}
        </span>
    }
}
