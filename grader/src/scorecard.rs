//! `Scorecard`: the graded result of one run, KPI by KPI, ready to serialise.

use serde::Serialize;

use scenarios::{Dur, Kpi};

/// The grade of one run: a score per rubric KPI, hints taken, and the weighted total.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Scorecard {
    pub scenario: String,
    pub seed: u64,
    pub kpis: Vec<KpiScore>,
    /// Hints taken, each charged once, in the order they were first asked for.
    pub hints: Vec<HintUse>,
    /// Points taken off the total for hints.
    pub hint_penalty: f64,
    /// Weighted mean of the KPI scores less the hint penalty, 0 to 100.
    pub total: f64,
    /// Where the total falls between doing nothing and the reference solution; see [`crate::compare`].
    pub counterfactual: Option<Counterfactual>,
}

impl Scorecard {
    /// The score of one KPI, if the rubric grades it.
    pub fn kpi(&self, kpi: Kpi) -> Option<&KpiScore> {
        self.kpis.iter().find(|k| k.kpi == kpi)
    }
}

/// One KPI: what was measured, how it scored, and why.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct KpiScore {
    pub kpi: Kpi,
    /// Human name of the KPI, e.g. "time to detect".
    pub name: String,
    pub weight: f64,
    /// The measurement, in `unit`.
    pub value: f64,
    pub unit: String,
    /// The value that scores 100.
    pub target: f64,
    /// The value that scores 0.
    pub zero: f64,
    /// 0 to 100.
    pub score: f64,
    pub evidence: Vec<Evidence>,
}

/// One line of feedback, tied to a simulated time where it is about a moment.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Evidence {
    pub at: Option<Dur>,
    pub text: String,
}

impl Evidence {
    pub fn new(at: Option<Dur>, text: impl Into<String>) -> Evidence {
        Evidence {
            at,
            text: text.into(),
        }
    }
}

/// A hint the candidate asked for, and what it cost.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct HintUse {
    /// Index into the scenario's hints.
    pub index: usize,
    pub at: Dur,
    pub cost: f64,
    pub text: String,
}

/// The run's total against two baselines: doing nothing at all, and the reference solution.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Counterfactual {
    pub nothing: f64,
    pub reference: f64,
    /// Percent of the way from `nothing` (0) to `reference` (100); below 0 or above 100 when the
    /// run did worse than nothing or better than the reference. `None` when the reference does
    /// not beat doing nothing, so there is no way to measure along.
    pub position: Option<f64>,
}

/// Rounds to one decimal so serialised scorecards are stable and readable; `-0.0` becomes `0.0`.
pub(crate) fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0 + 0.0
}
