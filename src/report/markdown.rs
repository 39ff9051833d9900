//! The candidate report as Markdown, for a hiring manager: the verdict, a table of scenarios,
//! each scenario's KPIs, evidence and commands, then the integrity signals and the notes.

use grader::Counterfactual;

use super::model::{Integrity, Report, ScenarioReport, Status};
use super::{fixed, one_decimal, sim_clock, span, trimmed};

/// The whole report. Every piece of text that came from a person or a file is escaped, so a
/// command like `logs db-1 | grep x` stays in its table cell and `<script>` stays text.
pub fn candidate(report: &Report) -> String {
    let mut out = header(report);
    out.push_str(&summary(report));
    for s in &report.scenarios {
        out.push_str(&scenario(s));
    }
    out.push_str(&integrity(&report.integrity));
    if !report.notes.is_empty() {
        out.push_str("\n## Notes\n\n");
        for note in &report.notes {
            out.push_str(&format!("- {}\n", esc(note)));
        }
    }
    out
}

fn header(r: &Report) -> String {
    let verdict = if r.passed { "PASS" } else { "NOT YET" };
    let complete = super::completeness(r);
    let used: f64 = r.scenarios.iter().map(|s| s.wall_used_s).sum();
    format!(
        "# Assessment report: {}\n\n\
         - Pack: {} ({}), {} at {} level\n\
         - Seed {}, {} mode\n\
         - Total: **{}** / 100 against a pass line of {}: **{verdict}**\n\
         - Complete: {complete}\n\
         - Wall-clock time: {} of {}\n",
        esc(&r.candidate),
        esc(&r.pack.title),
        esc(&r.pack.id),
        esc(&r.pack.role),
        esc(&r.pack.level),
        r.seed,
        esc(&r.mode),
        one_decimal(r.total),
        one_decimal(r.pack.pass),
        span(used),
        span(r.pack.time_limit_s as f64),
    )
}

fn summary(r: &Report) -> String {
    let mut out = String::from(
        "\n## Scenarios\n\n\
         | # | Scenario | Variant | Status | Wall time | Total |\n\
         |--:|----------|---------|--------|----------:|------:|\n",
    );
    for s in &r.scenarios {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} / {} | {} |\n",
            s.index,
            esc(&s.title),
            variant(&s.variant),
            s.status.label(),
            span(s.wall_used_s),
            span(s.wall_limit_s as f64),
            one_decimal(s.total),
        ));
    }
    out
}

fn scenario(s: &ScenarioReport) -> String {
    let mut out = format!(
        "\n## {}. {}\n\n{} · {} · {} · variant {} · weight {} · {} · **{}** / 100\n",
        s.index,
        esc(&s.title),
        esc(&s.id),
        esc(&s.kind),
        esc(&s.level),
        variant(&s.variant),
        trimmed(s.weight, 2),
        s.status.label(),
        one_decimal(s.total),
    );
    if s.status == Status::NotStarted {
        out.push_str("\nNot started: nothing to grade, so it scores 0.\n");
        return out;
    }
    out.push_str(&kpis(s));
    if let Some(cf) = &s.counterfactual {
        out.push_str(&format!("\n{}\n", counterfactual(cf)));
    }
    out.push_str(&hints(s));
    out.push_str(&evidence(s));
    out.push_str(&commands(s));
    out
}

fn kpis(s: &ScenarioReport) -> String {
    if s.kpis.is_empty() {
        return "\nNo KPIs in the rubric.\n".into();
    }
    let mut out = String::from(
        "\n### KPIs\n\n\
         | KPI | Weight | Measured | Target | Score |\n\
         |-----|-------:|---------:|-------:|------:|\n",
    );
    for k in &s.kpis {
        out.push_str(&format!(
            "| {} | {} | {} {} | {} | {} |\n",
            esc(&k.name),
            trimmed(k.weight, 2),
            trimmed(k.value, 1),
            esc(&k.unit),
            trimmed(k.target, 1),
            one_decimal(k.score),
        ));
    }
    out
}

/// One sentence: both baselines, then where the run falls between them.
pub(crate) fn counterfactual(cf: &Counterfactual) -> String {
    let place = match cf.position {
        None => "the reference does no better, so there is no scale to place this run on".into(),
        Some(p) if p < 0.0 => "this run scored below doing nothing".into(),
        Some(p) if p > 100.0 => "this run scored above the reference solution".into(),
        Some(p) => format!(
            "this run is {}% of the way from one to the other",
            fixed(p, 0)
        ),
    };
    format!(
        "Doing nothing scores {} ↔ the reference solution scores {}; {place}.",
        one_decimal(cf.nothing),
        one_decimal(cf.reference)
    )
}

fn hints(s: &ScenarioReport) -> String {
    if s.hints.is_empty() {
        return "\nHints taken: none.\n".into();
    }
    let mut out = format!(
        "\nHints taken: {}, {} points off the total.\n\n",
        s.hints.len(),
        trimmed(s.hint_penalty, 1)
    );
    for h in &s.hints {
        out.push_str(&format!(
            "- hint {} at {} ({} points): {}\n",
            h.index + 1,
            sim_clock(&s.timeline.start, h.at.ms()),
            trimmed(h.cost, 1),
            esc(&h.text)
        ));
    }
    out
}

fn evidence(s: &ScenarioReport) -> String {
    if s.kpis.iter().all(|k| k.evidence.is_empty()) {
        return String::new();
    }
    let mut out = String::from("\n### Evidence\n\n");
    for k in s.kpis.iter().filter(|k| !k.evidence.is_empty()) {
        out.push_str(&format!(
            "- **{}** (score {})\n",
            esc(&k.name),
            one_decimal(k.score)
        ));
        for e in &k.evidence {
            let at = e.at.map_or_else(String::new, |at| {
                format!("{} ", sim_clock(&s.timeline.start, at.ms()))
            });
            out.push_str(&format!("  - {at}{}\n", esc(&e.text)));
        }
    }
    out
}

fn commands(s: &ScenarioReport) -> String {
    let t = &s.timeline;
    if t.commands.is_empty() {
        return "\nNo commands entered.\n".into();
    }
    let mut out = String::from(
        "\n### Commands\n\n\
         | # | Sim clock | Wall gap | Command | Harm |\n\
         |--:|-----------|---------:|---------|------|\n",
    );
    for c in &t.commands {
        let gap = c
            .wall_gap_s
            .map_or_else(String::new, |g| format!("+{}", span(g)));
        out.push_str(&format!(
            "| {} | {} | {gap} | {} | {} |\n",
            c.n,
            esc(&c.clock),
            esc(&c.line),
            c.harm.as_deref().map_or_else(String::new, esc),
        ));
    }
    if let Some(at) = t.resolved_ms {
        out.push_str(&format!("\nResolved at {}.\n", sim_clock(&t.start, at)));
    }
    out
}

/// Last on purpose: the reader sees the work before the signals about how it was done.
fn integrity(i: &Integrity) -> String {
    let mut out = String::from(
        "\n## Integrity signals\n\n\
         These come from the wall-clock times in the journals. They describe what happened and \
         are not findings: each has ordinary explanations, such as a candidate pasting their own \
         notes or stepping away.\n\n",
    );
    if i.observations.is_empty() {
        out.push_str("- Nothing unusual in the timing.\n");
    }
    for o in &i.observations {
        out.push_str(&format!("- {}\n", esc(o)));
    }
    let median = i.median_gap_s.map_or_else(|| "-".into(), span);
    out.push_str(&format!(
        "\n| Signal | Value |\n|--------|------:|\n\
         | Commands | {} |\n\
         | Wall-clock time | {} |\n\
         | Median gap between commands | {median} |\n\
         | Idle gaps (at least {}) | {} |\n\
         | Fast bursts | {} |\n\
         | Resumes | {} |\n",
        i.commands,
        span(i.wall_used_s),
        span(Integrity::IDLE_S),
        i.idle_gaps.len(),
        i.bursts.len(),
        i.resumes.len(),
    ));
    if !i.idle_gaps.is_empty() {
        out.push_str("\nIdle gaps:\n\n");
        for g in &i.idle_gaps {
            out.push_str(&format!(
                "- {} with no command before command {} of {}\n",
                span(g.seconds),
                g.before_command,
                esc(&g.scenario)
            ));
        }
    }
    if !i.bursts.is_empty() {
        out.push_str("\nFast bursts:\n\n");
        for b in &i.bursts {
            out.push_str(&format!(
                "- commands {} to {} of {} in {} ({} characters a second)\n",
                b.from_command,
                b.to_command,
                esc(&b.scenario),
                span(b.seconds),
                trimmed(b.chars_per_s, 1)
            ));
        }
    }
    if !i.resumes.is_empty() {
        out.push_str("\nResumes:\n\n");
        for r in &i.resumes {
            out.push_str(&format!(
                "- {} resumed after {}\n",
                esc(&r.scenario),
                span(r.gap_s)
            ));
        }
    }
    out
}

fn variant(v: &str) -> String {
    if v.is_empty() { "-".into() } else { esc(v) }
}

/// Text made inert for Markdown, inline and in table cells: punctuation that could start
/// emphasis, code, a link, raw HTML, an entity or a cell boundary is backslash-escaped; line
/// breaks become spaces; a line-start marker (`-`, `+`, `#`, `=`, `>`, `1.`) is escaped too.
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '&' | '~' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            '\r' | '\n' => out.push(' '),
            _ => out.push(c),
        }
    }
    if let Some(first) = out.chars().next()
        && matches!(first, '-' | '+' | '#' | '=')
    {
        out.insert(0, '\\');
    }
    let digits = out.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && matches!(out[digits..].chars().next(), Some('.' | ')')) {
        out.insert(digits, '\\');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample::sample;

    #[test]
    fn candidate_sample_snapshot() {
        insta::assert_snapshot!(candidate(&sample()));
    }

    #[test]
    fn candidate_name_markup_and_pipes_are_escaped() {
        let md = candidate(&sample());
        assert!(!md.contains("<script>"));
        assert!(md.contains(r"\<script\>alert(1)\</script\> \| ops"));
    }

    #[test]
    fn commands_with_pipes_stay_in_their_cell() {
        let md = candidate(&sample());
        let row = md
            .lines()
            .find(|l| l.contains("grep -i"))
            .expect("the logs command has a row");
        // Five cells: six unescaped bars.
        let bars = row
            .match_indices('|')
            .filter(|(i, _)| !row[..*i].ends_with('\\'));
        assert_eq!(bars.count(), 6, "{row}");
    }

    #[test]
    fn integrity_comes_after_every_scenario() {
        let md = candidate(&sample());
        let integrity = md.find("## Integrity signals").unwrap();
        let last_scenario = md.find("## 2. ").unwrap();
        assert!(integrity > last_scenario);
        assert!(md.find("## Notes").unwrap() > integrity);
    }

    #[test]
    fn esc_neutralises_line_start_markers() {
        assert_eq!(esc("- rm"), r"\- rm");
        assert_eq!(esc("12. x"), r"12\. x");
        assert_eq!(esc("a\nb|c"), r"a b\|c");
        assert_eq!(esc("# h"), r"\# h");
    }
}
