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

/// Live migration by iterative pre-copy.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MigrationPlan {
    /// Memory ÷ bandwidth: one full copy, seconds.
    pub copy_secs: f64,
    /// The dirty-page factor: total time over one full copy.
    pub factor: f64,
    /// Pre-copy rounds after the first full copy.
    pub rounds: u32,
    /// The final stop-and-copy, ms: the VM is paused this long.
    pub stun_ms: f64,
    /// Whole migration, seconds (the stun included).
    pub total_secs: f64,
}

/// Pre-copy live migration (Clark et al., "Live Migration of Virtual Machines", NSDI 2005;
/// VMware vMotion works the same way). The first round copies all `memory_gb` at `gbps`; each
/// later round copies what the guest dirtied during the previous one, `r = dirty rate ÷
/// bandwidth` of it, until the rest fits in [`MAX_DOWNTIME_MS`]; the VM is then stunned while the
/// rest is sent. Total time = memory ÷ bandwidth × (1 + r + r² + … + rⁿ), the geometric sum
/// being the dirty-page factor; the stun is memory ÷ bandwidth × rⁿ.
pub fn plan_migration(memory_gb: f64, gbps: f64, dirty_mb_per_s: f64) -> MigrationPlan {
    let copy_secs = memory_gb * 8.0 / gbps;
    let r = (dirty_mb_per_s * 8.0 / 1_000.0) / gbps;
    let mut factor = 1.0;
    let mut left = 1.0; // share of memory the next round must copy
    let mut rounds = 0;
    while copy_secs * left * 1_000.0 > MAX_DOWNTIME_MS && rounds < MAX_ROUNDS {
        left = (left * r).min(1.0);
        factor += left;
        rounds += 1;
    }
    MigrationPlan {
        copy_secs,
        factor,
        rounds,
        stun_ms: copy_secs * left * 1_000.0,
        total_secs: copy_secs * factor,
    }
}

/// Share of a wanted core each running vCPU gets when VMs want `demand` cores of `cores`: a
/// fair scheduler gives every runnable vCPU an equal slice, so under contention each gets
/// `cores ÷ demand` and waits (steal, or "CPU ready" in vSphere) the rest of the time.
pub fn cpu_share(cores: f64, demand: f64) -> f64 {
    if demand <= cores || demand <= 0.0 {
        1.0
    } else {
        cores / demand
    }
}

/// Service-time factor from memory pressure: none while more than [`RECLAIM_FREE`] of physical
/// memory is free; ballooning (guests page out) up to 2x as free memory reaches zero; then
/// hypervisor swapping, steeply worse, up to 10x.
pub fn memory_factor(active_mb: f64, physical_mb: f64) -> f64 {
    let used = active_mb / physical_mb;
    let free = 1.0 - used;
    if free >= RECLAIM_FREE {
        1.0
    } else if used <= 1.0 {
        1.0 + (RECLAIM_FREE - free) / RECLAIM_FREE
    } else {
        (2.0 + 30.0 * (used - 1.0)).min(10.0)
    }
}

/// Memory and vCPUs placed on hypervisor `hv` by running VMs and migrations into it, GB and vCPUs.
fn committed(world: &World, hv: usize) -> (f64, f64) {
    let virt = world.resource::<Virt>();
    let names = world.resource::<Names>();
    let (mut mem, mut cpu) = (0.0, 0.0);
    for &h in &names.hosts {
        let Some(spec) = world.get::<HostSpec>(h) else {
            continue;
        };
        let here = virt.hv_of(spec.order) == Some(hv)
            || virt.migrations.iter().any(|m| m.vm == h && m.to == hv);
        if here && powered_on(world, h) {
            mem += spec.memory_mb / 1_024.0;
            cpu += spec.cores;
        }
    }
    (mem, cpu)
}

/// Whether a VM is registered on its hypervisor (running or not): what anti-affinity rules
/// are about, since a powered-off VM starts where it is registered.
fn registered(world: &World, h: Entity) -> bool {
    world
        .get::<HostState>(h)
        .is_some_and(|s| s.power != Power::Decommissioned)
}

fn powered_on(world: &World, h: Entity) -> bool {
    world
        .get::<HostState>(h)
        .is_some_and(|s| matches!(s.power, Power::Up | Power::Booting { .. }))
}

/// Free memory and vCPUs on `hv` after its overcommit ratios, GB and vCPUs.
fn room(world: &World, hv: usize) -> (f64, f64) {
    let (mem, cpu) = committed(world, hv);
    let h = &world.resource::<Virt>().hvs[hv];
    (
        h.memory_gb * h.memory_overcommit - mem,
        h.cores * h.cpu_overcommit - cpu,
    )
}

/// VMs that share a rule with `vm` and are registered (or will be, by `extra`) on `hv`: the rules broken
/// by placing `vm` there, as "rule (with vm)".
fn rule_clashes(world: &World, vm: Entity, hv: usize, extra: &[(Entity, usize)]) -> Vec<String> {
    let virt = world.resource::<Virt>();
    let mut out = Vec::new();
    for (name, members) in &virt.rules {
        if !members.contains(&vm) {
            continue;
        }
        for &other in members {
            if other == vm {
                continue;
            }
            let placed = extra
                .iter()
                .rev()
                .find(|(e, _)| *e == other)
                .map(|(_, to)| *to)
                .or_else(|| {
                    virt.migrating(other).map(|m| m.to).or_else(|| {
                        world
                            .get::<HostSpec>(other)
                            .and_then(|s| virt.hv_of(s.order))
                    })
                });
            if placed == Some(hv) && registered(world, other) {
                out.push(format!("{name} (with {})", host_name(world, other)));
            }
        }
    }
    out
}

/// Anti-affinity rules broken now: VMs of one rule registered on one hypervisor.
pub fn broken_rules(world: &World) -> Vec<String> {
    let virt = world.resource::<Virt>();
    let mut out = Vec::new();
    for (name, members) in &virt.rules {
        let mut by_hv: Vec<(usize, Vec<String>)> = Vec::new();
        for &m in members {
            if !registered(world, m) {
                continue;
            }
            let Some(hv) = world.get::<HostSpec>(m).and_then(|s| virt.hv_of(s.order)) else {
                continue;
            };
            match by_hv.iter_mut().find(|(h, _)| *h == hv) {
                Some((_, v)) => v.push(host_name(world, m)),
                None => by_hv.push((hv, vec![host_name(world, m)])),
            }
        }
        for (hv, vms) in by_hv {
            if vms.len() > 1 {
                out.push(format!(
                    "rule {name}: {} share {}",
                    vms.join(" and "),
                    virt.hvs[hv].name
                ));
            }
        }
    }
    out
}

fn vm_of(world: &World, name: &str) -> Result<(Entity, usize), SimError> {
    let h = crate::effects::host(world, name).ok_or_else(|| {
        let names = world.resource::<Names>();
        let hint = scenarios::suggest(name, names.by_name.keys().map(String::as_str))
            .unwrap_or_else(|| "`hv show <hypervisor>` lists its VMs".into());
        SimError::new(format!("no host is called `{name}`; {hint}"))
    })?;
    let order = world.get::<HostSpec>(h).map_or(0, |s| s.order);
    match world.resource::<Virt>().hv_of(order) {
        Some(hv) => Ok((h, hv)),
        None => Err(SimError::new(format!(
            "{name} is not a VM (it runs on bare metal), so it cannot be migrated"
        ))),
    }
}

pub fn hv_index(world: &World, name: &str) -> Result<usize, SimError> {
    let virt = world.resource::<Virt>();
    virt.index(name).ok_or_else(|| {
        if virt.hvs.is_empty() {
            return SimError::new("this estate has no hypervisors");
        }
        let hint = scenarios::suggest(name, virt.hvs.iter().map(|h| h.name.as_str()))
            .unwrap_or_else(|| format!("hypervisors: {}", virt.names().join(", ")));
        SimError::new(format!("no hypervisor is called `{name}`; {hint}"))
    })
}

fn gb(x: f64) -> String {
    if (x - x.round()).abs() < 0.05 {
        format!("{:.0}", x)
    } else {
        format!("{x:.1}")
    }
}

/// A migration's duration rounded up to whole seconds, as vCenter reports progress.
fn secs_dur(secs: f64) -> Dur {
    Dur(secs.ceil() as u64 * 1_000)
}

/// When a migration out of `from` may start: migrations from one source run one at a time,
/// each with the whole migration network.
fn next_start(virt: &Virt, from: usize, at: Dur) -> Dur {
    virt.migrations
        .iter()
        .filter(|m| m.from == from)
        .map(|m| m.due)
        .max()
        .map_or(at, |d| d.max(at))
}

/// Queues a live migration of `vm` from `from` to `to`; returns its plan and due time.
fn start_migration(world: &mut World, vm: Entity, from: usize, to: usize) -> (MigrationPlan, Dur) {
    let at = now(world);
    let spec = world.get::<HostSpec>(vm).expect("host").clone();
    let mut virt = world.resource_mut::<Virt>();
    let gbps = virt.hvs[from]
        .migration_gbps
        .min(virt.hvs[to].migration_gbps);
    let dirty = virt.dirty_mb_per_s.get(spec.order).copied().unwrap_or(0.0);
    let plan = plan_migration(spec.memory_mb / 1_024.0, gbps, dirty);
    let start = next_start(&virt, from, at);
    let due = Dur(start.ms() + secs_dur(plan.total_secs).ms());
    virt.migrations.push(Migration {
        vm,
        from,
        to,
        start,
        due,
        stun_ms: plan.stun_ms,
    });
    (plan, due)
}

/// `migrate VM to HV`.
pub fn migrate(
    world: &mut World,
    vm_name: &str,
    hv_name: &str,
) -> Result<(String, Option<String>, Vec<String>), SimError> {
    let (vm, from) = vm_of(world, vm_name)?;
    let to = hv_index(world, hv_name)?;
    let (from_name, to_state) = {
        let virt = world.resource::<Virt>();
        if virt.migrating(vm).is_some() {
            return Err(SimError::new(format!("{vm_name} is already migrating")));
        }
        (virt.hvs[from].name.clone(), virt.hvs[to].state)
    };
    if from == to {
        return Err(SimError::new(format!(
            "{vm_name} already runs on {hv_name}"
        )));
    }
    if to_state != HvState::Up {
        return Err(SimError::new(format!(
            "{hv_name} is {}; VMs can only move to a hypervisor that is up and not in maintenance",
            to_state.label()
        )));
    }
    let spec = world.get::<HostSpec>(vm).expect("host").clone();
    let clashes = rule_clashes(world, vm, to, &[]);
    let harm = (!clashes.is_empty()).then(|| {
        format!(
            "placed {vm_name} on {hv_name}, breaking anti-affinity rule {}",
            clashes.join(", ")
        )
    });
    let mut targets = vec![vm_name.to_owned()];
    if let Some(i) = world.get::<Instance>(vm) {
        targets.push(service_name(world, i.service));
    }
    targets.push(from_name.clone());
    targets.push(hv_name.to_owned());
    let warn = if clashes.is_empty() {
        String::new()
    } else {
        format!(
            "; warning: this breaks anti-affinity rule {}",
            clashes.join(", ")
        )
    };
    if !powered_on(world, vm) {
        // Cold migration: a powered-off VM is registered on the target from shared storage.
        let zone = world.resource::<Virt>().hvs[to].zone;
        world.resource_mut::<Virt>().placement[spec.order] = Some(to);
        world.get_mut::<HostSpec>(vm).expect("host").zone = zone;
        let at = now(world);
        world.resource_mut::<Log>().push(
            at,
            vm_name,
            Severity::Info,
            format!("vcenter: {vm_name} registered on {hv_name} (cold migration from {from_name})"),
        );
        return Ok((
            format!(
                "{vm_name} is powered off: registered on {hv_name} (cold migration); `reboot {vm_name}` powers it on{warn}"
            ),
            harm,
            targets,
        ));
    }
    if world.resource::<Virt>().hvs[from].state == HvState::Down {
        return Err(SimError::new(format!(
            "{from_name} is down; {vm_name} is not running to be live-migrated"
        )));
    }
    let need_mem = spec.memory_mb / 1_024.0;
    let (free_mem, free_cpu) = room(world, to);
    if need_mem > free_mem + 1e-9 || spec.cores > free_cpu + 1e-9 {
        let h = &world.resource::<Virt>().hvs[to];
        return Err(SimError::new(format!(
            "{hv_name} lacks room for {vm_name}: it needs {} GB and {} vCPUs; {hv_name} has {} GB and {} vCPUs free (of {} GB at memory overcommit {}, {} vCPUs at CPU overcommit {})",
            gb(need_mem),
            gb(spec.cores),
            gb(free_mem.max(0.0)),
            gb(free_cpu.max(0.0)),
            gb(h.memory_gb * h.memory_overcommit),
            h.memory_overcommit,
            gb(h.cores * h.cpu_overcommit),
            h.cpu_overcommit
        )));
    }
    let (plan, due) = start_migration(world, vm, from, to);
    let at = now(world);
    let queued = {
        let virt = world.resource::<Virt>();
        virt.migrating(vm).is_some_and(|m| m.start > at)
    };
    let gbps = {
        let virt = world.resource::<Virt>();
        virt.hvs[from]
            .migration_gbps
            .min(virt.hvs[to].migration_gbps)
    };
    world.resource_mut::<Log>().push(
        at,
        vm_name,
        Severity::Info,
        format!("vmotion: migration of {vm_name} from {from_name} to {hv_name} started"),
    );
    Ok((
        format!(
            "live-migrating {vm_name} ({} GB) from {from_name} to {hv_name} over {} Gbps: about {} ({} s to copy its memory once, x{:.2} for pages dirtied meanwhile), ending with a {:.0} ms stun{}{warn}",
            gb(need_mem),
            gb(gbps),
            Dur(due.ms() - at.ms()),
            gb(plan.copy_secs),
            plan.factor,
            plan.stun_ms,
            if queued {
                format!("; queued behind the migrations already leaving {from_name}")
            } else {
                String::new()
            }
        ),
        harm,
        targets,
    ))
}

/// Where each powered-on VM on `hv` would go: largest first, to the hypervisor with the most
/// free memory that has room and breaks no anti-affinity rule. `Err` lists those that fit nowhere.
fn plan_evacuation(world: &World, hv: usize) -> Result<Vec<(Entity, usize)>, Vec<String>> {
    let virt = world.resource::<Virt>();
    let names = world.resource::<Names>();
    let mut vms: Vec<(Entity, f64, f64)> = names
        .hosts
        .iter()
        .copied()
        .filter(|&h| {
            world
                .get::<HostSpec>(h)
                .is_some_and(|s| virt.hv_of(s.order) == Some(hv))
                && powered_on(world, h)
                && virt.migrating(h).is_none()
        })
        .map(|h| {
            let s = world.get::<HostSpec>(h).expect("host");
            (h, s.memory_mb / 1_024.0, s.cores)
        })
        .collect();
    // Largest first (stable: ties keep declaration order), as first-fit decreasing packs best.
    vms.sort_by(|a, b| b.1.total_cmp(&a.1));
    let mut free: Vec<(f64, f64)> = (0..virt.hvs.len()).map(|i| room(world, i)).collect();
    let mut plan = Vec::new();
    let mut stuck = Vec::new();
    for (vm, mem, cpu) in vms {
        let best = (0..virt.hvs.len())
            .filter(|&t| t != hv && virt.hvs[t].state == HvState::Up)
            .filter(|&t| free[t].0 + 1e-9 >= mem && free[t].1 + 1e-9 >= cpu)
            .filter(|&t| rule_clashes(world, vm, t, &plan).is_empty())
            .max_by(|&a, &b| free[a].0.total_cmp(&free[b].0).then(b.cmp(&a)));
        match best {
            Some(t) => {
                free[t].0 -= mem;
                free[t].1 -= cpu;
                plan.push((vm, t));
            }
            None => stuck.push(format!(
                "{} ({} GB, {} vCPUs)",
                host_name(world, vm),
                gb(mem),
                gb(cpu)
            )),
        }
    }
    if stuck.is_empty() {
        Ok(plan)
    } else {
        Err(stuck)
    }
}

/// `maintenance HV on|off`.
pub fn maintenance(
    world: &mut World,
    hv_name: &str,
    on: bool,
) -> Result<(String, Option<String>, Vec<String>), SimError> {
    let hv = hv_index(world, hv_name)?;
    let state = world.resource::<Virt>().hvs[hv].state;
    let at = now(world);
    if !on {
        if !matches!(state, HvState::Maintenance | HvState::Entering) {
            return Err(SimError::new(format!(
                "{hv_name} is not in maintenance mode (it is {})",
                state.label()
            )));
        }
        world.resource_mut::<Virt>().hvs[hv].state = HvState::Up;
        world.resource_mut::<Log>().push(
            at,
            hv_name,
            Severity::Info,
            format!("vcenter: {hv_name} exited maintenance mode"),
        );
        return Ok((
            format!("{hv_name} is out of maintenance mode and can take VMs again"),
            None,
            vec![hv_name.to_owned()],
        ));
    }
    match state {
        HvState::Down => {
            return Err(SimError::new(format!(
                "{hv_name} is down; there is nothing to evacuate and no way to reach it"
            )));
        }
        HvState::Entering | HvState::Maintenance => {
            return Err(SimError::new(format!(
                "{hv_name} is already {}",
                state.label()
            )));
        }
        HvState::Up => {}
    }
    let plan = plan_evacuation(world, hv).map_err(|stuck| {
        let virt = world.resource::<Virt>();
        let free: Vec<String> = (0..virt.hvs.len())
            .filter(|&t| t != hv && virt.hvs[t].state == HvState::Up)
            .map(|t| {
                let (m, c) = room(world, t);
                format!("{} {} GB / {} vCPUs", virt.hvs[t].name, gb(m.max(0.0)), gb(c.max(0.0)))
            })
            .collect();
        SimError::new(format!(
            "cannot enter maintenance: no hypervisor has room (or a placement within the anti-affinity rules) for {}; free elsewhere: {}. Shut down or move VMs first",
            stuck.join(", "),
            if free.is_empty() { "none".into() } else { free.join(", ") }
        ))
    })?;
    // Powered-off VMs are re-registered elsewhere at once, on the hypervisor with the most memory free.
    let off: Vec<Entity> = {
        let virt = world.resource::<Virt>();
        world
            .resource::<Names>()
            .hosts
            .iter()
            .copied()
            .filter(|&h| {
                world
                    .get::<HostSpec>(h)
                    .is_some_and(|s| virt.hv_of(s.order) == Some(hv))
                    && !powered_on(world, h)
                    && world
                        .get::<HostState>(h)
                        .is_some_and(|s| s.power != Power::Decommissioned)
            })
            .collect()
    };
    let spare = (0..world.resource::<Virt>().hvs.len())
        .filter(|&t| t != hv && world.resource::<Virt>().hvs[t].state == HvState::Up)
        .max_by(|&a, &b| {
            room(world, a)
                .0
                .total_cmp(&room(world, b).0)
                .then(b.cmp(&a))
        });
    let mut moved_off = Vec::new();
    if let Some(t) = spare {
        let zone = world.resource::<Virt>().hvs[t].zone;
        for h in off {
            let order = world.get::<HostSpec>(h).expect("host").order;
            world.resource_mut::<Virt>().placement[order] = Some(t);
            world.get_mut::<HostSpec>(h).expect("host").zone = zone;
            moved_off.push(host_name(world, h));
        }
    }
    let mut lines = Vec::new();
    let mut targets = vec![hv_name.to_owned()];
    let mut last = at;
    for (vm, to) in plan {
        let (_, due) = start_migration(world, vm, hv, to);
        last = last.max(due);
        let (name, to_name) = (
            host_name(world, vm),
            world.resource::<Virt>().hvs[to].name.clone(),
        );
        lines.push(format!("{name} -> {to_name}"));
        targets.push(name);
    }
    world.resource_mut::<Virt>().hvs[hv].state = HvState::Entering;
    world.resource_mut::<Log>().push(
        at,
        hv_name,
        Severity::Info,
        format!(
            "vcenter: {hv_name} entering maintenance mode; evacuating {} VMs",
            lines.len()
        ),
    );
    let mut message = if lines.is_empty() {
        format!("{hv_name} has no running VMs; it enters maintenance mode at once")
    } else {
        format!(
            "{hv_name} entering maintenance mode: live-migrating {} VMs one at a time ({}); done in about {}",
            lines.len(),
            lines.join(", "),
            Dur(last.ms() - at.ms())
        )
    };
    if !moved_off.is_empty() {
        message.push_str(&format!(
            "; powered-off VMs re-registered elsewhere: {}",
            moved_off.join(", ")
        ));
    }
    Ok((message, None, targets))
}

/// Refuses to power on a VM whose hypervisor is down, in maintenance, or short of room.
pub fn check_power_on(world: &World, h: Entity) -> Result<(), SimError> {
    let Some(spec) = world.get::<HostSpec>(h) else {
        return Ok(());
    };
    let virt = world.resource::<Virt>();
    let Some(hv) = virt.hv_of(spec.order) else {
        return Ok(());
    };
    let hvs = &virt.hvs[hv];
    let name = &spec.name;
    if matches!(hvs.state, HvState::Down | HvState::Maintenance) {
        return Err(SimError::new(format!(
            "{name} is a VM on {}, which is {}; `migrate {name} to <hypervisor>` moves it to one that is up",
            hvs.name,
            hvs.state.label()
        )));
    }
    if !powered_on(world, h) {
        let (free_mem, free_cpu) = room(world, hv);
        let mem = spec.memory_mb / 1_024.0;
        if mem > free_mem + 1e-9 || spec.cores > free_cpu + 1e-9 {
            return Err(SimError::new(format!(
                "{} lacks room to power on {name}: it needs {} GB and {} vCPUs, {} GB and {} vCPUs are free; migrate it elsewhere first",
                hvs.name,
                gb(mem),
                gb(spec.cores),
                gb(free_mem.max(0.0)),
                gb(free_cpu.max(0.0))
            )));
        }
    }
    Ok(())
}

/// Whether killing `process` on `h` ends a job the scenario says must finish.
pub fn kill_harm(world: &World, h: Entity, process: &str) -> Option<String> {
    world
        .resource::<Virt>()
        .noisy
        .iter()
        .find(|n| n.host == h && n.process == process && n.essential)
        .map(|_| {
            format!(
                "killed {process} on {}, a job that had to finish (move it, do not kill it)",
                host_name(world, h)
            )
        })
}

/// The fault `HypervisorCrash`: every VM on it goes down; HA restarts them if configured.
pub fn crash(world: &mut World, hv_name: &str) -> String {
    let Some(hv) = world.resource::<Virt>().index(hv_name) else {
        return format!("hypervisor {hv_name} crashed");
    };
    let at = now(world);
    let was = world.resource::<Virt>().hvs[hv].state;
    world.resource_mut::<Virt>().hvs[hv].state = HvState::Down;
    // Migrations into or out of it fail; the VM stays where it was.
    let failed: Vec<Migration> = {
        let mut virt = world.resource_mut::<Virt>();
        let (failed, kept) = virt
            .migrations
            .drain(..)
            .partition(|m| m.from == hv || m.to == hv);
        virt.migrations = kept;
        failed
    };
    for m in failed {
        let name = host_name(world, m.vm);
        world.resource_mut::<Log>().push(
            at,
            &name,
            Severity::Error,
            format!("vmotion: migration of {name} failed: {hv_name} stopped responding"),
        );
    }
    let vms = vms_on(world, hv);
    let mut down = Vec::new();
    for &vm in &vms {
        if let Some(mut st) = world.get_mut::<HostState>(vm)
            && matches!(st.power, Power::Up | Power::Booting { .. })
        {
            st.power = Power::Down;
            down.push(vm);
        }
        if let Some(mut i) = world.get_mut::<Instance>(vm) {
            i.proc = Proc::Stopped;
        }
    }
    world.resource_mut::<Log>().push(
        at,
        hv_name,
        Severity::Error,
        format!(
            "vcenter: host {hv_name} is not responding; {} VMs disconnected",
            down.len()
        ),
    );
    if world.resource::<Virt>().hvs[hv].ha {
        let due = Dur(at.ms() + HA_RESTART_DELAY.ms());
        let mut virt = world.resource_mut::<Virt>();
        for &vm in &down {
            virt.ha_pending.push((due, vm));
        }
    }
    if was == HvState::Maintenance && down.is_empty() {
        return format!(
            "hypervisor {hv_name} crashed while in maintenance mode, with no VMs on it"
        );
    }
    let names: Vec<String> = down.iter().map(|&v| host_name(world, v)).collect();
    format!(
        "hypervisor {hv_name} crashed, taking down {}",
        if names.is_empty() {
            "no VMs".into()
        } else {
            names.join(", ")
        }
    )
}

/// The fault `NoisyNeighbour`: a process on a VM burns CPU (and storage bandwidth).
pub fn noisy_neighbour(
    world: &mut World,
    host: &str,
    cores: f64,
    process: &str,
    io_mb_per_s: f64,
    essential: bool,
) -> String {
    if let Some(h) = crate::effects::host(world, host) {
        if let Some(mut st) = world.get_mut::<HostState>(h) {
            st.rogues.push(crate::components::Rogue {
                name: process.to_owned(),
                gb_per_hour: 0.0,
                cores,
            });
        }
        world.resource_mut::<Virt>().noisy.push(NoisyIo {
            host: h,
            process: process.to_owned(),
            mb_per_s: io_mb_per_s,
            essential,
        });
    }
    if io_mb_per_s > 0.0 {
        format!(
            "{process} on {host} started burning {cores} cores and {io_mb_per_s} MB/s of storage"
        )
    } else {
        format!("{process} on {host} started burning {cores} cores")
    }
}

/// Every host (VM) placed on `hv`, in host order.
pub fn vms_on(world: &World, hv: usize) -> Vec<Entity> {
    let virt = world.resource::<Virt>();
    world
        .resource::<Names>()
        .hosts
        .iter()
        .copied()
        .filter(|&h| {
            world
                .get::<HostSpec>(h)
                .is_some_and(|s| virt.hv_of(s.order) == Some(hv))
                && world
                    .get::<HostState>(h)
                    .is_some_and(|s| s.power != Power::Decommissioned)
        })
        .collect()
}

/// What a fault on a hypervisor or VM strikes: the hypervisor, its VMs and their services.
pub fn struck_hv(world: &World, hv_name: &str) -> Vec<String> {
    let mut out = vec![hv_name.to_owned()];
    if let Some(hv) = world.resource::<Virt>().index(hv_name) {
        for vm in vms_on(world, hv) {
            out.push(host_name(world, vm));
            if let Some(i) = world.get::<Instance>(vm) {
                out.push(service_name(world, i.service));
            }
        }
    }
    out
}

/// The hypervisor a host runs on, by name.
pub fn hv_name_of(world: &World, host: &str) -> Option<String> {
    let h = crate::effects::host(world, host)?;
    let order = world.get::<HostSpec>(h)?.order;
    let virt = world.resource::<Virt>();
    virt.hv_of(order).map(|i| virt.hvs[i].name.clone())
}

/// CPU a VM wants, in cores: its service's offered work plus any runaway process, at most its vCPUs.
fn demand(world: &World, h: Entity) -> f64 {
    let Some(spec) = world.get::<HostSpec>(h) else {
        return 0.0;
    };
    let Some(st) = world.get::<HostState>(h) else {
        return 0.0;
    };
    if st.power != Power::Up {
        return 0.0;
    }
    let mut cores = st.rogue_cores();
    if let Some(i) = world.get::<Instance>(h)
        && i.proc == Proc::Running
        && let (Some(s), Some(ss)) = (
            world.get::<ServiceSpec>(i.service),
            world.get::<ServiceState>(i.service),
        )
    {
        let v = &ss.versions[i.version.min(ss.versions.len() - 1)];
        let lambda = world.get::<Load>(h).map_or(0.0, |l| l.lambda);
        cores += lambda * s.ms_per_request * v.cpu_factor / 1_000.0;
    }
    cores.min(spec.cores)
}

/// Memory a running VM uses, MB.
fn active_mb(world: &World, h: Entity) -> f64 {
    if world
        .get::<HostState>(h)
        .is_none_or(|s| s.power != Power::Up)
    {
        return 0.0;
    }
    world.get::<Instance>(h).map_or(0.0, |i| i.memory_mb) + OS_RESERVED_MB
}

/// The rows of `hv list`.
pub fn list(world: &World) -> Result<Vec<HypervisorRow>, SimError> {
    let virt = world.resource::<Virt>();
    if virt.hvs.is_empty() {
        return Err(SimError::new(
            "this estate has no hypervisors; every host is bare metal",
        ));
    }
    Ok((0..virt.hvs.len()).map(|i| hv_row(world, i)).collect())
}

fn hv_row(world: &World, i: usize) -> HypervisorRow {
    let virt = world.resource::<Virt>();
    let h = &virt.hvs[i];
    let vms = vms_on(world, i);
    let (mem, cpu) = committed(world, i);
    let net = world.resource::<crate::network::Network>();
    let up = h.state != HvState::Down;
    HypervisorRow {
        name: h.name.clone(),
        zone: net.zones[h.zone].clone(),
        state: h.state.label().to_owned(),
        vms_on: vms.iter().filter(|&&v| powered_on(world, v)).count(),
        vms: vms.len(),
        cores: h.cores,
        vcpus: cpu,
        vcpu_cap: h.cores * h.cpu_overcommit,
        cpu_demand_pct: if up { h.demand / h.cores * 100.0 } else { 0.0 },
        steal_pct: if up && h.demand > 0.0 {
            (1.0 - h.share) * 100.0
        } else {
            0.0
        },
        memory_gb: h.memory_gb,
        mem_committed_gb: mem,
        mem_cap_gb: h.memory_gb * h.memory_overcommit,
        mem_active_pct: if up {
            h.active_mb / (h.memory_gb * 1_024.0) * 100.0
        } else {
            0.0
        },
        ha: h.ha,
    }
}

/// The screen of `hv show HV`.
pub fn show(world: &World, name: &str) -> Result<HypervisorView, SimError> {
    let i = hv_index(world, name)?;
    let virt = world.resource::<Virt>();
    let h = &virt.hvs[i];
    let at = now(world);
    let vms = vms_on(world, i)
        .into_iter()
        .map(|v| {
            let spec = world.get::<HostSpec>(v).expect("host");
            let st = world.get::<HostState>(v).expect("host");
            let note = match virt.migrating(v) {
                Some(m) if m.start > at => format!("queued to migrate to {}", virt.hvs[m.to].name),
                Some(m) => format!(
                    "migrating to {}, {} left",
                    virt.hvs[m.to].name,
                    Dur(m.due.ms().saturating_sub(at.ms()))
                ),
                None => String::new(),
            };
            VmRow {
                name: spec.name.clone(),
                service: world
                    .get::<Instance>(v)
                    .map_or_else(|| "-".into(), |i| service_name(world, i.service)),
                power: match st.power {
                    Power::Up => "on",
                    Power::Booting { .. } => "booting",
                    Power::Down => "off",
                    Power::Decommissioned => "removed",
                }
                .into(),
                vcpus: spec.cores,
                memory_gb: spec.memory_mb / 1_024.0,
                cpu_demand: demand(world, v),
                steal_pct: virt.steal.get(spec.order).copied().unwrap_or(0.0) * 100.0,
                note,
            }
        })
        .collect();
    let incoming = virt
        .migrations
        .iter()
        .filter(|m| m.to == i)
        .map(|m| {
            format!(
                "{} arriving from {} in {}",
                host_name(world, m.vm),
                virt.hvs[m.from].name,
                Dur(m.due.ms().saturating_sub(at.ms()))
            )
        })
        .collect();
    let rules = virt
        .rules
        .iter()
        .filter(|(_, members)| {
            members.iter().any(|&m| {
                world
                    .get::<HostSpec>(m)
                    .is_some_and(|s| virt.hv_of(s.order) == Some(i))
            })
        })
        .map(|(rule, members)| {
            let names: Vec<String> = members.iter().map(|&m| host_name(world, m)).collect();
            format!("{rule}: keep {} apart", names.join(", "))
        })
        .collect();
    Ok(HypervisorView {
        row: hv_row(world, i),
        cpu_overcommit: h.cpu_overcommit,
        memory_overcommit: h.memory_overcommit,
        migration_gbps: h.migration_gbps,
        memory_factor: h.mem_factor,
        storage_pct: h.io_util * 100.0,
        vms,
        incoming,
        rules,
    })
}

/// `describe HOST`'s hypervisor line for a VM.
pub fn host_line(world: &World, h: Entity) -> Option<String> {
    let spec = world.get::<HostSpec>(h)?;
    let virt = world.resource::<Virt>();
    let hv = virt.hv_of(spec.order)?;
    let mut text = format!(
        "{} ({}), CPU steal {:.0}%",
        virt.hvs[hv].name,
        virt.hvs[hv].state.label(),
        virt.steal.get(spec.order).copied().unwrap_or(0.0) * 100.0
    );
    if let Some(m) = virt.migrating(h) {
        text.push_str(&format!(", migrating to {}", virt.hvs[m.to].name));
    }
    Some(text)
}

/// One tick of the hypervisors: finish migrations, keep VMs of dead hypervisors down, run HA,
/// share CPU, reclaim memory, and record each VM's steal.
pub fn tick(world: &mut World) {
    let at = now(world);
    let n = world.resource::<Names>().hosts.len();
    {
        let mut virt = world.resource_mut::<Virt>();
        if virt.hvs.is_empty() {
            return;
        }
        virt.pause_ms.iter_mut().for_each(|p| *p = 0.0);
        // Hosts added by scaling out are bare metal.
        virt.stretch.resize(n, 1.0);
        virt.steal.resize(n, 0.0);
        virt.pause_ms.resize(n, 0.0);
        virt.placement.resize(n, None);
    }
    finish_migrations(world, at);
    run_ha(world, at);
    keep_down(world);
    share(world);
    finish_maintenance(world, at);
}

fn finish_migrations(world: &mut World, at: Dur) {
    loop {
        let next = {
            let virt = world.resource::<Virt>();
            virt.migrations
                .iter()
                .enumerate()
                .filter(|(_, m)| m.due <= at)
                .min_by_key(|(_, m)| m.due)
                .map(|(i, _)| i)
        };
        let Some(i) = next else { break };
        let m = world.resource_mut::<Virt>().migrations.remove(i);
        let name = host_name(world, m.vm);
        let (from, to, zone) = {
            let virt = world.resource::<Virt>();
            (
                virt.hvs[m.from].name.clone(),
                virt.hvs[m.to].name.clone(),
                virt.hvs[m.to].zone,
            )
        };
        if !powered_on(world, m.vm) {
            world.resource_mut::<Log>().push(
                at,
                &name,
                Severity::Warn,
                format!("vmotion: migration of {name} to {to} canceled: the VM is powered off"),
            );
            continue;
        }
        let order = world.get::<HostSpec>(m.vm).expect("host").order;
        {
            let mut virt = world.resource_mut::<Virt>();
            virt.placement[order] = Some(m.to);
            if let Some(p) = virt.pause_ms.get_mut(order) {
                *p = m.stun_ms;
            }
        }
        world.get_mut::<HostSpec>(m.vm).expect("host").zone = zone;
        let took = Dur(m.due.ms() - m.start.ms());
        world.resource_mut::<Log>().notify(
            at,
            &name,
            Severity::Info,
            format!(
                "{name} live-migrated from {from} to {to} in {took} (stunned {:.0} ms at switchover)",
                m.stun_ms
            ),
        );
    }
}

fn run_ha(world: &mut World, at: Dur) {
    let due: Vec<Entity> = {
        let mut virt = world.resource_mut::<Virt>();
        let (now_due, later): (Vec<_>, Vec<_>) =
            virt.ha_pending.drain(..).partition(|(d, _)| *d <= at);
        virt.ha_pending = later;
        now_due.into_iter().map(|(_, e)| e).collect()
    };
    // Largest first, as HA places the hardest VMs while there is still room.
    let mut due = due;
    due.sort_by(|&a, &b| {
        let ma = world.get::<HostSpec>(a).map_or(0.0, |s| s.memory_mb);
        let mb = world.get::<HostSpec>(b).map_or(0.0, |s| s.memory_mb);
        mb.total_cmp(&ma)
    });
    for vm in due {
        let name = host_name(world, vm);
        if world
            .get::<HostState>(vm)
            .is_none_or(|s| s.power != Power::Down)
        {
            continue;
        }
        let spec = world.get::<HostSpec>(vm).expect("host").clone();
        let mem = spec.memory_mb / 1_024.0;
        let hvs = world.resource::<Virt>().hvs.len();
        let fits = |world: &World, t: usize| {
            let (m, c) = room(world, t);
            world.resource::<Virt>().hvs[t].state == HvState::Up
                && m + 1e-9 >= mem
                && c + 1e-9 >= spec.cores
        };
        // HA keeps anti-affinity rules when it can, and breaks them rather than leave a VM down.
        let pick = |world: &World, strict: bool| {
            (0..hvs)
                .filter(|&t| fits(world, t))
                .filter(|&t| !strict || rule_clashes(world, vm, t, &[]).is_empty())
                .max_by(|&a, &b| {
                    room(world, a)
                        .0
                        .total_cmp(&room(world, b).0)
                        .then(b.cmp(&a))
                })
        };
        let Some(t) = pick(world, true).or_else(|| pick(world, false)) else {
            world.resource_mut::<Log>().notify(
                at,
                &name,
                Severity::Error,
                format!("vSphere HA: insufficient resources to restart {name}; it stays down"),
            );
            continue;
        };
        let (zone, to) = {
            let virt = world.resource::<Virt>();
            (virt.hvs[t].zone, virt.hvs[t].name.clone())
        };
        world.resource_mut::<Virt>().placement[spec.order] = Some(t);
        world.get_mut::<HostSpec>(vm).expect("host").zone = zone;
        let until = Dur(at.ms() + spec.boot_time.ms());
        world.get_mut::<HostState>(vm).expect("host").power = Power::Booting { until };
        world.resource_mut::<Ops>().schedule(
            until,
            Op::HostReady {
                host: vm,
                fresh: false,
            },
        );
        world.resource_mut::<Log>().notify(
            at,
            &name,
            Severity::Warn,
            format!("vSphere HA: restarting {name} on {to}"),
        );
    }
}

/// A VM whose hypervisor is down (or which a finished reboot tried to bring up there) stays down.
fn keep_down(world: &mut World) {
    let hosts = world.resource::<Names>().hosts.clone();
    for h in hosts {
        let Some(order) = world.get::<HostSpec>(h).map(|s| s.order) else {
            continue;
        };
        let dead = {
            let virt = world.resource::<Virt>();
            virt.hv_of(order)
                .is_some_and(|i| matches!(virt.hvs[i].state, HvState::Down))
        };
        if dead
            && let Some(mut st) = world.get_mut::<HostState>(h)
            && matches!(st.power, Power::Up | Power::Booting { .. })
        {
            st.power = Power::Down;
            if let Some(mut i) = world.get_mut::<Instance>(h) {
                i.proc = Proc::Stopped;
            }
        }
    }
}

fn share(world: &mut World) {
    let hosts = world.resource::<Names>().hosts.clone();
    let count = world.resource::<Virt>().hvs.len();
    let mut demand_of = vec![0.0; count];
    let mut active = vec![0.0; count];
    let mut io = vec![0.0; count];
    let mut per_vm: Vec<(Entity, usize, usize, f64)> = Vec::new();
    for &h in &hosts {
        let Some(order) = world.get::<HostSpec>(h).map(|s| s.order) else {
            continue;
        };
        let Some(hv) = world.resource::<Virt>().hv_of(order) else {
            continue;
        };
        let d = demand(world, h);
        demand_of[hv] += d;
        active[hv] += active_mb(world, h);
        per_vm.push((h, order, hv, d));
    }
    {
        let virt = world.resource::<Virt>();
        for n in &virt.noisy {
            let alive = world.get::<HostState>(n.host).is_some_and(|s| {
                s.power == Power::Up && s.rogues.iter().any(|r| r.name == n.process)
            });
            if alive
                && let Some(order) = world.get::<HostSpec>(n.host).map(|s| s.order)
                && let Some(hv) = virt.hv_of(order)
            {
                io[hv] += n.mb_per_s;
            }
        }
    }
    // The hypervisor's OOM killer: active memory beyond physical plus swap ends the largest VM.
    for (hv, used) in active.iter_mut().enumerate() {
        let physical = world.resource::<Virt>().hvs[hv].memory_gb * 1_024.0;
        if *used > physical * (1.0 + HV_SWAP_FRACTION)
            && let Some(&(victim, ..)) =
                per_vm
                    .iter()
                    .filter(|(_, _, x, _)| *x == hv)
                    .max_by(|a, b| {
                        active_mb(world, a.0)
                            .total_cmp(&active_mb(world, b.0))
                            .then(b.1.cmp(&a.1))
                    })
        {
            let freed = active_mb(world, victim);
            *used -= freed;
            if let Some(mut st) = world.get_mut::<HostState>(victim) {
                st.power = Power::Down;
            }
            if let Some(mut i) = world.get_mut::<Instance>(victim) {
                i.proc = Proc::Stopped;
            }
            let (name, hv_name, at) = (
                host_name(world, victim),
                world.resource::<Virt>().hvs[hv].name.clone(),
                now(world),
            );
            world.resource_mut::<Log>().push(
                at,
                &hv_name,
                Severity::Error,
                format!(
                    "kernel: Out of memory: Killed process qemu-kvm ({name}), {:.0} MB",
                    freed
                ),
            );
            world.resource_mut::<Log>().push(
                at,
                &name,
                Severity::Error,
                format!("{name} powered off: its hypervisor {hv_name} ran out of memory"),
            );
        }
    }
    let kinds: Vec<Option<ServiceKind>> = per_vm
        .iter()
        .map(|&(h, ..)| {
            world
                .get::<Instance>(h)
                .and_then(|i| world.get::<ServiceSpec>(i.service))
                .map(|s| s.kind)
        })
        .collect();
    let mut virt = world.resource_mut::<Virt>();
    for hv in 0..count {
        let h = &mut virt.hvs[hv];
        h.demand = demand_of[hv];
        h.share = cpu_share(h.cores, h.demand);
        h.active_mb = active[hv];
        h.mem_factor = memory_factor(active[hv], h.memory_gb * 1_024.0);
        h.io_util = io[hv] / h.storage_mb_per_s;
    }
    for (&(_, order, hv, d), kind) in per_vm.iter().zip(kinds) {
        let h = &virt.hvs[hv];
        // Databases and queues wait on storage: a shared device at utilisation ρ stretches
        // their time by 1/(1-ρ), as an M/M/1 server's response time does.
        let io_factor = match kind {
            Some(ServiceKind::Database | ServiceKind::Queue) => {
                1.0 / (1.0 - h.io_util.min(IO_SATURATED))
            }
            _ => 1.0,
        };
        let stretch = h.mem_factor * io_factor / h.share;
        let steal = if d > 0.0 { 1.0 - h.share } else { 0.0 };
        if let Some(s) = virt.stretch.get_mut(order) {
            *s = stretch;
        }
        if let Some(s) = virt.steal.get_mut(order) {
            *s = steal;
        }
    }
}

fn finish_maintenance(world: &mut World, at: Dur) {
    let count = world.resource::<Virt>().hvs.len();
    for hv in 0..count {
        if world.resource::<Virt>().hvs[hv].state != HvState::Entering {
            continue;
        }
        let leaving = world
            .resource::<Virt>()
            .migrations
            .iter()
            .any(|m| m.from == hv);
        if leaving {
            continue;
        }
        let running: Vec<String> = vms_on(world, hv)
            .into_iter()
            .filter(|&v| powered_on(world, v))
            .map(|v| host_name(world, v))
            .collect();
        let name = world.resource::<Virt>().hvs[hv].name.clone();
        if running.is_empty() {
            world.resource_mut::<Virt>().hvs[hv].state = HvState::Maintenance;
            world.resource_mut::<Log>().notify(
                at,
                &name,
                Severity::Info,
                format!("{name} is in maintenance mode: no VMs left on it"),
            );
        } else {
            world.resource_mut::<Virt>().hvs[hv].state = HvState::Up;
            world.resource_mut::<Log>().notify(
                at,
                &name,
                Severity::Warn,
                format!(
                    "{name}: entering maintenance mode failed; still running {}",
                    running.join(", ")
                ),
            );
        }
    }
}

/// Steal of every host (by order), for the metric.
pub fn steal_pct(world: &World, order: usize) -> f64 {
    world
        .resource::<Virt>()
        .steal
        .get(order)
        .copied()
        .unwrap_or(0.0)
        * 100.0
}
