//! Time to recover: minutes from user impact starting to the service being back within SLO for good.

use scenarios::KpiTarget;

use crate::grade::{Input, Measured};
use crate::scorecard::Evidence;
use crate::text::{mins_between, minutes, plural};

pub(crate) fn measure(input: &Input, goal: &KpiTarget) -> Measured {
    let samples = &input.run.minutes;
    let first_bad = samples.iter().position(|m| !m.healthy);
    let last_bad = samples.iter().rposition(|m| !m.healthy);
    let (Some(first_bad), Some(last_bad)) = (first_bad, last_bad) else {
        return Measured {
            value: 0.0,
            evidence: vec![Evidence::new(None, "users never saw an SLO breach")],
        };
    };
    let unhealthy = plural(
        samples.iter().filter(|m| !m.healthy).count(),
        "unhealthy minute",
    );
    let impact = samples[first_bad].at;
    let mut evidence = vec![Evidence::new(
        Some(impact),
        format!("users first saw an SLO breach at {}", input.clock(impact)),
    )];
    let Some(back) = samples.get(last_bad + 1) else {
        let end = input.run.end;
        evidence.push(Evidence::new(
            Some(end),
            format!(
                "still outside the SLO when the run ended at {} ({unhealthy})",
                input.clock(end)
            ),
        ));
        // Never recovered: the whole span from impact to the end counts (at least `zero`, so it
        // scores 0), and the value shown is one the evidence explains.
        return Measured {
            value: mins_between(impact, end).max(goal.zero),
            evidence,
        };
    };
    let value = mins_between(impact, back.at);
    evidence.push(Evidence::new(
        Some(back.at),
        format!(
            "back within the SLO for good at {}, {} after the breach began at {} ({unhealthy})",
            input.clock(back.at),
            minutes(value),
            input.clock(impact)
        ),
    ));
    Measured { value, evidence }
}
