//! Whole scripted sessions of each shipped scenario, snapshotted from the briefing to the
//! scorecard: every screen a candidate would read, as they would read it.

use crate::support::{OK_FIXTURES, Scratch, printed_total};

/// Plays `script` (`gameday play PLAY_ARGS`) and returns the whole stdout with the scratch path redacted.
fn transcript(name: &str, play_args: &[&str], script: &str) -> String {
    let s = Scratch::new(name);
    let (out, journal) = s.play("session.jsonl", play_args, script);
    let stdout = out.ok();
    assert!(out.stderr.is_empty(), "stderr: {}", out.stderr);
    assert!(journal.exists(), "the session wrote its journal");
    s.redact(stdout)
}

/// Looks at everything, names the cause, stops the writer, makes room, confirms, resolves.
const DB_DISK_FULL_CAREFUL: &str = r#"status
top
alerts
describe db-1
describe db
describe dc-north-1
metrics db-1 disk --last 10m
metrics db rps --last 5m
logs db-1 --last 30m
logs app
ping app-1 db-1
note "Investigating DiskUsageHigh on db-1: the data volume grows ~0.8 GB/min because a debug logging capture (pg_debug_log) writes to it. Stopping it and adding space."
hint
kill db-1 pg_debug_log
extend-volume db-1 +100G
wait 5m
metrics db-1 disk --last 15m
alerts
note "Resolved: the debug capture on db-1 is stopped and its volume is extended; the disk is flat at 67%."
resolve
"#;

#[test]
fn db_disk_full_careful_session_scores_near_the_reference() {
    let out = transcript(
        "db-careful",
        &["db-disk-full", "--seed", "7"],
        DB_DISK_FULL_CAREFUL,
    );
    assert!(printed_total(&out) >= 90.0, "{out}");
    assert_snap!("db_disk_full_careful_session", out);
}

/// Watches the deploy, proves the slope, names the leak, rolls back, confirms, resolves.
const APP_MEMORY_LEAK_ROLLBACK: &str = r#"status
describe app
top
metrics app-1 memory --last 30m
logs app-1
wait 3m
metrics app-1 memory --last 10m
metrics app memory --last 10m
describe app-1
ping lb-1 app-1
describe dc-west-1
alerts
note "Memory on every app instance has climbed ~80 MB/min since the 4.12.0 release: a leak. app-1 runs out in ~20 min. Rolling app back to 4.11.3."
hint
rollback app
wait 5m
metrics app-1 memory --last 15m
status
note "Resolved: app is back on 4.11.3 and memory is flat. Cause: a memory leak in the 4.12.0 release."
resolve
"#;

#[test]
fn app_memory_leak_rollback_session_scores_near_the_reference() {
    let out = transcript(
        "leak-rollback",
        &["app-memory-leak", "--seed", "3"],
        APP_MEMORY_LEAK_ROLLBACK,
    );
    assert!(printed_total(&out) >= 90.0, "{out}");
    assert_snap!("app_memory_leak_rollback_session", out);
}

/// An exam-mode session that finds the partition but then restarts a healthy host, fails the
/// database over to the wrong side of the cut and never names the cause: penalties everywhere.
const ZONE_LINK_DOWN_POOR: &str = r#"status
alerts
wait 6m
alerts
top
describe lb
describe dc-east-b
metrics lb errors --last 10m
logs lb-2 --last 10m
ping lb-2 app-1
hint
restart app-2
failover db
note "Looking into errors on the storefront."
wait 10m
status
resolve
"#;

#[test]
fn zone_link_down_poor_session_shows_penalties() {
    let out = transcript(
        "zone-poor",
        &["zone-link-down", "--exam"],
        ZONE_LINK_DOWN_POOR,
    );
    assert!(out.contains("error: hints are off in exam mode"));
    assert!(out.contains("harmful"), "the failover is judged harmful");
    assert!(printed_total(&out) < 50.0, "{out}");
    assert_snap!("zone_link_down_poor_session", out);
}

/// Reaches for the big levers at once: restarts a healthy app host and fails the database over
/// to a replica 30 s behind, then never finds the writer.
const DB_DISK_FULL_RASH: &str = r#"alerts
restart app-2
failover db
status
wait 10m
note "Failed the database over to db-2 because db-1 was paging."
resolve
"#;

#[test]
fn db_disk_full_needless_restart_and_lossy_failover_are_penalised() {
    let out = transcript(
        "db-rash",
        &["db-disk-full", "--seed", "2"],
        DB_DISK_FULL_RASH,
    );
    assert!(out.contains("`restart app-2`: needless"), "{out}");
    assert!(out.contains("`failover db`: harmful"), "{out}");
    assert!(printed_total(&out) < 70.0, "{out}");
    assert_snap!("db_disk_full_rash_session", out);
}

/// Designing out a single point of failure: the replica goes in early, the failover comes a
/// little after the array goes (the candidate was waiting rather than watching).
const SINGLE_DATABASE_REPLICA: &str = r#"describe db
describe db-1
note "db-1 is our only database server and its storage array goes offline at 11:50 for the firmware upgrade. Adding a replica in eu-north-1b first, then failing over to it when the array goes."
scale db 2 in eu-north-1b
wait 10m
describe db
wait 38m
alerts
status
failover db
wait 3m
status
note "db-1 went down with the array at 11:50; failed over to the new replica db-2 in eu-north-1b and the storefront is serving again. Rebuild db-1 as a replica when the storage is back."
resolve
"#;

#[test]
fn single_database_replica_then_late_failover() {
    let out = transcript(
        "single-db",
        &["single-database", "--seed", "3"],
        SINGLE_DATABASE_REPLICA,
    );
    assert!(out.contains("provisioning db-2 (eu-north-1b)"), "{out}");
    let total = printed_total(&out);
    assert!((60.0..100.0).contains(&total), "{out}");
    assert_snap!("single_database_replica_session", out);
}

/// A session of the small fixture scenario, loaded from a content folder instead of the library.
#[test]
fn fixture_scenario_plays_from_a_content_folder() {
    let script = "wait 90s\ntop\ndescribe app-1\nkill app-1 report-job\nnote \"report-job was pinning app-1's CPU; killed it\"\nresolve\n";
    let out = transcript(
        "fixture",
        &["--content", OK_FIXTURES, "tiny-runaway-cpu"],
        script,
    );
    assert_snap!("tiny_runaway_cpu_session", out);
}
