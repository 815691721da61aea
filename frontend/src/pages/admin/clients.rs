//! `/admin/api-clients`: integration clients (a hospital's HIS): create one with its
//! scopes, see its token once and copy it, see when it was last used, revoke it.

use std::collections::{BTreeMap, BTreeSet};

use leptos::prelude::*;
use shared::Labelled;
use shared::auth::{ApiClient, ApiScope, Capability, NewApiClient};
use validator::Validate;

use super::{AdminTabs, FacilityChoice, Guarded, all_facilities, facility_names};
use crate::api::{self, IdempotencyKeys, use_api};
use crate::components::form::{CheckedSend, FieldMessages, TextField, rule_messages};
use crate::components::list::DataTable;
use crate::components::record::facility_name;
use crate::components::{CopyField, FieldErrors, Loading, NoResults, ProblemView, loaded};
use crate::contexts::use_lang;
use crate::i18n::{Key, format_datetime, t};

/// `/admin/api-clients`.
#[component]
pub fn ApiClientsPage() -> impl IntoView {
    view! {
        <Guarded capability=Capability::ManageApiClients>
            <ClientsView />
        </Guarded>
    }
}

#[component]
fn ClientsView() -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let changes = RwSignal::new(0_u32);
    let clients = LocalResource::new(move || {
        changes.track();
        async move { api::admin::api_clients(api).await }
    });
    let facilities = all_facilities();
    let changed = Callback::new(move |()| changes.update(|n| *n += 1));
    let creating = RwSignal::new(false);
    view! {
        <section class="page">
            <AdminTabs />
            <p class="muted">{move || lang.t(Key::ApiClientsSummary)}</p>
            <div class="page-actions">
                <button
                    type="button"
                    id="new-api-client"
                    class="button primary"
                    aria-expanded=move || creating.get().to_string()
                    on:click=move |_| creating.update(|open| *open = !*open)
                >
                    {move || lang.t(Key::NewApiClient)}
                </button>
            </div>
            <Show when=move || creating.get()>
                <Transition fallback=|| view! { <Loading /> }>
                    {move || Suspend::new(async move {
                        loaded(facilities.await, move |items| {
                            view! { <NewClientForm facilities=items changed /> }
                        })
                    })}
                </Transition>
            </Show>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    let list = clients.await;
                    let names = facility_names(&facilities.await);
                    loaded(list, move |items| view! { <ClientTable items names changed /> })
                })}
            </Transition>
        </section>
    }
}

/// The create form's fields as typed.
#[derive(Debug, Clone, Default, PartialEq)]
struct ClientDraft {
    name: String,
    facility_id: String,
    scopes: BTreeSet<ApiScope>,
}

impl ClientDraft {
    fn body(&self, lang: shared::Lang) -> (NewApiClient, FieldMessages) {
        let mut unreadable = FieldMessages::new();
        let facility_id = self.facility_id.parse::<i64>().ok();
        if facility_id.is_none() {
            unreadable.insert(
                "facility_id".into(),
                vec![t(lang, Key::ChoiceRequired).into()],
            );
        }
        let body = NewApiClient {
            name: self.name.trim().to_string(),
            facility_id: facility_id.unwrap_or_default(),
            scopes: self.scopes.iter().copied().collect(),
        };
        (body, unreadable)
    }
}

/// Creates a client; its token shows here once.
#[component]
fn NewClientForm(
    facilities: Vec<shared::registry::Facility>,
    changed: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let draft = RwSignal::new(ClientDraft::default());
    let problems = Memo::new(move |_| {
        let lang = lang.get();
        draft.with(|draft| {
            let (body, unreadable) = draft.body(lang);
            let mut messages = rule_messages(body.validate(), lang);
            messages.extend(unreadable);
            messages
        })
    });
    let keys = IdempotencyKeys::<NewApiClient>::new();
    let form = CheckedSend::new(problems, move |body: NewApiClient| async move {
        let key = keys.for_body(&body);
        api::admin::create_api_client(api, &body, &key).await
    })
    .on_success(changed);
    let name = Signal::derive(move || draft.with(|d| d.name.clone()));
    let facility = Signal::derive(move || draft.with(|d| d.facility_id.clone()));
    let scope_boxes = ApiScope::all()
        .iter()
        .map(|scope| {
            let scope = *scope;
            let id = format!("scope-{}", scope.as_str());
            let label_for = id.clone();
            view! {
                <label class="checkbox" for=label_for>
                    <input
                        id=id
                        type="checkbox"
                        prop:checked=move || draft.with(|d| d.scopes.contains(&scope))
                        on:change=move |event| {
                            let on = event_target_checked(&event);
                            draft.update(|d| {
                                if on { d.scopes.insert(scope); } else { d.scopes.remove(&scope); }
                            });
                        }
                    />
                    {move || scope.label(lang.get())}
                </label>
            }
        })
        .collect_view();
    // The token of the client just created: only in this answer, never again.
    let token = move || form.run.value().get().and_then(Result::ok);
    view! {
        <form
            class="form card"
            id="new-api-client-form"
            on:submit=move |event: leptos::ev::SubmitEvent| {
                event.prevent_default();
                form.submit(|| draft.with_untracked(|d| d.body(lang.get_untracked()).0));
            }
        >
            <h2>{move || lang.t(Key::NewApiClient)}</h2>
            <TextField
                id="f-name"
                label=Key::Name
                value=name
                on_input=Callback::new(move |text| draft.update(|d| d.name = text))
                messages=form.messages("name")
                required=true
            />
            <FacilityChoice
                id="f-facility_id"
                facilities
                value=facility
                on_change=Callback::new(move |text| draft.update(|d| d.facility_id = text))
                messages=form.messages("facility_id")
            />
            <fieldset class="field">
                <legend>{move || lang.t(Key::Scopes)}</legend>
                {scope_boxes}
                <FieldErrors id="f-scopes-errors" messages=form.messages("scopes") />
            </fieldset>
            {move || form.failure().map(|error| {
                let error = error.without_fields(|path| matches!(path, "name" | "facility_id" | "scopes"));
                view! { <ProblemView error /> }
            })}
            {move || token().map(|made| view! {
                <div class="notice" role="status" id="api-client-token">
                    <CopyField
                        id="api-token"
                        copy_id="copy-api-token"
                        label=Key::ApiToken
                        value=made.token
                    />
                    <p class="small">{move || lang.t(Key::ApiTokenShownOnce)}</p>
                </div>
            })}
            <div class="form-actions">
                <button type="submit" class="button primary" id="create-api-client"
                    disabled=move || form.pending().get()>
                    {move || lang.t(Key::NewApiClient)}
                </button>
            </div>
        </form>
    }
}

/// Clients as a table.
#[component]
fn ClientTable(
    items: Vec<ApiClient>,
    names: BTreeMap<i64, String>,
    changed: Callback<()>,
) -> impl IntoView {
    if items.is_empty() {
        return view! { <NoResults /> }.into_any();
    }
    let rows = items
        .into_iter()
        .map(|client| {
            let facility = facility_name(&names, client.facility_id);
            view! { <ClientRow client facility changed /> }
        })
        .collect_view();
    view! {
        <DataTable id="api-clients" headings=vec![
            Key::Name.into(),
            Key::Facility.into(),
            Key::Scopes.into(),
            Key::TokenPrefix.into(),
            Key::CreatedAt.into(),
            Key::LastUsed.into(),
            Key::Status.into(),
        ]>
            {rows}
        </DataTable>
    }
    .into_any()
}

/// One client, and "revoke" while it works.
#[component]
fn ClientRow(client: ApiClient, facility: String, changed: Callback<()>) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let id = client.id;
    let revoke =
        Action::new_local(
            move |_: &()| async move { api::admin::revoke_api_client(api, id).await },
        );
    Effect::new(move |_| {
        if let Some(Ok(())) = revoke.value().get() {
            changed.run(());
        }
    });
    let scopes = client.scopes.clone();
    let scopes = move || {
        let lang = lang.get();
        scopes
            .iter()
            .map(|scope| scope.label(lang))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let created = client.created_at;
    let last_used = client.last_used_at;
    let revoked = client.revoked_at;
    let name = client.name.clone();
    view! {
        <tr data-name=name>
            <td>{client.name}</td>
            <td>{facility}</td>
            <td>{scopes}</td>
            <td><code>{client.token_prefix}</code></td>
            <td>{move || format_datetime(lang.get(), created)}</td>
            <td>
                {move || last_used.map(|at| format_datetime(lang.get(), at))
                    .unwrap_or_else(|| lang.t(Key::NeverUsed).to_string())}
            </td>
            <td>
                {match revoked {
                    Some(at) => view! {
                        <span class="badge off">
                            {move || format!("{} {}", lang.t(Key::Revoked), format_datetime(lang.get(), at))}
                        </span>
                    }.into_any(),
                    None => view! {
                        <button
                            type="button"
                            class="button danger"
                            id=format!("revoke-client-{id}")
                            disabled=move || revoke.pending().get()
                            on:click=move |_| {
                                revoke.dispatch_local(());
                            }
                        >
                            {move || lang.t(Key::Revoke)}
                        </button>
                    }.into_any(),
                }}
                {move || revoke.value().get().and_then(Result::err).map(|error| view! { <ProblemView error /> })}
            </td>
        </tr>
    }
}
