//! Faults on hypervisors and VMs: a hypervisor crash (with HA restarts queued) and a noisy
//! neighbour; and what each strikes, for detection.

use super::*;

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
