//! Demand: the request rate arriving at the entry service at a moment of simulated time.

use scenarios::{Dur, Traffic};

/// Days in an average Gregorian month (365.25 / 12), the unit of `growth_pct_per_month`.
pub const DAYS_PER_MONTH: f64 = 365.25 / 12.0;

/// Base rate shaped by the daily and weekly cycles, growth, and any spikes in force.
pub fn rate(traffic: &Traffic, start_minute: u64, at: Dur) -> f64 {
    let spike: f64 = traffic
        .spikes
        .iter()
        .filter(|s| at >= s.at && at.ms() < s.at.ms().saturating_add(s.duration.ms()))
        .map(|s| s.multiplier)
        .product();
    (shape(traffic, start_minute, at.mins_f64()) * spike).max(0.0)
}

/// The rate `ago` before the start, for synthesised history: the same model run backwards
/// (growth shrinks it), with the past spikes in force instead of the scenario's.
pub fn rate_before(traffic: &Traffic, start_minute: u64, ago: Dur) -> f64 {
    let spike: f64 = traffic
        .past_spikes
        .iter()
        .filter(|s| ago <= s.ago && ago.ms() > s.ago.ms().saturating_sub(s.duration.ms()))
        .map(|s| s.multiplier)
        .product();
    (shape(traffic, start_minute, -ago.mins_f64()) * spike).max(0.0)
}

/// Base rate × daily cycle × weekly cycle × compound growth, `minute` minutes after the start.
fn shape(traffic: &Traffic, start_minute: u64, minute: f64) -> f64 {
    let minute_of_week = (start_minute as f64 + minute).rem_euclid(7.0 * 1_440.0);
    let hours_from_peak = (minute_of_week % 1_440.0) / 60.0 - traffic.peak_hour;
    let cycle = 1.0
        + traffic.diurnal_swing * crate::math::cos(std::f64::consts::TAU * hours_from_peak / 24.0);
    // Days 5 and 6 of the week starting Monday are Saturday and Sunday.
    let weekly = if minute_of_week >= 5.0 * 1_440.0 {
        traffic.weekend_factor
    } else {
        1.0
    };
    traffic.base_rps * cycle * weekly * growth(traffic.growth_pct_per_month, minute)
}

/// Compound growth over `minute` minutes at `pct` per month: (1 + pct/100)^months.
pub fn growth(pct: f64, minute: f64) -> f64 {
    if pct == 0.0 {
        return 1.0;
    }
    let months = minute / (DAYS_PER_MONTH * 1_440.0);
    crate::math::powf(1.0 + pct / 100.0, months)
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
            weekend_factor: 1.0,
            growth_pct_per_month: 0.0,
            history: None,
            past_spikes: Vec::new(),
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

    #[test]
    fn growth_compounds_monthly() {
        // 5% a month for 12 months: 1.05^12 = 1.795856326 (to 9 places).
        let year = 12.0 * DAYS_PER_MONTH * 1_440.0;
        assert!((growth(5.0, year) - 1.795_856_326).abs() < 1e-9);
        // Half a month at 10%: sqrt(1.1) = 1.048808848.
        assert!((growth(10.0, year / 24.0) - 1.048_808_848).abs() < 1e-9);
        // Run backwards, a month before the start demand was 1/1.05 of today's.
        let mut t = traffic(0.0);
        t.growth_pct_per_month = 5.0;
        let month = Dur::from_mins((DAYS_PER_MONTH * 1_440.0) as u64);
        assert!((rate_before(&t, 0, month) - 100.0 / 1.05).abs() < 1e-3);
    }

    #[test]
    fn weekends_scale_by_the_weekend_factor() {
        let mut t = traffic(0.0);
        t.spikes.clear();
        t.weekend_factor = 0.5;
        // Starting on a Monday at midnight: Friday noon is a weekday, Saturday noon is not.
        assert_eq!(rate(&t, 0, Dur::from_mins(4 * 1_440 + 720)), 100.0);
        assert_eq!(rate(&t, 0, Dur::from_mins(5 * 1_440 + 720)), 50.0);
        // Started on a Wednesday (minute of week 2 x 1440): the third day is a Friday.
        assert_eq!(rate(&t, 2 * 1_440, Dur::from_mins(3 * 1_440 + 60)), 50.0);
        // The day before a Monday start is a Sunday.
        assert_eq!(rate_before(&t, 0, Dur::from_mins(600)), 50.0);
    }
}
