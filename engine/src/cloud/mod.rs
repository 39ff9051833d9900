//! The cloud estate: instance types, autoscaling groups, DNS records and database replicas that
//! copy their data, as the world's state, set up from the scenario's `cloud` section.

mod actions;
pub(crate) mod dns;
pub(crate) mod groups;
mod observe;
pub(crate) mod replicas;
mod view;

use bevy_ecs::prelude::{Component, Entity, Resource, World};
use scenarios::{Dur, InstanceType, Scenario, SiteKind};

use crate::components::{HostSpec, HostState, Instance, Power, Proc};
use crate::cost::Spend;
use crate::resources::{Names, Target};

pub use actions::apply;
pub use dns::Dns;
pub use groups::Groups;
pub use observe::observe;
pub use replicas::Replicas;
pub use view::{CostRow, CostView, DnsRow, GroupRow, VerifyView};

/// Marks a host that is planned but not yet provisioned. Until `provision` it is treated as
/// absent (its power reads `Decommissioned`, so nothing routes to it and nothing bills it).
#[derive(Component, Clone, Copy, Debug)]
pub struct Planned;

/// The instance catalogue and lead times, as the scenario declared them.
#[derive(Resource, Debug, Default)]
pub struct Catalogue {
    pub types: Vec<InstanceType>,
    /// Instance type of each host by its order, if it has one.
    pub host_types: Vec<Option<usize>>,
    pub procurement_time: Dur,
    pub budget: Option<f64>,
}

/// Adds the cloud's resources to a freshly built world and applies what the cloud section says
/// about hosts: prices from their instance types, planned hosts held back.
pub fn install(world: &mut World, scenario: &Scenario) {
    let cloud = &scenario.cloud;
    let catalogue = Catalogue {
        types: cloud.instance_types.clone(),
        host_types: scenario
            .topology
            .hosts
            .iter()
            .map(|h| {
                h.instance_type
                    .as_ref()
                    .and_then(|t| cloud.instance_types.iter().position(|x| x.name == *t))
            })
            .collect(),
        procurement_time: cloud.procurement_time,
        budget: cloud.budget,
    };
    for (h, host) in scenario.topology.hosts.iter().enumerate() {
        let Some(Target::Host(e)) = world.resource::<Names>().by_name.get(&host.id).copied() else {
            continue;
        };
        if let Some(t) = catalogue.host_types[h]
            && host.hourly_cost == 0.0
            && let Some(mut spec) = world.get_mut::<HostSpec>(e)
        {
            spec.hourly_cost = catalogue.types[t].hourly_price;
        }
        if !host.provisioned {
            world.entity_mut(e).insert(Planned);
            world.get_mut::<HostState>(e).expect("host").power = Power::Decommissioned;
            if let Some(mut i) = world.get_mut::<Instance>(e) {
                i.proc = Proc::Stopped;
            }
        }
    }
    let dns = Dns::new(world, scenario);
    let groups = Groups::new(world, scenario);
    let replicas = Replicas::new(world, scenario);
    world.insert_resource(catalogue);
    world.insert_resource(dns);
    world.insert_resource(groups);
    world.insert_resource(replicas);
    world.insert_resource(Spend::default());
}

/// Whether a zone is in a cloud region (else an on-prem datacenter).
pub fn in_cloud(scenario: &Scenario, zone: &str) -> bool {
    scenario
        .topology
        .sites
        .iter()
        .any(|s| s.kind == SiteKind::CloudRegion && s.zones.iter().any(|z| z == zone))
}

/// A host entity by name, or why not.
pub(crate) fn host_entity(world: &World, name: &str) -> Result<Entity, crate::SimError> {
    match crate::observe::resolve(world, name)? {
        Target::Host(h) => Ok(h),
        _ => Err(crate::SimError::new(format!(
            "`{name}` is not a host; this command takes a host"
        ))),
    }
}
