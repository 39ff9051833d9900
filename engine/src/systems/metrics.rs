//! `record_metrics`: every host and service reports its seven metrics each tick.

use bevy_ecs::prelude::{Entity, Local, Query, Res, ResMut};

use crate::components::{
    HostSpec, HostState, Instance, Load, Power, ServiceLoad, ServiceSpec, ServiceState,
};
use crate::metrics::finest_bucket;
use crate::resources::{Clock, MetricOwner, Metrics, Names};
use crate::systems::processes::OS_RESERVED_MB;
use scenarios::Dur;

pub type HostMetricQuery<'w, 's> = Query<
    'w,
    's,
    (
        Entity,
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
    mut members: Local<Members>,
) {
    let (at, count) = bucket_run(&clock);
    let metrics = &mut *metrics;
    sample(
        &names,
        &hosts,
        &services,
        &mut members,
        |owner, values| match owner {
            MetricOwner::Host(i) => metrics.hosts.sample(i, values),
            MetricOwner::Service(i) => {
                if let Some(set) = metrics.services.get_mut(i) {
                    set.push_run(at, count, values);
                }
            }
        },
    );
    metrics.hosts.push_run(at, count);
}

/// The first time at which this step samples the metrics and how many times it does, a finest
/// bucket apart: one, or every bucket a quiet stretch (see `coast`) covers.
fn bucket_run(clock: &Clock) -> (Dur, u32) {
    let bucket = finest_bucket(clock.tick).ms();
    (clock.now, clock.step.ms().div_ceil(bucket) as u32)
}

/// The times at which this step samples the metrics: its start, and the start of every further
/// finest bucket a step longer than one (a quiet stretch; see `coast`) covers.
pub fn buckets(clock: &Clock) -> impl Iterator<Item = Dur> + Clone + use<> {
    let bucket = finest_bucket(clock.tick).ms();
    let (at, count) = bucket_run(clock);
    (0..u64::from(count)).map(move |i| Dur(at.ms() + i * bucket))
}

/// What each host adds to its service's metrics (CPU, memory and disk percent, connections),
/// by entity index, gathered in the pass over the hosts; `None` for a decommissioned host.
#[derive(Debug, Default)]
pub struct Members {
    rows: Vec<Option<(Entity, Option<[f64; 4]>)>>,
}

impl Members {
    fn get(&self, e: Entity) -> Option<Option<[f64; 4]>> {
        match self.rows.get(e.index_u32() as usize) {
            Some(Some((owner, row))) if *owner == e => Some(*row),
            _ => None,
        }
    }
}

/// The seven metrics of every host and service as they stand, handed to `out`: every host (in
/// the order the world stores them), then every service in `Names` order. Each owner is handed
/// its values once, so the order hosts come in changes nothing.
pub fn sample(
    names: &Names,
    hosts: &HostMetricQuery,
    services: &ServiceMetricQuery,
    members: &mut Members,
    mut out: impl FnMut(MetricOwner, [f64; 7]),
) {
    members.rows.iter_mut().for_each(|r| *r = None);
    for (e, spec, st, inst, load) in hosts.iter() {
        let i = e.index_u32() as usize;
        if members.rows.len() <= i {
            members.rows.resize(i + 1, None);
        }
        let share = (st.power != Power::Decommissioned).then(|| {
            [
                load.cpu * 100.0,
                (inst.map_or(0.0, |i| i.memory_mb) + OS_RESERVED_MB) / spec.memory_mb * 100.0,
                st.disk_used_gb / st.disk_gb * 100.0,
                load.conns,
            ]
        });
        members.rows[i] = Some((e, share));
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
            let Some(Some([c, m, d, k])) = members.get(m) else {
                continue;
            };
            cpu += c;
            mem += m;
            disk += d;
            conns += k;
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
