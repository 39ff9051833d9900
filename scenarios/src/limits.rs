//! Limits on a scenario's text that must hold before its variants are substituted: how many axes,
//! choices and placeholders it has, and how large substitution may make it. Without them a file
//! under the size cap could still cost gigabytes (a long choice pasted at thousands of
//! placeholders) or minutes (an axis of a hundred thousand choices, each loaded and checked).
//!
//! Also the cap on how many diagnostics one file reports, so a file with a hundred thousand
//! mistakes is refused as fast as one with a single mistake.

use std::collections::BTreeMap;

use crate::diagnostic::Diagnostic;
use crate::locate::Pos;
use crate::model::{Choice, VariantAxis};

/// Most variant axes one scenario may declare. The library uses at most five.
pub const MAX_AXES: usize = 16;
/// Most choices one axis may offer. `check` loads and tests every choice, so each costs a full
/// load and simulation; the library uses at most four.
pub const MAX_CHOICES: usize = 12;
/// Most names a choice written as a map may define.
pub const MAX_CHOICE_KEYS: usize = 16;
/// Most `${...}` placeholders one file may hold. The library's busiest file has 58.
pub const MAX_PLACEHOLDERS: usize = 2_000;
/// Largest a scenario's text may grow to once a variant's values are substituted.
pub const MAX_EXPANDED_BYTES: usize = 2 * crate::MAX_FILE_BYTES;
/// Longest name a placeholder may use: an axis name, or an axis name, `.` and a key.
pub const MAX_NAME: usize = 129;
/// Longest axis name or key of a choice written as a map.
pub const MAX_AXIS_NAME: usize = 64;
/// Most diagnostics reported for one file; the rest are counted, not listed.
pub const MAX_DIAGNOSTICS: usize = 100;

/// Problems that make `source`'s variants too costly to substitute, or an empty list. `axes` are
/// the axes read from `source`. Runs before any substitution, in time linear in the file's size.
pub fn variants(source: &str, axes: &[VariantAxis]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if axes.len() > MAX_AXES {
        out.push(
            Diagnostic::at(
                "variants",
                format!("{} variant axes, over the limit of {MAX_AXES}", axes.len()),
            )
            .with_help("combine axes that vary together into one axis whose choices are maps"),
        );
        return out;
    }
    for (i, axis) in axes.iter().enumerate() {
        let long_key = axis.choices.iter().any(|c| match c {
            Choice::Map(map) => map.keys().any(|k| k.len() > MAX_AXIS_NAME),
            _ => false,
        });
        if axis.name.len() > MAX_AXIS_NAME || long_key {
            out.push(Diagnostic::at(
                format!("variants[{i}]"),
                format!("variant axis names and keys are at most {MAX_AXIS_NAME} bytes"),
            ));
            continue;
        }
        if axis.choices.len() > MAX_CHOICES {
            out.push(Diagnostic::at(
                format!("variants[{i}].choices"),
                format!(
                    "variant axis `{}` has {} choices, over the limit of {MAX_CHOICES}: `check` \
                     loads and plays every one",
                    axis.name,
                    axis.choices.len()
                ),
            ));
            continue;
        }
        for (j, choice) in axis.choices.iter().enumerate() {
            let path = format!("variants[{i}].choices[{j}]");
            if let Choice::Map(map) = choice
                && map.len() > MAX_CHOICE_KEYS
            {
                out.push(Diagnostic::at(
                    path,
                    format!(
                        "a variant choice defines {} names, over the limit of {MAX_CHOICE_KEYS}",
                        map.len()
                    ),
                ));
                continue;
            }
            if scalars(choice).any(|v| matches!(v, Choice::Text(t) if t.contains("${"))) {
                out.push(
                    Diagnostic::at(
                        path,
                        "a variant choice may not contain a placeholder (`${...}`)",
                    )
                    .with_help("values are substituted once; write the value itself"),
                );
            }
        }
    }
    if !out.is_empty() {
        return out;
    }
    let mut uses: BTreeMap<&str, usize> = BTreeMap::new();
    for (n, (at, _)) in source.match_indices("${").enumerate() {
        if n == MAX_PLACEHOLDERS {
            out.push(Diagnostic {
                message: format!(
                    "more than {MAX_PLACEHOLDERS} `${{...}}` placeholders; this is the first one \
                     over the limit"
                ),
                path: None,
                pos: Some(position(source, at, 2)),
                help: None,
            });
            return out;
        }
        let after = &source.as_bytes()[at + 2..];
        let window = &after[..after.len().min(MAX_NAME + 1)];
        let Some(end) = window.iter().position(|&b| b == b'}') else {
            out.push(
                Diagnostic {
                    message: format!(
                        "`${{` starts a placeholder that does not end with `}}` within \
                         {MAX_NAME} characters"
                    ),
                    path: None,
                    pos: Some(position(source, at, 2)),
                    help: None,
                }
                .with_help("a placeholder is `${name}` or `${name.key}`, naming a variant axis"),
            );
            return out;
        };
        // A `}` within the window is an ASCII byte, so this slice is on character boundaries.
        let name = &source[at + 2..at + 2 + end];
        *uses.entry(name).or_default() += 1;
    }
    let mut grown = source.len();
    for (i, axis) in axes.iter().enumerate() {
        grown = grown.saturating_add(growth(&uses, axis));
        if grown > MAX_EXPANDED_BYTES {
            out.push(
                Diagnostic::at(
                    format!("variants[{i}]"),
                    format!(
                        "substituting the longest choices of variant axis `{}` makes the \
                         scenario over {MAX_EXPANDED_BYTES} bytes",
                        axis.name
                    ),
                )
                .with_help("shorten the choices or use their placeholders in fewer places"),
            );
            break;
        }
    }
    out
}

/// Keeps the first [`MAX_DIAGNOSTICS`] of `diagnostics`, says how many more there were, and
/// shortens names quoted in them that are too long to read (a 500 kB host name is shown by its
/// start and its length).
pub fn tidy(diagnostics: &mut Vec<Diagnostic>) {
    if diagnostics.len() > MAX_DIAGNOSTICS {
        let more = diagnostics.len() - MAX_DIAGNOSTICS;
        diagnostics.truncate(MAX_DIAGNOSTICS);
        diagnostics.push(Diagnostic {
            message: format!("{more} more problems not shown; correct these first"),
            path: None,
            pos: None,
            help: None,
        });
    }
    for d in diagnostics {
        d.message = shorten(&d.message);
        d.help = d.help.as_deref().map(shorten);
    }
}

/// Longest text between backquotes a diagnostic shows in full.
const MAX_QUOTED: usize = 80;

/// `text` with each backquoted span longer than [`MAX_QUOTED`] bytes cut to its first 40
/// characters and its length.
fn shorten(text: &str) -> String {
    if text.len() <= MAX_QUOTED {
        return text.to_owned();
    }
    let mut out = String::new();
    for (i, part) in text.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        if i % 2 == 1 && part.len() > MAX_QUOTED {
            out.extend(part.chars().take(40));
            out.push_str(&format!("… ({} bytes)", part.len()));
        } else {
            out.push_str(part);
        }
    }
    out
}

/// The most bytes substituting any choice of `axis` can add: for each name the axis defines,
/// its placeholders (counted in `uses`) times the longest value, as RON or as plain text.
fn growth(uses: &BTreeMap<&str, usize>, axis: &VariantAxis) -> usize {
    let Some(first) = axis.choices.first() else {
        return 0;
    };
    let names: Vec<String> = match first {
        Choice::Map(map) => map.keys().map(|k| format!("{}.{k}", axis.name)).collect(),
        _ => vec![axis.name.clone()],
    };
    let longest = axis
        .choices
        .iter()
        .flat_map(scalars)
        .map(|v| match v {
            // As RON a character may be escaped (`\u{1b}`: six bytes for one), plus quotes.
            Choice::Text(t) => 6 * t.len() + 2,
            // `{}` of an f64 writes every digit: 1e300 is 301 characters, 5e-324 is 326.
            Choice::Number(_) => 340,
            Choice::Flag(_) => 5,
            Choice::Map(_) => 0,
        })
        .max()
        .unwrap_or(0);
    names
        .iter()
        .map(|n| {
            uses.get(n.as_str())
                .copied()
                .unwrap_or(0)
                .saturating_mul(longest)
        })
        .fold(0, usize::saturating_add)
}

/// A choice's scalar values: itself, or the values of a map.
fn scalars(choice: &Choice) -> Box<dyn Iterator<Item = &Choice> + '_> {
    match choice {
        Choice::Map(map) => Box::new(map.values()),
        v => Box::new(std::iter::once(v)),
    }
}

/// The 1-based line and column (in characters) of byte `offset` of `source`.
pub(crate) fn position(source: &str, offset: usize, len: usize) -> Pos {
    let before = &source[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    Pos { line, col, len }
}

/// Whether `c` may not appear in a scenario file: control characters other than tab and line
/// ends (a terminal would act on ESC or CSI when a briefing or a diagnostic prints them), and the
/// bidirectional overrides that make text read differently from how it is stored.
pub(crate) fn forbidden(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The first forbidden character in `source` (see [`forbidden`]), as a positioned diagnostic.
pub fn control_character(source: &str) -> Option<Diagnostic> {
    let (at, c) = source.char_indices().find(|&(_, c)| forbidden(c))?;
    Some(Diagnostic {
        message: format!(
            "the file holds the control character U+{:04X}; scenario files are plain text",
            u32::from(c)
        ),
        path: None,
        pos: Some(position(source, at, 1)),
        help: Some("delete it; write line breaks in strings as `\\n`".into()),
    })
}

/// `source` with every forbidden character replaced by U+FFFD, to show in a diagnostic.
pub fn printable(source: &str) -> String {
    source
        .chars()
        .map(|c| if forbidden(c) { '\u{fffd}' } else { c })
        .collect()
}

/// A number as a diagnostic shows it: as written for everyday magnitudes, in exponent form for
/// the extremes (`1.7976931348623157e308`, not 309 digits).
pub(crate) fn number(value: f64) -> String {
    let size = value.abs();
    if size != 0.0 && !(1e-6..1e15).contains(&size) {
        format!("{value:e}")
    } else {
        format!("{value}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn axis(name: &str, choices: Vec<Choice>) -> VariantAxis {
        VariantAxis {
            name: name.into(),
            choices,
        }
    }

    #[test]
    fn a_long_choice_at_many_placeholders_is_refused_before_substitution() {
        let long = Choice::Text("x".repeat(10_000));
        let source = "\"${v}\" ".repeat(200);
        let axes = [axis("v", vec![long, Choice::Text("y".into())])];
        let d = variants(&source, &axes);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("over 2097152 bytes"), "{d:?}");
        assert_eq!(d[0].path.as_deref(), Some("variants[0]"));
        // The same choice at a few placeholders is fine.
        assert!(variants(&"\"${v}\" ".repeat(20), &axes).is_empty());
    }

    #[test]
    fn axes_choices_and_placeholders_are_counted() {
        let many: Vec<Choice> = (0..40).map(|n| Choice::Number(f64::from(n))).collect();
        let d = variants("${v}", &[axis("v", many)]);
        assert!(d[0].message.contains("40 choices"), "{d:?}");
        let axes: Vec<VariantAxis> = (0..17)
            .map(|n| axis(&format!("a{n}"), vec![Choice::Flag(true)]))
            .collect();
        assert!(variants("", &axes)[0].message.contains("17 variant axes"));
        let text = "\n${v}".repeat(MAX_PLACEHOLDERS + 1);
        let d = variants(&text, &[axis("v", vec![Choice::Flag(true)])]);
        assert_eq!(
            d[0].pos,
            Some(Pos {
                line: MAX_PLACEHOLDERS + 2,
                col: 1,
                len: 2
            })
        );
    }

    #[test]
    fn a_choice_holding_a_placeholder_is_refused() {
        let axes = [
            axis(
                "a",
                vec![Choice::Text("${b}${b}".into()), Choice::Text("x".into())],
            ),
            axis(
                "b",
                vec![Choice::Text("y".into()), Choice::Text("z".into())],
            ),
        ];
        let d = variants("${a}", &axes);
        assert_eq!(d[0].path.as_deref(), Some("variants[0].choices[0]"));
    }

    #[test]
    fn control_characters_are_found_where_they_are_and_not_echoed() {
        let text = "(\n  title: \"red \u{1b}[31m\",\n)";
        let d = control_character(text).expect("ESC is refused");
        assert_eq!(
            d.pos,
            Some(Pos {
                line: 2,
                col: 15,
                len: 1
            })
        );
        assert!(d.message.contains("U+001B"), "{}", d.message);
        assert!(!printable(text).contains('\u{1b}'));
        assert!(control_character("a\tb\r\nc").is_none());
        assert!(control_character("a \u{202e} b").is_some());
    }

    #[test]
    fn long_quoted_names_are_shown_by_their_start_and_length() {
        let name = "h".repeat(100_000);
        let mut d = vec![
            Diagnostic::at("x", format!("unknown host `{name}`"))
                .with_help(format!("did you mean `{name}`?")),
        ];
        tidy(&mut d);
        let short = format!("`{}… (100000 bytes)`", "h".repeat(40));
        assert_eq!(d[0].message, format!("unknown host {short}"));
        assert_eq!(
            d[0].help.as_deref(),
            Some(format!("did you mean {short}?").as_str())
        );
        assert_eq!(shorten("a `short` name"), "a `short` name");
    }

    #[test]
    fn extreme_numbers_are_shown_in_exponent_form() {
        assert_eq!(number(f64::MAX), "1.7976931348623157e308");
        assert_eq!(number(5e-324), "5e-324");
        assert_eq!(number(-50.0), "-50");
        assert_eq!(number(0.001), "0.001");
        assert_eq!(number(f64::NAN), "NaN");
        assert_eq!(number(f64::NEG_INFINITY), "-inf");
    }

    #[test]
    fn truncation_keeps_the_first_hundred_and_counts_the_rest() {
        let mut d: Vec<Diagnostic> = (0..250)
            .map(|n| Diagnostic::at(format!("x[{n}]"), "bad"))
            .collect();
        tidy(&mut d);
        assert_eq!(d.len(), MAX_DIAGNOSTICS + 1);
        assert_eq!(d[99].path.as_deref(), Some("x[99]"));
        assert_eq!(
            d[100].message,
            "150 more problems not shown; correct these first"
        );
    }
}
