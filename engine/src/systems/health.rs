//! `check_health`: load balancers probe their pool; a backend leaves after `unhealthy_after`
//! failed checks and returns after two passes (HAProxy's `fall`/`rise`, AWS target groups alike).

use bevy_ecs::prelude::{Entity, Local, Query, Res, ResMut};

use crate::components::{
    HostSpec, HostState, Instance, Load, Power, Proc, ServiceSpec, ServiceState,
};
use crate::network::{Network, loss_effect};
use crate::record::Severity;
use crate::resources::{Clock, Log, Names};
use crate::security::Security;

/// Consecutive passed checks that put a backend back in the pool.
pub const RISE: u32 = 2;

/// Buffers a check fills afresh, kept so a check allocates nothing.
#[derive(Debug, Default)]
pub struct Scratch {
    /// The backends checked.
    pool: Vec<Entity>,
    /// Whether probes get through to each zone.
    zones: Vec<bool>,
    /// The verdicts that changed, to log once the pool has been walked.
    verdicts: Vec<(Severity, String)>,
}

pub fn check_health(
    clock: Res<Clock>,
    names: Res<Names>,
    net: Res<Network>,
    sec: Res<Security>,
    mut log: ResMut<Log>,
    services: Query<(&ServiceSpec, &ServiceState)>,
    mut hosts: Query<(&HostSpec, &HostState, Option<&mut Instance>, &Load)>,
    mut scratch: Local<Scratch>,
) {
    let Scratch {
        pool,
        zones,
        verdicts,
    } = &mut *scratch;
    let now = clock.now;
    for &lb in &names.services {
        let Ok((lb_spec, lb_state)) = services.get(lb) else {
            continue;
        };
        let Some(hc) = &lb_spec.health_check else {
            continue;
        };
        // Probe if a check falls in this step: at most one verdict a step (a quiet stretch is
        // only taken while every backend's verdict stands; see `coast`).
        let every = hc.interval.ms().max(1);
        let into = now.ms() % every;
        let next = if into == 0 { 0 } else { every - into };
        if next >= clock.step.ms() {
            continue;
        }
        // Checks run from the load balancer's first host, which also logs the verdicts.
        let Some((lb_first, lb_zone, lb_order)) = lb_state
            .members
            .first()
            .and_then(|&m| hosts.get(m).ok().map(|h| (m, h.0.zone, h.0.order)))
        else {
            continue;
        };
        // Whether probes get through to each zone, worked out once per check rather than per
        // backend.
        zones.clear();
        zones.extend((0..net.zones.len()).map(|z| {
            net.between(lb_zone, z)
                .is_some_and(|(_, loss)| loss_effect(loss).1 < 0.5)
        }));
        pool.clear();
        pool.extend(
            names
                .services
                .iter()
                .filter_map(|&s| services.get(s).ok())
                .filter(|(_, st)| st.balanced_by == Some(lb))
                .flat_map(|(_, st)| st.members.iter().copied()),
        );
        for &m in pool.iter() {
            let Ok((spec, st, Some(mut inst), load)) = hosts.get_mut(m) else {
                continue;
            };
            if st.power == Power::Decommissioned {
                continue;
            }
            // A firewall dropping the probes fails them like a dead host.
            let reachable = zones.get(spec.zone).copied().unwrap_or(false)
                && !sec.blocked(lb_order, spec.order);
            let pass = st.power == Power::Up
                && inst.proc == Proc::Running
                && reachable
                && load.fail <= hc.max_error_rate;
            if pass {
                inst.failed_checks = 0;
                inst.passed_checks += 1;
                if !inst.in_pool && inst.passed_checks >= RISE {
                    inst.in_pool = true;
                    verdicts.push((
                        Severity::Info,
                        format!(
                            "{}: backend {} is UP ({RISE} checks passed)",
                            lb_spec.process, spec.name
                        ),
                    ));
                }
            } else {
                inst.passed_checks = 0;
                inst.failed_checks += 1;
                if inst.in_pool && inst.failed_checks >= hc.unhealthy_after {
                    inst.in_pool = false;
                    verdicts.push((
                        Severity::Warn,
                        format!(
                            "{}: backend {} is DOWN ({} checks failed)",
                            lb_spec.process, spec.name, hc.unhealthy_after
                        ),
                    ));
                }
            }
        }
        // Logged in the order given, once the pool has been walked.
        if let Ok((lb_host, ..)) = hosts.get(lb_first) {
            for (severity, text) in verdicts.drain(..) {
                log.push(now, &lb_host.name, severity, text);
            }
        }
    }
}
