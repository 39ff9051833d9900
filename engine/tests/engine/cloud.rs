//! The cloud model against hand-computed values: money, DNS caching, the autoscaler, and the
//! consequences of migration steps taken out of order.

use engine::{Query, Sim, View};
use scenarios::{Dur, load_str};

/// One region, an ALB in front of `web` (an autoscaling group of c5.xlarge), a second
/// load balancer `lb-b` for DNS moves, and a priced host with no service.
fn estate(rps: f64, cloud_extra: &str) -> scenarios::Scenario {
    let text = format!(
        r#"(
    id: "t", title: "cloud test estate", kind: Cloud, level: Mid, briefing: "test", start: "10:00",
    tick: "1s", time_limit: "2h",
    topology: (
        sites: [(id: "r", kind: CloudRegion, zones: ["a", "b"])],
        links: [(from: "a", to: "b", latency_ms: 0.5)],
        hosts: [
            (id: "lb-1", zone: "a", cores: 16, memory_gb: 32, disk_gb: 20, hourly_cost: 0.05),
            (id: "lb-2", zone: "b", cores: 16, memory_gb: 32, disk_gb: 20, hourly_cost: 0.05),
            (id: "web-1", zone: "a", cores: 4, memory_gb: 8, disk_gb: 30, instance_type: "c5.xlarge"),
            (id: "web-2", zone: "b", cores: 4, memory_gb: 8, disk_gb: 30, instance_type: "c5.xlarge"),
            (id: "spare", zone: "a", cores: 8, memory_gb: 64, disk_gb: 30, instance_type: "r5.2xlarge"),
            (id: "later", zone: "b", cores: 4, memory_gb: 8, disk_gb: 30, instance_type: "c5.xlarge", provisioned: false),
        ],
        services: [
            (id: "lb", kind: LoadBalancer, hosts: ["lb-1"], ms_per_request: 0.05, workers: 8192,
             memory_mb: 512, max_connections: 50000, calls: [(service: "web")],
             health_check: (interval: "5s", unhealthy_after: 2)),
            (id: "lb-b", kind: LoadBalancer, hosts: ["lb-2"], ms_per_request: 0.05, workers: 8192,
             memory_mb: 512, max_connections: 50000, calls: [(service: "web")],
             health_check: (interval: "5s", unhealthy_after: 2)),
            (id: "web", kind: App, hosts: ["web-1", "web-2"], ms_per_request: 40, workers: 64,
             memory_mb: 2048, max_connections: 2000, start_time: "30s"),
        ],
    ),
    traffic: (entry: "www", base_rps: {rps}),
    slo: (availability: 0.999, latency_p99_ms: 500),
    rubric: (kpis: [(kpi: Cost, weight: 1, target: 1, zero: 100)]),
    reference: [(at: "0s", command: "cost")],
    cloud: (
        instance_types: [
            (name: "c5.xlarge", vcpu: 4, memory_gb: 8, hourly_price: 0.17, launch_time: "90s"),
            (name: "r5.2xlarge", vcpu: 8, memory_gb: 64, hourly_price: 0.504),
        ],
        dns: [(name: "www", target: "lb", ttl: "10m")],
        {cloud_extra}
    ),
)"#
    );
    load_str("inline.ron", &text).unwrap_or_else(|e| panic!("{e}"))
}

const GROUP: &str = r#"autoscaling: [(name: "web-asg", service: "web", instance_type: "c5.xlarge",
    zones: ["a", "b"], min: 2, max: 8, target_cpu: 50, cooldown: "1m", warmup: "2m")],"#;

fn run(sim: &mut Sim, line: &str) -> engine::Response {
    sim.execute(line).unwrap_or_else(|e| panic!("{line}: {e}"))
}

fn view(sim: &Sim, q: Query) -> View {
    sim.observe(&q).unwrap_or_else(|e| panic!("{e}"))
}

fn rps_of(sim: &Sim, service: &str) -> f64 {
    let View::Status(s) = view(sim, Query::Status) else {
        panic!("status")
    };
    s.services
        .iter()
        .find(|r| r.name == service)
        .expect("service")
        .rps
}

#[test]
fn cost_is_hours_times_hourly_price_summed_over_running_hosts() {
    // Running: lb-1 and lb-2 at $0.05, web-1 and web-2 at c5.xlarge's $0.17, spare at
    // r5.2xlarge's $0.504; `later` is not provisioned and costs nothing.
    // Rate: 0.05 + 0.05 + 0.17 + 0.17 + 0.504 = $0.944/h. Over 90 min: 1.5 × 0.944 = $1.416.
    let mut sim = Sim::new(&estate(100.0, ""), 1);
    sim.advance(Dur(90 * 60_000 - sim.now().ms()));
    let record = sim.record();
    assert!(
        (record.totals.cost - 1.416).abs() < 1e-9,
        "{}",
        record.totals.cost
    );
    let View::Cost(c) = view(&sim, Query::Cost) else {
        panic!("cost")
    };
    assert!((c.per_hour - 0.944).abs() < 1e-12);
    // A month is 730 h: 0.944 × 730 = $689.12.
    assert!((c.per_month - 689.12).abs() < 1e-9);
    // web: 1.5 h × 2 × 0.17 = $0.51, booked to the service.
    let web = c
        .services
        .iter()
        .find(|r| r.service == "web")
        .expect("web row");
    assert!((web.spent - 0.51).abs() < 1e-9, "{}", web.spent);
    assert_eq!(web.hosts, 2);
    // Decommissioning `spare` stops its $0.504/h at once; provisioning `later` starts $0.17/h.
    run(&mut sim, "decommission spare");
    run(&mut sim, "provision later");
    let View::Cost(c) = view(&sim, Query::Cost) else {
        panic!("cost")
    };
    assert!((c.per_hour - (0.944 - 0.504 + 0.17)).abs() < 1e-12);
}

#[test]
fn a_dns_change_moves_clients_as_cached_answers_expire() {
    // TTL 10 min. After t of it, the share still on the old target is 1 - t/TTL: with noise
    // off, 2.5 min after the change lb carries 75% of 200 req/s = 150 and lb-b 50.
    let mut sim = Sim::new(&estate(200.0, ""), 1);
    sim.advance(Dur::from_mins(1));
    let changed_at = sim.now();
    run(&mut sim, "dns set www lb-b");
    // The command took 30 s; advance to 2.5 min after the change.
    sim.advance(Dur(changed_at.ms() + 150_000 - sim.now().ms()));
    // Status shows the last tick's routing, 149 s after the change: 200 × (1 - 149/600).
    let (old, new) = (rps_of(&sim, "lb"), rps_of(&sim, "lb-b"));
    assert!(
        (old - 200.0 * (1.0 - 149.0 / 600.0)).abs() < 1e-9,
        "lb {old}"
    );
    assert!((new - 200.0 * 149.0 / 600.0).abs() < 1e-9, "lb-b {new}");
    let View::Dns(rows) = view(&sim, Query::Dns) else {
        panic!("dns")
    };
    assert_eq!(rows[0].target, "lb-b");
    assert_eq!(rows[0].settled_at, Some(Dur(changed_at.ms() + 600_000)));
    // One TTL after the change every client has moved.
    sim.advance(Dur::from_mins(8));
    assert_eq!(rps_of(&sim, "lb"), 0.0);
    assert!((rps_of(&sim, "lb-b") - 200.0).abs() < 1e-6);
}

#[test]
fn a_cut_ttl_applies_only_after_the_old_ttl_has_expired() {
    // TTL 10 min cut to 60 s at t0; a move 4 min later still waits for answers cached with
    // 10 min: they expire over the 6 min left, so 3 min after the move half the clients
    // (1 - 3/6) remain on lb.
    let mut sim = Sim::new(&estate(200.0, ""), 1);
    run(&mut sim, "dns set www lb ttl 60s");
    let cut = Dur(sim.now().ms() - 30_000);
    sim.advance(Dur(cut.ms() + 240_000 - sim.now().ms()));
    let moved = sim.now();
    run(&mut sim, "dns set www lb-b");
    sim.advance(Dur(moved.ms() + 180_000 - sim.now().ms()));
    // The status shows the last tick's routing, one second earlier: 200 × (1 - 179/360).
    let expected = 200.0 * (1.0 - 179.0 / 360.0);
    assert!(
        (rps_of(&sim, "lb") - expected).abs() < 1e-9,
        "{}",
        rps_of(&sim, "lb")
    );
}

#[test]
fn the_autoscaler_reaches_the_size_target_tracking_asks_for() {
    // 180 req/s over 2 c5.xlarge at 40 ms: 90 req/s × 0.040 s = 3.6 of 4 cores, 90% CPU.
    // Target 50%: desired = ceil(2 × 0.9 / 0.5) = ceil(3.6) = 4. The policy looks on the
    // minute, launches 2 (90 s launch + 30 s start + health checks), and then holds:
    // 4 × 45% → ceil(4 × 0.45 / 0.5) = ceil(3.6) = 4, and scale-in, which aims at 90% of the
    // target, asks ceil(4 × 0.45 / 0.45) = 4 too.
    let mut sim = Sim::new(&estate(180.0, GROUP), 1);
    sim.advance(Dur::from_secs(61));
    let View::Groups(g) = view(&sim, Query::Groups) else {
        panic!("groups")
    };
    assert_eq!(g[0].desired, 4);
    assert_eq!(g[0].instances, 4);
    assert!((g[0].last_cpu_pct.expect("evaluated") - 90.0).abs() < 0.5);
    sim.advance(Dur::from_mins(10));
    let View::Groups(g) = view(&sim, Query::Groups) else {
        panic!("groups")
    };
    assert_eq!((g[0].instances, g[0].in_service, g[0].desired), (4, 4, 4));
    assert!((g[0].last_cpu_pct.expect("evaluated") - 45.0).abs() < 0.5);
    // The new instances were spread over the group's zones: a has web-1, b web-2.
    let names = sim.names();
    assert!(names.contains(&"web-3".to_owned()) && names.contains(&"web-4".to_owned()));
}

#[test]
fn an_autoscaling_group_never_exceeds_its_max() {
    // 400 req/s needs 8 instances at 50%; max 3 caps it at 3 (and leaves them saturated).
    let mut sim = Sim::new(&estate(400.0, GROUP), 1);
    run(&mut sim, "asg set web-asg max 3");
    sim.advance(Dur::from_mins(10));
    let View::Groups(g) = view(&sim, Query::Groups) else {
        panic!("groups")
    };
    assert_eq!(g[0].instances, 3);
    // Raising min launches at once, without waiting for the policy.
    run(&mut sim, "asg set web-asg min 8 max 8");
    let View::Groups(g) = view(&sim, Query::Groups) else {
        panic!("groups")
    };
    assert_eq!(g[0].instances, 8);
}

/// The shipped migration on seed 1 (TTL 2 h).
fn migration() -> scenarios::Scenario {
    let text = include_str!("../../../content/cloud/dc-exit-cutover.ron");
    scenarios::load_variant("dc-exit-cutover.ron", text, 1)
        .expect("loads")
        .0
}

fn start_copy(sim: &mut Sim) {
    for line in [
        "provision db-c1",
        "provision app-c1",
        "provision alb-c1",
        "wait 2m",
        "replicate db-c1",
    ] {
        run(sim, line);
    }
}

/// The `verify` screen of a replica.
fn verify(sim: &Sim, host: &str) -> engine::VerifyView {
    match view(sim, Query::Verify { host: host.into() }) {
        View::Verify(v) => v,
        other => panic!("{other:?}"),
    }
}

#[test]
fn promoting_a_replica_before_it_catches_up_loses_the_writes_it_lacks() {
    let mut sim = Sim::new(&migration(), 1);
    start_copy(&mut sim);
    // The copy of 300 GB at 540 GB/h takes 33 min 20 s; promotion is refused meanwhile.
    run(&mut sim, "wait 20m");
    assert!(sim.execute("promote db-c1").is_err());
    run(&mut sim, "wait 15m");
    let v = verify(&sim, "db-c1");
    assert_eq!(v.state, "catching up");
    let missing = v.missing_writes.expect("a copy exists");
    assert!(missing > 10_000.0, "{missing}");
    run(&mut sim, "promote db-c1");
    let lost = sim.record().totals.writes_lost;
    // Lost = the replay backlog at that moment (the view adds the usual 1 s of lag on top).
    assert!(
        (lost - missing).abs() < 100.0,
        "lost {lost}, verify said {missing}"
    );
}

#[test]
fn a_caught_up_replica_is_promoted_without_loss() {
    let mut sim = Sim::new(&migration(), 1);
    start_copy(&mut sim);
    run(&mut sim, "wait 50m");
    let v = verify(&sim, "db-c1");
    assert_eq!(v.state, "in sync");
    run(&mut sim, "promote db-c1");
    assert_eq!(sim.record().totals.writes_lost, 0.0);
}

#[test]
fn decommissioning_the_old_site_while_cached_answers_point_at_it_drops_those_clients() {
    let mut sim = Sim::new(&migration(), 1);
    start_copy(&mut sim);
    run(&mut sim, "wait 50m");
    run(&mut sim, "promote db-c1");
    run(&mut sim, "wait 2m");
    // TTL still 2 h: moving users now leaves nearly all of them on the colo for a long time.
    run(&mut sim, "dns set shop.example.com lb-cloud");
    run(&mut sim, "wait 1m");
    assert!(rps_of(&sim, "lb-dc") > 100.0);
    let before = sim.record().totals;
    let r = sim.execute("decommission lb-1").expect("accepted");
    let engine::Response::Done(_) = r else {
        panic!("done")
    };
    assert!(
        sim.record()
            .commands
            .last()
            .expect("recorded")
            .harm
            .is_some(),
        "decommissioning a load balancer users still reach is harmful"
    );
    run(&mut sim, "wait 5m");
    let after = sim.record().totals;
    let failed = (after.requests - after.good) - (before.requests - before.good);
    // Nearly all of ~150 req/s for 5.5 min, less the few clients already moved.
    assert!(failed > 30_000.0, "{failed}");
}
