//! The candidate's virtualisation actions: `migrate`, `maintenance`, and the checks other
//! actions make on VMs (powering one on, killing a noisy neighbour's job).

use super::*;

pub(crate) fn vm_of(world: &World, name: &str) -> Result<(Entity, usize), SimError> {
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

pub(crate) fn gb(x: f64) -> String {
    if (x - x.round()).abs() < 0.05 {
        format!("{:.0}", x)
    } else {
        format!("{x:.1}")
    }
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
    let off: Vec<Entity> = vms_on(world, hv)
        .into_iter()
        .filter(|&h| !powered_on(world, h))
        .collect();
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
