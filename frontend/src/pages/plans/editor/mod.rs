//! `/plans/new` and `/plans/:id/edit`: the plan in the sections of its document —
//! general information, căn cứ, I–V with the activity groups in II, the closing with
//! "Nơi nhận" and the signer — and its indicators.
//!
//! Every change re-checks the plan with `PlanInput`'s own `Validate` derives (the
//! server's); a field's messages show once it was changed or a save was tried, and the
//! server's field messages (`errors` of a `validation_failed` problem) show next to the
//! same fields. A save on a plan changed meanwhile (412) offers to reload it.

mod activities;
mod draft;
mod fields;
mod general;
mod indicators;
mod text;

use chrono::Datelike;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use shared::plan::{Plan, PlanAction, PlanInput, PlanPhase};
use shared::registry::FacilityRef;
use shared::validation::field_messages;
use validator::Validate;

use self::activities::ActivityGroupsEditor;
use self::draft::{FieldMessages, PlanDraft};
use self::fields::{Choices, EditorForm, field_id};
use self::general::GeneralSection;
use self::indicators::IndicatorsEditor;
use self::text::{
    BasesSection, BudgetSection, ClosingSection, ContentsSections, PurposesSection,
    ResponsibilitiesSection, RoadmapSection,
};
use super::{
    BASE, InvalidPlanId, parse_date, plan_href, plan_periods, today, use_id_param, writes_plans,
};
use crate::api::{self, IdempotencyKeys, use_api};
use crate::components::form::{FormSection, first_in_order, focus_first, form_position};
use crate::components::{Loading, ProblemView, loaded};
use crate::contexts::{use_lang, use_session};
use crate::i18n::Key;

/// `/plans/new`.
#[component]
pub fn NewPlanPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    // A memo, so that renewing tokens or reloading the profile does not start the
    // editor again (and lose what was typed): only another facility or role does.
    let issuing = Memo::new(move |_| session.me().filter(writes_plans).map(|me| me.facility));
    move || match issuing.get() {
        Some(issuing) => view! { <PlanEditor initial=None issuing on_reload=None /> }.into_any(),
        None => view! {
            <section class="page">
                <p class="breadcrumb">
                    <A href=BASE>{move || lang.t(Key::BackToPlans)}</A>
                </p>
                <div class="notice" role="status">
                    <p>{move || lang.t(Key::CannotWritePlans)}</p>
                </div>
            </section>
        }
        .into_any(),
    }
}

/// `/plans/:id/edit`: a draft, loaded, then the same editor.
#[component]
pub fn EditPlanPage() -> impl IntoView {
    let id = use_id_param();
    move || match id.get() {
        Some(id) => view! { <EditPlan id /> }.into_any(),
        None => view! { <InvalidPlanId /> }.into_any(),
    }
}

#[component]
fn EditPlan(id: i64) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let plan = LocalResource::new(move || api::plans::get(api, id));
    let reload = Callback::new(move |()| plan.refetch());
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                loaded(
                    plan.await,
                    move |plan| {
                        if plan.allowed_actions.contains(&PlanAction::Edit) {
                            let issuing = plan.issuing_facility.clone();
                            view! { <PlanEditor initial=Some(plan) issuing on_reload=Some(reload) /> }
                                .into_any()
                        } else {
                            view! {
                                <section class="page">
                                    <div class="notice" role="status" id="plan-not-editable">
                                        <p>{move || lang.t(Key::PlanNotEditable)}</p>
                                        <p>
                                            <A href=plan_href(id)>{move || lang.t(Key::BackToPlan)}</A>
                                        </p>
                                    </div>
                                </section>
                            }
                                .into_any()
                        }
                    },
                )
            })}
        </Transition>
    }
}

/// Field paths in the order the editor shows them, so the first problem on screen is
/// the one that gets the focus.
const FORM_ORDER: &[&str] = &[
    "code",
    "title",
    "start_date",
    "end_date",
    "phases",
    "supported_facility_ids",
    "document.governing_body",
    "document.number",
    "document.place",
    "document.issued_on",
    "document.legal_bases",
    "document.preamble",
    "document.purposes",
    "document.requirements",
    "document.contents",
    "activity_groups",
    "document.responsibilities",
    "document.roadmap",
    "document.budget_lines",
    "document.closing",
    "document.recipients",
    "document.signer",
    "indicators",
];

/// Moves the keyboard focus to the input of `path`, or to the nearest enclosing thing
/// that has an id for it (a row list, a section).
fn focus_field(path: &str) {
    // `indicators[0].targets[1].value`, then `indicators[0].targets[1]`, … `indicators`.
    let mut candidates = vec![path.to_string()];
    let mut rest = path;
    while let Some(cut) = rest.rfind(['.', '[']) {
        rest = &rest[..cut];
        candidates.push(rest.to_string());
    }
    focus_first(candidates.iter().map(|path| field_id(path)));
}

/// The periods the plan's dates and phases allow, as options of a select (tracked).
fn period_choices(draft: PlanDraft) -> Choices {
    let lang = use_lang();
    Signal::derive(move || {
        let lang = lang.get();
        let mut options = vec![(
            String::new(),
            crate::i18n::t(lang, Key::ChoosePeriod).to_string(),
        )];
        let (Some(start), Some(end)) =
            (parse_date(&draft.start.get()), parse_date(&draft.end.get()))
        else {
            return options;
        };
        let phases: Vec<PlanPhase> = draft.phases.with(|rows| {
            rows.iter()
                .filter_map(|row| {
                    Some(PlanPhase {
                        code: row.value(0).trim().to_uppercase(),
                        name: row.value(1).trim().to_string(),
                        start_date: parse_date(row.value(2))?,
                        end_date: parse_date(row.value(3))?,
                    })
                })
                .collect()
        });
        options.extend(
            plan_periods(start, end.max(start), &phases)
                .into_iter()
                .map(|period| (period.to_string(), period.label(lang))),
        );
        options
    })
}

/// Fields of a problem the editor shows next to their inputs: every part of the body.
fn shown_inline(path: &str) -> bool {
    form_position(FORM_ORDER, path) < FORM_ORDER.len()
}

/// The editor, empty (a new plan of `issuing`) or filled from a draft.
#[component]
fn PlanEditor(
    initial: Option<Plan>,
    issuing: FacilityRef,
    /// Reloads the plan (after a 412); none for a new plan.
    on_reload: Option<Callback<()>>,
) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let navigate = use_navigate();
    let editing = initial.as_ref().map(|plan| (plan.id, plan.version));
    let draft = match &initial {
        Some(plan) => PlanDraft::from_plan(plan),
        None => PlanDraft::blank(issuing, today().year()),
    };
    let input = Memo::new(move |_| draft.to_input(lang.get()));
    let client = Memo::new(move |_| {
        let lang = lang.get();
        input.with(|(input, unreadable)| {
            let mut messages: FieldMessages = input
                .validate()
                .err()
                .map(|errors| field_messages(&errors, lang))
                .unwrap_or_default();
            // "Enter a date" says it better than a rule about a placeholder date.
            for (path, list) in unreadable {
                messages.insert(path.clone(), list.clone());
            }
            messages
        })
    });
    let form = EditorForm::new(client);
    let periods = period_choices(draft);

    // One key per body: a retry of the same plan after a lost answer finds the plan the
    // first attempt created; a changed plan is a new request.
    let idempotency = IdempotencyKeys::<PlanInput>::new();
    let save = Action::new_local(move |body: &PlanInput| {
        let body = body.clone();
        async move {
            match editing {
                Some((id, version)) => api::plans::update(api, id, version, &body).await,
                None => {
                    let key = idempotency.for_body(&body);
                    api::plans::create(api, &body, &key).await
                }
            }
        }
    });
    let pending = save.pending();
    Effect::new(move |_| match save.value().get() {
        Some(Ok(plan)) => navigate(&plan_href(plan.id), Default::default()),
        Some(Err(error)) => form.server.set(
            error
                .problem()
                .and_then(|problem| problem.errors.clone())
                .unwrap_or_default(),
        ),
        None => {}
    });
    let failure = move || save.value().get().and_then(Result::err);
    let stale = move || failure().is_some_and(|error| error.status() == Some(412));
    let problem_count = move || {
        if form.tried.get() {
            client.with(FieldMessages::len)
        } else {
            0
        }
    };

    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        form.tried.set(true);
        form.server.set(FieldMessages::new());
        let first = client.with_untracked(|messages| first_in_order(FORM_ORDER, messages).cloned());
        match first {
            Some(path) => focus_field(&path),
            None => {
                save.dispatch_local(input.get_untracked().0);
            }
        }
    };

    let title = move || {
        if editing.is_some() {
            lang.t(Key::EditPlanTitle)
        } else {
            lang.t(Key::NewPlanTitle)
        }
    };
    let back = editing.map_or_else(|| BASE.to_string(), |(id, _)| plan_href(id));

    view! {
        <section class="page plan-editor-page">
            <p class="breadcrumb">
                <A href=back.clone()>
                    {move || {
                        if editing.is_some() { lang.t(Key::BackToPlan) } else { lang.t(Key::BackToPlans) }
                    }}
                </A>
            </p>
            <header class="page-header">
                <h1>{title}</h1>
                <p class="muted">{move || lang.t(Key::PlanEditorIntro)}</p>
            </header>
            <form class="plan-editor slip-form" id="plan-editor" on:submit=on_submit novalidate=true>
                <GeneralSection draft form />
                <BasesSection draft form />
                <PurposesSection draft form />
                <FormSection legend=Key::SectionContents id="plan-section-contents">
                    <ContentsSections draft form />
                    <ActivityGroupsEditor draft form />
                </FormSection>
                <ResponsibilitiesSection draft form />
                <RoadmapSection draft form periods />
                <BudgetSection draft form />
                <ClosingSection draft form />
                <IndicatorsEditor draft form periods />
                {move || {
                    stale()
                        .then(|| {
                            view! {
                                <div class="alert alert-error" role="alert" id="plan-stale">
                                    <p class="alert-title">{move || lang.t(Key::PlanChangedMeanwhile)}</p>
                                    {on_reload
                                        .map(|reload| {
                                            view! {
                                                <button
                                                    type="button"
                                                    class="button secondary"
                                                    id="plan-reload"
                                                    on:click=move |_| reload.run(())
                                                >
                                                    {move || lang.t(Key::ReloadPlan)}
                                                </button>
                                            }
                                        })}
                                </div>
                            }
                        })
                }}
                {move || {
                    failure()
                        .filter(|error| error.status() != Some(412))
                        .map(|error| {
                            let error = error.without_fields(shown_inline);
                            view! { <ProblemView error /> }
                        })
                }}
                <div class="form-actions">
                    <p class="readiness" role="status" id="plan-problems">
                        {move || match problem_count() {
                            0 => String::new(),
                            count => format!("{} {count}", lang.t(Key::ProblemsToFix)),
                        }}
                    </p>
                    <A href=back attr:class="button ghost" attr:id="plan-cancel">
                        {move || lang.t(Key::Cancel)}
                    </A>
                    <button type="submit" id="plan-save" class="button primary" disabled=move || pending.get()>
                        {move || if pending.get() { lang.t(Key::Saving) } else { lang.t(Key::SavePlan) }}
                    </button>
                </div>
            </form>
        </section>
    }
}
