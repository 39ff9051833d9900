//! The security screens: `firewall list` (rules, and which ports the internet reaches) and
//! `cert show` (certificates and when each expires).

use engine::{CertRow, FirewallView};
use scenarios::Dur;

use super::format::clock;
use super::style::{Style, Tone};
use super::table::{Cell, render};

pub(crate) fn firewall(v: &FirewallView, start: &str, style: Style) -> String {
    let mut out = String::new();
    if v.rules.is_empty() {
        out.push_str("no firewall rules");
        if let Some(t) = &v.target {
            out.push_str(&format!(" apply to {t}"));
        }
        out.push('\n');
    } else {
        let rows: Vec<Vec<Cell>> = v
            .rules
            .iter()
            .map(|r| {
                let tone = if r.action == "deny" {
                    Tone::Yellow
                } else {
                    Tone::Plain
                };
                let note = match r.added_at {
                    Some(at) if !r.note.contains("added by you") => {
                        format!("{} (added {})", r.note, clock(start, at))
                    }
                    _ => r.note.clone(),
                };
                vec![
                    Cell::plain(r.number.to_string()),
                    Cell::new(r.action.clone(), tone),
                    Cell::plain(r.from.clone()),
                    Cell::plain(r.port.to_string()),
                    Cell::plain(r.on.clone()),
                    Cell::plain(note),
                ]
            })
            .collect();
        out.push_str(&render(
            &["#", "action", "from", "port", "on", "note"],
            &rows,
            style,
        ));
    }
    out.push_str(
        "deny rules win; inside the estate the default is allow, from the internet deny\n",
    );
    if v.ports.is_empty() {
        out.push_str("\nno port other than those shown above is open to the internet\n");
        return out;
    }
    out.push('\n');
    let rows: Vec<Vec<Cell>> = v
        .ports
        .iter()
        .map(|p| {
            let internet = if p.internet { "open" } else { "closed" };
            let by = p
                .rule
                .map_or_else(|| "default".to_owned(), |n| format!("rule {n}"));
            let blocked = if p.blocked_callers.is_empty() {
                "-".to_owned()
            } else {
                p.blocked_callers.join(", ")
            };
            vec![
                Cell::plain(p.host.clone()),
                Cell::plain(p.service.clone()),
                Cell::plain(p.port.to_string()),
                Cell::new(
                    internet,
                    if p.internet {
                        Tone::Yellow
                    } else {
                        Tone::Plain
                    },
                ),
                Cell::plain(by),
                Cell::new(
                    blocked,
                    if p.blocked_callers.is_empty() {
                        Tone::Plain
                    } else {
                        Tone::Red
                    },
                ),
            ]
        })
        .collect();
    out.push_str(&render(
        &[
            "host",
            "service",
            "port",
            "internet",
            "by",
            "callers blocked",
        ],
        &rows,
        style,
    ));
    out
}

pub(crate) fn certs(rows: &[CertRow], start: &str, style: Style) -> String {
    let cells: Vec<Vec<Cell>> = rows
        .iter()
        .map(|c| {
            let (status, tone) = match c.renewing_until {
                Some(until) => (
                    format!("renewing, in service about {}", clock(start, until)),
                    Tone::Yellow,
                ),
                None if c.expired => ("EXPIRED".to_owned(), Tone::Red),
                None if c.remaining < Dur::from_mins(24 * 60) => {
                    (format!("expires in {}", c.remaining), Tone::Yellow)
                }
                None => (format!("valid, {} left", c.remaining), Tone::Green),
            };
            vec![
                Cell::plain(c.service.clone()),
                Cell::plain(c.name.clone()),
                Cell::plain(c.issuer.clone()),
                Cell::plain(clock(start, c.expires)),
                Cell::new(status, tone),
            ]
        })
        .collect();
    render(
        &["service", "certificate", "issuer", "not after", "status"],
        &cells,
        style,
    )
}
