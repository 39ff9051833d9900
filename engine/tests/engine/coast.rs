//! Coasting: quiet stretches are taken a minute at a time, and nothing due is stepped over.

use engine::Sim;
use engine::estate::estate;
use scenarios::Dur;

#[test]
fn a_quiet_stretch_is_taken_a_minute_at_a_time() {
    // The generated estate's first fault strikes at 10 min: until then nothing is due.
    let mut sim = Sim::new(&estate(60), 1);
    sim.advance(Dur(Dur::from_mins(9).ms() - sim.now().ms()));
    assert_eq!(sim.now(), Dur::from_mins(9));
    // 539 ticks of 1 s: ten to settle after the start, then a step a minute.
    assert!(sim.steps() <= 10 + 9, "{} steps", sim.steps());
}

#[test]
fn a_fault_due_inside_a_quiet_stretch_strikes_on_its_tick() {
    let mut scenario = estate(60);
    scenario.faults[0].at = Dur(10 * 60_000 + 7_000);
    let mut sim = Sim::new(&scenario, 1);
    sim.advance(Dur::from_mins(11));
    let record = sim.record();
    assert_eq!(record.faults[0].at, Dur(607_000));
    // The log says so at the same time.
    assert!(
        record
            .events
            .iter()
            .any(|e| e.at == Dur(607_000) && e.text.contains("app-0 crashed"))
    );
}

#[test]
fn waits_that_end_on_the_minute_grid_step_alike() {
    let scenario = estate(30);
    let mut once = Sim::new(&scenario, 3);
    let start = once.now();
    once.advance(Dur(Dur::from_mins(90).ms() - start.ms()));
    let mut twice = Sim::new(&scenario, 3);
    twice.advance(Dur(Dur::from_mins(45).ms() - start.ms()));
    twice.advance(Dur::from_mins(45));
    assert_eq!(once.steps(), twice.steps());
    assert_eq!(once.record(), twice.record());
}
