//! The stations' demands of a plan, and the form that adds one: who is needed (profession,
//! specialty, how many), how (a continuous posting or given weekdays) and when, checked
//! with the shared validators as it is typed.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::Labelled;
use shared::registry::{FacilityRef, Profession};
use shared::rotation::{DemandInput, DemandPattern, RotationDemand, RotationPlan, Span, Weekdays};
use validator::Validate;

use super::{WeekdayPicker, format_period, parse_date};
use crate::api::{self, new_idempotency_key, use_api};
use crate::components::form::{
    CheckedSend, FieldMessages, FormText, InputKind, StaleNotice, SubmitButton, is_stale,
    rule_messages,
};
use crate::components::list::{DataTable, Heading};
use crate::components::{FieldErrors, NoResults, ProblemView, enum_options, specialty_options};
use crate::contexts::use_lang;
use crate::i18n::{Key, t};

/// The new demand's fields, whose messages show next to them.
const DEMAND_FIELDS: &[&str] = &[
    "station_id",
    "specialty",
    "count",
    "start_date",
    "end_date",
    "weekdays",
    "note",
];

/// The demands as a table.
#[component]
pub(super) fn DemandTable(
    demands: Vec<RotationDemand>,
    /// Called with the demand whose "edit" was pressed (none: no such button).
    #[prop(optional_no_strip)]
    on_edit: Option<Callback<RotationDemand>>,
) -> impl IntoView {
    let lang = use_lang();
    if demands.is_empty() {
        return view! { <NoResults /> }.into_any();
    }
    let rows = demands
        .into_iter()
        .map(|demand| {
            let (profession, pattern, weekdays) =
                (demand.profession, demand.pattern, demand.weekdays);
            let (start, end) = (demand.start_date, demand.end_date);
            let specialty = demand.specialty.clone();
            let unfilled = demand.unfilled_days;
            let unfilled_class = if unfilled > 0 { "badge unfilled" } else { "badge ok" };
            let edit = on_edit.map(|on_edit| {
                let chosen = demand.clone();
                let id = demand.id;
                view! {
                    <td>
                        <button
                            type="button"
                            class="button secondary small"
                            id=format!("edit-demand-{id}")
                            on:click=move |_| on_edit.run(chosen.clone())
                        >
                            {move || lang.t(Key::EditRow)}
                        </button>
                    </td>
                }
            });
            view! {
                <tr data-demand-id=demand.id>
                    <td>{demand.station.name}</td>
                    <td>
                        {move || profession.label(lang.get())}
                        {specialty
                            .clone()
                            .map(|code| {
                                view! {
                                    <span class="muted block">
                                        {move || shared::registry::specialty_label(&code, lang.get()).to_string()}
                                    </span>
                                }
                            })}
                    </td>
                    <td class="number">{demand.count}</td>
                    <td>{move || pattern.label(lang.get())}</td>
                    <td>{move || weekdays.label(lang.get())}</td>
                    <td class="when">{move || format_period(lang.get(), start, end)}</td>
                    <td class="number">
                        <span class=unfilled_class>{unfilled}</span>
                    </td>
                    <td class="small">{demand.note}</td>
                    {edit}
                </tr>
            }
        })
        .collect_view();
    let mut headings = vec![
        Heading::Label(Key::Station),
        Heading::Label(Key::Profession),
        Heading::Label(Key::HowMany),
        Heading::Label(Key::Pattern),
        Heading::Label(Key::Weekdays),
        Heading::Label(Key::Dates),
        Heading::Label(Key::UnfilledDays),
        Heading::Label(Key::NoteLabel),
    ];
    if on_edit.is_some() {
        headings.push(Heading::Blank);
    }
    view! {
        <DataTable class="demands" id="demands" headings>
            {rows}
        </DataTable>
    }
    .into_any()
}

/// A new demand of the plan.
#[component]
pub(super) fn DemandForm(
    plan: RotationPlan,
    /// The stations the plan's facility supports.
    stations: Vec<FacilityRef>,
    /// Called once the demand is saved.
    on_created: Callback<()>,
    /// The demand to change (none: a new one).
    #[prop(optional)]
    editing: Option<RotationDemand>,
    /// Closes the form (editing only).
    #[prop(optional)]
    on_close: Option<Callback<()>>,
) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let plan_id = plan.id;
    // A station head proposes for their one station: it is chosen already.
    let only_station = match stations.as_slice() {
        [only] => Some(only.id.to_string()),
        _ => None,
    };
    let station = RwSignal::new(
        editing
            .as_ref()
            .map(|d| d.station.id.to_string())
            .or(only_station)
            .unwrap_or_default(),
    );
    let profession = RwSignal::new(
        editing
            .as_ref()
            .map_or(Profession::Doctor, |d| d.profession)
            .as_str()
            .to_string(),
    );
    let specialty = RwSignal::new(
        editing
            .as_ref()
            .and_then(|d| d.specialty.clone())
            .unwrap_or_default(),
    );
    let count = RwSignal::new(editing.as_ref().map_or(1, |d| d.count).to_string());
    let pattern = RwSignal::new(
        editing
            .as_ref()
            .map_or(DemandPattern::Weekdays, |d| d.pattern)
            .as_str()
            .to_string(),
    );
    let weekdays = RwSignal::new(editing.as_ref().map_or(Weekdays::WORKING, |d| d.weekdays).0);
    let start = RwSignal::new(
        editing
            .as_ref()
            .map_or(plan.start_date, |d| d.start_date)
            .to_string(),
    );
    let end = RwSignal::new(
        editing
            .as_ref()
            .map_or(plan.end_date, |d| d.end_date)
            .to_string(),
    );
    let note = RwSignal::new(
        editing
            .as_ref()
            .and_then(|d| d.note.clone())
            .unwrap_or_default(),
    );
    let plan_activity_id = editing.as_ref().and_then(|d| d.plan_activity_id);
    // The demand being changed and the version read (none: a new demand).
    let target = StoredValue::new(editing.as_ref().map(|d| (d.id, d.version)));
    let key = StoredValue::new(new_idempotency_key());

    // The body the fields describe, and what in them cannot even be read (tracked).
    let input = move || -> (DemandInput, FieldMessages) {
        let lang = lang.get();
        let mut unreadable = FieldMessages::new();
        let mut say = |path: &str, key: Key| {
            unreadable
                .entry(path.to_string())
                .or_default()
                .push(t(lang, key).to_string());
        };
        let station_id = station.with(|s| s.parse().ok()).unwrap_or_else(|| {
            say("station_id", Key::ChoiceRequired);
            0
        });
        let count = count.with(|c| c.trim().parse().ok()).unwrap_or_else(|| {
            say("count", Key::NotANumber);
            0
        });
        let start_date = parse_date(&start.get()).unwrap_or_else(|| {
            say("start_date", Key::DateRequired);
            chrono::NaiveDate::MIN
        });
        let end_date = parse_date(&end.get()).unwrap_or_else(|| {
            say("end_date", Key::DateRequired);
            chrono::NaiveDate::MIN
        });
        let weekdays = Weekdays(weekdays.get());
        if !weekdays.is_valid() {
            say("weekdays", Key::ChooseWeekdays);
        } else if end_date >= start_date
            && Span::new(start_date, end_date, weekdays).day_count() == 0
        {
            say("weekdays", Key::NoDaysInRange);
        }
        let input = DemandInput {
            plan_id,
            station_id,
            profession: profession.with(|p| p.parse().unwrap_or(Profession::Doctor)),
            specialty: specialty.with(|s| (!s.is_empty()).then(|| s.clone())),
            count,
            pattern: pattern.with(|p| p.parse().unwrap_or(DemandPattern::Weekdays)),
            start_date,
            end_date,
            weekdays,
            plan_activity_id,
            note: note.with(|n| {
                let n = n.trim();
                (!n.is_empty()).then(|| n.to_string())
            }),
        };
        (input, unreadable)
    };
    let messages = Memo::new(move |_| {
        let (input, mut messages) = input();
        for (path, list) in rule_messages(input.validate(), lang.get()) {
            // Unreadable fields and weekdays already have plainer messages.
            if !messages.contains_key(&path) && path != "weekdays" {
                messages.insert(path, list);
            }
        }
        messages
    });
    let form = CheckedSend::new(messages, move |input: DemandInput| {
        let key = key.get_value();
        let target = target.get_value();
        async move {
            match target {
                Some((id, version)) => {
                    api::rotations::update_demand(api, id, version, &input).await
                }
                None => api::rotations::create_demand(api, &input, &key).await,
            }
        }
    });
    // Saved: the form is ready for the next demand, with a new key.
    let editing_id = editing.as_ref().map(|d| d.id);
    let form = form.on_answer(move |_| {
        key.set_value(new_idempotency_key());
        form.tried.set(false);
        if editing_id.is_none() {
            note.set(String::new());
        }
        on_created.run(());
    });
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        form.submit(|| untrack(input).0);
    };

    let station_options = stations
        .into_iter()
        .map(|s| {
            let value = s.id.to_string();
            let selected = value.clone();
            view! {
                <option value=value prop:selected=move || station.with(|v| *v == selected)>
                    {s.name}
                </option>
            }
        })
        .collect_view();
    let profession_signal = Signal::derive(move || profession.get());
    let specialty_signal = Signal::derive(move || specialty.get());
    let pattern_signal = Signal::derive(move || pattern.get());

    view! {
        <form
            class="form demand-form"
            id=if editing_id.is_some() { "edit-demand" } else { "new-demand" }
            novalidate
            on:submit=on_submit
        >
            <div class="form-grid">
                <div class="field">
                    <label for="demand-station">
                        {move || lang.t(Key::Station)}
                        <span class="required" aria-hidden="true">" *"</span>
                    </label>
                    <select
                        id="demand-station"
                        aria-describedby="demand-station-errors"
                        on:change=move |event| {
                            station.set(event_target_value(&event));
                            form.touch("station_id").run(());
                        }
                    >
                        <option value="" prop:selected=move || station.with(String::is_empty)>
                            {move || lang.t(Key::ChooseOne)}
                        </option>
                        {station_options}
                    </select>
                    <FieldErrors id="demand-station-errors" messages=form.messages("station_id") />
                </div>
                <div class="field">
                    <label for="demand-profession">{move || lang.t(Key::Profession)}</label>
                    <select id="demand-profession" on:change=move |event| profession.set(event_target_value(&event))>
                        {enum_options(Profession::all(), Profession::as_str, profession_signal, lang)}
                    </select>
                </div>
                <div class="field">
                    <label for="demand-specialty">{move || lang.t(Key::Specialty)}</label>
                    <select
                        id="demand-specialty"
                        aria-describedby="demand-specialty-errors"
                        on:change=move |event| {
                            specialty.set(event_target_value(&event));
                            form.touch("specialty").run(());
                        }
                    >
                        <option value="" prop:selected=move || specialty.with(String::is_empty)>
                            {move || lang.t(Key::AnySpecialty)}
                        </option>
                        {specialty_options(specialty_signal, lang)}
                    </select>
                    <FieldErrors id="demand-specialty-errors" messages=form.messages("specialty") />
                </div>
                <FormText id="demand-count" label=Key::HowMany field=count form path="count" kind=InputKind::Number required=true eager=true />
                <div class="field">
                    <label for="demand-pattern">{move || lang.t(Key::Pattern)}</label>
                    <select
                        id="demand-pattern"
                        on:change=move |event| {
                            let value = event_target_value(&event);
                            // A continuous posting covers the working days.
                            if value == DemandPattern::Continuous.as_str() {
                                weekdays.set(Weekdays::WORKING.0);
                            }
                            pattern.set(value);
                        }
                    >
                        {enum_options(DemandPattern::all(), DemandPattern::as_str, pattern_signal, lang)}
                    </select>
                </div>
                <span></span>
                <FormText id="demand-start" label=Key::FromDate field=start form path="start_date" kind=InputKind::Date required=true eager=true />
                <FormText id="demand-end" label=Key::ToDate field=end form path="end_date" kind=InputKind::Date required=true eager=true />
                <span></span>
                <div class="span-3">
                    <WeekdayPicker id="demand-weekdays" value=weekdays messages=form.messages("weekdays") />
                </div>
                <div class="span-3">
                    <FormText id="demand-note" label=Key::NoteLabel field=note form path="note" eager=true />
                </div>
            </div>
            <StaleNotice id="demand-stale" failure=Signal::derive(move || form.failure()) on_reload=on_created />
            {move || {
                form.failure()
                    .filter(|error| !is_stale(error))
                    .map(|error| view! { <ProblemView error inline_fields=DEMAND_FIELDS /> })
            }}
            <div class="form-actions">
                {if editing_id.is_some() {
                    view! { <SubmitButton id="save-demand" label=Key::Save pending=form.pending() /> }.into_any()
                } else {
                    view! { <SubmitButton id="add-demand" label=Key::AddDemand pending=form.pending() /> }.into_any()
                }}
                {on_close.map(|close| view! {
                    <button type="button" class="button secondary" id="close-demand" on:click=move |_| close.run(())>
                        {move || lang.t(Key::Close)}
                    </button>
                })}
            </div>
        </form>
    }
}
