//! `/support-requests`: stations ask the centre for support (topic, specialty, how soon,
//! details) and follow their requests; planning accepts a request into an activity of a
//! plan, or declines it with a reason.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::Labelled;
use shared::auth::Capability;
use shared::plan::{
    PlanQuery, PlanReasonInput, PlanStatus, SupportAcceptInput, SupportRequest,
    SupportRequestInput, SupportRequestQuery, SupportRequestStatus, SupportUrgency,
};
use shared::registry::specialty_label;
use shared::validation::field_messages;
use validator::Validate;

use super::{ModuleTab, PlansHeader, SUPPORT_REQUESTS, answers_support_requests, plan_page_href};
use crate::api::plans::Answer;
use crate::api::{self, ApiError, IdempotencyKeys, use_api};
use crate::components::filters::{
    EnumFilter, FilterActions, FilterForm, UrlQuery, apply_filters, cursor_field, pager_links,
    use_url_query,
};
use crate::components::list::{DataTable, Heading};
use crate::components::{
    FieldErrors, Loading, NoResults, Pager, ProblemView, enum_options, loaded, specialty_options,
};
use crate::contexts::{use_lang, use_session};
use crate::i18n::{Key, format_datetime};
use crate::pages::query::{QueryParams, href_with, parse_param, text_param};

impl UrlQuery for SupportRequestQuery {
    fn from_params(params: &dyn QueryParams) -> Self {
        SupportRequestQuery {
            station_id: parse_param(params, "station_id"),
            status: parse_param(params, "status"),
            limit: None,
            cursor: text_param(params, "cursor"),
        }
    }

    fn href(&self) -> String {
        let query = self;
        href_with(
            SUPPORT_REQUESTS,
            &[
                ("station_id", query.station_id.map(|id| id.to_string())),
                ("status", query.status.map(|s| s.as_str().to_string())),
                ("cursor", query.cursor.clone()),
            ],
        )
    }

    cursor_field!();
}

/// `/support-requests`.
#[component]
pub fn SupportRequestsPage() -> impl IntoView {
    let api = use_api();
    let session = use_session();
    let query = use_url_query::<SupportRequestQuery>();
    let status = RwSignal::new(String::new());
    Effect::new(move |_| {
        status.set(
            query
                .get()
                .status
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
        )
    });
    let requests = LocalResource::new(move || {
        let query = query.get();
        async move { api::plans::support_requests(api, &query).await }
    });
    let reload = Callback::new(move |()| requests.refetch());
    // (the station the reader heads, whether the reader answers requests).
    let reader = Memo::new(move |_| {
        session.me().map(|me| {
            let station = me.can(Capability::RequestSupport).then_some(me.facility.id);
            let answers = answers_support_requests(&me);
            (station, answers, me.facility.id)
        })
    });
    let on_apply = apply_filters(move || SupportRequestQuery {
        status: status.get_untracked().parse().ok(),
        station_id: query.with_untracked(|query| query.station_id),
        ..SupportRequestQuery::default()
    });

    view! {
        <section class="page support-requests">
            <PlansHeader current=ModuleTab::SupportRequests />
            {move || {
                reader
                    .get()
                    .and_then(|(station, _, _)| station)
                    .map(|station| view! { <NewSupportRequest station on_created=reload /> })
            }}
            <FilterForm on_apply>
                <EnumFilter
                    id="support-filter-status"
                    label=Key::Status
                    values=SupportRequestStatus::all()
                    code=SupportRequestStatus::as_str
                    field=status
                />
                <FilterActions clear=SUPPORT_REQUESTS.to_string() apply_id="support-filter-apply" />
            </FilterForm>
            <Transition fallback=|| view! { <Loading /> }>
                {move || {
                    let (answers, facility) = reader
                        .get()
                        .map_or((false, 0), |(_, answers, facility)| (answers, facility));
                    Suspend::new(async move {
                    loaded(
                        requests.await,
                        move |page| {
                            let (first, next) =
                                query.with_untracked(|query| pager_links(query, page.next_cursor));
                            view! {
                                <RequestTable requests=page.items answers facility on_changed=reload />
                                <Pager first next />
                            }
                        },
                    )
                    })
                }}
            </Transition>
        </section>
    }
}

/// A station asks for support.
#[component]
fn NewSupportRequest(station: i64, on_created: Callback<()>) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let open = RwSignal::new(false);
    let topic = RwSignal::new(String::new());
    let specialty = RwSignal::new(String::new());
    let urgency = RwSignal::new(SupportUrgency::Routine.as_str().to_string());
    let details = RwSignal::new(String::new());
    let tried = RwSignal::new(false);
    let input = Memo::new(move |_| SupportRequestInput {
        station_id: station,
        topic: topic.get().trim().to_string(),
        specialty: Some(specialty.get()).filter(|code| !code.is_empty()),
        urgency: urgency.get().parse().unwrap_or(SupportUrgency::Routine),
        details: details.get().trim().to_string(),
    });
    let messages = Memo::new(move |_| {
        input
            .get()
            .validate()
            .err()
            .map(|errors| field_messages(&errors, lang.get()))
            .unwrap_or_default()
    });
    let shown = move |field: &'static str| {
        Signal::derive(move || {
            if tried.get() {
                messages.with(|messages| messages.get(field).cloned().unwrap_or_default())
            } else {
                Vec::new()
            }
        })
    };
    // One key per body: a retry after a lost answer does not ask twice.
    let idempotency = IdempotencyKeys::<SupportRequestInput>::new();
    let create = Action::new_local(move |body: &SupportRequestInput| {
        let body = body.clone();
        let key = idempotency.for_body(&body);
        async move { api::plans::create_support_request(api, &body, &key).await }
    });
    let pending = create.pending();
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            open.set(false);
            tried.set(false);
            topic.set(String::new());
            details.set(String::new());
            on_created.run(());
        }
    });
    let failure = move || create.value().get().and_then(Result::err);
    view! {
        <div class="support-new">
            <button
                type="button"
                class="button primary"
                id="support-new"
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|open| *open = !*open)
            >
                {move || lang.t(Key::NewSupportRequest)}
            </button>
            <div class="dialog" id="support-form" hidden=move || !open.get()>
                <div class="form-grid">
                    <div class="field span-2">
                        <label for="support-topic">
                            {move || lang.t(Key::SupportTopic)}
                            <span class="required" aria-hidden="true">" *"</span>
                        </label>
                        <input
                            id="support-topic"
                            type="text"
                            aria-describedby="support-topic-errors"
                            prop:value=move || topic.get()
                            on:input=move |event| topic.set(event_target_value(&event))
                        />
                        <FieldErrors id="support-topic-errors" messages=shown("topic") />
                    </div>
                    <div class="field">
                        <label for="support-urgency">{move || lang.t(Key::Urgency)}</label>
                        <select id="support-urgency" on:change=move |event| urgency.set(event_target_value(&event))>
                            {enum_options(SupportUrgency::all(), SupportUrgency::as_str, urgency.into(), lang)}
                        </select>
                    </div>
                    <div class="field">
                        <label for="support-specialty">{move || lang.t(Key::Specialty)}</label>
                        <select
                            id="support-specialty"
                            on:change=move |event| specialty.set(event_target_value(&event))
                        >
                            <option value="" prop:selected=move || specialty.with(String::is_empty)>
                                {move || lang.t(Key::AnySpecialty)}
                            </option>
                            {specialty_options(specialty.into(), lang)}
                        </select>
                        <FieldErrors id="support-specialty-errors" messages=shown("specialty") />
                    </div>
                </div>
                <div class="field">
                    <label for="support-details">{move || lang.t(Key::SupportDetails)}</label>
                    <textarea
                        id="support-details"
                        rows="4"
                        aria-describedby="support-details-errors"
                        prop:value=move || details.get()
                        on:input=move |event| details.set(event_target_value(&event))
                    ></textarea>
                    <FieldErrors id="support-details-errors" messages=shown("details") />
                </div>
                {move || failure().map(|error| view! { <ProblemView error /> })}
                <div class="dialog-actions">
                    <button
                        type="button"
                        class="button primary"
                        id="support-create"
                        disabled=move || pending.get()
                        on:click=move |_| {
                            tried.set(true);
                            if messages.with_untracked(|messages| messages.is_empty()) {
                                create.dispatch_local(input.get_untracked());
                            }
                        }
                    >
                        {move || if pending.get() { lang.t(Key::Saving) } else { lang.t(Key::SendRequest) }}
                    </button>
                </div>
            </div>
        </div>
    }
}

/// A request's status.
#[component]
fn SupportStatusBadge(status: SupportRequestStatus) -> impl IntoView {
    let lang = use_lang();
    view! {
        <span class=format!("badge support-{}", status.as_str()) data-status=status.as_str()>
            {move || status.label(lang.get())}
        </span>
    }
}

#[component]
fn RequestTable(
    requests: Vec<SupportRequest>,
    /// Whether the reader answers requests.
    answers: bool,
    /// The reader's facility (whose plans take accepted requests).
    facility: i64,
    on_changed: Callback<()>,
) -> impl IntoView {
    let lang = use_lang();
    if requests.is_empty() {
        return view! { <NoResults /> }.into_any();
    }
    let rows = requests
        .into_iter()
        .map(|request| {
            let urgency = request.urgency;
            let created = request.created_at;
            let specialty = request.specialty.clone();
            let open = answers && request.status == SupportRequestStatus::Open;
            let outcome = match (request.activity.clone(), request.decline_reason.clone()) {
                (Some(activity), _) => view! {
                    <A href=plan_page_href(activity.plan_id, "activities") attr:class="support-activity-link">
                        {activity.title}
                    </A>
                }
                .into_any(),
                (None, Some(reason)) => view! { <span class="support-decline-reason">{reason}</span> }.into_any(),
                (None, None) => ().into_any(),
            };
            view! {
                <tr class="support-row" data-request-id=request.id data-status=request.status.as_str()>
                    <td>{request.station.name.clone()}</td>
                    <td>
                        <strong>{request.topic.clone()}</strong>
                        {(!request.details.is_empty())
                            .then(|| view! { <span class="block small">{request.details.clone()}</span> })}
                    </td>
                    <td>{move || specialty.as_deref().map(|code| specialty_label(code, lang.get()).to_string())}</td>
                    <td>
                        <span class=format!("badge support-urgency-{}", urgency.as_str())>
                            {move || urgency.label(lang.get())}
                        </span>
                    </td>
                    <td>
                        <SupportStatusBadge status=request.status />
                        <span class="block small">{outcome}</span>
                    </td>
                    <td class="small">
                        {request.created_by.clone()} " · " {move || format_datetime(lang.get(), created)}
                    </td>
                    <td>
                        {open
                            .then(|| {
                                view! {
                                    <AnswerButtons
                                        request_id=request.id
                                        version=request.version
                                        facility
                                        on_changed
                                    />
                                }
                            })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable id="support-requests" headings=vec![
            Heading::Label(Key::Station),
            Heading::Label(Key::SupportTopic),
            Heading::Label(Key::Specialty),
            Heading::Label(Key::Urgency),
            Heading::Label(Key::Status),
            Heading::Label(Key::CreatedBy),
            Heading::Label(Key::Actions),
        ]>
            {rows}
        </DataTable>
    }
    .into_any()
}

/// Which answer form is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answering {
    Accept,
    Decline,
}

/// Accept into an activity of one of the reader's running plans, or decline with a
/// reason.
#[component]
fn AnswerButtons(
    request_id: i64,
    version: i64,
    facility: i64,
    on_changed: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let open = RwSignal::new(None::<Answering>);
    let plan_id = RwSignal::new(None::<i64>);
    let activity_id = RwSignal::new(None::<i64>);
    let reason = RwSignal::new(String::new());
    let answer = Action::new_local(move |answer: &Answer| {
        let answer = answer.clone();
        async move { api::plans::answer_support_request(api, request_id, version, &answer).await }
    });
    let pending = answer.pending();
    Effect::new(move |_| {
        if let Some(Ok(_)) = answer.value().get() {
            open.set(None);
            on_changed.run(());
        }
    });
    let failure = move || answer.value().get().and_then(Result::err);
    // The plans that can take it: approved or running, of the reader's facility.
    let plans = LocalResource::new(move || {
        let wanted = open.get() == Some(Answering::Accept);
        async move {
            if !wanted {
                return Ok(Vec::new());
            }
            let query = PlanQuery {
                facility_id: Some(facility),
                limit: Some(shared::page::MAX_LIMIT),
                ..PlanQuery::default()
            };
            let page = api::plans::list(api, &query).await?;
            Ok::<_, ApiError>(
                page.items
                    .into_iter()
                    .filter(|plan| {
                        matches!(plan.status, PlanStatus::Approved | PlanStatus::Active)
                            && plan.superseded_by_id.is_none()
                    })
                    .collect::<Vec<_>>(),
            )
        }
    });
    let activities = LocalResource::new(move || {
        let chosen = plan_id.get();
        async move {
            match chosen {
                None => Ok(Vec::new()),
                Some(id) => api::plans::get(api, id).await.map(|plan| {
                    plan.activity_groups
                        .into_iter()
                        .flat_map(|group| {
                            let title = group.title;
                            group.activities.into_iter().map(move |activity| {
                                (activity.id, format!("{title} – {}", activity.title))
                            })
                        })
                        .collect::<Vec<_>>()
                }),
            }
        }
    });
    let toggle = move |which: Answering| {
        open.update(|open| {
            *open = if *open == Some(which) {
                None
            } else {
                Some(which)
            }
        });
    };
    let accept_form = move || {
        (open.get() == Some(Answering::Accept)).then(|| {
            view! {
                <div class="inline-form support-accept-form">
                    <Transition fallback=|| view! { <Loading /> }>
                        {move || Suspend::new(async move {
                            loaded(
                                plans.await,
                                move |plans| {
                                    view! {
                                        <label for=format!("support-plan-{request_id}")>{move || lang.t(Key::ChoosePlan)}</label>
                                        <select
                                            id=format!("support-plan-{request_id}")
                                            class="support-plan"
                                            on:change=move |event| {
                                                plan_id.set(event_target_value(&event).parse().ok());
                                                activity_id.set(None);
                                            }
                                        >
                                            <option value="">{move || lang.t(Key::ChooseOne)}</option>
                                            {plans
                                                .into_iter()
                                                .map(|plan| {
                                                    let id = plan.id;
                                                    view! {
                                                        <option value=id prop:selected=move || plan_id.get() == Some(id)>
                                                            {format!("{} – {}", plan.code, plan.title)}
                                                        </option>
                                                    }
                                                })
                                                .collect_view()}
                                        </select>
                                    }
                                },
                            )
                        })}
                    </Transition>
                    <Transition fallback=|| view! { <Loading /> }>
                        {move || Suspend::new(async move {
                            loaded(
                                activities.await,
                                move |activities| {
                                    view! {
                                        <label for=format!("support-activity-{request_id}")>{move || lang.t(Key::ChooseActivity)}</label>
                                        <select
                                            id=format!("support-activity-{request_id}")
                                            class="support-activity"
                                            on:change=move |event| activity_id.set(event_target_value(&event).parse().ok())
                                        >
                                            <option value="">{move || lang.t(Key::ChooseOne)}</option>
                                            {activities
                                                .into_iter()
                                                .map(|(id, title)| {
                                                    view! {
                                                        <option value=id prop:selected=move || activity_id.get() == Some(id)>
                                                            {title}
                                                        </option>
                                                    }
                                                })
                                                .collect_view()}
                                        </select>
                                    }
                                },
                            )
                        })}
                    </Transition>
                    <button
                        type="button"
                        class="button primary small support-accept-confirm"
                        data-request-id=request_id
                        disabled=move || pending.get() || activity_id.get().is_none()
                        on:click=move |_| {
                            if let Some(activity_id) = activity_id.get_untracked() {
                                answer.dispatch_local(Answer::Accept(SupportAcceptInput { activity_id }));
                            }
                        }
                    >
                        {move || lang.t(Key::Confirm)}
                    </button>
                </div>
            }
        })
    };
    let decline_form = move || {
        (open.get() == Some(Answering::Decline)).then(|| {
            let reason_id = format!("support-decline-reason-{request_id}");
            view! {
                <div class="inline-form support-decline-form">
                    <label for=reason_id.clone()>{move || lang.t(Key::ReasonRequired)}</label>
                    <textarea
                        id=reason_id
                        rows="2"
                        prop:value=move || reason.get()
                        on:input=move |event| reason.set(event_target_value(&event))
                    ></textarea>
                    <button
                        type="button"
                        class="button danger small support-decline-confirm"
                        data-request-id=request_id
                        disabled=move || pending.get() || reason.with(|r| r.trim().is_empty())
                        on:click=move |_| {
                            let reason = reason.get_untracked().trim().to_string();
                            answer.dispatch_local(Answer::Decline(PlanReasonInput { reason }));
                        }
                    >
                        {move || lang.t(Key::Confirm)}
                    </button>
                </div>
            }
        })
    };
    view! {
        <div class="row-actions">
            <button
                type="button"
                class="button primary small support-accept"
                data-request-id=request_id
                on:click=move |_| toggle(Answering::Accept)
            >
                {move || lang.t(Key::AcceptIntoPlan)}
            </button>
            <button
                type="button"
                class="button danger small support-decline"
                data-request-id=request_id
                on:click=move |_| toggle(Answering::Decline)
            >
                {move || lang.t(Key::Decline)}
            </button>
        </div>
        {accept_form}
        {decline_form}
        {move || failure().map(|error| view! { <ProblemView error /> })}
    }
}
