//! Time to detect: minutes from each fault's onset to the first look at what it struck.

use engine::CommandClass;
use scenarios::KpiTarget;

use crate::grade::{Input, Measured};
use crate::scorecard::Evidence;
use crate::text::{mins_between, minutes};

pub(crate) fn measure(input: &Input, goal: &KpiTarget) -> Measured {
    let run = input.run;
    if run.faults.is_empty() {
        return Measured {
            value: 0.0,
            evidence: vec![Evidence::new(None, "no fault fired during the run")],
        };
    }
    let mut sum = 0.0;
    let mut evidence = Vec::new();
    for fault in &run.faults {
        let first_look = run
            .commands
            .iter()
            .filter(|c| c.at >= fault.at)
            .filter(|c| matches!(c.class, CommandClass::Observe | CommandClass::Act))
            .find_map(|c| {
                let target = c.targets.iter().find(|t| fault.struck.contains(t))?;
                Some((c, target))
            });
        match first_look {
            Some((command, target)) => {
                let taken = mins_between(fault.at, command.at);
                sum += taken;
                let verb = match command.class {
                    CommandClass::Act => "acted on",
                    _ => "looked at",
                };
                evidence.push(Evidence::new(
                    Some(command.at),
                    format!(
                        "you first {verb} {target} at {}, {} after the {} began ({}); target {}",
                        input.clock(command.at),
                        minutes(taken),
                        fault.kind,
                        input.clock(fault.at),
                        minutes(goal.target)
                    ),
                ));
            }
            None => {
                let taken = mins_between(fault.at, run.end);
                sum += taken;
                let what = match fault.struck.as_slice() {
                    [one] => one.clone(),
                    many => format!("any of {}", many.join(", ")),
                };
                evidence.push(Evidence::new(
                    Some(fault.at),
                    format!(
                        "you never looked at {what}, struck by {} at {}; counted as {} (to the end of the run)",
                        fault.what,
                        input.clock(fault.at),
                        minutes(taken)
                    ),
                ));
            }
        }
    }
    Measured {
        value: sum / run.faults.len() as f64,
        evidence,
    }
}
