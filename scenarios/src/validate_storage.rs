//! Validation of the storage section (volumes, backup locations, backups, schedules) and of the
//! disaster-recovery faults, each problem with its field path.

use std::collections::BTreeSet;

use super::{Check, MAX_LIST, name_chars};
use crate::diagnostic::Diagnostic;
use crate::{Dur, FaultKind, ServiceKind};

/// Shortest schedule period: a backup every minute is already far beyond any real job.
const MIN_EVERY: Dur = Dur(60_000);

fn database(c: &mut Check, path: String, name: &str) {
    if !c.service(path.clone(), name) {
        return;
    }
    let kind =
        c.s.topology
            .services
            .iter()
            .find(|s| s.id == name)
            .map(|s| s.kind);
    if kind != Some(ServiceKind::Database) {
        c.error(
            path,
            format!("`{name}` is not a Database; only databases are backed up and restored"),
        );
    }
}

fn site(c: &mut Check, path: String, name: &str) -> bool {
    let sites: BTreeSet<&str> = c.s.topology.sites.iter().map(|s| s.id.as_str()).collect();
    Check::reference(&mut c.out, path, name, &sites, "site")
}

fn locations(c: &Check) -> BTreeSet<String> {
    c.s.storage
        .iter()
        .flat_map(|st| st.locations.iter().map(|l| l.id.clone()))
        .collect()
}

fn location(c: &mut Check, path: String, name: &str) -> bool {
    let known = locations(c);
    let known: BTreeSet<&str> = known.iter().map(String::as_str).collect();
    Check::reference(&mut c.out, path, name, &known, "backup location")
}

/// A disaster-recovery fault's fields.
pub(super) fn fault(c: &mut Check, k: &str, kind: &FaultKind) {
    match kind {
        FaultKind::DataCorruption {
            service,
            share,
            what,
        } => {
            database(c, format!("{k}.service"), service);
            c.finite(format!("{k}.share"), *share, 0.001, 1.0, "share");
            c.text(format!("{k}.what"), what, "what was done");
        }
        FaultKind::VolumeLoss { host } => {
            c.host(format!("{k}.host"), host);
        }
        FaultKind::SiteLoss { site: s } => {
            site(c, format!("{k}.site"), s);
        }
        FaultKind::BackupsLost { location: l } => {
            location(c, format!("{k}.location"), l);
        }
        _ => {}
    }
}

/// The `storage` section.
pub(super) fn storage(c: &mut Check) {
    let Some(st) = c.s.storage.as_ref() else {
        return;
    };
    for (path, len) in [
        ("storage.volumes", st.volumes.len()),
        ("storage.locations", st.locations.len()),
        ("storage.backups", st.backups.len()),
        ("storage.schedules", st.schedules.len()),
    ] {
        c.list_len(path, len);
    }
    if st.volumes.len() + st.locations.len() + st.backups.len() + st.schedules.len() > 4 * MAX_LIST
    {
        return;
    }
    let mut volume_hosts = BTreeSet::new();
    for (i, v) in st.volumes.iter().enumerate() {
        let p = format!("storage.volumes[{i}]");
        if c.host(format!("{p}.host"), &v.host) && !volume_hosts.insert(v.host.as_str()) {
            c.error(
                format!("{p}.host"),
                format!(
                    "`{}` already has a volume; a host has one data volume",
                    v.host
                ),
            );
        }
        // The largest single volumes offer about 256,000 IOPS (EBS io2 Block Express).
        c.finite(format!("{p}.iops"), v.iops, 1.0, 10_000_000.0, "iops");
        c.finite(
            format!("{p}.io_per_request"),
            v.io_per_request,
            0.0,
            10_000.0,
            "io_per_request",
        );
        c.finite(
            format!("{p}.fill_gb_per_hour"),
            v.fill_gb_per_hour,
            0.0,
            1_000_000.0,
            "fill_gb_per_hour",
        );
    }
    let mut ids = BTreeSet::new();
    for (i, l) in st.locations.iter().enumerate() {
        let p = format!("storage.locations[{i}]");
        name_chars(c, &l.id, format!("{p}.id"));
        if !ids.insert(l.id.as_str()) {
            c.error(
                format!("{p}.id"),
                format!("backup location `{}` is declared twice", l.id),
            );
        }
        if let Some(s) = &l.site {
            site(c, format!("{p}.site"), s);
        }
        if let Some(mb) = l.mb_per_s {
            c.finite(format!("{p}.mb_per_s"), mb, 0.01, 1_000_000.0, "mb_per_s");
        }
    }
    let mut ids = BTreeSet::new();
    for (i, b) in st.backups.iter().enumerate() {
        let p = format!("storage.backups[{i}]");
        name_chars(c, &b.id, format!("{p}.id"));
        if !ids.insert(b.id.as_str()) {
            c.error(
                format!("{p}.id"),
                format!("backup `{}` is declared twice", b.id),
            );
        }
        database(c, format!("{p}.target"), &b.target);
        location(c, format!("{p}.location"), &b.location);
        c.finite(
            format!("{p}.size_gb"),
            b.size_gb,
            0.001,
            10_000_000.0,
            "size_gb",
        );
        if b.corrupt && b.verified {
            c.out.push(
                Diagnostic::at(
                    format!("{p}.verified"),
                    format!("backup `{}` is both corrupt and verified", b.id),
                )
                .with_help("a verified backup is one known to restore; drop one of the two"),
            );
        }
    }
    for (i, s) in st.schedules.iter().enumerate() {
        let p = format!("storage.schedules[{i}]");
        database(c, format!("{p}.target"), &s.target);
        location(c, format!("{p}.location"), &s.location);
        if s.every < MIN_EVERY {
            c.error(
                format!("{p}.every"),
                format!(
                    "a backup every {} is too often; the least is {MIN_EVERY}",
                    s.every
                ),
            );
        }
    }
}
