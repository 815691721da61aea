//! Techniques and specialty networks in the browser, on the demo network: the station
//! head reads how much of the commune-level catalogue each station performs; the
//! Department of Health takes the regional centre into the obstetric network; the
//! station's referral suggestions for obstetrics then put the centre, the nearest
//! member, first, and say it is the network's.

use fantoccini::{Client, Locator};

use crate::browser::{BrowserRun, choose, click, sign_in_as, sign_out, text_of, wait_for};
use crate::support::{PLANNER_FACILITY, STATION_HEAD, Server};

/// The Department of Health's analyst.
const HEALTH_DEPARTMENT: (&str, &str) = ("soyte", "thuanan2026");
/// The provincial general hospital, the obstetric network's first member.
const PROVINCIAL: &str = "Bệnh viện Đa khoa Bình Dương";

async fn open(browser: &Client, server: &Server, path: &str) -> Result<(), String> {
    browser
        .goto(&server.url(path))
        .await
        .map_err(|e| format!("opening {path}: {e}"))
}

/// The names of the suggested destinations for obstetrics, best first.
async fn obstetric_suggestions(browser: &Client, server: &Server) -> Result<Vec<String>, String> {
    open(browser, server, "/referrals/new").await?;
    choose(browser, "destination-specialty", "san_phu_khoa").await?;
    // The suggestions for no specialty are on the page first: wait for obstetrics'.
    wait_for(
        browser,
        Locator::XPath(
            "//li[contains(@class,'destination')]//li[normalize-space(.)='Có chuyên khoa Sản phụ khoa']",
        ),
        "the suggestions for obstetrics",
    )
    .await?;
    let names = browser
        .find_all(Locator::Css("li.destination strong"))
        .await
        .map_err(|e| format!("reading the suggestions: {e}"))?;
    let mut shown = Vec::new();
    for name in names {
        shown.push(
            name.text()
                .await
                .map_err(|e| format!("reading a suggestion: {e}"))?
                .trim()
                .to_string(),
        );
    }
    Ok(shown)
}

async fn network_changes_the_suggestions(browser: &Client, server: &Server) -> Result<(), String> {
    sign_in_as(browser, &server.url("/login"), STATION_HEAD).await?;
    open(browser, server, "/registry/techniques").await?;
    let own = text_of(
        browser,
        Locator::Css("#coverage-table tr[data-facility-code='74-TYT-ANPHU']"),
        "An Phú's coverage",
    )
    .await?;
    if !(own.contains("9/10") && own.contains("90 %") && own.contains("Đạt")) {
        return Err(format!("An Phú's coverage reads {own:?}"));
    }
    let summary = text_of(browser, Locator::Css("#coverage-summary"), "the summary").await?;
    if !summary.starts_with("2/5") {
        return Err(format!("the coverage summary reads {summary:?}"));
    }
    // The station head reads the catalogue but keeps no part of it.
    wait_for(
        browser,
        Locator::Css("#techniques tr[data-technique='do_de_thuong']"),
        "the catalogue",
    )
    .await?;
    if browser.find(Locator::Css("#new-technique")).await.is_ok() {
        return Err("a station head is offered to add techniques".into());
    }

    let before = obstetric_suggestions(browser, server).await?;
    if before.first().map(String::as_str) != Some(PROVINCIAL) {
        return Err(format!("before: {before:?}"));
    }
    sign_out(browser).await?;

    // The Department of Health adds the centre to the obstetric network.
    sign_in_as(browser, &server.url("/login"), HEALTH_DEPARTMENT).await?;
    open(browser, server, "/registry/networks").await?;
    let card = "//section[@data-specialty='san_phu_khoa']";
    click(
        browser,
        Locator::XPath(&format!("{card}//button[contains(@class,'edit-network')]")),
        "edit on the obstetric network",
    )
    .await?;
    wait_for(
        browser,
        Locator::Css("#n-new-facility option[value]"),
        "the facilities",
    )
    .await?;
    let centre = browser
        .find(Locator::XPath(&format!(
            "//select[@id='n-new-facility']/option[normalize-space(.)='{PLANNER_FACILITY}']"
        )))
        .await
        .map_err(|e| format!("the centre among the facilities: {e}"))?
        .attr("value")
        .await
        .map_err(|e| format!("the centre's id: {e}"))?
        .ok_or("the centre's option has no value")?;
    choose(browser, "n-new-facility", &centre).await?;
    choose(browser, "n-new-role", "centre").await?;
    click(browser, Locator::Css("#n-add-member"), "add member").await?;
    wait_for(
        browser,
        Locator::Css(&format!("#n-members li[data-member='{centre}']")),
        "the centre among the members",
    )
    .await?;
    click(browser, Locator::Css("#save-network"), "save the network").await?;
    wait_for(
        browser,
        Locator::XPath(&format!(
            "{card}//tr[@data-facility-code='74-TTYTTA'][contains(.,'Trung tâm Y tế khu vực')]"
        )),
        "the centre listed in the network",
    )
    .await?;
    sign_out(browser).await?;

    // The station's suggestions: the nearest member first, with the network's reason.
    sign_in_as(browser, &server.url("/login"), STATION_HEAD).await?;
    let after = obstetric_suggestions(browser, server).await?;
    if after.first().map(String::as_str) != Some(PLANNER_FACILITY)
        || after.get(1).map(String::as_str) != Some(PROVINCIAL)
    {
        return Err(format!("after: {after:?}"));
    }
    let first = text_of(
        browser,
        Locator::Css("li.destination"),
        "the first suggestion",
    )
    .await?;
    if !first.contains("Thuộc Mạng lưới Sản khoa") {
        return Err(format!(
            "the first suggestion does not name the network: {first:?}"
        ));
    }
    Ok(())
}

#[tokio::test]
async fn browser_a_network_change_reaches_the_referral_suggestions() {
    if !crate::support::server_under_test() {
        return;
    }
    let run = BrowserRun::start().await;
    let outcome = network_changes_the_suggestions(&run.browser, &run.server).await;
    run.finish(outcome).await;
}
