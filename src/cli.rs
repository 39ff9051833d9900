//! Command-line arguments (clap), parsed into plain values before anything runs.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

const EXAMPLES: &str = "\
Examples:
  gameday play                          play the default scenario (db-disk-full)
  gameday play app-memory-leak --seed 7 play another scenario with another seed
  gameday play zone-link-down --exam    no hints, as in an assessment
  gameday play db-disk-full < cmds.txt  run a scripted session
  gameday play --resume JOURNAL         go on with a session that was stopped
  gameday list                          every scenario, by kind and level
  gameday grade ~/.local/share/gameday/journals/db-disk-full-1-….jsonl
  gameday check content/                validate scenario files
  gameday assess --pack sre-lead --candidate \"Ada Lovelace\"
                                        sit an assessment (journals in assessments/sre-lead/)
  gameday report assessments/sre-lead/* --csv ranking.csv
                                        regrade and rank candidates";

/// Practise and assess infrastructure engineering against a simulated estate that fails in
/// realistic ways, graded on the KPIs of the role.
#[derive(Debug, Parser)]
#[command(name = "gameday", version, after_help = EXAMPLES, arg_required_else_help = true)]
pub struct Cli {
    /// Read scenarios from this folder instead of the built-in library.
    #[arg(long, global = true, value_name = "DIR")]
    pub content: Option<PathBuf>,
    /// When to use colour.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    #[command(subcommand)]
    pub command: Cmd,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    Scenario,
    Pack,
}

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Play a scenario in the REPL (or from a script or piped input).
    Play(PlayArgs),
    /// List the scenario library by duty, and the assessment packs.
    List {
        /// Print JSON: an array of {id, title, kind, level, time_limit, default}.
        #[arg(long)]
        json: bool,
    },
    /// Regrade a session by replaying its journal (stored scores are never trusted).
    Grade {
        /// A journal written by `gameday play` or `gameday assess`.
        journal: PathBuf,
        /// Print the scorecard as JSON.
        #[arg(long)]
        json: bool,
        /// Grade with this rubric (a RON file holding what a scenario's `rubric:` field holds)
        /// instead of the scenario's own; the reference and doing nothing are regraded with it too.
        #[arg(long, value_name = "FILE")]
        rubric: Option<PathBuf>,
    },
    /// For authors: print the JSON Schema of the scenario (or pack) format, for editors.
    Schema {
        /// Which format.
        #[arg(value_enum, default_value_t = SchemaKind::Scenario)]
        which: SchemaKind,
    },
    /// For authors: write a commented starter scenario that passes `check`.
    New {
        /// outage, migration, capacity, disaster-recovery, monitoring, network, virtualization,
        /// security, design or cloud.
        kind: String,
        /// The scenario's id: lower-case letters, digits and dashes. Written to NAME.ron.
        name: String,
        /// Write it here instead of ./NAME.ron.
        #[arg(long, value_name = "PATH")]
        out: Option<PathBuf>,
    },
    /// For authors: what happens with nobody at the keyboard, beside the reference solution's run.
    Explain {
        /// Scenario id or path to a .ron file.
        scenario: String,
        /// The seed (and so the variant) to explain.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Sit an assessment pack: its scenarios one after another, against the clock.
    Assess(AssessArgs),
    /// Regrade assessments by replaying their journals; write each candidate's report and rank them.
    Report(ReportArgs),
    /// Load and validate scenario files, reporting every problem with its position.
    Check {
        /// Scenario files or folders of them.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Measure this machine against the performance goals and print the figures.
    Bench(BenchArgs),
}

#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// Run the full sizes (up to 100,000 hosts, a 10,000-host day, 1,000 regrades): minutes.
    #[arg(long)]
    pub full: bool,
    /// Run only a generated estate of this many hosts and print the peak resident bytes
    /// (how the memory figure is measured, in a process of its own).
    #[arg(long, value_name = "HOSTS", hide = true)]
    pub memory: Option<usize>,
    /// Simulated time for `--memory`.
    #[arg(long, value_name = "DURATION", default_value = "1d", hide = true)]
    pub span: String,
}

#[derive(Debug, clap::Args)]
pub struct PlayArgs {
    /// Scenario id (see `gameday list`) or path to a .ron file; default: db-disk-full.
    pub scenario: Option<String>,
    /// Seed for the run's randomness: the same seed and commands give the same result.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Practice mode: hints available (the default).
    #[arg(long, conflicts_with = "exam")]
    pub practice: bool,
    /// Exam mode: no hints.
    #[arg(long)]
    pub exam: bool,
    /// Read commands from this file instead of the keyboard.
    #[arg(long, value_name = "FILE")]
    pub script: Option<PathBuf>,
    /// Write the journal here (default: under the user's data directory).
    #[arg(long, value_name = "PATH")]
    pub journal: Option<PathBuf>,
    /// Go on with a stopped session: replay its journal and keep appending to it.
    #[arg(long, value_name = "JOURNAL", conflicts_with_all = ["scenario", "seed", "journal", "practice", "exam"])]
    pub resume: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("start").required(true).args(["pack", "resume"])))]
pub struct AssessArgs {
    /// Pack id (see content/packs/) or path to a pack .ron file.
    #[arg(long, requires = "candidate")]
    pub pack: Option<String>,
    /// The candidate's name, as the reports will show it.
    #[arg(long)]
    pub candidate: Option<String>,
    /// Folder for the journals and reports (default: assessments/<pack>/<candidate>).
    #[arg(long, value_name = "DIR", conflicts_with = "resume")]
    pub out: Option<PathBuf>,
    /// Seed for the candidate's variants (default: derived from the pack and the candidate's name).
    #[arg(long, conflicts_with = "resume")]
    pub seed: Option<u64>,
    /// Go on with an assessment that was stopped (crash, closed terminal).
    #[arg(long, value_name = "DIR", conflicts_with_all = ["pack", "candidate"])]
    pub resume: Option<PathBuf>,
    /// Read commands from this file instead of the keyboard.
    #[arg(long, value_name = "FILE")]
    pub script: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// Assessment folders written by `gameday assess`.
    #[arg(required = true, value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// Also write a page comparing the candidates side by side.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Also write the ranking as CSV, for an applicant-tracking system.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Print the candidates' reports as a JSON array instead of the ranking table.
    #[arg(long)]
    pub json: bool,
}
