//! The design trial: after `submit`, the candidate's estate is built afresh for every run, left to
//! provision and start, and run through the scenario's traffic with one fault of the trial in each
//! run, each fault with several seeds (which host fails, when, the traffic's noise). Fault-free
//! runs at peak measure the design's latency. What survived, what broke first and why, and what
//! the estate costs a month make up the [`TrialRecord`] the grader scores.
//!
//! Runs are independent, so they are spread over the machine's cores; each is deterministic for
//! its seed and the record is assembled in a fixed order, so the result never depends on threads.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use bevy_ecs::prelude::World;
use scenarios::{
    Constraint, Design, Dur, Fault, FaultKind, Scenario, ServiceKind, Spike, TrialFault,
    TrialFaultKind,
};
use serde::Serialize;

use crate::Sim;
use crate::command::{Command, parse};
use crate::components::{HostSpec, HostState, Instance, ServiceSpec, ServiceState};
use crate::cost::{HOURS_PER_MONTH, billed};
use crate::effects::{host_name, serving};
use crate::network::Network;
use crate::resources::{Faults, Ledger, Names};

/// What the trial found: fault by fault, at peak, and in money.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct TrialRecord {
    /// Seeded runs of each fault.
    pub runs: u32,
    pub faults: Vec<FaultOutcome>,
    /// The fault-free runs at peak.
    pub baseline: FaultOutcome,
    /// Weighted share of faults survived, percent.
    pub resilience: f64,
    /// Good requests over every run's window, percent.
    pub availability: f64,
    /// Worst p99 of a minute in the fault-free runs, ms.
    pub peak_p99_ms: f64,
    /// The longest any run stayed outside its SLO after its fault (the window if it never recovered).
    pub worst_recovery: Dur,
    /// The most writes a run lost, as seconds of its write stream.
    pub worst_loss_s: f64,
    pub monthly_cost: f64,
    pub budget: f64,
    /// What the estate costs a month, by service and zone.
    pub cost: Vec<CostLine>,
    /// The brief's constraints the design breaks, one line each.
    pub violations: Vec<String>,
}

/// One trial fault over its seeded runs.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct FaultOutcome {
    pub name: String,
    pub kind: String,
    pub weight: f64,
    pub runs: u32,
    pub survived: u32,
    /// Good requests from the fault to the end of the run, percent, over every run.
    pub availability: f64,
    /// The longest a run stayed outside its SLO after the fault.
    pub worst_recovery: Dur,
    /// Whether some run never came back within its window.
    pub unrecovered: bool,
    /// The most writes a run lost, as seconds of its write stream.
    pub worst_loss_s: f64,
    pub worst_p99_ms: f64,
    /// What the fault did in the first run that failed (or in the first run if all survived):
    /// what broke first and why, and what users saw.
    pub story: String,
}

impl FaultOutcome {
    pub fn verdict(&self) -> String {
        if self.survived == self.runs {
            format!("survived all {} runs", self.runs)
        } else if self.survived == 0 {
            format!("failed all {} runs", self.runs)
        } else {
            format!("survived {} of {} runs", self.survived, self.runs)
        }
    }
}

/// Monthly cost of one service's hosts in one zone.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CostLine {
    pub service: String,
    pub zone: String,
    pub hosts: u32,
    pub monthly: f64,
}

/// One run's measurements.
#[derive(Clone, Debug)]
struct RunOutcome {
    survived: bool,
    requests: f64,
    good: f64,
    recovery: Dur,
    unrecovered: bool,
    loss_s: f64,
    worst_p99_ms: f64,
    story: String,
    cost: Vec<CostLine>,
    violations: Vec<String>,
}

/// Results already computed in this process, by scenario and build: grading a journal, its
/// counterfactuals and its report each ask for the same trial.
static CACHE: Mutex<BTreeMap<String, TrialRecord>> = Mutex::new(BTreeMap::new());
const CACHE_ENTRIES: usize = 64;

/// Runs the trial of `scenario`'s design on the estate `build` makes, on up to `threads` threads.
pub fn run_trial(scenario: &Scenario, build: &[String], threads: usize) -> Option<TrialRecord> {
    scenario.design.as_ref()?;
    let key = format!("{scenario:?}\u{1}{build:?}");
    if let Some(hit) = CACHE.lock().ok().and_then(|c| c.get(&key).cloned()) {
        return Some(hit);
    }
    let record = run_trial_uncached(scenario, build, threads)?;
    if let Ok(mut c) = CACHE.lock() {
        if c.len() >= CACHE_ENTRIES {
            c.clear();
        }
        c.insert(key, record.clone());
    }
    Some(record)
}

/// [`run_trial`] without the cache: every run is simulated.
pub fn run_trial_uncached(
    scenario: &Scenario,
    build: &[String],
    threads: usize,
) -> Option<TrialRecord> {
    let design = scenario.design.as_ref()?;
    let base = trial_scenario(scenario, design);
    let runs = design.trial.runs.max(1);
    // Job `j`: fault `j / runs - 1` (or the fault-free run for the first `runs`), seed `j % runs + 1`.
    let jobs = (design.trial.faults.len() + 1) * runs as usize;
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<RunOutcome>>> = Mutex::new(vec![None; jobs]);
    let threads = threads.clamp(1, jobs.max(1));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let j = next.fetch_add(1, Ordering::Relaxed);
                    if j >= jobs {
                        break;
                    }
                    let fault = (j / runs as usize)
                        .checked_sub(1)
                        .map(|f| &design.trial.faults[f]);
                    let seed = (j % runs as usize) as u64 + 1;
                    let outcome = run_one(&base, design, build, fault, seed);
                    if let Ok(mut r) = results.lock() {
                        r[j] = Some(outcome);
                    }
                }
            });
        }
    });
    let results: Vec<RunOutcome> = results
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .flatten()
        .collect();
    if results.len() != jobs {
        return None;
    }
    Some(assemble(design, runs, &results))
}

/// How many runs a trial of `scenario` makes: the fault-free runs and each fault's, `runs` each.
pub fn trial_runs(scenario: &Scenario) -> usize {
    scenario.design.as_ref().map_or(0, |d| {
        (d.trial.faults.len() + 1) * d.trial.runs.max(1) as usize
    })
}

/// The scenario each run starts from: the estate and traffic of the design scenario, with none of
/// its own faults, lasting the warmup and the window.
fn trial_scenario(scenario: &Scenario, design: &Design) -> Scenario {
    let mut s = scenario.clone();
    s.design = None;
    s.faults.clear();
    s.reference.clear();
    s.transcripts.clear();
    s.hints.clear();
    s.logs.clear();
    s.time_limit = Dur(design.trial.warmup.ms() + design.trial.window.ms());
    s
}

/// SplitMix64 of the seed and a salt: the run's choices, apart from the engine's own noise.
fn mix(seed: u64, salt: u64) -> u64 {
    scenarios::mix64(
        seed.wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .wrapping_add(salt.wrapping_mul(0xD1B5_4A32_D192_ED03)),
    )
}

fn run_one(
    base: &Scenario,
    design: &Design,
    build: &[String],
    fault: Option<&TrialFault>,
    seed: u64,
) -> RunOutcome {
    let window = design.trial.window;
    // The fault strikes in the first quarter of the window, at a time the seed picks to the
    // minute, so the design has most of the window to absorb it.
    let quarter_min = (window.ms() / 4 / 60_000).max(1);
    let strike = Dur(design.trial.warmup.ms() + mix(seed, 1) % quarter_min * 60_000);
    let mut scenario = base.clone();
    if let Some(TrialFault {
        kind: TrialFaultKind::Surge {
            multiplier,
            lasting,
        },
        ..
    }) = fault
    {
        scenario.traffic.spikes.push(Spike {
            at: strike,
            duration: *lasting,
            multiplier: *multiplier,
        });
    }
    let mut sim = Sim::new(&scenario, seed);
    for line in build {
        // The estate is built at once; a command the estate refuses changes nothing, as it did
        // (or would have) in the session.
        match parse(line) {
            Ok(Command::Act(action)) => {
                let _ = sim.apply(&action);
            }
            Ok(Command::Alert(edit)) => {
                let _ = sim.edit_alerts(&edit);
            }
            _ => {}
        }
    }
    if sim.now() < strike {
        sim.advance(Dur(strike.ms() - sim.now().ms()));
    }
    let before = snapshot(&sim.world);
    let (cost, violations) = estate_cost(&sim.world, design);
    sim.disturbed();
    let fired = fault.map(|f| inject(&mut sim.world, &f.kind, seed));
    // Let health checks, failover and the first minute of impact play out, then look again.
    sim.advance(Dur(90_000));
    let after = snapshot(&sim.world);
    sim.finish();
    measure(
        &sim.world,
        design,
        strike,
        fault,
        fired.as_deref(),
        &before,
        &after,
        cost,
        violations,
    )
}

/// Turns a trial fault into the engine's faults on this estate, firing at the next tick.
/// Returns what was struck, for the story.
fn inject(world: &mut World, kind: &TrialFaultKind, seed: u64) -> String {
    let at = world.resource::<crate::resources::Clock>().now;
    let mut faults = Vec::new();
    let struck = match kind {
        TrialFaultKind::HostLoss { service } | TrialFaultKind::DiskFailure { service } => {
            let Some(victim) = victim(world, service, seed) else {
                return format!("{service} had no host to fail");
            };
            let name = host_name(world, victim);
            faults.push(if matches!(kind, TrialFaultKind::HostLoss { .. }) {
                FaultKind::HostCrash { host: name.clone() }
            } else {
                FaultKind::VolumeLoss { host: name.clone() }
            });
            name
        }
        TrialFaultKind::ZoneLoss { zone } => {
            let zi = world
                .resource::<Network>()
                .zones
                .iter()
                .position(|z| z == zone);
            let hosts: Vec<String> = live_hosts(world)
                .into_iter()
                .filter(|&h| world.get::<HostSpec>(h).is_some_and(|s| Some(s.zone) == zi))
                .map(|h| host_name(world, h))
                .collect();
            for h in &hosts {
                faults.push(FaultKind::HostCrash { host: h.clone() });
            }
            if hosts.is_empty() {
                format!("{zone} (no host of the design was there)")
            } else {
                format!("{zone}: {}", hosts.join(", "))
            }
        }
        TrialFaultKind::LinkCut { from, to } => {
            faults.push(FaultKind::LinkDown {
                from: from.clone(),
                to: to.clone(),
            });
            format!("the link {from} - {to}")
        }
        TrialFaultKind::RegionOutage { site } => {
            faults.push(FaultKind::SiteLoss { site: site.clone() });
            site.clone()
        }
        TrialFaultKind::Surge { multiplier, .. } => format!("demand x{multiplier}"),
        TrialFaultKind::HypervisorLoss => {
            let virt = world.resource::<crate::virt::Virt>();
            let load: Vec<(String, usize)> = virt
                .hvs
                .iter()
                .enumerate()
                .map(|(i, hv)| {
                    let vms = live_hosts(world)
                        .into_iter()
                        .filter(|&h| {
                            world.get::<HostSpec>(h).is_some_and(|s| {
                                virt.placement.get(s.order).copied().flatten() == Some(i)
                            }) && world
                                .get::<HostState>(h)
                                .is_some_and(|st| st.power == crate::components::Power::Up)
                        })
                        .count();
                    (hv.name.clone(), vms)
                })
                .collect();
            let most = load.iter().map(|l| l.1).max().unwrap_or(0);
            let busiest: Vec<&(String, usize)> = load.iter().filter(|l| l.1 == most).collect();
            let Some(pick) = (!busiest.is_empty())
                .then(|| busiest[(mix(seed, 3) % busiest.len() as u64) as usize])
            else {
                return "no hypervisor".into();
            };
            faults.push(FaultKind::HypervisorCrash {
                hypervisor: pick.0.clone(),
            });
            format!("{} ({} VMs)", pick.0, pick.1)
        }
    };
    let mut f = world.resource_mut::<Faults>();
    for kind in faults {
        f.pending.push(Fault { at, kind });
    }
    struck
}

/// The host a host or disk fault strikes: a database's primary, otherwise a serving member the
/// seed picks.
fn victim(world: &World, service: &str, seed: u64) -> Option<bevy_ecs::entity::Entity> {
    let s = crate::effects::service(world, service)?;
    let spec = world.get::<ServiceSpec>(s)?;
    let state = world.get::<ServiceState>(s)?;
    if spec.kind == ServiceKind::Database
        && let Some(p) = state.primary
    {
        return Some(p);
    }
    let live: Vec<_> = state
        .members
        .iter()
        .copied()
        .filter(|&m| serving(world, m))
        .collect();
    let pool = if live.is_empty() {
        &state.members
    } else {
        &live
    };
    (!pool.is_empty()).then(|| pool[(mix(seed, 2) % pool.len() as u64) as usize])
}

fn live_hosts(world: &World) -> Vec<bevy_ecs::entity::Entity> {
    world
        .resource::<Names>()
        .hosts
        .iter()
        .copied()
        .filter(|&h| world.get::<HostState>(h).is_some_and(billed))
        .collect()
}

fn zone_name(world: &World, host: bevy_ecs::entity::Entity) -> String {
    world
        .get::<HostSpec>(host)
        .and_then(|s| world.resource::<Network>().zones.get(s.zone).cloned())
        .unwrap_or_default()
}

/// One service as the trial saw it at a moment.
#[derive(Clone, Debug)]
struct ServiceSnap {
    name: String,
    database: bool,
    /// (host, zone, serving)
    members: Vec<(String, String, bool)>,
    primary: Option<String>,
    primary_serving: bool,
}

fn snapshot(world: &World) -> Vec<ServiceSnap> {
    let names = world.resource::<Names>();
    names
        .services
        .iter()
        .filter_map(|&s| {
            let spec = world.get::<ServiceSpec>(s)?;
            let state = world.get::<ServiceState>(s)?;
            Some(ServiceSnap {
                name: spec.name.clone(),
                database: spec.kind == ServiceKind::Database,
                members: state
                    .members
                    .iter()
                    .filter(|&&m| world.get::<HostState>(m).is_some_and(billed))
                    .map(|&m| (host_name(world, m), zone_name(world, m), serving(world, m)))
                    .collect(),
                primary: state.primary.map(|p| host_name(world, p)),
                primary_serving: state.primary.is_some_and(|p| serving(world, p)),
            })
        })
        .collect()
}

/// What the estate costs a month, by service and zone, and the constraints it breaks.
fn estate_cost(world: &World, design: &Design) -> (Vec<CostLine>, Vec<String>) {
    let mut lines: BTreeMap<(String, String), (u32, f64)> = BTreeMap::new();
    let mut violations = Vec::new();
    for h in live_hosts(world) {
        let Some(spec) = world.get::<HostSpec>(h) else {
            continue;
        };
        let service = world
            .get::<Instance>(h)
            .and_then(|i| world.get::<ServiceSpec>(i.service))
            .map_or_else(|| crate::cost::UNASSIGNED.to_owned(), |s| s.name.clone());
        let zone = zone_name(world, h);
        for c in &design.requirements.constraints {
            let Constraint::Placement {
                service: s,
                zones,
                why,
            } = c;
            if *s == service && !zones.contains(&zone) {
                violations.push(format!("{} ({service}) is in {zone}: {why}", spec.name));
            }
        }
        let e = lines.entry((service, zone)).or_default();
        e.0 += 1;
        e.1 += spec.hourly_cost * HOURS_PER_MONTH;
    }
    (
        lines
            .into_iter()
            .map(|((service, zone), (hosts, monthly))| CostLine {
                service,
                zone,
                hosts,
                monthly,
            })
            .collect(),
        violations,
    )
}

#[allow(clippy::too_many_arguments)]
fn measure(
    world: &World,
    design: &Design,
    strike: Dur,
    fault: Option<&TrialFault>,
    struck: Option<&str>,
    before: &[ServiceSnap],
    after: &[ServiceSnap],
    cost: Vec<CostLine>,
    violations: Vec<String>,
) -> RunOutcome {
    let ledger = world.resource::<Ledger>();
    let from = strike.ms() / 60_000 * 60_000;
    let minutes: Vec<_> = ledger
        .minutes
        .iter()
        .chain(ledger.current.iter())
        .filter(|m| m.at.ms() >= from)
        .copied()
        .collect();
    let requests: f64 = minutes.iter().map(|m| m.requests).sum();
    let good: f64 = minutes.iter().map(|m| m.good).sum();
    let worst_p99_ms = minutes.iter().map(|m| m.p99_ms).fold(0.0, f64::max);
    let last_bad = minutes.iter().rposition(|m| !m.healthy);
    let end = world.resource::<crate::resources::Clock>().now;
    let unrecovered = last_bad.is_some_and(|i| i + 1 == minutes.len());
    let recovery = match last_bad {
        None => Dur::ZERO,
        Some(_) if unrecovered => Dur(end.ms().saturating_sub(strike.ms())),
        Some(i) => Dur((minutes[i].at.ms() + 60_000).saturating_sub(strike.ms())),
    };
    let secs = (end.ms().max(1) as f64) / 1_000.0;
    let write_rate = ledger.totals.writes / secs;
    let loss_s = if write_rate > 0.0 {
        ledger.totals.writes_lost / write_rate
    } else {
        0.0
    };
    let r = &design.requirements;
    let survived = !unrecovered && recovery <= r.rto && loss_s <= r.rpo.secs_f64();
    let bad_minutes = minutes.iter().filter(|m| !m.healthy).count();
    let story = story(
        fault,
        struck,
        before,
        after,
        &minutes,
        bad_minutes,
        unrecovered,
        ledger.totals.writes_lost,
        loss_s,
        world,
    );
    RunOutcome {
        survived,
        requests,
        good,
        recovery,
        unrecovered,
        loss_s,
        worst_p99_ms,
        story,
        cost,
        violations,
    }
}

/// What happened, in a sentence or two: what the fault struck, what broke first and why, and
/// what users saw.
#[allow(clippy::too_many_arguments)]
fn story(
    fault: Option<&TrialFault>,
    struck: Option<&str>,
    before: &[ServiceSnap],
    after: &[ServiceSnap],
    minutes: &[crate::MinuteSample],
    bad_minutes: usize,
    unrecovered: bool,
    writes_lost: f64,
    loss_s: f64,
    world: &World,
) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let (Some(f), Some(s)) = (fault, struck) {
        parts.push(format!("{} struck {s}", f.kind.label()));
    }
    for (b, a) in before.iter().zip(after) {
        let live_before = b.members.iter().filter(|m| m.2).count();
        let live_after = a.members.iter().filter(|m| m.2).count();
        if b.database && b.primary_serving && !a.primary_serving {
            let replicas: Vec<&(String, String, bool)> = a
                .members
                .iter()
                .filter(|m| Some(&m.0) != b.primary.as_ref())
                .collect();
            let primary = b.primary.clone().unwrap_or_default();
            let zone = b
                .members
                .iter()
                .find(|m| m.0 == primary)
                .map(|m| m.1.clone())
                .unwrap_or_default();
            let auto = world
                .get_resource::<crate::design::AutoFailover>()
                .is_some_and(|af| af.services.contains_key(&b.name));
            parts.push(if replicas.is_empty() {
                format!(
                    "{}'s only server {primary} (in {zone}) was lost and there was no replica to take over",
                    b.name
                )
            } else if replicas.iter().all(|m| !m.2) {
                format!(
                    "{}'s primary {primary} was lost and every replica ({}) went with it: no replica outside what failed",
                    b.name,
                    replicas
                        .iter()
                        .map(|m| format!("{} in {}", m.0, m.1))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            } else if !auto {
                format!(
                    "{}'s primary {primary} was lost; replica {} was never promoted (automatic failover is off)",
                    b.name, replicas[0].0
                )
            } else {
                format!(
                    "{}'s primary {primary} was lost; {} took over after automatic failover",
                    b.name,
                    a.primary.clone().unwrap_or_else(|| replicas[0].0.clone())
                )
            });
        } else if live_after == 0 && live_before == 1 {
            let (host, zone, _) = &b.members.iter().find(|m| m.2).expect("one was serving");
            parts.push(format!(
                "{}'s only instance {host} (in {zone}) was lost and nothing else serves it",
                b.name
            ));
        } else if live_after == 0 && live_before > 0 {
            let zones: Vec<&str> = {
                let mut z: Vec<&str> = b.members.iter().map(|m| m.1.as_str()).collect();
                z.sort_unstable();
                z.dedup();
                z
            };
            parts.push(format!(
                "{} had no instance left: all {live_before} were in {}",
                b.name,
                zones.join(", ")
            ));
        } else if live_after < live_before {
            parts.push(format!(
                "{} lost {} of {live_before} instances",
                b.name,
                live_before - live_after
            ));
        }
    }
    if writes_lost >= 0.5 {
        parts.push(format!(
            "{} writes lost ({loss_s:.1} s of writes)",
            crate::money(writes_lost.round()).trim_end_matches(".00")
        ));
    }
    let worst = minutes
        .iter()
        .filter(|m| m.requests > 0.0)
        .map(|m| 1.0 - m.good / m.requests)
        .fold(0.0, f64::max);
    let p99 = minutes.iter().map(|m| m.p99_ms).fold(0.0, f64::max);
    // A minute in which nothing succeeded has no latency to speak of.
    let p99 = if p99 > 0.0 {
        format!("p99 of the requests that succeeded up to {p99:.0} ms")
    } else {
        "no request succeeded".to_owned()
    };
    parts.push(if bad_minutes == 0 {
        format!("users saw no SLO breach ({})", p99.replace(" of the requests that succeeded up to", " at most"))
    } else if unrecovered {
        format!(
            "users saw up to {:.0}% errors ({p99}) and it had not recovered when the window closed, {bad_minutes} min outside SLO",
            worst * 100.0
        )
    } else {
        format!(
            "users saw up to {:.0}% errors ({p99}) for {bad_minutes} min outside SLO",
            worst * 100.0
        )
    });
    let mut text = parts.join("; ");
    if let Some(first) = text.get(..1) {
        text = first.to_uppercase() + &text[1..];
    }
    text
}

fn assemble(design: &Design, runs: u32, results: &[RunOutcome]) -> TrialRecord {
    let per = runs as usize;
    let outcome = |name: &str, kind: &str, weight: f64, chunk: &[RunOutcome]| {
        let requests: f64 = chunk.iter().map(|r| r.requests).sum();
        let good: f64 = chunk.iter().map(|r| r.good).sum();
        let story = chunk
            .iter()
            .find(|r| !r.survived)
            .or(chunk.first())
            .map(|r| r.story.clone())
            .unwrap_or_default();
        FaultOutcome {
            name: name.to_owned(),
            kind: kind.to_owned(),
            weight,
            runs,
            survived: chunk.iter().filter(|r| r.survived).count() as u32,
            availability: pct(good, requests),
            worst_recovery: chunk.iter().map(|r| r.recovery).max().unwrap_or(Dur::ZERO),
            unrecovered: chunk.iter().any(|r| r.unrecovered),
            worst_loss_s: chunk.iter().map(|r| r.loss_s).fold(0.0, f64::max),
            worst_p99_ms: chunk.iter().map(|r| r.worst_p99_ms).fold(0.0, f64::max),
            story,
        }
    };
    let baseline = outcome(
        "peak traffic, nothing failing",
        "baseline",
        0.0,
        &results[..per],
    );
    let faults: Vec<FaultOutcome> = design
        .trial
        .faults
        .iter()
        .enumerate()
        .map(|(i, f)| {
            outcome(
                &f.name,
                f.kind.label(),
                f.weight,
                &results[(i + 1) * per..(i + 2) * per],
            )
        })
        .collect();
    let weight: f64 = faults.iter().map(|f| f.weight).sum();
    let resilience = if weight > 0.0 {
        100.0
            * faults
                .iter()
                .map(|f| f.weight * f64::from(f.survived) / f64::from(f.runs.max(1)))
                .sum::<f64>()
            / weight
    } else {
        100.0
    };
    let requests: f64 = results.iter().map(|r| r.requests).sum();
    let good: f64 = results.iter().map(|r| r.good).sum();
    let first = &results[0];
    TrialRecord {
        runs,
        resilience,
        availability: pct(good, requests),
        peak_p99_ms: baseline.worst_p99_ms,
        worst_recovery: faults
            .iter()
            .chain(std::iter::once(&baseline))
            .map(|f| f.worst_recovery)
            .max()
            .unwrap_or(Dur::ZERO),
        worst_loss_s: faults.iter().map(|f| f.worst_loss_s).fold(0.0, f64::max),
        monthly_cost: first.cost.iter().map(|c| c.monthly).sum(),
        budget: design.requirements.monthly_budget,
        cost: first.cost.clone(),
        violations: first.violations.clone(),
        baseline,
        faults,
    }
}

fn pct(part: f64, whole: f64) -> f64 {
    if whole > 0.0 {
        100.0 * part / whole
    } else {
        100.0
    }
}

/// One host of the estate, as a plan sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct EstateHost {
    pub name: String,
    pub service: Option<String>,
    pub zone: String,
    /// A database's primary.
    pub primary: bool,
    pub hourly_cost: f64,
}

/// One service, as a plan sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct EstateService {
    pub name: String,
    pub database: bool,
    /// `scale` can add instances (the service declares `scaling`).
    pub scalable: bool,
    pub max_instances: u32,
    pub auto_failover: bool,
}

impl Sim {
    /// The hosts being paid for, in the order they joined the estate.
    pub fn estate(&self) -> Vec<EstateHost> {
        let w = &self.world;
        live_hosts(w)
            .into_iter()
            .filter_map(|h| {
                let spec = w.get::<HostSpec>(h)?;
                let service = w.get::<Instance>(h).map(|i| i.service);
                Some(EstateHost {
                    name: spec.name.clone(),
                    service: service
                        .and_then(|s| w.get::<ServiceSpec>(s))
                        .map(|s| s.name.clone()),
                    zone: zone_name(w, h),
                    primary: service
                        .and_then(|s| w.get::<ServiceState>(s))
                        .is_some_and(|st| st.primary == Some(h)),
                    hourly_cost: spec.hourly_cost,
                })
            })
            .collect()
    }

    /// The estate's services, in declaration order.
    pub fn services(&self) -> Vec<EstateService> {
        let w = &self.world;
        let auto = w.get_resource::<crate::design::AutoFailover>();
        w.resource::<Names>()
            .services
            .iter()
            .filter_map(|&s| {
                let spec = w.get::<ServiceSpec>(s)?;
                Some(EstateService {
                    name: spec.name.clone(),
                    database: spec.kind == ServiceKind::Database,
                    scalable: spec.scaling.is_some(),
                    max_instances: spec.scaling.as_ref().map_or(0, |x| x.max_instances),
                    auto_failover: auto.is_some_and(|a| a.services.contains_key(&spec.name)),
                })
            })
            .collect()
    }

    /// The estate's zones, in declaration order.
    pub fn zones(&self) -> Vec<String> {
        self.world.resource::<Network>().zones.clone()
    }
}
