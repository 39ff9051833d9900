//! The shipped scenarios discriminate: on every seed swept, the reference solution scores high,
//! doing nothing scores low, and the gap between them is wide. Uses the library crates directly,
//! the way `gameday` grades its counterfactuals.

use std::path::Path;

use engine::Sim;
use scenarios::{Dur, Scenario};

use crate::support::{OK_FIXTURES, ROOT, Scratch, printed_total, ron_files};

const SEEDS: std::ops::RangeInclusive<u64> = 1..=5;

/// Runs the reference solution to the time limit; a refused step fails the test.
pub fn reference(scenario: &Scenario, seed: u64) -> Sim {
    engine::run_reference(scenario, seed).unwrap_or_else(|e| {
        panic!(
            "{} seed {seed}: reference step {} `{}` refused: {}",
            scenario.id,
            e.index + 1,
            scenario.reference[e.index].command,
            e.error
        )
    })
}

fn load(path: &Path) -> Scenario {
    scenarios::load_file(path)
        .unwrap_or_else(|e| panic!("{e}"))
        .0
}

#[test]
fn reference_beats_doing_nothing_on_every_seed() {
    let files = ron_files(&Path::new(ROOT).join("content"));
    assert!(!files.is_empty(), "content/ has scenarios");
    let rows: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .iter()
            .map(|file| {
                scope.spawn(move || {
                    let scenario = load(file);
                    SEEDS
                        .map(|seed| {
                            let best = reference(&scenario, seed).record();
                            let targets = grader::reference_targets(&best);
                            let best = grader::grade(&scenario, &best, &targets).total;
                            let worst = engine::run_nothing(&scenario, seed).record();
                            let worst = grader::grade(&scenario, &worst, &targets).total;
                            (scenario.id.clone(), seed, best, worst)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("no panic"))
            .filter(|(_, _, best, worst)| *best < 85.0 || *worst > 40.0 || best - worst < 45.0)
            .map(|(id, seed, best, worst)| {
                format!("{id} seed {seed}: reference {best}, nothing {worst}")
            })
            .collect()
    });
    assert!(
        rows.is_empty(),
        "want reference >= 85, nothing <= 40 and a gap of at least 45:\n{}",
        rows.join("\n")
    );
}

/// The reference as a candidate would type it: a `wait` up to each step's time, then the step.
fn typed_reference(scenario: &Scenario) -> String {
    let mut sim = Sim::new(scenario, 1);
    let mut script = String::new();
    for step in &scenario.reference {
        if sim.is_over() {
            break;
        }
        if sim.now() < step.at {
            let wait = format!("wait {}", Dur(step.at.ms() - sim.now().ms()));
            sim.execute(&wait).expect("wait is accepted");
            script.push_str(&wait);
            script.push('\n');
        }
        sim.execute(&step.command).expect("reference step accepted");
        script.push_str(&step.command);
        script.push('\n');
    }
    script
}

#[test]
fn reference_typed_at_the_prompt_scores_the_reference_total() {
    let s = Scratch::new("typed-reference");
    let shipped = ron_files(&Path::new(ROOT).join("content"));
    let fixtures = ron_files(&Path::new(ROOT).join(OK_FIXTURES));
    let cases = shipped
        .iter()
        .map(|f| (f, None))
        .chain(fixtures.iter().map(|f| (f, Some(OK_FIXTURES))));
    for (file, content) in cases {
        // `play` without `--seed` plays seed 1, so type the reference of seed 1's variant.
        let text = std::fs::read_to_string(file).expect("readable");
        let name = file.display().to_string();
        let (scenario, _) =
            scenarios::load_variant(&name, &text, 1).unwrap_or_else(|e| panic!("{e}"));
        let journal = s.path(&format!("{}.jsonl", scenario.id));
        let journal = journal.to_str().expect("UTF-8 path");
        let folder: Vec<&str> = content.iter().flat_map(|c| ["--content", c]).collect();
        let play = [&folder[..], &["play", &scenario.id, "--journal", journal]].concat();
        let out = s.run(&play, typed_reference(&scenario).as_bytes());
        let played = printed_total(out.ok());
        let grade = [&folder[..], &["grade", journal, "--json"]].concat();
        let card: serde_json::Value =
            serde_json::from_str(s.run(&grade, b"").ok()).expect("JSON scorecard");
        let reference = card["counterfactual"]["reference"]
            .as_f64()
            .expect("a reference total");
        assert_eq!(played, reference, "{}", scenario.id);
    }
}
