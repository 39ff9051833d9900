//! The scorecard: the total, each KPI against its target, the evidence behind each score,
//! hints taken, and where the run falls between doing nothing and the reference solution.

use grader::{Counterfactual, HintUse, KpiScore, Scorecard};
use scenarios::Scenario;

use super::format::{clock, fixed, hanging, trimmed, width};
use super::style::{Style, Tone};
use super::table::{Cell, render};

pub(crate) fn scorecard(card: &Scorecard, scenario: &Scenario, style: Style) -> String {
    let total = style.paint(Tone::Bold, &format!("total {} / 100", fixed(card.total, 1)));
    let mut out = format!("{}  {total}\n", scenario.title);
    out.push_str(&format!(
        "{}  {}  {}  seed {}\n\n",
        scenario.id,
        scenario.kind.label(),
        scenario.level.label(),
        card.seed
    ));
    if card.kpis.is_empty() {
        out.push_str("no KPIs in the rubric\n");
    } else {
        out.push_str(&kpi_table(&card.kpis, style));
        for kpi in &card.kpis {
            out.push('\n');
            out.push_str(&evidence(kpi, &scenario.start, style));
        }
    }
    out.push('\n');
    out.push_str(&hints(&card.hints, card.hint_penalty, &scenario.start));
    if let Some(cf) = &card.counterfactual {
        out.push('\n');
        out.push_str(&counterfactual(cf));
    }
    out
}

/// KPI, weight, measurement with its unit (numbers lined up), target, score.
fn kpi_table(kpis: &[KpiScore], style: Style) -> String {
    let values: Vec<String> = kpis.iter().map(|k| trimmed(k.value, 1)).collect();
    let value_width = values.iter().map(|v| width(v)).max().unwrap_or(0);
    let cells: Vec<Vec<Cell>> = kpis
        .iter()
        .zip(&values)
        .map(|(k, value)| {
            vec![
                Cell::plain(k.name.as_str()),
                Cell::plain(trimmed(k.weight, 2)),
                Cell::plain(format!("{value:>value_width$} {}", k.unit)),
                Cell::plain(trimmed(k.target, 1)),
                Cell::plain(fixed(k.score, 1)),
            ]
        })
        .collect();
    render(
        &["kpi", "weight", "measured", "target", "score"],
        &cells,
        style,
    )
}

/// The KPI's heading, then each evidence line under its clock time.
fn evidence(kpi: &KpiScore, start: &str, style: Style) -> String {
    let mut out = style.paint(
        Tone::Bold,
        &format!("{}: score {}", kpi.name, fixed(kpi.score, 1)),
    );
    out.push('\n');
    let times: Vec<String> = kpi
        .evidence
        .iter()
        .map(|e| e.at.map_or_else(String::new, |at| clock(start, at)))
        .collect();
    let time_width = times.iter().map(|t| width(t)).max().unwrap_or(0);
    for (line, time) in kpi.evidence.iter().zip(&times) {
        let prefix = if time_width == 0 {
            "  ".to_owned()
        } else {
            format!("  {time:<time_width$}  ")
        };
        out.push_str(&hanging(&prefix, width(&prefix), &line.text));
    }
    out
}

fn hints(hints: &[HintUse], penalty: f64, start: &str) -> String {
    if hints.is_empty() {
        return "hints taken: none\n".into();
    }
    let mut out = format!(
        "hints taken: {}, {} points off the total\n",
        hints.len(),
        trimmed(penalty, 1)
    );
    for h in hints {
        let prefix = format!(
            "  hint {} at {} ({} points): ",
            h.index + 1,
            clock(start, h.at),
            trimmed(h.cost, 1)
        );
        out.push_str(&hanging(&prefix, width(&prefix), &h.text));
    }
    out
}

fn counterfactual(cf: &Counterfactual) -> String {
    let baselines = format!(
        "doing nothing scores {}; the reference solution scores {}",
        fixed(cf.nothing, 1),
        fixed(cf.reference, 1)
    );
    let place = match cf.position {
        None => "the reference does no better, so there is no scale to place you on".to_owned(),
        Some(p) if p < 0.0 => "you scored below doing nothing".to_owned(),
        Some(p) if p > 100.0 => "you scored above the reference solution".to_owned(),
        Some(p) => format!("you are {}% of the way from one to the other", fixed(p, 0)),
    };
    // One line would run past 100 columns, so the verdict gets its own.
    format!("{baselines}\n{place}\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use grader::Evidence;
    use scenarios::{Dur, Kpi};

    const SCENARIO: &str = r#"(
        id: "db-disk-full",
        title: "Primary database disk filling at 2 a.m.",
        kind: Outage,
        level: Mid,
        briefing: "page",
        start: "02:14",
        tick: "1s",
        time_limit: "1h",
        topology: (
            sites: [(id: "dc", kind: Datacenter, zones: ["dc-1"])],
            hosts: [(id: "db-1", zone: "dc-1", cores: 8, memory_gb: 32.0, disk_gb: 250.0)],
            services: [(id: "db", kind: Database, hosts: ["db-1"], ms_per_request: 2.0,
                        memory_mb: 4096.0, max_connections: 100)],
        ),
        traffic: (entry: "db", base_rps: 100.0),
        faults: [(at: "1m", kind: DiskFill(host: "db-1", gb_per_hour: 48.0, writer: "pg_debug_log"))],
        slo: (availability: 0.999, latency_p99_ms: 500.0),
        rubric: (kpis: [(kpi: TimeToDetect, weight: 20.0, target: 2.0, zero: 15.0)]),
        reference: [(at: "2m", command: "kill db-1 pg_debug_log")],
    )"#;

    fn scenario() -> Scenario {
        scenarios::load_str("test.ron", SCENARIO).expect("test scenario loads")
    }

    fn card() -> Scorecard {
        Scorecard {
            scenario: "db-disk-full".into(),
            seed: 7,
            kpis: vec![
                KpiScore {
                    kpi: Kpi::Availability,
                    name: "availability".into(),
                    weight: 30.0,
                    value: 3.1,
                    unit: "% of error budget".into(),
                    target: 5.0,
                    zero: 50.0,
                    score: 100.0,
                    evidence: vec![Evidence::new(None, "3.1% of the error budget burned")],
                },
                KpiScore {
                    kpi: Kpi::TimeToDetect,
                    name: "time to detect".into(),
                    weight: 20.0,
                    value: 12.0,
                    unit: "min".into(),
                    target: 2.0,
                    zero: 15.0,
                    score: 23.1,
                    evidence: vec![
                        Evidence::new(
                            Some(Dur::from_mins(12)),
                            "you first looked at db-1 at 02:26, 12 min after the disk filling began",
                        ),
                        Evidence::new(None, "target 2 min"),
                    ],
                },
            ],
            hints: vec![HintUse {
                index: 0,
                at: Dur::from_mins(6),
                cost: 5.0,
                text: "Something is writing to db-1's data volume.".into(),
            }],
            hint_penalty: 5.0,
            total: 72.4,
            counterfactual: Some(Counterfactual {
                nothing: 18.0,
                reference: 94.0,
                position: Some(71.4),
            }),
        }
    }

    #[test]
    fn scorecard_renders_total_kpis_evidence_hints_and_baselines() {
        let out = scorecard(&card(), &scenario(), Style::default());
        assert_eq!(
            out,
            "Primary database disk filling at 2 a.m.  total 72.4 / 100\n\
             db-disk-full  outage  mid  seed 7\n\
             \n\
             kpi             weight  measured               target  score\n\
             availability        30  3.1 % of error budget       5  100.0\n\
             time to detect      20   12 min                     2   23.1\n\
             \n\
             availability: score 100.0\n\
             \x20 3.1% of the error budget burned\n\
             \n\
             time to detect: score 23.1\n\
             \x20 02:26  you first looked at db-1 at 02:26, 12 min after the disk filling began\n\
             \x20        target 2 min\n\
             \n\
             hints taken: 1, 5 points off the total\n\
             \x20 hint 1 at 02:20 (5 points): Something is writing to db-1's data volume.\n\
             \n\
             doing nothing scores 18.0; the reference solution scores 94.0\n\
             you are 71% of the way from one to the other\n"
        );
        assert!(out.is_ascii());
        assert!(out.lines().all(|l| l.chars().count() <= 100));
    }

    #[test]
    fn scorecard_without_hints_or_baselines_says_none() {
        let mut c = card();
        c.hints.clear();
        c.counterfactual = None;
        let out = scorecard(&c, &scenario(), Style::default());
        assert!(out.ends_with("hints taken: none\n"));
    }

    #[test]
    fn counterfactual_places_runs_outside_the_range_in_words() {
        let mut cf = Counterfactual {
            nothing: 18.0,
            reference: 94.0,
            position: Some(-12.0),
        };
        assert!(counterfactual(&cf).ends_with("\nyou scored below doing nothing\n"));
        cf.position = Some(104.0);
        assert!(counterfactual(&cf).ends_with("\nyou scored above the reference solution\n"));
        cf.position = None;
        assert!(counterfactual(&cf).contains("no scale"));
    }

    #[test]
    fn scorecard_bolds_the_total_with_colour() {
        let out = scorecard(&card(), &scenario(), Style { color: true });
        assert!(out.starts_with(
            "Primary database disk filling at 2 a.m.  \x1b[1mtotal 72.4 / 100\x1b[0m\n"
        ));
    }
}
