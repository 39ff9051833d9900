//! `gameday explain`: for a scenario's author, what happens with nobody at the keyboard and what
//! the reference solution does about it, side by side on one seed: the faults, the events of each
//! run in time order, the service's health at intervals, and both runs' KPIs.

use engine::{RunRecord, Severity, run_nothing, run_reference};
use scenarios::{Dur, Scenario, clock_label};

use crate::library::Entry;
use crate::render;

/// How many health rows the explanation shows at most.
const HEALTH_ROWS: usize = 16;

pub fn explain(entry: &Entry, seed: u64) -> Result<String, String> {
    let s = &entry.scenario;
    let nothing = run_nothing(s, seed).record();
    let reference = run_reference(s, seed)
        .map_err(|e| {
            format!(
                "{}: reference step {} (`{}`) is refused: {}",
                s.id,
                e.index + 1,
                s.reference[e.index].command,
                e.error
            )
        })?
        .record();
    let fairness = crate::runner::fairness(&entry.source, &entry.text, seed, None)?;
    let mut out = format!(
        "{}: {}\n{} {} | seed {seed} | variant {} | {} of simulated time from {}\n\n",
        s.id,
        s.title,
        s.level.label(),
        s.kind.label(),
        entry.variant.detailed(),
        s.time_limit,
        s.start
    );
    out.push_str("Faults (the same in both runs):\n");
    if nothing.faults.is_empty() {
        out.push_str("  none: this scenario is graded on what the candidate builds or plans\n");
    }
    for f in &nothing.faults {
        out.push_str(&format!(
            "  {}  {} (strikes {})\n",
            clock_label(&s.start, f.at),
            f.what,
            f.struck.join(", ")
        ));
    }
    out.push_str("\nWhat happens, doing nothing against the reference solution:\n");
    out.push_str(&side_by_side(s, &nothing, &reference));
    out.push_str("\nThe service as users saw it (availability %, worst p99 ms):\n");
    out.push_str(&health(s, &nothing, &reference));
    out.push_str(&format!(
        "\nGraded: doing nothing {:.1}, the reference solution {:.1}.\n",
        fairness.nothing.total, fairness.reference.total
    ));
    out.push_str(&fairness.explain(&s.id));
    Ok(out)
}

/// One line of a run's story: first seen at `at`, and how often and until when it recurred.
#[derive(Clone, Debug, PartialEq)]
struct Line {
    at: Dur,
    text: String,
    repeats: usize,
    last: Dur,
}

/// A run's warnings, errors and (for the reference) commands, each distinct line once.
fn story(run: &RunRecord, with_commands: bool) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::new();
    let mut items: Vec<(Dur, String)> = run
        .events
        .iter()
        .filter(|e| e.severity >= Severity::Warn)
        .map(|e| {
            let who = if e.subject.is_empty() {
                String::new()
            } else {
                format!("{}: ", e.subject)
            };
            (e.at, format!("{who}{}", e.text))
        })
        .collect();
    if with_commands {
        items.extend(run.commands.iter().map(|c| (c.at, format!("> {}", c.line))));
        items.sort_by_key(|i| i.0);
    }
    for (at, text) in items {
        match lines
            .iter_mut()
            .find(|l| l.text == text && !text.starts_with("> "))
        {
            Some(l) => {
                l.repeats += 1;
                l.last = at;
            }
            None => lines.push(Line {
                at,
                text,
                repeats: 0,
                last: at,
            }),
        }
    }
    lines
}

/// A row per moment: what the do-nothing run logged, and what the reference did and logged. A
/// line both runs have at the same moment is shown once, across both columns; a line that recurs
/// is shown once with how often.
fn side_by_side(s: &Scenario, nothing: &RunRecord, reference: &RunRecord) -> String {
    let mut left = story(nothing, false);
    let right = story(reference, true);
    // (time, order, [doing nothing, reference]).
    let mut rows: Vec<(Dur, usize, [String; 2])> = Vec::new();
    let describe = |l: &Line| {
        let mut text = truncate(&l.text, 44);
        if l.repeats > 0 {
            text.push_str(&format!(
                " (x{}, to {})",
                l.repeats + 1,
                clock_label(&s.start, l.last)
            ));
        }
        text
    };
    for r in &right {
        match left.iter().position(|l| l == r) {
            Some(i) => {
                let l = left.remove(i);
                rows.push((l.at, 0, [describe(&l), "(same)".into()]));
            }
            None => rows.push((r.at, 2, [String::new(), describe(r)])),
        }
    }
    rows.extend(left.iter().map(|l| (l.at, 1, [describe(l), String::new()])));
    rows.sort_by_key(|r| (r.0, r.1));
    let mut table: Vec<Vec<String>> = Vec::new();
    let mut last = None;
    for (at, _, [a, b]) in rows {
        let clock = clock_label(&s.start, at);
        let shown = if last.as_ref() == Some(&clock) {
            String::new()
        } else {
            clock.clone()
        };
        last = Some(clock);
        table.push(vec![shown, a, b]);
    }
    if table.is_empty() {
        return "  nothing of note happens in either run\n".into();
    }
    render::table(&["time", "doing nothing", "reference solution"], &table)
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}

/// The health of both runs at evenly spaced moments.
fn health(s: &Scenario, nothing: &RunRecord, reference: &RunRecord) -> String {
    let n = nothing.minutes.len().min(reference.minutes.len());
    if n == 0 {
        return "  no traffic was simulated\n".into();
    }
    let per = n.div_ceil(HEALTH_ROWS).max(1);
    let mut rows = Vec::new();
    for start in (0..n).step_by(per) {
        let end = (start + per).min(n);
        let cell = |run: &RunRecord| {
            let m = &run.minutes[start..end];
            let requests: f64 = m.iter().map(|x| x.requests).sum();
            let good: f64 = m.iter().map(|x| x.good).sum();
            let availability = if requests > 0.0 {
                good / requests * 100.0
            } else {
                100.0
            };
            let p99 = m.iter().map(|x| x.p99_ms).fold(0.0, f64::max);
            let flag = if m.iter().all(|x| x.healthy) {
                ""
            } else {
                "  !"
            };
            format!("{availability:>6.2}  {p99:>7.0}{flag}")
        };
        rows.push(vec![
            clock_label(&s.start, nothing.minutes[start].at),
            cell(nothing),
            cell(reference),
        ]);
    }
    let mut out = render::table(&["from", "doing nothing", "reference solution"], &rows);
    out.push_str(&format!(
        "  (one row per {}; `!` marks a stretch with a minute outside the SLO: {}% and p99 {} ms)\n",
        Dur(per as u64 * 60_000),
        s.slo.availability * 100.0,
        s.slo.latency_p99_ms
    ));
    out
}
