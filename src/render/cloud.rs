//! The cloud screens: `cost` (spend and run rate by service), `asg show`, `dns show`, `verify`.

use engine::{CostView, DnsRow, GroupRow, VerifyView};

use super::format::{clock, fields, fixed, percent};
use super::style::{Style, Tone, level_tone};
use super::table::{Cell, render};

/// Dollars with cents and thousands separators: `$1,234.56`.
pub(crate) fn dollars(x: f64) -> String {
    let cents = fixed(x.abs(), 2);
    let (whole, frac) = cents.split_once('.').unwrap_or((&cents, "00"));
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if x < 0.0 && cents != "0.00" { "-" } else { "" };
    format!("{sign}${grouped}.{frac}")
}

pub(crate) fn cost(v: &CostView, style: Style) -> String {
    let mut pairs = vec![
        (
            "spent",
            format!("{} over {}", dollars(v.spent), v.elapsed),
            Tone::Plain,
        ),
        (
            "run rate",
            format!(
                "{}/h, {}/month (730 h)",
                dollars(v.per_hour),
                dollars(v.per_month)
            ),
            Tone::Plain,
        ),
    ];
    if let Some(b) = v.budget {
        let share = v.spent / b * 100.0;
        pairs.push((
            "budget",
            format!(
                "{} for the scenario, {}% spent",
                dollars(b),
                fixed(share, 0)
            ),
            level_tone(share, 80.0, 100.0),
        ));
    }
    let mut out = fields(&pairs, style);
    out.push('\n');
    let cells: Vec<Vec<Cell>> = v
        .services
        .iter()
        .map(|r| {
            vec![
                Cell::plain(r.service.as_str()),
                Cell::plain(r.hosts.to_string()),
                Cell::plain(fixed(r.per_hour, 2)),
                Cell::plain(fixed(r.per_month, 0)),
                Cell::plain(fixed(r.spent, 2)),
            ]
        })
        .collect();
    out.push_str(&render(
        &["service", "hosts", "$/h", "$/month", "spent $"],
        &cells,
        style,
    ));
    out
}

pub(crate) fn groups(rows: &[GroupRow], start: &str, style: Style) -> String {
    if rows.is_empty() {
        return "no autoscaling groups in this estate\n".into();
    }
    let cells: Vec<Vec<Cell>> = rows
        .iter()
        .map(|g| {
            let cpu = g.last_cpu_pct.map_or("-".into(), |c| fixed(c, 0));
            let at_max = g.instances as u32 >= g.max;
            vec![
                Cell::plain(g.name.as_str()),
                Cell::plain(g.service.as_str()),
                Cell::plain(g.instance_type.as_str()),
                Cell::new(
                    format!("{}/{}", g.in_service, g.instances),
                    if at_max { Tone::Yellow } else { Tone::Plain },
                ),
                Cell::plain(g.min.to_string()),
                Cell::new(
                    g.max.to_string(),
                    if at_max { Tone::Yellow } else { Tone::Plain },
                ),
                Cell::plain(g.desired.to_string()),
                Cell::plain(fixed(g.target_cpu_pct, 0)),
                Cell::new(
                    cpu,
                    level_tone(g.last_cpu_pct.unwrap_or(0.0), g.target_cpu_pct + 15.0, 95.0),
                ),
                Cell::plain(g.cooldown.to_string()),
                Cell::plain(g.warmup.to_string()),
                Cell::plain(g.last_activity.map_or("-".into(), |t| clock(start, t))),
            ]
        })
        .collect();
    render(
        &[
            "group",
            "service",
            "type",
            "serving",
            "min",
            "max",
            "desired",
            "target %",
            "cpu %",
            "cooldown",
            "warmup",
            "last scaled",
        ],
        &cells,
        style,
    )
}

pub(crate) fn dns(rows: &[DnsRow], start: &str, style: Style) -> String {
    if rows.is_empty() {
        return "no DNS records in this estate\n".into();
    }
    let cells: Vec<Vec<Cell>> = rows
        .iter()
        .map(|r| {
            let clients = r
                .split
                .iter()
                .map(|(t, pct)| format!("{t} {}%", percent(*pct, 1)))
                .collect::<Vec<_>>()
                .join(", ");
            let settled = r.settled_at.map_or("settled".into(), |t| {
                format!("all moved by {}", clock(start, t))
            });
            let tone = if r.settled_at.is_some() {
                Tone::Yellow
            } else {
                Tone::Plain
            };
            vec![
                Cell::plain(format!("{}{}", r.name, if r.entry { " *" } else { "" })),
                Cell::plain(r.target.as_str()),
                Cell::plain(r.ttl.to_string()),
                Cell::plain(clients),
                Cell::new(settled, tone),
            ]
        })
        .collect();
    let mut out = render(
        &["record", "target", "ttl", "clients sent to", "change"],
        &cells,
        style,
    );
    if rows.iter().any(|r| r.entry) {
        out.push_str("* users reach the estate by this name\n");
    }
    out
}

pub(crate) fn verify(v: &VerifyView, style: Style) -> String {
    let mut pairs = vec![
        (
            "replica",
            format!("{} ({})", v.host, v.service),
            Tone::Plain,
        ),
        (
            "primary",
            v.primary.clone().unwrap_or_else(|| "none".into()),
            Tone::Plain,
        ),
    ];
    let tone = match v.state.as_str() {
        "in sync" | "primary" => Tone::Green,
        "empty" => Tone::Red,
        _ => Tone::Yellow,
    };
    pairs.push(("state", v.state.clone(), tone));
    if let Some((copied, total)) = v.copy {
        pairs.push((
            "copy",
            format!(
                "{} of {} GB ({}%)",
                fixed(copied, 1),
                fixed(total, 1),
                fixed(copied / total.max(1e-9) * 100.0, 0)
            ),
            Tone::Plain,
        ));
    }
    pairs.push((
        "missing",
        match v.missing_writes {
            Some(n) => format!("{} writes the primary has acknowledged", fixed(n, 0)),
            None => "everything: no consistent copy of the data yet".into(),
        },
        if v.missing_writes.is_some_and(|n| n <= 0.0) {
            Tone::Green
        } else {
            Tone::Yellow
        },
    ));
    if let Some(eta) = v.eta {
        pairs.push(("caught up in", format!("about {eta}"), Tone::Plain));
    }
    let verdict = match v.state.as_str() {
        "primary" => "it is the primary: it takes the writes".to_owned(),
        "in sync" => "checksums match up to the usual replication lag; safe to promote".into(),
        "catching up" => "promoting now would lose the missing writes".into(),
        "copying" => "cannot be promoted until the copy finishes".into(),
        _ => "holds no data; `replicate` starts the copy".into(),
    };
    pairs.push(("verdict", verdict, Tone::Plain));
    fields(&pairs, style)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollars_group_thousands_and_keep_cents() {
        assert_eq!(dollars(0.0), "$0.00");
        assert_eq!(dollars(1234.5), "$1,234.50");
        assert_eq!(dollars(1_000_000.004), "$1,000,000.00");
        assert_eq!(dollars(-12.3), "-$12.30");
    }
}
