//! Unit tests of the alert KPIs on hand-built firings: which faults a candidate's alert caught
//! and how fast, and which pages were noise.

use engine::{AlertFiring, FaultRecord};
use scenarios::{Dur, Kpi, Metric};

use crate::tests::{grade_one, run, texts};

/// A firing of `rule` on `target` from minute `at` to minute `until`.
fn page(rule: &str, target: &str, metric: Metric, at: u64, until: Option<u64>) -> AlertFiring {
    AlertFiring {
        rule: rule.into(),
        target: target.into(),
        metric,
        burn: false,
        by_candidate: true,
        condition: format!("{target} {} > 1 for 0s", metric.label()),
        fired_at: Dur::from_mins(at),
        resolved_at: until.map(Dur::from_mins),
        value: 2.0,
    }
}

#[test]
fn noise_counts_pages_before_any_fault_and_flaps() {
    // The shared run has one fault, the disk filling on db-1 at minute 14; a flap is a re-fire
    // within 20 min of clearing. HighCpu fires at 5-6 (no fault yet: noise), 30-32 (fault
    // active, 24 min after clearing: fine), 35-36 (3 min after clearing: a flap), 57-58 (21
    // min after: fine) and 59 (1 min after: a flap). DbDisk fires once at 40.
    // Noise = 1 + 1 + 1 = 3 of 6 pages.
    let mut record = run(vec![]);
    record.alerts = vec![
        page("HighCpu", "app-1", Metric::Cpu, 5, Some(6)),
        page("HighCpu", "app-1", Metric::Cpu, 30, Some(32)),
        page("HighCpu", "app-1", Metric::Cpu, 35, Some(36)),
        page("DbDisk", "db-1", Metric::Disk, 40, None),
        page("HighCpu", "app-1", Metric::Cpu, 57, Some(58)),
        page("HighCpu", "app-1", Metric::Cpu, 59, None),
    ];
    let card = grade_one(Kpi::AlertNoise, 0.0, 6.0, &record);
    let noise = card.kpi(Kpi::AlertNoise).expect("graded");
    assert_eq!(noise.value, 3.0);
    assert_eq!(noise.score, 50.0);
    let lines = texts(&card);
    assert_eq!(lines[0], "6 pages fired in all, 3 of them noise");
    assert!(
        lines[1].contains("paged at 02:05: no fault was active"),
        "{lines:?}"
    );
    assert!(lines[2].contains("flapping: it had cleared only 3 min before"));
    assert!(lines[3].contains("flapping: it had cleared only 1 min before"));
}

#[test]
fn detection_takes_the_first_of_your_alerts_on_what_the_fault_struck() {
    // Fault at 14 on db-1 (struck: db-1, postgres). A scenario rule on db-1 at 16 does not
    // count; your rule on app-1 (not struck, and the test estate has no call graph) does not
    // either; your disk rule on db-1 at 21 does: 7 min.
    let mut record = run(vec![]);
    let mut shipped = page("DiskUsageHigh", "db-1", Metric::Disk, 16, None);
    shipped.by_candidate = false;
    record.alerts = vec![
        shipped,
        page("HighCpu", "app-1", Metric::Cpu, 18, None),
        page("Db1Disk", "db-1", Metric::Disk, 21, None),
    ];
    let card = grade_one(Kpi::AlertDetection, 5.0, 30.0, &record);
    let k = card.kpi(Kpi::AlertDetection).expect("graded");
    assert_eq!(k.value, 7.0);
    // (30 - 7) / (30 - 5) = 92%.
    assert_eq!(k.score, 92.0);
    assert!(texts(&card)[0].contains("your alert Db1Disk"));
}

#[test]
fn an_uncaught_fault_counts_to_the_end_of_the_run() {
    // Fault at 14, run ends at 60: 46 min, and a page before the onset does not count.
    let mut record = run(vec![]);
    record.alerts = vec![page("Db1Disk", "db-1", Metric::Disk, 10, None)];
    let card = grade_one(Kpi::AlertDetection, 5.0, 30.0, &record);
    assert_eq!(card.kpi(Kpi::AlertDetection).expect("graded").value, 46.0);
    assert!(texts(&card)[0].contains("no alert of yours fired on it"));
}

#[test]
fn symptom_alerts_upstream_catch_a_fault_below_them_and_resource_alerts_do_not() {
    use scenarios::{Call, Service, ServiceKind};
    let svc = |id: &str, host: &str, calls: &[&str]| Service {
        id: id.into(),
        kind: ServiceKind::App,
        hosts: vec![host.into()],
        version: "1".into(),
        ms_per_request: 1.0,
        workers: None,
        memory_mb: 1.0,
        max_connections: 1,
        start_time: Dur::from_secs(1),
        calls: calls
            .iter()
            .map(|c| Call {
                service: (*c).into(),
                per_request: 1.0,
            })
            .collect(),
        health_check: None,
        replica_lag: None,
        scaling: None,
        port: None,
        cert: None,
        releases: vec![],
    };
    let mut s = crate::tests::scenario(vec![]);
    s.topology.services = vec![
        svc("lb", "lb-1", &["app"]),
        svc("app", "app-1", &["postgres"]),
        svc("postgres", "db-1", &[]),
    ];
    let fault = FaultRecord {
        at: Dur::from_mins(14),
        what: String::new(),
        kind: "disk filling".into(),
        struck: vec!["db-1".into(), "postgres".into()],
    };
    let fires_on = |a: &AlertFiring| crate::alert_detection::fires_on(&s, a, &fault);
    assert!(fires_on(&page("p", "lb", Metric::P99, 20, None)));
    assert!(fires_on(&page("e", "lb-1", Metric::Errors, 20, None)));
    assert!(!fires_on(&page("c", "lb", Metric::Cpu, 20, None)));
    assert!(fires_on(&page("d", "db-1", Metric::Disk, 20, None)));
    let mut burn = page("b", "app", Metric::Errors, 20, None);
    burn.burn = true;
    assert!(fires_on(&burn));
    let _ = FaultRecord::clone(&fault);
}
