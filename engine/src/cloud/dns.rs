//! DNS records and resolver caches: a change reaches clients only as their cached answers expire.
//!
//! Resolvers cache an answer for the TTL it was served with. Clients look names up at a steady
//! rate, so just before a change their cached answers were fetched uniformly over the last TTL
//! and expire uniformly over the next: the share of clients still sent to the old target falls
//! linearly from 1 to 0 over one TTL. That TTL is the one the caches hold, which after a TTL cut
//! is still the old, longer TTL until the old TTL has passed since the cut (RFC 1034 §4.3.5 and
//! RFC 2181 §8 on caching; this is why TTLs are lowered a full old-TTL before a migration).

use bevy_ecs::prelude::{Entity, Resource, World};
use scenarios::{Dur, Scenario};

use crate::resources::{Names, Target};

/// One record and what resolvers have cached of it.
#[derive(Clone, Debug)]
pub struct Record {
    pub name: String,
    /// The target the record points at now.
    pub target: Entity,
    /// The TTL the record is published with now.
    pub ttl: Dur,
    /// When the TTL last changed, and the TTL before it.
    pub ttl_changed: Option<(Dur, Dur)>,
    /// Targets clients were sent to before the last change, with their shares (summing to 1).
    pub old: Vec<(Entity, f64)>,
    /// When the target last changed, and over how long cached answers of the old ones expire.
    pub changed: Option<(Dur, Dur)>,
}

impl Record {
    /// The TTL cached answers carry at `at`: the old TTL lingers for one old TTL after a cut.
    pub fn cached_ttl(&self, at: Dur) -> Dur {
        match self.ttl_changed {
            Some((when, before)) if at.ms() < when.ms() + before.ms() => {
                Dur(self.ttl.ms().max(when.ms() + before.ms() - at.ms()))
            }
            _ => self.ttl,
        }
    }

    /// Share of clients still resolving to the old targets at `at`: 1 at the change, falling
    /// linearly to 0 one cached TTL later.
    pub fn old_share(&self, at: Dur) -> f64 {
        match self.changed {
            Some((when, over)) if over.ms() > 0 => {
                let t = at.ms().saturating_sub(when.ms()) as f64;
                (1.0 - t / over.ms() as f64).clamp(0.0, 1.0)
            }
            _ => 0.0,
        }
    }

    /// Where clients are sent at `at`: each target with its share of them.
    pub fn split(&self, at: Dur) -> Vec<(Entity, f64)> {
        let old = self.old_share(at);
        let mut out: Vec<(Entity, f64)> = Vec::new();
        let mut add = |e: Entity, w: f64| {
            if w <= 0.0 {
                return;
            }
            match out.iter_mut().find(|(x, _)| *x == e) {
                Some(slot) => slot.1 += w,
                None => out.push((e, w)),
            }
        };
        add(self.target, 1.0 - old);
        for &(e, w) in &self.old {
            add(e, w * old);
        }
        out
    }

    /// Points the record at `target` with `ttl` from `at`.
    pub fn set(&mut self, at: Dur, target: Entity, ttl: Dur) {
        if target != self.target {
            let over = self.cached_ttl(at);
            self.old = self.split(at);
            self.changed = Some((at, over));
            self.target = target;
        }
        if ttl != self.ttl {
            // Caches keep what they hold: answers fetched before the cut carry the old TTL.
            let before = self.cached_ttl(at);
            self.ttl_changed = Some((at, before));
            self.ttl = ttl;
        }
    }
}

/// Every DNS record, and which one (if any) users reach the estate by.
#[derive(Resource, Debug, Default)]
pub struct Dns {
    pub records: Vec<Record>,
    /// Index of the record `traffic.entry` names.
    pub entry: Option<usize>,
}

impl Dns {
    pub fn new(world: &World, scenario: &Scenario) -> Dns {
        let names = world.resource::<Names>();
        let records: Vec<Record> = scenario
            .cloud
            .dns
            .iter()
            .filter_map(|r| match names.by_name.get(&r.target) {
                Some(Target::Service(e)) => Some(Record {
                    name: r.name.clone(),
                    target: *e,
                    ttl: r.ttl,
                    ttl_changed: None,
                    old: Vec::new(),
                    changed: None,
                }),
                _ => None,
            })
            .collect();
        let entry = records
            .iter()
            .position(|r| r.name == scenario.traffic.entry);
        Dns { records, entry }
    }

    pub fn find(&self, name: &str) -> Option<usize> {
        self.records.iter().position(|r| r.name == name)
    }

    /// The services demand enters at and each one's share of it, into `out` (cleared first; a
    /// buffer kept from tick to tick).
    pub fn entries_into(&self, names: &Names, at: Dur, out: &mut Vec<(Entity, f64)>) {
        out.clear();
        match self.entry {
            Some(i) => out.extend(self.records[i].split(at)),
            None => out.extend(names.entry.map(|e| (e, 1.0))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(ttl: Dur) -> (Record, Entity, Entity) {
        let mut w = World::new();
        let (a, b) = (w.spawn_empty().id(), w.spawn_empty().id());
        (
            Record {
                name: "www".into(),
                target: a,
                ttl,
                ttl_changed: None,
                old: Vec::new(),
                changed: None,
            },
            a,
            b,
        )
    }

    #[test]
    fn old_target_share_decays_linearly_over_one_ttl() {
        // TTL 10 min, changed at t = 5 min. After t of the TTL the old share is 1 - t/TTL:
        // 2.5 min in, 1 - 2.5/10 = 0.75; 5 min in, 0.5; 10 min in, 0.
        let (mut r, a, b) = record(Dur::from_mins(10));
        r.set(Dur::from_mins(5), b, Dur::from_mins(10));
        assert_eq!(r.old_share(Dur::from_mins(5)), 1.0);
        assert!((r.old_share(Dur(450_000)) - 0.75).abs() < 1e-12);
        assert!((r.old_share(Dur::from_mins(10)) - 0.5).abs() < 1e-12);
        assert_eq!(r.old_share(Dur::from_mins(15)), 0.0);
        let split = r.split(Dur::from_mins(10));
        assert_eq!(split, vec![(b, 0.5), (a, 0.5)]);
    }

    #[test]
    fn a_lowered_ttl_only_helps_once_the_old_ttl_has_passed() {
        // TTL 1 h cut to 60 s at t = 0. A change at t = 20 min still waits for answers cached
        // with the 1 h TTL: they expire over the 40 min left of it. A change at t = 61 min
        // waits 60 s.
        let (r0, _, b) = record(Dur::from_mins(60));
        let mut early = r0.clone();
        early.set(Dur::ZERO, early.target, Dur::from_secs(60));
        let mut late = early.clone();
        early.set(Dur::from_mins(20), b, Dur::from_secs(60));
        assert_eq!(
            early.changed,
            Some((Dur::from_mins(20), Dur::from_mins(40)))
        );
        assert!((early.old_share(Dur::from_mins(40)) - 0.5).abs() < 1e-12);
        late.set(Dur::from_mins(61), b, Dur::from_secs(60));
        assert_eq!(late.changed, Some((Dur::from_mins(61), Dur::from_secs(60))));
        assert!((late.old_share(Dur(61 * 60_000 + 30_000)) - 0.5).abs() < 1e-12);
    }
}
