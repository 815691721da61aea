//! The periodic report to the Department of Health as an Excel workbook.

use rust_xlsxwriter::{
    DocProperties, Format, FormatAlign, FormatBorder, Formula, Workbook, Worksheet, XlsxError,
    utility::{cell_range, row_col_to_cell},
};
use shared::plan::{PlanReport, StationFigures};
use shared::time::to_vietnam;
use shared::{Labelled, Lang};

use super::{ExportError, FONT};

/// Title of the report, on top of the summary sheet.
const REPORT_TITLE: &str = "BÁO CÁO KẾT QUẢ HỖ TRỢ CHUYÊN MÔN";
/// Sheet of the plan's facts and the per-station table.
const SUMMARY_SHEET: &str = "Tổng hợp";
/// Sheet of the activities.
const ACTIVITIES_SHEET: &str = "Hoạt động";
/// Sheet of the indicators.
const INDICATORS_SHEET: &str = "Chỉ tiêu";
/// Row (0-based) of the header of the per-station table on the summary sheet: below
/// the title and the five lines of facts, with one blank row between.
const STATION_HEADER_ROW: u32 = 7;
/// Height in points of a line of 12 pt text in a cell.
const LINE_HEIGHT: f64 = 15.75;
/// Excel's code of the A4 paper size.
const A4_PAPER: u8 = 9;

/// The per-station table's columns: header and width in characters.
const STATION_COLUMNS: [(&str, f64); 11] = [
    ("Trạm", 34.0),
    ("Ngày luân phiên", 11.0),
    ("Vắng mặt", 9.0),
    ("Ca hội chẩn", 9.0),
    ("Chuyển lên", 9.0),
    ("Chuyển về", 9.0),
    ("Tránh chuyển tuyến", 11.0),
    ("Theo dõi đúng hạn", 10.0),
    ("Theo dõi đến hạn", 10.0),
    ("Tỷ lệ đúng hạn", 10.0),
    ("Hoạt động hoàn thành", 11.0),
];
/// Columns of the per-station table that hold a figure, added up in the total row.
const NUMBER_COLUMNS: [u16; 9] = [1, 2, 3, 4, 5, 6, ON_TIME_COLUMN, DUE_COLUMN, 10];
/// Columns of the follow-ups on time and due: the share's numerator and denominator.
const ON_TIME_COLUMN: u16 = 7;
const DUE_COLUMN: u16 = 8;
/// Column of the share of follow-ups on time: a ratio of two totals, not a sum.
const ON_TIME_SHARE_COLUMN: u16 = 9;

/// The activities' columns: header and width in characters.
const ACTIVITY_COLUMNS: [(&str, f64); 8] = [
    ("Nhóm hoạt động", 28.0),
    ("Hoạt động", 42.0),
    ("Loại hình", 22.0),
    ("Đơn vị phụ trách", 22.0),
    ("Cơ sở được hỗ trợ", 40.0),
    ("Tình trạng", 15.0),
    ("Ngày hoàn thành", 13.0),
    ("Đánh giá trung bình", 11.0),
];

/// The indicators' columns: header and width in characters.
const INDICATOR_COLUMNS: [(&str, f64); 9] = [
    ("Mã", 8.0),
    ("Chỉ tiêu", 44.0),
    ("Đơn vị tính", 11.0),
    ("Cơ sở", 32.0),
    ("Kế hoạch", 10.0),
    ("Thực hiện", 10.0),
    ("Tỷ lệ đạt (%)", 10.0),
    ("Đánh giá", 11.0),
    ("Phê duyệt", 12.0),
];

/// The cell formats of the workbook, made once.
struct Formats {
    title: Format,
    label: Format,
    header: Format,
    text: Format,
    number: Format,
    decimal: Format,
    percent: Format,
    date: Format,
    fact: Format,
    fact_date: Format,
    fact_datetime: Format,
    total_label: Format,
    total_number: Format,
    total_percent: Format,
}

impl Formats {
    fn new() -> Formats {
        let cell = Format::new()
            .set_border(FormatBorder::Thin)
            .set_font_name(FONT)
            .set_font_size(12);
        let total = cell.clone().set_bold();
        Formats {
            title: Format::new()
                .set_bold()
                .set_font_name(FONT)
                .set_font_size(14)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            label: Format::new().set_bold().set_font_name(FONT),
            header: cell
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color("#D9E1F2"),
            text: cell.clone().set_text_wrap().set_align(FormatAlign::Top),
            number: cell.clone().set_align(FormatAlign::Top),
            decimal: cell
                .clone()
                .set_num_format("0.0")
                .set_align(FormatAlign::Top),
            percent: cell
                .clone()
                .set_num_format("0.0%")
                .set_align(FormatAlign::Top),
            date: cell
                .clone()
                .set_num_format("dd/mm/yyyy")
                .set_align(FormatAlign::Top),
            fact: Format::new().set_font_name(FONT),
            fact_date: Format::new()
                .set_font_name(FONT)
                .set_num_format("dd/mm/yyyy")
                .set_align(FormatAlign::Left),
            fact_datetime: Format::new()
                .set_font_name(FONT)
                .set_num_format("dd/mm/yyyy hh:mm")
                .set_align(FormatAlign::Left),
            total_label: total.clone(),
            total_number: total.clone(),
            total_percent: total.set_num_format("0.0%"),
        }
    }
}

/// The periodic report of a plan as an Excel workbook for the Department of Health:
/// "Tổng hợp" (the plan, the period and a table per station with a total row of real
/// `SUM` formulas), "Hoạt động" (the activities overlapping the period) and "Chỉ tiêu"
/// (every indicator's target against its actual, with its approval). Figures are
/// written as numbers and dates as Excel dates, so the department can compute with
/// them.
pub fn report_xlsx(report: &PlanReport) -> Result<Vec<u8>, ExportError> {
    let formats = Formats::new();
    let mut workbook = Workbook::new();
    // The creation time is the report's own, not the clock's: the same report gives
    // the same file, and the file says when its figures were taken.
    workbook.set_properties(
        &DocProperties::new()
            .set_title(REPORT_TITLE)
            .set_subject(format!("{} – {}", report.plan.code, report.period_label))
            .set_company(&report.plan.issuing_facility.name)
            .set_creation_datetime(&report.generated_at),
    );
    summary_sheet(workbook.add_worksheet(), report, &formats)?;
    activities_sheet(workbook.add_worksheet(), report, &formats)?;
    indicators_sheet(workbook.add_worksheet(), report, &formats)?;
    Ok(workbook.save_to_buffer()?)
}

fn summary_sheet(
    sheet: &mut Worksheet,
    report: &PlanReport,
    formats: &Formats,
) -> Result<(), XlsxError> {
    let last_column = (STATION_COLUMNS.len() - 1) as u16;
    sheet.set_name(SUMMARY_SHEET)?;
    sheet.merge_range(0, 0, 0, last_column, REPORT_TITLE, &formats.title)?;
    sheet.set_row_height(0, 26)?;

    let plan = &report.plan;
    let facts = [
        ("Kế hoạch", format!("{} – {}", plan.code, plan.title)),
        ("Đơn vị thực hiện", plan.issuing_facility.name.clone()),
        ("Kỳ báo cáo", report.period_label.clone()),
    ];
    for (row, (label, value)) in (1..).zip(facts) {
        sheet.write_string_with_format(row, 0, label, &formats.label)?;
        sheet.write_string_with_format(row, 1, value, &formats.fact)?;
    }
    sheet.write_string_with_format(4, 0, "Từ ngày", &formats.label)?;
    sheet.write_date_with_format(4, 1, report.from, &formats.fact_date)?;
    sheet.write_string_with_format(4, 2, "Đến ngày", &formats.label)?;
    sheet.write_date_with_format(4, 3, report.to, &formats.fact_date)?;
    sheet.write_string_with_format(5, 0, "Lập lúc", &formats.label)?;
    sheet.write_datetime_with_format(
        5,
        1,
        // When it was made, on Vietnam's clock.
        to_vietnam(report.generated_at),
        &formats.fact_datetime,
    )?;

    write_header(sheet, STATION_HEADER_ROW, &STATION_COLUMNS, formats)?;
    let first = STATION_HEADER_ROW + 1;
    let mut row = first;
    for station in &report.stations {
        station_row(sheet, row, station, formats)?;
        row += 1;
    }
    total_row(sheet, &report.stations, first, row, formats)?;
    // The filter stops above the total row: sorting must not move it among the stations.
    finish_table(sheet, STATION_HEADER_ROW, row - 1, last_column)
}

fn station_row(
    sheet: &mut Worksheet,
    row: u32,
    station: &StationFigures,
    formats: &Formats,
) -> Result<(), XlsxError> {
    sheet.write_string_with_format(row, 0, &station.facility.name, &formats.text)?;
    for (column, value) in NUMBER_COLUMNS.into_iter().zip(station_numbers(station)) {
        sheet.write_number_with_format(row, column, value, &formats.number)?;
    }
    let share = on_time_share(
        row,
        station.follow_ups_on_time as f64,
        station.follow_ups_due as f64,
    );
    sheet.write_formula_with_format(row, ON_TIME_SHARE_COLUMN, share, &formats.percent)?;
    Ok(())
}

/// A station's figures, in the order of [`NUMBER_COLUMNS`].
fn station_numbers(station: &StationFigures) -> [f64; NUMBER_COLUMNS.len()] {
    [
        station.rotation_days,
        station.rotation_absences as f64,
        station.consultations_held as f64,
        station.referrals_up as f64,
        station.back_referrals as f64,
        station.referrals_avoided as f64,
        station.follow_ups_on_time as f64,
        station.follow_ups_due as f64,
        station.activities_done as f64,
    ]
}

/// The share of follow-ups on time in `row` as a formula, blank when none was due (a
/// division by zero would show `#DIV/0!`). Its cached result is set so that readers
/// which do not recalculate (previews, parsers) see the figure too.
fn on_time_share(row: u32, on_time: f64, due: f64) -> Formula {
    let on_time_cell = row_col_to_cell(row, ON_TIME_COLUMN);
    let due_cell = row_col_to_cell(row, DUE_COLUMN);
    let formula = Formula::new(format!("=IF({due_cell}>0,{on_time_cell}/{due_cell},\"\")"));
    if due > 0.0 {
        formula.set_result((on_time / due).to_string())
    } else {
        formula.set_result("")
    }
}

/// The "Tổng cộng" row below the stations, which fill rows `first..end`: a `SUM`
/// formula over each column, and the share of the totals. The sums are computed here
/// too and cached in the cells, for readers that do not recalculate.
fn total_row(
    sheet: &mut Worksheet,
    stations: &[StationFigures],
    first: u32,
    end: u32,
    formats: &Formats,
) -> Result<(), XlsxError> {
    sheet.write_string_with_format(end, 0, "Tổng cộng", &formats.total_label)?;
    let mut sums = [0.0; NUMBER_COLUMNS.len()];
    for station in stations {
        for (sum, value) in sums.iter_mut().zip(station_numbers(station)) {
            *sum += value;
        }
    }
    for (column, sum) in NUMBER_COLUMNS.into_iter().zip(sums) {
        if stations.is_empty() {
            // No station row to add up: a range ending above its start would reach
            // into the header.
            sheet.write_number_with_format(end, column, 0.0, &formats.total_number)?;
        } else {
            let range = cell_range(first, column, end - 1, column);
            let formula = Formula::new(format!("=SUM({range})")).set_result(sum.to_string());
            sheet.write_formula_with_format(end, column, formula, &formats.total_number)?;
        }
    }
    let total_of = |column: u16| {
        NUMBER_COLUMNS
            .iter()
            .position(|c| *c == column)
            .map_or(0.0, |index| sums[index])
    };
    let share = on_time_share(end, total_of(ON_TIME_COLUMN), total_of(DUE_COLUMN));
    sheet.write_formula_with_format(end, ON_TIME_SHARE_COLUMN, share, &formats.total_percent)?;
    Ok(())
}

fn activities_sheet(
    sheet: &mut Worksheet,
    report: &PlanReport,
    formats: &Formats,
) -> Result<(), XlsxError> {
    sheet.set_name(ACTIVITIES_SHEET)?;
    write_header(sheet, 0, &ACTIVITY_COLUMNS, formats)?;
    let mut row = 1;
    for activity in &report.activities {
        let texts = [
            activity.group.as_str(),
            activity.title.as_str(),
            activity.kind.label(Lang::Vi),
            activity.responsible_unit.as_str(),
            &activity.facilities.join(", "),
            activity.status.label(Lang::Vi),
        ];
        write_texts(sheet, row, &texts, &ACTIVITY_COLUMNS, formats)?;
        match activity.delivered_on {
            Some(day) => sheet.write_date_with_format(row, 6, day, &formats.date)?,
            None => sheet.write_blank(row, 6, &formats.date)?,
        };
        write_optional_number(sheet, row, 7, activity.average_rating, &formats.decimal)?;
        row += 1;
    }
    finish_table(sheet, 0, row - 1, (ACTIVITY_COLUMNS.len() - 1) as u16)
}

fn indicators_sheet(
    sheet: &mut Worksheet,
    report: &PlanReport,
    formats: &Formats,
) -> Result<(), XlsxError> {
    sheet.set_name(INDICATORS_SHEET)?;
    write_header(sheet, 0, &INDICATOR_COLUMNS, formats)?;
    let mut row = 1;
    for indicator in &report.indicators {
        let facility = indicator
            .facility
            .as_ref()
            .map_or("Toàn mạng lưới", |facility| facility.name.as_str());
        let texts = [
            indicator.indicator_code.as_str(),
            indicator.indicator_name.as_str(),
            indicator.unit.as_str(),
            facility,
        ];
        write_texts(sheet, row, &texts, &INDICATOR_COLUMNS, formats)?;
        write_optional_number(sheet, row, 4, indicator.target, &formats.number)?;
        write_optional_number(sheet, row, 5, indicator.actual, &formats.number)?;
        write_optional_number(sheet, row, 6, indicator.attainment, &formats.decimal)?;
        let light = indicator.light.map_or("", |light| light.label(Lang::Vi));
        sheet.write_string_with_format(row, 7, light, &formats.text)?;
        let approval = if indicator.approved {
            "Đã duyệt"
        } else {
            "Chưa duyệt"
        };
        sheet.write_string_with_format(row, 8, approval, &formats.text)?;
        row += 1;
    }
    finish_table(sheet, 0, row - 1, (INDICATOR_COLUMNS.len() - 1) as u16)
}

/// A bold header row, and the columns' widths.
fn write_header(
    sheet: &mut Worksheet,
    row: u32,
    columns: &[(&str, f64)],
    formats: &Formats,
) -> Result<(), XlsxError> {
    for (column, (header, width)) in (0..).zip(columns) {
        sheet.write_string_with_format(row, column, *header, &formats.header)?;
        sheet.set_column_width(column, *width)?;
    }
    // Room for headers wrapped on two or three lines.
    sheet.set_row_height(row, 3.0 * LINE_HEIGHT)?;
    Ok(())
}

/// Wrapped texts from the first column on, the row made tall enough for the longest.
/// Excel keeps the height a file gives and LibreOffice does not grow a row to its
/// wrapped text either, so the lines are estimated from the columns' widths.
fn write_texts(
    sheet: &mut Worksheet,
    row: u32,
    texts: &[&str],
    columns: &[(&str, f64)],
    formats: &Formats,
) -> Result<(), XlsxError> {
    let mut lines = 1;
    for ((column, text), (_, width)) in (0..).zip(texts).zip(columns) {
        sheet.write_string_with_format(row, column, *text, &formats.text)?;
        // A width counts characters of the default font; a Vietnamese 12 pt line holds
        // about one fewer.
        let per_line = (*width as usize).saturating_sub(1).max(1);
        lines = lines.max(text.chars().count().div_ceil(per_line));
    }
    if lines > 1 {
        sheet.set_row_height(row, LINE_HEIGHT * lines as f64)?;
    }
    Ok(())
}

/// Freezes the rows down to the header, puts the filter buttons on it, and sets the
/// sheet to print on landscape A4, one page wide, the header on every page.
fn finish_table(
    sheet: &mut Worksheet,
    header_row: u32,
    last_row: u32,
    last_column: u16,
) -> Result<(), XlsxError> {
    sheet.set_freeze_panes(header_row + 1, 0)?;
    sheet.autofilter(header_row, 0, last_row.max(header_row), last_column)?;
    sheet
        .set_landscape()
        .set_paper_size(A4_PAPER)
        .set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(header_row, header_row)?;
    Ok(())
}

/// A number, or a bordered blank cell when there is none (no target, no rating yet).
fn write_optional_number(
    sheet: &mut Worksheet,
    row: u32,
    column: u16,
    value: Option<f64>,
    format: &Format,
) -> Result<(), XlsxError> {
    match value {
        Some(value) => sheet.write_number_with_format(row, column, value, format)?,
        None => sheet.write_blank(row, column, format)?,
    };
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};

    use super::super::fixture::report;
    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn workbook(bytes: Vec<u8>) -> Result<Xlsx<Cursor<Vec<u8>>>, calamine::XlsxError> {
        open_workbook_from_rs(Cursor::new(bytes))
    }

    #[test]
    fn report_workbook_has_the_three_sheets_with_numbers_formulas_and_labels() -> TestResult {
        let report = report();
        let mut book = workbook(report_xlsx(&report)?)?;
        assert_eq!(book.sheet_names(), ["Tổng hợp", "Hoạt động", "Chỉ tiêu"]);

        let summary = book.worksheet_range("Tổng hợp")?;
        let cell = |row: u32, column: u32| summary.get_value((row, column)).cloned();
        assert_eq!(cell(0, 0), Some(Data::String(REPORT_TITLE.into())));
        assert_eq!(
            cell(1, 1),
            Some(Data::String(
                "KH-HTCM-2026 – Hỗ trợ chuyên môn trạm y tế phường trên địa bàn năm 2026".into()
            ))
        );
        assert_eq!(
            cell(2, 1),
            Some(Data::String("Trung tâm Y tế khu vực Thuận An".into()))
        );
        assert_eq!(cell(3, 1), Some(Data::String("Quý 1/2026".into())));
        // 2026-01-01 is Excel day 46023; the report was made at 09:30 in Vietnam.
        let serial = |row: u32, column: u32| match summary.get_value((row, column)) {
            Some(Data::DateTime(value)) => Some(value.as_f64()),
            _ => None,
        };
        assert_eq!(serial(4, 1), Some(46_023.0));
        assert_eq!(serial(4, 3), Some(46_112.0));
        assert_eq!(serial(5, 1), Some(46_114.0 + 9.5 / 24.0));

        assert_eq!(cell(7, 0), Some(Data::String("Trạm".into())));
        assert_eq!(
            cell(7, 10),
            Some(Data::String("Hoạt động hoàn thành".into()))
        );
        // Bình Hòa (seed 1) is the second station, on the tenth row.
        assert_eq!(
            cell(9, 0),
            Some(Data::String("Trạm Y tế phường Bình Hòa".into()))
        );
        let figures = [11.5, 1.0, 4.0, 2.0, 1.0, 1.0, 4.0, 5.0];
        for (column, figure) in (1..).zip(figures) {
            assert_eq!(
                cell(9, column),
                Some(Data::Float(figure)),
                "column {column}"
            );
        }
        assert_eq!(cell(9, 9), Some(Data::Float(0.8)));
        assert_eq!(cell(9, 10), Some(Data::Float(2.0)));

        // The total row, below the five stations, adds them up with formulas whose
        // results are cached.
        assert_eq!(cell(13, 0), Some(Data::String("Tổng cộng".into())));
        assert_eq!(cell(13, 1), Some(Data::Float(61.0)));
        assert_eq!(cell(13, 3), Some(Data::Float(25.0)));
        assert_eq!(cell(13, 9), Some(Data::Float(25.0 / 30.0)));
        let formulas = book.worksheet_formula("Tổng hợp")?;
        let formula = |row: u32, column: u32| formulas.get_value((row, column)).cloned();
        assert_eq!(formula(13, 1), Some("SUM(B9:B13)".into()));
        assert_eq!(formula(13, 10), Some("SUM(K9:K13)".into()));
        assert_eq!(formula(13, 9), Some("IF(I14>0,H14/I14,\"\")".into()));
        assert_eq!(formula(8, 9), Some("IF(I9>0,H9/I9,\"\")".into()));

        let activities = book.worksheet_range("Hoạt động")?;
        let cell = |row: u32, column: u32| activities.get_value((row, column)).cloned();
        assert_eq!(cell(0, 6), Some(Data::String("Ngày hoàn thành".into())));
        assert_eq!(cell(2, 2), Some(Data::String("Đào tạo, tập huấn".into())));
        assert_eq!(cell(2, 5), Some(Data::String("Đã hoàn thành".into())));
        assert_eq!(
            cell(2, 4),
            Some(Data::String(
                "Trạm Y tế phường An Phú, Trạm Y tế phường Bình Hòa".into()
            ))
        );
        // 20/03/2026 as a real date, Excel day 46101.
        match activities.get_value((2, 6)) {
            Some(Data::DateTime(value)) => assert_eq!(value.as_f64(), 46_101.0),
            other => panic!("delivery date is {other:?}"),
        }
        assert_eq!(cell(2, 7), Some(Data::Float(4.5)));
        assert_eq!(cell(1, 6), Some(Data::Empty));

        let indicators = book.worksheet_range("Chỉ tiêu")?;
        let row = |row: u32| -> Vec<Data> {
            (0..9)
                .map(|column| {
                    indicators
                        .get_value((row, column))
                        .cloned()
                        .unwrap_or_default()
                })
                .collect()
        };
        assert_eq!(
            row(2),
            [
                Data::String("CT02".into()),
                Data::String("Tỷ lệ trạm y tế đạt số ngày luân phiên".into()),
                Data::String("%".into()),
                Data::String("Toàn mạng lưới".into()),
                Data::Float(80.0),
                Data::Float(60.0),
                Data::Float(75.0),
                Data::String("Chưa đạt".into()),
                Data::String("Chưa duyệt".into()),
            ]
        );
        assert_eq!(row(1)[3], Data::String("Trạm Y tế phường An Phú".into()));
        assert_eq!(row(1)[8], Data::String("Đã duyệt".into()));
        Ok(())
    }

    #[test]
    fn report_without_stations_or_activities_still_opens() -> TestResult {
        let mut report = report();
        report.stations.clear();
        report.activities.clear();
        report.indicators.clear();
        let mut book = workbook(report_xlsx(&report)?)?;
        let summary = book.worksheet_range("Tổng hợp")?;
        assert_eq!(
            summary.get_value((8, 0)),
            Some(&Data::String("Tổng cộng".into()))
        );
        assert_eq!(summary.get_value((8, 1)), Some(&Data::Float(0.0)));
        let activities = book.worksheet_range("Hoạt động")?;
        assert_eq!(activities.height(), 1);
        Ok(())
    }

    #[test]
    fn the_same_report_gives_the_same_file() -> TestResult {
        let report = report();
        assert_eq!(report_xlsx(&report)?, report_xlsx(&report)?);
        Ok(())
    }
}
