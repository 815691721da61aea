//! `/referrals`: the facility's inbox (referred to us) or outbox (referred by us),
//! filtered, most urgent first and then the nearest answer deadline (the server's
//! `sort=urgency`; `sort=newest` in the address for the newest first), a page at a time.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::Labelled;
use shared::referral::{
    Direction, ReferralBox, ReferralQuery, ReferralSort, ReferralStatus, ReferralSummary, Urgency,
};

use super::{FlagBadges, ReferralTabs, StatusBadge, Tab, UrgencyBadge, referral_href};
use crate::api::{self, use_api};
use crate::components::NoResults;
use crate::components::filters::{
    CheckFilter, EnumFilter, FilterActions, FilterForm, InputFilter, PagedList, SearchFilter,
    UrlQuery, apply_filters, bind, cursor_field, use_filter_draft, use_url_query,
};
use crate::components::list::{DataTable, Heading};
use crate::contexts::use_lang;
use crate::i18n::{Key, format_date, format_datetime};
use crate::pages::query::{QueryParams, href_with, non_blank, parse_param, text_param};

const PATH: &str = "/referrals";

impl UrlQuery for ReferralQuery {
    fn from_params(params: &dyn QueryParams) -> Self {
        ReferralQuery {
            mailbox: Some(parse_param(params, "box").unwrap_or(ReferralBox::Inbox)),
            direction: parse_param(params, "direction"),
            status: parse_param(params, "status"),
            urgency: parse_param(params, "urgency"),
            overdue: parse_param::<bool>(params, "overdue").filter(|overdue| *overdue),
            facility_id: parse_param(params, "facility_id"),
            date_from: parse_param(params, "date_from"),
            date_to: parse_param(params, "date_to"),
            q: text_param(params, "q"),
            sort: Some(parse_param(params, "sort").unwrap_or(ReferralSort::Urgency)),
            limit: None,
            cursor: text_param(params, "cursor"),
        }
    }

    fn href(&self) -> String {
        let query = self;
        href_with(
            PATH,
            &[
                (
                    "box",
                    query.mailbox.map(|mailbox| mailbox.as_str().to_string()),
                ),
                ("q", query.q.clone()),
                ("status", query.status.map(|s| s.as_str().to_string())),
                ("urgency", query.urgency.map(|u| u.as_str().to_string())),
                ("direction", query.direction.map(|d| d.as_str().to_string())),
                ("overdue", query.overdue.map(|o| o.to_string())),
                ("facility_id", query.facility_id.map(|id| id.to_string())),
                ("date_from", query.date_from.map(|d| d.to_string())),
                ("date_to", query.date_to.map(|d| d.to_string())),
                // The default order stays out of the address.
                (
                    "sort",
                    query
                        .sort
                        .filter(|sort| *sort != ReferralSort::Urgency)
                        .map(|sort| sort.as_str().to_string()),
                ),
                ("cursor", query.cursor.clone()),
            ],
        )
    }

    cursor_field!();
}

/// The filter form's fields as typed, before they are applied.
#[derive(Debug, Clone, Default, PartialEq)]
struct Draft {
    q: String,
    status: String,
    urgency: String,
    direction: String,
    overdue: bool,
    date_from: String,
    date_to: String,
    /// The order (a `ReferralSort` code).
    sort: String,
}

impl Draft {
    fn from_query(query: &ReferralQuery) -> Self {
        let code = |value: Option<&'static str>| value.unwrap_or_default().to_string();
        Draft {
            q: query.q.clone().unwrap_or_default(),
            status: code(query.status.map(|s| s.as_str())),
            urgency: code(query.urgency.map(|u| u.as_str())),
            direction: code(query.direction.map(|d| d.as_str())),
            overdue: query.overdue == Some(true),
            date_from: query.date_from.map(|d| d.to_string()).unwrap_or_default(),
            date_to: query.date_to.map(|d| d.to_string()).unwrap_or_default(),
            sort: query
                .sort
                .unwrap_or(ReferralSort::Urgency)
                .as_str()
                .to_string(),
        }
    }

    /// The query these fields ask for, in the same box, from its first page.
    fn to_query(&self, current: &ReferralQuery) -> ReferralQuery {
        ReferralQuery {
            mailbox: current.mailbox,
            direction: self.direction.parse().ok(),
            status: self.status.parse().ok(),
            urgency: self.urgency.parse().ok(),
            overdue: self.overdue.then_some(true),
            facility_id: current.facility_id,
            date_from: self.date_from.parse().ok(),
            date_to: self.date_to.parse().ok(),
            q: non_blank(&self.q),
            sort: self.sort.parse().ok().or(current.sort),
            limit: None,
            cursor: None,
        }
    }
}

/// The inbox or the outbox, with its filters.
#[component]
pub fn ReferralListPage() -> impl IntoView {
    let api = use_api();
    let query = use_url_query::<ReferralQuery>();
    let mailbox = Memo::new(move |_| query.with(|q| q.mailbox.unwrap_or(ReferralBox::Inbox)));
    let draft = use_filter_draft(query, Draft::from_query);
    let referrals = LocalResource::new(move || {
        let query = query.get();
        async move { api::referrals::list(api, &query).await }
    });
    let on_apply =
        apply_filters(move || draft.with_untracked(|draft| draft.to_query(&query.get_untracked())));
    let clear = move || {
        ReferralQuery {
            mailbox: Some(mailbox.get()),
            sort: query.with(|q| q.sort),
            ..Default::default()
        }
        .href()
    };

    // The tabs are rendered again when the box changes, marking the current one.
    let tabs = move || {
        let current = match mailbox.get() {
            ReferralBox::Inbox => Tab::Inbox,
            ReferralBox::Outbox => Tab::Outbox,
        };
        view! { <ReferralTabs current /> }
    };

    view! {
        <section class="page">
            {tabs}
            <FilterForm on_apply outside=&["box", "sort"]>
                <SearchFilter placeholder=Key::ReferralSearchHint field=bind(draft, |d| &d.q, |d| &mut d.q) />
                <EnumFilter
                    id="filter-status"
                    label=Key::Status
                    values=ReferralStatus::all()
                    code=ReferralStatus::as_str
                    field=bind(draft, |d| &d.status, |d| &mut d.status)
                />
                <EnumFilter
                    id="filter-urgency"
                    label=Key::Urgency
                    values=Urgency::all()
                    code=Urgency::as_str
                    field=bind(draft, |d| &d.urgency, |d| &mut d.urgency)
                />
                <EnumFilter
                    id="filter-direction"
                    label=Key::Direction
                    values=Direction::all()
                    code=Direction::as_str
                    field=bind(draft, |d| &d.direction, |d| &mut d.direction)
                />
                <InputFilter
                    id="filter-date-from"
                    label=Key::DateFrom
                    kind="date"
                    field=bind(draft, |d| &d.date_from, |d| &mut d.date_from)
                />
                <InputFilter
                    id="filter-date-to"
                    label=Key::DateTo
                    kind="date"
                    field=bind(draft, |d| &d.date_to, |d| &mut d.date_to)
                />
                <CheckFilter
                    id="filter-overdue"
                    label=Key::OverdueOnly
                    field=bind(draft, |d| &d.overdue, |d| &mut d.overdue)
                />
                <EnumFilter
                    id="filter-sort"
                    label=Key::SortOrder
                    values=ReferralSort::all()
                    code=ReferralSort::as_str
                    field=bind(draft, |d| &d.sort, |d| &mut d.sort)
                    no_any=true
                />
                <FilterActions clear=Signal::derive(clear) />
            </FilterForm>
            <PagedList
                query
                page=referrals
                show=move |items| view! { <ReferralTable items mailbox=mailbox.get_untracked() /> }
            />
        </section>
    }
}

/// Referrals as a table; the other facility's column depends on the box.
#[component]
fn ReferralTable(items: Vec<ReferralSummary>, mailbox: ReferralBox) -> impl IntoView {
    let lang = use_lang();
    if items.is_empty() {
        return view! { <NoResults /> }.into_any();
    }
    let other_heading = match mailbox {
        ReferralBox::Inbox => Key::FromFacility,
        ReferralBox::Outbox => Key::ToFacility,
    };
    let rows = items
        .into_iter()
        .map(|item| {
            let other = match mailbox {
                ReferralBox::Inbox => item.from_facility.name.clone(),
                ReferralBox::Outbox => item.to_facility.name.clone(),
            };
            // The name where the reader may see the patient, the initials otherwise.
            let patient = item
                .patient_name
                .clone()
                .unwrap_or_else(|| item.patient_initials.clone());
            let diagnosis = item
                .main_diagnosis
                .as_ref()
                .map(|d| format!("{} – {}", d.code, d.name))
                .unwrap_or_default();
            let direction = item.direction;
            let created = item.created_at;
            let sent = item.sent_at;
            // The deadline matters only while the answer is awaited.
            let answer_due = item
                .answer_due
                .filter(|_| item.status == ReferralStatus::Sent);
            let valid_until = item.valid_until;
            let open_follow_ups = item.open_follow_ups;
            let outcome = item.outcome;
            view! {
                <tr class:row-overdue=item.overdue>
                    <td>
                        <A href=referral_href(item.id) attr:class="slip-link">
                            <code>{item.slip_number}</code>
                        </A>
                    </td>
                    <td class="patient-cell">{patient}</td>
                    <td class="small when answer-due" class:overdue-text=item.overdue>
                        {move || answer_due.map(|due| format_datetime(lang.get(), due))}
                    </td>
                    <td>{other}</td>
                    <td>{diagnosis}</td>
                    <td>
                        <UrgencyBadge urgency=item.urgency />
                        <span class="muted small block">{move || direction.label(lang.get())}</span>
                    </td>
                    <td>
                        <StatusBadge status=item.status />
                        <FlagBadges overdue=item.overdue expired=item.expired />
                        {outcome
                            .map(|outcome| {
                                view! {
                                    <span class="muted small block">
                                        {move || outcome.label(lang.get())}
                                    </span>
                                }
                            })}
                        {(open_follow_ups > 0)
                            .then(|| {
                                view! {
                                    <span class="badge note">
                                        {open_follow_ups} " " {move || lang.t(Key::OpenFollowUps)}
                                    </span>
                                }
                            })}
                    </td>
                    <td class="small when">
                        {move || {
                            let lang = lang.get();
                            match sent {
                                Some(sent) => format_datetime(lang, sent),
                                None => {
                                    format!(
                                        "{}: {}",
                                        crate::i18n::t(lang, Key::CreatedAt),
                                        format_datetime(lang, created),
                                    )
                                }
                            }
                        }}
                        {move || {
                            valid_until
                                .map(|until| {
                                    let lang = lang.get();
                                    view! {
                                        <span class="muted block">
                                            {crate::i18n::t(lang, Key::ValidUntilLabel)} ": "
                                            {format_date(lang, until)}
                                        </span>
                                    }
                                })
                        }}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable class="referrals" headings=vec![
            Heading::Label(Key::SlipNumber),
            Heading::Label(Key::Patient),
            Heading::Label(Key::AnswerDue),
            Heading::Label(other_heading),
            Heading::Label(Key::MainDiagnosis),
            Heading::Label(Key::Urgency),
            Heading::Label(Key::Status),
            Heading::Label(Key::Dates),
        ]>
            {rows}
        </DataTable>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::components::filters::pager_links;
    use crate::pages::query::params_of;

    fn filtered() -> ReferralQuery {
        ReferralQuery {
            mailbox: Some(ReferralBox::Outbox),
            direction: Some(Direction::Up),
            status: Some(ReferralStatus::Sent),
            urgency: Some(Urgency::Emergency),
            overdue: Some(true),
            facility_id: Some(7),
            date_from: NaiveDate::from_ymd_opt(2026, 1, 2),
            date_to: NaiveDate::from_ymd_opt(2026, 2, 3),
            q: Some("Nguyễn & con".into()),
            sort: Some(ReferralSort::Newest),
            limit: None,
            cursor: Some("abc=".into()),
        }
    }

    #[test]
    fn a_query_survives_its_address() {
        let query = filtered();
        assert_eq!(ReferralQuery::from_params(&params_of(&query.href())), query);
        let bare = ReferralQuery::from_params(&params_of(PATH));
        assert_eq!(bare.mailbox, Some(ReferralBox::Inbox));
        assert_eq!(
            bare.at(None),
            ReferralQuery {
                mailbox: bare.mailbox,
                sort: Some(ReferralSort::Urgency),
                ..Default::default()
            }
        );
    }

    #[test]
    fn a_value_the_list_does_not_know_is_no_filter() {
        let query = ReferralQuery::from_params(&params_of("/referrals?status=lost&overdue=false"));
        assert_eq!(query.status, None);
        assert_eq!(query.overdue, None);
    }

    #[test]
    fn the_filter_form_asks_for_the_same_query_from_its_first_page() {
        let query = filtered();
        let draft = Draft::from_query(&query);
        assert_eq!(draft.to_query(&query), query.at(None));
        let cleared = Draft::default().to_query(&query);
        assert_eq!(
            cleared,
            ReferralQuery {
                mailbox: query.mailbox,
                facility_id: query.facility_id,
                sort: query.sort,
                ..Default::default()
            }
        );
    }

    #[test]
    fn paging_links_keep_the_filters() {
        let first_page = filtered().at(None);
        assert_eq!(pager_links(&first_page, None), (None, None));
        let (first, next) = pager_links(&first_page, Some("next".into()));
        assert_eq!(first, None);
        let next = next.map(|href| ReferralQuery::from_params(&params_of(&href)));
        assert_eq!(next, Some(first_page.at(Some("next".into()))));
        let (first, _) = pager_links(&filtered(), None);
        assert_eq!(first, Some(first_page.href()));
    }
}
