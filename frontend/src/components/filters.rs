//! The list-page scaffold: the filters live in the URL query (so a filtered list can be
//! bookmarked, shared and reached with the back button), a form edits a draft of them
//! and applies it by navigating, and the results show a page at a time with
//! loading, error and empty states and cursor links.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use shared::Labelled;
use shared::page::Page;

use super::{Loading, Pager, enum_options, loaded, specialty_options};
use crate::api::ApiError;
use crate::contexts::use_lang;
use crate::i18n::Key;
use crate::pages::query::QueryParams;

/// A list's query as it sits in its page's URL (`/referrals?status=sent&cursor=…`).
pub trait UrlQuery: Clone + PartialEq + Send + Sync + 'static {
    /// The query the URL's parameters describe; a value that does not parse counts as
    /// absent.
    fn from_params(params: &dyn QueryParams) -> Self;
    /// The page's URL for this query.
    fn href(&self) -> String;
    /// Where in the list this query starts (none: at the top).
    fn cursor(&self) -> Option<&String>;
    /// The same query from `cursor`.
    fn at(&self, cursor: Option<String>) -> Self;
}

/// [`UrlQuery::cursor`] and [`UrlQuery::at`] for a query that keeps its place in a
/// `cursor` field, as the shared list queries do; written inside the `impl`.
macro_rules! cursor_field {
    () => {
        fn cursor(&self) -> Option<&String> {
            self.cursor.as_ref()
        }

        fn at(&self, cursor: Option<String>) -> Self {
            Self {
                cursor,
                ..self.clone()
            }
        }
    };
}
pub(crate) use cursor_field;

/// The page's query, following the URL (tracked).
pub fn use_url_query<Q: UrlQuery>() -> Memo<Q> {
    let params = use_query_map();
    Memo::new(move |_| params.with(|params| Q::from_params(params)))
}

/// The filter form's draft, reset from the URL whenever it changes (a link, the back
/// button, "clear filters").
pub fn use_filter_draft<Q, D>(
    query: Memo<Q>,
    from_query: impl Fn(&Q) -> D + Send + Sync + 'static,
) -> RwSignal<D>
where
    Q: UrlQuery,
    D: Default + Send + Sync + 'static,
{
    let draft = RwSignal::new(D::default());
    Effect::new(move |_| draft.set(query.with(&from_query)));
    draft
}

/// A callback that shows the list for the query `wanted` builds.
pub fn apply_filters<Q: UrlQuery>(wanted: impl Fn() -> Q + Send + Sync + 'static) -> Callback<()> {
    let navigate = use_navigate();
    Callback::new(move |()| navigate(&wanted().href(), Default::default()))
}

/// Links to the first page (when this is not it) and to the next one (when there is
/// one).
pub fn pager_links<Q: UrlQuery>(
    current: &Q,
    next_cursor: Option<String>,
) -> (Option<String>, Option<String>) {
    let first = current.cursor().is_some().then(|| current.at(None).href());
    let next = next_cursor.map(|cursor| current.at(Some(cursor)).href());
    (first, next)
}

/// One page of a list: "loading" until it comes, the problem if it does not, the items
/// as `show` draws them (its own empty state included), then the paging links.
#[component]
pub fn PagedList<Q, T, V, S>(
    /// The query of the page shown.
    query: Memo<Q>,
    /// The page read for it.
    page: LocalResource<Result<Page<T>, ApiError>>,
    /// Draws the items.
    show: S,
) -> impl IntoView
where
    Q: UrlQuery,
    T: Clone + Send + Sync + 'static,
    S: Fn(Vec<T>) -> V + Copy + Send + Sync + 'static,
    V: IntoView + 'static,
{
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                loaded(
                    page.await,
                    move |page| {
                        let (first, next) = query.with_untracked(|query| pager_links(query, page.next_cursor));
                        view! {
                            {show(page.items)}
                            <Pager first next />
                        }
                    },
                )
            })}
        </Transition>
    }
}

/// A text of a filter draft: its value (tracked) and what changes it.
#[derive(Debug, Clone, Copy)]
pub struct Bound<T: Send + Sync + 'static> {
    /// The current value.
    pub value: Signal<T>,
    /// Called with a new value.
    pub set: Callback<T>,
}

/// The field of `draft` that `get` reads and `set` writes.
pub fn bind<D, T>(draft: RwSignal<D>, get: fn(&D) -> &T, set: fn(&mut D) -> &mut T) -> Bound<T>
where
    D: Send + Sync + 'static,
    T: Clone + Send + Sync + 'static,
{
    Bound {
        value: Signal::derive(move || draft.with(|draft| get(draft).clone())),
        set: Callback::new(move |value: T| draft.update(|draft| *set(draft) = value)),
    }
}

/// A filter that applies as soon as it changes, without an "apply" button: the part of
/// the URL's query that `get` reads; a new value, written by `set`, shows the list from
/// its first page.
pub fn bind_url<Q, T>(query: Memo<Q>, get: fn(&Q) -> T, set: fn(&mut Q, T)) -> Bound<T>
where
    Q: UrlQuery,
    T: Clone + Send + Sync + 'static,
{
    let navigate = use_navigate();
    Bound {
        value: Signal::derive(move || query.with(get)),
        set: Callback::new(move |value: T| {
            let wanted = with_value(&query.get_untracked(), set, value);
            navigate(&wanted.href(), Default::default());
        }),
    }
}

/// `current` from its first page, with `set` writing `value` into it.
pub fn with_value<Q: UrlQuery, T>(current: &Q, set: fn(&mut Q, T), value: T) -> Q {
    let mut wanted = current.at(None);
    set(&mut wanted, value);
    wanted
}

impl<T: Clone + Send + Sync + 'static> From<RwSignal<T>> for Bound<T> {
    fn from(signal: RwSignal<T>) -> Self {
        Bound {
            value: signal.into(),
            set: Callback::new(move |value: T| signal.set(value)),
        }
    }
}

/// How many filters the URL's query sets: its parameters with a value, but for the
/// place in the list and those named in `outside` (a tab such as the referrals' box).
pub fn active_filters<'a>(
    params: impl IntoIterator<Item = (&'a str, &'a str)>,
    outside: &[&str],
) -> usize {
    params
        .into_iter()
        .filter(|(key, value)| {
            !value.trim().is_empty() && !["cursor", "limit"].contains(key) && !outside.contains(key)
        })
        .count()
}

/// The filter form: its fields are the children; submitting applies them. On a narrow
/// screen the form folds behind one button, "Bộ lọc" with the count of the filters
/// set, so that the list starts on the first screen.
#[component]
pub fn FilterForm(
    /// Applies the draft (none: the fields apply as they change, see [`bind_url`]).
    #[prop(optional)]
    on_apply: Option<Callback<()>>,
    /// Parameters of the page's URL that are not filters (a tab), left out of the count.
    #[prop(optional)]
    outside: &'static [&'static str],
    children: Children,
) -> impl IntoView {
    let lang = use_lang();
    let params = use_query_map();
    let open = RwSignal::new(false);
    let count = Memo::new(move |_| {
        params.with(|params| {
            let pairs = params
                .latest_values()
                .map(|(key, value)| (key.as_ref(), value));
            active_filters(pairs, outside)
        })
    });
    let toggle_text = move || match count.get() {
        0 => lang.t(Key::Filters).to_string(),
        n => format!("{} ({n})", lang.t(Key::Filters)),
    };
    view! {
        <div class="filters-box" class:open=move || open.get()>
            <button
                type="button"
                class="button secondary filters-toggle"
                aria-expanded=move || open.get().to_string()
                aria-controls="filters"
                on:click=move |_| open.update(|open| *open = !*open)
            >
                {toggle_text}
            </button>
            <form
                class="filters"
                id="filters"
                role="search"
                aria-label=move || lang.t(Key::Filters)
                on:submit=move |event: leptos::ev::SubmitEvent| {
                    event.prevent_default();
                    if let Some(on_apply) = on_apply {
                        on_apply.run(());
                    }
                    // On a phone the list is what the person wants to see now.
                    open.set(false);
                }
            >
                {children()}
            </form>
        </div>
    }
}

/// The free-text search of a list (`#filter-q`).
#[component]
pub fn SearchFilter(
    /// What can be searched for, as a placeholder.
    placeholder: Key,
    #[prop(into)] field: Bound<String>,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="field grow">
            <label for="filter-q">{move || lang.t(Key::Search)}</label>
            <input
                id="filter-q"
                type="search"
                placeholder=move || lang.t(placeholder)
                prop:value=move || field.value.get()
                on:input=move |event| field.set.run(event_target_value(&event))
            />
        </div>
    }
}

/// A filter on one value of a labelled enum, "any" first.
#[component]
pub fn EnumFilter<T>(
    /// Element id of the select.
    id: &'static str,
    label: Key,
    values: &'static [T],
    code: fn(&T) -> &'static str,
    #[prop(into)] field: Bound<String>,
    /// The code of "any" (empty, unless no value means one of them).
    #[prop(optional)]
    any: &'static str,
    /// One of the values is always chosen (an order, say): no "any".
    #[prop(optional)]
    no_any: bool,
) -> impl IntoView
where
    T: Labelled + Copy + Send + Sync + 'static,
{
    let lang = use_lang();
    let any_option = (!no_any).then(|| {
        view! {
            <option value=any prop:selected=move || field.value.with(|value| value == any)>
                {move || lang.t(Key::Any)}
            </option>
        }
    });
    view! {
        <div class="field">
            <label for=id>{move || lang.t(label)}</label>
            <select id=id on:change=move |event| field.set.run(event_target_value(&event))>
                {any_option}
                {enum_options(values, code, field.value, lang)}
            </select>
        </div>
    }
}

/// A filter on one record read from the server (a facility, a technique): its value
/// (an id or a code, as text) and name, "any" first; "loading" until they come, the
/// problem if they do not.
#[component]
pub fn RecordFilter<R>(
    /// Element id of the select.
    id: &'static str,
    label: Key,
    /// What the choices are read from.
    source: LocalResource<Result<R, ApiError>>,
    /// The choices in what was read: values and names, in the order shown.
    choices: fn(R) -> Vec<(String, String)>,
    #[prop(into)] field: Bound<String>,
) -> impl IntoView
where
    R: Clone + Send + Sync + 'static,
{
    let lang = use_lang();
    let select = move || {
        Suspend::new(async move {
            loaded(source.await, move |read| {
                let options = choices(read)
                    .into_iter()
                    .map(|(value, name)| {
                        let selected = value.clone();
                        view! {
                            <option
                                value=value
                                prop:selected=move || field.value.with(|current| *current == selected)
                            >
                                {name}
                            </option>
                        }
                    })
                    .collect_view();
                view! {
                    <select id=id on:change=move |event| field.set.run(event_target_value(&event))>
                        <option value="" prop:selected=move || field.value.with(String::is_empty)>
                            {move || lang.t(Key::Any)}
                        </option>
                        {options}
                    </select>
                }
            })
        })
    };
    view! {
        <div class="field">
            <label for=id>{move || lang.t(label)}</label>
            <Transition fallback=|| view! { <Loading /> }>{select}</Transition>
        </div>
    }
}

/// A filter typed in an input (`type` text or date).
#[component]
pub fn InputFilter(
    /// Element id of the input.
    id: &'static str,
    label: Key,
    /// The input's `type`.
    #[prop(default = "text")]
    kind: &'static str,
    #[prop(into)] field: Bound<String>,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="field">
            <label for=id>{move || lang.t(label)}</label>
            <input
                id=id
                type=kind
                prop:value=move || field.value.get()
                on:input=move |event| field.set.run(event_target_value(&event))
            />
        </div>
    }
}

/// A yes/no filter.
#[component]
pub fn CheckFilter(
    /// Element id of the checkbox.
    id: &'static str,
    label: Key,
    #[prop(into)] field: Bound<bool>,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="field checkbox">
            <input
                id=id
                type="checkbox"
                prop:checked=move || field.value.get()
                on:change=move |event| field.set.run(event_target_checked(&event))
            />
            <label for=id>{move || lang.t(label)}</label>
        </div>
    }
}

/// "Apply" and "clear filters".
#[component]
pub fn FilterActions(
    /// Where "clear filters" goes.
    #[prop(into)]
    clear: Signal<String>,
    /// Element id of the apply button, when tests look for it.
    #[prop(optional)]
    apply_id: Option<&'static str>,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="filter-actions">
            <button type="submit" class="button primary" id=apply_id>
                {move || lang.t(Key::Apply)}
            </button>
            <A href=move || clear.get()>{move || lang.t(Key::ClearFilters)}</A>
        </div>
    }
}

/// A filter on one specialty of the catalogue, "any" first.
#[component]
pub fn SpecialtyFilter(
    /// Element id of the select.
    id: &'static str,
    label: Key,
    #[prop(into)] field: Bound<String>,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="field">
            <label for=id>{move || lang.t(label)}</label>
            <select id=id on:change=move |event| field.set.run(event_target_value(&event))>
                <option value="" prop:selected=move || field.value.with(String::is_empty)>
                    {move || lang.t(Key::Any)}
                </option>
                {specialty_options(field.value, lang)}
            </select>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::active_filters;

    #[test]
    fn the_filter_count_leaves_out_the_place_in_the_list_blanks_and_tabs() {
        let params = [
            ("box", "outbox"),
            ("q", "hoa"),
            ("status", "sent"),
            ("urgency", " "),
            ("cursor", "abc"),
            ("limit", "20"),
        ];
        assert_eq!(active_filters(params, &["box"]), 2);
        assert_eq!(active_filters(params, &[]), 3);
        assert_eq!(active_filters([], &[]), 0);
    }
}
