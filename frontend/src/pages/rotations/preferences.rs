//! "Nguyện vọng luân phiên": the stations a person would rather be sent to, and the
//! weekdays and months they would rather not be away, which the generator honours when
//! it can. A clinician states their own (the server lets the person and the planners of
//! their facility do so).

use std::collections::BTreeSet;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::registry::{FacilityQuery, FacilityRef};
use shared::rotation::{Months, RotationPreferences, Weekdays};
use validator::Validate;

use crate::api::{self, ApiError, use_api};
use crate::components::form::{CheckedSend, SubmitButton, rule_messages};
use crate::components::{FieldErrors, Loading, ProblemView, loaded};
use crate::contexts::{use_lang, use_session};
use crate::i18n::Key;

use super::WeekdayPicker;

/// The person's preferred stations, among those their facility supports.
#[component]
pub(super) fn PreferencesPanel(
    /// The member of staff (none: the person is not on the staff, nothing shows).
    #[prop(into)]
    staff_id: Signal<Option<i64>>,
) -> impl IntoView {
    let api = use_api();
    let session = use_session();
    let data = LocalResource::new(move || {
        let staff_id = staff_id.get();
        let facility_id = session.me().map(|me| me.facility.id);
        async move {
            let (Some(staff_id), Some(facility_id)) = (staff_id, facility_id) else {
                return Ok(None);
            };
            let query = FacilityQuery {
                supported_by: Some(facility_id),
                limit: Some(shared::page::MAX_LIMIT),
                ..Default::default()
            };
            let stations = api::registry::facilities(api, &query).await?.items;
            let stations = stations
                .into_iter()
                .map(|f| FacilityRef {
                    id: f.id,
                    code: f.code,
                    name: f.name,
                    kind: f.kind,
                })
                .collect::<Vec<_>>();
            let chosen = api::rotations::preferences(api, staff_id).await?;
            Ok::<_, ApiError>(Some((staff_id, stations, chosen)))
        }
    });
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                loaded(data.await, |found| {
                    found.map(|(staff_id, stations, chosen)| {
                        view! { <PreferencesForm staff_id stations chosen /> }
                    })
                })
            })}
        </Transition>
    }
}

/// Checkboxes over the stations, saved together.
#[component]
fn PreferencesForm(
    staff_id: i64,
    stations: Vec<FacilityRef>,
    chosen: RotationPreferences,
) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let picked = RwSignal::new(
        chosen
            .preferred_station_ids
            .into_iter()
            .collect::<BTreeSet<i64>>(),
    );
    let weekdays = RwSignal::new(chosen.avoided_weekdays.0);
    let months = RwSignal::new(Months::of(&chosen.avoided_months).0);
    let saved = RwSignal::new(false);
    // Any change makes "saved" stale.
    Effect::new(move |_| {
        weekdays.track();
        months.track();
        saved.set(false);
    });
    let body = move || RotationPreferences {
        preferred_station_ids: picked.with(|ids| ids.iter().copied().collect()),
        avoided_weekdays: Weekdays(weekdays.get()),
        avoided_months: Months(months.get()).list(),
    };
    let problems = Memo::new(move |_| rule_messages(body().validate(), lang.get()));
    let form = CheckedSend::new(problems, move |input: RotationPreferences| async move {
        api::rotations::set_preferences(api, staff_id, &input).await
    });
    let form = form.on_answer(move |_| saved.set(true));
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        form.submit(|| untrack(body));
    };
    let no_stations = stations.is_empty();
    let boxes = stations
        .into_iter()
        .map(|station| {
            let id = station.id;
            let toggle = move |_| {
                saved.set(false);
                picked.update(|ids| {
                    if !ids.remove(&id) {
                        ids.insert(id);
                    }
                });
            };
            view! {
                <label class="check">
                    <input
                        type="checkbox"
                        id=format!("pref-station-{id}")
                        prop:checked=move || picked.with(|ids| ids.contains(&id))
                        on:change=toggle
                    />
                    {station.name}
                </label>
            }
        })
        .collect_view();
    view! {
        <form class="form preferences-form" id="rotation-preferences" novalidate on:submit=on_submit>
            <p class="muted">{move || lang.t(Key::PreferencesIntro)}</p>
            <fieldset class="field" id="pref-stations">
                <legend class="field-label">{move || lang.t(Key::PreferredStations)}</legend>
                {if no_stations {
                    Some(view! { <p class="muted">{move || lang.t(Key::NoStationsYet)}</p> })
                } else {
                    None
                }}
                <div class="check-grid" role="group" aria-describedby="pref-stations-errors">
                    {boxes}
                </div>
                <FieldErrors id="pref-stations-errors" messages=form.messages("preferred_station_ids") />
            </fieldset>
            <WeekdayPicker
                id="avoid-weekdays"
                value=weekdays
                messages=form.messages("avoided_weekdays")
                legend=Key::AvoidedWeekdays
                full_names=true
            />
            <MonthPicker id="avoid-months" value=months messages=form.messages("avoided_months") />
            {move || {
                form.failure()
                    .map(|error| view! {
                        <ProblemView
                            error
                            inline_fields=&["preferred_station_ids", "avoided_weekdays", "avoided_months"]
                        />
                    })
            }}
            <div class="form-actions">
                <SubmitButton id="save-preferences" label=Key::Save pending=form.pending() />
                {move || {
                    saved.get().then(|| view! {
                        <span class="badge ok" role="status" id="preferences-saved">{move || lang.t(Key::SavedChanges)}</span>
                    })
                }}
            </div>
        </form>
    }
}

/// Twelve checkboxes, "Tháng 1" to "Tháng 12", over a month bit mask (bit 0 January).
#[component]
fn MonthPicker(
    /// Prefix of the checkboxes' ids (`{id}-1` is January).
    id: &'static str,
    /// The mask: bit 0 January … bit 11 December.
    value: RwSignal<u16>,
    /// Messages about the choice.
    #[prop(into)]
    messages: Signal<Vec<String>>,
) -> impl IntoView {
    let lang = use_lang();
    let errors_id = format!("{id}-errors");
    let described_by = errors_id.clone();
    let boxes = (1..=12u8)
        .map(|month| {
            let bit = 1u16 << (month - 1);
            let input_id = format!("{id}-{month}");
            let label_for = input_id.clone();
            view! {
                <label class="weekday" for=label_for>
                    <input
                        type="checkbox"
                        id=input_id
                        data-month=month
                        prop:checked=move || value.get() & bit != 0
                        on:change=move |event| {
                            let on = event_target_checked(&event);
                            value.update(|mask| if on { *mask |= bit } else { *mask &= !bit });
                        }
                    />
                    {move || Months::name(month, lang.get())}
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset class="field weekdays months" id=id aria-describedby=described_by>
            <legend class="field-label">{move || lang.t(Key::AvoidedMonths)}</legend>
            <div class="weekday-boxes">{boxes}</div>
            <FieldErrors id=errors_id messages />
        </fieldset>
    }
}
