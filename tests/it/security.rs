//! The security slice end to end: the shipped security scenarios graded on five seeds, and whole
//! scripted sessions of them.

use std::path::Path;

use crate::support::ROOT;

/// (reference total, nothing total, variant) of a shipped scenario on `seed`.
fn outcome(file: &str, seed: u64) -> (f64, f64, String) {
    let path = Path::new(ROOT).join(file);
    let text = std::fs::read_to_string(&path).expect("readable");
    let (s, variant) = scenarios::load_variant(file, &text, seed).unwrap_or_else(|e| panic!("{e}"));
    let reference = engine::run_reference(&s, seed)
        .unwrap_or_else(|e| panic!("seed {seed}: step {} refused: {}", e.index + 1, e.error))
        .record();
    let targets = grader::reference_targets(&reference);
    let best = grader::grade(&s, &reference, &targets);
    let worst = grader::grade(&s, &engine::run_nothing(&s, seed).record(), &targets);
    if std::env::var_os("SECURITY_OUTCOMES").is_some() {
        for (b, w) in best.kpis.iter().zip(&worst.kpis) {
            eprintln!(
                "  {:<16} ref {:>7.1} -> {:>5.1}   nothing {:>7.1} -> {:>5.1}",
                b.name, b.value, b.score, w.value, w.score
            );
        }
        eprintln!(
            "{file} seed {seed} ({variant}): reference {} nothing {}",
            best.total, worst.total
        );
    }
    (best.total, worst.total, variant.to_string())
}

#[test]
fn security_scenarios_tell_the_reference_from_doing_nothing() {
    for file in [
        "content/security/expired-api-cert.ron",
        "content/security/app-cve-rolling-patch.ron",
        "content/security/db-port-exposed.ron",
    ] {
        for seed in 1..=5 {
            let (best, worst, variant) = outcome(file, seed);
            assert!(
                best >= 85.0 && worst <= 40.0,
                "{file} seed {seed} ({variant}): {best} vs {worst}"
            );
        }
    }
}
