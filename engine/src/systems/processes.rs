//! `run_processes`: hosts boot, disks fill, memory leaks, the OOM killer and full disks end
//! processes, and supervisors restart them.

use bevy_ecs::prelude::{Entity, Local, Query, Res, ResMut};
use scenarios::{Dur, ServiceKind};

use crate::components::{HostSpec, HostState, Instance, Power, Proc, ServiceSpec, ServiceState};
use crate::record::Severity;
use crate::resources::{Clock, Log};

/// Memory the OS and agents keep for themselves on every host.
pub const OS_RESERVED_MB: f64 = 512.0;
/// Fill levels of a disk at which the kernel logs, and how loudly.
pub const DISK_MARKS: [(f64, Severity); 3] = [
    (0.9, Severity::Warn),
    (0.95, Severity::Warn),
    (1.0, Severity::Error),
];

/// How long a supervisor (systemd's default `RestartSec=100ms`, plus exec) takes to try again
/// after a crash; a database that cannot write its WAL keeps crashing at this pace.
pub const SUPERVISOR_RETRY: Dur = Dur(5_000);

/// A log line a host wrote this tick: (host order, line).
type Pending = (usize, (String, Severity, String));

/// Log lines written while visiting the hosts in the order the world stores them, put in the
/// log afterwards in `Names` order (a host's `order`), as visiting them in that order would.
#[derive(Debug, Default)]
pub struct Lines(Vec<Pending>);

impl Lines {
    fn push(&mut self, order: usize, name: &str, severity: Severity, text: impl Into<String>) {
        self.0
            .push((order, (name.to_owned(), severity, text.into())));
    }
}

pub fn run_processes(
    clock: Res<Clock>,
    mut log: ResMut<Log>,
    mut hosts: Query<(&HostSpec, &mut HostState, Option<&mut Instance>)>,
    services: Query<(&ServiceSpec, &ServiceState)>,
    mut lines: Local<Lines>,
) {
    let now = clock.now;
    let dt = clock.dt_secs();
    // Hosts of one service mostly come together: look their service up once per run of them.
    let mut last: Option<(Entity, &ServiceSpec, &ServiceState)> = None;
    let log_all = |lines: &mut Lines, log: &mut Log| {
        // A stable sort keeps each host's lines in the order written.
        lines.0.sort_by_key(|l| l.0);
        for (_, (name, sev, text)) in lines.0.drain(..) {
            log.push(now, &name, sev, text);
        }
    };
    for (spec, mut st, inst) in hosts.iter_mut() {
        let name = spec.name.as_str();
        let order = spec.order;
        let log = &mut *lines;
        let log = &mut LogAt { lines: log, order };
        if let Power::Booting { until } = st.power
            && until <= now
        {
            st.power = Power::Up;
            log.push(name, Severity::Info, "kernel: system booted");
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
        for (mark, sev) in DISK_MARKS {
            if before < mark && after >= mark {
                log.push(
                    name,
                    sev,
                    format!("kernel: filesystem /var is {:.0}% full", mark * 100.0),
                );
            }
        }
        let Some(mut inst) = inst else { continue };
        let (svc, svc_state) = match last {
            Some((e, svc, state)) if e == inst.service => (svc, state),
            _ => {
                let Ok((svc, state)) = services.get(inst.service) else {
                    continue;
                };
                last = Some((inst.service, svc, state));
                (svc, state)
            }
        };
        let is_db = svc.kind == ServiceKind::Database;
        match inst.proc {
            Proc::Starting { until } if until <= now => {
                if is_db && st.disk_full() {
                    inst.proc = Proc::Crashed {
                        retry: Dur(now.ms() + SUPERVISOR_RETRY.ms()),
                    };
                    log.push(name, Severity::Error, wal_panic());
                } else {
                    inst.proc = Proc::Running;
                    inst.memory_mb = svc.memory_mb;
                    log.push(
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
                    log.push(name, Severity::Error, wal_panic());
                }
            }
            _ => {}
        }
    }
    if !lines.0.is_empty() {
        log_all(&mut lines, &mut log);
    }
}

/// Where a host's lines go while it is visited.
struct LogAt<'a> {
    lines: &'a mut Lines,
    order: usize,
}

impl LogAt<'_> {
    fn push(&mut self, name: &str, severity: Severity, text: impl Into<String>) {
        self.lines.push(self.order, name, severity, text);
    }
}

fn wal_panic() -> String {
    "postgres: PANIC: could not write to file \"pg_wal/xlogtemp.2817\": No space left on device"
        .into()
}
