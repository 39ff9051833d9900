//! The zone screen (`describe ZONE`): its site, its hosts, and the links out of it.

use engine::ZoneView;

use super::format::{fields, fixed};
use super::style::{Style, Tone, state_tone};
use super::table::{Cell, render};

pub(crate) fn zone(v: &ZoneView, style: Style) -> String {
    let hosts = if v.hosts.is_empty() {
        "none".to_owned()
    } else {
        v.hosts.join(", ")
    };
    let mut out = style.paint(Tone::Bold, &format!("zone {}", v.name));
    out.push('\n');
    out.push_str(&fields(
        &[
            ("site", v.site.clone(), Tone::Plain),
            ("hosts", hosts, Tone::Plain),
        ],
        style,
    ));
    out.push('\n');
    if v.links.is_empty() {
        out.push_str("no links to other zones\n");
        return out;
    }
    let cells: Vec<Vec<Cell>> = v
        .links
        .iter()
        .map(|(to, state, latency_ms, loss)| {
            let loss_tone = if *loss > 0.0 {
                Tone::Yellow
            } else {
                Tone::Plain
            };
            vec![
                Cell::plain(to.as_str()),
                Cell::new(state.as_str(), state_tone(state)),
                Cell::plain(fixed(*latency_ms, 1)),
                Cell::new(fixed(loss * 100.0, 1), loss_tone),
            ]
        })
        .collect();
    out.push_str(&render(
        &["link to", "state", "latency ms", "loss %"],
        &cells,
        style,
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zone_lists_hosts_and_links_with_loss_in_percent() {
        let v = ZoneView {
            name: "dc-east-a".into(),
            site: "dc-east".into(),
            hosts: vec!["app-1".into(), "db-1".into()],
            links: vec![
                ("dc-east-b".into(), "up".into(), 0.5, 0.0),
                ("cloud-1".into(), "degraded".into(), 42.0, 0.05),
            ],
        };
        assert_eq!(
            zone(&v, Style::default()),
            "zone dc-east-a\n\
             site:   dc-east\n\
             hosts:  app-1, db-1\n\
             \n\
             link to    state     latency ms  loss %\n\
             dc-east-b  up               0.5     0.0\n\
             cloud-1    degraded        42.0     5.0\n"
        );
    }

    #[test]
    fn zone_without_links_says_so() {
        let v = ZoneView {
            name: "z".into(),
            site: "s".into(),
            hosts: vec![],
            links: vec![],
        };
        let out = zone(&v, Style::default());
        assert!(out.contains("hosts:  none\n"));
        assert!(out.ends_with("no links to other zones\n"));
    }
}
