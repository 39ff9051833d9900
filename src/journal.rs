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
/// dropped with a warning; any other damage is refused. In particular a damaged record with whole
/// lines after it cannot be a crash's doing, since every record is synced before the next is
/// written: that journal is corrupt.
pub fn read(path: &Path) -> Result<Read, String> {
    let bytes =
        std::fs::read(path).map_err(|e| format!("cannot read journal {}: {e}", path.display()))?;
    parse(&bytes).map_err(|e| format!("{}: {e}", path.display()))
}

pub fn parse(bytes: &[u8]) -> Result<Read, String> {
    // Measured on the bytes: a torn line may end inside a UTF-8 sequence.
    let valid_len = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let torn = bytes.len() - valid_len;
    let text = String::from_utf8_lossy(&bytes[..valid_len]);
    let mut lines: Vec<&str> = text.split('\n').collect();
    lines.pop();
    let warning = (torn > 0).then(|| {
        format!(
            "the last line ({torn} bytes) was cut short by a crash; it was never acknowledged and is ignored"
        )
    });
    let Some(first) = lines.first() else {
        return Err(if torn > 0 {
            "the journal's header was cut short by a crash before the session began: there is \
             nothing to replay"
                .into()
        } else {
            "the journal is empty (not even a header)".into()
        });
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
        let e: Entry = serde_json::from_str(line).map_err(|err| {
            let after = lines.len() - number;
            if after == 0 {
                format!(
                    "line {number}: not a journal record ({err}); it is a whole line, not one cut \
                     short by a crash: the journal is corrupt"
                )
            } else {
                format!(
                    "line {number}: not a journal record ({err}), with {after} whole line{} after \
                     it, so not a crash's torn last line: the journal is corrupt",
                    if after == 1 { "" } else { "s" }
                )
            }
        })?;
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

    /// A journal `gameday play` wrote: db-disk-full, seed 7, with looks, actions, waits, a hint,
    /// notes in several scripts (multi-byte characters to cut through) and a refused command.
    const PLAYED: &[u8] = include_bytes!("../tests/fixtures/journals/played.jsonl");

    /// Where each line of `bytes` ends (just past its newline).
    fn line_ends(bytes: &[u8]) -> Vec<usize> {
        bytes
            .iter()
            .enumerate()
            .filter(|&(_, &b)| b == b'\n')
            .map(|(i, _)| i + 1)
            .collect()
    }

    #[test]
    fn a_played_journal_cut_at_every_byte_recovers_its_longest_whole_prefix() {
        let full = parse(PLAYED).unwrap();
        assert_eq!(full.warning, None);
        assert!(full.entries.len() >= 10, "{}", full.entries.len());
        let ends = line_ends(PLAYED);
        for cut in 0..=PLAYED.len() {
            let whole = ends.iter().filter(|&&e| e <= cut).count();
            match parse(&PLAYED[..cut]) {
                Ok(r) => {
                    assert!(whole >= 1, "cut at {cut}");
                    assert_eq!(r.header, full.header);
                    assert_eq!(r.entries[..], full.entries[..whole - 1], "cut at {cut}");
                    assert_eq!(r.valid_len, ends[whole - 1]);
                    assert_eq!(r.warning.is_some(), cut != r.valid_len, "cut at {cut}");
                }
                Err(e) if cut == 0 => assert!(e.contains("empty"), "{e}"),
                Err(e) => {
                    assert_eq!(whole, 0, "cut at {cut} refused: {e}");
                    assert!(e.contains("header was cut short by a crash"), "{e}");
                }
            }
        }
    }

    #[test]
    fn a_played_journal_cut_anywhere_after_its_header_resumes_and_chains_on() {
        let dir = tmp("resume-every-cut");
        let path = dir.join("j.jsonl");
        let header_end = line_ends(PLAYED)[0];
        for cut in header_end..=PLAYED.len() {
            std::fs::write(&path, &PLAYED[..cut]).unwrap();
            let before = read(&path).unwrap();
            let mut w = Writer::resume(&path, &before).unwrap();
            w.append(7_200_000, "status", 1).unwrap();
            let after = read(&path).unwrap();
            let n = before.entries.len();
            assert_eq!(after.warning, None, "cut at {cut}");
            assert_eq!(after.entries[..n], before.entries[..], "cut at {cut}");
            assert_eq!(after.entries[n].n, n as u64 + 1);
            assert_eq!(after.entries[n].line, "status");
        }
    }

    #[test]
    fn damage_to_any_whole_line_of_a_played_journal_is_refused() {
        let ends = line_ends(PLAYED);
        let mut start = 0;
        for (i, &end) in ends.iter().enumerate() {
            // One bit flipped in the middle of the line (never making or removing a newline).
            let mut bytes = PLAYED.to_vec();
            let at = (start + end - 1) / 2;
            bytes[at] ^= if bytes[at] ^ 1 == b'\n' { 2 } else { 1 };
            let e = parse(&bytes).unwrap_err();
            assert!(
                e.starts_with(&format!("line {}: ", i + 1)),
                "line {}: {e}",
                i + 1
            );
            start = end;
        }
    }

    #[test]
    fn a_damaged_record_is_told_apart_from_a_torn_one() {
        let text = std::str::from_utf8(PLAYED).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let zeros = |l: &str| "\0".repeat(l.len());
        // The third line zeroed, whole lines after it: corruption.
        let mut damaged = lines.clone();
        let third = zeros(lines[2]);
        damaged[2] = &third;
        let e = parse((damaged.join("\n") + "\n").as_bytes()).unwrap_err();
        assert!(e.starts_with("line 3: not a journal record ("), "{e}");
        assert!(
            e.ends_with(&format!(
                "), with {} whole lines after it, so not a crash's torn last line: the journal is corrupt",
                lines.len() - 3
            )),
            "{e}"
        );
        // The last line zeroed but whole (it ends with a newline): corruption too.
        let last = zeros(lines[lines.len() - 1]);
        let mut damaged = lines.clone();
        *damaged.last_mut().unwrap() = &last;
        let e = parse((damaged.join("\n") + "\n").as_bytes()).unwrap_err();
        assert!(
            e.ends_with("not one cut short by a crash: the journal is corrupt"),
            "{e}"
        );
        // The last line zeroed without its newline: a torn write, dropped.
        let r = parse(damaged.join("\n").as_bytes()).unwrap();
        assert_eq!(r.entries.len(), lines.len() - 2);
        assert!(r.warning.unwrap().contains("cut short by a crash"));
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
