//! `account_capacity`: each tick, the money the estate costs (on-prem running costs, cloud hours
//! on demand and reserved), and how busy each planned service is, for the capacity KPIs.

use bevy_ecs::prelude::{Local, World};
use scenarios::Dur;

use crate::capacity::{CapacityState, day_waste, demand_and_capacity, utilisation};
use crate::components::{HostSpec, HostState, Power};
use crate::resources::{Clock, Ledger, Names, ScenarioRes};

const DAY_MS: u64 = 86_400_000;

/// What one tick gathers before booking it, kept from tick to tick so a tick allocates nothing.
#[derive(Debug, Default)]
pub struct Gathered {
    /// Hosts that cost money now: everything not decommissioned, by `order`.
    live: Vec<usize>,
    /// (demand, capacity, cost per hour of its hosts) of each planned service.
    tiers: Vec<(f64, f64, f64)>,
    /// Cloud hosts running, by host type.
    running: Vec<u32>,
}

pub fn account_capacity(world: &mut World, mut gathered: Local<Gathered>) {
    if world.get_resource::<CapacityState>().is_none() {
        return;
    }
    let clock = *world.resource::<Clock>();
    let hours = clock.step.ms() as f64 / 3_600_000.0;
    let now = clock.now;
    let Gathered {
        live,
        tiers,
        running,
    } = &mut *gathered;
    {
        let world: &World = world;
        live.clear();
        live.extend(world.resource::<Names>().hosts.iter().filter_map(|&h| {
            let st = world.get::<HostState>(h)?;
            (st.power != Power::Decommissioned)
                .then(|| world.get::<HostSpec>(h).map(|s| s.order))?
        }));
        let state = world.resource::<CapacityState>();
        tiers.clear();
        tiers.extend(state.services.iter().map(|&s| {
            let (d, c) = demand_and_capacity(world, s);
            let cost: f64 = world
                .get::<crate::components::ServiceState>(s)
                .map(|st| {
                    st.members
                        .iter()
                        .filter_map(|&m| world.get::<HostSpec>(m))
                        .filter_map(|h| state.billing.get(h.order))
                        .map(|b| b.hourly + b.depreciation)
                        .sum()
                })
                .unwrap_or(0.0);
            (d, c, cost)
        }));
    }
    let breached = {
        let ledger = world.resource::<Ledger>();
        let slo = &world.resource::<ScenarioRes>().0.slo;
        ledger.last_rps > 0.0
            && (ledger.last_ok < slo.availability || ledger.last_p99_ms > slo.latency_p99_ms)
    };

    let mut state = world.resource_mut::<CapacityState>();
    let state = &mut *state;
    let types = state.plan.host_types.len();
    running.clear();
    running.resize(types, 0);
    for &order in live.iter() {
        let Some(b) = state.billing.get(order) else {
            continue;
        };
        match (b.cloud, b.host_type) {
            (true, Some(t)) => running[t] += 1,
            (true, None) => state.ledger.cloud_on_demand += b.hourly * hours,
            (false, _) => state.ledger.onprem_running += b.hourly * hours,
        }
    }
    for (t, &r) in running.iter().enumerate() {
        if !state.cloud_types[t] {
            continue;
        }
        let ty = &state.plan.host_types[t];
        let reserved = state.reserved(t, now);
        let rate = ty.reserved_hourly.unwrap_or(0.0);
        state.ledger.cloud_reserved += f64::from(reserved) * rate * hours;
        state.ledger.cloud_on_demand +=
            f64::from(r.saturating_sub(reserved)) * ty.hourly_cost * hours;
        state.ledger.reserved_waste += f64::from(reserved.saturating_sub(r)) * rate * hours;
    }
    let mut saturated = breached;
    let ledger = &mut state.ledger;
    for (i, &(d, c, cost)) in tiers.iter().enumerate() {
        let u = utilisation(d, c);
        if u > ledger.peaks[i].0 {
            ledger.peaks[i] = (u, now, d, c);
        }
        saturated |= u >= state.plan.saturation_util;
        let day = &mut ledger.day[i];
        day.0 += cost * hours;
        day.1 = day.1.max(d);
        day.2 += c.min(1e12) * hours;
        day.3 += hours;
    }
    if saturated {
        ledger.saturated_ms += clock.step.ms();
        let end = Dur(now.ms() + clock.step.ms());
        match ledger.spans.last_mut() {
            Some(span) if span.1 == now => span.1 = end,
            _ => ledger.spans.push((now, end)),
        }
    }
    if (now.ms() + clock.step.ms()) / DAY_MS > now.ms() / DAY_MS {
        let (waste, _) = day_waste(&state.plan, &ledger.day);
        ledger.idle_waste += waste;
        if ledger.worst_day.is_none_or(|(_, w)| waste > w) && waste > 0.0 {
            ledger.worst_day = Some((ledger.day_start, waste));
        }
        for d in &mut ledger.day {
            *d = (0.0, 0.0, 0.0, 0.0);
        }
        ledger.day_start = Dur((now.ms() + clock.step.ms()) / DAY_MS * DAY_MS);
    }
    if let Some(budget) = state.plan.budget
        && ledger.budget_crossed.is_none()
        && ledger.spend() > budget
    {
        ledger.budget_crossed = Some(now);
    }
}
