//! The design trial: seeded runs per wall second for the strong design of
//! `web-shop-one-region` (5 faults and the fault-free runs, 6 seeds each: 36 runs of 30 simulated
//! minutes at 2 s ticks after a 15-minute warm-up), on one thread and on every core. Benchmarks
//! measure wall time by design, so they may use the clock the simulation may not.
#![allow(
    clippy::disallowed_types,
    reason = "a benchmark times the trial with the wall clock"
)]

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use engine::{run_trial_uncached, trial_runs};
use scenarios::Expect;

const SHOP: &str = include_str!("../content/design/web-shop-one-region.ron");

fn benches(c: &mut Criterion) {
    let scenario =
        scenarios::load_str("web-shop-one-region.ron", SHOP).expect("shipped scenario loads");
    let build: Vec<String> = scenario
        .transcripts
        .iter()
        .find(|t| t.expect == Expect::Strong)
        .expect("a strong design")
        .build();
    let runs = trial_runs(&scenario);
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    for threads in [1, cores] {
        let start = std::time::Instant::now();
        let t = run_trial_uncached(&scenario, &build, threads).expect("a design scenario");
        let wall = start.elapsed().as_secs_f64();
        println!(
            "trial of web-shop-one-region on {threads} thread(s): {runs} runs in {wall:.2} s, {:.1} runs per s, {:.2} trials per s (resilience {:.0}%)",
            runs as f64 / wall,
            1.0 / wall,
            t.resilience
        );
        c.bench_function(
            &format!("design trial, {runs} runs, {threads} thread(s)"),
            |b| b.iter(|| run_trial_uncached(&scenario, &build, threads)),
        );
    }
}

criterion_group! {
    name = trial;
    config = Criterion::default().sample_size(10).measurement_time(Duration::from_secs(10));
    targets = benches
}
criterion_main!(trial);
