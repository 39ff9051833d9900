//! Views: plain-data answers to observation queries, rendered by the caller.

use serde::Serialize;

use scenarios::{Dur, Metric};

use crate::record::Event;

#[derive(Clone, Debug, Serialize, PartialEq)]
pub enum View {
    Status(StatusView),
    Top(Vec<HostRow>),
    Alerts(Vec<AlertRow>),
    Host(HostView),
    Service(ServiceView),
    Zone(ZoneView),
    Metrics(MetricsView),
    Logs(Vec<Event>),
    Ping(PingView),
    Capacity(crate::capacity::CapacityView),
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct StatusView {
    pub rps: f64,
    /// Share of requests succeeding now, percent.
    pub success_pct: f64,
    pub p99_ms: f64,
    pub slo_availability_pct: f64,
    pub slo_p99_ms: f64,
    /// Share of the SLO window's error budget burned so far in this run, percent.
    pub budget_burned_pct: f64,
    pub services: Vec<ServiceRow>,
    pub alerts_firing: usize,
    pub ops_pending: usize,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ServiceRow {
    pub name: String,
    pub kind: String,
    pub version: String,
    pub serving: usize,
    pub instances: usize,
    pub rps: f64,
    pub errors_pct: f64,
    pub p99_ms: f64,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct HostRow {
    pub name: String,
    pub service: String,
    pub state: String,
    pub cpu_pct: f64,
    pub mem_pct: f64,
    pub disk_pct: f64,
    pub rps: f64,
    pub errors_pct: f64,
    pub p99_ms: f64,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct AlertRow {
    pub name: String,
    pub condition: String,
    /// "firing", "pending" or "ok".
    pub state: String,
    pub since: Option<Dur>,
    pub value: f64,
    /// Written by the candidate with `alert add`.
    pub by_candidate: bool,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ProcessRow {
    pub name: String,
    pub state: String,
    pub cpu_cores: f64,
    pub mem_mb: f64,
    pub disk_write_gb_per_hour: f64,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct HostView {
    pub name: String,
    pub zone: String,
    pub site: String,
    pub power: String,
    pub cores: f64,
    pub memory_gb: f64,
    pub disk_gb: f64,
    pub disk_used_gb: f64,
    /// Hours until the disk is full at the current write rate, if it is filling.
    pub disk_full_in_h: Option<f64>,
    pub service: Option<String>,
    pub role: Option<String>,
    pub version: Option<String>,
    pub in_pool: Option<bool>,
    pub drained: bool,
    pub restarts: u32,
    pub processes: Vec<ProcessRow>,
    pub row: HostRow,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ServiceView {
    pub row: ServiceRow,
    pub versions: Vec<String>,
    pub calls: Vec<(String, f64)>,
    pub called_by: Vec<String>,
    pub balanced_by: Option<String>,
    pub primary: Option<String>,
    pub replica_lag: Option<Dur>,
    pub scaling: Option<(u32, Dur)>,
    pub instances: Vec<HostRow>,
    pub health_check: Option<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ZoneView {
    pub name: String,
    pub site: String,
    pub hosts: Vec<String>,
    /// (other zone, state, one-way latency ms, loss)
    pub links: Vec<(String, String, f64, f64)>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct MetricsView {
    pub target: String,
    pub metric: Metric,
    pub last: Dur,
    pub bucket: Dur,
    /// (bucket start, mean value)
    pub points: Vec<(Dur, f32)>,
    /// Means from before the start that the window reaches back into, oldest first, the last
    /// ending at the start, in buckets of `past_bucket`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub past: Vec<f32>,
    pub past_bucket: Dur,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct PingView {
    pub from: String,
    pub to: String,
    /// Zones passed through; empty when unreachable.
    pub route: Vec<String>,
    pub reachable: bool,
    pub rtt_ms: f64,
    pub loss_pct: f64,
    /// Why a reachable-by-route host does not answer (down, powered off).
    pub note: Option<String>,
}

/// What an accepted command did, for the caller to show.
#[derive(Clone, Debug, PartialEq)]
pub enum Response {
    View(Box<View>),
    /// An action was accepted: what will happen, in words.
    Done(String),
    Waited {
        from: Dur,
        to: Dur,
    },
    Noted,
    Hint {
        index: usize,
        text: String,
        cost: f64,
    },
    Resolved,
}
