//! Calendar arithmetic for scenario start times: `"HH:MM"` or `"YYYY-MM-DD HH:MM"`, weekdays, and
//! the clock labels shown on the prompt, in logs and on sparklines (before the start too).

/// A parsed `start`: minutes past midnight, and the day (days since 1970-01-01) if a date was given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Start {
    pub day: Option<i64>,
    pub minute: u64,
}

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `"HH:MM"` or `"YYYY-MM-DD HH:MM"` (years 1970 to 9999).
pub fn parse_start(text: &str) -> Option<Start> {
    let (date, time) = match text.split_once(' ') {
        Some((d, t)) => (Some(d), t),
        None => (None, text),
    };
    let minute = crate::parse_clock(time)?;
    let day = match date {
        None => None,
        Some(d) => {
            let mut parts = d.split('-');
            let (y, m, dd) = (parts.next()?, parts.next()?, parts.next()?);
            if parts.next().is_some() || y.len() != 4 || m.len() != 2 || dd.len() != 2 {
                return None;
            }
            let (y, m, dd): (i64, u32, u32) = (y.parse().ok()?, m.parse().ok()?, dd.parse().ok()?);
            if !(1970..=9999).contains(&y) || !(1..=12).contains(&m) || dd == 0 {
                return None;
            }
            if dd > days_in_month(y, m) {
                return None;
            }
            Some(days_from_civil(y, m, dd))
        }
    };
    Some(Start { day, minute })
}

fn leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant, "chrono-Compatible Low-Level
/// Date Algorithms", `days_from_civil`).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number: the inverse of [`days_from_civil`] (same source, `civil_from_days`).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Day of the week, 0 = Monday. 1970-01-01 was a Thursday.
pub fn weekday(day: i64) -> usize {
    (day + 3).rem_euclid(7) as usize
}

/// Minutes from the Monday 00:00 before the start to the start. An undated start is taken as a
/// Monday, so the weekly cycle of an undated scenario begins on its first day.
pub fn start_minute_of_week(start: &str) -> u64 {
    match parse_start(start) {
        Some(Start {
            day: Some(d),
            minute,
        }) => weekday(d) as u64 * 1_440 + minute,
        Some(s) => s.minute,
        None => 0,
    }
}

/// The clock label of `at_ms` after the start (negative: before it). Dated scenarios show the
/// day, e.g. `"Thu 26 Nov 09:00"`; undated ones `"02:21"`, or `"+1d 00:14"` / `"-3d 14:00"` on
/// other days.
pub fn clock_label_signed(start: &str, at_ms: i64) -> String {
    let s = parse_start(start).unwrap_or(Start {
        day: None,
        minute: 0,
    });
    let minutes = s.minute as i64 + at_ms.div_euclid(60_000);
    let (days, minutes) = (minutes.div_euclid(1_440), minutes.rem_euclid(1_440));
    let hm = format!("{:02}:{:02}", minutes / 60, minutes % 60);
    match s.day {
        Some(d) => {
            let day = d + days;
            let (_, m, dd) = civil_from_days(day);
            format!(
                "{} {dd:02} {} {hm}",
                WEEKDAYS[weekday(day)],
                MONTHS[m as usize - 1]
            )
        }
        None if days == 0 => hm,
        None => format!("{days:+}d {hm}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_and_know_their_weekday() {
        // 2026-11-27 is a Friday (Black Friday 2026: the day after the fourth Thursday of November).
        let d = days_from_civil(2026, 11, 27);
        assert_eq!(civil_from_days(d), (2026, 11, 27));
        assert_eq!(WEEKDAYS[weekday(d)], "Fri");
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn labels_show_the_day_when_dated_and_an_offset_when_not() {
        assert_eq!(
            clock_label_signed("2026-10-05 09:00", 0),
            "Mon 05 Oct 09:00"
        );
        assert_eq!(
            clock_label_signed("2026-10-05 09:00", 31 * 86_400_000),
            "Thu 05 Nov 09:00"
        );
        assert_eq!(
            clock_label_signed("2026-10-05 09:00", -10 * 3_600_000),
            "Sun 04 Oct 23:00"
        );
        assert_eq!(clock_label_signed("02:14", 7 * 60_000), "02:21");
        assert_eq!(clock_label_signed("02:14", 86_400_000), "+1d 02:14");
        assert_eq!(clock_label_signed("02:14", -3 * 86_400_000), "-3d 02:14");
        assert!(parse_start("2026-02-30 09:00").is_none());
        assert!(parse_start("2026-1-05 09:00").is_none());
        assert_eq!(start_minute_of_week("2026-10-05 09:00"), 540);
        assert_eq!(start_minute_of_week("2026-10-07 00:00"), 2 * 1_440);
    }
}
