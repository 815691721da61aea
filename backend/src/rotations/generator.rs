//! The rotation generator: turns a plan's open demands into tasks, asks the solver to
//! fill them under the hard rules while optimising fair load, continuity, travel and
//! preferences, explains what it could not fill, and writes the proposals. Runs on its
//! own thread (never on the server's workers), reports progress and can be cancelled.

use shared::message::{Message, Record};
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::{Datelike, NaiveDate};
use serde_json::json;
use shared::registry::Profession;
use shared::rotation::solver::{self, Blocker, Candidate, Options, Problem};
use shared::rotation::{
    AssignmentSource, AssignmentStatus, DemandPattern, Exclusion, GenerateInput, Generation,
    GenerationResult, GenerationStatus, LoadSpread, Need, Roster, RotationRule, ScoreBreakdown,
    Span, StaffFacts, UnmetDemand, Weekdays, monday_of, months_of, personal_breaches,
};
use shared::{Labelled, Lang};

use super::repo::{
    self, AssignmentFilter, AssignmentRow, DemandRow, GenerationRow, NewAssignment, PlanRow,
};
use super::service::{self, roster_of};
use crate::app::AppState;
use crate::audit::{self, Entry};
use crate::auth::{Action, Principal, authorize};
use crate::db::{AnyConn, Db, now, utc, write_tx};
use crate::error::ApiError;
use crate::registry::repo::{self as registry_repo, parse};

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

fn view(row: GenerationRow, live: Option<&Running>) -> Result<Generation, ApiError> {
    Ok(Generation {
        id: row.id,
        plan_id: row.plan_id,
        status: parse(&row.status, "generation status")?,
        progress: live
            .map(|r| r.progress.load(Ordering::Relaxed) as i32)
            .unwrap_or(row.progress),
        seed: row.seed,
        replan_published: row.replan_published,
        result: row
            .result
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .map_err(ApiError::internal)?,
        error: row.error,
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
    let generation = view(row.clone(), Some(&running))?;
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
                    (GenerationStatus::Failed, None, Some(format!("{error:?}")))
                }
            };
            let finished = db.conn().and_then(|mut conn| {
                repo::finish_generation(&mut conn, id, status.as_str(), result, error, now())
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

/// A run, with live progress while it runs.
pub async fn get(state: &AppState, by: Principal, id: i64) -> Result<Generation, ApiError> {
    let row = state
        .db
        .run(move |conn| {
            let row = repo::find_generation(conn, id)?.ok_or_else(not_found)?;
            service::visible_plan(conn, &by, row.plan_id)?;
            Ok(row)
        })
        .await?;
    let live = state.generations.get(id);
    view(row, live.as_ref())
}

/// The plan's latest run.
pub async fn latest(state: &AppState, by: Principal, plan_id: i64) -> Result<Generation, ApiError> {
    let row = state
        .db
        .run(move |conn| {
            service::visible_plan(conn, &by, plan_id)?;
            repo::latest_generation(conn, plan_id)?.ok_or_else(not_found)
        })
        .await?;
    let live = state.generations.get(row.id);
    view(row, live.as_ref())
}

/// Asks a run to stop.
pub async fn cancel(state: &AppState, by: Principal, id: i64) -> Result<Generation, ApiError> {
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
    view(row, Some(&live))
}

// ---------------------------------------------------------------- the run

/// Weights of the goals: unfilled days dominate; then fair load (days²), continuity,
/// travel, preferences and, when re-planning, changes.
const UNFILLED_PER_DAY: i64 = 100_000;
const STINT_START: i64 = 30;
const CHANGE: i64 = 2_000;
const TRAVEL_PER_KM_DAY: f64 = 2.0;
const PREFERRED_PER_DAY: i64 = 20;

/// A task of the solver and what it stands for.
#[derive(Debug, Clone)]
struct TaskMeta {
    /// Index of the demand (`None`: a booking kept as it is).
    demand: Option<usize>,
    /// Unit (week or posting block) of the demand, for merging.
    unit: usize,
    days: Vec<NaiveDate>,
    station_id: i64,
    /// The existing assignment this task reproduces, with its status.
    existing: Option<(i64, AssignmentStatus)>,
}

/// The data of a run.
struct Inputs {
    plan: PlanRow,
    demands: Vec<DemandRow>,
    roster: Roster,
    /// Plan assignments that book someone.
    assignments: Vec<AssignmentRow>,
    preferences: Vec<(i64, i64)>,
    /// Coordinates of facilities (home and stations).
    coordinates: HashMap<i64, (f64, f64)>,
    stations: HashMap<i64, shared::registry::FacilityRef>,
}

fn load(conn: &mut AnyConn, plan_id: i64) -> Result<Inputs, ApiError> {
    let plan = repo::find_plan(conn, plan_id)?.ok_or_else(not_found)?;
    let demands = repo::list_demands(conn, Some(&[plan_id]), None, None, None)?;
    let roster = roster_of(conn, &plan)?;
    let assignments = repo::list_assignments(
        conn,
        &AssignmentFilter {
            plan_ids: Some(vec![plan_id]),
            booking_only: true,
            ..AssignmentFilter::default()
        },
        None,
    )?;
    let staff_ids: Vec<i64> = roster.staff.iter().map(|s| s.id).collect();
    let preferences = repo::preferences(conn, &staff_ids)?;
    let mut facility_ids: Vec<i64> = demands.iter().map(|d| d.station_id).collect();
    facility_ids.push(plan.facility_id);
    let mut coordinates = HashMap::new();
    for id in facility_ids {
        if let Some(row) = registry_repo::find_facility_row(conn, id)?
            && let (Some(lat), Some(lon)) = (row.latitude, row.longitude)
        {
            coordinates.insert(id, (lat, lon));
        }
    }
    let station_ids: Vec<i64> = demands.iter().map(|d| d.station_id).collect();
    let stations = registry_repo::facility_refs(conn, &station_ids)?;
    Ok(Inputs {
        plan,
        demands,
        roster,
        assignments,
        preferences,
        coordinates,
        stations,
    })
}

fn run(
    db: &Db,
    by: &Principal,
    row: &GenerationRow,
    running: &Running,
) -> Result<Option<GenerationResult>, ApiError> {
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

/// The solver's problem and what its tasks and people stand for.
struct Model {
    problem: Problem,
    tasks: Vec<TaskMeta>,
    /// Staff id of each solver person.
    people: Vec<i64>,
    /// Kind of each group: the department share, or a department × profession minimum.
    group_rules: Vec<RotationRule>,
    /// Days each person is asked for, to report travel and preferences.
    km: HashMap<(i64, i64), f64>,
    preferred: Vec<(i64, i64)>,
}

/// The units of a demand: its weeks (given weekdays) or posting blocks of at least the
/// minimum length (continuous).
fn units(demand: &DemandRow, plan: &PlanRow, min_months: u32) -> Vec<Vec<NaiveDate>> {
    let start = demand.start_date.max(plan.start_date);
    let end = demand.end_date.min(plan.end_date);
    let span = Span::new(
        start,
        end,
        Weekdays(u8::try_from(demand.weekdays).unwrap_or(0)),
    );
    let days: Vec<NaiveDate> = span.days().collect();
    if demand.pattern == DemandPattern::Continuous.as_str() {
        // Blocks of `min_months` calendar months; a short tail joins the last block.
        let mut blocks: Vec<Vec<NaiveDate>> = Vec::new();
        let mut block_start = start;
        while block_start <= end {
            let next = add_months(block_start, min_months.max(1));
            let tail = add_months(next, min_months.max(1));
            let block_end = if tail > end + chrono::Duration::days(1) {
                end
            } else {
                next - chrono::Duration::days(1)
            };
            blocks.push(
                days.iter()
                    .copied()
                    .filter(|d| *d >= block_start && *d <= block_end)
                    .collect(),
            );
            block_start = block_end + chrono::Duration::days(1);
        }
        blocks.retain(|b| !b.is_empty());
        blocks
    } else {
        let mut weeks: BTreeMap<NaiveDate, Vec<NaiveDate>> = BTreeMap::new();
        for day in days {
            weeks.entry(monday_of(day)).or_default().push(day);
        }
        weeks.into_values().collect()
    }
}

fn add_months(day: NaiveDate, months: u32) -> NaiveDate {
    day.checked_add_months(chrono::Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

/// The plan's period as the solver sees it: weeks from the Monday of its first day,
/// and calendar months as budget windows.
struct Horizon {
    week0: NaiveDate,
    months: Vec<(i32, u32)>,
}

impl Horizon {
    fn of(plan: &PlanRow) -> Horizon {
        Horizon {
            week0: monday_of(plan.start_date),
            months: months_of(plan.start_date, plan.end_date),
        }
    }

    /// Weeks and days of the week the days fall on.
    fn occupancy(&self, days: &[NaiveDate]) -> Vec<(u16, u8)> {
        let mut weeks: BTreeMap<u16, u8> = BTreeMap::new();
        for day in days {
            let week = u16::try_from((*day - self.week0).num_days() / 7).unwrap_or(u16::MAX);
            *weeks.entry(week).or_default() |= 1 << day.weekday().num_days_from_monday();
        }
        weeks.into_iter().collect()
    }

    /// Days per calendar month, against the monthly rotation-day limit.
    fn usage(&self, days: &[NaiveDate]) -> Vec<(usize, u32)> {
        let mut per: BTreeMap<usize, u32> = BTreeMap::new();
        for day in days {
            let window = self
                .months
                .iter()
                .position(|m| *m == (day.year(), day.month()))
                .unwrap_or(0);
            *per.entry(window).or_default() += 1;
        }
        per.into_iter().collect()
    }

    /// A booking kept as it is: a task only its person can hold.
    fn kept(&self, days: &[NaiveDate], station_id: i64, person: usize) -> solver::Task {
        solver::Task {
            station: u32::try_from(station_id).unwrap_or(u32::MAX),
            occupancy: self.occupancy(days),
            load: days.len() as u32,
            usage: self.usage(days),
            candidates: vec![Candidate { person, cost: 0 }],
            fixed: Some(person),
            current: None,
        }
    }
}

fn build(inputs: &Inputs, replan_published: bool) -> Model {
    let plan = &inputs.plan;
    let settings = &inputs.roster.settings;
    let horizon = Horizon::of(plan);
    let weeks =
        u16::try_from((plan.end_date - horizon.week0).num_days() / 7 + 1).unwrap_or(u16::MAX);
    let months = horizon.months.len();

    // People: everyone of the facility; groups per department (share away) and per
    // department × profession (minimum on site, less the most on leave on any day).
    let staff = &inputs.roster.staff;
    let people: Vec<i64> = staff.iter().map(|s| s.id).collect();
    let index_of: HashMap<i64, usize> = people.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let mut groups = Vec::new();
    let mut group_rules = Vec::new();
    let mut person_groups: Vec<Vec<usize>> = vec![Vec::new(); staff.len()];
    for department in &inputs.roster.departments {
        let members: Vec<(usize, &StaffFacts)> = staff
            .iter()
            .enumerate()
            .filter(|(_, s)| s.active && s.department_id == Some(department.id))
            .collect();
        if members.is_empty() {
            continue;
        }
        let share = members.len() as u32 * u32::from(settings.max_away_percent) / 100;
        groups.push(solver::Group {
            cap_per_day: share,
            away: Vec::new(),
        });
        group_rules.push(RotationRule::AwayShare);
        let share_group = groups.len() - 1;
        for (i, _) in &members {
            person_groups[*i].push(share_group);
        }
        for profession in Profession::all() {
            let same: Vec<&(usize, &StaffFacts)> = members
                .iter()
                .filter(|(_, s)| s.profession == *profession)
                .collect();
            let minimum = department.min_on_site.get(profession).copied().unwrap_or(0);
            if same.is_empty() || minimum <= 0 {
                continue;
            }
            // Colleagues on leave are not on site either: they count against the cap.
            let mut away = Vec::new();
            for (_, member) in &same {
                let leave_days: Vec<NaiveDate> = plan
                    .start_date
                    .iter_days()
                    .take_while(|d| *d <= plan.end_date)
                    .filter(|d| member.on_leave(*d))
                    .collect();
                away.extend(horizon.occupancy(&leave_days));
            }
            let cap = (same.len() as i64 - i64::from(minimum)).max(0);
            groups.push(solver::Group {
                cap_per_day: u32::try_from(cap).unwrap_or(0),
                away,
            });
            group_rules.push(RotationRule::DepartmentMinimum);
            let group = groups.len() - 1;
            for (i, _) in same {
                person_groups[*i].push(group);
            }
        }
    }

    let home = inputs.coordinates.get(&plan.facility_id).copied();
    let mut km = HashMap::new();
    let mut tasks = Vec::new();
    let mut metas = Vec::new();
    let preferred: Vec<(i64, i64)> = inputs.preferences.clone();

    // The demands' units, each copy a task; existing assignments that cover a unit
    // are kept (published work) or are the starting point (proposals, re-planning).
    let mut used_existing: HashMap<i64, bool> = HashMap::new();
    for (d, demand) in inputs.demands.iter().enumerate() {
        let need = Need {
            profession: demand.profession.parse().unwrap_or(Profession::Doctor),
            specialty: demand.specialty.clone(),
            continuous: demand.pattern == DemandPattern::Continuous.as_str(),
        };
        let station = inputs.coordinates.get(&demand.station_id).copied();
        let distance = match (home, station) {
            (Some(a), Some(b)) => shared::referral::distance_km(a, b),
            _ => 0.0,
        };
        let units = units(demand, plan, u32::from(settings.min_posting_months));
        for (u, days) in units.iter().enumerate() {
            if days.is_empty() {
                continue;
            }
            let candidates: Vec<Candidate> = staff
                .iter()
                .enumerate()
                .filter(|(_, s)| {
                    let mut need = need.clone();
                    // The posting length is a property of the whole demand, checked below.
                    need.continuous = false;
                    personal_breaches(s, &need, &span_of(days), settings).is_empty()
                })
                .map(|(i, s)| {
                    let load = days.len() as f64;
                    let mut cost = (distance * load * TRAVEL_PER_KM_DAY).round() as i64;
                    if preferred.contains(&(s.id, demand.station_id)) {
                        cost -= PREFERRED_PER_DAY * days.len() as i64;
                    }
                    km.insert((s.id, demand.station_id), distance);
                    Candidate { person: i, cost }
                })
                .collect();
            let too_short = need.continuous
                && Span::new(demand.start_date, demand.end_date, Weekdays::ALL).whole_months()
                    < u32::from(settings.min_posting_months);
            // Existing assignments of this demand that cover the whole unit, one per copy.
            let mut covering: Vec<&AssignmentRow> = inputs
                .assignments
                .iter()
                .filter(|a| a.demand_id == Some(demand.id))
                .filter(|a| {
                    let s = a.span();
                    days.iter().all(|day| s.contains(*day))
                })
                .collect();
            covering.sort_by_key(|a| a.id);
            for copy in 0..usize::try_from(demand.count).unwrap_or(0) {
                let existing = covering.get(copy).copied();
                let mut task = solver::Task {
                    station: u32::try_from(demand.station_id).unwrap_or(u32::MAX),
                    occupancy: horizon.occupancy(days),
                    load: days.len() as u32,
                    usage: horizon.usage(days),
                    candidates: if too_short {
                        Vec::new()
                    } else {
                        candidates.clone()
                    },
                    fixed: None,
                    current: None,
                };
                let mut meta = TaskMeta {
                    demand: Some(d),
                    unit: u,
                    days: days.clone(),
                    station_id: demand.station_id,
                    existing: None,
                };
                if let Some(a) = existing
                    && let (Some(person), Ok(status)) = (
                        index_of.get(&a.staff_id),
                        a.status.parse::<AssignmentStatus>(),
                    )
                {
                    used_existing.insert(a.id, true);
                    meta.existing = Some((a.id, status));
                    // A planner's own proposal stays; the generator's earlier ones are
                    // its starting point.
                    let keep = match status {
                        AssignmentStatus::Proposed => a.source == AssignmentSource::Manual.as_str(),
                        AssignmentStatus::Published | AssignmentStatus::Confirmed => {
                            !replan_published
                        }
                        _ => true,
                    };
                    if keep {
                        task.fixed = Some(*person);
                    } else {
                        task.current = Some(*person);
                    }
                    if !task.candidates.iter().any(|c| c.person == *person) {
                        task.candidates.push(Candidate {
                            person: *person,
                            cost: 0,
                        });
                    }
                }
                tasks.push(task);
                metas.push(meta);
            }
        }
    }
    // Plan assignments that fill no unit (by hand, or of a changed demand) and bookings
    // from other plans stay as they are; they take their person's days.
    let plan_rows = inputs
        .assignments
        .iter()
        .filter(|a| !used_existing.contains_key(&a.id) && !replaced_by_this_run(a))
        .map(|a| {
            (
                a.staff_id,
                a.station_id,
                a.span(),
                a.status.parse().ok().map(|s| (a.id, s)),
            )
        });
    let other_plans = inputs
        .roster
        .bookings
        .iter()
        .filter(|b| !inputs.assignments.iter().any(|a| a.id == b.assignment_id))
        .map(|b| (b.staff_id, b.station_id, b.span, None));
    for (staff_id, station_id, span, existing) in plan_rows.chain(other_plans) {
        let Some(person) = index_of.get(&staff_id) else {
            continue;
        };
        let days: Vec<NaiveDate> = span
            .days()
            .filter(|d| *d >= plan.start_date && *d <= plan.end_date)
            .collect();
        if days.is_empty() {
            continue;
        }
        tasks.push(horizon.kept(&days, station_id, *person));
        metas.push(TaskMeta {
            demand: None,
            unit: 0,
            days,
            station_id,
            existing,
        });
    }

    let problem = Problem {
        weeks,
        people: staff
            .iter()
            .enumerate()
            .map(|(i, s)| solver::Person {
                window_caps: vec![s.monthly_limit; months],
                groups: person_groups[i].clone(),
                busy: Vec::new(),
            })
            .collect(),
        tasks,
        groups,
        windows: months,
        max_consecutive_weeks: None,
        weights: solver::Weights {
            unfilled: UNFILLED_PER_DAY,
            load_sq: 1,
            stint_start: STINT_START,
            change: CHANGE,
        },
    };
    Model {
        problem,
        tasks: metas,
        people,
        group_rules,
        km,
        preferred,
    }
}

fn span_of(days: &[NaiveDate]) -> Span {
    let mut mask = 0u8;
    for day in days {
        mask |= 1 << day.weekday().num_days_from_monday();
    }
    match (days.first(), days.last()) {
        (Some(first), Some(last)) => Span::new(*first, *last, Weekdays(mask)),
        _ => Span::new(NaiveDate::MIN, NaiveDate::MIN, Weekdays(0)),
    }
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
        GenerationStatus::Done.as_str(),
        serde_json::to_string(&result).ok(),
        None,
        now(),
    )?;
    Ok(result)
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
) -> Result<GenerationResult, ApiError> {
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
        let continuous = demand.pattern == DemandPattern::Continuous.as_str();
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

    let unmet = explain(inputs, model, assigned);
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
                    status: Some(AssignmentStatus::Cancelled.as_str().to_string()),
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
                    status: AssignmentStatus::Proposed.as_str().to_string(),
                    source: AssignmentSource::Generated.as_str().to_string(),
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
    Ok(result)
}

fn score(inputs: &Inputs, model: &Model, assigned: &[Option<usize>]) -> ScoreBreakdown {
    let evaluated = solver::evaluate(&model.problem, assigned).ok();
    let mut load: HashMap<i64, i64> = HashMap::new();
    let mut travel = 0.0;
    let mut preferred_days = 0;
    let mut unfilled_days = 0;
    for (t, meta) in model.tasks.iter().enumerate() {
        let days = meta.days.len() as i64;
        match assigned[t] {
            Some(person) => {
                let staff_id = model.people[person];
                *load.entry(staff_id).or_default() += days;
                travel += model
                    .km
                    .get(&(staff_id, meta.station_id))
                    .copied()
                    .unwrap_or(0.0)
                    * days as f64;
                if model.preferred.contains(&(staff_id, meta.station_id)) {
                    preferred_days += days;
                }
            }
            None => unfilled_days += days,
        }
    }
    // Fairness among those who could take some demand: everyone a candidate somewhere.
    let could: std::collections::BTreeSet<usize> = model
        .problem
        .tasks
        .iter()
        .zip(&model.tasks)
        .filter(|(_, meta)| meta.demand.is_some())
        .flat_map(|(task, _)| task.candidates.iter().map(|c| c.person))
        .collect();
    let mut by_profession: BTreeMap<Profession, Vec<i64>> = BTreeMap::new();
    for s in could.iter().filter_map(|i| inputs.roster.staff.get(*i)) {
        by_profession
            .entry(s.profession)
            .or_default()
            .push(load.get(&s.id).copied().unwrap_or(0));
    }
    let needed: Vec<Profession> = inputs
        .demands
        .iter()
        .filter_map(|d| d.profession.parse().ok())
        .collect();
    ScoreBreakdown {
        unfilled_days,
        load_sum_of_squares: load.values().map(|l| l * l).sum(),
        load_by_profession: by_profession
            .into_iter()
            .filter(|(p, _)| needed.contains(p))
            .map(|(profession, loads)| LoadSpread {
                profession,
                people: loads.len() as i64,
                min_days: loads.iter().copied().min().unwrap_or(0),
                max_days: loads.iter().copied().max().unwrap_or(0),
            })
            .collect(),
        stint_starts: evaluated.as_ref().map(|s| s.stint_starts).unwrap_or(0),
        travel_km: travel.round() as i64,
        preferred_days,
        changes: evaluated.as_ref().map(|s| s.changes).unwrap_or(0),
        objective: evaluated.map(|s| s.objective).unwrap_or(0),
    }
}

/// For every demand not fully met: how many days, and which rule kept which people out.
fn explain(inputs: &Inputs, model: &Model, assigned: &[Option<usize>]) -> Vec<UnmetDemand> {
    let settings = &inputs.roster.settings;
    let mut out = Vec::new();
    for (d, demand) in inputs.demands.iter().enumerate() {
        let open: Vec<usize> = model
            .tasks
            .iter()
            .enumerate()
            .filter(|(t, meta)| meta.demand == Some(d) && assigned[*t].is_none())
            .map(|(t, _)| t)
            .collect();
        if open.is_empty() {
            continue;
        }
        let Ok(profession) = demand.profession.parse::<Profession>() else {
            continue;
        };
        let need = Need {
            profession,
            specialty: demand.specialty.clone(),
            continuous: demand.pattern == DemandPattern::Continuous.as_str(),
        };
        // Each person of the profession is excluded for the first reason found.
        let mut reasons: BTreeMap<RotationRule, Vec<String>> = BTreeMap::new();
        let considered: Vec<(usize, &StaffFacts)> = inputs
            .roster
            .staff
            .iter()
            .enumerate()
            .filter(|(_, s)| s.profession == profession)
            .collect();
        let demand_span = demand.span();
        // Each person is listed under the rule that kept them out of most open days.
        for (i, person) in &considered {
            let mut why: BTreeMap<RotationRule, usize> = BTreeMap::new();
            for t in &open {
                let span = span_of(&model.tasks[*t].days);
                let mut unit_need = need.clone();
                unit_need.continuous = false;
                let rule = match personal_breaches(person, &unit_need, &span, settings).first() {
                    Some(breach) => Some(breach.rule),
                    None => solver::blockers(&model.problem, assigned, *t)
                        .into_iter()
                        .find(|(p, _)| p == i)
                        .map(|(_, blocker)| match blocker {
                            Blocker::WindowCap { .. } => RotationRule::MonthlyLimit,
                            Blocker::GroupCap { group, .. } => model
                                .group_rules
                                .get(group)
                                .copied()
                                .unwrap_or(RotationRule::AwayShare),
                            _ => RotationRule::DoubleBooking,
                        }),
                };
                if let Some(rule) = rule {
                    *why.entry(rule).or_default() += model.tasks[*t].days.len();
                }
            }
            if let Some((rule, _)) = why.into_iter().max_by_key(|(_, days)| *days) {
                reasons
                    .entry(rule)
                    .or_default()
                    .push(person.full_name.clone());
            }
        }
        let mut reasons: Vec<Exclusion> = reasons
            .into_iter()
            .map(|(rule, names)| Exclusion {
                rule,
                label: rule.label(Lang::Vi).to_string(),
                people: names.len() as i64,
                examples: names.into_iter().take(3).collect(),
            })
            .collect();
        // What kept qualified people out comes first (the planner can act on it); who
        // was never qualified comes after, most frequent first.
        reasons.sort_by_key(|r| (qualification(r.rule), std::cmp::Reverse(r.people)));
        let unfilled_days: i64 = open.iter().map(|t| model.tasks[*t].days.len() as i64).sum();
        let first_unfilled_day = open
            .iter()
            .filter_map(|t| model.tasks[*t].days.first())
            .min()
            .copied();
        let station = registry_station(inputs, demand.station_id);
        let explanation = if considered.is_empty() {
            format!(
                "Thiếu {unfilled_days} ngày: đơn vị không có {} nào.",
                profession.label(Lang::Vi).to_lowercase()
            )
        } else if need.continuous
            && demand_span.whole_months() < u32::from(settings.min_posting_months)
        {
            format!(
                "Thiếu {unfilled_days} ngày: đợt luân phiên liên tục ngắn hơn {} tháng theo quy định.",
                settings.min_posting_months
            )
        } else {
            let parts: Vec<String> = reasons
                .iter()
                .map(|r| format!("{} ({} người)", r.label.to_lowercase(), r.people))
                .collect();
            format!(
                "Thiếu {unfilled_days} ngày tại {}: trong {} {} của đơn vị, {}.",
                station.name,
                considered.len(),
                profession.label(Lang::Vi).to_lowercase(),
                if parts.is_empty() {
                    "không ai còn trống lịch".to_string()
                } else {
                    parts.join("; ")
                }
            )
        };
        out.push(UnmetDemand {
            demand_id: demand.id,
            station,
            profession,
            specialty: demand.specialty.clone(),
            unfilled_days,
            first_unfilled_day,
            considered: considered.len() as i64,
            reasons,
            explanation,
        });
    }
    out
}

/// Whether a run replaces this assignment: the generator's own earlier proposals go.
fn replaced_by_this_run(a: &AssignmentRow) -> bool {
    a.status == AssignmentStatus::Proposed.as_str()
        && a.source == AssignmentSource::Generated.as_str()
}

/// Whether a rule is about who may do the work at all (rather than about the calendar).
fn qualification(rule: RotationRule) -> bool {
    matches!(
        rule,
        RotationRule::Exempted
            | RotationRule::Inactive
            | RotationRule::Profession
            | RotationRule::ScopeOfPractice
            | RotationRule::Licence
    )
}

fn registry_station(inputs: &Inputs, station_id: i64) -> shared::registry::FacilityRef {
    inputs
        .stations
        .get(&station_id)
        .cloned()
        .unwrap_or(shared::registry::FacilityRef {
            id: station_id,
            code: String::new(),
            name: format!("#{station_id}"),
            kind: shared::registry::FacilityKind::HealthStation,
        })
}
