//! Capacity planning in the engine, pinned against values worked by hand: compound growth,
//! headroom at the peak of a known fleet, the onset of saturation where utilisation (or the
//! Erlang C latency) crosses its line, lead times, and reserved versus on-demand billing.

use engine::{Response, Sim, View};
use scenarios::{Dur, load_str};

const HOUR: u64 = 3_600_000;

/// One `app` tier (the entry) of `hosts` 16-core hosts at 20 ms a request, hourly ticks, with
/// `traffic` and `plan` spliced in.
fn estate(hosts: usize, traffic: &str, plan: &str, limit: &str) -> scenarios::Scenario {
    let host_list: Vec<String> = (1..=hosts)
        .map(|i| {
            format!(
                r#"(id: "app-{i}", zone: "a", cores: 16, memory_gb: 64, disk_gb: 100, hourly_cost: 0.5, host_type: Some("std"))"#
            )
        })
        .collect();
    let members: Vec<String> = (1..=hosts).map(|i| format!(r#""app-{i}""#)).collect();
    let text = format!(
        r#"(
    id: "t", title: "capacity estate", kind: Capacity, level: Mid, briefing: "test",
    start: "2027-01-04 00:00", tick: "1h", time_limit: "{limit}",
    topology: (
        sites: [(id: "dc", kind: Datacenter, zones: ["a"]), (id: "cloud", kind: CloudRegion, zones: ["c"])],
        links: [(from: "a", to: "c", latency_ms: 2)],
        hosts: [{}],
        services: [
            (id: "app", kind: App, hosts: [{}], ms_per_request: 20, workers: 64,
             memory_mb: 2048, max_connections: 100000),
        ],
    ),
    traffic: (entry: "app", {traffic}),
    slo: (availability: 0.999, latency_p99_ms: 500),
    rubric: (kpis: [(kpi: PeakHeadroom, weight: 1, target: 20, zero: 0)]),
    reference: [(at: "0s", command: "capacity")],
    capacity: Some((
        services: ["app"],
        host_types: [
            (id: "std", zone: "a", cores: 16, memory_gb: 64, lead_time: "21d", price: 10000, hourly_cost: 0.5),
            (id: "vm", zone: "c", cores: 16, memory_gb: 64, lead_time: "10m", hourly_cost: 1.0,
             reserved_hourly: Some(0.6), reserve_term: Some("365d")),
        ],
        {plan}
    )),
)"#,
        host_list.join(", "),
        members.join(", ")
    );
    load_str("t.ron", &text).unwrap_or_else(|e| panic!("{e}"))
}

fn capacity(sim: &Sim) -> engine::CapacityRecord {
    sim.record().capacity.expect("a capacity record")
}

#[test]
fn demand_compounds_monthly_growth() {
    // 5% a month for 12 months from 1,000 req/s: 1,000 x 1.05^12 = 1,795.856 req/s.
    // A month is 365.25 / 12 days = 730.5 hours, so 12 months is 8,766 hours. The status
    // shows the last tick routed, one hour before the clock.
    let s = estate(4, "base_rps: 1000, growth_pct_per_month: 5.0", "", "400d");
    let mut sim = Sim::new(&s, 1);
    sim.advance(Dur(8_767 * HOUR - sim.now().ms()));
    let Ok(View::Status(status)) = sim.observe(&engine::Query::Status) else {
        panic!("status");
    };
    assert!((status.rps - 1_795.856).abs() < 0.01, "{}", status.rps);
}

#[test]
fn headroom_at_the_peak_of_a_known_fleet() {
    // 4 hosts x 16 cores / 20 ms = 3,200 req/s. Demand 2,000 x (1 + 0.2) = 2,400 at 20:00:
    // 2,400 / 3,200 = 75% busy, 25% spare.
    let s = estate(
        4,
        "base_rps: 2000, diurnal_swing: 0.2, peak_hour: 20",
        "",
        "2d",
    );
    let mut sim = Sim::new(&s, 1);
    sim.finish();
    let cap = capacity(&sim);
    let peak = &cap.peaks[0];
    assert!((peak.capacity_rps - 3_200.0).abs() < 1e-9);
    assert!(
        (peak.demand_rps - 2_400.0).abs() < 1e-6,
        "{}",
        peak.demand_rps
    );
    assert!((peak.utilisation - 0.75).abs() < 1e-9);
    assert_eq!(peak.at.ms() % (24 * HOUR), 20 * HOUR);
}

#[test]
fn saturation_begins_where_utilisation_crosses_the_line() {
    // Flat demand at half the fleet's capacity, growing 5% a month: it reaches 80% after
    // ln(0.8 / 0.5) / ln(1.05) = 0.470004 / 0.048790 = 9.633164 months = 7,037.03 hours.
    // The first hourly tick past that is hour 7,038.
    let s = estate(
        4,
        "base_rps: 1600, growth_pct_per_month: 5.0",
        "saturation_util: 0.8,",
        "300d",
    );
    let mut sim = Sim::new(&s, 1);
    sim.finish();
    let cap = capacity(&sim);
    assert_eq!(
        cap.saturated_spans.first().map(|s| s.0),
        Some(Dur(7_038 * HOUR))
    );
    // From there to the end (300 days = 7,200 hours) every tick is saturated.
    assert_eq!(cap.saturated_spans.len(), 1);
    assert_eq!(cap.saturated_min, (7_200.0 - 7_038.0) * 60.0);
}

#[test]
fn saturation_by_latency_begins_where_erlang_c_puts_p99_over_the_slo() {
    // One 4-core host at 100 ms a request (40 req/s flat out), demand 10 req/s growing 10% a
    // month, SLO p99 600 ms. The exact p99 of M/M/4 response time (Erlang C waiting plus the
    // service time) reaches 600 ms at 29.98 req/s (rho = 0.7495), after
    // ln(2.998) / ln(1.1) = 11.5200 months = 8,415.36 hours: the first tick over is hour 8,416,
    // long before the 95% utilisation line.
    let text = r#"(
    id: "t", title: "erlang", kind: Capacity, level: Mid, briefing: "test",
    start: "00:00", tick: "1h", time_limit: "360d",
    topology: (
        sites: [(id: "dc", kind: Datacenter, zones: ["a"])],
        hosts: [(id: "app-1", zone: "a", cores: 4, memory_gb: 16, disk_gb: 100)],
        services: [(id: "app", kind: App, hosts: ["app-1"], ms_per_request: 100, workers: 4,
                    memory_mb: 1024, max_connections: 10000)],
    ),
    traffic: (entry: "app", base_rps: 10, growth_pct_per_month: 10.0),
    slo: (availability: 0.9, latency_p99_ms: 600),
    rubric: (kpis: [(kpi: SaturationMinutes, weight: 1, target: 0, zero: 60)]),
    reference: [(at: "0s", command: "capacity")],
    capacity: Some((services: ["app"], host_types: [(id: "x", zone: "a", cores: 4, memory_gb: 16,
                    lead_time: "1d", hourly_cost: 0.1)], saturation_util: 0.95)),
)"#;
    let s = load_str("t.ron", text).unwrap_or_else(|e| panic!("{e}"));
    let mut sim = Sim::new(&s, 1);
    sim.finish();
    let onset = capacity(&sim).saturated_spans.first().map(|s| s.0);
    assert_eq!(onset, Some(Dur(8_416 * HOUR)));
    // The same crossing straight from the queueing model.
    let rate = |h: f64| 10.0 * libm::pow(1.1, h / 730.5);
    assert!(engine::queueing::mmc(4, rate(8_415.0), 100.0).p99_ms <= 600.0);
    assert!(engine::queueing::mmc(4, rate(8_416.0), 100.0).p99_ms > 600.0);
}

#[test]
fn ordered_hardware_arrives_after_its_lead_time_and_adds_capacity() {
    let s = estate(2, "base_rps: 1000", "budget: Some(100000.0),", "30d");
    let mut sim = Sim::new(&s, 1);
    let Ok(Response::Done(msg)) = sim.execute("order std 2 for app") else {
        panic!("order refused");
    };
    assert!(msg.contains("ordered 2 x std for app ($20,000)"), "{msg}");
    sim.advance(Dur(20 * 24 * HOUR));
    let Ok(Response::View(v)) = sim.execute("capacity") else {
        panic!("capacity")
    };
    let View::Capacity(c) = *v else {
        panic!("view")
    };
    assert_eq!((c.services[0].serving, c.services[0].on_order), (2, 2));
    assert_eq!(c.capex, 20_000.0);
    sim.advance(Dur(2 * 24 * HOUR));
    let Ok(View::Capacity(c)) = sim.observe(&engine::Query::Capacity) else {
        panic!("capacity")
    };
    assert_eq!(c.services[0].serving, 4);
    assert!((c.services[0].capacity_rps - 3_200.0).abs() < 1e-9);
}

#[test]
fn reservations_bill_running_hosts_first_and_waste_the_rest() {
    // Two cloud hosts running all day against three reservations: 3 x $0.60 reserved and
    // nothing on demand each hour, with one reservation ($0.60/h) unused.
    let s = estate(2, "base_rps: 100", "", "2d");
    let mut sim = Sim::new(&s, 1);
    sim.execute("order vm 2 for app").expect("launch");
    sim.execute("reserve vm 3").expect("reserve");
    let start = sim.now();
    let before = capacity(&sim);
    sim.advance(Dur(24 * HOUR));
    let after = capacity(&sim);
    assert_eq!(start, Dur(3 * HOUR));
    assert!((after.cloud_reserved - before.cloud_reserved - 24.0 * 1.8).abs() < 1e-9);
    assert!((after.cloud_on_demand - before.cloud_on_demand).abs() < 1e-9);
    assert!((after.reserved_waste - before.reserved_waste - 24.0 * 0.6).abs() < 1e-9);
    // On-prem hosts: two at $0.50/h.
    assert!((after.onprem_running - before.onprem_running - 24.0).abs() < 1e-9);
}

#[test]
fn decommission_refuses_the_last_instance_and_stops_billing() {
    let s = estate(2, "base_rps: 100", "", "2d");
    let mut sim = Sim::new(&s, 1);
    sim.execute("decommission app-2").expect("decommission");
    let e = sim.execute("decommission app-1").unwrap_err();
    assert!(e.message.contains("last instance"), "{}", e.message);
    let before = capacity(&sim).onprem_running;
    sim.advance(Dur(10 * HOUR));
    assert!((capacity(&sim).onprem_running - before - 5.0).abs() < 1e-9);
}

#[test]
fn history_before_the_start_shows_the_trend() {
    // 90 days of history at 10% a month: the oldest day's mean is 1.1^-(90/30.44) = 0.754 of
    // today's level, the newest nearly all of it.
    let s = estate(
        4,
        "base_rps: 1000, growth_pct_per_month: 10.0, history: Some(\"90d\")",
        "",
        "2d",
    );
    let sim = Sim::new(&s, 1);
    let Ok(View::Metrics(m)) = sim.observe(&engine::Query::Metrics {
        target: "app".into(),
        metric: scenarios::Metric::Rps,
        last: Dur(90 * 24 * HOUR),
    }) else {
        panic!("metrics")
    };
    assert_eq!(m.past_bucket, Dur(24 * HOUR));
    assert_eq!(m.past.len(), 90);
    let first = f64::from(m.past[0]);
    let last = f64::from(m.past[89]);
    // Day -90 .. -89 averages around -89.5 days: 1000 x 1.1^(-89.5 / 30.4375) = 755.3.
    assert!((first - 755.3).abs() < 1.0, "{first}");
    assert!(last > 995.0 && last < 1_000.0, "{last}");
}
