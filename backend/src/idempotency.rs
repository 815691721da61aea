//! `Idempotency-Key` on creating POSTs: a retried create returns the first answer
//! instead of creating a second record; the same key with a different body is a 409.

use diesel::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::auth::{Principal, tokens};
use crate::db::{AnyConn, now, write_tx};
use crate::error::ApiError;
use crate::schema::idempotency_keys;

/// Runs `create` once per (principal, key, endpoint). Without a key it simply runs.
/// The record and the stored answer commit together, so a crash cannot leave one
/// without the other.
pub fn once<T, F>(
    conn: &mut AnyConn,
    by: &Principal,
    key: Option<&str>,
    endpoint: &str,
    request: &impl Serialize,
    create: F,
) -> Result<T, ApiError>
where
    T: Serialize + DeserializeOwned,
    F: FnOnce(&mut AnyConn) -> Result<T, ApiError>,
{
    let Some(key) = key else {
        return write_tx(conn, create);
    };
    let body = serde_json::to_vec(request).map_err(ApiError::internal)?;
    let request_hash = tokens::sha256_hex(&[endpoint.as_bytes(), b"\n", &body].concat());
    let principal = by.key();
    write_tx(conn, |conn| {
        let stored = idempotency_keys::table
            .filter(
                idempotency_keys::principal
                    .eq(&principal)
                    .and(idempotency_keys::idempotency_key.eq(key)),
            )
            .select((idempotency_keys::request_hash, idempotency_keys::response))
            .first::<(String, String)>(conn)
            .optional()?;
        if let Some((hash, response)) = stored {
            if hash != request_hash {
                return Err(ApiError::idempotency_conflict());
            }
            return serde_json::from_str(&response).map_err(ApiError::internal);
        }
        let value = create(conn)?;
        diesel::insert_into(idempotency_keys::table)
            .values((
                idempotency_keys::principal.eq(&principal),
                idempotency_keys::idempotency_key.eq(key),
                idempotency_keys::request_hash.eq(&request_hash),
                idempotency_keys::status.eq(201),
                idempotency_keys::response
                    .eq(serde_json::to_string(&value).map_err(ApiError::internal)?),
                idempotency_keys::created_at.eq(now()),
            ))
            .execute(conn)?;
        Ok(value)
    })
}
