//! Latency: minutes in which p99 latency at the entry exceeded the SLO target.

use scenarios::KpiTarget;

use crate::grade::{Input, Measured};
use crate::scorecard::Evidence;
use crate::text::{plural, thousands};

pub(crate) fn measure(input: &Input, _goal: &KpiTarget) -> Measured {
    let limit = input.scenario.slo.latency_p99_ms;
    let slow: Vec<_> = input
        .run
        .minutes
        .iter()
        .filter(|m| m.requests > 0.0 && m.p99_ms > limit)
        .collect();
    let worst = slow
        .iter()
        .copied()
        .reduce(|a, b| if b.p99_ms > a.p99_ms { b } else { a });
    let evidence = match worst {
        None => Evidence::new(
            None,
            format!("p99 stayed within {} ms in every minute", thousands(limit)),
        ),
        Some(worst) => Evidence::new(
            Some(worst.at),
            format!(
                "p99 above {} ms in {}; worst {} ms at {}",
                thousands(limit),
                plural(slow.len(), "minute"),
                thousands(worst.p99_ms),
                input.clock(worst.at)
            ),
        ),
    };
    Measured {
        value: slow.len() as f64,
        evidence: vec![evidence],
    }
}
