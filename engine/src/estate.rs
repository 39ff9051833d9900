//! Generated estates for measuring the engine: a three-tier estate of any size with links,
//! diurnal traffic and faults, and a fleet of independent M/M/c stations whose latency queueing
//! theory predicts exactly. The benchmarks and `gameday bench` run these; no scenario file could
//! hold a 100,000-host estate (the loader caps the number of entities).

use scenarios::*;

/// Zones a generated estate spreads its hosts over, linked in a ring.
pub const ZONES: usize = 4;

fn host(id: String, zone: String, cores: u32) -> Host {
    Host {
        id,
        zone,
        cores,
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
    }
}

fn service(
    id: &str,
    kind: ServiceKind,
    hosts: Vec<String>,
    ms_per_request: f64,
    workers: Option<u32>,
    calls: Vec<Call>,
) -> Service {
    Service {
        id: id.into(),
        kind,
        hosts,
        version: "1.0.0".into(),
        ms_per_request,
        workers,
        memory_mb: 4_096.0,
        max_connections: 1_000_000,
        start_time: Dur::from_secs(20),
        calls,
        health_check: None,
        replica_lag: None,
        scaling: None,
        port: None,
        cert: None,
        releases: vec![],
    }
}

fn call(service: &str, per_request: f64) -> Call {
    Call {
        service: service.into(),
        per_request,
    }
}

fn scenario(id: &str, zones: &[String], hosts: Vec<Host>, services: Vec<Service>) -> Scenario {
    Scenario {
        id: id.into(),
        title: "generated estate".into(),
        kind: Kind::Outage,
        level: Level::Mid,
        briefing: "A generated estate for measuring the engine.".into(),
        start: "00:00".into(),
        tick: Dur::from_secs(1),
        time_limit: Dur::from_mins(24 * 60),
        topology: Topology {
            sites: vec![Site {
                id: "dc".into(),
                kind: SiteKind::Datacenter,
                zones: zones.to_vec(),
            }],
            links: (0..zones.len())
                .filter(|&z| zones.len() > 1 && (zones.len() > 2 || z == 0))
                .map(|z| Link {
                    from: zones[z].clone(),
                    to: zones[(z + 1) % zones.len()].clone(),
                    latency_ms: 0.5,
                    loss: 0.0,
                    gbps: 100.0,
                    base_gbps: 0.0,
                })
                .collect(),
            hosts,
            nodes: Vec::new(),
            services,
            firewall: vec![],
            hypervisors: vec![],
            anti_affinity: vec![],
        },
        traffic: Traffic {
            entry: "lb".into(),
            base_rps: 0.0,
            diurnal_swing: 0.0,
            peak_hour: 20.0,
            noise: 0.0,
            write_fraction: 0.1,
            spikes: vec![],
            weekend_factor: 1.0,
            growth_pct_per_month: 0.0,
            history: None,
            past_spikes: vec![],
        },
        faults: vec![],
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

/// An estate of `hosts` hosts (at least 3) in [`ZONES`] zones linked in a ring: a load-balancer
/// tier (one host in 50) health-checking an app tier, which calls a cache tier (one host in 10)
/// twice per request. Demand is 300 requests a second per app host, with a ±40% daily cycle
/// peaking at 20:00 and 2% noise each tick; the app hosts run at about half their CPU. Over the
/// day an app host crashes (at 00:10), a link goes down (00:20), a runaway process burns 12
/// cores of another app host (00:30) and a link loses 1% of its packets (01:00), and an alert
/// watches the app tier's p99.
pub fn estate(hosts: usize) -> Scenario {
    let hosts = hosts.max(3);
    let zones: Vec<String> = (0..ZONES).map(|z| format!("zone-{z}")).collect();
    let lbs = (hosts / 50).max(1);
    let caches = (hosts / 10).max(1);
    let apps = hosts - lbs - caches;
    let mut all = Vec::with_capacity(hosts);
    let mut tier = |prefix: &str, n: usize| -> Vec<String> {
        (0..n)
            .map(|i| {
                let id = format!("{prefix}-{i}");
                all.push(host(id.clone(), zones[i % ZONES].clone(), 16));
                id
            })
            .collect()
    };
    let (lb, app, cache) = (tier("lb", lbs), tier("app", apps), tier("cache", caches));
    let mut front = service(
        "lb",
        ServiceKind::LoadBalancer,
        lb,
        0.05,
        Some(65_536),
        vec![call("app", 1.0)],
    );
    front.health_check = Some(HealthCheck {
        interval: Dur::from_secs(5),
        unhealthy_after: 3,
        max_error_rate: 0.5,
    });
    let faults = vec![
        Fault {
            at: Dur::from_mins(10),
            kind: FaultKind::HostCrash {
                host: app[0].clone(),
            },
        },
        Fault {
            at: Dur::from_mins(20),
            kind: FaultKind::LinkDown {
                from: zones[0].clone(),
                to: zones[1].clone(),
            },
        },
        Fault {
            at: Dur::from_mins(30),
            kind: FaultKind::CpuSaturation {
                host: app[app.len() - 1].clone(),
                cores: 12.0,
                process: "runaway".into(),
            },
        },
        Fault {
            at: Dur::from_mins(60),
            kind: FaultKind::LinkDegraded {
                from: zones[2].clone(),
                to: zones[3].clone(),
                loss: 0.01,
                extra_latency_ms: 2.0,
            },
        },
    ];
    let services = vec![
        front,
        service(
            "app",
            ServiceKind::App,
            app,
            20.0,
            Some(64),
            vec![call("cache", 2.0)],
        ),
        service("cache", ServiceKind::Cache, cache, 0.5, None, vec![]),
    ];
    let mut s = scenario("generated-estate", &zones, all, services);
    s.traffic.base_rps = apps as f64 * 300.0;
    s.traffic.diurnal_swing = 0.4;
    s.traffic.noise = 0.02;
    s.faults = faults;
    s.alerts = vec![AlertRule {
        name: "AppLatencyHigh".into(),
        target: "app".into(),
        metric: Metric::P99,
        above: Some(400.0),
        below: None,
        for_: Dur::from_mins(2),
        burn_window: None,
    }];
    s
}

/// One station of a [`queue_fleet`]: `servers` servers (workers on as many cores) at
/// utilisation `rho` = λ/(cμ).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Station {
    pub servers: u32,
    pub rho: f64,
}

/// The host a [`queue_fleet`] station runs on.
pub fn station_host(i: usize) -> String {
    format!("station-{i}")
}

/// A fleet of independent M/M/c stations: a front end with capacity to spare sends every
/// request, at a steady `lambda` per second with no daily cycle and no noise, once to each
/// station, a service of one host whose service time gives it the station's utilisation. Each
/// station's latency is then exactly what Erlang C predicts for it.
pub fn queue_fleet(stations: &[Station], lambda: f64) -> Scenario {
    let zones = vec!["zone-0".to_owned()];
    let mut hosts = vec![host("lb-0".into(), zones[0].clone(), 64)];
    let mut services = vec![service(
        "lb",
        ServiceKind::LoadBalancer,
        vec!["lb-0".into()],
        0.001,
        Some(1_000_000),
        (0..stations.len())
            .map(|i| call(&format!("s{i}"), 1.0))
            .collect(),
    )];
    for (i, st) in stations.iter().enumerate() {
        let name = station_host(i);
        hosts.push(host(name.clone(), zones[0].clone(), st.servers));
        // ρ = λ·S/c, so S = ρ·c/λ seconds.
        let ms = st.rho * f64::from(st.servers) * 1_000.0 / lambda;
        services.push(service(
            &format!("s{i}"),
            ServiceKind::App,
            vec![name],
            ms,
            Some(st.servers),
            vec![],
        ));
    }
    let mut s = scenario("queue-fleet", &zones, hosts, services);
    s.traffic.base_rps = lambda;
    s.slo.latency_p99_ms = 1e9;
    s
}

/// What one host served in the last tick: its arrival rate and the mean and 99th-percentile
/// latency its callers saw, ms.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Latency {
    /// Requests per second arriving.
    pub lambda: f64,
    pub mean_ms: f64,
    pub p99_ms: f64,
}

impl crate::Sim {
    /// The latency a host served with in the last tick, or `None` for no such host.
    pub fn host_latency(&self, host: &str) -> Option<Latency> {
        let world = self.world();
        let e = crate::effects::host(world, host)?;
        let load = world.get::<crate::components::Load>(e)?;
        Some(Latency {
            lambda: load.lambda,
            mean_ms: load.mean_ms,
            p99_ms: load.p99_ms,
        })
    }
}
