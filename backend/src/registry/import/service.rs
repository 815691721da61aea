//! Import use cases: read the sheet, diff every row against the registry by natural
//! keys (preview), and apply all rows in one write transaction (commit), audited as one
//! import with the file's SHA-256 and counts plus one event per record written.

use std::collections::HashMap;

use serde_json::{Value, json};
use shared::Lang;
use shared::error::ErrorCode;
use shared::message::Message;
use shared::registry::import::{
    CellError, CellProblem, DepartmentRecord, FacilityRecord, HeaderMap, ImportCounts, ImportKind,
    ImportQuery, ImportRecord, ImportReport, ImportRow, LeaveRecord, RowStatus, StaffKey,
    StaffRecord, TechniqueRecord, read_row, staff_key, validate,
};
use shared::registry::{LeaveInput, Profession};

use super::read::{self, Sheet};
use super::repo::{self as import_repo, LeaveRow};
use crate::audit::{self, Entry};
use crate::auth::{Action, Principal, authorize, tokens};
use crate::db::{AnyConn, now};
use crate::error::ApiError;
use crate::idempotency;
use crate::registry::repo::{
    self, DepartmentChanges, DepartmentRow, FacilityChanges, FacilityRow, StaffChanges, StaffRow,
};
use crate::registry::service::may_see_citizen_id;

/// The registry as the rows of a sheet name it: codes instead of ids.
pub struct Registry {
    facilities: Vec<FacilityRow>,
    departments: Vec<DepartmentRow>,
    staff: Vec<StaffRow>,
    leaves: Vec<LeaveRow>,
    techniques: Vec<shared::technique::Technique>,
    facility_codes: HashMap<i64, String>,
    department_codes: HashMap<i64, String>,
}

impl Registry {
    /// Loads what a sheet of `kind` refers to.
    pub fn load(conn: &mut AnyConn, kind: ImportKind) -> Result<Registry, ApiError> {
        let facilities = import_repo::facilities(conn)?;
        let departments = match kind {
            ImportKind::Departments | ImportKind::Staff => import_repo::departments(conn)?,
            _ => Vec::new(),
        };
        let staff = match kind {
            ImportKind::Staff | ImportKind::Leave => import_repo::staff(conn)?,
            _ => Vec::new(),
        };
        let leaves = match kind {
            ImportKind::Leave => import_repo::leaves(conn)?,
            _ => Vec::new(),
        };
        let techniques = match kind {
            ImportKind::Techniques => crate::techniques::repo::catalogue(conn)?,
            _ => Vec::new(),
        };
        let facility_codes = facilities.iter().map(|f| (f.id, f.code.clone())).collect();
        let department_codes = departments.iter().map(|d| (d.id, d.code.clone())).collect();
        Ok(Registry {
            facilities,
            departments,
            staff,
            leaves,
            techniques,
            facility_codes,
            department_codes,
        })
    }

    fn facility_code(&self, id: Option<i64>) -> Option<String> {
        id.and_then(|id| self.facility_codes.get(&id).cloned())
    }

    fn facility_record(&self, row: &FacilityRow) -> FacilityRecord {
        FacilityRecord {
            code: row.code.clone(),
            name: row.name.clone(),
            kind: row.kind.0,
            level: row.level.map(|level| level.0),
            supervising_code: self.facility_code(row.supervising_id),
            province: row.province.clone(),
            ward: row.ward.clone(),
            address: row.address.clone(),
            latitude: row.latitude,
            longitude: row.longitude,
            phone: row.phone.clone(),
            active: row.active,
        }
    }

    fn department_record(&self, row: &DepartmentRow) -> DepartmentRecord {
        DepartmentRecord {
            facility_code: self
                .facility_code(Some(row.facility_id))
                .unwrap_or_default(),
            code: row.code.clone(),
            name: row.name.clone(),
            kind: row.kind.0,
            min_on_site: serde_json::from_str::<std::collections::BTreeMap<Profession, i32>>(
                &row.min_on_site,
            )
            .unwrap_or_default(),
            active: row.active,
        }
    }

    /// How a preview names a recorded member of staff without showing personal data:
    /// the licence number, else the employee code, else the id.
    fn staff_label(&self, row: &StaffRow) -> String {
        row.licence_number
            .clone()
            .or_else(|| row.code.clone())
            .unwrap_or_else(|| format!("#{}", row.id))
    }

    fn staff_record(&self, row: &StaffRow) -> StaffRecord {
        StaffRecord {
            facility_code: self
                .facility_code(Some(row.facility_id))
                .unwrap_or_default(),
            department_code: row
                .department_id
                .and_then(|id| self.department_codes.get(&id).cloned()),
            code: row.code.clone(),
            full_name: row.full_name.clone(),
            profession: row.profession.0,
            title: row.title.clone(),
            licence_number: row.licence_number.clone(),
            licence_valid_from: row.licence_valid_from,
            licence_valid_until: row.licence_valid_until,
            specialties: serde_json::from_str(&row.specialties).unwrap_or_default(),
            monthly_rotation_day_limit: row.monthly_rotation_day_limit,
            rotation_exemption: row.rotation_exemption.map(|e| e.0),
            phone: row.phone.clone(),
            email: row.email.clone(),
            active: row.active,
            citizen_id: row.citizen_id.clone(),
        }
    }

    /// The key an export writes for this member of staff: the citizen id only where
    /// the reader may see it.
    fn staff_key_for(&self, by: &Principal, row: &StaffRow) -> Option<StaffKey> {
        let citizen_id = row
            .citizen_id
            .as_deref()
            .filter(|_| may_see_citizen_id(by, row.facility_id, row.id));
        staff_key(row.licence_number.as_deref(), citizen_id)
    }

    /// Every record of `kind` the principal may read, as the rows of an export: in id
    /// order (leave in staff and date order).
    pub fn records(&self, by: &Principal, kind: ImportKind) -> Vec<ImportRecord> {
        let may_read_staff =
            |facility_id: i64| crate::auth::policy::allowed(by, Action::ReadStaff { facility_id });
        match kind {
            ImportKind::Facilities => self
                .facilities
                .iter()
                .map(|row| ImportRecord::Facility(self.facility_record(row)))
                .collect(),
            ImportKind::Departments => self
                .departments
                .iter()
                .map(|row| ImportRecord::Department(self.department_record(row)))
                .collect(),
            ImportKind::Staff => self
                .staff
                .iter()
                .filter(|row| may_read_staff(row.facility_id))
                .map(|row| {
                    let mut record = self.staff_record(row);
                    if !may_see_citizen_id(by, row.facility_id, row.id) {
                        record.citizen_id = None;
                    }
                    ImportRecord::Staff(record)
                })
                .collect(),
            ImportKind::Techniques => self
                .techniques
                .iter()
                .map(|technique| {
                    ImportRecord::Technique(TechniqueRecord {
                        technique: technique.to_input(),
                    })
                })
                .collect(),
            ImportKind::Leave => {
                let people: HashMap<i64, &StaffRow> =
                    self.staff.iter().map(|row| (row.id, row)).collect();
                self.leaves
                    .iter()
                    .filter_map(|leave| {
                        let person = people.get(&leave.staff_id)?;
                        if !may_read_staff(person.facility_id) {
                            return None;
                        }
                        Some(ImportRecord::Leave(LeaveRecord {
                            staff: self.staff_key_for(by, person)?,
                            leave: leave_input(leave),
                        }))
                    })
                    .collect()
            }
        }
    }
}

fn leave_input(row: &LeaveRow) -> LeaveInput {
    LeaveInput {
        kind: row.kind.0,
        start_date: row.start_date,
        end_date: row.end_date,
        note: row.note.clone(),
    }
}

/// What committing one row writes.
#[derive(Debug)]
enum Write {
    Facility {
        existing: Option<(i64, i64)>,
        record: FacilityRecord,
    },
    Department {
        existing: Option<(i64, i64)>,
        facility_id: i64,
        record: DepartmentRecord,
    },
    Staff {
        existing: Option<(i64, i64)>,
        facility_id: i64,
        department_id: Option<i64>,
        record: StaffRecord,
    },
    Leave {
        staff_id: i64,
        facility_id: i64,
        replaces: Option<i64>,
        leave: LeaveInput,
    },
    Technique {
        existing: Option<(i64, i64)>,
        record: TechniqueRecord,
    },
}

/// One row of the sheet with its verdict.
#[derive(Debug)]
struct Planned {
    row: u32,
    key: String,
    status: RowStatus,
    changed: Vec<&'static str>,
    errors: Vec<CellError>,
    write: Option<Write>,
    /// The record's cells before (changed rows), for the audit trail.
    before: Option<Vec<String>>,
    after: Vec<String>,
}

/// Checks every row of a sheet against the registry.
struct Planner<'a> {
    by: &'a Principal,
    kind: ImportKind,
    registry: &'a Registry,
    /// Natural key → first row that has it.
    seen: HashMap<String, u32>,
    /// Citizen id → first row that has it (a second natural key of staff).
    seen_citizen_ids: HashMap<String, u32>,
    /// Leave already planned per member of staff (to refuse overlaps within the file).
    planned_leave: HashMap<i64, Vec<(u32, LeaveInput)>>,
    facility_by_code: HashMap<&'a str, &'a FacilityRow>,
    file_facility_codes: std::collections::HashSet<String>,
    department_by_key: HashMap<(i64, &'a str), &'a DepartmentRow>,
    staff_by_key: HashMap<StaffKey, &'a StaffRow>,
    leaves_by_staff: HashMap<i64, Vec<&'a LeaveRow>>,
}

impl<'a> Planner<'a> {
    fn new(by: &'a Principal, kind: ImportKind, registry: &'a Registry) -> Planner<'a> {
        // Every member of staff under each of their keys: a row names them by its
        // licence number, else its citizen id.
        let mut staff_by_key = HashMap::new();
        for row in &registry.staff {
            if let Some(licence) = &row.licence_number {
                staff_by_key
                    .entry(StaffKey::Licence(licence.clone()))
                    .or_insert(row);
            }
            if let Some(citizen_id) = &row.citizen_id {
                staff_by_key
                    .entry(StaffKey::CitizenId(citizen_id.clone()))
                    .or_insert(row);
            }
        }
        let mut leaves_by_staff: HashMap<i64, Vec<&LeaveRow>> = HashMap::new();
        for leave in &registry.leaves {
            leaves_by_staff
                .entry(leave.staff_id)
                .or_default()
                .push(leave);
        }
        Planner {
            by,
            kind,
            registry,
            seen: HashMap::new(),
            seen_citizen_ids: HashMap::new(),
            planned_leave: HashMap::new(),
            facility_by_code: registry
                .facilities
                .iter()
                .map(|f| (f.code.as_str(), f))
                .collect(),
            file_facility_codes: Default::default(),
            department_by_key: registry
                .departments
                .iter()
                .map(|d| ((d.facility_id, d.code.as_str()), d))
                .collect(),
            staff_by_key,
            leaves_by_staff,
        }
    }

    fn may_manage(&self, facility_id: i64) -> bool {
        let action = match self.kind {
            ImportKind::Facilities => Action::ManageFacilities,
            ImportKind::Departments => Action::ManageDepartments { facility_id },
            ImportKind::Staff | ImportKind::Leave => Action::ManageStaff { facility_id },
            ImportKind::Techniques => Action::ManageTechniques,
        };
        crate::auth::policy::allowed(self.by, action)
    }

    /// The facility a row names, if it exists and the principal may change its data.
    fn facility(&self, code: &str, errors: &mut Vec<CellError>) -> Option<i64> {
        match self.facility_by_code.get(code) {
            None => {
                errors.push(CellError::new(
                    "facility_code",
                    Message::ImportUnknownFacility(code.to_string()),
                ));
                None
            }
            Some(facility) if !self.may_manage(facility.id) => {
                errors.push(CellError::new(
                    "facility_code",
                    Message::ImportFacilityNotPermitted,
                ));
                None
            }
            Some(facility) => Some(facility.id),
        }
    }

    fn plan(&mut self, row: u32, record: ImportRecord) -> Planned {
        let key = record.key();
        let mut errors = Vec::new();
        let key_column = match self.kind {
            ImportKind::Facilities | ImportKind::Departments | ImportKind::Techniques => "code",
            ImportKind::Staff | ImportKind::Leave => "licence_number",
        };
        if let Some(&first) = self.seen.get(&key) {
            errors.push(CellError::new(
                key_column,
                Message::ImportDuplicateRow(first),
            ));
        } else {
            self.seen.insert(key.clone(), row);
        }
        let mut record = record;
        if let ImportRecord::Staff(staff) = &mut record {
            self.keep_citizen_id(staff);
            if let Some(citizen_id) = &staff.citizen_id {
                match self.seen_citizen_ids.get(citizen_id) {
                    Some(&first) if first != row => errors.push(CellError::new(
                        "citizen_id",
                        Message::ImportDuplicateRow(first),
                    )),
                    _ => {
                        self.seen_citizen_ids.insert(citizen_id.clone(), row);
                    }
                }
            }
        }
        let (existing, write) = match record.clone() {
            ImportRecord::Facility(record) => self.facility_write(record, &mut errors),
            ImportRecord::Department(record) => self.department_write(record, &mut errors),
            ImportRecord::Staff(record) => self.staff_write(record, &mut errors),
            ImportRecord::Leave(record) => self.leave_write(row, record, &mut errors),
            ImportRecord::Technique(record) => self.technique_write(record),
        };
        let after = record.cells();
        let unchanged = existing
            .as_ref()
            .is_some_and(|existing| record.changed_columns(self.kind, existing).is_empty());
        // The shared validators judge what would be written; a row equal to the record
        // writes nothing (an export of old data re-imports cleanly).
        if !unchanged {
            errors.extend(validate(self.kind, &record));
        }
        if !errors.is_empty() {
            return Planned {
                row,
                key,
                status: RowStatus::Error,
                changed: Vec::new(),
                errors,
                write: None,
                before: None,
                after,
            };
        }
        let (status, changed, before) = match existing {
            None => (RowStatus::New, Vec::new(), None),
            Some(existing) => {
                let changed = record.changed_columns(self.kind, &existing);
                let status = if changed.is_empty() {
                    RowStatus::Unchanged
                } else {
                    RowStatus::Changed
                };
                (status, changed, Some(existing.cells()))
            }
        };
        Planned {
            row,
            key,
            status,
            changed,
            errors,
            write: (status != RowStatus::Unchanged).then_some(write).flatten(),
            before,
            after,
        }
    }

    fn technique_write(
        &mut self,
        record: TechniqueRecord,
    ) -> (Option<ImportRecord>, Option<Write>) {
        let found = self
            .registry
            .techniques
            .iter()
            .find(|t| t.code == record.technique.code);
        let existing = found.map(|t| {
            ImportRecord::Technique(TechniqueRecord {
                technique: t.to_input(),
            })
        });
        let write = Write::Technique {
            existing: found.map(|t| (t.id, t.version)),
            record,
        };
        (existing, Some(write))
    }

    fn facility_write(
        &mut self,
        record: FacilityRecord,
        errors: &mut Vec<CellError>,
    ) -> (Option<ImportRecord>, Option<Write>) {
        if let Some(code) = &record.supervising_code {
            if *code == record.code {
                errors.push(CellError::new(
                    "supervising_code",
                    Message::SupervisesItself,
                ));
            } else if !self.facility_by_code.contains_key(code.as_str())
                && !self.file_facility_codes.contains(code)
            {
                errors.push(CellError::new(
                    "supervising_code",
                    Message::ImportUnknownFacility(code.clone()),
                ));
            }
        }
        let found = self.facility_by_code.get(record.code.as_str()).copied();
        let existing = found.map(|row| ImportRecord::Facility(self.registry.facility_record(row)));
        let write = Write::Facility {
            existing: found.map(|row| (row.id, row.version)),
            record,
        };
        (existing, Some(write))
    }

    fn department_write(
        &mut self,
        record: DepartmentRecord,
        errors: &mut Vec<CellError>,
    ) -> (Option<ImportRecord>, Option<Write>) {
        let Some(facility_id) = self.facility(&record.facility_code, errors) else {
            return (None, None);
        };
        let found = self
            .department_by_key
            .get(&(facility_id, record.code.as_str()))
            .copied();
        let existing =
            found.map(|row| ImportRecord::Department(self.registry.department_record(row)));
        let write = Write::Department {
            existing: found.map(|row| (row.id, row.version)),
            facility_id,
            record,
        };
        (existing, Some(write))
    }

    /// An empty citizen-id cell keeps the recorded number: it is an identifier, and an
    /// export for someone who may not see it leaves the cell empty.
    fn keep_citizen_id(&self, record: &mut StaffRecord) {
        if record.citizen_id.is_none()
            && let Some(licence) = &record.licence_number
            && let Some(row) = self.staff_by_key.get(&StaffKey::Licence(licence.clone()))
        {
            record.citizen_id = row.citizen_id.clone();
        }
    }

    /// The recorded member of staff a row is about: by licence number first, else by
    /// citizen id; a citizen id that belongs to someone else is an error.
    fn matching_staff(
        &self,
        record: &StaffRecord,
        errors: &mut Vec<CellError>,
    ) -> Option<&'a StaffRow> {
        let by_licence = record
            .licence_number
            .as_ref()
            .and_then(|licence| self.staff_by_key.get(&StaffKey::Licence(licence.clone())))
            .copied();
        let by_citizen_id = record
            .citizen_id
            .as_ref()
            .and_then(|number| self.staff_by_key.get(&StaffKey::CitizenId(number.clone())))
            .copied();
        match (by_licence, by_citizen_id) {
            (Some(found), Some(other)) if found.id != other.id => {
                errors.push(CellError::new(
                    "citizen_id",
                    Message::ImportCitizenIdTaken(self.registry.staff_label(other)),
                ));
                Some(found)
            }
            // A recorded licence that differs from the row's is a different person.
            (None, Some(other))
                if other.licence_number.is_some() && record.licence_number.is_some() =>
            {
                errors.push(CellError::new(
                    "citizen_id",
                    Message::ImportCitizenIdTaken(self.registry.staff_label(other)),
                ));
                None
            }
            (found, other) => found.or(other),
        }
    }

    fn staff_write(
        &mut self,
        record: StaffRecord,
        errors: &mut Vec<CellError>,
    ) -> (Option<ImportRecord>, Option<Write>) {
        let facility_id = self.facility(&record.facility_code, errors);
        let department_id = match (&record.department_code, facility_id) {
            (Some(code), Some(facility_id)) => {
                match self.department_by_key.get(&(facility_id, code.as_str())) {
                    Some(department) => Some(department.id),
                    None => {
                        errors.push(CellError::new(
                            "department_code",
                            Message::ImportUnknownDepartment(code.clone()),
                        ));
                        None
                    }
                }
            }
            _ => None,
        };
        let found = self.matching_staff(&record, errors);
        // Moving someone needs the right to manage the staff they leave, too.
        if let Some(row) = found
            && !self.may_manage(row.facility_id)
        {
            errors.push(CellError::new(
                "facility_code",
                Message::ImportFacilityNotPermitted,
            ));
        }
        let Some(facility_id) = facility_id else {
            return (None, None);
        };
        let existing = found.map(|row| ImportRecord::Staff(self.registry.staff_record(row)));
        let write = Write::Staff {
            existing: found.map(|row| (row.id, row.version)),
            facility_id,
            department_id,
            record,
        };
        (existing, Some(write))
    }

    fn leave_write(
        &mut self,
        row: u32,
        record: LeaveRecord,
        errors: &mut Vec<CellError>,
    ) -> (Option<ImportRecord>, Option<Write>) {
        let Some(person) = self.staff_by_key.get(&record.staff).copied() else {
            errors.push(CellError::new(
                "licence_number",
                Message::ImportUnknownStaff(record.staff.label()),
            ));
            return (None, None);
        };
        if !self.may_manage(person.facility_id) {
            errors.push(CellError::new(
                "licence_number",
                Message::ImportFacilityNotPermitted,
            ));
            return (None, None);
        }
        let leave = &record.leave;
        let overlaps = |start, end| start <= leave.end_date && leave.start_date <= end;
        let recorded = self
            .leaves_by_staff
            .get(&person.id)
            .cloned()
            .unwrap_or_default();
        // The leave with the same first day is this row's record; others may not overlap.
        let found = recorded
            .iter()
            .find(|other| other.start_date == leave.start_date)
            .copied();
        let clash_recorded = recorded.iter().any(|other| {
            other.start_date != leave.start_date && overlaps(other.start_date, other.end_date)
        });
        let planned = self.planned_leave.entry(person.id).or_default();
        let clash_planned = planned
            .iter()
            .any(|(_, other)| overlaps(other.start_date, other.end_date));
        planned.push((row, leave.clone()));
        if clash_recorded || clash_planned {
            errors.push(CellError::new("start_date", Message::LeaveOverlaps));
        }
        let existing = found.map(|found| {
            ImportRecord::Leave(LeaveRecord {
                staff: record.staff.clone(),
                leave: leave_input(found),
            })
        });
        let write = Write::Leave {
            staff_id: person.id,
            facility_id: person.facility_id,
            replaces: found.map(|found| found.id),
            leave: record.leave,
        };
        (existing, Some(write))
    }
}

/// The whole sheet checked: every data row with its verdict, in file order.
fn plan(
    conn: &mut AnyConn,
    by: &Principal,
    kind: ImportKind,
    sheet: &Sheet,
) -> Result<Vec<Planned>, ApiError> {
    let Some((header, data)) = sheet.split_first() else {
        return Err(ApiError::unprocessable(Message::ImportNoRows));
    };
    let headers = HeaderMap::new(kind, header).map_err(|missing| {
        ApiError::unprocessable(Message::ImportMissingColumn(missing.0.to_string()))
    })?;
    let registry = Registry::load(conn, kind)?;
    let mut planner = Planner::new(by, kind, &registry);
    let mut parsed = Vec::with_capacity(data.len());
    for (index, cells) in data.iter().enumerate() {
        if cells.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        // Spreadsheet numbering: the header is row 1.
        let row = u32::try_from(index + 2).unwrap_or(u32::MAX);
        let record = read_row(&headers, cells);
        if let Ok(ImportRecord::Facility(facility)) = &record {
            planner.file_facility_codes.insert(facility.code.clone());
        }
        parsed.push((row, record));
    }
    if parsed.is_empty() {
        return Err(ApiError::unprocessable(Message::ImportNoRows));
    }
    Ok(parsed
        .into_iter()
        .map(|(row, record)| match record {
            Ok(record) => planner.plan(row, record),
            Err(errors) => Planned {
                row,
                key: String::new(),
                status: RowStatus::Error,
                changed: Vec::new(),
                errors,
                write: None,
                before: None,
                after: Vec::new(),
            },
        })
        .collect())
}

fn report(
    kind: ImportKind,
    sha256: String,
    committed: bool,
    planned: &[Planned],
    lang: Lang,
) -> ImportReport {
    let rows: Vec<ImportRow> = planned
        .iter()
        .map(|planned| ImportRow {
            row: planned.row,
            key: planned.key.clone(),
            status: planned.status,
            changed: planned.changed.iter().map(|c| c.to_string()).collect(),
            errors: planned
                .errors
                .iter()
                .map(|error| CellProblem {
                    column: error.column.to_string(),
                    header: kind
                        .column(error.column)
                        .map(|column| column.header(lang))
                        .unwrap_or_default()
                        .to_string(),
                    message: error.message.text(lang),
                })
                .collect(),
        })
        .collect();
    ImportReport {
        kind,
        sha256,
        committed,
        counts: ImportCounts::of(&rows),
        rows,
    }
}

/// The principal may import this kind at all: facilities are the admins'; departments,
/// staff and leave whoever manages them at their own facility (each row is checked
/// again against its own facility).
fn authorize_kind(by: &Principal, kind: ImportKind) -> Result<(), ApiError> {
    let facility_id = by.facility_id;
    authorize(
        by,
        match kind {
            ImportKind::Facilities => Action::ManageFacilities,
            ImportKind::Departments => Action::ManageDepartments { facility_id },
            ImportKind::Staff | ImportKind::Leave => Action::ManageStaff { facility_id },
            ImportKind::Techniques => Action::ManageTechniques,
        },
    )
}

/// Checks a file without writing anything.
pub fn preview(
    conn: &mut AnyConn,
    by: &Principal,
    lang: Lang,
    kind: ImportKind,
    bytes: &[u8],
) -> Result<ImportReport, ApiError> {
    authorize_kind(by, kind)?;
    let sheet = read::sheet(bytes)?;
    let planned = plan(conn, by, kind, &sheet)?;
    Ok(report(
        kind,
        tokens::sha256_hex(bytes),
        false,
        &planned,
        lang,
    ))
}

/// Applies a file: every row or none. Refused while any row has an error, or when the
/// file is not the one previewed (`sha256`). Once per `Idempotency-Key`.
pub fn commit(
    conn: &mut AnyConn,
    by: &Principal,
    lang: Lang,
    key: Option<&str>,
    query: &ImportQuery,
    bytes: &[u8],
) -> Result<ImportReport, ApiError> {
    authorize_kind(by, query.kind)?;
    let sha256 = tokens::sha256_hex(bytes);
    if let Some(expected) = &query.sha256
        && !expected.eq_ignore_ascii_case(&sha256)
    {
        return Err(ApiError::conflict(Message::ImportFileChanged));
    }
    let sheet = read::sheet(bytes)?;
    let request = json!({ "kind": query.kind, "sha256": sha256 });
    idempotency::once(
        conn,
        by,
        key,
        "POST /registry/imports/commit",
        &request,
        |conn| {
            // Diffed again inside the write transaction: what is written is what the
            // registry holds now, not what it held at the preview.
            let planned = plan(conn, by, query.kind, &sheet)?;
            let errors = planned
                .iter()
                .filter(|p| p.status == RowStatus::Error)
                .count();
            if errors > 0 {
                return Err(ApiError::new(
                    ErrorCode::ValidationFailed,
                    Message::ImportHasErrors(u32::try_from(errors).unwrap_or(u32::MAX)),
                ));
            }
            apply(conn, by, query.kind, &planned)?;
            let report = report(query.kind, sha256.clone(), true, &planned, lang);
            audit::record(
                conn,
                by,
                Entry {
                    entity: "registry_import",
                    entity_id: sha256.clone(),
                    action: "import",
                    facility_id: None,
                    changes: json!({
                        "kind": query.kind,
                        "sha256": sha256,
                        "counts": report.counts,
                    }),
                },
            )?;
            Ok(report)
        },
    )
}

/// The cells that differ, `column: [before, after]`, or every cell of a new record.
fn audit_changes(kind: ImportKind, planned: &Planned) -> Value {
    let columns = kind.columns();
    let pairs = columns.iter().zip(planned.after.iter()).enumerate();
    let map: serde_json::Map<String, Value> = match &planned.before {
        Some(before) => pairs
            .filter(|(_, (column, _))| planned.changed.contains(&column.key))
            .map(|(i, (column, after))| {
                let before = before.get(i).cloned().unwrap_or_default();
                (column.key.to_string(), json!([before, after]))
            })
            .collect(),
        None => pairs
            .filter(|(_, (_, value))| !value.is_empty())
            .map(|(_, (column, value))| (column.key.to_string(), json!(value)))
            .collect(),
    };
    Value::Object(map)
}

fn apply(
    conn: &mut AnyConn,
    by: &Principal,
    kind: ImportKind,
    planned: &[Planned],
) -> Result<(), ApiError> {
    let at = now();
    let mut facility_ids: HashMap<String, i64> = import_repo::facilities(conn)?
        .into_iter()
        .map(|f| (f.code, f.id))
        .collect();
    let mut forward_supervisors = Vec::new();
    // One audit event per record written, inserted together at the end.
    let mut events = Vec::with_capacity(planned.len());
    for row in planned {
        let Some(write) = &row.write else { continue };
        let action = if row.status == RowStatus::New {
            "import_create"
        } else {
            "import_update"
        };
        let (entity, id, facility_id) = match write {
            Write::Facility { existing, record } => {
                let supervising_id = record
                    .supervising_code
                    .as_ref()
                    .and_then(|code| facility_ids.get(code).copied());
                let input = record.input(supervising_id);
                let id = match existing {
                    None => repo::insert_facility(
                        conn,
                        &FacilityChanges::from_input(&input, 1, at),
                        at,
                    )?,
                    Some((id, version)) => {
                        let changes = FacilityChanges::from_input(&input, version + 1, at);
                        if repo::update_facility(conn, *id, *version, &changes)? == 0 {
                            return Err(ApiError::precondition_failed());
                        }
                        *id
                    }
                };
                if let Some(code) = &record.supervising_code
                    && supervising_id.is_none()
                {
                    forward_supervisors.push((id, code.clone()));
                }
                facility_ids.insert(record.code.clone(), id);
                ("facility", id, Some(id))
            }
            Write::Department {
                existing,
                facility_id,
                record,
            } => {
                let input = record.input(*facility_id);
                let id = match existing {
                    None => repo::insert_department(
                        conn,
                        &DepartmentChanges::from_input(&input, 1, at),
                        at,
                    )?,
                    Some((id, version)) => {
                        let changes = DepartmentChanges::from_input(&input, version + 1, at);
                        if repo::update_department(conn, *id, *version, &changes)? == 0 {
                            return Err(ApiError::precondition_failed());
                        }
                        *id
                    }
                };
                ("department", id, Some(*facility_id))
            }
            Write::Staff {
                existing,
                facility_id,
                department_id,
                record,
            } => {
                let input = record.input(*facility_id, *department_id);
                let id = match existing {
                    None => repo::insert_staff(conn, &StaffChanges::from_input(&input, 1, at), at)?,
                    Some((id, version)) => {
                        let changes = StaffChanges::from_input(&input, version + 1, at);
                        if repo::update_staff(conn, *id, *version, &changes)? == 0 {
                            return Err(ApiError::precondition_failed());
                        }
                        *id
                    }
                };
                ("staff", id, Some(*facility_id))
            }
            Write::Leave {
                staff_id,
                facility_id,
                replaces,
                leave,
            } => {
                if let Some(old) = replaces {
                    repo::delete_leave(conn, *old)?;
                }
                let id = repo::insert_leave(conn, *staff_id, leave, at)?;
                repo::bump_staff_version(conn, *staff_id, at)?;
                ("staff_leave", id, Some(*facility_id))
            }
            Write::Technique { existing, record } => {
                use crate::techniques::repo::{self as technique_repo, TechniqueChanges};
                let input = &record.technique;
                let id = match existing {
                    None => technique_repo::insert_technique(
                        conn,
                        &TechniqueChanges::from_input(input, 1, at),
                        at,
                    )?,
                    Some((id, version)) => {
                        let changes = TechniqueChanges::from_input(input, version + 1, at);
                        if technique_repo::update_technique(conn, *id, *version, &changes)? == 0 {
                            return Err(ApiError::precondition_failed());
                        }
                        // A new name reaches the facilities that perform it.
                        repo::rename_technique(conn, changes.code, changes.code, changes.name)?;
                        *id
                    }
                };
                ("technique", id, None)
            }
        };
        events.push(Entry {
            entity,
            entity_id: id.to_string(),
            action,
            facility_id,
            changes: audit_changes(kind, row),
        });
    }
    for (id, code) in forward_supervisors {
        if let Some(&supervising_id) = facility_ids.get(&code) {
            import_repo::set_supervising(conn, id, supervising_id)?;
        }
    }
    audit::record_all(conn, by, events)?;
    Ok(())
}
