//! The database schema: `backend/src/schema.rs` and the two migrated dialects must agree
//! on every table, column, type, nullability, primary key and index.
//!
//! Each side is reduced to diesel's names (`BigInt`, `Nullable` as a flag) so that the
//! three can be compared exactly; a type a mapping does not know stays as the engine
//! wrote it and so shows up as a difference. Last, what a row the code cannot read does
//! to a request.

use std::collections::{BTreeMap, BTreeSet};

use diesel::sql_types::{Bool, Integer, Text};
use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl, SqliteConnection};

use crate::support::{TestApp, assert_problem, fresh_pg_database, pg_admin_url};

/// A column as diesel sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ColumnType {
    /// diesel's SQL type name without `Nullable`, e.g. `BigInt`.
    sql_type: String,
    nullable: bool,
}

/// An index other than a primary key, by what it covers: the names of indexes that back a
/// `UNIQUE` constraint are each engine's own invention, so only `CREATE INDEX` names count.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Index {
    table: String,
    columns: Vec<String>,
    unique: bool,
    /// The name given by `CREATE [UNIQUE] INDEX`; `None` for a constraint's index.
    name: Option<String>,
}

/// Everything compared of one schema.
#[derive(Debug, Default)]
struct Schema {
    /// (table, column) → type.
    columns: BTreeMap<(String, String), ColumnType>,
    /// table → primary-key columns in key order.
    primary_keys: BTreeMap<String, Vec<String>>,
    indexes: BTreeSet<Index>,
}

/// The differences between two maps, both ways, for an assertion message.
fn differences<K: Ord + std::fmt::Debug, V: PartialEq + std::fmt::Debug>(
    what: &str,
    (left_name, left): (&str, &BTreeMap<K, V>),
    (right_name, right): (&str, &BTreeMap<K, V>),
) -> Vec<String> {
    let mut out = Vec::new();
    for (key, value) in left {
        match right.get(key) {
            None => out.push(format!("{what} {key:?} only in {left_name}")),
            Some(other) if other != value => out.push(format!(
                "{what} {key:?}: {left_name} {value:?}, {right_name} {other:?}"
            )),
            Some(_) => {}
        }
    }
    for key in right.keys().filter(|key| !left.contains_key(key)) {
        out.push(format!("{what} {key:?} only in {right_name}"));
    }
    out
}

/// Asserts that two schemas agree on columns, primary keys and (when both have them)
/// indexes.
fn assert_same(left: (&str, &Schema), right: (&str, &Schema), with_indexes: bool) {
    let (left_name, left) = left;
    let (right_name, right) = right;
    let mut problems = differences(
        "column",
        (left_name, &left.columns),
        (right_name, &right.columns),
    );
    problems.extend(differences(
        "primary key of",
        (left_name, &left.primary_keys),
        (right_name, &right.primary_keys),
    ));
    if with_indexes {
        for index in left.indexes.difference(&right.indexes) {
            problems.push(format!("index {index:?} only in {left_name}"));
        }
        for index in right.indexes.difference(&left.indexes) {
            problems.push(format!("index {index:?} only in {right_name}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// `backend/src/schema.rs`, read as text: its `diesel::table!` blocks are one column a
/// line (`name -> Type,`), as diesel prints them.
fn declared() -> Schema {
    let text = include_str!("../../src/schema.rs");
    let mut schema = Schema::default();
    let mut table: Option<String> = None;
    for line in text.lines().map(str::trim) {
        if let Some(current) = &table {
            if line == "}" {
                table = None;
            } else if let Some((column, sql_type)) = line.split_once("->") {
                let sql_type = sql_type.trim().trim_end_matches(',');
                let (sql_type, nullable) = match sql_type
                    .strip_prefix("Nullable<")
                    .and_then(|inner| inner.strip_suffix('>'))
                {
                    Some(inner) => (inner, true),
                    None => (sql_type, false),
                };
                schema.columns.insert(
                    (current.clone(), column.trim().to_string()),
                    ColumnType {
                        sql_type: sql_type.to_string(),
                        nullable,
                    },
                );
            }
        } else if let Some((name, key)) = line
            .strip_suffix('{')
            .and_then(|head| head.trim().strip_suffix(')'))
            .and_then(|head| head.split_once('('))
            && !name.contains('!')
        {
            let name = name.trim().to_string();
            let key = key.split(',').map(|c| c.trim().to_string()).collect();
            schema.primary_keys.insert(name.clone(), key);
            table = Some(name);
        }
    }
    assert!(
        schema.columns.len() > 100,
        "schema.rs was not read: {} columns",
        schema.columns.len()
    );
    schema
}

#[derive(QueryableByName)]
struct SqliteColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    declared_type: String,
    #[diesel(sql_type = Bool)]
    not_null: bool,
    /// Position in the primary key from 1; 0 when not part of it.
    #[diesel(sql_type = Integer)]
    key_position: i32,
}

#[derive(QueryableByName)]
struct IndexColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    index_name: String,
    #[diesel(sql_type = Bool)]
    is_unique: bool,
    /// Made by `CREATE INDEX`, not for a `UNIQUE` constraint.
    #[diesel(sql_type = Bool)]
    created: bool,
    #[diesel(sql_type = Text)]
    column_name: String,
}

/// Index rows (one per indexed column, in index order) as indexes.
fn indexes(rows: Vec<IndexColumn>) -> BTreeSet<Index> {
    let mut by_name: BTreeMap<(String, String), Index> = BTreeMap::new();
    for row in rows {
        by_name
            .entry((row.table_name.clone(), row.index_name.clone()))
            .or_insert_with(|| Index {
                table: row.table_name,
                columns: Vec::new(),
                unique: row.is_unique,
                name: row.created.then_some(row.index_name),
            })
            .columns
            .push(row.column_name);
    }
    by_name.into_values().collect()
}

/// diesel's name for a type SQLite declares. `INTEGER PRIMARY KEY` is the 64-bit rowid,
/// hence `BigInt`; elsewhere `INTEGER` is read as `Integer`.
fn sqlite_type(declared: &str, rowid: bool) -> String {
    match declared.to_ascii_uppercase().as_str() {
        "INTEGER" if rowid => "BigInt",
        "INTEGER" => "Integer",
        "BIGINT" => "BigInt",
        "SMALLINT" => "SmallInt",
        "TEXT" => "Text",
        "DOUBLE" => "Double",
        "REAL" => "Float",
        "BOOLEAN" => "Bool",
        "TIMESTAMP" => "Timestamp",
        "DATE" => "Date",
        "BLOB" => "Binary",
        other => return other.to_string(),
    }
    .to_string()
}

fn sqlite_schema() -> Schema {
    let dir = tempfile::tempdir().unwrap();
    let url = dir
        .path()
        .join("schema.sqlite3")
        .to_string_lossy()
        .into_owned();
    tuyen::db::Db::connect(&url).unwrap();
    let mut conn = SqliteConnection::establish(&url).unwrap();
    let rows: Vec<SqliteColumn> = diesel::sql_query(
        "SELECT m.name AS table_name, p.name AS column_name, p.type AS declared_type, \
         p.\"notnull\" AS not_null, p.pk AS key_position \
         FROM sqlite_master m JOIN pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' \
         AND m.name NOT LIKE '__diesel%' \
         ORDER BY m.name, p.pk",
    )
    .load(&mut conn)
    .unwrap();
    let mut schema = Schema::default();
    let key_columns = |table: &str| {
        rows.iter()
            .filter(|r| r.table_name == table && r.key_position > 0)
            .count()
    };
    for row in &rows {
        if row.key_position > 0 {
            schema
                .primary_keys
                .entry(row.table_name.clone())
                .or_default()
                .push(row.column_name.clone());
        }
        let rowid = row.key_position > 0 && key_columns(&row.table_name) == 1;
        schema.columns.insert(
            (row.table_name.clone(), row.column_name.clone()),
            ColumnType {
                sql_type: sqlite_type(&row.declared_type, rowid),
                // SQLite reports a rowid key as nullable; it never holds NULL.
                nullable: !row.not_null && !rowid,
            },
        );
    }
    schema.indexes = indexes(
        diesel::sql_query(
            "SELECT m.name AS table_name, il.name AS index_name, il.\"unique\" AS is_unique, \
             il.origin = 'c' AS created, ii.name AS column_name \
             FROM sqlite_master m JOIN pragma_index_list(m.name) il \
             JOIN pragma_index_info(il.name) ii \
             WHERE m.type = 'table' AND m.name NOT LIKE '__diesel%' AND il.origin <> 'pk' \
             ORDER BY m.name, il.name, ii.seqno",
        )
        .load(&mut conn)
        .unwrap(),
    );
    schema
}

#[derive(QueryableByName)]
struct PostgresColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = Bool)]
    nullable: bool,
}

#[derive(QueryableByName)]
struct KeyColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
}

/// diesel's name for a type `information_schema.columns` reports.
fn postgres_type(data_type: &str) -> String {
    match data_type {
        "bigint" => "BigInt",
        "integer" => "Integer",
        "smallint" => "SmallInt",
        "text" => "Text",
        "double precision" => "Double",
        "real" => "Float",
        "boolean" => "Bool",
        "timestamp without time zone" => "Timestamp",
        "date" => "Date",
        "bytea" => "Binary",
        "numeric" => "Numeric",
        other => return other.to_string(),
    }
    .to_string()
}

fn postgres_schema(admin: &str) -> Schema {
    let url = fresh_pg_database(admin);
    tuyen::db::Db::connect(&url).unwrap();
    let mut conn = PgConnection::establish(&url).unwrap();
    let mut schema = Schema::default();
    let rows: Vec<PostgresColumn> = diesel::sql_query(
        "SELECT table_name::text AS table_name, column_name::text AS column_name, \
         data_type::text AS data_type, is_nullable = 'YES' AS nullable \
         FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name NOT LIKE '__diesel%'",
    )
    .load(&mut conn)
    .unwrap();
    for row in rows {
        schema.columns.insert(
            (row.table_name, row.column_name),
            ColumnType {
                sql_type: postgres_type(&row.data_type),
                nullable: row.nullable,
            },
        );
    }
    // One row per indexed column, in index order (`indkey` lists the table's columns).
    const INDEX_COLUMNS: &str = "FROM pg_index ix \
         JOIN pg_class t ON t.oid = ix.indrelid \
         JOIN pg_class i ON i.oid = ix.indexrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         CROSS JOIN LATERAL unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, position) \
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum \
         WHERE n.nspname = 'public' AND t.relname NOT LIKE '__diesel%'";
    let keys: Vec<KeyColumn> = diesel::sql_query(format!(
        "SELECT t.relname::text AS table_name, a.attname::text AS column_name \
         {INDEX_COLUMNS} AND ix.indisprimary ORDER BY t.relname, k.position"
    ))
    .load(&mut conn)
    .unwrap();
    for key in keys {
        schema
            .primary_keys
            .entry(key.table_name)
            .or_default()
            .push(key.column_name);
    }
    schema.indexes = indexes(
        diesel::sql_query(format!(
            "SELECT t.relname::text AS table_name, i.relname::text AS index_name, \
             ix.indisunique AS is_unique, \
             NOT EXISTS (SELECT 1 FROM pg_constraint c \
                 WHERE c.conindid = ix.indexrelid AND c.contype IN ('u', 'p')) AS created, \
             a.attname::text AS column_name \
             {INDEX_COLUMNS} AND NOT ix.indisprimary ORDER BY t.relname, i.relname, k.position"
        ))
        .load(&mut conn)
        .unwrap(),
    );
    schema
}

/// The PostgreSQL admin URL of this pass, or `None` (and a note) in a SQLite-only pass.
/// `TUYEN_REQUIRE_PG=1` makes a missing server fail.
fn postgres_pass(test: &str) -> Option<String> {
    let admin = pg_admin_url();
    if admin.is_none() {
        assert!(
            std::env::var("TUYEN_REQUIRE_PG").is_err(),
            "TUYEN_REQUIRE_PG is set but TUYEN_TEST_PG_URL is not"
        );
        eprintln!("{test}: no PostgreSQL in this pass (make test-pg runs it)");
    }
    admin
}

#[test]
fn schema_rs_matches_the_migrated_sqlite_database() {
    let sqlite = sqlite_schema();
    assert_eq!(
        sqlite
            .columns
            .get(&("staff".into(), "licence_valid_until".into())),
        Some(&ColumnType {
            sql_type: "Date".into(),
            nullable: true
        })
    );
    assert_same(("schema.rs", &declared()), ("SQLite", &sqlite), false);
}

#[test]
fn schema_rs_matches_the_migrated_postgres_database() {
    let Some(admin) = postgres_pass("schema.rs against PostgreSQL") else {
        return;
    };
    assert_same(
        ("schema.rs", &declared()),
        ("PostgreSQL", &postgres_schema(&admin)),
        false,
    );
}

#[test]
fn both_dialects_migrate_to_the_same_columns_keys_and_indexes() {
    let sqlite = sqlite_schema();
    assert!(
        sqlite.indexes.iter().any(|index| index.table == "referrals"
            && index.columns == ["status", "id"]
            && index.name.as_deref() == Some("referrals_status_order")),
        "{:?}",
        sqlite.indexes
    );
    let Some(admin) = postgres_pass("schema parity") else {
        return;
    };
    assert_same(
        ("SQLite", &sqlite),
        ("PostgreSQL", &postgres_schema(&admin)),
        true,
    );
}

/// A code in an enum column that the code does not know (a downgrade, a hand edit) fails
/// the read: the request gets a 500 problem that does not echo the stored text, and the
/// server goes on answering.
#[actix_web::test]
async fn unknown_text_in_an_enum_column_is_a_500_problem_not_a_panic() {
    let app = TestApp::spawn().await;
    let admin = app.token("admin").await;
    app.sql("UPDATE facilities SET kind = 'spaceport' WHERE id = (SELECT MIN(id) FROM facilities)")
        .await;
    let body = assert_problem(app.get("/api/v1/facilities", &admin).await, 500, "internal").await;
    assert!(!body.to_string().contains("spaceport"), "{body}");
    app.get_json("/api/v1/staff", &admin).await;
}
