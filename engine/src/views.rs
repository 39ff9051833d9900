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
    Cost(crate::CostView),
    Groups(Vec<crate::GroupRow>),
    Dns(Vec<crate::DnsRow>),
    Verify(crate::VerifyView),
    Trace(crate::network_views::TraceView),
    Routes(crate::network_views::RoutesView),
    Links(crate::network_views::LinksView),
    Node(crate::network_views::NodeView),
    Backups(BackupsView),
    Firewall(FirewallView),
    Certs(Vec<CertRow>),
    /// `hv list`.
    Hypervisors(Vec<HypervisorRow>),
    /// `hv show HV`.
    Hypervisor(HypervisorView),
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
    /// The host's data volume, if it has a declared one (or lost it).
    pub volume: Option<VolumeView>,
    /// For a VM: its hypervisor, that hypervisor's state and the VM's CPU steal, in words.
    pub vm: Option<String>,
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

/// `firewall list`: the rules in force and the verdict on each listening port in scope.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct FirewallView {
    pub target: Option<String>,
    pub rules: Vec<RuleRow>,
    /// Without a target: only ports the internet can reach or that block a caller.
    pub ports: Vec<PortRow>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RuleRow {
    /// 1-based, as `firewall remove` takes it.
    pub number: usize,
    pub action: String,
    pub from: String,
    pub port: u16,
    pub on: String,
    pub note: String,
    /// When the rule was added during the run, if it was.
    pub added_at: Option<Dur>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct PortRow {
    pub host: String,
    pub service: String,
    pub port: u16,
    /// Whether the internet can connect.
    pub internet: bool,
    /// The rule that decided the internet's verdict, if one did.
    pub rule: Option<usize>,
    /// Hosts whose calls to this port a deny rule blocks.
    pub blocked_callers: Vec<String>,
}

/// `cert show`: one certificate.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CertRow {
    pub service: String,
    pub name: String,
    pub issuer: String,
    pub expires: Dur,
    /// Time left until expiry (zero once expired).
    pub remaining: Dur,
    pub expired: bool,
    pub renewing_until: Option<Dur>,
}
/// One hypervisor in `hv list`.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct HypervisorRow {
    pub name: String,
    pub zone: String,
    /// "up", "down", "entering maintenance" or "maintenance".
    pub state: String,
    /// VMs powered on, and VMs registered.
    pub vms_on: usize,
    pub vms: usize,
    /// Physical cores.
    pub cores: f64,
    /// vCPUs of powered-on VMs (and migrations arriving), and the most its overcommit allows.
    pub vcpus: f64,
    pub vcpu_cap: f64,
    /// CPU its VMs want, percent of its physical cores (over 100 means contention).
    pub cpu_demand_pct: f64,
    /// CPU steal each busy VM on it sees, percent.
    pub steal_pct: f64,
    pub memory_gb: f64,
    /// Memory of powered-on VMs (and migrations arriving), and the most its overcommit allows.
    pub mem_committed_gb: f64,
    pub mem_cap_gb: f64,
    /// Memory its VMs actually use, percent of physical.
    pub mem_active_pct: f64,
    pub ha: bool,
}

/// One VM on a hypervisor, in `hv show`.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct VmRow {
    pub name: String,
    pub service: String,
    /// "on", "off", "booting".
    pub power: String,
    pub vcpus: f64,
    pub memory_gb: f64,
    /// CPU it wants, in cores.
    pub cpu_demand: f64,
    pub steal_pct: f64,
    /// A migration under way, if any.
    pub note: String,
}

/// `hv show HV`: a hypervisor, its VMs, migrations arriving and its anti-affinity rules.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct HypervisorView {
    pub row: HypervisorRow,
    pub cpu_overcommit: f64,
    pub memory_overcommit: f64,
    pub migration_gbps: f64,
    /// Service-time factor from memory reclamation (1 = none).
    pub memory_factor: f64,
    /// Shared storage busy with noisy IO, percent.
    pub storage_pct: f64,
    pub vms: Vec<VmRow>,
    pub incoming: Vec<String>,
    pub rules: Vec<String>,
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
    /// A design handed in: the trial of `faults` faults, `runs` seeds each, runs next.
    Submitted {
        faults: usize,
        runs: u32,
    },
}

/// A host's data volume.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct VolumeView {
    pub iops_limit: Option<f64>,
    pub iops_now: f64,
    /// Mean time one I/O takes now, queueing included.
    pub io_wait_ms: Option<f64>,
    pub fill_gb_per_hour: f64,
    /// Why its data is gone, if it is.
    pub lost: Option<String>,
    /// (backup id, done at "HH:MM") while a restore writes to it.
    pub restoring: Option<(String, String)>,
}

/// `backup list`: the catalogue, newest first, with where each copy is kept.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct BackupsView {
    pub target: Option<String>,
    pub backups: Vec<BackupRow>,
    pub locations: Vec<LocationRow>,
    pub schedules: Vec<ScheduleRow>,
    /// Restores in progress, in words.
    pub restores: Vec<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct BackupRow {
    pub id: String,
    pub target: String,
    pub location: String,
    pub location_kind: String,
    /// The backup's point in time as the wall clock read then.
    pub point: String,
    pub age: Dur,
    pub size_gb: f64,
    /// "yes", "no" or "CORRUPT".
    pub verified: String,
    pub state: String,
    /// How long restoring it would take: retrieval plus size / throughput.
    pub restore_time: Dur,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct LocationRow {
    pub id: String,
    pub kind: String,
    pub site: String,
    pub mb_per_s: f64,
    pub lead_time: Dur,
    pub state: String,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ScheduleRow {
    pub target: String,
    pub every: Dur,
    pub location: String,
    pub next: String,
}
