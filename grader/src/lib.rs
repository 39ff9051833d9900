//! The gameday grader: scores a run record against its scenario's rubric, KPI by KPI,
//! with evidence lines that cite what happened and when.
//!
//! Reads only the [`engine::RunRecord`] and the [`scenarios::Scenario`]; pure, deterministic,
//! and free of I/O, so the same run always earns the same scorecard.

mod alert_detection;
mod alert_noise;
mod availability;
mod change_safety;
mod communication;
mod compare;
mod cost;
mod data_loss;
mod detection;
mod escalation;
mod exposure;
mod grade;
mod headroom;
mod latency;
mod placement;
mod recovery;
mod saturation;
mod scorecard;
mod spend;
mod text;
mod trial;
mod waste;

#[cfg(test)]
mod alert_tests;
#[cfg(test)]
mod tests;

pub use alert_noise::FLAP_WINDOW;
pub use change_safety::reference_targets;
pub use compare::compare;
pub use exposure::exposed_minutes;
pub use grade::grade;
pub use scorecard::{Counterfactual, Evidence, HintUse, KpiScore, Scorecard};
