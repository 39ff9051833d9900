//! Assessments: packs sat by script, killed with a real signal and resumed, regraded into
//! reports that an uninterrupted sitting matches; tampering detected; time limits enforced.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::support::{ROOT, Scratch};

const PACK: &str = "tests/fixtures/packs/two-incidents.ron";

/// One sitting's commands: five in db-disk-full (which `resolve` closes), five in
/// expired-api-cert. Valid in every variant of both.
const COMMANDS: [&str; 10] = [
    "status",
    "describe db-1",
    "note looking at the disk on db-1: something is writing fast",
    "logs db-1",
    "resolve",
    "status",
    "note checking the api certificate",
    "wait 5m",
    "status",
    "resolve",
];

fn script(lines: &[&str]) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}

fn spawn(args: &[&str], data: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_gameday"))
        .args(["--color", "never"])
        .args(args)
        .current_dir(ROOT)
        .env("GAMEDAY_HISTFILE", "")
        .env("GAMEDAY_DATA_DIR", data)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("gameday runs")
}

/// Records in a journal (lines after the header), 0 if it does not exist yet.
fn records(journal: &Path) -> usize {
    std::fs::read_to_string(journal).map_or(0, |t| t.lines().count().saturating_sub(1))
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..1_200 {
        if done() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("gave up waiting for {what}");
}

/// A report's JSON with everything measured by the wall clock taken out: what is left is what
/// replay decides, and must not depend on crashes or timing.
fn graded_part(mut v: serde_json::Value) -> serde_json::Value {
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                for key in ["integrity", "wall_used_s", "wall_gap_s"] {
                    map.remove(key);
                }
                map.values_mut().for_each(strip);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut v);
    v
}

fn report_json(s: &Scratch, dir: &Path) -> serde_json::Value {
    let out = s.run(&["report", dir.to_str().unwrap(), "--json"], b"");
    let all: serde_json::Value = serde_json::from_str(out.ok()).expect("report --json is JSON");
    all[0].clone()
}

/// `gameday assess --pack PACK --candidate NAME --out DIR [EXTRA...]` with `commands` on stdin.
fn sit(
    s: &Scratch,
    dir: &Path,
    candidate: &str,
    extra: &[&str],
    commands: &[&str],
) -> crate::support::Output {
    let mut args = assess_args(PACK, candidate, dir);
    args.extend_from_slice(extra);
    s.run(&args, script(commands).as_bytes())
}

/// `assess --pack PACK --candidate NAME --out DIR`.
fn assess_args<'a>(pack: &'a str, candidate: &'a str, dir: &'a Path) -> Vec<&'a str> {
    vec![
        "assess",
        "--pack",
        pack,
        "--candidate",
        candidate,
        "--out",
        dir.to_str().expect("temp paths are UTF-8"),
    ]
}

fn sit_uninterrupted(s: &Scratch, dir: &Path, candidate: &str) {
    let out = sit(s, dir, candidate, &[], &COMMANDS);
    assert!(
        out.ok().contains("The assessment is complete"),
        "{}",
        out.both()
    );
}

/// Sits the pack, killing the process with SIGKILL after `before_kill` commands have been
/// acknowledged (the second scenario's journal holds them), then resumes and finishes.
fn sit_killed_and_resumed(s: &Scratch, dir: &Path, candidate: &str, before_kill: usize) {
    let mut child = spawn(&assess_args(PACK, candidate, dir), &s.path("data"));
    let mut stdin = child.stdin.take().expect("piped");
    stdin
        .write_all(script(&COMMANDS[..before_kill]).as_bytes())
        .expect("write commands");
    stdin.flush().expect("flush");
    let second = dir.join("02-expired-api-cert.jsonl");
    let in_second = before_kill - 5;
    wait_for("the commands to be acknowledged", || {
        records(&second) == in_second
    });
    child.kill().expect("SIGKILL the sitting");
    let status = child.wait().expect("reaped");
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), Some(9), "killed by SIGKILL");
    }
    drop(stdin);
    let out = s.run(
        &["assess", "--resume", dir.to_str().unwrap()],
        script(&COMMANDS[before_kill..]).as_bytes(),
    );
    let text = out.ok();
    assert!(text.contains("Resuming"), "{}", out.both());
    assert!(
        text.contains(&format!("Resumed: {in_second} command")),
        "{}",
        out.both()
    );
    assert!(
        text.contains("The assessment is complete"),
        "{}",
        out.both()
    );
}

#[test]
fn a_killed_and_resumed_sitting_reports_exactly_as_an_uninterrupted_one() {
    let s = Scratch::new("assess-kill");
    for (candidate, before_kill) in [("Alice Kay", 7), ("Bob Lee", 8)] {
        let clean = s.path(&format!("clean/{candidate}"));
        let killed = s.path(&format!("killed/{candidate}"));
        sit_uninterrupted(&s, &clean, candidate);
        sit_killed_and_resumed(&s, &killed, candidate, before_kill);
        let a = report_json(&s, &clean);
        let b = report_json(&s, &killed);
        assert_eq!(
            graded_part(a.clone()),
            graded_part(b.clone()),
            "{candidate}"
        );
        assert_eq!(
            a["scenarios"][1]["timeline"]["commands"]
                .as_array()
                .unwrap()
                .len(),
            5
        );
        assert_eq!(a["integrity"]["resumes"].as_array().unwrap().len(), 0);
        assert_eq!(b["integrity"]["resumes"].as_array().unwrap().len(), 1);
        assert_eq!(b["integrity"]["resumes"][0]["scenario"], "expired-api-cert");
        assert_eq!(a["complete"], true);
    }
    // The two candidates were given different variants.
    let alice = report_json(&s, &s.path("clean/Alice Kay"));
    let bob = report_json(&s, &s.path("clean/Bob Lee"));
    assert_ne!(alice["seed"], bob["seed"]);
    for i in 0..2 {
        assert_ne!(
            alice["scenarios"][i]["variant"], bob["scenarios"][i]["variant"],
            "scenario {i}"
        );
    }
}

#[test]
fn the_ranking_table_csv_and_comparison_page_cover_every_candidate() {
    let s = Scratch::new("assess-rank");
    for c in ["Ada", "Grace"] {
        sit_uninterrupted(&s, &s.path(&format!("sat/{c}")), c);
    }
    let csv = s.path("rank.csv");
    let html = s.path("rank.html");
    let out = s.run(
        &[
            "report",
            s.path("sat/Ada").to_str().unwrap(),
            s.path("sat/Grace").to_str().unwrap(),
            "--csv",
            csv.to_str().unwrap(),
            "--html",
            html.to_str().unwrap(),
        ],
        b"",
    );
    let table = out.ok();
    assert!(table.contains("Ada") && table.contains("Grace"), "{table}");
    assert!(table.contains("db-disk-full") && table.contains("expired-api-cert"));
    let csv = std::fs::read_to_string(csv).unwrap();
    assert_eq!(csv.lines().count(), 3, "{csv}");
    let page = std::fs::read_to_string(html).unwrap();
    assert!(page.contains("Ada") && page.contains("Grace"));
    for c in ["Ada", "Grace"] {
        for f in ["report.json", "report.md", "report.html"] {
            assert!(s.path(&format!("sat/{c}/{f}")).is_file(), "{c}/{f}");
        }
    }
}

#[test]
fn an_edited_journal_is_refused_and_an_edited_report_changes_nothing() {
    let s = Scratch::new("assess-tamper");
    let dir = s.path("sat");
    sit_uninterrupted(&s, &dir, "Ada");
    let before = report_json(&s, &dir);
    let dirs = dir.to_str().unwrap();

    // A stored report claiming a better score is ignored: every report is made by replay.
    let report = dir.join("report.json");
    let text = std::fs::read_to_string(&report).unwrap();
    let forged = text.replacen(
        &format!("\"total\": {}", before["total"]),
        "\"total\": 99.0",
        1,
    );
    assert_ne!(forged, text, "the total was found to forge");
    std::fs::write(&report, forged).unwrap();
    assert_eq!(report_json(&s, &dir)["total"], before["total"]);

    // A command changed after the fact breaks the journal's chain.
    let journal = dir.join("01-db-disk-full.jsonl");
    let original = std::fs::read_to_string(&journal).unwrap();
    std::fs::write(&journal, original.replace("describe db-1", "describe db-2")).unwrap();
    let out = s.run(&["report", dirs], b"");
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("checksum does not match"),
        "{}",
        out.both()
    );
    let out = s.run(&["grade", journal.to_str().unwrap()], b"");
    assert_eq!(out.code, 1);
    std::fs::write(&journal, &original).unwrap();
    s.run(&["report", dirs], b"").ok();
}

/// A scenario copied to a content folder, sat, then edited: a change to the simulation is
/// refused; a change to the rubric alone regrades against the current file, saying so.
#[test]
fn an_edited_scenario_is_refused_unless_only_its_rubric_changed() {
    let s = Scratch::new("assess-edit-scenario");
    let content = s.path("content");
    std::fs::create_dir_all(&content).unwrap();
    let original =
        std::fs::read_to_string(Path::new(ROOT).join("content/security/expired-api-cert.ron"))
            .unwrap();
    let file = content.join("expired-api-cert.ron");
    std::fs::write(&file, &original).unwrap();
    let journal = s.path("j.jsonl");
    let out = s.run(
        &[
            "--content",
            content.to_str().unwrap(),
            "play",
            "expired-api-cert",
            "--journal",
            journal.to_str().unwrap(),
        ],
        b"status\nresolve\n",
    );
    out.ok();
    let grade = |s: &Scratch| {
        s.run(
            &[
                "--content",
                content.to_str().unwrap(),
                "grade",
                journal.to_str().unwrap(),
            ],
            b"",
        )
    };
    let first = grade(&s);
    first.ok();

    // The rubric's weights change: the same commands, regraded on the new rubric.
    let reweighted = original.replacen("weight: ", "weight: 7", 1);
    assert_ne!(reweighted, original);
    std::fs::write(&file, &reweighted).unwrap();
    let out = grade(&s);
    assert!(
        out.stderr
            .contains("only in its rubric or reference solution"),
        "{}",
        out.both()
    );
    assert_ne!(out.ok(), first.stdout, "the new weights change the grade");

    // The simulation changes (a longer time limit): refused.
    let moved = original.replacen("time_limit: \"1h\"", "time_limit: \"1h10m\"", 1);
    assert_ne!(moved, original);
    std::fs::write(&file, &moved).unwrap();
    let out = grade(&s);
    assert_eq!(out.code, 1, "{}", out.both());
    assert!(
        out.stderr.contains("the simulation itself has changed"),
        "{}",
        out.both()
    );
}

#[test]
fn a_scenario_closes_when_its_time_runs_out() {
    let s = Scratch::new("assess-expiry");
    let pack = s.write(
        "short.ron",
        std::fs::read_to_string(Path::new(ROOT).join(PACK))
            .unwrap()
            .replace(
                "(scenario: \"db-disk-full\", time_limit: \"30m\")",
                "(scenario: \"db-disk-full\", time_limit: \"1s\")",
            ),
    );
    let dir = s.path("sat");
    let mut child = spawn(
        &assess_args(pack.to_str().unwrap(), "Ada", &dir),
        &s.path("data"),
    );
    let mut stdin = child.stdin.take().unwrap();
    wait_for("the first scenario to open", || {
        dir.join("01-db-disk-full.jsonl").is_file()
    });
    std::thread::sleep(Duration::from_millis(1_500));
    // Too late for the first scenario: refused there, and the rest go to the second.
    stdin
        .write_all(script(&["status", "status", "resolve"]).as_bytes())
        .unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(records(&dir.join("01-db-disk-full.jsonl")), 0);
    assert_eq!(records(&dir.join("02-expired-api-cert.jsonl")), 2);
    let log = std::fs::read_to_string(dir.join("session.jsonl")).unwrap();
    assert!(log.contains(r#""scenario":0,"outcome":"time_up""#), "{log}");
    let report = report_json(&s, &dir);
    assert_eq!(report["scenarios"][0]["status"], "time_up");
    assert_eq!(report["scenarios"][1]["status"], "resolved");
}

#[test]
fn a_torn_journal_line_is_reported_and_the_sitting_goes_on() {
    let s = Scratch::new("assess-torn");
    let dir = s.path("sat");
    let out = sit(&s, &dir, "Ada", &[], &COMMANDS[..3]);
    assert!(out.ok().contains("assess --resume"), "{}", out.both());
    let journal: PathBuf = dir.join("01-db-disk-full.jsonl");
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&journal)
        .unwrap();
    f.write_all(br#"{"n":4,"at_ms":80000,"line":"logs d"#)
        .unwrap();
    drop(f);
    let out = s.run(
        &["assess", "--resume", dir.to_str().unwrap()],
        script(&COMMANDS[3..]).as_bytes(),
    );
    assert!(out.stderr.contains("cut short"), "{}", out.both());
    assert!(out.ok().contains("The assessment is complete"));
    assert_eq!(records(&journal), 5);
    let out = s.run(&["assess", "--resume", dir.to_str().unwrap()], b"");
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("is finished"), "{}", out.both());
}

#[test]
fn play_resume_goes_on_with_a_stopped_session() {
    let s = Scratch::new("play-resume");
    let (out, journal) = s.play("j.jsonl", &["--seed", "7"], "status\ndescribe db-1\n");
    assert!(out.ok().contains("play --resume"), "{}", out.both());
    let j = journal.to_str().unwrap();
    let out = s.run(
        &["play", "--resume", j],
        b"note disk filling on db-1\nresolve\n",
    );
    let text = out.ok();
    assert!(text.contains("Resumed: 2 commands replayed"), "{text}");
    assert!(text.contains("total "), "{text}");
    assert_eq!(records(&journal), 4);
    let out = s.run(&["play", "--resume", j], b"");
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("is finished"), "{}", out.both());
}

/// The Markdown report as a hiring manager reads it, with the wall-clock figures (which differ on
/// every sitting) masked; the integrity section is tested on fixed times in the unit tests.
#[test]
fn markdown_and_json_reports_are_stable() {
    let s = Scratch::new("assess-snapshots");
    let dir = s.path("sat");
    let out = sit(&s, &dir, "Ada Lovelace", &["--seed", "4242"], &COMMANDS);
    out.ok();
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    let (graded, rest) = md
        .split_once("## Integrity signals")
        .expect("an integrity section");
    let notes = rest.split_once("## Notes").expect("notes").1;
    let mut masked = String::new();
    for line in graded.lines() {
        let line = if line.starts_with("- Wall-clock time: ") {
            "- Wall-clock time: [wall]".to_owned()
        } else if line.starts_with("| ") {
            // Table cells holding wall-clock figures: `0.1 s / 30 min` and `+0.1 s`.
            line.split(" | ")
                .map(|cell| {
                    if cell.contains(" s / ") || cell.contains(" min / ") {
                        "[wall] / limit".to_owned()
                    } else if cell.starts_with('+')
                        && (cell.ends_with(" s") || cell.ends_with(" min"))
                    {
                        "+[gap]".to_owned()
                    } else {
                        cell.to_owned()
                    }
                })
                .collect::<Vec<_>>()
                .join(" | ")
        } else {
            line.to_owned()
        };
        masked.push_str(&line);
        masked.push('\n');
    }
    masked.push_str("## Notes");
    masked.push_str(notes);
    assert_snap!("report_markdown", masked);

    // The JSON, less the wall clock, with each chart's samples summarised.
    let mut json = graded_part(report_json(&s, &dir));
    for scenario in json["scenarios"].as_array_mut().unwrap() {
        let samples = &mut scenario["timeline"]["samples"];
        let n = samples.as_array().unwrap().len();
        let first = samples[0].clone();
        *samples = serde_json::json!({"count": n, "first": first});
    }
    assert_snap!("report_json", serde_json::to_string_pretty(&json).unwrap());
}
