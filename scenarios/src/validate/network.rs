//! Validation of the network slice: switches and routers, their static routes, and the faults
//! that push routes, start bulk transfers or partition links.

use std::collections::BTreeSet;

use super::{Check, process_name};
use crate::{FaultKind, NULL_ROUTE, NodeKind};

impl<'a> Check<'a> {
    /// Whether `name` is something a link can join: a zone or a network node.
    pub(super) fn endpoint(&mut self, path: String, name: &str) -> bool {
        if self.zones.contains(name) || self.nodes.contains(name) {
            return true;
        }
        if self.out.len() >= crate::limits::MAX_DIAGNOSTICS {
            // Past the diagnostics shown: skip building the list of names to suggest from.
            return Self::reference(
                &mut self.out,
                path,
                name,
                &BTreeSet::new(),
                "zone or network node",
            );
        }
        let known: BTreeSet<&str> = self.zones.union(&self.nodes).copied().collect();
        Self::reference(&mut self.out, path, name, &known, "zone or network node")
    }

    fn linked(&self, a: &str, b: &str) -> bool {
        self.s
            .topology
            .links
            .iter()
            .any(|l| (l.from == a && l.to == b) || (l.from == b && l.to == a))
    }

    /// A route's next hop: the discard route, or a neighbour of `node` joined by a link.
    fn next_hop(&mut self, path: String, node: &str, via: &str) {
        if via == NULL_ROUTE {
            return;
        }
        if self.endpoint(path.clone(), via) && !self.linked(node, via) {
            self.out.push(
                crate::Diagnostic::at(
                    path,
                    format!("`{via}` is not a neighbour of `{node}`: no link joins them"),
                )
                .with_help(format!(
                    "a next hop must be joined to `{node}` by a link, or be \"{NULL_ROUTE}\" to discard"
                )),
            );
        }
    }

    /// The kind of the network node called `name`, if there is one.
    fn node_kind(&self, name: &str) -> Option<NodeKind> {
        self.s
            .topology
            .nodes
            .iter()
            .find(|n| n.id == name)
            .map(|n| n.kind)
    }
}

pub(super) fn nodes(c: &mut Check) {
    for (i, node) in c.s.topology.nodes.iter().enumerate() {
        let p = format!("topology.nodes[{i}]");
        if !node.kind.routes() && !node.routes.is_empty() {
            c.error(
                format!("{p}.routes"),
                format!(
                    "`{}` is a switch; switches forward at layer 2 and hold no routes",
                    node.id
                ),
            );
        }
        c.list_len(&format!("{p}.routes"), node.routes.len());
        for (j, route) in node.routes.iter().enumerate() {
            let r = format!("{p}.routes[{j}]");
            route_fields(c, &r, &node.id, &route.dest, &route.via);
        }
    }
}

fn route_fields(c: &mut Check, p: &str, node: &str, dest: &str, via: &str) {
    if c.endpoint(format!("{p}.dest"), dest) && dest == node {
        c.error(
            format!("{p}.dest"),
            format!("`{node}` needs no route to itself"),
        );
    }
    c.next_hop(format!("{p}.via"), node, via);
}

pub(super) fn fault(c: &mut Check, k: &str, kind: &FaultKind) {
    match kind {
        FaultKind::BadRoute {
            node, dest, via, ..
        } => {
            match c.node_kind(node) {
                Some(kind) if !kind.routes() => c.error(
                    format!("{k}.node"),
                    format!("`{node}` is a switch; only routers hold routes"),
                ),
                Some(_) => {}
                None => {
                    let routers: BTreeSet<&str> =
                        c.s.topology
                            .nodes
                            .iter()
                            .filter(|n| n.kind.routes())
                            .map(|n| n.id.as_str())
                            .collect();
                    Check::reference(&mut c.out, format!("{k}.node"), node, &routers, "router");
                }
            }
            route_fields(c, k, node, dest, via);
        }
        FaultKind::BulkTransfer {
            host,
            process,
            to,
            gbps,
        } => {
            c.host(format!("{k}.host"), host);
            process_name(c, format!("{k}.process"), process);
            c.endpoint(format!("{k}.to"), to);
            c.finite(format!("{k}.gbps"), *gbps, 0.001, 100_000.0, "gbps");
        }
        FaultKind::Partition { links } => {
            if links.is_empty() {
                c.error(format!("{k}.links"), "a partition needs at least one link");
            }
            c.list_len(&format!("{k}.links"), links.len());
            for (i, l) in links.iter().enumerate() {
                let p = format!("{k}.links[{i}]");
                let a = c.endpoint(format!("{p}.from"), &l.from);
                let b = c.endpoint(format!("{p}.to"), &l.to);
                if a && b && !c.linked(&l.from, &l.to) {
                    c.error(
                        format!("{p}.to"),
                        format!("no link joins `{}` and `{}`", l.from, l.to),
                    );
                }
            }
        }
        _ => {}
    }
}
