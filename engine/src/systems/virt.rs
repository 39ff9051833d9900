//! `run_hypervisors`: migrations finish, HA restarts VMs, hypervisors share their cores and
//! memory among their VMs, and every host and service records its CPU steal.

use bevy_ecs::prelude::World;
use scenarios::Metric;

use crate::components::{HostSpec, ServiceSpec, ServiceState};
use crate::resources::{Clock, Metrics, Names};
use crate::virt::{Virt, steal_pct, tick};

pub fn run_hypervisors(world: &mut World) {
    if world.resource::<Virt>().hvs.is_empty() {
        return;
    }
    tick(world);
    let hosts = world.resource::<Names>().hosts.clone();
    let mut by_host = Vec::with_capacity(hosts.len());
    for &h in &hosts {
        if let Some(order) = world.get::<HostSpec>(h).map(|s| s.order) {
            by_host.push((h, order, steal_pct(world, order)));
        }
    }
    let services = world.resource::<Names>().services.clone();
    let mut by_service = Vec::with_capacity(services.len());
    for &s in &services {
        let (Some(spec), Some(st)) = (world.get::<ServiceSpec>(s), world.get::<ServiceState>(s))
        else {
            continue;
        };
        let values: Vec<f64> = st
            .members
            .iter()
            .filter_map(|&m| by_host.iter().find(|(h, ..)| *h == m).map(|x| x.2))
            .collect();
        let mean = values.iter().sum::<f64>() / values.len().max(1) as f64;
        by_service.push((spec.order, mean));
    }
    // Every metric bucket a quiet stretch covers gets its sample, as in `record_metrics`.
    let buckets = crate::systems::metrics::buckets(world.resource::<Clock>());
    let mut metrics = world.resource_mut::<Metrics>();
    for (_, order, steal) in by_host {
        if let Some(set) = metrics.hosts.get_mut(order) {
            for t in buckets.clone() {
                set.push_one(Metric::Steal, t, steal);
            }
        }
    }
    for (order, steal) in by_service {
        if let Some(set) = metrics.services.get_mut(order) {
            for t in buckets.clone() {
                set.push_one(Metric::Steal, t, steal);
            }
        }
    }
}
