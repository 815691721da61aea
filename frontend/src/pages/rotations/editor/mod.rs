//! Editing an assignment by hand: who, where, which days. Every change re-runs the
//! shared rotation rules (`shared::rotation::check`) over the plan's roster in the
//! browser, so a conflict shows before anything is saved; the server runs the same
//! check on save and its refusal (`rotation_rules_broken`) shows the same way.

use chrono::NaiveDate;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::Labelled;
use shared::error::ErrorCode;
use shared::registry::FacilityRef;
use shared::rotation::{
    AssignmentAction, AssignmentInput, Roster, RotationAssignment, RotationDemand, RotationPlan,
    Weekdays,
};

mod fields;
mod rules;

use self::fields::{Fields, candidates, demand_options, field_problems, id_options};
use self::rules::{RuleFlags, live_check, server_flags};
use super::actions::AssignmentActions;
use super::grid::Gap;
use super::{AssignmentStatusBadge, WeekdayPicker};
use crate::api::{self, ApiError, new_idempotency_key, use_api};
use crate::components::form::{CheckedSend, FormText, InputKind, SubmitButton};
use crate::components::{FieldErrors, ProblemView};
use crate::contexts::use_lang;
use crate::i18n::Key;

/// What a new assignment starts from.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Prefill {
    pub demand_id: Option<i64>,
    pub station_id: Option<i64>,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    pub weekdays: Weekdays,
}

/// What the editor is open on.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Editing {
    /// A new assignment.
    New(Prefill),
    /// An assignment that exists (boxed: it is far larger than a new one's prefill).
    Existing(Box<RotationAssignment>),
}

impl Editing {
    /// A new assignment with nothing chosen yet.
    pub fn blank() -> Editing {
        Editing::New(Prefill {
            demand_id: None,
            station_id: None,
            start: None,
            end: None,
            weekdays: Weekdays::WORKING,
        })
    }

    /// A new assignment filling an empty slot of the calendar: that week's missing days,
    /// or for a continuous posting, from that week to the end of the demand.
    pub fn fill(gap: &Gap) -> Editing {
        let (end, weekdays) = match gap.continuous_until {
            Some(until) => (until, Weekdays::WORKING),
            None => (gap.end, gap.days),
        };
        Editing::New(Prefill {
            demand_id: Some(gap.demand_id),
            station_id: Some(gap.station_id),
            start: Some(gap.start),
            end: Some(end),
            weekdays,
        })
    }
}

/// The assignment's fields, whose messages show next to them.
const ASSIGNMENT_FIELDS: &[&str] = &[
    "station_id",
    "staff_id",
    "start_date",
    "end_date",
    "weekdays",
];

/// The editor of one assignment (new or existing), with live rule flags.
#[component]
pub(super) fn AssignmentEditor(
    plan: RotationPlan,
    demands: Vec<RotationDemand>,
    assignments: Vec<RotationAssignment>,
    roster: Roster,
    stations: Vec<FacilityRef>,
    editing: Editing,
    on_close: Callback<()>,
    on_saved: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let fields = Fields::new(&editing);
    let existing = match &editing {
        Editing::Existing(assignment) => Some((**assignment).clone()),
        Editing::New(_) => None,
    };
    let record = existing.as_ref().map(|a| (a.id, a.version));
    let editable = existing
        .as_ref()
        .is_none_or(|a| a.allowed_actions.contains(&AssignmentAction::Edit));
    let plan_id = plan.id;
    let kept_staff = existing.as_ref().map(|a| a.staff.id);

    let demands = StoredValue::new(demands);
    let roster = StoredValue::new(roster);
    let others = StoredValue::new(assignments);
    let stations = StoredValue::new({
        let mut all = stations;
        demands.with_value(|demands| all.extend(demands.iter().map(|d| d.station.clone())));
        if let Some(a) = &existing {
            all.push(a.station.clone());
        }
        all.sort_by(|a, b| a.name.cmp(&b.name));
        all.dedup_by_key(|s| s.id);
        all
    });

    let demand = Memo::new(move |_| {
        let id: Option<i64> = fields.demand_id.with(|t| t.parse().ok());
        id.and_then(|id| demands.with_value(|all| all.iter().find(|d| d.id == id).cloned()))
    });
    let people = Memo::new(move |_| {
        let profession = demand.with(|d| d.as_ref().map(|d| d.profession));
        let keep = fields.staff_id.with(|t| t.parse().ok()).or(kept_staff);
        roster.with_value(|roster| candidates(roster, profession, keep, lang.get()))
    });

    let (live_flags, checked_clean) = live_check(
        fields,
        plan_id,
        record.map(|(id, _)| id),
        demand,
        roster,
        others,
    );

    let plan_for_checks = plan.clone();
    let messages = Memo::new(move |_| field_problems(fields, &plan_for_checks, lang.get()));
    let key = StoredValue::new(new_idempotency_key());
    let form = CheckedSend::new(messages, move |input: AssignmentInput| {
        let key = key.get_value();
        async move {
            match record {
                Some((id, version)) => {
                    api::rotations::update_assignment(api, id, version, &input).await
                }
                None => api::rotations::create_assignment(api, &input, &key).await,
            }
        }
    })
    .on_success(on_saved);
    let server_flags = server_flags(form);
    let other_failure = move || {
        form.failure().filter(|error| {
            error
                .problem()
                .is_none_or(|problem| problem.code != ErrorCode::RotationRulesBroken)
        })
    };
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        form.submit_read(|| untrack(|| fields.input(plan_id)));
    };
    // Choosing a demand puts the assignment at its station.
    let choose_demand = move |value: String| {
        fields.demand_id.set(value);
        if let Some(demand) = demand.get_untracked() {
            fields.station_id.set(demand.station.id.to_string());
        }
    };

    let heading = if existing.is_some() {
        Key::EditAssignment
    } else {
        Key::AddAssignment
    };
    let summary = existing
        .clone()
        .map(|a| view! { <ExistingSummary assignment=a /> });
    let actions = existing.clone().map(|assignment| {
        let swap_candidates = roster.with_value(|roster| {
            candidates(
                roster,
                Some(assignment.staff.profession),
                None,
                lang.get_untracked(),
            )
            .into_iter()
            .filter(|c| c.id != assignment.staff.id)
            .map(|c| (c.id, c.label))
            .collect::<Vec<_>>()
        });
        view! {
            <AssignmentActions
                assignment
                on_changed=Callback::new(move |_| on_saved.run(()))
                swap_candidates
            />
        }
    });
    let demand_options = demands.with_value(|all| demand_options(all, fields.demand_id));
    let station_options = stations.with_value(|all| {
        id_options(
            all.iter().map(|s| (s.id, s.name.clone())).collect(),
            fields.station_id,
        )
    });
    let staff_options = move || {
        id_options(
            people
                .get()
                .into_iter()
                .map(|person| (person.id, person.label))
                .collect(),
            fields.staff_id,
        )
    };

    view! {
        <section class="panel assignment-editor" id="assignment-editor" aria-labelledby="assignment-editor-title">
            <header class="editor-header">
                <h2 id="assignment-editor-title">{move || lang.t(heading)}</h2>
                <button type="button" class="button ghost small" id="close-editor" on:click=move |_| on_close.run(())>
                    {move || lang.t(Key::Close)}
                </button>
            </header>
            {summary}
            {actions}
            <form class="form" novalidate on:submit=on_submit>
                <fieldset class="form-grid" disabled=!editable>
                    <div class="field span-2">
                        <label for="assignment-demand">{move || lang.t(Key::Demand)}</label>
                        <select id="assignment-demand" on:change=move |event| choose_demand(event_target_value(&event))>
                            <option value="" prop:selected=move || fields.demand_id.with(String::is_empty)>
                                {move || lang.t(Key::NoDemand)}
                            </option>
                            {demand_options}
                        </select>
                    </div>
                    <div class="field">
                        <label for="assignment-station">
                            {move || lang.t(Key::Station)}
                            <span class="required" aria-hidden="true">" *"</span>
                        </label>
                        <select
                            id="assignment-station"
                            aria-describedby="assignment-station-errors"
                            disabled=move || demand.with(Option::is_some)
                            on:change=move |event| {
                                fields.station_id.set(event_target_value(&event));
                                form.touch("station_id").run(());
                            }
                        >
                            <option value="" prop:selected=move || fields.station_id.with(String::is_empty)>
                                {move || lang.t(Key::ChooseOne)}
                            </option>
                            {station_options}
                        </select>
                        <FieldErrors id="assignment-station-errors" messages=form.messages("station_id") />
                    </div>
                    <div class="field span-2">
                        <label for="assignment-staff">
                            {move || lang.t(Key::Person)}
                            <span class="required" aria-hidden="true">" *"</span>
                        </label>
                        <select
                            id="assignment-staff"
                            aria-describedby="assignment-staff-errors"
                            on:change=move |event| {
                                fields.staff_id.set(event_target_value(&event));
                                form.touch("staff_id").run(());
                            }
                        >
                            <option value="" prop:selected=move || fields.staff_id.with(String::is_empty)>
                                {move || lang.t(Key::ChooseOne)}
                            </option>
                            {staff_options}
                        </select>
                        <FieldErrors id="assignment-staff-errors" messages=form.messages("staff_id") />
                    </div>
                    <FormText
                        id="assignment-start"
                        label=Key::FromDate
                        field=fields.start
                        form
                        path="start_date"
                        kind=InputKind::Date
                        required=true
                        eager=true
                    />
                    <FormText
                        id="assignment-end"
                        label=Key::ToDate
                        field=fields.end
                        form
                        path="end_date"
                        kind=InputKind::Date
                        required=true
                        eager=true
                    />
                    <div class="span-3">
                        <WeekdayPicker id="assignment-weekdays" value=fields.weekdays messages=form.messages("weekdays") />
                    </div>
                </fieldset>
                <RuleFlags id="rule-flags" heading=Key::LiveRuleFlags flags=live_flags />
                <Show when=move || checked_clean.get()>
                    <p class="rule-ok" id="rule-ok" role="status">{move || lang.t(Key::NoRuleBroken)}</p>
                </Show>
                <RuleFlags id="server-rule-flags" heading=Key::ServerRefused flags=server_flags />
                {move || {
                    other_failure()
                        .map(|error: ApiError| view! { <ProblemView error inline_fields=ASSIGNMENT_FIELDS /> })
                }}
                {editable
                    .then(|| {
                        view! {
                            <div class="form-actions">
                                <SubmitButton id="save-assignment" label=Key::Save pending=form.pending() />
                            </div>
                        }
                    })}
            </form>
        </section>
    }
}

/// Status, origin and history of an assignment being edited.
#[component]
fn ExistingSummary(assignment: RotationAssignment) -> impl IntoView {
    let lang = use_lang();
    let source = assignment.source;
    let swaps = assignment
        .swaps
        .into_iter()
        .map(|swap| {
            view! {
                <li>
                    {swap.from.full_name} " → " {swap.to.full_name} ": " {swap.reason}
                    <span class="muted">" (" {swap.by} ")"</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <p class="badges">
            <AssignmentStatusBadge status=assignment.status />
            " "
            <span class="muted">{move || source.label(lang.get())}</span>
            " · "
            <span>{assignment.staff.full_name}</span>
            " · "
            <span>{assignment.station.name}</span>
        </p>
        <ul class="plain-list swaps">{swaps}</ul>
    }
}
