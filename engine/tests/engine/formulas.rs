//! Availability of redundant parts: the engine's topology obeys the series/parallel formulas.
//!
//! Every combination of up and down components of a small estate is simulated (2^6 = 64
//! runs); weighting each combination by its probability gives the estate's availability
//! exactly, and that must equal the reliability-block formula
//!     A = [1 - (1 - a_lb)^2] x [1 - (1 - a_app)^3] x a_db
//! (two load balancers in parallel, in series with three app servers in parallel, in series
//! with one database). A mistake in routing, health checking or failure propagation (a
//! dead load balancer still attracting traffic, one dead app server failing requests for
//! good, a dead database not failing its callers) breaks the equality.

use engine::{Sim, View};
use scenarios::{Dur, load_str};

const COMPONENTS: [&str; 6] = ["lb-1", "lb-2", "app-1", "app-2", "app-3", "db-1"];

/// Two anycast load balancers in zones a and b, three app servers, one database; light load,
/// so a single app server carries everything. `down` hosts crash at once.
fn estate(down: &[&str]) -> scenarios::Scenario {
    let faults: Vec<String> = down
        .iter()
        .map(|h| format!(r#"(at: "0s", kind: HostCrash(host: "{h}"))"#))
        .collect();
    let text = format!(
        r#"(
    id: "t", title: "availability estate", kind: Outage, level: Mid, briefing: "test",
    tick: "1s", time_limit: "10m",
    topology: (
        sites: [(id: "dc", kind: Datacenter, zones: ["a", "b"])],
        links: [(from: "a", to: "b", latency_ms: 0.5)],
        hosts: [
            (id: "lb-1", zone: "a", cores: 4, memory_gb: 8, disk_gb: 50),
            (id: "lb-2", zone: "b", cores: 4, memory_gb: 8, disk_gb: 50),
            (id: "app-1", zone: "a", cores: 8, memory_gb: 16, disk_gb: 100),
            (id: "app-2", zone: "a", cores: 8, memory_gb: 16, disk_gb: 100),
            (id: "app-3", zone: "b", cores: 8, memory_gb: 16, disk_gb: 100),
            (id: "db-1", zone: "a", cores: 16, memory_gb: 64, disk_gb: 100, disk_used_gb: 50),
        ],
        services: [
            (id: "lb", kind: LoadBalancer, hosts: ["lb-1", "lb-2"], ms_per_request: 0.05,
             workers: 4096, memory_mb: 512, max_connections: 50000, calls: [(service: "app")],
             health_check: (interval: "5s", unhealthy_after: 3)),
            (id: "app", kind: App, hosts: ["app-1", "app-2", "app-3"], ms_per_request: 20,
             workers: 64, memory_mb: 2048, max_connections: 2000, calls: [(service: "db")]),
            (id: "db", kind: Database, hosts: ["db-1"], ms_per_request: 2, memory_mb: 8192,
             max_connections: 500),
        ],
    ),
    traffic: (entry: "lb", base_rps: 100),
    faults: [{}],
    slo: (availability: 0.999, latency_p99_ms: 500),
    rubric: (kpis: [(kpi: Availability, weight: 1, target: 1, zero: 100)]),
    reference: [(at: "0s", command: "status")],
)"#,
        faults.join(", ")
    );
    load_str("inline.ron", &text).unwrap_or_else(|e| panic!("{e}"))
}

/// Whether the estate serves once health checks have settled: all requests succeed, or none.
fn serves(down: &[&str]) -> bool {
    let mut sim = Sim::new(&estate(down), 1);
    sim.advance(Dur::from_mins(2));
    let success = match sim.observe(&engine::Query::Status) {
        Ok(View::Status(s)) => s.success_pct,
        other => panic!("{other:?}"),
    };
    assert!(
        !(0.1..=99.9).contains(&success),
        "with {down:?} down the estate half-serves ({success}% succeed); a component is either \
         redundant or not"
    );
    success > 99.9
}

#[test]
fn estate_availability_matches_the_series_parallel_formula() {
    // Availability of each component: a load balancer 0.95, an app server 0.90, the database 0.99.
    let a = [0.95, 0.95, 0.90, 0.90, 0.90, 0.99];
    let mut simulated = 0.0;
    for mask in 0u32..(1 << COMPONENTS.len()) {
        let down: Vec<&str> = COMPONENTS
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, c)| *c)
            .collect();
        let p: f64 = a
            .iter()
            .enumerate()
            .map(|(i, ai)| if mask & (1 << i) != 0 { 1.0 - ai } else { *ai })
            .product();
        if serves(&down) {
            simulated += p;
        }
    }
    // [1 - 0.05^2] x [1 - 0.10^3] x 0.99 = 0.9975 x 0.999 x 0.99 = 0.986537...
    let formula = (1.0 - 0.05_f64 * 0.05) * (1.0 - 0.1_f64 * 0.1 * 0.1) * 0.99;
    assert!((formula - 0.986_537_475).abs() < 1e-9, "{formula}");
    assert!(
        (simulated - formula).abs() < 1e-12,
        "simulated {simulated}, formula {formula}"
    );
}

#[test]
fn a_lone_component_is_in_series_and_a_pair_in_parallel() {
    assert!(serves(&[]));
    assert!(
        !serves(&["db-1"]),
        "the only database is a single point of failure"
    );
    assert!(
        serves(&["lb-1"]),
        "the other load balancer takes the traffic"
    );
    assert!(!serves(&["lb-1", "lb-2"]));
    assert!(
        serves(&["app-1", "app-3"]),
        "one app server is enough at this load"
    );
    assert!(!serves(&["app-1", "app-2", "app-3"]));
}

/// One app server of 4 cores (4 workers), 100 ms of CPU a request, offered 30 req/s with no
/// noise: an M/M/4 queue with a = 3 Erlangs.
fn mm4(rps: f64) -> scenarios::Scenario {
    let text = format!(
        r#"(
    id: "t", title: "M/M/4", kind: Outage, level: Mid, briefing: "test",
    tick: "1s", time_limit: "10m",
    topology: (
        sites: [(id: "dc", kind: Datacenter, zones: ["a"])],
        hosts: [
            (id: "lb-1", zone: "a", cores: 4, memory_gb: 8, disk_gb: 50),
            (id: "app-1", zone: "a", cores: 4, memory_gb: 16, disk_gb: 100),
        ],
        services: [
            (id: "lb", kind: LoadBalancer, hosts: ["lb-1"], ms_per_request: 0.001,
             workers: 4096, memory_mb: 512, max_connections: 50000, calls: [(service: "app")]),
            (id: "app", kind: App, hosts: ["app-1"], ms_per_request: 100, workers: 4,
             memory_mb: 2048, max_connections: 2000),
        ],
    ),
    traffic: (entry: "lb", base_rps: {rps}),
    slo: (availability: 0.999, latency_p99_ms: 5000),
    rubric: (kpis: [(kpi: Availability, weight: 1, target: 1, zero: 100)]),
    reference: [(at: "0s", command: "status")],
)"#
    );
    load_str("inline.ron", &text).unwrap_or_else(|e| panic!("{e}"))
}

fn app_p99(rps: f64) -> f64 {
    let mut sim = Sim::new(&mm4(rps), 1);
    sim.advance(Dur::from_mins(1));
    match sim.observe(&engine::Query::Status) {
        Ok(View::Status(s)) => {
            s.services
                .iter()
                .find(|r| r.name == "app")
                .expect("app")
                .p99_ms
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_servers_latency_is_the_erlang_c_response_time() {
    // Erlang C for c = 4, a = λ/μ = 30/10 = 3:
    //   Σ_{k<4} a^k/k! = 1 + 3 + 4.5 + 4.5 = 13;  a^4/4! · c/(c-a) = 3.375 · 4 = 13.5
    //   C = 13.5 / (13 + 13.5) = 0.509434.
    // Here cμ - λ = μ = 10/s, so the response-time tail takes its degenerate form
    //   P(T > t) = e^{-μt} (1 + C μ t),
    // and P(T > t) = 0.01 solves (bisection, by hand in a calculator) at t = 600.63 ms.
    let p99 = app_p99(30.0);
    assert!((p99 - 600.63).abs() < 600.63 * 0.01, "p99 {p99} ms");
    // Light load: a = 0.5, C ≈ 0.0018, so the p99 is the service time's: -ln(0.01)/μ = 460.5 ms.
    let light = app_p99(5.0);
    assert!((light - 460.5).abs() < 460.5 * 0.01, "p99 {light} ms");
}
