//! The contract: the committed OpenAPI document and the two migrated schemas.

use std::collections::BTreeSet;

use diesel::sql_types::Text;
use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl, SqliteConnection};
use serde_json::Value;

use crate::support::{fresh_pg_database, pg_admin_url};

#[test]
fn committed_openapi_matches_the_code() {
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../openapi/openapi.json"
    ))
    .expect("openapi/openapi.json is committed");
    let committed: Value = serde_json::from_str(&committed).expect("valid JSON");
    let generated: Value = serde_json::from_str(&tuyen::app::spec_json().unwrap()).unwrap();
    assert!(
        committed == generated,
        "openapi/openapi.json is stale: run `make openapi` and commit it"
    );
}

#[test]
fn every_operation_documents_its_errors_as_problems() {
    let spec: Value = serde_json::from_str(&tuyen::app::spec_json().unwrap()).unwrap();
    let mut missing = Vec::new();
    for (path, operations) in spec["paths"].as_object().unwrap() {
        for (method, operation) in operations.as_object().unwrap() {
            let responses = operation["responses"].as_object().unwrap();
            // Operations that take no bearer token declare `security: [{}]`.
            let public = operation["security"] == serde_json::json!([{}]);
            if !public && !responses.contains_key("401") {
                missing.push(format!("{method} {path}: 401"));
            }
            for (status, response) in responses {
                if status.starts_with('4')
                    && response["content"]["application/problem+json"].is_null()
                {
                    missing.push(format!("{method} {path}: {status} not problem+json"));
                }
            }
        }
    }
    assert!(missing.is_empty(), "{missing:#?}");
}

#[derive(QueryableByName)]
struct Column {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
}

fn columns(rows: Vec<Column>) -> BTreeSet<(String, String)> {
    rows.into_iter()
        .filter(|c| !c.table_name.starts_with("__diesel"))
        .map(|c| (c.table_name, c.column_name))
        .collect()
}

fn sqlite_columns() -> BTreeSet<(String, String)> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("schema.sqlite3");
    let url = path.to_string_lossy().into_owned();
    tuyen::db::Db::connect(&url).unwrap();
    let mut conn = SqliteConnection::establish(&url).unwrap();
    columns(
        diesel::sql_query(
            "SELECT m.name AS table_name, p.name AS column_name \
             FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'",
        )
        .load(&mut conn)
        .unwrap(),
    )
}

fn postgres_columns(admin: &str) -> BTreeSet<(String, String)> {
    let url = fresh_pg_database(admin);
    tuyen::db::Db::connect(&url).unwrap();
    let mut conn = PgConnection::establish(&url).unwrap();
    columns(
        diesel::sql_query(
            "SELECT table_name::text AS table_name, column_name::text AS column_name \
             FROM information_schema.columns WHERE table_schema = 'public'",
        )
        .load(&mut conn)
        .unwrap(),
    )
}

/// Runs in the PostgreSQL pass of `make test` (`TUYEN_TEST_PG_URL` set); the SQLite
/// pass checks the SQLite side is sane. `TUYEN_REQUIRE_PG=1` makes a missing server fail.
#[test]
fn both_dialects_migrate_to_the_same_tables_and_columns() {
    let sqlite = sqlite_columns();
    assert!(sqlite.contains(&("staff".into(), "licence_valid_until".into())));
    let Some(admin) = pg_admin_url() else {
        assert!(
            std::env::var("TUYEN_REQUIRE_PG").is_err(),
            "TUYEN_REQUIRE_PG is set but TUYEN_TEST_PG_URL is not"
        );
        eprintln!("schema parity: no PostgreSQL in this pass (make test-pg runs it)");
        return;
    };
    let postgres = postgres_columns(&admin);
    let only_sqlite: Vec<_> = sqlite.difference(&postgres).collect();
    let only_postgres: Vec<_> = postgres.difference(&sqlite).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "only in SQLite: {only_sqlite:?}\nonly in PostgreSQL: {only_postgres:?}"
    );
}
