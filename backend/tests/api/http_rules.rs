//! The HTTP rules of the contract as an integrator meets them: body faults of every kind
//! answer `validation_failed` with the field named, an unknown record `invalid_reference`,
//! query bounds as declared, 405 with `Allow`, `If-Match` per RFC 9110, the contract at
//! `/openapi.json`, control characters refused in single-line fields.

use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{TestApp, assert_problem};

/// Sends raw bytes as JSON.
async fn send_raw(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: &str,
) -> reqwest::Response {
    app.client
        .request(method, app.url(path))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .header("accept-language", "en")
        .body(body.to_string())
        .send()
        .await
        .unwrap()
}

fn department(facility_id: i64, name: &str) -> Value {
    json!({"facility_id": facility_id, "code": "KB9", "name": name, "kind": "clinical"})
}

/// The field messages of a problem, by path.
fn field(problem: &Value, path: &str) -> String {
    problem["errors"][path].to_string()
}

#[actix_web::test]
async fn body_faults_of_every_kind_name_their_field() {
    let app = TestApp::spawn().await;
    let token = app.token("admin").await;
    let station = app.facility_id(&token, "74-TYT-ANPHU").await;
    let post = |body: String| {
        let (app, token) = (&app, &token);
        async move { send_raw(app, Method::POST, "/api/v1/departments", token, &body).await }
    };

    // Missing field.
    let problem = assert_problem(
        post(json!({"facility_id": station, "code": "KB9", "kind": "clinical"}).to_string()).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(field(&problem, "name"), r#"["Required"]"#, "{problem}");

    // Wrong type: `min_on_site` maps professions to numbers.
    let mut body = department(station, "Khám");
    body["min_on_site"] = json!({"nurse": "two"});
    let problem = assert_problem(post(body.to_string()).await, 422, "validation_failed").await;
    assert!(
        field(&problem, "min_on_site").contains("expected a number"),
        "{problem}"
    );

    // Unknown enum value: the allowed ones are listed.
    let mut body = department(station, "Khám");
    body["kind"] = json!("surgery");
    let problem = assert_problem(post(body.to_string()).await, 422, "validation_failed").await;
    assert!(
        field(&problem, "kind").contains("clinical, paraclinical, functional"),
        "{problem}"
    );

    // Malformed JSON cannot be read: 400, saying where, not in serde's words.
    let problem = assert_problem(
        post(r#"{"facility_id": 1,"#.to_string()).await,
        400,
        "bad_request",
    )
    .await;
    assert!(
        field(&problem, "__all__").contains("Malformed JSON (line 1"),
        "{problem}"
    );
    assert!(
        !problem.to_string().contains("EOF while parsing"),
        "{problem}"
    );

    // A record that does not exist: 422 with the field.
    let problem = assert_problem(
        post(department(999_999, "Khám").to_string()).await,
        422,
        "invalid_reference",
    )
    .await;
    assert_eq!(field(&problem, "facility_id"), r#"["No such facility"]"#);

    // The documented depth limit holds inside a field the operation ignores.
    let mut deep = department(station, "Khám").to_string();
    deep.pop();
    deep.push_str(&format!(
        r#","ignored": {}1{}}}"#,
        "[".repeat(200),
        "]".repeat(200)
    ));
    let problem = assert_problem(post(deep).await, 422, "validation_failed").await;
    assert!(field(&problem, "__all__").contains("128"), "{problem}");

    // A line break in a name is refused with a localised message.
    let problem = assert_problem(
        post(department(station, "Khám\r\nbệnh").to_string()).await,
        422,
        "validation_failed",
    )
    .await;
    assert!(
        field(&problem, "name").contains("control characters"),
        "{problem}"
    );
}

#[actix_web::test]
async fn query_bounds_are_the_declared_ones() {
    let app = TestApp::spawn().await;
    let token = app.token("admin").await;
    for (query, name) in [
        ("limit=0", "limit"),
        ("limit=-3", "limit"),
        ("limit=201", "limit"),
        ("cursor=", "cursor"),
        ("cursor=abc", "cursor"),
    ] {
        let problem = assert_problem(
            app.get(&format!("/api/v1/referrals?{query}"), &token).await,
            422,
            "validation_failed",
        )
        .await;
        assert!(problem["errors"][name].is_array(), "{query}: {problem}");
    }
    let page = app.get_json("/api/v1/referrals?limit=1", &token).await;
    assert_eq!(page["items"].as_array().map(Vec::len), Some(1));
    assert_problem(
        app.get("/api/v1/referral-destinations?limit=51", &token)
            .await,
        422,
        "validation_failed",
    )
    .await;
    // Parser internals stay out of the answer.
    let problem = assert_problem(
        app.get("/api/v1/referrals/abc", &token).await,
        400,
        "bad_request",
    )
    .await;
    assert!(!problem.to_string().contains("deserialize"), "{problem}");
}

#[actix_web::test]
async fn a_method_a_path_does_not_answer_is_405_with_allow() {
    let app = TestApp::spawn().await;
    let token = app.token("admin").await;
    let answer = app
        .call(Method::DELETE, "/api/v1/referrals", Some(&token), None, &[])
        .await;
    assert_eq!(
        answer.headers()["allow"].to_str().ok(),
        Some("GET, POST"),
        "{:?}",
        answer.headers()
    );
    assert_problem(answer, 405, "method_not_allowed").await;
    let answer = app
        .call(
            Method::PATCH,
            "/api/v1/departments/1",
            Some(&token),
            None,
            &[],
        )
        .await;
    assert_eq!(answer.headers()["allow"].to_str().ok(), Some("GET, PUT"));
    assert_problem(answer, 405, "method_not_allowed").await;
    // A path that does not exist stays 404.
    assert_problem(
        app.call(
            Method::DELETE,
            "/api/v1/nothing-here",
            Some(&token),
            None,
            &[],
        )
        .await,
        404,
        "not_found",
    )
    .await;
}

#[actix_web::test]
async fn if_match_follows_rfc_9110() {
    let app = TestApp::spawn().await;
    let token = app.token("admin").await;
    let station = app.facility_id(&token, "74-TYT-ANPHU").await;
    let created = app
        .post("/api/v1/departments", &token, &department(station, "Khám"))
        .await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    let path = format!("/api/v1/departments/{}", created["id"]);
    let put = |if_match: &'static str, name: &'static str| {
        let (app, token, path) = (&app, &token, &path);
        async move {
            app.call(
                Method::PUT,
                path,
                Some(token),
                Some(&department(station, name)),
                &[("If-Match", if_match)],
            )
            .await
        }
    };
    // A weak tag never matches, even the current version's.
    assert_problem(put(r#"W/"1""#, "A").await, 412, "precondition_failed").await;
    // `*` matches whatever the current version is.
    let answer = put("*", "B").await;
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.headers()["etag"], r#""2""#);
    // A list matches when one of its tags does.
    assert_eq!(put(r#""1", "2""#, "C").await.status(), 200);
    assert_problem(put(r#""1", "2""#, "D").await, 412, "precondition_failed").await;
    // A value that is not an entity tag matches no version either; the detail says why.
    let problem = assert_problem(put("yes", "E").await, 412, "precondition_failed").await;
    assert!(
        problem["detail"]
            .as_str()
            .is_some_and(|d| d.contains("ETag")),
        "{problem}"
    );
    // `*` on a record that does not exist: still the 404 of the record.
    let answer = app
        .call(
            Method::PUT,
            "/api/v1/departments/999999",
            Some(&token),
            Some(&department(station, "F")),
            &[("If-Match", "*")],
        )
        .await;
    assert_problem(answer, 404, "not_found").await;
}

#[actix_web::test]
async fn the_contract_is_served_at_openapi_json_too() {
    let app = TestApp::spawn().await;
    for path in ["/openapi.json", "/api/v1/openapi.json"] {
        let answer = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(answer.status(), 200, "{path}");
        let document: Value = answer.json().await.unwrap();
        assert_eq!(document["info"]["title"], "Tuyến API", "{path}");
        assert!(!document.to_string().contains("[`"), "{path}");
    }
}

#[actix_web::test]
async fn api_clients_answer_a_page() {
    let app = TestApp::spawn().await;
    let token = app.token("admin").await;
    let page = app.get_json("/api/v1/api-clients?limit=1", &token).await;
    assert!(page["items"].is_array(), "{page}");
    assert_problem(
        app.get("/api/v1/api-clients?limit=0", &token).await,
        422,
        "validation_failed",
    )
    .await;
}
