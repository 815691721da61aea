//! The home page's work queue: a clinician signs in, sees the emergency referral waiting
//! for the centre's answer and opens it from there, and confirms a month of rotation
//! visits in one click (the demo's only nurse with an account, the nursing head, works
//! in a department the away-share rule keeps at home).

use chrono::{Datelike, Duration, NaiveDate, Utc, Weekday};
use fantoccini::{Client, Locator};
use serde_json::json;
use shared::registry::Staff;
use shared::rotation::{AssignmentInput, RotationPlan, RotationPlanInput, Weekdays};
use testkit::no_body;

use crate::browser::{BrowserRun, click, sign_in_as, sign_out, wait_for, wait_until_gone};
use crate::support::{self, CENTRE_CLINICIAN, PLANNER, Server};

/// The clinician's home page lists the emergency referral first; its link opens it.
async fn clinician_opens_the_emergency_referral(
    browser: &Client,
    server: &Server,
) -> Result<(), String> {
    sign_in_as(browser, &server.url("/login"), CENTRE_CLINICIAN).await?;
    let first = wait_for(
        browser,
        Locator::Css(
            "#work-queue li[data-kind='referrals_to_answer'] .work-item:first-child \
             .urgency-emergency",
        ),
        "the emergency referral first in the clinician's queue",
    )
    .await?;
    drop(first);
    click(
        browser,
        Locator::Css("#work-queue li[data-kind='referrals_to_answer'] .work-item:first-child a"),
        "the referral's link in the queue",
    )
    .await?;
    wait_for(
        browser,
        Locator::Css("#timeline"),
        "the referral's timeline",
    )
    .await?;
    let url = browser
        .current_url()
        .await
        .map_err(|e| format!("reading the address: {e}"))?;
    if !url.path().starts_with("/referrals/") {
        return Err(format!("the link opened {url}, not a referral"));
    }
    sign_out(browser).await
}

/// The first Wednesday of next month (Vietnam time).
fn next_month_wednesday() -> NaiveDate {
    let today = (Utc::now() + Duration::hours(7)).date_naive();
    let mut day = NaiveDate::from_ymd_opt(today.year(), today.month(), 1)
        .and_then(|first| first.checked_add_months(chrono::Months::new(1)))
        .unwrap_or(today);
    while day.weekday() != Weekday::Wed {
        day += Duration::days(1);
    }
    day
}

/// Planning publishes two visits of the clinician next month, through the API.
async fn publish_two_visits(server: &Server) -> NaiveDate {
    let planner = server.api().sign_in(PLANNER.0, PLANNER.1).await;
    let centre = planner.facility_id("74-TTYTTA").await;
    let station = planner.facility_id("74-TYT-ANPHU").await;
    let staff: shared::page::Page<Staff> = planner.staff().list("q=Ph%C3%BAc&limit=50").await.ok();
    let person = staff
        .items
        .iter()
        .find(|s| s.full_name == "Lê Văn Phúc")
        .map(|s| s.id)
        .unwrap();
    let wednesday = next_month_wednesday();
    let input: RotationPlanInput = serde_json::from_value(json!({
        "facility_id": centre, "title": "Lịch tháng tới",
        "start_date": wednesday, "end_date": wednesday + Duration::days(20),
    }))
    .unwrap();
    let plan: RotationPlan = planner.rotation_plans().create(&input).await.created();
    for week in 0..2 {
        let day = wednesday + Duration::days(7 * week);
        let visit = AssignmentInput {
            plan_id: plan.id,
            demand_id: None,
            staff_id: person,
            station_id: station,
            start_date: day,
            end_date: day,
            weekdays: Weekdays(4),
        };
        let made = planner.rotation_assignments().create(&visit).await;
        assert_eq!(made.code(), 201, "{}", made.text);
    }
    let published = planner
        .rotation_plans()
        .step(plan.id, "publish", &no_body(), None)
        .await;
    assert_eq!(published.code(), 200, "{}", published.text);
    wednesday
}

/// The clinician confirms the month with one button; no visit is left to confirm.
async fn clinician_confirms_a_month(
    browser: &Client,
    server: &Server,
    month: NaiveDate,
) -> Result<(), String> {
    sign_in_as(browser, &server.url("/login"), CENTRE_CLINICIAN).await?;
    wait_for(
        browser,
        Locator::Css("#work-queue li[data-kind='visits_to_confirm'] .work-item"),
        "the visits to confirm in the clinician's queue",
    )
    .await?;
    browser
        .goto(&server.url("/rotations/mine"))
        .await
        .map_err(|e| format!("opening my rotations: {e}"))?;
    let key = format!("{}-{:02}", month.year(), month.month());
    click(
        browser,
        Locator::Css(&format!("button.confirm-month[data-month='{key}']")),
        "Xác nhận cả tháng",
    )
    .await?;
    wait_until_gone(
        browser,
        &format!("button.confirm-month[data-month='{key}']"),
        "the month's confirm button once every visit is confirmed",
    )
    .await?;
    Ok(())
}

#[tokio::test]
async fn browser_home_queue_opens_the_emergency_referral_and_a_month_is_confirmed_at_once() {
    if !support::server_under_test() {
        return;
    }
    let run = BrowserRun::start().await;
    let month = publish_two_visits(&run.server).await;
    let mut outcome = clinician_opens_the_emergency_referral(&run.browser, &run.server).await;
    if outcome.is_ok() {
        outcome = clinician_confirms_a_month(&run.browser, &run.server, month).await;
    }
    run.finish(outcome).await;
}
