//! Sign-in under abuse: holds per account and address, unknown usernames answered like
//! known ones, failures counted atomically under parallel guesses (run this file with
//! `TUYEN_TEST_PG_URL` for PostgreSQL), the rate limits and the trusted-proxy rule.

use reqwest::Method;
use serde_json::{Value, json};
use testkit::Answer;

use crate::support::{PASSWORD, TestApp};

const WRONG: &str = "wrong-password1";

/// A sign-in from `address` (sent as `X-Forwarded-For`, which only a trusted proxy's
/// connection makes count).
async fn login_from(app: &TestApp, address: &str, username: &str, password: &str) -> Answer<Value> {
    let request = app
        .api
        .anonymous()
        .request(Method::POST, "/api/v1/auth/login")
        .header("x-forwarded-for", address)
        .json(&json!({ "username": username, "password": password }));
    app.api.send(request).await
}

fn retry_after(answer: &Answer<Value>) -> u64 {
    answer
        .header("retry-after")
        .and_then(|value| value.parse().ok())
        .unwrap_or(0)
}

/// The parts of a problem that must not tell a known username from an unknown one.
fn comparable(answer: &Answer<Value>) -> Value {
    let body = answer.json();
    json!({
        "status": answer.code(),
        "held": answer.header("retry-after").is_some(),
        "type": body["type"],
        "code": body["code"],
        "title": body["title"],
        "detail": body.get("detail"),
        "errors": body.get("errors"),
    })
}

#[actix_web::test]
async fn an_unknown_username_is_answered_exactly_like_a_known_one() {
    let app = TestApp::spawn().await;
    for attempt in 1..=6 {
        let known = app.api.login("bacsi", WRONG).await.cast::<Value>();
        let unknown = app.api.login("khong.co.ai", WRONG).await.cast::<Value>();
        let expected = if attempt < 5 { 401 } else { 429 };
        assert_eq!(known.code(), expected, "attempt {attempt}");
        assert_eq!(
            comparable(&known),
            comparable(&unknown),
            "attempt {attempt}"
        );
    }
    // Held back: the right password too, for the same time as the unknown name.
    let known = app.api.login("bacsi", PASSWORD).await.cast::<Value>();
    let unknown = app.api.login("khong.co.ai", PASSWORD).await.cast::<Value>();
    assert_eq!(known.code(), 429);
    assert_eq!(comparable(&known), comparable(&unknown));
}

#[actix_web::test]
async fn fifty_parallel_wrong_guesses_hold_the_account_back_after_exactly_the_fifth() {
    let app = TestApp::spawn().await;
    let guesses = (0..50).map(|_| app.api.login("truongkhoa", WRONG));
    let answers = futures_util::future::join_all(guesses).await;
    let mut codes: Vec<u16> = answers.iter().map(|answer| answer.code()).collect();
    codes.sort_unstable();
    let refused = codes.iter().filter(|code| **code == 401).count();
    let held = codes.iter().filter(|code| **code == 429).count();
    assert_eq!((refused, held), (4, 46), "{codes:?}");
    // Counted, not overwritten: 50 failures (some counted before the hold began).
    let right = app.api.login("truongkhoa", PASSWORD).await;
    right.assert_problem(429, "too_many_requests");
    let wait = right
        .header("retry-after")
        .and_then(|v| v.parse::<u64>().ok());
    assert!(
        wait.is_some_and(|wait| wait > 0 && wait <= 15 * 60),
        "{wait:?}"
    );
}

#[actix_web::test]
async fn a_guesser_elsewhere_does_not_keep_the_owner_out() {
    let app = TestApp::spawn_with(|settings| {
        settings.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    let owner = "198.51.100.2";
    // The owner signed in from their desk before.
    assert_eq!(login_from(&app, owner, "bacsi", PASSWORD).await.code(), 200);

    // One guesser is held back at its address after five tries…
    let guesser = "203.0.113.7";
    for _ in 0..4 {
        assert_eq!(login_from(&app, guesser, "bacsi", WRONG).await.code(), 401);
    }
    let held = login_from(&app, guesser, "bacsi", WRONG).await;
    held.assert_problem(429, "too_many_requests");
    assert_eq!(retry_after(&held), 60);
    // …while the owner, elsewhere, signs in.
    assert_eq!(login_from(&app, owner, "bacsi", PASSWORD).await.code(), 200);

    // Many guessers (four tries each, never five from one address) hold the account back
    // at every address it has not signed in from…
    for n in 1..=5 {
        let address = format!("192.0.2.{n}");
        for _ in 0..4 {
            let code = login_from(&app, &address, "bacsi", WRONG).await.code();
            assert!(matches!(code, 401 | 429), "{address}: {code}");
        }
    }
    let stranger = login_from(&app, "192.0.2.99", "bacsi", PASSWORD).await;
    stranger.assert_problem(429, "too_many_requests");
    // …but not at the owner's known address.
    assert_eq!(login_from(&app, owner, "bacsi", PASSWORD).await.code(), 200);
}

#[actix_web::test]
async fn forwarded_for_counts_only_from_a_trusted_proxy() {
    // No trusted proxy: each guess claims another address, all count as the peer's.
    let app = TestApp::spawn().await;
    for n in 1..=4 {
        let address = format!("203.0.113.{n}");
        assert_eq!(
            login_from(&app, &address, "kehoach", WRONG).await.code(),
            401
        );
    }
    login_from(&app, "203.0.113.5", "kehoach", WRONG)
        .await
        .assert_problem(429, "too_many_requests");
    login_from(&app, "203.0.113.6", "kehoach", PASSWORD)
        .await
        .assert_problem(429, "too_many_requests");
}

#[actix_web::test]
async fn rate_limits_answer_429_with_retry_after_before_any_work() {
    let app = TestApp::spawn_with(|settings| {
        settings.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
        settings.signin_per_address_per_minute = 3;
    })
    .await;
    for _ in 0..3 {
        assert_eq!(
            login_from(&app, "203.0.113.7", "nobody", WRONG)
                .await
                .code(),
            401
        );
    }
    let asked = std::time::Instant::now();
    let limited = login_from(&app, "203.0.113.7", "dieuduong", PASSWORD).await;
    limited.assert_problem(429, "too_many_requests");
    // The refusal comes after a pause: a client ignoring Retry-After is slowed down.
    assert!(asked.elapsed() >= tuyen::auth::throttle::REFUSAL_PAUSE);
    assert!(retry_after(&limited) >= 1);
    assert!(
        limited
            .content_type()
            .starts_with("application/problem+json")
    );
    // The token endpoint shares the limit.
    let refresh = app
        .api
        .anonymous()
        .request(Method::POST, "/api/v1/auth/refresh")
        .header("x-forwarded-for", "203.0.113.7")
        .json(&json!({ "refresh_token": "x".repeat(43) }));
    app.api
        .send::<Value>(refresh)
        .await
        .assert_problem(429, "too_many_requests");
    // Another address is not limited.
    assert_eq!(
        login_from(&app, "198.51.100.2", "dieuduong", PASSWORD)
            .await
            .code(),
        200
    );

    // The global limit holds whatever the address.
    let app = TestApp::spawn_with(|settings| settings.signin_per_second = 2).await;
    let answers =
        futures_util::future::join_all((0..6).map(|_| app.api.login("nobody", WRONG))).await;
    assert!(
        answers.iter().any(|answer| answer.code() == 429),
        "{:?}",
        answers.iter().map(|a| a.code()).collect::<Vec<_>>()
    );
}

#[actix_web::test]
async fn a_new_password_set_by_an_admin_ends_the_hold() {
    let app = TestApp::spawn().await;
    for _ in 0..5 {
        app.api.login("soyte", WRONG).await;
    }
    app.api
        .login("soyte", PASSWORD)
        .await
        .assert_problem(429, "too_many_requests");
    let admin = app.user("admin").await;
    let users = admin.get::<Value>("/api/v1/users?q=soyte").await.json();
    let id = users["items"][0]["id"].as_i64().unwrap();
    let reset = admin
        .request(Method::POST, &format!("/api/v1/users/{id}/password"))
        .json(&json!({ "password": "moi-mat-khau-2026" }));
    assert_eq!(admin.send::<Value>(reset).await.code(), 204);
    assert_eq!(
        app.api.login("soyte", "moi-mat-khau-2026").await.code(),
        200
    );
}

#[actix_web::test]
async fn throttles_that_hold_nothing_back_are_forgotten() {
    let app = TestApp::spawn().await;
    app.sql(
        "INSERT INTO login_throttles (key, failures, locked_until, updated_at) VALUES \
         ('account:idle', 3, NULL, '2020-01-01 00:00:00'), \
         ('pair:held|192.0.2.1', 9, '2999-01-01 00:00:00', '2020-01-01 00:00:00'), \
         ('known:gone|192.0.2.1', 0, NULL, '2020-01-01 00:00:00'), \
         ('pair:fresh|192.0.2.1', 1, NULL, '2999-01-01 00:00:00'), \
         ('known:fresh|192.0.2.1', 0, NULL, '2999-01-01 00:00:00')",
    )
    .await;
    let pruned = app.db.run(tuyen::auth::throttle::prune).await.unwrap();
    // The idle count and the stale known address; a running hold and fresh rows stay.
    assert_eq!(pruned, 2);
}
