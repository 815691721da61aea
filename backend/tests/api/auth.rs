//! Sign-in, tokens, throttling and integration clients.

use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{PASSWORD, TestApp, assert_problem};

#[actix_web::test]
async fn planner_signs_in_and_sees_own_profile_and_facility() {
    let app = TestApp::spawn().await;
    let response = app.login("kehoach", PASSWORD).await;
    assert_eq!(response.status(), 200);
    let tokens: Value = response.json().await.unwrap();
    assert_eq!(tokens["token_type"], "Bearer");
    assert!(tokens["expires_in"].as_i64().unwrap() > 0);
    assert!(!tokens["refresh_token"].as_str().unwrap().is_empty());

    let me = app
        .get_json("/api/v1/me", tokens["access_token"].as_str().unwrap())
        .await;
    assert_eq!(me["username"], "kehoach");
    assert_eq!(me["role"], "planner");
    assert_eq!(me["facility"]["code"], "74-TTYTTA");
    assert_eq!(me["facility"]["name"], "Trung tâm Y tế khu vực Thuận An");
}

#[actix_web::test]
async fn usernames_are_matched_without_regard_to_case_or_spaces() {
    let app = TestApp::spawn().await;
    let response = app.login("  KeHoach ", PASSWORD).await;
    assert_eq!(response.status(), 200);
}

#[actix_web::test]
async fn missing_malformed_or_forged_tokens_get_401_problem() {
    let app = TestApp::spawn().await;
    let response = app.call(Method::GET, "/api/v1/me", None, None, &[]).await;
    assert!(response.headers().contains_key("www-authenticate"));
    assert_problem(response, 401, "unauthorized").await;

    let response = app.get("/api/v1/staff", "not-a-jwt").await;
    assert_problem(response, 401, "unauthorized").await;

    // A token signed with another secret.
    let token = app.token("kehoach").await;
    let (head_payload, _) = token.rsplit_once('.').unwrap();
    let forged = format!("{head_payload}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    let response = app.get("/api/v1/me", &forged).await;
    assert_problem(response, 401, "unauthorized").await;
}

#[actix_web::test]
async fn wrong_password_is_401_and_unknown_user_looks_the_same() {
    let app = TestApp::spawn().await;
    let wrong = assert_problem(
        app.login("kehoach", "wrong-password1").await,
        401,
        "invalid_credentials",
    )
    .await;
    let unknown = assert_problem(
        app.login("nobody", "wrong-password1").await,
        401,
        "invalid_credentials",
    )
    .await;
    assert_eq!(wrong["title"], unknown["title"]);
    assert_eq!(wrong.get("detail"), unknown.get("detail"));
}

#[actix_web::test]
async fn five_failed_logins_lock_the_account_for_fifteen_minutes() {
    let app = TestApp::spawn().await;
    for _ in 0..4 {
        assert_problem(
            app.login("bacsi", "wrong-password1").await,
            401,
            "invalid_credentials",
        )
        .await;
    }
    let fifth = app.login("bacsi", "wrong-password1").await;
    let retry: u64 = fifth.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(retry, 15 * 60);
    assert_problem(fifth, 429, "too_many_requests").await;

    // Even the right password is refused while locked, with the time left.
    let locked = app.login("bacsi", PASSWORD).await;
    let retry: u64 = locked.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry > 0 && retry <= 15 * 60);
    assert_problem(locked, 429, "too_many_requests").await;

    // Other accounts are not affected.
    assert_eq!(app.login("kehoach", PASSWORD).await.status(), 200);
    // The lock is audited.
    let admin = app.token("admin").await;
    let events = app
        .get_json("/api/v1/audit-events?entity=user&action=locked", &admin)
        .await;
    assert_eq!(events["items"].as_array().unwrap().len(), 1, "{events}");
}

async fn refresh(app: &TestApp, token: &Value) -> reqwest::Response {
    let body = json!({ "refresh_token": token });
    app.call(Method::POST, "/api/v1/auth/refresh", None, Some(&body), &[])
        .await
}

#[actix_web::test]
async fn refresh_rotates_and_reusing_an_old_refresh_token_revokes_the_family() {
    let app = TestApp::spawn().await;
    let first: Value = app.login("dieuduong", PASSWORD).await.json().await.unwrap();
    let response = refresh(&app, &first["refresh_token"]).await;
    assert_eq!(response.status(), 200);
    let second: Value = response.json().await.unwrap();
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    app.get_json("/api/v1/me", second["access_token"].as_str().unwrap())
        .await;

    // The first token was used: presenting it again is refused and burns the family,
    // so the second (possibly stolen-and-rotated) token stops working too.
    assert_problem(
        refresh(&app, &first["refresh_token"]).await,
        401,
        "unauthorized",
    )
    .await;
    assert_problem(
        refresh(&app, &second["refresh_token"]).await,
        401,
        "unauthorized",
    )
    .await;
}

#[actix_web::test]
async fn logout_revokes_the_refresh_token() {
    let app = TestApp::spawn().await;
    let tokens: Value = app.login("giamdoc", PASSWORD).await.json().await.unwrap();
    let body = json!({ "refresh_token": tokens["refresh_token"] });
    let response = app
        .call(Method::POST, "/api/v1/auth/logout", None, Some(&body), &[])
        .await;
    assert_eq!(response.status(), 204);
    let response = app
        .call(Method::POST, "/api/v1/auth/refresh", None, Some(&body), &[])
        .await;
    assert_problem(response, 401, "unauthorized").await;
}

#[actix_web::test]
async fn api_tokens_are_shown_once_scoped_and_revocable() {
    let app = TestApp::spawn().await;
    let admin = app.token("admin").await;
    let hospital = app.facility_id(&admin, "79-BVNHI1").await;
    let response = app
        .post(
            "/api/v1/api-clients",
            &admin,
            &json!({ "name": "HIS Nhi Đồng 1", "facility_id": hospital, "scopes": ["registry_read"] }),
        )
        .await;
    assert_eq!(response.status(), 201);
    let created: Value = response.json().await.unwrap();
    let token = created["token"].as_str().unwrap().to_string();
    assert!(token.starts_with("tyn_"));

    // Listed without the secret.
    let listed = app
        .call(Method::GET, "/api/v1/api-clients", Some(&admin), None, &[])
        .await
        .text()
        .await
        .unwrap();
    assert!(listed.contains("HIS Nhi Đồng 1"));
    assert!(!listed.contains(&token));

    // Reads the registry; may not manage users or read staff of other facilities.
    let facilities = app.get("/api/v1/facilities", &token).await;
    assert_eq!(facilities.status(), 200);
    assert_problem(app.get("/api/v1/users", &token).await, 403, "forbidden").await;
    let centre = app.facility_id(&admin, "74-TTYTTA").await;
    assert_problem(
        app.get(&format!("/api/v1/staff?facility_id={centre}"), &token)
            .await,
        403,
        "forbidden",
    )
    .await;

    // Revoked: refused at once.
    let id = created["client"]["id"].as_i64().unwrap();
    let response = app
        .call(
            Method::DELETE,
            &format!("/api/v1/api-clients/{id}"),
            Some(&admin),
            None,
            &[],
        )
        .await;
    assert_eq!(response.status(), 204);
    assert_problem(
        app.get("/api/v1/facilities", &token).await,
        401,
        "unauthorized",
    )
    .await;
}

#[actix_web::test]
async fn only_admins_create_api_clients_and_users() {
    let app = TestApp::spawn().await;
    let director = app.token("giamdoc").await;
    let centre = app.facility_id(&director, "74-TTYTTA").await;
    let response = app
        .post(
            "/api/v1/api-clients",
            &director,
            &json!({ "name": "x", "facility_id": centre, "scopes": ["registry_read"] }),
        )
        .await;
    assert_problem(response, 403, "forbidden").await;
    let response = app
        .post(
            "/api/v1/users",
            &director,
            &json!({ "username": "moi", "full_name": "Người Mới", "role": "clinician",
                     "facility_id": centre, "password": "matkhau12345" }),
        )
        .await;
    assert_problem(response, 403, "forbidden").await;
}

#[actix_web::test]
async fn a_deactivated_user_loses_access_at_once() {
    let app = TestApp::spawn().await;
    let admin = app.token("admin").await;
    let clinician = app.token("bacsi").await;
    let users = app.get_json("/api/v1/users?q=bacsi", &admin).await;
    let user = users["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "bacsi")
        .unwrap()
        .clone();
    let id = user["id"].as_i64().unwrap();
    let version = user["version"].to_string();
    let body = json!({
        "full_name": user["full_name"], "role": user["role"], "facility_id": user["facility_id"],
        "staff_id": user["staff_id"], "active": false,
    });
    let response = app
        .call(
            Method::PUT,
            &format!("/api/v1/users/{id}"),
            Some(&admin),
            Some(&body),
            &[("If-Match", &format!("\"{}\"", version.trim_matches('"')))],
        )
        .await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());

    // The still-valid access token is refused: the user is loaded on every request.
    assert_problem(app.get("/api/v1/me", &clinician).await, 401, "unauthorized").await;
    assert_problem(app.login("bacsi", PASSWORD).await, 403, "account_disabled").await;
}

#[actix_web::test]
async fn admin_creates_a_user_who_can_sign_in_with_a_strong_password_only() {
    let app = TestApp::spawn().await;
    let admin = app.token("admin").await;
    let station = app.facility_id(&admin, "74-TYT-ANPHU").await;
    let weak = app
        .post(
            "/api/v1/users",
            &admin,
            &json!({ "username": "yta.anphu", "full_name": "Lê Thị Hoa", "role": "clinician",
                     "facility_id": station, "password": "short" }),
        )
        .await;
    let body = assert_problem(weak, 400, "validation_failed").await;
    assert!(body["errors"]["password"].is_array(), "{body}");

    let response = app
        .post(
            "/api/v1/users",
            &admin,
            &json!({ "username": "yta.anphu", "full_name": "Lê Thị Hoa", "role": "clinician",
                     "facility_id": station, "password": "anphu2026abc" }),
        )
        .await;
    assert_eq!(response.status(), 201);
    let created: Value = response.json().await.unwrap();
    assert!(created.get("password_hash").is_none());
    assert_eq!(app.login("yta.anphu", "anphu2026abc").await.status(), 200);

    // The same username again is a field error, not a 500.
    let again = app
        .post(
            "/api/v1/users",
            &admin,
            &json!({ "username": "yta.anphu", "full_name": "Khác", "role": "clinician",
                     "facility_id": station, "password": "anphu2026abc" }),
        )
        .await;
    assert_eq!(again.status().as_u16() / 100, 4);
}

/// Claims for `sub` as the server would issue them, valid for `ttl_secs` from now
/// (negative: expired that long ago).
fn claims_for(sub: &str, role: &str, ttl_secs: i64) -> tuyen::auth::jwt::Claims {
    let now = chrono::Utc::now().timestamp();
    tuyen::auth::jwt::Claims {
        sub: sub.to_string(),
        role: role.to_string(),
        fac: 1,
        iat: now - ttl_secs.abs(),
        exp: now + ttl_secs,
    }
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn unb64(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .unwrap()
}

#[actix_web::test]
async fn expired_tampered_unsigned_and_foreign_tokens_are_refused() {
    let app = TestApp::spawn().await;
    let real = app.token("tram.anphu").await;
    let me = app.get_json("/api/v1/me", &real).await;
    let sub = me["id"].as_i64().unwrap().to_string();
    let admin_id = app.get_json("/api/v1/me", &app.token("admin").await).await["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let keys = tuyen::auth::jwt::Keys::new(b"test-secret-of-at-least-32-bytes-long");

    // The test secret signs a token the server accepts: the refusals below are the
    // claims, the algorithm or the key, not the harness.
    let fresh = keys.sign(&claims_for(&sub, "station_head", 600)).unwrap();
    assert_eq!(app.get("/api/v1/me", &fresh).await.status(), 200);

    let expired = keys.sign(&claims_for(&sub, "station_head", -120)).unwrap();
    let body = assert_problem(app.get("/api/v1/me", &expired).await, 401, "unauthorized").await;
    assert_eq!(body["detail"], "Phiên đăng nhập đã hết hạn");

    // The station head's own token with the subject changed to the admin's: the
    // signature no longer matches.
    let parts: Vec<&str> = real.split('.').collect();
    let mut payload: Value = serde_json::from_slice(&unb64(parts[1])).unwrap();
    payload["sub"] = json!(admin_id);
    payload["role"] = json!("admin");
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        b64(payload.to_string().as_bytes()),
        parts[2]
    );
    assert_problem(
        app.get("/api/v1/users", &tampered).await,
        401,
        "unauthorized",
    )
    .await;

    // `alg: none` with no signature, with and without the trailing dot.
    let header = b64(br#"{"alg":"none","typ":"JWT"}"#);
    let unsigned_payload = b64(serde_json::to_string(&claims_for(&admin_id, "admin", 600))
        .unwrap()
        .as_bytes());
    for unsigned in [
        format!("{header}.{unsigned_payload}."),
        format!("{header}.{unsigned_payload}"),
    ] {
        assert_problem(
            app.get("/api/v1/users", &unsigned).await,
            401,
            "unauthorized",
        )
        .await;
    }

    // Well-formed tokens signed with another secret, or with the right secret under
    // another algorithm, are refused.
    let foreign = tuyen::auth::jwt::Keys::new(b"another-secret-of-at-least-32-bytes!!")
        .sign(&claims_for(&admin_id, "admin", 600))
        .unwrap();
    assert_problem(
        app.get("/api/v1/users", &foreign).await,
        401,
        "unauthorized",
    )
    .await;
    let hs512 = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS512),
        &claims_for(&admin_id, "admin", 600),
        &jsonwebtoken::EncodingKey::from_secret(b"test-secret-of-at-least-32-bytes-long"),
    )
    .unwrap();
    assert_problem(app.get("/api/v1/users", &hs512).await, 401, "unauthorized").await;

    // A signed token for a user that does not exist.
    let ghost = keys.sign(&claims_for("999999", "admin", 600)).unwrap();
    assert_problem(app.get("/api/v1/me", &ghost).await, 401, "unauthorized").await;

    // None of it touched the real session.
    assert_eq!(app.get("/api/v1/me", &real).await.status(), 200);
}

#[actix_web::test]
async fn a_refresh_token_is_not_an_access_token_and_garbage_refreshes_are_refused() {
    let app = TestApp::spawn().await;
    let tokens: Value = app.login("kehoach", PASSWORD).await.json().await.unwrap();
    let refresh_token = tokens["refresh_token"].as_str().unwrap();
    assert_problem(
        app.get("/api/v1/me", refresh_token).await,
        401,
        "unauthorized",
    )
    .await;
    let access_token = &tokens["access_token"];
    assert_problem(refresh(&app, access_token).await, 401, "unauthorized").await;
    for garbage in [json!(""), json!("x".repeat(300)), json!(42), json!(null)] {
        let status = refresh(&app, &garbage).await.status().as_u16();
        assert!(matches!(status, 400 | 401 | 422), "{garbage}: {status}");
    }
    // The real refresh token still works after all that.
    assert_eq!(refresh(&app, &tokens["refresh_token"]).await.status(), 200);
}

#[actix_web::test]
async fn failed_logins_are_throttled_per_account_even_with_other_spellings() {
    let app = TestApp::spawn().await;
    for spelling in [
        "truongkhoa",
        "TRUONGKHOA",
        " truongkhoa",
        "TruongKhoa ",
        "truongkhoa",
    ] {
        let status = app
            .login(spelling, "wrong-password1")
            .await
            .status()
            .as_u16();
        assert!(matches!(status, 401 | 429), "{spelling}: {status}");
    }
    assert_problem(
        app.login("truongkhoa", PASSWORD).await,
        429,
        "too_many_requests",
    )
    .await;
}
