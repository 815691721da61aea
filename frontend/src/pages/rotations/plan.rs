//! `/rotations/:id`: one plan — its header and publish button, the generator, the
//! calendar grid (stations × weeks), the assignment editor, and the stations' demands.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::Labelled;
use shared::registry::FacilityRef;
use shared::rotation::{
    AssignmentQuery, AssignmentStatus, DemandStatus, Roster, RotationAssignment, RotationDemand,
    RotationPlan,
};

use super::demands::{DemandForm, DemandTable};
use super::editor::{AssignmentEditor, Editing};
use super::generation::GenerationPanel;
use super::grid::CalendarGrid;
use super::plans::PlanCreateForm;
use super::proposals::ProposalList;
use super::{BASE, InvalidPlanId, format_period, use_id_param};
use crate::api::{self, ApiError, use_api};
use crate::components::dialog::ActionDialog;
use crate::components::{Loading, ProblemView, loaded};
use crate::contexts::{use_lang, use_session};
use crate::i18n::{Key, format_datetime};

/// `/rotations/:id`.
#[component]
pub fn RotationPlanPage() -> impl IntoView {
    let id = use_id_param();
    move || match id.get() {
        Some(id) => view! { <PlanView id /> }.into_any(),
        None => view! { <InvalidPlanId /> }.into_any(),
    }
}

/// One plan and everything on its page.
#[component]
fn PlanView(id: i64) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let session = use_session();
    let plan = LocalResource::new(move || api::rotations::plan(api, id));
    // The plan's demands; the stations' proposals wait apart until planning answers.
    let demands =
        LocalResource::new(move || api::rotations::demands(api, id, Some(DemandStatus::Accepted)));
    let proposals =
        LocalResource::new(move || api::rotations::demands(api, id, Some(DemandStatus::Proposed)));
    let assignments = LocalResource::new(move || async move {
        let query = AssignmentQuery {
            plan_id: Some(id),
            ..AssignmentQuery::default()
        };
        api::rotations::assignments(api, &query).await
    });
    // Kept while the profile or the plan reloads, and when the session ends: the page is
    // then on its way out, and re-rendering its sections would await disposed resources.
    let planner = Memo::new(
        move |previous: Option<&bool>| match (session.me(), plan.get()) {
            (Some(_), Some(Ok(plan))) => plan.may_plan,
            _ => previous.copied().unwrap_or(false),
        },
    );
    // What the rules look at, for the editor's live checks (planning only).
    let roster = LocalResource::new(move || {
        let planner = planner.get();
        async move {
            if planner {
                api::rotations::roster(api, id).await.map(Some)
            } else {
                Ok(None)
            }
        }
    });
    // The stations the plan's facility supports, for the demand form and the editor.
    let stations = LocalResource::new(move || async move {
        let plan = plan.await?;
        let facility = api::registry::facility(api, plan.facility.id).await?;
        Ok::<Vec<FacilityRef>, ApiError>(facility.supports)
    });
    let data = PlanData {
        plan,
        demands,
        assignments,
        roster,
        stations,
    };
    let editing = RwSignal::new(None::<Editing>);
    let reload = Callback::new(move |()| {
        plan.refetch();
        demands.refetch();
        proposals.refetch();
        assignments.refetch();
        roster.refetch();
    });
    let saved = Callback::new(move |()| {
        editing.set(None);
        reload.run(());
    });
    let editing_demand = RwSignal::new(None::<RotationDemand>);
    let editing_plan = RwSignal::new(false);
    let demand_saved = Callback::new(move |()| {
        editing_demand.set(None);
        reload.run(());
    });
    let pick = Callback::new(move |target: Editing| {
        editing.set(Some(target));
        scroll_to_editor();
    });

    view! {
        <section class="page rotation-plan">
            <p class="breadcrumb">
                <A href=BASE>{move || lang.t(Key::BackToRotationPlans)}</A>
            </p>
            <Transition fallback=|| view! { <Loading /> }>
                {move || {
                    let planner = planner.get();
                    Suspend::new(async move {
                        loaded(
                            plan.await,
                            move |plan| {
                                let form = plan.clone();
                                view! {
                                    <PlanHeader plan planner on_published=reload />
                                    {move || {
                                        let plan = form.clone();
                                        if editing_plan.get() {
                                            view! {
                                                <h2>{move || lang.t(Key::EditRotationPlan)}</h2>
                                                <PlanCreateForm
                                                    editing=plan
                                                    on_saved=Callback::new(move |()| {
                                                        editing_plan.set(false);
                                                        reload.run(());
                                                    })
                                                    on_close=Callback::new(move |()| editing_plan.set(false))
                                                />
                                            }
                                                .into_any()
                                        } else {
                                            planner
                                                .then(|| {
                                                    view! {
                                                        <button
                                                            type="button"
                                                            class="button secondary"
                                                            id="edit-plan-open"
                                                            on:click=move |_| editing_plan.set(true)
                                                        >
                                                            {move || lang.t(Key::EditRotationPlan)}
                                                        </button>
                                                    }
                                                })
                                                .into_any()
                                        }
                                    }}
                                }
                            },
                        )
                    })
                }}
            </Transition>
            <Show when=move || planner.get()>
                <GenerationPanel plan_id=id on_finished=reload />
            </Show>
            <header class="section-header">
                <h2>{move || lang.t(Key::RotationCalendar)}</h2>
                <Show when=move || planner.get()>
                    <button
                        type="button"
                        id="add-assignment"
                        class="button secondary"
                        on:click=move |_| pick.run(Editing::blank())
                    >
                        {move || lang.t(Key::AddAssignment)}
                    </button>
                </Show>
            </header>
            {move || {
                editing
                    .get()
                    .map(|target| {
                        view! {
                            <EditorSlot
                                data
                                target
                                on_close=Callback::new(move |()| editing.set(None))
                                on_saved=saved
                            />
                        }
                    })
            }}
            <Transition fallback=|| view! { <Loading /> }>
                {move || {
                    let on_pick = planner.get().then_some(pick);
                    Suspend::new(async move {
                    let inputs = async {
                        Ok::<_, ApiError>((plan.await?, demands.await?, assignments.await?))
                    };
                    loaded(
                        inputs.await,
                        move |(plan, demands, assignments)| {
                            view! {
                                <CalendarGrid
                                    start=plan.start_date
                                    end=plan.end_date
                                    demands
                                    assignments
                                    on_pick=on_pick
                                />
                            }
                        },
                    )
                    })
                }}
            </Transition>
            {move || {
                planner.get().then(|| view! {
                    <h2>{move || lang.t(Key::StationProposalsTitle)}</h2>
                    <Transition fallback=|| view! { <Loading /> }>
                        {move || Suspend::new(async move {
                            loaded(proposals.await, move |list| view! { <ProposalList proposals=list changed=reload /> })
                        })}
                    </Transition>
                })
            }}
            <h2>{move || lang.t(Key::StationDemands)}</h2>
            <Transition fallback=|| view! { <Loading /> }>
                {move || {
                    let on_edit = planner
                        .get()
                        .then_some(Callback::new(move |demand| editing_demand.set(Some(demand))));
                    Suspend::new(async move {
                        loaded(demands.await, move |demands| view! { <DemandTable demands on_edit=on_edit /> })
                    })
                }}
            </Transition>
            {move || {
                editing_demand
                    .get()
                    .map(|demand| {
                        view! {
                            <h3>{move || lang.t(Key::EditDemand)}</h3>
                            <Transition fallback=|| view! { <Loading /> }>
                                {
                                    let demand = demand.clone();
                                    move || {
                                        let demand = demand.clone();
                                        Suspend::new(async move {
                                            let inputs = async { Ok::<_, ApiError>((plan.await?, stations.await?)) };
                                            loaded(
                                                inputs.await,
                                                move |(plan, stations)| {
                                                    view! {
                                                        <DemandForm
                                                            plan
                                                            stations
                                                            editing=demand
                                                            on_created=demand_saved
                                                            on_close=Callback::new(move |()| editing_demand.set(None))
                                                        />
                                                    }
                                                },
                                            )
                                        })
                                    }
                                }
                            </Transition>
                        }
                    })
            }}
            <Show when=move || planner.get()>
                <h3>{move || lang.t(Key::AddDemand)}</h3>
                <Transition fallback=|| view! { <Loading /> }>
                    {move || Suspend::new(async move {
                        let inputs = async { Ok::<_, ApiError>((plan.await?, stations.await?)) };
                        loaded(
                            inputs.await,
                            move |(plan, stations)| view! { <DemandForm plan stations on_created=reload /> },
                        )
                    })}
                </Transition>
            </Show>
        </section>
    }
}

/// The plan's data as the page loads it.
#[derive(Clone, Copy)]
struct PlanData {
    plan: LocalResource<Result<RotationPlan, ApiError>>,
    demands: LocalResource<Result<Vec<RotationDemand>, ApiError>>,
    assignments: LocalResource<Result<Vec<RotationAssignment>, ApiError>>,
    roster: LocalResource<Result<Option<Roster>, ApiError>>,
    stations: LocalResource<Result<Vec<FacilityRef>, ApiError>>,
}

/// What the editor needs, once loaded.
type EditorInputs = (
    RotationPlan,
    Vec<RotationDemand>,
    Vec<RotationAssignment>,
    Option<Roster>,
    Vec<FacilityRef>,
);

impl PlanData {
    async fn editor_inputs(self) -> Result<EditorInputs, ApiError> {
        Ok((
            self.plan.await?,
            self.demands.await?,
            self.assignments.await?,
            self.roster.await?,
            self.stations.await?,
        ))
    }
}

/// The editor open on `target`, once the plan's data and roster are there.
#[component]
fn EditorSlot(
    data: PlanData,
    target: Editing,
    on_close: Callback<()>,
    on_saved: Callback<()>,
) -> impl IntoView {
    let target = StoredValue::new(target);
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                loaded(
                    data.editor_inputs().await,
                    move |(plan, demands, assignments, roster, stations)| {
                        roster
                            .map(|roster| {
                                view! {
                                    <AssignmentEditor
                                        plan
                                        demands
                                        assignments
                                        roster
                                        stations
                                        editing=target.get_value()
                                        on_close
                                        on_saved
                                    />
                                }
                            })
                    },
                )
            })}
        </Transition>
    }
}

/// Brings the editor into view once it has rendered.
fn scroll_to_editor() {
    request_animation_frame(|| {
        if let Some(editor) = web_sys::window()
            .and_then(|window| window.document())
            .and_then(|document| document.get_element_by_id("assignment-editor"))
        {
            editor.scroll_into_view();
        }
    });
}

/// Title, facility, period, counts per status, when published, and the publish button.
#[component]
fn PlanHeader(plan: RotationPlan, planner: bool, on_published: Callback<()>) -> impl IntoView {
    let lang = use_lang();
    let (start, end) = (plan.start_date, plan.end_date);
    let published = plan.published_at;
    let proposed = plan
        .assignment_counts
        .iter()
        .find(|count| count.status == AssignmentStatus::Proposed)
        .map_or(0, |count| count.count);
    let counts = plan
        .assignment_counts
        .iter()
        .filter(|count| count.count > 0)
        .map(|count| {
            let (status, number) = (count.status, count.count);
            view! {
                <span class=format!("badge assignment-{}", status.as_str()) data-status-count=status.as_str()>
                    {number} " " {move || status.label(lang.get())}
                </span>
            }
        })
        .collect_view();
    view! {
        <header class="page-header page-header-actions plan-header">
            <div>
                <h1 id="plan-title">{plan.title.clone()}</h1>
                <p class="muted">
                    {plan.facility.name.clone()} " · " {move || format_period(lang.get(), start, end)}
                    " · " {plan.demand_count} " " {move || lang.t(Key::DemandsLower)}
                </p>
                <p class="badges">{counts}</p>
                <p class="small" id="plan-published">
                    {move || match published {
                        Some(at) => format!("{} {}", lang.t(Key::PublishedAt), format_datetime(lang.get(), at)),
                        None => lang.t(Key::NotPublished).to_string(),
                    }}
                </p>
            </div>
            {planner
                .then(|| {
                    view! {
                        <PublishButton plan_id=plan.id version=plan.version proposed start end on_published />
                    }
                })}
        </header>
    }
}

/// "Công bố lịch": asks first (how many assignments, which period, and a warning when
/// the whole period is already past), then publishes every proposed assignment.
#[component]
fn PublishButton(
    plan_id: i64,
    version: i64,
    proposed: i64,
    start: chrono::NaiveDate,
    end: chrono::NaiveDate,
    on_published: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let asking = RwSignal::new(false);
    let publish = Action::new_local(move |_: &()| async move {
        api::rotations::publish(api, plan_id, version).await
    });
    let pending = publish.pending();
    Effect::new(move |_| {
        if let Some(Ok(_)) = publish.value().get() {
            asking.set(false);
            on_published.run(());
        }
    });
    let failure = move || publish.value().get().and_then(Result::err);
    let past = end < shared::time::vietnam_date(chrono::Utc::now());
    let question = move || {
        let lang = lang.get();
        let period = format_period(lang, start, end);
        match lang {
            shared::Lang::Vi => format!(
                "Công bố {proposed} phân công đề xuất của kỳ {period}. Người được phân công sẽ thấy lịch của mình và cần xác nhận tham gia."
            ),
            shared::Lang::En => format!(
                "Publish {proposed} proposed assignments of {period}. The people assigned will see their calendar and must confirm."
            ),
        }
    };
    let dialog = move || {
        asking.get().then(|| {
            view! {
                <ActionDialog
                    code="publish"
                    title=Signal::derive(move || lang.t(Key::PublishConfirmTitle).to_string())
                    pending
                    on_confirm=Callback::new(move |()| {
                        publish.dispatch_local(());
                    })
                    on_close=Callback::new(move |()| asking.set(false))
                    problem=move || failure().map(|error| view! { <ProblemView error /> })
                >
                    <p id="publish-question">{question}</p>
                    {past
                        .then(|| {
                            view! {
                                <p class="alert alert-warning" id="publish-past-warning" role="alert">
                                    {move || lang.t(Key::PublishPastWarning)}
                                </p>
                            }
                        })}
                </ActionDialog>
            }
        })
    };
    view! {
        <div class="header-links publish">
            <button
                type="button"
                id="publish-plan"
                class="button primary"
                aria-expanded=move || asking.get().to_string()
                disabled=move || pending.get() || proposed == 0
                title=move || (proposed == 0).then(|| lang.t(Key::NothingToPublish))
                on:click=move |_| asking.update(|open| *open = !*open)
            >
                {move || lang.t(Key::PublishPlan)}
                {(proposed > 0).then(|| format!(" ({proposed})"))}
            </button>
        </div>
        {dialog}
    }
}
