//! `route_traffic`: demand enters at the entry service and flows down the call graph. Each
//! instance is an M/M/c station; failures and slowness downstream propagate to callers.
//!
//! Callers see their callees as they were in the previous tick (a one-tick lag, exact enough at
//! ticks far shorter than any incident), so one pass in caller-first order settles a tick.

use bevy_ecs::prelude::{Entity, Local, Query, Res, ResMut};
use scenarios::ServiceKind;

use crate::cloud::Dns;
use crate::components::{
    HostSpec, HostState, Instance, Load, Power, Proc, ServiceLoad, ServiceSpec, ServiceState,
};
use crate::demand;
use crate::network::{Network, loss_effect};
use crate::queueing::Memo;
use crate::resources::{Backfill, Clock, Ledger, Names, ScenarioRes, SimRng};
use crate::security::Security;
use crate::systems::processes::OS_RESERVED_MB;
use crate::virt::Virt;

/// How long a caller waits for a connection to a host it cannot reach before giving up: the
/// Linux initial SYN retransmission timeout is 1 s; client connect timeouts are commonly 1–5 s.
pub const CONNECT_TIMEOUT_MS: f64 = 3_000.0;

/// Slowdown once memory use passes 90% of the host: pages are reclaimed and swapped, and
/// service time grows steeply (3x at the edge of the OOM killer).
fn swap_factor(used_fraction: f64) -> f64 {
    if used_fraction > 0.9 {
        (1.0 + 20.0 * (used_fraction - 0.9)).min(5.0)
    } else {
        1.0
    }
}

type HostQuery<'w, 's> = Query<
    'w,
    's,
    (
        Entity,
        &'static HostSpec,
        &'static HostState,
        Option<&'static Instance>,
        &'static mut Load,
    ),
>;
type ServiceQuery<'w, 's> = Query<
    'w,
    's,
    (
        &'static ServiceSpec,
        &'static ServiceState,
        &'static mut ServiceLoad,
    ),
>;

/// What choosing endpoints needs to know of a host, read once per tick in one pass over the
/// hosts and indexed by entity: a question about a host is then an array access, not a lookup
/// in the world per host per question.
#[derive(Clone, Copy, Debug)]
struct HostRow {
    entity: Entity,
    order: usize,
    zone: usize,
    /// Up, with its service process running.
    serving: bool,
    /// Not decommissioned, and its instance (if any) not drained.
    usable: bool,
    in_pool: bool,
}

/// Every host's [`HostRow`], by entity index.
#[derive(Debug, Default)]
pub struct HostTable {
    rows: Vec<Option<HostRow>>,
}

impl HostTable {
    fn fill(&mut self, hosts: &HostQuery) {
        self.rows.iter_mut().for_each(|r| *r = None);
        for (e, spec, st, inst, _) in hosts.iter() {
            let i = e.index_u32() as usize;
            if self.rows.len() <= i {
                self.rows.resize(i + 1, None);
            }
            self.rows[i] = Some(HostRow {
                entity: e,
                order: spec.order,
                zone: spec.zone,
                serving: st.power == Power::Up && inst.is_some_and(|i| i.proc == Proc::Running),
                usable: st.power != Power::Decommissioned && inst.is_some_and(|i| !i.drained),
                in_pool: inst.is_some_and(|i| i.in_pool),
            });
        }
    }

    fn get(&self, e: Entity) -> Option<&HostRow> {
        self.rows
            .get(e.index_u32() as usize)
            .and_then(Option::as_ref)
            .filter(|r| r.entity == e)
    }

    fn serving(&self, e: Entity) -> bool {
        self.get(e).is_some_and(|r| r.serving)
    }

    /// (usable, in pool), both false for an entity that is not a host.
    fn usable(&self, e: Entity) -> (bool, bool) {
        self.get(e)
            .map_or((false, false), |r| (r.usable, r.in_pool))
    }

    /// [`endpoints`] as this tick's table sees the hosts.
    fn endpoints(&self, spec: &ServiceSpec, state: &ServiceState, out: &mut Vec<Entity>) {
        endpoints(spec, state, |e| self.serving(e), |e| self.usable(e), out);
    }
}

/// The hosts a service's callers send requests to, into `out` (a buffer kept from tick to
/// tick, so routing allocates nothing per service).
pub fn endpoints(
    spec: &ServiceSpec,
    state: &ServiceState,
    serving_host: impl Fn(Entity) -> bool,
    host_ok: impl Fn(Entity) -> (bool, bool),
    out: &mut Vec<Entity>,
) {
    out.clear();
    if spec.kind == ServiceKind::Database {
        out.extend(state.primary);
        return;
    }
    let members = state.members.iter().copied();
    // host_ok(e) = (decommissioned, (drained, in_pool)) flattened as (usable, in_pool)
    if state.balanced_by.is_some() {
        out.extend(members.clone().filter(|&m| host_ok(m) == (true, true)));
    } else {
        out.extend(members.clone().filter(|&m| host_ok(m).0 && serving_host(m)));
    }
    if out.is_empty() {
        // Every backend failed its checks: load balancers fail open and try them all; with
        // nothing serving, callers still try every usable host.
        out.extend(members.filter(|&m| host_ok(m).0));
    }
}

/// The 99th percentile of the service's successful requests across its instances: the slowest
/// instances' p99s, taken in order until they carry 1% of the successful traffic. One slow
/// instance taking a sliver of the traffic no longer sets the whole service's p99.
fn mixture_p99(tails: &mut [(f64, f64)]) -> f64 {
    let total: f64 = tails.iter().map(|t| t.1).sum();
    if total <= 0.0 {
        return 0.0;
    }
    // Every instance of a tier in one zone shares its station's answer, so a big tier has only
    // a few distinct p99s: take them slowest first, each one's instances in the order given,
    // which adds the same shares in the same order as the stable sort below, without sorting.
    let mut distinct = [0.0f64; 16];
    let mut n = 0;
    let few = tails.iter().all(|t| {
        if distinct[..n].iter().any(|d| d.to_bits() == t.0.to_bits()) {
            true
        } else if n < distinct.len() {
            distinct[n] = t.0;
            n += 1;
            true
        } else {
            false
        }
    });
    if few {
        let distinct = &mut distinct[..n];
        distinct.sort_by(|a, b| b.total_cmp(a));
        let mut share = 0.0;
        for d in distinct.iter() {
            for &(p99, ok) in tails.iter().filter(|t| t.0.to_bits() == d.to_bits()) {
                share += ok;
                if share >= 0.01 * total {
                    return p99;
                }
            }
        }
        return distinct.last().copied().unwrap_or(0.0);
    }
    tails.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut share = 0.0;
    for &(p99, ok) in tails.iter() {
        share += ok;
        if share >= 0.01 * total {
            return p99;
        }
    }
    tails.last().map_or(0.0, |t| t.0)
}

/// How a service looks to callers this tick: its last results and, for each caller zone, the share
/// of its endpoints reachable with their mean one-way latency and loss.
#[derive(Debug, Default)]
struct Callee {
    /// Seen this tick (a service missing from the world is not).
    live: bool,
    ok: f64,
    mean_ms: f64,
    p99_ms: f64,
    by_zone: Vec<(f64, f64, f64)>,
    /// The hosts its callers send requests to this tick (see [`endpoints`]).
    endpoints: Vec<Entity>,
}

/// Buffers `route_traffic` fills afresh each tick, kept so a tick allocates nothing.
#[derive(Debug, Default)]
pub struct Scratch {
    entries: Vec<(Entity, f64)>,
    inbound: Vec<f64>,
    at_entry: Vec<(f64, f64, f64)>,
    callees: Vec<Callee>,
    orders: Vec<(Entity, usize)>,
    targets: Vec<Entity>,
    count: Vec<f64>,
    tails: Vec<(f64, f64)>,
    down_by_zone: Vec<Option<(f64, f64, f64)>>,
    served: Vec<([u64; 11], Served)>,
}

/// Answers of one service's instances kept while its instances are routed.
const SERVED_KEPT: usize = 8;

/// What an instance's answer to its share of a service's requests depends on besides the
/// service and the share.
#[derive(Clone, Copy, Debug)]
struct Station {
    /// Index of the version the instance runs.
    version: usize,
    /// Downstream (success share, mean ms, p99 extra ms), its storage included.
    down: (f64, f64, f64),
    gate: f64,
    /// The instance's memory in use and the host's, MB.
    memory_mb: f64,
    host_memory_mb: f64,
    stretch: f64,
    cores: f64,
    rogue: f64,
    pause: f64,
}

impl Station {
    /// Every input's bits: stations with the same key are answered bit for bit alike.
    fn key(&self) -> [u64; 11] {
        [
            self.version as u64,
            self.down.0.to_bits(),
            self.down.1.to_bits(),
            self.down.2.to_bits(),
            self.gate.to_bits(),
            self.memory_mb.to_bits(),
            self.host_memory_mb.to_bits(),
            self.stretch.to_bits(),
            self.cores.to_bits(),
            self.rogue.to_bits(),
            self.pause.to_bits(),
        ]
    }
}

/// How an instance serves its share: its load, and the requests it accepts.
#[derive(Clone, Copy, Debug)]
struct Served {
    fail: f64,
    mean_ms: f64,
    p99_ms: f64,
    conns: f64,
    cpu: f64,
    accepted: f64,
}

/// An instance of `spec` running `version`, standing as `st` and sent `per` requests a second:
/// an M/M/c station with its downstream waits added.
fn serve(
    st: &Station,
    per: f64,
    spec: &ServiceSpec,
    version: &crate::components::Version,
    dt_secs: f64,
    memo: &mut Memo,
) -> Served {
    let (down_ok, down_mean, down_p99) = st.down;
    let mem = (st.memory_mb + OS_RESERVED_MB) / st.host_memory_mb;
    let cpu_ms = spec.ms_per_request * version.cpu_factor * swap_factor(mem);
    // On a VM, CPU steal, memory reclamation and shared storage stretch the time each
    // request's CPU work takes (the guest's own CPU use is unchanged).
    let run_ms = cpu_ms * st.stretch;
    let avail = (st.cores - st.rogue).max(0.05);
    let threads = spec.workers.unwrap_or(st.cores as u32).max(1);
    // Two limits: worker threads held for the whole request (CPU and downstream waits), and
    // cores for the CPU work alone. The busier one is the bottleneck and sets the queueing;
    // utilisation λ/(cμ) picks it without solving both.
    let thread_ms = run_ms + down_mean;
    let cpu_servers = avail.floor().max(1.0);
    let core_ms = run_ms * cpu_servers / avail;
    let thread_rho = per * thread_ms / (1_000.0 * threads as f64);
    let cpu_rho = per * core_ms / (1_000.0 * cpu_servers);
    let (q, mut mean, mut p99) = if cpu_rho > thread_rho {
        let q = memo.mmc(cpu_servers as u32, per, core_ms);
        (q, q.mean_ms + down_mean, q.p99_ms + down_p99)
    } else {
        let q = memo.mmc(threads, per, thread_ms);
        (q, q.mean_ms, q.p99_ms)
    };
    // A VM paused for `pause` ms of this tick (a live migration's stun): requests arriving
    // meanwhile wait for it, half of it on average.
    let pause = st.pause;
    if pause > 0.0 {
        let caught = (pause / (dt_secs * 1_000.0)).min(1.0);
        mean += caught * pause / 2.0;
        if caught >= 0.01 {
            p99 += pause;
        }
    }
    let conns = per * mean / 1_000.0;
    let reject = if conns > spec.max_connections as f64 {
        1.0 - spec.max_connections as f64 / conns
    } else {
        0.0
    };
    let accepted = per * st.gate * (1.0 - reject) * (1.0 - q.fail);
    Served {
        fail: 1.0
            - st.gate * (1.0 - reject) * (1.0 - q.fail) * (1.0 - version.error_rate) * down_ok,
        mean_ms: mean,
        p99_ms: p99,
        conns: conns.min(spec.max_connections as f64),
        cpu: ((accepted * cpu_ms / 1_000.0 + st.rogue) / st.cores).min(1.0),
        accepted,
    }
}

fn callee_view(
    spec: &ServiceSpec,
    state: &ServiceState,
    load: &ServiceLoad,
    table: &HostTable,
    net: &Network,
    count: &mut Vec<f64>,
    out: &mut Callee,
) {
    table.endpoints(spec, state, &mut out.endpoints);
    let targets = &out.endpoints;
    let zones = net.zones.len();
    count.clear();
    count.resize(zones, 0.0);
    for &t in targets.iter() {
        if let Some(row) = table.get(t) {
            count[row.zone] += 1.0;
        }
    }
    let n = targets.len().max(1) as f64;
    out.by_zone.clear();
    out.by_zone.extend((0..zones).map(|from| {
        let (mut reach, mut lat, mut loss) = (0.0, 0.0, 0.0);
        for (to, &c) in count.iter().enumerate() {
            if c > 0.0
                && let Some((l, p)) = net.between(from, to)
            {
                reach += c;
                lat += c * l;
                loss += c * p;
            }
        }
        if reach > 0.0 {
            (reach / n, lat / reach, loss / reach)
        } else {
            (0.0, 0.0, 0.0)
        }
    }));
    out.live = true;
    out.ok = load.ok;
    out.mean_ms = load.mean_ms;
    out.p99_ms = load.p99_ms;
}

/// Downstream effect on one request of `spec`'s instance in `zone`: (success share, mean ms, p99 extra ms).
fn downstream(
    spec: &ServiceSpec,
    zone: usize,
    callees: &[Callee],
    order: impl Fn(Entity) -> Option<usize>,
    firewall: impl Fn(usize) -> f64,
) -> (f64, f64, f64) {
    let (mut ok, mut mean, mut p99) = (1.0, 0.0, 0.0);
    for &(callee, k) in &spec.calls {
        let Some(i) = order(callee) else { continue };
        let Some(c) = callees.get(i).filter(|c| c.live) else {
            continue;
        };
        let (r, one_way, loss) = c.by_zone[zone];
        // A firewall that drops the connection looks to the caller like an unreachable host.
        let r = r * firewall(i);
        let (loss_ms, loss_fail) = loss_effect(loss);
        let call_ok = r * c.ok * (1.0 - loss_fail);
        let call_mean = r * (c.mean_ms + 2.0 * one_way + loss_ms) + (1.0 - r) * CONNECT_TIMEOUT_MS;
        ok *= crate::math::powf(call_ok.clamp(0.0, 1.0), k);
        mean += k * call_mean;
        p99 += k * call_mean + k.sqrt() * (c.p99_ms - c.mean_ms).max(0.0);
    }
    (ok, mean, p99)
}

#[allow(
    clippy::too_many_arguments,
    reason = "a system's parameters are its declared data access"
)]
pub fn route_traffic(
    clock: Res<Clock>,
    scenario: Res<ScenarioRes>,
    names: Res<Names>,
    net: Res<Network>,
    dns: Res<Dns>,
    storage: Res<crate::storage::Storage>,
    sec: Res<Security>,
    mut rng: ResMut<SimRng>,
    mut ledger: ResMut<Ledger>,
    mut hosts: HostQuery,
    mut services: ServiceQuery,
    (mut marked, mut table, mut memo, mut scratch): (
        Local<Vec<bool>>,
        Local<HostTable>,
        Local<Memo>,
        Local<Scratch>,
    ),
    virt: Res<Virt>,
    backfill: Option<Res<Backfill>>,
) {
    let traffic = &scenario.0.traffic;
    let past = backfill.and_then(|b| b.ago);
    let mut rate = match past {
        Some(ago) => demand::rate_before(traffic, clock.start_minute, ago),
        None => demand::rate(traffic, clock.start_minute, clock.now),
    };
    if traffic.noise > 0.0 {
        let n = if past.is_some() {
            rng.history_noise()
        } else {
            rng.noise()
        };
        rate *= (1.0 + traffic.noise * n).max(0.0);
    }
    let Scratch {
        entries,
        inbound,
        at_entry,
        callees,
        orders,
        targets,
        count,
        tails,
        down_by_zone,
        served,
    } = &mut *scratch;
    inbound.clear();
    inbound.resize(names.services.len(), 0.0);
    // Demand enters at the entry service, or is split by a DNS record over its targets.
    dns.entries_into(&names, clock.now, entries);
    if entries.is_empty() {
        return;
    }
    for &(e, share) in entries.iter() {
        if let Ok((spec, ..)) = services.get(e) {
            inbound[spec.order] += rate * share;
        }
    }
    // (requests, success share, p99) of each entry service.
    at_entry.clear();
    // Callers see callees as they were at the end of the last tick.
    table.fill(&hosts);
    callees.resize_with(names.services.len(), Callee::default);
    callees.iter_mut().for_each(|c| c.live = false);
    orders.clear();
    for &se in &names.services {
        if let Ok((spec, state, load)) = services.get(se)
            && let Some(out) = callees.get_mut(spec.order)
        {
            callee_view(spec, state, load, &table, &net, count, out);
            orders.push((se, spec.order));
        }
    }
    let order = |e: Entity| orders.iter().find(|(x, _)| *x == e).map(|(_, o)| *o);
    marked.clear();
    marked.resize(names.hosts.len(), false);
    for &se in &names.topo {
        let Ok((spec, state, _)) = services.get(se) else {
            continue;
        };
        let lam = inbound[spec.order];
        // The endpoints its callee view found this tick, from the same table.
        match callees.get(spec.order).filter(|c| c.live) {
            Some(c) => {
                targets.clear();
                targets.extend_from_slice(&c.endpoints);
            }
            None => table.endpoints(spec, state, targets),
        }
        let per = if targets.is_empty() {
            0.0
        } else {
            lam / targets.len() as f64
        };
        let (mut ok_sum, mut mean_sum, mut serving_n) = (0.0, 0.0, 0usize);
        // (p99, successful req/s) of each instance, for the service-wide p99.
        tails.clear();
        let mut forwarded = 0.0;
        // Without firewall rules what an instance's calls see depends only on its zone: work it
        // out once per zone.
        let per_zone = sec.call_share.is_empty();
        down_by_zone.clear();
        down_by_zone.resize(net.zones.len(), None);
        served.clear();
        for &h in targets.iter() {
            let Ok((_, hspec, hst, inst, mut slot)) = hosts.get_mut(h) else {
                continue;
            };
            let Some(inst) = inst else { continue };
            marked[hspec.order] = true;
            let up = hst.power == Power::Up && inst.proc == Proc::Running;
            let rogue = hst.rogue_cores();
            let mut load = Load {
                lambda: per,
                ..Load::default()
            };
            if up {
                let v = inst.version.min(state.versions.len() - 1);
                let version = &state.versions[v];
                let calls = match down_by_zone.get(hspec.zone) {
                    Some(Some(known)) if per_zone => *known,
                    _ => {
                        let d = downstream(spec, hspec.zone, callees, order, |i| {
                            sec.call_share(hspec.order, i)
                        });
                        if per_zone && let Some(slot) = down_by_zone.get_mut(hspec.zone) {
                            *slot = Some(d);
                        }
                        d
                    }
                };
                let down = storage.instance_effect(hspec.order, se, per, calls, &mut memo);
                // Requests that cannot get through TLS or the firewall to this instance at all.
                let gate = sec.gate(hspec.order);
                let station = Station {
                    version: v,
                    down,
                    gate,
                    memory_mb: inst.memory_mb,
                    host_memory_mb: hspec.memory_mb,
                    stretch: virt.stretch(hspec.order),
                    cores: hspec.cores,
                    rogue,
                    pause: virt.pause_ms(hspec.order),
                };
                // The instances of a tier in one zone mostly stand alike: each answer is worked
                // out once and taken again for the next instance standing the same.
                let key = station.key();
                // Word by word, not a call to memcmp: most keys differ early or not at all.
                let same = |k: &[u64; 11]| k.iter().zip(&key).all(|(a, b)| a == b);
                let answer = match served.iter().find(|(k, _)| same(k)) {
                    Some(&(_, known)) => known,
                    None => {
                        let answer =
                            serve(&station, per, spec, version, clock.dt_secs(), &mut memo);
                        if served.len() >= SERVED_KEPT {
                            served.remove(0);
                        }
                        served.push((key, answer));
                        answer
                    }
                };
                let Served {
                    fail,
                    mean_ms: mean,
                    p99_ms: p99,
                    conns,
                    cpu,
                    accepted,
                } = answer;
                let down_ok = down.0;
                load.fail = fail;
                load.mean_ms = mean;
                load.p99_ms = p99;
                load.conns = conns;
                load.cpu = cpu;
                forwarded += accepted;
                mean_sum += per * mean;
                if per > 0.0 && load.fail < 1.0 {
                    tails.push((p99, per * (1.0 - load.fail)));
                }
                ok_sum += if per > 0.0 {
                    per * (1.0 - load.fail)
                } else {
                    gate * (1.0 - version.error_rate) * down_ok
                };
                serving_n += 1;
            } else {
                load.fail = 1.0;
                load.cpu = (rogue / hspec.cores).min(1.0);
            }
            *slot = load;
        }
        // Members not receiving traffic (drained, out of the pool, replicas) still report CPU.
        for &m in &state.members {
            let Some(row) = table.get(m) else { continue };
            if marked[row.order] {
                marked[row.order] = false;
                continue;
            }
            if let Ok((_, hspec, hst, _, mut l)) = hosts.get_mut(m) {
                *l = Load {
                    cpu: (hst.rogue_cores() / hspec.cores).min(1.0),
                    fail: 0.0,
                    ..Load::default()
                };
            }
        }
        let p99_max = mixture_p99(tails);
        let ok = if lam > 0.0 {
            ok_sum / lam
        } else if targets.is_empty() {
            0.0
        } else {
            ok_sum / targets.len() as f64
        };
        for &(callee, k) in &spec.calls {
            if let Ok((cspec, ..)) = services.get(callee) {
                inbound[cspec.order] += forwarded * k;
            }
        }
        if let Ok((.., mut sl)) = services.get_mut(se) {
            *sl = ServiceLoad {
                lambda: lam,
                ok: ok.clamp(0.0, 1.0),
                mean_ms: if lam > 0.0 && serving_n > 0 {
                    mean_sum / lam
                } else {
                    0.0
                },
                p99_ms: p99_max,
            };
        }
        if entries.iter().any(|&(e, _)| e == se) {
            at_entry.push((lam, ok.clamp(0.0, 1.0), p99_max));
        }
    }
    let (lam, ok, p99) = match at_entry[..] {
        [one] => one,
        _ => {
            let lam: f64 = at_entry.iter().map(|e| e.0).sum();
            let good: f64 = at_entry.iter().map(|e| e.0 * e.1).sum();
            let mut tails: Vec<(f64, f64)> = at_entry.iter().map(|e| (e.2, e.0 * e.1)).collect();
            let p99 = mixture_p99(&mut tails);
            (lam, if lam > 0.0 { good / lam } else { 1.0 }, p99)
        }
    };
    ledger.last_rps = lam;
    ledger.last_ok = ok;
    ledger.last_p99_ms = p99;
    ledger.write_rps = lam * ok * traffic.write_fraction;
}
