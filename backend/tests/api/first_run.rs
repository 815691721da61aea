//! A safe first run: temporary passwords set by an admin, sessions a reset ends, the
//! absolute lifetime of a sign-in, signing out everywhere, the setup status.

use shared::auth::SetupStatus;
use testkit::Client;

use crate::auth::new_user;
use crate::support::{PASSWORD, TestApp};

const TEMPORARY: &str = "tamthoi2026abc";
const OWN: &str = "cuatoi2026xyz";

/// An admin creates `username` at An Phú station with the temporary password; returns
/// the admin's client and the new user's id.
async fn created_by_admin(app: &TestApp, username: &str) -> (Client, i64) {
    let admin = app.user("admin").await;
    let station = admin.facility_id("74-TYT-ANPHU").await;
    let user = admin
        .users()
        .create(&new_user(username, "Lê Thị Hoa", station, TEMPORARY))
        .await
        .created();
    (admin, user.id)
}

#[actix_web::test]
async fn a_password_set_by_an_admin_opens_only_the_password_change_until_changed() {
    let app = TestApp::spawn().await;
    let (_admin, _) = created_by_admin(&app, "yta.anphu").await;

    let tokens = app.api.login("yta.anphu", TEMPORARY).await.ok();
    assert!(tokens.must_change_password);
    let user = app.api.as_user(&tokens.access_token);
    // Who one is answers, flagged; anything else is refused with a clear code.
    assert!(user.me().await.ok().must_change_password);
    let refused = user
        .facilities()
        .list("")
        .await
        .assert_problem(403, "password_change_required");
    assert!(
        refused["detail"]
            .as_str()
            .is_some_and(|d| d.contains("/me/password")),
        "{refused}"
    );
    user.referrals()
        .list("")
        .await
        .assert_problem(403, "password_change_required");
    // A refresh does not escape it: the rule is the account's, read on every request.
    let refreshed = app.api.refresh(&tokens.refresh_token).await.ok();
    assert!(refreshed.must_change_password);
    app.api
        .as_user(&refreshed.access_token)
        .facilities()
        .list("")
        .await
        .assert_problem(403, "password_change_required");

    // A wrong current password, a weak or unchanged new one: field errors.
    let wrong = user
        .change_password("not-the-password1", OWN)
        .await
        .assert_problem(422, "validation_failed");
    assert!(wrong["errors"]["current_password"].is_array(), "{wrong}");
    let weak = user
        .change_password(TEMPORARY, "short")
        .await
        .assert_problem(422, "validation_failed");
    assert!(weak["errors"]["new_password"].is_array(), "{weak}");
    user.change_password(TEMPORARY, TEMPORARY)
        .await
        .assert_problem(422, "validation_failed");

    // Changed: the answer is a fresh session and everything works.
    let fresh = user.change_password(TEMPORARY, OWN).await.ok();
    assert!(!fresh.must_change_password);
    let user = app.api.as_user(&fresh.access_token);
    assert_eq!(user.facilities().list("").await.code(), 200);
    assert!(!user.me().await.ok().must_change_password);
    // The sessions of before the change are over; the old password is refused.
    app.api
        .refresh(&refreshed.refresh_token)
        .await
        .assert_problem(401, "unauthorized");
    app.api
        .login("yta.anphu", TEMPORARY)
        .await
        .assert_problem(401, "invalid_credentials");
    let again = app.api.login("yta.anphu", OWN).await.ok();
    assert!(!again.must_change_password);
}

#[actix_web::test]
async fn a_reset_makes_the_password_temporary_and_ends_every_session() {
    let app = TestApp::spawn().await;
    let (admin, id) = created_by_admin(&app, "yta.anphu").await;
    let first = app.api.login("yta.anphu", TEMPORARY).await.ok();
    let user = app.api.as_user(&first.access_token);
    let changed = user.change_password(TEMPORARY, OWN).await.ok();
    // Two sessions of the user: the one the change gave and another sign-in.
    let other = app.api.login("yta.anphu", OWN).await.ok();
    assert_eq!(
        app.api
            .as_user(&other.access_token)
            .facilities()
            .list("")
            .await
            .code(),
        200
    );

    let reset = admin.reset_password(id, "datlai2026abc").await;
    assert_eq!(reset.code(), 204, "{}", reset.text);
    for session in [&changed, &other] {
        app.api
            .refresh(&session.refresh_token)
            .await
            .assert_problem(401, "unauthorized");
        // The access tokens still out are held to the password change at once.
        app.api
            .as_user(&session.access_token)
            .facilities()
            .list("")
            .await
            .assert_problem(403, "password_change_required");
    }
    app.api
        .login("yta.anphu", OWN)
        .await
        .assert_problem(401, "invalid_credentials");
    let after = app.api.login("yta.anphu", "datlai2026abc").await.ok();
    assert!(after.must_change_password);

    // The reset is in the audit trail, without the password.
    let audit = admin
        .get::<serde_json::Value>(&format!(
            "{}/audit-events?entity=user&entity_id={id}",
            testkit::API
        ))
        .await
        .ok();
    let text = audit.to_string();
    assert!(text.contains("reset_password"), "{text}");
    assert!(!text.contains("datlai2026abc"), "{text}");
}

#[actix_web::test]
async fn a_sign_in_ends_thirty_days_after_it_began_however_often_refreshed() {
    let app = TestApp::spawn().await;
    let tokens = app.api.login("kehoach", PASSWORD).await.ok();
    assert!(tokens.refresh_expires_in <= 30 * 24 * 3600);
    let refreshed = app.api.refresh(&tokens.refresh_token).await.ok();

    // The family began 31 days ago (its tokens' own expiry still lies ahead).
    app.sql(
        "UPDATE refresh_tokens SET family_started_at = '2020-01-01 00:00:00' \
         WHERE expires_at > '2021-01-01 00:00:00'",
    )
    .await;
    app.api
        .refresh(&refreshed.refresh_token)
        .await
        .assert_problem(401, "unauthorized");
    // A new sign-in starts a new family.
    let again = app.api.login("kehoach", PASSWORD).await.ok();
    assert_eq!(app.api.refresh(&again.refresh_token).await.code(), 200);
}

#[actix_web::test]
async fn signing_out_everywhere_ends_every_session_of_the_user_only() {
    let app = TestApp::spawn().await;
    let desk = app.api.login("kehoach", PASSWORD).await.ok();
    let phone = app.api.login("kehoach", PASSWORD).await.ok();
    let someone_else = app.api.login("bacsi", PASSWORD).await.ok();

    let out = app.api.as_user(&phone.access_token).logout_all().await;
    assert_eq!(out.code(), 204, "{}", out.text);
    for session in [&desk, &phone] {
        app.api
            .refresh(&session.refresh_token)
            .await
            .assert_problem(401, "unauthorized");
    }
    assert_eq!(
        app.api.refresh(&someone_else.refresh_token).await.code(),
        200
    );
    app.api
        .logout_all()
        .await
        .assert_problem(401, "unauthorized");
}

#[actix_web::test]
async fn the_setup_status_says_demo_and_that_an_admin_exists() {
    let app = TestApp::spawn().await;
    let status = app.api.setup().await.ok();
    assert_eq!(
        status,
        SetupStatus {
            needs_admin: false,
            demo: true,
        }
    );
    // With no active admin left, the installation is back in setup mode.
    app.sql("UPDATE users SET active = FALSE WHERE role = 'admin'")
        .await;
    assert!(app.api.setup().await.ok().needs_admin);
}
