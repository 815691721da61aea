//! The steps the browser flows are made of: a server with the SPA and a headless Chromium
//! on it, waiting for elements (never sleeping), typing, choosing, clicking, signing in and
//! out, and keeping a screenshot when a flow fails.

use std::time::Duration;

use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, Locator, elements::Element};

use crate::support::{self, Chromedriver, Server};

/// How long the browser test waits for any one element.
pub const UI_TIMEOUT: Duration = Duration::from_secs(30);

/// Waits (never sleeps) for an element; the error names what was awaited.
pub async fn wait_for(
    browser: &Client,
    locator: Locator<'_>,
    what: &str,
) -> Result<Element, String> {
    browser
        .wait()
        .at_most(UI_TIMEOUT)
        .for_element(locator)
        .await
        .map_err(|e| format!("waiting for {what}: {e}"))
}

/// A fresh server with the built SPA and a headless Chromium on it.
pub struct BrowserRun {
    pub server: Server,
    pub browser: Client,
    _driver: Chromedriver,
    _dirs: [tempfile::TempDir; 2],
}

impl BrowserRun {
    /// On a server with the demo network.
    pub async fn start() -> BrowserRun {
        BrowserRun::launch(true).await
    }

    /// On a server started as a real installation: an empty database, no demo.
    pub async fn start_without_demo() -> BrowserRun {
        BrowserRun::launch(false).await
    }

    /// The server's data folder (its SQLite database, for `tuyen create-admin`).
    pub fn data_dir(&self) -> &std::path::Path {
        self._dirs[0].path()
    }

    async fn launch(demo: bool) -> BrowserRun {
        let dir = tempfile::tempdir().unwrap();
        let dist = support::dist_dir();
        assert!(
            dist.join("index.html").is_file(),
            "{}/index.html missing; build the SPA first with `make spa` (or set TUYEN_DIST)",
            dist.display()
        );
        let server = if demo {
            Server::start(dir.path()).await
        } else {
            Server::start_without_demo(dir.path()).await
        };
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
    /// the flow's error and what the browser showed. A flow that went through fails
    /// still if a script broke on the way (an exception, a panic, `console.error`): the
    /// console's refused requests, which flows provoke on purpose, are left to
    /// [`expect_clean_console`].
    pub async fn finish(self, outcome: Result<(), String>) {
        let outcome = match outcome {
            Ok(()) => expect_console(&self.browser, "the flow", Strictness::ScriptsOnly).await,
            failed => failed,
        };
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

/// Signs in through the form and waits for the signed-in frame.
pub async fn sign_in_as(
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
pub async fn fill(browser: &Client, id: &str, text: &str) -> Result<(), String> {
    wait_for(browser, Locator::Id(id), &format!("the field #{id}"))
        .await?
        .send_keys(text)
        .await
        .map_err(|e| format!("typing into #{id}: {e}"))
}

/// Sets an input's value the way typing would (a date input's typed form depends on the
/// browser's locale; its value does not).
pub async fn set_value(browser: &Client, id: &str, value: &str) -> Result<(), String> {
    let element = wait_for(browser, Locator::Id(id), &format!("the field #{id}")).await?;
    let target = serde_json::to_value(&element).map_err(|e| format!("#{id}: {e}"))?;
    browser
        .execute(
            "arguments[0].value = arguments[1];\
             arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
            vec![target, serde_json::Value::String(value.to_string())],
        )
        .await
        .map_err(|e| format!("setting #{id}: {e}"))?;
    Ok(())
}

/// Empties a text input and types `text` into it.
pub async fn replace_text(browser: &Client, id: &str, text: &str) -> Result<(), String> {
    set_value(browser, id, "").await?;
    fill(browser, id, text).await
}

/// Picks the option `value` of the select with id `id`.
pub async fn choose(browser: &Client, id: &str, value: &str) -> Result<(), String> {
    wait_for(browser, Locator::Id(id), &format!("the select #{id}"))
        .await?
        .select_by_value(value)
        .await
        .map_err(|e| format!("choosing {value} in #{id}: {e}"))
}

/// Picks the option of the select with id `id` that reads `text` (its value is a
/// record's id, which the flow does not know), once the options have come.
pub async fn choose_text(browser: &Client, id: &str, text: &str) -> Result<(), String> {
    let what = format!("the option {text:?} of #{id}");
    let option = wait_for(
        browser,
        Locator::XPath(&format!(
            "//select[@id='{id}']/option[normalize-space(.)='{text}']"
        )),
        &what,
    )
    .await?;
    let value = option
        .attr("value")
        .await
        .map_err(|e| format!("reading {what}: {e}"))?
        .unwrap_or_default();
    choose(browser, id, &value).await
}

/// Clicks an element once it is there, scrolled to the middle of the window first so
/// that no sticky bar covers it.
pub async fn click(browser: &Client, locator: Locator<'_>, what: &str) -> Result<(), String> {
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
pub async fn sign_out(browser: &Client) -> Result<(), String> {
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
pub async fn text_of(browser: &Client, locator: Locator<'_>, what: &str) -> Result<String, String> {
    wait_for(browser, locator, what)
        .await?
        .text()
        .await
        .map(|text| text.trim().to_string())
        .map_err(|e| format!("reading {what}: {e}"))
}

/// Waits (polling, never a fixed sleep) until no element matches `css`.
pub async fn wait_until_gone(browser: &Client, css: &str, what: &str) -> Result<(), String> {
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

/// Follows the main navigation's link named `label`.
pub async fn follow_nav(browser: &Client, label: &str) -> Result<(), String> {
    click(
        browser,
        Locator::XPath(&format!(
            "//nav[contains(@class,'mainnav')]//a[normalize-space(.)='{label}']"
        )),
        &format!("the nav link {label:?}"),
    )
    .await
}

/// How long the rotation generator may run in a browser flow.
const GENERATION_TIMEOUT: Duration = Duration::from_secs(120);

/// Presses the rotation plan's generate button and waits until the run is done.
pub async fn generate(browser: &Client) -> Result<(), String> {
    click(browser, Locator::Css("#generate"), "the generate button").await?;
    browser
        .wait()
        .at_most(GENERATION_TIMEOUT)
        .for_element(Locator::Css("#generation-run[data-status='done']"))
        .await
        .map_err(|e| format!("waiting for the generator to finish: {e}"))?;
    Ok(())
}

/// Signs `user` in and opens the rotation plan titled `plan` from the rotation plans list.
pub async fn open_rotation_plan(
    browser: &Client,
    login_url: &str,
    user: (&str, &str),
    plan: &str,
) -> Result<(), String> {
    sign_in_as(browser, login_url, user).await?;
    follow_nav(browser, "Luân phiên").await?;
    click(
        browser,
        Locator::XPath(&format!(
            "//a[@data-test='plan-link'][normalize-space(.)='{plan}']"
        )),
        "the plan in the rotation plans list",
    )
    .await
}

/// A chromedriver command that fantoccini has no method for:
/// `{method} /session/{id}/{path}` with a JSON body.
#[derive(Debug)]
struct DriverCommand {
    method: http::Method,
    path: &'static str,
    body: serde_json::Value,
}

impl WebDriverCompatibleCommand for DriverCommand {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/{}",
            session_id.unwrap_or_default(),
            self.path
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (self.method.clone(), Some(self.body.to_string()))
    }
}

/// Runs a DevTools protocol command in the page (through chromedriver).
pub async fn devtools(
    browser: &Client,
    cmd: &str,
    params: serde_json::Value,
) -> Result<serde_json::Value, String> {
    browser
        .issue_cmd(DriverCommand {
            method: http::Method::POST,
            path: "goog/cdp/execute",
            body: serde_json::json!({ "cmd": cmd, "params": params }),
        })
        .await
        .map_err(|e| format!("DevTools {cmd}: {e}"))
}

/// A phone's screen: 390×844 CSS pixels at 3 device pixels each, as a touch device
/// (what an iPhone 12-15 shows). The window's own size cannot be set that exactly
/// (the browser keeps a minimum and its chrome), so DevTools emulates the device; it
/// holds for the session's later pages.
pub async fn emulate_phone(browser: &Client) -> Result<(), String> {
    devtools(
        browser,
        "Emulation.setDeviceMetricsOverride",
        serde_json::json!({
            "width": PHONE_WIDTH,
            "height": PHONE_HEIGHT,
            "deviceScaleFactor": 3,
            "mobile": true,
        }),
    )
    .await?;
    devtools(
        browser,
        "Emulation.setTouchEmulationEnabled",
        serde_json::json!({ "enabled": true, "maxTouchPoints": 5 }),
    )
    .await?;
    Ok(())
}

/// The phone's width in CSS pixels.
pub const PHONE_WIDTH: u32 = 390;
/// The phone's height in CSS pixels.
pub const PHONE_HEIGHT: u32 = 844;

/// One message of the browser's console.
#[derive(Debug, serde::Deserialize)]
pub struct ConsoleEntry {
    /// `SEVERE`, `WARNING`, `INFO`, `DEBUG`.
    pub level: String,
    /// Who logged it: `javascript` (an uncaught exception), `console-api`
    /// (`console.error`…), `network` (a refused or failed request)…
    #[serde(default)]
    pub source: String,
    pub message: String,
}

/// What the browser's console logged since the last look (looking empties it); needs
/// the session's `goog:loggingPrefs` (see `support::Chromedriver::browser`).
pub async fn console_log(browser: &Client) -> Result<Vec<ConsoleEntry>, String> {
    let entries = browser
        .issue_cmd(DriverCommand {
            method: http::Method::POST,
            path: "se/log",
            body: serde_json::json!({ "type": "browser" }),
        })
        .await
        .map_err(|e| format!("reading the browser's console: {e}"))?;
    serde_json::from_value(entries).map_err(|e| format!("reading the browser's console: {e}"))
}

/// Which console errors fail a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strictness {
    /// Every error, refused requests included: a normal visit asks for nothing that
    /// is not there.
    Everything,
    /// Errors of scripts only (exceptions, panics, `console.error`): for flows that
    /// provoke refusals on purpose.
    ScriptsOnly,
}

/// The console's errors that fail a check of this strictness.
pub fn failing_entries(entries: Vec<ConsoleEntry>, strictness: Strictness) -> Vec<ConsoleEntry> {
    entries
        .into_iter()
        .filter(|entry| entry.level == "SEVERE")
        .filter(|entry| strictness == Strictness::Everything || entry.source != "network")
        .collect()
}

/// Fails when the console logged errors of this strictness since the last look.
pub async fn expect_console(
    browser: &Client,
    what: &str,
    strictness: Strictness,
) -> Result<(), String> {
    let failing = failing_entries(console_log(browser).await?, strictness);
    if failing.is_empty() {
        return Ok(());
    }
    let lines: Vec<String> = failing
        .iter()
        .map(|entry| format!("  [{}] {}", entry.source, entry.message))
        .collect();
    Err(format!(
        "the browser's console logged errors on {what}:\n{}",
        lines.join("\n")
    ))
}

/// Fails when the browser's console logged any error (refused requests included) since
/// the last look: call it at the end of a normal visit to `what`.
pub async fn expect_clean_console(browser: &Client, what: &str) -> Result<(), String> {
    expect_console(browser, what, Strictness::Everything).await
}

/// What a page looks like on a phone, measured in it.
#[derive(Debug, serde::Deserialize)]
pub struct PhoneFit {
    /// `document.documentElement.scrollWidth`.
    pub scroll_width: f64,
    /// `window.innerWidth`.
    pub inner_width: f64,
    /// Visible inputs, selects and textareas narrower than 200 px, with their widths.
    pub narrow_inputs: Vec<String>,
    /// Visible buttons and list links lower than 44 px, with their heights.
    pub small_targets: Vec<String>,
    /// The outermost elements reaching past the phone's width.
    pub too_wide: Vec<String>,
}

/// Measures the page shown: whether it scrolls sideways, its narrow inputs and its
/// small touch targets.
pub async fn measure_fit(browser: &Client) -> Result<PhoneFit, String> {
    const MEASURE: &str = r#"
        const shown = (e) => {
            const box = e.getBoundingClientRect();
            return box.width > 0 && box.height > 0 && getComputedStyle(e).visibility !== 'hidden';
        };
        const name = (e) => e.id ? '#' + e.id : e.tagName.toLowerCase() + ' "' +
            (e.getAttribute('aria-label') || e.textContent || e.name || '').trim().slice(0, 40) + '"';
        const notTyped = ['checkbox', 'radio', 'hidden', 'file', 'submit', 'button', 'reset', 'color', 'range', 'image'];
        const narrow = [...document.querySelectorAll('input, select, textarea')]
            .filter((e) => !notTyped.includes(e.type) && shown(e))
            .filter((e) => e.getBoundingClientRect().width < 200)
            .map((e) => name(e) + ' ' + Math.round(e.getBoundingClientRect().width) + ' px wide');
        const targets = 'button, .button, table.data a, .pager a, .tabs a, .mainnav a, .filter-actions a';
        const small = [...document.querySelectorAll(targets)]
            .filter(shown)
            .filter((e) => e.getBoundingClientRect().height < 44)
            .map((e) => name(e) + ' ' + Math.round(e.getBoundingClientRect().height) + ' px high');
        // The outermost elements that stick out past the phone's width: what to fix.
        const edge = arguments[0] + 1;
        const wide = [...document.body.querySelectorAll('*')]
            .filter((e) => shown(e) && e.getBoundingClientRect().right > edge)
            .filter((e) => !e.parentElement || e.parentElement.getBoundingClientRect().right <= edge)
            .slice(0, 5)
            .map((e) => name(e) + '.' + [...e.classList].join('.') + ' ends at ' + Math.round(e.getBoundingClientRect().right) + ' px');
        return {
            scroll_width: document.documentElement.scrollWidth,
            inner_width: window.innerWidth,
            narrow_inputs: narrow,
            small_targets: small,
            too_wide: wide,
        };
    "#;
    let value = browser
        .execute(MEASURE, vec![serde_json::json!(PHONE_WIDTH)])
        .await
        .map_err(|e| format!("measuring the page: {e}"))?;
    serde_json::from_value(value).map_err(|e| format!("reading the page's measures: {e}"))
}

/// Fails unless the page shown fits a phone: nothing scrolls sideways, every input is
/// at least 200 px wide, every button and list link at least 44 px high.
pub async fn expect_phone_fit(browser: &Client, what: &str) -> Result<PhoneFit, String> {
    let fit = measure_fit(browser).await?;
    let mut problems = Vec::new();
    if fit.scroll_width > fit.inner_width {
        problems.push(format!(
            "it scrolls sideways ({} px of content in a {} px window)",
            fit.scroll_width, fit.inner_width
        ));
    }
    if (fit.inner_width - f64::from(PHONE_WIDTH)).abs() > 1.0 {
        problems.push(format!(
            "the window is {} px wide, not the phone's {PHONE_WIDTH} (widened by: {})",
            fit.inner_width,
            fit.too_wide.join(", ")
        ));
    }
    if !fit.narrow_inputs.is_empty() {
        problems.push(format!(
            "inputs narrower than 200 px: {}",
            fit.narrow_inputs.join(", ")
        ));
    }
    if !fit.small_targets.is_empty() {
        problems.push(format!(
            "touch targets lower than 44 px: {}",
            fit.small_targets.join(", ")
        ));
    }
    if problems.is_empty() {
        Ok(fit)
    } else {
        Err(format!("{what} on a phone: {}", problems.join("; ")))
    }
}

#[cfg(test)]
mod tests {
    use super::{ConsoleEntry, Strictness, failing_entries};

    fn entry(level: &str, source: &str) -> ConsoleEntry {
        ConsoleEntry {
            level: level.into(),
            source: source.into(),
            message: format!("{source} {level}"),
        }
    }

    #[test]
    fn a_flow_fails_on_script_errors_a_normal_visit_on_refused_requests_too() {
        let log = || {
            vec![
                entry("SEVERE", "network"),
                entry("SEVERE", "javascript"),
                entry("SEVERE", "console-api"),
                entry("WARNING", "console-api"),
            ]
        };
        assert_eq!(failing_entries(log(), Strictness::Everything).len(), 3);
        let scripts = failing_entries(log(), Strictness::ScriptsOnly);
        assert_eq!(scripts.len(), 2);
        assert!(scripts.iter().all(|entry| entry.source != "network"));
    }
}
