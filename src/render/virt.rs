//! Hypervisor screens: `hv list` (every hypervisor's CPU and memory) and `hv show HV` (one
//! hypervisor, its VMs and their CPU steal).

use engine::{HypervisorRow, HypervisorView};

use super::format::{fields, fixed, trimmed};
use super::style::{Style, Tone, level_tone, state_tone};
use super::table::{Cell, render};

/// Steal from 5% is worth a look and from 10% hurts (VMware's rule of thumb for CPU ready).
fn steal_tone(pct: f64) -> Tone {
    level_tone(pct, 5.0, 10.0)
}

/// `hv list`: one row per hypervisor.
pub(crate) fn list(rows: &[HypervisorRow], style: Style) -> String {
    let cells: Vec<Vec<Cell>> = rows
        .iter()
        .map(|h| {
            vec![
                Cell::plain(h.name.as_str()),
                Cell::plain(h.zone.as_str()),
                Cell::new(h.state.as_str(), hv_state_tone(&h.state)),
                Cell::plain(format!("{}/{}", h.vms_on, h.vms)),
                Cell::plain(format!(
                    "{}/{}",
                    trimmed(h.vcpus, 1),
                    trimmed(h.vcpu_cap, 1)
                )),
                Cell::new(
                    fixed(h.cpu_demand_pct, 0),
                    level_tone(h.cpu_demand_pct, 90.0, 100.0),
                ),
                Cell::new(fixed(h.steal_pct, 1), steal_tone(h.steal_pct)),
                Cell::new(
                    format!(
                        "{}/{}",
                        trimmed(h.mem_committed_gb, 1),
                        trimmed(h.mem_cap_gb, 1)
                    ),
                    level_tone(
                        h.mem_committed_gb / h.mem_cap_gb.max(1e-9) * 100.0,
                        90.0,
                        100.0,
                    ),
                ),
                Cell::new(
                    fixed(h.mem_active_pct, 0),
                    level_tone(h.mem_active_pct, 94.0, 100.0),
                ),
                Cell::plain(if h.ha { "on" } else { "off" }),
            ]
        })
        .collect();
    render(
        &[
            "hypervisor",
            "zone",
            "state",
            "VMs on",
            "vCPUs",
            "cpu want %",
            "steal %",
            "mem GB",
            "mem used %",
            "HA",
        ],
        &cells,
        style,
    )
}

fn hv_state_tone(state: &str) -> Tone {
    match state {
        "maintenance" | "entering maintenance" => Tone::Yellow,
        other => state_tone(other),
    }
}

/// `hv show HV`: the hypervisor's capacity and contention, then its VMs.
pub(crate) fn show(v: &HypervisorView, style: Style) -> String {
    let r = &v.row;
    let contention = if r.steal_pct > 0.0 {
        format!(
            "its VMs want {} cores, {}% of its {}; every busy VM loses {}% to steal",
            trimmed(r.cpu_demand_pct * r.cores / 100.0, 1),
            fixed(r.cpu_demand_pct, 0),
            trimmed(r.cores, 1),
            fixed(r.steal_pct, 1)
        )
    } else {
        format!(
            "its VMs want {} cores, {}% of its {}; no contention",
            trimmed(r.cpu_demand_pct * r.cores / 100.0, 1),
            fixed(r.cpu_demand_pct, 0),
            trimmed(r.cores, 1)
        )
    };
    let reclaim = if v.memory_factor > 1.0 {
        format!(
            "reclaiming (ballooning/swapping): requests take {}x as long",
            trimmed(v.memory_factor, 2)
        )
    } else {
        "no reclamation".into()
    };
    let mut pairs: Vec<(&str, String, Tone)> = vec![
        ("zone", r.zone.clone(), Tone::Plain),
        ("state", r.state.clone(), hv_state_tone(&r.state)),
        (
            "vCPUs",
            format!(
                "{} placed of {} ({} cores at overcommit {})",
                trimmed(r.vcpus, 1),
                trimmed(r.vcpu_cap, 1),
                trimmed(r.cores, 1),
                trimmed(v.cpu_overcommit, 2)
            ),
            Tone::Plain,
        ),
        ("cpu", contention, steal_tone(r.steal_pct)),
        (
            "memory",
            format!(
                "{} GB committed of {} ({} GB at overcommit {}); {}% in use, {reclaim}",
                trimmed(r.mem_committed_gb, 1),
                trimmed(r.mem_cap_gb, 1),
                trimmed(r.memory_gb, 1),
                trimmed(v.memory_overcommit, 2),
                fixed(r.mem_active_pct, 0)
            ),
            if v.memory_factor > 1.0 {
                Tone::Red
            } else {
                Tone::Plain
            },
        ),
        (
            "migration",
            format!("{} Gbps network", trimmed(v.migration_gbps, 1)),
            Tone::Plain,
        ),
        ("HA", if r.ha { "on" } else { "off" }.into(), Tone::Plain),
    ];
    if v.storage_pct > 0.0 {
        pairs.push((
            "storage",
            format!("{}% busy with one VM's IO", fixed(v.storage_pct, 0)),
            level_tone(v.storage_pct, 50.0, 80.0),
        ));
    }
    let mut out = style.paint(Tone::Bold, &format!("hypervisor {}", r.name));
    out.push('\n');
    out.push_str(&fields(&pairs, style));
    out.push('\n');
    if v.vms.is_empty() {
        out.push_str("no VMs\n");
    } else {
        let cells: Vec<Vec<Cell>> = v
            .vms
            .iter()
            .map(|vm| {
                vec![
                    Cell::plain(vm.name.as_str()),
                    Cell::plain(vm.service.as_str()),
                    Cell::new(
                        vm.power.as_str(),
                        match vm.power.as_str() {
                            "on" => Tone::Green,
                            "off" => Tone::Red,
                            _ => Tone::Yellow,
                        },
                    ),
                    Cell::plain(trimmed(vm.vcpus, 1)),
                    Cell::plain(trimmed(vm.memory_gb, 1)),
                    Cell::plain(fixed(vm.cpu_demand, 1)),
                    Cell::new(fixed(vm.steal_pct, 1), steal_tone(vm.steal_pct)),
                    Cell::new(vm.note.as_str(), Tone::Yellow),
                ]
            })
            .collect();
        out.push_str(&render(
            &[
                "vm", "service", "power", "vCPUs", "mem GB", "cpu want", "steal %", "",
            ],
            &cells,
            style,
        ));
    }
    for line in &v.incoming {
        out.push_str(&format!("arriving: {line}\n"));
    }
    for line in &v.rules {
        out.push_str(&format!("anti-affinity: {line}\n"));
    }
    out
}
