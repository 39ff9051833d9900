//! `grade`: measures each rubric KPI from the run record and weighs them into a scorecard.

use std::collections::BTreeSet;

use engine::{CommandClass, RunRecord};
use scenarios::{Dur, Kpi, KpiTarget, Scenario, clock_label};

use crate::scorecard::{Evidence, HintUse, KpiScore, Scorecard, round1};
use crate::{
    alert_detection, alert_noise, availability, change_safety, communication, cost, data_loss,
    detection, escalation, exposure, latency, placement, recovery,
};

/// What every KPI measurement reads.
pub(crate) struct Input<'a> {
    pub scenario: &'a Scenario,
    pub run: &'a RunRecord,
    /// Targets of the reference solution's actions: acting on these is never needless.
    pub reference_targets: &'a BTreeSet<String>,
}

impl Input<'_> {
    /// Simulated time as the wall clock the candidate saw, e.g. `"02:21"`.
    pub fn clock(&self, at: Dur) -> String {
        clock_label(&self.scenario.start, at)
    }
}

/// The run's capacity record, or the measurement to report when the run kept none.
pub(crate) fn capacity_record<'a>(
    input: &Input<'a>,
) -> Result<&'a engine::CapacityRecord, Measured> {
    input.run.capacity.as_ref().ok_or_else(|| Measured {
        value: 0.0,
        evidence: vec![Evidence::new(None, "the run kept no capacity record")],
    })
}

/// A KPI's value in its unit, with the lines that explain it.
pub(crate) struct Measured {
    pub value: f64,
    pub evidence: Vec<Evidence>,
}

impl Measured {
    /// The mean over the run's faults of `each` fault's minutes, with its evidence line; a run
    /// in which no fault fired measures 0.
    pub fn per_fault(
        run: &RunRecord,
        mut each: impl FnMut(&engine::FaultRecord) -> (f64, Evidence),
    ) -> Measured {
        if run.faults.is_empty() {
            return Measured {
                value: 0.0,
                evidence: vec![Evidence::new(None, "no fault fired during the run")],
            };
        }
        let (minutes, evidence): (Vec<f64>, Vec<Evidence>) =
            run.faults.iter().map(&mut each).unzip();
        Measured {
            value: minutes.iter().sum::<f64>() / run.faults.len() as f64,
            evidence,
        }
    }
}

/// Grades `run` against `scenario`'s rubric. `reference_targets` are the targets of the reference
/// solution's actions, used to tell needless changes from necessary ones.
pub fn grade(
    scenario: &Scenario,
    run: &RunRecord,
    reference_targets: &BTreeSet<String>,
) -> Scorecard {
    let input = Input {
        scenario,
        run,
        reference_targets,
    };
    let kpis: Vec<KpiScore> = scenario
        .rubric
        .kpis
        .iter()
        .map(|goal| score_kpi(&input, goal))
        .collect();
    let hints = hints_taken(scenario, run);
    let hint_penalty = round1(hints.iter().map(|h| h.cost).sum());
    let weight: f64 = kpis.iter().map(|k| k.weight).sum();
    let mean = if weight > 0.0 {
        kpis.iter().map(|k| k.weight * k.score).sum::<f64>() / weight
    } else {
        0.0
    };
    Scorecard {
        scenario: scenario.id.clone(),
        seed: run.seed,
        kpis,
        hints,
        hint_penalty,
        total: round1((mean - hint_penalty).clamp(0.0, 100.0)),
        counterfactual: None,
    }
}

fn score_kpi(input: &Input, goal: &KpiTarget) -> KpiScore {
    let measure = match goal.kpi {
        Kpi::Availability => availability::measure,
        Kpi::TimeToDetect => detection::measure,
        Kpi::TimeToRecover => recovery::measure,
        Kpi::Latency => latency::measure,
        Kpi::ChangeSafety => change_safety::measure,
        Kpi::DataLoss => data_loss::measure,
        Kpi::Communication => communication::measure,
        Kpi::AlertDetection => alert_detection::measure,
        Kpi::AlertNoise => alert_noise::measure,
        Kpi::Cost => cost::measure,
        Kpi::Exposure => exposure::measure,
        Kpi::Escalation => escalation::measure,
        Kpi::Placement => placement::measure,
        Kpi::PeakHeadroom => crate::headroom::measure,
        Kpi::SaturationMinutes => crate::saturation::measure,
        Kpi::IdleWaste => crate::waste::measure,
        Kpi::Spend => crate::spend::measure,
        Kpi::Resilience
        | Kpi::TrialAvailability
        | Kpi::PeakLatency
        | Kpi::Rto
        | Kpi::Rpo
        | Kpi::MonthlyCost
        | Kpi::Constraints => crate::trial::measure,
    };
    let Measured { value, evidence } = measure(input, goal);
    // Score the rounded value so the card is consistent with itself as printed.
    let value = round1(value);
    KpiScore {
        kpi: goal.kpi,
        name: goal.kpi.label().into(),
        weight: goal.weight,
        value,
        unit: goal.kpi.unit().into(),
        target: goal.target,
        zero: goal.zero,
        score: round1(if goal.kpi.higher_is_better() {
            // Mirror the scale: more is better, so score the distance below target.
            linear_score(-value, -goal.target, -goal.zero)
        } else {
            linear_score(value, goal.target, goal.zero)
        }),
        evidence,
    }
}

/// 100 at or below `target`, 0 at or above `zero` (and for a non-number), linear between.
pub(crate) fn linear_score(value: f64, target: f64, zero: f64) -> f64 {
    if value <= target {
        100.0
    } else if value < zero {
        100.0 * (zero - value) / (zero - target)
    } else {
        0.0
    }
}

/// Each hint the run asked for, charged once however often it was asked.
fn hints_taken(scenario: &Scenario, run: &RunRecord) -> Vec<HintUse> {
    let mut taken: Vec<HintUse> = Vec::new();
    for command in &run.commands {
        let CommandClass::Hint { index } = command.class else {
            continue;
        };
        if taken.iter().any(|h| h.index == index) {
            continue;
        }
        if let Some(hint) = scenario.hints.get(index) {
            taken.push(HintUse {
                index,
                at: command.at,
                cost: round1(hint.cost),
                text: hint.text.clone(),
            });
        }
    }
    taken
}
