//! The text of the document, section by section: căn cứ, I. Mục đích – Yêu cầu, II. Nội
//! dung (its sections; the activities follow in their own editor), III. Tổ chức thực
//! hiện, IV. Lộ trình, V. Kinh phí, and the closing with "Nơi nhận" and the signer.

use leptos::prelude::*;

use super::draft::PlanDraft;
use super::fields::{CellKind, Choices, Column, EditorForm, InputKind, RowsTable, TextInput};
use crate::components::form::FormSection;
use crate::contexts::use_lang;
use crate::i18n::Key;

/// Columns of the căn cứ.
const BASIS_COLUMNS: &[Column] = &[
    Column {
        label: Key::BasisKind,
        field: "kind",
        kind: CellKind::Input(InputKind::Text),
    },
    Column {
        label: Key::BasisNumber,
        field: "number",
        kind: CellKind::Input(InputKind::Text),
    },
    Column {
        label: Key::BasisDate,
        field: "issued_on",
        kind: CellKind::Input(InputKind::Date),
    },
    Column {
        label: Key::BasisIssuer,
        field: "issuer",
        kind: CellKind::Input(InputKind::Text),
    },
    Column {
        label: Key::BasisTitle,
        field: "title",
        kind: CellKind::Input(InputKind::Multiline),
    },
];

/// Columns of a list of sections (II, III).
const SECTION_COLUMNS: &[Column] = &[
    Column {
        label: Key::SectionHeading,
        field: "heading",
        kind: CellKind::Input(InputKind::Text),
    },
    Column {
        label: Key::SectionItems,
        field: "items",
        kind: CellKind::Input(InputKind::Multiline),
    },
];

/// Columns of the roadmap: the period is chosen among the plan's.
const MILESTONE_COLUMNS: &[Column] = &[
    Column {
        label: Key::Period,
        field: "period",
        kind: CellKind::Choice(0),
    },
    Column {
        label: Key::SectionItems,
        field: "items",
        kind: CellKind::Input(InputKind::Multiline),
    },
];

/// Columns of the budget lines.
const BUDGET_COLUMNS: &[Column] = &[
    Column {
        label: Key::BudgetItem,
        field: "item",
        kind: CellKind::Input(InputKind::Text),
    },
    Column {
        label: Key::BudgetAmount,
        field: "amount_vnd",
        kind: CellKind::Input(InputKind::Decimal),
    },
    Column {
        label: Key::BudgetSource,
        field: "source",
        kind: CellKind::Input(InputKind::Text),
    },
];

fn new_basis() -> Vec<String> {
    vec![
        "Quyết định".to_string(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
    ]
}

/// "Căn cứ" and the sentence after them.
#[component]
pub(super) fn BasesSection(draft: PlanDraft, form: EditorForm) -> impl IntoView {
    let lang = use_lang();
    view! {
        <FormSection legend=Key::SectionBases id="plan-section-bases">
            <p class="field-hint">{move || lang.t(Key::BasesHint)}</p>
            <RowsTable
                rows=draft.legal_bases
                columns=BASIS_COLUMNS
                path="document.legal_bases".to_string()
                form
                add_label=Key::AddBasis
                new_row=new_basis
            />
            <TextInput
                label=Key::Preamble
                value=draft.preamble
                form
                path="document.preamble".to_string()
                kind=InputKind::Multiline
                hint=Key::PreambleHint
            />
        </FormSection>
    }
}

/// "I. Mục đích, yêu cầu".
#[component]
pub(super) fn PurposesSection(draft: PlanDraft, form: EditorForm) -> impl IntoView {
    view! {
        <FormSection legend=Key::SectionPurposes id="plan-section-purposes">
            <TextInput
                label=Key::Purposes
                value=draft.purposes
                form
                path="document.purposes".to_string()
                kind=InputKind::Multiline
                hint=Key::OnePerLine
            />
            <TextInput
                label=Key::Requirements
                value=draft.requirements
                form
                path="document.requirements".to_string()
                kind=InputKind::Multiline
                hint=Key::OnePerLine
            />
        </FormSection>
    }
}

/// The numbered sections of "II. Nội dung thực hiện" (the activities follow).
#[component]
pub(super) fn ContentsSections(draft: PlanDraft, form: EditorForm) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="field">
            <span class="field-label">{move || lang.t(Key::ContentSections)}</span>
            <span class="field-hint">{move || lang.t(Key::SectionItemsHint)}</span>
            <RowsTable
                rows=draft.contents
                columns=SECTION_COLUMNS
                path="document.contents".to_string()
                form
                add_label=Key::AddSection
            />
        </div>
    }
}

/// "III. Tổ chức thực hiện": one section per unit.
#[component]
pub(super) fn ResponsibilitiesSection(draft: PlanDraft, form: EditorForm) -> impl IntoView {
    let lang = use_lang();
    view! {
        <FormSection legend=Key::SectionResponsibilities id="plan-section-responsibilities">
            <p class="field-hint">{move || lang.t(Key::SectionItemsHint)}</p>
            <RowsTable
                rows=draft.responsibilities
                columns=SECTION_COLUMNS
                path="document.responsibilities".to_string()
                form
                add_label=Key::AddUnit
            />
        </FormSection>
    }
}

/// "IV. Lộ trình thực hiện": a period and what happens in it.
#[component]
pub(super) fn RoadmapSection(
    draft: PlanDraft,
    form: EditorForm,
    periods: Choices,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <FormSection legend=Key::SectionRoadmap id="plan-section-roadmap">
            <p class="field-hint">{move || lang.t(Key::SectionItemsHint)}</p>
            <RowsTable
                rows=draft.roadmap
                columns=MILESTONE_COLUMNS
                path="document.roadmap".to_string()
                form
                add_label=Key::AddMilestone
                choices=vec![periods]
            />
        </FormSection>
    }
}

/// "V. Kinh phí thực hiện".
#[component]
pub(super) fn BudgetSection(draft: PlanDraft, form: EditorForm) -> impl IntoView {
    view! {
        <FormSection legend=Key::SectionBudget id="plan-section-budget">
            <RowsTable
                rows=draft.budget_lines
                columns=BUDGET_COLUMNS
                path="document.budget_lines".to_string()
                form
                add_label=Key::AddBudgetLine
            />
        </FormSection>
    }
}

/// The closing paragraph, "Nơi nhận" and the signer.
#[component]
pub(super) fn ClosingSection(draft: PlanDraft, form: EditorForm) -> impl IntoView {
    view! {
        <FormSection legend=Key::SectionClosing id="plan-section-closing">
            <TextInput
                label=Key::Closing
                value=draft.closing
                form
                path="document.closing".to_string()
                kind=InputKind::Multiline
            />
            <TextInput
                label=Key::Recipients
                value=draft.recipients
                form
                path="document.recipients".to_string()
                kind=InputKind::Multiline
                hint=Key::OnePerLine
            />
            <div class="form-grid">
                <TextInput
                    label=Key::SignerTitle
                    value=draft.signer_title
                    form
                    path="document.signer.title".to_string()
                />
                <TextInput
                    label=Key::SignerName
                    value=draft.signer_name
                    form
                    path="document.signer.name".to_string()
                />
            </div>
        </FormSection>
    }
}
