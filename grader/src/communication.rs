//! Communication: minutes without a status update beyond the cadence, plus 30 if no note named
//! the root cause.

use engine::CommandClass;
use scenarios::{Dur, KpiTarget};

use crate::grade::{Input, Measured};
use crate::scorecard::Evidence;
use crate::text::{mins_between, minutes};

/// Minutes added when the root cause is never named in a note.
const UNNAMED_ROOT_CAUSE: f64 = 30.0;

pub(crate) fn measure(input: &Input, _goal: &KpiTarget) -> Measured {
    let (run, rubric) = (input.run, &input.scenario.rubric);
    let notes: Vec<(Dur, &str)> = run
        .commands
        .iter()
        .filter_map(|c| match &c.class {
            CommandClass::Note { text } => Some((c.at, text.as_str())),
            _ => None,
        })
        .collect();
    let start = run.faults.iter().map(|f| f.at).min().unwrap_or(Dur::ZERO);
    // Stakeholders expect updates until users are served again: declaring the incident resolved
    // while it still hurts users does not end the need to talk.
    let last_unhealthy = run
        .minutes
        .iter()
        .filter(|m| !m.healthy)
        .map(|m| Dur(m.at.ms() + 60_000))
        .max()
        .unwrap_or(Dur::ZERO);
    let end = run
        .resolved_at
        .unwrap_or(run.end)
        .max(last_unhealthy.min(run.end))
        .max(start);
    let every = rubric.status_every.mins_f64();

    let mut updates: Vec<Dur> = notes
        .iter()
        .map(|n| n.0)
        .filter(|at| (start..=end).contains(at))
        .collect();
    updates.sort();
    let points: Vec<Dur> = [start]
        .into_iter()
        .chain(updates.iter().copied())
        .chain([end])
        .collect();
    let mut silence = 0.0;
    let mut longest = (start, start);
    for pair in points.windows(2) {
        let gap = mins_between(pair[0], pair[1]);
        silence += (gap - every).max(0.0);
        if gap > mins_between(longest.0, longest.1) {
            longest = (pair[0], pair[1]);
        }
    }

    let mut evidence = Vec::new();
    let began = if run.faults.is_empty() {
        "the run began"
    } else {
        "the first fault"
    };
    evidence.push(match updates.first() {
        Some(&first) => Evidence::new(
            Some(first),
            format!(
                "first status update at {}, {} after {began} ({})",
                input.clock(first),
                minutes(mins_between(start, first)),
                input.clock(start)
            ),
        ),
        None => Evidence::new(
            None,
            format!(
                "no status update between {} and {}",
                input.clock(start),
                input.clock(end)
            ),
        ),
    });
    evidence.push(Evidence::new(
        Some(longest.0),
        format!(
            "longest silence {} ({} to {}) against an expected update every {}; {} beyond the cadence in all",
            minutes(mins_between(longest.0, longest.1)),
            input.clock(longest.0),
            input.clock(longest.1),
            minutes(every),
            minutes(silence)
        ),
    ));

    let mut value = silence;
    if !rubric.root_cause.is_empty() {
        match named_at(&rubric.root_cause, &notes) {
            Some(at) => evidence.push(Evidence::new(
                Some(at),
                format!("root cause named at {}", input.clock(at)),
            )),
            None => {
                value += UNNAMED_ROOT_CAUSE;
                evidence.push(Evidence::new(
                    None,
                    format!(
                        "no note named the root cause (expected: {}); {} added",
                        keyword_groups(&rubric.root_cause),
                        minutes(UNNAMED_ROOT_CAUSE)
                    ),
                ));
            }
        }
    }
    Measured { value, evidence }
}

/// Keyword groups in words: `["disk|volume", "debug"]` is `disk or volume, debug`.
pub(crate) fn keyword_groups(groups: &[String]) -> String {
    groups
        .iter()
        .map(|g| g.split('|').map(str::trim).collect::<Vec<_>>().join(" or "))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The time of the note by which every keyword group had been matched by some note so far.
/// Each group is `|`-separated alternatives, matched case-insensitively as substrings.
pub(crate) fn named_at(groups: &[String], notes: &[(Dur, &str)]) -> Option<Dur> {
    let groups: Vec<Vec<String>> = groups
        .iter()
        .map(|g| {
            g.split('|')
                .map(|alt| alt.trim().to_lowercase())
                .filter(|alt| !alt.is_empty())
                .collect::<Vec<_>>()
        })
        .filter(|alternatives| !alternatives.is_empty())
        .collect();
    let mut matched = vec![false; groups.len()];
    for (at, text) in notes {
        let text = text.to_lowercase();
        for (done, alternatives) in matched.iter_mut().zip(&groups) {
            *done |= alternatives.iter().any(|alt| text.contains(alt.as_str()));
        }
        if matched.iter().all(|done| *done) {
            return Some(*at);
        }
    }
    None
}
