//! The facility form (kind, level, national facility code, supervising facility,
//! address, coordinates, specialties and named techniques), for a new facility on its
//! own page or an existing one in place on its page, and the department form (code,
//! name, kind, minimum staff on site per profession), new or existing, in place on the
//! facility's page; each checked with the shared validators as it is typed, an edit
//! saved at the version read (412: reload), a creation once per body.

use std::collections::BTreeMap;

use leptos::prelude::*;
use shared::Labelled;
use shared::page::Page;
use shared::registry::{
    Capability, CapabilityKind, Department, DepartmentInput, DepartmentKind, Facility,
    FacilityInput, FacilityKind, FacilityQuery, Profession, TechnicalLevel, specialty_label,
};

use shared::technique::{CapabilitySource, TechniqueStatus};

use super::staff_edit::SpecialtyChecks;
use crate::api::{self, ApiError, IdempotencyKeys, use_api};
use crate::components::FieldErrors;
use crate::components::filters::{CheckFilter, bind};
use crate::components::form::{
    CheckedSend, ChoiceField, Column, FieldMessages, FormSection, FormText, InlineForm, InputKind,
    Row, RowsEditor, SelectField, StaleNotice, Unreadable, input_problems, is_stale, messages_at,
    rows_from,
};
use crate::contexts::use_lang;
use crate::i18n::Key;
use crate::pages::query::non_blank;

/// The fields the facility form shows messages next to.
const FACILITY_FIELDS: &[&str] = &[
    "code",
    "name",
    "kind",
    "level",
    "supervising_id",
    "province",
    "ward",
    "address",
    "phone",
    "latitude",
    "longitude",
    "capabilities",
];

/// The columns of the named techniques' rows.
const TECHNIQUE_COLUMNS: &[Column] = &[
    Column {
        label: Key::Code,
        field: "code",
        kind: InputKind::Text,
        upper: false,
    },
    Column {
        label: Key::Name,
        field: "name",
        kind: InputKind::Text,
        upper: false,
    },
    Column {
        label: Key::TechniqueStatus,
        field: "status",
        kind: InputKind::Choice(TechniqueStatus::CHOICES),
        upper: false,
    },
    Column {
        label: Key::CapabilitySource,
        field: "source",
        kind: InputKind::Choice(CapabilitySource::CHOICES),
        upper: false,
    },
];

/// A new technique row: performed, as the facility declares it.
fn new_technique_row() -> Vec<String> {
    vec![
        String::new(),
        String::new(),
        TechniqueStatus::Performing.as_str().to_string(),
        CapabilitySource::Declared.as_str().to_string(),
    ]
}

/// The facility's fields as typed (its named techniques are rows of their own).
#[derive(Debug, Clone, Default, PartialEq)]
struct FacilityDraft {
    code: String,
    name: String,
    kind: String,
    level: String,
    supervising_id: String,
    province: String,
    ward: String,
    address: String,
    phone: String,
    latitude: String,
    longitude: String,
    specialties: Vec<String>,
    /// In service.
    active: bool,
}

impl FacilityDraft {
    fn of(facility: &Facility) -> Self {
        let figure = |value: Option<f64>| value.map(|v| v.to_string()).unwrap_or_default();
        FacilityDraft {
            code: facility.code.clone(),
            name: facility.name.clone(),
            kind: facility.kind.as_str().to_string(),
            level: facility
                .level
                .map(|l| l.as_str().to_string())
                .unwrap_or_default(),
            supervising_id: facility
                .supervising_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            province: facility.province.clone(),
            ward: facility.ward.clone().unwrap_or_default(),
            address: facility.address.clone().unwrap_or_default(),
            phone: facility.phone.clone().unwrap_or_default(),
            latitude: figure(facility.latitude),
            longitude: figure(facility.longitude),
            specialties: facility
                .capabilities
                .iter()
                .filter(|c| c.kind == CapabilityKind::Specialty)
                .map(|c| c.code.clone())
                .collect(),
            active: facility.active,
        }
    }

    /// A new facility's fields: empty, in service.
    fn new() -> Self {
        FacilityDraft {
            active: true,
            ..FacilityDraft::default()
        }
    }

    /// The body these fields and technique rows make, and the fields that cannot be read.
    fn input(&self, techniques: &[Row], lang: shared::Lang) -> (FacilityInput, FieldMessages) {
        let mut unreadable = Unreadable::new(lang);
        let latitude = unreadable.optional_figure("latitude", &self.latitude);
        let longitude = unreadable.optional_figure("longitude", &self.longitude);
        let kind = unreadable.choice::<FacilityKind>("kind", &self.kind);
        // The techniques come first, so that `capabilities[i]` in a message is row `i`
        // of their editor; the specialties are checkboxes of the catalogue.
        let mut capabilities: Vec<Capability> = techniques
            .iter()
            .map(|row| Capability {
                status: row.value(2).parse().unwrap_or_default(),
                source: row.value(3).parse().unwrap_or_default(),
                ..Capability::declared(
                    CapabilityKind::Technique,
                    row.value(0).trim(),
                    row.value(1).trim(),
                )
            })
            .collect();
        capabilities.extend(self.specialties.iter().map(|code| {
            Capability::declared(
                CapabilityKind::Specialty,
                code,
                specialty_label(code, shared::Lang::Vi),
            )
        }));
        let input = FacilityInput {
            code: self.code.trim().to_string(),
            name: self.name.trim().to_string(),
            kind: kind.unwrap_or(FacilityKind::HealthStation),
            level: self.level.parse().ok(),
            supervising_id: self.supervising_id.parse().ok(),
            province: self.province.trim().to_string(),
            ward: non_blank(&self.ward),
            address: non_blank(&self.address),
            phone: non_blank(&self.phone),
            latitude,
            longitude,
            active: self.active,
            capabilities,
        };
        (input, unreadable.messages)
    }
}

/// The technique rows of a facility.
fn technique_rows(facility: &Facility) -> Vec<Row> {
    rows_from(
        facility
            .capabilities
            .iter()
            .filter(|c| c.kind == CapabilityKind::Technique)
            .map(|c| {
                vec![
                    c.code.clone(),
                    c.name.clone(),
                    c.status.as_str().to_string(),
                    c.source.as_str().to_string(),
                ]
            }),
    )
}

/// Every facility, to choose the supervising one from.
pub(super) fn all_facilities() -> LocalResource<Result<Page<Facility>, ApiError>> {
    let api = use_api();
    LocalResource::new(move || async move {
        let query = FacilityQuery {
            limit: Some(shared::page::MAX_LIMIT),
            ..Default::default()
        };
        api::registry::facilities(api, &query).await
    })
}

/// A facility read as `(id, name)` choices.
pub(super) fn facility_choices(page: Page<Facility>) -> Vec<(i64, String)> {
    page.items.into_iter().map(|f| (f.id, f.name)).collect()
}

/// The facility form's fields, for a new facility and an existing one alike.
#[component]
fn FacilityFields(
    form: CheckedSend<FacilityInput, Facility>,
    draft: RwSignal<FacilityDraft>,
    techniques: RwSignal<Vec<Row>>,
    /// An existing facility's form (which may take it out of service).
    #[prop(optional)]
    existing: bool,
) -> impl IntoView {
    let kind = bind(draft, |d| &d.kind, |d| &mut d.kind);
    let level = bind(draft, |d| &d.level, |d| &mut d.level);
    let supervising = bind(draft, |d| &d.supervising_id, |d| &mut d.supervising_id);
    let on_edit = Callback::new(move |path: String| {
        form.touched.update(|touched| {
            touched.insert(path);
        })
    });
    view! {
        <FormSection legend=Key::Facilities>
            <div class="form-grid">
                <FormText form path="code" label=Key::FacilityCode field=bind(draft, |d| &d.code, |d| &mut d.code) required=true eager=true />
                <FormText form path="name" label=Key::Name field=bind(draft, |d| &d.name, |d| &mut d.name) required=true eager=true />
                <SelectField
                    id="f-kind"
                    label=Key::Kind
                    values=FacilityKind::all()
                    code=FacilityKind::as_str
                    value=kind.value
                    on_change=kind.set
                    messages=form.messages("kind")
                    required=true
                />
                <SelectField
                    id="f-level"
                    label=Key::Level
                    values=TechnicalLevel::all()
                    code=TechnicalLevel::as_str
                    value=level.value
                    on_change=level.set
                    messages=form.messages("level")
                />
                <ChoiceField
                    id="f-supervising_id"
                    label=Key::SupervisingFacility
                    source=all_facilities()
                    choices=facility_choices
                    value=supervising.value
                    on_change=supervising.set
                    messages=form.messages("supervising_id")
                />
                <FormText form path="province" label=Key::Province field=bind(draft, |d| &d.province, |d| &mut d.province) required=true eager=true />
                <FormText form path="ward" label=Key::Ward field=bind(draft, |d| &d.ward, |d| &mut d.ward) eager=true />
                <FormText form path="address" label=Key::Address field=bind(draft, |d| &d.address, |d| &mut d.address) eager=true />
                <FormText form path="phone" label=Key::Phone field=bind(draft, |d| &d.phone, |d| &mut d.phone) eager=true />
                <FormText form path="latitude" label=Key::Latitude field=bind(draft, |d| &d.latitude, |d| &mut d.latitude) kind=InputKind::Decimal eager=true />
                <FormText form path="longitude" label=Key::Longitude field=bind(draft, |d| &d.longitude, |d| &mut d.longitude) kind=InputKind::Decimal eager=true />
                {existing.then(|| view! {
                    <CheckFilter id="f-active" label=Key::Active field=bind(draft, |d| &d.active, |d| &mut d.active) />
                })}
            </div>
        </FormSection>
        <FormSection legend=Key::Specialty>
            <SpecialtyChecks
                id="f-specialties"
                chosen=bind(draft, |d| &d.specialties, |d| &mut d.specialties)
                messages=Signal::derive(Vec::new)
            />
        </FormSection>
        <FormSection legend=Key::Techniques>
            <RowsEditor
                rows=techniques
                columns=TECHNIQUE_COLUMNS
                path="capabilities"
                messages=form.shown()
                add_label=Key::AddTechnique
                new_row=new_technique_row
                on_edit
            />
        </FormSection>
    }
}

/// Why a facility save failed, without what the fields show (tracked).
fn facility_problem(form: CheckedSend<FacilityInput, Facility>) -> Signal<Option<ApiError>> {
    Signal::derive(move || {
        form.failure()
            .filter(|error| !is_stale(error))
            .map(|error| {
                error.without_fields(|path| {
                    FACILITY_FIELDS.contains(&path) || path.starts_with("capabilities[")
                })
            })
    })
}

/// The facility's edit form, in place; `on_saved` runs after a save, `on_close` on close.
#[component]
pub(super) fn FacilityForm(
    facility: Facility,
    on_saved: Callback<()>,
    on_close: Callback<()>,
    /// Reads the facility again (after a 412).
    on_reload: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let draft = RwSignal::new(FacilityDraft::of(&facility));
    let techniques = RwSignal::new(technique_rows(&facility));
    let current = StoredValue::new(facility);
    let input = move || {
        let lang = lang.get();
        techniques.with(|rows| draft.with(|draft| draft.input(rows, lang)))
    };
    let form = CheckedSend::new(input_problems(lang, input), move |input: FacilityInput| {
        let (id, version) = current.with_value(|f| (f.id, f.version));
        async move { api::registry::update_facility(api, id, version, &input).await }
    })
    .on_success(on_saved);
    let on_save = Callback::new(move |()| form.submit(|| untrack(input).0));
    let failure = Signal::derive(move || form.failure());
    view! {
        <div id="facility-form">
            <InlineForm label=Key::EditFacility pending=form.pending() problem=facility_problem(form) on_save on_close save_id="save-facility">
                <FacilityFields form draft techniques existing=true />
                <StaleNotice id="facility-stale" failure on_reload />
            </InlineForm>
        </div>
    }
}

/// A new facility's form; `on_created` runs with what the server made of it.
#[component]
pub(super) fn NewFacilityForm(
    on_created: Callback<Facility>,
    on_close: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let draft = RwSignal::new(FacilityDraft::new());
    let techniques = RwSignal::new(Vec::new());
    let input = move || {
        let lang = lang.get();
        techniques.with(|rows| draft.with(|draft| draft.input(rows, lang)))
    };
    let keys = IdempotencyKeys::<FacilityInput>::new();
    let form = CheckedSend::new(input_problems(lang, input), move |input: FacilityInput| {
        let key = keys.for_body(&input);
        async move { api::registry::create_facility(api, &input, &key).await }
    })
    .on_answer(move |facility| on_created.run(facility));
    let on_save = Callback::new(move |()| form.submit(|| untrack(input).0));
    view! {
        <div id="new-facility-form">
            <InlineForm label=Key::NewFacility pending=form.pending() problem=facility_problem(form) on_save on_close save_id="save-facility">
                <FacilityFields form draft techniques />
            </InlineForm>
        </div>
    }
}

/// A department's fields as typed: code, name, kind and a minimum per profession.
#[derive(Debug, Clone, Default, PartialEq)]
struct DepartmentDraft {
    code: String,
    name: String,
    kind: String,
    minimum: BTreeMap<Profession, String>,
}

impl DepartmentDraft {
    /// The fields of `department`, or empty ones (every minimum 0) for a new one.
    fn of(department: Option<&Department>) -> Self {
        DepartmentDraft {
            code: department.map(|d| d.code.clone()).unwrap_or_default(),
            name: department.map(|d| d.name.clone()).unwrap_or_default(),
            kind: department
                .map(|d| d.kind.as_str().to_string())
                .unwrap_or_default(),
            minimum: Profession::all()
                .iter()
                .map(|p| {
                    let n = department
                        .and_then(|d| d.min_on_site.get(p).copied())
                        .unwrap_or(0);
                    (*p, n.to_string())
                })
                .collect(),
        }
    }

    /// The body these fields make for a department of `facility_id` (in service or not
    /// as `active` says), and the fields that cannot be read.
    fn input(
        &self,
        facility_id: i64,
        active: bool,
        lang: shared::Lang,
    ) -> (DepartmentInput, FieldMessages) {
        let mut unreadable = Unreadable::new(lang);
        let mut min_on_site = BTreeMap::new();
        for (profession, text) in &self.minimum {
            let text = text.trim();
            if text.is_empty() {
                continue;
            }
            match text.parse::<i32>() {
                Ok(0) => {}
                Ok(n) => {
                    min_on_site.insert(*profession, n);
                }
                Err(_) => unreadable.say(&min_path(*profession), Key::NotANumber),
            }
        }
        let kind = unreadable.choice::<DepartmentKind>("kind", &self.kind);
        let input = DepartmentInput {
            facility_id,
            code: self.code.trim().to_string(),
            name: self.name.trim().to_string(),
            kind: kind.unwrap_or(DepartmentKind::Clinical),
            min_on_site,
            active,
        };
        (input, unreadable.messages)
    }
}

/// Where the messages of one profession's minimum go (the server's are on the map).
fn min_path(profession: Profession) -> String {
    format!("min_on_site.{}", profession.as_str())
}

/// A department's form, in place on the facility's page: an existing department's
/// (saved at the version read) or, without one, a new department's of `facility_id`
/// (created once per body). Its inputs are `#d-{field}`, apart from the facility
/// form's `#f-…` ones that may be open at the same time.
#[component]
pub(super) fn DepartmentForm(
    /// The department edited; none: a new one.
    department: Option<Department>,
    /// Its facility.
    facility_id: i64,
    on_saved: Callback<()>,
    on_close: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let draft = RwSignal::new(DepartmentDraft::of(department.as_ref()));
    let existing = department.as_ref().map(|d| (d.id, d.version));
    let active = department.as_ref().is_none_or(|d| d.active);
    let input = move || {
        let lang = lang.get();
        draft.with(|draft| draft.input(facility_id, active, lang))
    };
    let keys = IdempotencyKeys::<DepartmentInput>::new();
    let form = CheckedSend::new(
        input_problems(lang, input),
        move |input: DepartmentInput| {
            let key = keys.for_body(&input);
            async move {
                match existing {
                    Some((id, version)) => {
                        api::registry::update_department(api, id, version, &input).await
                    }
                    None => api::registry::create_department(api, &input, &key).await,
                }
            }
        },
    )
    .on_success(on_saved);
    let on_save = Callback::new(move |()| form.submit(|| untrack(input).0));
    let failure = Signal::derive(move || form.failure());
    let problem = Signal::derive(move || {
        form.failure()
            .filter(|error| !is_stale(error))
            .map(|error| {
                error.without_fields(|path| {
                    matches!(path, "code" | "name" | "kind" | "min_on_site")
                        || path.starts_with("min_on_site.")
                })
            })
    });
    let shown = form.shown();
    let minimums = Profession::all()
        .iter()
        .map(|profession| {
            let profession = *profession;
            let path = min_path(profession);
            let id = format!("d-min-{}", profession.as_str());
            let value = Signal::derive(move || {
                draft.with(|d| d.minimum.get(&profession).cloned().unwrap_or_default())
            });
            let on_input = Callback::new(move |text: String| {
                draft.update(|d| {
                    d.minimum.insert(profession, text);
                })
            });
            let messages = messages_at(shown, move || path.clone());
            let errors_id = format!("{id}-errors");
            // A profession's label is the enum's, not a `Key`: the input is labelled here.
            view! {
                <div class="field narrow">
                    <label for=id.clone()>{move || profession.label(lang.get())}</label>
                    <input
                        id=id
                        type="number"
                        min="0"
                        aria-describedby=errors_id.clone()
                        prop:value=value
                        on:input=move |event| on_input.run(event_target_value(&event))
                    />
                    <FieldErrors id=errors_id messages />
                </div>
            }
        })
        .collect_view();
    let (label, form_id) = if existing.is_some() {
        (Key::EditDepartment, "department-form")
    } else {
        (Key::NewDepartment, "new-department-form")
    };
    let kind = bind(draft, |d| &d.kind, |d| &mut d.kind);
    view! {
        <div id=form_id>
            <InlineForm label pending=form.pending() problem on_save on_close save_id="save-department">
                <FormSection legend=label>
                    <div class="form-grid">
                        <FormText form path="code" id="d-code" label=Key::Code field=bind(draft, |d| &d.code, |d| &mut d.code) required=true eager=true />
                        <FormText form path="name" id="d-name" label=Key::Name field=bind(draft, |d| &d.name, |d| &mut d.name) required=true eager=true />
                        <SelectField
                            id="d-kind"
                            label=Key::Kind
                            values=DepartmentKind::all()
                            code=DepartmentKind::as_str
                            value=kind.value
                            on_change=kind.set
                            messages=form.messages("kind")
                            required=true
                        />
                    </div>
                    <h4>{move || lang.t(Key::MinOnSite)}</h4>
                    <div class="form-grid">{minimums}</div>
                    <FieldErrors id="d-min_on_site-errors" messages=form.messages("min_on_site") />
                </FormSection>
                <StaleNotice id="department-stale" failure on_reload=on_close />
            </InlineForm>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use shared::Lang;

    use validator::Validate;

    use super::*;
    use crate::components::form::rule_messages;

    #[test]
    fn techniques_come_first_so_their_messages_land_on_their_rows() {
        let draft = FacilityDraft {
            code: "74-TYT-MOI".into(),
            name: "Trạm Y tế Mới".into(),
            kind: "health_station".into(),
            province: "Thành phố Hồ Chí Minh".into(),
            latitude: "10,5".into(),
            specialties: vec!["nhi_khoa".into()],
            ..FacilityDraft::default()
        };
        let rows = rows_from([vec!["Bad Code".to_string(), "Lọc máu".to_string()]]);
        let (input, unreadable) = draft.input(&rows, Lang::Vi);
        assert!(unreadable.is_empty(), "{unreadable:?}");
        assert_eq!(input.latitude, Some(10.5));
        assert_eq!(input.capabilities[0].kind, CapabilityKind::Technique);
        assert_eq!(input.capabilities[1].code, "nhi_khoa");
        let messages = rule_messages(input.validate(), Lang::Vi);
        assert!(
            messages.contains_key("capabilities[0].code"),
            "{messages:?}"
        );
    }

    #[test]
    fn a_new_facility_needs_a_kind_and_readable_figures() {
        let draft = FacilityDraft {
            longitude: "đông".into(),
            ..FacilityDraft::default()
        };
        let (_, unreadable) = draft.input(&[], Lang::Vi);
        assert!(unreadable.contains_key("kind"), "{unreadable:?}");
        assert!(unreadable.contains_key("longitude"), "{unreadable:?}");
    }

    #[test]
    fn a_new_departments_minimums_skip_zeros() {
        let mut draft = DepartmentDraft::of(None);
        draft.kind = "clinical".into();
        draft.minimum.insert(Profession::Nurse, "2".into());
        draft.minimum.insert(Profession::Doctor, "x".into());
        let (input, unreadable) = draft.input(7, true, Lang::En);
        assert_eq!(input.facility_id, 7);
        assert_eq!(input.min_on_site, BTreeMap::from([(Profession::Nurse, 2)]));
        assert_eq!(
            unreadable.keys().collect::<Vec<_>>(),
            ["min_on_site.doctor"]
        );
    }
}
