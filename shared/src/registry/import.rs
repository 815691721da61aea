//! Import and export of the registry as spreadsheets: the columns of each kind of
//! sheet (headers in Vietnamese, English accepted too), one row read into a record
//! that names other records by their natural keys (facility code; licence number, else
//! citizen id), the same shared validators as the forms, and the preview a
//! person reads before committing.
//!
//! The backend reads the cells (XLSX or CSV) and diffs the records against the
//! database; everything a row can be wrong about on its own is decided here.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use validator::Validate;

use super::{
    DepartmentInput, DepartmentKind, FacilityInput, FacilityKind, LeaveInput, LeaveKind,
    Profession, RotationExemption, StaffInput, TechnicalLevel,
};
use crate::message::Message;
use crate::{Labelled, Lang};

labelled_enum! {
    /// Which part of the registry a sheet holds.
    pub enum ImportKind {
        Facilities = "facilities", "Cơ sở y tế", "Facilities";
        Departments = "departments", "Khoa/phòng", "Departments";
        Staff = "staff", "Nhân sự", "Staff";
        Leave = "leave", "Nghỉ phép", "Leave";
        Techniques = "techniques", "Danh mục kỹ thuật", "Technique catalogue";
    }
}

labelled_enum! {
    /// What committing a row would do (or did).
    pub enum RowStatus {
        New = "new", "Thêm mới", "New";
        Changed = "changed", "Thay đổi", "Changed";
        Unchanged = "unchanged", "Không đổi", "Unchanged";
        Error = "error", "Lỗi", "Error";
    }
}

/// A column of an import sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// Stable key: the field of the shared input type it fills, where there is one.
    pub key: &'static str,
    /// Header in Vietnamese, as the templates write it.
    pub vi: &'static str,
    /// Header in English, accepted on import.
    pub en: &'static str,
    /// Whether the column must be present in the file.
    pub required: bool,
}

impl Column {
    /// The header in `lang`.
    pub fn header(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Vi => self.vi,
            Lang::En => self.en,
        }
    }
}

const fn col(key: &'static str, vi: &'static str, en: &'static str, required: bool) -> Column {
    Column {
        key,
        vi,
        en,
        required,
    }
}

const FACILITY_COLUMNS: &[Column] = &[
    col("code", "Mã cơ sở", "Facility code", true),
    col("name", "Tên cơ sở", "Name", true),
    col("kind", "Loại hình", "Kind", true),
    col("level", "Cấp chuyên môn", "Technical level", false),
    col(
        "supervising_code",
        "Mã cơ sở quản lý",
        "Supervising facility code",
        false,
    ),
    col("province", "Tỉnh/Thành phố", "Province", true),
    col("ward", "Xã/Phường", "Ward", false),
    col("address", "Địa chỉ", "Address", false),
    col("latitude", "Vĩ độ", "Latitude", false),
    col("longitude", "Kinh độ", "Longitude", false),
    col("phone", "Điện thoại", "Phone", false),
    col("active", "Đang hoạt động", "Active", false),
];

const DEPARTMENT_COLUMNS: &[Column] = &[
    col("facility_code", "Mã cơ sở", "Facility code", true),
    col("code", "Mã khoa/phòng", "Department code", true),
    col("name", "Tên khoa/phòng", "Name", true),
    col("kind", "Loại khoa/phòng", "Kind", true),
    col("min_on_site", "Tối thiểu tại chỗ", "Minimum on site", false),
    col("active", "Đang hoạt động", "Active", false),
];

const STAFF_COLUMNS: &[Column] = &[
    col("facility_code", "Mã cơ sở", "Facility code", true),
    col("department_code", "Mã khoa/phòng", "Department code", false),
    col("code", "Mã nhân viên", "Employee code", false),
    col("full_name", "Họ và tên", "Full name", true),
    col("profession", "Chức danh nghề nghiệp", "Profession", true),
    col("title", "Học hàm/học vị", "Title", false),
    col(
        "licence_number",
        "Số chứng chỉ hành nghề",
        "Licence number",
        false,
    ),
    col(
        "licence_valid_from",
        "Hiệu lực từ ngày",
        "Licence valid from",
        false,
    ),
    col(
        "licence_valid_until",
        "Hiệu lực đến ngày",
        "Licence valid until",
        false,
    ),
    col("specialties", "Phạm vi chuyên môn", "Specialties", false),
    col(
        "monthly_rotation_day_limit",
        "Số ngày luân phiên tối đa/tháng",
        "Monthly rotation day limit",
        false,
    ),
    col(
        "rotation_exemption",
        "Miễn luân phiên",
        "Rotation exemption",
        false,
    ),
    col("phone", "Điện thoại", "Phone", false),
    col("email", "Email", "Email", false),
    col("active", "Đang công tác", "Active", false),
    col("citizen_id", "Số CCCD", "Citizen ID", false),
];

const LEAVE_COLUMNS: &[Column] = &[
    col(
        "licence_number",
        "Số chứng chỉ hành nghề",
        "Licence number",
        false,
    ),
    col("citizen_id", "Số CCCD", "Citizen ID", false),
    col("kind", "Loại nghỉ", "Kind", true),
    col("start_date", "Từ ngày", "Start date", true),
    col("end_date", "Đến ngày", "End date", true),
    col("note", "Ghi chú", "Note", false),
];

const TECHNIQUE_COLUMNS: &[Column] = &[
    col("code", "Mã kỹ thuật", "Technique code", true),
    col("name", "Tên kỹ thuật", "Name", true),
    col("specialty", "Chuyên khoa", "Specialty", true),
    col("level", "Cấp chuyên môn", "Technical level", true),
    col("active", "Đang sử dụng", "Active", false),
];

impl ImportKind {
    /// The columns of this kind of sheet, in template order.
    pub fn columns(self) -> &'static [Column] {
        match self {
            ImportKind::Facilities => FACILITY_COLUMNS,
            ImportKind::Departments => DEPARTMENT_COLUMNS,
            ImportKind::Staff => STAFF_COLUMNS,
            ImportKind::Leave => LEAVE_COLUMNS,
            ImportKind::Techniques => TECHNIQUE_COLUMNS,
        }
    }

    /// The column with this key.
    pub fn column(self, key: &str) -> Option<&'static Column> {
        self.columns().iter().find(|column| column.key == key)
    }

    /// File name stem of templates and exports (ASCII, Vietnamese words).
    pub fn file_stem(self) -> &'static str {
        match self {
            ImportKind::Facilities => "co-so-y-te",
            ImportKind::Departments => "khoa-phong",
            ImportKind::Staff => "nhan-su",
            ImportKind::Leave => "nghi-phep",
            ImportKind::Techniques => "danh-muc-ky-thuat",
        }
    }

    /// An example row for the template, in column order.
    pub fn example(self) -> &'static [&'static str] {
        match self {
            ImportKind::Facilities => &[
                "79-TYT-001",
                "Trạm Y tế Phường An Phú",
                "Trạm Y tế",
                "Cấp khám bệnh, chữa bệnh ban đầu",
                "79-TTYT-01",
                "TP. Hồ Chí Minh",
                "Phường An Phú",
                "12 Đường số 5",
                "10.80",
                "106.75",
                "0283 123 456",
                "Có",
            ],
            ImportKind::Departments => &[
                "79-TTYT-01",
                "NOI",
                "Khoa Nội",
                "Khoa lâm sàng",
                "Bác sĩ=2; Điều dưỡng=3",
                "Có",
            ],
            ImportKind::Staff => &[
                "79-TTYT-01",
                "NOI",
                "NV-001",
                "Nguyễn Văn An",
                "Bác sĩ",
                "BSCKI",
                "000123/HCM-CCHN",
                "01/03/2020",
                "",
                "noi_khoa; nhi_khoa",
                "10",
                "",
                "0901 234 567",
                "an.nguyen@example.vn",
                "Có",
                "079190001234",
            ],
            ImportKind::Leave => &[
                "000123/HCM-CCHN",
                "",
                "Nghỉ phép năm",
                "01/07/2026",
                "10/07/2026",
                "",
            ],
            ImportKind::Techniques => &[
                "khau_vet_thuong_phan_mem",
                "Khâu vết thương phần mềm",
                "ngoai_khoa",
                "Cấp khám bệnh, chữa bệnh ban đầu",
                "Có",
            ],
        }
    }
}

/// Where the columns of a kind sit in a file: the header row read once, each known
/// column mapped to its position; unknown headers (notes a person added) are ignored.
#[derive(Debug, Clone)]
pub struct HeaderMap {
    kind: ImportKind,
    positions: Vec<Option<usize>>,
}

/// A header row that lacks a required column (its Vietnamese header).
#[derive(Debug, Clone, PartialEq)]
pub struct MissingColumn(pub &'static str);

fn normalize_header(text: &str) -> String {
    text.trim()
        .trim_start_matches('\u{feff}')
        .trim_end_matches('*')
        .trim()
        .to_lowercase()
}

impl HeaderMap {
    /// Maps the header row of a `kind` sheet; Vietnamese, English and the keys are
    /// accepted, in any case and order.
    pub fn new(kind: ImportKind, headers: &[String]) -> Result<HeaderMap, MissingColumn> {
        let normalized: Vec<String> = headers.iter().map(|h| normalize_header(h)).collect();
        let mut positions = Vec::with_capacity(kind.columns().len());
        for column in kind.columns() {
            let names = [column.vi, column.en, column.key].map(str::to_lowercase);
            let at = normalized.iter().position(|h| names.contains(h));
            if at.is_none() && column.required {
                return Err(MissingColumn(column.vi));
            }
            positions.push(at);
        }
        Ok(HeaderMap { kind, positions })
    }

    /// The kind this map reads.
    pub fn kind(&self) -> ImportKind {
        self.kind
    }

    fn cell<'a>(&self, cells: &'a [String], key: &str) -> Option<&'a str> {
        let index = self.kind.columns().iter().position(|c| c.key == key)?;
        let at = self.positions.get(index).copied().flatten()?;
        cells
            .get(at)
            .map(|cell| cell.trim())
            .filter(|cell| !cell.is_empty())
    }
}

/// What is wrong with one cell: the column's key and the message.
#[derive(Debug, Clone, PartialEq)]
pub struct CellError {
    /// Key of the column.
    pub column: &'static str,
    /// What is wrong.
    pub message: Message,
}

impl CellError {
    /// An error on `column`.
    pub fn new(column: &'static str, message: Message) -> CellError {
        CellError { column, message }
    }
}

/// How a member of staff is recognised across files: the practice licence number,
/// else the citizen id (CCCD) — both national, so a person moved between facilities
/// is still the same row.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StaffKey {
    /// Practice licence number.
    Licence(String),
    /// Citizen id (CCCD).
    CitizenId(String),
}

impl StaffKey {
    /// The key as a person reads it in the preview.
    pub fn label(&self) -> String {
        match self {
            StaffKey::Licence(number) => number.clone(),
            StaffKey::CitizenId(number) => format!("CCCD {number}"),
        }
    }
}

/// A facility row. Capabilities and support links are not part of the sheet: an
/// import keeps the ones the facility has.
#[derive(Debug, Clone, PartialEq)]
pub struct FacilityRecord {
    /// Code (natural key).
    pub code: String,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: FacilityKind,
    /// Technical level.
    pub level: Option<TechnicalLevel>,
    /// Code of the supervising facility.
    pub supervising_code: Option<String>,
    /// Province.
    pub province: String,
    /// Ward.
    pub ward: Option<String>,
    /// Address.
    pub address: Option<String>,
    /// Latitude.
    pub latitude: Option<f64>,
    /// Longitude.
    pub longitude: Option<f64>,
    /// Phone.
    pub phone: Option<String>,
    /// In service.
    pub active: bool,
}

impl FacilityRecord {
    /// The API input for this row, with the supervising facility resolved.
    pub fn input(&self, supervising_id: Option<i64>) -> FacilityInput {
        FacilityInput {
            code: self.code.clone(),
            name: self.name.clone(),
            kind: self.kind,
            level: self.level,
            supervising_id,
            province: self.province.clone(),
            ward: self.ward.clone(),
            address: self.address.clone(),
            latitude: self.latitude,
            longitude: self.longitude,
            phone: self.phone.clone(),
            active: self.active,
            capabilities: Vec::new(),
        }
    }
}

/// A department row; natural key (facility code, department code).
#[derive(Debug, Clone, PartialEq)]
pub struct DepartmentRecord {
    /// Facility code.
    pub facility_code: String,
    /// Department code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: DepartmentKind,
    /// Minimum staff on site per profession.
    pub min_on_site: BTreeMap<Profession, i32>,
    /// In service.
    pub active: bool,
}

impl DepartmentRecord {
    /// The API input for this row, with its facility resolved.
    pub fn input(&self, facility_id: i64) -> DepartmentInput {
        DepartmentInput {
            facility_id,
            code: self.code.clone(),
            name: self.name.clone(),
            kind: self.kind,
            min_on_site: self.min_on_site.clone(),
            active: self.active,
        }
    }
}

/// A staff row (patient-free, but personal: names, licences, contacts).
#[derive(Debug, Clone, PartialEq)]
pub struct StaffRecord {
    /// Facility code.
    pub facility_code: String,
    /// Department code within the facility.
    pub department_code: Option<String>,
    /// Employee code.
    pub code: Option<String>,
    /// Full name.
    pub full_name: String,
    /// Profession.
    pub profession: Profession,
    /// Title or degree.
    pub title: Option<String>,
    /// Practice licence number.
    pub licence_number: Option<String>,
    /// Licence valid from.
    pub licence_valid_from: Option<NaiveDate>,
    /// Licence valid until.
    pub licence_valid_until: Option<NaiveDate>,
    /// Scope of practice: specialty codes.
    pub specialties: Vec<String>,
    /// Most rotation days per month.
    pub monthly_rotation_day_limit: i32,
    /// Rotation exemption.
    pub rotation_exemption: Option<RotationExemption>,
    /// Phone.
    pub phone: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// Employed.
    pub active: bool,
    /// Citizen id (CCCD): personal data of the staff member, see
    /// [`crate::registry::Staff::citizen_id`].
    pub citizen_id: Option<String>,
}

impl StaffRecord {
    /// The natural key, if the row has one.
    pub fn key(&self) -> Option<StaffKey> {
        staff_key(self.licence_number.as_deref(), self.citizen_id.as_deref())
    }

    /// The API input for this row, with its facility and department resolved.
    pub fn input(&self, facility_id: i64, department_id: Option<i64>) -> StaffInput {
        StaffInput {
            facility_id,
            department_id,
            code: self.code.clone(),
            full_name: self.full_name.clone(),
            profession: self.profession,
            title: self.title.clone(),
            licence_number: self.licence_number.clone(),
            citizen_id: self.citizen_id.clone(),
            licence_valid_from: self.licence_valid_from,
            licence_valid_until: self.licence_valid_until,
            specialties: self.specialties.clone(),
            monthly_rotation_day_limit: self.monthly_rotation_day_limit,
            rotation_exemption: self.rotation_exemption,
            phone: self.phone.clone(),
            email: self.email.clone(),
            active: self.active,
        }
    }
}

/// The natural key of a member of staff from its parts: the licence number, else the
/// citizen id.
pub fn staff_key(licence: Option<&str>, citizen_id: Option<&str>) -> Option<StaffKey> {
    match (licence, citizen_id) {
        (Some(licence), _) => Some(StaffKey::Licence(licence.to_string())),
        (None, Some(citizen_id)) => Some(StaffKey::CitizenId(citizen_id.to_string())),
        (None, None) => None,
    }
}

/// A leave row; natural key (member of staff, first day).
#[derive(Debug, Clone, PartialEq)]
pub struct LeaveRecord {
    /// The member of staff.
    pub staff: StaffKey,
    /// Kind, dates and note.
    pub leave: LeaveInput,
}

/// A technique of the catalogue; natural key its code. The specialty is a code of
/// `SPECIALTIES` or its Vietnamese or English name.
#[derive(Debug, Clone, PartialEq)]
pub struct TechniqueRecord {
    /// The technique as the API takes it.
    pub technique: crate::technique::TechniqueInput,
}

/// A specialty cell: its code, or its Vietnamese or English name, in any case.
pub fn parse_specialty(text: &str) -> Option<&'static str> {
    let wanted = crate::search::fold(text.trim());
    super::SPECIALTIES
        .iter()
        .find(|(code, vi, en)| {
            *code == text.trim()
                || crate::search::fold(vi) == wanted
                || crate::search::fold(en) == wanted
        })
        .map(|(code, _, _)| *code)
}

/// One row read from a sheet.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportRecord {
    /// A facility.
    Facility(FacilityRecord),
    /// A department.
    Department(DepartmentRecord),
    /// A member of staff.
    Staff(StaffRecord),
    /// A leave period.
    Leave(LeaveRecord),
    /// A technique of the catalogue.
    Technique(TechniqueRecord),
}

impl ImportRecord {
    /// The natural key as a person reads it.
    pub fn key(&self) -> String {
        match self {
            ImportRecord::Facility(record) => record.code.clone(),
            ImportRecord::Department(record) => format!("{}/{}", record.facility_code, record.code),
            ImportRecord::Staff(record) => record.key().map(|k| k.label()).unwrap_or_default(),
            ImportRecord::Leave(record) => {
                format!("{} {}", record.staff.label(), record.leave.start_date)
            }
            ImportRecord::Technique(record) => record.technique.code.clone(),
        }
    }

    /// The cells of this record in column order, as compared between a file and the
    /// database: enums as codes, dates ISO, booleans `true`/`false`.
    pub fn cells(&self) -> Vec<String> {
        self.render(|code, _| code.to_string())
    }

    /// The cells as an export writes them for people: enums by their Vietnamese label,
    /// dates dd/mm/yyyy, booleans "Có"/"Không".
    pub fn display_cells(&self) -> Vec<String> {
        self.render(|_, label| label.to_string())
    }

    fn render(&self, pick: impl Fn(&str, &str) -> String) -> Vec<String> {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let en = |value: &dyn LabelledCode| pick(value.code(), value.vi());
        let opt = |value: Option<&dyn LabelledCode>| value.map(en).unwrap_or_default();
        let yes_no = |v: bool| {
            pick(
                if v { "true" } else { "false" },
                if v { "Có" } else { "Không" },
            )
        };
        let date = |d: Option<NaiveDate>| {
            d.map(|d| pick(&d.to_string(), &d.format("%d/%m/%Y").to_string()))
                .unwrap_or_default()
        };
        let number = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
        match self {
            ImportRecord::Facility(r) => vec![
                r.code.clone(),
                r.name.clone(),
                en(&r.kind),
                opt(r.level.as_ref().map(|v| v as &dyn LabelledCode)),
                text(&r.supervising_code),
                r.province.clone(),
                text(&r.ward),
                text(&r.address),
                number(r.latitude),
                number(r.longitude),
                text(&r.phone),
                yes_no(r.active),
            ],
            ImportRecord::Department(r) => vec![
                r.facility_code.clone(),
                r.code.clone(),
                r.name.clone(),
                en(&r.kind),
                r.min_on_site
                    .iter()
                    .map(|(profession, n)| format!("{}={n}", en(profession)))
                    .collect::<Vec<_>>()
                    .join("; "),
                yes_no(r.active),
            ],
            ImportRecord::Staff(r) => vec![
                r.facility_code.clone(),
                text(&r.department_code),
                text(&r.code),
                r.full_name.clone(),
                en(&r.profession),
                text(&r.title),
                text(&r.licence_number),
                date(r.licence_valid_from),
                date(r.licence_valid_until),
                r.specialties.join("; "),
                r.monthly_rotation_day_limit.to_string(),
                opt(r
                    .rotation_exemption
                    .as_ref()
                    .map(|v| v as &dyn LabelledCode)),
                text(&r.phone),
                text(&r.email),
                yes_no(r.active),
                text(&r.citizen_id),
            ],
            ImportRecord::Leave(r) => {
                let (licence, citizen_id) = match &r.staff {
                    StaffKey::Licence(number) => (number.clone(), String::new()),
                    StaffKey::CitizenId(number) => (String::new(), number.clone()),
                };
                vec![
                    licence,
                    citizen_id,
                    en(&r.leave.kind),
                    date(Some(r.leave.start_date)),
                    date(Some(r.leave.end_date)),
                    text(&r.leave.note),
                ]
            }
            ImportRecord::Technique(r) => vec![
                r.technique.code.clone(),
                r.technique.name.clone(),
                pick(
                    &r.technique.specialty,
                    super::specialty_label(&r.technique.specialty, Lang::Vi),
                ),
                en(&r.technique.level),
                yes_no(r.technique.active),
            ],
        }
    }

    /// Keys of the columns whose cells differ from `other`'s.
    pub fn changed_columns(&self, kind: ImportKind, other: &ImportRecord) -> Vec<&'static str> {
        let mine = self.cells();
        let theirs = other.cells();
        kind.columns()
            .iter()
            .zip(mine.iter().zip(theirs.iter()))
            .filter(|(_, (a, b))| a != b)
            .map(|(column, _)| column.key)
            .collect()
    }
}

/// An enum with a wire code and a Vietnamese label, for rendering cells.
trait LabelledCode {
    fn code(&self) -> &'static str;
    fn vi(&self) -> &'static str;
}

macro_rules! labelled_code {
    ($($name:ty),*) => {$(
        impl LabelledCode for $name {
            fn code(&self) -> &'static str {
                self.as_str()
            }
            fn vi(&self) -> &'static str {
                self.label(Lang::Vi)
            }
        }
    )*};
}
labelled_code!(
    FacilityKind,
    TechnicalLevel,
    DepartmentKind,
    Profession,
    RotationExemption,
    LeaveKind
);

/// Reads one data row of a sheet into a record, with every cell error found (not just
/// the first), including the shared validators' verdicts on the resulting input.
pub fn parse_row(headers: &HeaderMap, cells: &[String]) -> Result<ImportRecord, Vec<CellError>> {
    let record = read_row(headers, cells)?;
    let errors = validate(headers.kind(), &record);
    if errors.is_empty() {
        Ok(record)
    } else {
        Err(errors)
    }
}

/// Reads one data row into a record: every cell that cannot be read is an error, but
/// the shared validators are not run (see [`validate`]): a row equal to what the
/// registry holds is not refused for a rule the record predates.
pub fn read_row(headers: &HeaderMap, cells: &[String]) -> Result<ImportRecord, Vec<CellError>> {
    let mut row = RowReader {
        headers,
        cells,
        errors: Vec::new(),
    };
    let record = match headers.kind() {
        ImportKind::Facilities => row.facility().map(ImportRecord::Facility),
        ImportKind::Departments => row.department().map(ImportRecord::Department),
        ImportKind::Staff => row.staff().map(ImportRecord::Staff),
        ImportKind::Leave => row.leave().map(ImportRecord::Leave),
        ImportKind::Techniques => row.technique().map(ImportRecord::Technique),
    };
    match record {
        Some(record) if row.errors.is_empty() => Ok(record),
        _ => Err(row.errors),
    }
}

/// The shared validators on a record's input, each field error put on its column.
pub fn validate(kind: ImportKind, record: &ImportRecord) -> Vec<CellError> {
    let result = match record {
        ImportRecord::Facility(r) => r.input(None).validate(),
        ImportRecord::Department(r) => r.input(0).validate(),
        ImportRecord::Staff(r) => r.input(0, None).validate(),
        ImportRecord::Leave(r) => r.leave.validate(),
        ImportRecord::Technique(r) => r.technique.validate(),
    };
    let Err(errors) = result else {
        return Vec::new();
    };
    let vi = crate::validation::field_messages(&errors, Lang::Vi);
    let en = crate::validation::field_messages(&errors, Lang::En);
    vi.into_iter()
        .flat_map(|(field, messages)| {
            let english = en.get(&field).cloned().unwrap_or_default();
            // A field's path may carry an index (`specialties[2]`): its column is the
            // part before it; a rule over the whole row lands on the first column.
            let base = field
                .split(['[', '.'])
                .next()
                .unwrap_or_default()
                .to_string();
            let column = kind
                .column(&base)
                .or_else(|| kind.columns().first())
                .map(|c| c.key)
                .unwrap_or("");
            messages
                .into_iter()
                .enumerate()
                .map(move |(i, vi)| {
                    let en = english.get(i).cloned().unwrap_or_else(|| vi.clone());
                    CellError::new(column, Message::Localised { vi, en })
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

struct RowReader<'a> {
    headers: &'a HeaderMap,
    cells: &'a [String],
    errors: Vec<CellError>,
}

impl RowReader<'_> {
    fn text(&self, key: &str) -> Option<String> {
        self.headers.cell(self.cells, key).map(str::to_string)
    }

    fn required(&mut self, key: &'static str) -> Option<String> {
        let value = self.text(key);
        if value.is_none() {
            self.errors
                .push(CellError::new(key, Message::ImportCellRequired));
        }
        value
    }

    fn fail<T>(&mut self, key: &'static str, message: Message) -> Option<T> {
        self.errors.push(CellError::new(key, message));
        None
    }

    /// An enum cell: its code, or its Vietnamese or English label, in any case.
    fn choice<T>(&mut self, key: &'static str, required: bool) -> Option<Option<T>>
    where
        T: Labelled + Copy + std::str::FromStr + 'static,
        T: AllVariants,
    {
        let Some(text) = self.text(key) else {
            if required {
                self.errors
                    .push(CellError::new(key, Message::ImportCellRequired));
                return None;
            }
            return Some(None);
        };
        match parse_choice::<T>(&text) {
            Some(value) => Some(Some(value)),
            None => self.fail(key, Message::ImportUnknownValue(text)),
        }
    }

    fn flag(&mut self, key: &'static str) -> Option<bool> {
        let Some(text) = self.text(key) else {
            return Some(true);
        };
        match parse_bool(&text) {
            Some(value) => Some(value),
            None => self.fail(key, Message::ImportNotYesNo(text)),
        }
    }

    fn date(&mut self, key: &'static str) -> Option<Option<NaiveDate>> {
        let Some(text) = self.text(key) else {
            return Some(None);
        };
        match parse_date(&text) {
            Some(date) => Some(Some(date)),
            None => self.fail(key, Message::ImportNotADate(text)),
        }
    }

    fn number(&mut self, key: &'static str) -> Option<Option<f64>> {
        let Some(text) = self.text(key) else {
            return Some(None);
        };
        match text.replace(',', ".").parse::<f64>() {
            Ok(value) if value.is_finite() => Some(Some(value)),
            _ => self.fail(key, Message::ImportNotANumber(text)),
        }
    }

    fn integer(&mut self, key: &'static str) -> Option<Option<i32>> {
        let Some(text) = self.text(key) else {
            return Some(None);
        };
        match parse_integer(&text) {
            Some(value) => Some(Some(value)),
            None => self.fail(key, Message::ImportNotANumber(text)),
        }
    }

    fn facility(&mut self) -> Option<FacilityRecord> {
        let code = self.required("code");
        let name = self.required("name");
        let kind = self.choice::<FacilityKind>("kind", true);
        let level = self.choice::<TechnicalLevel>("level", false);
        let province = self.required("province");
        let latitude = self.number("latitude");
        let longitude = self.number("longitude");
        let active = self.flag("active");
        Some(FacilityRecord {
            code: code?,
            name: name?,
            kind: kind??,
            level: level?,
            supervising_code: self.text("supervising_code"),
            province: province?,
            ward: self.text("ward"),
            address: self.text("address"),
            latitude: latitude?,
            longitude: longitude?,
            phone: self.text("phone"),
            active: active?,
        })
    }

    fn department(&mut self) -> Option<DepartmentRecord> {
        let facility_code = self.required("facility_code");
        let code = self.required("code");
        let name = self.required("name");
        let kind = self.choice::<DepartmentKind>("kind", true);
        let min_on_site = match self.text("min_on_site") {
            None => Some(BTreeMap::new()),
            Some(text) => match parse_min_on_site(&text) {
                Some(map) => Some(map),
                None => self.fail("min_on_site", Message::ImportUnknownValue(text)),
            },
        };
        let active = self.flag("active");
        Some(DepartmentRecord {
            facility_code: facility_code?,
            code: code?,
            name: name?,
            kind: kind??,
            min_on_site: min_on_site?,
            active: active?,
        })
    }

    fn staff(&mut self) -> Option<StaffRecord> {
        let facility_code = self.required("facility_code");
        let full_name = self.required("full_name");
        let profession = self.choice::<Profession>("profession", true);
        let licence_number = self.text("licence_number");
        let citizen_id = self.text("citizen_id");
        if licence_number.is_none() && citizen_id.is_none() {
            self.errors.push(CellError::new(
                "licence_number",
                Message::ImportStaffKeyRequired,
            ));
        }
        let valid_from = self.date("licence_valid_from");
        let valid_until = self.date("licence_valid_until");
        let limit = self.integer("monthly_rotation_day_limit");
        let exemption = self.choice::<RotationExemption>("rotation_exemption", false);
        let active = self.flag("active");
        Some(StaffRecord {
            facility_code: facility_code?,
            department_code: self.text("department_code"),
            code: self.text("code"),
            full_name: full_name?,
            profession: profession??,
            title: self.text("title"),
            licence_number,
            licence_valid_from: valid_from?,
            licence_valid_until: valid_until?,
            specialties: self
                .text("specialties")
                .map(|text| split_list(&text))
                .unwrap_or_default(),
            monthly_rotation_day_limit: limit?.unwrap_or(10),
            rotation_exemption: exemption?,
            phone: self.text("phone"),
            email: self.text("email"),
            active: active?,
            citizen_id,
        })
    }

    fn technique(&mut self) -> Option<TechniqueRecord> {
        let code = self.required("code");
        let name = self.required("name");
        let specialty = match self.required("specialty") {
            None => None,
            Some(text) => match parse_specialty(&text) {
                Some(code) => Some(code.to_string()),
                None => self.fail("specialty", Message::ImportUnknownValue(text)),
            },
        };
        let level = self.choice::<TechnicalLevel>("level", true);
        let active = self.flag("active");
        Some(TechniqueRecord {
            technique: crate::technique::TechniqueInput {
                code: code?,
                name: name?,
                specialty: specialty?,
                level: level??,
                active: active?,
            },
        })
    }

    fn leave(&mut self) -> Option<LeaveRecord> {
        let licence = self.text("licence_number");
        let citizen_id = self.text("citizen_id");
        let staff = staff_key(licence.as_deref(), citizen_id.as_deref());
        if staff.is_none() {
            self.errors.push(CellError::new(
                "licence_number",
                Message::ImportStaffKeyRequired,
            ));
        }
        let kind = self.choice::<LeaveKind>("kind", true);
        let start = self.date("start_date");
        let end = self.date("end_date");
        let (start, end) = (start?, end?);
        if start.is_none() {
            self.errors
                .push(CellError::new("start_date", Message::ImportCellRequired));
        }
        if end.is_none() {
            self.errors
                .push(CellError::new("end_date", Message::ImportCellRequired));
        }
        Some(LeaveRecord {
            staff: staff?,
            leave: LeaveInput {
                kind: kind??,
                start_date: start?,
                end_date: end?,
                note: self.text("note"),
            },
        })
    }
}

/// Every variant of a labelled enum (the macro's `all()`, as a trait for generic code).
pub trait AllVariants: Sized + 'static {
    /// Every variant.
    fn variants() -> &'static [Self];
}

macro_rules! all_variants {
    ($($name:ty),*) => {$(
        impl AllVariants for $name {
            fn variants() -> &'static [Self] {
                <$name>::all()
            }
        }
    )*};
}
all_variants!(
    FacilityKind,
    TechnicalLevel,
    DepartmentKind,
    Profession,
    RotationExemption,
    LeaveKind,
    ImportKind
);

/// An enum value from its code or its label in either language, in any case.
pub fn parse_choice<T>(text: &str) -> Option<T>
where
    T: Labelled + Copy + std::str::FromStr + AllVariants,
{
    let text = text.trim();
    if let Ok(value) = text.parse::<T>() {
        return Some(value);
    }
    let wanted = text.to_lowercase();
    T::variants().iter().copied().find(|value| {
        [Lang::Vi, Lang::En]
            .iter()
            .any(|&lang| value.label(lang).to_lowercase() == wanted)
    })
}

/// A yes/no cell: "có"/"không", "x", "yes"/"no", "true"/"false", 1/0.
pub fn parse_bool(text: &str) -> Option<bool> {
    match text.trim().to_lowercase().as_str() {
        "có" | "co" | "x" | "yes" | "y" | "true" | "1" => Some(true),
        "không" | "khong" | "no" | "n" | "false" | "0" => Some(false),
        _ => None,
    }
}

/// A date cell: dd/mm/yyyy (as people in Vietnam write it), d-m-yyyy or yyyy-mm-dd.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%d/%m/%Y"))
        .or_else(|_| NaiveDate::parse_from_str(text, "%d-%m-%Y"))
        .or_else(|_| NaiveDate::parse_from_str(text, "%d.%m.%Y"))
        .ok()
}

/// A whole number; "10.0" (how a spreadsheet may hand over 10) is accepted.
fn parse_integer(text: &str) -> Option<i32> {
    let text = text.trim();
    text.parse::<i32>().ok().or_else(|| {
        let value = text.parse::<f64>().ok()?;
        (value.fract() == 0.0 && value.abs() < f64::from(i32::MAX)).then_some(value as i32)
    })
}

/// A list cell: items separated by ";" or ",".
fn split_list(text: &str) -> Vec<String> {
    text.split([';', ','])
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_string)
        .collect()
}

/// "Bác sĩ=2; nurse: 3": professions (code or label) with a count each.
fn parse_min_on_site(text: &str) -> Option<BTreeMap<Profession, i32>> {
    let mut map = BTreeMap::new();
    for item in text
        .split([';', ','])
        .map(str::trim)
        .filter(|i| !i.is_empty())
    {
        let (name, count) = item.split_once(['=', ':'])?;
        let profession = parse_choice::<Profession>(name)?;
        map.insert(profession, parse_integer(count)?);
    }
    Some(map)
}

/// One problem of a row, as the preview shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CellProblem {
    /// Column key (see the template's columns).
    pub column: String,
    /// Column header in the request's language.
    pub header: String,
    /// What is wrong, in the request's language.
    pub message: String,
}

/// One data row of an import and what committing it does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportRow {
    /// Row number as the spreadsheet shows it (the header is row 1).
    pub row: u32,
    /// Natural key of the record (facility code, licence number…), if readable.
    pub key: String,
    /// New, changed, unchanged or error.
    pub status: RowStatus,
    /// Keys of the columns that change (status `changed`).
    pub changed: Vec<String>,
    /// Problems (status `error`).
    pub errors: Vec<CellProblem>,
}

/// How many rows of each status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportCounts {
    /// Data rows read.
    pub rows: u32,
    /// Rows that add a record.
    pub new: u32,
    /// Rows that change a record.
    pub changed: u32,
    /// Rows equal to the record.
    pub unchanged: u32,
    /// Rows with errors.
    pub errors: u32,
}

impl ImportCounts {
    /// Counts of these rows.
    pub fn of(rows: &[ImportRow]) -> ImportCounts {
        let mut counts = ImportCounts {
            rows: u32::try_from(rows.len()).unwrap_or(u32::MAX),
            ..ImportCounts::default()
        };
        for row in rows {
            match row.status {
                RowStatus::New => counts.new += 1,
                RowStatus::Changed => counts.changed += 1,
                RowStatus::Unchanged => counts.unchanged += 1,
                RowStatus::Error => counts.errors += 1,
            }
        }
        counts
    }
}

/// The answer of a preview (nothing written) or a commit (everything written).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportReport {
    /// What the file holds.
    pub kind: ImportKind,
    /// SHA-256 of the file, hex; a commit may require it to be the previewed file.
    pub sha256: String,
    /// Whether the rows were written (commit) or only checked (preview).
    pub committed: bool,
    /// Row counts.
    pub counts: ImportCounts,
    /// Every data row, in file order.
    pub rows: Vec<ImportRow>,
}

/// Query of the import endpoints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ImportQuery {
    /// What the file holds.
    pub kind: ImportKind,
    /// On commit: the SHA-256 the preview showed; a different file is refused (409).
    #[serde(default)]
    pub sha256: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| c.to_string()).collect()
    }

    fn headers(kind: ImportKind, lang: Lang) -> HeaderMap {
        let names: Vec<String> = kind
            .columns()
            .iter()
            .map(|c| c.header(lang).to_string())
            .collect();
        HeaderMap::new(kind, &names).unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[test]
    fn every_template_example_parses_and_renders_back() {
        for &kind in ImportKind::all() {
            let map = headers(kind, Lang::Vi);
            let record = parse_row(&map, &strings(kind.example()))
                .unwrap_or_else(|e| panic!("{kind:?}: {e:?}"));
            assert_eq!(record.display_cells().len(), kind.columns().len());
            // The export's cells read back into the same record.
            let again = parse_row(&map, &record.display_cells())
                .unwrap_or_else(|e| panic!("{kind:?}: {e:?}"));
            assert_eq!(again, record);
            assert!(record.changed_columns(kind, &again).is_empty());
        }
    }

    #[test]
    fn english_headers_in_another_order_are_accepted() {
        let kind = ImportKind::Facilities;
        let mut names: Vec<String> = kind.columns().iter().map(|c| c.en.to_string()).collect();
        names.reverse();
        let map = HeaderMap::new(kind, &names).unwrap_or_else(|e| panic!("{e:?}"));
        let mut cells = strings(kind.example());
        cells.reverse();
        let record = parse_row(&map, &cells).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(record.key(), "79-TYT-001");
    }

    #[test]
    fn a_missing_required_column_is_named() {
        let names = strings(&["Mã cơ sở", "Tên cơ sở"]);
        assert_eq!(
            HeaderMap::new(ImportKind::Facilities, &names).err(),
            Some(MissingColumn("Loại hình"))
        );
    }

    #[test]
    fn cell_errors_name_their_columns() {
        let kind = ImportKind::Staff;
        let map = headers(kind, Lang::Vi);
        let mut cells = strings(kind.example());
        cells[3] = String::new(); // full name
        cells[4] = "Phi công".into(); // profession
        cells[7] = "31/02/2020".into(); // licence valid from
        let errors = parse_row(&map, &cells).err().unwrap_or_default();
        let columns: Vec<&str> = errors.iter().map(|e| e.column).collect();
        assert_eq!(columns, ["full_name", "profession", "licence_valid_from"]);
        assert_eq!(
            errors[1].message.text(Lang::Vi),
            "“Phi công” không phải giá trị hợp lệ"
        );
    }

    #[test]
    fn shared_validators_run_on_the_row() {
        let kind = ImportKind::Staff;
        let map = headers(kind, Lang::Vi);
        let mut cells = strings(kind.example());
        cells[7] = "01/03/2024".into();
        cells[8] = "01/03/2020".into();
        cells[13] = "not-an-email".into();
        let errors = parse_row(&map, &cells).err().unwrap_or_default();
        let columns: Vec<&str> = errors.iter().map(|e| e.column).collect();
        assert!(columns.contains(&"licence_valid_until"), "{errors:?}");
        assert!(columns.contains(&"email"), "{errors:?}");
    }

    #[test]
    fn staff_are_keyed_by_licence_else_citizen_id() {
        let kind = ImportKind::Staff;
        let map = headers(kind, Lang::Vi);
        let mut cells = strings(kind.example());
        let Ok(ImportRecord::Staff(record)) = parse_row(&map, &cells) else {
            panic!("should parse");
        };
        assert_eq!(
            record.key(),
            Some(StaffKey::Licence("000123/HCM-CCHN".into()))
        );
        // No licence: the citizen id is the key (an employee code is not one).
        cells[6] = String::new();
        let Ok(ImportRecord::Staff(record)) = parse_row(&map, &cells) else {
            panic!("should parse");
        };
        assert_eq!(
            record.key(),
            Some(StaffKey::CitizenId("079190001234".into()))
        );
        // Neither: an error on the licence column, in Vietnamese.
        cells[15] = String::new();
        let errors = parse_row(&map, &cells).err().unwrap_or_default();
        assert_eq!(errors[0].column, "licence_number");
        assert_eq!(
            errors[0].message.text(Lang::Vi),
            "Cần số chứng chỉ hành nghề hoặc số CCCD để nhận diện nhân sự"
        );
    }

    #[test]
    fn a_citizen_id_is_twelve_digits() {
        let kind = ImportKind::Staff;
        let map = headers(kind, Lang::Vi);
        let mut cells = strings(kind.example());
        cells[15] = "07919000123".into();
        let errors = parse_row(&map, &cells).err().unwrap_or_default();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].column, "citizen_id");
        assert_eq!(
            errors[0].message.text(Lang::Vi),
            "Số định danh cá nhân (CCCD) gồm đúng 12 chữ số"
        );
    }

    #[test]
    fn cells_read_the_ways_people_type_them() {
        assert_eq!(parse_bool(" Không "), Some(false));
        assert_eq!(parse_bool("x"), Some(true));
        assert_eq!(parse_date("5/3/2026"), NaiveDate::from_ymd_opt(2026, 3, 5));
        assert_eq!(
            parse_date("2026-03-05"),
            NaiveDate::from_ymd_opt(2026, 3, 5)
        );
        assert_eq!(
            parse_choice::<Profession>("điều dưỡng"),
            Some(Profession::Nurse)
        );
        assert_eq!(parse_choice::<Profession>("Nurse"), Some(Profession::Nurse));
        assert_eq!(parse_integer("10.0"), Some(10));
        assert_eq!(
            parse_min_on_site("doctor=2; Điều dưỡng: 3"),
            Some(BTreeMap::from([
                (Profession::Doctor, 2),
                (Profession::Nurse, 3)
            ]))
        );
    }
}
