//! One database layer for SQLite (embedded default) and PostgreSQL, chosen by URL.
//!
//! Queries are written once against [`AnyConn`]; the pool picks the engine from
//! `DATABASE_URL`. Diesel is synchronous, so handlers reach the pool only through
//! [`Db::run`], which moves the work onto actix's blocking thread pool.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::result::DatabaseErrorKind;
use diesel::{PgConnection, SqliteConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use parking_lot::FairMutex;

use crate::error::ApiError;

pub mod settings;
mod text;

pub use text::{DbEnum, escape_like, parse_stored};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/postgres");

/// A connection to either engine; every repository function takes `&mut AnyConn`.
#[derive(diesel::MultiConnection)]
pub enum AnyConn {
    /// PostgreSQL.
    Postgresql(PgConnection),
    /// SQLite.
    Sqlite(SqliteConnection),
}

/// Which engine a URL names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbUrl {
    /// `postgres://…` or `postgresql://…`.
    Postgres(String),
    /// A file path, optionally prefixed with `sqlite://`.
    Sqlite(String),
}

impl DbUrl {
    /// Reads a `DATABASE_URL`: a postgres URL, or anything else as a SQLite file path.
    pub fn parse(url: &str) -> DbUrl {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            DbUrl::Postgres(url.to_string())
        } else {
            let path = url
                .strip_prefix("sqlite://")
                .or_else(|| url.strip_prefix("sqlite:"))
                .unwrap_or(url);
            DbUrl::Sqlite(path.to_string())
        }
    }

    /// The URL with any password hidden, for logs.
    pub fn redacted(&self) -> String {
        match self {
            DbUrl::Sqlite(path) => format!("sqlite://{path}"),
            DbUrl::Postgres(url) => match (url.find("://"), url.rfind('@')) {
                (Some(scheme_end), Some(at)) if at > scheme_end => {
                    let userinfo = &url[scheme_end + 3..at];
                    let user = userinfo.split(':').next().unwrap_or("");
                    format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..])
                }
                _ => url.clone(),
            },
        }
    }
}

/// Connection error that keeps the engine's own message (libpq's reason, SQLite's).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConnectError(String);

/// r2d2 manager that opens the right engine and sets SQLite's per-connection pragmas.
#[derive(Debug, Clone)]
pub struct Manager {
    url: DbUrl,
}

/// SQLite pragmas, `busy_timeout` first so parallel pool start-up waits instead of
/// failing. `synchronous=FULL` in WAL mode: a commit acknowledged to a client is on
/// disk, even across a power cut (see README, "Durability").
const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
     PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;";

impl r2d2::ManageConnection for Manager {
    type Connection = AnyConn;
    type Error = ConnectError;

    fn connect(&self) -> Result<AnyConn, ConnectError> {
        match &self.url {
            DbUrl::Postgres(url) => PgConnection::establish(url)
                .map(AnyConn::Postgresql)
                .map_err(|e| ConnectError(e.to_string())),
            DbUrl::Sqlite(path) => {
                let mut conn =
                    SqliteConnection::establish(path).map_err(|e| ConnectError(e.to_string()))?;
                conn.batch_execute(SQLITE_PRAGMAS)
                    .map_err(|e| ConnectError(e.to_string()))?;
                Ok(AnyConn::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut AnyConn) -> Result<(), ConnectError> {
        conn.batch_execute("SELECT 1")
            .map_err(|e| ConnectError(e.to_string()))
    }

    fn has_broken(&self, _conn: &mut AnyConn) -> bool {
        false
    }
}

/// The connection pool, cheap to clone.
#[derive(Clone)]
pub struct Db {
    pool: r2d2::Pool<Manager>,
    url: DbUrl,
}

impl Db {
    /// Opens the pool (creating the SQLite file's folder) and applies pending migrations.
    pub fn connect(url: &str) -> anyhow::Result<Db> {
        let url = DbUrl::parse(url);
        let max_size = match &url {
            DbUrl::Sqlite(path) => {
                if let Some(dir) = std::path::Path::new(path).parent()
                    && !dir.as_os_str().is_empty()
                {
                    std::fs::create_dir_all(dir)?;
                }
                8
            }
            DbUrl::Postgres(_) => 16,
        };
        let pool = r2d2::Pool::builder()
            .max_size(max_size)
            .connection_timeout(Duration::from_secs(10))
            .build(Manager { url: url.clone() })?;
        let db = Db { pool, url };
        db.migrate()?;
        Ok(db)
    }

    /// Applies the pending migrations of this engine's dialect.
    /// On PostgreSQL, under [`MIGRATIONS_LOCK`]: servers started together on an empty
    /// database would otherwise each create the same tables, and all but one die on
    /// PostgreSQL's catalog (`pg_type_typname_nsp_index`). The second waits, then finds
    /// nothing pending. (SQLite's migrations run in one write transaction each.)
    pub fn migrate(&self) -> anyhow::Result<()> {
        let mut conn = self.pool.get()?;
        let applied = match &mut *conn {
            AnyConn::Sqlite(inner) => inner
                .run_pending_migrations(SQLITE_MIGRATIONS)
                .map(|applied| applied.len()),
            AnyConn::Postgresql(inner) => {
                pg_session_lock(inner, MIGRATIONS_LOCK, true)?;
                let applied = inner
                    .run_pending_migrations(POSTGRES_MIGRATIONS)
                    .map(|applied| applied.len());
                // Released whatever happened: the connection goes back to the pool.
                pg_session_lock(inner, MIGRATIONS_LOCK, false)?;
                applied
            }
        }
        .map_err(|e| anyhow::anyhow!("migrations failed: {e}"))?;
        if applied > 0 {
            tracing::info!(count = applied, "applied migrations");
        }
        // Two servers starting together may both fold the same rows: same values.
        let folded = crate::search::backfill(&mut conn)
            .map_err(|e| anyhow::anyhow!("folding search names: {e}"))?;
        if folded > 0 {
            tracing::info!(count = folded, "folded search names");
        }
        Ok(())
    }

    /// Refreshes the query planner's statistics. SQLite has no autovacuum daemon: without
    /// `sqlite_stat1` it may pick an index that matches most rows of a large table and sort
    /// them, where scanning by id would stop after one page (seen as 100x slower lists at
    /// 100k referrals). `analysis_limit` keeps this to milliseconds. PostgreSQL's
    /// autovacuum does this itself.
    pub fn refresh_statistics(&self) -> Result<(), ApiError> {
        let mut conn = self.conn()?;
        if let AnyConn::Sqlite(inner) = &mut *conn {
            diesel::connection::SimpleConnection::batch_execute(
                inner,
                "PRAGMA analysis_limit = 1000; ANALYZE;",
            )
            .map_err(ApiError::internal)?;
        }
        Ok(())
    }

    /// The engine this pool talks to.
    pub fn url(&self) -> &DbUrl {
        &self.url
    }

    /// Gets a connection on the current thread (CLI commands, tests, start-up).
    pub fn conn(&self) -> Result<r2d2::PooledConnection<Manager>, ApiError> {
        self.pool.get().map_err(ApiError::unavailable)
    }

    /// Runs `work` with a pooled connection on the blocking thread pool.
    pub async fn run<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut AnyConn) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        actix_web::web::block(move || {
            let mut conn = pool.get().map_err(ApiError::unavailable)?;
            work(&mut conn)
        })
        .await
        .map_err(ApiError::internal)?
    }
}

/// PostgreSQL advisory-lock key of the migrations (any fixed number all servers share).
pub const MIGRATIONS_LOCK: i64 = 0x7475_7965_6e00_0001;

/// PostgreSQL advisory-lock key of the demo load.
pub const DEMO_LOCK: i64 = 0x7475_7965_6e00_0002;

/// Takes (`true`) or releases (`false`) a session-level advisory lock; taking waits for
/// another server holding it.
fn pg_session_lock(conn: &mut PgConnection, key: i64, take: bool) -> anyhow::Result<()> {
    let function = if take {
        "pg_advisory_lock"
    } else {
        "pg_advisory_unlock"
    };
    diesel::sql_query(format!("SELECT {function}($1)"))
        .bind::<diesel::sql_types::BigInt, _>(key)
        .execute(conn)
        .map_err(|e| anyhow::anyhow!("{function}: {e}"))?;
    Ok(())
}

/// In a write transaction on PostgreSQL: waits for the transaction-level advisory lock
/// `key` (released at commit or rollback), so that servers doing the same one-off work
/// (the demo load) do it one after the other. Nothing on SQLite, whose write
/// transaction is exclusive already.
pub fn advisory_xact_lock(conn: &mut AnyConn, key: i64) -> QueryResult<()> {
    if let AnyConn::Postgresql(inner) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
            .bind::<diesel::sql_types::BigInt, _>(key)
            .execute(inner)?;
    }
    Ok(())
}

/// Runs CPU-bound work (a DOCX, XLSX or ICS render) on the blocking pool, so that a
/// large export never stalls the async workers that serve every other request.
pub async fn off_workers<T, F>(work: F) -> Result<T, ApiError>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    actix_web::web::block(work)
        .await
        .map_err(ApiError::internal)
}

/// How long a writer waits for SQLite's write lock, in the queue or in SQLite's busy
/// handler, before the request is answered 503 (the same bound as `busy_timeout`).
const SQLITE_WRITE_WAIT: Duration = Duration::from_secs(10);

/// One queue of writers per SQLite file in this process, keyed by the file's path.
static SQLITE_WRITERS: LazyLock<Mutex<HashMap<String, Arc<FairMutex<()>>>>> =
    LazyLock::new(Default::default);

#[derive(QueryableByName)]
struct MainFile {
    #[diesel(sql_type = diesel::sql_types::Text)]
    file: String,
}

/// The queue of writers of the database this connection has open.
fn sqlite_writers(conn: &mut SqliteConnection) -> QueryResult<Arc<FairMutex<()>>> {
    let file = diesel::sql_query("SELECT file FROM pragma_database_list WHERE name = 'main'")
        .get_result::<MainFile>(conn)?
        .file;
    let mut queues = SQLITE_WRITERS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    Ok(queues.entry(file).or_default().clone())
}

/// The error of a writer that waited too long; answered 503 with `Retry-After`.
fn sqlite_busy() -> diesel::result::Error {
    diesel::result::Error::DatabaseError(
        DatabaseErrorKind::Unknown,
        Box::new(SQLITE_BUSY_MESSAGE.to_string()),
    )
}

/// SQLite's own message for a lock it could not get, which the write queue reuses when a
/// writer waits too long.
pub const SQLITE_BUSY_MESSAGE: &str = "database is locked";

/// Runs `work` in a write transaction. On SQLite it begins with `BEGIN IMMEDIATE`, so
/// a transaction that reads before it writes waits for the write lock up front instead
/// of failing with `SQLITE_BUSY` when another writer commits in between.
///
/// SQLite has one writer at a time. Writers of this process first queue for their file,
/// first come first served, so that the lock passes straight to the next in line: left
/// to SQLite's busy handler, a waiter sleeps in steps of up to 100 ms and newcomers may
/// overtake it, which put seconds on the slowest creates under load (BENCHMARKS.md).
pub fn write_tx<T, E, F>(conn: &mut AnyConn, work: F) -> Result<T, E>
where
    F: FnOnce(&mut AnyConn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    // Inside a transaction already (e.g. an idempotent create wrapping a service):
    // a savepoint, since the outer transaction already holds the write lock.
    if matches!(
        AnyConn::transaction_manager_status_mut(conn).transaction_depth(),
        Ok(Some(_))
    ) {
        return conn.transaction(work);
    }
    let queue = match conn {
        AnyConn::Sqlite(inner) => Some(sqlite_writers(inner)?),
        AnyConn::Postgresql(_) => None,
    };
    // Held until the commit or rollback; a fair mutex hands it to the longest waiter.
    let _turn = queue
        .as_ref()
        .map(|queue| {
            queue
                .try_lock_for(SQLITE_WRITE_WAIT)
                .ok_or_else(sqlite_busy)
        })
        .transpose()?;
    match conn {
        AnyConn::Sqlite(inner) => {
            AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE")?
        }
        AnyConn::Postgresql(inner) => AnsiTransactionManager::begin_transaction(inner)?,
    }
    match work(conn) {
        Ok(value) => match AnyConn::commit_transaction(conn) {
            Ok(()) => Ok(value),
            Err(error) => {
                let _ = AnyConn::rollback_transaction(conn);
                Err(error.into())
            }
        },
        Err(error) => {
            AnyConn::rollback_transaction(conn)?;
            Err(error)
        }
    }
}

/// A value as stored in a JSON text column (TEXT on both engines).
pub fn json_text(value: &impl serde::Serialize) -> Result<String, ApiError> {
    serde_json::to_string(value).map_err(ApiError::internal)
}

/// A JSON text column read back; a malformed one is an internal error naming what it
/// held.
pub fn from_json<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> Result<T, ApiError> {
    serde_json::from_str(text).map_err(|e| ApiError::internal(format!("stored {what}: {e}")))
}

/// The current time as stored: UTC without offset, to the microsecond.
pub fn now() -> chrono::NaiveDateTime {
    let now = chrono::Utc::now().naive_utc();
    chrono::Timelike::with_nanosecond(&now, now.and_utc().timestamp_subsec_micros() * 1000)
        .unwrap_or(now)
}

/// A stored UTC timestamp as an API timestamp.
pub fn utc(at: chrono::NaiveDateTime) -> chrono::DateTime<chrono::Utc> {
    at.and_utc()
}

#[cfg(test)]
mod tests {
    use actix_web::ResponseError;

    use super::*;

    #[test]
    fn url_scheme_picks_engine() {
        assert_eq!(
            DbUrl::parse("postgres://u:p@h/db"),
            DbUrl::Postgres("postgres://u:p@h/db".into())
        );
        assert_eq!(
            DbUrl::parse("sqlite://data/x.db"),
            DbUrl::Sqlite("data/x.db".into())
        );
        assert_eq!(DbUrl::parse("data/x.db"), DbUrl::Sqlite("data/x.db".into()));
        assert_eq!(
            DbUrl::parse("postgres://u:secret@h:5432/db").redacted(),
            "postgres://u:***@h:5432/db"
        );
    }

    /// Writers of one SQLite file get the write lock in the order they asked for it, so
    /// none waits behind later arrivals; one that waits too long gets a 503, not a 500.
    #[test]
    fn sqlite_writers_take_turns_in_arrival_order() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let db = Db::connect(&dir.path().join("turns.sqlite3").to_string_lossy())?;
        let order = Arc::new(Mutex::new(Vec::new()));
        let write = |db: Db, order: Arc<Mutex<Vec<usize>>>, writer: usize, hold: Duration| {
            std::thread::spawn(move || -> Result<(), ApiError> {
                let mut conn = db.conn()?;
                write_tx(&mut conn, |conn| -> Result<(), ApiError> {
                    conn.batch_execute("CREATE TABLE IF NOT EXISTS turns (writer INTEGER)")?;
                    diesel::sql_query(format!("INSERT INTO turns VALUES ({writer})"))
                        .execute(conn)?;
                    if let Ok(mut order) = order.lock() {
                        order.push(writer);
                    }
                    std::thread::sleep(hold);
                    Ok(())
                })
            })
        };
        // The first writer holds the lock while five more arrive 50 ms apart.
        let mut writers = vec![write(
            db.clone(),
            order.clone(),
            0,
            Duration::from_millis(600),
        )];
        for writer in 1..=5 {
            std::thread::sleep(Duration::from_millis(50));
            writers.push(write(db.clone(), order.clone(), writer, Duration::ZERO));
        }
        for writer in writers {
            writer
                .join()
                .map_err(|_| anyhow::anyhow!("a writer panicked"))?
                .map_err(|error| anyhow::anyhow!("{error:?}"))?;
        }
        let order = order
            .lock()
            .map_err(|_| anyhow::anyhow!("poisoned"))?
            .clone();
        assert_eq!(order, vec![0, 1, 2, 3, 4, 5]);

        let busy = ApiError::from(sqlite_busy());
        assert_eq!(busy.status_code().as_u16(), 503);
        Ok(())
    }
}
