//! The cloud slice end to end: its scenarios' reference beats doing nothing on every variant,
//! a scripted session of the autoscaling scenario, and the model's cloud numbers through the
//! real binary.

use std::path::Path;

use crate::support::ROOT;

/// Totals of the reference and of doing nothing for one shipped cloud scenario on seeds 1-5.
fn scores(file: &str) -> Vec<(u64, String, f64, f64)> {
    let path = Path::new(ROOT).join("content/cloud").join(file);
    let text = std::fs::read_to_string(&path).expect("readable");
    (1..=5)
        .map(|seed| {
            let (s, variant) = scenarios::load_variant(file, &text, seed).expect("loads");
            let reference = engine::run_reference(&s, seed)
                .unwrap_or_else(|e| {
                    panic!("seed {seed}: step {} refused: {}", e.index + 1, e.error)
                })
                .record();
            let targets = grader::reference_targets(&reference);
            let best = grader::grade(&s, &reference, &targets);
            let worst = grader::grade(&s, &engine::run_nothing(&s, seed).record(), &targets);
            if std::env::var_os("GAMEDAY_SCORES").is_some() {
                for (b, w) in best.kpis.iter().zip(&worst.kpis) {
                    eprintln!(
                        "  {:<16} reference {:>9.1} -> {:>5.1}   nothing {:>9.1} -> {:>5.1}",
                        b.name, b.value, b.score, w.value, w.score
                    );
                }
                eprintln!(
                    "{file} seed {seed} ({variant}): reference {}, nothing {}",
                    best.total, worst.total
                );
            }
            (seed, variant.to_string(), best.total, worst.total)
        })
        .collect()
}

#[test]
fn asg_launch_spike_reference_beats_doing_nothing_on_every_spike() {
    for (seed, variant, best, worst) in scores("asg-launch-spike.ron") {
        assert!(
            best >= 85.0 && worst <= 40.0,
            "seed {seed} ({variant}): {best} vs {worst}"
        );
    }
}

#[test]
fn cloud_bill_runaway_reference_beats_doing_nothing_at_every_rate() {
    for (seed, variant, best, worst) in scores("cloud-bill-runaway.ron") {
        assert!(
            best >= 85.0 && worst <= 40.0,
            "seed {seed} ({variant}): {best} vs {worst}"
        );
    }
}

#[test]
fn dc_exit_cutover_reference_beats_doing_nothing_for_every_ttl() {
    for (seed, variant, best, worst) in scores("dc-exit-cutover.ron") {
        assert!(
            best >= 85.0 && worst <= 40.0,
            "seed {seed} ({variant}): {best} vs {worst}"
        );
    }
}

/// Reads the group and the bill, sizes the group ahead of the push, speeds up the policy,
/// watches the spike arrive, hands control back to the policy, and reports the cost.
const ASG_LAUNCH_SPIKE_AHEAD: &str = r#"status
asg show
describe web
cost
help asg
note "Launch at 19:00: web-asg is at 4 c5.xlarge with max 5; each saturates near 100 req/s, so a 3-4x push hits the cap. Raising the autoscaling limits now."
asg set web-asg min 12 max 30
asg policy web-asg target-cpu 60 cooldown 60s warmup 2m
wait 4m
asg show
dns show
wait 8m
status
asg show
asg set web-asg min 4
wait 5m
asg show
cost
note "Push absorbed with no errors; web-asg scaled ahead of it and its policy now tracks 60% CPU. The old max of 5 was the cap."
resolve
"#;

#[test]
fn asg_launch_spike_session_sizes_the_group_ahead_of_the_push() {
    let s = crate::support::Scratch::new("asg-ahead");
    let (out, journal) = s.play(
        "session.jsonl",
        &["asg-launch-spike", "--seed", "1"],
        ASG_LAUNCH_SPIKE_AHEAD,
    );
    let stdout = out.ok();
    assert!(out.stderr.is_empty(), "stderr: {}", out.stderr);
    assert!(journal.exists());
    let text = s.redact(stdout);
    assert!(crate::support::printed_total(&text) >= 90.0, "{text}");
    assert!(text.contains("autoscaling web-asg: launching"), "{text}");
    assert_snap!("asg_launch_spike_ahead_session", text);
}
