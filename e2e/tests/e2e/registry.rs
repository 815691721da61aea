//! The registry's administration in the browser, on the demo network: the admin creates
//! a ward station (with a technique and a specialty) under the regional centre, links
//! it to the centre as supported, adds a department with a minimum staffing row, creates
//! a member of staff there, records a leave period and removes it again; a station head
//! records leave for a member of their own station and finds no edit buttons on another
//! station's page.

use fantoccini::{Client, Locator};

use crate::browser::{
    BrowserRun, choose, choose_text, click, fill, replace_text, set_value, sign_in_as, sign_out,
    wait_for, wait_until_gone,
};
use crate::support::{ADMIN, PLANNER_FACILITY, STATION_HEAD, Server};

/// The new station.
const NEW_STATION: &str = "Trạm Y tế phường Tân Mới";
/// Its national facility code.
const NEW_STATION_CODE: &str = "74-TYT-TANMOI";
/// Its department.
const DEPARTMENT: &str = "Khám bệnh, sơ cứu";
/// The member of staff created there.
const NEW_NURSE: &str = "Trần Thị Ngọc Mai";
/// The regional centre's code.
const CENTRE_CODE: &str = "74-TTYTTA";
/// The station head's own station and another one.
const OWN_STATION_CODE: &str = "74-TYT-ANPHU";
const OTHER_STATION_CODE: &str = "74-TYT-BINHHOA";

async fn open(browser: &Client, server: &Server, path: &str) -> Result<(), String> {
    browser
        .goto(&server.url(path))
        .await
        .map_err(|e| format!("opening {path}: {e}"))
}

/// Opens the page of the facility whose code is `code`, from the facilities list.
async fn open_facility(browser: &Client, server: &Server, code: &str) -> Result<(), String> {
    open(browser, server, &format!("/registry/facilities?q={code}")).await?;
    click(
        browser,
        Locator::XPath(&format!("//tr[td/code[normalize-space(.)='{code}']]//a")),
        &format!("the facility {code} in the list"),
    )
    .await?;
    wait_for(
        browser,
        Locator::Css("#support-links"),
        "the facility's page",
    )
    .await?;
    Ok(())
}

/// A day as the Vietnamese pages show it: `2027-01-04` → `04/01/2027`.
fn shown_day(iso: &str) -> String {
    let parts: Vec<&str> = iso.split('-').collect();
    format!("{}/{}/{}", parts[2], parts[1], parts[0])
}

/// Adds a leave period through the staff page's form and returns the new row's id
/// (found by its first day: the member may have had leave before).
async fn add_leave(browser: &Client, from: &str, to: &str) -> Result<String, String> {
    click(browser, Locator::Css("#add-leave"), "the add-leave button").await?;
    wait_for(browser, Locator::Css("#new-leave-form"), "the leave form").await?;
    choose(browser, "lv-kind", "annual").await?;
    set_value(browser, "lv-start_date", from).await?;
    set_value(browser, "lv-end_date", to).await?;
    fill(browser, "lv-note", "Nghỉ phép năm").await?;
    click(
        browser,
        Locator::Css("#save-leave"),
        "the leave's save button",
    )
    .await?;
    let row = wait_for(
        browser,
        Locator::XPath(&format!(
            "//section[@id='staff-leaves']//tr[@data-leave-id][td[normalize-space(.)='{}']]",
            shown_day(from)
        )),
        "the new leave period in the list",
    )
    .await?;
    row.attr("data-leave-id")
        .await
        .map_err(|e| format!("reading the leave's id: {e}"))?
        .ok_or_else(|| "the leave row has no id".to_string())
}

/// The admin's part: facility, support link, department, staff, leave added and removed.
async fn admin_builds_a_station(browser: &Client, server: &Server) -> Result<(), String> {
    sign_in_as(browser, &server.url("/login"), ADMIN).await?;
    open(browser, server, "/registry/facilities").await?;
    click(
        browser,
        Locator::Css("#new-facility"),
        "the new-facility button",
    )
    .await?;
    wait_for(
        browser,
        Locator::Css("#new-facility-form"),
        "the facility form",
    )
    .await?;
    fill(browser, "f-code", NEW_STATION_CODE).await?;
    fill(browser, "f-name", NEW_STATION).await?;
    choose(browser, "f-kind", "health_station").await?;
    choose(browser, "f-level", "initial").await?;
    choose_text(browser, "f-supervising_id", PLANNER_FACILITY).await?;
    fill(browser, "f-province", "Thành phố Hồ Chí Minh").await?;
    fill(browser, "f-ward", "Phường Tân Mới").await?;
    // A decimal comma, as Vietnamese write it.
    fill(browser, "f-latitude", "10,9210").await?;
    fill(browser, "f-longitude", "106,7120").await?;
    click(
        browser,
        Locator::Id("f-specialties-y_te_du_phong"),
        "the preventive medicine specialty",
    )
    .await?;
    click(
        browser,
        Locator::Css("#f-capabilities > button"),
        "the add-technique button",
    )
    .await?;
    fill(browser, "f-capabilities-0-code", "tiem_chung").await?;
    fill(browser, "f-capabilities-0-name", "Tiêm chủng mở rộng").await?;
    click(
        browser,
        Locator::Css("#save-facility"),
        "the facility's save button",
    )
    .await?;
    wait_for(
        browser,
        Locator::XPath(&format!("//h1[normalize-space(.)='{NEW_STATION}']")),
        "the new station's page",
    )
    .await?;
    wait_for(
        browser,
        Locator::XPath(
            "//ul[@id='facility-techniques']/li[@data-technique='tiem_chung']\
             [contains(., 'Tiêm chủng mở rộng')][contains(., 'Đang thực hiện')]",
        ),
        "the technique, performed, on the station's page",
    )
    .await?;

    // Supported by the regional centre.
    click(
        browser,
        Locator::Css("#add-support-link"),
        "the add-link button",
    )
    .await?;
    wait_for(browser, Locator::Css("#new-link-form"), "the link form").await?;
    click(browser, Locator::Id("l-side-supported_by"), "supported by").await?;
    choose_text(browser, "l-other", PLANNER_FACILITY).await?;
    set_value(browser, "l-since", "2026-12-01").await?;
    click(
        browser,
        Locator::Css("#save-link"),
        "the link's save button",
    )
    .await?;
    wait_for(
        browser,
        Locator::Css(&format!(
            "#supported-by li[data-facility-code='{CENTRE_CODE}']"
        )),
        "the centre among the station's supporters",
    )
    .await?;

    // A department with one nurse always on site.
    click(
        browser,
        Locator::Css("#new-department"),
        "the new-department button",
    )
    .await?;
    wait_for(
        browser,
        Locator::Css("#new-department-form"),
        "the department form",
    )
    .await?;
    fill(browser, "d-code", "KB").await?;
    fill(browser, "d-name", DEPARTMENT).await?;
    choose(browser, "d-kind", "clinical").await?;
    replace_text(browser, "d-min-nurse", "1").await?;
    click(
        browser,
        Locator::Css("#save-department"),
        "the department's save button",
    )
    .await?;
    wait_for(
        browser,
        Locator::XPath(&format!(
            "//tr[td[normalize-space(.)='{DEPARTMENT}']]/td[contains(., 'Điều dưỡng: 1')]"
        )),
        "the department with its minimum staffing",
    )
    .await?;

    // A nurse of that department.
    click(browser, Locator::Css("#new-staff"), "the new-staff button").await?;
    wait_for(browser, Locator::Css("#staff-form"), "the staff form").await?;
    fill(browser, "f-full_name", NEW_NURSE).await?;
    choose(browser, "f-profession", "nurse").await?;
    fill(browser, "f-licence_number", "004321/HCM-CCHN").await?;
    set_value(browser, "f-licence_valid_from", "2024-03-01").await?;
    choose_text(browser, "f-department_id", DEPARTMENT).await?;
    replace_text(browser, "f-monthly_rotation_day_limit", "8").await?;
    click(browser, Locator::Css("#save-staff"), "the create button").await?;
    wait_for(
        browser,
        Locator::XPath(&format!(
            "//h1[@id='staff-name'][normalize-space(.)='{NEW_NURSE}']"
        )),
        "the new nurse's page",
    )
    .await?;
    wait_for(browser, Locator::Css("#no-leaves"), "an empty leave list").await?;

    // Leave added, then removed after confirming.
    let leave = add_leave(browser, "2027-01-04", "2027-01-08").await?;
    click(
        browser,
        Locator::Id(&format!("remove-leave-{leave}")),
        "the leave's remove button",
    )
    .await?;
    click(
        browser,
        Locator::Id(&format!("remove-leave-{leave}-confirm")),
        "the confirmation",
    )
    .await?;
    wait_until_gone(
        browser,
        "#staff-leaves tr[data-leave-id]",
        "the removed leave",
    )
    .await?;
    wait_for(
        browser,
        Locator::Css("#no-leaves"),
        "the empty leave list again",
    )
    .await?;
    sign_out(browser).await
}

/// The station head's part: leave for their own staff; no edit buttons elsewhere.
async fn station_head_keeps_to_the_own_station(
    browser: &Client,
    server: &Server,
) -> Result<(), String> {
    sign_in_as(browser, &server.url("/login"), STATION_HEAD).await?;
    open(browser, server, "/registry/staff").await?;
    click(
        browser,
        Locator::Css("a.edit-staff"),
        "a member of the station's staff",
    )
    .await?;
    wait_for(browser, Locator::Css("#staff-form"), "the staff form").await?;
    add_leave(browser, "2027-02-01", "2027-02-03").await?;

    // At their own station they may add departments and staff...
    open_facility(browser, server, OWN_STATION_CODE).await?;
    wait_for(
        browser,
        Locator::Css("#new-department"),
        "the new-department button",
    )
    .await?;
    wait_for(browser, Locator::Css("#new-staff"), "the new-staff button").await?;
    // ...at another one, nothing but reading.
    open_facility(browser, server, OTHER_STATION_CODE).await?;
    wait_for(
        browser,
        Locator::Css(&format!(
            "#supported-by li[data-facility-code='{CENTRE_CODE}']"
        )),
        "the other station's support links",
    )
    .await?;
    for css in [
        "#edit-facility",
        "#add-support-link",
        "#new-department",
        "#new-staff",
        "[id^='edit-department-']",
        "[id^='remove-link-']",
    ] {
        let found = browser
            .find_all(Locator::Css(css))
            .await
            .map_err(|e| format!("looking for {css}: {e}"))?;
        if !found.is_empty() {
            return Err(format!(
                "the station head sees {css} on another station's page"
            ));
        }
    }
    // Signing out from a facility's page once made the SPA panic while the page was
    // torn down (its views re-ran on the ended session and read disposed signals).
    sign_out(browser).await?;
    crate::browser::expect_console(
        browser,
        "signing out from another station's page",
        crate::browser::Strictness::ScriptsOnly,
    )
    .await
}

#[tokio::test]
async fn browser_admin_builds_a_station_and_a_station_head_keeps_to_their_own() {
    if !crate::support::server_under_test() {
        return;
    }
    let run = BrowserRun::start().await;
    let mut outcome = admin_builds_a_station(&run.browser, &run.server).await;
    if outcome.is_ok() {
        outcome = station_head_keeps_to_the_own_station(&run.browser, &run.server).await;
    }
    run.finish(outcome).await;
}
