//! Semantic validation of a parsed `Scenario`: cross-references, ranges, units and limits.
//! Returns every problem found, each naming the field path it is about.

use std::collections::{BTreeMap, BTreeSet};

mod cloud;
mod security;

pub use security::{SOURCES, default_port, version_cmp};

use crate::diagnostic::{Diagnostic, suggest};
use crate::{Dur, FaultKind, Kpi, Scenario, ServiceKind};

#[path = "validate_capacity.rs"]
mod capacity;
#[path = "validate_design.rs"]
mod design;
mod network;
#[path = "validate_storage.rs"]
mod storage;
mod virt;

/// Most entities (sites, zones, hosts, services, links) one scenario may declare.
pub const MAX_ENTITIES: usize = 100_000;
/// Most simulation steps one run may take: a year at 10 s ticks, or a day at 1 s ticks many times over.
pub const MAX_TICKS: u64 = 5_000_000;
/// Shortest tick: the model is of rates, not of single packets.
pub const MIN_TICK: Dur = Dur(100);
/// Most faults, alert rules, log lines, hints or reference steps in one list.
pub const MAX_LIST: usize = 10_000;
/// Longest text field (briefing, log line, note keyword).
pub const MAX_TEXT: usize = 20_000;
/// Most instances `scale` may run of one service, as for an autoscaling group.
pub const MAX_INSTANCES: u32 = 1_000;

pub(crate) struct Check<'a> {
    pub(crate) out: Vec<Diagnostic>,
    pub(crate) s: &'a Scenario,
    zones: BTreeSet<&'a str>,
    hosts: BTreeSet<&'a str>,
    services: BTreeSet<&'a str>,
    /// Switches and routers: with the zones, what links may join.
    nodes: BTreeSet<&'a str>,
}

impl<'a> Check<'a> {
    pub(crate) fn error(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.out.push(Diagnostic::at(path, message));
    }

    fn finite(&mut self, path: impl Into<String>, value: f64, min: f64, max: f64, what: &str) {
        if !value.is_finite() || value < min || value > max {
            self.error(
                path,
                format!(
                    "{what} must be a number from {min} to {max}, not {}",
                    crate::limits::number(value)
                ),
            );
        }
    }

    fn text(&mut self, path: impl Into<String>, value: &str, what: &str) {
        if value.trim().is_empty() {
            self.error(path, format!("{what} is empty"));
        } else if value.len() > MAX_TEXT {
            self.error(
                path,
                format!(
                    "{what} is {} bytes, over the {MAX_TEXT} byte limit",
                    value.len()
                ),
            );
        } else if let Some(c) = value.chars().find(|&c| crate::limits::forbidden(c)) {
            self.error(
                path,
                format!("{what} holds the control character U+{:04X}", u32::from(c)),
            );
        }
    }

    /// Whether `name` is in `known`; if not, records an "unknown" error with a suggestion.
    /// Takes the output list rather than `self` so callers can pass one of `self`'s own sets.
    fn reference(
        out: &mut Vec<Diagnostic>,
        path: String,
        name: &str,
        known: &BTreeSet<&str>,
        what: &str,
    ) -> bool {
        if known.contains(name) {
            return true;
        }
        let mut d = Diagnostic::at(path, format!("unknown {what} `{name}`"));
        if out.len() >= crate::limits::MAX_DIAGNOSTICS {
            // Not shown (only the first problems are): spare the edit distances to every name.
            out.push(d);
            return false;
        }
        d.help = suggest(name, known.iter().copied()).or_else(|| {
            let list: Vec<&str> = known.iter().copied().take(8).collect();
            Some(if list.is_empty() {
                format!("no {what}s are declared")
            } else {
                format!("the {what}s declared are: {}", list.join(", "))
            })
        });
        out.push(d);
        false
    }

    fn host(&mut self, path: String, name: &str) -> bool {
        Self::reference(&mut self.out, path, name, &self.hosts, "host")
    }

    fn service(&mut self, path: String, name: &str) -> bool {
        Self::reference(&mut self.out, path, name, &self.services, "service")
    }

    /// A server's zone and size, the same bounds for a host and for a host type to buy.
    fn machine(&mut self, p: &str, zone: &str, cores: u32, memory_gb: f64, disk_gb: f64) {
        self.zone(format!("{p}.zone"), zone);
        if cores == 0 || cores > 1024 {
            self.error(
                format!("{p}.cores"),
                format!("cores must be from 1 to 1024, not {cores}"),
            );
        }
        self.finite(
            format!("{p}.memory_gb"),
            memory_gb,
            0.125,
            65_536.0,
            "memory_gb",
        );
        self.finite(
            format!("{p}.disk_gb"),
            disk_gb,
            1.0,
            10_000_000.0,
            "disk_gb",
        );
    }

    fn zone(&mut self, path: String, name: &str) -> bool {
        Self::reference(&mut self.out, path, name, &self.zones, "zone")
    }

    pub(crate) fn within_limit(&mut self, path: String, at: Dur, what: &str) {
        if at > self.s.time_limit {
            self.error(
                path,
                format!(
                    "{what} at {at} is after the time limit of {}; it would never happen",
                    self.s.time_limit
                ),
            );
        }
    }

    fn list_len(&mut self, path: &str, len: usize) {
        if len > MAX_LIST {
            self.error(path, format!("{len} entries, over the limit of {MAX_LIST}"));
        }
    }
}

/// Every problem with `s`, or an empty list if it is sound.
pub fn validate(s: &Scenario) -> Vec<Diagnostic> {
    let mut c = Check {
        out: Vec::new(),
        s,
        zones: BTreeSet::new(),
        hosts: BTreeSet::new(),
        services: BTreeSet::new(),
        nodes: BTreeSet::new(),
    };
    header(&mut c);
    let entities = s.topology.sites.len()
        + s.topology.hosts.len()
        + s.topology.services.len()
        + s.topology.links.len()
        + s.topology.nodes.len()
        + s.topology.hypervisors.len()
        + s.topology
            .sites
            .iter()
            .map(|site| site.zones.len())
            .sum::<usize>();
    if entities > MAX_ENTITIES {
        c.error(
            "topology",
            format!("{entities} entities, over the limit of {MAX_ENTITIES}"),
        );
        return c.out;
    }
    for (path, len) in [
        ("faults", s.faults.len()),
        ("alerts", s.alerts.len()),
        ("logs", s.logs.len()),
        ("hints", s.hints.len()),
        ("reference", s.reference.len()),
        ("transcripts", s.transcripts.len()),
    ] {
        c.list_len(path, len);
    }
    if !c.out.is_empty() {
        return c.out;
    }
    names(&mut c);
    links(&mut c);
    network::nodes(&mut c);
    hosts(&mut c);
    services(&mut c);
    security::topology(&mut c);
    traffic(&mut c);
    faults(&mut c);
    slo_and_alerts(&mut c);
    rubric(&mut c);
    cloud::cloud(&mut c);
    storage::storage(&mut c);
    security::escalation(&mut c);
    virt::validate(&mut c);
    capacity::capacity(&mut c);
    design::design(&mut c);
    c.out
}

fn header(c: &mut Check) {
    let s = c.s;
    let slug_ok = !s.id.is_empty()
        && s.id.len() <= 64
        && s.id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !slug_ok {
        c.out.push(
            Diagnostic::at("id", format!("id `{}` is not a valid scenario id", s.id))
                .with_help("use lower-case letters, digits and `-`, at most 64 characters"),
        );
    }
    c.text("title", &s.title, "the title");
    c.text("briefing", &s.briefing, "the briefing");
    if crate::parse_start(&s.start).is_none() {
        c.out.push(
            Diagnostic::at("start", format!("start `{}` is not a time of day", s.start)).with_help(
                "write it as \"HH:MM\", e.g. \"02:14\", or with a date, \"2026-10-05 09:00\"",
            ),
        );
    }
    if s.tick < MIN_TICK {
        c.error(
            "tick",
            format!("tick {} is shorter than the minimum of {MIN_TICK}", s.tick),
        );
    }
    if s.time_limit.ms() == 0 {
        c.error(
            "time_limit",
            "time limit is zero; the scenario would end before it starts",
        );
    } else if s.tick.ms() > 0 {
        let ticks = s.time_limit.ms() / s.tick.ms();
        if ticks > MAX_TICKS {
            c.out.push(
                Diagnostic::at(
                    "time_limit",
                    format!(
                        "{} at a {} tick is {ticks} steps, over the limit of {MAX_TICKS}",
                        s.time_limit, s.tick
                    ),
                )
                .with_help("use a coarser tick for long horizons (e.g. \"1m\" for weeks, \"1h\" for a year)"),
            );
        }
        if s.tick > s.time_limit {
            c.error("tick", "tick is longer than the whole time limit");
        }
    }
}

/// Minutes past midnight of an `"HH:MM"` string.
pub fn parse_clock(text: &str) -> Option<u64> {
    let (h, m) = text.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u64, u64) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

/// Every site, zone, host and service name is unique across all of them: commands name any of them.
fn names<'a>(c: &mut Check<'a>) {
    let s = c.s;
    let mut seen: BTreeMap<&'a str, String> = BTreeMap::new();
    let mut claim = |c: &mut Check<'a>, name: &'a str, path: String| {
        if let Some(first) = seen.get(name) {
            c.error(
                path,
                format!("`{name}` is already declared at {first}; names must be unique"),
            );
        } else {
            seen.insert(name, path);
        }
    };
    for (i, site) in s.topology.sites.iter().enumerate() {
        claim(c, &site.id, format!("topology.sites[{i}].id"));
        for (j, zone) in site.zones.iter().enumerate() {
            claim(c, zone, format!("topology.sites[{i}].zones[{j}]"));
            c.zones.insert(zone);
        }
    }
    for (i, host) in s.topology.hosts.iter().enumerate() {
        claim(c, &host.id, format!("topology.hosts[{i}].id"));
        c.hosts.insert(&host.id);
        name_chars(c, &host.id, format!("topology.hosts[{i}].id"));
    }
    for (i, svc) in s.topology.services.iter().enumerate() {
        claim(c, &svc.id, format!("topology.services[{i}].id"));
        c.services.insert(&svc.id);
        name_chars(c, &svc.id, format!("topology.services[{i}].id"));
    }
    for (i, node) in s.topology.nodes.iter().enumerate() {
        claim(c, &node.id, format!("topology.nodes[{i}].id"));
        c.nodes.insert(&node.id);
        name_chars(c, &node.id, format!("topology.nodes[{i}].id"));
    }
}

fn name_chars(c: &mut Check, name: &str, path: String) {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if !ok {
        c.out.push(
            Diagnostic::at(
                path,
                format!("`{name}` cannot be typed as a command argument"),
            )
            .with_help("use letters, digits, `-`, `_` and `.`, at most 64 characters"),
        );
    }
}

fn links(c: &mut Check) {
    let mut pairs = BTreeSet::new();
    for (i, link) in c.s.topology.links.iter().enumerate() {
        let p = format!("topology.links[{i}]");
        let a = c.endpoint(format!("{p}.from"), &link.from);
        let b = c.endpoint(format!("{p}.to"), &link.to);
        if a && b && link.from == link.to {
            c.error(format!("{p}.to"), "a link must join two different nodes");
        }
        let key = if link.from <= link.to {
            (link.from.clone(), link.to.clone())
        } else {
            (link.to.clone(), link.from.clone())
        };
        if !pairs.insert(key) {
            c.error(
                p.clone(),
                format!(
                    "a link between `{}` and `{}` is declared twice",
                    link.from, link.to
                ),
            );
        }
        c.finite(
            format!("{p}.latency_ms"),
            link.latency_ms,
            0.0,
            10_000.0,
            "latency_ms",
        );
        c.finite(format!("{p}.loss"), link.loss, 0.0, 1.0, "loss");
        c.finite(format!("{p}.gbps"), link.gbps, 0.001, 100_000.0, "gbps");
        c.finite(
            format!("{p}.base_gbps"),
            link.base_gbps,
            0.0,
            100_000.0,
            "base_gbps",
        );
    }
}

fn hosts(c: &mut Check) {
    for (i, h) in c.s.topology.hosts.iter().enumerate() {
        let p = format!("topology.hosts[{i}]");
        c.machine(&p, &h.zone, h.cores, h.memory_gb, h.disk_gb);
        c.finite(
            format!("{p}.disk_used_gb"),
            h.disk_used_gb,
            0.0,
            h.disk_gb.max(0.0),
            "disk_used_gb (at most disk_gb)",
        );
        c.finite(
            format!("{p}.nic_gbps"),
            h.nic_gbps,
            0.001,
            10_000.0,
            "nic_gbps",
        );
        c.finite(
            format!("{p}.hourly_cost"),
            h.hourly_cost,
            0.0,
            100_000.0,
            "hourly_cost",
        );
    }
}

fn services(c: &mut Check) {
    let s = c.s;
    let mut placed: BTreeMap<&str, &str> = BTreeMap::new();
    for (i, svc) in s.topology.services.iter().enumerate() {
        let p = format!("topology.services[{i}]");
        if svc.hosts.is_empty() {
            c.error(
                format!("{p}.hosts"),
                format!("service `{}` runs on no host", svc.id),
            );
        }
        for (j, h) in svc.hosts.iter().enumerate() {
            if !c.host(format!("{p}.hosts[{j}]"), h) {
                continue;
            }
            if let Some(other) = placed.insert(h, &svc.id) {
                c.error(
                    format!("{p}.hosts[{j}]"),
                    format!("host `{h}` already runs `{other}`; a host runs one service"),
                );
            }
        }
        c.text(format!("{p}.version"), &svc.version, "the version");
        c.finite(
            format!("{p}.ms_per_request"),
            svc.ms_per_request,
            0.001,
            600_000.0,
            "ms_per_request",
        );
        c.finite(
            format!("{p}.memory_mb"),
            svc.memory_mb,
            1.0,
            16_777_216.0,
            "memory_mb",
        );
        if svc.max_connections == 0 || svc.max_connections > 100_000_000 {
            c.error(
                format!("{p}.max_connections"),
                format!(
                    "max_connections must be from 1 to 100000000, not {}",
                    svc.max_connections
                ),
            );
        }
        if let Some(w) = svc.workers
            && (w == 0 || w > 100_000)
        {
            c.error(
                format!("{p}.workers"),
                format!("workers must be from 1 to 100000, not {w}"),
            );
        }
        for (j, call) in svc.calls.iter().enumerate() {
            if c.service(format!("{p}.calls[{j}].service"), &call.service) && call.service == svc.id
            {
                c.error(
                    format!("{p}.calls[{j}].service"),
                    format!("`{}` calls itself", svc.id),
                );
            }
            c.finite(
                format!("{p}.calls[{j}].per_request"),
                call.per_request,
                0.0,
                1_000.0,
                "per_request",
            );
        }
        if let Some(hc) = &svc.health_check {
            if svc.kind != ServiceKind::LoadBalancer {
                c.error(
                    format!("{p}.health_check"),
                    "only a LoadBalancer health-checks a pool",
                );
            }
            if hc.interval.ms() == 0 {
                c.error(
                    format!("{p}.health_check.interval"),
                    "health-check interval must be above zero",
                );
            }
            if hc.unhealthy_after == 0 || hc.unhealthy_after > 1_000 {
                c.error(
                    format!("{p}.health_check.unhealthy_after"),
                    format!(
                        "unhealthy_after must be from 1 to 1000, not {}",
                        hc.unhealthy_after
                    ),
                );
            }
            c.finite(
                format!("{p}.health_check.max_error_rate"),
                hc.max_error_rate,
                0.0,
                1.0,
                "max_error_rate",
            );
        }
        if svc.replica_lag.is_some() && svc.kind != ServiceKind::Database {
            c.error(format!("{p}.replica_lag"), "only a Database has replicas");
        }
        if let Some(sc) = &svc.scaling
            && sc.max_instances > MAX_INSTANCES
        {
            // `scale` starts one simulated host per instance.
            c.error(
                format!("{p}.scaling.max_instances"),
                format!(
                    "max_instances must be at most {MAX_INSTANCES}, not {}",
                    sc.max_instances
                ),
            );
        } else if let Some(sc) = &svc.scaling
            && (sc.max_instances as usize) < svc.hosts.len()
        {
            c.error(
                format!("{p}.scaling.max_instances"),
                format!(
                    "max_instances {} is below the {} hosts already running",
                    sc.max_instances,
                    svc.hosts.len()
                ),
            );
        }
    }
    cycles(c);
}

/// A dependency cycle would make every request wait on itself.
fn cycles(c: &mut Check) {
    let s = c.s;
    let index: BTreeMap<&str, usize> = s
        .topology
        .services
        .iter()
        .enumerate()
        .map(|(i, v)| (v.id.as_str(), i))
        .collect();
    // 0 = unvisited, 1 = on the stack, 2 = done
    let mut state = vec![0u8; s.topology.services.len()];
    for start in 0..s.topology.services.len() {
        if state[start] != 0 {
            continue;
        }
        let mut stack = vec![(start, 0usize)];
        state[start] = 1;
        while let Some((node, edge)) = stack.pop() {
            let calls = &s.topology.services[node].calls;
            if edge < calls.len() {
                stack.push((node, edge + 1));
                if let Some(&next) = index.get(calls[edge].service.as_str()) {
                    if state[next] == 1 {
                        c.error(
                            format!("topology.services[{node}].calls[{edge}].service"),
                            format!(
                                "dependency cycle: `{}` calls `{}`, which leads back to it",
                                s.topology.services[node].id, calls[edge].service
                            ),
                        );
                    } else if state[next] == 0 {
                        state[next] = 1;
                        stack.push((next, 0));
                    }
                }
            } else {
                state[node] = 2;
            }
        }
    }
}

fn traffic(c: &mut Check) {
    let t = &c.s.traffic;
    if !c.s.cloud.dns.iter().any(|r| r.name == t.entry) {
        c.service("traffic.entry".into(), &t.entry);
    }
    c.finite(
        "traffic.base_rps",
        t.base_rps,
        0.0,
        100_000_000.0,
        "base_rps",
    );
    c.finite(
        "traffic.diurnal_swing",
        t.diurnal_swing,
        0.0,
        1.0,
        "diurnal_swing",
    );
    c.finite("traffic.peak_hour", t.peak_hour, 0.0, 23.99, "peak_hour");
    c.finite("traffic.noise", t.noise, 0.0, 0.5, "noise");
    c.finite(
        "traffic.write_fraction",
        t.write_fraction,
        0.0,
        1.0,
        "write_fraction",
    );
    for (i, spike) in t.spikes.iter().enumerate() {
        let p = format!("traffic.spikes[{i}]");
        c.finite(
            format!("{p}.multiplier"),
            spike.multiplier,
            0.0,
            1_000.0,
            "multiplier",
        );
        c.within_limit(format!("{p}.at"), spike.at, "the spike");
        if spike.duration.ms() == 0 {
            c.error(
                format!("{p}.duration"),
                "a spike must last longer than zero",
            );
        }
    }
}

fn faults(c: &mut Check) {
    let s = c.s;
    let links: BTreeSet<(&str, &str)> = s
        .topology
        .links
        .iter()
        .flat_map(|l| {
            [
                (l.from.as_str(), l.to.as_str()),
                (l.to.as_str(), l.from.as_str()),
            ]
        })
        .collect();
    for (i, fault) in s.faults.iter().enumerate() {
        let p = format!("faults[{i}]");
        c.within_limit(format!("{p}.at"), fault.at, "the fault");
        let k = format!("{p}.kind");
        match &fault.kind {
            FaultKind::HostCrash { host } | FaultKind::ProcessCrash { host } => {
                let known = c.host(format!("{k}.host"), host);
                if known
                    && matches!(fault.kind, FaultKind::ProcessCrash { .. })
                    && !runs_service(s, host)
                {
                    c.error(
                        format!("{k}.host"),
                        format!("host `{host}` runs no service, so no process can crash"),
                    );
                }
            }
            FaultKind::DiskFill {
                host,
                gb_per_hour,
                writer,
            } => {
                c.host(format!("{k}.host"), host);
                c.finite(
                    format!("{k}.gb_per_hour"),
                    *gb_per_hour,
                    0.001,
                    1_000_000.0,
                    "gb_per_hour",
                );
                process_name(c, format!("{k}.writer"), writer);
            }
            FaultKind::MemoryLeak {
                service,
                mb_per_min,
            } => {
                c.service(format!("{k}.service"), service);
                c.finite(
                    format!("{k}.mb_per_min"),
                    *mb_per_min,
                    0.001,
                    1_000_000.0,
                    "mb_per_min",
                );
            }
            FaultKind::CpuSaturation {
                host,
                cores,
                process,
            } => {
                c.host(format!("{k}.host"), host);
                c.finite(format!("{k}.cores"), *cores, 0.01, 1024.0, "cores");
                process_name(c, format!("{k}.process"), process);
            }
            FaultKind::LinkDown { from, to } | FaultKind::LinkDegraded { from, to, .. } => {
                let a = c.endpoint(format!("{k}.from"), from);
                let b = c.endpoint(format!("{k}.to"), to);
                if a && b && !links.contains(&(from.as_str(), to.as_str())) {
                    c.error(
                        format!("{k}.to"),
                        format!("no link joins `{from}` and `{to}`"),
                    );
                }
                if let FaultKind::LinkDegraded {
                    loss,
                    extra_latency_ms,
                    ..
                } = &fault.kind
                {
                    c.finite(format!("{k}.loss"), *loss, 0.0, 1.0, "loss");
                    c.finite(
                        format!("{k}.extra_latency_ms"),
                        *extra_latency_ms,
                        0.0,
                        60_000.0,
                        "extra_latency_ms",
                    );
                }
            }
            FaultKind::LatencyCreep {
                service,
                percent_per_hour,
                version,
            } => {
                c.service(format!("{k}.service"), service);
                if let Some(v) = version {
                    c.text(format!("{k}.version"), v, "the version");
                }
                c.finite(
                    format!("{k}.percent_per_hour"),
                    *percent_per_hour,
                    0.001,
                    100_000.0,
                    "percent_per_hour",
                );
            }
            FaultKind::BadDeploy {
                service,
                version,
                error_rate,
                cpu_factor,
                leak_mb_per_min,
            } => {
                c.service(format!("{k}.service"), service);
                c.text(format!("{k}.version"), version, "the version");
                c.finite(
                    format!("{k}.error_rate"),
                    *error_rate,
                    0.0,
                    1.0,
                    "error_rate",
                );
                c.finite(
                    format!("{k}.cpu_factor"),
                    *cpu_factor,
                    0.01,
                    100.0,
                    "cpu_factor",
                );
                c.finite(
                    format!("{k}.leak_mb_per_min"),
                    *leak_mb_per_min,
                    0.0,
                    1_000_000.0,
                    "leak_mb_per_min",
                );
            }
            FaultKind::BadRoute { .. }
            | FaultKind::BulkTransfer { .. }
            | FaultKind::Partition { .. } => network::fault(c, &k, &fault.kind),
            FaultKind::DataCorruption { .. }
            | FaultKind::VolumeLoss { .. }
            | FaultKind::SiteLoss { .. }
            | FaultKind::BackupsLost { .. } => storage::fault(c, &k, &fault.kind),
            FaultKind::CveAnnounced { .. } | FaultKind::PortExposed { .. } => {
                security::fault(c, &k, &fault.kind);
            }
            FaultKind::HypervisorCrash { .. } | FaultKind::NoisyNeighbour { .. } => {
                virt::fault(c, &k, &fault.kind);
            }
        }
    }
}

pub(crate) fn runs_service(s: &Scenario, host: &str) -> bool {
    s.topology
        .services
        .iter()
        .any(|v| v.hosts.iter().any(|h| h == host))
}

fn process_name(c: &mut Check, path: String, name: &str) {
    if name.is_empty() || name.contains(char::is_whitespace) || name.len() > 64 {
        c.out.push(
            Diagnostic::at(
                path,
                format!("process name `{name}` must be one word the candidate can type"),
            )
            .with_help("e.g. \"logrotate\" or \"pg_dump\""),
        );
    }
}

fn slo_and_alerts(c: &mut Check) {
    let s = c.s;
    c.finite(
        "slo.availability",
        s.slo.availability,
        0.5,
        0.999_999,
        "availability",
    );
    c.finite(
        "slo.latency_p99_ms",
        s.slo.latency_p99_ms,
        0.001,
        600_000.0,
        "latency_p99_ms",
    );
    if s.slo.window < Dur::from_mins(60) {
        c.error(
            "slo.window",
            "an SLO window shorter than an hour has no meaningful error budget",
        );
    }
    let targets: BTreeSet<&str> = c
        .hosts
        .iter()
        .copied()
        .chain(c.services.iter().copied())
        .collect();
    for (i, rule) in s.alerts.iter().enumerate() {
        let p = format!("alerts[{i}]");
        c.text(format!("{p}.name"), &rule.name, "the alert name");
        Check::reference(
            &mut c.out,
            format!("{p}.target"),
            &rule.target,
            &targets,
            "host or service",
        );
        match (rule.above, rule.below) {
            (Some(v), None) => c.finite(format!("{p}.above"), v, -1e12, 1e12, "the threshold"),
            (None, Some(v)) => c.finite(format!("{p}.below"), v, -1e12, 1e12, "the threshold"),
            _ => c.error(p.clone(), "give exactly one of `above` or `below`"),
        }
        crate::monitoring::check_rule(c, &p, rule);
    }
    for (i, log) in s.logs.iter().enumerate() {
        let p = format!("logs[{i}]");
        c.host(format!("{p}.host"), &log.host);
        c.text(format!("{p}.text"), &log.text, "the log line");
        c.within_limit(format!("{p}.at"), log.at, "the log line");
    }
}

fn rubric(c: &mut Check) {
    let s = c.s;
    if s.rubric.kpis.is_empty() {
        c.error("rubric.kpis", "the rubric scores no KPI");
    }
    let mut seen = BTreeSet::new();
    for (i, k) in s.rubric.kpis.iter().enumerate() {
        let p = format!("rubric.kpis[{i}]");
        if !seen.insert(k.kpi) {
            c.error(
                format!("{p}.kpi"),
                format!("KPI {:?} is listed twice", k.kpi),
            );
        }
        c.finite(format!("{p}.weight"), k.weight, 0.001, 1_000.0, "weight");
        c.finite(format!("{p}.target"), k.target, 0.0, 1e9, "target");
        c.finite(format!("{p}.zero"), k.zero, 0.0, 1e9, "zero");
        if k.kpi.higher_is_better() {
            if k.zero >= k.target {
                c.out.push(
                    Diagnostic::at(
                        format!("{p}.zero"),
                        "zero must be worse (smaller) than target for this KPI",
                    )
                    .with_help("target is the value that scores 100, zero the value that scores 0; more is better here"),
                );
            }
        } else if k.zero <= k.target {
            c.out.push(
                Diagnostic::at(
                    format!("{p}.zero"),
                    "zero must be worse (larger) than target",
                )
                .with_help("target is the value that scores 100, zero the value that scores 0"),
            );
        }
        if let Some(Err(why)) = security::producible(s, k.kpi) {
            c.error(
                format!("{p}.kpi"),
                format!("KPI {:?} cannot be measured here: {why}", k.kpi),
            );
        }
        let producible = match k.kpi {
            Kpi::TimeToDetect | Kpi::TimeToRecover => {
                !s.faults.is_empty() || security::cert_expires_in_run(s)
            }
            Kpi::AlertDetection => !s.faults.is_empty(),
            Kpi::DataLoss => s.traffic.write_fraction > 0.0,
            Kpi::Communication => true,
            Kpi::Cost => {
                s.topology.hosts.iter().any(|h| h.hourly_cost > 0.0)
                    || s.cloud.instance_types.iter().any(|t| t.hourly_price > 0.0)
            }
            Kpi::PeakHeadroom | Kpi::SaturationMinutes | Kpi::IdleWaste => s.capacity.is_some(),
            Kpi::Spend => s.capacity.as_ref().is_some_and(|p| p.budget.is_some()),
            Kpi::Resilience
            | Kpi::TrialAvailability
            | Kpi::PeakLatency
            | Kpi::Rto
            | Kpi::Rpo
            | Kpi::MonthlyCost
            | Kpi::Constraints => s.design.is_some(),
            _ => true,
        };
        if !producible {
            let why = match k.kpi {
                Kpi::DataLoss => "no request writes (traffic.write_fraction is 0)",
                Kpi::Cost => "no host has a price (hourly_cost or an instance type)",
                Kpi::PeakHeadroom | Kpi::SaturationMinutes | Kpi::IdleWaste => {
                    "the scenario has no `capacity` plan"
                }
                Kpi::Spend => "the scenario's `capacity` plan has no budget",
                Kpi::Resilience
                | Kpi::TrialAvailability
                | Kpi::PeakLatency
                | Kpi::Rto
                | Kpi::Rpo
                | Kpi::MonthlyCost
                | Kpi::Constraints => "only a design scenario's trial measures it (no `design`)",
                _ => "the scenario has no faults",
            };
            c.error(
                format!("{p}.kpi"),
                format!("KPI {:?} cannot be measured here: {why}", k.kpi),
            );
        }
    }
    if s.rubric.status_every.ms() == 0 {
        c.error("rubric.status_every", "status_every must be above zero");
    }
    for (i, word) in s.rubric.root_cause.iter().enumerate() {
        c.text(
            format!("rubric.root_cause[{i}]"),
            word,
            "the root-cause keyword",
        );
    }
    let mut last_after = Dur::ZERO;
    for (i, hint) in s.hints.iter().enumerate() {
        c.text(format!("hints[{i}].text"), &hint.text, "the hint");
        c.finite(format!("hints[{i}].cost"), hint.cost, 0.0, 100.0, "cost");
        if let Some(after) = hint.after {
            c.within_limit(format!("hints[{i}].after"), after, "the hint");
            if after < last_after {
                c.error(
                    format!("hints[{i}].after"),
                    format!("hints are given in order, so this one cannot come before the one before it ({last_after})"),
                );
            }
            last_after = after;
        }
    }
    if s.reference.is_empty() {
        c.error("reference", "the reference solution has no steps");
    }
    steps(c, "reference", &s.reference);
    let mut previous: Option<crate::Expect> = None;
    for (i, t) in s.transcripts.iter().enumerate() {
        let path = format!("transcripts[{i}]");
        c.text(format!("{path}.name"), &t.name, "the transcript's name");
        if t.steps.is_empty() {
            c.error(format!("{path}.steps"), "the transcript has no steps");
        }
        c.list_len(&format!("{path}.steps"), t.steps.len());
        steps(c, &format!("{path}.steps"), &t.steps);
        if let Some(p) = previous
            && t.expect < p
        {
            c.error(
                format!("{path}.expect"),
                format!(
                    "transcripts are listed best first: a {} one cannot follow a {} one",
                    t.expect.label(),
                    p.label()
                ),
            );
        }
        previous = Some(t.expect);
    }
}

/// A list of steps: each within the time limit, in time order, with a command.
fn steps(c: &mut Check, path: &str, steps: &[crate::Step]) {
    let mut last = Dur::ZERO;
    for (i, step) in steps.iter().enumerate() {
        c.within_limit(format!("{path}[{i}].at"), step.at, "the step");
        if step.at < last {
            c.error(
                format!("{path}[{i}].at"),
                format!("steps must be in time order; this one is before {last}"),
            );
        }
        last = step.at;
        c.text(format!("{path}[{i}].command"), &step.command, "the command");
    }
}

/// The wall-clock label of simulated time `at` in a scenario starting at `start` ("HH:MM"),
/// e.g. `clock_label("02:14", 7 min)` is `"02:21"`. Days past the first are shown as `+1d 00:14`.
pub fn clock_label(start: &str, at: Dur) -> String {
    crate::clock_label_signed(start, i64::try_from(at.ms()).unwrap_or(i64::MAX))
}
