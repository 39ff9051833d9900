//! `track_replication`: notes when a database replica stops receiving its primary's writes, so a
//! failover loses everything written since, not just the usual lag.

use bevy_ecs::prelude::{Query, Res};
use scenarios::ServiceKind;

use crate::components::{HostSpec, HostState, Instance, Power, Proc, ServiceSpec, ServiceState};
use crate::network::Network;
use crate::resources::{Clock, Names};

pub fn track_replication(
    clock: Res<Clock>,
    names: Res<Names>,
    net: Res<Network>,
    mut services: Query<(&ServiceSpec, &mut ServiceState)>,
    hosts: Query<(&HostSpec, &HostState, Option<&Instance>)>,
) {
    let serving = |e| {
        hosts.get(e).is_ok_and(|(_, st, inst)| {
            st.power == Power::Up && inst.is_some_and(|i| i.proc == Proc::Running)
        })
    };
    let zone = |e| hosts.get(e).ok().map(|(spec, ..)| spec.zone);
    for &s in &names.services {
        let Ok((spec, mut state)) = services.get_mut(s) else {
            continue;
        };
        if spec.kind != ServiceKind::Database {
            continue;
        }
        let Some(primary) = state.primary.filter(|&p| serving(p)) else {
            // No writes are being taken, so the replica falls no further behind.
            continue;
        };
        let replica = state.members.iter().copied().find(|&m| m != primary);
        let receiving = replica.is_some_and(|r| {
            serving(r)
                && matches!((zone(primary), zone(r)), (Some(a), Some(b)) if net.between(a, b).is_some())
        });
        if receiving {
            state.replica_behind_since = None;
        } else if state.replica_behind_since.is_none() {
            state.replica_behind_since = Some(clock.now);
        }
    }
}
