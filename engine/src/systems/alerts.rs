//! `evaluate_alerts`: each alert rule in force — the scenario's and those the candidate wrote —
//! is checked against its target's latest metric (or, for a burn-rate rule, the error budget
//! burned over its window); it pages once the condition has held for the rule's `for` duration,
//! and clears when it stops holding. Every firing is kept for the run record.

use bevy_ecs::prelude::{Res, ResMut};
use scenarios::Metric;

use crate::monitoring::{threshold, watched};
use crate::record::{AlertFiring, Severity};
use crate::resources::{Alerts, Clock, Log, Metrics, ScenarioRes};

/// Alerts are pages from the monitoring system, not lines in any host's log, so they carry no
/// subject (their text names the target); `logs` never shows them.
const ALERTING: &str = "";

pub fn evaluate_alerts(
    clock: Res<Clock>,
    scenario: Res<ScenarioRes>,
    metrics: Res<Metrics>,
    mut alerts: ResMut<Alerts>,
    mut log: ResMut<Log>,
) {
    let now = clock.now;
    let availability = scenario.0.slo.availability;
    let Alerts { states, firings } = &mut *alerts;
    for state in states.iter_mut() {
        let set = state.owner.and_then(|o| metrics.of(o));
        let Some(set) = set else { continue };
        let rule = &state.rule;
        let value = match &mut state.burn {
            Some(window) => {
                window.push_for(
                    now,
                    set.get(Metric::Rps).latest(),
                    set.get(Metric::Errors).latest(),
                    clock.step,
                );
                window.rate(now, availability)
            }
            None => set.get(rule.metric).latest(),
        };
        let breached = match (rule.above, rule.below) {
            (Some(t), _) => value > t,
            (_, Some(t)) => value < t,
            _ => false,
        };
        let (op, threshold) = threshold(rule);
        if breached {
            let since = *state.pending_since.get_or_insert(now);
            if state.firing_since.is_none() && now.ms() - since.ms() >= rule.for_.ms() {
                state.firing_since = Some(now);
                state.fired_count += 1;
                state.open = Some(firings.len());
                firings.push(AlertFiring {
                    rule: rule.name.clone(),
                    target: rule.target.clone(),
                    metric: rule.metric,
                    burn: rule.burn_window.is_some(),
                    by_candidate: state.by_candidate,
                    condition: crate::monitoring::condition(rule),
                    fired_at: now,
                    resolved_at: None,
                    value,
                });
                log.notify(
                    now,
                    ALERTING,
                    Severity::Error,
                    format!(
                        "ALERT FIRING {}: {} {} {op} {threshold} (now {value:.1})",
                        rule.name,
                        rule.target,
                        watched(rule)
                    ),
                );
            }
        } else {
            state.pending_since = None;
            if state.firing_since.take().is_some() {
                if let Some(f) = state.open.take().and_then(|i| firings.get_mut(i)) {
                    f.resolved_at = Some(now);
                }
                log.notify(
                    now,
                    ALERTING,
                    Severity::Info,
                    format!(
                        "ALERT RESOLVED {}: {} {} back to {value:.1}",
                        rule.name,
                        rule.target,
                        watched(rule)
                    ),
                );
            }
        }
    }
}
