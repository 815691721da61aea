//! "Nguyện vọng luân phiên": the stations a person would rather be sent to, which the
//! generator favours. A clinician states their own (the server lets the person and the
//! planners of their facility do so).

use std::collections::BTreeSet;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::registry::{FacilityQuery, FacilityRef};
use shared::rotation::RotationPreferences;
use validator::Validate;

use crate::api::{self, ApiError, use_api};
use crate::components::form::{CheckedSend, SubmitButton, rule_messages};
use crate::components::{FieldErrors, Loading, ProblemView, loaded};
use crate::contexts::{use_lang, use_session};
use crate::i18n::Key;

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
    let saved = RwSignal::new(false);
    let body = move || RotationPreferences {
        preferred_station_ids: picked.with(|ids| ids.iter().copied().collect()),
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
    if stations.is_empty() {
        return view! { <p class="muted">{move || lang.t(Key::NoStationsYet)}</p> }.into_any();
    }
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
            <div class="check-grid" role="group" aria-describedby="pref-stations-errors">
                {boxes}
            </div>
            <FieldErrors id="pref-stations-errors" messages=form.messages("preferred_station_ids") />
            {move || {
                form.failure()
                    .map(|error| view! { <ProblemView error inline_fields=&["preferred_station_ids"] /> })
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
    .into_any()
}
