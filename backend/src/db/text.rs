//! Text columns: enums stored as their wire code, values parsed back from text, and
//! `LIKE` patterns built from user input.

use std::str::FromStr;

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Text;

use crate::error::ApiError;

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

#[cfg(test)]
mod tests {
    use actix_web::ResponseError;
    use diesel::prelude::*;
    use diesel::result::Error as DieselError;
    use shared::referral::ReferralStatus;

    use super::*;
    use crate::db::{AnyConn, Db};

    /// Reads `text` back as a stored referral status.
    fn read(conn: &mut AnyConn, text: &'static str) -> QueryResult<DbEnum<ReferralStatus>> {
        diesel::select(text.into_sql::<Text>()).get_result(conn)
    }

    #[test]
    fn a_stored_code_reads_back_and_unknown_text_is_a_500_not_a_panic() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let db = Db::connect(&dir.path().join("text.sqlite3").to_string_lossy())?;
        let mut conn = db.conn().map_err(|error| anyhow::anyhow!("{error:?}"))?;
        let written: DbEnum<ReferralStatus> =
            diesel::select(DbEnum(ReferralStatus::Sent).into_sql::<Text>())
                .get_result(&mut *conn)?;
        assert_eq!(written, DbEnum(ReferralStatus::Sent));
        assert_eq!(read(&mut conn, "sent")?, DbEnum(ReferralStatus::Sent));

        let error = read(&mut conn, "teleported").err();
        assert!(
            matches!(error, Some(DieselError::DeserializationError(_))),
            "{error:?}"
        );
        let api = ApiError::from(error.unwrap_or(DieselError::NotFound));
        assert_eq!(api.status_code().as_u16(), 500);
        Ok(())
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(escape_like(" 50%_a\\b "), "50\\%\\_a\\\\b");
    }
}
