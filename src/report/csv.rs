//! Candidates compared as CSV, one row each, best first, for an applicant-tracking system or a
//! spreadsheet. Quoting is the `csv` crate's (RFC 4180); text a spreadsheet would run as a
//! formula is defused with a leading `'`.

use super::model::{Report, Status};
use super::{one_decimal, places, ranked, scenario_columns};

/// A header row and one row per candidate, ranked as in [`ranked`]. Each scenario of the packs
/// gets a `<id>_total` and a `<id>_status` column; a candidate whose pack lacks it leaves both
/// empty.
pub fn comparison(reports: &[Report]) -> String {
    let ranked = ranked(reports);
    let places = places(&ranked);
    let columns = scenario_columns(&ranked);

    let mut header: Vec<String> = [
        "rank",
        "candidate",
        "pack",
        "role",
        "level",
        "seed",
        "total",
        "pass_line",
        "passed",
        "complete",
    ]
    .map(String::from)
    .to_vec();
    for c in &columns {
        header.push(cell(&format!("{}_total", c.id)));
        header.push(cell(&format!("{}_status", c.id)));
    }
    header.extend(["commands", "wall_used_s", "idle_gaps", "bursts", "resumes"].map(String::from));

    let mut out = ::csv::Writer::from_writer(Vec::new());
    out.write_record(&header)
        .expect("writing to memory cannot fail");
    for (r, place) in ranked.iter().zip(places) {
        let mut row = vec![
            place.to_string(),
            cell(&r.candidate),
            cell(&r.pack.id),
            cell(&r.pack.role),
            cell(&r.pack.level),
            r.seed.to_string(),
            one_decimal(r.total),
            one_decimal(r.pack.pass),
            r.passed.to_string(),
            r.complete.to_string(),
        ];
        for c in &columns {
            match r.scenarios.iter().find(|s| s.id == c.id) {
                Some(s) => {
                    row.push(one_decimal(s.total));
                    row.push(status_key(s.status));
                }
                None => row.extend([String::new(), String::new()]),
            }
        }
        let i = &r.integrity;
        row.extend([
            i.commands.to_string(),
            one_decimal(i.wall_used_s),
            i.idle_gaps.len().to_string(),
            i.bursts.len().to_string(),
            i.resumes.len().to_string(),
        ]);
        out.write_record(&row)
            .expect("writing to memory cannot fail");
    }
    let bytes = out.into_inner().expect("flushing to memory cannot fail");
    String::from_utf8(bytes).expect("every field is a Rust string")
}

/// Text as a spreadsheet will take it: a cell starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return would be read as a formula, so it gets a leading `'`, which spreadsheets
/// show as text and hide.
fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// The status as the JSON report spells it (`not_started`), for machines.
fn status_key(status: Status) -> String {
    match serde_json::to_value(status) {
        Ok(serde_json::Value::String(key)) => key,
        _ => unreachable!("Status serialises as a string"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample::{NAME, named, sample};

    #[test]
    fn comparison_sample_snapshot() {
        let reports = vec![
            sample(),
            named("Ana Pereira", 64.3),
            named("Abe Lind", 35.9),
        ];
        insta::assert_snapshot!(comparison(&reports));
    }

    /// Reads the CSV back with a strict reader: the quoting round-trips whatever the name holds.
    fn parse(text: &str) -> Vec<Vec<String>> {
        ::csv::Reader::from_reader(text.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect()
    }

    #[test]
    fn names_with_commas_and_quotes_round_trip() {
        let text = comparison(&[sample()]);
        assert!(text.contains(r#""Sam O'Hara, ""Jr"" <script>"#), "{text}");
        assert_eq!(parse(&text)[0][1], NAME);
    }

    #[test]
    fn formula_like_names_are_defused() {
        let reports = vec![
            named("=HYPERLINK(\"x\",\"y\")", 50.0),
            named("+1", 40.0),
            named("-2+3", 30.0),
            named("@SUM(A1)", 20.0),
            named("Plain", 10.0),
        ];
        let rows = parse(&comparison(&reports));
        let names: Vec<&str> = rows.iter().map(|r| r[1].as_str()).collect();
        assert_eq!(
            names,
            [
                "'=HYPERLINK(\"x\",\"y\")",
                "'+1",
                "'-2+3",
                "'@SUM(A1)",
                "Plain"
            ]
        );
    }

    #[test]
    fn rows_are_ranked_and_scenarios_have_columns() {
        let reports = vec![named("Low", 20.0), named("High", 90.0)];
        let text = comparison(&reports);
        let header = text.lines().next().unwrap();
        assert!(header.contains(
            "complete,db-disk-full_total,db-disk-full_status,\
             expired-api-cert_total,expired-api-cert_status,commands"
        ));
        let rows = parse(&text);
        assert_eq!((rows[0][0].as_str(), rows[0][1].as_str()), ("1", "High"));
        assert_eq!((rows[1][0].as_str(), rows[1][1].as_str()), ("2", "Low"));
        assert_eq!(rows[0][11], "resolved");
        assert_eq!(rows[0][13], "not_started");
    }
}
