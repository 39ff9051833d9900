//! The scenario format: plain serde types, one per RON structure an author writes.
//!
//! Every struct denies unknown fields, so a misspelt field is an error rather than a silent no-op.
//! Units are in field names (`_ms`, `_gb`, `_rps`) wherever a number has one.

use serde::{Deserialize, Serialize};

use crate::Dur;

/// One practice or assessment scenario: an estate, what goes wrong in it, and how to grade a response.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Stable identifier, lower-case words joined by `-`; used by `gameday play ID`.
    pub id: String,
    pub title: String,
    pub kind: Kind,
    pub level: Level,
    /// What the candidate is told at the start, written as the page or ticket would read.
    pub briefing: String,
    /// Wall-clock time of day at the start of the scenario, `"HH:MM"`; shown on the prompt.
    #[serde(default = "default_start")]
    pub start: String,
    /// Length of one simulation step.
    pub tick: Dur,
    /// Simulated time the scenario lasts; the run is graded over exactly this window.
    pub time_limit: Dur,
    pub topology: Topology,
    pub traffic: Traffic,
    #[serde(default)]
    pub faults: Vec<Fault>,
    pub slo: Slo,
    /// Alert rules already configured when the candidate arrives.
    #[serde(default)]
    pub alerts: Vec<AlertRule>,
    /// Log lines written at given times regardless of what happens: routine chatter and red herrings.
    #[serde(default)]
    pub logs: Vec<ScriptedLog>,
    pub rubric: Rubric,
    #[serde(default)]
    pub hints: Vec<Hint>,
    /// A good response, as commands with the simulated time each is entered.
    pub reference: Vec<Step>,
    /// Axes of variation: each run picks one choice of every axis from its seed, and `${name}`
    /// in the file stands for the chosen value (see `variant.rs`).
    #[serde(default)]
    pub variants: Vec<VariantAxis>,
    /// Capacity planning: the host types that can be bought or rented, the services planned for,
    /// and the budget. Present in `Capacity` scenarios.
    #[serde(default)]
    pub capacity: Option<CapacityPlan>,
}

/// One axis of variation: which host fails, which zone, the growth rate.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct VariantAxis {
    pub name: String,
    pub choices: Vec<Choice>,
}

/// One choice of a variant axis: a one-line string, a number or a bool, or a map of names to
/// such values for things that vary together (a fault's time and the clock the briefing shows).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum Choice {
    Flag(bool),
    Number(f64),
    Text(String),
    Map(std::collections::BTreeMap<String, Choice>),
}

impl Scenario {
    /// Zones of the cloud regions: hosts there are rented by the hour.
    pub fn cloud_zones(&self) -> Vec<&str> {
        self.topology
            .sites
            .iter()
            .filter(|site| site.kind == SiteKind::CloudRegion)
            .flat_map(|site| site.zones.iter().map(String::as_str))
            .collect()
    }
}

fn default_start() -> String {
    "00:00".into()
}

/// Which duty of the role a scenario exercises.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Outage,
    Migration,
    Capacity,
    DisasterRecovery,
    Monitoring,
    Network,
    Virtualization,
    Security,
    Design,
    Cloud,
}

impl Kind {
    pub const fn label(self) -> &'static str {
        match self {
            Kind::Outage => "outage",
            Kind::Migration => "migration",
            Kind::Capacity => "capacity",
            Kind::DisasterRecovery => "disaster-recovery",
            Kind::Monitoring => "monitoring",
            Kind::Network => "network",
            Kind::Virtualization => "virtualization",
            Kind::Security => "security",
            Kind::Design => "design",
            Kind::Cloud => "cloud",
        }
    }

    /// The duty of the role this kind of scenario practises.
    pub const fn duty(self) -> Duty {
        match self {
            Kind::Design => Duty::Architecture,
            Kind::Network | Kind::Virtualization => Duty::ServersAndNetworks,
            Kind::Cloud | Kind::Migration => Duty::Cloud,
            Kind::Outage => Duty::Reliability,
            Kind::Capacity => Duty::Capacity,
            Kind::Monitoring => Duty::Monitoring,
            Kind::DisasterRecovery => Duty::DisasterRecovery,
            Kind::Security => Duty::Security,
        }
    }
}

/// The eight duties of an infrastructure engineer; every one has scenarios in the library.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub enum Duty {
    Architecture,
    ServersAndNetworks,
    Cloud,
    Reliability,
    Capacity,
    Monitoring,
    DisasterRecovery,
    Security,
}

impl Duty {
    pub const ALL: [Duty; 8] = [
        Duty::Architecture,
        Duty::ServersAndNetworks,
        Duty::Cloud,
        Duty::Reliability,
        Duty::Capacity,
        Duty::Monitoring,
        Duty::DisasterRecovery,
        Duty::Security,
    ];

    pub const fn label(self) -> &'static str {
        match self {
            Duty::Architecture => "designing architecture",
            Duty::ServersAndNetworks => "servers and networks",
            Duty::Cloud => "cloud infrastructure",
            Duty::Reliability => "reliability",
            Duty::Capacity => "capacity planning",
            Duty::Monitoring => "monitoring",
            Duty::DisasterRecovery => "disaster recovery",
            Duty::Security => "security",
        }
    }
}

/// The seniority a scenario is written for.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Mid,
    Senior,
    Lead,
}

impl Level {
    pub const fn label(self) -> &'static str {
        match self {
            Level::Mid => "mid",
            Level::Senior => "senior",
            Level::Lead => "lead",
        }
    }
}

/// Where things are and how they are wired.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Topology {
    pub sites: Vec<Site>,
    /// Links between zones (or any two network nodes). Hosts in one zone share its LAN.
    #[serde(default)]
    pub links: Vec<Link>,
    pub hosts: Vec<Host>,
    pub services: Vec<Service>,
}

/// A datacenter or a cloud region, divided into zones.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Site {
    pub id: String,
    pub kind: SiteKind,
    pub zones: Vec<String>,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub enum SiteKind {
    Datacenter,
    CloudRegion,
}

/// A network link between two zones; traffic between them takes the lowest-latency path of up links.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Link {
    pub from: String,
    pub to: String,
    /// One-way latency.
    pub latency_ms: f64,
    /// Fraction of packets lost, 0 to 1.
    #[serde(default)]
    pub loss: f64,
    #[serde(default = "default_link_gbps")]
    pub gbps: f64,
}

fn default_link_gbps() -> f64 {
    10.0
}

/// A physical server or VM.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Host {
    pub id: String,
    pub zone: String,
    pub cores: u32,
    pub memory_gb: f64,
    pub disk_gb: f64,
    #[serde(default)]
    pub disk_used_gb: f64,
    #[serde(default = "default_nic_gbps")]
    pub nic_gbps: f64,
    /// Time from power-on to the OS being up; the service then takes its own `start_time`.
    #[serde(default = "default_boot_time")]
    pub boot_time: Dur,
    /// Price of running the host for an hour, in dollars.
    #[serde(default)]
    pub hourly_cost: f64,
    /// Which of `capacity.host_types` this host is, so reservations and prices apply to it.
    #[serde(default)]
    pub host_type: Option<String>,
}

fn default_nic_gbps() -> f64 {
    10.0
}

fn default_boot_time() -> Dur {
    // Typical server POST plus OS boot; cloud VMs are faster, bare metal with many DIMMs slower.
    Dur::from_secs(180)
}

/// A service: one process per listed host, with the queueing parameters of its work.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub id: String,
    pub kind: ServiceKind,
    /// Hosts the service runs on. For a database the first is the primary, the rest replicas.
    pub hosts: Vec<String>,
    #[serde(default = "default_version")]
    pub version: String,
    /// CPU time one request needs on one core, in milliseconds (the M/M/c mean service time).
    pub ms_per_request: f64,
    /// Worker processes or threads per instance (the `c` of M/M/c); defaults to the host's cores.
    #[serde(default)]
    pub workers: Option<u32>,
    /// Resident memory of one instance when freshly started.
    pub memory_mb: f64,
    /// Concurrent requests one instance accepts before refusing more.
    pub max_connections: u32,
    /// How long a start or restart takes before the instance serves.
    #[serde(default = "default_start_time")]
    pub start_time: Dur,
    /// Downstream calls made for each request this service handles.
    #[serde(default)]
    pub calls: Vec<Call>,
    /// For load balancers: how the pool is health-checked.
    #[serde(default)]
    pub health_check: Option<HealthCheck>,
    /// For databases: replication lag of each replica behind the primary.
    #[serde(default)]
    pub replica_lag: Option<Dur>,
    /// If present, `scale` may add instances on new hosts cloned from the first host.
    #[serde(default)]
    pub scaling: Option<Scaling>,
}

fn default_version() -> String {
    "1.0.0".into()
}

fn default_start_time() -> Dur {
    Dur::from_secs(20)
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub enum ServiceKind {
    LoadBalancer,
    Web,
    App,
    Database,
    Cache,
    Queue,
    Dns,
}

impl ServiceKind {
    pub const fn label(self) -> &'static str {
        match self {
            ServiceKind::LoadBalancer => "load-balancer",
            ServiceKind::Web => "web",
            ServiceKind::App => "app",
            ServiceKind::Database => "database",
            ServiceKind::Cache => "cache",
            ServiceKind::Queue => "queue",
            ServiceKind::Dns => "dns",
        }
    }
}

/// `per_request` downstream requests to `service` for each request handled.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Call {
    pub service: String,
    #[serde(default = "one")]
    pub per_request: f64,
}

fn one() -> f64 {
    1.0
}

/// Load-balancer health checking: a backend leaves the pool after `unhealthy_after` failed checks.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct HealthCheck {
    pub interval: Dur,
    pub unhealthy_after: u32,
    /// A check fails when the backend's error rate exceeds this fraction. A half-broken backend
    /// under the threshold stays in the pool: the classic "health check says OK" trap.
    #[serde(default = "default_check_error_rate")]
    pub max_error_rate: f64,
}

fn default_check_error_rate() -> f64 {
    0.5
}

/// Scaling out: new instances take `provision_time` (VM launch) plus the service's `start_time`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Scaling {
    pub max_instances: u32,
    pub provision_time: Dur,
}

/// Demand arriving at the entry service.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Traffic {
    /// The service that receives user requests, usually the load balancer.
    pub entry: String,
    /// Mean requests per second over a day.
    pub base_rps: f64,
    /// Relative amplitude of the daily cycle, 0 (flat) to 1 (idle at night).
    #[serde(default)]
    pub diurnal_swing: f64,
    /// Hour of day (0–23) at which the daily cycle peaks.
    #[serde(default = "default_peak_hour")]
    pub peak_hour: f64,
    /// Standard deviation of per-tick random variation, relative to the rate.
    #[serde(default)]
    pub noise: f64,
    /// Fraction of requests that write data (the rest read).
    #[serde(default)]
    pub write_fraction: f64,
    #[serde(default)]
    pub spikes: Vec<Spike>,
    /// Demand on Saturdays and Sundays relative to weekdays (1 = no weekly cycle; 0.6 for an
    /// office tool, 1.8 for a leisure site).
    #[serde(default = "one")]
    pub weekend_factor: f64,
    /// Growth of demand, percent per month, compounding (a month is 365.25/12 days).
    #[serde(default)]
    pub growth_pct_per_month: f64,
    /// How much metric history from before the start to synthesise from this demand model.
    #[serde(default)]
    pub history: Option<Dur>,
    /// Events in that history: a past sale, a bot crawl. `ago` is how long before the start.
    #[serde(default)]
    pub past_spikes: Vec<PastSpike>,
}

/// A spike before the scenario starts, seen only in the synthesised history.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PastSpike {
    pub ago: Dur,
    pub duration: Dur,
    pub multiplier: f64,
}

fn default_peak_hour() -> f64 {
    20.0
}

/// A temporary multiplication of demand: a sale, a launch, a retry storm.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Spike {
    pub at: Dur,
    pub duration: Dur,
    pub multiplier: f64,
}

/// Something that goes wrong at a given simulated time.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    pub at: Dur,
    pub kind: FaultKind,
}

/// What goes wrong. Each names the entity it strikes.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub enum FaultKind {
    /// The host loses power or panics; it stays down until rebooted.
    HostCrash { host: String },
    /// The service process on `host` exits; it stays down until restarted.
    ProcessCrash { host: String },
    /// A process named `writer` fills the host's disk at `gb_per_hour` until it is killed.
    DiskFill {
        host: String,
        gb_per_hour: f64,
        writer: String,
    },
    /// The service's current version leaks memory; the OOM killer ends an instance at the host's memory.
    MemoryLeak { service: String, mb_per_min: f64 },
    /// A process named `process` starts burning `cores` of CPU on `host` until it is killed.
    CpuSaturation {
        host: String,
        cores: f64,
        process: String,
    },
    /// The link between two network nodes goes down.
    LinkDown { from: String, to: String },
    /// The link stays up but drops `loss` of packets and adds `extra_latency_ms`.
    LinkDegraded {
        from: String,
        to: String,
        loss: f64,
        extra_latency_ms: f64,
    },
    /// A new version rolls out to every instance of `service`: it fails `error_rate` of requests,
    /// needs `cpu_factor` times the CPU, and leaks `leak_mb_per_min`. `rollback` undoes it.
    BadDeploy {
        service: String,
        version: String,
        #[serde(default)]
        error_rate: f64,
        #[serde(default = "one")]
        cpu_factor: f64,
        #[serde(default)]
        leak_mb_per_min: f64,
    },
    /// The running version of `service` gets slower as it runs: its CPU time per request grows by
    /// `percent_per_hour` of the original every hour (a query scanning a table that grows with
    /// every order, a cache whose hit rate decays). `rollback` to an earlier version ends it.
    LatencyCreep {
        service: String,
        percent_per_hour: f64,
        /// If set, the creep arrives with a release of this version (rolled out like any deploy),
        /// so `rollback` to the version before it ends the creep.
        #[serde(default)]
        version: Option<String>,
    },
}

impl FaultKind {
    pub const fn label(&self) -> &'static str {
        match self {
            FaultKind::HostCrash { .. } => "host crash",
            FaultKind::ProcessCrash { .. } => "process crash",
            FaultKind::DiskFill { .. } => "disk filling",
            FaultKind::MemoryLeak { .. } => "memory leak",
            FaultKind::CpuSaturation { .. } => "CPU saturation",
            FaultKind::LinkDown { .. } => "link down",
            FaultKind::LinkDegraded { .. } => "link degraded",
            FaultKind::BadDeploy { .. } => "bad deploy",
            FaultKind::LatencyCreep { .. } => "latency creep",
        }
    }
}

/// The service-level objective the run is measured against.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Slo {
    /// Target fraction of good requests, e.g. 0.999.
    pub availability: f64,
    /// A request slower than this at the 99th percentile makes the minute bad.
    pub latency_p99_ms: f64,
    /// The SLO window the error budget belongs to.
    #[serde(default = "default_slo_window")]
    pub window: Dur,
}

fn default_slo_window() -> Dur {
    Dur(30 * 86_400_000)
}

/// An alert rule: fires when `metric` of `target` stays beyond the threshold for `for`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AlertRule {
    pub name: String,
    /// A host or service id.
    pub target: String,
    pub metric: Metric,
    #[serde(default)]
    pub above: Option<f64>,
    #[serde(default)]
    pub below: Option<f64>,
    #[serde(rename = "for", default)]
    pub for_: Dur,
    /// When set, the rule watches the SLO error-budget burn rate of the target over this window
    /// instead of the raw metric (which must then be `Errors`): the share of requests that failed
    /// in the window divided by the share the SLO allows (`1 - availability`).
    #[serde(default)]
    pub burn_window: Option<Dur>,
}

/// A metric every host or service reports.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Metric {
    /// CPU utilisation, percent.
    Cpu,
    /// Memory used, percent of the host's memory.
    Memory,
    /// Disk used, percent.
    Disk,
    /// Requests per second arriving (served or failed; see `errors`).
    Rps,
    /// Failed requests, percent.
    Errors,
    /// 99th-percentile latency, milliseconds.
    P99,
    /// Open connections.
    Connections,
}

impl Metric {
    pub const ALL: [Metric; 7] = [
        Metric::Cpu,
        Metric::Memory,
        Metric::Disk,
        Metric::Rps,
        Metric::Errors,
        Metric::P99,
        Metric::Connections,
    ];

    pub const fn label(self) -> &'static str {
        match self {
            Metric::Cpu => "cpu",
            Metric::Memory => "memory",
            Metric::Disk => "disk",
            Metric::Rps => "rps",
            Metric::Errors => "errors",
            Metric::P99 => "p99",
            Metric::Connections => "connections",
        }
    }

    pub const fn unit(self) -> &'static str {
        match self {
            Metric::Cpu | Metric::Memory | Metric::Disk | Metric::Errors => "%",
            Metric::Rps => "req/s",
            Metric::P99 => "ms",
            Metric::Connections => "",
        }
    }

    pub fn from_label(text: &str) -> Option<Metric> {
        let text = text.to_ascii_lowercase();
        let alias = match text.as_str() {
            "mem" => "memory",
            "latency" => "p99",
            "conns" => "connections",
            "error" => "errors",
            other => other,
        };
        Metric::ALL.into_iter().find(|m| m.label() == alias)
    }
}

/// A log line written at a set time.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ScriptedLog {
    pub at: Dur,
    pub host: String,
    pub level: LogLevel,
    pub text: String,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    Info,
    Warn,
    Error,
}

/// How a run is scored: which KPIs count, how much, and what good and hopeless look like.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Rubric {
    pub kpis: Vec<KpiTarget>,
    /// Words a status note must contain to name the root cause; `|` separates alternatives.
    /// Every entry must be matched by some note (case-insensitive).
    #[serde(default)]
    pub root_cause: Vec<String>,
    /// How often stakeholders expect a status update during an incident.
    #[serde(default = "default_status_every")]
    pub status_every: Dur,
}

fn default_status_every() -> Dur {
    // Common incident-command practice: update stakeholders at least every 15-30 minutes.
    Dur::from_mins(15)
}

/// One KPI in a rubric. `target` scores 100, `zero` scores 0, linear between, in the KPI's unit.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct KpiTarget {
    pub kpi: Kpi,
    pub weight: f64,
    pub target: f64,
    pub zero: f64,
}

/// The measures of the role. Units: see [`Kpi::unit`].
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kpi {
    /// Share of the SLO window's error budget this incident burned, percent.
    Availability,
    /// Minutes from a fault's onset to the first look at (or action on) what it struck.
    TimeToDetect,
    /// Minutes from user impact starting to the service being back within SLO for good.
    TimeToRecover,
    /// Minutes in which p99 latency exceeded the SLO target.
    Latency,
    /// Harmful actions count 1, needless ones 0.5.
    ChangeSafety,
    /// Writes acknowledged and then lost.
    DataLoss,
    /// Minutes without a status update beyond the cadence, plus 30 if the root cause is never named.
    Communication,
    /// Minutes from each fault's onset to the first alert the candidate wrote firing on it
    /// (a fault no such alert caught counts to the end of the run), averaged over faults.
    AlertDetection,
    /// Pages that were noise: alerts that fired while no fault was active, or re-fired soon after
    /// clearing (flapping).
    AlertNoise,
    /// Spare capacity of the planned services at their busiest, percent (higher is better).
    PeakHeadroom,
    /// Minutes in which a planned service ran above its saturation utilisation.
    SaturationMinutes,
    /// Dollars spent on capacity beyond what the day's peak needed, and on unused reservations.
    IdleWaste,
    /// Money spent over the run, percent of the budget.
    Spend,
}

impl Kpi {
    pub const fn label(self) -> &'static str {
        match self {
            Kpi::Availability => "availability",
            Kpi::TimeToDetect => "time to detect",
            Kpi::TimeToRecover => "time to recover",
            Kpi::Latency => "latency",
            Kpi::ChangeSafety => "change safety",
            Kpi::DataLoss => "data loss",
            Kpi::Communication => "communication",
            Kpi::AlertDetection => "alert detection",
            Kpi::AlertNoise => "alert noise",
            Kpi::PeakHeadroom => "peak headroom",
            Kpi::SaturationMinutes => "saturation",
            Kpi::IdleWaste => "idle waste",
            Kpi::Spend => "spend",
        }
    }

    pub const fn unit(self) -> &'static str {
        match self {
            Kpi::Availability => "% of error budget",
            Kpi::TimeToDetect
            | Kpi::TimeToRecover
            | Kpi::Latency
            | Kpi::Communication
            | Kpi::AlertDetection => "min",
            Kpi::AlertNoise => "noisy pages",
            Kpi::ChangeSafety => "unsafe actions",
            Kpi::DataLoss => "writes",
            Kpi::PeakHeadroom => "% spare at peak",
            Kpi::SaturationMinutes => "min",
            Kpi::IdleWaste => "$",
            Kpi::Spend => "% of budget",
        }
    }

    /// Whether a larger value is better: its `target` is then above its `zero`.
    pub const fn higher_is_better(self) -> bool {
        matches!(self, Kpi::PeakHeadroom)
    }
}

/// A hint the candidate may ask for in practice mode, costing `cost` points of the total.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Hint {
    pub text: String,
    pub cost: f64,
}

/// One command of the reference solution, entered at simulated time `at` (or as soon after as possible).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub at: Dur,
    pub command: String,
}

/// Capacity planning: what can be bought or rented, for which services, and with what money.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CapacityPlan {
    /// The services whose capacity is planned: headroom, saturation and waste are measured on them.
    pub services: Vec<String>,
    /// What `order` can buy (on-prem) or launch (cloud), and `reserve` can commit to.
    pub host_types: Vec<HostType>,
    /// Money for the whole run, in dollars: purchases, power and space, cloud hours.
    #[serde(default)]
    pub budget: Option<f64>,
    /// Utilisation (offered load over capacity) above which a minute counts as saturated.
    #[serde(default = "default_saturation_util")]
    pub saturation_util: f64,
    /// Spare capacity the day's peak should keep, fraction; capacity beyond it counts as idle.
    #[serde(default = "default_headroom_target")]
    pub headroom_target: f64,
    /// Orders and reservations already placed when the candidate arrives.
    #[serde(default)]
    pub placed: Vec<Placed>,
}

fn default_saturation_util() -> f64 {
    // Queueing delay grows as 1/(1 - rho): past about 80% a busy tier's latency climbs steeply,
    // which is why capacity plans commonly cap sustained utilisation near 70-80%.
    0.8
}

fn default_headroom_target() -> f64 {
    0.3
}

/// A kind of host that can be bought (in a datacenter zone) or launched (in a cloud zone).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct HostType {
    pub id: String,
    /// Where hosts of this type go; a cloud-region zone makes it a cloud type.
    pub zone: String,
    pub cores: u32,
    pub memory_gb: f64,
    #[serde(default = "default_type_disk_gb")]
    pub disk_gb: f64,
    /// From order to the host being racked and powered (on-prem) or launched (cloud).
    pub lead_time: Dur,
    /// Purchase price of one host, dollars (on-prem; paid when ordered).
    #[serde(default)]
    pub price: f64,
    /// Dollars per hour: power and space on-prem, the on-demand price in the cloud.
    pub hourly_cost: f64,
    /// Cloud: the discounted hourly price of a reservation, paid whether used or not.
    #[serde(default)]
    pub reserved_hourly: Option<f64>,
    /// Cloud: how long a reservation commits to.
    #[serde(default)]
    pub reserve_term: Option<Dur>,
}

fn default_type_disk_gb() -> f64 {
    480.0
}

/// An order or reservation made before the start.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub enum Placed {
    /// `count` hosts of `host_type` arriving for `service` at `arrives`.
    Order {
        host_type: String,
        count: u32,
        service: String,
        arrives: Dur,
    },
    /// `count` reservations of `host_type` in force until `until`.
    Reservation {
        host_type: String,
        count: u32,
        until: Dur,
    },
}
