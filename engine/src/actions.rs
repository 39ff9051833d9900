//! Applying the candidate's actions: each takes effect as it would in life (with delays and side
//! effects), and the engine judges whether it harmed the service.

use bevy_ecs::prelude::{Entity, World};
use scenarios::{Dur, ServiceKind};

use crate::components::{
    HostSpec, HostState, Instance, Load, Power, Proc, ServiceLoad, ServiceSpec, ServiceState,
};
use crate::effects::{host_name, in_service, now, restart_instance, service_name, serving};
use crate::observe::resolve;
use crate::record::Severity;
use crate::resources::{Clock, Ledger, Log, Metrics, Names, Op, Ops, Target};
use crate::{Action, SimError};

/// Time an online volume resize takes to reach the filesystem (cloud block volumes modify in
/// seconds to minutes; `resize2fs`/`xfs_growfs` online is quick).
pub const VOLUME_RESIZE: Dur = Dur(60_000);
/// Time to promote a streaming replica (`pg_promote`, plus clients reconnecting).
pub const PROMOTION: Dur = Dur(30_000);
/// Utilisation past which the instances left cannot absorb the load of one taken away.
const OVERLOAD: f64 = 0.95;

/// What an accepted action did.
#[derive(Clone, Debug, PartialEq)]
pub struct Applied {
    pub message: String,
    pub harm: Option<String>,
    pub targets: Vec<String>,
}

pub(crate) fn host_of(world: &World, name: &str) -> Result<Entity, SimError> {
    match resolve(world, name)? {
        Target::Host(h) => Ok(h),
        Target::Service(_) => Err(SimError::new(format!(
            "`{name}` is a service; this command takes a host (`describe {name}` lists its hosts)"
        ))),
        Target::Zone(_) | Target::Node(_) => Err(SimError::new(format!(
            "`{name}` is a {}; this command takes a host",
            crate::network_ops::target_word(world, name)
        ))),
    }
}

pub(crate) fn service_of(world: &World, name: &str) -> Result<Entity, SimError> {
    match resolve(world, name)? {
        Target::Service(s) => Ok(s),
        Target::Host(h) => {
            let svc = world
                .get::<Instance>(h)
                .map(|i| service_name(world, i.service));
            Err(SimError::new(match svc {
                Some(s) => {
                    format!("`{name}` is a host; this command takes a service (it runs `{s}`)")
                }
                None => format!("`{name}` is a host; this command takes a service"),
            }))
        }
        Target::Zone(_) | Target::Node(_) => Err(SimError::new(format!(
            "`{name}` is a {}; this command takes a service",
            crate::network_ops::target_word(world, name)
        ))),
    }
}

fn instance(world: &World, h: Entity, name: &str) -> Result<Instance, SimError> {
    world
        .get::<Instance>(h)
        .cloned()
        .ok_or_else(|| SimError::new(format!("{name} runs no service")))
}

/// Whether taking `removed` serving instances of a service out leaves the rest unable to carry
/// the load, or leaves none at all. Returns the harm in words.
pub(crate) fn capacity_harm(world: &World, service: Entity, removed: &[Entity]) -> Option<String> {
    let st = world.get::<ServiceState>(service)?;
    let spec = world.get::<ServiceSpec>(service)?;
    let removed: Vec<Entity> = removed
        .iter()
        .copied()
        .filter(|&h| in_service(world, h))
        .collect();
    if removed.is_empty() {
        return None;
    }
    if spec.kind == ServiceKind::Database && removed.iter().any(|&h| st.primary == Some(h)) {
        return Some(format!(
            "took down the only {} primary while it was serving",
            spec.name
        ));
    }
    let serving_now: Vec<Entity> = st
        .members
        .iter()
        .copied()
        .filter(|&m| in_service(world, m))
        .collect();
    let left = serving_now.len() - removed.len().min(serving_now.len());
    if left == 0 {
        return Some(format!(
            "took down the last serving instance of {}",
            spec.name
        ));
    }
    let load = world.get::<ServiceLoad>(service).map_or(0.0, |l| l.lambda);
    let busy: f64 = serving_now
        .iter()
        .filter_map(|&m| world.get::<Load>(m))
        .map(|l| l.cpu)
        .sum();
    let after = busy / left as f64;
    (load > 0.0 && after >= OVERLOAD).then(|| {
        format!(
            "left {left} serving instance(s) of {} to carry the load: about {:.0}% busy each",
            spec.name,
            after * 100.0
        )
    })
}

/// In-flight writes lost when the database primary on `host` stops abruptly.
pub(crate) fn drop_in_flight_writes(world: &mut World, host: Entity) -> Option<String> {
    let svc = world.get::<Instance>(host)?.service;
    let st = world.get::<ServiceState>(svc)?;
    if st.primary != Some(host) || !serving(world, host) {
        return None;
    }
    let mean_ms = world.get::<Load>(host).map_or(0.0, |l| l.mean_ms);
    let lost = (world.resource::<Ledger>().write_rps * mean_ms / 1_000.0).ceil();
    if lost <= 0.0 {
        return None;
    }
    world.resource_mut::<Ledger>().totals.writes_lost += lost;
    let (at, name) = (now(world), host_name(world, host));
    world.resource_mut::<Log>().push(
        at,
        &name,
        Severity::Error,
        format!("postgres: terminating connection; {lost:.0} in-flight writes lost"),
    );
    Some(format!("{lost:.0} in-flight writes lost"))
}

pub fn apply(world: &mut World, action: &Action) -> Result<Applied, SimError> {
    match action {
        Action::RouteAdd { .. }
        | Action::RouteDel { .. }
        | Action::LinkSet { .. }
        | Action::Throttle { .. } => crate::network_ops::apply(world, action),
        Action::Restart { host } => {
            let h = host_of(world, host)?;
            let inst = instance(world, h, host)?;
            crate::storage::host_blocked(world, h)?;
            let st = world.get::<HostState>(h).expect("host");
            if st.power != Power::Up {
                return Err(SimError::new(format!(
                    "{host} is not up (it is {}); `reboot {host}` powers it on",
                    power_word(st.power)
                )));
            }
            let harm = join(
                capacity_harm(world, inst.service, &[h]),
                drop_in_flight_writes(world, h),
            );
            restart_instance(world, h, None);
            let start = world
                .get::<ServiceSpec>(inst.service)
                .map_or(Dur::ZERO, |s| s.start_time);
            Ok(Applied {
                message: format!(
                    "restarting {} on {host}; it serves again in about {start}",
                    service_name(world, inst.service)
                ),
                harm,
                targets: targets(world, h),
            })
        }
        Action::Reboot { host } => {
            let h = host_of(world, host)?;
            crate::virt::check_power_on(world, h)?;
            let (power, boot) = {
                let spec = world.get::<HostSpec>(h).expect("host");
                (
                    world.get::<HostState>(h).expect("host").power,
                    spec.boot_time,
                )
            };
            if matches!(power, Power::Booting { .. } | Power::Decommissioned) {
                return Err(SimError::new(format!(
                    "{host} is {}; nothing to reboot",
                    power_word(power)
                )));
            }
            crate::storage::host_blocked(world, h)?;
            let svc = world.get::<Instance>(h).map(|i| i.service);
            let harm = svc.and_then(|s| {
                join(
                    capacity_harm(world, s, &[h]),
                    drop_in_flight_writes(world, h),
                )
            });
            let until = Dur(now(world).ms() + boot.ms());
            world.get_mut::<HostState>(h).expect("host").power = Power::Booting { until };
            if let Some(mut i) = world.get_mut::<Instance>(h) {
                i.proc = Proc::Stopped;
            }
            world.resource_mut::<Ops>().schedule(
                until,
                Op::HostReady {
                    host: h,
                    fresh: false,
                },
            );
            Ok(Applied {
                message: format!(
                    "rebooting {host}; it is back in about {boot}, then its service starts"
                ),
                harm,
                targets: targets(world, h),
            })
        }
        Action::Kill { host, process } => {
            let h = host_of(world, host)?;
            let st = world.get::<HostState>(h).expect("host");
            if st.power != Power::Up {
                return Err(SimError::new(format!("{host} is not up")));
            }
            if let Some(i) = st.rogues.iter().position(|r| r.name == *process) {
                // Asked before the process is gone, while its record still matches.
                let harm = crate::virt::kill_harm(world, h, process);
                world
                    .get_mut::<HostState>(h)
                    .expect("host")
                    .rogues
                    .remove(i);
                let (at, name) = (now(world), host.clone());
                world.resource_mut::<Log>().push(
                    at,
                    &name,
                    Severity::Info,
                    format!("{process} killed (SIGTERM)"),
                );
                return Ok(Applied {
                    message: format!("killed {process} on {host}"),
                    harm,
                    targets: targets(world, h),
                });
            }
            let inst = world.get::<Instance>(h).cloned();
            let main = inst
                .as_ref()
                .and_then(|i| world.get::<ServiceSpec>(i.service))
                .map(|s| s.process.clone());
            if let (Some(inst), Some(main)) = (inst, main)
                && main == *process
            {
                let harm = join(
                    capacity_harm(world, inst.service, &[h]),
                    drop_in_flight_writes(world, h),
                );
                world.get_mut::<Instance>(h).expect("instance").proc = Proc::Stopped;
                return Ok(Applied {
                    message: format!(
                        "killed {process} on {host}; the service stays stopped until `restart {host}`"
                    ),
                    harm,
                    targets: targets(world, h),
                });
            }
            let mut procs: Vec<String> = world
                .get::<HostState>(h)
                .expect("host")
                .rogues
                .iter()
                .map(|r| r.name.clone())
                .collect();
            if let Some(i) = world.get::<Instance>(h) {
                procs.insert(
                    0,
                    world
                        .get::<ServiceSpec>(i.service)
                        .map(|s| s.process.clone())
                        .unwrap_or_default(),
                );
            }
            Err(SimError::new(format!(
                "no process `{process}` on {host}; running: {}",
                procs.join(", ")
            )))
        }
        Action::Scale {
            service,
            count,
            zone,
        } => scale(world, service, *count, zone.as_deref()),
        Action::Order {
            host_type,
            count,
            service,
        } => crate::capacity::order(world, host_type, *count, service),
        Action::Reserve { host_type, count } => crate::capacity::reserve(world, host_type, *count),
        // A capacity plan books decommissioned hardware in its own ledger; elsewhere it is the
        // cloud's decommission (stop paying, and harm if DNS still sends clients there).
        Action::Decommission { host }
            if world
                .resource::<crate::resources::ScenarioRes>()
                .0
                .capacity
                .is_some() =>
        {
            crate::capacity::decommission(world, host)
        }
        Action::Drain { host } | Action::Undrain { host } => {
            let drain = matches!(action, Action::Drain { .. });
            let h = host_of(world, host)?;
            let inst = instance(world, h, host)?;
            let st = world.get::<ServiceState>(inst.service).expect("service");
            if st.balanced_by.is_none() {
                return Err(SimError::new(format!(
                    "{host} is not behind a load balancer; nothing to drain it from"
                )));
            }
            if inst.drained == drain {
                return Err(SimError::new(format!(
                    "{host} is already {}",
                    if drain { "drained" } else { "in its pool" }
                )));
            }
            let harm = if drain {
                capacity_harm(world, inst.service, &[h])
            } else {
                None
            };
            world.get_mut::<Instance>(h).expect("instance").drained = drain;
            let message = if drain {
                format!("{host} drained: its load balancer sends it no new requests")
            } else {
                format!("{host} undrained: it rejoins the pool when it passes health checks")
            };
            Ok(Applied {
                message,
                harm,
                targets: targets(world, h),
            })
        }
        Action::Rollback { service } => {
            let s = service_of(world, service)?;
            let (members, current, from, to, start) = {
                let st = world.get::<ServiceState>(s).expect("service");
                if st.current == 0 {
                    return Err(SimError::new(format!(
                        "{service} runs {}, its first version; there is nothing to roll back to",
                        st.versions[0].name
                    )));
                }
                let spec = world.get::<ServiceSpec>(s).expect("service");
                // Each step waits for the restarted instance to start and then pass the health
                // checks that put it back in its pool before taking the next one out.
                let rejoin = st
                    .balanced_by
                    .and_then(|lb| world.get::<ServiceSpec>(lb))
                    .and_then(|lb| lb.health_check.as_ref())
                    .map_or(0, |hc| hc.interval.ms() * (crate::systems::RISE as u64 + 1));
                (
                    st.members.clone(),
                    st.current - 1,
                    st.versions[st.current].name.clone(),
                    st.versions[st.current - 1].name.clone(),
                    Dur(spec.start_time.ms() + rejoin),
                )
            };
            world.get_mut::<ServiceState>(s).expect("service").current = current;
            let at = now(world);
            let mut k = 0;
            for m in members {
                if world
                    .get::<HostState>(m)
                    .is_some_and(|h| h.power == Power::Decommissioned)
                {
                    continue;
                }
                world.resource_mut::<Ops>().schedule(
                    Dur(at.ms() + k * start.ms()),
                    Op::RestartInto {
                        host: m,
                        version: current,
                    },
                );
                k += 1;
            }
            let mut t = vec![service.clone()];
            t.extend(
                world
                    .get::<ServiceState>(s)
                    .expect("service")
                    .members
                    .iter()
                    .map(|&m| host_name(world, m)),
            );
            Ok(Applied {
                message: format!(
                    "rolling {service} back from {from} to {to}: {k} instances, one at a time, about {}",
                    Dur(k * start.ms())
                ),
                harm: None,
                targets: t,
            })
        }
        Action::ExtendVolume { host, gb } => {
            let h = host_of(world, host)?;
            let due = Dur(now(world).ms() + VOLUME_RESIZE.ms());
            world
                .resource_mut::<Ops>()
                .schedule(due, Op::VolumeGrown { host: h, gb: *gb });
            Ok(Applied {
                message: format!(
                    "growing {host}'s volume by {gb} GB; the filesystem sees it in about {VOLUME_RESIZE}"
                ),
                harm: None,
                targets: targets(world, h),
            })
        }
        Action::Failover { service } => failover_to(world, service, None),
        Action::AutoFailover { service, on } => {
            crate::design::set_auto_failover(world, service, *on)
        }
        Action::GroupSet { .. }
        | Action::GroupPolicy { .. }
        | Action::DnsSet { .. }
        | Action::Provision { .. }
        | Action::Replicate { .. }
        | Action::Promote { .. }
        | Action::Decommission { .. } => crate::cloud::apply(world, action),
        Action::FirewallRule { .. }
        | Action::FirewallRemove { .. }
        | Action::CertRenew { .. }
        | Action::Patch { .. } => crate::security::apply(world, action),
        Action::Migrate { host, hypervisor } => {
            let (message, harm, targets) = crate::virt::migrate(world, host, hypervisor)?;
            Ok(Applied {
                message,
                harm,
                targets,
            })
        }
        Action::Maintenance { hypervisor, on } => {
            let (message, harm, targets) = crate::virt::maintenance(world, hypervisor, *on)?;
            Ok(Applied {
                message,
                harm,
                targets,
            })
        }
        Action::Shutdown { host } => shutdown(world, host),
        _ => crate::storage_command::apply(world, action),
    }
}

fn shutdown(world: &mut World, host: &str) -> Result<Applied, SimError> {
    let h = host_of(world, host)?;
    let power = world.get::<HostState>(h).expect("host").power;
    if power != Power::Up {
        return Err(SimError::new(format!(
            "{host} is {}; only a host that is up can be shut down",
            power_word(power)
        )));
    }
    let svc = world.get::<Instance>(h).map(|i| i.service);
    let harm = svc.and_then(|s| {
        join(
            join(
                capacity_harm(world, s, &[h]),
                drop_in_flight_writes(world, h),
            ),
            last_replica_harm(world, s, h),
        )
    });
    world.get_mut::<HostState>(h).expect("host").power = Power::Down;
    if let Some(mut i) = world.get_mut::<Instance>(h) {
        i.proc = Proc::Stopped;
    }
    let at = now(world);
    world
        .resource_mut::<Log>()
        .push(at, host, Severity::Info, "systemd-shutdown: powering off");
    let freed = match crate::virt::hv_name_of(world, host) {
        Some(hv) => format!("; its memory and vCPUs on {hv} are free"),
        None => String::new(),
    };
    Ok(Applied {
        message: format!("{host} is shut down{freed}; `reboot {host}` powers it on again"),
        harm,
        targets: targets(world, h),
    })
}

/// Shutting down a database's last serving replica leaves the primary with no failover target.
fn last_replica_harm(world: &World, service: Entity, h: Entity) -> Option<String> {
    let spec = world.get::<ServiceSpec>(service)?;
    let st = world.get::<ServiceState>(service)?;
    if spec.kind != ServiceKind::Database || st.primary == Some(h) {
        return None;
    }
    let others = st
        .members
        .iter()
        .filter(|&&m| m != h && Some(m) != st.primary && serving(world, m))
        .count();
    (others == 0 && serving(world, h)).then(|| {
        format!(
            "shut down the last replica of {}: its primary has nothing to fail over to",
            spec.name
        )
    })
}

/// Promotes a replica of `service` (`to`, or the first serving one) to primary.
pub fn failover_to(
    world: &mut World,
    service: &str,
    to: Option<Entity>,
) -> Result<Applied, SimError> {
    let s = service_of(world, service)?;
    crate::storage::failover_blocked(world, s)?;
    let (kind, lag) = {
        let spec = world.get::<ServiceSpec>(s).expect("service");
        (spec.kind, spec.replica_lag.unwrap_or(Dur::ZERO))
    };
    if kind != ServiceKind::Database {
        return Err(SimError::new(format!(
            "{service} is not a database; failover promotes a database replica"
        )));
    }
    let st = world.get::<ServiceState>(s).expect("service").clone();
    let Some(replica) = st
        .members
        .iter()
        .copied()
        .find(|&m| Some(m) != st.primary && serving(world, m) && to.is_none_or(|t| t == m))
    else {
        return Err(SimError::new(format!(
            "{service} has no serving replica to promote"
        )));
    };
    let old = st.primary;
    let healthy = old.is_some_and(|p| serving(world, p));
    // Asynchronous replication: the replica is `lag` behind, so that much of the write stream is
    // lost. Use the offered write rate, since a crashed primary was taking writes until it died.
    let write_rate = {
        let sc = &world.resource::<crate::resources::ScenarioRes>().0;
        let clock = world.resource::<Clock>();
        crate::demand::rate(&sc.traffic, clock.start_minute, clock.now) * sc.traffic.write_fraction
    }
    .max(world.resource::<Ledger>().write_rps);
    let at = now(world);
    // A replica cut off from its primary has missed everything written since.
    let lag = Dur(lag.ms()
        + st.replica_behind_since
            .map_or(0, |since| at.ms() - since.ms()));
    // A replica still replaying a copy's backlog lacks that too.
    let lost = (write_rate * lag.secs_f64() + crate::cloud::replicas::unreplicated(world, replica))
        .round();
    let replica_name = host_name(world, replica);
    if lost > 0.0 {
        world.resource_mut::<Ledger>().totals.writes_lost += lost;
        world.resource_mut::<Log>().push(
            at,
            service,
            Severity::Error,
            format!("failover: {lost:.0} writes not yet replicated to {replica_name} were lost ({lag} of lag)"),
        );
    }
    world.get_mut::<ServiceState>(s).expect("service").primary = None;
    if let Some(p) = old
        && let Some(mut i) = world.get_mut::<Instance>(p)
    {
        // The old primary is fenced so it cannot take writes again (no split brain).
        i.proc = Proc::Stopped;
    }
    world.resource_mut::<Ops>().schedule(
        Dur(at.ms() + PROMOTION.ms()),
        Op::Promote {
            service: s,
            host: replica,
        },
    );
    let harm = healthy
        .then(|| format!("failed over a primary that was still serving, losing {lost:.0} writes"));
    let mut t = vec![service.to_owned(), replica_name.clone()];
    if let Some(p) = old {
        t.push(host_name(world, p));
    }
    Ok(Applied {
        message: format!(
            "promoting {replica_name} to {service} primary (about {PROMOTION}); writes fail until it is done{}",
            if lost > 0.0 {
                format!("; {lost:.0} unreplicated writes lost")
            } else {
                String::new()
            }
        ),
        harm,
        targets: t,
    })
}

/// `replica add <database> in <zone>`: scales a database out by one replica, in `zone`.
pub(crate) fn replica_add(
    world: &mut World,
    service: &str,
    zone: &str,
) -> Result<Applied, SimError> {
    let s = service_of(world, service)?;
    if world.get::<ServiceSpec>(s).expect("service").kind != ServiceKind::Database {
        return Err(SimError::new(format!(
            "{service} is not a database; `scale {service} <n> in {zone}` adds instances"
        )));
    }
    let have = world.get::<ServiceState>(s).expect("service").members.len() as u32;
    scale(world, service, have + 1, Some(zone))
}

fn scale(
    world: &mut World,
    service: &str,
    count: u32,
    zone: Option<&str>,
) -> Result<Applied, SimError> {
    let s = service_of(world, service)?;
    let spec = world.get::<ServiceSpec>(s).expect("service").clone();
    let Some(scaling) = spec.scaling.clone() else {
        return Err(SimError::new(format!(
            "{service} cannot be scaled in this estate: it has no spare capacity to provision from"
        )));
    };
    if count > scaling.max_instances {
        return Err(SimError::new(format!(
            "{service} can have at most {} instances here",
            scaling.max_instances
        )));
    }
    if count == 0 {
        return Err(SimError::new(format!(
            "scaling {service} to 0 would take it down; the least is 1"
        )));
    }
    let members: Vec<Entity> = world
        .get::<ServiceState>(s)
        .expect("service")
        .members
        .clone();
    let have = members.len() as u32;
    let at = now(world);
    let mut t = vec![service.to_owned()];
    if count > have {
        let mut template = world.get::<HostSpec>(members[0]).expect("host").clone();
        if let Some(zone) = zone {
            let zones = &world.resource::<crate::network::Network>().zones;
            template.zone = zones.iter().position(|z| z == zone).ok_or_else(|| {
                let hint = scenarios::suggest(zone, zones.iter().map(String::as_str))
                    .unwrap_or_else(|| format!("zones are {}", zones.join(", ")));
                SimError::new(format!("no zone `{zone}`; {hint}"))
            })?;
        }
        let due = Dur(at.ms() + scaling.provision_time.ms());
        let mut added = Vec::new();
        for _ in have..count {
            let (_, name) = launch_host(world, s, template.clone(), None, due);
            added.push(name);
        }
        t.extend(added.iter().cloned());
        return Ok(Applied {
            message: format!(
                "provisioning {} ({}): ready in about {}, then {} starts",
                added.join(", "),
                template.zone_label(world),
                scaling.provision_time,
                service
            ),
            harm: None,
            targets: t,
        });
    }
    if count == have {
        return Err(SimError::new(format!(
            "{service} already has {have} instances"
        )));
    }
    let primary = world.get::<ServiceState>(s).expect("service").primary;
    let removed: Vec<Entity> = members
        .iter()
        .rev()
        .copied()
        .filter(|&m| Some(m) != primary)
        .take((have - count) as usize)
        .collect();
    let harm = capacity_harm(world, s, &removed);
    for &m in &removed {
        world.get_mut::<HostState>(m).expect("host").power = Power::Decommissioned;
        t.push(host_name(world, m));
    }
    world
        .get_mut::<ServiceState>(s)
        .expect("service")
        .members
        .retain(|m| !removed.contains(m));
    Ok(Applied {
        message: format!(
            "{service} scaled in to {count}: removed {}",
            t[1..].join(", ")
        ),
        harm,
        targets: t,
    })
}

/// Adds a new host for service `s` built to `spec` (its name and order are assigned here), with a
/// data volume of `disk_gb` (the service's first host's size if `None`), booting until `due` and
/// then starting the service. Returns the host and its name.
pub(crate) fn launch_host(
    world: &mut World,
    s: Entity,
    spec: HostSpec,
    disk_gb: Option<f64>,
    due: Dur,
) -> (Entity, String) {
    let service = service_name(world, s);
    let name = next_name(world, &service);
    let order = world.resource::<Names>().hosts.len();
    let (balanced, version, memory_mb, disk_gb) = {
        let st = world.get::<ServiceState>(s).expect("service");
        let disk_gb = disk_gb.unwrap_or_else(|| {
            st.members
                .first()
                .and_then(|&m| world.get::<HostState>(m))
                .map_or(100.0, |h| h.disk_gb)
        });
        let memory_mb = world.get::<ServiceSpec>(s).expect("service").memory_mb;
        (st.balanced_by.is_some(), st.current, memory_mb, disk_gb)
    };
    let e = world
        .spawn((
            HostSpec {
                name: name.clone(),
                order,
                ..spec
            },
            HostState {
                power: Power::Booting { until: due },
                disk_gb,
                disk_used_gb: disk_gb * 0.1,
                rogues: Vec::new(),
            },
            Load::default(),
            Instance {
                service: s,
                proc: Proc::Stopped,
                memory_mb,
                version,
                drained: false,
                in_pool: !balanced,
                failed_checks: 0,
                passed_checks: 0,
                restarts: 0,
            },
        ))
        .id();
    let tick = world.resource::<Clock>().tick;
    world.resource_mut::<Metrics>().hosts.add(tick);
    let mut names = world.resource_mut::<Names>();
    names.hosts.push(e);
    names.by_name.insert(name.clone(), Target::Host(e));
    world
        .get_mut::<ServiceState>(s)
        .expect("service")
        .members
        .push(e);
    world.resource_mut::<Ops>().schedule(
        due,
        Op::HostReady {
            host: e,
            fresh: true,
        },
    );
    (e, name)
}

impl HostSpec {
    pub(crate) fn zone_label(&self, world: &World) -> String {
        world.resource::<crate::network::Network>().zones[self.zone].clone()
    }
}

fn next_name(world: &World, service: &str) -> String {
    let names = world.resource::<Names>();
    (1..)
        .map(|n| format!("{service}-{n}"))
        .find(|n| !names.by_name.contains_key(n))
        .expect("unbounded")
}

pub(crate) fn targets(world: &World, h: Entity) -> Vec<String> {
    let mut t = vec![host_name(world, h)];
    if let Some(i) = world.get::<Instance>(h) {
        t.push(service_name(world, i.service));
    }
    t
}

pub(crate) fn power_word(p: Power) -> &'static str {
    match p {
        Power::Up => "up",
        Power::Down => "down",
        Power::Booting { .. } => "booting",
        Power::Decommissioned => "decommissioned",
    }
}

fn join(a: Option<String>, b: Option<String>) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) => Some(format!("{a}; {b}")),
        (a, b) => a.or(b),
    }
}
