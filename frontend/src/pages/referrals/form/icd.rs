//! The ICD-10 lookup above the diagnosis rows: typing a code or words (accents
//! optional) offers matches from `GET /code-lists/icd10`; choosing one fills the first
//! empty row (or a new one) with its code and name. Keyboard: ↓/↑ move, Enter picks,
//! Escape closes.

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use shared::code_list::{CodeEntry, CodeListQuery};

use crate::api::{self, use_api};
use crate::components::form::Row;
use crate::contexts::use_lang;
use crate::i18n::Key;

/// Wait after the last keystroke before asking the server.
const DEBOUNCE_MS: u64 = 250;
/// Matches offered at once.
const OFFERED: i64 = 12;

/// The lookup; `on_pick` is called with the path of the row it filled.
#[component]
pub(super) fn IcdLookup(diagnoses: RwSignal<Vec<Row>>, on_pick: Callback<String>) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let text = RwSignal::new(String::new());
    let matches = RwSignal::new(Vec::<CodeEntry>::new());
    let active = RwSignal::new(None::<usize>);
    let open = RwSignal::new(false);
    // Each keystroke bumps it: an answer to an older text is dropped.
    let generation = StoredValue::new(0_u64);

    let search = move |typed: String| {
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        if typed.trim().chars().count() < 2 {
            matches.set(Vec::new());
            open.set(false);
            return;
        }
        let run = move || {
            if generation.get_value() != mine {
                return;
            }
            let query = CodeListQuery {
                q: Some(typed.trim().to_string()),
                limit: Some(OFFERED),
                cursor: None,
            };
            leptos::task::spawn_local(async move {
                let found = api::referrals::icd10(api, &query).await;
                if generation.get_value() != mine {
                    return;
                }
                matches.set(found.map(|page| page.items).unwrap_or_default());
                active.set(None);
                open.set(true);
            });
        };
        if let Err(failure) =
            set_timeout_with_handle(run, std::time::Duration::from_millis(DEBOUNCE_MS))
        {
            leptos::logging::warn!("could not schedule the ICD lookup: {failure:?}");
        }
    };

    let pick = move |entry: CodeEntry| {
        let mut filled = 0;
        diagnoses.update(|rows| {
            let empty = rows
                .iter()
                .position(|row| row.value(0).trim().is_empty() && row.value(1).trim().is_empty());
            let index = empty.unwrap_or_else(|| {
                let key = rows.iter().map(|row| row.key).max().unwrap_or(0) + 1;
                rows.push(Row {
                    key,
                    values: vec![String::new(), String::new()],
                });
                rows.len() - 1
            });
            if let Some(row) = rows.get_mut(index) {
                row.values = vec![entry.code.clone(), entry.name.clone()];
            }
            filled = index;
        });
        on_pick.run(format!("clinical.diagnoses[{filled}].code"));
        on_pick.run(format!("clinical.diagnoses[{filled}].name"));
        text.set(String::new());
        matches.set(Vec::new());
        open.set(false);
    };

    let on_keydown = move |event: KeyboardEvent| {
        let count = matches.with(Vec::len);
        match event.key().as_str() {
            "ArrowDown" if count > 0 => {
                event.prevent_default();
                open.set(true);
                active.update(|a| *a = Some(a.map_or(0, |i| (i + 1) % count)));
            }
            "ArrowUp" if count > 0 => {
                event.prevent_default();
                active.update(|a| *a = Some(a.map_or(count - 1, |i| (i + count - 1) % count)));
            }
            "Enter" => {
                // Never submits the slip from here.
                event.prevent_default();
                let chosen = active
                    .get_untracked()
                    .or((count == 1).then_some(0))
                    .and_then(|i| matches.with_untracked(|m| m.get(i).cloned()));
                if let Some(entry) = chosen {
                    pick(entry);
                }
            }
            "Escape" => {
                open.set(false);
                active.set(None);
            }
            _ => {}
        }
    };

    let option_id = |i: usize| format!("icd-option-{i}");
    view! {
        <div class="icd-lookup">
            <label for="icd-lookup" class="field-label">{move || lang.t(Key::IcdLookup)}</label>
            <span class="field-hint" id="icd-lookup-hint">{move || lang.t(Key::IcdLookupHint)}</span>
            <input
                id="icd-lookup"
                type="search"
                autocomplete="off"
                role="combobox"
                aria-autocomplete="list"
                aria-controls="icd-options"
                aria-describedby="icd-lookup-hint"
                aria-expanded=move || open.get().to_string()
                aria-activedescendant=move || active.get().map(option_id).unwrap_or_default()
                prop:value=move || text.get()
                on:input=move |event| {
                    let typed = event_target_value(&event);
                    text.set(typed.clone());
                    search(typed);
                }
                on:keydown=on_keydown
            />
            <ul id="icd-options" role="listbox" class="icd-options" hidden=move || !open.get()>
                {move || {
                    let found = matches.get();
                    if found.is_empty() {
                        return view! {
                            <li class="muted" role="option" aria-disabled="true">
                                {lang.t(Key::IcdNoMatch)}
                            </li>
                        }
                            .into_any();
                    }
                    found
                        .into_iter()
                        .enumerate()
                        .map(|(i, entry)| {
                            let chosen = entry.clone();
                            view! {
                                <li
                                    id=option_id(i)
                                    role="option"
                                    class="icd-option"
                                    class:active=move || active.get() == Some(i)
                                    aria-selected=move || (active.get() == Some(i)).to_string()
                                    on:mousedown=move |event| {
                                        event.prevent_default();
                                        pick(chosen.clone());
                                    }
                                >
                                    <code>{entry.code.clone()}</code>
                                    " "
                                    {entry.name.clone()}
                                </li>
                            }
                        })
                        .collect_view()
                        .into_any()
                }}
            </ul>
        </div>
    }
}
