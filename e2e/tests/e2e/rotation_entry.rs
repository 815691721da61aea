//! Rotation data entry in the browser: a clinician ticks a weekday to avoid and saves;
//! a station head proposes a demand for their station; the planner accepts it and finds
//! it among the plan's demands.

use fantoccini::{Client, Locator};

use crate::browser::{
    BrowserRun, click, fill, follow_nav, open_rotation_plan, sign_in_as, sign_out, wait_for,
};
use crate::support::{self, CENTRE_CLINICIAN, PLANNER, STATION_HEAD, Server};

/// The second-quarter rotation plan of the demo (a draft: proposals are open).
const Q2_PLAN: &str = "Lịch luân phiên hỗ trợ trạm y tế quý II/2026";
/// The note that tells the browser test's proposal apart from the demo's.
const PROPOSAL_NOTE: &str = "Khám sàng lọc tăng huyết áp người cao tuổi";

/// The clinician opens their rotations, ticks Monday among the weekdays to avoid, saves,
/// and finds it ticked after a reload.
async fn clinician_avoids_mondays(browser: &Client, server: &Server) -> Result<(), String> {
    sign_in_as(browser, &server.url("/login"), CENTRE_CLINICIAN).await?;
    follow_nav(browser, "Luân phiên").await?;
    click(
        browser,
        Locator::Css("#tab-my-rotations"),
        "the my-rotations tab",
    )
    .await?;
    // Monday is the first box of the weekdays to avoid.
    click(
        browser,
        Locator::Css("#avoid-weekdays-0:not(:checked)"),
        "Thứ Hai among the weekdays to avoid",
    )
    .await?;
    click(
        browser,
        Locator::Css("#save-preferences"),
        "the save button",
    )
    .await?;
    wait_for(
        browser,
        Locator::Css("#preferences-saved"),
        "the preferences saved",
    )
    .await?;
    let here = browser
        .current_url()
        .await
        .map_err(|e| format!("reading the address: {e}"))?;
    browser
        .goto(here.as_str())
        .await
        .map_err(|e| format!("reloading: {e}"))?;
    wait_for(
        browser,
        Locator::Css("#avoid-weekdays-0:checked"),
        "Thứ Hai still ticked after a reload",
    )
    .await?;
    sign_out(browser).await
}

/// The station head proposes a doctor for their station in the open plan and sees the
/// proposal waiting.
async fn station_head_proposes(browser: &Client, server: &Server) -> Result<(), String> {
    sign_in_as(browser, &server.url("/login"), STATION_HEAD).await?;
    follow_nav(browser, "Luân phiên").await?;
    click(
        browser,
        Locator::Css("#tab-station-rotations"),
        "the station's rotations tab",
    )
    .await?;
    wait_for(
        browser,
        Locator::XPath(&format!(
            "//select[@id='proposal-plan']/option[normalize-space(.)='{Q2_PLAN}']"
        )),
        "the open second-quarter plan to propose in",
    )
    .await?;
    fill(browser, "demand-note", PROPOSAL_NOTE).await?;
    click(browser, Locator::Css("#add-demand"), "the propose button").await?;
    wait_for(
        browser,
        Locator::XPath(&format!(
            "//ul[@id='my-proposals']/li[contains(., '{PROPOSAL_NOTE}')]\
             [.//*[@data-test='proposal-status'][@data-status='proposed']]"
        )),
        "the proposal waiting for planning",
    )
    .await?;
    sign_out(browser).await
}

/// The planner opens the plan, accepts the station's proposal, and finds it among the
/// plan's demands.
async fn planner_accepts(browser: &Client, server: &Server) -> Result<(), String> {
    open_rotation_plan(browser, &server.url("/login"), PLANNER, Q2_PLAN).await?;
    let proposal = format!("//li[@data-test='demand-proposal'][contains(., '{PROPOSAL_NOTE}')]");
    click(
        browser,
        Locator::XPath(&format!("{proposal}//button[@data-action='accept']")),
        "the accept button of the station's proposal",
    )
    .await?;
    click(
        browser,
        Locator::Css("#confirm-accept"),
        "the confirm button",
    )
    .await?;
    wait_for(
        browser,
        Locator::XPath(&format!(
            "//table[@id='demands']//tr[contains(., '{PROPOSAL_NOTE}')]"
        )),
        "the accepted proposal among the plan's demands",
    )
    .await?;
    sign_out(browser).await
}

#[tokio::test]
async fn browser_avoided_weekday_saved_station_proposal_accepted_by_planner() {
    if !support::server_under_test() {
        return;
    }
    let run = BrowserRun::start().await;
    let mut outcome = clinician_avoids_mondays(&run.browser, &run.server).await;
    if outcome.is_ok() {
        outcome = station_head_proposes(&run.browser, &run.server).await;
    }
    if outcome.is_ok() {
        outcome = planner_accepts(&run.browser, &run.server).await;
    }
    run.finish(outcome).await;
}
