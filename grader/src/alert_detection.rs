//! Alert detection: minutes from each fault's onset to the first alert the candidate wrote
//! firing on it. A fault none of their alerts caught counts from its onset to the end of the run.
//!
//! An alert fires "on" a fault when it watches something the fault struck, or when it watches
//! what users feel (errors, p99 or the error-budget burn rate) on a service that calls a struck
//! one, directly or further up, or on a host of such a service: symptom alerts catch causes
//! below them. A resource alert (cpu, memory, disk, rps, connections) catches only faults on
//! its own target.

use std::collections::BTreeSet;

use engine::{AlertFiring, FaultRecord};
use scenarios::{KpiTarget, Metric, Scenario};

use crate::grade::{Input, Measured};
use crate::scorecard::Evidence;
use crate::text::{mins_between, minutes};

pub(crate) fn measure(input: &Input, goal: &KpiTarget) -> Measured {
    let run = input.run;
    Measured::per_fault(run, |fault| {
        let caught = run
            .alerts
            .iter()
            .filter(|a| a.by_candidate && a.fired_at >= fault.at)
            .find(|a| fires_on(input.scenario, a, fault));
        match caught {
            Some(a) => {
                let taken = mins_between(fault.at, a.fired_at);
                (
                    taken,
                    Evidence::new(
                        Some(a.fired_at),
                        format!(
                            "{} ({}): your alert {} (`{}`) fired at {}, {} after onset; target {}",
                            fault.kind,
                            input.clock(fault.at),
                            a.rule,
                            a.condition,
                            input.clock(a.fired_at),
                            minutes(taken),
                            minutes(goal.target)
                        ),
                    ),
                )
            }
            None => {
                let taken = mins_between(fault.at, run.end);
                (
                    taken,
                    Evidence::new(
                        Some(fault.at),
                        format!(
                            "{} ({}, {}): no alert of yours fired on it; counted as {}, to the end of the run",
                            fault.kind,
                            input.clock(fault.at),
                            fault.what,
                            minutes(taken)
                        ),
                    ),
                )
            }
        }
    })
}

/// Whether `alert` watches what `fault` struck, or a symptom of it further up the call graph.
pub(crate) fn fires_on(scenario: &Scenario, alert: &AlertFiring, fault: &FaultRecord) -> bool {
    if fault.struck.contains(&alert.target) {
        return true;
    }
    let symptom = alert.burn || matches!(alert.metric, Metric::Errors | Metric::P99);
    symptom && upstream(scenario, &fault.struck).contains(alert.target.as_str())
}

/// Services that call any of `struck` (directly or through others), and their hosts.
fn upstream<'a>(scenario: &'a Scenario, struck: &[String]) -> BTreeSet<&'a str> {
    let services = &scenario.topology.services;
    let mut found: BTreeSet<&str> = BTreeSet::new();
    let mut frontier: Vec<&str> = services
        .iter()
        .filter(|s| struck.contains(&s.id))
        .map(|s| s.id.as_str())
        .collect();
    while let Some(callee) = frontier.pop() {
        for caller in services
            .iter()
            .filter(|s| s.calls.iter().any(|c| c.service == callee))
        {
            if found.insert(caller.id.as_str()) {
                frontier.push(caller.id.as_str());
            }
        }
    }
    let hosts: Vec<&str> = services
        .iter()
        .filter(|s| found.contains(s.id.as_str()))
        .flat_map(|s| s.hosts.iter().map(String::as_str))
        .collect();
    found.extend(hosts);
    found
}
