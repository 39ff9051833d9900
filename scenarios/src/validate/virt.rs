//! Validation of the virtualisation part of a scenario: hypervisors, VM placement,
//! anti-affinity rules, and the faults that strike hypervisors and their VMs.

use std::collections::{BTreeMap, BTreeSet};

use super::{Check, process_name};
use crate::diagnostic::Diagnostic;
use crate::{FaultKind, Kpi};

/// Checks `topology.hypervisors`, each host's `hypervisor`, `topology.anti_affinity` and the
/// Placement KPI.
pub(super) fn validate(c: &mut Check) {
    let s = c.s;
    let mut ids: BTreeSet<&str> = BTreeSet::new();
    let taken: BTreeSet<&str> = c
        .zones
        .iter()
        .chain(&c.hosts)
        .chain(&c.services)
        .copied()
        .chain(s.topology.sites.iter().map(|site| site.id.as_str()))
        .collect();
    for (i, hv) in s.topology.hypervisors.iter().enumerate() {
        let p = format!("topology.hypervisors[{i}]");
        super::name_chars(c, &hv.id, format!("{p}.id"));
        if taken.contains(hv.id.as_str()) || !ids.insert(&hv.id) {
            c.error(
                format!("{p}.id"),
                format!("`{}` is already declared; names must be unique", hv.id),
            );
        }
        c.zone(format!("{p}.zone"), &hv.zone);
        if hv.cores == 0 || hv.cores > 1024 {
            c.error(
                format!("{p}.cores"),
                format!("cores must be from 1 to 1024, not {}", hv.cores),
            );
        }
        c.finite(
            format!("{p}.memory_gb"),
            hv.memory_gb,
            1.0,
            65_536.0,
            "memory_gb",
        );
        c.finite(
            format!("{p}.cpu_overcommit"),
            hv.cpu_overcommit,
            1.0,
            32.0,
            "cpu_overcommit",
        );
        c.finite(
            format!("{p}.memory_overcommit"),
            hv.memory_overcommit,
            1.0,
            4.0,
            "memory_overcommit",
        );
        c.finite(
            format!("{p}.migration_gbps"),
            hv.migration_gbps,
            0.1,
            1_000.0,
            "migration_gbps",
        );
        c.finite(
            format!("{p}.storage_mb_per_s"),
            hv.storage_mb_per_s,
            1.0,
            1_000_000.0,
            "storage_mb_per_s",
        );
    }
    // What each hypervisor has placed on it, to check it fits.
    let mut vcpus: BTreeMap<&str, f64> = BTreeMap::new();
    let mut memory: BTreeMap<&str, f64> = BTreeMap::new();
    let mut placed: BTreeMap<&str, &str> = BTreeMap::new();
    for (i, h) in s.topology.hosts.iter().enumerate() {
        let p = format!("topology.hosts[{i}]");
        c.finite(
            format!("{p}.dirty_mb_per_s"),
            h.dirty_mb_per_s,
            0.0,
            1_000_000.0,
            "dirty_mb_per_s",
        );
        let Some(hv) = &h.hypervisor else {
            if h.dirty_mb_per_s > 0.0 {
                c.error(
                    format!("{p}.dirty_mb_per_s"),
                    format!(
                        "`{}` is not a VM (it has no hypervisor), so it is never live-migrated",
                        h.id
                    ),
                );
            }
            continue;
        };
        if !Check::reference(
            &mut c.out,
            format!("{p}.hypervisor"),
            hv,
            &ids,
            "hypervisor",
        ) {
            continue;
        }
        if let Some(spec) = s.topology.hypervisors.iter().find(|x| x.id == *hv)
            && spec.zone != h.zone
        {
            c.error(
                format!("{p}.zone"),
                format!(
                    "`{}` runs on `{hv}`, which is in zone `{}`; a VM is in its hypervisor's zone",
                    h.id, spec.zone
                ),
            );
        }
        *vcpus.entry(hv).or_default() += h.cores as f64;
        *memory.entry(hv).or_default() += h.memory_gb;
        placed.insert(&h.id, hv);
    }
    for (i, hv) in s.topology.hypervisors.iter().enumerate() {
        let p = format!("topology.hypervisors[{i}]");
        let cpu = vcpus.get(hv.id.as_str()).copied().unwrap_or(0.0);
        let cpu_cap = hv.cores as f64 * hv.cpu_overcommit;
        if cpu > cpu_cap + 1e-9 {
            c.out.push(
                Diagnostic::at(
                    format!("{p}.cores"),
                    format!(
                        "its VMs have {cpu} vCPUs, over the {cpu_cap} that {} cores at an overcommit of {} allow",
                        hv.cores, hv.cpu_overcommit
                    ),
                )
                .with_help("raise cpu_overcommit or place some VMs elsewhere"),
            );
        }
        let mem = memory.get(hv.id.as_str()).copied().unwrap_or(0.0);
        let mem_cap = hv.memory_gb * hv.memory_overcommit;
        if mem > mem_cap + 1e-9 {
            c.out.push(
                Diagnostic::at(
                    format!("{p}.memory_gb"),
                    format!(
                        "its VMs have {mem} GB of memory, over the {mem_cap} GB that {} GB at an overcommit of {} allows",
                        hv.memory_gb, hv.memory_overcommit
                    ),
                )
                .with_help("raise memory_overcommit or place some VMs elsewhere"),
            );
        }
    }
    let vms: BTreeSet<&str> = placed.keys().copied().collect();
    let mut rule_names = BTreeSet::new();
    for (i, rule) in s.topology.anti_affinity.iter().enumerate() {
        let p = format!("topology.anti_affinity[{i}]");
        c.text(format!("{p}.name"), &rule.name, "the rule name");
        if !rule_names.insert(rule.name.as_str()) {
            c.error(
                format!("{p}.name"),
                format!("a rule named `{}` is declared twice", rule.name),
            );
        }
        if rule.hosts.len() < 2 {
            c.error(
                format!("{p}.hosts"),
                "an anti-affinity rule keeps at least two VMs apart",
            );
        }
        let mut seen = BTreeSet::new();
        for (j, h) in rule.hosts.iter().enumerate() {
            let path = format!("{p}.hosts[{j}]");
            if !c.host(path.clone(), h) {
                continue;
            }
            if !vms.contains(h.as_str()) {
                c.error(
                    path.clone(),
                    format!("`{h}` is not a VM (it has no hypervisor)"),
                );
            }
            if !seen.insert(h.as_str()) {
                c.error(path, format!("`{h}` is listed twice"));
            }
        }
    }
    for (i, k) in s.rubric.kpis.iter().enumerate() {
        if k.kpi == Kpi::Placement && s.topology.anti_affinity.is_empty() {
            c.error(
                format!("rubric.kpis[{i}].kpi"),
                "KPI Placement cannot be measured here: the topology has no anti_affinity rules",
            );
        }
    }
}

/// Checks a fault that strikes a hypervisor or a VM. `k` is the fault kind's field path.
pub(super) fn fault(c: &mut Check, k: &str, kind: &FaultKind) {
    let s = c.s;
    match kind {
        FaultKind::HypervisorCrash { hypervisor } => {
            let ids: BTreeSet<&str> = s
                .topology
                .hypervisors
                .iter()
                .map(|h| h.id.as_str())
                .collect();
            Check::reference(
                &mut c.out,
                format!("{k}.hypervisor"),
                hypervisor,
                &ids,
                "hypervisor",
            );
        }
        FaultKind::NoisyNeighbour {
            host,
            cores,
            process,
            io_mb_per_s,
            ..
        } => {
            if c.host(format!("{k}.host"), host)
                && !s
                    .topology
                    .hosts
                    .iter()
                    .any(|h| h.id == *host && h.hypervisor.is_some())
            {
                c.error(
                    format!("{k}.host"),
                    format!("`{host}` is not a VM (it has no hypervisor), so it has no neighbours"),
                );
            }
            c.finite(format!("{k}.cores"), *cores, 0.0, 1024.0, "cores");
            c.finite(
                format!("{k}.io_mb_per_s"),
                *io_mb_per_s,
                0.0,
                1_000_000.0,
                "io_mb_per_s",
            );
            process_name(c, format!("{k}.process"), process);
        }
        _ => {}
    }
}
