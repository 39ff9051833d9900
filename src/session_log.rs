//! An assessment's session log (`session.jsonl` in its folder): which pack, candidate and seed,
//! and when each scenario was opened, closed or resumed. One JSON line per event, appended and
//! synced, so a crash loses nothing that was shown. The scenarios' journals hold the commands;
//! this log holds the order and the wall-clock times that the report's timings come from.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub const FORMAT: u32 = 1;
/// The log's file name inside an assessment folder.
pub const FILE: &str = "session.jsonl";

/// One event of an assessment.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(tag = "event", rename_all = "snake_case", deny_unknown_fields)]
pub enum Event {
    /// The first line: what is being sat, and by whom.
    Begin {
        gameday_assessment: u32,
        pack: String,
        /// `builtin:packs/<file>` or the pack file's absolute path.
        pack_source: String,
        /// SHA-256 of the pack file as it was sat.
        pack_hash: String,
        /// The scenario folder given with `--content`, if any (absolute).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        content: Option<String>,
        candidate: String,
        seed: u64,
        wall_ms: u64,
    },
    /// Scenario `scenario` (0-based in the pack) started; its commands go to `journal`.
    Open {
        scenario: usize,
        id: String,
        journal: String,
        wall_ms: u64,
    },
    /// The program started again on this folder after stopping.
    Resume { wall_ms: u64 },
    /// Written every [`HEARTBEAT_MS`] while a scenario is open: after a crash, the time up to
    /// the last one is charged to the scenario.
    Alive { wall_ms: u64 },
    /// Scenario `scenario` ended.
    Close {
        scenario: usize,
        outcome: Closed,
        wall_ms: u64,
    },
    /// Every scenario is closed.
    End { wall_ms: u64 },
}

impl Event {
    pub fn wall_ms(&self) -> u64 {
        match self {
            Event::Begin { wall_ms, .. }
            | Event::Open { wall_ms, .. }
            | Event::Resume { wall_ms }
            | Event::Alive { wall_ms }
            | Event::Close { wall_ms, .. }
            | Event::End { wall_ms } => *wall_ms,
        }
    }
}

/// How a scenario was closed.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Closed {
    Resolved,
    /// Its simulated time limit passed.
    Over,
    /// The candidate moved on.
    Left,
    /// Its wall-clock limit (or the pack's) ran out.
    TimeUp,
}

/// Appends events, syncing each.
#[derive(Debug)]
pub struct Log {
    file: File,
    pub path: PathBuf,
}

impl Log {
    /// Creates the log in `dir` (refusing to overwrite one) with its `Begin` event.
    pub fn create(dir: &Path, begin: &Event) -> Result<Log, String> {
        let path = dir.join(FILE);
        let file = OpenOptions::new()
            .create_new(true)
            .append(true)
            .open(&path)
            .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        let mut log = Log { file, path };
        log.append(begin)?;
        crate::journal::sync_dir(&log.path)?;
        Ok(log)
    }

    /// Reopens a log read with [`read`], cutting off a torn last line.
    pub fn reopen(dir: &Path, read: &Read) -> Result<Log, String> {
        let path = dir.join(FILE);
        let file = OpenOptions::new()
            .append(true)
            .open(&path)
            .map_err(|e| format!("cannot reopen {}: {e}", path.display()))?;
        file.set_len(read.valid_len as u64)
            .map_err(|e| format!("cannot cut the torn line off {}: {e}", path.display()))?;
        Ok(Log { file, path })
    }

    pub fn append(&mut self, event: &Event) -> Result<(), String> {
        let line = serde_json::to_string(event).expect("events serialize");
        self.file
            .write_all(format!("{line}\n").as_bytes())
            .and_then(|()| self.file.sync_data())
            .map_err(|e| format!("cannot write {}: {e}", self.path.display()))
    }
}

/// How often an open scenario writes an [`Event::Alive`]: at most this much of a candidate's
/// time is lost to a crash's accounting (and at most this much is not charged).
pub const HEARTBEAT_MS: u64 = 10_000;

/// Appends [`Event::Alive`] every [`HEARTBEAT_MS`] until dropped.
#[derive(Debug)]
pub struct Heartbeat {
    stop: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Heartbeat {
    /// Starts beating into the log at `path` (through its own handle; each event is one
    /// appended line, so it never interleaves with the main thread's).
    pub fn start(path: &Path) -> Result<Heartbeat, String> {
        let mut file = OpenOptions::new()
            .append(true)
            .open(path)
            .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                stopped.recv_timeout(std::time::Duration::from_millis(HEARTBEAT_MS))
            {
                let line = serde_json::to_string(&Event::Alive {
                    wall_ms: crate::repl::wall_ms(),
                })
                .expect("events serialize");
                if file
                    .write_all(format!("{line}\n").as_bytes())
                    .and_then(|()| file.sync_data())
                    .is_err()
                {
                    return;
                }
            }
        });
        Ok(Heartbeat {
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

impl Drop for Heartbeat {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A session log read back.
#[derive(Clone, Debug, PartialEq)]
pub struct Read {
    pub events: Vec<Event>,
    /// Set when a torn last line (a crash mid-write) was dropped.
    pub warning: Option<String>,
    pub valid_len: usize,
}

impl Read {
    /// The `Begin` event's fields: pack id, pack source, pack hash, content, candidate, seed.
    pub fn begin(&self) -> Begin<'_> {
        match self.events.first() {
            Some(Event::Begin {
                pack,
                pack_source,
                pack_hash,
                content,
                candidate,
                seed,
                wall_ms,
                ..
            }) => Begin {
                pack,
                pack_source,
                pack_hash,
                content: content.as_deref(),
                candidate,
                seed: *seed,
                wall_ms: *wall_ms,
            },
            _ => unreachable!("read() checks the first event is Begin"),
        }
    }

    /// The journal file of each opened scenario, by index.
    pub fn journals(&self) -> BTreeMap<usize, String> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::Open {
                    scenario, journal, ..
                } => Some((*scenario, journal.clone())),
                _ => None,
            })
            .collect()
    }

    /// How each closed scenario ended, by index.
    pub fn closed(&self) -> BTreeMap<usize, Closed> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::Close {
                    scenario, outcome, ..
                } => Some((*scenario, *outcome)),
                _ => None,
            })
            .collect()
    }

    /// Wall-clock time spent in each scenario and the stops in between, given the wall times of
    /// each scenario's journalled commands. A stretch ends at the scenario's close, or, when the
    /// program stopped, at the last sign of activity before it: time while nothing ran is not
    /// charged to the candidate (it is reported as a resume).
    pub fn timing(&self, activity: &BTreeMap<usize, Vec<u64>>) -> Timing {
        let mut t = Timing::default();
        let mut current: Option<(usize, u64)> = None;
        let mut last_event = 0;
        let alive: Vec<u64> = self
            .events
            .iter()
            .filter(|e| matches!(e, Event::Alive { .. }))
            .map(Event::wall_ms)
            .collect();
        let last_activity = |i: usize, from: u64, until: u64| {
            activity
                .get(&i)
                .into_iter()
                .flatten()
                .chain(&alive)
                .copied()
                .filter(|&w| w >= from && w <= until)
                .max()
                .unwrap_or(from)
        };
        for e in &self.events {
            match e {
                Event::Open {
                    scenario, wall_ms, ..
                } => current = Some((*scenario, *wall_ms)),
                Event::Close {
                    scenario, wall_ms, ..
                } => {
                    if let Some((i, from)) = current.take() {
                        *t.used_ms.entry(i).or_default() += wall_ms.saturating_sub(from);
                    } else {
                        t.used_ms.entry(*scenario).or_default();
                    }
                }
                Event::Resume { wall_ms } => {
                    let stopped = match current {
                        Some((i, from)) => {
                            let end = last_activity(i, from, *wall_ms);
                            *t.used_ms.entry(i).or_default() += end - from;
                            current = Some((i, *wall_ms));
                            end
                        }
                        None => last_event,
                    };
                    t.resumes
                        .push((current.map(|c| c.0), wall_ms.saturating_sub(stopped)));
                }
                Event::Begin { .. } | Event::End { .. } | Event::Alive { .. } => {}
            }
            last_event = e.wall_ms();
        }
        if let Some((i, from)) = current {
            let end = last_activity(i, from, u64::MAX);
            *t.used_ms.entry(i).or_default() += end - from;
        }
        t
    }
}

/// Wall-clock accounting of an assessment.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Timing {
    /// Ms spent in each scenario, by index.
    pub used_ms: BTreeMap<usize, u64>,
    /// Each resume: the scenario open at the time (if any) and the ms the program was stopped.
    pub resumes: Vec<(Option<usize>, u64)>,
}

/// The `Begin` event, borrowed.
#[derive(Clone, Copy, Debug)]
pub struct Begin<'a> {
    pub pack: &'a str,
    pub pack_source: &'a str,
    pub pack_hash: &'a str,
    pub content: Option<&'a str>,
    pub candidate: &'a str,
    pub seed: u64,
    pub wall_ms: u64,
}

/// Reads an assessment folder's log: a torn last line is dropped with a warning; anything else
/// that does not parse is refused.
pub fn read(dir: &Path) -> Result<Read, String> {
    let path = dir.join(FILE);
    let bytes = std::fs::read(&path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            format!(
                "{} is not an assessment folder (it has no {FILE})",
                dir.display()
            )
        } else {
            format!("cannot read {}: {e}", path.display())
        }
    })?;
    let valid_len = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let warning = (valid_len < bytes.len()).then(|| {
        format!(
            "{}: the last line ({} bytes) was cut short by a crash and is ignored",
            path.display(),
            bytes.len() - valid_len
        )
    });
    let text = String::from_utf8_lossy(&bytes[..valid_len]);
    let mut events = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let e: Event = serde_json::from_str(line)
            .map_err(|err| format!("{}:{}: not a session event: {err}", path.display(), i + 1))?;
        events.push(e);
    }
    match events.first() {
        Some(Event::Begin {
            gameday_assessment, ..
        }) if *gameday_assessment == FORMAT => {}
        Some(Event::Begin {
            gameday_assessment, ..
        }) => {
            return Err(format!(
                "{}: assessment format {gameday_assessment} is not supported (this gameday reads {FORMAT})",
                path.display()
            ));
        }
        _ => {
            return Err(format!(
                "{}:1: the log does not start with the assessment's `begin` event",
                path.display()
            ));
        }
    }
    Ok(Read {
        events,
        warning,
        valid_len,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn begin() -> Event {
        Event::Begin {
            gameday_assessment: FORMAT,
            pack: "p".into(),
            pack_source: "builtin:packs/p.ron".into(),
            pack_hash: "h".into(),
            content: None,
            candidate: "Ada".into(),
            seed: 1,
            wall_ms: 1_000,
        }
    }

    fn open(i: usize, at: u64) -> Event {
        Event::Open {
            scenario: i,
            id: format!("s{i}"),
            journal: format!("{i}.jsonl"),
            wall_ms: at,
        }
    }

    #[test]
    fn time_while_stopped_is_not_charged() {
        let read = Read {
            events: vec![
                begin(),
                open(0, 2_000),
                Event::Close {
                    scenario: 0,
                    outcome: Closed::Resolved,
                    wall_ms: 62_000,
                },
                open(1, 70_000),
                // Commands at 80 s and 95 s, alive at 100 s, then a crash; resumed at 400 s.
                Event::Alive { wall_ms: 100_000 },
                Event::Resume { wall_ms: 400_000 },
                Event::Close {
                    scenario: 1,
                    outcome: Closed::TimeUp,
                    wall_ms: 430_000,
                },
            ],
            warning: None,
            valid_len: 0,
        };
        let activity = BTreeMap::from([(1, vec![80_000, 95_000, 410_000])]);
        let t = read.timing(&activity);
        assert_eq!(t.used_ms[&0], 60_000);
        assert_eq!(t.used_ms[&1], 30_000 + 30_000);
        assert_eq!(t.resumes, vec![(Some(1), 300_000)]);
    }

    #[test]
    fn a_torn_last_event_is_dropped_and_cut_on_reopen() {
        let dir = std::env::temp_dir().join(format!("gameday-session-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let mut log = Log::create(&dir, &begin()).unwrap();
        log.append(&open(0, 2_000)).unwrap();
        drop(log);
        let mut f = OpenOptions::new()
            .append(true)
            .open(dir.join(FILE))
            .unwrap();
        f.write_all(b"{\"event\":\"clo").unwrap();
        let r = read(&dir).unwrap();
        assert_eq!(r.events.len(), 2);
        assert!(r.warning.is_some());
        let mut log = Log::reopen(&dir, &r).unwrap();
        log.append(&Event::Resume { wall_ms: 9_000 }).unwrap();
        let r = read(&dir).unwrap();
        assert_eq!(r.events.len(), 3);
        assert_eq!(r.warning, None);
    }
}
