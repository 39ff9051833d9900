//! Validation of the security parts of a scenario: ports, certificates, releases, firewall
//! rules, vulnerability and exposure faults, and the escalation a rubric expects.

use std::collections::BTreeSet;

use super::Check;
use crate::diagnostic::Diagnostic;
use crate::{Dur, FaultKind, Kpi, RuleAction, Scenario, TEAMS};

/// Orders two version strings by their dot-separated parts: numeric parts as numbers, others
/// as text (`3.21.10` is after `3.21.9`). What `patch` and a CVE's `fixed_in` compare by.
pub fn version_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let split = |v: &str| -> Vec<String> {
        v.trim_start_matches(['v', 'V'])
            .split(['.', '-', '+'])
            .map(str::to_owned)
            .collect()
    };
    let (a, b) = (split(a), split(b));
    for i in 0..a.len().max(b.len()) {
        let (x, y) = (a.get(i), b.get(i));
        let ord = match (x, y) {
            (Some(x), Some(y)) => match (x.parse::<u64>(), y.parse::<u64>()) {
                (Ok(x), Ok(y)) => x.cmp(&y),
                _ => x.cmp(y),
            },
            (Some(_), None) => std::cmp::Ordering::Greater,
            (None, Some(_)) => std::cmp::Ordering::Less,
            (None, None) => std::cmp::Ordering::Equal,
        };
        if ord.is_ne() {
            return ord;
        }
    }
    std::cmp::Ordering::Equal
}

/// The port a service listens on when the scenario does not say.
pub fn default_port(kind: crate::ServiceKind) -> u16 {
    use crate::ServiceKind::*;
    match kind {
        LoadBalancer | Web => 443,
        App => 8080,
        Database => 5432,
        Cache => 6379,
        Queue => 5672,
        Dns => 53,
    }
}

/// Every source a firewall rule may name besides zones, sites and hosts.
pub const SOURCES: &[&str] = &["any", "internet"];

fn sites(s: &Scenario) -> BTreeSet<&str> {
    s.topology.sites.iter().map(|x| x.id.as_str()).collect()
}

/// Checks a firewall rule's source; `true` if it names something real.
fn source(c: &mut Check, path: String, from: &str) -> bool {
    if SOURCES.contains(&from)
        || c.zones.contains(from)
        || c.hosts.contains(from)
        || sites(c.s).contains(from)
    {
        return true;
    }
    let known: BTreeSet<&str> = SOURCES
        .iter()
        .copied()
        .chain(c.zones.iter().copied())
        .chain(c.hosts.iter().copied())
        .chain(sites(c.s))
        .collect();
    Check::reference(&mut c.out, path, from, &known, "firewall source");
    false
}

/// Checks a rule's or fault's target (a host, service or zone).
fn on_target(c: &mut Check, path: String, on: &str) -> bool {
    if c.zones.contains(on) || c.hosts.contains(on) || c.services.contains(on) {
        return true;
    }
    let known: BTreeSet<&str> = c
        .hosts
        .iter()
        .chain(c.services.iter())
        .chain(c.zones.iter())
        .copied()
        .collect();
    Check::reference(&mut c.out, path, on, &known, "host, service or zone");
    false
}

fn port(c: &mut Check, path: String, port: u16) {
    if port == 0 {
        c.error(path, "port 0 is not a port a service can listen on");
    }
}

/// Ports, certificates, releases and firewall rules of the topology.
pub(super) fn topology(c: &mut Check) {
    let s = c.s;
    for (i, svc) in s.topology.services.iter().enumerate() {
        let p = format!("topology.services[{i}]");
        if let Some(n) = svc.port {
            port(c, format!("{p}.port"), n);
        }
        if let Some(cert) = &svc.cert {
            c.text(format!("{p}.cert.name"), &cert.name, "the certificate name");
            c.text(format!("{p}.cert.issuer"), &cert.issuer, "the issuer");
            if cert.issuance == Dur::ZERO {
                c.error(
                    format!("{p}.cert.issuance"),
                    "issuing a certificate takes longer than zero",
                );
            }
            if cert.validity < Dur::from_mins(60) {
                c.error(
                    format!("{p}.cert.validity"),
                    "a renewed certificate must be valid for at least 1h",
                );
            }
        }
        let mut seen = BTreeSet::new();
        for (j, r) in svc.releases.iter().enumerate() {
            c.text(format!("{p}.releases[{j}]"), r, "the release");
            if !seen.insert(r.as_str()) {
                c.error(
                    format!("{p}.releases[{j}]"),
                    format!("release `{r}` is listed twice"),
                );
            }
            if r.contains(char::is_whitespace) {
                c.error(
                    format!("{p}.releases[{j}]"),
                    format!("release `{r}` must be one word the candidate can type"),
                );
            }
        }
    }
    c.list_len("topology.firewall", s.topology.firewall.len());
    for (i, rule) in s.topology.firewall.iter().enumerate() {
        let p = format!("topology.firewall[{i}]");
        if source(c, format!("{p}.from"), &rule.from)
            && rule.action == RuleAction::Allow
            && !SOURCES.contains(&rule.from.as_str())
        {
            c.out.push(
                Diagnostic::at(
                    format!("{p}.from"),
                    format!(
                        "an allow rule from `{}` changes nothing: inside the estate connections are allowed unless a rule denies them",
                        rule.from
                    ),
                )
                .with_help("allow rules open a port to `any` or `internet`; deny rules restrict the estate"),
            );
        }
        port(c, format!("{p}.port"), rule.port);
        on_target(c, format!("{p}.on"), &rule.on);
        if rule.note.len() > super::MAX_TEXT {
            c.text(format!("{p}.note"), &rule.note, "the note");
        }
    }
    entry_reachable(c);
}

/// With explicit rules, users must still be able to reach the entry from the internet.
fn entry_reachable(c: &mut Check) {
    let s = c.s;
    if s.topology.firewall.is_empty() {
        return;
    }
    let Some(entry) = s.topology.services.iter().find(|x| x.id == s.traffic.entry) else {
        return;
    };
    let p = entry.port.unwrap_or_else(|| default_port(entry.kind));
    let zones: Vec<&str> = entry
        .hosts
        .iter()
        .filter_map(|h| s.topology.hosts.iter().find(|x| &x.id == h))
        .map(|h| h.zone.as_str())
        .collect();
    let covers =
        |on: &str| on == entry.id || entry.hosts.iter().any(|h| h == on) || zones.contains(&on);
    let open = s.topology.firewall.iter().any(|r| {
        r.action == RuleAction::Allow
            && matches!(r.from.as_str(), "any" | "internet")
            && r.port == p
            && covers(&r.on)
    });
    if !open {
        c.out.push(
            Diagnostic::at(
                "topology.firewall",
                format!(
                    "no rule lets users reach the entry `{}` on port {p}; every request would fail",
                    entry.id
                ),
            )
            .with_help(format!(
                "add (action: Allow, from: \"any\", port: {p}, on: \"{}\")",
                entry.id
            )),
        );
    }
}

/// The security faults.
pub(super) fn fault(c: &mut Check, k: &str, kind: &FaultKind) {
    let s = c.s;
    match kind {
        FaultKind::CveAnnounced {
            service,
            cve,
            fixed_in,
            summary,
            ..
        } => {
            c.text(format!("{k}.cve"), cve, "the CVE id");
            c.text(format!("{k}.fixed_in"), fixed_in, "fixed_in");
            if summary.len() > super::MAX_TEXT {
                c.text(format!("{k}.summary"), summary, "the summary");
            }
            if c.service(format!("{k}.service"), service)
                && let Some(svc) = s.topology.services.iter().find(|x| &x.id == service)
                && version_cmp(&svc.version, fixed_in).is_ge()
            {
                c.error(
                    format!("{k}.fixed_in"),
                    format!(
                        "`{service}` runs {}, which is not before the fix {fixed_in}: nothing would be vulnerable",
                        svc.version
                    ),
                );
            }
        }
        FaultKind::PortExposed {
            on,
            port: n,
            note,
            probes_per_hour,
        } => {
            on_target(c, format!("{k}.on"), on);
            port(c, format!("{k}.port"), *n);
            c.finite(
                format!("{k}.probes_per_hour"),
                *probes_per_hour,
                0.0,
                3_600.0,
                "probes_per_hour",
            );
            if note.len() > super::MAX_TEXT {
                c.text(format!("{k}.note"), note, "the note");
            }
        }
        _ => {}
    }
}

/// Whether a certificate runs out within the run: its expiry strikes like a fault.
pub(super) fn cert_expires_in_run(s: &Scenario) -> bool {
    s.topology
        .services
        .iter()
        .filter_map(|x| x.cert.as_ref())
        .any(|c| c.expires < s.time_limit)
}

/// Whether the rubric can measure `kpi` here; `None` if this module does not own it.
pub(super) fn producible(s: &Scenario, kpi: Kpi) -> Option<Result<(), &'static str>> {
    match kpi {
        Kpi::Exposure => Some(
            if s.faults.iter().any(|f| {
                matches!(
                    f.kind,
                    FaultKind::CveAnnounced { .. } | FaultKind::PortExposed { .. }
                )
            }) || !s.topology.firewall.is_empty()
            {
                Ok(())
            } else {
                Err("nothing can be exposed (no CVE, no exposed port, no firewall rules)")
            },
        ),
        Kpi::Escalation => Some(if s.rubric.escalation.is_some() {
            Ok(())
        } else {
            Err("the rubric sets no `escalation` to expect")
        }),
        _ => None,
    }
}

/// The rubric's expected escalation.
pub(super) fn escalation(c: &mut Check) {
    let Some(goal) = &c.s.rubric.escalation else {
        return;
    };
    if !TEAMS.contains(&goal.team.as_str()) {
        let known: BTreeSet<&str> = TEAMS.iter().copied().collect();
        Check::reference(
            &mut c.out,
            "rubric.escalation.team".into(),
            &goal.team,
            &known,
            "team",
        );
    }
    if goal.within == Dur::ZERO {
        c.error(
            "rubric.escalation.within",
            "within must be above zero: how long after the first fault the escalation is due",
        );
    }
    for (i, word) in goal.names.iter().enumerate() {
        c.text(
            format!("rubric.escalation.names[{i}]"),
            word,
            "the escalation keyword",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::version_cmp;

    #[test]
    fn versions_compare_by_number_not_text() {
        assert!(version_cmp("3.21.10", "3.21.9").is_gt());
        assert!(version_cmp("3.21.4", "3.21.5").is_lt());
        assert!(version_cmp("16.4", "16.4").is_eq());
        assert!(version_cmp("2.8", "2.8.1").is_lt());
        assert!(version_cmp("v1.2", "1.2").is_eq());
    }
}
