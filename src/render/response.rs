//! What an accepted command did: an action's outcome, a wait, a note, a hint, a resolution.

use engine::Response;
use scenarios::Dur;

use super::format::{clock, hanging, trimmed, width};
use super::style::Style;

pub(crate) fn response(r: &Response, start: &str, style: Style) -> String {
    match r {
        Response::View(v) => super::view(v, start, style),
        Response::Done(message) => hanging("", 0, message),
        Response::Waited { from, to } => format!(
            "waited {} ({} -> {})\n",
            Dur(to.ms().saturating_sub(from.ms())),
            clock(start, *from),
            clock(start, *to)
        ),
        Response::Noted => "status update posted\n".into(),
        Response::Hint { index, text, cost } => {
            let points = if trimmed(*cost, 1) == "1" {
                "point"
            } else {
                "points"
            };
            let prefix = format!(
                "hint {} (costs {} {points}): ",
                index + 1,
                trimmed(*cost, 1)
            );
            hanging(&prefix, width(&prefix), text)
        }
        Response::Resolved => {
            "incident declared resolved; the rest of the scenario plays out...\n".into()
        }
        Response::Submitted { faults, runs } => format!(
            "design submitted: the trial builds it afresh and runs it through peak traffic and {faults} fault{}, {runs} seeds each...\n",
            if *faults == 1 { "" } else { "s" }
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(r: &Response) -> String {
        response(r, "02:14", Style::default())
    }

    #[test]
    fn response_words_each_outcome() {
        assert_eq!(
            plain(&Response::Done("db-1: pg_debug_log killed".into())),
            "db-1: pg_debug_log killed\n"
        );
        assert_eq!(
            plain(&Response::Waited {
                from: Dur::ZERO,
                to: Dur::from_mins(5)
            }),
            "waited 5m (02:14 -> 02:19)\n"
        );
        assert_eq!(plain(&Response::Noted), "status update posted\n");
        assert_eq!(
            plain(&Response::Hint {
                index: 0,
                text: "Look at what is writing to the disk.".into(),
                cost: 5.0
            }),
            "hint 1 (costs 5 points): Look at what is writing to the disk.\n"
        );
        assert_eq!(
            plain(&Response::Resolved),
            "incident declared resolved; the rest of the scenario plays out...\n"
        );
    }

    #[test]
    fn response_wraps_a_long_hint_under_its_text() {
        let out = plain(&Response::Hint {
            index: 1,
            text: "word ".repeat(30).trim().into(),
            cost: 1.0,
        });
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[0].starts_with("hint 2 (costs 1 point): word"));
        assert!(lines[1].starts_with(&format!("{}word", " ".repeat(24))));
    }

    #[test]
    fn response_delegates_views() {
        let out = plain(&Response::View(Box::new(engine::View::Alerts(vec![]))));
        assert_eq!(out, "no alert rules configured\n");
    }
}
