//! `/registry/staff/:id`: one member of staff, the form that edits who they are, their
//! licence, scope of practice, department, monthly rotation limit and exemption
//! (checked with the shared validators as it is typed, saved at the version read; 412:
//! reload), and their leave; `/registry/staff/new`: the same form for a new member of
//! staff, who is then opened.

use chrono::NaiveDate;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use shared::Labelled;
use shared::auth::Capability;
use shared::registry::{
    DepartmentQuery, Profession, RotationExemption, SPECIALTIES, Staff, StaffInput, specialty_label,
};

use super::facility_edit::{all_facilities, facility_choices};
use super::leave::LeaveSection;
use super::may_manage;
use crate::api::{self, IdempotencyKeys, use_api};
use crate::components::filters::{CheckFilter, bind};
use crate::components::form::{
    CheckedSend, ChoiceField, FieldMessages, FormSection, FormText, InputKind, SelectField,
    StaleNotice, SubmitButton, Unreadable, input_problems, is_stale,
};
use crate::components::{FieldErrors, InvalidId, Loading, ProblemView, loaded, use_id_param};
use crate::contexts::{use_lang, use_session};
use crate::i18n::Key;
use crate::pages::query::non_blank;

/// The fields this form shows messages next to.
const STAFF_FIELDS: &[&str] = &[
    "facility_id",
    "full_name",
    "profession",
    "code",
    "title",
    "phone",
    "email",
    "licence_number",
    "citizen_id",
    "licence_valid_from",
    "licence_valid_until",
    "specialties",
    "department_id",
    "monthly_rotation_day_limit",
    "rotation_exemption",
];

/// The fields as typed.
#[derive(Debug, Clone, Default, PartialEq)]
struct Draft {
    facility_id: String,
    full_name: String,
    profession: String,
    code: String,
    title: String,
    phone: String,
    email: String,
    licence_number: String,
    /// Empty for someone not shown it: the server then keeps the recorded one.
    citizen_id: String,
    licence_valid_from: String,
    licence_valid_until: String,
    specialties: Vec<String>,
    department_id: String,
    limit: String,
    exemption: String,
    /// Employed.
    active: bool,
}

impl Draft {
    fn of(staff: &Staff) -> Self {
        let date = |date: Option<NaiveDate>| date.map(|d| d.to_string()).unwrap_or_default();
        Draft {
            facility_id: staff.facility_id.to_string(),
            full_name: staff.full_name.clone(),
            profession: staff.profession.as_str().to_string(),
            code: staff.code.clone().unwrap_or_default(),
            title: staff.title.clone().unwrap_or_default(),
            phone: staff.phone.clone().unwrap_or_default(),
            email: staff.email.clone().unwrap_or_default(),
            licence_number: staff.licence_number.clone().unwrap_or_default(),
            citizen_id: staff.citizen_id.clone().unwrap_or_default(),
            licence_valid_from: date(staff.licence_valid_from),
            licence_valid_until: date(staff.licence_valid_until),
            specialties: staff.specialties.clone(),
            department_id: staff
                .department_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            limit: staff.monthly_rotation_day_limit.to_string(),
            exemption: staff
                .rotation_exemption
                .map(|e| e.as_str().to_string())
                .unwrap_or_default(),
            active: staff.active,
        }
    }

    /// A new member of staff of `facility_id`, with the API's default monthly limit.
    fn new_at(facility_id: i64) -> Self {
        Draft {
            facility_id: facility_id.to_string(),
            limit: "10".to_string(),
            active: true,
            ..Draft::default()
        }
    }

    /// The body these fields make, and the fields that cannot be read.
    fn input(&self, lang: shared::Lang) -> (StaffInput, FieldMessages) {
        let mut unreadable = Unreadable::new(lang);
        let facility_id = unreadable.choice::<i64>("facility_id", &self.facility_id);
        let profession = unreadable.choice::<Profession>("profession", &self.profession);
        let limit = self.limit.trim().parse().unwrap_or_else(|_| {
            unreadable.say("monthly_rotation_day_limit", Key::NotANumber);
            0
        });
        let licence_valid_from =
            unreadable.optional_date("licence_valid_from", &self.licence_valid_from);
        let licence_valid_until =
            unreadable.optional_date("licence_valid_until", &self.licence_valid_until);
        let input = StaffInput {
            facility_id: facility_id.unwrap_or_default(),
            department_id: self.department_id.parse().ok(),
            code: non_blank(&self.code),
            full_name: self.full_name.trim().to_string(),
            profession: profession.unwrap_or(Profession::Doctor),
            title: non_blank(&self.title),
            licence_number: non_blank(&self.licence_number),
            citizen_id: non_blank(&self.citizen_id),
            licence_valid_from,
            licence_valid_until,
            specialties: self.specialties.clone(),
            monthly_rotation_day_limit: limit,
            rotation_exemption: self.exemption.parse().ok(),
            phone: non_blank(&self.phone),
            email: non_blank(&self.email),
            active: self.active,
        };
        (input, unreadable.messages)
    }
}

/// One member of staff, with the edit form and their leave for those allowed to edit
/// them.
#[component]
pub fn StaffEditPage() -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let id = use_id_param();
    let staff = LocalResource::new(move || {
        let id = id.get();
        async move {
            match id {
                Some(id) => api::registry::staff_member(api, id).await.map(Some),
                None => Ok(None),
            }
        }
    });
    let reload = Callback::new(move |()| staff.refetch());
    view! {
        <section class="page staff-edit-page">
            <p class="breadcrumb">
                <A href="/registry/staff">{move || lang.t(Key::BackToStaff)}</A>
            </p>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    loaded(staff.await, move |found| match found {
                        None => view! { <InvalidId back="/registry/staff" back_label=Key::BackToStaff /> }.into_any(),
                        Some(staff) => {
                            let facility_id = staff.facility_id;
                            let leave = staff.clone();
                            view! {
                                <StaffForm staff=Some(staff) facility_id reload />
                                <LeaveSection staff=leave reload />
                            }
                            .into_any()
                        }
                    })
                })}
            </Transition>
        </section>
    }
}

/// `/registry/staff/new[?facility_id=…]`: a new member of staff of that facility (by
/// default the reader's own); once created, their page.
#[component]
pub fn NewStaffPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let query = use_query_map();
    let facility_id = Memo::new(move |_| {
        query
            .with(|query| query.get("facility_id")?.parse::<i64>().ok())
            .or_else(|| session.me().map(|me| me.facility.id))
    });
    view! {
        <section class="page staff-edit-page">
            <p class="breadcrumb">
                <A href="/registry/staff">{move || lang.t(Key::BackToStaff)}</A>
            </p>
            {move || {
                facility_id
                    .get()
                    .map(|facility_id| {
                        view! { <StaffForm staff=None facility_id reload=Callback::new(|()| {}) /> }
                    })
            }}
        </section>
    }
}

/// The form over one member of staff as read, or over a new one of `facility_id`.
#[component]
fn StaffForm(
    /// The member edited; none: a new one.
    staff: Option<Staff>,
    /// Their facility (a new member's, until another is chosen).
    facility_id: i64,
    /// Reads the member again (after a 412).
    reload: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let session = use_session();
    let navigate = use_navigate();
    let creating = staff.is_none();
    let draft = RwSignal::new(
        staff
            .as_ref()
            .map_or_else(|| Draft::new_at(facility_id), Draft::of),
    );
    let editable = may_manage(session, Capability::ManageStaff, facility_id);
    // The record as last saved: its version goes with the next save.
    let current = StoredValue::new(staff.clone());
    let saved = RwSignal::new(false);
    let chosen_facility = Memo::new(move |_| draft.with(|d| d.facility_id.parse::<i64>().ok()));
    let departments = LocalResource::new(move || {
        let facility_id = chosen_facility.get();
        async move {
            let query = DepartmentQuery {
                facility_id,
                limit: Some(shared::page::MAX_LIMIT),
                ..Default::default()
            };
            api::registry::departments(api, &query).await
        }
    });

    let input = move || {
        let lang = lang.get();
        draft.with(|draft| draft.input(lang))
    };
    let problems = input_problems(lang, input);
    let keys = IdempotencyKeys::<StaffInput>::new();
    let form = CheckedSend::new(problems, move |input: StaffInput| {
        let existing = current.with_value(|staff| staff.as_ref().map(|s| (s.id, s.version)));
        let key = keys.for_body(&input);
        async move {
            match existing {
                Some((id, version)) => api::registry::update_staff(api, id, version, &input).await,
                None => api::registry::create_staff(api, &input, &key).await,
            }
        }
    });
    let form = form.on_answer(move |answer: Staff| {
        if creating {
            navigate(
                &format!("/registry/staff/{}", answer.id),
                Default::default(),
            );
        } else {
            current.set_value(Some(answer));
            form.tried.set(false);
            saved.set(true);
        }
    });
    Effect::new(move |_| {
        draft.track();
        saved.set(false);
    });
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        form.submit(|| untrack(input).0);
    };
    let failure = Signal::derive(move || form.failure());

    let heading = match &staff {
        Some(staff) => {
            let profession = staff.profession;
            view! {
                <header class="page-header">
                    <h1 id="staff-name">{staff.full_name.clone()}</h1>
                    <p class="muted">
                        {move || profession.label(lang.get())}
                        {staff.title.clone().map(|title| format!(", {title}"))}
                    </p>
                </header>
            }
            .into_any()
        }
        None => view! {
            <header class="page-header">
                <h1 id="staff-name">{move || lang.t(Key::NewStaff)}</h1>
            </header>
        }
        .into_any(),
    };
    if !editable {
        return view! {
            {heading}
            <p class="muted" id="staff-read-only">{move || lang.t(Key::NotYoursToEdit)}</p>
        }
        .into_any();
    }

    let exemption = bind(draft, |d| &d.exemption, |d| &mut d.exemption);
    let department = bind(draft, |d| &d.department_id, |d| &mut d.department_id);
    let profession = bind(draft, |d| &d.profession, |d| &mut d.profession);
    let facility = bind(draft, |d| &d.facility_id, |d| &mut d.facility_id);
    // Only those who manage the whole registry choose the facility of a new member;
    // the others add staff to their own.
    let facility_choice = (creating && session.can(Capability::ManageFacilities)).then(|| {
        view! {
            <ChoiceField
                id="f-facility_id"
                label=Key::Facility
                source=all_facilities()
                choices=facility_choices
                value=facility.value
                on_change=Callback::new(move |chosen: String| {
                    facility.set.run(chosen);
                    // A department belongs to one facility.
                    draft.update(|d| d.department_id.clear());
                })
                messages=form.messages("facility_id")
                required=true
            />
        }
    });
    view! {
        {heading}
        <form class="form staff-form" id="staff-form" novalidate on:submit=on_submit>
            <FormSection legend=Key::StaffIdentity id="staff-identity">
                <div class="form-grid">
                    {facility_choice}
                    <FormText form path="full_name" label=Key::FullName field=bind(draft, |d| &d.full_name, |d| &mut d.full_name) required=true eager=true />
                    <SelectField
                        id="f-profession"
                        label=Key::Profession
                        values=Profession::all()
                        code=Profession::as_str
                        value=profession.value
                        on_change=profession.set
                        messages=form.messages("profession")
                        required=true
                    />
                    <FormText form path="title" label=Key::TitleOrDegree field=bind(draft, |d| &d.title, |d| &mut d.title) eager=true />
                    <FormText form path="code" label=Key::EmployeeCode field=bind(draft, |d| &d.code, |d| &mut d.code) eager=true />
                    <FormText form path="phone" label=Key::Phone field=bind(draft, |d| &d.phone, |d| &mut d.phone) eager=true />
                    <FormText form path="email" label=Key::Email field=bind(draft, |d| &d.email, |d| &mut d.email) eager=true />
                </div>
            </FormSection>
            <FormSection legend=Key::Licence id="staff-licence">
                <div class="form-grid">
                    <FormText
                        form
                        path="licence_number"
                        label=Key::LicenceNumber
                        field=bind(draft, |d| &d.licence_number, |d| &mut d.licence_number)
                        eager=true
                    />
                    <FormText
                        form
                        path="citizen_id"
                        label=Key::CitizenId
                        field=bind(draft, |d| &d.citizen_id, |d| &mut d.citizen_id)
                        eager=true
                    />
                    <FormText
                        form
                        path="licence_valid_from"
                        label=Key::LicenceValidFrom
                        field=bind(draft, |d| &d.licence_valid_from, |d| &mut d.licence_valid_from)
                        kind=InputKind::Date
                        eager=true
                    />
                    <FormText
                        form
                        path="licence_valid_until"
                        label=Key::LicenceValidUntil
                        field=bind(draft, |d| &d.licence_valid_until, |d| &mut d.licence_valid_until)
                        kind=InputKind::Date
                        eager=true
                    />
                </div>
            </FormSection>
            <FormSection legend=Key::ScopeOfPractice id="staff-scope">
                <SpecialtyChecks
                    id="f-specialties"
                    chosen=bind(draft, |d| &d.specialties, |d| &mut d.specialties)
                    messages=form.messages("specialties")
                />
                <ScopeTechniques codes=Signal::derive(move || draft.with(|d| d.specialties.clone())) />
            </FormSection>
            <FormSection legend=Key::WorkAndRotation id="staff-work">
                <div class="form-grid">
                    <ChoiceField
                        id="f-department_id"
                        label=Key::Department
                        source=departments
                        choices=|page| page.items.into_iter().map(|d| (d.id, d.name)).collect()
                        value=department.value
                        on_change=department.set
                        messages=form.messages("department_id")
                    />
                    <FormText
                        form
                        path="monthly_rotation_day_limit"
                        label=Key::MonthlyRotationLimit
                        field=bind(draft, |d| &d.limit, |d| &mut d.limit)
                        kind=InputKind::Number
                        required=true
                        eager=true
                    />
                    <SelectField
                        id="f-rotation_exemption"
                        label=Key::RotationExemptionLabel
                        values=RotationExemption::all()
                        code=RotationExemption::as_str
                        value=exemption.value
                        on_change=exemption.set
                        messages=form.messages("rotation_exemption")
                    />
                    // Someone who leaves is marked so, not deleted: plans keep naming them.
                    {(!creating).then(|| view! {
                        <CheckFilter id="f-active" label=Key::Employed field=bind(draft, |d| &d.active, |d| &mut d.active) />
                    })}
                </div>
            </FormSection>
            <StaleNotice id="staff-stale" failure on_reload=reload />
            {move || {
                form.failure()
                    .filter(|error| !is_stale(error))
                    .map(|error| view! { <ProblemView error inline_fields=STAFF_FIELDS /> })
            }}
            <div class="form-actions">
                <SubmitButton id="save-staff" label=if creating { Key::CreateStaff } else { Key::Save } pending=form.pending() />
                {move || {
                    saved.get().then(|| view! {
                        <span class="badge ok" role="status" id="staff-saved">{move || lang.t(Key::SavedChanges)}</span>
                    })
                }}
            </div>
        </form>
    }
    .into_any()
}

/// Checkboxes over the specialty catalogue (`#{id}-{code}`), with the messages under them.
#[component]
pub(super) fn SpecialtyChecks(
    /// Element id of the group.
    id: &'static str,
    /// The codes chosen, and what changes them.
    chosen: crate::components::filters::Bound<Vec<String>>,
    /// Messages to show under the group.
    #[prop(into)]
    messages: Signal<Vec<String>>,
) -> impl IntoView {
    let lang = use_lang();
    let errors_id = format!("{id}-errors");
    let boxes = SPECIALTIES
        .iter()
        .map(|(code, _, _)| {
            let code: &'static str = code;
            let toggle = move |_| {
                let mut codes = chosen.value.get_untracked();
                match codes.iter().position(|c| c == code) {
                    Some(at) => {
                        codes.remove(at);
                    }
                    None => codes.push(code.to_string()),
                }
                chosen.set.run(codes);
            };
            view! {
                <label class="check">
                    <input
                        type="checkbox"
                        id=format!("{id}-{code}")
                        prop:checked=move || chosen.value.with(|codes| codes.iter().any(|c| c == code))
                        on:change=toggle
                    />
                    {move || specialty_label(code, lang.get()).to_string()}
                </label>
            }
        })
        .collect_view();
    view! {
        <div class="check-grid" id=id role="group" aria-describedby=errors_id.clone()>
            {boxes}
        </div>
        <FieldErrors id=errors_id messages />
    }
}

/// The techniques in a person's scope of practice besides the specialties (a technique
/// transfer adds those its trainees were certified in), by their catalogue names
/// (`#staff-techniques`); nothing when there are none.
#[component]
fn ScopeTechniques(
    /// The codes of the scope of practice.
    codes: Signal<Vec<String>>,
) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let techniques = Memo::new(move |_| {
        codes.with(|codes| {
            codes
                .iter()
                .filter(|code| !SPECIALTIES.iter().any(|(known, _, _)| known == *code))
                .cloned()
                .collect::<Vec<String>>()
        })
    });
    let catalogue = LocalResource::new(move || api::registry::active_techniques(api));
    move || {
        let wanted = techniques.get();
        (!wanted.is_empty()).then(|| {
            view! {
                <h3 class="field-label">{move || lang.t(Key::ScopeTechniques)}</h3>
                <Transition fallback=|| view! { <Loading /> }>
                    {move || {
                        let wanted = wanted.clone();
                        Suspend::new(async move {
                            loaded(catalogue.await, move |catalogue| {
                                let items = wanted
                                    .into_iter()
                                    .map(|code| {
                                        let name = catalogue
                                            .iter()
                                            .find(|t| t.code == code)
                                            .map_or_else(|| code.clone(), |t| t.name.clone());
                                        view! { <li class="chip" data-technique=code>{name}</li> }
                                    })
                                    .collect_view();
                                view! { <ul class="plain-list" id="staff-techniques">{items}</ul> }
                            })
                        })
                    }}
                </Transition>
            }
        })
    }
}
