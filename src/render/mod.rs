//! Terminal rendering: views, responses, notices and scorecards as text, coloured or plain.
//!
//! Every function is pure and deterministic: no I/O, no clock, no environment. Multi-line
//! output (`view`, `response`, `scorecard`, `table`) always ends with a newline, so print it
//! with `print!`; `notice` and `sparkline` are single-line fragments without one. With
//! `Style { color: false }` the output is plain ASCII apart from the sparkline glyphs and any
//! non-ASCII text the engine or scenario supplies.

mod alerts;
mod capacity;
mod cloud;
mod format;
pub(crate) use format::{fixed, trimmed, wrap};
mod host;
mod hosts;
mod logs;
mod metrics;
mod network;
mod notice;
mod ping;
mod response;
mod scorecard;
mod security;
mod service;
mod sparkline;
mod status;
mod storage;
mod style;
mod table;
mod virt;
mod zone;

pub use sparkline::sparkline;
pub use style::Style;
pub use table::table;

/// An observation screen. `start` is the scenario's wall-clock start, `"HH:MM"`.
pub fn view(v: &engine::View, start: &str, style: Style) -> String {
    match v {
        engine::View::Status(s) => status::status(s, style),
        engine::View::Top(rows) => hosts::top(rows, style),
        engine::View::Alerts(rows) => alerts::alerts(rows, start, style),
        engine::View::Host(h) => host::host(h, style),
        engine::View::Service(s) => service::service(s, style),
        engine::View::Zone(z) => zone::zone(z, style),
        engine::View::Metrics(m) => metrics::metrics(m, start, style),
        engine::View::Logs(events) => logs::logs(events, start, style),
        engine::View::Ping(p) => ping::ping(p, style),
        engine::View::Cost(c) => cloud::cost(c, style),
        engine::View::Groups(g) => cloud::groups(g, start, style),
        engine::View::Dns(d) => cloud::dns(d, start, style),
        engine::View::Verify(v) => cloud::verify(v, style),
        engine::View::Trace(t) => network::trace(t, style),
        engine::View::Routes(r) => network::routes(r, start, style),
        engine::View::Links(l) => network::links(l, style),
        engine::View::Node(n) => network::node(n, start, style),
        engine::View::Backups(b) => storage::backups(b, style),
        engine::View::Firewall(f) => security::firewall(f, start, style),
        engine::View::Certs(rows) => security::certs(rows, start, style),
        engine::View::Hypervisors(rows) => virt::list(rows, style),
        engine::View::Hypervisor(h) => virt::show(h, style),
        engine::View::Capacity(c) => capacity::capacity(c, start, style),
    }
}

/// What an accepted command did; a [`engine::Response::View`] renders as [`view`].
pub fn response(r: &engine::Response, start: &str, style: Style) -> String {
    response::response(r, start, style)
}

/// One line for an event shown above the prompt, e.g. `[02:31] ALERT FIRING ...`; no newline.
pub fn notice(e: &engine::Event, start: &str, style: Style) -> String {
    notice::notice(e, start, style)
}

/// The graded result of a run, for the terminal.
pub fn scorecard(card: &grader::Scorecard, scenario: &scenarios::Scenario, style: Style) -> String {
    scorecard::scorecard(card, scenario, style)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_opens_with_a_doc_line() {
        let files = [
            include_str!("mod.rs"),
            include_str!("alerts.rs"),
            include_str!("cloud.rs"),
            include_str!("format.rs"),
            include_str!("host.rs"),
            include_str!("hosts.rs"),
            include_str!("logs.rs"),
            include_str!("metrics.rs"),
            include_str!("network.rs"),
            include_str!("notice.rs"),
            include_str!("ping.rs"),
            include_str!("response.rs"),
            include_str!("scorecard.rs"),
            include_str!("security.rs"),
            include_str!("service.rs"),
            include_str!("sparkline.rs"),
            include_str!("status.rs"),
            include_str!("storage.rs"),
            include_str!("style.rs"),
            include_str!("table.rs"),
            include_str!("virt.rs"),
            include_str!("zone.rs"),
        ];
        assert!(files.iter().all(|f| f.starts_with("//! ")));
    }

    #[test]
    fn view_without_colour_has_no_escape_codes() {
        let v = engine::View::Ping(engine::PingView {
            from: "a".into(),
            to: "b".into(),
            route: vec![],
            reachable: false,
            rtt_ms: 0.0,
            loss_pct: 0.0,
            note: None,
        });
        let plain = view(&v, "00:00", Style { color: false });
        assert_eq!(plain, "a -> b: unreachable (no answer)\n");
        let coloured = view(&v, "00:00", Style { color: true });
        assert!(coloured.contains("\x1b[31munreachable\x1b[0m"));
    }
}
