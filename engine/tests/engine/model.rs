//! The model's behaviour, one fault or action at a time, on a small estate written inline.

use engine::{CommandClass, Response, Sim, View};
use scenarios::{Dur, load_str};

/// lb-1 -> app-1..3 -> db-1 (primary) / db-2 (replica), zones a and b, with `faults` spliced in.
fn estate(faults: &str) -> scenarios::Scenario {
    let text = format!(
        r#"(
    id: "t", title: "test estate", kind: Outage, level: Mid, briefing: "test", start: "10:00",
    tick: "1s", time_limit: "1h",
    topology: (
        sites: [(id: "dc", kind: Datacenter, zones: ["a", "b"])],
        links: [(from: "a", to: "b", latency_ms: 0.5)],
        hosts: [
            (id: "lb-1", zone: "a", cores: 4, memory_gb: 8, disk_gb: 50),
            (id: "app-1", zone: "a", cores: 8, memory_gb: 16, disk_gb: 100),
            (id: "app-2", zone: "a", cores: 8, memory_gb: 16, disk_gb: 100),
            (id: "app-3", zone: "b", cores: 8, memory_gb: 16, disk_gb: 100),
            (id: "db-1", zone: "a", cores: 16, memory_gb: 64, disk_gb: 100, disk_used_gb: 50),
            (id: "db-2", zone: "b", cores: 16, memory_gb: 64, disk_gb: 100, disk_used_gb: 50),
        ],
        services: [
            (id: "lb", kind: LoadBalancer, hosts: ["lb-1"], ms_per_request: 0.05, workers: 4096,
             memory_mb: 512, max_connections: 50000, calls: [(service: "app")],
             health_check: (interval: "5s", unhealthy_after: 3)),
            (id: "app", kind: App, hosts: ["app-1", "app-2", "app-3"], version: "1.0", ms_per_request: 20,
             workers: 64, memory_mb: 2048, max_connections: 2000, calls: [(service: "db", per_request: 2)],
             scaling: (max_instances: 6, provision_time: "2m")),
            (id: "db", kind: Database, hosts: ["db-1", "db-2"], ms_per_request: 2, memory_mb: 8192,
             max_connections: 500, start_time: "30s", replica_lag: "10s"),
        ],
    ),
    traffic: (entry: "lb", base_rps: 300, write_fraction: 0.2),
    faults: [{faults}],
    slo: (availability: 0.999, latency_p99_ms: 500),
    rubric: (kpis: [(kpi: Availability, weight: 1, target: 1, zero: 100)]),
    reference: [(at: "0s", command: "status")],
)"#
    );
    load_str("inline.ron", &text).unwrap_or_else(|e| panic!("{e}"))
}

fn status(sim: &Sim) -> engine::StatusView {
    match sim.observe(&engine::Query::Status) {
        Ok(View::Status(s)) => s,
        other => panic!("{other:?}"),
    }
}

fn host(sim: &Sim, name: &str) -> engine::HostView {
    match sim.observe(&engine::Query::Describe {
        target: name.into(),
    }) {
        Ok(View::Host(h)) => h,
        other => panic!("{other:?}"),
    }
}

#[test]
fn healthy_estate_serves_everything_within_slo() {
    let mut sim = Sim::new(&estate(""), 1);
    sim.advance(Dur::from_mins(10));
    let s = status(&sim);
    assert!(s.success_pct > 99.99, "{s:?}");
    assert!(s.p99_ms > 20.0 && s.p99_ms < 500.0, "{s:?}");
    assert_eq!(
        sim.record().minutes.iter().filter(|m| !m.healthy).count(),
        0
    );
}

#[test]
fn host_crash_fails_requests_until_the_load_balancer_ejects_it() {
    let mut sim = Sim::new(&estate(r#"(at: "1m", kind: HostCrash(host: "app-2"))"#), 1);
    sim.advance(Dur::from_secs(63));
    assert!(
        status(&sim).success_pct < 80.0,
        "a third of requests go to a dead host"
    );
    sim.advance(Dur::from_secs(30));
    assert!(
        status(&sim).success_pct > 99.9,
        "three failed checks eject it"
    );
    assert_eq!(host(&sim, "app-2").row.state, "down");
}

#[test]
fn reboot_brings_a_crashed_host_back_after_boot_and_start() {
    let mut sim = Sim::new(&estate(r#"(at: "0s", kind: HostCrash(host: "app-2"))"#), 1);
    sim.execute("reboot app-2").unwrap();
    sim.advance(Dur::from_secs(150));
    assert_eq!(host(&sim, "app-2").power, "booting");
    sim.advance(Dur::from_secs(60));
    assert_eq!(host(&sim, "app-2").power, "up");
    assert!(host(&sim, "app-2").row.state.starts_with("running"));
}

#[test]
fn disk_fill_crashes_the_database_until_space_is_freed() {
    let mut sim = Sim::new(
        &estate(r#"(at: "0s", kind: DiskFill(host: "db-1", gb_per_hour: 300, writer: "dumper"))"#),
        1,
    );
    assert!(
        host(&sim, "db-1")
            .disk_full_in_h
            .is_some_and(|h| (h - 50.0 / 300.0).abs() < 0.01)
    );
    sim.advance(Dur::from_mins(11));
    assert!(
        status(&sim).success_pct < 1.0,
        "database down means every request fails"
    );
    sim.execute("kill db-1 dumper").unwrap();
    sim.execute("restart db-1").unwrap();
    sim.advance(Dur::from_mins(2));
    assert!(
        status(&sim).success_pct < 1.0,
        "still no space: the restart crashes again"
    );
    sim.execute("extend-volume db-1 +50G").unwrap();
    sim.advance(Dur::from_mins(3));
    assert!(status(&sim).success_pct > 99.9, "{:?}", status(&sim));
}

#[test]
fn memory_leak_swaps_then_oom_kills_and_the_supervisor_restarts() {
    let mut sim = Sim::new(
        &estate(r#"(at: "0s", kind: MemoryLeak(service: "app", mb_per_min: 500))"#),
        1,
    );
    sim.advance(Dur::from_mins(30));
    let logs: Vec<String> = sim
        .record()
        .events
        .iter()
        .filter(|e| e.subject == "app-1")
        .map(|e| e.text.clone())
        .collect();
    assert!(logs.iter().any(|l| l.contains("Out of memory")), "{logs:?}");
    assert!(
        logs.iter().any(|l| l.contains("scheduled restart")),
        "{logs:?}"
    );
}

#[test]
fn cpu_saturation_raises_latency_by_queueing() {
    let mut calm = Sim::new(&estate(""), 1);
    let mut hog = Sim::new(
        &estate(r#"(at: "0s", kind: CpuSaturation(host: "app-1", cores: 6.5, process: "miner"))"#),
        1,
    );
    calm.advance(Dur::from_mins(2));
    hog.advance(Dur::from_mins(2));
    let (calm, hot) = (host(&calm, "app-1").row, host(&hog, "app-1").row);
    assert!(hot.cpu_pct > 90.0, "{hot:?}");
    assert!(hot.p99_ms > 2.0 * calm.p99_ms, "calm {calm:?} hot {hot:?}");
}

#[test]
fn link_down_partitions_zones_and_ping_shows_it() {
    let mut sim = Sim::new(
        &estate(r#"(at: "1m", kind: LinkDown(from: "a", to: "b"))"#),
        1,
    );
    sim.advance(Dur::from_mins(2));
    match sim.observe(&engine::Query::Ping {
        from: "app-3".into(),
        to: "db-1".into(),
    }) {
        Ok(View::Ping(p)) => assert!(!p.reachable && p.note.unwrap().contains("no route")),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        host(&sim, "app-3").row.state,
        "running (out of pool)",
        "lb-1 cannot reach zone b"
    );
}

#[test]
fn bad_deploy_fails_requests_until_rolled_back() {
    let mut sim = Sim::new(
        &estate(r#"(at: "0s", kind: BadDeploy(service: "app", version: "1.1", error_rate: 0.2))"#),
        1,
    );
    sim.advance(Dur::from_mins(1));
    assert!(status(&sim).success_pct < 85.0);
    match sim.execute("rollback app").unwrap() {
        Response::Done(m) => assert!(m.contains("from 1.1 to 1.0"), "{m}"),
        other => panic!("{other:?}"),
    }
    sim.advance(Dur::from_mins(3));
    assert!(status(&sim).success_pct > 99.9, "{:?}", status(&sim));
}

#[test]
fn restarting_lone_primary_drops_writes_and_is_judged_harmful() {
    let mut sim = Sim::new(&estate(""), 1);
    sim.advance(Dur::from_mins(1));
    sim.execute("restart db-1").unwrap();
    let r = sim.record();
    let cmd = r.commands.last().unwrap();
    assert!(
        cmd.harm
            .as_deref()
            .is_some_and(|h| h.contains("only db primary")),
        "{cmd:?}"
    );
    assert!(r.totals.writes_lost > 0.0);
    assert!(
        status(&sim).success_pct < 1.0,
        "writes and reads fail while it restarts {:?}",
        status(&sim)
    );
}

#[test]
fn failover_of_a_healthy_primary_loses_the_replication_lag() {
    let mut sim = Sim::new(&estate(""), 1);
    sim.advance(Dur::from_mins(1));
    sim.execute("failover db").unwrap();
    let r = sim.record();
    // 300 req/s x 0.2 writes x 10 s of lag, give or take the noise-free daily cycle at 10:00.
    assert!(
        r.totals.writes_lost > 300.0 && r.totals.writes_lost < 900.0,
        "{}",
        r.totals.writes_lost
    );
    assert!(r.commands.last().unwrap().harm.is_some());
    sim.advance(Dur::from_mins(1));
    match sim.observe(&engine::Query::Describe {
        target: "db".into(),
    }) {
        Ok(View::Service(s)) => assert_eq!(s.primary.as_deref(), Some("db-2")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn scale_out_provisions_hosts_that_join_the_pool() {
    let mut sim = Sim::new(&estate(""), 1);
    sim.execute("scale app 5").unwrap();
    sim.advance(Dur::from_mins(4));
    let s = status(&sim);
    let app = s.services.iter().find(|r| r.name == "app").unwrap();
    assert_eq!((app.serving, app.instances), (5, 5));
    assert_eq!(host(&sim, "app-5").row.state, "running");
}

#[test]
fn scale_out_into_a_named_zone_places_the_new_hosts_there() {
    let mut sim = Sim::new(&estate(""), 1);
    sim.execute("scale app 5 in b").unwrap();
    assert_eq!(host(&sim, "app-4").zone, "b");
    assert_eq!(host(&sim, "app-5").zone, "b");
    let err = sim.execute("scale app 6 in c").unwrap_err().to_string();
    assert!(err.contains("no zone `c`"), "{err}");
    assert!(
        sim.execute("scale app 6 on b").is_err(),
        "only `in` introduces a zone"
    );
}

#[test]
fn refused_commands_change_nothing_and_record_nothing() {
    let mut sim = Sim::new(&estate(""), 1);
    let before = sim.now();
    assert!(sim.execute("restart nowhere").is_err());
    assert!(sim.execute("scale db 3").is_err());
    assert!(sim.execute("drain db-1").is_err());
    assert!(sim.execute("rollback app").is_err());
    assert_eq!(sim.now(), before);
    assert!(sim.record().commands.is_empty());
}

#[test]
fn looking_costs_time_and_counts_as_looking_at_the_target() {
    let mut sim = Sim::new(&estate(""), 1);
    sim.execute("describe db-1").unwrap();
    assert_eq!(sim.now(), Dur::from_secs(21));
    let c = &sim.record().commands[0];
    assert_eq!(
        (c.class.clone(), c.targets.clone()),
        (CommandClass::Observe, vec!["db-1".to_owned()])
    );
}

#[test]
fn same_seed_and_commands_give_an_identical_record() {
    let scenario = estate(r#"(at: "2m", kind: HostCrash(host: "app-1"))"#);
    let run = |seed| {
        let mut sim = Sim::new(&scenario, seed);
        for line in [
            "status",
            "wait 3m",
            "reboot app-1",
            "note \"app-1 crashed; rebooting\"",
            "resolve",
        ] {
            sim.execute(line).unwrap();
        }
        format!("{:?}", sim.record())
    };
    assert_eq!(run(7), run(7));
}

#[test]
fn failover_after_a_partition_loses_everything_since_the_cut() {
    let mut sim = Sim::new(
        &estate(r#"(at: "1m", kind: LinkDown(from: "a", to: "b"))"#),
        1,
    );
    sim.advance(Dur::from_mins(6));
    sim.execute("failover db").unwrap_or_else(|e| panic!("{e}"));
    // db-2 in zone b has missed 5 min of writes at ~60/s on top of its 10 s of lag.
    let lost = sim.record().totals.writes_lost;
    assert!(lost > 15_000.0 && lost < 25_000.0, "{lost}");
}
