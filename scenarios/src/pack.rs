//! Assessment packs: an ordered set of scenarios a hiring team gives every candidate for a role,
//! with wall-clock limits, the role level's rubric weights and a pass line.
//!
//! A pack file is RON and starts with `Pack(` so that `check` and the library can tell it from a
//! scenario. Which scenarios exist is the library's business: the binary checks the ids.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, LoadError};
use crate::{Dur, Kpi, Level};

/// The longest a pack may run: a working day.
pub const MAX_PACK_TIME: Dur = Dur(8 * 3_600_000);
/// The most scenarios a pack may hold.
pub const MAX_PACK_SCENARIOS: usize = 20;

/// An assessment pack.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Pack {
    /// Lower-case letters, digits and dashes; names the pack on the command line.
    pub id: String,
    pub title: String,
    /// The job title assessed, e.g. "Site reliability engineer".
    pub role: String,
    /// The level of the role; `weights` are this level's emphasis.
    pub level: Level,
    /// What the candidate is told before the first scenario.
    #[serde(default)]
    pub briefing: String,
    /// Exam (no hints, no scores shown until the report) or practice.
    #[serde(default)]
    pub mode: PackMode,
    /// Wall-clock limit for the whole pack, e.g. "1h30m".
    pub time_limit: Dur,
    /// The pack total (0 to 100) a candidate needs to pass.
    pub pass: f64,
    /// Multipliers on the scenarios' own rubric weights for this role level, e.g.
    /// `{Communication: 2.0}` makes communication count twice as much. KPIs not named keep 1.
    #[serde(default)]
    pub weights: BTreeMap<Kpi, f64>,
    pub scenarios: Vec<PackScenario>,
}

/// One scenario of a pack.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PackScenario {
    /// A scenario id from the library.
    pub scenario: String,
    /// Wall-clock limit for this scenario, e.g. "25m".
    pub time_limit: Dur,
    /// Weight of this scenario in the pack total.
    #[serde(default = "one")]
    pub weight: f64,
}

fn one() -> f64 {
    1.0
}

#[derive(
    Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq, schemars::JsonSchema,
)]
pub enum PackMode {
    #[default]
    Exam,
    Practice,
}

impl PackMode {
    pub const fn label(self) -> &'static str {
        match self {
            PackMode::Exam => "exam",
            PackMode::Practice => "practice",
        }
    }
}

impl Pack {
    /// The pack's weight multiplier for a KPI (1 unless the pack names it).
    pub fn weight_of(&self, kpi: Kpi) -> f64 {
        self.weights.get(&kpi).copied().unwrap_or(1.0)
    }
}

/// Whether RON text is a pack rather than a scenario: its first token is `Pack`.
pub fn is_pack(text: &str) -> bool {
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("//") {
            rest = after.split_once('\n').map_or("", |(_, r)| r);
        } else if let Some(after) = rest.strip_prefix("/*") {
            rest = after.split_once("*/").map_or("", |(_, r)| r);
        } else {
            return rest.starts_with("Pack") && rest[4..].trim_start().starts_with('(');
        }
    }
}

/// Parses and validates a pack; `file` names it in diagnostics.
pub fn load_pack(file: &str, source: &str) -> Result<Pack, LoadError> {
    if source.len() > crate::MAX_FILE_BYTES {
        return Err(LoadError::single(
            file,
            format!(
                "file is {} bytes, over the {} byte limit",
                source.len(),
                crate::MAX_FILE_BYTES
            ),
        ));
    }
    let pack: Pack = crate::load::parse_ron(file, source)?;
    let mut diagnostics = validate(&pack);
    if diagnostics.is_empty() {
        return Ok(pack);
    }
    crate::locate_all(source, &mut diagnostics);
    Err(LoadError {
        file: file.to_owned(),
        source: source.to_owned(),
        diagnostics,
    })
}

fn validate(p: &Pack) -> Vec<Diagnostic> {
    let mut d = Vec::new();
    if p.id.is_empty()
        || !p
            .id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        d.push(Diagnostic::at(
            "id",
            format!(
                "pack id `{}` must be lower-case letters, digits and dashes",
                p.id
            ),
        ));
    }
    for (field, text) in [("title", &p.title), ("role", &p.role)] {
        if text.trim().is_empty() {
            d.push(Diagnostic::at(field, format!("{field} must not be empty")));
        }
    }
    if p.time_limit.ms() == 0 || p.time_limit > MAX_PACK_TIME {
        d.push(Diagnostic::at(
            "time_limit",
            format!(
                "the pack's time limit {} must be above zero and at most {MAX_PACK_TIME}",
                p.time_limit
            ),
        ));
    }
    if !(0.0..=100.0).contains(&p.pass) {
        d.push(Diagnostic::at(
            "pass",
            format!("the pass line {} must be between 0 and 100", p.pass),
        ));
    }
    for (kpi, w) in &p.weights {
        if !w.is_finite() || *w < 0.0 || *w > 10.0 {
            d.push(Diagnostic::at(
                format!("weights.{kpi:?}"),
                format!("the weight of {kpi:?} is {w}; weights are multipliers from 0 to 10"),
            ));
        }
    }
    if p.scenarios.is_empty() {
        d.push(Diagnostic::at("scenarios", "the pack has no scenarios"));
    }
    if p.scenarios.len() > MAX_PACK_SCENARIOS {
        d.push(Diagnostic::at(
            "scenarios",
            format!(
                "the pack has {} scenarios; at most {MAX_PACK_SCENARIOS}",
                p.scenarios.len()
            ),
        ));
    }
    for (i, s) in p.scenarios.iter().enumerate() {
        let path = format!("scenarios[{i}]");
        if p.scenarios[..i].iter().any(|o| o.scenario == s.scenario) {
            d.push(Diagnostic::at(
                format!("{path}.scenario"),
                format!("`{}` is already in the pack", s.scenario),
            ));
        }
        if s.time_limit.ms() == 0 || s.time_limit > p.time_limit {
            d.push(Diagnostic::at(
                format!("{path}.time_limit"),
                format!(
                    "the time limit {} must be above zero and within the pack's {}",
                    s.time_limit, p.time_limit
                ),
            ));
        }
        if !s.weight.is_finite() || s.weight <= 0.0 || s.weight > 100.0 {
            d.push(Diagnostic::at(
                format!("{path}.weight"),
                format!("the weight {} must be above 0 and at most 100", s.weight),
            ));
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    const PACK: &str = r#"
// a pack
Pack(
    id: "sre-lead",
    title: "SRE lead",
    role: "Site reliability engineer",
    level: Lead,
    time_limit: "1h",
    pass: 70.0,
    weights: {Communication: 2.0},
    scenarios: [
        (scenario: "db-disk-full", time_limit: "25m"),
        (scenario: "zone-link-down", time_limit: "30m", weight: 2.0),
    ],
)
"#;

    #[test]
    fn a_pack_loads_with_defaults() {
        assert!(is_pack(PACK));
        assert!(!is_pack("// Pack(\n(id: \"x\")"));
        let p = load_pack("p.ron", PACK).unwrap();
        assert_eq!(p.mode, PackMode::Exam);
        assert_eq!(p.weight_of(Kpi::Communication), 2.0);
        assert_eq!(p.weight_of(Kpi::Availability), 1.0);
        assert_eq!(p.scenarios[0].weight, 1.0);
    }

    #[test]
    fn every_problem_is_reported_at_its_place() {
        let bad = PACK
            .replace("pass: 70.0", "pass: 170.0")
            .replace("\"25m\"", "\"2h\"")
            .replace("\"zone-link-down\"", "\"db-disk-full\"");
        let e = load_pack("p.ron", &bad).unwrap_err();
        let text = e.to_string();
        assert_eq!(e.diagnostics.len(), 3, "{text}");
        assert!(text.contains("p.ron:9:"), "{text}");
        assert!(text.contains("already in the pack"), "{text}");
        let e = load_pack("p.ron", &PACK.replace("pass:", "passs:")).unwrap_err();
        assert!(e.to_string().contains("passs"), "{e}");
    }
}
