//! One tick of the hypervisors: migrations finish, HA restarts VMs, dead hypervisors keep
//! their VMs down, cores and memory are shared, and maintenance mode completes.

use super::*;

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

pub(crate) fn finish_migrations(world: &mut World, at: Dur) {
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

pub(crate) fn run_ha(world: &mut World, at: Dur) {
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
pub(crate) fn keep_down(world: &mut World) {
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

pub(crate) fn share(world: &mut World) {
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

pub(crate) fn finish_maintenance(world: &mut World, at: Dur) {
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
