//! A referral from a station to the regional centre and back, in the browser: the slip
//! form, the inbox, every step the state machine allows, the back-referral and its
//! follow-up visit.

use fantoccini::{Client, Locator};

use crate::browser::{
    BrowserRun, choose, click, fill, sign_in_as, sign_out, text_of, wait_for, wait_until_gone,
};
use crate::support::{self, CENTRE_CLINICIAN, PLANNER_FACILITY, STATION_HEAD, Server};

/// The actions offered on the referral page (`data-action` of its buttons), once the
/// header shows `status`.
async fn offered_actions(browser: &Client, status: &str) -> Result<Vec<String>, String> {
    wait_for(
        browser,
        Locator::Css(&format!(".referral-header [data-status='{status}']")),
        &format!("the referral in status {status}"),
    )
    .await?;
    let mut actions = Vec::new();
    for button in browser
        .find_all(Locator::Css(".actions-bar button[data-action]"))
        .await
        .map_err(|e| format!("reading the action buttons: {e}"))?
    {
        if let Some(action) = button
            .attr("data-action")
            .await
            .map_err(|e| format!("reading data-action: {e}"))?
        {
            actions.push(action);
        }
    }
    actions.sort();
    Ok(actions)
}

/// The station head fills the slip form and sends it to the regional centre; a clinician
/// of the centre finds it in the inbox and accepts it. The referral page offers exactly
/// the actions the state machine allows each of them. Ends signed in as the clinician on
/// the referral's page; returns its slip number.
async fn refer_and_accept(browser: &Client, server: &Server) -> Result<String, String> {
    sign_in_as(browser, &server.url("/login"), STATION_HEAD).await?;
    browser
        .goto(&server.url("/referrals/new"))
        .await
        .map_err(|e| format!("opening the slip form: {e}"))?;

    // Destination: the suggestions for paediatrics, then the centre among them.
    choose(browser, "destination-specialty", "nhi_khoa").await?;
    let pick = format!(
        "//li[contains(@class,'destination')][.//strong[normalize-space(.)='{PLANNER_FACILITY}']]//button"
    );
    click(
        browser,
        Locator::XPath(&pick),
        "the centre among the suggestions",
    )
    .await?;
    wait_for(
        browser,
        Locator::XPath(&format!(
            "//*[@id='chosen-destination-name'][normalize-space(.)='{PLANNER_FACILITY}']"
        )),
        "the chosen destination",
    )
    .await?;
    // The specialty it was picked for stays with the slip.
    wait_for(
        browser,
        Locator::XPath("//*[@id='chosen-specialty'][normalize-space(.)='Nhi khoa']"),
        "the specialty beside the chosen destination",
    )
    .await?;

    fill(browser, "f-patient-full_name", "Lê Thị Thử Nghiệm").await?;
    choose(browser, "f-patient-sex", "female").await?;
    fill(browser, "f-patient-birth_year", "2019").await?;
    choose(browser, "f-urgency", "routine").await?;
    click(
        browser,
        Locator::Id("f-reason-beyond_capability"),
        "reason 2 (beyond capability)",
    )
    .await?;
    fill(
        browser,
        "f-clinical-signs",
        "Sốt 39 độ C ba ngày, ho, thở nhanh",
    )
    .await?;
    // The ICD-10 lookup: words without accents, in any order (the first twelve matches
    // show, so the words narrow "viêm phổi" down), then the code picked from the matches
    // fills the diagnosis row.
    fill(browser, "icd-lookup", "viem phoi khong dac hieu").await?;
    click(
        browser,
        Locator::XPath("//li[contains(@class,'icd-option')][code[normalize-space(.)='J18.9']]"),
        "J18.9 among the ICD-10 matches",
    )
    .await?;
    wait_for(
        browser,
        Locator::Css("#f-clinical-diagnoses-0-code"),
        "the diagnosis row the lookup filled",
    )
    .await?;
    fill(
        browser,
        "f-clinical-condition_at_transfer",
        "Tỉnh, SpO2 94% khí trời",
    )
    .await?;
    choose(browser, "f-transport-means", "private_vehicle").await?;
    // The signer comes from the station head's staff record.
    wait_for(
        browser,
        Locator::Id("signer-prefilled"),
        "the signer pre-filled from the staff record",
    )
    .await?;
    click(browser, Locator::Id("save-send"), "“Lưu và gửi”").await?;
    let confirmation = text_of(
        browser,
        Locator::Id("sent-confirmation"),
        "the confirmation of the send",
    )
    .await?;
    if !confirmation.contains("74-TYT-ANPHU/") {
        return Err(format!(
            "the confirmation {confirmation:?} has no slip number"
        ));
    }

    // The referral page: sent, and the sender may only cancel it.
    let actions = offered_actions(browser, "sent").await?;
    if actions != ["cancel"] {
        return Err(format!(
            "the sender is offered {actions:?}, expected only cancel"
        ));
    }
    let slip_number = wait_for(browser, Locator::Id("slip-number"), "the slip number")
        .await?
        .text()
        .await
        .map_err(|e| format!("reading the slip number: {e}"))?;
    if !slip_number.starts_with("74-TYT-ANPHU/") {
        return Err(format!("unexpected slip number {slip_number:?}"));
    }
    // The printed slip names the specialty beside the destination.
    let page = browser
        .current_url()
        .await
        .map_err(|e| format!("reading the referral's address: {e}"))?;
    browser
        .goto(&format!(
            "{}{}/print",
            server.url(""),
            page.path().trim_end_matches('/')
        ))
        .await
        .map_err(|e| format!("opening the printable slip: {e}"))?;
    wait_for(
        browser,
        Locator::XPath("//*[@id='slip-specialty'][contains(normalize-space(.),'Nhi khoa')]"),
        "the specialty on the printable slip",
    )
    .await?;

    sign_out(browser).await?;
    sign_in_as(browser, &server.url("/login"), CENTRE_CLINICIAN).await?;
    browser
        .goto(&server.url("/referrals?box=inbox"))
        .await
        .map_err(|e| format!("opening the inbox: {e}"))?;
    let row =
        format!("//table[contains(@class,'referrals')]//a[normalize-space(.)='{slip_number}']");
    click(
        browser,
        Locator::XPath(&row),
        "the new referral in the centre's inbox",
    )
    .await?;

    let actions = offered_actions(browser, "sent").await?;
    if actions != ["accept", "decline", "redirect"] {
        return Err(format!(
            "the receiver of a sent referral is offered {actions:?}, expected accept, decline, redirect"
        ));
    }
    wait_for(
        browser,
        Locator::Id("patient-facts"),
        "the patient's details",
    )
    .await?;
    wait_for(
        browser,
        Locator::XPath("//*[@id='referral-specialty'][normalize-space(.)='Nhi khoa']"),
        "the specialty asked for, on the receiver's page",
    )
    .await?;
    click(browser, Locator::Id("action-accept"), "the accept button").await?;
    click(
        browser,
        Locator::Id("confirm-accept"),
        "the accept dialog's confirm",
    )
    .await?;
    let actions = offered_actions(browser, "accepted").await?;
    if actions != ["arrive", "redirect"] {
        return Err(format!(
            "the receiver of an accepted referral is offered {actions:?}, expected arrive, redirect"
        ));
    }
    wait_for(
        browser,
        Locator::XPath("//*[@id='timeline']//li[contains(@class,'event-accept')]"),
        "the acceptance on the timeline",
    )
    .await?;
    Ok(slip_number)
}

/// The referral of [`refer_and_accept`] the whole way round: the patient arrives, the
/// centre completes care by returning the patient to the station (a back-referral with a
/// follow-up), and the station sees the back-referral, the outcome on its own slip and the
/// follow-up, which it closes with a visit.
async fn referral_round_trip(browser: &Client, server: &Server) -> Result<(), String> {
    let slip_number = refer_and_accept(browser, server).await?;

    // The patient arrives: only completion is left to the centre.
    click(browser, Locator::Id("action-arrive"), "the arrive button").await?;
    wait_for(browser, Locator::Id("dialog-arrive"), "the arrive dialog").await?;
    fill(browser, "dialog-note", ARRIVAL_NOTE).await?;
    click(
        browser,
        Locator::Id("confirm-arrive"),
        "the arrive dialog's confirm",
    )
    .await?;
    let actions = offered_actions(browser, "arrived").await?;
    if actions != ["complete"] {
        return Err(format!(
            "the receiver of an arrived patient is offered {actions:?}, expected only complete"
        ));
    }
    wait_for(
        browser,
        Locator::XPath(&format!(
            "//*[@id='timeline']//li[contains(@class,'event-arrive')][contains(., '{ARRIVAL_NOTE}')]"
        )),
        "the arrival on the timeline",
    )
    .await?;

    // Care ends with the patient sent back to the station, with one follow-up.
    click(
        browser,
        Locator::Id("action-complete"),
        "the complete button",
    )
    .await?;
    wait_for(
        browser,
        Locator::Id("dialog-complete"),
        "the complete dialog",
    )
    .await?;
    choose(browser, "dialog-outcome", "returned_to_referrer").await?;
    fill(browser, "dialog-summary", DISCHARGE_SUMMARY).await?;
    // Returning the patient offers a follow-up row, due two weeks ahead.
    let due_on = wait_for(
        browser,
        Locator::Id("f-follow_ups-0-due_on"),
        "the follow-up row's due date",
    )
    .await?
    .prop("value")
    .await
    .map_err(|e| format!("reading the follow-up's due date: {e}"))?
    .unwrap_or_default();
    let due_shown = match due_on.split('-').collect::<Vec<_>>()[..] {
        [year, month, day] if year.len() == 4 => format!("{day}/{month}/{year}"),
        _ => return Err(format!("the follow-up row is due {due_on:?}, not a date")),
    };
    fill(
        browser,
        "f-follow_ups-0-instructions",
        FOLLOW_UP_INSTRUCTIONS,
    )
    .await?;
    fill(browser, "dialog-condition", "Tỉnh, hết sốt, ăn uống được").await?;
    // The back-referral is shown for review before it goes, each field from its own.
    for (id, expected) in [
        ("back-signs", DISCHARGE_SUMMARY.to_string()),
        ("back-condition", "Tỉnh, hết sốt, ăn uống được".to_string()),
        (
            "back-direction",
            format!("{due_shown}: {FOLLOW_UP_INSTRUCTIONS}"),
        ),
    ] {
        wait_for(
            browser,
            Locator::XPath(&format!(
                "//*[@id='{id}'][normalize-space(.)=normalize-space({expected:?})]"
            )),
            &format!("{id} of the back-referral under review"),
        )
        .await?;
    }
    click(
        browser,
        Locator::Id("confirm-complete"),
        "the complete dialog's confirm",
    )
    .await?;
    let actions = offered_actions(browser, "completed").await?;
    if !actions.is_empty() {
        return Err(format!(
            "a completed referral still offers {actions:?}, expected nothing"
        ));
    }
    wait_for(
        browser,
        Locator::Id("no-actions"),
        "“no actions” once completed",
    )
    .await?;
    wait_for(
        browser,
        Locator::XPath(&format!(
            "//*[@id='outcome'][normalize-space(.)='{RETURNED_TO_REFERRER}']"
        )),
        "the outcome on the completed referral",
    )
    .await?;
    // The back-referral, already sent down to the station, is linked as a successor.
    let back_link = "//ul[contains(@class,'links')]/li[@data-link-kind='back_referral']";
    wait_for(
        browser,
        Locator::XPath(&format!("{back_link}[.//*[@data-status='sent']]")),
        "the sent back-referral among the linked referrals",
    )
    .await?;
    let back_number = text_of(
        browser,
        Locator::XPath(&format!("{back_link}//a/code")),
        "the back-referral's slip number",
    )
    .await?;
    if back_number.is_empty() || back_number == slip_number {
        return Err(format!(
            "the back-referral is numbered {back_number:?} (the referral is {slip_number:?})"
        ));
    }

    // The station finds the back-referral in its inbox…
    sign_out(browser).await?;
    sign_in_as(browser, &server.url("/login"), STATION_HEAD).await?;
    browser
        .goto(&server.url("/referrals?box=inbox"))
        .await
        .map_err(|e| format!("opening the station's inbox: {e}"))?;
    let row = format!(
        "//table[contains(@class,'referrals')]//tr[.//a[normalize-space(.)='{back_number}']]"
    );
    wait_for(
        browser,
        Locator::XPath(&format!(
            "{row}[.//*[@data-status='sent']][td[normalize-space(.)='{PLANNER_FACILITY}']]"
        )),
        "the back-referral from the centre in the station's inbox",
    )
    .await?;
    click(
        browser,
        Locator::XPath(&format!("{row}//a[normalize-space(.)='{back_number}']")),
        "the back-referral in the station's inbox",
    )
    .await?;
    wait_for(
        browser,
        Locator::XPath(&format!(
            "//*[@id='slip-number'][normalize-space(.)='{back_number}']"
        )),
        "the back-referral's page",
    )
    .await?;

    // …and, through it, the outcome of its own referral (feedback to the referrer).
    click(
        browser,
        Locator::XPath(&format!(
            "//ul[contains(@class,'links')]/li//a[normalize-space(.)='{slip_number}']"
        )),
        "the original referral linked from the back-referral",
    )
    .await?;
    wait_for(
        browser,
        Locator::XPath(&format!(
            "//*[@id='slip-number'][normalize-space(.)='{slip_number}']"
        )),
        "the original referral's page",
    )
    .await?;
    wait_for(
        browser,
        Locator::XPath(&format!(
            "//*[@id='outcome'][normalize-space(.)='{RETURNED_TO_REFERRER}']"
        )),
        "the outcome shown to the referring station",
    )
    .await?;
    wait_for(
        browser,
        Locator::XPath(&format!("//dd[normalize-space(.)='{DISCHARGE_SUMMARY}']")),
        "the discharge summary shown to the referring station",
    )
    .await?;
    wait_for(
        browser,
        Locator::XPath(&format!(
            "//ul[contains(@class,'follow-ups')]/li[contains(., '{FOLLOW_UP_INSTRUCTIONS}')]"
        )),
        "the follow-up plan on the original referral",
    )
    .await?;

    // The follow-up is on the station's list, open and due when the centre set it.
    browser
        .goto(&server.url("/referrals/follow-ups"))
        .await
        .map_err(|e| format!("opening the follow-ups: {e}"))?;
    let follow_up = format!(
        "//table[contains(@class,'follow-ups')]//tr[@data-follow-up-id][td[contains(., '{FOLLOW_UP_INSTRUCTIONS}')]]"
    );
    let id = wait_for(
        browser,
        Locator::XPath(&format!(
            "{follow_up}[td/strong[normalize-space(.)='{due_shown}']][.//*[contains(@class,'follow-up-open')]]"
        )),
        "the open follow-up on the station's list",
    )
    .await?
    .attr("data-follow-up-id")
    .await
    .map_err(|e| format!("reading the follow-up's id: {e}"))?
    .unwrap_or_default();

    // A visit that ends the follow-up.
    click(
        browser,
        Locator::Id(&format!("record-visit-{id}")),
        "the record-visit button",
    )
    .await?;
    fill(browser, &format!("visit-notes-{id}"), VISIT_NOTES).await?;
    let close = format!("visit-close-{id}");
    click(browser, Locator::Id(&close), "“Kết thúc theo dõi”").await?;
    if !wait_for(browser, Locator::Id(&close), "“Kết thúc theo dõi”")
        .await?
        .is_selected()
        .await
        .map_err(|e| format!("reading “Kết thúc theo dõi”: {e}"))?
    {
        return Err("“Kết thúc theo dõi” is not checked after clicking it".into());
    }
    click(
        browser,
        Locator::XPath(
            "//tr[contains(@class,'row-form')]//div[contains(@class,'dialog-actions')]/button[contains(@class,'primary')]",
        ),
        "the visit form's save button",
    )
    .await?;
    // Saved: the list of open follow-ups is read again, without this one.
    wait_until_gone(
        browser,
        &format!("tr[data-follow-up-id='{id}']"),
        "the closed follow-up among the open ones",
    )
    .await?;
    choose(browser, "filter-follow-up-status", "done").await?;
    wait_for(
        browser,
        Locator::XPath(&format!(
            "//tr[@data-follow-up-id='{id}'][.//*[contains(@class,'follow-up-done')]][.//li[contains(., '{VISIT_NOTES}')]]"
        )),
        "the follow-up done, with its visit",
    )
    .await?;
    Ok(())
}

/// Notes and texts the round trip types, found again later on other pages.
const ARRIVAL_NOTE: &str = "Người bệnh đến khoa Nhi, tỉnh";
const DISCHARGE_SUMMARY: &str = "Hết sốt sau 5 ngày kháng sinh, phổi thông khí tốt";
const FOLLOW_UP_INSTRUCTIONS: &str = "Khám lại phổi, đo SpO2, theo dõi nhiệt độ";
const VISIT_NOTES: &str = "Phổi không ran, SpO2 98%, hết sốt";
/// The Vietnamese label of the outcome `returned_to_referrer`.
const RETURNED_TO_REFERRER: &str = "Chuyển về nơi chuyển đi tiếp tục điều trị, theo dõi";

#[tokio::test]
async fn browser_referral_round_trip_from_station_to_centre_and_back() {
    if !support::server_under_test() {
        return;
    }
    let run = BrowserRun::start().await;
    let outcome = referral_round_trip(&run.browser, &run.server).await;
    run.finish(outcome).await;
}
