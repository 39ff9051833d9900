//! `gameday assess`: a candidate sits a pack, one scenario after another, against wall-clock
//! limits. Everything goes to an assessment folder: `session.jsonl` (what was opened, closed and
//! resumed, and when), one journal per scenario, and at the end the candidate's reports. A
//! stopped assessment goes on with `--resume DIR`, rebuilt by replaying its journals.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use sha2::{Digest, Sha256};

use crate::cli::AssessArgs;
use crate::journal::{self, Writer};
use crate::library::{Library, PackEntry};
use crate::render::{self, Style};
use crate::repl::{self, Deadline, Input, Mode, Outcome, Session, wall_ms};
use crate::report;
use crate::runner;
use crate::session_log::{self, Closed, Event, Log};

/// The seed a candidate's variants come from: the pack id and the name, hashed, so the same
/// candidate resuming or being regraded gets the same one and two names almost never share it.
pub fn candidate_seed(pack: &str, candidate: &str) -> u64 {
    let digest = Sha256::digest(format!("{pack}\n{}", candidate.trim().to_lowercase()).as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    // Six digits: easy to read out and to type into `play --seed` for a re-run.
    u64::from_le_bytes(bytes) % 1_000_000
}

/// How many seeds after the name's own are tried for variants unlike the other candidates'.
const SEED_TRIES: u64 = 512;

/// The candidate's seed: the name's own ([`candidate_seed`]) or the first after it whose
/// variants overlap least with those of the candidates already in the same parent folder (as
/// `assessments/<pack>/<candidate>` puts them), so that, while the scenarios have variants to
/// spare, no two candidates face the same failing host or numbers.
fn choose_seed(
    library: &Library,
    pack: &PackEntry,
    candidate: &str,
    dir: &Path,
) -> Result<u64, String> {
    let base = candidate_seed(&pack.pack.id, candidate);
    let mut axes = Vec::new();
    for s in &pack.pack.scenarios {
        axes.push(scenarios::variant_axes(&library.find(&s.scenario)?.text));
    }
    let picks = |seed: u64| -> Vec<Vec<usize>> {
        axes.iter()
            .map(|a| scenarios::pick_for_seed(a, seed))
            .collect()
    };
    let others: Vec<Vec<Vec<usize>>> = sibling_seeds(dir, &pack.pack.id)
        .into_iter()
        .map(picks)
        .collect();
    if others.is_empty() {
        return Ok(base);
    }
    // Fewest scenarios played in the same variant as someone else, then fewest equal axes.
    let overlap = |seed: u64| {
        let mine = picks(seed);
        let mut same_scenarios = 0;
        let mut same_axes = 0;
        for theirs in &others {
            for (a, b) in mine.iter().zip(theirs) {
                if !a.is_empty() && a == b {
                    same_scenarios += 1;
                }
                same_axes += a.iter().zip(b).filter(|(x, y)| x == y).count();
            }
        }
        (same_scenarios, same_axes)
    };
    Ok((0..SEED_TRIES)
        .map(|k| (base + k) % 1_000_000)
        .min_by_key(|&seed| overlap(seed))
        .unwrap_or(base))
}

/// Seeds of the assessments of `pack` in the folders beside `dir`.
fn sibling_seeds(dir: &Path, pack: &str) -> Vec<u64> {
    let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir(parent) else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p != dir && p.join(session_log::FILE).is_file())
        .collect();
    dirs.sort();
    dirs.iter()
        .filter_map(|d| session_log::read(d).ok())
        .filter(|r| r.begin().pack == pack)
        .map(|r| r.begin().seed)
        .collect()
}

/// A folder-friendly form of a name: `Ada Lovelace` -> `ada-lovelace`.
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.trim().chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_owned();
    if out.is_empty() {
        // A name with no letters or digits (`../..`, `🚀`) still gets a folder of its own.
        let digest = Sha256::digest(name.as_bytes());
        format!(
            "candidate-{:02x}{:02x}{:02x}",
            digest[0], digest[1], digest[2]
        )
    } else {
        out
    }
}

pub fn assess(library: &Library, args: AssessArgs, style: Style) -> Result<ExitCode, String> {
    let input = match &args.script {
        Some(path) => Input::script(path)?,
        None => Input::stdin(),
    };
    match &args.resume {
        Some(dir) => resume(library, dir, input, style),
        None => begin(library, &args, input, style),
    }
}

fn begin(
    library: &Library,
    args: &AssessArgs,
    input: Input,
    style: Style,
) -> Result<ExitCode, String> {
    let pack_id = args
        .pack
        .as_deref()
        .expect("clap requires --pack or --resume");
    let candidate = args.candidate.as_deref().unwrap_or_default().trim();
    if candidate.is_empty() {
        return Err("--candidate needs a name".into());
    }
    let pack = library.find_pack(pack_id)?;
    // Every scenario must be there before the candidate starts, not halfway through.
    for s in &pack.pack.scenarios {
        library
            .find(&s.scenario)
            .map_err(|e| format!("pack `{}`: {e}", pack.pack.id))?;
    }
    let dir = match &args.out {
        Some(d) => d.clone(),
        None => PathBuf::from("assessments")
            .join(&pack.pack.id)
            .join(slug(candidate)),
    };
    if dir.join(session_log::FILE).exists() {
        return Err(occupied(&dir, &pack.pack.id, candidate));
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let seed = match args.seed {
        Some(seed) => seed,
        None => choose_seed(library, &pack, candidate, &dir)?,
    };
    let content = match library {
        Library::Builtin => None,
        Library::Dir(d) => Some(
            std::fs::canonicalize(d)
                .unwrap_or_else(|_| d.clone())
                .display()
                .to_string(),
        ),
    };
    let log = Log::create(
        &dir,
        &Event::Begin {
            gameday_assessment: session_log::FORMAT,
            pack: pack.pack.id.clone(),
            pack_source: pack.source.clone(),
            pack_hash: pack.hash.clone(),
            content,
            candidate: candidate.to_owned(),
            seed,
            wall_ms: wall_ms(),
        },
    )?;
    print!("{}", pack_banner(&pack, candidate, &dir));
    let read = session_log::read(&dir)?;
    Sitting {
        library,
        pack,
        dir,
        seed,
        log,
        style,
    }
    .run(read, input)
}

/// Why a folder cannot take a new assessment, and what to do instead: resuming is offered only
/// to the same candidate, on the same pack, with the sitting unfinished.
fn occupied(dir: &Path, pack: &str, candidate: &str) -> String {
    let shown = dir.display();
    let Ok(read) = session_log::read(dir) else {
        return format!(
            "{shown} already holds an assessment that cannot be read; choose another --out"
        );
    };
    let b = read.begin();
    let finished = read.events.iter().any(|e| matches!(e, Event::End { .. }));
    let same = b.pack == pack && b.candidate.trim().eq_ignore_ascii_case(candidate.trim());
    let whose = format!(
        "{shown} already holds {}'s {} assessment `{}`",
        b.candidate,
        if finished { "finished" } else { "unfinished" },
        b.pack
    );
    if same && !finished {
        format!("{whose}; go on with it with `gameday assess --resume {shown}`")
    } else {
        format!("{whose}; choose another --out for {candidate}")
    }
}

fn resume(library: &Library, dir: &Path, input: Input, style: Style) -> Result<ExitCode, String> {
    if !dir.exists() {
        return Err(format!("{}: no such folder", dir.display()));
    }
    let read = session_log::read(dir)?;
    if let Some(w) = &read.warning {
        eprintln!("warning: {w}");
    }
    let b = read.begin();
    // The assessment goes on with the scenarios it began with.
    let library = match (library, b.content) {
        (Library::Builtin, Some(content)) => &Library::Dir(PathBuf::from(content)),
        _ => library,
    };
    let pack = library.pack_from_source(b.pack_source)?;
    if pack.hash != b.pack_hash {
        return Err(format!(
            "the pack `{}` has changed since this assessment began ({} no longer has the hash it was sat with); \
             it cannot go on with different scenarios or limits. `gameday report {}` grades it as it stands",
            b.pack,
            b.pack_source,
            dir.display()
        ));
    }
    if read.events.iter().any(|e| matches!(e, Event::End { .. })) {
        return Err(format!(
            "the assessment in {} is finished; `gameday report {}` regrades it",
            dir.display(),
            dir.display()
        ));
    }
    let seed = b.seed;
    let mut log = Log::reopen(dir, &read)?;
    log.append(&Event::Resume { wall_ms: wall_ms() })?;
    println!(
        "Resuming {}'s assessment `{}` in {}.",
        b.candidate,
        pack.pack.id,
        dir.display()
    );
    let read = session_log::read(dir)?;
    Sitting {
        library,
        pack,
        dir: dir.to_path_buf(),
        seed,
        log,
        style,
    }
    .run(read, input)
}

fn pack_banner(pack: &PackEntry, candidate: &str, dir: &Path) -> String {
    let p = &pack.pack;
    let mut out = format!(
        "gameday assessment: {}\nRole: {} ({} level) | candidate: {candidate} | {} mode\n\n",
        p.title,
        p.role,
        p.level.label(),
        p.mode.label()
    );
    if !p.briefing.trim().is_empty() {
        for line in render::wrap(p.briefing.trim(), 90) {
            out.push_str(&format!("{line}\n"));
        }
        out.push('\n');
    }
    out.push_str(&format!(
        "{} scenarios, {} of wall-clock time in all:\n",
        p.scenarios.len(),
        p.time_limit
    ));
    for (i, s) in p.scenarios.iter().enumerate() {
        out.push_str(&format!("  {}. {} ({})\n", i + 1, s.scenario, s.time_limit));
    }
    out.push_str(&format!(
        "\nThe time left is shown in the prompt; when it runs out the scenario closes and is graded as it stands.\n\
         `quit` moves on to the next scenario. Every command is saved as you enter it (in {}).\n",
        dir.display()
    ));
    if p.mode == scenarios::PackMode::Exam {
        out.push_str("Hints are off, and scores are not shown until the hiring team's report.\n");
    }
    out
}

/// An assessment being sat.
struct Sitting<'a> {
    library: &'a Library,
    pack: PackEntry,
    dir: PathBuf,
    seed: u64,
    log: Log,
    style: Style,
}

impl Sitting<'_> {
    fn run(mut self, read: session_log::Read, mut input: Input) -> Result<ExitCode, String> {
        let p = self.pack.pack.clone();
        let mode = match p.mode {
            scenarios::PackMode::Exam => Mode::Exam,
            scenarios::PackMode::Practice => Mode::Practice,
        };
        let closed = read.closed();
        let journals = read.journals();
        let timing = read.timing(&activity(&self.dir, &journals));
        let mut pack_used: u64 = timing.used_ms.values().sum();
        for (i, item) in p.scenarios.iter().enumerate() {
            if closed.contains_key(&i) {
                continue;
            }
            let pack_left = p.time_limit.ms().saturating_sub(pack_used);
            let used = timing.used_ms.get(&i).copied().unwrap_or(0);
            let left = item.time_limit.ms().saturating_sub(used).min(pack_left);
            let existing = journals.get(&i).map(|j| self.dir.join(j));
            if input.interactive() && existing.is_none() {
                // A breather before each scenario that the clock does not count.
                println!(
                    "\nNext: scenario {} of {}, with {} on the clock. Press Enter when you are ready.",
                    i + 1,
                    p.scenarios.len(),
                    repl::time_left(left)
                );
                if !input.pause() {
                    return self.stopped();
                }
            }
            let started = wall_ms();
            let deadline = Deadline {
                at_wall_ms: started + left,
            };
            println!(
                "\n=== Scenario {} of {}: {} left for it, {} for the pack ===",
                i + 1,
                p.scenarios.len(),
                repl::time_left(left),
                repl::time_left(pack_left)
            );
            let outcome = match existing {
                Some(path) => self.go_on(&path, mode, deadline, &mut input)?,
                None => self.open(i, mode, deadline, &mut input)?,
            };
            let closed = match outcome {
                Outcome::Stopped => return self.stopped(),
                Outcome::Resolved => Closed::Resolved,
                Outcome::Over => Closed::Over,
                Outcome::Left => Closed::Left,
                Outcome::TimeUp => Closed::TimeUp,
            };
            let now = wall_ms();
            self.log.append(&Event::Close {
                scenario: i,
                outcome: closed,
                wall_ms: now,
            })?;
            pack_used += now.saturating_sub(started);
            println!(
                "\nScenario {} closed: {}.",
                i + 1,
                match closed {
                    Closed::Resolved => "you resolved it",
                    Closed::Over => "its simulated time ran out",
                    Closed::Left => "you moved on",
                    Closed::TimeUp => "time is up",
                }
            );
        }
        input.save_history();
        self.log.append(&Event::End { wall_ms: wall_ms() })?;
        let written = report::write_candidate(self.library, &self.dir)?;
        println!(
            "\nThe assessment is complete. Thank you.\nEverything you did is saved in {}.",
            self.dir.display()
        );
        if mode == Mode::Practice {
            println!("Your report: {}", written.join(", "));
        }
        Ok(ExitCode::SUCCESS)
    }

    fn stopped(&self) -> Result<ExitCode, String> {
        println!(
            "\nThe assessment is paused; nothing you entered is lost. Go on with `gameday assess --resume {}`.",
            self.dir.display()
        );
        Ok(ExitCode::SUCCESS)
    }

    /// Starts scenario `i` with a new journal.
    fn open(
        &mut self,
        i: usize,
        mode: Mode,
        deadline: Deadline,
        input: &mut Input,
    ) -> Result<Outcome, String> {
        let item = &self.pack.pack.scenarios[i];
        let entry = self.library.find(&item.scenario)?.for_seed(self.seed)?;
        let name = format!("{:02}-{}.jsonl", i + 1, entry.scenario.id);
        let path = self.dir.join(&name);
        let journal = Writer::create(&path, &repl::header(&entry, self.seed, mode))?;
        self.log.append(&Event::Open {
            scenario: i,
            id: entry.scenario.id.clone(),
            journal: name,
            wall_ms: wall_ms(),
        })?;
        print!("{}", repl::banner(&entry, self.seed, mode, &path));
        let sim = engine::Sim::new(&entry.scenario, self.seed);
        self.play(&entry, sim, journal, mode, deadline, input)
    }

    /// Runs one scenario's REPL against its deadline.
    fn play(
        &self,
        entry: &crate::library::Entry,
        sim: engine::Sim,
        journal: Writer,
        mode: Mode,
        deadline: Deadline,
        input: &mut Input,
    ) -> Result<Outcome, String> {
        let mut session = Session {
            entry,
            sim,
            journal,
            mode,
            style: self.style,
            deadline: Some(deadline),
            leave_question: repl::LEAVE_PACK,
        };
        let heartbeat = session_log::Heartbeat::start(&self.log.path)?;
        let outcome = session.run(input)?;
        drop(heartbeat);
        self.practice_scorecard(mode, outcome, &mut session)?;
        Ok(outcome)
    }

    /// Goes on with scenario `i` from its journal.
    fn go_on(
        &mut self,
        path: &Path,
        mode: Mode,
        deadline: Deadline,
        input: &mut Input,
    ) -> Result<Outcome, String> {
        let runner::Replayed {
            read, entry, sim, ..
        } = repl::reopen(self.library, path)?;
        if sim.resolved() {
            return Ok(Outcome::Resolved);
        }
        if sim.is_over() {
            return Ok(Outcome::Over);
        }
        let journal = journal::Writer::resume(path, &read)?;
        print!("{}", repl::banner(&entry, self.seed, mode, path));
        println!("{}", repl::resumed(read.entries.len(), &sim));
        self.play(&entry, sim, journal, mode, deadline, input)
    }

    /// In a practice pack the candidate sees each scenario's scorecard as it closes.
    fn practice_scorecard(
        &self,
        mode: Mode,
        outcome: Outcome,
        session: &mut Session,
    ) -> Result<(), String> {
        if mode != Mode::Practice || outcome == Outcome::Stopped {
            return Ok(());
        }
        let card = runner::grade(&session.entry.scenario, self.seed, &mut session.sim)?;
        println!();
        print!(
            "{}",
            render::scorecard(&card, &session.entry.scenario, self.style)
        );
        Ok(())
    }
}

/// The wall-clock times of each opened scenario's journalled commands, by index.
pub fn activity(dir: &Path, journals: &BTreeMap<usize, String>) -> BTreeMap<usize, Vec<u64>> {
    journals
        .iter()
        .map(|(i, name)| {
            let times = journal::read(&dir.join(name))
                .map(|r| r.entries.iter().map(|e| e.wall_ms).collect())
                .unwrap_or_default();
            (*i, times)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_and_folders_come_from_the_name() {
        assert_eq!(
            candidate_seed("sre-lead", "Ada Lovelace"),
            candidate_seed("sre-lead", " ada lovelace ")
        );
        assert_ne!(
            candidate_seed("sre-lead", "Ada Lovelace"),
            candidate_seed("sre-lead", "Grace Hopper")
        );
        assert!(candidate_seed("sre-lead", "Ada") < 1_000_000);
        assert_eq!(slug("  Ada  Lovelace!"), "ada-lovelace");
        assert!(slug("../..").starts_with("candidate-"));
        assert_ne!(slug("../.."), slug("🚀🚀"));
        assert_eq!(slug("Zoë O'Brien"), "zoë-o-brien");
    }
}
