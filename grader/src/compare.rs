//! `compare`: places a scorecard's total between doing nothing and the reference solution.

use crate::scorecard::{Counterfactual, Scorecard, round1};

/// Fills `card.counterfactual` from the totals of a do-nothing run and a reference run of the
/// same scenario and seed.
pub fn compare(card: &mut Scorecard, nothing: f64, reference: f64) {
    let gap = reference - nothing;
    let position = (gap > 0.0).then(|| round1((card.total - nothing) / gap * 100.0));
    card.counterfactual = Some(Counterfactual {
        nothing: round1(nothing),
        reference: round1(reference),
        position,
    });
}
