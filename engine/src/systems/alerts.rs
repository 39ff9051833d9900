//! `evaluate_alerts`: each alert rule is checked against its target's latest metric; it pages
//! once the condition has held for the rule's `for` duration, and clears when it stops holding.

use bevy_ecs::prelude::{Res, ResMut};

use crate::record::Severity;
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
    for (rule, state) in scenario.0.alerts.iter().zip(alerts.states.iter_mut()) {
        let set = state.owner.and_then(|o| metrics.of(o));
        let Some(set) = set else { continue };
        let value = set.get(rule.metric).latest();
        let breached = match (rule.above, rule.below) {
            (Some(t), _) => value > t,
            (_, Some(t)) => value < t,
            _ => false,
        };
        let threshold = rule.above.or(rule.below).unwrap_or(0.0);
        let op = if rule.above.is_some() { ">" } else { "<" };
        if breached {
            let since = *state.pending_since.get_or_insert(now);
            if state.firing_since.is_none() && now.ms() - since.ms() >= rule.for_.ms() {
                state.firing_since = Some(now);
                state.fired_count += 1;
                log.notify(
                    now,
                    ALERTING,
                    Severity::Error,
                    format!(
                        "ALERT FIRING {}: {} {} {op} {threshold} (now {value:.1})",
                        rule.name,
                        rule.target,
                        rule.metric.label()
                    ),
                );
            }
        } else {
            state.pending_since = None;
            if state.firing_since.take().is_some() {
                log.notify(
                    now,
                    ALERTING,
                    Severity::Info,
                    format!(
                        "ALERT RESOLVED {}: {} {} back to {value:.1}",
                        rule.name,
                        rule.target,
                        rule.metric.label()
                    ),
                );
            }
        }
    }
}
