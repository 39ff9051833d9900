//! Alert rules that can never fire: shared by validation (the scenario's own rules) and the
//! engine (rules the candidate writes), so both refuse the same conditions with the same words.

use crate::validate::{Check, runs_service};
use crate::{AlertRule, Dur, Metric};

/// The metrics a host reports even when it runs no service; the rest measure traffic it serves.
pub const HOST_ONLY_METRICS: [Metric; 3] = [Metric::Cpu, Metric::Memory, Metric::Disk];

/// Shortest burn-rate window: the burn rate is an average, and a window of a few ticks is just
/// the error rate under another name.
pub const MIN_BURN_WINDOW: Dur = Dur(60_000);

/// Highest burn rate an SLO allows: every request failing spends the budget `1 / (1 - a)` times
/// as fast as the SLO permits (1,000 for 99.9%).
pub fn max_burn(availability: f64) -> f64 {
    1.0 / (1.0 - availability)
}

/// Why a condition on `metric` (or on the burn rate, when `burn` is set) can never hold, if it
/// cannot. `serves` says whether the target handles requests (a service, or a host running one).
pub fn never_holds(
    metric: Metric,
    burn: bool,
    above: Option<f64>,
    below: Option<f64>,
    availability: f64,
    serves: bool,
) -> Option<String> {
    let what = if burn { "burn rate" } else { metric.label() };
    if !serves && (burn || !HOST_ONLY_METRICS.contains(&metric)) {
        return Some(format!(
            "the target runs no service, so it reports no {what}; a host without a service reports only cpu, memory and disk"
        ));
    }
    if let Some(t) = below
        && t <= 0.0
    {
        return Some(format!(
            "{what} is never below {t}: it cannot go under zero"
        ));
    }
    let percent = matches!(
        metric,
        Metric::Cpu | Metric::Memory | Metric::Disk | Metric::Errors
    );
    if let Some(t) = above {
        if burn {
            let max = max_burn(availability);
            if t >= max {
                return Some(format!(
                    "a burn rate above {t} can never happen: with every request failing, a {}% SLO burns its budget at most {max:.0} times as fast as allowed",
                    trim(availability * 100.0)
                ));
            }
        } else if percent && t >= 100.0 {
            return Some(format!(
                "{what} is a percentage (0 to 100), so it is never above {t}; write a threshold under 100"
            ));
        }
    }
    None
}

/// Validates a scenario's alert rule beyond its fields' ranges: a burn window only on `Errors`,
/// within sensible bounds, and a condition that can hold on its target.
pub(crate) fn check_rule(c: &mut Check, path: &str, rule: &AlertRule) {
    let s = c.s;
    if let Some(w) = rule.burn_window {
        let p = format!("{path}.burn_window");
        if rule.metric != Metric::Errors {
            c.error(
                p,
                "a burn-rate rule watches the error budget: write `metric: Errors` with `burn_window`",
            );
        } else if w < MIN_BURN_WINDOW || w > s.slo.window {
            c.error(
                p,
                format!(
                    "a burn window must be from {MIN_BURN_WINDOW} to the SLO window of {}, not {w}",
                    s.slo.window
                ),
            );
        }
    }
    let is_service = s.topology.services.iter().any(|v| v.id == rule.target);
    let is_host = s.topology.hosts.iter().any(|h| h.id == rule.target);
    if !is_service && !is_host {
        return; // already reported as an unknown target
    }
    let serves = is_service || runs_service(s, &rule.target);
    if let Some(why) = never_holds(
        rule.metric,
        rule.burn_window.is_some(),
        rule.above,
        rule.below,
        s.slo.availability,
        serves,
    ) {
        let field = if rule.above.is_some() {
            "above"
        } else {
            "below"
        };
        let field = if serves { field } else { "metric" };
        c.error(
            format!("{path}.{field}"),
            format!("this alert can never fire: {why}"),
        );
    }
}

fn trim(x: f64) -> String {
    let s = format!("{x:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn impossible_conditions_are_named() {
        let never =
            |m, burn, above, below, serves| never_holds(m, burn, above, below, 0.999, serves);
        assert!(never(Metric::Cpu, false, Some(101.0), None, true).is_some());
        assert!(never(Metric::Errors, false, Some(100.0), None, true).is_some());
        assert!(never(Metric::P99, false, Some(10_000.0), None, true).is_none());
        assert!(never(Metric::Rps, false, None, Some(0.0), true).is_some());
        assert!(never(Metric::P99, false, Some(300.0), None, false).is_some());
        assert!(never(Metric::Disk, false, Some(80.0), None, false).is_none());
        // 99.9%: every request failing burns 1 / 0.001 = 1,000 times the allowed rate.
        assert!(never(Metric::Errors, true, Some(1_000.0), None, true).is_some());
        assert!(never(Metric::Errors, true, Some(999.0), None, true).is_none());
        assert!(
            never(Metric::Errors, true, Some(2_000.0), None, true)
                .unwrap()
                .contains("99.9% SLO")
        );
    }
}
