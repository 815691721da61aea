//! Choosing where a patient goes: pick the specialty or the technique needed, read the
//! ranked suggestions of `/referral-destinations` with the reasons for each, click one;
//! or choose any facility from the registry.

use leptos::prelude::*;
use shared::Labelled;
use shared::referral::{Destination, DestinationQuery};
use shared::registry::{FacilityKind, FacilityQuery, TechnicalLevel};

use crate::api::{self, use_api};
use crate::components::{Loading, loaded, specialty_options};
use crate::contexts::use_lang;
use crate::i18n::{Key, format_km};

/// How many suggestions to show.
const SUGGESTIONS: i64 = 8;

/// The facility someone picked.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Picked {
    /// Facility id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its technical level, when known (suggests the direction).
    pub level: Option<TechnicalLevel>,
    /// The specialty it was suggested for, when one was chosen.
    pub specialty: Option<String>,
}

/// Ranked suggestions for a specialty, and every facility as a fallback.
#[component]
pub(super) fn DestinationPicker(
    /// Prefix of element ids, so two pickers can share a page.
    id_prefix: &'static str,
    /// The referring facility (default: the user's own).
    #[prop(optional_no_strip)]
    from_facility: Option<i64>,
    /// A facility never offered (the one the patient is at).
    #[prop(optional_no_strip)]
    exclude: Option<i64>,
    /// The facility chosen so far.
    #[prop(into)]
    chosen: Signal<Option<i64>>,
    /// Called with the facility picked.
    on_pick: Callback<Picked>,
    /// The specialty chosen before (a draft's).
    #[prop(optional)]
    initial_specialty: String,
) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let specialty = RwSignal::new(initial_specialty);
    let chosen_specialty = move || Some(specialty.get_untracked()).filter(|code| !code.is_empty());
    // A catalogue technique narrows the suggestions to those performing it now.
    let technique = RwSignal::new(String::new());
    let techniques =
        LocalResource::new(move || async move { api::registry::active_techniques(api).await });

    let suggestions = LocalResource::new(move || {
        let query = DestinationQuery {
            specialty: Some(specialty.get()).filter(|code| !code.is_empty()),
            technique: Some(technique.get()).filter(|code| !code.is_empty()),
            from_facility,
            limit: Some(SUGGESTIONS),
        };
        // The reasons are worded in the interface language.
        lang.get();
        async move { api::referrals::destinations(api, &query).await }
    });
    let facilities = LocalResource::new(move || async move {
        let query = FacilityQuery {
            limit: Some(shared::page::MAX_LIMIT),
            ..Default::default()
        };
        api::registry::facilities(api, &query).await
    });

    let specialty_id = format!("{id_prefix}-specialty");
    let technique_id = format!("{id_prefix}-technique");
    let technique_options = move || {
        Suspend::new(async move {
            // Without the catalogue the choice is simply not offered.
            let list = techniques.await.unwrap_or_default();
            list.into_iter()
                .map(|item| {
                    let code = item.code.clone();
                    let selected = move || technique.with(|chosen| *chosen == code);
                    view! {
                        <option value=item.code.clone() prop:selected=selected>
                            {item.name.clone()}
                        </option>
                    }
                })
                .collect_view()
        })
    };
    let other_id = format!("{id_prefix}-other");

    let suggestion_list = move || {
        Suspend::new(async move {
            loaded(suggestions.await, move |items: Vec<Destination>| {
                let items: Vec<Destination> = items
                    .into_iter()
                    .filter(|item| Some(item.facility.id) != exclude)
                    .collect();
                if items.is_empty() {
                    return view! { <p class="empty">{move || lang.t(Key::NoSuggestions)}</p> }
                        .into_any();
                }
                let rows = items
                    .into_iter()
                    .map(|item| {
                        let id = item.facility.id;
                        let is_chosen = move || chosen.get() == Some(id);
                        let picked = Picked {
                            id,
                            name: item.facility.name.clone(),
                            level: item.technical_level,
                            specialty: chosen_specialty(),
                        };
                        let level = item.technical_level;
                        let kind = item.facility.kind;
                        let distance = item.distance_km;
                        let name = item.facility.name.clone();
                        view! {
                            <li
                                class="destination"
                                class:chosen=is_chosen
                                data-facility-id=id.to_string()
                            >
                                <div class="destination-head">
                                    <span class="destination-rank">{item.rank}</span>
                                    <div class="destination-name">
                                        <strong>{item.facility.name.clone()}</strong>
                                        <span class="muted">
                                            {move || kind.label(lang.get())}
                                            {move || {
                                                level
                                                    .map(|level| format!(" · {}", level.label(lang.get())))
                                            }}
                                            {move || {
                                                distance.map(|km| format!(" · {}", format_km(lang.get(), km)))
                                            }}
                                        </span>
                                    </div>
                                    <span class="destination-score">
                                        {item.score} " " {move || lang.t(Key::Score)}
                                    </span>
                                    <button
                                        type="button"
                                        class="button small"
                                        class:primary=move || !is_chosen()
                                        class:secondary=is_chosen
                                        disabled=is_chosen
                                        // Seven buttons that all say "Chọn": each names its facility.
                                        aria-label=move || {
                                            let act = if is_chosen() { Key::Chosen } else { Key::PickThis };
                                            format!("{} {name}", lang.t(act))
                                        }
                                        on:click=move |_| on_pick.run(picked.clone())
                                    >
                                        {move || {
                                            if is_chosen() {
                                                lang.t(Key::Chosen)
                                            } else {
                                                lang.t(Key::PickThis)
                                            }
                                        }}
                                    </button>
                                </div>
                                <ul class="destination-reasons">
                                    {item
                                        .reasons
                                        .into_iter()
                                        .map(|reason| view! { <li>{reason}</li> })
                                        .collect_view()}
                                </ul>
                            </li>
                        }
                    })
                    .collect_view();
                view! { <ol class="destinations">{rows}</ol> }.into_any()
            })
        })
    };

    let other_select = {
        let other_id = other_id.clone();
        move || {
            let other_id = other_id.clone();
            Suspend::new(async move {
                loaded(facilities.await, move |page| {
                    let choices: Vec<(i64, String, Option<TechnicalLevel>)> = page
                        .items
                        .into_iter()
                        .filter(|facility| {
                            facility.active
                                && Some(facility.id) != exclude
                                && !matches!(
                                    facility.kind,
                                    FacilityKind::HealthDepartment | FacilityKind::EmergencyCenter
                                )
                        })
                        .map(|facility| (facility.id, facility.name, facility.level))
                        .collect();
                    let lookup = StoredValue::new(choices.clone());
                    let options = choices
                        .into_iter()
                        .map(|(id, name, _)| {
                            view! {
                                <option
                                    value=id.to_string()
                                    prop:selected=move || chosen.get() == Some(id)
                                >
                                    {name}
                                </option>
                            }
                        })
                        .collect_view();
                    view! {
                        <select
                            id=other_id
                            on:change=move |event| {
                                let value = event_target_value(&event);
                                let Ok(id) = value.parse::<i64>() else { return };
                                let found = lookup
                                    .with_value(|choices| {
                                        choices.iter().find(|choice| choice.0 == id).cloned()
                                    });
                                if let Some((id, name, level)) = found {
                                    on_pick.run(Picked {
                                        id,
                                        name,
                                        level,
                                        specialty: chosen_specialty(),
                                    });
                                }
                            }
                        >
                            <option value="" prop:selected=move || chosen.get().is_none()>
                                {move || lang.t(Key::ChooseOne)}
                            </option>
                            {options}
                        </select>
                    }
                })
            })
        }
    };

    view! {
        <div class="destination-picker">
            <div class="field">
                <label for=specialty_id.clone()>{move || lang.t(Key::SuggestBySpecialty)}</label>
                <select
                    id=specialty_id
                    on:change=move |event| specialty.set(event_target_value(&event))
                >
                    <option value="" prop:selected=move || specialty.with(String::is_empty)>
                        {move || lang.t(Key::AnySpecialty)}
                    </option>
                    {specialty_options(specialty.into(), lang)}
                </select>
            </div>
            <div class="field">
                <label for=technique_id.clone()>{move || lang.t(Key::SuggestByTechnique)}</label>
                <select
                    id=technique_id
                    on:change=move |event| technique.set(event_target_value(&event))
                >
                    <option value="" prop:selected=move || technique.with(String::is_empty)>
                        {move || lang.t(Key::AnyTechnique)}
                    </option>
                    <Transition fallback=|| ()>{technique_options}</Transition>
                </select>
            </div>
            <p class="subheading">{move || lang.t(Key::Suggestions)}</p>
            <Transition fallback=|| view! { <Loading /> }>{suggestion_list}</Transition>
            <div class="field">
                <label for=other_id>{move || lang.t(Key::OtherFacility)}</label>
                <Transition fallback=|| view! { <Loading /> }>{other_select}</Transition>
            </div>
        </div>
    }
}
