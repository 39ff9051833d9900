//! Validation of a design scenario's requirements and trial: every fault names a service, zone,
//! link or site of the estate, numbers are finite and in range, and the trial fits its limits.

use std::collections::BTreeSet;

use super::{Check, MAX_LIST};
use crate::{Constraint, Dur, MAX_TRIAL_RUNS, ServiceKind, TrialFaultKind};

/// Longest trial window: the trial runs every fault many times, so each run stays short.
const MAX_WINDOW: Dur = Dur(24 * 3_600_000);

pub(super) fn design(c: &mut Check) {
    let s = c.s;
    let Some(d) = &s.design else {
        return;
    };
    let r = &d.requirements;
    c.finite(
        "design.requirements.peak_rps",
        r.peak_rps,
        0.001,
        10_000_000.0,
        "peak_rps",
    );
    c.finite(
        "design.requirements.monthly_budget",
        r.monthly_budget,
        1.0,
        1e9,
        "monthly_budget",
    );
    if r.rto.ms() == 0 {
        c.error(
            "design.requirements.rto",
            "rto is zero: no design recovers in no time; give the longest outage the brief accepts",
        );
    }
    for (i, k) in r.constraints.iter().enumerate() {
        let p = format!("design.requirements.constraints[{i}]");
        match k {
            Constraint::Placement {
                service,
                zones,
                why,
            } => {
                c.service(format!("{p}.service"), service);
                if zones.is_empty() {
                    c.error(format!("{p}.zones"), "the constraint allows no zone");
                }
                for (j, z) in zones.iter().enumerate() {
                    c.zone(format!("{p}.zones[{j}]"), z);
                }
                c.text(format!("{p}.why"), why, "the reason");
            }
        }
    }
    let t = &d.trial;
    if t.window.ms() < 60_000 || t.window > MAX_WINDOW {
        c.error(
            "design.trial.window",
            format!("window must be from 1m to {MAX_WINDOW}, not {}", t.window),
        );
    }
    if t.runs == 0 || t.runs > MAX_TRIAL_RUNS {
        c.error(
            "design.trial.runs",
            format!("runs must be from 1 to {MAX_TRIAL_RUNS}, not {}", t.runs),
        );
    }
    if t.warmup.ms().saturating_add(t.window.ms()) > MAX_WINDOW.ms() * 2 {
        c.error(
            "design.trial.warmup",
            "warmup and window together are longer than two days",
        );
    }
    if t.faults.is_empty() {
        c.error("design.trial.faults", "the trial has no fault to try");
    }
    if t.faults.len() > MAX_LIST {
        c.error(
            "design.trial.faults",
            format!("{} faults, over the limit of {MAX_LIST}", t.faults.len()),
        );
        return;
    }
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
    let sites: BTreeSet<&str> = s.topology.sites.iter().map(|x| x.id.as_str()).collect();
    let mut names = BTreeSet::new();
    for (i, f) in t.faults.iter().enumerate() {
        let p = format!("design.trial.faults[{i}]");
        c.text(format!("{p}.name"), &f.name, "the fault's name");
        if !names.insert(f.name.as_str()) {
            c.error(
                format!("{p}.name"),
                format!("two trial faults are called `{}`", f.name),
            );
        }
        c.finite(format!("{p}.weight"), f.weight, 0.001, 1_000.0, "weight");
        let k = format!("{p}.kind");
        match &f.kind {
            TrialFaultKind::HostLoss { service } => {
                c.service(format!("{k}.service"), service);
            }
            TrialFaultKind::DiskFailure { service } => {
                if c.service(format!("{k}.service"), service)
                    && s.storage.is_none()
                    && s.topology
                        .services
                        .iter()
                        .any(|x| x.id == *service && x.kind == ServiceKind::Database)
                {
                    c.error(
                        format!("{k}.service"),
                        "a disk failure needs the scenario's `storage` (volumes and backups) to model",
                    );
                }
            }
            TrialFaultKind::ZoneLoss { zone } => {
                c.zone(format!("{k}.zone"), zone);
            }
            TrialFaultKind::LinkCut { from, to } => {
                if !links.contains(&(from.as_str(), to.as_str())) {
                    c.error(
                        k.clone(),
                        format!("there is no link between `{from}` and `{to}` to cut"),
                    );
                }
            }
            TrialFaultKind::RegionOutage { site } => {
                if !sites.contains(site.as_str()) {
                    let mut d = crate::Diagnostic::at(
                        format!("{k}.site"),
                        format!("unknown site `{site}`"),
                    );
                    d.help = crate::suggest(site, sites.iter().copied());
                    c.out.push(d);
                }
            }
            TrialFaultKind::HypervisorLoss => {
                if s.topology.hypervisors.is_empty() {
                    c.error(
                        k.clone(),
                        "the estate has no hypervisor to lose (topology.hypervisors is empty)",
                    );
                }
            }
            TrialFaultKind::Surge {
                multiplier,
                lasting,
            } => {
                c.finite(
                    format!("{k}.multiplier"),
                    *multiplier,
                    1.0,
                    100.0,
                    "multiplier",
                );
                if lasting.ms() == 0 || *lasting > t.window {
                    c.error(
                        format!("{k}.lasting"),
                        format!(
                            "a surge lasts from a tick to the window ({}), not {lasting}",
                            t.window
                        ),
                    );
                }
            }
        }
    }
}
