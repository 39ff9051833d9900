//! The host screen (`describe HOST`): placement, power, capacity, role, processes, load.

use engine::{HostRow, HostView, ProcessRow};

use super::format::{fields, fixed, hours, trimmed};
use super::status::errors_tone;
use super::style::{Style, Tone, level_tone, state_tone};
use super::table::{Cell, render};

pub(crate) fn host(v: &HostView, style: Style) -> String {
    let mut pairs: Vec<(&str, String, Tone)> = vec![
        ("zone", format!("{} (site {})", v.zone, v.site), Tone::Plain),
        ("power", v.power.clone(), state_tone(&v.power)),
        ("state", v.row.state.clone(), state_tone(&v.row.state)),
        ("cores", trimmed(v.cores, 1), Tone::Plain),
        (
            "memory",
            format!("{} GB", trimmed(v.memory_gb, 1)),
            Tone::Plain,
        ),
        ("disk", disk(v), disk_tone(v)),
    ];
    if let Some(vol) = &v.volume {
        let (text, tone) = super::storage::volume(vol);
        pairs.push(("volume", text, tone));
    }
    if let Some(service) = &v.service {
        let mut text = service.clone();
        if let Some(role) = &v.role {
            text.push_str(&format!(" ({role})"));
        }
        if let Some(version) = &v.version {
            text.push_str(&format!(", version {version}"));
        }
        pairs.push(("service", text, Tone::Plain));
    }
    if v.drained {
        pairs.push(("pool", "drained".into(), Tone::Yellow));
    } else if let Some(in_pool) = v.in_pool {
        pairs.push(match in_pool {
            true => ("pool", "in pool".into(), Tone::Plain),
            false => ("pool", "out of pool".into(), Tone::Yellow),
        });
    }
    let restarts = if v.restarts > 0 {
        Tone::Yellow
    } else {
        Tone::Plain
    };
    pairs.push(("restarts", v.restarts.to_string(), restarts));
    if let Some(vm) = &v.vm {
        pairs.push(("hypervisor", vm.clone(), Tone::Plain));
    }

    let mut out = style.paint(Tone::Bold, &format!("host {}", v.name));
    out.push('\n');
    out.push_str(&fields(&pairs, style));
    out.push('\n');
    if v.processes.is_empty() {
        out.push_str("no processes running\n");
    } else {
        out.push_str(&processes(&v.processes, style));
    }
    out.push('\n');
    out.push_str(&load_line(&v.row, style));
    out
}

/// `232.0 / 250.0 GB (92.8%), full in 22 min`.
fn disk(v: &HostView) -> String {
    let mut text = format!(
        "{} / {} GB ({}%)",
        fixed(v.disk_used_gb, 1),
        fixed(v.disk_gb, 1),
        fixed(disk_pct(v), 1)
    );
    if let Some(h) = v.disk_full_in_h {
        text.push_str(&format!(", full in {}", hours(h)));
    } else if v.disk_gb > 0.0 && v.disk_used_gb >= v.disk_gb {
        text.push_str(", full");
    }
    text
}

fn disk_pct(v: &HostView) -> f64 {
    if v.disk_gb > 0.0 {
        v.disk_used_gb / v.disk_gb * 100.0
    } else {
        0.0
    }
}

/// Red when nearly full or filling within the hour, yellow from 80% or when filling at all.
fn disk_tone(v: &HostView) -> Tone {
    let soon = v.disk_full_in_h.is_some_and(|h| h < 1.0);
    match level_tone(disk_pct(v), 80.0, 90.0) {
        _ if soon => Tone::Red,
        Tone::Plain if v.disk_full_in_h.is_some() => Tone::Yellow,
        tone => tone,
    }
}

fn processes(rows: &[ProcessRow], style: Style) -> String {
    let cells: Vec<Vec<Cell>> = rows
        .iter()
        .map(|p| {
            let writing = if p.disk_write_gb_per_hour > 0.0 {
                Tone::Yellow
            } else {
                Tone::Plain
            };
            vec![
                Cell::plain(p.name.as_str()),
                Cell::new(p.state.as_str(), state_tone(&p.state)),
                Cell::plain(fixed(p.cpu_cores, 2)),
                Cell::plain(fixed(p.mem_mb, 0)),
                Cell::new(fixed(p.disk_write_gb_per_hour, 1), writing),
            ]
        })
        .collect();
    render(
        &["process", "state", "cpu cores", "mem MB", "disk write GB/h"],
        &cells,
        style,
    )
}

/// `now: cpu 12%  mem 62%  disk 92.8%  125.0 req/s  errors 0.0%  p99 4 ms`.
pub(crate) fn load_line(row: &HostRow, style: Style) -> String {
    let pct = |label: &str, value: f64, places: usize| {
        style.paint(
            level_tone(value, 80.0, 90.0),
            &format!("{label} {}%", fixed(value, places)),
        )
    };
    format!(
        "now: {}  {}  {}  {} req/s  {}  p99 {} ms\n",
        pct("cpu", row.cpu_pct, 0),
        pct("mem", row.mem_pct, 0),
        pct("disk", row.disk_pct, 1),
        fixed(row.rps, 1),
        style.paint(
            errors_tone(row.errors_pct),
            &format!("errors {}%", fixed(row.errors_pct, 1))
        ),
        fixed(row.p99_ms, 0),
    )
}

#[cfg(test)]
mod tests {
    use super::super::hosts::row;
    use super::*;

    fn view() -> HostView {
        HostView {
            name: "db-1".into(),
            zone: "dc-north-1".into(),
            site: "dc-north".into(),
            power: "up".into(),
            cores: 8.0,
            memory_gb: 32.0,
            disk_gb: 250.0,
            disk_used_gb: 232.0,
            disk_full_in_h: Some(0.375),
            service: Some("db".into()),
            role: Some("primary".into()),
            version: Some("14.2".into()),
            in_pool: None,
            drained: false,
            restarts: 0,
            processes: vec![
                ProcessRow {
                    name: "postgres".into(),
                    state: "running".into(),
                    cpu_cores: 1.25,
                    mem_mb: 6144.0,
                    disk_write_gb_per_hour: 0.0,
                },
                ProcessRow {
                    name: "pg_debug_log".into(),
                    state: "running".into(),
                    cpu_cores: 0.2,
                    mem_mb: 64.0,
                    disk_write_gb_per_hour: 48.0,
                },
            ],
            row: row("db-1", "running", 92.8),
            volume: None,
            vm: None,
        }
    }

    #[test]
    fn host_shows_capacity_role_processes_and_load() {
        let out = host(&view(), Style::default());
        assert_eq!(
            out,
            "host db-1\n\
             zone:      dc-north-1 (site dc-north)\n\
             power:     up\n\
             state:     running\n\
             cores:     8\n\
             memory:    32 GB\n\
             disk:      232.0 / 250.0 GB (92.8%), full in 22 min\n\
             service:   db (primary), version 14.2\n\
             restarts:  0\n\
             \n\
             process       state    cpu cores  mem MB  disk write GB/h\n\
             postgres      running       1.25    6144              0.0\n\
             pg_debug_log  running       0.20      64             48.0\n\
             \n\
             now: cpu 12%  mem 62%  disk 92.8%  125.0 req/s  errors 0.0%  p99 4 ms\n"
        );
    }

    #[test]
    fn host_reports_pool_membership_and_a_full_disk() {
        let mut v = view();
        v.in_pool = Some(false);
        v.disk_used_gb = 250.0;
        v.disk_full_in_h = None;
        v.processes.clear();
        let out = host(&v, Style::default());
        assert!(out.contains("pool:      out of pool\n"));
        assert!(out.contains("disk:      250.0 / 250.0 GB (100.0%), full\n"));
        assert!(out.contains("no processes running\n"));
    }

    #[test]
    fn host_colours_a_disk_filling_within_the_hour_red() {
        let out = host(&view(), Style { color: true });
        assert!(out.contains("\x1b[31m232.0 / 250.0 GB"));
        assert!(out.starts_with("\x1b[1mhost db-1\x1b[0m\n"));
    }
}
