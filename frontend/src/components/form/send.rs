//! A form that sends one request body: its local problems show once sending was tried
//! (a field's own once it was left), the server's field messages for the last attempt
//! show next to the same fields, and nothing is sent while the shared rules still find
//! a problem.

use std::collections::BTreeSet;
use std::future::Future;

use leptos::prelude::*;

use super::{
    FieldMessages, focus_first_invalid, messages_at, server_messages, shown_messages,
    visible_problems,
};
use crate::api::ApiError;

/// The state of such a form (a handle: copy it freely).
pub struct CheckedSend<B: 'static, T: 'static> {
    /// Whether sending was tried.
    pub tried: RwSignal<bool>,
    /// The paths of the fields left once: their problems show before sending.
    pub touched: RwSignal<BTreeSet<String>>,
    /// What the shared rules find wrong with the body as typed (tracked).
    pub problems: Memo<FieldMessages>,
    /// The request.
    pub run: Action<B, Result<T, ApiError>>,
}

// By hand: a derive would ask `B: Copy, T: Copy`, but only the handles are copied.
impl<B: 'static, T: 'static> Clone for CheckedSend<B, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<B: 'static, T: 'static> Copy for CheckedSend<B, T> {}

impl<B, T> CheckedSend<B, T>
where
    B: Clone + 'static,
    T: Clone + 'static,
{
    /// A form whose body has `problems`, sent by `send`.
    pub fn new<F, Fut>(problems: Memo<FieldMessages>, send: F) -> Self
    where
        F: Fn(B) -> Fut + 'static,
        Fut: Future<Output = Result<T, ApiError>> + 'static,
    {
        let run = Action::new_local(move |body: &B| send(body.clone()));
        // A refusal naming fields brings the person to the first of them.
        Effect::new(move |_| {
            if let Some(Err(error)) = run.value().get()
                && !server_messages(Some(&error)).is_empty()
            {
                focus_first_invalid();
            }
        });
        CheckedSend {
            tried: RwSignal::new(false),
            touched: RwSignal::new(BTreeSet::new()),
            problems,
            run,
        }
    }

    /// Runs `done` after each successful answer.
    pub fn on_success(self, done: Callback<()>) -> Self {
        Effect::new(move |_| {
            if let Some(Ok(_)) = self.run.value().get() {
                done.run(());
            }
        });
        self
    }

    /// Runs `done` with each successful answer (e.g. to go to what was created).
    pub fn on_answer(self, done: impl Fn(T) + 'static) -> Self {
        Effect::new(move |_| {
            if let Some(Ok(answer)) = self.run.value().get() {
                done(answer);
            }
        });
        self
    }

    /// Marks the field at `path` as left: its problems show from now on.
    pub fn touch(self, path: &'static str) -> Callback<()> {
        Callback::new(move |()| {
            self.touched.update(|touched| {
                touched.insert(path.to_string());
            })
        })
    }

    /// Whether the request is under way (tracked).
    pub fn pending(self) -> Memo<bool> {
        self.run.pending()
    }

    /// Why the last attempt failed (tracked).
    pub fn failure(self) -> Option<ApiError> {
        self.run.value().get().and_then(Result::err)
    }

    /// Why the last attempt failed, without the field messages a form shows next to
    /// its fields (`inline(path)`) (tracked).
    pub fn problem_besides(self, inline: fn(&str) -> bool) -> Signal<Option<ApiError>> {
        Signal::derive(move || self.failure().map(|error| error.without_fields(inline)))
    }

    /// Every message shown now, by field path (tracked).
    pub fn shown(self) -> Signal<FieldMessages> {
        Signal::derive(move || {
            let own = self.problems.with(|problems| {
                self.touched
                    .with(|touched| visible_problems(problems, self.tried.get(), touched))
            });
            shown_messages(own, self.failure().as_ref())
        })
    }

    /// The messages shown for `path` (tracked).
    pub fn messages(self, path: &'static str) -> Signal<Vec<String>> {
        messages_at(self.shown(), move || path.to_string())
    }

    /// "Send" was pressed: the problems show from now on, and the body goes only when
    /// there are none.
    pub fn submit(self, body: impl FnOnce() -> B) {
        self.submit_read(|| Some(body()));
    }

    /// [`submit`](Self::submit) for a body that may not be readable (`None`) even when
    /// no problem is listed.
    pub fn submit_read(self, body: impl FnOnce() -> Option<B>) {
        self.tried.set(true);
        if !self.problems.with_untracked(FieldMessages::is_empty) {
            focus_first_invalid();
        } else if let Some(body) = body() {
            self.run.dispatch_local(body);
        }
    }
}
