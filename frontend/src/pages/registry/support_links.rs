//! A facility's support links on its page: the facilities that support it and those it
//! supports, each a link to its page; for those who manage the facility registry, a
//! form that adds a link (the other facility, which way, since when) and a confirmed
//! "remove" on each.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::Labelled;
use shared::registry::{FacilityQuery, SupportLink, SupportLinkInput, SupportLinkQuery};

use super::NoResults;
use crate::api::{self, ApiError, IdempotencyKeys, use_api};
use crate::components::filters::bind;
use crate::components::form::{
    CheckedSend, ChoiceField, FieldMessages, FormSection, FormText, InlineForm, InputKind,
    RadioField, Unreadable, input_problems, messages_at,
};
use crate::components::{ConfirmButton, Loading, loaded};
use crate::contexts::use_lang;
use crate::i18n::{Key, format_date, t};
use crate::pages::query::non_blank;

/// Which way a new link goes, seen from the facility whose page it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    /// This facility supports the one chosen.
    Supports,
    /// The one chosen supports this facility.
    SupportedBy,
}

impl Side {
    const ALL: &'static [Side] = &[Side::SupportedBy, Side::Supports];

    fn code(&self) -> &'static str {
        match self {
            Side::Supports => "supports",
            Side::SupportedBy => "supported_by",
        }
    }

    /// The path of the other facility in a link's body.
    fn other_path(self) -> &'static str {
        match self {
            Side::Supports => "supported_id",
            Side::SupportedBy => "supporter_id",
        }
    }
}

impl Labelled for Side {
    fn label(&self, lang: shared::Lang) -> &'static str {
        t(
            lang,
            match self {
                Side::Supports => Key::ThisSupports,
                Side::SupportedBy => Key::ThisSupportedBy,
            },
        )
    }
}

/// The links of one facility: who supports it, whom it supports.
#[derive(Debug, Clone, Default)]
struct Links {
    supported_by: Vec<SupportLink>,
    supports: Vec<SupportLink>,
}

/// The support links of `facility_id`, with "add" and "remove" when `editable`.
#[component]
pub(super) fn SupportLinks(facility_id: i64, editable: bool) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let links = LocalResource::new(move || async move {
        let above = SupportLinkQuery {
            supported_id: Some(facility_id),
            ..Default::default()
        };
        let below = SupportLinkQuery {
            supporter_id: Some(facility_id),
            ..Default::default()
        };
        Ok::<_, ApiError>(Links {
            supported_by: api::registry::support_links(api, &above).await?,
            supports: api::registry::support_links(api, &below).await?,
        })
    });
    let changed = Callback::new(move |()| links.refetch());
    let adding = RwSignal::new(false);
    view! {
        <section id="support-links">
            <h2>{move || lang.t(Key::SupportLinks)}</h2>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    loaded(links.await, move |links| {
                        view! {
                            <div class="columns">
                                <LinkList id="supported-by" title=Key::SupportedBy links=links.supported_by above=true editable changed />
                                <LinkList id="supports" title=Key::Supports links=links.supports above=false editable changed />
                            </div>
                        }
                    })
                })}
            </Transition>
            {editable.then(|| view! {
                <button
                    type="button"
                    class="button secondary"
                    id="add-support-link"
                    aria-expanded=move || adding.get().to_string()
                    on:click=move |_| adding.update(|open| *open = !*open)
                >
                    {move || lang.t(Key::AddSupportLink)}
                </button>
                <Show when=move || adding.get()>
                    <NewLinkForm
                        facility_id
                        on_saved=Callback::new(move |()| {
                            adding.set(false);
                            changed.run(());
                        })
                        on_close=Callback::new(move |()| adding.set(false))
                    />
                </Show>
            })}
        </section>
    }
}

/// A titled list of links, each to the other facility's page.
#[component]
fn LinkList(
    /// Element id of the list.
    id: &'static str,
    title: Key,
    links: Vec<SupportLink>,
    /// The other facility is the supporter (else the supported one).
    above: bool,
    editable: bool,
    /// A link was removed.
    changed: Callback<()>,
) -> impl IntoView {
    let lang = use_lang();
    let items = links
        .into_iter()
        .map(|link| {
            let other = if above { link.supporter } else { link.supported };
            let kind = other.kind;
            let since = link.since;
            view! {
                <li data-facility-code=other.code.clone()>
                    <A href=format!("/registry/facilities/{}", other.id)>{other.name}</A>
                    <span class="muted">
                        " · " {move || kind.label(lang.get())}
                        {move || since.map(|since| format!(" · {} {}", lang.t(Key::FromDate), format_date(lang.get(), since)))}
                    </span>
                    {link.note.map(|note| view! { <span class="muted">" · " {note}</span> })}
                    {editable.then(|| view! { <RemoveLink id=link.id changed /> })}
                </li>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <section>
            <h3>{move || lang.t(title)}</h3>
            {if items.is_empty() {
                view! { <NoResults /> }.into_any()
            } else {
                view! { <ul class="plain-list" id=id>{items}</ul> }.into_any()
            }}
        </section>
    }
}

/// "Remove" on one link, asked first.
#[component]
fn RemoveLink(id: i64, changed: Callback<()>) -> impl IntoView {
    let api = use_api();
    view! {
        <ConfirmButton
            id=format!("remove-link-{id}")
            label=Key::Remove
            question=Key::RemoveLinkQuestion
            send=move || api::registry::delete_support_link(api, id)
            on_done=changed
        />
    }
}

/// The new link's fields as typed.
#[derive(Debug, Clone, PartialEq)]
struct LinkDraft {
    side: String,
    other: String,
    since: String,
    note: String,
}

impl LinkDraft {
    /// The body these fields make for a link of `facility_id`, and what cannot be read.
    fn input(&self, facility_id: i64, lang: shared::Lang) -> (SupportLinkInput, FieldMessages) {
        let mut unreadable = Unreadable::new(lang);
        let side = Side::ALL
            .iter()
            .copied()
            .find(|s| s.code() == self.side)
            .unwrap_or(Side::SupportedBy);
        let other = unreadable.choice::<i64>(side.other_path(), &self.other);
        let since = unreadable.optional_date("since", &self.since);
        let other = other.unwrap_or_default();
        let (supporter_id, supported_id) = match side {
            Side::Supports => (facility_id, other),
            Side::SupportedBy => (other, facility_id),
        };
        let input = SupportLinkInput {
            supporter_id,
            supported_id,
            since,
            note: non_blank(&self.note),
        };
        (input, unreadable.messages)
    }
}

/// The form that adds a link of `facility_id`.
#[component]
fn NewLinkForm(facility_id: i64, on_saved: Callback<()>, on_close: Callback<()>) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let draft = RwSignal::new(LinkDraft {
        side: Side::SupportedBy.code().to_string(),
        other: String::new(),
        since: String::new(),
        note: String::new(),
    });
    // Every other facility: a facility cannot support itself.
    let others = LocalResource::new(move || async move {
        let query = FacilityQuery {
            limit: Some(shared::page::MAX_LIMIT),
            ..Default::default()
        };
        api::registry::facilities(api, &query).await.map(|page| {
            page.items
                .into_iter()
                .filter(|f| f.id != facility_id)
                .map(|f| (f.id, f.name))
                .collect::<Vec<_>>()
        })
    });
    let input = move || {
        let lang = lang.get();
        draft.with(|draft| draft.input(facility_id, lang))
    };
    let problems = input_problems(lang, input);
    let keys = IdempotencyKeys::<SupportLinkInput>::new();
    let form = CheckedSend::new(problems, move |input: SupportLinkInput| {
        let key = keys.for_body(&input);
        async move { api::registry::create_support_link(api, &input, &key).await }
    })
    .on_success(on_saved);
    let on_save = Callback::new(move |()| form.submit(|| untrack(input).0));
    let side = bind(draft, |d| &d.side, |d| &mut d.side);
    let other = bind(draft, |d| &d.other, |d| &mut d.other);
    let other_path = move || {
        draft.with(|d| {
            Side::ALL
                .iter()
                .find(|s| s.code() == d.side)
                .map_or("supporter_id", |s| s.other_path())
                .to_string()
        })
    };
    let problem = form
        .problem_besides(|path| matches!(path, "supporter_id" | "supported_id" | "since" | "note"));
    view! {
        <div id="new-link-form">
            <InlineForm label=Key::AddSupportLink pending=form.pending() problem on_save on_close save_id="save-link">
                <FormSection legend=Key::AddSupportLink>
                    <RadioField
                        id="l-side"
                        name="link-side"
                        label=Key::LinkDirection
                        values=Side::ALL
                        code=Side::code
                        value=side.value
                        on_change=side.set
                        messages=Signal::derive(Vec::new)
                        required=true
                    />
                    <ChoiceField
                        id="l-other"
                        label=Key::LinkedFacility
                        source=others
                        choices=|items| items
                        value=other.value
                        on_change=other.set
                        messages=messages_at(form.shown(), other_path)
                        required=true
                    />
                    <div class="form-grid">
                        <FormText form path="since" id="l-since" label=Key::FromDate field=bind(draft, |d| &d.since, |d| &mut d.since) kind=InputKind::Date eager=true />
                        <FormText form path="note" id="l-note" label=Key::Note field=bind(draft, |d| &d.note, |d| &mut d.note) eager=true />
                    </div>
                </FormSection>
            </InlineForm>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use shared::Lang;

    use super::*;

    #[test]
    fn the_side_chosen_decides_which_end_this_facility_is() {
        let mut draft = LinkDraft {
            side: Side::SupportedBy.code().into(),
            other: "3".into(),
            since: String::new(),
            note: String::new(),
        };
        let (input, unreadable) = draft.input(9, Lang::Vi);
        assert!(unreadable.is_empty());
        assert_eq!((input.supporter_id, input.supported_id), (3, 9));
        draft.side = Side::Supports.code().into();
        draft.other.clear();
        let (input, unreadable) = draft.input(9, Lang::Vi);
        assert_eq!(input.supporter_id, 9);
        assert!(unreadable.contains_key("supported_id"), "{unreadable:?}");
    }
}
