//! `/referrals/follow-ups`: the patients a hospital or the centre sent back, and what
//! the station must do for each by when. A visit is recorded (and may close the task);
//! a patient who does not come is marked missed.

use chrono::Utc;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use shared::Labelled;
use shared::referral::{
    FollowUp, FollowUpMissedInput, FollowUpQuery, FollowUpStatus, FollowUpVisitInput,
};
use shared::registry::FacilityKind;
use shared::time::vietnam_date;
use shared::validation::field_messages;
use validator::Validate;

use super::{FlagBadges, ReferralTabs, Tab, may_handle_referrals, referral_href};
use crate::api::{self, ApiError, use_api};
use crate::components::form::{
    FieldMessages, InputKind, TextField, merge_messages, messages_at, server_messages,
};
use crate::components::{Loading, NoResults, Pager, ProblemView, enum_options, loaded};
use crate::contexts::{use_lang, use_session};
use crate::i18n::{Key, format_date, format_datetime, t};
use crate::pages::query::{QueryParams, href_with, parse_param, text_param};

const PATH: &str = "/referrals/follow-ups";

/// The filters in the address; open follow-ups unless another status is asked for
/// (`status=all` lists every one).
fn query_from(params: &dyn QueryParams) -> (FollowUpQuery, bool) {
    let all = params.get_str("status") == Some("all");
    let query = FollowUpQuery {
        facility_id: parse_param(params, "facility_id"),
        status: if all {
            None
        } else {
            Some(parse_param(params, "status").unwrap_or(FollowUpStatus::Open))
        },
        overdue: parse_param::<bool>(params, "overdue").filter(|overdue| *overdue),
        due_from: None,
        due_to: None,
        limit: None,
        cursor: text_param(params, "cursor"),
    };
    (query, all)
}

fn href(query: &FollowUpQuery, all: bool) -> String {
    let status = if all {
        Some("all".to_string())
    } else {
        query.status.map(|status| status.as_str().to_string())
    };
    href_with(
        PATH,
        &[
            ("status", status),
            ("overdue", query.overdue.map(|o| o.to_string())),
            ("facility_id", query.facility_id.map(|id| id.to_string())),
            ("cursor", query.cursor.clone()),
        ],
    )
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
    let params = use_query_map();
    let navigate = use_navigate();

    let parsed = Memo::new(move |_| params.with(|params| query_from(params)));
    // A station sees its own follow-ups; others see those in their scope.
    let station = move || {
        session
            .me()
            .filter(|me| me.facility.kind == FacilityKind::HealthStation)
            .map(|me| me.facility.id)
    };
    let follow_ups = LocalResource::new(move || {
        let (mut query, _) = parsed.get();
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

    let status_code = Signal::derive(move || {
        parsed.with(|(query, all)| {
            if *all {
                "all".to_string()
            } else {
                query
                    .status
                    .map(|status| status.as_str().to_string())
                    .unwrap_or_default()
            }
        })
    });
    let set_filter = move |status: String, overdue: bool| {
        let (query, _) = parsed.get_untracked();
        let all = status == "all";
        let wanted = FollowUpQuery {
            status: status.parse().ok(),
            overdue: overdue.then_some(true),
            cursor: None,
            ..query
        };
        navigate(&href(&wanted, all), Default::default());
    };
    let overdue_only = move || parsed.with(|(query, _)| query.overdue == Some(true));

    view! {
        <section class="page">
            <ReferralTabs current=Tab::FollowUps />
            <p class="muted">{move || lang.t(Key::FollowUpsSummary)}</p>
            <div class="filters">
                <div class="field">
                    <label for="filter-follow-up-status">{move || lang.t(Key::Status)}</label>
                    <select
                        id="filter-follow-up-status"
                        on:change={
                            let set_filter = set_filter.clone();
                            move |event| set_filter(event_target_value(&event), overdue_only())
                        }
                    >
                        <option value="all" prop:selected=move || status_code.with(|s| s == "all")>
                            {move || lang.t(Key::Any)}
                        </option>
                        {enum_options(FollowUpStatus::all(), FollowUpStatus::as_str, status_code, lang)}
                    </select>
                </div>
                <div class="field checkbox">
                    <input
                        id="filter-follow-up-overdue"
                        type="checkbox"
                        prop:checked=overdue_only
                        on:change=move |event| {
                            set_filter(status_code.get_untracked(), event_target_checked(&event))
                        }
                    />
                    <label for="filter-follow-up-overdue">
                        {move || lang.t(Key::OverdueFollowUpsOnly)}
                    </label>
                </div>
            </div>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    loaded(
                        follow_ups.await,
                        move |page| {
                            let (current, all) = parsed.get_untracked();
                            let first = current
                                .cursor
                                .is_some()
                                .then(|| href(&FollowUpQuery { cursor: None, ..current.clone() }, all));
                            let next = page
                                .next_cursor
                                .map(|cursor| {
                                    href(&FollowUpQuery { cursor: Some(cursor), ..current }, all)
                                });
                            view! {
                                <FollowUpTable items=page.items recording refresh />
                                <Pager first next />
                            }
                        },
                    )
                })}
            </Transition>
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
    let lang = use_lang();
    let session = use_session();
    let may_act = may_handle_referrals();
    if items.is_empty() {
        return view! { <NoResults /> }.into_any();
    }
    let my_facility = session.me().map(|me| me.facility.id);
    // A station's list is all its own: the facility column would repeat its name.
    let show_facility = session
        .me()
        .is_none_or(|me| me.facility.kind != FacilityKind::HealthStation);
    let columns = if show_facility { "6" } else { "5" };
    let rows = items
        .into_iter()
        .map(|item| {
            let id = item.id;
            let status = item.status;
            let due = item.due_on;
            let workable = status == FollowUpStatus::Open && Some(item.facility.id) == my_facility;
            let patient = item
                .patient_name
                .clone()
                .unwrap_or_else(|| item.patient_initials.clone());
            let referral = item.back_referral_id.unwrap_or(item.referral_id);
            let visits = item
                .visits
                .iter()
                .map(|visit| {
                    let day = visit.visited_on;
                    let notes = visit.notes.clone();
                    let by = visit.recorded_by.clone();
                    let at = visit.recorded_at;
                    view! {
                        <li>
                            <strong>{move || format_date(lang.get(), day)}</strong>
                            ": "
                            {notes}
                            <span class="muted small" title=move || format_datetime(lang.get(), at)>
                                " (" {by} ")"
                            </span>
                        </li>
                    }
                })
                .collect_view();
            let actions = move || {
                (workable && may_act()).then(|| {
                    view! {
                        <button
                            type="button"
                            class="button primary small"
                            id=format!("record-visit-{id}")
                            on:click=move |_| recording.set(Some(Recording::Visit(id)))
                        >
                            {move || lang.t(Key::RecordVisit)}
                        </button>
                        <button
                            type="button"
                            class="button secondary small"
                            id=format!("mark-missed-{id}")
                            on:click=move |_| recording.set(Some(Recording::Missed(id)))
                        >
                            {move || lang.t(Key::MarkMissed)}
                        </button>
                    }
                })
            };
            let form = move || match recording.get() {
                Some(Recording::Visit(open)) if open == id => Some(
                    view! {
                        <tr class="row-form">
                            <td colspan=columns>
                                <VisitForm id recording refresh />
                            </td>
                        </tr>
                    }
                    .into_any(),
                ),
                Some(Recording::Missed(open)) if open == id => Some(
                    view! {
                        <tr class="row-form">
                            <td colspan=columns>
                                <MissedForm id recording refresh />
                            </td>
                        </tr>
                    }
                    .into_any(),
                ),
                _ => None,
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
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="data follow-ups">
                <thead>
                    <tr>
                        <th scope="col">{move || lang.t(Key::DueOn)}</th>
                        <th scope="col">{move || lang.t(Key::Patient)}</th>
                        {show_facility
                            .then(|| view! { <th scope="col">{move || lang.t(Key::Facility)}</th> })}
                        <th scope="col">{move || lang.t(Key::Instructions)}</th>
                        <th scope="col">{move || lang.t(Key::Status)}</th>
                        <th scope="col">{move || lang.t(Key::Actions)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
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
    let tried = RwSignal::new(false);

    let body = move || -> (FollowUpVisitInput, FieldMessages) {
        let mut problems = FieldMessages::new();
        let day = visited_on.get().parse().ok();
        if day.is_none() {
            problems.insert(
                "visited_on".into(),
                vec![t(lang.get(), Key::DateRequired).into()],
            );
        }
        let input = FollowUpVisitInput {
            visited_on: day.unwrap_or_default(),
            notes: notes.get().trim().to_string(),
            close: close.get(),
        };
        if let Err(errors) = input.validate() {
            problems.extend(field_messages(&errors, lang.get()));
        }
        (input, problems)
    };
    let save = Action::new_local(move |input: &FollowUpVisitInput| {
        let input = input.clone();
        async move { api::referrals::record_visit(api, id, &input).await }
    });
    let shown = shown_messages(tried, body, save.value());
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            refresh.run(());
        }
    });
    let pending = save.pending();
    let submit = move |_| {
        tried.set(true);
        let (input, problems) = body();
        if problems.is_empty() {
            save.dispatch_local(input);
        }
    };
    view! {
        <div class="inline-form" role="group" aria-label=move || lang.t(Key::RecordVisit)>
            <div class="form-grid">
                <TextField
                    id=format!("visit-date-{id}")
                    label=Key::VisitedOn
                    value=visited_on
                    on_input=Callback::new(move |text| visited_on.set(text))
                    messages=messages_at(shown, || "visited_on".to_string())
                    kind=InputKind::Date
                    required=true
                />
                <TextField
                    id=format!("visit-notes-{id}")
                    label=Key::VisitNotes
                    value=notes
                    on_input=Callback::new(move |text| notes.set(text))
                    messages=messages_at(shown, || "notes".to_string())
                    kind=InputKind::Multiline
                    required=true
                    class="span-2"
                />
            </div>
            <div class="field checkbox">
                <input
                    id=format!("visit-close-{id}")
                    type="checkbox"
                    prop:checked=move || close.get()
                    on:change=move |event| close.set(event_target_checked(&event))
                />
                <label for=format!("visit-close-{id}")>{move || lang.t(Key::CloseFollowUp)}</label>
            </div>
            <FormFooter error=save_error(save.value()) pending recording submit />
        </div>
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
    let tried = RwSignal::new(false);
    let body = move || -> (FollowUpMissedInput, FieldMessages) {
        let input = FollowUpMissedInput {
            reason: reason.get().trim().to_string(),
        };
        let problems = input
            .validate()
            .err()
            .map(|errors| field_messages(&errors, lang.get()))
            .unwrap_or_default();
        (input, problems)
    };
    let save = Action::new_local(move |input: &FollowUpMissedInput| {
        let input = input.clone();
        async move { api::referrals::mark_missed(api, id, &input).await }
    });
    let shown = shown_messages(tried, body, save.value());
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            refresh.run(());
        }
    });
    let pending = save.pending();
    let submit = move |_| {
        tried.set(true);
        let (input, problems) = body();
        if problems.is_empty() {
            save.dispatch_local(input);
        }
    };
    view! {
        <div class="inline-form" role="group" aria-label=move || lang.t(Key::MarkMissed)>
            <TextField
                id=format!("missed-reason-{id}")
                label=Key::MissedReason
                value=reason
                on_input=Callback::new(move |text| reason.set(text))
                messages=messages_at(shown, || "reason".to_string())
                kind=InputKind::Multiline
                required=true
            />
            <FormFooter error=save_error(save.value()) pending recording submit />
        </div>
    }
}

/// The local problems once saving was tried, with the server's field messages.
fn shown_messages<I, T>(
    tried: RwSignal<bool>,
    body: impl Fn() -> (I, FieldMessages) + Send + Sync + 'static,
    value: MappedSignal<Option<Result<T, ApiError>>>,
) -> Signal<FieldMessages>
where
    T: Send + Sync + 'static,
{
    Signal::derive(move || {
        let mut shown = if tried.get() {
            body().1
        } else {
            FieldMessages::new()
        };
        let server = value
            .with(|value| server_messages(value.as_ref().and_then(|result| result.as_ref().err())));
        merge_messages(&mut shown, &server);
        shown
    })
}

/// The error of the last attempt, without the field messages shown inline.
fn save_error<T>(value: MappedSignal<Option<Result<T, ApiError>>>) -> Signal<Option<ApiError>>
where
    T: Send + Sync + 'static,
{
    Signal::derive(move || {
        value.with(|value| {
            value
                .as_ref()
                .and_then(|result| result.as_ref().err().cloned())
                .map(|error| error.without_fields(|_| true))
        })
    })
}

/// The error of the last attempt, "save" and "close".
#[component]
fn FormFooter(
    error: Signal<Option<ApiError>>,
    pending: Memo<bool>,
    recording: RwSignal<Option<Recording>>,
    submit: impl Fn(leptos::ev::MouseEvent) + 'static,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        {move || error.get().map(|error| view! { <ProblemView error /> })}
        <div class="dialog-actions">
            <button
                type="button"
                class="button primary"
                disabled=move || pending.get()
                on:click=submit
            >
                {move || lang.t(Key::Save)}
            </button>
            <button type="button" class="button secondary" on:click=move |_| recording.set(None)>
                {move || lang.t(Key::Close)}
            </button>
        </div>
    }
}
