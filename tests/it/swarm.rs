//! Determinism under a swarm: every shipped scenario driven by a random mix of commands chosen
//! per seed (looks, actions good and bad, waits, notes, hints, mistakes), run twice; the full run
//! record and scorecard must match byte for byte. A few seeds also run in separate processes
//! through the binary. `GAMEDAY_SWARM_SEEDS=N` sweeps N seeds per scenario (default 6).

use std::path::Path;

use engine::Sim;
use scenarios::{Metric, Scenario};

use crate::support::{ROOT, Scratch, ron_files};

/// SplitMix64: a tiny, portable generator for choosing commands (not part of any simulation).
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

/// A session of 10–40 commands for `scenario`, drawn from `seed`; each seed weights the kinds of
/// command differently, so some sessions mostly look, some mostly act, some mostly wait.
fn session(scenario: &Scenario, seed: u64) -> Vec<String> {
    let mut r = Mix(seed);
    let hosts: Vec<&str> = scenario
        .topology
        .hosts
        .iter()
        .map(|h| h.id.as_str())
        .collect();
    let services: Vec<&str> = scenario
        .topology
        .services
        .iter()
        .map(|s| s.id.as_str())
        .collect();
    let weights: Vec<u64> = (0..5).map(|_| 1 + r.next() % 5).collect();
    let total: u64 = weights.iter().sum();
    let len = 10 + r.next() % 31;
    let mut out = Vec::new();
    for _ in 0..len {
        let mut roll = r.next() % total;
        let kind = weights.iter().position(|&w| {
            if roll < w {
                true
            } else {
                roll -= w;
                false
            }
        });
        let (h, s) = (*r.pick(&hosts), *r.pick(&services));
        let line = match kind {
            Some(0) => match r.next() % 6 {
                0 => "status".into(),
                1 => "top".into(),
                2 => format!("describe {}", r.pick(&[h, s])),
                3 => format!("metrics {h} {} --last 20m", r.pick(&Metric::ALL).label()),
                4 => format!("logs {s}"),
                _ => format!("ping {h} {}", r.pick(&hosts)),
            },
            Some(1) => match r.next() % 8 {
                0 => format!("restart {h}"),
                1 => format!("reboot {h}"),
                2 => format!("drain {h}"),
                3 => format!("undrain {h}"),
                4 => format!("scale {s} {}", 1 + r.next() % 6),
                5 => format!("rollback {s}"),
                6 => format!("failover {s}"),
                _ => format!("extend-volume {h} +{}G", 10 + r.next() % 200),
            },
            Some(2) => format!("wait {}m", 1 + r.next() % 15),
            Some(3) => match r.next() % 3 {
                0 => "note \"looking into it\"".into(),
                1 => "hint".into(),
                _ => format!(
                    "kill {h} {}",
                    r.pick(&["postgres", "haproxy", "pg_debug_log", "nope"])
                ),
            },
            _ => r
                .pick(&[
                    "restrat app-1",
                    "wait 0m",
                    "metrics nowhere cpu",
                    "scale",
                    "?",
                ])
                .to_string(),
        };
        out.push(line);
    }
    if r.next().is_multiple_of(2) {
        out.push("resolve".into());
    }
    out
}

fn run(scenario: &Scenario, seed: u64, lines: &[String]) -> (String, String) {
    let mut sim = Sim::new(scenario, seed);
    let mut transcript = String::new();
    for line in lines {
        match sim.execute(line) {
            Ok(r) => transcript.push_str(&format!("{line} => {r:?}\n")),
            Err(e) => transcript.push_str(&format!("{line} => error {e}\n")),
        }
        if sim.is_over() {
            break;
        }
    }
    sim.finish();
    let record = sim.record();
    let card = grader::grade(scenario, &record, &Default::default());
    transcript.push_str(&format!("{record:?}"));
    (
        transcript,
        serde_json::to_string(&card).expect("serializes"),
    )
}

fn shipped() -> Vec<Scenario> {
    ron_files(&Path::new(ROOT).join("content"))
        .iter()
        .map(|p| scenarios::load_file(p).unwrap_or_else(|e| panic!("{e}")).0)
        .collect()
}

#[test]
fn swarm_of_sessions_replays_identically() {
    let seeds: u64 = std::env::var("GAMEDAY_SWARM_SEEDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(6);
    let mut sessions = 0;
    for scenario in shipped() {
        for seed in 1..=seeds {
            let lines = session(&scenario, seed);
            let first = run(&scenario, seed, &lines);
            let second = run(&scenario, seed, &lines);
            assert!(
                first == second,
                "{} seed {seed} diverged; commands:\n{}",
                scenario.id,
                lines.join("\n")
            );
            sessions += 1;
        }
    }
    assert!(sessions >= 18, "swept {sessions} sessions");
}

#[test]
fn swarm_sessions_grade_identically_in_separate_processes() {
    let s = Scratch::new("swarm");
    for scenario in shipped() {
        for seed in [11, 12] {
            let script = session(&scenario, seed).join("\n") + "\n";
            let seed_arg = seed.to_string();
            let mut graded = Vec::new();
            for copy in ["a", "b"] {
                let journal = s.path(&format!("{}-{seed}-{copy}.jsonl", scenario.id));
                let journal_arg = journal.to_str().expect("UTF-8 path");
                let args = [
                    "play",
                    scenario.id.as_str(),
                    "--seed",
                    &seed_arg,
                    "--journal",
                    journal_arg,
                ];
                let played = s.run(&args, script.as_bytes());
                played.ok();
                graded.push((
                    s.redact(&played.stdout)
                        .replace(&format!("-{copy}.jsonl"), ".jsonl"),
                    s.grade(&journal, true).ok().to_owned(),
                ));
            }
            assert_eq!(
                graded[0], graded[1],
                "{} seed {seed}:\n{script}",
                scenario.id
            );
        }
    }
}
