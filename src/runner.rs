//! Replaying a journal, and grading a finished run against both counterfactuals (the reference
//! solution and doing nothing) on the same seed.

use std::path::Path;

use engine::{RunRecord, Sim, run_nothing, run_reference};
use grader::Scorecard;
use scenarios::{Dur, Expect, Pack, Scenario};

use crate::library::{self, Entry, Library};

/// Replays journalled commands, checking each lands at the simulated time it was entered.
pub fn replay<'a>(
    scenario: &Scenario,
    seed: u64,
    commands: impl IntoIterator<Item = (u64, &'a str)>,
) -> Result<Sim, String> {
    let mut sim = Sim::new(scenario, seed);
    for (n, (at_ms, line)) in commands.into_iter().enumerate() {
        if sim.now().ms() != at_ms {
            return Err(format!(
                "command {} (`{line}`) was entered at {} but replays at {}: the journal does not match this scenario and engine",
                n + 1,
                Dur(at_ms),
                sim.now()
            ));
        }
        sim.execute(line)
            .map_err(|e| format!("command {} (`{line}`) is refused on replay: {e}", n + 1))?;
    }
    Ok(sim)
}

/// Grades a run (finishing it first) against the reference and doing nothing on the same seed.
pub fn grade(scenario: &Scenario, seed: u64, sim: &mut Sim) -> Result<Scorecard, String> {
    sim.finish();
    grade_record(scenario, seed, &sim.record())
}

/// Grades a finished run's record against the reference and doing nothing on the same seed.
pub fn grade_record(
    scenario: &Scenario,
    seed: u64,
    record: &RunRecord,
) -> Result<Scorecard, String> {
    let reference = run_reference(scenario, seed).map_err(|e| {
        format!(
            "the scenario's reference solution fails at step {}: {}",
            e.index + 1,
            e.error
        )
    })?;
    let targets = grader::reference_targets(&reference.record());
    let mut card = grader::grade(scenario, record, &targets);
    let best = grader::grade(scenario, &reference.record(), &targets).total;
    let worst = grader::grade(scenario, &run_nothing(scenario, seed).record(), &targets).total;
    grader::compare(&mut card, worst, best);
    Ok(card)
}

/// The bar every scenario must clear on every seed checked: the reference scores at least this...
pub const REFERENCE_AT_LEAST: f64 = 85.0;
/// ...and doing nothing at most this.
pub const NOTHING_AT_MOST: f64 = 40.0;

/// The reference solution, doing nothing and the scenario's test transcripts on one seed (and
/// the variant it picks), graded.
pub struct Fairness {
    pub seed: u64,
    pub variant: scenarios::Variant,
    pub reference: Scorecard,
    pub nothing: Scorecard,
    /// Each transcript's name, what its author expects of it, and its grade, in declared order.
    pub transcripts: Vec<(String, Expect, Scorecard)>,
}

impl Fairness {
    /// The reference clears the bar, doing nothing stays under it, and the transcripts rank in
    /// the declared order.
    pub fn fair(&self) -> bool {
        self.reference.total >= REFERENCE_AT_LEAST
            && self.nothing.total <= NOTHING_AT_MOST
            && self.misranked().is_empty()
    }

    /// Each transcript the grader places out of the declared order, with why: it must score
    /// below every earlier transcript of a better kind, and no higher than earlier ones of its
    /// own kind.
    pub fn misranked(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (i, (name, expect, card)) in self.transcripts.iter().enumerate() {
            for (other, other_expect, other_card) in &self.transcripts[..i] {
                let wrong = if other_expect < expect {
                    card.total >= other_card.total
                } else {
                    card.total > other_card.total
                };
                if wrong {
                    out.push(format!(
                        "`{name}` ({}) scores {:.1}, not below `{other}` ({}) at {:.1}",
                        expect.label(),
                        card.total,
                        other_expect.label(),
                        other_card.total
                    ));
                }
            }
        }
        out
    }

    /// Why a seed fails, with every run's KPIs side by side: each cell is the measurement and
    /// its score.
    pub fn explain(&self, id: &str) -> String {
        let mut out = format!(
            "{id} seed {} (variant {}): reference {:.1} (needs >= {REFERENCE_AT_LEAST}), doing nothing {:.1} (needs <= {NOTHING_AT_MOST})\n",
            self.seed,
            self.variant.detailed(),
            self.reference.total,
            self.nothing.total
        );
        for line in self.misranked() {
            out.push_str(&format!("    misranked: {line}\n"));
        }
        let mut runs: Vec<(String, &Scorecard)> = vec![
            ("reference".into(), &self.reference),
            ("nothing".into(), &self.nothing),
        ];
        for (i, (name, expect, card)) in self.transcripts.iter().enumerate() {
            runs.push((format!("t{} {}", i + 1, expect.label()), card));
            out.push_str(&format!(
                "    t{}: {name} ({}) scores {:.1}\n",
                i + 1,
                expect.label(),
                card.total
            ));
        }
        let mut header = vec!["kpi".to_owned()];
        header.extend(runs.iter().map(|(n, c)| format!("{n} {:.1}", c.total)));
        let rows: Vec<Vec<String>> = self
            .reference
            .kpis
            .iter()
            .enumerate()
            .map(|(k, kpi)| {
                let mut row = vec![format!("{} ({})", kpi.name, kpi.unit)];
                row.extend(runs.iter().map(|(_, c)| {
                    c.kpis
                        .get(k)
                        .map_or_else(String::new, |m| format!("{:.1} -> {:.1}", m.value, m.score))
                }));
                row
            })
            .collect();
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        for line in crate::render::table(&header, &rows).lines() {
            out.push_str(&format!("    {line}\n"));
        }
        out
    }
}

/// Grades the reference solution, doing nothing and every test transcript on `seed`, with the
/// variant the seed picks (and with a pack's weights, if one is given).
pub fn fairness(
    source: &str,
    text: &str,
    seed: u64,
    pack: Option<&Pack>,
) -> Result<Fairness, String> {
    let (scenario, variant) =
        scenarios::load_variant(source, text, seed).map_err(|e| e.to_string())?;
    let scenario = match pack {
        Some(p) => weighted(&scenario, p),
        None => scenario,
    };
    let reference = run_reference(&scenario, seed)
        .map_err(|e| {
            format!(
                "seed {seed} (variant {}): reference step {} is refused: {}",
                variant.detailed(),
                e.index + 1,
                e.error
            )
        })?
        .record();
    let targets = grader::reference_targets(&reference);
    let mut transcripts = Vec::with_capacity(scenario.transcripts.len());
    for t in &scenario.transcripts {
        let run = engine::run_steps(&scenario, seed, &t.steps).map_err(|e| {
            format!(
                "seed {seed} (variant {}): step {} of transcript `{}` is refused: {}",
                variant.detailed(),
                e.index + 1,
                t.name,
                e.error
            )
        })?;
        transcripts.push((
            t.name.clone(),
            t.expect,
            grader::grade(&scenario, &run.record(), &targets),
        ));
    }
    Ok(Fairness {
        seed,
        reference: grader::grade(&scenario, &reference, &targets),
        nothing: grader::grade(&scenario, &run_nothing(&scenario, seed).record(), &targets),
        variant,
        transcripts,
    })
}

/// The scenario as a pack grades it: each rubric KPI's weight multiplied by the pack's weight
/// for it.
pub fn weighted(scenario: &Scenario, pack: &Pack) -> Scenario {
    let mut s = scenario.clone();
    for k in &mut s.rubric.kpis {
        k.weight *= pack.weight_of(k.kpi);
    }
    s
}

/// A journal read back and replayed on the scenario it names, as far as it goes.
pub struct Replayed {
    pub read: crate::journal::Read,
    /// The scenario, in the variant the journal's seed picks.
    pub entry: Entry,
    pub sim: Sim,
    /// What the reader should know: a torn last line dropped, an engine or variant mismatch.
    pub warnings: Vec<String>,
}

/// Reads a journal, finds its scenario (the file it was played from if that still has the same
/// hash, else the library's by id), refuses a scenario whose hash differs, and replays every
/// command. Nothing stored in the journal but the commands and the seed is trusted.
pub fn replay_journal(library: &Library, path: &Path) -> Result<Replayed, String> {
    let read = crate::journal::read(path)?;
    let mut warnings = Vec::new();
    if let Some(w) = &read.warning {
        warnings.push(format!("{}: {w}", path.display()));
    }
    let h = &read.header;
    // A session played from a file names that file; otherwise look the id up in the library.
    let from_file = (!h.source.starts_with("builtin:") && Path::new(&h.source).is_file())
        .then(|| library::load_path(Path::new(&h.source)).ok())
        .flatten()
        .filter(|e| e.hash == h.scenario_hash);
    let entry = match from_file {
        Some(e) => e,
        None => library
            .find(&h.scenario)
            .map_err(|e| format!("cannot find the journal's scenario: {e}"))?,
    };
    let refuse = |entry: &Entry| {
        format!(
            "{}: the journal was played on a different version of `{}` (scenario hash {}…, this library has {}…) \
             and the simulation itself has changed, so it cannot be replayed faithfully. \
             Grade it with the content it was played on (--content DIR)",
            path.display(),
            h.scenario,
            h.scenario_hash.get(..12).unwrap_or(&h.scenario_hash),
            entry.hash.get(..12).unwrap_or(&entry.hash)
        )
    };
    let changed = entry.hash != h.scenario_hash;
    if changed && h.sim_hash.is_empty() {
        return Err(refuse(&entry));
    }
    let entry = entry.for_seed(h.seed)?;
    if changed {
        if library::sim_hash(&entry.scenario) != h.sim_hash {
            return Err(refuse(&entry));
        }
        warnings.push(format!(
            "`{}` has changed since this journal was played, but only in its rubric or reference \
             solution: regraded against the current file ({}…)",
            h.scenario,
            entry.hash.get(..12).unwrap_or(&entry.hash)
        ));
    }
    if !h.variant.is_empty() && h.variant != entry.variant.to_string() {
        warnings.push(format!(
            "the journal records variant `{}` but seed {} selects `{}` here",
            h.variant, h.seed, entry.variant
        ));
    }
    if h.engine != engine::ENGINE_VERSION {
        warnings.push(format!(
            "journal written by engine {}, replaying on {}",
            h.engine,
            engine::ENGINE_VERSION
        ));
    }
    let sim = replay(
        &entry.scenario,
        h.seed,
        read.entries.iter().map(|e| (e.at_ms, e.line.as_str())),
    )
    .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(Replayed {
        read,
        entry,
        sim,
        warnings,
    })
}
