//! Variants: a scenario's axes of variation (which host fails, which zone, the growth rate), each
//! choice picked from the run's seed and substituted into the file's text before it is parsed.
//!
//! An axis `(name: "victim", choices: ["app-1", "app-2"])` replaces every quoted string that is
//! exactly `"${victim}"` with the chosen value written as RON (so a number can stand where a number
//! goes), and every `${victim}` inside a longer string with the value's text. Substituting text
//! rather than the parsed model keeps every line where the author wrote it, so diagnostics still
//! point at the right line.

use std::fmt;

use serde::Deserialize;

use crate::diagnostic::Diagnostic;
use crate::locate::Pos;
use crate::model::{Choice, VariantAxis};

/// The choice made on each axis for one run, in the order the axes are declared.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Variant {
    pub picks: Vec<Pick>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pick {
    pub axis: String,
    pub index: usize,
    /// The chosen value's text (a string without quotes, a number as written).
    pub value: String,
}

impl fmt::Display for Variant {
    /// `victim=app-2, fill_rate=60.0`, or `base` for a scenario without axes. A choice written
    /// as a map shows as its number (`bad=#2`): maps often hold grading values, such as which
    /// backup is the good one, that a journal or a report should not spell out.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, false)
    }
}

impl Variant {
    /// Every value, maps included, for authors (`check`, `explain`).
    pub fn detailed(&self) -> String {
        struct Detailed<'a>(&'a Variant);
        impl fmt::Display for Detailed<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.write(f, true)
            }
        }
        Detailed(self).to_string()
    }

    fn write(&self, f: &mut fmt::Formatter<'_>, maps: bool) -> fmt::Result {
        if self.picks.is_empty() {
            return f.write_str("base");
        }
        for (i, p) in self.picks.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            if p.value.starts_with('(') && !maps {
                write!(f, "{}=#{}", p.axis, p.index + 1)?;
            } else {
                write!(f, "{}={}", p.axis, p.value)?;
            }
        }
        Ok(())
    }
}

/// Only the axes, read leniently before the typed parse (placeholders may sit where numbers go).
#[derive(Deserialize)]
struct Head {
    #[serde(default)]
    variants: Vec<VariantAxis>,
}

/// The file's variant axes, or none if the file does not parse even leniently (the typed parse
/// then reports why).
pub fn axes(source: &str) -> Vec<VariantAxis> {
    let options =
        ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
    options
        .from_str::<Head>(source)
        .map(|h| h.variants)
        .unwrap_or_default()
}

/// Which choice of each axis a seed selects. Each axis is drawn independently (SplitMix64 of the
/// seed mixed with the axis name), so adding an axis does not reshuffle the others.
pub fn pick_for_seed(axes: &[VariantAxis], seed: u64) -> Vec<usize> {
    axes.iter()
        .map(|a| {
            let n = a.choices.len().max(1) as u64;
            (splitmix64(seed ^ fnv1a(a.name.as_bytes())) % n) as usize
        })
        .collect()
}

/// Substitutes the chosen values into `source`. `indices` has one entry per axis.
pub fn apply(source: &str, axes: &[VariantAxis], indices: &[usize]) -> (String, Variant) {
    let mut text = source.to_owned();
    let mut picks = Vec::with_capacity(axes.len());
    for (axis, &index) in axes.iter().zip(indices) {
        let Some(value) = axis.choices.get(index) else {
            continue;
        };
        let shown = match value {
            Choice::Map(map) => {
                let mut parts = Vec::with_capacity(map.len());
                for (key, v) in map {
                    substitute(&mut text, &format!("{}.{key}", axis.name), v);
                    parts.push(format!("{key}={}", plain(v)));
                }
                format!("({})", parts.join(" "))
            }
            v => {
                substitute(&mut text, &axis.name, v);
                plain(v)
            }
        };
        picks.push(Pick {
            axis: axis.name.clone(),
            index,
            value: shown,
        });
    }
    (text, Variant { picks })
}

/// Replaces `"${name}"` with the value as RON and `${name}` inside strings with its text.
fn substitute(text: &mut String, name: &str, value: &Choice) {
    let as_ron = match value {
        Choice::Text(s) => ron::to_string(s).unwrap_or_default(),
        v => plain(v),
    };
    *text = text.replace(&format!("\"${{{name}}}\""), &as_ron);
    *text = text.replace(&format!("${{{name}}}"), &plain(value));
}

/// A scalar's text: a string without its quotes, a number as Rust and RON both read it (`48`,
/// `43.2`: whole numbers have no decimal point, so they fit integer fields too), a bool.
fn plain(value: &Choice) -> String {
    match value {
        Choice::Text(s) => s.clone(),
        Choice::Number(n) => format!("{n}"),
        Choice::Flag(b) => b.to_string(),
        Choice::Map(_) => String::new(),
    }
}

/// The placeholder names one choice of `axis` defines: `name`, or `name.key` for each key of a
/// choice written as a map (values that belong together, like a time and its clock label).
fn names(axis: &VariantAxis, choice: &Choice) -> Vec<String> {
    match choice {
        Choice::Map(map) => map.keys().map(|k| format!("{}.{k}", axis.name)).collect(),
        _ => vec![axis.name.clone()],
    }
}

/// Problems with the axes themselves, and placeholders left that no axis defines. `source` is
/// the text before substitution.
pub fn check(source: &str, axes: &[VariantAxis]) -> Vec<Diagnostic> {
    let mut d = Vec::new();
    for (i, a) in axes.iter().enumerate() {
        let path = format!("variants[{i}]");
        let ident = !a.name.is_empty()
            && a.name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !ident {
            d.push(Diagnostic::at(
                format!("{path}.name"),
                format!(
                    "variant axis name `{}` must be letters, digits, `_` or `-`",
                    a.name
                ),
            ));
            continue;
        }
        if axes[..i].iter().any(|b| b.name == a.name) {
            d.push(Diagnostic::at(
                format!("{path}.name"),
                format!("variant axis `{}` is declared twice", a.name),
            ));
        }
        if a.choices.len() < 2 {
            d.push(Diagnostic::at(
                format!("{path}.choices"),
                format!(
                    "variant axis `{}` needs at least two choices to vary anything",
                    a.name
                ),
            ));
        }
        let first = a.choices.first().map(|c| names(a, c));
        for (j, c) in a.choices.iter().enumerate() {
            let ok = match c {
                Choice::Map(map) => map.values().all(scalar),
                v => scalar(v),
            };
            if !ok {
                d.push(Diagnostic::at(
                    format!("{path}.choices[{j}]"),
                    "a variant choice is a one-line string, a number or a bool, or a map of \
                     names to such values ({\"at\": \"35m\", \"clock\": \"10:35\"})",
                ));
            } else if first.as_ref().is_some_and(|f| *f != names(a, c)) {
                d.push(Diagnostic::at(
                    format!("{path}.choices[{j}]"),
                    format!(
                        "every choice of `{}` must define the same names as the first ({})",
                        a.name,
                        first.as_deref().unwrap_or_default().join(", ")
                    ),
                ));
            }
        }
        let used = first
            .unwrap_or_default()
            .iter()
            .any(|n| source.contains(&format!("${{{n}}}")));
        if !used {
            d.push(Diagnostic::at(
                format!("{path}.name"),
                format!(
                    "variant axis `{}` has no effect: nothing in the file says `${{{}}}`",
                    a.name, a.name
                ),
            ));
        }
    }
    let defined: Vec<String> = axes
        .iter()
        .flat_map(|a| a.choices.first().map(|c| names(a, c)).unwrap_or_default())
        .collect();
    let mut seen: Vec<&str> = Vec::new();
    let mut from = 0;
    while let Some(found) = source[from..].find("${") {
        let start = from + found;
        let after = &source[start + 2..];
        let Some(end) = after.find('}') else { break };
        let name = &after[..end];
        from = start + 2 + end;
        if defined.iter().any(|n| n == name) || seen.contains(&name) {
            continue;
        }
        seen.push(name);
        let before = &source[..start];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        d.push(Diagnostic {
            message: format!("`${{{name}}}` is used but no variant axis defines `{name}`"),
            path: None,
            pos: Some(Pos {
                line,
                col,
                len: name.chars().count() + 3,
            }),
            help: crate::suggest(name, defined.iter().map(String::as_str))
                .or_else(|| Some("declare it in `variants`, or correct the name".into())),
        });
    }
    d
}

fn scalar(v: &Choice) -> bool {
    match v {
        Choice::Text(s) => !s.contains('\n'),
        Choice::Number(n) => n.is_finite(),
        Choice::Flag(_) => true,
        Choice::Map(_) => false,
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// SplitMix64's value after state `x` (Steele, Lea and Flood, 2014): a well-mixed 64-bit hash
/// of a seed or a counter.
pub fn splitmix64(x: u64) -> u64 {
    mix64(x.wrapping_add(0x9e37_79b9_7f4a_7c15))
}

/// SplitMix64's output function (Steele, Lea and Flood, *Fast splittable pseudorandom number
/// generators*, OOPSLA 2014; Stafford's mix 13): scrambles every bit of `z` into every bit of
/// the result. Deterministic hashing of seeds and counters, never a source of randomness.
pub fn mix64(z: u64) -> u64 {
    let z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    let z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"(
    id: "x",
    faults: [(at: "0s", kind: DiskFill(host: "${victim}", gb_per_hour: "${rate}", writer: "w"))],
    briefing: "page about ${victim}",
    workers: Some(4),
    variants: [
        (name: "victim", choices: ["db-1", "db-2", "db-3"]),
        (name: "rate", choices: [48.0, 60.0]),
    ],
)"#;

    #[test]
    fn axes_are_read_even_where_placeholders_stand_for_numbers() {
        let a = axes(FILE);
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].choices.len(), 3);
        assert!(check(FILE, &a).is_empty());
    }

    #[test]
    fn substitution_writes_values_as_ron_and_as_text() {
        let a = axes(FILE);
        let (text, v) = apply(FILE, &a, &[1, 1]);
        assert!(text.contains(r#"host: "db-2", gb_per_hour: 60,"#), "{text}");
        assert!(text.contains(r#""page about db-2""#), "{text}");
        assert_eq!(v.to_string(), "victim=db-2, rate=60");
        assert_eq!(text.lines().count(), FILE.lines().count());
    }

    #[test]
    fn a_choice_written_as_a_map_keeps_values_that_belong_together() {
        let file = r#"(at: "${retire.at}", text: "retired at ${retire.clock}",
    variants: [(name: "retire", choices: [{"at": "35m", "clock": "10:35"}, {"at": "40m", "clock": "10:40"}])])"#;
        let a = axes(file);
        assert!(check(file, &a).is_empty(), "{:?}", check(file, &a));
        let (text, v) = apply(file, &a, &[1]);
        assert!(
            text.starts_with(r#"(at: "40m", text: "retired at 10:40","#),
            "{text}"
        );
        assert_eq!(v.to_string(), "retire=#2");
        assert_eq!(v.detailed(), "retire=(at=40m clock=10:40)");
    }

    #[test]
    fn seeds_spread_over_every_choice_and_repeat_exactly() {
        let a = axes(FILE);
        let mut seen = [0usize; 3];
        for seed in 0..300 {
            let i = pick_for_seed(&a, seed);
            assert_eq!(i, pick_for_seed(&a, seed));
            seen[i[0]] += 1;
        }
        // Each of three choices lands near 100 of 300 seeds.
        assert!(seen.iter().all(|&n| (70..=130).contains(&n)), "{seen:?}");
    }

    #[test]
    fn unknown_placeholders_and_idle_axes_are_reported() {
        let text = FILE.replace("page about ${victim}", "page about ${vitcim}");
        let mut a = axes(&text);
        a.push(VariantAxis {
            name: "zone".into(),
            choices: vec![Choice::Flag(true), Choice::Flag(false)],
        });
        let msgs: Vec<String> = check(&text, &a).into_iter().map(|d| d.message).collect();
        assert!(
            msgs.iter()
                .any(|m| m.contains("`${vitcim}` is used but no variant axis defines")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter().any(|m| m.contains("`zone` has no effect")),
            "{msgs:?}"
        );
    }
}
