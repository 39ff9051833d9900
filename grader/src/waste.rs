//! Idle waste: dollars spent on capacity the day's peak did not need (with the plan's headroom),
//! including hardware written off while it sat idle, and reservations paid for but unused.

use scenarios::KpiTarget;

use crate::grade::{Input, Measured, capacity_record};
use crate::scorecard::Evidence;
use crate::text::thousands;

pub(crate) fn measure(input: &Input, _goal: &KpiTarget) -> Measured {
    let cap = match capacity_record(input) {
        Ok(cap) => cap,
        Err(none) => return none,
    };
    let mut evidence = vec![Evidence::new(
        None,
        format!(
            "${} on idle capacity beyond each day's peak, ${} on reservations not in use",
            thousands(cap.idle_waste),
            thousands(cap.reserved_waste)
        ),
    )];
    if let Some((day, dollars)) = cap.worst_waste_day {
        evidence.push(Evidence::new(
            Some(day),
            format!(
                "most wasteful day began {}: ${} idle",
                input.clock(day),
                thousands(dollars)
            ),
        ));
    }
    Measured {
        value: cap.idle_waste + cap.reserved_waste,
        evidence,
    }
}
