//! Cursor pagination shared by every list endpoint.

use serde::{Deserialize, Serialize};

/// Default page size when `limit` is not given.
pub const DEFAULT_LIMIT: i64 = 50;
/// Largest page a client may ask for.
pub const MAX_LIMIT: i64 = 200;

/// What a list's `cursor` looks like: the last id of the previous page. Declared in the
/// contract and enforced for every list (an empty cursor is refused).
pub const CURSOR_PATTERN: &str = r"^[0-9]{1,18}$";
/// The cursor of the consultation sessions, which page in start order: the last
/// session's start in microseconds and its id.
pub const SESSION_CURSOR_PATTERN: &str = r"^-?[0-9]{1,17}\.[0-9]{1,18}$";

/// One page of a list, in a stable order. Pass `next_cursor` back as `cursor` to get
/// the next page; it is absent on the last page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    /// The records of this page.
    pub items: Vec<T>,
    /// Opaque cursor for the next page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// Clamps a requested page size into `1..=MAX_LIMIT`.
pub fn clamp_limit(limit: Option<i64>) -> i64 {
    limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_is_clamped() {
        assert_eq!(clamp_limit(None), DEFAULT_LIMIT);
        assert_eq!(clamp_limit(Some(0)), 1);
        assert_eq!(clamp_limit(Some(-5)), 1);
        assert_eq!(clamp_limit(Some(10_000)), MAX_LIMIT);
        assert_eq!(clamp_limit(Some(7)), 7);
    }
}
