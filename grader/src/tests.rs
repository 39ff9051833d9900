//! Unit tests: hand-built run records graded against a small disk-filling scenario.

use std::collections::BTreeSet;

use engine::{
    CommandClass, CommandRecord, Event, FaultRecord, MinuteSample, RunRecord, Severity, Totals,
};
use scenarios::{Dur, Hint, Kind, Kpi, KpiTarget, Level, Rubric, Scenario, Slo, Topology, Traffic};

use crate::grade::linear_score;
use crate::{Scorecard, compare, grade};

fn goal(kpi: Kpi, target: f64, zero: f64) -> KpiTarget {
    KpiTarget {
        kpi,
        weight: 1.0,
        target,
        zero,
    }
}

/// Starts at 02:00; the disk on db-1 starts filling at 02:14.
pub(crate) fn scenario(kpis: Vec<KpiTarget>) -> Scenario {
    Scenario {
        id: "disk-full".into(),
        title: "Disk full".into(),
        kind: Kind::Outage,
        level: Level::Mid,
        briefing: String::new(),
        start: "02:00".into(),
        tick: Dur::from_secs(1),
        time_limit: Dur::from_mins(60),
        topology: Topology {
            sites: vec![],
            links: vec![],
            hosts: vec![],
            services: vec![],
            nodes: vec![],
            firewall: vec![],
            hypervisors: vec![],
            anti_affinity: vec![],
        },
        traffic: Traffic {
            entry: "lb".into(),
            base_rps: 100.0,
            diurnal_swing: 0.0,
            peak_hour: 20.0,
            noise: 0.0,
            write_fraction: 0.0,
            spikes: vec![],
            weekend_factor: 1.0,
            growth_pct_per_month: 0.0,
            history: None,
            past_spikes: vec![],
        },
        faults: vec![],
        slo: Slo {
            availability: 0.999,
            latency_p99_ms: 500.0,
            window: Dur::from_mins(30 * 1440),
        },
        alerts: vec![],
        logs: vec![],
        rubric: Rubric {
            kpis,
            root_cause: vec!["disk".into(), "pg_log|log file".into()],
            status_every: Dur::from_mins(15),
            escalation: None,
        },
        hints: vec![
            Hint {
                text: "Which host is paging?".into(),
                cost: 10.0,
                after: None,
            },
            Hint {
                text: "Look at db-1's disk.".into(),
                cost: 5.0,
                after: None,
            },
        ],
        reference: vec![],
        transcripts: vec![],
        variants: vec![],
        cloud: Default::default(),
        storage: None,
        capacity: None,
        design: None,
    }
}

pub(crate) fn run(commands: Vec<CommandRecord>) -> RunRecord {
    RunRecord {
        scenario: "disk-full".into(),
        seed: 7,
        end: Dur::from_mins(60),
        resolved_at: None,
        commands,
        faults: vec![FaultRecord {
            at: Dur::from_mins(14),
            what: "disk filling on db-1 (pg_log writing 12 GB/h)".into(),
            kind: "disk filling".into(),
            struck: vec!["db-1".into(), "postgres".into()],
        }],
        events: vec![],
        minutes: vec![],
        totals: Totals::default(),
        alerts: vec![],
        cost_by_service: vec![],
        exposures: vec![],
        placement: vec![],
        capacity: None,
        trial: None,
    }
}

fn cmd(minute: u64, line: &str, class: CommandClass) -> CommandRecord {
    CommandRecord {
        at: Dur::from_mins(minute),
        line: line.into(),
        class,
        targets: line.split_whitespace().skip(1).map(String::from).collect(),
        harm: None,
    }
}

fn note(minute: u64, text: &str) -> CommandRecord {
    cmd(minute, "note", CommandClass::Note { text: text.into() })
}

/// One sample per minute from 0; `bad` minutes are unhealthy.
fn minutes(count: u64, bad: &[u64]) -> Vec<MinuteSample> {
    (0..count)
        .map(|m| MinuteSample {
            at: Dur::from_mins(m),
            requests: 6_000.0,
            good: 6_000.0,
            p99_ms: 120.0,
            healthy: !bad.contains(&m),
        })
        .collect()
}

pub(crate) fn grade_one(kpi: Kpi, target: f64, zero: f64, run: &RunRecord) -> Scorecard {
    grade(
        &scenario(vec![goal(kpi, target, zero)]),
        run,
        &BTreeSet::new(),
    )
}

pub(crate) fn texts(card: &Scorecard) -> Vec<&str> {
    card.kpis[0]
        .evidence
        .iter()
        .map(|e| e.text.as_str())
        .collect()
}

#[test]
fn score_is_linear_between_target_and_zero() {
    assert_eq!(linear_score(3.0, 5.0, 30.0), 100.0);
    assert_eq!(linear_score(5.0, 5.0, 30.0), 100.0);
    assert_eq!(linear_score(17.5, 5.0, 30.0), 50.0);
    assert_eq!(linear_score(30.0, 5.0, 30.0), 0.0);
    assert_eq!(linear_score(99.0, 5.0, 30.0), 0.0);
    assert_eq!(linear_score(f64::NAN, 5.0, 30.0), 0.0);
}

#[test]
fn detection_counts_first_look_at_struck_entity() {
    let record = run(vec![
        cmd(10, "status db-1", CommandClass::Observe),
        cmd(15, "top app-1", CommandClass::Observe),
        cmd(21, "df db-1", CommandClass::Observe),
        cmd(25, "restart db-1", CommandClass::Act),
    ]);
    let card = grade_one(Kpi::TimeToDetect, 5.0, 30.0, &record);
    let detect = card.kpi(Kpi::TimeToDetect).unwrap();
    assert_eq!(detect.value, 7.0);
    assert_eq!(detect.score, 92.0);
    assert_eq!(
        texts(&card),
        [
            "you first looked at db-1 at 02:21, 7 min after the disk filling began (02:14); target 5 min"
        ]
    );
    assert_eq!(detect.evidence[0].at, Some(Dur::from_mins(21)));
}

#[test]
fn undetected_fault_counts_until_run_end() {
    let card = grade_one(Kpi::TimeToDetect, 5.0, 30.0, &run(vec![]));
    assert_eq!(card.kpis[0].value, 46.0);
    assert_eq!(card.kpis[0].score, 0.0);
    assert!(texts(&card)[0].starts_with(
        "you never looked at any of db-1, postgres after the disk filling at 02:14 ("
    ));
}

#[test]
fn never_recovered_scores_zero() {
    let mut record = run(vec![]);
    record.minutes = minutes(60, &(20..60).collect::<Vec<_>>());
    let card = grade_one(Kpi::TimeToRecover, 10.0, 45.0, &record);
    assert_eq!(card.kpis[0].value, 45.0);
    assert_eq!(card.kpis[0].score, 0.0);
    assert_eq!(
        texts(&card),
        [
            "users first saw an SLO breach at 02:20",
            "still outside the SLO when the run ended at 03:00 (40 unhealthy minutes)",
        ]
    );
}

#[test]
fn recovery_runs_to_the_last_return_within_slo() {
    let mut record = run(vec![]);
    record.minutes = minutes(60, &[20, 21, 22, 25, 26]);
    let card = grade_one(Kpi::TimeToRecover, 10.0, 45.0, &record);
    assert_eq!(card.kpis[0].value, 7.0);
    assert_eq!(card.kpis[0].score, 100.0);
    assert_eq!(
        texts(&card)[1],
        "back within the SLO for good at 02:27, 7 min after the breach began at 02:20 (5 unhealthy minutes)"
    );
}

#[test]
fn change_safety_counts_harmful_as_one_and_needless_as_half() {
    let mut harmful = cmd(25, "restart db-1", CommandClass::Act);
    harmful.harm = Some("restarted the only primary; writes failed".into());
    let record = run(vec![
        cmd(19, "restart app-3", CommandClass::Act),
        cmd(20, "scale lb", CommandClass::Act),
        harmful,
        cmd(30, "kill db-1", CommandClass::Act),
        cmd(31, "status app-3", CommandClass::Observe),
    ]);
    let reference = BTreeSet::from(["lb".to_string()]);
    let card = grade(
        &scenario(vec![goal(Kpi::ChangeSafety, 0.0, 3.0)]),
        &record,
        &reference,
    );
    assert_eq!(card.kpis[0].value, 1.5);
    assert_eq!(card.kpis[0].score, 50.0);
    assert_eq!(
        texts(&card),
        [
            "`restart app-3`: needless — app-3 was not involved in any fault",
            "`restart db-1`: harmful — restarted the only primary; writes failed",
        ]
    );
}

#[test]
fn communication_penalises_silence_beyond_cadence() {
    let record = run(vec![
        note(20, "Investigating errors on checkout"),
        note(40, "DISK on db-1 full of pg_log; rotating"),
    ]);
    let card = grade_one(Kpi::Communication, 0.0, 60.0, &record);
    // Gaps 6, 20 and 20 minutes against a 15-minute cadence.
    assert_eq!(card.kpis[0].value, 10.0);
    assert_eq!(
        texts(&card),
        [
            "first status update at 02:20, 6 min after the first fault (02:14)",
            "longest silence 20 min (02:20 to 02:40) against an expected update every 15 min; 10 min beyond the cadence in all",
            "root cause named at 02:40",
        ]
    );
}

#[test]
fn communication_adds_thirty_when_root_cause_unnamed() {
    let mut record = run(vec![
        note(20, "disk alert on db-1"),
        note(30, "still looking"),
    ]);
    record.resolved_at = Some(Dur::from_mins(35));
    let card = grade_one(Kpi::Communication, 0.0, 60.0, &record);
    assert_eq!(card.kpis[0].value, 30.0);
    assert_eq!(
        texts(&card)[2],
        "no note named the root cause (expected: disk, pg_log or log file); 30 min added"
    );
}

#[test]
fn hints_are_charged_once_against_the_total() {
    let record = run(vec![
        cmd(15, "hint", CommandClass::Hint { index: 1 }),
        cmd(16, "hint", CommandClass::Hint { index: 1 }),
        cmd(17, "hint", CommandClass::Hint { index: 9 }),
    ]);
    let card = grade_one(Kpi::DataLoss, 0.0, 100.0, &record);
    assert_eq!(card.kpis[0].score, 100.0);
    assert_eq!(card.hint_penalty, 5.0);
    assert_eq!(card.total, 95.0);
    assert_eq!(card.hints.len(), 1);
    assert_eq!(card.hints[0].at, Dur::from_mins(15));
}

#[test]
fn availability_is_share_of_error_budget_burned() {
    let mut record = run(vec![]);
    record.minutes = minutes(60, &[]);
    record.minutes[21].good = 3_000.0;
    // 100 rps over 30 days with a 0.1% budget allows 259,200 failures; 2,592 is 1% of that.
    record.totals = Totals {
        requests: 360_000.0,
        good: 357_408.0,
        ..Totals::default()
    };
    let card = grade_one(Kpi::Availability, 0.0, 10.0, &record);
    assert_eq!(card.kpis[0].value, 1.0);
    assert_eq!(card.kpis[0].score, 90.0);
    assert_eq!(
        texts(&card),
        [
            "served 360,000 requests; 2,592 failed (0.72%)",
            "burned 1% of the 30d error budget of a 99.9% SLO",
            "worst minute 02:21: 50.0% of 6,000 requests succeeded",
        ]
    );
}

#[test]
fn latency_counts_slow_minutes_and_cites_the_worst() {
    let mut record = run(vec![]);
    record.minutes = minutes(60, &[]);
    record.minutes[21].p99_ms = 4_812.0;
    record.minutes[22].p99_ms = 900.0;
    record.minutes[23].p99_ms = 4_812.0;
    let card = grade_one(Kpi::Latency, 0.0, 10.0, &record);
    assert_eq!(card.kpis[0].value, 3.0);
    assert_eq!(
        texts(&card),
        ["p99 above 500 ms in 3 minutes; worst 4,812 ms at 02:21"]
    );
}

#[test]
fn data_loss_cites_loss_events() {
    let mut record = run(vec![]);
    record.totals.writes_lost = 340.4;
    record.events = vec![Event {
        at: Dur::from_mins(26),
        subject: "db-2".into(),
        severity: Severity::Error,
        text: "promoted 4 s behind the primary; 340 writes lost".into(),
    }];
    let card = grade_one(Kpi::DataLoss, 0.0, 1_000.0, &record);
    assert_eq!(card.kpis[0].value, 340.0);
    assert_eq!(
        texts(&card),
        [
            "340 acknowledged writes were lost",
            "02:26 db-2: promoted 4 s behind the primary; 340 writes lost",
        ]
    );
}

#[test]
fn empty_record_grades_without_panicking() {
    let all = vec![
        goal(Kpi::Availability, 1.0, 50.0),
        goal(Kpi::TimeToDetect, 5.0, 30.0),
        goal(Kpi::TimeToRecover, 10.0, 45.0),
        goal(Kpi::Latency, 0.0, 10.0),
        goal(Kpi::ChangeSafety, 0.0, 3.0),
        goal(Kpi::DataLoss, 0.0, 100.0),
        goal(Kpi::Communication, 0.0, 60.0),
    ];
    let mut record = run(vec![]);
    record.end = Dur::ZERO;
    record.faults.clear();
    let card = grade(&scenario(all), &record, &BTreeSet::new());
    assert!(
        card.kpis
            .iter()
            .all(|k| k.value.is_finite() && k.score.is_finite())
    );
    // Nothing went wrong, but the root cause was never named.
    assert_eq!(card.kpi(Kpi::Communication).unwrap().value, 30.0);
    assert_eq!(card.total, 92.9);
}

#[test]
fn compare_places_total_between_nothing_and_reference() {
    let mut card = grade_one(Kpi::DataLoss, 0.0, 100.0, &run(vec![]));
    card.total = 50.0;
    compare(&mut card, 20.0, 80.0);
    let cf = card.counterfactual.clone().unwrap();
    assert_eq!(
        (cf.nothing, cf.reference, cf.position),
        (20.0, 80.0, Some(50.0))
    );
    compare(&mut card, 80.0, 80.0);
    assert_eq!(card.counterfactual.unwrap().position, None);
}

#[test]
fn acting_without_looking_is_not_detection() {
    let record = run(vec![cmd(15, "restart db-1", CommandClass::Act)]);
    let card = grade_one(Kpi::TimeToDetect, 5.0, 30.0, &record);
    assert_eq!(
        card.kpis[0].value, 46.0,
        "a blind action is a guess, not a detection"
    );
}

#[test]
fn acting_on_a_healthy_member_of_an_involved_service_is_needless() {
    let mut restart = cmd(20, "restart app-2", CommandClass::Act);
    // The engine lists what was acted on first, then what it belongs to.
    restart.targets = vec!["app-2".into(), "postgres".into()];
    let card = grade_one(Kpi::ChangeSafety, 0.0, 3.0, &run(vec![restart]));
    assert_eq!(card.kpis[0].value, 0.5);
    assert!(texts(&card)[0].contains("needless — app-2 was not involved"));
}

#[test]
fn resolving_while_users_still_suffer_does_not_end_the_need_for_updates() {
    let mut record = run(vec![cmd(14, "resolve", CommandClass::Resolve)]);
    record.resolved_at = Some(Dur::from_mins(14));
    record.minutes = minutes(60, &(20..60).collect::<Vec<_>>());
    let card = grade_one(Kpi::Communication, 0.0, 60.0, &record);
    // Silent from 02:14 to the end of the run (46 min) against a 15 min cadence, and no root cause.
    assert_eq!(card.kpis[0].value, 31.0 + 30.0);
}
