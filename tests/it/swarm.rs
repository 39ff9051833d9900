//! Determinism under a swarm: every shipped scenario driven, seed after seed, by a generated
//! session whose mix of commands (looks, actions good and bad, waits, notes, hints, mistakes) the
//! seed chooses. Each session is played twice in one process and once more in a second process;
//! the transcript of responses, the run record with its full event log, and the scorecard must
//! match byte for byte. A divergence is shrunk (proptest) to a short command list that still
//! diverges, and printed with its seed.
//!
//! `GAMEDAY_SWARM_SEEDS=N` sweeps seeds 1..=N of every scenario (default 4); see
//! docs/reliability.md for the long run.

use std::path::{Path, PathBuf};
use std::process::Command;

use engine::Sim;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::strategy::{BoxedStrategy, Union, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use scenarios::{Metric, Scenario};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::support::{OK_FIXTURES, ROOT, Scratch, ron_files};

/// Set in a worker process: the path of its [`Job`].
const WORKER: &str = "GAMEDAY_SWARM_WORKER";

/// The test that doubles as the worker when [`WORKER`] is set.
const WORKER_TEST: &str = "swarm::swarm_sweep_matches_across_processes";

/// Most candidate command lists tried while shrinking one divergence.
const SHRINK_BUDGET: usize = 300;

/// Sessions of 1–40 commands (and a `resolve` at the end of about half) for `scenario`. The five
/// kinds of command get weights 1–5 drawn first, so each seed has its own mix: some sessions
/// mostly look, some mostly act, some mostly wait. Shrinking drops commands and turns each
/// towards the simplest of its kind.
fn commands(scenario: &Scenario) -> BoxedStrategy<Vec<String>> {
    let hosts: Vec<String> = scenario
        .topology
        .hosts
        .iter()
        .map(|h| h.id.clone())
        .collect();
    let services: Vec<String> = scenario
        .topology
        .services
        .iter()
        .map(|s| s.id.clone())
        .collect();
    let names: Vec<String> = hosts.iter().chain(&services).cloned().collect();
    let metrics: Vec<&'static str> = Metric::ALL.iter().map(|m| m.label()).collect();
    let host = select(hosts);
    let service = select(services);

    let look = prop_oneof![
        Just("status".to_owned()),
        Just("top".to_owned()),
        select(names).prop_map(|n| format!("describe {n}")),
        (host.clone(), select(metrics)).prop_map(|(h, m)| format!("metrics {h} {m} --last 20m")),
        service.clone().prop_map(|s| format!("logs {s}")),
        (host.clone(), host.clone()).prop_map(|(a, b)| format!("ping {a} {b}")),
    ]
    .boxed();
    let act = prop_oneof![
        host.clone().prop_map(|h| format!("restart {h}")),
        host.clone().prop_map(|h| format!("reboot {h}")),
        host.clone().prop_map(|h| format!("drain {h}")),
        host.clone().prop_map(|h| format!("undrain {h}")),
        (service.clone(), 1..=6u32).prop_map(|(s, n)| format!("scale {s} {n}")),
        service.clone().prop_map(|s| format!("rollback {s}")),
        service.prop_map(|s| format!("failover {s}")),
        (host.clone(), 10..=209u32).prop_map(|(h, g)| format!("extend-volume {h} +{g}G")),
    ]
    .boxed();
    let wait = (1..=15u32).prop_map(|m| format!("wait {m}m")).boxed();
    let other = prop_oneof![
        Just("note \"looking into it\"".to_owned()),
        Just("hint".to_owned()),
        (
            host,
            select(vec!["postgres", "haproxy", "pg_debug_log", "nope"])
        )
            .prop_map(|(h, p)| format!("kill {h} {p}")),
    ]
    .boxed();
    let mistake = select(vec![
        "restrat app-1",
        "wait 0m",
        "metrics nowhere cpu",
        "scale",
        "?",
    ])
    .prop_map(str::to_owned)
    .boxed();

    // The weights are not shrunk: a simpler mix would draw a different session altogether.
    proptest::array::uniform5(1u32..=5)
        .no_shrink()
        .prop_flat_map(move |w| {
            let command = Union::new_weighted(vec![
                (w[0], look.clone()),
                (w[1], act.clone()),
                (w[2], wait.clone()),
                (w[3], other.clone()),
                (w[4], mistake.clone()),
            ]);
            (proptest::collection::vec(command, 1..=40), any::<bool>()).prop_map(
                |(mut lines, resolve)| {
                    if resolve {
                        lines.push("resolve".into());
                    }
                    lines
                },
            )
        })
        .boxed()
}

/// The session `seed` generates for `scenario`, as a tree proptest can shrink. The seed alone
/// decides it, in any process.
fn generate(scenario: &Scenario, seed: u64) -> Box<dyn ValueTree<Value = Vec<String>>> {
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &key);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    Box::new(
        commands(scenario)
            .new_tree(&mut runner)
            .expect("the strategy rejects nothing"),
    )
}

/// The commands of seed `seed`'s session on `scenario`.
pub fn session(scenario: &Scenario, seed: u64) -> Vec<String> {
    generate(scenario, seed).current()
}

/// One session played in this process, as text: every response, the run record (with its event
/// log) and the scorecard.
#[derive(Debug, PartialEq)]
struct Played {
    transcript: String,
    record: String,
    card: String,
}

fn play(scenario: &Scenario, seed: u64, lines: &[String]) -> Played {
    let mut sim = Sim::new(scenario, seed);
    let mut transcript = String::new();
    for line in lines {
        match sim.execute(line) {
            Ok(r) => transcript.push_str(&format!("{line} => {r:?}\n")),
            Err(e) => transcript.push_str(&format!("{line} => error {e}\n")),
        }
        if sim.is_over() {
            break;
        }
    }
    sim.finish();
    let record = sim.record();
    let card = grader::grade(scenario, &record, &Default::default());
    Played {
        transcript,
        record: serde_json::to_string_pretty(&record).expect("a record serializes"),
        card: serde_json::to_string_pretty(&card).expect("a scorecard serializes"),
    }
}

fn digest(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What one worker process is asked to do.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Job {
    /// Where it writes its report: one line per session, then the sessions in full if `whole`.
    out: PathBuf,
    /// Scenario files; empty for every shipped scenario.
    scenarios: Vec<PathBuf>,
    first_seed: u64,
    last_seed: u64,
    /// Play exactly these commands instead of each seed's generated session.
    commands: Option<Vec<String>>,
    /// Write each session's transcript, record and scorecard in full, to show a difference.
    whole: bool,
    /// Only to test this harness: a session with a command starting with this word gets a
    /// different scorecard in this process, as if that command were not deterministic.
    perturb: Option<String>,
}

fn scenario_files(job: &Job) -> Vec<PathBuf> {
    if job.scenarios.is_empty() {
        ron_files(&Path::new(ROOT).join("content"))
    } else {
        job.scenarios.clone()
    }
}

fn load(path: &Path) -> Scenario {
    let mut s = scenarios::load_file(path)
        .unwrap_or_else(|e| panic!("{e}"))
        .0;
    // A design scenario's record carries its trial; one seed of each trial fault is as good a
    // determinism check as six, at a sixth of the time.
    if let Some(d) = s.design.as_mut() {
        d.trial.runs = 1;
    }
    s
}

/// The worker: plays each session twice and reports it; the two plays must already agree.
fn work(job: &Job) {
    let mut report = String::new();
    let mut whole = String::new();
    for file in scenario_files(job) {
        let scenario = load(&file);
        for seed in job.first_seed..=job.last_seed {
            let lines = match &job.commands {
                Some(lines) => lines.clone(),
                None => session(&scenario, seed),
            };
            let mut first = play(&scenario, seed, &lines);
            let again = play(&scenario, seed, &lines);
            let same = first == again;
            if let Some(word) = &job.perturb
                && lines.iter().any(|l| l.starts_with(word.as_str()))
            {
                first.card.push_str("\nperturbed");
            }
            report.push_str(&format!(
                "{} seed {seed}: {} commands {} | transcript {} | record {} | scorecard {} | {}\n",
                scenario.id,
                lines.len(),
                &digest(&lines.join("\n"))[..16],
                digest(&first.transcript),
                digest(&first.record),
                digest(&first.card),
                if same {
                    "same twice in-process"
                } else {
                    "DIFFERS in-process"
                }
            ));
            if job.whole {
                whole.push_str(&format!(
                    "--- transcript\n{}\n--- record\n{}\n--- scorecard\n{}\n",
                    first.transcript, first.record, first.card
                ));
            }
        }
    }
    std::fs::write(&job.out, report + &whole).expect("write the worker's report");
}

/// Runs `job` in two worker processes at once (this test binary, re-invoked) and returns their
/// reports; the second one gets `perturb`.
fn two_processes(s: &Scratch, name: &str, job: Job, perturb: Option<&str>) -> [String; 2] {
    let exe = std::env::current_exe().expect("the test binary's path");
    let children: Vec<(std::process::Child, PathBuf)> = ["a", "b"]
        .iter()
        .map(|copy| {
            let job = Job {
                out: s.path(&format!("{name}-{copy}.txt")),
                perturb: perturb.filter(|_| *copy == "b").map(str::to_owned),
                ..job.clone()
            };
            let path = s.write(
                &format!("{name}-{copy}.json"),
                serde_json::to_string(&job).expect("a job serializes"),
            );
            let child = Command::new(&exe)
                .args([WORKER_TEST, "--exact", "--nocapture", "--test-threads=1"])
                .env(WORKER, &path)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("the test binary runs");
            (child, job.out)
        })
        .collect();
    let mut reports = children.into_iter().map(|(child, out)| {
        let done = child.wait_with_output().expect("the worker finishes");
        assert!(
            done.status.success(),
            "a swarm worker failed:\n{}{}",
            String::from_utf8_lossy(&done.stdout),
            String::from_utf8_lossy(&done.stderr)
        );
        std::fs::read_to_string(&out).expect("the worker's report")
    });
    let a = reports.next().expect("two workers");
    let b = reports.next().expect("two workers");
    [a, b]
}

/// The outcome of a sweep: how many sessions ran, and which diverged.
#[derive(Debug)]
struct Sweep {
    sessions: usize,
    mismatches: Vec<(PathBuf, u64)>,
}

fn sweep(s: &Scratch, scenarios: Vec<PathBuf>, seeds: u64, perturb: Option<&str>) -> Sweep {
    let files = if scenarios.is_empty() {
        ron_files(&Path::new(ROOT).join("content"))
    } else {
        scenarios.clone()
    };
    let job = Job {
        out: PathBuf::new(),
        scenarios,
        first_seed: 1,
        last_seed: seeds,
        commands: None,
        whole: false,
        perturb: None,
    };
    let [a, b] = two_processes(s, "sweep", job, perturb);
    let (a, b): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    assert_eq!(a.len(), b.len(), "the two processes ran as many sessions");
    assert_eq!(
        a.len(),
        files.len() * seeds as usize,
        "one line per session"
    );
    let mut mismatches = Vec::new();
    for (i, (x, y)) in a.iter().zip(&b).enumerate() {
        if x != y || x.ends_with("DIFFERS in-process") {
            mismatches.push((files[i / seeds as usize].clone(), 1 + (i as u64 % seeds)));
        }
    }
    Sweep {
        sessions: a.len(),
        mismatches,
    }
}

/// Shrinks a session proptest generated, keeping each simpler candidate that still `fails`:
/// proptest's own shrinking loop, over a predicate that runs processes. Returns the smallest
/// failing command list found and the number of candidates tried.
fn shrink(
    tree: &mut dyn ValueTree<Value = Vec<String>>,
    mut fails: impl FnMut(&[String]) -> bool,
    budget: usize,
) -> (Vec<String>, usize) {
    let mut best = tree.current();
    let mut tried = 0;
    if !tree.simplify() {
        return (best, tried);
    }
    while tried < budget {
        tried += 1;
        let candidate = tree.current();
        if fails(&candidate) {
            best = candidate;
            if !tree.simplify() {
                break;
            }
        } else if !tree.complicate() {
            break;
        }
    }
    (best, tried)
}

/// The first line where two whole reports differ: in the sessions written out in full, else in
/// the summary line (a session that already differed within one process).
fn first_difference(a: &str, b: &str) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    let start = a.iter().position(|l| l.starts_with("--- ")).unwrap_or(0);
    let (mut section, mut n) = (String::from("summary"), 0);
    for i in start..a.len().max(b.len()) {
        let (x, y) = (a.get(i).copied(), b.get(i).copied());
        if let Some(name) = x.and_then(|x| x.strip_prefix("--- ")) {
            (section, n) = (name.to_owned(), 0);
        } else {
            n += 1;
        }
        if x != y {
            let show = |l: Option<&str>| l.unwrap_or("(nothing)").to_owned();
            return format!(
                "first difference, {section} line {n}:\n  first process:  {}\n  second process: {}",
                show(x),
                show(y)
            );
        }
    }
    format!("no difference in full; summaries:\n  {}\n  {}", a[0], b[0])
}

/// Shrinks the divergent session `seed` of `file` and says how to reproduce it.
fn explain(s: &Scratch, file: &Path, seed: u64, perturb: Option<&str>) -> String {
    let scenario = load(file);
    let job = |lines: &[String]| Job {
        out: PathBuf::new(),
        scenarios: vec![file.to_path_buf()],
        first_seed: seed,
        last_seed: seed,
        commands: Some(lines.to_vec()),
        whole: true,
        perturb: None,
    };
    let diverges = |lines: &[String]| {
        let [a, b] = two_processes(s, "shrink", job(lines), perturb);
        a != b || a.contains("DIFFERS in-process")
    };
    let mut tree = generate(&scenario, seed);
    let (lines, tried) = shrink(tree.as_mut(), diverges, SHRINK_BUDGET);
    let [a, b] = two_processes(s, "shrunk", job(&lines), perturb);
    format!(
        "{} seed {seed} diverged; shrunk (after {tried} tries) to {} command{} that still diverge:\n\
         {}Replay it: GAMEDAY_SWARM_SEEDS={seed} cargo test --test tests swarm_sweep\n{}\n",
        scenario.id,
        lines.len(),
        if lines.len() == 1 { "" } else { "s" },
        lines.iter().map(|l| format!("  {l}\n")).collect::<String>(),
        first_difference(&a, &b)
    )
}

fn seeds_to_sweep() -> u64 {
    std::env::var("GAMEDAY_SWARM_SEEDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4)
}

#[test]
fn swarm_sweep_matches_across_processes() {
    if let Some(path) = std::env::var_os(WORKER) {
        let job: Job =
            serde_json::from_str(&std::fs::read_to_string(path).expect("the job")).expect("a job");
        work(&job);
        return;
    }
    let s = Scratch::new("swarm-sweep");
    let seeds = seeds_to_sweep();
    let result = sweep(&s, Vec::new(), seeds, None);
    let scenarios = result.sessions / seeds as usize;
    eprintln!(
        "swarm sweep: {} sessions ({scenarios} scenarios x seeds 1..={seeds}), each played twice in \
         one process and once in another: {} mismatches",
        result.sessions,
        result.mismatches.len()
    );
    if let Some((file, seed)) = result.mismatches.first() {
        panic!(
            "{} of {} sessions diverged: {:?}\n{}",
            result.mismatches.len(),
            result.sessions,
            result.mismatches,
            explain(&s, file, *seed, None)
        );
    }
    assert!(scenarios >= 20, "every shipped scenario is swept");
}

#[test]
fn swarm_sweep_finds_and_shrinks_a_divergence() {
    // The second process treats `failover` as if it were not deterministic: the sweep must catch
    // exactly the sessions that use it, and shrink one to that command alone.
    let s = Scratch::new("swarm-sabotage");
    let fixture = Path::new(ROOT)
        .join(OK_FIXTURES)
        .join("tiny-runaway-cpu.ron");
    let scenario = load(&fixture);
    let seeds = 6;
    let result = sweep(&s, vec![fixture.clone()], seeds, Some("failover"));
    let expected: Vec<(PathBuf, u64)> = (1..=seeds)
        .filter(|&seed| {
            session(&scenario, seed)
                .iter()
                .any(|l| l.starts_with("failover"))
        })
        .map(|seed| (fixture.clone(), seed))
        .collect();
    assert!(!expected.is_empty(), "some seed's session uses failover");
    assert_eq!(result.sessions, seeds as usize);
    assert_eq!(result.mismatches, expected);

    let (_, seed) = &expected[0];
    let report = explain(&s, &fixture, *seed, Some("failover"));
    let service = &scenario.topology.services[0].id;
    assert!(
        report.starts_with(&format!(
            "tiny-runaway-cpu seed {seed} diverged; shrunk (after "
        )),
        "{report}"
    );
    assert!(
        report.contains(&format!(
            "to 1 command that still diverge:\n  failover {service}\nReplay it: "
        )),
        "{report}"
    );
    assert!(
        report.contains("scorecard line ") && report.contains("second process: perturbed"),
        "{report}"
    );
}

#[test]
fn each_seed_generates_its_own_session() {
    let scenario = load(&Path::new(ROOT).join("content/outage/db-disk-full.ron"));
    let sessions: Vec<Vec<String>> = (1..=30).map(|seed| session(&scenario, seed)).collect();
    assert_eq!(
        sessions[4],
        session(&scenario, 5),
        "a seed decides its session"
    );
    let mut distinct = sessions.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), sessions.len(), "no two seeds agree");
    // The mix varies: the share of waits ranges widely between seeds.
    let shares: Vec<f64> = sessions
        .iter()
        .map(|s| s.iter().filter(|l| l.starts_with("wait ")).count() as f64 / s.len() as f64)
        .collect();
    let (lo, hi) = shares
        .iter()
        .fold((1.0f64, 0.0f64), |(lo, hi), &x| (lo.min(x), hi.max(x)));
    assert!(hi - lo > 0.3, "shares of waits {shares:?}");
}

#[test]
fn swarm_sessions_grade_identically_in_separate_processes() {
    // Through the binary, as a person would play them: the printed session and the regraded
    // scorecard of each (with its counterfactual runs) agree between two processes.
    let s = Scratch::new("swarm");
    for file in ron_files(&Path::new(ROOT).join("content")) {
        let scenario = load(&file);
        for seed in [11, 12] {
            let script = session(&scenario, seed).join("\n") + "\n";
            let seed_arg = seed.to_string();
            let mut graded = Vec::new();
            for copy in ["a", "b"] {
                let journal = s.path(&format!("{}-{seed}-{copy}.jsonl", scenario.id));
                let journal_arg = journal.to_str().expect("UTF-8 path");
                let args = [
                    "play",
                    scenario.id.as_str(),
                    "--seed",
                    &seed_arg,
                    "--journal",
                    journal_arg,
                ];
                let played = s.run(&args, script.as_bytes());
                played.ok();
                graded.push((
                    s.redact(&played.stdout)
                        .replace(&format!("-{copy}.jsonl"), ".jsonl"),
                    s.grade(&journal, true).ok().to_owned(),
                ));
            }
            assert_eq!(
                graded[0], graded[1],
                "{} seed {seed}:\n{script}",
                scenario.id
            );
        }
    }
}
