//! Sign in through the form, keep the session over a reload, switch language, sign out.

use fantoccini::{Client, Locator};

use crate::browser::{BrowserRun, wait_for};
use crate::support::{self, PLANNER, PLANNER_FACILITY};

/// The main navigation a signed-in planner sees.
const NAV_LINKS: [&str; 5] = [
    "Kế hoạch",
    "Luân phiên",
    "Hội chẩn",
    "Chuyển tuyến",
    "Danh mục",
];

fn facility_name_xpath() -> String {
    format!("//*[@id='facility-name'][contains(normalize-space(.), '{PLANNER_FACILITY}')]")
}

/// Sign in, see the shell, survive a reload, switch language and back, sign out.
async fn sign_in_reload_sign_out(browser: &Client, start_url: &str) -> Result<(), String> {
    let step = |what: &'static str| move |e: fantoccini::error::CmdError| format!("{what}: {e}");

    browser
        .goto(start_url)
        .await
        .map_err(step("opening the app"))?;
    let username = wait_for(browser, Locator::Css("input#username"), "the sign-in form").await?;
    username
        .send_keys(PLANNER.0)
        .await
        .map_err(step("typing the username"))?;
    let password = wait_for(
        browser,
        Locator::Css("input#password"),
        "the password field",
    )
    .await?;
    password
        .send_keys(PLANNER.1)
        .await
        .map_err(step("typing the password"))?;
    wait_for(
        browser,
        Locator::Css("button[type=submit]"),
        "the sign-in button",
    )
    .await?
    .click()
    .await
    .map_err(step("clicking sign in"))?;

    let xpath = facility_name_xpath();
    let facility = wait_for(
        browser,
        Locator::XPath(&xpath),
        "#facility-name showing the planner's facility",
    )
    .await?;
    if !facility
        .is_displayed()
        .await
        .map_err(step("#facility-name visibility"))?
    {
        return Err("#facility-name is in the page but not shown".into());
    }
    for label in NAV_LINKS {
        let link = format!("//nav//a[contains(normalize-space(.), '{label}')]");
        wait_for(
            browser,
            Locator::XPath(&link),
            &format!("the nav link {label:?}"),
        )
        .await?;
    }

    // The session outlives a reload.
    browser.refresh().await.map_err(step("reloading"))?;
    let facility = wait_for(
        browser,
        Locator::XPath(&xpath),
        "#facility-name after a reload (the session must be kept)",
    )
    .await?;
    if !facility
        .is_displayed()
        .await
        .map_err(step("#facility-name visibility"))?
    {
        return Err("#facility-name is not shown after a reload".into());
    }

    // The language switch turns the interface to English and back.
    wait_for(
        browser,
        Locator::Css("#lang-switch"),
        "the #lang-switch control",
    )
    .await?
    .click()
    .await
    .map_err(step("clicking #lang-switch"))?;
    wait_for(
        browser,
        Locator::XPath("//nav//a[normalize-space(.) = 'Plans']"),
        "the nav in English after #lang-switch",
    )
    .await?;
    wait_for(
        browser,
        Locator::Css("#lang-switch"),
        "the #lang-switch control",
    )
    .await?
    .click()
    .await
    .map_err(step("clicking #lang-switch again"))?;
    wait_for(
        browser,
        Locator::XPath(&format!(
            "//nav//a[normalize-space(.) = '{}']",
            NAV_LINKS[0]
        )),
        "the nav back in Vietnamese",
    )
    .await?;

    // Signing out returns to the sign-in form.
    wait_for(browser, Locator::Css("#logout"), "the #logout control")
        .await?
        .click()
        .await
        .map_err(step("clicking #logout"))?;
    wait_for(
        browser,
        Locator::Css("input#username"),
        "the sign-in form after logout",
    )
    .await?;
    Ok(())
}

#[tokio::test]
async fn browser_sign_in_reload_and_sign_out() {
    if !support::server_under_test() {
        return;
    }
    let run = BrowserRun::start().await;
    let outcome = sign_in_reload_sign_out(&run.browser, &run.server.url("/")).await;
    run.finish(outcome).await;
}
