//! `/registry/techniques`: how much of its level's technique catalogue each facility
//! performs (seed 001: 80 %), and the catalogue itself, filtered; the Department of
//! Health (and admins) add techniques and edit them in place.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::Labelled;
use shared::auth::Capability;
use shared::registry::{FacilityKind, TechnicalLevel, specialty_label};
use shared::technique::{
    CoverageQuery, FacilityCoverage, Technique, TechniqueInput, TechniqueQuery,
};

use super::{NoResults, RegistryTabs, StatusBadge, href_with, non_blank, parse_param, text_param};
use crate::api::{self, IdempotencyKeys, use_api};
use crate::components::filters::{
    EnumFilter, FilterActions, FilterForm, PagedList, SearchFilter, SpecialtyFilter, UrlQuery,
    apply_filters, bind, cursor_field, use_filter_draft, use_url_query,
};
use crate::components::form::{
    CheckedSend, FieldMessages, FormSection, FormText, InlineForm, SelectField, Unreadable,
    input_problems,
};
use crate::components::list::{CardTable, DataTable, Heading};
use crate::components::{Loading, loaded};
use crate::contexts::{use_lang, use_session};
use crate::i18n::Key;
use crate::pages::query::QueryParams;

const PATH: &str = "/registry/techniques";

impl UrlQuery for TechniqueQuery {
    fn from_params(params: &dyn QueryParams) -> Self {
        TechniqueQuery {
            specialty: text_param(params, "specialty"),
            level: parse_param(params, "level"),
            include_retired: parse_param(params, "include_retired"),
            q: text_param(params, "q"),
            limit: None,
            cursor: text_param(params, "cursor"),
        }
    }

    fn href(&self) -> String {
        href_with(
            PATH,
            &[
                ("q", self.q.clone()),
                ("specialty", self.specialty.clone()),
                ("level", self.level.map(|level| level.as_str().to_string())),
                ("cursor", self.cursor.clone()),
            ],
        )
    }

    cursor_field!();
}

/// The filter form's fields as typed.
#[derive(Debug, Clone, Default, PartialEq)]
struct Draft {
    q: String,
    specialty: String,
    level: String,
}

impl Draft {
    fn from_query(query: &TechniqueQuery) -> Self {
        Draft {
            q: query.q.clone().unwrap_or_default(),
            specialty: query.specialty.clone().unwrap_or_default(),
            level: query
                .level
                .map(|level| level.as_str().to_string())
                .unwrap_or_default(),
        }
    }

    fn to_query(&self) -> TechniqueQuery {
        TechniqueQuery {
            specialty: non_blank(&self.specialty),
            level: self.level.parse().ok(),
            q: non_blank(&self.q),
            ..TechniqueQuery::default()
        }
    }
}

/// The coverage of the stations, then the catalogue with its filters.
#[component]
pub fn TechniquesPage() -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let session = use_session();
    let query = use_url_query::<TechniqueQuery>();
    let draft = use_filter_draft(query, Draft::from_query);
    let techniques = LocalResource::new(move || {
        let query = query.get();
        async move { api::registry::techniques(api, &query).await }
    });
    let on_apply = apply_filters(move || draft.with_untracked(Draft::to_query));
    let adding = RwSignal::new(false);
    let manages = move || session.can(Capability::ManageTechniques);
    view! {
        <section class="page">
            <RegistryTabs />
            <p class="muted">{move || lang.t(Key::TechniqueCatalogueSummary)}</p>
            <StationCoverage />
            <h2>{move || lang.t(Key::TechniqueCatalogue)}</h2>
            <Show when=manages>
                <div class="page-actions">
                    <button
                        type="button"
                        class="button primary"
                        id="new-technique"
                        aria-expanded=move || adding.get().to_string()
                        on:click=move |_| adding.update(|open| *open = !*open)
                    >
                        {move || lang.t(Key::NewTechnique)}
                    </button>
                </div>
                <Show when=move || adding.get()>
                    <TechniqueForm
                        existing=None
                        on_saved=Callback::new(move |()| {
                            adding.set(false);
                            techniques.refetch();
                        })
                        on_close=Callback::new(move |()| adding.set(false))
                    />
                </Show>
            </Show>
            <FilterForm on_apply>
                <SearchFilter placeholder=Key::TechniqueSearchHint field=bind(draft, |d| &d.q, |d| &mut d.q) />
                <SpecialtyFilter id="filter-specialty" label=Key::Specialty field=bind(draft, |d| &d.specialty, |d| &mut d.specialty) />
                <EnumFilter
                    id="filter-level"
                    label=Key::Level
                    values=TechnicalLevel::all()
                    code=TechnicalLevel::as_str
                    field=bind(draft, |d| &d.level, |d| &mut d.level)
                />
                <FilterActions clear=PATH.to_string() />
            </FilterForm>
            <PagedList
                query
                page=techniques
                show=move |items| view! { <TechniqueTable items editable=manages() changed=Callback::new(move |()| techniques.refetch()) /> }
            />
        </section>
    }
}

/// What each station performs of the commune-level catalogue.
#[component]
fn StationCoverage() -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let coverage = LocalResource::new(move || async move {
        let query = CoverageQuery {
            kind: Some(FacilityKind::HealthStation),
            facility_id: None,
        };
        let coverage = api::registry::technique_coverage(api, &query).await?;
        // The names of the techniques they lack, from the catalogue.
        let catalogue = api::registry::techniques(
            api,
            &TechniqueQuery {
                level: Some(TechnicalLevel::Initial),
                limit: Some(shared::page::MAX_LIMIT),
                ..TechniqueQuery::default()
            },
        )
        .await?;
        Ok::<_, api::ApiError>((coverage, catalogue.items))
    });
    view! {
        <section id="technique-coverage">
            <h2>{move || lang.t(Key::CoverageTitle)}</h2>
            <p class="muted">{move || lang.t(Key::CoverageHint)}</p>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    loaded(coverage.await, move |(coverage, catalogue)| {
                        view! { <CoverageTable coverage catalogue /> }
                    })
                })}
            </Transition>
        </section>
    }
}

#[component]
fn CoverageTable(coverage: Vec<FacilityCoverage>, catalogue: Vec<Technique>) -> impl IntoView {
    let lang = use_lang();
    if coverage.is_empty() {
        return view! { <NoResults /> }.into_any();
    }
    let name_of = move |code: &str| {
        catalogue
            .iter()
            .find(|t| t.code == code)
            .map_or_else(|| code.to_string(), |t| t.name.clone())
    };
    let reaching = coverage.iter().filter(|c| c.reaches_threshold).count();
    let total = coverage.len();
    let rows = coverage
        .into_iter()
        .map(|entry| {
            let missing = entry
                .missing
                .iter()
                .map(|code| name_of(code))
                .collect::<Vec<_>>()
                .join(", ");
            let reaches = entry.reaches_threshold;
            view! {
                <tr data-facility-code=entry.facility.code.clone()>
                    <td>
                        <A href=format!("/registry/facilities/{}", entry.facility.id)>{entry.facility.name}</A>
                    </td>
                    <td class="number">{format!("{}/{}", entry.performing, entry.catalogue)}</td>
                    <td class="number">{format!("{} %", entry.percent)}</td>
                    <td>
                        <StatusBadge active=reaches yes=Key::ReachesTarget no=Key::BelowTarget />
                    </td>
                    <td class="muted">{if missing.is_empty() { "—".to_string() } else { missing }}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p id="coverage-summary">
            <strong>{format!("{reaching}/{total}")}</strong>
            " "
            {move || lang.t(Key::ReachesTarget)}
        </p>
        <CardTable id="coverage-table">
            <thead>
                <tr>
                    <th scope="col">{move || lang.t(Key::Facility)}</th>
                    <th scope="col">{move || lang.t(Key::Performing)}</th>
                    <th scope="col">{move || lang.t(Key::Share)}</th>
                    <th scope="col">{move || lang.t(Key::Status)}</th>
                    <th scope="col">{move || lang.t(Key::MissingTechniques)}</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </CardTable>
    }
    .into_any()
}

/// The catalogue as a table; each row opens its edit form for those who keep it.
#[component]
fn TechniqueTable(items: Vec<Technique>, editable: bool, changed: Callback<()>) -> impl IntoView {
    let lang = use_lang();
    if items.is_empty() {
        return view! { <NoResults /> }.into_any();
    }
    let rows = items
        .into_iter()
        .map(|technique| {
            let editing = RwSignal::new(false);
            let level = technique.level;
            let specialty = technique.specialty.clone();
            let stored = StoredValue::new(technique.clone());
            let code = technique.code.clone();
            view! {
                <tr data-technique=code>
                    <td>
                        <code>{technique.code}</code>
                    </td>
                    <td>{technique.name}</td>
                    <td>{move || specialty_label(&specialty, lang.get()).to_string()}</td>
                    <td>{move || level.label(lang.get())}</td>
                    <td>
                        <StatusBadge active=technique.active yes=Key::InCatalogue no=Key::Retired />
                    </td>
                    <td>
                        {editable.then(|| view! {
                            <button
                                type="button"
                                class="button ghost small"
                                on:click=move |_| editing.update(|open| *open = !*open)
                            >
                                {move || lang.t(Key::EditTechnique)}
                            </button>
                        })}
                    </td>
                </tr>
                <Show when=move || editing.get()>
                    <tr>
                        <td colspan="6">
                            <TechniqueForm
                                existing=Some(stored.get_value())
                                on_saved=Callback::new(move |()| {
                                    editing.set(false);
                                    changed.run(());
                                })
                                on_close=Callback::new(move |()| editing.set(false))
                            />
                        </td>
                    </tr>
                </Show>
            }
        })
        .collect_view();
    view! {
        <DataTable id="techniques" headings=vec![
            Heading::Label(Key::Code),
            Heading::Label(Key::Name),
            Heading::Label(Key::Specialty),
            Heading::Label(Key::Level),
            Heading::Label(Key::Status),
            Heading::Blank,
        ]>
            {rows}
        </DataTable>
    }
    .into_any()
}

/// A technique's fields as typed.
#[derive(Debug, Clone, Default, PartialEq)]
struct TechniqueDraft {
    code: String,
    name: String,
    specialty: String,
    level: String,
    active: bool,
}

impl TechniqueDraft {
    fn of(technique: Option<&Technique>) -> Self {
        technique.map_or(
            TechniqueDraft {
                active: true,
                ..TechniqueDraft::default()
            },
            |t| TechniqueDraft {
                code: t.code.clone(),
                name: t.name.clone(),
                specialty: t.specialty.clone(),
                level: t.level.as_str().to_string(),
                active: t.active,
            },
        )
    }

    fn input(&self, lang: shared::Lang) -> (TechniqueInput, FieldMessages) {
        let mut unreadable = Unreadable::new(lang);
        let level = unreadable.choice::<TechnicalLevel>("level", &self.level);
        let input = TechniqueInput {
            code: self.code.trim().to_string(),
            name: self.name.trim().to_string(),
            specialty: self.specialty.trim().to_string(),
            level: level.unwrap_or(TechnicalLevel::Initial),
            active: self.active,
        };
        (input, unreadable.messages)
    }
}

/// A new technique's form, or an existing one's.
#[component]
fn TechniqueForm(
    existing: Option<Technique>,
    on_saved: Callback<()>,
    on_close: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let draft = RwSignal::new(TechniqueDraft::of(existing.as_ref()));
    let current = StoredValue::new(existing.as_ref().map(|t| (t.id, t.version)));
    let input = move || {
        let lang = lang.get();
        draft.with(|draft| draft.input(lang))
    };
    let keys = IdempotencyKeys::<TechniqueInput>::new();
    let form = CheckedSend::new(input_problems(lang, input), move |input: TechniqueInput| {
        let existing = current.get_value();
        let key = keys.for_body(&input);
        async move {
            match existing {
                Some((id, version)) => {
                    api::registry::update_technique(api, id, version, &input).await
                }
                None => api::registry::create_technique(api, &input, &key).await,
            }
        }
    })
    .on_success(on_saved);
    let on_save = Callback::new(move |()| form.submit(|| untrack(input).0));
    let problem = form.problem_besides(|path| matches!(path, "code" | "name" | "level"));
    let specialty = bind(draft, |d| &d.specialty, |d| &mut d.specialty);
    let level = bind(draft, |d| &d.level, |d| &mut d.level);
    let label = if existing.is_some() {
        Key::EditTechnique
    } else {
        Key::NewTechnique
    };
    view! {
        <div class="technique-form">
            <InlineForm label pending=form.pending() problem on_save on_close save_id="save-technique">
                <FormSection legend=label>
                    <div class="form-grid">
                        <FormText form path="code" id="t-code" label=Key::Code field=bind(draft, |d| &d.code, |d| &mut d.code) required=true eager=true />
                        <FormText form path="name" id="t-name" label=Key::Name field=bind(draft, |d| &d.name, |d| &mut d.name) required=true eager=true />
                        <SpecialtyFilter id="t-specialty" label=Key::Specialty field=specialty />
                        <SelectField
                            id="t-level"
                            label=Key::Level
                            values=TechnicalLevel::all()
                            code=TechnicalLevel::as_str
                            value=level.value
                            on_change=level.set
                            messages=form.messages("level")
                            required=true
                        />
                    </div>
                </FormSection>
            </InlineForm>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use shared::Lang;

    use super::*;

    #[test]
    fn a_technique_draft_reads_its_level_and_says_when_none_is_chosen() {
        let mut draft = TechniqueDraft::of(None);
        assert!(draft.active, "a new technique is in the catalogue");
        draft.code = " dat_vong ".into();
        draft.name = "Đặt vòng".into();
        draft.specialty = "san_phu_khoa".into();
        let (_, unreadable) = draft.input(Lang::Vi);
        assert!(unreadable.contains_key("level"), "{unreadable:?}");
        draft.level = "initial".into();
        let (input, unreadable) = draft.input(Lang::Vi);
        assert!(unreadable.is_empty(), "{unreadable:?}");
        assert_eq!(input.code, "dat_vong");
        assert_eq!(input.level, TechnicalLevel::Initial);
    }
}
