//! Tests of `gameday bench`'s measurements (kept out of `bench.rs`, which the criterion
//! benchmarks include).

use scenarios::Dur;

use crate::bench::*;

#[test]
fn throughput_counts_the_steps_and_a_quiet_estate_coasts() {
    // The generated estate's first fault is at 10 min: nine quiet minutes.
    let t = throughput(20, Dur::from_mins(9));
    assert_eq!((t.hosts, t.span), (20, Dur::from_mins(9)));
    assert_eq!(t.ticks, 540);
    assert!(t.steps > 0 && t.steps <= 20, "{} steps", t.steps);
    assert!(t.ns_per_host_step() > t.ns_per_host_tick());
    assert!(t.server_seconds() > t.speed());
}

#[test]
fn a_regrade_gives_the_same_totals_on_any_number_of_threads_and_the_reference_full_marks() {
    let shipped = [Shipped {
        name: "content/outage/db-disk-full.ron".into(),
        text: include_str!("../content/outage/db-disk-full.ron").into(),
    }];
    let journals = journals(&shipped, 2).expect("journals");
    let (_, one) = regrade_all(&shipped, &journals, 1).expect("regrade");
    let (_, two) = regrade_all(&shipped, &journals, 2).expect("regrade");
    assert_eq!(one, two);
    // The first journal is the reference solution on seed 1: it is its own best.
    assert!(one[0] >= 99.9, "{one:?}");
}
