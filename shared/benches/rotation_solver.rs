//! The rotation solver on the benchmark instances (`benches/instances/`, copies of the
//! repository's `shared/bench/rotation/instances/`), one search thread, the effort the
//! benchmark adapter uses.
//!
//! `cargo bench -p shared --features solver --bench rotation_solver`

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use shared::rotation::bench::{Instance, bench_effort, to_problem};
use shared::rotation::solver::{Options, solve};

const INSTANCES: [(&str, &str, usize, u64); 3] = [
    ("small", include_str!("instances/small.json"), 20, 5),
    ("medium", include_str!("instances/medium.json"), 10, 6),
    ("large", include_str!("instances/large.json"), 10, 10),
];

fn rotation_solver(c: &mut Criterion) {
    let mut group = c.benchmark_group("rotation_solver");
    group.warm_up_time(Duration::from_secs(1));
    for (name, json, samples, seconds) in INSTANCES {
        let Ok(instance) = serde_json::from_str::<Instance>(json) else {
            eprintln!("{name}: the instance does not parse");
            continue;
        };
        let (problem, slots) = to_problem(&instance);
        let options = Options {
            seed: 0,
            threads: 1,
            effort: bench_effort(slots.len()),
            ..Options::default()
        };
        group.sample_size(samples);
        group.measurement_time(Duration::from_secs(seconds));
        group.bench_function(name, |b| b.iter(|| solve(black_box(&problem), &options)));
    }
    group.finish();
}

criterion_group!(benches, rotation_solver);
criterion_main!(benches);
