//! Filters in the address: list pages keep their filters in the URL query, so a
//! filtered list can be bookmarked, shared and reached with the back button.

use std::str::FromStr;

use leptos_router::params::ParamsMap;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// What `encodeURIComponent` leaves as it is; everything else in a value is escaped.
/// Escaped here rather than through the browser so the addresses can be tested on the
/// host.
const URI_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// A query parameter's value escaped as `encodeURIComponent` does.
pub fn escape(value: &str) -> String {
    utf8_percent_encode(value, URI_COMPONENT).to_string()
}

/// The parameters of an address's query, as the router decoded them.
pub trait QueryParams {
    /// The last value given for `key`.
    fn get_str(&self, key: &str) -> Option<&str>;
}

impl QueryParams for ParamsMap {
    fn get_str(&self, key: &str) -> Option<&str> {
        ParamsMap::get_str(self, key)
    }
}

/// Decoded without the browser (the router's `ParamsMap` decodes through it), so that
/// the queries can be tested on the host.
#[cfg(test)]
impl QueryParams for std::collections::BTreeMap<String, String> {
    fn get_str(&self, key: &str) -> Option<&str> {
        self.get(key).map(String::as_str)
    }
}

/// A query parameter's text, trimmed; empty counts as absent.
pub fn text_param(params: &(impl QueryParams + ?Sized), key: &str) -> Option<String> {
    params
        .get_str(key)
        .map(str::trim)
        .filter(|value| !value.is_empty())
        .map(str::to_string)
}

/// A query parameter parsed; a value that does not parse counts as absent.
pub fn parse_param<T: FromStr>(params: &(impl QueryParams + ?Sized), key: &str) -> Option<T> {
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
                .map(|value| format!("{key}={}", escape(value)))
        })
        .collect::<Vec<_>>()
        .join("&");
    if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{query}")
    }
}

/// The parameters of an address `href_with` made, as the router reads them.
#[cfg(test)]
pub fn params_of(href: &str) -> std::collections::BTreeMap<String, String> {
    let mut params = std::collections::BTreeMap::new();
    let query = href
        .split_once('?')
        .map(|(_, query)| query)
        .unwrap_or_default();
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = percent_encoding::percent_decode_str(value).decode_utf8_lossy();
        params.insert(key.to_string(), value.into_owned());
    }
    params
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> std::collections::BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(key, value)| (key.to_string(), value.to_string()))
            .collect()
    }

    #[test]
    fn blank_and_unparsable_parameters_count_as_absent() {
        let params = params(&[("q", "  "), ("n", "x"), ("m", " 7 "), ("s", " a b ")]);
        assert_eq!(text_param(&params, "q"), None);
        assert_eq!(text_param(&params, "s").as_deref(), Some("a b"));
        assert_eq!(text_param(&params, "missing"), None);
        assert_eq!(parse_param::<i64>(&params, "n"), None);
        assert_eq!(parse_param::<i64>(&params, "m"), Some(7));
    }

    #[test]
    fn typed_text_is_trimmed_and_blank_is_none() {
        assert_eq!(non_blank("  "), None);
        assert_eq!(non_blank(" Lê Văn ").as_deref(), Some("Lê Văn"));
    }

    #[test]
    fn values_are_escaped_like_encode_uri_component() {
        assert_eq!(escape("a-z_A.Z~0!9*'()"), "a-z_A.Z~0!9*'()");
        assert_eq!(escape("a b&c=d/e?#+"), "a%20b%26c%3Dd%2Fe%3F%23%2B");
        assert_eq!(escape("Lê"), "L%C3%AA");
    }

    #[test]
    fn only_pairs_with_a_value_go_in_the_address() {
        assert_eq!(href_with("/x", &[("a", None)]), "/x");
        assert_eq!(
            href_with(
                "/x",
                &[
                    ("a", Some("1".into())),
                    ("b", None),
                    ("q", Some("Lê A".into()))
                ]
            ),
            "/x?a=1&q=L%C3%AA%20A"
        );
        let back = params_of("/x?a=1&q=L%C3%AA%20A");
        assert_eq!(text_param(&back, "q").as_deref(), Some("Lê A"));
    }
}
