//! The `status` screen: the service as users see it against its SLO, then each tier.

use engine::{ServiceRow, StatusView};

use super::format::{fixed, percent, rate, trimmed};
use super::style::{Style, Tone};
use super::table::{Cell, render};

pub(crate) fn status(v: &StatusView, style: Style) -> String {
    let meets = |ok: bool| if ok { Tone::Green } else { Tone::Red };
    let success = style.paint(
        meets(v.success_pct >= v.slo_availability_pct),
        &format!("success {}%", percent(v.success_pct, 2)),
    );
    // With nothing succeeding there is no latency to report, only failure.
    let p99 = if v.success_pct <= 0.0 {
        style.paint(Tone::Red, "p99 - (nothing succeeds)")
    } else {
        style.paint(
            meets(v.p99_ms <= v.slo_p99_ms),
            &format!("p99 {} ms", fixed(v.p99_ms, 0)),
        )
    };
    let budget_tone = if v.budget_burned_pct >= 100.0 {
        Tone::Red
    } else {
        Tone::Plain
    };
    let budget = style.paint(
        budget_tone,
        &format!("error budget burned {}%", fixed(v.budget_burned_pct, 1)),
    );
    let mut out = format!(
        "{} req/s  {success} (SLO {}%)  {p99} (SLO {} ms)  {budget}\n\n",
        rate(v.rps),
        percent(v.slo_availability_pct, 3),
        trimmed(v.slo_p99_ms, 1),
    );
    if v.services.is_empty() {
        out.push_str("no services\n");
    } else {
        out.push_str(&services(&v.services, style));
    }
    let firing = format!("alerts firing: {}", v.alerts_firing);
    let firing_tone = if v.alerts_firing > 0 {
        Tone::Red
    } else {
        Tone::Plain
    };
    out.push('\n');
    out.push_str(&style.paint(firing_tone, &firing));
    out.push('\n');
    if v.ops_pending > 0 {
        out.push_str(&format!("operations in progress: {}\n", v.ops_pending));
    }
    out
}

fn services(rows: &[ServiceRow], style: Style) -> String {
    let cells: Vec<Vec<Cell>> = rows
        .iter()
        .map(|s| {
            let serving = if s.serving == 0 && s.instances > 0 {
                Tone::Red
            } else if s.serving < s.instances {
                Tone::Yellow
            } else {
                Tone::Plain
            };
            vec![
                Cell::plain(s.name.as_str()),
                Cell::plain(s.kind.as_str()),
                Cell::plain(s.version.as_str()),
                Cell::new(format!("{}/{}", s.serving, s.instances), serving),
                Cell::plain(fixed(s.rps, 1)),
                Cell::new(fixed(s.errors_pct, 1), errors_tone(s.errors_pct)),
                Cell::plain(fixed(s.p99_ms, 0)),
            ]
        })
        .collect();
    render(
        &[
            "service", "kind", "version", "serving", "rps", "err %", "p99 ms",
        ],
        &cells,
        style,
    )
}

/// Red from 1% failed, yellow for any failures that show at one decimal.
pub(crate) fn errors_tone(pct: f64) -> Tone {
    if pct >= 1.0 {
        Tone::Red
    } else if pct >= 0.05 {
        Tone::Yellow
    } else {
        Tone::Plain
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view() -> StatusView {
        StatusView {
            rps: 312.4,
            success_pct: 99.2,
            p99_ms: 840.2,
            slo_availability_pct: 99.9,
            slo_p99_ms: 500.0,
            budget_burned_pct: 3.12,
            services: vec![
                ServiceRow {
                    name: "lb".into(),
                    kind: "load-balancer".into(),
                    version: "1.0.0".into(),
                    serving: 1,
                    instances: 1,
                    rps: 312.4,
                    errors_pct: 0.8,
                    p99_ms: 840.2,
                },
                ServiceRow {
                    name: "app".into(),
                    kind: "app".into(),
                    version: "4.12.0".into(),
                    serving: 3,
                    instances: 4,
                    rps: 312.4,
                    errors_pct: 0.0,
                    p99_ms: 835.0,
                },
            ],
            alerts_firing: 2,
            ops_pending: 1,
        }
    }

    #[test]
    fn status_summarises_against_the_slo_then_lists_services() {
        let out = status(&view(), Style::default());
        assert_eq!(
            out,
            "312 req/s  success 99.2% (SLO 99.9%)  p99 840 ms (SLO 500 ms)  error budget burned 3.1%\n\
             \n\
             service  kind           version  serving    rps  err %  p99 ms\n\
             lb       load-balancer  1.0.0    1/1      312.4    0.8     840\n\
             app      app            4.12.0   3/4      312.4    0.0     835\n\
             \n\
             alerts firing: 2\n\
             operations in progress: 1\n"
        );
    }

    #[test]
    fn status_colours_breaches_and_firing_alerts_red() {
        let out = status(&view(), Style { color: true });
        assert!(out.contains("\x1b[31msuccess 99.2%\x1b[0m"));
        assert!(out.contains("\x1b[31malerts firing: 2\x1b[0m"));
        assert!(out.contains("\x1b[33m3/4\x1b[0m"));
    }

    #[test]
    fn status_omits_operations_when_none_are_pending() {
        let mut v = view();
        v.ops_pending = 0;
        v.alerts_firing = 0;
        let out = status(&v, Style::default());
        assert!(out.ends_with("alerts firing: 0\n"));
    }
}
