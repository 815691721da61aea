//! The editor's fields as typed, what is wrong with them before any rule is asked, and
//! the choices they offer.

use chrono::NaiveDate;
use leptos::prelude::*;
use shared::Labelled;
use shared::registry::Profession;
use shared::rotation::{AssignmentInput, Roster, RotationDemand, RotationPlan, Span, Weekdays};
use shared::validation::field_messages;
use validator::Validate;

use super::Editing;
use crate::components::form::FieldMessages;
use crate::i18n::{Key, t};
use crate::pages::rotations::{format_period, parse_date};

/// One person the planner may choose.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Candidate {
    pub(super) id: i64,
    pub(super) label: String,
}

/// The roster's people of a profession (all when none is asked), by name; `keep` stays
/// in the list even when it does not fit, so the rules can say why.
pub(super) fn candidates(
    roster: &Roster,
    profession: Option<Profession>,
    keep: Option<i64>,
    lang: shared::Lang,
) -> Vec<Candidate> {
    let mut people: Vec<Candidate> = roster
        .staff
        .iter()
        .filter(|s| {
            Some(s.id) == keep || (s.active && profession.is_none_or(|p| p == s.profession))
        })
        .map(|s| {
            let department = s
                .department_id
                .and_then(|id| roster.departments.iter().find(|d| d.id == id))
                .map(|d| format!(" · {}", d.name))
                .unwrap_or_default();
            let exempt = if s.exemption.is_some() {
                format!(" ({})", t(lang, Key::RotationExempt))
            } else {
                String::new()
            };
            Candidate {
                id: s.id,
                label: format!(
                    "{} — {}{department}{exempt}",
                    s.full_name,
                    s.profession.label(lang)
                ),
            }
        })
        .collect();
    people.sort_by(|a, b| a.label.cmp(&b.label));
    people
}

/// The fields as typed.
#[derive(Debug, Clone, Copy)]
pub(super) struct Fields {
    pub(super) demand_id: RwSignal<String>,
    pub(super) staff_id: RwSignal<String>,
    pub(super) station_id: RwSignal<String>,
    pub(super) start: RwSignal<String>,
    pub(super) end: RwSignal<String>,
    pub(super) weekdays: RwSignal<u8>,
}

impl Fields {
    pub(super) fn new(editing: &Editing) -> Fields {
        let text = |value: Option<i64>| value.map(|v| v.to_string()).unwrap_or_default();
        let date = |value: Option<NaiveDate>| value.map(|d| d.to_string()).unwrap_or_default();
        let (demand, staff, station, start, end, weekdays) = match editing {
            Editing::New(prefill) => (
                prefill.demand_id,
                None,
                prefill.station_id,
                prefill.start,
                prefill.end,
                prefill.weekdays,
            ),
            Editing::Existing(a) => (
                a.demand_id,
                Some(a.staff.id),
                Some(a.station.id),
                Some(a.start_date),
                Some(a.end_date),
                a.weekdays,
            ),
        };
        Fields {
            demand_id: RwSignal::new(text(demand)),
            staff_id: RwSignal::new(text(staff)),
            station_id: RwSignal::new(text(station)),
            start: RwSignal::new(date(start)),
            end: RwSignal::new(date(end)),
            weekdays: RwSignal::new(weekdays.0),
        }
    }

    /// The request body, when every field can be read (tracked).
    pub(super) fn input(self, plan_id: i64) -> Option<AssignmentInput> {
        Some(AssignmentInput {
            plan_id,
            demand_id: self.demand_id.with(|t| t.parse().ok()),
            staff_id: self.staff_id.with(|t| t.parse().ok())?,
            station_id: self.station_id.with(|t| t.parse().ok())?,
            start_date: parse_date(&self.start.get())?,
            end_date: parse_date(&self.end.get())?,
            weekdays: Weekdays(self.weekdays.get()),
        })
    }
}

/// What is wrong with the fields before any rule is asked: choices missing, dates
/// unreadable or outside the plan, no day left (tracked).
pub(super) fn field_problems(
    fields: Fields,
    plan: &RotationPlan,
    lang: shared::Lang,
) -> FieldMessages {
    let mut messages = FieldMessages::new();
    let mut note = |path: &str, key: Key| {
        messages
            .entry(path.to_string())
            .or_default()
            .push(t(lang, key).to_string());
    };
    if fields.staff_id.with(String::is_empty) {
        note("staff_id", Key::ChoiceRequired);
    }
    if fields.station_id.with(String::is_empty) {
        note("station_id", Key::ChoiceRequired);
    }
    let start = parse_date(&fields.start.get());
    let end = parse_date(&fields.end.get());
    if start.is_none() {
        note("start_date", Key::DateRequired);
    }
    if end.is_none() {
        note("end_date", Key::DateRequired);
    }
    let weekdays = Weekdays(fields.weekdays.get());
    if let (Some(start), Some(end)) = (start, end) {
        if start < plan.start_date || end > plan.end_date {
            note("start_date", Key::OutsidePlanPeriod);
        }
        if end >= start && weekdays.is_valid() && Span::new(start, end, weekdays).day_count() == 0 {
            note("weekdays", Key::NoDaysInRange);
        }
    }
    if !weekdays.is_valid() {
        note("weekdays", Key::ChooseWeekdays);
    }
    if let Some(input) = fields.input(plan.id)
        && let Err(errors) = input.validate()
    {
        for (path, list) in field_messages(&errors, lang) {
            // The weekday rule's own message is the plainer one above.
            if path != "weekdays" {
                messages.entry(path).or_default().extend(list);
            }
        }
    }
    messages
}

/// `<option>`s for records by id, marking the one `chosen` holds.
pub(super) fn id_options(records: Vec<(i64, String)>, chosen: RwSignal<String>) -> impl IntoView {
    records
        .into_iter()
        .map(|(id, name)| {
            let value = id.to_string();
            let selected = value.clone();
            view! {
                <option value=value prop:selected=move || chosen.with(|v| *v == selected)>
                    {name}
                </option>
            }
        })
        .collect_view()
}

/// `<option>`s for the plan's demands: station, profession and specialty, days, period.
pub(super) fn demand_options(
    demands: &[RotationDemand],
    chosen: RwSignal<String>,
) -> impl IntoView + use<> {
    let lang = crate::contexts::use_lang();
    demands
        .iter()
        .map(|d| {
            let value = d.id.to_string();
            let selected = value.clone();
            let d = d.clone();
            let label = move || {
                let lang = lang.get();
                let specialty = d
                    .specialty
                    .as_deref()
                    .map(|code| format!(" ({})", shared::registry::specialty_label(code, lang)))
                    .unwrap_or_default();
                format!(
                    "{} · {}{specialty} · {} · {}",
                    d.station.name,
                    d.profession.label(lang),
                    d.weekdays.label(lang),
                    format_period(lang, d.start_date, d.end_date)
                )
            };
            view! {
                <option value=value prop:selected=move || chosen.with(|v| *v == selected)>
                    {label}
                </option>
            }
        })
        .collect_view()
}
