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
