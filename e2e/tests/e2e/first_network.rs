//! A real network's first day, in the browser, from an empty database without demo
//! data: `tuyen create-admin` makes the admin, who downloads the staff template, imports
//! a centre and its five stations with their staff (one bad row shown in the preview,
//! fixed, uploaded again), and creates the planner's account with a temporary password;
//! the planner changes it, creates a rotation plan with a demand and generates it on the
//! imported staff; the audit trail shows the import.

use std::path::{Path, PathBuf};

use fantoccini::{Client, Locator};
use reqwest::StatusCode;
use shared::registry::SupportLinkInput;
use shared::registry::import::ImportKind;

use crate::browser::{
    BrowserRun, choose, click, fill, generate, sign_in_as, sign_out, wait_for, wait_until_gone,
};
use crate::support::create_admin;

const ADMIN: (&str, &str) = ("quantri", "batdau2026xyz");
const PLANNER: &str = "kehoach.moi";
const TEMPORARY: &str = "tamthoi2026abc";
/// The facility `tuyen create-admin` makes in an empty database.
const CENTRE: &str = "TTYT";
const STATIONS: [(&str, &str); 5] = [
    ("TYT-01", "Trạm Y tế Phường Một"),
    ("TYT-02", "Trạm Y tế Phường Hai"),
    ("TYT-03", "Trạm Y tế Xã Ba"),
    ("TYT-04", "Trạm Y tế Xã Bốn"),
    ("TYT-05", "Trạm Y tế Xã Năm"),
];
/// The bad cell of the first staff upload and the reason the preview gives.
const BAD_PROFESSION: &str = "Phi công";
const BAD_REASON: &str = "“Phi công” không phải giá trị hợp lệ";

/// Writes `rows` (the header first) as a UTF-8 CSV file.
fn write_csv(path: &Path, rows: &[Vec<String>]) -> PathBuf {
    let mut writer = csv::Writer::from_path(path).unwrap();
    for row in rows {
        writer.write_record(row).unwrap();
    }
    writer.flush().unwrap();
    path.to_path_buf()
}

fn header(kind: ImportKind) -> Vec<String> {
    kind.columns().iter().map(|c| c.vi.to_string()).collect()
}

/// The centre (updating the one create-admin made) and its five stations.
fn facilities(dir: &Path) -> PathBuf {
    let row = |code: &str, name: &str, kind: &str, supervisor: &str| {
        [
            code,
            name,
            kind,
            "",
            supervisor,
            "Bình Dương",
            "",
            "",
            "",
            "",
            "",
            "Có",
        ]
        .map(str::to_string)
        .to_vec()
    };
    let mut rows = vec![header(ImportKind::Facilities)];
    rows.push(row(
        CENTRE,
        "Trung tâm Y tế khu vực Mới",
        "regional_health_center",
        "",
    ));
    for (code, name) in STATIONS {
        rows.push(row(code, name, "Trạm Y tế", CENTRE));
    }
    write_csv(&dir.join("co-so.csv"), &rows)
}

/// Twelve people of the centre and two of each station; row 4 of the file (the third
/// person) has `profession` for a profession.
fn staff(dir: &Path, name: &str, profession: &str) -> PathBuf {
    let mut rows = vec![header(ImportKind::Staff)];
    let mut person = |facility: &str, n: usize, profession: &str| {
        let licence = format!("{n:06}/BD-CCHN");
        let citizen_id = format!("0743010{n:05}");
        rows.push(
            [
                facility,
                "",
                &format!("NV-{n:03}"),
                &format!("Nhân Viên {n}"),
                profession,
                "",
                &licence,
                "01/01/2020",
                "",
                "",
                "10",
                "",
                "",
                "",
                "Có",
                &citizen_id,
            ]
            .map(str::to_string)
            .to_vec(),
        );
    };
    for n in 1..=12 {
        let own = match n {
            3 => profession,
            n if n % 2 == 0 => "Điều dưỡng",
            _ => "Bác sĩ",
        };
        person(CENTRE, n, own);
    }
    for (i, (code, _)) in STATIONS.iter().enumerate() {
        person(code, 100 + 2 * i, "Y sĩ");
        person(code, 101 + 2 * i, "Điều dưỡng");
    }
    write_csv(&dir.join(name), &rows)
}

/// Picks the sheet kind and hands the file to the file input; the page previews it.
async fn upload(browser: &Client, kind: ImportKind, file: &Path) -> Result<(), String> {
    choose(browser, "import-kind", kind.as_str()).await?;
    wait_for(browser, Locator::Id("import-file"), "the file input")
        .await?
        .send_keys(&file.display().to_string())
        .await
        .map_err(|e| format!("choosing {}: {e}", file.display()))?;
    wait_for(
        browser,
        Locator::Css("#import-counts"),
        &format!("the preview of {}", file.display()),
    )
    .await?;
    Ok(())
}

/// Commits the previewed file and waits for the confirmation.
async fn commit(browser: &Client, what: &str) -> Result<(), String> {
    click(
        browser,
        Locator::Css("#import-commit:not([disabled])"),
        &format!("the commit button for {what}"),
    )
    .await?;
    wait_for(
        browser,
        Locator::Css("#import-done"),
        &format!("{what} committed"),
    )
    .await?;
    Ok(())
}

async fn first_network(run: &BrowserRun, files: &Path) -> Result<(), String> {
    let (browser, server) = (&run.browser, &run.server);
    let (ok, text) = create_admin(run.data_dir(), ADMIN.0, ADMIN.1);
    if !ok {
        return Err(format!("tuyen create-admin: {text}"));
    }
    sign_in_as(browser, &server.url("/login"), ADMIN).await?;

    // The staff template: its download button, and the file it fetches.
    browser
        .goto(&server.url("/registry/import"))
        .await
        .map_err(|e| format!("opening the import page: {e}"))?;
    choose(browser, "import-kind", ImportKind::Staff.as_str()).await?;
    click(
        browser,
        Locator::Css("#import-template-xlsx"),
        "the staff template (XLSX) button",
    )
    .await?;
    let admin_api = server.api().sign_in(ADMIN.0, ADMIN.1).await;
    let template = admin_api
        .imports()
        .template(ImportKind::Staff, "xlsx")
        .await;
    if template.status != StatusCode::OK || template.bytes().is_empty() {
        return Err(format!("the staff template: {}", template.text));
    }

    // The network: facilities, then staff with one bad row, fixed and uploaded again.
    upload(browser, ImportKind::Facilities, &facilities(files)).await?;
    commit(browser, "the facilities").await?;
    upload(
        browser,
        ImportKind::Staff,
        &staff(files, "nhan-su.csv", BAD_PROFESSION),
    )
    .await?;
    wait_for(
        browser,
        Locator::XPath(&format!(
            "//table[@id='import-preview-table']//tr[contains(@class,'row-error')]\
             [td[1][normalize-space(.)='4']]\
             [td[4][contains(., 'Chức danh nghề nghiệp: {BAD_REASON}')]]"
        )),
        "the bad row (row 4, the profession column, its Vietnamese reason)",
    )
    .await?;
    if browser
        .find(Locator::Css("#import-commit:not([disabled])"))
        .await
        .is_ok()
    {
        return Err("a file with an error row can be committed".into());
    }
    upload(
        browser,
        ImportKind::Staff,
        &staff(files, "nhan-su-da-sua.csv", "Bác sĩ"),
    )
    .await?;
    // The fixed file's preview replaces the first one: no error row is left.
    wait_until_gone(
        browser,
        "#import-preview-table tr.row-error",
        "the error row after the fixed upload",
    )
    .await?;
    commit(browser, "the staff").await?;

    // The SPA has no page for support links yet: the centre's links to its stations
    // are made through the API, as an admin would with a script.
    let centre = admin_api.facility_id(CENTRE).await;
    for (code, _) in STATIONS {
        let station = admin_api.facility_id(code).await;
        let link = admin_api
            .support_links()
            .create(&SupportLinkInput {
                supporter_id: centre,
                supported_id: station,
                since: None,
                note: None,
            })
            .await;
        if link.status != StatusCode::CREATED {
            return Err(format!("linking {code}: {}", link.text));
        }
    }

    // The planner's account, with a temporary password, on the users page.
    browser
        .goto(&server.url("/admin/users"))
        .await
        .map_err(|e| format!("opening the users page: {e}"))?;
    click(browser, Locator::Id("new-user"), "the new-user button").await?;
    fill(browser, "f-username", PLANNER).await?;
    fill(browser, "f-full_name", "Nguyễn Thị Kế Hoạch").await?;
    fill(browser, "f-password", TEMPORARY).await?;
    choose(browser, "f-role", "planner").await?;
    choose(browser, "f-facility_id", &centre.to_string()).await?;
    click(
        browser,
        Locator::Id("create-user"),
        "the create-account button",
    )
    .await?;
    wait_for(browser, Locator::Id("user-created"), "the account created").await?;
    sign_out(browser).await?;

    // The planner signs in with it and must change it before anything else.
    browser
        .goto(&server.url("/login"))
        .await
        .map_err(|e| format!("opening /login: {e}"))?;
    fill(browser, "username", PLANNER).await?;
    fill(browser, "password", TEMPORARY).await?;
    click(browser, Locator::Css("button[type=submit]"), "sign in").await?;
    wait_for(
        browser,
        Locator::Css("form#change-password"),
        "the password change",
    )
    .await?;
    fill(browser, "f-current_password", TEMPORARY).await?;
    fill(browser, "f-new_password", "kehoach2027mat").await?;
    click(
        browser,
        Locator::Css("form#change-password button[type=submit]"),
        "the change button",
    )
    .await?;
    wait_for(browser, Locator::Css("#facility-name"), "the app").await?;

    // A rotation plan (next quarter, the form's default period) with one demand.
    browser
        .goto(&server.url("/rotations"))
        .await
        .map_err(|e| format!("opening the rotation plans: {e}"))?;
    fill(browser, "plan-title", "Luân phiên hỗ trợ trạm quý tới").await?;
    click(
        browser,
        Locator::Id("create-plan"),
        "the create-plan button",
    )
    .await?;
    // (The new-plan form's title input has the same id as the plan page's heading.)
    wait_for(
        browser,
        Locator::XPath("//h1[@id='plan-title']"),
        "the new plan's page",
    )
    .await?;
    let station = admin_api.facility_id(STATIONS[0].0).await;
    choose(browser, "demand-station", &station.to_string()).await?;
    choose(browser, "demand-profession", "doctor").await?;
    click(browser, Locator::Id("add-demand"), "the add-demand button").await?;
    wait_for(
        browser,
        Locator::XPath(&format!(
            "//*[@id='demands']//tr[contains(., '{}')]",
            STATIONS[0].1
        )),
        "the demand in the plan's table",
    )
    .await?;
    generate(browser).await?;
    wait_for(
        browser,
        Locator::Css("#rotation-grid [data-test='assignment-slot'][data-status='proposed']"),
        "the imported staff proposed in the calendar",
    )
    .await?;
    sign_out(browser).await?;

    // The admin finds the import in the audit trail.
    sign_in_as(browser, &server.url("/login"), ADMIN).await?;
    browser
        .goto(&server.url("/admin/audit?entity=registry_import"))
        .await
        .map_err(|e| format!("opening the audit trail: {e}"))?;
    wait_for(
        browser,
        Locator::XPath(
            "//td[contains(., 'registry_import')]/following-sibling::td[normalize-space(.)='import']",
        ),
        "the import in the audit trail",
    )
    .await?;
    Ok(())
}

#[tokio::test]
async fn browser_a_new_network_is_imported_and_planned_from_an_empty_database() {
    if !crate::support::server_under_test() {
        return;
    }
    let run = BrowserRun::start_without_demo().await;
    let files = tempfile::tempdir().unwrap();
    let outcome = first_network(&run, files.path()).await;
    run.finish(outcome).await;
}
