//! The editor's inputs: how messages are shown (a field's once it was edited, all once
//! saving was tried, the server's until the field changes), a labelled input, a choice
//! among a labelled enum, and a table of rows to add, edit and remove.

use std::collections::BTreeSet;

use leptos::prelude::*;
use shared::Labelled;

use super::draft::{FieldMessages, Row, next_key};
use crate::components::FieldErrors;
pub(super) use crate::components::form::InputKind;
use crate::components::form::TextField;
use crate::contexts::use_lang;
use crate::i18n::Key;

/// The element id of the input for a field path: `document.legal_bases[1].number` →
/// `plan-document-legal_bases-1-number`.
pub(super) fn field_id(path: &str) -> String {
    crate::components::form::prefixed_field_id("plan-", path)
}

/// The editor's messages and when they show.
#[derive(Debug, Clone, Copy)]
pub(super) struct EditorForm {
    /// What the shared rules say about the plan as typed.
    pub client: Memo<FieldMessages>,
    /// What the server said on the last save, until the field changes.
    pub server: RwSignal<FieldMessages>,
    /// Fields the person changed.
    pub edited: RwSignal<BTreeSet<String>>,
    /// Whether saving was tried.
    pub tried: RwSignal<bool>,
}

impl EditorForm {
    /// A form over the messages of the shared rules.
    pub fn new(client: Memo<FieldMessages>) -> EditorForm {
        EditorForm {
            client,
            server: RwSignal::new(FieldMessages::new()),
            edited: RwSignal::new(BTreeSet::new()),
            tried: RwSignal::new(false),
        }
    }

    /// The messages of `path` to show now (tracked).
    pub fn messages(self, path: Signal<String>) -> Signal<Vec<String>> {
        Signal::derive(move || {
            let path = path.get();
            let show_client = self.tried.get() || self.edited.with(|edited| edited.contains(&path));
            let mut shown = if show_client {
                self.client
                    .with(|messages| messages.get(&path).cloned().unwrap_or_default())
            } else {
                Vec::new()
            };
            self.server.with(|server| {
                for message in server.get(&path).into_iter().flatten() {
                    if !shown.contains(message) {
                        shown.push(message.clone());
                    }
                }
            });
            shown
        })
    }

    /// The person changed `path`: its messages may show, the server's are stale.
    pub fn edit(self, path: &str) {
        if !self.edited.with_untracked(|edited| edited.contains(path)) {
            self.edited.update(|edited| {
                edited.insert(path.to_string());
            });
        }
        if self
            .server
            .with_untracked(|server| server.contains_key(path))
        {
            self.server.update(|server| {
                server.remove(path);
            });
        }
    }
}

/// A labelled input bound to a text signal, with the messages of its field.
#[component]
pub(super) fn TextInput(
    /// Label.
    label: Key,
    /// The text.
    value: RwSignal<String>,
    /// The form.
    form: EditorForm,
    /// The field's path (the element id follows it).
    #[prop(into)]
    path: Signal<String>,
    /// Kind of input.
    #[prop(optional)]
    kind: InputKind,
    /// Marks the field as required.
    #[prop(optional)]
    required: bool,
    /// A short explanation under the label.
    #[prop(optional, into)]
    hint: Option<Key>,
    /// Extra class on the field wrapper (`span-2`, `span-3`).
    #[prop(optional)]
    class: &'static str,
) -> impl IntoView {
    let on_input = Callback::new(move |text: String| {
        value.set(text);
        form.edit(&path.get_untracked());
    });
    view! {
        <TextField
            id=Signal::derive(move || field_id(&path.get()))
            label
            value
            on_input
            messages=form.messages(path)
            kind
            hint
            required
            class
            lines=4
        />
    }
}

/// A choice among a labelled enum's values, bound to a text signal (the wire code).
#[component]
pub(super) fn EnumSelect<T>(
    /// Label.
    label: Key,
    /// The chosen code.
    value: RwSignal<String>,
    /// The values.
    values: &'static [T],
    /// A value's code.
    code: fn(&T) -> &'static str,
    /// The form.
    form: EditorForm,
    /// The field's path.
    #[prop(into)]
    path: Signal<String>,
    /// The text of an empty choice, when one is allowed.
    #[prop(optional, into)]
    empty: Option<Key>,
) -> impl IntoView
where
    T: Labelled + Copy + Send + Sync + 'static,
{
    let lang = use_lang();
    let id = Signal::derive(move || field_id(&path.get()));
    let errors_id = Signal::derive(move || format!("{}-errors", id.get()));
    let messages = form.messages(path);
    view! {
        <div class="field">
            <label for=move || id.get()>{move || lang.t(label)}</label>
            <select
                id=move || id.get()
                aria-describedby=move || errors_id.get()
                aria-invalid=move || (!messages.with(Vec::is_empty)).to_string()
                on:change=move |event| {
                    value.set(event_target_value(&event));
                    form.edit(&path.get_untracked());
                }
            >
                {empty
                    .map(|empty| {
                        view! {
                            <option value="" prop:selected=move || value.with(String::is_empty)>
                                {move || lang.t(empty)}
                            </option>
                        }
                    })}
                {crate::components::enum_options(values, code, value.into(), lang)}
            </select>
            <FieldErrors id=errors_id messages />
        </div>
    }
}

/// What a cell of a [`RowsTable`] holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CellKind {
    /// An input of this kind.
    Input(InputKind),
    /// A choice among the options the table's `choices[n]` lists.
    Choice(usize),
}

/// One column of a [`RowsTable`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Column {
    /// Header.
    pub label: Key,
    /// Field name inside a row, as in the error paths (`number` in
    /// `document.legal_bases[0].number`).
    pub field: &'static str,
    /// What the cell holds.
    pub kind: CellKind,
}

/// Options of a choice column: (value, text).
pub(super) type Choices = Signal<Vec<(String, String)>>;

/// A table of rows to add, edit and remove, with the messages of each cell.
#[component]
pub(super) fn RowsTable(
    /// The rows.
    rows: RwSignal<Vec<Row>>,
    /// The columns.
    columns: &'static [Column],
    /// Path of the list in the messages (`document.legal_bases`).
    #[prop(into)]
    path: Signal<String>,
    /// The form.
    form: EditorForm,
    /// Text of the "add" button.
    add_label: Key,
    /// Options of the choice columns.
    #[prop(optional)]
    choices: Vec<Choices>,
    /// Values of a new row (default: empty).
    #[prop(optional)]
    new_row: Option<fn() -> Vec<String>>,
) -> impl IntoView {
    let lang = use_lang();
    let choices = StoredValue::new(choices);
    let list_id = Signal::derive(move || field_id(&path.get()));
    let list_messages = form.messages(path);
    let add = move |_| {
        rows.update(|rows| {
            let key = next_key(rows.iter().map(|row| row.key));
            let values = new_row.map_or_else(|| vec![String::new(); columns.len()], |make| make());
            rows.push(Row { key, values });
        });
    };
    let row_view = move |row: Row| {
        let key = row.key;
        let index = Memo::new(move |_| {
            rows.with(|rows| rows.iter().position(|row| row.key == key).unwrap_or(0))
        });
        let cells = columns
            .iter()
            .enumerate()
            .map(|(column_index, column)| {
                let column = *column;
                let cell_path = Signal::derive(move || {
                    format!("{}[{}].{}", path.get(), index.get(), column.field)
                });
                let options = match column.kind {
                    CellKind::Choice(n) => choices.with_value(|choices| choices.get(n).copied()),
                    CellKind::Input(_) => None,
                };
                view! {
                    <td class=format!("cell-{}", column.field)>
                        <Cell rows key column_index column path=cell_path form options />
                    </td>
                }
            })
            .collect_view();
        view! {
            <tr data-row=key>
                <td class="row-number">{move || index.get() + 1}</td>
                {cells}
                <td class="row-remove">
                    <button
                        type="button"
                        class="button ghost small"
                        on:click=move |_| {
                            rows.update(|rows| rows.retain(|row| row.key != key));
                            form.edit(&path.get_untracked());
                        }
                    >
                        {move || lang.t(Key::Remove)}
                    </button>
                </td>
            </tr>
        }
    };
    view! {
        // Focusable, so that saving can bring the person to a list with a problem.
        <div class="rows-editor" id=move || list_id.get() tabindex="-1">
            <Show when=move || !rows.with(Vec::is_empty)>
                <div class="table-scroll">
                    <table class="rows">
                        <thead>
                            <tr>
                                <th scope="col">"#"</th>
                                {columns
                                    .iter()
                                    .map(|column| {
                                        let label = column.label;
                                        view! { <th scope="col">{move || lang.t(label)}</th> }
                                    })
                                    .collect_view()}
                                <th scope="col"></th>
                            </tr>
                        </thead>
                        <tbody>
                            <For each=move || rows.get() key=|row| row.key children=row_view />
                        </tbody>
                    </table>
                </div>
            </Show>
            <FieldErrors id=Signal::derive(move || format!("{}-errors", list_id.get())) messages=list_messages />
            <button
                type="button"
                class="button secondary small rows-add"
                data-list=move || path.get()
                on:click=add
            >
                "+ "
                {move || lang.t(add_label)}
            </button>
        </div>
    }
}

/// One cell of a [`RowsTable`].
#[component]
fn Cell(
    rows: RwSignal<Vec<Row>>,
    key: u64,
    column_index: usize,
    column: Column,
    path: Signal<String>,
    form: EditorForm,
    options: Option<Choices>,
) -> impl IntoView {
    let lang = use_lang();
    let id = Signal::derive(move || field_id(&path.get()));
    let errors_id = Signal::derive(move || format!("{}-errors", id.get()));
    let messages = form.messages(path);
    let invalid = move || (!messages.with(Vec::is_empty)).to_string();
    let value = Signal::derive(move || {
        rows.with(|rows| {
            rows.iter()
                .find(|row| row.key == key)
                .map(|row| row.value(column_index).to_string())
                .unwrap_or_default()
        })
    });
    let set = move |text: String| {
        rows.update(|rows| {
            if let Some(cell) = rows
                .iter_mut()
                .find(|row| row.key == key)
                .and_then(|row| row.values.get_mut(column_index))
            {
                *cell = text;
            }
        });
        form.edit(&path.get_untracked());
    };
    let label = move || lang.t(column.label);
    let control = match (column.kind, options) {
        (CellKind::Choice(_), Some(options)) => {
            // A value the options do not list (an older plan) stays visible.
            let listed = move || {
                let current = value.get();
                let mut options = options.get();
                if !current.is_empty() && !options.iter().any(|(value, _)| *value == current) {
                    options.push((current.clone(), current));
                }
                options
            };
            view! {
                <select
                    id=move || id.get()
                    aria-label=label
                    aria-describedby=move || errors_id.get()
                    aria-invalid=invalid
                    on:change=move |event| set(event_target_value(&event))
                >
                    {move || {
                        listed()
                            .into_iter()
                            .map(|(option, text)| {
                                let selected = option.clone();
                                view! {
                                    <option
                                        value=option
                                        prop:selected=move || value.with(|value| *value == selected)
                                    >
                                        {text}
                                    </option>
                                }
                            })
                            .collect_view()
                    }}
                </select>
            }
            .into_any()
        }
        (CellKind::Input(InputKind::Multiline), _) => view! {
            <textarea
                id=move || id.get()
                rows="3"
                aria-label=label
                aria-describedby=move || errors_id.get()
                aria-invalid=invalid
                prop:value=move || value.get()
                on:input=move |event| set(event_target_value(&event))
            ></textarea>
        }
        .into_any(),
        (CellKind::Input(kind), _) => view! {
            <input
                id=move || id.get()
                type=kind.html_type()
                inputmode=kind.input_mode()
                aria-label=label
                aria-describedby=move || errors_id.get()
                aria-invalid=invalid
                prop:value=move || value.get()
                on:input=move |event| set(event_target_value(&event))
            />
        }
        .into_any(),
        (CellKind::Choice(_), None) => ().into_any(),
    };
    view! {
        {control}
        <FieldErrors id=errors_id messages />
    }
}
