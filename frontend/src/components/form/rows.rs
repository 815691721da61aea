//! An editor for rows of inputs (diagnoses, earlier stays, follow-ups), with the
//! messages of each cell under it.

use leptos::prelude::*;

use super::{FieldMessages, InputKind, field_id, messages_at};
use crate::components::FieldErrors;
use crate::contexts::use_lang;
use crate::i18n::Key;

/// One column of a [`RowsEditor`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// Header.
    pub label: Key,
    /// Field name inside a row, as in the error paths (`code` in `diagnoses[0].code`);
    /// empty when the row is a single value (`long_validity_codes[0]`).
    pub field: &'static str,
    /// Input kind.
    pub kind: InputKind,
    /// Whether typed text is turned to upper case (ICD-10 codes).
    pub upper: bool,
}

/// One row being edited: a stable key (so inputs keep focus while others change) and
/// one text per column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Stable identity within its editor.
    pub key: u64,
    /// One value per column.
    pub values: Vec<String>,
}

impl Row {
    /// The value of column `index`, empty when missing.
    pub fn value(&self, index: usize) -> &str {
        self.values.get(index).map(String::as_str).unwrap_or("")
    }
}

/// Rows made from existing values, keyed from 1.
pub fn rows_from(values: impl IntoIterator<Item = Vec<String>>) -> Vec<Row> {
    values
        .into_iter()
        .zip(1..)
        .map(|(values, key)| Row { key, values })
        .collect()
}

/// A table of rows to add, edit and remove, with the messages of each cell under it.
#[component]
pub fn RowsEditor(
    /// The rows.
    rows: RwSignal<Vec<Row>>,
    /// The columns.
    columns: &'static [Column],
    /// Path of the list in the messages, e.g. `clinical.diagnoses`.
    path: &'static str,
    /// Messages by path (the list's own under `path`, a cell's under `path[i].field`).
    #[prop(into)]
    messages: Signal<FieldMessages>,
    /// Text of the "add" button.
    add_label: Key,
    /// Called with the path of a cell that was edited.
    #[prop(optional)]
    on_edit: Option<Callback<String>>,
    /// Values of a new row (default: empty).
    #[prop(optional)]
    new_row: Option<fn() -> Vec<String>>,
) -> impl IntoView {
    let lang = use_lang();
    let add = move |_| {
        rows.update(|rows| {
            let key = rows.iter().map(|row| row.key).max().unwrap_or(0) + 1;
            let values = new_row.map_or_else(|| vec![String::new(); columns.len()], |make| make());
            rows.push(Row { key, values });
        });
    };
    let list_messages = messages_at(messages, move || path.to_string());
    let list_errors_id = format!("{}-errors", field_id(path));
    let row_view = move |row: Row| {
        let key = row.key;
        let index =
            move || rows.with(|rows| rows.iter().position(|row| row.key == key).unwrap_or(0));
        let cells = columns
            .iter()
            .enumerate()
            .map(|(column_index, column)| {
                let column = *column;
                let cell_path = move || match column.field {
                    "" => format!("{path}[{}]", index()),
                    field => format!("{path}[{}].{field}", index()),
                };
                let id = Signal::derive(move || field_id(&cell_path()));
                // Keyed by the row, not its position: stays right when rows above go.
                let errors_id = format!("{}-{key}-{}-errors", field_id(path), column.field);
                let cell_messages = messages_at(messages, cell_path);
                let value = move || {
                    rows.with(|rows| {
                        rows.iter()
                            .find(|row| row.key == key)
                            .map(|row| row.value(column_index).to_string())
                            .unwrap_or_default()
                    })
                };
                let on_input = move |event| {
                    let mut text = event_target_value(&event);
                    if column.upper {
                        text = text.to_uppercase();
                    }
                    rows.update(|rows| {
                        if let Some(cell) = rows
                            .iter_mut()
                            .find(|row| row.key == key)
                            .and_then(|row| row.values.get_mut(column_index))
                        {
                            *cell = text;
                        }
                    });
                    if let Some(on_edit) = on_edit {
                        on_edit.run(cell_path());
                    }
                };
                let invalid = move || (!cell_messages.with(Vec::is_empty)).to_string();
                let control = match column.kind {
                    InputKind::Multiline => view! {
                        <textarea
                            id=move || id.get()
                            rows="2"
                            aria-label=move || lang.t(column.label)
                            aria-describedby=errors_id.clone()
                            aria-invalid=invalid
                            prop:value=value
                            on:input=on_input
                        ></textarea>
                    }
                    .into_any(),
                    InputKind::Choice(choices) => view! {
                        <select
                            id=move || id.get()
                            aria-label=move || lang.t(column.label)
                            aria-describedby=errors_id.clone()
                            aria-invalid=invalid
                            prop:value=value
                            on:change=on_input
                        >
                            {choices
                                .iter()
                                .map(|(code, vi, en)| {
                                    let label = move || {
                                        if lang.get() == shared::Lang::Vi { *vi } else { *en }
                                    };
                                    let chosen = move || value() == *code;
                                    view! {
                                        <option value=*code selected=chosen>
                                            {label}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    }
                    .into_any(),
                    kind => view! {
                        <input
                            id=move || id.get()
                            type=kind.html_type()
                            aria-label=move || lang.t(column.label)
                            aria-describedby=errors_id.clone()
                            aria-invalid=invalid
                            prop:value=value
                            on:input=on_input
                        />
                    }
                    .into_any(),
                };
                view! {
                    <td class=format!("cell-{}", column.field) data-label=move || lang.t(column.label)>
                        {control}
                        <FieldErrors id=errors_id messages=cell_messages />
                    </td>
                }
            })
            .collect_view();
        view! {
            <tr>
                <td class="row-number">{move || index() + 1}</td>
                {cells}
                <td class="row-remove">
                    <button
                        type="button"
                        class="button ghost small"
                        on:click=move |_| rows.update(|rows| rows.retain(|row| row.key != key))
                    >
                        {move || lang.t(Key::Remove)}
                    </button>
                </td>
            </tr>
        }
    };
    view! {
        // Focusable, so that "send" can bring the person to a list that needs a row.
        <div class="rows-editor" id=field_id(path) tabindex="-1">
            <Show when=move || !rows.with(Vec::is_empty)>
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
            </Show>
            <FieldErrors id=list_errors_id messages=list_messages />
            <button type="button" class="button secondary small" on:click=add>
                "+ "
                {move || lang.t(add_label)}
            </button>
        </div>
    }
}
