//! `RunRecord`: everything a run produced that grading and reports need, as plain data.
//! It is rebuilt from a journal by replay; nothing in it is trusted from storage.

use serde::Serialize;

use scenarios::Dur;

/// One run of a scenario, from start to the time limit.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RunRecord {
    pub scenario: String,
    pub seed: u64,
    /// Time the run ended (always the scenario's time limit).
    pub end: Dur,
    /// When the candidate declared the incident resolved, if they did.
    pub resolved_at: Option<Dur>,
    /// Every command the candidate entered, in order.
    pub commands: Vec<CommandRecord>,
    /// Faults as they fired, with the names of everything each struck.
    pub faults: Vec<FaultRecord>,
    /// The event log: what happened, in order. Rendered one per line it is the run's log.
    pub events: Vec<Event>,
    /// One sample per simulated minute of the service as users saw it.
    pub minutes: Vec<MinuteSample>,
    pub totals: Totals,
    /// Every time an alert rule fired, the scenario's or the candidate's, in order.
    pub alerts: Vec<AlertFiring>,
    /// Dollars spent by service, largest first.
    pub cost_by_service: Vec<(String, f64)>,
    /// What was reachable from the internet that should not have been, and when.
    pub exposures: Vec<ExposureSpan>,
    /// Anti-affinity rules broken when the run ended, each in words.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub placement: Vec<String>,
    /// Capacity-planning measures, in scenarios with a capacity plan.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capacity: Option<crate::capacity::CapacityRecord>,
    /// A design scenario's trial of the estate the run built.
    pub trial: Option<crate::trial::TrialRecord>,
}

/// A surface (a port that should be private, or a vulnerable instance) reachable from the
/// internet from `from` until `to` (`None`: still at the end of the run).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ExposureSpan {
    /// A stable key: `host:port` or `host CVE-id`.
    pub surface: String,
    /// The host exposed.
    pub subject: String,
    pub what: String,
    pub from: Dur,
    pub to: Option<Dur>,
}

/// A command as entered, with what it touched and what the engine judged of it.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CommandRecord {
    /// Simulated time the command was entered.
    pub at: Dur,
    pub line: String,
    pub class: CommandClass,
    /// Hosts, services and zones the command named or looked at.
    pub targets: Vec<String>,
    /// Set when the engine judged the action harmful, with the reason.
    pub harm: Option<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum CommandClass {
    /// Looked at the estate: status, top, metrics, logs, describe, alerts, ping.
    Observe,
    /// Changed the estate.
    Act,
    /// Let time pass.
    Wait,
    /// A status update to stakeholders.
    Note { text: String },
    /// Asked for a hint (index into the scenario's hints).
    Hint { index: usize },
    /// Declared the incident resolved.
    Resolve,
    /// Changed the monitoring (added or deleted an alert rule), not the estate.
    Configure,
    /// Escalated to another team (`escalate security "..."`).
    Escalate { team: String, text: String },
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct FaultRecord {
    pub at: Dur,
    /// Short description, e.g. "disk filling on db-1 (pg_log writing 12 GB/h)".
    pub what: String,
    /// The label of the fault kind, e.g. "disk filling".
    pub kind: String,
    /// Every host, service and zone this fault struck; looking at any of them counts as detection.
    pub struck: Vec<String>,
}

/// Something that happened, at a simulated time.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Event {
    pub at: Dur,
    /// The host, service or zone it happened to ("" for the whole estate).
    pub subject: String,
    pub severity: Severity,
    pub text: String,
}

#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warn,
    Error,
}

/// The user-facing service over one simulated minute.
#[derive(Clone, Copy, Debug, Serialize, PartialEq)]
pub struct MinuteSample {
    /// Start of the minute.
    pub at: Dur,
    pub requests: f64,
    pub good: f64,
    /// Highest p99 latency seen at the entry during the minute, in ms (0 if nothing succeeded).
    pub p99_ms: f64,
    /// Whether the minute met the SLO (error rate within budget and p99 within target).
    pub healthy: bool,
}

/// Totals over the whole run.
#[derive(Clone, Copy, Debug, Default, Serialize, PartialEq)]
pub struct Totals {
    pub requests: f64,
    pub good: f64,
    pub writes: f64,
    /// Writes acknowledged to a client and later lost (failover past replication lag, and the like).
    pub writes_lost: f64,
    /// Dollars spent on hosts.
    pub cost: f64,
}

/// One firing of an alert rule: when it paged and when it cleared.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct AlertFiring {
    pub rule: String,
    /// The host or service the rule watches.
    pub target: String,
    pub metric: scenarios::Metric,
    /// Whether the rule watches the error-budget burn rate rather than the raw metric.
    pub burn: bool,
    /// Written by the candidate (`alert add`), rather than shipped with the scenario.
    pub by_candidate: bool,
    /// The condition as `alerts` shows it, e.g. "lb burn(1h) > 14.4 for 2m".
    pub condition: String,
    pub fired_at: Dur,
    /// When the condition stopped holding or the rule was deleted; `None` if still firing at the end.
    pub resolved_at: Option<Dur>,
    /// The watched value when it fired.
    pub value: f64,
}
