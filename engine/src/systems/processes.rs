//! `run_processes`: hosts boot, disks fill, memory leaks, the OOM killer and full disks end
//! processes, and supervisors restart them.

use bevy_ecs::prelude::{Query, Res, ResMut};
use scenarios::{Dur, ServiceKind};

use crate::components::{HostSpec, HostState, Instance, Power, Proc, ServiceSpec, ServiceState};
use crate::record::Severity;
use crate::resources::{Clock, Log, Names};

/// Memory the OS and agents keep for themselves on every host.
pub const OS_RESERVED_MB: f64 = 512.0;
/// How long a supervisor (systemd's default `RestartSec=100ms`, plus exec) takes to try again
/// after a crash; a database that cannot write its WAL keeps crashing at this pace.
pub const SUPERVISOR_RETRY: Dur = Dur(5_000);

pub fn run_processes(
    clock: Res<Clock>,
    names: Res<Names>,
    mut log: ResMut<Log>,
    mut hosts: Query<(&HostSpec, &mut HostState, Option<&mut Instance>)>,
    services: Query<(&ServiceSpec, &ServiceState)>,
) {
    let now = clock.now;
    let dt = clock.dt_secs();
    for &e in &names.hosts {
        let Ok((spec, mut st, inst)) = hosts.get_mut(e) else {
            continue;
        };
        let name = spec.name.as_str();
        if let Power::Booting { until } = st.power
            && until <= now
        {
            st.power = Power::Up;
            log.push(now, name, Severity::Info, "kernel: system booted");
        }
        if st.power != Power::Up {
            continue;
        }
        let before = st.disk_used_gb / st.disk_gb;
        let writing: f64 = st.rogues.iter().map(|r| r.gb_per_hour).sum();
        if writing > 0.0 {
            st.disk_used_gb = (st.disk_used_gb + writing * dt / 3_600.0).min(st.disk_gb);
        }
        let after = st.disk_used_gb / st.disk_gb;
        for (mark, sev) in [
            (0.9, Severity::Warn),
            (0.95, Severity::Warn),
            (1.0, Severity::Error),
        ] {
            if before < mark && after >= mark {
                log.push(
                    now,
                    name,
                    sev,
                    format!("kernel: filesystem /var is {:.0}% full", mark * 100.0),
                );
            }
        }
        let Some(mut inst) = inst else { continue };
        let Ok((svc, svc_state)) = services.get(inst.service) else {
            continue;
        };
        let is_db = svc.kind == ServiceKind::Database;
        match inst.proc {
            Proc::Starting { until } if until <= now => {
                if is_db && st.disk_full() {
                    inst.proc = Proc::Crashed {
                        retry: Dur(now.ms() + SUPERVISOR_RETRY.ms()),
                    };
                    log.push(now, name, Severity::Error, wal_panic());
                } else {
                    inst.proc = Proc::Running;
                    inst.memory_mb = svc.memory_mb;
                    log.push(
                        now,
                        name,
                        Severity::Info,
                        format!("{}: started, accepting connections", svc.process),
                    );
                }
            }
            Proc::Crashed { retry } if retry <= now => {
                inst.proc = Proc::Starting {
                    until: Dur(now.ms() + svc.start_time.ms()),
                };
                log.push(
                    now,
                    name,
                    Severity::Info,
                    format!("systemd: {}.service: scheduled restart", svc.process),
                );
            }
            Proc::Running => {
                let leak = svc_state
                    .versions
                    .get(inst.version)
                    .map_or(0.0, |v| v.leak_mb_per_min);
                inst.memory_mb += leak * dt / 60.0;
                if inst.memory_mb + OS_RESERVED_MB >= spec.memory_mb {
                    inst.proc = Proc::Crashed {
                        retry: Dur(now.ms() + SUPERVISOR_RETRY.ms()),
                    };
                    log.push(
                        now,
                        name,
                        Severity::Error,
                        format!(
                            "kernel: Out of memory: Killed process {} ({}) total-vm:{:.0}kB",
                            4_000 + inst.restarts * 17,
                            svc.process,
                            inst.memory_mb * 1_024.0
                        ),
                    );
                } else if is_db && st.disk_full() {
                    inst.proc = Proc::Crashed {
                        retry: Dur(now.ms() + SUPERVISOR_RETRY.ms()),
                    };
                    log.push(now, name, Severity::Error, wal_panic());
                }
            }
            _ => {}
        }
    }
}

fn wal_panic() -> String {
    "postgres: PANIC: could not write to file \"pg_wal/xlogtemp.2817\": No space left on device"
        .into()
}
