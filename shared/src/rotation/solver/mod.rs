//! The rotation optimisation engine: a pure-Rust local search that assigns people to
//! tasks (a week, or some days, at a station) under hard rules while minimising a
//! weighted objective.
//!
//! The caller describes the demand as a [`Problem`]: the [`Person`]s, the [`Task`]s with
//! the people statically eligible for each ([`Candidate`]), the [`Group`]s whose members
//! may only be away so many at a time, the budget windows (calendar months in the
//! product, the whole horizon in the benchmark) and the [`Weights`] of the objective.
//! [`solve`] returns a [`Solution`] that never breaks a hard rule (unless the caller's own
//! fixed assignments already do); [`evaluate`] checks any assignment from scratch and
//! [`blockers`] explains why nobody could take a task.
//!
//! # Hard rules
//! - a task only goes to one of its candidates (or stays unfilled); a fixed task keeps
//!   its person;
//! - a person is never in two tasks whose occupancy overlaps (same week, a common day),
//!   nor in a task on a day they are [`Person::busy`];
//! - per person and window, the usage of their tasks stays within their cap;
//! - a run of consecutive weeks in which a person holds some task is at most
//!   [`Problem::max_consecutive_weeks`] long;
//! - per group and day, at most [`Group::cap_per_day`] members are occupied by tasks
//!   (plus those listed in [`Group::away`]).
//!
//! # Objective (lower is better)
//! ```text
//!   unfilled    · Σ load of the unfilled tasks
//! + load_sq     · Σ_person (Σ load of their tasks)²
//! + stint_start · number of stint starts
//! +               Σ candidate cost of the chosen pairings
//! + change      · number of tasks not left with their current person
//! ```
//! A *stint start* is a (person, week, station) where the person holds a task at that
//! station occupying that week but none at the same station occupying the week before.
//!
//! # Determinism
//! The same [`Problem`] and the same [`Options`] (seed, effort, threads) give the same
//! [`Solution`] on a given platform, whatever the machine's load: the work budget is a
//! number of moves, never wall-clock time (cancellation excepted).

mod check;
mod model;
mod search;
mod state;
#[cfg(test)]
mod tests;

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

pub use check::{blockers, evaluate};

/// A bitmask of the days of a week: bit 0 is Monday, bit 6 is Sunday.
pub type DayMask = u8;

/// Every day of the week.
pub const WHOLE_WEEK: DayMask = 0x7f;

/// The demand to plan: people, tasks, limits and the weights of the objective.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Problem {
    /// Horizon length in weeks; week indexes are `0..weeks`. Occupancy outside the
    /// horizon is ignored.
    pub weeks: u16,
    /// The people who may be assigned.
    pub people: Vec<Person>,
    /// The tasks to fill.
    pub tasks: Vec<Task>,
    /// Groups of people (e.g. a hospital department) with a cap on members away per day.
    pub groups: Vec<Group>,
    /// Number of budget windows (the benchmark: 1, the whole horizon; the product:
    /// calendar months). [`Person::window_caps`] and [`Task::usage`] refer to them.
    pub windows: usize,
    /// The longest allowed run of consecutive weeks in which a person holds some task;
    /// `None` = no limit.
    pub max_consecutive_weeks: Option<u16>,
    /// Weights of the objective.
    pub weights: Weights,
}

/// A person who may be assigned to tasks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Person {
    /// Cap per budget window on the usage of their tasks (see [`Task::usage`]); indexed
    /// by window, a missing entry counts as a cap of 0.
    pub window_caps: Vec<u32>,
    /// The groups (indexes into [`Problem::groups`]) they belong to, e.g. their
    /// department (share away) and their department's profession (minimum on site).
    pub groups: Vec<usize>,
    /// Days already committed elsewhere: `(week, day mask)`; no task may overlap them.
    /// They do not count against the group cap (see [`Group::away`] for that).
    pub busy: Vec<(u16, DayMask)>,
}

/// A unit of work to give to one person: some days of some weeks at a station.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Task {
    /// The station; continuity (stint starts) is counted per (person, station).
    pub station: u32,
    /// The weeks it occupies, each with the mask of its days (the benchmark: one week,
    /// [`WHOLE_WEEK`]). Entries for the same week are merged; empty masks are ignored.
    pub occupancy: Vec<(u16, DayMask)>,
    /// Units counted for fairness (the benchmark: 1 per week; the product: days).
    pub load: u32,
    /// `(window, amount)` consumed against the person's window cap; entries for a
    /// window outside `0..Problem::windows` are ignored.
    pub usage: Vec<(usize, u32)>,
    /// The statically eligible people (the caller has already filtered profession,
    /// qualification, leave and licence), with the soft cost of each pairing. A person
    /// listed twice keeps their first entry.
    pub candidates: Vec<Candidate>,
    /// A person kept as is (a published or confirmed assignment): never changed, even
    /// if not among the candidates.
    pub fixed: Option<usize>,
    /// The present assignment when re-planning; assigning anyone else (or nobody) costs
    /// [`Weights::change`].
    pub current: Option<usize>,
}

/// A person eligible for a task, with the static soft cost of the pairing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Candidate {
    /// Index into [`Problem::people`].
    pub person: usize,
    /// Soft cost added to the objective when chosen (travel distance, stated
    /// preference: negative = preferred).
    pub cost: i64,
}

/// A group of people with a cap on members away at once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Group {
    /// At most this many members occupied by tasks on any day (week, day).
    pub cap_per_day: u32,
    /// Members already away on some days for reasons outside this problem, one entry
    /// per member and week: `(week, day mask)`. They count against the cap.
    pub away: Vec<(u16, DayMask)>,
}

/// Weights of the objective (see the [module documentation](self)). Weights and costs
/// must keep the objective well within `i64`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Weights {
    /// Per unit of load of an unfilled task.
    pub unfilled: i64,
    /// Per unit of Σ_person (Σ load of their tasks)².
    pub load_sq: i64,
    /// Per stint start.
    pub stint_start: i64,
    /// Per task whose assignment differs from [`Task::current`] (when that is set).
    pub change: i64,
}

impl Default for Weights {
    /// The benchmark's weights, with no change cost.
    fn default() -> Self {
        Weights {
            unfilled: 100_000,
            load_sq: 1,
            stint_start: 10,
            change: 0,
        }
    }
}

/// The dimensions of a model, known before it is built: what its memory grows with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ModelSize {
    /// Tasks (each copy of each unit of each demand, and the bookings kept).
    pub tasks: u64,
    /// Σ over tasks of their candidates: the term that dominates a large plan.
    pub candidate_pairs: u64,
    /// People.
    pub people: u64,
    /// Horizon weeks.
    pub weeks: u64,
    /// Budget windows.
    pub windows: u64,
}

impl ModelSize {
    /// An upper estimate, in bytes, of what building and solving the model takes with
    /// `threads` searches: each candidate pair is held by the caller's [`Task`] and by
    /// the solver's model (person, cost); each task by its metadata and each search's
    /// state; each person by per-week and per-window tables in every search.
    pub fn estimated_bytes(&self, threads: u64) -> u64 {
        const PER_PAIR: u64 = 2 * 16 + 4 + 8;
        const PER_TASK: u64 = 512;
        const PER_TASK_PER_SEARCH: u64 = 64;
        const PER_PERSON_WEEK: u64 = 2;
        const PER_PERSON_WINDOW: u64 = 12;
        let searches = threads.max(1);
        let bits = (self.tasks.saturating_mul(self.people.div_ceil(64)))
            .min(model::MAX_BIT_WORDS as u64)
            .saturating_mul(8);
        self.candidate_pairs
            .saturating_mul(PER_PAIR)
            .saturating_add(self.tasks.saturating_mul(PER_TASK))
            .saturating_add(
                self.tasks
                    .saturating_mul(PER_TASK_PER_SEARCH)
                    .saturating_mul(searches),
            )
            .saturating_add(
                self.people
                    .saturating_mul(
                        self.weeks.saturating_mul(PER_PERSON_WEEK)
                            + self.windows.saturating_mul(PER_PERSON_WINDOW),
                    )
                    .saturating_mul(searches + 1),
            )
            .saturating_add(bits)
    }
}

/// Callback receiving the search's progress, from 0.0 to 1.0.
pub type Progress = Arc<dyn Fn(f32) + Send + Sync>;

/// How hard and how to search.
#[derive(Clone)]
pub struct Options {
    /// Seed of the random choices; the same seed gives the same solution.
    pub seed: u64,
    /// Deterministic work budget: local-search moves per free task (not fixed, with a
    /// candidate), per thread, and at least [`MIN_MOVES`] in all; 0 = the construction
    /// only. [`DEFAULT_EFFORT`] suits interactive use (a 300-person, 5,000-task year plan
    /// takes about a second).
    pub effort: u32,
    /// Independent searches run side by side (seeds derived from `seed`); the best wins,
    /// ties to the lowest index. 0 counts as 1. The result depends on this number.
    pub threads: usize,
    /// Set to `true` to stop early: the best solution so far comes back with
    /// [`Solution::cancelled`] set.
    pub cancel: Option<Arc<AtomicBool>>,
    /// Called now and then with the progress (0.0..=1.0) of the first search.
    pub progress: Option<Progress>,
}

/// Default [`Options::effort`].
pub const DEFAULT_EFFORT: u32 = 300;

/// The least number of moves a search makes (per thread), however small the problem.
pub const MIN_MOVES: u64 = 20_000;

impl Default for Options {
    fn default() -> Self {
        Options {
            seed: 0,
            effort: DEFAULT_EFFORT,
            threads: 1,
            cancel: None,
            progress: None,
        }
    }
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("seed", &self.seed)
            .field("effort", &self.effort)
            .field("threads", &self.threads)
            .field("cancel", &self.cancel)
            .field("progress", &self.progress.as_ref().map(|_| "Fn(f32)"))
            .finish()
    }
}

/// The components of the objective of an assignment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Score {
    /// Number of unfilled tasks.
    pub unfilled_tasks: usize,
    /// Σ load of the unfilled tasks (unweighted).
    pub unfilled: i64,
    /// Σ_person (Σ load of their tasks)² (unweighted).
    pub load_sq: i64,
    /// Number of stint starts (unweighted).
    pub stint_starts: i64,
    /// Σ candidate cost of the chosen pairings.
    pub cost: i64,
    /// Number of tasks assigned otherwise than their [`Task::current`] (unweighted).
    pub changes: i64,
    /// The weighted objective (lower is better).
    pub objective: i64,
}

impl Score {
    /// Fills [`Score::objective`] from the components and the weights.
    fn weigh(mut self, w: &Weights) -> Score {
        self.objective = w.unfilled * self.unfilled
            + w.load_sq * self.load_sq
            + w.stint_start * self.stint_starts
            + self.cost
            + w.change * self.changes;
        self
    }
}

/// The result of [`solve`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Solution {
    /// The person of each task (index into [`Problem::people`]), `None` = unfilled.
    pub assigned: Vec<Option<usize>>,
    /// Its score.
    pub score: Score,
    /// Units of hard-rule breach; 0 unless the fixed assignments themselves breach a rule
    /// (the solver never adds any).
    pub hard_violations: u64,
    /// The search was cancelled; this is the best solution found until then.
    pub cancelled: bool,
}

/// A hard rule broken by an assignment, as reported by [`evaluate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Breach {
    /// The assignment does not have one entry per task.
    Length {
        /// Number of tasks.
        expected: usize,
        /// Number of entries given.
        got: usize,
    },
    /// The person index is out of range.
    UnknownPerson {
        /// Task.
        task: usize,
        /// The index given.
        person: usize,
    },
    /// The person is not a candidate of the task (nor its fixed person).
    NotCandidate {
        /// Task.
        task: usize,
        /// Person.
        person: usize,
    },
    /// A fixed task does not have its fixed person.
    FixedChanged {
        /// Task.
        task: usize,
    },
    /// Two tasks of a person overlap.
    DoubleBooked {
        /// Person.
        person: usize,
        /// Week.
        week: u16,
        /// The two tasks.
        tasks: (usize, usize),
    },
    /// A task overlaps a day the person is busy.
    Busy {
        /// Person.
        person: usize,
        /// Task.
        task: usize,
        /// Week.
        week: u16,
    },
    /// A person's window budget is exceeded.
    WindowCap {
        /// Person.
        person: usize,
        /// Window.
        window: usize,
        /// Usage of their tasks in the window.
        used: u64,
        /// Their cap.
        cap: u32,
    },
    /// A run of consecutive weeks away is too long.
    Consecutive {
        /// Person.
        person: usize,
        /// First week of the run.
        first_week: u16,
        /// Length of the run in weeks.
        weeks: u16,
    },
    /// Too many members of a group occupied on a day.
    GroupCap {
        /// Group.
        group: usize,
        /// Week.
        week: u16,
        /// Day (0 = Monday).
        day: u8,
        /// Members occupied (including [`Group::away`]).
        count: u32,
        /// The cap.
        cap: u32,
    },
}

/// Why a candidate cannot take a task in a given assignment (see [`blockers`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Blocker {
    /// The person already holds an overlapping task.
    DoubleBooked {
        /// That task.
        with: usize,
    },
    /// The person is busy on a day of the task.
    Busy {
        /// The week.
        week: u16,
    },
    /// The task would exceed the person's budget in this window.
    WindowCap {
        /// The window.
        window: usize,
    },
    /// The task would make a run of weeks away too long.
    Consecutive,
    /// A group of the person's would have too many members occupied on this day.
    GroupCap {
        /// The group.
        group: usize,
        /// The week.
        week: u16,
        /// The day (0 = Monday).
        day: u8,
    },
}

/// Finds a good assignment: a greedy construction (keeping fixed and, where still
/// possible, current assignments) followed by simulated annealing with incremental
/// evaluation; see the [module documentation](self).
///
/// Never panics on odd input: empty problems, tasks without candidates, people with
/// zero caps and out-of-range indexes are all handled (out-of-range candidates, groups
/// and fixed persons are ignored).
pub fn solve(problem: &Problem, options: &Options) -> Solution {
    search::solve(problem, options)
}
