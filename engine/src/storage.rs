//! Storage and disaster recovery: data volumes with IOPS limits, the backup catalogue and where
//! each backup is kept, backup schedules, verification, restores, and the faults that destroy
//! data (a dropped table, a lost volume, a lost site, backups encrypted or deleted).
//!
//! Every database service carries a running count of the acknowledged writes its data holds
//! (`content`). A backup records that count at its point in time, so a restore loses exactly the
//! acknowledged writes between the backup's point and the moment the database stopped: at a
//! steady write rate, write rate × (now − backup point).

use bevy_ecs::prelude::{Entity, Resource, World};
use scenarios::{Dur, LocationKind, Scenario, ServiceKind};

use crate::SimError;
use crate::actions::Applied;
use crate::components::{
    HostSpec, HostState, Instance, Load, Power, Proc, ServiceSpec, ServiceState,
};
use crate::effects::{host_name, now, restart_instance, service_name, serving};
use crate::network::Network;
use crate::observe::resolve;
use crate::queueing::mmc;
use crate::record::Severity;
use crate::resources::{Ledger, Log, Names, Op, Ops, Target};
use crate::views::{BackupRow, BackupsView, LocationRow, ScheduleRow, VolumeView};

/// MiB in a GiB: sizes are in GB and throughputs in MB/s, as backup tools report them.
pub const MB_PER_GB: f64 = 1_024.0;

/// Default read and write throughput of a location, MB/s, and the time before the first byte.
///
/// - Same site: a snapshot or a backup server on the local 10 GbE network (1,250 MB/s line rate);
///   restores run at 300–800 MB/s once disks and decompression are counted, so 500 MB/s.
/// - Other region: object storage across regions; one restore stream over a WAN gets about
///   100–200 MB/s (S3 documents ~100 MB/s per connection), so 150 MB/s.
/// - Offsite: tape (LTO-8 streams at 360 MB/s native, about 200 MB/s through a backup server)
///   that must first be recalled from the vault: couriers commonly promise 4 hours.
pub fn default_throughput(kind: LocationKind) -> (f64, Dur) {
    match kind {
        LocationKind::SameSite => (500.0, Dur::ZERO),
        LocationKind::OtherRegion => (150.0, Dur::ZERO),
        LocationKind::Offsite => (200.0, Dur::from_mins(240)),
    }
}

/// Time to read `size_gb` from a location: its lead time plus size ÷ throughput, rounded up
/// to a whole second.
pub fn transfer_time(size_gb: f64, mb_per_s: f64, lead: Dur) -> Dur {
    let secs = (size_gb * MB_PER_GB / mb_per_s.max(1e-9)).ceil();
    Dur(lead.ms() + (secs.min(1e12) as u64) * 1_000)
}

#[derive(Clone, Debug)]
pub struct VolumeState {
    pub iops: Option<f64>,
    pub io_per_request: f64,
    pub fill_gb_per_hour: f64,
    /// Why the volume's data is gone, if it is.
    pub lost: Option<String>,
}

#[derive(Clone, Debug)]
pub struct LocationState {
    pub id: String,
    pub kind: LocationKind,
    pub site: Option<String>,
    pub mb_per_s: f64,
    pub lead: Dur,
    pub lost: Option<String>,
}

#[derive(Clone, Debug)]
pub struct BackupState {
    pub id: String,
    pub service: Entity,
    pub location: usize,
    /// Point in time, ms from the start (negative: before it).
    pub point_ms: i64,
    /// Age before the start, for backups in the catalogue from the start (their content is set
    /// from the steady write rate on the first tick).
    pub age: Option<Dur>,
    pub size_gb: f64,
    pub corrupt: bool,
    /// `Some(true)` verified good, `Some(false)` found corrupt, `None` never checked.
    pub verified: Option<bool>,
    /// Acknowledged writes the data held at the point.
    pub content: f64,
    /// Share of requests the data fails (a dropped table taken into the backup).
    pub damage: f64,
    /// Being written; restorable from then.
    pub ready_at: Dur,
    pub verifying_until: Option<Dur>,
}

/// A database's data, as a count of the acknowledged writes it holds.
#[derive(Clone, Debug)]
pub struct DataState {
    pub service: Entity,
    pub content: f64,
    pub damage: f64,
    pub damaged_since: Option<Dur>,
    /// A restore in progress: the host, the backup's index, when it is done.
    pub restoring: Option<(Entity, usize, Dur)>,
}

#[derive(Clone, Debug)]
pub struct ScheduleState {
    pub service: Entity,
    pub every: Dur,
    pub location: usize,
    pub next: Dur,
}

/// Operations that finish later, run by `complete_operations`.
#[derive(Clone, Debug, PartialEq)]
pub enum StorageOp {
    BackupReady {
        backup: usize,
    },
    Verified {
        backup: usize,
    },
    Restored {
        data: usize,
        host: Entity,
        backup: usize,
        previous: Option<Entity>,
    },
}

#[derive(Resource, Debug, Default)]
pub struct Storage {
    /// By host `order`; hosts added later have none.
    pub volumes: Vec<VolumeState>,
    pub locations: Vec<LocationState>,
    pub backups: Vec<BackupState>,
    pub data: Vec<DataState>,
    pub schedules: Vec<ScheduleState>,
    pub lost_sites: Vec<String>,
    /// Whether the catalogue's backups have been given their content (first tick).
    pub seeded: bool,
    pub seq: u64,
}

impl Storage {
    pub fn build(scenario: &Scenario, services: &[Entity]) -> Storage {
        let st = scenario.storage.clone().unwrap_or_default();
        let volumes = scenario
            .topology
            .hosts
            .iter()
            .map(|h| {
                let v = st.volumes.iter().find(|v| v.host == h.id);
                VolumeState {
                    iops: v.map(|v| v.iops),
                    io_per_request: v.map_or(0.0, |v| v.io_per_request),
                    fill_gb_per_hour: v.map_or(0.0, |v| v.fill_gb_per_hour),
                    lost: None,
                }
            })
            .collect();
        let locations = st
            .locations
            .iter()
            .map(|l| {
                let (mb, lead) = default_throughput(l.kind);
                LocationState {
                    id: l.id.clone(),
                    kind: l.kind,
                    site: l.site.clone(),
                    mb_per_s: l.mb_per_s.unwrap_or(mb),
                    lead: l.lead_time.unwrap_or(lead),
                    lost: None,
                }
            })
            .collect::<Vec<_>>();
        let loc = |id: &str| st.locations.iter().position(|l| l.id == id).unwrap_or(0);
        let svc = |id: &str| {
            scenario
                .topology
                .services
                .iter()
                .position(|s| s.id == id)
                .map(|i| services[i])
        };
        let backups = st
            .backups
            .iter()
            .filter_map(|b| {
                Some(BackupState {
                    id: b.id.clone(),
                    service: svc(&b.target)?,
                    location: loc(&b.location),
                    point_ms: -(b.age.ms() as i64),
                    age: Some(b.age),
                    size_gb: b.size_gb,
                    corrupt: b.corrupt,
                    verified: b.verified.then_some(true),
                    content: 0.0,
                    damage: 0.0,
                    ready_at: Dur::ZERO,
                    verifying_until: None,
                })
            })
            .collect();
        let data = scenario
            .topology
            .services
            .iter()
            .zip(services)
            .filter(|(s, _)| s.kind == ServiceKind::Database)
            .map(|(_, &e)| DataState {
                service: e,
                content: 0.0,
                damage: 0.0,
                damaged_since: None,
                restoring: None,
            })
            .collect();
        let schedules = st
            .schedules
            .iter()
            .filter_map(|s| {
                Some(ScheduleState {
                    service: svc(&s.target)?,
                    every: s.every,
                    location: loc(&s.location),
                    next: s.next.unwrap_or(s.every),
                })
            })
            .collect();
        Storage {
            volumes,
            locations,
            backups,
            data,
            schedules,
            lost_sites: Vec::new(),
            seeded: false,
            seq: 0,
        }
    }

    pub fn data_of(&self, service: Entity) -> Option<usize> {
        self.data.iter().position(|d| d.service == service)
    }

    /// Volume I/O and data damage on one instance, folded into its downstream effect
    /// (success share, mean ms, p99 ms) the way a callee's is: the request waits on its I/O.
    ///
    /// The volume is an M/M/1 station serving `iops` operations a second (1/iops each): below
    /// the limit I/O takes about that long; near it I/O queues and latency climbs; past it the
    /// excess times out, as a throttled cloud volume behaves. `memo` remembers the stations
    /// solved lately (see [`crate::queueing::Memo`]).
    pub fn instance_effect(
        &self,
        host_order: usize,
        service: Entity,
        per: f64,
        (ok, mean, p99): (f64, f64, f64),
        memo: &mut crate::queueing::Memo,
    ) -> (f64, f64, f64) {
        let mut out = (ok, mean, p99);
        if let Some(v) = self.volumes.get(host_order)
            && let Some(iops) = v.iops
            && v.io_per_request > 0.0
        {
            let k = v.io_per_request;
            let q = memo.mmc(1, per * k, 1_000.0 / iops);
            out.0 *= 1.0 - q.fail;
            out.1 += k * q.mean_ms;
            out.2 += k * q.mean_ms + k.sqrt() * (q.p99_ms - q.mean_ms).max(0.0);
        }
        if let Some(d) = self.data.iter().find(|d| d.service == service) {
            out.0 *= 1.0 - d.damage;
        }
        out
    }

    fn next_id(&mut self, at: Dur) -> String {
        loop {
            self.seq += 1;
            // splitmix64 of the sequence and the time: short ids like restic's, deterministic.
            let z = scenarios::splitmix64(self.seq ^ (at.ms() << 20));
            let id = format!("{:08x}", z & 0xFFFF_FFFF);
            if !self.backups.iter().any(|b| b.id == id) {
                return id;
            }
        }
    }
}

/// Simulated time as the wall clock the candidate sees.
fn clock(world: &World, at: Dur) -> String {
    let start = &world.resource::<crate::resources::ScenarioRes>().0.start;
    scenarios::clock_label(start, at)
}

/// Site of a host, by its zone.
fn site_of(world: &World, h: Entity) -> String {
    let zone = world.get::<HostSpec>(h).map_or(0, |s| s.zone);
    world
        .resource::<Network>()
        .zone_site
        .get(zone)
        .cloned()
        .unwrap_or_default()
}

fn host_order(world: &World, h: Entity) -> usize {
    world.get::<HostSpec>(h).map_or(usize::MAX, |s| s.order)
}

fn volume_lost(world: &World, h: Entity) -> Option<String> {
    let order = host_order(world, h);
    world
        .resource::<Storage>()
        .volumes
        .get(order)
        .and_then(|v| v.lost.clone())
}

/// Why `host` cannot be restarted or rebooted now, if it cannot: its site is lost, its volume is
/// gone, or a restore is writing to it.
pub fn host_blocked(world: &World, h: Entity) -> Result<(), SimError> {
    let name = host_name(world, h);
    let site = site_of(world, h);
    let storage = world.resource::<Storage>();
    if storage.lost_sites.contains(&site) {
        return Err(SimError::new(format!(
            "{name} is in {site}, which is lost; nothing there can be started. Fail over or restore elsewhere"
        )));
    }
    if restoring_onto(world, h) {
        return Err(SimError::new(format!(
            "{name} is being restored; it starts by itself when the restore is done (`backup list` shows when)"
        )));
    }
    if let Some(why) = volume_lost(world, h) {
        return Err(SimError::new(format!(
            "{name}'s data volume is lost ({why}); starting it again will not bring the data back: `restore {name} from BACKUP_ID`, or promote a replica that still has its data"
        )));
    }
    Ok(())
}

/// Whether a restore is writing to `h`.
pub fn restoring_onto(world: &World, h: Entity) -> bool {
    world
        .resource::<Storage>()
        .data
        .iter()
        .any(|d| d.restoring.is_some_and(|(host, ..)| host == h))
}

/// Refuses a failover while its database is being restored.
pub fn failover_blocked(world: &World, service: Entity) -> Result<(), SimError> {
    let storage = world.resource::<Storage>();
    if storage
        .data
        .iter()
        .any(|d| d.service == service && d.restoring.is_some())
    {
        return Err(SimError::new(format!(
            "{} is being restored from a backup; wait for the restore to finish",
            service_name(world, service)
        )));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Faults

/// Applies a disaster-recovery fault and describes it for the record.
pub fn apply_fault(world: &mut World, kind: &scenarios::FaultKind) -> String {
    use scenarios::FaultKind;
    let at = now(world);
    match kind {
        FaultKind::DataCorruption {
            service,
            share,
            what,
        } => {
            let Some(s) = crate::effects::service(world, service) else {
                return format!("{what} on {service}");
            };
            let primary = world.get::<ServiceState>(s).and_then(|st| st.primary);
            let mut storage = world.resource_mut::<Storage>();
            if let Some(i) = storage.data_of(s) {
                let d = &mut storage.data[i];
                d.damage = 1.0 - (1.0 - d.damage) * (1.0 - share);
                d.damaged_since.get_or_insert(at);
            }
            if let Some(p) = primary {
                let name = host_name(world, p);
                world.resource_mut::<Log>().push(
                    at,
                    &name,
                    Severity::Info,
                    format!("postgres: statement: {what}"),
                );
            }
            format!(
                "{what} on {service}: {:.0}% of its requests fail until it is restored",
                share * 100.0
            )
        }
        FaultKind::VolumeLoss { host } => {
            let Some(h) = crate::effects::host(world, host) else {
                return format!("the data volume of {host} was lost");
            };
            lose_volume(world, h, "the volume failed");
            format!("the data volume of {host} was lost")
        }
        FaultKind::SiteLoss { site } => {
            let hosts: Vec<Entity> = world
                .resource::<Names>()
                .hosts
                .clone()
                .into_iter()
                .filter(|&h| site_of(world, h) == *site)
                .collect();
            for &h in &hosts {
                if let Some(mut st) = world.get_mut::<HostState>(h) {
                    if st.power == Power::Decommissioned {
                        continue;
                    }
                    st.power = Power::Down;
                }
                if let Some(mut i) = world.get_mut::<Instance>(h) {
                    i.proc = Proc::Stopped;
                }
            }
            let mut storage = world.resource_mut::<Storage>();
            storage.lost_sites.push(site.clone());
            for l in &mut storage.locations {
                if l.site.as_deref() == Some(site.as_str()) && l.lost.is_none() {
                    l.lost = Some(format!("site {site} lost"));
                }
            }
            format!("site {site} was lost: {} hosts down", hosts.len())
        }
        FaultKind::BackupsLost { location } => {
            let mut storage = world.resource_mut::<Storage>();
            if let Some(l) = storage.locations.iter_mut().find(|l| l.id == *location) {
                l.lost
                    .get_or_insert_with(|| "destroyed or encrypted".into());
            }
            format!("the backups at {location} were destroyed or encrypted")
        }
        _ => String::new(),
    }
}

/// Every host, service and zone a disaster-recovery fault strikes.
pub fn struck(world: &World, kind: &scenarios::FaultKind) -> Vec<String> {
    use scenarios::FaultKind;
    let mut out = Vec::new();
    match kind {
        FaultKind::DataCorruption { service, .. } => {
            out.push(service.clone());
            if let Some(st) =
                crate::effects::service(world, service).and_then(|s| world.get::<ServiceState>(s))
            {
                out.extend(st.members.iter().map(|&m| host_name(world, m)));
            }
        }
        FaultKind::VolumeLoss { host } => {
            out.push(host.clone());
            if let Some(i) =
                crate::effects::host(world, host).and_then(|h| world.get::<Instance>(h))
            {
                out.push(service_name(world, i.service));
            }
        }
        FaultKind::SiteLoss { site } => {
            let net = world.resource::<Network>();
            for (z, s) in net.zone_site.iter().enumerate() {
                if s == site {
                    out.push(net.zones[z].clone());
                }
            }
            for &h in &world.resource::<Names>().hosts {
                if site_of(world, h) == *site {
                    out.push(host_name(world, h));
                    if let Some(i) = world.get::<Instance>(h) {
                        out.push(service_name(world, i.service));
                    }
                }
            }
        }
        FaultKind::BackupsLost { .. } => {
            // The targets of the backups kept there: `backup list` on them shows the loss.
            let storage = world.resource::<Storage>();
            if let FaultKind::BackupsLost { location } = kind
                && let Some(l) = storage.locations.iter().position(|l| l.id == *location)
            {
                for b in storage.backups.iter().filter(|b| b.location == l) {
                    out.push(service_name(world, b.service));
                }
            }
        }
        _ => {}
    }
    out
}

fn lose_volume(world: &mut World, h: Entity, why: &str) {
    let order = host_order(world, h);
    let name = host_name(world, h);
    let at = now(world);
    if let Some(v) = world.resource_mut::<Storage>().volumes.get_mut(order) {
        v.lost = Some(why.to_owned());
    }
    if let Some(mut st) = world.get_mut::<HostState>(h) {
        st.disk_used_gb = 0.0;
    }
    let was_running = world.get::<Instance>(h).map(|i| i.proc != Proc::Stopped);
    if let Some(mut i) = world.get_mut::<Instance>(h) {
        i.proc = Proc::Stopped;
    }
    let mut log = world.resource_mut::<Log>();
    log.push(
        at,
        &name,
        Severity::Error,
        "kernel: blk_update_request: I/O error, dev nvme1n1, sector 2048; XFS (nvme1n1): metadata I/O error, shutting down filesystem",
    );
    if was_running == Some(true) {
        log.push(
            at,
            &name,
            Severity::Error,
            "postgres: PANIC: could not open file \"global/pg_control\": Input/output error",
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The tick

/// Volumes fill while their service serves; databases count the writes they hold; the
/// catalogue's backups get their content on the first tick; schedules take backups when due.
pub fn run_storage(world: &mut World) {
    let at = now(world);
    let dt = world.resource::<crate::resources::Clock>().dt_secs();
    let write_rps = world.resource::<Ledger>().write_rps;
    if !world.resource::<Storage>().seeded {
        let mut storage = world.resource_mut::<Storage>();
        storage.seeded = true;
        for b in &mut storage.backups {
            if let Some(age) = b.age {
                // The estate has been running at this rate for ever: the writes made since.
                b.content = -write_rps * age.secs_f64();
            }
        }
    }
    // Fill volumes of serving hosts (most estates have none filling: skip the walk then).
    let filling = world
        .resource::<Storage>()
        .volumes
        .iter()
        .any(|v| v.fill_gb_per_hour > 0.0);
    let hosts = if filling {
        world.resource::<Names>().hosts.clone()
    } else {
        Vec::new()
    };
    for h in hosts {
        let order = host_order(world, h);
        let fill = world
            .resource::<Storage>()
            .volumes
            .get(order)
            .map_or(0.0, |v| v.fill_gb_per_hour);
        if fill > 0.0
            && serving(world, h)
            && let Some(mut st) = world.get_mut::<HostState>(h)
        {
            st.disk_used_gb = (st.disk_used_gb + fill * dt / 3_600.0).min(st.disk_gb);
        }
    }
    // Count the writes each database holds while its primary serves.
    let n = world.resource::<Storage>().data.len();
    for i in 0..n {
        let s = world.resource::<Storage>().data[i].service;
        let primary = world.get::<ServiceState>(s).and_then(|st| st.primary);
        if primary.is_some_and(|p| serving(world, p)) {
            world.resource_mut::<Storage>().data[i].content += write_rps * dt;
        }
    }
    let clock = *world.resource::<crate::resources::Clock>();
    if clock.now.ms() + clock.step.ms() >= clock.limit.ms() {
        charge_unrecovered(world);
    }
    // Scheduled backups.
    let due: Vec<usize> = world
        .resource::<Storage>()
        .schedules
        .iter()
        .enumerate()
        .filter(|(_, s)| s.next <= at)
        .map(|(i, _)| i)
        .collect();
    for i in due {
        let (service, location, every) = {
            let s = &world.resource::<Storage>().schedules[i];
            (s.service, s.location, s.every)
        };
        world.resource_mut::<Storage>().schedules[i].next = Dur(at.ms() + every.ms());
        let svc = service_name(world, service);
        match start_backup(world, service, None, location) {
            Ok((id, done)) => world.resource_mut::<Log>().push(
                at,
                &svc,
                Severity::Info,
                format!(
                    "backup job: backup {id} of {svc} started, done in about {}",
                    Dur(done.ms() - at.ms())
                ),
            ),
            Err(e) => world.resource_mut::<Log>().push(
                at,
                &svc,
                Severity::Warn,
                format!("backup job: skipped: {}", e.message),
            ),
        }
    }
}

/// At the end of the run, a database with no copy of its data left anywhere (every member's
/// volume lost or in a lost site, and no restore under way) has lost the writes since its newest
/// surviving backup, restored or not.
fn charge_unrecovered(world: &mut World) {
    let at = now(world);
    let n = world.resource::<Storage>().data.len();
    for i in 0..n {
        let d = world.resource::<Storage>().data[i].clone();
        if d.restoring.is_some() {
            continue;
        }
        let members = world
            .get::<ServiceState>(d.service)
            .map(|s| s.members.clone())
            .unwrap_or_default();
        let survives = members.iter().any(|&m| {
            volume_lost(world, m).is_none()
                && !world
                    .resource::<Storage>()
                    .lost_sites
                    .contains(&site_of(world, m))
        });
        if survives {
            continue;
        }
        let newest = {
            let storage = world.resource::<Storage>();
            storage
                .backups
                .iter()
                .filter(|b| {
                    b.service == d.service
                        && !b.corrupt
                        && b.ready_at <= at
                        && storage.locations[b.location].lost.is_none()
                })
                .max_by_key(|b| b.point_ms)
                .map(|b| (b.content, b.point_ms))
        };
        let Some((content, point)) = newest else {
            continue;
        };
        let lost = (d.content - content).max(0.0).round();
        if lost > 0.0 {
            world.resource_mut::<Ledger>().totals.writes_lost += lost;
            let svc = service_name(world, d.service);
            let point = point_label(world, point);
            world.resource_mut::<Log>().push(
                at,
                &svc,
                Severity::Error,
                format!(
                    "{svc} was never restored: the {lost:.0} writes since its newest surviving backup ({point}) were lost"
                ),
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Actions

/// The database service a target names (a database, or a host of one), and the host it names.
fn database_target(world: &World, name: &str) -> Result<(Entity, Option<Entity>), SimError> {
    let (s, h) = match resolve(world, name)? {
        Target::Service(s) => (s, None),
        Target::Host(h) => match world.get::<Instance>(h) {
            Some(i) => (i.service, Some(h)),
            None => return Err(SimError::new(format!("{name} runs no service"))),
        },
        Target::Zone(_) | Target::Node(_) => {
            return Err(SimError::new(format!(
                "`{name}` is a place on the network; name a database or one of its hosts"
            )));
        }
    };
    if world.get::<ServiceSpec>(s).map(|s| s.kind) != Some(ServiceKind::Database) {
        return Err(SimError::new(format!(
            "{} is not a database; backups and restores are of databases",
            service_name(world, s)
        )));
    }
    Ok((s, h))
}

fn location_index(world: &World, name: &str) -> Result<usize, SimError> {
    let storage = world.resource::<Storage>();
    if let Some(i) = storage.locations.iter().position(|l| l.id == name) {
        return Ok(i);
    }
    let ids = storage.locations.iter().map(|l| l.id.as_str());
    let mut e = SimError::new(if storage.locations.is_empty() {
        format!("no backup location is called `{name}`; this estate has none")
    } else {
        format!(
            "no backup location is called `{name}`; they are: {}",
            storage
                .locations
                .iter()
                .map(|l| l.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    });
    e.suggestion = scenarios::suggest(name, ids);
    Err(e)
}

fn backup_index(world: &World, id: &str) -> Result<usize, SimError> {
    let storage = world.resource::<Storage>();
    if let Some(i) = storage.backups.iter().position(|b| b.id == id) {
        return Ok(i);
    }
    let mut e = SimError::new(format!("no backup has id `{id}`; `backup list` shows them"));
    e.suggestion = scenarios::suggest(id, storage.backups.iter().map(|b| b.id.as_str()));
    Err(e)
}

/// Refuses to read a backup whose location is gone.
fn readable(id: &str, loc: &LocationState) -> Result<(), SimError> {
    match &loc.lost {
        Some(why) => Err(SimError::new(format!(
            "backup {id} is at {}, which is unavailable ({why})",
            loc.id
        ))),
        None => Ok(()),
    }
}

/// " after 4h to retrieve it" for a location with a lead time, else nothing.
fn retrieval(loc: &LocationState) -> String {
    if loc.lead.ms() > 0 {
        format!(" after {} to retrieve it", loc.lead)
    } else {
        String::new()
    }
}

/// Starts a backup of `service` (from `from`, or its primary) to `location`: (id, ready at).
fn start_backup(
    world: &mut World,
    service: Entity,
    from: Option<Entity>,
    location: usize,
) -> Result<(String, Dur), SimError> {
    let at = now(world);
    let svc = service_name(world, service);
    let st = world.get::<ServiceState>(service).expect("service");
    let source = from.or(st.primary);
    let Some(source) = source.filter(|&h| serving(world, h)) else {
        return Err(SimError::new(format!(
            "{} has no serving instance to back up from",
            from.map_or(svc.clone(), |h| host_name(world, h))
        )));
    };
    let size_gb = world
        .get::<HostState>(source)
        .map_or(0.0, |h| h.disk_used_gb)
        .max(0.001);
    let (content, damage) = {
        let storage = world.resource::<Storage>();
        storage.data_of(service).map_or((0.0, 0.0), |i| {
            (storage.data[i].content, storage.data[i].damage)
        })
    };
    let loc = world.resource::<Storage>().locations[location].clone();
    if let Some(why) = &loc.lost {
        return Err(SimError::new(format!(
            "backup location {} is unavailable ({why})",
            loc.id
        )));
    }
    let ready_at = Dur(at.ms() + transfer_time(size_gb, loc.mb_per_s, Dur::ZERO).ms());
    let mut storage = world.resource_mut::<Storage>();
    let id = storage.next_id(at);
    storage.backups.push(BackupState {
        id: id.clone(),
        service,
        location,
        point_ms: at.ms() as i64,
        age: None,
        size_gb,
        corrupt: false,
        verified: None,
        content,
        damage,
        ready_at,
        verifying_until: None,
    });
    let index = storage.backups.len() - 1;
    world.resource_mut::<Ops>().schedule(
        ready_at,
        Op::Storage(StorageOp::BackupReady { backup: index }),
    );
    Ok((id, ready_at))
}

fn default_location(world: &World) -> Result<usize, SimError> {
    let storage = world.resource::<Storage>();
    storage
        .locations
        .iter()
        .position(|l| l.lost.is_none() && l.kind == LocationKind::SameSite)
        .or_else(|| storage.locations.iter().position(|l| l.lost.is_none()))
        .ok_or_else(|| {
            SimError::new(if storage.locations.is_empty() {
                "this estate has no backup location to write to".to_string()
            } else {
                "every backup location is unavailable".to_string()
            })
        })
}

pub fn backup_create(
    world: &mut World,
    target: &str,
    location: Option<&str>,
) -> Result<Applied, SimError> {
    let (s, from) = database_target(world, target)?;
    let location = match location {
        Some(l) => location_index(world, l)?,
        None => default_location(world)?,
    };
    let (id, ready) = start_backup(world, s, from, location)?;
    let at = now(world);
    let storage = world.resource::<Storage>();
    let b = storage.backups.last().expect("just added");
    let loc = &storage.locations[location];
    let message = format!(
        "backup {id} of {} started to {} ({}): {:.0} GB at {:.0} MB/s, ready in about {}",
        service_name(world, s),
        loc.id,
        loc.kind.label(),
        b.size_gb,
        loc.mb_per_s,
        Dur(ready.ms() - at.ms())
    );
    Ok(Applied {
        message,
        harm: None,
        targets: targets(world, s, from),
    })
}

pub fn backup_verify(world: &mut World, id: &str) -> Result<Applied, SimError> {
    let i = backup_index(world, id)?;
    let at = now(world);
    let (b, loc) = {
        let storage = world.resource::<Storage>();
        let b = storage.backups[i].clone();
        (b.clone(), storage.locations[b.location].clone())
    };
    readable(id, &loc)?;
    if b.ready_at > at {
        return Err(SimError::new(format!(
            "backup {id} is still being written; it can be verified from {}",
            b.ready_at
        )));
    }
    if let Some(until) = b.verifying_until {
        return Err(SimError::new(format!(
            "backup {id} is already being verified (done in about {})",
            Dur(until.ms() - at.ms())
        )));
    }
    if let Some(ok) = b.verified {
        return Err(SimError::new(format!(
            "backup {id} has already been verified: {}",
            if ok { "restorable" } else { "corrupt" }
        )));
    }
    let took = transfer_time(b.size_gb, loc.mb_per_s, loc.lead);
    let due = Dur(at.ms() + took.ms());
    world.resource_mut::<Storage>().backups[i].verifying_until = Some(due);
    world
        .resource_mut::<Ops>()
        .schedule(due, Op::Storage(StorageOp::Verified { backup: i }));
    Ok(Applied {
        message: format!(
            "verifying backup {id}: reading {:.0} GB back from {} at {:.0} MB/s{}, about {took}",
            b.size_gb,
            loc.id,
            loc.mb_per_s,
            retrieval(&loc)
        ),
        harm: None,
        targets: vec![service_name(world, b.service)],
    })
}

pub fn backup_schedule(
    world: &mut World,
    target: &str,
    every: Dur,
    location: &str,
) -> Result<Applied, SimError> {
    let (s, _) = database_target(world, target)?;
    let l = location_index(world, location)?;
    if every.ms() < 60_000 {
        return Err(SimError::new(
            "a backup more often than every minute is not a schedule; use e.g. `every 1h`",
        ));
    }
    if let Some(why) = &world.resource::<Storage>().locations[l].lost {
        return Err(SimError::new(format!(
            "backup location {location} is unavailable ({why})"
        )));
    }
    let at = now(world);
    let next = Dur(at.ms() + every.ms());
    let mut storage = world.resource_mut::<Storage>();
    if let Some(existing) = storage
        .schedules
        .iter_mut()
        .find(|x| x.service == s && x.location == l)
    {
        existing.every = every;
        existing.next = next;
    } else {
        storage.schedules.push(ScheduleState {
            service: s,
            every,
            location: l,
            next,
        });
    }
    Ok(Applied {
        message: format!(
            "{} is backed up to {location} every {every}; the next at {}",
            service_name(world, s),
            clock(world, next)
        ),
        harm: None,
        targets: vec![service_name(world, s)],
    })
}

pub fn restore(world: &mut World, target: &str, id: &str) -> Result<Applied, SimError> {
    let (s, named_host) = database_target(world, target)?;
    let bi = backup_index(world, id)?;
    let at = now(world);
    let svc = service_name(world, s);
    let (b, loc) = {
        let storage = world.resource::<Storage>();
        let b = storage.backups[bi].clone();
        (b.clone(), storage.locations[b.location].clone())
    };
    if b.service != s {
        return Err(SimError::new(format!(
            "backup {id} is of {}, not {svc}",
            service_name(world, b.service)
        )));
    }
    readable(id, &loc)?;
    if b.ready_at > at {
        return Err(SimError::new(format!(
            "backup {id} is still being written; it can be restored from {}",
            clock(world, b.ready_at)
        )));
    }
    if b.verified == Some(false) {
        return Err(SimError::new(format!(
            "backup {id} failed verification: it is corrupt and would not restore; pick another"
        )));
    }
    let di = world
        .resource::<Storage>()
        .data_of(s)
        .expect("every database has data");
    if world.resource::<Storage>().data[di].restoring.is_some() {
        return Err(SimError::new(format!("{svc} is already being restored")));
    }
    let st = world.get::<ServiceState>(s).expect("service").clone();
    // Onto the named host; else the primary if it can take it; else the first member that can.
    let usable = |w: &World, h: Entity| {
        !w.resource::<Storage>().lost_sites.contains(&site_of(w, h))
            && w.get::<HostState>(h).is_some_and(|x| x.power == Power::Up)
    };
    let host = match named_host {
        Some(h) => {
            if !usable(world, h) {
                host_blocked(world, h)?;
                return Err(SimError::new(format!(
                    "{} is not up; restore onto a host that is",
                    host_name(world, h)
                )));
            }
            h
        }
        None => st
            .primary
            .filter(|&p| usable(world, p))
            .or_else(|| st.members.iter().copied().find(|&m| usable(world, m)))
            .ok_or_else(|| {
                SimError::new(format!(
                    "no host of {svc} is up to restore onto; every one is down or in a lost site"
                ))
            })?,
    };
    let healthy = st.primary.is_some_and(|p| serving(world, p))
        && world.resource::<Storage>().data[di].damage == 0.0;
    let lost_now = (world.resource::<Storage>().data[di].content - b.content)
        .max(0.0)
        .round();
    let harm = healthy.then(|| {
        format!("restored {svc} over a healthy database, throwing away {lost_now:.0} writes")
    });
    let took = transfer_time(b.size_gb, loc.mb_per_s, loc.lead);
    let due = Dur(at.ms() + took.ms());
    let previous = st.primary;
    // The database stops taking writes: every member is stopped while the data is replaced.
    world.get_mut::<ServiceState>(s).expect("service").primary = None;
    for &m in &st.members {
        if let Some(mut i) = world.get_mut::<Instance>(m) {
            i.proc = Proc::Stopped;
        }
    }
    world.resource_mut::<Storage>().data[di].restoring = Some((host, bi, due));
    world.resource_mut::<Ops>().schedule(
        due,
        Op::Storage(StorageOp::Restored {
            data: di,
            host,
            backup: bi,
            previous,
        }),
    );
    let hn = host_name(world, host);
    world.resource_mut::<Log>().push(
        at,
        &hn,
        Severity::Warn,
        format!(
            "restore: {svc} stopped; restoring backup {id} ({:.0} GB from {}) onto {hn}",
            b.size_gb, loc.id
        ),
    );
    let mut t = vec![svc.clone()];
    t.extend(st.members.iter().map(|&m| host_name(world, m)));
    Ok(Applied {
        message: format!(
            "restoring {svc} onto {hn} from backup {id} (taken {}): {:.0} GB from {} ({}) at {:.0} MB/s{}, about {took}; {svc} is down until then, and writes since the backup are lost",
            point_label(world, b.point_ms),
            b.size_gb,
            loc.id,
            loc.kind.label(),
            loc.mb_per_s,
            retrieval(&loc)
        ),
        harm,
        targets: t,
    })
}

/// `replica promote HOST`: the existing failover, onto the named replica.
pub fn replica_promote(world: &mut World, host: &str) -> Result<Applied, SimError> {
    let h = match resolve(world, host)? {
        Target::Host(h) => h,
        _ => {
            return Err(SimError::new(format!(
                "`{host}` is not a host; `replica promote` takes a database replica's host"
            )));
        }
    };
    let Some(inst) = world.get::<Instance>(h) else {
        return Err(SimError::new(format!("{host} runs no service")));
    };
    let s = inst.service;
    let st = world.get::<ServiceState>(s).expect("service");
    if world.get::<ServiceSpec>(s).map(|x| x.kind) != Some(ServiceKind::Database) {
        return Err(SimError::new(format!(
            "{host} runs {}, not a database; only a database replica can be promoted",
            service_name(world, s)
        )));
    }
    if st.primary == Some(h) {
        return Err(SimError::new(format!(
            "{host} is already the {} primary",
            service_name(world, s)
        )));
    }
    if !serving(world, h) {
        host_blocked(world, h)?;
        return Err(SimError::new(format!(
            "{host} is not serving; only a running replica can be promoted"
        )));
    }
    failover_blocked(world, s)?;
    let name = service_name(world, s);
    crate::actions::failover_to(world, &name, Some(h))
}

// ---------------------------------------------------------------------------------------------
// Completions

pub fn complete(world: &mut World, op: StorageOp) {
    let at = now(world);
    match op {
        StorageOp::BackupReady { backup } => {
            let (id, svc) = {
                let b = &world.resource::<Storage>().backups[backup];
                (b.id.clone(), b.service)
            };
            let svc = service_name(world, svc);
            world.resource_mut::<Log>().notify(
                at,
                &svc,
                Severity::Info,
                format!("backup {id} of {svc} is complete"),
            );
        }
        StorageOp::Verified { backup } => {
            let (id, svc, corrupt, lost) = {
                let storage = world.resource::<Storage>();
                let b = &storage.backups[backup];
                (
                    b.id.clone(),
                    b.service,
                    b.corrupt,
                    storage.locations[b.location].lost.clone(),
                )
            };
            let svc = service_name(world, svc);
            let b = &mut world.resource_mut::<Storage>().backups[backup];
            b.verifying_until = None;
            if let Some(why) = lost {
                world.resource_mut::<Log>().notify(
                    at,
                    &svc,
                    Severity::Warn,
                    format!(
                        "verification of backup {id} stopped: its location is unavailable ({why})"
                    ),
                );
                return;
            }
            b.verified = Some(!corrupt);
            let (sev, text) = if corrupt {
                (
                    Severity::Error,
                    format!(
                        "backup {id} of {svc} is CORRUPT: checksum mismatch reading it back; it cannot be restored"
                    ),
                )
            } else {
                (
                    Severity::Info,
                    format!(
                        "backup {id} of {svc} verified: every block reads back and its checksums match"
                    ),
                )
            };
            world.resource_mut::<Log>().notify(at, &svc, sev, text);
        }
        StorageOp::Restored {
            data,
            host,
            backup,
            previous,
        } => restored(world, data, host, backup, previous),
    }
}

fn restored(world: &mut World, di: usize, host: Entity, bi: usize, previous: Option<Entity>) {
    let at = now(world);
    let b = world.resource::<Storage>().backups[bi].clone();
    let s = world.resource::<Storage>().data[di].service;
    world.resource_mut::<Storage>().data[di].restoring = None;
    let svc = service_name(world, s);
    let hn = host_name(world, host);
    let members = world
        .get::<ServiceState>(s)
        .expect("service")
        .members
        .clone();
    let site_lost =
        |w: &World, h: Entity| w.resource::<Storage>().lost_sites.contains(&site_of(w, h));
    let restart_members = |world: &mut World| {
        for m in members.clone() {
            let up = world
                .get::<HostState>(m)
                .is_some_and(|x| x.power == Power::Up);
            if up && !site_lost(world, m) && volume_lost(world, m).is_none() {
                restart_instance(world, m, None);
            }
        }
    };
    let location_lost = world.resource::<Storage>().locations[b.location]
        .lost
        .clone();
    if b.corrupt || location_lost.is_some() {
        // Restores go to a fresh volume and swap in only once complete, so the old data (and
        // the old primary, if it still has its volume) are as they were.
        world.get_mut::<ServiceState>(s).expect("service").primary = previous;
        restart_members(world);
        let why = match location_lost {
            Some(why) => format!("its location became unavailable ({why})"),
            None => "checksum mismatch reading it back; the backup is corrupt".into(),
        };
        if b.corrupt {
            world.resource_mut::<Storage>().backups[bi].verified = Some(false);
        }
        world.resource_mut::<Log>().notify(
            at,
            &hn,
            Severity::Error,
            format!("restore of {svc} from backup {} FAILED: {why}; {svc} is as it was before the restore", b.id),
        );
        return;
    }
    let lost = {
        let mut storage = world.resource_mut::<Storage>();
        let d = &mut storage.data[di];
        let lost = (d.content - b.content).max(0.0).round();
        d.content = b.content;
        d.damage = b.damage;
        if b.damage == 0.0 {
            d.damaged_since = None;
        }
        let order = world.get::<HostSpec>(host).map_or(usize::MAX, |x| x.order);
        if let Some(v) = world.resource_mut::<Storage>().volumes.get_mut(order) {
            v.lost = None;
        }
        lost
    };
    if let Some(mut h) = world.get_mut::<HostState>(host) {
        h.disk_used_gb = b.size_gb.min(h.disk_gb);
    }
    world.get_mut::<ServiceState>(s).expect("service").primary = Some(host);
    restart_members(world);
    let point = point_label(world, b.point_ms);
    if lost > 0.0 {
        world.resource_mut::<Ledger>().totals.writes_lost += lost;
        world.resource_mut::<Log>().push(
            at,
            &svc,
            Severity::Error,
            format!(
                "restore: {lost:.0} writes acknowledged after the backup's point ({point}) were lost"
            ),
        );
    }
    world.resource_mut::<Log>().notify(
        at,
        &hn,
        Severity::Info,
        format!(
            "restore of {svc} from backup {} is complete: {hn} holds the data as of {point} and is starting as the primary",
            b.id
        ),
    );
}

// ---------------------------------------------------------------------------------------------
// Views

fn targets(world: &World, s: Entity, h: Option<Entity>) -> Vec<String> {
    let mut t = vec![service_name(world, s)];
    t.extend(h.map(|h| host_name(world, h)));
    t
}

/// A point in time as the wall clock read then, with "yesterday" or a day count if earlier.
pub fn point_label(world: &World, point_ms: i64) -> String {
    let start = world.resource::<crate::resources::Clock>().start_minute as i64;
    let minute = start + point_ms.div_euclid(60_000);
    let day = minute.div_euclid(1_440);
    let m = minute.rem_euclid(1_440);
    let clock = format!("{:02}:{:02}", m / 60, m % 60);
    match day {
        0 => clock,
        -1 => format!("yesterday {clock}"),
        d if d < 0 => format!("{clock}, {} days ago", -d),
        _ => format!("{clock} (+{day}d)"),
    }
}

pub fn backups_view(world: &World, target: Option<&str>) -> Result<BackupsView, SimError> {
    let filter = match target {
        Some(t) => Some(database_target(world, t)?.0),
        None => None,
    };
    let at = now(world);
    let storage = world.resource::<Storage>();
    let mut backups: Vec<&BackupState> = storage
        .backups
        .iter()
        .filter(|b| filter.is_none_or(|s| b.service == s))
        .collect();
    backups.sort_by(|a, b| b.point_ms.cmp(&a.point_ms).then(a.id.cmp(&b.id)));
    let rows = backups
        .iter()
        .map(|b| {
            let loc = &storage.locations[b.location];
            let state = if let Some(why) = &loc.lost {
                format!("LOST ({why})")
            } else if b.ready_at > at {
                format!("writing, ready {}", clock(world, b.ready_at))
            } else if let Some(until) = b.verifying_until {
                format!("verifying, done {}", clock(world, until))
            } else if storage.data.iter().any(|d| {
                d.restoring
                    .is_some_and(|(_, i, _)| storage.backups[i].id == b.id)
            }) {
                "restoring".into()
            } else {
                "ready".into()
            };
            BackupRow {
                id: b.id.clone(),
                target: service_name(world, b.service),
                location: loc.id.clone(),
                location_kind: loc.kind.label().into(),
                point: point_label(world, b.point_ms),
                age: Dur((at.ms() as i64 - b.point_ms).max(0) as u64),
                size_gb: b.size_gb,
                verified: match b.verified {
                    Some(true) => "yes".into(),
                    Some(false) => "CORRUPT".into(),
                    None => "no".into(),
                },
                state,
                restore_time: transfer_time(b.size_gb, loc.mb_per_s, loc.lead),
            }
        })
        .collect();
    let locations = storage
        .locations
        .iter()
        .map(|l| LocationRow {
            id: l.id.clone(),
            kind: l.kind.label().into(),
            site: l.site.clone().unwrap_or_else(|| "-".into()),
            mb_per_s: l.mb_per_s,
            lead_time: l.lead,
            state: l
                .lost
                .clone()
                .map_or("ok".into(), |w| format!("LOST ({w})")),
        })
        .collect();
    let schedules = storage
        .schedules
        .iter()
        .filter(|s| filter.is_none_or(|f| s.service == f))
        .map(|s| ScheduleRow {
            target: service_name(world, s.service),
            every: s.every,
            location: storage.locations[s.location].id.clone(),
            next: clock(world, s.next),
        })
        .collect();
    let restores = storage
        .data
        .iter()
        .filter(|d| filter.is_none_or(|f| d.service == f))
        .filter_map(|d| {
            d.restoring.map(|(h, bi, until)| {
                format!(
                    "{} is being restored onto {} from backup {}, done {}",
                    service_name(world, d.service),
                    host_name(world, h),
                    storage.backups[bi].id,
                    clock(world, until)
                )
            })
        })
        .collect();
    Ok(BackupsView {
        target: target.map(str::to_owned),
        backups: rows,
        locations,
        schedules,
        restores,
    })
}

/// The data volume of a host for `describe`, if it has a declared volume or has lost one.
pub fn volume_view(world: &World, h: Entity) -> Option<VolumeView> {
    let order = host_order(world, h);
    let storage = world.resource::<Storage>();
    let v = storage.volumes.get(order)?;
    let restoring = storage.data.iter().find_map(|d| {
        d.restoring
            .filter(|(host, ..)| *host == h)
            .map(|(_, bi, until)| (storage.backups[bi].id.clone(), clock(world, until)))
    });
    if v.iops.is_none() && v.lost.is_none() && restoring.is_none() && v.fill_gb_per_hour == 0.0 {
        return None;
    }
    let lambda = world.get::<Load>(h).map_or(0.0, |l| l.lambda);
    let iops_now = if serving(world, h) {
        lambda * v.io_per_request
    } else {
        0.0
    };
    let io_wait_ms = v.iops.map(|iops| {
        let q = mmc(1, iops_now, 1_000.0 / iops);
        q.mean_ms
    });
    Some(VolumeView {
        iops_limit: v.iops,
        iops_now,
        io_wait_ms,
        fill_gb_per_hour: v.fill_gb_per_hour,
        lost: v.lost.clone(),
        restoring,
    })
}

/// Backup ids and location names, for completion.
pub fn names(world: &World) -> (Vec<String>, Vec<String>) {
    let storage = world.resource::<Storage>();
    (
        storage.backups.iter().map(|b| b.id.clone()).collect(),
        storage.locations.iter().map(|l| l.id.clone()).collect(),
    )
}
