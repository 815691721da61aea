//! Health, metrics, docs and the problem+json answers to malformed requests.

use reqwest::Method;
use serde_json::Value;

use crate::support::{TestApp, assert_problem};

#[actix_web::test]
async fn health_readiness_metrics_and_docs_answer() {
    let app = TestApp::spawn().await;
    for path in ["/healthz", "/readyz"] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert!(response.headers().contains_key("x-request-id"));
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["status"], "ok");
    }

    // Without a configured token there are no metrics to read.
    let metrics = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(metrics.status(), 404);

    let spec: Value = app
        .client
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(spec["openapi"].as_str().unwrap().starts_with("3.1"));
    let docs = app.client.get(app.url("/docs/")).send().await.unwrap();
    assert_eq!(docs.status(), 200);
    assert!(docs.text().await.unwrap().contains("swagger"));
}

#[actix_web::test]
async fn responses_carry_security_headers() {
    let app = TestApp::spawn().await;
    let response = app.client.get(app.url("/healthz")).send().await.unwrap();
    let headers = response.headers();
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let csp = headers["content-security-policy"].to_str().unwrap();
    let scripts = csp
        .split(';')
        .map(str::trim)
        .find(|directive| directive.starts_with("script-src"))
        .unwrap_or_else(|| panic!("no script-src in {csp}"));
    assert!(scripts.contains("'self'"), "{csp}");
    assert!(!scripts.contains("unsafe-inline"), "{csp}");
}

#[actix_web::test]
async fn unknown_api_routes_are_404_problems() {
    let app = TestApp::spawn().await;
    let token = app.token("kehoach").await;
    assert_problem(
        app.get("/api/v1/nothing-here", &token).await,
        404,
        "not_found",
    )
    .await;
    assert_problem(app.get("/api/v2/staff", &token).await, 404, "not_found").await;
}

#[actix_web::test]
async fn malformed_and_misshapen_bodies_are_problems() {
    let app = TestApp::spawn().await;
    let token = app.token("kehoach").await;
    let send = |body: &'static str, content_type: &'static str| {
        app.client
            .post(app.url("/api/v1/staff"))
            .bearer_auth(&token)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    assert_problem(
        send("{\"full_name\": ", "application/json").await.unwrap(),
        400,
        "bad_request",
    )
    .await;
    assert_problem(
        send("[1, 2, 3]", "application/json").await.unwrap(),
        422,
        "validation_failed",
    )
    .await;
    assert_problem(
        send("full_name=x", "application/x-www-form-urlencoded")
            .await
            .unwrap(),
        415,
        "unsupported_media_type",
    )
    .await;
}

#[actix_web::test]
async fn an_oversized_body_is_413() {
    let app = TestApp::spawn().await;
    let token = app.token("kehoach").await;
    let huge = serde_json::json!({ "full_name": "x".repeat(400 * 1024) });
    let response = app
        .call(
            Method::POST,
            "/api/v1/staff",
            Some(&token),
            Some(&huge),
            &[],
        )
        .await;
    assert_problem(response, 413, "payload_too_large").await;
}

#[actix_web::test]
async fn the_same_request_id_is_echoed_and_put_in_problems() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .get(app.url("/api/v1/me"))
        .header("x-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    let echoed = response.headers().get("x-request-id").cloned();
    let body = assert_problem(response, 401, "unauthorized").await;
    let echoed = echoed.unwrap().to_str().unwrap().to_string();
    assert_eq!(body["request_id"], echoed.as_str());
}

/// Referrals, problems and downloads alike: nothing the API answers may be kept by a
/// browser's cache or a proxy on a shared computer of a ward station.
#[actix_web::test]
async fn api_answers_are_not_stored_by_caches() {
    let app = TestApp::spawn().await;
    let token = app.token("tram.anphu").await;
    for path in [
        "/api/v1/referrals",
        "/api/v1/me",
        "/api/v1/registry/staff.csv",
        "/api/v1/nothing-here",
        "/api/v2/staff",
    ] {
        let answer = app.get(path, &token).await;
        assert_eq!(
            answer.headers()["cache-control"],
            "no-store",
            "{path}: {}",
            answer.status()
        );
    }
    let unsigned = app.client.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(unsigned.status(), 401);
    assert_eq!(unsigned.headers()["cache-control"], "no-store");
}

#[actix_web::test]
async fn metrics_need_their_token_and_label_by_route_pattern() {
    let app = TestApp::spawn_with(|settings| {
        settings.metrics_token = Some("metrics-token-of-the-scraper".into());
    })
    .await;
    let token = app.token("kehoach").await;
    app.get_json("/api/v1/me", &token).await;
    app.get("/api/v1/referrals/987654", &token).await;
    app.get("/api/v1/no-such-route-4d1f", &token).await;
    app.client
        .get(app.url("/no/such/page-7e2a"))
        .send()
        .await
        .unwrap();

    for (authorization, status) in [
        (None, 401),
        (Some("Bearer wrong-token"), 401),
        (Some("Basic bWV0cmljcw=="), 401),
        (Some("Bearer metrics-token-of-the-scraper"), 200),
    ] {
        let mut request = app.client.get(app.url("/metrics"));
        if let Some(value) = authorization {
            request = request.header("authorization", value);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), status, "{authorization:?}");
        if status != 200 {
            continue;
        }
        let metrics = response.text().await.unwrap();
        assert!(metrics.contains("tuyen_http_requests_total"), "{metrics}");
        // Route patterns, never raw paths: ids and unknown paths do not make series.
        assert!(
            metrics.contains("endpoint=\"/api/v1/referrals/{id}\""),
            "{metrics}"
        );
        assert!(metrics.contains("endpoint=\"/api/v1/me\""), "{metrics}");
        for raw in ["987654", "no-such-route-4d1f", "page-7e2a"] {
            assert!(!metrics.contains(raw), "{raw} in {metrics}");
        }
    }
}
