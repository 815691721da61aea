//! The password change a temporary password leads to: after signing in with a password
//! set by an administrator, this is the only page until the person has chosen their own.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::auth::PasswordChange;
use validator::Validate;

use crate::api::{self, use_api};
use crate::components::form::{CheckedSend, InputKind, TextField, field_id, rule_messages};
use crate::components::{ProblemView, StandaloneTop};
use crate::contexts::{use_lang, use_session};
use crate::i18n::Key;

/// Fields whose messages show next to their inputs.
const FIELDS: &[&str] = &["current_password", "new_password"];

/// The change-password form, standing alone (no menu: nothing else works yet).
#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let api = use_api();
    let session = use_session();
    let lang = use_lang();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let body = move || PasswordChange {
        current_password: current.get(),
        new_password: new.get(),
    };
    // The shared rules, checked as the person types.
    let problems = Memo::new(move |_| rule_messages(body().validate(), lang.get()));
    let form = CheckedSend::new(problems, move |body: PasswordChange| async move {
        let tokens = api::auth::change_password(api, &body).await?;
        // A fresh session without the flag: the guard lets the app in.
        session.start(&tokens);
        Ok(())
    });
    let pending = form.pending();
    let typed = move |signal: RwSignal<String>| {
        Callback::new(move |text: String| {
            signal.set(text);
            form.tried.set(true);
        })
    };
    let sign_out = move |_| session.end();
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        form.submit(|| body_untracked(current, new));
    };

    view! {
        <main class="standalone">
            <section class="standalone-card login-card">
                <StandaloneTop title=Key::ChangePasswordTitle intro=Key::ChangePasswordIntro />
                {move || {
                    form.failure()
                        .map(|error| view! { <ProblemView error=error inline_fields=FIELDS /> })
                }}
                <form id="change-password" class="form" on:submit=on_submit novalidate=true>
                    <TextField
                        id=field_id("current_password")
                        label=Key::CurrentPassword
                        value=current
                        on_input=typed(current)
                        messages=form.messages("current_password")
                        kind=InputKind::CurrentPassword
                        required=true
                    />
                    <TextField
                        id=field_id("new_password")
                        label=Key::NewPassword
                        value=new
                        on_input=typed(new)
                        messages=form.messages("new_password")
                        kind=InputKind::NewPassword
                        hint=Some(Key::NewPasswordHint)
                        required=true
                    />
                    <button type="submit" class="button primary wide" disabled=move || pending.get()>
                        {move || {
                            if pending.get() {
                                lang.t(Key::ChangingPassword)
                            } else {
                                lang.t(Key::ChangePassword)
                            }
                        }}
                    </button>
                    <button type="button" class="button ghost wide" on:click=sign_out>
                        {move || lang.t(Key::SignOut)}
                    </button>
                </form>
            </section>
        </main>
    }
}

fn body_untracked(current: RwSignal<String>, new: RwSignal<String>) -> PasswordChange {
    PasswordChange {
        current_password: current.get_untracked(),
        new_password: new.get_untracked(),
    }
}
