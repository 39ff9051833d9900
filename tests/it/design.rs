//! Design scenarios: the trial ranks every shipped design scenario's strong, weak and over-built
//! designs in that order; it is the same on one thread or several; `plan` and `apply` turn an
//! estate file into the commands a strong design types; and the commands a design scenario
//! needs refuse to run where they make no sense.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use engine::{Sim, run_steps, run_trial_uncached};
use scenarios::{Expect, Scenario, Step};

use crate::support::{ROOT, Scratch, printed_total, ron_files};

/// Every shipped scenario with a design block.
fn design_scenarios() -> Vec<(PathBuf, Scenario)> {
    ron_files(&Path::new(ROOT).join("content"))
        .into_iter()
        .filter_map(|p| {
            let (s, _) = scenarios::load_file(&p).expect("shipped scenarios load");
            s.design.is_some().then_some((p, s))
        })
        .collect()
}

fn total(scenario: &Scenario, steps: &[Step]) -> f64 {
    let targets = grader::reference_targets(
        &run_steps(scenario, 1, &scenario.reference)
            .expect("reference runs")
            .record(),
    );
    let run = run_steps(scenario, 1, steps).expect("transcript runs");
    grader::grade(scenario, &run.record(), &targets).total
}

#[test]
fn every_design_scenario_ranks_strong_above_weak_above_over_built() {
    let all = design_scenarios();
    assert!(
        all.len() >= 6,
        "issue 6 asks for six design scenarios; found {}",
        all.len()
    );
    let mut levels = std::collections::BTreeSet::new();
    for (path, s) in &all {
        levels.insert(s.level);
        let mut best: BTreeMap<Expect, f64> = BTreeMap::new();
        for t in &s.transcripts {
            let score = total(s, &t.steps);
            let e = best.entry(t.expect).or_insert(score);
            *e = e.max(score);
        }
        let (strong, weak, over) = (
            best.get(&Expect::Strong),
            best.get(&Expect::Weak),
            best.get(&Expect::OverBuilt),
        );
        let (Some(strong), Some(weak), Some(over)) = (strong, weak, over) else {
            panic!(
                "{}: needs a strong, a weak and an over-built design; has {best:?}",
                path.display()
            );
        };
        assert!(
            strong > weak && weak > over,
            "{}: strong {strong}, weak {weak}, over-built {over}",
            path.display()
        );
        assert!(
            *strong >= 85.0,
            "{}: strong design scores {strong}",
            path.display()
        );
    }
    assert!(
        levels.len() >= 2,
        "design scenarios span levels: {levels:?}"
    );
}

#[test]
fn the_trial_is_the_same_on_one_thread_and_on_two() {
    let (_, s) = design_scenarios()
        .into_iter()
        .find(|(_, s)| s.id == "web-shop-one-region")
        .expect("web-shop-one-region ships");
    let strong = s
        .transcripts
        .iter()
        .find(|t| t.expect == Expect::Strong)
        .expect("a strong design");
    let build = strong.build();
    let one = run_trial_uncached(&s, &build, 1).expect("a design scenario has a trial");
    let two = run_trial_uncached(&s, &build, 2).expect("a design scenario has a trial");
    let json = |t: &engine::TrialRecord| serde_json::to_string(t).expect("serialises");
    assert_eq!(json(&one), json(&two));
    assert_eq!(
        one.faults.len(),
        s.design.as_ref().map_or(0, |d| d.trial.faults.len())
    );
    // The strong design survives every run of every fault, within budget.
    assert!(
        one.faults.iter().all(|f| f.survived == f.runs),
        "{:#?}",
        one.faults
    );
    assert!(one.monthly_cost < one.budget);
}

#[test]
fn a_design_that_loses_its_only_database_says_what_broke_and_why() {
    let (_, s) = design_scenarios()
        .into_iter()
        .find(|(_, s)| s.id == "web-shop-one-region")
        .expect("web-shop-one-region ships");
    let build = vec!["scale web 3 in eu-west-1b".to_owned()];
    let t = run_trial_uncached(&s, &build, 2).expect("trial");
    let db = t
        .faults
        .iter()
        .find(|f| f.name == "the database primary fails")
        .expect("the db fault");
    assert_eq!(db.survived, 0);
    assert!(
        db.story
            .contains("db's only server db-1 (in eu-west-1a) was lost and there was no replica"),
        "{}",
        db.story
    );
    assert!(db.unrecovered, "nothing brings a lone database back");
    let zone = t
        .faults
        .iter()
        .find(|f| f.name == "zone eu-west-1a is lost")
        .expect("the zone fault");
    assert!(
        zone.story
            .contains("lb's only instance lb-1 (in eu-west-1a) was lost"),
        "{}",
        zone.story
    );
}

#[test]
fn applying_each_example_estate_scores_like_its_strong_transcript() {
    let examples = Path::new(ROOT).join("examples/designs");
    for (path, s) in design_scenarios() {
        let file = examples.join(format!("{}.ron", s.id));
        assert!(
            file.exists(),
            "{} has no example estate at {}",
            path.display(),
            file.display()
        );
        let strong = s
            .transcripts
            .iter()
            .find(|t| t.expect == Expect::Strong)
            .expect("a strong design");
        let want = total(&s, &strong.steps);
        let scratch = Scratch::new("apply");
        let f = file.to_str().expect("UTF-8 path");
        let content = Path::new(ROOT).join("content");
        let content = content.to_str().expect("UTF-8 path");
        let (out, _) = scratch.play(
            "j.jsonl",
            &["--content", content, &s.id],
            &format!("plan {f}\napply {f}\nplan {f}\nsubmit\n"),
        );
        let text = out.ok();
        // Once applied, the estate matches the file: only its `commands`, run on every apply,
        // are planned again.
        let source = std::fs::read_to_string(&file).expect("readable");
        if !source.contains("commands:") {
            assert!(text.contains("plan: the estate already matches"), "{text}");
        }
        let got = printed_total(text);
        assert!(
            (got - want).abs() <= 1.0,
            "{}: applying {} scores {got}, the strong transcript {want}",
            s.id,
            file.display()
        );
    }
}

#[test]
fn plan_points_at_an_unknown_service_in_the_estate_file() {
    let scratch = Scratch::new("plan-bad");
    let file = scratch.write(
        "bad.ron",
        "Estate(\n    instances: {\n        \"wbe\": {\"eu-west-1a\": 2},\n    },\n)\n",
    );
    let f = file.to_str().expect("UTF-8 path");
    let (out, _) = scratch.play(
        "j.jsonl",
        &["web-shop-one-region"],
        &format!("plan {f}\nplan {f}.missing\nquit\n"),
    );
    let text = out.both();
    assert!(
        text.contains(&format!("{f}:3:9: unknown service `wbe`")),
        "{text}"
    );
    assert!(text.contains("cannot read the file"), "{text}");
    // Nothing was run: the journal holds only its header.
    assert!(!text.contains("provisioning"), "{text}");
}

#[test]
fn submit_and_resolve_each_belong_to_their_kind_of_scenario() {
    let (_, design) = design_scenarios()
        .into_iter()
        .next()
        .expect("a design scenario ships");
    let mut sim = Sim::new(&design, 1);
    let err = sim.execute("resolve").expect_err("no incident to resolve");
    assert!(err.to_string().contains("submit"), "{err}");
    let mut sim = Sim::new(
        &scenarios::load_file(&Path::new(ROOT).join("content/outage/db-disk-full.ron"))
            .expect("loads")
            .0,
        1,
    );
    let err = sim.execute("submit").expect_err("nothing to submit");
    assert!(err.to_string().contains("resolve"), "{err}");
    let err = sim
        .execute("auto-failover app on")
        .expect_err("not a database");
    assert!(err.to_string().contains("not a database"), "{err}");
}
