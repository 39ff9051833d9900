//! `fire_faults`: scheduled faults take effect at their time; `write_scripted_logs`: the
//! scenario's routine and red-herring log lines appear at theirs.

use bevy_ecs::prelude::World;
use scenarios::FaultKind;

use crate::components::{HostState, Instance, Power, Proc, Rogue, ServiceState, Version};
use crate::effects::{self, now};
use crate::network::Network;
use crate::record::{FaultRecord, Severity};
use crate::resources::{Faults, Log, ScriptedLogs};

pub fn fire_faults(world: &mut World) {
    let at = now(world);
    loop {
        let due = {
            let faults = world.resource::<Faults>();
            faults.pending.first().is_some_and(|f| f.at <= at)
        };
        if !due {
            break;
        }
        let fault = world.resource_mut::<Faults>().pending.remove(0);
        let struck = effects::struck(world, &fault.kind);
        let what = apply(world, &fault.kind);
        let subject = struck.first().cloned().unwrap_or_default();
        world
            .resource_mut::<Log>()
            // Kept in the run's event log for grading and reports, under no host or service, so
            // `logs` never shows the candidate the answer.
            .push(
                at,
                "",
                Severity::Warn,
                format!("fault: {what} (struck {subject})"),
            );
        world.resource_mut::<Faults>().fired.push(FaultRecord {
            at,
            what,
            kind: fault.kind.label().to_owned(),
            struck,
        });
    }
}

/// Applies a fault and describes it for the record.
fn apply(world: &mut World, kind: &FaultKind) -> String {
    match kind {
        FaultKind::HostCrash { host } => {
            if let Some(h) = effects::host(world, host)
                && let Some(mut st) = world.get_mut::<HostState>(h)
                // A host already decommissioned has nothing left to crash.
                && st.power != Power::Decommissioned
            {
                st.power = Power::Down;
            }
            format!("host {host} crashed")
        }
        FaultKind::ProcessCrash { host } => {
            if let Some(h) = effects::host(world, host)
                && let Some(mut inst) = world.get_mut::<Instance>(h)
            {
                inst.proc = Proc::Stopped;
            }
            format!("the service process on {host} crashed")
        }
        FaultKind::DiskFill {
            host,
            gb_per_hour,
            writer,
        } => {
            add_rogue(
                world,
                host,
                Rogue {
                    name: writer.clone(),
                    gb_per_hour: *gb_per_hour,
                    cores: 0.0,
                },
            );
            format!("{writer} on {host} started writing {gb_per_hour} GB/h to disk")
        }
        FaultKind::CpuSaturation {
            host,
            cores,
            process,
        } => {
            add_rogue(
                world,
                host,
                Rogue {
                    name: process.clone(),
                    gb_per_hour: 0.0,
                    cores: *cores,
                },
            );
            format!("{process} on {host} started burning {cores} cores")
        }
        FaultKind::MemoryLeak {
            service,
            mb_per_min,
        } => {
            if let Some(s) = effects::service(world, service)
                && let Some(mut st) = world.get_mut::<ServiceState>(s)
            {
                let current = st.current;
                st.versions[current].leak_mb_per_min += mb_per_min;
            }
            format!("{service} started leaking {mb_per_min} MB/min per instance")
        }
        FaultKind::BadDeploy {
            service,
            version,
            error_rate,
            cpu_factor,
            leak_mb_per_min,
        } => {
            let Some(s) = effects::service(world, service) else {
                return format!("{service} deployed {version}");
            };
            let base = world
                .get::<crate::components::ServiceSpec>(s)
                .map_or(0.0, |sp| sp.memory_mb);
            let (members, new) = {
                let mut st = world.get_mut::<ServiceState>(s).expect("service has state");
                st.versions.push(Version {
                    name: version.clone(),
                    error_rate: *error_rate,
                    cpu_factor: *cpu_factor,
                    leak_mb_per_min: *leak_mb_per_min,
                });
                st.current = st.versions.len() - 1;
                (st.members.clone(), st.current)
            };
            for m in members {
                // A deploy restarts each instance into the new version; it is up almost at once
                // because deploy tooling waits for the previous instance before the next.
                if let Some(mut inst) = world.get_mut::<Instance>(m) {
                    inst.version = new;
                    if inst.proc == Proc::Running {
                        inst.memory_mb = base;
                    }
                }
            }
            let at = now(world);
            world.resource_mut::<Log>().push(
                at,
                service,
                Severity::Info,
                format!("deploy: {service} {version} rolled out to all instances"),
            );
            format!("{service} {version} deployed (a bad release)")
        }
        FaultKind::LatencyCreep {
            service,
            percent_per_hour,
            version,
        } => {
            if let Some(version) = version {
                apply(
                    world,
                    &FaultKind::BadDeploy {
                        service: service.clone(),
                        version: version.clone(),
                        error_rate: 0.0,
                        cpu_factor: 1.0,
                        leak_mb_per_min: 0.0,
                    },
                );
            }
            crate::monitoring::start_creep(world, service, *percent_per_hour);
            format!("{service} started slowing down: CPU per request +{percent_per_hour}% an hour")
        }
        FaultKind::BadRoute { .. }
        | FaultKind::BulkTransfer { .. }
        | FaultKind::Partition { .. } => crate::network_ops::fire(world, kind),
        FaultKind::CveAnnounced {
            service,
            cve,
            severity,
            fixed_in,
            summary,
        } => crate::security::announce(world, service, cve, *severity, fixed_in, summary),
        FaultKind::PortExposed {
            on,
            port,
            note,
            probes_per_hour,
        } => crate::security::expose(world, on, *port, note, *probes_per_hour),
        FaultKind::HypervisorCrash { hypervisor } => crate::virt::crash(world, hypervisor),
        FaultKind::NoisyNeighbour {
            host,
            cores,
            process,
            io_mb_per_s,
            essential,
        } => crate::virt::noisy_neighbour(world, host, *cores, process, *io_mb_per_s, *essential),
        FaultKind::LinkDown { from, to } | FaultKind::LinkDegraded { from, to, .. } => {
            let mut net = world.resource_mut::<Network>();
            let (Some(a), Some(b)) = (net.index(from), net.index(to)) else {
                return format!("link {from} <-> {to}");
            };
            if let Some(link) = net.link_between(a, b) {
                match kind {
                    FaultKind::LinkDegraded {
                        loss,
                        extra_latency_ms,
                        ..
                    } => {
                        link.extra_loss = *loss;
                        link.extra_latency_ms = *extra_latency_ms;
                    }
                    _ => link.up = false,
                }
            }
            net.recompute();
            match kind {
                FaultKind::LinkDegraded {
                    loss,
                    extra_latency_ms,
                    ..
                } => format!(
                    "link {from} <-> {to} degraded: {:.0}% loss, +{extra_latency_ms} ms",
                    loss * 100.0
                ),
                _ => format!("link {from} <-> {to} went down"),
            }
        }
        FaultKind::DataCorruption { .. }
        | FaultKind::VolumeLoss { .. }
        | FaultKind::SiteLoss { .. }
        | FaultKind::BackupsLost { .. } => crate::storage::apply_fault(world, kind),
    }
}

fn add_rogue(world: &mut World, host: &str, rogue: Rogue) {
    if let Some(h) = effects::host(world, host)
        && let Some(mut st) = world.get_mut::<HostState>(h)
    {
        st.rogues.push(rogue);
    }
}

pub fn write_scripted_logs(world: &mut World) {
    let at = now(world);
    let scripted = world.resource::<ScriptedLogs>();
    if scripted.lines.get(scripted.next).is_none_or(|l| l.at > at) {
        return;
    }
    world.resource_scope(
        |world, mut scripted: bevy_ecs::prelude::Mut<ScriptedLogs>| {
            let mut log = world.resource_mut::<Log>();
            while let Some(line) = scripted.lines.get(scripted.next).filter(|l| l.at <= at) {
                let sev = match line.level {
                    scenarios::LogLevel::Info => Severity::Info,
                    scenarios::LogLevel::Warn => Severity::Warn,
                    scenarios::LogLevel::Error => Severity::Error,
                };
                log.push(at, &line.host, sev, line.text.clone());
                scripted.next += 1;
            }
        },
    );
}
