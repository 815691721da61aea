//! The plan as its document reads (seed 004): the national header in two columns, "KẾ
//! HOẠCH" and the title, the căn cứ, the preamble, sections I–V with numbered
//! subsections (the indicators' table in II), the closing, "Nơi nhận" and the signer.
//! The words are `shared::plan::document`'s, the same as the Word export's; this file
//! only lays them out. The document is Vietnamese whatever the interface language.
//!
//! `/plans/:id` shows it inside the plan's page; `/plans/:id/document` is the print view
//! on an A4 sheet (the print rules in `style.css` drop the app's frame and toolbar).

use leptos::prelude::*;
use leptos_router::components::A;
use shared::plan::document::{DocumentBlock, DocumentLayout, DocumentTable};
use shared::plan::{Plan, PlanStatus};

use super::frame::{PlanTab, plan_page};
use super::{InvalidPlanId, plan_href, print_page, use_id_param};
use crate::api::plans::FileKind;
use crate::api::{self, use_api};
use crate::components::DownloadButton;
use crate::components::{Loading, loaded};
use crate::contexts::use_lang;
use crate::i18n::Key;

/// `/plans/:id`: the plan's page on its document tab.
#[component]
pub fn PlanDocumentPage() -> impl IntoView {
    plan_page(PlanTab::Document, |plan| {
        view! { <DocumentTab plan /> }.into_any()
    })
}

/// The facts the document does not show, then the document.
#[component]
fn DocumentTab(plan: Plan) -> impl IntoView {
    let lang = use_lang();
    let facilities = plan
        .supported_facilities
        .iter()
        .map(|facility| facility.name.clone())
        .collect::<Vec<_>>()
        .join(", ");
    let phases = plan
        .phases
        .iter()
        .map(|phase| {
            let (start, end) = (phase.start_date, phase.end_date);
            let text = format!("{} – {}", phase.code, phase.name);
            view! {
                <li>
                    {text} " (" {move || super::format_span(lang.get(), start, end)} ")"
                </li>
            }
        })
        .collect_view();
    let created_by = plan.created_by.clone();
    let updated = plan.updated_at;
    view! {
        <dl class="facts plan-facts">
            <div>
                <dt>{move || lang.t(Key::SupportedFacilities)}</dt>
                <dd id="plan-supported">{facilities}</dd>
            </div>
            {(!plan.phases.is_empty())
                .then(|| {
                    view! {
                        <div>
                            <dt>{move || lang.t(Key::Phases)}</dt>
                            <dd>
                                <ul class="plain-list">{phases}</ul>
                            </dd>
                        </div>
                    }
                })}
            <div>
                <dt>{move || lang.t(Key::CreatedBy)}</dt>
                <dd>
                    {created_by} " · "
                    {move || crate::i18n::format_datetime(lang.get(), updated)}
                </dd>
            </div>
        </dl>
        <div class="plan-doc-frame">
            <DocumentSheet plan />
        </div>
    }
}

/// `/plans/:id/document`: the print view.
#[component]
pub fn PlanPrintPage() -> impl IntoView {
    let id = use_id_param();
    move || match id.get() {
        Some(id) => view! { <PrintableDocument id /> }.into_any(),
        None => view! { <InvalidPlanId /> }.into_any(),
    }
}

#[component]
fn PrintableDocument(id: i64) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let plan = LocalResource::new(move || api::plans::get(api, id));
    view! {
        <section class="page plan-doc-page">
            <div class="plan-doc-toolbar">
                <A href=plan_href(id)>{move || lang.t(Key::BackToPlan)}</A>
                <div class="header-links">
                    <button
                        type="button"
                        class="button primary"
                        id="plan-print-button"
                        on:click=move |_| print_page()
                    >
                        {move || lang.t(Key::Print)}
                    </button>
                    <DownloadButton id="plan-docx" label=Key::DownloadDocx file=FileKind::PlanDocx(id) />
                </div>
            </div>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    loaded(plan.await, |plan| view! { <DocumentSheet plan /> })
                })}
            </Transition>
        </section>
    }
}

/// A block of the body as the sheet shows it.
fn block_view(block: DocumentBlock) -> AnyView {
    match block {
        DocumentBlock::Part(text) => view! { <h2 class="plan-doc-heading">{text}</h2> }.into_any(),
        DocumentBlock::Heading(text) => view! { <h3 class="plan-doc-sub">{text}</h3> }.into_any(),
        DocumentBlock::Basis(text) => view! { <p class="plan-doc-basis">{text}</p> }.into_any(),
        DocumentBlock::Text(text) => view! { <p class="plan-doc-text">{text}</p> }.into_any(),
        DocumentBlock::Item(text) => view! { <p class="plan-doc-item">{text}</p> }.into_any(),
        DocumentBlock::Activity(text) => {
            view! { <p class="plan-doc-item plan-doc-activity">{text}</p> }.into_any()
        }
        DocumentBlock::Table(table) => table_view(table).into_any(),
    }
}

/// A bordered table (the indicators).
fn table_view(table: DocumentTable) -> impl IntoView {
    let header = table
        .header
        .into_iter()
        .map(|text| view! { <th>{text}</th> })
        .collect_view();
    let rows = table
        .rows
        .into_iter()
        .map(|cells| {
            let cells = cells
                .into_iter()
                .map(|text| view! { <td>{text}</td> })
                .collect_view();
            view! { <tr>{cells}</tr> }
        })
        .collect_view();
    view! {
        <table class="plan-doc-table">
            <thead>
                <tr>{header}</tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// The sheet: the text of [`DocumentLayout`], the same as the Word export's, laid out
/// block by block. The document is Vietnamese whatever the interface language.
#[component]
pub(super) fn DocumentSheet(plan: Plan) -> impl IntoView {
    let draft = matches!(plan.status, PlanStatus::Draft | PlanStatus::Submitted);
    let DocumentLayout {
        header,
        kind,
        title,
        blocks,
        footer,
    } = DocumentLayout::of(&plan);
    let governing = header
        .governing_body
        .map(|body| view! { <p class="plan-doc-governing">{body}</p> });
    let issuer = header
        .issuer_lines
        .into_iter()
        .map(|line| view! { <p class="plan-doc-facility">{line}</p> })
        .collect_view();
    let recipients = footer
        .recipients
        .into_iter()
        .map(|line| view! { <p class="plan-doc-recipient">{line}</p> })
        .collect_view();
    view! {
        <article class="plan-doc" lang="vi" id="plan-doc" class:plan-doc-draft=draft>
            // A mark on the screen and the printout, not a word of the document.
            {draft
                .then(|| {
                    view! {
                        <p class="plan-doc-watermark" aria-hidden="true">
                            "DỰ THẢO"
                        </p>
                    }
                })}
            <header class="plan-doc-head">
                <div class="plan-doc-issuer">
                    {governing} {issuer} <p class="plan-doc-rule" aria-hidden="true"></p>
                    <p class="plan-doc-number" id="plan-doc-number">
                        {header.number}
                    </p>
                </div>
                <div class="plan-doc-nation">
                    <p class="plan-doc-country">{header.country}</p>
                    <p class="plan-doc-motto">{header.motto}</p>
                    <p class="plan-doc-rule" aria-hidden="true"></p>
                    <p class="plan-doc-date">
                        <em>{header.place_and_date}</em>
                    </p>
                </div>
            </header>
            <h1 class="plan-doc-kind">{kind}</h1>
            <p class="plan-doc-title">{title}</p>
            <p class="plan-doc-rule short" aria-hidden="true"></p>
            {blocks.into_iter().map(block_view).collect_view()}
            <div class="plan-doc-footer">
                <div class="plan-doc-recipients">
                    <p class="plan-doc-recipients-title">{footer.recipients_title}</p>
                    {recipients}
                </div>
                <div class="plan-doc-signer">
                    <p class="plan-doc-signer-title">{footer.signer_title}</p>
                    <p class="plan-doc-signer-name">{footer.signer_name}</p>
                </div>
            </div>
        </article>
    }
}
