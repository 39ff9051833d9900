//! Replaying a journal, and grading a finished run against both counterfactuals (the reference
//! solution and doing nothing) on the same seed.

use engine::{Sim, run_nothing, run_reference};
use grader::Scorecard;
use scenarios::{Dur, Scenario};

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
    let reference = run_reference(scenario, seed).map_err(|e| {
        format!(
            "the scenario's reference solution fails at step {}: {}",
            e.index + 1,
            e.error
        )
    })?;
    let targets = grader::reference_targets(&reference.record());
    let mut card = grader::grade(scenario, &sim.record(), &targets);
    let best = grader::grade(scenario, &reference.record(), &targets).total;
    let worst = grader::grade(scenario, &run_nothing(scenario, seed).record(), &targets).total;
    grader::compare(&mut card, worst, best);
    Ok(card)
}

/// The bar every scenario must clear on every seed checked: the reference scores at least this...
pub const REFERENCE_AT_LEAST: f64 = 85.0;
/// ...and doing nothing at most this.
pub const NOTHING_AT_MOST: f64 = 40.0;

/// The reference solution and doing nothing on one seed (and the variant it picks), graded.
pub struct Fairness {
    pub seed: u64,
    pub variant: scenarios::Variant,
    pub reference: Scorecard,
    pub nothing: Scorecard,
}

impl Fairness {
    pub fn fair(&self) -> bool {
        self.reference.total >= REFERENCE_AT_LEAST && self.nothing.total <= NOTHING_AT_MOST
    }

    /// Why a seed fails the bar, with each KPI of both runs side by side.
    pub fn explain(&self, id: &str) -> String {
        let mut out = format!(
            "{id} seed {} (variant {}): reference {:.1} (needs >= {REFERENCE_AT_LEAST}), doing nothing {:.1} (needs <= {NOTHING_AT_MOST})\n",
            self.seed, self.variant, self.reference.total, self.nothing.total
        );
        for (r, n) in self.reference.kpis.iter().zip(&self.nothing.kpis) {
            out.push_str(&format!(
                "    {:<18} reference {:>9.1} -> {:>5.1}   nothing {:>9.1} -> {:>5.1}   ({})\n",
                r.name, r.value, r.score, n.value, n.score, r.unit
            ));
        }
        out
    }
}

/// Grades the reference solution and doing nothing on `seed`, with the variant the seed picks.
pub fn fairness(source: &str, text: &str, seed: u64) -> Result<Fairness, String> {
    let (scenario, variant) =
        scenarios::load_variant(source, text, seed).map_err(|e| e.to_string())?;
    let reference = run_reference(&scenario, seed)
        .map_err(|e| {
            format!(
                "seed {seed} (variant {variant}): reference step {} is refused: {}",
                e.index + 1,
                e.error
            )
        })?
        .record();
    let targets = grader::reference_targets(&reference);
    Ok(Fairness {
        seed,
        reference: grader::grade(&scenario, &reference, &targets),
        nothing: grader::grade(&scenario, &run_nothing(&scenario, seed).record(), &targets),
        variant,
    })
}
