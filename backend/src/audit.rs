//! The audit trail: every change (and every read of patient data) is written in the
//! same transaction as the change itself, so neither exists without the other.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use serde_json::{Map, Value};
use shared::audit::{AuditEvent, AuditQuery};
use shared::message::Message;

use crate::auth::{Action, Principal, authorize};
use crate::db::{AnyConn, utc};
use crate::error::ApiError;
use crate::http::{page_of, parse_cursor};
use crate::schema::audit_events;

/// Who an event is attributed to when no principal acted (start-up, demo data).
pub const SYSTEM: &str = "system";

/// One event to write.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    /// Entity kind.
    pub entity: &'a str,
    /// Entity id.
    pub entity_id: String,
    /// Action.
    pub action: &'a str,
    /// Facility whose data it is.
    pub facility_id: Option<i64>,
    /// Changes.
    pub changes: Value,
}

/// Writes an event attributed to a principal.
pub fn record(conn: &mut AnyConn, by: &Principal, entry: Entry<'_>) -> QueryResult<()> {
    insert(
        conn,
        by.user_id(),
        by.client_id(),
        &by.label(),
        by.request_id.as_deref(),
        entry,
    )
}

/// Writes the event of a change to one record of a facility's data.
pub fn change(
    conn: &mut AnyConn,
    by: &Principal,
    entity: &str,
    id: i64,
    action: &str,
    facility_id: i64,
    changes: Value,
) -> QueryResult<()> {
    record(
        conn,
        by,
        Entry {
            entity,
            entity_id: id.to_string(),
            action,
            facility_id: Some(facility_id),
            changes,
        },
    )
}

/// A row of `audit_events` as a batch writes it (every column bound, `None` as NULL:
/// a multi-row insert cannot hold SQL `DEFAULT` on SQLite).
#[derive(Insertable)]
#[diesel(table_name = audit_events, treat_none_as_default_value = false)]
struct NewEvent<'a> {
    at: NaiveDateTime,
    actor_user_id: Option<i64>,
    actor_client_id: Option<i64>,
    actor: &'a str,
    entity: &'a str,
    entity_id: String,
    action: &'a str,
    facility_id: Option<i64>,
    changes: String,
    request_id: Option<&'a str>,
}

/// Rows per multi-row insert: 10 parameters each, so 5,000 per statement — well under
/// SQLite's 32,766 and PostgreSQL's 65,535 bind parameters.
const EVENTS_PER_INSERT: usize = 500;

/// Writes many events attributed to a principal in a few multi-row inserts (an import
/// of thousands of records would otherwise pay one round trip per event).
pub fn record_all(conn: &mut AnyConn, by: &Principal, entries: Vec<Entry<'_>>) -> QueryResult<()> {
    let at = crate::db::now();
    let actor = by.label();
    let rows: Vec<NewEvent<'_>> = entries
        .into_iter()
        .map(|entry| NewEvent {
            at,
            actor_user_id: by.user_id(),
            actor_client_id: by.client_id(),
            actor: &actor,
            entity: entry.entity,
            entity_id: entry.entity_id,
            action: entry.action,
            facility_id: entry.facility_id,
            changes: entry.changes.to_string(),
            request_id: by.request_id.as_deref(),
        })
        .collect();
    for chunk in rows.chunks(EVENTS_PER_INSERT) {
        let insert = diesel::insert_into(audit_events::table).values(chunk);
        // A multi-row insert does not go through MultiConnection: run it on the engine's
        // own connection (the same one, inside the caller's transaction).
        match conn {
            AnyConn::Postgresql(conn) => insert.execute(conn)?,
            AnyConn::Sqlite(conn) => insert.execute(conn)?,
        };
    }
    Ok(())
}

/// Writes an event attributed to a user who is not (yet) a principal, e.g. at sign-in.
pub fn record_as_user(
    conn: &mut AnyConn,
    user_id: Option<i64>,
    label: &str,
    request_id: Option<&str>,
    entry: Entry<'_>,
) -> QueryResult<()> {
    insert(conn, user_id, None, label, request_id, entry)
}

/// Writes an event on behalf of a caller no longer present (a queued job run by a
/// worker): their user or client id and label, as stored with the job.
pub fn record_on_behalf(
    conn: &mut AnyConn,
    user_id: Option<i64>,
    client_id: Option<i64>,
    label: &str,
    entry: Entry<'_>,
) -> QueryResult<()> {
    insert(conn, user_id, client_id, label, None, entry)
}

fn insert(
    conn: &mut AnyConn,
    user_id: Option<i64>,
    client_id: Option<i64>,
    actor: &str,
    request_id: Option<&str>,
    entry: Entry<'_>,
) -> QueryResult<()> {
    diesel::insert_into(audit_events::table)
        .values((
            audit_events::at.eq(crate::db::now()),
            audit_events::actor_user_id.eq(user_id),
            audit_events::actor_client_id.eq(client_id),
            audit_events::actor.eq(actor),
            audit_events::entity.eq(entry.entity),
            audit_events::entity_id.eq(entry.entity_id),
            audit_events::action.eq(entry.action),
            audit_events::facility_id.eq(entry.facility_id),
            audit_events::changes.eq(entry.changes.to_string()),
            audit_events::request_id.eq(request_id),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The changed top-level fields of two versions of a record: `{field: [old, new]}`.
/// Bookkeeping fields (`version`, timestamps) are left out.
pub fn diff(old: &impl Serialize, new: &impl Serialize) -> Value {
    let as_map = |value: Value| match value {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    let old = as_map(serde_json::to_value(old).unwrap_or(Value::Null));
    let new = as_map(serde_json::to_value(new).unwrap_or(Value::Null));
    let mut changes = Map::new();
    for (field, after) in &new {
        if matches!(field.as_str(), "version" | "created_at" | "updated_at") {
            continue;
        }
        let before = old.get(field).cloned().unwrap_or(Value::Null);
        if &before != after {
            changes.insert(field.clone(), Value::Array(vec![before, after.clone()]));
        }
    }
    Value::Object(changes)
}

/// The whole record, for a create.
pub fn snapshot(record: &impl Serialize) -> Value {
    serde_json::to_value(record).unwrap_or(Value::Null)
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = audit_events)]
struct AuditRow {
    id: i64,
    at: NaiveDateTime,
    actor_user_id: Option<i64>,
    actor_client_id: Option<i64>,
    actor: String,
    entity: String,
    entity_id: String,
    action: String,
    facility_id: Option<i64>,
    changes: String,
    request_id: Option<String>,
}

impl From<AuditRow> for AuditEvent {
    fn from(row: AuditRow) -> AuditEvent {
        AuditEvent {
            id: row.id,
            at: utc(row.at),
            actor_user_id: row.actor_user_id,
            actor_client_id: row.actor_client_id,
            actor: row.actor,
            entity: row.entity,
            entity_id: row.entity_id,
            action: row.action,
            facility_id: row.facility_id,
            changes: serde_json::from_str(&row.changes).unwrap_or(Value::Null),
            request_id: row.request_id,
        }
    }
}

/// The most rows one CSV export holds; a larger one asks for narrower filters.
pub const EXPORT_MAX: usize = 50_000;

/// Checks the filters that can be wrong together.
fn check_range(query: &AuditQuery) -> Result<(), ApiError> {
    if let (Some(since), Some(until)) = (query.since, query.until)
        && until < since
    {
        return Err(ApiError::field("until", Message::EndBeforeStart));
    }
    Ok(())
}

/// Up to `limit` events matching `query` after the event `after`, oldest first.
fn load(
    conn: &mut AnyConn,
    query: &AuditQuery,
    after: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<AuditRow>> {
    let mut rows = audit_events::table
        .select(AuditRow::as_select())
        .into_boxed();
    if let Some(entity) = &query.entity {
        rows = rows.filter(audit_events::entity.eq(entity.clone()));
    }
    if let Some(entity_id) = &query.entity_id {
        rows = rows.filter(audit_events::entity_id.eq(entity_id.clone()));
    }
    if let Some(actor) = query.actor_user_id {
        rows = rows.filter(audit_events::actor_user_id.eq(actor));
    }
    if let Some(actor) = &query.actor {
        rows = rows.filter(audit_events::actor.eq(actor.clone()));
    }
    if let Some(action) = &query.action {
        rows = rows.filter(audit_events::action.eq(action.clone()));
    }
    if let Some(since) = query.since {
        rows = rows.filter(audit_events::at.ge(since.naive_utc()));
    }
    if let Some(until) = query.until {
        rows = rows.filter(audit_events::at.lt(until.naive_utc()));
    }
    if let Some(after) = after {
        rows = rows.filter(audit_events::id.gt(after));
    }
    rows.order(audit_events::id.asc()).limit(limit).load(conn)
}

/// Lists audit events (admins), oldest first, with filters. The events hold no
/// patient data (the services record which fields changed, never the patient's
/// identity or clinical text), so reading them reveals none.
pub fn list(
    conn: &mut AnyConn,
    by: &Principal,
    query: &AuditQuery,
) -> Result<shared::page::Page<AuditEvent>, ApiError> {
    authorize(by, Action::ReadAudit)?;
    check_range(query)?;
    let limit = shared::page::clamp_limit(query.limit);
    let rows = load(
        conn,
        query,
        parse_cursor(query.cursor.as_deref())?,
        limit + 1,
    )?;
    let events = rows.into_iter().map(AuditEvent::from).collect();
    Ok(page_of(events, limit, |event: &AuditEvent| event.id))
}

/// Every event matching `query` (its cursor and limit aside) as CSV in UTF-8 with a
/// byte-order mark, so that Excel reads the Vietnamese right; at most [`EXPORT_MAX`]
/// rows. The export itself is audited: it copies the trail out of the system.
pub fn export_csv(
    conn: &mut AnyConn,
    by: &Principal,
    query: &AuditQuery,
) -> Result<Vec<u8>, ApiError> {
    authorize(by, Action::ReadAudit)?;
    check_range(query)?;
    const CHUNK: i64 = 1_000;
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let header = [
        "id",
        "at",
        "actor",
        "actor_user_id",
        "actor_client_id",
        "entity",
        "entity_id",
        "action",
        "facility_id",
        "changes",
        "request_id",
    ];
    out.write_record(header).map_err(ApiError::internal)?;
    let mut after = None;
    let mut count = 0_usize;
    loop {
        let rows = load(conn, query, after, CHUNK)?;
        let Some(last) = rows.last() else { break };
        after = Some(last.id);
        count += rows.len();
        if count > EXPORT_MAX {
            return Err(ApiError::unprocessable(Message::ExportTooLarge(EXPORT_MAX)));
        }
        let full = rows.len() as i64 == CHUNK;
        for row in rows {
            let text = |value: Option<i64>| value.map(|v| v.to_string()).unwrap_or_default();
            out.write_record([
                row.id.to_string(),
                utc(row.at).to_rfc3339(),
                row.actor,
                text(row.actor_user_id),
                text(row.actor_client_id),
                row.entity,
                row.entity_id,
                row.action,
                text(row.facility_id),
                row.changes,
                row.request_id.unwrap_or_default(),
            ])
            .map_err(ApiError::internal)?;
        }
        if !full {
            break;
        }
    }
    record(
        conn,
        by,
        Entry {
            entity: "audit_trail",
            entity_id: String::new(),
            action: "export",
            facility_id: None,
            changes: serde_json::json!({ "filters": query, "rows": count }),
        },
    )?;
    out.into_inner().map_err(ApiError::internal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn diff_lists_only_changed_fields() {
        let old = json!({"name": "A", "phone": null, "version": 1, "updated_at": "x"});
        let new = json!({"name": "B", "phone": null, "version": 2, "updated_at": "y"});
        assert_eq!(diff(&old, &new), json!({"name": ["A", "B"]}));
    }
}
