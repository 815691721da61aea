//! The plan as a Word document in the official Vietnamese administrative layout: the
//! text of [`DocumentLayout`] set in Times New Roman 13 pt on A4, the header and the
//! foot as borderless two-column tables, as the Thuận An plan of seed 004.

use std::io::Cursor;

use docx_rs::{
    AlignmentType, DocumentChild, Docx, LineSpacing, PageMargin, Paragraph, ParagraphChild, Run,
    RunChild, RunFonts, SpecialIndentType, Table, TableCell, TableCellContent, TableChild,
    TableLayoutType, TableRow, TableRowChild, WidthType,
};
use shared::plan::Plan;
use shared::plan::document::{
    DocumentBlock, DocumentFooter, DocumentHeader, DocumentLayout, DocumentTable,
};

use super::{ExportError, FONT};

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
/// First-line indent of body paragraphs.
const INDENT: i32 = CM;
/// Space after a body paragraph: 6 pt.
const SPACE_AFTER: u32 = 120;

/// Widths of the indicator table's columns (code, name, unit, source), the body's only
/// table; they add up to the text's width.
const INDICATOR_WIDTHS: [usize; 4] = [1_300, 4_571, 1_300, 1_900];

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
/// A4. The words are [`DocumentLayout`]'s, the same as the print view's.
pub fn plan_docx(plan: &Plan) -> Result<Vec<u8>, ExportError> {
    let layout = DocumentLayout::of(plan);
    let mut blocks = vec![
        Block::from(header_table(&layout.header)),
        Block::from(Paragraph::new()),
        Block::from(centred(Run::new().add_text(layout.kind).bold())),
        Block::from(centred(Run::new().add_text(&layout.title).bold())),
        Block::from(Paragraph::new()),
    ];
    for block in &layout.blocks {
        match block {
            DocumentBlock::Part(text) | DocumentBlock::Heading(text) => {
                blocks.push(heading(text));
            }
            DocumentBlock::Basis(text) | DocumentBlock::Text(text) | DocumentBlock::Item(text) => {
                blocks.push(Block::from(body(text)));
            }
            DocumentBlock::Activity(text) => {
                blocks.push(Block::from(body_runs(vec![
                    Run::new().add_text(text).italic(),
                ])));
            }
            DocumentBlock::Table(table) => {
                blocks.push(Block::from(bordered_table(table)));
                // Word joins a table to the next heading without this spacer.
                blocks.push(Block::from(Paragraph::new()));
            }
        }
    }
    blocks.push(Block::from(Paragraph::new()));
    blocks.push(Block::from(signature_table(&layout.footer)));

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
fn header_table(header: &DocumentHeader) -> Table {
    let mut left = Vec::new();
    if let Some(body) = &header.governing_body {
        left.push(tight(centred(Run::new().add_text(body).size(SMALLER_SIZE))));
    }
    left.extend(
        header
            .issuer_lines
            .iter()
            .map(|line| tight(centred(Run::new().add_text(line).size(SMALLER_SIZE).bold()))),
    );
    left.push(tight(Paragraph::new()));
    left.push(tight(centred(Run::new().add_text(&header.number))));

    let right = vec![
        tight(centred(
            Run::new()
                .add_text(header.country)
                .size(SMALLER_SIZE)
                .bold(),
        )),
        tight(centred(Run::new().add_text(header.motto).bold())),
        tight(Paragraph::new()),
        tight(centred(
            Run::new().add_text(&header.place_and_date).italic(),
        )),
    ];
    two_columns(left, right, HEADER_LEFT_WIDTH, HEADER_WIDTH).indent(HEADER_INDENT)
}

/// The borderless foot: the recipients on the left, the signature on the right.
fn signature_table(footer: &DocumentFooter) -> Table {
    let mut left = vec![tight(
        Paragraph::new().add_run(
            Run::new()
                .add_text(footer.recipients_title)
                .size(SMALLER_SIZE)
                .bold()
                .italic(),
        ),
    )];
    left.extend(footer.recipients.iter().map(|recipient| {
        tight(Paragraph::new().add_run(Run::new().add_text(recipient).size(SMALL_SIZE)))
    }));
    let mut right = vec![tight(centred(
        Run::new().add_text(&footer.signer_title).bold(),
    ))];
    // Room for the signature and the seal.
    right.extend((0..4).map(|_| tight(Paragraph::new())));
    right.push(tight(centred(
        Run::new().add_text(&footer.signer_name).bold(),
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

/// A bordered table across the text's width, its header row bold and centred, in
/// 12 pt.
fn bordered_table(table: &DocumentTable) -> Table {
    let widths = if table.header.len() == INDICATOR_WIDTHS.len() {
        INDICATOR_WIDTHS.to_vec()
    } else {
        vec![TEXT_WIDTH / table.header.len().max(1); table.header.len()]
    };
    let row = |texts: &[String], bold: bool| {
        TableRow::new(
            texts
                .iter()
                .zip(&widths)
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
                        .width(*width, WidthType::Dxa)
                })
                .collect(),
        )
    };
    let rows = std::iter::once(row(&table.header, true))
        .chain(table.rows.iter().map(|cells| row(cells, false)));
    Table::new(rows.collect())
        .set_grid(widths.clone())
        .width(TEXT_WIDTH, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
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

/// A bold heading ("I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích"), kept with what follows.
fn heading(text: &str) -> Block {
    Block::from(body_runs(vec![Run::new().add_text(text).bold()]).keep_next(true))
}

/// A centred paragraph of one run.
fn centred(run: Run) -> Paragraph {
    Paragraph::new().add_run(run).align(AlignmentType::Center)
}

/// No space around a paragraph: the lines of the header, the foot and table cells.
fn tight(paragraph: Paragraph) -> Paragraph {
    paragraph.line_spacing(LineSpacing::new().before(0).after(0))
}

/// The text of a Word file's non-blank paragraphs in reading order, those of tables cell
/// by cell: what [`DocumentLayout::paragraphs`] says the plan's document holds, read back
/// from the file (the tests compare the two).
pub fn document_paragraphs(bytes: &[u8]) -> Result<Vec<String>, docx_rs::ReaderError> {
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

#[cfg(test)]
mod tests {
    use super::super::fixture::plan;
    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

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
    fn the_word_file_says_what_the_print_view_shows() -> TestResult {
        // The print view renders the layout's blocks one to one; the Word file, read
        // back, must hold the same paragraphs in the same order, issued or draft.
        let issued = plan();
        let mut draft = plan();
        draft.document.number = None;
        draft.document.issued_on = None;
        draft.document.place = String::new();
        draft.document.governing_body = String::new();
        draft.indicators.clear();
        for plan in [issued, draft] {
            let texts = document_paragraphs(&plan_docx(&plan)?)?;
            let layout = DocumentLayout::of(&plan).paragraphs();
            for (index, (word, view)) in texts.iter().zip(&layout).enumerate() {
                assert_eq!(word, view, "paragraph {index}");
            }
            assert_eq!(texts.len(), layout.len());
        }
        Ok(())
    }

    #[test]
    fn plan_document_follows_the_administrative_layout() -> TestResult {
        let texts = document_paragraphs(&plan_docx(&plan())?)?;
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
        let texts = document_paragraphs(&plan_docx(&plan)?)?;
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
}
