//! The problem normalised into dense, flat arrays for the search.

use std::collections::HashMap;

use super::{DayMask, Problem, WHOLE_WEEK, Weights};

/// "No person" / "no group" in the dense arrays.
pub(super) const NONE: u32 = u32::MAX;

/// Most same-station neighbours kept per task (a bound for very crowded stations).
const MAX_NEIGHBOURS: usize = 24;

/// Largest candidate bit matrix (in 64-bit words) kept for O(1) membership tests; above
/// it, membership falls back to a binary search.
pub(super) const MAX_BIT_WORDS: usize = 1 << 20;

/// What the search needs of a task, in one cache line.
#[derive(Clone, Copy, Default)]
#[repr(align(64))]
pub(super) struct TaskInfo {
    pub load: i64,
    pub station: u32,
    /// Fixed person or `NONE`.
    pub fixed: u32,
    /// Current person or `NONE`.
    pub current: u32,
    pub first_week: u16,
    pub last_week: u16,
    /// Does any candidate have a non-zero cost?
    pub has_cost: bool,
    occ: (u32, u32),
    usage: (u32, u32),
    cands: (u32, u32),
    costs: u32,
    nb: (u32, u32),
}

/// A normalised [`Problem`].
pub(super) struct Model {
    pub weeks: usize,
    pub people: usize,
    pub windows: usize,
    /// Longest allowed run of weeks away (`usize::MAX` = unlimited).
    pub max_run: usize,
    pub weights: Weights,

    // Tasks.
    pub task: Vec<TaskInfo>,
    occ: Vec<(u16, DayMask)>,
    usage: Vec<(u32, u32)>,
    cand_person: Vec<u32>,
    /// Costs, only for the tasks with [`TaskInfo::has_cost`].
    cand_cost: Vec<i64>,
    /// `tasks × bit_words`: candidate membership, empty if too large.
    cand_bits: Vec<u64>,
    bit_words: usize,
    nb: Vec<u32>,
    /// Tasks that are not fixed and have at least one candidate.
    pub free: Vec<u32>,

    // People.
    /// `people × windows`.
    pub caps: Vec<u32>,
    /// The groups of each person (in range).
    pub groups: Vec<Vec<u32>>,
    /// `people × weeks`.
    pub busy: Vec<DayMask>,
    /// Number of tasks each person is a candidate for.
    pub flex: Vec<u32>,

    // Groups.
    pub group_cap: Vec<u32>,
    /// `groups × weeks × 7`: members away for reasons outside the problem.
    pub group_base: Vec<u32>,
}

/// Sorts `(key, value)` pairs and merges equal keys with `merge`.
fn merged<K: Ord + Copy, V: Copy>(mut v: Vec<(K, V)>, merge: impl Fn(V, V) -> V) -> Vec<(K, V)> {
    v.sort_by_key(|e| e.0);
    let mut out: Vec<(K, V)> = Vec::with_capacity(v.len());
    for (k, x) in v {
        match out.last_mut() {
            Some(last) if last.0 == k => last.1 = merge(last.1, x),
            _ => out.push((k, x)),
        }
    }
    out
}

fn span(start: usize, end: usize) -> (u32, u32) {
    (start as u32, end as u32)
}

impl Model {
    pub fn new(p: &Problem) -> Model {
        let weeks = usize::from(p.weeks);
        let people = p.people.len();
        let windows = p.windows;
        let n = p.tasks.len();
        let mut m = Model {
            weeks,
            people,
            windows,
            max_run: p.max_consecutive_weeks.map_or(usize::MAX, usize::from),
            weights: p.weights,
            task: Vec::with_capacity(n),
            occ: Vec::new(),
            usage: Vec::new(),
            cand_person: Vec::new(),
            cand_cost: Vec::new(),
            cand_bits: Vec::new(),
            bit_words: people.div_ceil(64),
            nb: Vec::new(),
            free: Vec::new(),
            caps: vec![0; people * windows],
            groups: vec![Vec::new(); people],
            busy: vec![0; people * weeks],
            flex: vec![0; people],
            group_cap: p.groups.iter().map(|g| g.cap_per_day).collect(),
            group_base: vec![0; p.groups.len() * weeks * 7],
        };
        let person_index = |i: Option<usize>| match i {
            Some(i) if i < people => i as u32,
            _ => NONE,
        };
        let mut cands: Vec<(u32, i64)> = Vec::new();
        for (t, task) in p.tasks.iter().enumerate() {
            let occ = merged(
                task.occupancy
                    .iter()
                    .filter(|&&(w, mask)| usize::from(w) < weeks && mask & WHOLE_WEEK != 0)
                    .map(|&(w, mask)| (w, mask & WHOLE_WEEK))
                    .collect(),
                |a, b| a | b,
            );
            let usage = merged(
                task.usage
                    .iter()
                    .filter(|&&(win, amount)| win < windows && amount > 0)
                    .map(|&(win, amount)| (win as u32, amount))
                    .collect(),
                u32::saturating_add,
            );
            cands.clear();
            cands.extend(
                task.candidates
                    .iter()
                    .filter(|c| c.person < people)
                    .map(|c| (c.person as u32, c.cost)),
            );
            // A stable sort keeps, among entries for the same person, the first given.
            cands.sort_by_key(|c| c.0);
            cands.dedup_by_key(|c| c.0);
            let has_cost = cands.iter().any(|c| c.1 != 0);
            let fixed = person_index(task.fixed);
            let info = TaskInfo {
                load: i64::from(task.load),
                station: task.station,
                fixed,
                current: person_index(task.current),
                first_week: occ.first().map_or(0, |o| o.0),
                last_week: occ.last().map_or(0, |o| o.0),
                has_cost,
                occ: span(m.occ.len(), m.occ.len() + occ.len()),
                usage: span(m.usage.len(), m.usage.len() + usage.len()),
                cands: span(m.cand_person.len(), m.cand_person.len() + cands.len()),
                costs: m.cand_cost.len() as u32,
                nb: (0, 0),
            };
            m.occ.extend_from_slice(&occ);
            m.usage.extend_from_slice(&usage);
            for &(q, cost) in &cands {
                m.cand_person.push(q);
                if has_cost {
                    m.cand_cost.push(cost);
                }
                m.flex[q as usize] += 1;
            }
            m.task.push(info);
            if fixed == NONE && !cands.is_empty() {
                m.free.push(t as u32);
            }
        }
        for (i, person) in p.people.iter().enumerate() {
            for (win, &cap) in person.window_caps.iter().enumerate().take(windows) {
                m.caps[i * windows + win] = cap;
            }
            let mut groups: Vec<u32> = person
                .groups
                .iter()
                .filter(|&&g| g < p.groups.len())
                .map(|&g| g as u32)
                .collect();
            groups.sort_unstable();
            groups.dedup();
            m.groups[i] = groups;
            for &(w, mask) in &person.busy {
                if usize::from(w) < weeks {
                    m.busy[i * weeks + usize::from(w)] |= mask & WHOLE_WEEK;
                }
            }
        }
        for (g, group) in p.groups.iter().enumerate() {
            for &(w, mask) in &group.away {
                if usize::from(w) < weeks {
                    for d in 0..7 {
                        if mask & (1 << d) != 0 {
                            let i = (g * weeks + usize::from(w)) * 7 + d;
                            m.group_base[i] = m.group_base[i].saturating_add(1);
                        }
                    }
                }
            }
        }
        if n.saturating_mul(m.bit_words) <= MAX_BIT_WORDS {
            let mut bits = vec![0u64; n * m.bit_words];
            for t in 0..n {
                for &q in m.cands(t) {
                    let q = q as usize;
                    bits[t * m.bit_words + q / 64] |= 1 << (q % 64);
                }
            }
            m.cand_bits = bits;
        }
        m.build_neighbours();
        m
    }

    /// Same-station tasks occupying the week just before or just after a task, that
    /// share a candidate with it: whoever holds them is a natural partner for a move.
    fn build_neighbours(&mut self) {
        let n = self.tasks();
        let mut by_first: HashMap<(u32, u16), Vec<u32>> = HashMap::new();
        let mut by_last: HashMap<(u32, u16), Vec<u32>> = HashMap::new();
        for (t, info) in self.task.iter().enumerate() {
            if info.occ.0 == info.occ.1 {
                continue;
            }
            by_first
                .entry((info.station, info.first_week))
                .or_default()
                .push(t as u32);
            by_last
                .entry((info.station, info.last_week))
                .or_default()
                .push(t as u32);
        }
        let mut list = Vec::new();
        for t in 0..n {
            list.clear();
            let info = self.task[t];
            if !self.occ(t).is_empty() && !self.cands(t).is_empty() {
                let s = info.station;
                if let Some(prev) = info
                    .first_week
                    .checked_sub(1)
                    .and_then(|w| by_last.get(&(s, w)))
                {
                    list.extend_from_slice(prev);
                }
                if let Some(next) = by_first.get(&(s, info.last_week.saturating_add(1))) {
                    list.extend_from_slice(next);
                }
                list.retain(|&u| u as usize != t && self.share_candidate(t, u as usize));
                list.truncate(MAX_NEIGHBOURS);
            }
            self.task[t].nb = span(self.nb.len(), self.nb.len() + list.len());
            self.nb.extend_from_slice(&list);
        }
    }

    fn share_candidate(&self, a: usize, b: usize) -> bool {
        let (x, y) = (self.cands(a), self.cands(b));
        let (mut i, mut j) = (0, 0);
        while i < x.len() && j < y.len() {
            match x[i].cmp(&y[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => return true,
            }
        }
        false
    }

    pub fn tasks(&self) -> usize {
        self.task.len()
    }

    /// Occupancy of a task: `(week, mask)` sorted by week, one entry per week.
    #[inline]
    pub fn occ(&self, t: usize) -> &[(u16, DayMask)] {
        let (a, b) = self.task[t].occ;
        &self.occ[a as usize..b as usize]
    }

    /// Usage of a task: `(window, amount)`.
    #[inline]
    pub fn usage(&self, t: usize) -> &[(u32, u32)] {
        let (a, b) = self.task[t].usage;
        &self.usage[a as usize..b as usize]
    }

    /// Candidates of a task, sorted by person.
    #[inline]
    pub fn cands(&self, t: usize) -> &[u32] {
        let (a, b) = self.task[t].cands;
        &self.cand_person[a as usize..b as usize]
    }

    /// Same-station neighbours of a task (see `build_neighbours`).
    #[inline]
    pub fn neighbours(&self, t: usize) -> &[u32] {
        let (a, b) = self.task[t].nb;
        &self.nb[a as usize..b as usize]
    }

    /// Is person `p` a candidate of task `t`?
    #[inline]
    pub fn is_cand(&self, t: usize, p: u32) -> bool {
        if self.cand_bits.is_empty() {
            self.cands(t).binary_search(&p).is_ok()
        } else {
            let p = p as usize;
            p < self.people && self.cand_bits[t * self.bit_words + p / 64] & (1 << (p % 64)) != 0
        }
    }

    /// The cost of giving task `t` to person `p`, `None` if `p` is not a candidate.
    #[inline]
    pub fn cost(&self, t: usize, p: u32) -> Option<i64> {
        let info = &self.task[t];
        if !info.has_cost {
            return self.is_cand(t, p).then_some(0);
        }
        let i = self.cands(t).binary_search(&p).ok()?;
        Some(self.cand_cost[info.costs as usize + i])
    }

    /// The cost of a pairing known to be allowed (0 if `p` is not a candidate).
    #[inline]
    pub fn known_cost(&self, t: usize, p: u32) -> i64 {
        if self.task[t].has_cost {
            self.cost(t, p).unwrap_or(0)
        } else {
            0
        }
    }

    /// The mask of task `t` in week `w` (0 if it does not occupy it).
    #[inline]
    pub fn mask_in(&self, t: usize, w: usize) -> DayMask {
        self.occ(t)
            .iter()
            .find(|o| usize::from(o.0) == w)
            .map_or(0, |o| o.1)
    }
}
