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
