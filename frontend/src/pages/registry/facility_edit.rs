//! The facility's edit form (kind, level, national facility code, address, coordinates,
//! specialties) and a department's (name, minimum staff on site per profession), each
//! opened in place on the facility's page, checked with the shared validators as they
//! are typed and saved at the version read (412: reload).

use std::collections::BTreeMap;

use leptos::prelude::*;
use shared::Labelled;
use shared::registry::{
    Capability, CapabilityKind, Department, DepartmentInput, Facility, FacilityInput, FacilityKind,
    Profession, TechnicalLevel, specialty_label,
};
use validator::Validate;

use super::staff_edit::SpecialtyChecks;
use crate::api::{self, use_api};
use crate::components::FieldErrors;
use crate::components::filters::bind;
use crate::components::form::{
    CheckedSend, FieldMessages, FormSection, FormText, InlineForm, InputKind, SelectField,
    StaleNotice, is_stale, messages_at, rule_messages,
};
use crate::contexts::use_lang;
use crate::i18n::{Key, t};

/// The fields the facility form shows messages next to.
const FACILITY_FIELDS: &[&str] = &[
    "code",
    "name",
    "kind",
    "level",
    "province",
    "ward",
    "address",
    "phone",
    "latitude",
    "longitude",
    "capabilities",
];

/// The facility's fields as typed.
#[derive(Debug, Clone, Default, PartialEq)]
struct FacilityDraft {
    code: String,
    name: String,
    kind: String,
    level: String,
    province: String,
    ward: String,
    address: String,
    phone: String,
    latitude: String,
    longitude: String,
    specialties: Vec<String>,
}

/// `Some(text)` unless blank.
fn optional(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
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
        }
    }

    /// The body these fields make of `facility` (its techniques kept as they are), and
    /// the fields that cannot be read.
    fn input(&self, facility: &Facility, lang: shared::Lang) -> (FacilityInput, FieldMessages) {
        let mut unreadable = FieldMessages::new();
        let mut figure = |path: &str, text: &str| {
            let text = text.trim();
            if text.is_empty() {
                return None;
            }
            let value = text.replace(',', ".").parse::<f64>().ok();
            if value.is_none() {
                unreadable
                    .entry(path.to_string())
                    .or_default()
                    .push(t(lang, Key::NotANumber).to_string());
            }
            value
        };
        let latitude = figure("latitude", &self.latitude);
        let longitude = figure("longitude", &self.longitude);
        let mut capabilities: Vec<Capability> = self
            .specialties
            .iter()
            .map(|code| Capability {
                kind: CapabilityKind::Specialty,
                code: code.clone(),
                name: specialty_label(code, shared::Lang::Vi).to_string(),
            })
            .collect();
        capabilities.extend(
            facility
                .capabilities
                .iter()
                .filter(|c| c.kind != CapabilityKind::Specialty)
                .cloned(),
        );
        let input = FacilityInput {
            code: self.code.trim().to_string(),
            name: self.name.trim().to_string(),
            kind: self.kind.parse().unwrap_or(facility.kind),
            level: self.level.parse().ok(),
            province: self.province.trim().to_string(),
            ward: optional(&self.ward),
            address: optional(&self.address),
            phone: optional(&self.phone),
            latitude,
            longitude,
            capabilities,
            ..facility.to_input()
        };
        (input, unreadable)
    }
}

/// What cannot be read in a form's fields and what the shared rules find wrong with the
/// body they make (tracked).
fn problems_of<I: Validate + 'static>(
    lang: crate::contexts::LangContext,
    input: impl Fn() -> (I, FieldMessages) + Send + Sync + 'static,
) -> Memo<FieldMessages> {
    Memo::new(move |_| {
        let (input, mut messages) = input();
        for (path, list) in rule_messages(input.validate(), lang.get()) {
            messages.entry(path).or_insert(list);
        }
        messages
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
    let current = StoredValue::new(facility);
    let input = move || {
        let lang = lang.get();
        draft.with(|draft| current.with_value(|facility| draft.input(facility, lang)))
    };
    let form = CheckedSend::new(problems_of(lang, input), move |input: FacilityInput| {
        let (id, version) = current.with_value(|f| (f.id, f.version));
        async move { api::registry::update_facility(api, id, version, &input).await }
    })
    .on_success(on_saved);
    let on_save = Callback::new(move |()| form.submit(|| untrack(input).0));
    let failure = Signal::derive(move || form.failure());
    let problem = Signal::derive(move || {
        form.failure()
            .filter(|error| !is_stale(error))
            .map(|error| error.without_fields(|path| FACILITY_FIELDS.contains(&path)))
    });
    let kind = bind(draft, |d| &d.kind, |d| &mut d.kind);
    let level = bind(draft, |d| &d.level, |d| &mut d.level);
    view! {
        <div id="facility-form">
            <InlineForm label=Key::EditFacility pending=form.pending() problem on_save on_close>
                <FormSection legend=Key::EditFacility>
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
                        <FormText form path="province" label=Key::Province field=bind(draft, |d| &d.province, |d| &mut d.province) required=true eager=true />
                        <FormText form path="ward" label=Key::Ward field=bind(draft, |d| &d.ward, |d| &mut d.ward) eager=true />
                        <FormText form path="address" label=Key::Address field=bind(draft, |d| &d.address, |d| &mut d.address) eager=true />
                        <FormText form path="phone" label=Key::Phone field=bind(draft, |d| &d.phone, |d| &mut d.phone) eager=true />
                        <FormText form path="latitude" label=Key::Latitude field=bind(draft, |d| &d.latitude, |d| &mut d.latitude) kind=InputKind::Decimal eager=true />
                        <FormText form path="longitude" label=Key::Longitude field=bind(draft, |d| &d.longitude, |d| &mut d.longitude) kind=InputKind::Decimal eager=true />
                    </div>
                </FormSection>
                <FormSection legend=Key::Specialty>
                    <SpecialtyChecks
                        id="f-capabilities"
                        chosen=bind(draft, |d| &d.specialties, |d| &mut d.specialties)
                        messages=form.messages("capabilities")
                    />
                </FormSection>
                <StaleNotice id="facility-stale" failure on_reload />
            </InlineForm>
        </div>
    }
}

/// A department's fields as typed: its name and a minimum per profession.
#[derive(Debug, Clone, Default, PartialEq)]
struct DepartmentDraft {
    name: String,
    minimum: BTreeMap<Profession, String>,
}

impl DepartmentDraft {
    fn of(department: &Department) -> Self {
        DepartmentDraft {
            name: department.name.clone(),
            minimum: Profession::all()
                .iter()
                .map(|p| {
                    let n = department.min_on_site.get(p).copied().unwrap_or(0);
                    (*p, n.to_string())
                })
                .collect(),
        }
    }

    fn input(
        &self,
        department: &Department,
        lang: shared::Lang,
    ) -> (DepartmentInput, FieldMessages) {
        let mut unreadable = FieldMessages::new();
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
                Err(_) => unreadable
                    .entry(min_path(*profession))
                    .or_default()
                    .push(t(lang, Key::NotANumber).to_string()),
            }
        }
        let input = DepartmentInput {
            name: self.name.trim().to_string(),
            min_on_site,
            ..department.to_input()
        };
        (input, unreadable)
    }
}

/// Where the messages of one profession's minimum go (the server's are on the map).
fn min_path(profession: Profession) -> String {
    format!("min_on_site.{}", profession.as_str())
}

/// A department's edit form, in place under the departments.
#[component]
pub(super) fn DepartmentForm(
    department: Department,
    on_saved: Callback<()>,
    on_close: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let draft = RwSignal::new(DepartmentDraft::of(&department));
    let current = StoredValue::new(department.clone());
    let input = move || {
        let lang = lang.get();
        draft.with(|draft| current.with_value(|d| draft.input(d, lang)))
    };
    let form = CheckedSend::new(problems_of(lang, input), move |input: DepartmentInput| {
        let (id, version) = current.with_value(|d| (d.id, d.version));
        async move { api::registry::update_department(api, id, version, &input).await }
    })
    .on_success(on_saved);
    let on_save = Callback::new(move |()| form.submit(|| untrack(input).0));
    let failure = Signal::derive(move || form.failure());
    let problem = Signal::derive(move || {
        form.failure()
            .filter(|error| !is_stale(error))
            .map(|error| {
                error.without_fields(|path| {
                    matches!(path, "name" | "min_on_site") || path.starts_with("min_on_site.")
                })
            })
    });
    let shown = form.shown();
    let minimums = Profession::all()
        .iter()
        .map(|profession| {
            let profession = *profession;
            let path = min_path(profession);
            let id = format!("f-min-{}", profession.as_str());
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
    let label = department.name;
    view! {
        <div id="department-form">
            <InlineForm label=Key::EditDepartment pending=form.pending() problem on_save on_close>
                <FormSection legend=Key::EditDepartment>
                    <p class="muted">{label}</p>
                    <FormText form path="name" label=Key::Name field=bind(draft, |d| &d.name, |d| &mut d.name) required=true eager=true />
                    <h4>{move || lang.t(Key::MinOnSite)}</h4>
                    <div class="form-grid">{minimums}</div>
                    <FieldErrors id="f-min_on_site-errors" messages=form.messages("min_on_site") />
                </FormSection>
                <StaleNotice id="department-stale" failure on_reload=on_close />
            </InlineForm>
        </div>
    }
}
