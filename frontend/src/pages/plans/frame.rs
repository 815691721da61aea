//! The frame of every page of one plan: its header (code, title, status, version and the
//! links to the versions before and after it), the buttons of its `allowed_actions`
//! (reject and revise ask for a reason) and the tabs.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use shared::Labelled;
use shared::plan::{Plan, PlanAction, PlanReasonInput};
use shared::validation::field_messages;
use validator::Validate;

use super::{
    BASE, InvalidPlanId, PlanStatusBadge, format_span, plan_href, plan_page_href,
    reporting_station, use_id_param,
};
use crate::api::plans::{FileKind, Step};
use crate::api::{self, use_api};
use crate::components::DownloadButton;
use crate::components::{FieldErrors, Loading, ProblemView, loaded};
use crate::contexts::{use_lang, use_session};
use crate::i18n::{Key, format_datetime};

/// Which tab of a plan's page is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PlanTab {
    /// The document (căn cứ, sections I–V).
    Document,
    /// Activities and their progress.
    Activities,
    /// The indicator dashboard.
    Indicators,
    /// A station's value entry.
    Values,
    /// Mid-year and year-end evaluations.
    Evaluations,
    /// The versions and what each changed.
    Versions,
}

impl PlanTab {
    fn slug(self) -> &'static str {
        match self {
            PlanTab::Document => "document",
            PlanTab::Activities => "activities",
            PlanTab::Indicators => "indicators",
            PlanTab::Values => "values",
            PlanTab::Evaluations => "evaluations",
            PlanTab::Versions => "versions",
        }
    }

    fn href(self, id: i64) -> String {
        match self {
            PlanTab::Document => plan_href(id),
            tab => plan_page_href(id, tab.slug()),
        }
    }

    fn label(self) -> Key {
        match self {
            PlanTab::Document => Key::TabDocument,
            PlanTab::Activities => Key::TabActivities,
            PlanTab::Indicators => Key::TabIndicators,
            PlanTab::Values => Key::TabValues,
            PlanTab::Evaluations => Key::TabEvaluations,
            PlanTab::Versions => Key::TabVersions,
        }
    }
}

/// Reloads the plan the frame shows, after a tab changed something in it.
#[derive(Debug, Clone, Copy)]
pub(super) struct PlanReload(pub Callback<()>);

/// A page of one plan: the plan id from the address, the frame, and `body` for the tab.
pub(super) fn plan_page(tab: PlanTab, body: fn(Plan) -> AnyView) -> impl IntoView {
    let id = use_id_param();
    move || match id.get() {
        Some(id) => view! { <PlanFrame id tab body /> }.into_any(),
        None => view! { <InvalidPlanId /> }.into_any(),
    }
}

/// The plan, loaded once for the header, the buttons, the tabs and the tab's body.
#[component]
fn PlanFrame(id: i64, tab: PlanTab, body: fn(Plan) -> AnyView) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let plan = LocalResource::new(move || api::plans::get(api, id));
    let reload = Callback::new(move |()| plan.refetch());
    provide_context(PlanReload(reload));

    view! {
        <section class=format!("page plan-page plan-tab-{}", tab.slug())>
            <p class="breadcrumb">
                <A href=BASE>{move || lang.t(Key::BackToPlans)}</A>
            </p>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    loaded(
                        plan.await,
                        move |plan| {
                            view! {
                                <PlanHeader plan=plan.clone() />
                                <PlanActions plan=plan.clone() on_changed=reload />
                                <PlanTabs plan=plan.clone() current=tab />
                                <div class="plan-tab-body" id=format!("plan-tab-{}", tab.slug())>
                                    {body(plan)}
                                </div>
                            }
                        },
                    )
                })}
            </Transition>
        </section>
    }
}

/// Code, title, issuer and period, status, version and the neighbouring versions.
#[component]
fn PlanHeader(plan: Plan) -> impl IntoView {
    let lang = use_lang();
    let (start, end) = (plan.start_date, plan.end_date);
    let number = plan.version_number;
    let approved = plan.approved_at.map(|at| (at, plan.approved_by.clone()));
    let network = plan.network;
    view! {
        <header class="page-header page-header-actions plan-header">
            <div>
                <p class="plan-code muted">
                    <code id="plan-code">{plan.code.clone()}</code>
                </p>
                <h1 id="plan-heading">{plan.title.clone()}</h1>
                <p class="muted">
                    {plan.issuing_facility.name.clone()} " · "
                    {move || format_span(lang.get(), start, end)}
                </p>
                <p class="badges">
                    <PlanStatusBadge status=plan.status id="plan-status" />
                    <span class="badge plan-version" id="plan-version" data-version=number>
                        {move || format!("{} {number}", lang.t(Key::VersionNumber))}
                    </span>
                    {network
                        .then(|| {
                            view! {
                                <span class="badge note" title=move || lang.t(Key::NetworkPlanHint)>
                                    {move || lang.t(Key::NetworkPlan)}
                                </span>
                            }
                        })}
                    {plan
                        .superseded_by_id
                        .map(|_| {
                            view! {
                                <span class="badge off" id="plan-superseded">
                                    {move || lang.t(Key::Superseded)}
                                </span>
                            }
                        })}
                </p>
                <p class="version-links small">
                    {plan
                        .previous_version_id
                        .map(|previous| {
                            view! {
                                <A href=plan_href(previous) attr:id="plan-previous-version">
                                    {move || format!("← {}", lang.t(Key::PreviousVersion))}
                                </A>
                            }
                        })}
                    {plan
                        .superseded_by_id
                        .map(|next| {
                            view! {
                                <A href=plan_href(next) attr:id="plan-next-version">
                                    {move || format!("{} →", lang.t(Key::NextVersion))}
                                </A>
                            }
                        })}
                </p>
                {plan
                    .status_reason
                    .clone()
                    .map(|reason| {
                        view! {
                            <p class="plan-status-reason" id="plan-status-reason">
                                <strong>{move || lang.t(Key::StatusReason)} ": "</strong>
                                {reason}
                            </p>
                        }
                    })}
                {approved
                    .map(|(at, by)| {
                        view! {
                            <p class="small muted" id="plan-approved">
                                {move || {
                                    let lang = lang.get();
                                    let mut text = format!(
                                        "{} {}",
                                        crate::i18n::t(lang, Key::ApprovedAt),
                                        format_datetime(lang, at),
                                    );
                                    if let Some(by) = &by {
                                        text.push_str(&format!(" · {by}"));
                                    }
                                    text
                                }}
                            </p>
                        }
                    })}
            </div>
            <div class="header-links">
                <A
                    href=plan_page_href(plan.id, "document")
                    attr:class="button secondary"
                    attr:id="plan-print"
                >
                    {move || lang.t(Key::PlanPrintView)}
                </A>
                <DownloadButton id="plan-docx" label=Key::DownloadDocx file=FileKind::PlanDocx(plan.id) />
            </div>
        </header>
    }
}

/// The tabs of a plan's page; "value entry" only for the head of a supported station.
#[component]
fn PlanTabs(plan: Plan, current: PlanTab) -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let id = plan.id;
    let plan = StoredValue::new(plan);
    let reports = move || {
        session
            .me()
            .is_some_and(|me| plan.with_value(|plan| reporting_station(&me, plan).is_some()))
    };
    let tab = move |tab: PlanTab| {
        let aria_current = (tab == current).then_some("page");
        view! {
            <a href=tab.href(id) id=format!("tab-plan-{}", tab.slug()) aria-current=aria_current>
                {move || lang.t(tab.label())}
            </a>
        }
    };
    view! {
        <nav class="tabs plan-tabs" aria-label=move || lang.t(Key::PlanSections)>
            {tab(PlanTab::Document)}
            {tab(PlanTab::Activities)}
            {tab(PlanTab::Indicators)}
            {move || reports().then(|| tab(PlanTab::Values))}
            {tab(PlanTab::Evaluations)}
            <a href=plan_page_href(id, "report") id="tab-plan-report">
                {move || lang.t(Key::TabReport)}
            </a>
            {tab(PlanTab::Versions)}
        </nav>
    }
}

/// Whether the action needs a reason first.
fn needs_reason(action: PlanAction) -> bool {
    matches!(action, PlanAction::Reject | PlanAction::Revise)
}

/// The button class of an action.
fn action_class(action: PlanAction) -> &'static str {
    match action {
        PlanAction::Reject | PlanAction::Close => "button danger",
        PlanAction::Edit | PlanAction::Revise => "button secondary",
        _ => "button primary",
    }
}

/// The buttons of what the reader may do to the plan now, and the reason dialog.
#[component]
fn PlanActions(plan: Plan, on_changed: Callback<()>) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let navigate = use_navigate();
    let (id, version) = (plan.id, plan.version);
    let actions = plan.allowed_actions.clone();
    if actions.is_empty() {
        return ().into_any();
    }
    let open = RwSignal::new(None::<PlanAction>);
    let run = Action::new_local(move |step: &Step| {
        let step = step.clone();
        async move { api::plans::step(api, id, version, &step).await }
    });
    let pending = run.pending();
    Effect::new(move |_| {
        if let Some(Ok(changed)) = run.value().get() {
            open.set(None);
            if changed.id == id {
                on_changed.run(());
            } else {
                // A revision answers with the new draft version.
                navigate(&plan_href(changed.id), Default::default());
            }
        }
    });
    let failure = move || run.value().get().and_then(Result::err);

    let buttons = actions
        .iter()
        .map(|action| {
            let action = *action;
            let id_attr = format!("plan-{}", action.as_str());
            if action == PlanAction::Edit {
                return view! {
                    <A href=plan_page_href(id, "edit") attr:class=action_class(action) attr:id=id_attr>
                        {move || action.label(lang.get())}
                    </A>
                }
                .into_any();
            }
            view! {
                <button
                    type="button"
                    class=action_class(action)
                    id=id_attr
                    data-action=action.as_str()
                    disabled=move || pending.get()
                    aria-expanded=move || {
                        needs_reason(action).then(|| (open.get() == Some(action)).to_string())
                    }
                    on:click=move |_| {
                        let step = match action {
                            PlanAction::Submit => Some(Step::Submit),
                            PlanAction::Approve => Some(Step::Approve),
                            PlanAction::Activate => Some(Step::Activate),
                            PlanAction::Close => Some(Step::Close),
                            PlanAction::Reject | PlanAction::Revise | PlanAction::Edit => None,
                        };
                        match step {
                            Some(step) => {
                                run.dispatch_local(step);
                            }
                            None => {
                                open.update(|open| {
                                    *open = if *open == Some(action) { None } else { Some(action) };
                                })
                            }
                        }
                    }
                >
                    {move || action.label(lang.get())}
                </button>
            }
            .into_any()
        })
        .collect_view();
    let dialog = move || {
        open.get().map(|action| {
            view! {
                <ReasonDialog
                    action
                    pending=pending.into()
                    on_confirm=Callback::new(move |reason: PlanReasonInput| {
                        let step = if action == PlanAction::Reject {
                            Step::Reject(reason)
                        } else {
                            Step::Revise(reason)
                        };
                        run.dispatch_local(step);
                    })
                    on_cancel=Callback::new(move |()| open.set(None))
                />
            }
        })
    };
    view! {
        <div class="actions-bar plan-actions" role="group" aria-label=move || lang.t(Key::Actions)>
            {buttons}
        </div>
        {dialog}
        {move || failure().map(|error| view! { <ProblemView error /> })}
    }
    .into_any()
}

/// Asks why the plan is returned or revised, checked with `PlanReasonInput`'s rules.
#[component]
fn ReasonDialog(
    action: PlanAction,
    pending: Signal<bool>,
    on_confirm: Callback<PlanReasonInput>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let lang = use_lang();
    let reason = RwSignal::new(String::new());
    let tried = RwSignal::new(false);
    let input = move || PlanReasonInput {
        reason: reason.get().trim().to_string(),
    };
    let messages = Memo::new(move |_| {
        input()
            .validate()
            .err()
            .map(|errors| field_messages(&errors, lang.get()))
            .and_then(|mut messages| messages.remove("reason"))
            .unwrap_or_default()
    });
    let shown = Signal::derive(move || {
        if tried.get() {
            messages.get()
        } else {
            Vec::new()
        }
    });
    let hint = match action {
        PlanAction::Reject => Key::RejectReasonHint,
        _ => Key::ReviseReasonHint,
    };
    view! {
        <div class="dialog plan-reason-dialog" id="plan-reason-dialog" data-action=action.as_str()>
            <h2>{move || action.label(lang.get())}</h2>
            <div class="field">
                <label for="plan-reason">
                    {move || lang.t(Key::ReasonRequired)}
                    <span class="required" aria-hidden="true">" *"</span>
                </label>
                <span class="field-hint">{move || lang.t(hint)}</span>
                <textarea
                    id="plan-reason"
                    rows="3"
                    aria-describedby="plan-reason-errors"
                    aria-invalid=move || (!shown.with(Vec::is_empty)).to_string()
                    prop:value=move || reason.get()
                    on:input=move |event| reason.set(event_target_value(&event))
                ></textarea>
                <FieldErrors id="plan-reason-errors" messages=shown />
            </div>
            <div class="dialog-actions">
                <button
                    type="button"
                    class="button primary"
                    id=format!("plan-{}-confirm", action.as_str())
                    disabled=move || pending.get()
                    on:click=move |_| {
                        tried.set(true);
                        if messages.with_untracked(Vec::is_empty) {
                            on_confirm.run(input());
                        }
                    }
                >
                    {move || lang.t(Key::Confirm)}
                </button>
                <button type="button" class="button ghost" on:click=move |_| on_cancel.run(())>
                    {move || lang.t(Key::Close)}
                </button>
            </div>
        </div>
    }
}
