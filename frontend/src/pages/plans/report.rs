//! `/plans/:id/report?period=`: the periodic report to the Department of Health — a
//! summary first (the traffic light of every indicator per station), then the charts,
//! the activities of the period, what happened at each station (rotation days,
//! consultations, referrals up, back and avoided, follow-ups on time), and indicator
//! attainment in detail — printable on A4 portrait (`@page plan-report` in the style
//! sheet), and exported by the server as XLSX.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::Labelled;
use shared::plan::{Period, Plan, PlanReport, ReportActivity, StationFigures};

use super::board::{BoardSummary, BoardTable, PeriodPicker, by_indicator, use_period};
use super::charts::IndicatorChart;
use super::{
    InvalidPlanId, format_number, format_span, plan_href, plan_page_href, print_page, use_id_param,
};
use crate::api::plans::FileKind;
use crate::api::{self, use_api};
use crate::components::DownloadButton;
use crate::components::list::{DataTable, Heading};
use crate::components::{Loading, NoResults, loaded};
use crate::contexts::use_lang;
use crate::i18n::{Key, format_date, format_datetime};

/// `/plans/:id/report`.
#[component]
pub fn PlanReportPage() -> impl IntoView {
    let id = use_id_param();
    move || match id.get() {
        Some(id) => view! { <ReportPage id /> }.into_any(),
        None => view! { <InvalidPlanId /> }.into_any(),
    }
}

#[component]
fn ReportPage(id: i64) -> impl IntoView {
    let api = use_api();
    let plan = LocalResource::new(move || api::plans::get(api, id));
    view! {
        <section class="page plan-report-page">
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    loaded(plan.await, |plan| view! { <ReportOfPeriod plan /> })
                })}
            </Transition>
        </section>
    }
}

/// The toolbar (period, export, print) and the report of the chosen period.
#[component]
fn ReportOfPeriod(plan: Plan) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let id = plan.id;
    let period = use_period(&plan);
    let report = LocalResource::new(move || {
        let period: Period = period.get();
        async move { api::plans::report(api, id, Some(period.to_string())).await }
    });
    view! {
        <div class="report-toolbar">
            <A href=plan_href(id)>{move || lang.t(Key::BackToPlan)}</A>
            <PeriodPicker plan period path=plan_page_href(id, "report") />
            <div class="header-links">
                {move || {
                    let file = FileKind::ReportXlsx(id, Some(period.get().to_string()));
                    view! { <DownloadButton id="plan-report-xlsx" label=Key::ExportExcel file /> }
                }}
                <button
                    type="button"
                    class="button primary"
                    id="plan-report-print"
                    on:click=move |_| print_page()
                >
                    {move || lang.t(Key::Print)}
                </button>
            </div>
        </div>
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                loaded(report.await, |report| view! { <ReportSheet report /> })
            })}
        </Transition>
    }
}

/// The report itself.
#[component]
fn ReportSheet(report: PlanReport) -> impl IntoView {
    let lang = use_lang();
    let (from, to) = (report.from, report.to);
    let generated = report.generated_at;
    view! {
        <article class="plan-report" id="plan-report" data-period=report.period.clone()>
            <header class="plan-report-head">
                <p class="muted">{report.plan.issuing_facility.name.clone()}</p>
                <h1>{move || lang.t(Key::ReportTitle)}</h1>
                <p class="plan-report-plan">
                    <code>{report.plan.code.clone()}</code> " " {report.plan.title.clone()}
                </p>
                <p>
                    <strong id="plan-report-period">{report.period_label.clone()}</strong>
                    " (" {move || format_span(lang.get(), from, to)} ")"
                </p>
                <p class="small muted">
                    {move || lang.t(Key::GeneratedAt)} " " {move || format_datetime(lang.get(), generated)}
                </p>
            </header>
            <BoardSummary rows=report.indicators.clone() />
            <ReportCharts rows=report.indicators.clone() />
            <h2>{move || format!("1. {}", lang.t(Key::TabActivities))}</h2>
            <ActivitiesTable activities=report.activities />
            <h2>{move || format!("2. {}", lang.t(Key::StationFiguresTitle))}</h2>
            <StationsTable stations=report.stations />
            <h2>{move || format!("3. {}", lang.t(Key::IndicatorAttainment))}</h2>
            <BoardTable rows=report.indicators compact=true />
        </article>
    }
}

/// One chart per indicator (actual against target, per station), two to a row on paper.
#[component]
fn ReportCharts(rows: Vec<shared::plan::BoardRow>) -> impl IntoView {
    let lang = use_lang();
    let groups = by_indicator(rows);
    if groups.is_empty() {
        return ().into_any();
    }
    let charts = groups
        .into_iter()
        .map(|(first, rows)| {
            view! { <IndicatorChart code=first.indicator_code name=first.indicator_name rows /> }
        })
        .collect_view();
    view! {
        <h2>{move || lang.t(Key::Charts)}</h2>
        <div class="report-charts">{charts}</div>
    }
    .into_any()
}

#[component]
fn ActivitiesTable(activities: Vec<ReportActivity>) -> impl IntoView {
    let lang = use_lang();
    if activities.is_empty() {
        return view! { <NoResults /> }.into_any();
    }
    let rows = activities
        .into_iter()
        .map(|activity| {
            let (kind, status) = (activity.kind, activity.status);
            let delivered = activity.delivered_on;
            let rating = activity.average_rating;
            view! {
                <tr class="report-activity" data-status=status.as_str()>
                    <td>{activity.group}</td>
                    <td>{activity.title}</td>
                    <td>{move || kind.label(lang.get())}</td>
                    <td>{activity.responsible_unit}</td>
                    <td>{activity.facilities.join(", ")}</td>
                    <td>
                        <span class=format!("badge activity-status-{}", status.as_str())>
                            {move || status.label(lang.get())}
                        </span>
                    </td>
                    <td class="when">{move || delivered.map(|day| format_date(lang.get(), day))}</td>
                    <td class="number">
                        {move || rating.map(|rating| format!("{}/5", format_number(lang.get(), rating)))}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable class="report-activities" headings=vec![
            Heading::Label(Key::ActivityGroup),
            Heading::Label(Key::ActivityTitle),
            Heading::Label(Key::ActivityKindLabel),
            Heading::Label(Key::ResponsibleUnit),
            Heading::Label(Key::ActivityFacilities),
            Heading::Label(Key::Status),
            Heading::Label(Key::DeliveredOn),
            Heading::Number(Key::AverageRating),
        ]>
            {rows}
        </DataTable>
    }
    .into_any()
}

#[component]
fn StationsTable(stations: Vec<StationFigures>) -> impl IntoView {
    let lang = use_lang();
    if stations.is_empty() {
        return view! { <NoResults /> }.into_any();
    }
    let rows = stations
        .into_iter()
        .map(|station| {
            let days = station.rotation_days;
            view! {
                <tr class="report-station" data-facility-id=station.facility.id>
                    <td>{station.facility.name}</td>
                    <td class="number">{move || format_number(lang.get(), days)}</td>
                    <td class="number">{station.rotation_absences}</td>
                    <td class="number">{station.consultations_held}</td>
                    <td class="number">{station.referrals_up}</td>
                    <td class="number">{station.back_referrals}</td>
                    <td class="number">{station.referrals_avoided}</td>
                    <td class="number">
                        {format!("{}/{}", station.follow_ups_on_time, station.follow_ups_due)}
                    </td>
                    <td class="number">{station.activities_done}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable class="report-stations" headings=vec![
            Heading::Label(Key::Station),
            Heading::Number(Key::RotationDays),
            Heading::Number(Key::RotationAbsences),
            Heading::Number(Key::ConsultationsHeld),
            Heading::Number(Key::ReferralsUp),
            Heading::Number(Key::BackReferrals),
            Heading::Number(Key::ReferralsAvoided),
            Heading::Number(Key::FollowUpsOnTime),
            Heading::Number(Key::ActivitiesDone),
        ]>
            {rows}
        </DataTable>
    }
    .into_any()
}
