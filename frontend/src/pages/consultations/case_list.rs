//! `/consultations/cases`: the requests a facility received (inbox) or sent (outbox),
//! filtered by status and conclusion, newest first, a page at a time.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::Labelled;
use shared::consultation::{CaseBox, CaseQuery, CaseStatus, CaseSummary, Conclusion};
use shared::registry::specialty_label;

use super::{CaseStatusBadge, ConsultationTabs, Tab, case_href};
use crate::api::{self, use_api};
use crate::components::NoResults;
use crate::components::filters::{
    EnumFilter, FilterActions, FilterForm, PagedList, UrlQuery, apply_filters, cursor_field,
    use_url_query,
};
use crate::components::list::{DataTable, Heading};
use crate::contexts::use_lang;
use crate::i18n::{Key, format_datetime};
use crate::pages::query::{QueryParams, href_with, parse_param, text_param};

const PATH: &str = "/consultations/cases";

impl UrlQuery for CaseQuery {
    fn from_params(params: &dyn QueryParams) -> Self {
        CaseQuery {
            mailbox: Some(parse_param(params, "box").unwrap_or(CaseBox::Inbox)),
            status: parse_param(params, "status"),
            conclusion: parse_param(params, "conclusion"),
            session_id: parse_param(params, "session_id"),
            facility_id: parse_param(params, "facility_id"),
            limit: None,
            cursor: text_param(params, "cursor"),
        }
    }

    fn href(&self) -> String {
        let query = self;
        href_with(
            PATH,
            &[
                ("box", query.mailbox.map(|b| b.as_str().to_string())),
                ("status", query.status.map(|s| s.as_str().to_string())),
                (
                    "conclusion",
                    query.conclusion.map(|c| c.as_str().to_string()),
                ),
                ("session_id", query.session_id.map(|id| id.to_string())),
                ("facility_id", query.facility_id.map(|id| id.to_string())),
                ("cursor", query.cursor.clone()),
            ],
        )
    }

    cursor_field!();
}

/// The inbox or the outbox of case requests, with its filters.
#[component]
pub fn CaseListPage() -> impl IntoView {
    let api = use_api();
    let query = use_url_query::<CaseQuery>();
    let mailbox = Memo::new(move |_| query.with(|q| q.mailbox.unwrap_or(CaseBox::Inbox)));
    let status = RwSignal::new(String::new());
    let conclusion = RwSignal::new(String::new());
    Effect::new(move |_| {
        let current = query.get();
        status.set(
            current
                .status
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
        );
        conclusion.set(
            current
                .conclusion
                .map(|c| c.as_str().to_string())
                .unwrap_or_default(),
        );
    });
    let cases = LocalResource::new(move || {
        let query = query.get();
        async move { api::consultations::cases(api, &query).await }
    });
    let on_apply = apply_filters(move || CaseQuery {
        mailbox: Some(mailbox.get_untracked()),
        status: status.get_untracked().parse().ok(),
        conclusion: conclusion.get_untracked().parse().ok(),
        ..CaseQuery::default()
    });
    let tabs = move || {
        let current = match mailbox.get() {
            CaseBox::Inbox => Tab::Inbox,
            CaseBox::Outbox => Tab::Outbox,
        };
        view! { <ConsultationTabs current /> }
    };
    let clear = move || {
        CaseQuery {
            mailbox: Some(mailbox.get()),
            ..CaseQuery::default()
        }
        .href()
    };

    view! {
        <section class="page consultations">
            {tabs}
            <FilterForm on_apply>
                <EnumFilter
                    id="filter-status"
                    label=Key::Status
                    values=CaseStatus::all()
                    code=CaseStatus::as_str
                    field=status
                />
                <EnumFilter
                    id="filter-conclusion"
                    label=Key::ConclusionLabel
                    values=Conclusion::all()
                    code=Conclusion::as_str
                    field=conclusion
                />
                <FilterActions clear=Signal::derive(clear) />
            </FilterForm>
            <PagedList
                query
                page=cases
                show=move |items| view! { <CaseTable items mailbox=mailbox.get_untracked() /> }
            />
        </section>
    }
}

/// Cases as a table; the other facility's column depends on the box.
#[component]
fn CaseTable(items: Vec<CaseSummary>, mailbox: CaseBox) -> impl IntoView {
    let lang = use_lang();
    if items.is_empty() {
        return view! { <NoResults /> }.into_any();
    }
    let other_heading = match mailbox {
        CaseBox::Inbox => Key::RequestingFacility,
        CaseBox::Outbox => Key::ConsultingFacility,
    };
    let rows = items
        .into_iter()
        .map(|item| {
            let other = match mailbox {
                CaseBox::Inbox => item.requesting_facility.name.clone(),
                CaseBox::Outbox => item.consulting_facility.name.clone(),
            };
            let patient = item
                .patient_name
                .clone()
                .unwrap_or_else(|| item.patient_initials.clone());
            let specialty = item.specialty.clone();
            let urgency = item.urgency;
            let conclusion = item.conclusion;
            let session = item.session_starts_at;
            let created = item.created_at;
            view! {
                <tr data-case-id=item.id>
                    <td>
                        <A href=case_href(item.id) attr:class="case-link">
                            "#"
                            {item.id}
                        </A>
                    </td>
                    <td class="patient-cell">{patient}</td>
                    <td>{other}</td>
                    <td>
                        {move || {
                            specialty
                                .as_deref()
                                .map(|code| specialty_label(code, lang.get()).to_string())
                                .unwrap_or_default()
                        }}
                        <span class=format!(
                            "badge urgency-{} block-badge",
                            urgency.as_str(),
                        )>{move || urgency.label(lang.get())}</span>
                    </td>
                    <td>
                        <CaseStatusBadge status=item.status />
                        {conclusion
                            .map(|conclusion| {
                                view! {
                                    <span class=format!(
                                        "badge conclusion-{}",
                                        conclusion.as_str(),
                                    )>{move || conclusion.label(lang.get())}</span>
                                }
                            })}
                    </td>
                    <td class="small when">
                        {move || {
                            let lang = lang.get();
                            session
                                .map(|at| format_datetime(lang, at))
                                .unwrap_or_else(|| crate::i18n::t(lang, Key::NotScheduledYet).to_string())
                        }}
                        <span class="muted block">
                            {move || {
                                let lang = lang.get();
                                format!(
                                    "{}: {}",
                                    crate::i18n::t(lang, Key::CreatedAt),
                                    format_datetime(lang, created),
                                )
                            }}
                        </span>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable class="consultation-cases" headings=vec![
            Heading::Sign("#"),
            Heading::Label(Key::Patient),
            Heading::Label(other_heading),
            Heading::Label(Key::Specialty),
            Heading::Label(Key::Status),
            Heading::Label(Key::ConsultationSession),
        ]>
            {rows}
        </DataTable>
    }
    .into_any()
}
