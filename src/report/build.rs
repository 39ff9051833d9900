//! Building a candidate's report from an assessment folder: every scenario's journal replayed
//! and graded with the pack's weights, the timeline of the service's health, and the integrity
//! signals. Stored reports are never read back: this is the only way a report is made.

use std::path::Path;

use engine::RunRecord;
use grader::Scorecard;
use scenarios::{Dur, PackScenario, clock_label};

use super::integrity::{self, Commands, round1};
use super::model::{
    CommandMark, FORMAT, Mark, PackInfo, Report, Resume, Sample, ScenarioReport, Status, Timeline,
};
use crate::assess::activity;
use crate::library::{Library, PackEntry};
use crate::runner;
use crate::session_log::{self, Closed, Event};

/// Regrades the assessment in `dir`. `library` is where scenarios come from unless the
/// assessment was sat with `--content`, in which case that folder is used.
pub fn build(library: &Library, dir: &Path) -> Result<Report, String> {
    if !dir.exists() {
        return Err(format!("{}: no such folder", dir.display()));
    }
    let read = session_log::read(dir)?;
    let mut notes = Vec::new();
    if let Some(w) = &read.warning {
        notes.push(w.clone());
    }
    let b = read.begin();
    let recorded;
    let library = match (library, b.content) {
        (Library::Builtin, Some(content)) => {
            recorded = Library::Dir(content.into());
            &recorded
        }
        _ => library,
    };
    let pack = library.pack_from_source(b.pack_source).map_err(|e| {
        format!(
            "{}: cannot load the pack it was sat with: {e}",
            dir.display()
        )
    })?;
    if pack.hash == b.pack_hash {
        notes.push(format!(
            "Graded with pack `{}` as it was sat, by replaying every journal.",
            pack.pack.id
        ));
    } else {
        notes.push(format!(
            "Regraded with the current version of pack `{}`, which has changed since it was sat (its weights or pass line may differ); every journal was replayed.",
            pack.pack.id
        ));
    }
    let journals = read.journals();
    let closed = read.closed();
    let timing = read.timing(&activity(dir, &journals));
    let mut scenarios = Vec::new();
    let mut commands = Vec::new();
    let mut opened = std::collections::BTreeMap::new();
    for e in &read.events {
        if let Event::Open {
            scenario, wall_ms, ..
        } = e
        {
            opened.insert(*scenario, *wall_ms);
        }
    }
    let resumes_ms: Vec<u64> = read
        .events
        .iter()
        .filter(|e| matches!(e, Event::Resume { .. }))
        .map(Event::wall_ms)
        .collect();
    for (i, item) in pack.pack.scenarios.iter().enumerate() {
        let used_ms = timing.used_ms.get(&i).copied().unwrap_or(0);
        let Some(name) = journals.get(&i) else {
            scenarios.push(not_started(library, &pack, i, item, b.seed)?);
            continue;
        };
        let graded = grade_one(library, &pack, dir, name)?;
        notes.extend(graded.warnings.iter().cloned());
        let status = match closed.get(&i) {
            Some(Closed::Resolved) => Status::Resolved,
            Some(Closed::Over) => Status::Over,
            Some(Closed::Left) => Status::Left,
            Some(Closed::TimeUp) => Status::TimeUp,
            None if graded.resolved => Status::Resolved,
            None => Status::Open,
        };
        let open_ms = opened.get(&i).copied().unwrap_or(b.wall_ms);
        commands.push(Commands {
            scenario: &item.scenario,
            opened_ms: open_ms,
            commands: graded
                .walls
                .iter()
                .map(|&(n, wall, chars)| (n, wall, chars))
                .collect(),
        });
        let card = &graded.card;
        scenarios.push(ScenarioReport {
            index: i + 1,
            id: graded.id.clone(),
            title: graded.title.clone(),
            kind: graded.kind.clone(),
            level: graded.level.clone(),
            variant: graded.variant.clone(),
            weight: item.weight,
            status,
            journal: Some(name.clone()),
            wall_limit_s: item.time_limit.ms() / 1_000,
            wall_used_s: used_ms as f64 / 1_000.0,
            total: card.total,
            kpis: card.kpis.clone(),
            hints: card.hints.clone(),
            hint_penalty: card.hint_penalty,
            counterfactual: card.counterfactual.clone(),
            timeline: timeline(&graded, open_ms, &resumes_ms),
        });
    }
    let weight: f64 = scenarios.iter().map(|s| s.weight).sum();
    let total = round1(
        scenarios.iter().map(|s| s.weight * s.total).sum::<f64>() / weight.max(f64::MIN_POSITIVE),
    );
    let resumes = timing
        .resumes
        .iter()
        .map(|(i, gap)| Resume {
            scenario: i
                .and_then(|i| pack.pack.scenarios.get(i))
                .map_or_else(|| "between scenarios".into(), |s| s.scenario.clone()),
            gap_s: round1(*gap as f64 / 1_000.0),
        })
        .collect();
    let wall_used_s = timing.used_ms.values().sum::<u64>() as f64 / 1_000.0;
    let integrity = integrity::measure(&commands, &resumes_ms, resumes, wall_used_s);
    let complete = (0..pack.pack.scenarios.len()).all(|i| closed.contains_key(&i));
    Ok(Report {
        gameday_report: FORMAT,
        candidate: b.candidate.to_owned(),
        pack: PackInfo {
            id: pack.pack.id.clone(),
            title: pack.pack.title.clone(),
            role: pack.pack.role.clone(),
            level: pack.pack.level.label().into(),
            pass: pack.pack.pass,
            time_limit_s: pack.pack.time_limit.ms() / 1_000,
            hash: pack.hash.clone(),
        },
        seed: b.seed,
        mode: pack.pack.mode.label().into(),
        total,
        passed: total >= pack.pack.pass,
        complete,
        scenarios,
        integrity,
        notes,
    })
}

/// A scenario the candidate never reached: scored 0, with what it would have been.
fn not_started(
    library: &Library,
    pack: &PackEntry,
    i: usize,
    item: &PackScenario,
    seed: u64,
) -> Result<ScenarioReport, String> {
    let entry = library.find(&item.scenario)?.for_seed(seed)?;
    let s = &entry.scenario;
    let _ = pack;
    Ok(ScenarioReport {
        index: i + 1,
        id: s.id.clone(),
        title: s.title.clone(),
        kind: s.kind.label().into(),
        level: s.level.label().into(),
        variant: variant_text(&entry.variant),
        weight: item.weight,
        status: Status::NotStarted,
        journal: None,
        wall_limit_s: item.time_limit.ms() / 1_000,
        wall_used_s: 0.0,
        total: 0.0,
        kpis: Vec::new(),
        hints: Vec::new(),
        hint_penalty: 0.0,
        counterfactual: None,
        timeline: Timeline {
            start: s.start.clone(),
            slo_p99_ms: s.slo.latency_p99_ms,
            slo_availability_pct: s.slo.availability * 100.0,
            end_ms: s.time_limit.ms(),
            ..Timeline::default()
        },
    })
}

fn variant_text(v: &scenarios::Variant) -> String {
    if v.picks.is_empty() {
        String::new()
    } else {
        v.to_string()
    }
}

/// One scenario's journal, replayed and graded with the pack's weights.
struct Graded {
    id: String,
    title: String,
    kind: String,
    level: String,
    variant: String,
    start: String,
    slo_p99_ms: f64,
    slo_availability_pct: f64,
    resolved: bool,
    record: RunRecord,
    card: Scorecard,
    /// (number, wall ms, characters) of each journalled command.
    walls: Vec<(u64, u64, usize)>,
    warnings: Vec<String>,
}

fn grade_one(
    library: &Library,
    pack: &PackEntry,
    dir: &Path,
    name: &str,
) -> Result<Graded, String> {
    let path = dir.join(name);
    let mut r = runner::replay_journal(library, &path)?;
    let resolved = r.sim.resolved();
    r.sim.finish();
    let record = r.sim.record();
    let scenario = runner::weighted(&r.entry.scenario, &pack.pack);
    let card = runner::grade_record(&scenario, r.read.header.seed, &record)?;
    let s = &r.entry.scenario;
    Ok(Graded {
        id: s.id.clone(),
        title: s.title.clone(),
        kind: s.kind.label().into(),
        level: s.level.label().into(),
        variant: variant_text(&r.entry.variant),
        start: s.start.clone(),
        slo_p99_ms: s.slo.latency_p99_ms,
        slo_availability_pct: s.slo.availability * 100.0,
        resolved,
        card,
        walls: r
            .read
            .entries
            .iter()
            .map(|e| (e.n, e.wall_ms, e.line.chars().count()))
            .collect(),
        record,
        warnings: r.warnings,
    })
}

/// The health chart's data: the run's minutes folded into at most [`Timeline::MAX_SAMPLES`]
/// points, the faults, and the commands with their wall-clock gaps.
fn timeline(g: &Graded, opened_ms: u64, resumes_ms: &[u64]) -> Timeline {
    let minutes = &g.record.minutes;
    let per = minutes.len().div_ceil(Timeline::MAX_SAMPLES).max(1);
    let samples = minutes
        .chunks(per)
        .map(|chunk| {
            let requests: f64 = chunk.iter().map(|m| m.requests).sum();
            let good: f64 = chunk.iter().map(|m| m.good).sum();
            Sample {
                at_ms: chunk[0].at.ms(),
                availability_pct: if requests > 0.0 {
                    round3(good / requests * 100.0)
                } else {
                    100.0
                },
                p99_ms: round1(chunk.iter().map(|m| m.p99_ms).fold(0.0, f64::max)),
                healthy: chunk.iter().all(|m| m.healthy),
            }
        })
        .collect();
    let faults = g
        .record
        .faults
        .iter()
        .map(|f| Mark {
            at_ms: f.at.ms(),
            clock: clock_label(&g.start, f.at),
            text: f.what.clone(),
        })
        .collect();
    let mut prev = opened_ms;
    let commands = g
        .record
        .commands
        .iter()
        .zip(&g.walls)
        .map(|(c, &(n, wall, _))| {
            let gap = (wall >= prev).then(|| round1(integrity::gap_s(prev, wall, resumes_ms)));
            prev = wall;
            CommandMark {
                n,
                at_ms: c.at.ms(),
                clock: clock_label(&g.start, c.at),
                line: c.line.clone(),
                class: class_label(&c.class),
                harm: c.harm.clone(),
                wall_gap_s: gap,
            }
        })
        .collect();
    Timeline {
        start: g.start.clone(),
        end_ms: g.record.end.ms(),
        resolved_ms: g.record.resolved_at.map(Dur::ms),
        slo_p99_ms: g.slo_p99_ms,
        slo_availability_pct: g.slo_availability_pct,
        samples,
        faults,
        commands,
    }
}

/// The command class as its serialised name: `observe`, `act`, `note`, `escalate`, ...
fn class_label(class: &engine::CommandClass) -> String {
    match serde_json::to_value(class) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(serde_json::Value::Object(map)) => map.keys().next().cloned().unwrap_or_default(),
        _ => String::new(),
    }
}

fn round3(x: f64) -> f64 {
    (x * 1_000.0).round() / 1_000.0
}

/// Writes `report.json`, `report.md` and `report.html` into the assessment folder; returns
/// their paths.
pub fn write_candidate(library: &Library, dir: &Path) -> Result<Vec<String>, String> {
    let report = build(library, dir)?;
    let files = [
        (
            "report.json",
            serde_json::to_string_pretty(&report).expect("serializes") + "\n",
        ),
        ("report.md", super::markdown::candidate(&report)),
        ("report.html", super::html::candidate(&report)),
    ];
    let mut written = Vec::new();
    for (name, text) in files {
        let path = dir.join(name);
        write_atomically(&path, text.as_bytes())?;
        written.push(path.display().to_string());
    }
    Ok(written)
}

/// Writes via a temporary file and a rename, so a reader never sees half a report.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes)
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}
