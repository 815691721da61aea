//! The readiness checklist (điều kiện triển khai): the five things the receiving facility
//! must have before it performs the technique, each with its state, its evidence and who
//! confirmed it on which side; an item not ready stands out, and those who may confirm
//! set each one in place.

use leptos::prelude::*;
use shared::Labelled;
use shared::transfer::{
    Agreement, AgreementAction, ReadinessInput, ReadinessItem, ReadinessKind, ReadinessState,
};

use super::{Stepper, optional};
use crate::api::transfers::AgreementStep;
use crate::components::{ProblemView, enum_options};
use crate::contexts::use_lang;
use crate::i18n::{Key, format_datetime};

/// The checklist (`#readiness`), one card per item (`#readiness-{kind}`).
#[component]
pub(super) fn ReadinessSection(
    agreement: Agreement,
    current: RwSignal<Option<Agreement>>,
) -> impl IntoView {
    let lang = use_lang();
    let editable = agreement
        .allowed_actions
        .contains(&AgreementAction::ConfirmReadiness);
    let unready = agreement.unready().len();
    // One card per kind, in the checklist's order, whatever order the items came in.
    let cards = ReadinessKind::all()
        .iter()
        .map(|kind| {
            let item = agreement
                .readiness
                .iter()
                .find(|item| item.kind == *kind)
                .cloned()
                .unwrap_or(ReadinessItem {
                    kind: *kind,
                    state: ReadinessState::Pending,
                    evidence: None,
                    confirmed_by: None,
                    confirmed_side: None,
                    confirmed_at: None,
                });
            view! { <ReadinessCard item editable current /> }
        })
        .collect_view();
    view! {
        <section class="agreement-readiness" id="readiness" data-unready=unready.to_string()>
            <h2>{move || lang.t(Key::Readiness)}</h2>
            <p class="muted small" id="readiness-summary">
                {move || lang.t(Key::UnreadyItems)} ": " {unready} "/" {ReadinessKind::all().len()}
            </p>
            <div class="readiness-items">{cards}</div>
        </section>
    }
}

/// One item: where it stands, its evidence, who confirmed it; the state and evidence to
/// confirm when the reader may.
#[component]
fn ReadinessCard(
    item: ReadinessItem,
    editable: bool,
    current: RwSignal<Option<Agreement>>,
) -> impl IntoView {
    let lang = use_lang();
    let kind = item.kind;
    let code = kind.as_str();
    let state = item.state;
    let class = match state {
        ReadinessState::Ready => "readiness-item ready",
        ReadinessState::NotReady => "readiness-item not-ready",
        ReadinessState::Pending => "readiness-item pending",
    };
    let badge = match state {
        ReadinessState::Ready => "badge ok",
        ReadinessState::NotReady => "badge overdue",
        ReadinessState::Pending => "badge note",
    };
    let confirmed = item.confirmed_by.clone().map(|by| {
        let side = item.confirmed_side;
        let at = item.confirmed_at;
        view! {
            <p class="muted small confirmed" id=format!("readiness-{code}-confirmed")>
                {move || lang.t(Key::ConfirmedBy)} ": " {by}
                {move || side.map(|side| format!(" · {}", side.label(lang.get())))}
                {move || at.map(|at| format!(" · {}", format_datetime(lang.get(), at)))}
            </p>
        }
    });
    let form = editable.then(|| {
        let stepper = Stepper::new(current);
        let chosen = RwSignal::new(state.as_str().to_string());
        let evidence = RwSignal::new(item.evidence.clone().unwrap_or_default());
        let state_id = format!("readiness-{code}-state");
        let evidence_id = format!("readiness-{code}-evidence");
        let confirm = move |_| {
            let state = chosen
                .get_untracked()
                .parse()
                .unwrap_or(ReadinessState::Pending);
            stepper.send(AgreementStep::Readiness(ReadinessInput {
                kind,
                state,
                evidence: optional(&evidence.get_untracked()),
            }));
        };
        view! {
            <div class="readiness-form">
                <div class="field">
                    <label for=state_id.clone()>{move || lang.t(Key::Status)}</label>
                    <select id=state_id.clone() on:change=move |event| chosen.set(event_target_value(&event))>
                        {enum_options(ReadinessState::all(), ReadinessState::as_str, chosen.into(), lang)}
                    </select>
                </div>
                <div class="field">
                    <label for=evidence_id.clone()>{move || lang.t(Key::Evidence)}</label>
                    <textarea
                        id=evidence_id.clone()
                        rows=2
                        prop:value=move || evidence.get()
                        on:input=move |event| evidence.set(event_target_value(&event))
                    ></textarea>
                </div>
                {move || stepper.failure().map(|error| view! { <ProblemView error /> })}
                <button
                    type="button"
                    class="button primary small"
                    id=format!("readiness-{code}-confirm")
                    disabled=move || stepper.pending().get()
                    on:click=confirm
                >
                    {move || AgreementAction::ConfirmReadiness.label(lang.get())}
                </button>
            </div>
        }
    });
    view! {
        <article class=class id=format!("readiness-{code}") data-state=state.as_str()>
            <h3>
                {move || kind.label(lang.get())}
                " "
                <span class=badge>{move || state.label(lang.get())}</span>
            </h3>
            {item.evidence.clone().map(|text| view! { <p class="evidence">{text}</p> })}
            {confirmed}
            {form}
        </article>
    }
}
