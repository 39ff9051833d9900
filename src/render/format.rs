//! Number, clock and paragraph formatting shared by every screen.

use scenarios::{Dur, clock_label};

use super::style::{Style, Tone};

/// No rendered line is meant to be wider than this.
pub(crate) const WIDTH: usize = 100;

/// `x` with exactly `places` decimals; `-0.0` prints as `0.0` and a non-number as `-`.
pub(crate) fn fixed(x: f64, places: usize) -> String {
    if !x.is_finite() {
        return "-".into();
    }
    let text = format!("{x:.places$}");
    match text.strip_prefix('-') {
        Some(rest) if rest.bytes().all(|b| b == b'0' || b == b'.') => rest.to_owned(),
        _ => text,
    }
}

/// At most `places` decimals, trailing zeros dropped: `5`, `2.5`, `99.95`.
pub(crate) fn trimmed(x: f64, places: usize) -> String {
    let text = fixed(x, places);
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

/// A percentage with as many decimals as it needs (one to `places`): `99.2`, `99.95`, `100.0`.
pub(crate) fn percent(x: f64, places: usize) -> String {
    let text = trimmed(x, places);
    if text.contains('.') || text == "-" {
        text
    } else {
        format!("{text}.0")
    }
}

/// A request rate: whole numbers from 100 up, one decimal below.
pub(crate) fn rate(x: f64) -> String {
    if x.abs() >= 100.0 {
        fixed(x, 0)
    } else {
        fixed(x, 1)
    }
}

/// A span given in hours, in the unit a person counts it in: `22 min`, `5.5 h`, `3 days`.
pub(crate) fn hours(h: f64) -> String {
    if !h.is_finite() {
        return "-".into();
    }
    let minutes = h * 60.0;
    if minutes < 1.0 {
        "under 1 min".into()
    } else if minutes < 120.0 {
        format!("{} min", fixed(minutes.floor(), 0))
    } else if h < 48.0 {
        format!("{} h", trimmed(h, 1))
    } else {
        format!("{} days", trimmed(h / 24.0, 1))
    }
}

/// Wall-clock `HH:MM` for simulated time `at`.
pub(crate) fn clock(start: &str, at: Dur) -> String {
    clock_label(start, at)
}

/// Wall-clock `HH:MM:SS` for simulated time `at`.
pub(crate) fn clock_secs(start: &str, at: Dur) -> String {
    format!("{}:{:02}", clock_label(start, at), (at.ms() / 1_000) % 60)
}

/// Visible width of plain text.
pub(crate) fn width(text: &str) -> usize {
    text.chars().count()
}

/// Splits `text` into lines of at most `max` characters at spaces; a longer word keeps its line.
/// Text that already fits is returned untouched, spacing and all.
pub(crate) fn wrap(text: &str, max: usize) -> Vec<String> {
    if width(text) <= max {
        return vec![text.to_owned()];
    }
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && width(&line) + 1 + width(word) > max {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// `prefix` (already painted, `indent` columns wide) then `text` wrapped to [`WIDTH`], later
/// lines indented to line up under the text. Each line of `text` wraps on its own.
pub(crate) fn hanging(prefix: &str, indent: usize, text: &str) -> String {
    let room = WIDTH.saturating_sub(indent).max(20);
    let pad = " ".repeat(indent);
    let mut out = String::new();
    let mut first = true;
    for source in text.split('\n') {
        for line in wrap(source, room) {
            out.push_str(if first { prefix } else { &pad });
            out.push_str(&line);
            out.truncate(out.trim_end().len());
            out.push('\n');
            first = false;
        }
    }
    out
}

/// A block of `key: value` lines with the values lined up; long values wrap under themselves.
pub(crate) fn fields(pairs: &[(&str, String, Tone)], style: Style) -> String {
    let key_width = pairs
        .iter()
        .map(|(k, _, _)| width(k) + 1)
        .max()
        .unwrap_or(0);
    let indent = key_width + 2;
    let room = WIDTH.saturating_sub(indent).max(20);
    let mut out = String::new();
    for (key, value, tone) in pairs {
        for (i, line) in wrap(value, room).iter().enumerate() {
            if i == 0 {
                out.push_str(&format!("{:<indent$}", format!("{key}:")));
            } else {
                out.push_str(&" ".repeat(indent));
            }
            out.push_str(&style.paint(*tone, line));
            out.truncate(out.trim_end().len());
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_never_prints_negative_zero() {
        assert_eq!(fixed(-0.0, 1), "0.0");
        assert_eq!(fixed(-0.04, 1), "0.0");
        assert_eq!(fixed(-1.25, 1), "-1.2");
        assert_eq!(fixed(f64::NAN, 1), "-");
    }

    #[test]
    fn trimmed_and_percent_drop_only_needless_zeros() {
        assert_eq!(trimmed(5.0, 1), "5");
        assert_eq!(trimmed(2.50, 2), "2.5");
        assert_eq!(percent(99.2, 2), "99.2");
        assert_eq!(percent(99.95, 2), "99.95");
        assert_eq!(percent(100.0, 2), "100.0");
    }

    #[test]
    fn hours_picks_a_readable_unit() {
        assert_eq!(hours(0.375), "22 min");
        assert_eq!(hours(0.001), "under 1 min");
        assert_eq!(hours(5.5), "5.5 h");
        assert_eq!(hours(72.0), "3 days");
    }

    #[test]
    fn clock_secs_adds_seconds_to_the_wall_clock() {
        assert_eq!(clock_secs("02:14", Dur::from_secs(185)), "02:17:05");
        assert_eq!(clock("02:14", Dur::from_mins(7)), "02:21");
    }

    #[test]
    fn wrap_breaks_at_spaces_and_keeps_long_words() {
        assert_eq!(wrap("a bb ccc", 4), vec!["a bb", "ccc"]);
        assert_eq!(wrap("abcdefgh ij", 4), vec!["abcdefgh", "ij"]);
        assert_eq!(wrap("fits  as is", 20), vec!["fits  as is"]);
    }

    #[test]
    fn hanging_indents_continuation_lines() {
        let text = "word ".repeat(40);
        let out = hanging("prefix: ", 8, text.trim());
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines.len() > 1);
        assert!(lines[0].starts_with("prefix: word"));
        assert!(lines[1].starts_with("        word"));
        assert!(lines.iter().all(|l| l.chars().count() <= WIDTH));
    }

    #[test]
    fn fields_line_up_values() {
        let out = fields(
            &[
                ("zone", "dc-1".into(), Tone::Plain),
                ("restarts", "2".into(), Tone::Plain),
            ],
            Style::default(),
        );
        assert_eq!(out, "zone:      dc-1\nrestarts:  2\n");
    }
}
