//! Adapter between the rotation benchmark's JSON formats and the [`solver`]: read an
//! [`Instance`], map it to a [`Problem`], solve, and write a [`BenchSolution`] that the
//! benchmark's reference scorer (`score.py`) accepts; [`score`] re-implements that
//! scorer. The benchmark (generator, scorer, anchor solvers) lives outside this
//! repository; copies of its instances are in `shared/benches/instances/`.
//!
//! A slot is (station, open week, demand entry, copy < count); its candidates are the
//! staff of the demanded profession who hold the demanded qualification (if any) and are
//! not on leave that week. Each person has one budget window (the whole horizon) capped
//! at their `max_rotation_weeks`; runs of weeks away are capped at
//! `max_consecutive_weeks`; the weights are the instance's.

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::solver::{self, Candidate, Options, Person, Problem, Score, Task, WHOLE_WEEK, Weights};

/// A benchmark instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Instance {
    /// Name (e.g. "small").
    #[serde(default)]
    pub name: String,
    /// Generator seed, if recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Horizon length in weeks.
    pub weeks: u16,
    /// The Monday of week 0 (`YYYY-MM-DD`).
    #[serde(default)]
    pub start_date: String,
    /// Default cap on weeks away per person over the horizon; `null` (what the
    /// generator writes when not given one) = no cap.
    #[serde(default)]
    pub max_rotation_weeks: Option<u32>,
    /// Cap on consecutive weeks away.
    pub max_consecutive_weeks: u16,
    /// Weights of the objective.
    pub weights: BenchWeights,
    /// The qualifications in use.
    #[serde(default)]
    pub qualifications: Vec<String>,
    /// The staff.
    pub staff: Vec<Staff>,
    /// The stations.
    pub stations: Vec<Station>,
}

/// The benchmark's weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BenchWeights {
    /// Per unfilled slot.
    pub unfilled: i64,
    /// Per unit of Σ (weeks away per person)².
    pub load_sq: i64,
    /// Per stint start.
    pub stint_start: i64,
}

/// A member of staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Staff {
    /// Id, e.g. "S0001".
    pub id: String,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// "doctor" or "nurse".
    pub profession: String,
    /// Qualifications held.
    #[serde(default)]
    pub qualifications: Vec<String>,
    /// Weeks on leave.
    #[serde(default)]
    pub leave_weeks: Vec<u16>,
    /// Own cap on weeks away (missing or `null`: the instance's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_rotation_weeks: Option<u32>,
}

/// A station.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Station {
    /// Id, e.g. "W001".
    pub id: String,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Weeks without demand.
    #[serde(default)]
    pub closed_weeks: Vec<u16>,
    /// Weekly demand.
    pub demand: Vec<Demand>,
}

/// A weekly demand entry of a station.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Demand {
    /// Profession required.
    pub profession: String,
    /// People needed each open week.
    pub count: u32,
    /// Qualification required, if any.
    #[serde(default)]
    pub qualification: Option<String>,
}

/// One slot of the instance, i.e. one task of the [`Problem`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Slot {
    /// Index into [`Instance::stations`].
    pub station: usize,
    /// Week.
    pub week: u16,
    /// Index into the station's demand.
    pub demand: usize,
    /// Copy, below the demand's count.
    pub copy: u32,
}

/// A solution file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenchSolution {
    /// Instance name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// Who solved it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub solver: Option<String>,
    /// What the solver measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics: Option<BenchMetrics>,
    /// The assignments.
    pub assignments: Vec<Assignment>,
}

/// One assignment of a solution file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    /// Staff id.
    pub staff: String,
    /// Station id.
    pub station: String,
    /// Week.
    pub week: u16,
    /// Index into the station's demand.
    pub demand: usize,
}

/// Metrics of a solution, as the reference scorer computes them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BenchMetrics {
    /// The objective (lower is better).
    pub objective: i64,
    /// Units of hard violation (must be 0).
    pub hard_total: u64,
    /// Hard violations by kind (only the non-zero ones).
    #[serde(default)]
    pub hard_violations: std::collections::BTreeMap<String, u64>,
    /// Unfilled slots.
    pub unfilled: i64,
    /// Σ (weeks away per person)².
    pub load_sq: i64,
    /// Stint starts.
    pub stint_starts: i64,
    /// Seconds spent mapping and solving (not parsing nor writing), when measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub solve_s: Option<f64>,
    /// Seed used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Searches run side by side.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threads: Option<usize>,
    /// Moves per slot and search.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effort: Option<u32>,
}

/// What can go wrong reading or writing the benchmark formats.
#[derive(Debug)]
pub enum BenchError {
    /// The JSON does not parse as the expected format.
    Json(serde_json::Error),
    /// A solution names a staff member, station or demand entry the instance lacks.
    Unknown {
        /// "staff", "station" or "demand".
        what: &'static str,
        /// The id (or index) given.
        id: String,
    },
}

impl fmt::Display for BenchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BenchError::Json(e) => write!(f, "invalid JSON: {e}"),
            BenchError::Unknown { what, id } => write!(f, "unknown {what} {id:?}"),
        }
    }
}

impl std::error::Error for BenchError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BenchError::Json(e) => Some(e),
            BenchError::Unknown { .. } => None,
        }
    }
}

impl From<serde_json::Error> for BenchError {
    fn from(e: serde_json::Error) -> Self {
        BenchError::Json(e)
    }
}

/// The name the solution files give this solver.
pub const SOLVER_NAME: &str = "tuyen-rotation-solver";

fn eligible(staff: &Staff, demand: &Demand) -> bool {
    staff.profession == demand.profession
        && demand
            .qualification
            .as_ref()
            .is_none_or(|q| staff.qualifications.contains(q))
}

/// A person's cap on weeks away, `None` = no cap.
fn cap_of(inst: &Instance, staff: &Staff) -> Option<u32> {
    staff.max_rotation_weeks.or(inst.max_rotation_weeks)
}

/// The slots of an instance, in the reference scorer's order (station, week, demand,
/// copy), skipping closed weeks.
pub fn slots(inst: &Instance) -> Vec<Slot> {
    let mut out = Vec::new();
    for (station, st) in inst.stations.iter().enumerate() {
        for week in 0..inst.weeks {
            if st.closed_weeks.contains(&week) {
                continue;
            }
            for (demand, dem) in st.demand.iter().enumerate() {
                for copy in 0..dem.count {
                    out.push(Slot {
                        station,
                        week,
                        demand,
                        copy,
                    });
                }
            }
        }
    }
    out
}

/// Maps an instance to a [`Problem`] (one task per slot, in the order of [`slots`]).
pub fn to_problem(inst: &Instance) -> (Problem, Vec<Slot>) {
    let slots = slots(inst);
    let people = inst
        .staff
        .iter()
        .map(|s| Person {
            window_caps: vec![cap_of(inst, s).unwrap_or(u32::MAX)],
            groups: Vec::new(),
            busy: Vec::new(),
        })
        .collect();
    // Eligible staff per (station, demand), then filtered by leave per week.
    let eligible_by_demand: Vec<Vec<Vec<usize>>> = inst
        .stations
        .iter()
        .map(|st| {
            st.demand
                .iter()
                .map(|dem| {
                    (0..inst.staff.len())
                        .filter(|&i| eligible(&inst.staff[i], dem))
                        .collect()
                })
                .collect()
        })
        .collect();
    let weeks = usize::from(inst.weeks);
    let mut on_leave = vec![false; inst.staff.len() * weeks];
    for (i, s) in inst.staff.iter().enumerate() {
        for &w in &s.leave_weeks {
            if usize::from(w) < weeks {
                on_leave[i * weeks + usize::from(w)] = true;
            }
        }
    }
    let tasks = slots
        .iter()
        .map(|slot| Task {
            station: slot.station as u32,
            occupancy: vec![(slot.week, WHOLE_WEEK)],
            load: 1,
            usage: vec![(0, 1)],
            candidates: eligible_by_demand[slot.station][slot.demand]
                .iter()
                .filter(|&&i| !on_leave[i * weeks + usize::from(slot.week)])
                .map(|&person| Candidate { person, cost: 0 })
                .collect(),
            fixed: None,
            current: None,
        })
        .collect();
    let problem = Problem {
        weeks: inst.weeks,
        people,
        tasks,
        groups: Vec::new(),
        windows: 1,
        max_consecutive_weeks: Some(inst.max_consecutive_weeks),
        weights: Weights {
            unfilled: inst.weights.unfilled,
            load_sq: inst.weights.load_sq,
            stint_start: inst.weights.stint_start,
            change: 0,
        },
    };
    (problem, slots)
}

/// The assignments of a solved problem, in slot order.
pub fn to_assignments(
    inst: &Instance,
    slots: &[Slot],
    assigned: &[Option<usize>],
) -> Vec<Assignment> {
    slots
        .iter()
        .zip(assigned)
        .filter_map(|(slot, a)| {
            let staff = inst.staff.get((*a)?)?;
            Some(Assignment {
                staff: staff.id.clone(),
                station: inst.stations.get(slot.station)?.id.clone(),
                week: slot.week,
                demand: slot.demand,
            })
        })
        .collect()
}

/// Scores assignments exactly as the reference scorer (`rotation_common.score`) does.
/// Fails on an unknown staff or station id or demand index (where the scorer would
/// crash).
pub fn score(inst: &Instance, assignments: &[Assignment]) -> Result<BenchMetrics, BenchError> {
    let staff: HashMap<&str, usize> = inst
        .staff
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let stations: HashMap<&str, usize> = inst
        .stations
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let mut hard: std::collections::BTreeMap<String, u64> = Default::default();
    let mut bump = |kind: &str, n: u64| {
        if n > 0 {
            *hard.entry(kind.to_owned()).or_insert(0) += n;
        }
    };
    // (staff, week) -> stations, in order.
    let mut by_staff_week: std::collections::BTreeMap<(usize, u16), Vec<usize>> =
        Default::default();
    let mut filled: HashMap<(usize, u16, usize), u64> = HashMap::new();
    for a in assignments {
        let unknown = |what, id: &str| BenchError::Unknown {
            what,
            id: id.to_owned(),
        };
        let p = *staff
            .get(a.staff.as_str())
            .ok_or_else(|| unknown("staff", &a.staff))?;
        let s = *stations
            .get(a.station.as_str())
            .ok_or_else(|| unknown("station", &a.station))?;
        let st = &inst.stations[s];
        let dem = st
            .demand
            .get(a.demand)
            .ok_or_else(|| unknown("demand", &a.demand.to_string()))?;
        if !eligible(&inst.staff[p], dem) {
            bump("ineligible", 1);
        }
        if inst.staff[p].leave_weeks.contains(&a.week) {
            bump("on_leave", 1);
        }
        if st.closed_weeks.contains(&a.week) {
            bump("station_closed", 1);
        }
        by_staff_week.entry((p, a.week)).or_default().push(s);
        *filled.entry((s, a.week, a.demand)).or_insert(0) += 1;
    }
    for v in by_staff_week.values() {
        bump("double_booked", v.len() as u64 - 1);
    }
    let mut unfilled = 0i64;
    for slot in slots(inst) {
        if slot.copy == 0 {
            let count = u64::from(inst.stations[slot.station].demand[slot.demand].count);
            let f = filled
                .get(&(slot.station, slot.week, slot.demand))
                .copied()
                .unwrap_or(0);
            unfilled += count.saturating_sub(f) as i64;
            bump("overfilled", f.saturating_sub(count));
        }
    }
    let mut loads = vec![0i64; inst.staff.len()];
    let mut starts = 0i64;
    for (&(p, w), v) in &by_staff_week {
        loads[p] += 1;
        let here = v[0];
        let before = w
            .checked_sub(1)
            .and_then(|w1| by_staff_week.get(&(p, w1)))
            .map(|v| v[0]);
        if before != Some(here) {
            starts += 1;
        }
    }
    let k = i64::from(inst.max_consecutive_weeks);
    for (p, s) in inst.staff.iter().enumerate() {
        if let Some(cap) = cap_of(inst, s) {
            bump(
                "max_rotation_weeks",
                (loads[p] - i64::from(cap)).max(0) as u64,
            );
        }
        let mut run = 0i64;
        for w in 0..=inst.weeks {
            if by_staff_week.contains_key(&(p, w)) {
                run += 1;
            } else {
                bump("max_consecutive_weeks", (run - k).max(0) as u64);
                run = 0;
            }
        }
    }
    let load_sq: i64 = loads.iter().map(|l| l * l).sum();
    let w = &inst.weights;
    Ok(BenchMetrics {
        objective: w.unfilled * unfilled + w.load_sq * load_sq + w.stint_start * starts,
        hard_total: hard.values().sum(),
        hard_violations: hard,
        unfilled,
        load_sq,
        stint_starts: starts,
        ..BenchMetrics::default()
    })
}

/// Moves per search that [`bench_effort`] aims at.
pub const BENCH_MOVES: u64 = 1_000_000;

/// The effort [`solve_instance`] spends on an instance of `slots` slots: about
/// [`BENCH_MOVES`] moves per search, within 100..=2000 moves per slot (the large
/// instance gets about 200, the small one 2000). Deterministic, like the search.
pub fn bench_effort(slots: usize) -> u32 {
    (BENCH_MOVES / slots.max(1) as u64).clamp(100, 2_000) as u32
}

/// Solves an instance given as JSON with the effort of [`bench_effort`]; returns the
/// solution file (JSON, with `solver` and `metrics` besides the assignments) and the
/// solver's score. `threads` independent searches run side by side (2 suits a 2-core
/// machine); the same seed and threads give the same solution.
pub fn solve_instance(
    json: &str,
    seed: u64,
    threads: usize,
) -> Result<(String, Score), BenchError> {
    let inst: Instance = serde_json::from_str(json)?;
    let options = Options {
        seed,
        threads,
        effort: bench_effort(slots(&inst).len()),
        ..Options::default()
    };
    let (solution, sol_score) = solve_parsed(&inst, &options)?;
    Ok((serde_json::to_string(&solution)?, sol_score))
}

/// [`solve_instance`] with every option (effort, cancellation, progress) at hand.
pub fn solve_instance_with(json: &str, options: &Options) -> Result<(String, Score), BenchError> {
    let inst: Instance = serde_json::from_str(json)?;
    let (solution, sol_score) = solve_parsed(&inst, options)?;
    Ok((serde_json::to_string(&solution)?, sol_score))
}

/// Solves a parsed instance: the solution file and the solver's score.
pub fn solve_parsed(
    inst: &Instance,
    options: &Options,
) -> Result<(BenchSolution, Score), BenchError> {
    #[cfg(not(target_arch = "wasm32"))]
    let started = std::time::Instant::now();
    let (problem, slots) = to_problem(inst);
    let solution = solver::solve(&problem, options);
    #[cfg(not(target_arch = "wasm32"))]
    let solve_s = Some((started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0);
    #[cfg(target_arch = "wasm32")]
    let solve_s = None;
    let assignments = to_assignments(inst, &slots, &solution.assigned);
    let mut metrics = score(inst, &assignments)?;
    metrics.solve_s = solve_s;
    metrics.seed = Some(options.seed);
    metrics.threads = Some(options.threads.max(1));
    metrics.effort = Some(options.effort);
    Ok((
        BenchSolution {
            instance: Some(inst.name.clone()),
            solver: Some(SOLVER_NAME.to_owned()),
            metrics: Some(metrics),
            assignments,
        },
        solution.score,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rotation::solver::evaluate;

    const TINY: &str = include_str!("../../benches/instances/tiny.json");
    const SMALL: &str = include_str!("../../benches/instances/small.json");

    fn parse(json: &str) -> Instance {
        match serde_json::from_str(json) {
            Ok(i) => i,
            Err(e) => panic!("instance does not parse: {e}"),
        }
    }

    #[test]
    fn tiny_has_no_breach_and_scores_agree() {
        let inst = parse(TINY);
        let (problem, slots) = to_problem(&inst);
        let options = Options {
            seed: 3,
            threads: 2,
            effort: 200,
            ..Options::default()
        };
        let (sol, sol_score) = match solve_parsed(&inst, &options) {
            Ok(x) => x,
            Err(e) => panic!("{e}"),
        };
        let metrics = match score(&inst, &sol.assignments) {
            Ok(m) => m,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(metrics.hard_total, 0, "{:?}", metrics.hard_violations);
        assert_eq!(metrics.objective, sol_score.objective);
        assert_eq!(metrics.unfilled, sol_score.unfilled);
        assert_eq!(metrics.load_sq, sol_score.load_sq);
        assert_eq!(metrics.stint_starts, sol_score.stint_starts);
        // The same through the independent checker of the engine.
        let assigned = solver::solve(&problem, &options).assigned;
        assert_eq!(assigned.len(), slots.len());
        assert_eq!(evaluate(&problem, &assigned), Ok(sol_score));
        // Ten slots cannot be filled (the anchors' 1000154 has 10 unfilled).
        assert_eq!(metrics.unfilled, 10);
        assert!(metrics.objective <= 1_000_154, "{}", metrics.objective);
    }

    #[test]
    fn solution_json_round_trips_and_rescores() {
        let (json, sol_score) = match solve_instance(TINY, 1, 1) {
            Ok(x) => x,
            Err(e) => panic!("{e}"),
        };
        let sol: BenchSolution = match serde_json::from_str(&json) {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(sol.solver.as_deref(), Some(SOLVER_NAME));
        let metrics = sol.metrics.clone().unwrap_or_default();
        assert_eq!(metrics.hard_total, 0);
        assert_eq!(metrics.objective, sol_score.objective);
        let again = score(&parse(TINY), &sol.assignments)
            .map(|m| m.objective)
            .ok();
        assert_eq!(again, Some(sol_score.objective));
    }

    #[test]
    fn scorer_counts_hard_violations_like_the_reference() {
        let inst = parse(TINY);
        // S0003: a paediatric doctor, on leave in week 0.
        let s3 = inst.staff[2].id.clone();
        assert_eq!(inst.staff[2].leave_weeks, vec![0]);
        let w0 = inst.stations[0].id.clone();
        let w1 = inst.stations[1].id.clone();
        let a = |station: &str, week, demand| Assignment {
            staff: s3.clone(),
            station: station.to_owned(),
            week,
            demand,
        };
        // Twice in week 1 (double booked), as a nurse in week 2 (ineligible), on leave.
        let assignments = vec![a(&w0, 1, 0), a(&w1, 1, 0), a(&w0, 2, 1), a(&w0, 0, 0)];
        let m = match score(&inst, &assignments) {
            Ok(m) => m,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(m.hard_violations.get("double_booked"), Some(&1));
        assert_eq!(m.hard_violations.get("ineligible"), Some(&1));
        assert_eq!(m.hard_violations.get("on_leave"), Some(&1));
        assert!(score(&inst, &[a("nowhere", 0, 0)]).is_err());
    }

    #[test]
    fn small_beats_the_greedy_anchor() {
        let options = Options {
            seed: 1,
            threads: 1,
            effort: 300,
            ..Options::default()
        };
        let (sol, _) = match solve_parsed(&parse(SMALL), &options) {
            Ok(x) => x,
            Err(e) => panic!("{e}"),
        };
        let m = sol.metrics.unwrap_or_default();
        assert_eq!(m.hard_total, 0);
        assert!(m.objective < 1908, "{}", m.objective);
    }

    #[test]
    fn same_seed_same_assignments() {
        let inst = parse(SMALL);
        let options = Options {
            seed: 9,
            threads: 2,
            effort: 100,
            ..Options::default()
        };
        let run = || {
            solve_parsed(&inst, &options)
                .map(|(s, _)| s.assignments)
                .ok()
        };
        let first = run();
        assert!(first.as_ref().is_some_and(|a| !a.is_empty()));
        assert_eq!(first, run());
    }

    #[test]
    fn effort_follows_the_size() {
        assert_eq!(bench_effort(0), 2_000);
        assert_eq!(bench_effort(255), 2_000);
        assert_eq!(bench_effort(5_000), 200);
        assert_eq!(bench_effort(1_000_000), 100);
    }

    #[test]
    fn bad_json_is_an_error() {
        assert!(matches!(
            solve_instance("{", 0, 1),
            Err(BenchError::Json(_))
        ));
    }
}
