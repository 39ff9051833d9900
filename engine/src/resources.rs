//! Resources: the world-wide state of a run — clock, randomness, names, order, logs, ledgers.

use std::collections::BTreeMap;

use bevy_ecs::prelude::{Entity, Resource};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use scenarios::{Dur, Fault, Scenario};

use crate::metrics::{HostSets, MetricSet};
use crate::record::{CommandRecord, Event, FaultRecord, MinuteSample, Severity, Totals};

/// Simulated time. The only clock the simulation has.
#[derive(Resource, Debug, Clone, Copy)]
pub struct Clock {
    pub now: Dur,
    /// The scenario's tick: the step the engine takes whenever anything is happening.
    pub tick: Dur,
    /// The length of the step being run: the tick, or a whole quiet stretch of several ticks
    /// (see [`crate::coast`]). Systems integrate over it.
    pub step: Dur,
    /// Minutes past midnight at t = 0.
    pub start_minute: u64,
    pub limit: Dur,
}

impl Clock {
    /// Seconds in the step being run.
    pub fn dt_secs(&self) -> f64 {
        self.step.secs_f64()
    }
}

/// The run's only source of randomness: ChaCha8, portable and seeded from the run's seed.
/// Sub-streams are forked per purpose so adding a use of randomness in one place leaves the
/// others' draws unchanged.
#[derive(Resource, Debug)]
pub struct SimRng {
    pub traffic: ChaCha8Rng,
    /// Scanners probing exposed ports.
    pub security: ChaCha8Rng,
    /// Demand noise of the synthesised history before the start.
    pub history: ChaCha8Rng,
}

impl SimRng {
    pub fn new(seed: u64) -> SimRng {
        let mut master = ChaCha8Rng::seed_from_u64(seed);
        // Fields are evaluated in order: `traffic` takes the master's first draw, as it always has.
        SimRng {
            traffic: ChaCha8Rng::seed_from_u64(master.random()),
            security: ChaCha8Rng::seed_from_u64(master.random()),
            history: ChaCha8Rng::seed_from_u64(master.random()),
        }
    }

    /// Approximately standard-normal noise (Irwin–Hall sum of four uniforms, variance 1),
    /// free of transcendental functions so it is bit-identical everywhere.
    pub fn noise(&mut self) -> f64 {
        irwin_hall(&mut self.traffic)
    }

    /// The same noise from the history stream.
    pub fn history_noise(&mut self) -> f64 {
        irwin_hall(&mut self.history)
    }
}

fn irwin_hall(r: &mut ChaCha8Rng) -> f64 {
    let sum: f64 = (0..4).map(|_| r.random::<f64>()).sum();
    (sum - 2.0) * 3f64.sqrt()
}

/// Set while history before the start is being synthesised: how long before the start the
/// hour being routed is. Absent or `None` during the run.
#[derive(Resource, Debug, Default)]
pub struct Backfill {
    pub ago: Option<Dur>,
}

/// The scenario being run, for systems that read its plain data.
#[derive(Resource, Debug)]
pub struct ScenarioRes(pub Scenario);

/// Anything a command can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Host(Entity),
    Service(Entity),
    Zone(usize),
    /// A switch or router, by its index in the network (after the zones).
    Node(usize),
}

/// Names of hosts, services and zones, and the stable orders in which systems visit them.
#[derive(Resource, Debug, Default)]
pub struct Names {
    pub by_name: BTreeMap<String, Target>,
    /// Hosts in declaration order (scaled-out hosts appended).
    pub hosts: Vec<Entity>,
    /// Services in declaration order.
    pub services: Vec<Entity>,
    /// Services ordered so every caller comes before what it calls.
    pub topo: Vec<Entity>,
    pub entry: Option<Entity>,
}

/// The event log, and the notices (pages, completions) the candidate has not yet been shown.
#[derive(Resource, Debug, Default)]
pub struct Log {
    pub events: Vec<Event>,
    pub notices: Vec<Event>,
}

impl Log {
    pub fn push(&mut self, at: Dur, subject: &str, severity: Severity, text: impl Into<String>) {
        self.events.push(Event {
            at,
            subject: subject.to_owned(),
            severity,
            text: text.into(),
        });
    }

    /// Logs the event and shows it to the candidate at the next prompt.
    pub fn notify(&mut self, at: Dur, subject: &str, severity: Severity, text: impl Into<String>) {
        self.push(at, subject, severity, text);
        self.notices
            .push(self.events[self.events.len() - 1].clone());
    }
}

/// The scenario's scripted log lines in time order, and how many have been written.
#[derive(Resource, Debug, Default)]
pub struct ScriptedLogs {
    pub lines: Vec<scenarios::ScriptedLog>,
    pub next: usize,
}

/// Faults not yet fired, soonest first, and those that have.
#[derive(Resource, Debug, Default)]
pub struct Faults {
    pub pending: Vec<Fault>,
    pub fired: Vec<FaultRecord>,
}

/// An operation in progress that completes at a set time.
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    /// A host finished provisioning (`fresh`) or rebooting.
    HostReady { host: Entity, fresh: bool },
    /// Restart an instance into a version (a rolling rollback step).
    RestartInto { host: Entity, version: usize },
    /// A replica finished promotion and takes writes.
    Promote { service: Entity, host: Entity },
    /// A volume resize finished.
    VolumeGrown { host: Entity, gb: f64 },
    /// A backup, verification or restore finished.
    Storage(crate::storage::StorageOp),
}

#[derive(Resource, Debug, Default)]
pub struct Ops {
    /// (due, sequence, op); kept sorted so equal due times complete in the order issued.
    pub queue: Vec<(Dur, u64, Op)>,
    pub seq: u64,
}

impl Ops {
    pub fn schedule(&mut self, due: Dur, op: Op) {
        self.seq += 1;
        let key = (due, self.seq);
        let at = self.queue.partition_point(|(d, s, _)| (*d, *s) <= key);
        self.queue.insert(at, (due, self.seq, op));
    }
}

/// SLO accounting: totals and per-minute samples of the service as users see it.
#[derive(Resource, Debug, Default)]
pub struct Ledger {
    pub totals: Totals,
    pub minutes: Vec<MinuteSample>,
    pub current: Option<MinuteSample>,
    /// Entry p99 and success share in the last tick.
    pub last_p99_ms: f64,
    pub last_ok: f64,
    pub last_rps: f64,
    /// Writes per second reaching the database primary in the last tick.
    pub write_rps: f64,
}

/// Metric history of every host and service, indexed by their `order`.
#[derive(Resource, Debug, Default)]
pub struct Metrics {
    pub hosts: HostSets,
    pub services: Vec<MetricSet>,
}

/// Whose metrics: a host or a service, by its `order`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetricOwner {
    Host(usize),
    Service(usize),
}

impl Metrics {
    pub fn of(&self, owner: MetricOwner) -> Option<&MetricSet> {
        match owner {
            MetricOwner::Host(i) => self.hosts.get(i),
            MetricOwner::Service(i) => self.services.get(i),
        }
    }
}

/// One alert rule in force and its state: the scenario's own, or one the candidate wrote.
#[derive(Clone, Debug)]
pub struct AlertState {
    pub rule: scenarios::AlertRule,
    /// Written by the candidate with `alert add`, rather than shipped with the scenario.
    pub by_candidate: bool,
    /// The rule's target, resolved once when the rule is created.
    pub owner: Option<MetricOwner>,
    pub pending_since: Option<Dur>,
    pub firing_since: Option<Dur>,
    pub fired_count: u32,
    /// For a burn-rate rule, the requests and failures over its window.
    pub burn: Option<crate::monitoring::BurnWindow>,
    /// Index into [`Alerts::firings`] of the firing in progress.
    pub open: Option<usize>,
}

/// The alert rules in force, in the order they were created, and every time one fired.
#[derive(Resource, Debug, Default)]
pub struct Alerts {
    pub states: Vec<AlertState>,
    pub firings: Vec<crate::record::AlertFiring>,
}

/// What the candidate has done, for the run record.
#[derive(Resource, Debug, Default)]
pub struct Journal {
    pub commands: Vec<CommandRecord>,
    pub resolved_at: Option<Dur>,
    pub hints_taken: usize,
}
