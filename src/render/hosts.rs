//! Host rows: the `top` screen, and the instances of a service, one host per line.

use engine::HostRow;

use super::format::fixed;
use super::status::errors_tone;
use super::style::{Style, level_tone, state_tone};
use super::table::{Cell, render};

/// The `top` screen: every host, busiest first (the engine sorts them).
pub(crate) fn top(rows: &[HostRow], style: Style) -> String {
    if rows.is_empty() {
        return "no hosts\n".into();
    }
    host_table(rows, style)
}

/// Host, service, state and load of each row, with utilisation from 80% yellow and 90% red.
pub(crate) fn host_table(rows: &[HostRow], style: Style) -> String {
    let cells: Vec<Vec<Cell>> = rows
        .iter()
        .map(|h| {
            vec![
                Cell::plain(h.name.as_str()),
                Cell::plain(h.service.as_str()),
                Cell::new(h.state.as_str(), state_tone(&h.state)),
                Cell::new(fixed(h.cpu_pct, 0), level_tone(h.cpu_pct, 80.0, 90.0)),
                Cell::new(fixed(h.mem_pct, 0), level_tone(h.mem_pct, 80.0, 90.0)),
                Cell::new(fixed(h.disk_pct, 1), level_tone(h.disk_pct, 80.0, 90.0)),
                Cell::plain(fixed(h.rps, 1)),
                Cell::new(fixed(h.errors_pct, 1), errors_tone(h.errors_pct)),
                Cell::plain(fixed(h.p99_ms, 0)),
            ]
        })
        .collect();
    render(
        &[
            "host", "service", "state", "cpu %", "mem %", "disk %", "rps", "err %", "p99 ms",
        ],
        &cells,
        style,
    )
}

#[cfg(test)]
pub(crate) fn row(name: &str, state: &str, disk_pct: f64) -> HostRow {
    HostRow {
        name: name.into(),
        service: "db".into(),
        state: state.into(),
        cpu_pct: 12.3,
        mem_pct: 61.7,
        disk_pct,
        rps: 125.04,
        errors_pct: 0.0,
        p99_ms: 4.4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_lists_hosts_with_units_in_the_header() {
        let out = top(
            &[
                row("db-1", "running", 92.8),
                row("db-2", "crash-loop", 81.2),
            ],
            Style::default(),
        );
        assert_eq!(
            out,
            "host  service  state       cpu %  mem %  disk %    rps  err %  p99 ms\n\
             db-1  db       running        12     62    92.8  125.0    0.0       4\n\
             db-2  db       crash-loop     12     62    81.2  125.0    0.0       4\n"
        );
    }

    #[test]
    fn top_colours_states_and_full_disks() {
        let out = top(&[row("db-1", "crash-loop", 92.8)], Style { color: true });
        assert!(out.contains("\x1b[31mcrash-loop\x1b[0m"));
        assert!(out.contains("\x1b[31m92.8\x1b[0m"));
    }

    #[test]
    fn top_with_no_hosts_says_so() {
        assert_eq!(top(&[], Style::default()), "no hosts\n");
    }
}
