//! Change safety: harmful actions count 1, needless ones (touching nothing involved) 0.5.

use std::collections::BTreeSet;

use engine::CommandClass;
use scenarios::KpiTarget;

use crate::grade::{Input, Measured};
use crate::scorecard::Evidence;
use crate::text::plural;

pub(crate) fn measure(input: &Input, _goal: &KpiTarget) -> Measured {
    let run = input.run;
    let involved: BTreeSet<&str> = run
        .faults
        .iter()
        .flat_map(|f| &f.struck)
        .chain(input.reference_targets)
        .map(String::as_str)
        .collect();
    let actions: Vec<_> = run
        .commands
        .iter()
        .filter(|c| c.class == CommandClass::Act)
        .collect();
    let mut value = 0.0;
    let mut evidence = Vec::new();
    for command in &actions {
        // The time goes with the evidence line, not in its text: every report prints it.
        let line = &command.line;
        if let Some(harm) = &command.harm {
            value += 1.0;
            evidence.push(Evidence::new(
                Some(command.at),
                format!("`{line}`: harmful — {harm}"),
            ));
        } else if let Some(acted_on) = command.targets.first()
            // The first target is what the command acted on (a host or service); the rest are
            // what it belongs to, which must not excuse acting on a healthy member.
            && !involved.contains(acted_on.as_str())
        {
            value += 0.5;
            evidence.push(Evidence::new(
                Some(command.at),
                format!("`{line}`: needless — {acted_on} was not involved in any fault"),
            ));
        }
    }
    if evidence.is_empty() {
        evidence.push(Evidence::new(
            None,
            format!(
                "no harmful or needless changes in {}",
                plural(actions.len(), "action")
            ),
        ));
    }
    Measured { value, evidence }
}

/// Everything the reference solution's actions touched: acting on any of it is never "needless".
pub fn reference_targets(reference: &engine::RunRecord) -> std::collections::BTreeSet<String> {
    reference
        .commands
        .iter()
        .filter(|c| c.class == engine::CommandClass::Act)
        .flat_map(|c| c.targets.iter().cloned())
        .collect()
}
