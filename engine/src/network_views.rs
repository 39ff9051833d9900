//! Views of the network: traceroute, route tables, links with their load, and a switch or
//! router described.

use serde::Serialize;

use scenarios::Dur;

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct TraceView {
    pub from: String,
    pub to: String,
    /// Every hop after the source, in order; `name` is `*` where nothing answers.
    pub hops: Vec<TraceHop>,
    pub reached: bool,
    /// Why the trace stops short, or why the destination does not answer.
    pub note: Option<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct TraceHop {
    pub name: String,
    /// Round trip to this hop; `None` when no reply comes back.
    pub rtt_ms: Option<f64>,
    pub loss_pct: f64,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RoutesView {
    /// The router whose whole table this is, or `None` for every router's static routes.
    pub node: Option<String>,
    pub rows: Vec<RouteRow>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RouteRow {
    pub node: String,
    pub dest: String,
    /// The next hop, or `null0`.
    pub via: String,
    /// `static` or `shortest path`.
    pub source: String,
    /// A static route's metric; for a shortest path, its latency to the destination in ms.
    pub metric: f64,
    /// `active`, `standby` (a better static route wins) or `inactive` (its link is down).
    pub state: String,
    /// When a static route was added during the run; `None` for the starting configuration.
    pub added: Option<Dur>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct LinksView {
    pub node: Option<String>,
    pub rows: Vec<LinkRow>,
    /// Bulk transfers crossing any of the links shown.
    pub flows: Vec<FlowRow>,
}

/// A bulk transfer and the path it takes.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct FlowRow {
    /// `process@host`.
    pub name: String,
    pub dest: String,
    pub gbps: f64,
    /// What it would send unthrottled.
    pub demand_gbps: f64,
    /// Nodes it crosses, from its host's zone.
    pub path: Vec<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct LinkRow {
    pub a: String,
    pub b: String,
    /// `up`, `degraded`, `congested`, `down` (failed) or `shut` (by an operator).
    pub state: String,
    /// One-way latency without queueing, ms.
    pub latency_ms: f64,
    /// Packets lost, the worse direction, congestion drops included.
    pub loss_pct: f64,
    pub gbps: f64,
    /// Offered load as a share of capacity, a→b and b→a, percent.
    pub load_pct: [f64; 2],
    /// Bulk transfers crossing the link, as `process@host`.
    pub flows: Vec<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct NodeView {
    pub name: String,
    /// `switch`, `router` or `edge router`.
    pub kind: String,
    pub links: Vec<LinkRow>,
    /// The whole route table (empty for a switch).
    pub routes: Vec<RouteRow>,
}
