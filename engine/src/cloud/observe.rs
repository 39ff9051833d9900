//! Answering the cloud's queries from the world: `cost`, `asg show`, `dns show`, `verify`.

use bevy_ecs::prelude::World;
use scenarios::Dur;

use super::groups::{Groups, members};
use super::replicas::{Replicas, Sync};
use super::view::{CostRow, CostView, DnsRow, GroupRow, VerifyView};
use super::{Catalogue, Dns, host_entity};
use crate::components::{HostSpec, HostState, Instance, ServiceSpec, ServiceState};
use crate::cost::{HOURS_PER_MONTH, Spend, UNASSIGNED, hourly_rate};
use crate::effects::{host_name, in_service, now, service_name};
use crate::resources::{Ledger, Names};
use crate::views::View;
use crate::{Query, SimError};

pub fn observe(world: &World, query: &Query) -> Result<View, SimError> {
    Ok(match query {
        Query::Cost => View::Cost(cost(world)),
        Query::Groups => View::Groups(groups(world)),
        Query::Dns => View::Dns(dns(world)),
        Query::Verify { host } => View::Verify(verify(world, host)?),
        _ => return Err(SimError::new("not a cloud query")),
    })
}

pub fn cost(world: &World) -> CostView {
    let spend = world.resource::<Spend>();
    let mut rows: Vec<CostRow> = Vec::new();
    for &h in &world.resource::<Names>().hosts {
        let (Some(spec), Some(st)) = (world.get::<HostSpec>(h), world.get::<HostState>(h)) else {
            continue;
        };
        let rate = hourly_rate(spec, st);
        if rate <= 0.0 {
            continue;
        }
        let service = world
            .get::<Instance>(h)
            .map_or_else(|| UNASSIGNED.to_owned(), |i| service_name(world, i.service));
        match rows.iter_mut().find(|r| r.service == service) {
            Some(r) => {
                r.hosts += 1;
                r.per_hour += rate;
            }
            None => rows.push(CostRow {
                service,
                hosts: 1,
                per_hour: rate,
                per_month: 0.0,
                spent: 0.0,
            }),
        }
    }
    for (service, spent) in &spend.by_service {
        match rows.iter_mut().find(|r| r.service == *service) {
            Some(r) => r.spent = *spent,
            None => rows.push(CostRow {
                service: service.clone(),
                hosts: 0,
                per_hour: 0.0,
                per_month: 0.0,
                spent: *spent,
            }),
        }
    }
    for r in &mut rows {
        r.per_month = r.per_hour * HOURS_PER_MONTH;
    }
    rows.sort_by(|a, b| {
        b.per_hour
            .total_cmp(&a.per_hour)
            .then_with(|| b.spent.total_cmp(&a.spent))
            .then_with(|| a.service.cmp(&b.service))
    });
    let per_hour: f64 = rows.iter().map(|r| r.per_hour).sum();
    CostView {
        elapsed: now(world),
        spent: world.resource::<Ledger>().totals.cost,
        per_hour,
        per_month: per_hour * HOURS_PER_MONTH,
        budget: world.resource::<Catalogue>().budget,
        services: rows,
    }
}

fn groups(world: &World) -> Vec<GroupRow> {
    let cat = world.resource::<Catalogue>();
    world
        .resource::<Groups>()
        .groups
        .iter()
        .map(|g| {
            let live = members(world, g);
            GroupRow {
                name: g.name.clone(),
                service: service_name(world, g.service),
                instance_type: cat.types[g.instance_type].name.clone(),
                instances: live.len(),
                in_service: live.iter().filter(|&&m| in_service(world, m)).count(),
                min: g.min,
                max: g.max,
                desired: g.desired,
                target_cpu_pct: g.target_cpu * 100.0,
                last_cpu_pct: g.last_cpu.map(|c| c * 100.0),
                cooldown: g.cooldown,
                warmup: g.warmup,
                last_activity: g.last_activity,
            }
        })
        .collect()
}

fn dns(world: &World) -> Vec<DnsRow> {
    let at = now(world);
    let d = world.resource::<Dns>();
    d.records
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let settled = r
                .changed
                .map(|(when, over)| Dur(when.ms() + over.ms()))
                .filter(|&t| t > at);
            DnsRow {
                name: r.name.clone(),
                target: service_name(world, r.target),
                ttl: r.ttl,
                split: r
                    .split(at)
                    .into_iter()
                    .map(|(e, w)| (service_name(world, e), w * 100.0))
                    .collect(),
                settled_at: settled,
                entry: d.entry == Some(i),
            }
        })
        .collect()
}

fn verify(world: &World, host: &str) -> Result<VerifyView, SimError> {
    let h = host_entity(world, host)?;
    let Some(inst) = world.get::<Instance>(h) else {
        return Err(SimError::new(format!("{host} runs no service")));
    };
    let spec = world.get::<ServiceSpec>(inst.service).expect("service");
    if spec.kind != scenarios::ServiceKind::Database {
        return Err(SimError::new(format!(
            "{host} runs {}, not a database; verify compares a database replica with its primary",
            spec.name
        )));
    }
    let st = world.get::<ServiceState>(inst.service).expect("service");
    let primary = st.primary.map(|p| host_name(world, p));
    let writes = world.resource::<Ledger>().write_rps;
    let lag_writes = spec.replica_lag.map_or(0.0, |l| l.secs_f64() * writes);
    let rep = world.resource::<Replicas>().of(h).cloned();
    let (state, copy, missing, eta) = match rep.as_ref().map(|r| (r.sync, r)) {
        Some((Sync::Idle, _)) => ("empty", None, None, None),
        Some((Sync::Copying { copied_gb, data_gb }, r)) => {
            let left_h = (data_gb - copied_gb) / r.copy_gb_per_hour;
            // After the copy, what has piled up (and piles up meanwhile) replays at the
            // replica's speed-up over the write rate.
            let backlog_then = r.backlog + writes * left_h * 3_600.0;
            let replay = r.replay_speedup * writes.max(1.0) - writes;
            let secs = left_h * 3_600.0 + backlog_then / replay.max(1e-9);
            (
                "copying",
                Some((copied_gb, data_gb)),
                None,
                Some(Dur((secs.round() * 1_000.0) as u64)),
            )
        }
        Some((Sync::CatchingUp, r)) => {
            let net = r.replay_rps - writes;
            let eta = (net > 0.0).then(|| Dur(((r.backlog / net).round() * 1_000.0) as u64));
            ("catching up", None, Some(r.backlog + lag_writes), eta)
        }
        Some((Sync::Streaming, _)) => ("in sync", None, Some(lag_writes), None),
        Some((Sync::Promoted, _)) => ("primary", None, Some(0.0), None),
        None if st.primary == Some(h) => ("primary", None, Some(0.0), None),
        None => ("in sync", None, Some(lag_writes), None),
    };
    Ok(VerifyView {
        host: host.to_owned(),
        service: spec.name.clone(),
        primary,
        state: state.into(),
        copy,
        missing_writes: missing.map(f64::round),
        eta,
    })
}
