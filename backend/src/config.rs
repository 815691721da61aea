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
}

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
