//! The `logs` screen: one event per line with time to the second, subject and level.

use engine::{Event, Severity};

use super::format::{clock_secs, hanging, width};
use super::style::{Style, Tone};

pub(crate) fn logs(events: &[Event], start: &str, style: Style) -> String {
    if events.is_empty() {
        return "no log lines in that window\n".into();
    }
    let subject = |e: &Event| {
        if e.subject.is_empty() {
            "-".to_owned()
        } else {
            e.subject.clone()
        }
    };
    let subject_width = events.iter().map(|e| width(&subject(e))).max().unwrap_or(0);
    let mut out = String::new();
    for e in events {
        let time = clock_secs(start, e.at);
        let (level, tone) = level(e.severity);
        let indent = width(&time) + 1 + subject_width + 1 + 5 + 1;
        let prefix = format!(
            "{time} {:<subject_width$} {} ",
            subject(e),
            style.paint(tone, &format!("{level:<5}"))
        );
        out.push_str(&hanging(&prefix, indent, &e.text));
    }
    out
}

/// The level word as a log shows it, and its tone.
pub(crate) fn level(severity: Severity) -> (&'static str, Tone) {
    match severity {
        Severity::Info => ("INFO", Tone::Plain),
        Severity::Warn => ("WARN", Tone::Yellow),
        Severity::Error => ("ERROR", Tone::Red),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scenarios::Dur;

    fn event(secs: u64, subject: &str, severity: Severity, text: &str) -> Event {
        Event {
            at: Dur::from_secs(secs),
            subject: subject.into(),
            severity,
            text: text.into(),
        }
    }

    #[test]
    fn logs_align_subject_and_level_columns() {
        let out = logs(
            &[
                event(
                    185,
                    "db-1",
                    Severity::Error,
                    "postgres: PANIC: could not write",
                ),
                event(190, "app-12", Severity::Info, "GET /health 200"),
                event(191, "app-12", Severity::Warn, "slow query"),
            ],
            "02:14",
            Style::default(),
        );
        assert_eq!(
            out,
            "02:17:05 db-1   ERROR postgres: PANIC: could not write\n\
             02:17:10 app-12 INFO  GET /health 200\n\
             02:17:11 app-12 WARN  slow query\n"
        );
    }

    #[test]
    fn logs_wrap_long_lines_under_the_text() {
        let text = "checkpoint ".repeat(10);
        let out = logs(
            &[event(0, "db-1", Severity::Info, text.trim())],
            "02:14",
            Style::default(),
        );
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[1].starts_with(&format!("{}checkpoint", " ".repeat(20))));
        assert!(lines.iter().all(|l| l.chars().count() <= 100));
    }

    #[test]
    fn logs_colour_the_level_only() {
        let out = logs(
            &[event(0, "db-1", Severity::Error, "disk full")],
            "02:14",
            Style { color: true },
        );
        assert_eq!(out, "02:14:00 db-1 \x1b[31mERROR\x1b[0m disk full\n");
    }

    #[test]
    fn logs_of_a_quiet_window_say_so() {
        assert_eq!(
            logs(&[], "02:14", Style::default()),
            "no log lines in that window\n"
        );
    }
}
