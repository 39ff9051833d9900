//! The cloud slice end to end: its scenarios' reference beats doing nothing on every variant,
//! a scripted session of the autoscaling scenario, and the model's cloud numbers through the
//! real binary.

use std::path::Path;

use crate::support::ROOT;

/// Totals of the reference and of doing nothing for one shipped cloud scenario on seeds 1-5.
fn scores(file: &str) -> Vec<(u64, String, f64, f64)> {
    let path = Path::new(ROOT).join("content/cloud").join(file);
    let text = std::fs::read_to_string(&path).expect("readable");
    (1..=5)
        .map(|seed| {
            let (s, variant) = scenarios::load_variant(file, &text, seed).expect("loads");
            let reference = engine::run_reference(&s, seed)
                .unwrap_or_else(|e| {
                    panic!("seed {seed}: step {} refused: {}", e.index + 1, e.error)
                })
                .record();
            let targets = grader::reference_targets(&reference);
            let best = grader::grade(&s, &reference, &targets);
            let worst = grader::grade(&s, &engine::run_nothing(&s, seed).record(), &targets);
            if std::env::var_os("GAMEDAY_SCORES").is_some() {
                for (b, w) in best.kpis.iter().zip(&worst.kpis) {
                    eprintln!(
                        "  {:<16} reference {:>9.1} -> {:>5.1}   nothing {:>9.1} -> {:>5.1}",
                        b.name, b.value, b.score, w.value, w.score
                    );
                }
                eprintln!(
                    "{file} seed {seed} ({variant}): reference {}, nothing {}",
                    best.total, worst.total
                );
            }
            (seed, variant.to_string(), best.total, worst.total)
        })
        .collect()
}

#[test]
fn asg_launch_spike_reference_beats_doing_nothing_on_every_spike() {
    for (seed, variant, best, worst) in scores("asg-launch-spike.ron") {
        assert!(
            best >= 85.0 && worst <= 40.0,
            "seed {seed} ({variant}): {best} vs {worst}"
        );
    }
}

#[test]
fn cloud_bill_runaway_reference_beats_doing_nothing_at_every_rate() {
    for (seed, variant, best, worst) in scores("cloud-bill-runaway.ron") {
        assert!(
            best >= 85.0 && worst <= 40.0,
            "seed {seed} ({variant}): {best} vs {worst}"
        );
    }
}

#[test]
fn dc_exit_cutover_reference_beats_doing_nothing_for_every_ttl() {
    for (seed, variant, best, worst) in scores("dc-exit-cutover.ron") {
        assert!(
            best >= 85.0 && worst <= 40.0,
            "seed {seed} ({variant}): {best} vs {worst}"
        );
    }
}
