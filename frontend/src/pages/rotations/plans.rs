//! `/rotations`: the rotation plans the person may see, a page at a time, and a form
//! to start a new one for those who plan.

use chrono::Datelike;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use shared::Labelled;
use shared::rotation::{RotationPlan, RotationPlanInput, RotationPlanQuery, RuleSettings};
use validator::Validate;

use super::{RotationTabs, Tab, format_period, parse_date, plan_href, plans_rotations};
use crate::api::{self, new_idempotency_key, use_api};
use crate::components::form::{
    CheckedSend, FieldMessages, FormText, InputKind, StaleNotice, SubmitButton, is_stale,
    rule_messages,
};
use crate::components::list::{DataTable, Heading};
use crate::components::{Loading, NoResults, Pager, ProblemView, loaded};
use crate::contexts::{use_lang, use_session};
use crate::i18n::{Key, format_datetime, t};
use crate::pages::query::{href_with, text_param};

/// The new plan's fields, whose messages show next to them.
const PLAN_FIELDS: &[&str] = &[
    "title",
    "start_date",
    "end_date",
    "settings.max_away_percent",
    "settings.min_posting_months",
];

/// The plans, newest first, with the form for a new one.
#[component]
pub fn RotationPlansPage() -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let params = use_query_map();
    let may_create = plans_rotations();
    let cursor = Memo::new(move |_| params.with(|params| text_param(params, "cursor")));
    let plans = LocalResource::new(move || {
        let query = RotationPlanQuery {
            cursor: cursor.get(),
            ..RotationPlanQuery::default()
        };
        async move { api::rotations::plans(api, &query).await }
    });

    view! {
        <section class="page">
            <RotationTabs current=Tab::Plans />
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    loaded(
                        plans.await,
                        |page| {
                            let first = cursor.get_untracked().map(|_| super::BASE.to_string());
                            let next = page
                                .next_cursor
                                .map(|cursor| href_with(super::BASE, &[("cursor", Some(cursor))]));
                            view! {
                                <PlanTable plans=page.items />
                                <Pager first next />
                            }
                        },
                    )
                })}
            </Transition>
            <Show when=may_create>
                <h2>{move || lang.t(Key::NewRotationPlan)}</h2>
                <PlanCreateForm />
            </Show>
        </section>
    }
}

/// The plans as a table: title, facility, period, demands, assignments per status and
/// when they were published.
#[component]
fn PlanTable(plans: Vec<RotationPlan>) -> impl IntoView {
    let lang = use_lang();
    if plans.is_empty() {
        return view! { <NoResults /> }.into_any();
    }
    let rows = plans
        .into_iter()
        .map(|plan| {
            let (start, end) = (plan.start_date, plan.end_date);
            let published = plan.published_at;
            let counts = plan
                .assignment_counts
                .iter()
                .filter(|count| count.count > 0)
                .map(|count| {
                    let status = count.status;
                    let number = count.count;
                    view! {
                        <span class=format!("badge assignment-{}", status.as_str())>
                            {number} " " {move || status.label(lang.get())}
                        </span>
                    }
                })
                .collect_view();
            view! {
                <tr data-plan-id=plan.id>
                    <td>
                        <A href=plan_href(plan.id) attr:data-test="plan-link">
                            {plan.title}
                        </A>
                    </td>
                    <td>{plan.facility.name}</td>
                    <td class="when">{move || format_period(lang.get(), start, end)}</td>
                    <td class="number">{plan.demand_count}</td>
                    <td class="status-counts">{counts}</td>
                    <td class="when">
                        {move || match published {
                            Some(at) => format_datetime(lang.get(), at),
                            None => lang.t(Key::NotPublished).to_string(),
                        }}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable class="rotation-plans" headings=vec![
            Heading::Label(Key::PlanTitle),
            Heading::Label(Key::SendingFacility),
            Heading::Label(Key::Period),
            Heading::Label(Key::DemandCount),
            Heading::Label(Key::Assignments),
            Heading::Label(Key::PublishedAt),
        ]>
            {rows}
        </DataTable>
    }
    .into_any()
}

/// The next calendar quarter from today: a sensible default period.
fn next_quarter() -> (String, String) {
    let today = shared::time::vietnam_date(chrono::Utc::now());
    let quarter_start_month = (today.month0() / 3 + 1) * 3 + 1;
    let (year, month) = if quarter_start_month > 12 {
        (today.year() + 1, 1)
    } else {
        (today.year(), quarter_start_month)
    };
    let start = chrono::NaiveDate::from_ymd_opt(year, month, 1);
    let end = start
        .and_then(|start| start.checked_add_months(chrono::Months::new(3)))
        .and_then(|after| after.pred_opt());
    let text = |date: Option<chrono::NaiveDate>| date.map(|d| d.to_string()).unwrap_or_default();
    (text(start), text(end))
}

/// A new plan of the person's own facility, or a change to one (`editing`): title,
/// period and limits, checked with the shared validators as it is typed; a change is
/// saved at the version read (412: reload).
#[component]
pub(super) fn PlanCreateForm(
    /// The plan to change (none: a new plan).
    #[prop(optional)]
    editing: Option<RotationPlan>,
    /// Called once a change is saved (a new plan opens instead).
    #[prop(optional)]
    on_saved: Option<Callback<()>>,
    /// Closes the form (editing only).
    #[prop(optional)]
    on_close: Option<Callback<()>>,
) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let session = use_session();
    let navigate = use_navigate();
    let defaults = editing
        .as_ref()
        .map_or_else(RuleSettings::default, |plan| plan.settings);
    let (first, last) = match &editing {
        Some(plan) => (plan.start_date.to_string(), plan.end_date.to_string()),
        None => next_quarter(),
    };
    let title = RwSignal::new(
        editing
            .as_ref()
            .map(|plan| plan.title.clone())
            .unwrap_or_default(),
    );
    let start = RwSignal::new(first);
    let end = RwSignal::new(last);
    let max_away = RwSignal::new(defaults.max_away_percent.to_string());
    let min_months = RwSignal::new(defaults.min_posting_months.to_string());
    let key = StoredValue::new(new_idempotency_key());
    // The plan being changed: its facility, id and the version read.
    let target = StoredValue::new(
        editing
            .as_ref()
            .map(|plan| (plan.facility.id, plan.id, plan.version)),
    );
    let is_edit = editing.is_some();

    // The body the fields describe, and what in them is not even readable.
    let input = move || -> (RotationPlanInput, FieldMessages) {
        let lang = lang.get();
        let mut unreadable = FieldMessages::new();
        let mut date = |path: &str, text: String| {
            parse_date(&text).unwrap_or_else(|| {
                unreadable.insert(path.into(), vec![t(lang, Key::DateRequired).into()]);
                chrono::NaiveDate::MIN
            })
        };
        let start_date = date("start_date", start.get());
        let end_date = date("end_date", end.get());
        let mut number = |path: &str, text: String, fallback: u8| {
            text.trim().parse::<u8>().unwrap_or_else(|_| {
                unreadable.insert(path.into(), vec![t(lang, Key::NotANumber).into()]);
                fallback
            })
        };
        let settings = RuleSettings {
            max_away_percent: number(
                "settings.max_away_percent",
                max_away.get(),
                defaults.max_away_percent,
            ),
            min_posting_months: number(
                "settings.min_posting_months",
                min_months.get(),
                defaults.min_posting_months,
            ),
        };
        let input = RotationPlanInput {
            facility_id: match target.get_value() {
                Some((facility_id, _, _)) => facility_id,
                None => session.me().map(|me| me.facility.id).unwrap_or_default(),
            },
            title: title.get().trim().to_string(),
            start_date,
            end_date,
            settings,
        };
        (input, unreadable)
    };
    let messages = Memo::new(move |_| {
        let (input, unreadable) = input();
        let lang = lang.get();
        let mut messages = rule_messages(input.validate(), lang);
        if (input.end_date - input.start_date).num_days() > 731 {
            messages.insert("end_date".into(), vec![t(lang, Key::PeriodTooLong).into()]);
        }
        messages.extend(unreadable);
        messages
    });
    let form = CheckedSend::new(messages, move |input: RotationPlanInput| {
        let key = key.get_value();
        let target = target.get_value();
        async move {
            match target {
                Some((_, id, version)) => {
                    api::rotations::update_plan(api, id, version, &input).await
                }
                None => api::rotations::create_plan(api, &input, &key).await,
            }
        }
    })
    .on_answer(move |plan| match on_saved {
        Some(saved) if is_edit => saved.run(()),
        _ => navigate(&plan_href(plan.id), Default::default()),
    });
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        form.submit(|| untrack(input).0);
    };

    view! {
        <form
            class="form plan-form"
            id=if is_edit { "edit-plan" } else { "new-plan" }
            on:submit=on_submit
            novalidate
        >
            <div class="form-grid">
                <div class="span-3">
                    <FormText
                        id=if is_edit { "edit-plan-title" } else { "plan-title" }
                        label=Key::PlanTitle
                        field=title
                        form
                        path="title"
                        required=true
                        eager=true
                    />
                </div>
                <FormText
                    id=if is_edit { "edit-plan-start" } else { "plan-start" }
                    label=Key::FromDate
                    field=start
                    form
                    path="start_date"
                    kind=InputKind::Date
                    required=true
                    eager=true
                />
                <FormText
                    id=if is_edit { "edit-plan-end" } else { "plan-end" }
                    label=Key::ToDate
                    field=end
                    form
                    path="end_date"
                    kind=InputKind::Date
                    required=true
                    eager=true
                />
                <span></span>
                <FormText
                    id=if is_edit { "edit-plan-max-away" } else { "plan-max-away" }
                    label=Key::MaxAwayPercent
                    field=max_away
                    form
                    path="settings.max_away_percent"
                    kind=InputKind::Number
                    eager=true
                />
                <FormText
                    id=if is_edit { "edit-plan-min-months" } else { "plan-min-months" }
                    label=Key::MinPostingMonths
                    field=min_months
                    form
                    path="settings.min_posting_months"
                    kind=InputKind::Number
                    eager=true
                />
            </div>
            <StaleNotice
                id="plan-stale"
                failure=Signal::derive(move || form.failure())
                on_reload=on_saved.unwrap_or(Callback::new(|()| {}))
            />
            {move || {
                form.failure()
                    .filter(|error| !is_stale(error))
                    .map(|error| view! { <ProblemView error inline_fields=PLAN_FIELDS /> })
            }}
            <div class="form-actions">
                {if is_edit {
                    view! { <SubmitButton id="save-plan" label=Key::Save pending=form.pending() /> }.into_any()
                } else {
                    view! { <SubmitButton id="create-plan" label=Key::CreatePlan pending=form.pending() /> }.into_any()
                }}
                {on_close.map(|close| view! {
                    <button type="button" class="button secondary" id="close-plan" on:click=move |_| close.run(())>
                        {move || lang.t(Key::Close)}
                    </button>
                })}
            </div>
        </form>
    }
}
