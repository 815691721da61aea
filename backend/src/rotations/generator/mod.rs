//! The rotation generator: turns a plan's open demands into tasks, asks the solver to
//! fill them under the hard rules while optimising fair load, continuity, travel and
//! preferences, explains what it could not fill, and writes the proposals.
//!
//! Runs are a job queue in the database ([`queue`]): a start queues a run; a fixed
//! number of workers per server ([`GeneratorSettings::workers`]) claim queued runs,
//! solve them on their own threads (never on the server's workers) holding no pooled
//! connection while the solver works, renew their lease and write progress into the
//! row, and stop on a cancel flag set by any server. A run whose server died is taken
//! over or failed by another server once its lease lapses.

use std::collections::{BTreeMap, HashMap};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use chrono::{Datelike, NaiveDate};
use serde_json::json;
use shared::message::{Message, Record};
use shared::registry::Profession;
use shared::rotation::DemandStatus;
use shared::rotation::avoidance::AvoidedHit;
use shared::rotation::solver::{self, Blocker, Candidate, ModelSize, Options, Problem};
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
use crate::config::GeneratorSettings;
use crate::db::{AnyConn, Db, DbEnum, now, utc, write_tx};
use crate::error::ApiError;
use crate::registry::repo as registry_repo;

mod model;
mod queue;
use model::*;

/// Search threads of one run (the result depends on this number: keep it fixed).
const SEARCH_THREADS: usize = 2;

/// This server's side of the queue: its owner id in leases, its settings, and the bell
/// that wakes its idle workers when a run is queued here (others poll).
pub struct Queue {
    owner: String,
    settings: GeneratorSettings,
    bell: Bell,
}

/// Wakes idle workers early; also tells them to stop.
#[derive(Default)]
struct Bell {
    state: Mutex<BellState>,
    rung: Condvar,
}

#[derive(Default)]
struct BellState {
    pending: bool,
    stopped: bool,
}

impl Bell {
    fn ring(&self) {
        if let Ok(mut state) = self.state.lock() {
            state.pending = true;
        }
        self.rung.notify_all();
    }

    fn stop(&self) {
        if let Ok(mut state) = self.state.lock() {
            state.stopped = true;
        }
        self.rung.notify_all();
    }

    fn stopped(&self) -> bool {
        self.state.lock().map(|state| state.stopped).unwrap_or(true)
    }

    /// Waits until rung, stopped or `timeout`; `false` once stopped.
    fn wait(&self, timeout: Duration) -> bool {
        let Ok(state) = self.state.lock() else {
            return false;
        };
        let Ok((mut state, _)) = self
            .rung
            .wait_timeout_while(state, timeout, |s| !s.pending && !s.stopped)
        else {
            return false;
        };
        state.pending = false;
        !state.stopped
    }
}

impl Queue {
    /// This server's queue side; [`Queue::start_workers`] starts serving it.
    pub fn new(settings: GeneratorSettings) -> Arc<Queue> {
        Arc::new(Queue {
            owner: format!(
                "{}-{}",
                std::process::id(),
                &uuid::Uuid::new_v4().simple().to_string()[..12]
            ),
            settings,
            bell: Bell::default(),
        })
    }

    fn lease(&self) -> chrono::Duration {
        chrono::Duration::seconds(i64::try_from(self.settings.lease_secs).unwrap_or(30))
    }

    /// How often a worker renews its lease (a third of it) and an idle one polls.
    fn tick(&self) -> Duration {
        Duration::from_millis(self.settings.lease_secs.saturating_mul(1000) / 3)
            .clamp(Duration::from_millis(200), Duration::from_secs(2))
    }

    fn budget_bytes(&self) -> u64 {
        self.settings.model_budget_mb.saturating_mul(1 << 20)
    }

    /// Starts the configured number of worker threads on `db`; they stop when the
    /// returned guard is dropped (a run in progress finishes first).
    pub fn start_workers(self: &Arc<Queue>, db: &Db) -> std::io::Result<Workers> {
        for n in 0..self.settings.workers {
            let (queue, db) = (self.clone(), db.clone());
            std::thread::Builder::new()
                .name(format!("rotation-generator-{n}"))
                .spawn(move || queue.serve(&db))?;
        }
        if self.settings.workers > 0 {
            tracing::info!(
                workers = self.settings.workers,
                owner = %self.owner,
                "rotation generator workers started"
            );
        }
        Ok(Workers(self.clone()))
    }

    /// A worker's loop: take over lapsed runs, claim the oldest queued run, solve it;
    /// when there is none, wait for the bell or the next poll.
    fn serve(&self, db: &Db) {
        loop {
            if self.bell.stopped() {
                return;
            }
            match self.take_one(db) {
                Ok(Some(id)) => {
                    // A panic outside the solve (writing, say) fails the run too, and
                    // the worker lives on.
                    if let Err(panic) = contained(|| self.execute(db, id)) {
                        tracing::error!(generation = id, "rotation generator panicked: {panic}");
                        self.end(
                            db,
                            id,
                            GenerationStatus::Failed,
                            Some(Failure::Error.stored()),
                        );
                    }
                }
                Ok(None) => {
                    if !self.bell.wait(self.tick()) {
                        return;
                    }
                }
                Err(error) => {
                    tracing::warn!("rotation generator queue: {error:?}");
                    if !self.bell.wait(self.tick() * 3) {
                        return;
                    }
                }
            }
        }
    }

    /// Sweeps lapsed leases and claims a queued run, reading first so that an idle
    /// server does not take SQLite's write lock at every poll.
    fn take_one(&self, db: &Db) -> Result<Option<i64>, ApiError> {
        let mut conn = db.conn()?;
        let at = now();
        if queue::any_lapsed(&mut conn, at)? {
            let swept = write_tx(&mut conn, |conn| {
                queue::sweep(conn, at, Failure::Interrupted.key())
            })?;
            tracing::warn!(?swept, "rotation generator: runs whose server stopped");
        }
        // A few tries: another worker may claim the oldest one first.
        for _ in 0..3 {
            let Some(id) = queue::next_queued(&mut conn)? else {
                return Ok(None);
            };
            let until = now() + self.lease();
            if write_tx(&mut conn, |conn| queue::claim(conn, id, &self.owner, until))? {
                return Ok(Some(id));
            }
        }
        Ok(None)
    }

    /// Solves a claimed run and records its end (the result's end is committed with its
    /// proposals, by [`write`]).
    fn execute(&self, db: &Db, id: i64) {
        let outcome = self.solve_claimed(db, id);
        let (status, error) = match outcome {
            Ok(Solved::Written) => return,
            Ok(Solved::Cancelled) => (GenerationStatus::Cancelled, None),
            Ok(Solved::LeaseLost) => {
                tracing::warn!(generation = id, "lost the lease; another server has it");
                return;
            }
            Err(failure) => (GenerationStatus::Failed, Some(failure.stored())),
        };
        self.end(db, id, status, error);
    }

    /// Records the end of a run this server holds (nothing if its lease was lost).
    fn end(&self, db: &Db, id: i64, status: GenerationStatus, error: Option<String>) {
        let finished = db.conn().and_then(|mut conn| {
            write_tx(&mut conn, |conn| {
                queue::finish(conn, id, Some(&self.owner), status, None, error, now())
            })
            .map_err(ApiError::from)
        });
        if let Err(error) = finished {
            tracing::error!(generation = id, "recording the generator's end: {error:?}");
        }
    }

    /// Reads the inputs (connection given back), checks the model's size, solves on a
    /// scoped thread while this one renews the lease, then takes a connection to write.
    fn solve_claimed(&self, db: &Db, id: i64) -> Result<Solved, Failure> {
        let logged = |error: ApiError| {
            tracing::error!(generation = id, "rotation generator failed: {error:?}");
            Failure::Error
        };
        let (row, inputs, requester) = {
            let mut conn = db.conn().map_err(logged)?;
            let row = repo::find_generation(&mut conn, id)
                .map_err(ApiError::from)
                .and_then(|row| row.ok_or_else(not_found))
                .map_err(logged)?;
            let inputs = load(&mut conn, row.plan_id).map_err(logged)?;
            let requester = queue::requester_ids(&mut conn, id).map_err(|e| logged(e.into()))?;
            (row, inputs, requester)
        };
        let size = size_of(
            &inputs.plan,
            &inputs.demands,
            &inputs.roster,
            inputs.assignments.len(),
        );
        let needed = size.estimated_bytes(SEARCH_THREADS as u64);
        if needed > self.budget_bytes() {
            return Err(Failure::TooLarge {
                needed_mb: needed >> 20,
                budget_mb: self.settings.model_budget_mb,
            });
        }
        let progress = Arc::new(AtomicU32::new(5));
        let cancel = Arc::new(AtomicBool::new(false));
        let lost = AtomicBool::new(false);
        let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
        let solved = std::thread::scope(|scope| {
            let solving = scope.spawn(|| {
                let outcome = contained(|| {
                    let model = build(&inputs, row.replan_published);
                    progress.store(10, Ordering::Relaxed);
                    let reported = progress.clone();
                    let options = Options {
                        seed: u64::try_from(row.seed).unwrap_or(1),
                        threads: SEARCH_THREADS,
                        effort: self.settings.effort,
                        cancel: Some(cancel.clone()),
                        progress: Some(Arc::new(move |fraction: f32| {
                            reported.store(
                                10 + (fraction.clamp(0.0, 1.0) * 80.0) as u32,
                                Ordering::Relaxed,
                            );
                        })),
                    };
                    let started = Instant::now();
                    let solution = solver::solve(&model.problem, &options);
                    (model, solution, started.elapsed().as_millis() as i64)
                });
                let _ = done_tx.send(());
                outcome
            });
            // Renew the lease (and store progress, read the cancel flag) until solved.
            while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                done_rx.recv_timeout(self.tick())
            {
                let renewed = db.conn().and_then(|mut conn| {
                    write_tx(&mut conn, |conn| {
                        queue::renew(
                            conn,
                            id,
                            &self.owner,
                            progress.load(Ordering::Relaxed) as i32,
                            now() + self.lease(),
                        )
                    })
                    .map_err(ApiError::from)
                });
                match renewed {
                    Ok(Some(false)) => {}
                    Ok(Some(true)) => cancel.store(true, Ordering::Relaxed),
                    Ok(None) => {
                        lost.store(true, Ordering::Relaxed);
                        cancel.store(true, Ordering::Relaxed);
                    }
                    // The database away for a moment: the lease has slack (3 ticks).
                    Err(error) => tracing::warn!(generation = id, "renewing: {error:?}"),
                }
            }
            // A panic is caught inside; one escaping it still fails only this run.
            solving
                .join()
                .unwrap_or_else(|panic| Err(panic_message(panic.as_ref())))
        });
        let (model, solution, solve_ms) = match solved {
            Ok(solved) => solved,
            Err(panic) => {
                tracing::error!(generation = id, "rotation generator panicked: {panic}");
                return Err(Failure::Error);
            }
        };
        if lost.load(Ordering::Relaxed) {
            return Ok(Solved::LeaseLost);
        }
        if solution.cancelled || cancel.load(Ordering::Relaxed) {
            return Ok(Solved::Cancelled);
        }
        let by = Attribution::Requester {
            label: &row.started_by,
            user_id: requester.0,
            client_id: requester.1,
        };
        let mut conn = db.conn().map_err(logged)?;
        let written = write(
            &mut conn,
            by,
            &inputs,
            &model,
            &solution.assigned,
            solve_ms,
            &row,
            Some(&self.owner),
        );
        match written {
            Ok(_) => Ok(Solved::Written),
            Err(Written::LeaseLost) => Ok(Solved::LeaseLost),
            Err(Written::Error(error)) => Err(logged(error)),
        }
    }
}

/// Stops this server's workers when dropped (with the application).
pub struct Workers(Arc<Queue>);

impl Drop for Workers {
    fn drop(&mut self) {
        self.0.bell.stop();
    }
}

/// How a claimed run ended, when it did not fail.
enum Solved {
    /// Its proposals and end are committed.
    Written,
    Cancelled,
    /// Its lease lapsed and another server took it: nothing of it is written.
    LeaseLost,
}

/// Runs `work`, turning a panic into an error with the panic's message (a solver bug
/// must fail its run, never leave the plan busy or take the worker down).
fn contained<T>(work: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(work)).map_err(|panic| panic_message(panic.as_ref()))
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_string())
}

/// The dimensions of a plan's model, from its demands and roster, before it is built:
/// tasks are each copy of each unit of each demand (plus the bookings kept); a task's
/// candidates are at most the staff of the demand's profession.
fn size_of(plan: &PlanRow, demands: &[DemandRow], roster: &Roster, bookings: usize) -> ModelSize {
    let mut per_profession: HashMap<Profession, u64> = HashMap::new();
    for person in &roster.staff {
        *per_profession.entry(person.profession).or_default() += 1;
    }
    let min_months = u32::from(roster.settings.min_posting_months);
    let mut size = ModelSize {
        people: roster.staff.len() as u64,
        weeks: ((plan.end_date - monday_of(plan.start_date)).num_days() / 7 + 1).max(0) as u64,
        windows: months_of(plan.start_date, plan.end_date).len() as u64,
        tasks: (bookings + roster.bookings.len()) as u64,
        candidate_pairs: (bookings + roster.bookings.len()) as u64,
    };
    for demand in demands {
        let tasks = (units(demand, plan, min_months).len() as u64)
            .saturating_mul(u64::try_from(demand.count).unwrap_or(0));
        let people = per_profession
            .get(&demand.profession.0)
            .copied()
            .unwrap_or(0);
        size.tasks = size.tasks.saturating_add(tasks);
        size.candidate_pairs = size
            .candidate_pairs
            .saturating_add(tasks.saturating_mul(people));
    }
    size
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
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Failure {
    /// The server running it stopped (its lease lapsed) too often.
    Interrupted,
    /// It stopped on an error or a panic.
    Error,
    /// Its model grew past the budget after it was queued.
    TooLarge { needed_mb: u64, budget_mb: u64 },
}

impl Failure {
    fn key(self) -> &'static str {
        match self {
            Failure::Interrupted => "interrupted",
            Failure::Error => "error",
            Failure::TooLarge { .. } => "too_large",
        }
    }

    /// The text stored in the row: the key, with the figures of a model too large.
    fn stored(self) -> String {
        match self {
            Failure::TooLarge {
                needed_mb,
                budget_mb,
            } => format!("{}:{needed_mb}:{budget_mb}", self.key()),
            _ => self.key().to_string(),
        }
    }

    fn message(self) -> Message {
        match self {
            Failure::Interrupted => Message::GenerationInterrupted,
            Failure::Error => Message::GenerationFailed,
            Failure::TooLarge {
                needed_mb,
                budget_mb,
            } => Message::GenerationTooLarge {
                needed_mb,
                budget_mb,
            },
        }
    }

    /// The failure a stored text names, if any.
    fn parse(stored: &str) -> Option<Failure> {
        let mut parts = stored.split(':');
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some("interrupted"), None, ..) => Some(Failure::Interrupted),
            (Some("error"), None, ..) => Some(Failure::Error),
            (Some("too_large"), Some(needed), Some(budget), None) => Some(Failure::TooLarge {
                needed_mb: needed.parse().ok()?,
                budget_mb: budget.parse().ok()?,
            }),
            _ => None,
        }
    }

    /// The stored error in `lang`; a text stored before keys were, as it is.
    fn read(stored: String, lang: Lang) -> String {
        match Failure::parse(&stored) {
            Some(failure) => failure.message().text(lang),
            None => stored,
        }
    }
}

fn view(row: GenerationRow, lang: Lang) -> Result<Generation, ApiError> {
    Ok(Generation {
        id: row.id,
        plan_id: row.plan_id,
        status: row.status.0,
        progress: row.progress,
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

/// Queues a run on a plan (planning only; one open run per plan at a time). A plan
/// whose model would exceed the memory budget is refused with a problem saying how to
/// make it smaller.
pub async fn start(
    state: &AppState,
    by: Principal,
    plan_id: i64,
    input: GenerateInput,
    lang: Lang,
) -> Result<Generation, ApiError> {
    let seed = input.seed.unwrap_or(1);
    let budget_mb = state.generations.settings.model_budget_mb;
    let budget = state.generations.budget_bytes();
    let row = state
        .db
        .run(move |conn| {
            let plan = repo::find_plan(conn, plan_id)?
                .ok_or_else(|| ApiError::not_found(Record::RotationPlan))?;
            authorize(
                &by,
                Action::PlanRotations {
                    facility_id: plan.facility_id,
                },
            )?;
            // After authorization: whoever may not plan learns nothing about runs.
            // The size is read before the write: it takes the roster, not the lock.
            let (demands, roster, bookings) = core(conn, &plan)?;
            let needed = size_of(&plan, &demands, &roster, bookings.len())
                .estimated_bytes(SEARCH_THREADS as u64);
            if needed > budget {
                return Err(ApiError::conflict(Message::GenerationTooLarge {
                    needed_mb: needed.div_ceil(1 << 20),
                    budget_mb,
                }));
            }
            let label = by.label();
            let requester = queue::Requester {
                label: &label,
                user_id: by.user_id(),
                client_id: by.client_id(),
            };
            write_tx(conn, |conn| {
                if queue::plan_has_open_run(conn, plan_id)? {
                    return Err(ApiError::conflict(Message::ScheduleBusy));
                }
                // Two starts at once on PostgreSQL both pass the check above: the
                // partial unique index refuses the second.
                let id = queue::enqueue(
                    conn,
                    plan_id,
                    i64::try_from(seed).unwrap_or(i64::MAX),
                    input.replan_published,
                    &requester,
                    now(),
                )
                .map_err(|error| match error {
                    diesel::result::Error::DatabaseError(
                        diesel::result::DatabaseErrorKind::UniqueViolation,
                        _,
                    ) => ApiError::conflict(Message::ScheduleBusy),
                    other => other.into(),
                })?;
                repo::find_generation(conn, id)?.ok_or_else(not_found)
            })
        })
        .await?;
    state.generations.bell.ring();
    view(row, lang)
}

/// The run `load` finds, in `lang`.
async fn show<F>(state: &AppState, lang: Lang, load: F) -> Result<Generation, ApiError>
where
    F: FnOnce(&mut AnyConn) -> Result<GenerationRow, ApiError> + Send + 'static,
{
    let row = state.db.run(load).await?;
    view(row, lang)
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

/// The latest run of a plan the caller may see; none before the first.
pub async fn latest(
    state: &AppState,
    by: Principal,
    plan: i64,
    lang: Lang,
) -> Result<Option<Generation>, ApiError> {
    let row = state
        .db
        .run(move |conn| {
            service::visible_plan(conn, &by, plan)?;
            Ok::<_, ApiError>(repo::latest_generation(conn, plan)?)
        })
        .await?;
    row.map(|row| view(row, lang)).transpose()
}

/// Asks a run to stop, whichever server runs it: a queued run ends at once, a running
/// one when its worker next renews its lease.
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
            let asked = write_tx(conn, |conn| queue::request_cancel(conn, id, now()))?;
            if !asked {
                return Err(ApiError::new(
                    shared::error::ErrorCode::InvalidTransition,
                    Message::GenerationNotRunning,
                ));
            }
            repo::find_generation(conn, id)?.ok_or_else(not_found)
        })
        .await?;
    view(row, lang)
}

/// Who a run's changes are attributed to.
#[derive(Clone, Copy)]
enum Attribution<'a> {
    /// Whoever queued the run, as stored with it.
    Requester {
        label: &'a str,
        user_id: Option<i64>,
        client_id: Option<i64>,
    },
    /// The system (demo data).
    System,
}

impl Attribution<'_> {
    fn label(&self) -> String {
        match self {
            Attribution::Requester { label, .. } => label.to_string(),
            Attribution::System => audit::SYSTEM.to_string(),
        }
    }

    fn record(&self, conn: &mut AnyConn, entry: Entry<'_>) -> diesel::QueryResult<()> {
        match self {
            Attribution::Requester {
                label,
                user_id,
                client_id,
            } => audit::record_on_behalf(conn, *user_id, *client_id, label, entry),
            Attribution::System => audit::record_as_user(conn, None, audit::SYSTEM, None, entry),
        }
    }
}

/// Why [`write`] wrote nothing.
#[derive(Debug)]
enum Written {
    /// The lease was lost meanwhile: another server has the run.
    LeaseLost,
    Error(ApiError),
}

impl From<ApiError> for Written {
    fn from(error: ApiError) -> Written {
        Written::Error(error)
    }
}

impl From<diesel::result::Error> for Written {
    fn from(error: diesel::result::Error) -> Written {
        Written::Error(error.into())
    }
}

/// Generates a plan's calendar at once on the caller's connection (demo data, tests of
/// the CLI): same model and solver as a queued run, one thread.
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
        None,
    )
    .map_err(|written| match written {
        Written::Error(error) => error,
        Written::LeaseLost => ApiError::internal("a run without a lease lost it"),
    })?;
    Ok(result.result)
}

/// Writes the run's proposals, replacing the plan's earlier proposals (and, when
/// re-planning, the published assignments it changes), explains unmet demand, and
/// records the run as done in the same transaction: only while `owner` still holds its
/// lease (`None`: a run without one), so that a run taken over is never written twice.
#[allow(clippy::too_many_arguments)]
fn write(
    conn: &mut AnyConn,
    by: Attribution<'_>,
    inputs: &Inputs,
    model: &Model,
    assigned: &[Option<usize>],
    solve_ms: i64,
    row: &GenerationRow,
    owner: Option<&str>,
) -> Result<StoredResult, Written> {
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
    let stored = StoredResult::new(result, shortfalls);
    let stored_text = serde_json::to_string(&stored).map_err(ApiError::internal)?;
    let result = &stored.result;
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
        let finished = queue::finish(
            conn,
            row.id,
            owner,
            GenerationStatus::Done,
            Some(stored_text),
            None,
            at,
        )?;
        if !finished {
            return Err(Written::LeaseLost);
        }
        Ok::<_, Written>(())
    })?;
    Ok(stored)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_in_the_work_becomes_an_error_with_its_message() {
        assert_eq!(contained(|| 7), Ok(7));
        let failed = contained(|| -> i32 { panic!("solver bug at task {}", 3) });
        assert_eq!(failed, Err("solver bug at task 3".to_string()));
        assert_eq!(
            contained(|| -> i32 { panic!("plain") }),
            Err("plain".into())
        );
    }

    #[test]
    fn a_model_too_large_is_stored_with_its_figures_and_read_back() {
        let failure = Failure::TooLarge {
            needed_mb: 900,
            budget_mb: 512,
        };
        assert_eq!(failure.stored(), "too_large:900:512");
        assert_eq!(Failure::parse(&failure.stored()), Some(failure));
        assert!(Failure::read(failure.stored(), Lang::En).contains("about 900 MB needed"));
        assert_eq!(Failure::parse("too_large:x:1"), None);
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
            assert_eq!(Failure::read(failure.stored(), Lang::Vi), vi);
            assert_eq!(Failure::read(failure.stored(), Lang::En), en);
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
