//! Tab completion for `alert`: its subcommands, the metric that opens a rule, `on` and the
//! target after the rule, and rule names after `del`.

use scenarios::Metric;

/// Candidates for the word being typed at the end of `before`, a line that starts with `alert`.
pub fn candidates(before: &str, names: &[String], alerts: &[String]) -> Vec<String> {
    let start = before.rfind(char::is_whitespace).map_or(0, |i| i + 1);
    let done: Vec<&str> = before[..start].split_whitespace().collect();
    let word = &before[start..];
    let quotes = before[..start].matches('"').count();
    if quotes % 2 == 1 {
        // Inside the rule's quotes: past the metric, nothing to complete.
        return Vec::new();
    }
    match done.as_slice() {
        [_] => ["add", "list", "del"].map(String::from).to_vec(),
        [_, del] if del.eq_ignore_ascii_case("del") => alerts.to_vec(),
        [_, add]
            if add.eq_ignore_ascii_case("add") && (word.is_empty() || word.starts_with('"')) =>
        {
            Metric::ALL
                .iter()
                .map(|m| m.label())
                .chain(["burn(1h)", "burn(6h)"])
                .map(|m| format!("\"{m}"))
                .collect()
        }
        [.., last] if last.eq_ignore_ascii_case("on") => names.to_vec(),
        [_, add, .., rule] if add.eq_ignore_ascii_case("add") && rule.ends_with('"') => {
            vec!["on".into()]
        }
        [_, add, .., on, _] if add.eq_ignore_ascii_case("add") && on.eq_ignore_ascii_case("on") => {
            vec!["as".into()]
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alert_completes_each_part_of_the_command() {
        let names = vec!["app".to_owned(), "lb".to_owned()];
        let rules = vec!["FastBurn".to_owned()];
        let c = |line: &str| candidates(line, &names, &rules);
        assert_eq!(c("alert "), ["add", "list", "del"]);
        assert_eq!(c("alert del F"), ["FastBurn"]);
        assert!(c("alert add ").contains(&"\"p99".to_owned()));
        assert!(c("alert add \"bu").contains(&"\"burn(1h)".to_owned()));
        assert!(c("alert add \"p99 > ").is_empty());
        assert_eq!(c("alert add \"p99 > 300ms for 5m\" "), ["on"]);
        assert_eq!(c("alert add \"p99 > 300ms\" on l"), names);
        assert_eq!(c("alert add \"p99 > 300ms\" on lb "), ["as"]);
    }
}
