//! `/registry/staff/:id`: one member of staff, and the form that edits their licence,
//! scope of practice, department, monthly rotation limit and exemption, checked with the
//! shared validators as it is typed and saved at the version read (412: reload).

use chrono::NaiveDate;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use shared::Labelled;
use shared::auth::Capability;
use shared::registry::{
    DepartmentQuery, RotationExemption, SPECIALTIES, Staff, StaffInput, specialty_label,
};
use validator::Validate;

use super::may_manage;
use crate::api::{self, use_api};
use crate::components::filters::bind;
use crate::components::form::{
    CheckedSend, ChoiceField, FieldMessages, FormSection, FormText, InputKind, SelectField,
    StaleNotice, SubmitButton, is_stale, rule_messages,
};
use crate::components::{FieldErrors, InvalidId, Loading, ProblemView, loaded, use_id_param};
use crate::contexts::{use_lang, use_session};
use crate::i18n::{Key, t};

/// The fields this form shows messages next to.
const STAFF_FIELDS: &[&str] = &[
    "licence_number",
    "citizen_id",
    "licence_valid_from",
    "licence_valid_until",
    "specialties",
    "department_id",
    "monthly_rotation_day_limit",
    "rotation_exemption",
];

/// The edited fields as typed.
#[derive(Debug, Clone, Default, PartialEq)]
struct Draft {
    licence_number: String,
    /// Empty for someone not shown it: the server then keeps the recorded one.
    citizen_id: String,
    licence_valid_from: String,
    licence_valid_until: String,
    specialties: Vec<String>,
    department_id: String,
    limit: String,
    exemption: String,
}

impl Draft {
    fn of(staff: &Staff) -> Self {
        let date = |date: Option<NaiveDate>| date.map(|d| d.to_string()).unwrap_or_default();
        Draft {
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
        }
    }

    /// The body these fields make of `staff`, and the fields that cannot be read.
    fn input(&self, staff: &Staff, lang: shared::Lang) -> (StaffInput, FieldMessages) {
        let mut unreadable = FieldMessages::new();
        let mut say = |path: &str, key: Key| {
            unreadable
                .entry(path.to_string())
                .or_default()
                .push(t(lang, key).to_string());
        };
        let mut date = |path: &str, text: &str| {
            let text = text.trim();
            if text.is_empty() {
                return None;
            }
            let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
            if date.is_none() {
                say(path, Key::DateRequired);
            }
            date
        };
        let licence_valid_from = date("licence_valid_from", &self.licence_valid_from);
        let licence_valid_until = date("licence_valid_until", &self.licence_valid_until);
        let limit = self.limit.trim().parse().unwrap_or_else(|_| {
            say("monthly_rotation_day_limit", Key::NotANumber);
            staff.monthly_rotation_day_limit
        });
        let licence_number = self.licence_number.trim();
        let input = StaffInput {
            licence_number: (!licence_number.is_empty()).then(|| licence_number.to_string()),
            citizen_id: Some(self.citizen_id.trim().to_string()).filter(|id| !id.is_empty()),
            licence_valid_from,
            licence_valid_until,
            specialties: self.specialties.clone(),
            department_id: self.department_id.parse().ok(),
            monthly_rotation_day_limit: limit,
            rotation_exemption: self.exemption.parse().ok(),
            ..staff.to_input()
        };
        (input, unreadable)
    }
}

/// One member of staff, with the edit form for those allowed to edit them.
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
                        Some(staff) => view! { <StaffForm staff reload /> }.into_any(),
                    })
                })}
            </Transition>
        </section>
    }
}

/// The form over one member of staff as read.
#[component]
fn StaffForm(staff: Staff, reload: Callback<()>) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let session = use_session();
    let editable = may_manage(session, Capability::ManageStaff, staff.facility_id);
    let draft = RwSignal::new(Draft::of(&staff));
    // The record as last saved: its version goes with the next save.
    let current = StoredValue::new(staff.clone());
    let saved = RwSignal::new(false);
    let facility_id = staff.facility_id;
    let departments = LocalResource::new(move || async move {
        let query = DepartmentQuery {
            facility_id: Some(facility_id),
            limit: Some(shared::page::MAX_LIMIT),
            ..Default::default()
        };
        api::registry::departments(api, &query).await
    });

    let input = move || {
        let lang = lang.get();
        draft.with(|draft| current.with_value(|staff| draft.input(staff, lang)))
    };
    let problems = Memo::new(move |_| {
        let (input, mut messages) = input();
        for (path, list) in rule_messages(input.validate(), lang.get()) {
            messages.entry(path).or_insert(list);
        }
        messages
    });
    let form = CheckedSend::new(problems, move |input: StaffInput| {
        let (id, version) = current.with_value(|staff| (staff.id, staff.version));
        async move { api::registry::update_staff(api, id, version, &input).await }
    });
    let form = form.on_answer(move |answer: Staff| {
        current.set_value(answer);
        form.tried.set(false);
        saved.set(true);
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

    let profession = staff.profession;
    let heading = view! {
        <header class="page-header">
            <h1 id="staff-name">{staff.full_name.clone()}</h1>
            <p class="muted">
                {move || profession.label(lang.get())}
                {staff.title.clone().map(|title| format!(", {title}"))}
            </p>
        </header>
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
    view! {
        {heading}
        <form class="form staff-form" id="staff-form" novalidate on:submit=on_submit>
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
                </div>
            </FormSection>
            <StaleNotice id="staff-stale" failure on_reload=reload />
            {move || {
                form.failure()
                    .filter(|error| !is_stale(error))
                    .map(|error| view! { <ProblemView error inline_fields=STAFF_FIELDS /> })
            }}
            <div class="form-actions">
                <SubmitButton id="save-staff" label=Key::Save pending=form.pending() />
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
