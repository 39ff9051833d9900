//! Instructor tooling: `explain` shows an author what their scenario does with nobody at the
//! keyboard and what the reference solution changes.

use crate::support::gameday;

#[test]
fn explain_shows_both_runs_side_by_side() {
    let out = gameday(&["explain", "db-disk-full", "--seed", "7"]);
    let text = out.ok();
    assert!(
        text.starts_with("db-disk-full: Primary database disk filling"),
        "{text}"
    );
    assert!(
        text.contains("variant writer=pg_debug_log, rate=48"),
        "{text}"
    );
    // The fault, the reference's fix, and the do-nothing run's crash.
    assert!(
        text.contains("02:14  pg_debug_log on db-1 started writing 48 GB/h"),
        "{text}"
    );
    assert!(text.contains("> kill db-1 pg_debug_log"), "{text}");
    assert!(
        text.contains("db-1: kernel: filesystem /var is 100% full"),
        "{text}"
    );
    assert!(
        text.contains("(same)"),
        "lines both runs share are shown once: {text}"
    );
    assert!(
        text.contains("(x62, to 04:13)"),
        "repeats are folded: {text}"
    );
    assert!(text.contains("Graded: doing nothing 30.0, the reference solution 100.0."));
    // Another seed, another variant.
    let other = gameday(&["explain", "db-disk-full", "--seed", "1"]);
    assert_ne!(other.ok(), text);
    let missing = gameday(&["explain", "db-disk-ful"]);
    assert_eq!(missing.code, 1);
    assert!(
        missing.stderr.contains("did you mean `db-disk-full`"),
        "{}",
        missing.stderr
    );
}

/// `gameday new` writes, for every kind, a starter that `check` passes in full: every variant,
/// the reference against doing nothing, and its transcripts ranked as declared.
#[test]
fn new_writes_a_starter_of_every_kind_that_passes_check() {
    let s = crate::support::Scratch::new("new");
    let kinds = [
        "outage",
        "migration",
        "capacity",
        "disaster-recovery",
        "monitoring",
        "network",
        "virtualization",
        "security",
        "design",
        "cloud",
    ];
    for kind in kinds {
        let path = s.path(&format!("{kind}-starter.ron"));
        let out = s.run(
            &[
                "new",
                kind,
                &format!("{kind}-starter"),
                "--out",
                path.to_str().unwrap(),
            ],
            b"",
        );
        assert!(out.ok().starts_with("wrote "), "{}", out.both());
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(&format!("id: \"{kind}-starter\"")));
        assert!(text.contains("transcripts: ["), "{kind}");
    }
    let out = s.run(&["check", s.dir.to_str().unwrap()], b"");
    let text = out.ok();
    assert!(
        text.ends_with("checked 10 files: all ok\n"),
        "{}",
        out.both()
    );
    assert_eq!(
        text.matches("3 transcripts ranked as declared").count(),
        10,
        "{text}"
    );
    // It never overwrites, and it says what it wants.
    let again = s.run(
        &[
            "new",
            "outage",
            "x",
            "--out",
            s.path("outage-starter.ron").to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(again.code, 1);
    assert!(again.stderr.contains("already exists"));
    let typo = s.run(&["new", "netwrk", "x"], b"");
    assert!(
        typo.stderr.contains("did you mean `network`?"),
        "{}",
        typo.both()
    );
    let bad = s.run(&["new", "outage", "Bad_Name"], b"");
    assert!(bad.stderr.contains("not a scenario id"), "{}", bad.both());
}

/// The fenced blocks of a Markdown file: (info string, body).
fn fenced_blocks(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut open: Option<(String, String)> = None;
    for line in text.lines() {
        match (&mut open, line.strip_prefix("```")) {
            (None, Some(info)) => open = Some((info.trim().to_owned(), String::new())),
            (Some(_), Some(_)) => out.push(open.take().expect("open")),
            (Some((_, body)), None) => {
                body.push_str(line);
                body.push('\n');
            }
            (None, None) => {}
        }
    }
    out
}

fn parse_fragment<T: serde::de::DeserializeOwned>(body: &str) -> Result<T, String> {
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .from_str(body)
        .map_err(|e| e.to_string())
}

/// docs/authoring.md works as written: its commands run and print what it shows, each RON
/// fragment parses as the type it names, and each whole file (a pack) passes `check`.
#[test]
fn the_authoring_guide_examples_work() {
    let s = crate::support::Scratch::new("authoring-guide");
    let guide = std::fs::read_to_string(
        std::path::Path::new(crate::support::ROOT).join("docs/authoring.md"),
    )
    .expect("docs/authoring.md");
    let blocks = fenced_blocks(&guide);
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_gameday"))
            .args(["--color", "never"])
            .args(args)
            .current_dir(&s.dir)
            .output()
            .expect("gameday runs");
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("UTF-8")
    };
    let mut commands = 0;
    let mut fragments = 0;
    let mut files = 0;
    for (i, (info, body)) in blocks.iter().enumerate() {
        match info.as_str() {
            "sh" => {
                for line in body.lines().filter(|l| l.starts_with("gameday ")) {
                    let args: Vec<&str> = line.split_whitespace().skip(1).collect();
                    let stdout = run(&args);
                    commands += 1;
                    // A text block right after a command is what it prints.
                    if let Some((next, shown)) = blocks.get(i + 1)
                        && next == "text"
                    {
                        assert_eq!(&stdout, shown, "`{line}` prints what the guide shows");
                    }
                }
            }
            "ron" => {
                let first = body.lines().next().unwrap_or("");
                match first.strip_prefix("// fragment: ") {
                    Some("Fault") => parse_fragment::<scenarios::Fault>(body).map(drop),
                    Some("KpiTarget") => parse_fragment::<scenarios::KpiTarget>(body).map(drop),
                    Some("Transcript") => parse_fragment::<scenarios::Transcript>(body).map(drop),
                    Some("VariantAxis") => parse_fragment::<scenarios::VariantAxis>(body).map(drop),
                    Some(other) => panic!("the guide names an unknown fragment type `{other}`"),
                    None => {
                        let file = s.write(&format!("example-{i}.ron"), body);
                        run(&["check", file.to_str().unwrap()]);
                        files += 1;
                        Ok(())
                    }
                }
                .unwrap_or_else(|e| panic!("block {i} of docs/authoring.md: {e}\n{body}"));
                if first.starts_with("// fragment: ") {
                    fragments += 1;
                }
            }
            _ => {}
        }
    }
    assert!(
        commands >= 2 && fragments >= 4 && files >= 1,
        "{commands} {fragments} {files}"
    );
}

/// `gameday schema` describes what the loader accepts: every shipped scenario and pack, as the
/// loader reads it, is valid against the schema printed for its format.
#[test]
fn every_shipped_file_matches_the_json_schema() {
    let schema = |which: &str| -> serde_json::Value {
        serde_json::from_str(gameday(&["schema", which]).ok()).expect("the schema is JSON")
    };
    let scenario = jsonschema::validator_for(&schema("scenario")).expect("a valid schema");
    let pack = jsonschema::validator_for(&schema("pack")).expect("a valid schema");
    let root = std::path::Path::new(crate::support::ROOT);
    let mut checked = 0;
    for f in crate::support::all_ron_files(&root.join("content")) {
        let text = std::fs::read_to_string(&f).unwrap();
        let name = f.display().to_string();
        let (validator, value) = if scenarios::is_pack(&text) {
            let p = scenarios::load_pack(&name, &text).unwrap_or_else(|e| panic!("{e}"));
            (&pack, serde_json::to_value(p).unwrap())
        } else {
            // Every variant: placeholders stand for values of every type the schema allows.
            let all = scenarios::load_every_variant(&name, &text).unwrap_or_else(|e| panic!("{e}"));
            for (s, _) in &all[1..] {
                let value = serde_json::to_value(s).unwrap();
                let errors: Vec<String> = scenario
                    .iter_errors(&value)
                    .map(|e| e.to_string())
                    .collect();
                assert!(errors.is_empty(), "{name}: {errors:?}");
            }
            (&scenario, serde_json::to_value(&all[0].0).unwrap())
        };
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
        checked += 1;
    }
    assert_eq!(checked, 36);
    // And it is not vacuous: a misspelt field is refused.
    let bad = serde_json::json!({"id": "x", "titel": "y"});
    assert!(!scenario.is_valid(&bad));
}

/// A hint with `after` cannot be had before that simulated time.
#[test]
fn a_hint_waits_for_its_time() {
    let s = crate::support::Scratch::new("hint-after");
    let text = std::fs::read_to_string(
        std::path::Path::new(crate::support::ROOT)
            .join("tests/fixtures/scenarios/ok/tiny-runaway-cpu.ron"),
    )
    .unwrap()
    .replace("cost: 5.0)", "cost: 5.0, after: \"5m\")");
    let file = s.write("timed-hint.ron", text);
    let out = s.run(
        &[
            "play",
            file.to_str().unwrap(),
            "--journal",
            s.path("j.jsonl").to_str().unwrap(),
        ],
        b"hint\nwait 5m\nhint\nquit\n",
    );
    let text = out.ok();
    assert!(
        text.contains("error: the next hint is available from 09:05; look around first"),
        "{text}"
    );
    assert!(text.contains("Look at app-1's processes."), "{text}");
}
