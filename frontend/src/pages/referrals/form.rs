//! `/referrals/new` and `/referrals/:id/edit`: the slip, in the sections of the official
//! form (Circular 01/2025/TT-BYT, Appendix VI).
//!
//! Every keystroke re-checks the slip with the shared rules: `validate_draft` (formats)
//! until the person asks to send, then `validate_send` (a complete slip). A field's
//! messages show once it has been left or a save was tried; the server's own field
//! messages (`errors` of a `validation_failed` problem) show next to the same fields.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{NaiveDate, Utc};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use shared::Labelled;
use shared::referral::{
    ClinicalSummary, Diagnosis, Direction, Patient, PriorTreatment, Referral, ReferralInput,
    ReferralReason, Sex, Signatory, TransitionNote, Transport, TransportMeans, Urgency,
};
use shared::registry::TechnicalLevel;
use shared::time::vietnam_date;
use shared::validation::field_messages;
use wasm_bindgen::JsCast;

use super::destinations::{DestinationPicker, Picked};
use super::fields::{
    Column, FieldMessages, InputKind, Row, RowsEditor, TextField, field_id, messages_at, rows_from,
};
use super::{BASE, InvalidReferralId, may_handle_referrals, referral_href, use_referral_id};
use crate::api::referrals::Transition;
use crate::api::{self, ApiError, use_api};
use crate::components::{Loading, ProblemView, enum_options, loaded};
use crate::contexts::{use_lang, use_session};
use crate::i18n::{Key, format_date, missing_to_send, t};

/// Columns of the diagnosis rows.
const DIAGNOSIS_COLUMNS: &[Column] = &[
    Column {
        label: Key::DiagnosisCode,
        field: "code",
        kind: InputKind::Text,
        upper: true,
    },
    Column {
        label: Key::DiagnosisName,
        field: "name",
        kind: InputKind::Text,
        upper: false,
    },
];

/// Columns of the earlier stays ("Đã được khám bệnh, điều trị tại").
const PRIOR_COLUMNS: &[Column] = &[
    Column {
        label: Key::PriorFacility,
        field: "facility_name",
        kind: InputKind::Text,
        upper: false,
    },
    Column {
        label: Key::FromDate,
        field: "from_date",
        kind: InputKind::Date,
        upper: false,
    },
    Column {
        label: Key::ToDate,
        field: "to_date",
        kind: InputKind::Date,
        upper: false,
    },
];

/// The slip's single-value fields as typed.
#[derive(Debug, Clone, PartialEq)]
struct SlipForm {
    to: Option<(i64, String)>,
    direction: String,
    urgency: String,
    reason: String,
    reason_text: String,
    full_name: String,
    birth_date: String,
    birth_year: String,
    sex: String,
    citizen_id: String,
    insurance_number: String,
    insurance_expiry: String,
    address: String,
    ethnicity: String,
    nationality: String,
    occupation: String,
    workplace: String,
    contact_phone: String,
    signs: String,
    tests_summary: String,
    treatment_given: String,
    condition_at_transfer: String,
    treatment_direction: String,
    means: String,
    escort_name: String,
    escort_title: String,
    emergency_centre: bool,
    signer_name: String,
    signer_title: String,
    physician_name: String,
    physician_title: String,
    attachments: String,
}

impl Default for SlipForm {
    fn default() -> Self {
        SlipForm {
            to: None,
            direction: Direction::Up.as_str().to_string(),
            urgency: String::new(),
            reason: String::new(),
            reason_text: String::new(),
            full_name: String::new(),
            birth_date: String::new(),
            birth_year: String::new(),
            sex: String::new(),
            citizen_id: String::new(),
            insurance_number: String::new(),
            insurance_expiry: String::new(),
            address: String::new(),
            ethnicity: String::new(),
            nationality: "Việt Nam".to_string(),
            occupation: String::new(),
            workplace: String::new(),
            contact_phone: String::new(),
            signs: String::new(),
            tests_summary: String::new(),
            treatment_given: String::new(),
            condition_at_transfer: String::new(),
            treatment_direction: String::new(),
            means: String::new(),
            escort_name: String::new(),
            escort_title: String::new(),
            emergency_centre: false,
            signer_name: String::new(),
            signer_title: String::new(),
            physician_name: String::new(),
            physician_title: String::new(),
            attachments: String::new(),
        }
    }
}

fn text(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

fn date_text(value: Option<NaiveDate>) -> String {
    value.map(|date| date.to_string()).unwrap_or_default()
}

/// The form filled from a draft: single fields, diagnosis rows, earlier stays.
fn from_referral(referral: &Referral) -> (SlipForm, Vec<Row>, Vec<Row>) {
    let patient = referral.patient.as_ref();
    let clinical = referral.clinical.clone().unwrap_or_default();
    let form = SlipForm {
        to: Some((referral.to_facility.id, referral.to_facility.name.clone())),
        direction: referral.direction.as_str().to_string(),
        urgency: referral.urgency.as_str().to_string(),
        reason: referral.reason.as_str().to_string(),
        reason_text: text(&referral.reason_text),
        full_name: patient.map(|p| p.full_name.clone()).unwrap_or_default(),
        birth_date: date_text(patient.and_then(|p| p.birth_date)),
        birth_year: patient
            .and_then(|p| p.birth_year)
            .map(|year| year.to_string())
            .unwrap_or_default(),
        sex: patient
            .map(|p| p.sex.as_str().to_string())
            .unwrap_or_default(),
        citizen_id: patient.map(|p| text(&p.citizen_id)).unwrap_or_default(),
        insurance_number: patient
            .map(|p| text(&p.insurance_number))
            .unwrap_or_default(),
        insurance_expiry: date_text(patient.and_then(|p| p.insurance_expiry)),
        address: patient.map(|p| text(&p.address)).unwrap_or_default(),
        ethnicity: patient.map(|p| text(&p.ethnicity)).unwrap_or_default(),
        nationality: patient
            .map(|p| p.nationality.clone())
            .unwrap_or_else(|| "Việt Nam".to_string()),
        occupation: patient.map(|p| text(&p.occupation)).unwrap_or_default(),
        workplace: patient.map(|p| text(&p.workplace)).unwrap_or_default(),
        contact_phone: patient.map(|p| text(&p.contact_phone)).unwrap_or_default(),
        signs: clinical.signs.clone(),
        tests_summary: text(&clinical.tests_summary),
        treatment_given: text(&clinical.treatment_given),
        condition_at_transfer: clinical.condition_at_transfer.clone(),
        treatment_direction: text(&clinical.treatment_direction),
        means: referral
            .transport
            .means
            .map(|means| means.as_str().to_string())
            .unwrap_or_default(),
        escort_name: text(&referral.transport.escort_name),
        escort_title: text(&referral.transport.escort_title),
        emergency_centre: referral.transport.emergency_centre_requested,
        signer_name: referral
            .signed_by
            .as_ref()
            .map(|s| s.full_name.clone())
            .unwrap_or_default(),
        signer_title: referral
            .signed_by
            .as_ref()
            .map(|s| text(&s.title))
            .unwrap_or_default(),
        physician_name: referral
            .physician
            .as_ref()
            .map(|s| s.full_name.clone())
            .unwrap_or_default(),
        physician_title: referral
            .physician
            .as_ref()
            .map(|s| text(&s.title))
            .unwrap_or_default(),
        attachments: referral.attachments.join("\n"),
    };
    let diagnoses = rows_from(
        clinical
            .diagnoses
            .iter()
            .map(|d| vec![d.code.clone(), d.name.clone()]),
    );
    let prior = rows_from(clinical.previously_treated_at.iter().map(|p| {
        vec![
            p.facility_name.clone(),
            date_text(p.from_date),
            date_text(p.to_date),
        ]
    }));
    (form, diagnoses, prior)
}

/// Something the typed text cannot even be turned into a slip for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unreadable {
    /// No destination chosen.
    Destination,
    /// A required choice left empty.
    Choice,
    /// A birth year that is not a number.
    Year,
}

impl Unreadable {
    fn key(self) -> Key {
        match self {
            Unreadable::Destination => Key::DestinationRequired,
            Unreadable::Choice => Key::ChoiceRequired,
            Unreadable::Year => Key::NotAYear,
        }
    }
}

fn optional(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_string())
}

fn parse_date(value: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").ok()
}

/// A required choice: the value, or the fallback and a note that it is missing.
fn choice<T: std::str::FromStr>(
    value: &str,
    fallback: T,
    path: &'static str,
    unreadable: &mut Vec<(String, Unreadable)>,
) -> T {
    value.parse().unwrap_or_else(|_| {
        unreadable.push((path.to_string(), Unreadable::Choice));
        fallback
    })
}

fn signatory(name: &str, title: &str) -> Option<Signatory> {
    (!name.trim().is_empty() || !title.trim().is_empty()).then(|| Signatory {
        full_name: name.trim().to_string(),
        title: optional(title),
    })
}

/// The request body the form describes, and what could not be read from it. Rows are
/// kept even when empty, so that error paths (`clinical.diagnoses[i]`) match the rows.
fn to_input(
    form: &SlipForm,
    diagnoses: &[Row],
    prior: &[Row],
) -> (ReferralInput, Vec<(String, Unreadable)>) {
    let mut unreadable = Vec::new();
    if form.to.is_none() {
        unreadable.push(("to_facility_id".to_string(), Unreadable::Destination));
    }
    let birth_year = match form.birth_year.trim() {
        "" => None,
        year => match year.parse::<i32>() {
            Ok(year) => Some(year),
            Err(_) => {
                unreadable.push(("patient.birth_year".to_string(), Unreadable::Year));
                None
            }
        },
    };
    let input = ReferralInput {
        to_facility_id: form.to.as_ref().map_or(0, |(id, _)| *id),
        direction: choice(&form.direction, Direction::Up, "direction", &mut unreadable),
        urgency: choice(&form.urgency, Urgency::Routine, "urgency", &mut unreadable),
        reason: choice(
            &form.reason,
            ReferralReason::MeetsTransferRules,
            "reason",
            &mut unreadable,
        ),
        reason_text: optional(&form.reason_text),
        patient: Patient {
            full_name: form.full_name.trim().to_string(),
            birth_date: parse_date(&form.birth_date),
            birth_year,
            sex: choice(&form.sex, Sex::Male, "patient.sex", &mut unreadable),
            citizen_id: optional(&form.citizen_id),
            insurance_number: optional(&form.insurance_number),
            insurance_expiry: parse_date(&form.insurance_expiry),
            address: optional(&form.address),
            ethnicity: optional(&form.ethnicity),
            nationality: form.nationality.trim().to_string(),
            occupation: optional(&form.occupation),
            workplace: optional(&form.workplace),
            contact_phone: optional(&form.contact_phone),
        },
        clinical: ClinicalSummary {
            signs: form.signs.trim().to_string(),
            tests_summary: optional(&form.tests_summary),
            diagnoses: diagnoses
                .iter()
                .map(|row| Diagnosis {
                    code: row.value(0).trim().to_uppercase(),
                    name: row.value(1).trim().to_string(),
                })
                .collect(),
            treatment_given: optional(&form.treatment_given),
            condition_at_transfer: form.condition_at_transfer.trim().to_string(),
            treatment_direction: optional(&form.treatment_direction),
            previously_treated_at: prior
                .iter()
                .map(|row| PriorTreatment {
                    facility_name: row.value(0).trim().to_string(),
                    from_date: parse_date(row.value(1)),
                    to_date: parse_date(row.value(2)),
                })
                .collect(),
        },
        transport: Transport {
            means: form.means.parse().ok(),
            escort_name: optional(&form.escort_name),
            escort_title: optional(&form.escort_title),
            emergency_centre_requested: form.emergency_centre,
        },
        signed_by: signatory(&form.signer_name, &form.signer_title),
        physician: signatory(&form.physician_name, &form.physician_title),
        attachments: form.attachments.lines().filter_map(optional).collect(),
    };
    (input, unreadable)
}

/// What the person asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Intent {
    /// Save as a draft.
    Draft,
    /// Save, then send.
    Send,
}

/// Why saving (or sending) did not finish.
#[derive(Debug, Clone, PartialEq)]
struct SaveFailure {
    error: ApiError,
    /// The draft was saved; only sending failed.
    saved: bool,
}

/// A fresh `Idempotency-Key`: time and randomness, unique enough for one person's
/// retries.
fn new_idempotency_key() -> String {
    let random = (js_sys::Math::random() * 1e15) as u64;
    let now = js_sys::Date::now() as u64;
    format!("spa-{now:x}-{random:x}")
}

/// Fields whose messages show next to their inputs (rows are matched by prefix).
fn shown_inline(path: &str) -> bool {
    const INLINE: &[&str] = &[
        "to_facility_id",
        "direction",
        "urgency",
        "reason",
        "reason_text",
        "patient.",
        "clinical.",
        "transport.",
        "signed_by",
        "physician",
        "attachments",
    ];
    INLINE.iter().any(|prefix| path.starts_with(prefix))
}

/// Field paths in the order the form shows them, so the first problem on screen is the
/// one that gets the focus.
const FORM_ORDER: &[&str] = &[
    "to_facility_id",
    "patient.full_name",
    "patient.sex",
    "patient.birth_date",
    "patient.birth_year",
    "patient.citizen_id",
    "patient.insurance_number",
    "patient.insurance_expiry",
    "patient.address",
    "patient.ethnicity",
    "patient.nationality",
    "patient.occupation",
    "patient.workplace",
    "patient.contact_phone",
    "clinical.previously_treated_at",
    "direction",
    "urgency",
    "reason",
    "reason_text",
    "clinical.signs",
    "clinical.tests_summary",
    "clinical.diagnoses",
    "clinical.treatment_given",
    "clinical.condition_at_transfer",
    "clinical.treatment_direction",
    "transport.means",
    "transport.escort_name",
    "transport.escort_title",
    "signed_by",
    "physician",
    "attachments",
];

/// Where a field path comes in [`FORM_ORDER`] (`clinical.diagnoses[1].code` counts as
/// `clinical.diagnoses`); unknown paths come last.
fn form_position(path: &str) -> usize {
    FORM_ORDER
        .iter()
        .position(|field| {
            path.strip_prefix(field)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
        })
        .unwrap_or(FORM_ORDER.len())
}

/// The state of the form and how it reports on itself.
#[derive(Debug, Clone, Copy)]
struct Binder {
    form: RwSignal<SlipForm>,
    touched: RwSignal<BTreeSet<String>>,
    server: RwSignal<FieldMessages>,
    shown: Memo<FieldMessages>,
}

impl Binder {
    /// The messages shown for `path` (tracked).
    fn messages(self, path: &'static str) -> Signal<Vec<String>> {
        messages_at(self.shown.into(), move || path.to_string())
    }

    /// The person changed `path`: the server's complaint about it is stale.
    fn edited(self, path: &str) {
        if self
            .server
            .with_untracked(|server| server.contains_key(path))
        {
            self.server.update(|server| {
                server.remove(path);
            });
        }
    }

    /// The person left `path`: its messages may show from now on.
    fn touch(self, path: &str) {
        if !self
            .touched
            .with_untracked(|touched| touched.contains(path))
        {
            self.touched.update(|touched| {
                touched.insert(path.to_string());
            });
        }
    }
}

/// A text field of the slip.
#[component]
fn SlipText(
    b: Binder,
    path: &'static str,
    label: Key,
    get: fn(&SlipForm) -> &String,
    set: fn(&mut SlipForm) -> &mut String,
    #[prop(optional)] kind: InputKind,
    #[prop(optional)] required: bool,
    #[prop(optional)] hint: Option<Key>,
    #[prop(optional)] class: &'static str,
) -> impl IntoView {
    let value = Signal::derive(move || b.form.with(|form| get(form).clone()));
    let on_input = Callback::new(move |text: String| {
        b.form.update(|form| *set(form) = text);
        b.edited(path);
    });
    let on_blur = Callback::new(move |()| b.touch(path));
    view! {
        <TextField
            id=field_id(path)
            label
            value
            on_input
            on_blur
            messages=b.messages(path)
            kind
            required
            hint
            class
        />
    }
}

/// A choice among a labelled enum's values.
#[component]
fn SlipSelect<T>(
    b: Binder,
    path: &'static str,
    label: Key,
    values: &'static [T],
    code: fn(&T) -> &'static str,
    get: fn(&SlipForm) -> &String,
    set: fn(&mut SlipForm) -> &mut String,
    #[prop(optional)] required: bool,
    /// Called after a change, with the new code.
    #[prop(optional)]
    on_change: Option<Callback<String>>,
) -> impl IntoView
where
    T: Labelled + Copy + Send + Sync + 'static,
{
    let lang = use_lang();
    let id = field_id(path);
    let label_for = id.clone();
    let errors_id = format!("{id}-errors");
    let current = Signal::derive(move || b.form.with(|form| get(form).clone()));
    let messages = b.messages(path);
    view! {
        <div class="field">
            <label for=label_for>
                {move || lang.t(label)}
                {required.then(|| view! { <span class="required" aria-hidden="true">" *"</span> })}
            </label>
            <select
                id=id
                aria-describedby=errors_id.clone()
                aria-invalid=move || (!messages.with(Vec::is_empty)).to_string()
                on:change=move |event| {
                    let value = event_target_value(&event);
                    b.form.update(|form| *set(form) = value.clone());
                    b.edited(path);
                    b.touch(path);
                    if let Some(on_change) = on_change {
                        on_change.run(value);
                    }
                }
            >
                <option value="" prop:selected=move || current.with(String::is_empty)>
                    {move || lang.t(Key::ChooseOne)}
                </option>
                {enum_options(values, code, current, lang)}
            </select>
            <crate::components::FieldErrors id=errors_id messages />
        </div>
    }
}

/// `/referrals/new`.
#[component]
pub fn NewReferralPage() -> impl IntoView {
    let lang = use_lang();
    let may_create = may_handle_referrals();
    move || {
        if may_create() {
            view! { <SlipFormView initial=None /> }.into_any()
        } else {
            view! {
                <section class="page">
                    <p class="breadcrumb">
                        <A href=BASE>{move || lang.t(Key::BackToReferrals)}</A>
                    </p>
                    <div class="notice" role="status">
                        <p>{move || lang.t(Key::CannotCreate)}</p>
                    </div>
                </section>
            }
            .into_any()
        }
    }
}

/// `/referrals/:id/edit`: a draft, loaded, then the same form.
#[component]
pub fn EditReferralPage() -> impl IntoView {
    let id = use_referral_id();
    move || match id.get() {
        Some(id) => view! { <EditDraft id /> }.into_any(),
        None => view! { <InvalidReferralId /> }.into_any(),
    }
}

#[component]
fn EditDraft(id: i64) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let referral = LocalResource::new(move || api::referrals::get(api, id));
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                loaded(
                    referral.await,
                    move |referral| {
                        if referral.editable {
                            view! { <SlipFormView initial=Some(referral) /> }.into_any()
                        } else {
                            view! {
                                <section class="page">
                                    <div class="notice" role="status">
                                        <p>{move || lang.t(Key::DraftNotEditable)}</p>
                                        <p>
                                            <A href=referral_href(
                                                id,
                                            )>{move || lang.t(Key::BackToReferral)}</A>
                                        </p>
                                    </div>
                                </section>
                            }
                                .into_any()
                        }
                    },
                )
            })}
        </Transition>
    }
}

/// The slip form, empty or filled from a draft.
#[component]
fn SlipFormView(initial: Option<Referral>) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let session = use_session();
    let navigate = use_navigate();

    let editing = initial.as_ref().map(|referral| referral.id);
    let (form, diagnoses, prior) = match &initial {
        Some(referral) => from_referral(referral),
        None => (SlipForm::default(), Vec::new(), Vec::new()),
    };
    let form = RwSignal::new(form);
    let diagnoses = RwSignal::new(diagnoses);
    let prior = RwSignal::new(prior);
    // The saved draft (id, version) once there is one: later saves replace it.
    let saved = RwSignal::new(
        initial
            .as_ref()
            .map(|referral| (referral.id, referral.version)),
    );
    let slip_number = initial
        .as_ref()
        .map(|referral| referral.slip_number.clone());
    let direction_chosen = RwSignal::new(initial.is_some());

    let my_facility = move || session.me().map(|me| me.facility.id).unwrap_or_default();
    let my_level = LocalResource::new(move || {
        let id = my_facility();
        async move {
            api::registry::facility(api, id)
                .await
                .ok()
                .and_then(|facility| facility.level)
        }
    });
    let rules = LocalResource::new(move || api::referrals::rules(api));

    let input = Memo::new(move |_| {
        let form = form.get();
        diagnoses.with(|diagnoses| prior.with(|prior| to_input(&form, diagnoses, prior)))
    });
    let intent = RwSignal::new(None::<Intent>);
    let touched = RwSignal::new(BTreeSet::<String>::new());
    let server = RwSignal::new(FieldMessages::new());

    // Everything wrong with the slip for the current intent, in the current language.
    let problems = move |send: bool| -> FieldMessages {
        let lang = lang.get();
        let from = my_facility();
        input.with(|(input, unreadable)| {
            let checked = if send {
                input.validate_send(from)
            } else {
                input.validate_draft(from)
            };
            let mut messages = checked
                .err()
                .map(|errors| field_messages(&errors, lang))
                .unwrap_or_default();
            for (path, problem) in unreadable {
                // "Choose a destination" says it better than "must be at least 1".
                messages.insert(path.clone(), vec![t(lang, problem.key()).to_string()]);
            }
            messages
        })
    };
    let missing = Memo::new(move |_| problems(true).len());
    let shown = Memo::new(move |_| {
        let current = intent.get();
        let all = problems(current == Some(Intent::Send));
        let mut shown: FieldMessages = touched.with(|touched| {
            all.into_iter()
                .filter(|(path, _)| current.is_some() || touched.contains(path))
                .collect()
        });
        server.with(|server| {
            for (path, messages) in server {
                let entry = shown.entry(path.clone()).or_default();
                for message in messages {
                    if !entry.contains(message) {
                        entry.push(message.clone());
                    }
                }
            }
        });
        shown
    });
    let b = Binder {
        form,
        touched,
        server,
        shown,
    };
    let on_row_edit = Callback::new(move |path: String| b.edited(&path));

    // One key per body: a retry of the same slip after a lost answer finds the draft the
    // first attempt created; a changed slip is a new request.
    let idempotency = StoredValue::new(None::<(String, ReferralInput)>);
    let save = Action::new_local(move |wanted: &Intent| {
        let wanted = *wanted;
        let body = input.get_untracked().0;
        async move {
            let failed = |saved: bool| move |error: ApiError| SaveFailure { error, saved };
            let referral = match saved.get_untracked() {
                Some((id, version)) => api::referrals::update(api, id, version, &body)
                    .await
                    .map_err(failed(false))?,
                None => {
                    let key = idempotency.with_value(|last| match last {
                        Some((key, last_body)) if *last_body == body => key.clone(),
                        _ => new_idempotency_key(),
                    });
                    idempotency.set_value(Some((key.clone(), body.clone())));
                    api::referrals::create(api, &body, &key)
                        .await
                        .map_err(failed(false))?
                }
            };
            saved.set(Some((referral.id, referral.version)));
            if wanted == Intent::Draft {
                return Ok(referral);
            }
            let send = Transition::Send(TransitionNote::default());
            api::referrals::transition(api, referral.id, referral.version, &send)
                .await
                .map_err(failed(true))
        }
    });
    let pending = save.pending();
    let failure = move || save.value().get().and_then(Result::err);

    Effect::new(move |_| match save.value().get() {
        Some(Ok(referral)) => navigate(&referral_href(referral.id), Default::default()),
        Some(Err(failure)) => server.set(
            failure
                .error
                .problem()
                .and_then(|problem| problem.errors.clone())
                .unwrap_or_default(),
        ),
        None => {}
    });

    let submit = move |wanted: Intent| {
        intent.set(Some(wanted));
        server.set(BTreeMap::new());
        let blocking = problems(wanted == Intent::Send);
        if let Some(first) = blocking.keys().min_by_key(|path| form_position(path)) {
            focus_field(first);
            return;
        }
        save.dispatch_local(wanted);
    };
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        submit(Intent::Send);
    };

    let on_pick = Callback::new(move |picked: Picked| {
        let level: Option<TechnicalLevel> = picked.level;
        form.update(|form| form.to = Some((picked.id, picked.name.clone())));
        b.edited("to_facility_id");
        b.touch("to_facility_id");
        if !direction_chosen.get_untracked()
            && let Some(direction) = Direction::between(my_level.get_untracked().flatten(), level)
        {
            form.update(|form| form.direction = direction.as_str().to_string());
        }
    });
    let chosen = Signal::derive(move || form.with(|form| form.to.as_ref().map(|(id, _)| *id)));
    let destination_messages = b.messages("to_facility_id");

    // The validity the slip would have if sent today, from the configured rules.
    let validity = move || {
        let rules = rules.get()?.ok()?;
        let today = vietnam_date(Utc::now());
        let diagnoses = input.with(|(input, _)| input.clinical.diagnoses.clone());
        let until = rules.valid_until(today, &diagnoses);
        let long = rules.long_validity(&diagnoses);
        let lang = lang.get();
        Some(view! {
            <p class="validity-preview" role="status">
                {t(lang, Key::ValidityIfSentToday)}
                " "
                <strong>{format_date(lang, until)}</strong>
                {long.then(|| format!(" ({})", t(lang, Key::LongValidity)))}
            </p>
        })
    };

    let title = move || {
        if editing.is_some() {
            lang.t(Key::EditDraftTitle)
        } else {
            lang.t(Key::NewReferralTitle)
        }
    };
    let back = editing.map_or_else(|| BASE.to_string(), referral_href);

    view! {
        <section class="page referral-form">
            <p class="breadcrumb">
                <A href=back>
                    {move || {
                        if editing.is_some() {
                            lang.t(Key::BackToReferral)
                        } else {
                            lang.t(Key::BackToReferrals)
                        }
                    }}
                </A>
            </p>
            <header class="page-header">
                <h1>{title}</h1>
                {slip_number
                    .map(|number| {
                        view! {
                            <p class="slip-number-line">
                                {move || lang.t(Key::SlipNumber)} ": " <code>{number}</code>
                            </p>
                        }
                    })}
                <p class="muted">{move || lang.t(Key::FormIntro)}</p>
            </header>
            <form class="slip-form" on:submit=on_submit novalidate=true>
                <fieldset class="form-section">
                    <legend>{move || lang.t(Key::SectionDestination)}</legend>
                    <div class="chosen-destination" id=field_id("to_facility_id") tabindex="-1">
                        {move || {
                            form.with(|form| form.to.clone())
                                .map(|(_, name)| {
                                    view! {
                                        <span class="muted">{move || lang.t(Key::Chosen)} ": "</span>
                                        <strong id="chosen-destination-name">{name}</strong>
                                    }
                                        .into_any()
                                })
                                .unwrap_or_else(|| {
                                    view! {
                                        <span class="muted">{move || lang.t(Key::NoDestination)}</span>
                                    }
                                        .into_any()
                                })
                        }}
                    </div>
                    <crate::components::FieldErrors
                        id="f-to_facility_id-errors"
                        messages=destination_messages
                    />
                    <DestinationPicker id_prefix="destination" chosen on_pick />
                </fieldset>

                <fieldset class="form-section">
                    <legend>{move || lang.t(Key::SectionPatient)}</legend>
                    <div class="form-grid">
                        <SlipText
                            b
                            path="patient.full_name"
                            label=Key::FullName
                            get=|f| &f.full_name
                            set=|f| &mut f.full_name
                            required=true
                            class="span-2"
                        />
                        <SlipSelect
                            b
                            path="patient.sex"
                            label=Key::Sex
                            values=Sex::all()
                            code=Sex::as_str
                            get=|f| &f.sex
                            set=|f| &mut f.sex
                            required=true
                        />
                        <SlipText
                            b
                            path="patient.birth_date"
                            label=Key::BirthDate
                            get=|f| &f.birth_date
                            set=|f| &mut f.birth_date
                            kind=InputKind::Date
                        />
                        <SlipText
                            b
                            path="patient.birth_year"
                            label=Key::BirthYear
                            get=|f| &f.birth_year
                            set=|f| &mut f.birth_year
                            kind=InputKind::Number
                        />
                        <SlipText
                            b
                            path="patient.citizen_id"
                            label=Key::CitizenId
                            get=|f| &f.citizen_id
                            set=|f| &mut f.citizen_id
                        />
                        <SlipText
                            b
                            path="patient.insurance_number"
                            label=Key::InsuranceNumber
                            get=|f| &f.insurance_number
                            set=|f| &mut f.insurance_number
                        />
                        <SlipText
                            b
                            path="patient.insurance_expiry"
                            label=Key::InsuranceExpiry
                            get=|f| &f.insurance_expiry
                            set=|f| &mut f.insurance_expiry
                            kind=InputKind::Date
                        />
                        <SlipText
                            b
                            path="patient.address"
                            label=Key::Address
                            get=|f| &f.address
                            set=|f| &mut f.address
                            class="span-3"
                        />
                        <SlipText
                            b
                            path="patient.ethnicity"
                            label=Key::Ethnicity
                            get=|f| &f.ethnicity
                            set=|f| &mut f.ethnicity
                        />
                        <SlipText
                            b
                            path="patient.nationality"
                            label=Key::Nationality
                            get=|f| &f.nationality
                            set=|f| &mut f.nationality
                        />
                        <SlipText
                            b
                            path="patient.occupation"
                            label=Key::Occupation
                            get=|f| &f.occupation
                            set=|f| &mut f.occupation
                        />
                        <SlipText
                            b
                            path="patient.workplace"
                            label=Key::Workplace
                            get=|f| &f.workplace
                            set=|f| &mut f.workplace
                        />
                        <SlipText
                            b
                            path="patient.contact_phone"
                            label=Key::ContactPhone
                            get=|f| &f.contact_phone
                            set=|f| &mut f.contact_phone
                        />
                    </div>
                    <div class="field">
                        <span class="field-label">{move || lang.t(Key::PreviouslyTreated)}</span>
                        <RowsEditor
                            rows=prior
                            columns=PRIOR_COLUMNS
                            path="clinical.previously_treated_at"
                            messages=shown
                            add_label=Key::AddPriorTreatment
                            on_edit=on_row_edit
                        />
                    </div>
                </fieldset>

                <fieldset class="form-section">
                    <legend>{move || lang.t(Key::SectionReason)}</legend>
                    <div class="form-grid">
                        <SlipSelect
                            b
                            path="direction"
                            label=Key::Direction
                            values=Direction::all()
                            code=Direction::as_str
                            get=|f| &f.direction
                            set=|f| &mut f.direction
                            required=true
                            on_change=Callback::new(move |_| direction_chosen.set(true))
                        />
                        <SlipSelect
                            b
                            path="urgency"
                            label=Key::Urgency
                            values=Urgency::all()
                            code=Urgency::as_str
                            get=|f| &f.urgency
                            set=|f| &mut f.urgency
                            required=true
                        />
                    </div>
                    <ReasonChoice b />
                    <SlipText
                        b
                        path="reason_text"
                        label=Key::ReasonText
                        get=|f| &f.reason_text
                        set=|f| &mut f.reason_text
                        kind=InputKind::Multiline
                    />
                </fieldset>

                <fieldset class="form-section">
                    <legend>{move || lang.t(Key::SectionClinical)}</legend>
                    <SlipText
                        b
                        path="clinical.signs"
                        label=Key::Signs
                        get=|f| &f.signs
                        set=|f| &mut f.signs
                        kind=InputKind::Multiline
                        required=true
                    />
                    <SlipText
                        b
                        path="clinical.tests_summary"
                        label=Key::TestsSummary
                        get=|f| &f.tests_summary
                        set=|f| &mut f.tests_summary
                        kind=InputKind::Multiline
                    />
                    <div class="field">
                        <span class="field-label">
                            {move || lang.t(Key::Diagnoses)}
                            <span class="required" aria-hidden="true">" *"</span>
                        </span>
                        <span class="field-hint">{move || lang.t(Key::DiagnosesHint)}</span>
                        <RowsEditor
                            rows=diagnoses
                            columns=DIAGNOSIS_COLUMNS
                            path="clinical.diagnoses"
                            messages=shown
                            add_label=Key::AddDiagnosis
                            on_edit=on_row_edit
                        />
                    </div>
                    <SlipText
                        b
                        path="clinical.treatment_given"
                        label=Key::TreatmentGiven
                        get=|f| &f.treatment_given
                        set=|f| &mut f.treatment_given
                        kind=InputKind::Multiline
                    />
                    <SlipText
                        b
                        path="clinical.condition_at_transfer"
                        label=Key::ConditionAtTransfer
                        get=|f| &f.condition_at_transfer
                        set=|f| &mut f.condition_at_transfer
                        kind=InputKind::Multiline
                        required=true
                    />
                    <SlipText
                        b
                        path="clinical.treatment_direction"
                        label=Key::TreatmentDirection
                        get=|f| &f.treatment_direction
                        set=|f| &mut f.treatment_direction
                        kind=InputKind::Multiline
                    />
                </fieldset>

                <fieldset class="form-section">
                    <legend>{move || lang.t(Key::SectionTransport)}</legend>
                    <div class="form-grid">
                        <SlipSelect
                            b
                            path="transport.means"
                            label=Key::TransportMeans
                            values=TransportMeans::all()
                            code=TransportMeans::as_str
                            get=|f| &f.means
                            set=|f| &mut f.means
                            required=true
                        />
                        <SlipText
                            b
                            path="transport.escort_name"
                            label=Key::EscortName
                            get=|f| &f.escort_name
                            set=|f| &mut f.escort_name
                        />
                        <SlipText
                            b
                            path="transport.escort_title"
                            label=Key::EscortTitle
                            get=|f| &f.escort_title
                            set=|f| &mut f.escort_title
                        />
                    </div>
                    <div class="field checkbox">
                        <input
                            id=field_id("transport.emergency_centre_requested")
                            type="checkbox"
                            prop:checked=move || form.with(|f| f.emergency_centre)
                            on:change=move |event| {
                                form.update(|f| f.emergency_centre = event_target_checked(&event))
                            }
                        />
                        <label for=field_id(
                            "transport.emergency_centre_requested",
                        )>{move || lang.t(Key::EmergencyCentre)}</label>
                    </div>
                </fieldset>

                <fieldset class="form-section">
                    <legend>{move || lang.t(Key::SectionSignature)}</legend>
                    <div class="form-grid">
                        <div class="span-3">
                            <p class="field-label">
                                {move || lang.t(Key::Signatory)}
                                <span class="required" aria-hidden="true">" *"</span>
                            </p>
                            <crate::components::FieldErrors
                                id="f-signed_by-errors"
                                messages=b.messages("signed_by")
                            />
                        </div>
                        <SlipText
                            b
                            path="signed_by.full_name"
                            label=Key::PersonName
                            get=|f| &f.signer_name
                            set=|f| &mut f.signer_name
                        />
                        <SlipText
                            b
                            path="signed_by.title"
                            label=Key::PersonTitle
                            get=|f| &f.signer_title
                            set=|f| &mut f.signer_title
                        />
                        <p class="field-label span-3">
                            {move || lang.t(Key::Physician)}
                            <span class="field-hint">" " {move || lang.t(Key::PhysicianHint)}</span>
                        </p>
                        <SlipText
                            b
                            path="physician.full_name"
                            label=Key::PersonName
                            get=|f| &f.physician_name
                            set=|f| &mut f.physician_name
                        />
                        <SlipText
                            b
                            path="physician.title"
                            label=Key::PersonTitle
                            get=|f| &f.physician_title
                            set=|f| &mut f.physician_title
                        />
                    </div>
                    <SlipText
                        b
                        path="attachments"
                        label=Key::Attachments
                        get=|f| &f.attachments
                        set=|f| &mut f.attachments
                        kind=InputKind::Multiline
                    />
                    {validity}
                </fieldset>

                {move || {
                    failure()
                        .map(|failure| {
                            let saved_first = failure.saved;
                            let error = match failure.error {
                                ApiError::Problem(mut problem) => {
                                    if let Some(errors) = problem.errors.as_mut() {
                                        errors.retain(|path, _| !shown_inline(path));
                                    }
                                    ApiError::Problem(problem)
                                }
                                other => other,
                            };
                            view! {
                                {saved_first
                                    .then(|| {
                                        view! {
                                            <div class="alert alert-info" role="status">
                                                {move || lang.t(Key::SavedNotSent)}
                                            </div>
                                        }
                                    })}
                                <ProblemView error />
                            }
                        })
                }}
                <div class="form-actions">
                    <p class="readiness" role="status">
                        {move || match missing.get() {
                            0 => lang.t(Key::ReadyToSend).to_string(),
                            count => missing_to_send(lang.get(), count),
                        }}
                    </p>
                    <button
                        type="button"
                        id="save-draft"
                        class="button secondary"
                        disabled=move || pending.get()
                        on:click=move |_| submit(Intent::Draft)
                    >
                        {move || lang.t(Key::SaveDraft)}
                    </button>
                    <button
                        type="submit"
                        id="save-send"
                        class="button primary"
                        disabled=move || pending.get()
                    >
                        {move || {
                            if pending.get() { lang.t(Key::Saving) } else { lang.t(Key::SaveAndSend) }
                        }}
                    </button>
                </div>
            </form>
        </section>
    }
}

/// "Lý do chuyển": the three numbered reasons of the form.
#[component]
fn ReasonChoice(b: Binder) -> impl IntoView {
    let lang = use_lang();
    let messages = b.messages("reason");
    view! {
        <fieldset class="field radio-group" id=field_id("reason") aria-describedby="f-reason-errors">
            <legend class="field-label">
                {move || lang.t(Key::Reason)}
                <span class="required" aria-hidden="true">" *"</span>
            </legend>
            {ReferralReason::all()
                .iter()
                .map(|reason| {
                    let reason = *reason;
                    let code = reason.as_str();
                    let id = format!("f-reason-{code}");
                    let label_for = id.clone();
                    view! {
                        <label class="radio" for=label_for>
                            <input
                                type="radio"
                                id=id
                                name="reason"
                                value=code
                                prop:checked=move || b.form.with(|f| f.reason == code)
                                on:change=move |_| {
                                    b.form.update(|f| f.reason = code.to_string());
                                    b.edited("reason");
                                    b.touch("reason");
                                }
                            />
                            {move || format!("{}. {}", reason.number(), reason.label(lang.get()))}
                        </label>
                    }
                })
                .collect_view()}
            <crate::components::FieldErrors id="f-reason-errors" messages />
        </fieldset>
    }
}

/// Moves the keyboard focus to the input of `path`, or to the nearest thing that has an
/// id for it (a row list, a section).
fn focus_field(path: &str) {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else {
        return;
    };
    let mut candidates = vec![field_id(path)];
    // `clinical.diagnoses[0].code` → the row list `clinical.diagnoses`.
    if let Some((list, _)) = path.split_once('[') {
        candidates.push(field_id(list));
    }
    // `signed_by` → its first input.
    candidates.push(field_id(&format!("{path}.full_name")));
    for id in candidates {
        if let Some(element) = document.get_element_by_id(&id)
            && let Ok(element) = element.dyn_into::<web_sys::HtmlElement>()
        {
            if let Err(error) = element.focus() {
                leptos::logging::warn!("could not focus {id}: {error:?}");
            }
            element.scroll_into_view();
            return;
        }
    }
}
