//! `localStorage`, where the session and the language choice survive a reload.
//! Storage can be missing (private windows, disabled by policy); the app then works
//! for the life of the tab and says so in the console.

use leptos::logging::warn;
use serde::{Serialize, de::DeserializeOwned};
use web_sys::Storage;

fn local_storage() -> Option<Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The text stored under `key`.
pub fn read_text(key: &str) -> Option<String> {
    local_storage()?.get_item(key).ok().flatten()
}

/// The JSON value stored under `key`; an unreadable value counts as absent.
pub fn read_json<T: DeserializeOwned>(key: &str) -> Option<T> {
    let raw = read_text(key)?;
    match serde_json::from_str(&raw) {
        Ok(value) => Some(value),
        Err(error) => {
            warn!("ignoring unreadable localStorage value {key}: {error}");
            None
        }
    }
}

/// Stores `value` under `key`.
pub fn write_text(key: &str, value: &str) {
    let Some(storage) = local_storage() else {
        warn!("localStorage unavailable: {key} will not survive a reload");
        return;
    };
    if let Err(error) = storage.set_item(key, value) {
        warn!("could not store {key}: {error:?}");
    }
}

/// Stores `value` as JSON under `key`.
pub fn write_json<T: Serialize>(key: &str, value: &T) {
    match serde_json::to_string(value) {
        Ok(text) => write_text(key, &text),
        Err(error) => warn!("could not encode {key}: {error}"),
    }
}

/// Forgets `key`.
pub fn remove(key: &str) {
    if let Some(storage) = local_storage()
        && let Err(error) = storage.remove_item(key)
    {
        warn!("could not remove {key}: {error:?}");
    }
}
