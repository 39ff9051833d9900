//! Candidate-authored alert rules: the `alert add|list|del` language, the checks that refuse a
//! rule that could never fire, and the sliding window behind SLO burn-rate rules.
//!
//! A rule the candidate writes becomes an [`AlertState`] beside the scenario's own and is
//! evaluated by `evaluate_alerts` exactly as they are.

use std::collections::VecDeque;

use bevy_ecs::prelude::{Entity, Resource, World};
use scenarios::{AlertRule, Dur, MIN_BURN_WINDOW, Metric, never_holds};

use crate::SimError;
use crate::actions::Applied;
use crate::command::{Command, ParseError};
use crate::components::{HostSpec, Instance, ServiceSpec, ServiceState};
use crate::effects::now;
use crate::metrics::MetricSet;
use crate::observe::resolve;
use crate::record::Severity;
use crate::resources::Metrics;
use crate::resources::{AlertState, Alerts, Clock, Log, MetricOwner, ScenarioRes, Target};

/// Time it takes to write a rule, apply it to the monitoring system and check it loaded: more
/// than a keystroke, less than a change to the estate.
pub const ALERT_EDIT_COST: Dur = Dur(60_000);
/// Most rules a candidate may write in one run; a real alert set is tens of rules, not thousands.
pub const MAX_CANDIDATE_RULES: usize = 50;
/// Buckets a burn window is kept in: the window slides by 1/240 of its length at a time (15 s
/// for a 1 h window), or by the tick if that is coarser.
const BURN_BUCKETS: u64 = 240;

/// Versions whose CPU time per request grows as they run (a latency creep), each as
/// (service, version index, cpu factor at onset, percent of it added per hour).
#[derive(Resource, Debug, Default)]
pub struct Creeps {
    pub list: Vec<(Entity, usize, f64, f64)>,
}

/// Starts a latency creep on `service`'s current version.
pub fn start_creep(world: &mut World, service: &str, percent_per_hour: f64) {
    let Some(s) = crate::effects::service(world, service) else {
        return;
    };
    let Some(st) = world.get::<ServiceState>(s) else {
        return;
    };
    let v = st.current;
    let base = st.versions[v].cpu_factor;
    world
        .resource_mut::<Creeps>()
        .list
        .push((s, v, base, percent_per_hour));
}

/// A change to the alert set.
#[derive(Clone, Debug, PartialEq)]
pub enum AlertEdit {
    Add {
        rule: AlertRule,
        /// Whether the candidate named the rule with `as NAME`.
        named: bool,
    },
    Del {
        name: String,
    },
}

/// Requests and failed requests over a sliding window, in buckets, for a burn-rate rule.
///
/// The estate has been running for ever before the run starts (see `Sim::new`), so the part of
/// a window that reaches back before the first sample counts as that first sample repeated:
/// a 6 h rule at 10:00 on a run that began at 09:00 still averages over six hours, not one.
#[derive(Clone, Debug)]
pub struct BurnWindow {
    window_ms: u64,
    bucket_ms: u64,
    tick_ms: u64,
    /// (bucket number, requests per second summed over ticks, failures likewise), oldest first.
    buckets: VecDeque<(u64, f64, f64)>,
    /// The first sample: when, and its requests and failures per second.
    origin: Option<(u64, f64, f64)>,
    /// Where the samples so far reach: the end of the step the last one stood for.
    reach_ms: u64,
}

impl BurnWindow {
    pub fn new(window: Dur, tick: Dur) -> BurnWindow {
        let tick = tick.ms().max(1);
        let bucket_ms = (window.ms() / BURN_BUCKETS).div_ceil(tick).max(1) * tick;
        BurnWindow {
            window_ms: window.ms(),
            bucket_ms,
            tick_ms: tick,
            buckets: VecDeque::new(),
            origin: None,
            reach_ms: 0,
        }
    }

    /// A window for a rule created at `now`, filled from the target's metric history, as a
    /// monitoring system evaluates a new rule over the data it already holds.
    pub fn from_history(window: Dur, tick: Dur, set: &MetricSet, now: Dur) -> BurnWindow {
        let mut w = BurnWindow::new(window, tick);
        let (bucket, rps) = set.get(Metric::Rps).window(now, window);
        let (_, errors) = set.get(Metric::Errors).window(now, window);
        let ticks = (bucket.ms() / w.tick_ms).max(1) as f64;
        for ((at, r), (_, e)) in rps.iter().zip(&errors) {
            let (r, e) = (f64::from(*r), f64::from(*e));
            w.add(*at, r * ticks, r * e / 100.0 * ticks);
            if w.origin.is_none() {
                w.origin = Some((at.ms(), r, r * e / 100.0));
            }
        }
        w
    }

    fn add(&mut self, at: Dur, req: f64, bad: f64) {
        let bucket = at.ms() / self.bucket_ms;
        match self.buckets.back_mut() {
            Some((b, r, f)) if *b == bucket => {
                *r += req;
                *f += bad;
            }
            _ => self.buckets.push_back((bucket, req, bad)),
        }
        // Keep the buckets that start within the window ending now.
        let from = at.ms().saturating_sub(self.window_ms) / self.bucket_ms;
        while self.buckets.front().is_some_and(|(b, _, _)| *b < from) {
            self.buckets.pop_front();
        }
    }

    /// Adds one tick's request rate and error percentage at `at`.
    #[cfg(test)]
    pub fn push(&mut self, at: Dur, rps: f64, errors_pct: f64) {
        self.push_for(at, rps, errors_pct, Dur(self.tick_ms));
    }

    /// Adds a step's request rate and error percentage at `at`: a step of several ticks (a
    /// quiet stretch) counts as that many ticks at this rate.
    pub fn push_for(&mut self, at: Dur, rps: f64, errors_pct: f64, step: Dur) {
        let bad = rps * errors_pct / 100.0;
        self.origin.get_or_insert((at.ms(), rps, bad));
        self.reach_ms = at.ms() + step.ms();
        // A tick's step weighs exactly 1.0, so a tick adds the very bits it always did.
        let ticks = step.ms() as f64 / self.tick_ms as f64;
        self.add(at, rps * ticks, bad * ticks);
    }

    /// The burn rate at `now`: the share of requests that failed in the window over the share
    /// the SLO allows (Google SRE Workbook, "Alerting on SLOs": burn rate 1 spends exactly the
    /// budget over the SLO window).
    pub fn rate(&self, now: Dur, availability: f64) -> f64 {
        let (mut req, mut fail) = self
            .buckets
            .iter()
            .fold((0.0, 0.0), |(r, f), (_, req, fail)| (r + req, f + fail));
        if let Some((at, r, f)) = self.origin {
            let reach = self.reach_ms.max(now.ms() + self.tick_ms);
            let covered = reach.saturating_sub(at);
            if covered < self.window_ms {
                let missing = ((self.window_ms - covered) / self.tick_ms) as f64;
                req += r * missing;
                fail += f * missing;
            }
        }
        if req <= 0.0 {
            return 0.0;
        }
        fail / req / (1.0 - availability)
    }
}

impl AlertState {
    pub fn new(rule: AlertRule, by_candidate: bool) -> AlertState {
        AlertState {
            rule,
            by_candidate,
            owner: None,
            pending_since: None,
            firing_since: None,
            fired_count: 0,
            burn: None,
            open: None,
        }
    }
}

/// What the rule watches, as written in a condition: `p99`, or `burn(1h)`.
pub fn watched(rule: &AlertRule) -> String {
    match rule.burn_window {
        Some(w) => format!("burn({w})"),
        None => rule.metric.label().to_owned(),
    }
}

/// `(">", 90.0)` or `("<", 5.0)`.
pub fn threshold(rule: &AlertRule) -> (&'static str, f64) {
    match (rule.above, rule.below) {
        (Some(t), _) => (">", t),
        (_, Some(t)) => ("<", t),
        _ => ("?", 0.0),
    }
}

/// The condition as the `alerts` screen shows it: "db-1 disk > 90% for 1m".
pub fn condition(rule: &AlertRule) -> String {
    let (op, t) = threshold(rule);
    let unit = match (rule.burn_window, rule.metric.unit()) {
        (Some(_), _) => "",
        (None, "req/s") => " req/s",
        (None, unit) => unit,
    };
    format!(
        "{} {} {op} {t}{unit} for {}",
        rule.target,
        watched(rule),
        rule.for_
    )
}

fn err(message: impl Into<String>) -> ParseError {
    ParseError {
        message: message.into(),
        suggestion: None,
    }
}

pub const ALERT_USAGE: &str = "alert add \"<metric> > <threshold> for <duration>\" on <host|service> [as NAME] | alert list | alert del NAME";

/// Parses the words after `alert`.
pub fn parse(args: &[String]) -> Result<Command, ParseError> {
    let usage = || err(format!("usage: {ALERT_USAGE}"));
    let Some(sub) = args.first() else {
        return Err(usage());
    };
    match sub.to_ascii_lowercase().as_str() {
        "list" | "ls" if args.len() == 1 => Ok(Command::Look(crate::Query::Alerts)),
        "del" | "delete" | "rm" => match args {
            [_, name] => Ok(Command::Alert(AlertEdit::Del { name: name.clone() })),
            _ => Err(err("usage: alert del NAME (`alert list` shows the names)")),
        },
        "add" => {
            let (text, target, name) = match args {
                [_, text, on, target] if on.eq_ignore_ascii_case("on") => (text, target, None),
                [_, text, on, target, r#as, name]
                    if on.eq_ignore_ascii_case("on") && r#as.eq_ignore_ascii_case("as") =>
                {
                    (text, target, Some(name))
                }
                _ => {
                    return Err(err(
                        "usage: alert add \"<metric> > <threshold> for <duration>\" on <host|service> [as NAME], e.g. alert add \"p99 > 300ms for 5m\" on lb",
                    ));
                }
            };
            let mut rule = parse_condition(text)?;
            rule.target = target.clone();
            let named = name.is_some();
            rule.name = match name {
                Some(n) => {
                    check_name(n)?;
                    n.clone()
                }
                None => format!("{}-{}", target, watched(&rule).replace(['(', ')'], "")),
            };
            Ok(Command::Alert(AlertEdit::Add { rule, named }))
        }
        _ => Err(ParseError {
            message: format!("`alert {sub}` is not a subcommand; usage: {ALERT_USAGE}"),
            suggestion: scenarios::suggest(sub, ["add", "list", "del"]),
        }),
    }
}

fn check_name(name: &str) -> Result<(), ParseError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(err(format!(
            "`{name}` is not a rule name: use up to 64 letters, digits, `-`, `_` or `.`"
        )))
    }
}

/// `"p99 > 300ms for 5m"`, `"disk > 80% for 10m"`, `"rps < 5"`, `"burn(1h) > 14.4 for 2m"`.
pub fn parse_condition(text: &str) -> Result<AlertRule, ParseError> {
    let shape = "write the rule as \"<metric> > <threshold> for <duration>\", e.g. \"errors > 1% for 5m\" or \"burn(1h) > 14.4 for 2m\"";
    let spaced = text.replace('>', " > ").replace('<', " < ");
    let words: Vec<&str> = spaced.split_whitespace().collect();
    let (what, op, value, for_) = match words.as_slice() {
        [what, op, value] => (*what, *op, *value, None),
        [what, op, value, f, d] if f.eq_ignore_ascii_case("for") => (*what, *op, *value, Some(*d)),
        _ => return Err(err(format!("`{text}` is not a rule; {shape}"))),
    };
    let (metric, burn_window) = match what
        .to_ascii_lowercase()
        .strip_prefix("burn(")
        .and_then(|r| r.strip_suffix(')'))
    {
        Some(w) => {
            let w = Dur::parse(w).map_err(|e| err(format!("burn window: {e}")))?;
            (Metric::Errors, Some(w))
        }
        None => {
            let metric = Metric::from_label(what).ok_or_else(|| ParseError {
                message: format!(
                    "unknown metric `{what}`; metrics are {}, or burn(<window>) for the error-budget burn rate",
                    crate::command::metric_names()
                ),
                suggestion: scenarios::suggest(
                    what,
                    Metric::ALL.iter().map(|m| m.label()).chain(["burn(1h)"]),
                ),
            })?;
            (metric, None)
        }
    };
    let number = value
        .trim_end_matches('%')
        .trim_end_matches("ms")
        .trim_end_matches('x');
    let t = number
        .parse::<f64>()
        .ok()
        .filter(|t| t.is_finite() && t.abs() <= 1e12)
        .ok_or_else(|| err(format!("`{value}` is not a threshold; {shape}")))?;
    let (above, below) = match op {
        ">" => (Some(t), None),
        "<" => (None, Some(t)),
        _ => return Err(err(format!("`{op}` is not a comparison: use > or <"))),
    };
    let for_ = match for_ {
        Some(d) => Dur::parse(d).map_err(|e| err(format!("for: {e}")))?,
        None => Dur::ZERO,
    };
    Ok(AlertRule {
        name: String::new(),
        target: String::new(),
        metric,
        above,
        below,
        for_,
        burn_window,
    })
}

/// Applies an edit to the alert set, refusing a rule that could never fire.
pub fn apply(world: &mut World, edit: &AlertEdit) -> Result<Applied, SimError> {
    match edit {
        AlertEdit::Add { rule, named } => add(world, rule.clone(), *named),
        AlertEdit::Del { name } => del(world, name),
    }
}

fn add(world: &mut World, mut rule: AlertRule, named: bool) -> Result<Applied, SimError> {
    let (owner, serves) = match resolve(world, &rule.target)? {
        Target::Host(h) => (
            MetricOwner::Host(world.get::<HostSpec>(h).map_or(0, |s| s.order)),
            world.get::<Instance>(h).is_some(),
        ),
        Target::Service(s) => (
            MetricOwner::Service(world.get::<ServiceSpec>(s).map_or(0, |s| s.order)),
            true,
        ),
        Target::Zone(_) | Target::Node(_) => {
            return Err(SimError::new(format!(
                "`{}` is a {}; alerts watch the metrics of a host or a service",
                rule.target,
                crate::network_ops::target_word(world, &rule.target)
            )));
        }
    };
    let scenario = &world.resource::<ScenarioRes>().0;
    let (slo, limit) = (scenario.slo.clone(), scenario.time_limit);
    if let Some(w) = rule.burn_window
        && (w < MIN_BURN_WINDOW || w > slo.window)
    {
        return Err(SimError::new(format!(
            "a burn window must be from {MIN_BURN_WINDOW} to the SLO window of {}, not {w}",
            slo.window
        )));
    }
    if let Some(why) = never_holds(
        rule.metric,
        rule.burn_window.is_some(),
        rule.above,
        rule.below,
        slo.availability,
        serves,
    ) {
        return Err(SimError::new(format!(
            "refused: `{}` can never fire: {why}",
            condition(&rule)
        )));
    }
    if rule.for_ > limit {
        return Err(SimError::new(format!(
            "refused: `for {}` is longer than this whole scenario ({limit}); the rule could never fire",
            rule.for_
        )));
    }
    let alerts = world.resource::<Alerts>();
    if alerts.states.iter().filter(|s| s.by_candidate).count() >= MAX_CANDIDATE_RULES {
        return Err(SimError::new(format!(
            "you already have {MAX_CANDIDATE_RULES} rules; delete one with `alert del NAME` first"
        )));
    }
    let taken = |n: &str| alerts.states.iter().any(|s| s.rule.name == n);
    if taken(&rule.name) {
        if named {
            return Err(SimError::new(format!(
                "a rule called `{}` already exists; pick another name or `alert del {}` first",
                rule.name, rule.name
            )));
        }
        let base = rule.name.clone();
        let n = (2..).find(|n| !taken(&format!("{base}-{n}"))).unwrap_or(2);
        rule.name = format!("{base}-{n}");
    }
    let tick = world.resource::<Clock>().tick;
    let at = now(world);
    let burn = rule
        .burn_window
        .map(|w| match world.resource::<Metrics>().of(owner) {
            Some(set) => BurnWindow::from_history(w, tick, set, at),
            None => BurnWindow::new(w, tick),
        });
    let text = condition(&rule);
    let name = rule.name.clone();
    let target = rule.target.clone();
    let mut state = AlertState::new(rule, true);
    state.owner = Some(owner);
    state.burn = burn;
    world.resource_mut::<Alerts>().states.push(state);
    Ok(Applied {
        message: format!("alert {name} added: pages when {text}"),
        harm: None,
        targets: vec![target],
    })
}

fn del(world: &mut World, name: &str) -> Result<Applied, SimError> {
    let at = now(world);
    let mut alerts = world.resource_mut::<Alerts>();
    let Some(i) = alerts.states.iter().position(|s| s.rule.name == name) else {
        let names: Vec<&str> = alerts.states.iter().map(|s| s.rule.name.as_str()).collect();
        let hint = scenarios::suggest(name, names.iter().copied())
            .unwrap_or_else(|| "`alert list` shows the rules".into());
        return Err(SimError::new(format!(
            "no alert rule is called `{name}`; {hint}"
        )));
    };
    let state = alerts.states.remove(i);
    let was_firing = state.firing_since.is_some();
    if let Some(open) = state.open
        && let Some(f) = alerts.firings.get_mut(open)
    {
        f.resolved_at = Some(at);
    }
    let target = state.rule.target.clone();
    if was_firing {
        world.resource_mut::<Log>().push(
            at,
            "",
            Severity::Info,
            format!("ALERT DELETED {name} while firing"),
        );
    }
    Ok(Applied {
        message: if was_firing {
            format!("alert {name} deleted (it was firing; that page is closed)")
        } else {
            format!("alert {name} deleted")
        },
        harm: None,
        targets: vec![target],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_parse_with_units_and_burn_windows() {
        let r = parse_condition("p99 > 300ms for 5m").unwrap();
        assert_eq!(
            (r.metric, r.above, r.for_),
            (Metric::P99, Some(300.0), Dur::from_mins(5))
        );
        let r = parse_condition("burn(1h)>14.4 for 2m").unwrap();
        assert_eq!(r.burn_window, Some(Dur::from_mins(60)));
        assert_eq!(r.above, Some(14.4));
        let r = parse_condition("rps < 5").unwrap();
        assert_eq!((r.below, r.for_), (Some(5.0), Dur::ZERO));
        assert!(parse_condition("p99 >= 300").is_err());
        assert!(
            parse_condition("dsk > 80")
                .unwrap_err()
                .suggestion
                .is_some()
        );
        assert!(parse_condition("p99 > 300 during 5m").is_err());
    }

    #[test]
    fn burn_window_averages_requests_over_its_window() {
        // 1 h window at 1 s ticks: 15 s buckets. 100 req/s at 0% for 30 min, then at 1% for
        // 30 min: 0.5% failed over the hour, a burn of 0.005 / 0.001 = 5 on a 99.9% SLO.
        let mut w = BurnWindow::new(Dur::from_mins(60), Dur::from_secs(1));
        for t in 0..3_600 {
            w.push(Dur::from_secs(t), 100.0, if t < 1_800 { 0.0 } else { 1.0 });
        }
        assert!((w.rate(Dur::from_secs(3_599), 0.999) - 5.0).abs() < 1e-9);
        // Another hour at 1%: the clean half has slid out; burn 10.
        for t in 3_600..7_200 {
            w.push(Dur::from_secs(t), 100.0, 1.0);
        }
        assert!((w.rate(Dur::from_secs(7_199), 0.999) - 10.0).abs() < 0.1);
    }

    #[test]
    fn burn_window_counts_the_time_before_the_run_as_its_first_sample() {
        // A 6 h window one hour in: 1 h at 2% errors after a clean start. The five hours before
        // the run count as clean, so the burn is 2% x 1/6 / 0.1% = 3.33, not 20.
        let mut w = BurnWindow::new(Dur::from_mins(360), Dur::from_secs(10));
        w.push(Dur::ZERO, 100.0, 0.0);
        for t in 1..360 {
            w.push(Dur::from_secs(10 * t), 100.0, 2.0);
        }
        let burn = w.rate(Dur::from_secs(3_590), 0.999);
        assert!((burn - 20.0 * 359.0 / 2_160.0).abs() < 1e-9, "{burn}");
    }
}
