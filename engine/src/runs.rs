//! Runs without a person at the keyboard: the scenario's reference solution, and doing nothing.
//! Both are counterfactuals for grading, and the reference is how `check` proves a scenario solvable.

use scenarios::{Dur, Scenario, Step};

use crate::{Sim, SimError};

/// A reference step the engine refused: the scenario is broken.
#[derive(Clone, Debug, PartialEq)]
pub struct StepError {
    pub index: usize,
    pub error: SimError,
}

/// Runs the scenario's reference solution to the time limit, each step at its time (or as soon
/// after as the previous steps' cost allows).
pub fn run_reference(scenario: &Scenario, seed: u64) -> Result<Sim, StepError> {
    run_steps(scenario, seed, &scenario.reference)
}

/// Runs scripted steps (the reference solution or a test transcript) to the time limit, each at
/// its time or as soon after as the previous steps' cost allows.
pub fn run_steps(scenario: &Scenario, seed: u64, steps: &[Step]) -> Result<Sim, StepError> {
    let mut sim = Sim::new(scenario, seed);
    for (index, step) in steps.iter().enumerate() {
        if sim.now() < step.at {
            sim.advance(Dur(step.at.ms() - sim.now().ms()));
        }
        if sim.is_over() {
            break;
        }
        sim.execute(&step.command)
            .map_err(|error| StepError { index, error })?;
    }
    sim.finish();
    Ok(sim)
}

/// The scenario left to run its course with nobody at the keyboard.
pub fn run_nothing(scenario: &Scenario, seed: u64) -> Sim {
    let mut sim = Sim::new(scenario, seed);
    sim.finish();
    sim
}
