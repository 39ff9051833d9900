//! Coasting through quiet stretches. The engine ticks at the scenario's tick (1 s) whenever
//! anything is happening; when nothing can change but the traffic's smooth curve — no fault,
//! operation, delivery, patch, certificate or scripted line due, nobody booting, starting,
//! crashing, failing over or warming up, no health check half-way to a verdict, no disk or memory
//! about to cross a line, no migration, evacuation or replica copy under way — it takes one step to
//! the next whole minute instead (or to the end of the wait), stopping short of anything due. Every system runs once and
//! integrates over the step, as it does over a scenario's hourly tick; every 10-second metric
//! bucket in the step gets the step's sample.
//!
//! What a step of a minute changes: demand and its noise are sampled once a minute in a quiet
//! stretch; a change the traffic alone brings about (a backend failing its checks under load, an
//! alert's threshold crossed) is seen at the next step, at most a minute later — Prometheus
//! scrapes and evaluates rules once a minute by default (`scrape_interval` and
//! `evaluation_interval`, prometheus.io/docs/prometheus/latest/configuration/configuration/).
//! Everything scheduled still happens on its tick, because a step never reaches past anything
//! due. Steps end on the minute grid, so `wait 1h` twice and `wait 2h` once step alike.

use bevy_ecs::prelude::{Entity, World};
use bevy_ecs::query::QueryState;
use scenarios::Dur;

use crate::capacity::CapacityState;
use crate::cloud::dns::Dns;
use crate::cloud::groups::Groups;
use crate::cloud::replicas::{Replicas, Sync};
use crate::components::{
    HostSpec, HostState, Instance, Load, Power, Proc, ServiceSpec, ServiceState,
};
use crate::design::{AutoFailover, DETECT};
use crate::resources::{Alerts, Clock, Faults, Ops, ScriptedLogs};
use crate::security::Security;
use crate::storage::Storage;
use crate::systems::processes::{DISK_MARKS, OS_RESERVED_MB};
use crate::virt::{HvState, Virt};

/// The longest step, and the grid steps end on.
pub const COAST: Dur = Dur(60_000);

type HostProbe = (
    &'static HostSpec,
    &'static HostState,
    Option<&'static Instance>,
    &'static Load,
);

/// The queries [`next`] asks of the world at every step, made once: making a query state
/// matches it against every archetype, and per step that was half the allocations of a run.
pub struct Probe {
    hosts: QueryState<HostProbe>,
    services: QueryState<&'static ServiceSpec>,
}

impl Probe {
    pub fn new(world: &mut World) -> Probe {
        Probe {
            hosts: world.query(),
            services: world.query(),
        }
    }
}

/// The step a quiet stretch from the clock's time towards `target` would take — to the next
/// whole minute, `target` or anything due, whichever is first; the tick when that is under two
/// ticks or something is under way — and whether the estate is calm: nothing under way and
/// nothing due on this tick.
pub fn next(world: &World, probe: &mut Probe, target: Dur) -> (Dur, bool) {
    let clock = *world.resource::<Clock>();
    let (now, tick) = (clock.now.ms(), clock.tick.ms().max(1));
    if tick >= COAST.ms() {
        return (clock.tick, false);
    }
    let Some(until) = quiet_until(world, probe, clock.now) else {
        return (clock.tick, false);
    };
    let grid = (now / COAST.ms() + 1) * COAST.ms();
    let end = grid.min(target.ms()).min(clock.limit.ms()).min(until.ms());
    let ticks = end.saturating_sub(now) / tick;
    let step = if ticks < 2 {
        clock.tick
    } else {
        Dur(ticks * tick)
    };
    (step, until.ms() > now)
}

/// How long the estate stays quiet from `now`: the earliest time anything is due, or `None`
/// when something is under way that needs every tick.
fn quiet_until(world: &World, probe: &mut Probe, now: Dur) -> Option<Dur> {
    if busy(world, now) {
        return None;
    }
    let mut until = Due(u64::MAX);
    until.at(world.resource::<Faults>().pending.first().map(|f| f.at));
    let scripted = world.resource::<ScriptedLogs>();
    until.at(scripted.lines.get(scripted.next).map(|l| l.at));
    until.at(world.resource::<Ops>().queue.first().map(|q| q.0));
    until.at(world
        .resource::<Storage>()
        .schedules
        .iter()
        .map(|s| s.next)
        .min());
    if let Some(cap) = world.get_resource::<CapacityState>() {
        until.at(cap.orders.iter().map(|o| o.arrives).min());
    }
    for s in &world.resource::<Alerts>().states {
        if let (Some(since), None) = (s.pending_since, s.firing_since) {
            until.at(Some(Dur(since.ms() + s.rule.for_.ms())));
        }
    }
    if let Some(af) = world.get_resource::<AutoFailover>() {
        for since in af.services.values().flatten() {
            until.at(Some(Dur(since.ms() + DETECT.ms())));
        }
    }
    if let Some(groups) = world.get_resource::<Groups>() {
        for g in &groups.groups {
            for (_, t) in &g.launched {
                if now.ms() < t.ms() + g.warmup.ms() {
                    until.at(Some(Dur(t.ms() + g.warmup.ms())));
                }
            }
        }
    }
    let sec = world.resource::<Security>();
    for cert in sec.certs.iter().flatten() {
        until.at(cert.renewing_until);
        if !cert.expired_seen {
            until.at(Some(cert.expires));
        }
    }
    until.at(sec.patches.iter().map(|p| p.due).min());
    until.at(world
        .resource::<Virt>()
        .ha_pending
        .iter()
        .map(|p| p.0)
        .min());
    hosts(world, probe, now, &mut until);
    Some(Dur(until.0))
}

/// The earliest time something is due.
struct Due(u64);

impl Due {
    fn at(&mut self, t: Option<Dur>) {
        if let Some(t) = t {
            self.0 = self.0.min(t.ms());
        }
    }
}

/// Whether any part of the estate that moves in small steps of its own is in motion: VMs
/// migrating or a hypervisor evacuating, replicas copying or catching up, clients moving as
/// cached DNS answers expire.
fn busy(world: &World, now: Dur) -> bool {
    let virt = world.resource::<Virt>();
    !virt.migrations.is_empty()
        || virt.hvs.iter().any(|h| h.state == HvState::Entering)
        || world.get_resource::<Replicas>().is_some_and(|r| {
            r.replicas
                .iter()
                .any(|r| matches!(r.sync, Sync::Copying { .. } | Sync::CatchingUp))
        })
        || world.get_resource::<Dns>().is_some_and(|d| {
            d.records.iter().any(|r| {
                r.changed
                    .iter()
                    .chain(&r.ttl_changed)
                    .any(|(w, over)| now.ms() < w.ms() + over.ms())
            })
        })
}

/// What the hosts have due: a boot, a process start or restart, a load balancer's next check
/// while a backend's verdict is changing, a filling disk or a leaking process crossing a line.
fn hosts(world: &World, probe: &mut Probe, now: Dur, until: &mut Due) {
    let volumes = &world.resource::<Storage>().volumes;
    let mut crossing = f64::INFINITY;
    let mut unsettled = false;
    // Hosts of one service mostly come one after another: look each service up once per run
    // of its hosts, not once per host.
    let mut last: Option<(Entity, Option<&ServiceState>, Option<f64>)> = None;
    for (spec, st, inst, load) in probe.hosts.iter(world) {
        match st.power {
            Power::Booting { until: t } => until.at(Some(t)),
            Power::Up | Power::Down => {}
            Power::Decommissioned => continue,
        }
        let writing: f64 = st.rogues.iter().map(|r| r.gb_per_hour).sum::<f64>()
            + volumes.get(spec.order).map_or(0.0, |v| v.fill_gb_per_hour);
        if st.power == Power::Up && writing > 0.0 && st.disk_gb > 0.0 {
            let level = st.disk_used_gb / st.disk_gb;
            if let Some((mark, _)) = DISK_MARKS.iter().find(|(m, _)| level < *m) {
                crossing = crossing.min((mark * st.disk_gb - st.disk_used_gb) / writing * 3_600.0);
            }
        }
        let Some(inst) = inst else { continue };
        match inst.proc {
            Proc::Starting { until: t } | Proc::Crashed { retry: t } => until.at(Some(t)),
            Proc::Running | Proc::Stopped => {}
        }
        let (service, checked) = match last {
            Some((e, service, checked)) if e == inst.service => (service, checked),
            _ => {
                let service = world.get::<ServiceState>(inst.service);
                let checked = service.and_then(|s| checked_by(world, s));
                last = Some((inst.service, service, checked));
                (service, checked)
            }
        };
        if let Some(max_errors) = checked {
            // The verdict the next check gives, as far as the backend alone decides it (a
            // backend the network hides fails its checks however healthy it is).
            let passes =
                st.power == Power::Up && inst.proc == Proc::Running && load.fail <= max_errors;
            unsettled |= if inst.in_pool {
                inst.failed_checks > 0 || !passes
            } else {
                inst.passed_checks > 0 || passes
            };
        }
        if st.power == Power::Up && inst.proc == Proc::Running {
            let leak = service
                .and_then(|s| s.versions.get(inst.version))
                .map_or(0.0, |v| v.leak_mb_per_min);
            if leak > 0.0 {
                let room = spec.memory_mb - OS_RESERVED_MB - inst.memory_mb;
                crossing = crossing.min(room / leak * 60.0);
            }
        }
    }
    if crossing.is_finite() {
        until.at(Some(Dur(now.ms() + (crossing.max(0.0) * 1_000.0) as u64)));
    }
    if unsettled {
        // Every check counts while a backend's verdict is changing: stop at the next one.
        for spec in probe.services.iter(world) {
            if let Some(hc) = &spec.health_check {
                let every = hc.interval.ms().max(1);
                until.at(Some(Dur((now.ms() / every + 1) * every)));
            }
        }
    }
}

/// The error rate above which a service's load balancer fails its backends' checks, if one
/// checks them.
fn checked_by(world: &World, service: &ServiceState) -> Option<f64> {
    let lb = service.balanced_by?;
    world
        .get::<ServiceSpec>(lb)?
        .health_check
        .as_ref()
        .map(|hc| hc.max_error_rate)
}
