//! `sparkline`: a series as one line of block glyphs, lowest value `▁`, highest `█`.

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// Draws `values` in at most `width` columns, each the mean of the values it covers, scaled
/// between the lowest and highest column. A flat series is all `▁`, or all `▄` when the
/// value is above zero (a steady non-zero load is not nothing). Non-finite values are skipped;
/// a column with none left is a space. Empty input (or zero width) draws nothing.
pub fn sparkline(values: &[f32], width: usize) -> String {
    let columns = resample(values, width);
    let drawn = columns.iter().flatten().copied();
    let (Some(low), Some(high)) = (drawn.clone().reduce(f64::min), drawn.reduce(f64::max)) else {
        return " ".repeat(columns.len());
    };
    columns
        .iter()
        .map(|column| match *column {
            None => ' ',
            Some(v) if high > low => {
                let step = ((v - low) / (high - low) * 7.0).round();
                BARS[(step as usize).min(7)]
            }
            Some(v) if v > 0.0 => BARS[3],
            Some(_) => BARS[0],
        })
        .collect()
}

/// Means of the finite values in `min(len, width)` equal slices of `values`.
fn resample(values: &[f32], width: usize) -> Vec<Option<f64>> {
    let n = values.len();
    let count = n.min(width);
    (0..count)
        .map(|i| {
            let slice = &values[i * n / count..(i + 1) * n / count];
            let finite: Vec<f64> = slice
                .iter()
                .filter(|v| v.is_finite())
                .map(|&v| f64::from(v))
                .collect();
            (!finite.is_empty()).then(|| finite.iter().sum::<f64>() / finite.len() as f64)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparkline_spans_the_whole_glyph_range() {
        let values: Vec<f32> = (0..8).map(|i| i as f32).collect();
        assert_eq!(sparkline(&values, 60), "▁▂▃▄▅▆▇█");
    }

    #[test]
    fn sparkline_resamples_to_the_mean_of_each_column() {
        // Pairs average to 0, 0, 10, 10: two columns low, two high.
        let values = [0.0, 0.0, 0.0, 0.0, 10.0, 10.0, 10.0, 10.0];
        assert_eq!(sparkline(&values, 4), "▁▁██");
        let long: Vec<f32> = (0..180).map(|i| i as f32).collect();
        let line = sparkline(&long, 60);
        assert_eq!(line.chars().count(), 60);
        assert!(line.starts_with('▁') && line.ends_with('█'));
    }

    #[test]
    fn sparkline_never_draws_wider_than_asked() {
        let values: Vec<f32> = (0..7).map(|i| (i * i) as f32).collect();
        for width in 1..10 {
            assert_eq!(sparkline(&values, width).chars().count(), width.min(7));
        }
    }

    #[test]
    fn sparkline_draws_flat_series_low_or_mid() {
        assert_eq!(sparkline(&[0.0; 5], 10), "▁▁▁▁▁");
        assert_eq!(sparkline(&[42.0; 3], 10), "▄▄▄");
    }

    #[test]
    fn sparkline_of_nothing_is_empty() {
        assert_eq!(sparkline(&[], 10), "");
        assert_eq!(sparkline(&[1.0, 2.0], 0), "");
    }

    #[test]
    fn sparkline_skips_non_finite_values() {
        assert_eq!(sparkline(&[0.0, f32::NAN, 7.0], 10), "▁ █");
        assert_eq!(sparkline(&[f32::NAN, f32::NAN], 10), "  ");
    }
}
