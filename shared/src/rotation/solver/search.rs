//! The search: a greedy construction, then simulated annealing over compound moves
//! (reassign, swap, ejection, exchange of a run of weeks between two people), each tried
//! on the incremental [`State`] and undone when rejected.

use std::sync::atomic::Ordering;

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use super::model::{Model, NONE};
use super::state::State;
use super::{MIN_MOVES, Options, Problem, Solution};

/// Moves sampled to calibrate the temperature.
const CALIBRATION_MOVES: usize = 2_000;
/// Moves between two looks at the cancel flag and the temperature.
const CHUNK: u64 = 1_024;
/// Starting temperature, as a share of the first quartile of the worsening deltas seen
/// in calibration: low, the search is close to a hill climb that walks plateaus.
const START_TEMPERATURE: f64 = 0.07;
/// Final temperature, as a share of the starting one.
const END_TEMPERATURE: f64 = 0.3;
/// Share of moves (in percent) that are transfers/swaps; the rest exchange spans.
const TRANSFER_PERCENT: u32 = 45;
/// Chance that a move's partner is sought among the holders of same-station
/// neighbours (continuity) rather than among all candidates.
const NEIGHBOUR_SHARE: f64 = 0.9;

/// Solves, see [`super::solve`].
pub(super) fn solve(problem: &Problem, options: &Options) -> Solution {
    let model = Model::new(problem);
    let start = construct(&model);
    let threads = options.threads.max(1);
    let mut results: Vec<Option<Outcome>> = Vec::with_capacity(threads);
    if threads == 1 {
        results.push(Some(anneal(start.clone(), options, 0)));
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|i| {
                    let st = start.clone();
                    scope.spawn(move || anneal(st, options, i))
                })
                .collect();
            for h in handles {
                results.push(h.join().ok());
            }
        });
    }
    let mut best: Option<Outcome> = None;
    let mut cancelled = false;
    for r in results.into_iter().flatten() {
        cancelled |= r.cancelled;
        if best
            .as_ref()
            .is_none_or(|b| (r.hard, r.objective) < (b.hard, b.objective))
        {
            best = Some(r);
        }
    }
    let assign = match best {
        Some(b) => b.assign,
        None => start.assign.clone(),
    };
    // Re-derive the score from scratch on the incremental state (cheap and exact).
    let mut st = State::new(&model);
    for (t, &p) in assign.iter().enumerate() {
        if p != NONE {
            st.set(t, p);
        }
    }
    Solution {
        assigned: assign
            .iter()
            .map(|&p| (p != NONE).then_some(p as usize))
            .collect(),
        score: st.score(),
        hard_violations: st.hard.max(0) as u64,
        cancelled,
    }
}

/// Fixed tasks, then the current assignments that still fit, then a greedy pass in week
/// order: each task to the fitting candidate adding the least to the objective (ties:
/// the person eligible for fewer tasks, then the lowest index).
pub(super) fn construct(m: &Model) -> State<'_> {
    let mut st = State::new(m);
    for t in 0..m.tasks() {
        if m.task[t].fixed != NONE {
            st.set(t, m.task[t].fixed);
        }
    }
    let mut order: Vec<u32> = m.free.clone();
    order.sort_by_key(|&t| {
        let t = t as usize;
        (m.task[t].first_week, m.cands(t).len(), m.task[t].station, t)
    });
    for &t in &order {
        let t = t as usize;
        let cur = m.task[t].current;
        if cur != NONE && m.cost(t, cur).is_some() && st.fits(t, cur) {
            st.set(t, cur);
        }
    }
    for &t in &order {
        let t = t as usize;
        if st.assign[t] != NONE {
            continue;
        }
        let mut best: Option<(i64, u32, u32)> = None;
        // What the load and cost terms alone could at best be offset by (continuity,
        // keeping the current person), to skip hopeless candidates cheaply.
        let w8 = &m.weights;
        let l = m.task[t].load;
        let slack = w8.stint_start.abs() * m.occ(t).len() as i64 + w8.change.abs();
        for &p in m.cands(t) {
            if let Some((b, _, _)) = best {
                let old = st.load[p as usize];
                let cost = m.known_cost(t, p);
                if w8.load_sq * ((old + l) * (old + l) - old * old) + cost - slack > b {
                    continue;
                }
            }
            let key = (st.add_delta(t, p), m.flex[p as usize], p);
            if best.is_none_or(|b| key < b) && st.fits(t, p) {
                best = Some(key);
            }
        }
        if let Some((_, _, p)) = best {
            st.set(t, p);
        }
    }
    st
}

/// What one search found.
struct Outcome {
    assign: Vec<u32>,
    objective: i64,
    hard: i64,
    cancelled: bool,
}

/// A seed per search, derived from the user's seed (SplitMix64).
fn derive_seed(seed: u64, index: usize) -> u64 {
    let mut z = seed ^ (index as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The moving parts of one search.
struct Search<'m> {
    st: State<'m>,
    rng: SmallRng,
    /// Tasks of the first person of an exchange.
    ta: Vec<u32>,
    /// Tasks of the second person of an exchange / conflicts of a transfer.
    tb: Vec<u32>,
}

fn anneal<'m>(st: State<'m>, options: &Options, index: usize) -> Outcome {
    let m = st.m;
    let h0 = st.hard;
    let mut s = Search {
        st,
        rng: SmallRng::seed_from_u64(derive_seed(options.seed, index)),
        ta: Vec::new(),
        tb: Vec::new(),
    };
    let report = |x: f32| {
        if index == 0
            && let Some(f) = &options.progress
        {
            f(x);
        }
    };
    let total = (m.free.len() as u64)
        .saturating_mul(u64::from(options.effort))
        .max(MIN_MOVES);
    if m.free.is_empty() || options.effort == 0 {
        report(1.0);
        return Outcome {
            objective: s.st.objective(),
            hard: s.st.hard,
            assign: s.st.assign,
            cancelled: false,
        };
    }
    let (t0, t1) = s.calibrate(h0);
    let mut cur = s.st.objective();
    let mut best = cur;
    let mut best_assign = s.st.assign.clone();
    let mut at_best = true;
    let mut cancelled = false;
    let ratio = t1 / t0;
    let mut done = 0u64;
    let report_every = (total / 100).max(CHUNK);
    let mut next_report = report_every;
    while done < total {
        if options
            .cancel
            .as_ref()
            .is_some_and(|c| c.load(Ordering::Relaxed))
        {
            cancelled = true;
            break;
        }
        if done >= next_report {
            report(done as f32 / total as f32);
            next_report += report_every;
        }
        let temp = t0 * ratio.powf(done as f64 / total as f64);
        let chunk = CHUNK.min(total - done);
        for _ in 0..chunk {
            s.st.begin();
            if !s.random_move() || s.st.hard != h0 {
                s.st.rollback();
                continue;
            }
            let delta = s.st.objective() - cur;
            if delta <= 0 || s.rng.random::<f64>() < (-(delta as f64) / temp).exp() {
                if delta > 0 && at_best {
                    // Leaving the best state: keep it (the log undoes this move).
                    best_assign.copy_from_slice(&s.st.assign);
                    s.st.undo_into(&mut best_assign);
                    at_best = false;
                }
                s.st.commit();
                cur += delta;
                if cur < best {
                    best = cur;
                    at_best = true;
                } else if cur > best {
                    at_best = false;
                }
            } else {
                s.st.rollback();
            }
        }
        done += chunk;
    }
    if at_best {
        best_assign.copy_from_slice(&s.st.assign);
    }
    report(1.0);
    Outcome {
        assign: best_assign,
        objective: best,
        hard: h0,
        cancelled,
    }
}

impl Search<'_> {
    /// Initial and final temperatures, from the deltas of random moves.
    fn calibrate(&mut self, h0: i64) -> (f64, f64) {
        let mut ups: Vec<i64> = Vec::new();
        let base = self.st.objective();
        for _ in 0..CALIBRATION_MOVES {
            self.st.begin();
            if self.random_move() && self.st.hard == h0 {
                let d = self.st.objective() - base;
                if d > 0 {
                    ups.push(d);
                }
            }
            self.st.rollback();
        }
        ups.sort_unstable();
        let t0 = ups
            .get(ups.len() / 4)
            .map_or(1.0, |&d| d as f64 * START_TEMPERATURE)
            .max(1e-3);
        (t0, t0 * END_TEMPERATURE)
    }

    /// Applies one random compound move (logged); `false` if none could be built.
    fn random_move(&mut self) -> bool {
        let m = self.st.m;
        let r = self.rng.random_range(0..100u32);
        if r < 8 && !self.st.open.is_empty() {
            let t = self.st.open[self.rng.random_range(0..self.st.open.len())] as usize;
            return self.transfer(t);
        }
        let t = m.free[self.rng.random_range(0..m.free.len())] as usize;
        if r < TRANSFER_PERCENT {
            self.transfer(t)
        } else {
            self.exchange(t)
        }
    }

    /// A partner for a move of task `t` held by `a`: the holder of a same-station
    /// neighbour (continuity) or a random candidate; `None` if no other person found.
    fn partner(&mut self, t: usize, a: u32) -> Option<u32> {
        let m = self.st.m;
        let nb = m.neighbours(t);
        if !nb.is_empty() && self.rng.random_bool(NEIGHBOUR_SHARE) {
            // From a random start, the first neighbour held by someone else.
            let k = self.rng.random_range(0..nb.len());
            for j in 0..nb.len() {
                let u = nb[(k + j) % nb.len()] as usize;
                let b = self.st.assign[u];
                if b != NONE && b != a && m.is_cand(t, b) {
                    return Some(b);
                }
            }
        }
        let c = m.cands(t);
        let b = c[self.rng.random_range(0..c.len())];
        if b != a {
            return Some(b);
        }
        if c.len() > 1 {
            let b = c[self.rng.random_range(0..c.len())];
            if b != a {
                return Some(b);
            }
        }
        None
    }

    /// Gives task `t` to another candidate `b`. Whatever of `b`'s overlaps it goes to
    /// `t`'s old holder when they can take it (a swap), else is left unfilled (an
    /// ejection). Now and then simply unassigns `t`.
    fn transfer(&mut self, t: usize) -> bool {
        let m = self.st.m;
        let a = self.st.assign[t];
        if a != NONE && self.rng.random_range(0..100u32) == 0 {
            self.st.set(t, NONE);
            return true;
        }
        let Some(b) = self.partner(t, a) else {
            return false;
        };
        self.tb.clear();
        for &(w, mk) in m.occ(t) {
            let i = b as usize * m.weeks + usize::from(w);
            if m.busy[i] & mk != 0 {
                return false;
            }
            for (u, um) in self.st.tasks_at(b, usize::from(w)) {
                if um & mk != 0 && !self.tb.contains(&u) {
                    if m.task[u as usize].fixed != NONE {
                        return false;
                    }
                    self.tb.push(u);
                }
            }
        }
        let swap = a != NONE && self.tb.iter().all(|&u| m.is_cand(u as usize, a));
        // A pure check is cheaper than trying the move, but it does not see `a` leave:
        // skip it when that matters (the two share a group).
        let same_group = a != NONE
            && m.groups[a as usize]
                .iter()
                .any(|g| m.groups[b as usize].contains(g));
        if self.tb.is_empty() && !same_group && !self.st.fits(t, b) {
            return false;
        }
        // Intermediate states may breach; only the final one is judged.
        self.st.set(t, b);
        for &u in &self.tb {
            self.st.set(u as usize, if swap { a } else { NONE });
        }
        true
    }

    /// Exchanges everything two people hold over a span of weeks around task `t`: the
    /// holder's run at `t`'s station (whole, from `t` on, up to `t`) or a random span.
    fn exchange(&mut self, t: usize) -> bool {
        let m = self.st.m;
        let a = self.st.assign[t];
        if a == NONE {
            return self.transfer(t);
        }
        let s = m.task[t].station;
        let (f, l) = (
            usize::from(m.task[t].first_week),
            usize::from(m.task[t].last_week),
        );
        if m.occ(t).is_empty() {
            return self.transfer(t);
        }
        let ai = a as usize;
        let mut r0 = f;
        while r0 > 0 && self.st.has(ai, r0 - 1, s) {
            r0 -= 1;
        }
        let mut r1 = l;
        while r1 + 1 < m.weeks && self.st.has(ai, r1 + 1, s) {
            r1 += 1;
        }
        let span = m.max_run.min(m.weeks).max(1);
        let (w1, w2) = match self.rng.random_range(0..5u32) {
            0 => (r0, r1),
            1 => (f, r1),
            2 => (r0, l),
            3 => (f, (l + self.rng.random_range(0..span)).min(m.weeks - 1)),
            _ => (f.saturating_sub(self.rng.random_range(0..span)), l),
        };
        let Some(b) = self.partner(t, a) else {
            return false;
        };
        self.ta.clear();
        self.tb.clear();
        for w in w1..=w2 {
            for (p, buf) in [(a, &mut self.ta), (b, &mut self.tb)] {
                for (u, _) in self.st.tasks_at(p, w) {
                    let ui = u as usize;
                    if m.task[ui].fixed != NONE
                        || usize::from(m.task[ui].first_week) < w1
                        || usize::from(m.task[ui].last_week) > w2
                    {
                        return false;
                    }
                    if !buf.contains(&u) {
                        buf.push(u);
                    }
                }
            }
        }
        if self.ta.iter().any(|&u| !m.is_cand(u as usize, b))
            || self.tb.iter().any(|&u| !m.is_cand(u as usize, a))
        {
            return false;
        }
        for &u in &self.ta {
            self.st.set(u as usize, b);
        }
        for &u in &self.tb {
            self.st.set(u as usize, a);
        }
        true
    }
}
