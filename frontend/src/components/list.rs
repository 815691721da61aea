//! Pieces of list pages: paging links, the empty-list message and `<option>`s for
//! labelled enums.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::Labelled;
use shared::registry::SPECIALTIES;

use crate::contexts::{LangContext, use_lang};
use crate::i18n::Key;

/// `<option>`s for every value of a labelled enum, marking the current one.
pub fn enum_options<T>(
    values: &'static [T],
    code: fn(&T) -> &'static str,
    current: Signal<String>,
    lang: LangContext,
) -> impl IntoView
where
    T: Labelled + Copy + Send + Sync + 'static,
{
    values
        .iter()
        .map(move |value| {
            let value = *value;
            let code = code(&value);
            view! {
                <option value=code prop:selected=move || current.with(|current| current == code)>
                    {move || value.label(lang.get())}
                </option>
            }
        })
        .collect_view()
}

/// `<option>`s for the specialty catalogue, marking the current one.
pub fn specialty_options(current: Signal<String>, lang: LangContext) -> impl IntoView {
    SPECIALTIES
        .iter()
        .map(move |(code, _, _)| {
            let code: &'static str = code;
            view! {
                <option value=code prop:selected=move || current.with(|current| current == code)>
                    {move || shared::registry::specialty_label(code, lang.get())}
                </option>
            }
        })
        .collect_view()
}

/// Links to the first and the next page of a list.
#[component]
pub fn Pager(
    /// The first page, when this is not it.
    first: Option<String>,
    /// The next page, when there is one.
    next: Option<String>,
) -> impl IntoView {
    let lang = use_lang();
    (first.is_some() || next.is_some()).then(|| {
        view! {
            <div class="pager">
                {first.map(|href| view! { <A href=href>{move || lang.t(Key::FirstPage)}</A> })}
                {next.map(|href| view! { <A href=href>{move || lang.t(Key::NextPage)}</A> })}
            </div>
        }
    })
}

/// The message for an empty list.
#[component]
pub fn NoResults() -> impl IntoView {
    let lang = use_lang();
    view! { <p class="empty">{move || lang.t(Key::NoResults)}</p> }
}

/// One column heading of a [`DataTable`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Heading {
    /// A heading in words.
    Label(Key),
    /// A heading in words over figures (aligned as they are).
    Number(Key),
    /// A sign that reads the same in every language (`#`).
    Sign(&'static str),
    /// No heading (a column of buttons).
    Blank,
}

impl From<Key> for Heading {
    fn from(label: Key) -> Self {
        Heading::Label(label)
    }
}

impl Heading {
    /// What a cell of this column is called on a card (a narrow screen shows each row
    /// as one, its cells under their headings); empty for a column without one.
    pub fn card_label(self, lang: shared::Lang) -> &'static str {
        match self {
            Heading::Label(label) | Heading::Number(label) => crate::i18n::t(lang, label),
            Heading::Sign(sign) => sign,
            Heading::Blank => "",
        }
    }
}

/// A table of records: the column headings over the rows (the children, `<tr>`s). On a
/// narrow screen every row shows as a card (see `style.css`), each cell under its
/// heading, which the table writes on the cells as `data-label`.
#[component]
pub fn DataTable(
    /// The table's classes besides `data` (`referrals`).
    #[prop(optional)]
    class: &'static str,
    /// Element id of the table, where tests look for it.
    #[prop(optional)]
    id: Option<&'static str>,
    /// The column headings, in order.
    headings: Vec<Heading>,
    children: Children,
) -> impl IntoView {
    let lang = use_lang();
    let table = NodeRef::<leptos::html::Table>::new();
    let columns = headings.clone();
    // After the rows are in the page, and again when the language changes.
    Effect::new(move |_| {
        let lang = lang.get();
        if let Some(table) = table.get() {
            let labels: Vec<&str> = columns.iter().map(|h| h.card_label(lang)).collect();
            label_cells(&table, &labels);
        }
    });
    let headings = headings
        .into_iter()
        .map(|heading| match heading {
            Heading::Label(label) => {
                view! { <th scope="col">{move || lang.t(label)}</th> }.into_any()
            }
            Heading::Number(label) => {
                view! { <th scope="col" class="number">{move || lang.t(label)}</th> }.into_any()
            }
            Heading::Sign(sign) => view! { <th scope="col">{sign}</th> }.into_any(),
            Heading::Blank => view! { <th scope="col"></th> }.into_any(),
        })
        .collect_view();
    let class = if class.is_empty() {
        "data".to_string()
    } else {
        format!("data {class}")
    };
    view! {
        <div class="table-wrap">
            <table class=class id=id node_ref=table>
                <thead>
                    <tr>{headings}</tr>
                </thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}

/// A table whose head and body are written by hand (several `<tbody>`s, rows under a
/// group heading): `class="data"` plus `class`, and on a narrow screen every row as a
/// card with each value under its column's heading ([`label_as_cards`]).
#[component]
pub fn CardTable(
    /// The table's classes besides `data`.
    #[prop(optional)]
    class: &'static str,
    /// Element id of the table.
    #[prop(optional)]
    id: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    let table = NodeRef::<leptos::html::Table>::new();
    label_as_cards(table);
    let class = if class.is_empty() {
        "data".to_string()
    } else {
        format!("data {class}")
    };
    view! {
        <table class=class id=id node_ref=table>
            {children()}
        </table>
    }
}

/// For a table written by hand (`<table class="data">` with its own `<thead>`): once
/// its rows are in the page, and again when the language changes, each cell gets its
/// column's heading as `data-label`, so on a narrow screen every row shows as a card
/// with each value under its heading, as in a [`DataTable`].
pub fn label_as_cards(table: NodeRef<leptos::html::Table>) {
    let lang = use_lang();
    Effect::new(move |_| {
        lang.get();
        let Some(table) = table.get() else { return };
        // The headings as the table shows them, after this language's texts are in.
        request_animation_frame(move || {
            let labels = heading_texts(&table);
            let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
            label_cells(&table, &labels);
        });
    });
}

/// The texts of the headings in the table's `<thead>` (its first row), in order.
fn heading_texts(table: &web_sys::Element) -> Vec<String> {
    let mut section = table.first_element_child();
    while let Some(part) = section {
        if part.tag_name().eq_ignore_ascii_case("thead") {
            let mut texts = Vec::new();
            let mut cell = part
                .first_element_child()
                .and_then(|row| row.first_element_child());
            while let Some(th) = cell {
                texts.push(th.text_content().unwrap_or_default().trim().to_string());
                cell = th.next_element_sibling();
            }
            return texts;
        }
        section = part.next_element_sibling();
    }
    Vec::new()
}

/// Writes each column's heading on the cells of the table's body (`data-label`), for
/// the card a narrow screen shows; a cell spanning columns (a form opened under a row)
/// gets none.
fn label_cells(table: &web_sys::Element, labels: &[&str]) {
    let mut section = table.first_element_child();
    while let Some(part) = section {
        if part.tag_name().eq_ignore_ascii_case("tbody") {
            let mut row = part.first_element_child();
            while let Some(tr) = row {
                let mut cell = tr.first_element_child();
                let mut column = 0;
                while let Some(td) = cell {
                    let span = td
                        .get_attribute("colspan")
                        .and_then(|span| span.parse::<usize>().ok())
                        .unwrap_or(1);
                    let label = match span {
                        1 => labels.get(column).copied().unwrap_or(""),
                        _ => "",
                    };
                    // Fails only for an invalid attribute name, which this is not.
                    let _ = td.set_attribute("data-label", label);
                    column += span;
                    cell = td.next_element_sibling();
                }
                row = tr.next_element_sibling();
            }
        }
        section = part.next_element_sibling();
    }
}
