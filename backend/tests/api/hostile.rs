//! Hostile input: what an integrating system or an attacker may send gets a clear 4xx
//! problem, never a 500, and changes nothing.

use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{TestApp, assert_problem};

/// Posts raw bytes as JSON to `path` as `token`.
async fn post_raw(app: &TestApp, path: &str, token: &str, body: Vec<u8>) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn staff_count(app: &TestApp, token: &str) -> usize {
    let page = app.get_json("/api/v1/staff?limit=200", token).await;
    page["items"].as_array().unwrap().len()
}

#[actix_web::test]
async fn deeply_nested_json_is_refused_without_a_crash() {
    let app = TestApp::spawn().await;
    let token = app.token("kehoach").await;
    let before = staff_count(&app, &token).await;
    let depth = 20_000;
    let arrays = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let body = post_raw(&app, "/api/v1/staff", &token, arrays.into_bytes()).await;
    assert_problem(body, 422, "validation_failed").await;
    let objects = format!(
        "{{\"full_name\": {}1{}}}",
        "{\"a\":".repeat(depth),
        "}".repeat(depth)
    );
    let body = post_raw(&app, "/api/v1/staff", &token, objects.into_bytes()).await;
    assert_problem(body, 422, "validation_failed").await;
    // The server is still there and nothing was written.
    assert_eq!(staff_count(&app, &token).await, before);
}

#[actix_web::test]
async fn invalid_utf8_in_a_body_a_query_or_a_path_is_a_400_problem() {
    let app = TestApp::spawn().await;
    let token = app.token("tram.anphu").await;
    let mut body = br#"{"facility_id": 1, "full_name": ""#.to_vec();
    body.extend_from_slice(&[0xff, 0xfe, 0xc3]);
    body.extend_from_slice(br#"", "profession": "doctor"}"#);
    assert_problem(
        post_raw(&app, "/api/v1/staff", &token, body).await,
        400,
        "bad_request",
    )
    .await;
    let problem = assert_problem(
        app.get("/api/v1/referrals?q=%FF%FE", &token).await,
        400,
        "bad_request",
    )
    .await;
    assert!(
        problem["detail"].as_str().unwrap().contains("UTF-8"),
        "{problem}"
    );
    assert_problem(
        app.get("/api/v1/referrals/%FF", &token).await,
        400,
        "bad_request",
    )
    .await;
}

#[actix_web::test]
async fn huge_strings_are_refused_with_the_field_named() {
    let app = TestApp::spawn().await;
    let token = app.token("kehoach").await;
    let me = app.get_json("/api/v1/me", &token).await;
    let huge = json!({
        "facility_id": me["facility"]["id"],
        "full_name": "Nguyễn ".repeat(20_000),
        "profession": "doctor",
    });
    let problem = assert_problem(
        app.post("/api/v1/staff", &token, &huge).await,
        422,
        "validation_failed",
    )
    .await;
    assert!(problem["errors"]["full_name"].is_array(), "{problem}");

    // A filter longer than any real one is refused before it reaches a query.
    let long_filter = format!("/api/v1/referrals?q={}", "a".repeat(5_000));
    let problem = assert_problem(app.get(&long_filter, &token).await, 400, "bad_request").await;
    assert!(
        problem["detail"].as_str().unwrap().contains("quá dài"),
        "{problem}"
    );
    // So is one of 40 KB, close to what an HTTP client sends at all.
    let too_long = format!("/api/v1/referrals?q={}", "a".repeat(40_000));
    assert_problem(app.get(&too_long, &token).await, 400, "bad_request").await;
}

#[actix_web::test]
async fn sql_looking_filters_match_nothing_and_change_nothing() {
    let app = TestApp::spawn().await;
    let token = app.token("bacsi").await;
    let all = app.get_json("/api/v1/referrals?limit=200", &token).await;
    let total = all["items"].as_array().unwrap().len();
    assert!(total > 0, "the demo has referrals");
    for text in [
        "' OR '1'='1",
        "' OR 1=1 --",
        "%' OR '%'='",
        "x'; DROP TABLE referrals; --",
        "\" OR \"\"=\"",
        "%",
        "_",
    ] {
        let url = reqwest::Url::parse_with_params(
            &app.url("/api/v1/referrals"),
            &[("q", text), ("limit", "200")],
        )
        .unwrap();
        let found = app
            .client
            .get(url)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(found.status(), 200, "{text}");
        let found: Value = found.json().await.unwrap();
        assert_eq!(
            found["items"].as_array().unwrap().len(),
            0,
            "q={text}: {found}"
        );
    }
    for query in [
        "status=sent' OR '1'='1",
        "facility_id=1 OR 1=1",
        "facility_id=1;DROP TABLE referrals",
        "urgency=urgent%27--",
        "date_from=2026-01-01' OR '1'='1",
    ] {
        assert_problem(
            app.get(&format!("/api/v1/referrals?{query}"), &token).await,
            400,
            "bad_request",
        )
        .await;
    }
    assert_problem(
        app.get("/api/v1/referrals/1%20OR%201=1", &token).await,
        400,
        "bad_request",
    )
    .await;
    // The table is intact.
    let again = app.get_json("/api/v1/referrals?limit=200", &token).await;
    assert_eq!(again["items"].as_array().unwrap().len(), total);
}

#[actix_web::test]
async fn script_tags_in_free_text_are_kept_as_text_and_served_as_json() {
    let app = TestApp::spawn().await;
    let token = app.token("kehoach").await;
    let me = app.get_json("/api/v1/me", &token).await;
    let name = "<script>alert('xss')</script><img src=x onerror=alert(1)>";
    let response = app
        .call(
            Method::POST,
            "/api/v1/staff",
            Some(&token),
            Some(&json!({
                "facility_id": me["facility"]["id"],
                "full_name": name,
                "profession": "nurse",
            })),
            &[],
        )
        .await;
    assert_eq!(response.status(), 201);
    let created: Value = response.json().await.unwrap();
    let read = app
        .get(&format!("/api/v1/staff/{}", created["id"]), &token)
        .await;
    assert_eq!(read.headers()["content-type"], "application/json");
    assert_eq!(read.headers()["x-content-type-options"], "nosniff");
    let read: Value = read.json().await.unwrap();
    assert_eq!(read["full_name"], name, "stored exactly as typed");
}

#[actix_web::test]
async fn wrong_shapes_and_types_are_422_problems_that_name_the_problem() {
    let app = TestApp::spawn().await;
    let token = app.token("tram.anphu").await;
    for body in [
        json!(null),
        json!("a string"),
        json!({"to_facility_id": "five"}),
        json!({"to_facility_id": 1e300}),
        json!({"to_facility_id": -1, "direction": "sideways"}),
    ] {
        let problem = assert_problem(
            app.post("/api/v1/referrals", &token, &body).await,
            422,
            "validation_failed",
        )
        .await;
        assert!(problem["errors"].is_object(), "{body}: {problem}");
    }
    // An id beyond i64 in a path.
    assert_problem(
        app.get("/api/v1/referrals/99999999999999999999999", &token)
            .await,
        400,
        "bad_request",
    )
    .await;
}
