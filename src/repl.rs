//! The REPL: briefing, prompt, commands journalled as they are accepted, notices between
//! prompts, and the scorecard at the end. Reads a terminal with line editing, or plain lines
//! from a pipe or script with the same output.

use std::borrow::Cow;
use std::cell::RefCell;
use std::io::{BufRead, BufReader, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use engine::{Arg, COMMANDS, Response, Sim, spec};
use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::history::DefaultHistory;
use rustyline::validate::Validator;
use rustyline::{Context, Editor, Helper};
use scenarios::Metric;

use crate::help;
use crate::journal::{self, Writer};
use crate::library::Entry;
use crate::render::{self, Style};
use crate::runner;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Practice,
    Exam,
}

impl Mode {
    fn label(self) -> &'static str {
        match self {
            Mode::Practice => "practice",
            Mode::Exam => "exam",
        }
    }
}

/// Milliseconds since the Unix epoch: for journal timestamps and file names only, never the simulation.
#[allow(
    clippy::disallowed_methods,
    reason = "journal timestamps are informative and never graded"
)]
pub fn wall_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// Where command lines come from.
pub enum Input {
    Terminal(Box<Editor<Completion, DefaultHistory>>, Option<PathBuf>),
    Lines(Box<dyn BufRead>),
}

impl Input {
    pub fn script(path: &Path) -> Result<Input, String> {
        let file = std::fs::File::open(path)
            .map_err(|e| format!("cannot read script {}: {e}", path.display()))?;
        Ok(Input::Lines(Box::new(BufReader::new(file))))
    }

    /// The terminal with line editing when stdin is one, else plain lines.
    pub fn stdin() -> Input {
        if !std::io::stdin().is_terminal() {
            return Input::Lines(Box::new(BufReader::new(std::io::stdin())));
        }
        // Tab completes the common prefix, and a second Tab lists the choices, as shells do.
        let config = rustyline::Config::builder()
            .completion_type(rustyline::CompletionType::List)
            .build();
        let Ok(mut editor) = Editor::<Completion, DefaultHistory>::with_config(config) else {
            return Input::Lines(Box::new(BufReader::new(std::io::stdin())));
        };
        editor.set_helper(Some(Completion::default()));
        crate::interrupt::install();
        let history = history_path();
        if let Some(h) = &history {
            let _ = editor.load_history(h);
        }
        Input::Terminal(Box::new(editor), history)
    }
}

/// `GAMEDAY_HISTFILE` (empty disables), else the XDG state directory.
fn history_path() -> Option<PathBuf> {
    use etcetera::BaseStrategy;
    match std::env::var_os("GAMEDAY_HISTFILE") {
        Some(v) if v.is_empty() => None,
        Some(v) => Some(PathBuf::from(v)),
        None => {
            let base = etcetera::choose_base_strategy().ok()?;
            let dir = base
                .state_dir()
                .unwrap_or_else(|| base.data_dir())
                .join("gameday");
            std::fs::create_dir_all(&dir).ok()?;
            Some(dir.join("history"))
        }
    }
}

enum Line {
    Text(String),
    Interrupted,
    End,
    /// A line refused before it is parsed (over [`MAX_LINE`], or not UTF-8), with the reason.
    Refused(String),
}

impl Input {
    /// Reads a line; `remember` keeps it in the editing history (commands yes, answers no).
    fn read(&mut self, prompt: &str, remember: bool) -> Line {
        match self {
            Input::Terminal(editor, _) => match editor.readline(prompt) {
                Ok(line) => {
                    if remember && !line.trim().is_empty() {
                        let _ = editor.add_history_entry(line.as_str());
                    }
                    Line::Text(line)
                }
                Err(ReadlineError::Interrupted) => Line::Interrupted,
                // The terminal sent a byte sequence that is not UTF-8: what was typed so far is dropped.
                Err(ReadlineError::Io(e)) if e.kind() == std::io::ErrorKind::InvalidData => {
                    Line::Refused(
                        "the terminal sent bytes that are not UTF-8; the line was discarded".into(),
                    )
                }
                // Ctrl-D on an empty line, or the terminal is gone.
                Err(_) => Line::End,
            },
            Input::Lines(reader) => match read_bounded(reader.as_mut()) {
                None => Line::End,
                Some((bytes, len)) => {
                    let shown = String::from_utf8_lossy(&bytes[..bytes.len().min(MAX_LINE)]);
                    // Echo, so a scripted session's output reads like a transcript.
                    if len > MAX_LINE {
                        let head: String = shown.chars().take(60).collect();
                        println!("{prompt}{head}… ({len} bytes)");
                        return Line::Refused(format!(
                            "that line is {len} bytes; commands are at most {MAX_LINE}"
                        ));
                    }
                    println!("{prompt}{shown}");
                    match String::from_utf8(bytes) {
                        Ok(text) => Line::Text(text),
                        Err(e) => Line::Refused(format!(
                            "that line is not UTF-8 (byte {} is not valid); nothing was run",
                            e.utf8_error().valid_up_to() + 1
                        )),
                    }
                }
            },
        }
    }

    /// Waits for Enter; false if the input ended instead.
    pub fn pause(&mut self) -> bool {
        !matches!(self.read("", false), Line::End)
    }

    pub fn interactive(&self) -> bool {
        matches!(self, Input::Terminal(..))
    }

    fn set_names(&mut self, names: Vec<String>) {
        if let Input::Terminal(editor, _) = self
            && let Some(h) = editor.helper_mut()
        {
            *h.names.borrow_mut() = names;
        }
    }

    fn set_alert_names(&mut self, alerts: Vec<String>) {
        if let Input::Terminal(editor, _) = self
            && let Some(h) = editor.helper_mut()
        {
            *h.alerts.borrow_mut() = alerts;
        }
    }

    /// Autoscaling group and DNS record names, for completing `asg` and `dns`.
    fn set_cloud_names(&mut self, (groups, records): (Vec<String>, Vec<String>)) {
        if let Input::Terminal(editor, _) = self
            && let Some(h) = editor.helper_mut()
        {
            *h.groups.borrow_mut() = groups;
            *h.records.borrow_mut() = records;
        }
    }
    /// Backup ids and backup locations, for completing the backup and restore commands.
    fn set_storage_names(&mut self, (backups, locations): (Vec<String>, Vec<String>)) {
        if let Input::Terminal(editor, _) = self
            && let Some(h) = editor.helper_mut()
        {
            *h.backups.borrow_mut() = backups;
            *h.locations.borrow_mut() = locations;
        }
    }

    fn set_hypervisors(&mut self, names: Vec<String>) {
        if let Input::Terminal(editor, _) = self
            && let Some(h) = editor.helper_mut()
        {
            *h.hypervisors.borrow_mut() = names;
        }
    }
    fn set_host_types(&mut self, types: Vec<String>) {
        if let Input::Terminal(editor, _) = self
            && let Some(h) = editor.helper_mut()
        {
            *h.host_types.borrow_mut() = types;
        }
    }

    /// Warns of the deadline while the candidate types (a line printed above the prompt) at five
    /// minutes and one minute left, and when time is up. A terminal only: scripts read no clock.
    fn countdown(&mut self, deadline: Deadline) -> Option<crate::countdown::Countdown> {
        let Input::Terminal(editor, _) = self else {
            return None;
        };
        let printer = editor.create_external_printer().ok()?;
        Some(crate::countdown::Countdown::start(printer, deadline))
    }

    pub fn save_history(&mut self) {
        if let Input::Terminal(editor, Some(path)) = self {
            let _ = editor.save_history(path);
        }
    }
}

/// The longest command line accepted; anything longer is refused, not truncated.
pub const MAX_LINE: usize = 4_096;

/// Reads one line of piped input without its line ending, keeping at most `MAX_LINE + 1` bytes of
/// it however long it is: the bytes kept and the line's whole length. `None` at the end of the
/// input (or on a read error). A last line without a newline is a line like any other.
fn read_bounded(reader: &mut dyn BufRead) -> Option<(Vec<u8>, usize)> {
    let mut kept = Vec::new();
    let mut len = 0;
    let mut last = None;
    loop {
        let buf = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => return None,
        };
        if buf.is_empty() {
            break;
        }
        let (chunk, ends) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (&buf[..i], Some(i + 1)),
            None => (buf, None),
        };
        let room = (MAX_LINE + 1).saturating_sub(kept.len());
        kept.extend_from_slice(&chunk[..chunk.len().min(room)]);
        len += chunk.len();
        last = chunk.last().copied().or(last).or(ends.map(|_| b'\n'));
        let used = ends.unwrap_or(chunk.len());
        reader.consume(used);
        if ends.is_some() {
            break;
        }
    }
    last?;
    // A Windows line ending.
    if last == Some(b'\r') {
        len -= 1;
        kept.truncate(len);
    }
    Some((kept, len))
}

/// How a scenario's session ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The candidate declared it resolved.
    Resolved,
    /// Its simulated time limit passed.
    Over,
    /// The candidate chose to leave it unresolved.
    Left,
    /// A wall-clock deadline passed.
    TimeUp,
    /// The input ended (end of a script or pipe): the session stops and can be resumed.
    Stopped,
}

/// A wall-clock limit on a session, in ms since the Unix epoch.
#[derive(Clone, Copy, Debug)]
pub struct Deadline {
    pub at_wall_ms: u64,
}

impl Deadline {
    pub fn remaining_ms(self) -> u64 {
        self.at_wall_ms.saturating_sub(wall_ms())
    }

    /// `mm:ss` or `h:mm:ss` left.
    pub fn remaining_label(self) -> String {
        time_left(self.remaining_ms())
    }
}

/// Wall-clock time as a countdown shows it: `34:50`, `2:20:00`.
pub fn time_left(ms: u64) -> String {
    let s = ms.div_ceil(1_000);
    if s >= 3_600 {
        format!("{}:{:02}:{:02}", s / 3_600, s % 3_600 / 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// One scenario being played: the simulation, its journal, and how the REPL behaves.
pub struct Session<'a> {
    pub entry: &'a Entry,
    pub sim: Sim,
    pub journal: Writer,
    pub mode: Mode,
    pub style: Style,
    pub deadline: Option<Deadline>,
    /// Asked before leaving an unresolved scenario.
    pub leave_question: &'static str,
}

pub const LEAVE_PLAY: &str =
    "The incident is not resolved. Leave anyway? Your commands are saved. [y/N] ";
pub const LEAVE_PACK: &str = "Move on without resolving it? It is graded as it stands, and you cannot come back to it. [y/N] ";

/// The header a new journal starts with.
pub fn header(entry: &Entry, seed: u64, mode: Mode) -> journal::Header {
    journal::Header {
        gameday_journal: journal::FORMAT,
        scenario: entry.scenario.id.clone(),
        scenario_hash: entry.hash.clone(),
        source: entry.source.clone(),
        seed,
        engine: engine::ENGINE_VERSION.into(),
        mode: mode.label().into(),
        variant: entry.variant.to_string(),
        sim_hash: crate::library::sim_hash(&entry.scenario),
        sum: String::new(),
    }
}

/// Replays a journal to go on with it: its warnings printed, and the notices the candidate saw
/// before it stopped dropped.
pub fn reopen(library: &crate::library::Library, path: &Path) -> Result<runner::Replayed, String> {
    let mut replayed = runner::replay_journal(library, path)?;
    for w in &replayed.warnings {
        eprintln!("warning: {w}");
    }
    drop(replayed.sim.take_notices());
    Ok(replayed)
}

/// The line printed after a journal is replayed to go on with it.
pub fn resumed(commands: usize, sim: &Sim) -> String {
    format!(
        "Resumed: {commands} command{} replayed from the journal; it is now {}.",
        if commands == 1 { "" } else { "s" },
        sim.clock()
    )
}

/// Plays a new session of a scenario: briefing, REPL, then the scorecard.
pub fn play(
    entry: &Entry,
    seed: u64,
    mode: Mode,
    mut input: Input,
    journal_path: &Path,
    style: Style,
) -> Result<(), String> {
    let journal = Writer::create(journal_path, &header(entry, seed, mode))?;
    let mut session = Session {
        entry,
        sim: Sim::new(&entry.scenario, seed),
        journal,
        mode,
        style,
        deadline: None,
        leave_question: LEAVE_PLAY,
    };
    print!("{}", banner(entry, seed, mode, journal_path));
    let outcome = session.run(&mut input)?;
    input.save_history();
    finish_play(session, outcome, seed)
}

/// Goes on with a session whose journal was already replayed into `sim`.
pub fn resume(
    entry: &Entry,
    seed: u64,
    mode: Mode,
    sim: Sim,
    journal: Writer,
    mut input: Input,
    style: Style,
) -> Result<(), String> {
    let mut session = Session {
        entry,
        sim,
        journal,
        mode,
        style,
        deadline: None,
        leave_question: LEAVE_PLAY,
    };
    let outcome = session.run(&mut input)?;
    input.save_history();
    finish_play(session, outcome, seed)
}

fn finish_play(mut session: Session, outcome: Outcome, seed: u64) -> Result<(), String> {
    let path = session.journal.path.clone();
    let scenario = &session.entry.scenario;
    if matches!(outcome, Outcome::Left | Outcome::Stopped) {
        println!(
            "\nLeft at {} without resolving. The session is saved in {}\n\
             Go on with it:          gameday play --resume {}\n\
             Grade it as it stands:  gameday grade {}",
            session.sim.clock(),
            path.display(),
            path.display(),
            path.display()
        );
        return Ok(());
    }
    if outcome == Outcome::Over {
        println!(
            "\nTime is up: the scenario's {} have passed.",
            scenario.time_limit
        );
    }
    let card = runner::grade(scenario, seed, &mut session.sim)?;
    println!();
    print!("{}", render::scorecard(&card, scenario, session.style));
    println!(
        "\nPlayed in {} mode. Journal: {} (regrade any time with `gameday grade {}`)",
        session.mode.label(),
        path.display(),
        path.display()
    );
    Ok(())
}

impl Session<'_> {
    fn prompt(&self) -> String {
        let id = &self.entry.scenario.id;
        match self.deadline {
            Some(d) => format!(
                "[{}] {id} ({} left)> ",
                self.sim.clock(),
                d.remaining_label()
            ),
            None => format!("[{}] {id}> ", self.sim.clock()),
        }
    }

    fn time_up(&self) -> bool {
        self.deadline.is_some_and(|d| d.remaining_ms() == 0)
    }

    /// The REPL: reads commands until the scenario is resolved or over, the candidate leaves,
    /// the deadline passes or the input ends. Every accepted command is journalled and synced
    /// before its result is shown.
    pub fn run(&mut self, input: &mut Input) -> Result<Outcome, String> {
        let scenario = &self.entry.scenario;
        let style = self.style;
        // What is already paging when the candidate sits down.
        for notice in self.sim.take_notices() {
            println!("{}", render::notice(&notice, &scenario.start, style));
        }
        let _countdown = self.deadline.map(|d| input.countdown(d));
        while !self.sim.is_over() {
            if self.time_up() {
                return Ok(Outcome::TimeUp);
            }
            input.set_names(self.sim.names());
            input.set_alert_names(self.sim.alert_names());
            input.set_cloud_names(self.sim.cloud_names());
            input.set_storage_names(self.sim.storage_names());
            input.set_hypervisors(self.sim.hypervisors());
            input.set_host_types(self.sim.host_types());
            let text = match input.read(&self.prompt(), true) {
                Line::Text(t) => t,
                Line::Interrupted => {
                    println!("^C (type `quit` to leave)");
                    continue;
                }
                Line::Refused(why) => {
                    println!("error: {why}");
                    continue;
                }
                Line::End => {
                    if !input.interactive() {
                        return Ok(Outcome::Stopped);
                    }
                    match confirm_leave(input, self.leave_question) {
                        Some(true) => return Ok(Outcome::Left),
                        Some(false) => continue,
                        None => return Ok(Outcome::Stopped),
                    }
                }
            };
            if self.time_up() {
                println!("error: time is up; `{}` was not run", text.trim());
                return Ok(Outcome::TimeUp);
            }
            let line = text.trim();
            if line.is_empty() {
                continue;
            }
            if line.len() > MAX_LINE {
                println!(
                    "error: that line is {} bytes; commands are at most {MAX_LINE}",
                    line.len()
                );
                continue;
            }
            let (head, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
            let head = head.to_ascii_lowercase();
            match head.as_str() {
                "help" | "?" => {
                    if rest.trim().is_empty() {
                        print!("{}", help::overview());
                    } else {
                        print!("{}", help::command(rest.trim()));
                    }
                    continue;
                }
                "quit" | "exit" => {
                    if !input.interactive() {
                        return Ok(Outcome::Left);
                    }
                    match confirm_leave(input, self.leave_question) {
                        Some(true) => return Ok(Outcome::Left),
                        Some(false) => continue,
                        None => return Ok(Outcome::Stopped),
                    }
                }
                "hint" if self.mode == Mode::Exam => {
                    println!("error: hints are off in exam mode");
                    continue;
                }
                _ => {}
            }
            if head == "plan" || head == "apply" {
                match crate::design::plan(&self.sim, rest) {
                    Err(e) => println!("error: {e}"),
                    Ok(plan) => {
                        print!("{}", plan.render());
                        if head == "apply" {
                            let lines: Vec<String> = plan.commands().map(str::to_owned).collect();
                            for l in &lines {
                                if self.sim.is_over() || self.time_up() {
                                    println!("error: time is up; the rest of the plan was not run");
                                    break;
                                }
                                println!("> {l}");
                                if self.run_line(l)? {
                                    return Ok(Outcome::Resolved);
                                }
                            }
                        }
                    }
                }
                let _ = std::io::stdout().flush();
                continue;
            }
            if self.run_line(line)? {
                return Ok(Outcome::Resolved);
            }
            let _ = std::io::stdout().flush();
        }
        Ok(Outcome::Over)
    }

    /// Runs one command line: journalled and synced before its result is shown, so an
    /// acknowledged command survives a crash. True once the scenario is resolved or submitted.
    fn run_line(&mut self, line: &str) -> Result<bool, String> {
        let scenario = &self.entry.scenario;
        let style = self.style;
        let at = self.sim.now();
        // Ctrl-C at a terminal waits for the command to finish (see `interrupt`).
        let held = crate::interrupt::hold();
        let done = match self.sim.execute(line) {
            Ok(response) => {
                self.journal.append(at.ms(), line, wall_ms())?;
                print!("{}", render::response(&response, &scenario.start, style));
                for notice in self.sim.take_notices() {
                    println!("{}", render::notice(&notice, &scenario.start, style));
                }
                matches!(response, Response::Resolved | Response::Submitted { .. })
            }
            Err(e) => {
                println!("error: {e}");
                false
            }
        };
        if held.interrupted() {
            println!(
                "^C: `{line}` was already running and ran to its end (a command is never cut short); type `quit` to leave"
            );
        }
        Ok(done)
    }
}

/// Asks before leaving: yes or no, or `None` when the input ends at the question too (Ctrl-D
/// twice, or the terminal is gone), and the session stops there, saved and resumable.
fn confirm_leave(input: &mut Input, question: &str) -> Option<bool> {
    match input.read(question, false) {
        Line::Text(t) => {
            Some(t.trim().eq_ignore_ascii_case("y") || t.trim().eq_ignore_ascii_case("yes"))
        }
        Line::End => None,
        Line::Interrupted | Line::Refused(_) => Some(false),
    }
}

pub fn banner(entry: &Entry, seed: u64, mode: Mode, journal: &Path) -> String {
    let s = &entry.scenario;
    let hints = match mode {
        Mode::Practice => format!(
            "practice mode, {} hints available (each costs points)",
            s.hints.len()
        ),
        Mode::Exam => "exam mode, no hints".into(),
    };
    format!(
        "gameday: {}\n{} | {} | {} | {hints} | seed {seed}\nTime limit: {} of simulated time. Journal: {}\n\n{}\n\n\
         Type `help` for commands. The clock moves only when you act: looking costs about 20 s,\n\
         acting 30 s, a status note 1 min; `wait 5m` lets time pass. {}\n{}\n",
        s.title,
        s.id,
        s.kind.label(),
        s.level.label(),
        s.time_limit,
        journal.display(),
        s.briefing.trim(),
        if s.design.is_some() {
            "`submit` when your design is ready."
        } else {
            "`resolve` when you are done."
        },
        coarse_clock(s.tick)
    )
}

/// A note for scenarios whose clock moves in steps longer than a minute (capacity horizons).
fn coarse_clock(tick: scenarios::Dur) -> String {
    if tick.ms() <= 60_000 {
        return String::new();
    }
    format!(
        "This scenario's clock moves in steps of {tick}: every command takes at least one step, and\n\
         `wait 2w` or `wait 30d` moves weeks ahead.\n"
    )
}

/// Tab completion of commands, entity names and metrics; a dimmed usage hint while typing.
#[derive(Default)]
pub struct Completion {
    names: Rc<RefCell<Vec<String>>>,
    /// Names of the alert rules in force, for `alert del`.
    alerts: Rc<RefCell<Vec<String>>>,
    groups: Rc<RefCell<Vec<String>>>,
    records: Rc<RefCell<Vec<String>>>,
    backups: Rc<RefCell<Vec<String>>>,
    locations: Rc<RefCell<Vec<String>>>,
    hypervisors: Rc<RefCell<Vec<String>>>,
    host_types: Rc<RefCell<Vec<String>>>,
}

impl Completer for Completion {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let before = &line[..pos];
        let start = before.rfind(char::is_whitespace).map_or(0, |i| i + 1);
        let word = &before[start..];
        let index = before[..start].split_whitespace().count();
        let candidates: Vec<String> = if index == 0 {
            COMMANDS
                .iter()
                .map(|c| c.name.to_owned())
                .chain(["help".into(), "quit".into()])
                .collect()
        } else {
            let head = before.split_whitespace().next().unwrap_or("");
            let typed: Vec<&str> = before[..start].split_whitespace().collect();
            match engine::arg_at(&typed) {
                Some(Arg::Alert) => crate::repl_alert::candidates(
                    before,
                    &self.names.borrow(),
                    &self.alerts.borrow(),
                ),
                Some(Arg::Host | Arg::Service | Arg::Target | Arg::Node) => {
                    self.names.borrow().clone()
                }
                Some(Arg::Hypervisor) => self.hypervisors.borrow().clone(),
                Some(Arg::Metric) => Metric::ALL.iter().map(|m| m.label().to_owned()).collect(),
                Some(Arg::Word(words)) => words.iter().map(|w| (*w).to_owned()).collect(),
                Some(Arg::Group) => self.groups.borrow().clone(),
                Some(Arg::Record) => self.records.borrow().clone(),
                Some(Arg::Backup) => self.backups.borrow().clone(),
                Some(Arg::Location) => self.locations.borrow().clone(),
                Some(Arg::Source) => scenarios::SOURCES
                    .iter()
                    .map(|s| (*s).to_owned())
                    .chain(self.names.borrow().iter().cloned())
                    .collect(),
                Some(Arg::Team) => scenarios::TEAMS.iter().map(|t| (*t).to_owned()).collect(),
                Some(Arg::HostType) => self.host_types.borrow().clone(),
                _ if head == "help" => COMMANDS.iter().map(|c| c.name.to_owned()).collect(),
                _ => Vec::new(),
            }
        };
        let pairs = candidates
            .into_iter()
            .filter(|c| c.starts_with(word))
            .map(|c| Pair {
                replacement: format!("{c} "),
                display: c,
            })
            .collect();
        Ok((start, pairs))
    }
}

impl Hinter for Completion {
    type Hint = String;

    fn hint(&self, line: &str, pos: usize, _: &Context<'_>) -> Option<String> {
        if pos < line.len() {
            return None;
        }
        let head = line.strip_suffix(' ')?;
        let c = spec(head.trim())?;
        let rest = c.usage.split_once(' ')?.1;
        Some(rest.to_owned())
    }
}

impl Highlighter for Completion {
    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        Cow::Owned(format!("\x1b[2m{hint}\x1b[0m"))
    }
}

impl Validator for Completion {}
impl Helper for Completion {}

#[cfg(test)]
mod tests {
    use super::*;
    use rustyline::history::DefaultHistory;

    fn complete(c: &Completion, line: &str) -> Vec<String> {
        let history = DefaultHistory::new();
        let ctx = Context::new(&history);
        let (_, pairs) = c.complete(line, line.len(), &ctx).expect("completes");
        pairs.into_iter().map(|p| p.display).collect()
    }

    #[test]
    fn network_subcommands_and_nodes_complete() {
        let c = Completion::default();
        c.names
            .borrow_mut()
            .extend(["core-1".to_owned(), "dc1-web".to_owned()]);
        assert_eq!(complete(&c, "route "), ["show", "add", "del"]);
        assert_eq!(complete(&c, "link d"), ["down"]);
        assert_eq!(complete(&c, "route add co"), ["core-1"]);
        assert_eq!(complete(&c, "traceroute core-1 dc"), ["dc1-web"]);
        assert_eq!(complete(&c, "route add core-1 dc1-web v"), ["via"]);
    }

    #[test]
    fn completion_follows_the_backup_and_restore_grammar() {
        let c = Completion::default();
        *c.names.borrow_mut() = vec!["db".into(), "db-1".into(), "lb".into()];
        *c.backups.borrow_mut() = vec!["7f3a9c21".into(), "0b12cc40".into()];
        *c.locations.borrow_mut() = vec!["nas-1".into(), "s3-east".into()];
        assert_eq!(complete(&c, "backup v"), ["verify"]);
        assert_eq!(complete(&c, "backup verify 7"), ["7f3a9c21"]);
        assert_eq!(complete(&c, "backup create db t"), ["to"]);
        assert_eq!(complete(&c, "backup create db to s"), ["s3-east"]);
        assert_eq!(complete(&c, "restore d"), ["db", "db-1"]);
        assert_eq!(complete(&c, "restore db f"), ["from"]);
        assert_eq!(complete(&c, "restore db from 0"), ["0b12cc40"]);
        assert_eq!(complete(&c, "replica p"), ["promote"]);
        assert_eq!(complete(&c, "replica promote db-"), ["db-1"]);
        assert_eq!(complete(&c, "rest"), ["restart", "restore"]);
    }

    #[test]
    fn completion_knows_the_security_commands_words() {
        let c = Completion::default();
        *c.names.borrow_mut() = vec!["db".into(), "db-1".into(), "lb".into()];
        assert_eq!(
            complete(&c, "firewall "),
            ["list", "allow", "deny", "remove"]
        );
        assert_eq!(
            complete(&c, "firewall deny "),
            ["any", "internet", "db", "db-1", "lb"]
        );
        assert_eq!(complete(&c, "firewall deny internet 5432 "), ["on"]);
        assert_eq!(
            complete(&c, "firewall deny internet 5432 on d"),
            ["db", "db-1"]
        );
        assert_eq!(complete(&c, "cert r"), ["renew"]);
        assert_eq!(complete(&c, "escalate s"), ["security"]);
        assert_eq!(complete(&c, "pat"), ["patch"]);
    }
}
