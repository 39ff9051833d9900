//! Interactivity and batch work: the time to answer REPL commands (`wait 6h` included) on every
//! shipped scenario, process start to the first prompt, and regrading journals (replay, the
//! reference solution and doing nothing) on two threads. Besides criterion's timings, each run
//! prints the figures `gameday bench` prints, measured by the same code (`src/bench.rs`).
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

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use figures::Shipped;

fn ron_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            ron_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "ron") {
            out.push(p);
        }
    }
}

/// Every shipped scenario (not the packs).
fn shipped() -> Vec<Shipped> {
    let mut files = Vec::new();
    ron_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("content"),
        &mut files,
    );
    files
        .into_iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(&p).ok()?;
            (!scenarios::is_pack(&text)).then(|| Shipped {
                name: p.display().to_string(),
                text,
            })
        })
        .collect()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn interactivity(c: &mut Criterion) {
    let shipped = shipped();
    let t = figures::commands(&shipped).expect("every shipped scenario plays");
    let (answers, _) = t.answers_and_starts();
    let slowest = answers.slowest().cloned().unwrap_or_default();
    println!(
        "commands: {} on {} scenarios: median {:.3} ms, p99 {:.3} ms, max {:.3} ms (`{}` on {})",
        answers.samples.len(),
        shipped.len(),
        ms(answers.quantile(0.5)),
        ms(answers.quantile(0.99)),
        ms(answers.quantile(1.0)),
        slowest.1,
        slowest.0
    );
    let exe = Path::new(env!("CARGO_BIN_EXE_gameday"));
    let prompts = figures::first_prompt(exe, 10).expect("gameday play shows a prompt");
    println!(
        "process start to first prompt: median {:.2} ms, max {:.2} ms",
        ms(prompts[prompts.len() / 2]),
        ms(prompts[prompts.len() - 1])
    );
    let mut group = c.benchmark_group("interactivity");
    group.sample_size(10);
    group.bench_function("every shipped scenario: looks, reference, wait 6h", |b| {
        b.iter(|| figures::commands(&shipped).expect("every shipped scenario plays"))
    });
    group.bench_function("process start to first prompt", |b| {
        b.iter(|| figures::first_prompt(exe, 1).expect("gameday play shows a prompt"))
    });
    group.finish();
}

fn batch(c: &mut Criterion) {
    let shipped = shipped();
    let journals = figures::journals(&shipped, 1_000).expect("journals synthesise");
    let (wall, totals) = figures::regrade_all(&shipped, &journals, 2).expect("journals regrade");
    println!(
        "regrade: 1,000 journals in {:.2} s on 2 threads (mean total {:.1})",
        wall.as_secs_f64(),
        totals.iter().sum::<f64>() / totals.len() as f64
    );
    let some = &journals[..shipped.len()];
    let mut group = c.benchmark_group("batch");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function(
        format!(
            "regrade {} journals (one per scenario) on 2 threads",
            some.len()
        ),
        |b| b.iter(|| figures::regrade_all(&shipped, some, 2).expect("journals regrade")),
    );
    group.finish();
}

criterion_group!(session, interactivity, batch);
criterion_main!(session);
