//! `Dur`: a span of simulated time, written in scenario files as `"90s"`, `"5m"`, `"1h30m"`, `"14d"`.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

/// Milliseconds in each unit a duration string may use, longest suffix first so `ms` wins over `m`.
const UNITS: [(&str, u64); 6] = [
    ("ms", 1),
    ("s", 1_000),
    ("m", 60_000),
    ("h", 3_600_000),
    ("d", 86_400_000),
    ("w", 604_800_000),
];

/// The longest span any scenario may mention: ten years. Longer is refused, never overflowed.
pub const MAX_DURATION_MS: u64 = 10 * 366 * 86_400_000;

/// A non-negative span of simulated time with millisecond resolution.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Dur(pub u64);

impl Dur {
    pub const ZERO: Dur = Dur(0);

    pub const fn from_secs(s: u64) -> Dur {
        Dur(s * 1_000)
    }

    pub const fn from_mins(m: u64) -> Dur {
        Dur(m * 60_000)
    }

    pub const fn ms(self) -> u64 {
        self.0
    }

    pub fn secs_f64(self) -> f64 {
        self.0 as f64 / 1_000.0
    }

    pub fn mins_f64(self) -> f64 {
        self.0 as f64 / 60_000.0
    }

    /// Parses `"1h30m"`, `"45s"`, `"250ms"`. Whitespace between parts is allowed.
    pub fn parse(text: &str) -> Result<Dur, String> {
        let s = text.trim();
        if s.is_empty() {
            return Err("empty duration; write e.g. \"30s\", \"5m\" or \"1h30m\"".into());
        }
        let mut total: u64 = 0;
        let mut rest = s;
        while !rest.is_empty() {
            rest = rest.trim_start();
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return Err(format!(
                    "`{text}` is not a duration; write a number followed by ms, s, m, h, d or w (e.g. \"5m\")"
                ));
            }
            let number: u64 = rest[..digits]
                .parse()
                .map_err(|_| format!("`{text}` is too long a duration"))?;
            rest = &rest[digits..];
            if rest.starts_with(['.', ',']) {
                return Err(format!(
                    "`{text}`: fractions are not supported; use a smaller unit (e.g. \"90s\" for 1.5m)"
                ));
            }
            let Some((unit, scale)) = UNITS.iter().find(|(u, _)| rest.starts_with(u)) else {
                return Err(format!(
                    "`{text}` needs a unit after {number}: ms, s, m, h, d or w"
                ));
            };
            rest = &rest[unit.len()..];
            total = number
                .checked_mul(*scale)
                .and_then(|v| total.checked_add(v))
                .filter(|v| *v <= MAX_DURATION_MS)
                .ok_or_else(|| format!("`{text}` is longer than the ten-year limit"))?;
        }
        Ok(Dur(total))
    }
}

impl fmt::Display for Dur {
    /// Shortest exact form: `1h30m`, `45s`, `250ms`, `0s`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            return f.write_str("0s");
        }
        let mut rest = self.0;
        for (unit, scale) in [
            ("d", 86_400_000),
            ("h", 3_600_000),
            ("m", 60_000),
            ("s", 1_000),
            ("ms", 1),
        ] {
            if rest >= scale {
                write!(f, "{}{unit}", rest / scale)?;
                rest %= scale;
            }
        }
        Ok(())
    }
}

impl Serialize for Dur {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Dur {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Dur, D::Error> {
        let text = String::deserialize(deserializer)?;
        Dur::parse(&text).map_err(de::Error::custom)
    }
}

impl schemars::JsonSchema for Dur {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Duration".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A duration: whole numbers with units, largest first, e.g. \"30s\", \"5m\", \"1h30m\", \"2w\" (units: ms, s, m, h, d, w).",
            "pattern": "^([0-9]+(ms|s|m|h|d|w))+$"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_accepts_compound_durations() {
        assert_eq!(Dur::parse("1h30m"), Ok(Dur(5_400_000)));
        assert_eq!(Dur::parse("250ms"), Ok(Dur(250)));
        assert_eq!(Dur::parse("2d 3h"), Ok(Dur(2 * 86_400_000 + 3 * 3_600_000)));
    }

    #[test]
    fn parse_rejects_missing_units_and_overflow() {
        assert!(
            Dur::parse("1.5m")
                .unwrap_err()
                .contains("fractions are not supported")
        );
        assert!(Dur::parse("5").unwrap_err().contains("needs a unit"));
        assert!(Dur::parse("-5m").is_err());
        assert!(Dur::parse("999999999999999999999d").is_err());
        assert!(Dur::parse("600w").unwrap_err().contains("ten-year"));
    }

    #[test]
    fn display_round_trips() {
        for text in ["1h30m", "45s", "250ms", "0s", "2d3h", "1m5s"] {
            assert_eq!(Dur::parse(text).unwrap().to_string(), text);
        }
    }
}
