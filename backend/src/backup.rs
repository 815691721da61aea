//! Online backup and restore of the embedded SQLite database, through SQLite's backup
//! API (`tuyen backup`, `tuyen restore`). PostgreSQL has its own tools (README).
//!
//! The backup copies every page in one step under one read transaction: in WAL mode that
//! never blocks the server's writers, and the copy is the database as of one commit (a
//! step-by-step copy would restart each time the server writes). The copy is checked and
//! only then renamed into place, so a file at the target path is always a whole backup.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

/// How long to wait for a lock the server holds for a moment (a checkpoint).
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// What a backup or restore copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copied {
    /// Database pages copied.
    pub pages: i64,
    /// Bytes in the resulting file.
    pub bytes: u64,
    /// Referrals in the copy (a figure a person can check against the app).
    pub referrals: i64,
    /// Wall time.
    pub elapsed: Duration,
}

/// Copies the live database at `database` to a new file `to`, while the server runs.
pub fn backup(database: &Path, to: &Path) -> anyhow::Result<Copied> {
    let started = Instant::now();
    ensure!(
        database.is_file(),
        "Không tìm thấy cơ sở dữ liệu {}",
        database.display()
    );
    ensure!(
        !to.exists(),
        "{} đã tồn tại; chọn tên tệp khác cho bản sao lưu",
        to.display()
    );
    let source = Connection::open_with_flags(database, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .with_context(|| format!("mở {}", database.display()))?;
    source.busy_timeout(BUSY_TIMEOUT)?;
    let pages = copy_into(&source, &partial(to))?;
    finish(&partial(to), to, pages, started)
}

/// Restores the backup `from` into `database` (which must not exist unless `replace`).
/// The server must be stopped: a running server would keep the replaced file open.
pub fn restore(from: &Path, database: &Path, replace: bool) -> anyhow::Result<Copied> {
    let started = Instant::now();
    ensure!(
        from.is_file(),
        "Không tìm thấy bản sao lưu {}",
        from.display()
    );
    if database.exists() && !replace {
        bail!(
            "{} đã tồn tại; dừng máy chủ rồi chạy lại với --replace để ghi đè",
            database.display()
        );
    }
    let source = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .with_context(|| format!("mở {}", from.display()))?;
    check(&source).with_context(|| format!("{} không phải bản sao lưu hợp lệ", from.display()))?;
    if let Some(dir) = database.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let pages = copy_into(&source, &partial(database))?;
    // The old database's write-ahead log belongs to the file being replaced.
    for suffix in ["-wal", "-shm"] {
        let stale = with_suffix(database, suffix);
        if stale.exists() {
            std::fs::remove_file(&stale)?;
        }
    }
    finish(&partial(database), database, pages, started)
}

/// Copies all of `source` into a new file at `target` in one backup step.
fn copy_into(source: &Connection, target: &Path) -> anyhow::Result<i64> {
    if target.exists() {
        std::fs::remove_file(target)?;
    }
    let mut copy = Connection::open(target).with_context(|| format!("tạo {}", target.display()))?;
    let pages = {
        let backup = Backup::new(source, &mut copy)?;
        loop {
            match backup.step(-1)? {
                StepResult::Done => break,
                StepResult::More => {}
                // A checkpoint or a writer holds the lock for a moment: wait, then go on.
                _ => std::thread::sleep(BUSY_POLL),
            }
        }
        i64::from(backup.progress().pagecount)
    };
    check(&copy).with_context(|| format!("kiểm tra {}", target.display()))?;
    // The copy is a single self-contained file: no write-ahead log beside it.
    copy.pragma_update(None, "journal_mode", "DELETE")?;
    copy.close().map_err(|(_, e)| e)?;
    Ok(pages)
}

const BUSY_POLL: Duration = Duration::from_millis(50);

/// The file is intact and is a Tuyến database (migrated, with its tables).
fn check(conn: &Connection) -> anyhow::Result<()> {
    let integrity: String = conn.query_row("PRAGMA integrity_check", [], |row| row.get(0))?;
    ensure!(integrity == "ok", "SQLite báo lỗi toàn vẹn: {integrity}");
    let tables: i64 = conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' \
         AND name IN ('__diesel_schema_migrations', 'facilities', 'referrals', 'audit_events')",
        [],
        |row| row.get(0),
    )?;
    ensure!(tables == 4, "không có các bảng của Tuyến");
    Ok(())
}

/// Moves the checked copy into place and reports on it.
fn finish(partial: &Path, target: &Path, pages: i64, started: Instant) -> anyhow::Result<Copied> {
    // A backup holds every patient record: readable by the server's user only, whatever
    // the umask of the shell that ran the command.
    crate::config::make_private(partial);
    std::fs::File::open(partial)?.sync_all()?;
    std::fs::rename(partial, target)
        .with_context(|| format!("đổi tên {} thành {}", partial.display(), target.display()))?;
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::File::open(dir)?.sync_all()?;
    }
    let conn = Connection::open_with_flags(target, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let referrals = conn.query_row("SELECT count(*) FROM referrals", [], |row| row.get(0))?;
    Ok(Copied {
        pages,
        bytes: std::fs::metadata(target)?.len(),
        referrals,
        elapsed: started.elapsed(),
    })
}

fn partial(path: &Path) -> PathBuf {
    with_suffix(path, ".partial")
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_backup_and_a_restored_database_are_readable_by_their_owner_only() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let database = dir.path().join("tuyen.sqlite3");
        crate::db::Db::connect(&database.to_string_lossy())?;
        let copy = dir.path().join("copy.sqlite3");
        backup(&database, &copy)?;
        let mode = |path: &Path| -> anyhow::Result<u32> {
            Ok(std::fs::metadata(path)?.permissions().mode() & 0o777)
        };
        assert_eq!(mode(&copy)?, 0o600);
        let restored = dir.path().join("restored.sqlite3");
        restore(&copy, &restored, false)?;
        assert_eq!(mode(&restored)?, 0o600);
        Ok(())
    }
}
