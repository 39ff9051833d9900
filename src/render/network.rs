//! The network screens: `traceroute` hop by hop, `route show` tables, `link show` with each
//! link's load and the bulk transfers crossing it, and `describe` of a switch or router.

use engine::{LinkRow, LinksView, NodeView, RouteRow, RoutesView, TraceView};

use super::format::{clock, fixed, trimmed};
use super::style::{Style, Tone, level_tone, state_tone};
use super::table::{Cell, render};

pub(crate) fn trace(v: &TraceView, style: Style) -> String {
    let mut out = format!("traceroute {} -> {}\n", v.from, v.to);
    for (i, hop) in v.hops.iter().enumerate() {
        let line = match hop.rtt_ms {
            None => format!("{:>2}  * * *", i + 1),
            Some(rtt) => {
                let loss = if hop.loss_pct > 0.0 {
                    format!(
                        "  {}",
                        style.paint(Tone::Yellow, &format!("loss {}%", fixed(hop.loss_pct, 1)))
                    )
                } else {
                    String::new()
                };
                format!("{:>2}  {}  {} ms{loss}", i + 1, hop.name, fixed(rtt, 1))
            }
        };
        out.push_str(&line);
        out.push('\n');
    }
    if v.hops.is_empty() && v.reached {
        out.push_str(" 1  (same zone)\n");
    }
    match &v.note {
        Some(note) => {
            out.push_str(&style.paint(Tone::Red, note));
            out.push('\n');
        }
        None if v.reached => {}
        None => out.push_str("no answer\n"),
    }
    out
}

fn route_cells(rows: &[RouteRow], start: &str, with_node: bool) -> Vec<Vec<Cell>> {
    rows.iter()
        .map(|r| {
            let mut cells = Vec::new();
            if with_node {
                cells.push(Cell::plain(r.node.as_str()));
            }
            let metric = if r.source == "static" {
                trimmed(r.metric, 0)
            } else {
                format!("{} ms", trimmed(r.metric, 2))
            };
            let state_tone = match r.state.as_str() {
                "active" => Tone::Plain,
                "no route" | "inactive" => Tone::Red,
                _ => Tone::Yellow,
            };
            let via_tone = if r.via == "null0" {
                Tone::Red
            } else {
                Tone::Plain
            };
            cells.extend([
                Cell::plain(r.dest.as_str()),
                Cell::new(r.via.as_str(), via_tone),
                Cell::plain(r.source.as_str()),
                Cell::plain(metric),
                Cell::new(r.state.as_str(), state_tone),
                Cell::plain(match (r.added, r.source == "static") {
                    (Some(at), _) => clock(start, at),
                    (None, true) => "config".into(),
                    (None, false) => "-".into(),
                }),
            ]);
            cells
        })
        .collect()
}

pub(crate) fn routes(v: &RoutesView, start: &str, style: Style) -> String {
    match &v.node {
        Some(node) => {
            let mut out = style.paint(Tone::Bold, &format!("route table of {node}"));
            out.push('\n');
            out.push_str(&route_table(&v.rows, start, false, style));
            out
        }
        None if v.rows.is_empty() => {
            "no static routes on any router; traffic takes the shortest path (`route show <router>` for a whole table)\n".into()
        }
        None => {
            let mut out = style.paint(Tone::Bold, "static routes");
            out.push('\n');
            out.push_str(&route_table(&v.rows, start, true, style));
            out
        }
    }
}

fn route_table(rows: &[RouteRow], start: &str, with_node: bool, style: Style) -> String {
    if rows.is_empty() {
        return "no routes\n".into();
    }
    let mut headers = Vec::new();
    if with_node {
        headers.push("router");
    }
    headers.extend(["dest", "via", "source", "metric", "state", "added"]);
    render(&headers, &route_cells(rows, start, with_node), style)
}

fn link_table(rows: &[LinkRow], style: Style) -> String {
    if rows.is_empty() {
        return "no links\n".into();
    }
    let cells: Vec<Vec<Cell>> = rows
        .iter()
        .map(|l| {
            let load = |p: f64| Cell::new(format!("{}%", fixed(p, 0)), level_tone(p, 80.0, 100.0));
            vec![
                Cell::plain(format!("{} <-> {}", l.a, l.b)),
                Cell::new(l.state.as_str(), state_tone(&l.state)),
                Cell::plain(trimmed(l.latency_ms, 2)),
                Cell::new(
                    fixed(l.loss_pct, 1),
                    if l.loss_pct > 0.0 {
                        Tone::Yellow
                    } else {
                        Tone::Plain
                    },
                ),
                Cell::plain(trimmed(l.gbps, 2)),
                load(l.load_pct[0]),
                load(l.load_pct[1]),
            ]
        })
        .collect();
    render(
        &[
            "link",
            "state",
            "latency ms",
            "loss %",
            "gbit/s",
            "load ->",
            "load <-",
        ],
        &cells,
        style,
    )
}

pub(crate) fn links(v: &LinksView, style: Style) -> String {
    let title = match &v.node {
        Some(n) => format!("links of {n}"),
        None => "links".into(),
    };
    let mut out = style.paint(Tone::Bold, &title);
    out.push_str(
        " (load: offered traffic as a share of capacity, each way; over 100% queues and drops)\n",
    );
    out.push_str(&link_table(&v.rows, style));
    if !v.flows.is_empty() {
        out.push_str("bulk transfers:\n");
        for f in &v.flows {
            let rate = if f.gbps < f.demand_gbps {
                format!(
                    "{} Gbit/s (throttled from {})",
                    trimmed(f.gbps, 2),
                    trimmed(f.demand_gbps, 2)
                )
            } else {
                format!("{} Gbit/s", trimmed(f.gbps, 2))
            };
            out.push_str(&format!(
                "  {} -> {}, {rate}\n    path {}\n",
                f.name,
                f.dest,
                f.path.join(" -> ")
            ));
        }
    }
    out
}

pub(crate) fn node(v: &NodeView, start: &str, style: Style) -> String {
    let mut out = style.paint(Tone::Bold, &format!("{} {}", v.kind, v.name));
    out.push('\n');
    out.push_str(&link_table(&v.links, style));
    if v.kind != "switch" {
        out.push_str("routes:\n");
        out.push_str(&route_table(&v.routes, start, false, style));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::TraceHop;

    #[test]
    fn trace_shows_hops_then_stars_past_a_black_hole() {
        let v = TraceView {
            from: "app-1".into(),
            to: "db-1".into(),
            hops: vec![
                TraceHop {
                    name: "core-1".into(),
                    rtt_ms: Some(0.45),
                    loss_pct: 0.0,
                },
                TraceHop {
                    name: "*".into(),
                    rtt_ms: None,
                    loss_pct: 0.0,
                },
            ],
            reached: false,
            note: Some("core-1 discards traffic for dc-b (a null route)".into()),
        };
        assert_eq!(
            trace(&v, Style::default()),
            "traceroute app-1 -> db-1\n 1  core-1  0.5 ms\n 2  * * *\ncore-1 discards traffic for dc-b (a null route)\n"
        );
    }
}
