//! Candidate-authored alert rules on a small estate: when they fire, to the tick, what they
//! refuse, burn-rate windows, and the latency creep fault.

use engine::{AlertFiring, CommandClass, Response, Sim, View};
use scenarios::{Dur, load_str};

/// lb-1 -> app-1..2 -> db-1 / db-2, plus spare-1 running nothing; `faults` spliced in.
fn estate(faults: &str) -> scenarios::Scenario {
    let text = format!(
        r#"(
    id: "t", title: "test estate", kind: Monitoring, level: Mid, briefing: "test", start: "10:00",
    tick: "1s", time_limit: "3h",
    topology: (
        sites: [(id: "dc", kind: Datacenter, zones: ["a"])],
        hosts: [
            (id: "lb-1", zone: "a", cores: 4, memory_gb: 8, disk_gb: 50),
            (id: "app-1", zone: "a", cores: 8, memory_gb: 16, disk_gb: 100),
            (id: "app-2", zone: "a", cores: 8, memory_gb: 16, disk_gb: 100),
            (id: "db-1", zone: "a", cores: 16, memory_gb: 64, disk_gb: 100, disk_used_gb: 50),
            (id: "db-2", zone: "a", cores: 16, memory_gb: 64, disk_gb: 100, disk_used_gb: 50),
            (id: "spare-1", zone: "a", cores: 4, memory_gb: 8, disk_gb: 50),
        ],
        services: [
            (id: "lb", kind: LoadBalancer, hosts: ["lb-1"], ms_per_request: 0.05, workers: 4096,
             memory_mb: 512, max_connections: 50000, calls: [(service: "app")],
             health_check: (interval: "5s", unhealthy_after: 3)),
            (id: "app", kind: App, hosts: ["app-1", "app-2"], version: "1.0", ms_per_request: 20,
             workers: 64, memory_mb: 2048, max_connections: 2000, calls: [(service: "db", per_request: 2)]),
            (id: "db", kind: Database, hosts: ["db-1", "db-2"], ms_per_request: 2, memory_mb: 8192,
             max_connections: 500, start_time: "30s", replica_lag: "10s"),
        ],
    ),
    traffic: (entry: "lb", base_rps: 200),
    faults: [{faults}],
    slo: (availability: 0.999, latency_p99_ms: 500),
    rubric: (kpis: [(kpi: AlertNoise, weight: 1, target: 0, zero: 5)]),
    reference: [(at: "0s", command: "status")],
)"#
    );
    load_str("inline.ron", &text).unwrap_or_else(|e| panic!("{e}"))
}

fn firings(sim: &Sim, rule: &str) -> Vec<AlertFiring> {
    sim.record()
        .alerts
        .into_iter()
        .filter(|a| a.rule == rule)
        .collect()
}

#[test]
fn alert_with_for_5m_fires_five_minutes_after_the_crossing_to_the_tick() {
    // app-1 crashes at 10m: from that tick its CPU reads 0, so `cpu < 1` holds from t = 600 s.
    // evaluate_alerts sees the crossing in the same tick, marks it pending at 600 s and fires
    // when now - 600 s >= 5 min, at the tick of t = 900 s exactly; never at 899 s.
    let mut sim = Sim::new(&estate(r#"(at: "10m", kind: HostCrash(host: "app-1"))"#), 1);
    let r = sim
        .execute(r#"alert add "cpu < 1 for 5m" on app-1 as App1Down"#)
        .expect("rule accepted");
    assert_eq!(
        r,
        Response::Done("alert App1Down added: pages when app-1 cpu < 1% for 5m".into())
    );
    // `now` is the time of the next tick to run: ticks up to 899 s have run when it reads 900 s.
    sim.advance(Dur(900_000 - sim.now().ms()));
    assert!(firings(&sim, "App1Down").is_empty(), "fired early");
    sim.advance(Dur::from_secs(1));
    let fired = firings(&sim, "App1Down");
    assert_eq!(fired.len(), 1);
    assert_eq!(fired[0].fired_at, Dur::from_secs(900));
    assert!(fired[0].by_candidate);
    assert_eq!(fired[0].condition, "app-1 cpu < 1% for 5m");
}

#[test]
fn candidate_rules_cost_a_minute_and_are_configuration_not_actions() {
    let mut sim = Sim::new(&estate(""), 1);
    let before = sim.now();
    sim.execute(r#"alert add "p99 > 300ms for 5m" on lb"#)
        .expect("accepted");
    assert_eq!(sim.now().ms() - before.ms(), 60_000);
    let rec = sim.record();
    let c = rec.commands.last().expect("recorded");
    assert_eq!(c.class, CommandClass::Configure);
    assert_eq!(c.targets, vec!["lb".to_owned()]);
    // A second unnamed rule on the same target and metric gets a numbered name.
    match sim.execute(r#"alert add "p99 > 450 for 1m" on lb"#) {
        Ok(Response::Done(m)) => assert!(m.starts_with("alert lb-p99-2 added"), "{m}"),
        other => panic!("{other:?}"),
    }
    match sim.execute("alert list") {
        Ok(Response::View(v)) => match *v {
            View::Alerts(rows) => {
                let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
                assert_eq!(names, ["lb-p99", "lb-p99-2"]);
                assert!(rows.iter().all(|r| r.by_candidate));
            }
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
}

#[test]
fn rules_that_can_never_fire_are_refused_and_change_nothing() {
    let mut sim = Sim::new(&estate(""), 1);
    let at = sim.now();
    for (line, says) in [
        (r#"alert add "cpu > 100" on app-1"#, "percentage"),
        (r#"alert add "errors > 120% for 1m" on lb"#, "percentage"),
        (r#"alert add "p99 > 300ms" on spare-1"#, "runs no service"),
        (r#"alert add "burn(1h) > 5" on spare-1"#, "runs no service"),
        (r#"alert add "rps < 0" on lb"#, "never below 0"),
        (r#"alert add "burn(1h) > 1000" on lb"#, "at most 1000 times"),
        (r#"alert add "burn(10s) > 2" on lb"#, "burn window"),
        (
            r#"alert add "p99 > 300 for 4h" on lb"#,
            "longer than this whole scenario",
        ),
        (r#"alert add "p99 > 300" on a"#, "is a zone"),
    ] {
        let e = sim.execute(line).expect_err(line);
        assert!(e.message.contains(says), "{line}: {}", e.message);
    }
    assert_eq!(sim.now(), at);
    assert!(sim.record().commands.is_empty());
    // A host with no service still reports cpu, memory and disk.
    assert!(sim.execute(r#"alert add "disk > 80%" on spare-1"#).is_ok());
}

#[test]
fn deleting_a_firing_rule_closes_its_page() {
    let mut sim = Sim::new(&estate(r#"(at: "1m", kind: HostCrash(host: "app-2"))"#), 1);
    sim.execute(r#"alert add "cpu < 1" on app-2 as Down"#)
        .expect("accepted");
    sim.advance(Dur::from_mins(2));
    assert_eq!(firings(&sim, "Down")[0].resolved_at, None);
    sim.execute("alert del Down").expect("deleted");
    let f = &firings(&sim, "Down")[0];
    assert!(f.resolved_at.is_some());
    let e = sim.execute("alert del Down").expect_err("already gone");
    assert!(e.message.contains("no alert rule is called `Down`"));
}

#[test]
fn burn_rate_rule_fires_when_the_window_average_passes_the_threshold() {
    // app fails 2% of requests from 20m: a burn of 0.02 / 0.001 = 20. The hour before the
    // release was clean, so the 1 h average passes 14.4 once 14.4 / 20 x 60 = 43.2 min of the
    // window are bad: at about 20 + 43.2 = 63.2 min, then `for 2m`: ~65.2 min.
    let mut sim = Sim::new(
        &estate(
            r#"(at: "20m", kind: BadDeploy(service: "app", version: "1.1", error_rate: 0.02))"#,
        ),
        1,
    );
    sim.execute(r#"alert add "burn(1h) > 14.4 for 2m" on lb as FastBurn"#)
        .expect("accepted");
    sim.advance(Dur::from_mins(90));
    let f = firings(&sim, "FastBurn");
    assert_eq!(f.len(), 1, "{f:?}");
    let at = f[0].fired_at.secs_f64() / 60.0;
    assert!((at - 65.2).abs() < 0.3, "fired at {at} min");
    assert!(f[0].burn);
}

#[test]
fn latency_creep_grows_cpu_per_request_linearly_and_rollback_ends_it() {
    // 60% an hour from 10m: after 1 h, each request needs 1.6x the CPU, so the app tier's CPU,
    // at a steady 200 req/s, reads 1.6x its value before the creep.
    let mut sim = Sim::new(
        &estate(
            r#"(at: "10m", kind: LatencyCreep(service: "app", percent_per_hour: 60, version: Some("1.1")))"#,
        ),
        1,
    );
    let cpu = |sim: &Sim| match sim.observe(&engine::Query::Describe {
        target: "app-1".into(),
    }) {
        Ok(View::Host(h)) => h.row.cpu_pct,
        other => panic!("{other:?}"),
    };
    sim.advance(Dur::from_mins(9));
    let before = cpu(&sim);
    sim.advance(Dur::from_mins(61));
    let ratio = cpu(&sim) / before;
    assert!((ratio - 1.6).abs() < 0.02, "cpu grew {ratio}x");
    sim.execute("rollback app")
        .expect("there is a version to go back to");
    sim.advance(Dur::from_mins(5));
    let back = cpu(&sim) / before;
    assert!((back - 1.0).abs() < 0.02, "after rollback {back}x");
}
