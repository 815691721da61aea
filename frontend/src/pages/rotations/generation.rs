//! "Xếp lịch tự động": starts the generator on a plan, follows the run (progress bar,
//! cancel), and says what it did in plain words — what it filled, what it could not fill
//! and why (for every such demand the explanation and the rules that kept people out),
//! what it changed — with the solver's score folded away for the curious.

use std::time::Duration;

use leptos::prelude::*;
use shared::Labelled;
use shared::rotation::{
    AvoidanceBroken, GenerateInput, Generation, GenerationResult, GenerationStatus, ScoreBreakdown,
    UnmetDemand,
};

use crate::api::{self, ApiError, use_api};
use crate::components::ProblemView;
use crate::components::list::CardTable;
use crate::contexts::use_lang;
use crate::i18n::{Key, format_date, t};

/// How often a running generator is asked how far it got.
const POLL_EVERY: Duration = Duration::from_millis(700);

/// The generator of one plan: its controls, the run in progress and the last result.
#[component]
pub(super) fn GenerationPanel(
    plan_id: i64,
    /// Called when a run this page followed has finished (its proposals are saved).
    on_finished: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let run = RwSignal::new(None::<Generation>);
    let error = RwSignal::new(None::<ApiError>);
    let seed = RwSignal::new(String::new());
    let replan = RwSignal::new(false);

    // The last run shows when the page opens, and is followed if it still runs.
    let latest = LocalResource::new(move || api::rotations::latest_generation(api, plan_id));
    Effect::new(move |_| match latest.get() {
        Some(Ok(Some(found))) if run.with_untracked(Option::is_none) => run.set(Some(found)),
        Some(Err(failure)) => error.set(Some(failure)),
        _ => {}
    });

    // While the run goes on: ask again after a short wait. Each answer sets `run`, which
    // schedules the next question; leaving the page clears the pending one.
    Effect::new(move |_| {
        let Some(id) = run.with(|run| {
            run.as_ref()
                .filter(|run| run.status.is_active())
                .map(|run| run.id)
        }) else {
            return;
        };
        let poll = move || {
            leptos::task::spawn_local(async move {
                match api::rotations::generation(api, id).await {
                    Ok(next) => {
                        let finished = !next.status.is_active();
                        if run.try_set(Some(next)).is_none() && finished {
                            on_finished.run(());
                        }
                    }
                    Err(failure) => {
                        error.try_set(Some(failure));
                    }
                }
            });
        };
        match set_timeout_with_handle(poll, POLL_EVERY) {
            Ok(handle) => on_cleanup(move || handle.clear()),
            Err(failure) => leptos::logging::warn!("could not schedule a poll: {failure:?}"),
        }
    });

    let start = Action::new_local(move |input: &GenerateInput| {
        let input = input.clone();
        async move {
            match api::rotations::generate(api, plan_id, &input).await {
                Ok(started) => {
                    error.try_set(None);
                    run.try_set(Some(started));
                }
                Err(failure) => {
                    error.try_set(Some(failure));
                }
            }
        }
    });
    let cancel = Action::new_local(move |id: &i64| {
        let id = *id;
        async move {
            match api::rotations::cancel_generation(api, id).await {
                Ok(stopping) => {
                    run.try_set(Some(stopping));
                }
                Err(failure) => {
                    error.try_set(Some(failure));
                }
            }
        }
    });
    let running = move || run.with(|run| run.as_ref().is_some_and(|run| run.status.is_active()));
    let seed_value = move || -> Result<Option<u64>, ()> {
        match seed.with(|s| s.trim().to_string()) {
            text if text.is_empty() => Ok(None),
            text => text.parse().map(Some).map_err(|_| ()),
        }
    };
    let seed_messages = Signal::derive(move || match seed_value() {
        Ok(_) => Vec::new(),
        Err(()) => vec![t(lang.get(), Key::NotANumber).to_string()],
    });
    let on_generate = move |_| {
        if let Ok(seed) = seed_value() {
            start.dispatch_local(GenerateInput {
                seed,
                replan_published: replan.get_untracked(),
            });
        }
    };

    view! {
        <section class="panel generation" id="generation" aria-labelledby="generation-title">
            <h2 id="generation-title">{move || lang.t(Key::AutoSchedule)}</h2>
            <p class="muted">{move || lang.t(Key::AutoScheduleHint)}</p>
            <div class="generation-controls">
                <div class="field checkbox">
                    <input
                        id="replan-published"
                        type="checkbox"
                        prop:checked=move || replan.get()
                        on:change=move |event| replan.set(event_target_checked(&event))
                    />
                    <label for="replan-published">{move || lang.t(Key::ReplanPublished)}</label>
                </div>
                <button
                    type="button"
                    id="generate"
                    class="button primary"
                    disabled=move || running() || start.pending().get()
                    on:click=on_generate
                >
                    {move || lang.t(Key::AutoSchedule)}
                </button>
            </div>
            // The seed only matters to someone repeating a run exactly: out of the way.
            <details class="generation-advanced">
                <summary>{move || lang.t(Key::GenerationAdvanced)}</summary>
                <div class="field">
                    <label for="generation-seed">{move || lang.t(Key::SeedOptional)}</label>
                    <input
                        id="generation-seed"
                        type="number"
                        min="0"
                        aria-describedby="generation-seed-errors"
                        prop:value=move || seed.get()
                        on:input=move |event| seed.set(event_target_value(&event))
                    />
                    <crate::components::FieldErrors id="generation-seed-errors" messages=seed_messages />
                </div>
            </details>
            {move || run.get().map(|run| view! { <GenerationRun run cancel /> })}
            {move || error.get().map(|error| view! { <ProblemView error /> })}
        </section>
    }
}

/// One run: its progress while it goes, then its outcome.
#[component]
fn GenerationRun(run: Generation, cancel: Action<i64, ()>) -> impl IntoView {
    let lang = use_lang();
    let status = run.status;
    let id = run.id;
    let progress = run.progress.clamp(0, 100);
    let body = match status {
        // A queued run shows 0 % until a worker takes it.
        GenerationStatus::Queued | GenerationStatus::Running => view! {
            <div class="generation-progress">
                <progress id="generation-progress" max="100" value=progress></progress>
                <span class="progress-text">{progress} "%"</span>
                <button
                    type="button"
                    id="cancel-generation"
                    class="button secondary small"
                    disabled=move || cancel.pending().get()
                    on:click=move |_| {
                        cancel.dispatch_local(id);
                    }
                >
                    {move || lang.t(Key::StopGeneration)}
                </button>
            </div>
        }
        .into_any(),
        GenerationStatus::Done => match run.result {
            Some(result) => view! { <GenerationOutcome result seed=run.seed /> }.into_any(),
            None => ().into_any(),
        },
        GenerationStatus::Cancelled => {
            view! { <p class="alert alert-info">{move || lang.t(Key::GenerationCancelled)}</p> }
                .into_any()
        }
        GenerationStatus::Failed => {
            let reason = run.error.unwrap_or_default();
            view! {
                <div class="alert alert-error" role="alert">
                    <p class="alert-title">{move || lang.t(Key::GenerationFailed)}</p>
                    <p class="alert-detail">{reason}</p>
                </div>
            }
            .into_any()
        }
    };
    view! {
        <div
            class="generation-run"
            id="generation-run"
            data-generation-id=id
            data-status=status.as_str()
            role="status"
            aria-live="polite"
        >
            <p class="muted small">{move || status.label(lang.get())} " · " {run.started_by.clone()}</p>
            {body}
        </div>
    }
}

/// A finished run in plain words: what it filled, what it kept, what it could not fill
/// (each demand with why, below), what it changed, how the days were shared; then the
/// solver's figures, folded.
#[component]
fn GenerationOutcome(result: GenerationResult, seed: i64) -> impl IntoView {
    let lang = use_lang();
    let solve_ms = result.solve_ms;
    let sentences = outcome_sentences(&result);
    let sentences = move || {
        sentences(lang.get())
            .into_iter()
            .map(|(test, text)| view! { <li data-test=test>{text}</li> })
            .collect_view()
    };
    view! {
        <ul class="generation-summary" id="generation-summary">{sentences}</ul>
        <UnmetDemandList unmet=result.unmet />
        <AvoidancesBroken broken=result.avoidances_broken />
        <details class="generation-details" id="generation-details">
            <summary>{move || lang.t(Key::GenerationDetails)}</summary>
            <ScoreTable score=result.score />
            <p class="muted small">
                {move || lang.t(Key::Seed)} " " {seed} " · " {solve_ms} " ms"
            </p>
        </details>
    }
}

/// The sentences of a finished run (each with its `data-test` name), in a language.
fn outcome_sentences(
    result: &GenerationResult,
) -> impl Fn(shared::Lang) -> Vec<(&'static str, String)> + use<> {
    let (proposed, kept) = (result.proposed, result.kept);
    let score = result.score.clone();
    let unmet = result.unmet.len();
    move |lang| {
        let vi = lang == shared::Lang::Vi;
        let mut out = Vec::new();
        out.push((
            "filled",
            match (proposed, vi) {
                (0, true) => "Không xếp thêm phân công nào.".to_string(),
                (0, false) => "No new assignment was made.".to_string(),
                (n, true) => format!("Đã xếp {n} phân công mới cho các nhu cầu còn trống."),
                (n, false) => format!("Made {n} new assignments for the open demand."),
            },
        ));
        if kept > 0 {
            out.push((
                "kept",
                if vi {
                    format!("Giữ nguyên {kept} phân công đã công bố.")
                } else {
                    format!("Kept the {kept} published assignments as they were.")
                },
            ));
        }
        out.push((
            "unfilled",
            match (unmet, vi) {
                (0, true) => t(lang, Key::AllDemandMet).to_string(),
                (0, false) => t(lang, Key::AllDemandMet).to_string(),
                (n, true) => format!(
                    "Còn {n} nhu cầu chưa đủ người ({} ngày): lý do của từng nhu cầu ở dưới.",
                    score.unfilled_days
                ),
                (n, false) => format!(
                    "{n} demands are not fully met ({} days): why, for each, below.",
                    score.unfilled_days
                ),
            },
        ));
        out.push((
            "changes",
            match (score.changes, vi) {
                (0, true) => "Không thay đổi phân công nào của lịch trước.".to_string(),
                (0, false) => "Nothing of the previous calendar changed.".to_string(),
                (n, true) => format!("Thay đổi {n} phân công so với lịch trước."),
                (n, false) => format!("Changed {n} assignments from the previous calendar."),
            },
        ));
        for spread in &score.load_by_profession {
            let profession = spread.profession.label(lang);
            let (people, min, max) = (spread.people, spread.min_days, spread.max_days);
            out.push((
                "load",
                if vi {
                    format!("{profession}: {people} người, mỗi người từ {min} đến {max} ngày.")
                } else {
                    format!("{profession}: {people} people, {min} to {max} days each.")
                },
            ));
        }
        if score.preferred_days > 0 {
            let days = score.preferred_days;
            out.push((
                "preferences",
                if vi {
                    format!("{days} ngày được xếp đúng trạm người đó mong muốn.")
                } else {
                    format!("{days} days at the station the person asked for.")
                },
            ));
        }
        if score.avoided_days > 0 {
            let days = score.avoided_days;
            out.push((
                "avoided",
                if vi {
                    format!("{days} ngày phải xếp vào ngày người đó xin tránh, vì không còn ai khác.")
                } else {
                    format!("{days} days fall on days the person asked to avoid, as no one else could take them.")
                },
            ));
        }
        out
    }
}

/// The people the run placed on weekdays or months they asked to avoid, each with the
/// server's sentence (in the reader's language).
#[component]
fn AvoidancesBroken(broken: Vec<AvoidanceBroken>) -> impl IntoView {
    let lang = use_lang();
    if broken.is_empty() {
        return ().into_any();
    }
    let items = broken
        .into_iter()
        .map(|b| {
            view! {
                <li data-test="avoidance-broken" data-staff-id=b.staff_id>
                    {b.explanation}
                </li>
            }
        })
        .collect_view();
    view! {
        <h3>{move || lang.t(Key::AvoidancesBroken)}</h3>
        <ul class="avoidances-broken" id="avoidances-broken">{items}</ul>
    }
    .into_any()
}

/// The solver's score goal by goal (lower is better except for preferences met), for
/// those who tune it.
#[component]
fn ScoreTable(score: ScoreBreakdown) -> impl IntoView {
    let lang = use_lang();
    let goals = [
        (Key::GoalUnfilledDays, score.unfilled_days, "unfilled_days"),
        (
            Key::GoalFairLoad,
            score.load_sum_of_squares,
            "load_sum_of_squares",
        ),
        (Key::GoalContinuity, score.stint_starts, "stint_starts"),
        (Key::GoalTravel, score.travel_km, "travel_km"),
        (Key::GoalPreferences, score.preferred_days, "preferred_days"),
        (Key::GoalAvoidedDays, score.avoided_days, "avoided_days"),
        (Key::GoalChanges, score.changes, "changes"),
        (Key::GoalObjective, score.objective, "objective"),
    ]
    .into_iter()
    .map(|(label, value, goal)| {
        view! {
            <tr data-goal=goal>
                <th scope="row">{move || lang.t(label)}</th>
                <td class="number">{value}</td>
            </tr>
        }
    })
    .collect_view();
    let spreads = score
        .load_by_profession
        .into_iter()
        .map(|spread| {
            let profession = spread.profession;
            view! {
                <tr>
                    <th scope="row">{move || profession.label(lang.get())}</th>
                    <td class="number">{spread.people}</td>
                    <td class="number">{spread.min_days} " – " {spread.max_days}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="columns score">
            <CardTable class="score-table" id="score-breakdown">
                <caption>{move || lang.t(Key::ScoreBreakdown)}</caption>
                <tbody>{goals}</tbody>
            </CardTable>
            <CardTable class="load-table">
                <caption>{move || lang.t(Key::LoadByProfession)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{move || lang.t(Key::Profession)}</th>
                        <th scope="col">{move || lang.t(Key::People)}</th>
                        <th scope="col">{move || lang.t(Key::DaysRange)}</th>
                    </tr>
                </thead>
                <tbody>{spreads}</tbody>
            </CardTable>
        </div>
    }
}

/// Every demand the run could not fill: its explanation and the rules that excluded
/// people, most frequent first.
#[component]
fn UnmetDemandList(unmet: Vec<UnmetDemand>) -> impl IntoView {
    let lang = use_lang();
    if unmet.is_empty() {
        return view! { <p class="alert alert-success" id="all-demand-met">{move || lang.t(Key::AllDemandMet)}</p> }
            .into_any();
    }
    let items = unmet
        .into_iter()
        .map(|demand| view! { <UnmetDemandItem demand /> })
        .collect_view();
    view! {
        <h3>{move || lang.t(Key::UnmetDemand)}</h3>
        <ul class="unmet-demands" id="unmet-demands">{items}</ul>
    }
    .into_any()
}

/// One unmet demand.
#[component]
fn UnmetDemandItem(demand: UnmetDemand) -> impl IntoView {
    let lang = use_lang();
    let profession = demand.profession;
    let specialty = demand.specialty.clone();
    let (days, first) = (demand.unfilled_days, demand.first_unfilled_day);
    let heading = move || {
        let lang = lang.get();
        let specialty = specialty
            .as_deref()
            .map(|code| format!(" ({})", shared::registry::specialty_label(code, lang)))
            .unwrap_or_default();
        let since = first
            .map(|day| {
                format!(
                    " · {} {}",
                    t(lang, Key::FromDate).to_lowercase(),
                    format_date(lang, day)
                )
            })
            .unwrap_or_default();
        let unfilled = match lang {
            shared::Lang::Vi => format!("thiếu {days} ngày"),
            shared::Lang::En => format!("{days} days unfilled"),
        };
        format!("{}{specialty} · {unfilled}{since}", profession.label(lang))
    };
    let reasons = demand
        .reasons
        .into_iter()
        .map(|reason| {
            let rule = reason.rule;
            let people = reason.people;
            let more = people > reason.examples.len() as i64;
            let mut names = reason.examples.join(", ");
            if more {
                names.push_str(", …");
            }
            view! {
                <li data-rule=rule.as_str()>
                    <strong class="rule-label">{move || rule.label(lang.get())}</strong>
                    {move || match lang.get() {
                        shared::Lang::Vi => format!(" — {people} người: "),
                        shared::Lang::En => format!(" — {people} people: "),
                    }}
                    {names}
                </li>
            }
        })
        .collect_view();
    view! {
        <li class="unmet" data-test="unmet-demand" data-demand-id=demand.demand_id>
            <p class="unmet-heading">
                <strong>{demand.station.name}</strong>
                " · "
                {heading}
            </p>
            <p class="unmet-explanation">{demand.explanation}</p>
            <ul class="unmet-reasons">{reasons}</ul>
        </li>
    }
}
