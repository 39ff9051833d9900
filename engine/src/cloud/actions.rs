//! The cloud's actions: resizing and retuning autoscaling groups, changing DNS records,
//! provisioning planned hosts, copying data to a new replica, promoting it, decommissioning.

use bevy_ecs::prelude::World;
use scenarios::{Dur, ServiceKind};

use super::groups::{Groups, members};
use super::replicas::{Replicas, Sync};
use super::{Catalogue, Dns, Planned, host_entity};
use crate::actions::{Applied, PROMOTION, capacity_harm, power_word, targets};
use crate::components::{HostSpec, HostState, Instance, Power, Proc, ServiceSpec, ServiceState};
use crate::effects::{host_name, in_service, now, service_name};
use crate::network::Network;
use crate::record::Severity;
use crate::resources::{Ledger, Log, Op, Ops, Target};
use crate::{Action, SimError};

/// Launch time of a cloud host with no instance type (EC2's typical 30-60 s in `pending` plus
/// boot; the same as an instance type's default).
const DEFAULT_LAUNCH_TIME: Dur = Dur(90_000);

pub fn apply(world: &mut World, action: &Action) -> Result<Applied, SimError> {
    match action {
        Action::GroupSet { group, min, max } => group_set(world, group, *min, *max),
        Action::GroupPolicy {
            group,
            target_cpu,
            cooldown,
            warmup,
        } => group_policy(world, group, *target_cpu, *cooldown, *warmup),
        Action::DnsSet { name, target, ttl } => dns_set(world, name, target, *ttl),
        Action::Provision { host } => provision(world, host),
        Action::Replicate { host } => {
            let h = host_entity(world, host)?;
            let message = super::replicas::start(world, h)?;
            Ok(Applied {
                message,
                harm: None,
                targets: targets(world, h),
            })
        }
        Action::Promote { host } => promote(world, host),
        Action::Decommission { host } => decommission(world, host),
        _ => Err(SimError::new("not a cloud action")),
    }
}

fn group_index(world: &World, name: &str) -> Result<usize, SimError> {
    let groups = world.resource::<Groups>();
    groups.find(name).ok_or_else(|| {
        let known: Vec<&str> = groups.groups.iter().map(|g| g.name.as_str()).collect();
        let mut e = SimError::new(if known.is_empty() {
            format!("no autoscaling group is called `{name}`; this estate has none")
        } else {
            format!(
                "no autoscaling group is called `{name}`; groups: {}",
                known.join(", ")
            )
        });
        e.suggestion = scenarios::suggest(name, known.iter().copied());
        e
    })
}

fn group_set(
    world: &mut World,
    name: &str,
    min: Option<u32>,
    max: Option<u32>,
) -> Result<Applied, SimError> {
    let i = group_index(world, name)?;
    let g = world.resource::<Groups>().groups[i].clone();
    let (min, max) = (min.unwrap_or(g.min), max.unwrap_or(g.max));
    if min > max {
        return Err(SimError::new(format!("min {min} is above max {max}")));
    }
    if max == 0 {
        return Err(SimError::new(
            "max 0 would terminate every instance; the least is 1",
        ));
    }
    let size = members(world, &g).len() as u32;
    let harm = if max < size {
        let live = members(world, &g);
        let gone: Vec<_> = live
            .iter()
            .rev()
            .take((size - max) as usize)
            .copied()
            .collect();
        capacity_harm(world, g.service, &gone)
    } else {
        None
    };
    {
        let mut groups = world.resource_mut::<Groups>();
        groups.groups[i].min = min;
        groups.groups[i].max = max;
    }
    let then = if size < min {
        format!("; launching {} now to reach the new minimum", min - size)
    } else if size > max {
        format!("; terminating {} now to fit the new maximum", size - max)
    } else {
        String::new()
    };
    Ok(Applied {
        message: format!("{name}: min {min}, max {max} (now {size} instances){then}"),
        harm,
        targets: vec![service_name(world, g.service)],
    })
}

fn group_policy(
    world: &mut World,
    name: &str,
    target_cpu: Option<f64>,
    cooldown: Option<Dur>,
    warmup: Option<Dur>,
) -> Result<Applied, SimError> {
    let i = group_index(world, name)?;
    if let Some(p) = target_cpu
        && !(1.0..=100.0).contains(&p)
    {
        return Err(SimError::new(format!(
            "target-cpu is a percentage from 1 to 100, not {p}"
        )));
    }
    let g = {
        let mut groups = world.resource_mut::<Groups>();
        let g = &mut groups.groups[i];
        if let Some(p) = target_cpu {
            g.target_cpu = p / 100.0;
        }
        if let Some(c) = cooldown {
            g.cooldown = c;
        }
        if let Some(w) = warmup {
            g.warmup = w;
        }
        g.clone()
    };
    Ok(Applied {
        message: format!(
            "{name}: target CPU {:.0}%, cooldown {}, warm-up {}; the policy next looks at CPU on the minute",
            g.target_cpu * 100.0,
            g.cooldown,
            g.warmup
        ),
        harm: None,
        targets: vec![service_name(world, g.service)],
    })
}

fn dns_set(
    world: &mut World,
    name: &str,
    target: &str,
    ttl: Option<Dur>,
) -> Result<Applied, SimError> {
    let Some(i) = world.resource::<Dns>().find(name) else {
        let dns = world.resource::<Dns>();
        let known: Vec<&str> = dns.records.iter().map(|r| r.name.as_str()).collect();
        let mut e = SimError::new(format!(
            "no DNS record is called `{name}`; `dns show` lists them"
        ));
        e.suggestion = scenarios::suggest(name, known.iter().copied());
        return Err(e);
    };
    let to = match crate::observe::resolve(world, target)? {
        Target::Service(s) => s,
        _ => {
            return Err(SimError::new(format!(
                "`{target}` is not a service; a record points at a service (its load balancer)"
            )));
        }
    };
    if let Some(t) = ttl
        && (t.ms() == 0 || t.ms() > 2 * 86_400_000)
    {
        return Err(SimError::new("a TTL is above zero and at most 2d"));
    }
    let at = now(world);
    let (before, old_ttl, over) = {
        let mut dns = world.resource_mut::<Dns>();
        let r = &mut dns.records[i];
        let before = r.target;
        let old_ttl = r.ttl;
        r.set(at, to, ttl.unwrap_or(old_ttl));
        (before, old_ttl, r.changed.map(|c| c.1))
    };
    let new_ttl = ttl.unwrap_or(old_ttl);
    if before == to && new_ttl == old_ttl {
        return Err(SimError::new(format!(
            "{name} already points at {target} with TTL {old_ttl}"
        )));
    }
    let mut message = format!("{name} -> {target}, TTL {new_ttl}");
    if before != to {
        message.push_str(&format!(
            "; clients move over as cached answers expire, all within about {}",
            over.unwrap_or(old_ttl)
        ));
    } else {
        message.push_str(&format!(
            "; answers already cached keep the old TTL ({old_ttl}) until they expire"
        ));
    }
    world
        .resource_mut::<Log>()
        .push(at, target, Severity::Info, format!("dns: {message}"));
    // Moving clients off a service that carries them and onto one that cannot serve is harmful.
    let harm = (before != to && !any_serving(world, to))
        .then(|| format!("pointed {name} at {target}, which has no serving instance"));
    let mut t = vec![target.to_owned(), service_name(world, before)];
    t.dedup();
    Ok(Applied {
        message,
        harm,
        targets: t,
    })
}

fn any_serving(world: &World, service: bevy_ecs::prelude::Entity) -> bool {
    world
        .get::<ServiceState>(service)
        .is_some_and(|st| st.members.iter().any(|&m| in_service(world, m)))
}

fn provision(world: &mut World, host: &str) -> Result<Applied, SimError> {
    let h = host_entity(world, host)?;
    if world.get::<Planned>(h).is_none() {
        return Err(SimError::new(format!(
            "{host} is already provisioned (it is {})",
            power_word(world.get::<HostState>(h).expect("host").power)
        )));
    }
    let at = now(world);
    let spec = world.get::<HostSpec>(h).expect("host").clone();
    let zone = world.resource::<Network>().zones[spec.zone].clone();
    let sc = &world.resource::<crate::resources::ScenarioRes>().0;
    let cloud = super::in_cloud(sc, &zone);
    let cat = world.resource::<Catalogue>();
    let lead = if cloud {
        cat.host_types
            .get(spec.order)
            .copied()
            .flatten()
            .map_or(DEFAULT_LAUNCH_TIME, |t| cat.types[t].launch_time)
    } else {
        cat.procurement_time
    };
    let until = Dur(at.ms() + lead.ms() + spec.boot_time.ms() * u64::from(!cloud));
    world.entity_mut(h).remove::<Planned>();
    world.get_mut::<HostState>(h).expect("host").power = Power::Booting { until };
    world.resource_mut::<Ops>().schedule(
        until,
        Op::HostReady {
            host: h,
            fresh: true,
        },
    );
    let what = if cloud {
        format!("launching {host} in {zone}: up in about {lead}, then its service starts")
    } else {
        format!(
            "ordered hardware for {host} in {zone}: delivery, racking and burn-in take about {lead}"
        )
    };
    Ok(Applied {
        message: what,
        harm: None,
        targets: targets(world, h),
    })
}

fn promote(world: &mut World, host: &str) -> Result<Applied, SimError> {
    let h = host_entity(world, host)?;
    let Some(inst) = world.get::<Instance>(h).cloned() else {
        return Err(SimError::new(format!("{host} runs no service")));
    };
    let s = inst.service;
    let spec = world.get::<ServiceSpec>(s).expect("service").clone();
    if spec.kind != ServiceKind::Database {
        return Err(SimError::new(format!(
            "{host} runs {}, not a database; promote takes a database replica",
            spec.name
        )));
    }
    let st = world.get::<ServiceState>(s).expect("service").clone();
    if st.primary == Some(h) {
        return Err(SimError::new(format!(
            "{host} is already the {} primary",
            spec.name
        )));
    }
    let sync = world.resource::<Replicas>().of(h).map(|r| r.sync);
    if matches!(sync, Some(Sync::Idle | Sync::Copying { .. })) || !crate::effects::serving(world, h)
    {
        return Err(SimError::new(format!(
            "{host} has no consistent copy of the data to serve yet (`verify {host}` shows where it is)"
        )));
    }
    let at = now(world);
    // A planned switchover: the old primary stops taking writes and the replica takes over once
    // it has what the primary had. Anything it has not received yet is lost.
    let lost = super::replicas::unreplicated(world, h).round();
    if lost > 0.0 {
        world.resource_mut::<Ledger>().totals.writes_lost += lost;
        world.resource_mut::<Log>().push(
            at,
            &spec.name,
            Severity::Error,
            format!(
                "switchover to {host}: {lost:.0} writes the primary had acknowledged were never replicated and are lost"
            ),
        );
    }
    if let Some(r) = world
        .resource_mut::<Replicas>()
        .replicas
        .iter_mut()
        .find(|r| r.host == h)
    {
        r.sync = Sync::Promoted;
        r.backlog = 0.0;
    }
    world.get_mut::<ServiceState>(s).expect("service").primary = None;
    if let Some(p) = st.primary
        && let Some(mut i) = world.get_mut::<Instance>(p)
    {
        i.proc = Proc::Stopped;
    }
    world.resource_mut::<Ops>().schedule(
        Dur(at.ms() + PROMOTION.ms()),
        Op::Promote {
            service: s,
            host: h,
        },
    );
    let harm = (lost > 0.0)
        .then(|| format!("promoted {host} before it had caught up, losing {lost:.0} writes"));
    let mut t = vec![spec.name.clone(), host.to_owned()];
    if let Some(p) = st.primary {
        t.push(host_name(world, p));
    }
    Ok(Applied {
        message: format!(
            "switching {} over to {host}: the old primary stops taking writes; {host} takes them in about {PROMOTION}{}",
            spec.name,
            if lost > 0.0 {
                format!("; {lost:.0} writes it had not received are lost")
            } else {
                "; it has every write, nothing is lost".into()
            }
        ),
        harm,
        targets: t,
    })
}

fn decommission(world: &mut World, host: &str) -> Result<Applied, SimError> {
    let h = host_entity(world, host)?;
    let power = world.get::<HostState>(h).expect("host").power;
    if power == Power::Decommissioned {
        return Err(SimError::new(format!(
            "{host} is {}",
            if world.get::<Planned>(h).is_some() {
                "not provisioned"
            } else {
                "already decommissioned"
            }
        )));
    }
    let service = world.get::<Instance>(h).map(|i| i.service);
    // Taking away the last instance of a service nobody is sent to any more harms nobody.
    let carrying = service.is_some_and(|s| {
        world
            .get::<crate::components::ServiceLoad>(s)
            .is_some_and(|l| l.lambda > 0.0)
    });
    let harm = service
        .filter(|_| carrying)
        .and_then(|s| capacity_harm(world, s, &[h]));
    let rate = world.get::<HostSpec>(h).map_or(0.0, |s| s.hourly_cost);
    world.get_mut::<HostState>(h).expect("host").power = Power::Decommissioned;
    if let Some(s) = service
        && let Some(mut st) = world.get_mut::<ServiceState>(s)
    {
        st.members.retain(|&m| m != h);
        if st.primary == Some(h) {
            st.primary = None;
        }
    }
    let at = now(world);
    world.resource_mut::<Log>().push(
        at,
        host,
        Severity::Info,
        "decommissioned: powered off and released",
    );
    Ok(Applied {
        message: format!(
            "{host} decommissioned: it no longer serves and no longer costs ${rate:.3}/h"
        ),
        harm,
        targets: targets(world, h),
    })
}
