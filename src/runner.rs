//! Running scenarios without a person: the reference solution, doing nothing, and replaying a
//! journal; and grading a finished run against both counterfactuals on the same seed.

use std::collections::BTreeSet;

use engine::{CommandClass, RunRecord, Sim};
use grader::Scorecard;
use scenarios::{Dur, Scenario};

/// A reference step the engine refused: the scenario is broken.
#[derive(Clone, Debug, PartialEq)]
pub struct StepError {
    pub index: usize,
    pub message: String,
}

/// Runs the scenario's reference solution to the time limit.
pub fn reference(scenario: &Scenario, seed: u64) -> Result<Sim, StepError> {
    let mut sim = Sim::new(scenario, seed);
    for (index, step) in scenario.reference.iter().enumerate() {
        if sim.is_over() {
            break;
        }
        if sim.now() < step.at {
            sim.advance(Dur(step.at.ms() - sim.now().ms()));
        }
        if sim.is_over() {
            break;
        }
        sim.execute(&step.command).map_err(|e| StepError {
            index,
            message: e.to_string(),
        })?;
    }
    sim.finish();
    Ok(sim)
}

/// The scenario left to run its course with nobody at the keyboard.
pub fn nothing(scenario: &Scenario, seed: u64) -> Sim {
    let mut sim = Sim::new(scenario, seed);
    sim.finish();
    sim
}

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

/// Names the reference solution's actions touched: acting on them is never "needless".
pub fn reference_targets(record: &RunRecord) -> BTreeSet<String> {
    record
        .commands
        .iter()
        .filter(|c| c.class == CommandClass::Act)
        .flat_map(|c| c.targets.iter().cloned())
        .collect()
}

/// Grades a run (finishing it first) against the reference and doing nothing on the same seed.
pub fn grade(scenario: &Scenario, seed: u64, sim: &mut Sim) -> Result<Scorecard, String> {
    sim.finish();
    let reference = reference(scenario, seed).map_err(|e| {
        format!(
            "the scenario's reference solution fails at step {}: {}",
            e.index + 1,
            e.message
        )
    })?;
    let targets = reference_targets(&reference.record());
    let mut card = grader::grade(scenario, &sim.record(), &targets);
    let best = grader::grade(scenario, &reference.record(), &targets).total;
    let worst = grader::grade(scenario, &nothing(scenario, seed).record(), &targets).total;
    grader::compare(&mut card, worst, best);
    Ok(card)
}
