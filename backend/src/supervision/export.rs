//! A period's supervision visits as an Excel workbook: one row per visit (day, facility,
//! checklist, status, score, pass or fail, open and late corrective actions), dates as
//! Excel dates and scores as numbers, so the Department of Health computes with them.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};
use shared::supervision::VisitSummary;
use shared::{Labelled, Lang};

/// The workbook's font, as the plans' exports use.
const FONT: &str = "Times New Roman";
/// Excel's code of the A4 paper size.
const A4_PAPER: u8 = 9;
/// The sheet's title row.
const TITLE: &str = "DANH SÁCH ĐỢT GIÁM SÁT CHẤT LƯỢNG";
/// The columns: header and width in characters.
const COLUMNS: [(&str, f64); 12] = [
    ("Ngày giám sát", 12.0),
    ("Mã cơ sở", 16.0),
    ("Đơn vị được giám sát", 32.0),
    ("Đơn vị giám sát", 32.0),
    ("Bảng kiểm", 40.0),
    ("Phiên bản", 9.0),
    ("Lĩnh vực", 22.0),
    ("Trạng thái", 14.0),
    ("Điểm (%)", 9.0),
    ("Kết quả", 11.0),
    ("Việc khắc phục chưa đóng", 11.0),
    ("Quá hạn", 9.0),
];

/// The visits `rows` (in the order given) with `period` written under the title.
pub fn visits_xlsx(rows: &[VisitSummary], period: &str) -> Result<Vec<u8>, XlsxError> {
    let cell = Format::new()
        .set_border(FormatBorder::Thin)
        .set_font_name(FONT)
        .set_font_size(12)
        .set_align(FormatAlign::Top);
    let header = cell
        .clone()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_background_color("#D9E1F2");
    let text = cell.clone().set_text_wrap();
    let date = cell.clone().set_num_format("dd/mm/yyyy");
    let decimal = cell.clone().set_num_format("0.0");
    let title = Format::new()
        .set_bold()
        .set_font_name(FONT)
        .set_font_size(14);

    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Đợt giám sát")?;
    sheet.set_landscape();
    sheet.set_paper_size(A4_PAPER);
    sheet.write_string_with_format(0, 0, TITLE, &title)?;
    sheet.write_string_with_format(1, 0, period, &Format::new().set_font_name(FONT))?;
    let header_row = 3;
    for (column, (name, width)) in (0u16..).zip(COLUMNS) {
        sheet.set_column_width(column, width)?;
        sheet.write_string_with_format(header_row, column, name, &header)?;
    }
    sheet.set_freeze_panes(header_row + 1, 0)?;
    for (row, visit) in (header_row + 1..).zip(rows) {
        sheet.write_date_with_format(row, 0, visit.planned_on, &date)?;
        sheet.write_string_with_format(row, 1, &visit.facility.code, &text)?;
        sheet.write_string_with_format(row, 2, &visit.facility.name, &text)?;
        sheet.write_string_with_format(row, 3, &visit.supervising_facility.name, &text)?;
        sheet.write_string_with_format(row, 4, &visit.template.title, &text)?;
        sheet.write_number_with_format(row, 5, f64::from(visit.template.revision), &cell)?;
        sheet.write_string_with_format(row, 6, visit.template.area.label(Lang::Vi), &text)?;
        sheet.write_string_with_format(row, 7, visit.status.label(Lang::Vi), &text)?;
        match visit.score_percent {
            Some(score) => sheet.write_number_with_format(row, 8, score, &decimal)?,
            None => sheet.write_blank(row, 8, &cell)?,
        };
        let verdict = match visit.passed {
            Some(true) => "Đạt",
            Some(false) => "Không đạt",
            None => "",
        };
        sheet.write_string_with_format(row, 9, verdict, &text)?;
        sheet.write_number_with_format(row, 10, f64::from(visit.open_actions), &cell)?;
        sheet.write_number_with_format(row, 11, f64::from(visit.overdue_actions), &cell)?;
    }
    workbook.save_to_buffer()
}
