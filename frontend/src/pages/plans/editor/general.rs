//! General information: code and title, the issuing facility, whether the Department of
//! Health approves it, the dates and phases, the document's header lines, and the
//! facilities supported (the issuer's support links, or any facility found by name).

use leptos::prelude::*;
use shared::Labelled;
use shared::registry::{Facility, FacilityQuery, FacilityRef};

use super::draft::PlanDraft;
use super::fields::{CellKind, Column, EditorForm, InputKind, RowsTable, TextInput};
use crate::api::{self, ApiError, use_api};
use crate::components::FieldErrors;
use crate::components::form::FormSection;
use crate::components::{Loading, ProblemView, loaded};
use crate::contexts::use_lang;
use crate::i18n::Key;

/// Columns of the phases.
const PHASE_COLUMNS: &[Column] = &[
    Column {
        label: Key::PhaseCode,
        field: "code",
        kind: CellKind::Input(InputKind::Text),
    },
    Column {
        label: Key::Name,
        field: "name",
        kind: CellKind::Input(InputKind::Text),
    },
    Column {
        label: Key::FromDate,
        field: "start_date",
        kind: CellKind::Input(InputKind::Date),
    },
    Column {
        label: Key::ToDate,
        field: "end_date",
        kind: CellKind::Input(InputKind::Date),
    },
];

/// "Thông tin chung".
#[component]
pub(super) fn GeneralSection(draft: PlanDraft, form: EditorForm) -> impl IntoView {
    let lang = use_lang();
    let issuer = draft.issuing.with_value(|facility| facility.name.clone());
    view! {
        <FormSection legend=Key::SectionGeneral id="plan-section-general">
            <div class="form-grid">
                <TextInput label=Key::PlanCode value=draft.code form path="code".to_string() required=true />
                <TextInput
                    label=Key::PlanName
                    value=draft.title
                    form
                    path="title".to_string()
                    required=true
                    class="span-2"
                />
                <div class="field">
                    <span class="field-label">{move || lang.t(Key::IssuingFacility)}</span>
                    <p class="read-only" id="plan-issuing-facility">{issuer}</p>
                </div>
                <TextInput
                    label=Key::FromDate
                    value=draft.start
                    form
                    path="start_date".to_string()
                    kind=InputKind::Date
                    required=true
                />
                <TextInput
                    label=Key::ToDate
                    value=draft.end
                    form
                    path="end_date".to_string()
                    kind=InputKind::Date
                    required=true
                />
                <div class="field checkbox span-3">
                    <input
                        id="plan-network"
                        type="checkbox"
                        prop:checked=move || draft.network.get()
                        on:change=move |event| draft.network.set(event_target_checked(&event))
                    />
                    <label for="plan-network">{move || lang.t(Key::NetworkPlanQuestion)}</label>
                </div>
            </div>
            <div class="field">
                <span class="field-label">{move || lang.t(Key::Phases)}</span>
                <span class="field-hint">{move || lang.t(Key::PhasesHint)}</span>
                <RowsTable
                    rows=draft.phases
                    columns=PHASE_COLUMNS
                    path="phases".to_string()
                    form
                    add_label=Key::AddPhase
                />
            </div>
            <SupportedPicker draft form />
        </FormSection>
        <FormSection legend=Key::SectionDocumentHeader id="plan-section-header">
            <div class="form-grid">
                <TextInput
                    label=Key::GoverningBody
                    value=draft.governing_body
                    form
                    path="document.governing_body".to_string()
                    hint=Key::GoverningBodyHint
                    class="span-2"
                />
                <TextInput
                    label=Key::DocumentNumber
                    value=draft.number
                    form
                    path="document.number".to_string()
                    hint=Key::DocumentNumberHint
                />
                <TextInput
                    label=Key::IssuePlace
                    value=draft.place
                    form
                    path="document.place".to_string()
                />
                <TextInput
                    label=Key::IssueDate
                    value=draft.issued_on
                    form
                    path="document.issued_on".to_string()
                    kind=InputKind::Date
                />
            </div>
        </FormSection>
    }
}

/// The facilities supported: the issuer's support links as checkboxes, the ones already
/// chosen, and a search for any other facility.
#[component]
fn SupportedPicker(draft: PlanDraft, form: EditorForm) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let issuing_id = draft.issuing.with_value(|facility| facility.id);
    let linked = LocalResource::new(move || async move {
        let query = FacilityQuery {
            supported_by: Some(issuing_id),
            limit: Some(shared::page::MAX_LIMIT),
            ..FacilityQuery::default()
        };
        api::registry::facilities(api, &query)
            .await
            .map(|page| page.items.iter().map(reference).collect::<Vec<_>>())
    });
    let messages = form.messages(Signal::derive(|| "supported_facility_ids".to_string()));

    view! {
        <div class="field supported-picker" id="plan-supported_facility_ids" tabindex="-1">
            <span class="field-label">
                {move || lang.t(Key::SupportedFacilities)}
            </span>
            <span class="field-hint">{move || lang.t(Key::SupportedFacilitiesHint)}</span>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    loaded(linked.await, move |linked| view! { <FacilityChecks draft form linked /> })
                })}
            </Transition>
            <FieldErrors
                id=Signal::derive(|| "plan-supported_facility_ids-errors".to_string())
                messages
            />
            <FacilitySearch draft form />
        </div>
    }
}

fn reference(facility: &Facility) -> FacilityRef {
    FacilityRef {
        id: facility.id,
        code: facility.code.clone(),
        name: facility.name.clone(),
        kind: facility.kind,
    }
}

/// Adds or removes a facility from the plan's supported ones.
fn toggle(draft: PlanDraft, form: EditorForm, facility: &FacilityRef, on: bool) {
    draft.supported.update(|chosen| {
        let present = chosen.iter().any(|f| f.id == facility.id);
        if on && !present {
            chosen.push(facility.clone());
        } else if !on {
            chosen.retain(|f| f.id != facility.id);
        }
    });
    form.edit("supported_facility_ids");
}

/// One checkbox per facility: the issuer's support links, then any other chosen one.
#[component]
fn FacilityChecks(draft: PlanDraft, form: EditorForm, linked: Vec<FacilityRef>) -> impl IntoView {
    let lang = use_lang();
    let linked = StoredValue::new(linked);
    let all = move || {
        let mut all = linked.get_value();
        draft.supported.with(|chosen| {
            for facility in chosen {
                if !all.iter().any(|f| f.id == facility.id) {
                    all.push(facility.clone());
                }
            }
        });
        all
    };
    view! {
        <div class="check-grid">
            <For
                each=all
                key=|facility| facility.id
                children=move |facility| {
                    let id = format!("plan-supported-{}", facility.id);
                    let label_for = id.clone();
                    let facility_id = facility.id;
                    let kind = facility.kind;
                    let facility = StoredValue::new(facility);
                    view! {
                        <label class="check" for=label_for>
                            <input
                                type="checkbox"
                                id=id
                                data-facility-id=facility_id
                                prop:checked=move || {
                                    draft.supported.with(|chosen| chosen.iter().any(|f| f.id == facility_id))
                                }
                                on:change=move |event| {
                                    let on = event_target_checked(&event);
                                    facility.with_value(|facility| toggle(draft, form, facility, on));
                                }
                            />
                            <span>
                                {facility.with_value(|facility| facility.name.clone())}
                                <span class="muted small">" · " {move || kind.label(lang.get())}</span>
                            </span>
                        </label>
                    }
                }
            />
        </div>
        <Show when=move || linked.with_value(Vec::is_empty) && draft.supported.with(Vec::is_empty)>
            <p class="muted small">{move || lang.t(Key::NoLinkedFacilities)}</p>
        </Show>
    }
}

/// Finds a facility by name or code and adds it.
#[component]
fn FacilitySearch(draft: PlanDraft, form: EditorForm) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let text = RwSignal::new(String::new());
    let search = Action::new_local(move |q: &String| {
        let query = FacilityQuery {
            q: Some(q.clone()),
            limit: Some(20),
            ..FacilityQuery::default()
        };
        async move {
            api::registry::facilities(api, &query)
                .await
                .map(|page| page.items.iter().map(reference).collect::<Vec<_>>())
        }
    });
    let pending = search.pending();
    let run = move || {
        let q = text.get_untracked().trim().to_string();
        if !q.is_empty() {
            search.dispatch_local(q);
        }
    };
    let results = move || {
        search.value().get().map(|result: Result<Vec<FacilityRef>, ApiError>| match result {
            Err(error) => view! { <ProblemView error /> }.into_any(),
            Ok(found) if found.is_empty() => {
                view! { <p class="muted small">{move || lang.t(Key::NoResults)}</p> }.into_any()
            }
            Ok(found) => view! {
                <ul class="plain-list facility-results">
                    {found
                        .into_iter()
                        .map(|facility| {
                            let facility_id = facility.id;
                            let name = facility.name.clone();
                            let facility = StoredValue::new(facility);
                            let chosen = move || {
                                draft.supported.with(|chosen| chosen.iter().any(|f| f.id == facility_id))
                            };
                            view! {
                                <li>
                                    {name} " "
                                    <button
                                        type="button"
                                        class="button secondary small plan-facility-add"
                                        data-facility-id=facility_id
                                        disabled=chosen
                                        on:click=move |_| {
                                            facility.with_value(|facility| toggle(draft, form, facility, true));
                                        }
                                    >
                                        {move || if chosen() { lang.t(Key::Chosen) } else { lang.t(Key::AddFacility) }}
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            }
            .into_any(),
        })
    };
    view! {
        <div class="facility-search">
            <label for="plan-facility-search" class="field-hint">
                {move || lang.t(Key::FindOtherFacility)}
            </label>
            <div class="inline-search">
                <input
                    id="plan-facility-search"
                    type="search"
                    prop:value=move || text.get()
                    on:input=move |event| text.set(event_target_value(&event))
                    on:keydown=move |event: leptos::ev::KeyboardEvent| {
                        if event.key() == "Enter" {
                            event.prevent_default();
                            run();
                        }
                    }
                />
                <button
                    type="button"
                    class="button secondary"
                    id="plan-facility-search-button"
                    disabled=move || pending.get()
                    on:click=move |_| run()
                >
                    {move || lang.t(Key::Search)}
                </button>
            </div>
            {results}
        </div>
    }
}
