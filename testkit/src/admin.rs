//! The administration's own paths: the audit trail's export.

use serde_json::Value;

use crate::client::with_query;
use crate::{API, Answer, Client};

impl Client {
    /// `GET /audit-events.csv?query`: the trail as CSV (read it with [`Answer::bytes`]).
    pub async fn audit_events_csv(&self, query: &str) -> Answer<Value> {
        self.get(&with_query(&format!("{API}/audit-events.csv"), query))
            .await
    }
}
