//! `/plans/:id/values`: the head of a supported station enters the values of the
//! indicators the stations report, for a period: the target, the current value and its
//! history, a new value and a note. Once the centre has approved the period the values
//! are locked (the server answers 409) and the page says so.

use std::collections::BTreeMap;

use leptos::prelude::*;
use shared::plan::{
    BoardRow, IndicatorBoard, IndicatorKind, IndicatorSource, PeriodQuery, Plan, ValueHistoryQuery,
    ValueInput, ValuesInput,
};
use shared::validation::field_messages;
use validator::Validate;

use super::board::{PeriodPicker, format_value, use_period};
use super::frame::{PlanTab, plan_page};
use super::{ApprovedBadge, DirectionNote, parse_number, plan_page_href, reporting_station};
use crate::api::{self, use_api};
use crate::components::list::{DataTable, Heading};
use crate::components::{FieldErrors, Loading, NoResults, ProblemView, loaded};
use crate::contexts::{use_lang, use_session};
use crate::i18n::{Key, format_datetime, t};

/// `/plans/:id/values`.
#[component]
pub fn PlanValuesPage() -> impl IntoView {
    plan_page(PlanTab::Values, |plan| {
        view! { <ValuesTab plan /> }.into_any()
    })
}

/// The station's entry for the chosen period, or why there is none.
#[component]
fn ValuesTab(plan: Plan) -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let plan = StoredValue::new(plan);
    let station = Memo::new(move |_| {
        session
            .me()
            .and_then(|me| plan.with_value(|plan| reporting_station(&me, plan)))
    });
    move || match station.get() {
        Some(station) => view! { <StationValues plan=plan.get_value() station /> }.into_any(),
        None => view! {
            <div class="notice" role="status" id="plan-values-not-station">
                <p>{move || lang.t(Key::ValuesForStationsOnly)}</p>
            </div>
        }
        .into_any(),
    }
}

#[component]
fn StationValues(plan: Plan, station: i64) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let id = plan.id;
    let period = use_period(&plan);
    let board = LocalResource::new(move || {
        let query = PeriodQuery {
            period: Some(period.get().to_string()),
            facility_id: Some(station),
        };
        async move { api::plans::board(api, id, &query).await }
    });
    let reload = Callback::new(move |()| board.refetch());
    view! {
        <div class="board-toolbar">
            <PeriodPicker plan=plan.clone() period path=plan_page_href(id, "values") />
            <p class="muted small">{move || lang.t(Key::ValuesIntro)}</p>
        </div>
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                loaded(board.await, move |board| view! { <ValuesForm plan_id=id station board on_saved=reload /> })
            })}
        </Transition>
    }
}

/// What the person typed for one indicator.
#[derive(Debug, Clone, Copy)]
struct Typed {
    value: RwSignal<String>,
    note: RwSignal<String>,
}

/// Whether the centre has locked the station's values of the board's period.
fn locked(board: &IndicatorBoard, station: i64) -> bool {
    board
        .approvals
        .iter()
        .find(|approval| approval.facility.id == station)
        .map_or_else(
            || board.rows.iter().any(|row| row.approved),
            |approval| approval.approved,
        )
}

/// The entered indicators of the station, with inputs unless the period is locked.
#[component]
fn ValuesForm(
    plan_id: i64,
    station: i64,
    board: IndicatorBoard,
    on_saved: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let is_locked = locked(&board, station);
    let period = board.period.clone();
    let rows: Vec<BoardRow> = board
        .rows
        .into_iter()
        .filter(|row| {
            row.source == IndicatorSource::Entered
                && row
                    .facility
                    .as_ref()
                    .is_some_and(|facility| facility.id == station)
        })
        .collect();
    if rows.is_empty() {
        return view! { <NoResults /> }.into_any();
    }
    let typed: BTreeMap<String, Typed> = rows
        .iter()
        .map(|row| {
            (
                row.indicator_code.clone(),
                Typed {
                    value: RwSignal::new(String::new()),
                    note: RwSignal::new(String::new()),
                },
            )
        })
        .collect();
    let typed = StoredValue::new(typed);
    let tried = RwSignal::new(false);
    let period_text = StoredValue::new(period.clone());

    // The body: the values typed (blank ones left out), and what could not be read.
    let input = Memo::new(move |_| {
        let lang = lang.get();
        let mut unreadable = Vec::new();
        let values = typed.with_value(|typed| {
            typed
                .iter()
                .filter_map(|(code, entry)| {
                    let text = entry.value.get();
                    if text.trim().is_empty() {
                        return None;
                    }
                    let Some(value) = parse_number(&text) else {
                        unreadable.push(format!("{code}: {}", t(lang, Key::NotANumber)));
                        return None;
                    };
                    let note = entry.note.get().trim().to_string();
                    Some(ValueInput {
                        indicator_code: code.clone(),
                        value,
                        note: (!note.is_empty()).then_some(note),
                    })
                })
                .collect()
        });
        let input = ValuesInput {
            facility_id: station,
            period: period_text.get_value(),
            values,
        };
        (input, unreadable)
    });
    let messages = Memo::new(move |_| {
        let lang = lang.get();
        input.with(|(input, unreadable)| {
            let mut messages = unreadable.clone();
            if input.values.is_empty() && unreadable.is_empty() {
                messages.push(t(lang, Key::EnterAtLeastOneValue).to_string());
            } else if let Err(errors) = input.validate() {
                messages.extend(field_messages(&errors, lang).into_values().flatten());
            }
            messages
        })
    });
    let shown = Signal::derive(move || {
        if tried.get() {
            messages.get()
        } else {
            Vec::new()
        }
    });
    let send = Action::new_local(move |input: &ValuesInput| {
        let input = input.clone();
        async move { api::plans::submit_values(api, plan_id, &input).await }
    });
    let pending = send.pending();
    let saved = move || matches!(send.value().get(), Some(Ok(_)));
    Effect::new(move |_| {
        if let Some(Ok(_)) = send.value().get() {
            on_saved.run(());
        }
    });
    let failure = move || send.value().get().and_then(Result::err);

    let body = rows
        .into_iter()
        .map(|row| {
            let entry = typed.with_value(|typed| typed.get(&row.indicator_code).copied());
            view! { <ValueRow plan_id station period=period.clone() row entry locked=is_locked /> }
        })
        .collect_view();

    view! {
        {is_locked
            .then(|| {
                view! {
                    <div class="alert alert-info" role="status" id="plan-values-locked">
                        {move || lang.t(Key::ValuesLocked)}
                    </div>
                }
            })}
        <DataTable class="values-table" id="plan-values" headings=vec![
            Heading::Label(Key::Indicator),
            Heading::Number(Key::TargetValue),
            Heading::Number(Key::CurrentValue),
            Heading::Label(Key::ValuesApproval),
            Heading::Label(Key::NewValue),
            Heading::Label(Key::Note),
            Heading::Blank,
        ]>
            {body}
        </DataTable>
        <FieldErrors id="plan-values-errors" messages=shown />
        {move || failure().map(|error| view! { <ProblemView error /> })}
        {move || {
            saved()
                .then(|| {
                    view! {
                        <p class="alert alert-info" role="status" id="plan-values-saved">
                            {move || lang.t(Key::ValuesSaved)}
                        </p>
                    }
                })
        }}
        <div class="form-actions">
            <button
                type="button"
                class="button primary"
                id="plan-values-submit"
                disabled=move || pending.get() || is_locked
                on:click=move |_| {
                    tried.set(true);
                    if messages.with_untracked(Vec::is_empty) {
                        send.dispatch_local(input.get_untracked().0);
                    }
                }
            >
                {move || if pending.get() { lang.t(Key::Saving) } else { lang.t(Key::SubmitValues) }}
            </button>
        </div>
    }
    .into_any()
}

/// One indicator: target, current value, inputs, and its history on demand.
#[component]
fn ValueRow(
    plan_id: i64,
    station: i64,
    period: String,
    row: BoardRow,
    entry: Option<Typed>,
    locked: bool,
) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let code = row.indicator_code.clone();
    let (kind, unit) = (row.kind, row.unit.clone());
    let unit_current = unit.clone();
    let (target, actual) = (row.target, row.actual);
    let value_id = format!("plan-value-{code}");
    let note_id = format!("plan-note-{code}");
    let show_history = RwSignal::new(false);
    let history = LocalResource::new({
        let code = code.clone();
        let period = period.clone();
        move || {
            let wanted = show_history.get();
            let query = ValueHistoryQuery {
                indicator_code: code.clone(),
                facility_id: station,
                period: period.clone(),
            };
            async move {
                if wanted {
                    api::plans::value_history(api, plan_id, &query)
                        .await
                        .map(Some)
                } else {
                    Ok(None)
                }
            }
        }
    });
    let inputs = entry.filter(|_| !locked).map(|entry| {
        let control = if kind == IndicatorKind::YesNo {
            view! {
                <select
                    id=value_id.clone()
                    class="plan-value-input"
                    data-indicator=code.clone()
                    on:change=move |event| entry.value.set(event_target_value(&event))
                >
                    <option value="" prop:selected=move || entry.value.with(String::is_empty)>
                        {move || lang.t(Key::ChooseOne)}
                    </option>
                    <option value="1" prop:selected=move || entry.value.get() == "1">
                        {move || lang.t(Key::Yes)}
                    </option>
                    <option value="0" prop:selected=move || entry.value.get() == "0">
                        {move || lang.t(Key::No)}
                    </option>
                </select>
            }
            .into_any()
        } else {
            view! {
                <input
                    id=value_id.clone()
                    class="plan-value-input"
                    data-indicator=code.clone()
                    type="text"
                    inputmode="decimal"
                    aria-label=move || lang.t(Key::NewValue)
                    prop:value=move || entry.value.get()
                    on:input=move |event| entry.value.set(event_target_value(&event))
                />
            }
            .into_any()
        };
        view! {
            <td>{control}</td>
            <td>
                <input
                    id=note_id.clone()
                    class="plan-note-input"
                    type="text"
                    aria-label=move || lang.t(Key::Note)
                    prop:value=move || entry.note.get()
                    on:input=move |event| entry.note.set(event_target_value(&event))
                />
            </td>
        }
        .into_any()
    });
    let inputs =
        inputs.unwrap_or_else(|| view! { <td colspan="2" class="muted">"—"</td> }.into_any());
    let history_view = move || {
        show_history.get().then(|| {
            view! {
                <tr class="history-row">
                    <td colspan="7">
                        <Transition fallback=|| view! { <Loading /> }>
                            {move || Suspend::new(async move {
                                loaded(history.await, move |entries| {
                                    let entries = entries.unwrap_or_default();
                                    if entries.is_empty() {
                                        return view! { <NoResults /> }.into_any();
                                    }
                                    view! {
                                        <ol class="value-history">
                                            {entries
                                                .into_iter()
                                                .map(|entry| {
                                                    let at = entry.reported_at;
                                                    let value = entry.value;
                                                    view! {
                                                        <li>
                                                            <strong>
                                                                {move || format_value(lang.get(), kind, "", Some(value))}
                                                            </strong>
                                                            " · " {entry.reported_by} " · "
                                                            {move || format_datetime(lang.get(), at)}
                                                            {entry.note.map(|note| view! { " — " {note} })}
                                                        </li>
                                                    }
                                                })
                                                .collect_view()}
                                        </ol>
                                    }
                                    .into_any()
                                })
                            })}
                        </Transition>
                    </td>
                </tr>
            }
        })
    };
    view! {
        <tr class="value-row" data-indicator=code.clone() data-approved=row.approved.to_string()>
            <td>
                <code>{code.clone()}</code> " " {row.indicator_name.clone()} " "
                <DirectionNote direction=row.direction />
            </td>
            <td class="number">{move || format_value(lang.get(), kind, &unit, target)}</td>
            <td class="number plan-current-value">
                {move || format_value(lang.get(), kind, &unit_current, actual)}
            </td>
            <td>
                <ApprovedBadge approved=row.approved />
            </td>
            {inputs}
            <td>
                <button
                    type="button"
                    class="button ghost small plan-value-history"
                    data-indicator=code.clone()
                    aria-expanded=move || show_history.get().to_string()
                    on:click=move |_| show_history.update(|open| *open = !*open)
                >
                    {move || lang.t(Key::History)}
                </button>
            </td>
        </tr>
        {history_view}
    }
}
