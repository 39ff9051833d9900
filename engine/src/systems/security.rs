//! `secure_estate`: certificates expire and renewals land, rolling patch steps restart their
//! instances, the firewall's verdicts are turned into what traffic can reach, exposure spans
//! open and close, and scanners probe ports left open to the internet.

use std::collections::BTreeMap;

use bevy_ecs::prelude::{Entity, World};
use rand::RngExt;
use scenarios::Dur;

use crate::components::{HostState, Instance, Power, Proc, ServiceSpec, ServiceState};
use crate::effects::{host_name, now, restart_instance, service_name};
use crate::record::{ExposureSpan, FaultRecord, Severity};
use crate::resources::{Clock, Faults, Log, Names, SimRng};
use crate::security::{HostPlace, Security, Source, clock, cves_of, instance_version, places};

pub fn secure_estate(world: &mut World) {
    if !world.resource::<Security>().active() {
        return;
    }
    let at = now(world);
    complete_renewals(world, at);
    run_patch_steps(world, at);
    expire_certs(world, at);
    derive(world, at);
}

fn complete_renewals(world: &mut World, at: Dur) {
    let services = world.resource::<Names>().services.clone();
    for s in services {
        let order = world.get::<ServiceSpec>(s).map_or(0, |x| x.order);
        let done = {
            let mut sec = world.resource_mut::<Security>();
            let Some(cert) = sec.certs.get_mut(order).and_then(Option::as_mut) else {
                continue;
            };
            match cert.renewing_until {
                Some(until) if until <= at => {
                    cert.renewing_until = None;
                    cert.expires = Dur(at.ms() + cert.validity.ms());
                    cert.expired_seen = false;
                    Some((cert.name.clone(), cert.issuer.clone(), cert.validity))
                }
                _ => None,
            }
        };
        if let Some((cn, issuer, validity)) = done {
            let name = service_name(world, s);
            world.resource_mut::<Log>().notify(
                at,
                &name,
                Severity::Info,
                format!(
                    "{name}: new certificate for {cn} issued by {issuer}, valid for {validity}; reloaded without dropping connections"
                ),
            );
        }
    }
}

fn run_patch_steps(world: &mut World, at: Dur) {
    loop {
        let step = {
            let mut sec = world.resource_mut::<Security>();
            match sec.patches.iter().position(|p| p.due <= at) {
                Some(i) => sec.patches.remove(i),
                None => break,
            }
        };
        for h in step.hosts {
            // Deploy tooling takes the instance out of its pool first; health checks bring it
            // back once it serves.
            if let Some(mut inst) = world.get_mut::<Instance>(h) {
                inst.in_pool = false;
                inst.passed_checks = 0;
            }
            let up = world
                .get::<HostState>(h)
                .is_some_and(|s| s.power == Power::Up);
            if up {
                restart_instance(world, h, Some(step.version));
            } else if let Some(mut inst) = world.get_mut::<Instance>(h) {
                // A host that is down gets the new version when it next starts.
                inst.version = step.version;
            }
            let version = instance_version(world, h).unwrap_or_default();
            let name = host_name(world, h);
            world.resource_mut::<Log>().push(
                at,
                &name,
                Severity::Info,
                format!("patch: installing {version} and restarting the service"),
            );
        }
    }
}

fn expire_certs(world: &mut World, at: Dur) {
    let services = world.resource::<Names>().services.clone();
    for s in services {
        let order = world.get::<ServiceSpec>(s).map_or(0, |x| x.order);
        let expired = {
            let mut sec = world.resource_mut::<Security>();
            let Some(cert) = sec.certs.get_mut(order).and_then(Option::as_mut) else {
                continue;
            };
            if cert.expired(at) && !cert.expired_seen {
                cert.expired_seen = true;
                Some((cert.name.clone(), cert.expires))
            } else {
                None
            }
        };
        let Some((cn, expires)) = expired else {
            continue;
        };
        let name = service_name(world, s);
        let members = world
            .get::<ServiceState>(s)
            .map(|st| st.members.clone())
            .unwrap_or_default();
        let process = world
            .get::<ServiceSpec>(s)
            .map(|sp| sp.process.clone())
            .unwrap_or_default();
        let when = clock(world, expires);
        let mut struck = vec![name.clone()];
        for &m in &members {
            let host = host_name(world, m);
            world.resource_mut::<Log>().push(
                at,
                &host,
                Severity::Error,
                format!(
                    "{process}: TLS handshake failed: certificate for {cn} expired at {when} (notAfter); clients reject it"
                ),
            );
            struck.push(host);
        }
        struck.sort();
        world.resource_mut::<Faults>().fired.push(FaultRecord {
            at,
            what: format!("the TLS certificate for {cn} on {name} expired"),
            kind: "certificate expired".into(),
            struck,
        });
    }
}

/// Gates, call shares, exposure spans and probes from the current rules and state.
fn derive(world: &mut World, at: Dur) {
    let all = places(world);
    let n_services = world.resource::<Names>().services.len();
    let entry = world.resource::<Names>().entry;
    let sec = world.resource::<Security>();
    let has_rules = sec.custom;

    let mut gate = vec![1.0; all.len()];
    let mut blocked = Vec::new();
    let mut call_share = if has_rules {
        vec![vec![1.0; n_services]; all.len()]
    } else {
        Vec::new()
    };
    // Internet verdict and the listening port of each host's instance, by host order.
    let mut internet = vec![false; all.len()];
    let mut service_of: Vec<Option<Entity>> = vec![None; all.len()];
    for h in &all {
        let Some(inst) = world.get::<Instance>(h.entity) else {
            continue;
        };
        let order = world
            .get::<ServiceSpec>(inst.service)
            .map_or(0, |s| s.order);
        service_of[h.order] = Some(inst.service);
        let port = sec.ports[order];
        internet[h.order] = sec.verdict(Source::Internet, h, port).0;
        let tls_ok = sec
            .certs
            .get(order)
            .and_then(Option::as_ref)
            .is_none_or(|c| !c.expired(at));
        let reachable = Some(inst.service) != entry || internet[h.order];
        gate[h.order] = if tls_ok && reachable { 1.0 } else { 0.0 };
    }
    if has_rules {
        for caller in &all {
            let Some(s) = service_of[caller.order] else {
                continue;
            };
            let Some(spec) = world.get::<ServiceSpec>(s) else {
                continue;
            };
            for &(callee, _) in &spec.calls {
                let (Some(cspec), Some(cst)) = (
                    world.get::<ServiceSpec>(callee),
                    world.get::<ServiceState>(callee),
                ) else {
                    continue;
                };
                let port = sec.ports[cspec.order];
                let targets: Vec<&HostPlace> = cst
                    .members
                    .iter()
                    .filter(|&&m| {
                        world
                            .get::<HostState>(m)
                            .is_some_and(|st| st.power != Power::Decommissioned)
                    })
                    .filter_map(|&m| all.iter().find(|p| p.entity == m))
                    .collect();
                if targets.is_empty() {
                    continue;
                }
                let mut ok = 0;
                for t in &targets {
                    if sec.verdict(Source::Host(caller), t, port).0 {
                        ok += 1;
                    } else {
                        blocked.push((caller.order, t.order));
                    }
                }
                call_share[caller.order][cspec.order] = ok as f64 / targets.len() as f64;
            }
        }
    }

    // Surfaces reachable from the internet now: key -> (host, description).
    let mut surfaces: BTreeMap<String, (String, String)> = BTreeMap::new();
    for h in &all {
        let Some(s) = service_of[h.order] else {
            continue;
        };
        let serving = world
            .get::<HostState>(h.entity)
            .is_some_and(|st| st.power == Power::Up)
            && world
                .get::<Instance>(h.entity)
                .is_some_and(|i| i.proc == Proc::Running);
        if !serving {
            continue;
        }
        let order = world.get::<ServiceSpec>(s).map_or(0, |x| x.order);
        let port = sec.ports[order];
        let name = service_name(world, s);
        if internet[h.order] && Some(s) != entry {
            let rule = sec
                .verdict(Source::Internet, h, port)
                .1
                .map(|n| format!("; {}", sec.describe(n)))
                .unwrap_or_default();
            surfaces.insert(
                format!("{}:{port}", h.name),
                (
                    h.name.clone(),
                    format!(
                        "{name} port {port} on {} open to the internet{rule}",
                        h.name
                    ),
                ),
            );
        }
        let version = instance_version(world, h.entity).unwrap_or_default();
        let cves = cves_of(sec, s, &version);
        if cves.is_empty() {
            continue;
        }
        let via = if internet[h.order] {
            Some("directly".to_owned())
        } else {
            proxied_by(world, sec, &all, &internet, s, h)
        };
        if let Some(via) = via {
            for cve in cves {
                surfaces.insert(
                    format!("{} {}", h.name, cve.id),
                    (
                        h.name.clone(),
                        format!(
                            "{} runs {name} {version}, vulnerable to {} ({}), reachable from the internet {via}",
                            h.name,
                            cve.id,
                            cve.severity.label()
                        ),
                    ),
                );
            }
        }
    }

    let probes = sec.probes.clone();
    let ports = sec.ports.clone();
    let dt = world.resource::<Clock>().dt_secs();
    world.resource_mut::<Security>().blocked = blocked;
    record_spans(world, at, gate, call_share, surfaces);
    probe_ports(world, at, &all, &internet, &service_of, &probes, &ports, dt);
}

/// Stores the derived gates and opens and closes exposure spans.
fn record_spans(
    world: &mut World,
    at: Dur,
    gate: Vec<f64>,
    call_share: Vec<Vec<f64>>,
    surfaces: BTreeMap<String, (String, String)>,
) {
    let mut sec = world.resource_mut::<Security>();
    sec.gate = gate;
    sec.call_share = call_share;
    let closed: Vec<String> = sec
        .open
        .keys()
        .filter(|k| !surfaces.contains_key(*k))
        .cloned()
        .collect();
    for key in closed {
        if let Some(i) = sec.open.remove(&key) {
            sec.exposures[i].to = Some(at);
        }
    }
    for (key, (subject, what)) in surfaces {
        if sec.open.contains_key(&key) {
            continue;
        }
        let i = sec.exposures.len();
        sec.exposures.push(ExposureSpan {
            surface: key.clone(),
            subject,
            what,
            from: at,
            to: None,
        });
        sec.open.insert(key, i);
    }
}

/// Scanners try to log in to ports the internet reaches, at each probe's rate.
#[allow(
    clippy::too_many_arguments,
    reason = "the tick's derived state, passed rather than recomputed"
)]
fn probe_ports(
    world: &mut World,
    at: Dur,
    all: &[HostPlace],
    internet: &[bool],
    service_of: &[Option<Entity>],
    probes: &[crate::security::Probe],
    ports: &[u16],
    dt: f64,
) {
    for probe in probes {
        // (host, process) of every instance the probe can reach.
        let reachable: Vec<(String, String)> = all
            .iter()
            .filter(|h| {
                (h.name == probe.on
                    || h.zone == probe.on
                    || h.service.as_deref() == Some(probe.on.as_str()))
                    && internet[h.order]
            })
            .filter_map(|h| {
                let sp = world.get::<ServiceSpec>(service_of[h.order]?)?;
                (ports[sp.order] == probe.port).then(|| (h.name.clone(), sp.process.clone()))
            })
            .collect();
        for (host, process) in reachable {
            let chance = probe.per_hour * dt / 3_600.0;
            let Some((ip, src_port, user)) = attempt(&mut world.resource_mut::<SimRng>(), chance)
            else {
                continue;
            };
            let text = format!(
                "{process}: connection from {}.{}.{}.{} port {src_port}: authentication failed for user \"{user}\"",
                ip[0], ip[1], ip[2], ip[3]
            );
            world
                .resource_mut::<Log>()
                .push(at, &host, Severity::Warn, text);
        }
    }
}

/// How a vulnerable instance behind a load balancer is reachable: the balancer forwards the
/// internet's requests to it unchanged, so its flaw is exploitable through the balancer.
fn proxied_by(
    world: &World,
    sec: &Security,
    all: &[HostPlace],
    internet: &[bool],
    service: Entity,
    host: &HostPlace,
) -> Option<String> {
    let lb = world.get::<ServiceState>(service)?.balanced_by?;
    let lb_name = service_name(world, lb);
    let port = sec.ports[world.get::<ServiceSpec>(service)?.order];
    let lb_hosts = &world.get::<ServiceState>(lb)?.members;
    all.iter()
        .filter(|p| lb_hosts.contains(&p.entity) && internet[p.order])
        .any(|p| sec.verdict(Source::Host(p), host, port).0)
        .then(|| format!("through {lb_name}"))
}

/// One scanner's login attempt in this tick, with probability `chance`: source address, source
/// port and the user name tried.
fn attempt(rng: &mut SimRng, chance: f64) -> Option<([u32; 4], u32, &'static str)> {
    let r = &mut rng.security;
    if r.random::<f64>() >= chance {
        return None;
    }
    let ip = [
        r.random_range(23..=223u32),
        r.random_range(0..=255u32),
        r.random_range(0..=255u32),
        r.random_range(1..=254u32),
    ];
    let src_port = r.random_range(32_768..=60_999u32);
    let user = ["postgres", "admin", "root", "sa", "backup"][r.random_range(0..5usize)];
    Some((ip, src_port, user))
}
