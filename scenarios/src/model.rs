//! The scenario format: plain serde types, one per RON structure an author writes.
//!
//! Every struct denies unknown fields, so a misspelt field is an error rather than a silent no-op.
//! Units are in field names (`_ms`, `_gb`, `_rps`) wherever a number has one.

use serde::{Deserialize, Serialize};

use crate::Dur;

/// One practice or assessment scenario: an estate, what goes wrong in it, and how to grade a response.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
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
    /// Test transcripts, best first: `gameday check` grades each and requires the grader to rank
    /// them in this order (a golden run above a red herring above a harmful one).
    #[serde(default)]
    pub transcripts: Vec<Transcript>,
    /// Axes of variation: each run picks one choice of every axis from its seed, and `${name}`
    /// in the file stands for the chosen value (see `variant.rs`).
    #[serde(default)]
    pub variants: Vec<VariantAxis>,
    /// Cloud estate: instance types and prices, autoscaling groups, DNS records, migrations.
    #[serde(default)]
    pub cloud: Cloud,
    /// Data volumes, backup locations, the backup catalogue and backup schedules.
    #[serde(default)]
    pub storage: Option<Storage>,
    /// Capacity planning: the host types that can be bought or rented, the services planned for,
    /// and the budget. Present in `Capacity` scenarios.
    #[serde(default)]
    pub capacity: Option<CapacityPlan>,
    /// Design scenarios: the requirements the candidate's design must meet, and the trial of
    /// faults it faces after `submit`.
    #[serde(default)]
    pub design: Option<crate::Design>,
}

/// One axis of variation: which host fails, which zone, the growth rate.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VariantAxis {
    pub name: String,
    pub choices: Vec<Choice>,
}

/// One choice of a variant axis: a one-line string, a number or a bool, or a map of names to
/// such values for things that vary together (a fault's time and the clock the briefing shows).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
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
#[derive(
    Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, schemars::JsonSchema,
)]
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
    /// Every kind, in declaration order.
    pub const ALL: [Kind; 10] = [
        Kind::Outage,
        Kind::Migration,
        Kind::Capacity,
        Kind::DisasterRecovery,
        Kind::Monitoring,
        Kind::Network,
        Kind::Virtualization,
        Kind::Security,
        Kind::Design,
        Kind::Cloud,
    ];

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
#[derive(
    Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, schemars::JsonSchema,
)]
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
#[derive(
    Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, schemars::JsonSchema,
)]
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
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Topology {
    pub sites: Vec<Site>,
    /// Links between zones (or any two network nodes). Hosts in one zone share its LAN.
    #[serde(default)]
    pub links: Vec<Link>,
    pub hosts: Vec<Host>,
    pub services: Vec<Service>,
    /// Switches, routers and edge routers: network nodes that links may join besides zones.
    #[serde(default)]
    pub nodes: Vec<NetNode>,
    /// Firewall rules on hosts' listening ports, evaluated deny-wins (see [`FirewallRule`]). Left
    /// empty, only the entry service's port is open to the internet.
    #[serde(default)]
    pub firewall: Vec<FirewallRule>,
    /// Hypervisors that hosts with a `hypervisor` run on as VMs.
    #[serde(default)]
    pub hypervisors: Vec<Hypervisor>,
    /// VM-VM anti-affinity rules: the VMs of each rule should run on different hypervisors.
    #[serde(default)]
    pub anti_affinity: Vec<AntiAffinity>,
}

/// A datacenter or a cloud region, divided into zones.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Site {
    pub id: String,
    pub kind: SiteKind,
    pub zones: Vec<String>,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
pub enum SiteKind {
    Datacenter,
    CloudRegion,
}

/// A network link between two zones; traffic between them takes the lowest-latency path of up links.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
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
    /// Traffic the link carries besides the modelled flows (other tenants, users), in Gbit/s,
    /// each way. Offered load beyond `gbps` queues and is dropped.
    #[serde(default)]
    pub base_gbps: f64,
}

fn default_link_gbps() -> f64 {
    10.0
}

/// A network device: a switch forwards along the shortest path; a router or an edge router also
/// holds static routes, which win over the shortest path while their next hop's link is up.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NetNode {
    pub id: String,
    pub kind: NodeKind,
    /// Static routes configured when the scenario starts.
    #[serde(default)]
    pub routes: Vec<StaticRoute>,
}

#[derive(
    Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, schemars::JsonSchema,
)]
pub enum NodeKind {
    Switch,
    Router,
    /// A router at the edge of a site: an uplink to the internet or to another site.
    Edge,
}

impl NodeKind {
    pub const fn label(self) -> &'static str {
        match self {
            NodeKind::Switch => "switch",
            NodeKind::Router => "router",
            NodeKind::Edge => "edge router",
        }
    }

    /// Whether the node holds a route table (switches forward at layer 2).
    pub const fn routes(self) -> bool {
        !matches!(self, NodeKind::Switch)
    }
}

/// Traffic for `dest` (a zone or node) leaves through `via`, a neighbour joined by a link, or
/// `"null0"` to discard it. The lowest `metric` wins among static routes whose link is up.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StaticRoute {
    pub dest: String,
    pub via: String,
    #[serde(default = "default_route_metric")]
    pub metric: u32,
}

fn default_route_metric() -> u32 {
    1
}

/// The next hop that discards traffic, as in `ip route ... Null0`.
pub const NULL_ROUTE: &str = "null0";

/// One link named by its two ends, in either order.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkRef {
    pub from: String,
    pub to: String,
}

/// A physical server or VM.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
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
    /// An instance type from `cloud.instance_types`: its vCPU, memory and price describe the host
    /// (`cores` and `memory_gb` must match it; `hourly_cost`, if 0, is taken from it).
    #[serde(default)]
    pub instance_type: Option<String>,
    /// False for a host that is planned but not yet provisioned (bought or launched): it costs
    /// nothing and serves nothing until `provision <host>` brings it up after its lead time.
    #[serde(default = "yes")]
    pub provisioned: bool,
    /// The hypervisor this host runs on as a VM; `None` for bare metal. `cores` are then vCPUs
    /// and `memory_gb` the VM's configured memory.
    #[serde(default)]
    pub hypervisor: Option<String>,
    /// For a VM: how fast the guest rewrites its memory, in MB/s, which live migration must
    /// copy again (a busy database dirties hundreds of MB/s, an idle web VM a few).
    #[serde(default)]
    pub dirty_mb_per_s: f64,
    /// Which of `capacity.host_types` this host is, so reservations and prices apply to it.
    #[serde(default)]
    pub host_type: Option<String>,
}

fn yes() -> bool {
    true
}

fn default_nic_gbps() -> f64 {
    10.0
}

fn default_boot_time() -> Dur {
    // Typical server POST plus OS boot; cloud VMs are faster, bare metal with many DIMMs slower.
    Dur::from_secs(180)
}

/// A virtualisation host: physical cores and memory shared by the VMs placed on it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Hypervisor {
    pub id: String,
    pub zone: String,
    /// Physical cores (hyperthreads not counted).
    pub cores: u32,
    /// Physical memory available to VMs.
    pub memory_gb: f64,
    /// Most vCPUs that may be placed per physical core (admission, not a speed-up).
    #[serde(default = "default_cpu_overcommit")]
    pub cpu_overcommit: f64,
    /// Most configured VM memory that may be placed per GB of physical memory. Above 1.0 the
    /// hypervisor relies on the VMs not all using their memory at once.
    #[serde(default = "one")]
    pub memory_overcommit: f64,
    /// Bandwidth of the live-migration (vMotion) network.
    #[serde(default = "default_migration_gbps")]
    pub migration_gbps: f64,
    /// HA: if this hypervisor fails, its VMs are restarted on others with room.
    #[serde(default)]
    pub ha: bool,
    /// Throughput of the storage its VMs share, MB/s (a noisy neighbour's IO competes for it).
    #[serde(default = "default_storage_mb_per_s")]
    pub storage_mb_per_s: f64,
}

fn default_cpu_overcommit() -> f64 {
    // A common consolidation ceiling for production clusters: 4 vCPUs per physical core.
    4.0
}

fn default_migration_gbps() -> f64 {
    10.0
}

fn default_storage_mb_per_s() -> f64 {
    // Shared SAN or vSAN path of a host: a couple of GB/s.
    2_000.0
}

/// VMs that should never share a hypervisor (replicas of one service, say).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AntiAffinity {
    pub name: String,
    pub hosts: Vec<String>,
}

/// A service: one process per listed host, with the queueing parameters of its work.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
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
    /// The TCP port the service listens on; defaults by kind (443 for load balancers and web,
    /// 8080 for apps, 5432 for databases, 6379 caches, 5672 queues, 53 DNS).
    #[serde(default)]
    pub port: Option<u16>,
    /// The TLS certificate the service presents to its clients, if it terminates TLS.
    #[serde(default)]
    pub cert: Option<Cert>,
    /// Versions published in the package repository that `patch` may install (a CVE's
    /// `fixed_in` is always available).
    #[serde(default)]
    pub releases: Vec<String>,
}

fn default_version() -> String {
    "1.0.0".into()
}

fn default_start_time() -> Dur {
    Dur::from_secs(20)
}

#[derive(
    Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, schemars::JsonSchema,
)]
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
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
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
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
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
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scaling {
    pub max_instances: u32,
    pub provision_time: Dur,
}

/// A TLS certificate. After `expires` every client's handshake fails; `cert renew` takes
/// `issuance` (the CA signing it) and a hitless reload, and the new one is valid for `validity`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cert {
    /// The name clients check, e.g. `api.example.com`.
    pub name: String,
    /// Simulated time at which it expires (`"0s"`: already expired when the scenario starts).
    pub expires: Dur,
    #[serde(default = "default_issuer")]
    pub issuer: String,
    #[serde(default = "default_issuance")]
    pub issuance: Dur,
    #[serde(default = "default_validity")]
    pub validity: Dur,
}

fn default_issuer() -> String {
    "ACME (Let's Encrypt)".into()
}

fn default_issuance() -> Dur {
    // An ACME order with HTTP-01 or DNS-01 validation completes in seconds to a couple of
    // minutes; DNS propagation for DNS-01 is the usual long pole.
    Dur::from_secs(120)
}

fn default_validity() -> Dur {
    // Let's Encrypt certificates are valid for 90 days.
    Dur(90 * 86_400_000)
}

/// One firewall rule: `action` connections from `from` to `port` on the hosts of `on`.
///
/// Evaluation is deny-wins, not first-match: a connection is refused if any deny rule matches
/// it; otherwise a connection from a host of the estate is allowed (the internal network is
/// trusted unless a rule says otherwise), and a connection from the internet is allowed only
/// if an allow rule whose source is `any` or `internet` matches.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FirewallRule {
    pub action: RuleAction,
    /// `any` (everyone, the internet included), `internet` (everyone outside the estate), or a
    /// zone, site or host id.
    pub from: String,
    pub port: u16,
    /// A host, service (all its hosts) or zone (every host in it).
    pub on: String,
    /// Why the rule exists, as the change record says, shown by `firewall list`.
    #[serde(default)]
    pub note: String,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
pub enum RuleAction {
    Allow,
    Deny,
}

impl RuleAction {
    pub const fn label(self) -> &'static str {
        match self {
            RuleAction::Allow => "allow",
            RuleAction::Deny => "deny",
        }
    }
}

/// A CVE's severity, as its CVSS v3 base score bands it.
#[derive(
    Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, schemars::JsonSchema,
)]
pub enum CveSeverity {
    Low,
    Medium,
    High,
    Critical,
}

impl CveSeverity {
    pub const fn label(self) -> &'static str {
        match self {
            CveSeverity::Low => "low",
            CveSeverity::Medium => "medium",
            CveSeverity::High => "high",
            CveSeverity::Critical => "critical",
        }
    }
}

/// Demand arriving at the entry service.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
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
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
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
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Spike {
    pub at: Dur,
    pub duration: Dur,
    pub multiplier: f64,
}

/// Something that goes wrong at a given simulated time.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    pub at: Dur,
    pub kind: FaultKind,
}

/// What goes wrong. Each names the entity it strikes.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
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
    /// A change pushes a static route onto `node`: traffic for `dest` leaves through `via`
    /// (a neighbour, or `"null0"` to discard it) ahead of the shortest path.
    BadRoute {
        node: String,
        dest: String,
        via: String,
        #[serde(default = "default_route_metric")]
        metric: u32,
    },
    /// A process named `process` on `host` starts sending `gbps` to `to` (a zone or node), over
    /// whatever path routing gives it, until it is killed or throttled.
    BulkTransfer {
        host: String,
        process: String,
        to: String,
        gbps: f64,
    },
    /// Every listed link goes down at once.
    Partition { links: Vec<LinkRef> },
    /// A destructive change to a database's data (a dropped table, a bad migration): `share` of
    /// the requests it serves fail until it is restored from a backup taken before `at`.
    /// Replicas receive the change too, so failing over does not help.
    DataCorruption {
        service: String,
        share: f64,
        /// What was done, for the record, e.g. "DROP TABLE order_items".
        what: String,
    },
    /// The data volume of `host` is lost: its service stops and cannot start until restored.
    VolumeLoss { host: String },
    /// A whole site is lost (power, fire, fibre): every host in it is down and cannot be rebooted,
    /// and backups kept there are gone.
    SiteLoss { site: String },
    /// The backups kept at a location are destroyed or encrypted (ransomware, a deleted bucket).
    BackupsLost { location: String },
    /// An advisory is published: versions of `service` before `fixed_in` have `cve`. The
    /// candidate sees the notice; every instance on a vulnerable version that the internet can
    /// reach counts as exposure until it is patched.
    CveAnnounced {
        service: String,
        cve: String,
        severity: CveSeverity,
        fixed_in: String,
        /// One line on what the flaw lets an attacker do.
        #[serde(default)]
        summary: String,
    },
    /// A change adds `allow any PORT on ON` to the firewall, opening the port to the internet.
    /// With `probes_per_hour` above zero, scanners find it and try to log in.
    PortExposed {
        on: String,
        port: u16,
        /// The change record's text, shown on the rule.
        #[serde(default)]
        note: String,
        #[serde(default)]
        probes_per_hour: f64,
    },
    /// A hypervisor fails (a purple screen, a dead board): every VM on it goes down with it.
    HypervisorCrash { hypervisor: String },
    /// A VM starts a process named `process` that burns `cores` of CPU and `io_mb_per_s` of its
    /// hypervisor's storage; its neighbours on the same hypervisor suffer. `essential` marks a
    /// job that must not be killed (the briefing says why): killing it counts as harmful.
    NoisyNeighbour {
        host: String,
        cores: f64,
        process: String,
        #[serde(default)]
        io_mb_per_s: f64,
        #[serde(default)]
        essential: bool,
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
            FaultKind::BadRoute { .. } => "bad route",
            FaultKind::BulkTransfer { .. } => "bulk transfer",
            FaultKind::Partition { .. } => "partition",
            FaultKind::DataCorruption { .. } => "data corruption",
            FaultKind::VolumeLoss { .. } => "volume loss",
            FaultKind::SiteLoss { .. } => "site loss",
            FaultKind::BackupsLost { .. } => "backups lost",
            FaultKind::CveAnnounced { .. } => "vulnerability announced",
            FaultKind::PortExposed { .. } => "port exposed",
            FaultKind::HypervisorCrash { .. } => "hypervisor crash",
            FaultKind::NoisyNeighbour { .. } => "noisy neighbour",
        }
    }
}

/// The service-level objective the run is measured against.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
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
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
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
#[derive(
    Clone,
    Copy,
    Debug,
    Serialize,
    Deserialize,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    schemars::JsonSchema,
)]
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
    /// CPU steal: share of the time a VM's vCPUs wanted to run but its hypervisor ran others, percent.
    Steal,
}

impl Metric {
    pub const ALL: [Metric; 8] = [
        Metric::Cpu,
        Metric::Memory,
        Metric::Disk,
        Metric::Rps,
        Metric::Errors,
        Metric::P99,
        Metric::Connections,
        Metric::Steal,
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
            Metric::Steal => "steal",
        }
    }

    pub const fn unit(self) -> &'static str {
        match self {
            Metric::Cpu | Metric::Memory | Metric::Disk | Metric::Errors | Metric::Steal => "%",
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
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScriptedLog {
    pub at: Dur,
    pub host: String,
    pub level: LogLevel,
    pub text: String,
}

#[derive(
    Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, schemars::JsonSchema,
)]
pub enum LogLevel {
    Info,
    Warn,
    Error,
}

/// How a run is scored: which KPIs count, how much, and what good and hopeless look like.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
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
    /// The escalation the `Escalation` KPI expects: to whom, how soon after the first fault,
    /// and what the message must name.
    #[serde(default)]
    pub escalation: Option<EscalationGoal>,
}

/// An escalation a rubric expects: `escalate TEAM "..."` within `within` of the first fault,
/// naming every keyword group in `names` (`|` separates alternatives, case-insensitive).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EscalationGoal {
    #[serde(default = "default_team")]
    pub team: String,
    pub within: Dur,
    #[serde(default)]
    pub names: Vec<String>,
}

fn default_team() -> String {
    "security".into()
}

/// Teams `escalate` can reach.
pub const TEAMS: &[&str] = &["security"];

fn default_status_every() -> Dur {
    // Common incident-command practice: update stakeholders at least every 15-30 minutes.
    Dur::from_mins(15)
}

/// One KPI in a rubric. `target` scores 100, `zero` scores 0, linear between, in the KPI's unit.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KpiTarget {
    pub kpi: Kpi,
    pub weight: f64,
    pub target: f64,
    pub zero: f64,
}

/// The measures of the role. Units: see [`Kpi::unit`].
#[derive(
    Clone,
    Copy,
    Debug,
    Serialize,
    Deserialize,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    schemars::JsonSchema,
)]
pub enum Kpi {
    /// Share of the SLO window's error budget this incident burned, percent.
    Availability,
    /// Minutes from a fault's onset to the first look at (or action on) what it struck.
    TimeToDetect,
    /// Minutes from user impact starting to the service being back within SLO for good.
    TimeToRecover,
    /// Minutes in which p99 latency exceeded the SLO target, or in which no request succeeded.
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
    /// Dollars spent on hosts over the scenario.
    Cost,
    /// Minutes a vulnerable version or a port that should be private was reachable from the internet.
    Exposure,
    /// Minutes the expected escalation came late (or the run's end if never), plus 30 if it did
    /// not name what the rubric asks.
    Escalation,
    /// Anti-affinity rules broken (VMs that should be apart sharing a hypervisor) at the end.
    Placement,
    /// Spare capacity of the planned services at their busiest, percent (higher is better).
    PeakHeadroom,
    /// Minutes in which a planned service ran above its saturation utilisation.
    SaturationMinutes,
    /// Dollars spent on capacity beyond what the day's peak needed, and on unused reservations.
    IdleWaste,
    /// Money spent over the run, percent of the budget.
    Spend,
    /// Design trial: weighted share of faults the design survived within its SLO, RTO and RPO,
    /// percent (higher is better).
    Resilience,
    /// Design trial: share of requests served well over every run of the trial, percent (higher
    /// is better).
    TrialAvailability,
    /// Design trial: the worst p99 latency of a minute at peak with nothing failing, in ms.
    PeakLatency,
    /// Design trial: the longest any fault kept the service outside its SLO, in minutes (a fault
    /// never recovered from counts the whole window).
    Rto,
    /// Design trial: the most writes any fault lost, as seconds of the write stream.
    Rpo,
    /// Design trial: what the design costs a month, percent of the budget.
    MonthlyCost,
    /// Design trial: the brief's constraints the design breaks.
    Constraints,
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
            Kpi::Cost => "cost",
            Kpi::Exposure => "exposure",
            Kpi::Escalation => "escalation",
            Kpi::Placement => "placement",
            Kpi::PeakHeadroom => "peak headroom",
            Kpi::SaturationMinutes => "saturation",
            Kpi::IdleWaste => "idle waste",
            Kpi::Spend => "spend",
            Kpi::Resilience => "resilience",
            Kpi::TrialAvailability => "trial availability",
            Kpi::PeakLatency => "peak latency",
            Kpi::Rto => "recovery time",
            Kpi::Rpo => "recovery point",
            Kpi::MonthlyCost => "monthly cost",
            Kpi::Constraints => "constraints",
        }
    }

    pub const fn unit(self) -> &'static str {
        match self {
            Kpi::Availability => "% of error budget",
            Kpi::TimeToDetect
            | Kpi::TimeToRecover
            | Kpi::Latency
            | Kpi::Communication
            | Kpi::AlertDetection
            | Kpi::Exposure
            | Kpi::Escalation => "min",
            Kpi::AlertNoise => "noisy pages",
            Kpi::ChangeSafety => "unsafe actions",
            Kpi::DataLoss => "writes",
            Kpi::Cost => "dollars",
            Kpi::Placement => "rules broken",
            Kpi::PeakHeadroom => "% spare at peak",
            Kpi::SaturationMinutes => "min",
            Kpi::IdleWaste => "$",
            Kpi::Spend | Kpi::MonthlyCost => "% of budget",
            Kpi::Resilience => "% of faults survived",
            Kpi::TrialAvailability => "% of requests",
            Kpi::PeakLatency => "ms p99",
            Kpi::Rto => "min",
            Kpi::Rpo => "s of writes",
            Kpi::Constraints => "broken",
        }
    }

    /// Whether a larger value is better: its `target` is then above its `zero`.
    pub const fn higher_is_better(self) -> bool {
        matches!(
            self,
            Kpi::PeakHeadroom | Kpi::Resilience | Kpi::TrialAvailability
        )
    }
}

/// A hint the candidate may ask for in practice mode, costing `cost` points of the total.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Hint {
    pub text: String,
    pub cost: f64,
    /// The hint cannot be had before this simulated time, so a candidate has to look first.
    #[serde(default)]
    pub after: Option<Dur>,
}

/// A scripted response an author expects the grader to place: `check` runs its steps like the
/// reference solution's and compares its total with the other transcripts'.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Transcript {
    /// What the transcript does, in a few words: shown when the ranking fails.
    pub name: String,
    pub expect: Expect,
    pub steps: Vec<Step>,
}

impl Transcript {
    /// A design transcript's build: its commands, less the `submit` that hands the design in.
    pub fn build(&self) -> Vec<String> {
        self.steps
            .iter()
            .map(|s| s.command.clone())
            .filter(|c| c.trim() != "submit")
            .collect()
    }
}

/// What kind of answer a transcript is. Transcripts are listed golden first, harmful last.
#[derive(
    Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, schemars::JsonSchema,
)]
pub enum Expect {
    /// A good answer, perhaps not the reference's.
    Golden,
    /// Busy on the wrong thing: looks reasonable, misses the cause.
    RedHerring,
    /// Makes things worse: loses data, takes the service down, opens it up.
    Harmful,
    /// A design that meets the requirements within the budget.
    Strong,
    /// A design with a single point of failure or too little capacity.
    Weak,
    /// A design that survives everything at several times the budget.
    OverBuilt,
}

impl Expect {
    pub const fn label(self) -> &'static str {
        match self {
            Expect::Golden => "golden",
            Expect::RedHerring => "red herring",
            Expect::Harmful => "harmful",
            Expect::Strong => "strong",
            Expect::Weak => "weak",
            Expect::OverBuilt => "over-built",
        }
    }
}

/// One command of the reference solution, entered at simulated time `at` (or as soon after as possible).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub at: Dur,
    pub command: String,
}

/// The cloud side of an estate: what can be launched and for how much, groups that scale by
/// themselves, DNS records clients resolve, and data being moved between sites.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cloud {
    /// The instance catalogue: sizes and on-demand prices hosts and groups are launched from.
    #[serde(default)]
    pub instance_types: Vec<InstanceType>,
    #[serde(default)]
    pub autoscaling: Vec<AutoscalingGroup>,
    /// DNS records. `traffic.entry` may name one: clients then reach whatever it points to.
    #[serde(default)]
    pub dns: Vec<DnsRecord>,
    /// Database replicas that must copy their primary's data before they can serve.
    #[serde(default)]
    pub replicas: Vec<ReplicaCopy>,
    /// Lead time for on-prem hardware: ordering, delivery, racking and burn-in.
    #[serde(default = "default_procurement_time")]
    pub procurement_time: Dur,
    /// Dollars the scenario's spend is held against, if there is a budget.
    #[serde(default)]
    pub budget: Option<f64>,
}

impl Default for Cloud {
    fn default() -> Cloud {
        Cloud {
            instance_types: Vec::new(),
            autoscaling: Vec::new(),
            dns: Vec::new(),
            replicas: Vec::new(),
            procurement_time: default_procurement_time(),
            budget: None,
        }
    }
}
/// Storage and disaster recovery: data volumes with IOPS limits, where backups are kept, the
/// backups that exist when the scenario starts, and the schedules that take more.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Storage {
    #[serde(default)]
    pub volumes: Vec<Volume>,
    #[serde(default)]
    pub locations: Vec<BackupLocation>,
    #[serde(default)]
    pub backups: Vec<BackupSpec>,
    #[serde(default)]
    pub schedules: Vec<BackupSchedule>,
}

/// The data volume of a host: its size and use are the host's `disk_gb` and `disk_used_gb`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Volume {
    pub host: String,
    /// Provisioned I/O operations per second; beyond it I/O queues and the service slows.
    pub iops: f64,
    /// Volume I/Os each request served on the host issues (after caches), on average.
    #[serde(default = "one")]
    pub io_per_request: f64,
    /// Growth of the data while the service on the host takes writes, GB per hour.
    #[serde(default)]
    pub fill_gb_per_hour: f64,
}

/// Where a backup is kept, which sets how fast it can be read back.
#[derive(
    Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, schemars::JsonSchema,
)]
pub enum LocationKind {
    /// Snapshots or a backup server in the same site as the data.
    SameSite,
    /// Object storage or a backup server in another region.
    OtherRegion,
    /// Tape or immutable storage held by a third party, away from every site.
    Offsite,
}

impl LocationKind {
    pub const fn label(self) -> &'static str {
        match self {
            LocationKind::SameSite => "same site",
            LocationKind::OtherRegion => "other region",
            LocationKind::Offsite => "offsite",
        }
    }
}

fn default_procurement_time() -> Dur {
    // Rack servers from the big vendors ship in 4-12 weeks; six is a common planning figure.
    Dur(42 * 86_400_000)
}

/// A size of cloud instance with its on-demand price.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InstanceType {
    pub name: String,
    pub vcpu: u32,
    pub memory_gb: f64,
    /// On-demand price, dollars an hour.
    pub hourly_price: f64,
    /// From the launch request to the OS being up (the service then takes its `start_time`).
    #[serde(default = "default_launch_time")]
    pub launch_time: Dur,
}

fn default_launch_time() -> Dur {
    // EC2 instances typically leave `pending` in 30-60 s and finish booting within 1-2 min.
    Dur::from_secs(90)
}

/// An autoscaling group: keeps a service between `min` and `max` instances, launching and
/// terminating by itself to hold average CPU near `target_cpu`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AutoscalingGroup {
    pub name: String,
    /// The service whose instances the group owns; its hosts are the group's first instances.
    pub service: String,
    /// What new instances are launched as.
    pub instance_type: String,
    /// Zones new instances are spread over (the fewest-instances zone first).
    pub zones: Vec<String>,
    pub min: u32,
    pub max: u32,
    /// Average CPU utilisation, percent, the policy holds the group at.
    pub target_cpu: f64,
    /// Least time between two scaling activities.
    #[serde(default = "default_cooldown")]
    pub cooldown: Dur,
    /// How long a new instance's CPU is left out of the average, while it warms up.
    #[serde(default = "default_warmup")]
    pub warmup: Dur,
}

fn default_cooldown() -> Dur {
    // EC2 Auto Scaling's default cooldown.
    Dur::from_secs(300)
}

fn default_warmup() -> Dur {
    // EC2 Auto Scaling's default instance warm-up.
    Dur::from_secs(300)
}

/// A DNS record pointing a name at a service (its load balancer, usually).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DnsRecord {
    pub name: String,
    pub target: String,
    /// How long resolvers may cache an answer.
    pub ttl: Dur,
}

/// A database replica host that starts empty: `replicate <host>` copies the primary's data
/// (`disk_used_gb` of it) at `copy_gb_per_hour`, then it replays the writes made meanwhile,
/// `replay_speedup` times as fast as they arrive, until it has caught up.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplicaCopy {
    pub host: String,
    pub copy_gb_per_hour: f64,
    #[serde(default = "default_replay_speedup")]
    pub replay_speedup: f64,
}

fn default_replay_speedup() -> f64 {
    // A replica applies WAL several times faster than a busy primary generates it.
    4.0
}
/// A place backups are written to and restored from.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BackupLocation {
    pub id: String,
    pub kind: LocationKind,
    /// The topology site it lives in, if any: losing that site loses these backups.
    #[serde(default)]
    pub site: Option<String>,
    /// Read (restore, verify) and write (backup) throughput, MB/s; defaults by kind.
    #[serde(default)]
    pub mb_per_s: Option<f64>,
    /// Time before the first byte can be read (a tape recall, an archive-tier retrieval);
    /// defaults by kind.
    #[serde(default)]
    pub lead_time: Option<Dur>,
}

/// A backup that exists when the scenario starts.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BackupSpec {
    /// How commands name it, e.g. "7f3a9c21".
    pub id: String,
    /// The database service it is a backup of.
    pub target: String,
    pub location: String,
    /// How long before the scenario starts it was taken: its point in time.
    pub age: Dur,
    pub size_gb: f64,
    /// Unreadable (a torn upload, a bad block): verifying reveals it, and restoring it fails.
    #[serde(default)]
    pub corrupt: bool,
    /// Already verified as restorable (only for backups that are not corrupt).
    #[serde(default)]
    pub verified: bool,
}

/// A backup job that runs every `every`, the next time at `next` after the start.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BackupSchedule {
    pub target: String,
    pub every: Dur,
    pub location: String,
    /// When it next runs, from the start; defaults to `every`.
    #[serde(default)]
    pub next: Option<Dur>,
}
/// Capacity planning: what can be bought or rented, for which services, and with what money.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
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
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
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
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
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
