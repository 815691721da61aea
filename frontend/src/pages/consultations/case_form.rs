//! `/consultations/cases/new`: a station asks a facility supporting it for advice about a
//! patient. Every keystroke re-checks the request with the shared
//! `CaseInput::validate_from`; a field's messages show once it has been left or sending
//! was tried, next to the server's own field messages.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use shared::consultation::CaseInput;
use shared::referral::{Patient, Sex, Urgency};
use shared::validation::field_messages;

use super::{BASE, case_href, may_request};
use crate::api::{self, IdempotencyKeys, use_api};
use crate::components::form::{
    FieldMessages, InputKind, TextField, merge_messages, messages_at, server_messages,
};
use crate::components::{
    FieldErrors, Loading, ProblemView, enum_options, loaded, specialty_options,
};
use crate::contexts::{use_lang, use_session};
use crate::i18n::{Key, t};

/// The request's fields as typed.
#[derive(Debug, Clone, Default, PartialEq)]
struct RequestForm {
    consulting: String,
    full_name: String,
    birth_date: String,
    birth_year: String,
    sex: String,
    citizen_id: String,
    insurance_number: String,
    address: String,
    summary: String,
    question: String,
    specialty: String,
    urgency: String,
}

fn optional(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// The body the form describes, and what could not be read from it.
fn to_input(form: &RequestForm, lang: shared::Lang) -> (CaseInput, FieldMessages) {
    let mut unreadable = FieldMessages::new();
    let mut missing = |path: &str, key: Key| {
        unreadable.insert(path.to_string(), vec![t(lang, key).to_string()]);
    };
    let consulting = form.consulting.parse::<i64>().unwrap_or_else(|_| {
        missing("consulting_facility_id", Key::ChoiceRequired);
        0
    });
    let sex = form.sex.parse::<Sex>().unwrap_or_else(|_| {
        missing("patient.sex", Key::ChoiceRequired);
        Sex::Male
    });
    let urgency = form.urgency.parse::<Urgency>().unwrap_or_else(|_| {
        missing("urgency", Key::ChoiceRequired);
        Urgency::Routine
    });
    let birth_year = match form.birth_year.trim() {
        "" => None,
        year => year.parse::<i32>().map(Some).unwrap_or_else(|_| {
            missing("patient.birth_year", Key::NotAYear);
            None
        }),
    };
    let input = CaseInput {
        consulting_facility_id: consulting,
        patient: Patient {
            full_name: form.full_name.trim().to_string(),
            birth_date: NaiveDate::parse_from_str(form.birth_date.trim(), "%Y-%m-%d").ok(),
            birth_year,
            sex,
            citizen_id: optional(&form.citizen_id),
            insurance_number: optional(&form.insurance_number),
            insurance_expiry: None,
            address: optional(&form.address),
            ethnicity: None,
            nationality: "Việt Nam".to_string(),
            occupation: None,
            workplace: None,
            contact_phone: None,
        },
        summary: form.summary.trim().to_string(),
        question: form.question.trim().to_string(),
        specialty: optional(&form.specialty),
        urgency,
    };
    (input, unreadable)
}

/// Fields whose messages show next to their inputs.
const INLINE: &[&str] = &[
    "consulting_facility_id",
    "patient.full_name",
    "patient.birth_date",
    "patient.birth_year",
    "patient.sex",
    "patient.citizen_id",
    "patient.insurance_number",
    "patient.address",
    "summary",
    "question",
    "specialty",
    "urgency",
];

/// `/consultations/cases/new`.
#[component]
pub fn NewCasePage() -> impl IntoView {
    let lang = use_lang();
    let may_request = may_request();
    move || {
        if may_request() {
            view! { <RequestFormView /> }.into_any()
        } else {
            view! {
                <section class="page">
                    <p class="breadcrumb">
                        <A href=BASE>{move || lang.t(Key::BackToConsultations)}</A>
                    </p>
                    <div class="notice" role="status">
                        <p>{move || lang.t(Key::CannotRequestConsultation)}</p>
                    </div>
                </section>
            }
            .into_any()
        }
    }
}

#[component]
fn RequestFormView() -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let session = use_session();
    let navigate = use_navigate();
    let my_facility = move || session.me().map(|me| me.facility.id).unwrap_or_default();

    let form = RwSignal::new(RequestForm::default());
    let tried = RwSignal::new(false);
    let touched = RwSignal::new(BTreeSet::<String>::new());
    let input = Memo::new(move |_| form.with(|form| to_input(form, lang.get())));
    let problems = Memo::new(move |_| {
        let from = my_facility();
        input.with(|(input, unreadable)| {
            let mut messages = input
                .validate_from(from)
                .err()
                .map(|errors| field_messages(&errors, lang.get()))
                .unwrap_or_default();
            // "Required" says it better than "must be at least 1".
            messages.extend(unreadable.clone());
            messages
        })
    });

    // One key per body: a retry after a lost answer finds the request already made.
    let idempotency = IdempotencyKeys::<CaseInput>::new();
    let save = Action::new_local(move |body: &CaseInput| {
        let body = body.clone();
        let key = idempotency.for_body(&body);
        async move { api::consultations::create_case(api, &body, &key).await }
    });
    let failure = move || save.value().get().and_then(Result::err);
    let shown = Signal::derive(move || {
        let mut shown: FieldMessages = problems.with(|problems| {
            problems
                .iter()
                .filter(|(path, _)| tried.get() || touched.with(|t| t.contains(*path)))
                .map(|(path, list)| (path.clone(), list.clone()))
                .collect()
        });
        merge_messages(&mut shown, &server_messages(failure().as_ref()));
        shown
    });
    Effect::new(move |_| {
        if let Some(Ok(case)) = save.value().get() {
            navigate(&case_href(case.id), Default::default());
        }
    });
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        tried.set(true);
        if problems.with_untracked(|problems| problems.is_empty()) {
            save.dispatch_local(input.get_untracked().0);
        }
    };

    // The facilities supporting this one: who it asks for advice.
    let mine = LocalResource::new(move || {
        let id = my_facility();
        async move { api::registry::facility(api, id).await }
    });

    let touch = move |path: &'static str| {
        Callback::new(move |()| {
            touched.update(|t| {
                t.insert(path.to_string());
            })
        })
    };
    let text = move |path: &'static str,
                     label: Key,
                     get: fn(&RequestForm) -> String,
                     set: fn(&mut RequestForm, String),
                     kind: InputKind,
                     required: bool| {
        view! {
            <TextField
                id=format!("f-{}", path.replace('.', "-"))
                label
                value=Signal::derive(move || form.with(get))
                on_input=Callback::new(move |value| form.update(|form| set(form, value)))
                on_blur=touch(path)
                messages=messages_at(shown, move || path.to_string())
                kind
                required
            />
        }
    };
    let select_messages = move |path: &'static str| messages_at(shown, move || path.to_string());
    let sex = Signal::derive(move || form.with(|f| f.sex.clone()));
    let urgency = Signal::derive(move || form.with(|f| f.urgency.clone()));
    let specialty = Signal::derive(move || form.with(|f| f.specialty.clone()));

    view! {
        <section class="page case-form">
            <p class="breadcrumb">
                <A href=BASE>{move || lang.t(Key::BackToConsultations)}</A>
            </p>
            <header class="page-header">
                <h1>{move || lang.t(Key::NewCaseRequest)}</h1>
                <p class="muted">{move || lang.t(Key::CaseRequestIntro)}</p>
            </header>
            <form class="slip-form" on:submit=on_submit novalidate=true>
                <fieldset class="form-section">
                    <legend>{move || lang.t(Key::ConsultingFacility)}</legend>
                    <div class="field">
                        <label for="f-consulting_facility_id">
                            {move || lang.t(Key::ConsultingFacility)}
                            <span class="required" aria-hidden="true">" *"</span>
                        </label>
                        <Transition fallback=|| view! { <Loading /> }>
                            {move || Suspend::new(async move {
                                loaded(
                                    mine.await,
                                    move |facility| {
                                        view! {
                                            <select
                                                id="f-consulting_facility_id"
                                                aria-describedby="f-consulting_facility_id-errors"
                                                on:change=move |event| {
                                                    form.update(|f| f.consulting = event_target_value(&event));
                                                    touched.update(|t| {
                                                        t.insert("consulting_facility_id".to_string());
                                                    });
                                                }
                                            >
                                                <option value="">{move || lang.t(Key::ChooseOne)}</option>
                                                {facility
                                                    .supported_by
                                                    .into_iter()
                                                    .map(|supporter| {
                                                        let id = supporter.id.to_string();
                                                        let selected = id.clone();
                                                        view! {
                                                            <option
                                                                value=id
                                                                prop:selected=move || form.with(|f| f.consulting == selected)
                                                            >
                                                                {supporter.name}
                                                            </option>
                                                        }
                                                    })
                                                    .collect_view()}
                                            </select>
                                        }
                                    },
                                )
                            })}
                        </Transition>
                        <FieldErrors
                            id="f-consulting_facility_id-errors"
                            messages=select_messages("consulting_facility_id")
                        />
                    </div>
                </fieldset>
                <fieldset class="form-section">
                    <legend>{move || lang.t(Key::SectionPatient)}</legend>
                    <div class="form-grid">
                        {text(
                            "patient.full_name",
                            Key::FullName,
                            |f| f.full_name.clone(),
                            |f, v| f.full_name = v,
                            InputKind::Text,
                            true,
                        )}
                        <div class="field">
                            <label for="f-patient-sex">
                                {move || lang.t(Key::Sex)}
                                <span class="required" aria-hidden="true">" *"</span>
                            </label>
                            <select
                                id="f-patient-sex"
                                on:change=move |event| {
                                    form.update(|f| f.sex = event_target_value(&event));
                                    touched.update(|t| {
                                        t.insert("patient.sex".to_string());
                                    });
                                }
                            >
                                <option value="" prop:selected=move || sex.with(String::is_empty)>
                                    {move || lang.t(Key::ChooseOne)}
                                </option>
                                {enum_options(Sex::all(), Sex::as_str, sex, lang)}
                            </select>
                            <FieldErrors id="f-patient-sex-errors" messages=select_messages("patient.sex") />
                        </div>
                        {text(
                            "patient.birth_date",
                            Key::BirthDate,
                            |f| f.birth_date.clone(),
                            |f, v| f.birth_date = v,
                            InputKind::Date,
                            false,
                        )}
                        {text(
                            "patient.birth_year",
                            Key::BirthYear,
                            |f| f.birth_year.clone(),
                            |f, v| f.birth_year = v,
                            InputKind::Number,
                            false,
                        )}
                        {text(
                            "patient.citizen_id",
                            Key::CitizenId,
                            |f| f.citizen_id.clone(),
                            |f, v| f.citizen_id = v,
                            InputKind::Text,
                            false,
                        )}
                        {text(
                            "patient.insurance_number",
                            Key::InsuranceNumber,
                            |f| f.insurance_number.clone(),
                            |f, v| f.insurance_number = v,
                            InputKind::Text,
                            false,
                        )}
                        {text(
                            "patient.address",
                            Key::Address,
                            |f| f.address.clone(),
                            |f, v| f.address = v,
                            InputKind::Text,
                            false,
                        )}
                    </div>
                </fieldset>
                <fieldset class="form-section">
                    <legend>{move || lang.t(Key::CaseSummaryLabel)}</legend>
                    {text(
                        "summary",
                        Key::CaseSummaryLabel,
                        |f| f.summary.clone(),
                        |f, v| f.summary = v,
                        InputKind::Multiline,
                        true,
                    )}
                    <p class="field-hint">{move || lang.t(Key::CaseSummaryHint)}</p>
                    {text(
                        "question",
                        Key::CaseQuestion,
                        |f| f.question.clone(),
                        |f, v| f.question = v,
                        InputKind::Multiline,
                        true,
                    )}
                    <div class="form-grid">
                        <div class="field">
                            <label for="f-specialty">{move || lang.t(Key::Specialty)}</label>
                            <select
                                id="f-specialty"
                                on:change=move |event| form.update(|f| f.specialty = event_target_value(&event))
                            >
                                <option value="" prop:selected=move || specialty.with(String::is_empty)>
                                    {move || lang.t(Key::AnySpecialty)}
                                </option>
                                {specialty_options(specialty, lang)}
                            </select>
                            <FieldErrors id="f-specialty-errors" messages=select_messages("specialty") />
                        </div>
                        <div class="field">
                            <label for="f-urgency">
                                {move || lang.t(Key::Urgency)}
                                <span class="required" aria-hidden="true">" *"</span>
                            </label>
                            <select
                                id="f-urgency"
                                on:change=move |event| {
                                    form.update(|f| f.urgency = event_target_value(&event));
                                    touched.update(|t| {
                                        t.insert("urgency".to_string());
                                    });
                                }
                            >
                                <option value="" prop:selected=move || urgency.with(String::is_empty)>
                                    {move || lang.t(Key::ChooseOne)}
                                </option>
                                {enum_options(Urgency::all(), Urgency::as_str, urgency, lang)}
                            </select>
                            <FieldErrors id="f-urgency-errors" messages=select_messages("urgency") />
                        </div>
                    </div>
                </fieldset>
                {move || failure().map(|error| view! { <ProblemView error inline_fields=INLINE /> })}
                <div class="form-actions">
                    <button
                        type="submit"
                        id="send-request"
                        class="button primary"
                        disabled=move || save.pending().get()
                    >
                        {move || {
                            if save.pending().get() { lang.t(Key::Saving) } else { lang.t(Key::SendRequest) }
                        }}
                    </button>
                </div>
            </form>
        </section>
    }
}
