//! The folded search columns (`shared::search::fold`) of rows written before they
//! existed. Every write keeps them since; this fills the NULLs once, at start-up after
//! the migrations, in batches so a large table does not hold one long transaction.

use diesel::prelude::*;
use shared::search::fold;

use crate::db::AnyConn;
use crate::schema::{facilities, referral_search, referrals, staff, users};

/// Rows folded per transaction.
const BATCH: i64 = 500;

/// Folds every searchable name still NULL; returns how many rows were filled.
pub fn backfill(conn: &mut AnyConn) -> QueryResult<usize> {
    let mut filled = 0;
    macro_rules! fill {
        ($table:ident, $source:ident, $target:ident) => {
            loop {
                let rows: Vec<(i64, String)> = $table::table
                    .filter($table::$target.is_null())
                    .select(($table::id, $table::$source))
                    .order($table::id.asc())
                    .limit(BATCH)
                    .load(conn)?;
                if rows.is_empty() {
                    break;
                }
                conn.transaction(|conn| {
                    for (id, name) in &rows {
                        diesel::update($table::table.find(*id))
                            .set($table::$target.eq(fold(name)))
                            .execute(conn)?;
                    }
                    QueryResult::Ok(())
                })?;
                filled += rows.len();
            }
        };
    }
    // Referrals keep theirs in a table of their own: the rows missing there.
    loop {
        let rows: Vec<(i64, String)> = referrals::table
            .filter(diesel::dsl::not(diesel::dsl::exists(
                referral_search::table.filter(referral_search::referral_id.eq(referrals::id)),
            )))
            .select((referrals::id, referrals::patient_name))
            .order(referrals::id.asc())
            .limit(BATCH)
            .load(conn)?;
        if rows.is_empty() {
            break;
        }
        conn.transaction(|conn| {
            for (id, name) in &rows {
                crate::referrals::repo::store_search(conn, *id, name)?;
            }
            QueryResult::Ok(())
        })?;
        filled += rows.len();
    }
    fill!(facilities, name, name_search);
    fill!(staff, full_name, name_search);
    fill!(users, full_name, name_search);
    Ok(filled)
}
