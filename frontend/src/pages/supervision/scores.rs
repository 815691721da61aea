//! `/supervision/scores`: per facility, the scored visits the reader may see — how many,
//! how many passed, the mean and the last score, and the late corrective actions —
//! ranked by mean score (a station sees its own; the Department of Health its
//! province's, without a map).

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos_router::components::A;
use shared::supervision::{VisitQuery, VisitSummary};

use super::{SupervisionTabs, Tab, percent_text};
use crate::api::{self, use_api};
use crate::components::list::{DataTable, Heading};
use crate::components::{Loading, NoResults, loaded};
use crate::contexts::use_lang;
use crate::i18n::Key;

/// One facility's line.
#[derive(Debug, Clone, PartialEq)]
struct FacilityScore {
    id: i64,
    name: String,
    visits: usize,
    passed: usize,
    mean: Option<f64>,
    last: Option<f64>,
    overdue: u32,
}

/// The lines of the table, best mean first.
fn ranking(visits: &[VisitSummary]) -> Vec<FacilityScore> {
    let mut by_facility: BTreeMap<i64, FacilityScore> = BTreeMap::new();
    let mut sums: BTreeMap<i64, (f64, usize)> = BTreeMap::new();
    // Newest first: the first scored visit seen is the last one.
    for visit in visits {
        let line = by_facility
            .entry(visit.facility.id)
            .or_insert_with(|| FacilityScore {
                id: visit.facility.id,
                name: visit.facility.name.clone(),
                visits: 0,
                passed: 0,
                mean: None,
                last: None,
                overdue: 0,
            });
        line.overdue += visit.overdue_actions;
        if let Some(percent) = visit.score_percent {
            line.visits += 1;
            if visit.passed == Some(true) {
                line.passed += 1;
            }
            if line.last.is_none() {
                line.last = Some(percent);
            }
            let sum = sums.entry(visit.facility.id).or_insert((0.0, 0));
            sum.0 += percent;
            sum.1 += 1;
        }
    }
    let mut lines: Vec<FacilityScore> = by_facility
        .into_values()
        .map(|mut line| {
            line.mean = sums
                .get(&line.id)
                .filter(|(_, n)| *n > 0)
                .map(|(sum, n)| (sum / *n as f64 * 10.0).round() / 10.0);
            line
        })
        .collect();
    lines.sort_by(|a, b| {
        b.mean
            .unwrap_or(-1.0)
            .total_cmp(&a.mean.unwrap_or(-1.0))
            .then_with(|| a.name.cmp(&b.name))
    });
    lines
}

#[component]
pub fn ScoresPage() -> impl IntoView {
    let api = use_api();
    let visits =
        LocalResource::new(move || api::supervision::all_visits(api, VisitQuery::default()));
    view! {
        <section class="page supervision">
            <SupervisionTabs current=Tab::Scores />
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    loaded(visits.await, |visits| view! { <ScoreTable lines=ranking(&visits) /> })
                })}
            </Transition>
        </section>
    }
}

#[component]
fn ScoreTable(lines: Vec<FacilityScore>) -> impl IntoView {
    let lang = use_lang();
    if lines.is_empty() {
        return view! { <NoResults /> }.into_any();
    }
    let rows = lines
        .into_iter()
        .enumerate()
        .map(|(rank, line)| {
            let (mean, last) = (line.mean, line.last);
            view! {
                <tr data-facility-id=line.id>
                    <td class="number">{rank + 1}</td>
                    <td><A href=format!("/supervision?facility_id={}", line.id)>{line.name.clone()}</A></td>
                    <td class="number">{line.visits}</td>
                    <td class="number">{line.passed}</td>
                    <td class="number">{move || percent_text(lang.get(), mean)}</td>
                    <td class="number">{move || percent_text(lang.get(), last)}</td>
                    <td class="number">{line.overdue}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable class="supervision-scores" id="score-table" headings=vec![
            Heading::Sign("#"),
            Heading::Label(Key::VisitedFacility),
            Heading::Number(Key::ScoredVisits),
            Heading::Number(Key::Passed),
            Heading::Number(Key::MeanScore),
            Heading::Number(Key::LastScore),
            Heading::Number(Key::OverdueActions),
        ]>
            {rows}
        </DataTable>
    }
    .into_any()
}
