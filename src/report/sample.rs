//! A realistic report for the renderers' tests: one scenario resolved after a harmful command, a
//! fault and a hint, one never started, and a candidate name that needs escaping everywhere.

use grader::{Counterfactual, Evidence, HintUse, KpiScore};
use scenarios::{Dur, Kpi};

use super::model::{
    Burst, CommandMark, FORMAT, IdleGap, Integrity, Mark, PackInfo, Report, Resume, Sample,
    ScenarioReport, Status, Timeline,
};
use super::sim_clock;

/// The candidate's name: markup, a table separator, a comma and quotes, as a form may allow.
pub const NAME: &str = "Sam O'Hara, \"Jr\" <script>alert(1)</script> | ops";

const START: &str = "02:14";

/// The sample report.
pub fn sample() -> Report {
    Report {
        gameday_report: FORMAT,
        candidate: NAME.into(),
        pack: PackInfo {
            id: "sre-core".into(),
            title: "SRE core incidents".into(),
            role: "Site reliability engineer".into(),
            level: "mid".into(),
            pass: 60.0,
            time_limit_s: 3_600,
            hash: "9f2c4e1b7a0d3c5e8f6a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6a".into(),
        },
        seed: 48_213,
        mode: "exam".into(),
        total: 35.9,
        passed: false,
        complete: false,
        scenarios: vec![disk_full(), expired_cert()],
        integrity: integrity(),
        notes: vec![
            "Graded with pack sre-core (SHA-256 9f2c4e1b…) and gameday's rubric for each scenario."
                .into(),
            "The last line of 01-db-disk-full.journal was cut short (the session was closed \
             mid-write) and was dropped."
                .into(),
        ],
    }
}

/// The sample under another name and total (the pass verdict follows the total).
pub fn named(candidate: &str, total: f64) -> Report {
    let mut report = sample();
    report.candidate = candidate.into();
    report.total = total;
    report.passed = total >= report.pack.pass;
    report
}

fn disk_full() -> ScenarioReport {
    let commands = commands();
    ScenarioReport {
        index: 1,
        id: "db-disk-full".into(),
        title: "Primary database disk filling at 2 a.m.".into(),
        kind: "outage".into(),
        level: "mid".into(),
        variant: "writer=pg_debug_log".into(),
        weight: 1.0,
        status: Status::Resolved,
        journal: Some("01-db-disk-full.journal".into()),
        wall_limit_s: 1_800,
        wall_used_s: 701.6,
        total: 71.8,
        kpis: vec![
            kpi(
                Kpi::TimeToDetect,
                "time to detect",
                20.0,
                (3.5, "min"),
                (2.0, 15.0),
                88.5,
                vec![Evidence::new(
                    Some(Dur(270_000)),
                    "first look at db-1 (df db-1), 3.5 min after its disk began filling",
                )],
            ),
            kpi(
                Kpi::TimeToRecover,
                "time to recover",
                40.0,
                (15.5, "min"),
                (10.0, 45.0),
                84.3,
                vec![
                    Evidence::new(Some(Dur(720_000)), "users affected: p99 above 500 ms"),
                    Evidence::new(Some(Dur(1_650_000)), "back within SLO for good"),
                ],
            ),
            kpi(
                Kpi::ChangeSafety,
                "change safety",
                20.0,
                (1.0, "unsafe actions"),
                (0.0, 3.0),
                66.7,
                vec![Evidence::new(
                    Some(Dur(960_000)),
                    "restart db restarted the only primary while its disk was full; \
                     212 acknowledged writes were retried",
                )],
            ),
            kpi(
                Kpi::Communication,
                "communication",
                20.0,
                (12.0, "min"),
                (0.0, 30.0),
                60.0,
                vec![
                    Evidence::new(
                        Some(Dur(1_440_000)),
                        "first status update 24 min after the page; the cadence is 10 min",
                    ),
                    Evidence::new(None, "root cause named in the resolve message"),
                ],
            ),
        ],
        hints: vec![HintUse {
            index: 0,
            at: Dur(480_000),
            cost: 5.0,
            text: "Look at what is writing to the disk on db-1, not only how full it is.".into(),
        }],
        hint_penalty: 5.0,
        counterfactual: Some(Counterfactual {
            nothing: 18.4,
            reference: 94.0,
            position: Some(70.6),
        }),
        timeline: Timeline {
            start: START.into(),
            end_ms: 35 * 60_000,
            resolved_ms: Some(31 * 60_000),
            slo_p99_ms: 500.0,
            slo_availability_pct: 99.9,
            samples: samples(),
            faults: vec![Mark {
                at_ms: 60_000,
                clock: sim_clock(START, 60_000),
                text: "disk on db-1 starts filling at 48 GB/h (pg_debug_log)".into(),
            }],
            commands,
        },
    }
}

fn expired_cert() -> ScenarioReport {
    ScenarioReport {
        index: 2,
        id: "expired-api-cert".into(),
        title: "The API's certificate expires during the morning peak".into(),
        kind: "outage".into(),
        level: "mid".into(),
        variant: "expiry=09:00".into(),
        weight: 1.0,
        status: Status::NotStarted,
        journal: None,
        wall_limit_s: 1_500,
        wall_used_s: 0.0,
        total: 0.0,
        kpis: Vec::new(),
        hints: Vec::new(),
        hint_penalty: 0.0,
        counterfactual: None,
        timeline: Timeline::default(),
    }
}

fn kpi(
    kpi: Kpi,
    name: &str,
    weight: f64,
    (value, unit): (f64, &str),
    (target, zero): (f64, f64),
    score: f64,
    evidence: Vec<Evidence>,
) -> KpiScore {
    KpiScore {
        kpi,
        name: name.into(),
        weight,
        value,
        unit: unit.into(),
        target,
        zero,
        score,
        evidence,
    }
}

/// Every 30 s for 35 minutes: healthy, then latency climbing as the disk fills, an outage once
/// it is full (worst just after the restart), and recovery after the writer is stopped.
fn samples() -> Vec<Sample> {
    (0..70u64)
        .map(|i| {
            let at_ms = i * 30_000;
            let minute = at_ms as f64 / 60_000.0;
            let wobble = ((i * 37) % 11) as f64;
            let (availability_pct, p99_ms) = match minute {
                m if m < 10.0 => (100.0, 118.0 + wobble * 2.0),
                m if m < 14.0 => (99.97, 180.0 + (m - 10.0) * 160.0 + wobble * 5.0),
                m if m < 16.0 => (81.5 - wobble, 1_650.0 + wobble * 40.0),
                m if m < 17.5 => (42.0 + wobble, 2_400.0 + wobble * 30.0),
                m if m < 21.5 => (78.0 - wobble, 1_900.0 + wobble * 25.0),
                m if m < 27.5 => (99.2 + (m - 21.5) * 0.13, 900.0 - (m - 21.5) * 120.0),
                _ => (100.0, 131.0 + wobble * 2.0),
            };
            Sample {
                at_ms,
                availability_pct,
                p99_ms,
                healthy: availability_pct >= 99.9 && p99_ms <= 500.0,
            }
        })
        .collect()
}

fn commands() -> Vec<CommandMark> {
    let rows: [(u64, &str, &str, Option<&str>, f64); 11] = [
        (80_000, "status", "observe", None, 6.2),
        (210_000, "top", "observe", None, 25.1),
        (270_000, "df db-1", "observe", None, 41.8),
        (
            360_000,
            r#"logs db-1 | grep -i "no space""#,
            "observe",
            None,
            88.3,
        ),
        (480_000, "hint", "help", None, 64.0),
        (
            960_000,
            "restart db",
            "act",
            Some("restarted the only primary while its disk was full: writes failed for 40 s"),
            312.0,
        ),
        (1_260_000, "kill db-1 pg_debug_log", "act", None, 30.5),
        (
            1_270_000,
            "rm db-1 /var/log/postgresql/debug-*.log",
            "act",
            None,
            1.4,
        ),
        (1_275_000, "status", "observe", None, 1.7),
        (
            1_440_000,
            "notify \"db-1 disk freed; writes recovering | watching <p99>\"",
            "communicate",
            None,
            48.0,
        ),
        (
            1_860_000,
            "resolve \"pg_debug_log filled db-1's disk; stopped it and removed the logs\"",
            "resolve",
            None,
            55.2,
        ),
    ];
    rows.iter()
        .zip(1..)
        .map(|(&(at_ms, line, class, harm, gap), n)| CommandMark {
            n,
            at_ms,
            clock: sim_clock(START, at_ms),
            line: line.into(),
            class: class.into(),
            harm: harm.map(Into::into),
            wall_gap_s: Some(gap),
        })
        .collect()
}

fn integrity() -> Integrity {
    Integrity {
        commands: 11,
        wall_used_s: 701.6,
        median_gap_s: Some(41.8),
        idle_gaps: vec![IdleGap {
            scenario: "db-disk-full".into(),
            before_command: 6,
            seconds: 312.0,
        }],
        bursts: vec![Burst {
            scenario: "db-disk-full".into(),
            from_command: 7,
            to_command: 9,
            seconds: 3.1,
            chars_per_s: 21.0,
        }],
        resumes: vec![Resume {
            scenario: "db-disk-full".into(),
            gap_s: 95.0,
        }],
        observations: vec![
            "11 commands in 11 min 42 s of wall-clock time; the median gap between commands \
             was 41.8 s."
                .into(),
            "One gap of 5 min 12 s with no command, before command 6 of db-disk-full.".into(),
            "Commands 7 to 9 of db-disk-full were entered in 3.1 s (21 characters a second), \
             faster than most people type; pasting prepared notes looks the same."
                .into(),
            "The session stopped once (db-disk-full) and was resumed 1 min 35 s later.".into(),
        ],
    }
}
