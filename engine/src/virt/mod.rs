//! Virtualisation: hypervisors and the VMs placed on them — CPU and memory overcommit, noisy
//! neighbours, live migration, maintenance mode and HA restarts.
//!
//! A VM is an ordinary host whose `hypervisor` is set. Each tick `run_hypervisors` shares every
//! hypervisor's physical cores among its VMs' demand and checks its memory; the result is a
//! per-VM `stretch` of CPU time (CPU steal, memory reclamation, shared storage) that the
//! queueing model in `route_traffic` applies to the VM's requests.

use bevy_ecs::prelude::{Entity, Resource, World};
use scenarios::{Dur, Scenario, ServiceKind};

use crate::SimError;

use crate::components::{
    HostSpec, HostState, Instance, Load, Power, Proc, ServiceSpec, ServiceState,
};
use crate::effects::{host_name, now, service_name};
use crate::record::Severity;
use crate::resources::{Log, Names, Op, Ops};
use crate::systems::processes::OS_RESERVED_MB;
use crate::views::{HypervisorRow, HypervisorView, VmRow};

mod actions;
mod faults;
mod math;
mod place;
mod tick;
mod views;

pub use actions::*;
pub use faults::*;
pub use math::*;
pub(crate) use place::*;
pub use tick::*;
pub use views::*;

/// QEMU's default `downtime-limit` (300 ms): pre-copy stops iterating once what is left can be
/// sent in this long, then pauses the VM and sends it (the "stun").
pub const MAX_DOWNTIME_MS: f64 = 300.0;
/// Xen's pre-copy gave up iterating after 30 rounds (Clark et al., NSDI 2005, §5): a VM that
/// dirties memory faster than the link carries it never converges and is stopped and copied.
pub const MAX_ROUNDS: u32 = 30;
/// Time from a hypervisor failing to HA starting its VMs elsewhere: vSphere HA declares a host
/// dead after about 15 s without network and datastore heartbeats, then places and powers on.
pub const HA_RESTART_DELAY: Dur = Dur(30_000);
/// Free physical memory below which the hypervisor starts reclaiming from its VMs: ESXi's
/// "high" memory state ends at about 6% free, when ballooning begins (VMware, "Understanding
/// Memory Resource Management in VMware vSphere 5.0", §3.7).
pub const RECLAIM_FREE: f64 = 0.06;
/// How far active memory may exceed physical memory, swapped to the hypervisor's swap files,
/// before it runs out and kills the largest VM (KVM's OOM killer ends the biggest qemu process).
pub const HV_SWAP_FRACTION: f64 = 0.10;
/// Utilisation at which the shared storage is treated as saturated.
const IO_SATURATED: f64 = 0.95;

/// The state of a hypervisor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HvState {
    Up,
    Down,
    /// Evacuating its VMs before entering maintenance mode.
    Entering,
    Maintenance,
}

impl HvState {
    pub fn label(self) -> &'static str {
        match self {
            HvState::Up => "up",
            HvState::Down => "down",
            HvState::Entering => "entering maintenance",
            HvState::Maintenance => "maintenance",
        }
    }
}

/// One hypervisor, its fixed capacity and what the last tick measured on it.
#[derive(Clone, Debug)]
pub struct Hv {
    pub name: String,
    pub zone: usize,
    pub cores: f64,
    pub memory_gb: f64,
    pub cpu_overcommit: f64,
    pub memory_overcommit: f64,
    pub migration_gbps: f64,
    pub ha: bool,
    pub storage_mb_per_s: f64,
    pub state: HvState,
    /// CPU its VMs want, in cores.
    pub demand: f64,
    /// Share of a wanted core each running vCPU gets (1 = no contention).
    pub share: f64,
    /// Memory its running VMs use, MB.
    pub active_mb: f64,
    /// Service-time factor from memory reclamation (1 = none).
    pub mem_factor: f64,
    /// Utilisation of its shared storage by noisy IO, 0–1.
    pub io_util: f64,
}

/// A live migration under way (or queued behind another from the same source).
#[derive(Clone, Debug, PartialEq)]
pub struct Migration {
    pub vm: Entity,
    pub from: usize,
    pub to: usize,
    pub start: Dur,
    pub due: Dur,
    pub stun_ms: f64,
}

/// A process on a VM that competes for its hypervisor's storage (a noisy neighbour).
#[derive(Clone, Debug, PartialEq)]
pub struct NoisyIo {
    pub host: Entity,
    pub process: String,
    pub mb_per_s: f64,
    pub essential: bool,
}

/// Every hypervisor, where each VM runs, and the per-VM effects the traffic model reads.
#[derive(Resource, Debug, Default)]
pub struct Virt {
    pub hvs: Vec<Hv>,
    /// By host `order`: the hypervisor it runs on, or `None` for bare metal.
    pub placement: Vec<Option<usize>>,
    /// By host `order`: memory dirtied per second, MB (for live migration).
    pub dirty_mb_per_s: Vec<f64>,
    /// By host `order`: factor on CPU time per request (steal, reclamation, storage).
    pub stretch: Vec<f64>,
    /// By host `order`: CPU steal, 0–1.
    pub steal: Vec<f64>,
    /// By host `order`: how long the VM was paused (migration stun) this tick, ms.
    pub pause_ms: Vec<f64>,
    pub migrations: Vec<Migration>,
    /// Anti-affinity rules: (name, VMs).
    pub rules: Vec<(String, Vec<Entity>)>,
    pub noisy: Vec<NoisyIo>,
    /// HA restarts pending: (due, VM).
    pub ha_pending: Vec<(Dur, Entity)>,
}

impl Virt {
    pub fn build(scenario: &Scenario, zone_index: impl Fn(&str) -> usize) -> Virt {
        let topo = &scenario.topology;
        let hvs: Vec<Hv> = topo
            .hypervisors
            .iter()
            .map(|h| Hv {
                name: h.id.clone(),
                zone: zone_index(&h.zone),
                cores: h.cores as f64,
                memory_gb: h.memory_gb,
                cpu_overcommit: h.cpu_overcommit,
                memory_overcommit: h.memory_overcommit,
                migration_gbps: h.migration_gbps,
                ha: h.ha,
                storage_mb_per_s: h.storage_mb_per_s,
                state: HvState::Up,
                demand: 0.0,
                share: 1.0,
                active_mb: 0.0,
                mem_factor: 1.0,
                io_util: 0.0,
            })
            .collect();
        let placement = topo
            .hosts
            .iter()
            .map(|h| {
                h.hypervisor
                    .as_ref()
                    .and_then(|n| hvs.iter().position(|x| x.name == *n))
            })
            .collect();
        let n = topo.hosts.len();
        Virt {
            hvs,
            placement,
            dirty_mb_per_s: topo.hosts.iter().map(|h| h.dirty_mb_per_s).collect(),
            stretch: vec![1.0; n],
            steal: vec![0.0; n],
            pause_ms: vec![0.0; n],
            ..Virt::default()
        }
    }

    /// Factor on the CPU time of each request served by the host with this `order`.
    pub fn stretch(&self, order: usize) -> f64 {
        self.stretch.get(order).copied().unwrap_or(1.0)
    }

    /// How long the host was paused this tick (a migration's stun), ms.
    pub fn pause_ms(&self, order: usize) -> f64 {
        self.pause_ms.get(order).copied().unwrap_or(0.0)
    }

    pub fn hv_of(&self, order: usize) -> Option<usize> {
        self.placement.get(order).copied().flatten()
    }

    pub fn index(&self, name: &str) -> Option<usize> {
        self.hvs.iter().position(|h| h.name == name)
    }

    pub fn names(&self) -> Vec<String> {
        self.hvs.iter().map(|h| h.name.clone()).collect()
    }

    fn migrating(&self, vm: Entity) -> Option<&Migration> {
        self.migrations.iter().find(|m| m.vm == vm)
    }
}
