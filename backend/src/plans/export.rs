//! Files for people outside the app: the periodic report to the Department of Health
//! as an Excel workbook ([`report_xlsx`]) and the plan itself as a Word document in the
//! official Vietnamese administrative layout ([`plan_docx`], after Decree 30/2020/NĐ-CP
//! and the Thuận An plan of seed 004).
//!
//! Both functions are pure: they take the API types the handlers already load and return
//! the file's bytes, so a handler only sets the content type and the file name, and the
//! layout is tested without a database or a server.

use std::io::Cursor;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, Utc};
use docx_rs::{
    AlignmentType, Docx, LineSpacing, PageMargin, Paragraph, Run, RunFonts, SpecialIndentType,
    Table, TableCell, TableLayoutType, TableRow, WidthType,
};
use rust_xlsxwriter::{
    DocProperties, Format, FormatAlign, FormatBorder, Formula, Workbook, Worksheet, XlsxError,
    utility::{cell_range, row_col_to_cell},
};
use shared::plan::{
    Activity, BudgetLine, Indicator, LegalBasis, Period, Plan, PlanReport, Section, StationFigures,
};
use shared::{Labelled, Lang};

/// Why an export could not be written. The handlers answer it with a 500: nothing the
/// caller sent can cause it.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The workbook could not be built (a cell beyond Excel's limits, a string longer
    /// than a cell holds).
    #[error("could not write the workbook: {0}")]
    Xlsx(#[from] XlsxError),
    /// The Word document could not be packed.
    #[error("could not write the document: {0}")]
    Docx(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// Font of administrative documents (Decree 30/2020/NĐ-CP), and of the workbook so
/// that it prints like them.
const FONT: &str = "Times New Roman";

// ---------------------------------------------------------------------------------
// The report workbook

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
/// Vietnam keeps UTC+7 all year: the report shows when it was made in local time.
const VIETNAM_UTC_OFFSET_SECONDS: i32 = 7 * 3600;

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
        vietnam_time(report.generated_at),
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

/// A UTC instant as the wall-clock time in Vietnam.
fn vietnam_time(at: DateTime<Utc>) -> NaiveDateTime {
    match FixedOffset::east_opt(VIETNAM_UTC_OFFSET_SECONDS) {
        Some(offset) => at.with_timezone(&offset).naive_local(),
        // Unreachable (the offset is within a day); UTC is still a true time.
        None => at.naive_utc(),
    }
}

// ---------------------------------------------------------------------------------
// The plan document

/// Body text: 13 pt, in half-points.
const BODY_SIZE: usize = 26;
/// The national motto's first line and "Nơi nhận:": 12 pt.
const SMALLER_SIZE: usize = 24;
/// The recipients: 11 pt.
const SMALL_SIZE: usize = 22;
/// A4 in twentieths of a point.
const A4_WIDTH: u32 = 11_906;
const A4_HEIGHT: u32 = 16_838;
/// One centimetre in twentieths of a point.
const CM: i32 = 567;
/// Margins: 2 cm top, bottom and right, 3 cm left for the binding.
const MARGIN: i32 = 2 * CM;
const LEFT_MARGIN: i32 = 3 * CM;
/// Width of the text between the margins, which the tables fill.
const TEXT_WIDTH: usize = A4_WIDTH as usize - (MARGIN + LEFT_MARGIN) as usize;
/// The header reaches a centimetre into each margin, as the official templates do, so
/// that the governing body and the national motto's first line (12 pt bold) each stay
/// on one line.
const HEADER_WIDTH: usize = TEXT_WIDTH + 2 * CM as usize;
const HEADER_INDENT: i32 = -CM;
/// The header's left column (issuer and number) is narrower than the national motto's.
const HEADER_LEFT_WIDTH: usize = 4_700;
/// The most characters of the issuer's name, 12 pt bold, that fit on one line of the
/// header's left column.
const ISSUER_LINE_CHARS: usize = 28;
/// First-line indent of body paragraphs.
const INDENT: i32 = CM;
/// Space after a body paragraph: 6 pt.
const SPACE_AFTER: u32 = 120;

/// One block of the document, in order.
enum Block {
    Paragraph(Box<Paragraph>),
    Table(Box<Table>),
}

impl From<Paragraph> for Block {
    fn from(paragraph: Paragraph) -> Block {
        Block::Paragraph(Box::new(paragraph))
    }
}

impl From<Table> for Block {
    fn from(table: Table) -> Block {
        Block::Table(Box::new(table))
    }
}

/// The plan as a Word document in the official Vietnamese administrative layout (as the
/// Thuận An plan of seed 004): the two-column header (issuer and number; national motto
/// and place and date), "KẾ HOẠCH" and the title, the legal bases, sections I–V with
/// the supported facilities, contents, activities and indicators in section II, the
/// closing paragraph, and the recipients beside the signature. Times New Roman 13 pt on
/// A4.
pub fn plan_docx(plan: &Plan) -> Result<Vec<u8>, ExportError> {
    let doc = &plan.document;
    let mut blocks = vec![
        Block::from(header_table(plan)),
        Block::from(Paragraph::new()),
        Block::from(centred(Run::new().add_text("KẾ HOẠCH").bold())),
        Block::from(centred(Run::new().add_text(plan.title.trim()).bold())),
        Block::from(Paragraph::new()),
    ];
    blocks.extend(
        doc.legal_bases
            .iter()
            .map(|basis| Block::from(body(&legal_basis_text(basis)))),
    );
    blocks.extend(lines(&doc.preamble).map(|line| Block::from(body(line))));

    blocks.push(heading("I. MỤC ĐÍCH, YÊU CẦU"));
    blocks.push(heading("1. Mục đích"));
    blocks.extend(doc.purposes.iter().map(|item| bullet(item)));
    blocks.push(heading("2. Yêu cầu"));
    blocks.extend(doc.requirements.iter().map(|item| bullet(item)));

    blocks.push(heading("II. NỘI DUNG THỰC HIỆN"));
    let mut number = 0;
    if !plan.supported_facilities.is_empty() {
        number += 1;
        blocks.push(heading(&format!("{number}. Các cơ sở được hỗ trợ")));
        blocks.extend(
            plan.supported_facilities
                .iter()
                .map(|facility| bullet(&facility.name)),
        );
    }
    for section in &doc.contents {
        number += 1;
        blocks.extend(numbered_section(number, section));
    }
    for group in &plan.activity_groups {
        number += 1;
        blocks.push(heading(&format!("{number}. {}", group.title.trim())));
        for (index, activity) in (1..).zip(&group.activities) {
            blocks.extend(activity_blocks(&format!("{number}.{index}."), activity));
        }
    }
    if !plan.indicators.is_empty() {
        number += 1;
        blocks.push(heading(&format!("{number}. Chỉ tiêu theo dõi")));
        blocks.push(Block::from(indicator_table(&plan.indicators)));
        // Word joins a table to the next heading without this spacer.
        blocks.push(Block::from(Paragraph::new()));
    }

    blocks.push(heading("III. TỔ CHỨC THỰC HIỆN"));
    for (number, section) in (1..).zip(&doc.responsibilities) {
        blocks.extend(numbered_section(number, section));
    }

    blocks.push(heading("IV. LỘ TRÌNH THỰC HIỆN"));
    for (number, milestone) in (1..).zip(&doc.roadmap) {
        blocks.push(heading(&format!(
            "{number}. {}:",
            period_label(&milestone.period)
        )));
        blocks.extend(milestone.items.iter().map(|item| bullet(item)));
    }

    blocks.push(heading("V. KINH PHÍ THỰC HIỆN"));
    blocks.extend(
        doc.budget_lines
            .iter()
            .map(|line| bullet(&budget_text(line))),
    );

    blocks.extend(lines(&doc.closing).map(|line| Block::from(body(line))));
    blocks.push(Block::from(Paragraph::new()));
    blocks.push(Block::from(signature_table(plan)));

    let fonts = RunFonts::new()
        .ascii(FONT)
        .hi_ansi(FONT)
        .cs(FONT)
        .east_asia(FONT);
    let docx = blocks.into_iter().fold(
        Docx::new()
            .page_size(A4_WIDTH, A4_HEIGHT)
            .page_margin(
                PageMargin::new()
                    .top(MARGIN)
                    .bottom(MARGIN)
                    .right(MARGIN)
                    .left(LEFT_MARGIN),
            )
            .default_fonts(fonts)
            .default_size(BODY_SIZE),
        |docx, block| match block {
            Block::Paragraph(paragraph) => docx.add_paragraph(*paragraph),
            Block::Table(table) => docx.add_table(*table),
        },
    );
    let mut buffer = Cursor::new(Vec::new());
    docx.pack(&mut buffer)
        .map_err(|error| ExportError::Docx(Box::new(error)))?;
    Ok(buffer.into_inner())
}

/// The borderless header: issuer, its governing body and the number on the left; the
/// national motto and the place and date on the right.
fn header_table(plan: &Plan) -> Table {
    let doc = &plan.document;
    let mut left = Vec::new();
    if !doc.governing_body.trim().is_empty() {
        left.push(tight(centred(
            Run::new()
                .add_text(doc.governing_body.trim().to_uppercase())
                .size(SMALLER_SIZE),
        )));
    }
    let issuer = plan.issuing_facility.name.trim().to_uppercase();
    left.extend(
        balanced_lines(&issuer, ISSUER_LINE_CHARS)
            .map(|line| tight(centred(Run::new().add_text(line).size(SMALLER_SIZE).bold()))),
    );
    left.push(tight(Paragraph::new()));
    let number = match doc.number.as_deref().map(str::trim) {
        Some(number) if !number.is_empty() => format!("Số: {number}"),
        // Not yet issued: the clerk writes the number in by hand.
        _ => "Số:      /KH".to_owned(),
    };
    left.push(tight(centred(Run::new().add_text(number))));

    let place = doc.place.trim();
    let date = match doc.issued_on {
        Some(day) => admin_date(day),
        None => "ngày      tháng      năm       ".to_owned(),
    };
    let place_and_date = if place.is_empty() {
        date
    } else {
        format!("{place}, {date}")
    };
    let right = vec![
        tight(centred(
            Run::new()
                .add_text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
                .size(SMALLER_SIZE)
                .bold(),
        )),
        tight(centred(
            Run::new().add_text("Độc lập - Tự do - Hạnh phúc").bold(),
        )),
        tight(Paragraph::new()),
        tight(centred(Run::new().add_text(place_and_date).italic())),
    ];
    two_columns(left, right, HEADER_LEFT_WIDTH, HEADER_WIDTH).indent(HEADER_INDENT)
}

/// The borderless foot: the recipients on the left, the signature on the right.
fn signature_table(plan: &Plan) -> Table {
    let doc = &plan.document;
    let mut left = vec![tight(
        Paragraph::new().add_run(
            Run::new()
                .add_text("Nơi nhận:")
                .size(SMALLER_SIZE)
                .bold()
                .italic(),
        ),
    )];
    let count = doc.recipients.len();
    for (index, recipient) in doc.recipients.iter().enumerate() {
        let text = recipient.trim().trim_end_matches([';', '.', ',']);
        // Each line ends with a semicolon, the last (the archive's copy) with a full stop.
        let end = if index + 1 == count { '.' } else { ';' };
        left.push(tight(
            Paragraph::new().add_run(
                Run::new()
                    .add_text(format!("- {text}{end}"))
                    .size(SMALL_SIZE),
            ),
        ));
    }
    let mut right = vec![tight(centred(
        Run::new()
            .add_text(doc.signer.title.trim().to_uppercase())
            .bold(),
    ))];
    // Room for the signature and the seal.
    right.extend((0..4).map(|_| tight(Paragraph::new())));
    right.push(tight(centred(
        Run::new().add_text(doc.signer.name.trim()).bold(),
    )));
    two_columns(left, right, TEXT_WIDTH / 2, TEXT_WIDTH)
}

/// A borderless table of one row and two cells, `width` wide.
fn two_columns(
    left: Vec<Paragraph>,
    right: Vec<Paragraph>,
    left_width: usize,
    width: usize,
) -> Table {
    let right_width = width - left_width;
    let cell = |paragraphs: Vec<Paragraph>, width: usize| {
        paragraphs
            .into_iter()
            .fold(TableCell::new(), TableCell::add_paragraph)
            .width(width, WidthType::Dxa)
    };
    Table::without_borders(vec![TableRow::new(vec![
        cell(left, left_width),
        cell(right, right_width),
    ])])
    .set_grid(vec![left_width, right_width])
    .width(width, WidthType::Dxa)
    .layout(TableLayoutType::Fixed)
}

/// The indicators as a bordered table: code, name, unit and where the figures come
/// from.
fn indicator_table(indicators: &[Indicator]) -> Table {
    let widths = [1_300, 4_571, 1_300, 1_900];
    let row = |texts: [&str; 4], bold: bool| {
        TableRow::new(
            texts
                .into_iter()
                .zip(widths)
                .map(|(text, width)| {
                    let run = Run::new().add_text(text).size(SMALLER_SIZE);
                    let run = if bold { run.bold() } else { run };
                    let paragraph = Paragraph::new().add_run(run);
                    let paragraph = if bold {
                        paragraph.align(AlignmentType::Center)
                    } else {
                        paragraph
                    };
                    TableCell::new()
                        .add_paragraph(tight(paragraph))
                        .width(width, WidthType::Dxa)
                })
                .collect(),
        )
    };
    let header = row(["Mã", "Chỉ tiêu", "Đơn vị", "Nguồn số liệu"], true);
    let rows = std::iter::once(header).chain(indicators.iter().map(|indicator| {
        row(
            [
                indicator.code.as_str(),
                indicator.name.as_str(),
                indicator.unit.as_str(),
                indicator.source.label(Lang::Vi),
            ],
            false,
        )
    }));
    Table::new(rows.collect())
        .set_grid(widths.to_vec())
        .width(TEXT_WIDTH, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
}

/// "n. Heading" and its bullets.
fn numbered_section(number: usize, section: &Section) -> Vec<Block> {
    std::iter::once(heading(&format!("{number}. {}", section.heading.trim())))
        .chain(section.items.iter().map(|item| bullet(item)))
        .collect()
}

/// An activity: "n.k. Title" in italics, then its kind, responsible unit, facilities,
/// dates and details.
fn activity_blocks(number: &str, activity: &Activity) -> Vec<Block> {
    let mut blocks = vec![Block::from(body_runs(vec![
        Run::new()
            .add_text(format!("{number} {}", activity.title.trim()))
            .italic(),
    ]))];
    blocks.push(bullet(&format!(
        "Hình thức: {}",
        activity.kind.label(Lang::Vi)
    )));
    if !activity.responsible_unit.trim().is_empty() {
        blocks.push(bullet(&format!(
            "Đơn vị phụ trách: {}",
            activity.responsible_unit.trim()
        )));
    }
    if !activity.facilities.is_empty() {
        let names: Vec<&str> = activity
            .facilities
            .iter()
            .map(|facility| facility.name.as_str())
            .collect();
        blocks.push(bullet(&format!("Cơ sở được hỗ trợ: {}", names.join(", "))));
    }
    let dates = if activity.start_date == activity.end_date {
        short_date(activity.start_date)
    } else {
        format!(
            "từ {} đến {}",
            short_date(activity.start_date),
            short_date(activity.end_date)
        )
    };
    blocks.push(bullet(&format!("Thời gian: {dates}")));
    if !activity.description.trim().is_empty() {
        blocks.push(bullet(&format!(
            "Nội dung: {}",
            activity.description.trim()
        )));
    }
    blocks
}

/// A heading line too long for its column, split at the space nearest its middle
/// into two lines, as clerks set "TRUNG TÂM Y TẾ / KHU VỰC THUẬN AN": left to wrap by
/// itself, it would leave one word alone on the second line.
fn balanced_lines(text: &str, max_chars: usize) -> impl Iterator<Item = &str> {
    let length = text.chars().count();
    let middle = text
        .char_indices()
        .nth(length / 2)
        .map_or(text.len(), |(index, _)| index);
    let split = (length > max_chars)
        .then(|| {
            text.char_indices()
                .filter(|(_, c)| *c == ' ')
                .min_by_key(|(index, _)| index.abs_diff(middle))
        })
        .flatten();
    let (first, second) = match split {
        Some((index, _)) => (&text[..index], Some(text[index + 1..].trim_start())),
        None => (text, None),
    };
    std::iter::once(first).chain(second)
}

/// "Căn cứ Quyết định số 1816/QĐ-BYT ngày 26 tháng 5 năm 2008 của Bộ Y tế về việc …;"
fn legal_basis_text(basis: &LegalBasis) -> String {
    let mut text = format!("Căn cứ {} số {}", basis.kind.trim(), basis.number.trim());
    if let Some(day) = basis.issued_on {
        text.push(' ');
        text.push_str(&admin_date(day));
    }
    text.push_str(" của ");
    text.push_str(basis.issuer.trim());
    // Whatever the author ended the subject with, each basis ends with a semicolon.
    let title = basis.title.trim().trim_end_matches(['.', ';', ',']);
    if !title.is_empty() {
        text.push(' ');
        text.push_str(title);
    }
    text.push(';');
    text
}

/// "- Item: 120.000.000 đồng (Ngân sách nhà nước)", or "- Item: source" without an
/// amount.
fn budget_text(line: &BudgetLine) -> String {
    let item = line.item.trim();
    let source = line.source.trim();
    match (line.amount_vnd, source.is_empty()) {
        (Some(amount), false) => format!("{item}: {} đồng ({source})", thousands(amount)),
        (Some(amount), true) => format!("{item}: {} đồng", thousands(amount)),
        (None, false) => format!("{item}: {source}"),
        (None, true) => item.to_owned(),
    }
}

/// An amount with dots between thousands, as Vietnamese writes it: 120.000.000.
fn thousands(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if amount < 0 {
        grouped.push('-');
    }
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(digit);
    }
    grouped
}

/// "ngày 02 tháng 3 năm 2026": Decree 30/2020/NĐ-CP writes days below 10 and the months
/// January and February with a leading zero, so that no digit can be added by hand.
fn admin_date(day: NaiveDate) -> String {
    let month = match day.month() {
        month @ 1..=2 => format!("{month:02}"),
        month => month.to_string(),
    };
    format!("ngày {:02} tháng {month} năm {}", day.day(), day.year())
}

/// "20/03/2026".
fn short_date(day: NaiveDate) -> String {
    day.format("%d/%m/%Y").to_string()
}

/// "Quý 1/2026" for `2026-Q1`; the text as written if it is no period (the plan was
/// validated, so this does not happen).
fn period_label(period: &str) -> String {
    period
        .parse::<Period>()
        .map_or_else(|_| period.to_owned(), |period| period.label(Lang::Vi))
}

/// The non-blank lines of a free text, each its own paragraph.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|line| !line.is_empty())
}

/// A justified body paragraph with its first line indented.
fn body(text: &str) -> Paragraph {
    body_runs(vec![Run::new().add_text(text)])
}

fn body_runs(runs: Vec<Run>) -> Paragraph {
    runs.into_iter()
        .fold(Paragraph::new(), Paragraph::add_run)
        .align(AlignmentType::Both)
        .indent(None, Some(SpecialIndentType::FirstLine(INDENT)), None, None)
        .line_spacing(LineSpacing::new().before(0).after(SPACE_AFTER))
}

/// A bold heading ("I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích").
fn heading(text: &str) -> Block {
    Block::from(body_runs(vec![Run::new().add_text(text).bold()]).keep_next(true))
}

/// A dash item: "- text".
fn bullet(text: &str) -> Block {
    Block::from(body(&format!("- {}", text.trim())))
}

/// A centred paragraph of one run.
fn centred(run: Run) -> Paragraph {
    Paragraph::new().add_run(run).align(AlignmentType::Center)
}

/// No space around a paragraph: the lines of the header, the foot and table cells.
fn tight(paragraph: Paragraph) -> Paragraph {
    paragraph.line_spacing(LineSpacing::new().before(0).after(0))
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
    use chrono::{DateTime, NaiveDate, TimeZone, Utc};
    use docx_rs::TableRowChild;
    use docx_rs::{DocumentChild, ParagraphChild, RunChild, TableCellContent, TableChild};
    use shared::plan::{
        Activity, ActivityGroup, ActivityKind, ActivityStatus, BoardRow, BudgetLine, Direction,
        Indicator, IndicatorKind, IndicatorMetric, IndicatorSource, LegalBasis, Milestone, Plan,
        PlanDocument, PlanReport, PlanStatus, PlanSummary, ReportActivity, Section, Signer,
        StationFigures, TargetInput, TrafficLight,
    };
    use shared::registry::{FacilityKind, FacilityRef};

    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn day(year: i32, month: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, dd).unwrap_or_default()
    }

    fn at(year: i32, month: u32, dd: u32, hour: u32, minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(year, month, dd, hour, minute, 0)
            .single()
            .unwrap_or_default()
    }

    fn centre() -> FacilityRef {
        FacilityRef {
            id: 10,
            code: "TTYT-THUANAN".into(),
            name: "Trung tâm Y tế khu vực Thuận An".into(),
            kind: FacilityKind::RegionalHealthCenter,
        }
    }

    /// The five ward stations of seed 004.
    fn stations() -> Vec<FacilityRef> {
        ["An Phú", "Bình Hòa", "Lái Thiêu", "Thuận Giao", "Thuận An"]
            .into_iter()
            .zip(11..)
            .map(|(ward, id)| FacilityRef {
                id,
                code: format!("TYT-{id}"),
                name: format!("Trạm Y tế phường {ward}"),
                kind: FacilityKind::HealthStation,
            })
            .collect()
    }

    fn summary() -> PlanSummary {
        PlanSummary {
            id: 7,
            series_id: "kh-htcm-2026".into(),
            version_number: 1,
            code: "KH-HTCM-2026".into(),
            title: "Hỗ trợ chuyên môn trạm y tế phường trên địa bàn năm 2026".into(),
            issuing_facility: centre(),
            network: false,
            start_date: day(2026, 1, 1),
            end_date: day(2026, 12, 31),
            status: PlanStatus::Active,
            superseded_by_id: None,
            updated_at: at(2026, 3, 2, 1, 0),
        }
    }

    fn station_figures(facility: FacilityRef, seed: i64) -> StationFigures {
        StationFigures {
            facility,
            rotation_days: 10.0 + seed as f64 + 0.5 * (seed % 2) as f64,
            rotation_absences: seed % 2,
            consultations_held: 3 + seed,
            referrals_up: 2 * seed,
            back_referrals: seed,
            referrals_avoided: 1 + seed / 2,
            follow_ups_due: 4 + seed,
            follow_ups_on_time: 3 + seed,
            activities_done: 2,
        }
    }

    /// The first quarter's report of the Thuận An plan.
    fn report() -> PlanReport {
        let stations = stations();
        let board = |code: &str, facility: Option<FacilityRef>, approved: bool| BoardRow {
            indicator_code: code.into(),
            indicator_name: if code == "CT01" {
                "Số ngày luân phiên tại trạm".into()
            } else {
                "Tỷ lệ trạm y tế đạt số ngày luân phiên".into()
            },
            unit: if code == "CT01" { "ngày" } else { "%" }.into(),
            kind: if code == "CT01" {
                IndicatorKind::Count
            } else {
                IndicatorKind::Percentage
            },
            source: IndicatorSource::Computed,
            facility,
            target: Some(if code == "CT01" { 12.0 } else { 80.0 }),
            actual: Some(if code == "CT01" { 10.0 } else { 60.0 }),
            attainment: Some(if code == "CT01" { 83.3 } else { 75.0 }),
            light: Some(if code == "CT01" {
                TrafficLight::Amber
            } else {
                TrafficLight::Red
            }),
            approved,
            reported_by: None,
            reported_at: None,
            note: None,
        };
        PlanReport {
            plan: summary(),
            period: "2026-Q1".into(),
            period_label: "Quý 1/2026".into(),
            from: day(2026, 1, 1),
            to: day(2026, 3, 31),
            generated_at: at(2026, 4, 2, 2, 30),
            activities: vec![
                ReportActivity {
                    group: "Luân phiên nhân sự".into(),
                    title: "Cử bác sĩ luân phiên khám chữa bệnh tại trạm".into(),
                    kind: ActivityKind::Rotation,
                    responsible_unit: "Phòng Kế hoạch – Nghiệp vụ".into(),
                    facilities: stations.iter().map(|f| f.name.clone()).collect(),
                    status: ActivityStatus::InProgress,
                    delivered_on: None,
                    average_rating: None,
                },
                ReportActivity {
                    group: "Đào tạo, chuyển giao kỹ thuật".into(),
                    title: "Tập huấn quy trình tiêm truyền an toàn".into(),
                    kind: ActivityKind::Training,
                    responsible_unit: "Phòng Điều dưỡng".into(),
                    facilities: vec![stations[0].name.clone(), stations[1].name.clone()],
                    status: ActivityStatus::Done,
                    delivered_on: Some(day(2026, 3, 20)),
                    average_rating: Some(4.5),
                },
            ],
            stations: stations
                .iter()
                .cloned()
                .zip(0..)
                .map(|(facility, seed)| station_figures(facility, seed))
                .collect(),
            indicators: vec![
                board("CT01", Some(stations[0].clone()), true),
                board("CT02", None, false),
            ],
        }
    }

    fn basis(kind: &str, number: &str, on: NaiveDate, issuer: &str, title: &str) -> LegalBasis {
        LegalBasis {
            kind: kind.into(),
            number: number.into(),
            issued_on: Some(on),
            issuer: issuer.into(),
            title: title.into(),
        }
    }

    fn section(heading: &str, items: &[&str]) -> Section {
        Section {
            heading: heading.into(),
            items: items.iter().map(|item| (*item).into()).collect(),
        }
    }

    /// The Thuận An plan of seed 004, as the API returns it.
    fn plan() -> Plan {
        let stations = stations();
        let sở = "Sở Y tế Thành phố Hồ Chí Minh";
        let document = PlanDocument {
            governing_body: "Sở Y tế Thành phố Hồ Chí Minh".into(),
            place: "Lái Thiêu".into(),
            number: Some("125/KH-TTYT".into()),
            issued_on: Some(day(2026, 3, 2)),
            legal_bases: vec![
                basis(
                    "Quyết định",
                    "1816/QĐ-BYT",
                    day(2008, 5, 26),
                    "Bộ Y tế",
                    "về việc phê duyệt Đề án “Cử cán bộ chuyên môn luân phiên từ bệnh viện tuyến trên về hỗ trợ các bệnh viện tuyến dưới nhằm nâng cao chất lượng khám, chữa bệnh”",
                ),
                basis(
                    "Quyết định",
                    "4026/QĐ-BYT",
                    day(2010, 10, 20),
                    "Bộ Y tế",
                    "ban hành Quy định phân công công tác chỉ đạo tuyến trong lĩnh vực khám, chữa bệnh",
                ),
                basis(
                    "Quyết định",
                    "4438/QĐ-SYT",
                    day(2025, 11, 28),
                    sở,
                    "về việc ban hành Quy định chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức của Trung tâm Y tế khu vực Thuận An trực thuộc Sở Y tế Thành phố Hồ Chí Minh.",
                ),
                basis(
                    "Kế hoạch",
                    "660/KH-SYT",
                    day(2026, 1, 21),
                    sở,
                    "về việc hỗ trợ chuyên môn trạm y tế xã, phường, đặc khu trên địa bàn Thành phố năm 2026",
                ),
            ],
            preamble: "Trung tâm Y tế khu vực Thuận An xây dựng kế hoạch hỗ trợ chuyên môn trạm y tế phường trên địa bàn năm 2026 tại đơn vị, cụ thể như sau:".into(),
            purposes: vec![
                "Xây dựng hệ thống hỗ trợ chuyên môn liên tục giữa bệnh viện cấp cơ bản và trạm y tế, đảm bảo người dân tiếp cận dịch vụ y tế chất lượng, nhanh chóng và gần nhất.".into(),
                "Góp phần nâng cao năng lực chuyên môn đối với trạm y tế phường.".into(),
            ],
            requirements: vec![
                "Quá trình hỗ trợ chuyên môn, chuyển giao kỹ thuật về trạm y tế phải tuân theo các quy định pháp luật.".into(),
            ],
            contents: vec![section(
                "Nội dung hỗ trợ",
                &[
                    "Tổ chức luân phiên nhân sự tham gia khám chữa bệnh tại các trạm y tế và ngược lại nhằm tiếp nhận, chuyển giao các quy trình chuyên môn kỹ thuật.",
                    "Tăng cường hội chẩn chuyên môn, tư vấn, khám chữa bệnh từ xa.",
                ],
            )],
            responsibilities: vec![
                section(
                    "Phòng Kế hoạch – Nghiệp vụ",
                    &["Chủ trì tham mưu Ban Giám đốc xây dựng kế hoạch triển khai chi tiết theo quý/tháng."],
                ),
                section(
                    "Phòng Điều dưỡng",
                    &["Phân công điều dưỡng tham gia hỗ trợ trạm y tế theo lịch luân phiên."],
                ),
                section(
                    "Các khoa lâm sàng/cận lâm sàng liên quan",
                    &["Tham gia hội chẩn chuyên môn định kỳ hoặc theo yêu cầu (trực tiếp/trực tuyến)."],
                ),
                section(
                    "Trạm y tế phường được hỗ trợ (An Phú, Bình Hòa, Lái Thiêu, Thuận Giao, Thuận An)",
                    &["Đề nghị lập dự trù kinh phí cho đoàn hỗ trợ chuyên môn."],
                ),
            ],
            roadmap: [
                ("2026-Q1", "Lập kế hoạch triển khai các nội dung chương trình hỗ trợ chuyên môn năm 2026."),
                ("2026-Q2", "Thực hiện triển khai các nội dung trạm y tế cần hỗ trợ chuyên môn."),
                ("2026-Q3", "Đánh giá giữa năm về các hoạt động y tế."),
                ("2026-Q4", "Tổng kết đánh giá cuối năm."),
            ]
            .into_iter()
            .map(|(period, item)| Milestone {
                period: period.into(),
                items: vec![item.into()],
            })
            .collect(),
            budget_lines: vec![
                BudgetLine {
                    item: "Công tác phí đoàn luân phiên".into(),
                    amount_vnd: Some(120_000_000),
                    source: "Ngân sách nhà nước".into(),
                },
                BudgetLine {
                    item: "Kinh phí triển khai thực hiện".into(),
                    amount_vnd: None,
                    source: "theo quy định của pháp luật".into(),
                },
            ],
            closing: "Trên đây là kế hoạch hỗ trợ chuyên môn trạm y tế phường trên địa bàn năm 2026 của Trung tâm Y tế khu vực Thuận An.\nTrân trọng./.".into(),
            recipients: ["Sở Y tế (để b/c);", "Ban Giám đốc;", "Các khoa, phòng;", "Các TYT;", "Lưu: VT, KHNV."]
                .into_iter()
                .map(Into::into)
                .collect(),
            signer: Signer {
                title: "Giám đốc".into(),
                name: "Phan Quang Toàn".into(),
            },
        };
        let activity =
            |id: i64, title: &str, kind, unit: &str, facilities: Vec<FacilityRef>, from, to| {
                Activity {
                    id,
                    title: title.into(),
                    kind,
                    responsible_department_id: None,
                    responsible_unit: unit.into(),
                    facilities,
                    start_date: from,
                    end_date: to,
                    description: String::new(),
                    status: ActivityStatus::Planned,
                    progress_note: None,
                    delivered_on: None,
                    feedback: Vec::new(),
                    version: 1,
                }
            };
        Plan {
            id: 7,
            series_id: "kh-htcm-2026".into(),
            version_number: 1,
            previous_version_id: None,
            superseded_by_id: None,
            code: "KH-HTCM-2026".into(),
            title: "Hỗ trợ chuyên môn trạm y tế phường trên địa bàn năm 2026".into(),
            issuing_facility: centre(),
            network: false,
            start_date: day(2026, 1, 1),
            end_date: day(2026, 12, 31),
            phases: Vec::new(),
            supported_facilities: stations.clone(),
            document,
            activity_groups: vec![
                ActivityGroup {
                    title: "Luân phiên nhân sự".into(),
                    activities: vec![activity(
                        1,
                        "Cử bác sĩ luân phiên khám chữa bệnh tại trạm",
                        ActivityKind::Rotation,
                        "Phòng Kế hoạch – Nghiệp vụ",
                        stations.clone(),
                        day(2026, 4, 1),
                        day(2026, 12, 31),
                    )],
                },
                ActivityGroup {
                    title: "Đào tạo, chuyển giao kỹ thuật".into(),
                    activities: vec![activity(
                        2,
                        "Tập huấn quy trình tiêm truyền an toàn",
                        ActivityKind::Training,
                        "Phòng Điều dưỡng",
                        stations[..2].to_vec(),
                        day(2026, 3, 20),
                        day(2026, 3, 20),
                    )],
                },
            ],
            indicators: vec![
                Indicator {
                    id: 1,
                    code: "CT01".into(),
                    name: "Số ngày luân phiên tại trạm".into(),
                    unit: "ngày".into(),
                    kind: IndicatorKind::Count,
                    direction: Direction::HigherIsBetter,
                    source: IndicatorSource::Computed,
                    metric: Some(IndicatorMetric::RotationDays),
                    basis_code: None,
                    threshold: None,
                    targets: vec![TargetInput {
                        facility_id: None,
                        period: "2026-Q2".into(),
                        value: 12.0,
                    }],
                },
                Indicator {
                    id: 2,
                    code: "CT03".into(),
                    name: "Số buổi sinh hoạt chuyên môn tại trạm".into(),
                    unit: "buổi".into(),
                    kind: IndicatorKind::Count,
                    direction: Direction::HigherIsBetter,
                    source: IndicatorSource::Entered,
                    metric: None,
                    basis_code: None,
                    threshold: None,
                    targets: Vec::new(),
                },
            ],
            status: PlanStatus::Active,
            status_reason: None,
            submitted_at: Some(at(2026, 2, 25, 3, 0)),
            approved_at: Some(at(2026, 3, 2, 1, 0)),
            approved_by: Some("Phan Quang Toàn".into()),
            created_by: "khnv".into(),
            created_at: at(2026, 2, 20, 3, 0),
            updated_at: at(2026, 3, 2, 1, 0),
            version: 3,
            allowed_actions: Vec::new(),
        }
    }

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

    /// The text of every paragraph, in document order, those of tables cell by cell.
    fn docx_texts(bytes: &[u8]) -> Result<Vec<String>, docx_rs::ReaderError> {
        fn paragraph_text(paragraph: &docx_rs::Paragraph) -> String {
            paragraph
                .children
                .iter()
                .filter_map(|child| match child {
                    ParagraphChild::Run(run) => Some(run),
                    _ => None,
                })
                .flat_map(|run| &run.children)
                .filter_map(|child| match child {
                    RunChild::Text(text) => Some(text.text.as_str()),
                    _ => None,
                })
                .collect()
        }
        fn table_texts(table: &docx_rs::Table, texts: &mut Vec<String>) {
            for TableChild::TableRow(row) in &table.rows {
                for TableRowChild::TableCell(cell) in &row.cells {
                    for content in &cell.children {
                        match content {
                            TableCellContent::Paragraph(paragraph) => {
                                texts.push(paragraph_text(paragraph));
                            }
                            TableCellContent::Table(inner) => table_texts(inner, texts),
                            _ => {}
                        }
                    }
                }
            }
        }
        let docx = docx_rs::read_docx(bytes)?;
        let mut texts = Vec::new();
        for child in &docx.document.children {
            match child {
                DocumentChild::Paragraph(paragraph) => texts.push(paragraph_text(paragraph)),
                DocumentChild::Table(table) => table_texts(table, &mut texts),
                _ => {}
            }
        }
        texts.retain(|text| !text.trim().is_empty());
        Ok(texts)
    }

    /// Asserts that each expected paragraph is there, after the one before it.
    fn assert_in_order(texts: &[String], expected: &[&str]) {
        let mut from = 0;
        for wanted in expected {
            match texts[from..].iter().position(|text| text == wanted) {
                Some(offset) => from += offset + 1,
                None => panic!("{wanted:?} not found after paragraph {from} in {texts:#?}"),
            }
        }
    }

    #[test]
    fn plan_document_follows_the_administrative_layout() -> TestResult {
        let texts = docx_texts(&plan_docx(&plan())?)?;
        assert_in_order(
            &texts,
            &[
                "SỞ Y TẾ THÀNH PHỐ HỒ CHÍ MINH",
                "TRUNG TÂM Y TẾ",
                "KHU VỰC THUẬN AN",
                "Số: 125/KH-TTYT",
                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                "Độc lập - Tự do - Hạnh phúc",
                "Lái Thiêu, ngày 02 tháng 3 năm 2026",
                "KẾ HOẠCH",
                "Hỗ trợ chuyên môn trạm y tế phường trên địa bàn năm 2026",
                "Căn cứ Quyết định số 1816/QĐ-BYT ngày 26 tháng 5 năm 2008 của Bộ Y tế về việc phê duyệt Đề án “Cử cán bộ chuyên môn luân phiên từ bệnh viện tuyến trên về hỗ trợ các bệnh viện tuyến dưới nhằm nâng cao chất lượng khám, chữa bệnh”;",
                "Căn cứ Quyết định số 4026/QĐ-BYT ngày 20 tháng 10 năm 2010 của Bộ Y tế ban hành Quy định phân công công tác chỉ đạo tuyến trong lĩnh vực khám, chữa bệnh;",
                "Căn cứ Quyết định số 4438/QĐ-SYT ngày 28 tháng 11 năm 2025 của Sở Y tế Thành phố Hồ Chí Minh về việc ban hành Quy định chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức của Trung tâm Y tế khu vực Thuận An trực thuộc Sở Y tế Thành phố Hồ Chí Minh;",
                "Căn cứ Kế hoạch số 660/KH-SYT ngày 21 tháng 01 năm 2026 của Sở Y tế Thành phố Hồ Chí Minh về việc hỗ trợ chuyên môn trạm y tế xã, phường, đặc khu trên địa bàn Thành phố năm 2026;",
                "Trung tâm Y tế khu vực Thuận An xây dựng kế hoạch hỗ trợ chuyên môn trạm y tế phường trên địa bàn năm 2026 tại đơn vị, cụ thể như sau:",
                "I. MỤC ĐÍCH, YÊU CẦU",
                "1. Mục đích",
                "- Góp phần nâng cao năng lực chuyên môn đối với trạm y tế phường.",
                "2. Yêu cầu",
                "II. NỘI DUNG THỰC HIỆN",
                "1. Các cơ sở được hỗ trợ",
                "- Trạm Y tế phường An Phú",
                "- Trạm Y tế phường Thuận An",
                "2. Nội dung hỗ trợ",
                "- Tăng cường hội chẩn chuyên môn, tư vấn, khám chữa bệnh từ xa.",
                "3. Luân phiên nhân sự",
                "3.1. Cử bác sĩ luân phiên khám chữa bệnh tại trạm",
                "- Hình thức: Luân phiên nhân sự",
                "- Đơn vị phụ trách: Phòng Kế hoạch – Nghiệp vụ",
                "- Thời gian: từ 01/04/2026 đến 31/12/2026",
                "4. Đào tạo, chuyển giao kỹ thuật",
                "4.1. Tập huấn quy trình tiêm truyền an toàn",
                "- Hình thức: Đào tạo, tập huấn",
                "- Cơ sở được hỗ trợ: Trạm Y tế phường An Phú, Trạm Y tế phường Bình Hòa",
                "- Thời gian: 20/03/2026",
                "5. Chỉ tiêu theo dõi",
                "Mã",
                "Nguồn số liệu",
                "CT01",
                "Số ngày luân phiên tại trạm",
                "ngày",
                "Tự tính từ hệ thống",
                "CT03",
                "Trạm nhập số liệu",
                "III. TỔ CHỨC THỰC HIỆN",
                "1. Phòng Kế hoạch – Nghiệp vụ",
                "2. Phòng Điều dưỡng",
                "4. Trạm y tế phường được hỗ trợ (An Phú, Bình Hòa, Lái Thiêu, Thuận Giao, Thuận An)",
                "- Đề nghị lập dự trù kinh phí cho đoàn hỗ trợ chuyên môn.",
                "IV. LỘ TRÌNH THỰC HIỆN",
                "1. Quý 1/2026:",
                "- Lập kế hoạch triển khai các nội dung chương trình hỗ trợ chuyên môn năm 2026.",
                "4. Quý 4/2026:",
                "V. KINH PHÍ THỰC HIỆN",
                "- Công tác phí đoàn luân phiên: 120.000.000 đồng (Ngân sách nhà nước)",
                "- Kinh phí triển khai thực hiện: theo quy định của pháp luật",
                "Trên đây là kế hoạch hỗ trợ chuyên môn trạm y tế phường trên địa bàn năm 2026 của Trung tâm Y tế khu vực Thuận An.",
                "Trân trọng./.",
                "Nơi nhận:",
                "- Sở Y tế (để b/c);",
                "- Các TYT;",
                "- Lưu: VT, KHNV.",
                "GIÁM ĐỐC",
                "Phan Quang Toàn",
            ],
        );
        assert_eq!(texts.last().map(String::as_str), Some("Phan Quang Toàn"));
        Ok(())
    }

    #[test]
    fn plan_document_is_a4_in_times_new_roman_13() -> TestResult {
        let bytes = plan_docx(&plan())?;
        let docx = docx_rs::read_docx(&bytes)?;
        let section = &docx.document.section_property;
        let size = serde_json::to_value(&section.page_size)?;
        assert_eq!(size["w"], 11_906);
        assert_eq!(size["h"], 16_838);
        let margin = serde_json::to_value(&section.page_margin)?;
        assert_eq!(margin["left"], 1_701);
        assert_eq!(margin["top"], 1_134);
        assert_eq!(margin["right"], 1_134);
        let styles = serde_json::to_value(&docx.styles)?;
        let defaults = &styles["docDefaults"]["runPropertyDefault"]["runProperty"];
        assert_eq!(defaults["sz"], 26);
        assert_eq!(defaults["fonts"]["ascii"], "Times New Roman");
        Ok(())
    }

    #[test]
    fn a_draft_plan_leaves_the_number_and_date_blank() -> TestResult {
        let mut plan = plan();
        plan.document.number = None;
        plan.document.issued_on = None;
        plan.document.legal_bases[0].issued_on = None;
        plan.indicators.clear();
        let texts = docx_texts(&plan_docx(&plan)?)?;
        assert!(texts.iter().any(|text| text == "Số:      /KH"));
        assert!(
            texts
                .iter()
                .any(|text| text == "Lái Thiêu, ngày      tháng      năm       ")
        );
        assert!(texts.iter().any(|text| {
            text.starts_with("Căn cứ Quyết định số 1816/QĐ-BYT của Bộ Y tế về việc phê duyệt")
        }));
        assert!(!texts.iter().any(|text| text.ends_with("Chỉ tiêu theo dõi")));
        Ok(())
    }

    #[test]
    fn amounts_dates_and_budget_lines_read_the_vietnamese_way() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(950), "950");
        assert_eq!(thousands(1_000), "1.000");
        assert_eq!(thousands(120_000_000), "120.000.000");
        assert_eq!(thousands(-1_234_567), "-1.234.567");
        assert_eq!(admin_date(day(2026, 3, 2)), "ngày 02 tháng 3 năm 2026");
        assert_eq!(admin_date(day(2026, 1, 21)), "ngày 21 tháng 01 năm 2026");
        assert_eq!(admin_date(day(2010, 10, 20)), "ngày 20 tháng 10 năm 2010");
        let line = |amount, source: &str| {
            budget_text(&BudgetLine {
                item: "Tập huấn".into(),
                amount_vnd: amount,
                source: source.into(),
            })
        };
        assert_eq!(line(Some(5_000_000), ""), "Tập huấn: 5.000.000 đồng");
        assert_eq!(line(None, ""), "Tập huấn");
        assert_eq!(period_label("2026-H1"), "6 tháng đầu năm 2026");
        assert_eq!(period_label("P2"), "Giai đoạn 2");
        let split = |text| balanced_lines(text, ISSUER_LINE_CHARS).collect::<Vec<_>>();
        assert_eq!(
            split("TRUNG TÂM Y TẾ KHU VỰC THUẬN AN"),
            ["TRUNG TÂM Y TẾ", "KHU VỰC THUẬN AN"]
        );
        assert_eq!(split("BỆNH VIỆN NHÂN DÂN 115"), ["BỆNH VIỆN NHÂN DÂN 115"]);
        assert_eq!(
            split("TRUNGTÂMYTẾKHUVỰCTHUẬNANKHÔNGCÓDẤUCÁCH"),
            ["TRUNGTÂMYTẾKHUVỰCTHUẬNANKHÔNGCÓDẤUCÁCH"]
        );
    }
}
