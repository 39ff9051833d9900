//! `record_metrics`: every host and service reports its seven metrics each tick.

use bevy_ecs::prelude::{Query, Res, ResMut};

use crate::components::{
    HostSpec, HostState, Instance, Load, Power, ServiceLoad, ServiceSpec, ServiceState,
};
use crate::resources::{Clock, MetricOwner, Metrics, Names};
use crate::systems::processes::OS_RESERVED_MB;

pub type HostMetricQuery<'w, 's> = Query<
    'w,
    's,
    (
        &'static HostSpec,
        &'static HostState,
        Option<&'static Instance>,
        &'static Load,
    ),
>;
pub type ServiceMetricQuery<'w, 's> = Query<
    'w,
    's,
    (
        &'static ServiceSpec,
        &'static ServiceState,
        &'static ServiceLoad,
    ),
>;

pub fn record_metrics(
    clock: Res<Clock>,
    names: Res<Names>,
    mut metrics: ResMut<Metrics>,
    hosts: HostMetricQuery,
    services: ServiceMetricQuery,
) {
    let now = clock.now;
    sample(&names, &hosts, &services, |owner, values| {
        let set = match owner {
            MetricOwner::Host(i) => metrics.hosts.get_mut(i),
            MetricOwner::Service(i) => metrics.services.get_mut(i),
        };
        if let Some(set) = set {
            set.push(now, values);
        }
    });
}

/// The seven metrics of every host and service as they stand, handed to `out` in `Names` order.
pub fn sample(
    names: &Names,
    hosts: &HostMetricQuery,
    services: &ServiceMetricQuery,
    mut out: impl FnMut(MetricOwner, [f64; 7]),
) {
    for &h in &names.hosts {
        let Ok((spec, st, inst, load)) = hosts.get(h) else {
            continue;
        };
        let values = if st.power == Power::Up {
            let used = inst.map_or(0.0, |i| i.memory_mb) + OS_RESERVED_MB;
            [
                load.cpu * 100.0,
                (used / spec.memory_mb * 100.0).min(100.0),
                st.disk_used_gb / st.disk_gb * 100.0,
                load.lambda,
                load.fail * 100.0,
                load.p99_ms,
                load.conns,
            ]
        } else {
            [
                0.0,
                0.0,
                st.disk_used_gb / st.disk_gb * 100.0,
                0.0,
                if load.lambda > 0.0 { 100.0 } else { 0.0 },
                0.0,
                0.0,
            ]
        };
        out(MetricOwner::Host(spec.order), values);
    }
    for &s in &names.services {
        let Ok((spec, state, sl)) = services.get(s) else {
            continue;
        };
        let (mut cpu, mut mem, mut disk, mut conns, mut n) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for &m in &state.members {
            let Ok((hs, st, inst, load)) = hosts.get(m) else {
                continue;
            };
            if st.power == Power::Decommissioned {
                continue;
            }
            cpu += load.cpu * 100.0;
            mem += (inst.map_or(0.0, |i| i.memory_mb) + OS_RESERVED_MB) / hs.memory_mb * 100.0;
            disk += st.disk_used_gb / st.disk_gb * 100.0;
            conns += load.conns;
            n += 1.0;
        }
        let n = f64::max(n, 1.0);
        let values = [
            cpu / n,
            mem / n,
            disk / n,
            sl.lambda,
            (1.0 - sl.ok) * 100.0,
            sl.p99_ms,
            conns,
        ];
        out(MetricOwner::Service(spec.order), values);
    }
}
