//! Languages and labels. Vietnamese is the default; English is the switch.

use serde::{Deserialize, Serialize};

/// A user-interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Tiếng Việt (default).
    #[default]
    Vi,
    /// English.
    En,
}

impl Lang {
    /// Picks a language from an HTTP `Accept-Language` value: English only when it is
    /// preferred over Vietnamese, Vietnamese otherwise.
    pub fn from_accept_language(header: &str) -> Lang {
        let first = header
            .split(',')
            .map(|part| {
                part.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            })
            .find(|tag| tag.starts_with("vi") || tag.starts_with("en"));
        match first {
            Some(tag) if tag.starts_with("en") => Lang::En,
            _ => Lang::Vi,
        }
    }

    /// The language's short code (`vi`, `en`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }
}

/// Something with a human label in each language.
pub trait Labelled {
    /// The label shown to a person.
    fn label(&self, lang: Lang) -> &'static str;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_prefers_first_known_tag() {
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Lang::En);
        assert_eq!(Lang::from_accept_language("vi-VN,en;q=0.8"), Lang::Vi);
        assert_eq!(Lang::from_accept_language("fr-FR,en;q=0.5"), Lang::En);
        assert_eq!(Lang::from_accept_language(""), Lang::Vi);
        assert_eq!(Lang::from_accept_language("de"), Lang::Vi);
    }
}
