//! `/login`: sign in with a username and password.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use shared::auth::LoginRequest;
use shared::validation::field_messages;
use validator::{Validate, ValidationErrors};

use crate::api::{self, ApiError, use_api};
use crate::components::{FieldErrors, ProblemView, StandaloneTop};
use crate::contexts::{use_lang, use_session};
use crate::i18n::Key;

/// Fields whose messages show next to their inputs.
const FIELDS: &[&str] = &["username", "password"];

/// Where to go after signing in: the page the person was sent away from, if it is
/// a path of this app.
fn destination(next: Option<String>) -> String {
    next.filter(|path| {
        path.starts_with('/') && !path.starts_with("//") && !path.starts_with("/login")
    })
    .unwrap_or_else(|| "/".to_string())
}

/// The sign-in form.
#[component]
pub fn LoginPage() -> impl IntoView {
    let api = use_api();
    let session = use_session();
    let lang = use_lang();
    let query = use_query_map();
    let navigate = use_navigate();

    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    // Checked in the browser with the same rules the server applies.
    let invalid = RwSignal::new(None::<ValidationErrors>);

    let sign_in = Action::new_local(move |credentials: &LoginRequest| {
        let credentials = credentials.clone();
        async move {
            let tokens = api::auth::login(api, &credentials).await?;
            session.start(&tokens);
            Ok::<(), ApiError>(())
        }
    });
    let pending = sign_in.pending();
    // Whether this installation still needs its first admin, or is the demo. Not
    // knowing (an old server, no network) shows no notice: signing in still works.
    let setup = LocalResource::new(move || api::auth::setup(api));
    let setup_status = move || setup.get().and_then(Result::ok).unwrap_or_default();
    let refused = move || sign_in.value().get().and_then(Result::err);

    // Signed in (now, or already when the page opened): go on.
    Effect::new(move |_| {
        if session.is_signed_in() {
            let next = destination(query.with_untracked(|query| query.get("next")));
            navigate(
                &next,
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    });

    let messages = move |field: &'static str| {
        Signal::derive(move || {
            let mut messages = invalid.with(|errors| {
                errors
                    .as_ref()
                    .map(|errors| field_messages(errors, lang.get()))
                    .and_then(|mut map| map.remove(field))
                    .unwrap_or_default()
            });
            if let Some(error) = refused() {
                messages.extend(error.field_errors(field));
            }
            messages
        })
    };
    let username_messages = messages("username");
    let password_messages = messages("password");

    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        let credentials = LoginRequest {
            username: username.get_untracked().trim().to_string(),
            password: password.get_untracked(),
        };
        sign_in.clear();
        match credentials.validate() {
            Ok(()) => {
                invalid.set(None);
                sign_in.dispatch_local(credentials);
            }
            Err(errors) => invalid.set(Some(errors)),
        }
    };

    view! {
        <main class="standalone">
            <section class="standalone-card login-card">
                <StandaloneTop title=Key::LoginTitle intro=Key::LoginIntro />
                {move || {
                    session
                        .expired()
                        .then(|| {
                            view! {
                                <div class="alert alert-info" role="status">
                                    {move || lang.t(Key::SessionExpired)}
                                </div>
                            }
                        })
                }}
                {move || {
                    setup_status()
                        .needs_admin
                        .then(|| {
                            view! {
                                <div id="setup-notice" class="alert alert-warning" role="status">
                                    <p>{move || lang.t(Key::SetupNeedsAdmin)}</p>
                                    <p>
                                        <code>{shared::auth::CREATE_ADMIN_COMMAND}</code>
                                    </p>
                                    <p class="muted">{move || lang.t(Key::SetupCommandHint)}</p>
                                </div>
                            }
                        })
                }}
                {move || {
                    setup_status()
                        .demo
                        .then(|| {
                            view! {
                                <div id="demo-notice" class="alert alert-info" role="note">
                                    {move || lang.t(Key::DemoNotice)}
                                </div>
                            }
                        })
                }}
                {move || {
                    refused().map(|error| view! { <ProblemView error=error inline_fields=FIELDS /> })
                }}
                <form class="form" on:submit=on_submit novalidate=true>
                    <div class="field">
                        <label for="username">{move || lang.t(Key::Username)}</label>
                        <input
                            id="username"
                            name="username"
                            type="text"
                            autocomplete="username"
                            autocapitalize="none"
                            spellcheck="false"
                            required=true
                            aria-describedby="username-errors"
                            aria-invalid=move || (!username_messages.get().is_empty()).to_string()
                            prop:value=move || username.get()
                            on:input=move |event| username.set(event_target_value(&event))
                        />
                        <FieldErrors id="username-errors" messages=username_messages />
                    </div>
                    <div class="field">
                        <label for="password">{move || lang.t(Key::Password)}</label>
                        <input
                            id="password"
                            name="password"
                            type="password"
                            autocomplete="current-password"
                            required=true
                            aria-describedby="password-errors"
                            aria-invalid=move || (!password_messages.get().is_empty()).to_string()
                            prop:value=move || password.get()
                            on:input=move |event| password.set(event_target_value(&event))
                        />
                        <FieldErrors id="password-errors" messages=password_messages />
                    </div>
                    <button type="submit" class="button primary wide" disabled=move || pending.get()>
                        {move || {
                            if pending.get() { lang.t(Key::SigningIn) } else { lang.t(Key::SignIn) }
                        }}
                    </button>
                </form>
            </section>
        </main>
    }
}
