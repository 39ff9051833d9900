//! The network slice end to end: a whole scripted session of a network scenario, the help
//! of the network commands, and the diagnostics of every new scenario field.

use crate::support::{Scratch, printed_total};

/// Follows the packets: finds the black hole with traceroute, reads the router's table,
/// names the route, deletes it, confirms, and resolves.
const NULL_ROUTE_CAREFUL: &str = r#"status
wait 3m
alerts
status
describe app-1
logs app --last 5m
ping app-1 cache-1
ping app-1 db-1
traceroute app-1 dc1-cache
route show
route show core-1
describe core-1
note "Storefront failing since 09:43: core-1 has a null route for dc1-cache (pushed by NET-4471), so every cache call is black-holed. Removing it."
route del core-1 dc1-cache
traceroute app-1 cache-2
link show core-1
wait 2m
status
note "Resolved: the null route is gone and errors are back to zero. NetOps to redo NET-4471 for dc1-batch only."
resolve
"#;

#[test]
fn null_route_careful_session_scores_near_the_reference() {
    let s = Scratch::new("null-route");
    // Seed 1 picks dc1-cache as the zone the typo hit.
    let (out, journal) = s.play(
        "session.jsonl",
        &["null-route-blackhole", "--seed", "1"],
        NULL_ROUTE_CAREFUL,
    );
    let stdout = out.ok();
    assert!(journal.exists());
    assert!(printed_total(stdout) >= 90.0, "{stdout}");
    assert!(stdout.contains("core-1 discards traffic for dc1-cache (a null route)"));
    assert_snap!("null_route_careful_session", s.redact(stdout));
}

#[test]
fn network_commands_have_help() {
    let s = Scratch::new("net-help");
    let (out, _) = s.play(
        "help.jsonl",
        &["null-route-blackhole"],
        "help route\nhelp link\nhelp traceroute\nhelp throttle\n",
    );
    let text = out.ok();
    for usage in [
        "usage: route show|add|del <router> [...]",
        "usage: link show|up|down [<a> <b>]",
        "usage: traceroute <host|zone|node> <host|zone|node>",
        "usage: throttle <host> <process> <rate>",
    ] {
        assert!(text.contains(usage), "{usage} missing from {text}");
    }
}

/// A scenario with one network mistake spliced into a small valid estate.
fn broken(nodes: &str, links: &str, faults: &str) -> String {
    let text = format!(
        r#"(
    id: "n", title: "network fields", kind: Network, level: Mid, briefing: "b", tick: "1s",
    time_limit: "10m",
    topology: (
        sites: [(id: "dc", kind: Datacenter, zones: ["a", "b"])],
        nodes: [{nodes}],
        links: [{links}],
        hosts: [(id: "h-1", zone: "a", cores: 4, memory_gb: 8, disk_gb: 50)],
        services: [(id: "web", kind: Web, hosts: ["h-1"], ms_per_request: 1, memory_mb: 100,
                    max_connections: 100)],
    ),
    traffic: (entry: "web", base_rps: 10),
    faults: [{faults}],
    slo: (availability: 0.999, latency_p99_ms: 500),
    rubric: (kpis: [(kpi: Availability, weight: 1, target: 1, zero: 100)]),
    reference: [(at: "0s", command: "status")],
)"#
    );
    match scenarios::load_str("n.ron", &text) {
        Ok(_) => String::new(),
        Err(e) => e
            .diagnostics
            .iter()
            .map(|d| format!("{}: {}", d.path.as_deref().unwrap_or(""), d.message))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

#[test]
fn every_network_field_is_validated_with_its_path() {
    let link = r#"(from: "a", to: "r", latency_ms: 1), (from: "r", to: "b", latency_ms: 1)"#;
    let router = r#"(id: "r", kind: Router)"#;
    assert_eq!(broken(router, link, ""), "");
    assert_eq!(
        broken(
            r#"(id: "r", kind: Switch, routes: [(dest: "b", via: "b")])"#,
            link,
            ""
        ),
        "topology.nodes[0].routes: `r` is a switch; switches forward at layer 2 and hold no routes"
    );
    assert_eq!(
        broken(
            router,
            r#"(from: "a", to: "r", latency_ms: 1, base_gbps: -1)"#,
            ""
        ),
        "topology.links[0].base_gbps: base_gbps must be a number from 0 to 100000, not -1"
    );
    assert_eq!(
        broken(
            router,
            link,
            r#"(at: "1m", kind: BadRoute(node: "a", dest: "b", via: "null0"))"#
        ),
        "faults[0].kind.node: unknown router `a`"
    );
    assert_eq!(
        broken(
            router,
            link,
            r#"(at: "1m", kind: BadRoute(node: "r", dest: "r", via: "null0"))"#
        ),
        "faults[0].kind.dest: `r` needs no route to itself"
    );
    assert_eq!(
        broken(
            router,
            link,
            r#"(at: "1m", kind: BulkTransfer(host: "h-1", process: "rsync", to: "c", gbps: 0))"#
        ),
        "faults[0].kind.to: unknown zone or network node `c`\n\
         faults[0].kind.gbps: gbps must be a number from 0.001 to 100000, not 0"
    );
    assert_eq!(
        broken(router, link, r#"(at: "1m", kind: Partition(links: []))"#),
        "faults[0].kind.links: a partition needs at least one link"
    );
    assert_eq!(
        broken(r#"(id: "a", kind: Router)"#, "", ""),
        "topology.nodes[0].id: `a` is already declared at topology.sites[0].zones[0]; names must be unique"
    );
}
