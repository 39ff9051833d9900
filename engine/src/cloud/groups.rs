//! Autoscaling groups: each holds a service between `min` and `max` instances and, once a minute,
//! sizes it so average CPU sits at the target — the target-tracking rule
//! `desired = ceil(instances × cpu / target)` (EC2 Auto Scaling and GCE autoscalers both scale in
//! proportion to the metric's ratio to its target). Instances still warming up are counted in the
//! group's size but left out of the CPU average, and a cooldown spaces scaling activities.

use bevy_ecs::prelude::{Entity, Resource, World};
use scenarios::{Dur, Scenario};

use crate::components::{HostSpec, HostState, Load, Power, ServiceState};
use crate::effects::{host_name, in_service, now};
use crate::record::Severity;
use crate::resources::{Clock, Log, Names, Target};

/// How often a group's policy looks at its CPU: cloud monitoring publishes one-minute metrics.
pub const EVALUATION_PERIOD: Dur = Dur(60_000);

/// Scale-in aims this far under the target (target tracking removes capacity more cautiously
/// than it adds it; EC2 Auto Scaling waits far longer for a scale-in alarm than a scale-out one).
pub const SCALE_IN_MARGIN: f64 = 0.9;

/// One autoscaling group and what it has been doing.
#[derive(Clone, Debug)]
pub struct Group {
    pub name: String,
    pub service: Entity,
    pub instance_type: usize,
    pub zones: Vec<usize>,
    pub min: u32,
    pub max: u32,
    /// Target average CPU, 0–1.
    pub target_cpu: f64,
    pub cooldown: Dur,
    pub warmup: Dur,
    /// When the group last launched or terminated instances.
    pub last_activity: Option<Dur>,
    /// Instances the group launched, with when.
    pub launched: Vec<(Entity, Dur)>,
    /// CPU averaged over the current evaluation period: (sum of per-tick means, ticks).
    pub cpu_acc: (f64, u32),
    /// The average CPU at the last evaluation, 0–1, and the size it asked for.
    pub last_cpu: Option<f64>,
    pub desired: u32,
}

#[derive(Resource, Debug, Default)]
pub struct Groups {
    pub groups: Vec<Group>,
}

impl Groups {
    pub fn new(world: &World, scenario: &Scenario) -> Groups {
        let names = world.resource::<Names>();
        let net = world.resource::<crate::network::Network>();
        let groups = scenario
            .cloud
            .autoscaling
            .iter()
            .filter_map(|g| {
                let Some(Target::Service(service)) = names.by_name.get(&g.service).copied() else {
                    return None;
                };
                let size = scenario
                    .topology
                    .services
                    .iter()
                    .find(|s| s.id == g.service)
                    .map_or(0, |s| s.hosts.len() as u32);
                Some(Group {
                    name: g.name.clone(),
                    service,
                    instance_type: scenario
                        .cloud
                        .instance_types
                        .iter()
                        .position(|t| t.name == g.instance_type)?,
                    zones: g.zones.iter().filter_map(|z| net.zone_index(z)).collect(),
                    min: g.min,
                    max: g.max,
                    target_cpu: g.target_cpu / 100.0,
                    cooldown: g.cooldown,
                    warmup: g.warmup,
                    last_activity: None,
                    launched: Vec::new(),
                    cpu_acc: (0.0, 0),
                    last_cpu: None,
                    desired: size,
                })
            })
            .collect();
        Groups { groups }
    }

    pub fn find(&self, name: &str) -> Option<usize> {
        self.groups.iter().position(|g| g.name == name)
    }
}

/// The size target tracking asks for: enough instances that `measured` of them at `cpu` would
/// sit at `target`, rounded up.
pub fn desired(measured: u32, cpu: f64, target: f64) -> u32 {
    if target <= 0.0 {
        return measured;
    }
    let want = measured as f64 * cpu / target;
    // Round up, but not for a hair's breadth over a whole number (float noise).
    (want - 1e-9).ceil().max(0.0) as u32
}

/// The group's live instances (launched, booting or serving; not terminated), oldest first.
pub fn members(world: &World, g: &Group) -> Vec<Entity> {
    world
        .get::<ServiceState>(g.service)
        .map(|st| {
            st.members
                .iter()
                .copied()
                .filter(|&m| {
                    world
                        .get::<HostState>(m)
                        .is_some_and(|h| h.power != Power::Decommissioned)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Whether an instance has finished warming up (the group's first instances always have).
fn warm(g: &Group, host: Entity, at: Dur) -> bool {
    g.launched
        .iter()
        .find(|(e, _)| *e == host)
        .is_none_or(|(_, t)| at.ms() >= t.ms() + g.warmup.ms())
}

/// Runs every group's policy for one tick.
pub fn scale_groups(world: &mut World) {
    let at = now(world);
    let tick = world.resource::<Clock>().step;
    let count = world.resource::<Groups>().groups.len();
    for i in 0..count {
        let g = world.resource::<Groups>().groups[i].clone();
        let live = members(world, &g);
        let warm_serving: Vec<Entity> = live
            .iter()
            .copied()
            .filter(|&m| in_service(world, m) && warm(&g, m, at))
            .collect();
        let mut g = g;
        if !warm_serving.is_empty() {
            let cpu: f64 = warm_serving
                .iter()
                .filter_map(|&m| world.get::<Load>(m))
                .map(|l| l.cpu)
                .sum::<f64>()
                / warm_serving.len() as f64;
            g.cpu_acc.0 += cpu;
            g.cpu_acc.1 += 1;
        }
        let size = live.len() as u32;
        let cooled = g
            .last_activity
            .is_none_or(|t| at.ms() >= t.ms() + g.cooldown.ms());
        // A period ends when the clock crosses a whole minute.
        let period_end =
            (at.ms() + tick.ms()) / EVALUATION_PERIOD.ms() > at.ms() / EVALUATION_PERIOD.ms();
        let mut want = size.clamp(g.min, g.max);
        if period_end {
            if g.cpu_acc.1 > 0 {
                let cpu = g.cpu_acc.0 / g.cpu_acc.1 as f64;
                g.last_cpu = Some(cpu);
                let measured = warm_serving.len() as u32;
                let mut asked = desired(measured, cpu, g.target_cpu);
                if asked < size {
                    // Scale in conservatively: only as far as keeps CPU a margin under target,
                    // so the group does not flap one instance in and out around it.
                    asked = desired(measured, cpu, g.target_cpu * SCALE_IN_MARGIN).min(size);
                }
                // Instances still warming up count in `size`, so capacity on its way is not
                // asked for twice; the cooldown spaces one activity from the next.
                if asked != size && cooled {
                    want = asked.clamp(g.min, g.max);
                }
            }
            g.cpu_acc = (0.0, 0);
        }
        g.desired = want;
        if want > size {
            launch(world, &mut g, want - size, at);
            g.last_activity = Some(at);
        } else if want < size {
            terminate(world, &mut g, &live, size - want, at);
            g.last_activity = Some(at);
        }
        world.resource_mut::<Groups>().groups[i] = g;
    }
}

/// Launches `n` instances, each in the zone with the fewest of the group's instances.
pub fn launch(world: &mut World, g: &mut Group, n: u32, at: Dur) {
    let (itype, launch_time) = {
        let cat = world.resource::<super::Catalogue>();
        let t = &cat.types[g.instance_type];
        (t.clone(), t.launch_time)
    };
    let mut names = Vec::new();
    for _ in 0..n {
        let live = members(world, g);
        let zone = g
            .zones
            .iter()
            .copied()
            .min_by_key(|&z| {
                live.iter()
                    .filter(|&&m| world.get::<HostSpec>(m).is_some_and(|s| s.zone == z))
                    .count()
            })
            .unwrap_or(0);
        let template = world
            .get::<HostSpec>(live.first().copied().unwrap_or_else(|| {
                world
                    .get::<ServiceState>(g.service)
                    .expect("service")
                    .members[0]
            }))
            .expect("host")
            .clone();
        let spec = HostSpec {
            zone,
            cores: itype.vcpu as f64,
            memory_mb: itype.memory_gb * 1_024.0,
            hourly_cost: itype.hourly_price,
            ..template
        };
        let due = Dur(at.ms() + launch_time.ms());
        let (e, name) = crate::actions::launch_host(world, g.service, spec, None, due);
        g.launched.push((e, at));
        names.push(name);
    }
    let service = crate::effects::service_name(world, g.service);
    let text = format!(
        "autoscaling {}: launching {} ({} {}); in service in about {} plus start-up",
        g.name,
        names.join(", "),
        n,
        itype.name,
        launch_time
    );
    world
        .resource_mut::<Log>()
        .notify(at, &service, Severity::Info, text);
}

/// Terminates the `n` newest instances.
fn terminate(world: &mut World, g: &mut Group, live: &[Entity], n: u32, at: Dur) {
    let gone: Vec<Entity> = live.iter().rev().take(n as usize).copied().collect();
    let names: Vec<String> = gone.iter().map(|&h| host_name(world, h)).collect();
    for &h in &gone {
        world.get_mut::<HostState>(h).expect("host").power = Power::Decommissioned;
    }
    if let Some(mut st) = world.get_mut::<ServiceState>(g.service) {
        st.members.retain(|m| !gone.contains(m));
    }
    let service = crate::effects::service_name(world, g.service);
    let text = format!(
        "autoscaling {}: terminating {} ({} left)",
        g.name,
        names.join(", "),
        live.len() - gone.len()
    );
    world
        .resource_mut::<Log>()
        .notify(at, &service, Severity::Info, text);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_tracking_asks_for_instances_in_proportion_to_cpu() {
        // 6 instances at 90% CPU against a 60% target: 6 × 0.9 / 0.6 = 9.
        assert_eq!(desired(6, 0.9, 0.6), 9);
        // 6 at 100% (saturated) against 50%: 12.
        assert_eq!(desired(6, 1.0, 0.5), 12);
        // 24 at 12% against 50%: 5.76, rounded up to 6.
        assert_eq!(desired(24, 0.12, 0.5), 6);
    }
}
