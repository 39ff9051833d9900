//! Changes to the world shared by faults, completing operations and candidate actions.

use bevy_ecs::prelude::{Entity, World};
use scenarios::{Dur, FaultKind};

use crate::components::{HostSpec, HostState, Instance, Power, Proc, ServiceSpec, ServiceState};
use crate::resources::{Clock, Names, Target};

pub fn now(world: &World) -> Dur {
    world.resource::<Clock>().now
}

pub fn host_name(world: &World, host: Entity) -> String {
    world
        .get::<HostSpec>(host)
        .map(|h| h.name.clone())
        .unwrap_or_default()
}

pub fn service_name(world: &World, service: Entity) -> String {
    world
        .get::<ServiceSpec>(service)
        .map(|s| s.name.clone())
        .unwrap_or_default()
}

pub fn target(world: &World, name: &str) -> Option<Target> {
    world.resource::<Names>().by_name.get(name).copied()
}

pub fn host(world: &World, name: &str) -> Option<Entity> {
    match target(world, name)? {
        Target::Host(e) => Some(e),
        _ => None,
    }
}

pub fn service(world: &World, name: &str) -> Option<Entity> {
    match target(world, name)? {
        Target::Service(e) => Some(e),
        _ => None,
    }
}

/// Whether the instance on `host` is serving: host up and process running.
pub fn serving(world: &World, host: Entity) -> bool {
    let up = world
        .get::<HostState>(host)
        .is_some_and(|h| h.power == Power::Up);
    up && world
        .get::<Instance>(host)
        .is_some_and(|i| i.proc == Proc::Running)
}

/// Whether the instance on `host` is serving *and* receiving traffic: behind a load balancer that
/// means in its pool and not drained. What counts as capacity.
pub fn in_service(world: &World, host: Entity) -> bool {
    if !serving(world, host) {
        return false;
    }
    let Some(inst) = world.get::<Instance>(host) else {
        return false;
    };
    let balanced = world
        .get::<ServiceState>(inst.service)
        .is_some_and(|s| s.balanced_by.is_some());
    !balanced || (inst.in_pool && !inst.drained)
}

/// (Re)starts the service process on `host`, optionally into another version; it serves after
/// the service's start time. Memory starts from the service's baseline.
pub fn restart_instance(world: &mut World, host: Entity, version: Option<usize>) {
    let at = now(world);
    let Some(inst) = world.get::<Instance>(host) else {
        return;
    };
    let service = inst.service;
    let (start, base) = world
        .get::<ServiceSpec>(service)
        .map(|s| (s.start_time, s.memory_mb))
        .unwrap_or((Dur::ZERO, 0.0));
    if let Some(mut inst) = world.get_mut::<Instance>(host) {
        inst.proc = Proc::Starting {
            until: Dur(at.ms() + start.ms()),
        };
        inst.memory_mb = base;
        inst.restarts += 1;
        if let Some(v) = version {
            inst.version = v;
        }
    }
}

/// Every host, service and zone a fault strikes: looking at any of them counts as detecting it.
pub fn struck(world: &World, kind: &FaultKind) -> Vec<String> {
    let mut out = Vec::new();
    let add_host = |world: &World, out: &mut Vec<String>, name: &str| {
        out.push(name.to_owned());
        if let Some(svc) = host(world, name)
            .and_then(|h| world.get::<Instance>(h))
            .map(|i| i.service)
        {
            out.push(service_name(world, svc));
        }
    };
    match kind {
        FaultKind::HostCrash { host }
        | FaultKind::ProcessCrash { host }
        | FaultKind::DiskFill { host, .. }
        | FaultKind::CpuSaturation { host, .. } => add_host(world, &mut out, host),
        FaultKind::MemoryLeak { service: s, .. }
        | FaultKind::BadDeploy { service: s, .. }
        | FaultKind::LatencyCreep { service: s, .. }
        | FaultKind::CveAnnounced { service: s, .. } => {
            out.push(s.clone());
            if let Some(st) = service(world, s).and_then(|e| world.get::<ServiceState>(e)) {
                out.extend(st.members.iter().map(|m| host_name(world, *m)));
            }
        }
        FaultKind::LinkDown { from, to } | FaultKind::LinkDegraded { from, to, .. } => {
            out.push(from.clone());
            out.push(to.clone());
        }
        FaultKind::BadRoute { .. }
        | FaultKind::BulkTransfer { .. }
        | FaultKind::Partition { .. } => out.extend(crate::network_ops::struck(world, kind)),
        FaultKind::DataCorruption { .. }
        | FaultKind::VolumeLoss { .. }
        | FaultKind::SiteLoss { .. }
        | FaultKind::BackupsLost { .. } => out.extend(crate::storage::struck(world, kind)),
        FaultKind::PortExposed { on, .. } => {
            out.push(on.clone());
            match target(world, on) {
                Some(Target::Host(_)) => add_host(world, &mut out, on),
                Some(Target::Service(e)) => {
                    if let Some(st) = world.get::<ServiceState>(e) {
                        out.extend(st.members.iter().map(|m| host_name(world, *m)));
                    }
                }
                _ => {}
            }
        }
        FaultKind::HypervisorCrash { hypervisor } => {
            out.extend(crate::virt::struck_hv(world, hypervisor));
        }
        // The noisy VM, and its hypervisor with every neighbour that suffers.
        FaultKind::NoisyNeighbour { host, .. } => {
            add_host(world, &mut out, host);
            if let Some(hv) = crate::virt::hv_name_of(world, host) {
                out.extend(crate::virt::struck_hv(world, &hv));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}
