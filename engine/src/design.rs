//! Managed high availability for databases: `auto-failover <db> on` makes the database promote
//! its most caught-up serving replica by itself once its primary has stopped serving for
//! [`DETECT`]. Design scenarios rely on it, since nobody is at the keyboard during their trial.

use std::collections::BTreeMap;

use bevy_ecs::prelude::{Resource, World};
use scenarios::{Dur, ServiceKind};

use crate::SimError;
use crate::actions::{Applied, failover_to, service_of};
use crate::components::{ServiceSpec, ServiceState};
use crate::effects::{now, serving};
use crate::record::Severity;
use crate::resources::Log;

/// How long a primary must be gone before the replica is promoted. Patroni's defaults (a 30 s
/// leader lock TTL checked every 10 s) promote within 30-40 s; AWS documents RDS Multi-AZ
/// failovers as "typically 60-120 seconds". 60 s sits between the two.
pub const DETECT: Dur = Dur(60_000);

/// Databases with automatic failover on, by name, and since when each has had no serving primary.
#[derive(Resource, Debug, Default, Clone)]
pub struct AutoFailover {
    pub services: BTreeMap<String, Option<Dur>>,
}

/// `auto-failover <service> on|off`.
pub fn set_auto_failover(world: &mut World, service: &str, on: bool) -> Result<Applied, SimError> {
    let s = service_of(world, service)?;
    let kind = world.get::<ServiceSpec>(s).expect("service").kind;
    if kind != ServiceKind::Database {
        return Err(SimError::new(format!(
            "{service} is not a database; automatic failover promotes a database replica"
        )));
    }
    let members = world.get::<ServiceState>(s).expect("service").members.len();
    if world.get_resource::<AutoFailover>().is_none() {
        world.insert_resource(AutoFailover::default());
    }
    let mut af = world.resource_mut::<AutoFailover>();
    let was = af.services.contains_key(service);
    if on == was {
        return Err(SimError::new(format!(
            "automatic failover is already {} for {service}",
            if on { "on" } else { "off" }
        )));
    }
    let message = if on {
        af.services.insert(service.to_owned(), None);
        let caveat = if members < 2 {
            format!(
                "; {service} has no replica yet, so there is nothing to promote until you add one (`scale {service} 2 in <zone>`)"
            )
        } else {
            String::new()
        };
        format!(
            "automatic failover on for {service}: a serving replica is promoted {} after the primary stops serving{caveat}",
            DETECT
        )
    } else {
        af.services.remove(service);
        format!(
            "automatic failover off for {service}: promoting a replica is up to you (`failover {service}`)"
        )
    };
    Ok(Applied {
        message,
        harm: None,
        targets: vec![service.to_owned()],
    })
}

/// Since when the watched service `name`'s primary has not been serving (`None`: it serves),
/// given what was known before; `None` for a service that no longer exists.
fn watch(world: &World, name: &str, since: Option<Dur>, at: Dur) -> Option<Option<Dur>> {
    let s = service_of(world, name).ok()?;
    let primary = world.get::<ServiceState>(s).and_then(|st| st.primary);
    let healthy = primary.is_some_and(|p| serving(world, p));
    Some(match (healthy, since) {
        (true, _) => None,
        (false, None) => Some(at),
        (false, Some(t)) => Some(t),
    })
}

/// The tick's check: a database with automatic failover whose primary has not served for
/// [`DETECT`] gets its replica promoted.
pub fn auto_failover(world: &mut World) {
    let Some(af) = world.get_resource::<AutoFailover>() else {
        return;
    };
    let at = now(world);
    // Most ticks nothing changes: find that out without copying every watched name.
    let due = |since: Option<Dur>| since.is_some_and(|t| at.ms() >= t.ms() + DETECT.ms());
    if af
        .services
        .iter()
        .all(|(name, &since)| watch(world, name, since, at).is_none_or(|s| s == since && !due(s)))
    {
        return;
    }
    let watched: Vec<(String, Option<Dur>)> =
        af.services.iter().map(|(k, v)| (k.clone(), *v)).collect();
    for (name, since) in watched {
        let Some(since) = watch(world, &name, since, at) else {
            continue;
        };
        if due(since)
            && let Ok(applied) = failover_to(world, &name, None)
        {
            world.resource_mut::<Log>().push(
                at,
                &name,
                Severity::Warn,
                format!("automatic failover: {}", applied.message),
            );
            world
                .resource_mut::<AutoFailover>()
                .services
                .insert(name, None);
            continue;
        }
        world
            .resource_mut::<AutoFailover>()
            .services
            .insert(name, since);
    }
}
