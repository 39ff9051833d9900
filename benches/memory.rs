//! Resident memory of a 10,000-host generated estate over one simulated day at 1 s ticks, with
//! metric history downsampled as it ages. Criterion measures time, not memory, so this bench
//! prints the peak resident set (Linux `VmHWM`) of its own process, which does nothing else.
//! `GAMEDAY_BENCH_HOSTS` and `GAMEDAY_BENCH_SPAN` (e.g. `1h`) change the size and the span.

#[allow(
    dead_code,
    reason = "shared with `gameday bench`, which uses all of it"
)]
#[path = "../src/bench.rs"]
mod figures;

use scenarios::Dur;

fn main() {
    // `cargo bench` passes `--bench`; a plain `cargo test --benches` passes nothing and should
    // not spend minutes here.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let hosts = std::env::var("GAMEDAY_BENCH_HOSTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let span = std::env::var("GAMEDAY_BENCH_SPAN")
        .ok()
        .and_then(|v| Dur::parse(&v).ok())
        .unwrap_or(Dur::from_mins(24 * 60));
    let before = figures::peak_rss().unwrap_or(0);
    match figures::memory(hosts, span) {
        Some(peak) => println!(
            "memory: {hosts} hosts over {span}: peak resident {:.1} MB (process before the run: {:.1} MB)",
            peak as f64 / 1e6,
            before as f64 / 1e6
        ),
        None => println!("memory: this system does not report peak resident memory"),
    }
}
