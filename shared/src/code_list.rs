//! Reference code lists served to the SPA and to integrators (`GET /code-lists/...`):
//! today the Ministry of Health's Vietnamese ICD-10 list. Public reference data.

use serde::{Deserialize, Serialize};

/// One code of a list with its Vietnamese name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeEntry {
    /// The code as the list writes it, e.g. `J18.9`.
    pub code: String,
    /// Its name in the list (Vietnamese).
    pub name: String,
}

/// Filters of a code list: a code prefix or words of the name, accent-insensitive.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct CodeListQuery {
    /// A code or its beginning (`J18`, `j189`), or words of the name in any order,
    /// with or without accents (`viem phoi`). Empty: the whole list in code order.
    #[cfg_attr(feature = "openapi", param(max_length = 100))]
    pub q: Option<String>,
    /// Page size (1–200, default 50).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<i64>,
    /// Cursor from the previous page.
    #[cfg_attr(feature = "openapi", param(pattern = r"^[0-9]{1,18}$"))]
    pub cursor: Option<String>,
}

/// An ICD-10 code as typed, in the list's form: upper case, the dot after the third
/// character (`j189` → `J18.9`); `None` when it is not shaped like one (a letter, two
/// digits, then at most two more characters).
pub fn icd10_code(text: &str) -> Option<String> {
    let compact: String = text
        .trim()
        .chars()
        .filter(|c| *c != '.')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let mut chars = compact.chars();
    let shaped = chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && chars.next().is_some_and(|c| c.is_ascii_digit())
        && chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && compact.len() <= 5
        && compact.chars().all(|c| c.is_ascii_alphanumeric());
    if !shaped {
        return None;
    }
    Some(if compact.len() > 3 {
        format!("{}.{}", &compact[..3], &compact[3..])
    } else {
        compact
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_read_in_the_lists_form() {
        assert_eq!(icd10_code("j189").as_deref(), Some("J18.9"));
        assert_eq!(icd10_code(" J18.9 ").as_deref(), Some("J18.9"));
        assert_eq!(icd10_code("i10").as_deref(), Some("I10"));
        assert_eq!(icd10_code("viem phoi"), None);
        assert_eq!(icd10_code("J1"), None);
        assert_eq!(icd10_code("J18.999"), None);
    }
}
