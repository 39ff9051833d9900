//! The journal reader on arbitrary bytes, and on the same records resealed: each line that reads
//! as a header or an entry is renumbered and given the checksum chain a journal writer would
//! give it, and such a journal must then read back whole, record for record.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sha2::{Digest, Sha256};

#[allow(dead_code, reason = "only the reader is fuzzed; the writer comes along with it")]
#[path = "../../src/journal.rs"]
mod journal;

/// The chain link a journal record carries (see `src/journal.rs`): 16 hex digits of SHA-256 over
/// the previous record's sum and this record with its own sum empty.
fn chain(prev: &str, body: &str) -> String {
    let digest = Sha256::digest(format!("{prev}\n{body}").as_bytes());
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

fuzz_target!(|data: &[u8]| {
    let _ = journal::parse(data);

    let text = String::from_utf8_lossy(data);
    let mut lines = text.lines();
    let Some(Ok(mut header)) = lines
        .next()
        .map(serde_json::from_str::<journal::Header>)
    else {
        return;
    };
    let mut entries: Vec<journal::Entry> = lines
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    header.gameday_journal = journal::FORMAT;
    header.sum = String::new();
    header.sum = chain("", &serde_json::to_string(&header).expect("serializes"));
    let mut out = serde_json::to_string(&header).expect("serializes");
    out.push('\n');
    let mut prev = header.sum.clone();
    for (i, e) in entries.iter_mut().enumerate() {
        e.n = i as u64 + 1;
        e.sum = String::new();
        e.sum = chain(&prev, &serde_json::to_string(&*e).expect("serializes"));
        prev = e.sum.clone();
        out.push_str(&serde_json::to_string(&*e).expect("serializes"));
        out.push('\n');
    }
    let read = journal::parse(out.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{out}"));
    assert_eq!(read.header, header);
    assert_eq!(read.entries, entries);
    assert_eq!(read.warning, None);
    assert_eq!(read.valid_len, out.len());
});
