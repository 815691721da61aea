//! Import and export of the registry: templates, preview, all-or-nothing commit by
//! natural keys, audit with the file's SHA-256, and exports that import back unchanged.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use rust_xlsxwriter::Workbook;
use shared::registry::import::{ImportKind, ImportReport, RowStatus};
use testkit::{CSV, Client, XLSX};

use crate::support::TestApp;

const CENTRE: &str = "74-TTYTTA";

/// The rows of the first sheet of a workbook, as text.
fn workbook_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let mut workbook = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    let range = workbook.worksheet_range_at(0).unwrap().unwrap();
    range
        .rows()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// A workbook with these rows on its first sheet.
fn workbook(rows: &[Vec<String>]) -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, cell).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

/// The CSV template's header line.
async fn csv_header(admin: &Client, kind: ImportKind) -> String {
    let template = admin.imports().template(kind, "csv").await;
    assert_eq!(template.code(), 200, "{}", template.text);
    template
        .text
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap()
        .to_string()
}

/// A staff CSV row of the centre: name, profession, licence.
fn staff_line(name: &str, profession: &str, licence: &str) -> String {
    format!("{CENTRE},,,{name},{profession},,{licence},01/01/2021,,noi_khoa,8,,,,Có,")
}

fn count(report: &ImportReport, status: RowStatus) -> usize {
    report.rows.iter().filter(|r| r.status == status).count()
}

#[actix_web::test]
async fn templates_come_as_xlsx_and_csv_for_every_kind() {
    let app = TestApp::spawn().await;
    let admin = app.user("admin").await;
    for &kind in ImportKind::all() {
        let xlsx = admin.imports().template(kind, "xlsx").await;
        assert_eq!(xlsx.code(), 200, "{}", xlsx.text);
        assert_eq!(xlsx.content_type(), XLSX);
        let rows = workbook_rows(xlsx.bytes());
        let headers: Vec<&str> = kind.columns().iter().map(|c| c.vi).collect();
        assert_eq!(rows[0], headers);
        assert_eq!(rows.len(), 2, "the header and one example row");

        let csv = admin.imports().template(kind, "csv").await;
        assert!(csv.content_type().starts_with("text/csv"));
        assert!(
            csv.bytes().starts_with("\u{feff}".as_bytes()),
            "UTF-8 BOM for Excel"
        );
        assert!(csv.text.contains(headers[0]));
    }
}

#[actix_web::test]
async fn a_staff_sheet_previews_commits_all_or_nothing_and_reimports_unchanged() {
    let app = TestApp::spawn().await;
    let admin = app.user("admin").await;
    let header = csv_header(&admin, ImportKind::Staff).await;
    let bad = format!(
        "{header}\n{}\n{}\n{}\n",
        staff_line("Phan Thị Một", "Điều dưỡng", "IMP-0001"),
        staff_line("Võ Văn Hai", "doctor", "IMP-0002"),
        staff_line("Lý Thị Ba", "Phi công", "IMP-0003"),
    );

    let preview = admin
        .imports()
        .preview(ImportKind::Staff, CSV, bad.as_bytes())
        .await
        .ok();
    assert!(!preview.committed);
    assert_eq!((preview.counts.rows, preview.counts.new), (3, 2));
    assert_eq!(preview.counts.errors, 1);
    let error_row = &preview.rows[2];
    assert_eq!((error_row.row, error_row.status), (4, RowStatus::Error));
    assert_eq!(error_row.errors[0].column, "profession");
    assert_eq!(error_row.errors[0].header, "Chức danh nghề nghiệp");
    assert_eq!(
        error_row.errors[0].message,
        "“Phi công” không phải giá trị hợp lệ"
    );

    // One bad row: nothing is written.
    admin
        .imports()
        .commit(ImportKind::Staff, CSV, bad.as_bytes(), None, None)
        .await
        .assert_problem(422, "validation_failed");
    let listed = admin.staff().list("q=IMP-000").await.ok().items;
    assert!(listed.is_empty(), "{listed:?}");

    // Fixed and committed: the file previewed is the file committed.
    let good = bad.replace("Phi công", "Hộ sinh");
    let preview = admin
        .imports()
        .preview(ImportKind::Staff, CSV, good.as_bytes())
        .await
        .ok();
    assert_eq!(preview.counts.new, 3);
    admin
        .imports()
        .commit(
            ImportKind::Staff,
            CSV,
            good.as_bytes(),
            Some(&"0".repeat(64)),
            None,
        )
        .await
        .assert_problem(409, "conflict");
    let committed = admin
        .imports()
        .commit(
            ImportKind::Staff,
            CSV,
            good.as_bytes(),
            Some(&preview.sha256),
            None,
        )
        .await
        .ok();
    assert!(committed.committed);
    assert_eq!(committed.counts.new, 3);
    let listed = admin.staff().list("q=IMP-000").await.ok().items;
    assert_eq!(listed.len(), 3);

    // One audit event for the import, with the file's SHA-256 and counts, and one per record.
    let events = admin
        .audit_events(&format!(
            "entity=registry_import&entity_id={}",
            preview.sha256
        ))
        .await
        .ok()
        .items;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].changes["sha256"], preview.sha256.as_str());
    assert_eq!(events[0].changes["counts"]["new"], 3);
    let per_record = admin
        .audit_events(&format!("entity=staff&entity_id={}", listed[0].id))
        .await
        .ok()
        .items;
    assert_eq!(per_record[0].action, "import_create");

    // Re-importing the file, or the export in either format, changes nothing.
    let again = admin
        .imports()
        .preview(ImportKind::Staff, CSV, good.as_bytes())
        .await
        .ok();
    assert_eq!(again.counts.unchanged, 3);
    for (format, content_type) in [("csv", CSV), ("xlsx", XLSX)] {
        let export = admin.imports().export(ImportKind::Staff, format).await;
        assert_eq!(export.code(), 200, "{}", export.text);
        let report = admin
            .imports()
            .preview(ImportKind::Staff, content_type, export.bytes())
            .await
            .ok();
        assert!(report.counts.rows >= 3, "{format}");
        assert_eq!(
            report.counts.unchanged,
            report.counts.rows,
            "{format}: {:?}",
            report
                .rows
                .iter()
                .find(|r| r.status != RowStatus::Unchanged)
        );
    }

    // A changed cell shows as changed with its column.
    let changed = good.replace(",8,", ",12,");
    let report = admin
        .imports()
        .preview(ImportKind::Staff, CSV, changed.as_bytes())
        .await
        .ok();
    assert_eq!(count(&report, RowStatus::Changed), 3);
    assert_eq!(report.rows[0].changed, ["monthly_rotation_day_limit"]);
}

#[actix_web::test]
async fn a_facility_workbook_adds_changes_and_links_supervisors_in_one_go() {
    let app = TestApp::spawn().await;
    let admin = app.user("admin").await;
    let export = admin.imports().export(ImportKind::Facilities, "xlsx").await;
    let mut rows = workbook_rows(export.bytes());
    let centre = rows.iter().position(|r| r[0] == CENTRE).unwrap();
    rows[centre][1] = "Trung tâm Y tế khu vực Thuận An (đổi tên)".into();
    // A station supervised by a centre that a later row of the same file creates.
    let mut station = rows[centre].clone();
    station[0] = "74-TYT-MOI".into();
    station[1] = "Trạm Y tế Mới".into();
    station[2] = "Trạm Y tế".into();
    station[4] = "74-TTYT-MOI".into();
    let mut new_centre = rows[centre].clone();
    new_centre[0] = "74-TTYT-MOI".into();
    new_centre[1] = "Trung tâm Y tế Mới".into();
    new_centre[4] = String::new();
    rows.push(station);
    rows.push(new_centre);
    let file = workbook(&rows);

    let preview = admin
        .imports()
        .preview(ImportKind::Facilities, XLSX, &file)
        .await
        .ok();
    assert_eq!(preview.counts.errors, 0, "{:?}", preview.rows);
    assert_eq!((preview.counts.new, preview.counts.changed), (2, 1));
    let changed = preview
        .rows
        .iter()
        .find(|r| r.status == RowStatus::Changed)
        .unwrap();
    assert_eq!(changed.key, CENTRE);
    assert_eq!(changed.changed, ["name"]);

    let key = "import-facilities-1";
    let first = admin
        .imports()
        .commit(ImportKind::Facilities, XLSX, &file, None, Some(key))
        .await
        .ok();
    let retried = admin
        .imports()
        .commit(ImportKind::Facilities, XLSX, &file, None, Some(key))
        .await
        .ok();
    assert_eq!(
        first, retried,
        "a retried commit answers the first time's report"
    );
    let station = admin.facility_id("74-TYT-MOI").await;
    let supervisor = admin.facility_id("74-TTYT-MOI").await;
    let station = admin.facilities().get(station).await.ok();
    assert_eq!(station.supervising_id, Some(supervisor));
    let renamed = admin
        .facilities()
        .get(admin.facility_id(CENTRE).await)
        .await
        .ok();
    assert!(renamed.name.ends_with("(đổi tên)"));
}

#[actix_web::test]
async fn who_may_import_what() {
    let app = TestApp::spawn().await;
    let admin = app.user("admin").await;
    let header = csv_header(&admin, ImportKind::Staff).await;
    let clinician = app.user("bacsi").await;
    clinician
        .imports()
        .preview(ImportKind::Staff, CSV, header.as_bytes())
        .await
        .assert_problem(403, "forbidden");

    // A station head imports their own station's staff, not the centre's.
    let station = app.user("tram.anphu").await;
    let file = format!(
        "{header}\n{}\n{}\n",
        staff_line("Ở Trung Tâm", "Bác sĩ", "IMP-0101").replace(CENTRE, "74-TYT-ANPHU"),
        staff_line("Không Được", "Bác sĩ", "IMP-0102"),
    );
    let report = station
        .imports()
        .preview(ImportKind::Staff, CSV, file.as_bytes())
        .await
        .ok();
    assert_eq!(report.rows[0].status, RowStatus::New);
    assert_eq!(report.rows[1].status, RowStatus::Error);
    assert_eq!(report.rows[1].errors[0].column, "facility_code");

    // A file without a required column is read but refused (422); one that is not a
    // spreadsheet at all cannot be read (400).
    station
        .imports()
        .preview(ImportKind::Staff, CSV, "Họ và tên\nAn\n".as_bytes())
        .await
        .assert_problem(422, "validation_failed");
    station
        .imports()
        .preview(ImportKind::Staff, XLSX, b"PK\x03\x04not a zip")
        .await
        .assert_problem(400, "bad_request");
}

#[actix_web::test]
async fn staff_without_a_licence_are_matched_by_citizen_id_and_updated_not_duplicated() {
    let app = TestApp::spawn().await;
    let admin = app.user("admin").await;
    let header = csv_header(&admin, ImportKind::Staff).await;
    // No licence: the citizen id is the key.
    let line = |title: &str| {
        format!("{CENTRE},,,Đinh Thị Căn Cước,Hộ sinh,{title},,,,,8,,,,Có,079301000777")
    };
    let first = format!("{header}\n{}\n", line(""));
    let report = admin
        .imports()
        .commit(ImportKind::Staff, CSV, first.as_bytes(), None, None)
        .await
        .ok();
    assert_eq!(report.counts.new, 1, "{:?}", report.rows);
    assert_eq!(report.rows[0].key, "CCCD 079301000777");

    let second = format!("{header}\n{}\n", line("CN"));
    let preview = admin
        .imports()
        .preview(ImportKind::Staff, CSV, second.as_bytes())
        .await
        .ok();
    assert_eq!(preview.rows[0].status, RowStatus::Changed, "{preview:?}");
    assert_eq!(preview.rows[0].changed, ["title"]);
    admin
        .imports()
        .commit(ImportKind::Staff, CSV, second.as_bytes(), None, None)
        .await
        .ok();
    let found = admin.staff().list("q=Căn Cước").await.ok().items;
    assert_eq!(found.len(), 1, "updated, not duplicated: {found:?}");
    assert_eq!(found[0].title.as_deref(), Some("CN"));
    assert_eq!(found[0].citizen_id.as_deref(), Some("079301000777"));

    // The licence, once known, is added to the same person (matched by citizen id);
    // an empty citizen-id cell later keeps the recorded number.
    let licensed = format!(
        "{header}\n{}\n",
        line("CN").replace("CN,,,,,8", "CN,IMP-CC-1,,,,8")
    );
    let report = admin
        .imports()
        .commit(ImportKind::Staff, CSV, licensed.as_bytes(), None, None)
        .await
        .ok();
    assert_eq!(report.counts.changed, 1, "{:?}", report.rows);
    let blank = licensed.replace(",079301000777", ",");
    let report = admin
        .imports()
        .preview(ImportKind::Staff, CSV, blank.as_bytes())
        .await
        .ok();
    assert_eq!(report.counts.unchanged, 1, "{:?}", report.rows);

    // Another person's licence with this citizen id, or neither key: errors with the
    // column and a Vietnamese reason.
    let clash = format!(
        "{header}\n{}\n{CENTRE},,,Không Khóa,Bác sĩ,,,,,,8,,,,Có,\n",
        staff_line("Người Khác", "Bác sĩ", "IMP-CC-2").replace("Có,", "Có,079301000777")
    );
    let report = admin
        .imports()
        .preview(ImportKind::Staff, CSV, clash.as_bytes())
        .await
        .ok();
    assert_eq!(report.counts.errors, 2, "{:?}", report.rows);
    assert_eq!(report.rows[0].errors[0].column, "citizen_id");
    assert_eq!(report.rows[0].errors[0].header, "Số CCCD");
    assert_eq!(
        report.rows[0].errors[0].message,
        "Số CCCD này đã thuộc về nhân sự “IMP-CC-1”"
    );
    assert_eq!(report.rows[1].row, 3);
    assert_eq!(
        report.rows[1].errors[0].message,
        "Cần số chứng chỉ hành nghề hoặc số CCCD để nhận diện nhân sự"
    );
}
