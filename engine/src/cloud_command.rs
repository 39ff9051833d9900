//! Parsing the cloud's subcommands: `asg show|set|policy` and `dns show|set`.

use scenarios::Dur;

use crate::command::{Action, Command, CommandSpec, ParseError, Query, err, usage};

pub fn parse(name: &str, args: &[String], spec: &CommandSpec) -> Result<Command, ParseError> {
    let sub = args.first().map(|s| s.to_ascii_lowercase());
    match (name, sub.as_deref()) {
        ("asg", Some("show")) if args.len() == 1 => Ok(Command::Look(Query::Groups)),
        ("dns", Some("show")) if args.len() == 1 => Ok(Command::Look(Query::Dns)),
        ("asg", Some("set")) => {
            let (group, pairs) = named(args, spec)?;
            let (mut min, mut max) = (None, None);
            for (k, v) in pairs {
                match k.as_str() {
                    "min" => min = Some(count(&v)?),
                    "max" => max = Some(count(&v)?),
                    _ => return Err(unknown(&k, &["min", "max"], spec)),
                }
            }
            if min.is_none() && max.is_none() {
                return Err(err("say what to set: `asg set <group> min <n> max <n>`"));
            }
            Ok(Command::Act(Action::GroupSet { group, min, max }))
        }
        ("asg", Some("policy")) => {
            let (group, pairs) = named(args, spec)?;
            let (mut target_cpu, mut cooldown, mut warmup) = (None, None, None);
            for (k, v) in pairs {
                match k.as_str() {
                    "target-cpu" => {
                        let p = v.trim_end_matches('%').parse::<f64>().ok();
                        target_cpu = Some(p.filter(|p| p.is_finite()).ok_or_else(|| {
                            err(format!("`{v}` is not a percentage, e.g. target-cpu 50"))
                        })?);
                    }
                    "cooldown" => cooldown = Some(Dur::parse(&v).map_err(err)?),
                    "warmup" => warmup = Some(Dur::parse(&v).map_err(err)?),
                    _ => return Err(unknown(&k, &["target-cpu", "cooldown", "warmup"], spec)),
                }
            }
            if target_cpu.is_none() && cooldown.is_none() && warmup.is_none() {
                return Err(err(
                    "say what to change: `asg policy <group> target-cpu <percent>`",
                ));
            }
            Ok(Command::Act(Action::GroupPolicy {
                group,
                target_cpu,
                cooldown,
                warmup,
            }))
        }
        ("dns", Some("set")) => {
            let (name, target, ttl) = match args {
                [_, n, t] => (n, t, None),
                [_, n, t, k, d] if k.eq_ignore_ascii_case("ttl") => {
                    (n, t, Some(Dur::parse(d).map_err(err)?))
                }
                _ => return Err(usage(spec)),
            };
            Ok(Command::Act(Action::DnsSet {
                name: name.clone(),
                target: target.clone(),
                ttl,
            }))
        }
        (_, Some(other)) if !matches!(other, "show" | "set" | "policy") => {
            let subs: &[&str] = if name == "asg" {
                &["show", "set", "policy"]
            } else {
                &["show", "set"]
            };
            Err(unknown(other, subs, spec))
        }
        _ => Err(usage(spec)),
    }
}

/// `<sub> <name> <key> <value> ...` → the name and the key-value pairs.
fn named(
    args: &[String],
    spec: &CommandSpec,
) -> Result<(String, Vec<(String, String)>), ParseError> {
    let Some(name) = args.get(1) else {
        return Err(usage(spec));
    };
    let rest = &args[2..];
    if rest.is_empty() || !rest.len().is_multiple_of(2) {
        return Err(usage(spec));
    }
    let pairs = rest
        .chunks(2)
        .map(|p| (p[0].to_ascii_lowercase(), p[1].clone()))
        .collect();
    Ok((name.clone(), pairs))
}

fn count(v: &str) -> Result<u32, ParseError> {
    v.parse::<u32>()
        .ok()
        .filter(|n| *n <= 1_000)
        .ok_or_else(|| err(format!("`{v}` is not an instance count from 0 to 1000")))
}

fn unknown(word: &str, known: &[&str], spec: &CommandSpec) -> ParseError {
    ParseError {
        message: format!(
            "`{word}` is not one of {}; usage: {}",
            known.join(", "),
            spec.usage
        ),
        suggestion: scenarios::suggest(word, known.iter().copied()),
    }
}

#[cfg(test)]
mod tests {
    use crate::command::{Action, Command, Query, parse};
    use scenarios::Dur;

    #[test]
    fn cloud_subcommands_parse() {
        assert_eq!(parse("asg show"), Ok(Command::Look(Query::Groups)));
        assert_eq!(
            parse("asg set web min 8 max 20"),
            Ok(Command::Act(Action::GroupSet {
                group: "web".into(),
                min: Some(8),
                max: Some(20)
            }))
        );
        assert_eq!(
            parse("asg policy web target-cpu 50 cooldown 60s"),
            Ok(Command::Act(Action::GroupPolicy {
                group: "web".into(),
                target_cpu: Some(50.0),
                cooldown: Some(Dur::from_secs(60)),
                warmup: None
            }))
        );
        assert_eq!(
            parse("dns set www lb-cloud ttl 60s"),
            Ok(Command::Act(Action::DnsSet {
                name: "www".into(),
                target: "lb-cloud".into(),
                ttl: Some(Dur::from_secs(60))
            }))
        );
        assert!(parse("asg set web").is_err());
        assert_eq!(
            parse("asg sho").unwrap_err().suggestion.as_deref(),
            Some("did you mean `show`?")
        );
        assert!(parse("asg set web min x").is_err());
    }
}
