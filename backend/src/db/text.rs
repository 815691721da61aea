//! Text columns: enums stored as their wire code, values parsed back from text, and
//! `LIKE` patterns built from user input.

use std::str::FromStr;

use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Text;

use crate::error::ApiError;
use diesel::backend::Backend;

/// A `labelled_enum!` value in a TEXT column, stored as its wire code (`as_str()`).
///
/// Row structs hold `DbEnum<Status>` instead of a `String`, so a row is read and written
/// typed and no query site parses or formats the code itself. `shared` cannot implement
/// diesel's traits (it must not depend on diesel), hence the newtype on this side. Text
/// that names no variant fails the read as a deserialization error, which the API answers
/// as a logged 500. Serialized (e.g. into audit details) as the code, like the enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, FromSqlRow, AsExpression, serde::Serialize)]
#[diesel(sql_type = Text)]
#[serde(transparent)]
pub struct DbEnum<T>(pub T);

impl<T> From<T> for DbEnum<T> {
    fn from(value: T) -> Self {
        DbEnum(value)
    }
}

// For every backend, not only `MultiBackend`: an insert through `AnyConn` is written by
// the engine's own backend.
impl<T, DB> ToSql<Text, DB> for DbEnum<T>
where
    DB: Backend,
    str: ToSql<Text, DB>,
    T: Copy + Into<&'static str> + std::fmt::Debug,
{
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
        let code: &'static str = self.0.into();
        code.to_sql(out)
    }
}

impl<T, DB> FromSql<Text, DB> for DbEnum<T>
where
    DB: Backend,
    String: FromSql<Text, DB>,
    T: FromStr,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
        let text = String::from_sql(bytes)?;
        text.parse()
            .map(DbEnum)
            .map_err(|_| format!("stored {:?} is no {}", text, std::any::type_name::<T>()).into())
    }
}

/// Parses a value stored as text by its `FromStr` (e.g. a reporting period); text that
/// does not parse is an internal error naming `what` it held.
pub fn parse_stored<T: FromStr>(value: &str, what: &str) -> Result<T, ApiError> {
    value
        .parse()
        .map_err(|_| ApiError::internal(format!("stored {what} {value:?} is not known")))
}

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern.
pub fn escape_like(text: &str) -> String {
    text.trim()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}
