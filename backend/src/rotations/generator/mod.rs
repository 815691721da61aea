//! The rotation generator: turns a plan's open demands into tasks, asks the solver to
//! fill them under the hard rules while optimising fair load, continuity, travel and
//! preferences, explains what it could not fill, and writes the proposals. Runs on its
//! own thread (never on the server's workers), reports progress and can be cancelled.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::{Datelike, NaiveDate};
use serde_json::json;
use shared::message::{Message, Record};
use shared::registry::Profession;
use shared::rotation::DemandStatus;
use shared::rotation::avoidance::AvoidedHit;
use shared::rotation::solver::{self, Blocker, Candidate, Options, Problem};
use shared::rotation::{
    AssignmentSource, AssignmentStatus, Avoidance, AvoidanceBroken, DemandPattern, Exclusion,
    GenerateInput, Generation, GenerationResult, GenerationStatus, LoadSpread, Need, Roster,
    RotationRule, ScoreBreakdown, Shortfall, Span, StaffFacts, UnmetDemand, Weekdays, monday_of,
    months_of, personal_breaches,
};
use shared::{Labelled, Lang};

use super::repo::{
    self, AssignmentFilter, AssignmentRow, DemandRow, GenerationRow, NewAssignment, PlanRow,
};
use super::service::{self, roster_of};
use crate::app::AppState;
use crate::audit::{self, Entry};
use crate::auth::{Action, Principal, authorize};
use crate::db::{AnyConn, Db, DbEnum, now, utc, write_tx};
use crate::error::ApiError;
use crate::registry::repo as registry_repo;

mod model;
use model::*;

/// Runs in progress, by run id: their progress (0–100) and cancel flag.
#[derive(Default)]
pub struct Generations {
    running: Mutex<HashMap<i64, Running>>,
}

#[derive(Clone)]
struct Running {
    plan_id: i64,
    progress: Arc<AtomicU32>,
    cancel: Arc<AtomicBool>,
}

impl Generations {
    fn get(&self, id: i64) -> Option<Running> {
        self.running.lock().ok()?.get(&id).cloned()
    }

    fn plan_busy(&self, plan_id: i64) -> bool {
        self.running
            .lock()
            .map(|running| running.values().any(|r| r.plan_id == plan_id))
            .unwrap_or(false)
    }

    fn insert(&self, id: i64, running: Running) {
        if let Ok(mut map) = self.running.lock() {
            map.insert(id, running);
        }
    }

    fn remove(&self, id: i64) {
        if let Ok(mut map) = self.running.lock() {
            map.remove(&id);
        }
    }
}

fn not_found() -> ApiError {
    ApiError::not_found(Record::Generation)
}

/// A run's result as its row stores it: the answer, and why each unmet demand fell short
/// (in the same order), so that the sentences are written in the reader's language.
#[derive(serde::Serialize, serde::Deserialize)]
struct StoredResult {
    #[serde(flatten)]
    result: GenerationResult,
    // Absent from rows written before the reasons were kept: their sentences stay.
    #[serde(default)]
    shortfalls: Vec<Shortfall>,
}

impl StoredResult {
    fn new(result: GenerationResult, shortfalls: Vec<Shortfall>) -> StoredResult {
        StoredResult { result, shortfalls }
    }

    /// The result in `lang`: rule labels and explanations.
    fn read(self, lang: Lang) -> GenerationResult {
        let mut result = self.result;
        for (i, unmet) in result.unmet.iter_mut().enumerate() {
            for reason in &mut unmet.reasons {
                reason.label = reason.rule.label(lang).to_string();
            }
            if let Some(why) = self.shortfalls.get(i) {
                unmet.explanation = unmet.explain(*why).text(lang);
            }
        }
        for broken in &mut result.avoidances_broken {
            broken.explanation = broken.explain().text(lang);
        }
        result
    }
}

/// Why a run failed, as its row stores it: a key, written out in the reader's language
/// (the error itself goes to the server's log, never to the client).
#[derive(Clone, Copy, strum::VariantArray)]
enum Failure {
    /// The server restarted while it ran.
    Interrupted,
    /// It stopped on an error.
    Error,
}

impl Failure {
    fn key(self) -> &'static str {
        match self {
            Failure::Interrupted => "interrupted",
            Failure::Error => "error",
        }
    }

    fn message(self) -> Message {
        match self {
            Failure::Interrupted => Message::GenerationInterrupted,
            Failure::Error => Message::GenerationFailed,
        }
    }

    /// The stored error in `lang`; a text stored before keys were, as it is.
    fn read(stored: String, lang: Lang) -> String {
        use strum::VariantArray;
        Failure::VARIANTS
            .iter()
            .find(|failure| failure.key() == stored)
            .map_or(stored, |failure| failure.message().text(lang))
    }
}

/// Marks the runs a restart cut short as failed (a run cannot survive one).
pub fn fail_interrupted(
    conn: &mut AnyConn,
    at: chrono::NaiveDateTime,
) -> diesel::QueryResult<usize> {
    repo::fail_unfinished_generations(conn, at, Failure::Interrupted.key())
}

fn view(row: GenerationRow, live: Option<&Running>, lang: Lang) -> Result<Generation, ApiError> {
    Ok(Generation {
        id: row.id,
        plan_id: row.plan_id,
        status: row.status.0,
        // The live figure only while the stored run is still running: the run leaves
        // the live map just after its end is committed, and a reader in between would
        // otherwise see a finished run at 92 %.
        progress: live
            .filter(|_| row.status.0 == GenerationStatus::Running)
            .map(|r| r.progress.load(Ordering::Relaxed) as i32)
            .unwrap_or(row.progress),
        seed: row.seed,
        replan_published: row.replan_published,
        result: row
            .result
            .as_deref()
            .map(serde_json::from_str::<StoredResult>)
            .transpose()
            .map_err(ApiError::internal)?
            .map(|stored| stored.read(lang)),
        error: row.error.map(|stored| Failure::read(stored, lang)),
        started_by: row.started_by,
        started_at: utc(row.started_at),
        finished_at: row.finished_at.map(utc),
    })
}

/// Starts a run on a plan (planning only; one run per plan at a time).
pub async fn start(
    state: &AppState,
    by: Principal,
    plan_id: i64,
    input: GenerateInput,
    lang: Lang,
) -> Result<Generation, ApiError> {
    let seed = input.seed.unwrap_or(1);
    let label = by.label();
    let starter = by.clone();
    let registry = state.generations.clone();
    let row = state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let plan = repo::find_plan(conn, plan_id)?
                    .ok_or_else(|| ApiError::not_found(Record::RotationPlan))?;
                authorize(
                    &starter,
                    Action::PlanRotations {
                        facility_id: plan.facility_id,
                    },
                )?;
                // After authorization: whoever may not plan learns nothing about runs.
                if registry.plan_busy(plan_id) {
                    return Err(ApiError::conflict(Message::ScheduleBusy));
                }
                let id = repo::insert_generation(
                    conn,
                    plan_id,
                    i64::try_from(seed).unwrap_or(i64::MAX),
                    input.replan_published,
                    &label,
                    now(),
                )?;
                repo::find_generation(conn, id)?.ok_or_else(not_found)
            })
        })
        .await?;
    let running = Running {
        plan_id,
        progress: Arc::new(AtomicU32::new(0)),
        cancel: Arc::new(AtomicBool::new(false)),
    };
    state.generations.insert(row.id, running.clone());
    let generation = view(row.clone(), Some(&running), lang)?;
    let (db, registry, id) = (state.db.clone(), state.generations.clone(), row.id);
    let spawned = std::thread::Builder::new()
        .name(format!("rotation-generator-{id}"))
        .spawn(move || {
            let outcome = run(&db, &by, &row, &running);
            let (status, result, error) = match outcome {
                Ok(Some(result)) => (
                    GenerationStatus::Done,
                    serde_json::to_string(&result).ok(),
                    None,
                ),
                Ok(None) => (GenerationStatus::Cancelled, None, None),
                Err(error) => {
                    tracing::error!(generation = id, "rotation generator failed: {error:?}");
                    (
                        GenerationStatus::Failed,
                        None,
                        Some(Failure::Error.key().to_string()),
                    )
                }
            };
            let finished = db.conn().and_then(|mut conn| {
                repo::finish_generation(&mut conn, id, status, result, error, now())
                    .map_err(ApiError::from)
            });
            if let Err(error) = finished {
                tracing::error!(generation = id, "recording the generator's end: {error:?}");
            }
            registry.remove(id);
        });
    if let Err(error) = spawned {
        state.generations.remove(id);
        return Err(ApiError::internal(error));
    }
    Ok(generation)
}

/// The run `load` finds, in `lang`, with live progress while it runs.
async fn show<F>(state: &AppState, lang: Lang, load: F) -> Result<Generation, ApiError>
where
    F: FnOnce(&mut AnyConn) -> Result<GenerationRow, ApiError> + Send + 'static,
{
    let row = state.db.run(load).await?;
    let live = state.generations.get(row.id);
    view(row, live.as_ref(), lang)
}

/// A run of a plan the caller may see.
pub async fn get(
    state: &AppState,
    by: Principal,
    id: i64,
    lang: Lang,
) -> Result<Generation, ApiError> {
    show(state, lang, move |conn| {
        let row = repo::find_generation(conn, id)?.ok_or_else(not_found)?;
        service::visible_plan(conn, &by, row.plan_id)?;
        Ok(row)
    })
    .await
}

/// The latest run of a plan the caller may see.
pub async fn latest(
    state: &AppState,
    by: Principal,
    plan: i64,
    lang: Lang,
) -> Result<Generation, ApiError> {
    show(state, lang, move |conn| {
        service::visible_plan(conn, &by, plan)?;
        repo::latest_generation(conn, plan)?.ok_or_else(not_found)
    })
    .await
}

/// Asks a run to stop.
pub async fn cancel(
    state: &AppState,
    by: Principal,
    id: i64,
    lang: Lang,
) -> Result<Generation, ApiError> {
    let row = state
        .db
        .run(move |conn| {
            let row = repo::find_generation(conn, id)?.ok_or_else(not_found)?;
            let plan = repo::find_plan(conn, row.plan_id)?.ok_or_else(not_found)?;
            authorize(
                &by,
                Action::PlanRotations {
                    facility_id: plan.facility_id,
                },
            )?;
            Ok(row)
        })
        .await?;
    let Some(live) = state.generations.get(id) else {
        return Err(ApiError::new(
            shared::error::ErrorCode::InvalidTransition,
            Message::GenerationNotRunning,
        ));
    };
    live.cancel.store(true, Ordering::Relaxed);
    view(row, Some(&live), lang)
}

fn run(
    db: &Db,
    by: &Principal,
    row: &GenerationRow,
    running: &Running,
) -> Result<Option<StoredResult>, ApiError> {
    let mut conn = db.conn()?;
    let inputs = load(&mut conn, row.plan_id)?;
    running.progress.store(5, Ordering::Relaxed);
    let model = build(&inputs, row.replan_published);
    running.progress.store(10, Ordering::Relaxed);

    let progress = running.progress.clone();
    let options = Options {
        seed: u64::try_from(row.seed).unwrap_or(1),
        threads: 2,
        cancel: Some(running.cancel.clone()),
        progress: Some(Arc::new(move |fraction: f32| {
            progress.store(
                10 + (fraction.clamp(0.0, 1.0) * 80.0) as u32,
                Ordering::Relaxed,
            );
        })),
        ..Options::default()
    };
    let started = Instant::now();
    let solution = solver::solve(&model.problem, &options);
    let solve_ms = started.elapsed().as_millis() as i64;
    if solution.cancelled || running.cancel.load(Ordering::Relaxed) {
        return Ok(None);
    }
    running.progress.store(92, Ordering::Relaxed);
    let result = write(
        &mut conn,
        Attribution::Principal(by),
        &inputs,
        &model,
        &solution.assigned,
        solve_ms,
        row,
    )?;
    Ok(Some(result))
}

/// Who a run's changes are attributed to.
#[derive(Clone, Copy)]
enum Attribution<'a> {
    /// A signed-in planner.
    Principal(&'a Principal),
    /// The system (demo data).
    System,
}

impl Attribution<'_> {
    fn label(&self) -> String {
        match self {
            Attribution::Principal(by) => by.label(),
            Attribution::System => audit::SYSTEM.to_string(),
        }
    }

    fn record(&self, conn: &mut AnyConn, entry: Entry<'_>) -> diesel::QueryResult<()> {
        match self {
            Attribution::Principal(by) => audit::record(conn, by, entry),
            Attribution::System => audit::record_as_user(conn, None, audit::SYSTEM, None, entry),
        }
    }
}

/// Generates a plan's calendar at once on the caller's connection (demo data, tests of
/// the CLI): same model and solver as a background run, one thread.
pub fn generate_now(
    conn: &mut AnyConn,
    plan_id: i64,
    seed: u64,
) -> Result<GenerationResult, ApiError> {
    let inputs = load(conn, plan_id)?;
    let model = build(&inputs, false);
    let options = Options {
        seed,
        threads: 1,
        ..Options::default()
    };
    let started = Instant::now();
    let solution = solver::solve(&model.problem, &options);
    let solve_ms = started.elapsed().as_millis() as i64;
    let id = repo::insert_generation(
        conn,
        plan_id,
        i64::try_from(seed).unwrap_or(0),
        false,
        audit::SYSTEM,
        now(),
    )?;
    let row = repo::find_generation(conn, id)?.ok_or_else(not_found)?;
    let result = write(
        conn,
        Attribution::System,
        &inputs,
        &model,
        &solution.assigned,
        solve_ms,
        &row,
    )?;
    repo::finish_generation(
        conn,
        id,
        GenerationStatus::Done,
        serde_json::to_string(&result).ok(),
        None,
        now(),
    )?;
    Ok(result.result)
}

/// Writes the run's proposals, replacing the plan's earlier proposals (and, when
/// re-planning, the published assignments it changes), and explains unmet demand.
fn write(
    conn: &mut AnyConn,
    by: Attribution<'_>,
    inputs: &Inputs,
    model: &Model,
    assigned: &[Option<usize>],
    solve_ms: i64,
    row: &GenerationRow,
) -> Result<StoredResult, ApiError> {
    let at = now();
    // Published rows that keep every task keep their row; others are replaced.
    let mut changed_rows: HashMap<i64, bool> = HashMap::new();
    for (t, meta) in model.tasks.iter().enumerate() {
        if let (Some(_), Some((id, status))) = (meta.demand, meta.existing)
            && status != AssignmentStatus::Proposed
        {
            let kept = model.problem.tasks[t].fixed.is_some()
                || assigned[t] == model.problem.tasks[t].current;
            let entry = changed_rows.entry(id).or_insert(false);
            *entry |= !kept;
        }
    }
    // New rows: per demand and person, consecutive units merged.
    // Per (demand, staff id): the units held, with their days.
    type Units = Vec<(usize, Vec<NaiveDate>)>;
    let mut runs: BTreeMap<(usize, i64), Units> = BTreeMap::new();
    let mut kept = 0;
    for (t, meta) in model.tasks.iter().enumerate() {
        let Some(d) = meta.demand else { continue };
        if model.problem.tasks[t].fixed.is_some() {
            continue;
        }
        if let Some((id, status)) = meta.existing
            && status != AssignmentStatus::Proposed
            && changed_rows.get(&id) == Some(&false)
        {
            kept += 1;
            continue;
        }
        let Some(person) = assigned[t] else { continue };
        runs.entry((d, model.people[person]))
            .or_default()
            .push((meta.unit, meta.days.clone()));
    }
    let mut new_rows = Vec::new();
    for ((d, staff_id), mut units) in runs {
        units.sort_by_key(|(u, _)| *u);
        let demand = &inputs.demands[d];
        let continuous = demand.pattern.0 == DemandPattern::Continuous;
        let mut current: Option<(usize, NaiveDate, NaiveDate)> = None;
        for (unit, days) in units {
            let (Some(first), Some(last)) = (days.first().copied(), days.last().copied()) else {
                continue;
            };
            // Postings run on across consecutive blocks; weekday visits stay one
            // assignment per week, so that the station confirms each visit.
            current = match current {
                Some((prev, start, _)) if continuous && prev + 1 == unit => {
                    Some((unit, start, last))
                }
                Some((_, start, end)) => {
                    new_rows.push((demand, staff_id, start, end));
                    Some((unit, first, last))
                }
                None => Some((unit, first, last)),
            };
        }
        if let Some((_, start, end)) = current {
            new_rows.push((demand, staff_id, start, end));
        }
    }

    let (unmet, shortfalls) = explain(inputs, model, assigned).into_iter().unzip();
    let score = score(inputs, model, assigned);
    let result = GenerationResult {
        proposed: new_rows.len() as i64,
        kept: kept
            + model
                .problem
                .tasks
                .iter()
                .filter(|t| t.fixed.is_some())
                .count() as i64,
        score,
        unmet,
        avoidances_broken: broken_avoidances(inputs, model, assigned),
        solve_ms,
    };
    write_tx(conn, |conn| {
        let stale_proposals: Vec<i64> = inputs
            .assignments
            .iter()
            .filter(|a| replaced_by_this_run(a))
            .map(|a| a.id)
            .collect();
        repo::delete_assignments(conn, &stale_proposals)?;
        for (id, changed) in &changed_rows {
            if *changed {
                let change = repo::AssignmentChange {
                    status: Some(DbEnum(AssignmentStatus::Cancelled)),
                    updated_at: Some(at),
                    ..repo::AssignmentChange::default()
                };
                if let Some(existing) = repo::find_assignment(conn, *id)? {
                    let change = repo::AssignmentChange {
                        version: Some(existing.version + 1),
                        ..change
                    };
                    repo::update_assignment(conn, *id, existing.version, &change)?;
                }
            }
        }
        for (demand, staff_id, start, end) in &new_rows {
            repo::insert_assignment(
                conn,
                &NewAssignment {
                    plan_id: inputs.plan.id,
                    demand_id: Some(demand.id),
                    staff_id: *staff_id,
                    station_id: demand.station_id,
                    start_date: *start,
                    end_date: *end,
                    weekdays: demand.weekdays,
                    status: DbEnum(AssignmentStatus::Proposed),
                    source: DbEnum(AssignmentSource::Generated),
                    swaps: "[]".to_string(),
                    created_by: by.label(),
                    version: 1,
                    created_at: at,
                    updated_at: at,
                },
            )?;
        }
        by.record(
            conn,
            Entry {
                entity: "rotation_plan",
                entity_id: inputs.plan.id.to_string(),
                action: "generate",
                facility_id: Some(inputs.plan.facility_id),
                changes: json!({
                    "generation_id": row.id,
                    "seed": row.seed,
                    "replan_published": row.replan_published,
                    "removed_proposals": stale_proposals.len(),
                    "replaced_published": changed_rows.values().filter(|c| **c).count(),
                    "proposed": new_rows.len(),
                    "objective": result.score.objective,
                }),
            },
        )?;
        Ok::<_, ApiError>(())
    })?;
    Ok(StoredResult::new(result, shortfalls))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finished_run_shows_its_stored_progress_even_while_still_in_the_live_map() {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 12, 7)
            .and_then(|d| d.and_hms_opt(1, 0, 0))
            .unwrap_or_default();
        let row = |status, progress| GenerationRow {
            id: 1,
            plan_id: 1,
            status: DbEnum(status),
            progress,
            seed: 7,
            replan_published: false,
            result: None,
            error: None,
            started_by: "kehoach".into(),
            started_at: at,
            finished_at: None,
        };
        let live = Running {
            plan_id: 1,
            progress: Arc::new(AtomicU32::new(92)),
            cancel: Arc::new(AtomicBool::new(false)),
        };
        let shown = |status, progress| {
            view(row(status, progress), Some(&live), Lang::Vi).map(|run| run.progress)
        };
        // The end is committed before the run leaves the live map.
        assert_eq!(shown(GenerationStatus::Done, 100).ok(), Some(100));
        assert_eq!(shown(GenerationStatus::Running, 10).ok(), Some(92));
    }

    #[test]
    fn a_failed_runs_stored_reason_reads_in_each_language() {
        for (failure, vi, en) in [
            (
                Failure::Interrupted,
                "Máy chủ khởi động lại trong khi xếp lịch",
                "The server restarted while the schedule was being generated",
            ),
            (
                Failure::Error,
                "Lượt xếp lịch gặp lỗi và đã dừng; hãy thử lại hoặc báo quản trị viên",
                "The scheduling run stopped on an error; try again or tell the administrator",
            ),
        ] {
            assert_eq!(Failure::read(failure.key().to_string(), Lang::Vi), vi);
            assert_eq!(Failure::read(failure.key().to_string(), Lang::En), en);
        }
        // A text stored before reasons were keys is shown as it was written.
        assert_eq!(Failure::read("Lỗi cũ".to_string(), Lang::En), "Lỗi cũ");
    }

    #[test]
    fn a_stored_result_reads_in_the_readers_language_and_an_old_one_keeps_its_sentence() {
        let unmet = UnmetDemand {
            demand_id: 1,
            station: shared::registry::FacilityRef {
                id: 2,
                code: "74-TYT-ANPHU".into(),
                name: "Trạm Y tế An Phú".into(),
                kind: shared::registry::FacilityKind::HealthStation,
            },
            profession: Profession::Doctor,
            specialty: None,
            unfilled_days: 3,
            first_unfilled_day: None,
            considered: 1,
            reasons: vec![Exclusion {
                rule: RotationRule::AwayShare,
                label: "cũ".into(),
                people: 1,
                examples: Vec::new(),
            }],
            explanation: "Thiếu 3 ngày (cũ)".into(),
        };
        // A row written before the reasons were kept: the answer alone.
        let legacy = GenerationResult {
            unmet: vec![unmet.clone()],
            ..GenerationResult::default()
        };
        let stored = serde_json::to_string(&legacy).unwrap_or_default();
        let read = |stored: &str| {
            serde_json::from_str::<StoredResult>(stored)
                .map(|stored| stored.read(Lang::En))
                .unwrap_or_else(|error| panic!("{error}"))
        };
        let old = read(&stored);
        assert_eq!(old.unmet[0].explanation, "Thiếu 3 ngày (cũ)");
        assert_eq!(
            old.unmet[0].reasons[0].label,
            RotationRule::AwayShare.label(Lang::En)
        );
        // A row with its reasons: the sentence is written anew in the reader's language.
        let new = StoredResult::new(legacy, vec![Shortfall::Excluded]);
        let new = read(&serde_json::to_string(&new).unwrap_or_default());
        assert_eq!(
            new.unmet[0].explanation,
            unmet.explain(Shortfall::Excluded).text(Lang::En)
        );
        assert!(new.unmet[0].explanation.starts_with("3 days short at "));
    }
}
