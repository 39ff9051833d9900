//! The candidate report as one self-contained HTML page (inline CSS and SVG, no script, no
//! external asset, no URL), and a page comparing candidates side by side.
//!
//! Every piece of text is escaped with [`h`]; numbers are formatted with fixed decimals so the
//! same report always gives the same bytes.

use super::markdown::counterfactual as counterfactual_sentence;
use super::model::{Integrity, Report, ScenarioReport, Status, Timeline};
use super::{fixed, one_decimal, places, ranked, scenario_columns, sim_clock, span, trimmed};

/// The page for one candidate.
pub fn candidate(report: &Report) -> String {
    let mut body = header(report);
    body.push_str(&summary(report));
    for s in &report.scenarios {
        body.push_str(&scenario(s));
    }
    body.push_str(&integrity(&report.integrity));
    body.push_str(&notes(&report.notes));
    body.push_str(&format!(
        "<footer>gameday report format {} · pack {} · SHA-256 <code>{}</code></footer>\n",
        report.gameday_report,
        h(&report.pack.id),
        h(&report.pack.hash)
    ));
    page(&format!("Assessment report: {}", report.candidate), &body)
}

/// Candidates side by side, best first (see [`super::ranked`]).
pub fn comparison(reports: &[Report]) -> String {
    let ranked = ranked(reports);
    let places = places(&ranked);
    let columns = scenario_columns(&ranked);
    let mut packs: Vec<String> = ranked
        .iter()
        .map(|r| {
            format!(
                "{} · {} level · pass line {}",
                r.pack.title,
                r.pack.level,
                one_decimal(r.pack.pass)
            )
        })
        .collect();
    packs.sort_unstable();
    packs.dedup();

    let mut body = format!(
        "<header class=\"top\"><div class=\"who\"><p class=\"eyebrow\">Candidate comparison</p>\
         <h1>{} candidate{}</h1><p class=\"pack\">{}</p></div></header>\n",
        ranked.len(),
        if ranked.len() == 1 { "" } else { "s" },
        h(&packs.join(" · "))
    );
    body.push_str("<section class=\"wide\">\n<table class=\"ranking\">\n<thead><tr><th class=\"num\">Rank</th><th>Candidate</th><th class=\"num\">Total</th><th>Result</th><th>Complete</th>");
    for c in &columns {
        body.push_str(&format!(
            "<th class=\"num scn\">{}<small>{}</small></th>",
            h(&c.title),
            h(&c.id)
        ));
    }
    body.push_str("<th class=\"num\">Commands</th><th class=\"num\">Idle gaps</th><th class=\"num\">Bursts</th><th class=\"num\">Resumes</th></tr></thead>\n<tbody>\n");
    for (r, place) in ranked.iter().zip(places) {
        body.push_str(&format!(
            "<tr><td class=\"num\">{place}</td><td class=\"name\">{}</td>\
             <td class=\"num\"><strong>{}</strong>{}</td><td>{}</td><td>{}</td>",
            h(&r.candidate),
            one_decimal(r.total),
            meter(r.total),
            verdict_pill(r.passed),
            if r.complete { "yes" } else { "no" },
        ));
        for c in &columns {
            match r.scenarios.iter().find(|s| s.id == c.id) {
                Some(s) if s.status == Status::NotStarted => body.push_str(&format!(
                    "<td class=\"num muted\">not started<small>{}</small></td>",
                    h(&s.variant)
                )),
                Some(s) => {
                    // Anything but a declared resolution is said in the cell.
                    let how = if s.status == Status::Resolved {
                        String::new()
                    } else {
                        format!("{} · ", s.status.label())
                    };
                    body.push_str(&format!(
                        "<td class=\"num\">{}<small>{}{}</small></td>",
                        one_decimal(s.total),
                        h(&how),
                        h(&s.variant)
                    ));
                }
                None => body.push_str("<td class=\"num muted\">–</td>"),
            }
        }
        let i = &r.integrity;
        body.push_str(&format!(
            "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
            i.commands,
            i.idle_gaps.len(),
            i.bursts.len(),
            i.resumes.len()
        ));
    }
    body.push_str(
        "</tbody>\n</table>\n<p class=\"muted\">Equal totals share a rank. Idle gaps, bursts and \
         resumes come from the journals' wall-clock times; they describe and do not accuse. See \
         each candidate's report before reading anything into them.</p>\n</section>\n",
    );
    page("Candidate comparison", &body)
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n\
         <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n",
        h(title)
    )
}

fn header(r: &Report) -> String {
    let complete = super::completeness(r);
    let used: f64 = r.scenarios.iter().map(|s| s.wall_used_s).sum();
    format!(
        "<header class=\"top\">\n<div class=\"who\"><p class=\"eyebrow\">Assessment report</p>\
         <h1>{}</h1><p class=\"pack\">{} · {} · {} level</p></div>\n\
         <div class=\"verdict {}\"><div class=\"score\">{}<span> / 100</span></div>{}\
         <div class=\"line\">pass line {}</div></div>\n</header>\n\
         <dl class=\"facts\"><div><dt>Pack</dt><dd><code>{}</code></dd></div>\
         <div><dt>Seed</dt><dd>{}</dd></div><div><dt>Mode</dt><dd>{}</dd></div>\
         <div><dt>Complete</dt><dd>{}</dd></div><div><dt>Wall-clock time</dt><dd>{} of {}</dd></div></dl>\n",
        h(&r.candidate),
        h(&r.pack.title),
        h(&r.pack.role),
        h(&r.pack.level),
        if r.passed { "pass" } else { "notyet" },
        one_decimal(r.total),
        verdict_pill(r.passed),
        one_decimal(r.pack.pass),
        h(&r.pack.id),
        r.seed,
        h(&r.mode),
        h(&complete),
        h(&span(used)),
        h(&span(r.pack.time_limit_s as f64)),
    )
}

fn summary(r: &Report) -> String {
    let mut out = String::from(
        "<section>\n<h2>Scenarios</h2>\n<table class=\"summary\">\n<thead><tr><th class=\"num\">#</th>\
         <th>Scenario</th><th>Variant</th><th>Status</th><th class=\"num\">Wall time</th>\
         <th class=\"num\">Total</th></tr></thead>\n<tbody>\n",
    );
    for s in &r.scenarios {
        out.push_str(&format!(
            "<tr><td class=\"num\">{}</td><td><a class=\"plain\" href=\"#scenario-{}\">{}</a><small>{}</small></td>\
             <td>{}</td><td>{}</td><td class=\"num\">{} <span class=\"muted\">/ {}</span></td>\
             <td class=\"num\"><strong>{}</strong>{}</td></tr>\n",
            s.index,
            s.index,
            h(&s.title),
            h(&s.id),
            variant(&s.variant),
            status_pill(s.status),
            h(&span(s.wall_used_s)),
            h(&span(s.wall_limit_s as f64)),
            one_decimal(s.total),
            meter(s.total),
        ));
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
    out
}

fn scenario(s: &ScenarioReport) -> String {
    let mut out = format!(
        "<section class=\"scenario\" id=\"scenario-{}\">\n<h2><span class=\"idx\">{}</span>{}\
         <span class=\"total\">{}<span> / 100</span></span></h2>\n\
         <p class=\"meta\"><code>{}</code> · {} · {} · variant {} · weight {} · {}</p>\n",
        s.index,
        s.index,
        h(&s.title),
        one_decimal(s.total),
        h(&s.id),
        h(&s.kind),
        h(&s.level),
        variant(&s.variant),
        trimmed(s.weight, 2),
        status_pill(s.status),
    );
    if s.status == Status::NotStarted {
        out.push_str(
            "<p class=\"empty\">Not started: nothing to grade, so it scores 0.</p>\n</section>\n",
        );
        return out;
    }
    if let Some(cf) = &s.counterfactual {
        out.push_str(&band(s.total, cf));
    }
    out.push_str(&chart(s));
    out.push_str("<div class=\"cols\">\n<div>\n");
    out.push_str(&kpis(s));
    out.push_str(&hints(s));
    out.push_str("</div>\n<div>\n");
    out.push_str(&evidence(s));
    out.push_str("</div>\n</div>\n");
    out.push_str(&commands(s));
    out.push_str("</section>\n");
    out
}

/// Doing nothing to the reference on a 0–100 scale, with the run's total marked.
fn band(total: f64, cf: &grader::Counterfactual) -> String {
    let (lo, hi) = (cf.nothing.min(cf.reference), cf.nothing.max(cf.reference));
    let mark = |class: &str, at: f64, label: &str| {
        let at = at.clamp(0.0, 100.0);
        let align = if at < 12.0 {
            " start"
        } else if at > 88.0 {
            " end"
        } else {
            ""
        };
        format!(
            "<div class=\"band-mark {class}{align}\" style=\"left:{}%\"><span>{}</span></div>",
            fixed(at, 1),
            h(label)
        )
    };
    format!(
        "<div class=\"band\">\n<div class=\"band-track\"><div class=\"band-range\" style=\"left:{}%;width:{}%\"></div>\
         {}{}{}</div>\n<p class=\"band-caption\">{}</p>\n</div>\n",
        fixed(lo.clamp(0.0, 100.0), 1),
        fixed((hi - lo).clamp(0.0, 100.0), 1),
        mark(
            "nothing",
            cf.nothing,
            &format!("doing nothing {}", one_decimal(cf.nothing))
        ),
        mark(
            "reference",
            cf.reference,
            &format!("reference {}", one_decimal(cf.reference))
        ),
        mark("run", total, &format!("this run {}", one_decimal(total))),
        h(&counterfactual_sentence(cf)),
    )
}

fn kpis(s: &ScenarioReport) -> String {
    if s.kpis.is_empty() {
        return "<p class=\"empty\">No KPIs in the rubric.</p>\n".into();
    }
    let mut out = String::from(
        "<h3>KPIs</h3>\n<table class=\"kpis\">\n<thead><tr><th>KPI</th><th class=\"num\">Weight</th>\
         <th class=\"num\">Measured</th><th class=\"num\">Target</th><th class=\"num\">Score</th></tr></thead>\n<tbody>\n",
    );
    for k in &s.kpis {
        out.push_str(&format!(
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{} <span class=\"unit\">{}</span></td>\
             <td class=\"num\">{}</td><td class=\"num\"><strong>{}</strong>{}</td></tr>\n",
            h(&k.name),
            trimmed(k.weight, 2),
            trimmed(k.value, 1),
            h(&k.unit),
            trimmed(k.target, 1),
            one_decimal(k.score),
            meter(k.score),
        ));
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

fn hints(s: &ScenarioReport) -> String {
    if s.hints.is_empty() {
        return "<p class=\"hints\">Hints taken: none.</p>\n".into();
    }
    let mut out = format!(
        "<p class=\"hints\">Hints taken: {}, {} points off the total.</p>\n<ul class=\"hint-list\">\n",
        s.hints.len(),
        trimmed(s.hint_penalty, 1)
    );
    for hint in &s.hints {
        out.push_str(&format!(
            "<li><span class=\"clock\">{}</span> hint {} ({} points): {}</li>\n",
            h(&sim_clock(&s.timeline.start, hint.at.ms())),
            hint.index + 1,
            trimmed(hint.cost, 1),
            h(&hint.text)
        ));
    }
    out.push_str("</ul>\n");
    out
}

fn evidence(s: &ScenarioReport) -> String {
    if s.kpis.iter().all(|k| k.evidence.is_empty()) {
        return String::new();
    }
    let mut out = String::from("<h3>Evidence</h3>\n<dl class=\"evidence\">\n");
    for k in s.kpis.iter().filter(|k| !k.evidence.is_empty()) {
        out.push_str(&format!(
            "<dt>{} <span class=\"muted\">score {}</span></dt>\n",
            h(&k.name),
            one_decimal(k.score)
        ));
        for e in &k.evidence {
            let at = e.at.map_or_else(String::new, |at| {
                format!(
                    "<span class=\"clock\">{}</span>",
                    h(&sim_clock(&s.timeline.start, at.ms()))
                )
            });
            out.push_str(&format!("<dd>{at}{}</dd>\n", h(&e.text)));
        }
    }
    out.push_str("</dl>\n");
    out
}

fn commands(s: &ScenarioReport) -> String {
    let t = &s.timeline;
    if t.commands.is_empty() {
        return "<p class=\"empty\">No commands entered.</p>\n".into();
    }
    let mut out = String::from(
        "<h3>Commands</h3>\n<table class=\"commands\">\n<thead><tr><th class=\"num\">#</th><th>Sim clock</th>\
         <th class=\"num\">Wall gap</th><th>Command</th><th>Class</th><th>Harm</th></tr></thead>\n<tbody>\n",
    );
    for c in &t.commands {
        let gap = c
            .wall_gap_s
            .map_or_else(String::new, |g| format!("+{}", span(g)));
        out.push_str(&format!(
            "<tr{}><td class=\"num\">{}</td><td class=\"clock\">{}</td><td class=\"num\">{}</td>\
             <td><code>{}</code></td><td class=\"muted\">{}</td><td>{}</td></tr>\n",
            if c.harm.is_some() {
                " class=\"harmful\""
            } else {
                ""
            },
            c.n,
            h(&c.clock),
            h(&gap),
            h(&c.line),
            h(&c.class),
            c.harm.as_deref().map_or_else(String::new, h),
        ));
    }
    out.push_str("</tbody>\n</table>\n");
    if let Some(at) = t.resolved_ms {
        out.push_str(&format!(
            "<p class=\"muted\">Resolved at {}.</p>\n",
            h(&sim_clock(&t.start, at))
        ));
    }
    out
}

fn integrity(i: &Integrity) -> String {
    let mut out = String::from(
        "<section class=\"integrity\">\n<h2>Integrity signals</h2>\n<p class=\"lede\">These come from the \
         wall-clock times in the journals. They describe what happened and are not findings: each \
         has ordinary explanations, such as a candidate pasting their own notes or stepping away.</p>\n<ul>\n",
    );
    if i.observations.is_empty() {
        out.push_str("<li>Nothing unusual in the timing.</li>\n");
    }
    for o in &i.observations {
        out.push_str(&format!("<li>{}</li>\n", h(o)));
    }
    out.push_str("</ul>\n");
    out.push_str(&format!(
        "<dl class=\"facts small\"><div><dt>Commands</dt><dd>{}</dd></div>\
         <div><dt>Wall-clock time</dt><dd>{}</dd></div><div><dt>Median gap</dt><dd>{}</dd></div>\
         <div><dt>Idle gaps (≥ {})</dt><dd>{}</dd></div><div><dt>Fast bursts</dt><dd>{}</dd></div>\
         <div><dt>Resumes</dt><dd>{}</dd></div></dl>\n",
        i.commands,
        h(&span(i.wall_used_s)),
        h(&i.median_gap_s.map_or_else(|| "-".into(), span)),
        h(&span(Integrity::IDLE_S)),
        i.idle_gaps.len(),
        i.bursts.len(),
        i.resumes.len(),
    ));
    let mut details: Vec<String> = Vec::new();
    for g in &i.idle_gaps {
        details.push(format!(
            "Idle: {} with no command before command {} of {}",
            span(g.seconds),
            g.before_command,
            g.scenario
        ));
    }
    for b in &i.bursts {
        details.push(format!(
            "Burst: commands {} to {} of {} in {} ({} characters a second)",
            b.from_command,
            b.to_command,
            b.scenario,
            span(b.seconds),
            trimmed(b.chars_per_s, 1)
        ));
    }
    for r in &i.resumes {
        details.push(format!(
            "Resume: {} resumed after {}",
            r.scenario,
            span(r.gap_s)
        ));
    }
    if !details.is_empty() {
        out.push_str("<ul class=\"details\">\n");
        for d in details {
            out.push_str(&format!("<li>{}</li>\n", h(&d)));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</section>\n");
    out
}

fn notes(notes: &[String]) -> String {
    if notes.is_empty() {
        return String::new();
    }
    let mut out = String::from("<section class=\"notes\">\n<h2>Notes</h2>\n<ul>\n");
    for n in notes {
        out.push_str(&format!("<li>{}</li>\n", h(n)));
    }
    out.push_str("</ul>\n</section>\n");
    out
}

fn verdict_pill(passed: bool) -> &'static str {
    if passed {
        "<span class=\"pill pass\">PASS</span>"
    } else {
        "<span class=\"pill notyet\">NOT YET</span>"
    }
}

fn status_pill(status: Status) -> String {
    let tone = match status {
        // Declared resolved says nothing of how well: the score does.
        Status::Resolved => "info",
        Status::NotStarted => "idle",
        Status::Open => "notyet",
        Status::TimeUp | Status::Left | Status::Over => "notyet",
    };
    format!("<span class=\"pill {tone}\">{}</span>", h(status.label()))
}

/// A thin bar under a 0–100 number.
fn meter(value: f64) -> String {
    format!(
        "<span class=\"meter\"><span style=\"width:{}%\"></span></span>",
        fixed(value.clamp(0.0, 100.0), 1)
    )
}

fn variant(v: &str) -> String {
    if v.is_empty() {
        "<span class=\"muted\">–</span>".into()
    } else {
        format!("<code>{}</code>", h(v))
    }
}

/// Text made safe for element content and quoted attribute values.
fn h(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

// The chart's geometry, in SVG user units; the SVG scales to the page's width.
const W: f64 = 1120.0;
const LEFT: f64 = 100.0;
const RIGHT: f64 = 1030.0;
const AVAIL: (f64, f64) = (46.0, 156.0);
const P99: (f64, f64) = (202.0, 312.0);
const LANE: (f64, f64) = (328.0, 350.0);
const AXIS_Y: f64 = 370.0;
const H: f64 = 382.0;

/// Availability above p99 latency on one simulated time axis, each with its SLO line dashed;
/// unhealthy stretches shaded; faults, commands and the resolve marked, each with a tooltip.
fn chart(s: &ScenarioReport) -> String {
    let t = &s.timeline;
    let end = domain_end(t) as f64;
    let x = |ms: u64| LEFT + (RIGHT - LEFT) * (ms as f64 / end).min(1.0);
    let n = |v: f64| fixed(v, 1);

    let avail_lo = availability_floor(t);
    let ya = |pct: f64| {
        let f = ((pct - avail_lo) / (100.0 - avail_lo)).clamp(0.0, 1.0);
        AVAIL.1 - f * (AVAIL.1 - AVAIL.0)
    };
    let p99_hi = latency_ceiling(t);
    let yp = |ms: f64| {
        let f = (ms / p99_hi).clamp(0.0, 1.0);
        P99.1 - f * (P99.1 - P99.0)
    };

    let mut out = format!(
        "<figure class=\"chart\">\n<svg class=\"health-chart\" id=\"health-{}\" viewBox=\"0 0 {} {}\" role=\"img\" \
         aria-labelledby=\"health-{}-title\" preserveAspectRatio=\"xMidYMid meet\">\n\
         <title id=\"health-{}-title\">Service health over simulated time: availability and p99 latency, \
         with faults, commands and the resolve</title>\n",
        s.index, W, H, s.index, s.index
    );

    // Unhealthy stretches: each sample stands for the time up to the next one.
    let samples = &t.samples;
    let mut i = 0;
    while i < samples.len() {
        if samples[i].healthy {
            i += 1;
            continue;
        }
        let from = samples[i].at_ms;
        while i < samples.len() && !samples[i].healthy {
            i += 1;
        }
        let to = samples.get(i).map_or(end as u64, |next| next.at_ms);
        out.push_str(&format!(
            "<rect class=\"unhealthy\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>Outside the SLO {}–{}</title></rect>\n",
            n(x(from)),
            n(AVAIL.0),
            n((x(to) - x(from)).max(1.0)),
            n(P99.1 - AVAIL.0),
            h(&sim_clock(&t.start, from)),
            h(&sim_clock(&t.start, to)),
        ));
    }

    // Panels: frame, grid, scale labels.
    for (top, bottom, label) in [
        (AVAIL.0, AVAIL.1, "Availability %"),
        (P99.0, P99.1, "p99 latency"),
    ] {
        out.push_str(&format!(
            "<text class=\"panel-label\" x=\"{}\" y=\"{}\">{}</text>\n\
             <rect class=\"frame\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>\n",
            n(LEFT),
            n(top - 16.0),
            label,
            n(LEFT),
            n(top),
            n(RIGHT - LEFT),
            n(bottom - top)
        ));
    }
    let avail_mid = (avail_lo + 100.0) / 2.0;
    // A horizontal grid line at height `y` with its label on the left axis.
    let grid = |y: f64, label: String| {
        format!(
            "<line class=\"grid\" x1=\"{}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\"/><text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{label}</text>\n",
            n(LEFT),
            n(RIGHT),
            n(LEFT - 8.0),
            n(y + 4.0),
            y = n(y),
        )
    };
    for v in [avail_lo, avail_mid, 100.0] {
        out.push_str(&grid(ya(v), trimmed(v, 2)));
    }
    for v in [0.0, p99_hi / 2.0, p99_hi] {
        out.push_str(&grid(yp(v), latency(v)));
    }

    // Time axis.
    let step = tick_step(end as u64);
    let mut at = 0;
    while at <= end as u64 {
        out.push_str(&format!(
            "<line class=\"vgrid\" x1=\"{x}\" x2=\"{x}\" y1=\"{}\" y2=\"{}\"/><text class=\"tick\" x=\"{x}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
            n(AVAIL.0),
            n(LANE.1),
            n(AXIS_Y + 6.0),
            h(&sim_clock(&t.start, at)),
            x = n(x(at)),
        ));
        at += step;
    }

    // SLO targets, dashed, labelled at the right.
    out.push_str(&format!(
        "<line class=\"slo\" x1=\"{}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\"/><text class=\"slo-label\" x=\"{}\" y=\"{}\">SLO {}%</text>\n",
        n(LEFT),
        n(RIGHT),
        n(RIGHT + 6.0),
        n(ya(t.slo_availability_pct) + 4.0),
        trimmed(t.slo_availability_pct, 3),
        y = n(ya(t.slo_availability_pct)),
    ));
    out.push_str(&format!(
        "<line class=\"slo\" x1=\"{}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\"/><text class=\"slo-label\" x=\"{}\" y=\"{}\">SLO {}</text>\n",
        n(LEFT),
        n(RIGHT),
        n(RIGHT + 6.0),
        n(yp(t.slo_p99_ms) + 4.0),
        latency(t.slo_p99_ms),
        y = n(yp(t.slo_p99_ms)),
    ));

    // The two series.
    let points = |f: &dyn Fn(&super::model::Sample) -> f64| {
        samples
            .iter()
            .map(|p| format!("{},{}", n(x(p.at_ms)), n(f(p))))
            .collect::<Vec<_>>()
            .join(" ")
    };
    if !samples.is_empty() {
        out.push_str(&format!(
            "<polyline class=\"availability\" points=\"{}\"/>\n<polyline class=\"p99\" points=\"{}\"/>\n",
            points(&|p| ya(p.availability_pct)),
            points(&|p| yp(p.p99_ms)),
        ));
    }

    // Commands lane.
    out.push_str(&format!(
        "<text class=\"panel-label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">commands</text>\n\
         <line class=\"lane\" x1=\"{}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\"/>\n",
        n(LEFT - 8.0),
        n((LANE.0 + LANE.1) / 2.0 + 4.0),
        n(LEFT),
        n(RIGHT),
        y = n((LANE.0 + LANE.1) / 2.0),
    ));

    // Resolved, then faults and commands on top so their tooltips win.
    if let Some(at) = t.resolved_ms {
        let label = format!("resolved {}", sim_clock(&t.start, at));
        let early = x(at) - LEFT < 140.0;
        out.push_str(&format!(
            "<g class=\"resolved\"><title>{}</title><line x1=\"{x}\" x2=\"{x}\" y1=\"{}\" y2=\"{}\"/>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"{}\">{}</text></g>\n",
            h(&label),
            n(AVAIL.0 - 12.0),
            n(LANE.1),
            // Near the left edge the label reads rightwards, clear of the axis and its title.
            n(if early { x(at) + 5.0 } else { x(at) - 5.0 }),
            n(AVAIL.0 - 4.0),
            if early { "start" } else { "end" },
            h(&label),
            x = n(x(at)),
        ));
    }
    for f in &t.faults {
        out.push_str(&format!(
            "<g class=\"marker fault\"><title>Fault at {}: {}</title>\
             <line x1=\"{x}\" x2=\"{x}\" y1=\"{}\" y2=\"{}\"/><path d=\"M{x} {} l-6 -9 h12 z\"/></g>\n",
            h(&f.clock),
            h(&f.text),
            n(AVAIL.0),
            n(P99.1),
            n(AVAIL.0),
            x = n(x(f.at_ms)),
        ));
    }
    for c in &t.commands {
        let (class, harm) = match &c.harm {
            Some(why) => (" harmful", format!(" (harmful: {why})")),
            None => ("", String::new()),
        };
        let tip = format!("#{} at {}: {}{harm}", c.n, c.clock, c.line);
        let guide = if c.harm.is_some() {
            format!(
                "<line class=\"guide\" x1=\"{x}\" x2=\"{x}\" y1=\"{}\" y2=\"{}\"/>",
                n(AVAIL.0),
                n(LANE.0),
                x = n(x(c.at_ms)),
            )
        } else {
            String::new()
        };
        out.push_str(&format!(
            "<g class=\"marker command{class}\"><title>{}</title>{guide}<rect x=\"{}\" y=\"{}\" width=\"4\" height=\"{}\" rx=\"1\"/></g>\n",
            h(&tip),
            n(x(c.at_ms) - 2.0),
            n(LANE.0),
            n(LANE.1 - LANE.0),
        ));
    }
    out.push_str("</svg>\n");
    out.push_str(
        "<figcaption class=\"legend\"><span><i class=\"sw availability\"></i>availability</span>\
         <span><i class=\"sw p99\"></i>p99 latency</span><span><i class=\"sw slo\"></i>SLO target</span>\
         <span><i class=\"sw unhealthy\"></i>outside SLO</span><span><i class=\"sw fault\"></i>fault</span>\
         <span><i class=\"sw command\"></i>command</span><span><i class=\"sw harmful\"></i>harmful command</span>\
         <span><i class=\"sw resolved\"></i>resolved</span><span class=\"muted\">Hover a mark for details.</span></figcaption>\n</figure>\n",
    );
    out
}

/// The end of the time axis: the run's end, or the last thing marked if later; never 0.
fn domain_end(t: &Timeline) -> u64 {
    let last = [
        Some(t.end_ms),
        t.resolved_ms,
        t.samples.last().map(|s| s.at_ms),
        t.faults.iter().map(|f| f.at_ms).max(),
        t.commands.iter().map(|c| c.at_ms).max(),
    ];
    last.into_iter().flatten().max().unwrap_or(0).max(60_000)
}

/// The bottom of the availability scale: a round number at or below both the worst sample and
/// the SLO, so the SLO line is always on the chart and a small dip is not flattened.
fn availability_floor(t: &Timeline) -> f64 {
    let worst = t
        .samples
        .iter()
        .map(|s| s.availability_pct)
        .fold(t.slo_availability_pct, f64::min);
    [99.8, 99.5, 99.0, 98.0, 95.0, 90.0, 80.0, 60.0, 40.0, 20.0]
        .into_iter()
        .find(|&floor| floor < worst)
        .unwrap_or(0.0)
}

/// The top of the latency scale: a round number above both the worst sample and the SLO.
fn latency_ceiling(t: &Timeline) -> f64 {
    let worst = t
        .samples
        .iter()
        .map(|s| s.p99_ms)
        .fold(t.slo_p99_ms * 1.2, f64::max)
        .max(1.0);
    let mut scale = 1.0;
    loop {
        for m in [1.0, 2.0, 2.5, 5.0] {
            if m * scale >= worst {
                return m * scale;
            }
        }
        scale *= 10.0;
    }
}

/// A time-axis step giving at most about ten labels.
fn tick_step(end_ms: u64) -> u64 {
    [1, 2, 5, 10, 15, 30, 60, 120, 240, 360, 720, 1_440]
        .into_iter()
        .map(|m| m * 60_000)
        .find(|step| end_ms / step <= 10)
        .unwrap_or(2_880 * 60_000)
}

fn latency(ms: f64) -> String {
    if ms >= 1_000.0 {
        format!("{} s", trimmed(ms / 1_000.0, 2))
    } else {
        format!("{} ms", trimmed(ms, 0))
    }
}

const CSS: &str = r#"
:root{--ink:#1f2933;--muted:#616e7c;--line:#d9e2ec;--soft:#f5f7fa;--blue:#2f6fb3;--violet:#7c3aed;
--green:#1e7a46;--amber:#a15c07;--red:#c62828;--rust:#b45309}
*{box-sizing:border-box;-webkit-print-color-adjust:exact;print-color-adjust:exact}
html{background:#fff}
body{margin:0;color:var(--ink);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1240px;margin:0 auto;padding:36px 40px 48px}
h1{font-size:28px;line-height:1.2;margin:2px 0 6px;overflow-wrap:anywhere}
h2{font-size:20px;margin:40px 0 12px;padding-bottom:6px;border-bottom:2px solid var(--ink);break-after:avoid}
h3{font-size:15px;margin:22px 0 8px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
code{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;background:var(--soft);
border:1px solid var(--line);border-radius:4px;padding:0 4px;overflow-wrap:break-word}
small{display:block;color:var(--muted);font-size:12px}
.muted{color:var(--muted)}
a.plain{color:inherit;text-decoration:none}
.top{display:flex;justify-content:space-between;align-items:flex-start;gap:32px;border-bottom:1px solid var(--line);padding-bottom:20px}
.eyebrow{margin:0;text-transform:uppercase;letter-spacing:.08em;font-size:12px;font-weight:600;color:var(--muted)}
.pack{margin:0;color:var(--muted);font-size:16px}
.verdict{min-width:210px;text-align:right;border-left:4px solid var(--amber);padding:4px 0 4px 20px}
.verdict.pass{border-color:var(--green)}
.score{font-size:44px;font-weight:700;line-height:1;font-variant-numeric:tabular-nums}
.score span{font-size:18px;font-weight:400;color:var(--muted)}
.verdict .pill{margin-top:10px;font-size:14px;padding:3px 12px}
.line{color:var(--muted);font-size:13px;margin-top:6px}
.facts{display:flex;flex-wrap:wrap;gap:12px 40px;margin:18px 0 0}
.facts div{min-width:100px}
.facts dt{font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted)}
.facts dd{margin:2px 0 0;font-weight:600}
.facts.small{margin:12px 0}
.pill{display:inline-block;border-radius:999px;padding:1px 9px;font-size:12px;font-weight:600;letter-spacing:.02em;white-space:nowrap}
.pill.pass{background:#e3f4ea;color:var(--green)}
.pill.notyet{background:#fdf0dc;color:var(--amber)}
.pill.idle{background:#eef1f4;color:var(--muted)}
.pill.info{background:#e6effa;color:var(--blue)}
table{width:100%;border-collapse:collapse;font-variant-numeric:tabular-nums}
thead{display:table-header-group}
th{white-space:nowrap;text-align:left;font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);font-weight:600;
border-bottom:1px solid var(--ink);padding:6px 10px}
td{border-bottom:1px solid var(--line);padding:7px 10px;vertical-align:baseline}
tr{break-inside:avoid}
th.num,td.num{text-align:right}
th small{text-transform:none;letter-spacing:0;font-weight:400}
.meter{display:block;height:4px;background:var(--line);border-radius:2px;margin-top:4px;min-width:60px}
.meter span{display:block;height:4px;background:var(--blue);border-radius:2px}
.unit{color:var(--muted);font-size:13px}
.scenario h2{display:flex;align-items:baseline;gap:12px}
.idx{display:inline-flex;justify-content:center;align-items:center;min-width:28px;height:28px;border-radius:50%;
background:var(--ink);color:#fff;font-size:15px}
.total{margin-left:auto;font-variant-numeric:tabular-nums}
.total span{font-weight:400;color:var(--muted);font-size:14px}
.meta{color:var(--muted);margin:0 0 16px}
.empty{color:var(--muted);font-style:italic;background:var(--soft);padding:12px 16px;border-radius:6px}
.band{margin:8px 0 18px;padding:30px 0 4px}
.band-track{position:relative;height:10px;background:var(--line);border-radius:5px;margin:0 4px 28px}
.band-range{position:absolute;top:0;height:10px;background:#b9d3ee;border-radius:5px}
.band-mark{position:absolute;top:-4px;width:0;height:18px;border-left:2px solid var(--muted)}
.band-mark span{position:absolute;top:22px;transform:translateX(-50%);white-space:nowrap;font-size:12px;color:var(--muted)}
.band-mark.run{border-left:3px solid var(--ink);top:-8px;height:26px}
.band-mark.run span{top:-24px;color:var(--ink);font-weight:700;font-size:13px}
.band-mark.start span{transform:none}
.band-mark.end span{transform:translateX(-100%)}
.band-caption{margin:0;color:var(--muted);font-size:14px}
.chart{margin:0 0 8px;break-inside:avoid}
.health-chart{display:block;width:100%;height:auto;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
.health-chart .frame{fill:none;stroke:var(--line)}
.health-chart .grid{stroke:#edf1f5}
.health-chart .vgrid{stroke:#f0f3f6}
.health-chart .tick{font-size:12px;fill:var(--muted)}
.health-chart .panel-label{font-size:13px;font-weight:600;fill:var(--ink)}
.health-chart .slo{stroke:#7b8794;stroke-width:1.2;stroke-dasharray:6 4}
.health-chart .slo-label{font-size:12px;fill:#52606d}
.health-chart .unhealthy{fill:#c62828;fill-opacity:.08}
.health-chart .availability{fill:none;stroke:var(--blue);stroke-width:2;stroke-linejoin:round}
.health-chart .p99{fill:none;stroke:var(--violet);stroke-width:2;stroke-linejoin:round}
.health-chart .lane{stroke:var(--line)}
.health-chart .fault line{stroke:var(--rust);stroke-width:1.5;stroke-dasharray:3 3}
.health-chart .fault path{fill:var(--rust)}
.health-chart .command rect{fill:#52606d}
.health-chart .command.harmful rect{fill:var(--red)}
.health-chart .guide{stroke:var(--red);stroke-width:1;stroke-opacity:.45}
.health-chart .resolved line{stroke:var(--green);stroke-width:2}
.health-chart .resolved text{font-size:12px;font-weight:600;fill:var(--green)}
.legend{display:flex;flex-wrap:wrap;gap:6px 18px;font-size:12px;color:var(--muted);margin:6px 0 0 7%}
.sw{display:inline-block;width:14px;height:10px;margin-right:6px;vertical-align:-1px;border-radius:2px}
.sw.availability{height:3px;background:var(--blue);vertical-align:3px}
.sw.p99{height:3px;background:var(--violet);vertical-align:3px}
.sw.slo{height:0;border-top:2px dashed #7b8794;vertical-align:3px;border-radius:0}
.sw.unhealthy{background:#f6dede}
.sw.fault{width:10px;background:var(--rust);clip-path:polygon(0 0,100% 0,50% 100%)}
.sw.command{width:4px;background:#52606d}
.sw.harmful{width:4px;background:var(--red)}
.sw.resolved{width:3px;background:var(--green)}
.cols{display:grid;grid-template-columns:minmax(0,1.1fr) minmax(0,1fr);gap:8px 36px}
.hints{margin:14px 0 4px}
.hint-list{margin:0;padding-left:20px}
.clock{font:13px ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;color:var(--muted);margin-right:8px}
.evidence{margin:0}
.evidence dt{font-weight:600;margin-top:10px}
.evidence dd{margin:2px 0 0 0;padding-left:12px;border-left:2px solid var(--line)}
.commands td code{background:none;border:0;padding:0}
.commands td.num,.commands td.clock{white-space:nowrap}
.summary td.num{white-space:nowrap}
.commands td:nth-child(6){width:32%}
.commands tr.harmful td{background:#fdecec}
.commands tr.harmful td:last-child{color:var(--red);font-weight:600}
.integrity{break-before:auto}
.integrity .lede{background:var(--soft);border-left:4px solid var(--line);padding:10px 14px;margin:0 0 10px}
.integrity .details{color:var(--muted);font-size:14px}
.notes ul{padding-left:20px;color:var(--muted)}
footer{margin-top:40px;padding-top:12px;border-top:1px solid var(--line);color:var(--muted);font-size:12px}
footer code{font-size:11px}
.wide{overflow-x:auto}
.ranking{font-size:14px;width:auto;min-width:100%}
.ranking th,.ranking td{padding:6px 8px}
.ranking th{white-space:normal;vertical-align:bottom}
.ranking th.scn{text-transform:none;letter-spacing:0;font-size:12.5px;min-width:96px;max-width:160px}
.ranking th{letter-spacing:.02em}
.ranking td.name{font-weight:600;overflow-wrap:anywhere;min-width:140px;max-width:220px}
@media print{.wide{overflow:visible}}
@media (max-width:900px){.cols{grid-template-columns:1fr}.top{flex-direction:column}.verdict{text-align:left}}
@media print{
@page{margin:14mm}
body{font-size:10.5pt}
main{max-width:none;padding:0}
.scenario{break-before:page}
h2{margin-top:18px}
.band,.chart,.kpis,.evidence dd{break-inside:avoid}
.legend .muted{display:none}
}
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample::{NAME, named, sample};

    #[test]
    fn candidate_escapes_every_piece_of_text() {
        let page = candidate(&sample());
        assert!(!page.contains("<script"));
        assert!(!page.contains(NAME));
        assert!(page.contains(
            "Sam O&#39;Hara, &quot;Jr&quot; &lt;script&gt;alert(1)&lt;/script&gt; | ops"
        ));
        // The command with a pipe and quotes, in the table and in the chart's tooltip.
        assert!(page.contains("<code>logs db-1 | grep -i &quot;no space&quot;</code>"));
        assert!(page.contains("&lt;p99&gt;"));
    }

    #[test]
    fn candidate_has_no_url_and_locks_itself_down() {
        let page = candidate(&sample());
        assert!(page.contains(
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
             style-src 'unsafe-inline'; img-src data:\">"
        ));
        // `http-equiv` is the one place the letters may appear: it names an attribute.
        let rest = page.replace("http-equiv", "");
        assert!(
            !rest.to_ascii_lowercase().contains("http"),
            "no URL of any kind"
        );
        assert!(!rest.contains("<script") && !rest.contains("src=") && !rest.contains("url("));
    }

    #[test]
    fn candidate_has_the_elements_a_reader_looks_for() {
        let page = candidate(&sample());
        assert_eq!(page.matches("<table class=\"summary\">").count(), 1);
        assert_eq!(page.matches("<section class=\"integrity\">").count(), 1);
        // Only the started scenario has a chart, KPIs and a band.
        assert_eq!(page.matches("<svg class=\"health-chart\"").count(), 1);
        assert_eq!(page.matches("<table class=\"kpis\">").count(), 1);
        assert_eq!(page.matches("<div class=\"band\">").count(), 1);
        assert!(page.find("class=\"integrity\"") > page.find("id=\"scenario-2\""));
    }

    #[test]
    fn chart_marks_every_fault_and_command_with_a_tooltip() {
        let report = sample();
        let s = &report.scenarios[0];
        let svg = chart(s);
        let markers = svg.matches("<g class=\"marker ").count();
        assert_eq!(markers, s.timeline.faults.len() + s.timeline.commands.len());
        assert_eq!(svg.matches("<g class=\"marker fault\"><title>").count(), 1);
        assert_eq!(
            svg.matches("<g class=\"marker command harmful\"><title>")
                .count(),
            1
        );
        assert_eq!(
            svg.matches("<g class=\"resolved\"><title>resolved 02:45</title>")
                .count(),
            1
        );
        assert!(svg.contains("<rect class=\"unhealthy\""));
        assert_eq!(svg.matches("class=\"slo\"").count(), 2);
    }

    #[test]
    fn band_marks_the_run_between_the_baselines() {
        let report = sample();
        let s = &report.scenarios[0];
        let band = band(s.total, s.counterfactual.as_ref().unwrap());
        assert!(band.contains("class=\"band-range\" style=\"left:18.4%;width:75.6%\""));
        assert!(band.contains("class=\"band-mark run\" style=\"left:71.8%\""));
        assert!(band.contains("71% of the way"));
    }

    #[test]
    fn comparison_ranks_by_total_then_name() {
        let reports = vec![
            named("Zoe", 70.0),
            sample(),
            named("Ana", 70.0),
            named("Bo", 88.8),
        ];
        let page = comparison(&reports);
        assert_eq!(page.matches("<table class=\"ranking\">").count(), 1);
        let order: Vec<usize> = ["Bo", "Ana", "Zoe", "Sam O&#39;Hara"]
            .iter()
            .map(|name| page.find(&format!("<td class=\"name\">{name}")).unwrap())
            .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
        assert!(page.contains("<td class=\"num\">2</td><td class=\"name\">Ana"));
        assert!(page.contains("<td class=\"num\">2</td><td class=\"name\">Zoe"));
        assert!(!page.contains("<script"));
        assert!(!page.replace("http-equiv", "").contains("http"));
    }

    #[test]
    fn h_escapes_the_five_characters() {
        assert_eq!(
            h(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    /// Writes the sample pages for a look in a browser: `GAMEDAY_REPORT_PREVIEW=/tmp/dir`.
    #[test]
    fn preview_pages_when_asked() {
        if let Some(dir) = std::env::var_os("GAMEDAY_REPORT_PREVIEW") {
            let dir = std::path::PathBuf::from(dir);
            std::fs::write(dir.join("candidate.html"), candidate(&sample())).unwrap();
            let others = vec![
                sample(),
                named("Ana Pereira", 64.3),
                named("Bo Tanaka", 81.0),
            ];
            std::fs::write(dir.join("comparison.html"), comparison(&others)).unwrap();
        }
    }
}
