//! `Idempotency-Key` on creating POSTs: a retried create answers with the record the
//! first one made instead of creating a second; the same key with a different body is a
//! 409. Keys are kept for [`KEY_LIFETIME`]: an older key is purged and counts as new.
//!
//! What is kept is what a replay needs. A create that makes one record
//! ([`once_record`]: referrals, consultation cases, plans, the registry's records,
//! rotation plans, demands and assignments, support requests) keeps its status, the
//! record's id and location, never the answer: the replay re-reads the record through the
//! normal read path, so the caller's current rights apply and a read of patient data is
//! audited like any other. A create that makes several records at once (a series of
//! consultation sessions, an import) answers a summary no single read gives back: that
//! answer is kept ([`once`]), for the same 24 hours; it holds no patient data.

use chrono::TimeDelta;
use diesel::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::auth::{Principal, tokens};
use crate::db::{AnyConn, now, write_tx};
use crate::error::ApiError;
use crate::schema::idempotency_keys;

/// How long a key is remembered: a client retries within minutes, and a day covers a
/// night's outage of its queue.
pub const KEY_LIFETIME: TimeDelta = TimeDelta::hours(24);

/// A created record: its id, and where it is read.
pub trait Created {
    /// The record's id.
    fn record_id(&self) -> i64;
}

/// Implements [`Created`] for record types with an `id` field.
macro_rules! created {
    ($($record:ty),+ $(,)?) => {$(
        impl Created for $record {
            fn record_id(&self) -> i64 {
                self.id
            }
        }
    )+};
}

created!(
    shared::referral::Referral,
    shared::consultation::ConsultationCase,
    shared::registry::Staff,
    shared::registry::Facility,
    shared::registry::SupportLink,
    shared::registry::Department,
    shared::registry::Leave,
    shared::plan::Plan,
    shared::plan::SupportRequest,
    shared::rotation::RotationPlan,
    shared::rotation::RotationDemand,
    shared::rotation::RotationAssignment,
    shared::technique::Technique,
    shared::technique::SpecialtyNetwork,
);

/// What a replay finds under a key.
enum Stored {
    /// A record: its id.
    Record(i64),
    /// A whole answer (no patient data).
    Answer(String),
}

/// What is kept of a first answer.
struct Keep {
    record_id: Option<i64>,
    location: Option<String>,
    response: Option<String>,
}

/// Runs `create` once per (principal, key); a replay within [`KEY_LIFETIME`] answers
/// `read` of the record the first call created. `collection` is the record's path
/// (`/api/v1/referrals`): the key keeps `collection/{id}` as the location. Without a key
/// it simply runs. The record and the key commit together.
pub fn once_record<T, F, R>(
    conn: &mut AnyConn,
    by: &Principal,
    key: Option<&str>,
    (endpoint, collection): (&str, &str),
    request: &impl Serialize,
    create: F,
    read: R,
) -> Result<T, ApiError>
where
    T: Created,
    F: FnOnce(&mut AnyConn) -> Result<T, ApiError>,
    R: FnOnce(&mut AnyConn, i64) -> Result<T, ApiError>,
{
    let Some(key) = key else {
        return write_tx(conn, create);
    };
    let found = write_tx(conn, |conn| {
        run(conn, by, key, endpoint, request, |conn| {
            let value = create(conn)?;
            let id = value.record_id();
            let keep = Keep {
                record_id: Some(id),
                location: Some(format!("{collection}/{id}")),
                response: None,
            };
            Ok((value, keep))
        })
    })?;
    match found {
        Ok(value) => Ok(value),
        // Re-read outside the key's transaction, as a plain read would be.
        Err(Stored::Record(id)) => read(conn, id),
        Err(Stored::Answer(_)) => Err(ApiError::internal("an idempotency key of another kind")),
    }
}

/// Like [`once_record`], for answers that hold no patient data: the answer itself is
/// kept (for [`KEY_LIFETIME`]) and replayed as it was.
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
    let found = write_tx(conn, |conn| {
        run(conn, by, key, endpoint, request, |conn| {
            let value = create(conn)?;
            let keep = Keep {
                record_id: None,
                location: None,
                response: Some(serde_json::to_string(&value).map_err(ApiError::internal)?),
            };
            Ok((value, keep))
        })
    })?;
    match found {
        Ok(value) => Ok(value),
        Err(Stored::Answer(text)) => serde_json::from_str(&text).map_err(ApiError::internal),
        Err(Stored::Record(_)) => Err(ApiError::internal("an idempotency key of another kind")),
    }
}

/// Inside one transaction: purges expired keys, finds the key (`Err(stored)` for a
/// replay) or creates and keeps it.
fn run<T>(
    conn: &mut AnyConn,
    by: &Principal,
    key: &str,
    endpoint: &str,
    request: &impl Serialize,
    create: impl FnOnce(&mut AnyConn) -> Result<(T, Keep), ApiError>,
) -> Result<Result<T, Stored>, ApiError> {
    let body = serde_json::to_vec(request).map_err(ApiError::internal)?;
    let request_hash = tokens::sha256_hex(&[endpoint.as_bytes(), b"\n", &body].concat());
    let principal = by.key();
    let at = now();
    // Expired keys go first, so that an old key is new again.
    diesel::delete(
        idempotency_keys::table.filter(idempotency_keys::created_at.lt(at - KEY_LIFETIME)),
    )
    .execute(conn)?;
    let stored = idempotency_keys::table
        .filter(
            idempotency_keys::principal
                .eq(&principal)
                .and(idempotency_keys::idempotency_key.eq(key)),
        )
        .select((
            idempotency_keys::request_hash,
            idempotency_keys::record_id,
            idempotency_keys::response,
        ))
        .first::<(String, Option<i64>, Option<String>)>(conn)
        .optional()?;
    if let Some((hash, record_id, response)) = stored {
        if hash != request_hash {
            return Err(ApiError::idempotency_conflict());
        }
        return match (record_id, response) {
            (Some(id), _) => Ok(Err(Stored::Record(id))),
            (None, Some(text)) => Ok(Err(Stored::Answer(text))),
            (None, None) => Err(ApiError::internal("an idempotency key without its record")),
        };
    }
    let (value, keep) = create(conn)?;
    diesel::insert_into(idempotency_keys::table)
        .values((
            idempotency_keys::principal.eq(&principal),
            idempotency_keys::idempotency_key.eq(key),
            idempotency_keys::request_hash.eq(&request_hash),
            idempotency_keys::status.eq(201),
            idempotency_keys::response.eq(keep.response),
            idempotency_keys::record_id.eq(keep.record_id),
            idempotency_keys::location.eq(keep.location),
            idempotency_keys::created_at.eq(at),
        ))
        .execute(conn)?;
    Ok(Ok(value))
}
