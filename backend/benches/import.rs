//! Times the registry import on a network of 200 facilities and 3,000 staff: preview
//! and commit of the facilities sheet, then of the staff sheet (CSV and XLSX), through
//! the real HTTP API on SQLite, and on PostgreSQL when `TUYEN_TEST_PG_URL` names a
//! server. Run with `cargo bench -p backend --bench import` (add `--profile dev` for a
//! quick debug-build upper bound).
#![expect(
    clippy::unwrap_used,
    reason = "a benchmark stops loudly on any failure"
)]

use std::time::Instant;

use diesel::{Connection, PgConnection, RunQueryDsl};
use shared::registry::import::{ImportKind, ImportReport};
use testkit::{CSV, Client, XLSX};
use tuyen::app::Application;
use tuyen::config::Settings;

const FACILITIES: usize = 200;
const STAFF: usize = 3_000;
const PROFESSIONS: [&str; 6] = [
    "Bác sĩ",
    "Y sĩ",
    "Điều dưỡng",
    "Hộ sinh",
    "Kỹ thuật viên",
    "Dược sĩ",
];

fn header(kind: ImportKind) -> String {
    let headers: Vec<&str> = kind.columns().iter().map(|c| c.vi).collect();
    headers.join(",")
}

fn facilities_csv() -> String {
    let mut out = header(ImportKind::Facilities);
    for i in 0..FACILITIES {
        out.push_str(&format!(
            "\n74-BENCH-{i:03},Trạm Y tế số {i},Trạm Y tế,initial,74-TTYTTA,Bình Dương,Phường {i},Số {i} đường {i},10.9,106.7,0274 {i:07},Có"
        ));
    }
    out.push('\n');
    out
}

fn staff_csv(limit: u32) -> String {
    let mut out = header(ImportKind::Staff);
    for i in 0..STAFF {
        out.push_str(&format!(
            "\n74-BENCH-{:03},,NV-{i:05},Nhân Viên Số {i},{},,BENCH-{i:06}/BD-CCHN,01/01/2020,31/12/2030,noi_khoa; nhi_khoa,{limit},,0912 {i:06},nv{i}@example.vn,Có,0793{i:08}",
            i % FACILITIES,
            PROFESSIONS[i % PROFESSIONS.len()],
        ));
    }
    out.push('\n');
    out
}

fn xlsx_of(csv: &str) -> Vec<u8> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv.as_bytes());
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, record) in reader.records().enumerate() {
        for (c, cell) in record.unwrap().iter().enumerate() {
            sheet.write_string(r as u32, c as u16, cell).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

async fn timed<F, T>(label: &str, work: F) -> T
where
    F: std::future::Future<Output = T>,
{
    let started = Instant::now();
    let value = work.await;
    println!(
        "{label:<48} {:>8.0} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );
    value
}

fn report(answer: testkit::Answer<ImportReport>) -> ImportReport {
    assert!(
        answer.status.is_success(),
        "{}",
        &answer.text[..answer.text.len().min(400)]
    );
    let report = answer.body();
    assert_eq!(
        report.counts.errors,
        0,
        "{:?}",
        report.rows.iter().find(|r| !r.errors.is_empty())
    );
    report
}

async fn run(engine: &str, url: String, dir: &std::path::Path) {
    println!("--- {engine}");
    let app = Application::build(Settings::for_tests(&url, dir)).unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    actix_web::rt::spawn(app.run());
    let admin = Client::new(base).sign_in("admin", "thuanan2026").await;
    let imports = admin.imports();

    let facilities = facilities_csv();
    let staff = staff_csv(10);
    let staff_xlsx = xlsx_of(&staff_csv(12));
    println!(
        "files: facilities {} KB, staff {} KB (CSV), {} KB (XLSX)",
        facilities.len() / 1024,
        staff.len() / 1024,
        staff_xlsx.len() / 1024
    );

    let preview = report(
        timed(
            "preview 200 facilities (CSV, all new)",
            imports.preview(ImportKind::Facilities, CSV, facilities.as_bytes()),
        )
        .await,
    );
    assert_eq!(preview.counts.new as usize, FACILITIES);
    report(
        timed(
            "commit 200 facilities (CSV)",
            imports.commit(
                ImportKind::Facilities,
                CSV,
                facilities.as_bytes(),
                Some(&preview.sha256),
                None,
            ),
        )
        .await,
    );

    let preview = report(
        timed(
            "preview 3,000 staff (CSV, all new)",
            imports.preview(ImportKind::Staff, CSV, staff.as_bytes()),
        )
        .await,
    );
    assert_eq!(preview.counts.new as usize, STAFF);
    report(
        timed(
            "commit 3,000 staff (CSV, all new)",
            imports.commit(
                ImportKind::Staff,
                CSV,
                staff.as_bytes(),
                Some(&preview.sha256),
                None,
            ),
        )
        .await,
    );

    let preview = report(
        timed(
            "preview 3,000 staff (XLSX, all changed)",
            imports.preview(ImportKind::Staff, XLSX, &staff_xlsx),
        )
        .await,
    );
    assert_eq!(preview.counts.changed as usize, STAFF);
    report(
        timed(
            "commit 3,000 staff (XLSX, all changed)",
            imports.commit(
                ImportKind::Staff,
                XLSX,
                &staff_xlsx,
                Some(&preview.sha256),
                None,
            ),
        )
        .await,
    );

    let export = timed(
        "export staff (XLSX)",
        imports.export(ImportKind::Staff, "xlsx"),
    )
    .await;
    let preview = report(
        timed(
            "preview the staff export (XLSX, all unchanged)",
            imports.preview(ImportKind::Staff, XLSX, export.bytes()),
        )
        .await,
    );
    assert_eq!(preview.counts.unchanged, preview.counts.rows);
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing: both run it.
    let dir = tempfile::tempdir().unwrap();
    actix_web::rt::System::new().block_on(async {
        let sqlite = dir
            .path()
            .join("bench.sqlite3")
            .to_string_lossy()
            .into_owned();
        run("SQLite", sqlite, dir.path()).await;
        if let Some(admin) = std::env::var("TUYEN_TEST_PG_URL")
            .ok()
            .filter(|u| !u.is_empty())
        {
            let name = format!("tuyen_bench_{}", std::process::id());
            let mut conn = PgConnection::establish(&admin).unwrap();
            diesel::sql_query(format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .unwrap();
            let (server, _) = admin.rsplit_once('/').unwrap();
            let pg_dir = tempfile::tempdir().unwrap();
            run("PostgreSQL", format!("{server}/{name}"), pg_dir.path()).await;
        }
    });
}
