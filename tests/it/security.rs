//! The security slice end to end: the shipped security scenarios graded on five seeds, and whole
//! scripted sessions of them.

use std::path::Path;

use crate::support::ROOT;

/// (reference total, nothing total, variant) of a shipped scenario on `seed`.
fn outcome(file: &str, seed: u64) -> (f64, f64, String) {
    let path = Path::new(ROOT).join(file);
    let text = std::fs::read_to_string(&path).expect("readable");
    let (s, variant) = scenarios::load_variant(file, &text, seed).unwrap_or_else(|e| panic!("{e}"));
    let reference = engine::run_reference(&s, seed)
        .unwrap_or_else(|e| panic!("seed {seed}: step {} refused: {}", e.index + 1, e.error))
        .record();
    let targets = grader::reference_targets(&reference);
    let best = grader::grade(&s, &reference, &targets);
    let worst = grader::grade(&s, &engine::run_nothing(&s, seed).record(), &targets);
    if std::env::var_os("SECURITY_OUTCOMES").is_some() {
        for (b, w) in best.kpis.iter().zip(&worst.kpis) {
            eprintln!(
                "  {:<16} ref {:>7.1} -> {:>5.1}   nothing {:>7.1} -> {:>5.1}",
                b.name, b.value, b.score, w.value, w.score
            );
        }
        eprintln!(
            "{file} seed {seed} ({variant}): reference {} nothing {}",
            best.total, worst.total
        );
    }
    (best.total, worst.total, variant.to_string())
}

#[test]
fn security_scenarios_tell_the_reference_from_doing_nothing() {
    for file in [
        "content/security/expired-api-cert.ron",
        "content/security/app-cve-rolling-patch.ron",
        "content/security/db-port-exposed.ron",
    ] {
        for seed in 1..=5 {
            let (best, worst, variant) = outcome(file, seed);
            assert!(
                best >= 85.0 && worst <= 40.0,
                "{file} seed {seed} ({variant}): {best} vs {worst}"
            );
        }
    }
}

fn span(from_min: u64, to_min: Option<u64>) -> engine::ExposureSpan {
    engine::ExposureSpan {
        surface: format!("s{from_min}"),
        subject: "db-1".into(),
        what: "test".into(),
        from: scenarios::Dur::from_mins(from_min),
        to: to_min.map(scenarios::Dur::from_mins),
    }
}

#[test]
fn exposure_minutes_count_overlapping_surfaces_once() {
    // [2, 7) and [5, 9) overlap into [2, 9): 7 min. [20, open) runs to the end at 30: 10 min.
    // A span entirely after the end counts nothing. 7 + 10 = 17 min.
    let spans = [
        span(2, Some(7)),
        span(5, Some(9)),
        span(20, None),
        span(40, None),
    ];
    assert_eq!(
        grader::exposed_minutes(&spans, scenarios::Dur::from_mins(30)),
        17.0
    );
}

/// Plays `lines` at the given times on `file` (seed 1) and grades the run.
fn play(file: &str, lines: &[(u64, &str)]) -> grader::Scorecard {
    let text = std::fs::read_to_string(Path::new(ROOT).join(file)).expect("readable");
    let (s, _) = scenarios::load_variant(file, &text, 1).unwrap_or_else(|e| panic!("{e}"));
    let mut sim = engine::Sim::new(&s, 1);
    for &(at, line) in lines {
        let at = scenarios::Dur::from_secs(at);
        if at > sim.now() {
            sim.advance(scenarios::Dur(at.ms() - sim.now().ms()));
        }
        sim.execute(line).unwrap_or_else(|e| panic!("{line}: {e}"));
    }
    sim.finish();
    let reference = engine::run_reference(&s, 1)
        .expect("reference runs")
        .record();
    grader::grade(&s, &sim.record(), &grader::reference_targets(&reference))
}

#[test]
fn a_late_escalation_that_names_nothing_scores_its_lateness_plus_thirty() {
    // db-port-exposed: the exposure starts at 0s and the escalation is due within 15 min.
    // Escalating at 20m is 5 min late; the message names none of the port, the logins or
    // the change: 5 + 30 = 35 min, past the zero of 30.
    let card = play(
        "content/security/db-port-exposed.ron",
        &[(
            1_200,
            "escalate security \"something odd on the database hosts\"",
        )],
    );
    let k = card.kpi(scenarios::Kpi::Escalation).expect("graded");
    assert_eq!(k.value, 35.0);
    assert_eq!(k.score, 0.0);
    // On time and naming everything: 0 min.
    let card = play(
        "content/security/db-port-exposed.ron",
        &[(
            120,
            "escalate security \"port 5432 open to the internet since change CHG-7731; failed logins from outside\"",
        )],
    );
    assert_eq!(
        card.kpi(scenarios::Kpi::Escalation).expect("graded").value,
        0.0
    );
}

/// Reads the logs, finds the change's rule, reaches for `deny any` (and cuts the app off),
/// sees it in `firewall list`, puts it right, escalates, and closes.
const DB_PORT_EXPOSED_SESSION: &str = r#"logs db-2
firewall list
help firewall
note "Postgres 5432 on db-2 is open to the internet (rule 3 from CHG-7731) and being probed; closing it."
firewall deny any 5432 on db
wait 1m
status
firewall list db
firewall remove 4
firewall remove 3
firewall list db
escalate security "Port 5432 (Postgres) on db-2 was open to the internet from change CHG-7731 (10:33) until 11:24; failed logins from outside addresses in the db logs. Rule removed. Please check for compromise."
cert show
note "Closed: 5432 is internal again; the app lost its database for about 2 minutes while I blocked the port too widely. Escalated to security."
resolve
"#;

#[test]
fn db_port_exposed_session_shows_the_trap_and_the_fix() {
    let s = crate::support::Scratch::new("db-port-exposed");
    let (out, journal) = s.play(
        "session.jsonl",
        &["db-port-exposed", "--seed", "1"],
        DB_PORT_EXPOSED_SESSION,
    );
    let stdout = s.redact(out.ok());
    assert!(journal.exists());
    assert!(stdout.contains("harmful"), "{stdout}");
    assert_snap!("db_port_exposed_session", stdout);
}
