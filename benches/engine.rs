//! Engine throughput: simulated seconds per wall second for a shipped scenario and for generated
//! estates of 100 and 1,000 hosts at 1 s ticks. `cargo bench` prints criterion's timings; the
//! throughput lines report simulated seconds per wall second and ns per host per tick. Benchmarks
//! measure wall time by design, so they may use the clock the simulation may not.
#![allow(
    clippy::disallowed_types,
    reason = "a benchmark times the engine with the wall clock"
)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use engine::Sim;
use scenarios::*;

const SHIPPED: &str = include_str!("../content/outage/db-disk-full.ron");
const YEAR: &str = include_str!("../content/capacity/year-ahead-plan.ron");

/// An estate of `hosts` hosts in four zones: load balancers, an app tier and a cache tier, with a
/// host crash, a CPU hog and a link fault along the way.
fn estate(hosts: usize) -> Scenario {
    let zones: Vec<String> = (0..4).map(|z| format!("zone-{z}")).collect();
    let lbs = (hosts / 50).max(1);
    let caches = (hosts / 10).max(1);
    let apps = hosts - lbs - caches;
    let host = |id: String, i: usize| Host {
        id,
        zone: zones[i % 4].clone(),
        cores: 16,
        memory_gb: 64.0,
        disk_gb: 500.0,
        disk_used_gb: 100.0,
        nic_gbps: 25.0,
        boot_time: Dur::from_secs(120),
        hourly_cost: 0.68,
        instance_type: None,
        provisioned: true,
        hypervisor: None,
        dirty_mb_per_s: 0.0,
        host_type: None,
    };
    let mut all = Vec::new();
    let mut names = |prefix: &str, n: usize| -> Vec<String> {
        (0..n)
            .map(|i| {
                let id = format!("{prefix}-{i}");
                all.push(host(id.clone(), i));
                id
            })
            .collect()
    };
    let (lb, app, cache) = (names("lb", lbs), names("app", apps), names("cache", caches));
    let service =
        |id: &str, kind, hosts: Vec<String>, ms: f64, workers: Option<u32>, calls: Vec<Call>| {
            Service {
                id: id.into(),
                kind,
                hosts,
                version: "1.0.0".into(),
                ms_per_request: ms,
                workers,
                memory_mb: 4_096.0,
                max_connections: 100_000,
                start_time: Dur::from_secs(20),
                calls,
                health_check: None,
                replica_lag: None,
                scaling: None,
                port: None,
                cert: None,
                releases: vec![],
            }
        };
    let first_app = app[0].clone();
    Scenario {
        id: "bench".into(),
        title: "generated estate".into(),
        kind: Kind::Outage,
        level: Level::Mid,
        briefing: "benchmark".into(),
        start: "00:00".into(),
        tick: Dur::from_secs(1),
        time_limit: Dur::from_mins(24 * 60),
        topology: Topology {
            sites: vec![Site {
                id: "dc".into(),
                kind: SiteKind::Datacenter,
                zones: zones.clone(),
            }],
            links: (0..4)
                .map(|z| Link {
                    from: zones[z].clone(),
                    to: zones[(z + 1) % 4].clone(),
                    latency_ms: 0.5,
                    loss: 0.0,
                    gbps: 100.0,
                    base_gbps: 0.0,
                })
                .collect(),
            hosts: all,
            nodes: Vec::new(),
            services: vec![
                service(
                    "lb",
                    ServiceKind::LoadBalancer,
                    lb,
                    0.05,
                    Some(65_536),
                    vec![Call {
                        service: "app".into(),
                        per_request: 1.0,
                    }],
                ),
                service(
                    "app",
                    ServiceKind::App,
                    app,
                    20.0,
                    Some(64),
                    vec![Call {
                        service: "cache".into(),
                        per_request: 2.0,
                    }],
                ),
                service("cache", ServiceKind::Cache, cache, 0.5, None, vec![]),
            ],
            firewall: vec![],
            hypervisors: vec![],
            anti_affinity: vec![],
        },
        traffic: Traffic {
            entry: "lb".into(),
            base_rps: apps as f64 * 300.0,
            diurnal_swing: 0.4,
            peak_hour: 20.0,
            noise: 0.02,
            write_fraction: 0.1,
            spikes: vec![],
            weekend_factor: 1.0,
            growth_pct_per_month: 0.0,
            history: None,
            past_spikes: vec![],
        },
        faults: vec![
            Fault {
                at: Dur::from_mins(10),
                kind: FaultKind::HostCrash { host: first_app },
            },
            Fault {
                at: Dur::from_mins(20),
                kind: FaultKind::LinkDown {
                    from: zones[0].clone(),
                    to: zones[1].clone(),
                },
            },
        ],
        slo: Slo {
            availability: 0.999,
            latency_p99_ms: 500.0,
            window: Dur(30 * 86_400_000),
        },
        alerts: vec![],
        logs: vec![],
        rubric: Rubric {
            kpis: vec![KpiTarget {
                kpi: Kpi::Availability,
                weight: 1.0,
                target: 1.0,
                zero: 100.0,
            }],
            root_cause: vec![],
            status_every: Dur::from_mins(15),
            escalation: None,
        },
        hints: vec![],
        reference: vec![Step {
            at: Dur::ZERO,
            command: "status".into(),
        }],
        transcripts: vec![],
        variants: vec![],
        cloud: Default::default(),
        storage: None,
        capacity: None,
        design: None,
    }
}

fn throughput(label: &str, scenario: &Scenario, span: Dur, hosts: usize) {
    let mut sim = Sim::new(scenario, 1);
    let start = std::time::Instant::now();
    sim.advance(span);
    let wall = start.elapsed().as_secs_f64();
    let ticks = span.ms() as f64 / scenario.tick.ms() as f64;
    println!(
        "{label}: {:.0} simulated s per wall s ({:.0} server-s per wall s), {:.1} ns per host per tick",
        span.secs_f64() / wall,
        span.secs_f64() * hosts as f64 / wall,
        wall * 1e9 / (ticks * hosts as f64)
    );
}

fn benches(c: &mut Criterion) {
    let shipped = load_str("db-disk-full.ron", SHIPPED).expect("shipped scenario loads");
    let hosts = shipped.topology.hosts.len();
    throughput("db-disk-full, 1 h", &shipped, Dur::from_mins(60), hosts);
    c.bench_function("db-disk-full: wait 1h", |b| {
        b.iter(|| {
            let mut sim = Sim::new(&shipped, 1);
            sim.advance(black_box(Dur::from_mins(60)));
            sim
        })
    });
    // A capacity horizon: a whole year at 1 h ticks, with 90 days of synthesised history.
    let (year, _) =
        scenarios::load_variant("year-ahead-plan.ron", YEAR, 1).expect("shipped scenario loads");
    c.bench_function("year-ahead-plan: a year at 1 h ticks", |b| {
        b.iter(|| {
            let mut sim = Sim::new(&year, 1);
            sim.advance(black_box(Dur::from_mins(365 * 1_440)));
            sim
        })
    });
    for n in [100, 1_000] {
        let s = estate(n);
        throughput(
            &format!("{n}-host estate, 10 min"),
            &s,
            Dur::from_mins(10),
            n,
        );
        c.bench_function(&format!("{n}-host estate: 1 min at 1 s ticks"), |b| {
            b.iter(|| {
                let mut sim = Sim::new(&s, 1);
                sim.advance(black_box(Dur::from_mins(1)));
                sim
            })
        });
    }
}

criterion_group! {
    name = engine;
    config = Criterion::default().sample_size(10).measurement_time(Duration::from_secs(5));
    targets = benches
}
criterion_main!(engine);
