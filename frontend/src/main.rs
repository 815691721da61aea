//! Tuyến's single-page app: Leptos rendered in the browser, talking to `/api/v1`.
#![forbid(unsafe_code)]

mod api;
mod app;
mod components;
mod contexts;
mod i18n;
mod pages;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
