//! Metric time series, downsampled as they age: recent detail, older history coarse, so memory
//! stays bounded over long horizons instead of growing per tick. Points are packed losslessly
//! (see [`Points`]), so a steady metric costs next to nothing and a noisy one about half its
//! raw size.

use std::collections::VecDeque;

use scenarios::{Dur, Metric};

/// Points in a packed block.
const BLOCK: usize = 32;

/// How one finished block of [`Points`] is packed: its first point's bits, then each later
/// point as the XOR with the point before, shifted right by `shift` and kept in `width` bits.
#[derive(Clone, Copy, Debug)]
struct Head {
    first: u32,
    shift: u8,
    width: u8,
}

impl Head {
    /// 32-bit words the block's XORs take.
    fn words(self) -> usize {
        ((BLOCK - 1) * usize::from(self.width)).div_ceil(32)
    }
}

/// A sequence of `f32` points, oldest first, packed without loss. Finished blocks of [`BLOCK`]
/// points store each point as the XOR of its bits with the point before (Facebook's Gorilla
/// encoding, *Gorilla: A Fast, Scalable, In-Memory Time Series Database*, VLDB 2015, §4.1.2),
/// leaving out the leading and trailing bits that are zero in every XOR of the block: a steady
/// metric packs to its first point, a metric that moves by about a percent to roughly 18 bits a
/// point. Decoding gives back every bit, so what a series shows never changes.
#[derive(Clone, Debug, Default)]
struct Points {
    /// The packed XORs of the finished blocks, oldest first.
    words: Vec<u32>,
    heads: VecDeque<Head>,
    /// The block being filled.
    open: Vec<f32>,
}

impl Points {
    fn len(&self) -> usize {
        self.heads.len() * BLOCK + self.open.len()
    }

    fn push(&mut self, value: f32) {
        if self.open.capacity() == 0 {
            self.open.reserve_exact(BLOCK);
        }
        self.open.push(value);
        if self.open.len() == BLOCK {
            self.seal();
        }
    }

    /// Packs the open block.
    fn seal(&mut self) {
        let bits: Vec<u32> = self.open.iter().map(|v| v.to_bits()).collect();
        let any = bits.windows(2).fold(0, |acc, w| acc | (w[0] ^ w[1]));
        let (shift, width) = if any == 0 {
            (0, 0)
        } else {
            let shift = any.trailing_zeros();
            (shift, 32 - any.leading_zeros() - shift)
        };
        let head = Head {
            first: bits[0],
            shift: shift as u8,
            width: width as u8,
        };
        self.words.reserve_exact(head.words());
        let (mut acc, mut held) = (0u64, 0u32);
        if width > 0 {
            for w in bits.windows(2) {
                acc |= u64::from((w[0] ^ w[1]) >> shift) << held;
                held += width;
                if held >= 32 {
                    self.words.push(acc as u32);
                    acc >>= 32;
                    held -= 32;
                }
            }
            if held > 0 {
                self.words.push(acc as u32);
            }
        }
        self.heads.push_back(head);
        self.open.clear();
    }

    /// Drops the oldest whole blocks as long as at least `keep` points remain.
    fn trim(&mut self, keep: usize) {
        while self.len() >= keep + BLOCK {
            let Some(head) = self.heads.pop_front() else {
                break;
            };
            self.words.drain(..head.words());
        }
    }

    /// Every point, oldest first.
    fn decode(&self) -> Vec<f32> {
        let mut out = Vec::with_capacity(self.len());
        let mut at = 0;
        for head in &self.heads {
            let n = head.words();
            let words = &self.words[at..at + n];
            at += n;
            let mut prev = head.first;
            out.push(f32::from_bits(prev));
            let width = u32::from(head.width);
            let mask = (1u64 << width) - 1;
            let (mut acc, mut held, mut next) = (0u64, 0u32, 0);
            for _ in 1..BLOCK {
                if held < width {
                    acc |= u64::from(words[next]) << held;
                    next += 1;
                    held += 32;
                }
                let x = ((acc & mask) as u32) << head.shift;
                acc >>= width;
                held -= width;
                prev ^= x;
                out.push(f32::from_bits(prev));
            }
        }
        out.extend_from_slice(&self.open);
        out
    }
}

/// One resolution of a series: averaged buckets of `bucket_ms`, keeping at most `cap` of them.
#[derive(Clone, Debug)]
struct Tier {
    bucket_ms: u64,
    cap: usize,
    points: Points,
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
            points: Points::default(),
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
            self.points.push(mean as f32);
            self.points.trim(self.cap);
            self.last_bucket = self.current;
            self.sum = 0.0;
            self.n = 0;
        }
        self.current = bucket;
        self.sum += value;
        self.n += 1;
        closed
    }

    /// Records a finished bucket's mean for a tier whose samples are summed elsewhere (see
    /// [`MetricSet`]): what [`Tier::push`] does when a bucket closes.
    fn record(&mut self, bucket: u64, mean: f64) {
        self.points.push(mean as f32);
        self.points.trim(self.cap);
        self.last_bucket = bucket;
    }

    /// The bucket in progress and its mean so far, if it has samples.
    fn open(&self) -> Option<(u64, f64)> {
        (self.n > 0).then(|| (self.current, self.sum / self.n as f64))
    }

    /// Points (bucket start, mean) covering the last `span`, oldest first, including the bucket
    /// in progress, `open`.
    fn window(&self, now: Dur, span: Dur, open: Option<(u64, f64)>) -> Vec<(Dur, f32)> {
        let from = now.ms().saturating_sub(span.ms());
        // The packed points may hold up to a block more than `cap`: the newest `cap` are the tier.
        let all = self.points.decode();
        let kept = &all[all.len().saturating_sub(self.cap)..];
        let len = kept.len() as u64;
        let mut out: Vec<(Dur, f32)> = kept
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let bucket = self.last_bucket + 1 + i as u64 - len;
                (Dur(bucket * self.bucket_ms), *v)
            })
            .filter(|(t, _)| t.ms() >= from)
            .collect();
        if let Some((current, mean)) = open {
            out.push((Dur(current * self.bucket_ms), mean as f32));
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

    /// Records the mean of a finished finest bucket, for a series whose samples [`MetricSet`]
    /// sums: the finest tier keeps it and each coarser tier is fed it, as [`Series::push`] does.
    fn closed(&mut self, bucket: u64, mean: f64) {
        let [fine, mid, coarse] = &mut self.tiers;
        fine.record(bucket, mean);
        if let Some((t, mean)) = mid.push(Dur(bucket * fine.bucket_ms), mean) {
            coarse.push(t, mean);
        }
    }

    /// The finest history that covers `span`, as (bucket start, mean) points, oldest first;
    /// `open` is the finest bucket in progress.
    fn window(&self, now: Dur, span: Dur, open: Option<(u64, f64)>) -> (Dur, Vec<(Dur, f32)>) {
        let i = self
            .tiers
            .iter()
            .position(|t| t.span() >= span.ms())
            .unwrap_or(2);
        let tier = &self.tiers[i];
        let open = if i == 0 { open } else { tier.open() };
        (Dur(tier.bucket_ms), tier.window(now, span, open))
    }
}

/// One metric of a [`MetricSet`] as it stands: its latest value and its history.
#[derive(Clone, Copy, Debug)]
pub struct SeriesView<'a> {
    series: &'a Series,
    latest: f64,
    /// The finest bucket in progress and its mean so far.
    open: Option<(u64, f64)>,
}

impl SeriesView<'_> {
    pub fn latest(&self) -> f64 {
        self.latest
    }

    /// The finest history that covers `span`, as (bucket start, mean) points, oldest first.
    pub fn window(&self, now: Dur, span: Dur) -> (Dur, Vec<(Dur, f32)>) {
        self.series.window(now, span, self.open)
    }

    /// See [`Series::past_window`].
    pub fn past_window(&self, now: Dur, span: Dur, bucket: Dur) -> (Dur, Vec<f32>) {
        self.series.past_window(now, span, bucket)
    }
}

/// Metrics every host and service reports each tick, in `Metric` order.
const COMMON: usize = 7;

/// The finest bucket in progress of the seven common metrics. They are always sampled together,
/// so one bucket number and count serve all seven, and a tick writes this alone rather than
/// seven series spread over memory; each series hears of a bucket only when it closes.
#[derive(Clone, Debug)]
struct Open {
    current: u64,
    n: u32,
    sums: [f64; COMMON],
    latest: [f64; COMMON],
}

/// The standard metrics of one host or service.
#[derive(Clone, Debug)]
pub struct MetricSet {
    open: Open,
    /// The finest bucket, ms.
    fine_ms: u64,
    /// Boxed, so the sets of an estate's hosts lie close together and a tick, which writes only
    /// each set's `open`, walks a few cache lines per host rather than the whole history's.
    series: Box<[Series; Metric::ALL.len()]>,
}

impl MetricSet {
    pub fn new(tick: Dur) -> MetricSet {
        let series: Box<[Series; Metric::ALL.len()]> =
            Box::new(std::array::from_fn(|_| Series::new(tick)));
        MetricSet {
            open: Open {
                current: 0,
                n: 0,
                sums: [0.0; COMMON],
                latest: [0.0; COMMON],
            },
            fine_ms: series[0].tiers[0].bucket_ms,
            series,
        }
    }

    pub fn get(&self, metric: Metric) -> SeriesView<'_> {
        let i = metric as usize;
        let series = &self.series[i];
        if i < COMMON {
            let o = &self.open;
            SeriesView {
                series,
                latest: o.latest[i],
                open: (o.n > 0).then(|| (o.current, o.sums[i] / o.n as f64)),
            }
        } else {
            SeriesView {
                series,
                latest: series.latest,
                open: series.tiers[0].open(),
            }
        }
    }

    /// Records the seven metrics every host and service reports, in `Metric` order. The same
    /// arithmetic as [`Series::push`] on each, with the finest bucket's sums kept together.
    pub fn push(&mut self, at: Dur, values: [f64; COMMON]) {
        let o = &mut self.open;
        o.latest = values;
        // Most pushes land in the bucket in progress: no division needed.
        if o.n > 0 && at.ms() < (o.current + 1) * self.fine_ms {
            for (sum, v) in o.sums.iter_mut().zip(values) {
                *sum += v;
            }
            o.n += 1;
            return;
        }
        let bucket = at.ms() / self.fine_ms;
        if bucket != o.current && o.n > 0 {
            for (series, sum) in self.series.iter_mut().zip(&mut o.sums) {
                series.closed(o.current, *sum / o.n as f64);
                *sum = 0.0;
            }
            o.n = 0;
        }
        o.current = bucket;
        for (sum, v) in o.sums.iter_mut().zip(values) {
            *sum += v;
        }
        o.n += 1;
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
    fn packed_points_decode_to_every_bit_pushed() {
        // Steady stretches, slow drifts, noise, sign changes, zeros, huge and tiny values.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut values = Vec::new();
        for i in 0..2_000u32 {
            let r = next();
            values.push(match (i / 100) % 5 {
                0 => 42.5,
                1 => 300.0 * (1.0 + (r % 1_000) as f32 / 50_000.0),
                2 => f32::from_bits(r as u32),
                3 => [0.0, -0.0, 1e-30, -7.25e30][(r % 4) as usize],
                _ => i as f32 * 0.1,
            });
        }
        let mut points = Points::default();
        let mut reference: VecDeque<f32> = VecDeque::new();
        for &v in &values {
            points.push(v);
            points.trim(700);
            reference.push_back(v);
            if reference.len() > 700 {
                reference.pop_front();
            }
            let all = points.decode();
            let kept = &all[all.len().saturating_sub(700)..];
            assert!(kept.len() == reference.len());
            assert!(
                kept.iter()
                    .zip(&reference)
                    .all(|(a, b)| a.to_bits() == b.to_bits())
            );
        }
        // A steady series packs to a few bytes a block.
        let mut steady = Points::default();
        for _ in 0..(BLOCK * 20) {
            steady.push(12.5);
        }
        assert!(steady.words.is_empty());
        assert_eq!(steady.heads.len(), 20);
    }

    #[test]
    fn series_keeps_recent_detail_and_coarse_history() {
        let mut s = Series::new(Dur::from_secs(1));
        for t in 0..(3 * 3_600) {
            s.push(Dur::from_secs(t), t as f64);
        }
        let now = Dur::from_secs(3 * 3_600 - 1);
        let (bucket, points) = s.window(now, Dur::from_mins(30), s.tiers[0].open());
        assert_eq!(bucket, Dur::from_secs(10));
        assert_eq!(points.len(), 180);
        // Each 10 s bucket averages its samples: the last full one is 10780..10789.
        assert_eq!(points[points.len() - 2], (Dur::from_secs(10_780), 10_784.5));
        let (bucket, points) = s.window(now, Dur::from_mins(180), s.tiers[0].open());
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
