//! The top of a module's list pages: its heading, the buttons of what the reader may
//! start, and the tabs between its pages.

use leptos::prelude::*;

use crate::contexts::use_lang;
use crate::i18n::Key;

/// A module's heading and its tabs (the children, [`TabLink`]s).
#[component]
pub fn ModuleHeader(
    /// The module's name: the heading, and the tabs' name for assistive technology.
    title: Key,
    /// A line under it.
    subtitle: Key,
    /// The buttons of what the reader may start, beside the heading (tracked).
    #[prop(optional, into)]
    actions: Option<ViewFn>,
    children: Children,
) -> impl IntoView {
    let lang = use_lang();
    let heading = move || {
        view! {
            <h1>{move || lang.t(title)}</h1>
            <p class="muted">{move || lang.t(subtitle)}</p>
        }
    };
    let header = match actions {
        Some(actions) => view! {
            <header class="page-header page-header-actions">
                <div>{heading()}</div>
                {move || actions.run()}
            </header>
        }
        .into_any(),
        None => view! { <header class="page-header">{heading()}</header> }.into_any(),
    };
    view! {
        {header}
        <nav class="tabs" aria-label=move || lang.t(title)>
            {children()}
        </nav>
    }
}

/// One of a module's tabs, marked when it is the page shown.
#[component]
pub fn TabLink(
    href: &'static str,
    /// Element id, where tests look for it.
    #[prop(optional)]
    id: Option<&'static str>,
    /// Whether it is the page shown.
    current: bool,
    /// What it says (tracked).
    #[prop(into)]
    label: ViewFn,
) -> impl IntoView {
    view! {
        <a href=href id=id aria-current=current.then_some("page")>
            {move || label.run()}
        </a>
    }
}
