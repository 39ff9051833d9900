//! Alert noise: pages that told the on-call nothing. An alert firing while no fault was active
//! is noise; so is one firing again within [`FLAP_WINDOW`] of clearing (flapping), even during
//! a fault, because the second page says nothing the first did not. Every rule in force counts,
//! the scenario's and the candidate's: the candidate owns the alert set, and may delete rules.
//!
//! A fault is active from its onset to the end of the run (the model never marks one cleared).

use scenarios::{Dur, KpiTarget};

use crate::grade::{Input, Measured};
use crate::scorecard::Evidence;
use crate::text::{decimal, plural};

/// A rule re-firing this soon after it cleared is flapping. Nagios's flap detection weighs the
/// last 21 checks, about 20 minutes at its one-minute default interval.
pub const FLAP_WINDOW: Dur = Dur(20 * 60_000);

pub(crate) fn measure(input: &Input, _goal: &KpiTarget) -> Measured {
    let run = input.run;
    let mut count = 0usize;
    let mut evidence = Vec::new();
    for (i, a) in run.alerts.iter().enumerate() {
        let who = if a.by_candidate {
            "your alert"
        } else {
            "alert"
        };
        let active = run.faults.iter().any(|f| f.at <= a.fired_at);
        let previous = run.alerts[..i]
            .iter()
            .rev()
            .find(|p| p.rule == a.rule && p.target == a.target)
            .and_then(|p| p.resolved_at);
        let why = if !active {
            Some("no fault was active".to_owned())
        } else {
            previous
                .filter(|cleared| a.fired_at.ms().saturating_sub(cleared.ms()) < FLAP_WINDOW.ms())
                .map(|cleared| {
                    format!(
                        "flapping: it had cleared only {} min before",
                        decimal(Dur(a.fired_at.ms() - cleared.ms()).mins_f64())
                    )
                })
        };
        if let Some(why) = why {
            count += 1;
            evidence.push(Evidence::new(
                Some(a.fired_at),
                format!(
                    "{who} {} (`{}`) paged at {}: {why}",
                    a.rule,
                    a.condition,
                    input.clock(a.fired_at)
                ),
            ));
        }
    }
    let fired = run.alerts.len();
    evidence.insert(
        0,
        Evidence::new(
            None,
            format!(
                "{} fired in all, {} of them noise",
                plural(fired, "page"),
                count
            ),
        ),
    );
    // A long list of identical pages says no more than its first few and the count.
    const SHOWN: usize = 12;
    if evidence.len() > SHOWN + 1 {
        let hidden = evidence.len() - SHOWN - 1;
        evidence.truncate(SHOWN + 1);
        evidence.push(Evidence::new(None, format!("... and {hidden} more")));
    }
    Measured {
        value: count as f64,
        evidence,
    }
}
