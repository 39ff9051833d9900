//! Plain-data answers to the cloud's observation queries: cost, autoscaling groups, DNS, a
//! replica's sync state.

use serde::Serialize;

use scenarios::Dur;

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CostView {
    /// Time the spend covers.
    pub elapsed: Dur,
    /// Dollars spent so far.
    pub spent: f64,
    /// Dollars an hour at the current rate.
    pub per_hour: f64,
    /// Dollars a month (730 h) at the current rate.
    pub per_month: f64,
    pub budget: Option<f64>,
    pub services: Vec<CostRow>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CostRow {
    pub service: String,
    /// Hosts billed now.
    pub hosts: usize,
    pub per_hour: f64,
    pub per_month: f64,
    pub spent: f64,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct GroupRow {
    pub name: String,
    pub service: String,
    pub instance_type: String,
    /// Instances launched and not terminated.
    pub instances: usize,
    /// Of those, serving traffic.
    pub in_service: usize,
    pub min: u32,
    pub max: u32,
    pub desired: u32,
    pub target_cpu_pct: f64,
    /// Average CPU of warmed-up instances at the last evaluation, percent.
    pub last_cpu_pct: Option<f64>,
    pub cooldown: Dur,
    pub warmup: Dur,
    pub last_activity: Option<Dur>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct DnsRow {
    pub name: String,
    pub target: String,
    pub ttl: Dur,
    /// Clients sent to each target now, percent, the current target first.
    pub split: Vec<(String, f64)>,
    /// When the last change will have reached every client, if it has not yet.
    pub settled_at: Option<Dur>,
    /// Whether `traffic.entry` is this record.
    pub entry: bool,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct VerifyView {
    pub host: String,
    pub service: String,
    pub primary: Option<String>,
    /// "empty", "copying", "catching up", "in sync" or "primary".
    pub state: String,
    /// While copying: GB copied and GB to copy.
    pub copy: Option<(f64, f64)>,
    /// Writes acknowledged by the primary that the replica lacks: what promoting it now would
    /// lose. None while it has no usable copy at all.
    pub missing_writes: Option<f64>,
    /// Time until caught up at the current rates, if it is still catching up.
    pub eta: Option<Dur>,
}
