//! Money: what every host costs while it exists, accrued each tick, in total and by service.
//! Every slice that prices something reads and adds to it here.

use std::collections::BTreeMap;

use bevy_ecs::prelude::Resource;

use crate::components::{HostSpec, HostState, Power};

/// Hours in a billing month, as cloud price lists count them (365 × 24 / 12 = 730).
pub const HOURS_PER_MONTH: f64 = 730.0;

/// The service a host's spend is booked to when it runs none.
pub const UNASSIGNED: &str = "(no service)";

/// Spend so far, booked by service name.
#[derive(Resource, Debug, Default, Clone)]
pub struct Spend {
    pub by_service: BTreeMap<String, f64>,
}

/// Whether a host is being paid for: from the moment it is launched, delivered or booting until
/// it is decommissioned (a stopped or crashed host is still owned, or still reserved).
pub fn billed(state: &HostState) -> bool {
    state.power != Power::Decommissioned
}

/// Dollars an hour the host costs now.
pub fn hourly_rate(spec: &HostSpec, state: &HostState) -> f64 {
    if billed(state) { spec.hourly_cost } else { 0.0 }
}

/// Dollars a host at `hourly` dollars an hour costs over `secs` seconds.
pub fn dollars(hourly: f64, secs: f64) -> f64 {
    hourly * secs / 3_600.0
}

impl Spend {
    /// Books `secs` of each (service, dollars an hour) and returns what it all cost.
    pub fn accrue<'a>(
        &mut self,
        secs: f64,
        hosts: impl IntoIterator<Item = (Option<&'a str>, f64)>,
    ) -> f64 {
        let mut total = 0.0;
        // Hosts of one service are mostly listed together: keep the running sum of the service
        // in hand and write it back when the service changes, so the map is searched once per
        // run of hosts and a name is copied only for a service seen for the first time. The
        // additions are the same ones in the same order, so the sums are bit for bit the same.
        let mut open: Option<(&str, f64)> = None;
        for (service, hourly) in hosts {
            if hourly <= 0.0 {
                continue;
            }
            let d = dollars(hourly, secs);
            let name = service.unwrap_or(UNASSIGNED);
            match &mut open {
                // The same service's hosts mostly hand in the very same name: compare where it
                // lies before comparing its bytes.
                Some((current, sum)) if std::ptr::eq(*current, name) || *current == name => {
                    *sum += d;
                }
                _ => {
                    if let Some((done, sum)) = open.take() {
                        self.put(done, sum);
                    }
                    let sum = self.by_service.get(name).copied().unwrap_or_default();
                    open = Some((name, sum + d));
                }
            }
            total += d;
        }
        if let Some((done, sum)) = open {
            self.put(done, sum);
        }
        total
    }

    fn put(&mut self, service: &str, sum: f64) {
        match self.by_service.get_mut(service) {
            Some(v) => *v = sum,
            None => {
                self.by_service.insert(service.to_owned(), sum);
            }
        }
    }

    /// Spend by service, largest first (ties by name).
    pub fn ranked(&self) -> Vec<(String, f64)> {
        let mut v: Vec<(String, f64)> = self
            .by_service
            .iter()
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        v.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spend_is_hours_times_price_summed_over_hosts() {
        // Two c5.xlarge at $0.17/h and one m5.2xlarge at $0.384/h for 90 minutes:
        // 1.5 × (0.17 + 0.17 + 0.384) = 1.5 × 0.724 = $1.086.
        let mut s = Spend::default();
        let fleet = [
            (Some("web"), 0.17),
            (Some("web"), 0.17),
            (Some("db"), 0.384),
        ];
        let mut total = 0.0;
        for _ in 0..90 {
            total += s.accrue(60.0, fleet);
        }
        assert!((total - 1.086).abs() < 1e-9, "{total}");
        assert!((s.by_service["web"] - 0.51).abs() < 1e-9);
        assert_eq!(s.ranked()[0].0, "db");
    }
}
