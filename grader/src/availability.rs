//! Availability: the share of the SLO window's error budget the run burned.

use scenarios::KpiTarget;

use crate::grade::{Input, Measured};
use crate::scorecard::Evidence;
use crate::text::{decimal, thousands};

pub(crate) fn measure(input: &Input, goal: &KpiTarget) -> Measured {
    let (run, slo) = (input.run, &input.scenario.slo);
    let totals = run.totals;
    let bad = (totals.requests - totals.good).max(0.0);
    let secs = run.end.secs_f64();
    let mean_rps = if secs > 0.0 {
        totals.requests / secs
    } else {
        0.0
    };
    let budget = (1.0 - slo.availability) * mean_rps * slo.window.secs_f64();
    let value = if bad <= 0.0 {
        0.0
    } else if budget > 0.0 {
        100.0 * bad / budget
    } else {
        // No budget at all: any failure spends more than there is.
        goal.zero
    };

    let mut evidence = Vec::new();
    if totals.requests > 0.0 {
        evidence.push(Evidence::new(
            None,
            format!(
                "served {} requests; {} failed ({:.2}%)",
                thousands(totals.requests),
                thousands(bad),
                100.0 * bad / totals.requests
            ),
        ));
    } else {
        evidence.push(Evidence::new(None, "no requests arrived during the run"));
    }
    evidence.push(Evidence::new(
        None,
        format!(
            "burned {}% of the {} error budget of a {}% SLO",
            decimal(value),
            slo.window,
            decimal_places(slo.availability * 100.0)
        ),
    ));
    let worst = run
        .minutes
        .iter()
        .filter(|m| m.requests > 0.0)
        .map(|m| (m, m.good / m.requests))
        .reduce(|a, b| if b.1 < a.1 { b } else { a });
    // Only a minute that lost at least one whole request is worth citing.
    if let Some((minute, ratio)) = worst.filter(|(m, _)| m.requests - m.good >= 0.5) {
        evidence.push(Evidence::new(
            Some(minute.at),
            format!(
                "worst minute {}: {:.1}% of {} requests succeeded",
                input.clock(minute.at),
                100.0 * ratio,
                thousands(minute.requests)
            ),
        ));
    }
    Measured { value, evidence }
}

/// Up to four decimals, trailing zeros dropped: `99.9`, `99.95`, `99`.
fn decimal_places(x: f64) -> String {
    format!("{}", (x * 10_000.0).round() / 10_000.0)
}
