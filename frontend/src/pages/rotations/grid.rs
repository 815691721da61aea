//! The plan as a calendar: one row per station, one column per week (its Monday), and
//! in each cell who goes there that week on which days, with the demand nobody fills
//! shown as an empty red slot.

use chrono::{Datelike, Duration, NaiveDate};
use leptos::prelude::*;
use shared::Labelled;
use shared::registry::{FacilityRef, Profession};
use shared::rotation::{
    AssignmentStatus, DemandPattern, RotationAssignment, RotationDemand, Span, Weekdays, monday_of,
};

use super::editor::Editing;
use super::{AssignmentStatusBadge, format_period};
use crate::contexts::use_lang;
use crate::i18n::{Key, format_date};

/// The Mondays of the weeks the period touches.
pub(super) fn weeks(start: NaiveDate, end: NaiveDate) -> Vec<NaiveDate> {
    let mut mondays = Vec::new();
    let mut monday = monday_of(start);
    while monday <= end {
        mondays.push(monday);
        monday += Duration::days(7);
    }
    mondays
}

/// The stations that have a demand or an assignment, by name.
pub(super) fn stations(
    demands: &[RotationDemand],
    assignments: &[RotationAssignment],
) -> Vec<FacilityRef> {
    let mut stations: Vec<FacilityRef> = demands
        .iter()
        .map(|demand| demand.station.clone())
        .chain(assignments.iter().map(|a| a.station.clone()))
        .collect();
    stations.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    stations.dedup_by_key(|station| station.id);
    stations
}

/// The part of a span inside the week starting on `monday`: its days as a weekday set,
/// `None` when it has none that week.
fn within_week(span: &Span, monday: NaiveDate) -> Option<Weekdays> {
    let sunday = monday + Duration::days(6);
    let week = Span::new(span.start.max(monday), span.end.min(sunday), span.weekdays);
    let days: Vec<_> = week.days().map(|day| day.weekday()).collect();
    (!days.is_empty()).then(|| Weekdays::of(&days))
}

/// One assignment's days in one week.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Visit {
    pub assignment: RotationAssignment,
    pub days: Weekdays,
}

/// Days of one week a demand still lacks people on.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Gap {
    pub demand_id: i64,
    pub station_id: i64,
    pub profession: Profession,
    /// Most people missing on one of those days.
    pub missing: i64,
    /// The days lacking people.
    pub days: Weekdays,
    /// The demand's days inside the week (what a new assignment would cover).
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// A continuous posting: filled from this week to the demand's end at once.
    pub continuous_until: Option<NaiveDate>,
}

/// What one station has in one week.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Cell {
    pub visits: Vec<Visit>,
    pub gaps: Vec<Gap>,
}

/// The cell of `station_id` in the week starting on `monday`.
pub(super) fn cell(
    station_id: i64,
    monday: NaiveDate,
    demands: &[RotationDemand],
    assignments: &[RotationAssignment],
) -> Cell {
    let visits = assignments
        .iter()
        .filter(|a| a.station.id == station_id)
        .filter_map(|a| {
            within_week(&a.span(), monday).map(|days| Visit {
                assignment: a.clone(),
                days,
            })
        })
        .collect();
    let sunday = monday + Duration::days(6);
    let gaps = demands
        .iter()
        .filter(|d| d.station.id == station_id)
        .filter_map(|demand| {
            let span = demand.span();
            let week = Span::new(span.start.max(monday), span.end.min(sunday), span.weekdays);
            let filling: Vec<&RotationAssignment> = assignments
                .iter()
                .filter(|a| a.demand_id == Some(demand.id) && a.status.books())
                .collect();
            let mut missing = 0;
            let mut days = Vec::new();
            for day in week.days() {
                let filled = filling.iter().filter(|a| a.span().contains(day)).count() as i64;
                let short = i64::from(demand.count) - filled;
                if short > 0 {
                    missing = missing.max(short);
                    days.push(day.weekday());
                }
            }
            (missing > 0).then(|| Gap {
                demand_id: demand.id,
                station_id,
                profession: demand.profession,
                missing,
                days: Weekdays::of(&days),
                start: week.start,
                end: week.end,
                continuous_until: (demand.pattern == DemandPattern::Continuous)
                    .then_some(demand.end_date),
            })
        })
        .collect();
    Cell { visits, gaps }
}

/// The calendar grid of a plan. Planners pick a slot to edit it, or an empty one to fill.
#[component]
pub(super) fn CalendarGrid(
    start: NaiveDate,
    end: NaiveDate,
    demands: Vec<RotationDemand>,
    assignments: Vec<RotationAssignment>,
    /// Called with what to edit; `None` for readers who cannot plan.
    on_pick: Option<Callback<Editing>>,
) -> impl IntoView {
    let lang = use_lang();
    let stations = stations(&demands, &assignments);
    if stations.is_empty() {
        return view! { <p class="empty">{move || lang.t(Key::NoStationsYet)}</p> }.into_any();
    }
    let weeks = weeks(start, end);
    let header = weeks
        .iter()
        .map(|monday| {
            let monday = *monday;
            view! {
                <th scope="col" data-week=monday.to_string()>
                    <span title=move || {
                        format!("{} {}", lang.t(Key::WeekOf), format_date(lang.get(), monday))
                    }>{monday.format("%d/%m").to_string()}</span>
                </th>
            }
        })
        .collect_view();
    let rows = stations
        .into_iter()
        .map(|station| {
            let cells = weeks
                .iter()
                .map(|monday| {
                    let cell = cell(station.id, *monday, &demands, &assignments);
                    view! { <GridCell cell on_pick /> }
                })
                .collect_view();
            view! {
                <tr data-station-id=station.id>
                    <th scope="row">{station.name}</th>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap rotation-grid-wrap">
            <table class="rotation-grid" id="rotation-grid">
                <thead>
                    <tr>
                        <th scope="col">{move || lang.t(Key::Station)}</th>
                        {header}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <GridLegend />
    }
    .into_any()
}

/// One station's week: its visits, then its empty slots.
#[component]
fn GridCell(cell: Cell, on_pick: Option<Callback<Editing>>) -> impl IntoView {
    let visits = cell
        .visits
        .into_iter()
        .map(|visit| view! { <VisitSlot visit on_pick /> })
        .collect_view();
    let gaps = cell
        .gaps
        .into_iter()
        .map(|gap| view! { <GapSlot gap on_pick /> })
        .collect_view();
    view! { <td class="grid-cell">{visits} {gaps}</td> }
}

/// Someone at the station that week: who, which days, coloured by status.
#[component]
fn VisitSlot(visit: Visit, on_pick: Option<Callback<Editing>>) -> impl IntoView {
    let lang = use_lang();
    let assignment = visit.assignment;
    let days = visit.days;
    let status = assignment.status;
    let id = assignment.id;
    let (start, end) = (assignment.start_date, assignment.end_date);
    let weekdays = assignment.weekdays;
    let title = {
        let name = assignment.staff.full_name.clone();
        move || {
            let lang = lang.get();
            format!(
                "{name} · {} · {} · {}",
                format_period(lang, start, end),
                weekdays.label(lang),
                status.label(lang)
            )
        }
    };
    let content = {
        let name = assignment.staff.full_name.clone();
        move || {
            view! {
                <span class="slot-person">{name.clone()}</span>
                <span class="slot-days">{move || days.label(lang.get())}</span>
            }
        }
    };
    let class = format!("slot assignment-{}", status.as_str());
    match on_pick {
        Some(pick) => view! {
            <button
                type="button"
                class=class
                data-test="assignment-slot"
                data-assignment-id=id
                data-status=status.as_str()
                title=title
                on:click=move |_| pick.run(Editing::Existing(Box::new(assignment.clone())))
            >
                {content}
            </button>
        }
        .into_any(),
        None => view! {
            <span
                class=class
                data-test="assignment-slot"
                data-assignment-id=id
                data-status=status.as_str()
                title=title
            >
                {content}
            </span>
        }
        .into_any(),
    }
}

/// Demand nobody fills that week: an empty red slot, a planner's shortcut to fill it.
#[component]
fn GapSlot(gap: Gap, on_pick: Option<Callback<Editing>>) -> impl IntoView {
    let lang = use_lang();
    let text = move || {
        let lang = lang.get();
        format!(
            "{} {} {} · {}",
            crate::i18n::t(lang, Key::Unfilled),
            gap.missing,
            gap.profession.label(lang).to_lowercase(),
            gap.days.label(lang)
        )
    };
    match on_pick {
        Some(pick) => view! {
            <button
                type="button"
                class="slot gap"
                data-test="unfilled-slot"
                data-demand-id=gap.demand_id
                title=move || lang.t(Key::FillThisSlot)
                on:click=move |_| pick.run(Editing::fill(&gap))
            >
                {text}
            </button>
        }
        .into_any(),
        None => view! {
            <span class="slot gap" data-test="unfilled-slot" data-demand-id=gap.demand_id>
                {text}
            </span>
        }
        .into_any(),
    }
}

/// What the colours mean.
#[component]
fn GridLegend() -> impl IntoView {
    let lang = use_lang();
    let statuses = [
        AssignmentStatus::Proposed,
        AssignmentStatus::Published,
        AssignmentStatus::Confirmed,
        AssignmentStatus::Done,
        AssignmentStatus::Absent,
        AssignmentStatus::Cancelled,
    ]
    .into_iter()
    .map(|status| view! { <AssignmentStatusBadge status /> })
    .collect_view();
    view! {
        <p class="grid-legend" aria-label=move || lang.t(Key::Legend)>
            {statuses}
            <span class="badge slot-gap-badge">{move || lang.t(Key::UnfilledDemand)}</span>
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn weeks_start_on_the_monday_before_the_period() {
        // 1 April 2026 is a Wednesday; 30 June a Tuesday.
        let mondays = weeks(d(2026, 4, 1), d(2026, 6, 30));
        assert_eq!(mondays.first(), Some(&d(2026, 3, 30)));
        assert_eq!(mondays.last(), Some(&d(2026, 6, 29)));
        assert_eq!(mondays.len(), 14);
    }

    #[test]
    fn a_span_shows_only_its_days_of_the_week() {
        let thursdays = Span::new(
            d(2026, 4, 1),
            d(2026, 6, 30),
            Weekdays::of(&[chrono::Weekday::Thu]),
        );
        assert_eq!(
            within_week(&thursdays, d(2026, 4, 6)),
            Some(Weekdays::of(&[chrono::Weekday::Thu]))
        );
        assert_eq!(within_week(&thursdays, d(2026, 7, 6)), None);
    }
}
