//! Typed settings, read once in `main` (flags override environment variables).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use rand::RngCore;

/// Everything the server needs to start.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Address to listen on (127.0.0.1 by default).
    pub bind: SocketAddr,
    /// `postgres://…` URL or SQLite file path.
    pub database_url: String,
    /// Folder for the SQLite file and the generated JWT secret.
    pub data_dir: PathBuf,
    /// Built SPA to serve (index.html fallback for client routes), if any.
    pub static_dir: Option<PathBuf>,
    /// HS256 secret for access tokens.
    pub jwt_secret: Vec<u8>,
    /// Load the demo network into an empty database.
    pub load_demo: bool,
    /// Access-token lifetime.
    pub access_ttl_secs: i64,
    /// Refresh-token lifetime.
    pub refresh_ttl_secs: i64,
    /// The rotation generator's workers, lease and memory budget.
    pub generator: GeneratorSettings,
    /// Proxies whose `X-Forwarded-For` names the client (`TUYEN_TRUSTED_PROXIES`);
    /// from anyone else the peer address counts.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Sign-in and token requests one address may make per minute, per process.
    pub signin_per_address_per_minute: u32,
    /// Sign-in and token requests the whole process takes per second.
    pub signin_per_second: u32,
    /// Bearer token that opens `/metrics` (`TUYEN_METRICS_TOKEN`); without one the
    /// metrics are not served.
    pub metrics_token: Option<String>,
}

/// Default of [`Settings::signin_per_address_per_minute`].
pub const SIGNIN_PER_ADDRESS_PER_MINUTE: u32 = 30;
/// Default of [`Settings::signin_per_second`].
// An argon2 check costs about 30 ms of a core: 10 a second take at most 0.3 of one (at 20 a
// second a flood still doubled the reads' p99, BENCHMARKS.md). 10 a second is 36,000
// sign-ins an hour, far more than a network's people need; refreshes count too.
pub const SIGNIN_PER_SECOND: u32 = 10;

impl Settings {
    /// Settings for tests: port 0 on loopback, the given database, a fixed secret.
    pub fn for_tests(database_url: &str, data_dir: &Path) -> Settings {
        Settings {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            database_url: database_url.to_string(),
            data_dir: data_dir.to_path_buf(),
            static_dir: None,
            jwt_secret: b"test-secret-of-at-least-32-bytes-long".to_vec(),
            load_demo: true,
            access_ttl_secs: 900,
            refresh_ttl_secs: 30 * 24 * 3600,
            generator: GeneratorSettings::default(),
            trusted_proxies: Vec::new(),
            // Every test signs in many times from 127.0.0.1: the limits are tested
            // on their own, with the defaults.
            signin_per_address_per_minute: 1_000_000,
            signin_per_second: 1_000_000,
            metrics_token: None,
        }
    }
}

// --- The rotation generator's queue (issue 16, jobs lane). ---

/// How this server serves the generator's queue (every server on a database serves it:
/// the runs solved at once across servers are the sum of their `workers`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GeneratorSettings {
    /// Runs this server solves at once (`TUYEN_GENERATOR_WORKERS`, default 1; 0 = this
    /// server only queues, others solve).
    pub workers: usize,
    /// Seconds a worker's claim on a run lasts without renewal
    /// (`TUYEN_GENERATOR_LEASE_SECS`, default 30); it renews every third of that. A
    /// run whose server died is taken over (once) or failed when its lease lapses.
    pub lease_secs: u64,
    /// Largest estimated solver model, in MiB (`TUYEN_GENERATOR_BUDGET_MB`, default
    /// 2048): a plan above it is refused with a problem that says how to split it.
    pub model_budget_mb: u64,
    /// Search effort of a run, local-search moves per task (`TUYEN_GENERATOR_EFFORT`,
    /// default the solver's own): higher searches longer for a better calendar.
    pub effort: u32,
}

impl Default for GeneratorSettings {
    fn default() -> Self {
        GeneratorSettings {
            workers: 1,
            lease_secs: 30,
            model_budget_mb: 2048,
            effort: shared::rotation::solver::DEFAULT_EFFORT,
        }
    }
}

impl GeneratorSettings {
    /// The defaults, overridden by the environment variables named on the fields.
    pub fn from_env() -> anyhow::Result<GeneratorSettings> {
        fn read<T: std::str::FromStr>(name: &str, default: T) -> anyhow::Result<T> {
            match std::env::var(name) {
                Ok(text) if !text.trim().is_empty() => text
                    .trim()
                    .parse()
                    .map_err(|_| anyhow::anyhow!("{name} must be a whole number, not {text:?}")),
                _ => Ok(default),
            }
        }
        let defaults = GeneratorSettings::default();
        let settings = GeneratorSettings {
            workers: read("TUYEN_GENERATOR_WORKERS", defaults.workers)?,
            lease_secs: read("TUYEN_GENERATOR_LEASE_SECS", defaults.lease_secs)?,
            model_budget_mb: read("TUYEN_GENERATOR_BUDGET_MB", defaults.model_budget_mb)?,
            effort: read("TUYEN_GENERATOR_EFFORT", defaults.effort)?,
        };
        anyhow::ensure!(
            settings.lease_secs >= 2,
            "TUYEN_GENERATOR_LEASE_SECS must be at least 2"
        );
        Ok(settings)
    }
}

/// The shortest signing key accepted, from either source (HS256 wants at least its
/// hash's 32 bytes).
pub const MIN_SECRET_BYTES: usize = 32;

/// The JWT secret: `TUYEN_JWT_SECRET` when set, else the one stored in
/// `DATA_DIR/jwt-secret`, generated (64 random bytes, hex, mode 0600) on first run.
/// A key shorter than [`MIN_SECRET_BYTES`] from either source stops the start with a
/// message saying what to do, rather than signing tokens anyone could forge.
pub fn jwt_secret(from_env: Option<String>, data_dir: &Path) -> anyhow::Result<Vec<u8>> {
    if let Some(secret) = from_env.filter(|s| !s.is_empty()) {
        anyhow::ensure!(
            secret.len() >= MIN_SECRET_BYTES,
            "TUYEN_JWT_SECRET must be at least {MIN_SECRET_BYTES} characters"
        );
        return Ok(secret.into_bytes());
    }
    let path = data_dir.join("jwt-secret");
    if path.exists() {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let secret =
            hex::decode(text.trim()).with_context(|| format!("{} is not hex", path.display()))?;
        anyhow::ensure!(
            secret.len() >= MIN_SECRET_BYTES,
            "{} holds a {}-byte key; at least {MIN_SECRET_BYTES} are needed. Put a longer \
             hex key in it, or delete it to have a new one generated (everyone signs in again)",
            path.display(),
            secret.len()
        );
        return Ok(secret);
    }
    std::fs::create_dir_all(data_dir)?;
    let mut secret = vec![0u8; 64];
    rand::rng().fill_bytes(&mut secret);
    write_whole(&path, &hex::encode(&secret))?;
    tracing::info!(path = %path.display(), "generated a new JWT secret");
    Ok(secret)
}

/// Writes `contents` to `path` whole or not at all: a temporary file in the same folder
/// (created 0600 by `tempfile`), flushed to disk, then renamed into place — a crash
/// midway leaves no short key behind. Never replaces an existing file.
fn write_whole(path: &Path, contents: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let folder = path.parent().unwrap_or(Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(folder)?;
    file.write_all(contents.as_bytes())?;
    file.as_file().sync_all()?;
    file.persist_noclobber(path)
        .with_context(|| format!("writing {}", path.display()))?;
    #[cfg(unix)]
    std::fs::File::open(folder)?.sync_all()?;
    Ok(())
}

/// Makes the data folder (created if missing) 0700, and the SQLite database with its
/// journal files 0600, when they are looser: an older installation or a folder made by
/// hand may let the whole machine read patient data. What cannot be tightened (another
/// owner) is logged as a warning, not fatal.
pub fn secure_data_dir(data_dir: &Path, database_url: &str) -> anyhow::Result<()> {
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("creating {}", data_dir.display()))?;
    make_private(data_dir);
    if let crate::db::DbUrl::Sqlite(file) = crate::db::DbUrl::parse(database_url) {
        let file = Path::new(&file);
        if let Some(folder) = file.parent().filter(|f| !f.as_os_str().is_empty()) {
            std::fs::create_dir_all(folder)
                .with_context(|| format!("creating {}", folder.display()))?;
            make_private(folder);
        }
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut name = file.as_os_str().to_owned();
            name.push(suffix);
            let path = PathBuf::from(name);
            if path.exists() {
                make_private(&path);
            }
        }
    }
    Ok(())
}

/// Takes group and other permissions off `path` (a folder keeps its owner's 0700, a
/// file 0600); warns when it cannot.
#[cfg(unix)]
pub fn make_private(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let Ok(meta) = std::fs::metadata(path) else {
        return;
    };
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 == 0 {
        return;
    }
    let private = if meta.is_dir() { 0o700 } else { 0o600 };
    match std::fs::set_permissions(path, std::fs::Permissions::from_mode(private)) {
        Ok(()) => tracing::warn!(
            path = %path.display(),
            was = format!("{mode:o}"),
            now = format!("{private:o}"),
            "tightened the permissions of a data file: it was readable by others"
        ),
        Err(error) => tracing::warn!(
            path = %path.display(),
            mode = format!("{mode:o}"),
            %error,
            "a data file is readable by others and could not be made private"
        ),
    }
}

/// Elsewhere, the platform's own access rules apply.
#[cfg(not(unix))]
pub fn make_private(_path: &Path) {}

/// Makes every file and folder the server creates from now on private to its user
/// (umask 077): the data folder, the SQLite database and its journal, backups and the
/// secret. Called first thing in `main`; the files hold patient data.
#[cfg(unix)]
pub fn keep_created_files_private() {
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
}

/// Elsewhere, the platform's own access rules apply.
#[cfg(not(unix))]
pub fn keep_created_files_private() {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_is_generated_once_and_reused() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let first = jwt_secret(None, dir.path())?;
        let second = jwt_secret(None, dir.path())?;
        assert_eq!(first.len(), 64);
        assert_eq!(first, second);
        let from_env = jwt_secret(Some("x".repeat(40)), dir.path())?;
        assert_eq!(from_env, "x".repeat(40).into_bytes());
        assert!(jwt_secret(Some("short".into()), dir.path()).is_err());
        Ok(())
    }

    #[cfg(unix)]
    #[test]
    fn a_generated_secret_is_readable_by_its_owner_only() -> anyhow::Result<()> {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir()?;
        jwt_secret(None, dir.path())?;
        let mode = std::fs::metadata(dir.path().join("jwt-secret"))?
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        Ok(())
    }

    #[cfg(unix)]
    #[test]
    fn a_loose_data_folder_and_database_are_made_private() -> anyhow::Result<()> {
        use std::os::unix::fs::PermissionsExt;
        let mode = |path: &Path| -> anyhow::Result<u32> {
            Ok(std::fs::metadata(path)?.permissions().mode() & 0o777)
        };
        let root = tempfile::tempdir()?;
        let data = root.path().join("data");
        std::fs::create_dir(&data)?;
        std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755))?;
        let database = data.join("tuyen.sqlite3");
        for file in [database.clone(), data.join("tuyen.sqlite3-wal")] {
            std::fs::write(&file, b"")?;
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644))?;
        }
        secure_data_dir(&data, &database.to_string_lossy())?;
        assert_eq!(mode(&data)?, 0o700);
        assert_eq!(mode(&database)?, 0o600);
        assert_eq!(mode(&data.join("tuyen.sqlite3-wal"))?, 0o600);

        // A missing folder is created private, whatever the umask.
        let fresh = root.path().join("fresh");
        secure_data_dir(&fresh, "postgres://localhost/tuyen")?;
        assert_eq!(mode(&fresh)? & 0o077, 0);
        Ok(())
    }

    #[test]
    fn an_empty_or_short_secret_file_stops_the_start() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("jwt-secret");
        let one_byte_short = "ab".repeat(MIN_SECRET_BYTES - 1);
        for short in ["", "\n", one_byte_short.as_str()] {
            std::fs::write(&path, short)?;
            match jwt_secret(None, dir.path()) {
                Err(refused) => assert!(refused.to_string().contains("at least 32"), "{refused}"),
                Ok(key) => panic!("{short:?} accepted as a {}-byte key", key.len()),
            }
        }
        std::fs::write(&path, "ab".repeat(32))?;
        assert_eq!(jwt_secret(None, dir.path())?, vec![0xab; 32]);
        Ok(())
    }
}
