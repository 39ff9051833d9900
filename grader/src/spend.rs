//! Spend: money spent over the run as a percentage of the plan's budget, with where it went.

use scenarios::KpiTarget;

use crate::grade::{Input, Measured, capacity_record};
use crate::scorecard::Evidence;
use crate::text::thousands;

pub(crate) fn measure(input: &Input, _goal: &KpiTarget) -> Measured {
    let cap = match capacity_record(input) {
        Ok(cap) => cap,
        Err(none) => return none,
    };
    let Some(budget) = cap.budget.filter(|b| *b > 0.0) else {
        return Measured {
            value: 0.0,
            evidence: vec![Evidence::new(None, "the plan has no budget")],
        };
    };
    let mut evidence = vec![Evidence::new(
        None,
        format!(
            "spent ${} of ${}: hardware ${}, on-prem running ${}, cloud on demand ${}, cloud reserved ${}",
            thousands(cap.spend),
            thousands(budget),
            thousands(cap.capex),
            thousands(cap.onprem_running),
            thousands(cap.cloud_on_demand),
            thousands(cap.cloud_reserved)
        ),
    )];
    if let Some(at) = cap.budget_crossed_at {
        evidence.push(Evidence::new(
            Some(at),
            format!("the budget ran out at {}", input.clock(at)),
        ));
    }
    Measured {
        value: cap.spend / budget * 100.0,
        evidence,
    }
}
