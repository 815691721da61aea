//! `/rotations/mine`: "Lịch luân phiên của tôi" — the signed-in person's own
//! assignments by date, with what they may do (confirm), and the phone calendar feed.

use leptos::prelude::*;
use shared::rotation::{AssignmentQuery, FeedSubject, RotationAssignment};

use super::actions::AssignmentActions;
use super::feed::CalendarFeedPanel;
use super::preferences::PreferencesPanel;
use super::{AssignmentStatusBadge, RotationTabs, Tab, format_period};
use crate::api::{self, ApiError, use_api};
use crate::components::{Loading, loaded};
use crate::contexts::{use_lang, use_session};
use crate::i18n::Key;

/// My rotations.
#[component]
pub fn MyRotationsPage() -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let session = use_session();
    let assignments = LocalResource::new(move || async move {
        let query = AssignmentQuery {
            mine: Some(true),
            ..AssignmentQuery::default()
        };
        let mut list = api::rotations::assignments(api, &query).await?;
        list.sort_by_key(|a| (a.start_date, a.end_date, a.id));
        Ok::<_, ApiError>(list)
    });
    // The profile says who the person is on the staff; failing that, any assignment does.
    let staff_id = Signal::derive(move || {
        session.me().and_then(|me| me.staff_id).or_else(|| {
            // `try_get`: signing out ends the session before this page is gone.
            assignments
                .try_get()
                .flatten()
                .and_then(Result::ok)
                .and_then(|list: Vec<RotationAssignment>| list.first().map(|a| a.staff.id))
        })
    });
    let changed = Callback::new(move |_| assignments.refetch());

    view! {
        <section class="page my-rotations">
            <RotationTabs current=Tab::Mine />
            <h2>{move || lang.t(Key::MyRotationsTitle)}</h2>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    loaded(assignments.await, move |list| view! { <MyRotationTable list changed /> })
                })}
            </Transition>
            <h2>{move || lang.t(Key::RotationPreferencesTitle)}</h2>
            <PreferencesPanel staff_id=Signal::derive(move || session.me().and_then(|me| me.staff_id)) />
            <h2>{move || lang.t(Key::PhoneCalendar)}</h2>
            <CalendarFeedPanel subject=FeedSubject::Staff subject_id=staff_id />
        </section>
    }
}

/// My assignments, earliest first: when, which days, where, status and actions.
#[component]
fn MyRotationTable(
    list: Vec<RotationAssignment>,
    changed: Callback<RotationAssignment>,
) -> impl IntoView {
    let lang = use_lang();
    if list.is_empty() {
        return view! { <p class="empty" id="no-rotations">{move || lang.t(Key::NoRotationsYet)}</p> }
            .into_any();
    }
    let rows = list
        .into_iter()
        .map(|assignment| {
            let station_id = assignment.station.id;
            let id = assignment.id;
            let (start, end, weekdays) = (
                assignment.start_date,
                assignment.end_date,
                assignment.weekdays,
            );
            view! {
                <tr
                    data-test="my-rotation"
                    data-assignment-id=id
                    data-start=start.to_string()
                    data-end=end.to_string()
                    data-station-id=station_id
                >
                    <td class="when">{move || format_period(lang.get(), start, end)}</td>
                    <td>{move || weekdays.label(lang.get())}</td>
                    <td class="number">{assignment.day_count}</td>
                    <td class="station">{assignment.station.name.clone()}</td>
                    <td>
                        <AssignmentStatusBadge status=assignment.status />
                    </td>
                    <td>
                        <AssignmentActions assignment on_changed=changed />
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="data my-rotations" id="my-rotations">
                <thead>
                    <tr>
                        <th scope="col">{move || lang.t(Key::Dates)}</th>
                        <th scope="col">{move || lang.t(Key::Weekdays)}</th>
                        <th scope="col">{move || lang.t(Key::DayCount)}</th>
                        <th scope="col">{move || lang.t(Key::Station)}</th>
                        <th scope="col">{move || lang.t(Key::Status)}</th>
                        <th scope="col">{move || lang.t(Key::Actions)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
