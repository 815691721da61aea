//! `/rotations/station`: the station head's view of who comes to their station, when,
//! with attendance (attend, mark absent) from `allowed_actions` and feedback on each
//! visit that took place.

use leptos::prelude::*;
use shared::Labelled;
use shared::auth::Capability;
use shared::registry::FacilityRef;
use shared::rotation::{AssignmentQuery, AssignmentStatus, FeedSubject, RotationAssignment};

use super::actions::{AssignmentActions, FeedbackForm, FeedbackView};
use super::feed::CalendarFeedPanel;
use super::proposals::StationProposals;
use super::{AssignmentStatusBadge, RotationTabs, Tab, format_period};
use crate::api::{self, ApiError, use_api};
use crate::components::list::CardTable;
use crate::components::{Loading, loaded};
use crate::contexts::{use_lang, use_session};
use crate::i18n::Key;

/// The station's rotations.
#[component]
pub fn StationRotationsPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let station = Memo::new(move |_| {
        session
            .me()
            .filter(|me| me.can(Capability::ReceiveRotations))
            .map(|me| me.facility.clone())
    });
    view! {
        <section class="page station-rotations">
            <RotationTabs current=Tab::Station />
            {move || match station.get() {
                Some(station) => view! { <StationRotations station /> }.into_any(),
                None => {
                    view! {
                        <div class="notice" role="status">
                            <p>{move || lang.t(Key::StationHeadsOnly)}</p>
                        </div>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}

/// Who comes to the station, earliest first, with attendance and feedback.
#[component]
fn StationRotations(station: FacilityRef) -> impl IntoView {
    let station_id = station.id;
    let api = use_api();
    let lang = use_lang();
    let assignments = LocalResource::new(move || async move {
        let query = AssignmentQuery {
            station_id: Some(station_id),
            ..AssignmentQuery::default()
        };
        let mut list = api::rotations::assignments(api, &query).await?;
        list.sort_by_key(|a| (a.start_date, a.staff.full_name.clone(), a.id));
        Ok::<_, ApiError>(list)
    });
    let changed = Callback::new(move |_| assignments.refetch());
    view! {
        <h2>{move || lang.t(Key::StationRotationsTitle)}</h2>
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                loaded(assignments.await, move |list| view! { <StationVisitTable list changed /> })
            })}
        </Transition>
        <StationProposals station />
        <h2>{move || lang.t(Key::PhoneCalendar)}</h2>
        <CalendarFeedPanel subject=FeedSubject::Station subject_id=Signal::derive(move || Some(station_id)) />
    }
}

/// The visits: when, who, status, feedback and what the station may do.
#[component]
fn StationVisitTable(
    list: Vec<RotationAssignment>,
    changed: Callback<RotationAssignment>,
) -> impl IntoView {
    let lang = use_lang();
    if list.is_empty() {
        return view! { <p class="empty">{move || lang.t(Key::NoRotationsYet)}</p> }.into_any();
    }
    let rows = list
        .into_iter()
        .map(|assignment| {
            let (start, end, weekdays) = (
                assignment.start_date,
                assignment.end_date,
                assignment.weekdays,
            );
            let profession = assignment.staff.profession;
            let id = assignment.id;
            let status = assignment.status;
            let feedback = assignment.feedback.clone();
            let may_rate = assignment.status == AssignmentStatus::Done && feedback.is_none();
            view! {
                <tr data-test="station-visit" data-assignment-id=id data-status=status.as_str()>
                    <td class="when">
                        {move || format_period(lang.get(), start, end)}
                        <span class="muted block">{move || weekdays.label(lang.get())}</span>
                    </td>
                    <td>
                        {assignment.staff.full_name.clone()}
                        <span class="muted block">{move || profession.label(lang.get())}</span>
                    </td>
                    <td>
                        <AssignmentStatusBadge status />
                        {assignment
                            .attendance_note
                            .clone()
                            .map(|note| view! { <span class="muted small block">{note}</span> })}
                    </td>
                    <td>{feedback.map(|feedback| view! { <FeedbackView feedback /> })}</td>
                    <td>
                        <AssignmentActions assignment on_changed=changed />
                        {may_rate.then(|| view! { <FeedbackForm assignment_id=id on_saved=changed /> })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <CardTable class="station-visits" id="station-visits">
                <thead>
                    <tr>
                        <th scope="col">{move || lang.t(Key::Dates)}</th>
                        <th scope="col">{move || lang.t(Key::Person)}</th>
                        <th scope="col">{move || lang.t(Key::Status)}</th>
                        <th scope="col">{move || lang.t(Key::Feedback)}</th>
                        <th scope="col">{move || lang.t(Key::Actions)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </CardTable>
        </div>
    }
    .into_any()
}
