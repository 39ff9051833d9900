//! Journals: the append-only record of a session, one JSON line per accepted command, each synced
//! to disk before its result is shown. With the scenario's hash and the seed it is all a grade
//! needs: `gameday grade` replays it.
//!
//! Each record carries `sum`, the first 16 hex digits of SHA-256 over the previous record's sum and
//! this record's content, so an edited, dropped or reordered line breaks the chain.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub const FORMAT: u32 = 1;

/// The first line of a journal.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub gameday_journal: u32,
    pub scenario: String,
    /// SHA-256 of the scenario file's bytes.
    pub scenario_hash: String,
    /// Where the scenario was loaded from (informative; the hash decides).
    pub source: String,
    pub seed: u64,
    pub engine: String,
    /// "practice" or "exam".
    pub mode: String,
    /// The variant the seed selected, e.g. `victim=app-2` (informative: replay derives it again
    /// from the seed, and the grade says so if the two disagree).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub variant: String,
    /// SHA-256 of what the simulation reads of the scenario (all but its rubric and reference):
    /// when the file has changed but this has not, the journal is regraded on the current file.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub sim_hash: String,
    #[serde(default)]
    pub sum: String,
}

/// One accepted command.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub n: u64,
    /// Simulated time the command was entered, ms.
    pub at_ms: u64,
    pub line: String,
    /// Wall-clock time it was entered, ms since the Unix epoch (informative; never graded).
    pub wall_ms: u64,
    #[serde(default)]
    pub sum: String,
}

fn chain(prev: &str, body: &str) -> String {
    let digest = Sha256::digest(format!("{prev}\n{body}").as_bytes());
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// A journal record that carries its own link in the hash chain.
trait Sealed: Serialize + Sized {
    fn sum(&self) -> &str;
    fn with_sum(&self, sum: String) -> Self;

    /// This record's checksum given the previous one: over the record with `sum` left empty.
    fn expected_sum(&self, prev: &str) -> String {
        let body = serde_json::to_string(&self.with_sum(String::new()))
            .expect("journal records serialize");
        chain(prev, &body)
    }

    /// The JSON line for this record sealed after `prev`, and its checksum.
    fn seal(&self, prev: &str) -> (String, String) {
        let sum = self.expected_sum(prev);
        let line =
            serde_json::to_string(&self.with_sum(sum.clone())).expect("journal records serialize");
        (line, sum)
    }
}

impl Sealed for Header {
    fn sum(&self) -> &str {
        &self.sum
    }

    fn with_sum(&self, sum: String) -> Header {
        Header {
            sum,
            ..self.clone()
        }
    }
}

impl Sealed for Entry {
    fn sum(&self) -> &str {
        &self.sum
    }

    fn with_sum(&self, sum: String) -> Entry {
        Entry {
            sum,
            ..self.clone()
        }
    }
}

/// Appends records to a journal file, syncing each.
#[derive(Debug)]
pub struct Writer {
    file: File,
    pub path: PathBuf,
    last_sum: String,
    next_n: u64,
}

impl Writer {
    /// Creates a new journal (refusing to overwrite one) and writes its header.
    pub fn create(path: &Path, header: &Header) -> Result<Writer, String> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        let file = OpenOptions::new()
            .create_new(true)
            .append(true)
            .open(path)
            .map_err(|e| format!("cannot create journal {}: {e}", path.display()))?;
        let mut w = Writer {
            file,
            path: path.to_path_buf(),
            last_sum: String::new(),
            next_n: 1,
        };
        let (line, sum) = header.seal("");
        w.last_sum = sum;
        w.write_line(&line)?;
        sync_dir(path)?;
        Ok(w)
    }

    /// Reopens a journal read back with [`read`] to go on appending after its last whole record;
    /// a torn last line (never acknowledged) is cut off first.
    pub fn resume(path: &Path, read: &Read) -> Result<Writer, String> {
        let file = OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(|e| format!("cannot reopen journal {}: {e}", path.display()))?;
        file.set_len(read.valid_len as u64)
            .and_then(|()| file.sync_data())
            .map_err(|e| format!("cannot cut the torn line off {}: {e}", path.display()))?;
        drop(file);
        let file = OpenOptions::new()
            .append(true)
            .open(path)
            .map_err(|e| format!("cannot reopen journal {}: {e}", path.display()))?;
        Ok(Writer {
            file,
            path: path.to_path_buf(),
            last_sum: read
                .entries
                .last()
                .map_or_else(|| read.header.sum.clone(), |e| e.sum.clone()),
            next_n: read.entries.len() as u64 + 1,
        })
    }

    /// Appends one accepted command and syncs it to disk.
    pub fn append(&mut self, at_ms: u64, line: &str, wall_ms: u64) -> Result<(), String> {
        let entry = Entry {
            n: self.next_n,
            at_ms,
            line: line.to_owned(),
            wall_ms,
            sum: String::new(),
        };
        let (text, sum) = entry.seal(&self.last_sum);
        self.last_sum = sum;
        self.next_n += 1;
        self.write_line(&text)
    }

    fn write_line(&mut self, line: &str) -> Result<(), String> {
        let err = |e: std::io::Error| format!("cannot write journal {}: {e}", self.path.display());
        self.file
            .write_all(format!("{line}\n").as_bytes())
            .map_err(err)?;
        self.file
            .sync_data()
            .map_err(|e| format!("cannot sync journal {}: {e}", self.path.display()))
    }
}

/// Syncs the folder holding a file just created, so that after a power cut the file itself is
/// there and not only its synced contents (POSIX makes the directory entry durable only when the
/// directory is synced).
pub fn sync_dir(file: &Path) -> Result<(), String> {
    let dir = match file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    // Opening a folder to sync it is a Unix thing; elsewhere the file's own sync has to do.
    if cfg!(unix) {
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| format!("cannot sync folder {}: {e}", dir.display()))?;
    }
    Ok(())
}

/// A journal read back: header, the commands, and a warning if a torn last line was dropped.
#[derive(Clone, Debug, PartialEq)]
pub struct Read {
    pub header: Header,
    pub entries: Vec<Entry>,
    pub warning: Option<String>,
    /// Bytes of the file up to the end of its last whole record.
    pub valid_len: usize,
}

/// Reads and verifies a journal. A torn last line (a crash mid-write: never acknowledged) is
/// dropped with a warning; any other damage is refused.
pub fn read(path: &Path) -> Result<Read, String> {
    let bytes =
        std::fs::read(path).map_err(|e| format!("cannot read journal {}: {e}", path.display()))?;
    parse(&bytes).map_err(|e| format!("{}: {e}", path.display()))
}

pub fn parse(bytes: &[u8]) -> Result<Read, String> {
    let text = String::from_utf8_lossy(bytes);
    let complete = text.ends_with('\n');
    let mut lines: Vec<&str> = text.split('\n').collect();
    if lines.last() == Some(&"") {
        lines.pop();
    }
    let mut warning = None;
    // Measured on the bytes: a torn line may end inside a UTF-8 sequence.
    let valid_len = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    if !complete && !lines.is_empty() {
        let torn = lines.pop().expect("non-empty");
        warning = Some(format!(
            "the last line ({} bytes) was cut short by a crash; it was never acknowledged and is ignored",
            torn.len()
        ));
    }
    let Some(first) = lines.first() else {
        return Err("the journal is empty (not even a header)".into());
    };
    let header: Header =
        serde_json::from_str(first).map_err(|e| format!("line 1: not a journal header: {e}"))?;
    if header.gameday_journal != FORMAT {
        return Err(format!(
            "line 1: journal format {} is not supported (this gameday reads {FORMAT})",
            header.gameday_journal
        ));
    }
    if header.expected_sum("") != header.sum() {
        return Err("line 1: the header's checksum does not match: the journal was edited".into());
    }
    let mut prev = header.sum.clone();
    let mut entries = Vec::new();
    for (i, line) in lines.iter().enumerate().skip(1) {
        let number = i + 1;
        let e: Entry = serde_json::from_str(line)
            .map_err(|err| format!("line {number}: not a journal record: {err}"))?;
        if e.expected_sum(&prev) != e.sum() {
            return Err(format!(
                "line {number}: checksum does not match: the journal was edited or lines were removed"
            ));
        }
        if e.n != entries.len() as u64 + 1 {
            return Err(format!("line {number}: record {} is out of sequence", e.n));
        }
        prev = e.sum.clone();
        entries.push(e);
    }
    Ok(Read {
        header,
        entries,
        warning,
        valid_len,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> Header {
        Header {
            gameday_journal: FORMAT,
            scenario: "x".into(),
            scenario_hash: "abc".into(),
            source: "builtin:x.ron".into(),
            seed: 7,
            engine: "0.1.0".into(),
            mode: "practice".into(),
            variant: String::new(),
            sim_hash: String::new(),
            sum: String::new(),
        }
    }

    fn write_sample(dir: &Path) -> PathBuf {
        let path = dir.join("j.jsonl");
        let mut w = Writer::create(&path, &header()).unwrap();
        w.append(0, "status", 1).unwrap();
        w.append(20_000, "describe db-1", 2).unwrap();
        path
    }

    fn tmp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!(
            "gameday-journal-test-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn journal_round_trips() {
        let path = write_sample(&tmp("roundtrip"));
        let r = read(&path).unwrap();
        assert_eq!(r.header.seed, 7);
        assert_eq!(
            r.entries
                .iter()
                .map(|e| e.line.as_str())
                .collect::<Vec<_>>(),
            ["status", "describe db-1"]
        );
        assert_eq!(r.warning, None);
    }

    #[test]
    fn truncation_at_every_offset_recovers_a_prefix_or_refuses_cleanly() {
        let bytes = std::fs::read(write_sample(&tmp("truncate"))).unwrap();
        let header_len = bytes.iter().position(|&b| b == b'\n').unwrap() + 1;
        for cut in 0..bytes.len() {
            match parse(&bytes[..cut]) {
                Ok(r) => {
                    assert!(cut >= header_len);
                    let full_lines = bytes[..cut].iter().filter(|&&b| b == b'\n').count();
                    assert_eq!(r.entries.len(), full_lines - 1, "cut at {cut}");
                }
                Err(_) => assert!(cut < header_len, "cut at {cut} should recover"),
            }
        }
    }

    #[test]
    fn a_resumed_journal_drops_its_torn_line_and_chains_on() {
        let path = write_sample(&tmp("resume"));
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend_from_slice(b"{\"n\":3,\"at_ms\":40000,\"li");
        std::fs::write(&path, &bytes).unwrap();
        let r = read(&path).unwrap();
        assert!(r.warning.as_deref().unwrap().contains("cut short"));
        let mut w = Writer::resume(&path, &r).unwrap();
        w.append(40_000, "status", 3).unwrap();
        let again = read(&path).unwrap();
        assert_eq!(again.warning, None);
        assert_eq!(again.entries.len(), 3);
        assert_eq!(again.entries[2].n, 3);
        assert_eq!(again.entries[2].line, "status");
    }

    #[test]
    fn edited_line_is_refused() {
        let path = write_sample(&tmp("edit"));
        let text = std::fs::read_to_string(&path)
            .unwrap()
            .replace("describe db-1", "describe db-2");
        assert!(
            parse(text.as_bytes())
                .unwrap_err()
                .contains("line 3: checksum")
        );
        let text = std::fs::read_to_string(&path)
            .unwrap()
            .replace("\"seed\":7", "\"seed\":8");
        assert!(
            parse(text.as_bytes())
                .unwrap_err()
                .contains("header's checksum")
        );
    }

    #[test]
    fn removed_line_is_refused() {
        let path = write_sample(&tmp("remove"));
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let without = format!("{}\n{}\n", lines[0], lines[2]);
        assert!(parse(without.as_bytes()).is_err());
    }
}
