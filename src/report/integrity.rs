//! Integrity signals from the journals' wall-clock times: how long between commands, long idle
//! gaps, runs of commands entered faster than anyone types, and stops and resumes. They are
//! facts for a hiring team to ask about, never a verdict.

use super::model::{Burst, IdleGap, Integrity, Resume};

/// Characters per second beyond which a command was not typed at the prompt. A fast typist
/// manages about 80 words a minute, 6.7 characters a second at five characters a word (Dhakal
/// et al., "Observations on Typing from 136 Million Keystrokes", CHI 2018: mean 52 wpm, top
/// percentile near 120 wpm); 12 a second, about 140 wpm, leaves a wide margin.
pub const TYPED_CHARS_PER_S: f64 = 12.0;

/// This many fast commands in a row make a burst.
pub const BURST_MIN: usize = 3;

/// One scenario's commands as the journal has them.
#[derive(Clone, Debug)]
pub struct Commands<'a> {
    pub scenario: &'a str,
    /// When the scenario was opened, ms since the epoch.
    pub opened_ms: u64,
    /// (number, wall ms, characters) of each command.
    pub commands: Vec<(u64, u64, usize)>,
}

/// Measures the signals. `resumes_ms` are the wall times the program started again, and
/// `resumes` each resume's scenario and stopped time.
pub fn measure(
    scenarios: &[Commands],
    resumes_ms: &[u64],
    resumes: Vec<Resume>,
    wall_used_s: f64,
) -> Integrity {
    let mut gaps = Vec::new();
    let mut idle_gaps = Vec::new();
    let mut bursts = Vec::new();
    for s in scenarios {
        let mut prev = s.opened_ms;
        let mut run: Vec<(u64, f64, usize)> = Vec::new();
        let mut close_run = |run: &mut Vec<(u64, f64, usize)>| {
            if run.len() >= BURST_MIN {
                let seconds: f64 = run.iter().map(|r| r.1).sum();
                let chars: usize = run.iter().map(|r| r.2).sum();
                bursts.push(Burst {
                    scenario: s.scenario.to_owned(),
                    from_command: run[0].0,
                    to_command: run[run.len() - 1].0,
                    seconds: round1(seconds),
                    chars_per_s: round1(chars as f64 / seconds.max(0.001)),
                });
            }
            run.clear();
        };
        for &(n, wall, chars) in &s.commands {
            let gap = gap_s(prev, wall, resumes_ms);
            prev = wall;
            gaps.push(gap);
            if gap >= Integrity::IDLE_S {
                idle_gaps.push(IdleGap {
                    scenario: s.scenario.to_owned(),
                    before_command: n,
                    seconds: round1(gap),
                });
            }
            if (chars as f64) > gap * TYPED_CHARS_PER_S {
                run.push((n, gap, chars));
            } else {
                close_run(&mut run);
            }
        }
        close_run(&mut run);
    }
    let median_gap_s = median(&mut gaps.clone());
    let mut i = Integrity {
        commands: gaps.len(),
        wall_used_s: round1(wall_used_s),
        median_gap_s,
        idle_gaps,
        bursts,
        resumes,
        observations: Vec::new(),
    };
    i.observations = observations(&i);
    i
}

/// Wall-clock seconds from `prev` to `wall`, counted from the last resume in between if there
/// was one: time while the program was stopped is not a gap the candidate left.
pub fn gap_s(prev: u64, wall: u64, resumes_ms: &[u64]) -> f64 {
    let since = resumes_ms
        .iter()
        .copied()
        .filter(|&r| r > prev && r <= wall)
        .max()
        .unwrap_or(prev);
    wall.saturating_sub(since) as f64 / 1_000.0
}

fn median(v: &mut [f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    Some(round1(if v.len().is_multiple_of(2) {
        (v[m - 1] + v[m]) / 2.0
    } else {
        v[m]
    }))
}

/// Rounded to one decimal, `-0.0` as `0.0`.
pub fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0 + 0.0
}

fn minutes(seconds: f64) -> String {
    if seconds < 90.0 {
        format!("{seconds:.0} s")
    } else if (seconds / 60.0).fract() < 0.05 {
        format!("{:.0} min", seconds / 60.0)
    } else {
        format!("{:.1} min", seconds / 60.0)
    }
}

/// The signals in plain sentences, neutral in tone.
fn observations(i: &Integrity) -> Vec<String> {
    let mut out = Vec::new();
    match i.median_gap_s {
        Some(m) => out.push(format!(
            "{} command{} over {} of wall-clock time; a median of {} between commands.",
            i.commands,
            if i.commands == 1 { "" } else { "s" },
            minutes(i.wall_used_s),
            minutes(m)
        )),
        None => out.push("No commands were entered.".into()),
    }
    if i.idle_gaps.is_empty() {
        out.push(format!(
            "No gap of {} or more between commands.",
            minutes(Integrity::IDLE_S)
        ));
    } else {
        let longest = i
            .idle_gaps
            .iter()
            .max_by(|a, b| a.seconds.total_cmp(&b.seconds))
            .expect("non-empty");
        out.push(format!(
            "{} gap{} of {} or more without a command; the longest, {}, came before command {} of {}. Long gaps are often reading and thinking.",
            i.idle_gaps.len(),
            if i.idle_gaps.len() == 1 { "" } else { "s" },
            minutes(Integrity::IDLE_S),
            minutes(longest.seconds),
            longest.before_command,
            longest.scenario
        ));
    }
    if i.bursts.is_empty() {
        out.push("No run of commands came faster than a person types.".into());
    } else {
        let where_: Vec<String> = i
            .bursts
            .iter()
            .map(|b| {
                format!(
                    "{} commands {}-{} ({:.0} characters a second)",
                    b.scenario, b.from_command, b.to_command, b.chars_per_s
                )
            })
            .collect();
        out.push(format!(
            "{} run{} of {BURST_MIN} or more commands entered faster than typing ({TYPED_CHARS_PER_S:.0} characters a second): {}. This is what pasting looks like, from the candidate's own notes or elsewhere; worth asking about, not proof of anything.",
            i.bursts.len(),
            if i.bursts.len() == 1 { "" } else { "s" },
            where_.join("; ")
        ));
    }
    if !i.resumes.is_empty() {
        let stopped: f64 = i.resumes.iter().map(|r| r.gap_s).sum();
        out.push(format!(
            "The session stopped and was resumed {} time{} ({} stopped in all, not counted against the time limits).",
            i.resumes.len(),
            if i.resumes.len() == 1 { "" } else { "s" },
            minutes(stopped)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commands(times: &[(u64, usize)]) -> Commands<'static> {
        Commands {
            scenario: "s",
            opened_ms: 0,
            commands: times
                .iter()
                .enumerate()
                .map(|(i, &(w, c))| (i as u64 + 1, w, c))
                .collect(),
        }
    }

    #[test]
    fn typed_commands_raise_nothing() {
        // 6 s, 10 s, 8 s apart for commands of 6-14 characters.
        let i = measure(
            &[commands(&[(6_000, 6), (16_000, 14), (24_000, 13)])],
            &[],
            vec![],
            24.0,
        );
        assert_eq!(i.commands, 3);
        assert_eq!(i.median_gap_s, Some(8.0));
        assert!(i.bursts.is_empty() && i.idle_gaps.is_empty());
        assert!(i.observations[2].starts_with("No run"));
    }

    #[test]
    fn pasted_runs_and_idle_gaps_are_found() {
        let i = measure(
            &[commands(&[
                (10_000, 6),
                (10_300, 20),
                (10_500, 25),
                (10_900, 30),
                (20_000, 6),
                (420_000, 6),
            ])],
            &[],
            vec![],
            420.0,
        );
        assert_eq!(i.bursts.len(), 1);
        assert_eq!((i.bursts[0].from_command, i.bursts[0].to_command), (2, 4));
        assert_eq!(i.idle_gaps.len(), 1);
        assert_eq!(i.idle_gaps[0].before_command, 6);
        assert_eq!(i.idle_gaps[0].seconds, 400.0);
    }

    #[test]
    fn time_while_stopped_is_not_an_idle_gap() {
        let i = measure(
            &[commands(&[(10_000, 6), (900_000, 6)])],
            &[880_000],
            vec![Resume {
                scenario: "s".into(),
                gap_s: 870.0,
            }],
            30.0,
        );
        assert!(i.idle_gaps.is_empty());
        assert!(i.observations.last().unwrap().contains("resumed 1 time"));
    }
}
