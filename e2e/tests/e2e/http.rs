//! Over HTTP only: health, sign-in and problem documents, a restart on the same data, and
//! the SPA's files served for every client route.

use reqwest::StatusCode;
use serde_json::{Value, json};
use shared::auth::Role;
use shared::error::ErrorCode;
use shared::registry::FacilityInput;

use crate::support::{self, ADMIN, PLANNER, PLANNER_FACILITY, Server, content_type, http_client};

#[tokio::test]
async fn health_sign_in_and_problem_documents() {
    if !support::server_under_test() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path()).await;
    let api = server.api();

    // Liveness.
    let health = api.get::<Value>("/healthz").await;
    assert_eq!(health.status, StatusCode::OK);
    let health = health.body();
    assert_eq!(health["status"], "ok", "healthz body: {health}");

    // Sign in as the demo planner and read the principal back.
    let planner = api.sign_in(PLANNER.0, PLANNER.1).await;
    let me = planner.me().await.ok();
    assert_eq!(me.username, PLANNER.0);
    assert_eq!(me.role, Role::Planner);
    assert_eq!(me.facility.name, PLANNER_FACILITY);

    // A wrong password is an RFC 9457 problem with a stable code.
    let res = api.login(PLANNER.0, "not-the-password").await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    let kind = res.content_type();
    assert!(
        kind.starts_with("application/problem+json"),
        "content-type of a failed login: {kind:?}"
    );
    let problem = res.problem();
    assert_eq!(problem.code, ErrorCode::InvalidCredentials);
    assert_eq!(problem.status, 401);

    // No token, no principal.
    let res = api.me().await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(res.problem().code, ErrorCode::Unauthorized);
}

/// Whether the facility `code` is in the registry, as `api` reads it.
async fn facility_listed(api: &testkit::Client, code: &str) -> bool {
    let page = api.facilities().list(&format!("q={code}")).await;
    assert_eq!(
        page.status,
        StatusCode::OK,
        "GET /api/v1/facilities?q={code}: {}",
        page.text
    );
    page.body().items.iter().any(|f| f.code == code)
}

#[tokio::test]
async fn data_and_sessions_survive_a_restart() {
    if !support::server_under_test() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path()).await;
    let admin = server.api().sign_in(ADMIN.0, ADMIN.1).await;
    let facility: FacilityInput = serde_json::from_value(json!({
        "code": "E2E-1",
        "name": "Trạm thử",
        "kind": "health_station",
        "province": "TP. Hồ Chí Minh"
    }))
    .unwrap();
    let res = admin.facilities().create(&facility).await;
    let status = res.status;
    assert!(
        status.is_success(),
        "creating facility E2E-1 answered HTTP {status}: {}",
        res.text
    );
    assert!(facility_listed(&admin, "E2E-1").await);

    // Same data folder, new process.
    let token = admin.token().unwrap().to_string();
    drop(admin);
    server.stop().await;
    let server = Server::start(dir.path()).await;
    let api = server.api();

    // The demo data was not loaded twice over, sign-in still works, and the JWT secret
    // generated on first start was reused (the old token is still good).
    api.sign_in(PLANNER.0, PLANNER.1).await;
    let res = api.as_user(token).me().await;
    assert_eq!(
        res.status,
        StatusCode::OK,
        "a token issued before the restart must still be accepted"
    );
    let admin = api.sign_in(ADMIN.0, ADMIN.1).await;
    assert!(
        facility_listed(&admin, "E2E-1").await,
        "facility E2E-1 is gone after a restart"
    );
}

#[tokio::test]
async fn spa_is_served_for_root_and_client_routes() {
    if !support::server_under_test() {
        return;
    }
    let dist = support::dist_dir();
    let index = std::fs::read_to_string(dist.join("index.html")).unwrap_or_else(|e| {
        panic!(
            "{}/index.html: {e}; build the SPA first with `make spa` (or set TUYEN_DIST)",
            dist.display()
        )
    });
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path()).await;
    let http = http_client();

    for path in ["/", "/registry/facilities"] {
        let res = http.get(server.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "GET {path}");
        let kind = content_type(&res);
        assert!(
            kind.starts_with("text/html"),
            "GET {path}: content-type {kind:?}"
        );
        let body = res.text().await.unwrap();
        assert_eq!(body, index, "GET {path} must answer the SPA's index.html");
    }

    // The files index.html loads (absolute paths, content-hashed names), each with the
    // type the browser needs: a module script must be JavaScript, and streaming wasm
    // compilation needs `application/wasm`.
    let named = |prefix: &str, suffix: &str| {
        index
            .split('"')
            .find(|part| part.starts_with(prefix) && part.ends_with(suffix))
            .unwrap_or_else(|| panic!("index.html names no {prefix}…{suffix}"))
            .to_string()
    };
    for (path, wanted) in [
        (named("/boot-", ".js"), "text/javascript"),
        (named("/frontend-", ".js"), "text/javascript"),
        (named("/frontend-", "_bg.wasm"), "application/wasm"),
        (named("/style-", ".css"), "text/css"),
    ] {
        let path = path.as_str();
        let res = http.get(server.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "GET {path}");
        let kind = content_type(&res);
        assert!(
            kind.starts_with(wanted),
            "GET {path}: content-type {kind:?}"
        );
    }

    // Unknown API paths are API errors, not the SPA.
    let res = http
        .get(server.url("/api/v1/no-such-endpoint"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::NOT_FOUND,
        "GET /api/v1/no-such-endpoint"
    );
    let kind = content_type(&res);
    assert!(
        !kind.starts_with("text/html"),
        "an API 404 answered {kind:?}"
    );
}
