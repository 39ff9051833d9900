//! Virtualisation from the candidate's side: a whole scripted maintenance session, the
//! mistakes the hypervisor commands refuse, and a harmful shortcut the grader catches.

use crate::support::{Scratch, printed_total};

/// Tries maintenance too early, finds the room, pauses CI, evacuates, confirms, resolves.
const EVACUATION_PLANNED: &str = r#"hv list
maintenance hv-2 on
hv show hv-2
hv show hv-1
note "Starting CHG-20931: hv-2 needs maintenance for the NIC firmware fix. Not enough room: its 128 GB database VM fits nowhere without breaking db-apart, so CI pauses (ci-1 shut down) to make room on hv-1, then hv-2 is evacuated."
shutdown ci-1
maintenance hv-2 on
wait 2m
hv show hv-2
wait 2m
hv list
describe db-1
metrics db steal --last 10m
status
note "hv-2 is in maintenance with no VMs; firmware can be flashed. Every anti-affinity rule holds, no errors. Root cause of the tight spot: no N+1 headroom in the cluster; capacity follow-up filed."
resolve
"#;

#[test]
fn maintenance_evacuation_session_after_making_room_scores_full_marks() {
    let s = Scratch::new("virt-evacuation");
    let (out, journal) = s.play(
        "session.jsonl",
        &["virt-maintenance-evacuation", "--seed", "1"],
        EVACUATION_PLANNED,
    );
    let stdout = out.ok();
    assert!(out.stderr.is_empty(), "stderr: {}", out.stderr);
    assert!(journal.exists());
    assert!(printed_total(stdout) >= 95.0, "{stdout}");
    assert_snap!("virt_maintenance_evacuation_session", s.redact(stdout));
}

/// Every way to get the hypervisor commands wrong is refused with what to type instead.
const MISTAKES: &str = r#"hv
hv show
hv show hv-9
hv frobnicate
migrate db-1 hv-4
migrate db-1 to hv-9
migrate lb-1 to hv-3
migrate db-1 to hv-1
migrate db-1 to hv-4
maintenance hv-1 sideways
maintenance hv-4 off
help migrate
resolve
"#;

#[test]
fn hypervisor_command_mistakes_are_refused_with_guidance() {
    let s = Scratch::new("virt-mistakes");
    let (out, _) = s.play(
        "session.jsonl",
        &["virt-noisy-neighbour", "--seed", "1"],
        MISTAKES,
    );
    let stdout = out.ok();
    let from = stdout
        .find("[00:03] virt-noisy-neighbour> hv\n")
        .expect("prompt");
    let to = stdout.find("incident declared resolved").expect("resolved");
    assert_snap!("virt_mistakes", s.redact(&stdout[from..to]));
}

#[test]
fn killing_the_noisy_neighbours_essential_job_is_graded_harmful() {
    let s = Scratch::new("virt-kill");
    let (out, journal) = s.play(
        "session.jsonl",
        &["virt-noisy-neighbour", "--seed", "1"],
        "describe report-1\nkill report-1 ledger-close\nresolve\n",
    );
    out.ok();
    let graded = s.grade(&journal, false);
    let text = graded.ok();
    assert!(
        text.contains("`kill report-1 ledger-close`: harmful — killed ledger-close on report-1"),
        "{text}"
    );
}

#[test]
fn steal_is_a_metric_only_where_there_are_hypervisors() {
    let s = Scratch::new("virt-steal-metric");
    let (out, _) = s.play(
        "session.jsonl",
        &["db-disk-full", "--seed", "7"],
        "metrics db-1 steal\nhv list\nresolve\n",
    );
    let stdout = out.ok();
    assert!(
        stdout.contains("error: this estate has no hypervisors; CPU steal is measured on VMs"),
        "{stdout}"
    );
    assert!(
        stdout.contains("error: this estate has no hypervisors; every host is bare metal"),
        "{stdout}"
    );
}
