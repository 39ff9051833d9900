//! Determinism: a seed and a list of commands fully determine a run, whether it is played live,
//! replayed from its journal, or played again in another process.

use serde_json::Value;

use crate::counterfactuals::reference;
use crate::support::{ROOT, Scratch, journal_lines, printed_total, ron_files};

/// A middling app-memory-leak session: it restarts the first host to fill up, then rolls back.
const LEAK_SCRIPT: &str = r#"status
wait 10m
top
metrics app-1 memory --last 15m
restart app-1
note "app-1 memory is climbing after the 4.12.0 deploy; restarted it"
wait 5m
rollback app
wait 5m
status
resolve
"#;

#[test]
fn grading_a_journal_twice_gives_identical_json() {
    let s = Scratch::new("grade-twice");
    let (play, journal) = s.play("j.jsonl", &["app-memory-leak", "--seed", "2"], LEAK_SCRIPT);
    play.ok();
    let first = s.grade(&journal, true);
    let second = s.grade(&journal, true);
    assert_eq!(first.ok(), second.ok());
    assert!(first.stderr.is_empty(), "stderr: {}", first.stderr);
}

#[test]
fn replayed_scorecard_matches_the_live_one() {
    let s = Scratch::new("live-vs-replay");
    let (play, journal) = s.play("j.jsonl", &["app-memory-leak", "--seed", "2"], LEAK_SCRIPT);
    let live = play.ok();

    let json: Value = serde_json::from_str(s.grade(&journal, true).ok()).expect("JSON scorecard");
    assert_eq!(json["scenario"], "app-memory-leak");
    assert_eq!(json["seed"], 2);
    let total = json["total"].as_f64().expect("a numeric total");
    assert_eq!(printed_total(live), total, "live total vs replayed total");

    // The regraded scorecard is, line for line, the one printed at the end of the session.
    let text = s.grade(&journal, false);
    let card = text
        .ok()
        .split("\nRegraded with the scenario's own rubric by replaying")
        .next()
        .expect("a scorecard");
    assert!(
        text.ok()
            .contains("Regraded with the scenario's own rubric by replaying"),
        "{}",
        text.stdout
    );
    assert!(
        live.contains(card),
        "live session:\n{live}\nregraded:\n{}",
        text.stdout
    );
}

#[test]
fn same_seed_and_commands_in_two_processes_give_the_same_run() {
    let runs: Vec<(String, Vec<Value>)> = (0..2)
        .map(|i| {
            let s = Scratch::new(&format!("twice-{i}"));
            let (out, journal) = s.play(
                "j.jsonl",
                &["zone-link-down", "--seed", "9"],
                PARTITION_SCRIPT,
            );
            (s.redact(out.ok()), journal_lines(&journal))
        })
        .collect();
    let (a, b) = (&runs[0], &runs[1]);
    assert_eq!(a.0, b.0, "the two transcripts differ");

    assert_eq!(a.1.len(), b.1.len());
    assert_eq!(a.1[0], b.1[0], "headers differ");
    // Entries differ only in wall-clock time and so in their checksums.
    let key = |v: &Value| (v["n"].clone(), v["at_ms"].clone(), v["line"].clone());
    for (x, y) in a.1.iter().zip(&b.1).skip(1) {
        assert_eq!(key(x), key(y));
    }
    assert_eq!(
        a.1.len(),
        1 + PARTITION_SCRIPT.lines().count(),
        "every command of the script was accepted"
    );
}

/// The zone-link-down reference's decisive steps, compressed.
const PARTITION_SCRIPT: &str = r#"wait 6m
alerts
ping lb-2 app-1
ping app-3 db-1
note "The dc-east-a/dc-east-b link is down (NET-3310): zone dc-east-b is cut off. Withdrawing lb-2."
kill lb-2 haproxy
scale app 6
drain app-3
drain app-4
wait 5m
status
resolve
"#;

#[test]
fn another_seed_changes_the_traffic() {
    let s = Scratch::new("seeds");
    let status = |seed: &str| {
        let (out, _) = s.play(
            &format!("{seed}.jsonl"),
            &["db-disk-full", "--seed", seed],
            "status\nquit\n",
        );
        out.ok()
            .lines()
            .find(|l| l.contains(" req/s "))
            .expect("status line")
            .to_owned()
    };
    assert_ne!(status("1"), status("2"));
}

#[test]
fn same_seed_gives_an_identical_run_record() {
    for file in ron_files(&std::path::Path::new(ROOT).join("content")) {
        let (scenario, _) = scenarios::load_file(&file).unwrap_or_else(|e| panic!("{e}"));
        let first = reference(&scenario, 7).record();
        let second = reference(&scenario, 7).record();
        assert!(
            first == second,
            "{}: two runs of seed 7 differ",
            scenario.id
        );
        assert!(!first.events.is_empty() && !first.minutes.is_empty());
    }
}
