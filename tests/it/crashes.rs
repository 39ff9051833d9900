//! Crash safety: a session killed at random points (SIGKILL, or Ctrl-C's SIGINT with piped input)
//! never loses a command whose result it printed, its journal is a prefix of the uninterrupted
//! session's, and `play --resume` goes on from it to the very same journal. A torn last record is
//! dropped and reported on resume; a damaged record with whole records after it is refused.
//!
//! `GAMEDAY_KILL_TRIALS=N` runs N SIGKILL trials (default 24); see docs/reliability.md.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;

use crate::support::{ROOT, Scratch};

const SCENARIO: &str = "db-disk-full";
const SEED: &str = "3";

/// Looks, actions, waits and notes, with three refused commands among them; no `resolve`, so the
/// input ends first and the session stops, resumable.
const SCRIPT: &[&str] = &[
    "status",
    "describe db-1",
    "restrat app-1",
    "metrics db-1 disk --last 10m",
    "note \"disk filling on db-1 — looking at what writes to it\"",
    "logs db-1",
    "kill db-1 nosuch",
    "wait 2m",
    "top",
    "ping app-1 db-1",
    "alerts",
    "describe db",
    "wait 1m",
    "metrics db rps --last 5m",
    "describe lb",
    "status",
    "describe app-1",
    "scale",
    "wait 3m",
    "logs app",
    "note \"still looking\"",
    "describe dc-north-1",
    "top",
    "wait 1m",
    "alerts",
    "metrics app-1 cpu --last 5m",
    "describe app-2",
    "wait 2m",
    "status",
];

fn script(lines: &[&str]) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}

/// The command an echoed prompt line carries (`[02:14] db-disk-full> status` → `status`).
fn echoed(line: &str) -> Option<&str> {
    let (_, command) = line.split_once(&format!("] {SCENARIO}> "))?;
    line.starts_with('[').then_some(command)
}

/// Every command the session echoed, with whether a result was shown for it: `Some(true)` an
/// accepted command's result (acknowledged: it was journalled and synced first), `Some(false)` a
/// refusal, `None` nothing yet. Only whole lines count.
fn shown(stdout: &str) -> Vec<(String, Option<bool>)> {
    let whole = match stdout.rfind('\n') {
        Some(i) => &stdout[..=i],
        None => "",
    };
    let lines: Vec<&str> = whole.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if let Some(command) = echoed(line) {
            let result = lines
                .get(i + 1)
                .filter(|next| echoed(next).is_none())
                .map(|next| !next.starts_with("error: "));
            out.push((command.to_owned(), result));
        }
    }
    out
}

fn acknowledged(stdout: &str) -> Vec<String> {
    shown(stdout)
        .into_iter()
        .filter(|(_, result)| *result == Some(true))
        .map(|(command, _)| command)
        .collect()
}

/// A journal's records as (n, simulated ms, command), and whether a torn last line follows them;
/// `None` if there is no whole header line.
type Records = Vec<(u64, u64, String)>;

fn records(path: &Path) -> Option<(Records, bool)> {
    let bytes = std::fs::read(path).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    let mut lines: Vec<&str> = text.split('\n').collect();
    let torn = !lines.pop().expect("split yields a piece").is_empty();
    if lines.is_empty() {
        return None;
    }
    let entries = lines[1..]
        .iter()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("a whole journal line is JSON");
            (
                v["n"].as_u64().expect("n"),
                v["at_ms"].as_u64().expect("at_ms"),
                v["line"].as_str().expect("line").to_owned(),
            )
        })
        .collect();
    Some((entries, torn))
}

fn gameday(s: &Scratch, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_gameday"));
    c.arg("--color")
        .arg("never")
        .args(args)
        .current_dir(ROOT)
        .env("GAMEDAY_HISTFILE", "")
        .env("GAMEDAY_DATA_DIR", s.path("data"))
        .env("NO_COLOR", "1");
    c
}

fn play_args(journal: &Path) -> Vec<String> {
    vec![
        "play".into(),
        SCENARIO.into(),
        "--seed".into(),
        SEED.into(),
        "--journal".into(),
        journal.to_str().expect("UTF-8 path").into(),
    ]
}

/// The session played to the end of [`SCRIPT`] without interruption: its journal's records and,
/// for each line of the script, whether it was accepted.
fn uninterrupted(s: &Scratch) -> (Records, Vec<bool>) {
    let journal = s.path("whole.jsonl");
    let args = play_args(&journal);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = s.run(&args, script(SCRIPT).as_bytes());
    let accepted: Vec<bool> = shown(out.ok())
        .into_iter()
        .map(|(_, r)| r.expect("every command was answered"))
        .collect();
    assert_eq!(accepted.len(), SCRIPT.len(), "every line was echoed");
    assert_eq!(
        accepted.iter().filter(|a| !**a).count(),
        3,
        "three refusals"
    );
    let (entries, torn) = records(&journal).expect("a journal");
    assert!(!torn);
    assert_eq!(entries.len(), SCRIPT.len() - 3);
    (entries, accepted)
}

/// How to stop the session: which signal, once the `after`-th command has been echoed (or, with
/// `None`, right after starting) plus `delay`.
#[derive(Clone, Copy, Debug)]
struct Kill {
    signal: rustix::process::Signal,
    after: Option<usize>,
    delay: Duration,
}

#[derive(Debug)]
struct Trial {
    stdout: String,
    /// The process had finished before the signal was sent.
    finished: bool,
    signal: Option<i32>,
}

/// Plays [`SCRIPT`] (all of it piped at once, so the session runs ahead of the reader) and stops
/// it as `kill` says.
fn killed(s: &Scratch, journal: &Path, kill: Kill) -> Trial {
    let args = play_args(journal);
    let mut child = gameday(s, &args.iter().map(String::as_str).collect::<Vec<_>>())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("gameday runs");
    let mut stdin = child.stdin.take().expect("piped");
    let writer = std::thread::spawn(move || {
        // The process may be gone before it reads everything.
        let _ = stdin.write_all(script(SCRIPT).as_bytes());
    });
    let stdout = child.stdout.take().expect("piped");
    let (tx, rx) = mpsc::channel::<String>();
    let reader = std::thread::spawn(move || {
        let mut r = BufReader::new(stdout);
        loop {
            let mut line = String::new();
            match r.read_line(&mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            }
        }
    });
    let mut text = String::new();
    let mut finished = false;
    if let Some(after) = kill.after {
        let mut echoes = 0;
        while echoes <= after {
            match rx.recv() {
                Ok(line) => {
                    echoes += usize::from(echoed(line.trim_end_matches('\n')).is_some());
                    text.push_str(&line);
                }
                Err(_) => {
                    finished = true;
                    break;
                }
            }
        }
    }
    std::thread::sleep(kill.delay);
    if !finished {
        let pid = rustix::process::Pid::from_child(&child);
        // It may have just finished: then there is nothing to signal.
        let _ = rustix::process::kill_process(pid, kill.signal);
    }
    let status = child.wait().expect("reaped");
    reader.join().expect("reader");
    writer.join().expect("writer");
    text.extend(rx.try_iter());
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = std::io::Read::read_to_string(&mut e, &mut stderr);
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
    use std::os::unix::process::ExitStatusExt;
    Trial {
        finished: status.code().is_some(),
        signal: status.signal(),
        stdout: text,
    }
}

/// A small portable generator for the kill points (SplitMix64).
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// What the trials found, for the report line.
#[derive(Debug, Default)]
struct Tally {
    trials: usize,
    /// Trials whose process the signal ended (the others had finished first).
    killed: usize,
    acknowledged: usize,
    lost: usize,
    in_flight: usize,
    torn: usize,
    resumed: usize,
}

/// Runs one trial and checks it: nothing acknowledged is missing, the journal is a prefix of the
/// uninterrupted one, and resuming with the rest of the script ends in that same journal.
fn check_trial(
    s: &Scratch,
    n: usize,
    kill: Kill,
    whole: &Records,
    accepted: &[bool],
    tally: &mut Tally,
) {
    let journal = s.path(&format!("trial-{n}.jsonl"));
    let trial = killed(s, &journal, kill);
    let context = format!("trial {n} ({kill:?}): {trial:?}");
    if !trial.finished {
        assert_eq!(trial.signal, Some(kill.signal.as_raw()), "{context}");
        tally.killed += 1;
    }
    let acked = acknowledged(&trial.stdout);
    tally.trials += 1;
    tally.acknowledged += acked.len();
    let Some((entries, torn)) = records(&journal) else {
        // Killed before the header was whole: nothing can have been acknowledged.
        assert!(acked.is_empty(), "{context}");
        return;
    };
    tally.torn += usize::from(torn);
    assert!(
        entries.len() <= whole.len() && entries[..] == whole[..entries.len()],
        "{context}\nthe journal is not a prefix of the uninterrupted one: {entries:?}"
    );
    let journalled: Vec<&str> = entries.iter().map(|e| e.2.as_str()).collect();
    let lost = acked.len().saturating_sub(journalled.len());
    tally.lost += lost;
    assert!(
        journalled.len() >= acked.len() && journalled[..acked.len()] == acked[..],
        "{context}\nacknowledged {acked:?} but the journal holds {journalled:?}"
    );
    assert!(
        journalled.len() <= acked.len() + 1,
        "{context}\nmore than one command journalled beyond those acknowledged"
    );
    tally.in_flight += journalled.len() - acked.len();

    // Go on with the rest of the script: the session ends exactly as if never interrupted.
    let accepted_at: Vec<usize> = (0..SCRIPT.len()).filter(|&i| accepted[i]).collect();
    let next = entries
        .len()
        .checked_sub(1)
        .map_or(0, |i| accepted_at[i] + 1);
    let path = journal.to_str().expect("UTF-8 path");
    let out = s.run(
        &["play", "--resume", path],
        script(&SCRIPT[next..]).as_bytes(),
    );
    let stdout = out.ok();
    assert!(
        stdout.contains(&format!("Resumed: {} command", entries.len())),
        "{context}\n{}",
        out.both()
    );
    assert_eq!(
        out.stderr.contains("was cut short by a crash"),
        torn,
        "{}",
        out.stderr
    );
    let (after, torn_after) = records(&journal).expect("the journal");
    assert!(!torn_after);
    assert_eq!(&after, whole, "{context}\nresumed journal");
    tally.resumed += 1;
}

fn trials(signal: rustix::process::Signal, count: usize, seed: u64) -> Tally {
    let s = Scratch::new("kill");
    let (whole, accepted) = uninterrupted(&s);
    let mut mix = Mix(seed);
    let mut tally = Tally::default();
    for n in 0..count {
        // One trial in eight is killed during start-up, before any prompt.
        let after =
            (!mix.next().is_multiple_of(8)).then(|| (mix.next() % SCRIPT.len() as u64) as usize);
        let delay = Duration::from_micros(mix.next() % 3_000);
        let kill = Kill {
            signal,
            after,
            delay,
        };
        check_trial(&s, n, kill, &whole, &accepted, &mut tally);
    }
    tally
}

#[test]
fn sigkill_at_random_points_loses_no_acknowledged_command() {
    let count: usize = std::env::var("GAMEDAY_KILL_TRIALS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(24);
    let tally = trials(rustix::process::Signal::KILL, count, 0x5EED);
    eprintln!(
        "kill trials: {} sessions, {} killed with SIGKILL ({} had finished first); {} commands \
         acknowledged, {} lost; {} journalled but not yet shown; {} torn last lines; {} resumed \
         to the uninterrupted journal",
        tally.trials,
        tally.killed,
        tally.trials - tally.killed,
        tally.acknowledged,
        tally.lost,
        tally.in_flight,
        tally.torn,
        tally.resumed
    );
    assert_eq!(tally.lost, 0);
    assert!(
        tally.killed * 4 >= count * 3 && tally.acknowledged > count,
        "the kills land mid-session: {tally:?}"
    );
}

#[test]
fn ctrl_c_with_piped_input_ends_the_session_and_loses_nothing() {
    // With piped input Ctrl-C keeps its default: the process ends at once (exit status 130 in a
    // shell), and everything it acknowledged is in the journal, to resume.
    let tally = trials(rustix::process::Signal::INT, 6, 0xC7);
    assert_eq!(tally.lost, 0);
    assert!(tally.killed >= 4, "{tally:?}");
}

/// Plays the first `n` lines of the script to a journal and returns the journal's path.
fn partial(s: &Scratch, name: &str, n: usize) -> PathBuf {
    let journal = s.path(name);
    let args = play_args(&journal);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    s.run(&args, script(&SCRIPT[..n]).as_bytes()).ok();
    journal
}

#[test]
fn resume_drops_a_torn_last_record_and_says_so() {
    let s = Scratch::new("resume-torn");
    let (whole, _) = uninterrupted(&s);
    let journal = partial(&s, "j.jsonl", 10);
    let (entries, _) = records(&journal).expect("journal");
    assert_eq!(entries.len(), 8);
    // A crash in the middle of writing the next record (ten, with a multi-byte character cut).
    let mut bytes = std::fs::read(&journal).expect("journal");
    let whole_len = bytes.len();
    bytes.extend_from_slice("{\"n\":9,\"at_ms\":301000,\"line\":\"note \\\"—".as_bytes());
    bytes.truncate(bytes.len() - 1);
    let torn_len = bytes.len() - whole_len;
    std::fs::write(&journal, &bytes).expect("tear the journal");

    let path = journal.to_str().expect("UTF-8 path");
    let out = s.run(
        &["play", "--resume", path],
        script(&SCRIPT[10..]).as_bytes(),
    );
    let stdout = out.ok();
    assert_eq!(
        s.redact(&out.stderr),
        format!(
            "warning: [TMP]/j.jsonl: the last line ({torn_len} bytes) was cut short by a crash; it was never acknowledged and is ignored\n"
        )
    );
    assert!(stdout.contains("Resumed: 8 commands replayed"), "{stdout}");
    assert_eq!(records(&journal).expect("journal"), (whole, false));
}

#[test]
fn resume_refuses_a_damaged_record_with_records_after_it() {
    let s = Scratch::new("resume-corrupt");
    let journal = partial(&s, "j.jsonl", 12);
    let good = std::fs::read_to_string(&journal).expect("journal");
    let path = journal.to_str().expect("UTF-8 path");
    let fourth = good.lines().nth(3).expect("a fourth line");
    let cases = [
        // A byte of a record changed on disk.
        (
            good.replacen(r#""line":"logs db-1""#, r#""line":"logs db-2""#, 1),
            "line 6: checksum does not match: the journal was edited or lines were removed\n",
        ),
        // A record overwritten with zeros, whole records after it.
        (
            good.replacen(fourth, &"\u{0}".repeat(fourth.len()), 1),
            "line 4: not a journal record (",
        ),
        // The last record damaged: it was whole, so acknowledged; not a torn line.
        (
            format!("{}x\n", good.trim_end_matches('\n')),
            "line 11: not a journal record (",
        ),
    ];
    for (damaged, expected) in cases {
        std::fs::write(&journal, &damaged).expect("damage the journal");
        let out = s.run(&["play", "--resume", path], b"status\n");
        assert_eq!(out.code, 1, "{}", out.both());
        let stderr = s.redact(&out.stderr);
        assert!(
            stderr.starts_with(&format!("error: [TMP]/j.jsonl: {expected}")),
            "{stderr}"
        );
        assert!(
            expected.contains("checksum") || stderr.ends_with(": the journal is corrupt\n"),
            "{stderr}"
        );
        assert!(out.stdout.is_empty(), "{}", out.stdout);
        assert_eq!(
            std::fs::read_to_string(&journal).expect("journal"),
            damaged,
            "a refused journal is left as it was"
        );
    }
}
