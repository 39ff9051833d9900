//! Demand: the request rate arriving at the entry service at a moment of simulated time.

use scenarios::{Dur, Traffic};

/// Base rate shaped by the daily cycle and any spikes in force.
pub fn rate(traffic: &Traffic, start_minute: u64, at: Dur) -> f64 {
    let minute_of_day = (start_minute as f64 + at.mins_f64()) % 1_440.0;
    let hours_from_peak = minute_of_day / 60.0 - traffic.peak_hour;
    let cycle = 1.0
        + traffic.diurnal_swing * crate::math::cos(std::f64::consts::TAU * hours_from_peak / 24.0);
    let spike: f64 = traffic
        .spikes
        .iter()
        .filter(|s| at >= s.at && at.ms() < s.at.ms().saturating_add(s.duration.ms()))
        .map(|s| s.multiplier)
        .product();
    (traffic.base_rps * cycle * spike).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use scenarios::Spike;

    fn traffic(swing: f64) -> Traffic {
        Traffic {
            entry: "lb".into(),
            base_rps: 100.0,
            diurnal_swing: swing,
            peak_hour: 20.0,
            noise: 0.0,
            write_fraction: 0.0,
            spikes: vec![Spike {
                at: Dur::from_mins(30),
                duration: Dur::from_mins(10),
                multiplier: 3.0,
            }],
        }
    }

    #[test]
    fn daily_cycle_peaks_at_peak_hour_and_troughs_twelve_hours_later() {
        let t = traffic(0.5);
        assert!((rate(&t, 20 * 60, Dur::ZERO) - 150.0).abs() < 1e-9);
        assert!((rate(&t, 8 * 60, Dur::ZERO) - 50.0).abs() < 1e-9);
    }

    #[test]
    fn spikes_multiply_only_while_in_force() {
        let t = traffic(0.0);
        assert_eq!(rate(&t, 0, Dur::from_mins(29)), 100.0);
        assert_eq!(rate(&t, 0, Dur::from_mins(35)), 300.0);
        assert_eq!(rate(&t, 0, Dur::from_mins(40)), 100.0);
    }
}
