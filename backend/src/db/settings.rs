//! Application settings: one JSON value per key in `app_settings`, versioned so that
//! concurrent edits are refused instead of lost.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use super::AnyConn;
use crate::schema::app_settings;

/// A setting's JSON value and version.
pub fn find(conn: &mut AnyConn, key: &str) -> QueryResult<Option<(String, i64)>> {
    app_settings::table
        .find(key)
        .select((app_settings::value, app_settings::version))
        .first(conn)
        .optional()
}

/// Stores a setting at `version` (0: not stored yet); 0 rows when it changed meanwhile.
pub fn store(
    conn: &mut AnyConn,
    key: &str,
    value: &str,
    version: i64,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    if version == 0 {
        // Someone else storing it first is a stale write, like a version mismatch.
        let inserted = conn.transaction(|conn| {
            diesel::insert_into(app_settings::table)
                .values((
                    app_settings::key.eq(key),
                    app_settings::value.eq(value),
                    app_settings::version.eq(1_i64),
                    app_settings::updated_at.eq(at),
                ))
                .execute(conn)
        });
        match inserted {
            Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => Ok(0),
            other => other,
        }
    } else {
        diesel::update(
            app_settings::table.filter(
                app_settings::key
                    .eq(key)
                    .and(app_settings::version.eq(version)),
            ),
        )
        .set((
            app_settings::value.eq(value),
            app_settings::version.eq(version + 1),
            app_settings::updated_at.eq(at),
        ))
        .execute(conn)
    }
}
