//! The test harness.

use diesel::{Connection, PgConnection, RunQueryDsl};
use reqwest::header::{AUTHORIZATION, HeaderMap};
use reqwest::{Client, Method, Response, StatusCode};
use serde_json::Value;
use tempfile::TempDir;
use tuyen::app::Application;
use tuyen::config::Settings;

pub const PASSWORD: &str = "thuanan2026";

/// A running app with its own database.
pub struct TestApp {
    pub base: String,
    pub client: Client,
    /// The app's database, for tests that must move a record in time.
    pub db: tuyen::db::Db,
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
        let dir = tempfile::tempdir().expect("temp dir");
        let url = match pg_admin_url() {
            Some(admin) => fresh_pg_database(&admin),
            None => dir
                .path()
                .join("test.sqlite3")
                .to_string_lossy()
                .into_owned(),
        };
        let settings = Settings::for_tests(&url, dir.path());
        let app = Application::build(settings).expect("build app");
        let base = format!("http://127.0.0.1:{}", app.port());
        let db = app.state().db.clone();
        actix_web::rt::spawn(app.run());
        TestApp {
            base,
            client: Client::builder().build().expect("client"),
            db,
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

    /// Signs in a demo user and returns the access token.
    pub async fn token(&self, username: &str) -> String {
        let response = self.login(username, PASSWORD).await;
        assert_eq!(response.status(), StatusCode::OK, "login {username}");
        let body: Value = response.json().await.unwrap();
        body["access_token"].as_str().unwrap().to_string()
    }

    pub async fn login(&self, username: &str, password: &str) -> Response {
        self.client
            .post(self.url("/api/v1/auth/login"))
            .json(&serde_json::json!({"username": username, "password": password}))
            .send()
            .await
            .unwrap()
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
        let mut map = HeaderMap::new();
        if let Some(token) = token {
            map.insert(AUTHORIZATION, format!("Bearer {token}").parse().unwrap());
        }
        for (name, value) in headers {
            map.insert(
                reqwest::header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        let mut request = self.client.request(method, self.url(path)).headers(map);
        if let Some(body) = body {
            request = request.json(body);
        }
        request.send().await.unwrap()
    }

    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.call(Method::GET, path, Some(token), None, &[]).await
    }

    pub async fn get_json(&self, path: &str, token: &str) -> Value {
        let response = self.get(path, token).await;
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        response.json().await.unwrap()
    }

    pub async fn post(&self, path: &str, token: &str, body: &Value) -> Response {
        self.call(Method::POST, path, Some(token), Some(body), &[])
            .await
    }

    /// The id of a demo facility by code.
    pub async fn facility_id(&self, token: &str, code: &str) -> i64 {
        let page = self
            .get_json(&format!("/api/v1/facilities?q={code}"), token)
            .await;
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == code)
            .unwrap_or_else(|| panic!("facility {code}"))["id"]
            .as_i64()
            .unwrap()
    }
}

/// Asserts a problem+json answer with the given status and code; returns the body.
pub async fn assert_problem(response: Response, status: u16, code: &str) -> Value {
    assert_eq!(response.status().as_u16(), status, "status");
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert_eq!(content_type, "application/problem+json");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["status"], status);
    assert_eq!(body["type"], format!("urn:tuyen:problem:{code}"));
    body
}
