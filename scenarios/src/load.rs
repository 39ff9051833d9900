//! Loading a scenario from text or a file: size and encoding limits, RON parsing with positioned
//! errors, then validation, so the caller gets either a sound `Scenario` or every problem at once.

use std::path::Path;

use crate::diagnostic::{Diagnostic, LoadError};
use crate::limits;
use crate::locate::{Locations, Pos};
use crate::variant::{self, Variant};
use crate::{Scenario, VariantAxis, validate};

/// Largest scenario file accepted. The biggest shipped scenario is a few KiB; this leaves room for
/// large generated estates while refusing a file meant to exhaust memory.
pub const MAX_FILE_BYTES: usize = 1024 * 1024;

/// Parses and validates scenario text with the first choice of every variant axis (the base
/// variant). `file` names it in diagnostics.
pub fn load_str(file: &str, source: &str) -> Result<Scenario, LoadError> {
    size(file, source)?;
    let axes = variant::axes(source);
    load_choices(file, source, &axes, &vec![0; axes.len()]).map(|(s, _)| s)
}

/// Parses and validates the variant of scenario text that `seed` selects.
pub fn load_variant(file: &str, source: &str, seed: u64) -> Result<(Scenario, Variant), LoadError> {
    size(file, source)?;
    let axes = variant::axes(source);
    load_choices(file, source, &axes, &variant::pick_for_seed(&axes, seed))
}

/// Every variant a scenario can take: choice `i` of every axis at once (the last choice of an
/// axis with fewer), for `i` up to the longest axis. Each is loaded and validated, so `check`
/// proves every choice of every axis sound.
pub fn load_every_variant(file: &str, source: &str) -> Result<Vec<(Scenario, Variant)>, LoadError> {
    size(file, source)?;
    let axes = variant::axes(source);
    let widest = axes
        .iter()
        .map(|a| a.choices.len())
        .max()
        .unwrap_or(1)
        .max(1);
    (0..widest)
        .map(|i| {
            let indices: Vec<usize> = axes
                .iter()
                .map(|a| i.min(a.choices.len().saturating_sub(1)))
                .collect();
            load_choices(file, source, &axes, &indices)
        })
        .collect()
}

fn load_choices(
    file: &str,
    original: &str,
    axes: &[VariantAxis],
    indices: &[usize],
) -> Result<(Scenario, Variant), LoadError> {
    if let Some(d) = limits::control_character(original) {
        return Err(LoadError {
            file: file.to_owned(),
            // Shown with the diagnostic: the character itself must not reach the terminal.
            source: limits::printable(original),
            diagnostics: vec![d],
        });
    }
    let mut problems = limits::variants(original, axes);
    if problems.is_empty() {
        problems = variant::check(original, axes);
    }
    if !problems.is_empty() {
        limits::tidy(&mut problems);
        locate_all(original, &mut problems);
        return Err(LoadError {
            file: file.to_owned(),
            source: original.to_owned(),
            diagnostics: problems,
        });
    }
    let (text, chosen) = variant::apply(original, axes, indices);
    let source = text.as_str();
    let scenario: Scenario = parse_ron(file, source)?;
    let mut diagnostics = validate::validate(&scenario);
    if diagnostics.is_empty() {
        return Ok((scenario, chosen));
    }
    limits::tidy(&mut diagnostics);
    locate_all(source, &mut diagnostics);
    Err(LoadError {
        file: file.to_owned(),
        source: source.to_owned(),
        diagnostics,
    })
}

/// Refuses text over [`MAX_FILE_BYTES`] before anything reads it.
fn size(file: &str, source: &str) -> Result<(), LoadError> {
    if source.len() > MAX_FILE_BYTES {
        return Err(LoadError::single(
            file,
            format!(
                "file is {} bytes, over the {} byte limit for a scenario",
                source.len(),
                MAX_FILE_BYTES
            ),
        ));
    }
    Ok(())
}

/// Parses RON text into `T`, turning a parse error into a positioned diagnostic.
pub(crate) fn parse_ron<T: serde::de::DeserializeOwned>(
    file: &str,
    source: &str,
) -> Result<T, LoadError> {
    // `implicit_some` lets authors write `workers: 8` for an optional field, not `Some(8)`.
    let options =
        ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
    options.from_str(source).map_err(|e| {
        let mut d = parse_diagnostic(&e);
        // ron stops a whole number at the decimal point and then expects a comma.
        let at = source
            .lines()
            .nth(e.span.start.line.saturating_sub(1))
            .and_then(|l| l.chars().nth(e.span.start.col.saturating_sub(1)));
        if at == Some('\u{feff}') {
            d.help = Some(
                "remove the byte-order mark (U+FEFF) the file starts with; save it as UTF-8 \
                 without a BOM"
                    .into(),
            );
        } else if at == Some('.') && d.message.contains("comma") {
            d.help =
                Some("this field takes a whole number; write it without a decimal point".into());
        }
        let mut diagnostics = vec![d];
        limits::tidy(&mut diagnostics);
        LoadError {
            file: file.to_owned(),
            source: source.to_owned(),
            diagnostics,
        }
    })
}

/// Reads and loads a scenario file, refusing oversized and non-UTF-8 files before parsing.
pub fn load_file(path: &Path) -> Result<(Scenario, Vec<u8>), LoadError> {
    let file = path.display().to_string();
    let meta = std::fs::metadata(path)
        .map_err(|e| LoadError::single(&file, format!("cannot read the file: {e}")))?;
    if meta.len() > MAX_FILE_BYTES as u64 {
        return Err(LoadError::single(
            &file,
            format!(
                "file is {} bytes, over the {} byte limit for a scenario",
                meta.len(),
                MAX_FILE_BYTES
            ),
        ));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| LoadError::single(&file, format!("cannot read the file: {e}")))?;
    let source = std::str::from_utf8(&bytes).map_err(|e| {
        let before = &bytes[..e.valid_up_to()];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let col = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
        LoadError::single(
            &file,
            format!("the file is not valid UTF-8 (line {line}, column {col}); save it as UTF-8"),
        )
    })?;
    let scenario = load_str(&file, source)?;
    Ok((scenario, bytes))
}

/// Attaches a source position to each diagnostic that names a field path.
pub fn locate_all(source: &str, diagnostics: &mut [Diagnostic]) {
    let mut wanted = std::collections::BTreeSet::new();
    for d in diagnostics.iter().filter(|d| d.pos.is_none()) {
        if let Some(path) = &d.path {
            crate::locate::with_parents(path, &mut wanted);
        }
    }
    if wanted.is_empty() {
        return;
    }
    let locations = Locations::scan_for(source, &wanted);
    for d in diagnostics {
        if d.pos.is_none() {
            d.pos = d.path.as_deref().and_then(|p| locations.find(p));
        }
    }
}

fn parse_diagnostic(e: &ron::error::SpannedError) -> Diagnostic {
    let start = e.span.start;
    let len = if e.span.end.line == start.line && e.span.end.col > start.col {
        e.span.end.col - start.col
    } else {
        1
    };
    let message = e.code.to_string();
    let help = suggest_from_message(&message).or_else(|| parse_help(&message));
    Diagnostic {
        message,
        path: None,
        pos: Some(Pos {
            line: start.line,
            col: start.col,
            len,
        }),
        help,
    }
}

/// A "did you mean" for a misspelt field or enum variant: ron's message names the culprit in the
/// first backquotes and lists the names it expected in the rest.
fn suggest_from_message(message: &str) -> Option<String> {
    if !message.contains(", expected") {
        return None;
    }
    let mut quoted = message.split('`').skip(1).step_by(2);
    // Edit distance costs the product of the lengths; no real name is this long.
    let culprit = quoted.next().filter(|c| c.len() <= 200)?;
    let (_, expected) = message.split_once(", expected")?;
    let names: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    crate::suggest(culprit, names.iter().copied())
}

/// Plain-words advice for the parse errors authors meet most.
fn parse_help(message: &str) -> Option<String> {
    if message.contains("Unexpected missing field") || message.contains("missing field") {
        Some("add the missing field (docs/scenario-format.md lists every field)".into())
    } else if message.contains("Unexpected field") || message.contains("unknown field") {
        Some("remove the field or correct its spelling; the allowed names are listed above".into())
    } else if message.contains("variant") {
        Some("check the spelling against the allowed values listed above".into())
    } else if message.contains("recursion") {
        Some("the file nests deeper than any scenario needs; flatten it".into())
    } else {
        None
    }
}

/// A scenario graded with another rubric: `text` is a RON `Rubric` (the scenario's `rubric:`
/// field on its own), checked against the scenario as if it were written in it.
pub fn with_rubric(scenario: &Scenario, file: &str, text: &str) -> Result<Scenario, LoadError> {
    if text.len() > MAX_FILE_BYTES {
        return Err(LoadError::single(
            file,
            "the rubric file is over the size limit",
        ));
    }
    let rubric: crate::Rubric = parse_ron(file, text).map_err(|mut e| {
        let starts = text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with("//"));
        if starts.is_some_and(|l| l.starts_with("rubric")) {
            for d in &mut e.diagnostics {
                d.help = Some(
                    "a rubric file holds only the value of a scenario's `rubric:` field, `(kpis: [...], ...)`, without `rubric:` before it".into(),
                );
            }
        }
        e
    })?;
    let mut s = scenario.clone();
    s.rubric = rubric;
    let mut diagnostics: Vec<Diagnostic> = validate::validate(&s)
        .into_iter()
        .filter(|d| d.path.as_deref().is_some_and(|p| p.starts_with("rubric")))
        .map(|mut d| {
            d.path = d.path.as_deref().map(|p| {
                p.trim_start_matches("rubric")
                    .trim_start_matches('.')
                    .to_owned()
            });
            d
        })
        .collect();
    if diagnostics.is_empty() {
        return Ok(s);
    }
    limits::tidy(&mut diagnostics);
    locate_all(text, &mut diagnostics);
    Err(LoadError {
        file: file.to_owned(),
        source: text.to_owned(),
        diagnostics,
    })
}
