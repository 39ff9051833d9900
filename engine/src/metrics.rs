//! Metric time series, downsampled as they age: recent detail, older history coarse, so memory
//! stays bounded over long horizons instead of growing per tick. In a big estate a host's points
//! are packed losslessly (see [`Points`]), so a steady metric costs next to nothing and a noisy
//! one about two thirds of its raw size; services, and the hosts of a small estate, keep raw
//! points in rings (see [`Points::push_raw`]), where the packing would cost time and save little.
//!
//! A service keeps 10 s buckets for 2 h, 5 min buckets for a week and hourly ones for 100 days.
//! A host keeps less fine history (see [`Shape::host`]): an estate has hundreds of hosts for
//! every service, and it is the hosts' history that decides how much memory a run needs. Hosts
//! that report alike share one history until one of them differs (see [`HostSets`]).

use std::sync::Arc;

use scenarios::{Dur, Metric};

/// Points in a packed block: the unit in which old points are dropped.
const BLOCK: u32 = 32;

/// Most tiers a series has.
const TIERS: usize = 3;

/// A sequence of `f32` points, oldest first, packed without loss as one bit stream. Each point
/// is stored as the XOR of its bits with the point before (Facebook's Gorilla encoding,
/// *Gorilla: A Fast, Scalable, In-Memory Time Series Database*, VLDB 2015, §4.1.2), with a
/// one-bit control rather than Gorilla's two: `0` and the XOR's meaningful bits in the window
/// of leading and trailing zeros last written (none, before the block's first window: a
/// repeat then costs the one bit), or `1`, a new window (5 bits of leading zeros, 5 of width)
/// and the bits. Every [`BLOCK`] points the stream restarts with a point's raw bits, so the
/// oldest block can be dropped whole. A steady metric packs to a bit a point, one that moves by
/// about a percent to roughly 20. Points are written as they come, with no buffer of unpacked
/// ones, and decoding gives back every bit, so what a series shows never changes.
///
/// A series holds three of these for each of an estate's hosts' seven metrics, so the struct is
/// kept to 32 bytes: the words' room is a boxed slice (its length is the capacity; the whole
/// words written are the first `end / 32`), and the small fields share one `u16`.
#[derive(Clone, Debug, Default)]
struct Points {
    /// The stream's whole words, then unused room. The word being written is kept in `tail`
    /// until it fills, so a point written touches the series' own fields, not its heap words (a
    /// host's seven metrics would otherwise cost seven cache misses a bucket).
    words: Box<[u32]>,
    /// The bits written past the last whole word (the rest zero).
    tail: u32,
    /// Bits written, counted from the start of `words[0]`.
    end: u32,
    /// Bits of the newest point.
    prev: u32,
    /// Points held (a tier keeps at most 2,400 and a block more).
    len: u16,
    /// Bits 0-4: the bit of `words[0]` at which the oldest point starts. Bits 5-9 and 10-15:
    /// the window last written, leading zeros and width of the meaningful bits (width 0: none
    /// yet in this block).
    marks: u16,
}

/// Reads a [`Points`] stream back, point by point.
struct Decoder<'a> {
    words: &'a [u32],
    tail: u32,
    pos: u32,
    prev: u32,
    lead: u32,
    width: u32,
}

impl Decoder<'_> {
    fn read(&mut self, n: u32) -> u32 {
        let (i, off) = ((self.pos / 32) as usize, self.pos % 32);
        let word = |i: usize| self.words.get(i).copied().unwrap_or(self.tail);
        let mut v = u64::from(word(i)) >> off;
        if off + n > 32 {
            v |= u64::from(word(i + 1)) << (32 - off);
        }
        self.pos += n;
        (v & ((1u64 << n) - 1)) as u32
    }

    /// Moves past a whole block without rebuilding its points: the first point's raw bits, then
    /// each point's control bit, its new window if it has one, and the window's bits.
    fn skip_block(&mut self) {
        self.pos += 32;
        let mut width = 0;
        for _ in 1..BLOCK {
            if self.read(1) == 1 {
                // Five bits of leading zeros, then five of width - 1.
                width = (self.read(10) >> 5) + 1;
            }
            self.pos += width;
        }
    }

    /// The next point's bits; `first` for the first point of a block.
    fn next(&mut self, first: bool) -> u32 {
        if first {
            self.prev = self.read(32);
            self.width = 0;
        } else {
            if self.read(1) == 1 {
                self.lead = self.read(5);
                self.width = self.read(5) + 1;
            }
            if self.width > 0 {
                let x = self.read(self.width) << (32 - self.lead - self.width);
                self.prev ^= x;
            }
        }
        self.prev
    }
}

impl Points {
    fn len(&self) -> usize {
        usize::from(self.len)
    }

    fn start(&self) -> u32 {
        u32::from(self.marks & 0x1f)
    }

    fn lead(&self) -> u32 {
        u32::from(self.marks >> 5 & 0x1f)
    }

    fn width(&self) -> u32 {
        u32::from(self.marks >> 10)
    }

    fn set_marks(&mut self, start: u32, lead: u32, width: u32) {
        self.marks = (start | lead << 5 | width << 10) as u16;
    }

    /// The whole words written.
    fn whole(&self) -> &[u32] {
        &self.words[..(self.end / 32) as usize]
    }

    /// Appends `tail` as a whole word, making room if there is none.
    fn flush(&mut self) {
        let n = (self.end / 32) as usize;
        if n == self.words.len() {
            self.grow(n);
        }
        self.words[n] = self.tail;
        self.tail = 0;
    }

    /// Appends the low `n` bits of `v` (`n` at most 32, `v` below 2ⁿ).
    fn write(&mut self, v: u32, n: u32) {
        let off = self.end % 32;
        let acc = u64::from(v) << off;
        self.tail |= acc as u32;
        if off + n >= 32 {
            self.flush();
            self.tail = (acc >> 32) as u32;
        }
        self.end += n;
    }

    /// Appends the low `n` bits of `v` (`n` at most 64).
    fn write_long(&mut self, v: u64, n: u32) {
        if n > 32 {
            self.write(v as u32, 32);
            self.write((v >> 32) as u32, n - 32);
        } else {
            self.write(v as u32, n);
        }
    }

    /// Appends `n` zero bits.
    fn zeros(&mut self, n: u32) {
        let mut left = n;
        while left > 0 {
            let k = left.min(32);
            self.write(0, k);
            left -= k;
        }
    }

    /// Makes room for more words than the `used` held, growing by an eighth rather than
    /// doubling: a tier's stream stops growing once it is full, so doubling would leave up to
    /// half its words unused for good.
    fn grow(&mut self, used: usize) {
        let mut words = Vec::with_capacity(used + (used / 8).max(4));
        words.extend_from_slice(&self.words[..used]);
        words.resize(words.capacity(), 0);
        self.words = words.into_boxed_slice();
    }

    fn push(&mut self, value: f32) {
        let bits = value.to_bits();
        if u32::from(self.len).is_multiple_of(BLOCK) {
            self.write(bits, 32);
            self.set_marks(self.start(), 0, 0);
        } else {
            let x = bits ^ self.prev;
            let (wl, ww) = (self.lead(), self.width());
            // A repeat fits any window; other XORs fit one whose bits cover theirs. Reuse the
            // window if it fits and is not more than the 10 bits a new window's header costs
            // wider than this XOR needs.
            let (lead, trail) = (x.leading_zeros(), x.trailing_zeros());
            let fits = x == 0
                || (ww > 0 && lead >= wl && trail >= 32 - wl - ww && ww + lead + trail <= 42);
            // Each point's code is put together first and written at once: control bit, then
            // the window if new, then the bits, lowest first.
            if fits {
                let code = if ww > 0 {
                    u64::from(x >> (32 - wl - ww)) << 1
                } else {
                    0
                };
                self.write_long(code, 1 + ww);
            } else {
                let width = 32 - lead - trail;
                let code = 1
                    | u64::from(lead) << 1
                    | u64::from(width - 1) << 6
                    | u64::from(x >> trail) << 11;
                self.write_long(code, 11 + width);
                self.set_marks(self.start(), lead, width);
            }
        }
        self.prev = bits;
        self.len += 1;
    }

    /// Appends `value` `n` times: bit for bit what `n` calls of [`Points::push`] write, but a
    /// repeat inside a block costs no more than moving the end past its zero bits.
    fn push_n(&mut self, value: f32, n: u32) {
        let mut left = n;
        while left > 0 {
            let len = u32::from(self.len);
            if len.is_multiple_of(BLOCK) || self.prev != value.to_bits() {
                self.push(value);
                left -= 1;
                continue;
            }
            // A repeat writes the control bit `0` and, once the block has a window, the
            // window's bits of a zero XOR.
            let k = left.min(BLOCK - len % BLOCK);
            self.zeros(k * (1 + self.width()));
            self.len += k as u16;
            left -= k;
        }
    }

    fn decoder(&self) -> Decoder<'_> {
        Decoder {
            words: self.whole(),
            tail: self.tail,
            pos: self.start(),
            prev: 0,
            lead: 0,
            width: 0,
        }
    }

    /// Drops the oldest whole blocks as long as at least `keep` points remain.
    fn trim(&mut self, keep: usize) {
        while self.len() >= keep + BLOCK as usize {
            let mut d = self.decoder();
            d.skip_block();
            let (drop, start) = (d.pos / 32, d.pos % 32);
            self.words
                .copy_within(drop as usize..(self.end / 32) as usize, 0);
            self.set_marks(start, self.lead(), self.width());
            self.end -= drop * 32;
            self.len -= BLOCK as u16;
        }
    }

    /// Every point, oldest first.
    fn decode(&self) -> Vec<f32> {
        let mut d = self.decoder();
        (0..u32::from(self.len))
            .map(|i| f32::from_bits(d.next(i.is_multiple_of(BLOCK))))
            .collect()
    }

    /// Appends `value` `n` times unpacked, keeping the newest `cap` points: `words` holds each
    /// point's bits, and once `cap` are held it is a ring whose oldest point is at `end`. The
    /// histories of services and of a small estate's hosts are kept so ([`Shape::raw`]): there
    /// are few of them, and a point written or dropped costs a store rather than packing and
    /// unpacking a block.
    #[inline]
    fn push_raw(&mut self, value: f32, n: u32, cap: u32) {
        let bits = value.to_bits();
        for _ in 0..n {
            let len = u32::from(self.len);
            if len == cap {
                // Full: the newest overwrites the oldest.
                self.words[self.end as usize] = bits;
                self.end = if self.end + 1 == cap { 0 } else { self.end + 1 };
                continue;
            }
            if len as usize == self.words.len() {
                // Doubling up to the cap: a short run never pays for the whole span.
                let room = (2 * len).max(16).min(cap) as usize;
                let mut words = Vec::with_capacity(room);
                words.extend_from_slice(&self.words);
                words.resize(room, 0);
                self.words = words.into_boxed_slice();
            }
            self.words[len as usize] = bits;
            self.len += 1;
        }
    }

    /// Every point [`Points::push_raw`] keeps, oldest first.
    fn unpack_raw(&self) -> Vec<f32> {
        let (head, room) = (self.end as usize, self.words.len().max(1));
        (0..self.len())
            .map(|i| f32::from_bits(self.words[(head + i) % room]))
            .collect()
    }
}

/// The tiers of a history: each one's bucket and how many buckets it keeps, finest first.
#[derive(Clone, Copy, Debug)]
struct Shape {
    bucket_ms: [u64; TIERS],
    cap: [u32; TIERS],
    /// Tiers in use: fewer than [`TIERS`] where the tick is as coarse as a tier's bucket.
    tiers: usize,
    /// Points kept unpacked (see [`Points::push_raw`]): a service's history, any history at
    /// hourly ticks, whose runs have few hosts, and the hosts' of a small estate (see
    /// [`SMALL_ESTATE`]).
    raw: bool,
}

/// The finest metric bucket at a tick: ten seconds, or the tick if coarser.
pub fn finest_bucket(tick: Dur) -> Dur {
    Dur(tick.ms().max(10_000))
}

impl Shape {
    /// A service's history, which alerts, burn-rate windows and the grader read: 10 s buckets
    /// (or the tick, if coarser) for 720 buckets, 5 min buckets for a week, hourly ones for 100
    /// days. At hourly ticks (capacity horizons of months to a year) the coarsest tier keeps
    /// days, so a year's history fits.
    fn service(tick: Dur) -> Shape {
        let fine = finest_bucket(tick).ms();
        let coarse = if fine >= 3_600_000 {
            86_400_000
        } else {
            3_600_000
        };
        Shape {
            raw: true,
            ..Shape::new(
                [fine, fine.max(300_000), fine.max(coarse)],
                [720, 2_016, 2_400],
            )
        }
    }

    /// A host's history: 10 s buckets (or the tick) for half an hour, the default window of
    /// `metrics`; 5 min buckets for 6 h; hourly ones for 100 days. An estate has hundreds of
    /// hosts for every service, and a service's tiers hold about 1,000 points a metric after a
    /// day: for 10,000 hosts' seven metrics at about 1.4 bytes a point packed, near 100 MB, the
    /// budget for the whole run (performance goal: under 100 MB resident for a 10,000-host
    /// estate over a day). These hold about 300. At hourly ticks hosts keep what services keep:
    /// such runs (capacity horizons) have few hosts and read months of them.
    fn host(tick: Dur) -> Shape {
        let fine = finest_bucket(tick).ms();
        if fine >= 3_600_000 {
            return Shape::service(tick);
        }
        Shape::new(
            [fine, fine.max(300_000), fine.max(3_600_000)],
            [180, 72, 2_400],
        )
    }

    /// Tiers of these buckets and caps, where tiers of one bucket width (the tick as coarse as
    /// both) are one tier keeping the longer span: the same points, written once.
    fn new(bucket_ms: [u64; TIERS], cap: [u32; TIERS]) -> Shape {
        let mut shape = Shape {
            bucket_ms: [0; TIERS],
            cap: [0; TIERS],
            tiers: 0,
            raw: false,
        };
        for (b, c) in bucket_ms.into_iter().zip(cap) {
            match shape.tiers.checked_sub(1) {
                Some(last) if shape.bucket_ms[last] == b => {
                    shape.cap[last] = shape.cap[last].max(c);
                }
                _ => {
                    shape.bucket_ms[shape.tiers] = b;
                    shape.cap[shape.tiers] = c;
                    shape.tiers += 1;
                }
            }
        }
        shape
    }

    fn span(&self, tier: usize) -> u64 {
        self.bucket_ms[tier] * u64::from(self.cap[tier])
    }
}

/// Where a tier stands, shared by every series sampled together: the bucket in progress, the
/// samples in it so far, and the newest finished bucket.
#[derive(Clone, Copy, Debug, Default)]
struct Slot {
    current: u64,
    n: u32,
    last: u64,
}

/// One metric's finished buckets at each resolution.
type Series = [Points; TIERS];

/// The bucket of synthesised history before the start.
pub const PAST_BUCKET: Dur = Dur(3_600_000);

/// History from before the start (`past`: hourly means, oldest first, ending at t = 0) that a
/// window of `span` at `now` reaches back into, in buckets of `bucket` (rounded to whole hours,
/// at least one), oldest first, the last ending at t = 0. Returns the bucket used and the means.
fn past_window(past: &[f32], now: Dur, span: Dur, bucket: Dur) -> (Dur, Vec<f32>) {
    let hour = PAST_BUCKET.ms();
    let group = (bucket.ms() / hour).max(1) as usize;
    let before = span.ms().saturating_sub(now.ms());
    let groups = before.div_ceil(hour * group as u64) as usize;
    let take = (groups * group).min(past.len() / group * group);
    let from = past.len() - take;
    let points = past[from..]
        .chunks(group)
        .map(|c| c.iter().map(|&v| f64::from(v)).sum::<f64>() as f32 / c.len() as f32)
        .collect();
    (Dur(hour * group as u64), points)
}

/// `K` metrics always sampled together, so one set of tier slots serves them all: the finest
/// bucket in progress is summed in [`Open`], and each coarser tier hears of a bucket below it
/// only when it closes, as the mean of its samples; that is the mean of the coarser bucket's
/// samples too, because every finer bucket holds the same number of ticks.
#[derive(Clone, Debug)]
struct Group<const K: usize> {
    shape: Shape,
    slots: [Slot; TIERS],
    /// The sums of each coarser tier's bucket in progress, per metric: tier `t`'s at `t - 1`
    /// (the finest tier's are in [`Open`]).
    sums: [[f64; K]; TIERS - 1],
    series: [Series; K],
    /// Each metric's hourly means from before the start (synthesised history), oldest first,
    /// ending at t = 0; most estates have none.
    past: Option<Arc<[Box<[f32]>; K]>>,
}

impl<const K: usize> Group<K> {
    fn new(shape: Shape) -> Self {
        Group {
            shape,
            slots: [Slot::default(); TIERS],
            sums: [[0.0; K]; TIERS - 1],
            series: std::array::from_fn(|_| Series::default()),
            past: None,
        }
    }

    /// Records the means of finished bucket `bucket` of tier `tier` and feeds them to the tier
    /// above, closing its bucket in turn when a mean falls past it.
    fn closed(&mut self, tier: usize, bucket: u64, means: [f64; K]) {
        self.closed_run(tier, bucket, means, 1);
    }

    /// Records `count` finished buckets of tier `tier` in a row, from `first` on, all with the
    /// same means (a quiet stretch's step), as `count` calls of [`Group::closed`] would.
    fn closed_run(&mut self, tier: usize, first: u64, means: [f64; K], count: u32) {
        let cap = self.shape.cap[tier];
        for (series, mean) in self.series.iter_mut().zip(means) {
            let points = &mut series[tier];
            if self.shape.raw {
                points.push_raw(mean as f32, count, cap);
            } else {
                points.push_n(mean as f32, count);
                points.trim(cap as usize);
            }
        }
        for bucket in first..first + u64::from(count) {
            self.slots[tier].last = bucket;
            self.carry_up(tier, bucket, means);
        }
    }

    /// Feeds the means of finished bucket `bucket` of tier `tier` to the tier above, closing
    /// its bucket in progress when the mean falls past it.
    fn carry_up(&mut self, tier: usize, bucket: u64, means: [f64; K]) {
        let up = tier + 1;
        if up == self.shape.tiers {
            return;
        }
        let at = bucket * self.shape.bucket_ms[tier];
        let width = self.shape.bucket_ms[up];
        let slot = &mut self.slots[up];
        // Most means land in the bucket in progress: no division needed.
        if !(slot.n > 0 && at < (slot.current + 1) * width) {
            let next = at / width;
            if next != slot.current && slot.n > 0 {
                let (finished, n) = (slot.current, slot.n as f64);
                slot.current = next;
                slot.n = 0;
                let mut closed = [0.0; K];
                for (c, sum) in closed.iter_mut().zip(&mut self.sums[up - 1]) {
                    *c = *sum / n;
                    *sum = 0.0;
                }
                self.closed(up, finished, closed);
            }
            self.slots[up].current = next;
        }
        for (sum, mean) in self.sums[up - 1].iter_mut().zip(means) {
            *sum += mean;
        }
        self.slots[up].n += 1;
    }
}

/// The finest bucket in progress of `K` metrics sampled together, and their latest values.
#[derive(Clone, Debug)]
struct Open<const K: usize> {
    current: u64,
    n: u32,
    sums: [f64; K],
    latest: [f64; K],
}

impl<const K: usize> Open<K> {
    fn new() -> Self {
        Open {
            current: 0,
            n: 0,
            sums: [0.0; K],
            latest: [0.0; K],
        }
    }

    /// Adds a sample of each metric at `at`, closing the finest bucket of `group` when `at`
    /// falls past it.
    fn push(&mut self, group: &mut Group<K>, fine_ms: u64, at: Dur, values: [f64; K]) {
        self.latest = values;
        // Most pushes land in the bucket in progress: no division needed.
        if self.n > 0 && at.ms() < (self.current + 1) * fine_ms {
            for (sum, v) in self.sums.iter_mut().zip(values) {
                *sum += v;
            }
            self.n += 1;
            return;
        }
        let bucket = at.ms() / fine_ms;
        if bucket != self.current && self.n > 0 {
            let mut means = [0.0; K];
            for (mean, sum) in means.iter_mut().zip(&mut self.sums) {
                *mean = *sum / self.n as f64;
                *sum = 0.0;
            }
            self.n = 0;
            group.closed(0, self.current, means);
        }
        self.current = bucket;
        for (sum, v) in self.sums.iter_mut().zip(values) {
            *sum += v;
        }
        self.n += 1;
    }

    /// Adds the same sample of each metric at `count` times a finest bucket apart from `at` on
    /// (a quiet stretch's step covers several buckets), as `count` calls of [`Open::push`]
    /// would: the buckets between the first and the last each hold that one sample.
    fn push_run(
        &mut self,
        group: &mut Group<K>,
        fine_ms: u64,
        at: Dur,
        values: [f64; K],
        count: u32,
    ) {
        if count <= 3 {
            for i in 0..u64::from(count) {
                self.push(group, fine_ms, Dur(at.ms() + i * fine_ms), values);
            }
            return;
        }
        self.push(group, fine_ms, at, values);
        self.push(group, fine_ms, Dur(at.ms() + fine_ms), values);
        // The bucket just opened and the count - 3 after it close holding one sample each.
        let mut one = [0.0; K];
        for (mean, v) in one.iter_mut().zip(values) {
            *mean = (0.0 + v) / 1.0;
        }
        group.closed_run(0, self.current, one, count - 2);
        self.current += u64::from(count - 2);
        // The sums restart from 0.0 for each bucket, as in `push`.
        for (sum, v) in self.sums.iter_mut().zip(values) {
            *sum = 0.0 + v;
        }
        self.n = 1;
    }

    fn mean(&self, k: usize) -> Option<(u64, f64)> {
        (self.n > 0).then(|| (self.current, self.sums[k] / self.n as f64))
    }
}

/// A metric kept only where it applies (CPU steal, on VMs), sampled on its own.
#[derive(Clone, Debug)]
struct Lone {
    open: Open<1>,
    group: Group<1>,
}

/// One metric of a [`MetricSet`] as it stands: its latest value and its history.
#[derive(Clone, Copy, Debug)]
pub struct SeriesView<'a> {
    shape: &'a Shape,
    slots: &'a [Slot; TIERS],
    /// The metric's sums of each coarser tier's bucket in progress (the finest tier's is in
    /// `open`).
    sums: [f64; TIERS - 1],
    /// `None` for a metric never sampled, such as CPU steal on a host that is not a VM.
    series: Option<&'a Series>,
    /// Hourly means from before the start.
    past: &'a [f32],
    latest: f64,
    /// The finest bucket in progress and its mean so far.
    open: Option<(u64, f64)>,
}

impl SeriesView<'_> {
    pub fn latest(&self) -> f64 {
        self.latest
    }

    /// The finest history that covers `span`, as (bucket start, mean) points, oldest first,
    /// including the bucket in progress.
    pub fn window(&self, now: Dur, span: Dur) -> (Dur, Vec<(Dur, f32)>) {
        let shape = self.shape;
        let i = (0..shape.tiers)
            .position(|t| shape.span(t) >= span.ms())
            .unwrap_or(shape.tiers - 1);
        let slot = &self.slots[i];
        let open = if i == 0 {
            self.open
        } else {
            (slot.n > 0).then(|| (slot.current, self.sums[i - 1] / slot.n as f64))
        };
        let bucket_ms = shape.bucket_ms[i];
        let from = now.ms().saturating_sub(span.ms());
        // The packed points may hold up to a block more than the cap: the newest are the tier.
        let all = self
            .series
            .map(|s| {
                if shape.raw {
                    s[i].unpack_raw()
                } else {
                    s[i].decode()
                }
            })
            .unwrap_or_default();
        let kept = &all[all.len().saturating_sub(shape.cap[i] as usize)..];
        let len = kept.len() as u64;
        let mut out: Vec<(Dur, f32)> = kept
            .iter()
            .enumerate()
            .map(|(j, v)| {
                let bucket = slot.last + 1 + j as u64 - len;
                (Dur(bucket * bucket_ms), *v)
            })
            .filter(|(t, _)| t.ms() >= from)
            .collect();
        if let Some((current, mean)) = open {
            out.push((Dur(current * bucket_ms), mean as f32));
        }
        (Dur(bucket_ms), out)
    }

    /// History from before the start that a window of `span` at `now` reaches back into, in
    /// buckets of `bucket` (rounded to whole hours, at least one), oldest first, the last ending
    /// at t = 0. Returns the bucket used and the means.
    pub fn past_window(&self, now: Dur, span: Dur, bucket: Dur) -> (Dur, Vec<f32>) {
        past_window(self.past, now, span, bucket)
    }
}

/// Metrics every host and service reports each tick, in `Metric` order.
const COMMON: usize = 7;

/// The standard metrics of one host or service.
#[derive(Clone, Debug)]
pub struct MetricSet {
    /// The finest bucket in progress of the seven common metrics: a tick writes this alone.
    open: Open<COMMON>,
    /// The finest bucket, ms.
    fine_ms: u64,
    /// Boxed, so the sets of an estate's hosts lie close together and a tick, which writes only
    /// each set's `open`, walks a few cache lines per host rather than the whole history's.
    common: Box<Group<COMMON>>,
    /// CPU steal, once a sample of it arrives.
    steal: Option<Box<Lone>>,
}

/// Slots of a metric never sampled.
static NO_SLOTS: [Slot; TIERS] = [Slot {
    current: 0,
    n: 0,
    last: 0,
}; TIERS];

impl MetricSet {
    /// A host's metrics (see [`Shape::host`]), packed.
    #[cfg(test)]
    pub fn new(tick: Dur) -> MetricSet {
        MetricSet::with(Shape::host(tick))
    }

    /// A host's metrics in an estate of `hosts` hosts: unpacked in a small one (see
    /// [`SMALL_ESTATE`]).
    fn host(tick: Dur, hosts: usize) -> MetricSet {
        let shape = Shape::host(tick);
        MetricSet::with(Shape {
            raw: shape.raw || hosts <= SMALL_ESTATE,
            ..shape
        })
    }

    /// A service's metrics (see [`Shape::service`]).
    pub fn service(tick: Dur) -> MetricSet {
        MetricSet::with(Shape::service(tick))
    }

    fn with(shape: Shape) -> MetricSet {
        MetricSet {
            open: Open::new(),
            fine_ms: shape.bucket_ms[0],
            common: Box::new(Group::new(shape)),
            steal: None,
        }
    }

    pub fn get(&self, metric: Metric) -> SeriesView<'_> {
        let i = metric as usize;
        if i < COMMON {
            let g = &self.common;
            SeriesView {
                shape: &g.shape,
                slots: &g.slots,
                sums: g.sums.map(|s| s[i]),
                series: Some(&g.series[i]),
                past: g.past.as_ref().map_or(&[], |p| &p[i]),
                latest: self.open.latest[i],
                open: self.open.mean(i),
            }
        } else if let Some(lone) = &self.steal {
            let g = &lone.group;
            SeriesView {
                shape: &g.shape,
                slots: &g.slots,
                sums: g.sums.map(|s| s[0]),
                series: Some(&g.series[0]),
                past: &[],
                latest: lone.open.latest[0],
                open: lone.open.mean(0),
            }
        } else {
            SeriesView {
                shape: &self.common.shape,
                slots: &NO_SLOTS,
                sums: [0.0; TIERS - 1],
                series: None,
                past: &[],
                latest: 0.0,
                open: None,
            }
        }
    }

    /// Records the seven metrics every host and service reports, in `Metric` order.
    #[cfg(test)]
    pub fn push(&mut self, at: Dur, values: [f64; COMMON]) {
        self.open.push(&mut self.common, self.fine_ms, at, values);
    }

    /// Records the same values of the seven metrics at `count` times a finest bucket apart
    /// from `at` on (a step over a quiet stretch; see `systems::metrics::buckets`), as `count`
    /// calls of [`MetricSet::push`] would.
    pub fn push_run(&mut self, at: Dur, count: u32, values: [f64; COMMON]) {
        self.open
            .push_run(&mut self.common, self.fine_ms, at, values, count);
    }

    /// Records one metric kept only where it applies (CPU steal, on VMs).
    pub fn push_one(&mut self, metric: Metric, at: Dur, value: f64) {
        debug_assert!(metric as usize >= COMMON);
        let shape = self.common.shape;
        let lone = self.steal.get_or_insert_with(|| {
            Box::new(Lone {
                open: Open::new(),
                group: Group::new(shape),
            })
        });
        lone.open.push(&mut lone.group, self.fine_ms, at, [value]);
    }

    /// Sets the history before the start of the seven metrics every host and service reports
    /// (CPU steal, on VMs only, has none).
    pub fn set_past(&mut self, past: Arc<PastColumns>) {
        self.common.past = Some(past);
    }
}

/// Hourly means from before the start of the seven metrics every host and service reports,
/// each metric's oldest first: set once, shared by every run of one estate and seed.
pub type PastColumns = [Box<[f32]>; COMMON];

/// [`PastColumns`] from hourly rows of the seven metrics, oldest first.
pub fn past_columns(rows: &[[f32; COMMON]]) -> Arc<PastColumns> {
    Arc::new(std::array::from_fn(|i| rows.iter().map(|r| r[i]).collect()))
}

/// Estates of up to this many hosts keep their hosts' history unpacked, as services' is (see
/// [`Points::push_raw`]): a day of a host's seven metrics is then about 8 KB rather than a
/// third of that, 1.6 MB for 200 hosts, and a small estate no longer spends most of its
/// metric time packing points and unpacking the oldest block to drop it. Bigger estates pack.
/// Both keep every bit, so what a series shows is the same either way.
pub const SMALL_ESTATE: usize = 200;

/// The metric histories of an estate's hosts, by `order`. Hosts sampled with bit-identical
/// values all along (the instances of one tier in one zone see the same arrivals and service
/// time, so most of a fleet's hosts report alike) share one history, written once a step; a
/// host gets a copy of its own the first step it reports something different, or when it is
/// written alone ([`HostSets::get_mut`]). What each host reads is bit for bit what a history of
/// its own would hold.
#[derive(Debug, Default)]
pub struct HostSets {
    /// Each host's history: an index into `sets`.
    of: Vec<u32>,
    sets: Vec<MetricSet>,
    /// Hosts reading each set.
    users: Vec<u32>,
    /// A set nothing has been written to yet, which a host added next can share.
    pristine: Option<u32>,
    /// The values each set is given this step, once one of its hosts has been sampled.
    pending: Vec<Option<[f64; COMMON]>>,
    /// Copies made this step: the set copied and the copy.
    copies: Vec<(u32, u32)>,
    /// Hosts the estate was built with: whether histories are packed (see [`SMALL_ESTATE`]).
    estate: usize,
}

fn same(a: &[f64; COMMON], b: &[f64; COMMON]) -> bool {
    a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
}

impl HostSets {
    /// Distinct histories held.
    #[cfg(test)]
    fn distinct(&self) -> usize {
        self.users.iter().filter(|&&u| u > 0).count()
    }

    /// The histories of an estate built with `hosts` hosts (hosts added later are kept as its
    /// first ones are).
    pub fn for_estate(hosts: usize) -> HostSets {
        HostSets {
            estate: hosts,
            ..HostSets::default()
        }
    }

    /// Adds a host with no history yet, at the next `order`.
    pub fn add(&mut self, tick: Dur) {
        let s = match self.pristine {
            Some(s) if self.sets[s as usize].fine_ms == finest_bucket(tick).ms() => s,
            _ => {
                let s = self.new_set(MetricSet::host(tick, self.estate));
                self.pristine = Some(s);
                s
            }
        };
        self.of.push(s);
        self.users[s as usize] += 1;
    }

    fn new_set(&mut self, set: MetricSet) -> u32 {
        self.sets.push(set);
        self.users.push(0);
        self.pending.push(None);
        (self.sets.len() - 1) as u32
    }

    /// Moves host `host` from the set it reads to set `to`.
    fn move_host(&mut self, host: usize, to: u32) {
        self.users[self.of[host] as usize] -= 1;
        self.users[to as usize] += 1;
        self.of[host] = to;
    }

    /// Moves host `host` to a set of its own, a copy of the one it shares, if it shares one.
    fn detach(&mut self, host: usize) -> usize {
        let s = self.of[host] as usize;
        if self.pristine == Some(s as u32) {
            self.pristine = None;
        }
        if self.users[s] <= 1 {
            return s;
        }
        let t = self.new_set(self.sets[s].clone());
        self.move_host(host, t);
        t as usize
    }

    pub fn get(&self, host: usize) -> Option<&MetricSet> {
        self.of.get(host).map(|&s| &self.sets[s as usize])
    }

    /// Host `host`'s history to write alone (a metric only it reports): no longer shared.
    pub fn get_mut(&mut self, host: usize) -> Option<&mut MetricSet> {
        if host >= self.of.len() {
            return None;
        }
        let s = self.detach(host);
        Some(&mut self.sets[s])
    }

    /// Takes host `host`'s sample of the seven common metrics this step; [`HostSets::push_run`]
    /// writes what the step's samples come to.
    pub fn sample(&mut self, host: usize, values: [f64; COMMON]) {
        let Some(&s) = self.of.get(host) else {
            return;
        };
        let pending = match &self.pending[s as usize] {
            None => {
                self.pending[s as usize] = Some(values);
                return;
            }
            Some(p) => p,
        };
        if same(pending, &values) {
            return;
        }
        // This host parts from the hosts it shared a history with: to a copy made this step for
        // the same values, or a new one, made before anything of this step is written.
        let copy = self.copies.iter().find(|&&(from, to)| {
            from == s && self.pending[to as usize].is_some_and(|p| same(&p, &values))
        });
        let t = match copy {
            Some(&(_, t)) => t,
            None => {
                let t = self.new_set(self.sets[s as usize].clone());
                self.pending[t as usize] = Some(values);
                self.copies.push((s, t));
                t
            }
        };
        self.move_host(host, t);
    }

    /// Writes every set's sample of this step, as [`MetricSet::push_run`] does.
    pub fn push_run(&mut self, at: Dur, count: u32) {
        for (set, pending) in self.sets.iter_mut().zip(&mut self.pending) {
            if let Some(values) = pending.take() {
                set.push_run(at, count, values);
            }
        }
        self.copies.clear();
        self.pristine = None;
    }

    /// Sets each host's history before the start (by `order`); hosts sharing a history and
    /// given the same columns go on sharing one.
    pub fn set_past(&mut self, past: &[Arc<PastColumns>]) {
        // (set shared before, the columns, the set those columns went to)
        let mut given: Vec<(u32, &Arc<PastColumns>, u32)> = Vec::new();
        for (host, columns) in past.iter().enumerate().take(self.of.len()) {
            let s = self.of[host];
            let same = |(from, c, _): &&(u32, &Arc<PastColumns>, u32)| {
                *from == s && Arc::ptr_eq(c, columns)
            };
            if let Some(&(.., t)) = given.iter().find(same) {
                self.move_host(host, t);
                continue;
            }
            // The first host of its set keeps it; others, still sharing it with the first, take
            // a copy of it before it is set.
            let first = !given.iter().any(|(from, ..)| *from == s);
            let t = if first { s as usize } else { self.detach(host) };
            self.sets[t].set_past(Arc::clone(columns));
            given.push((s, columns, t as u32));
        }
        self.pristine = None;
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
        let mut reference: std::collections::VecDeque<f32> = Default::default();
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
        // A steady series packs to its first point and a bit for each repeat.
        let mut steady = Points::default();
        for _ in 0..(BLOCK * 20) {
            steady.push(12.5);
        }
        assert_eq!(steady.end, 20 * (32 + BLOCK - 1));
        assert_eq!(steady.len(), 20 * BLOCK as usize);
    }

    fn ramp(set: &mut MetricSet, secs: u64) {
        for t in 0..secs {
            set.push(Dur::from_secs(t), [t as f64; COMMON]);
        }
    }

    /// Every point of every metric of a set over a day, as `metrics` would read them.
    fn everything(set: &MetricSet, now: Dur) -> Vec<u32> {
        let mut out = Vec::new();
        for metric in [Metric::Cpu, Metric::P99, Metric::Connections, Metric::Steal] {
            let (_, points) = set.get(metric).window(now, Dur::from_secs(86_400));
            out.extend(points.iter().map(|(at, v)| (at.ms() as u32) ^ v.to_bits()));
        }
        out
    }

    #[test]
    fn hosts_sampled_alike_share_a_history_and_part_when_they_differ() {
        let tick = Dur::from_secs(1);
        let mut shared = HostSets::for_estate(1_000);
        let mut alone: Vec<MetricSet> = Vec::new();
        for _ in 0..4 {
            shared.add(tick);
            alone.push(MetricSet::new(tick));
        }
        assert_eq!(shared.distinct(), 1);
        for t in 0..3_000u64 {
            let at = Dur::from_secs(t);
            for (host, set) in alone.iter_mut().enumerate() {
                // Host 2 parts at 1,000 s, host 3 at 2,000 s with host 2's values.
                let odd = (host == 2 && t >= 1_000) || (host == 3 && t >= 2_000);
                let v = if odd { t as f64 * 1.5 } else { (t % 17) as f64 };
                shared.sample(host, [v; COMMON]);
                set.push(at, [v; COMMON]);
            }
            shared.push_run(at, 1);
            if t == 500 {
                // A metric of host 1's own parts it too.
                shared.get_mut(1).unwrap().push_one(Metric::Steal, at, 3.0);
                alone[1].push_one(Metric::Steal, at, 3.0);
            }
            let expected = match t {
                ..500 => 1,
                500..1_000 => 2,
                1_000..2_000 => 3,
                _ => 4,
            };
            assert_eq!(shared.distinct(), expected, "at {t}");
        }
        let now = Dur::from_secs(3_000);
        for (host, set) in alone.iter().enumerate() {
            assert_eq!(
                everything(shared.get(host).unwrap(), now),
                everything(set, now)
            );
        }
        // Hosts 2 and 3 report alike from 2,000 s, but each keeps the history it had before.
        assert_ne!(
            everything(shared.get(2).unwrap(), now),
            everything(shared.get(3).unwrap(), now)
        );
    }

    #[test]
    fn an_unpacked_history_shows_what_a_packed_one_does() {
        let tick = Dur::from_secs(1);
        let (mut packed, mut raw) = (MetricSet::new(tick), MetricSet::host(tick, SMALL_ESTATE));
        assert!(raw.common.shape.raw && !packed.common.shape.raw);
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for t in 0..30_000u64 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let v = if t % 7_000 < 3_000 {
                42.0
            } else {
                (state % 10_000) as f64 / 7.0
            };
            packed.push(Dur::from_secs(t), [v; COMMON]);
            raw.push(Dur::from_secs(t), [v; COMMON]);
        }
        let now = Dur::from_secs(30_000);
        for mins in [10, 30, 60, 6 * 60, 24 * 60, 90 * 1_440] {
            let span = Dur::from_mins(mins);
            assert_eq!(
                packed.get(Metric::Cpu).window(now, span),
                raw.get(Metric::Cpu).window(now, span),
                "{mins} minutes"
            );
        }
    }

    #[test]
    fn hosts_given_the_same_past_keep_sharing() {
        let tick = Dur::from_secs(10);
        let mut shared = HostSets::default();
        for _ in 0..3 {
            shared.add(tick);
        }
        let a = past_columns(&[[1.0f32; COMMON]; 24]);
        let b = past_columns(&[[2.0f32; COMMON]; 24]);
        shared.set_past(&[Arc::clone(&a), b, a]);
        assert_eq!(shared.distinct(), 2);
        let window = |h: usize| {
            shared
                .get(h)
                .unwrap()
                .get(Metric::Cpu)
                .past_window(Dur(0), Dur::from_secs(7_200), Dur::from_secs(3_600))
                .1
        };
        assert_eq!(window(0), vec![1.0, 1.0]);
        assert_eq!(window(1), vec![2.0, 2.0]);
        assert_eq!(window(2), vec![1.0, 1.0]);
    }

    #[test]
    fn a_series_tier_stays_at_32_bytes() {
        // Three for each of a host's seven metrics: 10,000 hosts' worth is 6.7 MB at 32 bytes.
        assert_eq!(std::mem::size_of::<Points>(), 32);
    }

    #[test]
    fn a_run_of_pushes_is_bit_for_bit_the_pushes_one_by_one() {
        // Steps of 1 to 400 buckets, starting on and off a bucket's start, over values that
        // repeat, move a little and jump, including -0.0 (0.0 + -0.0 is 0.0).
        let tick = Dur::from_secs(1);
        let (mut one, mut run) = (MetricSet::new(tick), MetricSet::new(tick));
        let mut t = 0u64;
        for i in 0..600u64 {
            let v = match i % 4 {
                0 => 42.0,
                1 => i as f64 * 0.37,
                2 => -0.0,
                _ => 1e9 / (i as f64 + 1.0),
            };
            let values = [v, v * 2.0, 1.0, v, 0.0, -v, 7.5];
            let step: u64 = [1, 3, 7, 60, 10, 400, 20, 5][(i % 8) as usize];
            let count = step.div_ceil(10) as u32;
            for k in 0..u64::from(count) {
                one.push(Dur::from_secs(t + k * 10), values);
            }
            run.push_run(Dur::from_secs(t), count, values);
            t += step;
        }
        let now = Dur::from_secs(t);
        for metric in [Metric::Cpu, Metric::Rps, Metric::P99] {
            for mins in [10, 30, 60, 360, 1_440, 90 * 1_440] {
                let span = Dur::from_mins(mins);
                let (a, b) = (
                    one.get(metric).window(now, span),
                    run.get(metric).window(now, span),
                );
                assert_eq!(a.0, b.0);
                assert_eq!(a.1.len(), b.1.len());
                assert!(
                    a.1.iter()
                        .zip(&b.1)
                        .all(|(x, y)| x.0 == y.0 && x.1.to_bits() == y.1.to_bits())
                );
            }
        }
    }

    #[test]
    fn a_service_keeps_recent_detail_and_coarse_history() {
        let mut s = MetricSet::service(Dur::from_secs(1));
        ramp(&mut s, 3 * 3_600);
        let now = Dur::from_secs(3 * 3_600 - 1);
        let cpu = s.get(Metric::Cpu);
        let (bucket, points) = cpu.window(now, Dur::from_mins(30));
        assert_eq!(bucket, Dur::from_secs(10));
        assert_eq!(points.len(), 180);
        // Each 10 s bucket averages its samples: the last full one is 10780..10789.
        assert_eq!(points[points.len() - 2], (Dur::from_secs(10_780), 10_784.5));
        let (bucket, points) = cpu.window(now, Dur::from_mins(120));
        assert_eq!(bucket, Dur::from_secs(10));
        assert_eq!(points.len(), 720);
        let (bucket, points) = cpu.window(now, Dur::from_mins(180));
        assert_eq!(bucket, Dur::from_mins(5));
        assert_eq!(points.len(), 36);
        assert_eq!(points[0], (Dur::ZERO, 149.5));
        let (bucket, points) = cpu.window(now, Dur::from_mins(8 * 1_440));
        assert_eq!(bucket, Dur::from_mins(60));
        assert_eq!(points.len(), 3);
        assert_eq!(points[1], (Dur::from_mins(60), 5_399.5));
    }

    #[test]
    fn a_host_keeps_half_an_hour_of_detail_then_coarser_tiers() {
        let mut h = MetricSet::new(Dur::from_secs(1));
        ramp(&mut h, 3 * 3_600);
        let now = Dur::from_secs(3 * 3_600 - 1);
        let cpu = h.get(Metric::Cpu);
        let (bucket, points) = cpu.window(now, Dur::from_mins(30));
        assert_eq!((bucket, points.len()), (Dur::from_secs(10), 180));
        assert_eq!(points[178], (Dur::from_secs(10_780), 10_784.5));
        let (bucket, points) = cpu.window(now, Dur::from_mins(60));
        assert_eq!((bucket, points.len()), (Dur::from_mins(5), 12));
        assert_eq!(points[0], (Dur::from_secs(7_200), 7_349.5));
        let (bucket, points) = cpu.window(now, Dur::from_mins(360));
        assert_eq!((bucket, points.len()), (Dur::from_mins(5), 36));
        assert_eq!(points[0], (Dur::ZERO, 149.5));
        let (bucket, points) = cpu.window(now, Dur::from_mins(12 * 60));
        assert_eq!((bucket, points.len()), (Dur::from_mins(60), 3));
        assert_eq!(points[0], (Dur::ZERO, 1_799.5));
        // The hour in progress averages the 5 min buckets finished in it.
        assert_eq!(points[2], (Dur::from_mins(120), 8_849.5));
        let (bucket, points) = cpu.window(now, Dur::from_mins(90 * 1_440));
        assert_eq!((bucket, points.len()), (Dur::from_mins(60), 3));
    }

    #[test]
    fn cpu_steal_is_kept_like_the_common_metrics_once_sampled() {
        let tick = Dur::from_secs(1);
        let mut h = MetricSet::new(tick);
        let now = Dur::from_secs(2 * 3_600);
        assert!(
            h.get(Metric::Steal)
                .window(now, Dur::from_mins(30))
                .1
                .is_empty()
        );
        for t in 0..=now.ms() / 1_000 {
            let v = (t % 97) as f64 * 0.37;
            h.push(Dur::from_secs(t), [v; COMMON]);
            h.push_one(Metric::Steal, Dur::from_secs(t), v);
        }
        for mins in [10, 30, 60, 120, 600, 1_440, 90 * 1_440] {
            let span = Dur::from_mins(mins);
            assert_eq!(
                h.get(Metric::Steal).window(now, span),
                h.get(Metric::Cpu).window(now, span)
            );
        }
        assert_eq!(h.get(Metric::Steal).latest(), h.get(Metric::Cpu).latest());
    }

    #[test]
    fn at_hourly_ticks_one_hourly_tier_keeps_twelve_weeks() {
        let hour = Dur::from_mins(60);
        let mut s = MetricSet::service(hour);
        for h in 0..(100 * 24) {
            s.push(Dur(h * hour.ms()), [h as f64; COMMON]);
        }
        let now = Dur(100 * 24 * hour.ms() - 1);
        // Eight weeks in hours, the hour in progress last, as a day's window shows it.
        let (bucket, points) = s.get(Metric::Rps).window(now, Dur::from_mins(56 * 1_440));
        assert_eq!((bucket, points.len()), (hour, 56 * 24));
        assert_eq!(points.last(), Some(&(Dur(2_399 * hour.ms()), 2_399.0)));
        let (_, day) = s.get(Metric::Rps).window(now, Dur::from_mins(1_440));
        assert_eq!(day.last(), points.last());
        // Past twelve weeks, days.
        let (bucket, points) = s.get(Metric::Rps).window(now, Dur::from_mins(90 * 1_440));
        assert_eq!((bucket, points.len()), (Dur::from_mins(1_440), 90));
    }

    #[test]
    fn history_before_the_start_is_grouped_into_the_window_bucket() {
        let mut s = MetricSet::service(Dur::from_mins(60));
        let rows: Vec<[f32; COMMON]> = (0..240).map(|h| [h as f32; COMMON]).collect();
        s.set_past(past_columns(&rows));
        let s = s.get(Metric::Rps);
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
