//! The audit trail: one event per change and per read of patient data.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One audited action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEvent {
    /// Id, increasing in time.
    pub id: i64,
    /// When it happened (UTC).
    pub at: DateTime<Utc>,
    /// The acting user, if a person.
    pub actor_user_id: Option<i64>,
    /// The acting integration client, if a machine.
    pub actor_client_id: Option<i64>,
    /// Who acted, readable (`kehoach`, `api:HIS Bệnh viện`, `system`).
    pub actor: String,
    /// Entity kind (`facility`, `staff`, `user`, …).
    pub entity: String,
    /// Entity id.
    pub entity_id: String,
    /// What was done (`create`, `update`, `delete`, `login`, `read_patient`, …).
    pub action: String,
    /// Facility whose data it is, when there is one.
    pub facility_id: Option<i64>,
    /// Changed fields: `{field: [old, new]}` for updates, the new record for creates.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub changes: serde_json::Value,
    /// Request id of the HTTP request that caused it.
    pub request_id: Option<String>,
}

/// Filters of `GET /audit-events`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct AuditQuery {
    /// Entity kind.
    pub entity: Option<String>,
    /// Entity id.
    pub entity_id: Option<String>,
    /// Acting user id.
    pub actor_user_id: Option<i64>,
    /// Who acted, as the trail names them (`kehoach`, `api:HIS Bệnh viện`, `system`).
    pub actor: Option<String>,
    /// Action.
    pub action: Option<String>,
    /// Only events at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// Only events before this time.
    pub until: Option<DateTime<Utc>>,
    /// Page size (1–200, default 50).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<i64>,
    /// Cursor from the previous page.
    #[cfg_attr(feature = "openapi", param(pattern = r"^[0-9]{1,18}$"))]
    pub cursor: Option<String>,
}
