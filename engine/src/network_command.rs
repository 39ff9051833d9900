//! Parsing the network commands whose arguments vary by subcommand: `traceroute`, `route`,
//! `link` and `throttle`.

use crate::command::{Action, Command, CommandSpec, ParseError, Query, err, usage};

/// The command, if `name` is one of the network commands; `None` hands the line back to the
/// general parser.
pub(crate) fn parse(
    name: &str,
    args: &[String],
    spec: &CommandSpec,
) -> Result<Option<Command>, ParseError> {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    let bad = || Err(usage(spec));
    let command = match (name, words.as_slice()) {
        ("traceroute", [from, to]) => Command::Look(Query::Traceroute {
            from: (*from).into(),
            to: (*to).into(),
        }),
        ("traceroute", _) => return bad(),
        ("route", [sub, rest @ ..]) => match (sub.to_ascii_lowercase().as_str(), rest) {
            ("show", []) => Command::Look(Query::Routes { node: None }),
            ("show", [node]) => Command::Look(Query::Routes {
                node: Some((*node).into()),
            }),
            ("add", [node, dest, via_word, via, tail @ ..])
                if via_word.eq_ignore_ascii_case("via") =>
            {
                let metric = match tail {
                    [] => 1,
                    [m, n] if m.eq_ignore_ascii_case("metric") => n
                        .parse::<u32>()
                        .ok()
                        .filter(|n| *n <= 65_535)
                        .ok_or_else(|| err(format!("`{n}` is not a metric from 0 to 65535")))?,
                    _ => return bad(),
                };
                Command::Act(Action::RouteAdd {
                    node: (*node).into(),
                    dest: (*dest).into(),
                    via: (*via).into(),
                    metric,
                })
            }
            ("del" | "delete", [node, dest]) => Command::Act(Action::RouteDel {
                node: (*node).into(),
                dest: (*dest).into(),
            }),
            _ => return bad(),
        },
        ("route", []) => return bad(),
        ("link", [sub, rest @ ..]) => match (sub.to_ascii_lowercase().as_str(), rest) {
            ("show", []) => Command::Look(Query::Links { node: None }),
            ("show", [node]) => Command::Look(Query::Links {
                node: Some((*node).into()),
            }),
            (dir @ ("up" | "down"), [a, b]) => Command::Act(Action::LinkSet {
                a: (*a).into(),
                b: (*b).into(),
                up: dir == "up",
            }),
            _ => return bad(),
        },
        ("link", []) => return bad(),
        ("throttle", [host, process, rate]) => Command::Act(Action::Throttle {
            host: (*host).into(),
            process: (*process).into(),
            gbps: parse_rate(rate)?,
        }),
        ("throttle", _) => return bad(),
        _ => return Ok(None),
    };
    Ok(Some(command))
}

/// `2g`, `2G`, `2gbps`, `2Gbit`, `500m`, `500mbps` → Gbit/s.
pub(crate) fn parse_rate(text: &str) -> Result<f64, ParseError> {
    let lower = text.to_ascii_lowercase();
    let t = lower
        .trim_end_matches("bps")
        .trim_end_matches("bit/s")
        .trim_end_matches("bit");
    let (num, scale) = if let Some(n) = t.strip_suffix('g') {
        (n, 1.0)
    } else if let Some(n) = t.strip_suffix('m') {
        (n, 0.001)
    } else {
        return Err(err(format!(
            "`{text}` is not a rate; write e.g. 2g (2 Gbit/s) or 500m (500 Mbit/s)"
        )));
    };
    num.parse::<f64>()
        .ok()
        .map(|n| n * scale)
        .filter(|g| g.is_finite() && *g > 0.0 && *g <= 100_000.0)
        .ok_or_else(|| {
            err(format!(
                "`{text}` is not a rate above zero and at most 100000g; write e.g. 2g or 500m"
            ))
        })
}

#[cfg(test)]
mod tests {
    use crate::command::{Action, Command, Query, parse};

    #[test]
    fn network_commands_parse_every_shape() {
        assert_eq!(
            parse("route add rtr-1 dc-west via edge-2 metric 5"),
            Ok(Command::Act(Action::RouteAdd {
                node: "rtr-1".into(),
                dest: "dc-west".into(),
                via: "edge-2".into(),
                metric: 5
            }))
        );
        assert_eq!(
            parse("route show"),
            Ok(Command::Look(Query::Routes { node: None }))
        );
        assert_eq!(
            parse("LINK down a b"),
            Ok(Command::Act(Action::LinkSet {
                a: "a".into(),
                b: "b".into(),
                up: false
            }))
        );
        assert_eq!(
            parse("throttle db-1 rsync 500m"),
            Ok(Command::Act(Action::Throttle {
                host: "db-1".into(),
                process: "rsync".into(),
                gbps: 0.5
            }))
        );
        assert!(parse("route add rtr-1 dc-west edge-2").is_err());
        assert!(
            parse("throttle db-1 rsync 5")
                .unwrap_err()
                .message
                .contains("not a rate")
        );
        assert!(
            parse("link sideways a b")
                .unwrap_err()
                .message
                .starts_with("usage: link")
        );
    }
}
