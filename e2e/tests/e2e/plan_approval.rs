//! The director approves a plan revision after reading the changes, and sees the
//! indicator dashboard.

use fantoccini::{Client, Locator};

use crate::browser::{
    BrowserRun, click, follow_nav, sign_in_as, text_of, wait_for, wait_until_gone,
};
use crate::support::{self, DIRECTOR, Server};

/// The demo plan whose second version waits for the director.
const SUPPORT_PLAN: &str = "Hỗ trợ chuyên môn trạm y tế phường trên địa bàn năm 2026";

/// Opens, from the plans list, the version of the demo's support plan in `status`.
pub(crate) async fn open_support_plan(browser: &Client, status: &str) -> Result<(), String> {
    follow_nav(browser, "Kế hoạch").await?;
    click(
        browser,
        Locator::XPath(&format!(
            "//tr[contains(@class,'plan-row')][@data-status='{status}']\
             //a[contains(@class,'plan-link')][normalize-space(.)='{SUPPORT_PLAN}']"
        )),
        &format!("the {status} version of the support plan"),
    )
    .await
}

/// The director opens the submitted revision of the support plan, reads what changed,
/// approves it and sees the indicator dashboard with its charts.
async fn director_approves_plan_and_sees_dashboard(
    browser: &Client,
    server: &Server,
) -> Result<(), String> {
    sign_in_as(browser, &server.url("/login"), DIRECTOR).await?;
    open_support_plan(browser, "submitted").await?;
    wait_for(
        browser,
        Locator::Css("#plan-status[data-status='submitted']"),
        "the plan waiting for approval",
    )
    .await?;
    wait_for(
        browser,
        Locator::Css("#plan-version[data-version='2']"),
        "version 2",
    )
    .await?;
    click(
        browser,
        Locator::Css("#plan-approve:not([disabled])"),
        "the approve button",
    )
    .await?;
    wait_for(
        browser,
        Locator::Css("#plan-status[data-status='approved']"),
        "the plan approved",
    )
    .await?;
    wait_until_gone(browser, "#plan-approve", "the approve button once approved").await?;

    click(
        browser,
        Locator::Css("#tab-plan-indicators"),
        "the indicators tab",
    )
    .await?;
    wait_for(
        browser,
        Locator::Css("#plan-board .board-row[data-light]"),
        "an indicator row with its traffic light",
    )
    .await?;
    wait_for(
        browser,
        Locator::Css("svg.indicator-chart"),
        "an indicator chart",
    )
    .await?;
    let board = text_of(browser, Locator::Css("#plan-board"), "the indicator board").await?;
    for expected in [
        "CT01",
        "Trạm Y tế phường An Phú",
        "Trạm Y tế phường Thuận An",
    ] {
        if !board.contains(expected) {
            return Err(format!("the board does not show {expected}: {board}"));
        }
    }
    Ok(())
}

#[tokio::test]
async fn browser_director_approves_plan_revision_and_sees_indicator_dashboard() {
    if !support::server_under_test() {
        return;
    }
    let run = BrowserRun::start().await;
    let outcome = director_approves_plan_and_sees_dashboard(&run.browser, &run.server).await;
    run.finish(outcome).await;
}
