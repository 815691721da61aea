//! An assignment with every objective component and every hard-rule measure kept up to
//! date incrementally, plus an undo log so that a compound move can be tried and taken
//! back.

use super::model::{Model, NONE};
use super::{DayMask, Score};

/// Tasks kept inline per (person, week) before spilling over.
const INLINE: usize = 2;

/// The tasks a person holds in a week: task, station and mask, the first [`INLINE`] in
/// place (no pointer to follow in the common case), the rest in `Cells::more`.
#[derive(Clone, Copy, Default)]
struct Cell {
    len: u32,
    task: [u32; INLINE],
    station: [u32; INLINE],
    mask: [DayMask; INLINE],
}

/// `people × weeks` cells.
#[derive(Clone)]
struct Cells {
    cells: Vec<Cell>,
    more: Vec<Vec<(u32, u32, DayMask)>>,
}

impl Cells {
    fn new(n: usize) -> Cells {
        Cells {
            cells: vec![Cell::default(); n],
            more: vec![Vec::new(); n],
        }
    }

    #[inline]
    fn extra(&self, i: usize) -> &[(u32, u32, DayMask)] {
        if self.cells[i].len as usize > INLINE {
            &self.more[i]
        } else {
            &[]
        }
    }

    #[inline]
    fn has_station(&self, i: usize, s: u32) -> bool {
        let c = &self.cells[i];
        let k = (c.len as usize).min(INLINE);
        c.station[..k].contains(&s) || self.extra(i).iter().any(|e| e.1 == s)
    }

    #[inline]
    fn iter(&self, i: usize) -> impl Iterator<Item = (u32, DayMask)> + '_ {
        let c = &self.cells[i];
        let k = (c.len as usize).min(INLINE);
        c.task[..k]
            .iter()
            .zip(&c.mask[..k])
            .map(|(&t, &m)| (t, m))
            .chain(self.extra(i).iter().map(|e| (e.0, e.2)))
    }

    #[inline]
    fn push(&mut self, i: usize, t: u32, s: u32, mk: DayMask) {
        let c = &mut self.cells[i];
        let k = c.len as usize;
        if k < INLINE {
            c.task[k] = t;
            c.station[k] = s;
            c.mask[k] = mk;
        } else {
            self.more[i].push((t, s, mk));
        }
        c.len += 1;
    }

    /// Removes task `t` (if there); returns the union of the masks left.
    #[inline]
    fn remove(&mut self, i: usize, t: u32) -> DayMask {
        let c = &mut self.cells[i];
        let k = (c.len as usize).min(INLINE);
        if let Some(j) = c.task[..k].iter().position(|&u| u == t) {
            if c.len as usize > INLINE {
                if let Some((u, s, m)) = self.more[i].pop() {
                    c.task[j] = u;
                    c.station[j] = s;
                    c.mask[j] = m;
                }
            } else {
                c.task[j] = c.task[k - 1];
                c.station[j] = c.station[k - 1];
                c.mask[j] = c.mask[k - 1];
            }
            c.len -= 1;
        } else if let Some(j) = self.extra(i).iter().position(|e| e.0 == t) {
            self.more[i].swap_remove(j);
            self.cells[i].len -= 1;
        }
        let c = &self.cells[i];
        let k = (c.len as usize).min(INLINE);
        c.mask[..k].iter().fold(0, |acc, &m| acc | m)
            | self.extra(i).iter().fold(0, |acc, e| acc | e.2)
    }
}

/// An assignment under incremental evaluation.
#[derive(Clone)]
pub(super) struct State<'m> {
    pub m: &'m Model,
    /// Person of each task (`NONE` = unfilled).
    pub assign: Vec<u32>,
    /// Cost of each task's pairing.
    acost: Vec<i64>,
    /// `people × weeks`: the tasks a person holds.
    pw: Cells,
    /// `people × weeks`: union of the masks in `pw` (non-zero = away that week).
    pub mask: Vec<DayMask>,
    /// `people × windows`: usage.
    used: Vec<u64>,
    /// `groups × weeks × 7`: members occupied (including the model's base).
    gcount: Vec<u32>,
    /// Σ load per person.
    pub load: Vec<i64>,

    pub unfilled_tasks: usize,
    pub unfilled: i64,
    pub load_sq: i64,
    pub starts: i64,
    pub cost: i64,
    pub changes: i64,
    /// Units of hard-rule breach (all rules together).
    pub hard: i64,

    /// Unfilled tasks with candidates and not fixed, for targeted moves.
    pub open: Vec<u32>,
    open_pos: Vec<u32>,

    log: Vec<(u32, u32)>,
    logging: bool,
}

#[inline]
fn over(used: u64, cap: u32) -> i64 {
    used.saturating_sub(u64::from(cap)) as i64
}

impl<'m> State<'m> {
    /// Everything unfilled.
    pub fn new(m: &'m Model) -> State<'m> {
        let n = m.tasks();
        let mut s = State {
            m,
            assign: vec![NONE; n],
            acost: vec![0; n],
            pw: Cells::new(m.people * m.weeks),
            mask: vec![0; m.people * m.weeks],
            used: vec![0; m.people * m.windows],
            gcount: m.group_base.clone(),
            load: vec![0; m.people],
            unfilled_tasks: n,
            unfilled: m.task.iter().map(|i| i.load).sum(),
            load_sq: 0,
            starts: 0,
            cost: 0,
            changes: m.task.iter().filter(|i| i.current != NONE).count() as i64,
            hard: 0,
            open: Vec::new(),
            open_pos: vec![NONE; n],
            log: Vec::new(),
            logging: false,
        };
        for &t in &m.free {
            s.open_pos[t as usize] = s.open.len() as u32;
            s.open.push(t);
        }
        // Group days already over their cap by the base alone.
        for (g, &cap) in m.group_cap.iter().enumerate() {
            let lo = g * m.weeks * 7;
            for &c in &s.gcount[lo..lo + m.weeks * 7] {
                s.hard += i64::from(c.saturating_sub(cap));
            }
        }
        s
    }

    /// The weighted objective.
    #[inline]
    pub fn objective(&self) -> i64 {
        let w = &self.m.weights;
        w.unfilled * self.unfilled
            + w.load_sq * self.load_sq
            + w.stint_start * self.starts
            + self.cost
            + w.change * self.changes
    }

    pub fn score(&self) -> Score {
        Score {
            unfilled_tasks: self.unfilled_tasks,
            unfilled: self.unfilled,
            load_sq: self.load_sq,
            stint_starts: self.starts,
            cost: self.cost,
            changes: self.changes,
            objective: self.objective(),
        }
    }

    /// The tasks person `p` holds in week `w`, with their mask that week.
    #[inline]
    pub fn tasks_at(&self, p: u32, w: usize) -> impl Iterator<Item = (u32, DayMask)> + '_ {
        self.pw.iter(p as usize * self.m.weeks + w)
    }

    /// Does person `p` hold a task at station `s` in week `w`?
    #[inline]
    pub fn has(&self, p: usize, w: usize, s: u32) -> bool {
        self.pw.has_station(p * self.m.weeks + w, s)
    }

    /// Starts recording changes for [`State::rollback`].
    #[inline]
    pub fn begin(&mut self) {
        self.log.clear();
        self.logging = true;
    }

    /// Keeps the changes since [`State::begin`].
    #[inline]
    pub fn commit(&mut self) {
        self.log.clear();
        self.logging = false;
    }

    /// Writes into `assign` (a copy of [`State::assign`]) the assignment as it was at
    /// [`State::begin`].
    pub fn undo_into(&self, assign: &mut [u32]) {
        for &(t, p) in self.log.iter().rev() {
            assign[t as usize] = p;
        }
    }

    /// Undoes the changes since [`State::begin`].
    pub fn rollback(&mut self) {
        self.logging = false;
        while let Some((t, p)) = self.log.pop() {
            self.set(t as usize, p);
        }
    }

    /// Gives task `t` to person `p` (`NONE` = nobody). No rule is checked: the caller
    /// compares [`State::hard`] before and after.
    pub fn set(&mut self, t: usize, p: u32) {
        let op = self.assign[t];
        if op == p {
            return;
        }
        if self.logging {
            self.log.push((t as u32, op));
        }
        let cur = self.m.task[t].current;
        if cur != NONE {
            self.changes += i64::from(p != cur) - i64::from(op != cur);
        }
        if op == NONE {
            self.unfilled_tasks -= 1;
            self.unfilled -= self.m.task[t].load;
            let pos = self.open_pos[t];
            if pos != NONE {
                let last = self.open.len() - 1;
                self.open.swap(pos as usize, last);
                let moved = self.open[pos as usize];
                self.open_pos[moved as usize] = pos;
                self.open.pop();
                self.open_pos[t] = NONE;
            }
        } else {
            self.detach(t, op as usize);
        }
        if p == NONE {
            self.unfilled_tasks += 1;
            self.unfilled += self.m.task[t].load;
            if self.m.task[t].fixed == NONE && !self.m.cands(t).is_empty() {
                self.open_pos[t] = self.open.len() as u32;
                self.open.push(t as u32);
            }
        } else {
            self.attach(t, p as usize);
        }
        self.assign[t] = p;
    }

    /// Penalty change of the consecutive-weeks rule when the free week `w` of person `p`
    /// becomes away (the negation: when it becomes free). `mask` must show `w` as free.
    /// Scanning at most `max_run` weeks each way gives the exact change.
    fn run_delta(&self, p: usize, w: usize) -> i64 {
        let k = self.m.max_run;
        let base = p * self.m.weeks;
        let mut l = 0;
        while l < k && l < w && self.mask[base + w - 1 - l] != 0 {
            l += 1;
        }
        let mut r = 0;
        while r < k && w + 1 + r < self.m.weeks && self.mask[base + w + 1 + r] != 0 {
            r += 1;
        }
        let f = |n: usize| n.saturating_sub(k) as i64;
        f(l + r + 1) - f(l) - f(r)
    }

    fn attach(&mut self, t: usize, p: usize) {
        let m = self.m;
        let l = m.task[t].load;
        let old = self.load[p];
        self.load_sq += (old + l) * (old + l) - old * old;
        self.load[p] = old + l;
        let c = m.known_cost(t, p as u32);
        self.acost[t] = c;
        self.cost += c;
        for &(win, amount) in m.usage(t) {
            let i = p * m.windows + win as usize;
            let cap = m.caps[i];
            let before = over(self.used[i], cap);
            self.used[i] += u64::from(amount);
            self.hard += over(self.used[i], cap) - before;
        }
        let s = m.task[t].station;
        for &(w, mk) in m.occ(t) {
            let w = usize::from(w);
            let i = p * m.weeks + w;
            if !self.has(p, w, s) {
                let prev = w > 0 && self.has(p, w - 1, s);
                let next = w + 1 < m.weeks && self.has(p, w + 1, s);
                self.starts += i64::from(!prev) - i64::from(next);
            }
            let old_mask = self.mask[i];
            self.hard += i64::from((mk & (old_mask | m.busy[i])).count_ones());
            if old_mask == 0 && m.max_run != usize::MAX {
                self.hard += self.run_delta(p, w);
            }
            self.pw.push(i, t as u32, s, mk);
            self.mask[i] = old_mask | mk;
            for &g in &m.groups[p] {
                let fresh = mk & !old_mask;
                let cap = m.group_cap[g as usize];
                let lo = (g as usize * m.weeks + w) * 7;
                for d in 0..7 {
                    if fresh & (1 << d) != 0 {
                        let c = &mut self.gcount[lo + d];
                        *c += 1;
                        if *c > cap {
                            self.hard += 1;
                        }
                    }
                }
            }
        }
    }

    fn detach(&mut self, t: usize, p: usize) {
        let m = self.m;
        let l = m.task[t].load;
        let old = self.load[p];
        self.load_sq += (old - l) * (old - l) - old * old;
        self.load[p] = old - l;
        self.cost -= self.acost[t];
        self.acost[t] = 0;
        for &(win, amount) in m.usage(t) {
            let i = p * m.windows + win as usize;
            let cap = m.caps[i];
            let before = over(self.used[i], cap);
            self.used[i] = self.used[i].saturating_sub(u64::from(amount));
            self.hard += over(self.used[i], cap) - before;
        }
        let s = m.task[t].station;
        for &(w, mk) in m.occ(t) {
            let w = usize::from(w);
            let i = p * m.weeks + w;
            let new_mask = self.pw.remove(i, t as u32);
            let old_mask = self.mask[i];
            self.mask[i] = new_mask;
            self.hard -= i64::from((mk & (new_mask | m.busy[i])).count_ones());
            if new_mask == 0 && m.max_run != usize::MAX {
                self.hard -= self.run_delta(p, w);
            }
            if !self.has(p, w, s) {
                let prev = w > 0 && self.has(p, w - 1, s);
                let next = w + 1 < m.weeks && self.has(p, w + 1, s);
                self.starts -= i64::from(!prev) - i64::from(next);
            }
            for &g in &m.groups[p] {
                let gone = old_mask & !new_mask;
                let cap = m.group_cap[g as usize];
                let lo = (g as usize * m.weeks + w) * 7;
                for d in 0..7 {
                    if gone & (1 << d) != 0 {
                        let c = &mut self.gcount[lo + d];
                        if *c > cap {
                            self.hard -= 1;
                        }
                        *c = c.saturating_sub(1);
                    }
                }
            }
        }
    }

    /// Could person `p` (who does not hold it) take task `t` without breaching any rule
    /// more than now? A pure check, for the construction.
    pub fn fits(&self, t: usize, p: u32) -> bool {
        let m = self.m;
        let p = p as usize;
        for &(w, mk) in m.occ(t) {
            let i = p * m.weeks + usize::from(w);
            if (self.mask[i] | m.busy[i]) & mk != 0 {
                return false;
            }
        }
        for &(win, amount) in m.usage(t) {
            let i = p * m.windows + win as usize;
            if self.used[i] + u64::from(amount) > u64::from(m.caps[i]) {
                return false;
            }
        }
        for &g in &m.groups[p] {
            let cap = m.group_cap[g as usize];
            for &(w, mk) in m.occ(t) {
                let lo = (g as usize * m.weeks + usize::from(w)) * 7;
                for d in 0..7 {
                    if mk & (1 << d) != 0 && self.gcount[lo + d] >= cap {
                        return false;
                    }
                }
            }
        }
        if m.max_run != usize::MAX {
            let k = m.max_run;
            let base = p * m.weeks;
            let away = |x: usize| self.mask[base + x] != 0 || m.mask_in(t, x) != 0;
            for &(w, _) in m.occ(t) {
                let w = usize::from(w);
                if self.mask[base + w] != 0 {
                    continue;
                }
                let mut run = 1;
                let mut x = w;
                while run <= k && x > 0 && away(x - 1) {
                    run += 1;
                    x -= 1;
                }
                let mut x = w;
                while run <= k && x + 1 < m.weeks && away(x + 1) {
                    run += 1;
                    x += 1;
                }
                if run > k {
                    return false;
                }
            }
        }
        true
    }

    /// The change of the objective if person `p` took the unfilled task `t`, leaving out
    /// the unfilled term (the same for every candidate). Pure, for the construction.
    pub fn add_delta(&self, t: usize, p: u32) -> i64 {
        let m = self.m;
        let w8 = &m.weights;
        let pi = p as usize;
        let l = m.task[t].load;
        let old = self.load[pi];
        let mut d = w8.load_sq * ((old + l) * (old + l) - old * old);
        d += m.cost(t, p).unwrap_or(0);
        let cur = m.task[t].current;
        if cur != NONE && cur == p {
            d -= w8.change;
        }
        let s = m.task[t].station;
        let mut starts = 0;
        for &(w, _) in m.occ(t) {
            let w = usize::from(w);
            if self.has(pi, w, s) {
                continue;
            }
            let prev = w > 0 && (self.has(pi, w - 1, s) || m.mask_in(t, w - 1) != 0);
            let next = w + 1 < m.weeks && self.has(pi, w + 1, s);
            starts += i64::from(!prev) - i64::from(next);
        }
        d + w8.stint_start * starts
    }
}
