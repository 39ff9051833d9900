//! Time to detect: minutes from each fault's onset to the first look at what it struck.

use engine::CommandClass;
use scenarios::KpiTarget;

use crate::grade::{Input, Measured};
use crate::scorecard::Evidence;
use crate::text::{mins_between, minutes};

pub(crate) fn measure(input: &Input, goal: &KpiTarget) -> Measured {
    let run = input.run;
    Measured::per_fault(run, |fault| {
        let first_look = run
            .commands
            .iter()
            .filter(|c| c.at >= fault.at)
            .filter(|c| c.class == CommandClass::Observe)
            .find_map(|c| {
                let target = c.targets.iter().find(|t| fault.struck.contains(t))?;
                Some((c, target))
            });
        match first_look {
            Some((command, target)) => {
                let taken = mins_between(fault.at, command.at);
                (
                    taken,
                    Evidence::new(
                        Some(command.at),
                        format!(
                            "you first looked at {target} at {}, {} after the {} began ({}); target {}",
                            input.clock(command.at),
                            minutes(taken),
                            fault.kind,
                            input.clock(fault.at),
                            minutes(goal.target)
                        ),
                    ),
                )
            }
            None => {
                let taken = mins_between(fault.at, run.end);
                let what = match fault.struck.as_slice() {
                    [one] => one.clone(),
                    many => format!("any of {}", many.join(", ")),
                };
                (
                    taken,
                    Evidence::new(
                        Some(fault.at),
                        format!(
                            "you never looked at {what} after the {} at {} ({}); counted as {}, to the end of the run",
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
