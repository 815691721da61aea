//! Evaluations (sơ kết 6 tháng, tổng kết năm): `/plans/:id/evaluations` lists a plan's
//! and lets its planners generate one from the data; `/evaluations/:id` shows one — per
//! indicator and station the target, actual, attainment and light as generated, with
//! the assessment and the adjustment proposed — editable while a draft (`may_edit`), and
//! the approve button (`may_approve`).

use chrono::Datelike;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use shared::Labelled;
use shared::plan::{
    Evaluation, EvaluationCreate, EvaluationKind, EvaluationRow, EvaluationRowEdit,
    EvaluationStatus, EvaluationUpdate, Plan,
};
use shared::validation::field_messages;
use validator::Validate;

use super::frame::{PlanTab, plan_page};
use super::{
    BASE, DirectionNote, LightChip, evaluation_href, format_optional, format_percent,
    plan_page_href, writes_plans_of,
};
use crate::api::{self, ApiError, use_api};
use crate::components::list::{DataTable, Heading};
use crate::components::{FieldErrors, Loading, NoResults, ProblemView, enum_options, loaded};
use crate::contexts::{use_lang, use_session};
use crate::i18n::{Key, format_datetime};

/// `/plans/:id/evaluations`.
#[component]
pub fn PlanEvaluationsPage() -> impl IntoView {
    plan_page(PlanTab::Evaluations, |plan| {
        view! { <EvaluationsTab plan /> }.into_any()
    })
}

/// An evaluation's status.
#[component]
fn EvaluationStatusBadge(
    status: EvaluationStatus,
    #[prop(optional)] id: &'static str,
) -> impl IntoView {
    let lang = use_lang();
    let id = (!id.is_empty()).then_some(id);
    view! {
        <span class=format!("badge evaluation-{}", status.as_str()) id=id data-status=status.as_str()>
            {move || status.label(lang.get())}
        </span>
    }
}

/// The plan's evaluations, and the form that generates one.
#[component]
fn EvaluationsTab(plan: Plan) -> impl IntoView {
    let api = use_api();
    let session = use_session();
    let id = plan.id;
    let issuing_id = plan.issuing_facility.id;
    let evaluations = LocalResource::new(move || api::plans::evaluations(api, id));
    let may_create = Memo::new(move |_| {
        session
            .me()
            .is_some_and(|me| writes_plans_of(&me, issuing_id))
    });
    let year = plan.start_date.year();
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                loaded(evaluations.await, |evaluations| view! { <EvaluationTable evaluations /> })
            })}
        </Transition>
        <Show when=move || may_create.get()>
            <CreateEvaluation plan_id=id year />
        </Show>
    }
}

#[component]
fn EvaluationTable(evaluations: Vec<Evaluation>) -> impl IntoView {
    let lang = use_lang();
    if evaluations.is_empty() {
        return view! { <NoResults /> }.into_any();
    }
    let rows = evaluations
        .into_iter()
        .map(|evaluation| {
            let kind = evaluation.kind;
            let created = evaluation.created_at;
            let approved = evaluation.approved_at.map(|at| (at, evaluation.approved_by.clone()));
            view! {
                <tr class="evaluation-row" data-evaluation-id=evaluation.id>
                    <td>
                        <A href=evaluation_href(evaluation.id) attr:class="evaluation-link">
                            {move || kind.label(lang.get())}
                        </A>
                    </td>
                    <td>{evaluation.period_label}</td>
                    <td>
                        <EvaluationStatusBadge status=evaluation.status />
                    </td>
                    <td class="small">
                        {evaluation.created_by} " · " {move || format_datetime(lang.get(), created)}
                    </td>
                    <td class="small">
                        {approved
                            .map(|(at, by)| {
                                view! {
                                    {by.unwrap_or_default()} " · " {move || format_datetime(lang.get(), at)}
                                }
                            })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable id="plan-evaluations" headings=vec![
            Heading::Label(Key::EvaluationKindLabel),
            Heading::Label(Key::Period),
            Heading::Label(Key::Status),
            Heading::Label(Key::CreatedBy),
            Heading::Label(Key::ApprovedAt),
        ]>
            {rows}
        </DataTable>
    }
    .into_any()
}

/// "Tạo đánh giá": mid-year or year-end, and the year.
#[component]
fn CreateEvaluation(plan_id: i64, year: i32) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let navigate = use_navigate();
    let kind = RwSignal::new(EvaluationKind::MidYear.as_str().to_string());
    let year_text = RwSignal::new(year.to_string());
    let tried = RwSignal::new(false);
    let input = move || EvaluationCreate {
        kind: kind.get().parse().unwrap_or(EvaluationKind::MidYear),
        year: year_text.get().trim().parse().unwrap_or(0),
    };
    let messages = Memo::new(move |_| {
        input()
            .validate()
            .err()
            .map(|errors| field_messages(&errors, lang.get()))
            .map(|messages| messages.into_values().flatten().collect::<Vec<_>>())
            .unwrap_or_default()
    });
    let shown = Signal::derive(move || {
        if tried.get() {
            messages.get()
        } else {
            Vec::new()
        }
    });
    let create = Action::new_local(move |input: &EvaluationCreate| {
        let input = input.clone();
        async move { api::plans::create_evaluation(api, plan_id, &input).await }
    });
    let pending = create.pending();
    Effect::new(move |_| {
        if let Some(Ok(evaluation)) = create.value().get() {
            navigate(&evaluation_href(evaluation.id), Default::default());
        }
    });
    let failure = move || create.value().get().and_then(Result::err);
    view! {
        <section class="panel create-evaluation">
            <h2>{move || lang.t(Key::CreateEvaluation)}</h2>
            <div class="form-grid">
                <div class="field">
                    <label for="evaluation-kind">{move || lang.t(Key::EvaluationKindLabel)}</label>
                    <select id="evaluation-kind" on:change=move |event| kind.set(event_target_value(&event))>
                        {enum_options(EvaluationKind::all(), EvaluationKind::as_str, kind.into(), lang)}
                    </select>
                </div>
                <div class="field">
                    <label for="evaluation-year">{move || lang.t(Key::Year)}</label>
                    <input
                        id="evaluation-year"
                        type="number"
                        aria-describedby="evaluation-year-errors"
                        prop:value=move || year_text.get()
                        on:input=move |event| year_text.set(event_target_value(&event))
                    />
                    <FieldErrors id="evaluation-year-errors" messages=shown />
                </div>
            </div>
            <div class="dialog-actions">
                <button
                    type="button"
                    class="button primary"
                    id="evaluation-create"
                    disabled=move || pending.get()
                    on:click=move |_| {
                        tried.set(true);
                        if messages.with_untracked(Vec::is_empty) {
                            create.dispatch_local(input());
                        }
                    }
                >
                    {move || if pending.get() { lang.t(Key::Saving) } else { lang.t(Key::CreateEvaluation) }}
                </button>
            </div>
            {move || failure().map(|error| view! { <ProblemView error /> })}
        </section>
    }
}

/// `/evaluations/:id`.
#[component]
pub fn EvaluationPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|params| params.get("id")?.parse::<i64>().ok()));
    move || match id.get() {
        Some(id) => view! { <EvaluationView id /> }.into_any(),
        None => view! {
            <section class="page">
                <div class="alert alert-error" role="alert">
                    <p class="alert-title">{move || lang.t(Key::InvalidId)}</p>
                </div>
                <A href=BASE>{move || lang.t(Key::BackToPlans)}</A>
            </section>
        }
        .into_any(),
    }
}

#[component]
fn EvaluationView(id: i64) -> impl IntoView {
    let api = use_api();
    let evaluation = LocalResource::new(move || api::plans::evaluation(api, id));
    let reload = Callback::new(move |()| evaluation.refetch());
    view! {
        <section class="page evaluation-page">
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    loaded(evaluation.await, move |evaluation| view! { <EvaluationSheet evaluation on_changed=reload /> })
                })}
            </Transition>
        </section>
    }
}

/// What the person typed for one line.
#[derive(Debug, Clone, Copy)]
struct RowText {
    narrative: RwSignal<String>,
    adjustment: RwSignal<String>,
}

/// One evaluation: header, summary, lines, and the buttons the reader may use.
#[component]
fn EvaluationSheet(evaluation: Evaluation, on_changed: Callback<()>) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let (id, version, plan_id) = (evaluation.id, evaluation.version, evaluation.plan_id);
    let kind = evaluation.kind;
    let editable = evaluation.may_edit;
    let created = evaluation.created_at;
    let approved = evaluation
        .approved_at
        .map(|at| (at, evaluation.approved_by.clone()));
    let summary = RwSignal::new(evaluation.summary.clone());
    let texts: Vec<(EvaluationRow, RowText)> = evaluation
        .rows
        .into_iter()
        .map(|row| {
            let text = RowText {
                narrative: RwSignal::new(row.narrative.clone()),
                adjustment: RwSignal::new(row.adjustment.clone()),
            };
            (row, text)
        })
        .collect();
    let edits = StoredValue::new(
        texts
            .iter()
            .map(|(row, text)| {
                (
                    row.indicator_code.clone(),
                    row.facility.as_ref().map(|facility| facility.id),
                    *text,
                )
            })
            .collect::<Vec<_>>(),
    );
    let input = move || EvaluationUpdate {
        summary: summary.get().trim().to_string(),
        rows: edits.with_value(|edits| {
            edits
                .iter()
                .map(|(code, facility_id, text)| EvaluationRowEdit {
                    indicator_code: code.clone(),
                    facility_id: *facility_id,
                    narrative: text.narrative.get().trim().to_string(),
                    adjustment: text.adjustment.get().trim().to_string(),
                })
                .collect()
        }),
    };
    let messages = Memo::new(move |_| {
        input()
            .validate()
            .err()
            .map(|errors| field_messages(&errors, lang.get()))
            .map(|messages| messages.into_values().flatten().collect::<Vec<_>>())
            .unwrap_or_default()
    });
    let save = Action::new_local(move |input: &EvaluationUpdate| {
        let input = input.clone();
        async move { api::plans::update_evaluation(api, id, version, &input).await }
    });
    let approve = Action::new_local(move |_: &()| async move {
        api::plans::approve_evaluation(api, id, version).await
    });
    let pending = Signal::derive(move || save.pending().get() || approve.pending().get());
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Ok(_))) || matches!(approve.value().get(), Some(Ok(_)))
        {
            on_changed.run(());
        }
    });
    let failure = move || {
        save.value()
            .get()
            .and_then(Result::err)
            .or_else(|| approve.value().get().and_then(Result::err))
    };
    let stale = move || failure().is_some_and(|error: ApiError| error.status() == Some(412));

    let lines = texts
        .into_iter()
        .map(|(row, text)| view! { <EvaluationLine row text editable /> })
        .collect_view();

    view! {
        <p class="breadcrumb">
            <A href=plan_page_href(plan_id, "evaluations")>{move || lang.t(Key::BackToPlan)}</A>
        </p>
        <header class="page-header page-header-actions">
            <div>
                <h1 id="evaluation-heading">
                    {move || kind.label(lang.get())} " · " {evaluation.period_label.clone()}
                </h1>
                <p class="badges">
                    <EvaluationStatusBadge status=evaluation.status id="evaluation-status" />
                </p>
                <p class="small muted">
                    {evaluation.created_by.clone()} " · " {move || format_datetime(lang.get(), created)}
                    {approved
                        .map(|(at, by)| {
                            view! {
                                " · " {move || lang.t(Key::ApprovedAt)} " " {move || format_datetime(lang.get(), at)}
                                " " {by.unwrap_or_default()}
                            }
                        })}
                </p>
            </div>
            <div class="header-links">
                {evaluation
                    .may_approve
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                class="button primary"
                                id="evaluation-approve"
                                disabled=move || pending.get()
                                on:click=move |_| {
                                    approve.dispatch_local(());
                                }
                            >
                                {move || lang.t(Key::ApproveEvaluation)}
                            </button>
                        }
                    })}
            </div>
        </header>
        <div class="field">
            <label for="evaluation-summary">{move || lang.t(Key::EvaluationSummary)}</label>
            {if editable {
                view! {
                    <textarea
                        id="evaluation-summary"
                        rows="5"
                        prop:value=move || summary.get()
                        on:input=move |event| summary.set(event_target_value(&event))
                    ></textarea>
                }
                .into_any()
            } else {
                view! { <p class="evaluation-text" id="evaluation-summary">{evaluation.summary.clone()}</p> }.into_any()
            }}
        </div>
        <DataTable class="evaluation-lines" id="evaluation-lines" headings=vec![
            Heading::Label(Key::Indicator),
            Heading::Label(Key::Facility),
            Heading::Number(Key::TargetValue),
            Heading::Number(Key::ActualValue),
            Heading::Number(Key::Attainment),
            Heading::Label(Key::Light),
            Heading::Label(Key::Narrative),
            Heading::Label(Key::Adjustment),
        ]>
            {lines}
        </DataTable>
        <FieldErrors id="evaluation-errors" messages=messages />
        {move || {
            stale()
                .then(|| {
                    view! {
                        <div class="alert alert-error" role="alert" id="evaluation-stale">
                            <p class="alert-title">{move || lang.t(Key::PlanChangedMeanwhile)}</p>
                            <button
                                type="button"
                                class="button secondary"
                                id="evaluation-reload"
                                on:click=move |_| on_changed.run(())
                            >
                                {move || lang.t(Key::ReloadPlan)}
                            </button>
                        </div>
                    }
                })
        }}
        {move || {
            failure()
                .filter(|error| error.status() != Some(412))
                .map(|error| view! { <ProblemView error /> })
        }}
        {editable
            .then(|| {
                view! {
                    <div class="form-actions">
                        <button
                            type="button"
                            class="button primary"
                            id="evaluation-save"
                            disabled=move || pending.get() || !messages.with(Vec::is_empty)
                            on:click=move |_| {
                                save.dispatch_local(input());
                            }
                        >
                            {move || lang.t(Key::Save)}
                        </button>
                    </div>
                }
            })}
    }
}

/// One line: the figures as generated, and the assessment and adjustment.
#[component]
fn EvaluationLine(row: EvaluationRow, text: RowText, editable: bool) -> impl IntoView {
    let lang = use_lang();
    let (target, actual, attainment) = (row.target, row.actual, row.attainment);
    let facility_id = row.facility.as_ref().map(|facility| facility.id);
    let code = row.indicator_code.clone();
    let cell = move |value: RwSignal<String>, class: &'static str, label: Key| {
        if editable {
            view! {
                <textarea
                    class=class
                    rows="3"
                    data-indicator=code.clone()
                    data-facility-id=facility_id
                    aria-label=move || lang.t(label)
                    prop:value=move || value.get()
                    on:input=move |event| value.set(event_target_value(&event))
                ></textarea>
            }
            .into_any()
        } else {
            view! { <span class=class>{value.get_untracked()}</span> }.into_any()
        }
    };
    let narrative = cell(text.narrative, "evaluation-narrative", Key::Narrative);
    let adjustment = cell(text.adjustment, "evaluation-adjustment", Key::Adjustment);
    view! {
        <tr class="evaluation-line" data-indicator=row.indicator_code.clone() data-facility-id=facility_id>
            <td>
                <code>{row.indicator_code.clone()}</code> " " {row.indicator_name.clone()} " "
                <DirectionNote direction=row.direction />
                {(!row.unit.is_empty()).then(|| view! { <span class="muted small block">{row.unit.clone()}</span> })}
            </td>
            <td>
                {match row.facility.clone() {
                    Some(facility) => facility.name.into_any(),
                    None => (move || lang.t(Key::WholeNetwork)).into_any(),
                }}
            </td>
            <td class="number">{move || format_optional(lang.get(), target)}</td>
            <td class="number">{move || format_optional(lang.get(), actual)}</td>
            <td class="number">{move || format_percent(lang.get(), attainment)}</td>
            <td>
                <LightChip light=row.light />
            </td>
            <td>{narrative}</td>
            <td>{adjustment}</td>
        </tr>
    }
}
