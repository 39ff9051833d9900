//! `Style`: whether output is coloured, and the few tones the screens paint with.

/// How to render: with ANSI colour (a terminal) or as plain text (pipes, files, tests).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
}

/// What a piece of text means, and so how it is painted when colour is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tone {
    Plain,
    Bold,
    /// Errors, firing alerts, hosts down, crash loops.
    Red,
    /// A page: firing alerts above the prompt.
    Alarm,
    /// Warnings, pending alerts, degraded links, instances starting or drained.
    Yellow,
    /// Healthy: running, up, ok.
    Green,
}

impl Tone {
    const fn code(self) -> Option<&'static str> {
        match self {
            Tone::Plain => None,
            Tone::Bold => Some("1"),
            Tone::Red => Some("31"),
            Tone::Alarm => Some("1;31"),
            Tone::Yellow => Some("33"),
            Tone::Green => Some("32"),
        }
    }
}

impl Style {
    /// `text` wrapped in the tone's escape codes when colour is on, otherwise unchanged.
    pub(crate) fn paint(self, tone: Tone, text: &str) -> String {
        match tone.code() {
            Some(code) if self.color && !text.is_empty() => format!("\x1b[{code}m{text}\x1b[0m"),
            _ => text.to_owned(),
        }
    }
}

/// Words that mean something is broken, something is in between, or all is well.
const RED_WORDS: [&str; 7] = [
    "crash-loop",
    "crashed",
    "down",
    "firing",
    "stopped",
    "unreachable",
    "failed",
];
const YELLOW_WORDS: [&str; 5] = ["pending", "degraded", "starting", "booting", "drained"];
const GREEN_WORDS: [&str; 3] = ["running", "up", "ok"];

/// The tone of a state label such as `"crash-loop"` or `"running (drained)"`: the worst word wins.
pub(crate) fn state_tone(state: &str) -> Tone {
    let lower = state.to_ascii_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter(|w| !w.is_empty())
        .collect();
    let has = |set: &[&str]| words.iter().any(|w| set.contains(w));
    if has(&RED_WORDS) {
        Tone::Red
    } else if has(&YELLOW_WORDS) || lower.contains("out of pool") {
        Tone::Yellow
    } else if has(&GREEN_WORDS) {
        Tone::Green
    } else {
        Tone::Plain
    }
}

/// Yellow at or above `warn`, red at or above `critical`: for utilisation percentages.
pub(crate) fn level_tone(value: f64, warn: f64, critical: f64) -> Tone {
    if value >= critical {
        Tone::Red
    } else if value >= warn {
        Tone::Yellow
    } else {
        Tone::Plain
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paint_adds_escapes_only_with_colour() {
        let on = Style { color: true };
        let off = Style { color: false };
        assert_eq!(on.paint(Tone::Red, "down"), "\x1b[31mdown\x1b[0m");
        assert_eq!(off.paint(Tone::Red, "down"), "down");
        assert_eq!(on.paint(Tone::Plain, "x"), "x");
        assert_eq!(on.paint(Tone::Bold, ""), "");
    }

    #[test]
    fn state_tone_lets_the_worst_word_win() {
        assert_eq!(state_tone("crash-loop"), Tone::Red);
        assert_eq!(state_tone("crash-loop (out of pool)"), Tone::Red);
        assert_eq!(state_tone("running (drained)"), Tone::Yellow);
        assert_eq!(state_tone("running (out of pool)"), Tone::Yellow);
        assert_eq!(state_tone("running"), Tone::Green);
        assert_eq!(state_tone("firing"), Tone::Red);
        assert_eq!(state_tone("pending"), Tone::Yellow);
        assert_eq!(state_tone("ok"), Tone::Green);
        assert_eq!(state_tone("decommissioned"), Tone::Plain);
        assert_eq!(state_tone("backup"), Tone::Plain);
    }

    #[test]
    fn level_tone_thresholds_are_inclusive() {
        assert_eq!(level_tone(79.9, 80.0, 90.0), Tone::Plain);
        assert_eq!(level_tone(80.0, 80.0, 90.0), Tone::Yellow);
        assert_eq!(level_tone(90.0, 80.0, 90.0), Tone::Red);
    }
}
