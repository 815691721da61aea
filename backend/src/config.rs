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
        }
    }
}

/// The JWT secret: `TUYEN_JWT_SECRET` when set, else the one stored in
/// `DATA_DIR/jwt-secret`, generated (64 random bytes, mode 0600) on first run.
pub fn jwt_secret(from_env: Option<String>, data_dir: &Path) -> anyhow::Result<Vec<u8>> {
    if let Some(secret) = from_env.filter(|s| !s.is_empty()) {
        anyhow::ensure!(
            secret.len() >= 32,
            "TUYEN_JWT_SECRET must be at least 32 characters"
        );
        return Ok(secret.into_bytes());
    }
    let path = data_dir.join("jwt-secret");
    if path.exists() {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        return hex::decode(text.trim()).with_context(|| format!("{} is not hex", path.display()));
    }
    std::fs::create_dir_all(data_dir)?;
    let mut secret = vec![0u8; 64];
    rand::rng().fill_bytes(&mut secret);
    write_private(&path, &hex::encode(&secret))?;
    tracing::info!(path = %path.display(), "generated a new JWT secret");
    Ok(secret)
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(contents.as_bytes())?;
    Ok(())
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &str) -> anyhow::Result<()> {
    std::fs::write(path, contents)?;
    Ok(())
}

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
}
