//! REPL help, generated from the engine's command table plus the REPL's own commands.

use engine::{COMMANDS, spec};

/// Commands handled by the REPL itself rather than the simulation.
pub const REPL_COMMANDS: &[(&str, &str)] = &[
    (
        "help [command]",
        "this list, or details of one command (also `?`)",
    ),
    (
        "quit",
        "leave (asks first if the incident is not resolved; also `exit`)",
    ),
];

/// The REPL's design commands: they read a file, so the REPL runs them, turning them into the
/// engine commands that are journalled.
pub const DESIGN_COMMANDS: &[(&str, &str, &str)] = &[
    (
        "plan <file.ron>",
        "show what `apply` would change to make the estate match a desired state",
        "The file is a desired estate in RON:\n\n  Estate(\n      instances: {\"web\": {\"eu-west-1a\": 2, \"eu-west-1b\": 2}, \"db\": {\"eu-west-1a\": 1, \"eu-west-1b\": 1}},\n      auto_failover: [\"db\"],\n      commands: [\"backup schedule db-1 every 1h to offsite\"],\n  )\n\n`instances` gives each listed service's instances per zone (a zone left out gets none; a service left out keeps what it has). `auto_failover` lists the databases that promote a replica by themselves (the others have it off). `commands` are run as they are on every apply. The plan lists each change with the command that makes it, and the monthly cost now and planned against the budget. Nothing changes until `apply`.",
    ),
    (
        "apply <file.ron>",
        "make the estate match a desired state: runs the commands `plan` shows",
        "Shows the plan, then runs its commands one by one, each taking the time and journalled as if typed (so a replay never needs the file). A command the estate refuses is reported and the rest still run. See `help plan` for the file's format.",
    ),
];

pub fn overview() -> String {
    let width = COMMANDS
        .iter()
        .map(|c| c.usage.len())
        .chain(REPL_COMMANDS.iter().map(|c| c.0.len()))
        .chain(DESIGN_COMMANDS.iter().map(|c| c.0.len()))
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for (title, names) in [
        (
            "Look",
            &[
                "status", "top", "alerts", "describe", "metrics", "logs", "ping", "capacity",
            ][..],
        ),
        (
            "Act",
            &[
                "restart",
                "reboot",
                "kill",
                "scale",
                "drain",
                "undrain",
                "rollback",
                "extend-volume",
                "failover",
                "order",
                "reserve",
            ][..],
        ),
        (
            "Cloud",
            &[
                "cost",
                "asg",
                "dns",
                "provision",
                "replicate",
                "verify",
                "promote",
                "decommission",
            ][..],
        ),
        ("Network", &["traceroute", "route", "link", "throttle"][..]),
        ("Backup and recovery", &["backup", "restore", "replica"][..]),
        ("Security", &["firewall", "cert", "patch", "escalate"][..]),
        (
            "Virtualization",
            &["hv", "migrate", "maintenance", "shutdown"][..],
        ),
        ("Time and people", &["wait", "note", "hint", "resolve"][..]),
        ("Monitoring", &["alert"][..]),
        ("Design", &["auto-failover", "submit"][..]),
    ] {
        out.push_str(&format!("{title}:\n"));
        for name in names {
            let c = spec(name).expect("listed commands exist");
            out.push_str(&format!("  {:width$}  {}\n", c.usage, c.summary));
        }
        if title == "Design" {
            for (usage, summary, _) in DESIGN_COMMANDS {
                out.push_str(&format!("  {usage:width$}  {summary}\n"));
            }
        }
    }
    out.push_str("Session:\n");
    for (usage, summary) in REPL_COMMANDS {
        out.push_str(&format!("  {usage:width$}  {summary}\n"));
    }
    out.push_str("Looking costs about 20 s of simulated time, acting 30 s, a status note 1 min.\n");
    out
}

pub fn command(name: &str) -> String {
    if let Some(c) = spec(name) {
        return format!("usage: {}\n{}\n{}\n", c.usage, c.summary, c.detail);
    }
    if let Some((usage, summary, detail)) = DESIGN_COMMANDS
        .iter()
        .find(|(u, ..)| u.split(' ').next() == Some(name))
    {
        return format!("usage: {usage}\n{summary}\n{detail}\n");
    }
    if let Some((usage, summary)) = REPL_COMMANDS
        .iter()
        .find(|(u, _)| u.split(' ').next() == Some(name))
    {
        return format!("usage: {usage}\n{summary}\n");
    }
    let names = COMMANDS
        .iter()
        .map(|c| c.name)
        .chain(["help", "quit", "plan", "apply"]);
    match scenarios::suggest(name, names) {
        Some(s) => format!("error: no command `{name}`; {s}\n"),
        None => format!("error: no command `{name}`; type `help` for the list\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overview_lists_every_simulation_command() {
        let text = overview();
        for c in COMMANDS {
            assert!(text.contains(c.usage), "help is missing {}", c.name);
        }
    }
}
