//! Cost: dollars spent on hosts over the scenario, by service, and against the budget if any.

use engine::cost::HOURS_PER_MONTH;
use scenarios::KpiTarget;

use crate::grade::{Input, Measured};
use crate::scorecard::Evidence;
use crate::text::{decimal, thousands};

/// Services cited by name; the rest are summed.
const MAX_CITED: usize = 5;

/// `$1,234.56`.
fn dollars(x: f64) -> String {
    let cents = (x.abs() * 100.0).round();
    let sign = if x < 0.0 && cents > 0.0 { "-" } else { "" };
    format!(
        "{sign}${}.{:02}",
        thousands((cents / 100.0).trunc()),
        (cents % 100.0) as u64
    )
}

pub(crate) fn measure(input: &Input, goal: &KpiTarget) -> Measured {
    let run = input.run;
    let value = run.totals.cost.max(0.0);
    let hours = run.end.secs_f64() / 3_600.0;
    let mut evidence = vec![Evidence::new(
        None,
        format!(
            "spent {} on hosts over {} h (target {}, scores 0 at {})",
            dollars(value),
            decimal(hours),
            dollars(goal.target),
            dollars(goal.zero)
        ),
    )];
    if hours > 0.0 {
        let per_hour = value / hours;
        evidence.push(Evidence::new(
            None,
            format!(
                "on average {}/h, {}/month at that rate",
                dollars(per_hour),
                dollars(per_hour * HOURS_PER_MONTH)
            ),
        ));
    }
    if let Some(budget) = input.scenario.cloud.budget {
        evidence.push(Evidence::new(
            None,
            format!(
                "{}% of the {} budget",
                decimal(value / budget * 100.0),
                dollars(budget)
            ),
        ));
    }
    for (service, spent) in run.cost_by_service.iter().take(MAX_CITED) {
        evidence.push(Evidence::new(
            None,
            format!("{service}: {}", dollars(*spent)),
        ));
    }
    if run.cost_by_service.len() > MAX_CITED {
        let rest: f64 = run.cost_by_service[MAX_CITED..].iter().map(|s| s.1).sum();
        evidence.push(Evidence::new(
            None,
            format!(
                "{} other services: {}",
                run.cost_by_service.len() - MAX_CITED,
                dollars(rest)
            ),
        ));
    }
    Measured { value, evidence }
}
