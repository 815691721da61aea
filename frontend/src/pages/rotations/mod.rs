//! Rotations (luân phiên, Decision 1816/QĐ-BYT): the plans of a period, one plan as a
//! calendar of stations × weeks with its demands and the generator, the editor that
//! flags broken rules while a planner types, "my rotations" with the phone calendar
//! feed, and the station's view with attendance and feedback.
//!
//! Rules come from `shared::rotation`: the editor runs the same `check` over the same
//! `Roster` the server runs on save, and the buttons are the `allowed_actions` the
//! server computed for this reader.

mod actions;
mod demands;
mod editor;
mod feed;
mod generation;
mod grid;
mod mine;
mod plan;
mod plans;
mod preferences;
mod proposals;
mod station;

pub use mine::MyRotationsPage;
pub use plan::RotationPlanPage;
pub use plans::RotationPlansPage;
pub use station::StationRotationsPage;

use chrono::{NaiveDate, Weekday};
use leptos::prelude::*;
use shared::Lang;
use shared::auth::Capability;
use shared::rotation::{AssignmentStatus, Weekdays};

use crate::components::{InvalidId, ModuleHeader, StateBadge, TabLink, use_id_param};
use crate::contexts::{use_capability, use_lang};
use crate::i18n::{Key, format_date};

/// Where the rotation pages live.
const BASE: &str = "/rotations";

/// The page of one plan.
fn plan_href(id: i64) -> String {
    format!("{BASE}/{id}")
}

/// Whether the signed-in person plans rotations at their own facility (tracked).
fn plans_rotations() -> impl Fn() -> bool + Copy {
    use_capability(Capability::PlanRotations)
}

/// Whether the signed-in person receives rotated staff at a station (tracked).
fn heads_station() -> impl Fn() -> bool + Copy {
    use_capability(Capability::ReceiveRotations)
}

/// Which of the module's pages is shown, for the tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Plans,
    Mine,
    Station,
}

/// The module's heading and tabs: the plans, my rotations, and the station's rotations
/// for a station head.
#[component]
fn RotationTabs(current: Tab) -> impl IntoView {
    let lang = use_lang();
    let station = heads_station();
    view! {
        <ModuleHeader title=Key::NavRotations subtitle=Key::RotationsSubtitle>
            <TabLink
                href=BASE
                id="tab-rotation-plans"
                current=current == Tab::Plans
                label=move || lang.t(Key::RotationPlans)
            />
            <TabLink
                href="/rotations/mine"
                id="tab-my-rotations"
                current=current == Tab::Mine
                label=move || lang.t(Key::MyRotations)
            />
            {move || {
                station()
                    .then(|| {
                        view! {
                            <TabLink
                                href="/rotations/station"
                                id="tab-station-rotations"
                                current=current == Tab::Station
                                label=move || lang.t(Key::StationRotations)
                            />
                        }
                    })
            }}
        </ModuleHeader>
    }
}

/// An assignment's status, coloured by where it stands.
#[component]
fn AssignmentStatusBadge(status: AssignmentStatus) -> impl IntoView {
    view! { <StateBadge state=status code=AssignmentStatus::as_str class="badge assignment-" /> }
}

/// "01/04/2026 – 30/06/2026".
fn format_period(lang: Lang, start: NaiveDate, end: NaiveDate) -> String {
    if start == end {
        format_date(lang, start)
    } else {
        format!("{} – {}", format_date(lang, start), format_date(lang, end))
    }
}

/// What the plan page shows for an id that is not one.
#[component]
fn InvalidPlanId() -> impl IntoView {
    view! { <InvalidId back=BASE back_label=Key::BackToRotationPlans /> }
}

/// A calendar date typed in a date input.
fn parse_date(value: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").ok()
}

/// Seven checkboxes, Monday to Sunday, over a weekday bit mask.
#[component]
fn WeekdayPicker(
    /// Prefix of the checkboxes' ids (`{id}-0` is Monday).
    id: &'static str,
    /// The mask: bit 0 Monday … bit 6 Sunday.
    value: RwSignal<u8>,
    /// Messages about the choice.
    #[prop(into)]
    messages: Signal<Vec<String>>,
    /// The legend (default: "Ngày trong tuần").
    #[prop(optional)]
    legend: Option<Key>,
    /// Full day names ("Thứ Hai") rather than short ones ("T2").
    #[prop(optional)]
    full_names: bool,
) -> impl IntoView {
    let lang = use_lang();
    let errors_id = format!("{id}-errors");
    let described_by = errors_id.clone();
    let legend = legend.unwrap_or(Key::Weekdays);
    let boxes = (0..7u8)
        .map(|bit| {
            let input_id = format!("{id}-{bit}");
            let label_for = input_id.clone();
            let name = move || match Weekday::try_from(bit) {
                Ok(day) if full_names => Weekdays::day_name(day, lang.get()).to_string(),
                _ => Weekdays(1 << bit).label(lang.get()),
            };
            view! {
                <label class="weekday" for=label_for>
                    <input
                        type="checkbox"
                        id=input_id
                        data-weekday=bit
                        prop:checked=move || value.get() & (1 << bit) != 0
                        on:change=move |event| {
                            let on = event_target_checked(&event);
                            value.update(|mask| {
                                if on { *mask |= 1 << bit } else { *mask &= !(1 << bit) }
                            });
                        }
                    />
                    {name}
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset class="field weekdays" id=id aria-describedby=described_by>
            <legend class="field-label">{move || lang.t(legend)}</legend>
            <div class="weekday-boxes">{boxes}</div>
            <crate::components::FieldErrors id=errors_id messages />
        </fieldset>
    }
}
