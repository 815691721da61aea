//! Technique transfer in the browser, on the demo network (test 6a): the regional
//! centre's planner drafts an agreement transferring acupuncture (châm cứu), which only
//! Lái Thiêu's station performs, to An Phú's station, and edits the draft once; both
//! sides sign; An Phú enrols its head as the trainee, the centre records a session with
//! attendance and moves to the readiness check; An Phú finds its equipment not ready,
//! and its sign-off is refused with a message in Vietnamese; once the equipment is
//! confirmed ready both sides sign off, the centre certifying the trainee. Then An Phú performs the technique by transfer (its
//! facility page), its trainee's scope of practice holds it (the staff page), and a
//! patient of Thuận Giao who needs acupuncture is now suggested An Phú first, the nearer
//! station, on Thuận Giao's new referral. Last, on the station head's phone: the agreement's page fits, a review is
//! recorded, the trainee leaves and is flagged, and the list filtered to flagged
//! trainees shows the agreement as a card.

use fantoccini::{Client, Locator};
use shared::transfer::{Agreement, AgreementInput};

use crate::browser::{
    BrowserRun, Strictness, choose, click, emulate_phone, expect_clean_console, expect_console,
    expect_phone_fit, fill, replace_text, set_value, sign_in_as, sign_out, text_of, wait_for,
    wait_until_gone,
};
use crate::support::{PLANNER, STATION_HEAD, Server};

/// The technique transferred: performed by Lái Thiêu's station only.
const TECHNIQUE: &str = "cham_cuu";
const TECHNIQUE_NAME: &str = "Châm cứu điều trị";
const TITLE: &str = "Chuyển giao kỹ thuật châm cứu điều trị cho Trạm Y tế phường An Phú";
const AN_PHU: &str = "Trạm Y tế phường An Phú";
const LAI_THIEU: &str = "Trạm Y tế phường Lái Thiêu";
/// The head of An Phú's station, its lead and trainee (a linked member of its staff).
const AN_PHU_HEAD: &str = "Nguyễn Văn Minh";
/// The centre's planner, its lead.
const CENTRE_LEAD: &str = "Nguyễn Thị Thu Hà";
/// Thuận Giao's station head: Thuận Giao is nearer to An Phú than to Lái Thiêu.
const THUAN_GIAO_HEAD: (&str, &str) = ("tram.thuangiao", "thuanan2026");

async fn open(browser: &Client, server: &Server, path: &str) -> Result<(), String> {
    browser
        .goto(&server.url(path))
        .await
        .map_err(|e| format!("opening {path}: {e}"))
}

/// Picks the option of the select `id` whose text contains `text`; its value.
async fn choose_containing(browser: &Client, id: &str, text: &str) -> Result<String, String> {
    let what = format!("the option containing {text:?} of #{id}");
    let value = wait_for(
        browser,
        Locator::XPath(&format!(
            "//select[@id='{id}']/option[contains(normalize-space(.),'{text}')]"
        )),
        &what,
    )
    .await?
    .attr("value")
    .await
    .map_err(|e| format!("reading {what}: {e}"))?
    .unwrap_or_default();
    choose(browser, id, &value).await?;
    Ok(value)
}

/// Presses the step `code` and confirms its dialog.
async fn step(browser: &Client, code: &str) -> Result<(), String> {
    click(
        browser,
        Locator::Id(&format!("action-{code}")),
        &format!("the step {code}"),
    )
    .await?;
    click(
        browser,
        Locator::Id(&format!("confirm-{code}")),
        &format!("confirming {code}"),
    )
    .await
}

async fn status_is(browser: &Client, status: &str) -> Result<(), String> {
    wait_for(
        browser,
        Locator::Css(&format!("#agreement-status[data-status='{status}']")),
        &format!("the agreement {status}"),
    )
    .await
    .map(drop)
}

/// Sets one readiness item and waits for the server's answer.
async fn readiness(
    browser: &Client,
    kind: &str,
    state: &str,
    evidence: &str,
) -> Result<(), String> {
    choose(browser, &format!("readiness-{kind}-state"), state).await?;
    set_value(browser, &format!("readiness-{kind}-evidence"), evidence).await?;
    click(
        browser,
        Locator::Id(&format!("readiness-{kind}-confirm")),
        &format!("confirm {kind}"),
    )
    .await?;
    wait_for(
        browser,
        Locator::Css(&format!(
            "#readiness-{kind}[data-state='{state}'] #readiness-{kind}-confirmed"
        )),
        &format!("{kind} {state}"),
    )
    .await
    .map(drop)
}

/// The names of the destinations Thuận Giao's head is offered, on a new referral, for
/// a patient who needs acupuncture, best first. Signs in as Thuận Giao's head and out.
async fn suggestions(browser: &Client, server: &Server) -> Result<Vec<String>, String> {
    sign_in_as(browser, &server.url("/login"), THUAN_GIAO_HEAD).await?;
    open(browser, server, "/referrals/new").await?;
    choose(browser, "destination-technique", TECHNIQUE).await?;
    // The suggestions for no technique are on the page first: wait for acupuncture's.
    wait_for(
        browser,
        Locator::XPath(&format!(
            "//li[contains(@class,'destination')]//li[normalize-space(.)='Thực hiện được kỹ thuật {TECHNIQUE_NAME}']"
        )),
        "the suggestions for acupuncture",
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
    sign_out(browser).await?;
    Ok(shown)
}

async fn draft_to_sign_off(browser: &Client, server: &Server) -> Result<(), String> {
    let before = suggestions(browser, server).await?;
    if before.first().map(String::as_str) != Some(LAI_THIEU) || before.iter().any(|n| n == AN_PHU) {
        return Err(format!("before the transfer: {before:?}"));
    }

    // The centre drafts the agreement and signs it.
    sign_in_as(browser, &server.url("/login"), PLANNER).await?;
    click(browser, Locator::Id("nav-transfers"), "the nav entry").await?;
    click(browser, Locator::Id("new-agreement"), "draft an agreement").await?;
    fill(
        browser,
        "f-title",
        "Chuyển giao kỹ thuật châm cứu cho Trạm Y tế An Phú",
    )
    .await?;
    choose_containing(browser, "f-giving_lead_id", CENTRE_LEAD).await?;
    let an_phu = choose_containing(browser, "f-receiving_facility_id", AN_PHU).await?;
    choose_containing(browser, "f-receiving_lead_id", AN_PHU_HEAD).await?;
    click(
        browser,
        Locator::Id(&format!("technique-{TECHNIQUE}")),
        "the technique",
    )
    .await?;
    click(browser, Locator::Id("save-agreement"), "save the draft").await?;
    status_is(browser, "draft").await?;
    let agreement = browser
        .current_url()
        .await
        .map_err(|e| format!("reading the address: {e}"))?
        .path()
        .to_string();
    let id = agreement.trim_start_matches("/transfers/").to_string();
    // The draft is edited once (its version goes with the change).
    click(browser, Locator::Id("edit-agreement"), "edit the draft").await?;
    wait_for(
        browser,
        Locator::Css(&format!("#technique-{TECHNIQUE}:checked")),
        "the draft's technique ticked",
    )
    .await?;
    replace_text(browser, "f-title", TITLE).await?;
    click(
        browser,
        Locator::Id("save-agreement"),
        "save the edited draft",
    )
    .await?;
    wait_for(
        browser,
        Locator::XPath(&format!(
            "//h1[@id='agreement-title'][normalize-space(.)='{TITLE}']"
        )),
        "the edited title",
    )
    .await?;
    step(browser, "sign").await?;
    wait_for(
        browser,
        Locator::Css("#signed-giving[data-signed='true']"),
        "the centre's signature",
    )
    .await?;
    status_is(browser, "draft").await?;
    sign_out(browser).await?;

    // An Phú enrols its trainee and signs.
    sign_in_as(browser, &server.url("/login"), STATION_HEAD).await?;
    open(browser, server, &agreement).await?;
    let enrol = wait_for(
        browser,
        Locator::XPath(&format!(
            "//fieldset[@id='enrolment']//label[contains(.,'{AN_PHU_HEAD}')]/input"
        )),
        "the station head among the staff to enrol",
    )
    .await?;
    let trainee = enrol
        .attr("id")
        .await
        .map_err(|e| format!("reading the checkbox: {e}"))?
        .and_then(|id| id.strip_prefix("enrol-").map(str::to_string))
        .ok_or("the enrol checkbox has no staff id")?;
    click(
        browser,
        Locator::Id(&format!("enrol-{trainee}")),
        "enrol the head",
    )
    .await?;
    click(browser, Locator::Id("save-trainees"), "save the trainees").await?;
    wait_for(
        browser,
        Locator::Id(&format!("trainee-{trainee}")),
        "the trainee listed",
    )
    .await?;
    step(browser, "sign").await?;
    status_is(browser, "signed").await?;
    sign_out(browser).await?;

    // The centre trains: a session with attendance, then the readiness check.
    sign_in_as(browser, &server.url("/login"), PLANNER).await?;
    open(browser, server, &agreement).await?;
    step(browser, "start_training").await?;
    status_is(browser, "training").await?;
    fill(
        browser,
        "session-topic",
        "Lý thuyết và thực hành châm cứu có giám sát",
    )
    .await?;
    click(
        browser,
        Locator::Id(&format!("attended-{trainee}")),
        "the trainee present",
    )
    .await?;
    click(browser, Locator::Id("record-session"), "record the session").await?;
    wait_for(
        browser,
        Locator::XPath(&format!(
            "//tr[@id='trainee-{trainee}']/td[contains(@class,'sessions-attended')][normalize-space(.)='1']"
        )),
        "one session attended",
    )
    .await?;
    step(browser, "check_readiness").await?;
    status_is(browser, "ready_check").await?;
    sign_out(browser).await?;

    // An Phú checks its readiness: the equipment is missing, and signing off is refused.
    sign_in_as(browser, &server.url("/login"), STATION_HEAD).await?;
    open(browser, server, &agreement).await?;
    readiness(
        browser,
        "equipment",
        "not_ready",
        "Chưa nhận bộ kim châm cứu và máy điện châm",
    )
    .await?;
    readiness(browser, "room", "ready", "Phòng Y học cổ truyền tầng 1").await?;
    readiness(browser, "supplies", "ready", "Kim dùng một lần, bông cồn").await?;
    readiness(
        browser,
        "licence",
        "ready",
        "Chứng chỉ hành nghề bổ sung phạm vi châm cứu",
    )
    .await?;
    readiness(
        browser,
        "protocol",
        "ready",
        "Quyết định áp dụng quy trình kỹ thuật châm cứu",
    )
    .await?;
    wait_for(
        browser,
        Locator::Css("#readiness-equipment.not-ready"),
        "the equipment highlighted as not ready",
    )
    .await?;
    step(browser, "sign_off").await?;
    let refusal = text_of(
        browser,
        Locator::Css("#dialog-sign_off .alert-error"),
        "the refused sign-off",
    )
    .await?;
    if !refusal.contains(REFUSAL_WORDS) {
        return Err(format!("the sign-off's refusal reads {refusal:?}"));
    }
    status_is(browser, "ready_check").await?;
    click(
        browser,
        Locator::Css("#dialog-sign_off .dialog-actions .secondary"),
        "close the dialog",
    )
    .await?;
    readiness(
        browser,
        "equipment",
        "ready",
        "Biên bản bàn giao bộ kim châm cứu và máy điện châm",
    )
    .await?;
    step(browser, "sign_off").await?;
    wait_for(
        browser,
        Locator::Css("#signed-off-receiving[data-signed='true']"),
        "An Phú's acceptance",
    )
    .await?;
    status_is(browser, "ready_check").await?;
    sign_out(browser).await?;

    // The centre signs off, certifying the trainee.
    sign_in_as(browser, &server.url("/login"), PLANNER).await?;
    open(browser, server, &agreement).await?;
    click(browser, Locator::Id("action-sign_off"), "sign off").await?;
    click(
        browser,
        Locator::Id(&format!("certify-{trainee}")),
        "certify the trainee",
    )
    .await?;
    click(
        browser,
        Locator::Id("confirm-sign_off"),
        "confirm the sign-off",
    )
    .await?;
    status_is(browser, "signed_off").await?;
    wait_for(
        browser,
        Locator::Css(&format!("#trainee-{trainee}[data-certified='true']")),
        "the trainee certified",
    )
    .await?;
    wait_for(
        browser,
        Locator::Css(&format!(
            "#agreement-techniques li[data-technique='{TECHNIQUE}'] [data-status='performing']"
        )),
        "the technique performed at An Phú",
    )
    .await?;

    sign_out(browser).await?;

    // An Phú performs it, by transfer, and its trainee may practise it (its head sees
    // the scope of practice of the station's staff).
    sign_in_as(browser, &server.url("/login"), STATION_HEAD).await?;
    open(browser, server, &format!("/registry/facilities/{an_phu}")).await?;
    let capability = text_of(
        browser,
        Locator::Css(&format!(
            "#facility-techniques li[data-technique='{TECHNIQUE}']"
        )),
        "acupuncture at An Phú",
    )
    .await?;
    if !(capability.contains("Đang thực hiện") && capability.contains("Nhận chuyển giao kỹ thuật"))
    {
        return Err(format!("An Phú's acupuncture reads {capability:?}"));
    }
    open(browser, server, &format!("/registry/staff/{trainee}")).await?;
    wait_for(
        browser,
        Locator::XPath(&format!(
            "//ul[@id='staff-techniques']/li[@data-technique='{TECHNIQUE}'][normalize-space(.)='{TECHNIQUE_NAME}']"
        )),
        "acupuncture in the trainee's scope of practice",
    )
    .await?;

    // Thuận Giao's patients who need acupuncture now go to An Phú first, the nearer.
    sign_out(browser).await?;
    let after = suggestions(browser, server).await?;
    if after.first().map(String::as_str) != Some(AN_PHU)
        || after.get(1).map(String::as_str) != Some(LAI_THIEU)
    {
        return Err(format!("after the transfer: {after:?}"));
    }
    sign_in_as(browser, &server.url("/login"), STATION_HEAD).await?;

    // The station head reads the agreement on a phone. The refused sign-off above was
    // logged on purpose: only scripts' errors count until here.
    expect_console(browser, "the flow so far", Strictness::ScriptsOnly).await?;
    emulate_phone(browser).await?;
    open(browser, server, &agreement).await?;
    status_is(browser, "signed_off").await?;
    wait_for(browser, Locator::Id("retention"), "the retention summary").await?;
    wait_until_gone(browser, ".loading", "the loading line").await?;
    expect_phone_fit(browser, "the agreement's page").await?;
    // Six months on, the first review; then the trainee leaves, and is flagged.
    fill(browser, "review-cases_performed", "12").await?;
    click(browser, Locator::Id("record-review"), "record the review").await?;
    status_is(browser, "reviewing").await?;
    wait_for(
        browser,
        Locator::Css("#review-list tbody tr"),
        "the review listed",
    )
    .await?;
    choose(browser, "departure-staff_id", &trainee).await?;
    choose(browser, "departure-kind", "moved").await?;
    fill(browser, "departure-note", "Chuyển công tác về Trung tâm").await?;
    click(
        browser,
        Locator::Id("record-departure"),
        "record the departure",
    )
    .await?;
    wait_for(
        browser,
        Locator::Css(&format!(
            "#trainee-{trainee}[data-flagged='true'] .flag[data-flag='left_within_12_months']"
        )),
        "the trainee flagged",
    )
    .await?;
    let flagged = text_of(
        browser,
        Locator::Id("retention-flagged"),
        "the flagged count",
    )
    .await?;
    if flagged != "1" {
        return Err(format!("{flagged} trainees flagged"));
    }
    expect_phone_fit(browser, "the agreement's page after a review").await?;
    // The list, filtered to the agreements with flagged trainees.
    open(browser, server, "/transfers").await?;
    wait_for(
        browser,
        Locator::Css("#agreement-list td[data-label='Trạng thái'] .badge"),
        "an agreement's status on its card",
    )
    .await?;
    click(browser, Locator::Css(".filters-toggle"), "the filters").await?;
    click(
        browser,
        Locator::Id("filter-flagged"),
        "only flagged trainees",
    )
    .await?;
    click(browser, Locator::Id("apply-filters"), "apply the filters").await?;
    wait_for(
        browser,
        Locator::Css(&format!(
            "#agreement-list tr[data-agreement-id='{id}'][data-status='reviewing'] .flagged"
        )),
        "the agreement with its flagged trainee",
    )
    .await?;
    let url = browser
        .current_url()
        .await
        .map_err(|e| format!("reading the address: {e}"))?;
    if url.query() != Some("flagged=true") {
        return Err(format!("the filtered list is at {url}"));
    }
    wait_until_gone(browser, ".loading", "the loading line").await?;
    expect_phone_fit(browser, "the agreement list").await?;
    expect_clean_console(browser, "the transfer pages").await
}

/// What the refusal of a sign-off with an item not ready says (in Vietnamese).
const REFUSAL_WORDS: &str = "Chưa đủ điều kiện triển khai: Trang thiết bị";

/// An agreement from the centre to An Phú for acupuncture, signed by both sides over
/// HTTP; its page's address.
async fn signed_agreement(server: &Server) -> Result<String, String> {
    let planner = server.api().sign_in(PLANNER.0, PLANNER.1).await;
    let station = server.api().sign_in(STATION_HEAD.0, STATION_HEAD.1).await;
    let (centre, station_me) = (planner.me().await.ok(), station.me().await.ok());
    let input = AgreementInput {
        title: TITLE.into(),
        giving_facility_id: centre.facility.id,
        receiving_facility_id: station_me.facility.id,
        techniques: vec![TECHNIQUE.into()],
        giving_lead_id: centre.staff_id.ok_or("the planner has no staff record")?,
        receiving_lead_id: station_me.staff_id.ok_or("the head has no staff record")?,
        starts_on: chrono::Utc::now().date_naive(),
        ends_on: None,
        note: None,
    };
    let path = format!("{}/transfer-agreements", testkit::API);
    let created: Agreement = planner
        .send(
            planner
                .request(reqwest::Method::POST, &path)
                .header("Idempotency-Key", "e2e-transfer-suspend")
                .json(&input),
        )
        .await
        .created();
    let mut version = created.version;
    for side in [&planner, &station] {
        let signed: Agreement = side
            .send(
                side.request(
                    reqwest::Method::POST,
                    &format!("{path}/{}/sign", created.id),
                )
                .header("If-Match", format!("\"{version}\"")),
            )
            .await
            .ok();
        version = signed.version;
    }
    Ok(format!("/transfers/{}", created.id))
}

/// A signed agreement suspended from its page: without a reason the server refuses and
/// says why in the dialog; with one, the agreement is suspended and says why; resuming
/// takes it back to training.
async fn suspend_and_resume(browser: &Client, server: &Server) -> Result<(), String> {
    let agreement = signed_agreement(server).await?;
    sign_in_as(browser, &server.url("/login"), PLANNER).await?;
    open(browser, server, &agreement).await?;
    status_is(browser, "signed").await?;
    click(browser, Locator::Id("action-suspend"), "suspend").await?;
    click(
        browser,
        Locator::Id("confirm-suspend"),
        "suspend without a reason",
    )
    .await?;
    wait_for(
        browser,
        Locator::XPath(
            "//div[@id='dialog-suspend']//div[contains(@class,'alert-error')]//code[.='reason']",
        ),
        "the missing reason named",
    )
    .await?;
    fill(
        browser,
        "suspend-reason",
        "Trạm chưa được cấp bộ kim châm cứu",
    )
    .await?;
    click(browser, Locator::Id("confirm-suspend"), "suspend").await?;
    status_is(browser, "suspended").await?;
    let reason = text_of(browser, Locator::Id("suspension-reason"), "the reason").await?;
    if !reason.contains("Trạm chưa được cấp bộ kim châm cứu") {
        return Err(format!("the suspension reads {reason:?}"));
    }
    step(browser, "resume").await?;
    status_is(browser, "training").await
}

#[tokio::test]
async fn browser_a_signed_agreement_is_suspended_with_a_reason_and_resumed() {
    if !crate::support::server_under_test() {
        return;
    }
    let run = BrowserRun::start().await;
    let outcome = suspend_and_resume(&run.browser, &run.server).await;
    run.finish(outcome).await;
}

#[tokio::test]
async fn browser_6a_an_agreement_from_draft_to_sign_off_changes_the_suggestions() {
    if !crate::support::server_under_test() {
        return;
    }
    let run = BrowserRun::start().await;
    let outcome = draft_to_sign_off(&run.browser, &run.server).await;
    run.finish(outcome).await;
}
