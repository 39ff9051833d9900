//! Virtualisation, pinned against hand-computed values: live-migration time (memory ÷
//! bandwidth × the pre-copy dirty-page factor), the CPU share of VMs on an overcommitted
//! hypervisor, memory reclamation, maintenance mode, hypervisor failure and HA.

use engine::{Query, Response, Sim, View, cpu_share, memory_factor, plan_migration};
use scenarios::{Dur, load_str};

/// lb-1 -> app-1, app-2 -> db-1 (primary) / db-2 (replica), as VMs on three hypervisors:
/// hv-1 (8 cores): app-1, db-1, batch-1; hv-2 (16 cores): lb-1, app-2, db-2; hv-3: empty.
/// `hv1` and `hv3` are extra fields for those hypervisors; `faults` is spliced in.
fn estate(hv1: &str, hv3: &str, faults: &str) -> scenarios::Scenario {
    let text = format!(
        r#"(
    id: "t", title: "virtual estate", kind: Virtualization, level: Mid, briefing: "test",
    start: "10:00", tick: "1s", time_limit: "1h",
    topology: (
        sites: [(id: "dc", kind: Datacenter, zones: ["a"])],
        hypervisors: [
            (id: "hv-1", zone: "a", cores: 8, {hv1}),
            (id: "hv-2", zone: "a", cores: 16, memory_gb: 64),
            (id: "hv-3", zone: "a", cores: 16, {hv3}),
        ],
        anti_affinity: [(name: "db-apart", hosts: ["db-1", "db-2"])],
        hosts: [
            (id: "lb-1", zone: "a", cores: 2, memory_gb: 4, disk_gb: 50, hypervisor: Some("hv-2")),
            (id: "app-1", zone: "a", cores: 8, memory_gb: 16, disk_gb: 50, hypervisor: Some("hv-1"), boot_time: "1m"),
            (id: "app-2", zone: "a", cores: 8, memory_gb: 16, disk_gb: 50, hypervisor: Some("hv-2")),
            (id: "db-1", zone: "a", cores: 8, memory_gb: 32, disk_gb: 100, hypervisor: Some("hv-1"),
             dirty_mb_per_s: 250, boot_time: "2m"),
            (id: "db-2", zone: "a", cores: 8, memory_gb: 32, disk_gb: 100, hypervisor: Some("hv-2")),
            (id: "batch-1", zone: "a", cores: 8, memory_gb: 8, disk_gb: 50, hypervisor: Some("hv-1")),
        ],
        services: [
            (id: "lb", kind: LoadBalancer, hosts: ["lb-1"], ms_per_request: 0.05, workers: 4096,
             memory_mb: 512, max_connections: 50000, calls: [(service: "app")],
             health_check: (interval: "5s", unhealthy_after: 3)),
            (id: "app", kind: App, hosts: ["app-1", "app-2"], ms_per_request: 20, workers: 64,
             memory_mb: 2048, max_connections: 2000, start_time: "10s",
             calls: [(service: "db", per_request: 2)]),
            (id: "db", kind: Database, hosts: ["db-1", "db-2"], ms_per_request: 2, memory_mb: 8192,
             max_connections: 500, start_time: "30s", replica_lag: "10s"),
        ],
    ),
    traffic: (entry: "lb", base_rps: 300, write_fraction: 0.1),
    faults: [{faults}],
    slo: (availability: 0.999, latency_p99_ms: 500),
    rubric: (kpis: [(kpi: Availability, weight: 1, target: 1, zero: 100)]),
    reference: [(at: "0s", command: "status")],
)"#
    );
    load_str("inline.ron", &text).unwrap_or_else(|e| panic!("{e}"))
}

fn plain() -> scenarios::Scenario {
    estate("memory_gb: 64", "memory_gb: 40", "")
}

fn hv(sim: &Sim, name: &str) -> engine::HypervisorView {
    match sim.observe(&Query::HvShow {
        hypervisor: name.into(),
    }) {
        Ok(View::Hypervisor(h)) => h,
        other => panic!("{other:?}"),
    }
}

fn vm<'a>(view: &'a engine::HypervisorView, name: &str) -> &'a engine::VmRow {
    view.vms
        .iter()
        .find(|v| v.name == name)
        .unwrap_or_else(|| panic!("{name} is not on {}", view.row.name))
}

fn placed_on(sim: &Sim, name: &str) -> String {
    match sim.observe(&Query::Describe {
        target: name.into(),
    }) {
        Ok(View::Host(h)) => h.vm.expect("a VM").split(' ').next().unwrap().to_owned(),
        other => panic!("{other:?}"),
    }
}

fn done(r: Response) -> String {
    match r {
        Response::Done(m) => m,
        other => panic!("{other:?}"),
    }
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

#[test]
fn migration_time_is_memory_over_bandwidth_times_the_dirty_page_factor() {
    // 64 GB at 10 Gbps: 64 x 8 / 10 = 51.2 s per full copy. Dirtying 250 MB/s = 2 Gbps, so
    // r = 2 / 10 = 0.2. Rounds continue while 51.2 x 0.2^n s > 0.3 s: 0.2^3 = 0.008 gives
    // 0.41 s, 0.2^4 = 0.0016 gives 0.082 s, so n = 4.
    // Factor 1 + 0.2 + 0.04 + 0.008 + 0.0016 = 1.2496; total 51.2 x 1.2496 = 63.98 s;
    // stun 51.2 x 0.0016 = 81.92 ms.
    let p = plan_migration(64.0, 10.0, 250.0);
    assert!(close(p.copy_secs, 51.2, 1e-9), "{p:?}");
    assert_eq!(p.rounds, 4);
    assert!(close(p.factor, 1.2496, 1e-9), "{p:?}");
    assert!(close(p.total_secs, 63.979_52, 1e-6), "{p:?}");
    assert!(close(p.stun_ms, 81.92, 1e-6), "{p:?}");
    // A guest that dirties nothing is copied once: 48 x 8 / 10 = 38.4 s, no stun to speak of.
    let idle = plan_migration(48.0, 10.0, 0.0);
    assert!(close(idle.total_secs, 38.4, 1e-9) && idle.stun_ms == 0.0);
    // Dirtying faster than the link never converges: 30 rounds, then the whole memory is
    // sent with the VM stopped (16 GB at 1 Gbps: 128 s of stun).
    let hopeless = plan_migration(16.0, 1.0, 200.0);
    assert_eq!(hopeless.rounds, 30);
    assert!(close(hopeless.stun_ms, 128_000.0, 1e-6), "{hopeless:?}");
}

#[test]
fn cpu_share_under_overcommit_is_cores_over_demand() {
    // 24 cores, VMs wanting 32.8: each runnable vCPU gets 24 / 32.8 = 0.7317 of a core.
    assert!(close(cpu_share(24.0, 32.8), 0.731_707, 1e-6));
    assert_eq!(cpu_share(24.0, 20.0), 1.0);
    assert_eq!(cpu_share(24.0, 24.0), 1.0);
}

#[test]
fn memory_pressure_slows_vms_then_swaps() {
    // 100 GB physical: none at 94% used (6% free), half way to 2x at 97%, 2x at 100%, then
    // 2 + 30 x the excess: 2.9x at 103%.
    assert_eq!(memory_factor(90_000.0, 100_000.0), 1.0);
    assert!(close(memory_factor(94_000.0, 100_000.0), 1.0, 1e-9));
    assert!(close(memory_factor(97_000.0, 100_000.0), 1.5, 1e-9));
    assert!(close(memory_factor(100_000.0, 100_000.0), 2.0, 1e-9));
    assert!(close(memory_factor(103_000.0, 100_000.0), 2.9, 1e-9));
    assert_eq!(memory_factor(200_000.0, 100_000.0), 10.0);
}

#[test]
fn noisy_neighbour_steals_cpu_from_the_vms_beside_it() {
    let scenario = estate(
        "memory_gb: 64",
        "memory_gb: 40",
        r#"(at: "1m", kind: NoisyNeighbour(host: "batch-1", cores: 8, process: "reindex"))"#,
    );
    let mut sim = Sim::new(&scenario, 1);
    sim.advance(Dur::from_secs(50));
    let before = hv(&sim, "hv-1");
    assert_eq!(vm(&before, "db-1").steal_pct, 0.0);
    let p99_before = sim.record().minutes.last().map_or(0.0, |m| m.p99_ms);
    sim.advance(Dur::from_mins(2));
    // hv-1 has 8 cores. app-1 wants 150 req/s x 20 ms = 3 cores, db-1 600 q/s x 2 ms = 1.2,
    // batch-1 all 8 of its vCPUs: 12.2 cores, so each gets 8 / 12.2 = 0.656: 34.4% steal.
    let after = hv(&sim, "hv-1");
    assert!(
        close(after.row.cpu_demand_pct, 12.2 / 8.0 * 100.0, 0.5),
        "{after:?}"
    );
    for name in ["app-1", "db-1", "batch-1"] {
        assert!(
            close(vm(&after, name).steal_pct, (1.0 - 8.0 / 12.2) * 100.0, 0.3),
            "{name}: {after:?}"
        );
    }
    // Neighbours on other hypervisors are untouched.
    assert_eq!(vm(&hv(&sim, "hv-2"), "app-2").steal_pct, 0.0);
    let p99_after = sim.record().minutes.last().map_or(0.0, |m| m.p99_ms);
    assert!(p99_after > p99_before * 1.3, "{p99_before} -> {p99_after}");
}

#[test]
fn live_migration_lands_after_its_computed_time_and_ends_the_steal() {
    let scenario = estate(
        "memory_gb: 64",
        "memory_gb: 40",
        r#"(at: "0s", kind: NoisyNeighbour(host: "batch-1", cores: 8, process: "reindex"))"#,
    );
    let mut sim = Sim::new(&scenario, 1);
    sim.advance(Dur::from_secs(10));
    // db-1: 32 GB at 10 Gbps = 25.6 s per copy, r = 0.2, three rounds (25.6 x 0.2^3 = 0.2 s):
    // factor 1.248, 31.95 s, rounded up to 32 s; stun 25.6 x 0.008 = 205 ms.
    let message = done(sim.execute("migrate db-1 to hv-3").unwrap());
    assert!(message.contains("about 32s"), "{message}");
    assert!(message.contains("205 ms stun"), "{message}");
    // The command took 30 s of the 32: one more second and it is still copying.
    sim.advance(Dur::from_secs(1));
    assert_eq!(placed_on(&sim, "db-1"), "hv-1");
    sim.advance(Dur::from_secs(2));
    assert_eq!(placed_on(&sim, "db-1"), "hv-3");
    sim.advance(Dur::from_secs(2));
    // On hv-3 db-1 has 16 cores to itself; the noise stays on hv-1 with app-1.
    assert_eq!(vm(&hv(&sim, "hv-3"), "db-1").steal_pct, 0.0);
    assert!(vm(&hv(&sim, "hv-1"), "app-1").steal_pct > 0.0);
}

#[test]
fn migration_is_refused_when_the_target_lacks_room() {
    let mut sim = Sim::new(&plain(), 1);
    sim.execute("migrate db-1 to hv-3").unwrap();
    // hv-3 has 40 GB; db-1's 32 GB arriving leaves 8, too little for app-2's 16.
    let e = sim.execute("migrate app-2 to hv-3").unwrap_err();
    assert!(e.message.contains("lacks room for app-2"), "{}", e.message);
    assert!(e.message.contains("has 8 GB"), "{}", e.message);
    let e = sim.execute("migrate lb to hv-3").unwrap_err();
    assert!(
        e.message.contains("no host is called `lb`"),
        "{}",
        e.message
    );
}

#[test]
fn migrating_a_vm_next_to_its_anti_affinity_partner_is_harmful() {
    let mut sim = Sim::new(&estate("memory_gb: 64", "memory_gb: 128", ""), 1);
    sim.execute("migrate db-2 to hv-3").unwrap();
    sim.advance(Dur::from_mins(1));
    sim.execute("migrate db-1 to hv-3").unwrap();
    let harm = sim.record().commands.last().unwrap().harm.clone();
    assert!(
        harm.as_deref().is_some_and(|h| h.contains("db-apart")),
        "{harm:?}"
    );
    sim.advance(Dur::from_mins(2));
    assert_eq!(
        sim.record().placement.len(),
        1,
        "the rule is broken at the end"
    );
}

#[test]
fn maintenance_refuses_without_room_and_evacuates_once_there_is() {
    let mut sim = Sim::new(&plain(), 1);
    // hv-1 holds app-1 16, db-1 32, batch-1 8 GB. Free: hv-2 64 - 52 = 12, hv-3 40.
    // db-1 -> hv-3 (8 left), then app-1 (16) fits nowhere.
    let e = sim.execute("maintenance hv-1 on").unwrap_err();
    assert!(e.message.contains("app-1 (16 GB"), "{}", e.message);
    assert_eq!(hv(&sim, "hv-1").row.state, "up");
    // Shutting down app-2 frees 16 GB on hv-2 (28 free): db-1 -> hv-3, app-1 -> hv-2,
    // batch-1 -> hv-2.
    sim.execute("shutdown app-2").unwrap();
    let message = done(sim.execute("maintenance hv-1 on").unwrap());
    assert!(message.contains("db-1 -> hv-3"), "{message}");
    assert!(message.contains("app-1 -> hv-2"), "{message}");
    assert_eq!(hv(&sim, "hv-1").row.state, "entering maintenance");
    sim.advance(Dur::from_mins(2));
    let h = hv(&sim, "hv-1");
    assert_eq!(h.row.state, "maintenance");
    assert!(h.vms.is_empty(), "{h:?}");
    let e = sim.execute("migrate app-1 to hv-1").unwrap_err();
    assert!(e.message.contains("maintenance"), "{}", e.message);
    sim.execute("maintenance hv-1 off").unwrap();
    assert_eq!(hv(&sim, "hv-1").row.state, "up");
}

#[test]
fn hypervisor_crash_takes_its_vms_down_until_they_are_moved_and_powered_on() {
    let scenario = estate(
        "memory_gb: 64",
        "memory_gb: 40",
        r#"(at: "0s", kind: HypervisorCrash(hypervisor: "hv-1"))"#,
    );
    let mut sim = Sim::new(&scenario, 1);
    let h = hv(&sim, "hv-1");
    assert_eq!(h.row.state, "down");
    assert!(h.vms.iter().all(|v| v.power == "off"), "{h:?}");
    let e = sim.execute("reboot db-1").unwrap_err();
    assert!(e.message.contains("migrate db-1 to"), "{}", e.message);
    sim.execute("migrate db-1 to hv-3").unwrap();
    sim.execute("reboot db-1").unwrap();
    // Boot 2 min, then postgres starts in 30 s.
    sim.advance(Dur::from_mins(3));
    assert_eq!(placed_on(&sim, "db-1"), "hv-3");
    let s = match sim.observe(&Query::Status) {
        Ok(View::Status(s)) => s,
        other => panic!("{other:?}"),
    };
    assert!(s.success_pct > 99.0, "{s:?}");
}

#[test]
fn ha_restarts_a_failed_hypervisors_vms_where_there_is_room() {
    let scenario = estate(
        "memory_gb: 64, ha: true",
        "memory_gb: 64",
        r#"(at: "1m", kind: HypervisorCrash(hypervisor: "hv-1"))"#,
    );
    let mut sim = Sim::new(&scenario, 1);
    sim.advance(Dur::from_secs(60 + 29));
    assert_eq!(placed_on(&sim, "db-1"), "hv-1");
    sim.advance(Dur::from_secs(2));
    // Largest first, each to the most free memory: db-1 (32) -> hv-3 (64 free, and db-2 is on
    // hv-2), app-1 (16) -> hv-3 (32 left vs hv-2's 12), batch-1 (8) -> hv-3 (16 left).
    for name in ["db-1", "app-1", "batch-1"] {
        assert_eq!(placed_on(&sim, name), "hv-3", "{name}");
    }
    assert!(
        sim.record()
            .events
            .iter()
            .any(|e| e.text.contains("vSphere HA: restarting db-1 on hv-3"))
    );
}

#[test]
fn killing_an_essential_noisy_job_is_harmful_and_moving_it_is_not() {
    let scenario = estate(
        "memory_gb: 64",
        "memory_gb: 40",
        r#"(at: "0s", kind: NoisyNeighbour(host: "batch-1", cores: 8, process: "close", essential: true))"#,
    );
    let mut sim = Sim::new(&scenario, 1);
    sim.execute("migrate batch-1 to hv-3").unwrap();
    assert_eq!(sim.record().commands.last().unwrap().harm, None);
    sim.execute("kill batch-1 close").unwrap();
    let harm = sim.record().commands.last().unwrap().harm.clone();
    assert!(harm.is_some_and(|h| h.contains("had to finish")));
}

#[test]
fn hypervisor_runs_out_of_memory_and_kills_the_largest_vm() {
    // hv-1: 30 GB physical, overcommit 2 (60 GB of VMs placed: 56). Its VMs use db 8 GB +
    // app 2 GB + 0.5 GB of OS each = 11.5 GB, and db leaks 6 GB a minute. Past 94% of 30 GB
    // (28.2 GB, at ~2.7 min) the hypervisor balloons; past 30 x 1.1 = 33 GB (~3.6 min, before
    // db-1's own 32 GB would run out at ~3.8 min) it kills the largest VM, db-1.
    let scenario = estate(
        "memory_gb: 30, memory_overcommit: 2.0",
        "memory_gb: 40",
        r#"(at: "0s", kind: MemoryLeak(service: "db", mb_per_min: 6144))"#,
    );
    let mut sim = Sim::new(&scenario, 1);
    sim.advance(Dur::from_secs(170));
    assert!(hv(&sim, "hv-1").memory_factor > 1.0, "ballooning first");
    assert_eq!(vm(&hv(&sim, "hv-1"), "db-1").power, "on");
    sim.advance(Dur::from_secs(50));
    let h = hv(&sim, "hv-1");
    assert_eq!(vm(&h, "db-1").power, "off", "{h:?}");
    assert!(
        sim.record()
            .events
            .iter()
            .any(|e| e.text.contains("Killed process qemu-kvm (db-1)"))
    );
}
