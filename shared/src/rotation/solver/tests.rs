use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::AtomicBool;

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use super::model::{Model, NONE};
use super::state::State;
use super::*;

/// A random small problem; every rule has a chance to bite.
fn random_problem(rng: &mut SmallRng) -> Problem {
    let weeks: u16 = rng.random_range(1..=8);
    let n_people = rng.random_range(0..=8usize);
    let n_groups = rng.random_range(0..=2usize);
    let windows = rng.random_range(0..=3usize);
    let people = (0..n_people)
        .map(|_| Person {
            window_caps: (0..windows).map(|_| rng.random_range(0..=6)).collect(),
            // Sometimes two groups, sometimes one out of range.
            groups: (0..rng.random_range(0..=2usize))
                .filter(|_| n_groups > 0)
                .map(|_| rng.random_range(0..n_groups + 1))
                .collect(),
            busy: (0..rng.random_range(0..3))
                .map(|_| (rng.random_range(0..weeks + 1), rng.random_range(0..=0xffu8)))
                .collect(),
        })
        .collect();
    // The members away for other reasons never exceed the cap by themselves.
    let groups = (0..n_groups)
        .map(|_| {
            let cap_per_day = rng.random_range(0..=3);
            Group {
                cap_per_day,
                away: (0..rng.random_range(0..=cap_per_day.min(1)))
                    .map(|_| (rng.random_range(0..weeks), rng.random_range(0..=0x7fu8)))
                    .collect(),
            }
        })
        .collect();
    let n_tasks = rng.random_range(0..=25usize);
    let tasks = (0..n_tasks)
        .map(|_| {
            let w0 = rng.random_range(0..weeks);
            let len = rng.random_range(1..=2u16);
            let occupancy = (w0..(w0 + len).min(weeks))
                .map(|w| {
                    let mask = if rng.random_bool(0.5) {
                        WHOLE_WEEK
                    } else {
                        rng.random_range(1..=0x7fu8)
                    };
                    (w, mask)
                })
                .collect();
            let candidates = if n_people == 0 {
                Vec::new()
            } else {
                (0..rng.random_range(0..=n_people + 1))
                    .map(|_| Candidate {
                        person: rng.random_range(0..n_people + 1), // sometimes out of range
                        cost: rng.random_range(-5..=5),
                    })
                    .collect()
            };
            Task {
                station: rng.random_range(0..3),
                occupancy,
                load: rng.random_range(0..=3),
                usage: if windows == 0 {
                    Vec::new()
                } else {
                    vec![(rng.random_range(0..windows), rng.random_range(0..=2))]
                },
                candidates,
                fixed: None,
                current: if n_people > 0 && rng.random_bool(0.3) {
                    Some(rng.random_range(0..n_people))
                } else {
                    None
                },
            }
        })
        .collect();
    Problem {
        weeks,
        people,
        tasks,
        groups,
        windows,
        max_consecutive_weeks: if rng.random_bool(0.7) {
            Some(rng.random_range(1..=3))
        } else {
            None
        },
        weights: Weights {
            unfilled: rng.random_range(0..=1000),
            load_sq: rng.random_range(0..=5),
            stint_start: rng.random_range(0..=20),
            change: rng.random_range(0..=50),
        },
    }
}

fn quick(seed: u64) -> Options {
    Options {
        seed,
        effort: 50,
        threads: 1,
        ..Options::default()
    }
}

fn ok(problem: &Problem, assigned: &[Option<usize>]) -> Score {
    match evaluate(problem, assigned) {
        Ok(s) => s,
        Err(b) => panic!("breaches: {b:?}"),
    }
}

#[test]
fn random_problems_never_breach_and_are_deterministic() {
    let mut rng = SmallRng::seed_from_u64(7);
    for i in 0..200 {
        let problem = random_problem(&mut rng);
        let a = solve(&problem, &quick(i));
        let score = ok(&problem, &a.assigned);
        assert_eq!(score, a.score, "instance {i}");
        assert_eq!(a.hard_violations, 0);
        assert!(!a.cancelled);
        let b = solve(&problem, &quick(i));
        assert_eq!(a, b, "instance {i}: not deterministic");
        // Two searches side by side: also valid, also deterministic.
        let two = Options {
            threads: 2,
            ..quick(i)
        };
        let c = solve(&problem, &two);
        assert_eq!(ok(&problem, &c.assigned), c.score);
        assert_eq!(c, solve(&problem, &two));
    }
}

#[test]
fn the_search_never_does_worse_than_the_construction() {
    let mut rng = SmallRng::seed_from_u64(11);
    for _ in 0..100 {
        let problem = random_problem(&mut rng);
        let model = Model::new(&problem);
        let start = super::search::construct(&model).objective();
        assert!(solve(&problem, &quick(1)).score.objective <= start);
    }
}

#[test]
fn fixed_tasks_are_kept() {
    let mut rng = SmallRng::seed_from_u64(13);
    for i in 0..200 {
        let mut problem = random_problem(&mut rng);
        let first = solve(&problem, &quick(i));
        for (task, a) in problem.tasks.iter_mut().zip(&first.assigned) {
            if a.is_some() && rng.random_bool(0.4) {
                task.fixed = *a;
            }
        }
        let second = solve(&problem, &quick(i + 1));
        assert_eq!(ok(&problem, &second.assigned), second.score);
        for (task, a) in problem.tasks.iter().zip(&second.assigned) {
            if task.fixed.is_some() {
                assert_eq!(task.fixed, *a);
            }
        }
    }
}

#[test]
fn replanning_with_a_high_change_weight_keeps_the_plan() {
    let mut rng = SmallRng::seed_from_u64(17);
    for i in 0..200 {
        let mut problem = random_problem(&mut rng);
        let first = solve(&problem, &quick(i));
        for (task, a) in problem.tasks.iter_mut().zip(&first.assigned) {
            task.current = *a;
        }
        problem.weights.change = 1_000_000_000;
        let second = solve(&problem, &quick(i + 100));
        assert_eq!(ok(&problem, &second.assigned), second.score);
        assert_eq!(second.score.changes, 0, "instance {i}");
        for (task, a) in problem.tasks.iter().zip(&second.assigned) {
            if task.current.is_some() {
                assert_eq!(task.current, *a);
            }
        }
    }
}

#[test]
fn infeasible_fixed_tasks_stay_and_nothing_is_added_to_the_breach() {
    // Person 0 fixed twice in the same week: a breach the caller made.
    let task = |fixed| Task {
        station: 0,
        occupancy: vec![(0, WHOLE_WEEK)],
        load: 1,
        usage: vec![(0, 1)],
        candidates: vec![
            Candidate { person: 0, cost: 0 },
            Candidate { person: 1, cost: 0 },
        ],
        fixed,
        current: None,
    };
    let problem = Problem {
        weeks: 1,
        people: vec![
            Person {
                window_caps: vec![1],
                ..Person::default()
            };
            2
        ],
        tasks: vec![task(Some(0)), task(Some(0)), task(None)],
        windows: 1,
        ..Problem::default()
    };
    let s = solve(&problem, &quick(0));
    assert_eq!(s.assigned, vec![Some(0), Some(0), Some(1)]);
    assert!(s.hard_violations > 0);
    assert!(evaluate(&problem, &s.assigned).is_err());
}

#[test]
fn empty_and_degenerate_problems_do_not_panic() {
    let empty = solve(&Problem::default(), &Options::default());
    assert!(empty.assigned.is_empty());
    assert_eq!(empty.score, Score::default());
    // Tasks without candidates, people without caps, a zero-week horizon.
    let problem = Problem {
        weeks: 0,
        people: vec![Person::default(); 3],
        tasks: vec![
            Task {
                load: 2,
                ..Task::default()
            },
            Task {
                occupancy: vec![(5, WHOLE_WEEK)],
                load: 1,
                usage: vec![(0, 1), (9, 1)],
                candidates: vec![Candidate { person: 1, cost: 3 }],
                ..Task::default()
            },
        ],
        windows: 1,
        max_consecutive_weeks: Some(0),
        ..Problem::default()
    };
    let s = solve(&problem, &Options::default());
    assert_eq!(s.assigned, vec![None, None]); // person 1 has a cap of 0
    assert_eq!(ok(&problem, &s.assigned).unfilled, 3);
}

/// People `0..n` with a cap of `cap` in one window.
fn people(n: usize, cap: u32) -> Vec<Person> {
    vec![
        Person {
            window_caps: vec![cap],
            ..Person::default()
        };
        n
    ]
}

/// A task at `station` in the weeks given, wanting one of the people `(person, cost)`.
fn task(station: u32, weeks: &[u16], mask: DayMask, cands: &[(usize, i64)]) -> Task {
    Task {
        station,
        occupancy: weeks.iter().map(|&w| (w, mask)).collect(),
        load: 1,
        usage: vec![(0, weeks.len() as u32)],
        candidates: cands
            .iter()
            .map(|&(person, cost)| Candidate { person, cost })
            .collect(),
        fixed: None,
        current: None,
    }
}

#[test]
fn group_cap_is_kept() {
    // People 0 and 1 (cheap) share a group that may have one member away per day;
    // person 2 (dear) does not. Two tasks the same week, on overlapping days.
    let mut ps = people(3, 5);
    ps[0].groups = vec![0];
    ps[1].groups = vec![0];
    let problem = Problem {
        weeks: 1,
        people: ps,
        tasks: vec![
            task(0, &[0], 0b0000_0111, &[(0, -10), (1, -10), (2, 10)]),
            task(1, &[0], 0b0000_1100, &[(0, -10), (1, -10), (2, 10)]),
        ],
        groups: vec![Group {
            cap_per_day: 1,
            away: Vec::new(),
        }],
        windows: 1,
        ..Problem::default()
    };
    let s = solve(&problem, &quick(0));
    ok(&problem, &s.assigned);
    assert_eq!(s.score.unfilled_tasks, 0);
    assert!(s.assigned.contains(&Some(2)));
}

#[test]
fn window_cap_is_kept() {
    // Person 0 is preferred for both weeks but may only go once.
    let problem = Problem {
        weeks: 2,
        people: vec![
            Person {
                window_caps: vec![1],
                ..Person::default()
            },
            Person {
                window_caps: vec![5],
                ..Person::default()
            },
        ],
        tasks: vec![
            task(0, &[0], WHOLE_WEEK, &[(0, -100), (1, 0)]),
            task(0, &[1], WHOLE_WEEK, &[(0, -100), (1, 0)]),
        ],
        windows: 1,
        ..Problem::default()
    };
    let s = solve(&problem, &quick(0));
    ok(&problem, &s.assigned);
    let mut got = s.assigned.clone();
    got.sort();
    assert_eq!(got, vec![Some(0), Some(1)]);
}

#[test]
fn busy_days_are_kept() {
    let mut ps = people(2, 5);
    ps[0].busy = vec![(0, 0b0001_0000)]; // Friday of week 0
    let problem = Problem {
        weeks: 1,
        people: ps,
        tasks: vec![task(0, &[0], 0b0001_1111, &[(0, -100), (1, 0)])],
        windows: 1,
        ..Problem::default()
    };
    let s = solve(&problem, &quick(0));
    assert_eq!(s.assigned, vec![Some(1)]);
    // Days apart from the busy one are fine.
    let mut p2 = problem.clone();
    p2.tasks[0].occupancy = vec![(0, 0b0000_1111)];
    assert_eq!(solve(&p2, &quick(0)).assigned, vec![Some(0)]);
}

#[test]
fn consecutive_weeks_are_kept() {
    // Person 0 is preferred and continuity rewards three weeks in a row, but at most
    // two consecutive weeks away are allowed.
    let cands = [(0, -100), (1, 0)];
    let problem = Problem {
        weeks: 3,
        people: people(2, 5),
        tasks: vec![
            task(0, &[0], WHOLE_WEEK, &cands),
            task(0, &[1], WHOLE_WEEK, &cands),
            task(0, &[2], WHOLE_WEEK, &cands),
        ],
        windows: 1,
        max_consecutive_weeks: Some(2),
        ..Problem::default()
    };
    let s = solve(&problem, &quick(0));
    ok(&problem, &s.assigned);
    assert_eq!(s.score.unfilled_tasks, 0);
    assert_eq!(s.assigned.iter().filter(|a| **a == Some(0)).count(), 2);
}

#[test]
fn double_booking_is_avoided_on_common_days_only() {
    let problem = Problem {
        weeks: 1,
        people: people(1, 5),
        tasks: vec![
            task(0, &[0], 0b0000_0011, &[(0, 0)]),
            task(1, &[0], 0b0000_0110, &[(0, 0)]),
            task(2, &[0], 0b0001_1000, &[(0, 0)]),
        ],
        windows: 1,
        ..Problem::default()
    };
    let s = solve(&problem, &quick(0));
    ok(&problem, &s.assigned);
    assert_eq!(s.score.unfilled_tasks, 1);
    assert_eq!(s.assigned[2], Some(0));
}

#[test]
fn stint_starts_follow_the_definition() {
    // One person, station 0 in weeks 0-1 (one two-week task) and week 2, station 1 in
    // week 3, station 0 again in week 4 (on two tasks, different days).
    let problem = Problem {
        weeks: 5,
        people: people(1, 100),
        tasks: vec![
            task(0, &[0, 1], WHOLE_WEEK, &[(0, 0)]),
            task(0, &[2], WHOLE_WEEK, &[(0, 0)]),
            task(1, &[3], WHOLE_WEEK, &[(0, 0)]),
            task(0, &[4], 0b0000_0011, &[(0, 0)]),
            task(0, &[4], 0b0000_1100, &[(0, 0)]),
        ],
        windows: 1,
        ..Problem::default()
    };
    let all = vec![Some(0); 5];
    let score = ok(&problem, &all);
    assert_eq!(score.stint_starts, 3);
    assert_eq!(score.load_sq, 25);
    let model = Model::new(&problem);
    let mut st = State::new(&model);
    for t in [4, 0, 2, 3, 1] {
        st.set(t, 0);
    }
    assert_eq!(st.score(), score);
    assert_eq!(st.hard, 0);
}

#[test]
fn incremental_state_agrees_with_evaluate() {
    let mut rng = SmallRng::seed_from_u64(23);
    for _ in 0..300 {
        let problem = random_problem(&mut rng);
        let model = Model::new(&problem);
        let mut st = State::new(&model);
        for _ in 0..60 {
            if model.tasks() == 0 {
                break;
            }
            let t = rng.random_range(0..model.tasks());
            if model.task[t].fixed != NONE {
                continue;
            }
            let c = model.cands(t);
            let p = if c.is_empty() || rng.random_bool(0.2) {
                NONE
            } else {
                c[rng.random_range(0..c.len())]
            };
            st.set(t, p);
            let assigned: Vec<Option<usize>> = st
                .assign
                .iter()
                .map(|&p| (p != NONE).then_some(p as usize))
                .collect();
            match evaluate(&problem, &assigned) {
                Ok(score) => {
                    assert_eq!(st.hard, 0);
                    assert_eq!(st.score(), score);
                }
                Err(_) => assert!(st.hard > 0),
            }
        }
        // Undo brings back the score exactly.
        let before = st.score();
        let hard = st.hard;
        st.begin();
        for t in 0..model.tasks() {
            st.set(t, NONE);
        }
        st.rollback();
        assert_eq!((st.score(), st.hard), (before, hard));
    }
}

#[test]
fn evaluate_reports_breaches() {
    let mut ps = people(2, 1);
    ps[0].busy = vec![(1, 0b1)];
    ps[0].groups = vec![0];
    ps[1].groups = vec![0];
    let cands = [(0, 0), (1, 0)];
    let mut fixed = task(1, &[2], WHOLE_WEEK, &cands);
    fixed.fixed = Some(1);
    let problem = Problem {
        weeks: 3,
        people: ps,
        tasks: vec![
            task(0, &[0], WHOLE_WEEK, &cands),
            task(1, &[0], 0b1, &cands),
            task(0, &[1], WHOLE_WEEK, &cands),
            fixed,
            task(0, &[2], WHOLE_WEEK, &[(1, 0)]),
        ],
        groups: vec![Group {
            cap_per_day: 1,
            away: Vec::new(),
        }],
        windows: 1,
        max_consecutive_weeks: Some(1),
        ..Problem::default()
    };
    let assigned = [Some(0), Some(0), Some(0), None, Some(0)];
    let Err(breaches) = evaluate(&problem, &assigned) else {
        panic!("breaches expected");
    };
    for b in [
        Breach::DoubleBooked {
            person: 0,
            week: 0,
            tasks: (0, 1),
        },
        Breach::Busy {
            person: 0,
            task: 2,
            week: 1,
        },
        Breach::FixedChanged { task: 3 },
        Breach::NotCandidate { task: 4, person: 0 },
        Breach::WindowCap {
            person: 0,
            window: 0,
            used: 4,
            cap: 1,
        },
        Breach::Consecutive {
            person: 0,
            first_week: 0,
            weeks: 3,
        },
    ] {
        assert!(breaches.contains(&b), "{b:?} missing from {breaches:?}");
    }
    let both = [Some(0), Some(1), None, Some(1), Some(1)];
    let Err(breaches) = evaluate(&problem, &both) else {
        panic!("breaches expected");
    };
    assert!(breaches.contains(&Breach::GroupCap {
        group: 0,
        week: 0,
        day: 0,
        count: 2,
        cap: 1
    }));
    assert_eq!(
        evaluate(&problem, &[None]),
        Err(vec![Breach::Length {
            expected: 5,
            got: 1
        }])
    );
}

#[test]
fn blockers_explain_unfilled_tasks() {
    let mut ps = people(5, 1);
    ps[1].busy = vec![(1, WHOLE_WEEK)];
    ps[3].groups = vec![0];
    ps[4].groups = vec![0];
    let all: Vec<(usize, i64)> = (0..5).map(|p| (p, 0)).collect();
    let problem = Problem {
        weeks: 3,
        people: ps,
        tasks: vec![
            task(0, &[1], WHOLE_WEEK, &all),      // 0: the task to explain
            task(1, &[1], WHOLE_WEEK, &[(0, 0)]), // 1: person 0 already there
            task(1, &[0], WHOLE_WEEK, &[(2, 0)]), // 2: person 2 used their one week
            task(2, &[1], 0b1, &[(4, 0)]),        // 3: group member 4 away on Monday
        ],
        groups: vec![Group {
            cap_per_day: 1,
            away: Vec::new(),
        }],
        windows: 1,
        max_consecutive_weeks: Some(3),
        ..Problem::default()
    };
    let assigned = [None, Some(0), Some(2), Some(4)];
    let b = blockers(&problem, &assigned, 0);
    assert_eq!(
        b,
        vec![
            (0, Blocker::DoubleBooked { with: 1 }),
            (0, Blocker::WindowCap { window: 0 }),
            (1, Blocker::Busy { week: 1 }),
            (2, Blocker::WindowCap { window: 0 }),
            (
                3,
                Blocker::GroupCap {
                    group: 0,
                    week: 1,
                    day: 0,
                },
            ),
            (4, Blocker::DoubleBooked { with: 3 }),
            (4, Blocker::WindowCap { window: 0 }),
        ]
    );
    assert!(blockers(&problem, &assigned, 99).is_empty());
    // Consecutive: person 0 away in weeks 0 and 2 with a limit of 2.
    let mut p2 = problem.clone();
    p2.max_consecutive_weeks = Some(2);
    p2.people[0].window_caps = vec![9];
    p2.tasks[1] = task(1, &[0], WHOLE_WEEK, &[(0, 0)]);
    p2.tasks.push(task(1, &[2], WHOLE_WEEK, &[(0, 0)]));
    let b = blockers(&p2, &[None, Some(0), Some(2), Some(4), Some(0)], 0);
    assert!(b.contains(&(0, Blocker::Consecutive)));
}

#[test]
fn cancel_returns_the_best_so_far() {
    let mut rng = SmallRng::seed_from_u64(29);
    let problem = random_problem(&mut rng);
    let options = Options {
        cancel: Some(Arc::new(AtomicBool::new(true))),
        ..quick(0)
    };
    let s = solve(&problem, &options);
    if !problem.tasks.is_empty() {
        assert!(s.cancelled || Model::new(&problem).free.is_empty());
    }
    ok(&problem, &s.assigned);
}

#[test]
fn progress_is_reported_up_to_one() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let problem = Problem {
        weeks: 4,
        people: people(3, 4),
        tasks: (0..4)
            .map(|w| task(0, &[w], WHOLE_WEEK, &[(0, 0), (1, 0), (2, 0)]))
            .collect(),
        windows: 1,
        ..Problem::default()
    };
    let options = Options {
        progress: Some(Arc::new(move |x| {
            if let Ok(mut v) = sink.lock() {
                v.push(x);
            }
        })),
        threads: 2,
        ..quick(0)
    };
    let s = solve(&problem, &options);
    assert_eq!(s.score.unfilled_tasks, 0);
    let v = seen.lock().map(|v| v.clone()).unwrap_or_default();
    assert!(v.len() > 1);
    assert_eq!(v.last(), Some(&1.0));
    assert!(v.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn the_size_estimate_refuses_the_instance_that_grew_past_24_gb_and_keeps_small_plans() {
    // 10,000 staff, 3,300 stations with a weekly visit each over a quarter (13 weeks),
    // half the staff of the profession asked for: the instance of issue 16.
    let huge = ModelSize {
        tasks: 3_300 * 13,
        candidate_pairs: 3_300 * 13 * 5_000,
        people: 10_000,
        weeks: 14,
        windows: 3,
    };
    assert!(
        huge.estimated_bytes(2) > 8 << 30,
        "{}",
        huge.estimated_bytes(2)
    );
    // A district centre: 300 staff, 20 stations, a year.
    let district = ModelSize {
        tasks: 20 * 52 * 2,
        candidate_pairs: 20 * 52 * 2 * 100,
        people: 300,
        weeks: 53,
        windows: 12,
    };
    assert!(
        district.estimated_bytes(2) < 64 << 20,
        "{}",
        district.estimated_bytes(2)
    );
}

/// Peak memory of a solve against the estimate (run by hand, in release:
/// `cargo test -p shared --release -- --ignored size_estimate --nocapture`).
#[test]
#[ignore]
fn size_estimate_is_above_the_measured_peak() {
    fn peak_kb() -> u64 {
        std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmHWM:"))
                    .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
            })
            .unwrap_or(0)
    }
    let before = peak_kb();
    let (people, weeks, stations) = (3_000usize, 13u16, 400usize);
    let problem = Problem {
        weeks,
        people: (0..people)
            .map(|_| Person {
                window_caps: vec![20; 3],
                groups: Vec::new(),
                busy: Vec::new(),
            })
            .collect(),
        tasks: (0..stations * usize::from(weeks))
            .map(|t| Task {
                station: (t % stations) as u32,
                occupancy: vec![((t / stations) as u16, 0b10)],
                load: 1,
                usage: vec![((t / stations) * 3 / usize::from(weeks), 1)],
                candidates: (0..people)
                    .map(|person| Candidate {
                        person,
                        cost: (person % 7) as i64,
                    })
                    .collect(),
                fixed: None,
                current: None,
            })
            .collect(),
        groups: Vec::new(),
        windows: 3,
        max_consecutive_weeks: None,
        weights: Weights::default(),
    };
    let size = ModelSize {
        tasks: problem.tasks.len() as u64,
        candidate_pairs: (problem.tasks.len() * people) as u64,
        people: people as u64,
        weeks: u64::from(weeks),
        windows: 3,
    };
    let solution = solve(
        &problem,
        &Options {
            seed: 1,
            effort: 10,
            threads: 2,
            ..Options::default()
        },
    );
    assert_eq!(solution.assigned.len(), problem.tasks.len());
    let used = (peak_kb() - before) << 10;
    let estimate = size.estimated_bytes(2);
    eprintln!(
        "{} tasks × {people} candidates: peak {} MiB, estimate {} MiB",
        problem.tasks.len(),
        used >> 20,
        estimate >> 20
    );
    assert!(used <= estimate, "peak {used} > estimate {estimate}");
}
