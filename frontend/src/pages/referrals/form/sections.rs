//! The sections of the slip, in the order of the official form.

use leptos::prelude::*;
use shared::referral::{Direction, Sex, TransportMeans, Urgency};
use shared::registry::specialty_label;

use super::binder::{Binder, ReasonChoice, SlipSelect, SlipText};
use super::icd::IcdLookup;
use super::slip::PRIOR_COLUMNS;
use crate::components::form::{FormSection, InputKind, Row, RowsEditor, field_id};
use crate::contexts::use_lang;
use crate::i18n::Key;
use crate::pages::referrals::DIAGNOSIS_COLUMNS;
use crate::pages::referrals::destinations::{DestinationPicker, Picked};

/// "Nơi chuyển đến": the destination chosen and the picker that suggests one.
#[component]
pub(super) fn DestinationSection(b: Binder, on_pick: Callback<Picked>) -> impl IntoView {
    let lang = use_lang();
    let form = b.form;
    let chosen = Signal::derive(move || form.with(|form| form.to.as_ref().map(|(id, _)| *id)));
    let destination_messages = b.messages("to_facility_id");
    let initial_specialty = form.with_untracked(|form| form.specialty.clone());
    let chosen_specialty = move || {
        let code = form.with(|form| form.specialty.clone());
        (!code.is_empty()).then(|| {
            view! {
                <span class="chosen-specialty">
                    " · " {move || lang.t(Key::RequestedSpecialty)} ": "
                    <strong id="chosen-specialty">
                        {move || specialty_label(&code, lang.get()).to_string()}
                    </strong>
                </span>
            }
        })
    };
    view! {
        <FormSection legend=Key::SectionDestination>
            <div class="chosen-destination" id=field_id("to_facility_id") tabindex="-1">
                {move || {
                    form.with(|form| form.to.clone())
                        .map(|(_, name)| {
                            view! {
                                <span class="muted">{move || lang.t(Key::Chosen)} ": "</span>
                                <strong id="chosen-destination-name">{name}</strong>
                                {chosen_specialty}
                            }
                                .into_any()
                        })
                        .unwrap_or_else(|| {
                            view! {
                                <span class="muted">{move || lang.t(Key::NoDestination)}</span>
                            }
                                .into_any()
                        })
                }}
            </div>
            <crate::components::FieldErrors
                id="f-to_facility_id-errors"
                messages=destination_messages
            />
            <DestinationPicker id_prefix="destination" chosen on_pick initial_specialty />
        </FormSection>
    }
}

/// The patient's particulars and earlier stays.
#[component]
pub(super) fn PatientSection(
    b: Binder,
    prior: RwSignal<Vec<Row>>,
    on_row_edit: Callback<String>,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <FormSection legend=Key::SectionPatient>
            <div class="form-grid">
                <SlipText
                    b
                    path="patient.full_name"
                    label=Key::FullName
                    get=|f| &f.full_name
                    set=|f| &mut f.full_name
                    required=true
                    class="span-2"
                />
                <SlipSelect
                    b
                    path="patient.sex"
                    label=Key::Sex
                    values=Sex::all()
                    code=Sex::as_str
                    get=|f| &f.sex
                    set=|f| &mut f.sex
                    required=true
                />
                <SlipText
                    b
                    path="patient.birth_date"
                    label=Key::BirthDate
                    get=|f| &f.birth_date
                    set=|f| &mut f.birth_date
                    kind=InputKind::Date
                    required=true
                    hint=Key::BirthDateOrYear
                />
                <SlipText
                    b
                    path="patient.birth_year"
                    label=Key::BirthYear
                    get=|f| &f.birth_year
                    set=|f| &mut f.birth_year
                    kind=InputKind::Number
                />
                <SlipText
                    b
                    path="patient.citizen_id"
                    label=Key::CitizenId
                    get=|f| &f.citizen_id
                    set=|f| &mut f.citizen_id
                />
                <SlipText
                    b
                    path="patient.insurance_number"
                    label=Key::InsuranceNumber
                    get=|f| &f.insurance_number
                    set=|f| &mut f.insurance_number
                />
                <SlipText
                    b
                    path="patient.insurance_expiry"
                    label=Key::InsuranceExpiry
                    get=|f| &f.insurance_expiry
                    set=|f| &mut f.insurance_expiry
                    kind=InputKind::Date
                />
                <SlipText
                    b
                    path="patient.address"
                    label=Key::Address
                    get=|f| &f.address
                    set=|f| &mut f.address
                    class="span-3"
                />
                <SlipText
                    b
                    path="patient.ethnicity"
                    label=Key::Ethnicity
                    get=|f| &f.ethnicity
                    set=|f| &mut f.ethnicity
                />
                <SlipText
                    b
                    path="patient.nationality"
                    label=Key::Nationality
                    get=|f| &f.nationality
                    set=|f| &mut f.nationality
                />
                <SlipText
                    b
                    path="patient.occupation"
                    label=Key::Occupation
                    get=|f| &f.occupation
                    set=|f| &mut f.occupation
                />
                <SlipText
                    b
                    path="patient.workplace"
                    label=Key::Workplace
                    get=|f| &f.workplace
                    set=|f| &mut f.workplace
                />
                <SlipText
                    b
                    path="patient.contact_phone"
                    label=Key::ContactPhone
                    get=|f| &f.contact_phone
                    set=|f| &mut f.contact_phone
                />
            </div>
            <div class="field">
                <span class="field-label">{move || lang.t(Key::PreviouslyTreated)}</span>
                <RowsEditor
                    rows=prior
                    columns=PRIOR_COLUMNS
                    path="clinical.previously_treated_at"
                    messages=b.shown
                    add_label=Key::AddPriorTreatment
                    on_edit=on_row_edit
                />
            </div>
        </FormSection>
    }
}

/// "Lý do chuyển": direction, urgency and reason.
#[component]
pub(super) fn ReasonSection(b: Binder, direction_chosen: RwSignal<bool>) -> impl IntoView {
    view! {
        <FormSection legend=Key::SectionReason>
            <div class="form-grid">
                <SlipSelect
                    b
                    path="direction"
                    label=Key::Direction
                    values=Direction::all()
                    code=Direction::as_str
                    get=|f| &f.direction
                    set=|f| &mut f.direction
                    required=true
                    on_change=Callback::new(move |_| direction_chosen.set(true))
                />
                <SlipSelect
                    b
                    path="urgency"
                    label=Key::Urgency
                    values=Urgency::all()
                    code=Urgency::as_str
                    get=|f| &f.urgency
                    set=|f| &mut f.urgency
                    required=true
                />
            </div>
            <ReasonChoice b />
            <SlipText
                b
                path="reason_text"
                label=Key::ReasonText
                get=|f| &f.reason_text
                set=|f| &mut f.reason_text
                kind=InputKind::Multiline
            />
        </FormSection>
    }
}

/// The clinical summary, with the diagnosis rows.
#[component]
pub(super) fn ClinicalSection(
    b: Binder,
    diagnoses: RwSignal<Vec<Row>>,
    on_row_edit: Callback<String>,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <FormSection legend=Key::SectionClinical>
            <SlipText
                b
                path="clinical.signs"
                label=Key::Signs
                get=|f| &f.signs
                set=|f| &mut f.signs
                kind=InputKind::Multiline
                required=true
            />
            <SlipText
                b
                path="clinical.tests_summary"
                label=Key::TestsSummary
                get=|f| &f.tests_summary
                set=|f| &mut f.tests_summary
                kind=InputKind::Multiline
            />
            <div class="field">
                <span class="field-label">
                    {move || lang.t(Key::Diagnoses)}
                    <span class="required" aria-hidden="true">" *"</span>
                </span>
                <span class="field-hint">{move || lang.t(Key::DiagnosesHint)}</span>
                <IcdLookup diagnoses on_pick=on_row_edit />
                <RowsEditor
                    rows=diagnoses
                    columns=DIAGNOSIS_COLUMNS
                    path="clinical.diagnoses"
                    messages=b.shown
                    add_label=Key::AddDiagnosis
                    on_edit=on_row_edit
                />
            </div>
            <SlipText
                b
                path="clinical.treatment_given"
                label=Key::TreatmentGiven
                get=|f| &f.treatment_given
                set=|f| &mut f.treatment_given
                kind=InputKind::Multiline
            />
            <SlipText
                b
                path="clinical.condition_at_transfer"
                label=Key::ConditionAtTransfer
                get=|f| &f.condition_at_transfer
                set=|f| &mut f.condition_at_transfer
                kind=InputKind::Multiline
                required=true
            />
            <SlipText
                b
                path="clinical.treatment_direction"
                label=Key::TreatmentDirection
                get=|f| &f.treatment_direction
                set=|f| &mut f.treatment_direction
                kind=InputKind::Multiline
            />
        </FormSection>
    }
}

/// How the patient travels.
#[component]
pub(super) fn TransportSection(b: Binder) -> impl IntoView {
    let lang = use_lang();
    let form = b.form;
    view! {
        <FormSection legend=Key::SectionTransport>
            <div class="form-grid">
                <SlipSelect
                    b
                    path="transport.means"
                    label=Key::TransportMeans
                    values=TransportMeans::all()
                    code=TransportMeans::as_str
                    get=|f| &f.means
                    set=|f| &mut f.means
                    required=true
                />
                <SlipText
                    b
                    path="transport.escort_name"
                    label=Key::EscortName
                    get=|f| &f.escort_name
                    set=|f| &mut f.escort_name
                />
                <SlipText
                    b
                    path="transport.escort_title"
                    label=Key::EscortTitle
                    get=|f| &f.escort_title
                    set=|f| &mut f.escort_title
                />
            </div>
            <div class="field checkbox">
                <input
                    id=field_id("transport.emergency_centre_requested")
                    type="checkbox"
                    prop:checked=move || form.with(|f| f.emergency_centre)
                    on:change=move |event| {
                        form.update(|f| f.emergency_centre = event_target_checked(&event))
                    }
                />
                <label for=field_id(
                    "transport.emergency_centre_requested",
                )>{move || lang.t(Key::EmergencyCentre)}</label>
            </div>
        </FormSection>
    }
}

/// Who signs the slip, the attachments, and (as `children`) the validity preview.
#[component]
pub(super) fn SignatureSection(b: Binder, children: Children) -> impl IntoView {
    let lang = use_lang();
    view! {
        <FormSection legend=Key::SectionSignature>
            <div class="form-grid">
                <div class="span-3">
                    <p class="field-label">
                        {move || lang.t(Key::Signatory)}
                        <span class="required" aria-hidden="true">" *"</span>
                    </p>
                    <crate::components::FieldErrors
                        id="f-signed_by-errors"
                        messages=b.messages("signed_by")
                    />
                </div>
                <SlipText
                    b
                    path="signed_by.full_name"
                    label=Key::PersonName
                    get=|f| &f.signer_name
                    set=|f| &mut f.signer_name
                />
                <SlipText
                    b
                    path="signed_by.title"
                    label=Key::PersonTitle
                    get=|f| &f.signer_title
                    set=|f| &mut f.signer_title
                />
                <p class="field-label span-3">
                    {move || lang.t(Key::Physician)}
                    <span class="field-hint">" " {move || lang.t(Key::PhysicianHint)}</span>
                </p>
                <SlipText
                    b
                    path="physician.full_name"
                    label=Key::PersonName
                    get=|f| &f.physician_name
                    set=|f| &mut f.physician_name
                />
                <SlipText
                    b
                    path="physician.title"
                    label=Key::PersonTitle
                    get=|f| &f.physician_title
                    set=|f| &mut f.physician_title
                />
            </div>
            <SlipText
                b
                path="attachments"
                label=Key::Attachments
                get=|f| &f.attachments
                set=|f| &mut f.attachments
                kind=InputKind::Multiline
            />
            {children()}
        </FormSection>
    }
}
