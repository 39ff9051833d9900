//! `Sim`: the engine's public face. Plain types in, plain types out; bevy stays inside.

use bevy_ecs::prelude::{IntoScheduleConfigs, Schedule, World};
use bevy_ecs::schedule::{LogLevel, ScheduleBuildSettings, ScheduleLabel, SingleThreadedExecutor};
use bevy_ecs::system::{IntoSystem, System};
use scenarios::{Dur, Scenario, clock_label};

use crate::actions::{self, Applied};
use crate::command::{Command, Query, parse};
use crate::monitoring::AlertEdit;
use crate::observe::observe;
use crate::record::{CommandClass, CommandRecord, Event, RunRecord};
use crate::resources::{Clock, Faults, Journal, Ledger, Log, ScenarioRes};
use crate::setup::build;
use crate::systems::*;
use crate::views::{Response, View};
use crate::{Action, SimError};

/// Simulated time a candidate spends on a command: reading a screen, typing, a runbook step.
/// It makes looking and acting cost time as they do on a real incident.
pub const LOOK_COST: Dur = Dur(20_000);
pub const ACT_COST: Dur = Dur(30_000);
pub const NOTE_COST: Dur = Dur(60_000);

/// Calm ticks run one by one after a change before a quiet stretch is taken in one step.
const SETTLE_TICKS: usize = 10;

/// The engine's version, recorded in journals: a journal replays only on the engine that wrote it.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

#[derive(ScheduleLabel, Clone, Debug, PartialEq, Eq, Hash)]
struct Tick;

/// The tick: one explicit order, one thread.
pub fn schedule() -> Schedule {
    // Looking for ambiguities was a quarter of building a `Sim`, which grading does three times
    // per journal; the systems are chained, and a test builds the schedule with the check on.
    schedule_checking(LogLevel::Ignore)
}

/// [`schedule`], its build checking for systems touching the same data in no set order at
/// `ambiguity`.
fn schedule_checking(ambiguity: LogLevel) -> Schedule {
    let mut schedule = Schedule::new(Tick);
    schedule.set_executor(SingleThreadedExecutor::new());
    schedule.set_build_settings(ScheduleBuildSettings {
        ambiguity_detection: ambiguity,
        ..ScheduleBuildSettings::default()
    });
    schedule.add_systems(
        (
            fire_faults,
            write_scripted_logs,
            complete_operations,
            secure_estate,
            crate::capacity::deliver_orders,
            run_processes,
            creep_latency,
            track_flows,
            run_hypervisors,
            route_traffic,
            track_replication,
            crate::design::auto_failover,
            crate::storage::run_storage,
            check_health,
            account_slo,
            account_capacity,
            record_metrics,
            evaluate_alerts,
            run_cloud,
            advance_clock,
        )
            .chain(),
    );
    schedule
}

/// A running scenario.
pub struct Sim {
    pub(crate) world: World,
    schedule: Schedule,
    seed: u64,
    /// Steps taken since the start: ticks, and quiet stretches taken as one step each.
    steps: u64,
    /// Calm ticks in a row just run (nothing under way, nothing due, no command, nothing
    /// logged). Callers see
    /// their callees one tick late, so a change takes a tick per tier of the call graph to
    /// settle: only once it has does a quiet stretch go by in one step.
    calm: usize,
    /// Ticks a change takes to settle: one per tier of the call graph at the least (as in
    /// `Sim::new`), and more while queues and their callers adjust to each other.
    settle: usize,
    /// What `coast` reads of the world before each step.
    probe: crate::coast::Probe,
}

impl std::fmt::Debug for Sim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sim")
            .field("scenario", &self.scenario().id)
            .field("seed", &self.seed)
            .field("now", &self.now())
            .finish_non_exhaustive()
    }
}

impl Sim {
    /// Builds the estate, settles the steady state and runs the first tick, so every view has data.
    pub fn new(scenario: &Scenario, seed: u64) -> Sim {
        let mut world = build(scenario, seed);
        crate::history::backfill(&mut world, seed);
        // Callers see their callees one tick late; before t = 0 the estate has been running for
        // ever, so route traffic once per tier of the call graph to reach the steady state.
        let mut route = IntoSystem::into_system(route_traffic);
        route.initialize(&mut world);
        for _ in 0..scenario.topology.services.len() {
            route
                .run((), &mut world)
                .expect("route_traffic's parameters are all present after build");
        }
        let probe = crate::coast::Probe::new(&mut world);
        let mut sim = Sim {
            probe,
            world,
            schedule: schedule(),
            seed,
            steps: 0,
            calm: 0,
            settle: (2 * scenario.topology.services.len()).max(SETTLE_TICKS),
        };
        sim.schedule.run(&mut sim.world);
        sim
    }

    /// The world, for the engine's read-only helpers outside this module.
    pub(crate) fn world(&self) -> &World {
        &self.world
    }

    pub fn scenario(&self) -> &Scenario {
        &self.world.resource::<ScenarioRes>().0
    }

    pub fn now(&self) -> Dur {
        self.world.resource::<Clock>().now
    }

    /// The wall-clock time of day in the scenario, "HH:MM".
    pub fn clock(&self) -> String {
        clock_label(&self.scenario().start, self.now())
    }

    pub fn time_limit(&self) -> Dur {
        self.world.resource::<Clock>().limit
    }

    pub fn resolved(&self) -> bool {
        self.world.resource::<Journal>().resolved_at.is_some()
    }

    /// True once the time limit is reached or the candidate resolved the incident.
    pub fn is_over(&self) -> bool {
        self.resolved() || self.now() >= self.time_limit()
    }

    /// Runs ticks until `d` has passed or the time limit is reached.
    pub fn advance(&mut self, d: Dur) {
        let limit = self.time_limit();
        let target = Dur(self.now().ms().saturating_add(d.ms()).min(limit.ms()));
        while self.now() < target {
            let (quiet, calm) = crate::coast::next(&self.world, &mut self.probe, target);
            let step = if calm && self.calm >= self.settle {
                quiet
            } else {
                self.world.resource::<Clock>().tick
            };
            self.world.resource_mut::<Clock>().step = step;
            let logged = self.world.resource::<Log>().events.len();
            self.schedule.run(&mut self.world);
            // Whatever changes the estate's state writes a line (a fault, a process starting or
            // dying, a backend leaving its pool): a tick that wrote one was not calm.
            let wrote = self.world.resource::<Log>().events.len() != logged;
            self.calm = if calm && !wrote { self.calm + 1 } else { 0 };
            self.steps += 1;
        }
    }

    /// Adds, changes or deletes an alert rule (records nothing; see [`Sim::execute`]).
    pub(crate) fn edit_alerts(&mut self, edit: &AlertEdit) -> Result<Applied, SimError> {
        self.disturbed();
        crate::monitoring::apply(&mut self.world, edit)
    }

    /// Notes that the world was changed from outside the tick: ticks run one by one until the
    /// change has settled.
    pub(crate) fn disturbed(&mut self) {
        self.calm = 0;
    }

    /// Steps the engine has taken since the start: one a tick while anything is happening, one a
    /// quiet stretch otherwise (see `coast`). Benchmarks report it.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Runs to the time limit without the candidate.
    pub fn finish(&mut self) {
        self.advance(self.time_limit());
    }

    /// Answers a query about the estate (records nothing; see [`Sim::execute`]).
    pub fn observe(&self, query: &Query) -> Result<View, SimError> {
        observe(&self.world, query)
    }

    /// Applies an action (records nothing; see [`Sim::execute`]).
    pub fn apply(&mut self, action: &Action) -> Result<Applied, SimError> {
        self.disturbed();
        actions::apply(&mut self.world, action)
    }

    /// Runs one command line as the candidate entered it: parses it, takes effect, records it,
    /// and lets the time it costs pass. A rejected line changes nothing and records nothing.
    pub fn execute(&mut self, line: &str) -> Result<Response, SimError> {
        if self.is_over() {
            return Err(SimError::new("the scenario is over"));
        }
        let command = parse(line).map_err(|e| SimError {
            message: e.message,
            suggestion: e.suggestion,
        })?;
        let at = self.now();
        let line = line.trim().to_owned();
        let (response, class, targets, harm, cost) = match command {
            Command::Look(q) => {
                let view = self.observe(&q)?;
                let targets = match &q {
                    Query::Describe { target }
                    | Query::Metrics { target, .. }
                    | Query::Logs { target, .. } => {
                        vec![target.clone()]
                    }
                    Query::Ping { from, to } | Query::Traceroute { from, to } => {
                        self.ping_targets(&view, from, to)
                    }
                    Query::Routes { node } | Query::Links { node } => {
                        node.iter().cloned().collect()
                    }
                    Query::Verify { host } => vec![host.clone()],
                    Query::Backups { target } => target.iter().cloned().collect(),
                    Query::Firewall { .. } | Query::Certs { .. } => {
                        crate::security::look_targets(&self.world, &view)
                    }
                    // Looking at a hypervisor looks at it and at every VM on it.
                    Query::HvShow { .. } => match &view {
                        View::Hypervisor(h) => std::iter::once(h.row.name.clone())
                            .chain(h.vms.iter().map(|v| v.name.clone()))
                            .collect(),
                        _ => Vec::new(),
                    },
                    Query::Status
                    | Query::Top
                    | Query::Alerts
                    | Query::Cost
                    | Query::Groups
                    | Query::Dns
                    | Query::HvList
                    | Query::Capacity => Vec::new(),
                };
                (
                    Response::View(Box::new(view)),
                    CommandClass::Observe,
                    targets,
                    None,
                    LOOK_COST,
                )
            }
            Command::Act(a) => {
                let applied = self.apply(&a)?;
                (
                    Response::Done(applied.message),
                    CommandClass::Act,
                    applied.targets,
                    applied.harm,
                    ACT_COST,
                )
            }
            Command::Wait(d) => {
                let to = Dur(at.ms().saturating_add(d.ms()).min(self.time_limit().ms()));
                (
                    Response::Waited { from: at, to },
                    CommandClass::Wait,
                    Vec::new(),
                    None,
                    d,
                )
            }
            Command::Note(text) => (
                Response::Noted,
                CommandClass::Note { text },
                Vec::new(),
                None,
                NOTE_COST,
            ),
            Command::Hint => {
                let journal = self.world.resource::<Journal>();
                let index = journal.hints_taken;
                let Some(hint) = self.scenario().hints.get(index) else {
                    return Err(SimError::new("no more hints for this scenario"));
                };
                if let Some(after) = hint.after
                    && self.now() < after
                {
                    return Err(SimError::new(format!(
                        "the next hint is available from {}; look around first",
                        scenarios::clock_label(&self.scenario().start, after)
                    )));
                }
                let response = Response::Hint {
                    index,
                    text: hint.text.clone(),
                    cost: hint.cost,
                };
                self.world.resource_mut::<Journal>().hints_taken += 1;
                (
                    response,
                    CommandClass::Hint { index },
                    Vec::new(),
                    None,
                    Dur::ZERO,
                )
            }
            Command::Alert(edit) => {
                let applied = self.edit_alerts(&edit)?;
                (
                    Response::Done(applied.message),
                    CommandClass::Configure,
                    applied.targets,
                    None,
                    crate::monitoring::ALERT_EDIT_COST,
                )
            }
            Command::Escalate { team, text } => (
                Response::Done(format!(
                    "escalated to {team}: their on-call has your message and will join the incident channel"
                )),
                CommandClass::Escalate { team, text },
                Vec::new(),
                None,
                NOTE_COST,
            ),
            Command::Resolve if self.scenario().design.is_some() => {
                return Err(SimError {
                    message: "this is a design scenario: there is no incident to resolve".into(),
                    suggestion: Some("`submit` hands in your design and runs the trial".into()),
                });
            }
            Command::Submit if self.scenario().design.is_none() => {
                return Err(SimError {
                    message: "there is no design to submit in this scenario".into(),
                    suggestion: Some("`resolve` when the incident is over".into()),
                });
            }
            Command::Resolve | Command::Submit => (
                match self.scenario().design.as_ref() {
                    Some(d) => Response::Submitted {
                        faults: d.trial.faults.len(),
                        runs: d.trial.runs,
                    },
                    None => Response::Resolved,
                },
                CommandClass::Resolve,
                Vec::new(),
                None,
                Dur::ZERO,
            ),
        };
        self.world
            .resource_mut::<Journal>()
            .commands
            .push(CommandRecord {
                at,
                line,
                class: class.clone(),
                targets,
                harm,
            });
        if class == CommandClass::Resolve {
            self.world.resource_mut::<Journal>().resolved_at = Some(at);
            self.finish();
        } else {
            self.advance(cost);
        }
        Ok(response)
    }

    /// Alerts and completed operations not yet shown to the candidate.
    pub fn take_notices(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.world.resource_mut::<Log>().notices)
    }

    /// Names of every host, service and zone, for completion.
    pub fn names(&self) -> Vec<String> {
        self.world
            .resource::<crate::resources::Names>()
            .by_name
            .keys()
            .cloned()
            .collect()
    }

    /// Names of the alert rules in force, for completion.
    pub fn alert_names(&self) -> Vec<String> {
        self.world
            .resource::<crate::resources::Alerts>()
            .states
            .iter()
            .map(|s| s.rule.name.clone())
            .collect()
    }

    /// Names of the autoscaling groups and DNS records, for completion.
    pub fn cloud_names(&self) -> (Vec<String>, Vec<String>) {
        let groups = self.world.resource::<crate::cloud::Groups>();
        let dns = self.world.resource::<crate::cloud::Dns>();
        (
            groups.groups.iter().map(|g| g.name.clone()).collect(),
            dns.records.iter().map(|r| r.name.clone()).collect(),
        )
    }
    /// Backup ids and backup location names, for completion.
    pub fn storage_names(&self) -> (Vec<String>, Vec<String>) {
        crate::storage::names(&self.world)
    }

    /// Names of every hypervisor, for completion.
    pub fn hypervisors(&self) -> Vec<String> {
        self.world.resource::<crate::virt::Virt>().names()
    }
    /// Ids of the host types `order` and `reserve` take, for completion.
    pub fn host_types(&self) -> Vec<String> {
        self.scenario()
            .capacity
            .iter()
            .flat_map(|p| p.host_types.iter().map(|t| t.id.clone()))
            .collect()
    }

    /// Everything the run produced so far.
    pub fn record(&self) -> RunRecord {
        let ledger = self.world.resource::<Ledger>();
        let journal = self.world.resource::<Journal>();
        let mut minutes = ledger.minutes.clone();
        minutes.extend(ledger.current);
        RunRecord {
            scenario: self.scenario().id.clone(),
            seed: self.seed,
            end: self.now(),
            resolved_at: journal.resolved_at,
            commands: journal.commands.clone(),
            faults: self.world.resource::<Faults>().fired.clone(),
            events: self.world.resource::<Log>().events.clone(),
            minutes,
            totals: ledger.totals,
            alerts: self
                .world
                .resource::<crate::resources::Alerts>()
                .firings
                .clone(),
            cost_by_service: self.world.resource::<crate::cost::Spend>().ranked(),
            exposures: self
                .world
                .resource::<crate::security::Security>()
                .exposures
                .clone(),
            placement: crate::virt::broken_rules(&self.world),
            capacity: crate::capacity::record(&self.world),
            trial: self.trial(&journal.commands),
        }
    }
}

impl Sim {
    /// A design scenario's trial of the estate the commands so far built (see [`crate::trial`]).
    fn trial(&self, commands: &[CommandRecord]) -> Option<crate::TrialRecord> {
        self.scenario().design.as_ref()?;
        let build: Vec<String> = commands
            .iter()
            .filter(|c| matches!(c.class, CommandClass::Act | CommandClass::Configure))
            .map(|c| c.line.clone())
            .collect();
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        crate::trial::run_trial(self.scenario(), &build, threads)
    }

    /// A ping looks at both hosts, their zones and every zone on the route: probing a path is
    /// how a link fault is found.
    fn ping_targets(&self, view: &View, from: &str, to: &str) -> Vec<String> {
        let mut t = vec![from.to_owned(), to.to_owned()];
        for host in [from, to] {
            if let Some(h) = crate::effects::host(&self.world, host)
                && let Some(spec) = self.world.get::<crate::components::HostSpec>(h)
            {
                t.push(self.world.resource::<crate::network::Network>().zones[spec.zone].clone());
            }
        }
        if let View::Ping(p) = view {
            t.extend(p.route.iter().cloned());
        }
        if let View::Trace(p) = view {
            t.extend(
                p.hops
                    .iter()
                    .filter(|h| h.name != "*")
                    .map(|h| h.name.clone()),
            );
        }
        t.sort();
        t.dedup();
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_has_no_ambiguities() {
        let scenario = scenarios::load_str(
            "x.ron",
            include_str!("../../content/outage/db-disk-full.ron"),
        )
        .expect("shipped scenario loads");
        let mut world = build(&scenario, 1);
        // Ambiguity detection is set to error: two systems touching the same data in an
        // unspecified order would fail the build of the schedule.
        assert!(
            schedule_checking(LogLevel::Error)
                .initialize(&mut world)
                .is_ok()
        );
    }
}
