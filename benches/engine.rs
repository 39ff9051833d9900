//! Engine throughput and accuracy: generated estates of 10 to 100,000 hosts at 1 s ticks, one
//! simulated day of 1,000 hosts, a year-long capacity horizon at 1 h ticks, and a fleet of
//! M/M/c stations against Erlang C. Besides criterion's timings, each run prints the figures
//! `gameday bench` prints (simulated server-seconds per wall second, ns per host per tick, the
//! worst latency error), measured by the same code (`src/bench.rs`).
#![allow(
    clippy::disallowed_types,
    reason = "a benchmark times the engine with the wall clock"
)]

#[allow(
    dead_code,
    reason = "shared with `gameday bench`, which uses all of it"
)]
#[path = "../src/bench.rs"]
mod figures;

use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use engine::Sim;
use engine::estate;
use scenarios::Dur;

const YEAR: &str = include_str!("../content/capacity/year-ahead-plan.ron");

fn scaling(c: &mut Criterion) {
    let mut group = c.benchmark_group("estate: 1 min at 1 s ticks");
    group.sample_size(10);
    for hosts in [10, 100, 1_000, 10_000, 100_000] {
        let t = figures::throughput(hosts, Dur::from_mins(if hosts >= 10_000 { 2 } else { 10 }));
        println!(
            "{hosts} hosts: {:.0} simulated s per wall s, {:.0} server-s per wall s, {:.1} ns per host per tick, {:.1} per step ({} steps; setup {:.3} s)",
            t.speed(),
            t.server_seconds(),
            t.ns_per_host_tick(),
            t.ns_per_host_step(),
            t.steps,
            t.setup.as_secs_f64()
        );
        let scenario = estate::estate(hosts);
        group.bench_function(format!("{hosts} hosts"), |b| {
            b.iter_batched(
                || Sim::new(&scenario, 1),
                |mut sim| {
                    sim.advance(black_box(Dur::from_mins(1)));
                    sim
                },
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

fn day(c: &mut Criterion) {
    let t = figures::throughput(1_000, Dur::from_mins(24 * 60));
    println!(
        "one day of 1,000 hosts: {:.3} s ({:.0} server-s per wall s, {:.1} ns per host per tick, {:.1} per step, {} steps)",
        t.wall.as_secs_f64(),
        t.server_seconds(),
        t.ns_per_host_tick(),
        t.ns_per_host_step(),
        t.steps
    );
    let scenario = estate::estate(1_000);
    let mut group = c.benchmark_group("one day");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("1,000 hosts at 1 s ticks", |b| {
        b.iter_batched(
            || Sim::new(&scenario, 1),
            |mut sim| {
                sim.advance(black_box(Dur::from_mins(24 * 60)));
                sim
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

fn horizon(c: &mut Criterion) {
    let (year, _) =
        scenarios::load_variant("year-ahead-plan.ron", YEAR, 1).expect("shipped scenario loads");
    let h = figures::horizon(&year, 12);
    println!(
        "year-ahead-plan: build with history {:.3} s, 365 days at 1 h ticks {:.3} s; {:.1} us per tick in the first month, {:.1} in the last",
        h.setup.as_secs_f64(),
        h.total().as_secs_f64(),
        h.us_per_tick(0),
        h.us_per_tick(h.chunks.len() - 1)
    );
    let mut group = c.benchmark_group("long horizon");
    group.sample_size(10);
    group.bench_function("year-ahead-plan: a year at 1 h ticks", |b| {
        b.iter_batched(
            || Sim::new(&year, 1),
            |mut sim| {
                sim.finish();
                sim
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

fn accuracy(c: &mut Criterion) {
    let a = figures::accuracy();
    println!(
        "accuracy: {} stations, worst mean error {:.5}%, worst p99 error {:.5}%; {}",
        a.stations,
        a.mean_error * 100.0,
        a.p99_error * 100.0,
        a.worst
    );
    let fleet = estate::queue_fleet(&figures::accuracy_stations(), 1_000.0);
    c.bench_function("M/M/c fleet: 36 stations, 1 h", |b| {
        b.iter_batched(
            || Sim::new(&fleet, 1),
            |mut sim| {
                sim.advance(black_box(Dur::from_mins(60)));
                sim
            },
            BatchSize::PerIteration,
        )
    });
}

criterion_group! {
    name = engine;
    config = Criterion::default().sample_size(10).measurement_time(Duration::from_secs(5));
    targets = scaling, day, horizon, accuracy
}
criterion_main!(engine);
