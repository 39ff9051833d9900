//! The network: zones, switches and routers joined by links with latency, loss and bandwidth.
//! Each node forwards hop by hop: a router's static routes win while their next hop's link is
//! up, otherwise traffic takes the shortest path of up links (a link-state IGP's view), so a
//! failed link reroutes over a redundant path if one exists, and a bad static route can
//! black-hole traffic or pin it to a dead path. Bulk flows load the links they cross; offered
//! load beyond a link's capacity queues and is dropped. Everything is recomputed whenever a
//! link, a route or a flow changes.

use bevy_ecs::prelude::Resource;
use scenarios::NodeKind;

/// One-way latency between two hosts in the same zone. Same-datacenter round trips are
/// typically 0.1–0.5 ms (cloud providers quote sub-millisecond RTT within a zone).
pub const LAN_LATENCY_MS: f64 = 0.1;

/// Linux's minimum TCP retransmission timeout (RFC 6298 suggests 1 s; Linux uses 200 ms),
/// the delay a lost segment adds to a request.
pub const MIN_RTO_MS: f64 = 200.0;

/// Packets exchanged by a typical small request and response, each of which may be lost.
pub const PACKETS_PER_CALL: f64 = 6.0;

/// Bits in one full-size Ethernet frame's payload (1500-byte MTU): one packet's service time
/// on a link is this over the line rate.
pub const PACKET_BITS: f64 = 12_000.0;

/// Queueing delay of a full output buffer. Router ports are sized to hold tens of ms of line
/// rate (the RTT × C rule of thumb, Villamizar & Song 1994, asks 250 ms for WAN ports;
/// datacentre switches hold a few ms); 50 ms is a typical WAN edge router's buffer.
pub const QUEUE_FULL_MS: f64 = 50.0;

/// Most hops a packet takes before its TTL runs out (Linux's default TTL is 64).
pub const MAX_HOPS: usize = 64;

#[derive(Clone, Debug)]
pub struct LinkState {
    pub a: usize,
    pub b: usize,
    pub latency_ms: f64,
    pub loss: f64,
    /// Carrier: false once a fault has cut the link. Only repairing the fault brings it back.
    pub up: bool,
    pub extra_latency_ms: f64,
    pub extra_loss: f64,
    /// Capacity each way, Gbit/s.
    pub gbps: f64,
    /// Traffic besides the modelled flows, each way, Gbit/s.
    pub base_gbps: f64,
    /// Shut down by an operator (`link down`); `link up` undoes it.
    pub admin_down: bool,
    /// Offered load a→b and b→a, Gbit/s, as of the last recompute.
    pub load: [f64; 2],
}

impl LinkState {
    pub fn new(a: usize, b: usize, latency_ms: f64, loss: f64, gbps: f64) -> LinkState {
        LinkState {
            a,
            b,
            latency_ms,
            loss,
            up: true,
            extra_latency_ms: 0.0,
            extra_loss: 0.0,
            gbps,
            base_gbps: 0.0,
            admin_down: false,
            load: [0.0; 2],
        }
    }

    /// Whether the link forwards traffic: it has carrier and is not shut down.
    pub fn carrying(&self) -> bool {
        self.up && !self.admin_down
    }

    /// The end that is not `n`.
    pub fn other(&self, n: usize) -> Option<usize> {
        if self.a == n {
            Some(self.b)
        } else if self.b == n {
            Some(self.a)
        } else {
            None
        }
    }

    /// Offered load over capacity leaving `from`.
    pub fn utilisation(&self, from: usize) -> f64 {
        self.load[usize::from(from != self.a)] / self.gbps
    }

    /// One-way latency and loss of a packet leaving `from`, congestion included.
    pub fn effective(&self, from: usize) -> (f64, f64) {
        let (queue_ms, drop) = congestion(self.utilisation(from), self.gbps);
        let base_loss = (self.loss + self.extra_loss).clamp(0.0, 1.0);
        (
            self.latency_ms + self.extra_latency_ms + queue_ms,
            1.0 - (1.0 - base_loss) * (1.0 - drop),
        )
    }
}

/// Queueing delay (ms) and drop probability of a link at utilisation `rho` (offered load over
/// capacity). Below 1 the port is an M/M/1 queue of full-size packets: the mean wait is
/// ρ/(1−ρ) packet times, capped at a full buffer. At or above 1 the buffer stays full, every
/// packet waits [`QUEUE_FULL_MS`], and the excess is tail-dropped: a share 1 − 1/ρ is lost.
pub fn congestion(rho: f64, gbps: f64) -> (f64, f64) {
    if rho >= 1.0 {
        return (QUEUE_FULL_MS, 1.0 - 1.0 / rho);
    }
    let packet_ms = PACKET_BITS / (gbps * 1e9) * 1_000.0;
    ((rho / (1.0 - rho) * packet_ms).min(QUEUE_FULL_MS), 0.0)
}

/// Where a static route sends traffic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    Node(usize),
    /// Discarded, as `ip route ... Null0`.
    Discard,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RouteEntry {
    pub dest: usize,
    pub via: Via,
    pub metric: u32,
    /// When it was added during the run; `None` for the starting configuration.
    pub added: Option<scenarios::Dur>,
}

/// A switch or router.
#[derive(Clone, Debug)]
pub struct NodeState {
    pub name: String,
    pub kind: NodeKind,
    pub routes: Vec<RouteEntry>,
}

/// A bulk transfer: `process` on `host` sending `gbps` from zone `src` to node `dst`.
#[derive(Clone, Debug, PartialEq)]
pub struct Flow {
    pub host: String,
    pub process: String,
    pub src: usize,
    pub dst: usize,
    pub gbps: f64,
    /// What it would send unthrottled.
    pub demand_gbps: f64,
    /// Sending: the host is up and the process runs.
    pub active: bool,
}

/// How a packet's journey ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    Reached,
    /// The last hop has no route to the destination.
    NoRoute,
    /// The last hop's route discards it.
    Discarded,
    /// The last hop was visited before: a routing loop, until the TTL runs out.
    Loop,
}

/// The hop-by-hop journey of a packet.
#[derive(Clone, Debug, PartialEq)]
pub struct Walk {
    /// Nodes visited, from the source.
    pub hops: Vec<usize>,
    /// (link index, node it left from) for each hop taken.
    pub links: Vec<(usize, usize)>,
    pub end: End,
}

/// The best path between two zones.
#[derive(Clone, Debug, PartialEq)]
pub struct Path {
    pub latency_ms: f64,
    /// Probability a packet is lost somewhere on the path.
    pub loss: f64,
    /// Nodes passed through, from source to destination.
    pub hops: Vec<usize>,
}

#[derive(Resource, Debug, Clone)]
pub struct Network {
    pub zones: Vec<String>,
    /// Site of each zone.
    pub zone_site: Vec<String>,
    /// Switches and routers; node `zones.len() + i` is `nodes[i]`.
    pub nodes: Vec<NodeState>,
    pub links: Vec<LinkState>,
    pub flows: Vec<Flow>,
    /// `next[at][dest]`: the neighbour on the shortest path, by the IGP's view of up links.
    next: Vec<Vec<Option<usize>>>,
    /// Forward paths between zones.
    paths: Vec<Vec<Option<Path>>>,
}

impl Network {
    #[cfg(test)]
    pub fn new(zones: Vec<String>, zone_site: Vec<String>, links: Vec<LinkState>) -> Network {
        Network::with_nodes(zones, zone_site, Vec::new(), links)
    }

    pub fn with_nodes(
        zones: Vec<String>,
        zone_site: Vec<String>,
        nodes: Vec<NodeState>,
        links: Vec<LinkState>,
    ) -> Network {
        let mut n = Network {
            zones,
            zone_site,
            nodes,
            links,
            flows: Vec::new(),
            next: Vec::new(),
            paths: Vec::new(),
        };
        n.recompute();
        n
    }

    pub fn zone_index(&self, name: &str) -> Option<usize> {
        self.zones.iter().position(|z| z == name)
    }

    /// Every node: zones first, then switches and routers.
    pub fn node_count(&self) -> usize {
        self.zones.len() + self.nodes.len()
    }

    /// Index of the zone or network node called `name`.
    pub fn index(&self, name: &str) -> Option<usize> {
        self.zone_index(name).or_else(|| {
            self.nodes
                .iter()
                .position(|n| n.name == name)
                .map(|i| self.zones.len() + i)
        })
    }

    pub fn name(&self, i: usize) -> &str {
        match i.checked_sub(self.zones.len()) {
            None => &self.zones[i],
            Some(n) => &self.nodes[n].name,
        }
    }

    /// The switch or router at index `i`, if it is one.
    pub fn node(&self, i: usize) -> Option<&NodeState> {
        self.nodes.get(i.checked_sub(self.zones.len())?)
    }

    pub fn node_mut(&mut self, i: usize) -> Option<&mut NodeState> {
        let z = self.zones.len();
        self.nodes.get_mut(i.checked_sub(z)?)
    }

    pub fn link_index(&self, a: usize, b: usize) -> Option<usize> {
        self.links
            .iter()
            .position(|l| (l.a == a && l.b == b) || (l.a == b && l.b == a))
    }

    pub fn link_between(&mut self, a: usize, b: usize) -> Option<&mut LinkState> {
        let i = self.link_index(a, b)?;
        self.links.get_mut(i)
    }

    /// The forward path between two zones, if traffic gets there.
    pub fn path(&self, from: usize, to: usize) -> Option<&Path> {
        self.paths.get(from)?.get(to)?.as_ref()
    }

    /// Recomputes the shortest paths, the load flows put on each link, and the paths between
    /// zones. Deterministic: ties go to the lower node index.
    pub fn recompute(&mut self) {
        let n = self.node_count();
        // towards[dest][at] is at's next hop to dest; `next` is indexed the other way round.
        let towards: Vec<Vec<Option<usize>>> =
            (0..n).map(|dest| self.shortest_towards(dest)).collect();
        self.next = (0..n)
            .map(|at| towards.iter().map(|t| t[at]).collect())
            .collect();
        for l in &mut self.links {
            l.load = [l.base_gbps; 2];
        }
        let flows: Vec<(usize, usize, f64)> = self
            .flows
            .iter()
            .filter(|f| f.active)
            .map(|f| (f.src, f.dst, f.gbps))
            .collect();
        for (src, dst, gbps) in flows {
            for (li, from) in self.walk(src, dst).links {
                let l = &mut self.links[li];
                l.load[usize::from(from != l.a)] += gbps;
            }
        }
        let z = self.zones.len();
        self.paths = (0..z)
            .map(|a| (0..z).map(|b| self.forward_path(a, b)).collect())
            .collect();
    }

    /// Dijkstra from `dest` over carrying links, by latency: each node's next hop towards it.
    fn shortest_towards(&self, dest: usize) -> Vec<Option<usize>> {
        let n = self.node_count();
        let mut dist: Vec<Option<f64>> = vec![None; n];
        let mut next: Vec<Option<usize>> = vec![None; n];
        let mut done = vec![false; n];
        dist[dest] = Some(0.0);
        loop {
            let here = (0..n)
                .filter(|&v| !done[v])
                .filter_map(|v| dist[v].map(|d| (v, d)))
                .min_by(|x, y| x.1.total_cmp(&y.1).then(x.0.cmp(&y.0)));
            let Some((v, d)) = here else { break };
            done[v] = true;
            for link in self.links.iter().filter(|l| l.carrying()) {
                let Some(u) = link.other(v) else { continue };
                if done[u] {
                    continue;
                }
                let via = d + link.latency_ms + link.extra_latency_ms;
                if dist[u].is_none_or(|old| via < old) {
                    dist[u] = Some(via);
                    next[u] = Some(v);
                }
            }
        }
        next
    }

    /// The neighbour on the shortest path from `at` to `dest`, ignoring static routes.
    pub fn shortest_next(&self, at: usize, dest: usize) -> Option<usize> {
        self.next.get(at)?.get(dest).copied().flatten()
    }

    /// Where `at` sends traffic for `dest`: its best usable static route, else the shortest path.
    pub fn next_hop(&self, at: usize, dest: usize) -> Option<Via> {
        match self.best_static(at, dest) {
            Some(r) => Some(r.via),
            None => self.shortest_next(at, dest).map(Via::Node),
        }
    }

    /// Whether a static route of router `at` can be used: its next hop's link is up.
    pub fn usable(&self, at: usize, route: &RouteEntry) -> bool {
        match route.via {
            Via::Discard => true,
            Via::Node(v) => self
                .link_index(at, v)
                .is_some_and(|i| self.links[i].carrying()),
        }
    }

    /// The static route `at` uses for `dest`: the lowest metric among the usable ones (the
    /// first configured on a tie).
    pub fn best_static(&self, at: usize, dest: usize) -> Option<&RouteEntry> {
        self.node(at)?
            .routes
            .iter()
            .filter(|r| r.dest == dest && self.usable(at, r))
            .min_by_key(|r| r.metric)
    }

    /// A packet's journey from `src` to `dest`, hop by hop.
    pub fn walk(&self, src: usize, dest: usize) -> Walk {
        let mut w = Walk {
            hops: vec![src],
            links: Vec::new(),
            end: End::Reached,
        };
        let mut at = src;
        while at != dest {
            if w.hops.len() > MAX_HOPS {
                w.end = End::Loop;
                break;
            }
            match self.next_hop(at, dest) {
                None => {
                    w.end = End::NoRoute;
                    break;
                }
                Some(Via::Discard) => {
                    w.end = End::Discarded;
                    break;
                }
                Some(Via::Node(v)) => {
                    let li = self.link_index(at, v).expect("a next hop is a neighbour");
                    w.links.push((li, at));
                    let seen = w.hops.contains(&v);
                    w.hops.push(v);
                    at = v;
                    if seen {
                        w.end = End::Loop;
                        break;
                    }
                }
            }
        }
        w
    }

    /// One-way latency and loss of the links a walk took.
    pub fn cost(&self, links: &[(usize, usize)]) -> (f64, f64) {
        links.iter().fold((0.0, 0.0), |(lat, loss), &(li, from)| {
            let (l, p) = self.links[li].effective(from);
            (lat + l, 1.0 - (1.0 - loss) * (1.0 - p))
        })
    }

    fn forward_path(&self, a: usize, b: usize) -> Option<Path> {
        let w = self.walk(a, b);
        if w.end != End::Reached {
            return None;
        }
        let (latency_ms, loss) = self.cost(&w.links);
        Some(Path {
            latency_ms,
            loss,
            hops: w.hops,
        })
    }

    /// One-way latency and per-packet loss between hosts in zones `a` and `b`, averaged over
    /// the request's path and the response's (which may differ), or `None` if either way is cut.
    pub fn between(&self, a: usize, b: usize) -> Option<(f64, f64)> {
        let there = self.path(a, b)?;
        let back = self.path(b, a)?;
        Some((
            (there.latency_ms + back.latency_ms) / 2.0 + LAN_LATENCY_MS,
            (there.loss + back.loss) / 2.0,
        ))
    }
}

/// Extra mean delay and failure probability packet loss adds to one request/response exchange:
/// each lost packet costs a retransmission timeout; a call fails when a packet is lost three
/// times running (the retransmission budget of a short RPC deadline).
pub fn loss_effect(loss: f64) -> (f64, f64) {
    if loss <= 0.0 {
        return (0.0, 0.0);
    }
    let loss = loss.min(0.999);
    let extra_ms = PACKETS_PER_CALL * loss / (1.0 - loss) * MIN_RTO_MS;
    let fail = 1.0 - crate::math::powf(1.0 - loss * loss * loss, PACKETS_PER_CALL);
    (extra_ms, fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(a: usize, b: usize, latency_ms: f64) -> LinkState {
        LinkState::new(a, b, latency_ms, 0.0, 10.0)
    }

    fn triangle() -> Network {
        let zones = vec!["a".into(), "b".into(), "c".into()];
        let sites = vec!["s".into(); 3];
        Network::new(
            zones,
            sites,
            vec![link(0, 1, 1.0), link(1, 2, 1.0), link(0, 2, 5.0)],
        )
    }

    #[test]
    fn failed_link_reroutes_over_the_redundant_path() {
        let mut n = triangle();
        assert_eq!(n.path(0, 1).unwrap().latency_ms, 1.0);
        n.link_between(0, 1).unwrap().up = false;
        n.recompute();
        let p = n.path(0, 1).unwrap();
        assert_eq!(p.latency_ms, 6.0);
        assert_eq!(p.hops, vec![0, 2, 1]);
    }

    #[test]
    fn partition_leaves_no_path() {
        let mut n = triangle();
        n.link_between(0, 1).unwrap().up = false;
        n.link_between(0, 2).unwrap().up = false;
        n.recompute();
        assert!(n.path(0, 1).is_none());
        assert!(n.path(1, 2).is_some());
    }

    #[test]
    fn congestion_below_capacity_is_an_mm1_wait_and_above_it_drops_the_excess() {
        // 10 Gbit/s: a 12,000-bit packet takes 1.2 µs. At ρ = 0.5 the M/M/1 wait is
        // 0.5/0.5 = 1 packet time = 0.0012 ms, nothing dropped.
        let (q, p) = congestion(0.5, 10.0);
        assert!((q - 0.0012).abs() < 1e-12);
        assert_eq!(p, 0.0);
        // At ρ = 1.25 the buffer is full (50 ms) and 1 − 1/1.25 = 20% is dropped.
        let (q, p) = congestion(1.25, 10.0);
        assert_eq!(q, QUEUE_FULL_MS);
        assert!((p - 0.2).abs() < 1e-12);
    }
}
