//! Security: listening ports and firewall rules (deny-wins), TLS certificates that expire,
//! announced CVEs and rolling patches, and the exposure they add up to. The tick's part is
//! `systems::security`; this file holds the state, the rule evaluation, and the commands.

use std::collections::BTreeMap;

use bevy_ecs::prelude::{Entity, Resource, World};
use scenarios::{CveSeverity, Dur, FirewallRule, RuleAction, Scenario, default_port, version_cmp};

use crate::actions::{Applied, capacity_harm};
use crate::components::{HostSpec, HostState, Instance, Power, ServiceSpec, ServiceState};
use crate::effects::{host_name, now, service_name};
use crate::network::Network;
use crate::observe::resolve;
use crate::record::{ExposureSpan, Severity};
use crate::resources::{Log, Names, Target};
use crate::views::{CertRow, FirewallView, PortRow, RuleRow};
use crate::{Action, SimError};

/// A hitless reload (HAProxy `reload`, nginx `-s reload`) picking up a new certificate.
pub const CERT_RELOAD: Dur = Dur(5_000);

/// Who put a rule in place, for `firewall list`.
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    pub rule: FirewallRule,
    /// When it was added during the run; `None` for rules the estate started with.
    pub added_at: Option<Dur>,
}

/// A certificate's state on one service.
#[derive(Clone, Debug, PartialEq)]
pub struct CertState {
    pub name: String,
    pub issuer: String,
    pub expires: Dur,
    pub issuance: Dur,
    pub validity: Dur,
    /// A renewal in flight completes at this time.
    pub renewing_until: Option<Dur>,
    /// Whether expiry has been logged (once per expiry).
    pub expired_seen: bool,
}

impl CertState {
    pub fn expired(&self, at: Dur) -> bool {
        at >= self.expires
    }
}

/// A vulnerability announced during the run.
#[derive(Clone, Debug, PartialEq)]
pub struct Cve {
    pub service: Entity,
    pub id: String,
    pub severity: CveSeverity,
    pub fixed_in: String,
}

/// Scanners probing an exposed port, from a `PortExposed` fault.
#[derive(Clone, Debug, PartialEq)]
pub struct Probe {
    pub on: String,
    pub port: u16,
    pub per_hour: f64,
}

/// A step of a rolling patch, due at a set time.
#[derive(Clone, Debug, PartialEq)]
pub struct PatchStep {
    pub due: Dur,
    pub hosts: Vec<Entity>,
    pub version: usize,
}

/// Every piece of security state, and what the tick derived from it for the traffic model.
#[derive(Resource, Debug, Default)]
pub struct Security {
    pub rules: Vec<Rule>,
    /// Whether the rules are anything but the implicit "the internet reaches the entry".
    pub custom: bool,
    /// Listening port of each service, by its order.
    pub ports: Vec<u16>,
    /// Certificate of each service, by its order.
    pub certs: Vec<Option<CertState>>,
    /// Versions `patch` may install, by service order.
    pub releases: Vec<Vec<String>>,
    pub cves: Vec<Cve>,
    pub probes: Vec<Probe>,
    pub patches: Vec<PatchStep>,
    /// Share of requests to the instance on each host (by order) that get through TLS and the
    /// firewall at all: 0 for an expired certificate, or an entry host the internet cannot reach.
    pub gate: Vec<f64>,
    /// `call_share[caller host order][callee service order]`: share of the callee's instances
    /// the caller's firewall path admits. Empty while no rule can block anything.
    pub call_share: Vec<Vec<f64>>,
    /// (caller host order, callee host order) pairs whose calls the firewall drops.
    pub blocked: Vec<(usize, usize)>,
    /// Every span of exposure; the open ones have `to == None`.
    pub exposures: Vec<ExposureSpan>,
    /// Open spans by surface.
    pub open: BTreeMap<String, usize>,
}

impl Security {
    /// Multiplier on the success of requests reaching the instance on host `order`.
    pub fn gate(&self, order: usize) -> f64 {
        self.gate.get(order).copied().unwrap_or(1.0)
    }

    /// Share of `callee` (service order) the host `caller` (order) may connect to.
    pub fn call_share(&self, caller: usize, callee: usize) -> f64 {
        self.call_share
            .get(caller)
            .and_then(|row| row.get(callee))
            .copied()
            .unwrap_or(1.0)
    }

    /// Whether the firewall drops calls from host `caller` to the service port on host `callee`
    /// (both by order).
    pub fn blocked(&self, caller: usize, callee: usize) -> bool {
        self.blocked.contains(&(caller, callee))
    }

    /// Whether anything here can change traffic or exposure, so the tick can skip the work.
    pub fn active(&self) -> bool {
        self.custom
            || self.certs.iter().any(Option::is_some)
            || !self.cves.is_empty()
            || !self.patches.is_empty()
    }
}

/// Builds the security state from the scenario: rules, ports, certificates, releases.
pub fn build(scenario: &Scenario) -> Security {
    let services = &scenario.topology.services;
    let mut rules: Vec<Rule> = scenario
        .topology
        .firewall
        .iter()
        .map(|r| Rule {
            rule: r.clone(),
            added_at: None,
        })
        .collect();
    let custom = !rules.is_empty();
    if !custom && let Some(entry) = services.iter().find(|s| s.id == scenario.traffic.entry) {
        // The implicit policy of an estate with no rules, written out so `firewall list`
        // shows what lets users in.
        rules.push(Rule {
            rule: FirewallRule {
                action: RuleAction::Allow,
                from: "any".into(),
                port: port_of(entry),
                on: entry.id.clone(),
                note: "public entry point".into(),
            },
            added_at: None,
        });
    }
    Security {
        rules,
        custom,
        ports: services.iter().map(port_of).collect(),
        certs: services
            .iter()
            .map(|s| {
                s.cert.as_ref().map(|c| CertState {
                    name: c.name.clone(),
                    issuer: c.issuer.clone(),
                    expires: c.expires,
                    issuance: c.issuance,
                    validity: c.validity,
                    renewing_until: None,
                    expired_seen: false,
                })
            })
            .collect(),
        releases: services.iter().map(|s| s.releases.clone()).collect(),
        ..Security::default()
    }
}

fn port_of(s: &scenarios::Service) -> u16 {
    s.port.unwrap_or_else(|| default_port(s.kind))
}

/// Where a connection comes from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Source<'a> {
    Internet,
    Host(&'a HostPlace),
}

/// A host's name and where it sits, for matching rules.
#[derive(Clone, Debug, PartialEq)]
pub struct HostPlace {
    pub entity: Entity,
    pub order: usize,
    pub name: String,
    pub zone: String,
    pub site: String,
    pub service: Option<String>,
}

/// Where every host sits, in host order.
pub fn places(world: &World) -> Vec<HostPlace> {
    let net = world.resource::<Network>();
    world
        .resource::<Names>()
        .hosts
        .iter()
        .filter_map(|&h| {
            let spec = world.get::<HostSpec>(h)?;
            Some(HostPlace {
                entity: h,
                order: spec.order,
                name: spec.name.clone(),
                zone: net.zones[spec.zone].clone(),
                site: net.zone_site[spec.zone].clone(),
                service: world
                    .get::<Instance>(h)
                    .map(|i| service_name(world, i.service)),
            })
        })
        .collect()
}

fn source_matches(from: &str, src: Source) -> bool {
    match (from, src) {
        ("any", _) => true,
        ("internet", s) => s == Source::Internet,
        (name, Source::Host(h)) => h.name == name || h.zone == name || h.site == name,
        (_, Source::Internet) => false,
    }
}

fn covers(on: &str, host: &HostPlace) -> bool {
    host.name == on || host.zone == on || host.service.as_deref() == Some(on)
}

impl Security {
    /// The verdict on a connection from `src` to `port` on `host`, with the deciding rule's
    /// number (1-based), if a rule decided. Deny wins; inside the estate the default is allow;
    /// from the internet only an allow rule lets it in.
    pub fn verdict(&self, src: Source, host: &HostPlace, port: u16) -> (bool, Option<usize>) {
        let matching = |action: RuleAction| {
            self.rules.iter().position(|r| {
                r.rule.action == action
                    && r.rule.port == port
                    && covers(&r.rule.on, host)
                    && source_matches(&r.rule.from, src)
            })
        };
        if let Some(i) = matching(RuleAction::Deny) {
            return (false, Some(i + 1));
        }
        match src {
            Source::Host(_) => (true, matching(RuleAction::Allow).map(|i| i + 1)),
            Source::Internet => match matching(RuleAction::Allow) {
                Some(i) => (true, Some(i + 1)),
                None => (false, None),
            },
        }
    }

    /// A rule as `firewall list` words it.
    pub fn describe(&self, n: usize) -> String {
        let r = &self.rules[n - 1].rule;
        format!(
            "rule {n}: {} {} {} on {}",
            r.action.label(),
            r.from,
            r.port,
            r.on
        )
    }
}

/// The service entity and spec behind a name: a service, or the service a host runs.
fn service_for(world: &World, name: &str) -> Result<Entity, SimError> {
    match resolve(world, name)? {
        Target::Service(s) => Ok(s),
        Target::Host(h) => world
            .get::<Instance>(h)
            .map(|i| i.service)
            .ok_or_else(|| SimError::new(format!("{name} runs no service"))),
        Target::Zone(_) | Target::Node(_) => Err(SimError::new(format!(
            "`{name}` is a place on the network; this command takes a service or one of its hosts"
        ))),
    }
}

fn order_of(world: &World, s: Entity) -> usize {
    world.get::<ServiceSpec>(s).map_or(0, |x| x.order)
}

/// The version an instance runs, by name.
pub fn instance_version(world: &World, h: Entity) -> Option<String> {
    let inst = world.get::<Instance>(h)?;
    let st = world.get::<ServiceState>(inst.service)?;
    st.versions
        .get(inst.version.min(st.versions.len().saturating_sub(1)))
        .map(|v| v.name.clone())
}

/// A version as `describe` shows it: with the announced CVEs it has, if any.
pub fn annotate_version(world: &World, service: Entity, version: &str) -> String {
    let sec = world.resource::<Security>();
    let cves: Vec<String> = cves_of(sec, service, version)
        .iter()
        .map(|c| format!("{} {}, fixed in {}", c.id, c.severity.label(), c.fixed_in))
        .collect();
    if cves.is_empty() {
        version.to_owned()
    } else {
        format!("{version} (vulnerable: {})", cves.join("; "))
    }
}

/// The CVEs a version of `service` has among those announced.
pub fn cves_of<'a>(sec: &'a Security, service: Entity, version: &str) -> Vec<&'a Cve> {
    sec.cves
        .iter()
        .filter(|c| c.service == service && version_cmp(version, &c.fixed_in).is_lt())
        .collect()
}

// ---- views -------------------------------------------------------------------------------

/// `firewall list [TARGET]`: the rules, and the verdict for each listening port in scope.
pub fn firewall_view(world: &World, target: Option<&str>) -> Result<FirewallView, SimError> {
    let sec = world.resource::<Security>();
    let all = places(world);
    let scope: Vec<&HostPlace> = match target {
        Some(name) => {
            resolve(world, name)?;
            all.iter().filter(|h| covers(name, h)).collect()
        }
        None => all.iter().collect(),
    };
    let rules = sec
        .rules
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            target.is_none_or(|t| scope.iter().any(|h| covers(&r.rule.on, h)) || r.rule.on == t)
        })
        .map(|(i, r)| RuleRow {
            number: i + 1,
            action: r.rule.action.label().into(),
            from: r.rule.from.clone(),
            port: r.rule.port,
            on: r.rule.on.clone(),
            note: r.rule.note.clone(),
            added_at: r.added_at,
        })
        .collect();
    let mut ports = Vec::new();
    for h in scope {
        let Some(inst) = world.get::<Instance>(h.entity) else {
            continue;
        };
        if world
            .get::<HostState>(h.entity)
            .is_some_and(|s| s.power == Power::Decommissioned)
        {
            continue;
        }
        let port = sec.ports[order_of(world, inst.service)];
        let (internet, rule) = sec.verdict(Source::Internet, h, port);
        let blocked: Vec<String> = callers_of(world, inst.service)
            .into_iter()
            .filter(|c| !sec.verdict(Source::Host(c), h, port).0)
            .map(|c| c.name.clone())
            .collect();
        if target.is_none() && !internet && blocked.is_empty() {
            continue;
        }
        ports.push(PortRow {
            host: h.name.clone(),
            service: service_name(world, inst.service),
            port,
            internet,
            rule,
            blocked_callers: blocked,
        });
    }
    Ok(FirewallView {
        target: target.map(str::to_owned),
        rules,
        ports,
    })
}

/// Every host whose service calls `service` (a load balancer's pool included).
pub fn callers_of(world: &World, service: Entity) -> Vec<HostPlace> {
    let callers: Vec<Entity> = world
        .resource::<Names>()
        .services
        .iter()
        .copied()
        .filter(|&s| {
            world
                .get::<ServiceSpec>(s)
                .is_some_and(|sp| sp.calls.iter().any(|(c, _)| *c == service))
        })
        .collect();
    places(world)
        .into_iter()
        .filter(|p| {
            world
                .get::<Instance>(p.entity)
                .is_some_and(|i| callers.contains(&i.service))
                && world
                    .get::<HostState>(p.entity)
                    .is_some_and(|s| s.power != Power::Decommissioned)
        })
        .collect()
}

/// `cert show [TARGET]`: every certificate, soonest expiry first.
pub fn cert_view(world: &World, target: Option<&str>) -> Result<Vec<CertRow>, SimError> {
    let only = target.map(|t| service_for(world, t)).transpose()?;
    let sec = world.resource::<Security>();
    let at = now(world);
    let mut rows: Vec<CertRow> = world
        .resource::<Names>()
        .services
        .iter()
        .filter(|&&s| only.is_none_or(|o| o == s))
        .filter_map(|&s| {
            let c = sec.certs.get(order_of(world, s))?.as_ref()?;
            Some(CertRow {
                service: service_name(world, s),
                name: c.name.clone(),
                issuer: c.issuer.clone(),
                expires: c.expires,
                remaining: Dur(c.expires.ms().saturating_sub(at.ms())),
                expired: c.expired(at),
                renewing_until: c.renewing_until,
            })
        })
        .collect();
    if rows.is_empty() {
        return Err(SimError::new(match target {
            Some(t) => format!("{t} presents no TLS certificate"),
            None => "no service in this estate terminates TLS".into(),
        }));
    }
    rows.sort_by(|a, b| a.expires.cmp(&b.expires).then(a.service.cmp(&b.service)));
    Ok(rows)
}

/// What a firewall or certificate look touched, for detection: the targets shown.
pub fn look_targets(world: &World, view: &crate::View) -> Vec<String> {
    let mut t: Vec<String> = match view {
        crate::View::Firewall(f) => f
            .ports
            .iter()
            .flat_map(|p| [p.host.clone(), p.service.clone()])
            .chain(f.target.clone())
            .collect(),
        crate::View::Certs(rows) => rows.iter().map(|r| r.service.clone()).collect(),
        _ => Vec::new(),
    };
    let _ = world;
    t.sort();
    t.dedup();
    t
}

// ---- actions -----------------------------------------------------------------------------

pub fn apply(world: &mut World, action: &Action) -> Result<Applied, SimError> {
    match action {
        Action::FirewallRule {
            allow,
            from,
            port,
            on,
        } => add_rule(world, *allow, from, *port, on),
        Action::FirewallRemove { number } => remove_rule(world, *number),
        Action::CertRenew { target } => renew(world, target),
        Action::Patch {
            service,
            version,
            batch,
        } => patch(world, service, version, *batch),
        _ => Err(SimError::new("not a security action")),
    }
}

fn check_source(world: &World, from: &str) -> Result<(), SimError> {
    if scenarios::SOURCES.contains(&from) {
        return Ok(());
    }
    let net = world.resource::<Network>();
    if net.zone_site.iter().any(|s| s == from) {
        return Ok(());
    }
    match resolve(world, from) {
        Ok(Target::Host(_) | Target::Zone(_)) => Ok(()),
        Ok(Target::Service(_)) => Err(SimError::new(format!(
            "`{from}` is a service; a source is `any`, `internet`, a zone, a site or a host"
        ))),
        Ok(Target::Node(_)) => Err(SimError::new(format!(
            "`{from}` is a switch or router; a source is `any`, `internet`, a zone, a site or a host"
        ))),
        Err(e) => Err(SimError::new(format!(
            "{}; a source is `any`, `internet`, a zone, a site or a host",
            e.message
        ))),
    }
}

fn rule_targets(world: &World, on: &str) -> Vec<String> {
    let mut t = vec![on.to_owned()];
    t.extend(
        places(world)
            .iter()
            .filter(|h| covers(on, h))
            .flat_map(|h| [Some(h.name.clone()), h.service.clone()])
            .flatten(),
    );
    t.sort();
    t.dedup();
    t
}

fn add_rule(
    world: &mut World,
    allow: bool,
    from: &str,
    port: u16,
    on: &str,
) -> Result<Applied, SimError> {
    check_source(world, from)?;
    resolve(world, on)?;
    if allow && !matches!(from, "any" | "internet") {
        return Err(SimError::new(format!(
            "connections from inside the estate are allowed unless a rule denies them, so `allow {from}` would change nothing; remove the deny rule instead (`firewall list {on}` numbers them)"
        )));
    }
    let action = if allow {
        RuleAction::Allow
    } else {
        RuleAction::Deny
    };
    let at = now(world);
    let rule = FirewallRule {
        action,
        from: from.to_owned(),
        port,
        on: on.to_owned(),
        note: format!("added by you at {}", clock(world, at)),
    };
    let harm = cut_callers(world, &rule);
    let mut sec = world.resource_mut::<Security>();
    if sec.rules.iter().any(|r| {
        r.rule.action == rule.action
            && r.rule.from == rule.from
            && r.rule.port == rule.port
            && r.rule.on == rule.on
    }) {
        return Err(SimError::new(format!(
            "that rule is already in place: {} {from} {port} on {on}",
            action.label()
        )));
    }
    sec.rules.push(Rule {
        rule,
        added_at: Some(at),
    });
    sec.custom = true;
    let n = sec.rules.len();
    let message = format!(
        "rule {n} added: {} {from} {port} on {on} (deny rules win over allow rules)",
        action.label()
    );
    world
        .resource_mut::<Log>()
        .push(at, on, Severity::Info, format!("firewall: {message}"));
    Ok(Applied {
        message,
        harm,
        targets: rule_targets(world, on),
    })
}

/// A deny rule that cuts a service off from callers that need it, in words.
fn cut_callers(world: &World, rule: &FirewallRule) -> Option<String> {
    if rule.action != RuleAction::Deny {
        return None;
    }
    let mut before = world.resource::<Security>().rules.clone();
    let all = places(world);
    let sec_after = {
        let sec = world.resource::<Security>();
        let mut rules = sec.rules.clone();
        rules.push(Rule {
            rule: rule.clone(),
            added_at: None,
        });
        Security {
            rules,
            ..Security::default()
        }
    };
    let sec_before = Security {
        rules: std::mem::take(&mut before),
        ..Security::default()
    };
    let mut cut = Vec::new();
    for h in all.iter().filter(|h| covers(&rule.on, h)) {
        let Some(inst) = world.get::<Instance>(h.entity) else {
            continue;
        };
        let port = world.resource::<Security>().ports[order_of(world, inst.service)];
        if port != rule.port {
            continue;
        }
        for c in callers_of(world, inst.service) {
            if sec_before.verdict(Source::Host(&c), h, port).0
                && !sec_after.verdict(Source::Host(&c), h, port).0
            {
                cut.push(format!("{} -> {}", c.name, h.name));
            }
        }
        if Some(inst.service) == world.resource::<Names>().entry
            && sec_before.verdict(Source::Internet, h, port).0
            && !sec_after.verdict(Source::Internet, h, port).0
        {
            cut.push(format!("users -> {}", h.name));
        }
    }
    (!cut.is_empty()).then(|| {
        format!(
            "blocked port {} for callers that need it ({})",
            rule.port,
            cut.join(", ")
        )
    })
}

fn remove_rule(world: &mut World, number: usize) -> Result<Applied, SimError> {
    let len = world.resource::<Security>().rules.len();
    if number == 0 || number > len {
        return Err(SimError::new(if len == 0 {
            "there are no firewall rules to remove".to_owned()
        } else {
            format!("no rule {number}; rules are numbered 1 to {len} (`firewall list`)")
        }));
    }
    let removed = world.resource::<Security>().rules[number - 1].rule.clone();
    // Removing an allow that lets users reach the entry cuts them off.
    let harm = {
        let sec = world.resource::<Security>();
        let mut after = sec.rules.clone();
        after.remove(number - 1);
        let after = Security {
            rules: after,
            ..Security::default()
        };
        let entry = world.resource::<Names>().entry;
        places(world)
            .iter()
            .filter(|h| {
                entry.is_some() && world.get::<Instance>(h.entity).map(|i| i.service) == entry
            })
            .find(|h| {
                let port = entry.map_or(0, |e| sec.ports[order_of(world, e)]);
                sec.verdict(Source::Internet, h, port).0
                    && !after.verdict(Source::Internet, h, port).0
            })
            .map(|h| format!("removed the rule that let users reach {}", h.name))
    };
    let text = world.resource::<Security>().describe(number);
    world.resource_mut::<Security>().rules.remove(number - 1);
    world.resource_mut::<Security>().custom = true;
    let at = now(world);
    world.resource_mut::<Log>().push(
        at,
        &removed.on,
        Severity::Info,
        format!("firewall: removed {text}"),
    );
    Ok(Applied {
        message: format!("removed {text}; the rules after it are renumbered"),
        harm,
        targets: rule_targets(world, &removed.on),
    })
}

fn renew(world: &mut World, target: &str) -> Result<Applied, SimError> {
    let s = service_for(world, target)?;
    let order = order_of(world, s);
    let at = now(world);
    let name = service_name(world, s);
    let (cn, due) = {
        let mut sec = world.resource_mut::<Security>();
        let Some(cert) = sec.certs.get_mut(order).and_then(Option::as_mut) else {
            return Err(SimError::new(format!(
                "{name} presents no TLS certificate (`cert show` lists those that do)"
            )));
        };
        if let Some(until) = cert.renewing_until {
            return Err(SimError::new(format!(
                "a renewal of {} is already under way; it completes at about +{}",
                cert.name,
                Dur(until.ms().saturating_sub(at.ms()))
            )));
        }
        let due = Dur(at.ms() + cert.issuance.ms() + CERT_RELOAD.ms());
        cert.renewing_until = Some(due);
        (cert.name.clone(), due)
    };
    let mut targets = vec![name.clone()];
    if let Some(st) = world.get::<ServiceState>(s) {
        targets.extend(st.members.iter().map(|&m| host_name(world, m)));
    }
    world.resource_mut::<Log>().push(
        at,
        &name,
        Severity::Info,
        format!("certbot: ordering a new certificate for {cn}"),
    );
    Ok(Applied {
        message: format!(
            "renewing the certificate for {cn} on {name}: the CA issues it, then {name} reloads; in service in about {}",
            Dur(due.ms() - at.ms())
        ),
        harm: None,
        targets,
    })
}

fn patch(world: &mut World, service: &str, version: &str, batch: u32) -> Result<Applied, SimError> {
    let s = match resolve(world, service)? {
        Target::Service(s) => s,
        _ => {
            return Err(SimError::new(format!(
                "`{service}` is not a service; `patch` upgrades every instance of a service"
            )));
        }
    };
    let order = order_of(world, s);
    let (current, members, start, balanced) = {
        let st = world.get::<ServiceState>(s).expect("service");
        let spec = world.get::<ServiceSpec>(s).expect("service");
        (
            st.versions[st.current].name.clone(),
            st.members.clone(),
            spec.start_time,
            st.balanced_by,
        )
    };
    let mut available = world.resource::<Security>().releases[order].clone();
    for c in world
        .resource::<Security>()
        .cves
        .iter()
        .filter(|c| c.service == s)
    {
        if !available.contains(&c.fixed_in) {
            available.push(c.fixed_in.clone());
        }
    }
    available.sort_by(|a, b| version_cmp(a, b));
    if !available.iter().any(|v| v == version) {
        return Err(SimError {
            message: if available.is_empty() {
                format!("no release of {service} other than {current} is published")
            } else {
                format!(
                    "no release `{version}` of {service}; published: {}",
                    available.join(", ")
                )
            },
            suggestion: scenarios::suggest(version, available.iter().map(String::as_str)),
        });
    }
    if version == current {
        return Err(SimError::new(format!("{service} already runs {version}")));
    }
    if world.resource::<Security>().patches.iter().any(|p| {
        p.hosts
            .iter()
            .any(|h| world.get::<Instance>(*h).is_some_and(|i| i.service == s))
    }) {
        return Err(SimError::new(format!(
            "a rolling patch of {service} is already under way"
        )));
    }
    let live: Vec<Entity> = members
        .into_iter()
        .filter(|&m| {
            world
                .get::<HostState>(m)
                .is_some_and(|h| h.power != Power::Decommissioned)
        })
        .collect();
    let batch = (batch.max(1) as usize).min(live.len().max(1));
    // Each step waits for the restarted instances to start and then pass the health checks
    // that put them back in the pool, as the rolling rollback does.
    let rejoin = balanced
        .and_then(|lb| world.get::<ServiceSpec>(lb))
        .and_then(|lb| lb.health_check.as_ref())
        .map_or(0, |hc| hc.interval.ms() * (crate::systems::RISE as u64 + 1));
    let step = Dur(start.ms() + rejoin);
    let harm = live
        .first()
        .and_then(|_| capacity_harm(world, s, &live[..batch]));
    let index = {
        let mut st = world.get_mut::<ServiceState>(s).expect("service");
        st.versions.push(crate::components::Version {
            name: version.to_owned(),
            error_rate: 0.0,
            cpu_factor: 1.0,
            leak_mb_per_min: 0.0,
        });
        st.current = st.versions.len() - 1;
        st.current
    };
    let at = now(world);
    let chunks: Vec<Vec<Entity>> = live.chunks(batch).map(<[Entity]>::to_vec).collect();
    let steps = chunks.len() as u64;
    {
        let mut sec = world.resource_mut::<Security>();
        for (k, hosts) in chunks.into_iter().enumerate() {
            sec.patches.push(PatchStep {
                due: Dur(at.ms() + k as u64 * step.ms()),
                hosts,
                version: index,
            });
        }
    }
    let mut targets = vec![service.to_owned()];
    targets.extend(live.iter().map(|&m| host_name(world, m)));
    let pace = if batch == 1 {
        "one at a time".to_owned()
    } else if batch >= live.len() {
        "all at once".to_owned()
    } else {
        format!("{batch} at a time")
    };
    Ok(Applied {
        message: format!(
            "patching {service} from {current} to {version}: {} instances, {pace}, each out of service while it restarts; done in about {}",
            live.len(),
            Dur(steps * step.ms())
        ),
        harm,
        targets,
    })
}

/// Simulated time as the wall clock the candidate sees.
pub fn clock(world: &World, at: Dur) -> String {
    scenarios::clock_label(
        &world.resource::<crate::resources::ScenarioRes>().0.start,
        at,
    )
}

// ---- faults ------------------------------------------------------------------------------

/// `CveAnnounced`: the advisory is published; returns the fault's description.
pub fn announce(
    world: &mut World,
    service: &str,
    cve: &str,
    severity: CveSeverity,
    fixed_in: &str,
    summary: &str,
) -> String {
    let Some(s) = crate::effects::service(world, service) else {
        return format!("{cve} announced in {service}");
    };
    world.resource_mut::<Security>().cves.push(Cve {
        service: s,
        id: cve.to_owned(),
        severity,
        fixed_in: fixed_in.to_owned(),
    });
    let running = world
        .get::<ServiceState>(s)
        .map(|st| st.versions[st.current].name.clone())
        .unwrap_or_default();
    let at = now(world);
    let sev = match severity {
        CveSeverity::Critical | CveSeverity::High => Severity::Error,
        _ => Severity::Warn,
    };
    let summary = if summary.is_empty() {
        String::new()
    } else {
        format!(" {summary}")
    };
    world.resource_mut::<Log>().notify(
        at,
        service,
        sev,
        format!(
            "SECURITY ADVISORY {cve} ({}): {service} before {fixed_in} is vulnerable.{summary} Fixed in {fixed_in}; {service} runs {running}.",
            severity.label()
        ),
    );
    format!(
        "{cve} ({}) announced in {service} before {fixed_in}",
        severity.label()
    )
}

/// `PortExposed`: a change adds `allow any PORT on ON`; returns the fault's description.
pub fn expose(world: &mut World, on: &str, port: u16, note: &str, probes_per_hour: f64) -> String {
    let at = now(world);
    let note = if note.is_empty() {
        "change without a ticket".to_owned()
    } else {
        note.to_owned()
    };
    {
        let mut sec = world.resource_mut::<Security>();
        sec.custom = true;
        sec.rules.push(Rule {
            rule: FirewallRule {
                action: RuleAction::Allow,
                from: "any".into(),
                port,
                on: on.to_owned(),
                note: note.clone(),
            },
            // A change already in place when the run starts shows no time of its own.
            added_at: (at > Dur::ZERO).then_some(at),
        });
        if probes_per_hour > 0.0 {
            sec.probes.push(Probe {
                on: on.to_owned(),
                port,
                per_hour: probes_per_hour,
            });
        }
    }
    if at > Dur::ZERO {
        world.resource_mut::<Log>().push(
            at,
            on,
            Severity::Info,
            format!("firewall: rule added: allow any {port} on {on} ({note})"),
        );
    }
    format!("port {port} on {on} opened to the internet by a change")
}
