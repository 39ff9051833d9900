//! Peak headroom: spare capacity of the planned services at their busiest, percent. The lowest
//! across services counts; a tier that could not keep up scores negative headroom.

use scenarios::KpiTarget;

use crate::grade::{Input, Measured, capacity_record};
use crate::scorecard::Evidence;
use crate::text::thousands;

pub(crate) fn measure(input: &Input, _goal: &KpiTarget) -> Measured {
    let cap = match capacity_record(input) {
        Ok(cap) => cap,
        Err(none) => return none,
    };
    let mut value = f64::INFINITY;
    let mut evidence = Vec::new();
    for p in &cap.peaks {
        let headroom = (1.0 - p.utilisation) * 100.0;
        value = value.min(headroom);
        evidence.push(Evidence::new(
            Some(p.at),
            format!(
                "{} busiest at {}: {} req/s against {} req/s of capacity ({:.0}% used, {:.0}% spare)",
                p.service,
                input.clock(p.at),
                thousands(p.demand_rps),
                thousands(p.capacity_rps),
                p.utilisation * 100.0,
                headroom
            ),
        ));
    }
    Measured {
        value: if value.is_finite() { value } else { 0.0 },
        evidence,
    }
}
