//! Import and export of the registry: choose what the file holds, download its
//! template, upload the filled-in file, read the preview of every row (new, changed
//! with its columns, unchanged, error with row, column and reason), then import all
//! rows at once. The import button stays off while any row has an error.

use leptos::prelude::*;
use shared::Labelled;
use shared::registry::import::{ImportKind, ImportReport, ImportRow, RowStatus};
use wasm_bindgen::JsCast;

use super::RegistryTabs;
use crate::api::import::Sheet;
use crate::api::plans::{FileKind, SheetFormat};
use crate::api::{self, new_idempotency_key, use_api};
use crate::components::DownloadButton;
use crate::components::ProblemView;
use crate::components::form::SelectField;
use crate::contexts::use_lang;
use crate::i18n::Key;

/// Reads the file chosen in an `<input type="file">`.
async fn read_chosen(input: web_sys::HtmlInputElement) -> Option<Sheet> {
    let file = input.files()?.get(0)?;
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
        .await
        .ok()?;
    Some(Sheet {
        name: file.name(),
        content_type: file.type_(),
        bytes: js_sys::Uint8Array::new(&buffer).to_vec(),
    })
}

/// `/registry/import`.
#[component]
pub fn ImportPage() -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let kind = RwSignal::new(ImportKind::Staff);
    let sheet = RwSignal::new(None::<Sheet>);
    let preview = Action::new_local(move |(kind, sheet): &(ImportKind, Sheet)| {
        let (kind, sheet) = (*kind, sheet.clone());
        async move { api::import::preview(api, kind, &sheet).await }
    });
    let commit = Action::new_local(move |(kind, sheet, sha256): &(ImportKind, Sheet, String)| {
        let (kind, sheet, sha256) = (*kind, sheet.clone(), sha256.clone());
        // One key per press: a retried request after a lost answer is not applied twice.
        let key = new_idempotency_key();
        async move { api::import::commit(api, kind, &sheet, sha256, &key).await }
    });
    let previewed = move || preview.value().get().and_then(Result::ok);
    let committed = move || commit.value().get().and_then(Result::ok);
    // A new kind or file starts over.
    let reset = move || {
        preview.value().set(None);
        commit.value().set(None);
    };
    let run_preview = move || {
        if let Some(chosen) = sheet.get_untracked() {
            commit.value().set(None);
            preview.dispatch_local((kind.get_untracked(), chosen));
        }
    };
    let can_commit = move || {
        previewed().is_some_and(|report| report.counts.errors == 0)
            && committed().is_none()
            && !commit.pending().get()
    };
    let on_file = move |event: leptos::ev::Event| {
        let Some(input) = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        reset();
        leptos::task::spawn_local(async move {
            sheet.set(read_chosen(input).await);
            run_preview();
        });
    };
    let downloads = move || {
        let kind = kind.get();
        view! {
            <div class="actions">
                <span class="muted">{move || lang.t(Key::ImportTemplates)}</span>
                <DownloadButton id="import-template-xlsx" label=Key::TemplateXlsx file=FileKind::RegistryTemplate(kind, SheetFormat::Xlsx) />
                <DownloadButton id="import-template-csv" label=Key::TemplateCsv file=FileKind::RegistryTemplate(kind, SheetFormat::Csv) />
            </div>
            <div class="actions">
                <span class="muted">{move || lang.t(Key::ImportExports)}</span>
                <DownloadButton id="import-export-xlsx" label=Key::ExportXlsx file=FileKind::RegistryExport(kind, SheetFormat::Xlsx) />
                <DownloadButton id="import-export-csv" label=Key::ExportCsv file=FileKind::RegistryExport(kind, SheetFormat::Csv) />
            </div>
        }
    };
    view! {
        <section class="page import-page">
            <RegistryTabs />
            <h2>{move || lang.t(Key::ImportTitle)}</h2>
            <p class="muted">{move || lang.t(Key::ImportSummary)}</p>
            <SelectField
                id="import-kind"
                label=Key::ImportKind
                values=ImportKind::all()
                code=ImportKind::as_str
                value=Signal::derive(move || kind.get().as_str().to_string())
                on_change=Callback::new(move |code: String| {
                    if let Ok(chosen) = code.parse::<ImportKind>() {
                        kind.set(chosen);
                        reset();
                        run_preview();
                    }
                })
                messages=Signal::derive(Vec::new)
                required=true
            />
            {downloads}
            <div class="field">
                <label for="import-file">{move || lang.t(Key::ImportFile)}</label>
                <input
                    id="import-file"
                    type="file"
                    accept=".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                    on:change=on_file
                />
            </div>
            <div class="actions">
                <button
                    type="button"
                    class="button secondary"
                    id="import-preview"
                    disabled=move || sheet.with(Option::is_none) || preview.pending().get()
                    on:click=move |_| run_preview()
                >
                    {move || lang.t(Key::ImportPreview)}
                </button>
                <button
                    type="button"
                    class="button"
                    id="import-commit"
                    disabled=move || !can_commit()
                    on:click=move |_| {
                        if let (Some(report), Some(chosen)) = (previewed(), sheet.get_untracked()) {
                            commit.dispatch_local((report.kind, chosen, report.sha256));
                        }
                    }
                >
                    {move || lang.t(Key::ImportCommit)}
                </button>
            </div>
            {move || preview.value().get().and_then(Result::err).map(|error| view! { <ProblemView error /> })}
            {move || commit.value().get().and_then(Result::err).map(|error| view! { <ProblemView error /> })}
            {move || committed().map(|report| view! {
                <p class="alert alert-ok" role="status" id="import-done">
                    {move || lang.t(Key::ImportCommitted)} ": " <Counts report=report.clone() />
                </p>
            })}
            {move || previewed().map(|report| view! { <PreviewTable report /> })}
        </section>
    }
}

/// "3 new · 1 changed · …" of a report.
#[component]
fn Counts(report: ImportReport) -> impl IntoView {
    let lang = use_lang();
    let counts = report.counts;
    move || {
        let lang = lang.get();
        [
            (RowStatus::New, counts.new),
            (RowStatus::Changed, counts.changed),
            (RowStatus::Unchanged, counts.unchanged),
            (RowStatus::Error, counts.errors),
        ]
        .iter()
        .map(|(status, n)| format!("{n} {}", status.label(lang).to_lowercase()))
        .collect::<Vec<_>>()
        .join(" · ")
    }
}

/// Every row of a preview, errors first so that a long file's problems are not lost.
#[component]
fn PreviewTable(report: ImportReport) -> impl IntoView {
    let lang = use_lang();
    let kind = report.kind;
    let has_errors = report.counts.errors > 0;
    let mut rows = report.rows.clone();
    rows.sort_by_key(|row| (row.status != RowStatus::Error, row.row));
    let summary = report.clone();
    view! {
        <p class="import-counts" id="import-counts">
            {move || lang.t(Key::ImportRows)} ": " {report.counts.rows} " — " <Counts report=summary.clone() />
        </p>
        {has_errors.then(|| view! {
            <p class="alert alert-error" role="alert">{move || lang.t(Key::ImportFixErrors)}</p>
        })}
        <div class="table-scroll">
            <table class="list import-preview" id="import-preview-table">
                <thead>
                    <tr>
                        <th>{move || lang.t(Key::ImportRow)}</th>
                        <th>{move || lang.t(Key::ImportMatchedBy)}</th>
                        <th>{move || lang.t(Key::ImportStatus)}</th>
                        <th>{move || lang.t(Key::ImportDetails)}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|row| view! { <PreviewRow kind row /> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// One row of the preview: its changed columns or its errors.
#[component]
fn PreviewRow(kind: ImportKind, row: ImportRow) -> impl IntoView {
    let lang = use_lang();
    let class = match row.status {
        RowStatus::New => "badge ok",
        RowStatus::Changed => "badge warn",
        RowStatus::Unchanged => "badge off",
        RowStatus::Error => "badge error",
    };
    let status = row.status;
    let changed = row.changed.clone();
    let errors = row.errors.clone();
    let details = move || {
        let lang = lang.get();
        if !errors.is_empty() {
            errors
                .iter()
                .map(|error| format!("{}: {}", error.header, error.message))
                .collect::<Vec<_>>()
                .join("; ")
        } else {
            changed
                .iter()
                .filter_map(|key| kind.column(key).map(|column| column.header(lang)))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    view! {
        <tr class=move || if status == RowStatus::Error { "row-error" } else { "" }>
            <td>{row.row}</td>
            <td>{row.key.clone()}</td>
            <td><span class=class>{move || status.label(lang.get())}</span></td>
            <td>{details}</td>
        </tr>
    }
}
