//! Metric time series, downsampled as they age: recent detail, older history coarse, so memory
//! stays bounded over long horizons instead of growing per tick.

use std::collections::VecDeque;

use scenarios::{Dur, Metric};

/// One resolution of a series: averaged buckets of `bucket_ms`, keeping at most `cap` of them.
#[derive(Clone, Debug)]
struct Tier {
    bucket_ms: u64,
    cap: usize,
    points: VecDeque<f32>,
    /// Bucket number of the newest finished point.
    last_bucket: u64,
    current: u64,
    sum: f64,
    n: u32,
}

impl Tier {
    fn new(bucket_ms: u64, cap: usize) -> Tier {
        Tier {
            bucket_ms,
            cap,
            points: VecDeque::new(),
            last_bucket: 0,
            current: 0,
            sum: 0.0,
            n: 0,
        }
    }

    /// Adds a sample; returns the mean of the bucket it closed, if it closed one.
    fn push(&mut self, at: Dur, value: f64) -> Option<(Dur, f64)> {
        // Most pushes land in the bucket in progress: no division needed.
        if self.n > 0 && at.ms() < (self.current + 1) * self.bucket_ms {
            self.sum += value;
            self.n += 1;
            return None;
        }
        let bucket = at.ms() / self.bucket_ms;
        let mut closed = None;
        if bucket != self.current && self.n > 0 {
            let mean = self.sum / self.n as f64;
            closed = Some((Dur(self.current * self.bucket_ms), mean));
            self.points.push_back(mean as f32);
            if self.points.len() > self.cap {
                self.points.pop_front();
            }
            self.last_bucket = self.current;
            self.sum = 0.0;
            self.n = 0;
        }
        self.current = bucket;
        self.sum += value;
        self.n += 1;
        closed
    }

    /// Points (bucket start, mean) covering the last `span`, oldest first, including the bucket in progress.
    fn window(&self, now: Dur, span: Dur) -> Vec<(Dur, f32)> {
        let from = now.ms().saturating_sub(span.ms());
        let len = self.points.len() as u64;
        let mut out: Vec<(Dur, f32)> = self
            .points
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let bucket = self.last_bucket + 1 + i as u64 - len;
                (Dur(bucket * self.bucket_ms), *v)
            })
            .filter(|(t, _)| t.ms() >= from)
            .collect();
        if self.n > 0 {
            out.push((
                Dur(self.current * self.bucket_ms),
                (self.sum / self.n as f64) as f32,
            ));
        }
        out
    }

    fn span(&self) -> u64 {
        self.bucket_ms * self.cap as u64
    }
}

/// A metric's history at three resolutions.
#[derive(Clone, Debug)]
pub struct Series {
    tiers: [Tier; 3],
    latest: f64,
    /// Hourly means from before the start (synthesised history), oldest first, ending at t = 0.
    past: Vec<f32>,
}

/// The bucket of synthesised history before the start.
pub const PAST_BUCKET: Dur = Dur(3_600_000);

impl Series {
    /// `tick` sets the finest resolution: ten seconds, or the tick if coarser.
    pub fn new(tick: Dur) -> Series {
        let fine = tick.ms().max(10_000);
        // At hourly ticks (capacity horizons of months to a year) the coarsest tier keeps days,
        // so a year's history fits; otherwise hours, as for an incident's week.
        let coarse = if fine >= 3_600_000 {
            86_400_000
        } else {
            3_600_000
        };
        Series {
            tiers: [
                Tier::new(fine, 720),
                Tier::new(fine.max(300_000), 2_016),
                Tier::new(fine.max(coarse), 2_400),
            ],
            latest: 0.0,
            past: Vec::new(),
        }
    }

    /// Sets the history from before the start: hourly means, oldest first, the last ending at t = 0.
    pub fn set_past(&mut self, hourly: Vec<f32>) {
        self.past = hourly;
    }

    /// History from before the start that a window of `span` at `now` reaches back into, in
    /// buckets of `bucket` (rounded to whole hours, at least one), oldest first, the last ending
    /// at t = 0. Returns the bucket used and the means.
    pub fn past_window(&self, now: Dur, span: Dur, bucket: Dur) -> (Dur, Vec<f32>) {
        let hour = PAST_BUCKET.ms();
        let group = (bucket.ms() / hour).max(1) as usize;
        let before = span.ms().saturating_sub(now.ms());
        let groups = before.div_ceil(hour * group as u64) as usize;
        let take = (groups * group).min(self.past.len() / group * group);
        let from = self.past.len() - take;
        let points = self.past[from..]
            .chunks(group)
            .map(|c| c.iter().map(|&v| f64::from(v)).sum::<f64>() as f32 / c.len() as f32)
            .collect();
        (Dur(hour * group as u64), points)
    }

    /// Records a sample. Only the finest tier sees every sample; each coarser tier is fed the
    /// mean of every finished bucket below it, which is the same average because every fine
    /// bucket holds the same number of ticks.
    pub fn push(&mut self, at: Dur, value: f64) {
        self.latest = value;
        let [fine, mid, coarse] = &mut self.tiers;
        if let Some((t, mean)) = fine.push(at, value)
            && let Some((t, mean)) = mid.push(t, mean)
        {
            coarse.push(t, mean);
        }
    }

    pub fn latest(&self) -> f64 {
        self.latest
    }

    /// The finest history that covers `span`, as (bucket start, mean) points, oldest first.
    pub fn window(&self, now: Dur, span: Dur) -> (Dur, Vec<(Dur, f32)>) {
        let tier = self
            .tiers
            .iter()
            .find(|t| t.span() >= span.ms())
            .unwrap_or(&self.tiers[2]);
        (Dur(tier.bucket_ms), tier.window(now, span))
    }
}

/// The standard metrics of one host or service.
#[derive(Clone, Debug)]
pub struct MetricSet {
    series: [Series; Metric::ALL.len()],
}

impl MetricSet {
    pub fn new(tick: Dur) -> MetricSet {
        MetricSet {
            series: std::array::from_fn(|_| Series::new(tick)),
        }
    }

    pub fn get(&self, metric: Metric) -> &Series {
        &self.series[metric as usize]
    }

    /// Records the seven metrics every host and service reports, in `Metric` order.
    pub fn push(&mut self, at: Dur, values: [f64; 7]) {
        for (series, value) in self.series.iter_mut().zip(values) {
            series.push(at, value);
        }
    }

    /// Records one metric kept only where it applies (CPU steal, on VMs).
    pub fn push_one(&mut self, metric: Metric, at: Dur, value: f64) {
        self.series[metric as usize].push(at, value);
    }

    /// Sets the history before the start of the seven metrics every host and service reports,
    /// from hourly rows (CPU steal, on VMs only, has none).
    pub fn set_past(&mut self, rows: &[[f32; 7]]) {
        for (i, series) in self.series.iter_mut().take(7).enumerate() {
            series.set_past(rows.iter().map(|r| r[i]).collect());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_keeps_recent_detail_and_coarse_history() {
        let mut s = Series::new(Dur::from_secs(1));
        for t in 0..(3 * 3_600) {
            s.push(Dur::from_secs(t), t as f64);
        }
        let now = Dur::from_secs(3 * 3_600 - 1);
        let (bucket, points) = s.window(now, Dur::from_mins(30));
        assert_eq!(bucket, Dur::from_secs(10));
        assert_eq!(points.len(), 180);
        // Each 10 s bucket averages its samples: the last full one is 10780..10789.
        assert_eq!(points[points.len() - 2], (Dur::from_secs(10_780), 10_784.5));
        let (bucket, points) = s.window(now, Dur::from_mins(180));
        assert_eq!(bucket, Dur::from_mins(5));
        assert_eq!(points.len(), 36);
    }

    #[test]
    fn history_before_the_start_is_grouped_into_the_window_bucket() {
        let mut s = Series::new(Dur::from_mins(60));
        s.set_past((0..240).map(|h| h as f32).collect());
        // Two hours into the run, a 12 h window reaches 10 h back before the start.
        let (bucket, past) = s.past_window(Dur::from_mins(120), Dur::from_mins(720), PAST_BUCKET);
        assert_eq!(bucket, PAST_BUCKET);
        assert_eq!(past, (230..240).map(|h| h as f32).collect::<Vec<_>>());
        // In daily buckets: the last 24 hours average 227.5, the 24 before 203.5.
        let day = Dur::from_mins(1_440);
        let (bucket, past) = s.past_window(Dur::ZERO, Dur::from_mins(2 * 1_440), day);
        assert_eq!((bucket, past), (day, vec![203.5, 227.5]));
        // A window wholly inside the run reaches back into none of it.
        assert!(
            s.past_window(Dur::from_mins(600), Dur::from_mins(60), day)
                .1
                .is_empty()
        );
    }
}
