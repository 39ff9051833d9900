//! Escalation: whether the rubric's expected `escalate TEAM "..."` happened, how late after it
//! was due (the first fault plus `within`), and whether it named what the rubric asks.

use engine::CommandClass;
use scenarios::{Dur, KpiTarget};

use crate::communication::{keyword_groups, named_at};
use crate::grade::{Input, Measured};
use crate::scorecard::Evidence;
use crate::text::{mins_between, minutes};

/// Minutes added when the escalation does not name what it should, as for an unnamed root cause.
pub const UNNAMED: f64 = 30.0;

pub(crate) fn measure(input: &Input, _goal: &KpiTarget) -> Measured {
    let run = input.run;
    let Some(goal) = &input.scenario.rubric.escalation else {
        return Measured {
            value: 0.0,
            evidence: vec![Evidence::new(None, "no escalation expected".to_owned())],
        };
    };
    let start = run.faults.iter().map(|f| f.at).min().unwrap_or(Dur::ZERO);
    let due = Dur(start.ms() + goal.within.ms());
    let sent: Vec<(Dur, &str)> = run
        .commands
        .iter()
        .filter_map(|c| match &c.class {
            CommandClass::Escalate { team, text } if *team == goal.team => {
                Some((c.at, text.as_str()))
            }
            _ => None,
        })
        .collect();
    let mut evidence = Vec::new();
    let Some(&(first, _)) = sent.first() else {
        let late = mins_between(due, run.end);
        evidence.push(Evidence::new(
            None,
            format!(
                "never escalated to {}; it was due by {} ({} after {}); {} late by the end of the run, plus {} for naming nothing",
                goal.team,
                input.clock(due),
                minutes(goal.within.mins_f64()),
                input.clock(start),
                minutes(late),
                minutes(UNNAMED)
            ),
        ));
        return Measured {
            value: late + UNNAMED,
            evidence,
        };
    };
    let late = mins_between(due, first);
    evidence.push(Evidence::new(
        Some(first),
        if late > 0.0 {
            format!(
                "escalated to {} at {}, {} after it was due ({})",
                goal.team,
                input.clock(first),
                minutes(late),
                input.clock(due)
            )
        } else {
            format!(
                "escalated to {} at {}, within {} of {}",
                goal.team,
                input.clock(first),
                minutes(goal.within.mins_f64()),
                input.clock(start)
            )
        },
    ));
    let mut value = late;
    if !goal.names.is_empty() {
        match named_at(&goal.names, &sent) {
            Some(at) => evidence.push(Evidence::new(
                Some(at),
                format!(
                    "the escalation at {} named what security needs",
                    input.clock(at)
                ),
            )),
            None => {
                value += UNNAMED;
                evidence.push(Evidence::new(
                    None,
                    format!(
                        "no escalation named {}; {} added",
                        keyword_groups(&goal.names),
                        minutes(UNNAMED)
                    ),
                ));
            }
        }
    }
    Measured { value, evidence }
}
