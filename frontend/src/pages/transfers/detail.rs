//! `/transfers/:id`: one agreement — where it stands and the steps the reader may take
//! (sign, start training, check readiness, sign off, close, suspend with a reason,
//! resume), both sides' signatures, the techniques with their status at the receiving
//! facility, then the trainees, the sessions, the readiness checklist and the reviews.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::Labelled;
use shared::transfer::{
    Agreement, AgreementAction, AgreementParty, SignOffInput, Signature, SuspendInput,
};

use super::readiness::ReadinessSection;
use super::reviews::{RetentionSummary, ReviewsSection};
use super::sessions::SessionsSection;
use super::trainees::TraineesSection;
use super::{AgreementStatusBadge, BASE, Stepper, agreement_href, person};
use crate::api::transfers::AgreementStep;
use crate::api::{self, use_api};
use crate::components::{
    ActionBar, ActionDialog, InvalidId, Loading, ProblemView, loaded, use_id_param,
};
use crate::contexts::use_lang;
use crate::i18n::{Key, format_date, format_datetime};

/// `/transfers/:id`.
#[component]
pub fn AgreementPage() -> impl IntoView {
    let id = use_id_param();
    move || match id.get() {
        Some(id) => view! { <AgreementDetail id /> }.into_any(),
        None => view! { <InvalidId back=BASE back_label=Key::BackToTransfers /> }.into_any(),
    }
}

/// The agreement as last answered by the server: every step answers the whole
/// agreement (its new version), which replaces it here.
#[component]
fn AgreementDetail(id: i64) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let read = LocalResource::new(move || api::transfers::agreement(api, id));
    let current = RwSignal::new(None::<Agreement>);
    Effect::new(move |_| {
        if let Some(Ok(agreement)) = read.get() {
            current.set(Some(agreement));
        }
    });
    let body = move || {
        current.get().map(|agreement| {
            view! {
                <AgreementHeader agreement=agreement.clone() />
                <AgreementSteps agreement=agreement.clone() current />
                <Signatures agreement=agreement.clone() />
                <TechniquesSection agreement=agreement.clone() />
                <TraineesSection agreement=agreement.clone() current />
                <SessionsSection agreement=agreement.clone() current />
                <ReadinessSection agreement=agreement.clone() current />
                <ReviewsSection agreement=agreement.clone() current />
                <RetentionSummary agreement />
            }
        })
    };
    view! {
        <section class="page transfer-agreement">
            <p class="breadcrumb">
                <A href=BASE>{move || lang.t(Key::BackToTransfers)}</A>
            </p>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move { loaded(read.await, move |_| body) })}
            </Transition>
        </section>
    }
}

/// Title, the two sides, status, dates, the people responsible and the note.
#[component]
fn AgreementHeader(agreement: Agreement) -> impl IntoView {
    let lang = use_lang();
    let party = agreement.party;
    let starts = agreement.starts_on;
    let ends = agreement.ends_on;
    let signed_off = agreement.signed_off_on;
    let reason = agreement.status_reason.clone().map(|reason| {
        view! {
            <p class="alert alert-warning" id="suspension-reason">
                {move || lang.t(Key::SuspendedBecause)} ": " {reason}
            </p>
        }
    });
    view! {
        <header class="page-header agreement-header">
            <h1 id="agreement-title">{agreement.title.clone()}</h1>
            <p class="route">
                <span id="giving-facility">{agreement.giving_facility.name.clone()}</span>
                <span aria-hidden="true">" → "</span>
                <strong id="receiving-facility">{agreement.receiving_facility.name.clone()}</strong>
            </p>
            <p class="badges">
                <AgreementStatusBadge status=agreement.status id="agreement-status" />
                <span class="badge note" id="agreement-party" data-party=party.as_str()>
                    {move || party.label(lang.get())}
                </span>
            </p>
            {reason}
            <dl class="facts">
                <div>
                    <dt>{move || lang.t(Key::StartsOn)}</dt>
                    <dd>{move || format_date(lang.get(), starts)}</dd>
                </div>
                <div>
                    <dt>{move || lang.t(Key::EndsOn)}</dt>
                    <dd>{move || ends.map(|d| format_date(lang.get(), d)).unwrap_or_else(|| "—".into())}</dd>
                </div>
                <div>
                    <dt>{move || lang.t(Key::GivingLead)}</dt>
                    <dd>{person(agreement.giving_lead.title.as_deref(), &agreement.giving_lead.full_name)}</dd>
                </div>
                <div>
                    <dt>{move || lang.t(Key::ReceivingLead)}</dt>
                    <dd>{person(agreement.receiving_lead.title.as_deref(), &agreement.receiving_lead.full_name)}</dd>
                </div>
                {signed_off.map(|day| view! {
                    <div>
                        <dt>{move || lang.t(Key::SignedOffOn)}</dt>
                        <dd id="signed-off-on">{move || format_date(lang.get(), day)}</dd>
                    </div>
                })}
            </dl>
            {agreement.note.clone().map(|note| view! { <p class="agreement-note">{note}</p> })}
        </header>
    }
}

/// The workflow steps the reader may take, each with its dialog; editing the draft is a
/// link to its form.
#[component]
fn AgreementSteps(agreement: Agreement, current: RwSignal<Option<Agreement>>) -> impl IntoView {
    let lang = use_lang();
    let open = RwSignal::new(None::<AgreementAction>);
    let steps: Vec<AgreementAction> = agreement
        .allowed_actions
        .iter()
        .copied()
        .filter(|action| {
            use AgreementAction as A;
            matches!(
                action,
                A::Sign
                    | A::StartTraining
                    | A::CheckReadiness
                    | A::SignOff
                    | A::Close
                    | A::Suspend
                    | A::Resume
            )
        })
        .collect();
    let class = |action: AgreementAction| match action {
        AgreementAction::Suspend => "button danger",
        AgreementAction::Close => "button secondary",
        _ => "button primary",
    };
    let edit = agreement
        .allowed_actions
        .contains(&AgreementAction::Edit)
        .then(|| {
            view! {
                <p class="page-actions">
                    <A href=format!("{}/edit", agreement_href(agreement.id)) attr:class="button secondary" attr:id="edit-agreement">
                        {move || AgreementAction::Edit.label(lang.get())}
                    </A>
                </p>
            }
        });
    view! {
        <section class="agreement-steps" id="agreement-steps">
            {edit}
            <ActionBar
                actions=steps
                open
                code=AgreementAction::as_str
                class
                dialog=move |action| view! { <StepDialog action agreement=agreement.clone() open current /> }
            />
        </section>
    }
}

/// The dialog of one step: the reason to suspend; on the transferring side's sign-off,
/// the trainees it certifies; a confirmation for the others.
#[component]
fn StepDialog(
    action: AgreementAction,
    agreement: Agreement,
    open: RwSignal<Option<AgreementAction>>,
    current: RwSignal<Option<Agreement>>,
) -> impl IntoView {
    let lang = use_lang();
    let stepper = Stepper::new(current);
    let reason = RwSignal::new(String::new());
    let certified = RwSignal::new(Vec::<i64>::new());
    let certifies = action == AgreementAction::SignOff && agreement.party == AgreementParty::Giving;
    let on_confirm = Callback::new(move |()| {
        let step = match action {
            AgreementAction::Sign => AgreementStep::Sign,
            AgreementAction::StartTraining => AgreementStep::StartTraining,
            AgreementAction::CheckReadiness => AgreementStep::CheckReadiness,
            AgreementAction::Close => AgreementStep::Close,
            AgreementAction::Resume => AgreementStep::Resume,
            AgreementAction::Suspend => AgreementStep::Suspend(SuspendInput {
                reason: reason.get_untracked().trim().to_string(),
            }),
            _ => AgreementStep::SignOff(SignOffInput {
                certified: if certifies {
                    certified.get_untracked()
                } else {
                    Vec::new()
                },
            }),
        };
        stepper.send(step);
    });
    let fields = match action {
        AgreementAction::Suspend => Some(
            view! {
                <div class="field">
                    <label for="suspend-reason">{move || lang.t(Key::ReasonRequired)}</label>
                    <textarea
                        id="suspend-reason"
                        rows=3
                        prop:value=move || reason.get()
                        on:input=move |event| reason.set(event_target_value(&event))
                    ></textarea>
                </div>
            }
            .into_any(),
        ),
        AgreementAction::SignOff if certifies => {
            let choices = agreement
                .trainees
                .iter()
                .map(|trainee| {
                    let staff_id = trainee.staff_id;
                    let id = format!("certify-{staff_id}");
                    let label_for = id.clone();
                    view! {
                        <label class="checkbox" for=label_for>
                            <input
                                type="checkbox"
                                id=id
                                prop:checked=move || certified.with(|ids| ids.contains(&staff_id))
                                on:change=move |event| {
                                    let on = event_target_checked(&event);
                                    certified.update(|ids| {
                                        ids.retain(|id| *id != staff_id);
                                        if on {
                                            ids.push(staff_id);
                                        }
                                    });
                                }
                            />
                            {person(trainee.title.as_deref(), &trainee.full_name)}
                            {trainee.departure.is_some().then(|| view! {
                                " " <span class="badge overdue">{move || lang.t(Key::Left)}</span>
                            })}
                        </label>
                    }
                })
                .collect_view();
            Some(
                view! {
                    <fieldset class="form-section" id="sign-off">
                        <legend>{move || lang.t(Key::CertifyTrainees)}</legend>
                        <div class="participant-list">{choices}</div>
                    </fieldset>
                }
                .into_any(),
            )
        }
        AgreementAction::SignOff => Some(
            view! {
                <p class="muted" id="sign-off">{move || lang.t(Key::SignOffReceivingHint)}</p>
            }
            .into_any(),
        ),
        _ => None,
    };
    let problem = move || {
        stepper
            .failure()
            .map(|error| view! { <ProblemView error /> })
    };
    Effect::new(move |_| {
        if let Some(Ok(_)) = stepper.run.value().get() {
            open.set(None);
        }
    });
    view! {
        <ActionDialog
            code=action.as_str()
            title=Signal::derive(move || action.label(lang.get()).to_string())
            pending=stepper.pending()
            on_confirm
            on_close=Callback::new(move |()| open.set(None))
            problem=problem
        >
            {fields}
        </ActionDialog>
    }
}

/// Both sides' signatures: of the agreement, then of the acceptance.
#[component]
fn Signatures(agreement: Agreement) -> impl IntoView {
    let lang = use_lang();
    let signatures = agreement.signatures.clone();
    let cell = move |id: &'static str, signature: Option<Signature>| match signature {
        Some(signature) => {
            let at = signature.at;
            view! {
                <td id=id data-signed="true">
                    <span class="badge ok">{move || lang.t(Key::SignedMark)}</span>
                    " " {signature.by}
                    <span class="muted block small">{move || format_datetime(lang.get(), at)}</span>
                </td>
            }
            .into_any()
        }
        None => view! {
            <td id=id data-signed="false">
                <span class="muted">{move || lang.t(Key::NotSignedYet)}</span>
            </td>
        }
        .into_any(),
    };
    view! {
        <section class="agreement-signatures" id="signatures">
            <h2>{move || lang.t(Key::Signatures)}</h2>
            <div class="table-wrap">
                <table class="data signatures">
                    <thead>
                        <tr>
                            <th scope="col"></th>
                            <th scope="col">{move || lang.t(Key::AgreementSigned)}</th>
                            <th scope="col">{move || lang.t(Key::AcceptanceSigned)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        <tr>
                            <th scope="row">
                                {move || AgreementParty::Giving.label(lang.get())}
                                <span class="muted block small">{agreement.giving_facility.name.clone()}</span>
                            </th>
                            {cell("signed-giving", signatures.giving_signed.clone())}
                            {cell("signed-off-giving", signatures.giving_signed_off.clone())}
                        </tr>
                        <tr>
                            <th scope="row">
                                {move || AgreementParty::Receiving.label(lang.get())}
                                <span class="muted block small">{agreement.receiving_facility.name.clone()}</span>
                            </th>
                            {cell("signed-receiving", signatures.receiving_signed.clone())}
                            {cell("signed-off-receiving", signatures.receiving_signed_off.clone())}
                        </tr>
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// The techniques transferred, each with where it stands at the receiving facility.
#[component]
fn TechniquesSection(agreement: Agreement) -> impl IntoView {
    let lang = use_lang();
    let items = agreement
        .techniques
        .into_iter()
        .map(|technique| {
            let status = technique.status_at_receiver;
            let badge = match status {
                Some(status) => {
                    let class = if status.counts() {
                        "badge ok"
                    } else {
                        "badge off"
                    };
                    view! {
                        <span class=class data-status=status.as_str()>
                            {move || status.label(lang.get())}
                        </span>
                    }
                    .into_any()
                }
                None => view! {
                    <span class="badge off" data-status="none">
                        {move || lang.t(Key::NotAtReceiver)}
                    </span>
                }
                .into_any(),
            };
            view! {
                <li data-technique=technique.code.clone()>
                    <strong>{technique.name}</strong>
                    " "
                    {badge}
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="agreement-techniques">
            <h2>{move || lang.t(Key::Techniques)}</h2>
            <p class="muted small">{move || lang.t(Key::StatusAtReceiver)}</p>
            <ul class="plain-list" id="agreement-techniques">{items}</ul>
        </section>
    }
}
