//! Backup and recovery end to end: a whole scripted session of the dropped-table scenario
//! snapshotted from the briefing to the scorecard, and the storage commands' refusals.

use crate::support::{Scratch, printed_total};

/// Checks the catalogue, verifies before restoring, restores the newest good backup, confirms,
/// re-protects and resolves. Seed 1 spoils the two newest backups and has 200 GB of data.
const DROPPED_TABLE_CAREFUL: &str = r#"status
logs db-1 --last 10m
describe db
backup list db
backup verify e3b07c44
backup verify 5a1f9d20
backup verify c9d24e18
note "Checkout failing for about a third of requests: a staging migration dropped order_items on the production database. The replica has the drop too; restoring from backup once the newest backups verify."
wait 7m
backup list db
restore db from c9d24e18
describe db-1
note "The two newest backups are corrupt; restoring from the 02:00 backup, down about 8 minutes. Writes since 02:00 are lost."
wait 9m
status
backup create db to s3-east
note "Restored from the 02:00 backup; the storefront is healthy. Root cause: a migration ran DROP TABLE order_items in production."
resolve
"#;

#[test]
fn dropped_table_careful_session_verifies_then_restores_the_newest_good_backup() {
    let s = Scratch::new("dr-careful");
    let (out, journal) = s.play(
        "session.jsonl",
        &["dropped-table-restore", "--seed", "1"],
        DROPPED_TABLE_CAREFUL,
    );
    let stdout = out.ok().to_owned();
    assert!(out.stderr.is_empty(), "stderr: {}", out.stderr);
    assert!(journal.exists());
    let stdout = s.redact(&stdout);
    assert!(printed_total(&stdout) >= 90.0, "{stdout}");
    assert_snap!("dropped_table_careful_session", stdout);
}

#[test]
fn storage_commands_refuse_what_cannot_be_done_and_cost_nothing() {
    let s = Scratch::new("dr-refusals");
    let (out, _) = s.play(
        "session.jsonl",
        &["ransomware-offsite-restore", "--seed", "1"],
        "restart db-1\nreboot db-2\nbackup verify 6c0e93b1\nrestore db from 2e8a61fd\nrestore lb from d4f3a920\nbackup verfy d4f3a920\nreplica promote db-2\nbackup schedule db every 30s to vault\nquit\n",
    );
    let text = out.both();
    for expected in [
        "db-1's data volume is lost",
        "db-2's data volume is lost",
        "backup 6c0e93b1 is at snap-array, which is unavailable (destroyed or encrypted)",
        "backup 2e8a61fd is at s3-dr, which is unavailable",
        "lb is not a database",
        "did you mean `verify`?",
        "promote a replica that still has its data",
        "more often than every minute",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    assert!(
        !text.contains("[06:06]"),
        "refused commands take no time:\n{text}"
    );
}
