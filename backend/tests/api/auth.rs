//! Sign-in, tokens, throttling and integration clients.

use serde_json::{Value, json};
use shared::auth::{ApiScope, NewApiClient, Role, TokenPair};
use shared::registry::{NewUser, UserUpdate};
use testkit::{Answer, Client};

use crate::support::{PASSWORD, TestApp};

/// Signs in as `username` and returns the whole token pair (failing on anything but 200).
async fn tokens(app: &TestApp, username: &str) -> TokenPair {
    app.api.login(username, PASSWORD).await.ok()
}

/// The client of whoever holds `token`, however it was made.
fn bearer(app: &TestApp, token: &str) -> Client {
    app.api.as_user(token)
}

/// The `Retry-After` of a throttled login, in seconds.
fn retry_after<T>(answer: &Answer<T>) -> u64 {
    answer.header("retry-after").unwrap().parse().unwrap()
}

#[actix_web::test]
async fn planner_signs_in_and_sees_own_profile_and_facility() {
    let app = TestApp::spawn().await;
    let tokens = tokens(&app, "kehoach").await;
    assert_eq!(tokens.token_type, "Bearer");
    assert!(tokens.expires_in > 0);
    assert!(!tokens.refresh_token.is_empty());

    let me = bearer(&app, &tokens.access_token).me().await.ok();
    assert_eq!(me.username, "kehoach");
    assert_eq!(me.role, Role::Planner);
    assert_eq!(me.facility.code, "74-TTYTTA");
    assert_eq!(me.facility.name, "Trung tâm Y tế khu vực Thuận An");
}

#[actix_web::test]
async fn usernames_are_matched_without_regard_to_case_or_spaces() {
    let app = TestApp::spawn().await;
    assert_eq!(app.api.login("  KeHoach ", PASSWORD).await.code(), 200);
}

#[actix_web::test]
async fn missing_malformed_or_forged_tokens_get_401_problem() {
    let app = TestApp::spawn().await;
    let answer = app.api.me().await;
    assert!(answer.headers.contains_key("www-authenticate"));
    answer.assert_problem(401, "unauthorized");

    bearer(&app, "not-a-jwt")
        .staff()
        .list("")
        .await
        .assert_problem(401, "unauthorized");

    // A token signed with another secret.
    let token = app.token("kehoach").await;
    let (head_payload, _) = token.rsplit_once('.').unwrap();
    let forged = format!("{head_payload}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    bearer(&app, &forged)
        .me()
        .await
        .assert_problem(401, "unauthorized");
}

#[actix_web::test]
async fn wrong_password_is_401_and_unknown_user_looks_the_same() {
    let app = TestApp::spawn().await;
    let wrong = app
        .api
        .login("kehoach", "wrong-password1")
        .await
        .assert_problem(401, "invalid_credentials");
    let unknown = app
        .api
        .login("nobody", "wrong-password1")
        .await
        .assert_problem(401, "invalid_credentials");
    assert_eq!(wrong["title"], unknown["title"]);
    assert_eq!(wrong.get("detail"), unknown.get("detail"));
}

#[actix_web::test]
async fn five_failed_logins_hold_the_account_back_at_that_address() {
    let app = TestApp::spawn().await;
    for _ in 0..4 {
        app.api
            .login("bacsi", "wrong-password1")
            .await
            .assert_problem(401, "invalid_credentials");
    }
    // A minute at first, doubling with each further failure up to 15 (sign_in_abuse.rs).
    let fifth = app.api.login("bacsi", "wrong-password1").await;
    assert_eq!(retry_after(&fifth), 60);
    fifth.assert_problem(429, "too_many_requests");

    // Even the right password is refused while locked, with the time left.
    let locked = app.api.login("bacsi", PASSWORD).await;
    let retry = retry_after(&locked);
    assert!(retry > 0 && retry <= 60);
    locked.assert_problem(429, "too_many_requests");

    // Other accounts are not affected.
    assert_eq!(app.api.login("kehoach", PASSWORD).await.code(), 200);
    // The lock is audited.
    let admin = app.user("admin").await;
    let events = admin
        .audit_events("entity=user&action=locked")
        .await
        .ok()
        .items;
    assert_eq!(events.len(), 1, "{events:?}");
}

#[actix_web::test]
async fn refresh_rotates_and_reusing_an_old_refresh_token_revokes_the_family() {
    let app = TestApp::spawn().await;
    let first = tokens(&app, "dieuduong").await;
    let second = app.api.refresh(&first.refresh_token).await.ok();
    assert_ne!(second.refresh_token, first.refresh_token);
    bearer(&app, &second.access_token).me().await.ok();

    // The first token was used: presenting it again is refused and burns the family,
    // so the second (possibly stolen-and-rotated) token stops working too.
    app.api
        .refresh(&first.refresh_token)
        .await
        .assert_problem(401, "unauthorized");
    app.api
        .refresh(&second.refresh_token)
        .await
        .assert_problem(401, "unauthorized");
}

#[actix_web::test]
async fn logout_revokes_the_refresh_token() {
    let app = TestApp::spawn().await;
    let tokens = tokens(&app, "giamdoc").await;
    assert_eq!(app.api.logout(&tokens.refresh_token).await.code(), 204);
    app.api
        .refresh(&tokens.refresh_token)
        .await
        .assert_problem(401, "unauthorized");
}

#[actix_web::test]
async fn api_tokens_are_shown_once_scoped_and_revocable() {
    let app = TestApp::spawn().await;
    let admin = app.user("admin").await;
    let hospital = admin.facility_id("79-BVNHI1").await;
    let new_client = new_api_client("HIS Nhi Đồng 1", hospital, &[ApiScope::RegistryRead]);
    let created = admin.api_clients().create(&new_client).await.created();
    let token = created.token;
    assert!(token.starts_with("tyn_"));

    // Listed without the secret: nowhere in the answer's text, whatever its shape.
    let listed = admin.api_clients().list("").await;
    assert!(
        listed
            .body()
            .items
            .iter()
            .any(|c| c.name == "HIS Nhi Đồng 1")
    );
    assert!(!listed.text.contains(&token));

    // Reads the registry; may not manage users or read staff of other facilities.
    let integration = bearer(&app, &token);
    assert_eq!(integration.facilities().list("").await.code(), 200);
    integration
        .users()
        .list("")
        .await
        .assert_problem(403, "forbidden");
    let centre = admin.facility_id("74-TTYTTA").await;
    integration
        .staff()
        .list(&format!("facility_id={centre}"))
        .await
        .assert_problem(403, "forbidden");

    // Revoked: refused at once.
    let revoked = admin.api_clients().delete(created.client.id).await;
    assert_eq!(revoked.code(), 204, "{}", revoked.text);
    integration
        .facilities()
        .list("")
        .await
        .assert_problem(401, "unauthorized");
}

/// An integration client of `facility_id` holding `scopes`.
pub(crate) fn new_api_client(name: &str, facility_id: i64, scopes: &[ApiScope]) -> NewApiClient {
    NewApiClient {
        name: name.to_string(),
        facility_id,
        scopes: scopes.to_vec(),
    }
}

/// A new clinician account at `facility_id`.
pub(crate) fn new_user(
    username: &str,
    full_name: &str,
    facility_id: i64,
    password: &str,
) -> NewUser {
    NewUser {
        username: username.to_string(),
        password: password.to_string(),
        full_name: full_name.to_string(),
        role: Role::Clinician,
        facility_id,
        staff_id: None,
    }
}

#[actix_web::test]
async fn only_admins_create_api_clients_and_users() {
    let app = TestApp::spawn().await;
    let director = app.user("giamdoc").await;
    let centre = director.facility_id("74-TTYTTA").await;
    let new_client = new_api_client("x", centre, &[ApiScope::RegistryRead]);
    director
        .api_clients()
        .create(&new_client)
        .await
        .assert_problem(403, "forbidden");
    director
        .users()
        .create(&new_user("moi", "Người Mới", centre, "matkhau12345"))
        .await
        .assert_problem(403, "forbidden");
}

#[actix_web::test]
async fn a_deactivated_user_loses_access_at_once() {
    let app = TestApp::spawn().await;
    let admin = app.user("admin").await;
    let clinician = app.user("bacsi").await;
    let users = admin.users().list("q=bacsi").await.ok();
    let user = users.items.iter().find(|u| u.username == "bacsi").unwrap();
    let body = UserUpdate {
        full_name: user.full_name.clone(),
        role: user.role,
        facility_id: user.facility_id,
        staff_id: user.staff_id,
        active: false,
    };
    let etag = format!("\"{}\"", user.version);
    let updated = admin.users().update_from(user.id, &body, Some(&etag)).await;
    assert!(!updated.ok().active);

    // The still-valid access token is refused: the user is loaded on every request.
    clinician.me().await.assert_problem(401, "unauthorized");
    app.api
        .login("bacsi", PASSWORD)
        .await
        .assert_problem(403, "account_disabled");
}

#[actix_web::test]
async fn admin_creates_a_user_who_can_sign_in_with_a_strong_password_only() {
    let app = TestApp::spawn().await;
    let admin = app.user("admin").await;
    let station = admin.facility_id("74-TYT-ANPHU").await;
    let body = admin
        .users()
        .create(&new_user("yta.anphu", "Lê Thị Hoa", station, "short"))
        .await
        .assert_problem(422, "validation_failed");
    assert!(body["errors"]["password"].is_array(), "{body}");

    let created = admin
        .users()
        .create(&new_user(
            "yta.anphu",
            "Lê Thị Hoa",
            station,
            "anphu2026abc",
        ))
        .await;
    assert_eq!(created.code(), 201, "{}", created.text);
    // The wire shape itself: no hash under any name the `User` type would drop.
    assert!(created.json().get("password_hash").is_none());
    assert_eq!(created.body().username, "yta.anphu");
    assert_eq!(app.api.login("yta.anphu", "anphu2026abc").await.code(), 200);

    // The same username again is a field error, not a 500.
    let again = admin
        .users()
        .create(&new_user("yta.anphu", "Khác", station, "anphu2026abc"))
        .await;
    assert_eq!(again.code() / 100, 4);
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

/// `GET /me` with a token the server must refuse: the problem it answers.
async fn me_refused(app: &TestApp, token: &str) -> Value {
    bearer(app, token)
        .me()
        .await
        .assert_problem(401, "unauthorized")
}

/// `GET /users` (admins only) with a token the server must refuse.
async fn users_refused(app: &TestApp, token: &str) -> Value {
    bearer(app, token)
        .users()
        .list("")
        .await
        .assert_problem(401, "unauthorized")
}

#[actix_web::test]
async fn expired_tampered_unsigned_and_foreign_tokens_are_refused() {
    let app = TestApp::spawn().await;
    let real = app.token("tram.anphu").await;
    let sub = bearer(&app, &real).me().await.ok().id.to_string();
    let admin_id = app.user("admin").await.me().await.ok().id.to_string();
    let keys = tuyen::auth::jwt::Keys::new(b"test-secret-of-at-least-32-bytes-long");
    // The test secret signs a token the server accepts: the refusals below are the
    // claims, the algorithm or the key, not the harness.
    let fresh = keys.sign(&claims_for(&sub, "station_head", 600)).unwrap();
    assert_eq!(bearer(&app, &fresh).me().await.code(), 200);

    let expired = keys.sign(&claims_for(&sub, "station_head", -120)).unwrap();
    let body = me_refused(&app, &expired).await;
    assert_eq!(body["detail"], "Phiên đăng nhập đã hết hạn");

    // The station head's own token with the subject changed to the admin's: the
    // signature no longer matches. (The payload is the token's own JSON, raw.)
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
    users_refused(&app, &tampered).await;

    // `alg: none` with no signature, with and without the trailing dot.
    let header = b64(br#"{"alg":"none","typ":"JWT"}"#);
    let unsigned_payload = b64(serde_json::to_string(&claims_for(&admin_id, "admin", 600))
        .unwrap()
        .as_bytes());
    for unsigned in [
        format!("{header}.{unsigned_payload}."),
        format!("{header}.{unsigned_payload}"),
    ] {
        users_refused(&app, &unsigned).await;
    }

    // Well-formed tokens signed with another secret, or with the right secret under
    // another algorithm, are refused.
    let foreign = tuyen::auth::jwt::Keys::new(b"another-secret-of-at-least-32-bytes!!")
        .sign(&claims_for(&admin_id, "admin", 600))
        .unwrap();
    users_refused(&app, &foreign).await;
    let hs512 = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS512),
        &claims_for(&admin_id, "admin", 600),
        &jsonwebtoken::EncodingKey::from_secret(b"test-secret-of-at-least-32-bytes-long"),
    )
    .unwrap();
    users_refused(&app, &hs512).await;

    // A signed token for a user that does not exist.
    let ghost = keys.sign(&claims_for("999999", "admin", 600)).unwrap();
    me_refused(&app, &ghost).await;

    // None of it touched the real session.
    assert_eq!(bearer(&app, &real).me().await.code(), 200);
}

#[actix_web::test]
async fn a_refresh_token_is_not_an_access_token_and_garbage_refreshes_are_refused() {
    let app = TestApp::spawn().await;
    let tokens = tokens(&app, "kehoach").await;
    bearer(&app, &tokens.refresh_token)
        .me()
        .await
        .assert_problem(401, "unauthorized");
    app.api
        .refresh(&tokens.access_token)
        .await
        .assert_problem(401, "unauthorized");
    // Refresh tokens no `RefreshRequest` can hold (a number, null): raw JSON on purpose.
    for garbage in [json!(""), json!("x".repeat(300)), json!(42), json!(null)] {
        let body = json!({ "refresh_token": garbage });
        let status = app.api.refresh_with(&body).await.code();
        assert!(matches!(status, 400 | 401 | 422), "{garbage}: {status}");
    }
    // The real refresh token still works after all that.
    assert_eq!(app.api.refresh(&tokens.refresh_token).await.code(), 200);
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
        let status = app.api.login(spelling, "wrong-password1").await.code();
        assert!(matches!(status, 401 | 429), "{spelling}: {status}");
    }
    app.api
        .login("truongkhoa", PASSWORD)
        .await
        .assert_problem(429, "too_many_requests");
}
