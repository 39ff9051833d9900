//! `track_flows`: a bulk transfer sends while its host is up and its process runs; when that
//! changes (the process is killed, the host crashes), the links it loaded are recomputed.

use bevy_ecs::prelude::World;

use crate::network::Network;

pub fn track_flows(world: &mut World) {
    if world.resource::<Network>().flows.is_empty() {
        return;
    }
    crate::network_ops::track_flows(world);
}
