//! The security model on a small estate written inline: firewall verdicts reaching traffic,
//! exposure spans, certificate expiry and renewal, and rolling patches, pinned against values
//! worked out by hand.

use crate::support::success_pct;
use engine::{Sim, View};
use scenarios::{Dur, load_str};

/// lb-1 -> app-1..4 -> db-1 / db-2, one zone, flat 600 req/s without noise, with extra service
/// fields for lb and app, firewall rules and faults spliced in.
fn estate(lb_extra: &str, app_extra: &str, firewall: &str, faults: &str) -> scenarios::Scenario {
    let text = format!(
        r#"(
    id: "t", title: "security test estate", kind: Security, level: Mid, briefing: "test",
    start: "10:00", tick: "1s", time_limit: "1h",
    topology: (
        sites: [(id: "dc", kind: Datacenter, zones: ["a"])],
        hosts: [
            (id: "lb-1", zone: "a", cores: 4, memory_gb: 8, disk_gb: 50),
            (id: "app-1", zone: "a", cores: 4, memory_gb: 16, disk_gb: 100),
            (id: "app-2", zone: "a", cores: 4, memory_gb: 16, disk_gb: 100),
            (id: "app-3", zone: "a", cores: 4, memory_gb: 16, disk_gb: 100),
            (id: "app-4", zone: "a", cores: 4, memory_gb: 16, disk_gb: 100),
            (id: "db-1", zone: "a", cores: 16, memory_gb: 64, disk_gb: 100, disk_used_gb: 50),
            (id: "db-2", zone: "a", cores: 16, memory_gb: 64, disk_gb: 100, disk_used_gb: 50),
        ],
        services: [
            (id: "lb", kind: LoadBalancer, hosts: ["lb-1"], ms_per_request: 0.05, workers: 4096,
             memory_mb: 512, max_connections: 50000, calls: [(service: "app")],
             health_check: (interval: "5s", unhealthy_after: 3){lb_extra}),
            (id: "app", kind: App, hosts: ["app-1", "app-2", "app-3", "app-4"], version: "2.0.0",
             ms_per_request: 10, workers: 64, memory_mb: 2048, max_connections: 2000,
             start_time: "40s", calls: [(service: "db")]{app_extra}),
            (id: "db", kind: Database, hosts: ["db-1", "db-2"], ms_per_request: 2, memory_mb: 8192,
             max_connections: 500, start_time: "30s", replica_lag: "1s"),
        ],
        firewall: [{firewall}],
    ),
    traffic: (entry: "lb", base_rps: 600, write_fraction: 0.1),
    faults: [{faults}],
    slo: (availability: 0.999, latency_p99_ms: 500),
    rubric: (kpis: [(kpi: Availability, weight: 1, target: 1, zero: 100)]),
    reference: [(at: "0s", command: "status")],
)"#
    );
    load_str("inline.ron", &text).unwrap_or_else(|e| panic!("{e}"))
}

const OPEN_LB: &str = r#"(action: Allow, from: "any", port: 443, on: "lb")"#;

/// Runs to simulated time `at` exactly (`Sim::new` has already run the tick at 0 s).
fn advance_to(sim: &mut Sim, at: Dur) {
    sim.advance(Dur(at.ms() - sim.now().ms()));
}

fn cpu_pct(sim: &Sim, host: &str) -> f64 {
    match sim.observe(&engine::Query::Describe {
        target: host.into(),
    }) {
        Ok(View::Host(h)) => h.row.cpu_pct,
        other => panic!("{other:?}"),
    }
}

#[test]
fn exposure_spans_run_from_the_change_to_the_fix() {
    // The change opens 5432 on db-1 at 2m; the rule (number 2, after the entry's) is removed
    // at 7m. Faults fire and the firewall is re-evaluated in the first systems of the tick, so
    // the span is exactly [2m, 7m): 5 minutes.
    let s = estate(
        "",
        "",
        OPEN_LB,
        r#"(at: "2m", kind: PortExposed(on: "db-1", port: 5432))"#,
    );
    let mut sim = Sim::new(&s, 1);
    advance_to(&mut sim, Dur::from_mins(7));
    sim.execute("firewall remove 2").expect("accepted");
    sim.finish();
    let spans = sim.record().exposures;
    assert_eq!(spans.len(), 1, "{spans:?}");
    assert_eq!(spans[0].surface, "db-1:5432");
    assert_eq!(spans[0].from, Dur::from_mins(2));
    assert_eq!(spans[0].to, Some(Dur::from_mins(7)));
}

#[test]
fn denying_any_on_the_database_port_cuts_off_its_callers_but_denying_the_internet_does_not() {
    let s = estate(
        "",
        "",
        OPEN_LB,
        r#"(at: "0s", kind: PortExposed(on: "db", port: 5432))"#,
    );
    // Deny the internet only: the app keeps its database and the exposure closes.
    let mut good = Sim::new(&s, 1);
    let ok = good
        .execute("firewall deny internet 5432 on db")
        .expect("accepted");
    assert!(matches!(ok, engine::Response::Done(_)));
    good.advance(Dur::from_mins(1));
    assert_eq!(success_pct(&good), 100.0);
    assert!(good.record().commands[0].harm.is_none());
    assert!(good.record().exposures.iter().all(|e| e.to.is_some()));

    // Deny `any`: the app's calls to db time out, every request fails, and it is harmful.
    let mut bad = Sim::new(&s, 1);
    bad.execute("firewall deny any 5432 on db")
        .expect("accepted");
    bad.advance(Dur::from_mins(1));
    assert_eq!(success_pct(&bad), 0.0);
    let harm = bad.record().commands[0]
        .harm
        .clone()
        .expect("judged harmful");
    assert!(harm.contains("app-1 -> db-1"), "{harm}");
}

#[test]
fn an_expired_certificate_fails_every_request_until_the_renewal_lands() {
    // Expiry at 5m; renewal ordered at 6m with 2m issuance plus the 5 s reload: in service at
    // 8m05s. The minutes 5..7 serve nothing; from 9m everything succeeds again.
    let s = estate(
        r#", cert: (name: "api.example", expires: "5m", issuance: "2m")"#,
        "",
        "",
        "",
    );
    let mut sim = Sim::new(&s, 1);
    sim.advance(Dur::from_mins(4));
    assert_eq!(success_pct(&sim), 100.0);
    sim.advance(Dur::from_mins(2));
    assert_eq!(success_pct(&sim), 0.0);
    sim.execute("cert renew lb").expect("accepted");
    sim.advance(Dur::from_mins(3));
    assert_eq!(success_pct(&sim), 100.0);
    let record = sim.record();
    let minute = |m: u64| {
        record
            .minutes
            .iter()
            .find(|x| x.at == Dur::from_mins(m))
            .unwrap()
    };
    for m in 5..=7 {
        assert_eq!(minute(m).good, 0.0, "minute {m}");
    }
    assert!(minute(4).healthy && minute(9).healthy);
    assert!(
        record
            .faults
            .iter()
            .any(|f| f.kind == "certificate expired")
    );
}

#[test]
fn a_rolling_patch_leaves_three_quarters_of_the_tier_serving() {
    // 600 req/s over 4 app hosts of 4 cores at 10 ms a request: 150 req/s each, 1.5 cores,
    // 37.5% CPU. With one of N = 4 out, (N - 1) / N = 3/4 of the capacity remains: 200 req/s
    // each on the other three, 2 cores, 50% CPU.
    let s = estate("", r#", releases: ["2.0.1"]"#, "", "");
    let mut sim = Sim::new(&s, 1);
    sim.advance(Dur::from_mins(1));
    assert!((cpu_pct(&sim, "app-2") - 37.5).abs() < 0.5);
    let applied = sim.execute("patch app 2.0.1").expect("accepted");
    let engine::Response::Done(message) = applied else {
        panic!()
    };
    // Each step: 40 s start + 3 health checks of 5 s = 55 s; four steps = 3m40s.
    assert!(message.contains("about 3m40s"), "{message}");
    assert!(sim.record().commands[0].harm.is_none());
    // 30 s in: app-1 restarting, the other three carry the load.
    assert!(
        (cpu_pct(&sim, "app-2") - 50.0).abs() < 0.5,
        "{}",
        cpu_pct(&sim, "app-2")
    );
    sim.advance(Dur::from_mins(5));
    assert_eq!(success_pct(&sim), 100.0);
    match sim.observe(&engine::Query::Describe {
        target: "app".into(),
    }) {
        Ok(View::Service(v)) => assert_eq!(v.row.version, "2.0.1"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn patching_every_instance_at_once_is_judged_harmful() {
    let s = estate("", r#", releases: ["2.0.1"]"#, "", "");
    let mut sim = Sim::new(&s, 1);
    sim.execute("patch app 2.0.1 --batch 4").expect("accepted");
    let harm = sim.record().commands[0].harm.clone().expect("harmful");
    assert!(harm.contains("last serving instance"), "{harm}");
    assert_eq!(success_pct(&sim), 0.0);
}

#[test]
fn a_cve_counts_as_exposure_through_the_load_balancer_until_patched() {
    // Announced at 1m, fixed in 2.0.1; patched one at a time from 3m. Each instance stays
    // exposed until its own restart: app-1 at 3m, app-2 at 3m55s, app-3 at 4m50s, app-4 at
    // 5m45s. The union is [1m, 5m45s).
    let s = estate(
        "",
        "",
        "",
        r#"(at: "1m", kind: CveAnnounced(service: "app", cve: "CVE-2026-0001", severity: High, fixed_in: "2.0.1"))"#,
    );
    let mut sim = Sim::new(&s, 1);
    advance_to(&mut sim, Dur::from_mins(3));
    sim.execute("patch app 2.0.1").expect("accepted");
    sim.finish();
    let spans = sim.record().exposures;
    assert_eq!(spans.len(), 4, "{spans:?}");
    assert!(spans.iter().all(|s| s.from == Dur::from_mins(1)));
    let ends: Vec<u64> = spans.iter().map(|s| s.to.unwrap().ms() / 1_000).collect();
    assert_eq!(ends, vec![180, 235, 290, 345]);
    assert!(spans[0].what.contains("through lb"), "{}", spans[0].what);
}

#[test]
fn patch_refuses_a_version_that_is_not_published() {
    let s = estate("", r#", releases: ["2.0.1"]"#, "", "");
    let mut sim = Sim::new(&s, 1);
    let e = sim.execute("patch app 2.0.2").unwrap_err();
    assert!(e.message.contains("published: 2.0.1"), "{}", e.message);
    assert_eq!(e.suggestion.as_deref(), Some("did you mean `2.0.1`?"));
}

#[test]
fn a_load_balancer_cut_off_from_its_backends_fails_its_health_checks() {
    // Blocking lb-1 from the app port drops both the requests and the health probes: the
    // backends leave the pool (3 failed checks at 5 s) and users get nothing.
    let s = estate("", "", "", "");
    let mut sim = Sim::new(&s, 1);
    sim.execute("firewall deny lb-1 8080 on app")
        .expect("accepted");
    let harm = sim.record().commands[0].harm.clone().expect("harmful");
    assert!(harm.contains("lb-1 -> app-1"), "{harm}");
    sim.advance(Dur::from_mins(1));
    assert_eq!(success_pct(&sim), 0.0);
    match sim.observe(&engine::Query::Describe {
        target: "app-1".into(),
    }) {
        Ok(View::Host(h)) => assert_eq!(h.in_pool, Some(false)),
        other => panic!("{other:?}"),
    }
}
