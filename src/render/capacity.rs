//! The `capacity` screen: planned services' capacity and utilisation, host types that can be
//! ordered or reserved, orders in flight, reservations, and spend against the budget.

use engine::{CapacityView, money};

use super::format::{clock, fixed, rate};
use super::style::{Style, level_tone};
use super::table::{Cell, render};

pub(crate) fn capacity(v: &CapacityView, start: &str, style: Style) -> String {
    let mut out = String::new();
    let rows: Vec<Vec<Cell>> = v
        .services
        .iter()
        .map(|r| {
            let hosts = match (r.starting, r.on_order) {
                (0, 0) => r.serving.to_string(),
                (s, 0) => format!("{} +{s} starting", r.serving),
                (0, o) => format!("{} +{o} ordered", r.serving),
                (s, o) => format!("{} +{s} starting +{o} ordered", r.serving),
            };
            let warn = v.saturation_util * 100.0;
            vec![
                Cell::plain(r.service.as_str()),
                Cell::plain(hosts),
                Cell::plain(rate(r.capacity_rps)),
                Cell::plain(rate(r.demand_rps)),
                Cell::new(
                    fixed(r.utilisation * 100.0, 0),
                    level_tone(r.utilisation * 100.0, warn * 0.9, warn),
                ),
                Cell::new(
                    format!(
                        "{} at {}",
                        fixed(r.peak_utilisation * 100.0, 0),
                        clock(start, r.peak_at)
                    ),
                    level_tone(r.peak_utilisation * 100.0, warn * 0.9, warn),
                ),
            ]
        })
        .collect();
    out.push_str(&render(
        &[
            "service",
            "hosts",
            "capacity req/s",
            "demand req/s",
            "util %",
            "peak util %",
        ],
        &rows,
        style,
    ));
    out.push_str(&format!(
        "saturated above {}% utilisation; plan for {}% spare at the daily peak\n\n",
        fixed(v.saturation_util * 100.0, 0),
        fixed(v.headroom_target * 100.0, 0)
    ));
    let types: Vec<Vec<Cell>> = v
        .host_types
        .iter()
        .map(|t| {
            let reserve = match (t.reserved_hourly, t.reserve_term) {
                (Some(r), Some(term)) => format!("${}/h for {term}", money(r)),
                _ => "-".into(),
            };
            vec![
                Cell::plain(t.id.as_str()),
                Cell::plain(format!(
                    "{} ({})",
                    t.zone,
                    if t.cloud { "cloud" } else { "on-prem" }
                )),
                Cell::plain(format!("{} / {} GB", t.cores, fixed(t.memory_gb, 0))),
                Cell::plain(t.lead_time.to_string()),
                Cell::plain(if t.price > 0.0 {
                    format!("${}", money(t.price))
                } else {
                    "-".into()
                }),
                Cell::plain(format!("${}", money(t.hourly_cost))),
                Cell::plain(reserve),
                Cell::plain(format!("{} ({} reserved)", t.running, t.reserved)),
            ]
        })
        .collect();
    out.push_str(&render(
        &[
            "host type",
            "where",
            "cores / mem",
            "lead time",
            "price",
            "per hour",
            "reserved",
            "running",
        ],
        &types,
        style,
    ));
    out.push('\n');
    if v.orders.is_empty() {
        out.push_str("no orders in flight\n");
    }
    for (what, service, arrives) in &v.orders {
        out.push_str(&format!(
            "on order: {what} for {service}, arriving {}\n",
            clock(start, *arrives)
        ));
    }
    for (t, count, until) in &v.reservations {
        out.push_str(&format!(
            "reserved: {count} x {t} until {}\n",
            clock(start, *until)
        ));
    }
    let spend = format!(
        "spent ${} (hardware ${}, on-prem running ${}, cloud on demand ${}, cloud reserved ${})",
        money(v.spend),
        money(v.capex),
        money(v.onprem_running),
        money(v.cloud_on_demand),
        money(v.cloud_reserved)
    );
    out.push_str(&spend);
    match v.budget {
        Some(b) => {
            let used = v.spend / b * 100.0;
            out.push_str(&format!(" of a ${} budget: ", money(b)));
            out.push_str(&style.paint(
                level_tone(used, 90.0, 100.0),
                &format!("{}% used", fixed(used, 1)),
            ));
            out.push('\n');
        }
        None => out.push('\n'),
    }
    out
}
