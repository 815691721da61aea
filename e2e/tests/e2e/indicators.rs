//! Indicators that cannot mislead: the planner's dashboard puts the summary of traffic
//! lights first and the charts before the detail, a lower-is-better indicator says so
//! and no attainment reads above 100 %; the periodic report prints on A4 (rendered to
//! PDF through WebDriver "Print Page", its page size read from the PDF) with no table
//! wider than the sheet (measured in print layout).

use fantoccini::wd::{PrintConfiguration, PrintOrientation, PrintSize};
use fantoccini::{Client, Locator};
use serde_json::{Value, json};

use crate::browser::{BrowserRun, click, devtools, sign_in_as, text_of, wait_for};
use crate::plan_approval::open_support_plan;
use crate::support::{self, PLANNER, Server};

/// A4 in PDF points (1/72 in): 210 × 297 mm; Chromium rounds to whole CSS pixels.
const A4_POINTS: (f64, f64) = (595.3, 841.9);

/// The report's printable width in CSS pixels: 210 mm less the 12 mm margins of
/// `@page plan-report`, at 96 px per inch.
const A4_CONTENT_PX: u32 = 703;

async fn dashboard_and_report_print_on_a4(browser: &Client, server: &Server) -> Result<(), String> {
    sign_in_as(browser, &server.url("/login"), PLANNER).await?;
    open_support_plan(browser, "active").await?;
    click(
        browser,
        Locator::Css("#tab-plan-indicators"),
        "the indicators tab",
    )
    .await?;
    wait_for(
        browser,
        Locator::Css("#plan-board-summary .summary-row[data-indicator='CT04'] .direction-note[data-direction='lower_is_better']"),
        "CT04 in the summary, marked lower-is-better",
    )
    .await?;
    wait_for(
        browser,
        Locator::Css("#plan-board .board-row"),
        "the detail table",
    )
    .await?;
    wait_for(
        browser,
        Locator::Css("svg.indicator-chart"),
        "an indicator chart",
    )
    .await?;
    let note = text_of(
        browser,
        Locator::Css("#plan-board .board-row[data-indicator='CT04'] .direction-note"),
        "CT04's direction in the detail",
    )
    .await?;
    if !note.contains("Càng thấp càng tốt") {
        return Err(format!("CT04 does not say lower is better: {note:?}"));
    }
    // Summary, then charts, then the detail table; no attainment above 100 %.
    let layout = browser
        .execute(
            "const at = s => { const e = document.querySelector(s); \
               return e ? e.getBoundingClientRect().top + window.scrollY : -1; }; \
             const over = [...document.querySelectorAll('.board-attainment, .summary-percent, .summary-average')] \
               .map(e => parseFloat(e.textContent.replace(/\\s/g, '').replace(',', '.'))) \
               .filter(v => v > 100); \
             return [at('#plan-board-summary'), at('svg.indicator-chart'), at('#plan-board'), over.length];",
            vec![],
        )
        .await
        .map_err(|e| format!("measuring the dashboard: {e}"))?;
    let tops: Vec<f64> = layout
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default();
    match tops.as_slice() {
        [summary, chart, table, over]
            if *summary >= 0.0 && summary < chart && chart < table && *over == 0.0 => {}
        _ => {
            return Err(format!(
                "the dashboard is not summary, charts, detail with attainment ≤ 100 %: {layout}"
            ));
        }
    }

    // The report of the same plan and period.
    let url = browser
        .current_url()
        .await
        .map_err(|e| format!("reading the address: {e}"))?;
    let report = url.as_str().replacen("/indicators", "/report", 1);
    browser
        .goto(&report)
        .await
        .map_err(|e| format!("opening {report}: {e}"))?;
    wait_for(
        browser,
        Locator::Css("#plan-report #plan-board-summary"),
        "the report's summary",
    )
    .await?;
    wait_for(
        browser,
        Locator::Css("#plan-report table.report-stations"),
        "the report's tables",
    )
    .await?;

    let pdf = browser
        .print(
            PrintConfiguration::builder()
                .size(PrintSize::A4)
                .orientation(PrintOrientation::Portrait)
                .shrink_to_fit(false)
                .build()
                .map_err(|e| format!("the print configuration: {e:?}"))?,
        )
        .await
        .map_err(|e| format!("printing the report to PDF: {e}"))?;
    let boxes = media_boxes(&pdf);
    if boxes.is_empty() || boxes.len() > 12 {
        return Err(format!("the report printed on {} pages", boxes.len()));
    }
    for (width, height) in &boxes {
        if (width - A4_POINTS.0).abs() > 2.0 || (height - A4_POINTS.1).abs() > 2.0 {
            return Err(format!(
                "a page of the report is {width} × {height} pt, not A4 portrait"
            ));
        }
    }
    eprintln!("the report prints on {} A4 portrait pages", boxes.len());

    // In print layout at the sheet's printable width, every table fits.
    devtools(
        browser,
        "Emulation.setEmulatedMedia",
        json!({ "media": "print" }),
    )
    .await?;
    devtools(
        browser,
        "Emulation.setDeviceMetricsOverride",
        json!({ "width": A4_CONTENT_PX, "height": 1000, "deviceScaleFactor": 1, "mobile": false }),
    )
    .await?;
    let wide = browser
        .execute(
            "const page = document.documentElement.clientWidth; \
             return [...document.querySelectorAll('#plan-report table')] \
               .filter(t => t.getBoundingClientRect().right > page + 1 || t.scrollWidth > t.clientWidth + 1) \
               .map(t => `${t.className} ${Math.round(t.getBoundingClientRect().width)}px of ${page}px`);",
            vec![],
        )
        .await
        .map_err(|e| format!("measuring the report's tables: {e}"))?;
    if wide.as_array().is_none_or(|tables| !tables.is_empty()) {
        return Err(format!("tables wider than the A4 sheet: {wide}"));
    }
    Ok(())
}

/// The page sizes of a PDF, one per page (Chromium writes its page objects uncompressed).
fn media_boxes(pdf: &[u8]) -> Vec<(f64, f64)> {
    let text = String::from_utf8_lossy(pdf);
    text.split("/MediaBox")
        .skip(1)
        .filter_map(|rest| {
            let inside = rest.trim_start().strip_prefix('[')?;
            let numbers: Vec<f64> = inside
                .split(']')
                .next()?
                .split_whitespace()
                .filter_map(|n| n.parse().ok())
                .collect();
            match numbers.as_slice() {
                [x0, y0, x1, y1] => Some((x1 - x0, y1 - y0)),
                _ => None,
            }
        })
        .collect()
}

#[test]
fn media_boxes_are_read_per_page() {
    let pdf = b"1 0 obj <</Type /Page /MediaBox [0 0 595.91998 842.88] >> \
                2 0 obj <</Type /Page /MediaBox [0 0 595.91998 842.88]>>";
    assert_eq!(media_boxes(pdf), vec![(595.91998, 842.88); 2]);
}

#[tokio::test]
async fn browser_indicators_show_summary_first_and_the_report_prints_on_a4() {
    if !support::server_under_test() {
        return;
    }
    let run = BrowserRun::start().await;
    let outcome = dashboard_and_report_print_on_a4(&run.browser, &run.server).await;
    run.finish(outcome).await;
}
