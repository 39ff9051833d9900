//! The REPL fed from a pipe: mistakes are explained and cost nothing, odd input never crashes it,
//! and a session ends by resolving, by quitting, at end of input or when time runs out.

use crate::support::{OK_FIXTURES, Scratch, journal_lines};

/// Every kind of mistake a candidate makes at the prompt, one a line.
const MISTAKES: &str = r#"restrat app-1
restart
restart app-1 app-2
wait 5
wait 0s
wait -5m
describe db-9
metrics db-1 dsk
metrics db-1 disk --last
metrics db-1 disk --last 0m
logs db-1 --since 5m
kill db-1
kill db-1 nosuch
scale app -1
scale app many
extend-volume db-1 lots
note
note ""
describe "db-1
ping app-1
ping app-1 nowhere
failover app
status --last 5m
help nosuch
quit
"#;

#[test]
fn malformed_commands_are_explained_and_cost_nothing() {
    let s = Scratch::new("mistakes");
    let (out, journal) = s.play("j.jsonl", &["db-disk-full"], MISTAKES);
    let stdout = out.ok();
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    // Every line but `quit` is refused (`help nosuch` too), at the same simulated minute.
    let mistakes = MISTAKES.lines().count() - 1;
    assert_eq!(stdout.matches("\nerror: ").count(), mistakes, "{stdout}");
    assert_eq!(
        stdout.matches("[02:14] db-disk-full> ").count(),
        mistakes + 1
    );
    assert_eq!(
        journal_lines(&journal).len(),
        1,
        "only the header is written"
    );
    assert_snap!("repl_mistakes", s.redact(stdout));
}

#[test]
fn an_overlong_line_is_refused_whole() {
    let s = Scratch::new("long-line");
    let note = format!("note \"{}\"\nquit\n", "disk full ".repeat(512));
    let (out, journal) = s.play("j.jsonl", &["db-disk-full"], &note);
    let stdout = out.ok();
    assert!(
        stdout.contains("\nerror: that line is 5127 bytes; commands are at most 4096\n"),
        "{stdout}"
    );
    assert_eq!(journal_lines(&journal).len(), 1, "nothing was journalled");
}

#[test]
fn an_overlong_line_without_a_newline_is_refused_without_reading_it_whole_into_a_command() {
    // A mebibyte with no newline, then the end of the input: refused, and the echo is cut short.
    let s = Scratch::new("long-tail");
    let mut input = b"status\n".to_vec();
    input.extend(std::iter::repeat_n(b'x', 1 << 20));
    let (out, journal) = s.play(
        "j.jsonl",
        &["db-disk-full"],
        &String::from_utf8(input).unwrap(),
    );
    let stdout = out.ok();
    assert!(
        stdout.contains(&format!(
            "\n[02:14] db-disk-full> {}… (1048576 bytes)\nerror: that line is 1048576 bytes; commands are at most 4096\n",
            "x".repeat(60)
        )),
        "{}",
        &stdout[stdout.len().saturating_sub(2_000)..]
    );
    assert!(stdout.len() < 20_000, "the line is not echoed whole");
    assert_eq!(
        journal_lines(&journal).len(),
        2,
        "only `status` was journalled"
    );
}

#[test]
fn invalid_utf8_on_stdin_is_refused_line_by_line() {
    let s = Scratch::new("bytes");
    let journal = s.path("j.jsonl");
    let journal_arg = journal.to_str().expect("UTF-8 path");
    let out = s.run(
        &["play", "db-disk-full", "--journal", journal_arg],
        b"st\xffatus\nnote \"caf\xe9\"\n\xc3\x28\x00\nstatus\nquit\n",
    );
    let stdout = out.ok();
    for byte in [3, 10, 1] {
        assert!(
            stdout.contains(&format!(
                "\nerror: that line is not UTF-8 (byte {byte} is not valid); nothing was run\n"
            )),
            "{stdout}"
        );
    }
    assert!(
        stdout.contains("\nalerts firing: 1\n"),
        "`status` still works after"
    );
    let lines = journal_lines(&journal);
    assert_eq!(lines.len(), 2, "only `status` was journalled");
    assert_eq!(lines[1]["line"], "status");
}

#[test]
fn a_last_line_without_a_newline_is_run_like_any_other() {
    let s = Scratch::new("eof-mid-line");
    let (out, journal) = s.play("j.jsonl", &["db-disk-full"], "status\r\nwait 2m");
    let stdout = out.ok();
    assert!(
        stdout.contains("\n[02:14] db-disk-full> wait 2m\nwaited 2m (02:14 -> 02:16)\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("\nLeft at 02:16 without resolving."),
        "{stdout}"
    );
    let lines = journal_lines(&journal);
    let commands: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l["line"].as_str().unwrap())
        .collect();
    assert_eq!(commands, ["status", "wait 2m"]);
}

#[test]
fn help_describes_every_command_without_moving_the_clock() {
    let s = Scratch::new("help");
    let mut script = String::from("help\n?\n");
    for c in engine::COMMANDS {
        script.push_str(&format!("help {}\n", c.name));
    }
    script.push_str("help quit\nquit\n");
    let (out, journal) = s.play("j.jsonl", &["db-disk-full"], &script);
    let stdout = out.ok();
    for c in engine::COMMANDS {
        let listed = stdout
            .lines()
            .filter(|l| l.starts_with(&format!("  {} ", c.usage)) && l.ends_with(c.summary))
            .count();
        assert_eq!(listed, 2, "`{}` is in the lists of `help` and `?`", c.name);
        let own = format!("usage: {}\n{}\n{}\n", c.usage, c.summary, c.detail);
        assert!(stdout.contains(&own), "`help {}` explains it", c.name);
    }
    assert!(!stdout.contains("error:"), "{stdout}");
    assert!(!stdout.contains("[02:15]"), "help takes no simulated time");
    assert_eq!(journal_lines(&journal).len(), 1, "help is not journalled");
}

#[test]
fn end_of_input_leaves_unresolved_and_the_journal_still_grades() {
    let s = Scratch::new("eof");
    let (out, journal) = s.play("j.jsonl", &["db-disk-full"], "status\nwait 2m\n");
    let stdout = s.redact(out.ok());
    assert!(
        stdout.ends_with(
            "\nLeft at 02:16 without resolving. The session is saved in [TMP]/j.jsonl\nGo on with it:          gameday play --resume [TMP]/j.jsonl\nGrade it as it stands:  gameday grade [TMP]/j.jsonl\n"
        ),
        "{stdout}"
    );
    assert!(!stdout.contains("total"), "no scorecard when leaving");
    let card: serde_json::Value =
        serde_json::from_str(s.grade(&journal, true).ok()).expect("JSON scorecard");
    assert!(card["total"].as_f64().is_some());
}

#[test]
fn quit_and_exit_leave_at_once_when_input_is_piped() {
    let s = Scratch::new("quit");
    for word in ["quit", "exit"] {
        let (out, journal) = s.play(
            &format!("{word}.jsonl"),
            &["db-disk-full"],
            &format!("status\n{word}\nstatus\n"),
        );
        let stdout = out.ok();
        assert_eq!(
            stdout.matches("> status").count(),
            1,
            "nothing read after {word}"
        );
        assert!(stdout.contains("Left at 02:14 without resolving."));
        assert_eq!(journal_lines(&journal).len(), 2);
    }
}

#[test]
fn resolve_ends_the_session_and_later_lines_are_not_read() {
    let s = Scratch::new("resolve");
    let (out, journal) = s.play("j.jsonl", &["db-disk-full"], "resolve\nstatus\n");
    let stdout = out.ok();
    assert!(!stdout.contains("> status"), "{stdout}");
    assert!(stdout.contains("incident declared resolved; the rest of the scenario plays out..."));
    assert_eq!(journal_lines(&journal).len(), 2);
}

#[test]
fn running_out_of_time_shows_the_scorecard() {
    let s = Scratch::new("time-up");
    let (out, _) = s.play(
        "j.jsonl",
        &["--content", OK_FIXTURES, "tiny-runaway-cpu"],
        "wait 1h\nstatus\n",
    );
    let stdout = out.ok();
    assert!(stdout.contains(" (09:00 -> 09:30)\n"), "{stdout}");
    assert!(
        stdout.contains("\nTime is up: the scenario's 30m have passed.\n"),
        "{stdout}"
    );
    assert!(!stdout.contains("> status"), "the session is over");
    assert!(stdout.contains("A report job pins an app host  total "));
}

#[test]
fn exam_mode_refuses_hints_and_says_so_up_front() {
    let s = Scratch::new("exam");
    let (out, journal) = s.play("j.jsonl", &["db-disk-full", "--exam"], "hint\nquit\n");
    let stdout = out.ok();
    assert!(
        stdout.contains(" | exam mode, no hints | seed 1\n"),
        "{stdout}"
    );
    assert!(stdout.contains("\nerror: hints are off in exam mode\n"));
    let header = &journal_lines(&journal)[0];
    assert_eq!(header["mode"], "exam");
    assert_eq!(journal_lines(&journal).len(), 1);
}

#[test]
fn a_script_file_plays_like_piped_input() {
    let s = Scratch::new("script");
    let script = "status\nkill db-1 pg_debug_log\nresolve\n";
    let file = s.write("cmds.txt", script);
    let (piped, _) = s.play("journal.jsonl", &["db-disk-full", "--seed", "7"], script);
    let journal = s.path("other/journal.jsonl");
    let out = s.run(
        &[
            "play",
            "db-disk-full",
            "--seed",
            "7",
            "--script",
            file.to_str().expect("UTF-8 path"),
            "--journal",
            journal.to_str().expect("UTF-8 path"),
        ],
        b"",
    );
    let from_file = s.redact(out.ok()).replace("[TMP]/other/", "[TMP]/");
    assert_eq!(from_file, s.redact(piped.ok()));
}
