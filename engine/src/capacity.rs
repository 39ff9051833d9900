//! Capacity planning: host types that can be bought (on-prem, weeks of lead time) or launched
//! (cloud, on demand or reserved), orders in flight, reservations, and the money and utilisation
//! accounting behind the capacity KPIs (peak headroom, saturation, idle waste, spend).
//!
//! Money here is this slice's own small ledger. A general cost model of the estate belongs in
//! `cost.rs`; when both exist, `CapLedger` should become a view of that one ledger's spend by
//! category rather than a second account.

use bevy_ecs::prelude::{Entity, Resource, World};
use scenarios::{CapacityPlan, Dur, HostType, Placed, Scenario};
use serde::Serialize;

use crate::SimError;
use crate::actions::{Applied, capacity_harm, host_of, launch_host, service_of};
use crate::components::{HostSpec, HostState, Instance, Power, ServiceSpec, ServiceState};
use crate::effects::{now, service_name};
use crate::record::Severity;
use crate::resources::{Log, Names, Target};

/// Straight-line depreciation of a server over three years, the usual life of datacenter
/// hardware: the hourly share of its price that idle capacity wastes.
pub const DEPRECIATION_HOURS: f64 = 3.0 * 365.0 * 24.0;
/// Utilisation counted for a tier with no capacity left at all.
pub const NO_CAPACITY_UTIL: f64 = 10.0;

/// How one host is billed.
#[derive(Clone, Debug, PartialEq)]
pub struct Billing {
    pub host_type: Option<usize>,
    pub cloud: bool,
    /// Dollars per hour it costs to run (power and space, or the on-demand price).
    pub hourly: f64,
    /// Dollars per hour of its price written off (on-prem), for idle-waste accounting.
    pub depreciation: f64,
}

/// Hosts on order for a service.
#[derive(Clone, Debug, PartialEq)]
pub struct Order {
    pub host_type: usize,
    pub count: u32,
    pub service: Entity,
    pub placed: Dur,
    pub arrives: Dur,
}

/// A commitment to pay the reserved rate for `count` hosts of a type, used or not.
#[derive(Clone, Debug, PartialEq)]
pub struct Reservation {
    pub host_type: usize,
    pub count: u32,
    pub from: Dur,
    pub until: Dur,
}

/// Money spent so far, by kind, and the utilisation record of the planned services.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CapLedger {
    pub capex: f64,
    pub onprem_running: f64,
    pub cloud_on_demand: f64,
    pub cloud_reserved: f64,
    pub idle_waste: f64,
    pub reserved_waste: f64,
    pub budget_crossed: Option<Dur>,
    pub saturated_ms: u64,
    pub spans: Vec<(Dur, Dur)>,
    /// Per planned service: (highest utilisation, when, demand then, capacity then).
    pub peaks: Vec<(f64, Dur, f64, f64)>,
    /// The day in progress, per planned service: (cost, peak demand, capacity × hours, hours).
    pub day: Vec<(f64, f64, f64, f64)>,
    pub day_start: Dur,
    /// (day start, dollars wasted that day) of the most wasteful day.
    pub worst_day: Option<(Dur, f64)>,
}

impl CapLedger {
    pub fn spend(&self) -> f64 {
        self.capex + self.onprem_running + self.cloud_on_demand + self.cloud_reserved
    }
}

/// The capacity plan in force: what can be bought, what is coming, what is committed, and the
/// ledger.
#[derive(Resource, Debug)]
pub struct CapacityState {
    pub plan: CapacityPlan,
    /// The planned services, in the plan's order.
    pub services: Vec<Entity>,
    /// Billing of each host, by `HostSpec::order`.
    pub billing: Vec<Billing>,
    pub cloud_types: Vec<bool>,
    pub orders: Vec<Order>,
    pub reservations: Vec<Reservation>,
    pub ledger: CapLedger,
}

impl CapacityState {
    pub fn type_index(&self, id: &str) -> Option<usize> {
        self.plan.host_types.iter().position(|t| t.id == id)
    }

    fn billing_of(&self, t: Option<usize>, hourly: f64, cloud: bool) -> Billing {
        let price = t.map_or(0.0, |i| self.plan.host_types[i].price);
        Billing {
            host_type: t,
            cloud,
            hourly,
            depreciation: if cloud {
                0.0
            } else {
                price / DEPRECIATION_HOURS
            },
        }
    }

    /// Reservations of type `t` in force at `at`.
    pub fn reserved(&self, t: usize, at: Dur) -> u32 {
        self.reservations
            .iter()
            .filter(|r| r.host_type == t && r.from <= at && at < r.until)
            .map(|r| r.count)
            .sum()
    }
}

/// Inserts the capacity state for a scenario with a plan; hosts must already be spawned.
pub fn setup(world: &mut World, scenario: &Scenario) {
    let Some(plan) = scenario.capacity.clone() else {
        return;
    };
    let cloud_zones = scenario.cloud_zones();
    let cloud_types = plan
        .host_types
        .iter()
        .map(|t| cloud_zones.contains(&t.zone.as_str()))
        .collect();
    let names = world.resource::<Names>();
    let services = plan
        .services
        .iter()
        .filter_map(|s| match names.by_name.get(s) {
            Some(Target::Service(e)) => Some(*e),
            _ => None,
        })
        .collect::<Vec<_>>();
    let n = services.len();
    let mut state = CapacityState {
        plan,
        services,
        billing: Vec::new(),
        cloud_types,
        orders: Vec::new(),
        reservations: Vec::new(),
        ledger: CapLedger {
            peaks: vec![(0.0, Dur::ZERO, 0.0, 0.0); n],
            day: vec![(0.0, 0.0, 0.0, 0.0); n],
            ..CapLedger::default()
        },
    };
    for h in &scenario.topology.hosts {
        let t = h.host_type.as_deref().and_then(|id| state.type_index(id));
        let cloud = cloud_zones.contains(&h.zone.as_str());
        let b = state.billing_of(t, h.hourly_cost, cloud);
        state.billing.push(b);
    }
    let placed = state.plan.placed.clone();
    for p in placed {
        match p {
            Placed::Order {
                host_type,
                count,
                service,
                arrives,
            } => {
                let (Some(t), Some(Target::Service(s))) = (
                    state.type_index(&host_type),
                    world.resource::<Names>().by_name.get(&service).copied(),
                ) else {
                    continue;
                };
                state.orders.push(Order {
                    host_type: t,
                    count,
                    service: s,
                    placed: Dur::ZERO,
                    arrives,
                });
            }
            Placed::Reservation {
                host_type,
                count,
                until,
            } => {
                if let Some(t) = state.type_index(&host_type) {
                    state.reservations.push(Reservation {
                        host_type: t,
                        count,
                        from: Dur::ZERO,
                        until,
                    });
                }
            }
        }
    }
    world.insert_resource(state);
}

fn plan_mut(world: &mut World) -> Result<bevy_ecs::prelude::Mut<'_, CapacityState>, SimError> {
    world.get_resource_mut::<CapacityState>().ok_or_else(|| {
        SimError::new("this scenario has no capacity plan: there is nothing to order or reserve")
    })
}

fn host_type<'a>(state: &'a CapacityState, id: &str) -> Result<(usize, &'a HostType), SimError> {
    state
        .type_index(id)
        .map(|i| (i, &state.plan.host_types[i]))
        .ok_or_else(|| SimError {
            message: format!("unknown host type `{id}`; `capacity` lists what can be ordered"),
            suggestion: scenarios::suggest(id, state.plan.host_types.iter().map(|t| t.id.as_str())),
        })
}

/// `order TYPE N for SERVICE`: hosts arrive after the type's lead time and join the service.
pub fn order(
    world: &mut World,
    type_id: &str,
    count: u32,
    service: &str,
) -> Result<Applied, SimError> {
    let s = service_of(world, service)?;
    let at = now(world);
    let limit = world.resource::<crate::resources::Clock>().limit;
    let state = plan_mut(world)?;
    let (t, ty) = host_type(&state, type_id)?;
    let ty = ty.clone();
    let cloud = state.cloud_types[t];
    if count == 0 {
        return Err(SimError::new("order at least one host"));
    }
    let arrives = Dur(at.ms().saturating_add(ty.lead_time.ms()));
    let mut state = state;
    state.orders.push(Order {
        host_type: t,
        count,
        service: s,
        placed: at,
        arrives,
    });
    let capex = ty.price * f64::from(count);
    state.ledger.capex += capex;
    let when = if arrives > limit {
        format!("in {} (after this scenario ends)", ty.lead_time)
    } else {
        format!("in {}", ty.lead_time)
    };
    let message = if cloud {
        format!(
            "launching {count} x {type_id} for {service}: up {when}, billed ${}/h each on demand (less any reservation)",
            money(ty.hourly_cost)
        )
    } else {
        format!(
            "ordered {count} x {type_id} for {service} (${}): delivered and racked {when}, then ${}/h each to run",
            money(capex),
            money(ty.hourly_cost)
        )
    };
    Ok(Applied {
        message,
        harm: None,
        targets: vec![service.to_owned()],
    })
}

/// `reserve TYPE N`: commits to paying the reserved rate for N hosts of a cloud type for its term.
pub fn reserve(world: &mut World, type_id: &str, count: u32) -> Result<Applied, SimError> {
    let at = now(world);
    let mut state = plan_mut(world)?;
    let (t, ty) = host_type(&state, type_id)?;
    let (Some(rate), Some(term)) = (ty.reserved_hourly, ty.reserve_term) else {
        return Err(SimError::new(format!(
            "{type_id} cannot be reserved: {}",
            if state.cloud_types[t] {
                "this provider offers it on demand only"
            } else {
                "it is bought outright; use `order`"
            }
        )));
    };
    if count == 0 {
        return Err(SimError::new("reserve at least one host"));
    }
    let on_demand = ty.hourly_cost;
    let until = Dur(at.ms().saturating_add(term.ms()));
    state.reservations.push(Reservation {
        host_type: t,
        count,
        from: at,
        until,
    });
    let discount = if on_demand > 0.0 {
        (1.0 - rate / on_demand) * 100.0
    } else {
        0.0
    };
    Ok(Applied {
        message: format!(
            "reserved {count} x {type_id} for {term}: ${}/h each ({discount:.0}% off on demand), paid whether used or not; running {type_id} hosts use them first",
            money(rate)
        ),
        harm: None,
        targets: Vec::new(),
    })
}

/// `decommission HOST`: takes a host out of service for good; it stops costing money to run.
pub fn decommission(world: &mut World, host: &str) -> Result<Applied, SimError> {
    let h = host_of(world, host)?;
    let power = world.get::<HostState>(h).map(|s| s.power);
    if power == Some(Power::Decommissioned) {
        return Err(SimError::new(format!("{host} is already decommissioned")));
    }
    let service = world.get::<Instance>(h).map(|i| i.service);
    let mut targets = vec![host.to_owned()];
    let mut harm = None;
    if let Some(s) = service {
        let st = world.get::<ServiceState>(s).expect("service");
        if st.primary == Some(h) {
            return Err(SimError::new(format!(
                "{host} is the {} primary; fail over first",
                service_name(world, s)
            )));
        }
        if st.members.len() <= 1 {
            return Err(SimError::new(format!(
                "{host} is the last instance of {}; it would take the service down",
                service_name(world, s)
            )));
        }
        harm = capacity_harm(world, s, &[h]);
        targets.push(service_name(world, s));
        world
            .get_mut::<ServiceState>(s)
            .expect("service")
            .members
            .retain(|&m| m != h);
    }
    world.get_mut::<HostState>(h).expect("host").power = Power::Decommissioned;
    Ok(Applied {
        message: format!("{host} decommissioned: out of service and no longer billed to run"),
        harm,
        targets,
    })
}

/// Delivers orders due by now: each host is racked (or launched), boots and joins its service.
pub fn deliver_orders(world: &mut World) {
    let at = now(world);
    let Some(mut state) = world.get_resource_mut::<CapacityState>() else {
        return;
    };
    let due: Vec<Order> = state
        .orders
        .iter()
        .filter(|o| o.arrives <= at)
        .cloned()
        .collect();
    if due.is_empty() {
        return;
    }
    state.orders.retain(|o| o.arrives > at);
    for o in due {
        let state = world.resource::<CapacityState>();
        let ty = state.plan.host_types[o.host_type].clone();
        let cloud = state.cloud_types[o.host_type];
        let billing = state.billing_of(Some(o.host_type), ty.hourly_cost, cloud);
        let zone = world
            .resource::<crate::network::Network>()
            .zone_index(&ty.zone)
            .unwrap_or(0);
        let template = HostSpec {
            name: String::new(),
            order: 0,
            zone,
            cores: f64::from(ty.cores),
            memory_mb: ty.memory_gb * 1_024.0,
            boot_time: Dur::from_secs(180),
            hourly_cost: ty.hourly_cost,
        };
        let ready = Dur(at.ms() + template.boot_time.ms());
        let mut added = Vec::new();
        for _ in 0..o.count {
            let (_, name) =
                launch_host(world, o.service, template.clone(), Some(ty.disk_gb), ready);
            world
                .resource_mut::<CapacityState>()
                .billing
                .push(billing.clone());
            added.push(name);
        }
        let svc = service_name(world, o.service);
        world.resource_mut::<Log>().notify(
            at,
            &svc,
            Severity::Info,
            format!(
                "{} x {} {} for {svc}: {} booting",
                o.count,
                ty.id,
                if cloud {
                    "launched"
                } else {
                    "delivered and racked"
                },
                added.join(", ")
            ),
        );
    }
}

/// Capacity of one instance of `spec` on `cores`, in requests per second at full utilisation.
pub fn instance_capacity(spec: &ServiceSpec, cpu_factor: f64, cores: f64) -> f64 {
    let ms = spec.ms_per_request * cpu_factor;
    if ms <= 0.0 {
        return f64::INFINITY;
    }
    spec.workers.map_or(cores, |w| f64::from(w).min(cores)) * 1_000.0 / ms
}

/// (demand, capacity) of a planned service now: capacity counts serving members only.
pub fn demand_and_capacity(world: &World, s: Entity) -> (f64, f64) {
    let (Some(spec), Some(st)) = (world.get::<ServiceSpec>(s), world.get::<ServiceState>(s)) else {
        return (0.0, 0.0);
    };
    let factor = st.versions.get(st.current).map_or(1.0, |v| v.cpu_factor);
    let capacity = st
        .members
        .iter()
        .filter(|&&m| crate::effects::serving(world, m))
        .filter_map(|&m| world.get::<HostSpec>(m))
        .map(|h| instance_capacity(spec, factor, h.cores))
        .sum();
    let demand = world
        .get::<crate::components::ServiceLoad>(s)
        .map_or(0.0, |l| l.lambda);
    (demand, capacity)
}

/// Offered load over capacity: above 1 the tier cannot keep up.
pub fn utilisation(demand: f64, capacity: f64) -> f64 {
    if capacity > 0.0 {
        demand / capacity
    } else if demand > 0.0 {
        NO_CAPACITY_UTIL
    } else {
        0.0
    }
}

/// Dollars with thousands separators and no cents past 1000.
pub fn money(v: f64) -> String {
    if v.abs() >= 1_000.0 {
        let whole = v.round() as i64;
        let digits = whole.unsigned_abs().to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        if whole < 0 { format!("-{out}") } else { out }
    } else {
        format!("{v:.2}")
    }
}

/// What the run did to the capacity KPIs, for the record.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct CapacityRecord {
    pub budget: Option<f64>,
    pub spend: f64,
    pub capex: f64,
    pub onprem_running: f64,
    pub cloud_on_demand: f64,
    pub cloud_reserved: f64,
    pub idle_waste: f64,
    pub reserved_waste: f64,
    pub budget_crossed_at: Option<Dur>,
    pub saturation_util: f64,
    pub saturated_min: f64,
    /// Spans of simulated time with a planned service saturated, merged, in order.
    pub saturated_spans: Vec<(Dur, Dur)>,
    pub peaks: Vec<PeakRecord>,
    pub worst_waste_day: Option<(Dur, f64)>,
}

/// A planned service at its busiest.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct PeakRecord {
    pub service: String,
    pub at: Dur,
    pub utilisation: f64,
    pub demand_rps: f64,
    pub capacity_rps: f64,
}

/// The capacity record of a world with a plan, including the day in progress.
pub fn record(world: &World) -> Option<CapacityRecord> {
    let state = world.get_resource::<CapacityState>()?;
    let l = &state.ledger;
    let (day_waste, _) = day_waste(&state.plan, &l.day);
    Some(CapacityRecord {
        budget: state.plan.budget,
        spend: l.spend(),
        capex: l.capex,
        onprem_running: l.onprem_running,
        cloud_on_demand: l.cloud_on_demand,
        cloud_reserved: l.cloud_reserved,
        idle_waste: l.idle_waste + day_waste,
        reserved_waste: l.reserved_waste,
        budget_crossed_at: l.budget_crossed,
        saturation_util: state.plan.saturation_util,
        saturated_min: l.saturated_ms as f64 / 60_000.0,
        saturated_spans: l.spans.clone(),
        peaks: state
            .services
            .iter()
            .zip(&l.peaks)
            .map(|(&s, &(u, at, d, c))| PeakRecord {
                service: service_name(world, s),
                at,
                utilisation: u,
                demand_rps: d,
                capacity_rps: c,
            })
            .collect(),
        worst_waste_day: l.worst_day,
    })
}

/// Idle waste of a day's accumulators: each service's cost times the share of its capacity the
/// day's peak (with the plan's headroom) did not need. Returns (total, per service).
pub fn day_waste(plan: &CapacityPlan, day: &[(f64, f64, f64, f64)]) -> (f64, Vec<f64>) {
    let per: Vec<f64> = day
        .iter()
        .map(|&(cost, peak, cap_hours, hours)| {
            if hours <= 0.0 || cap_hours <= 0.0 {
                return 0.0;
            }
            let capacity = cap_hours / hours;
            let needed = peak / (1.0 - plan.headroom_target);
            cost * (1.0 - needed / capacity).max(0.0)
        })
        .collect();
    (per.iter().sum(), per)
}

/// The `capacity` screen.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CapacityView {
    pub services: Vec<CapacityRow>,
    pub host_types: Vec<HostTypeRow>,
    /// (what, service, arrives)
    pub orders: Vec<(String, String, Dur)>,
    /// (host type, count, until)
    pub reservations: Vec<(String, u32, Dur)>,
    pub spend: f64,
    pub capex: f64,
    pub onprem_running: f64,
    pub cloud_on_demand: f64,
    pub cloud_reserved: f64,
    pub budget: Option<f64>,
    pub saturation_util: f64,
    pub headroom_target: f64,
}

/// One planned service on the `capacity` screen.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CapacityRow {
    pub service: String,
    pub serving: usize,
    pub starting: usize,
    pub on_order: u32,
    pub capacity_rps: f64,
    pub demand_rps: f64,
    pub utilisation: f64,
    pub peak_utilisation: f64,
    pub peak_at: Dur,
}

/// One orderable host type.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct HostTypeRow {
    pub id: String,
    pub zone: String,
    pub cloud: bool,
    pub cores: u32,
    pub memory_gb: f64,
    pub lead_time: Dur,
    pub price: f64,
    pub hourly_cost: f64,
    pub reserved_hourly: Option<f64>,
    pub reserve_term: Option<Dur>,
    pub running: usize,
    pub reserved: u32,
}

pub fn view(world: &World) -> Result<CapacityView, SimError> {
    let state = world.get_resource::<CapacityState>().ok_or_else(|| {
        SimError::new("this scenario has no capacity plan; `status` and `top` show the estate")
    })?;
    let at = now(world);
    let services = state
        .services
        .iter()
        .zip(&state.ledger.peaks)
        .map(|(&s, &(peak, peak_at, _, _))| {
            let (demand, capacity) = demand_and_capacity(world, s);
            let members = world
                .get::<ServiceState>(s)
                .map_or(&[][..], |st| &st.members[..]);
            let serving = members
                .iter()
                .filter(|&&m| crate::effects::serving(world, m))
                .count();
            CapacityRow {
                service: service_name(world, s),
                serving,
                starting: members.len() - serving,
                on_order: state
                    .orders
                    .iter()
                    .filter(|o| o.service == s)
                    .map(|o| o.count)
                    .sum(),
                capacity_rps: capacity,
                demand_rps: demand,
                utilisation: utilisation(demand, capacity),
                peak_utilisation: peak,
                peak_at,
            }
        })
        .collect();
    let live = |t: usize| {
        world
            .resource::<Names>()
            .hosts
            .iter()
            .filter(|&&h| {
                world
                    .get::<HostState>(h)
                    .is_some_and(|s| s.power != Power::Decommissioned)
                    && world
                        .get::<HostSpec>(h)
                        .and_then(|spec| state.billing.get(spec.order))
                        .is_some_and(|b| b.host_type == Some(t))
            })
            .count()
    };
    let host_types = state
        .plan
        .host_types
        .iter()
        .enumerate()
        .map(|(i, t)| HostTypeRow {
            id: t.id.clone(),
            zone: t.zone.clone(),
            cloud: state.cloud_types[i],
            cores: t.cores,
            memory_gb: t.memory_gb,
            lead_time: t.lead_time,
            price: t.price,
            hourly_cost: t.hourly_cost,
            reserved_hourly: t.reserved_hourly,
            reserve_term: t.reserve_term,
            running: live(i),
            reserved: state.reserved(i, at),
        })
        .collect();
    let l = &state.ledger;
    Ok(CapacityView {
        services,
        host_types,
        orders: state
            .orders
            .iter()
            .map(|o| {
                (
                    format!("{} x {}", o.count, state.plan.host_types[o.host_type].id),
                    service_name(world, o.service),
                    o.arrives,
                )
            })
            .collect(),
        reservations: state
            .reservations
            .iter()
            .filter(|r| r.until > at && r.from <= at)
            .map(|r| {
                (
                    state.plan.host_types[r.host_type].id.clone(),
                    r.count,
                    r.until,
                )
            })
            .collect(),
        spend: l.spend(),
        capex: l.capex,
        onprem_running: l.onprem_running,
        cloud_on_demand: l.cloud_on_demand,
        cloud_reserved: l.cloud_reserved,
        budget: state.plan.budget,
        saturation_util: state.plan.saturation_util,
        headroom_target: state.plan.headroom_target,
    })
}
