//! What the referral says: patient, clinical summary, transport, signatures, outcome,
//! links and follow-ups.

use chrono::Utc;
use leptos::prelude::*;
use shared::Labelled;
use shared::referral::Referral;
use shared::registry::specialty_label;
use shared::time::vietnam_date;

use super::lists::{DiagnosisList, FollowUpList, LinkList};
use crate::contexts::use_lang;
use crate::i18n::{Key, format_date, format_datetime, t};
use crate::pages::referrals::Fact;

/// Patient, clinical summary, transport, signatures, outcome, links and follow-ups.
#[component]
pub(super) fn ReferralBody(referral: Referral) -> impl IntoView {
    let lang = use_lang();
    let patient = referral.patient.clone().map(|patient| {
        let sex = patient.sex;
        let today = vietnam_date(Utc::now());
        let age = patient.age_on(today);
        let born = match (patient.birth_date, patient.birth_year) {
            (Some(date), _) => Some(date.to_string()),
            (None, Some(year)) => Some(year.to_string()),
            _ => None,
        };
        let birth_date = patient.birth_date;
        let insurance = patient.insurance_number.clone().map(|number| {
            let expiry = patient.insurance_expiry;
            (number, expiry)
        });
        view! {
            <section class="panel">
                <h2>{move || lang.t(Key::Patient)}</h2>
                <dl class="facts" id="patient-facts">
                    <Fact label=Key::FullName value=patient.full_name.clone() />
                    <div>
                        <dt>{move || lang.t(Key::Sex)}</dt>
                        <dd>{move || sex.label(lang.get())}</dd>
                    </div>
                    <div>
                        <dt>{move || lang.t(Key::BirthDate)}</dt>
                        <dd>
                            {move || {
                                let lang = lang.get();
                                let born = match birth_date {
                                    Some(date) => Some(format_date(lang, date)),
                                    None => born.clone(),
                                };
                                match (born, age) {
                                    (Some(born), Some(age)) => {
                                        format!("{born} ({age} {})", t(lang, Key::Age))
                                    }
                                    (Some(born), None) => born,
                                    _ => "—".to_string(),
                                }
                            }}
                        </dd>
                    </div>
                    <Fact label=Key::CitizenId value=patient.citizen_id.clone().unwrap_or_default() />
                    <div>
                        <dt>{move || lang.t(Key::InsuranceNumber)}</dt>
                        <dd>
                            {move || match &insurance {
                                Some((number, Some(expiry))) => {
                                    let lang = lang.get();
                                    format!(
                                        "{number} ({} {})",
                                        t(lang, Key::ValidUntil),
                                        format_date(lang, *expiry),
                                    )
                                }
                                Some((number, None)) => number.clone(),
                                None => "—".to_string(),
                            }}
                        </dd>
                    </div>
                    <Fact label=Key::Address value=patient.address.clone().unwrap_or_default() />
                    <Fact label=Key::Ethnicity value=patient.ethnicity.clone().unwrap_or_default() />
                    <Fact label=Key::Nationality value=patient.nationality.clone() />
                    <Fact label=Key::Occupation value=patient.occupation.clone().unwrap_or_default() />
                    <Fact label=Key::Workplace value=patient.workplace.clone().unwrap_or_default() />
                    <Fact
                        label=Key::ContactPhone
                        value=patient.contact_phone.clone().unwrap_or_default()
                    />
                </dl>
            </section>
        }
    });
    let hidden = referral.patient.is_none().then(|| {
        view! {
            <div class="notice" role="status" id="patient-hidden">
                <p>
                    {move || lang.t(Key::PatientHidden)} " (" {referral.patient_initials.clone()}
                    ")"
                </p>
            </div>
        }
    });
    let clinical = referral.clinical.clone().map(|clinical| {
        let diagnoses = clinical.diagnoses.clone();
        let prior = clinical.previously_treated_at.clone();
        view! {
            <section class="panel">
                <h2>{move || lang.t(Key::SectionClinical)}</h2>
                <dl class="facts facts-wide">
                    {clinical
                        .specialty
                        .clone()
                        .map(|code| {
                            view! {
                                <div>
                                    <dt>{move || lang.t(Key::RequestedSpecialty)}</dt>
                                    <dd id="referral-specialty">
                                        {move || specialty_label(&code, lang.get()).to_string()}
                                    </dd>
                                </div>
                            }
                        })}
                    <Fact label=Key::Signs value=clinical.signs.clone() />
                    <Fact label=Key::TestsSummary value=clinical.tests_summary.clone().unwrap_or_default() />
                    <div>
                        <dt>{move || lang.t(Key::Diagnoses)}</dt>
                        <dd>
                            <DiagnosisList diagnoses />
                        </dd>
                    </div>
                    <Fact
                        label=Key::TreatmentGiven
                        value=clinical.treatment_given.clone().unwrap_or_default()
                    />
                    <Fact label=Key::ConditionAtTransfer value=clinical.condition_at_transfer.clone() />
                    <Fact
                        label=Key::TreatmentDirection
                        value=clinical.treatment_direction.clone().unwrap_or_default()
                    />
                    {(!prior.is_empty())
                        .then(|| {
                            let prior = prior
                                .into_iter()
                                .map(|stay| {
                                    let from = stay.from_date;
                                    let to = stay.to_date;
                                    view! {
                                        <li>
                                            {stay.facility_name} " "
                                            {move || {
                                                let lang = lang.get();
                                                match (from, to) {
                                                    (Some(from), Some(to)) => {
                                                        format!("({} – {})", format_date(lang, from), format_date(lang, to))
                                                    }
                                                    (Some(from), None) => format!("({} –)", format_date(lang, from)),
                                                    _ => String::new(),
                                                }
                                            }}
                                        </li>
                                    }
                                })
                                .collect_view();
                            view! {
                                <div>
                                    <dt>{move || lang.t(Key::PreviouslyTreated)}</dt>
                                    <dd>
                                        <ul class="plain-list">{prior}</ul>
                                    </dd>
                                </div>
                            }
                        })}
                </dl>
            </section>
        }
    });
    let reason = referral.reason;
    let means = referral.transport.means;
    let escort = [
        referral.transport.escort_name.clone(),
        referral.transport.escort_title.clone(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ");
    let emergency_centre = referral.transport.emergency_centre_requested;
    let signer = |signatory: &Option<shared::referral::Signatory>| {
        signatory
            .as_ref()
            .map(|s| match &s.title {
                Some(title) => format!("{}, {title}", s.full_name),
                None => s.full_name.clone(),
            })
            .unwrap_or_default()
    };
    let times = [
        (Key::CreatedAt, Some(referral.created_at)),
        (Key::SentAt, referral.sent_at),
        (Key::AnsweredAt, referral.answered_at),
        (Key::ArrivedAtLabel, referral.arrived_at),
        (Key::ClosedAt, referral.closed_at),
    ];
    let times = times
        .into_iter()
        .filter_map(|(key, at)| at.map(|at| (key, at)))
        .map(|(key, at)| {
            view! {
                <div>
                    <dt>{move || lang.t(key)}</dt>
                    <dd>{move || format_datetime(lang.get(), at)}</dd>
                </div>
            }
        })
        .collect_view();
    let outcome = referral.outcome.map(|outcome| {
        let summary = referral.discharge_summary.clone();
        let diagnoses = referral.discharge_diagnoses.clone();
        view! {
            <section class="panel">
                <h2>{move || lang.t(Key::Outcome)}</h2>
                <dl class="facts facts-wide">
                    <div>
                        <dt>{move || lang.t(Key::Outcome)}</dt>
                        <dd id="outcome">{move || outcome.label(lang.get())}</dd>
                    </div>
                    {summary
                        .map(|summary| view! { <Fact label=Key::DischargeSummary value=summary /> })}
                    {(!diagnoses.is_empty())
                        .then(|| {
                            view! {
                                <div>
                                    <dt>{move || lang.t(Key::DischargeDiagnoses)}</dt>
                                    <dd>
                                        <DiagnosisList diagnoses />
                                    </dd>
                                </div>
                            }
                        })}
                </dl>
            </section>
        }
    });
    let links = (referral.origin.is_some() || !referral.successors.is_empty()).then(|| {
        view! {
            <section class="panel">
                {referral
                    .origin
                    .clone()
                    .map(|origin| {
                        view! {
                            <h2>{move || lang.t(Key::Origin)}</h2>
                            <LinkList links=vec![origin] />
                        }
                    })}
                {(!referral.successors.is_empty())
                    .then(|| {
                        view! {
                            <h2>{move || lang.t(Key::Successors)}</h2>
                            <LinkList links=referral.successors.clone() />
                        }
                    })}
            </section>
        }
    });
    let follow_ups = (!referral.follow_ups.is_empty()).then(|| {
        view! {
            <section class="panel">
                <h2>{move || lang.t(Key::FollowUpPlan)}</h2>
                <FollowUpList items=referral.follow_ups.clone() />
            </section>
        }
    });

    view! {
        {referral
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
        {outcome}
        {hidden}
        {patient}
        {clinical}
        <section class="panel">
            <h2>{move || lang.t(Key::SectionReason)}</h2>
            <dl class="facts">
                <div>
                    <dt>{move || lang.t(Key::Reason)}</dt>
                    <dd>{move || format!("{}. {}", reason.number(), reason.label(lang.get()))}</dd>
                </div>
                <Fact label=Key::ReasonText value=referral.reason_text.clone().unwrap_or_default() />
                <div>
                    <dt>{move || lang.t(Key::TransportMeans)}</dt>
                    <dd>
                        {move || means.map(|means| means.label(lang.get())).unwrap_or("—")}
                    </dd>
                </div>
                <Fact label=Key::EscortName value=escort />
                <div>
                    <dt>{move || lang.t(Key::EmergencyCentre)}</dt>
                    <dd>{move || lang.t(if emergency_centre { Key::Yes } else { Key::No })}</dd>
                </div>
                <Fact label=Key::Signatory value=signer(&referral.signed_by) />
                <Fact label=Key::Physician value=signer(&referral.physician) />
                <Fact label=Key::CreatedBy value=referral.created_by.clone() />
                {times}
            </dl>
            {(!referral.attachments.is_empty())
                .then(|| {
                    view! {
                        <h3>{move || lang.t(Key::Attachments)}</h3>
                        <ul class="plain-list">
                            {referral
                                .attachments
                                .iter()
                                .map(|name| view! { <li>{name.clone()}</li> })
                                .collect_view()}
                        </ul>
                    }
                })}
        </section>
        {links}
        {follow_ups}
    }
}
