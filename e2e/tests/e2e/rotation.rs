//! The planner generates a rotation quarter, reads why a demand stays unmet and
//! publishes; a clinician sees the posting and subscribes their calendar.

use fantoccini::{Client, Locator};
use reqwest::StatusCode;

use crate::browser::{
    BrowserRun, click, follow_nav, generate, open_rotation_plan, sign_in_as, sign_out, text_of,
    wait_for, wait_until_gone,
};
use crate::support::{self, CENTRE_CLINICIAN, PLANNER, Server, http_client};

/// The second-quarter rotation plan of the demo: demands, no assignments yet.
const Q2_PLAN: &str = "Lịch luân phiên hỗ trợ trạm y tế quý II/2026";
/// The rule that keeps the paediatric Thursday visits at An Phú unmet.
const AWAY_SHARE_RULE: &str = "Vượt tỷ lệ nhân lực của khoa đi luân phiên cùng lúc";

/// The planner opens the second quarter, generates it, reads why the paediatric visits
/// at An Phú cannot be met, publishes, and sees the calendar published.
async fn plan_generate_and_publish(browser: &Client, server: &Server) -> Result<(), String> {
    open_rotation_plan(browser, &server.url("/login"), PLANNER, Q2_PLAN).await?;
    wait_for(
        browser,
        Locator::XPath(&format!(
            "//h1[@id='plan-title'][normalize-space(.)='{Q2_PLAN}']"
        )),
        "the plan page",
    )
    .await?;
    // Nothing is assigned yet: the demand shows as empty slots.
    wait_for(
        browser,
        Locator::Css("#rotation-grid [data-test='unfilled-slot']"),
        "an empty slot of unfilled demand in the calendar",
    )
    .await?;

    generate(browser).await?;
    // The result in words: what was filled and what was not; the solver's score folded.
    let summary = text_of(
        browser,
        Locator::Css("#generation-summary li[data-test='unfilled']"),
        "the sentence on unfilled demand",
    )
    .await?;
    if !summary.starts_with("Còn ") || !summary.contains("nhu cầu chưa đủ người") {
        return Err(format!(
            "the unfilled demand is not said in words: {summary:?}"
        ));
    }
    wait_for(
        browser,
        Locator::Css(
            "details#generation-details:not([open]) #score-breakdown tr[data-goal='unfilled_days']",
        ),
        "the score per goal, folded",
    )
    .await?;
    let page = text_of(browser, Locator::Css("#generation"), "the generator panel").await?;
    for jargon in ["Hạt giống", "bình phương", "Tổng điểm có trọng số"] {
        if page.contains(jargon) {
            return Err(format!("the generator panel shows {jargon:?}: {page}"));
        }
    }
    let unmet = wait_for(
        browser,
        Locator::XPath(&format!(
            "//li[@data-test='unmet-demand'][contains(., 'An Phú')][contains(., 'Nhi khoa')]\
             [.//p[contains(@class,'unmet-explanation')][starts-with(normalize-space(.), 'Thiếu')]]\
             [.//li[@data-rule='away_share'][contains(., '{AWAY_SHARE_RULE}')]]"
        )),
        "the unmet paediatric demand at An Phú, explained by the away-share rule",
    )
    .await?;
    let explanation = unmet
        .find(Locator::Css(".unmet-explanation"))
        .await
        .map_err(|e| format!("finding the explanation: {e}"))?
        .text()
        .await
        .map_err(|e| format!("reading the explanation: {e}"))?;
    if !explanation
        .to_lowercase()
        .contains(&AWAY_SHARE_RULE.to_lowercase())
    {
        return Err(format!(
            "the explanation does not name the away-share rule: {explanation:?}"
        ));
    }
    wait_for(
        browser,
        Locator::Css("#rotation-grid [data-test='assignment-slot'][data-status='proposed']"),
        "the proposals in the calendar",
    )
    .await?;

    // Publishing asks first, saying how many and, for a quarter already over, warning.
    click(
        browser,
        Locator::Css("#publish-plan:not([disabled])"),
        "the publish button",
    )
    .await?;
    let question = text_of(
        browser,
        Locator::Css("#dialog-publish #publish-question"),
        "the publish confirmation",
    )
    .await?;
    if !question.starts_with("Công bố ") || !question.contains("phân công") {
        return Err(format!(
            "the confirmation does not say what it publishes: {question:?}"
        ));
    }
    if quarter_two_is_over() {
        wait_for(
            browser,
            Locator::Css("#dialog-publish #publish-past-warning"),
            "the warning that the whole period is past",
        )
        .await?;
    }
    click(
        browser,
        Locator::Css("#confirm-publish:not([disabled])"),
        "the confirm button of the publish dialog",
    )
    .await?;
    wait_for(
        browser,
        Locator::XPath("//*[@id='plan-published'][starts-with(normalize-space(.), 'Công bố lúc')]"),
        "the plan marked published",
    )
    .await?;
    wait_until_gone(
        browser,
        "#rotation-grid [data-status='proposed']",
        "a proposed slot after publishing",
    )
    .await?;
    wait_for(
        browser,
        Locator::Css("#rotation-grid [data-test='assignment-slot'][data-status='published']"),
        "the published slots in the calendar",
    )
    .await?;
    sign_out(browser).await
}

/// Whether 30 June 2026 is over in Vietnam (UTC+7), so that the demo's second quarter
/// lies wholly in the past.
fn quarter_two_is_over() -> bool {
    const JULY_2026_IN_VIETNAM: u64 = 1_782_838_800;
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .is_ok_and(|now| now.as_secs() >= JULY_2026_IN_VIETNAM)
}

/// The clinician finds a second-quarter rotation at a station among their own, and gets
/// the address of their phone calendar.
async fn clinician_sees_rotation(browser: &Client, server: &Server) -> Result<(), String> {
    sign_in_as(browser, &server.url("/login"), CENTRE_CLINICIAN).await?;
    follow_nav(browser, "Luân phiên").await?;
    click(
        browser,
        Locator::Css("#tab-my-rotations"),
        "the my-rotations tab",
    )
    .await?;
    wait_for(
        browser,
        Locator::Css("#my-rotations tr[data-test='my-rotation']"),
        "my rotations",
    )
    .await?;
    let mut second_quarter = Vec::new();
    for row in browser
        .find_all(Locator::Css("#my-rotations tr[data-test='my-rotation']"))
        .await
        .map_err(|e| format!("reading my rotations: {e}"))?
    {
        let start = row
            .attr("data-start")
            .await
            .ok()
            .flatten()
            .unwrap_or_default();
        let end = row
            .attr("data-end")
            .await
            .ok()
            .flatten()
            .unwrap_or_default();
        let station = row
            .find(Locator::Css("td.station"))
            .await
            .map_err(|e| format!("finding the station cell: {e}"))?
            .text()
            .await
            .map_err(|e| format!("reading the station cell: {e}"))?;
        // ISO dates compare as text.
        if start.as_str() >= "2026-04-01"
            && end.as_str() <= "2026-06-30"
            && !station.trim().is_empty()
        {
            second_quarter.push(format!("{start}..{end} {station}"));
        }
    }
    if second_quarter.is_empty() {
        return Err("no rotation between April and June 2026 among my rotations".into());
    }

    click(
        browser,
        Locator::Css("#calendar-feed:not([disabled])"),
        "the phone calendar button",
    )
    .await?;
    let address = wait_for(
        browser,
        Locator::Css("#calendar-feed-url"),
        "the calendar address",
    )
    .await?
    .prop("value")
    .await
    .map_err(|e| format!("reading the calendar address: {e}"))?
    .unwrap_or_default();
    if !address.starts_with(&server.url("/api/v1/calendar-feeds/")) {
        return Err(format!("unexpected calendar address {address:?}"));
    }
    let calendar = http_client()
        .get(&address)
        .send()
        .await
        .map_err(|e| format!("fetching {address}: {e}"))?;
    let status = calendar.status();
    let text = calendar.text().await.unwrap_or_default();
    if status != StatusCode::OK || !text.contains("BEGIN:VCALENDAR") {
        return Err(format!("the calendar feed answered {status}: {text:.200}"));
    }
    Ok(())
}

#[tokio::test]
async fn browser_planner_generates_explains_unmet_demand_publishes_and_clinician_sees_rotation() {
    if !support::server_under_test() {
        return;
    }
    let run = BrowserRun::start().await;
    let mut outcome = plan_generate_and_publish(&run.browser, &run.server).await;
    if outcome.is_ok() {
        outcome = clinician_sees_rotation(&run.browser, &run.server).await;
    }
    run.finish(outcome).await;
}
