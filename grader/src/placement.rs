//! Placement: anti-affinity rules broken when the run ends (VMs meant to be apart sharing a
//! hypervisor, so one hypervisor failure takes them all).

use scenarios::KpiTarget;

use crate::grade::{Input, Measured};
use crate::scorecard::Evidence;

pub(crate) fn measure(input: &Input, _goal: &KpiTarget) -> Measured {
    let run = input.run;
    let rules = input.scenario.topology.anti_affinity.len();
    if run.placement.is_empty() {
        return Measured {
            value: 0.0,
            evidence: vec![Evidence::new(
                Some(run.end),
                format!("at the end of the run every anti-affinity rule held ({rules} checked)"),
            )],
        };
    }
    let evidence = run
        .placement
        .iter()
        .map(|broken| Evidence::new(Some(run.end), format!("broken at the end: {broken}")))
        .collect();
    Measured {
        value: run.placement.len() as f64,
        evidence,
    }
}
