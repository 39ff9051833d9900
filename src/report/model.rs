//! The candidate report: what `gameday report` and `gameday assess` write as `report.json`, and
//! what the Markdown, HTML and CSV renderings are made from. Every number in it is recomputed by
//! replaying the candidate's journals; nothing is read back from an earlier report.
//!
//! The JSON schema is documented in docs/reports.md; `gameday_report` is its version, raised on
//! any change a reader would notice (fields are only added within a version).

use grader::{Counterfactual, HintUse, KpiScore};
use serde::Serialize;

/// The version of the report's JSON schema.
pub const FORMAT: u32 = 1;

/// One candidate's assessment, graded.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Report {
    pub gameday_report: u32,
    pub candidate: String,
    pub pack: PackInfo,
    /// The candidate's seed: every scenario's variant is picked from it.
    pub seed: u64,
    /// "exam" or "practice".
    pub mode: String,
    /// Weighted mean of the scenario totals, 0 to 100 (a scenario never started scores 0).
    pub total: f64,
    /// `total` reaches the pack's pass line.
    pub passed: bool,
    /// Every scenario of the pack was closed (resolved, out of time, or left).
    pub complete: bool,
    pub scenarios: Vec<ScenarioReport>,
    pub integrity: Integrity,
    /// How the grade was made: which content and rubric, and anything the reader should know
    /// (a torn last journal line dropped, a pack changed since it was played).
    pub notes: Vec<String>,
}

/// The pack the candidate sat.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct PackInfo {
    pub id: String,
    pub title: String,
    /// The job title the pack assesses for, e.g. "Site reliability engineer".
    pub role: String,
    /// "mid", "senior" or "lead".
    pub level: String,
    /// The total a candidate needs to pass.
    pub pass: f64,
    /// Wall-clock limit for the whole pack, seconds.
    pub time_limit_s: u64,
    /// SHA-256 of the pack file the report was graded with.
    pub hash: String,
}

/// How a scenario of the pack ended.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The candidate never reached it.
    NotStarted,
    /// Started and not closed: the session stopped mid-scenario and was not resumed.
    Open,
    /// The candidate declared it resolved.
    Resolved,
    /// Its wall-clock limit (or the pack's) ran out.
    TimeUp,
    /// The candidate moved on without resolving it.
    Left,
    /// Its simulated time limit passed.
    Over,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::NotStarted => "not started",
            Status::Open => "open",
            Status::Resolved => "declared resolved",
            Status::TimeUp => "time up",
            Status::Left => "left unresolved",
            Status::Over => "simulated time ran out",
        }
    }
}

/// One scenario of the pack, graded by replay.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ScenarioReport {
    /// 1-based position in the pack.
    pub index: usize,
    pub id: String,
    pub title: String,
    pub kind: String,
    pub level: String,
    /// The variant the candidate's seed picked, e.g. `victim=app-2`; empty if the scenario has none.
    pub variant: String,
    /// Weight of this scenario in the pack total.
    pub weight: f64,
    pub status: Status,
    /// The journal's file name inside the assessment folder.
    pub journal: Option<String>,
    pub wall_limit_s: u64,
    /// Wall-clock seconds the candidate spent in it (time while the program was not running is
    /// not counted).
    pub wall_used_s: f64,
    /// 0 to 100, after hint penalties.
    pub total: f64,
    pub kpis: Vec<KpiScore>,
    pub hints: Vec<HintUse>,
    pub hint_penalty: f64,
    /// Doing nothing and the reference solution graded on the same seed, and where the candidate
    /// falls between them.
    pub counterfactual: Option<Counterfactual>,
    pub timeline: Timeline,
}

/// The service's health over simulated time, with the faults and the candidate's commands.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct Timeline {
    /// The scenario's wall-clock start as the candidate saw it, e.g. "02:00" or "2026-10-05 09:00".
    pub start: String,
    /// Simulated length of the run, ms.
    pub end_ms: u64,
    pub resolved_ms: Option<u64>,
    /// The SLO's p99 target, ms, and availability target, percent.
    pub slo_p99_ms: f64,
    pub slo_availability_pct: f64,
    /// At most [`Timeline::MAX_SAMPLES`] points, evenly spread (each the worst of the minutes
    /// it stands for).
    pub samples: Vec<Sample>,
    pub faults: Vec<Mark>,
    pub commands: Vec<CommandMark>,
}

impl Timeline {
    pub const MAX_SAMPLES: usize = 360;
}

/// Service health over one stretch of simulated time.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Sample {
    pub at_ms: u64,
    /// Share of requests that succeeded, percent (100 when there were none).
    pub availability_pct: f64,
    /// Worst p99 latency at the entry, ms.
    pub p99_ms: f64,
    /// Every minute in the stretch met the SLO.
    pub healthy: bool,
}

/// A fault as it fired.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Mark {
    pub at_ms: u64,
    /// The simulated clock, e.g. "02:14".
    pub clock: String,
    pub text: String,
}

/// One command the candidate entered.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CommandMark {
    /// 1-based number in the scenario's journal.
    pub n: u64,
    pub at_ms: u64,
    pub clock: String,
    pub line: String,
    /// The engine's class of the command: "observe", "act", "wait", "note", "hint", "resolve",
    /// "configure" or "escalate".
    pub class: String,
    /// Why the engine judged it harmful, if it did.
    pub harm: Option<String>,
    /// Wall-clock seconds since the previous command (or the scenario's start).
    pub wall_gap_s: Option<f64>,
}

/// Signals from the journals' wall-clock times that a hiring team may want to look at. They
/// describe; they do not accuse: a burst may be a candidate pasting their own notes.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct Integrity {
    pub commands: usize,
    /// Wall-clock seconds across all scenarios.
    pub wall_used_s: f64,
    /// Median wall-clock seconds between commands.
    pub median_gap_s: Option<f64>,
    /// Gaps of at least [`Integrity::IDLE_S`] seconds between commands.
    pub idle_gaps: Vec<IdleGap>,
    /// Runs of commands entered faster than a person types them.
    pub bursts: Vec<Burst>,
    /// Times the session was stopped (crash, closed terminal) and resumed.
    pub resumes: Vec<Resume>,
    /// The same in plain sentences, for the reports.
    pub observations: Vec<String>,
}

impl Integrity {
    /// A gap this long with no command is reported as idle.
    pub const IDLE_S: f64 = 300.0;
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct IdleGap {
    pub scenario: String,
    /// The command that ended the gap (1-based in that scenario's journal).
    pub before_command: u64,
    pub seconds: f64,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Burst {
    pub scenario: String,
    /// First and last command of the run (1-based in that scenario's journal).
    pub from_command: u64,
    pub to_command: u64,
    pub seconds: f64,
    /// Characters entered per second across the run.
    pub chars_per_s: f64,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Resume {
    pub scenario: String,
    /// Wall-clock seconds between the last sign of activity and the resume.
    pub gap_s: f64,
}
