//! The scenario library: the embedded content (or a folder given with `--content`), and finding
//! a scenario by id or by path.

use std::path::{Path, PathBuf};

use scenarios::{LoadError, Pack, Scenario, Variant};
use sha2::{Digest, Sha256};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/content_files.rs"));
}

/// The scenario `gameday play` starts with no id.
pub const DEFAULT_SCENARIO: &str = "db-disk-full";

/// A loaded scenario with where it came from and the hash of its exact text.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The scenario as the variant in `variant` has it (the base variant until [`Entry::for_seed`]).
    pub scenario: Scenario,
    pub variant: Variant,
    /// `builtin:outage/db-disk-full.ron` or a file path.
    pub source: String,
    /// SHA-256 of the file's bytes, hex.
    pub hash: String,
    /// The file's text, from which each seed's variant is made.
    pub text: String,
}

impl Entry {
    /// The variant of this scenario that `seed` selects: the one a run with that seed plays.
    pub fn for_seed(&self, seed: u64) -> Result<Entry, String> {
        let (scenario, variant) =
            scenarios::load_variant(&self.source, &self.text, seed).map_err(|e| e.to_string())?;
        Ok(Entry {
            scenario,
            variant,
            ..self.clone()
        })
    }
}

/// A hash of what the simulation reads of a scenario (a variant of it): everything but the
/// rubric, the reference solution and the test transcripts, which only grading and `check` read. A journal whose scenario file
/// has changed can still be replayed faithfully when this is unchanged.
pub fn sim_hash(scenario: &Scenario) -> String {
    let mut s = scenario.clone();
    s.rubric.kpis.clear();
    s.rubric.root_cause.clear();
    s.rubric.escalation = None;
    s.rubric.status_every = scenarios::Dur(0);
    s.reference.clear();
    s.transcripts.clear();
    hash(&serde_json::to_vec(&s).expect("scenarios serialize"))
}

pub fn hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Where scenarios come from.
#[derive(Clone, Debug)]
pub enum Library {
    Builtin,
    Dir(PathBuf),
}

impl Library {
    /// Every scenario in the library, sorted by path, or every load error.
    pub fn load_all(&self) -> Result<Vec<Entry>, Vec<LoadError>> {
        let mut ok = Vec::new();
        let mut errors = Vec::new();
        match self {
            Library::Builtin => {
                for (path, text) in embedded::FILES {
                    if path.starts_with("packs/") {
                        continue;
                    }
                    let name = format!("content/{path}");
                    match scenarios::load_str(&name, text) {
                        Ok(scenario) => ok.push(Entry {
                            scenario,
                            variant: Variant::default(),
                            source: format!("builtin:{path}"),
                            hash: hash(text.as_bytes()),
                            text: (*text).to_owned(),
                        }),
                        Err(e) => errors.push(e),
                    }
                }
            }
            Library::Dir(dir) => {
                let mut files = Vec::new();
                ron_files(dir, &mut files);
                for f in files {
                    if std::fs::read_to_string(&f).is_ok_and(|t| scenarios::is_pack(&t)) {
                        continue;
                    }
                    match load_path(&f) {
                        Ok(entry) => ok.push(entry),
                        Err(e) => errors.push(e),
                    }
                }
            }
        }
        if errors.is_empty() {
            Ok(ok)
        } else {
            Err(errors)
        }
    }

    /// Like [`Library::load_all`], with every load error rendered into one message.
    pub fn load_all_or_report(&self) -> Result<Vec<Entry>, String> {
        self.load_all().map_err(|errors| {
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        })
    }

    /// Finds a scenario by id, or loads it from a path to a `.ron` file.
    pub fn find(&self, id_or_path: &str) -> Result<Entry, String> {
        let path = Path::new(id_or_path);
        if id_or_path.ends_with(".ron") || path.is_file() {
            return load_path(path).map_err(|e| e.to_string());
        }
        let all = self.load_all_or_report()?;
        if let Some(e) = all.iter().find(|e| e.scenario.id == id_or_path) {
            return Ok(e.clone());
        }
        let hint = scenarios::suggest(id_or_path, all.iter().map(|e| e.scenario.id.as_str()))
            .unwrap_or_else(|| "`gameday list` shows every scenario".into());
        Err(format!("no scenario `{id_or_path}`; {hint}"))
    }
}

/// An assessment pack with where it came from and the hash of its exact text.
#[derive(Clone, Debug)]
pub struct PackEntry {
    pub pack: Pack,
    /// `builtin:packs/sre-lead.ron` or the file's absolute path.
    pub source: String,
    pub hash: String,
}

impl Library {
    /// Every pack: the built-in ones, or those in the folder (any `.ron` file that starts with
    /// `Pack(`).
    pub fn packs(&self) -> Result<Vec<PackEntry>, String> {
        let mut out = Vec::new();
        match self {
            Library::Builtin => {
                for (path, text) in embedded::FILES {
                    if path.starts_with("packs/") {
                        out.push(pack_entry(
                            &format!("content/{path}"),
                            text,
                            format!("builtin:{path}"),
                        )?);
                    }
                }
            }
            Library::Dir(dir) => {
                let mut files = Vec::new();
                ron_files(dir, &mut files);
                for f in files {
                    let text = std::fs::read_to_string(&f).unwrap_or_default();
                    if scenarios::is_pack(&text) {
                        out.push(load_pack_path(&f)?);
                    }
                }
            }
        }
        Ok(out)
    }

    /// Finds a pack by id, or loads it from a path to a `.ron` file.
    pub fn find_pack(&self, id_or_path: &str) -> Result<PackEntry, String> {
        let path = Path::new(id_or_path);
        if id_or_path.ends_with(".ron") || path.is_file() {
            return load_pack_path(path);
        }
        let all = self.packs()?;
        if let Some(p) = all.iter().find(|p| p.pack.id == id_or_path) {
            return Ok(p.clone());
        }
        let hint = scenarios::suggest(id_or_path, all.iter().map(|p| p.pack.id.as_str()))
            .unwrap_or_else(|| {
                format!(
                    "the packs are: {}",
                    all.iter()
                        .map(|p| p.pack.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            });
        Err(format!("no pack `{id_or_path}`; {hint}"))
    }

    /// Loads a pack from where an assessment recorded it: `builtin:…` or a file path.
    pub fn pack_from_source(&self, source: &str) -> Result<PackEntry, String> {
        match source.strip_prefix("builtin:") {
            Some(path) => embedded::FILES
                .iter()
                .find(|(p, _)| *p == path)
                .ok_or_else(|| format!("this gameday has no built-in pack {path}"))
                .and_then(|(p, text)| pack_entry(&format!("content/{p}"), text, source.to_owned())),
            None => load_pack_path(Path::new(source)),
        }
    }
}

fn pack_entry(file: &str, text: &str, source: String) -> Result<PackEntry, String> {
    let pack = scenarios::load_pack(file, text).map_err(|e| e.to_string())?;
    Ok(PackEntry {
        pack,
        source,
        hash: hash(text.as_bytes()),
    })
}

/// Loads one pack file.
pub fn load_pack_path(path: &Path) -> Result<PackEntry, String> {
    let bytes =
        std::fs::read(path).map_err(|e| format!("cannot read pack {}: {e}", path.display()))?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| format!("{}: the file is not valid UTF-8", path.display()))?;
    let source = std::fs::canonicalize(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string();
    pack_entry(&path.display().to_string(), text, source)
}

/// Loads one scenario file.
pub fn load_path(path: &Path) -> Result<Entry, LoadError> {
    let (scenario, bytes) = scenarios::load_file(path)?;
    Ok(Entry {
        scenario,
        variant: Variant::default(),
        text: String::from_utf8_lossy(&bytes).into_owned(),
        // Absolute, so the journal finds it again from any working directory.
        source: std::fs::canonicalize(path)
            .unwrap_or_else(|_| path.to_path_buf())
            .display()
            .to_string(),
        hash: hash(&bytes),
    })
}

/// Every `.ron` file under `dir` (or `dir` itself if it is a file), sorted.
pub fn ron_files(dir: &Path, out: &mut Vec<PathBuf>) {
    if dir.is_file() {
        out.push(dir.to_path_buf());
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            ron_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "ron") {
            out.push(p);
        }
    }
}
