//! Building a World from a Scenario: spawn hosts and services, resolve names, order services
//! so callers come before callees, and create every resource a run needs.

use std::collections::BTreeMap;

use bevy_ecs::prelude::{Entity, World};
use scenarios::{Scenario, ServiceKind};

use crate::components::{
    HostSpec, HostState, Instance, Load, Power, Proc, ServiceLoad, ServiceSpec, ServiceState,
    Version,
};
use crate::metrics::{HostSets, MetricSet};
use crate::network::{LinkState, Network};
use crate::resources::{
    AlertState, Alerts, Clock, Faults, Journal, Ledger, Log, MetricOwner, Metrics, Names, Ops,
    ScenarioRes, ScriptedLogs, SimRng, Target,
};

/// The process name `describe` shows and `kill` accepts for a service's main process.
pub fn process_name(kind: ServiceKind, id: &str) -> String {
    match kind {
        ServiceKind::LoadBalancer => "haproxy".into(),
        ServiceKind::Database => "postgres".into(),
        ServiceKind::Cache => "redis-server".into(),
        ServiceKind::Queue => "rabbitmq-server".into(),
        ServiceKind::Dns => "named".into(),
        ServiceKind::Web => "nginx".into(),
        ServiceKind::App => id.to_owned(),
    }
}

pub fn build(scenario: &Scenario, seed: u64) -> World {
    let mut world = World::new();
    let topo = &scenario.topology;

    let mut zones = Vec::new();
    let mut zone_site = Vec::new();
    for site in &topo.sites {
        for zone in &site.zones {
            zones.push(zone.clone());
            zone_site.push(site.id.clone());
        }
    }
    let zone_index = |name: &str| zones.iter().position(|z| z == name).unwrap_or(0);
    let links = topo
        .links
        .iter()
        .map(|l| {
            let mut link = LinkState::new(
                crate::network_ops::endpoint_index(topo, &l.from),
                crate::network_ops::endpoint_index(topo, &l.to),
                l.latency_ms,
                l.loss,
                l.gbps,
            );
            link.base_gbps = l.base_gbps;
            link
        })
        .collect();

    let mut names = Names::default();
    for (i, zone) in zones.iter().enumerate() {
        names.by_name.insert(zone.clone(), Target::Zone(i));
    }
    for (i, node) in topo.nodes.iter().enumerate() {
        names
            .by_name
            .insert(node.id.clone(), Target::Node(zones.len() + i));
    }
    let mut metrics = Metrics {
        hosts: HostSets::for_estate(topo.hosts.len()),
        ..Metrics::default()
    };
    for (order, h) in topo.hosts.iter().enumerate() {
        let e = world
            .spawn((
                HostSpec {
                    name: h.id.clone(),
                    order,
                    zone: zone_index(&h.zone),
                    cores: h.cores as f64,
                    memory_mb: h.memory_gb * 1_024.0,
                    boot_time: h.boot_time,
                    hourly_cost: h.hourly_cost,
                },
                HostState {
                    power: Power::Up,
                    disk_gb: h.disk_gb,
                    disk_used_gb: h.disk_used_gb,
                    rogues: Vec::new(),
                },
                Load::default(),
            ))
            .id();
        names.by_name.insert(h.id.clone(), Target::Host(e));
        names.hosts.push(e);
        metrics.hosts.add(scenario.tick);
    }

    let service_entities: Vec<Entity> = topo
        .services
        .iter()
        .map(|_| world.spawn(ServiceLoad::default()).id())
        .collect();
    let by_id: BTreeMap<&str, Entity> = topo
        .services
        .iter()
        .zip(&service_entities)
        .map(|(s, e)| (s.id.as_str(), *e))
        .collect();
    for (order, (svc, &e)) in topo.services.iter().zip(&service_entities).enumerate() {
        let members: Vec<Entity> = svc
            .hosts
            .iter()
            .filter_map(|h| match names.by_name.get(h) {
                Some(Target::Host(he)) => Some(*he),
                _ => None,
            })
            .collect();
        let calls = svc
            .calls
            .iter()
            .filter_map(|c| by_id.get(c.service.as_str()).map(|ce| (*ce, c.per_request)))
            .collect();
        world.entity_mut(e).insert((
            ServiceSpec {
                name: svc.id.clone(),
                order,
                kind: svc.kind,
                ms_per_request: svc.ms_per_request,
                workers: svc.workers,
                memory_mb: svc.memory_mb,
                max_connections: svc.max_connections,
                start_time: svc.start_time,
                calls,
                health_check: svc.health_check.clone(),
                replica_lag: svc.replica_lag,
                scaling: svc.scaling.clone(),
                process: process_name(svc.kind, &svc.id),
            },
            ServiceState {
                members: members.clone(),
                primary: (svc.kind == ServiceKind::Database).then(|| members[0]),
                versions: vec![Version {
                    name: svc.version.clone(),
                    error_rate: 0.0,
                    cpu_factor: 1.0,
                    leak_mb_per_min: 0.0,
                }],
                current: 0,
                balanced_by: None,
                replica_behind_since: None,
            },
        ));
        for m in members {
            world.entity_mut(m).insert(Instance {
                service: e,
                proc: Proc::Running,
                memory_mb: svc.memory_mb,
                version: 0,
                drained: false,
                in_pool: true,
                failed_checks: 0,
                passed_checks: 0,
                restarts: 0,
            });
        }
        names.by_name.insert(svc.id.clone(), Target::Service(e));
        names.services.push(e);
        metrics.services.push(MetricSet::service(scenario.tick));
    }
    // A load balancer's callees sit in its pool.
    for svc in &topo.services {
        if svc.kind != ServiceKind::LoadBalancer {
            continue;
        }
        let lb = by_id[svc.id.as_str()];
        for call in &svc.calls {
            if let Some(&callee) = by_id.get(call.service.as_str())
                && let Some(mut st) = world.get_mut::<ServiceState>(callee)
            {
                st.balanced_by = Some(lb);
            }
        }
    }
    names.topo = topo_order(scenario, &service_entities);
    names.entry = by_id.get(scenario.traffic.entry.as_str()).copied();
    let mut virt = crate::virt::Virt::build(scenario, zone_index);
    for rule in &topo.anti_affinity {
        let members = rule
            .hosts
            .iter()
            .filter_map(|h| match names.by_name.get(h) {
                Some(Target::Host(e)) => Some(*e),
                _ => None,
            })
            .collect();
        virt.rules.push((rule.name.clone(), members));
    }
    world.insert_resource(virt);

    let mut pending = scenario.faults.clone();
    pending.sort_by_key(|f| f.at); // stable: equal times keep file order
    world.insert_resource(Clock {
        now: scenarios::Dur::ZERO,
        tick: scenario.tick,
        step: scenario.tick,
        start_minute: scenarios::start_minute_of_week(&scenario.start),
        limit: scenario.time_limit,
    });
    world.insert_resource(SimRng::new(seed));
    let nodes = crate::network_ops::node_states(topo);
    world.insert_resource(Network::with_nodes(zones, zone_site, nodes, links));
    world.insert_resource(names);
    world.insert_resource(metrics);
    world.insert_resource(Log::default());
    world.insert_resource(Faults {
        pending,
        fired: Vec::new(),
    });
    world.insert_resource(Ops::default());
    world.insert_resource(crate::monitoring::Creeps::default());
    let mut lines = scenario.logs.clone();
    lines.sort_by_key(|l| l.at); // stable: equal times keep file order
    world.insert_resource(ScriptedLogs { lines, next: 0 });
    world.insert_resource(Ledger {
        last_ok: 1.0,
        ..Ledger::default()
    });
    world.insert_resource(Alerts {
        states: scenario
            .alerts
            .iter()
            .map(|rule| AlertState {
                burn: rule
                    .burn_window
                    .map(|w| crate::monitoring::BurnWindow::new(w, scenario.tick)),
                ..AlertState::new(rule.clone(), false)
            })
            .map(|state| AlertState {
                owner: topo
                    .hosts
                    .iter()
                    .position(|h| h.id == state.rule.target)
                    .map(MetricOwner::Host)
                    .or_else(|| {
                        topo.services
                            .iter()
                            .position(|s| s.id == state.rule.target)
                            .map(MetricOwner::Service)
                    }),
                ..state
            })
            .collect(),
        firings: Vec::new(),
    });
    world.insert_resource(crate::storage::Storage::build(scenario, &service_entities));
    world.insert_resource(crate::security::build(scenario));
    world.insert_resource(Journal::default());
    world.insert_resource(ScenarioRes(scenario.clone()));
    crate::cloud::install(&mut world, scenario);
    crate::capacity::setup(&mut world, scenario);
    world
}

/// Kahn's algorithm over the call graph, breaking ties by declaration order.
fn topo_order(scenario: &Scenario, entities: &[Entity]) -> Vec<Entity> {
    let services = &scenario.topology.services;
    let index: BTreeMap<&str, usize> = services
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let mut indegree = vec![0usize; services.len()];
    for s in services {
        for c in &s.calls {
            if let Some(&j) = index.get(c.service.as_str()) {
                indegree[j] += 1;
            }
        }
    }
    let mut order = Vec::with_capacity(services.len());
    let mut done = vec![false; services.len()];
    while order.len() < services.len() {
        let Some(next) = (0..services.len()).find(|&i| !done[i] && indegree[i] == 0) else {
            // Validation rejects cycles; append any remainder rather than loop forever.
            order.extend(
                (0..services.len())
                    .filter(|&i| !done[i])
                    .map(|i| entities[i]),
            );
            break;
        };
        done[next] = true;
        order.push(entities[next]);
        for c in &services[next].calls {
            if let Some(&j) = index.get(c.service.as_str()) {
                indegree[j] -= 1;
            }
        }
    }
    order
}
