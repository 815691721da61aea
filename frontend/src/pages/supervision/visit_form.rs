//! `/supervision/visits/new`: schedule a visit to a facility the reader's supports,
//! with a published checklist, a day and (as a follow-up) the earlier visit.

use chrono::Utc;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use shared::registry::FacilityQuery;
use shared::supervision::{VisitInput, VisitQuery};
use shared::time::vietnam_date;
use validator::Validate;

use super::{BASE, may_supervise, visit_href};
use crate::api::{self, IdempotencyKeys, use_api};
use crate::components::{Loading, ProblemView, loaded};
use crate::contexts::{use_lang, use_session};
use crate::i18n::{Key, format_date};

/// The scheduling form, for those who supervise.
#[component]
pub fn NewVisitPage() -> impl IntoView {
    let lang = use_lang();
    let may = may_supervise();
    move || {
        if may() {
            view! { <VisitForm /> }.into_any()
        } else {
            view! {
                <section class="page">
                    <p class="breadcrumb"><A href=BASE>{move || lang.t(Key::BackToSupervision)}</A></p>
                    <div class="notice" role="status"><p>{move || lang.t(Key::SupervisorsOnly)}</p></div>
                </section>
            }
            .into_any()
        }
    }
}

#[component]
fn VisitForm() -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let session = use_session();
    let navigate = use_navigate();
    let me = untrack(move || session.me());
    let own = me.as_ref().map(|me| me.facility.id).unwrap_or(0);
    let visitor = me.as_ref().and_then(|me| me.staff_id);
    let template = RwSignal::new(String::new());
    let facility = RwSignal::new(String::new());
    let planned = RwSignal::new(vietnam_date(Utc::now()).to_string());
    let follow_up = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let invalid = RwSignal::new(None::<String>);
    let templates = LocalResource::new(move || api::supervision::published_templates(api));
    let facilities = LocalResource::new(move || async move {
        let query = FacilityQuery {
            supported_by: Some(own),
            limit: Some(200),
            ..FacilityQuery::default()
        };
        api::registry::facilities(api, &query).await
    });
    let earlier = LocalResource::new(move || {
        let facility_id = facility.get().parse::<i64>().ok();
        async move {
            match facility_id {
                Some(facility_id) => {
                    let query = VisitQuery {
                        facility_id: Some(facility_id),
                        supervising_facility_id: Some(own),
                        limit: Some(50),
                        ..VisitQuery::default()
                    };
                    api::supervision::visits(api, &query)
                        .await
                        .map(|page| page.items)
                }
                None => Ok(Vec::new()),
            }
        }
    });
    let keys = IdempotencyKeys::<VisitInput>::new();
    let send = Action::new_local(move |input: &VisitInput| {
        let input = input.clone();
        let key = keys.for_body(&input);
        async move { api::supervision::create_visit(api, &input, &key).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(visit)) = send.value().get() {
            navigate(&visit_href(visit.id), Default::default());
        }
    });
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Ok(planned_on) = planned.get_untracked().parse() else {
            invalid.set(Some(lang.t(Key::PlannedOn).to_string()));
            return;
        };
        let text = note.get_untracked().trim().to_string();
        let input = VisitInput {
            template_id: template.get_untracked().parse().unwrap_or(0),
            facility_id: facility.get_untracked().parse().unwrap_or(0),
            planned_on,
            visitors: visitor.into_iter().collect(),
            follow_up_of: follow_up.get_untracked().parse().ok(),
            note: (!text.is_empty()).then_some(text),
        };
        match input.validate() {
            Ok(()) => {
                invalid.set(None);
                send.dispatch_local(input);
            }
            Err(errors) => {
                let fields: Vec<String> = errors
                    .field_errors()
                    .keys()
                    .map(|k| k.to_string())
                    .collect();
                invalid.set(Some(fields.join(", ")));
            }
        }
    };
    view! {
        <section class="page supervision-form">
            <p class="breadcrumb"><A href=BASE>{move || lang.t(Key::BackToSupervision)}</A></p>
            <h1>{move || lang.t(Key::ScheduleVisit)}</h1>
            <form id="visit-form" on:submit=on_submit>
                <div class="field">
                    <label for="f-template_id">{move || lang.t(Key::ChecklistTemplate)}</label>
                    <Transition fallback=|| view! { <Loading /> }>
                        {move || Suspend::new(async move {
                            loaded(templates.await, move |list| {
                                let options = list
                                    .into_iter()
                                    .map(|t| view! { <option value=t.id.to_string()>{format!("{} (v{})", t.title, t.revision)}</option> })
                                    .collect_view();
                                view! {
                                    <select id="f-template_id" on:change=move |event| template.set(event_target_value(&event))>
                                        <option value="">{move || lang.t(Key::ChooseOne)}</option>
                                        {options}
                                    </select>
                                }
                            })
                        })}
                    </Transition>
                </div>
                <div class="field">
                    <label for="f-facility_id">{move || lang.t(Key::VisitedFacility)}</label>
                    <Transition fallback=|| view! { <Loading /> }>
                        {move || Suspend::new(async move {
                            loaded(facilities.await, move |page| {
                                let options = page
                                    .items
                                    .into_iter()
                                    .map(|f| view! { <option value=f.id.to_string()>{f.name}</option> })
                                    .collect_view();
                                view! {
                                    <select id="f-facility_id" on:change=move |event| facility.set(event_target_value(&event))>
                                        <option value="">{move || lang.t(Key::ChooseOne)}</option>
                                        {options}
                                    </select>
                                }
                            })
                        })}
                    </Transition>
                </div>
                <div class="field">
                    <label for="f-planned_on">{move || lang.t(Key::PlannedOn)}</label>
                    <input
                        id="f-planned_on"
                        type="date"
                        prop:value=move || planned.get()
                        on:input=move |event| planned.set(event_target_value(&event))
                    />
                </div>
                <div class="field">
                    <label for="f-follow_up_of">{move || lang.t(Key::FollowUpOf)}</label>
                    <Transition fallback=|| view! { <Loading /> }>
                        {move || Suspend::new(async move {
                            loaded(earlier.await, move |visits| {
                                let options = visits
                                    .into_iter()
                                    .filter(|v| v.status.is_scored())
                                    .map(|v| {
                                        let day = v.planned_on;
                                        let title = v.template.title.clone();
                                        view! { <option value=v.id.to_string()>{move || format!("{} · {}", format_date(lang.get(), day), title)}</option> }
                                    })
                                    .collect_view();
                                view! {
                                    <select id="f-follow_up_of" on:change=move |event| follow_up.set(event_target_value(&event))>
                                        <option value="">{move || lang.t(Key::NotAFollowUp)}</option>
                                        {options}
                                    </select>
                                }
                            })
                        })}
                    </Transition>
                </div>
                <div class="field">
                    <label for="f-note">{move || lang.t(Key::Note)}</label>
                    <textarea id="f-note" rows=2 on:input=move |event| note.set(event_target_value(&event))></textarea>
                </div>
                {move || invalid.get().map(|fields| view! { <p class="alert alert-error" role="alert">{move || lang.t(Key::CheckFields)} ": " {fields.clone()}</p> })}
                {move || send.value().get().and_then(Result::err).map(|error| view! { <ProblemView error /> })}
                <button type="submit" class="button primary" id="schedule-visit" disabled=move || send.pending().get()>
                    {move || lang.t(Key::ScheduleVisit)}
                </button>
            </form>
        </section>
    }
}
