//! The trainees of an agreement: who they are, the sessions each attended, whether they
//! were certified, when they left and why they are flagged; the receiving side chooses
//! them among its staff while they may still be enrolled, and records who left.

use std::collections::BTreeSet;

use chrono::{NaiveDate, Utc};
use leptos::prelude::*;
use shared::Labelled;
use shared::registry::StaffQuery;
use shared::time::vietnam_date;
use shared::transfer::{
    Agreement, AgreementAction, DepartureInput, DepartureKind, Trainee, TraineesInput,
};
use validator::Validate;

use super::{Stepper, optional, person, step_form};
use crate::api::transfers::AgreementStep;
use crate::api::{self, use_api};
use crate::components::filters::bind;
use crate::components::form::{
    ChoiceField, FieldMessages, FormText, InputKind, SelectField, SubmitButton, rule_messages,
};
use crate::components::list::{DataTable, Heading};
use crate::components::{Loading, ProblemView, loaded};
use crate::contexts::use_lang;
use crate::i18n::{Key, format_date, t};

/// The trainees, the enrolment and the departure form (`#trainees`).
#[component]
pub(super) fn TraineesSection(
    agreement: Agreement,
    current: RwSignal<Option<Agreement>>,
) -> impl IntoView {
    let lang = use_lang();
    let enrol = agreement
        .allowed_actions
        .contains(&AgreementAction::Enrol)
        .then(|| view! { <Enrolment agreement=agreement.clone() current /> });
    let departure = (agreement
        .allowed_actions
        .contains(&AgreementAction::RecordDeparture)
        && !agreement.trainees.is_empty())
    .then(|| view! { <DepartureForm agreement=agreement.clone() current /> });
    let list = if agreement.trainees.is_empty() {
        view! { <p class="muted" id="no-trainees">{move || lang.t(Key::NoTrainees)}</p> }.into_any()
    } else {
        view! { <TraineeTable trainees=agreement.trainees.clone() /> }.into_any()
    };
    view! {
        <section class="agreement-trainees" id="trainees">
            <h2>{move || lang.t(Key::Trainees)}</h2>
            {list}
            {enrol}
            {departure}
        </section>
    }
}

/// The trainees as a table (cards on a phone).
#[component]
fn TraineeTable(trainees: Vec<Trainee>) -> impl IntoView {
    let lang = use_lang();
    let rows = trainees
        .into_iter()
        .map(|trainee| {
            let departure = trainee.departure.clone().map(|departure| {
                let kind = departure.kind;
                let day = departure.left_on;
                view! {
                    <span class="badge off departure" data-kind=kind.as_str()>
                        {move || kind.label(lang.get())} " · " {move || format_date(lang.get(), day)}
                    </span>
                }
            });
            let flag = trainee.flag.map(|flag| {
                view! {
                    <span class="badge overdue flag" data-flag=flag.as_str()>
                        {move || flag.label(lang.get())}
                    </span>
                }
            });
            let gone = trainee.gone_from_registry.then(|| {
                view! { <span class="badge off">{move || lang.t(Key::GoneFromRegistry)}</span> }
            });
            let certified = trainee.certified;
            view! {
                <tr
                    id=format!("trainee-{}", trainee.staff_id)
                    data-certified=certified.to_string()
                    data-flagged=trainee.flag.is_some().to_string()
                >
                    <td>{person(trainee.title.as_deref(), &trainee.full_name)}</td>
                    <td class="number sessions-attended">{trainee.sessions_attended}</td>
                    <td>
                        {certified.then(|| view! { <span class="badge ok certified">{move || lang.t(Key::Certified)}</span> })}
                        {(!certified).then_some("—")}
                    </td>
                    <td>{departure} " " {gone} " " {flag}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable class="trainees" id="trainee-list" headings=vec![
            Heading::Label(Key::Trainee),
            Heading::Number(Key::SessionsAttended),
            Heading::Label(Key::Certified),
            Heading::Label(Key::DepartureAndFlags),
        ]>
            {rows}
        </DataTable>
    }
}

/// The receiving facility's staff, ticked when enrolled; saving replaces the list.
#[component]
fn Enrolment(agreement: Agreement, current: RwSignal<Option<Agreement>>) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let stepper = Stepper::new(current);
    let receiving = agreement.receiving_facility.id;
    let chosen = RwSignal::new(
        agreement
            .trainees
            .iter()
            .map(|trainee| trainee.staff_id)
            .collect::<BTreeSet<i64>>(),
    );
    let staff = LocalResource::new(move || async move {
        let query = StaffQuery {
            facility_id: Some(receiving),
            active: Some(true),
            limit: Some(shared::page::MAX_LIMIT),
            ..StaffQuery::default()
        };
        api::registry::staff(api, &query).await
    });
    let save = move |_| {
        let staff_ids = chosen.get_untracked().into_iter().collect();
        stepper.send(AgreementStep::Trainees(TraineesInput { staff_ids }));
    };
    view! {
        <fieldset class="form-section enrolment" id="enrolment">
            <legend>{move || AgreementAction::Enrol.label(lang.get())}</legend>
            <div class="participant-list">
                <Transition fallback=|| view! { <Loading /> }>
                    {move || Suspend::new(async move {
                        loaded(staff.await, move |page| {
                            page.items
                                .into_iter()
                                .map(|member| {
                                    let staff_id = member.id;
                                    let id = format!("enrol-{staff_id}");
                                    let label_for = id.clone();
                                    view! {
                                        <label class="checkbox" for=label_for>
                                            <input
                                                type="checkbox"
                                                id=id
                                                prop:checked=move || chosen.with(|ids| ids.contains(&staff_id))
                                                on:change=move |event| {
                                                    let on = event_target_checked(&event);
                                                    chosen.update(|ids| {
                                                        if on {
                                                            ids.insert(staff_id);
                                                        } else {
                                                            ids.remove(&staff_id);
                                                        }
                                                    });
                                                }
                                            />
                                            {person(member.title.as_deref(), &member.full_name)}
                                        </label>
                                    }
                                })
                                .collect_view()
                        })
                    })}
                </Transition>
            </div>
            {move || stepper.failure().map(|error| view! { <ProblemView error /> })}
            <button
                type="button"
                class="button primary"
                id="save-trainees"
                disabled=move || stepper.pending().get()
                on:click=save
            >
                {move || lang.t(Key::SaveTrainees)}
            </button>
        </fieldset>
    }
}

/// The departure form's fields as typed.
#[derive(Debug, Clone, PartialEq)]
struct DepartureForm {
    staff_id: String,
    left_on: String,
    kind: String,
    note: String,
}

impl DepartureForm {
    fn to_input(&self, lang: shared::Lang) -> (DepartureInput, FieldMessages) {
        let mut unreadable = FieldMessages::new();
        let left_on =
            NaiveDate::parse_from_str(self.left_on.trim(), "%Y-%m-%d").unwrap_or_else(|_| {
                unreadable.insert("left_on".into(), vec![t(lang, Key::DateRequired).into()]);
                NaiveDate::default()
            });
        let kind = self.kind.parse().unwrap_or_else(|_| {
            unreadable.insert("kind".into(), vec![t(lang, Key::ChoiceRequired).into()]);
            DepartureKind::Resigned
        });
        let input = DepartureInput {
            staff_id: self.staff_id.parse().unwrap_or(0),
            left_on,
            kind,
            note: optional(&self.note),
        };
        (input, unreadable)
    }
}

/// "Ghi nhận nghỉ / chuyển": a trainee who left the receiving facility.
#[component]
fn DepartureForm(agreement: Agreement, current: RwSignal<Option<Agreement>>) -> impl IntoView {
    let lang = use_lang();
    let fields = RwSignal::new(DepartureForm {
        staff_id: String::new(),
        left_on: vietnam_date(Utc::now()).to_string(),
        kind: String::new(),
        note: String::new(),
    });
    let input = Memo::new(move |_| fields.with(|fields| fields.to_input(lang.get())));
    let problems = Memo::new(move |_| {
        let lang = lang.get();
        input.with(|(input, unreadable)| {
            let mut messages = rule_messages(input.validate(), lang);
            messages.extend(unreadable.clone());
            messages
        })
    });
    let form = step_form(current, problems, AgreementStep::Departure);
    let trainees: Vec<(i64, String)> = agreement
        .trainees
        .iter()
        .filter(|trainee| trainee.departure.is_none())
        .map(|trainee| {
            (
                trainee.staff_id,
                person(trainee.title.as_deref(), &trainee.full_name),
            )
        })
        .collect();
    let source = LocalResource::new(move || {
        let trainees = trainees.clone();
        async move { Ok::<_, api::ApiError>(trainees) }
    });
    let staff = bind(fields, |f| &f.staff_id, |f| &mut f.staff_id);
    let kind = bind(fields, |f| &f.kind, |f| &mut f.kind);
    view! {
        <form
            class="form-section departure-form"
            id="departure-form"
            novalidate=true
            on:submit=move |event: leptos::ev::SubmitEvent| {
                event.prevent_default();
                form.submit(|| input.get_untracked().0);
            }
        >
            <h3>{move || lang.t(Key::RecordDepartureTitle)}</h3>
            <div class="form-grid">
                <ChoiceField
                    id="departure-staff_id"
                    label=Key::Trainee
                    source
                    choices=|trainees| trainees
                    value=staff.value
                    on_change=staff.set
                    messages=form.messages("staff_id")
                    required=true
                />
                <FormText
                    form
                    path="left_on"
                    id="departure-left_on"
                    label=Key::LeftOn
                    field=bind(fields, |f| &f.left_on, |f| &mut f.left_on)
                    kind=InputKind::Date
                    required=true
                />
                <SelectField
                    id="departure-kind"
                    label=Key::DepartureKindLabel
                    values=DepartureKind::all()
                    code=DepartureKind::as_str
                    value=kind.value
                    on_change=kind.set
                    messages=form.messages("kind")
                    required=true
                />
            </div>
            <FormText
                form
                path="note"
                id="departure-note"
                label=Key::Note
                field=bind(fields, |f| &f.note, |f| &mut f.note)
                kind=InputKind::Multiline
            />
            {move || form.failure().map(|error| view! { <ProblemView error inline_fields=&["staff_id", "left_on", "kind", "note"] /> })}
            <SubmitButton id="record-departure" label=Key::RecordDepartureTitle pending=form.pending() />
        </form>
    }
}
