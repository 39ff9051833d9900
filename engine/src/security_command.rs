//! Parsing the security commands (`firewall`, `cert`, `patch`, `escalate`), whose words do not
//! fit the one-shape-per-command table: subcommands, an `on` keyword, options and free text.

use scenarios::TEAMS;

use crate::command::{Action, Command, CommandSpec, ParseError, Query, words};

const FIREWALL_FORMS: &str = "firewall list [host|service|zone], firewall allow|deny <source> <port> on <target>, firewall remove <n>";
const CERT_FORMS: &str = "cert show [service], cert renew <service|host>";

fn err(message: impl Into<String>) -> ParseError {
    ParseError {
        message: message.into(),
        suggestion: None,
    }
}

fn word_error(got: &str, expected: &[&str], forms: &str) -> ParseError {
    ParseError {
        message: format!("unknown form `{got}`; forms: {forms}"),
        suggestion: scenarios::suggest(got, expected.iter().copied()),
    }
}

fn port(text: &str) -> Result<u16, ParseError> {
    text.parse::<u16>().ok().filter(|p| *p > 0).ok_or_else(|| {
        err(format!(
            "`{text}` is not a port; write a number from 1 to 65535"
        ))
    })
}

/// Parses a security command; `Ok(None)` if `name` is not one.
pub fn parse(name: &str, rest: &str, spec: &CommandSpec) -> Result<Option<Command>, ParseError> {
    let command = match name {
        "firewall" => firewall(&words(rest)?)?,
        "cert" => cert(&words(rest)?)?,
        "patch" => patch(&words(rest)?, spec)?,
        "escalate" => escalate(rest, spec)?,
        _ => return Ok(None),
    };
    Ok(Some(command))
}

fn firewall(args: &[String]) -> Result<Command, ParseError> {
    let usage = || err(format!("usage: {FIREWALL_FORMS}"));
    let Some(form) = args.first() else {
        return Err(usage());
    };
    Ok(match form.to_ascii_lowercase().as_str() {
        "list" | "ls" | "show" => match args.len() {
            1 => Command::Look(Query::Firewall { target: None }),
            2 => Command::Look(Query::Firewall {
                target: Some(args[1].clone()),
            }),
            _ => return Err(usage()),
        },
        verb @ ("allow" | "deny") => {
            if args.len() != 5 || !args[3].eq_ignore_ascii_case("on") {
                return Err(err(format!(
                    "usage: firewall {verb} <source> <port> on <target>, e.g. firewall {verb} internet 5432 on db-1"
                )));
            }
            Command::Act(Action::FirewallRule {
                allow: verb == "allow",
                from: args[1].clone(),
                port: port(&args[2])?,
                on: args[4].clone(),
            })
        }
        "remove" | "delete" | "rm" => {
            if args.len() != 2 {
                return Err(err(
                    "usage: firewall remove <n> (`firewall list` numbers the rules)",
                ));
            }
            let number = args[1]
                .trim_start_matches('#')
                .parse::<usize>()
                .map_err(|_| err(format!("`{}` is not a rule number", args[1])))?;
            Command::Act(Action::FirewallRemove { number })
        }
        other => {
            return Err(word_error(
                other,
                &["list", "allow", "deny", "remove"],
                FIREWALL_FORMS,
            ));
        }
    })
}

fn cert(args: &[String]) -> Result<Command, ParseError> {
    let usage = || err(format!("usage: {CERT_FORMS}"));
    let Some(form) = args.first() else {
        return Err(usage());
    };
    Ok(match (form.to_ascii_lowercase().as_str(), args.len()) {
        ("show" | "list" | "ls", 1) => Command::Look(Query::Certs { target: None }),
        ("show" | "list" | "ls", 2) => Command::Look(Query::Certs {
            target: Some(args[1].clone()),
        }),
        ("renew", 2) => Command::Act(Action::CertRenew {
            target: args[1].clone(),
        }),
        ("renew", _) => return Err(err("usage: cert renew <service|host>")),
        ("show" | "list" | "ls", _) => return Err(usage()),
        (other, _) => return Err(word_error(other, &["show", "renew"], CERT_FORMS)),
    })
}

fn patch(args: &[String], spec: &CommandSpec) -> Result<Command, ParseError> {
    let mut positional = Vec::new();
    let mut batch = 1;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let value = if a == "--batch" {
            Some(
                it.next()
                    .ok_or_else(|| err("`--batch` needs a number, e.g. --batch 2"))?
                    .as_str(),
            )
        } else {
            a.strip_prefix("--batch=")
        };
        if let Some(v) = value {
            batch = v
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=1_000).contains(n))
                .ok_or_else(|| err(format!("`{v}` is not a batch size from 1 to 1000")))?;
        } else if a.starts_with("--") {
            return Err(err(format!("unknown option `{a}`; usage: {}", spec.usage)));
        } else {
            positional.push(a.clone());
        }
    }
    let [service, version] = positional.as_slice() else {
        return Err(err(format!("usage: {}", spec.usage)));
    };
    Ok(Command::Act(Action::Patch {
        service: service.clone(),
        version: version.clone(),
        batch,
    }))
}

fn escalate(rest: &str, spec: &CommandSpec) -> Result<Command, ParseError> {
    let rest = rest.trim();
    let (team, text) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let text = text.trim().trim_matches('"').trim();
    if team.is_empty() || text.is_empty() {
        return Err(err(format!("usage: {}", spec.usage)));
    }
    let team = team.to_ascii_lowercase();
    if !TEAMS.contains(&team.as_str()) {
        return Err(ParseError {
            message: format!(
                "no team `{team}` to escalate to; teams: {}",
                TEAMS.join(", ")
            ),
            suggestion: scenarios::suggest(&team, TEAMS.iter().copied()),
        });
    }
    Ok(Command::Escalate {
        team,
        text: text.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use crate::command::{Action, Command, Query, parse};

    #[test]
    fn security_commands_parse() {
        assert_eq!(
            parse("firewall deny internet 5432 on db-1"),
            Ok(Command::Act(Action::FirewallRule {
                allow: false,
                from: "internet".into(),
                port: 5432,
                on: "db-1".into()
            }))
        );
        assert_eq!(
            parse("firewall list db"),
            Ok(Command::Look(Query::Firewall {
                target: Some("db".into())
            }))
        );
        assert_eq!(
            parse("firewall remove 3"),
            Ok(Command::Act(Action::FirewallRemove { number: 3 }))
        );
        assert_eq!(
            parse("patch app 3.21.5 --batch 2"),
            Ok(Command::Act(Action::Patch {
                service: "app".into(),
                version: "3.21.5".into(),
                batch: 2
            }))
        );
        assert_eq!(
            parse("cert renew lb"),
            Ok(Command::Act(Action::CertRenew {
                target: "lb".into()
            }))
        );
        assert_eq!(
            parse("escalate security \"db-1 port 5432 was open\""),
            Ok(Command::Escalate {
                team: "security".into(),
                text: "db-1 port 5432 was open".into()
            })
        );
    }

    #[test]
    fn security_commands_explain_mistakes() {
        assert!(
            parse("firewall deny any 5432 db-1")
                .unwrap_err()
                .message
                .contains("on <target>")
        );
        assert!(
            parse("firewall allow any 70000 on db-1")
                .unwrap_err()
                .message
                .contains("not a port")
        );
        assert_eq!(
            parse("firewall lst").unwrap_err().suggestion.as_deref(),
            Some("did you mean `list`?")
        );
        assert!(
            parse("escalate secrity \"x\"")
                .unwrap_err()
                .suggestion
                .unwrap()
                .contains("security")
        );
        assert!(parse("patch app").is_err());
        assert!(parse("patch app 1.2 --batch 0").is_err());
        assert!(parse("cert renew").is_err());
    }
}
