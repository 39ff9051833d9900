//! Instructor tooling: `explain` shows an author what their scenario does with nobody at the
//! keyboard and what the reference solution changes.

use crate::support::gameday;

#[test]
fn explain_shows_both_runs_side_by_side() {
    let out = gameday(&["explain", "db-disk-full", "--seed", "7"]);
    let text = out.ok();
    assert!(
        text.starts_with("db-disk-full: Primary database disk filling"),
        "{text}"
    );
    assert!(
        text.contains("variant writer=pg_debug_log, rate=48"),
        "{text}"
    );
    // The fault, the reference's fix, and the do-nothing run's crash.
    assert!(
        text.contains("02:14  pg_debug_log on db-1 started writing 48 GB/h"),
        "{text}"
    );
    assert!(text.contains("> kill db-1 pg_debug_log"), "{text}");
    assert!(
        text.contains("db-1: kernel: filesystem /var is 100% full"),
        "{text}"
    );
    assert!(
        text.contains("(same)"),
        "lines both runs share are shown once: {text}"
    );
    assert!(
        text.contains("(x62, to 04:13)"),
        "repeats are folded: {text}"
    );
    assert!(text.contains("Graded: doing nothing 30.0, the reference solution 100.0."));
    // Another seed, another variant.
    let other = gameday(&["explain", "db-disk-full", "--seed", "1"]);
    assert_ne!(other.ok(), text);
    let missing = gameday(&["explain", "db-disk-ful"]);
    assert_eq!(missing.code, 1);
    assert!(
        missing.stderr.contains("did you mean `db-disk-full`"),
        "{}",
        missing.stderr
    );
}

/// `gameday new` writes, for every kind, a starter that `check` passes in full: every variant,
/// the reference against doing nothing, and its transcripts ranked as declared.
#[test]
fn new_writes_a_starter_of_every_kind_that_passes_check() {
    let s = crate::support::Scratch::new("new");
    let kinds = [
        "outage",
        "migration",
        "capacity",
        "disaster-recovery",
        "monitoring",
        "network",
        "virtualization",
        "security",
        "design",
        "cloud",
    ];
    for kind in kinds {
        let path = s.path(&format!("{kind}-starter.ron"));
        let out = s.run(
            &[
                "new",
                kind,
                &format!("{kind}-starter"),
                "--out",
                path.to_str().unwrap(),
            ],
            b"",
        );
        assert!(out.ok().starts_with("wrote "), "{}", out.both());
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(&format!("id: \"{kind}-starter\"")));
        assert!(text.contains("transcripts: ["), "{kind}");
    }
    let out = s.run(&["check", s.dir.to_str().unwrap()], b"");
    let text = out.ok();
    assert!(
        text.ends_with("checked 10 files: all ok\n"),
        "{}",
        out.both()
    );
    assert_eq!(
        text.matches("3 transcripts ranked as declared").count(),
        10,
        "{text}"
    );
    // It never overwrites, and it says what it wants.
    let again = s.run(
        &[
            "new",
            "outage",
            "x",
            "--out",
            s.path("outage-starter.ron").to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(again.code, 1);
    assert!(again.stderr.contains("already exists"));
    let typo = s.run(&["new", "netwrk", "x"], b"");
    assert!(
        typo.stderr.contains("did you mean `network`?"),
        "{}",
        typo.both()
    );
    let bad = s.run(&["new", "outage", "Bad_Name"], b"");
    assert!(bad.stderr.contains("not a scenario id"), "{}", bad.both());
}
