//! The `metrics` screen: one metric of one host or service as a sparkline with its range.

use engine::MetricsView;
use scenarios::{Dur, clock_label_signed};

use super::format::{clock, fixed};
use super::style::{Style, Tone};

/// Columns the sparkline may use.
const SPARK_WIDTH: usize = 60;

pub(crate) fn metrics(v: &MetricsView, start: &str, style: Style) -> String {
    let unit = v.metric.unit();
    let what = if unit.is_empty() {
        v.metric.label().to_owned()
    } else {
        format!("{} ({unit})", v.metric.label())
    };
    let mut header = format!(
        "{} {what} over the last {}, {} buckets",
        v.target, v.last, v.bucket
    );
    if !v.past.is_empty() {
        header.push_str(&format!(
            " ({} of it from before the start)",
            Dur(v.past_bucket.ms() * v.past.len() as u64)
        ));
    }
    let mut out = style.paint(Tone::Bold, &header);
    out.push('\n');
    let values: Vec<f32> = v
        .past
        .iter()
        .copied()
        .chain(v.points.iter().map(|&(_, value)| value))
        .collect();
    let Some(&latest) = values.last() else {
        out.push_str("no data yet\n");
        return out;
    };
    let from = match v.points.first() {
        _ if !v.past.is_empty() => {
            let ago = v.past_bucket.ms().saturating_mul(v.past.len() as u64);
            clock_label_signed(start, -i64::try_from(ago).unwrap_or(i64::MAX))
        }
        Some(first) => clock(start, first.0),
        None => clock(start, Dur::ZERO),
    };
    // The history before the start ends at the start when no bucket of the run has closed yet.
    let to = v.points.last().map_or(Dur::ZERO, |last| last.0);
    out.push_str(&format!(
        "{from} {} {}\n",
        super::sparkline(&values, SPARK_WIDTH),
        clock(start, to)
    ));
    let finite = values
        .iter()
        .filter(|v| v.is_finite())
        .map(|&v| f64::from(v));
    let low = finite.clone().reduce(f64::min).unwrap_or(f64::NAN);
    let high = finite.reduce(f64::max).unwrap_or(f64::NAN);
    let suffix = if unit.is_empty() {
        String::new()
    } else {
        format!(" {unit}")
    };
    out.push_str(&format!(
        "min {}  max {}  last {}{suffix}\n",
        fixed(low, 1),
        fixed(high, 1),
        fixed(f64::from(latest), 1)
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use scenarios::Metric;

    fn view(points: Vec<(Dur, f32)>) -> MetricsView {
        MetricsView {
            target: "db-1".into(),
            metric: Metric::Disk,
            last: Dur::from_mins(30),
            bucket: Dur::from_secs(10),
            points,
            past: vec![],
            past_bucket: Dur::from_mins(60),
        }
    }

    #[test]
    fn metrics_draws_the_series_between_its_clock_labels() {
        let points: Vec<(Dur, f32)> = (0..8)
            .map(|i| (Dur::from_secs(i * 10), 81.2 + i as f32 * 2.0))
            .collect();
        let out = metrics(&view(points), "02:00", Style::default());
        assert_eq!(
            out,
            "db-1 disk (%) over the last 30m, 10s buckets\n\
             02:00 ▁▂▃▄▅▆▇█ 02:01\n\
             min 81.2  max 95.2  last 95.2 %\n"
        );
    }

    #[test]
    fn metrics_resamples_a_long_window_to_sixty_columns() {
        let points: Vec<(Dur, f32)> = (0..180)
            .map(|i| (Dur::from_secs(i * 10), i as f32))
            .collect();
        let out = metrics(&view(points), "02:00", Style::default());
        let line = out.lines().nth(1).unwrap();
        assert!(line.starts_with("02:00 ▁"));
        assert!(line.ends_with("█ 02:29"));
        assert_eq!(line.chars().count(), 5 + 1 + 60 + 1 + 5);
    }

    #[test]
    fn metrics_without_points_says_no_data_yet() {
        let out = metrics(&view(vec![]), "02:00", Style::default());
        assert_eq!(
            out,
            "db-1 disk (%) over the last 30m, 10s buckets\nno data yet\n"
        );
    }

    #[test]
    fn metrics_leaves_out_an_empty_unit() {
        let mut v = view(vec![(Dur::ZERO, 12.0)]);
        v.metric = Metric::Connections;
        let out = metrics(&v, "02:00", Style::default());
        assert!(out.starts_with("db-1 connections over the last 30m"));
        assert!(out.ends_with("min 12.0  max 12.0  last 12.0\n"));
    }

    #[test]
    fn metrics_starts_its_label_before_the_start_when_history_is_shown() {
        let mut v = view(vec![(Dur::ZERO, 3.0), (Dur::from_mins(60), 4.0)]);
        v.past = vec![1.0, 2.0];
        v.past_bucket = Dur::from_mins(1_440);
        v.bucket = Dur::from_mins(60);
        let out = metrics(&v, "2026-10-05 09:00", Style::default());
        assert!(out.contains("(2d of it from before the start)"), "{out}");
        assert!(
            out.contains("Sat 03 Oct 09:00 ▁▃▆█ Mon 05 Oct 10:00"),
            "{out}"
        );
    }
}
