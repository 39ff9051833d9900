//! `run_cloud`: replicas copy and replay their primary's data, and autoscaling groups act.

use bevy_ecs::prelude::World;

use crate::cloud::{groups::scale_groups, replicas::sync_replicas};

pub fn run_cloud(world: &mut World) {
    sync_replicas(world);
    scale_groups(world);
}
