//! Saturation: minutes in which a planned service ran at or above the plan's saturation
//! utilisation, or the service missed its SLO under load.

use scenarios::KpiTarget;

use crate::grade::{Input, Measured, capacity_record};
use crate::scorecard::Evidence;
use crate::text::{mins_between, minutes};

pub(crate) fn measure(input: &Input, _goal: &KpiTarget) -> Measured {
    let cap = match capacity_record(input) {
        Ok(cap) => cap,
        Err(none) => return none,
    };
    let mut evidence = Vec::new();
    if cap.saturated_spans.is_empty() {
        evidence.push(Evidence::new(
            None,
            format!(
                "no planned service reached {:.0}% utilisation or missed its SLO",
                cap.saturation_util * 100.0
            ),
        ));
    }
    let longest = cap.saturated_spans.iter().copied().reduce(|a, b| {
        if b.1.ms() - b.0.ms() > a.1.ms() - a.0.ms() {
            b
        } else {
            a
        }
    });
    if let Some(&(from, to)) = cap.saturated_spans.first() {
        evidence.push(Evidence::new(
            Some(from),
            format!(
                "first saturated at {} for {}",
                input.clock(from),
                minutes(mins_between(from, to))
            ),
        ));
    }
    if let Some((from, to)) = longest
        && cap.saturated_spans.len() > 1
    {
        evidence.push(Evidence::new(
            Some(from),
            format!(
                "longest stretch {} from {}; {} stretches in all",
                minutes(mins_between(from, to)),
                input.clock(from),
                cap.saturated_spans.len()
            ),
        ));
    }
    Measured {
        value: cap.saturated_min,
        evidence,
    }
}
