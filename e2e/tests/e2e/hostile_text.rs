//! Markup typed into free text is shown as text in the browser, never run.

use fantoccini::{Client, Locator};
use serde_json::json;
use shared::referral::ReferralInput;

use crate::browser::{BrowserRun, sign_in_as, wait_for};
use crate::support::{self, STATION_HEAD, Server};

/// Markup typed into free text: shown as text, never run.
const HOSTILE_NAME: &str = "<b>Trần</b> <script>document.title=1</script>";
const HOSTILE_SIGNS: &str = "<img src=x onerror=document.title=2> <script>window.pwned=3</script>";

/// A station's slip whose patient name and signs carry markup, opened in the browser.
async fn hostile_text_shown_as_text(browser: &Client, server: &Server) -> Result<(), String> {
    let station = server.api().sign_in(STATION_HEAD.0, STATION_HEAD.1).await;
    let slip: ReferralInput = serde_json::from_value(json!({
        "to_facility_id": station.facility_id("74-TTYTTA").await,
        "direction": "up", "urgency": "urgent", "reason": "beyond_capability",
        "patient": {"full_name": HOSTILE_NAME, "birth_date": "1960-01-01", "sex": "male"},
        "clinical": {"signs": HOSTILE_SIGNS, "diagnoses": [{"code": "I50.0", "name": "Suy tim"}]},
        "transport": {"means": "ambulance"},
        "signed_by": {"full_name": "Nguyễn Văn Minh"}
    }))
    .unwrap();
    let id = station.referrals().create(&slip).await.created().id;

    sign_in_as(browser, &server.url("/login"), STATION_HEAD).await?;
    browser
        .goto(&server.url(&format!("/referrals/{id}")))
        .await
        .map_err(|e| format!("opening the referral: {e}"))?;
    // The markup is there, character for character, as text.
    let signs = wait_for(
        browser,
        Locator::XPath("//*[contains(text(), '<img src=x onerror=document.title=2>')]"),
        "the signs shown as text",
    )
    .await?;
    let shown = signs
        .text()
        .await
        .map_err(|e| format!("reading the signs: {e}"))?;
    if !shown.contains(HOSTILE_SIGNS) {
        return Err(format!("signs shown as {shown:?}"));
    }
    wait_for(
        browser,
        Locator::XPath("//*[contains(text(), '<script>document.title=1</script>')]"),
        "the patient name shown as text",
    )
    .await?;
    // Nothing of it ran or became an element.
    let state = browser
        .execute(
            "return [document.title, typeof window.pwned, \
             document.querySelectorAll('img[src=x], b').length];",
            vec![],
        )
        .await
        .map_err(|e| format!("reading the page state: {e}"))?;
    let title = state[0].as_str().unwrap_or_default();
    if title == "1" || title == "2" || state[1] != "undefined" || state[2] != 0 {
        return Err(format!("the markup ran or was parsed: {state}"));
    }
    Ok(())
}

#[tokio::test]
async fn browser_shows_script_tags_in_free_text_as_text() {
    if !support::server_under_test() {
        return;
    }
    let run = BrowserRun::start().await;
    let outcome = hostile_text_shown_as_text(&run.browser, &run.server).await;
    run.finish(outcome).await;
}
