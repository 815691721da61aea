//! The test harness: the app on a fresh database, and clients of it. New tests use the
//! typed client (`app.user("bacsi").await.referrals()...`, see the `testkit` crate); the
//! `Response`-returning helpers below serve tests that send raw bodies and headers.

use diesel::{Connection, PgConnection, RunQueryDsl};
use reqwest::{Client, Method, Response};
use serde_json::Value;
use tempfile::TempDir;
use testkit::Answer;
use tuyen::app::Application;
use tuyen::config::Settings;

pub const PASSWORD: &str = "thuanan2026";

/// A running app with its own database.
pub struct TestApp {
    pub base: String,
    /// A plain HTTP client, for requests no API client would send.
    pub client: Client,
    /// The typed API client, anonymous; `as_user(token)` or [`TestApp::user`] signs in.
    pub api: testkit::Client,
    /// The app's database, for tests that must move a record in time.
    pub db: tuyen::db::Db,
    /// The database's URL (a sibling server opens the same one).
    pub database_url: String,
    _dir: TempDir,
}

/// A PostgreSQL admin URL when the PostgreSQL pass is running.
pub fn pg_admin_url() -> Option<String> {
    std::env::var("TUYEN_TEST_PG_URL")
        .ok()
        .filter(|url| !url.is_empty())
}

/// Creates a fresh PostgreSQL database and returns its URL.
pub fn fresh_pg_database(admin: &str) -> String {
    let name = format!("tuyen_test_{}", uuid::Uuid::new_v4().simple());
    let mut conn = PgConnection::establish(admin).expect("connect to PostgreSQL");
    diesel::sql_query(format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .expect("create test database");
    let (base, _) = admin.rsplit_once('/').expect("URL with a database");
    format!("{base}/{name}")
}

impl TestApp {
    /// Starts the app on a fresh database with the demo network loaded.
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with(|_| {}).await
    }

    /// Starts the app on a fresh database with the demo network loaded, its settings
    /// changed by `configure` (e.g. the generator's budget).
    pub async fn spawn_with(configure: impl FnOnce(&mut Settings)) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = match pg_admin_url() {
            Some(admin) => fresh_pg_database(&admin),
            None => dir
                .path()
                .join("test.sqlite3")
                .to_string_lossy()
                .into_owned(),
        };
        TestApp::start(url, dir, configure)
    }

    /// A second server on this app's database (several servers on one database),
    /// with its own settings.
    pub async fn sibling(&self, configure: impl FnOnce(&mut Settings)) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        TestApp::start(self.database_url.clone(), dir, configure)
    }

    fn start(url: String, dir: TempDir, configure: impl FnOnce(&mut Settings)) -> TestApp {
        let mut settings = Settings::for_tests(&url, dir.path());
        configure(&mut settings);
        let app = Application::build(settings).expect("build app");
        let base = format!("http://127.0.0.1:{}", app.port());
        let db = app.state().db.clone();
        actix_web::rt::spawn(app.run());
        let client = Client::builder().no_proxy().build().expect("client");
        TestApp {
            api: testkit::Client::with_http(client.clone(), base.clone()),
            base,
            client,
            db,
            database_url: url,
            _dir: dir,
        }
    }

    /// Runs SQL directly (same text on both engines), e.g. to age a record.
    pub async fn sql(&self, statement: &str) {
        let statement = statement.to_string();
        self.db
            .run(move |conn| {
                diesel::connection::SimpleConnection::batch_execute(conn, &statement)
                    .map_err(tuyen::error::ApiError::internal)
            })
            .await
            .expect("SQL statement");
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The typed client of a demo user, signed in.
    pub async fn user(&self, username: &str) -> testkit::Client {
        self.api.sign_in(username, PASSWORD).await
    }

    /// Signs in a demo user and returns the access token.
    pub async fn token(&self, username: &str) -> String {
        let user = self.user(username).await;
        user.token().expect("signed in").to_string()
    }

    /// Sends a request as `token` with an optional JSON body and extra headers.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Response {
        let client = match token {
            Some(token) => self.api.as_user(token),
            None => self.api.anonymous(),
        };
        let mut request = client.request(method, path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        request.send().await.unwrap()
    }

    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.call(Method::GET, path, Some(token), None, &[]).await
    }

    pub async fn get_json(&self, path: &str, token: &str) -> Value {
        self.api.as_user(token).get(path).await.ok()
    }

    pub async fn post(&self, path: &str, token: &str, body: &Value) -> Response {
        self.call(Method::POST, path, Some(token), Some(body), &[])
            .await
    }

    /// The id of a demo facility by code.
    pub async fn facility_id(&self, token: &str, code: &str) -> i64 {
        self.api.as_user(token).facility_id(code).await
    }
}

/// Asserts a problem+json answer with the given status and code; returns the body.
pub async fn assert_problem(response: Response, status: u16, code: &str) -> Value {
    Answer::<Value>::read(response)
        .await
        .assert_problem(status, code)
}
