//! Editing an assignment by hand: who, where, which days. Every change re-runs the
//! shared rotation rules (`shared::rotation::check`) over the plan's roster in the
//! browser, so a conflict shows before anything is saved; the server runs the same
//! check on save and its refusal (`rotation_rules_broken`) shows the same way.

use chrono::NaiveDate;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::Labelled;
use shared::error::ErrorCode;
use shared::registry::{FacilityRef, Profession};
use shared::rotation::{
    AssignmentAction, AssignmentInput, Breach, Need, Proposal, Roster, RotationAssignment,
    RotationDemand, RotationPlan, RotationRule, Span, Weekdays, check,
};
use shared::validation::field_messages;
use validator::Validate;

use super::actions::AssignmentActions;
use super::grid::Gap;
use super::{AssignmentStatusBadge, InputField, WeekdayPicker, format_period, parse_date};
use crate::api::{self, ApiError, new_idempotency_key, use_api};
use crate::components::form::{CheckedSend, FieldMessages, InputKind, SubmitButton};
use crate::components::{FieldErrors, ProblemView};
use crate::contexts::use_lang;
use crate::i18n::{Key, t};

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
    /// An assignment that exists.
    Existing(RotationAssignment),
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

/// One person the planner may choose.
#[derive(Debug, Clone, PartialEq)]
struct Candidate {
    id: i64,
    label: String,
}

/// The roster's people of a profession (all when none is asked), by name; `keep` stays
/// in the list even when it does not fit, so the rules can say why.
fn candidates(
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

/// A broken rule as listed: the rule's name, what makes it concrete, and a note.
#[derive(Debug, Clone, PartialEq)]
struct Flag {
    code: String,
    label: String,
    detail: String,
}

impl Flag {
    /// A rule (by code) and the server's or the checker's sentence about it.
    fn new(code: &str, message: &str, lang: shared::Lang) -> Flag {
        let label = code
            .parse::<RotationRule>()
            .map(|rule| rule.label(lang).to_string())
            .unwrap_or_else(|_| code.to_string());
        // The sentence starts with the rule's name; the rest is the concrete part.
        let detail = message
            .strip_prefix(label.as_str())
            .map(|rest| rest.trim_start_matches([' ', ':']).to_string())
            .unwrap_or_else(|| message.to_string());
        Flag {
            code: code.to_string(),
            label,
            detail,
        }
    }

    fn of_breach(breach: &Breach, lang: shared::Lang, other: Option<String>) -> Flag {
        let mut flag = Flag::new(breach.rule.as_str(), &breach.message, lang);
        if let Some(other) = other {
            flag.detail = format!("{} — {other}", flag.detail);
        }
        flag
    }
}

/// Broken rules as a warning list, each with the rule's name.
#[component]
fn RuleFlags(
    /// Element id of the list.
    id: &'static str,
    /// The heading above the list.
    heading: Key,
    /// The flags.
    #[prop(into)]
    flags: Signal<Vec<Flag>>,
) -> impl IntoView {
    let lang = use_lang();
    move || {
        let flags = flags.get();
        (!flags.is_empty()).then(|| {
            let items = flags
                .into_iter()
                .map(|flag| {
                    view! {
                        <li class="rule-flag" data-rule=flag.code>
                            <strong class="rule-label">{flag.label}</strong>
                            {(!flag.detail.is_empty())
                                .then(|| view! { " " <span class="rule-detail">{flag.detail}</span> })}
                        </li>
                    }
                })
                .collect_view();
            view! {
                <div class="alert alert-warning rule-flags" role="status" id=id>
                    <p class="alert-title">{move || lang.t(heading)}</p>
                    <ul>{items}</ul>
                </div>
            }
        })
    }
}

/// The fields as typed.
#[derive(Debug, Clone, Copy)]
struct Fields {
    demand_id: RwSignal<String>,
    staff_id: RwSignal<String>,
    station_id: RwSignal<String>,
    start: RwSignal<String>,
    end: RwSignal<String>,
    weekdays: RwSignal<u8>,
}

impl Fields {
    fn new(editing: &Editing) -> Fields {
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
    fn input(self, plan_id: i64) -> Option<AssignmentInput> {
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
fn field_problems(fields: Fields, plan: &RotationPlan, lang: shared::Lang) -> FieldMessages {
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

/// The assignment's fields, whose messages show next to them.
const ASSIGNMENT_FIELDS: &[&str] = &[
    "station_id",
    "staff_id",
    "start_date",
    "end_date",
    "weekdays",
];

/// The rules the server found broken when it refused to save (`rotation_rules_broken`).
fn server_flags<T: Clone + 'static>(form: CheckedSend<AssignmentInput, T>) -> Signal<Vec<Flag>> {
    let lang = use_lang();
    Signal::derive(move || {
        let lang = lang.get();
        form.failure()
            .and_then(|error| error.problem().cloned())
            .filter(|problem| problem.code == ErrorCode::RotationRulesBroken)
            .and_then(|problem| problem.errors)
            .map(|errors| {
                errors
                    .iter()
                    .flat_map(|(code, list)| list.iter().map(move |m| Flag::new(code, m, lang)))
                    .collect()
            })
            .unwrap_or_default()
    })
}

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
        Editing::Existing(assignment) => Some(assignment.clone()),
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

    // The proposal the fields describe, checked with the shared rules on every change.
    let proposal = Memo::new(move |_| -> Option<Proposal> {
        let input = fields.input(plan_id)?;
        if input.end_date < input.start_date {
            return None;
        }
        let need = match demand.get() {
            Some(demand) => demand.need(),
            None => Need {
                profession: roster.with_value(|roster| {
                    roster
                        .staff
                        .iter()
                        .find(|s| s.id == input.staff_id)
                        .map(|s| s.profession)
                })?,
                specialty: None,
                continuous: false,
            },
        };
        Some(Proposal {
            assignment_id: record.map(|(id, _)| id),
            staff_id: input.staff_id,
            station_id: input.station_id,
            span: Span::new(input.start_date, input.end_date, input.weekdays),
            need,
        })
    });
    let breaches = Memo::new(move |_| {
        let lang = lang.get();
        proposal.with(|proposal| {
            proposal
                .as_ref()
                .map(|proposal| roster.with_value(|roster| check(roster, proposal, lang)))
                .unwrap_or_default()
        })
    });
    let live_flags = Signal::derive(move || {
        let lang = lang.get();
        breaches.with(|breaches| {
            breaches
                .iter()
                .map(|breach| {
                    let other = breach.other_assignment_id.and_then(|id| {
                        others.with_value(|all| {
                            all.iter().find(|a| a.id == id).map(|a| {
                                format!(
                                    "{}, {}",
                                    a.station.name,
                                    format_period(lang, a.start_date, a.end_date)
                                )
                            })
                        })
                    });
                    Flag::of_breach(breach, lang, other)
                })
                .collect()
        })
    });
    let checked_clean = move || proposal.with(Option::is_some) && breaches.with(Vec::is_empty);

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
    let demand_options = demands.with_value(|all| {
        all.iter()
            .map(|d| {
                let value = d.id.to_string();
                let selected = value.clone();
                let d = d.clone();
                let label = move || {
                    let lang = lang.get();
                    let specialty = d
                        .specialty
                        .as_deref()
                        .map(|code| {
                            format!(" ({})", shared::registry::specialty_label(code, lang))
                        })
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
                    <option value=value prop:selected=move || fields.demand_id.with(|v| *v == selected)>
                        {label}
                    </option>
                }
            })
            .collect_view()
    });
    let station_options = stations.with_value(|all| {
        all.iter()
            .map(|s| {
                let value = s.id.to_string();
                let selected = value.clone();
                view! {
                    <option value=value prop:selected=move || fields.station_id.with(|v| *v == selected)>
                        {s.name.clone()}
                    </option>
                }
            })
            .collect_view()
    });
    let staff_options = move || {
        people
            .get()
            .into_iter()
            .map(|person| {
                let value = person.id.to_string();
                let selected = value.clone();
                view! {
                    <option value=value prop:selected=move || fields.staff_id.with(|v| *v == selected)>
                        {person.label}
                    </option>
                }
            })
            .collect_view()
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
                    <InputField
                        id="assignment-start"
                        label=Key::FromDate
                        value=fields.start
                        form
                        path="start_date"
                        kind=InputKind::Date
                        required=true
                    />
                    <InputField
                        id="assignment-end"
                        label=Key::ToDate
                        value=fields.end
                        form
                        path="end_date"
                        kind=InputKind::Date
                        required=true
                    />
                    <div class="span-3">
                        <WeekdayPicker id="assignment-weekdays" value=fields.weekdays messages=form.messages("weekdays") />
                    </div>
                </fieldset>
                <RuleFlags id="rule-flags" heading=Key::LiveRuleFlags flags=live_flags />
                <Show when=checked_clean>
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
