//! The dialog of one workflow action: a heading, the fields the action's endpoint
//! needs, what the server refused last time, and "confirm" / "close".

use leptos::prelude::*;
use shared::Labelled;
use wasm_bindgen::JsCast;

use crate::contexts::use_lang;
use crate::i18n::Key;

/// The frame of an action's dialog; the fields are its children. Its element ids
/// (`dialog-{code}`, `confirm-{code}`, `dialog-title`) are what the browser tests use.
#[component]
pub fn ActionDialog(
    /// The action's code, as in its endpoint (`accept`, `schedule`).
    code: &'static str,
    /// The heading: the action's name (tracked).
    #[prop(into)]
    title: Signal<String>,
    /// Whether the action is under way (the confirm button waits).
    #[prop(into)]
    pending: Signal<bool>,
    /// "Confirm" was pressed.
    on_confirm: Callback<()>,
    /// "Close" was pressed.
    on_close: Callback<()>,
    /// Shown under the fields: what went wrong the last time (tracked).
    #[prop(optional, into)]
    problem: ViewFn,
    /// The fields.
    children: Children,
) -> impl IntoView {
    let panel = NodeRef::<leptos::html::Div>::new();
    focus_into(panel);
    view! {
        <div
            class="dialog"
            role="dialog"
            aria-labelledby="dialog-title"
            id=format!("dialog-{code}")
            node_ref=panel
        >
            <h2 id="dialog-title" tabindex="-1">{move || title.get()}</h2>
            {children()}
            {move || problem.run()}
            <DialogButtons
                confirm=Key::Confirm
                confirm_id=format!("confirm-{code}")
                pending
                on_confirm
                on_close
            />
        </div>
    }
}

/// Moves the keyboard focus into a panel once it opens: its first field, or else what
/// it marks as its start (`tabindex="-1"`: a heading, a question), so that a keyboard
/// or screen-reader user is taken to what opened rather than left on the button.
pub fn focus_into(panel: NodeRef<leptos::html::Div>) {
    Effect::new(move |_| {
        let Some(panel) = panel.get() else {
            return;
        };
        let field = "input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea";
        let target = [field, "[tabindex='-1']"]
            .into_iter()
            .find_map(|selector| panel.query_selector(selector).ok().flatten());
        if let Some(target) = target.and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
            && let Err(error) = target.focus()
        {
            leptos::logging::warn!("could not focus the panel: {error:?}");
        }
    });
}

/// "Confirm" (or "save") and "close" under a dialog's or an inline form's fields.
#[component]
pub fn DialogButtons(
    /// What the confirm button says.
    confirm: Key,
    /// Element id of the confirm button, when tests look for it.
    #[prop(optional_no_strip, into)]
    confirm_id: Option<String>,
    /// Whether the request is under way (the confirm button waits).
    #[prop(into)]
    pending: Signal<bool>,
    /// The confirm button was pressed.
    on_confirm: Callback<()>,
    /// "Close" was pressed.
    on_close: Callback<()>,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="dialog-actions">
            <button
                type="button"
                class="button primary"
                id=confirm_id
                disabled=move || pending.get()
                on:click=move |_| on_confirm.run(())
            >
                {move || lang.t(confirm)}
            </button>
            <button type="button" class="button secondary" on:click=move |_| on_close.run(())>
                {move || lang.t(Key::Close)}
            </button>
        </div>
    }
}

/// The buttons of a record's allowed actions ("no actions" when there are none), each
/// opening its dialog or closing it again, and the dialog of the one open.
#[component]
pub fn ActionBar<A, D, V>(
    /// The actions the server allows the reader, in order.
    actions: Vec<A>,
    /// The action whose dialog is open.
    open: RwSignal<Option<A>>,
    /// An action's code (`accept`): the button is `action-{code}`.
    code: fn(&A) -> &'static str,
    /// An action's button class (`button primary`, `button danger`).
    class: fn(A) -> &'static str,
    /// The dialog of an action.
    dialog: D,
) -> impl IntoView
where
    A: Labelled + Copy + PartialEq + Send + Sync + 'static,
    D: Fn(A) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let lang = use_lang();
    if actions.is_empty() {
        return view! {
            <div class="actions-bar">
                <p class="muted" id="no-actions">{move || lang.t(Key::NoActions)}</p>
            </div>
        }
        .into_any();
    }
    let buttons = actions
        .iter()
        .map(|action| {
            let action = *action;
            let code = code(&action);
            view! {
                <button
                    type="button"
                    class=class(action)
                    id=format!("action-{code}")
                    data-action=code
                    aria-expanded=move || (open.get() == Some(action)).to_string()
                    on:click=move |_| {
                        open.update(|open| {
                            *open = if *open == Some(action) { None } else { Some(action) }
                        })
                    }
                >
                    {move || action.label(lang.get())}
                </button>
            }
        })
        .collect_view();
    let dialog = move || {
        open.get()
            .filter(|action| actions.contains(action))
            .map(&dialog)
    };
    view! {
        <div class="actions-bar" role="group" aria-label=move || lang.t(Key::Actions)>
            {buttons}
        </div>
        {dialog}
    }
    .into_any()
}

/// A button for a step that cannot be undone (remove a link, a leave period): pressing
/// it asks first, in place ("remove this?", confirm / close); "confirm" sends `send`,
/// whose refusal shows under the question, and `on_done` runs once it went through.
/// The button is `#{id}`, its confirm button `#{id}-confirm`.
#[component]
pub fn ConfirmButton<F, Fut>(
    /// Element id of the button.
    #[prop(into)]
    id: String,
    /// What the button says.
    label: Key,
    /// The question asked before going on.
    question: Key,
    /// The request the step makes.
    send: F,
    /// Runs after the request went through.
    on_done: Callback<()>,
) -> impl IntoView
where
    F: Fn() -> Fut + 'static,
    Fut: std::future::Future<Output = Result<(), crate::api::ApiError>> + 'static,
{
    let lang = use_lang();
    let asking = RwSignal::new(false);
    let step = Action::new_local(move |_: &()| send());
    Effect::new(move |_| {
        if let Some(Ok(())) = step.value().get() {
            on_done.run(());
        }
    });
    let pending = step.pending();
    let confirm_id = format!("{id}-confirm");
    let question_id = format!("{id}-question");
    let confirm = move || {
        asking.get().then(|| {
            let panel = NodeRef::<leptos::html::Div>::new();
            focus_into(panel);
            view! {
                <div
                    class="confirm"
                    role="alertdialog"
                    aria-labelledby=question_id.clone()
                    node_ref=panel
                >
                    <p id=question_id.clone() tabindex="-1">{move || lang.t(question)}</p>
                    {move || {
                        step.value()
                            .get()
                            .and_then(Result::err)
                            .map(|error| view! { <crate::components::ProblemView error /> })
                    }}
                    <DialogButtons
                        confirm=Key::Confirm
                        confirm_id=confirm_id.clone()
                        pending
                        on_confirm=Callback::new(move |()| {
                            step.dispatch_local(());
                        })
                        on_close=Callback::new(move |()| asking.set(false))
                    />
                </div>
            }
        })
    };
    view! {
        <span class="confirm-button">
            <button
                type="button"
                class="button ghost small danger"
                id=id
                aria-expanded=move || asking.get().to_string()
                on:click=move |_| asking.update(|open| *open = !*open)
            >
                {move || lang.t(label)}
            </button>
            {confirm}
        </span>
    }
}
