//! `/admin/audit`: the audit trail, filtered by actor, record (entity and id), action
//! and time range, paged, and exported as CSV with the same filters.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use leptos::prelude::*;
use shared::audit::{AuditEvent, AuditQuery};
use shared::auth::Capability;
use shared::time::from_vietnam;

use super::{AdminTabs, Guarded};
use crate::api::plans::FileKind;
use crate::api::{self, use_api};
use crate::components::DownloadButton;
use crate::components::NoResults;
use crate::components::filters::{
    FilterActions, FilterForm, InputFilter, PagedList, UrlQuery, apply_filters, bind, cursor_field,
    use_filter_draft, use_url_query,
};
use crate::components::list::DataTable;
use crate::contexts::use_lang;
use crate::i18n::{Key, format_datetime};
use crate::pages::query::{QueryParams, href_with, non_blank, parse_param, text_param};

const PATH: &str = "/admin/audit";

impl UrlQuery for AuditQuery {
    fn from_params(params: &dyn QueryParams) -> Self {
        AuditQuery {
            entity: text_param(params, "entity"),
            entity_id: text_param(params, "entity_id"),
            actor_user_id: parse_param(params, "actor_user_id"),
            actor: text_param(params, "actor"),
            action: text_param(params, "action"),
            since: parse_param(params, "since"),
            until: parse_param(params, "until"),
            limit: None,
            cursor: text_param(params, "cursor"),
        }
    }

    fn href(&self) -> String {
        href_with(
            PATH,
            &[
                ("actor", self.actor.clone()),
                ("actor_user_id", self.actor_user_id.map(|id| id.to_string())),
                ("entity", self.entity.clone()),
                ("entity_id", self.entity_id.clone()),
                ("action", self.action.clone()),
                ("since", self.since.map(|at| at.to_rfc3339())),
                ("until", self.until.map(|at| at.to_rfc3339())),
                ("cursor", self.cursor.clone()),
            ],
        )
    }

    cursor_field!();
}

/// The start of a day in Vietnam.
fn day_start(day: NaiveDate) -> DateTime<Utc> {
    from_vietnam(day.and_time(NaiveTime::MIN))
}

/// The filter form's fields as typed; the days are Vietnam's calendar days.
#[derive(Debug, Clone, Default, PartialEq)]
struct Draft {
    actor: String,
    entity: String,
    entity_id: String,
    action: String,
    from: String,
    to: String,
}

impl Draft {
    fn from_query(query: &AuditQuery) -> Self {
        let day = |at: Option<DateTime<Utc>>, back: i64| {
            at.map(|at| {
                (shared::time::to_vietnam(at).date() - chrono::Days::new(back as u64)).to_string()
            })
            .unwrap_or_default()
        };
        Draft {
            actor: query.actor.clone().unwrap_or_default(),
            entity: query.entity.clone().unwrap_or_default(),
            entity_id: query.entity_id.clone().unwrap_or_default(),
            action: query.action.clone().unwrap_or_default(),
            from: day(query.since, 0),
            // `until` is the start of the day after the last one shown.
            to: day(query.until, 1),
        }
    }

    fn to_query(&self, current: &AuditQuery) -> AuditQuery {
        let day = |text: &str| NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok();
        AuditQuery {
            entity: non_blank(&self.entity),
            entity_id: non_blank(&self.entity_id),
            actor_user_id: current.actor_user_id,
            actor: non_blank(&self.actor),
            action: non_blank(&self.action),
            since: day(&self.from).map(day_start),
            until: day(&self.to).and_then(|day| day.succ_opt()).map(day_start),
            limit: None,
            cursor: None,
        }
    }
}

/// `/admin/audit`.
#[component]
pub fn AuditPage() -> impl IntoView {
    view! {
        <Guarded capability=Capability::ReadAudit>
            <AuditView />
        </Guarded>
    }
}

#[component]
fn AuditView() -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let query = use_url_query::<AuditQuery>();
    let draft = use_filter_draft(query, Draft::from_query);
    let page = LocalResource::new(move || {
        let query = query.get();
        async move { api::admin::audit_events(api, &query).await }
    });
    let on_apply =
        apply_filters(move || draft.with_untracked(|draft| draft.to_query(&query.get_untracked())));
    // The export follows the filters applied, whatever page is shown.
    let export = move || {
        let filters = AuditQuery {
            cursor: None,
            ..query.get()
        };
        view! {
            <DownloadButton id="export-audit" label=Key::ExportCsv file=FileKind::AuditCsv(filters) />
        }
    };
    view! {
        <section class="page">
            <AdminTabs />
            <p class="muted">{move || lang.t(Key::AuditSummary)}</p>
            <FilterForm on_apply>
                <InputFilter id="filter-actor" label=Key::AuditActor field=bind(draft, |d| &d.actor, |d| &mut d.actor) />
                <InputFilter id="filter-entity" label=Key::AuditEntity field=bind(draft, |d| &d.entity, |d| &mut d.entity) />
                <InputFilter id="filter-entity-id" label=Key::AuditEntityId field=bind(draft, |d| &d.entity_id, |d| &mut d.entity_id) />
                <InputFilter id="filter-action" label=Key::AuditAction field=bind(draft, |d| &d.action, |d| &mut d.action) />
                <InputFilter id="filter-from" label=Key::DateFrom kind="date" field=bind(draft, |d| &d.from, |d| &mut d.from) />
                <InputFilter id="filter-to" label=Key::DateTo kind="date" field=bind(draft, |d| &d.to, |d| &mut d.to) />
                <FilterActions clear=PATH.to_string() />
            </FilterForm>
            <div class="page-actions">{export}</div>
            <PagedList query page show=|items| view! { <AuditTable items /> } />
        </section>
    }
}

/// Events as a table.
#[component]
fn AuditTable(items: Vec<AuditEvent>) -> impl IntoView {
    let lang = use_lang();
    if items.is_empty() {
        return view! { <NoResults /> }.into_any();
    }
    let rows = items
        .into_iter()
        .map(|event| {
            let at = event.at;
            view! {
                <tr>
                    <td>{move || format_datetime(lang.get(), at)}</td>
                    <td>{event.actor}</td>
                    <td>{event.entity} " #" {event.entity_id}</td>
                    <td>{event.action}</td>
                    <td class="changes"><code>{event.changes.to_string()}</code></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable id="audit-events" headings=vec![
            Key::AuditAt.into(),
            Key::AuditActor.into(),
            Key::AuditRecord.into(),
            Key::AuditAction.into(),
            Key::AuditChanges.into(),
        ]>
            {rows}
        </DataTable>
    }
    .into_any()
}
