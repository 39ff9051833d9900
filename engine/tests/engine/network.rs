//! The network model against hand-computed values: rerouting over redundant paths, static
//! routes that black-hole or loop, bulk transfers congesting a link, partitions, and the
//! harm the engine judges of a network change.

use crate::support::success_pct;
use engine::{Response, Sim, View};
use scenarios::{Dur, load_str};

/// Zones `web` (lb-1, app-1, bk-1) and `data` (db-1, db-2) joined through routers r1 and r2:
///
/// ```text
///   web --1.0-- r1 --1.0-- data        r1 -- data carries 6 Gbit/s of other traffic on 10
///   web --2.0-- r2 --3.0-- data        r1 --0.5-- r2
/// ```
fn estate(faults: &str) -> scenarios::Scenario {
    let text = format!(
        r#"(
    id: "t", title: "network test estate", kind: Network, level: Mid, briefing: "test",
    start: "10:00", tick: "1s", time_limit: "1h",
    topology: (
        sites: [(id: "dc", kind: Datacenter, zones: ["web", "data"])],
        nodes: [(id: "r1", kind: Router), (id: "r2", kind: Router), (id: "sw", kind: Switch)],
        links: [
            (from: "web", to: "r1", latency_ms: 1.0, gbps: 10),
            (from: "web", to: "r2", latency_ms: 2.0, gbps: 10),
            (from: "r1", to: "data", latency_ms: 1.0, gbps: 10, base_gbps: 6),
            (from: "r2", to: "data", latency_ms: 3.0, gbps: 10),
            (from: "r1", to: "r2", latency_ms: 0.5, gbps: 10),
            (from: "sw", to: "web", latency_ms: 0.01, gbps: 10),
        ],
        hosts: [
            (id: "lb-1", zone: "web", cores: 4, memory_gb: 8, disk_gb: 50),
            (id: "app-1", zone: "web", cores: 8, memory_gb: 16, disk_gb: 100),
            (id: "bk-1", zone: "web", cores: 4, memory_gb: 8, disk_gb: 1000),
            (id: "db-1", zone: "data", cores: 16, memory_gb: 64, disk_gb: 100, disk_used_gb: 50),
            (id: "db-2", zone: "data", cores: 16, memory_gb: 64, disk_gb: 100, disk_used_gb: 50),
        ],
        services: [
            (id: "lb", kind: LoadBalancer, hosts: ["lb-1"], ms_per_request: 0.05, workers: 4096,
             memory_mb: 512, max_connections: 50000, calls: [(service: "app")]),
            (id: "app", kind: App, hosts: ["app-1"], ms_per_request: 10, workers: 64,
             memory_mb: 2048, max_connections: 2000, calls: [(service: "db", per_request: 2)]),
            (id: "db", kind: Database, hosts: ["db-1", "db-2"], ms_per_request: 2, memory_mb: 8192,
             max_connections: 500, replica_lag: "1s"),
        ],
    ),
    traffic: (entry: "lb", base_rps: 100),
    faults: [{faults}],
    slo: (availability: 0.999, latency_p99_ms: 500),
    rubric: (kpis: [(kpi: Availability, weight: 1, target: 1, zero: 100)]),
    reference: [(at: "0s", command: "status")],
)"#
    );
    load_str("inline.ron", &text).unwrap_or_else(|e| panic!("{e}"))
}

/// Two LAN hops (0.1 ms each way) are added to every round trip between hosts.
const LAN_RTT: f64 = 0.2;
/// One 12,000-bit packet on 10 Gbit/s: 1.2 µs.
const PACKET_MS: f64 = 0.0012;

/// The estate a minute after `fault` (scheduled at 1m) struck.
fn a_minute_after(fault: &str) -> Sim {
    let mut sim = Sim::new(&estate(fault), 1);
    sim.advance(Dur::from_mins(2));
    sim
}

fn ping(sim: &Sim, from: &str, to: &str) -> engine::PingView {
    match sim.observe(&engine::Query::Ping {
        from: from.into(),
        to: to.into(),
    }) {
        Ok(View::Ping(p)) => p,
        other => panic!("{other:?}"),
    }
}

fn trace(sim: &mut Sim, from: &str, to: &str) -> engine::TraceView {
    match sim.execute(&format!("traceroute {from} {to}")).unwrap() {
        Response::View(v) => match *v {
            View::Trace(t) => t,
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// M/M/1 mean wait at utilisation `rho`, in ms, for full-size packets on 10 Gbit/s.
fn wait(rho: f64) -> f64 {
    rho / (1.0 - rho) * PACKET_MS
}

#[test]
fn shortest_path_goes_through_r1_and_ping_sums_both_ways() {
    let sim = Sim::new(&estate(""), 1);
    let p = ping(&sim, "app-1", "db-1");
    assert_eq!(p.route, ["web", "r1", "data"]);
    // There: web->r1 1.0 + r1->data 1.0 (6 of 10 Gbit/s busy: an M/M/1 wait at 0.6).
    // Back: the same links the other way, with the same 0.6 on r1<->data.
    let expected = (1.0 + 1.0 + wait(0.6)) * 2.0 + LAN_RTT;
    assert!(close(p.rtt_ms, expected), "{} vs {expected}", p.rtt_ms);
    assert_eq!(p.loss_pct, 0.0);
}

#[test]
fn failed_link_reroutes_with_the_sum_of_the_redundant_paths_latencies() {
    let sim = a_minute_after(r#"(at: "1m", kind: LinkDown(from: "web", to: "r1"))"#);
    let p = ping(&sim, "app-1", "db-1");
    // web->r2 2.0, r2->r1 0.5, r1->data 1.0 = 3.5 ms one way (r2->data direct is 2 + 3 = 5).
    assert_eq!(p.route, ["web", "r2", "r1", "data"]);
    let expected = (2.0 + 0.5 + 1.0 + wait(0.6)) * 2.0 + LAN_RTT;
    assert!(close(p.rtt_ms, expected), "{} vs {expected}", p.rtt_ms);
    assert!(success_pct(&sim) > 99.9);
}

#[test]
fn traffic_beyond_a_links_capacity_queues_and_drops_the_excess() {
    let mut sim = a_minute_after(
        r#"(at: "1m", kind: BulkTransfer(host: "bk-1", process: "rsync", to: "data", gbps: 6.0))"#,
    );
    let p = ping(&sim, "app-1", "db-1");
    // web->r1 carries 6 of 10: wait(0.6). r1->data carries 6 + 6 = 12 of 10: utilisation 1.2,
    // so the buffer is full (+50 ms) and 1 - 1/1.2 = 1/6 of packets are dropped.
    // The way back carries only the 6 Gbit/s of other traffic: wait(0.6) on data->r1.
    let there = 1.0 + wait(0.6) + 1.0 + 50.0;
    let back = 1.0 + wait(0.6) + 1.0;
    assert!(close(p.rtt_ms, there + back + LAN_RTT), "{}", p.rtt_ms);
    assert!(close(p.loss_pct, 100.0 / 6.0), "{}", p.loss_pct);
    assert!(success_pct(&sim) < 100.0, "lost packets fail some calls");

    // Throttled to 3 Gbit/s: r1->data at 0.9, web->r1 at 0.3; nothing dropped.
    sim.execute("throttle bk-1 rsync 3g").unwrap();
    let p = ping(&sim, "app-1", "db-1");
    let there = 1.0 + wait(0.3) + 1.0 + wait(0.9);
    assert!(close(p.rtt_ms, there + back + LAN_RTT), "{}", p.rtt_ms);
    assert_eq!(p.loss_pct, 0.0);

    // Killing the transfer's process ends it at the next tick.
    sim.execute("kill bk-1 rsync").unwrap();
    let p = ping(&sim, "app-1", "db-1");
    assert!(
        close(p.rtt_ms, (2.0 + wait(0.6)) * 2.0 + LAN_RTT),
        "{}",
        p.rtt_ms
    );
}

#[test]
fn a_null_route_black_holes_traffic_until_it_is_deleted() {
    let mut sim =
        a_minute_after(r#"(at: "1m", kind: BadRoute(node: "r1", dest: "data", via: "null0"))"#);
    let p = ping(&sim, "app-1", "db-1");
    assert!(!p.reachable);
    assert!(p.note.unwrap().contains("r1 discards traffic for data"));
    let t = trace(&mut sim, "app-1", "db-1");
    assert_eq!(t.hops[0].name, "r1");
    assert!(
        t.hops[1..]
            .iter()
            .all(|h| h.name == "*" && h.rtt_ms.is_none())
    );
    assert!(success_pct(&sim) < 1.0, "every database call is dropped");

    sim.execute("route del r1 data").unwrap();
    sim.advance(Dur::from_mins(1));
    assert!(ping(&sim, "app-1", "db-1").reachable);
    assert!(success_pct(&sim) > 99.9);
}

#[test]
fn a_static_route_pins_traffic_into_a_loop_and_wins_over_the_shortest_path() {
    let mut sim =
        a_minute_after(r#"(at: "1m", kind: BadRoute(node: "r1", dest: "data", via: "r2"))"#);
    // r2's shortest path to data is back through r1 (0.5 + 1.0 < 3.0), so they loop.
    let p = ping(&sim, "app-1", "db-1");
    assert!(p.note.unwrap().contains("routing loop: r1 and r2"));
    // A static route of a lower metric via the data link itself wins over the bad one.
    sim.execute("route add r1 data via data metric 0").unwrap();
    let p = ping(&sim, "app-1", "db-1");
    assert_eq!(p.route, ["web", "r1", "data"]);
    // Shutting r1's link to data withdraws that route, so the one via r2 wins again; r2's
    // shortest path to data is now its own link (3.0), so there is no loop this time:
    // 1.0 + 0.5 + 3.0 = 4.5 ms each way (back: data->r2->r1->web, 3.0 + 0.5 + 1.0).
    sim.execute("link down r1 data").unwrap();
    let p = ping(&sim, "app-1", "db-1");
    assert_eq!(p.route, ["web", "r1", "r2", "data"]);
    assert!(close(p.rtt_ms, 4.5 * 2.0 + LAN_RTT), "{p:?}");
}

#[test]
fn a_partition_takes_its_links_down_together() {
    let sim = a_minute_after(
        r#"(at: "1m", kind: Partition(links: [(from: "web", to: "r1"), (from: "r2", to: "web")]))"#,
    );
    let p = ping(&sim, "app-1", "db-1");
    assert!(!p.reachable && p.note.unwrap().contains("no route from web to data"));
    assert!(success_pct(&sim) < 1.0);
}

#[test]
fn shutting_the_last_path_is_judged_harmful_and_the_redundant_one_is_not() {
    let mut sim = Sim::new(&estate(""), 1);
    sim.execute("link down web r1").unwrap();
    sim.execute("link down web r2").unwrap();
    let record = sim.record();
    assert_eq!(
        record.commands[0].harm, None,
        "web still reaches data via r2"
    );
    assert_eq!(
        record.commands[1].harm.as_deref(),
        Some("cut web off from data, where app calls db")
    );
    // `link up` restores a link shut by hand.
    sim.execute("link up web r1").unwrap();
    assert!(ping(&sim, "app-1", "db-1").reachable);
}

#[test]
fn network_commands_refuse_what_a_router_would_refuse() {
    let mut sim = Sim::new(&estate(""), 1);
    let refused = |sim: &mut Sim, line: &str| sim.execute(line).unwrap_err().message;
    assert!(refused(&mut sim, "route add sw data via web").contains("switch"));
    assert!(refused(&mut sim, "route add r1 data via r9").contains("no host, service or zone"));
    assert!(refused(&mut sim, "route add r1 data via sw").contains("not a neighbour"));
    assert!(refused(&mut sim, "route add r1 db-1 via r2").contains("is a host"));
    assert!(refused(&mut sim, "route del r1 data").contains("no static route"));
    assert!(refused(&mut sim, "link down web data").contains("no link joins"));
    assert!(refused(&mut sim, "link up web r1").contains("already up"));
    assert!(refused(&mut sim, "throttle bk-1 rsync 1g").contains("no bulk transfer"));
    assert!(
        sim.record().commands.is_empty(),
        "refusals are not recorded"
    );
}
