//! The indicators (chỉ tiêu): code, name, unit, kind, direction, where the values come
//! from (entered by stations, or computed by a metric), the basis and threshold of a
//! share of facilities, and the targets per facility and period.

use leptos::prelude::*;
use shared::Labelled;
use shared::plan::{Direction, IndicatorKind, IndicatorMetric, IndicatorSource};

use super::draft::{IndicatorDraft, PlanDraft, next_key};
use super::fields::{
    CellKind, Choices, Column, EditorForm, EnumSelect, InputKind, RowsTable, TextInput, field_id,
};
use crate::components::FieldErrors;
use crate::components::form::FormSection;
use crate::contexts::use_lang;
use crate::i18n::Key;

/// Columns of an indicator's targets.
const TARGET_COLUMNS: &[Column] = &[
    Column {
        label: Key::Facility,
        field: "facility_id",
        kind: CellKind::Choice(0),
    },
    Column {
        label: Key::Period,
        field: "period",
        kind: CellKind::Choice(1),
    },
    Column {
        label: Key::TargetValue,
        field: "value",
        kind: CellKind::Input(InputKind::Decimal),
    },
];

/// Every indicator, with the button that adds one.
#[component]
pub(super) fn IndicatorsEditor(
    draft: PlanDraft,
    form: EditorForm,
    periods: Choices,
) -> impl IntoView {
    let lang = use_lang();
    let messages = form.messages(Signal::derive(|| "indicators".to_string()));
    // Targets go to one supported facility, or to all of them (blank).
    let facilities: Choices = Signal::derive(move || {
        let mut options = vec![(
            String::new(),
            lang.t(Key::AllSupportedFacilities).to_string(),
        )];
        draft.supported.with(|supported| {
            options.extend(
                supported
                    .iter()
                    .map(|facility| (facility.id.to_string(), facility.name.clone())),
            );
        });
        options
    });
    let add = move |_| {
        draft.indicators.update(|indicators| {
            let key = next_key(indicators.iter().map(|indicator| indicator.key));
            indicators.push(IndicatorDraft::blank(key, indicators.len() + 1));
        });
    };
    view! {
        <FormSection legend=Key::SectionIndicators id="plan-section-indicators">
            <p class="field-hint">{move || lang.t(Key::IndicatorsHint)}</p>
            <div id="plan-indicators" tabindex="-1">
                <For
                    each=move || draft.indicators.get()
                    key=|indicator| indicator.key
                    children=move |indicator| {
                        view! { <IndicatorEditor draft indicator form facilities periods /> }
                    }
                />
            </div>
            <FieldErrors id=Signal::derive(|| "plan-indicators-errors".to_string()) messages />
            <button type="button" class="button secondary small" id="plan-add-indicator" on:click=add>
                "+ "
                {move || lang.t(Key::AddIndicator)}
            </button>
        </FormSection>
    }
}

/// One indicator.
#[component]
fn IndicatorEditor(
    draft: PlanDraft,
    indicator: IndicatorDraft,
    form: EditorForm,
    facilities: Choices,
    periods: Choices,
) -> impl IntoView {
    let lang = use_lang();
    let key = indicator.key;
    let index = Memo::new(move |_| {
        draft
            .indicators
            .with(|indicators| indicators.iter().position(|i| i.key == key).unwrap_or(0))
    });
    let path = Signal::derive(move || format!("indicators[{}]", index.get()));
    let at = move |field: &'static str| Signal::derive(move || format!("{}.{field}", path.get()));
    let computed = move || indicator.source.get() == IndicatorSource::Computed.as_str();
    let share =
        move || computed() && indicator.metric.get() == IndicatorMetric::ShareOfFacilities.as_str();
    // An entered indicator has no metric: dropping it keeps the body valid.
    Effect::new(move |_| {
        if !computed() && !indicator.metric.with_untracked(String::is_empty) {
            indicator.metric.set(String::new());
        }
    });
    let remove = move |_| {
        draft
            .indicators
            .update(|indicators| indicators.retain(|i| i.key != key));
        form.edit("indicators");
    };
    let basis_path = at("basis_code");
    let basis_id = Signal::derive(move || field_id(&basis_path.get()));
    let basis_messages = form.messages(basis_path);
    // Any other indicator of the plan may set the condition.
    let basis_options = move || {
        let own = indicator.code.get();
        draft.indicators.with(|indicators| {
            indicators
                .iter()
                .filter(|other| other.key != key)
                .map(|other| (other.code.get(), other.name.get()))
                .filter(|(code, _)| !code.trim().is_empty() && *code != own)
                .collect::<Vec<_>>()
        })
    };
    view! {
        <fieldset class="plan-indicator" data-indicator=key>
            <legend>
                {move || {
                    let code = indicator.code.get();
                    format!("{} {} {code}", lang.t(Key::Indicator), index.get() + 1)
                }}
            </legend>
            <div class="form-grid">
                <TextInput label=Key::IndicatorCode value=indicator.code form path=at("code") required=true />
                <TextInput
                    label=Key::IndicatorName
                    value=indicator.name
                    form
                    path=at("name")
                    required=true
                    class="span-2"
                />
                <TextInput label=Key::Unit value=indicator.unit form path=at("unit") />
                <EnumSelect
                    label=Key::IndicatorKindLabel
                    value=indicator.kind
                    values=IndicatorKind::all()
                    code=IndicatorKind::as_str
                    form
                    path=at("kind")
                />
                <EnumSelect
                    label=Key::DirectionLabel
                    value=indicator.direction
                    values=Direction::all()
                    code=Direction::as_str
                    form
                    path=at("direction")
                />
                <EnumSelect
                    label=Key::IndicatorSourceLabel
                    value=indicator.source
                    values=IndicatorSource::all()
                    code=IndicatorSource::as_str
                    form
                    path=at("source")
                />
                <Show when=computed>
                    <EnumSelect
                        label=Key::Metric
                        value=indicator.metric
                        values=IndicatorMetric::all()
                        code=IndicatorMetric::as_str
                        form
                        path=at("metric")
                        empty=Key::ChooseOne
                    />
                </Show>
                <Show when=share>
                    <div class="field">
                        <label for=move || basis_id.get()>{move || lang.t(Key::BasisIndicator)}</label>
                        <select
                            id=move || basis_id.get()
                            aria-invalid=move || (!basis_messages.with(Vec::is_empty)).to_string()
                            on:change=move |event| {
                                indicator.basis.set(event_target_value(&event));
                                form.edit(&basis_path.get_untracked());
                            }
                        >
                            <option value="" prop:selected=move || indicator.basis.with(String::is_empty)>
                                {move || lang.t(Key::ChooseOne)}
                            </option>
                            {move || {
                                basis_options()
                                    .into_iter()
                                    .map(|(code, name)| {
                                        let selected = code.clone();
                                        view! {
                                            <option
                                                value=code.clone()
                                                prop:selected=move || indicator.basis.with(|b| *b == selected)
                                            >
                                                {format!("{code} – {name}")}
                                            </option>
                                        }
                                    })
                                    .collect_view()
                            }}
                        </select>
                        <FieldErrors
                            id=Signal::derive(move || format!("{}-errors", basis_id.get()))
                            messages=basis_messages
                        />
                    </div>
                    <TextInput
                        label=Key::Threshold
                        value=indicator.threshold
                        form
                        path=at("threshold")
                        kind=InputKind::Decimal
                        hint=Key::ThresholdHint
                    />
                </Show>
            </div>
            <p class="field-hint">
                {move || {
                    let kind = indicator.kind.get().parse::<IndicatorKind>().ok();
                    kind.map(|kind| {
                        let lang = lang.get();
                        match kind {
                            IndicatorKind::YesNo => crate::i18n::t(lang, Key::YesNoTargetHint).to_string(),
                            other => other.label(lang).to_string(),
                        }
                    })
                }}
            </p>
            <div class="field">
                <span class="field-label">{move || lang.t(Key::Targets)}</span>
                <RowsTable
                    rows=indicator.targets
                    columns=TARGET_COLUMNS
                    path=at("targets")
                    form
                    add_label=Key::AddTarget
                    choices=vec![facilities, periods]
                />
            </div>
            <button type="button" class="button danger small" on:click=remove>
                {move || lang.t(Key::RemoveIndicator)}
            </button>
        </fieldset>
    }
}
