//! The `ping` screen: the route between two hosts, round-trip time and loss, or why not.

use engine::PingView;

use super::format::fixed;
use super::style::{Style, Tone};

pub(crate) fn ping(v: &PingView, style: Style) -> String {
    let head = format!("{} -> {}: ", v.from, v.to);
    let route = match v.route.as_slice() {
        [] => String::new(),
        [zone] => format!("route {zone} (same zone)"),
        hops => format!("route {}", hops.join(" -> ")),
    };
    let why = v.note.as_deref().unwrap_or("no answer");
    let body = if v.reachable {
        let loss = format!("loss {}%", fixed(v.loss_pct, 1));
        let loss_tone = if v.loss_pct > 0.0 {
            Tone::Yellow
        } else {
            Tone::Plain
        };
        format!(
            "{route}, rtt {} ms, {}",
            fixed(v.rtt_ms, 1),
            style.paint(loss_tone, &loss)
        )
    } else if route.is_empty() {
        format!("{} ({why})", style.paint(Tone::Red, "unreachable"))
    } else {
        format!("{route}, {} ({why})", style.paint(Tone::Red, "no answer"))
    };
    format!("{head}{body}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view() -> PingView {
        PingView {
            from: "app-3".into(),
            to: "db-1".into(),
            route: vec!["dc-east-b".into(), "dc-east-a".into()],
            reachable: true,
            rtt_ms: 1.2,
            loss_pct: 0.0,
            note: None,
        }
    }

    #[test]
    fn ping_shows_route_rtt_and_loss() {
        assert_eq!(
            ping(&view(), Style::default()),
            "app-3 -> db-1: route dc-east-b -> dc-east-a, rtt 1.2 ms, loss 0.0%\n"
        );
    }

    #[test]
    fn ping_without_a_route_is_unreachable_with_the_reason() {
        let mut v = view();
        v.route.clear();
        v.reachable = false;
        v.note = Some("no route from dc-east-b to dc-east-a".into());
        assert_eq!(
            ping(&v, Style::default()),
            "app-3 -> db-1: unreachable (no route from dc-east-b to dc-east-a)\n"
        );
    }

    #[test]
    fn ping_to_a_down_host_shows_the_route_and_no_answer() {
        let mut v = view();
        v.route = vec!["dc-east-a".into()];
        v.reachable = false;
        v.note = Some("db-1 does not answer: the host is not up".into());
        assert_eq!(
            ping(&v, Style::default()),
            "app-3 -> db-1: route dc-east-a (same zone), no answer \
             (db-1 does not answer: the host is not up)\n"
        );
    }
}
