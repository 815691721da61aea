//! Harness for the end-to-end tests: the real `tuyen` binary in a temporary data folder,
//! an HTTP client for it, and a chromedriver driving headless Chromium.
//!
//! Environment:
//! - `TUYEN_BIN`: the server binary, e.g. `target/debug/tuyen`. Without it every test
//!   skips (saying so), unless `TUYEN_REQUIRE_E2E=1` or `CI=true` (as `make test` and CI
//!   run): then a missing binary fails the run.
//! - `TUYEN_DIST`: the built SPA (default `<workspace>/dist`).
//! - `CHROMEDRIVER`, `CHROMIUM`: override `/usr/bin/chromedriver`, `/usr/bin/chromium`.

use std::fs::File;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The demo head of the An Phú health station, who refers patients.
pub const STATION_HEAD: (&str, &str) = ("tram.anphu", "thuanan2026");
/// A demo clinician of the Thuận An regional centre, who receives them.
pub const CENTRE_CLINICIAN: (&str, &str) = ("bacsi", "thuanan2026");
/// The director of the Thuận An centre, who approves its plans.
pub const DIRECTOR: (&str, &str) = ("giamdoc", "thuanan2026");
/// The demo planner of the Thuận An regional health centre.
pub const PLANNER: (&str, &str) = ("kehoach", "thuanan2026");
/// The demo administrator.
pub const ADMIN: (&str, &str) = ("admin", "thuanan2026");
/// The facility the demo planner belongs to.
pub const PLANNER_FACILITY: &str = "Trung tâm Y tế khu vực Thuận An";

/// How long a freshly spawned server may take to answer `/healthz`.
const SERVER_START_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a chromedriver may take to answer `/status`.
const DRIVER_START_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a server may take to exit after SIGTERM before it is killed.
const SERVER_STOP_TIMEOUT: Duration = Duration::from_secs(20);
/// Polling period while waiting for a process to come up or go down.
const POLL: Duration = Duration::from_millis(100);

/// Environment variables the server reads that must not leak into a test server.
const SERVER_ENV: [&str; 6] = [
    "DATABASE_URL",
    "TUYEN_DEMO",
    "TUYEN_BIND",
    "TUYEN_DATA_DIR",
    "TUYEN_STATIC_DIR",
    "TUYEN_JWT_SECRET",
];

/// A free TCP port on the loopback interface (the OS picks it; it is released at once).
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local address").port()
}

/// Whether a test can run: true when `TUYEN_BIN` names the server binary. Without it a
/// plain `cargo test` skips the test with a message, while a run that must not skip
/// silently (`TUYEN_REQUIRE_E2E=1` or `CI=true`: `make test`, `make e2e`, CI) fails.
pub fn server_under_test() -> bool {
    if std::env::var_os("TUYEN_BIN").is_some_and(|p| !p.is_empty()) {
        return true;
    }
    let flag = |name: &str| {
        std::env::var(name)
            .is_ok_and(|v| matches!(v.to_ascii_lowercase().as_str(), "1" | "true" | "yes"))
    };
    assert!(
        !flag("TUYEN_REQUIRE_E2E") && !flag("CI"),
        "TUYEN_BIN is not set, and this run must not skip the end-to-end tests \
         (TUYEN_REQUIRE_E2E or CI is set): run `make e2e`, or `cargo build -p backend && \
         make spa && TUYEN_BIN=$PWD/target/debug/tuyen TUYEN_DIST=$PWD/dist cargo test -p e2e`"
    );
    eprintln!("skipped: TUYEN_BIN not set — run make e2e");
    false
}

/// The server binary under test, from `TUYEN_BIN` (checked by [`server_under_test`]).
pub fn tuyen_bin() -> PathBuf {
    let Some(path) = std::env::var_os("TUYEN_BIN").filter(|p| !p.is_empty()) else {
        panic!(
            "TUYEN_BIN is not set. The e2e tests drive the real server binary: run `make test`, \
             or `cargo build -p backend && make spa && TUYEN_BIN=$PWD/target/debug/tuyen \
             TUYEN_DIST=$PWD/dist cargo test -p e2e`"
        );
    };
    let path = PathBuf::from(path);
    assert!(
        path.is_file(),
        "TUYEN_BIN={} does not exist; build it with `cargo build -p backend`",
        path.display()
    );
    path
}

/// The built SPA folder: `TUYEN_DIST`, else `dist/` at the workspace root.
pub fn dist_dir() -> PathBuf {
    match std::env::var_os("TUYEN_DIST").filter(|p| !p.is_empty()) {
        Some(path) => PathBuf::from(path),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../dist"),
    }
}

/// A plain HTTP client for the local server (never through a proxy).
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("HTTP client")
}

/// The `Content-Type` of a response, or `""`.
pub fn content_type(res: &reqwest::Response) -> String {
    res.headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// Runs `tuyen create-admin --username USERNAME` on the SQLite database of `data_dir`,
/// the password written to its standard input (never on its command line); returns
/// whether it succeeded and what it printed.
pub fn create_admin(data_dir: &Path, username: &str, password: &str) -> (bool, String) {
    use std::io::Write;
    let mut command = Command::new(tuyen_bin());
    command
        .arg("create-admin")
        .arg("--username")
        .arg(username)
        .arg("--database-url")
        .arg(data_dir.join("tuyen.sqlite3"))
        .arg("--data-dir")
        .arg(data_dir);
    for var in SERVER_ENV {
        command.env_remove(var);
    }
    let mut child = command
        .current_dir(data_dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start tuyen create-admin");
    child
        .stdin
        .take()
        .expect("stdin of create-admin")
        .write_all(format!("{password}\n").as_bytes())
        .expect("write the password");
    let output = child.wait_with_output().expect("run tuyen create-admin");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

/// A running `tuyen serve`, killed when dropped.
pub struct Server {
    child: Child,
    base_url: String,
    log: PathBuf,
}

impl Server {
    /// Starts `tuyen serve --demo` on a free port with its SQLite database, JWT secret and
    /// log in `data_dir`, and waits until `GET /healthz` answers 200. Starting again on
    /// the same folder reopens the same database.
    pub async fn start(data_dir: &Path) -> Server {
        Server::start_with(data_dir, None).await
    }

    /// Like [`Server::start`], on `database_url` (a PostgreSQL URL) when given.
    pub async fn start_with(data_dir: &Path, database_url: Option<&str>) -> Server {
        Server::launch(data_dir, database_url, true, &[]).await
    }

    /// Like [`Server::start_with`], with extra environment variables (settings such
    /// as a shared `TUYEN_JWT_SECRET` or the generator's lease).
    pub async fn start_with_env(
        data_dir: &Path,
        database_url: Option<&str>,
        env: &[(&str, &str)],
    ) -> Server {
        Server::launch(data_dir, database_url, true, env).await
    }

    /// `tuyen serve` without `--demo`, as a real installation starts: an empty database
    /// stays empty, in setup mode.
    pub async fn start_without_demo(data_dir: &Path) -> Server {
        Server::launch(data_dir, None, false, &[]).await
    }

    async fn launch(
        data_dir: &Path,
        database_url: Option<&str>,
        demo: bool,
        env: &[(&str, &str)],
    ) -> Server {
        let mut last_error = String::new();
        for _attempt in 0..3 {
            match Server::try_start(data_dir, database_url, demo, env).await {
                Ok(server) => return server,
                // Another test may have taken the port between picking and binding it.
                Err(error) if error.to_lowercase().contains("in use") => last_error = error,
                Err(error) => panic!("{error}"),
            }
        }
        panic!("{last_error}")
    }

    async fn try_start(
        data_dir: &Path,
        database_url: Option<&str>,
        demo: bool,
        env: &[(&str, &str)],
    ) -> Result<Server, String> {
        let bin = tuyen_bin();
        let port = free_port();
        let log = data_dir.join(format!("server-{port}.log"));
        let stdout = File::create(&log).expect("create server log");
        let stderr = stdout.try_clone().expect("clone server log handle");

        let mut command = Command::new(&bin);
        command
            .arg("serve")
            .arg("--bind")
            .arg(format!("127.0.0.1:{port}"))
            .arg("--database-url")
            .arg(database_url.map_or_else(|| data_dir.join("tuyen.sqlite3"), PathBuf::from))
            .arg("--data-dir")
            .arg(data_dir);
        if demo {
            command.arg("--demo");
        }
        let dist = dist_dir();
        if dist.is_dir() {
            command.arg("--static-dir").arg(&dist);
        }
        for var in SERVER_ENV {
            command.env_remove(var);
        }
        command.envs(env.iter().copied());
        command
            .current_dir(data_dir)
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(stderr);
        let child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));

        let mut server = Server {
            child,
            base_url: format!("http://127.0.0.1:{port}"),
            log,
        };
        server.wait_healthy().await?;
        Ok(server)
    }

    async fn wait_healthy(&mut self) -> Result<(), String> {
        let http = http_client();
        let health = self.url("/healthz");
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "tuyen serve exited with {status} before {health} answered; its log:\n{}",
                    self.log_text()
                ));
            }
            let last = match http.get(&health).send().await {
                Ok(res) if res.status() == reqwest::StatusCode::OK => return Ok(()),
                Ok(res) => format!("HTTP {}", res.status()),
                Err(e) => e.to_string(),
            };
            if started.elapsed() > SERVER_START_TIMEOUT {
                return Err(format!(
                    "{health} did not answer 200 within {SERVER_START_TIMEOUT:?} (last: {last}); \
                     server log:\n{}",
                    self.log_text()
                ));
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// The absolute URL of `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// The typed API client of this server, anonymous, on a fresh [`http_client`].
    pub fn api(&self) -> testkit::Client {
        self.api_with(&http_client())
    }

    /// The typed API client of this server on the connection pool `http`.
    pub fn api_with(&self, http: &reqwest::Client) -> testkit::Client {
        testkit::Client::with_http(http.clone(), self.base_url.clone())
    }

    /// The server's process id (the generator's lease owner starts with it).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// What the server printed so far (its start-up lines, its log).
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_else(|e| format!("(no log: {e})"))
    }

    /// Stops the server the way an operator would (SIGTERM, then SIGKILL after a grace
    /// period) and waits for it to exit.
    pub async fn stop(mut self) {
        let pid = self.child.id().to_string();
        // `sh`'s built-in kill: no extra package and no unsafe signal code needed.
        let _ = Command::new("sh")
            .args(["-c", "kill -TERM \"$1\"", "sh", &pid])
            .status();
        let started = Instant::now();
        while started.elapsed() < SERVER_STOP_TIMEOUT {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            tokio::time::sleep(POLL).await;
        }
        // Drop kills what is left.
    }
}

impl Server {
    /// Kills the server at once with SIGKILL, as a crash or the OOM killer would: no
    /// request is finished, no connection closed.
    pub fn kill(mut self) {
        self.child.kill().expect("SIGKILL the server");
        self.child.wait().expect("reap the server");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fresh database on the PostgreSQL cluster named by `TUYEN_TEST_PG_URL` (an admin
/// URL, as `make test` sets from `scripts/pg.sh`), or `None` when there is none, which
/// `TUYEN_REQUIRE_PG=1` turns into a failure.
pub fn fresh_pg_database() -> Option<String> {
    let Some(admin) = std::env::var("TUYEN_TEST_PG_URL")
        .ok()
        .filter(|url| !url.is_empty())
    else {
        assert!(
            std::env::var("TUYEN_REQUIRE_PG").is_err(),
            "TUYEN_REQUIRE_PG is set but TUYEN_TEST_PG_URL is not"
        );
        eprintln!("no PostgreSQL in this run (make test starts one): skipped");
        return None;
    };
    let name = format!(
        "tuyen_e2e_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock after 1970")
            .as_nanos()
    );
    let status = Command::new(psql())
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", &admin, "-c"])
        .arg(format!("CREATE DATABASE {name}"))
        .status()
        .expect("run psql");
    assert!(status.success(), "psql could not create {name}");
    let (base, _) = admin.rsplit_once('/').expect("admin URL with a database");
    Some(format!("{base}/{name}"))
}

/// The rows `sql` returns on `database_url`, one line each, columns separated by `|`.
pub fn psql_rows(database_url: &str, sql: &str) -> Vec<String> {
    let output = Command::new(psql())
        .args([
            "-X",
            "-q",
            "-A",
            "-t",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            database_url,
            "-c",
        ])
        .arg(sql)
        .output()
        .expect("run psql");
    assert!(
        output.status.success(),
        "psql {sql}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_string)
        .filter(|line| !line.is_empty())
        .collect()
}

/// `psql` from PATH, else from Debian's versioned PostgreSQL folder.
fn psql() -> PathBuf {
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .map(|dir| dir.join("psql"))
        .find(|candidate| candidate.is_file());
    on_path
        .or_else(|| {
            let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
                .into_iter()
                .flatten()
                .flatten()
                .map(|entry| entry.path().join("bin/psql"))
                .filter(|candidate| candidate.is_file())
                .collect();
            found.sort();
            found.pop()
        })
        .expect("psql not found: install PostgreSQL (make postgres-bin)")
}

/// Signs in and returns the access token, failing the test on anything but 200.
pub async fn login(
    http: &reqwest::Client,
    server: &Server,
    (username, password): (&str, &str),
) -> String {
    let user = server.api_with(http).sign_in(username, password).await;
    user.token().unwrap_or_default().to_string()
}

/// A running chromedriver on a free loopback port, killed when dropped.
pub struct Chromedriver {
    child: Child,
    port: u16,
}

impl Chromedriver {
    /// Starts chromedriver and waits until its `/status` answers.
    pub async fn start() -> Chromedriver {
        let bin = std::env::var_os("CHROMEDRIVER")
            .filter(|p| !p.is_empty())
            .map_or_else(|| PathBuf::from("/usr/bin/chromedriver"), PathBuf::from);
        assert!(
            bin.is_file(),
            "{} not found: install Chromium and its driver with `make browser`",
            bin.display()
        );
        let port = free_port();
        let child = Command::new(&bin)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        let mut driver = Chromedriver { child, port };

        let http = http_client();
        let status = format!("{}/status", driver.url());
        let started = Instant::now();
        loop {
            if let Ok(Some(exit)) = driver.child.try_wait() {
                panic!("chromedriver exited with {exit} before answering {status}");
            }
            if let Ok(res) = http.get(&status).send().await
                && res.status().is_success()
            {
                return driver;
            }
            assert!(
                started.elapsed() < DRIVER_START_TIMEOUT,
                "chromedriver did not answer {status} within {DRIVER_START_TIMEOUT:?}"
            );
            tokio::time::sleep(POLL).await;
        }
    }

    /// The WebDriver endpoint.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Opens a headless Chromium session with a fresh profile in `profile_dir`.
    pub async fn browser(&self, profile_dir: &Path) -> fantoccini::Client {
        let chromium = std::env::var("CHROMIUM")
            .ok()
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| "/usr/bin/chromium".to_string());
        let args = vec![
            "--headless=new".to_string(),
            "--no-sandbox".to_string(),
            "--disable-gpu".to_string(),
            "--disable-quic".to_string(),
            "--no-first-run".to_string(),
            "--disable-background-networking".to_string(),
            "--disable-component-update".to_string(),
            "--disable-sync".to_string(),
            "--disable-dev-shm-usage".to_string(),
            "--no-proxy-server".to_string(),
            format!("--user-data-dir={}", profile_dir.display()),
            "--window-size=1280,900".to_string(),
        ];
        let mut capabilities = fantoccini::wd::Capabilities::new();
        capabilities.insert(
            "goog:chromeOptions".to_string(),
            serde_json::json!({ "binary": chromium, "args": args }),
        );
        // The browser's console, read by `browser::console_errors` at the end of a flow.
        capabilities.insert(
            "goog:loggingPrefs".to_string(),
            serde_json::json!({ "browser": "ALL" }),
        );
        // Without a TLS feature fantoccini needs its connector given: plain HTTP is all a
        // local chromedriver speaks.
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        fantoccini::ClientBuilder::new(connector)
            .capabilities(capabilities)
            .connect(&self.url())
            .await
            .unwrap_or_else(|e| panic!("cannot open a Chromium session via chromedriver: {e}"))
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
