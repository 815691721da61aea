//! Filters in the address: list pages keep their filters in the URL query, so a
//! filtered list can be bookmarked, shared and reached with the back button.

use std::str::FromStr;

use leptos_router::location::Url;
use leptos_router::params::ParamsMap;

/// A query parameter's text, trimmed; empty counts as absent.
pub fn text_param(params: &ParamsMap, key: &str) -> Option<String> {
    params
        .get_str(key)
        .map(str::trim)
        .filter(|value| !value.is_empty())
        .map(str::to_string)
}

/// A query parameter parsed; a value that does not parse counts as absent.
pub fn parse_param<T: FromStr>(params: &ParamsMap, key: &str) -> Option<T> {
    text_param(params, key).and_then(|value| value.parse().ok())
}

/// Text typed in a filter field, `None` when blank.
pub fn non_blank(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_string())
}

/// `path?key=value&…` with the pairs that have a value.
pub fn href_with(path: &str, pairs: &[(&str, Option<String>)]) -> String {
    let query = pairs
        .iter()
        .filter_map(|(key, value)| {
            value
                .as_ref()
                .map(|value| format!("{key}={}", Url::escape(value)))
        })
        .collect::<Vec<_>>()
        .join("&");
    if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{query}")
    }
}
