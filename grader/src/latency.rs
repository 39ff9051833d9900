//! Latency: minutes in which p99 latency at the entry exceeded the SLO target. A minute in which
//! no request succeeded counts too: nothing was served within the target (a latency SLO counts
//! failed requests as bad, as "99% of requests served within 300 ms" does), and a service that
//! is down must not look fast.

use scenarios::KpiTarget;

use crate::grade::{Input, Measured};
use crate::scorecard::Evidence;
use crate::text::{plural, thousands};

pub(crate) fn measure(input: &Input, _goal: &KpiTarget) -> Measured {
    let limit = input.scenario.slo.latency_p99_ms;
    let slow: Vec<_> = input
        .run
        .minutes
        .iter()
        .filter(|m| m.requests > 0.0 && m.p99_ms > limit)
        .collect();
    let down = input
        .run
        .minutes
        .iter()
        .filter(|m| m.requests > 0.0 && m.good <= 0.0)
        .count();
    let worst = slow
        .iter()
        .copied()
        .reduce(|a, b| if b.p99_ms > a.p99_ms { b } else { a });
    let evidence = match worst {
        None => Evidence::new(
            None,
            format!("p99 stayed within {} ms in every minute", thousands(limit)),
        ),
        Some(worst) => Evidence::new(
            Some(worst.at),
            format!(
                "p99 above {} ms in {}; worst {} ms at {}",
                thousands(limit),
                plural(slow.len(), "minute"),
                thousands(worst.p99_ms),
                input.clock(worst.at)
            ),
        ),
    };
    let mut evidence = vec![evidence];
    if down > 0 {
        evidence.push(Evidence::new(
            None,
            format!(
                "{} in which no request succeeded also count: nothing was served within the target",
                plural(down, "minute")
            ),
        ));
    }
    Measured {
        value: (slow.len() + down) as f64,
        evidence,
    }
}
