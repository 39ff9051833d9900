//! Answering observation queries from the world's current state and history.

use bevy_ecs::prelude::{Entity, World};
use scenarios::ServiceKind;

use crate::components::{
    HostSpec, HostState, Instance, Load, Power, Proc, ServiceLoad, ServiceSpec, ServiceState,
};
use crate::effects::{host_name, now, service_name};
use crate::network::Network;
use crate::resources::{
    Alerts, Ledger, Log, MetricOwner, Metrics, Names, Ops, ScenarioRes, Target,
};
use crate::systems::processes::OS_RESERVED_MB;
use crate::views::*;
use crate::{Query, SimError};

pub fn observe(world: &World, query: &Query) -> Result<View, SimError> {
    Ok(match query {
        Query::Status => View::Status(status(world)),
        Query::Top => {
            let mut rows: Vec<HostRow> = world
                .resource::<Names>()
                .hosts
                .iter()
                .map(|&h| host_row(world, h))
                .collect();
            rows.sort_by(|a, b| {
                b.cpu_pct
                    .total_cmp(&a.cpu_pct)
                    .then_with(|| a.name.cmp(&b.name))
            });
            View::Top(rows)
        }
        Query::Alerts => View::Alerts(alerts(world)),
        Query::Capacity => View::Capacity(crate::capacity::view(world)?),
        Query::Describe { target } => match resolve(world, target)? {
            Target::Host(h) => View::Host(host_view(world, h)),
            Target::Service(s) => View::Service(service_view(world, s)),
            Target::Zone(z) => View::Zone(zone_view(world, z)),
            Target::Node(n) => View::Node(crate::network_ops::node_view(world, n)),
        },
        Query::Metrics {
            target,
            metric,
            last,
        } => {
            let metrics = world.resource::<Metrics>();
            let owner = match resolve(world, target)? {
                Target::Host(h) => {
                    MetricOwner::Host(world.get::<HostSpec>(h).map_or(0, |s| s.order))
                }
                Target::Service(s) => {
                    MetricOwner::Service(world.get::<ServiceSpec>(s).map_or(0, |s| s.order))
                }
                Target::Zone(_) | Target::Node(_) => {
                    return Err(SimError::new(format!(
                        "`{target}` is a {}; metrics are kept for hosts and services (`link show` has link load)",
                        crate::network_ops::target_word(world, target)
                    )));
                }
            };
            if *metric == scenarios::Metric::Steal
                && world.resource::<crate::virt::Virt>().hvs.is_empty()
            {
                return Err(SimError::new(
                    "this estate has no hypervisors; CPU steal is measured on VMs",
                ));
            }
            let set = metrics
                .of(owner)
                .ok_or_else(|| SimError::new(format!("no metrics are kept for `{target}`")))?;
            let series = set.get(*metric);
            let (bucket, points) = series.window(now(world), *last);
            let (past_bucket, past) = series.past_window(now(world), *last, bucket);
            View::Metrics(MetricsView {
                target: target.clone(),
                metric: *metric,
                last: *last,
                bucket,
                points,
                past,
                past_bucket,
            })
        }
        Query::Logs { target, last } => {
            let names: Vec<String> = match resolve(world, target)? {
                Target::Host(_) => vec![target.clone()],
                Target::Service(s) => {
                    let mut v = vec![target.clone()];
                    if let Some(st) = world.get::<ServiceState>(s) {
                        v.extend(st.members.iter().map(|&m| host_name(world, m)));
                    }
                    v
                }
                Target::Zone(_) | Target::Node(_) => {
                    return Err(SimError::new(format!(
                        "`{target}` is a {}; logs are kept per host and service",
                        crate::network_ops::target_word(world, target)
                    )));
                }
            };
            let from = now(world).ms().saturating_sub(last.ms());
            let lines = world
                .resource::<Log>()
                .events
                .iter()
                .filter(|e| e.at.ms() >= from && names.contains(&e.subject))
                .cloned()
                .collect();
            View::Logs(lines)
        }
        Query::Cost | Query::Groups | Query::Dns | Query::Verify { .. } => {
            return crate::cloud::observe(world, query);
        }
        Query::Ping { from, to } => View::Ping(crate::network_ops::ping(world, from, to)?),
        Query::Traceroute { from, to } => {
            View::Trace(crate::network_ops::traceroute(world, from, to)?)
        }
        Query::Routes { node } => View::Routes(crate::network_ops::routes(world, node.as_deref())?),
        Query::Links { node } => View::Links(crate::network_ops::links(world, node.as_deref())?),
        Query::Backups { target } => {
            View::Backups(crate::storage::backups_view(world, target.as_deref())?)
        }
        Query::Firewall { target } => {
            View::Firewall(crate::security::firewall_view(world, target.as_deref())?)
        }
        Query::Certs { target } => {
            View::Certs(crate::security::cert_view(world, target.as_deref())?)
        }
        Query::HvList => View::Hypervisors(crate::virt::list(world)?),
        Query::HvShow { hypervisor } => View::Hypervisor(crate::virt::show(world, hypervisor)?),
    })
}

/// Looks up a name, suggesting the nearest if it is unknown.
pub fn resolve(world: &World, name: &str) -> Result<Target, SimError> {
    let names = world.resource::<Names>();
    names.by_name.get(name).copied().ok_or_else(|| {
        let hint = scenarios::suggest(name, names.by_name.keys().map(String::as_str))
            .unwrap_or_else(|| "`top` lists hosts, `status` services".into());
        SimError::new(format!(
            "no host, service or zone is called `{name}`; {hint}"
        ))
    })
}

fn status(world: &World) -> StatusView {
    let sc = &world.resource::<ScenarioRes>().0;
    let ledger = world.resource::<Ledger>();
    let names = world.resource::<Names>();
    let t = ledger.totals;
    let elapsed = now(world).secs_f64().max(1.0);
    let budget = (1.0 - sc.slo.availability) * (t.requests / elapsed) * sc.slo.window.secs_f64();
    StatusView {
        rps: ledger.last_rps,
        success_pct: ledger.last_ok * 100.0,
        p99_ms: ledger.last_p99_ms,
        slo_availability_pct: sc.slo.availability * 100.0,
        slo_p99_ms: sc.slo.latency_p99_ms,
        budget_burned_pct: if budget > 0.0 {
            (t.requests - t.good) / budget * 100.0
        } else {
            0.0
        },
        services: names
            .services
            .iter()
            .map(|&s| service_row(world, s))
            .collect(),
        alerts_firing: world
            .resource::<Alerts>()
            .states
            .iter()
            .filter(|s| s.firing_since.is_some())
            .count(),
        ops_pending: world.resource::<Ops>().queue.len(),
    }
}

pub fn service_row(world: &World, s: Entity) -> ServiceRow {
    let spec = world.get::<ServiceSpec>(s).expect("service entity");
    let st = world.get::<ServiceState>(s).expect("service entity");
    let load = world.get::<ServiceLoad>(s).copied().unwrap_or_default();
    let live: Vec<Entity> = st
        .members
        .iter()
        .copied()
        .filter(|&m| {
            world
                .get::<HostState>(m)
                .is_some_and(|h| h.power != Power::Decommissioned)
        })
        .collect();
    ServiceRow {
        name: spec.name.clone(),
        kind: spec.kind.label().to_owned(),
        version: st.versions[st.current].name.clone(),
        serving: live
            .iter()
            .filter(|&&m| crate::effects::in_service(world, m))
            .count(),
        instances: live.len(),
        rps: load.lambda,
        errors_pct: (1.0 - load.ok) * 100.0,
        p99_ms: load.p99_ms,
    }
}

fn state_label(world: &World, h: Entity) -> String {
    let st = world.get::<HostState>(h).expect("host entity");
    let inst = world.get::<Instance>(h);
    let proc = |p: Proc| match p {
        Proc::Running => "running",
        Proc::Starting { .. } => "starting",
        Proc::Crashed { .. } => "crash-loop",
        Proc::Stopped => "stopped",
    };
    match st.power {
        Power::Down => "down".into(),
        Power::Booting { .. } => "booting".into(),
        Power::Decommissioned if world.get::<crate::cloud::Planned>(h).is_some() => {
            "not provisioned".into()
        }
        Power::Decommissioned => "decommissioned".into(),
        Power::Up => match inst {
            None => "up".into(),
            Some(i) if i.drained => format!("{} (drained)", proc(i.proc)),
            Some(i) if !i.in_pool => format!("{} (out of pool)", proc(i.proc)),
            Some(i) => proc(i.proc).into(),
        },
    }
}

pub fn host_row(world: &World, h: Entity) -> HostRow {
    let spec = world.get::<HostSpec>(h).expect("host entity");
    let st = world.get::<HostState>(h).expect("host entity");
    let load = world.get::<Load>(h).copied().unwrap_or_default();
    let inst = world.get::<Instance>(h);
    let up = st.power == Power::Up;
    let mem = if up {
        inst.map_or(0.0, |i| i.memory_mb) + OS_RESERVED_MB
    } else {
        0.0
    };
    HostRow {
        name: spec.name.clone(),
        service: inst
            .map(|i| service_name(world, i.service))
            .unwrap_or_else(|| "-".into()),
        state: state_label(world, h),
        cpu_pct: if up { load.cpu * 100.0 } else { 0.0 },
        mem_pct: (mem / spec.memory_mb * 100.0).min(100.0),
        disk_pct: st.disk_used_gb / st.disk_gb * 100.0,
        rps: load.lambda,
        errors_pct: if load.lambda > 0.0 {
            load.fail * 100.0
        } else {
            0.0
        },
        p99_ms: load.p99_ms,
    }
}

fn host_view(world: &World, h: Entity) -> HostView {
    let spec = world.get::<HostSpec>(h).expect("host entity");
    let st = world.get::<HostState>(h).expect("host entity");
    let inst = world.get::<Instance>(h);
    let net = world.resource::<Network>();
    let load = world.get::<Load>(h).copied().unwrap_or_default();
    let mut processes = Vec::new();
    let mut role = None;
    let mut version = None;
    if let Some(i) = inst {
        let sspec = world.get::<ServiceSpec>(i.service).expect("service entity");
        let sst = world
            .get::<ServiceState>(i.service)
            .expect("service entity");
        version = Some(crate::security::annotate_version(
            world,
            i.service,
            &sst.versions[i.version.min(sst.versions.len() - 1)].name,
        ));
        if sspec.kind == ServiceKind::Database {
            role = Some(if sst.primary == Some(h) {
                "primary".into()
            } else if crate::storage::restoring_onto(world, h) {
                "being restored".into()
            } else {
                "replica".into()
            });
        }
        let running = st.power == Power::Up && i.proc == Proc::Running;
        processes.push(ProcessRow {
            name: sspec.process.clone(),
            state: state_label(world, h),
            cpu_cores: if running {
                (load.cpu * spec.cores - st.rogue_cores()).max(0.0)
            } else {
                0.0
            },
            mem_mb: if running { i.memory_mb } else { 0.0 },
            disk_write_gb_per_hour: 0.0,
        });
    }
    if st.power == Power::Up {
        for r in &st.rogues {
            processes.push(ProcessRow {
                name: r.name.clone(),
                state: "running".into(),
                cpu_cores: r.cores,
                mem_mb: 64.0,
                disk_write_gb_per_hour: r.gb_per_hour,
            });
        }
    }
    let writing: f64 = if st.power == Power::Up {
        st.rogues.iter().map(|r| r.gb_per_hour).sum()
    } else {
        0.0
    };
    HostView {
        name: spec.name.clone(),
        zone: net.zones[spec.zone].clone(),
        site: net.zone_site[spec.zone].clone(),
        power: match st.power {
            Power::Up => "up".into(),
            Power::Down => "down".into(),
            Power::Booting { .. } => "booting".into(),
            Power::Decommissioned if world.get::<crate::cloud::Planned>(h).is_some() => {
                "not provisioned".into()
            }
            Power::Decommissioned => "decommissioned".into(),
        },
        cores: spec.cores,
        memory_gb: spec.memory_mb / 1_024.0,
        disk_gb: st.disk_gb,
        disk_used_gb: st.disk_used_gb,
        disk_full_in_h: (writing > 0.0 && !st.disk_full())
            .then(|| (st.disk_gb - st.disk_used_gb) / writing),
        service: inst.map(|i| service_name(world, i.service)),
        role,
        version,
        in_pool: inst.and_then(|i| {
            world
                .get::<ServiceState>(i.service)
                .and_then(|s| s.balanced_by)
                .map(|_| i.in_pool && !i.drained)
        }),
        drained: inst.is_some_and(|i| i.drained),
        restarts: inst.map_or(0, |i| i.restarts),
        processes,
        row: host_row(world, h),
        volume: crate::storage::volume_view(world, h),
        vm: crate::virt::host_line(world, h),
    }
}

fn service_view(world: &World, s: Entity) -> ServiceView {
    let spec = world.get::<ServiceSpec>(s).expect("service entity");
    let st = world.get::<ServiceState>(s).expect("service entity");
    let names = world.resource::<Names>();
    let called_by = names
        .services
        .iter()
        .filter(|&&o| {
            world
                .get::<ServiceSpec>(o)
                .is_some_and(|os| os.calls.iter().any(|(c, _)| *c == s))
        })
        .map(|&o| service_name(world, o))
        .collect();
    ServiceView {
        row: service_row(world, s),
        versions: st.versions.iter().map(|v| v.name.clone()).collect(),
        calls: spec
            .calls
            .iter()
            .map(|(c, k)| (service_name(world, *c), *k))
            .collect(),
        called_by,
        balanced_by: st.balanced_by.map(|b| service_name(world, b)),
        primary: st.primary.map(|p| host_name(world, p)),
        replica_lag: spec.replica_lag,
        scaling: spec
            .scaling
            .as_ref()
            .map(|sc| (sc.max_instances, sc.provision_time)),
        instances: st
            .members
            .iter()
            .filter(|&&m| {
                world
                    .get::<HostState>(m)
                    .is_some_and(|h| h.power != Power::Decommissioned)
            })
            .map(|&m| host_row(world, m))
            .collect(),
        health_check: spec.health_check.as_ref().map(|hc| {
            format!(
                "every {}, out after {} failures, fails above {:.0}% errors",
                hc.interval,
                hc.unhealthy_after,
                hc.max_error_rate * 100.0
            )
        }),
    }
}

fn zone_view(world: &World, z: usize) -> ZoneView {
    let net = world.resource::<Network>();
    let names = world.resource::<Names>();
    ZoneView {
        name: net.zones[z].clone(),
        site: net.zone_site[z].clone(),
        hosts: names
            .hosts
            .iter()
            .filter(|&&h| world.get::<HostSpec>(h).is_some_and(|s| s.zone == z))
            .map(|&h| host_name(world, h))
            .collect(),
        links: net
            .links
            .iter()
            .filter(|l| l.a == z || l.b == z)
            .map(|l| {
                let other = if l.a == z { l.b } else { l.a };
                let state = if !l.carrying() {
                    "down"
                } else if l.extra_loss > 0.0 || l.extra_latency_ms > 0.0 {
                    "degraded"
                } else {
                    "up"
                };
                (
                    net.name(other).to_owned(),
                    state.to_owned(),
                    l.latency_ms + l.extra_latency_ms,
                    l.loss + l.extra_loss,
                )
            })
            .collect(),
    }
}

fn alerts(world: &World) -> Vec<AlertRow> {
    let sc = &world.resource::<ScenarioRes>().0;
    let metrics = world.resource::<Metrics>();
    world
        .resource::<Alerts>()
        .states
        .iter()
        .map(|st| {
            let rule = &st.rule;
            let value = match (&st.burn, st.owner.and_then(|o| metrics.of(o))) {
                (Some(window), _) => window.rate(now(world), sc.slo.availability),
                (None, Some(set)) => set.get(rule.metric).latest(),
                (None, None) => 0.0,
            };
            let (state, since) = match (st.firing_since, st.pending_since) {
                (Some(t), _) => ("firing", Some(t)),
                (None, Some(t)) => ("pending", Some(t)),
                _ => ("ok", None),
            };
            AlertRow {
                name: rule.name.clone(),
                condition: crate::monitoring::condition(rule),
                state: state.into(),
                since,
                value,
                by_candidate: st.by_candidate,
            }
        })
        .collect()
}
