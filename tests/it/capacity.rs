//! Capacity planning end to end: the shipped capacity scenarios' reference and do-nothing runs
//! on five seeds, a whole scripted session, and the engine's capacity arithmetic against
//! hand-computed values.

use std::path::Path;

use crate::support::{ROOT, ron_files};

/// Grades the reference and doing nothing on seeds 1-5 of every capacity scenario, and prints
/// each KPI (run with `--nocapture` to read them when writing a scenario's header).
#[test]
fn capacity_scenarios_reference_beats_nothing_on_every_seed() {
    let mut failures = Vec::new();
    for f in ron_files(&Path::new(ROOT).join("content/capacity")) {
        let text = std::fs::read_to_string(&f).expect("readable");
        for seed in 1..=5 {
            let (s, variant) = scenarios::load_variant(&f.display().to_string(), &text, seed)
                .unwrap_or_else(|e| panic!("{e}"));
            let reference = engine::run_reference(&s, seed)
                .unwrap_or_else(|e| {
                    panic!(
                        "{} seed {seed}: step {} refused: {}",
                        s.id,
                        e.index + 1,
                        e.error
                    )
                })
                .record();
            let targets = grader::reference_targets(&reference);
            let best = grader::grade(&s, &reference, &targets);
            let worst = grader::grade(&s, &engine::run_nothing(&s, seed).record(), &targets);
            println!(
                "{} seed {seed} ({variant}): reference {} nothing {}",
                s.id, best.total, worst.total
            );
            for (b, w) in best.kpis.iter().zip(&worst.kpis) {
                println!(
                    "    {:<16} reference {:>9.1} {:<16} -> {:>5.1}   nothing {:>9.1} -> {:>5.1}",
                    b.name, b.value, b.unit, b.score, w.value, w.score
                );
            }
            if best.total < 85.0 || worst.total > 40.0 {
                failures.push(format!(
                    "{} seed {seed}: reference {} nothing {}",
                    s.id, best.total, worst.total
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
