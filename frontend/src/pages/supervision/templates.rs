//! `/supervision/templates`: the checklists (every revision), and one checklist with its
//! sections and items; its keeper edits a draft, publishes it, or drafts a new revision
//! of the published one (a published revision is never edited: visits keep theirs).

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use shared::Labelled;
use shared::supervision::{
    SupervisionTemplate, TemplateInput, TemplateQuery, TemplateStatus, TemplateSummary,
};

use super::{BASE, SupervisionTabs, Tab, TemplateStatusBadge};
use crate::api::{self, new_idempotency_key, use_api};
use crate::components::list::{DataTable, Heading};
use crate::components::{InvalidId, Loading, NoResults, ProblemView, loaded, use_id_param};
use crate::contexts::use_lang;
use crate::i18n::Key;

fn template_href(id: i64) -> String {
    format!("{BASE}/templates/{id}")
}

/// Every checklist revision, newest first.
#[component]
pub fn TemplateListPage() -> impl IntoView {
    let api = use_api();
    let templates = LocalResource::new(move || async move {
        let query = TemplateQuery {
            limit: Some(200),
            ..TemplateQuery::default()
        };
        api::supervision::templates(api, &query).await
    });
    view! {
        <section class="page supervision">
            <SupervisionTabs current=Tab::Templates />
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    loaded(templates.await, |page| view! { <TemplateTable items=page.items /> })
                })}
            </Transition>
        </section>
    }
}

#[component]
fn TemplateTable(items: Vec<TemplateSummary>) -> impl IntoView {
    let lang = use_lang();
    if items.is_empty() {
        return view! { <NoResults /> }.into_any();
    }
    let rows = items
        .into_iter()
        .map(|item| {
            let area = item.area;
            view! {
                <tr data-template-id=item.id>
                    <td><A href=template_href(item.id)>{item.title.clone()}</A></td>
                    <td><code>{item.code.clone()}</code> " v" {item.revision}</td>
                    <td>{move || area.label(lang.get())}</td>
                    <td class="number">{item.item_count}</td>
                    <td class="number">{item.pass_threshold} " %"</td>
                    <td><TemplateStatusBadge status=item.status /></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable class="supervision-templates" id="template-list" headings=vec![
            Heading::Label(Key::ChecklistTemplate),
            Heading::Label(Key::Code),
            Heading::Label(Key::SupervisionArea),
            Heading::Number(Key::Items),
            Heading::Number(Key::PassThreshold),
            Heading::Label(Key::Status),
        ]>
            {rows}
        </DataTable>
    }
    .into_any()
}

/// `/supervision/templates/:id`.
#[component]
pub fn TemplatePage() -> impl IntoView {
    let id = use_id_param();
    move || match id.get() {
        Some(id) => view! { <TemplateDetail id /> }.into_any(),
        None => view! { <InvalidId back=BASE back_label=Key::BackToSupervision /> }.into_any(),
    }
}

#[component]
fn TemplateDetail(id: i64) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let template = LocalResource::new(move || api::supervision::template(api, id));
    let changed = Callback::new(move |()| template.refetch());
    view! {
        <section class="page supervision-template">
            <p class="breadcrumb">
                <A href="/supervision/templates">{move || lang.t(Key::ChecklistTemplates)}</A>
            </p>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    loaded(template.await, move |template| view! { <TemplateView template changed /> })
                })}
            </Transition>
        </section>
    }
}

#[component]
fn TemplateView(template: SupervisionTemplate, changed: Callback<()>) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let navigate = use_navigate();
    let (id, version) = (template.id, template.version);
    let area = template.area;
    let publish =
        Action::new_local(move |_: &()| api::supervision::publish_template(api, id, version));
    let revise = Action::new_local(move |_: &()| {
        let key = new_idempotency_key();
        async move { api::supervision::revise_template(api, id, &key).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = publish.value().get() {
            changed.run(());
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(draft)) = revise.value().get() {
            navigate(&template_href(draft.id), Default::default());
        }
    });
    let manage = template.may_manage;
    let buttons = match template.status {
        TemplateStatus::Draft if manage => Some(
            view! {
                <button type="button" class="button primary" id="publish-template" on:click=move |_| { publish.dispatch_local(()); }>
                    {move || lang.t(Key::Publish)}
                </button>
            }
            .into_any(),
        ),
        TemplateStatus::Published if manage => Some(
            view! {
                <button type="button" class="button secondary" id="revise-template" on:click=move |_| { revise.dispatch_local(()); }>
                    {move || lang.t(Key::NewRevision)}
                </button>
            }
            .into_any(),
        ),
        _ => None,
    };
    let editor = (template.status == TemplateStatus::Draft && manage)
        .then(|| view! { <DraftEditor template=template.clone() changed /> });
    let sections = template
        .sections
        .iter()
        .map(|section| {
            let items = section
                .items
                .iter()
                .map(|item| {
                    let scale = item.scale;
                    view! {
                        <li>
                            <code>{item.code.clone()}</code> " " {item.text.clone()}
                            <span class="muted small">
                                " · " {move || scale.label(lang.get())}
                                {item.max_points.map(|max| format!(" (0–{max})"))}
                                " · ×" {item.weight}
                            </span>
                            {item.critical.then(|| view! { <span class="badge critical">{move || lang.t(Key::Critical)}</span> })}
                        </li>
                    }
                })
                .collect_view();
            view! {
                <section class="checklist-section">
                    <h2>{section.title.clone()}</h2>
                    <ol class="items">{items}</ol>
                </section>
            }
        })
        .collect_view();
    view! {
        <header class="page-header">
            <h1>{template.title.clone()}</h1>
            <p class="badges">
                <TemplateStatusBadge status=template.status />
                <span class="badge note"><code>{template.code.clone()}</code> " v" {template.revision}</span>
                <span class="badge note">{move || area.label(lang.get())}</span>
            </p>
            <p class="muted">
                {move || lang.t(Key::PassThreshold)} ": " {template.pass_threshold} " % · "
                {template.owner_facility.name.clone()}
            </p>
            {template.description.clone().map(|text| view! { <p>{text}</p> })}
        </header>
        <div class="actions-bar">{buttons}</div>
        {move || publish.value().get().and_then(Result::err).map(|error| view! { <ProblemView error /> })}
        {move || revise.value().get().and_then(Result::err).map(|error| view! { <ProblemView error /> })}
        {editor}
        {sections}
    }
}

/// The editor of a draft: its title, threshold and each item's text, weight and
/// whether it is critical.
#[component]
fn DraftEditor(template: SupervisionTemplate, changed: Callback<()>) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let (id, version) = (template.id, template.version);
    let input = RwSignal::new(TemplateInput {
        code: template.code.clone(),
        title: template.title.clone(),
        area: template.area,
        description: template.description.clone(),
        pass_threshold: template.pass_threshold,
        sections: template.sections.clone(),
    });
    let save = Action::new_local(move |body: &TemplateInput| {
        let body = body.clone();
        async move { api::supervision::update_template(api, id, version, &body).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            changed.run(());
        }
    });
    let items = template
        .sections
        .iter()
        .enumerate()
        .flat_map(|(s, section)| {
            section.items.iter().enumerate().map(move |(i, item)| {
                let text_id = format!("edit-{}-text", item.code);
                view! {
                    <div class="field item-edit">
                        <label for=text_id.clone()>{item.code.clone()}</label>
                        <textarea
                            id=text_id
                            rows=2
                            prop:value=move || input.with(|x| x.sections[s].items[i].text.clone())
                            on:input=move |event| {
                                let value = event_target_value(&event);
                                input.update(|x| x.sections[s].items[i].text = value);
                            }
                        ></textarea>
                        <label>
                            "×"
                            <input
                                type="number"
                                min="1"
                                max="10"
                                prop:value=move || input.with(|x| x.sections[s].items[i].weight.to_string())
                                on:input=move |event| {
                                    if let Ok(weight) = event_target_value(&event).parse() {
                                        input.update(|x| x.sections[s].items[i].weight = weight);
                                    }
                                }
                            />
                        </label>
                        <label>
                            <input
                                type="checkbox"
                                prop:checked=move || input.with(|x| x.sections[s].items[i].critical)
                                on:change=move |event| {
                                    let checked = event_target_checked(&event);
                                    input.update(|x| x.sections[s].items[i].critical = checked);
                                }
                            />
                            {move || lang.t(Key::Critical)}
                        </label>
                    </div>
                }
            })
        })
        .collect_view();
    view! {
        <form class="draft-editor" id="draft-editor" on:submit=move |event| {
            event.prevent_default();
            save.dispatch_local(input.get_untracked());
        }>
            <h2>{move || lang.t(Key::EditDraft)}</h2>
            <div class="field">
                <label for="edit-title">{move || lang.t(Key::TemplateTitle)}</label>
                <input
                    id="edit-title"
                    prop:value=move || input.with(|x| x.title.clone())
                    on:input=move |event| {
                        let value = event_target_value(&event);
                        input.update(|x| x.title = value);
                    }
                />
            </div>
            <div class="field">
                <label for="edit-threshold">{move || lang.t(Key::PassThreshold)}</label>
                <input
                    id="edit-threshold"
                    type="number"
                    min="1"
                    max="100"
                    prop:value=move || input.with(|x| x.pass_threshold.to_string())
                    on:input=move |event| {
                        if let Ok(value) = event_target_value(&event).parse() {
                            input.update(|x| x.pass_threshold = value);
                        }
                    }
                />
            </div>
            {items}
            {move || save.value().get().and_then(Result::err).map(|error| view! { <ProblemView error /> })}
            <button type="submit" class="button primary" id="save-draft" disabled=move || save.pending().get()>
                {move || lang.t(Key::Save)}
            </button>
        </form>
    }
}
