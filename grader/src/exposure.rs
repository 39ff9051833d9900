//! Exposure: minutes during which anything that should not be was reachable from the internet
//! (a private port left open, or an instance on a version with an announced CVE), counted once
//! however many surfaces overlap.

use scenarios::{Dur, KpiTarget};

use engine::ExposureSpan;

use crate::grade::{Input, Measured};
use crate::scorecard::Evidence;
use crate::text::{mins_between, minutes};

/// Most spans listed one by one; the rest are summed in a last line.
const LISTED: usize = 8;

/// Total minutes covered by at least one span, each open span running to `end`.
pub fn exposed_minutes(spans: &[ExposureSpan], end: Dur) -> f64 {
    let mut intervals: Vec<(Dur, Dur)> = spans
        .iter()
        .map(|s| (s.from, s.to.unwrap_or(end).min(end)))
        .filter(|(a, b)| b > a)
        .collect();
    intervals.sort();
    let mut total = 0.0;
    let mut current: Option<(Dur, Dur)> = None;
    for (a, b) in intervals {
        current = match current {
            Some((ca, cb)) if a <= cb => Some((ca, cb.max(b))),
            Some((ca, cb)) => {
                total += mins_between(ca, cb);
                Some((a, b))
            }
            None => Some((a, b)),
        };
    }
    if let Some((a, b)) = current {
        total += mins_between(a, b);
    }
    total
}

pub(crate) fn measure(input: &Input, _goal: &KpiTarget) -> Measured {
    let run = input.run;
    let value = exposed_minutes(&run.exposures, run.end);
    let mut evidence = Vec::new();
    if run.exposures.is_empty() {
        evidence.push(Evidence::new(
            None,
            "nothing that should be private was reachable from the internet".to_owned(),
        ));
    }
    for span in run.exposures.iter().take(LISTED) {
        let until = match span.to {
            Some(to) => format!("until {}", input.clock(to)),
            None => "until the end of the run".to_owned(),
        };
        evidence.push(Evidence::new(
            Some(span.from),
            format!(
                "{} for {} ({until})",
                span.what,
                minutes(mins_between(span.from, span.to.unwrap_or(run.end)))
            ),
        ));
    }
    if run.exposures.len() > LISTED {
        evidence.push(Evidence::new(
            None,
            format!("and {} more spans", run.exposures.len() - LISTED),
        ));
    }
    if !run.exposures.is_empty() {
        evidence.push(Evidence::new(
            None,
            format!(
                "{} exposed in all, overlapping spans counted once",
                minutes(value)
            ),
        ));
    }
    Measured { value, evidence }
}
