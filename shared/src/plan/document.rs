//! The plan as its document reads, sentence by sentence: the national header, "KẾ
//! HOẠCH" and the title, the legal bases ("Căn cứ …;"), sections I–V (purposes and
//! requirements; the supported facilities, contents, activities and indicators; who
//! does what; the roadmap; the budget), the closing, the recipients ("Nơi nhận") and the
//! signer, in the administrative style of Decree 30/2020/NĐ-CP and the Thuận An plan of
//! seed 004.
//!
//! [`DocumentLayout::of`] builds the text once; the Word export and the SPA's print view
//! only lay it out (fonts, columns, spacing), so the file a clerk issues and the page a
//! planner prints say the same thing. [`DocumentLayout::paragraphs`] is that text in
//! reading order, which a test compares with the Word file read back.

use crate::i18n::{Labelled, Lang};
use crate::time::{BLANK_ADMINISTRATIVE_DATE, administrative_date, short_date};

use super::period::Period;
use super::types::{Activity, BudgetLine, Indicator, LegalBasis, Plan, Section};

/// The most characters of the issuer's name (12 pt bold, upper case) that fit on one
/// line of the header's left column; a longer name is set on two balanced lines.
pub const ISSUER_LINE_CHARS: usize = 28;

/// The plan's document as text, in the order it is read.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentLayout {
    /// The two-column header above the title.
    pub header: DocumentHeader,
    /// The kind of document: "KẾ HOẠCH".
    pub kind: &'static str,
    /// The plan's title, below the kind.
    pub title: String,
    /// The body, from the legal bases to the closing.
    pub blocks: Vec<DocumentBlock>,
    /// The recipients and the signer, side by side below the body.
    pub footer: DocumentFooter,
}

/// The header: issuer and number on the left, the national motto and the place and
/// date on the right.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentHeader {
    /// The issuer's governing body in upper case ("SỞ Y TẾ THÀNH PHỐ HỒ CHÍ MINH"), when
    /// the plan names one.
    pub governing_body: Option<String>,
    /// The issuer's name in upper case, on one line or two balanced ones ("TRUNG TÂM Y
    /// TẾ" / "KHU VỰC THUẬN AN").
    pub issuer_lines: Vec<String>,
    /// "Số: 125/KH-TTYT", or room for the number until the plan is issued.
    pub number: String,
    /// "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".
    pub country: &'static str,
    /// "Độc lập - Tự do - Hạnh phúc".
    pub motto: &'static str,
    /// "Lái Thiêu, ngày 02 tháng 3 năm 2026", or room for the date until issued.
    pub place_and_date: String,
}

/// One block of the body.
#[derive(Debug, Clone, PartialEq)]
pub enum DocumentBlock {
    /// A part with a Roman numeral: "I. MỤC ĐÍCH, YÊU CẦU".
    Part(String),
    /// A numbered heading inside a part: "1. Mục đích", "1. Quý 1/2026:".
    Heading(String),
    /// A legal basis: "Căn cứ Quyết định số … ngày … của …;".
    Basis(String),
    /// A paragraph of running text: a line of the preamble or of the closing.
    Text(String),
    /// A dash item: "- Góp phần nâng cao năng lực chuyên môn …".
    Item(String),
    /// An activity's numbered title: "3.1. Cử bác sĩ luân phiên …".
    Activity(String),
    /// A bordered table: the indicators.
    Table(DocumentTable),
}

/// A bordered table: a header row, then the rows.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentTable {
    /// The column headers.
    pub header: Vec<String>,
    /// The rows, each with a cell per column.
    pub rows: Vec<Vec<String>>,
}

/// The foot: the recipients on the left, the signer on the right.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentFooter {
    /// "Nơi nhận:".
    pub recipients_title: &'static str,
    /// "- Sở Y tế (để b/c);" … "- Lưu: VT, KHNV.".
    pub recipients: Vec<String>,
    /// The signer's title in upper case: "GIÁM ĐỐC".
    pub signer_title: String,
    /// The signer's name, below the room for the signature and the seal.
    pub signer_name: String,
}

impl DocumentLayout {
    /// The plan's document.
    pub fn of(plan: &Plan) -> DocumentLayout {
        let doc = &plan.document;
        let mut blocks: Vec<DocumentBlock> = doc
            .legal_bases
            .iter()
            .map(|basis| DocumentBlock::Basis(legal_basis_text(basis)))
            .collect();
        blocks.extend(lines(&doc.preamble).map(text));

        blocks.push(part("I. MỤC ĐÍCH, YÊU CẦU"));
        blocks.push(heading("1. Mục đích".to_owned()));
        blocks.extend(items(&doc.purposes));
        blocks.push(heading("2. Yêu cầu".to_owned()));
        blocks.extend(items(&doc.requirements));

        blocks.push(part("II. NỘI DUNG THỰC HIỆN"));
        let mut number = 0;
        if !plan.supported_facilities.is_empty() {
            number += 1;
            blocks.push(heading(format!("{number}. Các cơ sở được hỗ trợ")));
            blocks.extend(
                plan.supported_facilities
                    .iter()
                    .map(|facility| item(&facility.name)),
            );
        }
        for section in &doc.contents {
            number += 1;
            blocks.extend(numbered_section(number, section));
        }
        for group in &plan.activity_groups {
            number += 1;
            blocks.push(heading(format!("{number}. {}", group.title.trim())));
            for (index, activity) in (1..).zip(&group.activities) {
                blocks.extend(activity_blocks(&format!("{number}.{index}."), activity));
            }
        }
        if !plan.indicators.is_empty() {
            number += 1;
            blocks.push(heading(format!("{number}. Chỉ tiêu theo dõi")));
            blocks.push(DocumentBlock::Table(indicator_table(&plan.indicators)));
        }

        blocks.push(part("III. TỔ CHỨC THỰC HIỆN"));
        for (number, section) in (1..).zip(&doc.responsibilities) {
            blocks.extend(numbered_section(number, section));
        }

        blocks.push(part("IV. LỘ TRÌNH THỰC HIỆN"));
        for (number, milestone) in (1..).zip(&doc.roadmap) {
            blocks.push(heading(format!(
                "{number}. {}:",
                period_label(&milestone.period)
            )));
            blocks.extend(items(&milestone.items));
        }

        blocks.push(part("V. KINH PHÍ THỰC HIỆN"));
        blocks.extend(doc.budget_lines.iter().map(|line| item(&budget_text(line))));
        blocks.extend(lines(&doc.closing).map(text));

        DocumentLayout {
            header: header(plan),
            kind: "KẾ HOẠCH",
            title: plan.title.trim().to_owned(),
            blocks,
            footer: footer(plan),
        }
    }

    /// The text of every paragraph in reading order: the header's left column, then its
    /// right column, the kind and title, the body (tables cell by cell, row by row), the
    /// recipients and the signer. Blank paragraphs (spacing) are not in it.
    pub fn paragraphs(&self) -> Vec<String> {
        let header = &self.header;
        let mut texts: Vec<String> = header.governing_body.iter().cloned().collect();
        texts.extend(header.issuer_lines.iter().cloned());
        texts.push(header.number.clone());
        texts.extend([header.country, header.motto].map(str::to_owned));
        texts.push(header.place_and_date.clone());
        texts.extend([self.kind.to_owned(), self.title.clone()]);
        for block in &self.blocks {
            match block {
                DocumentBlock::Part(text)
                | DocumentBlock::Heading(text)
                | DocumentBlock::Basis(text)
                | DocumentBlock::Text(text)
                | DocumentBlock::Item(text)
                | DocumentBlock::Activity(text) => texts.push(text.clone()),
                DocumentBlock::Table(table) => {
                    texts.extend(table.header.iter().cloned());
                    texts.extend(table.rows.iter().flatten().cloned());
                }
            }
        }
        let footer = &self.footer;
        texts.push(footer.recipients_title.to_owned());
        texts.extend(footer.recipients.iter().cloned());
        texts.extend([footer.signer_title.clone(), footer.signer_name.clone()]);
        texts.retain(|text| !text.trim().is_empty());
        texts
    }
}

fn header(plan: &Plan) -> DocumentHeader {
    let doc = &plan.document;
    let governing_body = Some(doc.governing_body.trim())
        .filter(|body| !body.is_empty())
        .map(str::to_uppercase);
    let issuer = plan.issuing_facility.name.trim().to_uppercase();
    let number = match doc.number.as_deref().map(str::trim) {
        Some(number) if !number.is_empty() => format!("Số: {number}"),
        // Not yet issued: the clerk writes the number in by hand.
        _ => "Số:      /KH".to_owned(),
    };
    DocumentHeader {
        governing_body,
        issuer_lines: balanced_lines(&issuer, ISSUER_LINE_CHARS)
            .map(str::to_owned)
            .collect(),
        number,
        country: "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        motto: "Độc lập - Tự do - Hạnh phúc",
        place_and_date: place_and_date(&doc.place, doc.issued_on),
    }
}

fn footer(plan: &Plan) -> DocumentFooter {
    let doc = &plan.document;
    let count = doc.recipients.len();
    let recipients = doc
        .recipients
        .iter()
        .enumerate()
        .map(|(index, recipient)| {
            let text = recipient.trim().trim_end_matches([';', '.', ',']);
            // Each line ends with a semicolon, the last (the archive's copy) with a full
            // stop.
            let end = if index + 1 == count { '.' } else { ';' };
            format!("- {text}{end}")
        })
        .collect();
    DocumentFooter {
        recipients_title: "Nơi nhận:",
        recipients,
        signer_title: doc.signer.title.trim().to_uppercase(),
        signer_name: doc.signer.name.trim().to_owned(),
    }
}

/// "Lái Thiêu, ngày 02 tháng 3 năm 2026": where and when a document is issued, with
/// room for the date a clerk fills in by hand while it is not.
pub fn place_and_date(place: &str, issued_on: Option<chrono::NaiveDate>) -> String {
    let date = issued_on.map_or_else(|| BLANK_ADMINISTRATIVE_DATE.to_owned(), administrative_date);
    match place.trim() {
        "" => date,
        place => format!("{place}, {date}"),
    }
}

/// "Căn cứ Quyết định số 1816/QĐ-BYT ngày 26 tháng 5 năm 2008 của Bộ Y tế về việc …;".
///
/// The subject reads "về việc …" unless the author already wrote "về …" or it is what
/// the instrument does ("ban hành …", "quy định …"); whatever it ended with, a basis
/// ends with a semicolon.
pub fn legal_basis_text(basis: &LegalBasis) -> String {
    let mut text = format!("Căn cứ {} số {}", basis.kind.trim(), basis.number.trim());
    if let Some(day) = basis.issued_on {
        text.push(' ');
        text.push_str(&administrative_date(day));
    }
    text.push_str(" của ");
    text.push_str(basis.issuer.trim());
    let subject = basis
        .title
        .trim()
        .trim_end_matches(['.', ';', ','])
        .trim_end();
    if !subject.is_empty() {
        let lower = subject.to_lowercase();
        let says_what = ["về ", "ban hành", "quy định"]
            .iter()
            .any(|start| lower.starts_with(start));
        text.push_str(if says_what { " " } else { " về việc " });
        text.push_str(subject);
    }
    text.push(';');
    text
}

/// "Công tác phí: 120.000.000 đồng (Ngân sách nhà nước)", or "Item: source" without an
/// amount.
pub fn budget_text(line: &BudgetLine) -> String {
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
pub fn thousands(amount: i64) -> String {
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

/// "Quý 1/2026" for `2026-Q1`; the text as written if it is no period (a validated plan
/// has none such).
pub fn period_label(period: &str) -> String {
    period
        .parse::<Period>()
        .map_or_else(|_| period.to_owned(), |period| period.label(Lang::Vi))
}

/// A heading line too long for its column, split at the space nearest its middle into
/// two lines, as clerks set "TRUNG TÂM Y TẾ / KHU VỰC THUẬN AN": left to wrap by itself,
/// it would leave one word alone on the second line.
pub fn balanced_lines(text: &str, max_chars: usize) -> impl Iterator<Item = &str> {
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

/// The indicators: code, name, unit and where the figures come from.
fn indicator_table(indicators: &[Indicator]) -> DocumentTable {
    DocumentTable {
        header: ["Mã", "Chỉ tiêu", "Đơn vị", "Nguồn số liệu"]
            .map(str::to_owned)
            .to_vec(),
        rows: indicators
            .iter()
            .map(|indicator| {
                vec![
                    indicator.code.clone(),
                    indicator.name.clone(),
                    indicator.unit.clone(),
                    indicator.source.label(Lang::Vi).to_owned(),
                ]
            })
            .collect(),
    }
}

/// "n. Heading" and its items.
fn numbered_section(number: usize, section: &Section) -> Vec<DocumentBlock> {
    std::iter::once(heading(format!("{number}. {}", section.heading.trim())))
        .chain(items(&section.items))
        .collect()
}

/// An activity: "n.k. Title", then its kind, responsible unit, facilities, dates and
/// details.
fn activity_blocks(number: &str, activity: &Activity) -> Vec<DocumentBlock> {
    let mut blocks = vec![
        DocumentBlock::Activity(format!("{number} {}", activity.title.trim())),
        item(&format!("Hình thức: {}", activity.kind.label(Lang::Vi))),
    ];
    if !activity.responsible_unit.trim().is_empty() {
        blocks.push(item(&format!(
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
        blocks.push(item(&format!("Cơ sở được hỗ trợ: {}", names.join(", "))));
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
    blocks.push(item(&format!("Thời gian: {dates}")));
    if !activity.description.trim().is_empty() {
        blocks.push(item(&format!("Nội dung: {}", activity.description.trim())));
    }
    blocks
}

/// The non-blank lines of a free text, each its own paragraph.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|line| !line.is_empty())
}

fn part(text: &str) -> DocumentBlock {
    DocumentBlock::Part(text.to_owned())
}

fn heading(text: String) -> DocumentBlock {
    DocumentBlock::Heading(text)
}

fn text(line: &str) -> DocumentBlock {
    DocumentBlock::Text(line.to_owned())
}

/// "- text".
fn item(text: &str) -> DocumentBlock {
    DocumentBlock::Item(format!("- {}", text.trim()))
}

fn items(texts: &[String]) -> impl Iterator<Item = DocumentBlock> + '_ {
    texts.iter().map(|text| item(text))
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn day(year: i32, month: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, dd).unwrap_or_default()
    }

    fn basis(title: &str, issued_on: Option<NaiveDate>) -> LegalBasis {
        LegalBasis {
            kind: "Quyết định".into(),
            number: "4026/QĐ-BYT".into(),
            issued_on,
            issuer: "Bộ Y tế".into(),
            title: title.into(),
        }
    }

    #[test]
    fn legal_bases_read_as_one_sentence_each() {
        let on = Some(day(2010, 10, 20));
        assert_eq!(
            legal_basis_text(&basis(
                "ban hành quy định phân công công tác chỉ đạo tuyến",
                on
            )),
            "Căn cứ Quyết định số 4026/QĐ-BYT ngày 20 tháng 10 năm 2010 của Bộ Y tế ban hành quy định phân công công tác chỉ đạo tuyến;"
        );
        // "về việc" is added once, and the author's full stop becomes the semicolon.
        assert_eq!(
            legal_basis_text(&basis("phân công công tác chỉ đạo tuyến.", on)),
            "Căn cứ Quyết định số 4026/QĐ-BYT ngày 20 tháng 10 năm 2010 của Bộ Y tế về việc phân công công tác chỉ đạo tuyến;"
        );
        assert_eq!(
            legal_basis_text(&basis("Về việc phân công;", None)),
            "Căn cứ Quyết định số 4026/QĐ-BYT của Bộ Y tế Về việc phân công;"
        );
        assert_eq!(
            legal_basis_text(&basis(" ", None)),
            "Căn cứ Quyết định số 4026/QĐ-BYT của Bộ Y tế;"
        );
    }

    #[test]
    fn amounts_and_budget_lines_read_the_vietnamese_way() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(950), "950");
        assert_eq!(thousands(1_000), "1.000");
        assert_eq!(thousands(120_000_000), "120.000.000");
        assert_eq!(thousands(-1_234_567), "-1.234.567");
        let line = |amount, source: &str| {
            budget_text(&BudgetLine {
                item: "Tập huấn".into(),
                amount_vnd: amount,
                source: source.into(),
            })
        };
        assert_eq!(
            line(Some(120_000_000), "Ngân sách nhà nước"),
            "Tập huấn: 120.000.000 đồng (Ngân sách nhà nước)"
        );
        assert_eq!(line(Some(5_000_000), ""), "Tập huấn: 5.000.000 đồng");
        assert_eq!(line(None, "theo quy định"), "Tập huấn: theo quy định");
        assert_eq!(line(None, ""), "Tập huấn");
    }

    #[test]
    fn places_dates_periods_and_the_issuer_lines() {
        assert_eq!(
            place_and_date("Lái Thiêu", Some(day(2026, 3, 2))),
            "Lái Thiêu, ngày 02 tháng 3 năm 2026"
        );
        assert_eq!(
            place_and_date(" ", Some(day(2026, 1, 21))),
            "ngày 21 tháng 01 năm 2026"
        );
        assert_eq!(
            place_and_date("Lái Thiêu", None),
            "Lái Thiêu, ngày      tháng      năm       "
        );
        assert_eq!(period_label("2026-H1"), "6 tháng đầu năm 2026");
        assert_eq!(period_label("P2"), "Giai đoạn 2");
        assert_eq!(period_label("sau"), "sau");
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
