//! End-to-end tests: the real `tuyen` binary (from `TUYEN_BIN`) over HTTP, and the built SPA
//! (from `TUYEN_DIST`) in headless Chromium through chromedriver. `make test` sets both.
#![forbid(unsafe_code)]
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test states what must hold by unwrapping; a failure is a loud, located panic"
)]

mod resilience;
mod support;

use std::time::Duration;

use fantoccini::{Client, Locator, elements::Element};
use reqwest::StatusCode;
use reqwest::header::CONTENT_TYPE;
use serde_json::{Value, json};
use shared::auth::{Me, Role};
use shared::error::{ErrorCode, Problem};

use support::{
    ADMIN, Chromedriver, PLANNER, PLANNER_FACILITY, Server, body_as, http_client, login,
};

/// How long the browser test waits for any one element.
const UI_TIMEOUT: Duration = Duration::from_secs(30);

/// The main navigation a signed-in planner sees.
const NAV_LINKS: [&str; 5] = [
    "Kế hoạch",
    "Luân phiên",
    "Hội chẩn",
    "Chuyển tuyến",
    "Danh mục",
];

fn content_type(res: &reqwest::Response) -> String {
    res.headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn health_sign_in_and_problem_documents() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path()).await;
    let http = http_client();

    // Liveness.
    let res = http.get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let health: Value = body_as(res).await;
    assert_eq!(health["status"], "ok", "healthz body: {health}");

    // Sign in as the demo planner and read the principal back.
    let token = login(&http, &server, PLANNER).await;
    let res = http
        .get(server.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let me: Me = body_as(res).await;
    assert_eq!(me.username, PLANNER.0);
    assert_eq!(me.role, Role::Planner);
    assert_eq!(me.facility.name, PLANNER_FACILITY);

    // A wrong password is an RFC 9457 problem with a stable code.
    let res = http
        .post(server.url("/api/v1/auth/login"))
        .json(&json!({ "username": PLANNER.0, "password": "not-the-password" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let kind = content_type(&res);
    assert!(
        kind.starts_with("application/problem+json"),
        "content-type of a failed login: {kind:?}"
    );
    let problem: Problem = body_as(res).await;
    assert_eq!(problem.code, ErrorCode::InvalidCredentials);
    assert_eq!(problem.status, 401);

    // No token, no principal.
    let res = http.get(server.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let problem: Problem = body_as(res).await;
    assert_eq!(problem.code, ErrorCode::Unauthorized);
}

/// Whether `value` holds, at any depth, an object whose `code` is `code`.
fn mentions_code(value: &Value, code: &str) -> bool {
    match value {
        Value::Object(map) => {
            map.get("code").and_then(Value::as_str) == Some(code)
                || map.values().any(|v| mentions_code(v, code))
        }
        Value::Array(items) => items.iter().any(|v| mentions_code(v, code)),
        _ => false,
    }
}

async fn facility_listed(http: &reqwest::Client, server: &Server, token: &str, code: &str) -> bool {
    let res = http
        .get(server.url(&format!("/api/v1/facilities?q={code}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "GET /api/v1/facilities?q={code}"
    );
    let page: Value = body_as(res).await;
    let items = page.get("items").unwrap_or(&page);
    mentions_code(items, code)
}

#[tokio::test]
async fn data_and_sessions_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path()).await;
    let http = http_client();

    let admin = login(&http, &server, ADMIN).await;
    let res = http
        .post(server.url("/api/v1/facilities"))
        .bearer_auth(&admin)
        .json(&json!({
            "code": "E2E-1",
            "name": "Trạm thử",
            "kind": "health_station",
            "province": "TP. Hồ Chí Minh"
        }))
        .send()
        .await
        .unwrap();
    let status = res.status();
    assert!(
        status.is_success(),
        "creating facility E2E-1 answered HTTP {status}: {}",
        res.text().await.unwrap_or_default()
    );
    assert!(facility_listed(&http, &server, &admin, "E2E-1").await);

    // Same data folder, new process.
    drop(http);
    server.stop().await;
    let server = Server::start(dir.path()).await;
    let http = http_client();

    // The demo data was not loaded twice over, sign-in still works, and the JWT secret
    // generated on first start was reused (the old token is still good).
    login(&http, &server, PLANNER).await;
    let res = http
        .get(server.url("/api/v1/me"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "a token issued before the restart must still be accepted"
    );
    let admin = login(&http, &server, ADMIN).await;
    assert!(
        facility_listed(&http, &server, &admin, "E2E-1").await,
        "facility E2E-1 is gone after a restart"
    );
}

#[tokio::test]
async fn spa_is_served_for_root_and_client_routes() {
    let dist = support::dist_dir();
    let index = std::fs::read_to_string(dist.join("index.html")).unwrap_or_else(|e| {
        panic!(
            "{}/index.html: {e}; build the SPA first with `make spa` (or set TUYEN_DIST)",
            dist.display()
        )
    });
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path()).await;
    let http = http_client();

    for path in ["/", "/registry/facilities"] {
        let res = http.get(server.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "GET {path}");
        let kind = content_type(&res);
        assert!(
            kind.starts_with("text/html"),
            "GET {path}: content-type {kind:?}"
        );
        let body = res.text().await.unwrap();
        assert_eq!(body, index, "GET {path} must answer the SPA's index.html");
    }

    // The files index.html loads (absolute paths), each with the type the browser needs:
    // a module script must be JavaScript, and streaming wasm compilation needs
    // `application/wasm`.
    for (path, wanted) in [
        ("/boot.js", "text/javascript"),
        ("/frontend.js", "text/javascript"),
        ("/frontend_bg.wasm", "application/wasm"),
        ("/style.css", "text/css"),
    ] {
        let res = http.get(server.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "GET {path}");
        let kind = content_type(&res);
        assert!(
            kind.starts_with(wanted),
            "GET {path}: content-type {kind:?}"
        );
    }

    // Unknown API paths are API errors, not the SPA.
    let res = http
        .get(server.url("/api/v1/no-such-endpoint"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::NOT_FOUND,
        "GET /api/v1/no-such-endpoint"
    );
    let kind = content_type(&res);
    assert!(
        !kind.starts_with("text/html"),
        "an API 404 answered {kind:?}"
    );
}

/// Waits (never sleeps) for an element; the error names what was awaited.
async fn wait_for(browser: &Client, locator: Locator<'_>, what: &str) -> Result<Element, String> {
    browser
        .wait()
        .at_most(UI_TIMEOUT)
        .for_element(locator)
        .await
        .map_err(|e| format!("waiting for {what}: {e}"))
}

fn facility_name_xpath() -> String {
    format!("//*[@id='facility-name'][contains(normalize-space(.), '{PLANNER_FACILITY}')]")
}

/// Sign in, see the shell, survive a reload, switch language and back, sign out.
async fn sign_in_reload_sign_out(browser: &Client, start_url: &str) -> Result<(), String> {
    let step = |what: &'static str| move |e: fantoccini::error::CmdError| format!("{what}: {e}");

    browser
        .goto(start_url)
        .await
        .map_err(step("opening the app"))?;
    let username = wait_for(browser, Locator::Css("input#username"), "the sign-in form").await?;
    username
        .send_keys(PLANNER.0)
        .await
        .map_err(step("typing the username"))?;
    let password = wait_for(
        browser,
        Locator::Css("input#password"),
        "the password field",
    )
    .await?;
    password
        .send_keys(PLANNER.1)
        .await
        .map_err(step("typing the password"))?;
    wait_for(
        browser,
        Locator::Css("button[type=submit]"),
        "the sign-in button",
    )
    .await?
    .click()
    .await
    .map_err(step("clicking sign in"))?;

    let xpath = facility_name_xpath();
    let facility = wait_for(
        browser,
        Locator::XPath(&xpath),
        "#facility-name showing the planner's facility",
    )
    .await?;
    if !facility
        .is_displayed()
        .await
        .map_err(step("#facility-name visibility"))?
    {
        return Err("#facility-name is in the page but not shown".into());
    }
    for label in NAV_LINKS {
        let link = format!("//nav//a[contains(normalize-space(.), '{label}')]");
        wait_for(
            browser,
            Locator::XPath(&link),
            &format!("the nav link {label:?}"),
        )
        .await?;
    }

    // The session outlives a reload.
    browser.refresh().await.map_err(step("reloading"))?;
    let facility = wait_for(
        browser,
        Locator::XPath(&xpath),
        "#facility-name after a reload (the session must be kept)",
    )
    .await?;
    if !facility
        .is_displayed()
        .await
        .map_err(step("#facility-name visibility"))?
    {
        return Err("#facility-name is not shown after a reload".into());
    }

    // The language switch turns the interface to English and back.
    wait_for(
        browser,
        Locator::Css("#lang-switch"),
        "the #lang-switch control",
    )
    .await?
    .click()
    .await
    .map_err(step("clicking #lang-switch"))?;
    wait_for(
        browser,
        Locator::XPath("//nav//a[normalize-space(.) = 'Plans']"),
        "the nav in English after #lang-switch",
    )
    .await?;
    wait_for(
        browser,
        Locator::Css("#lang-switch"),
        "the #lang-switch control",
    )
    .await?
    .click()
    .await
    .map_err(step("clicking #lang-switch again"))?;
    wait_for(
        browser,
        Locator::XPath(&format!(
            "//nav//a[normalize-space(.) = '{}']",
            NAV_LINKS[0]
        )),
        "the nav back in Vietnamese",
    )
    .await?;

    // Signing out returns to the sign-in form.
    wait_for(browser, Locator::Css("#logout"), "the #logout control")
        .await?
        .click()
        .await
        .map_err(step("clicking #logout"))?;
    wait_for(
        browser,
        Locator::Css("input#username"),
        "the sign-in form after logout",
    )
    .await?;
    Ok(())
}

/// A fresh server with the built SPA and a headless Chromium on it.
struct BrowserRun {
    server: Server,
    browser: Client,
    _driver: Chromedriver,
    _dirs: [tempfile::TempDir; 2],
}

impl BrowserRun {
    async fn start() -> BrowserRun {
        let dir = tempfile::tempdir().unwrap();
        let dist = support::dist_dir();
        assert!(
            dist.join("index.html").is_file(),
            "{}/index.html missing; build the SPA first with `make spa` (or set TUYEN_DIST)",
            dist.display()
        );
        let server = Server::start(dir.path()).await;
        let driver = Chromedriver::start().await;
        let profile = tempfile::tempdir().unwrap();
        let browser = driver.browser(profile.path()).await;
        BrowserRun {
            server,
            browser,
            _driver: driver,
            _dirs: [dir, profile],
        }
    }

    /// Closes the session either way (so that Chromium exits with it) and fails with
    /// the flow's error and what the browser showed.
    async fn finish(self, outcome: Result<(), String>) {
        let evidence = match &outcome {
            Ok(()) => String::new(),
            Err(_) => keep_evidence(&self.browser).await,
        };
        let _ = self.browser.close().await;
        if let Err(error) = outcome {
            panic!("{error}{evidence}");
        }
    }
}

/// Keeps what the browser showed when the flow failed, next to the test binary's temp files.
async fn keep_evidence(browser: &Client) -> String {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("e2e-browser");
    if std::fs::create_dir_all(&dir).is_err() {
        return String::new();
    }
    if let Ok(png) = browser.screenshot().await {
        let _ = std::fs::write(dir.join("failure.png"), png);
    }
    if let Ok(html) = browser.source().await {
        let _ = std::fs::write(dir.join("failure.html"), html);
    }
    let url = browser
        .current_url()
        .await
        .map(|u| u.to_string())
        .unwrap_or_default();
    format!(" (page {url}; screenshot and HTML in {})", dir.display())
}

#[tokio::test]
async fn browser_sign_in_reload_and_sign_out() {
    let run = BrowserRun::start().await;
    let outcome = sign_in_reload_sign_out(&run.browser, &run.server.url("/")).await;
    run.finish(outcome).await;
}

/// The demo head of the An Phú health station, who refers patients.
const STATION_HEAD: (&str, &str) = ("tram.anphu", "thuanan2026");
/// A demo clinician of the Thuận An regional centre, who receives them.
const CENTRE_CLINICIAN: (&str, &str) = ("bacsi", "thuanan2026");

/// Signs in through the form and waits for the signed-in frame.
async fn sign_in_as(
    browser: &Client,
    login_url: &str,
    (username, password): (&str, &str),
) -> Result<(), String> {
    let step = |what: String| move |e: fantoccini::error::CmdError| format!("{what}: {e}");
    browser
        .goto(login_url)
        .await
        .map_err(step(format!("opening {login_url}")))?;
    wait_for(browser, Locator::Css("input#username"), "the sign-in form")
        .await?
        .send_keys(username)
        .await
        .map_err(step("typing the username".into()))?;
    wait_for(
        browser,
        Locator::Css("input#password"),
        "the password field",
    )
    .await?
    .send_keys(password)
    .await
    .map_err(step("typing the password".into()))?;
    wait_for(
        browser,
        Locator::Css("button[type=submit]"),
        "the sign-in button",
    )
    .await?
    .click()
    .await
    .map_err(step("clicking sign in".into()))?;
    wait_for(
        browser,
        Locator::Css("#facility-name"),
        &format!("the signed-in frame of {username}"),
    )
    .await?;
    Ok(())
}

/// Types `text` into the input with id `id`.
async fn fill(browser: &Client, id: &str, text: &str) -> Result<(), String> {
    wait_for(browser, Locator::Id(id), &format!("the field #{id}"))
        .await?
        .send_keys(text)
        .await
        .map_err(|e| format!("typing into #{id}: {e}"))
}

/// Picks the option `value` of the select with id `id`.
async fn choose(browser: &Client, id: &str, value: &str) -> Result<(), String> {
    wait_for(browser, Locator::Id(id), &format!("the select #{id}"))
        .await?
        .select_by_value(value)
        .await
        .map_err(|e| format!("choosing {value} in #{id}: {e}"))
}

/// Clicks an element once it is there, scrolled to the middle of the window first so
/// that no sticky bar covers it.
async fn click(browser: &Client, locator: Locator<'_>, what: &str) -> Result<(), String> {
    let element = wait_for(browser, locator, what).await?;
    let target = serde_json::to_value(&element).map_err(|e| format!("{what}: {e}"))?;
    browser
        .execute(
            "arguments[0].scrollIntoView({block: 'center'});",
            vec![target],
        )
        .await
        .map_err(|e| format!("scrolling to {what}: {e}"))?;
    element
        .click()
        .await
        .map_err(|e| format!("clicking {what}: {e}"))
}

/// Signs out and waits for the sign-in form.
async fn sign_out(browser: &Client) -> Result<(), String> {
    click(browser, Locator::Css("#logout"), "#logout").await?;
    wait_for(
        browser,
        Locator::Css("input#username"),
        "the sign-in form after logout",
    )
    .await?;
    Ok(())
}

/// The text of an element once it is there.
async fn text_of(browser: &Client, locator: Locator<'_>, what: &str) -> Result<String, String> {
    wait_for(browser, locator, what)
        .await?
        .text()
        .await
        .map(|text| text.trim().to_string())
        .map_err(|e| format!("reading {what}: {e}"))
}

/// Waits (polling, never a fixed sleep) until no element matches `css`.
async fn wait_until_gone(browser: &Client, css: &str, what: &str) -> Result<(), String> {
    let started = std::time::Instant::now();
    loop {
        let found = browser
            .find_all(Locator::Css(css))
            .await
            .map_err(|e| format!("looking for {what}: {e}"))?;
        if found.is_empty() {
            return Ok(());
        }
        if started.elapsed() > UI_TIMEOUT {
            return Err(format!("{what} still shown after {UI_TIMEOUT:?}"));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

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
    click(
        browser,
        Locator::XPath("//button[contains(., 'Thêm chẩn đoán')]"),
        "the add-diagnosis button",
    )
    .await?;
    fill(browser, "f-clinical-diagnoses-0-code", "J18.9").await?;
    fill(browser, "f-clinical-diagnoses-0-name", "Viêm phổi").await?;
    fill(
        browser,
        "f-clinical-condition_at_transfer",
        "Tỉnh, SpO2 94% khí trời",
    )
    .await?;
    choose(browser, "f-transport-means", "private_vehicle").await?;
    fill(browser, "f-signed_by-full_name", "Nguyễn Văn Minh").await?;
    click(browser, Locator::Id("save-send"), "“Lưu và gửi”").await?;

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
    let run = BrowserRun::start().await;
    let outcome = referral_round_trip(&run.browser, &run.server).await;
    run.finish(outcome).await;
}

/// The second-quarter rotation plan of the demo: demands, no assignments yet.
const Q2_PLAN: &str = "Lịch luân phiên hỗ trợ trạm y tế quý II/2026";
/// The rule that keeps the paediatric Thursday visits at An Phú unmet.
const AWAY_SHARE_RULE: &str = "Vượt tỷ lệ nhân lực của khoa đi luân phiên cùng lúc";
/// How long the generator may take on the demo plan, with the polling on top.
const GENERATION_TIMEOUT: Duration = Duration::from_secs(120);

/// Follows the main navigation's link named `label`.
async fn follow_nav(browser: &Client, label: &str) -> Result<(), String> {
    click(
        browser,
        Locator::XPath(&format!(
            "//nav[contains(@class,'mainnav')]//a[normalize-space(.)='{label}']"
        )),
        &format!("the nav link {label:?}"),
    )
    .await
}

/// The planner opens the second quarter, generates it, reads why the paediatric visits
/// at An Phú cannot be met, publishes, and sees the calendar published.
async fn plan_generate_and_publish(browser: &Client, server: &Server) -> Result<(), String> {
    sign_in_as(browser, &server.url("/login"), PLANNER).await?;
    follow_nav(browser, "Luân phiên").await?;
    click(
        browser,
        Locator::XPath(&format!(
            "//a[@data-test='plan-link'][normalize-space(.)='{Q2_PLAN}']"
        )),
        "the second-quarter plan in the list",
    )
    .await?;
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

    click(browser, Locator::Css("#generate"), "the generate button").await?;
    browser
        .wait()
        .at_most(GENERATION_TIMEOUT)
        .for_element(Locator::Css("#generation-run[data-status='done']"))
        .await
        .map_err(|e| format!("waiting for the generator to finish: {e}"))?;
    wait_for(
        browser,
        Locator::Css("#score-breakdown tr[data-goal='unfilled_days']"),
        "the score per goal",
    )
    .await?;
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

    click(
        browser,
        Locator::Css("#publish-plan:not([disabled])"),
        "the publish button",
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
    let run = BrowserRun::start().await;
    let mut outcome = plan_generate_and_publish(&run.browser, &run.server).await;
    if outcome.is_ok() {
        outcome = clinician_sees_rotation(&run.browser, &run.server).await;
    }
    run.finish(outcome).await;
}

/// The director of the Thuận An centre, who approves its plans.
const DIRECTOR: (&str, &str) = ("giamdoc", "thuanan2026");
/// The demo plan whose second version waits for the director.
const SUPPORT_PLAN: &str = "Hỗ trợ chuyên môn trạm y tế phường trên địa bàn năm 2026";

/// The director opens the submitted revision of the support plan, reads what changed,
/// approves it and sees the indicator dashboard with its charts.
async fn director_approves_plan_and_sees_dashboard(
    browser: &Client,
    server: &Server,
) -> Result<(), String> {
    sign_in_as(browser, &server.url("/login"), DIRECTOR).await?;
    follow_nav(browser, "Kế hoạch").await?;
    click(
        browser,
        Locator::XPath(&format!(
            "//tr[contains(@class,'plan-row')][@data-status='submitted']\
             //a[contains(@class,'plan-link')][normalize-space(.)='{SUPPORT_PLAN}']"
        )),
        "the submitted revision of the support plan",
    )
    .await?;
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
    let run = BrowserRun::start().await;
    let outcome = director_approves_plan_and_sees_dashboard(&run.browser, &run.server).await;
    run.finish(outcome).await;
}

/// Markup typed into free text: shown as text, never run.
const HOSTILE_NAME: &str = "<b>Trần</b> <script>document.title=1</script>";
const HOSTILE_SIGNS: &str = "<img src=x onerror=document.title=2> <script>window.pwned=3</script>";

/// A station's slip whose patient name and signs carry markup, opened in the browser.
async fn hostile_text_shown_as_text(browser: &Client, server: &Server) -> Result<(), String> {
    let http = http_client();
    let station = login(&http, server, STATION_HEAD).await;
    let facilities: Value = body_as(
        http.get(server.url("/api/v1/facilities?q=74-TTYTTA"))
            .bearer_auth(&station)
            .send()
            .await
            .unwrap(),
    )
    .await;
    let slip = json!({
        "to_facility_id": facilities["items"][0]["id"],
        "direction": "up", "urgency": "urgent", "reason": "beyond_capability",
        "patient": {"full_name": HOSTILE_NAME, "birth_date": "1960-01-01", "sex": "male"},
        "clinical": {"signs": HOSTILE_SIGNS, "diagnoses": [{"code": "I50.0", "name": "Suy tim"}]},
        "transport": {"means": "ambulance"},
        "signed_by": {"full_name": "Nguyễn Văn Minh"}
    });
    let created = http
        .post(server.url("/api/v1/referrals"))
        .bearer_auth(&station)
        .json(&slip)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let created: Value = body_as(created).await;
    let id = created["id"].as_i64().unwrap();

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
    let run = BrowserRun::start().await;
    let outcome = hostile_text_shown_as_text(&run.browser, &run.server).await;
    run.finish(outcome).await;
}
