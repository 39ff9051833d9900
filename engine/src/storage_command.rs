//! The backup and recovery commands' grammar: `backup create|list|verify|schedule`, `restore`
//! and `replica promote`, parsed into queries and actions, with the argument kinds completion
//! offers at each position.

use bevy_ecs::prelude::World;
use scenarios::Dur;

use crate::actions::Applied;
use crate::command::{Action, Arg, Command, ParseError, Query, spec};
use crate::{SimError, storage};

pub const BACKUP_VERBS: &[&str] = &["create", "list", "verify", "schedule"];

pub const BACKUP_DETAIL: &str = "\
backup create <database|host> [to <location>]   take a backup now (of the primary, or of the host named); it takes size / the location's throughput
backup list [<database>]                        the backups: point in time, location, size, verified or not, and how long a restore from each would take
backup verify <backup-id>                       read a backup back and check its checksums (as long as a restore takes); reveals a corrupt backup
backup schedule <database> every <duration> to <location>   take a backup on a schedule (e.g. every 1h)
Locations are same site (fast), other region (slower) or offsite (slowest; tape must be recalled first). A backup is unproven until verified.";

fn err(message: impl Into<String>) -> ParseError {
    ParseError {
        message: message.into(),
        suggestion: None,
    }
}

fn usage(u: &str) -> ParseError {
    err(format!("usage: {u}"))
}

fn keyword(word: &str, want: &str, u: &str) -> Result<(), ParseError> {
    if word.eq_ignore_ascii_case(want) {
        Ok(())
    } else {
        Err(err(format!("expected `{want}`, not `{word}`; usage: {u}")))
    }
}

/// Parses the storage commands; `None` for any other command.
pub fn parse(name: &str, a: &[String]) -> Option<Result<Command, ParseError>> {
    Some(match name {
        "backup" => backup(a),
        "restore" => {
            const U: &str = "restore <database|host> from <backup-id>";
            match a {
                [target, from, id] => keyword(from, "from", U).map(|()| {
                    Command::Act(Action::Restore {
                        target: target.clone(),
                        backup: id.clone(),
                    })
                }),
                _ => Err(usage(U)),
            }
        }
        "replica" => {
            const U: &str = "replica promote <host> | replica add <database> in <zone>";
            match a {
                [verb, db, word, zone] if verb.eq_ignore_ascii_case("add") => {
                    keyword(word, "in", U).map(|()| {
                        Command::Act(Action::ReplicaAdd {
                            service: db.clone(),
                            zone: zone.clone(),
                        })
                    })
                }
                [verb, host] => keyword(verb, "promote", U)
                    .map(|()| Command::Act(Action::ReplicaPromote { host: host.clone() })),
                _ => Err(usage(U)),
            }
        }
        _ => return None,
    })
}

fn backup(a: &[String]) -> Result<Command, ParseError> {
    let Some(verb) = a.first() else {
        return Err(err(format!(
            "usage: backup <{}> ...; `help backup` shows each",
            BACKUP_VERBS.join("|")
        )));
    };
    let rest = &a[1..];
    match verb.to_ascii_lowercase().as_str() {
        "create" => {
            const U: &str = "backup create <database|host> [to <location>]";
            match rest {
                [target] => Ok(Command::Act(Action::BackupCreate {
                    target: target.clone(),
                    location: None,
                })),
                [target, to, loc] => keyword(to, "to", U).map(|()| {
                    Command::Act(Action::BackupCreate {
                        target: target.clone(),
                        location: Some(loc.clone()),
                    })
                }),
                _ => Err(usage(U)),
            }
        }
        "list" => match rest {
            [] => Ok(Command::Look(Query::Backups { target: None })),
            [target] => Ok(Command::Look(Query::Backups {
                target: Some(target.clone()),
            })),
            _ => Err(usage("backup list [<database>]")),
        },
        "verify" => match rest {
            [id] => Ok(Command::Act(Action::BackupVerify { id: id.clone() })),
            _ => Err(usage("backup verify <backup-id>")),
        },
        "schedule" => {
            const U: &str = "backup schedule <database> every <duration> to <location>";
            match rest {
                [target, every, d, to, loc] => {
                    keyword(every, "every", U)?;
                    keyword(to, "to", U)?;
                    let every = Dur::parse(d).map_err(err)?;
                    Ok(Command::Act(Action::BackupSchedule {
                        target: target.clone(),
                        every,
                        location: loc.clone(),
                    }))
                }
                _ => Err(usage(U)),
            }
        }
        other => Err(ParseError {
            message: format!(
                "unknown backup command `{other}`; it is one of {}",
                BACKUP_VERBS.join(", ")
            ),
            suggestion: scenarios::suggest(other, BACKUP_VERBS.iter().copied()),
        }),
    }
}

/// The kind of argument expected after `words` (the command and the arguments already typed),
/// for completion.
pub fn arg_at(words: &[&str]) -> Option<Arg> {
    let (head, args) = words.split_first()?;
    let head = head.to_ascii_lowercase();
    let i = args.len();
    if head == "replica" {
        let verb = args.first().map(|v| v.to_ascii_lowercase());
        return match (verb.as_deref(), i) {
            (_, 0) => Some(Arg::Word(&["promote", "add"])),
            (Some("promote"), 1) => Some(Arg::Host),
            (Some("add"), 1) => Some(Arg::Service),
            (Some("add"), 2) => Some(Arg::Word(&["in"])),
            (Some("add"), 3) => Some(Arg::Node),
            _ => None,
        };
    }
    if head == "backup" {
        let verb = args.first().map(|v| v.to_ascii_lowercase());
        return match (verb.as_deref(), i) {
            (_, 0) => Some(Arg::Word(BACKUP_VERBS)),
            (Some("create" | "list" | "schedule"), 1) => Some(Arg::Service),
            (Some("verify"), 1) => Some(Arg::Backup),
            (Some("create"), 2) => Some(Arg::Word(&["to"])),
            (Some("create"), 3) => Some(Arg::Location),
            (Some("schedule"), 2) => Some(Arg::Word(&["every"])),
            (Some("schedule"), 3) => Some(Arg::Duration),
            (Some("schedule"), 4) => Some(Arg::Word(&["to"])),
            (Some("schedule"), 5) => Some(Arg::Location),
            _ => None,
        };
    }
    spec(&head).and_then(|c| c.args.get(i)).copied()
}

/// Applies a storage action.
pub fn apply(world: &mut World, action: &Action) -> Result<Applied, SimError> {
    match action {
        Action::BackupCreate { target, location } => {
            storage::backup_create(world, target, location.as_deref())
        }
        Action::BackupVerify { id } => storage::backup_verify(world, id),
        Action::BackupSchedule {
            target,
            every,
            location,
        } => storage::backup_schedule(world, target, *every, location),
        Action::Restore { target, backup } => storage::restore(world, target, backup),
        Action::ReplicaPromote { host } => storage::replica_promote(world, host),
        Action::ReplicaAdd { service, zone } => crate::actions::replica_add(world, service, zone),
        _ => Err(SimError::new("not a storage command")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::parse as parse_line;

    #[test]
    fn parses_every_storage_command() {
        assert_eq!(
            parse_line("backup create db to s3-west"),
            Ok(Command::Act(Action::BackupCreate {
                target: "db".into(),
                location: Some("s3-west".into())
            }))
        );
        assert_eq!(
            parse_line("backup list"),
            Ok(Command::Look(Query::Backups { target: None }))
        );
        assert_eq!(
            parse_line("backup schedule db every 1h to nas-1"),
            Ok(Command::Act(Action::BackupSchedule {
                target: "db".into(),
                every: Dur::from_mins(60),
                location: "nas-1".into()
            }))
        );
        assert_eq!(
            parse_line("restore db-1 from 7f3a9c21"),
            Ok(Command::Act(Action::Restore {
                target: "db-1".into(),
                backup: "7f3a9c21".into()
            }))
        );
        assert_eq!(
            parse_line("replica add db in eu-west-1b"),
            Ok(Command::Act(Action::ReplicaAdd {
                service: "db".into(),
                zone: "eu-west-1b".into()
            }))
        );
        assert_eq!(
            parse_line("replica promote db-3"),
            Ok(Command::Act(Action::ReplicaPromote {
                host: "db-3".into()
            }))
        );
    }

    #[test]
    fn explains_storage_mistakes() {
        let e = parse_line("backup verfy x").unwrap_err();
        assert_eq!(e.suggestion.as_deref(), Some("did you mean `verify`?"));
        assert!(
            parse_line("restore db to x")
                .unwrap_err()
                .message
                .contains("expected `from`")
        );
        assert!(parse_line("backup schedule db every 5 to nas").is_err());
        assert_eq!(
            parse_line("replica").unwrap_err().message,
            "usage: replica promote <host> | replica add <database> in <zone>"
        );
    }

    #[test]
    fn completion_follows_the_grammar() {
        assert_eq!(arg_at(&["backup"]), Some(Arg::Word(BACKUP_VERBS)));
        assert_eq!(arg_at(&["backup", "verify"]), Some(Arg::Backup));
        assert_eq!(
            arg_at(&["backup", "create", "db", "to"]),
            Some(Arg::Location)
        );
        assert_eq!(arg_at(&["restore", "db", "from"]), Some(Arg::Backup));
        assert_eq!(arg_at(&["replica", "promote"]), Some(Arg::Host));
        assert_eq!(arg_at(&["replica", "add"]), Some(Arg::Service));
        assert_eq!(arg_at(&["replica", "add", "db", "in"]), Some(Arg::Node));
        assert_eq!(arg_at(&["kill", "db-1"]), Some(Arg::Process));
    }
}
