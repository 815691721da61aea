//! Reading an uploaded sheet into rows of text cells: XLSX (first worksheet) with
//! calamine, CSV with `csv` (UTF-8, a byte-order mark tolerated, `,` or `;` as the
//! separator, as Excel writes either depending on the locale).

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use shared::message::Message;

use crate::error::ApiError;

/// A sheet: the header row first, then the data rows, as text.
pub type Sheet = Vec<Vec<String>>;

/// The ZIP signature every XLSX file starts with.
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";

/// Reads an uploaded file; the format is told by its bytes (an XLSX is a ZIP), not by
/// its name or content type, which browsers set inconsistently for CSV.
pub fn sheet(bytes: &[u8]) -> Result<Sheet, ApiError> {
    let rows = if bytes.starts_with(ZIP_MAGIC) {
        xlsx(bytes)?
    } else {
        csv(bytes)?
    };
    // Trailing blank rows (formatting Excel keeps) are not data.
    let mut rows: Sheet = rows;
    while rows
        .last()
        .is_some_and(|row| row.iter().all(|cell| cell.trim().is_empty()))
    {
        rows.pop();
    }
    Ok(rows)
}

fn unreadable(reason: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request(Message::ImportUnreadable(reason.to_string()))
}

fn xlsx(bytes: &[u8]) -> Result<Sheet, ApiError> {
    let mut workbook = Xlsx::new(Cursor::new(bytes)).map_err(unreadable)?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| unreadable("no worksheet"))?
        .map_err(unreadable)?;
    Ok(range
        .rows()
        .map(|row| row.iter().map(cell_text).collect())
        .collect())
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(text) | Data::DateTimeIso(text) | Data::DurationIso(text) => text.clone(),
        Data::Int(value) => value.to_string(),
        Data::Float(value) => value.to_string(),
        Data::Bool(value) => value.to_string(),
        // A date cell: ISO, which the shared parser reads.
        Data::DateTime(value) => value
            .as_datetime()
            .map(|at| at.date().to_string())
            .unwrap_or_default(),
    }
}

fn csv(bytes: &[u8]) -> Result<Sheet, ApiError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| ApiError::bad_request(Message::ImportUnsupportedType))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_line = text.lines().next().unwrap_or_default();
    let delimiter = if first_line.matches(';').count() > first_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|record| {
            record
                .map(|record| record.iter().map(str::to_string).collect())
                .map_err(unreadable)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_a_bom_and_semicolons_reads() {
        let rows = sheet("\u{feff}Mã cơ sở;Tên\n79-1;\"Trạm; An Phú\"\n;\n".as_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            rows,
            vec![vec!["Mã cơ sở", "Tên"], vec!["79-1", "Trạm; An Phú"]]
        );
    }

    #[test]
    fn bytes_that_are_not_text_are_refused() {
        assert!(sheet(&[0xff, 0xfe, 0x00, 0x41]).is_err());
        assert!(sheet(b"PK\x03\x04garbage").is_err());
    }
}
