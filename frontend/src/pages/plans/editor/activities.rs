//! The activity groups of section II and their activities: title, kind, responsible
//! unit, the supported facilities it serves, dates and details.

use leptos::prelude::*;
use shared::plan::ActivityKind;

use super::draft::{ActivityDraft, GroupDraft, PlanDraft, next_key};
use super::fields::{EditorForm, EnumSelect, InputKind, TextInput, field_id};
use crate::components::FieldErrors;
use crate::contexts::use_lang;
use crate::i18n::Key;

/// Every group, with the button that adds one.
#[component]
pub(super) fn ActivityGroupsEditor(draft: PlanDraft, form: EditorForm) -> impl IntoView {
    let lang = use_lang();
    let messages = form.messages(Signal::derive(|| "activity_groups".to_string()));
    let add_group = move |_| {
        draft.groups.update(|groups| {
            let key = next_key(groups.iter().map(|group| group.key));
            groups.push(GroupDraft::blank(key));
        });
    };
    view! {
        <div class="activity-groups" id="plan-activity_groups" tabindex="-1">
            <h3>{move || lang.t(Key::ActivityGroups)}</h3>
            <p class="field-hint">{move || lang.t(Key::ActivityGroupsHint)}</p>
            <For
                each=move || draft.groups.get()
                key=|group| group.key
                children=move |group| view! { <GroupEditor draft group form /> }
            />
            <FieldErrors id=Signal::derive(|| "plan-activity_groups-errors".to_string()) messages />
            <button type="button" class="button secondary small" id="plan-add-group" on:click=add_group>
                "+ "
                {move || lang.t(Key::AddActivityGroup)}
            </button>
        </div>
    }
}

/// One group: its title, its activities and the buttons to add one or drop the group.
#[component]
fn GroupEditor(draft: PlanDraft, group: GroupDraft, form: EditorForm) -> impl IntoView {
    let lang = use_lang();
    let key = group.key;
    let index = Memo::new(move |_| {
        draft
            .groups
            .with(|groups| groups.iter().position(|g| g.key == key).unwrap_or(0))
    });
    let path = Signal::derive(move || format!("activity_groups[{}]", index.get()));
    let add_activity = move |_| {
        let (start, end) = (draft.start.get_untracked(), draft.end.get_untracked());
        group.activities.update(|activities| {
            let key = next_key(activities.iter().map(|activity| activity.key));
            activities.push(ActivityDraft::blank(key, start, end));
        });
    };
    let remove = move |_| {
        draft
            .groups
            .update(|groups| groups.retain(|g| g.key != key));
        form.edit("activity_groups");
    };
    view! {
        <fieldset class="plan-group" data-group=key>
            <legend>{move || format!("{} {}", lang.t(Key::ActivityGroup), index.get() + 1)}</legend>
            <TextInput
                label=Key::GroupTitle
                value=group.title
                form
                path=Signal::derive(move || format!("{}.title", path.get()))
                required=true
            />
            <For
                each=move || group.activities.get()
                key=|activity| activity.key
                children=move |activity| {
                    view! { <ActivityEditor draft group group_path=path activity form /> }
                }
            />
            <FieldErrors
                id=Signal::derive(move || format!("{}-errors", field_id(&format!("{}.activities", path.get()))))
                messages=form.messages(Signal::derive(move || format!("{}.activities", path.get())))
            />
            <div class="row-actions">
                <button type="button" class="button secondary small plan-add-activity" on:click=add_activity>
                    "+ "
                    {move || lang.t(Key::AddActivity)}
                </button>
                <button type="button" class="button danger small" on:click=remove>
                    {move || lang.t(Key::RemoveGroup)}
                </button>
            </div>
        </fieldset>
    }
}

/// One activity of a group.
#[component]
fn ActivityEditor(
    draft: PlanDraft,
    group: GroupDraft,
    group_path: Signal<String>,
    activity: ActivityDraft,
    form: EditorForm,
) -> impl IntoView {
    let lang = use_lang();
    let key = activity.key;
    let index = Memo::new(move |_| {
        group
            .activities
            .with(|activities| activities.iter().position(|a| a.key == key).unwrap_or(0))
    });
    let path = Signal::derive(move || format!("{}.activities[{}]", group_path.get(), index.get()));
    let at = move |field: &'static str| Signal::derive(move || format!("{}.{field}", path.get()));
    let remove = move |_| {
        group
            .activities
            .update(|activities| activities.retain(|a| a.key != key));
    };
    let facilities_path = at("facility_ids");
    let facility_messages = form.messages(facilities_path);
    let checks = move || {
        draft
            .supported
            .get()
            .into_iter()
            .map(|facility| {
                let facility_id = facility.id;
                let id = format!("{}-{facility_id}", field_id(&facilities_path.get()));
                let label_for = id.clone();
                view! {
                    <label class="check" for=label_for>
                        <input
                            type="checkbox"
                            id=id
                            data-facility-id=facility_id
                            prop:checked=move || activity.facilities.with(|ids| ids.contains(&facility_id))
                            on:change=move |event| {
                                let on = event_target_checked(&event);
                                activity.facilities.update(|ids| {
                                    ids.retain(|id| *id != facility_id);
                                    if on {
                                        ids.push(facility_id);
                                    }
                                });
                                form.edit(&facilities_path.get_untracked());
                            }
                        />
                        {facility.name}
                    </label>
                }
            })
            .collect_view()
    };
    view! {
        <div class="plan-activity card-like" data-activity=key>
            <div class="form-grid">
                <TextInput
                    label=Key::ActivityTitle
                    value=activity.title
                    form
                    path=at("title")
                    required=true
                    class="span-2"
                />
                <EnumSelect
                    label=Key::ActivityKindLabel
                    value=activity.kind
                    values=ActivityKind::all()
                    code=ActivityKind::as_str
                    form
                    path=at("kind")
                />
                <TextInput label=Key::ResponsibleUnit value=activity.unit form path=at("responsible_unit") />
                <TextInput
                    label=Key::FromDate
                    value=activity.start
                    form
                    path=at("start_date")
                    kind=InputKind::Date
                    required=true
                />
                <TextInput
                    label=Key::ToDate
                    value=activity.end
                    form
                    path=at("end_date")
                    kind=InputKind::Date
                    required=true
                />
            </div>
            <div class="field">
                <span class="field-label">{move || lang.t(Key::ActivityFacilities)}</span>
                <div class="check-grid">{checks}</div>
                <Show when=move || draft.supported.with(Vec::is_empty)>
                    <p class="muted small">{move || lang.t(Key::ChooseSupportedFirst)}</p>
                </Show>
                <FieldErrors
                    id=Signal::derive(move || format!("{}-errors", field_id(&facilities_path.get())))
                    messages=facility_messages
                />
            </div>
            <TextInput
                label=Key::ActivityDescription
                value=activity.description
                form
                path=at("description")
                kind=InputKind::Multiline
            />
            <button type="button" class="button ghost small" on:click=remove>
                {move || lang.t(Key::RemoveActivity)}
            </button>
        </div>
    }
}
