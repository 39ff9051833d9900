//! The `alerts` screen: each configured rule, its condition, and whether it fires.

use engine::AlertRow;

use super::format::{clock, fixed};
use super::style::{Style, state_tone};
use super::table::{Cell, render};

pub(crate) fn alerts(rows: &[AlertRow], start: &str, style: Style) -> String {
    if rows.is_empty() {
        return "no alert rules configured\n".into();
    }
    // Who wrote each rule is shown once the candidate has written one.
    let authors = rows.iter().any(|a| a.by_candidate);
    let cells: Vec<Vec<Cell>> = rows
        .iter()
        .map(|a| {
            let mut row = vec![
                Cell::plain(a.name.as_str()),
                Cell::plain(a.condition.as_str()),
                Cell::new(a.state.as_str(), state_tone(&a.state)),
                Cell::plain(a.since.map_or_else(|| "-".into(), |at| clock(start, at))),
                Cell::plain(fixed(a.value, 1)),
            ];
            if authors {
                row.push(Cell::plain(if a.by_candidate { "you" } else { "scenario" }));
            }
            row
        })
        .collect();
    let headers: &[&str] = if authors {
        &["alert", "condition", "state", "since", "value", "by"]
    } else {
        &["alert", "condition", "state", "since", "value"]
    };
    render(headers, &cells, style)
}

#[cfg(test)]
mod tests {
    use super::*;
    use scenarios::Dur;

    #[test]
    fn alerts_show_state_since_and_value() {
        let rows = [
            AlertRow {
                name: "DiskUsageHigh".into(),
                condition: "db-1 disk > 90% for 1m".into(),
                state: "firing".into(),
                since: Some(Dur::ZERO),
                value: 92.83,
                by_candidate: false,
            },
            AlertRow {
                name: "ApiLatency".into(),
                condition: "lb p99 > 500ms for 2m".into(),
                state: "ok".into(),
                since: None,
                value: 41.0,
                by_candidate: false,
            },
        ];
        let out = alerts(&rows, "02:14", Style::default());
        assert_eq!(
            out,
            "alert          condition               state   since  value\n\
             DiskUsageHigh  db-1 disk > 90% for 1m  firing  02:14   92.8\n\
             ApiLatency     lb p99 > 500ms for 2m   ok      -       41.0\n"
        );
        let coloured = alerts(&rows, "02:14", Style { color: true });
        assert!(coloured.contains("\x1b[31mfiring\x1b[0m"));
        assert!(coloured.contains("\x1b[32mok\x1b[0m"));
    }

    #[test]
    fn alerts_say_who_wrote_each_rule_once_the_candidate_has_written_one() {
        let rows = [
            AlertRow {
                name: "HighCpu".into(),
                condition: "app-1 cpu > 60% for 0s".into(),
                state: "ok".into(),
                since: None,
                value: 41.0,
                by_candidate: false,
            },
            AlertRow {
                name: "FastBurn".into(),
                condition: "lb burn(1h) > 14.4 for 2m".into(),
                state: "pending".into(),
                since: Some(Dur::from_mins(3)),
                value: 20.04,
                by_candidate: true,
            },
        ];
        assert_eq!(
            alerts(&rows, "09:00", Style::default()),
            "alert     condition                  state    since  value  by\n\
             HighCpu   app-1 cpu > 60% for 0s     ok       -       41.0  scenario\n\
             FastBurn  lb burn(1h) > 14.4 for 2m  pending  09:03   20.0  you\n"
        );
    }

    #[test]
    fn alerts_without_rules_say_so() {
        assert_eq!(
            alerts(&[], "02:14", Style::default()),
            "no alert rules configured\n"
        );
    }
}
