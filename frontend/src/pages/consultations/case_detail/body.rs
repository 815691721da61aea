//! What a case says: the patient and the question, the conclusion with the referral
//! draft it opened, and the outcome reported back.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::Labelled;
use shared::consultation::ConsultationCase;

use crate::components::Fact;
use crate::contexts::{use_lang, use_session};
use crate::i18n::{Key, format_date, format_datetime};

/// The patient and the question, the conclusion, the referral it opened, the outcome.
#[component]
pub(super) fn CaseBody(case: ConsultationCase) -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let requester = session
        .me()
        .is_some_and(|me| me.facility.id == case.requesting_facility.id);
    let patient = case.patient.clone().map(|patient| {
        let born = patient.birth_date;
        let year = patient.birth_year;
        let sex = patient.sex;
        view! {
            <section class="panel">
                <h2>{move || lang.t(Key::SectionPatient)}</h2>
                <dl class="facts">
                    <Fact label=Key::FullName value=patient.full_name.clone() />
                    <div>
                        <dt>{move || lang.t(Key::BirthDate)}</dt>
                        <dd>
                            {move || {
                                let lang = lang.get();
                                born.map(|day| format_date(lang, day))
                                    .or_else(|| year.map(|y| y.to_string()))
                                    .unwrap_or_else(|| "—".to_string())
                            }}
                        </dd>
                    </div>
                    <div>
                        <dt>{move || lang.t(Key::Sex)}</dt>
                        <dd>{move || sex.label(lang.get())}</dd>
                    </div>
                    <Fact label=Key::CitizenId value=patient.citizen_id.clone().unwrap_or_default() />
                    <Fact
                        label=Key::InsuranceNumber
                        value=patient.insurance_number.clone().unwrap_or_default()
                    />
                    <Fact label=Key::Address value=patient.address.clone().unwrap_or_default() />
                </dl>
            </section>
        }
    });
    let hidden = case.patient.is_none().then(|| {
        view! {
            <div class="notice" role="status" id="patient-hidden">
                <p>
                    {move || lang.t(Key::PatientHiddenCase)} " (" {case.patient_initials.clone()} ")"
                </p>
            </div>
        }
    });
    let clinical = (case.summary.is_some() || case.question.is_some()).then(|| {
        view! {
            <section class="panel">
                <h2>{move || lang.t(Key::CaseSummaryLabel)}</h2>
                <dl class="facts facts-wide">
                    <Fact label=Key::CaseSummaryLabel value=case.summary.clone().unwrap_or_default() />
                    <Fact label=Key::CaseQuestion value=case.question.clone().unwrap_or_default() />
                </dl>
            </section>
        }
    });
    let conclusion = case.conclusion.map(|conclusion| {
        let at = case.concluded_at;
        let referral = case.referral.clone().map(|referral| {
            let status = referral.status;
            // A draft stays with the facility that sends it; others see that it exists.
            let link = requester.then(|| {
                view! {
                    <A href=format!("/referrals/{}", referral.id) attr:class="button primary small" attr:id="open-referral">
                        {move || lang.t(Key::OpenReferralDraft)}
                    </A>
                }
            });
            view! {
                <div class="referral-opened" id="case-referral">
                    <p>{move || lang.t(Key::ReferralDraftOpened)}</p>
                    <p>
                        <code>{referral.slip_number.clone()}</code>
                        " "
                        <span class="badge note">{move || status.label(lang.get())}</span>
                        " "
                        {link}
                    </p>
                </div>
            }
        });
        view! {
            <section class="panel">
                <h2>{move || lang.t(Key::ConclusionLabel)}</h2>
                <p>
                    <strong id="conclusion" data-conclusion=conclusion.as_str()>
                        {move || conclusion.label(lang.get())}
                    </strong>
                    {case
                        .referral_avoided
                        .then(|| {
                            view! {
                                " "
                                <span class="badge ok" id="referral-avoided">
                                    {move || lang.t(Key::ReferralAvoided)}
                                </span>
                            }
                        })}
                </p>
                <dl class="facts facts-wide">
                    {case
                        .conclusion_note
                        .clone()
                        .map(|note| view! { <Fact label=Key::ConsultantsAdvice value=note /> })}
                    <div>
                        <dt>{move || lang.t(Key::ConcludedBy)}</dt>
                        <dd>
                            {case.concluded_by.clone().unwrap_or_default()} " · "
                            {move || at.map(|at| format_datetime(lang.get(), at)).unwrap_or_default()}
                        </dd>
                    </div>
                </dl>
                {referral}
            </section>
        }
    });
    let outcome = case.outcome.clone().map(|outcome| {
        let at = case.outcome_at;
        view! {
            <section class="panel">
                <h2>{move || lang.t(Key::OutcomeReport)}</h2>
                <p id="case-outcome">{outcome}</p>
                <p class="muted small">
                    {move || at.map(|at| format_datetime(lang.get(), at)).unwrap_or_default()}
                </p>
            </section>
        }
    });
    let created = case.created_at;
    view! {
        {case
            .status_reason
            .clone()
            .map(|text| {
                view! {
                    <div class="alert alert-info" role="status">
                        <p class="alert-title">{move || lang.t(Key::StatusReason)}</p>
                        <p>{text}</p>
                    </div>
                }
            })}
        {conclusion}
        {outcome}
        {hidden}
        {patient}
        {clinical}
        <p class="muted small">
            {move || lang.t(Key::CreatedBy)} ": " {case.created_by.clone()} " · "
            {move || format_datetime(lang.get(), created)}
        </p>
    }
}
