//! `/rotations/mine`: "Lịch luân phiên của tôi" — the signed-in person's own
//! assignments by date and month, with what they may do (confirm one, or a whole month
//! at once; past visits are not offered for confirmation), and the phone calendar feed.

use chrono::Utc;
use leptos::prelude::*;
use shared::rotation::{
    AssignmentAction, AssignmentQuery, ConfirmMonthInput, FeedSubject, RotationAssignment,
};
use shared::time::vietnam_date;

use super::actions::AssignmentActions;
use super::feed::CalendarFeedPanel;
use super::preferences::PreferencesPanel;
use super::{AssignmentStatusBadge, RotationTabs, Tab, format_period};
use crate::api::{self, ApiError, use_api};
use crate::components::error::ProblemView;
use crate::components::list::CardTable;
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

/// My assignments, earliest first, a month at a time: when, which days, where, status
/// and actions, and "Xác nhận cả tháng" for a month with visits still to confirm.
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
    let today = vietnam_date(Utc::now());
    let mut months: Vec<(ConfirmMonthInput, Vec<RotationAssignment>)> = Vec::new();
    for mut assignment in list {
        // A visit already begun is not confirmed ahead of time any more.
        if assignment.start_date < today {
            assignment
                .allowed_actions
                .retain(|action| *action != AssignmentAction::Confirm);
        }
        let month = ConfirmMonthInput::of(assignment.start_date);
        match months.last_mut() {
            Some((last, rows)) if *last == month => rows.push(assignment),
            _ => months.push((month, vec![assignment])),
        }
    }
    let groups = months
        .into_iter()
        .map(|(month, rows)| {
            let to_confirm = rows
                .iter()
                .filter(|a| a.allowed_actions.contains(&AssignmentAction::Confirm))
                .count();
            let rows = rows
                .into_iter()
                .map(|assignment| view! { <MyRotationRow assignment changed /> })
                .collect_view();
            view! {
                <tbody class="month-group" data-month=format!("{}-{:02}", month.year, month.month)>
                    <tr class="month-row">
                        <th scope="colgroup" colspan="6">
                            <span class="month-title">
                                {move || format!("{} {}/{}", lang.t(Key::MonthLabel), month.month, month.year)}
                            </span>
                            {(to_confirm > 1)
                                .then(|| view! { <ConfirmMonthButton month changed /> })}
                        </th>
                    </tr>
                    {rows}
                </tbody>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <CardTable class="my-rotations" id="my-rotations">
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
                {groups}
            </CardTable>
        </div>
    }
    .into_any()
}

/// One assignment of mine.
#[component]
fn MyRotationRow(
    assignment: RotationAssignment,
    changed: Callback<RotationAssignment>,
) -> impl IntoView {
    let lang = use_lang();
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
}

/// "Xác nhận cả tháng": one request confirms every visit of mine of the month from today.
#[component]
fn ConfirmMonthButton(
    month: ConfirmMonthInput,
    changed: Callback<RotationAssignment>,
) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let run =
        Action::new_local(
            move |_: &()| async move { api::rotations::confirm_month(api, &month).await },
        );
    let pending = run.pending();
    Effect::new(move |_| {
        if let Some(Ok(confirmed)) = run.value().get()
            && let Some(last) = confirmed.into_iter().last()
        {
            changed.run(last);
        }
    });
    let failure = move || {
        run.value()
            .get()
            .and_then(Result::err)
            .map(|error| view! { <ProblemView error /> })
    };
    let label = move || {
        format!(
            "{} {}/{}",
            lang.t(Key::ConfirmMonth),
            month.month,
            month.year
        )
    };
    view! {
        <button
            type="button"
            class="button confirm-month"
            data-month=format!("{}-{:02}", month.year, month.month)
            aria-label=label
            disabled=move || pending.get()
            on:click=move |_| {
                run.dispatch_local(());
            }
        >
            {move || {
                if pending.get() { lang.t(Key::ConfirmingMonth) } else { lang.t(Key::ConfirmMonth) }
            }}
        </button>
        {failure}
    }
}
