//! The shipped library: every file in `content/` loads and validates with no problem at all,
//! each under a unique id that matches its file name.

use std::collections::BTreeMap;
use std::path::Path;

use crate::support::{ROOT, ron_files};

#[test]
fn every_shipped_scenario_loads_without_problems() {
    let files = ron_files(&Path::new(ROOT).join("content"));
    assert!(!files.is_empty(), "content/ holds scenarios");
    let problems: Vec<String> = files
        .iter()
        .filter_map(|f| scenarios::load_file(f).err().map(|e| e.to_string()))
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn shipped_scenario_ids_are_unique_and_match_their_file_names() {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for f in ron_files(&Path::new(ROOT).join("content")) {
        let (scenario, _) = scenarios::load_file(&f).unwrap_or_else(|e| panic!("{e}"));
        let stem = f.file_stem().and_then(|s| s.to_str()).expect("a file name");
        assert_eq!(scenario.id, stem, "{}", f.display());
        if let Some(other) = seen.insert(scenario.id.clone(), f.display().to_string()) {
            panic!("`{}` is used by {other} and {}", scenario.id, f.display());
        }
    }
}

/// Every Rust file under `dir` (skipping build output), sorted.
fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() && !p.ends_with("target") {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn every_rust_file_opens_with_a_line_saying_what_it_is() {
    let mut files = Vec::new();
    for dir in ["src", "engine", "scenarios", "grader", "tests", "benches"] {
        rust_files(&Path::new(ROOT).join(dir), &mut files);
    }
    files.push(Path::new(ROOT).join("build.rs"));
    let missing: Vec<String> = files
        .iter()
        .filter(|f| !std::fs::read_to_string(f).is_ok_and(|t| t.starts_with("//!")))
        .map(|f| f.strip_prefix(ROOT).unwrap_or(f).display().to_string())
        .collect();
    assert!(files.len() > 50, "found only {} files", files.len());
    assert!(
        missing.is_empty(),
        "files without a `//!` first line: {missing:?}"
    );
}

/// The bar every shipped scenario clears: `gameday check content` loads every variant, runs the
/// reference on each, and on five seeds (each choosing its own variant) requires the reference to
/// score at least 85 and doing nothing at most 40, graded as `gameday grade` grades. A failure
/// prints each KPI of both runs so the author sees why.
#[test]
fn every_shipped_scenario_tells_the_reference_from_doing_nothing_on_five_seeds() {
    let out = crate::support::gameday(&["check", "content"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    let files = crate::support::all_ron_files(&Path::new(ROOT).join("content"));
    assert!(
        out.stdout
            .ends_with(&format!("checked {} files: all ok\n", files.len())),
        "{}",
        out.stdout
    );
    for line in out.stdout.lines().filter(|l| l.starts_with("ok: ")) {
        if line.contains("/packs/") {
            assert!(line.contains("under the pack's weights"), "{line}");
        } else {
            assert!(line.contains("on seeds 1-5"), "{line}");
            assert!(line.contains("transcripts ranked as declared"), "{line}");
        }
    }
}
/// Each duty of the role has at least three scenarios, and the library spans the three levels.
#[test]
fn the_library_covers_every_duty_at_every_level() {
    let mut by_duty: BTreeMap<scenarios::Duty, Vec<String>> = BTreeMap::new();
    let mut levels = std::collections::BTreeSet::new();
    for f in ron_files(&Path::new(ROOT).join("content")) {
        let (s, _) = scenarios::load_file(&f).unwrap_or_else(|e| panic!("{e}"));
        levels.insert(s.level);
        // A design scenario's variety is its trial's seeds: every candidate meets the same brief.
        assert!(
            !s.variants.is_empty() || s.design.is_some(),
            "{} has no variant axis",
            s.id
        );
        by_duty.entry(s.kind.duty()).or_default().push(s.id);
    }
    let thin: Vec<String> = scenarios::Duty::ALL
        .iter()
        .filter(|d| by_duty.get(d).is_none_or(|v| v.len() < 3))
        .map(|d| format!("{} has {:?}", d.label(), by_duty.get(d)))
        .collect();
    assert!(
        thin.is_empty(),
        "duties with fewer than 3 scenarios: {thin:?}"
    );
    assert_eq!(levels.len(), 3, "levels covered: {levels:?}");
}
