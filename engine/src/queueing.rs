//! M/M/c queueing: Erlang C waiting probability and the exact response-time distribution,
//! from which mean and 99th-percentile latency follow.
//!
//! Response time T = S + W with S ~ Exp(μ) and W = 0 with probability 1 − C, Exp(cμ − λ)
//! otherwise (Kleinrock, *Queueing Systems* vol. 1, §3.4; Gross & Harris, *Fundamentals of
//! Queueing Theory*, §2.3). The tail P(T > t) has a closed form, solved for t by Newton's method.

use crate::math::{exp, ln};

/// A request that has waited this long has been given up on by its client (typical proxy and
/// client timeouts are 5–60 s; 10 s is a common default for internal RPC).
pub const TIMEOUT_MS: f64 = 10_000.0;

/// Utilisation above which the queue is treated as saturated: the backlog grows without bound,
/// excess arrivals time out and the ones served wait about a full timeout.
pub const SATURATED: f64 = 0.995;

/// What one M/M/c station does with its arrivals.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Queue {
    /// λ / (cμ), capped at [`SATURATED`].
    pub rho: f64,
    /// Erlang C: the probability an arrival waits.
    pub p_wait: f64,
    pub mean_ms: f64,
    pub p99_ms: f64,
    /// Share of arrivals that fail: beyond capacity, or waiting past [`TIMEOUT_MS`].
    pub fail: f64,
}

/// Erlang C for `c` servers at offered load `a = λ/μ` (requires a < c), by the numerically stable
/// Erlang B recursion B(k) = a·B(k−1) / (k + a·B(k−1)), then C = c·B / (c − a(1 − B)).
pub fn erlang_c(c: u32, a: f64) -> f64 {
    if a <= 0.0 {
        return 0.0;
    }
    // With far more servers than offered load, waiting is vanishingly rare: the Poisson tail
    // beyond a + 12√a + 30 is below e^-70. Skipping the O(c) recursion keeps large pools cheap.
    if c as f64 >= a + 12.0 * a.sqrt() + 30.0 {
        return 0.0;
    }
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (k as f64 + a * b);
    }
    let c = c as f64;
    (c * b / (c - a * (1.0 - b))).clamp(0.0, 1.0)
}

/// P(T > t) for M/M/c with service rate `mu`, Erlang C `pw` and queue drain rate `theta` = cμ − λ.
fn tail(t: f64, mu: f64, pw: f64, theta: f64) -> (f64, f64) {
    let es = exp(-mu * t);
    let (g, dg) = if (theta - mu).abs() < 1e-9 * mu {
        ((1.0 + mu * t) * es, mu * mu * t * es)
    } else {
        let et = exp(-theta * t);
        (
            (theta * es - mu * et) / (theta - mu),
            theta * mu * (es - et) / (theta - mu),
        )
    };
    // (survival, density)
    ((1.0 - pw) * es + pw * g, (1.0 - pw) * mu * es + pw * dg)
}

/// The time by which a fraction `q` of requests have completed, in the units of 1/`mu`.
fn quantile(q: f64, mu: f64, pw: f64, theta: f64) -> f64 {
    let target = ln(1.0 - q);
    // Start from the slower of the two exponentials; ln P(T>t) is close to linear in t.
    let slow = if pw > 1.0 - q { mu.min(theta) } else { mu };
    let mut t = -target / slow;
    for _ in 0..50 {
        let (s, d) = tail(t, mu, pw, theta);
        if s <= 0.0 || d <= 0.0 {
            break;
        }
        // Newton on ln S(t) − ln(1 − q): derivative is −d/s.
        let step = (ln(s) - target) / (d / s);
        let next = (t + step).max(t / 2.0);
        if (next - t).abs() <= 1e-12 * t.max(1e-12) {
            return next;
        }
        t = next;
    }
    t
}

/// Solves an M/M/c station with `c` servers, arrival rate `lambda` (per second) and mean service
/// time `service_ms`.
pub fn mmc(c: u32, lambda: f64, service_ms: f64) -> Queue {
    let c = c.max(1);
    let mu = 1_000.0 / service_ms.max(1e-9); // per second
    let capacity = c as f64 * mu;
    if lambda <= 0.0 {
        return Queue {
            rho: 0.0,
            p_wait: 0.0,
            mean_ms: service_ms,
            p99_ms: service_ms * ln(100.0),
            fail: 0.0,
        };
    }
    let raw_rho = lambda / capacity;
    if raw_rho >= SATURATED {
        let served = capacity * SATURATED;
        return Queue {
            rho: SATURATED,
            p_wait: 1.0,
            mean_ms: TIMEOUT_MS / 2.0,
            p99_ms: TIMEOUT_MS,
            fail: 1.0 - served / lambda,
        };
    }
    let pw = erlang_c(c, lambda / mu);
    let theta = capacity - lambda;
    let mean_s = 1.0 / mu + pw / theta;
    // Nobody waits: the response time is the exponential service time alone.
    let p99_s = if pw < 1e-12 {
        ln(100.0) / mu
    } else {
        quantile(0.99, mu, pw, theta)
    };
    let timeout_s = TIMEOUT_MS / 1_000.0;
    // Exact: the share of requests not done by the timeout is given up on.
    let fail = tail(timeout_s, mu, pw, theta).0.clamp(0.0, 1.0);
    Queue {
        rho: raw_rho,
        p_wait: pw,
        mean_ms: (mean_s * 1_000.0).min(TIMEOUT_MS),
        p99_ms: (p99_s * 1_000.0).min(TIMEOUT_MS),
        fail,
    }
}

/// The stations solved lately and their solutions. Every instance of a tier in one zone sees the
/// same arrivals and the same service time, so an estate of thousands of hosts has only a handful
/// of distinct stations each tick; [`mmc`] is a pure function, so a remembered answer is the one
/// solving again would give, bit for bit.
#[derive(Debug, Default)]
pub struct Memo {
    /// ((servers, λ bits, service time bits), solution), reused round-robin.
    entries: Vec<((u32, u64, u64), Queue)>,
    next: usize,
}

impl Memo {
    /// Distinct stations remembered at once.
    const SIZE: usize = 16;

    /// [`mmc`], answered from memory when the same station was solved lately.
    pub fn mmc(&mut self, c: u32, lambda: f64, service_ms: f64) -> Queue {
        let key = (c, lambda.to_bits(), service_ms.to_bits());
        if let Some((_, q)) = self.entries.iter().find(|(k, _)| *k == key) {
            return *q;
        }
        let q = mmc(c, lambda, service_ms);
        if self.entries.len() < Self::SIZE {
            self.entries.push((key, q));
        } else {
            self.entries[self.next] = (key, q);
            self.next = (self.next + 1) % Self::SIZE;
        }
        q
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs()
    }

    #[test]
    fn erlang_c_matches_hand_computed_values() {
        // c = 2, a = 1 (ρ = 0.5): C = 1/3.
        assert!(close(erlang_c(2, 1.0), 1.0 / 3.0, 1e-12));
        // c = 1: C = ρ.
        assert!(close(erlang_c(1, 0.8), 0.8, 1e-12));
        // c = 10, a = 8: 0.4092 (standard Erlang C table value).
        assert!(close(erlang_c(10, 8.0), 0.409_2, 1e-3));
    }

    #[test]
    fn erlang_c_cutoff_only_skips_negligible_waits() {
        // Just below the cutoff the exact value is already negligible.
        let a = 100.0;
        let c = (a + 12.0 * 10.0 + 29.0) as u32;
        assert!(erlang_c(c, a) < 1e-20);
        assert_eq!(erlang_c(4_096, 50.0), 0.0);
    }

    #[test]
    fn mm1_response_time_is_exponential() {
        // M/M/1: T ~ Exp(μ − λ). μ = 100/s, λ = 80/s: mean 50 ms, p99 = ln(100)/20 s = 230.26 ms.
        let q = mmc(1, 80.0, 10.0);
        assert!(close(q.mean_ms, 50.0, 1e-9), "{q:?}");
        assert!(close(q.p99_ms, 1_000.0 * ln(100.0) / 20.0, 1e-6), "{q:?}");
    }

    #[test]
    fn mmc_mean_matches_erlang_c_formula() {
        // c = 4, service 20 ms (μ = 50/s), λ = 180/s: W = C/(cμ − λ).
        let q = mmc(4, 180.0, 20.0);
        let pw = erlang_c(4, 3.6);
        assert!(close(q.mean_ms, 1_000.0 * (0.02 + pw / 20.0), 1e-9));
        // The p99 solves the tail equation.
        let (s, _) = tail(q.p99_ms / 1_000.0, 50.0, pw, 20.0);
        assert!(close(s, 0.01, 1e-6));
    }

    #[test]
    fn memo_answers_as_solving_again_would() {
        let mut memo = Memo::default();
        // More distinct stations than it holds, each asked twice in a row and again later.
        for round in 0..2 {
            for i in 0..40 {
                let (c, lambda, ms) = (1 + i % 5, 10.0 + f64::from(i), 7.5 + f64::from(round));
                let direct = mmc(c, lambda, ms);
                assert_eq!(memo.mmc(c, lambda, ms), direct);
                assert_eq!(memo.mmc(c, lambda, ms), direct);
            }
        }
    }

    #[test]
    fn saturation_fails_the_excess() {
        let q = mmc(2, 300.0, 10.0); // capacity 200/s
        assert!(close(q.fail, 1.0 - 200.0 * SATURATED / 300.0, 1e-9));
        assert_eq!(q.p99_ms, TIMEOUT_MS);
    }
}
