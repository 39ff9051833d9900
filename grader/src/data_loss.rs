//! Data loss: writes acknowledged to a client and later lost.

use engine::Severity;
use scenarios::KpiTarget;

use crate::grade::{Input, Measured};
use crate::scorecard::Evidence;
use crate::text::thousands;

/// Loss events cited by name; the rest are counted.
const MAX_CITED: usize = 5;

pub(crate) fn measure(input: &Input, _goal: &KpiTarget) -> Measured {
    let value = input.run.totals.writes_lost.max(0.0).round();
    let mut evidence = vec![Evidence::new(
        None,
        if value == 0.0 {
            "no acknowledged write was lost".to_string()
        } else if value == 1.0 {
            "1 acknowledged write was lost".to_string()
        } else {
            format!("{} acknowledged writes were lost", thousands(value))
        },
    )];
    let losses: Vec<_> = input
        .run
        .events
        .iter()
        .filter(|e| e.severity == Severity::Error && e.text.to_lowercase().contains("lost"))
        .collect();
    for event in losses.iter().take(MAX_CITED) {
        let subject = if event.subject.is_empty() {
            String::new()
        } else {
            format!(" {}:", event.subject)
        };
        evidence.push(Evidence::new(
            Some(event.at),
            format!("{}{subject} {}", input.clock(event.at), event.text),
        ));
    }
    if losses.len() > MAX_CITED {
        evidence.push(Evidence::new(
            None,
            format!("and {} more loss events", losses.len() - MAX_CITED),
        ));
    }
    Measured { value, evidence }
}
