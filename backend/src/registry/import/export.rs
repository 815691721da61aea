//! Templates and exports: the columns of a kind with its Vietnamese headers, then the
//! example row (template) or every record (export), as XLSX or as CSV in UTF-8. An
//! export reads back through the import as all unchanged.

use actix_web::HttpResponse;
use actix_web::http::header;
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use serde::Deserialize;
use shared::registry::import::ImportKind;
use shared::{Labelled, Lang};

use super::service::Registry;
use crate::auth::{Action, Principal, authorize};
use crate::db::AnyConn;
use crate::error::ApiError;

/// File formats of templates and exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum FileFormat {
    /// Excel workbook.
    Xlsx,
    /// Comma-separated values, UTF-8 with a byte-order mark (so Excel reads the
    /// Vietnamese letters right).
    Csv,
}

/// The MIME type of an XLSX workbook.
pub const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
/// The MIME type of CSV in UTF-8.
pub const CSV_TYPE: &str = "text/csv; charset=utf-8";

/// The rows of an export of `kind`: every record the principal may read.
pub fn export_rows(
    conn: &mut AnyConn,
    by: &Principal,
    kind: ImportKind,
) -> Result<Vec<Vec<String>>, ApiError> {
    authorize(by, Action::ReadRegistry)?;
    let registry = Registry::load(conn, kind)?;
    Ok(registry
        .records(by, kind)
        .iter()
        .map(|record| record.display_cells())
        .collect())
}

/// The example row of the template of `kind`.
pub fn template_rows(kind: ImportKind) -> Vec<Vec<String>> {
    vec![kind.example().iter().map(|cell| cell.to_string()).collect()]
}

/// A file of `kind` with these rows, as an attachment named `stem.format`.
/// Rendered on the blocking pool, off the async workers.
pub async fn attachment(
    kind: ImportKind,
    format: FileFormat,
    stem: &str,
    rows: Vec<Vec<String>>,
) -> Result<HttpResponse, ApiError> {
    let (content_type, bytes, extension) =
        crate::db::off_workers(move || render(kind, format, &rows)).await??;
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{stem}.{extension}\""),
        ))
        .body(bytes))
}

/// The file's type, bytes and extension.
fn render(
    kind: ImportKind,
    format: FileFormat,
    rows: &[Vec<String>],
) -> Result<(&'static str, Vec<u8>, &'static str), ApiError> {
    Ok(match format {
        FileFormat::Xlsx => (
            XLSX_TYPE,
            xlsx(kind, rows).map_err(ApiError::internal)?,
            "xlsx",
        ),
        FileFormat::Csv => (
            CSV_TYPE,
            csv(kind, rows).map_err(ApiError::internal)?,
            "csv",
        ),
    })
}

fn headers(kind: ImportKind) -> Vec<&'static str> {
    kind.columns().iter().map(|c| c.header(Lang::Vi)).collect()
}

/// Every cell written as text, so codes like "079" and licence numbers keep their
/// leading zeros and Excel does not turn dates into serial numbers.
fn xlsx(kind: ImportKind, rows: &[Vec<String>]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    // Sheet names may not hold "/" ("Khoa/phòng").
    sheet.set_name(kind.label(Lang::Vi).replace('/', "-"))?;
    let bold = Format::new().set_bold();
    let required = Format::new().set_bold().set_font_color("#B00020");
    let text = Format::new().set_num_format("@");
    for (col, column) in kind.columns().iter().enumerate() {
        let col = u16::try_from(col).unwrap_or(u16::MAX);
        let format = if column.required { &required } else { &bold };
        sheet.write_string_with_format(0, col, column.vi, format)?;
        sheet.set_column_width(col, (column.vi.chars().count() as f64 + 4.0).max(14.0))?;
        sheet.set_column_format(col, &text)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
        for (c, cell) in row.iter().enumerate() {
            if !cell.is_empty() {
                sheet.write_string(r, u16::try_from(c).unwrap_or(u16::MAX), cell)?;
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    workbook.save_to_buffer()
}

fn csv(kind: ImportKind, rows: &[Vec<String>]) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::from("\u{feff}".as_bytes()));
    writer.write_record(headers(kind))?;
    for row in rows {
        writer.write_record(row)?;
    }
    writer
        .into_inner()
        .map_err(|error| csv::Error::from(error.into_error()))
}
