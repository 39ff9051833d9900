//! The command line: usage errors, finding scenarios, `list` and `check` on the shipped library.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::support::{ROOT, gameday, raw, ron_files};

fn nowhere() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("gameday-it-{}-unused", std::process::id()))
}

#[test]
fn no_arguments_prints_usage_on_stderr_and_exits_2() {
    let out = raw(&[], b"", &nowhere());
    assert_eq!(out.code, 2);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(
        out.stderr.contains("Usage: gameday [OPTIONS] <COMMAND>"),
        "{}",
        out.stderr
    );
    for sub in ["play", "list", "grade", "check"] {
        assert!(
            out.stderr.contains(&format!("\n  {sub} ")),
            "usage lists `{sub}`"
        );
    }
}

#[test]
fn an_unknown_subcommand_exits_2() {
    let out = gameday(&["frobnicate"]);
    assert_eq!(out.code, 2);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr
            .starts_with("error: unrecognized subcommand 'frobnicate'"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_bad_option_value_exits_2() {
    let out = gameday(&["play", "db-disk-full", "--seed", "many"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--seed"), "{}", out.stderr);
}

#[test]
fn version_is_printed() {
    let out = gameday(&["--version"]);
    assert_eq!(out.ok(), format!("gameday {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn play_of_a_misspelt_scenario_suggests_the_closest_id() {
    let out = gameday(&["play", "db-disk-ful"]);
    assert_eq!(out.code, 1);
    assert!(out.stdout.is_empty());
    assert_eq!(
        out.stderr,
        "error: no scenario `db-disk-ful`; did you mean `db-disk-full`?\n"
    );
}

#[test]
fn play_of_an_unknown_scenario_points_to_list() {
    let out = gameday(&["play", "no-such-scenario"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        "error: no scenario `no-such-scenario`; `gameday list` shows every scenario\n"
    );
}

#[test]
fn content_must_name_a_folder() {
    let out = gameday(&["--content", "Cargo.toml", "list"]);
    assert_eq!(out.code, 1);
    assert_eq!(out.stderr, "error: --content Cargo.toml: not a folder\n");
}

/// The ids of the scenario files under content/.
fn shipped_ids() -> BTreeSet<String> {
    ron_files(&Path::new(ROOT).join("content"))
        .iter()
        .map(|f| {
            scenarios::load_file(f)
                .unwrap_or_else(|e| panic!("{e}"))
                .0
                .id
        })
        .collect()
}

#[test]
fn list_shows_every_scenario_by_duty_and_marks_the_default() {
    let out = gameday(&["list"]);
    let stdout = out.ok();
    let ids = shipped_ids();
    for id in &ids {
        assert!(
            stdout
                .lines()
                .any(|l| l.split_whitespace().nth(1) == Some(id.as_str())
                    || l.contains(&format!(" {id} "))),
            "{id} in:\n{stdout}"
        );
    }
    assert!(stdout.contains(" db-disk-full (default) "), "{stdout}");
    assert!(stdout.starts_with("duty "), "a header row");
    let covered = scenarios::Duty::ALL
        .iter()
        .filter(|d| stdout.lines().skip(1).any(|l| l.starts_with(d.label())))
        .count();
    assert!(
        stdout.contains(&format!(
            "\n{} scenarios covering {covered} of the role's 8 duties",
            ids.len()
        )),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("Play one with `gameday play <id>`.\n"),
        "{stdout}"
    );
}

#[test]
fn list_json_describes_every_scenario() {
    let out = gameday(&["list", "--json"]);
    let items: Vec<Value> = serde_json::from_str(out.ok()).expect("a JSON array");
    let ids: BTreeSet<String> = items
        .iter()
        .map(|i| i["id"].as_str().expect("id").to_owned())
        .collect();
    assert_eq!(ids, shipped_ids());
    for item in &items {
        for key in ["title", "duty", "kind", "level", "time_limit"] {
            assert!(
                item[key].as_str().is_some_and(|v| !v.is_empty()),
                "{key} in {item}"
            );
        }
        assert!(["mid", "senior", "lead"].contains(&item["level"].as_str().expect("level")));
    }
    let defaults: Vec<&Value> = items.iter().filter(|i| i["default"] == true).collect();
    assert_eq!(defaults.len(), 1);
    assert_eq!(defaults[0]["id"], "db-disk-full");
}

#[test]
fn bench_memory_probe_prints_the_peak_resident_bytes() {
    let out = gameday(&["bench", "--memory", "30", "--span", "10m"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let bytes: u64 = out.stdout.trim().parse().expect("a byte count");
    // More than the program itself, far less than a gigabyte.
    assert!((1_000_000..1_000_000_000).contains(&bytes), "{bytes}");
    let bad = gameday(&["bench", "--memory", "30", "--span", "soon"]);
    assert_eq!(bad.code, 1, "{}", bad.stderr);
    assert!(bad.stderr.contains("--span"), "{}", bad.stderr);
}
