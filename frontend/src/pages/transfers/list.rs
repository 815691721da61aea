//! `/transfers`: the agreements the reader's facility gives or receives (and, for the
//! Department of Health and the centre, those of its network), filtered by a facility on
//! either side, status, technique and "only those with flagged trainees".

use leptos::prelude::*;
use leptos_router::components::A;
use shared::page::Page;
use shared::registry::{Facility, FacilityQuery};
use shared::technique::Technique;
use shared::transfer::{AgreementQuery, AgreementStatus, AgreementSummary};

use super::{AgreementStatusBadge, TransfersHeader, agreement_href};
use crate::api::{self, use_api};
use crate::components::NoResults;
use crate::components::filters::{
    CheckFilter, EnumFilter, FilterActions, FilterForm, PagedList, RecordFilter, UrlQuery,
    apply_filters, bind, cursor_field, use_filter_draft, use_url_query,
};
use crate::components::list::{DataTable, Heading};
use crate::contexts::use_lang;
use crate::i18n::{Key, format_date};
use crate::pages::query::{QueryParams, href_with, parse_param, text_param};

const PATH: &str = "/transfers";

impl UrlQuery for AgreementQuery {
    fn from_params(params: &dyn QueryParams) -> Self {
        AgreementQuery {
            facility_id: parse_param(params, "facility_id"),
            status: parse_param(params, "status"),
            technique: text_param(params, "technique"),
            flagged: parse_param::<bool>(params, "flagged").filter(|flagged| *flagged),
            cursor: text_param(params, "cursor"),
            ..AgreementQuery::default()
        }
    }

    fn href(&self) -> String {
        href_with(
            PATH,
            &[
                ("facility_id", self.facility_id.map(|id| id.to_string())),
                ("status", self.status.map(|s| s.as_str().to_string())),
                ("technique", self.technique.clone()),
                (
                    "flagged",
                    self.flagged.filter(|f| *f).map(|f| f.to_string()),
                ),
                ("cursor", self.cursor.clone()),
            ],
        )
    }

    cursor_field!();
}

/// The filter form's fields as typed.
#[derive(Debug, Clone, Default, PartialEq)]
struct Draft {
    facility_id: String,
    status: String,
    technique: String,
    flagged: bool,
}

impl Draft {
    fn of(query: &AgreementQuery) -> Draft {
        Draft {
            facility_id: query
                .facility_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            status: query
                .status
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            technique: query.technique.clone().unwrap_or_default(),
            flagged: query.flagged.unwrap_or(false),
        }
    }

    fn to_query(&self) -> AgreementQuery {
        AgreementQuery {
            facility_id: self.facility_id.parse().ok(),
            status: self.status.parse().ok(),
            technique: super::optional(&self.technique),
            flagged: self.flagged.then_some(true),
            ..AgreementQuery::default()
        }
    }
}

fn facility_choices(page: Page<Facility>) -> Vec<(String, String)> {
    page.items
        .into_iter()
        .map(|facility| (facility.id.to_string(), facility.name))
        .collect()
}

fn technique_choices(techniques: Vec<Technique>) -> Vec<(String, String)> {
    techniques
        .into_iter()
        .map(|technique| (technique.code, technique.name))
        .collect()
}

/// The agreements with their filters.
#[component]
pub fn AgreementListPage() -> impl IntoView {
    let api = use_api();
    let query = use_url_query::<AgreementQuery>();
    let draft = use_filter_draft(query, Draft::of);
    let agreements = LocalResource::new(move || {
        let query = query.get();
        async move { api::transfers::agreements(api, &query).await }
    });
    let facilities = LocalResource::new(move || async move {
        let query = FacilityQuery {
            limit: Some(shared::page::MAX_LIMIT),
            ..FacilityQuery::default()
        };
        api::registry::facilities(api, &query).await
    });
    let techniques = LocalResource::new(move || api::registry::active_techniques(api));
    let on_apply = apply_filters(move || draft.with_untracked(Draft::to_query));
    view! {
        <section class="page transfers">
            <TransfersHeader />
            <FilterForm on_apply>
                <RecordFilter
                    id="filter-facility"
                    label=Key::Facility
                    source=facilities
                    choices=facility_choices
                    field=bind(draft, |d| &d.facility_id, |d| &mut d.facility_id)
                />
                <EnumFilter
                    id="filter-status"
                    label=Key::Status
                    values=AgreementStatus::all()
                    code=AgreementStatus::as_str
                    field=bind(draft, |d| &d.status, |d| &mut d.status)
                />
                <RecordFilter
                    id="filter-technique"
                    label=Key::Technique
                    source=techniques
                    choices=technique_choices
                    field=bind(draft, |d| &d.technique, |d| &mut d.technique)
                />
                <CheckFilter
                    id="filter-flagged"
                    label=Key::OnlyFlaggedTrainees
                    field=bind(draft, |d| &d.flagged, |d| &mut d.flagged)
                />
                <FilterActions clear=Signal::derive(move || PATH.to_string()) apply_id="apply-filters" />
            </FilterForm>
            <PagedList query page=agreements show=move |items| view! { <AgreementTable items /> } />
        </section>
    }
}

/// Agreements as a table (cards on a phone).
#[component]
fn AgreementTable(items: Vec<AgreementSummary>) -> impl IntoView {
    let lang = use_lang();
    if items.is_empty() {
        return view! { <NoResults /> }.into_any();
    }
    let rows = items
        .into_iter()
        .map(|item| {
            let due = item.next_review_due;
            let late = item.review_late;
            let flagged = item.flagged_trainees;
            let unready = item.unready;
            view! {
                <tr data-agreement-id=item.id data-status=item.status.as_str()>
                    <td>
                        <A href=agreement_href(item.id) attr:class="agreement-link">
                            {item.title.clone()}
                        </A>
                    </td>
                    <td>
                        {item.giving_facility.name.clone()}
                        <span aria-hidden="true">" → "</span>
                        <span class="visually-hidden">{move || lang.t(Key::To)}</span>
                        {item.receiving_facility.name.clone()}
                    </td>
                    <td>{item.techniques.join(", ")}</td>
                    <td>
                        <AgreementStatusBadge status=item.status />
                    </td>
                    <td class="number">
                        {item.trainees}
                        {(flagged > 0)
                            .then(|| {
                                view! {
                                    " "
                                    <span class="badge overdue flagged">
                                        {flagged} " " {move || lang.t(Key::Flagged)}
                                    </span>
                                }
                            })}
                    </td>
                    <td class="number" class:warn={unready > 0}>
                        {unready}
                    </td>
                    <td class:late=late>
                        {due
                            .map(|due| {
                                view! {
                                    <span class=if late { "badge overdue" } else { "" }>
                                        {move || format_date(lang.get(), due)}
                                    </span>
                                }
                            })}
                        {due.is_none().then_some("—")}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable class="transfer-agreements" id="agreement-list" headings=vec![
            Heading::Label(Key::AgreementTitle),
            Heading::Label(Key::GivingToReceiving),
            Heading::Label(Key::Techniques),
            Heading::Label(Key::Status),
            Heading::Number(Key::TraineesFlagged),
            Heading::Number(Key::UnreadyItems),
            Heading::Label(Key::NextReviewDue),
        ]>
            {rows}
        </DataTable>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filters_go_to_the_url_and_back() {
        let query = AgreementQuery {
            facility_id: Some(7),
            status: Some(AgreementStatus::ReadyCheck),
            technique: Some("cham_cuu".into()),
            flagged: Some(true),
            ..AgreementQuery::default()
        };
        let href = query.href();
        assert!(href.starts_with("/transfers?"));
        let params = crate::pages::query::params_of(&href);
        assert_eq!(AgreementQuery::from_params(&params), query);
        assert_eq!(Draft::of(&query).to_query(), query);
        // "Not only flagged" is no filter at all.
        let unflagged = Draft {
            flagged: false,
            ..Draft::default()
        };
        assert_eq!(unflagged.to_query().flagged, None);
        assert_eq!(unflagged.to_query().href(), "/transfers");
    }
}
