//! The design KPIs, read from the trial a design scenario's run carries: resilience (weighted
//! share of faults survived), availability over the trial, latency at peak, the worst recovery
//! time and data loss, the monthly cost against the budget, and the constraints broken.

use engine::{FaultOutcome, TrialRecord};
use scenarios::{Kpi, KpiTarget};

use crate::grade::{Input, Measured};
use crate::scorecard::Evidence;
use crate::text::thousands;

pub(crate) fn measure(input: &Input, goal: &KpiTarget) -> Measured {
    let Some(t) = &input.run.trial else {
        return Measured {
            value: if goal.kpi.higher_is_better() {
                0.0
            } else {
                f64::INFINITY
            },
            evidence: vec![Evidence::new(None, "the design was never tried")],
        };
    };
    let rto = input
        .scenario
        .design
        .as_ref()
        .map(|d| (d.requirements.rto, d.requirements.rpo));
    match goal.kpi {
        Kpi::Resilience => Measured {
            value: t.resilience,
            evidence: t.faults.iter().map(fault_line).collect(),
        },
        Kpi::TrialAvailability => Measured {
            value: t.availability,
            evidence: vec![Evidence::new(
                None,
                format!(
                    "{:.3}% of requests served within SLO over {} runs ({} faults and peak traffic, {} seeds each)",
                    t.availability,
                    (t.faults.len() + 1) as u32 * t.runs,
                    t.faults.len(),
                    t.runs
                ),
            )],
        },
        Kpi::PeakLatency => Measured {
            value: t.peak_p99_ms,
            evidence: vec![Evidence::new(
                None,
                format!(
                    "with nothing failing, the worst minute's p99 was {:.0} ms; {}",
                    t.peak_p99_ms,
                    lower_first(&t.baseline.story)
                ),
            )],
        },
        Kpi::Rto => Measured {
            value: t.worst_recovery.secs_f64() / 60.0,
            evidence: recovery_lines(t, rto.map(|r| r.0)),
        },
        Kpi::Rpo => Measured {
            value: t.worst_loss_s,
            evidence: loss_lines(t, rto.map(|r| r.1)),
        },
        Kpi::MonthlyCost => Measured {
            value: if t.budget > 0.0 {
                t.monthly_cost / t.budget * 100.0
            } else {
                0.0
            },
            evidence: cost_lines(t),
        },
        Kpi::Constraints => Measured {
            value: t.violations.len() as f64,
            evidence: if t.violations.is_empty() {
                vec![Evidence::new(None, "every constraint of the brief is kept")]
            } else {
                t.violations
                    .iter()
                    .map(|v| Evidence::new(None, v.clone()))
                    .collect()
            },
        },
        _ => unreachable!("only the design KPIs are measured here"),
    }
}

/// "zone eu-b lost (weight 3): failed all 8 runs. The only database server ..."
fn fault_line(f: &FaultOutcome) -> Evidence {
    Evidence::new(
        None,
        format!(
            "{} (weight {}): {}. {}",
            f.name,
            trim(f.weight),
            f.verdict(),
            f.story
        ),
    )
}

fn recovery_lines(t: &TrialRecord, rto: Option<scenarios::Dur>) -> Vec<Evidence> {
    let mut v: Vec<Evidence> = t
        .faults
        .iter()
        .filter(|f| f.worst_recovery.ms() > 0)
        .map(|f| {
            Evidence::new(
                None,
                if f.unrecovered {
                    format!(
                        "{}: not recovered by the end of the window in some runs",
                        f.name
                    )
                } else {
                    format!("{}: outside SLO for up to {}", f.name, f.worst_recovery)
                },
            )
        })
        .collect();
    if v.is_empty() {
        v.push(Evidence::new(
            None,
            "no fault took the service outside its SLO",
        ));
    }
    if let Some(rto) = rto {
        v.push(Evidence::new(None, format!("the brief's RTO is {rto}")));
    }
    v
}

fn loss_lines(t: &TrialRecord, rpo: Option<scenarios::Dur>) -> Vec<Evidence> {
    let mut v: Vec<Evidence> = t
        .faults
        .iter()
        .filter(|f| f.worst_loss_s > 0.0)
        .map(|f| {
            Evidence::new(
                None,
                format!("{}: up to {:.1} s of writes lost", f.name, f.worst_loss_s),
            )
        })
        .collect();
    if v.is_empty() {
        v.push(Evidence::new(None, "no fault lost an acknowledged write"));
    }
    if let Some(rpo) = rpo {
        v.push(Evidence::new(None, format!("the brief's RPO is {rpo}")));
    }
    v
}

fn cost_lines(t: &TrialRecord) -> Vec<Evidence> {
    let mut v = vec![Evidence::new(
        None,
        format!(
            "${} a month against a budget of ${}",
            thousands(t.monthly_cost),
            thousands(t.budget)
        ),
    )];
    v.extend(t.cost.iter().map(|c| {
        Evidence::new(
            None,
            format!(
                "{} in {}: {} host{}, ${} a month",
                c.service,
                c.zone,
                c.hosts,
                if c.hosts == 1 { "" } else { "s" },
                thousands(c.monthly)
            ),
        )
    }));
    v
}

fn trim(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x}")
    }
}

/// `text` with its first letter in lower case, to follow a semicolon.
fn lower_first(text: &str) -> String {
    let mut c = text.chars();
    c.next()
        .map(|f| f.to_lowercase().chain(c).collect())
        .unwrap_or_default()
}
