//! `/plans/:id/indicators`: the indicator dashboard of a period — first a summary (the
//! traffic light of every indicator per station), then the charts (per indicator the
//! actual against the target per station, and the attainment quarter by quarter), then
//! the detail: per indicator and station the target, the actual value, attainment (never
//! above 100 %; a lower-is-better indicator says so and is met at or under its ceiling)
//! and whether the centre approved the station's values ("Chưa duyệt" until it has).
//! Planning and the director of the issuing facility approve (lock) or un-approve a
//! station's values of the period.

use chrono::Datelike;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use shared::Labelled;
use shared::Lang;
use shared::plan::{
    BoardRow, IndicatorBoard, IndicatorKind, Period, PeriodApproval, PeriodApprovalInput,
    PeriodQuery, Plan, TrafficLight, average_attainment,
};
use shared::registry::FacilityRef;

use super::charts::{IndicatorChart, QuarterChart};
use super::frame::{PlanTab, plan_page};
use super::{
    ApprovedBadge, DirectionNote, LightChip, approves_values_of, default_period, format_number,
    format_percent, light_class, plan_page_href, plan_periods,
};
use crate::api::plans::Approval;
use crate::api::{self, ApiError, use_api};
use crate::components::list::CardTable;
use crate::components::list::{DataTable, Heading};
use crate::components::{Loading, NoResults, ProblemView, loaded};
use crate::contexts::{use_lang, use_session};
use crate::i18n::{Key, format_datetime, t};
use crate::pages::query::{href_with, text_param};

/// `/plans/:id/indicators`.
#[component]
pub fn PlanIndicatorsPage() -> impl IntoView {
    plan_page(PlanTab::Indicators, |plan| {
        view! { <IndicatorsTab plan /> }.into_any()
    })
}

/// A value as people read it: yes/no in words, percentages with "%", counts with the
/// unit.
pub(super) fn format_value(
    lang: Lang,
    kind: IndicatorKind,
    unit: &str,
    value: Option<f64>,
) -> String {
    match (value, kind) {
        (None, _) => "—".to_string(),
        (Some(value), IndicatorKind::YesNo) => {
            t(lang, if value >= 0.5 { Key::Yes } else { Key::No }).to_string()
        }
        (Some(value), IndicatorKind::Percentage) => format!("{} %", format_number(lang, value)),
        (Some(value), IndicatorKind::Count) if unit.trim().is_empty() => format_number(lang, value),
        (Some(value), IndicatorKind::Count) => format!("{} {unit}", format_number(lang, value)),
    }
}

/// The period in the address (`?period=2026-Q1`), or the plan's default.
pub(super) fn use_period(plan: &Plan) -> Memo<Period> {
    let params = use_query_map();
    let fallback = default_period(plan.start_date, plan.end_date);
    Memo::new(move |_| {
        params
            .with(|params| text_param(params, "period"))
            .and_then(|text| text.parse::<Period>().ok())
            .unwrap_or(fallback)
    })
}

/// A choice among the plan's periods; choosing one changes the address.
#[component]
pub(super) fn PeriodPicker(
    /// The plan.
    plan: Plan,
    /// The chosen period.
    period: Memo<Period>,
    /// The page's address, without the query.
    path: String,
) -> impl IntoView {
    let lang = use_lang();
    let navigate = use_navigate();
    let periods = plan_periods(plan.start_date, plan.end_date, &plan.phases);
    let options = periods
        .into_iter()
        .map(|option| {
            let code = option.to_string();
            let selected = option;
            view! {
                <option value=code prop:selected=move || period.get() == selected>
                    {move || option.label(lang.get())}
                </option>
            }
        })
        .collect_view();
    view! {
        <div class="field period-picker">
            <label for="plan-period">{move || lang.t(Key::Period)}</label>
            <select
                id="plan-period"
                on:change=move |event| {
                    let chosen = event_target_value(&event);
                    navigate(&href_with(&path, &[("period", Some(chosen))]), Default::default());
                }
            >
                {options}
            </select>
        </div>
    }
}

/// The dashboard.
#[component]
fn IndicatorsTab(plan: Plan) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let session = use_session();
    let id = plan.id;
    let issuing_id = plan.issuing_facility.id;
    let period = use_period(&plan);
    let board = LocalResource::new(move || {
        let query = PeriodQuery {
            period: Some(period.get().to_string()),
            facility_id: None,
        };
        async move { api::plans::board(api, id, &query).await }
    });
    let reload = Callback::new(move |()| board.refetch());
    let approves = Memo::new(move |_| {
        session
            .me()
            .is_some_and(|me| approves_values_of(&me, issuing_id))
    });
    let (plan_start, plan_end) = (plan.start_date, plan.end_date);
    // The quarters of the chosen period's year, within the plan.
    let year = Memo::new(move |_| match period.get() {
        Period::Year(year) | Period::Half(year, _) | Period::Quarter(year, _) => year,
        Period::Phase(_) => super::today().clamp(plan_start, plan_end).year(),
    });
    let quarters = LocalResource::new(move || {
        let year = year.get();
        async move { quarter_boards(api, id, year, plan_start, plan_end).await }
    });

    view! {
        <div class="board-toolbar">
            <PeriodPicker plan=plan.clone() period path=plan_page_href(id, "indicators") />
            <p class="muted small">{move || lang.t(Key::BoardIntro)}</p>
        </div>
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                loaded(
                    board.await,
                    move |board| {
                        let approvals = board.approvals.clone();
                        let period_code = board.period.clone();
                        view! {
                            <h2 id="plan-board-title">
                                {
                                    let label = board.period_label.clone();
                                    let period = board.period.parse::<Period>().ok();
                                    move || period.map_or_else(|| label.clone(), |period| period.label(lang.get()))
                                }
                            </h2>
                            <BoardSummary rows=board.rows.clone() />
                            <h2>{move || lang.t(Key::Charts)}</h2>
                            <Charts rows=board.rows.clone() quarters />
                            <h2>{move || lang.t(Key::BoardDetail)}</h2>
                            <BoardTable rows=board.rows />
                            {move || {
                                approves
                                    .get()
                                    .then(|| {
                                        view! {
                                            <ApprovalPanel
                                                plan_id=id
                                                period=period_code.clone()
                                                approvals=approvals.clone()
                                                on_changed=reload
                                            />
                                        }
                                    })
                            }}
                        }
                    },
                )
            })}
        </Transition>
    }
}

/// The board of each quarter of `year` that overlaps the plan; a quarter whose board
/// could not be read counts as empty.
async fn quarter_boards(
    api: crate::api::Api,
    id: i64,
    year: i32,
    start: chrono::NaiveDate,
    end: chrono::NaiveDate,
) -> Vec<(Period, Option<IndicatorBoard>)> {
    let quarters: Vec<Period> = Period::quarters(year)
        .into_iter()
        .filter(|quarter| {
            quarter
                .span(&[])
                .is_some_and(|(first, last)| first <= end && last >= start)
        })
        .collect();
    let boards = futures::future::join_all(quarters.iter().map(|quarter| {
        let query = PeriodQuery {
            period: Some(quarter.to_string()),
            facility_id: None,
        };
        async move { api::plans::board(api, id, &query).await.ok() }
    }))
    .await;
    quarters.into_iter().zip(boards).collect()
}

/// The indicators in the board's order (code, name, direction), each with its rows.
pub(super) fn by_indicator(rows: Vec<BoardRow>) -> Vec<(BoardRow, Vec<BoardRow>)> {
    let mut groups: Vec<(BoardRow, Vec<BoardRow>)> = Vec::new();
    for row in rows {
        match groups
            .iter_mut()
            .find(|(first, _)| first.indicator_code == row.indicator_code)
        {
            Some((_, group)) => group.push(row),
            None => groups.push((row.clone(), vec![row])),
        }
    }
    groups
}

/// The columns of the summary: the stations in the board's order, then the whole
/// network when an indicator is counted over it.
fn summary_columns(rows: &[BoardRow]) -> Vec<Option<FacilityRef>> {
    let mut columns: Vec<Option<FacilityRef>> = Vec::new();
    for row in rows {
        if !columns.contains(&row.facility) {
            columns.push(row.facility.clone());
        }
    }
    columns.sort_by_key(Option::is_none);
    columns
}

/// The summary before everything else: one line per indicator, one column per station,
/// each cell its traffic light with the attainment (at most 100 %) and the actual value
/// beside it; the last column the average attainment over the stations, capped the same
/// way.
#[component]
pub(super) fn BoardSummary(rows: Vec<BoardRow>) -> impl IntoView {
    let lang = use_lang();
    if rows.is_empty() {
        return ().into_any();
    }
    let columns = summary_columns(&rows);
    let headings = columns
        .iter()
        .map(|column| {
            let name = column.as_ref().map(|facility| facility.name.clone());
            view! {
                <th scope="col" class="summary-station">
                    {move || name.clone().unwrap_or_else(|| lang.t(Key::WholeNetwork).to_string())}
                </th>
            }
        })
        .collect_view();
    let lines = by_indicator(rows)
        .into_iter()
        .map(|(first, group)| {
            let average = average_attainment(group.iter().filter_map(|row| row.attainment));
            let cells = columns
                .iter()
                .map(|column| {
                    let row = group.iter().find(|row| &row.facility == column).cloned();
                    view! { <SummaryCell row /> }
                })
                .collect_view();
            let direction = first.direction;
            view! {
                <tr class="summary-row" data-indicator=first.indicator_code.clone()>
                    <th scope="row">
                        <code>{first.indicator_code.clone()}</code>
                        " "
                        {first.indicator_name.clone()}
                        " "
                        <DirectionNote direction />
                    </th>
                    {cells}
                    <td
                        class=format!("number summary-average {}", light_class(average.map(TrafficLight::of)))
                        data-percent=average
                    >
                        {move || format_percent(lang.get(), average)}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="board-summary-box" aria-labelledby="plan-board-summary-title">
            <h2 id="plan-board-summary-title">{move || lang.t(Key::BoardSummary)}</h2>
            <p class="muted small">{move || lang.t(Key::BoardSummaryHint)}</p>
            <div class="table-wrap">
                <CardTable class="board-summary" id="plan-board-summary">
                    <thead>
                        <tr>
                            <th scope="col">{move || lang.t(Key::Indicator)}</th>
                            {headings}
                            <th scope="col" class="number">{move || lang.t(Key::AverageAttainment)}</th>
                        </tr>
                    </thead>
                    <tbody>{lines}</tbody>
                </CardTable>
            </div>
        </section>
    }
    .into_any()
}

/// One cell of the summary: the light, the attainment and, beside it, the value.
#[component]
fn SummaryCell(row: Option<BoardRow>) -> impl IntoView {
    let lang = use_lang();
    let Some(row) = row else {
        return view! { <td class="summary-cell light-none">"—"</td> }.into_any();
    };
    let (kind, unit, actual, attainment) = (row.kind, row.unit.clone(), row.actual, row.attainment);
    let light = row.light;
    view! {
        <td
            class=format!("summary-cell {}", light_class(light))
            data-light=light.map(|light| light.as_str())
            data-facility-id=row.facility.as_ref().map(|facility| facility.id)
            title=move || light.map(|light| light.label(lang.get()).to_string())
        >
            <span class="light-dot" aria-hidden="true"></span>
            <span class="summary-percent">{move || format_percent(lang.get(), attainment)}</span>
            <span class="summary-actual muted small">
                {move || format_value(lang.get(), kind, &unit, actual)}
            </span>
        </td>
    }
    .into_any()
}

/// Every indicator per station: target, actual, attainment, light, approval (and who
/// reported, unless `compact`: the printed report leaves it out to fit the page).
#[component]
pub(super) fn BoardTable(rows: Vec<BoardRow>, #[prop(optional)] compact: bool) -> impl IntoView {
    let lang = use_lang();
    if rows.is_empty() {
        return view! { <NoResults /> }.into_any();
    }
    let body = rows
        .into_iter()
        .map(|row| {
            let (kind, unit) = (row.kind, row.unit.clone());
            let unit_for_actual = unit.clone();
            let (target, actual, attainment) = (row.target, row.actual, row.attainment);
            let reported = row.reported_at.map(|at| (at, row.reported_by.clone()));
            let (source, direction) = (row.source, row.direction);
            view! {
                <tr
                    class="board-row"
                    data-indicator=row.indicator_code.clone()
                    data-facility-id=row.facility.as_ref().map(|facility| facility.id)
                    data-light=row.light.map(|light| light.as_str())
                    data-approved=row.approved.to_string()
                >
                    <td>
                        <code>{row.indicator_code.clone()}</code>
                        " "
                        {row.indicator_name.clone()}
                        " "
                        <DirectionNote direction />
                        <span class="muted small block">{move || source.label(lang.get())}</span>
                    </td>
                    <td>
                        {match row.facility.clone() {
                            Some(facility) => facility.name.into_any(),
                            None => (move || lang.t(Key::WholeNetwork)).into_any(),
                        }}
                    </td>
                    <td class="number">{move || format_value(lang.get(), kind, &unit, target)}</td>
                    <td class="number board-actual">
                        {move || format_value(lang.get(), kind, &unit_for_actual, actual)}
                    </td>
                    <td class="number board-attainment">{move || format_percent(lang.get(), attainment)}</td>
                    <td>
                        <LightChip light=row.light />
                    </td>
                    <td>
                        <ApprovedBadge approved=row.approved />
                    </td>
                    {(!compact).then(|| view! {
                        <td class="small">
                            {reported
                                .map(|(at, by)| {
                                    view! {
                                        {by.unwrap_or_default()}
                                        <span class="muted block">{move || format_datetime(lang.get(), at)}</span>
                                    }
                                })}
                            {row.note.map(|note| view! { <span class="block board-note">{note}</span> })}
                        </td>
                    })}
                </tr>
            }
        })
        .collect_view();
    let mut headings = vec![
        Heading::Label(Key::Indicator),
        Heading::Label(Key::Facility),
        Heading::Number(Key::TargetValue),
        Heading::Number(Key::ActualValue),
        Heading::Number(Key::Attainment),
        Heading::Label(Key::Light),
        Heading::Label(Key::ValuesApproval),
    ];
    if !compact {
        headings.push(Heading::Label(Key::ReportedBy));
    }
    view! {
        <DataTable class="board" id="plan-board" headings>
            {body}
        </DataTable>
    }
    .into_any()
}

/// Per indicator, the bar chart of the stations and the chart of the quarters.
#[component]
fn Charts(
    rows: Vec<BoardRow>,
    quarters: LocalResource<Vec<(Period, Option<IndicatorBoard>)>>,
) -> impl IntoView {
    let lang = use_lang();
    let groups = by_indicator(rows);
    if groups.is_empty() {
        return ().into_any();
    }
    groups
        .into_iter()
        .map(|(first, rows)| {
            let (code, name) = (first.indicator_code, first.indicator_name);
            let quarter_code = code.clone();
            view! {
                <section class="indicator-charts" data-indicator=code.clone()>
                    <IndicatorChart code=code.clone() name rows />
                    <div class="quarter-chart-box">
                        <p class="small muted">{move || lang.t(Key::ChartByQuarter)}</p>
                        <Transition fallback=|| view! { <Loading /> }>
                            {
                                let code = quarter_code.clone();
                                move || {
                                    let code = code.clone();
                                    Suspend::new(async move {
                                        let boards = quarters.await;
                                        let lang = lang.get_untracked();
                                        let points = quarter_points(&boards, &code, lang);
                                        view! { <QuarterChart code points /> }
                                    })
                                }
                            }
                        </Transition>
                    </div>
                </section>
            }
        })
        .collect_view()
        .into_any()
}

/// Per quarter, the average attainment of an indicator over the rows that have one,
/// each counted at most 100 % (the same rule as the summary).
fn quarter_points(
    boards: &[(Period, Option<IndicatorBoard>)],
    code: &str,
    lang: Lang,
) -> Vec<(String, Option<f64>)> {
    boards
        .iter()
        .map(|(quarter, board)| {
            let label = match (quarter, lang) {
                (Period::Quarter(_, q), Lang::Vi) => format!("Quý {q}"),
                (Period::Quarter(_, q), Lang::En) => format!("Q{q}"),
                (other, _) => other.label(lang),
            };
            let average = average_attainment(
                board
                    .iter()
                    .flat_map(|board| &board.rows)
                    .filter(|row| row.indicator_code == code)
                    .filter_map(|row| row.attainment),
            );
            (label, average)
        })
        .collect()
}

/// Approval per station: approve (locks the values) or un-approve with a reason.
#[component]
fn ApprovalPanel(
    plan_id: i64,
    period: String,
    approvals: Vec<PeriodApproval>,
    on_changed: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let period = StoredValue::new(period);
    let run = Action::new_local(move |(approval, input): &(Approval, PeriodApprovalInput)| {
        let (approval, input) = (*approval, input.clone());
        async move { api::plans::approve_values(api, plan_id, approval, &input).await }
    });
    let pending = run.pending();
    let unapproving = RwSignal::new(None::<i64>);
    let reason = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(Ok(_)) = run.value().get() {
            unapproving.set(None);
            reason.set(String::new());
            on_changed.run(());
        }
    });
    let failure = move || run.value().get().and_then(Result::err);
    if approvals.is_empty() {
        return ().into_any();
    }
    let rows = approvals
        .into_iter()
        .map(|approval| {
            let facility_id = approval.facility.id;
            let approved = approval.approved;
            let when = approval.at.map(|at| (at, approval.by.clone()));
            let input = move |text: Option<String>| PeriodApprovalInput {
                facility_id,
                period: period.get_value(),
                reason: text,
            };
            let button = if approved {
                view! {
                    <button
                        type="button"
                        class="button danger small plan-values-unapprove"
                        data-facility-id=facility_id
                        disabled=move || pending.get()
                        on:click=move |_| {
                            unapproving.update(|open| {
                                *open = if *open == Some(facility_id) { None } else { Some(facility_id) };
                            })
                        }
                    >
                        {move || lang.t(Key::UnapproveValues)}
                    </button>
                }
                .into_any()
            } else {
                view! {
                    <button
                        type="button"
                        class="button primary small plan-values-approve"
                        data-facility-id=facility_id
                        disabled=move || pending.get()
                        on:click=move |_| {
                            run.dispatch_local((Approval::Approve, input(None)));
                        }
                    >
                        {move || lang.t(Key::ApproveValues)}
                    </button>
                }
                .into_any()
            };
            let reason_id = format!("plan-unapprove-reason-{facility_id}");
            let reason_form = move || {
                (unapproving.get() == Some(facility_id)).then(|| {
                    let reason_id = reason_id.clone();
                    view! {
                        <div class="inline-form">
                            <label for=reason_id.clone()>{move || lang.t(Key::ReasonRequired)}</label>
                            <textarea
                                id=reason_id
                                rows="2"
                                prop:value=move || reason.get()
                                on:input=move |event| reason.set(event_target_value(&event))
                            ></textarea>
                            <button
                                type="button"
                                class="button danger small plan-unapprove-confirm"
                                data-facility-id=facility_id
                                disabled=move || pending.get() || reason.with(|r| r.trim().is_empty())
                                on:click=move |_| {
                                    let text = reason.get_untracked().trim().to_string();
                                    run.dispatch_local((Approval::Unapprove, input(Some(text))));
                                }
                            >
                                {move || lang.t(Key::Confirm)}
                            </button>
                        </div>
                    }
                })
            };
            view! {
                <tr class="approval-row" data-facility-id=facility_id data-approved=approved.to_string()>
                    <td>{approval.facility.name.clone()}</td>
                    <td>
                        <ApprovedBadge approved />
                    </td>
                    <td class="small">
                        {when
                            .map(|(at, by)| {
                                view! {
                                    {by.unwrap_or_default()} " · "
                                    {move || format_datetime(lang.get(), at)}
                                }
                            })}
                        {approval
                            .reason
                            .clone()
                            .map(|reason| view! { <span class="block muted">{reason}</span> })}
                    </td>
                    <td>{button} {reason_form}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="approval-panel" id="plan-approvals">
            <h2>{move || lang.t(Key::ValuesApproval)}</h2>
            <DataTable headings=vec![
                Heading::Label(Key::Facility),
                Heading::Label(Key::Status),
                Heading::Label(Key::LastChange),
                Heading::Label(Key::Actions),
            ]>
                {rows}
            </DataTable>
            {move || failure().map(|error: ApiError| view! { <ProblemView error /> })}
        </section>
    }
    .into_any()
}
