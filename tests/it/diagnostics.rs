//! Scenario diagnostics: `gameday check` on broken files (each in `tests/fixtures/scenarios/err`
//! breaks the small valid fixture in one way) reports every problem with its position, and
//! accepts the valid fixtures in `tests/fixtures/scenarios/ok`.

use std::path::Path;

use crate::support::{OK_FIXTURES, ROOT, Scratch, gameday};

/// `path` relative to the workspace root, as an author would type it.
fn relative(path: &Path) -> String {
    path.strip_prefix(ROOT)
        .expect("fixtures are inside the workspace")
        .to_str()
        .expect("UTF-8 path")
        .to_owned()
}

#[test]
fn check_refuses_each_broken_fixture_with_a_positioned_diagnostic() {
    insta::with_settings!({ snapshot_path => "../snapshots", omit_expression => true }, {
        insta::glob!("../fixtures/scenarios/err", "*.ron", |path| {
            let file = relative(path);
            let out = gameday(&["check", &file]);
            assert_eq!(out.code, 1, "{file}: {}", out.both());
            assert!(out.stderr.starts_with("error: "), "{file}: {}", out.stderr);
            assert!(out.stderr.contains(&file), "{file}: the diagnostic names the file");
            assert_eq!(out.stdout, "checked 1 file: 1 failed, 0 ok\n");
            insta::assert_snapshot!(out.stderr);
        });
    });
}

#[test]
fn check_reports_every_problem_in_a_file_not_just_the_first() {
    let out = gameday(&["check", "tests/fixtures/scenarios/err/many-problems.ron"]);
    assert_eq!(out.code, 1);
    assert_eq!(out.stderr.matches("error: ").count(), 4, "{}", out.stderr);
    assert_eq!(
        out.stderr.matches("did you mean").count(),
        3,
        "{}",
        out.stderr
    );
}

#[test]
fn check_counts_failures_across_a_folder() {
    let out = gameday(&["check", "tests/fixtures/scenarios"]);
    assert_eq!(out.code, 1);
    let err = crate::support::ron_files(&Path::new(ROOT).join("tests/fixtures/scenarios/err"));
    let ok = crate::support::ron_files(&Path::new(ROOT).join(OK_FIXTURES));
    let summary = format!(
        "checked {} files: {} failed, {} ok\n",
        err.len() + ok.len(),
        err.len(),
        ok.len()
    );
    assert!(out.stdout.ends_with(&summary), "{}", out.stdout);
    for f in ok {
        assert!(out.stdout.contains(&format!("ok: {}", relative(&f))));
    }
}

#[test]
fn check_accepts_each_valid_fixture() {
    insta::with_settings!({ snapshot_path => "../snapshots", omit_expression => true }, {
        insta::glob!("../fixtures/scenarios/ok", "*.ron", |path| {
            let out = gameday(&["check", &relative(path)]);
            assert_eq!(out.code, 0, "{}", out.both());
            assert!(out.stderr.is_empty());
            insta::assert_snapshot!(out.stdout);
        });
    });
}

/// The smallest valid fixture's text, to break in ways too big or too odd to commit.
fn valid_text() -> Vec<u8> {
    std::fs::read(
        Path::new(ROOT)
            .join(OK_FIXTURES)
            .join("tiny-runaway-cpu.ron"),
    )
    .expect("the base fixture exists")
}

#[test]
fn check_refuses_a_file_over_one_mebibyte_before_parsing_it() {
    let s = Scratch::new("oversize");
    let mut text = valid_text();
    // Valid RON all the way: the file is refused for its size alone.
    text.extend(std::iter::repeat_n(b' ', scenarios::MAX_FILE_BYTES));
    let file = s.write("huge.ron", &text);
    let out = gameday(&["check", file.to_str().expect("UTF-8 path")]);
    assert_eq!(out.code, 1);
    assert_snap!("check_oversize_file", s.redact(&out.both()));
}

#[test]
fn check_refuses_a_file_that_is_not_utf8_and_says_where() {
    let s = Scratch::new("latin1");
    let text = String::from_utf8(valid_text())
        .expect("UTF-8")
        .replace("the nightly report", "the nightly r\u{e9}sum\u{e9}");
    // The same text saved as Latin-1: é is the single byte 0xE9.
    let bytes: Vec<u8> = text
        .chars()
        .map(|c| u8::try_from(u32::from(c)).expect("Latin-1"))
        .collect();
    let file = s.write("latin1.ron", bytes);
    let out = gameday(&["check", file.to_str().expect("UTF-8 path")]);
    assert_eq!(out.code, 1);
    assert_snap!("check_non_utf8_file", s.redact(&out.both()));
}

#[test]
fn check_of_a_path_that_does_not_exist_exits_1() {
    let out = gameday(&["check", "tests/fixtures/scenarios/nowhere.ron"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        "error: tests/fixtures/scenarios/nowhere.ron: no such file or folder\n"
    );
}

#[test]
fn play_of_a_broken_scenario_file_shows_its_diagnostics_and_writes_no_journal() {
    let s = Scratch::new("play-broken");
    let (out, journal) = s.play(
        "j.jsonl",
        &["tests/fixtures/scenarios/err/unknown-host-in-fault.ron"],
        "status\n",
    );
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("unknown host `app-01`"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("did you mean `app-1`?"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty());
    assert!(!journal.exists());
}
