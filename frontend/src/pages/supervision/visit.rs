//! `/supervision/visits/:id`: one visit, made for a phone held on site — the score as it
//! builds up, the steps the reader may take (start, submit, close, cancel), the
//! checklist item by item (tap an answer, add a note, take a photo of the finding), the
//! corrective actions raised here and the form to raise one, and on a follow-up the
//! earlier actions of the same facility to close.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::Labelled;
use shared::supervision::{
    AnswerInput, AnswerScale, ChecklistItem, Choice, CorrectiveAction, CorrectiveCloseInput,
    CorrectiveInput, CorrectiveQuery, CorrectiveStep, ReasonInput, SubmitInput, Visit, VisitAction,
};
use validator::Validate;
use wasm_bindgen::JsCast;

use super::{ActionStatusBadge, BASE, VerdictBadge, VisitStatusBadge, percent_text};
use crate::api::supervision::{ActionStep, VisitStep};
use crate::api::{self, ApiError, IdempotencyKeys, use_api};
use crate::components::{
    ActionBar, ActionDialog, InvalidId, Loading, ProblemView, loaded, use_id_param,
};
use crate::contexts::use_lang;
use crate::i18n::{Key, format_date};

/// `/supervision/visits/:id`.
#[component]
pub fn VisitPage() -> impl IntoView {
    let id = use_id_param();
    move || match id.get() {
        Some(id) => view! { <VisitDetail id /> }.into_any(),
        None => view! { <InvalidId back=BASE back_label=Key::BackToSupervision /> }.into_any(),
    }
}

/// The visit as last answered by the server: every write answers the whole visit (its
/// new version and score), which replaces it here.
#[component]
fn VisitDetail(id: i64) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let loaded_visit = LocalResource::new(move || api::supervision::visit(api, id));
    let current = RwSignal::new(None::<Visit>);
    Effect::new(move |_| {
        if let Some(Ok(visit)) = loaded_visit.get() {
            current.set(Some(visit));
        }
    });
    let reload = Callback::new(move |()| loaded_visit.refetch());
    let body = move || {
        current.get().map(|visit| {
            view! {
                <VisitHeader visit=visit.clone() />
                <VisitSteps visit=visit.clone() current />
                <Checklist visit=visit.clone() current />
                <VisitActions visit reload />
            }
        })
    };
    view! {
        <section class="page supervision-visit">
            <p class="breadcrumb">
                <A href=BASE>{move || lang.t(Key::BackToSupervision)}</A>
                " · "
                <A href=format!("{}/print", super::visit_href(id)) attr:id="print-visit">
                    {move || lang.t(Key::VisitReport)}
                </A>
            </p>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move { loaded(loaded_visit.await, move |_| body) })}
            </Transition>
        </section>
    }
}

/// Template, facility, day, status and the score so far.
#[component]
fn VisitHeader(visit: Visit) -> impl IntoView {
    let lang = use_lang();
    let planned = visit.planned_on;
    let score = visit.score.clone();
    let percent = score.percent;
    let follow_up = visit.follow_up_of.map(|earlier| {
        view! {
            <p class="muted" id="follow-up-of">
                {move || lang.t(Key::FollowUpOf)} " "
                <A href=super::visit_href(earlier)>"#" {earlier}</A>
            </p>
        }
    });
    let sections = score
        .sections
        .iter()
        .map(|section| {
            let percent = section.percent;
            view! {
                <li>
                    {section.title.clone()} ": "
                    <strong>{move || percent_text(lang.get(), percent)}</strong>
                </li>
            }
        })
        .collect_view();
    view! {
        <header class="page-header visit-header">
            <h1>{visit.template.title.clone()}</h1>
            <p class="route">
                <span>{visit.supervising_facility.name.clone()}</span>
                <span aria-hidden="true">" → "</span>
                <strong id="visited-facility">{visit.facility.name.clone()}</strong>
            </p>
            <p class="badges">
                <VisitStatusBadge status=visit.status />
                <span class="badge note">{move || format_date(lang.get(), planned)}</span>
            </p>
            {follow_up}
            <div class="score-box" id="visit-score" data-percent=percent.map(|p| p.to_string()).unwrap_or_default()>
                <p class="score-total">
                    {move || lang.t(Key::QualityScore)} ": "
                    <strong>{move || percent_text(lang.get(), percent)}</strong>
                    " "
                    <VerdictBadge passed=score.passed />
                </p>
                <p class="muted small">
                    {move || lang.t(Key::ItemsAnswered)} ": " {score.answered} "/" {score.items}
                    " · "
                    {move || lang.t(Key::PassThreshold)} ": " {score.threshold} " %"
                </p>
                {(!score.critical_failed.is_empty()).then(|| {
                    let codes = score.critical_failed.join(", ");
                    view! {
                        <p class="alert alert-error small" id="critical-failed">
                            {move || lang.t(Key::CriticalFailed)} ": " {codes.clone()}
                        </p>
                    }
                })}
                <ul class="section-scores">{sections}</ul>
            </div>
            {visit.conclusion.clone().map(|text| view! { <p class="conclusion">{text}</p> })}
        </header>
    }
}

/// The steps of the visit the reader may take, each with its dialog.
#[component]
fn VisitSteps(visit: Visit, current: RwSignal<Option<Visit>>) -> impl IntoView {
    let open = RwSignal::new(None::<VisitAction>);
    let steps: Vec<VisitAction> = visit
        .allowed_actions
        .iter()
        .copied()
        .filter(|action| {
            matches!(
                action,
                VisitAction::Start | VisitAction::Submit | VisitAction::Close | VisitAction::Cancel
            )
        })
        .collect();
    let class = |action: VisitAction| match action {
        VisitAction::Cancel => "button danger",
        VisitAction::Close => "button secondary",
        _ => "button primary",
    };
    view! {
        <ActionBar
            actions=steps
            open
            code=VisitAction::as_str
            class
            dialog=move |action| view! { <VisitStepDialog action visit=visit.clone() open current /> }
        />
    }
}

/// The dialog of one step: the conclusion on submit, the reason on cancel.
#[component]
fn VisitStepDialog(
    action: VisitAction,
    visit: Visit,
    open: RwSignal<Option<VisitAction>>,
    current: RwSignal<Option<Visit>>,
) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let text = RwSignal::new(String::new());
    let (id, version) = (visit.id, visit.version);
    let send = Action::new_local(move |step: &VisitStep| {
        let step = step.clone();
        async move { api::supervision::step_visit(api, id, version, &step).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(visit)) = send.value().get() {
            open.set(None);
            current.set(Some(visit));
        }
    });
    let on_confirm = Callback::new(move |()| {
        let text = text.get_untracked().trim().to_string();
        let step = match action {
            VisitAction::Submit => VisitStep::Submit(SubmitInput {
                conclusion: (!text.is_empty()).then_some(text),
            }),
            VisitAction::Cancel => VisitStep::Cancel(ReasonInput { reason: text }),
            VisitAction::Close => VisitStep::Close,
            _ => VisitStep::Start,
        };
        send.dispatch_local(step);
    });
    let field = match action {
        VisitAction::Submit | VisitAction::Cancel => {
            let label = if action == VisitAction::Submit {
                Key::VisitConclusion
            } else {
                Key::ReasonRequired
            };
            Some(view! {
                <div class="field">
                    <label for="dialog-text">{move || lang.t(label)}</label>
                    <textarea
                        id="dialog-text"
                        rows=3
                        prop:value=move || text.get()
                        on:input=move |event| text.set(event_target_value(&event))
                    ></textarea>
                </div>
            })
        }
        _ => None,
    };
    let problem = move || {
        send.value()
            .get()
            .and_then(Result::err)
            .map(|error| view! { <ProblemView error /> })
    };
    view! {
        <ActionDialog
            code=action.as_str()
            title=Signal::derive(move || action.label(lang.get()).to_string())
            pending=send.pending()
            on_confirm
            on_close=Callback::new(move |()| open.set(None))
            problem=problem
        >
            {field}
        </ActionDialog>
    }
}

/// The checklist, section by section.
#[component]
fn Checklist(visit: Visit, current: RwSignal<Option<Visit>>) -> impl IntoView {
    let lang = use_lang();
    let editable = visit.allowed_actions.contains(&VisitAction::Record);
    if visit.status == shared::supervision::VisitStatus::Scheduled {
        return view! { <p class="notice" id="not-started">{move || lang.t(Key::VisitNotStarted)}</p> }
            .into_any();
    }
    let sections = visit
        .sections
        .iter()
        .map(|section| {
            let items = section
                .items
                .iter()
                .map(|item| {
                    let answer = visit
                        .answers
                        .iter()
                        .find(|answer| answer.item_code == item.code)
                        .cloned();
                    view! {
                        <ItemCard
                            visit_id=visit.id
                            item=item.clone()
                            answer
                            editable
                            current
                        />
                    }
                })
                .collect_view();
            view! {
                <section class="checklist-section">
                    <h2>{section.title.clone()}</h2>
                    {items}
                </section>
            }
        })
        .collect_view();
    view! { <div class="checklist" id="checklist">{sections}</div> }.into_any()
}

/// The answers an item offers: its scale's choices, then "not applicable".
fn choices(item: &ChecklistItem) -> Vec<(Option<Choice>, Option<i32>)> {
    let mut out = match item.scale {
        AnswerScale::YesNo => vec![(Some(Choice::Yes), None), (Some(Choice::No), None)],
        AnswerScale::YesPartlyNo => vec![
            (Some(Choice::Yes), None),
            (Some(Choice::Partly), None),
            (Some(Choice::No), None),
        ],
        AnswerScale::Points => (0..=item.max_points.unwrap_or(0))
            .rev()
            .map(|points| (None, Some(points)))
            .collect(),
    };
    out.push((Some(Choice::NotApplicable), None));
    out
}

/// One item: its text, the answer buttons, the note and the photo of the finding.
#[component]
fn ItemCard(
    visit_id: i64,
    item: ChecklistItem,
    answer: Option<shared::supervision::ItemAnswer>,
    editable: bool,
    current: RwSignal<Option<Visit>>,
) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let code = item.code.clone();
    // Element ids without the dots of item codes (`CTYT-1.2` → `CTYT-1_2`).
    let dom = code.replace('.', "_");
    let note = RwSignal::new(
        answer
            .as_ref()
            .and_then(|answer| answer.note.clone())
            .unwrap_or_default(),
    );
    let chosen = (
        answer.as_ref().and_then(|answer| answer.choice),
        answer.as_ref().and_then(|answer| answer.points),
    );
    let answered = answer.is_some();
    let save = Action::new_local(move |(code, input): &(String, AnswerInput)| {
        let (code, input) = (code.clone(), input.clone());
        let version = current
            .get_untracked()
            .map(|visit| visit.version)
            .unwrap_or(0);
        async move { api::supervision::answer(api, visit_id, version, &code, &input).await }
    });
    let upload = Action::new_local(move |(code, kind, bytes): &(String, String, Vec<u8>)| {
        let (code, kind, bytes) = (code.clone(), kind.clone(), bytes.clone());
        async move { api::supervision::attach_photo(api, visit_id, &code, &kind, bytes).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(visit)) = save.value().get() {
            current.set(Some(visit));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(visit)) = upload.value().get() {
            current.set(Some(visit));
        }
    });
    let buttons = choices(&item)
        .into_iter()
        .map(|(choice, points)| {
            let code = code.clone();
            let dom = dom.clone();
            let pressed = chosen == (choice, points);
            let label = move || match (choice, points) {
                (Some(choice), _) => choice.label(lang.get()).to_string(),
                (None, Some(points)) => points.to_string(),
                (None, None) => String::new(),
            };
            let id = match (choice, points) {
                (Some(choice), _) => format!("answer-{dom}-{}", choice.as_str()),
                (None, Some(points)) => format!("answer-{dom}-{points}"),
                (None, None) => format!("answer-{dom}"),
            };
            let class = match choice {
                Some(Choice::Yes) => "button answer yes",
                Some(Choice::Partly) => "button answer partly",
                Some(Choice::No) => "button answer no",
                _ => "button answer",
            };
            view! {
                <button
                    type="button"
                    class=class
                    id=id
                    aria-pressed=pressed.to_string()
                    disabled=move || !editable || save.pending().get()
                    on:click=move |_| {
                        let text = note.get_untracked().trim().to_string();
                        let input = AnswerInput {
                            choice,
                            points,
                            note: (!text.is_empty()).then_some(text),
                        };
                        save.dispatch_local((code.clone(), input));
                    }
                >
                    {label}
                </button>
            }
        })
        .collect_view();
    let save_note = {
        let code = code.clone();
        move |_| {
            let text = note.get_untracked().trim().to_string();
            let input = AnswerInput {
                choice: chosen.0,
                points: chosen.1,
                note: (!text.is_empty()).then_some(text),
            };
            save.dispatch_local((code.clone(), input));
        }
    };
    let on_photo = {
        let code = code.clone();
        move |event: leptos::ev::Event| {
            let Some(input) = event
                .target()
                .and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                return;
            };
            let code = code.clone();
            leptos::task::spawn_local(async move {
                if let Some((kind, bytes)) = read_photo(input).await {
                    upload.dispatch_local((code, kind, bytes));
                }
            });
        }
    };
    let photo_id = answer.as_ref().and_then(|answer| answer.photo_id);
    let problem = move || {
        save.value()
            .get()
            .and_then(Result::err)
            .or_else(|| upload.value().get().and_then(Result::err))
            .map(|error| view! { <ProblemView error /> })
    };
    let note_id = format!("note-{dom}");
    view! {
        <article class="check-item" id=format!("item-{dom}") data-answered=answered.to_string()>
            <p class="item-text">
                <code>{code.clone()}</code> " " {item.text.clone()}
                {item.critical.then(|| view! { <span class="badge critical">{move || lang.t(Key::Critical)}</span> })}
            </p>
            {item.guidance.clone().map(|text| view! { <p class="muted small">{text}</p> })}
            <div class="answer-buttons" role="group">{buttons}</div>
            {editable.then(|| {
                let save_note = save_note.clone();
                view! {
                    <div class="field">
                        <label for=note_id.clone()>{move || lang.t(Key::FindingNote)}</label>
                        <textarea
                            id=note_id.clone()
                            rows=2
                            prop:value=move || note.get()
                            on:input=move |event| note.set(event_target_value(&event))
                        ></textarea>
                    </div>
                    <div class="item-tools">
                        {answered.then(|| view! {
                            <button type="button" class="button secondary small" id=format!("save-note-{dom}") on:click=save_note>
                                {move || lang.t(Key::SaveNote)}
                            </button>
                            <label class="button secondary small photo-button">
                                {move || lang.t(Key::TakePhoto)}
                                <input
                                    type="file"
                                    accept="image/jpeg,image/png"
                                    capture="environment"
                                    id=format!("photo-{dom}")
                                    on:change=on_photo.clone()
                                />
                            </label>
                        })}
                    </div>
                }
            })}
            {(!editable).then(|| {
                answer
                    .as_ref()
                    .and_then(|answer| answer.note.clone())
                    .map(|text| view! { <p class="finding-note">{text}</p> })
            })}
            {photo_id.map(|photo| view! { <PhotoView photo /> })}
            {problem}
        </article>
    }
}

/// Reads a chosen image: its type and bytes.
async fn read_photo(input: web_sys::HtmlInputElement) -> Option<(String, Vec<u8>)> {
    let file = input.files()?.get(0)?;
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
        .await
        .ok()?;
    Some((file.type_(), js_sys::Uint8Array::new(&buffer).to_vec()))
}

/// A finding's photo: fetched with the session's token, shown from a local address.
#[component]
fn PhotoView(photo: i64) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let shown = RwSignal::new(None::<String>);
    let fetch = Action::new_local(move |_: &()| async move {
        let (kind, bytes) = api::supervision::photo(api, photo).await?;
        object_url(&kind, &bytes).map_err(ApiError::Decode)
    });
    Effect::new(move |_| {
        if let Some(Ok(url)) = fetch.value().get() {
            shown.set(Some(url));
        }
    });
    view! {
        <div class="finding-photo" data-photo-id=photo>
            {move || match shown.get() {
                Some(url) => view! { <img src=url alt=move || lang.t(Key::FindingPhoto) /> }.into_any(),
                None => view! {
                    <button type="button" class="button ghost small" id=format!("show-photo-{photo}") on:click=move |_| { fetch.dispatch_local(()); }>
                        {move || lang.t(Key::ShowPhoto)}
                    </button>
                }
                .into_any(),
            }}
        </div>
    }
}

/// A local address for an image's bytes.
fn object_url(kind: &str, bytes: &[u8]) -> Result<String, String> {
    let describe = |error: wasm_bindgen::JsValue| format!("{error:?}");
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&array);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(kind);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(describe)?;
    web_sys::Url::create_object_url_with_blob(&blob).map_err(describe)
}

/// The corrective actions raised at this visit, the form to raise one, and on a
/// follow-up the earlier open actions of the facility to close here.
#[component]
fn VisitActions(visit: Visit, reload: Callback<()>) -> impl IntoView {
    let lang = use_lang();
    let may_correct = visit.allowed_actions.contains(&VisitAction::Correct);
    let raised = visit.actions.clone();
    let list = if raised.is_empty() {
        view! { <p class="muted">{move || lang.t(Key::NoCorrectiveActions)}</p> }.into_any()
    } else {
        raised
            .into_iter()
            .map(|action| view! { <ActionCard action follow_up=None changed=reload /> })
            .collect_view()
            .into_any()
    };
    let form = may_correct.then(|| view! { <NewActionForm visit=visit.clone() created=reload /> });
    let earlier =
        may_correct.then(|| view! { <EarlierActions visit=visit.clone() changed=reload /> });
    view! {
        <section class="visit-actions" id="visit-actions">
            <h2>{move || lang.t(Key::CorrectiveActions)}</h2>
            <div id="raised-actions">{list}</div>
            {form}
            {earlier}
        </section>
    }
}

/// The open actions of the visited facility from this supervisor's earlier visits,
/// each closed here when found corrected.
#[component]
fn EarlierActions(visit: Visit, changed: Callback<()>) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let facility = visit.facility.id;
    let supervising = visit.supervising_facility.id;
    let this = visit.id;
    let actions = LocalResource::new(move || async move {
        let query = CorrectiveQuery {
            facility_id: Some(facility),
            supervising_facility_id: Some(supervising),
            unresolved: Some(true),
            limit: Some(100),
            ..CorrectiveQuery::default()
        };
        api::supervision::actions(api, &query).await
    });
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                loaded(
                    actions.await,
                    move |page| {
                        let items: Vec<CorrectiveAction> = page
                            .items
                            .into_iter()
                            .filter(|action| action.visit_id != this)
                            .collect();
                        (!items.is_empty())
                            .then(|| {
                                let cards = items
                                    .into_iter()
                                    .map(|action| view! { <ActionCard action follow_up=Some(this) changed /> })
                                    .collect_view();
                                view! {
                                    <section class="earlier-actions" id="earlier-actions">
                                        <h3>{move || lang.t(Key::EarlierActions)}</h3>
                                        {cards}
                                    </section>
                                }
                            })
                    },
                )
            })}
        </Transition>
    }
}

/// The form that raises a corrective action from a finding.
#[component]
fn NewActionForm(visit: Visit, created: Callback<()>) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let visit_id = visit.id;
    let item = RwSignal::new(visit.score.findings.first().cloned().unwrap_or_default());
    let description = RwSignal::new(String::new());
    let owner = RwSignal::new(String::new());
    let due = RwSignal::new((visit.planned_on + chrono::TimeDelta::days(30)).to_string());
    let owners = LocalResource::new(move || api::supervision::owners(api, visit_id));
    let keys = IdempotencyKeys::<CorrectiveInput>::new();
    let send = Action::new_local(move |input: &CorrectiveInput| {
        let input = input.clone();
        let key = keys.for_body(&input);
        async move { api::supervision::create_action(api, &input, &key).await }
    });
    let invalid = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(Ok(_)) = send.value().get() {
            description.set(String::new());
            created.run(());
        }
    });
    let items = visit
        .sections
        .iter()
        .flat_map(|section| section.items.iter())
        .map(|entry| {
            let code = entry.code.clone();
            let selected = {
                let code = code.clone();
                move || item.get() == code
            };
            view! {
                <option value=code.clone() prop:selected=selected>
                    {format!("{} {}", entry.code, entry.text)}
                </option>
            }
        })
        .collect_view();
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let owner_id = owner.get_untracked().parse::<i64>().unwrap_or(0);
        let Ok(due_on) = due.get_untracked().parse() else {
            invalid.set(Some(lang.t(Key::ActionDueOn).to_string()));
            return;
        };
        let code = item.get_untracked();
        let input = CorrectiveInput {
            visit_id,
            item_code: (!code.is_empty()).then_some(code),
            description: description.get_untracked().trim().to_string(),
            owner_user_id: owner_id,
            due_on,
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
        <form class="new-action" id="new-action" on:submit=on_submit>
            <h3>{move || lang.t(Key::NewCorrectiveAction)}</h3>
            <div class="field">
                <label for="action-item">{move || lang.t(Key::ChecklistItem)}</label>
                <select id="action-item" on:change=move |event| item.set(event_target_value(&event))>
                    <option value="">{move || lang.t(Key::ChooseOne)}</option>
                    {items}
                </select>
            </div>
            <div class="field">
                <label for="action-description">{move || lang.t(Key::WhatToCorrect)}</label>
                <textarea
                    id="action-description"
                    rows=2
                    prop:value=move || description.get()
                    on:input=move |event| description.set(event_target_value(&event))
                ></textarea>
            </div>
            <div class="field">
                <label for="action-owner">{move || lang.t(Key::ActionOwner)}</label>
                <Transition fallback=|| view! { <Loading /> }>
                    {move || Suspend::new(async move {
                        loaded(
                            owners.await,
                            move |people| {
                                if let Some(first) = people.first()
                                    && owner.get_untracked().is_empty()
                                {
                                    owner.set(first.user_id.to_string());
                                }
                                let options = people
                                    .into_iter()
                                    .map(|person| {
                                        let value = person.user_id.to_string();
                                        let selected = {
                                            let value = value.clone();
                                            move || owner.get() == value
                                        };
                                        view! { <option value=value prop:selected=selected>{person.full_name}</option> }
                                    })
                                    .collect_view();
                                view! {
                                    <select id="action-owner" on:change=move |event| owner.set(event_target_value(&event))>
                                        {options}
                                    </select>
                                }
                            },
                        )
                    })}
                </Transition>
            </div>
            <div class="field">
                <label for="action-due">{move || lang.t(Key::ActionDueOn)}</label>
                <input
                    id="action-due"
                    type="date"
                    prop:value=move || due.get()
                    on:input=move |event| due.set(event_target_value(&event))
                />
            </div>
            {move || invalid.get().map(|fields| view! { <p class="alert alert-error" role="alert">{move || lang.t(Key::CheckFields)} ": " {fields.clone()}</p> })}
            {move || send.value().get().and_then(Result::err).map(|error| view! { <ProblemView error /> })}
            <button type="submit" class="button primary" id="create-action" disabled=move || send.pending().get()>
                {move || lang.t(Key::AssignAction)}
            </button>
        </form>
    }
}

/// One corrective action with the steps the reader may take: answer (the visited
/// facility), close at `follow_up` (a follow-up visit), reopen.
#[component]
pub(super) fn ActionCard(
    action: CorrectiveAction,
    /// The follow-up visit shown, when closing is done from one.
    follow_up: Option<i64>,
    changed: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let (id, version) = (action.id, action.version);
    let text = RwSignal::new(String::new());
    let open = RwSignal::new(None::<CorrectiveStep>);
    let send = Action::new_local(move |step: &ActionStep| {
        let step = step.clone();
        async move { api::supervision::step_action(api, id, version, &step).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = send.value().get() {
            open.set(None);
            changed.run(());
        }
    });
    let steps: Vec<CorrectiveStep> = action
        .allowed_actions
        .iter()
        .copied()
        .filter(|step| *step != CorrectiveStep::Close || follow_up.is_some())
        .collect();
    let due = action.due_on;
    let buttons = steps
        .into_iter()
        .map(|step| {
            let class = match step {
                CorrectiveStep::Answer | CorrectiveStep::Close => "button primary small",
                CorrectiveStep::Reopen => "button secondary small",
            };
            view! {
                <button
                    type="button"
                    class=class
                    id=format!("action-{}-{id}", step.as_str())
                    on:click=move |_| open.update(|open| *open = if *open == Some(step) { None } else { Some(step) })
                >
                    {move || step.label(lang.get())}
                </button>
            }
        })
        .collect_view();
    let dialog = move || {
        open.get().map(|step| {
            let label = match step {
                CorrectiveStep::Answer => Key::WhatWasDone,
                CorrectiveStep::Close => Key::FollowUpFinding,
                CorrectiveStep::Reopen => Key::ReasonRequired,
            };
            let on_confirm = Callback::new(move |()| {
                let value = text.get_untracked().trim().to_string();
                let body = match step {
                    CorrectiveStep::Answer => {
                        ActionStep::Answer(shared::supervision::CorrectiveAnswerInput {
                            response: value,
                        })
                    }
                    CorrectiveStep::Close => ActionStep::Close(CorrectiveCloseInput {
                        follow_up_visit_id: follow_up.unwrap_or(0),
                        note: (!value.is_empty()).then_some(value),
                    }),
                    CorrectiveStep::Reopen => ActionStep::Reopen(ReasonInput { reason: value }),
                };
                send.dispatch_local(body);
            });
            let problem = move || {
                send.value()
                    .get()
                    .and_then(Result::err)
                    .map(|error| view! { <ProblemView error /> })
            };
            let text_id = format!("step-text-{id}");
            view! {
                <ActionDialog
                    code=step.as_str()
                    title=Signal::derive(move || step.label(lang.get()).to_string())
                    pending=send.pending()
                    on_confirm
                    on_close=Callback::new(move |()| open.set(None))
                    problem=problem
                >
                    <div class="field">
                        <label for=text_id.clone()>{move || lang.t(label)}</label>
                        <textarea
                            id=text_id.clone()
                            rows=3
                            prop:value=move || text.get()
                            on:input=move |event| text.set(event_target_value(&event))
                        ></textarea>
                    </div>
                </ActionDialog>
            }
        })
    };
    view! {
        <article class="corrective-action" id=format!("corrective-{id}") data-status=action.status.as_str() data-overdue=action.overdue.to_string()>
            <p>
                <ActionStatusBadge status=action.status />
                {action.overdue.then(|| view! { <span class="badge overdue">{move || lang.t(Key::Overdue)}</span> })}
                " "
                {action.item_code.clone().map(|code| view! { <code>{code}</code> })}
                " "
                <strong>{action.description.clone()}</strong>
            </p>
            {action.item_text.clone().map(|text| view! { <p class="muted small">{text}</p> })}
            <p class="small">
                {move || lang.t(Key::ActionOwner)} ": " {action.owner.full_name.clone()}
                " · "
                {move || lang.t(Key::ActionDueOn)} ": " {move || format_date(lang.get(), due)}
                " · "
                {action.facility.name.clone()}
            </p>
            {action.response.clone().map(|text| view! {
                <p class="response">
                    <span class="muted">{move || lang.t(Key::FacilityAnswer)} ": "</span>
                    {text}
                </p>
            })}
            {action.reopen_reason.clone().map(|text| view! {
                <p class="small muted">{move || lang.t(Key::ReopenedBecause)} ": " {text}</p>
            })}
            <div class="actions-bar">{buttons}</div>
            {dialog}
        </article>
    }
}
