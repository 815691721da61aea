//! `/transfers/new` and `/transfers/:id/edit`: an agreement's draft — its title, the two
//! facilities, the techniques of the catalogue it transfers, the person responsible on
//! each side (from that facility's staff), its dates and note. The form checks itself
//! with the shared `AgreementInput` rules; the server's field messages show beside the
//! same fields.

use std::collections::BTreeSet;

use chrono::{NaiveDate, Utc};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use shared::page::Page;
use shared::registry::{Facility, FacilityQuery, Staff, StaffQuery};
use shared::technique::Technique;
use shared::time::vietnam_date;
use shared::transfer::{Agreement, AgreementAction, AgreementInput};
use validator::Validate;

use super::{BASE, agreement_href, may_coordinate, optional, person};
use crate::api::{self, IdempotencyKeys, use_api};
use crate::components::filters::bind;
use crate::components::form::{
    CheckedSend, ChoiceField, FieldMessages, FormSection, FormText, InputKind, SubmitButton,
    rule_messages,
};
use crate::components::{FieldErrors, InvalidId, Loading, ProblemView, loaded, use_id_param};
use crate::contexts::{use_lang, use_session};
use crate::i18n::{Key, t};

/// The form's fields as typed.
#[derive(Debug, Clone, Default, PartialEq)]
struct AgreementForm {
    title: String,
    giving: String,
    receiving: String,
    techniques: BTreeSet<String>,
    giving_lead: String,
    receiving_lead: String,
    starts_on: String,
    ends_on: String,
    note: String,
}

impl AgreementForm {
    /// A new draft given by `own` (the reader's facility), starting `today`.
    fn new(own: Option<i64>, today: NaiveDate) -> AgreementForm {
        AgreementForm {
            giving: own.map(|id| id.to_string()).unwrap_or_default(),
            starts_on: today.to_string(),
            ..AgreementForm::default()
        }
    }

    /// The draft as it is now.
    fn of(agreement: &Agreement) -> AgreementForm {
        let input = agreement.to_input();
        AgreementForm {
            title: input.title,
            giving: input.giving_facility_id.to_string(),
            receiving: input.receiving_facility_id.to_string(),
            techniques: input.techniques.into_iter().collect(),
            giving_lead: input.giving_lead_id.to_string(),
            receiving_lead: input.receiving_lead_id.to_string(),
            starts_on: input.starts_on.to_string(),
            ends_on: input.ends_on.map(|d| d.to_string()).unwrap_or_default(),
            note: input.note.unwrap_or_default(),
        }
    }

    /// The request body the form describes, and what could not be read.
    fn to_input(&self, lang: shared::Lang) -> (AgreementInput, FieldMessages) {
        let mut unreadable = FieldMessages::new();
        let day = |text: &str| NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok();
        let starts_on = day(&self.starts_on).unwrap_or_else(|| {
            unreadable.insert("starts_on".into(), vec![t(lang, Key::DateRequired).into()]);
            NaiveDate::default()
        });
        let id = |text: &str| text.trim().parse::<i64>().unwrap_or(0);
        let input = AgreementInput {
            title: self.title.trim().to_string(),
            giving_facility_id: id(&self.giving),
            receiving_facility_id: id(&self.receiving),
            techniques: self.techniques.iter().cloned().collect(),
            giving_lead_id: id(&self.giving_lead),
            receiving_lead_id: id(&self.receiving_lead),
            starts_on,
            ends_on: day(&self.ends_on),
            note: optional(&self.note),
        };
        (input, unreadable)
    }
}

/// Fields whose messages show next to their inputs.
const INLINE: &[&str] = &[
    "title",
    "giving_facility_id",
    "receiving_facility_id",
    "techniques",
    "giving_lead_id",
    "receiving_lead_id",
    "starts_on",
    "ends_on",
    "note",
];

/// What shows instead of the form to those who do not coordinate transfers.
#[component]
fn CoordinatorsOnly() -> impl IntoView {
    let lang = use_lang();
    view! {
        <section class="page">
            <p class="breadcrumb"><A href=BASE>{move || lang.t(Key::BackToTransfers)}</A></p>
            <div class="notice" role="status"><p>{move || lang.t(Key::TransferCoordinatorsOnly)}</p></div>
        </section>
    }
}

/// `/transfers/new`.
#[component]
pub fn NewAgreementPage() -> impl IntoView {
    let may = may_coordinate();
    move || {
        if may() {
            view! { <AgreementFormView draft=None /> }.into_any()
        } else {
            view! { <CoordinatorsOnly /> }.into_any()
        }
    }
}

/// `/transfers/:id/edit`: the draft, while it may be edited.
#[component]
pub fn EditAgreementPage() -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let id = use_id_param();
    let agreement = LocalResource::new(move || {
        let id = id.get();
        async move {
            match id {
                Some(id) => api::transfers::agreement(api, id).await.map(Some),
                None => Ok(None),
            }
        }
    });
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                loaded(agreement.await, move |agreement| match agreement {
                    None => view! { <InvalidId back=BASE back_label=Key::BackToTransfers /> }.into_any(),
                    Some(agreement) if agreement.allowed_actions.contains(&AgreementAction::Edit) => {
                        view! { <AgreementFormView draft=Some(agreement) /> }.into_any()
                    }
                    Some(agreement) => view! {
                        <section class="page">
                            <p class="breadcrumb">
                                <A href=agreement_href(agreement.id)>{move || lang.t(Key::BackToAgreement)}</A>
                            </p>
                            <div class="notice" role="status"><p>{move || lang.t(Key::OnlyDraftsEdited)}</p></div>
                        </section>
                    }
                    .into_any(),
                })
            })}
        </Transition>
    }
}

/// The staff of the facility whose id `facility` holds (none chosen: nobody).
fn staff_of(facility: Signal<String>) -> LocalResource<Result<Page<Staff>, api::ApiError>> {
    let api = use_api();
    LocalResource::new(move || {
        let facility_id = facility.get().parse::<i64>().ok();
        async move {
            match facility_id {
                Some(facility_id) => {
                    let query = StaffQuery {
                        facility_id: Some(facility_id),
                        active: Some(true),
                        limit: Some(shared::page::MAX_LIMIT),
                        ..StaffQuery::default()
                    };
                    api::registry::staff(api, &query).await
                }
                None => Ok(Page {
                    items: Vec::new(),
                    next_cursor: None,
                }),
            }
        }
    })
}

fn staff_choices(page: Page<Staff>) -> Vec<(i64, String)> {
    page.items
        .into_iter()
        .map(|member| {
            (
                member.id,
                person(member.title.as_deref(), &member.full_name),
            )
        })
        .collect()
}

fn facility_choices(page: Page<Facility>) -> Vec<(i64, String)> {
    page.items
        .into_iter()
        .map(|facility| (facility.id, facility.name))
        .collect()
}

/// The form, empty (`draft` none) or with a draft to replace.
#[component]
fn AgreementFormView(draft: Option<Agreement>) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let session = use_session();
    let navigate = use_navigate();
    let own = untrack(move || session.me().map(|me| me.facility.id));
    let editing = draft
        .as_ref()
        .map(|agreement| (agreement.id, agreement.version));
    let fields = RwSignal::new(match &draft {
        Some(agreement) => AgreementForm::of(agreement),
        None => AgreementForm::new(own, vietnam_date(Utc::now())),
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
    let keys = IdempotencyKeys::<AgreementInput>::new();
    let form = CheckedSend::new(problems, move |body: AgreementInput| async move {
        match editing {
            Some((id, version)) => api::transfers::update_agreement(api, id, version, &body).await,
            None => {
                let key = keys.for_body(&body);
                api::transfers::create_agreement(api, &body, &key).await
            }
        }
    })
    .on_answer(move |agreement| navigate(&agreement_href(agreement.id), Default::default()));
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        form.submit(|| input.get_untracked().0);
    };

    let facilities = LocalResource::new(move || async move {
        let query = FacilityQuery {
            limit: Some(shared::page::MAX_LIMIT),
            ..FacilityQuery::default()
        };
        api::registry::facilities(api, &query).await
    });
    let catalogue = LocalResource::new(move || api::registry::active_techniques(api));
    let giving = bind(fields, |f| &f.giving, |f| &mut f.giving);
    let receiving = bind(fields, |f| &f.receiving, |f| &mut f.receiving);
    let giving_lead = bind(fields, |f| &f.giving_lead, |f| &mut f.giving_lead);
    let receiving_lead = bind(fields, |f| &f.receiving_lead, |f| &mut f.receiving_lead);
    let giving_staff = staff_of(giving.value);
    let receiving_staff = staff_of(receiving.value);
    // A lead belongs to the facility chosen: another facility, another lead.
    let changed_facility = |lead: fn(&mut AgreementForm) -> &mut String| {
        move |id: String| {
            fields.update(|f| *lead(f) = String::new());
            id
        }
    };
    let set_giving = {
        let clear = changed_facility(|f| &mut f.giving_lead);
        Callback::new(move |id: String| giving.set.run(clear(id)))
    };
    let set_receiving = {
        let clear = changed_facility(|f| &mut f.receiving_lead);
        Callback::new(move |id: String| receiving.set.run(clear(id)))
    };

    let text = move |path, label, field, kind, required| {
        view! { <FormText form path label field kind required /> }
    };
    let heading = if editing.is_some() {
        Key::EditAgreement
    } else {
        Key::NewAgreement
    };
    let back = match editing {
        Some((id, _)) => {
            view! { <A href=agreement_href(id)>{move || lang.t(Key::BackToAgreement)}</A> }
                .into_any()
        }
        None => view! { <A href=BASE>{move || lang.t(Key::BackToTransfers)}</A> }.into_any(),
    };

    view! {
        <section class="page agreement-form">
            <p class="breadcrumb">{back}</p>
            <header class="page-header">
                <h1>{move || lang.t(heading)}</h1>
            </header>
            <form id="agreement-form" class="slip-form" on:submit=on_submit novalidate=true>
                <fieldset class="form-section">
                    {text("title", Key::AgreementTitle, bind(fields, |f| &f.title, |f| &mut f.title), InputKind::Text, true)}
                    <div class="form-grid">
                        <ChoiceField
                            id="f-giving_facility_id"
                            label=Key::GivingFacility
                            source=facilities
                            choices=facility_choices
                            value=giving.value
                            on_change=set_giving
                            messages=form.messages("giving_facility_id")
                            required=true
                        />
                        <ChoiceField
                            id="f-giving_lead_id"
                            label=Key::GivingLead
                            source=giving_staff
                            choices=staff_choices
                            value=giving_lead.value
                            on_change=giving_lead.set
                            messages=form.messages("giving_lead_id")
                            required=true
                        />
                        <ChoiceField
                            id="f-receiving_facility_id"
                            label=Key::ReceivingFacility
                            source=facilities
                            choices=facility_choices
                            value=receiving.value
                            on_change=set_receiving
                            messages=form.messages("receiving_facility_id")
                            required=true
                        />
                        <ChoiceField
                            id="f-receiving_lead_id"
                            label=Key::ReceivingLead
                            source=receiving_staff
                            choices=staff_choices
                            value=receiving_lead.value
                            on_change=receiving_lead.set
                            messages=form.messages("receiving_lead_id")
                            required=true
                        />
                        {text("starts_on", Key::StartsOn, bind(fields, |f| &f.starts_on, |f| &mut f.starts_on), InputKind::Date, true)}
                        {text("ends_on", Key::EndsOn, bind(fields, |f| &f.ends_on, |f| &mut f.ends_on), InputKind::Date, false)}
                    </div>
                </fieldset>
                <FormSection legend=Key::TechniquesToTransfer id="f-techniques">
                    <div class="participant-list technique-choices">
                        <Transition fallback=|| view! { <Loading /> }>
                            {move || Suspend::new(async move {
                                loaded(catalogue.await, move |techniques| {
                                    techniques
                                        .into_iter()
                                        .map(|technique| view! { <TechniqueChoice technique fields /> })
                                        .collect_view()
                                })
                            })}
                        </Transition>
                    </div>
                    <FieldErrors id="f-techniques-errors" messages=form.messages("techniques") />
                </FormSection>
                <fieldset class="form-section">
                    {text("note", Key::AgreementNote, bind(fields, |f| &f.note, |f| &mut f.note), InputKind::Multiline, false)}
                </fieldset>
                {move || form.failure().map(|error| view! { <ProblemView error inline_fields=INLINE /> })}
                <div class="form-actions">
                    <SubmitButton id="save-agreement" label=heading pending=form.pending() />
                </div>
            </form>
        </section>
    }
}

/// One technique of the catalogue, ticked when the agreement transfers it
/// (`#technique-{code}`).
#[component]
fn TechniqueChoice(technique: Technique, fields: RwSignal<AgreementForm>) -> impl IntoView {
    let id = format!("technique-{}", technique.code);
    let label_for = id.clone();
    let code = technique.code.clone();
    let checked = {
        let code = code.clone();
        move || fields.with(|f| f.techniques.contains(&code))
    };
    view! {
        <label class="checkbox" for=label_for>
            <input
                type="checkbox"
                id=id
                value=code.clone()
                prop:checked=checked
                on:change=move |event| {
                    let on = event_target_checked(&event);
                    let code = code.clone();
                    fields.update(|f| {
                        if on {
                            f.techniques.insert(code);
                        } else {
                            f.techniques.remove(&code);
                        }
                    });
                }
            />
            {technique.name}
        </label>
    }
}

#[cfg(test)]
mod tests {
    use shared::Lang;

    use super::*;

    #[test]
    fn the_form_reads_into_the_shared_body_and_checks_it() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap_or_default();
        let mut form = AgreementForm::new(Some(3), today);
        assert_eq!(form.giving, "3");
        let (input, unreadable) = form.to_input(Lang::Vi);
        assert!(unreadable.is_empty());
        assert_eq!(input.starts_on, today);
        // Nothing chosen yet: the shared rules name the fields.
        let messages = rule_messages(input.validate(), Lang::Vi);
        for field in [
            "title",
            "techniques",
            "receiving_facility_id",
            "giving_lead_id",
        ] {
            assert!(messages.contains_key(field), "{field}: {messages:?}");
        }
        form.title = "Chuyển giao kỹ thuật châm cứu".into();
        form.receiving = "5".into();
        form.giving_lead = "10".into();
        form.receiving_lead = "20".into();
        form.techniques.insert("cham_cuu".into());
        form.note = "  ".into();
        let (input, _) = form.to_input(Lang::Vi);
        assert!(input.validate().is_ok(), "{:?}", input.validate());
        assert_eq!(input.note, None);
        form.starts_on = "7/12".into();
        let (_, unreadable) = form.to_input(Lang::Vi);
        assert!(unreadable.contains_key("starts_on"));
    }
}
