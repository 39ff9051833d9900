//! Storage and disaster recovery, pinned against hand-computed values: restore and verify take
//! retrieval + size ÷ throughput, a restore loses write rate × (now − backup point), a volume's
//! I/O queues as M/M/1 at its IOPS limit, and the data-destroying faults.

use engine::{BackupsView, Response, Sim, View};
use scenarios::{Dur, load_str};

/// lb-1 (dc-b) -> app-1 (dc-a), app-2 (dc-b) -> db (db-1 primary in dc-a, db-2 replica in dc-b).
/// 100 req/s, flat and noiseless, 10% writes: the database takes exactly 10 writes a second.
fn estate(faults: &str, storage: &str) -> scenarios::Scenario {
    let text = format!(
        r#"(
    id: "t", title: "test estate", kind: DisasterRecovery, level: Mid, briefing: "test", start: "10:00",
    tick: "1s", time_limit: "3h",
    topology: (
        sites: [
            (id: "dc-a", kind: Datacenter, zones: ["a"]),
            (id: "dc-b", kind: Datacenter, zones: ["b"]),
        ],
        links: [(from: "a", to: "b", latency_ms: 0.5)],
        hosts: [
            (id: "lb-1", zone: "b", cores: 4, memory_gb: 8, disk_gb: 50),
            (id: "app-1", zone: "a", cores: 8, memory_gb: 16, disk_gb: 100),
            (id: "app-2", zone: "b", cores: 8, memory_gb: 16, disk_gb: 100),
            (id: "db-1", zone: "a", cores: 16, memory_gb: 64, disk_gb: 500, disk_used_gb: 100),
            (id: "db-2", zone: "b", cores: 16, memory_gb: 64, disk_gb: 500, disk_used_gb: 100),
        ],
        services: [
            (id: "lb", kind: LoadBalancer, hosts: ["lb-1"], ms_per_request: 0.05, workers: 4096,
             memory_mb: 512, max_connections: 50000, calls: [(service: "app")],
             health_check: (interval: "5s", unhealthy_after: 3)),
            (id: "app", kind: App, hosts: ["app-1", "app-2"], ms_per_request: 10,
             workers: 64, memory_mb: 2048, max_connections: 2000, calls: [(service: "db", per_request: 2)]),
            (id: "db", kind: Database, hosts: ["db-1", "db-2"], ms_per_request: 2, memory_mb: 8192,
             max_connections: 500, start_time: "30s", replica_lag: "10s"),
        ],
    ),
    traffic: (entry: "lb", base_rps: 100, write_fraction: 0.1),
    faults: [{faults}],
    slo: (availability: 0.999, latency_p99_ms: 500),
    rubric: (kpis: [(kpi: DataLoss, weight: 1, target: 0, zero: 100)]),
    reference: [(at: "0s", command: "status")],
    storage: Some(({storage})),
)"#
    );
    load_str("inline.ron", &text).unwrap_or_else(|e| panic!("{e}"))
}

/// A same-site location at 200 MB/s, an offsite one at 100 MB/s with a 10-minute recall, and
/// backups: b1 (100 GB, 1 h old, same site), bad (100 GB, 2 h old, corrupt), vault (50 GB,
/// offsite, 3 h old).
const CATALOGUE: &str = r#"
    locations: [
        (id: "nas", kind: SameSite, site: Some("dc-a"), mb_per_s: Some(200.0)),
        (id: "vault", kind: Offsite, mb_per_s: Some(100.0), lead_time: "10m"),
    ],
    backups: [
        (id: "b1", target: "db", location: "nas", age: "1h", size_gb: 100.0),
        (id: "bad", target: "db", location: "nas", age: "2h", size_gb: 100.0, corrupt: true),
        (id: "v1", target: "db", location: "vault", age: "3h", size_gb: 50.0),
    ],
"#;

/// The estate after a `DROP TABLE` that fails `share` of the database's requests.
fn dropped(share: f64) -> scenarios::Scenario {
    estate(
        &format!(
            r#"(at: "0s", kind: DataCorruption(service: "db", share: {share}, what: "DROP TABLE t"))"#
        ),
        CATALOGUE,
    )
}

fn success(sim: &Sim) -> f64 {
    match sim.observe(&engine::Query::Status) {
        Ok(View::Status(s)) => s.success_pct,
        other => panic!("{other:?}"),
    }
}

fn backups(sim: &Sim) -> BackupsView {
    match sim.observe(&engine::Query::Backups { target: None }) {
        Ok(View::Backups(b)) => b,
        other => panic!("{other:?}"),
    }
}

/// When the first event containing `text` happened, in ms.
fn event_at(sim: &Sim, text: &str) -> u64 {
    sim.record()
        .events
        .iter()
        .find(|e| e.text.contains(text))
        .unwrap_or_else(|| panic!("no event with {text:?}"))
        .at
        .ms()
}

#[test]
fn restore_takes_size_over_throughput_and_loses_the_writes_since_the_backup_point() {
    let mut sim = Sim::new(&dropped(0.5), 1);
    sim.advance(Dur::from_secs(599));
    let t0 = sim.now().ms();
    assert_eq!(t0, 600_000);
    let Response::Done(msg) = sim.execute("restore db from b1").unwrap() else {
        panic!()
    };
    // 100 GB = 102,400 MB at 200 MB/s: 512 s exactly.
    assert!(msg.contains("about 8m32s"), "{msg}");
    assert_eq!(
        engine::transfer_time(100.0, 200.0, Dur::ZERO),
        Dur::from_secs(512)
    );
    sim.advance(Dur::from_secs(400));
    assert!(
        success(&sim) < 0.1,
        "the database is down during the restore"
    );
    sim.advance(Dur::from_mins(10));
    assert_eq!(
        event_at(&sim, "restore of db from backup b1 is complete"),
        t0 + 512_000
    );
    assert!(success(&sim) > 99.9, "the dropped table is back");
    // Writes lost = write rate x (now - backup point) = 10/s x (600 s + 3,600 s) = 42,000.
    // The dropped table failed half the database's requests, so requests failed
    // 1 - 0.5^2 = 75% at the entry from t = 0: acknowledged writes ran at 2.5/s for those
    // 600 s. The model counts the writes actually acknowledged: 10 x 3,600 + 2.5 x 600.
    let lost = sim.record().totals.writes_lost;
    assert!((lost - 37_500.0).abs() <= 60.0, "{lost}");
}

#[test]
fn a_restore_at_a_steady_rate_loses_rate_times_the_time_since_the_point() {
    let mut sim = Sim::new(&estate("", CATALOGUE), 1);
    sim.advance(Dur::from_secs(299));
    assert_eq!(sim.now(), Dur::from_secs(300));
    let applied = sim.apply(&engine::Action::Restore {
        target: "db".into(),
        backup: "b1".into(),
    });
    let harm = applied
        .unwrap()
        .harm
        .expect("restoring a healthy database is harmful");
    assert!(harm.contains("healthy"), "{harm}");
    sim.advance(Dur::from_mins(10));
    // 10 writes/s x (300 s + 3,600 s) = 39,000.
    let lost = sim.record().totals.writes_lost;
    assert!((lost - 39_000.0).abs() <= 10.0, "{lost}");
}

#[test]
fn verify_takes_retrieval_plus_size_over_throughput_and_reveals_corruption() {
    let mut sim = Sim::new(&estate("", CATALOGUE), 1);
    let t0 = sim.now().ms();
    sim.execute("backup verify v1").unwrap();
    let t1 = sim.now().ms();
    sim.execute("backup verify bad").unwrap();
    sim.advance(Dur::from_mins(30));
    // v1: 10 min recall + 50 GB (51,200 MB) at 100 MB/s = 600 + 512 = 1,112 s.
    assert_eq!(event_at(&sim, "backup v1 of db verified"), t0 + 1_112_000);
    // bad: 102,400 MB at 200 MB/s = 512 s.
    assert_eq!(event_at(&sim, "backup bad of db is CORRUPT"), t1 + 512_000);
    let b = backups(&sim);
    let verified = |id: &str| {
        b.backups
            .iter()
            .find(|r| r.id == id)
            .unwrap()
            .verified
            .clone()
    };
    assert_eq!(verified("v1"), "yes");
    assert_eq!(verified("bad"), "CORRUPT");
    assert_eq!(verified("b1"), "no");
    let err = sim.execute("restore db from bad").unwrap_err();
    assert!(err.message.contains("failed verification"), "{err}");
}

#[test]
fn restoring_a_corrupt_backup_fails_at_the_end_and_leaves_the_database_as_it_was() {
    let mut sim = Sim::new(&dropped(0.2), 1);
    sim.advance(Dur::from_mins(1));
    // Two database calls a request, each failing 20%: 0.8^2 = 64% succeed.
    assert!((success(&sim) - 64.0).abs() < 0.5, "{}", success(&sim));
    sim.execute("restore db from bad").unwrap();
    sim.advance(Dur::from_secs(600));
    assert!(event_at(&sim, "FAILED") > 0);
    assert_eq!(sim.record().totals.writes_lost, 0.0);
    assert!(
        (success(&sim) - 64.0).abs() < 0.5,
        "still damaged: {}",
        success(&sim)
    );
}

#[test]
fn failing_over_does_not_undo_a_destructive_change() {
    let mut sim = Sim::new(&dropped(0.2), 1);
    sim.execute("replica promote db-2").unwrap();
    sim.advance(Dur::from_mins(2));
    assert!((success(&sim) - 64.0).abs() < 0.5, "{}", success(&sim));
}

#[test]
fn a_lost_site_takes_its_hosts_and_backups_and_promoting_the_far_replica_loses_its_lag() {
    let mut sim = Sim::new(
        &estate(r#"(at: "1m", kind: SiteLoss(site: "dc-a"))"#, CATALOGUE),
        1,
    );
    sim.advance(Dur::from_mins(2));
    assert!(success(&sim) < 1.0);
    let err = sim.execute("reboot db-1").unwrap_err();
    assert!(err.message.contains("lost"), "{err}");
    let err = sim.execute("restore db from b1").unwrap_err();
    assert!(err.message.contains("unavailable"), "{err}");
    sim.execute("replica promote db-2").unwrap();
    sim.advance(Dur::from_mins(1));
    // 10 s of lag x 10 writes/s.
    assert_eq!(sim.record().totals.writes_lost, 100.0);
    assert!(success(&sim) > 99.0, "{}", success(&sim));
    let b = backups(&sim);
    assert!(b.locations[0].state.starts_with("LOST"), "{b:?}");
}

#[test]
fn a_lost_volume_cannot_be_restarted_but_a_restore_brings_it_back() {
    let mut sim = Sim::new(
        &estate(
            r#"(at: "0s", kind: VolumeLoss(host: "db-1")), (at: "0s", kind: VolumeLoss(host: "db-2"))"#,
            CATALOGUE,
        ),
        1,
    );
    let err = sim.execute("restart db-1").unwrap_err();
    assert!(err.message.contains("volume is lost"), "{err}");
    sim.execute("restore db-1 from v1").unwrap();
    // 600 s recall + 512 s copy + 30 s start.
    sim.advance(Dur::from_secs(1_200));
    assert!(success(&sim) > 99.9, "{}", success(&sim));
}

#[test]
fn data_never_restored_is_charged_at_the_end_from_the_newest_surviving_backup() {
    let mut sim = Sim::new(
        &estate(
            r#"(at: "0s", kind: VolumeLoss(host: "db-1")), (at: "0s", kind: VolumeLoss(host: "db-2")),
               (at: "0s", kind: BackupsLost(location: "nas"))"#,
            CATALOGUE,
        ),
        1,
    );
    sim.finish();
    // The newest surviving backup is v1, 3 h before the start; the volumes went at once, so
    // 10 writes/s x 10,800 s were lost (plus the first tick's 10).
    let lost = sim.record().totals.writes_lost;
    assert!((lost - 108_010.0).abs() <= 10.0, "{lost}");
}

#[test]
fn volume_io_queues_at_its_iops_limit() {
    let storage = |iops: f64| {
        format!(r#"volumes: [(host: "db-1", iops: {iops}, io_per_request: 1.0)], {CATALOGUE}"#)
    };
    // The first second from one minute on at which the database takes all 200 I/O a second:
    // near its limit the database's latency and its callers' concurrency chase each other from
    // tick to tick, so not every second sees the full load.
    let p99 = |iops: f64| {
        let mut sim = Sim::new(&estate("", &storage(iops)), 1);
        sim.advance(Dur(Dur::from_mins(1).ms() - sim.now().ms()));
        loop {
            let View::Host(h) = sim
                .observe(&engine::Query::Describe {
                    target: "db-1".into(),
                })
                .unwrap()
            else {
                panic!()
            };
            let v = h.volume.unwrap();
            if (v.iops_now - 200.0).abs() < 1e-6 || sim.now() >= Dur::from_mins(2) {
                return (v.iops_now, v.io_wait_ms.unwrap(), h.row.p99_ms);
            }
            sim.advance(Dur::from_secs(1));
        }
    };
    // 100 req/s x 2 calls = 200 I/O per second. M/M/1 at 1,000 IOPS: 1/(1000 - 200) s = 1.25 ms.
    let (iops_now, wait, fast) = p99(1_000.0);
    assert!((iops_now - 200.0).abs() < 1e-6, "{iops_now}");
    assert!((wait - 1.25).abs() < 1e-9, "{wait}");
    // At 210 IOPS (95% busy) an I/O takes 1/(210 - 200) s = 100 ms, and the database's p99
    // grows with it.
    let (_, wait, slow) = p99(210.0);
    assert!((wait - 100.0).abs() < 1e-6, "{wait}");
    assert!(slow > fast + 300.0, "{fast} -> {slow}");
}

#[test]
fn backups_taken_now_and_on_a_schedule_capture_their_point() {
    let mut sim = Sim::new(&estate("", CATALOGUE), 1);
    sim.execute("backup schedule db every 10m to nas").unwrap();
    sim.execute("backup create db-2 to vault").unwrap();
    // 100 GB at 100 MB/s: 1,024 s to write; no recall for writing.
    sim.advance(Dur::from_mins(25));
    let b = backups(&sim);
    assert_eq!(b.backups.len(), 3 + 1 + 2, "{b:?}");
    assert!(
        b.backups
            .iter()
            .all(|r| r.state == "ready" || r.state.starts_with("writing"))
    );
    assert_eq!(b.schedules.len(), 1);
    let err = sim.execute("backup verify nope").unwrap_err();
    assert!(err.message.contains("no backup"), "{err}");
}
