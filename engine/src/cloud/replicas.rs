//! Database replicas that start empty: a base copy of the primary's data at a rate, then a replay
//! of the writes made meanwhile, faster than they arrive, until the replica has caught up.
//! Promoting before then loses the writes it has not got.

use bevy_ecs::prelude::{Entity, Resource, World};
use scenarios::{Dur, Scenario};

use crate::components::{HostState, Instance, Power, Proc, ServiceState};
use crate::effects::{host_name, now, restart_instance};
use crate::record::Severity;
use crate::resources::{Clock, Ledger, Log, Names, Target};

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Sync {
    /// Empty, waiting for `replicate`.
    Idle,
    /// Copying the primary's data; the writes made meanwhile pile up to be replayed.
    Copying { copied_gb: f64, data_gb: f64 },
    /// Replaying `backlog` writes made during the copy.
    CatchingUp,
    /// Caught up: streaming with the service's usual lag.
    Streaming,
    /// Promoted to primary; no longer a replica.
    Promoted,
}

#[derive(Clone, Debug)]
pub struct Replica {
    pub host: Entity,
    pub service: Entity,
    pub copy_gb_per_hour: f64,
    pub replay_speedup: f64,
    pub sync: Sync,
    /// Writes the primary has acknowledged that this replica does not yet have.
    pub backlog: f64,
    /// Writes a second it replays while catching up.
    pub replay_rps: f64,
    pub started: Option<Dur>,
    pub caught_up: Option<Dur>,
}

#[derive(Resource, Debug, Default)]
pub struct Replicas {
    pub replicas: Vec<Replica>,
}

impl Replicas {
    pub fn new(world: &World, scenario: &Scenario) -> Replicas {
        let names = world.resource::<Names>();
        let replicas = scenario
            .cloud
            .replicas
            .iter()
            .filter_map(|r| {
                let Some(Target::Host(host)) = names.by_name.get(&r.host).copied() else {
                    return None;
                };
                let service = world.get::<Instance>(host)?.service;
                Some(Replica {
                    host,
                    service,
                    copy_gb_per_hour: r.copy_gb_per_hour,
                    replay_speedup: r.replay_speedup,
                    sync: Sync::Idle,
                    backlog: 0.0,
                    replay_rps: 0.0,
                    started: None,
                    caught_up: None,
                })
            })
            .collect();
        Replicas { replicas }
    }

    pub fn of(&self, host: Entity) -> Option<&Replica> {
        self.replicas.iter().find(|r| r.host == host)
    }
}

/// Writes a promotion of `host` would lose beyond the usual lag: what it has not yet received.
pub fn unreplicated(world: &World, host: Entity) -> f64 {
    world
        .resource::<Replicas>()
        .of(host)
        .map_or(0.0, |r| r.backlog.max(0.0))
}

/// Advances every replica's copy and replay by one tick.
pub fn sync_replicas(world: &mut World) {
    let at = now(world);
    let dt = world.resource::<Clock>().dt_secs();
    let writes = world.resource::<Ledger>().write_rps;
    let n = world.resource::<Replicas>().replicas.len();
    for i in 0..n {
        let mut r = world.resource::<Replicas>().replicas[i].clone();
        let up = world
            .get::<HostState>(r.host)
            .is_some_and(|h| h.power == Power::Up);
        let name = host_name(world, r.host);
        match r.sync {
            Sync::Idle | Sync::Copying { .. } => {
                // An empty replica's database waits for its base copy before it can start.
                if let Some(mut inst) = world.get_mut::<Instance>(r.host)
                    && inst.proc != Proc::Stopped
                {
                    inst.proc = Proc::Stopped;
                }
            }
            _ => {}
        }
        match r.sync {
            Sync::Copying { copied_gb, data_gb } if up => {
                r.backlog += writes * dt;
                let copied = copied_gb + r.copy_gb_per_hour * dt / 3_600.0;
                if copied >= data_gb {
                    r.sync = Sync::CatchingUp;
                    r.replay_rps = r.replay_speedup * writes.max(1.0);
                    restart_instance(world, r.host, None);
                    world.resource_mut::<Log>().notify(
                        at,
                        &name,
                        Severity::Info,
                        format!(
                            "{name}: base copy finished ({data_gb:.0} GB); replaying {:.0} writes made meanwhile",
                            r.backlog
                        ),
                    );
                } else {
                    r.sync = Sync::Copying {
                        copied_gb: copied,
                        data_gb,
                    };
                }
            }
            Sync::CatchingUp if up => {
                r.backlog += (writes - r.replay_rps) * dt;
                if r.backlog <= 0.0 {
                    r.backlog = 0.0;
                    r.sync = Sync::Streaming;
                    r.caught_up = Some(at);
                    world.resource_mut::<Log>().notify(
                        at,
                        &name,
                        Severity::Info,
                        format!("{name}: caught up with the primary; streaming"),
                    );
                }
            }
            _ => {}
        }
        world.resource_mut::<Replicas>().replicas[i] = r;
    }
}

/// Starts a replica's base copy from its service's primary.
pub fn start(world: &mut World, host: Entity) -> Result<String, crate::SimError> {
    let at = now(world);
    let name = host_name(world, host);
    let Some(i) = world
        .resource::<Replicas>()
        .replicas
        .iter()
        .position(|r| r.host == host)
    else {
        return Err(crate::SimError::new(format!(
            "{name} is not an empty replica waiting for data; nothing to replicate"
        )));
    };
    let r = world.resource::<Replicas>().replicas[i].clone();
    if r.sync != Sync::Idle {
        return Err(crate::SimError::new(format!(
            "{name} is already replicating (`verify {name}` shows how far it is)"
        )));
    }
    if !world
        .get::<HostState>(host)
        .is_some_and(|h| h.power == Power::Up)
    {
        return Err(crate::SimError::new(format!(
            "{name} is not up yet; provision it and wait until it is"
        )));
    }
    let Some(primary) = world.get::<ServiceState>(r.service).and_then(|s| s.primary) else {
        return Err(crate::SimError::new(format!(
            "{name}'s database has no primary to copy from"
        )));
    };
    let data_gb = world
        .get::<HostState>(primary)
        .map_or(0.0, |h| h.disk_used_gb);
    let hours = data_gb / r.copy_gb_per_hour;
    {
        let mut reps = world.resource_mut::<Replicas>();
        let r = &mut reps.replicas[i];
        r.sync = Sync::Copying {
            copied_gb: 0.0,
            data_gb,
        };
        r.started = Some(at);
    }
    let primary_name = host_name(world, primary);
    world.resource_mut::<Log>().push(
        at,
        &name,
        Severity::Info,
        format!(
            "pg_basebackup: copying {data_gb:.0} GB from {primary_name} at {:.0} GB/h",
            r.copy_gb_per_hour
        ),
    );
    Ok(format!(
        "{name} is copying {data_gb:.0} GB from {primary_name} at {:.0} GB/h (about {}), then replays the writes made meanwhile",
        r.copy_gb_per_hour,
        Dur((hours * 3_600_000.0).round() as u64)
    ))
}
