//! Demands a station proposes: on the station head's page, "Đề xuất nhu cầu" (a plan
//! still open, then the demand's form) and their proposals with the planners' answer;
//! on the plan's page, the proposals waiting for planning, accepted or declined from
//! their `allowed_actions`.

use leptos::prelude::*;
use shared::Labelled;
use shared::auth::Capability;
use shared::registry::FacilityRef;
use shared::rotation::{
    DeclineDemandInput, DemandAction, DemandStatus, RotationDemand, RotationPlan, RotationPlanQuery,
};
use validator::Validate;

use super::demands::DemandForm;
use super::format_period;
use crate::api::{self, ApiError, use_api};
use crate::components::form::{CheckedSend, InputKind, TextField, rule_messages};
use crate::components::{ActionBar, ActionDialog, Loading, ProblemView, loaded};
use crate::contexts::{use_lang, use_session};
use crate::i18n::Key;

/// One proposal's station, need, days and note, as a list item's text.
#[component]
fn ProposalSummary(demand: RotationDemand) -> impl IntoView {
    let lang = use_lang();
    let (profession, weekdays) = (demand.profession, demand.weekdays);
    let (start, end) = (demand.start_date, demand.end_date);
    let count = demand.count;
    view! {
        <p class="proposal-need">
            <strong>{demand.station.name}</strong>
            " · "
            {move || format!("{count} × {}", profession.label(lang.get()).to_lowercase())}
            " · "
            {move || format_period(lang.get(), start, end)}
            " · "
            {move || weekdays.label(lang.get())}
        </p>
        {demand.note.map(|note| view! { <p class="small">{note}</p> })}
        {demand
            .proposed_by
            .map(|by| view! { <p class="muted small">{move || lang.t(Key::ProposedBy)} " " {by.clone()}</p> })}
    }
}

/// The status of a proposal, as a badge.
#[component]
fn ProposalStatus(status: DemandStatus) -> impl IntoView {
    let lang = use_lang();
    // The referral badges' colours: waiting, accepted, declined.
    let class = match status {
        DemandStatus::Proposed => "badge status-sent",
        DemandStatus::Accepted => "badge status-accepted",
        DemandStatus::Declined => "badge status-declined",
    };
    view! {
        <span class=class data-test="proposal-status" data-status=status.as_str()>
            {move || status.label(lang.get())}
        </span>
    }
}

/// The station's proposals in a plan, waiting for planning: each with accept / decline.
#[component]
pub(super) fn ProposalList(
    proposals: Vec<RotationDemand>,
    /// Called once one was answered.
    changed: Callback<()>,
) -> impl IntoView {
    let lang = use_lang();
    if proposals.is_empty() {
        return view! { <p class="muted" id="no-proposals">{move || lang.t(Key::NoProposals)}</p> }
            .into_any();
    }
    let items = proposals
        .into_iter()
        .map(|demand| {
            let id = demand.id;
            view! {
                <li class="proposal" data-test="demand-proposal" data-demand-id=id>
                    <ProposalSummary demand=demand.clone() />
                    <ProposalActions demand changed />
                </li>
            }
        })
        .collect_view();
    view! { <ul class="proposals" id="demand-proposals">{items}</ul> }.into_any()
}

/// Accept or decline one proposal (planning).
#[component]
fn ProposalActions(demand: RotationDemand, changed: Callback<()>) -> impl IntoView {
    let open = RwSignal::new(None::<DemandAction>);
    let class = |action: DemandAction| match action {
        DemandAction::Accept => "button primary",
        DemandAction::Decline => "button danger",
    };
    view! {
        <ActionBar
            actions=demand.allowed_actions.clone()
            open
            code=DemandAction::as_str
            class
            dialog=move |action| view! { <AnswerDialog action demand=demand.clone() open changed /> }
        />
    }
}

/// The dialog of "accept" (nothing to ask) or "decline" (the reason the station reads).
#[component]
fn AnswerDialog(
    action: DemandAction,
    demand: RotationDemand,
    open: RwSignal<Option<DemandAction>>,
    changed: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let (id, version) = (demand.id, demand.version);
    let reason = RwSignal::new(String::new());
    let body = move || DeclineDemandInput {
        reason: reason.get(),
    };
    let problems = Memo::new(move |_| match action {
        DemandAction::Accept => Default::default(),
        DemandAction::Decline => rule_messages(body().validate(), lang.get()),
    });
    let form = CheckedSend::new(problems, move |input: DeclineDemandInput| async move {
        match action {
            DemandAction::Accept => api::rotations::accept_demand(api, id, version).await,
            DemandAction::Decline => api::rotations::decline_demand(api, id, version, &input).await,
        }
    })
    .on_success(changed);
    let on_confirm = Callback::new(move |()| form.submit(|| untrack(body)));
    let fields = match action {
        DemandAction::Accept => {
            view! { <p>{move || lang.t(Key::AcceptProposalHint)}</p> }.into_any()
        }
        DemandAction::Decline => view! {
            <TextField
                id="dialog-reason"
                label=Key::ReasonRequired
                value=reason
                on_input=Callback::new(move |value: String| reason.set(value))
                messages=form.messages("reason")
                kind=InputKind::Multiline
                required=true
            />
        }
        .into_any(),
    };
    let problem = move || {
        form.failure()
            .map(|error| view! { <ProblemView error inline_fields=&["reason"] /> })
    };
    view! {
        <ActionDialog
            code=action.as_str()
            title=Signal::derive(move || action.label(lang.get()).to_string())
            pending=form.pending()
            on_confirm
            on_close=Callback::new(move |()| open.set(None))
            problem=problem
        >
            {fields}
        </ActionDialog>
    }
}

/// The station head's part: propose a demand in a plan still open, and follow the
/// proposals made.
#[component]
pub(super) fn StationProposals(station: FacilityRef) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let session = use_session();
    let station_id = station.id;
    let may_propose = Memo::new(move |_| {
        session
            .me()
            .is_some_and(|me| me.can(Capability::RequestSupport))
    });
    let open_plans = LocalResource::new(move || async move {
        let query = RotationPlanQuery {
            station_id: Some(station_id),
            limit: Some(shared::page::MAX_LIMIT),
            ..RotationPlanQuery::default()
        };
        let plans = api::rotations::plans(api, &query).await?.items;
        Ok::<_, ApiError>(
            plans
                .into_iter()
                .filter(|p| p.published_at.is_none())
                .collect::<Vec<_>>(),
        )
    });
    let mine = LocalResource::new(move || api::rotations::station_demands(api, station_id));
    let proposed = Callback::new(move |()| mine.refetch());
    view! {
        {move || {
            may_propose.get().then(|| {
                let station = station.clone();
                view! {
                    <h2>{move || lang.t(Key::ProposeDemand)}</h2>
                    <Transition fallback=|| view! { <Loading /> }>
                        {
                            let station = station.clone();
                            move || {
                                let station = station.clone();
                                Suspend::new(async move {
                                    loaded(open_plans.await, move |plans| {
                                        view! { <ProposalForm plans station=station.clone() proposed /> }
                                    })
                                })
                            }
                        }
                    </Transition>
                }
            })
        }}
        <h3>{move || lang.t(Key::MyProposals)}</h3>
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                loaded(mine.await, |list| view! { <MyProposals list /> })
            })}
        </Transition>
    }
}

/// The plan to propose in, then the demand's form (the station chosen already).
#[component]
fn ProposalForm(
    plans: Vec<RotationPlan>,
    station: FacilityRef,
    proposed: Callback<()>,
) -> impl IntoView {
    let lang = use_lang();
    if plans.is_empty() {
        return view! { <p class="muted" id="no-open-plans">{move || lang.t(Key::NoOpenRotationPlans)}</p> }
            .into_any();
    }
    let first = plans.first().map(|p| p.id).unwrap_or_default();
    let chosen = RwSignal::new(first);
    let options = plans
        .iter()
        .map(|p| {
            let id = p.id;
            view! { <option value=id.to_string() prop:selected=move || chosen.get() == id>{p.title.clone()}</option> }
        })
        .collect_view();
    let plans = StoredValue::new(plans);
    view! {
        <div class="field">
            <label for="proposal-plan">{move || lang.t(Key::RotationPlanLabel)}</label>
            <select
                id="proposal-plan"
                on:change=move |event| {
                    if let Ok(id) = event_target_value(&event).parse() {
                        chosen.set(id);
                    }
                }
            >
                {options}
            </select>
        </div>
        {move || {
            let id = chosen.get();
            plans
                .with_value(|plans| plans.iter().find(|p| p.id == id).cloned())
                .map(|plan| view! { <DemandForm plan stations=vec![station.clone()] on_created=proposed /> })
        }}
    }
    .into_any()
}

/// The station's proposals with the planners' answer.
#[component]
fn MyProposals(list: Vec<RotationDemand>) -> impl IntoView {
    let lang = use_lang();
    if list.is_empty() {
        return view! { <p class="muted" id="no-my-proposals">{move || lang.t(Key::NoProposals)}</p> }
            .into_any();
    }
    let items = list
        .into_iter()
        .map(|demand| {
            let (id, status) = (demand.id, demand.status);
            let reason = demand.decline_reason.clone();
            view! {
                <li class="proposal" data-test="my-proposal" data-demand-id=id>
                    <ProposalStatus status />
                    <ProposalSummary demand />
                    {reason.map(|reason| view! {
                        <p class="small">{move || lang.t(Key::DeclineReason)} ": " {reason.clone()}</p>
                    })}
                </li>
            }
        })
        .collect_view();
    view! { <ul class="proposals" id="my-proposals">{items}</ul> }.into_any()
}
