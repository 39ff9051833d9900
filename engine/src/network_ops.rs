//! The network slice's part of the engine: building switches, routers and their routes from a
//! scenario, answering `ping`, `traceroute`, `route show` and `link show`, applying `route
//! add/del`, `link up/down` and `throttle` (judging harm as `actions.rs` does), and the faults
//! that push a bad route, start a bulk transfer or partition links.

use bevy_ecs::prelude::{Entity, World};
use scenarios::{FaultKind, NULL_ROUTE, Topology};

use crate::actions::Applied;
use crate::components::{HostSpec, HostState, Instance, Power, Rogue, ServiceSpec, ServiceState};
use crate::effects::{self, now};
use crate::network::{End, Flow, LAN_LATENCY_MS, Network, NodeState, RouteEntry, Via, Walk};
use crate::network_views::*;
use crate::observe::resolve;
use crate::resources::Target;
use crate::views::PingView;
use crate::{Action, SimError};

/// Index of a link end (a zone or a network node) in the network built from `topo`.
pub fn endpoint_index(topo: &Topology, name: &str) -> usize {
    let zones: Vec<&String> = topo.sites.iter().flat_map(|s| &s.zones).collect();
    zones
        .iter()
        .position(|z| *z == name)
        .or_else(|| {
            topo.nodes
                .iter()
                .position(|n| n.id == name)
                .map(|i| zones.len() + i)
        })
        .unwrap_or(0)
}

/// The switches and routers of `topo`, with their configured routes.
pub fn node_states(topo: &Topology) -> Vec<NodeState> {
    topo.nodes
        .iter()
        .map(|n| NodeState {
            name: n.id.clone(),
            kind: n.kind,
            routes: n
                .routes
                .iter()
                .map(|r| RouteEntry {
                    dest: endpoint_index(topo, &r.dest),
                    via: if r.via == NULL_ROUTE {
                        Via::Discard
                    } else {
                        Via::Node(endpoint_index(topo, &r.via))
                    },
                    metric: r.metric,
                    added: None,
                })
                .collect(),
        })
        .collect()
}

/// "zone", "switch", "router"... for error messages.
pub fn target_word(world: &World, name: &str) -> &'static str {
    match effects::target(world, name) {
        Some(Target::Host(_)) => "host",
        Some(Target::Service(_)) => "service",
        Some(Target::Zone(_)) | None => "zone",
        Some(Target::Node(i)) => world
            .resource::<Network>()
            .node(i)
            .map_or("network node", |n| n.kind.label()),
    }
}

/// A place on the network: its node, and the host if it is one.
fn place(world: &World, name: &str) -> Result<(usize, Option<Entity>), SimError> {
    match resolve(world, name)? {
        Target::Host(h) => Ok((world.get::<HostSpec>(h).map_or(0, |s| s.zone), Some(h))),
        Target::Zone(z) => Ok((z, None)),
        Target::Node(n) => Ok((n, None)),
        Target::Service(_) => Err(SimError::new(format!(
            "`{name}` is a service; name one of its hosts, a zone, a switch or a router"
        ))),
    }
}

/// A zone, switch or router (not a host or service).
fn node_named(world: &World, name: &str) -> Result<usize, SimError> {
    match resolve(world, name)? {
        Target::Zone(z) => Ok(z),
        Target::Node(n) => Ok(n),
        Target::Host(h) => {
            let zone = world.get::<HostSpec>(h).map_or(0, |s| s.zone);
            Err(SimError::new(format!(
                "`{name}` is a host; name its zone `{}` or a switch or router",
                world.resource::<Network>().zones[zone]
            )))
        }
        Target::Service(_) => Err(SimError::new(format!(
            "`{name}` is a service; name a zone, a switch or a router"
        ))),
    }
}

fn router_named(world: &World, name: &str) -> Result<usize, SimError> {
    let n = node_named(world, name)?;
    let net = world.resource::<Network>();
    match net.node(n) {
        Some(node) if node.kind.routes() => Ok(n),
        Some(_) => Err(SimError::new(format!(
            "`{name}` is a switch: it forwards at layer 2 and holds no route table"
        ))),
        None => Err(SimError::new(format!(
            "`{name}` is a zone; route tables belong to routers (`link show {name}` lists its neighbours)"
        ))),
    }
}

fn host_up(world: &World, h: Option<Entity>) -> bool {
    h.is_none_or(|h| {
        world
            .get::<HostState>(h)
            .is_some_and(|s| s.power == Power::Up)
    })
}

/// Why a walk stopped short, in words.
fn why(net: &Network, w: &Walk, dest: usize) -> String {
    let at = *w.hops.last().expect("a walk starts somewhere");
    let (at_name, dest_name) = (net.name(at), net.name(dest));
    match w.end {
        End::Reached => String::new(),
        End::NoRoute if w.hops.len() == 1 => format!("no route from {at_name} to {dest_name}"),
        End::NoRoute => format!("{at_name} has no route to {dest_name}"),
        End::Discarded => format!("{at_name} discards traffic for {dest_name} (a null route)"),
        End::Loop => {
            let first = w.hops.iter().position(|&h| h == at).unwrap_or(0);
            let cycle: Vec<&str> = w.hops[first..w.hops.len() - 1]
                .iter()
                .map(|&h| net.name(h))
                .collect();
            format!(
                "routing loop: {} hand traffic for {dest_name} back and forth until its TTL runs out",
                cycle.join(" and ")
            )
        }
    }
}

pub fn ping(world: &World, from: &str, to: &str) -> Result<PingView, SimError> {
    let (src, src_host) = place(world, from)?;
    let (dst, dst_host) = place(world, to)?;
    let net = world.resource::<Network>();
    let mut view = PingView {
        from: from.into(),
        to: to.into(),
        route: Vec::new(),
        reachable: false,
        rtt_ms: 0.0,
        loss_pct: 0.0,
        note: None,
    };
    if !host_up(world, src_host) {
        view.note = Some(format!("{from} is not up; cannot send"));
        return Ok(view);
    }
    let there = net.walk(src, dst);
    if there.end != End::Reached {
        if there.hops.len() > 1 {
            view.route = there.hops.iter().map(|&h| net.name(h).to_owned()).collect();
        }
        view.note = Some(why(net, &there, dst));
        return Ok(view);
    }
    view.route = there.hops.iter().map(|&h| net.name(h).to_owned()).collect();
    if !host_up(world, dst_host) {
        view.note = Some(format!("{to} does not answer: the host is not up"));
        return Ok(view);
    }
    let back = net.walk(dst, src);
    if back.end != End::Reached {
        view.note = Some(format!(
            "{to} answers but the replies do not get back: {}",
            why(net, &back, src)
        ));
        return Ok(view);
    }
    let (l1, p1) = net.cost(&there.links);
    let (l2, p2) = net.cost(&back.links);
    view.reachable = true;
    view.rtt_ms = l1 + l2 + 2.0 * LAN_LATENCY_MS;
    view.loss_pct = (1.0 - (1.0 - p1) * (1.0 - p2)) * 100.0;
    Ok(view)
}

/// How many `* * *` lines traceroute prints past a black hole before this view stops.
const SILENT_HOPS: usize = 3;
/// Most lines a routing loop is shown for.
const LOOP_LINES: usize = 8;

pub fn traceroute(world: &World, from: &str, to: &str) -> Result<TraceView, SimError> {
    let (src, src_host) = place(world, from)?;
    let (dst, dst_host) = place(world, to)?;
    let net = world.resource::<Network>();
    let mut view = TraceView {
        from: from.into(),
        to: to.into(),
        hops: Vec::new(),
        reached: false,
        note: None,
    };
    if !host_up(world, src_host) {
        view.note = Some(format!("{from} is not up; cannot send"));
        return Ok(view);
    }
    let w = net.walk(src, dst);
    // A loop goes round until the TTL runs out: show its laps up to LOOP_LINES.
    let (mut hops, mut links) = (w.hops.clone(), w.links.clone());
    if w.end == End::Loop {
        let last = *hops.last().expect("a walk starts somewhere");
        let start = hops.iter().position(|&h| h == last).unwrap_or(0);
        let (cycle_hops, cycle_links) = (hops[start + 1..].to_vec(), links[start..].to_vec());
        let mut k = 0;
        while hops.len() <= LOOP_LINES && !cycle_hops.is_empty() {
            hops.push(cycle_hops[k % cycle_hops.len()]);
            links.push(cycle_links[k % cycle_links.len()]);
            k += 1;
        }
    }
    // Hop i answers over its own path back to the source.
    let reply = |i: usize| -> TraceHop {
        let hop = hops[i];
        let back = net.walk(hop, src);
        let name = net.name(hop).to_owned();
        if back.end != End::Reached {
            return TraceHop {
                name: "*".into(),
                rtt_ms: None,
                loss_pct: 0.0,
            };
        }
        let (l1, p1) = net.cost(&links[..i]);
        let (l2, p2) = net.cost(&back.links);
        TraceHop {
            name,
            rtt_ms: Some(l1 + l2 + 2.0 * LAN_LATENCY_MS),
            loss_pct: (1.0 - (1.0 - p1) * (1.0 - p2)) * 100.0,
        }
    };
    let first = usize::from(hops.len() > 1);
    for i in first..hops.len() {
        view.hops.push(reply(i));
    }
    match w.end {
        End::Reached => {
            if !host_up(world, dst_host) {
                view.hops.push(silent());
                view.note = Some(format!("{to} does not answer: the host is not up"));
            } else if view.hops.last().is_some_and(|h| h.rtt_ms.is_none()) {
                view.note = Some(format!(
                    "{to} answers but the replies do not get back: {}",
                    why(net, &net.walk(dst, src), src)
                ));
            } else {
                view.reached = true;
            }
        }
        End::NoRoute | End::Discarded => {
            view.hops.extend((0..SILENT_HOPS).map(|_| silent()));
            view.note = Some(why(net, &w, dst));
        }
        End::Loop => view.note = Some(why(net, &w, dst)),
    }
    Ok(view)
}

fn silent() -> TraceHop {
    TraceHop {
        name: "*".into(),
        rtt_ms: None,
        loss_pct: 0.0,
    }
}

fn via_name(net: &Network, via: Via) -> String {
    match via {
        Via::Discard => NULL_ROUTE.into(),
        Via::Node(n) => net.name(n).to_owned(),
    }
}

/// Every static route of router `n`, then the shortest path to each destination it does not
/// override, when `whole` is set.
fn route_rows(net: &Network, n: usize, whole: bool) -> Vec<RouteRow> {
    let Some(node) = net.node(n) else {
        return Vec::new();
    };
    let mut rows = Vec::new();
    let mut statics: Vec<&RouteEntry> = node.routes.iter().collect();
    statics.sort_by(|a, b| {
        net.name(a.dest)
            .cmp(net.name(b.dest))
            .then(a.metric.cmp(&b.metric))
    });
    for r in statics {
        let state = if !net.usable(n, r) {
            "inactive"
        } else if net
            .best_static(n, r.dest)
            .is_some_and(|best| std::ptr::eq(best, r))
        {
            "active"
        } else {
            "standby"
        };
        rows.push(RouteRow {
            node: node.name.clone(),
            dest: net.name(r.dest).to_owned(),
            via: via_name(net, r.via),
            source: "static".into(),
            metric: f64::from(r.metric),
            state: state.into(),
            added: r.added,
        });
    }
    if whole {
        let mut dests: Vec<usize> = (0..net.node_count())
            .filter(|&d| d != n && net.node(d).is_none_or(|x| x.kind.routes()))
            .collect();
        dests.sort_by(|a, b| net.name(*a).cmp(net.name(*b)));
        for d in dests {
            let overridden = rows
                .iter()
                .any(|r| r.dest == net.name(d) && r.state == "active");
            if overridden {
                continue;
            }
            let via = net.shortest_next(n, d);
            rows.push(RouteRow {
                node: node.name.clone(),
                dest: net.name(d).to_owned(),
                via: via.map_or_else(|| "-".into(), |v| net.name(v).to_owned()),
                source: "shortest path".into(),
                metric: path_latency(net, n, d).unwrap_or(0.0),
                state: if via.is_some() { "active" } else { "no route" }.into(),
                added: None,
            });
        }
    }
    rows
}

/// The IGP's distance from `n` to `d` over up links, by following shortest-path next hops.
fn path_latency(net: &Network, n: usize, d: usize) -> Option<f64> {
    let mut at = n;
    let mut total = 0.0;
    for _ in 0..net.node_count() {
        if at == d {
            return Some(total);
        }
        let next = net.shortest_next(at, d)?;
        let li = net.link_index(at, next)?;
        total += net.links[li].latency_ms + net.links[li].extra_latency_ms;
        at = next;
    }
    (at == d).then_some(total)
}

pub fn routes(world: &World, node: Option<&str>) -> Result<RoutesView, SimError> {
    let net = world.resource::<Network>();
    match node {
        Some(name) => {
            let n = router_named(world, name)?;
            Ok(RoutesView {
                node: Some(name.into()),
                rows: route_rows(net, n, true),
            })
        }
        None => Ok(RoutesView {
            node: None,
            rows: (net.zones.len()..net.node_count())
                .flat_map(|n| route_rows(net, n, false))
                .collect(),
        }),
    }
}

fn link_row(net: &Network, li: usize) -> LinkRow {
    let l = &net.links[li];
    let load_pct = [l.utilisation(l.a) * 100.0, l.utilisation(l.b) * 100.0];
    let state = if !l.up {
        "down"
    } else if l.admin_down {
        "shut"
    } else if load_pct.iter().any(|p| *p >= 100.0) {
        "congested"
    } else if l.extra_loss > 0.0 || l.extra_latency_ms > 0.0 {
        "degraded"
    } else {
        "up"
    };
    let flows = net
        .flows
        .iter()
        .filter(|f| f.active && net.walk(f.src, f.dst).links.iter().any(|(i, _)| *i == li))
        .map(|f| format!("{}@{}", f.process, f.host))
        .collect();
    LinkRow {
        a: net.name(l.a).to_owned(),
        b: net.name(l.b).to_owned(),
        state: state.into(),
        latency_ms: l.latency_ms + l.extra_latency_ms,
        loss_pct: l.effective(l.a).1.max(l.effective(l.b).1) * 100.0,
        gbps: l.gbps,
        load_pct,
        flows,
    }
}

fn flow_rows(net: &Network, shown: &[usize]) -> Vec<FlowRow> {
    net.flows
        .iter()
        .filter(|f| f.active)
        .filter_map(|f| {
            let w = net.walk(f.src, f.dst);
            w.links
                .iter()
                .any(|(i, _)| shown.contains(i))
                .then(|| FlowRow {
                    name: format!("{}@{}", f.process, f.host),
                    dest: net.name(f.dst).to_owned(),
                    gbps: f.gbps,
                    demand_gbps: f.demand_gbps,
                    path: w.hops.iter().map(|&h| net.name(h).to_owned()).collect(),
                })
        })
        .collect()
}

fn trim(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

pub fn links(world: &World, node: Option<&str>) -> Result<LinksView, SimError> {
    let filter = match node {
        Some(name) => Some(place(world, name)?.0),
        None => None,
    };
    let net = world.resource::<Network>();
    let shown: Vec<usize> = (0..net.links.len())
        .filter(|&i| filter.is_none_or(|n| net.links[i].a == n || net.links[i].b == n))
        .collect();
    Ok(LinksView {
        node: node.map(str::to_owned),
        rows: shown.iter().map(|&i| link_row(net, i)).collect(),
        flows: flow_rows(net, &shown),
    })
}

pub fn node_view(world: &World, n: usize) -> NodeView {
    let net = world.resource::<Network>();
    let node = net.node(n).expect("a node target names a network node");
    NodeView {
        name: node.name.clone(),
        kind: node.kind.label().into(),
        links: (0..net.links.len())
            .filter(|&i| net.links[i].a == n || net.links[i].b == n)
            .map(|i| link_row(net, i))
            .collect(),
        routes: route_rows(net, n, true),
    }
}

/// Zone pairs the call graph needs (caller instance's zone, callee instance's zone), with the
/// services that need them; for judging what a network change cuts off.
fn needed_pairs(world: &World) -> Vec<(usize, usize, String, String)> {
    let names = world.resource::<crate::resources::Names>();
    let zone_of = |h: Entity| world.get::<HostSpec>(h).map(|s| s.zone);
    let live = |h: Entity| {
        world
            .get::<HostState>(h)
            .is_some_and(|s| s.power != Power::Decommissioned)
    };
    let mut out: Vec<(usize, usize, String, String)> = Vec::new();
    for &s in &names.services {
        let (Some(spec), Some(st)) = (world.get::<ServiceSpec>(s), world.get::<ServiceState>(s))
        else {
            continue;
        };
        for &(callee, _) in &spec.calls {
            let Some(cst) = world.get::<ServiceState>(callee) else {
                continue;
            };
            let targets: Vec<Entity> = match cst.primary {
                Some(p) => vec![p],
                None => cst.members.clone(),
            };
            for &m in st.members.iter().filter(|&&m| live(m)) {
                for &t in targets.iter().filter(|&&t| live(t)) {
                    if let (Some(a), Some(b)) = (zone_of(m), zone_of(t)) {
                        let key = (
                            a,
                            b,
                            spec.name.clone(),
                            effects::service_name(world, callee),
                        );
                        if !out.contains(&key) {
                            out.push(key);
                        }
                    }
                }
            }
        }
    }
    out
}

/// What a network change broke: a call path cut, or a link pushed past its capacity.
fn network_harm(
    before: &Network,
    after: &Network,
    needed: &[(usize, usize, String, String)],
) -> Option<String> {
    for (a, b, caller, callee) in needed {
        if before.between(*a, *b).is_some() && after.between(*a, *b).is_none() {
            return Some(format!(
                "cut {} off from {}, where {caller} calls {callee}",
                after.zones[*a], after.zones[*b]
            ));
        }
    }
    for (old, new) in before.links.iter().zip(&after.links) {
        let was = old.utilisation(old.a).max(old.utilisation(old.b));
        let now = new.utilisation(new.a).max(new.utilisation(new.b));
        if was < 1.0 && now >= 1.0 {
            return Some(format!(
                "pushed the {} <-> {} link past its capacity ({:.0}% of {} Gbit/s)",
                after.name(new.a),
                after.name(new.b),
                now * 100.0,
                trim(new.gbps)
            ));
        }
    }
    None
}

/// Applies a change to the network and judges it: the network before and after are compared.
fn change(world: &mut World, f: impl FnOnce(&mut Network) -> String) -> (String, Option<String>) {
    let needed = needed_pairs(world);
    let before = world.resource::<Network>().clone();
    let mut net = world.resource_mut::<Network>();
    let message = f(&mut net);
    net.recompute();
    let harm = network_harm(&before, &net, &needed);
    (message, harm)
}

pub fn apply(world: &mut World, action: &Action) -> Result<Applied, SimError> {
    match action {
        Action::RouteAdd {
            node,
            dest,
            via,
            metric,
        } => {
            let n = router_named(world, node)?;
            let d = node_named(world, dest)?;
            if d == n {
                return Err(SimError::new(format!("{node} needs no route to itself")));
            }
            let v = if via.eq_ignore_ascii_case(NULL_ROUTE) {
                Via::Discard
            } else {
                let v = node_named(world, via)?;
                if world.resource::<Network>().link_index(n, v).is_none() {
                    return Err(SimError::new(format!(
                        "`{via}` is not a neighbour of {node}: no link joins them (`link show {node}` lists its neighbours)"
                    )));
                }
                Via::Node(v)
            };
            let at = now(world);
            let (message, harm) = change(world, |net| {
                let entry = RouteEntry {
                    dest: d,
                    via: v,
                    metric: *metric,
                    added: Some(at),
                };
                let routes = &mut net.node_mut(n).expect("a router").routes;
                match routes.iter_mut().find(|r| r.dest == d && r.via == v) {
                    Some(r) => *r = entry,
                    None => routes.push(entry),
                }
                format!("{node}: static route to {dest} via {via} metric {metric} installed")
            });
            let mut targets = vec![node.clone(), dest.clone()];
            if v != Via::Discard {
                targets.push(via.clone());
            }
            Ok(Applied {
                message: format!("{message}; {}", path_now(world, n, d)),
                harm,
                targets,
            })
        }
        Action::RouteDel { node, dest } => {
            let n = router_named(world, node)?;
            let d = node_named(world, dest)?;
            let count = world
                .resource::<Network>()
                .node(n)
                .map_or(0, |x| x.routes.iter().filter(|r| r.dest == d).count());
            if count == 0 {
                return Err(SimError::new(format!(
                    "{node} has no static route to {dest} (`route show {node}` lists its table)"
                )));
            }
            let (message, harm) = change(world, |net| {
                net.node_mut(n)
                    .expect("a router")
                    .routes
                    .retain(|r| r.dest != d);
                format!(
                    "{node}: {count} static route{} to {dest} removed",
                    if count == 1 { "" } else { "s" }
                )
            });
            Ok(Applied {
                message: format!("{message}; {}", path_now(world, n, d)),
                harm,
                targets: vec![node.clone(), dest.clone()],
            })
        }
        Action::LinkSet { a, b, up } => {
            let (x, y) = (node_named(world, a)?, node_named(world, b)?);
            let Some(li) = world.resource::<Network>().link_index(x, y) else {
                return Err(SimError::new(format!(
                    "no link joins {a} and {b} (`link show {a}` lists its links)"
                )));
            };
            let link = world.resource::<Network>().links[li].clone();
            if *up && !link.admin_down && link.up {
                return Err(SimError::new(format!("the {a} <-> {b} link is already up")));
            }
            if !*up && link.admin_down {
                return Err(SimError::new(format!(
                    "the {a} <-> {b} link is already shut"
                )));
            }
            let (message, harm) = change(world, |net| {
                net.links[li].admin_down = !*up;
                match (*up, net.links[li].up) {
                    (false, _) => format!(
                        "the {a} <-> {b} link is shut; traffic reroutes where another path exists"
                    ),
                    (true, true) => format!("the {a} <-> {b} link is up again"),
                    (true, false) => format!(
                        "the {a} <-> {b} link is no longer shut, but it stays down: no carrier (the line or the far end has failed)"
                    ),
                }
            });
            Ok(Applied {
                message,
                harm,
                targets: vec![a.clone(), b.clone()],
            })
        }
        Action::Throttle {
            host,
            process,
            gbps,
        } => {
            let h = match resolve(world, host)? {
                Target::Host(h) => h,
                _ => {
                    return Err(SimError::new(format!(
                        "`{host}` is a {}; throttle takes the host running the transfer",
                        target_word(world, host)
                    )));
                }
            };
            let found = world
                .resource::<Network>()
                .flows
                .iter()
                .position(|f| f.host == *host && f.process == *process);
            let Some(fi) = found else {
                return Err(SimError::new(format!(
                    "no bulk transfer by `{process}` on {host}; `link show` lists the transfers crossing each link"
                )));
            };
            let (message, harm) = change(world, |net| {
                let f = &mut net.flows[fi];
                f.gbps = gbps.min(f.demand_gbps);
                format!(
                    "{process} on {host} limited to {} Gbit/s (it wants {})",
                    trim(*gbps),
                    trim(f.demand_gbps)
                )
            });
            let mut targets = vec![host.clone()];
            if let Some(svc) = world.get::<Instance>(h).map(|i| i.service) {
                targets.push(effects::service_name(world, svc));
            }
            Ok(Applied {
                message,
                harm,
                targets,
            })
        }
        _ => Err(SimError::new("not a network action")),
    }
}

/// Where traffic from router `n` for `d` goes now, in words.
fn path_now(world: &World, n: usize, d: usize) -> String {
    let net = world.resource::<Network>();
    let w = net.walk(n, d);
    if w.end == End::Reached {
        let hops: Vec<&str> = w.hops.iter().map(|&h| net.name(h)).collect();
        format!(
            "traffic for {} now takes {}",
            net.name(d),
            hops.join(" -> ")
        )
    } else {
        format!(
            "traffic for {} does not get there: {}",
            net.name(d),
            why(net, &w, d)
        )
    }
}

/// Applies one of the network faults and describes it for the record.
pub fn fire(world: &mut World, kind: &FaultKind) -> String {
    let at = now(world);
    match kind {
        FaultKind::BadRoute {
            node,
            dest,
            via,
            metric,
        } => {
            let mut net = world.resource_mut::<Network>();
            let (Some(n), Some(d)) = (net.index(node), net.index(dest)) else {
                return format!("route pushed to {node}");
            };
            let v = if via == NULL_ROUTE {
                Via::Discard
            } else {
                net.index(via).map_or(Via::Discard, Via::Node)
            };
            if let Some(x) = net.node_mut(n) {
                x.routes.push(RouteEntry {
                    dest: d,
                    via: v,
                    metric: *metric,
                    added: Some(at),
                });
            }
            net.recompute();
            format!("a change pushed a static route to {node}: {dest} via {via} metric {metric}")
        }
        FaultKind::BulkTransfer {
            host,
            process,
            to,
            gbps,
        } => {
            let Some(h) = effects::host(world, host) else {
                return format!("{process} on {host} started a bulk transfer");
            };
            let zone = world.get::<HostSpec>(h).map_or(0, |s| s.zone);
            if let Some(mut st) = world.get_mut::<HostState>(h) {
                st.rogues.push(Rogue {
                    name: process.clone(),
                    gb_per_hour: 0.0,
                    cores: 0.0,
                });
            }
            let mut net = world.resource_mut::<Network>();
            let dst = net.index(to).unwrap_or(zone);
            net.flows.push(Flow {
                host: host.clone(),
                process: process.clone(),
                src: zone,
                dst,
                gbps: *gbps,
                demand_gbps: *gbps,
                active: true,
            });
            net.recompute();
            format!(
                "{process} on {host} started sending {} Gbit/s to {to}",
                trim(*gbps)
            )
        }
        FaultKind::Partition { links } => {
            let mut net = world.resource_mut::<Network>();
            for l in links {
                if let (Some(a), Some(b)) = (net.index(&l.from), net.index(&l.to))
                    && let Some(link) = net.link_between(a, b)
                {
                    link.up = false;
                }
            }
            net.recompute();
            let names: Vec<String> = links
                .iter()
                .map(|l| format!("{} <-> {}", l.from, l.to))
                .collect();
            format!("partition: {} went down together", names.join(", "))
        }
        _ => String::new(),
    }
}

/// Everything a network fault strikes: looking at any of it counts as detecting the fault.
pub fn struck(world: &World, kind: &FaultKind) -> Vec<String> {
    let mut out = Vec::new();
    match kind {
        FaultKind::BadRoute {
            node, dest, via, ..
        } => {
            out.extend([node.clone(), dest.clone()]);
            if via != NULL_ROUTE {
                out.push(via.clone());
            }
        }
        FaultKind::BulkTransfer { host, to, .. } => {
            out.extend([host.clone(), to.clone()]);
            if let Some(h) = effects::host(world, host) {
                if let Some(svc) = world.get::<Instance>(h).map(|i| i.service) {
                    out.push(effects::service_name(world, svc));
                }
                // Every node the transfer crosses: probing the congested path detects it.
                let net = world.resource::<Network>();
                let zone = world.get::<HostSpec>(h).map_or(0, |s| s.zone);
                if let Some(d) = net.index(to) {
                    out.extend(
                        net.walk(zone, d)
                            .hops
                            .iter()
                            .map(|&n| net.name(n).to_owned()),
                    );
                }
            }
        }
        FaultKind::Partition { links } => {
            for l in links {
                out.extend([l.from.clone(), l.to.clone()]);
            }
        }
        _ => {}
    }
    out
}

/// Marks each bulk transfer sending or not (its host up and its process running) and
/// recomputes the network when that changes.
pub fn track_flows(world: &mut World) {
    let sending = |world: &World, f: &Flow| {
        effects::host(world, &f.host)
            .and_then(|h| world.get::<HostState>(h))
            .is_some_and(|st| {
                st.power == Power::Up && st.rogues.iter().any(|r| r.name == f.process)
            })
    };
    let flows = &world.resource::<Network>().flows;
    // Most ticks no flow starts or stops: find that out without copying anything.
    if !flows.iter().any(|f| sending(world, f) != f.active) {
        return;
    }
    let states: Vec<bool> = flows.iter().map(|f| sending(world, f)).collect();
    let mut net = world.resource_mut::<Network>();
    for (f, s) in net.flows.iter_mut().zip(states) {
        f.active = s;
    }
    net.recompute();
}
