//! The station's pages on a phone (390×844): the referral list, the slip form, a
//! referral's page, the follow-ups, the technique-transfer agreements and one of them,
//! "my rotations" and the home page fit the screen
//! (nothing scrolls sideways, no input under 200 px wide, no button or list link under
//! 44 px high), lists show as cards, the filters fold behind one button, every page has
//! its own title, and the console stays clean on the way.

use fantoccini::{Client, Locator};

use crate::browser::{
    BrowserRun, click, emulate_phone, expect_clean_console, expect_phone_fit, sign_in_as, sign_out,
    wait_for, wait_until_gone,
};
use crate::support::{self, STATION_HEAD};

/// The demo clinician of the regional centre, who goes out to the stations (with
/// visits all year in the demo).
const CLINICIAN: (&str, &str) = ("bacsi", "thuanan2026");

/// Opens `path`, waits for `ready` and for nothing to be loading, then checks that the
/// page fits the phone, is titled `title` and logged no console error.
async fn visit(browser: &Client, url: &str, ready: &str, title: &str) -> Result<(), String> {
    browser
        .goto(url)
        .await
        .map_err(|e| format!("opening {url}: {e}"))?;
    check_shown(browser, url, ready, title).await
}

/// [`visit`]'s checks for the page shown now.
async fn check_shown(browser: &Client, url: &str, ready: &str, title: &str) -> Result<(), String> {
    wait_for(browser, Locator::Css(ready), &format!("{ready} on {url}")).await?;
    wait_until_gone(browser, ".loading", &format!("the loading line on {url}")).await?;
    expect_phone_fit(browser, url).await?;
    let shown = browser
        .title()
        .await
        .map_err(|e| format!("reading the title of {url}: {e}"))?;
    if shown != title {
        return Err(format!("{url} is titled {shown:?}, not {title:?}"));
    }
    expect_clean_console(browser, url).await
}

/// The station head's day on a phone: home, the referrals (as cards, filters folded),
/// a referral, the slip form, the follow-ups; then the nurse's rotations.
async fn station_on_a_phone(browser: &Client, server: &support::Server) -> Result<(), String> {
    emulate_phone(browser).await?;
    sign_in_as(browser, &server.url("/login"), STATION_HEAD).await?;
    // Signing in visits the sign-in page; its console counts too.
    expect_clean_console(browser, "signing in").await?;
    check_shown(browser, "/", ".page-header h1", "Trang chủ — Tuyến").await?;

    let list = server.url("/referrals?box=outbox");
    visit(browser, &list, "table.referrals", "Chuyển tuyến — Tuyến").await?;
    // Cards: the status of a row is in view, under its heading.
    wait_for(
        browser,
        Locator::Css("table.referrals td[data-label='Trạng thái'] .badge"),
        "a referral's status on its card",
    )
    .await?;
    // The filters are folded behind one button; opened, they fit the phone too.
    let filters_shown = |browser: &Client| {
        let browser = browser.clone();
        async move {
            browser
                .find(Locator::Css("form.filters"))
                .await
                .map_err(|e| format!("finding the filters: {e}"))?
                .is_displayed()
                .await
                .map_err(|e| format!("reading whether the filters show: {e}"))
        }
    };
    if filters_shown(browser).await? {
        return Err("the filters show before the list on a phone".into());
    }
    click(
        browser,
        Locator::Css(".filters-toggle"),
        "the filters button",
    )
    .await?;
    if !filters_shown(browser).await? {
        return Err("the filters button does not unfold the filters".into());
    }
    expect_phone_fit(browser, "the referral list with its filters open").await?;

    // A referral's page, from its card.
    click(
        browser,
        Locator::Css("table.referrals a.slip-link"),
        "the first referral's card",
    )
    .await?;
    check_shown(
        browser,
        "a referral",
        ".referral-header",
        "Chuyển tuyến — Tuyến",
    )
    .await?;

    visit(
        browser,
        &server.url("/referrals/new"),
        "#f-patient-full_name",
        "Tạo phiếu chuyển — Tuyến",
    )
    .await?;
    visit(
        browser,
        &server.url("/referrals/follow-ups"),
        "table.follow-ups, .empty",
        "Theo dõi sau chuyển về — Tuyến",
    )
    .await?;
    // The station's techniques against the commune-level catalogue, as cards.
    visit(
        browser,
        &server.url("/registry/techniques"),
        "#coverage-table",
        "Danh mục kỹ thuật — Tuyến",
    )
    .await?;
    wait_for(
        browser,
        Locator::Css("#coverage-table td[data-label='Tỷ lệ']"),
        "the share under its heading on a station's card",
    )
    .await?;

    // The station's technique-transfer agreements as cards, and one of them.
    visit(
        browser,
        &server.url("/transfers"),
        "#agreement-list",
        "Chuyển giao kỹ thuật — Tuyến",
    )
    .await?;
    wait_for(
        browser,
        Locator::Css("#agreement-list td[data-label='Trạng thái'] .badge"),
        "an agreement's status on its card",
    )
    .await?;
    click(
        browser,
        Locator::Css("#agreement-list a.agreement-link"),
        "the first agreement's card",
    )
    .await?;
    check_shown(
        browser,
        "an agreement",
        "#readiness",
        "Chuyển giao kỹ thuật — Tuyến",
    )
    .await?;

    sign_out(browser).await?;
    sign_in_as(browser, &server.url("/login"), CLINICIAN).await?;
    visit(
        browser,
        &server.url("/rotations/mine"),
        "#my-rotations, #no-rotations",
        "Lịch luân phiên của tôi — Tuyến",
    )
    .await?;
    // A hand-written table too shows each value under its heading on a card.
    wait_for(
        browser,
        Locator::Css("#my-rotations td[data-label='Trạng thái']"),
        "the status under its heading on a rotation's card",
    )
    .await?;
    Ok(())
}

#[tokio::test]
async fn browser_station_pages_fit_a_phone_and_keep_the_console_clean() {
    if !support::server_under_test() {
        return;
    }
    let run = BrowserRun::start().await;
    let outcome = station_on_a_phone(&run.browser, &run.server).await;
    run.finish(outcome).await;
}
