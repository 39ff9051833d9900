//! Candidate reports: built by replaying an assessment's journals (`build`), rendered as JSON
//! (`model` serialised), Markdown, a self-contained HTML page, and a CSV row per candidate.
//!
//! Every renderer is pure and deterministic: the same reports give the same bytes.

pub mod build;
pub mod csv;
pub mod html;
pub mod integrity;
pub mod markdown;
pub mod model;

pub use build::{build, write_atomically, write_candidate};
#[cfg(test)]
pub mod sample;

use model::{Report, Status};

/// Candidates best first: by total as shown (one decimal) descending, then by name, then by
/// seed, so the order never depends on the order the reports were read in.
pub fn ranked(reports: &[Report]) -> Vec<&Report> {
    let mut out: Vec<&Report> = reports.iter().collect();
    out.sort_by(|a, b| {
        tenths(b.total)
            .cmp(&tenths(a.total))
            .then_with(|| a.candidate.cmp(&b.candidate))
            .then_with(|| a.seed.cmp(&b.seed))
    });
    out
}

/// The place of each candidate of [`ranked`]'s list: equal totals (as shown) share a place and
/// the next place is skipped, as in "1, 2, 2, 4", so no one is ranked above an equal score.
pub fn places(ranked: &[&Report]) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::with_capacity(ranked.len());
    for (i, report) in ranked.iter().enumerate() {
        let shared = i > 0 && tenths(ranked[i - 1].total) == tenths(report.total);
        out.push(if shared { out[i - 1] } else { i + 1 });
    }
    out
}

/// A scenario column of a comparison: every scenario id of the reports, in the order they first
/// appear, so candidates who sat different packs still line up.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub id: String,
    pub title: String,
}

pub fn scenario_columns(reports: &[&Report]) -> Vec<Column> {
    let mut out: Vec<Column> = Vec::new();
    for s in reports.iter().flat_map(|r| &r.scenarios) {
        if !out.iter().any(|c| c.id == s.id) {
            out.push(Column {
                id: s.id.clone(),
                title: s.title.clone(),
            });
        }
    }
    out
}

/// A score or percentage with exactly one decimal; `-0.0` prints as `0.0`, a non-number as `-`.
pub fn one_decimal(x: f64) -> String {
    fixed(x, 1)
}

pub(crate) use crate::render::{fixed, trimmed};

/// A wall-clock span as a person reads it: `4.2 s`, `18 min 12 s`, `30 min`, `1 h 05 min`.
pub fn span(seconds: f64) -> String {
    if !seconds.is_finite() || seconds < 0.0 {
        return "-".into();
    }
    if seconds == 0.0 {
        return "0 s".into();
    }
    if seconds < 59.95 {
        return format!("{} s", fixed(seconds, 1));
    }
    let whole = seconds.round() as u64;
    let (h, m, s) = (whole / 3_600, whole / 60 % 60, whole % 60);
    match (h, m, s) {
        (0, _, 0) => format!("{m} min"),
        (0, _, _) => format!("{m} min {s:02} s"),
        (_, 0, _) => format!("{h} h"),
        _ => format!("{h} h {m:02} min"),
    }
}

/// Simulated time `ms` after the scenario's start, as its clock read: `02:14`.
pub fn sim_clock(start: &str, ms: u64) -> String {
    scenarios::clock_label(start, scenarios::Dur(ms))
}

/// How many scenarios of the report were never started.
pub fn not_started(report: &Report) -> usize {
    count(report, Status::NotStarted)
}

fn count(report: &Report, status: Status) -> usize {
    report
        .scenarios
        .iter()
        .filter(|s| s.status == status)
        .count()
}

/// Whether every scenario was closed, in words: `yes`, or what was not.
pub fn completeness(report: &Report) -> String {
    if report.complete {
        return "yes, every scenario was closed".into();
    }
    let n = report.scenarios.len();
    let mut parts = Vec::new();
    match count(report, Status::Open) {
        0 => {}
        1 => parts.push("1 stopped mid-scenario and never resumed (graded as it stood)".to_owned()),
        k => parts.push(format!(
            "{k} stopped mid-scenario and never resumed (graded as they stood)"
        )),
    }
    match not_started(report) {
        0 => {}
        k => parts.push(format!("{k} of {n} never started (scored 0)")),
    }
    format!("no: {}", parts.join("; "))
}

/// The total in tenths exactly as [`one_decimal`] shows it, for ranking and ties: two totals
/// that print the same are equal.
fn tenths(total: f64) -> i64 {
    let shown: f64 = one_decimal(total).parse().unwrap_or(0.0);
    (shown * 10.0).round() as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample::{named, sample};

    #[test]
    fn ranked_puts_higher_totals_first_and_breaks_ties_by_name() {
        let reports = vec![
            named("Chris", 55.0),
            named("Bea", 72.04),
            named("Ana", 41.2),
            named("Abe", 72.0),
        ];
        let names: Vec<&str> = ranked(&reports)
            .iter()
            .map(|r| r.candidate.as_str())
            .collect();
        assert_eq!(names, ["Abe", "Bea", "Chris", "Ana"]);
    }

    #[test]
    fn places_are_shared_by_equal_totals() {
        let reports = vec![
            named("a", 80.0),
            named("b", 70.0),
            named("c", 70.0),
            named("d", 60.0),
        ];
        assert_eq!(places(&ranked(&reports)), [1, 2, 2, 4]);
    }

    #[test]
    fn scenario_columns_keep_first_appearance_order_without_repeats() {
        let a = sample();
        let mut b = sample();
        b.scenarios.reverse();
        let columns = scenario_columns(&[&a, &b]);
        let ids: Vec<&str> = columns.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["db-disk-full", "expired-api-cert"]);
    }

    #[test]
    fn span_reads_like_a_person_would_say_it() {
        assert_eq!(span(4.24), "4.2 s");
        assert_eq!(span(60.0), "1 min");
        assert_eq!(span(1092.4), "18 min 12 s");
        assert_eq!(span(3_900.0), "1 h 05 min");
        assert_eq!(span(3_600.0), "1 h");
        assert_eq!(span(0.0), "0 s");
        assert_eq!(one_decimal(-0.01), "0.0");
    }
}
