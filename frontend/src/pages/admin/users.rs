//! `/admin/users`: user accounts, filtered by role, facility and status; an admin
//! creates one with a temporary password, disables or enables it, resets its password.

use std::collections::BTreeMap;

use leptos::prelude::*;
use shared::Labelled;
use shared::auth::{Capability, Role};
use shared::registry::{NewUser, PasswordReset, User, UserQuery, UserUpdate};
use validator::Validate;

use super::{AdminTabs, FacilityChoice, Guarded, all_facilities, facility_names};
use crate::api::{self, IdempotencyKeys, use_api};
use crate::components::filters::pager_links;
use crate::components::filters::{
    EnumFilter, FilterActions, FilterForm, SearchFilter, UrlQuery, apply_filters, bind,
    cursor_field, use_filter_draft, use_url_query,
};
use crate::components::form::{CheckedSend, FieldMessages, SelectField, TextField, rule_messages};
use crate::components::list::DataTable;
use crate::components::record::facility_name;
use crate::components::{Loading, NoResults, Pager, ProblemView, loaded};
use crate::contexts::use_lang;
use crate::i18n::{Key, format_datetime, t};
use crate::pages::query::{QueryParams, href_with, non_blank, parse_param, text_param};

const PATH: &str = "/admin/users";

impl UrlQuery for UserQuery {
    fn from_params(params: &dyn QueryParams) -> Self {
        UserQuery {
            facility_id: parse_param(params, "facility_id"),
            role: parse_param(params, "role"),
            active: parse_param(params, "active"),
            q: text_param(params, "q"),
            limit: None,
            cursor: text_param(params, "cursor"),
        }
    }

    fn href(&self) -> String {
        href_with(
            PATH,
            &[
                ("q", self.q.clone()),
                ("facility_id", self.facility_id.map(|id| id.to_string())),
                ("role", self.role.map(|role| role.as_str().to_string())),
                ("active", self.active.map(|active| active.to_string())),
                ("cursor", self.cursor.clone()),
            ],
        )
    }

    cursor_field!();
}

/// The filter form's fields as typed.
#[derive(Debug, Clone, Default, PartialEq)]
struct Draft {
    q: String,
    facility_id: String,
    role: String,
    active: String,
}

impl Draft {
    fn from_query(query: &UserQuery) -> Self {
        Draft {
            q: query.q.clone().unwrap_or_default(),
            facility_id: query
                .facility_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            role: query
                .role
                .map(|role| role.as_str().to_string())
                .unwrap_or_default(),
            active: query
                .active
                .map(|active| active.to_string())
                .unwrap_or_default(),
        }
    }

    fn to_query(&self) -> UserQuery {
        UserQuery {
            facility_id: self.facility_id.parse().ok(),
            role: self.role.parse().ok(),
            active: self.active.parse().ok(),
            q: non_blank(&self.q),
            limit: None,
            cursor: None,
        }
    }
}

/// `/admin/users`.
#[component]
pub fn UsersPage() -> impl IntoView {
    view! {
        <Guarded capability=Capability::ManageUsers>
            <UsersView />
        </Guarded>
    }
}

#[component]
fn UsersView() -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let query = use_url_query::<UserQuery>();
    let draft = use_filter_draft(query, Draft::from_query);
    // Bumped after every change, so the list reads the accounts again.
    let changes = RwSignal::new(0_u32);
    let users = LocalResource::new(move || {
        let query = query.get();
        changes.track();
        async move { api::admin::users(api, &query).await }
    });
    let facilities = all_facilities();
    let creating = RwSignal::new(false);
    let on_apply = apply_filters(move || draft.with_untracked(Draft::to_query));
    let active = Signal::derive(move || draft.with(|d| d.active.clone()));
    let facility = bind(draft, |d| &d.facility_id, |d| &mut d.facility_id);
    let changed = Callback::new(move |()| changes.update(|n| *n += 1));

    let facility_filter = move || {
        Suspend::new(async move {
            loaded(facilities.await, move |items| {
                view! {
                    <FacilityChoice
                        id="filter-facility"
                        facilities=items
                        value=facility.value
                        on_change=facility.set
                        any=true
                    />
                }
            })
        })
    };

    view! {
        <section class="page">
            <AdminTabs />
            <div class="page-actions">
                <button
                    type="button"
                    id="new-user"
                    class="button primary"
                    aria-expanded=move || creating.get().to_string()
                    on:click=move |_| creating.update(|open| *open = !*open)
                >
                    {move || lang.t(Key::NewUser)}
                </button>
            </div>
            <Show when=move || creating.get()>
                <Transition fallback=|| view! { <Loading /> }>
                    {move || Suspend::new(async move {
                        loaded(facilities.await, move |items| {
                            view! { <NewUserForm facilities=items changed /> }
                        })
                    })}
                </Transition>
            </Show>
            <FilterForm on_apply>
                <SearchFilter placeholder=Key::UserSearchHint field=bind(draft, |d| &d.q, |d| &mut d.q) />
                <EnumFilter
                    id="filter-role"
                    label=Key::Role
                    values=Role::all()
                    code=Role::as_str
                    field=bind(draft, |d| &d.role, |d| &mut d.role)
                />
                <Transition fallback=|| view! { <Loading /> }>{facility_filter}</Transition>
                <div class="field">
                    <label for="filter-active">{move || lang.t(Key::Status)}</label>
                    <select
                        id="filter-active"
                        on:change=move |event| draft.update(|d| d.active = event_target_value(&event))
                    >
                        <option value="" prop:selected=move || active.with(String::is_empty)>
                            {move || lang.t(Key::Any)}
                        </option>
                        <option value="true" prop:selected=move || active.with(|a| a == "true")>
                            {move || lang.t(Key::AccountEnabled)}
                        </option>
                        <option value="false" prop:selected=move || active.with(|a| a == "false")>
                            {move || lang.t(Key::AccountDisabled)}
                        </option>
                    </select>
                </div>
                <FilterActions clear=PATH.to_string() />
            </FilterForm>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    let page = users.await;
                    let names = facility_names(&facilities.await);
                    loaded(page, move |page| {
                        let (first, next) =
                            query.with_untracked(|query| pager_links(query, page.next_cursor));
                        view! {
                            <UserTable items=page.items names changed />
                            <Pager first next />
                        }
                    })
                })}
            </Transition>
        </section>
    }
}

/// The create form's fields as typed.
#[derive(Debug, Clone, Default, PartialEq)]
struct NewUserDraft {
    username: String,
    full_name: String,
    password: String,
    role: String,
    facility_id: String,
}

impl NewUserDraft {
    /// The body these fields describe, and what could not be read.
    fn body(&self, lang: shared::Lang) -> (NewUser, FieldMessages) {
        let mut unreadable = FieldMessages::new();
        let role = self.role.parse::<Role>().ok();
        if role.is_none() {
            unreadable.insert("role".into(), vec![t(lang, Key::ChoiceRequired).into()]);
        }
        let facility_id = self.facility_id.parse::<i64>().ok();
        if facility_id.is_none() {
            unreadable.insert(
                "facility_id".into(),
                vec![t(lang, Key::ChoiceRequired).into()],
            );
        }
        let body = NewUser {
            username: self.username.trim().to_string(),
            password: self.password.clone(),
            full_name: self.full_name.trim().to_string(),
            role: role.unwrap_or(Role::Clinician),
            facility_id: facility_id.unwrap_or_default(),
            staff_id: None,
        };
        (body, unreadable)
    }
}

/// Creates an account with a temporary password.
#[component]
fn NewUserForm(
    facilities: Vec<shared::registry::Facility>,
    changed: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let draft = RwSignal::new(NewUserDraft::default());
    let problems = Memo::new(move |_| {
        let lang = lang.get();
        draft.with(|draft| {
            let (body, unreadable) = draft.body(lang);
            let mut messages = rule_messages(body.validate(), lang);
            messages.extend(unreadable);
            messages
        })
    });
    let keys = IdempotencyKeys::<NewUser>::new();
    let form = CheckedSend::new(problems, move |body: NewUser| async move {
        let key = keys.for_body(&body);
        api::admin::create_user(api, &body, &key).await
    })
    .on_success(changed);
    let created = move || form.run.value().get().and_then(Result::ok);
    let field = move |read: fn(&NewUserDraft) -> &String,
                      write: fn(&mut NewUserDraft) -> &mut String| {
        let bound = bind(draft, read, write);
        (bound.value, bound.set)
    };
    let (username, set_username) = field(|d| &d.username, |d| &mut d.username);
    let (full_name, set_full_name) = field(|d| &d.full_name, |d| &mut d.full_name);
    let (password, set_password) = field(|d| &d.password, |d| &mut d.password);
    let (role, set_role) = field(|d| &d.role, |d| &mut d.role);
    let (facility, set_facility) = field(|d| &d.facility_id, |d| &mut d.facility_id);
    view! {
        <form
            class="form card"
            id="new-user-form"
            on:submit=move |event: leptos::ev::SubmitEvent| {
                event.prevent_default();
                form.submit(|| draft.with_untracked(|d| d.body(lang.get_untracked()).0));
            }
        >
            <h2>{move || lang.t(Key::NewUser)}</h2>
            <TextField id="f-username" label=Key::Username value=username on_input=set_username
                messages=form.messages("username") required=true />
            <TextField id="f-full_name" label=Key::FullName value=full_name on_input=set_full_name
                messages=form.messages("full_name") required=true />
            <TextField id="f-password" label=Key::TemporaryPassword value=password
                on_input=set_password messages=form.messages("password") required=true
                hint=Some(Key::TemporaryPasswordHint) />
            <SelectField id="f-role" label=Key::Role values=Role::all() code=Role::as_str
                value=role on_change=set_role messages=form.messages("role") required=true />
            <FacilityChoice id="f-facility_id" facilities value=facility on_change=set_facility
                messages=form.messages("facility_id") />
            {move || form.failure().map(|error| {
                let error = error.without_fields(|path| {
                    matches!(path, "username" | "full_name" | "password" | "role" | "facility_id")
                });
                view! { <ProblemView error /> }
            })}
            {move || created().map(|user| view! {
                <p class="notice" role="status" id="user-created">
                    {move || lang.t(Key::UserCreated)} " " <strong>{user.username.clone()}</strong>
                    ". " {move || lang.t(Key::TemporaryPasswordHint)}
                </p>
            })}
            <div class="form-actions">
                <button type="submit" class="button primary" id="create-user"
                    disabled=move || form.pending().get()>
                    {move || lang.t(Key::CreateAccount)}
                </button>
            </div>
        </form>
    }
}

/// Accounts as a table, each with its actions.
#[component]
fn UserTable(
    items: Vec<User>,
    names: BTreeMap<i64, String>,
    changed: Callback<()>,
) -> impl IntoView {
    if items.is_empty() {
        return view! { <NoResults /> }.into_any();
    }
    let rows = items
        .into_iter()
        .map(|user| {
            let facility = facility_name(&names, user.facility_id);
            view! { <UserRow user facility changed /> }
        })
        .collect_view();
    view! {
        <DataTable id="users" headings=vec![
            Key::Username.into(),
            Key::FullName.into(),
            Key::Role.into(),
            Key::Facility.into(),
            Key::LastSignIn.into(),
            Key::Status.into(),
            Key::Actions.into(),
        ]>
            {rows}
        </DataTable>
    }
    .into_any()
}

/// One account: disable or enable it, reset its password.
#[component]
fn UserRow(user: User, facility: String, changed: Callback<()>) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let id = user.id;
    let role = user.role;
    let active = user.active;
    let update = UserUpdate {
        full_name: user.full_name.clone(),
        role: user.role,
        facility_id: user.facility_id,
        staff_id: user.staff_id,
        active: !user.active,
    };
    let version = user.version;
    let toggle = Action::new_local(move |_: &()| {
        let update = update.clone();
        async move { api::admin::update_user(api, id, version, &update).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = toggle.value().get() {
            changed.run(());
        }
    });
    let resetting = RwSignal::new(false);
    let last_login = user.last_login_at;
    let username = user.username.clone();
    view! {
        <tr data-username=user.username>
            <td>{username}</td>
            <td>{user.full_name}</td>
            <td>{move || role.label(lang.get())}</td>
            <td>{facility}</td>
            <td>
                {move || last_login.map(|at| format_datetime(lang.get(), at)).unwrap_or_else(|| "—".into())}
            </td>
            <td>
                <span class=if active { "badge ok" } else { "badge off" }>
                    {move || lang.t(if active { Key::AccountEnabled } else { Key::AccountDisabled })}
                </span>
            </td>
            <td class="row-actions">
                <button
                    type="button"
                    class=if active { "button danger" } else { "button secondary" }
                    id=format!("toggle-user-{id}")
                    disabled=move || toggle.pending().get()
                    on:click=move |_| {
                        toggle.dispatch_local(());
                    }
                >
                    {move || lang.t(if active { Key::DisableAccount } else { Key::EnableAccount })}
                </button>
                <button
                    type="button"
                    class="button secondary"
                    id=format!("reset-user-{id}")
                    aria-expanded=move || resetting.get().to_string()
                    on:click=move |_| resetting.update(|open| *open = !*open)
                >
                    {move || lang.t(Key::ResetPassword)}
                </button>
                {move || toggle.value().get().and_then(Result::err).map(|error| view! { <ProblemView error /> })}
                <Show when=move || resetting.get()>
                    <ResetPasswordForm id open=resetting />
                </Show>
            </td>
        </tr>
    }
}

/// Sets a new temporary password for one account.
#[component]
fn ResetPasswordForm(id: i64, open: RwSignal<bool>) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let password = RwSignal::new(String::new());
    let body = move || PasswordReset {
        password: password.get(),
    };
    let problems = Memo::new(move |_| rule_messages(body().validate(), lang.get()));
    let form = CheckedSend::new(problems, move |body: PasswordReset| async move {
        api::admin::reset_password(api, id, &body).await
    });
    let done = move || matches!(form.run.value().get(), Some(Ok(())));
    let field_id = format!("reset-password-{id}");
    view! {
        <form
            class="inline-form"
            on:submit=move |event: leptos::ev::SubmitEvent| {
                event.prevent_default();
                form.submit(|| PasswordReset { password: password.get_untracked() });
            }
        >
            <TextField
                id=field_id
                label=Key::TemporaryPassword
                value=password
                on_input=Callback::new(move |text| password.set(text))
                messages=form.messages("password")
                hint=Some(Key::TemporaryPasswordHint)
            />
            {move || form.failure().map(|error| {
                let error = error.without_fields(|path| path == "password");
                view! { <ProblemView error /> }
            })}
            {move || done().then(|| view! {
                <p class="notice" role="status">{move || lang.t(Key::PasswordResetDone)}</p>
            })}
            <div class="form-actions">
                <button type="submit" class="button primary" disabled=move || form.pending().get()>
                    {move || lang.t(Key::Save)}
                </button>
                <button type="button" class="button secondary" on:click=move |_| open.set(false)>
                    {move || lang.t(Key::Close)}
                </button>
            </div>
        </form>
    }
}
