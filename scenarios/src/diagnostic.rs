//! `Diagnostic`s and `LoadError`: every problem in a scenario file, rendered as
//! `file:line:col` with the source line, a caret under the culprit and a suggested fix.

use std::fmt;

use crate::locate::Pos;

/// One problem found in a scenario file.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub message: String,
    /// The field path the problem is about, e.g. `faults[2].kind.host`.
    pub path: Option<String>,
    pub pos: Option<Pos>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn at(path: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            message: message.into(),
            path: Some(path.into()),
            pos: None,
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }
}

/// A scenario file that could not be loaded, with every problem found in it.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadError {
    /// The file name as the user gave it (or the embedded library path).
    pub file: String,
    pub source: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl LoadError {
    pub fn single(file: &str, message: impl Into<String>) -> LoadError {
        LoadError {
            file: file.to_owned(),
            source: String::new(),
            diagnostics: vec![Diagnostic {
                message: message.into(),
                path: None,
                pos: None,
                help: None,
            }],
        }
    }
}

impl fmt::Display for LoadError {
    /// Renders every diagnostic in the style of rustc:
    ///
    /// ```text
    /// error: unknown host `db-01`
    ///   --> content/db.ron:42:36
    ///    |
    /// 42 |         kind: DiskFill(host: "db-01", gb_per_hour: 12.0),
    ///    |                              ^^^^^^^ in faults[0].kind.host
    ///    = help: did you mean `db-1`?
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, d) in self.diagnostics.iter().enumerate() {
            if n > 0 {
                writeln!(f)?;
            }
            writeln!(f, "error: {}", d.message)?;
            let line_text = d.pos.and_then(|p| {
                self.source
                    .lines()
                    .nth(p.line.saturating_sub(1))
                    .map(|l| (p, l))
            });
            match line_text {
                Some((pos, text)) => {
                    let number = pos.line.to_string();
                    let pad = " ".repeat(number.len());
                    writeln!(f, "{pad}--> {}:{}:{}", self.file, pos.line, pos.col)?;
                    writeln!(f, "{pad} |")?;
                    // Far along a long line, show the stretch around the column, not its start.
                    let skip = if pos.col > 200 { pos.col - 100 } else { 0 };
                    let mark = if skip > 0 { "…" } else { "" };
                    let shown: String = text.chars().skip(skip).take(200).collect();
                    writeln!(f, "{number} | {mark}{shown}")?;
                    let lead: String = mark
                        .chars()
                        .chain(text.chars().skip(skip))
                        .take(pos.col.saturating_sub(1) - skip + usize::from(skip > 0))
                        .map(|c| if c == '\t' { '\t' } else { ' ' })
                        .collect();
                    let carets = "^".repeat(pos.len.clamp(1, 80));
                    match &d.path {
                        Some(path) if !path.is_empty() => {
                            writeln!(f, "{pad} | {lead}{carets} in {path}")?
                        }
                        _ => writeln!(f, "{pad} | {lead}{carets}")?,
                    }
                    if let Some(help) = &d.help {
                        writeln!(f, "{pad} = help: {help}")?;
                    }
                }
                None => {
                    match &d.path {
                        Some(path) if !path.is_empty() => {
                            writeln!(f, "  --> {} ({path})", self.file)?
                        }
                        _ => writeln!(f, "  --> {}", self.file)?,
                    }
                    if let Some(help) = &d.help {
                        writeln!(f, "  = help: {help}")?;
                    }
                }
            }
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}

/// "did you mean `db-1`?" for the closest of `candidates` to `word`, if any is close enough.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        let distance = strsim::levenshtein(word, candidate);
        let limit = (word.chars().count().max(candidate.chars().count()) / 3).max(1);
        if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, c)| format!("did you mean `{c}`?"))
}
