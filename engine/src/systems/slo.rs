//! `account_slo`: good and total requests, writes, money, and one sample per simulated minute.

use bevy_ecs::prelude::{Entity, Local, Query, Res, ResMut};
use scenarios::Dur;

use crate::components::{HostSpec, HostState, Instance, ServiceSpec};
use crate::cost::{Spend, hourly_rate};
use crate::record::MinuteSample;
use crate::resources::{Clock, Ledger, Names, ScenarioRes};

/// A host's service, if it runs one, and what it costs an hour.
type Row = (Option<Entity>, f64);

pub fn account_slo(
    clock: Res<Clock>,
    scenario: Res<ScenarioRes>,
    names: Res<Names>,
    mut ledger: ResMut<Ledger>,
    mut spend: ResMut<Spend>,
    hosts: Query<(&HostSpec, &HostState, Option<&Instance>)>,
    services: Query<&ServiceSpec>,
    mut rows: Local<Vec<Option<Row>>>,
) {
    let dt = clock.dt_secs();
    let slo = &scenario.0.slo;
    let requests = ledger.last_rps * dt;
    let good = requests * ledger.last_ok;
    let p99 = if ledger.last_ok > 0.0 {
        ledger.last_p99_ms
    } else {
        0.0
    };
    let writes = requests * scenario.0.traffic.write_fraction;
    // Each host's service and price, gathered in one pass over the hosts and booked in `Names`
    // order (a host's `order`), so every service's sum adds the same amounts in the same order.
    rows.clear();
    rows.resize(names.hosts.len(), None);
    for (spec, st, inst) in &hosts {
        if let Some(row) = rows.get_mut(spec.order) {
            *row = Some((inst.map(|i| i.service), hourly_rate(spec, st)));
        }
    }
    let mut last: Option<(Entity, Option<&str>)> = None;
    let mut name_of = |e: Entity| match last {
        Some((known, name)) if known == e => name,
        _ => {
            let name = services.get(e).ok().map(|s| s.name.as_str());
            last = Some((e, name));
            name
        }
    };
    let cost = spend.accrue(
        dt,
        rows.iter()
            .flatten()
            .map(|&(service, hourly)| (service.and_then(&mut name_of), hourly)),
    );
    let totals = &mut ledger.totals;
    totals.requests += requests;
    totals.good += good;
    totals.writes += writes;
    totals.cost += cost;

    let minute = Dur(clock.now.ms() / 60_000 * 60_000);
    if ledger.current.is_some_and(|m| m.at != minute) {
        let done = ledger.current.take().expect("checked above");
        ledger.minutes.push(done);
    }
    let sample = ledger.current.get_or_insert(MinuteSample {
        at: minute,
        requests: 0.0,
        good: 0.0,
        p99_ms: 0.0,
        healthy: true,
    });
    sample.requests += requests;
    sample.good += good;
    sample.p99_ms = sample.p99_ms.max(p99);
    let error_rate = if sample.requests > 0.0 {
        1.0 - sample.good / sample.requests
    } else {
        0.0
    };
    sample.healthy = error_rate <= 1.0 - slo.availability && sample.p99_ms <= slo.latency_p99_ms;
}
