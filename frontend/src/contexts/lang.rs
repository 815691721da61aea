//! The interface language: Vietnamese unless the person switched to English, and
//! remembered in `localStorage` under `tuyen.lang`.

use leptos::prelude::*;
use shared::Lang;

use super::storage;
use crate::i18n::{Key, t};

const STORAGE_KEY: &str = "tuyen.lang";

/// The current language, readable reactively.
#[derive(Debug, Clone, Copy)]
pub struct LangContext(RwSignal<Lang>);

impl LangContext {
    /// The current language (tracked).
    pub fn get(self) -> Lang {
        self.0.get()
    }

    /// The current language, without subscribing.
    pub fn get_untracked(self) -> Lang {
        self.0.get_untracked()
    }

    /// Switches between Vietnamese and English.
    pub fn toggle(self) {
        self.0.update(|lang| {
            *lang = match lang {
                Lang::Vi => Lang::En,
                Lang::En => Lang::Vi,
            }
        });
    }

    /// Interface text in the current language (tracked).
    pub fn t(self, key: Key) -> &'static str {
        t(self.get(), key)
    }
}

fn stored_lang() -> Lang {
    match storage::read_text(STORAGE_KEY).as_deref() {
        Some("en") => Lang::En,
        _ => Lang::Vi,
    }
}

/// Keeps `<html lang>` right for screen readers, spelling and hyphenation.
fn set_document_lang(lang: Lang) {
    if let Some(root) = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.document_element())
        && let Err(error) = root.set_attribute("lang", lang.code())
    {
        leptos::logging::warn!("could not set the document language: {error:?}");
    }
}

/// Provides the language context at the root of the app.
pub fn provide_lang() -> LangContext {
    let context = LangContext(RwSignal::new(stored_lang()));
    Effect::new(move |_| {
        let lang = context.get();
        storage::write_text(STORAGE_KEY, lang.code());
        set_document_lang(lang);
    });
    provide_context(context);
    context
}

/// The language context provided by [`provide_lang`].
pub fn use_lang() -> LangContext {
    expect_context()
}
