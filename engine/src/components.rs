//! Components: the plain data attached to host and service entities.

use bevy_ecs::prelude::{Component, Entity};
use scenarios::{Dur, HealthCheck, Scaling, ServiceKind};

/// What a host is: fixed at creation. `order` is its stable position for deterministic iteration.
#[derive(Component, Clone, Debug)]
pub struct HostSpec {
    pub name: String,
    pub order: usize,
    pub zone: usize,
    pub cores: f64,
    pub memory_mb: f64,
    pub boot_time: Dur,
    pub hourly_cost: f64,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Power {
    Up,
    Down,
    /// Booting (or being provisioned); up at `until`.
    Booting {
        until: Dur,
    },
    /// Removed by scaling in; kept only so history can still be shown.
    Decommissioned,
}

/// A process outside the service that the candidate may find and kill.
#[derive(Clone, Debug, PartialEq)]
pub struct Rogue {
    pub name: String,
    /// Disk it writes, GB per hour.
    pub gb_per_hour: f64,
    /// CPU it burns, in cores.
    pub cores: f64,
}

/// What a host is doing now.
#[derive(Component, Clone, Debug)]
pub struct HostState {
    pub power: Power,
    pub disk_gb: f64,
    pub disk_used_gb: f64,
    pub rogues: Vec<Rogue>,
}

impl HostState {
    pub fn disk_full(&self) -> bool {
        self.disk_used_gb >= self.disk_gb
    }

    pub fn rogue_cores(&self) -> f64 {
        self.rogues.iter().map(|r| r.cores).sum()
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Proc {
    Running,
    /// Starting; serves from `until`.
    Starting {
        until: Dur,
    },
    /// Exited; the supervisor tries again at `retry`.
    Crashed {
        retry: Dur,
    },
    /// Stopped and staying stopped until someone starts it.
    Stopped,
}

/// The service process on a host (each host runs at most one).
#[derive(Component, Clone, Debug)]
pub struct Instance {
    pub service: Entity,
    pub proc: Proc,
    pub memory_mb: f64,
    /// Index into the service's versions.
    pub version: usize,
    /// Taken out of its load balancer's pool by an operator.
    pub drained: bool,
    /// In its load balancer's pool, as health checks last decided.
    pub in_pool: bool,
    pub failed_checks: u32,
    pub passed_checks: u32,
    pub restarts: u32,
}

/// The load an instance carried in the last tick and what its users saw.
#[derive(Component, Clone, Copy, Debug, Default)]
pub struct Load {
    /// Requests per second arriving.
    pub lambda: f64,
    /// Share of arrivals that failed.
    pub fail: f64,
    pub mean_ms: f64,
    pub p99_ms: f64,
    /// CPU busy, 0–1 of the host's cores.
    pub cpu: f64,
    pub conns: f64,
}

/// A software version of a service and what it does wrong, if anything.
#[derive(Clone, Debug, PartialEq)]
pub struct Version {
    pub name: String,
    pub error_rate: f64,
    pub cpu_factor: f64,
    pub leak_mb_per_min: f64,
}

/// What a service is: fixed at creation.
#[derive(Component, Clone, Debug)]
pub struct ServiceSpec {
    pub name: String,
    pub order: usize,
    pub kind: ServiceKind,
    pub ms_per_request: f64,
    pub workers: Option<u32>,
    pub memory_mb: f64,
    pub max_connections: u32,
    pub start_time: Dur,
    /// (callee, calls per request)
    pub calls: Vec<(Entity, f64)>,
    pub health_check: Option<HealthCheck>,
    pub replica_lag: Option<Dur>,
    pub scaling: Option<Scaling>,
    /// Name of the main process, as `kill` and `describe` show it.
    pub process: String,
}

/// What a service is doing now.
#[derive(Component, Clone, Debug)]
pub struct ServiceState {
    /// Hosts running an instance, in the order they joined.
    pub members: Vec<Entity>,
    /// For databases: the host taking writes.
    pub primary: Option<Entity>,
    pub versions: Vec<Version>,
    pub current: usize,
    /// The load balancer whose pool this service sits in, if any.
    pub balanced_by: Option<Entity>,
    /// For databases: since when the replica has been unable to receive the primary's writes
    /// (partitioned or down while the primary takes writes). Failover then loses all of it.
    pub replica_behind_since: Option<Dur>,
}

/// The service as its callers saw it in the last tick.
#[derive(Component, Clone, Copy, Debug)]
pub struct ServiceLoad {
    pub lambda: f64,
    /// Share of requests that succeeded.
    pub ok: f64,
    pub mean_ms: f64,
    pub p99_ms: f64,
}

impl Default for ServiceLoad {
    fn default() -> Self {
        ServiceLoad {
            lambda: 0.0,
            ok: 1.0,
            mean_ms: 0.0,
            p99_ms: 0.0,
        }
    }
}
