//! The cloud slice end to end through the real binary: a scripted session of the autoscaling
//! scenario, briefing to scorecard. (The library test grades every cloud scenario's reference
//! against doing nothing; engine/tests/cloud.rs pins the model's numbers.)

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
