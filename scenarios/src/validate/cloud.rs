//! Validation of the cloud section: instance types, hosts built from them, autoscaling groups,
//! DNS records and database replicas that copy their data.

use std::collections::BTreeSet;

use super::{Check, name_chars, runs_service};
use crate::{Dur, ServiceKind};

/// The longest DNS TTL accepted: two days, beyond any TTL a record in service would carry.
const MAX_TTL: Dur = Dur(2 * 86_400_000);

pub(super) fn cloud(c: &mut Check) {
    let s = c.s;
    let cl = &s.cloud;
    let mut types = BTreeSet::new();
    for (i, t) in cl.instance_types.iter().enumerate() {
        let p = format!("cloud.instance_types[{i}]");
        c.text(format!("{p}.name"), &t.name, "the instance type's name");
        if !types.insert(t.name.as_str()) {
            c.error(
                format!("{p}.name"),
                format!("instance type `{}` is declared twice", t.name),
            );
        }
        if t.vcpu == 0 || t.vcpu > 1024 {
            c.error(
                format!("{p}.vcpu"),
                format!("vcpu must be from 1 to 1024, not {}", t.vcpu),
            );
        }
        c.finite(
            format!("{p}.memory_gb"),
            t.memory_gb,
            0.125,
            65_536.0,
            "memory_gb",
        );
        c.finite(
            format!("{p}.hourly_price"),
            t.hourly_price,
            0.0,
            100_000.0,
            "hourly_price",
        );
        if t.launch_time.ms() == 0 {
            c.error(format!("{p}.launch_time"), "launch_time must be above zero");
        }
    }
    for (i, h) in s.topology.hosts.iter().enumerate() {
        let Some(name) = &h.instance_type else {
            continue;
        };
        let p = format!("topology.hosts[{i}]");
        if !Check::reference(
            &mut c.out,
            format!("{p}.instance_type"),
            name,
            &types,
            "instance type",
        ) {
            continue;
        }
        let t = cl
            .instance_types
            .iter()
            .find(|t| t.name == *name)
            .expect("checked above");
        if h.cores != t.vcpu {
            c.error(
                format!("{p}.cores"),
                format!("{} has {} vCPU, not {} cores", t.name, t.vcpu, h.cores),
            );
        }
        if h.memory_gb != t.memory_gb {
            c.error(
                format!("{p}.memory_gb"),
                format!(
                    "{} has {} GB of memory, not {}",
                    t.name, t.memory_gb, h.memory_gb
                ),
            );
        }
        if h.hourly_cost != 0.0 && h.hourly_cost != t.hourly_price {
            c.error(
                format!("{p}.hourly_cost"),
                format!(
                    "{} costs {} an hour; leave hourly_cost out to take the type's price",
                    t.name, t.hourly_price
                ),
            );
        }
    }
    for (i, h) in s.topology.hosts.iter().enumerate() {
        if h.provisioned {
            continue;
        }
        let primary = s
            .topology
            .services
            .iter()
            .any(|svc| svc.kind == ServiceKind::Database && svc.hosts.first() == Some(&h.id));
        if primary {
            c.error(
                format!("topology.hosts[{i}].provisioned"),
                format!(
                    "{} is a database's first host, its primary, so it must be provisioned",
                    h.id
                ),
            );
        }
    }
    groups(c, &types);
    dns(c);
    replicas(c);
    if cl.procurement_time.ms() == 0 {
        c.error(
            "cloud.procurement_time",
            "procurement_time must be above zero",
        );
    }
    if let Some(b) = cl.budget {
        c.finite("cloud.budget", b, 0.01, 1e12, "budget");
    }
}

fn groups(c: &mut Check, types: &BTreeSet<&str>) {
    let s = c.s;
    let mut names = BTreeSet::new();
    let mut services = BTreeSet::new();
    for (i, g) in s.cloud.autoscaling.iter().enumerate() {
        let p = format!("cloud.autoscaling[{i}]");
        name_chars(c, &g.name, format!("{p}.name"));
        if !names.insert(g.name.as_str()) {
            c.error(
                format!("{p}.name"),
                format!("autoscaling group `{}` is declared twice", g.name),
            );
        }
        if c.service(format!("{p}.service"), &g.service) {
            if !services.insert(g.service.as_str()) {
                c.error(
                    format!("{p}.service"),
                    format!("{} already belongs to another autoscaling group", g.service),
                );
            }
            let svc = s
                .topology
                .services
                .iter()
                .find(|x| x.id == g.service)
                .expect("checked above");
            if svc.kind == ServiceKind::Database {
                c.error(
                    format!("{p}.service"),
                    "a database cannot be autoscaled: its replicas need their data first",
                );
            }
            let have = svc.hosts.len() as u32;
            if g.min <= g.max && (have < g.min || have > g.max) {
                c.error(
                    format!("{p}.min"),
                    format!(
                        "{} starts with {have} hosts, outside the group's {} to {}",
                        g.service, g.min, g.max
                    ),
                );
            }
        }
        Check::reference(
            &mut c.out,
            format!("{p}.instance_type"),
            &g.instance_type,
            types,
            "instance type",
        );
        if g.zones.is_empty() {
            c.error(format!("{p}.zones"), "a group needs at least one zone");
        }
        for (j, z) in g.zones.iter().enumerate() {
            c.zone(format!("{p}.zones[{j}]"), z);
        }
        if g.max == 0 || g.max > 1_000 {
            c.error(
                format!("{p}.max"),
                format!("max must be from 1 to 1000, not {}", g.max),
            );
        }
        if g.min > g.max {
            c.error(
                format!("{p}.min"),
                format!("min {} is above max {}", g.min, g.max),
            );
        }
        c.finite(
            format!("{p}.target_cpu"),
            g.target_cpu,
            1.0,
            100.0,
            "target_cpu (percent)",
        );
    }
}

fn dns(c: &mut Check) {
    let s = c.s;
    let mut names = BTreeSet::new();
    for (i, r) in s.cloud.dns.iter().enumerate() {
        let p = format!("cloud.dns[{i}]");
        c.text(format!("{p}.name"), &r.name, "the record's name");
        if r.name.contains(char::is_whitespace) {
            c.error(format!("{p}.name"), "a DNS name has no spaces");
        }
        if !names.insert(r.name.as_str()) {
            c.error(
                format!("{p}.name"),
                format!("DNS record `{}` is declared twice", r.name),
            );
        }
        if s.topology.services.iter().any(|x| x.id == r.name) {
            c.error(
                format!("{p}.name"),
                format!(
                    "`{}` is also a service; a record needs its own name",
                    r.name
                ),
            );
        }
        c.service(format!("{p}.target"), &r.target);
        if r.ttl.ms() == 0 || r.ttl > MAX_TTL {
            c.error(
                format!("{p}.ttl"),
                format!(
                    "ttl must be above zero and at most {MAX_TTL}, not {}",
                    r.ttl
                ),
            );
        }
    }
}

fn replicas(c: &mut Check) {
    let s = c.s;
    let mut seen = BTreeSet::new();
    for (i, r) in s.cloud.replicas.iter().enumerate() {
        let p = format!("cloud.replicas[{i}]");
        if !c.host(format!("{p}.host"), &r.host) {
            continue;
        }
        if !seen.insert(r.host.as_str()) {
            c.error(format!("{p}.host"), format!("{} is listed twice", r.host));
        }
        let replica_of_db = s.topology.services.iter().any(|svc| {
            svc.kind == ServiceKind::Database && svc.hosts.iter().skip(1).any(|h| *h == r.host)
        });
        if !replica_of_db {
            let why = if runs_service(s, &r.host) {
                "it is not a replica (a database's second or later host)"
            } else {
                "it runs no service"
            };
            c.error(
                format!("{p}.host"),
                format!("{} cannot copy a database's data: {why}", r.host),
            );
        }
        c.finite(
            format!("{p}.copy_gb_per_hour"),
            r.copy_gb_per_hour,
            0.001,
            1_000_000.0,
            "copy_gb_per_hour",
        );
        c.finite(
            format!("{p}.replay_speedup"),
            r.replay_speedup,
            1.01,
            1_000.0,
            "replay_speedup (above 1, or it never catches up)",
        );
    }
}
