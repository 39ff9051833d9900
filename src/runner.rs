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
