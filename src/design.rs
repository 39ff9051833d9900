//! `plan FILE` and `apply FILE`: a desired state (see [`scenarios::Estate`]) compared with the
//! estate as it is, turned into the ordinary commands that get from one to the other. `apply`
//! runs those commands one by one, each journalled like a typed one, so a replay never needs the
//! file.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use engine::{EstateHost, Sim, cost::HOURS_PER_MONTH, money};
use scenarios::{Estate, MAX_FILE_BYTES, load_estate, suggest};

/// What `apply` would do.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub file: String,
    /// (what changes, the command that changes it)
    pub steps: Vec<(String, String)>,
    /// Changes the plan cannot make, and why.
    pub notes: Vec<String>,
    pub monthly_now: f64,
    pub monthly_planned: f64,
    pub budget: Option<f64>,
}

impl Plan {
    pub fn commands(&self) -> impl Iterator<Item = &str> {
        self.steps.iter().map(|(_, c)| c.as_str())
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        if self.steps.is_empty() {
            let _ = writeln!(
                out,
                "plan: the estate already matches {}; nothing to do",
                self.file
            );
        } else {
            let _ = writeln!(out, "plan: {} against the estate as it is now", self.file);
            let width = self.steps.iter().map(|(w, _)| w.len()).max().unwrap_or(0);
            for (what, command) in &self.steps {
                let _ = writeln!(out, "  {what:<width$}   {command}");
            }
        }
        for note in &self.notes {
            let _ = writeln!(out, "  note: {note}");
        }
        let _ = write!(
            out,
            "monthly cost: ${} now, ${} planned",
            money(self.monthly_now),
            money(self.monthly_planned)
        );
        if let Some(b) = self.budget {
            let _ = write!(out, " (budget ${})", money(b));
            if self.monthly_planned > b {
                let _ = write!(out, ", over by ${}", money(self.monthly_planned - b));
            }
        }
        out.push('\n');
        if !self.steps.is_empty() {
            let n = self.steps.len();
            let _ = writeln!(
                out,
                "{n} command{}, about {} of simulated time; `apply {}` runs them",
                if n == 1 { "" } else { "s" },
                scenarios::Dur(n as u64 * engine::ACT_COST.ms()),
                self.file
            );
        }
        out
    }
}

/// Reads the estate file at `path` and plans the commands that make `sim`'s estate match it.
pub fn plan(sim: &Sim, path: &str) -> Result<Plan, String> {
    let path = path.trim().trim_matches('"');
    if path.is_empty() {
        return Err("usage: plan <file.ron> (a desired estate; see `help apply`)".into());
    }
    let meta = std::fs::metadata(path).map_err(|e| format!("{path}: cannot read the file: {e}"))?;
    if meta.len() > MAX_FILE_BYTES as u64 {
        return Err(format!(
            "{path}: file is {} bytes, over the {MAX_FILE_BYTES} byte limit",
            meta.len()
        ));
    }
    let bytes = std::fs::read(Path::new(path)).map_err(|e| format!("{path}: {e}"))?;
    let source = String::from_utf8(bytes).map_err(|e| {
        format!(
            "{path}: not UTF-8 text (byte {})",
            e.utf8_error().valid_up_to()
        )
    })?;
    let estate = load_estate(path, &source).map_err(|e| e.to_string().trim_end().to_owned())?;
    diff(sim, path, &source, &estate)
}

/// `file:line:col` of the first quoted `name` in the source, for an error about it.
fn at(file: &str, source: &str, name: &str) -> String {
    let quoted = format!("\"{name}\"");
    for (i, line) in source.lines().enumerate() {
        if let Some(col) = line.find(&quoted) {
            return format!("{file}:{}:{}", i + 1, col + 1);
        }
    }
    file.to_owned()
}

fn unknown(what: &str, name: &str, known: &[String]) -> String {
    let hint = suggest(name, known.iter().map(String::as_str))
        .unwrap_or_else(|| format!("the {what}s are {}", known.join(", ")));
    format!("unknown {what} `{name}`; {hint}")
}

fn diff(sim: &Sim, file: &str, source: &str, want: &Estate) -> Result<Plan, String> {
    let services = sim.services();
    let service_names: Vec<String> = services.iter().map(|s| s.name.clone()).collect();
    let zones = sim.zones();
    let hosts = sim.estate();
    let mut steps = Vec::new();
    let mut notes = Vec::new();
    let mut monthly = hosts.iter().map(|h| h.hourly_cost).sum::<f64>() * HOURS_PER_MONTH;
    let monthly_now = monthly;
    for (name, per_zone) in &want.instances {
        let Some(svc) = services.iter().find(|s| s.name == *name) else {
            return Err(format!(
                "{}: {}",
                at(file, source, name),
                unknown("service", name, &service_names)
            ));
        };
        for zone in per_zone.keys() {
            if !zones.contains(zone) {
                return Err(format!(
                    "{}: {}",
                    at(file, source, zone),
                    unknown("zone", zone, &zones)
                ));
            }
        }
        let mine: Vec<&EstateHost> = hosts
            .iter()
            .filter(|h| h.service.as_deref() == Some(name.as_str()))
            .collect();
        let hourly = mine.first().map_or(0.0, |h| h.hourly_cost);
        let mut have: BTreeMap<&str, u32> = BTreeMap::new();
        for h in &mine {
            *have.entry(h.zone.as_str()).or_default() += 1;
        }
        let wanted: u32 = per_zone.values().sum();
        if wanted == 0 {
            return Err(format!(
                "{}: {name} would have no instance left; the least is 1",
                at(file, source, name)
            ));
        }
        let mut total = mine.len() as u32;
        // Grow first, so capacity is never below both the old and the new design.
        for zone in &zones {
            let (w, h) = (
                per_zone.get(zone).copied().unwrap_or(0),
                have.get(zone.as_str()).copied().unwrap_or(0),
            );
            if w <= h {
                continue;
            }
            if !svc.scalable {
                return Err(format!(
                    "{}: {name} cannot be scaled in this estate (it declares no spare capacity to provision from)",
                    at(file, source, name)
                ));
            }
            total += w - h;
            if total > svc.max_instances {
                return Err(format!(
                    "{}: {name} can have at most {} instances here; the file asks for {wanted}",
                    at(file, source, name),
                    svc.max_instances
                ));
            }
            monthly += f64::from(w - h) * hourly * HOURS_PER_MONTH;
            steps.push((
                format!("{name} in {zone}: {h} -> {w}"),
                format!("scale {name} {total} in {zone}"),
            ));
        }
        for zone in &zones {
            let (w, h) = (
                per_zone.get(zone).copied().unwrap_or(0),
                have.get(zone.as_str()).copied().unwrap_or(0),
            );
            if w >= h {
                continue;
            }
            // The newest hosts go first; a database's primary is never removed by a plan.
            let mut removable: Vec<&&EstateHost> = mine
                .iter()
                .filter(|x| x.zone == *zone && !x.primary)
                .collect();
            removable.reverse();
            let take = (h - w) as usize;
            if removable.len() < take
                && let Some(p) = mine.iter().find(|x| x.zone == *zone && x.primary)
            {
                notes.push(format!(
                    "{name}'s primary {} stays in {zone}: `failover {name}` to another zone first, then plan again",
                    p.name
                ));
            }
            for x in removable.into_iter().take(take) {
                monthly -= x.hourly_cost * HOURS_PER_MONTH;
                steps.push((
                    format!("{name} in {zone}: {h} -> {w}"),
                    format!("decommission {}", x.name),
                ));
            }
        }
    }
    for name in &want.auto_failover {
        match services.iter().find(|s| s.name == *name) {
            None => {
                return Err(format!(
                    "{}: auto_failover: {}",
                    at(file, source, name),
                    unknown("service", name, &service_names)
                ));
            }
            Some(s) if !s.database => {
                return Err(format!(
                    "{}: auto_failover: {name} is not a database",
                    at(file, source, name)
                ));
            }
            Some(_) => {}
        }
    }
    for s in services.iter().filter(|s| s.database) {
        let on = want.auto_failover.contains(&s.name);
        if on != s.auto_failover {
            steps.push((
                format!(
                    "{} automatic failover: {} -> {}",
                    s.name,
                    if s.auto_failover { "on" } else { "off" },
                    if on { "on" } else { "off" }
                ),
                format!("auto-failover {} {}", s.name, if on { "on" } else { "off" }),
            ));
        }
    }
    for (i, c) in want.commands.iter().enumerate() {
        if let Err(e) = engine::parse(c) {
            return Err(format!(
                "{}: commands[{i}]: `{c}`: {}",
                at(file, source, c),
                e.message
            ));
        }
        steps.push(("run".into(), c.trim().to_owned()));
    }
    if want
        .commands
        .iter()
        .any(|c| matches!(c.split_whitespace().next(), Some("provision" | "order")))
    {
        notes.push(
            "the planned cost leaves out hosts that `commands` bring up (provision, order); `cost` shows them once they run"
                .into(),
        );
    }
    Ok(Plan {
        file: file.to_owned(),
        steps,
        notes,
        monthly_now,
        monthly_planned: monthly,
        budget: sim
            .scenario()
            .design
            .as_ref()
            .map(|d| d.requirements.monthly_budget),
    })
}
