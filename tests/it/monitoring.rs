//! Monitoring: a whole scripted session of writing alert rules (briefing to scorecard), the
//! help for `alert`, and a journal of alert edits regrading to the total its session printed.

use crate::support::{Scratch, printed_total};

/// Reviews the noisy set, is refused twice, replaces the set with two burn-rate rules, hands over.
const BURN_RATE_REWRITE: &str = r#"alerts
metrics api cpu --last 1h
alert add "cpu > 140%" on api
alert add "burn(1h) > 14.4 for 2m" on edge-1-zone
alert del ApiCpuHigh
alert del EdgeLatency
alert del ApiErrors
alert del PgConnections
alert add "burn(1h) > 14.4 for 2m" on edge as FastBurn
alert add "burn(6h) > 6 for 15m" on edge as SlowBurn
alert list
note "Replaced the storefront alert set: deleted the four cause-based rules and added two SLO burn-rate pages on edge (14.4x over 1h, 6x over 6h)."
resolve
"#;

#[test]
fn burn_rate_rewrite_session_replaces_the_noisy_set() {
    let s = Scratch::new("mon-burn");
    let (out, journal) = s.play(
        "session.jsonl",
        &["burn-rate-rewrite", "--seed", "3"],
        BURN_RATE_REWRITE,
    );
    let stdout = s.redact(out.ok());
    assert!(out.stderr.is_empty(), "stderr: {}", out.stderr);
    let total = printed_total(&stdout);
    assert!(total >= 90.0, "{stdout}");
    assert_snap!("burn_rate_rewrite_session", stdout);
    // Regrading the journal replays the alert edits and prints the same total.
    let regraded = s.grade(&journal, false);
    assert_eq!(printed_total(regraded.ok()), total);
}

#[test]
fn help_alert_explains_rules_and_burn_rates() {
    let text = Scratch::new("mon-help")
        .play("h.jsonl", &["weekend-instrument"], "help alert\nresolve\n")
        .0
        .ok()
        .to_owned();
    assert!(text.contains("usage: alert add \"<rule>\" on <target> | list | del <name>"));
    assert!(text.contains("burn(<window>)"));
}

#[test]
fn alert_edits_replay_to_an_identical_record() {
    let text = std::fs::read_to_string(format!(
        "{}/content/monitoring/weekend-instrument.ron",
        crate::support::ROOT
    ))
    .expect("shipped scenario");
    let (scenario, _) = scenarios::load_variant("weekend-instrument.ron", &text, 4).expect("loads");
    let lines = [
        r#"alert add "memory > 45% for 10m" on ledger"#,
        r#"alert add "burn(1h) > 6 for 5m" on gw as Burn"#,
        r#"alert add "cpu > 70" on ledger"#,
        "wait 6h",
        "alert del ledger-cpu",
        r#"alert add "disk > 60%" on ledger-db"#,
        "resolve",
    ];
    let run = || {
        let mut sim = engine::Sim::new(&scenario, 4);
        for line in lines {
            sim.execute(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        }
        sim.record()
    };
    let (a, b) = (run(), run());
    assert!(!a.alerts.is_empty(), "the rules fired at least once");
    assert_eq!(
        serde_json::to_string(&a).expect("serialises"),
        serde_json::to_string(&b).expect("serialises")
    );
}
