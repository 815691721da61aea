//! The registry and rotation forms: a station head changes the licence validity of a
//! member of their station's staff; a planner changes how many people a demand asks for.

use fantoccini::{Client, Locator};

use crate::browser::{
    BrowserRun, click, open_rotation_plan, replace_text, set_value, sign_in_as, sign_out, wait_for,
};
use crate::support::{self, PLANNER, STATION_HEAD, Server};

/// The licence end typed into the form.
const NEW_VALID_UNTIL: &str = "2031-12-31";
/// The second-quarter rotation plan of the demo.
const Q2_PLAN: &str = "Lịch luân phiên hỗ trợ trạm y tế quý II/2026";

/// The station head opens the first member of their staff, sets the licence's last
/// day, saves, and finds it in the staff list.
async fn station_head_edits_licence(browser: &Client, server: &Server) -> Result<(), String> {
    sign_in_as(browser, &server.url("/login"), STATION_HEAD).await?;
    browser
        .goto(&server.url("/registry/staff"))
        .await
        .map_err(|e| format!("opening the staff list: {e}"))?;
    click(
        browser,
        Locator::Css("a.edit-staff"),
        "a member of the station's staff, to edit",
    )
    .await?;
    wait_for(browser, Locator::Css("#staff-form"), "the staff form").await?;
    replace_text(browser, "f-licence_number", "998877/HCM-CCHN").await?;
    set_value(browser, "f-licence_valid_until", NEW_VALID_UNTIL).await?;
    click(browser, Locator::Css("#save-staff"), "the save button").await?;
    wait_for(browser, Locator::Css("#staff-saved"), "the saved mark").await?;
    browser
        .goto(&server.url("/registry/staff"))
        .await
        .map_err(|e| format!("back to the staff list: {e}"))?;
    wait_for(
        browser,
        Locator::XPath("//td[contains(., '31/12/2031') or contains(., '2031-12-31')]"),
        "the new licence end in the staff list",
    )
    .await?;
    sign_out(browser).await
}

/// The planner opens the second quarter, edits its first demand to ask for two people,
/// saves, and sees the table say so.
async fn planner_edits_demand(browser: &Client, server: &Server) -> Result<(), String> {
    open_rotation_plan(browser, &server.url("/login"), PLANNER, Q2_PLAN).await?;
    let first = wait_for(
        browser,
        Locator::Css("#demands tr[data-demand-id]"),
        "the plan's demands",
    )
    .await?;
    let id = first
        .attr("data-demand-id")
        .await
        .map_err(|e| format!("reading the demand's id: {e}"))?
        .unwrap_or_default();
    click(
        browser,
        Locator::Id(&format!("edit-demand-{id}")),
        "the demand's edit button",
    )
    .await?;
    wait_for(browser, Locator::Css("#edit-demand"), "the demand form").await?;
    replace_text(browser, "demand-count", "2").await?;
    click(browser, Locator::Css("#save-demand"), "the save button").await?;
    wait_for(
        browser,
        Locator::XPath(&format!(
            "(//tr[@data-demand-id='{id}']/td[contains(@class,'number')])[1][normalize-space(.)='2']"
        )),
        "the demand asking for two people",
    )
    .await?;
    sign_out(browser).await
}

#[tokio::test]
async fn browser_station_head_edits_a_licence_and_planner_edits_a_demand() {
    if !support::server_under_test() {
        return;
    }
    let run = BrowserRun::start().await;
    let mut outcome = station_head_edits_licence(&run.browser, &run.server).await;
    if outcome.is_ok() {
        outcome = planner_edits_demand(&run.browser, &run.server).await;
    }
    run.finish(outcome).await;
}
