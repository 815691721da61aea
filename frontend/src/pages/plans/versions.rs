//! `/plans/:id/versions`: every version of the plan, and what this version changed
//! against another (by default the one it revises), section by section.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::plan::{Plan, PlanDiff, PlanSummary};

use super::frame::{PlanTab, plan_page};
use super::{PlanStatusBadge, plan_href};
use crate::api::{self, use_api};
use crate::components::list::CardTable;
use crate::components::{Loading, NoResults, loaded};
use crate::contexts::use_lang;
use crate::i18n::{Key, format_datetime};

/// `/plans/:id/versions`.
#[component]
pub fn PlanVersionsPage() -> impl IntoView {
    plan_page(PlanTab::Versions, |plan| {
        view! { <VersionsTab plan /> }.into_any()
    })
}

#[component]
fn VersionsTab(plan: Plan) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let id = plan.id;
    let has_previous = plan.previous_version_id.is_some();
    let versions = LocalResource::new(move || api::plans::versions(api, id));
    // None: the version this one revises.
    let against = RwSignal::new(None::<i64>);
    let diff = LocalResource::new(move || {
        let against = against.get();
        async move {
            if against.is_none() && !has_previous {
                Ok(None)
            } else {
                api::plans::diff(api, id, against).await.map(Some)
            }
        }
    });
    view! {
        <h2>{move || lang.t(Key::Versions)}</h2>
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                loaded(versions.await, move |versions| view! { <VersionTable versions current=id against /> })
            })}
        </Transition>
        <h2>{move || lang.t(Key::Changes)}</h2>
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                loaded(
                    diff.await,
                    move |diff| match diff {
                        Some(diff) => view! { <DiffTable diff /> }.into_any(),
                        None => view! { <p class="muted" id="plan-first-version">{move || lang.t(Key::FirstVersion)}</p> }.into_any(),
                    },
                )
            })}
        </Transition>
    }
}

/// The versions, oldest first, and the choice of the one to compare with.
#[component]
fn VersionTable(
    versions: Vec<PlanSummary>,
    current: i64,
    against: RwSignal<Option<i64>>,
) -> impl IntoView {
    let lang = use_lang();
    let others: Vec<(i64, i32)> = versions
        .iter()
        .filter(|version| version.id != current)
        .map(|version| (version.id, version.version_number))
        .collect();
    let rows = versions
        .into_iter()
        .map(|version| {
            let updated = version.updated_at;
            let is_current = version.id == current;
            view! {
                <tr class="version-row" class:current=is_current data-plan-id=version.id>
                    <td class="number">{version.version_number}</td>
                    <td>
                        <A href=plan_href(version.id)>{version.title}</A>
                    </td>
                    <td>
                        <PlanStatusBadge status=version.status />
                    </td>
                    <td class="when">{move || format_datetime(lang.get(), updated)}</td>
                </tr>
            }
        })
        .collect_view();
    let options = others
        .into_iter()
        .map(|(id, number)| {
            view! {
                <option value=id prop:selected=move || against.get() == Some(id)>
                    {move || format!("{} {number}", lang.t(Key::VersionNumber))}
                </option>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <CardTable class="versions" id="plan-versions">
                <thead>
                    <tr>
                        <th scope="col" class="number">{move || lang.t(Key::VersionNumber)}</th>
                        <th scope="col">{move || lang.t(Key::PlanName)}</th>
                        <th scope="col">{move || lang.t(Key::Status)}</th>
                        <th scope="col">{move || lang.t(Key::LastChange)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </CardTable>
        </div>
        <div class="field compare-with">
            <label for="plan-diff-against">{move || lang.t(Key::CompareWith)}</label>
            <select
                id="plan-diff-against"
                on:change=move |event| against.set(event_target_value(&event).parse().ok())
            >
                <option value="" prop:selected=move || against.get().is_none()>
                    {move || lang.t(Key::PreviousVersion)}
                </option>
                {options}
            </select>
        </div>
    }
}

/// The differences: section, item, before, after.
#[component]
fn DiffTable(diff: PlanDiff) -> impl IntoView {
    let lang = use_lang();
    let (from, to) = (diff.from.version_number, diff.to.version_number);
    if diff.changes.is_empty() {
        return view! { <NoResults /> }.into_any();
    }
    let rows = diff
        .changes
        .into_iter()
        .map(|change| {
            view! {
                <tr class="diff-row">
                    <td>{change.section}</td>
                    <td>{change.item}</td>
                    <td class="diff-before">{change.before.map(|text| view! { <del>{text}</del> })}</td>
                    <td class="diff-after">{change.after.map(|text| view! { <ins>{text}</ins> })}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p class="muted small">
            {move || {
                let version = lang.t(Key::VersionNumber);
                format!("{version} {from} → {version} {to}")
            }}
        </p>
        <div class="table-wrap">
            <CardTable class="diff" id="plan-diff">
                <thead>
                    <tr>
                        <th scope="col">{move || lang.t(Key::DiffSection)}</th>
                        <th scope="col">{move || lang.t(Key::DiffItem)}</th>
                        <th scope="col">{move || lang.t(Key::DiffBefore)}</th>
                        <th scope="col">{move || lang.t(Key::DiffAfter)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </CardTable>
        </div>
    }
    .into_any()
}
