//! "Đăng ký lịch trên điện thoại": a secret iCalendar address for a person's or a
//! station's rotations, shown once, to paste into a phone's calendar.

use leptos::prelude::*;
use shared::rotation::{FeedInput, FeedSubject};
use wasm_bindgen::JsCast;

use crate::api::{self, use_api};
use crate::components::ProblemView;
use crate::contexts::use_lang;
use crate::i18n::Key;

/// The page's own address (`https://host:port`), which the feed path is appended to.
fn origin() -> String {
    web_sys::window()
        .and_then(|window| window.location().origin().ok())
        .unwrap_or_default()
}

/// The same address for calendar apps that subscribe on a `webcal:` link.
fn webcal(url: &str) -> String {
    match url.split_once("://") {
        Some((_, rest)) => format!("webcal://{rest}"),
        None => url.to_string(),
    }
}

/// Copies text to the clipboard where the browser offers one (secure pages); elsewhere
/// the address stays selected for the person to copy.
fn copy_to_clipboard(text: &str) -> bool {
    let Some(navigator) = web_sys::window().map(|window| window.navigator()) else {
        return false;
    };
    let available = js_sys::Reflect::get(&navigator, &"clipboard".into())
        .is_ok_and(|clipboard| !clipboard.is_undefined() && !clipboard.is_null());
    if available {
        // The promise settles on its own; a refusal leaves the address on screen.
        let _ = navigator.clipboard().write_text(text);
    }
    available
}

/// Selects the whole address when the field gets the focus, ready to copy.
fn select_all(event: web_sys::FocusEvent) {
    if let Some(input) = event
        .target()
        .and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok())
    {
        input.select();
    }
}

/// The button that issues the address, and the address once issued.
#[component]
pub(super) fn CalendarFeedPanel(
    /// Whose calendar.
    subject: FeedSubject,
    /// The person's staff id or the station id; the button waits for it.
    #[prop(into)]
    subject_id: Signal<Option<i64>>,
) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let copied = RwSignal::new(false);
    let issue = Action::new_local(move |subject_id: &i64| {
        let input = FeedInput {
            subject,
            subject_id: *subject_id,
        };
        async move { api::rotations::create_feed(api, &input).await }
    });
    let pending = issue.pending();
    let url = move || {
        issue
            .value()
            .get()
            .and_then(Result::ok)
            .map(|feed| format!("{}{}", origin(), feed.path))
    };
    let failure = move || issue.value().get().and_then(Result::err);
    let (button_id, label) = match subject {
        FeedSubject::Staff => ("calendar-feed", Key::SubscribeOnPhone),
        FeedSubject::Station => ("station-calendar-feed", Key::SubscribeStationCalendar),
    };

    view! {
        <section class="panel calendar-feed">
            <p class="muted">{move || lang.t(Key::CalendarFeedHint)}</p>
            <button
                type="button"
                id=button_id
                class="button secondary"
                disabled=move || pending.get() || subject_id.with(Option::is_none)
                on:click=move |_| {
                    if let Some(id) = subject_id.get_untracked() {
                        copied.set(false);
                        issue.dispatch_local(id);
                    }
                }
            >
                {move || lang.t(label)}
            </button>
            {move || {
                url()
                    .map(|url| {
                        let copy_text = url.clone();
                        let link = webcal(&url);
                        view! {
                            <div class="feed-address">
                                <label for="calendar-feed-url">{move || lang.t(Key::CalendarAddress)}</label>
                                <div class="feed-row">
                                    <input
                                        id="calendar-feed-url"
                                        type="text"
                                        readonly
                                        value=url
                                        on:focus=select_all
                                    />
                                    <button
                                        type="button"
                                        id="copy-feed-url"
                                        class="button secondary small"
                                        on:click=move |_| copied.set(copy_to_clipboard(&copy_text))
                                    >
                                        {move || {
                                            if copied.get() { lang.t(Key::Copied) } else { lang.t(Key::Copy) }
                                        }}
                                    </button>
                                </div>
                                <p class="small">
                                    <a href=link>{move || lang.t(Key::OpenInCalendarApp)}</a>
                                </p>
                                <p class="muted small">{move || lang.t(Key::CalendarShownOnce)}</p>
                            </div>
                        }
                    })
            }}
            {move || failure().map(|error| view! { <ProblemView error /> })}
        </section>
    }
}
