//! From-scratch checking of an assignment, independent of the search's incremental
//! state: [`evaluate`] (the score or the breaches) and [`blockers`] (why nobody could
//! take a task).

use std::collections::{BTreeMap, BTreeSet};

use super::{Blocker, Breach, DayMask, Problem, Score, Task, WHOLE_WEEK};

/// A task's occupancy within the horizon, one mask per week.
fn occupancy(task: &Task, weeks: u16) -> BTreeMap<u16, DayMask> {
    let mut occ = BTreeMap::new();
    for &(w, mask) in &task.occupancy {
        if w < weeks && mask & WHOLE_WEEK != 0 {
            *occ.entry(w).or_insert(0) |= mask & WHOLE_WEEK;
        }
    }
    occ
}

/// A task's usage per window within `0..windows`.
fn usage(task: &Task, windows: usize) -> BTreeMap<usize, u64> {
    let mut u = BTreeMap::new();
    for &(win, amount) in &task.usage {
        if win < windows {
            *u.entry(win).or_insert(0) += u64::from(amount);
        }
    }
    u
}

/// The cost of a pairing: the first entry of the person among the candidates.
fn candidate_cost(task: &Task, person: usize) -> Option<i64> {
    task.candidates
        .iter()
        .find(|c| c.person == person)
        .map(|c| c.cost)
}

fn cap(problem: &Problem, person: usize, window: usize) -> u32 {
    problem.people[person]
        .window_caps
        .get(window)
        .copied()
        .unwrap_or(0)
}

fn busy(problem: &Problem, person: usize, week: u16) -> DayMask {
    problem.people[person]
        .busy
        .iter()
        .filter(|b| b.0 == week)
        .fold(0, |acc, b| acc | b.1)
        & WHOLE_WEEK
}

/// The person's groups in range, each once.
fn groups_of(problem: &Problem, person: usize) -> BTreeSet<usize> {
    problem.people[person]
        .groups
        .iter()
        .copied()
        .filter(|&g| g < problem.groups.len())
        .collect()
}

/// Members of each group away per (week, day) through [`super::Group::away`].
fn group_base(problem: &Problem) -> BTreeMap<(usize, u16, u8), u32> {
    let mut base = BTreeMap::new();
    for (g, group) in problem.groups.iter().enumerate() {
        for &(w, mask) in &group.away {
            if w < problem.weeks {
                for d in 0..7u8 {
                    if mask & (1 << d) != 0 {
                        *base.entry((g, w, d)).or_insert(0) += 1;
                    }
                }
            }
        }
    }
    base
}

/// Runs of consecutive weeks in a set: `(first week, length)`.
fn runs(weeks: &BTreeSet<u16>) -> Vec<(u16, u16)> {
    let mut out: Vec<(u16, u16)> = Vec::new();
    for &w in weeks {
        match out.last_mut() {
            Some((first, len)) if u32::from(*first) + u32::from(*len) == u32::from(w) => *len += 1,
            _ => out.push((w, 1)),
        }
    }
    out
}

/// Checks an assignment (`assigned[task]` = the person, `None` = unfilled) against every
/// hard rule and scores it, from scratch. `Err` lists every breach found.
pub fn evaluate(problem: &Problem, assigned: &[Option<usize>]) -> Result<Score, Vec<Breach>> {
    let n_people = problem.people.len();
    if assigned.len() != problem.tasks.len() {
        return Err(vec![Breach::Length {
            expected: problem.tasks.len(),
            got: assigned.len(),
        }]);
    }
    let mut breaches = Vec::new();
    let mut score = Score::default();
    // person -> week -> [(task, mask)]
    let mut by_person: Vec<BTreeMap<u16, Vec<(usize, DayMask)>>> = vec![BTreeMap::new(); n_people];
    let mut load = vec![0i64; n_people];
    let mut used: BTreeMap<(usize, usize), u64> = BTreeMap::new();
    let mut present: BTreeSet<(usize, u16, u32)> = BTreeSet::new();
    for (t, (task, &a)) in problem.tasks.iter().zip(assigned).enumerate() {
        let fixed = task.fixed.filter(|&f| f < n_people);
        let current = task.current.filter(|&c| c < n_people);
        if current.is_some() && current != a {
            score.changes += 1;
        }
        let Some(p) = a else {
            if fixed.is_some() {
                breaches.push(Breach::FixedChanged { task: t });
            }
            score.unfilled_tasks += 1;
            score.unfilled += i64::from(task.load);
            continue;
        };
        if p >= n_people {
            breaches.push(Breach::UnknownPerson { task: t, person: p });
            continue;
        }
        let cost = candidate_cost(task, p);
        if let Some(f) = fixed {
            if f != p {
                breaches.push(Breach::FixedChanged { task: t });
            }
        } else if cost.is_none() {
            breaches.push(Breach::NotCandidate { task: t, person: p });
        }
        score.cost += cost.unwrap_or(0);
        load[p] += i64::from(task.load);
        for (win, amount) in usage(task, problem.windows) {
            *used.entry((p, win)).or_insert(0) += amount;
        }
        for (w, mask) in occupancy(task, problem.weeks) {
            by_person[p].entry(w).or_default().push((t, mask));
            present.insert((p, w, task.station));
        }
    }
    score.load_sq = load.iter().map(|l| l * l).sum();
    score.stint_starts = present
        .iter()
        .filter(|&&(p, w, s)| w == 0 || !present.contains(&(p, w - 1, s)))
        .count() as i64;

    let mut group_count = group_base(problem);
    for (p, weeks) in by_person.iter().enumerate() {
        for (&w, list) in weeks {
            let b = busy(problem, p, w);
            let mut union = 0;
            for (i, &(t, mask)) in list.iter().enumerate() {
                for &(u, other) in &list[..i] {
                    if mask & other != 0 {
                        breaches.push(Breach::DoubleBooked {
                            person: p,
                            week: w,
                            tasks: (u, t),
                        });
                    }
                }
                if mask & b != 0 {
                    breaches.push(Breach::Busy {
                        person: p,
                        task: t,
                        week: w,
                    });
                }
                union |= mask;
            }
            for g in groups_of(problem, p) {
                for d in 0..7u8 {
                    if union & (1 << d) != 0 {
                        *group_count.entry((g, w, d)).or_insert(0) += 1;
                    }
                }
            }
        }
        if let Some(k) = problem.max_consecutive_weeks {
            let away: BTreeSet<u16> = weeks.keys().copied().collect();
            for (first_week, len) in runs(&away) {
                if len > k {
                    breaches.push(Breach::Consecutive {
                        person: p,
                        first_week,
                        weeks: len,
                    });
                }
            }
        }
    }
    for (&(person, window), &u) in &used {
        let c = cap(problem, person, window);
        if u > u64::from(c) {
            breaches.push(Breach::WindowCap {
                person,
                window,
                used: u,
                cap: c,
            });
        }
    }
    for (&(group, week, day), &count) in &group_count {
        let cap = problem.groups[group].cap_per_day;
        if count > cap {
            breaches.push(Breach::GroupCap {
                group,
                week,
                day,
                count,
                cap,
            });
        }
    }
    if breaches.is_empty() {
        Ok(score.weigh(&problem.weights))
    } else {
        Err(breaches)
    }
}

/// Why each candidate of `task` could not take it in the assignment `assigned`, the
/// task itself being left out of the assignment (as if unfilled): one entry per reason,
/// in candidate order. Candidates who could take it do not appear. An out-of-range
/// task or an assignment of the wrong length gives an empty list.
pub fn blockers(
    problem: &Problem,
    assigned: &[Option<usize>],
    task: usize,
) -> Vec<(usize, Blocker)> {
    let n_people = problem.people.len();
    let (Some(the_task), true) = (
        problem.tasks.get(task),
        assigned.len() == problem.tasks.len(),
    ) else {
        return Vec::new();
    };
    let occ = occupancy(the_task, problem.weeks);
    let need = usage(the_task, problem.windows);
    // Everything held, without `task`.
    let mut by_person: Vec<BTreeMap<u16, Vec<(usize, DayMask)>>> = vec![BTreeMap::new(); n_people];
    let mut used: BTreeMap<(usize, usize), u64> = BTreeMap::new();
    for (t, (other, &a)) in problem.tasks.iter().zip(assigned).enumerate() {
        let Some(p) = a.filter(|&p| p < n_people && t != task) else {
            continue;
        };
        for (win, amount) in usage(other, problem.windows) {
            *used.entry((p, win)).or_insert(0) += amount;
        }
        for (w, mask) in occupancy(other, problem.weeks) {
            by_person[p].entry(w).or_default().push((t, mask));
        }
    }
    let mut group_count = group_base(problem);
    for (p, weeks) in by_person.iter().enumerate() {
        for g in groups_of(problem, p) {
            for (&w, list) in weeks {
                let union = list.iter().fold(0, |acc, x| acc | x.1);
                for d in 0..7u8 {
                    if union & (1 << d) != 0 {
                        *group_count.entry((g, w, d)).or_insert(0) += 1;
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for c in &the_task.candidates {
        let p = c.person;
        if p >= n_people || !seen.insert(p) {
            continue;
        }
        let mine = &by_person[p];
        let mut with = BTreeSet::new();
        for (&w, &mask) in &occ {
            if let Some(list) = mine.get(&w) {
                for &(u, other) in list {
                    if other & mask != 0 {
                        with.insert(u);
                    }
                }
            }
        }
        out.extend(
            with.into_iter()
                .map(|u| (p, Blocker::DoubleBooked { with: u })),
        );
        for (&w, &mask) in &occ {
            if busy(problem, p, w) & mask != 0 {
                out.push((p, Blocker::Busy { week: w }));
            }
        }
        for (&window, &amount) in &need {
            let u = used.get(&(p, window)).copied().unwrap_or(0);
            if u + amount > u64::from(cap(problem, p, window)) {
                out.push((p, Blocker::WindowCap { window }));
            }
        }
        if let Some(k) = problem.max_consecutive_weeks {
            let mut away: BTreeSet<u16> = mine.keys().copied().collect();
            away.extend(occ.keys().copied());
            // A run too long that the task would lengthen (a week it adds, not one the
            // person already spends away).
            let too_long = runs(&away).iter().any(|&(first, len)| {
                len > k
                    && occ.keys().any(|&w| {
                        !mine.contains_key(&w)
                            && u32::from(w) >= u32::from(first)
                            && u32::from(w) < u32::from(first) + u32::from(len)
                    })
            });
            if too_long {
                out.push((p, Blocker::Consecutive));
            }
        }
        for g in groups_of(problem, p) {
            let cap = problem.groups[g].cap_per_day;
            for (&w, &mask) in &occ {
                let held = mine
                    .get(&w)
                    .map_or(0, |l| l.iter().fold(0, |acc, x| acc | x.1));
                for d in 0..7u8 {
                    if mask & !held & (1 << d) != 0
                        && group_count.get(&(g, w, d)).copied().unwrap_or(0) >= cap
                    {
                        out.push((
                            p,
                            Blocker::GroupCap {
                                group: g,
                                week: w,
                                day: d,
                            },
                        ));
                    }
                }
            }
        }
    }
    out
}
