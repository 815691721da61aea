//! "Đăng ký lịch trên điện thoại": a secret iCalendar address for a person's or a
//! station's rotations, shown once, to paste into a phone's calendar.

use leptos::prelude::*;
use shared::rotation::{FeedInput, FeedSubject};

use crate::api::{self, use_api};
use crate::components::{CopyField, ProblemView};
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
                        issue.dispatch_local(id);
                    }
                }
            >
                {move || lang.t(label)}
            </button>
            {move || {
                url()
                    .map(|url| {
                        let link = webcal(&url);
                        view! {
                            <div class="feed-address">
                                <CopyField
                                    id="calendar-feed-url"
                                    copy_id="copy-feed-url"
                                    label=Key::CalendarAddress
                                    value=url
                                />
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
