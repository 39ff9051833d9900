//! `gameday bench`: measures this machine against the performance goals — engine throughput on
//! generated estates, latency accuracy against queueing theory, time to answer REPL commands and
//! to reach the first prompt, batch regrading, a year-long capacity horizon and resident memory —
//! and prints the figures with the core count. The criterion benchmarks in `benches/` include
//! this file, so `cargo bench` and `gameday bench` measure the same things the same way.
//!
//! Benchmarks time the engine with the wall clock by design; nothing here runs inside a
//! simulation or a grade.
#![allow(
    clippy::disallowed_types,
    reason = "a benchmark times the engine with the wall clock"
)]

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use engine::Sim;
use engine::estate::{self, Station};
use scenarios::{Dur, Scenario};

/// A shipped scenario file: where it came from and its text (each seed picks its variant).
#[derive(Clone, Debug)]
pub struct Shipped {
    pub name: String,
    pub text: String,
}

impl Shipped {
    /// The scenario as seed `seed` plays it.
    pub fn scenario(&self, seed: u64) -> Result<Scenario, String> {
        scenarios::load_variant(&self.name, &self.text, seed)
            .map(|(s, _)| s)
            .map_err(|e| e.to_string())
    }
}

/// Cores this process may run on.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

// ---------------------------------------------------------------------------------------------
// Throughput

/// One run of a generated estate: how long `span` of simulated time took.
#[derive(Clone, Copy, Debug)]
pub struct Throughput {
    pub hosts: usize,
    pub span: Dur,
    pub ticks: u64,
    /// Steps the engine took: one a tick while anything happens, one a quiet stretch otherwise.
    pub steps: u64,
    /// Building the estate and settling its steady state.
    pub setup: Duration,
    pub wall: Duration,
}

impl Throughput {
    /// Simulated seconds per wall-clock second.
    pub fn speed(&self) -> f64 {
        self.span.secs_f64() / self.wall.as_secs_f64()
    }

    /// Simulated server-seconds (hosts × simulated seconds) per wall-clock second.
    pub fn server_seconds(&self) -> f64 {
        self.speed() * self.hosts as f64
    }

    /// Wall-clock nanoseconds per host per tick of simulated time (quiet stretches included).
    pub fn ns_per_host_tick(&self) -> f64 {
        self.wall.as_secs_f64() * 1e9 / (self.ticks as f64 * self.hosts as f64)
    }

    /// Wall-clock nanoseconds per host per step the engine actually took.
    pub fn ns_per_host_step(&self) -> f64 {
        self.wall.as_secs_f64() * 1e9 / (self.steps.max(1) as f64 * self.hosts as f64)
    }

    /// Wall-clock seconds a whole simulated day takes at this speed.
    pub fn day_secs(&self) -> f64 {
        86_400.0 / self.speed()
    }
}

/// Runs a generated estate of `hosts` hosts for `span` at 1 s ticks (see [`estate::estate`]).
pub fn throughput(hosts: usize, span: Dur) -> Throughput {
    let scenario = estate::estate(hosts);
    let start = Instant::now();
    let mut sim = Sim::new(&scenario, 1);
    let setup = start.elapsed();
    let (from, steps) = (sim.now(), sim.steps());
    let start = Instant::now();
    sim.advance(span);
    let wall = start.elapsed();
    let span = Dur(sim.now().ms() - from.ms());
    Throughput {
        hosts,
        span,
        ticks: span.ms() / scenario.tick.ms(),
        steps: sim.steps() - steps,
        setup,
        wall,
    }
}

// ---------------------------------------------------------------------------------------------
// Accuracy

/// The worst disagreement between the engine and queueing theory over a fleet of stations.
#[derive(Clone, Debug)]
pub struct Accuracy {
    pub stations: usize,
    /// Largest relative error of the mean response time, and of the p99.
    pub mean_error: f64,
    pub p99_error: f64,
    /// The station with the largest error of either kind.
    pub worst: String,
}

/// Erlang C by its textbook definition, summing the Poisson terms directly (the engine uses the
/// Erlang B recursion): the probability an arrival waits at `c` servers offered `a` erlangs.
fn erlang_c_reference(c: u32, a: f64) -> f64 {
    let mut term = 1.0; // a^k / k!
    let mut below = 0.0;
    for k in 0..c {
        below += term;
        term *= a / f64::from(k + 1);
    }
    let top = term * f64::from(c) / (f64::from(c) - a);
    top / (below + top)
}

/// Mean and p99 response time (seconds) of an M/M/c station, from Gross & Harris's form of the
/// response-time tail, P(T > t) = e^(−μt) + C·μ·(e^(−μt) − e^(−θt))/(θ − μ) with θ = cμ − λ,
/// solved for the p99 by bisection.
#[allow(
    clippy::disallowed_methods,
    reason = "reference values computed by a benchmark, never part of a run"
)]
fn mmc_reference(c: u32, lambda: f64, mu: f64) -> (f64, f64) {
    let pw = erlang_c_reference(c, lambda / mu);
    let theta = f64::from(c) * mu - lambda;
    let mean = 1.0 / mu + pw / theta;
    let tail = |t: f64| {
        let es = (-mu * t).exp();
        if (theta - mu).abs() < 1e-9 * mu {
            es + pw * mu * t * es
        } else {
            es + pw * mu * (es - (-theta * t).exp()) / (theta - mu)
        }
    };
    let (mut lo, mut hi) = (0.0, 1.0 / mu);
    while tail(hi) > 0.01 {
        hi *= 2.0;
    }
    for _ in 0..200 {
        let mid = (lo + hi) / 2.0;
        if tail(mid) > 0.01 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (mean, (lo + hi) / 2.0)
}

/// The stations of the accuracy fleet: 1 to 32 servers at 50% to 95% utilisation.
pub fn accuracy_stations() -> Vec<Station> {
    let mut v = Vec::new();
    for servers in [1, 2, 4, 8, 16, 32] {
        for rho in [0.50, 0.60, 0.70, 0.80, 0.90, 0.95] {
            v.push(Station { servers, rho });
        }
    }
    v
}

/// Runs a fleet of independent M/M/1 and M/M/c stations and compares each one's mean and p99
/// response time with queueing theory at the arrival rate the station received.
pub fn accuracy() -> Accuracy {
    let stations = accuracy_stations();
    let lambda = 1_000.0;
    let scenario = estate::queue_fleet(&stations, lambda);
    let mut sim = Sim::new(&scenario, 1);
    sim.advance(Dur::from_mins(1));
    let mut out = Accuracy {
        stations: stations.len(),
        mean_error: 0.0,
        p99_error: 0.0,
        worst: String::new(),
    };
    let mut worst = -1.0;
    for (i, st) in stations.iter().enumerate() {
        let Some(seen) = sim.host_latency(&estate::station_host(i)) else {
            continue;
        };
        let ms = st.rho * f64::from(st.servers) * 1_000.0 / lambda;
        let (mean, p99) = mmc_reference(st.servers, seen.lambda, 1_000.0 / ms);
        let e_mean = (seen.mean_ms - mean * 1_000.0).abs() / (mean * 1_000.0);
        let e_p99 = (seen.p99_ms - p99 * 1_000.0).abs() / (p99 * 1_000.0);
        out.mean_error = out.mean_error.max(e_mean);
        out.p99_error = out.p99_error.max(e_p99);
        if e_mean.max(e_p99) > worst {
            worst = e_mean.max(e_p99);
            out.worst = format!(
                "M/M/{} at {:.0}%: mean {:.4} ms (theory {:.4}), p99 {:.4} ms (theory {:.4})",
                st.servers,
                st.rho * 100.0,
                seen.mean_ms,
                mean * 1_000.0,
                seen.p99_ms,
                p99 * 1_000.0
            );
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Interactivity

/// Times of commands answered by the engine.
#[derive(Clone, Debug, Default)]
pub struct Timings {
    /// (scenario, command, time), in the order run.
    pub samples: Vec<(String, String, Duration)>,
}

impl Timings {
    /// The `q` quantile (nearest rank) of the times.
    pub fn quantile(&self, q: f64) -> Duration {
        let mut t: Vec<Duration> = self.samples.iter().map(|s| s.2).collect();
        t.sort();
        if t.is_empty() {
            return Duration::ZERO;
        }
        let rank = ((q * t.len() as f64).ceil() as usize).clamp(1, t.len());
        t[rank - 1]
    }

    /// The slowest command.
    pub fn slowest(&self) -> Option<&(String, String, Duration)> {
        self.samples.iter().max_by_key(|s| s.2)
    }

    /// The commands' answer times, and apart from them the sessions' start times.
    pub fn answers_and_starts(self) -> (Timings, Timings) {
        let (starts, answers) = self.samples.into_iter().partition(|s| s.1 == START);
        (Timings { samples: answers }, Timings { samples: starts })
    }
}

/// What [`commands`] records a session's start as, in place of a command.
const START: &str = "(start)";

fn timed(sim: &mut Sim, id: &str, line: &str, out: &mut Timings) {
    if sim.is_over() {
        return;
    }
    let start = Instant::now();
    // A refused command is answered too; its time counts like any other.
    let _ = std::hint::black_box(sim.execute(line));
    out.samples
        .push((id.to_owned(), line.to_owned(), start.elapsed()));
}

/// Plays each scenario (seed 1) as a candidate would at the REPL, timing every command the
/// engine answers: a round of looks, the reference solution with a `wait` for each pause
/// between its steps, another round of looks, then `wait 6h` (or to the time limit). `resolve`,
/// which plays the rest of the scenario and grades it, is measured with the batch figures.
pub fn commands(shipped: &[Shipped]) -> Result<Timings, String> {
    let mut out = Timings::default();
    for file in shipped {
        let scenario = file.scenario(1)?;
        let id = scenario.id.clone();
        let start = Instant::now();
        let mut sim = Sim::new(&scenario, 1);
        out.samples
            .push((id.clone(), START.into(), start.elapsed()));
        let entry = scenario.traffic.entry.clone();
        let host = scenario
            .topology
            .hosts
            .first()
            .map(|h| h.id.clone())
            .unwrap_or_default();
        let looks = [
            "status".to_owned(),
            "top".to_owned(),
            "alerts".to_owned(),
            format!("describe {host}"),
            format!("metrics {entry} p99 --last 30m"),
            format!("metrics {host} cpu --last 1d"),
            format!("logs {host} --last 1h"),
        ];
        for line in &looks {
            timed(&mut sim, &id, line, &mut out);
        }
        for step in &scenario.reference {
            if step.command.trim() == "resolve" {
                continue;
            }
            if step.at > sim.now() {
                let wait = format!("wait {}", Dur(step.at.ms() - sim.now().ms()));
                timed(&mut sim, &id, &wait, &mut out);
            }
            timed(&mut sim, &id, &step.command, &mut out);
        }
        for line in &looks {
            timed(&mut sim, &id, line, &mut out);
        }
        timed(&mut sim, &id, "wait 6h", &mut out);
    }
    Ok(out)
}

/// Time from starting `gameday play` to its first prompt (ready for a command), `runs` times,
/// sorted.
pub fn first_prompt(exe: &Path, runs: usize) -> Result<Vec<Duration>, String> {
    let mut times = Vec::with_capacity(runs);
    for i in 0..runs {
        let journal =
            std::env::temp_dir().join(format!("gameday-bench-{}-{i}.jsonl", std::process::id()));
        let _ = std::fs::remove_file(&journal);
        let start = Instant::now();
        let mut child = Command::new(exe)
            .args(["play", "--seed", "1", "--color", "never", "--journal"])
            .arg(&journal)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("{}: {e}", exe.display()))?;
        // Piped input is echoed after the prompt as each line is read, so the prompt shows when
        // the session is ready for its first command; end of input then ends the session.
        if let Some(mut stdin) = child.stdin.take() {
            use std::io::Write;
            let _ = stdin.write_all(b"status\n");
        }
        let mut stdout = child.stdout.take().ok_or("no stdout")?;
        let mut seen = Vec::new();
        let mut buf = [0u8; 4096];
        let prompt = b"db-disk-full> ";
        let found = loop {
            match stdout.read(&mut buf) {
                Ok(0) | Err(_) => break false,
                Ok(n) => {
                    seen.extend_from_slice(&buf[..n]);
                    if seen.windows(prompt.len()).any(|w| w == prompt) {
                        break true;
                    }
                }
            }
        };
        let elapsed = start.elapsed();
        let _ = child.wait();
        let _ = std::fs::remove_file(&journal);
        if !found {
            return Err(format!(
                "`{} play` ended without showing a prompt",
                exe.display()
            ));
        }
        times.push(elapsed);
    }
    times.sort();
    Ok(times)
}

// ---------------------------------------------------------------------------------------------
// Batch

/// A journal to regrade: which scenario file, the seed, and the commands with the simulated
/// time each was entered, as a session's journal stores them.
#[derive(Clone, Debug)]
pub struct Journal {
    pub file: usize,
    pub seed: u64,
    pub commands: Vec<(u64, String)>,
}

/// `n` journals over the shipped scenarios and seeds 1, 2, ..., each the commands of the
/// scenario's reference solution (or of one of its test transcripts, in turn) on that seed.
pub fn journals(shipped: &[Shipped], n: usize) -> Result<Vec<Journal>, String> {
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let file = i % shipped.len();
        let seed = (i / shipped.len()) as u64 + 1;
        let scenario = shipped[file].scenario(seed)?;
        let pick = (i / shipped.len()) % (scenario.transcripts.len() + 1);
        let steps = match pick {
            0 => &scenario.reference,
            k => &scenario.transcripts[k - 1].steps,
        };
        let sim = engine::run_steps(&scenario, seed, steps)
            .map_err(|e| format!("{}: step {} refused: {}", scenario.id, e.index + 1, e.error))?;
        let commands = sim
            .record()
            .commands
            .into_iter()
            .map(|c| (c.at.ms(), c.line))
            .collect();
        out.push(Journal {
            file,
            seed,
            commands,
        });
    }
    Ok(out)
}

/// Regrades one journal as `gameday grade` does: makes the seed's variant, replays the commands
/// (each must land at its recorded time), plays the run to its end, and grades it against the
/// reference solution and doing nothing on the same seed. Returns the total.
pub fn regrade(shipped: &[Shipped], journal: &Journal) -> Result<f64, String> {
    let scenario = shipped[journal.file].scenario(journal.seed)?;
    let mut sim = Sim::new(&scenario, journal.seed);
    for (at, line) in &journal.commands {
        // The synthesised journals let time pass between steps as `run_steps` does, where a
        // session's journal has a `wait`: the same ticks either way.
        if sim.now().ms() < *at {
            sim.advance(Dur(at - sim.now().ms()));
        }
        if sim.now().ms() != *at {
            return Err(format!("{}: `{line}` replays at another time", scenario.id));
        }
        sim.execute(line).map_err(|e| e.to_string())?;
    }
    sim.finish();
    let reference = engine::run_reference(&scenario, journal.seed)
        .map_err(|e| format!("{}: reference step {} refused", scenario.id, e.index + 1))?;
    let targets = grader::reference_targets(&reference.record());
    let mut card = grader::grade(&scenario, &sim.record(), &targets);
    let best = grader::grade(&scenario, &reference.record(), &targets).total;
    let nothing = engine::run_nothing(&scenario, journal.seed);
    let worst = grader::grade(&scenario, &nothing.record(), &targets).total;
    grader::compare(&mut card, worst, best);
    Ok(card.total)
}

/// Regrades every journal on `threads` threads; returns the wall time and the totals in journal
/// order (the same on any number of threads: each regrade is deterministic).
pub fn regrade_all(
    shipped: &[Shipped],
    journals: &[Journal],
    threads: usize,
) -> Result<(Duration, Vec<f64>), String> {
    let next = AtomicUsize::new(0);
    let start = Instant::now();
    let mut results: Vec<(usize, Result<f64, String>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads.max(1))
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(j) = journals.get(i) else { break };
                        done.push((i, regrade(shipped, j)));
                    }
                    done
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_default())
            .collect()
    });
    let wall = start.elapsed();
    results.sort_by_key(|r| r.0);
    let totals = results
        .into_iter()
        .map(|(_, r)| r)
        .collect::<Result<Vec<f64>, String>>()?;
    if totals.len() != journals.len() {
        return Err("a regrading thread stopped early".into());
    }
    Ok((wall, totals))
}

// ---------------------------------------------------------------------------------------------
// Long horizons

/// A long run in chunks: setup time and the wall time of each chunk of simulated time.
#[derive(Clone, Debug)]
pub struct Horizon {
    pub id: String,
    pub tick: Dur,
    pub setup: Duration,
    /// (simulated span, wall time) of each chunk.
    pub chunks: Vec<(Dur, Duration)>,
}

impl Horizon {
    pub fn total(&self) -> Duration {
        self.chunks.iter().map(|c| c.1).sum()
    }

    /// Microseconds per tick in chunk `i`.
    pub fn us_per_tick(&self, i: usize) -> f64 {
        let (span, wall) = self.chunks[i];
        wall.as_secs_f64() * 1e6 / (span.ms() / self.tick.ms()).max(1) as f64
    }
}

/// Runs `scenario` (seed 1) to its time limit in `chunks` equal stretches, timing each.
pub fn horizon(scenario: &Scenario, chunks: u64) -> Horizon {
    let start = Instant::now();
    let mut sim = Sim::new(scenario, 1);
    let setup = start.elapsed();
    let step = Dur((sim.time_limit().ms() / chunks.max(1)).max(1));
    let mut out = Horizon {
        id: scenario.id.clone(),
        tick: scenario.tick,
        setup,
        chunks: Vec::new(),
    };
    while !sim.is_over() {
        let from = sim.now();
        let start = Instant::now();
        sim.advance(step);
        out.chunks
            .push((Dur(sim.now().ms() - from.ms()), start.elapsed()));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Memory

/// Peak resident memory of this process so far, in bytes (Linux `VmHWM`), if the system says.
/// A design scenario's trial of its strong design, with as many seeds per fault as make about
/// `runs` runs in all, on every core: (runs, wall time, resilience).
pub fn design_trial(scenario: &Scenario, runs: usize) -> Result<(usize, Duration, f64), String> {
    let mut scenario = scenario.clone();
    let design = scenario
        .design
        .as_mut()
        .ok_or_else(|| format!("{} is not a design scenario", scenario.id))?;
    let groups = design.trial.faults.len() + 1;
    design.trial.runs = runs
        .div_ceil(groups)
        .clamp(1, scenarios::MAX_TRIAL_RUNS as usize) as u32;
    let build: Vec<String> = scenario
        .transcripts
        .iter()
        .find(|t| t.expect == scenarios::Expect::Strong)
        .ok_or_else(|| format!("{} has no strong design", scenario.id))?
        .build();
    let total = engine::trial_runs(&scenario);
    let start = Instant::now();
    let t = engine::run_trial_uncached(&scenario, &build, cores())
        .ok_or_else(|| "the trial did not run".to_owned())?;
    Ok((total, start.elapsed(), t.resilience))
}

pub fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1_024)
}

/// Runs a generated estate of `hosts` hosts for `span` and returns the peak resident memory of
/// the process afterwards. Meaningful in a process that does nothing else (see `--memory`).
pub fn memory(hosts: usize, span: Dur) -> Option<u64> {
    let scenario = estate::estate(hosts);
    let mut sim = Sim::new(&scenario, 1);
    sim.advance(span);
    std::hint::black_box(&sim);
    peak_rss()
}

/// Runs [`memory`] in a fresh process (`exe bench --memory HOSTS --span SPAN`), so nothing else
/// this process allocated counts, and returns the bytes it reports.
pub fn memory_in_child(exe: &Path, hosts: usize, span: Dur) -> Result<u64, String> {
    let out = Command::new(exe)
        .args(["bench", "--memory", &hosts.to_string(), "--span"])
        .arg(span.to_string())
        .output()
        .map_err(|e| format!("{}: {e}", exe.display()))?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.trim()
        .parse()
        .map_err(|_| format!("the memory probe printed `{}`", text.trim()))
}

// ---------------------------------------------------------------------------------------------
// The report

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "NOT met" }
}

/// Measures every goal and prints the figures. `full` runs the full sizes (minutes); otherwise
/// smaller ones that finish in a few seconds, with the full-size figures projected from them.
pub fn run(shipped: &[Shipped], exe: &Path, full: bool) -> Result<(), String> {
    println!(
        "gameday bench: {} core{} available, {} run",
        cores(),
        if cores() == 1 { "" } else { "s" },
        if full {
            "full"
        } else {
            "quick (--full for the full sizes)"
        }
    );
    println!();
    println!("throughput: generated estates at 1 s ticks (services, links, traffic, faults)");
    println!(
        "  {:>7}  {:>8}  {:>9}  {:>9}  {:>7}  {:>14}  {:>17}  {:>12}  {:>12}",
        "hosts",
        "setup",
        "simulated",
        "wall",
        "steps",
        "sim s / wall s",
        "server-s / wall s",
        "ns/host/tick",
        "ns/host/step"
    );
    let sizes: &[(usize, u64)] = if full {
        &[
            (10, 86_400),
            (100, 86_400),
            (1_000, 86_400),
            (10_000, 86_400),
            (100_000, 3_600),
        ]
    } else {
        &[
            (10, 86_400),
            (100, 86_400),
            (1_000, 86_400),
            (10_000, 3_600),
        ]
    };
    let mut day_1000 = None;
    for &(hosts, secs) in sizes {
        let t = throughput(hosts, Dur::from_secs(secs));
        println!(
            "  {:>7}  {:>8}  {:>9}  {:>9}  {:>7}  {:>14.0}  {:>17.0}  {:>12.1}  {:>12.1}",
            hosts,
            format!("{:.3} s", t.setup.as_secs_f64()),
            t.span.to_string(),
            format!("{:.3} s", t.wall.as_secs_f64()),
            t.steps,
            t.speed(),
            t.server_seconds(),
            t.ns_per_host_tick(),
            t.ns_per_host_step()
        );
        if hosts == 1_000 {
            day_1000 = Some(t);
        }
    }
    if let Some(t) = day_1000 {
        // The run starts a tick in (`Sim::new` runs the first), so a day is a tick short of 24 h.
        let measured = if t.span.ms() + 1_000 >= 86_400_000 {
            "measured"
        } else {
            "projected"
        };
        println!(
            "  one day of 1,000 hosts: {:.2} s {measured} (goal under 1 s: {})",
            t.day_secs(),
            verdict(t.day_secs() < 1.0)
        );
    }
    println!();

    let a = accuracy();
    println!(
        "accuracy: {} M/M/1 and M/M/c stations at 50-95% utilisation against Erlang C",
        a.stations
    );
    println!(
        "  worst error: mean {:.4}%, p99 {:.4}% (goal within 2%: {})",
        a.mean_error * 100.0,
        a.p99_error * 100.0,
        verdict(a.mean_error < 0.02 && a.p99_error < 0.02)
    );
    println!("  worst station: {}", a.worst);
    println!();

    let t = commands(shipped)?;
    let (answers, starts) = t.answers_and_starts();
    println!(
        "interactivity: {} commands on {} shipped scenarios (looks, the reference solution, wait 6h)",
        answers.samples.len(),
        shipped.len()
    );
    let p99 = answers.quantile(0.99);
    println!(
        "  answer time: median {}, p99 {}, max {} (goal p99 under 20 ms: {})",
        ms(answers.quantile(0.5)),
        ms(p99),
        ms(answers.quantile(1.0)),
        verdict(p99 < Duration::from_millis(20))
    );
    if let Some((id, line, d)) = answers.slowest() {
        println!("  slowest: `{line}` on {id}, {}", ms(*d));
    }
    let mut waits: Vec<&(String, String, Duration)> = answers
        .samples
        .iter()
        .filter(|s| s.1 == "wait 6h")
        .collect();
    waits.sort_by_key(|s| s.2);
    if let Some(w) = waits.last() {
        println!(
            "  slowest `wait 6h` (or to the time limit): {}, {}",
            w.0,
            ms(w.2)
        );
    }
    println!(
        "  session start (estate built, steady state settled): max {} ({})",
        ms(starts.quantile(1.0)),
        starts.slowest().map_or("", |s| s.0.as_str())
    );
    match first_prompt(exe, if full { 20 } else { 5 }) {
        Ok(times) => {
            let median = times[times.len() / 2];
            println!(
                "  process start to first prompt: median {}, max {} over {} runs (goal under 50 ms: {})",
                ms(median),
                ms(times[times.len() - 1]),
                times.len(),
                verdict(median < Duration::from_millis(50))
            );
        }
        Err(e) => println!("  process start to first prompt: not measured ({e})"),
    }
    println!();

    let threads = cores().min(2);
    let n = if full { 1_000 } else { shipped.len() * 2 };
    let js = journals(shipped, n)?;
    let (wall, _) = regrade_all(shipped, &js, threads)?;
    let per_1000 = wall.as_secs_f64() * 1_000.0 / n as f64;
    println!(
        "batch: regraded {n} journals (replay, reference and doing nothing) in {:.2} s on {threads} thread{}",
        wall.as_secs_f64(),
        if threads == 1 { "" } else { "s" }
    );
    println!(
        "  1,000 journals: {:.1} s {} (goal under 10 s on 2 cores: {})",
        per_1000,
        if full { "measured" } else { "projected" },
        verdict(per_1000 < 10.0)
    );
    println!();

    if let Some(file) = shipped.iter().find(|f| f.name.contains("year-ahead-plan")) {
        let scenario = file.scenario(1)?;
        let h = horizon(&scenario, 12);
        let last = h.chunks.len().saturating_sub(1);
        println!(
            "long horizon: {} ({} at {} ticks): {:.3} s to build with its history, {:.3} s to run",
            h.id,
            scenario.time_limit,
            h.tick,
            h.setup.as_secs_f64(),
            h.total().as_secs_f64()
        );
        println!(
            "  per tick: {:.1} us in the first twelfth, {:.1} us in the last",
            h.us_per_tick(0),
            h.us_per_tick(last)
        );
        println!();
    }

    if let Some(file) = shipped
        .iter()
        .find(|f| f.name.contains("web-shop-one-region"))
    {
        let scenario = file.scenario(1)?;
        let (runs, wall, resilience) = design_trial(&scenario, 200)?;
        println!(
            "design trial: {} (strong design), {runs} seeded runs in {:.2} s on {} thread{}, {:.0} runs per s",
            scenario.id,
            wall.as_secs_f64(),
            cores(),
            if cores() == 1 { "" } else { "s" },
            runs as f64 / wall.as_secs_f64()
        );
        let per_200 = wall.as_secs_f64() * 200.0 / runs as f64;
        println!(
            "  200 runs: {per_200:.2} s (goal under 5 s: {}); the design survived {resilience:.0}% of its faults",
            verdict(per_200 < 5.0)
        );
        println!();
    }

    let (hosts, span) = if full {
        (10_000, Dur::from_mins(24 * 60))
    } else {
        (1_000, Dur::from_mins(60))
    };
    match memory_in_child(exe, hosts, span) {
        Ok(bytes) => println!(
            "memory: peak resident {} for {hosts} hosts over {span}{}",
            mb(bytes),
            if full {
                format!(" (goal under 100 MB: {})", verdict(bytes < 100_000_000))
            } else {
                String::new()
            }
        ),
        Err(e) => println!("memory: not measured ({e})"),
    }
    Ok(())
}
