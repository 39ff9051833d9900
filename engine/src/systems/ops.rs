//! `complete_operations`: operations the candidate started (provisioning, rolling restarts,
//! promotions, volume resizes) finish at their due time.

use bevy_ecs::prelude::World;

use crate::components::{HostState, Power, ServiceState};
use crate::effects::{host_name, now, restart_instance, service_name};
use crate::record::Severity;
use crate::resources::{Log, Op, Ops};

pub fn complete_operations(world: &mut World) {
    let at = now(world);
    loop {
        let op = {
            let mut ops = world.resource_mut::<Ops>();
            match ops.queue.first() {
                Some((due, _, _)) if *due <= at => ops.queue.remove(0).2,
                _ => break,
            }
        };
        match op {
            Op::HostReady { host, fresh } => {
                if let Some(mut st) = world.get_mut::<HostState>(host) {
                    st.power = Power::Up;
                }
                restart_instance(world, host, None);
                let name = host_name(world, host);
                world.resource_mut::<Log>().notify(
                    at,
                    &name,
                    Severity::Info,
                    if fresh {
                        format!("{name} is provisioned; its service is starting")
                    } else {
                        format!("{name} is back up after its reboot; its service is starting")
                    },
                );
            }
            Op::RestartInto { host, version } => {
                // Deploy tooling takes an instance out of its pool before restarting it; health
                // checks bring it back once it serves.
                if let Some(mut inst) = world.get_mut::<crate::components::Instance>(host) {
                    inst.in_pool = false;
                    inst.passed_checks = 0;
                }
                restart_instance(world, host, Some(version));
                let name = host_name(world, host);
                world.resource_mut::<Log>().push(
                    at,
                    &name,
                    Severity::Info,
                    "restarting into the previous version",
                );
            }
            Op::Promote { service, host } => {
                if let Some(mut st) = world.get_mut::<ServiceState>(service) {
                    st.primary = Some(host);
                }
                let (svc, name) = (service_name(world, service), host_name(world, host));
                world.resource_mut::<Log>().notify(
                    at,
                    &svc,
                    Severity::Info,
                    format!("{name} promoted: it is now the {svc} primary"),
                );
            }
            Op::VolumeGrown { host, gb } => {
                if let Some(mut st) = world.get_mut::<HostState>(host) {
                    st.disk_gb += gb;
                }
                let name = host_name(world, host);
                world.resource_mut::<Log>().notify(
                    at,
                    &name,
                    Severity::Info,
                    format!("{name}: volume grown by {gb} GB and filesystem resized"),
                );
            }
            Op::Storage(op) => crate::storage::complete(world, op),
        }
    }
}
