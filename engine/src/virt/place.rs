//! Where VMs are and may go: room under the overcommit limits, anti-affinity rules, the
//! evacuation plan of maintenance mode, and queuing a live migration.

use super::*;

/// Memory and vCPUs placed on hypervisor `hv` by running VMs and migrations into it, GB and vCPUs.
pub(crate) fn committed(world: &World, hv: usize) -> (f64, f64) {
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
pub(crate) fn registered(world: &World, h: Entity) -> bool {
    world
        .get::<HostState>(h)
        .is_some_and(|s| s.power != Power::Decommissioned)
}

pub(crate) fn powered_on(world: &World, h: Entity) -> bool {
    world
        .get::<HostState>(h)
        .is_some_and(|s| matches!(s.power, Power::Up | Power::Booting { .. }))
}

/// Free memory and vCPUs on `hv` after its overcommit ratios, GB and vCPUs.
pub(crate) fn room(world: &World, hv: usize) -> (f64, f64) {
    let (mem, cpu) = committed(world, hv);
    let h = &world.resource::<Virt>().hvs[hv];
    (
        h.memory_gb * h.memory_overcommit - mem,
        h.cores * h.cpu_overcommit - cpu,
    )
}

/// VMs that share a rule with `vm` and are registered (or will be, by `extra`) on `hv`: the rules broken
/// by placing `vm` there, as "rule (with vm)".
pub(crate) fn rule_clashes(
    world: &World,
    vm: Entity,
    hv: usize,
    extra: &[(Entity, usize)],
) -> Vec<String> {
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

/// A migration's duration rounded up to whole seconds, as vCenter reports progress.
pub(crate) fn secs_dur(secs: f64) -> Dur {
    Dur(secs.ceil() as u64 * 1_000)
}

/// When a migration out of `from` may start: migrations from one source run one at a time,
/// each with the whole migration network.
pub(crate) fn next_start(virt: &Virt, from: usize, at: Dur) -> Dur {
    virt.migrations
        .iter()
        .filter(|m| m.from == from)
        .map(|m| m.due)
        .max()
        .map_or(at, |d| d.max(at))
}

/// Queues a live migration of `vm` from `from` to `to`; returns its plan and due time.
pub(crate) fn start_migration(
    world: &mut World,
    vm: Entity,
    from: usize,
    to: usize,
) -> (MigrationPlan, Dur) {
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

/// Where each powered-on VM on `hv` would go: largest first, to the hypervisor with the most
/// free memory that has room and breaks no anti-affinity rule. `Err` lists those that fit nowhere.
pub(crate) fn plan_evacuation(
    world: &World,
    hv: usize,
) -> Result<Vec<(Entity, usize)>, Vec<String>> {
    let virt = world.resource::<Virt>();
    let mut vms: Vec<(Entity, f64, f64)> = vms_on(world, hv)
        .into_iter()
        .filter(|&h| powered_on(world, h) && virt.migrating(h).is_none())
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

/// CPU a VM wants, in cores: its service's offered work plus any runaway process, at most its vCPUs.
pub(crate) fn demand(world: &World, h: Entity) -> f64 {
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
pub(crate) fn active_mb(world: &World, h: Entity) -> f64 {
    if world
        .get::<HostState>(h)
        .is_none_or(|s| s.power != Power::Up)
    {
        return 0.0;
    }
    world.get::<Instance>(h).map_or(0.0, |i| i.memory_mb) + OS_RESERVED_MB
}
