//! `/referrals/follow-ups`: the patients a hospital or the centre sent back, and what
//! the station must do for each by when. A visit is recorded (and may close the task);
//! a patient who does not come is marked missed.

use chrono::Utc;
use leptos::prelude::*;
use leptos_router::components::A;
use shared::Labelled;
use shared::referral::{
    FollowUp, FollowUpMissedInput, FollowUpQuery, FollowUpStatus, FollowUpVisitInput,
};
use shared::registry::FacilityKind;
use shared::time::vietnam_date;
use validator::Validate;

use super::{FlagBadges, ReferralTabs, Tab, may_handle_referrals, referral_href};
use crate::api::{self, use_api};
use crate::components::NoResults;
use crate::components::filters::{
    CheckFilter, EnumFilter, FilterForm, PagedList, UrlQuery, bind_url, cursor_field, use_url_query,
};
use crate::components::form::{
    CheckedSend, FieldMessages, InlineForm, InputKind, TextField, rule_messages,
};
use crate::components::list::{DataTable, Heading};
use crate::contexts::{use_lang, use_session};
use crate::i18n::{Key, format_date, format_datetime, t};
use crate::pages::query::{QueryParams, href_with, parse_param, text_param};

const PATH: &str = "/referrals/follow-ups";

/// The filters in the address: open follow-ups unless another status is asked for;
/// `status=all` (no status) lists every one.
impl UrlQuery for FollowUpQuery {
    fn from_params(params: &dyn QueryParams) -> Self {
        let status = match params.get_str("status") {
            Some("all") => None,
            _ => Some(parse_param(params, "status").unwrap_or(FollowUpStatus::Open)),
        };
        FollowUpQuery {
            facility_id: parse_param(params, "facility_id"),
            status,
            overdue: parse_param::<bool>(params, "overdue").filter(|overdue| *overdue),
            due_from: None,
            due_to: None,
            limit: None,
            cursor: text_param(params, "cursor"),
        }
    }

    fn href(&self) -> String {
        href_with(
            PATH,
            &[
                ("status", Some(status_code(self))),
                ("overdue", self.overdue.map(|o| o.to_string())),
                ("facility_id", self.facility_id.map(|id| id.to_string())),
                ("cursor", self.cursor.clone()),
            ],
        )
    }

    cursor_field!();
}

/// The status filter's code: a status, or `all`.
fn status_code(query: &FollowUpQuery) -> String {
    query
        .status
        .map_or("all", |status| status.as_str())
        .to_string()
}

fn set_status(query: &mut FollowUpQuery, code: String) {
    query.status = code.parse().ok();
}

fn set_overdue(query: &mut FollowUpQuery, overdue: bool) {
    query.overdue = overdue.then_some(true);
}

/// What the person is doing on one follow-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Recording {
    Visit(i64),
    Missed(i64),
}

/// The follow-up list.
#[component]
pub fn FollowUpsPage() -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let session = use_session();
    let query = use_url_query::<FollowUpQuery>();
    // A station sees its own follow-ups; others see those in their scope.
    let station = move || {
        session
            .me()
            .filter(|me| me.facility.kind == FacilityKind::HealthStation)
            .map(|me| me.facility.id)
    };
    let follow_ups = LocalResource::new(move || {
        let mut query = query.get();
        if query.facility_id.is_none() {
            query.facility_id = station();
        }
        async move { api::referrals::follow_ups(api, &query).await }
    });
    let recording = RwSignal::new(None::<Recording>);
    let refresh = Callback::new(move |()| {
        recording.set(None);
        follow_ups.refetch();
    });

    view! {
        <section class="page">
            <ReferralTabs current=Tab::FollowUps />
            <p class="muted">{move || lang.t(Key::FollowUpsSummary)}</p>
            // The filters apply as they change: there are only two.
            <FilterForm>
                <EnumFilter
                    id="filter-follow-up-status"
                    label=Key::Status
                    values=FollowUpStatus::all()
                    code=FollowUpStatus::as_str
                    any="all"
                    field=bind_url(query, status_code, set_status)
                />
                <CheckFilter
                    id="filter-follow-up-overdue"
                    label=Key::OverdueFollowUpsOnly
                    field=bind_url(query, |q| q.overdue == Some(true), set_overdue)
                />
            </FilterForm>
            <PagedList
                query
                page=follow_ups
                show=move |items| view! { <FollowUpTable items recording refresh /> }
            />
        </section>
    }
}

/// Follow-ups as a table; the form of the one being recorded opens under its row.
#[component]
fn FollowUpTable(
    items: Vec<FollowUp>,
    recording: RwSignal<Option<Recording>>,
    refresh: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    if items.is_empty() {
        return view! { <NoResults /> }.into_any();
    }
    // A station's list is all its own: the facility column would repeat its name.
    let show_facility = session
        .me()
        .is_none_or(|me| me.facility.kind != FacilityKind::HealthStation);
    let rows = items
        .into_iter()
        .map(|item| view! { <FollowUpRow item show_facility recording refresh /> })
        .collect_view();
    let mut headings = vec![Heading::Label(Key::DueOn), Heading::Label(Key::Patient)];
    if show_facility {
        headings.push(Heading::Label(Key::Facility));
    }
    headings.extend([
        Heading::Label(Key::Instructions),
        Heading::Label(Key::Status),
        Heading::Label(Key::Actions),
    ]);
    view! {
        <DataTable class="follow-ups" headings>
            {rows}
        </DataTable>
    }
    .into_any()
}

/// One follow-up, its visits, the buttons that open its forms and the form open.
#[component]
fn FollowUpRow(
    item: FollowUp,
    show_facility: bool,
    recording: RwSignal<Option<Recording>>,
    refresh: Callback<()>,
) -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let may_act = may_handle_referrals();
    let id = item.id;
    let status = item.status;
    let due = item.due_on;
    let my_facility = session.me().map(|me| me.facility.id);
    let workable = status == FollowUpStatus::Open && Some(item.facility.id) == my_facility;
    let patient = item
        .patient_name
        .clone()
        .unwrap_or_else(|| item.patient_initials.clone());
    let referral = item.back_referral_id.unwrap_or(item.referral_id);
    let columns = if show_facility { "6" } else { "5" };
    let visits = item
        .visits
        .iter()
        .map(|visit| {
            let day = visit.visited_on;
            let at = visit.recorded_at;
            view! {
                <li>
                    <strong>{move || format_date(lang.get(), day)}</strong>
                    ": "
                    {visit.notes.clone()}
                    <span class="muted small" title=move || format_datetime(lang.get(), at)>
                        " (" {visit.recorded_by.clone()} ")"
                    </span>
                </li>
            }
        })
        .collect_view();
    let open = move |what: Recording, class: &'static str, button_id: String, label: Key| {
        view! {
            <button
                type="button"
                class=class
                id=button_id
                on:click=move |_| recording.set(Some(what))
            >
                {move || lang.t(label)}
            </button>
        }
    };
    let actions = move || {
        (workable && may_act()).then(|| {
            view! {
                {open(Recording::Visit(id), "button primary small", format!("record-visit-{id}"), Key::RecordVisit)}
                {open(Recording::Missed(id), "button secondary small", format!("mark-missed-{id}"), Key::MarkMissed)}
            }
        })
    };
    let form = move || {
        let form = match recording.get()? {
            Recording::Visit(open) if open == id => {
                view! { <VisitForm id recording refresh /> }.into_any()
            }
            Recording::Missed(open) if open == id => {
                view! { <MissedForm id recording refresh /> }.into_any()
            }
            _ => return None,
        };
        Some(view! {
            <tr class="row-form">
                <td colspan=columns>{form}</td>
            </tr>
        })
    };
    view! {
        <tr class:row-overdue=item.overdue data-follow-up-id=id.to_string()>
            <td>
                <strong>{move || format_date(lang.get(), due)}</strong>
                <FlagBadges overdue=item.overdue expired=false />
            </td>
            <td class="patient-cell">
                {patient}
                <span class="muted small block">
                    <A href=referral_href(referral)>{move || lang.t(Key::ReferralLink)}</A>
                </span>
            </td>
            {show_facility.then(|| view! { <td>{item.facility.name.clone()}</td> })}
            <td>
                {item.instructions.clone()}
                <ul class="plain-list small">{visits}</ul>
            </td>
            <td>
                <span class=format!(
                    "badge follow-up-{}",
                    status.as_str(),
                )>{move || status.label(lang.get())}</span>
            </td>
            <td>
                <div class="row-actions">{actions}</div>
            </td>
        </tr>
        {form}
    }
}

/// The visit as typed, and what is wrong with it.
fn visit_input(
    visited_on: &str,
    notes: &str,
    close: bool,
    lang: shared::Lang,
) -> (FollowUpVisitInput, FieldMessages) {
    let day = visited_on.parse().ok();
    let input = FollowUpVisitInput {
        visited_on: day.unwrap_or_default(),
        notes: notes.trim().to_string(),
        close,
    };
    let mut problems = rule_messages(input.validate(), lang);
    if day.is_none() {
        problems.insert("visited_on".into(), vec![t(lang, Key::DateRequired).into()]);
    }
    (input, problems)
}

/// Records a visit: the day, what was found and done, and whether follow-up ends.
#[component]
fn VisitForm(
    id: i64,
    recording: RwSignal<Option<Recording>>,
    refresh: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let visited_on = RwSignal::new(vietnam_date(Utc::now()).to_string());
    let notes = RwSignal::new(String::new());
    let close = RwSignal::new(false);
    let typed = move || visit_input(&visited_on.get(), &notes.get(), close.get(), lang.get());
    let form = CheckedSend::new(
        Memo::new(move |_| typed().1),
        move |input: FollowUpVisitInput| async move {
            api::referrals::record_visit(api, id, &input).await
        },
    )
    .on_success(refresh);
    let close_id = format!("visit-close-{id}");
    view! {
        <InlineForm
            label=Key::RecordVisit
            pending=form.pending()
            problem=form.problem_besides(|_| true)
            on_save=Callback::new(move |()| form.submit(|| untrack(typed).0))
            on_close=Callback::new(move |()| recording.set(None))
        >
            <div class="form-grid">
                <TextField
                    id=format!("visit-date-{id}")
                    label=Key::VisitedOn
                    value=visited_on
                    on_input=Callback::new(move |text| visited_on.set(text))
                    messages=form.messages("visited_on")
                    kind=InputKind::Date
                    required=true
                />
                <TextField
                    id=format!("visit-notes-{id}")
                    label=Key::VisitNotes
                    value=notes
                    on_input=Callback::new(move |text| notes.set(text))
                    messages=form.messages("notes")
                    kind=InputKind::Multiline
                    required=true
                    class="span-2"
                />
            </div>
            <div class="field checkbox">
                <input
                    id=close_id.clone()
                    type="checkbox"
                    prop:checked=move || close.get()
                    on:change=move |event| close.set(event_target_checked(&event))
                />
                <label for=close_id>{move || lang.t(Key::CloseFollowUp)}</label>
            </div>
        </InlineForm>
    }
}

/// Marks the follow-up missed, saying what was tried.
#[component]
fn MissedForm(
    id: i64,
    recording: RwSignal<Option<Recording>>,
    refresh: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let reason = RwSignal::new(String::new());
    let typed = move || FollowUpMissedInput {
        reason: reason.get().trim().to_string(),
    };
    let problems = Memo::new(move |_| rule_messages(typed().validate(), lang.get()));
    let form = CheckedSend::new(problems, move |input: FollowUpMissedInput| async move {
        api::referrals::mark_missed(api, id, &input).await
    })
    .on_success(refresh);
    view! {
        <InlineForm
            label=Key::MarkMissed
            pending=form.pending()
            problem=form.problem_besides(|_| true)
            on_save=Callback::new(move |()| form.submit(|| untrack(typed)))
            on_close=Callback::new(move |()| recording.set(None))
        >
            <TextField
                id=format!("missed-reason-{id}")
                label=Key::MissedReason
                value=reason
                on_input=Callback::new(move |text| reason.set(text))
                messages=form.messages("reason")
                kind=InputKind::Multiline
                required=true
            />
        </InlineForm>
    }
}

#[cfg(test)]
mod tests {
    use shared::Lang;

    use super::*;
    use crate::components::filters::with_value;
    use crate::pages::query::params_of;

    #[test]
    fn open_follow_ups_unless_another_status_is_asked_for() {
        let bare = FollowUpQuery::from_params(&params_of(PATH));
        assert_eq!(bare.status, Some(FollowUpStatus::Open));
        let all = FollowUpQuery::from_params(&params_of("/x?status=all"));
        assert_eq!(all.status, None);
        assert_eq!(all.href(), format!("{PATH}?status=all"));
        let done = FollowUpQuery::from_params(&params_of("/x?status=done&overdue=true&cursor=c"));
        assert_eq!(done.status, Some(FollowUpStatus::Done));
        assert_eq!(FollowUpQuery::from_params(&params_of(&done.href())), done);
    }

    #[test]
    fn changing_a_filter_starts_from_the_first_page() {
        let current = FollowUpQuery::from_params(&params_of("/x?status=open&cursor=c"));
        let wanted = with_value(&current, set_status, "all".to_string());
        assert_eq!(wanted.href(), format!("{PATH}?status=all"));
        let wanted = with_value(&current, set_overdue, true);
        assert_eq!(wanted.href(), format!("{PATH}?status=open&overdue=true"));
        assert_eq!(with_value(&wanted, set_overdue, false).overdue, None);
    }

    #[test]
    fn a_visit_needs_a_day_and_notes() {
        let (input, problems) = visit_input("2026-03-04", " seen ", true, Lang::Vi);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(input.notes, "seen");
        let (_, problems) = visit_input("", "  ", false, Lang::Vi);
        assert_eq!(problems.keys().collect::<Vec<_>>(), ["notes", "visited_on"]);
    }
}
