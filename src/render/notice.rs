//! Notices: events shown above the prompt as they happen, pages standing out.

use engine::{Event, Severity};

use super::format::clock;
use super::style::{Style, Tone};

/// `[02:31] ALERT FIRING ...` on one line, without a newline. The subject is put in front when
/// the text does not already name it.
pub(crate) fn notice(e: &Event, start: &str, style: Style) -> String {
    let text = if e.subject.is_empty() || e.text.contains(&e.subject) {
        e.text.clone()
    } else {
        format!("{}: {}", e.subject, e.text)
    };
    let tone = if e.text.starts_with("ALERT FIRING") {
        Tone::Alarm
    } else if e.text.starts_with("ALERT RESOLVED") {
        Tone::Green
    } else {
        match e.severity {
            Severity::Error => Tone::Red,
            Severity::Warn => Tone::Yellow,
            Severity::Info => Tone::Plain,
        }
    };
    style.paint(tone, &format!("[{}] {text}", clock(start, e.at)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use scenarios::Dur;

    fn event(subject: &str, severity: Severity, text: &str) -> Event {
        Event {
            at: Dur::from_mins(17),
            subject: subject.into(),
            severity,
            text: text.into(),
        }
    }

    #[test]
    fn notice_is_one_line_with_the_clock() {
        let e = event(
            "db-1",
            Severity::Error,
            "ALERT FIRING DiskUsageHigh: db-1 disk > 90",
        );
        assert_eq!(
            notice(&e, "02:14", Style::default()),
            "[02:31] ALERT FIRING DiskUsageHigh: db-1 disk > 90"
        );
    }

    #[test]
    fn notice_makes_pages_bold_red() {
        let e = event(
            "db-1",
            Severity::Error,
            "ALERT FIRING DiskUsageHigh: db-1 disk > 90",
        );
        assert_eq!(
            notice(&e, "02:14", Style { color: true }),
            "\x1b[1;31m[02:31] ALERT FIRING DiskUsageHigh: db-1 disk > 90\x1b[0m"
        );
        let resolved = event("db-1", Severity::Info, "ALERT RESOLVED DiskUsageHigh: db-1");
        assert!(notice(&resolved, "02:14", Style { color: true }).starts_with("\x1b[32m"));
    }

    #[test]
    fn notice_names_the_subject_when_the_text_does_not() {
        let e = event("db", Severity::Info, "failover complete");
        assert_eq!(
            notice(&e, "02:14", Style::default()),
            "[02:31] db: failover complete"
        );
    }
}
