//! `table`: aligned columns, text left and numbers right, shared by every tabular screen.

use super::format::width;
use super::style::{Style, Tone};

/// Suffixes a numeric cell may carry.
const UNITS: [&str; 3] = ["%", "ms", "GB"];

/// One cell: its text, and what it means (painted only when colour is on).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Cell {
    pub text: String,
    pub tone: Tone,
}

impl Cell {
    pub(crate) fn new(text: impl Into<String>, tone: Tone) -> Cell {
        Cell {
            text: text.into(),
            tone,
        }
    }

    pub(crate) fn plain(text: impl Into<String>) -> Cell {
        Cell::new(text, Tone::Plain)
    }
}

/// Renders a header line and one line per row. A column whose cells are all numbers (blank
/// and `-` cells aside) is right-aligned, header included; others are left-aligned. Columns are
/// separated by two spaces and no line has trailing spaces.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let rows: Vec<Vec<Cell>> = rows
        .iter()
        .map(|row| row.iter().map(|text| Cell::plain(text.as_str())).collect())
        .collect();
    render(headers, &rows, Style::default())
}

/// [`table`] with painted cells and, when colour is on, a bold header.
pub(crate) fn render(headers: &[&str], rows: &[Vec<Cell>], style: Style) -> String {
    let columns = rows
        .iter()
        .map(Vec::len)
        .chain([headers.len()])
        .max()
        .unwrap_or(0);
    if columns == 0 {
        return String::new();
    }
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .map(|row| width(text(row, c)))
                .chain([headers.get(c).map_or(0, |h| width(h))])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let numeric: Vec<bool> = (0..columns)
        .map(|c| {
            let cells: Vec<&str> = rows
                .iter()
                .map(|row| text(row, c).trim())
                .filter(|t| !t.is_empty() && *t != "-")
                .collect();
            !cells.is_empty() && cells.iter().all(|t| is_numeric(t))
        })
        .collect();
    let header: Vec<Cell> = (0..columns)
        .map(|c| Cell::plain(headers.get(c).copied().unwrap_or("")))
        .collect();
    let mut out = style.paint(
        Tone::Bold,
        &line(&header, &widths, &numeric, Style::default()),
    );
    out.push('\n');
    for row in rows {
        out.push_str(&line(row, &widths, &numeric, style));
        out.push('\n');
    }
    out
}

/// One row padded to the column widths, without trailing spaces or a newline.
fn line(row: &[Cell], widths: &[usize], numeric: &[bool], style: Style) -> String {
    let mut line = String::new();
    for (c, (&w, &right)) in widths.iter().zip(numeric).enumerate() {
        if c > 0 {
            line.push_str("  ");
        }
        let (cell, tone) = row
            .get(c)
            .map_or(("", Tone::Plain), |cell| (cell.text.as_str(), cell.tone));
        let pad = " ".repeat(w - width(cell));
        if right {
            line.push_str(&pad);
            line.push_str(&style.paint(tone, cell));
        } else {
            line.push_str(&style.paint(tone, cell));
            line.push_str(&pad);
        }
    }
    line.truncate(line.trim_end().len());
    line
}

/// The text of column `c` of `row`, blank where the row is short.
fn text(row: &[Cell], c: usize) -> &str {
    row.get(c).map_or("", |cell| cell.text.as_str())
}

/// Whether a cell reads as a number once a unit suffix (`%`, `ms`, `GB`) is taken off.
fn is_numeric(cell: &str) -> bool {
    let bare = UNITS
        .iter()
        .find_map(|unit| cell.strip_suffix(unit))
        .unwrap_or(cell)
        .trim();
    bare.parse::<f64>().is_ok_and(f64::is_finite)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(cells: &[&[&str]]) -> Vec<Vec<String>> {
        cells
            .iter()
            .map(|r| r.iter().map(|c| (*c).to_owned()).collect())
            .collect()
    }

    #[test]
    fn table_aligns_text_left_and_numbers_right() {
        let out = table(
            &["host", "state", "cpu %", "p99"],
            &rows(&[
                &["app-1", "running", "45", "12 ms"],
                &["db-10", "crash-loop", "100", "840 ms"],
            ]),
        );
        assert_eq!(
            out,
            "host   state       cpu %     p99\n\
             app-1  running        45   12 ms\n\
             db-10  crash-loop    100  840 ms\n"
        );
    }

    #[test]
    fn table_has_no_trailing_spaces_and_tolerates_short_rows() {
        let out = table(&["name", "note"], &rows(&[&["a"], &["bbbb", "x"]]));
        assert_eq!(out, "name  note\na\nbbbb  x\n");
        assert!(out.lines().all(|l| !l.ends_with(' ')));
    }

    #[test]
    fn table_ignores_dashes_when_deciding_a_column_is_numeric() {
        let out = table(
            &["since", "value"],
            &rows(&[&["02:14", "-"], &["-", "96.5%"]]),
        );
        assert_eq!(out, "since  value\n02:14      -\n-      96.5%\n");
    }

    #[test]
    fn is_numeric_strips_one_unit() {
        assert!(is_numeric("92.8%"));
        assert!(is_numeric("840 ms"));
        assert!(is_numeric("232.0 GB"));
        assert!(is_numeric("-3"));
        assert!(!is_numeric("3/4"));
        assert!(!is_numeric("inf"));
        assert!(!is_numeric("db-1"));
    }

    #[test]
    fn render_pads_outside_the_colour_codes() {
        let style = Style { color: true };
        let out = render(
            &["state", "n"],
            &[vec![Cell::new("down", Tone::Red), Cell::plain("1")]],
            style,
        );
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "\x1b[1mstate  n\x1b[0m");
        assert_eq!(lines[1], "\x1b[31mdown\x1b[0m   1");
    }
}
