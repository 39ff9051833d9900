//! Design scenarios: the candidate builds the estate, and after `submit` the engine runs it
//! through the scenario's traffic and a weighted suite of faults (the trial). These types say
//! what the design must meet and what it is tried against.

use serde::{Deserialize, Serialize};

use crate::Dur;

/// A design scenario's requirements and the trial its design faces after `submit`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Design {
    pub requirements: Requirements,
    pub trial: TrialPlan,
}

/// What the design must meet: shown to the candidate in `requirements`, and measured by the trial.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Requirements {
    /// Requests per second the design must carry at the trial's peak.
    pub peak_rps: f64,
    /// Recovery point objective: the most data, as time of writes, a fault may lose.
    pub rpo: Dur,
    /// Recovery time objective: the longest a fault may keep the service outside its SLO.
    pub rto: Dur,
    /// What the estate may cost a month, in dollars (a 730-hour month).
    pub monthly_budget: f64,
    #[serde(default)]
    pub constraints: Vec<Constraint>,
}

/// A rule the design must keep whatever it costs.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub enum Constraint {
    /// Every host of `service` stays in one of `zones`: data residency, or a database that must
    /// stay on the site that already holds it.
    Placement {
        service: String,
        zones: Vec<String>,
        /// Why, as the brief puts it: "customer data stays in the EU".
        why: String,
    },
}

/// How the trial runs: each fault in its own run from the same built state, `runs` times with
/// different seeds (which host fails, when, the traffic's noise), plus fault-free runs at peak.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrialPlan {
    /// Time after the design is built for hosts to provision and start before anything fails.
    #[serde(default = "default_warmup")]
    pub warmup: Dur,
    /// How long each run goes on after its fault strikes: the time a design has to absorb it.
    pub window: Dur,
    /// Seeded runs of each fault (Monte Carlo).
    #[serde(default = "default_runs")]
    pub runs: u32,
    pub faults: Vec<TrialFault>,
}

fn default_warmup() -> Dur {
    Dur(20 * 60_000)
}

fn default_runs() -> u32 {
    8
}

/// Most seeded runs of each trial fault.
pub const MAX_TRIAL_RUNS: u32 = 64;

/// One fault of the trial, weighted by how much surviving it matters.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrialFault {
    /// What the report calls it: "zone eu-west-1b lost".
    pub name: String,
    #[serde(default = "one")]
    pub weight: f64,
    pub kind: TrialFaultKind,
}

fn one() -> f64 {
    1.0
}

/// What the trial does to the design. Faults name services and zones, not hosts: the hosts are
/// the candidate's, and the seed picks among them where there is a choice.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub enum TrialFaultKind {
    /// One host of `service` fails: a database's primary, otherwise a host the seed picks.
    HostLoss { service: String },
    /// Every host in the zone fails at once.
    ZoneLoss { zone: String },
    /// The link between two zones or nodes is cut.
    LinkCut { from: String, to: String },
    /// The data volume of one host of `service` fails (a database's primary).
    DiskFailure { service: String },
    /// A whole site or region is lost, with the backups kept there.
    RegionOutage { site: String },
    /// Demand rises to `multiplier` times its curve for `lasting`.
    Surge { multiplier: f64, lasting: Dur },
    /// A hypervisor fails with every VM on it: the one running the most VMs, or the one the
    /// seed picks among those running as many.
    HypervisorLoss,
}

impl TrialFaultKind {
    pub const fn label(&self) -> &'static str {
        match self {
            TrialFaultKind::HostLoss { .. } => "host loss",
            TrialFaultKind::ZoneLoss { .. } => "zone loss",
            TrialFaultKind::LinkCut { .. } => "link cut",
            TrialFaultKind::DiskFailure { .. } => "disk failure",
            TrialFaultKind::RegionOutage { .. } => "region outage",
            TrialFaultKind::Surge { .. } => "traffic surge",
            TrialFaultKind::HypervisorLoss => "hypervisor loss",
        }
    }
}

/// A desired state for `plan` and `apply`: how many instances of each service to run in each
/// zone, which databases fail over by themselves, and any other commands the design needs
/// (backup schedules, alert rules, firewall rules), in the spirit of infrastructure as code.
///
/// ```ron
/// Estate(
///     instances: {"web": {"eu-west-1a": 2, "eu-west-1b": 2}, "db": {"eu-west-1a": 1, "eu-west-1b": 1}},
///     auto_failover: ["db"],
///     commands: ["backup schedule db-1 every 1h to offsite"],
/// )
/// ```
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Estate {
    /// Service -> zone -> instances. A service left out keeps what it has; a zone left out of a
    /// listed service is scaled to none there.
    #[serde(default)]
    pub instances: std::collections::BTreeMap<String, std::collections::BTreeMap<String, u32>>,
    /// Databases that promote a replica by themselves; those left out have it off.
    #[serde(default)]
    pub auto_failover: Vec<String>,
    /// Other commands, run in order on every `apply`.
    #[serde(default)]
    pub commands: Vec<String>,
}

/// Most instances an estate file may ask for in one zone.
pub const MAX_ZONE_INSTANCES: u32 = 1_000;

/// Parses an estate file, with positioned errors.
pub fn load_estate(file: &str, source: &str) -> Result<Estate, crate::LoadError> {
    if source.len() > crate::MAX_FILE_BYTES {
        return Err(crate::LoadError::single(
            file,
            format!(
                "file is {} bytes, over the {} byte limit",
                source.len(),
                crate::MAX_FILE_BYTES
            ),
        ));
    }
    let estate: Estate = crate::load::parse_ron(file, source)?;
    let mut diagnostics = Vec::new();
    for (service, zones) in &estate.instances {
        for (zone, n) in zones {
            if *n > MAX_ZONE_INSTANCES {
                diagnostics.push(crate::Diagnostic::at(
                    format!("instances.{service}.{zone}"),
                    format!("{n} instances in one zone, over the limit of {MAX_ZONE_INSTANCES}"),
                ));
            }
        }
    }
    for (i, c) in estate.commands.iter().enumerate() {
        if c.trim().is_empty() || c.contains('\n') {
            diagnostics.push(crate::Diagnostic::at(
                format!("commands[{i}]"),
                "a command is one non-empty line",
            ));
        }
    }
    if diagnostics.is_empty() {
        return Ok(estate);
    }
    crate::locate_all(source, &mut diagnostics);
    Err(crate::LoadError {
        file: file.to_owned(),
        source: source.to_owned(),
        diagnostics,
    })
}
