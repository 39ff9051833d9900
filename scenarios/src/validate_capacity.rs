//! Validation of the capacity-planning fields: the demand model's weekly cycle, growth and
//! history, host types, planned services, budget, and orders placed before the start.

use std::collections::BTreeSet;

use super::Check;
use crate::Placed;
use crate::diagnostic::Diagnostic;

/// Longest synthesised history: a little over a year, as hourly points.
const MAX_HISTORY_DAYS: u64 = 400;

pub(super) fn capacity(c: &mut Check) {
    demand(c);
    let s = c.s;
    let Some(plan) = &s.capacity else {
        for (i, h) in s.topology.hosts.iter().enumerate() {
            if h.host_type.is_some() {
                c.error(
                    format!("topology.hosts[{i}].host_type"),
                    "host_type needs a `capacity` plan that declares the host types",
                );
            }
        }
        return;
    };
    if plan.services.is_empty() {
        c.error("capacity.services", "the plan names no service to plan for");
    }
    for (i, name) in plan.services.iter().enumerate() {
        c.service(format!("capacity.services[{i}]"), name);
    }
    if plan.host_types.is_empty() {
        c.error("capacity.host_types", "the plan declares no host type");
    }
    let cloud_zones = s.cloud_zones();
    let mut types: BTreeSet<&str> = BTreeSet::new();
    for (i, t) in plan.host_types.iter().enumerate() {
        let p = format!("capacity.host_types[{i}]");
        if !types.insert(t.id.as_str()) {
            c.error(
                format!("{p}.id"),
                format!("host type `{}` is declared twice", t.id),
            );
        }
        if t.id.is_empty() || !t.id.bytes().all(|b| b.is_ascii_graphic()) {
            c.error(
                format!("{p}.id"),
                "a host type id is one word of visible characters",
            );
        }
        c.machine(&p, &t.zone, t.cores, t.memory_gb, t.disk_gb);
        c.finite(format!("{p}.price"), t.price, 0.0, 10_000_000.0, "price");
        c.finite(
            format!("{p}.hourly_cost"),
            t.hourly_cost,
            0.0,
            100_000.0,
            "hourly_cost",
        );
        let cloud = cloud_zones.contains(&t.zone.as_str());
        match (cloud, t.reserved_hourly, t.reserve_term) {
            (false, Some(_), _) | (false, _, Some(_)) => c.error(
                format!("{p}.reserved_hourly"),
                "reservations are for cloud host types; this type's zone is in a datacenter",
            ),
            (true, Some(_), None) | (true, None, Some(_)) => c.out.push(
                Diagnostic::at(
                    format!("{p}.reserve_term"),
                    "a reservation needs both reserved_hourly and reserve_term",
                )
                .with_help("e.g. reserved_hourly: 0.9, reserve_term: \"365d\""),
            ),
            (true, Some(rate), Some(term)) => {
                c.finite(
                    format!("{p}.reserved_hourly"),
                    rate,
                    0.0,
                    t.hourly_cost.max(0.0),
                    "reserved_hourly (at most hourly_cost)",
                );
                if term.ms() == 0 {
                    c.error(
                        format!("{p}.reserve_term"),
                        "a reservation term must be above zero",
                    );
                }
            }
            _ => {}
        }
        if cloud && t.price > 0.0 {
            c.error(
                format!("{p}.price"),
                "cloud hosts are rented by the hour: give hourly_cost, not a purchase price",
            );
        }
    }
    if let Some(budget) = plan.budget {
        c.finite("capacity.budget", budget, 1.0, 1e12, "budget");
    }
    c.finite(
        "capacity.saturation_util",
        plan.saturation_util,
        0.05,
        1.0,
        "saturation_util",
    );
    c.finite(
        "capacity.headroom_target",
        plan.headroom_target,
        0.0,
        0.95,
        "headroom_target",
    );
    for (i, h) in s.topology.hosts.iter().enumerate() {
        if let Some(t) = &h.host_type {
            Check::reference(
                &mut c.out,
                format!("topology.hosts[{i}].host_type"),
                t,
                &types,
                "host type",
            );
        }
    }
    for (i, placed) in plan.placed.iter().enumerate() {
        let p = format!("capacity.placed[{i}]");
        let (host_type, count, at, field) = match placed {
            Placed::Order {
                host_type,
                count,
                service,
                arrives,
            } => {
                c.service(format!("{p}.service"), service);
                (host_type, count, arrives, "arrives")
            }
            Placed::Reservation {
                host_type,
                count,
                until,
            } => {
                if plan
                    .host_types
                    .iter()
                    .any(|t| &t.id == host_type && t.reserved_hourly.is_none())
                {
                    c.error(
                        format!("{p}.host_type"),
                        format!("host type `{host_type}` cannot be reserved"),
                    );
                }
                (host_type, count, until, "until")
            }
        };
        Check::reference(
            &mut c.out,
            format!("{p}.host_type"),
            host_type,
            &types,
            "host type",
        );
        if *count == 0 || *count > 1_000 {
            c.error(
                format!("{p}.count"),
                format!("count must be from 1 to 1000, not {count}"),
            );
        }
        if at.ms() == 0 {
            c.error(
                format!("{p}.{field}"),
                "a placed order or reservation needs a time after the start",
            );
        }
    }
}

fn demand(c: &mut Check) {
    let t = &c.s.traffic;
    c.finite(
        "traffic.weekend_factor",
        t.weekend_factor,
        0.0,
        10.0,
        "weekend_factor",
    );
    c.finite(
        "traffic.growth_pct_per_month",
        t.growth_pct_per_month,
        -50.0,
        100.0,
        "growth_pct_per_month",
    );
    if let Some(h) = t.history
        && (h.ms() == 0 || h.ms() > MAX_HISTORY_DAYS * 86_400_000)
    {
        c.out.push(
            Diagnostic::at(
                "traffic.history",
                format!("history {h} must be above zero and at most {MAX_HISTORY_DAYS}d"),
            )
            .with_help("e.g. history: \"90d\" for a quarter of hourly metrics before the start"),
        );
    }
    for (i, spike) in t.past_spikes.iter().enumerate() {
        let p = format!("traffic.past_spikes[{i}]");
        c.finite(
            format!("{p}.multiplier"),
            spike.multiplier,
            0.0,
            1_000.0,
            "multiplier",
        );
        if spike.duration.ms() == 0 {
            c.error(
                format!("{p}.duration"),
                "a spike must last longer than zero",
            );
        }
        match t.history {
            Some(h) if spike.ago <= h && spike.ago.ms() > 0 => {}
            _ => c.error(
                format!("{p}.ago"),
                "a past spike must fall inside the synthesised history (0 < ago <= traffic.history)",
            ),
        }
    }
}
