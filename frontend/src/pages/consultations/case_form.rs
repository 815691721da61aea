//! `/consultations/cases/new`: a station asks a facility supporting it for advice about a
//! patient. Every keystroke re-checks the request with the shared
//! `CaseInput::validate_from`; a field's messages show once it has been left or sending
//! was tried, next to the server's own field messages.

use chrono::NaiveDate;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use shared::consultation::CaseInput;
use shared::referral::{Patient, Sex, Urgency};
use shared::registry::Facility;

use super::{AllowedOr, BASE, case_href, may_request};
use crate::api::{self, IdempotencyKeys, use_api};
use crate::components::ProblemView;
use crate::components::filters::bind;
use crate::components::form::{
    CheckedSend, ChoiceField, FieldMessages, FormSection, FormText, InputKind, SelectField,
    SpecialtyField, SubmitButton, field_id, rule_messages,
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
    view! {
        <AllowedOr allowed=may_request() refusal=Key::CannotRequestConsultation>
            <RequestFormView />
        </AllowedOr>
    }
}

/// The request form of a station's planner.
#[component]
fn RequestFormView() -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let session = use_session();
    let navigate = use_navigate();
    let my_facility = move || session.me().map(|me| me.facility.id).unwrap_or_default();

    let fields = RwSignal::new(RequestForm::default());
    let input = Memo::new(move |_| fields.with(|fields| to_input(fields, lang.get())));
    let problems = Memo::new(move |_| {
        let lang = lang.get();
        input.with(|(input, unreadable)| {
            let mut messages = rule_messages(input.validate_from(my_facility()), lang);
            // "Required" says it better than "must be at least 1".
            messages.extend(unreadable.clone());
            messages
        })
    });
    // One key per body: a retry after a lost answer finds the request already made.
    let idempotency = IdempotencyKeys::<CaseInput>::new();
    let form = CheckedSend::new(problems, move |body: CaseInput| {
        let key = idempotency.for_body(&body);
        async move { api::consultations::create_case(api, &body, &key).await }
    })
    .on_answer(move |case| navigate(&case_href(case.id), Default::default()));
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        form.submit(|| input.get_untracked().0);
    };

    // The facilities supporting this one: who it asks for advice.
    let mine = LocalResource::new(move || {
        let id = my_facility();
        async move { api::registry::facility(api, id).await }
    });
    let text = move |path, label, field, kind, required| {
        view! { <FormText form path label field kind required /> }
    };
    // A choice shows its problems once made.
    let choose = move |path: &'static str,
                       get: fn(&RequestForm) -> &String,
                       set: fn(&mut RequestForm) -> &mut String| {
        let field = bind(fields, get, set);
        let on_change = Callback::new(move |value| {
            field.set.run(value);
            form.touch(path).run(());
        });
        (field.value, on_change, form.messages(path))
    };
    let (consulting, on_consulting, consulting_messages) = choose(
        "consulting_facility_id",
        |f| &f.consulting,
        |f| &mut f.consulting,
    );
    let (sex, on_sex, sex_messages) = choose("patient.sex", |f| &f.sex, |f| &mut f.sex);
    let (urgency, on_urgency, urgency_messages) =
        choose("urgency", |f| &f.urgency, |f| &mut f.urgency);
    let specialty = bind(fields, |f| &f.specialty, |f| &mut f.specialty);

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
                <FormSection legend=Key::ConsultingFacility>
                    <ChoiceField
                        id="f-consulting_facility_id"
                        label=Key::ConsultingFacility
                        source=mine
                        choices=|facility: Facility| {
                            facility.supported_by.into_iter().map(|f| (f.id, f.name)).collect()
                        }
                        value=consulting
                        on_change=on_consulting
                        messages=consulting_messages
                        required=true
                    />
                </FormSection>
                <FormSection legend=Key::SectionPatient>
                    <div class="form-grid">
                        {text("patient.full_name", Key::FullName, bind(fields, |f| &f.full_name, |f| &mut f.full_name), InputKind::Text, true)}
                        <SelectField
                            id=field_id("patient.sex")
                            label=Key::Sex
                            values=Sex::all()
                            code=Sex::as_str
                            value=sex
                            on_change=on_sex
                            messages=sex_messages
                            required=true
                        />
                        {text("patient.birth_date", Key::BirthDate, bind(fields, |f| &f.birth_date, |f| &mut f.birth_date), InputKind::Date, false)}
                        {text("patient.birth_year", Key::BirthYear, bind(fields, |f| &f.birth_year, |f| &mut f.birth_year), InputKind::Number, false)}
                        {text("patient.citizen_id", Key::CitizenId, bind(fields, |f| &f.citizen_id, |f| &mut f.citizen_id), InputKind::Text, false)}
                        {text("patient.insurance_number", Key::InsuranceNumber, bind(fields, |f| &f.insurance_number, |f| &mut f.insurance_number), InputKind::Text, false)}
                        {text("patient.address", Key::Address, bind(fields, |f| &f.address, |f| &mut f.address), InputKind::Text, false)}
                    </div>
                </FormSection>
                <FormSection legend=Key::CaseSummaryLabel>
                    {text("summary", Key::CaseSummaryLabel, bind(fields, |f| &f.summary, |f| &mut f.summary), InputKind::Multiline, true)}
                    <p class="field-hint">{move || lang.t(Key::CaseSummaryHint)}</p>
                    {text("question", Key::CaseQuestion, bind(fields, |f| &f.question, |f| &mut f.question), InputKind::Multiline, true)}
                    <div class="form-grid">
                        <SpecialtyField
                            value=specialty.value
                            on_change=specialty.set
                            messages=form.messages("specialty")
                        />
                        <SelectField
                            id=field_id("urgency")
                            label=Key::Urgency
                            values=Urgency::all()
                            code=Urgency::as_str
                            value=urgency
                            on_change=on_urgency
                            messages=urgency_messages
                            required=true
                        />
                    </div>
                </FormSection>
                {move || form.failure().map(|error| view! { <ProblemView error inline_fields=INLINE /> })}
                <div class="form-actions">
                    <SubmitButton id="send-request" label=Key::SendRequest pending=form.pending() />
                </div>
            </form>
        </section>
    }
}
