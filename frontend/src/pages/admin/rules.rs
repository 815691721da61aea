//! `/admin/referral-rules`: the referral rules an admin sets for the network — answer
//! windows per urgency, the diagnoses whose slips are valid for a year, and the holiday
//! calendar year by year — saved at the version read. A banner names the years that
//! matter and have no holiday list ([`HolidayGaps`], also on the home page).

use chrono::{Datelike, NaiveDate, Utc};
use leptos::prelude::*;
use shared::auth::Capability;
use shared::referral::holidays::holiday_problem;
use shared::referral::{MissingHolidayYear, ReferralRules, ReferralRulesSetting, ResponseWindows};
use shared::time::{vietnam_date, weekday_name};
use validator::Validate;

use super::{AdminTabs, Guarded};
use crate::api::{self, ApiError, use_api};
use crate::components::filters::bind;
use crate::components::form::{
    CheckedSend, Column, FieldMessages, FormSection, FormText, InputKind, RowsEditor, StaleNotice,
    SubmitButton, TextField, field_id, is_stale, messages_at, rows_from, rule_messages,
};
use crate::components::{FieldErrors, Loading, ProblemView, loaded};
use crate::contexts::{use_lang, use_session};
use crate::i18n::{Key, format_date, holiday_gap, t};

/// The page's address.
pub const PATH: &str = "/admin/referral-rules";

/// The answer windows: field path and label.
const WINDOWS: [(&str, Key); 3] = [
    ("response_windows.emergency_minutes", Key::EmergencyMinutes),
    ("response_windows.urgent_minutes", Key::UrgentMinutes),
    ("response_windows.routine_minutes", Key::RoutineMinutes),
];

/// The long-validity list: one code (or range) per row.
const CODE_COLUMNS: &[Column] = &[Column {
    label: Key::Icd10CodeOrRange,
    field: "",
    kind: InputKind::Text,
    upper: true,
}];

/// Whether the form shows a server message for `path` next to its field.
fn shown_inline(path: &str) -> bool {
    ["response_windows", "holidays", "long_validity_codes"]
        .iter()
        .any(|field| path.starts_with(field))
}

/// The years missing a holiday list, as banners: what is wrong and, away from the rules
/// page, where to fix it (the link shows only to those who may).
#[component]
pub fn HolidayGaps(
    /// The years (tracked).
    #[prop(into)]
    gaps: Signal<Vec<MissingHolidayYear>>,
    /// Links to the rules page.
    #[prop(optional)]
    link: bool,
) -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    move || {
        gaps.get()
            .into_iter()
            .map(|gap| {
                let class = match gap.severity {
                    shared::referral::GapSeverity::Error => "alert alert-error",
                    shared::referral::GapSeverity::Warning => "alert alert-warning",
                };
                let fix = (link && session.can(Capability::ManageReferralRules)).then(|| {
                    view! {
                        <a href=PATH class="button secondary small">
                            {move || lang.t(Key::CompleteHolidays)}
                        </a>
                    }
                });
                view! {
                    <div class=class role="status" id=format!("holiday-gap-{}", gap.year)>
                        <p>{move || holiday_gap(lang.get(), &gap)}</p>
                        {fix}
                    </div>
                }
            })
            .collect_view()
    }
}

/// `/admin/referral-rules`.
#[component]
pub fn ReferralRulesPage() -> impl IntoView {
    view! {
        <Guarded capability=Capability::ManageReferralRules>
            <RulesView />
        </Guarded>
    }
}

#[component]
fn RulesView() -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let setting = LocalResource::new(move || api::referrals::rules(api));
    let reload = Callback::new(move |()| setting.refetch());
    view! {
        <section class="page rules-page">
            <AdminTabs />
            <p class="muted">{move || lang.t(Key::ReferralRulesSummary)}</p>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    loaded(setting.await, move |setting| view! { <RulesForm setting reload /> })
                })}
            </Transition>
        </section>
    }
}

/// The answer windows as typed.
#[derive(Debug, Clone, Default, PartialEq)]
struct Windows {
    emergency: String,
    urgent: String,
    routine: String,
}

impl Windows {
    fn of(windows: &ResponseWindows) -> Self {
        Windows {
            emergency: windows.emergency_minutes.to_string(),
            urgent: windows.urgent_minutes.to_string(),
            routine: windows.routine_minutes.to_string(),
        }
    }

    /// The windows typed; what is not a number reads as 0, which the shared rule refuses
    /// with its own message.
    fn read(&self) -> ResponseWindows {
        let minutes = |text: &str| text.trim().parse().unwrap_or(0);
        ResponseWindows {
            emergency_minutes: minutes(&self.emergency),
            urgent_minutes: minutes(&self.urgent),
            routine_minutes: minutes(&self.routine),
        }
    }
}

/// The form over the rules as read.
#[component]
fn RulesForm(setting: ReferralRulesSetting, reload: Callback<()>) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let session = use_session();
    let ReferralRulesSetting {
        rules,
        version,
        holiday_years_missing,
    } = setting;
    let version = StoredValue::new(version);
    let gaps = RwSignal::new(holiday_years_missing);
    let windows = RwSignal::new(Windows::of(&rules.response_windows));
    let codes = RwSignal::new(rows_from(
        rules
            .long_validity_codes
            .iter()
            .map(|code| vec![code.clone()]),
    ));
    let mut sorted = rules.holidays.clone();
    sorted.sort_unstable();
    let holidays = RwSignal::new(sorted);
    let saved = RwSignal::new(false);

    let body = move || ReferralRules {
        response_windows: windows.with(Windows::read),
        holidays: holidays.get(),
        long_validity_codes: codes.with(|rows| {
            rows.iter()
                .map(|row| shared::validation::normalize_icd10(row.value(0)))
                .collect()
        }),
    };
    let problems = Memo::new(move |_| rule_messages(body().validate(), lang.get()));
    let form = CheckedSend::new(problems, move |rules: ReferralRules| async move {
        api::referrals::store_rules(api, version.get_value(), &rules).await
    });
    let form = form.on_answer(move |answer: ReferralRulesSetting| {
        version.set_value(answer.version);
        gaps.set(answer.holiday_years_missing);
        // Stored sorted as sent: only a list the server changed is shown again (a set
        // would count as an edit and hide the saved mark).
        if holidays.with_untracked(|days| *days != answer.rules.holidays) {
            holidays.set(answer.rules.holidays);
        }
        form.tried.set(false);
        saved.set(true);
        // The home page's banner comes with the profile: read it again.
        leptos::task::spawn_local(async move {
            if let Ok(me) = api::auth::me(api).await {
                session.set_me(me);
            }
        });
    });
    Effect::new(move |_| {
        windows.track();
        codes.track();
        holidays.track();
        saved.set(false);
    });
    let failure = Signal::derive(move || form.failure());

    let window_fields = WINDOWS
        .into_iter()
        .zip([
            bind(windows, |w| &w.emergency, |w| &mut w.emergency),
            bind(windows, |w| &w.urgent, |w| &mut w.urgent),
            bind(windows, |w| &w.routine, |w| &mut w.routine),
        ])
        .map(|((path, label), field)| {
            view! { <FormText form path label field kind=InputKind::Number required=true eager=true /> }
        })
        .collect_view();

    view! {
        <HolidayGaps gaps />
        <form
            class="form rules-form"
            id="rules-form"
            novalidate
            on:submit=move |event: leptos::ev::SubmitEvent| {
                event.prevent_default();
                form.submit(|| untrack(body));
            }
        >
            <FormSection legend=Key::AnswerWindows id="rules-windows">
                <div class="form-grid">{window_fields}</div>
            </FormSection>
            <FormSection legend=Key::HolidayCalendar id="rules-holidays">
                <HolidayCalendar holidays messages=form.shown() />
            </FormSection>
            <FormSection legend=Key::LongValidityCodes id="rules-codes">
                <p class="field-hint">{move || lang.t(Key::LongValidityHint)}</p>
                <RowsEditor
                    rows=codes
                    columns=CODE_COLUMNS
                    path="long_validity_codes"
                    messages=form.shown()
                    add_label=Key::AddCode
                    on_edit=Callback::new(move |path: String| {
                        form.touched.update(|touched| {
                            touched.insert(path);
                        })
                    })
                />
            </FormSection>
            <StaleNotice id="rules-stale" failure on_reload=reload />
            {move || {
                form.failure()
                    .filter(|error| !is_stale(error))
                    .map(|error: ApiError| {
                        let error = error.without_fields(shown_inline);
                        view! { <ProblemView error /> }
                    })
            }}
            <div class="form-actions">
                <SubmitButton id="save-rules" label=Key::SaveRules pending=form.pending() />
                {move || {
                    saved.get().then(|| view! {
                        <span class="badge ok" role="status" id="rules-saved">
                            {move || lang.t(Key::RulesSaved)}
                        </span>
                    })
                }}
            </div>
        </form>
    }
}

/// The holidays year by year: a tab per year listed (and the current and coming
/// years), the chosen year's days with their weekday, a date to add, a day to remove.
/// The list stays sorted, so a message at `holidays[i]` belongs to the i-th day.
#[component]
fn HolidayCalendar(
    holidays: RwSignal<Vec<NaiveDate>>,
    /// The form's messages by path (tracked).
    messages: Signal<FieldMessages>,
) -> impl IntoView {
    let lang = use_lang();
    let today = vietnam_date(Utc::now());
    let years = Memo::new(move |_| {
        let mut years = holidays.with(|days| shared::referral::holidays_by_year(days));
        for year in [today.year(), today.year() + 1] {
            years.entry(year).or_default();
        }
        years
    });
    // The first year that matters and is empty, else the current year.
    let first = holidays.with_untracked(|days| {
        shared::referral::missing_holiday_years(days, today)
            .first()
            .map_or(today.year(), |gap| gap.year)
    });
    let year = RwSignal::new(first);
    let new_day = RwSignal::new(String::new());
    let add_messages = RwSignal::new(Vec::<String>::new());

    let add = move || {
        let lang = lang.get_untracked();
        let Ok(day) = new_day.get_untracked().parse::<NaiveDate>() else {
            add_messages.set(vec![t(lang, Key::DateRequired).to_string()]);
            return;
        };
        let mut days = holidays.get_untracked();
        days.push(day);
        if let Some(error) = holiday_problem(&days, days.len() - 1) {
            add_messages.set(vec![shared::validation::message(&error, lang)]);
            return;
        }
        days.sort_unstable();
        holidays.set(days);
        year.set(day.year());
        new_day.set(String::new());
        add_messages.set(Vec::new());
    };

    let tabs = move || {
        years
            .get()
            .into_iter()
            .map(|(shown, days)| {
                let count = days.len();
                view! {
                    <button
                        type="button"
                        class="year-tab"
                        class:empty=count == 0
                        id=format!("holiday-year-{shown}")
                        aria-pressed=move || (year.get() == shown).to_string()
                        on:click=move |_| year.set(shown)
                    >
                        {shown}
                        <span class="year-count">{count}</span>
                    </button>
                }
            })
            .collect_view()
    };

    // The chosen year's days, each with its place in the whole (sorted) list.
    let days = move || {
        let shown = year.get();
        let listed: Vec<(usize, NaiveDate)> = holidays.with(|days| {
            days.iter()
                .copied()
                .enumerate()
                .filter(|(_, day)| day.year() == shown)
                .collect()
        });
        if listed.is_empty() {
            return view! { <p class="muted" id="no-holidays">{move || lang.t(Key::NoHolidaysThisYear)}</p> }
                .into_any();
        }
        let rows = listed
            .into_iter()
            .map(|(index, day)| {
                let path = format!("holidays[{index}]");
                let errors_id = format!("{}-errors", field_id(&path));
                let day_messages = messages_at(messages, move || path.clone());
                view! {
                    <li class="holiday" data-date=day.to_string()>
                        <span class="holiday-date">{move || format_date(lang.get(), day)}</span>
                        <span class="holiday-weekday">
                            {move || weekday_name(day.weekday(), lang.get())}
                        </span>
                        <button
                            type="button"
                            class="button ghost small"
                            id=format!("remove-holiday-{day}")
                            on:click=move |_| holidays.update(|days| days.retain(|d| *d != day))
                        >
                            {move || lang.t(Key::Remove)}
                        </button>
                        <FieldErrors id=errors_id messages=day_messages />
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="holiday-list" id="holidays">{rows}</ul> }.into_any()
    };

    view! {
        <div class="year-tabs" role="group" aria-label=move || lang.t(Key::HolidayYears)>
            {tabs}
        </div>
        {days}
        <FieldErrors id="f-holidays-errors" messages=messages_at(messages, || "holidays".into()) />
        <div class="add-holiday">
            <TextField
                id="new-holiday"
                label=Key::NewHoliday
                kind=InputKind::Date
                value=new_day
                on_input=Callback::new(move |text| new_day.set(text))
                messages=add_messages
            />
            <button type="button" class="button secondary" id="add-holiday" on:click=move |_| add()>
                "+ "
                {move || lang.t(Key::AddHoliday)}
            </button>
        </div>
    }
}
