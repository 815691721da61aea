//! A real installation's first run: `tuyen serve` on an empty database without `--demo`
//! is in setup mode and knows no demo account; `tuyen create-admin` (password on standard
//! input) makes the first admin, who signs in.

use fantoccini::{Client, Locator};
use reqwest::StatusCode;
use shared::auth::Role;
use shared::registry::NewUser;

use crate::browser::{BrowserRun, click, fill, wait_for};
use crate::support::{self, ADMIN, PLANNER, Server, create_admin};

#[tokio::test]
async fn an_empty_database_without_demo_waits_for_create_admin() {
    if !support::server_under_test() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_without_demo(dir.path()).await;
    let api = server.api();

    // Setup mode, said by the API and by the server's start-up lines.
    let setup = api.setup().await.ok();
    assert!(setup.needs_admin, "{setup:?}");
    assert!(!setup.demo, "{setup:?}");
    let log = server.log_text();
    assert!(log.contains("tuyen create-admin --username"), "{log}");
    assert!(!log.contains(ADMIN.1), "the demo password printed:\n{log}");

    // No demo account exists: their printed password opens nothing.
    for (username, password) in [ADMIN, PLANNER] {
        let answer = api.login(username, password).await;
        assert_eq!(
            answer.status,
            StatusCode::UNAUTHORIZED,
            "{username}: {}",
            answer.text
        );
    }

    // A weak password is refused by the shared rule; nothing is created.
    let (ok, text) = create_admin(dir.path(), "quantri", "short");
    assert!(!ok, "a weak password was accepted: {text}");
    assert!(api.setup().await.ok().needs_admin);

    let password = "batdau2026xyz";
    let (ok, text) = create_admin(dir.path(), "quantri", password);
    assert!(ok, "tuyen create-admin failed: {text}");
    let setup = api.setup().await.ok();
    assert!(!setup.needs_admin && !setup.demo, "{setup:?}");

    // The admin signs in with their own password: not a temporary one.
    let tokens = api.login("quantri", password).await.ok();
    assert!(!tokens.must_change_password);
    let admin = api.as_user(&tokens.access_token);
    let me = admin.me().await.ok();
    assert_eq!(me.username, "quantri");
    assert_eq!(admin.users().list("").await.status, StatusCode::OK);
    // The same username again is refused.
    let (ok, _) = create_admin(dir.path(), "quantri", password);
    assert!(!ok);
}

/// An account an admin made signs in through the SPA, which shows the demo notice, then
/// only the password change, then the app; "sign out everywhere" ends the session.
async fn temporary_password_is_changed_first(
    browser: &Client,
    server: &Server,
) -> Result<(), String> {
    let admin = server.api().sign_in(ADMIN.0, ADMIN.1).await;
    let centre = admin.facility_id("74-TTYTTA").await;
    let made = admin
        .users()
        .create(&NewUser {
            username: "dieuduong.moi".into(),
            password: "tamthoi2026abc".into(),
            full_name: "Trần Thị Mới".into(),
            role: Role::Clinician,
            facility_id: centre,
            staff_id: None,
        })
        .await;
    if made.status != StatusCode::CREATED {
        return Err(format!("creating the account: {}", made.text));
    }

    browser
        .goto(&server.url("/login"))
        .await
        .map_err(|e| format!("opening /login: {e}"))?;
    wait_for(browser, Locator::Css("#demo-notice"), "the demo notice").await?;
    fill(browser, "username", "dieuduong.moi").await?;
    fill(browser, "password", "tamthoi2026abc").await?;
    click(
        browser,
        Locator::Css("button[type=submit]"),
        "the sign-in button",
    )
    .await?;

    // Only the password change: no menu, no module.
    wait_for(
        browser,
        Locator::Css("form#change-password"),
        "the password change",
    )
    .await?;
    if browser.find(Locator::Css("nav.mainnav")).await.is_ok() {
        return Err("the main navigation shows before the password is changed".into());
    }
    fill(browser, "f-current_password", "tamthoi2026abc").await?;
    // The shared rule answers as the person types.
    fill(browser, "f-new_password", "ngan").await?;
    wait_for(
        browser,
        Locator::Css("#f-new_password-errors li"),
        "the password rule under the field",
    )
    .await?;
    fill(browser, "f-new_password", "2027cuatoiabc").await?;
    click(
        browser,
        Locator::Css("form#change-password button[type=submit]"),
        "the change button",
    )
    .await?;
    wait_for(
        browser,
        Locator::Css("#facility-name"),
        "the app after the change",
    )
    .await?;

    click(browser, Locator::Css("#logout-all"), "sign out everywhere").await?;
    wait_for(browser, Locator::Css("input#username"), "the sign-in form").await?;
    let login = server
        .api()
        .login("dieuduong.moi", "ngan2027cuatoiabc")
        .await;
    if login.status != StatusCode::OK || login.body().must_change_password {
        return Err(format!("signing in with the new password: {}", login.text));
    }
    Ok(())
}

#[tokio::test]
async fn browser_a_temporary_password_is_changed_before_anything_else() {
    if !support::server_under_test() {
        return;
    }
    let run = BrowserRun::start().await;
    let outcome = temporary_password_is_changed_first(&run.browser, &run.server).await;
    run.finish(outcome).await;
}
