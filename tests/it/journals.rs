//! Journals: what `play` writes, and how `grade` treats journals that were edited, forged, cut
//! short by a crash, or played on other content.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::support::{OK_FIXTURES, ROOT, Scratch, journal_lines};

const SCRIPT: &str = "status\ndescribe db-1\nnote \"disk on db-1 filling from debug logging\"\nkill db-1 pg_debug_log\nresolve\n";

/// Plays [`SCRIPT`] on db-disk-full and returns the journal's path.
fn played(s: &Scratch) -> PathBuf {
    let (out, journal) = s.play("j.jsonl", &["db-disk-full", "--seed", "7"], SCRIPT);
    out.ok();
    journal
}

fn edit(s: &Scratch, journal: &Path, name: &str, f: impl FnOnce(String) -> String) -> PathBuf {
    let text = std::fs::read_to_string(journal).expect("journal");
    let edited = f(text.clone());
    assert_ne!(edited, text, "the edit changed something");
    s.write(name, edited)
}

/// Recomputes every checksum, as a forger who read the source would.
fn reseal(text: &str) -> String {
    let mut prev = String::new();
    let mut out = String::new();
    for line in text.lines() {
        let (body, _) = line
            .rsplit_once(r#""sum":""#)
            .expect("sum is the last field");
        let unsealed = format!(r#"{body}"sum":""}}"#);
        let digest = Sha256::digest(format!("{prev}\n{unsealed}").as_bytes());
        let sum: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
        out.push_str(&format!(r#"{body}"sum":"{sum}"}}"#));
        out.push('\n');
        prev = sum;
    }
    out
}

#[test]
fn journal_records_each_accepted_command_at_its_simulated_time() {
    let s = Scratch::new("journal-lines");
    let script = "status\nrestrat app-1\nwait 1m\nnote \"disk filling on db-1\"\nhint\nresolve\n";
    let (out, journal) = s.play("j.jsonl", &["db-disk-full", "--seed", "4"], script);
    out.ok();
    let lines = journal_lines(&journal);
    let header = &lines[0];
    assert_eq!(header["gameday_journal"], 1);
    assert_eq!(header["scenario"], "db-disk-full");
    assert_eq!(header["source"], "builtin:outage/db-disk-full.ron");
    assert_eq!(header["seed"], 4);
    assert_eq!(header["mode"], "practice");
    let entries: Vec<Value> = lines[1..]
        .iter()
        .map(|e| json!([e["n"], e["at_ms"], e["line"]]))
        .collect();
    // The misspelt command is refused and not journalled. The first one-second tick has run when
    // the prompt appears; looking and noting cost their time, a hint costs none.
    let first = 1_000;
    let wait = first + engine::LOOK_COST.ms();
    let note = wait + 60_000;
    let hint = note + engine::NOTE_COST.ms();
    assert_eq!(
        entries,
        [
            json!([1, first, "status"]),
            json!([2, wait, "wait 1m"]),
            json!([3, note, "note \"disk filling on db-1\""]),
            json!([4, hint, "hint"]),
            json!([5, hint, "resolve"]),
        ]
    );
}

#[test]
fn grade_refuses_a_journal_with_an_edited_command() {
    let s = Scratch::new("edited-command");
    let journal = played(&s);
    let edited = edit(&s, &journal, "edited.jsonl", |t| {
        t.replace("kill db-1 pg_debug_log", "kill db-1 postgres")
    });
    let out = s.grade(&edited, true);
    assert_eq!(out.code, 1);
    assert_eq!(
        s.redact(&out.stderr),
        "error: [TMP]/edited.jsonl: line 5: checksum does not match: the journal was edited or lines were removed\n"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn grade_refuses_a_journal_with_an_edited_seed() {
    let s = Scratch::new("edited-seed");
    let journal = played(&s);
    let edited = edit(&s, &journal, "edited.jsonl", |t| {
        t.replacen(r#""seed":7,"#, r#""seed":2,"#, 1)
    });
    let out = s.grade(&edited, false);
    assert_eq!(out.code, 1);
    assert_eq!(
        s.redact(&out.stderr),
        "error: [TMP]/edited.jsonl: line 1: the header's checksum does not match: the journal was edited\n"
    );
}

#[test]
fn grade_refuses_a_journal_with_a_line_removed() {
    let s = Scratch::new("removed-line");
    let journal = played(&s);
    let edited = edit(&s, &journal, "edited.jsonl", |t| {
        t.lines()
            .filter(|l| !l.contains(r#""line":"describe db-1""#))
            .map(|l| format!("{l}\n"))
            .collect()
    });
    let out = s.grade(&edited, false);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("line 3: checksum does not match"),
        "{}",
        out.stderr
    );
}

#[test]
fn grade_refuses_a_resealed_journal_whose_times_do_not_replay() {
    let s = Scratch::new("forged-time");
    let journal = played(&s);
    // Claim the fix happened half a minute earlier, and recompute every checksum.
    let forged = edit(&s, &journal, "forged.jsonl", |t| {
        reseal(&t.replace(r#""at_ms":101000"#, r#""at_ms":71000"#))
    });
    let out = s.grade(&forged, true);
    assert_eq!(out.code, 1, "{}", out.both());
    assert_eq!(
        s.redact(&out.stderr),
        "error: [TMP]/forged.jsonl: command 4 (`kill db-1 pg_debug_log`) was entered at 1m11s but replays at 1m41s: the journal does not match this scenario and engine\n"
    );
}

#[test]
fn grade_refuses_a_resealed_journal_with_a_command_the_engine_refuses() {
    let s = Scratch::new("forged-command");
    let journal = played(&s);
    let forged = edit(&s, &journal, "forged.jsonl", |t| {
        reseal(&t.replace("kill db-1 pg_debug_log", "kill db-1 pg_debug"))
    });
    let out = s.grade(&forged, true);
    assert_eq!(out.code, 1, "{}", out.both());
    assert!(
        s.redact(&out.stderr).starts_with(
            "error: [TMP]/forged.jsonl: command 4 (`kill db-1 pg_debug`) is refused on replay: "
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn resealing_an_unedited_journal_changes_nothing() {
    // Guards the two tests above: the forger's checksum is the real one.
    let s = Scratch::new("reseal");
    let text = std::fs::read_to_string(played(&s)).expect("journal");
    assert_eq!(reseal(&text), text);
}

#[test]
fn grade_drops_a_torn_last_line_with_a_warning() {
    let s = Scratch::new("torn");
    let journal = played(&s);
    let bytes = std::fs::read(&journal).expect("journal");
    let torn = s.write("torn.jsonl", &bytes[..bytes.len() - 5]);
    // The same journal as if the crash had come just before the last command.
    let text = String::from_utf8(bytes).expect("UTF-8");
    let lines: Vec<&str> = text.lines().collect();
    let shorter = s.write(
        "shorter.jsonl",
        lines[..lines.len() - 1]
            .iter()
            .map(|l| format!("{l}\n"))
            .collect::<String>(),
    );

    let out = s.grade(&torn, true);
    assert_eq!(out.code, 0, "{}", out.both());
    let torn_len = lines.last().expect("a last line").len() - 4;
    assert_eq!(
        s.redact(&out.stderr),
        format!(
            "warning: [TMP]/torn.jsonl: the last line ({torn_len} bytes) was cut short by a crash; it was never acknowledged and is ignored\n"
        )
    );
    assert_eq!(out.stdout, s.grade(&shorter, true).ok());
}

#[test]
fn grade_of_a_missing_journal_exits_1() {
    let s = Scratch::new("missing");
    let out = s.grade(&s.path("nope.jsonl"), false);
    assert_eq!(out.code, 1);
    assert!(
        s.redact(&out.stderr)
            .starts_with("error: cannot read journal [TMP]/nope.jsonl: "),
        "{}",
        out.stderr
    );
}

#[test]
fn grade_of_something_that_is_not_a_journal_exits_1() {
    let s = Scratch::new("not-a-journal");
    let empty = s.write("empty.jsonl", "");
    let out = s.grade(&empty, false);
    assert_eq!(out.code, 1);
    assert_eq!(
        s.redact(&out.stderr),
        "error: [TMP]/empty.jsonl: the journal is empty (not even a header)\n"
    );
    let text = s.write("notes.jsonl", "status\nresolve\n");
    let out = s.grade(&text, false);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("line 1: not a journal header"),
        "{}",
        out.stderr
    );
}

#[test]
fn play_refuses_to_overwrite_an_existing_journal() {
    let s = Scratch::new("overwrite");
    let journal = played(&s);
    let before = std::fs::read(&journal).expect("journal");
    let (out, _) = s.play("j.jsonl", &["db-disk-full", "--seed", "7"], SCRIPT);
    assert_eq!(out.code, 1);
    assert!(
        s.redact(&out.stderr)
            .starts_with("error: cannot create journal [TMP]/j.jsonl: "),
        "{}",
        out.stderr
    );
    assert_eq!(std::fs::read(&journal).expect("journal"), before);
}

#[test]
fn grade_needs_the_content_a_journal_was_played_on() {
    let s = Scratch::new("other-content");
    let content = s.path("content");
    std::fs::create_dir_all(&content).expect("content folder");
    let fixture = Path::new(ROOT)
        .join(OK_FIXTURES)
        .join("tiny-runaway-cpu.ron");
    let copy = content.join("tiny-runaway-cpu.ron");
    std::fs::copy(&fixture, &copy).expect("copy fixture");
    let content = content.to_str().expect("UTF-8 path");
    let journal = s.path("j.jsonl");
    let journal = journal.to_str().expect("UTF-8 path");
    let script = b"wait 2m\nkill app-1 report-job\nresolve\n";
    let play = [
        "--content",
        content,
        "play",
        "tiny-runaway-cpu",
        "--journal",
        journal,
    ];
    s.run(&play, script).ok();
    s.run(&["--content", content, "grade", journal], b"").ok();

    // The journal names the file it was played from, so it grades without the folder too.
    assert_eq!(s.run(&["grade", journal], b"").code, 0);

    // Once that file is gone, the built-in library has no such scenario.
    std::fs::remove_file(&copy).expect("remove the copy");
    let out = s.run(&["grade", journal], b"");
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.starts_with(
            "error: cannot find the journal's scenario: no scenario `tiny-runaway-cpu`"
        ),
        "{}",
        out.stderr
    );

    // The scenario changed since: replaying would not be faithful.
    std::fs::copy(&fixture, &copy).expect("copy fixture again");
    let text = std::fs::read_to_string(&copy).expect("copy");
    std::fs::write(&copy, text.replace("cores: 3.9", "cores: 3.5")).expect("edit copy");
    let out = s.run(&["--content", content, "grade", journal], b"");
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .contains("the journal was played on a different version of `tiny-runaway-cpu`")
            && out.stderr.contains("the simulation itself has changed"),
        "{}",
        out.stderr
    );
}
