//! A supervision visit on a phone (390×844): the Nursing office schedules a visit to An
//! Phú with the medical-waste checklist, starts it on site, answers item by item (a note
//! and a photo of a finding), sees the score, submits it and raises two corrective
//! actions; the station head answers both from their phone; a follow-up visit closes
//! them.

use fantoccini::{Client, Locator};

use crate::browser::{
    BrowserRun, choose, click, emulate_phone, expect_phone_fit, fill, set_value, sign_in_as,
    sign_out, text_of, wait_for,
};
use crate::support::{self, Server};

const NURSE: (&str, &str) = ("dieuduong", "thuanan2026");
const STATION: (&str, &str) = ("tram.anphu", "thuanan2026");
const CHECKLIST: &str = "Bảng kiểm quản lý chất thải y tế tại trạm y tế (v1)";
const AN_PHU: &str = "Trạm Y tế phường An Phú";

/// The smallest valid PNG (1×1, transparent), for the photo of a finding.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

/// The id in the address of the page shown (`/supervision/visits/12` → 12).
async fn id_in_url(browser: &Client) -> Result<String, String> {
    let url = browser
        .current_url()
        .await
        .map_err(|e| format!("reading the address: {e}"))?;
    url.path_segments()
        .and_then(|mut segments| segments.next_back().map(str::to_string))
        .ok_or_else(|| format!("no id in {url}"))
}

/// Schedules a visit to An Phú (optionally following up `earlier`) and opens it.
async fn schedule(
    browser: &Client,
    server: &Server,
    earlier: Option<&str>,
) -> Result<String, String> {
    browser
        .goto(&server.url("/supervision/visits/new"))
        .await
        .map_err(|e| format!("opening the schedule form: {e}"))?;
    let option =
        |id: &str, text: &str| format!("//select[@id='{id}']/option[normalize-space(.)='{text}']");
    let template = wait_for(
        browser,
        Locator::XPath(&option("f-template_id", CHECKLIST)),
        "the checklist",
    )
    .await?;
    let template = template
        .attr("value")
        .await
        .map_err(|e| e.to_string())?
        .unwrap_or_default();
    choose(browser, "f-template_id", &template).await?;
    let station = wait_for(
        browser,
        Locator::XPath(&option("f-facility_id", AN_PHU)),
        "An Phú",
    )
    .await?;
    let station = station
        .attr("value")
        .await
        .map_err(|e| e.to_string())?
        .unwrap_or_default();
    choose(browser, "f-facility_id", &station).await?;
    if let Some(earlier) = earlier {
        wait_for(
            browser,
            Locator::XPath(&format!(
                "//select[@id='f-follow_up_of']/option[@value='{earlier}']"
            )),
            "the earlier visit among the follow-up choices",
        )
        .await?;
        choose(browser, "f-follow_up_of", earlier).await?;
    }
    click(browser, Locator::Id("schedule-visit"), "schedule").await?;
    wait_for(
        browser,
        Locator::Id("action-start"),
        "the new visit's start button",
    )
    .await?;
    let id = id_in_url(browser).await?;
    click(browser, Locator::Id("action-start"), "start the visit").await?;
    click(browser, Locator::Id("confirm-start"), "confirm the start").await?;
    wait_for(
        browser,
        Locator::Css("#visit-status[data-status='in_progress']"),
        "the visit in progress",
    )
    .await?;
    wait_for(browser, Locator::Id("checklist"), "the checklist").await?;
    Ok(id)
}

/// Taps an answer (with a note typed first) and waits for the server's answer. Item
/// codes appear in element ids with `_` for `.` (`CTYT-1.2` → `CTYT-1_2`).
async fn answer(
    browser: &Client,
    item: &str,
    button: &str,
    note: Option<&str>,
) -> Result<(), String> {
    let item = item.replace('.', "_");
    if let Some(note) = note {
        fill(browser, &format!("note-{item}"), note).await?;
    }
    let id = format!("answer-{item}-{button}");
    click(browser, Locator::Id(&id), &id).await?;
    wait_for(
        browser,
        Locator::Css(&format!(
            "#item-{item}[data-answered='true'] #{id}[aria-pressed='true']"
        )),
        &format!("{item} answered {button}"),
    )
    .await?;
    Ok(())
}

/// Raises a corrective action about `item`.
async fn raise(browser: &Client, item: &str, text: &str, count: usize) -> Result<(), String> {
    choose(browser, "action-item", item).await?;
    fill(browser, "action-description", text).await?;
    set_value(browser, "action-due", "2031-01-31").await?;
    click(browser, Locator::Id("create-action"), "assign the action").await?;
    let want = format!("(//div[@id='raised-actions']/article)[{count}]");
    wait_for(
        browser,
        Locator::XPath(&want),
        &format!("corrective action {count} raised"),
    )
    .await?;
    Ok(())
}

async fn supervise(browser: &Client, server: &Server) -> Result<(), String> {
    emulate_phone(browser).await?;
    sign_in_as(browser, &server.url("/login"), NURSE).await?;
    let visit = schedule(browser, server, None).await?;
    expect_phone_fit(browser, "a visit in progress").await?;

    // A station cannot meet every item: 1.2 partly, 2.1 not at all (with a photo), the
    // waste book 1 point of 3. 3 + ½ + 3 + 0 + 2 + ⅓ + 1 = 9.83 of 13 = 75.6 %: failed.
    answer(browser, "CTYT-1.1", "yes", None).await?;
    answer(
        browser,
        "CTYT-1.2",
        "partly",
        Some("Thùng chất thải lây nhiễm không có nắp"),
    )
    .await?;
    answer(browser, "CTYT-1.3", "yes", None).await?;
    answer(
        browser,
        "CTYT-2.1",
        "no",
        Some("Khu lưu giữ không có khóa, không biển cảnh báo"),
    )
    .await?;
    let photo = std::env::temp_dir().join(format!("finding-{visit}.png"));
    std::fs::write(&photo, PNG).map_err(|e| format!("writing the photo: {e}"))?;
    wait_for(browser, Locator::Id("photo-CTYT-2_1"), "the photo input")
        .await?
        .send_keys(&photo.to_string_lossy())
        .await
        .map_err(|e| format!("choosing the photo: {e}"))?;
    wait_for(
        browser,
        Locator::Css("#item-CTYT-2_1 .finding-photo"),
        "the finding's photo",
    )
    .await?;
    answer(browser, "CTYT-2.2", "yes", None).await?;
    answer(browser, "CTYT-2.3", "1", None).await?;
    answer(browser, "CTYT-3.1", "yes", None).await?;
    let score = text_of(browser, Locator::Id("visit-score"), "the score").await?;
    if !score.contains("75,6 %") || !score.contains("Không đạt") || !score.contains("7/7") {
        return Err(format!("the score reads {score:?}"));
    }
    click(browser, Locator::Id("action-submit"), "submit").await?;
    fill(
        browser,
        "dialog-text",
        "Nhắc nhở, chấn chỉnh khu lưu giữ chất thải",
    )
    .await?;
    click(
        browser,
        Locator::Id("confirm-submit"),
        "confirm the submission",
    )
    .await?;
    wait_for(
        browser,
        Locator::Css("#visit-status[data-status='submitted']"),
        "the visit scored",
    )
    .await?;
    raise(
        browser,
        "CTYT-1.2",
        "Thay thùng đựng chất thải lây nhiễm có nắp đậy",
        1,
    )
    .await?;
    raise(
        browser,
        "CTYT-2.1",
        "Lắp khóa và biển cảnh báo cho khu lưu giữ",
        2,
    )
    .await?;
    expect_phone_fit(browser, "a scored visit with its actions").await?;
    // The A4 report of the visit: its score, its verdict and both actions.
    click(browser, Locator::Id("print-visit"), "the visit report").await?;
    let report = text_of(browser, Locator::Id("report-score"), "the report's score").await?;
    if !report.contains("75,6 %") || !report.contains("KHÔNG ĐẠT") {
        return Err(format!("the report's score reads {report:?}"));
    }
    let rows = browser
        .find_all(Locator::Css("table.report-actions tbody tr"))
        .await
        .map_err(|e| format!("reading the report's actions: {e}"))?;
    if rows.len() != 2 {
        return Err(format!("the report lists {} actions, not 2", rows.len()));
    }
    sign_out(browser).await?;

    // The station head answers both, on their phone.
    sign_in_as(browser, &server.url("/login"), STATION).await?;
    browser
        .goto(&server.url(&format!("/supervision/actions?visit_id={visit}")))
        .await
        .map_err(|e| format!("opening the actions: {e}"))?;
    wait_for(
        browser,
        Locator::Css("#action-list .corrective-action"),
        "the station's actions",
    )
    .await?;
    let cards = browser
        .find_all(Locator::Css("#action-list .corrective-action"))
        .await
        .map_err(|e| format!("listing the actions: {e}"))?;
    let mut ids = Vec::new();
    for card in cards {
        let id = card
            .attr("id")
            .await
            .map_err(|e| e.to_string())?
            .unwrap_or_default();
        ids.push(id.trim_start_matches("corrective-").to_string());
    }
    if ids.len() != 2 {
        return Err(format!(
            "the station sees {} actions of the visit, not 2",
            ids.len()
        ));
    }
    expect_phone_fit(browser, "the station's corrective actions").await?;
    for id in &ids {
        click(
            browser,
            Locator::Id(&format!("action-answer-{id}")),
            "answer",
        )
        .await?;
        fill(
            browser,
            &format!("step-text-{id}"),
            "Đã khắc phục, có ảnh gửi kèm sổ theo dõi",
        )
        .await?;
        click(browser, Locator::Id("confirm-answer"), "confirm the answer").await?;
        wait_for(
            browser,
            Locator::Css(&format!("#corrective-{id}[data-status='answered']")),
            &format!("action {id} answered"),
        )
        .await?;
    }
    sign_out(browser).await?;

    // A follow-up visit closes them.
    sign_in_as(browser, &server.url("/login"), NURSE).await?;
    schedule(browser, server, Some(&visit)).await?;
    wait_for(
        browser,
        Locator::Id("earlier-actions"),
        "the earlier actions on the follow-up",
    )
    .await?;
    for id in &ids {
        click(browser, Locator::Id(&format!("action-close-{id}")), "close").await?;
        fill(
            browser,
            &format!("step-text-{id}"),
            "Kiểm tra lại tại chỗ: đã khắc phục",
        )
        .await?;
        click(browser, Locator::Id("confirm-close"), "confirm the closing").await?;
        crate::browser::wait_until_gone(browser, &format!("#corrective-{id}"), "the closed action")
            .await?;
    }
    browser
        .goto(&server.url(&format!(
            "/supervision/actions?visit_id={visit}&status=closed"
        )))
        .await
        .map_err(|e| format!("opening the closed actions: {e}"))?;
    for id in &ids {
        wait_for(
            browser,
            Locator::Css(&format!("#corrective-{id}[data-status='closed']")),
            &format!("action {id} closed"),
        )
        .await?;
    }
    Ok(())
}

#[tokio::test]
async fn browser_a_supervision_visit_on_a_phone_is_scored_answered_and_followed_up() {
    if !support::server_under_test() {
        return;
    }
    let run = BrowserRun::start().await;
    let outcome = supervise(&run.browser, &run.server).await;
    run.finish(outcome).await;
}
