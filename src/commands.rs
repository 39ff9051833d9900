//! The subcommands: play, list, grade, check.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde::Serialize;

use crate::cli::PlayArgs;
use crate::journal;
use crate::library::{self, DEFAULT_SCENARIO, Entry, Library};
use crate::render::{self, Style};
use crate::repl::{self, Input, Mode};
use crate::runner;
use scenarios::{Duty, Scenario};

/// Writes to stdout; a reader that went away (`gameday list | head`) ends the program quietly,
/// as it does for other command-line tools, instead of panicking.
pub fn emit(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if out
        .write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .is_err()
    {
        std::process::exit(0);
    }
}

macro_rules! emit {
    ($($arg:tt)*) => { emit(&format!($($arg)*)) };
}

macro_rules! emitln {
    ($($arg:tt)*) => { emit(&format!("{}\n", format!($($arg)*))) };
}

pub fn play(library: &Library, args: PlayArgs, style: Style) -> Result<ExitCode, String> {
    if let Some(path) = &args.resume {
        return resume(library, path, args.script.as_deref(), style);
    }
    let entry = match (&args.scenario, library) {
        (Some(id), _) => library.find(id)?,
        (None, Library::Builtin) => library.find(DEFAULT_SCENARIO)?,
        (None, Library::Dir(dir)) => library.find(DEFAULT_SCENARIO).map_err(|_| {
            let ids: Vec<String> = library
                .load_all()
                .map(|all| all.into_iter().map(|e| e.scenario.id).collect())
                .unwrap_or_default();
            format!(
                "name a scenario to play from {}: {}",
                dir.display(),
                if ids.is_empty() {
                    "it has none".into()
                } else {
                    ids.join(", ")
                }
            )
        })?,
    };
    let entry = entry.for_seed(args.seed)?;
    let mode = if args.exam {
        Mode::Exam
    } else {
        Mode::Practice
    };
    let input = match &args.script {
        Some(path) => Input::script(path)?,
        None => Input::stdin(),
    };
    let path = match args.journal {
        Some(p) => p,
        None => default_journal_path(&entry, args.seed)?,
    };
    repl::play(&entry, args.seed, mode, input, &path, style)?;
    Ok(ExitCode::SUCCESS)
}

/// `play --resume`: replays the journal, then goes on appending to it.
fn resume(
    library: &Library,
    path: &Path,
    script: Option<&Path>,
    style: Style,
) -> Result<ExitCode, String> {
    let runner::Replayed {
        read, entry, sim, ..
    } = repl::reopen(library, path)?;
    let h = &read.header;
    if sim.resolved() || sim.is_over() {
        return Err(format!(
            "{} is finished ({}); grade it with `gameday grade {}`",
            path.display(),
            if sim.resolved() {
                "it was resolved"
            } else {
                "its simulated time ran out"
            },
            path.display()
        ));
    }
    let mode = if h.mode == "exam" {
        Mode::Exam
    } else {
        Mode::Practice
    };
    let journal = journal::Writer::resume(path, &read)?;
    let input = match script {
        Some(p) => Input::script(p)?,
        None => Input::stdin(),
    };
    print!("{}", repl::banner(&entry, h.seed, mode, path));
    println!("{}", repl::resumed(read.entries.len(), &sim));
    repl::resume(&entry, h.seed, mode, sim, journal, input, style)?;
    Ok(ExitCode::SUCCESS)
}

fn default_journal_path(entry: &Entry, seed: u64) -> Result<PathBuf, String> {
    use etcetera::BaseStrategy;
    let base = match std::env::var_os("GAMEDAY_DATA_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => etcetera::choose_base_strategy()
            .map_err(|e| format!("cannot find your data directory ({e}); pass --journal PATH"))?
            .data_dir()
            .join("gameday"),
    };
    let stamp = repl::wall_ms();
    Ok(base
        .join("journals")
        .join(format!("{}-{seed}-{stamp}.jsonl", entry.scenario.id)))
}

#[derive(Serialize)]
struct ListItem<'a> {
    id: &'a str,
    title: &'a str,
    duty: &'a str,
    kind: &'a str,
    level: &'a str,
    /// Names of the scenario's variant axes.
    variants: Vec<&'a str>,
    time_limit: String,
    default: bool,
}

pub fn list(library: &Library, json: bool) -> Result<ExitCode, String> {
    let entries = library.load_all_or_report()?;
    let mut sorted: Vec<&Scenario> = entries.iter().map(|e| &e.scenario).collect();
    sorted.sort_by(|a, b| {
        (a.kind.duty(), a.level, a.kind, &a.id).cmp(&(b.kind.duty(), b.level, b.kind, &b.id))
    });
    let items: Vec<ListItem> = sorted
        .iter()
        .map(|s| ListItem {
            id: &s.id,
            title: &s.title,
            duty: s.kind.duty().label(),
            kind: s.kind.label(),
            level: s.level.label(),
            variants: s.variants.iter().map(|v| v.name.as_str()).collect(),
            time_limit: s.time_limit.to_string(),
            default: s.id == DEFAULT_SCENARIO,
        })
        .collect();
    if json {
        emitln!(
            "{}",
            serde_json::to_string_pretty(&items).expect("serializes")
        );
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|i| {
            let id = if i.default {
                format!("{} (default)", i.id)
            } else {
                i.id.to_owned()
            };
            vec![
                i.duty.into(),
                id,
                i.kind.into(),
                i.level.into(),
                i.time_limit.clone(),
                i.title.into(),
            ]
        })
        .collect();
    emit!(
        "{}",
        render::table(&["duty", "id", "kind", "level", "limit", "title"], &rows)
    );
    let missing: Vec<&str> = Duty::ALL
        .into_iter()
        .filter(|d| !sorted.iter().any(|s| s.kind.duty() == *d))
        .map(Duty::label)
        .collect();
    let play = match library {
        Library::Builtin => "gameday play <id>".to_owned(),
        Library::Dir(dir) => format!("gameday --content {} play <id>", dir.display()),
    };
    let packs = library.packs()?;
    if !packs.is_empty() {
        let rows: Vec<Vec<String>> = packs
            .iter()
            .map(|p| {
                let p = &p.pack;
                vec![
                    p.id.clone(),
                    p.role.clone(),
                    p.level.label().into(),
                    p.scenarios.len().to_string(),
                    p.time_limit.to_string(),
                    format!("{:.0}", p.pass),
                ]
            })
            .collect();
        emit!(
            "\nAssessment packs (`gameday assess --pack <id> --candidate NAME`):\n{}",
            render::table(
                &["pack", "role", "level", "scenarios", "limit", "pass"],
                &rows
            )
        );
    }
    emitln!(
        "\n{} covering {} of the role's {} duties{}. Play one with `{play}`.",
        plural(items.len(), "scenario"),
        Duty::ALL.len() - missing.len(),
        Duty::ALL.len(),
        if missing.is_empty() {
            String::new()
        } else {
            format!(" (none yet for {})", missing.join(", "))
        }
    );
    Ok(ExitCode::SUCCESS)
}

pub fn grade(
    library: &Library,
    path: &Path,
    json: bool,
    rubric: Option<&Path>,
    style: Style,
) -> Result<ExitCode, String> {
    let runner::Replayed {
        read,
        entry,
        mut sim,
        warnings,
    } = runner::replay_journal(library, path)?;
    for w in &warnings {
        eprintln!("warning: {w}");
    }
    let h = &read.header;
    let (scenario, graded_with) = match rubric {
        Some(file) => {
            let text = std::fs::read_to_string(file)
                .map_err(|e| format!("cannot read rubric {}: {e}", file.display()))?;
            let s = scenarios::with_rubric(&entry.scenario, &file.display().to_string(), &text)
                .map_err(|e| e.to_string())?;
            (s, format!("the rubric in {}", file.display()))
        }
        None => (
            entry.scenario.clone(),
            "the scenario's own rubric".to_owned(),
        ),
    };
    let card = runner::grade(&scenario, h.seed, &mut sim)?;
    if json {
        emitln!(
            "{}",
            serde_json::to_string_pretty(&card).expect("serializes")
        );
    } else {
        emit!("{}", render::scorecard(&card, &scenario, style));
        emitln!(
            "\nRegraded with {graded_with} by replaying {} commands, played in {} mode on seed {} (variant: {}).",
            read.entries.len(),
            h.mode,
            h.seed,
            entry.variant
        );
        // A journal of an assessment is graded there with the pack's weights.
        if let Some(dir) = path.parent()
            && let Ok(log) = crate::session_log::read(dir)
        {
            emitln!(
                "This journal is part of {}'s assessment `{}`, whose report weighs the KPIs by the pack: `gameday report {}` gives that grade.",
                log.begin().candidate,
                log.begin().pack,
                dir.display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn check(paths: &[PathBuf]) -> Result<ExitCode, String> {
    let mut files = Vec::new();
    for p in paths {
        if !p.exists() {
            return Err(format!("{}: no such file or folder", p.display()));
        }
        library::ron_files(p, &mut files);
    }
    if files.is_empty() {
        return Err("no .ron files found in the paths given".into());
    }
    let mut failed = 0;
    // Packs name scenarios by id: those checked here, or the built-in library's.
    let mut known: std::collections::BTreeMap<String, Entry> = Library::Builtin
        .load_all()
        .unwrap_or_default()
        .into_iter()
        .map(|e| (e.scenario.id.clone(), e))
        .collect();
    for f in &files {
        if std::fs::metadata(f).is_ok_and(|m| m.len() <= scenarios::MAX_FILE_BYTES as u64)
            && let Ok(text) = std::fs::read_to_string(f)
            && !scenarios::is_pack(&text)
            && let Ok(e) = library::load_path(f)
        {
            known.insert(e.scenario.id.clone(), e);
        }
    }
    // Files are checked on every core, and reported in order as each is done: each file's
    // runs are deterministic, so only the order of the work differs, never a result.
    let workers = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(files.len());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let (done, results) = std::sync::mpsc::channel();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let done = done.clone();
            let (next, files, known) = (&next, &files, &known);
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(f) = files.get(i) else { break };
                    // A file over the size cap is refused by the scenario loader, unread.
                    let is_pack = std::fs::metadata(f)
                        .is_ok_and(|m| m.len() <= scenarios::MAX_FILE_BYTES as u64)
                        && std::fs::read_to_string(f).is_ok_and(|t| scenarios::is_pack(&t));
                    let result = if is_pack {
                        check_pack(f, known)
                    } else {
                        check_one(f)
                    };
                    if done.send((i, result)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(done);
        let mut waiting = std::collections::BTreeMap::new();
        let mut shown = 0;
        for (i, result) in results {
            waiting.insert(i, result);
            while let Some(result) = waiting.remove(&shown) {
                match result {
                    Ok(line) => emitln!("ok: {} ({line})", files[shown].display()),
                    Err(text) => {
                        failed += 1;
                        eprint!("{text}");
                        eprintln!();
                    }
                }
                shown += 1;
            }
        }
    });
    let n = files.len();
    if failed == 0 {
        emitln!("checked {n} file{}: all ok", if n == 1 { "" } else { "s" });
        Ok(ExitCode::SUCCESS)
    } else {
        emitln!(
            "checked {n} file{}: {failed} failed, {} ok",
            if n == 1 { "" } else { "s" },
            n - failed
        );
        Ok(ExitCode::from(1))
    }
}

/// Loads and validates every variant, runs the reference solution on each (every step must be
/// accepted), and checks on five seeds that the rubric scores the reference high and doing
/// nothing low.
fn check_one(path: &Path) -> Result<String, String> {
    let entry = library::load_path(path).map_err(|e| e.to_string())?;
    let variants =
        scenarios::load_every_variant(&entry.source, &entry.text).map_err(|e| e.to_string())?;
    for (s, variant) in &variants {
        let scripts = std::iter::once((
            "reference".to_owned(),
            "the reference solution".to_owned(),
            &s.reference,
        ))
        .chain(s.transcripts.iter().enumerate().map(|(i, t)| {
            (
                format!("transcripts[{i}].steps"),
                format!("transcript `{}`", t.name),
                &t.steps,
            )
        }));
        for (path_of_steps, what, steps) in scripts {
            let Err(e) = engine::run_steps(s, 1, steps) else {
                continue;
            };
            let mut d = vec![scenarios::Diagnostic::at(
                format!("{path_of_steps}[{}].command", e.index),
                format!(
                    "step {} of {what} is refused by the engine{}: {}",
                    e.index + 1,
                    if variant.picks.is_empty() {
                        String::new()
                    } else {
                        format!(" in variant {}", variant.detailed())
                    },
                    e.error
                ),
            )];
            scenarios::locate_all(&entry.text, &mut d);
            return Err(scenarios::LoadError {
                file: path.display().to_string(),
                source: entry.text.clone(),
                diagnostics: d,
            }
            .to_string());
        }
    }
    let seeds = fairness_seeds(&entry.text);
    let mut runs = Vec::with_capacity(seeds.len());
    for &seed in &seeds {
        runs.push(runner::fairness(&entry.source, &entry.text, seed, None)?);
    }
    let s = &entry.scenario;
    // A seed whose runs grade exactly as an earlier one's is named, not shown again.
    let mut shown: Vec<(u64, String)> = Vec::new();
    let mut unfair: Vec<String> = Vec::new();
    for r in runs.iter().filter(|r| !r.fair()) {
        let text = r.explain(&s.id);
        let (head, body) = text.split_once('\n').unwrap_or((&text, ""));
        let body = body.to_owned();
        match shown.iter().find(|(_, b)| *b == body) {
            Some((seed, _)) => unfair.push(format!(
                "{} seed {} (variant {}): graded as seed {seed}\n",
                s.id,
                r.seed,
                r.variant.detailed()
            )),
            None => {
                unfair.push(format!("{head}\n{body}"));
                shown.push((r.seed, body));
            }
        }
    }
    if !unfair.is_empty() {
        let mut why = Vec::new();
        if runs.iter().any(|r| {
            r.reference.total < runner::REFERENCE_AT_LEAST
                || r.nothing.total > runner::NOTHING_AT_MOST
        }) {
            why.push("the rubric does not tell the reference solution from doing nothing");
        }
        if runs.iter().any(|r| !r.misranked().is_empty()) {
            why.push("the grader ranks the transcripts out of their declared order");
        }
        return Err(format!(
            "error: {}: {}\n{}",
            path.display(),
            why.join("; and "),
            unfair.join("")
        ));
    }
    let range = |f: fn(&runner::Fairness) -> f64| {
        let lo = runs.iter().map(f).fold(f64::INFINITY, f64::min);
        let hi = runs.iter().map(f).fold(f64::NEG_INFINITY, f64::max);
        if (hi - lo).abs() < 0.05 {
            format!("{lo:.1}")
        } else {
            format!("{lo:.1}-{hi:.1}")
        }
    };
    Ok(format!(
        "{}: {} {}, {}, {}, {}; reference {} and doing nothing {} on seeds 1-{}{}{}",
        s.id,
        s.level.label(),
        s.kind.label(),
        match &s.design {
            Some(d) => format!(
                "a trial of {} x {} seeds",
                plural(d.trial.faults.len(), "fault"),
                d.trial.runs
            ),
            None => plural(s.faults.len(), "fault"),
        },
        plural(s.reference.len(), "reference step"),
        plural(variants.len(), "variant"),
        range(|r| r.reference.total),
        range(|r| r.nothing.total),
        FAIRNESS_SEEDS.len(),
        match &seeds[FAIRNESS_SEEDS.len()..] {
            [] => String::new(),
            more => format!(
                " and {} (for the variants those miss)",
                more.iter()
                    .map(u64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        },
        if s.transcripts.is_empty() {
            String::new()
        } else {
            format!(
                "; {} ranked as declared",
                plural(s.transcripts.len(), "transcript")
            )
        }
    ))
}

/// Loads a pack, checks that every scenario it names exists, and that with the pack's weights
/// each scenario still tells its reference solution from doing nothing (on seed 1).
fn check_pack(
    path: &Path,
    known: &std::collections::BTreeMap<String, Entry>,
) -> Result<String, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("error: {}: cannot read the file: {e}", path.display()))?;
    let pack =
        scenarios::load_pack(&path.display().to_string(), &text).map_err(|e| e.to_string())?;
    let located = |mut d: Vec<scenarios::Diagnostic>| {
        scenarios::locate_all(&text, &mut d);
        scenarios::LoadError {
            file: path.display().to_string(),
            source: text.clone(),
            diagnostics: d,
        }
        .to_string()
    };
    let unknown: Vec<scenarios::Diagnostic> = pack
        .scenarios
        .iter()
        .enumerate()
        .filter(|(_, s)| !known.contains_key(&s.scenario))
        .map(|(i, s)| {
            let mut diag = scenarios::Diagnostic::at(
                format!("scenarios[{i}].scenario"),
                format!("unknown scenario `{}`", s.scenario),
            );
            diag.help = scenarios::suggest(&s.scenario, known.keys().map(String::as_str));
            diag
        })
        .collect();
    if !unknown.is_empty() {
        return Err(located(unknown));
    }
    let mut lowest_reference = f64::INFINITY;
    let mut highest_nothing = f64::NEG_INFINITY;
    let mut unfair = Vec::new();
    for (i, s) in pack.scenarios.iter().enumerate() {
        let e = &known[&s.scenario];
        let run = runner::fairness(&e.source, &e.text, PACK_SEED, Some(&pack))?;
        lowest_reference = lowest_reference.min(run.reference.total);
        highest_nothing = highest_nothing.max(run.nothing.total);
        if !run.fair() {
            unfair.push((i, run.explain(&s.scenario)));
        }
    }
    if !unfair.is_empty() {
        let d = unfair
            .iter()
            .map(|(i, _)| {
                scenarios::Diagnostic::at(
                    format!("scenarios[{i}].scenario"),
                    "with the pack's weights the rubric no longer tells the reference solution from doing nothing",
                )
                .with_help("lower the pack's weight multipliers on the KPIs that doing nothing scores well on")
            })
            .collect();
        return Err(format!(
            "{}{}",
            located(d),
            unfair.into_iter().map(|(_, t)| t).collect::<String>()
        ));
    }
    Ok(format!(
        "{}: pack for {} ({} level), {}, {} in all, pass line {}; reference >= {:.1} and doing nothing <= {:.1} under the pack's weights on seed {PACK_SEED}",
        pack.id,
        pack.role,
        pack.level.label(),
        plural(pack.scenarios.len(), "scenario"),
        pack.time_limit,
        pack.pass,
        lowest_reference,
        highest_nothing
    ))
}

/// The seed `check` grades a pack's scenarios on with the pack's weights.
const PACK_SEED: u64 = 1;

/// Seeds `check` grades each scenario on; each picks its own variant.
const FAIRNESS_SEEDS: [u64; 5] = [1, 2, 3, 4, 5];

/// [`FAIRNESS_SEEDS`], then for every choice of every variant axis that those seeds leave out,
/// the first later seed that picks it: so every choice is graded at least once.
fn fairness_seeds(text: &str) -> Vec<u64> {
    let axes = scenarios::variant_axes(text);
    let mut seeds = FAIRNESS_SEEDS.to_vec();
    let picked = |seeds: &[u64], axis: usize, choice: usize| {
        seeds
            .iter()
            .any(|&s| scenarios::pick_for_seed(&axes, s)[axis] == choice)
    };
    for (a, axis) in axes.iter().enumerate() {
        for c in 0..axis.choices.len() {
            if picked(&seeds, a, c) {
                continue;
            }
            if let Some(seed) =
                (6..100_000u64).find(|&s| scenarios::pick_for_seed(&axes, s)[a] == c)
            {
                seeds.push(seed);
            }
        }
    }
    seeds
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// `gameday report DIR...`: regrades each assessment by replay, rewrites its report files, and
/// ranks the candidates (a table, or JSON), optionally as a comparison page and CSV.
pub fn report(
    library: &Library,
    args: crate::cli::ReportArgs,
    style: Style,
) -> Result<ExitCode, String> {
    use crate::report;
    let mut reports = Vec::new();
    for dir in &args.dirs {
        let r = report::build(library, dir)?;
        for (name, text) in [
            (
                "report.json",
                serde_json::to_string_pretty(&r).expect("serializes") + "\n",
            ),
            ("report.md", report::markdown::candidate(&r)),
            ("report.html", report::html::candidate(&r)),
        ] {
            report::write_atomically(&dir.join(name), text.as_bytes())?;
        }
        reports.push(r);
    }
    let packs: std::collections::BTreeSet<&str> =
        reports.iter().map(|r| r.pack.id.as_str()).collect();
    if packs.len() > 1 {
        let which: Vec<String> = args
            .dirs
            .iter()
            .zip(&reports)
            .map(|(d, r)| format!("  {}: {}", d.display(), r.pack.id))
            .collect();
        return Err(format!(
            "these assessments are of different packs; rank candidates who sat the same pack:\n{}",
            which.join("\n")
        ));
    }
    if let Some(path) = &args.html {
        report::write_atomically(path, report::html::comparison(&reports).as_bytes())?;
    }
    if let Some(path) = &args.csv {
        report::write_atomically(path, report::csv::comparison(&reports).as_bytes())?;
    }
    if args.json {
        emitln!(
            "{}",
            serde_json::to_string_pretty(&reports).expect("serializes")
        );
        return Ok(ExitCode::SUCCESS);
    }
    let ranked = report::ranked(&reports);
    let places = report::places(&ranked);
    let first = ranked.first().expect("at least one folder");
    let mut header: Vec<String> = ["rank", "candidate", "total", "result"]
        .map(String::from)
        .to_vec();
    header.extend(first.scenarios.iter().map(|s| s.id.clone()));
    header.push("signals".into());
    let rows: Vec<Vec<String>> = ranked
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut row = vec![
                places[i].to_string(),
                r.candidate.clone(),
                format!("{:.1}", r.total),
                match (r.passed, r.complete) {
                    (true, true) => "pass".to_owned(),
                    (false, true) => "below the line".to_owned(),
                    (_, false) => "incomplete".to_owned(),
                },
            ];
            row.extend(r.scenarios.iter().map(|s| format!("{:.1}", s.total)));
            let i = &r.integrity;
            row.push(format!(
                "{} idle, {} burst{}, {} resume{}",
                i.idle_gaps.len(),
                i.bursts.len(),
                if i.bursts.len() == 1 { "" } else { "s" },
                i.resumes.len(),
                if i.resumes.len() == 1 { "" } else { "s" }
            ));
            row
        })
        .collect();
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    emit!("{}", render::table(&header, &rows));
    let _ = style;
    emitln!(
        "\n{} of `{}` (pass line {:.0}), regraded by replaying every journal. Each folder's report.{{json,md,html}} was rewritten.",
        plural(reports.len(), "candidate"),
        first.pack.id,
        first.pack.pass
    );
    Ok(ExitCode::SUCCESS)
}

/// `gameday explain SCENARIO [--seed N]`.
pub fn explain(library: &Library, scenario: &str, seed: u64) -> Result<ExitCode, String> {
    let entry = library.find(scenario)?.for_seed(seed)?;
    emit!("{}", crate::explain::explain(&entry, seed)?);
    Ok(ExitCode::SUCCESS)
}

/// The starter scenarios `gameday new` writes: an incident for every kind but capacity.
const INCIDENT_TEMPLATE: &str = include_str!("templates/incident.ron");
const CAPACITY_TEMPLATE: &str = include_str!("templates/capacity.ron");

/// `gameday new KIND NAME [--out PATH]`: writes a commented starter scenario that passes `check`.
pub fn new(kind: &str, name: &str, out: Option<PathBuf>) -> Result<ExitCode, String> {
    let all = scenarios::Kind::ALL;
    let Some(k) = all.iter().copied().find(|k| k.label() == kind) else {
        let labels: Vec<&str> = all.iter().map(|k| k.label()).collect();
        let hint = scenarios::suggest(kind, labels.iter().copied())
            .unwrap_or_else(|| format!("the kinds are: {}", labels.join(", ")));
        return Err(format!("no scenario kind `{kind}`; {hint}"));
    };
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(format!(
            "`{name}` is not a scenario id: use lower-case letters, digits and dashes, e.g. `disk-full-at-night`"
        ));
    }
    let template = if k == scenarios::Kind::Capacity {
        CAPACITY_TEMPLATE
    } else {
        INCIDENT_TEMPLATE
    };
    let text = template
        .replace("{{id}}", name)
        .replace("{{kind}}", k.label())
        .replace("{{Kind}}", &format!("{k:?}"));
    let path = out.unwrap_or_else(|| PathBuf::from(format!("{name}.ron")));
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()))
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                format!(
                    "{} already exists; choose another name or --out",
                    path.display()
                )
            } else {
                format!("cannot write {}: {e}", path.display())
            }
        })?;
    let p = path.display();
    emitln!(
        "wrote {p}: a {} scenario that passes `gameday check`.\n\
         Next: edit it (docs/authoring.md walks through every part), then\n  \
         gameday check {p}      validate, and grade the reference, doing nothing and the transcripts\n  \
         gameday explain {p}    what happens with nobody at the keyboard, beside the reference\n  \
         gameday play {p}       play it",
        k.label()
    );
    Ok(ExitCode::SUCCESS)
}

/// `gameday schema [scenario|pack]`: the JSON Schema of a format, generated from the types the
/// loader deserialises (so it cannot drift from what `check` accepts).
pub fn schema(which: crate::cli::SchemaKind) -> Result<ExitCode, String> {
    let schema = match which {
        crate::cli::SchemaKind::Scenario => schemars::schema_for!(scenarios::Scenario),
        crate::cli::SchemaKind::Pack => schemars::schema_for!(scenarios::Pack),
    };
    emitln!(
        "{}",
        serde_json::to_string_pretty(&schema).expect("schemas serialize")
    );
    Ok(ExitCode::SUCCESS)
}
