//! Hostile scenario files: `gameday check` refuses each file in `tests/fixtures/hostile` (and a few
//! made here, too big or too odd to commit) with a clear error at its position, in under a second
//! and under 64 MiB, measured on the real binary as the kernel reports it to `wait4`: the CPU time
//! the process used and its peak resident memory. (Wall time is shown too, but on a shared
//! machine it measures the other processes as much as this one.)
//!
//! Each committed file opens with comment lines: what it does, `// expect: TEXT` for every text
//! the error must contain, and `// at: LINE:COL` where the error must point.

use std::fmt::Write as _;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use wait4::Wait4;

use crate::support::{OK_FIXTURES, ROOT, Scratch};

/// Most CPU time a refusal may take. The debug build is used; its engine is optimised, the loader
/// not, and every `check` first loads the built-in library (about 0.1 s).
const TIME_LIMIT: Duration = Duration::from_secs(1);
/// Longest a refusal may take by the clock: a hang, not a slow machine.
const HANG_LIMIT: Duration = Duration::from_secs(20);
/// Most memory a refusal may hold at once (peak resident set).
const MEMORY_LIMIT: u64 = 64 * 1024 * 1024;
/// Longest error output: a refusal is a page of diagnostics, never the file echoed back.
const OUTPUT_LIMIT: usize = 128 * 1024;
const HOSTILE: &str = "tests/fixtures/hostile";

#[derive(Debug)]
struct Case {
    /// The path given to `gameday check`: relative to the workspace for committed files.
    file: String,
    expect: Vec<String>,
    at: Option<String>,
}

#[derive(Debug)]
struct Measured {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    elapsed: Duration,
    cpu: Duration,
    peak_rss: u64,
}

/// The committed corpus, with the expectations each file states in its opening comments.
fn committed() -> Vec<Case> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(Path::new(ROOT).join(HOSTILE))
        .expect("the hostile corpus exists")
        .map(|e| e.expect("readable folder").path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|path| {
            let bytes = std::fs::read(path).expect("readable fixture");
            // The header is ASCII even where the rest of the file is not UTF-8.
            let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).into_owned();
            let mut expect = Vec::new();
            let mut at = None;
            for line in head.lines().take_while(|l| l.starts_with("//")) {
                if let Some(e) = line.strip_prefix("// expect: ") {
                    expect.push(e.to_owned());
                } else if let Some(a) = line.strip_prefix("// at: ") {
                    // `none`: the file is refused before it is read as text (the message says
                    // where the bad byte is).
                    at = (a != "none").then(|| a.to_owned());
                }
            }
            let name = path.file_name().expect("a file").to_string_lossy();
            assert!(!expect.is_empty(), "{name} states no `// expect:` line");
            Case {
                file: format!("{HOSTILE}/{name}"),
                expect,
                at,
            }
        })
        .collect()
}

/// The smallest valid scenario, to break in ways too large to commit.
fn base() -> String {
    std::fs::read_to_string(
        Path::new(ROOT)
            .join(OK_FIXTURES)
            .join("tiny-runaway-cpu.ron"),
    )
    .expect("the base fixture exists")
}

fn replaced(text: &str, old: &str, new: &str) -> String {
    assert!(text.contains(old), "the base fixture has `{old}`");
    text.replacen(old, new, 1)
}

/// Files made at run time: over the size cap, and near it, in the shapes that cost most.
fn generated(s: &Scratch) -> Vec<Case> {
    let base = base();
    let mut cases = Vec::new();
    let mut add = |name: &str, bytes: Vec<u8>, expect: &[&str], at: Option<&str>| {
        let path = s.write(name, bytes);
        cases.push(Case {
            file: path.to_str().expect("UTF-8 path").to_owned(),
            expect: expect.iter().map(|e| (*e).to_owned()).collect(),
            at: at.map(str::to_owned),
        });
    };
    let cap = scenarios::MAX_FILE_BYTES;

    let mut over = base.clone().into_bytes();
    over.resize(cap + 1, b' ');
    add(
        "over-the-cap.ron",
        over,
        &["file is 1048577 bytes, over the 1048576 byte limit"],
        None,
    );
    add(
        "empty.ron",
        Vec::new(),
        &["Expected opening `(` for struct `Scenario`"],
        None,
    );
    add(
        "giant-briefing.ron",
        replaced(
            &base,
            "app-1 is slow since",
            &format!("{} app-1 is slow since", "x".repeat(900_000)),
        )
        .into_bytes(),
        &["the briefing is 900073 bytes, over the 20000 byte limit"],
        Some("8:15"),
    );
    add(
        "giant-field-name.ron",
        replaced(
            &base,
            "    title:",
            &format!("    {}: 1,\n    title:", "f".repeat(600_000)),
        )
        .into_bytes(),
        &[&format!(
            "Unexpected field named `{}… (600000 bytes)`",
            "f".repeat(40)
        )],
        Some("5:5"),
    );
    add(
        "giant-host-reference.ron",
        replaced(
            &base,
            "CpuSaturation(host: \"app-1\"",
            &format!("CpuSaturation(host: \"{}\"", "h".repeat(900_000)),
        )
        .into_bytes(),
        &[&format!(
            "unknown host `{}… (900000 bytes)`",
            "h".repeat(40)
        )],
        Some("59:46"),
    );
    // 90,000 copies of one zone name: as many problems, of which the first hundred are shown.
    add(
        "ninety-thousand-duplicates.ron",
        replaced(
            &base,
            "zones: [\"dc-1-a\"]",
            &format!("zones: [\"dc-1-a\"{}]", ", \"z\"".repeat(90_000)),
        )
        .into_bytes(),
        &[
            "`z` is already declared at topology.sites[0].zones[1]",
            "89899 more problems not shown",
        ],
        Some("14:67"),
    );
    // Thousands of faults naming hosts that do not exist, among thousands that do: a
    // suggestion for each would compare every pair.
    let hosts: String = (0..5_000)
        .map(|i| {
            format!(
                "(id: \"spare-{i}\", zone: \"dc-1-a\", cores: 1, memory_gb: 1.0, disk_gb: 1.0),\n"
            )
        })
        .collect();
    let faults: String = (0..5_000)
        .map(|i| format!("(at: \"1m\", kind: HostCrash(host: \"spire-{i}\")),\n"))
        .collect();
    add(
        "unknown-host-storm.ron",
        replaced(
            &replaced(
                &base,
                "        hosts: [\n",
                &format!("        hosts: [\n{hosts}"),
            ),
            "    faults: [\n",
            &format!("    faults: [\n{faults}"),
        )
        .into_bytes(),
        &[
            "unknown host `spire-0`",
            "did you mean `spare-0`?",
            "4900 more problems not shown",
        ],
        Some("5059:34"),
    );
    // The whole file on one line, the mistake 900,000 columns along it.
    let one_line = replaced(
        &base
            .lines()
            .filter(|l| !l.starts_with("//"))
            .collect::<Vec<_>>()
            .join(" "),
        "disk_gb: 200.0, disk_used_gb: 80.0",
        &format!("disk_gb: 200.0,{} disk_used_gb: 280.0", " ".repeat(900_000)),
    );
    add(
        "one-long-line.ron",
        one_line.into_bytes(),
        &["disk_used_gb (at most disk_gb) must be a number from 0 to 200, not 280"],
        Some("1:900791"),
    );
    add(
        "a-hundred-thousand-choices.ron",
        replaced(
            &replaced(&base, "base_rps: 200.0", "base_rps: \"${rps}\""),
            "\n)",
            &format!(
                "\n    variants: [(name: \"rps\", choices: [{}])],\n)",
                (0..100_000)
                    .map(|i| format!("{i}.0"))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        )
        .into_bytes(),
        &["variant axis `rps` has 100000 choices, over the limit of 12"],
        Some("88:39"),
    );
    add(
        "undefined-placeholder-flood.ron",
        replaced(
            &base,
            "Find out why",
            &(0..100_000)
                .map(|i| format!("${{u{i}}}"))
                .collect::<String>(),
        )
        .into_bytes(),
        &["more than 2000 `${...}` placeholders"],
        None,
    );
    // The most choices an axis may have, in a file near the size cap, and only the last choice
    // broken: `check` loads every choice before it finds the mistake.
    let logs: String = (0..9_000)
        .map(|i| {
            format!(
                "(at: \"{}s\", host: \"app-1\", level: Info, text: \"routine line {i}\"),\n",
                i % 1800
            )
        })
        .collect();
    let choices: Vec<String> = (0..scenarios::MAX_CHOICES)
        .map(|i| {
            if i + 1 == scenarios::MAX_CHOICES {
                "-1.0".into()
            } else {
                format!("{}.0", 100 + i)
            }
        })
        .collect();
    add(
        "last-of-many-variants-broken.ron",
        replaced(
            &replaced(&base, "base_rps: 200.0", "base_rps: \"${rps}\""),
            "\n)",
            &format!(
                "\n    logs: [\n{logs}],\n    variants: [(name: \"rps\", choices: [{}])],\n)",
                choices.join(", ")
            ),
        )
        .into_bytes(),
        &["base_rps must be a number from 0 to 100000000, not -1"],
        Some("55:19"),
    );
    // A variant mistake in a file whose other fields nest 60 deep, over and over: locating the
    // mistake must not record where every one of those values is.
    let nest = format!("{}1{}, ", "[".repeat(60), "]".repeat(60));
    add(
        "deep-nesting-everywhere.ron",
        replaced(
            &replaced(&base, "base_rps: 200.0", "base_rps: \"${rps}\""),
            "\n)",
            &format!(
                "\n    transcripts: [{}],\n    variants: [(name: \"rps\", choices: [100.0])],\n)",
                nest.repeat(900_000 / nest.len())
            ),
        )
        .into_bytes(),
        &["variant axis `rps` needs at least two choices to vary anything"],
        Some("89:39"),
    );
    cases
}

/// A gigabyte file that takes no disk: checked by its size, never read.
fn sparse(s: &Scratch) -> Case {
    let path = s.path("sparse-gigabyte.ron");
    File::create(&path)
        .and_then(|f| f.set_len(1 << 30))
        .expect("create a sparse file");
    Case {
        file: path.to_str().expect("UTF-8 path").to_owned(),
        expect: vec!["file is 1073741824 bytes, over the 1048576 byte limit".into()],
        at: None,
    }
}

/// Runs `gameday check FILE` and measures it. Output goes to files, so a flood of it cannot
/// block the process on a full pipe while it is being timed.
#[allow(
    clippy::disallowed_types,
    reason = "measures the wall time a refusal takes; nothing here is simulated"
)]
fn measure(s: &Scratch, file: &str) -> Measured {
    let out = s.path("stdout");
    let err = s.path("stderr");
    let started = std::time::Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_gameday"))
        .args(["--color", "never", "check", file])
        .current_dir(ROOT)
        .env("GAMEDAY_HISTFILE", "")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(File::create(&out).expect("stdout file"))
        .stderr(File::create(&err).expect("stderr file"))
        .spawn()
        .expect("the gameday binary runs");
    let used = child.wait4().expect("wait for gameday");
    let elapsed = started.elapsed();
    let read =
        |p: &Path| String::from_utf8_lossy(&std::fs::read(p).expect("output file")).into_owned();
    Measured {
        code: used.status.code(),
        stdout: read(&out),
        stderr: read(&err),
        elapsed,
        cpu: used.rusage.utime + used.rusage.stime,
        peak_rss: used.rusage.maxrss,
    }
}

#[test]
fn check_refuses_every_hostile_file_quickly_in_little_memory_and_says_where() {
    // Linux charges a forked child the resident pages of its parent, so a child forked from a
    // test binary grown large by other tests reports their memory. Measure from a fresh test
    // process that runs this test alone.
    if std::env::var_os("GAMEDAY_HOSTILE_ALONE").is_none() {
        let out = std::process::Command::new(std::env::current_exe().expect("test binary"))
            .args([
                "--exact",
                "hostile::check_refuses_every_hostile_file_quickly_in_little_memory_and_says_where",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("GAMEDAY_HOSTILE_ALONE", "1")
            .output()
            .expect("run the test alone");
        let text = String::from_utf8_lossy(&out.stdout);
        println!("{text}");
        assert!(
            out.status.success() && text.contains("1 passed"),
            "{text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        return;
    }
    let s = Scratch::new("hostile");
    let corpus = committed();
    assert!(corpus.len() >= 30, "the corpus has {} files", corpus.len());
    let mut cases = corpus;
    cases.extend(generated(&s));
    cases.push(sparse(&s));
    let mut rows = Vec::new();
    let mut failures = Vec::new();
    for case in &cases {
        let m = measure(&s, &case.file);
        let name = Path::new(&case.file)
            .file_name()
            .expect("a file")
            .to_string_lossy()
            .into_owned();
        let mut wrong = Vec::new();
        if m.code != Some(1) {
            wrong.push(format!("exit code {:?}, not 1", m.code));
        }
        if !m.stderr.starts_with("error: ") || m.stderr.contains("panicked") {
            wrong.push("no clean `error:` report".into());
        }
        for e in &case.expect {
            if !m.stderr.contains(e.as_str()) {
                wrong.push(format!("the error does not say `{e}`"));
            }
        }
        match &case.at {
            Some(at) if !m.stderr.contains(&format!("--> {}:{at}\n", case.file)) => {
                wrong.push(format!("the error does not point at {}:{at}", case.file));
            }
            None if !m.stderr.contains(&case.file) => {
                wrong.push("the error does not name the file".into());
            }
            _ => {}
        }
        if m.stdout != "checked 1 file: 1 failed, 0 ok\n" {
            wrong.push(format!("stdout is {:?}", m.stdout));
        }
        if m.stderr.len() > OUTPUT_LIMIT {
            wrong.push(format!("{} bytes of error output", m.stderr.len()));
        }
        if m.stderr.contains(['\u{1b}', '\u{9b}', '\u{0}']) {
            wrong.push("the error output carries a control character from the file".into());
        }
        if m.cpu >= TIME_LIMIT || m.elapsed >= HANG_LIMIT {
            wrong.push(format!(
                "took {:?} of CPU time, {:?} in all",
                m.cpu, m.elapsed
            ));
        }
        if m.peak_rss >= MEMORY_LIMIT {
            wrong.push(format!("peaked at {} MiB", m.peak_rss / (1 << 20)));
        }
        if !wrong.is_empty() {
            failures.push(format!(
                "{name}: {}\n{}",
                wrong.join("; "),
                m.stderr.chars().take(2_000).collect::<String>()
            ));
        }
        rows.push((m.cpu, m.elapsed, m.peak_rss, name));
    }
    // The slowest and the hungriest, for docs/security.md.
    let mut table = String::new();
    let line = |t: &mut String, (cpu, wall, rss, name): &(Duration, Duration, u64, String)| {
        let _ = writeln!(
            t,
            "  {:>6.1} ms CPU  {:>6.1} ms wall  {:>5.1} MiB  {name}",
            ms(*cpu),
            ms(*wall),
            mib(*rss)
        );
    };
    rows.sort_by_key(|r| std::cmp::Reverse(r.0));
    let _ = writeln!(table, "{} files; the most CPU time:", rows.len());
    rows.iter().take(5).for_each(|r| line(&mut table, r));
    rows.sort_by_key(|r| std::cmp::Reverse(r.2));
    let _ = writeln!(table, "the most memory:");
    rows.iter().take(5).for_each(|r| line(&mut table, r));
    println!("{table}");
    assert!(failures.is_empty(), "{}\n\n{table}", failures.join("\n\n"));
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1_000.0
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// Byte ranges of the decimal numbers in RON text (`0.5`, `1e3`, `-2.0`), outside strings and
/// comments.
fn decimal_numbers(text: &str) -> Vec<std::ops::Range<usize>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'r' if matches!(b.get(i + 1), Some(b'#' | b'"')) => {
                // A raw string, r#"..."#: it ends at a quote followed by as many `#`.
                let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
                let close = format!("\"{}", "#".repeat(hashes));
                let body = i + 2 + hashes;
                i = text[body..]
                    .find(&close)
                    .map_or(b.len(), |at| body + at + close.len());
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
            }
            c if c.is_ascii_digit()
                || (c == b'-' && b.get(i + 1).is_some_and(u8::is_ascii_digit)) =>
            {
                let start = i;
                i += 1;
                while i < b.len()
                    && (b[i].is_ascii_digit()
                        || matches!(b[i], b'.' | b'e' | b'E' | b'_')
                        || (matches!(b[i], b'+' | b'-') && matches!(b[i - 1], b'e' | b'E')))
                {
                    i += 1;
                }
                if text[start..i].contains(['.', 'e', 'E']) {
                    out.push(start..i);
                }
            }
            _ => i += 1,
        }
    }
    out
}

/// Every decimal number in every shipped scenario and pack, replaced in turn by NaN and by
/// infinity, gets the file refused with an error on that number's line: no number reaches a run
/// or a grade without a finite range check.
#[test]
fn every_number_in_the_library_is_checked_finite_where_it_is_written() {
    let mut unchecked = Vec::new();
    let mut tried = 0;
    for path in crate::support::all_ron_files(&Path::new(ROOT).join("content")) {
        let text = std::fs::read_to_string(&path).expect("readable scenario");
        let name = path
            .strip_prefix(ROOT)
            .expect("inside")
            .display()
            .to_string();
        for span in decimal_numbers(&text) {
            for bad in ["NaN", "inf"] {
                tried += 1;
                let broken = format!("{}{bad}{}", &text[..span.start], &text[span.end..]);
                let line = text[..span.start].matches('\n').count() + 1;
                let refused = if scenarios::is_pack(&broken) {
                    scenarios::load_pack(&name, &broken).err()
                } else {
                    scenarios::load_every_variant(&name, &broken).err()
                };
                let at_line = refused.as_ref().is_some_and(|e| {
                    e.diagnostics
                        .iter()
                        .any(|d| d.pos.is_some_and(|p| p.line == line))
                });
                if !at_line {
                    unchecked.push(format!(
                        "{name}:{line}: `{}` as {bad}: {}",
                        &text[span.clone()],
                        refused.map_or("accepted".into(), |e| e.to_string())
                    ));
                }
            }
        }
    }
    assert!(tried > 1_000, "only {tried} numbers found");
    assert!(unchecked.is_empty(), "{}", unchecked.join("\n"));
}
