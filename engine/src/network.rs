//! The network between zones: links with latency and loss, all-pairs best paths recomputed
//! whenever a link changes, so a failed link reroutes over a redundant path if one exists.

use bevy_ecs::prelude::Resource;

/// One-way latency between two hosts in the same zone. Same-datacenter round trips are
/// typically 0.1–0.5 ms (cloud providers quote sub-millisecond RTT within a zone).
pub const LAN_LATENCY_MS: f64 = 0.1;

/// Linux's minimum TCP retransmission timeout (RFC 6298 suggests 1 s; Linux uses 200 ms),
/// the delay a lost segment adds to a request.
pub const MIN_RTO_MS: f64 = 200.0;

/// Packets exchanged by a typical small request and response, each of which may be lost.
pub const PACKETS_PER_CALL: f64 = 6.0;

#[derive(Clone, Debug)]
pub struct LinkState {
    pub a: usize,
    pub b: usize,
    pub latency_ms: f64,
    pub loss: f64,
    pub up: bool,
    pub extra_latency_ms: f64,
    pub extra_loss: f64,
}

/// The best path between two zones.
#[derive(Clone, Debug, PartialEq)]
pub struct Path {
    pub latency_ms: f64,
    /// Probability a packet is lost somewhere on the path.
    pub loss: f64,
    /// Zones passed through, from source to destination.
    pub hops: Vec<usize>,
}

#[derive(Resource, Debug)]
pub struct Network {
    pub zones: Vec<String>,
    /// Site of each zone.
    pub zone_site: Vec<String>,
    pub links: Vec<LinkState>,
    paths: Vec<Vec<Option<Path>>>,
}

impl Network {
    pub fn new(zones: Vec<String>, zone_site: Vec<String>, links: Vec<LinkState>) -> Network {
        let mut n = Network {
            zones,
            zone_site,
            links,
            paths: Vec::new(),
        };
        n.recompute();
        n
    }

    pub fn zone_index(&self, name: &str) -> Option<usize> {
        self.zones.iter().position(|z| z == name)
    }

    pub fn link_between(&mut self, a: usize, b: usize) -> Option<&mut LinkState> {
        self.links
            .iter_mut()
            .find(|l| (l.a == a && l.b == b) || (l.a == b && l.b == a))
    }

    pub fn path(&self, from: usize, to: usize) -> Option<&Path> {
        self.paths.get(from)?.get(to)?.as_ref()
    }

    /// Dijkstra from every zone over up links, by latency; ties broken by zone index so the
    /// result never depends on iteration order.
    pub fn recompute(&mut self) {
        let n = self.zones.len();
        self.paths = (0..n).map(|src| self.shortest_from(src)).collect();
    }

    fn shortest_from(&self, src: usize) -> Vec<Option<Path>> {
        let n = self.zones.len();
        let mut best: Vec<Option<Path>> = vec![None; n];
        let mut done = vec![false; n];
        best[src] = Some(Path {
            latency_ms: 0.0,
            loss: 0.0,
            hops: vec![src],
        });
        loop {
            let next = (0..n)
                .filter(|&z| !done[z])
                .filter_map(|z| best[z].as_ref().map(|p| (z, p.latency_ms)))
                .min_by(|x, y| x.1.total_cmp(&y.1).then(x.0.cmp(&y.0)));
            let Some((z, _)) = next else { break };
            done[z] = true;
            let here = best[z].clone().expect("chosen zone has a path");
            for link in self.links.iter().filter(|l| l.up) {
                let other = if link.a == z {
                    link.b
                } else if link.b == z {
                    link.a
                } else {
                    continue;
                };
                if done[other] {
                    continue;
                }
                let latency = here.latency_ms + link.latency_ms + link.extra_latency_ms;
                let link_loss = (link.loss + link.extra_loss).clamp(0.0, 1.0);
                let loss = 1.0 - (1.0 - here.loss) * (1.0 - link_loss);
                if best[other].as_ref().is_none_or(|p| latency < p.latency_ms) {
                    let mut hops = here.hops.clone();
                    hops.push(other);
                    best[other] = Some(Path {
                        latency_ms: latency,
                        loss,
                        hops,
                    });
                }
            }
        }
        best
    }

    /// One-way latency and loss between hosts in zones `a` and `b`, or `None` if unreachable.
    pub fn between(&self, a: usize, b: usize) -> Option<(f64, f64)> {
        let p = self.path(a, b)?;
        Some((p.latency_ms + LAN_LATENCY_MS, p.loss))
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
        LinkState {
            a,
            b,
            latency_ms,
            loss: 0.0,
            up: true,
            extra_latency_ms: 0.0,
            extra_loss: 0.0,
        }
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
}
