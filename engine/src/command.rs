//! The command language the candidate types, shared by the REPL, journals and reference
//! solutions: one table of commands (from which help and completion are generated) and a parser.

use std::fmt;

use scenarios::{Dur, Metric};

/// What to look at.
#[derive(Clone, Debug, PartialEq)]
pub enum Query {
    Status,
    Top,
    Alerts,
    Describe {
        target: String,
    },
    Metrics {
        target: String,
        metric: Metric,
        last: Dur,
    },
    Logs {
        target: String,
        last: Dur,
    },
    Ping {
        from: String,
        to: String,
    },
    Capacity,
}

/// What to change.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    Restart {
        host: String,
    },
    Reboot {
        host: String,
    },
    Kill {
        host: String,
        process: String,
    },
    /// `zone`: where new instances go; the first instance's zone if not given.
    Scale {
        service: String,
        count: u32,
        zone: Option<String>,
    },
    Drain {
        host: String,
    },
    Undrain {
        host: String,
    },
    Rollback {
        service: String,
    },
    ExtendVolume {
        host: String,
        gb: f64,
    },
    Failover {
        service: String,
    },
    Order {
        host_type: String,
        count: u32,
        service: String,
    },
    Reserve {
        host_type: String,
        count: u32,
    },
    Decommission {
        host: String,
    },
}

/// One parsed command line.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    Look(Query),
    Act(Action),
    Wait(Dur),
    Note(String),
    Hint,
    Resolve,
    /// Add or delete an alert rule.
    Alert(crate::monitoring::AlertEdit),
}

/// What kind of thing an argument names, for completion and help.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arg {
    Host,
    Service,
    Target,
    Metric,
    Process,
    Duration,
    Count,
    Size,
    Text,
    /// `alert`'s subcommand and rule.
    Alert,
    HostType,
    /// A fixed word, e.g. the `for` of `order`.
    Keyword(&'static str),
}

/// One command of the table.
#[derive(Clone, Copy, Debug)]
pub struct CommandSpec {
    pub name: &'static str,
    pub args: &'static [Arg],
    pub usage: &'static str,
    pub summary: &'static str,
    /// A longer explanation for `help <command>`.
    pub detail: &'static str,
}

const LAST_DEFAULT: Dur = Dur(30 * 60_000);

/// Every simulation command, in the order `help` lists them.
pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "status",
        args: &[],
        usage: "status",
        summary: "the service as users see it, and each tier",
        detail: "Shows time, request rate, success rate, p99 latency against the SLO, error budget burned so far, each service's instances and health, and how many alerts are firing.",
    },
    CommandSpec {
        name: "top",
        args: &[],
        usage: "top",
        summary: "every host: state, CPU, memory, disk, traffic, errors",
        detail: "One line per host, busiest CPU first.",
    },
    CommandSpec {
        name: "alerts",
        args: &[],
        usage: "alerts",
        summary: "alert rules and which are firing",
        detail: "Lists each configured rule, its threshold, and whether it is firing, pending or OK.",
    },
    CommandSpec {
        name: "describe",
        args: &[Arg::Target],
        usage: "describe <host|service|zone>",
        summary: "details of a host, service or zone",
        detail: "For a host: hardware, state, processes, disk, memory, its service instance. For a service: version, instances, calls, pool. For a zone: its hosts and links.",
    },
    CommandSpec {
        name: "metrics",
        args: &[Arg::Target, Arg::Metric],
        usage: "metrics <host|service> <metric> [--last 30m]",
        summary: "a metric's history as a sparkline",
        detail: "Metrics: cpu, memory, disk, rps, errors, p99, connections. --last takes a duration (default 30m); recent history is kept at 10 s resolution, older history in 5 min and 1 h buckets.",
    },
    CommandSpec {
        name: "logs",
        args: &[Arg::Target],
        usage: "logs <host|service> [--last 30m]",
        summary: "recent log lines of a host or service",
        detail: "Shows log lines from the host (or every host of the service) over the last --last duration (default 30m).",
    },
    CommandSpec {
        name: "ping",
        args: &[Arg::Host, Arg::Host],
        usage: "ping <host> <host>",
        summary: "reachability, round trip and loss between two hosts",
        detail: "Follows the network path between the two hosts' zones and reports the route, round-trip time and packet loss.",
    },
    CommandSpec {
        name: "restart",
        args: &[Arg::Host],
        usage: "restart <host>",
        summary: "restart the service process on a host",
        detail: "The instance stops serving until it has started again (the service's start time). Restarting the only serving instance of a service takes the service down meanwhile.",
    },
    CommandSpec {
        name: "reboot",
        args: &[Arg::Host],
        usage: "reboot <host>",
        summary: "power-cycle a host",
        detail: "The host is down for its boot time, then its service starts. The way to bring back a crashed host.",
    },
    CommandSpec {
        name: "kill",
        args: &[Arg::Host, Arg::Process],
        usage: "kill <host> <process>",
        summary: "kill a process on a host",
        detail: "Ends a process shown by `describe <host>`. Killing a runaway process stops what it was doing; killing the service's own process stops the service (it stays stopped until restarted).",
    },
    CommandSpec {
        name: "scale",
        args: &[Arg::Service, Arg::Count],
        usage: "scale <service> <count> [in <zone>]",
        summary: "add or remove instances of a service",
        detail: "New instances need a host provisioned (the service's provisioning time) and then start; `in <zone>` places them in that zone (spreading a tier over zones), otherwise they join the first instance's zone. A database's new instances are replicas. Removing instances takes capacity away at once.",
    },
    CommandSpec {
        name: "drain",
        args: &[Arg::Host],
        usage: "drain <host>",
        summary: "take a host out of its load balancer's pool",
        detail: "The load balancer stops sending it new requests. `undrain` puts it back.",
    },
    CommandSpec {
        name: "undrain",
        args: &[Arg::Host],
        usage: "undrain <host>",
        summary: "put a drained host back in its pool",
        detail: "The host rejoins its load balancer's pool once it passes health checks.",
    },
    CommandSpec {
        name: "rollback",
        args: &[Arg::Service],
        usage: "rollback <service>",
        summary: "roll a service back to its previous version",
        detail: "Instances restart into the previous version one at a time, each out of service for the start time.",
    },
    CommandSpec {
        name: "extend-volume",
        args: &[Arg::Host, Arg::Size],
        usage: "extend-volume <host> +<GB>G",
        summary: "grow a host's data volume",
        detail: "Adds space online; the volume and filesystem are resized about a minute later.",
    },
    CommandSpec {
        name: "failover",
        args: &[Arg::Service],
        usage: "failover <database>",
        summary: "promote a database replica to primary",
        detail: "Promotion takes about 30 s. Replication is asynchronous: writes the replica had not yet received are lost.",
    },
    CommandSpec {
        name: "wait",
        args: &[Arg::Duration],
        usage: "wait <duration>",
        summary: "let simulated time pass (e.g. wait 5m)",
        detail: "Alerts and completed operations are shown as they happen. Ctrl-C does not interrupt the simulation: a wait always completes.",
    },
    CommandSpec {
        name: "note",
        args: &[Arg::Text],
        usage: "note \"<status update>\"",
        summary: "post a status update to stakeholders",
        detail: "Updates are graded for cadence and for naming the root cause.",
    },
    CommandSpec {
        name: "hint",
        args: &[],
        usage: "hint",
        summary: "get the next hint (practice mode; costs points)",
        detail: "Each hint lowers the total score by its cost.",
    },
    CommandSpec {
        name: "resolve",
        args: &[],
        usage: "resolve",
        summary: "declare the incident resolved and get your scorecard",
        detail: "The rest of the scenario's time then plays out without you, so an unfixed cause still counts against you.",
    },
    CommandSpec {
        name: "alert",
        args: &[Arg::Alert],
        usage: "alert add \"<rule>\" on <target> | list | del <name>",
        summary: "write, list or delete alert rules",
        detail: "alert add \"<metric> > <threshold> for <duration>\" on <host|service> [as NAME] adds a rule (`<` works too); the metric is one of cpu, memory, disk, rps, errors, p99, connections, or burn(<window>) for the SLO error-budget burn rate over a window (1 means the budget lasts exactly the SLO window; 14.4 over 1h spends 2% of a 30-day budget in that hour). Examples: alert add \"p99 > 300ms for 5m\" on lb; alert add \"burn(1h) > 14.4 for 2m\" on lb as FastBurn. The rule is evaluated like the scenario's own, pages when the condition has held for the duration, and is refused if it could never fire. Writing a rule takes about a minute. alert list (or `alerts`) shows every rule; alert del NAME removes one, the scenario's included.",
    },
    CommandSpec {
        name: "capacity",
        args: &[],
        usage: "capacity",
        summary: "planned services' capacity, orders, reservations, spend",
        detail: "For each planned service: hosts serving and on order, capacity in req/s at full utilisation, demand and utilisation now, and the busiest it has been. Then the host types that can be ordered (lead time, price, hourly cost, reserved rate), orders in flight with their arrival, reservations in force, and money spent so far against the budget.",
    },
    CommandSpec {
        name: "order",
        args: &[Arg::HostType, Arg::Count, Arg::Keyword("for"), Arg::Service],
        usage: "order <host-type> <count> for <service>",
        summary: "buy or launch hosts that join a service when they arrive",
        detail: "On-prem hardware is paid for when ordered and arrives after its lead time (weeks), then boots and joins the service. A cloud type launches within its lead time and is billed by the hour on demand, unless a reservation of that type covers it.",
    },
    CommandSpec {
        name: "reserve",
        args: &[Arg::HostType, Arg::Count],
        usage: "reserve <host-type> <count>",
        summary: "commit to reserved cloud capacity at a discount",
        detail: "Pays the type's reserved hourly rate for <count> hosts for its whole term, whether or not that many run. Running hosts of the type are billed against reservations first, the rest on demand.",
    },
    CommandSpec {
        name: "decommission",
        args: &[Arg::Host],
        usage: "decommission <host>",
        summary: "retire a host: out of its service, no longer billed",
        detail: "The host leaves its service at once and stops costing money to run; hardware already bought stays paid for. Refused for a database primary or a service's last instance.",
    },
];

/// Why a line is not a command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub suggestion: Option<String>,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(s) = &self.suggestion {
            write!(f, " ({s})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ParseError {}

fn err(message: impl Into<String>) -> ParseError {
    ParseError {
        message: message.into(),
        suggestion: None,
    }
}

pub fn spec(name: &str) -> Option<&'static CommandSpec> {
    COMMANDS.iter().find(|c| c.name == name)
}

/// Splits a line into words; double quotes group words.
pub fn words(line: &str) -> Result<Vec<String>, ParseError> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            c if c.is_whitespace() && !quoted => {
                if any {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            c => {
                cur.push(c);
                any = true;
            }
        }
    }
    if quoted {
        return Err(err("unterminated quote: close it with \""));
    }
    if any {
        out.push(cur);
    }
    Ok(out)
}

/// Parses one command line.
pub fn parse(line: &str) -> Result<Command, ParseError> {
    let line = line.trim();
    let (head, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
    let name = head.to_ascii_lowercase();
    let Some(spec) = spec(&name) else {
        return Err(ParseError {
            message: format!("unknown command `{head}`; type `help` for the list"),
            suggestion: scenarios::suggest(&name, COMMANDS.iter().map(|c| c.name)),
        });
    };
    if name == "note" {
        let text = rest.trim().trim_matches('"').trim();
        if text.is_empty() {
            return Err(usage(spec));
        }
        return Ok(Command::Note(text.to_owned()));
    }
    let args = words(rest)?;
    if name == "alert" {
        return crate::monitoring::parse(&args);
    }
    let (positional, last) =
        split_last(&args).map_err(|m| err(format!("{m}; usage: {}", spec.usage)))?;
    if last.is_some() && !matches!(name.as_str(), "metrics" | "logs") {
        return Err(err(format!(
            "`--last` only goes with metrics and logs; usage: {}",
            spec.usage
        )));
    }
    // `scale <service> <count> in <zone>`: the one command with an optional trailing clause.
    let (positional, zone) = match positional.as_slice() {
        [service, count, word, zone] if name == "scale" && word.eq_ignore_ascii_case("in") => {
            (vec![service.clone(), count.clone()], Some(zone.clone()))
        }
        _ => (positional, None),
    };
    if positional.len() != spec.args.len() {
        return Err(usage(spec));
    }
    let a = |i: usize| positional[i].clone();
    let last = last.unwrap_or(LAST_DEFAULT);
    Ok(match name.as_str() {
        "status" => Command::Look(Query::Status),
        "top" => Command::Look(Query::Top),
        "alerts" => Command::Look(Query::Alerts),
        "describe" => Command::Look(Query::Describe { target: a(0) }),
        "metrics" => {
            let metric = Metric::from_label(&positional[1]).ok_or_else(|| ParseError {
                message: format!(
                    "unknown metric `{}`; metrics are {}",
                    positional[1],
                    metric_names()
                ),
                suggestion: scenarios::suggest(
                    &positional[1],
                    Metric::ALL.iter().map(|m| m.label()),
                ),
            })?;
            Command::Look(Query::Metrics {
                target: a(0),
                metric,
                last,
            })
        }
        "logs" => Command::Look(Query::Logs { target: a(0), last }),
        "ping" => Command::Look(Query::Ping {
            from: a(0),
            to: a(1),
        }),
        "restart" => Command::Act(Action::Restart { host: a(0) }),
        "reboot" => Command::Act(Action::Reboot { host: a(0) }),
        "kill" => Command::Act(Action::Kill {
            host: a(0),
            process: a(1),
        }),
        "scale" => {
            let count = positional[1]
                .parse::<u32>()
                .ok()
                .filter(|n| *n <= 1_000)
                .ok_or_else(|| {
                    err(format!(
                        "`{}` is not an instance count from 0 to 1000",
                        positional[1]
                    ))
                })?;
            Command::Act(Action::Scale {
                service: a(0),
                count,
                zone,
            })
        }
        "drain" => Command::Act(Action::Drain { host: a(0) }),
        "undrain" => Command::Act(Action::Undrain { host: a(0) }),
        "rollback" => Command::Act(Action::Rollback { service: a(0) }),
        "extend-volume" => Command::Act(Action::ExtendVolume {
            host: a(0),
            gb: parse_size(&positional[1])?,
        }),
        "failover" => Command::Act(Action::Failover { service: a(0) }),
        "wait" => {
            let d = Dur::parse(&positional[0]).map_err(err)?;
            if d.ms() == 0 {
                return Err(err("wait needs a duration above zero, e.g. `wait 5m`"));
            }
            Command::Wait(d)
        }
        "hint" => Command::Hint,
        "resolve" => Command::Resolve,
        "capacity" => Command::Look(Query::Capacity),
        "order" => {
            if !positional[2].eq_ignore_ascii_case("for") {
                return Err(usage(spec));
            }
            Command::Act(Action::Order {
                host_type: a(0),
                count: host_count(&positional[1])?,
                service: a(3),
            })
        }
        "reserve" => Command::Act(Action::Reserve {
            host_type: a(0),
            count: host_count(&positional[1])?,
        }),
        "decommission" => Command::Act(Action::Decommission { host: a(0) }),
        _ => return Err(usage(spec)),
    })
}

/// "cpu, memory, disk, …": every metric's name, for messages.
pub(crate) fn metric_names() -> String {
    Metric::ALL
        .iter()
        .map(|m| m.label())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A number of hosts to order or reserve: 1 to 1000.
fn host_count(text: &str) -> Result<u32, ParseError> {
    text.parse::<u32>()
        .ok()
        .filter(|n| (1..=1_000).contains(n))
        .ok_or_else(|| err(format!("`{text}` is not a number of hosts from 1 to 1000")))
}

fn usage(spec: &CommandSpec) -> ParseError {
    err(format!("usage: {}", spec.usage))
}

fn split_last(args: &[String]) -> Result<(Vec<String>, Option<Dur>), String> {
    let mut positional = Vec::new();
    let mut last = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--last" {
            let v = it
                .next()
                .ok_or("`--last` needs a duration, e.g. --last 30m")?;
            last = Some(Dur::parse(v)?);
        } else if let Some(v) = a.strip_prefix("--last=") {
            last = Some(Dur::parse(v)?);
        } else if a.starts_with("--") {
            return Err(format!("unknown option `{a}`"));
        } else {
            positional.push(a.clone());
        }
    }
    if last.is_some_and(|d| d.ms() == 0) {
        return Err("`--last` needs a duration above zero".into());
    }
    Ok((positional, last))
}

/// `+100G`, `100G`, `100GB`, `1T`, `100` (GB) → gigabytes.
fn parse_size(text: &str) -> Result<f64, ParseError> {
    let t = text.trim_start_matches('+').to_ascii_uppercase();
    let t = t.trim_end_matches('B');
    let (num, scale) = match t.strip_suffix('T') {
        Some(n) => (n, 1_024.0),
        None => (t.strip_suffix('G').unwrap_or(t), 1.0),
    };
    num.parse::<f64>()
        .ok()
        .map(|n| n * scale)
        .filter(|gb| gb.is_finite() && *gb > 0.0)
        .ok_or_else(|| err(format!("`{text}` is not a size; write e.g. +100G or +1T")))
        .and_then(|gb| {
            // The largest cloud block volumes are 64 TiB (e.g. EBS io2 Block Express).
            if gb > 65_536.0 {
                Err(err(format!(
                    "`{text}` is more than a volume can grow by: at most +64T"
                )))
            } else {
                Ok(gb)
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_reads_every_shape_of_command() {
        assert_eq!(parse("status"), Ok(Command::Look(Query::Status)));
        assert_eq!(
            parse("metrics db-1 disk --last 2h"),
            Ok(Command::Look(Query::Metrics {
                target: "db-1".into(),
                metric: Metric::Disk,
                last: Dur::from_mins(120)
            }))
        );
        assert_eq!(
            parse("extend-volume db-1 +100G"),
            Ok(Command::Act(Action::ExtendVolume {
                host: "db-1".into(),
                gb: 100.0
            }))
        );
        assert_eq!(
            parse("note \"disk full on db-1\""),
            Ok(Command::Note("disk full on db-1".into()))
        );
        assert_eq!(parse("  WAIT 5m "), Ok(Command::Wait(Dur::from_mins(5))));
    }

    #[test]
    fn parse_explains_mistakes() {
        let e = parse("restrat db-1").unwrap_err();
        assert_eq!(e.suggestion.as_deref(), Some("did you mean `restart`?"));
        assert_eq!(
            parse("restart").unwrap_err().message,
            "usage: restart <host>"
        );
        assert!(
            parse("wait 5")
                .unwrap_err()
                .message
                .contains("needs a unit")
        );
        assert!(
            parse("metrics db-1 dsk")
                .unwrap_err()
                .suggestion
                .unwrap()
                .contains("disk")
        );
        assert!(parse("scale app -1").is_err());
        assert!(parse("note \"unterminated").is_ok());
        assert!(
            parse("describe \"db-1")
                .unwrap_err()
                .message
                .contains("unterminated")
        );
    }

    #[test]
    fn parse_reads_capacity_commands() {
        assert_eq!(parse("capacity"), Ok(Command::Look(Query::Capacity)));
        assert_eq!(
            parse("order r6625 12 for app"),
            Ok(Command::Act(Action::Order {
                host_type: "r6625".into(),
                count: 12,
                service: "app".into()
            }))
        );
        assert_eq!(
            parse("reserve c7.4xl 11"),
            Ok(Command::Act(Action::Reserve {
                host_type: "c7.4xl".into(),
                count: 11
            }))
        );
        assert_eq!(
            parse("decommission app-3"),
            Ok(Command::Act(Action::Decommission {
                host: "app-3".into()
            }))
        );
        assert_eq!(
            parse("order r6625 12 to app").unwrap_err().message,
            "usage: order <host-type> <count> for <service>"
        );
        assert!(
            parse("order r6625 0 for app")
                .unwrap_err()
                .message
                .contains("from 1 to 1000")
        );
        assert_eq!(
            parse("wait 2w"),
            Ok(Command::Wait(Dur::from_mins(14 * 1_440)))
        );
    }
}
