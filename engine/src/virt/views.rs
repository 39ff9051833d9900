//! The views of virtualisation: `hv list`, `hv show`, and the hypervisor line of `describe`.

use super::*;

/// The rows of `hv list`.
pub fn list(world: &World) -> Result<Vec<HypervisorRow>, SimError> {
    let virt = world.resource::<Virt>();
    if virt.hvs.is_empty() {
        return Err(SimError::new(
            "this estate has no hypervisors; every host is bare metal",
        ));
    }
    Ok((0..virt.hvs.len()).map(|i| hv_row(world, i)).collect())
}

pub(crate) fn hv_row(world: &World, i: usize) -> HypervisorRow {
    let virt = world.resource::<Virt>();
    let h = &virt.hvs[i];
    let vms = vms_on(world, i);
    let (mem, cpu) = committed(world, i);
    let net = world.resource::<crate::network::Network>();
    let up = h.state != HvState::Down;
    HypervisorRow {
        name: h.name.clone(),
        zone: net.zones[h.zone].clone(),
        state: h.state.label().to_owned(),
        vms_on: vms.iter().filter(|&&v| powered_on(world, v)).count(),
        vms: vms.len(),
        cores: h.cores,
        vcpus: cpu,
        vcpu_cap: h.cores * h.cpu_overcommit,
        cpu_demand_pct: if up { h.demand / h.cores * 100.0 } else { 0.0 },
        steal_pct: if up && h.demand > 0.0 {
            (1.0 - h.share) * 100.0
        } else {
            0.0
        },
        memory_gb: h.memory_gb,
        mem_committed_gb: mem,
        mem_cap_gb: h.memory_gb * h.memory_overcommit,
        mem_active_pct: if up {
            h.active_mb / (h.memory_gb * 1_024.0) * 100.0
        } else {
            0.0
        },
        ha: h.ha,
    }
}

/// The screen of `hv show HV`.
pub fn show(world: &World, name: &str) -> Result<HypervisorView, SimError> {
    let i = hv_index(world, name)?;
    let virt = world.resource::<Virt>();
    let h = &virt.hvs[i];
    let at = now(world);
    let vms = vms_on(world, i)
        .into_iter()
        .map(|v| {
            let spec = world.get::<HostSpec>(v).expect("host");
            let st = world.get::<HostState>(v).expect("host");
            let note = match virt.migrating(v) {
                Some(m) if m.start > at => format!("queued to migrate to {}", virt.hvs[m.to].name),
                Some(m) => format!(
                    "migrating to {}, {} left",
                    virt.hvs[m.to].name,
                    Dur(m.due.ms().saturating_sub(at.ms()))
                ),
                None => String::new(),
            };
            VmRow {
                name: spec.name.clone(),
                service: world
                    .get::<Instance>(v)
                    .map_or_else(|| "-".into(), |i| service_name(world, i.service)),
                power: match st.power {
                    Power::Up => "on",
                    Power::Booting { .. } => "booting",
                    Power::Down => "off",
                    Power::Decommissioned => "removed",
                }
                .into(),
                vcpus: spec.cores,
                memory_gb: spec.memory_mb / 1_024.0,
                cpu_demand: demand(world, v),
                steal_pct: virt.steal.get(spec.order).copied().unwrap_or(0.0) * 100.0,
                note,
            }
        })
        .collect();
    let incoming = virt
        .migrations
        .iter()
        .filter(|m| m.to == i)
        .map(|m| {
            format!(
                "{} arriving from {} in {}",
                host_name(world, m.vm),
                virt.hvs[m.from].name,
                Dur(m.due.ms().saturating_sub(at.ms()))
            )
        })
        .collect();
    let rules = virt
        .rules
        .iter()
        .filter(|(_, members)| {
            members.iter().any(|&m| {
                world
                    .get::<HostSpec>(m)
                    .is_some_and(|s| virt.hv_of(s.order) == Some(i))
            })
        })
        .map(|(rule, members)| {
            let names: Vec<String> = members.iter().map(|&m| host_name(world, m)).collect();
            format!("{rule}: keep {} apart", names.join(", "))
        })
        .collect();
    Ok(HypervisorView {
        row: hv_row(world, i),
        cpu_overcommit: h.cpu_overcommit,
        memory_overcommit: h.memory_overcommit,
        migration_gbps: h.migration_gbps,
        memory_factor: h.mem_factor,
        storage_pct: h.io_util * 100.0,
        vms,
        incoming,
        rules,
    })
}

/// `describe HOST`'s hypervisor line for a VM.
pub fn host_line(world: &World, h: Entity) -> Option<String> {
    let spec = world.get::<HostSpec>(h)?;
    let virt = world.resource::<Virt>();
    let hv = virt.hv_of(spec.order)?;
    let mut text = format!(
        "{} ({}), CPU steal {:.0}%",
        virt.hvs[hv].name,
        virt.hvs[hv].state.label(),
        virt.steal.get(spec.order).copied().unwrap_or(0.0) * 100.0
    );
    if let Some(m) = virt.migrating(h) {
        text.push_str(&format!(", migrating to {}", virt.hvs[m.to].name));
    }
    Some(text)
}

/// Steal of every host (by order), for the metric.
pub fn steal_pct(world: &World, order: usize) -> f64 {
    world
        .resource::<Virt>()
        .steal
        .get(order)
        .copied()
        .unwrap_or(0.0)
        * 100.0
}
